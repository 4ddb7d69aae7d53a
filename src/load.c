/*
 * load.c - reads a model file (YAML) into a VsModel, checking every key
 * against the model contract and reporting every problem of the file at once.
 *
 * DOC: how the loader reads.  It walks the event stream of ycur.c (never a
 * document tree) with one recursive-descent function per object kind.  Each
 * mapping kind has a table of its keys (name -> handler, required or not); the
 * one generic parse_map() looks keys up there, rejects unknown and duplicate
 * keys, hands each value's first event to the handler and finally reports the
 * required keys that were missing.  Lists go through parse_list(), which also
 * caps the number of objects per kind.  Values are parsed strictly into binary
 * form as they are read (addresses, prefixes, ports, numbers, enums); names
 * that refer to other objects are recorded as references (load-private.h) and
 * resolved by load-check.c once every file is read, so an object may be
 * referenced before it is defined, or from another file.
 *
 * An error never stops the reading of the rest of the file unless the YAML
 * itself is broken or a resource limit is hit: those end the file ("fatal")
 * and skip the whole-model checks, which would only add noise.
 *
 * Include rules (for the man page): `include` is a top-level list of paths,
 * relative to the directory of the file that names them.  Included files are
 * read after the including file, depth first, in list order; their lists are
 * appended and their serviceTags and latency.regionPairs merged.  An included
 * file may repeat `name`, `subscriptionId` and `location` only with the root
 * file's values (so a part can carry the same header), and each latency
 * setting and internet.reachable may be set in one file only.  A file that is
 * included twice (not in a cycle) is read once; a file that includes itself,
 * directly or not, is an error, as is nesting deeper than VS_LOAD_MAX_INCLUDE_DEPTH.
 */
#include "config.h"

#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load-private.h"
#include "ycur.h"

/* the quark name is stringified as written: keep it unformatted */
/* clang-format off */
G_DEFINE_QUARK(vs-load-error-quark, vs_load_error)
/* clang-format on */

/* Limits, documented in vnetsim-model(5). */
#define VS_LOAD_MAX_FILE_SIZE (64u * 1024 * 1024) /* bytes per file, and in all files */
#define VS_LOAD_MAX_OBJECTS 200000                /* objects of one kind in the model */
#define VS_LOAD_MAX_INCLUDE_DEPTH 16
#define VS_LOAD_MAX_FILES 256
#define VS_LOAD_MAX_DESCRIPTION 140 /* characters, as Azure */

/* In a pending message, stands for the innermost list item ("securityRule 'x'"). */
#define OBJ "\x01"

typedef struct {
	const char *key; /* a key segment (a static string), or NULL for a list item */
	guint item;      /* index into Loader.items for a list item */
} Seg;

typedef struct {
	guint index;
	const char *kind; /* "securityRule", for messages */
	char *name;       /* owned; set when its name is read and valid */
} Item;

typedef struct {
	Where where;
	const char *code;
	char *message;
	gint object; /* Loader.items index described at OBJ, or -1 */
} Pending;

typedef struct {
	dev_t dev;
	ino_t ino;
} FileId;

/* Object counters, one per kind that has a cap. */
typedef enum {
	KIND_VNET,
	KIND_SUBNET,
	KIND_PEERING,
	KIND_NSG,
	KIND_RULE,
	KIND_ASG,
	KIND_SERVICE_TAG,
	KIND_ROUTE_TABLE,
	KIND_ROUTE,
	KIND_VM,
	KIND_NIC,
	KIND_FW_RULE,
	KIND_DNS_RECORD,
	KIND_ENDPOINT,
	KIND_OTHER, /* lists of values: prefixes, ports, names */
	N_KINDS,
} Kind;

enum {
	LAT_VNET,
	LAT_PEERING,
	LAT_INTER_REGION,
	LAT_APPLIANCE,
	LAT_INTERNET,
	LAT_JITTER,
	LAT_LOSS,
	LAT_INTERNET_REACHABLE, /* internet.reachable, under the same one-file rule */
	N_ONCE,
};

struct Loader {
	VsModel *model;
	VsDiagList *diags;
	guint errors_before;
	gboolean fatal;     /* the current file cannot be read further */
	gboolean any_fatal; /* some file could not be read: skip whole-model checks */
	gboolean limit_hit;

	/* the file being read */
	VsYcur *cur;
	const char *file; /* interned by the model */
	gboolean is_root;
	GPtrArray *includes; /* Include*, of the file being read */

	/* path segments and deferred diagnostics (load-private.h) */
	GArray *stack;        /* Seg */
	GArray *items;        /* Item, since the last flush */
	guint open_items;     /* item segments on the stack */
	GPtrArray *pending;   /* Pending*, since the last flush */
	GPtrArray *wheres;    /* Where*, owned, all of them */
	GPtrArray *unflushed; /* Where*, borrowed, not formatted yet */

	GPtrArray *refs;    /* Ref*, owned */
	GPtrArray *discard; /* objects not added to the model (invalid or duplicate) */
	guint counts[N_KINDS];
	VsPos once[N_ONCE];         /* where each one-file setting was set; line 0 = not yet */
	GHashTable *dns_names;      /* char* (borrowed) -> VsDnsRecord* */
	GHashTable *endpoint_names; /* char* (borrowed) -> VsInternetEndpoint* */

	/* includes */
	GArray *file_stack; /* FileId of the files being read, root first */
	GPtrArray *file_stack_names;
	GArray *files_read; /* FileId */
	guint include_depth;
	gsize total_bytes;
};

typedef struct {
	char *path;
	Where *where;
} Include;

static void
include_free(Include *include)
{
	g_free(include->path);
	g_free(include);
}

/* ---------------------------------------------------------------- objects kept aside */

typedef struct {
	gpointer object;
	GDestroyNotify free_func;
} Discarded;

static void
discarded_free(Discarded *discarded)
{
	discarded->free_func(discarded->object);
	g_free(discarded);
}

/* Keeps an object that is not in the model alive until the load ends, so that
 * references recorded into it stay valid. */
static void
discard(Loader *ld, gpointer object, GDestroyNotify free_func)
{
	Discarded *discarded = g_new(Discarded, 1);

	discarded->object = object;
	discarded->free_func = free_func;
	g_ptr_array_add(ld->discard, discarded);
}

/* ---------------------------------------------------------------- paths and diagnostics */

static void
where_free(Where *where)
{
	if (where->segs != NULL)
		g_array_unref(where->segs);
	g_free(where->path);
	g_free(where);
}

static void
pending_free(Pending *pending)
{
	if (pending->where.segs != NULL)
		g_array_unref(pending->where.segs);
	g_free(pending->message);
	g_free(pending);
}

static void
ref_free(Ref *ref)
{
	g_free(ref->name);
	g_free(ref);
}

static GArray *
copy_stack(Loader *ld)
{
	GArray *segs = g_array_sized_new(FALSE, FALSE, sizeof(Seg), ld->stack->len);

	g_array_append_vals(segs, ld->stack->data, ld->stack->len);
	return segs;
}

static void
format_path(Loader *ld, GArray *segs, GString *out)
{
	g_string_truncate(out, 0);
	for (guint i = 0; i < segs->len; i++) {
		const Seg *seg = &g_array_index(segs, Seg, i);

		if (seg->key != NULL) {
			if (out->len > 0)
				g_string_append_c(out, '.');
			g_string_append(out, seg->key);
		} else {
			const Item *item = &g_array_index(ld->items, Item, seg->item);

			if (item->name != NULL)
				g_string_append_printf(out, "[%s]", item->name);
			else
				g_string_append_printf(out, "[%u]", item->index);
		}
	}
}

static gint
innermost_item(Loader *ld)
{
	for (guint i = ld->stack->len; i > 0; i--) {
		const Seg *seg = &g_array_index(ld->stack, Seg, i - 1);

		if (seg->key == NULL)
			return (gint)seg->item;
	}
	return -1;
}

/* Formats every pending diagnostic and Where now that the item names are known. */
static void
flush(Loader *ld)
{
	g_autoptr(GString) path = g_string_new(NULL);

	for (guint i = 0; i < ld->pending->len; i++) {
		Pending *pending = g_ptr_array_index(ld->pending, i);
		g_autoptr(GString) message = g_string_new(pending->message);
		const char *mark = strchr(message->str, OBJ[0]);

		if (mark != NULL) {
			gsize at = (gsize)(mark - message->str);
			const Item *item = pending->object >= 0 ? &g_array_index(ld->items, Item,
										 pending->object)
								: NULL;

			g_autofree char *label =
				item == NULL ? g_strdup("")
				: item->name == NULL
					? g_strdup(item->kind)
					: g_strdup_printf("%s '%s'", item->kind, item->name);

			g_string_erase(message, (gssize)at, 1);
			g_string_insert(message, (gssize)at, label);
		}
		format_path(ld, pending->where.segs, path);
		vs_diag_add(ld->diags, VS_SEVERITY_ERROR, pending->where.pos, path->str,
			    pending->code, "%s", message->str);
	}
	g_ptr_array_set_size(ld->pending, 0);
	for (guint i = 0; i < ld->unflushed->len; i++) {
		Where *where = g_ptr_array_index(ld->unflushed, i);

		format_path(ld, where->segs, path);
		where->path = g_strdup(path->str);
		g_clear_pointer(&where->segs, g_array_unref);
	}
	g_ptr_array_set_size(ld->unflushed, 0);
	for (guint i = 0; i < ld->items->len; i++)
		g_free(g_array_index(ld->items, Item, i).name);
	g_array_set_size(ld->items, 0);
}

static void
push_key(Loader *ld, const char *key)
{
	Seg seg = {key, 0};

	g_array_append_val(ld->stack, seg);
}

static void
pop(Loader *ld)
{
	const Seg *top = &g_array_index(ld->stack, Seg, ld->stack->len - 1);
	gboolean was_item = top->key == NULL;

	g_array_set_size(ld->stack, ld->stack->len - 1);
	if (was_item && --ld->open_items == 0)
		flush(ld);
}

static void
push_item(Loader *ld, guint index, const char *kind)
{
	Item item = {index, kind, NULL};
	Seg seg = {NULL, ld->items->len};

	g_array_append_val(ld->items, item);
	g_array_append_val(ld->stack, seg);
	ld->open_items++;
}

/* Names the innermost list item in paths and messages. */
static void
set_item_name(Loader *ld, const char *name)
{
	gint item = innermost_item(ld);

	if (item >= 0) {
		Item *it = &g_array_index(ld->items, Item, item);

		g_free(it->name);
		it->name = g_strdup(name);
	}
}

/* TRUE when the list keeps no more: count the error, keep nothing. */
static gboolean
diags_full(Loader *ld)
{
	if (ld->diags->items->len + ld->pending->len < ld->diags->limit)
		return FALSE;
	ld->diags->errors++;
	ld->diags->dropped++;
	return TRUE;
}

static void
add_pending(Loader *ld, VsPos pos, GArray *segs, gint object, const char *code, char *message)
{
	Pending *pending = g_new0(Pending, 1);

	pending->where.pos = pos;
	pending->where.segs = segs;
	pending->object = object;
	pending->code = code;
	pending->message = message;
	g_ptr_array_add(ld->pending, pending);
}

static VsPos
pos_of(Loader *ld, const VsYcurEvent *event)
{
	return (VsPos){ld->file, event->line, event->column};
}

/* An error at the current path. */
static void G_GNUC_PRINTF(4, 5)
	error_at(Loader *ld, const VsYcurEvent *event, const char *code, const char *format, ...)
{
	va_list args;

	if (diags_full(ld))
		return;
	va_start(args, format);
	add_pending(ld, pos_of(ld, event), copy_stack(ld), innermost_item(ld), code,
		    g_strdup_vprintf(format, args));
	va_end(args);
}

/* An error at a position that is not an event (a mapping's start, say). */
static void G_GNUC_PRINTF(4, 5)
	error_pos(Loader *ld, VsPos pos, const char *code, const char *format, ...)
{
	va_list args;

	if (diags_full(ld))
		return;
	va_start(args, format);
	add_pending(ld, pos, copy_stack(ld), innermost_item(ld), code,
		    g_strdup_vprintf(format, args));
	va_end(args);
}

void
vs_load_error_at(Loader *ld, const Where *where, const char *code, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	if (where->segs != NULL) {
		if (!diags_full(ld))
			add_pending(ld, where->pos, g_array_copy(where->segs), -1, code,
				    g_strdup_vprintf(format, args));
	} else {
		vs_diag_addv(ld->diags, VS_SEVERITY_ERROR, where->pos, where->path, code, format,
			     args);
	}
	va_end(args);
}

static Where *
where_here(Loader *ld, const VsYcurEvent *event)
{
	Where *where = g_new0(Where, 1);

	where->pos = pos_of(ld, event);
	where->segs = copy_stack(ld);
	g_ptr_array_add(ld->wheres, where);
	g_ptr_array_add(ld->unflushed, where);
	return where;
}

VsModel *
vs_load_model(Loader *ld)
{
	return ld->model;
}

GPtrArray *
vs_load_refs(Loader *ld)
{
	return ld->refs;
}

static void
add_ref(Loader *ld, RefKind kind, const VsYcurEvent *event, gpointer target, gpointer owner,
	Where *aux)
{
	Ref *ref = g_new0(Ref, 1);

	ref->kind = kind;
	ref->name = g_strndup(event->value, event->length);
	ref->where = where_here(ld, event);
	ref->target = target;
	ref->owner = owner;
	ref->aux = aux;
	g_ptr_array_add(ld->refs, ref);
}

/* ---------------------------------------------------------------- events */

/* A fatal error: the current file is not read further. */
static void G_GNUC_PRINTF(5, 6)
	fatal_error(Loader *ld, guint line, guint column, gboolean limit, const char *format, ...)
{
	va_list args;

	if (ld->fatal)
		return;
	ld->fatal = TRUE;
	ld->any_fatal = TRUE;
	ld->limit_hit |= limit;
	va_start(args, format);
	vs_diag_addv(ld->diags, VS_SEVERITY_ERROR, (VsPos){ld->file, line, column}, "",
		     limit ? "limit" : "syntax", format, args);
	va_end(args);
}

static gboolean
next(Loader *ld, VsYcurEvent *event)
{
	g_autoptr(GError) error = NULL;

	if (ld->fatal)
		return FALSE;
	if (vs_ycur_next(ld->cur, event, &error))
		return TRUE;
	fatal_error(ld, event->line, event->column,
		    g_error_matches(error, VS_YCUR_ERROR, VS_YCUR_ERROR_LIMIT), "%s",
		    error->message);
	return FALSE;
}

/* Consumes the rest of the node that first started (nothing for a scalar). */
static void
skip(Loader *ld, const VsYcurEvent *first)
{
	VsYcurEvent event;
	guint outer;

	if (first->kind != VS_YCUR_MAPPING_START && first->kind != VS_YCUR_SEQUENCE_START)
		return;
	outer = vs_ycur_depth(ld->cur) - 1;
	while (vs_ycur_depth(ld->cur) > outer && next(ld, &event))
		;
}

static gboolean
is_null(const VsYcurEvent *event)
{
	if (event->kind != VS_YCUR_SCALAR || !event->plain)
		return FALSE;
	return event->length == 0 || strcmp(event->value, "~") == 0 ||
	       strcmp(event->value, "null") == 0 || strcmp(event->value, "Null") == 0 ||
	       strcmp(event->value, "NULL") == 0;
}

/* "a list", "a mapping", "null", "'text'" (shortened): what was found instead. */
static char *
describe(const VsYcurEvent *event)
{
	if (event->kind == VS_YCUR_SEQUENCE_START)
		return g_strdup("a list");
	if (event->kind == VS_YCUR_MAPPING_START)
		return g_strdup("a mapping");
	if (is_null(event))
		return g_strdup("nothing (null)");
	if (event->length > 40)
		return g_strdup_printf("'%.37s...'", event->value);
	return g_strdup_printf("'%s'", event->value);
}

/* Reports what was expected instead of event, and skips it. */
static void
type_error(Loader *ld, const VsYcurEvent *event, const char *expected)
{
	g_autofree char *got = describe(event);

	error_at(ld, event, "type", "expected %s, got %s", expected, got);
	skip(ld, event);
}

/* The scalar text of event, or NULL (after an error) when it is not a scalar. */
static const char *
scalar(Loader *ld, const VsYcurEvent *event, const char *expected)
{
	if (event->kind != VS_YCUR_SCALAR || is_null(event)) {
		type_error(ld, event, expected);
		return NULL;
	}
	return event->value;
}

/* ---------------------------------------------------------------- values */

/*
 * Azure's name rule for rules, routes and most network resources: 1 to 80
 * characters, word characters, '.', '-' and '_', starting with a word
 * character and ending with a word character or '_'.  VNet names must not
 * hold '/' (NICs name subnets as "vnet/subnet"), which this rule ensures.
 */
static gboolean
valid_name(const char *name)
{
	gsize length = strlen(name);

	if (length == 0 || length > 80)
		return FALSE;
	for (gsize i = 0; i < length; i++) {
		char c = name[i];
		gboolean word = g_ascii_isalnum(c) || c == '_';

		if (!word && !((c == '.' || c == '-') && i > 0 && i + 1 < length))
			return FALSE;
	}
	return TRUE;
}

/* Reads a resource name; sets the item's name when valid.  Returns it or NULL. */
static const char *
read_name(Loader *ld, const VsYcurEvent *event)
{
	const char *name = scalar(ld, event, "a name");

	if (name == NULL)
		return NULL;
	if (!valid_name(name)) {
		error_at(ld, event, "bad-name",
			 "'%s' is not a valid name; expected 1 to 80 letters, digits, '_', '.' "
			 "or '-', starting and ending with a letter, digit or '_'",
			 name);
		return NULL;
	}
	set_item_name(ld, name);
	return name;
}

static void
replace_name(char **slot, const char *name)
{
	g_free(*slot);
	*slot = g_strdup(name);
}

/* A host name (DNS records, internet endpoints): labels of letters, digits and '-'. */
static gboolean
valid_hostname(const char *name)
{
	gsize length = strlen(name), label = 0;

	if (length == 0 || length > 253)
		return FALSE;
	for (gsize i = 0; i < length; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return FALSE;
			label = 0;
		} else if (g_ascii_isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return FALSE;
		} else {
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
read_bool(Loader *ld, const VsYcurEvent *event, gboolean *out)
{
	static const char *const yaml11[] = {"yes", "no", "on", "off", "y", "n"};
	const char *text = scalar(ld, event, "true or false");

	if (text == NULL)
		return FALSE;
	if (strcmp(text, "true") == 0 || strcmp(text, "True") == 0 || strcmp(text, "TRUE") == 0) {
		*out = TRUE;
		return TRUE;
	}
	if (strcmp(text, "false") == 0 || strcmp(text, "False") == 0 ||
	    strcmp(text, "FALSE") == 0) {
		*out = FALSE;
		return TRUE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(yaml11); i++) {
		if (g_ascii_strcasecmp(text, yaml11[i]) == 0) {
			error_at(ld, event, "type",
				 "'%s' is not a boolean here; expected true or false (YAML 1.1's "
				 "yes/no/on/off are not accepted)",
				 text);
			return FALSE;
		}
	}
	error_at(ld, event, "type", "'%s' is not a boolean; expected true or false", text);
	return FALSE;
}

/* Strict decimal: digits only, no sign, no leading zero, at most 9 digits. */
static gboolean
parse_uint(const char *text, guint *out)
{
	guint value = 0;
	gsize i;

	for (i = 0; text[i] != '\0'; i++) {
		if (!g_ascii_isdigit(text[i]) || i >= 9 || (i == 1 && text[0] == '0'))
			return FALSE;
		value = value * 10 + (guint)(text[i] - '0');
	}
	if (i == 0)
		return FALSE;
	*out = value;
	return TRUE;
}

static gboolean
read_uint(Loader *ld, const VsYcurEvent *event, guint min, guint max, guint *out)
{
	const char *text = scalar(ld, event, "an integer");
	guint value;

	if (text == NULL)
		return FALSE;
	if (!parse_uint(text, &value) || value < min || value > max) {
		error_at(ld, event, "range", "'%s' is not valid; expected an integer %u..%u", text,
			 min, max);
		return FALSE;
	}
	*out = value;
	return TRUE;
}

/* Strict non-negative decimal: digits, optionally '.' and digits; no sign, no exponent. */
static gboolean
read_number(Loader *ld, const VsYcurEvent *event, double max, double *out)
{
	const char *text = scalar(ld, event, "a number"), *p;
	gsize digits = 0;

	if (text == NULL)
		return FALSE;
	for (p = text; g_ascii_isdigit(*p); p++)
		digits++;
	if (digits > 0 && *p == '.') {
		gsize fraction = 0;

		for (p++; g_ascii_isdigit(*p); p++)
			fraction++;
		if (fraction == 0)
			digits = 0;
	}
	if (digits == 0 || *p != '\0' || digits > 15 || g_ascii_strtod(text, NULL) > max) {
		error_at(ld, event, "range",
			 "'%s' is not valid; expected a number 0..%g such as 12 or 0.5", text, max);
		return FALSE;
	}
	*out = g_ascii_strtod(text, NULL);
	return TRUE;
}

/* Matches text case-insensitively against names; reports the choices if none. */
static gboolean
read_enum(Loader *ld, const VsYcurEvent *event, const char *const *names, const int *values,
	  int *out)
{
	g_autoptr(GString) choices = g_string_new(NULL);
	const char *text = scalar(ld, event, "a value");

	for (gsize i = 0; names[i] != NULL; i++) {
		if (text != NULL && g_ascii_strcasecmp(text, names[i]) == 0) {
			*out = values[i];
			return TRUE;
		}
		g_string_append_printf(choices, "%s%s",
				       i == 0         ? ""
				       : names[i + 1] ? ", "
						      : " or ",
				       names[i]);
	}
	if (text != NULL)
		error_at(ld, event, "enum", "'%s' is not valid; expected %s", text, choices->str);
	return FALSE;
}

static gboolean
read_access(Loader *ld, const VsYcurEvent *event, VsAccess *out)
{
	static const char *const names[] = {"Allow", "Deny", NULL};
	static const int values[] = {VS_ACCESS_ALLOW, VS_ACCESS_DENY};
	int value;

	if (!read_enum(ld, event, names, values, &value))
		return FALSE;
	*out = (VsAccess)value;
	return TRUE;
}

static gboolean
read_ip(Loader *ld, const VsYcurEvent *event, VsIp4 *out)
{
	g_autoptr(GError) error = NULL;
	const char *text = scalar(ld, event, "an IPv4 address");

	if (text == NULL)
		return FALSE;
	if (!vs_ip4_parse(text, out, &error)) {
		error_at(ld, event, "address", "%s", error->message);
		return FALSE;
	}
	return TRUE;
}

static gboolean
read_prefix(Loader *ld, const VsYcurEvent *event, VsPrefix *out)
{
	g_autoptr(GError) error = NULL;
	const char *text = scalar(ld, event, "an IPv4 prefix");

	if (text == NULL)
		return FALSE;
	if (!vs_prefix_parse(text, out, &error)) {
		error_at(ld, event,
			 g_error_matches(error, VS_ADDR_ERROR, VS_ADDR_ERROR_HOST_BITS)
				 ? "host-bits"
				 : "address",
			 "%s", error->message);
		return FALSE;
	}
	return TRUE;
}

static gboolean
read_port_range(Loader *ld, const VsYcurEvent *event, VsPortRange *out)
{
	g_autoptr(GError) error = NULL;
	const char *text = scalar(ld, event, "a port");

	if (text == NULL)
		return FALSE;
	if (!vs_port_range_parse(text, out, &error)) {
		error_at(ld, event, "port", "%s", error->message);
		return FALSE;
	}
	return TRUE;
}

/* Azure regions: letters and digits; kept lower-case so comparisons are exact. */
static char *
read_location(Loader *ld, const VsYcurEvent *event)
{
	const char *text = scalar(ld, event, "a region name");

	if (text == NULL)
		return NULL;
	for (const char *p = text; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p)) {
			error_at(ld, event, "bad-name",
				 "'%s' is not a region name; expected letters and digits such as "
				 "westeurope",
				 text);
			return NULL;
		}
	}
	return g_ascii_strdown(text, -1);
}

/* ---------------------------------------------------------------- mappings and lists */

typedef void (*KeyFunc)(Loader *ld, void *state, const VsYcurEvent *value);

typedef struct {
	const char *key;
	KeyFunc handle;
	gboolean required;
} KeyDef;

#define MAX_KEYS 32

typedef struct {
	const char *kind;   /* for messages: "securityRule" */
	gboolean is_item;   /* a list item: messages name it ("securityRule 'x'") */
	const KeyDef *keys; /* at most MAX_KEYS */
	guint n_keys;
} MapDef;

/* What parse_map saw; the first member of every kind's parse state. */
typedef struct {
	guint32 seen; /* bit i: keys[i] was given */
	VsPos start;
	VsPos key_pos[MAX_KEYS];
} MapState;

static const char *
object_label(const MapDef *def)
{
	return def->is_item ? OBJ : def->kind;
}

static char *
expected_keys(const MapDef *def)
{
	GString *list = g_string_new(NULL);

	for (guint i = 0; i < def->n_keys; i++)
		g_string_append_printf(list, "%s%s", i ? ", " : "", def->keys[i].key);
	return g_string_free(list, FALSE);
}

static gint
find_key(const MapDef *def, const char *key)
{
	for (guint i = 0; i < def->n_keys; i++)
		if (strcmp(def->keys[i].key, key) == 0)
			return (gint)i;
	return -1;
}

static gboolean
map_has(const MapDef *def, const MapState *map, const char *key, VsPos *pos)
{
	gint i = find_key(def, key);

	if (i < 0 || !(map->seen & (1u << i)))
		return FALSE;
	if (pos != NULL)
		*pos = map->key_pos[i];
	return TRUE;
}

/*
 * Reads a mapping that starts with event, calling the handler of each key with
 * the value's first event.  Returns FALSE (after an error) if event is not a
 * mapping; missing required keys are reported at the mapping's start.
 */
static gboolean
parse_map(Loader *ld, const MapDef *def, void *state, MapState *map, const VsYcurEvent *event)
{
	VsYcurEvent key, value;

	map->seen = 0;
	map->start = pos_of(ld, event);
	if (event->kind != VS_YCUR_MAPPING_START) {
		g_autofree char *expected = g_strdup_printf("a mapping (%s)", def->kind);

		type_error(ld, event, expected);
		return FALSE;
	}
	while (next(ld, &key) && key.kind != VS_YCUR_MAPPING_END) {
		gint i;

		if (key.kind != VS_YCUR_SCALAR) {
			type_error(ld, &key, "a key");
			if (next(ld, &value))
				skip(ld, &value);
			continue;
		}
		i = find_key(def, key.value);
		if (i < 0) {
			g_autofree char *keys = expected_keys(def);
			const char *hint = strcmp(key.value, "<<") == 0
						   ? " (YAML merge keys are not supported)"
						   : "";

			error_at(ld, &key, "unknown-key",
				 "unknown key '%s' in %s%s; expected one of: %s", key.value,
				 object_label(def), hint, keys);
		} else if (map->seen & (1u << i)) {
			error_at(ld, &key, "duplicate-key",
				 "duplicate key '%s' in %s (first given at line %u, column %u)",
				 key.value, object_label(def), map->key_pos[i].line,
				 map->key_pos[i].column);
			i = -1;
		} else {
			map->seen |= 1u << i;
			map->key_pos[i] = pos_of(ld, &key);
		}
		if (!next(ld, &value))
			break;
		if (i < 0) {
			skip(ld, &value);
			continue;
		}
		push_key(ld, def->keys[i].key);
		def->keys[i].handle(ld, state, &value);
		pop(ld);
	}
	if (ld->fatal)
		return FALSE;
	for (guint i = 0; i < def->n_keys; i++)
		if (def->keys[i].required && !(map->seen & (1u << i)))
			error_pos(ld, map->start, "missing-key", "missing required key '%s' in %s",
				  def->keys[i].key, object_label(def));
	return TRUE;
}

typedef void (*ItemFunc)(Loader *ld, void *parent, const VsYcurEvent *event);

/*
 * Reads a list that starts with event, calling item for each element (with
 * the path showing the element).  Null is an empty list.  kind names the
 * elements in paths and messages; counter, when not NULL, caps them.
 */
static void
parse_list(Loader *ld, const VsYcurEvent *event, const char *what, const char *kind, Kind counter,
	   ItemFunc item, void *parent)
{
	VsYcurEvent element;
	guint index = 0;

	if (is_null(event))
		return;
	if (event->kind != VS_YCUR_SEQUENCE_START) {
		type_error(ld, event, what);
		return;
	}
	while (next(ld, &element) && element.kind != VS_YCUR_SEQUENCE_END) {
		if (counter != KIND_OTHER && ++ld->counts[counter] > VS_LOAD_MAX_OBJECTS) {
			fatal_error(ld, element.line, element.column, TRUE,
				    "more than %u %ss in the model; that is the limit",
				    VS_LOAD_MAX_OBJECTS, kind);
			return;
		}
		push_item(ld, index++, kind);
		item(ld, parent, &element);
		pop(ld);
	}
}

/* ---------------------------------------------------------------- shared value lists */

static void
item_prefix(Loader *ld, void *array, const VsYcurEvent *event)
{
	VsPrefix prefix;

	if (read_prefix(ld, event, &prefix))
		g_array_append_val((GArray *)array, prefix);
}

static void
item_port(Loader *ld, void *array, const VsYcurEvent *event)
{
	VsPortRange range;

	if (read_port_range(ld, event, &range))
		g_array_append_val((GArray *)array, range);
}

/* A port, or a list of ports, into a new array (NULL after an error). */
static GArray *
read_ports(Loader *ld, const VsYcurEvent *event, gboolean scalar_ok)
{
	GArray *ports = g_array_new(FALSE, FALSE, sizeof(VsPortRange));

	if (scalar_ok && event->kind == VS_YCUR_SCALAR && !is_null(event))
		item_port(ld, ports, event);
	else
		parse_list(ld, event, "a list of ports", "port", KIND_OTHER, item_port, ports);
	return ports;
}

/* ---------------------------------------------------------------- top level: scalars */

/* An included file may repeat a header key only with the root file's value. */
static gboolean
header_matches(Loader *ld, const VsYcurEvent *event, const char *key, const char *value,
	       const char *root_value)
{
	if (ld->is_root)
		return FALSE;
	if (g_strcmp0(value, root_value) != 0)
		error_at(ld, event, "include",
			 "an included file may give '%s' only with the root file's value '%s', "
			 "not '%s'",
			 key, root_value != NULL ? root_value : "", value);
	return TRUE;
}

static void
key_top_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	const char *name = scalar(ld, event, "the model's name");

	if (name == NULL || header_matches(ld, event, "name", name, ld->model->name))
		return;
	for (const char *p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("-_.()", *p) == NULL) {
			error_at(ld, event, "bad-name",
				 "'%s' is not a valid resource group name; expected letters, "
				 "digits, '-', '_', '.', '(' or ')'",
				 name);
			return;
		}
	}
	if (strlen(name) > 90) {
		error_at(ld, event, "bad-name", "the model's name is longer than 90 characters");
		return;
	}
	replace_name(&ld->model->name, name);
}

static void
key_top_subscription(Loader *ld, void *state, const VsYcurEvent *event)
{
	static const guint groups[] = {8, 4, 4, 4, 12};
	const char *text = scalar(ld, event, "a subscription ID");
	const char *p = text;

	if (text == NULL)
		return;
	for (gsize g = 0; g < G_N_ELEMENTS(groups); g++) {
		for (guint i = 0; i < groups[g]; i++, p++)
			if (!g_ascii_isxdigit(*p))
				goto bad;
		if (g + 1 < G_N_ELEMENTS(groups) && *p++ != '-')
			goto bad;
	}
	if (*p != '\0')
		goto bad;
	if (!header_matches(ld, event, "subscriptionId", text, ld->model->subscription_id))
		replace_name(&ld->model->subscription_id, text);
	return;
bad:
	error_at(ld, event, "bad-name",
		 "'%s' is not a subscription ID; expected a GUID such as "
		 "00000000-0000-0000-0000-000000000000",
		 text);
}

static void
key_top_location(Loader *ld, void *state, const VsYcurEvent *event)
{
	g_autofree char *location = read_location(ld, event);

	if (location == NULL ||
	    header_matches(ld, event, "location", location, ld->model->location))
		return;
	replace_name(&ld->model->location, location);
}

/* ---------------------------------------------------------------- vnets */

typedef struct {
	MapState map;
	VsSubnet *subnet;
	Where *prefix_where; /* NULL until a valid addressPrefix is read */
	Where *name_where;
} SubnetState;

static void
subnet_state_free(SubnetState *state)
{
	if (state->subnet != NULL)
		vs_subnet_free(state->subnet);
	g_free(state);
}

typedef struct {
	MapState map;
	VsVnet *vnet;
	GArray *space_wheres; /* Where*, one per address space prefix */
	guint space_items;    /* elements of addressSpace, valid or not */
	GPtrArray *subnets;   /* SubnetState*, owned until the VNet is added */
	GHashTable *remotes;  /* remote VNet names already peered, for duplicates */
} VnetState;

static void
key_subnet_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL) {
		replace_name(&s->subnet->name, name);
		s->name_where = where_here(ld, event);
	}
}

static void
key_subnet_prefix(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;
	VsPrefix prefix;

	if (!read_prefix(ld, event, &prefix))
		return;
	if (prefix.len > 29) {
		char buf[19];

		error_at(ld, event, "subnet-size",
			 "subnet %s is smaller than /29, the smallest subnet Azure allows",
			 vs_prefix_format(prefix, buf));
		return;
	}
	s->subnet->prefix = prefix;
	s->prefix_where = where_here(ld, event);
}

static void
key_subnet_nsg(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;

	if (is_null(event) || scalar(ld, event, "an NSG name") == NULL)
		return;
	add_ref(ld, REF_SUBNET_NSG, event, s->subnet, NULL, NULL);
}

static void
key_subnet_route_table(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;

	if (is_null(event) || scalar(ld, event, "a route table name") == NULL)
		return;
	add_ref(ld, REF_SUBNET_ROUTE_TABLE, event, s->subnet, NULL, NULL);
}

static void
key_subnet_outbound(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;

	read_bool(ld, event, &s->subnet->default_outbound_access);
}

static const KeyDef subnet_keys[] = {
	{"name", key_subnet_name, TRUE},
	{"addressPrefix", key_subnet_prefix, TRUE},
	{"networkSecurityGroup", key_subnet_nsg, FALSE},
	{"routeTable", key_subnet_route_table, FALSE},
	{"defaultOutboundAccess", key_subnet_outbound, FALSE},
};
static const MapDef subnet_map = {"subnet", TRUE, subnet_keys, G_N_ELEMENTS(subnet_keys)};

static void
item_subnet(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VnetState *vs = parent;
	SubnetState *s = g_new0(SubnetState, 1);

	s->subnet = vs_subnet_new("");
	s->subnet->pos = pos_of(ld, event);
	g_ptr_array_add(vs->subnets, s);
	parse_map(ld, &subnet_map, s, &s->map, event);
}

typedef struct {
	MapState map;
	VsPeering *peering;
	VsVnet *vnet;
} PeeringState;

static void
key_peering_remote(Loader *ld, void *state, const VsYcurEvent *event)
{
	PeeringState *s = state;

	if (scalar(ld, event, "a VNet name") != NULL)
		add_ref(ld, REF_PEERING_REMOTE, event, s->peering, s->vnet, NULL);
}

#define PEERING_FLAG(func, field)                                                                  \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		read_bool(ld, event, &((PeeringState *)state)->peering->field);                    \
	}
PEERING_FLAG(key_peering_access, allow_virtual_network_access)
PEERING_FLAG(key_peering_forwarded, allow_forwarded_traffic)
PEERING_FLAG(key_peering_transit, allow_gateway_transit)
PEERING_FLAG(key_peering_remote_gateways, use_remote_gateways)

static const KeyDef peering_keys[] = {
	{"remoteVirtualNetwork", key_peering_remote, TRUE},
	{"allowVirtualNetworkAccess", key_peering_access, FALSE},
	{"allowForwardedTraffic", key_peering_forwarded, FALSE},
	{"allowGatewayTransit", key_peering_transit, FALSE},
	{"useRemoteGateways", key_peering_remote_gateways, FALSE},
};
static const MapDef peering_map = {"peering", TRUE, peering_keys, G_N_ELEMENTS(peering_keys)};

static void
item_peering(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VnetState *vs = parent;
	PeeringState s = {0};

	s.peering = vs_peering_new();
	s.peering->pos = pos_of(ld, event);
	s.vnet = vs->vnet;
	/* owned by the VNet at once: refs point into it */
	g_ptr_array_add(vs->vnet->peerings, s.peering);
	parse_map(ld, &peering_map, &s, &s.map, event);
}

static void
key_vnet_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	VnetState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL)
		replace_name(&s->vnet->name, name);
}

static void
key_vnet_location(Loader *ld, void *state, const VsYcurEvent *event)
{
	VnetState *s = state;
	char *location = read_location(ld, event);

	if (location != NULL) {
		g_free(s->vnet->location);
		s->vnet->location = location;
	}
}

/* Ranges Azure refuses in an address space (reference §1). */
static const char *
forbidden_range(VsPrefix prefix)
{
	static const struct {
		VsPrefix range;
		const char *why;
	} forbidden[] = {
		{{0xe0000000u, 4}, "224.0.0.0/4 (multicast)"},
		{{0xffffffffu, 32}, "255.255.255.255/32 (broadcast)"},
		{{0x7f000000u, 8}, "127.0.0.0/8 (loopback)"},
		{{0xa9fe0000u, 16}, "169.254.0.0/16 (link-local)"},
		{{0xa83f8110u, 32}, "168.63.129.16/32 (Azure's host address)"},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(forbidden); i++)
		if (vs_prefix_overlaps(prefix, forbidden[i].range))
			return forbidden[i].why;
	return NULL;
}

static void
item_space(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VnetState *s = parent;
	VsPrefix prefix;
	const char *why;

	s->space_items++;
	if (!read_prefix(ld, event, &prefix))
		return;
	why = forbidden_range(prefix);
	if (why != NULL) {
		char buf[19];

		error_at(ld, event, "address-space",
			 "address space %s overlaps %s, which Azure does not allow in a VNet",
			 vs_prefix_format(prefix, buf), why);
		return;
	}
	g_array_append_val(s->vnet->address_space, prefix);
	{
		Where *where = where_here(ld, event);

		g_array_append_val(s->space_wheres, where);
	}
}

static void
key_vnet_space(Loader *ld, void *state, const VsYcurEvent *event)
{
	VnetState *s = state;

	if (event->kind == VS_YCUR_SEQUENCE_START) {
		parse_list(ld, event, "a list of prefixes", "prefix", KIND_OTHER, item_space, s);
		if (s->space_items == 0 && !ld->fatal)
			error_at(ld, event, "empty", "expected at least one prefix");
		return;
	}
	type_error(ld, event, "a list of prefixes such as [10.0.0.0/16]");
}

static void
key_vnet_subnets(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of subnets", "subnet", KIND_SUBNET, item_subnet, state);
}

static void
key_vnet_peerings(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of peerings", "peering", KIND_PEERING, item_peering, state);
}

static const KeyDef vnet_keys[] = {
	{"name", key_vnet_name, TRUE},          {"location", key_vnet_location, FALSE},
	{"addressSpace", key_vnet_space, TRUE}, {"subnets", key_vnet_subnets, FALSE},
	{"peerings", key_vnet_peerings, FALSE},
};
static const MapDef vnet_map = {"VNet", TRUE, vnet_keys, G_N_ELEMENTS(vnet_keys)};

typedef struct {
	VsPrefix prefix;
	guint index;
} Indexed;

static gint
compare_indexed(gconstpointer a, gconstpointer b)
{
	const Indexed *x = a, *y = b;

	if (x->prefix.addr != y->prefix.addr)
		return x->prefix.addr < y->prefix.addr ? -1 : 1;
	if (x->prefix.len != y->prefix.len)
		return x->prefix.len < y->prefix.len ? -1 : 1;
	return x->index < y->index ? -1 : (x->index > y->index);
}

/*
 * Reports each prefix that overlaps an earlier one: sorted by address, a
 * prefix overlaps an earlier-sorted one exactly when it starts at or before
 * the furthest end seen so far (prefixes nest or are disjoint).  Reported at
 * the later one in file order.
 */
static void
check_overlaps(Loader *ld, GArray *indexed, Where *const *wheres, const char *what)
{
	g_array_sort(indexed, compare_indexed);
	for (guint i = 1, widest = 0; i < indexed->len; i++) {
		const Indexed *a = &g_array_index(indexed, Indexed, widest);
		const Indexed *b = &g_array_index(indexed, Indexed, i);

		if (b->prefix.addr <= vs_prefix_last(a->prefix)) {
			const Indexed *later = a->index > b->index ? a : b;
			const Indexed *first = a->index > b->index ? b : a;
			char x[19], y[19];

			vs_load_error_at(ld, wheres[later->index], "overlap",
					 "%s %s overlaps %s %s (line %u); expected no overlap",
					 what, vs_prefix_format(later->prefix, x), what,
					 vs_prefix_format(first->prefix, y),
					 wheres[first->index]->pos.line);
		}
		if (vs_prefix_last(b->prefix) > vs_prefix_last(a->prefix))
			widest = i;
	}
}

static void
finish_vnet(Loader *ld, VnetState *s)
{
	VsVnet *vnet = s->vnet;
	g_autoptr(GArray) indexed = g_array_new(FALSE, FALSE, sizeof(Indexed));
	g_autoptr(GPtrArray) wheres = g_ptr_array_new();
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	gboolean add = vnet->name[0] != '\0';

	for (guint i = 0; i < vnet->address_space->len; i++) {
		Indexed entry = {g_array_index(vnet->address_space, VsPrefix, i), i};

		g_array_append_val(indexed, entry);
	}
	check_overlaps(ld, indexed, (Where *const *)s->space_wheres->data, "address space");

	g_array_set_size(indexed, 0);
	for (guint i = 0; i < s->subnets->len; i++) {
		SubnetState *ss = g_ptr_array_index(s->subnets, i);
		gboolean inside = FALSE;

		if (ss->prefix_where == NULL)
			continue;
		for (guint a = 0; a < vnet->address_space->len && !inside; a++)
			inside = vs_prefix_contains(g_array_index(vnet->address_space, VsPrefix, a),
						    ss->subnet->prefix);
		if (!inside && vnet->address_space->len > 0) {
			char buf[19];

			vs_load_error_at(ld, ss->prefix_where, "subnet-outside",
					 "subnet %s is outside the address space of VNet '%s'",
					 vs_prefix_format(ss->subnet->prefix, buf), vnet->name);
		}
		Indexed entry = {ss->subnet->prefix, wheres->len};
		g_array_append_val(indexed, entry);
		g_ptr_array_add(wheres, ss->prefix_where);
	}
	check_overlaps(ld, indexed, (Where *const *)wheres->pdata, "subnet");

	if (add && vs_model_find_vnet(ld->model, vnet->name) != NULL) {
		VsVnet *first = vs_model_find_vnet(ld->model, vnet->name);

		error_pos(ld, vnet->pos, "duplicate-name",
			  "duplicate VNet name '%s' (first defined at %s:%u:%u)", vnet->name,
			  first->pos.file, first->pos.line, first->pos.column);
		add = FALSE;
	}
	if (add)
		vs_model_add_vnet(ld->model, vnet);
	else
		discard(ld, vnet, (GDestroyNotify)vs_vnet_free);
	for (guint i = 0; i < s->subnets->len; i++) {
		SubnetState *ss = g_ptr_array_index(s->subnets, i);
		VsSubnet *subnet = g_steal_pointer(&ss->subnet);

		if (add && subnet->name[0] != '\0' && g_hash_table_contains(names, subnet->name)) {
			vs_load_error_at(ld, ss->name_where, "duplicate-name",
					 "duplicate subnet name '%s' in VNet '%s'", subnet->name,
					 vnet->name);
		} else if (add && subnet->name[0] != '\0') {
			g_hash_table_add(names, subnet->name);
			vs_model_add_subnet(ld->model, vnet, subnet);
			continue;
		}
		subnet->vnet = vnet;
		discard(ld, subnet, (GDestroyNotify)vs_subnet_free);
	}
}

static void
item_vnet(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VnetState s = {0};

	s.vnet = vs_vnet_new("");
	s.vnet->pos = pos_of(ld, event);
	s.space_wheres = g_array_new(FALSE, FALSE, sizeof(Where *));
	s.subnets = g_ptr_array_new_with_free_func((GDestroyNotify)subnet_state_free);
	if (parse_map(ld, &vnet_map, &s, &s.map, event) && !ld->fatal)
		finish_vnet(ld, &s);
	else
		discard(ld, s.vnet, (GDestroyNotify)vs_vnet_free);
	g_array_unref(s.space_wheres);
	g_ptr_array_unref(s.subnets);
}

/* ---------------------------------------------------------------- NSGs */

typedef struct {
	guint given;          /* SIDE_* bits */
	VsPos given_pos[3];   /* where each form was given */
	gboolean ports;       /* a port key was given */
	const char *port_key; /* which */
} Side;

enum { SIDE_PREFIX, SIDE_PREFIXES, SIDE_ASGS };

typedef struct {
	MapState map;
	VsRule *rule;
	Side side[2]; /* source, destination */
	Where *priority_where;
	gboolean has_priority;
	gboolean has_direction;
} RuleState;

typedef struct {
	MapState map;
	VsNsg *nsg;
	GPtrArray *rule_states; /* RuleState*, for the priority check */
	GHashTable *rule_names; /* char* (borrowed) -> line of the first */
} NsgState;

static const char *const side_keys[2][3] = {
	{"sourceAddressPrefix", "sourceAddressPrefixes", "sourceApplicationSecurityGroups"},
	{"destinationAddressPrefix", "destinationAddressPrefixes",
	 "destinationApplicationSecurityGroups"},
};

static VsAddressMatch *
side_match(RuleState *s, guint side)
{
	return side == 0 ? &s->rule->source : &s->rule->destination;
}

/* Records that a form of a side was given; FALSE (after an error) if another was too. */
static gboolean
claim_side(Loader *ld, RuleState *s, guint side, guint form, const VsYcurEvent *event)
{
	Side *sd = &s->side[side];

	for (guint other = 0; other < 3; other++) {
		if (!(sd->given & (1u << other)))
			continue;
		if ((other == SIDE_ASGS) != (form == SIDE_ASGS))
			error_at(ld, event, "mixed-side",
				 "'%s' and '%s' both given; one side of a rule takes either "
				 "addresses or application security groups, not both",
				 side_keys[side][other], side_keys[side][form]);
		else
			error_at(ld, event, "singular-and-plural",
				 "'%s' and '%s' both given; use one of them",
				 side_keys[side][other], side_keys[side][form]);
		skip(ld, event);
		return FALSE;
	}
	sd->given |= 1u << form;
	sd->given_pos[form] = pos_of(ld, event);
	return TRUE;
}

static gboolean
is_any_word(const char *text)
{
	return strcmp(text, "*") == 0 || g_ascii_strcasecmp(text, "Any") == 0;
}

static const struct {
	const char *name;
	VsTagKind tag;
} builtin_tags[] = {
	{"VirtualNetwork", VS_TAG_VIRTUAL_NETWORK},
	{"Internet", VS_TAG_INTERNET},
	{"AzureLoadBalancer", VS_TAG_AZURE_LOAD_BALANCER},
};

static gint
builtin_tag(const char *text)
{
	for (gsize i = 0; i < G_N_ELEMENTS(builtin_tags); i++)
		if (g_ascii_strcasecmp(text, builtin_tags[i].name) == 0)
			return (gint)i;
	return -1;
}

static void
side_prefix(Loader *ld, RuleState *s, guint side, const VsYcurEvent *event)
{
	VsAddressMatch *match = side_match(s, side);
	const char *text;
	gint tag;

	if (!claim_side(ld, s, side, SIDE_PREFIX, event))
		return;
	text = scalar(ld, event, "an address, a prefix, * or a service tag");
	if (text == NULL)
		return;
	match->text = g_strdup(text);
	if (is_any_word(text)) {
		match->kind = VS_MATCH_ANY;
	} else if ((tag = builtin_tag(text)) >= 0) {
		match->kind = VS_MATCH_TAG;
		match->tag = builtin_tags[tag].tag;
	} else if (g_ascii_isdigit(text[0])) {
		VsPrefix prefix;

		if (!read_prefix(ld, event, &prefix))
			return;
		if (prefix.len == 0) {
			match->kind = VS_MATCH_ANY;
			return;
		}
		match->kind = VS_MATCH_PREFIXES;
		match->prefixes = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
		g_array_append_val(match->prefixes, prefix);
	} else {
		/* a tag of the model's serviceTags, resolved once every file is read */
		match->kind = VS_MATCH_TAG;
		match->tag = VS_TAG_USER;
		add_ref(ld, REF_RULE_TAG, event, match, NULL, NULL);
	}
}

typedef struct {
	VsAddressMatch *match;
	GString *text;
	const char *key;
	guint count; /* elements, valid or not */
} PluralState;

static void
item_plural_prefix(Loader *ld, void *parent, const VsYcurEvent *event)
{
	PluralState *ps = parent;
	VsPrefix prefix;

	ps->count++;
	if (event->kind == VS_YCUR_SCALAR && !is_null(event) && !g_ascii_isdigit(event->value[0])) {
		error_at(ld, event, "tag-in-plural",
			 "'%s' is not allowed in %s: Azure takes only addresses and prefixes in "
			 "the plural form (SecurityRuleParameterContainsUnsupportedValue); put a "
			 "service tag or * in the singular key",
			 event->value, ps->key);
		return;
	}
	if (!read_prefix(ld, event, &prefix))
		return;
	g_array_append_val(ps->match->prefixes, prefix);
	g_string_append_printf(ps->text, "%s%s", ps->text->len ? ", " : "", event->value);
}

static void
side_prefixes(Loader *ld, RuleState *s, guint side, const VsYcurEvent *event)
{
	VsAddressMatch *match = side_match(s, side);
	PluralState ps = {match, NULL, side_keys[side][SIDE_PREFIXES], 0};

	if (!claim_side(ld, s, side, SIDE_PREFIXES, event))
		return;
	if (event->kind != VS_YCUR_SEQUENCE_START) {
		type_error(ld, event, "a list of addresses or prefixes");
		return;
	}
	match->kind = VS_MATCH_PREFIXES;
	match->prefixes = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	ps.text = g_string_new(NULL);
	parse_list(ld, event, "a list of addresses or prefixes", "prefix", KIND_OTHER,
		   item_plural_prefix, &ps);
	match->text = g_string_free(ps.text, FALSE);
	if (ps.count == 0 && !ld->fatal)
		error_at(ld, event, "empty", "expected at least one address or prefix");
}

static void
item_rule_asg(Loader *ld, void *parent, const VsYcurEvent *event)
{
	PluralState *ps = parent;

	ps->count++;
	if (scalar(ld, event, "an application security group name") == NULL)
		return;
	add_ref(ld, REF_RULE_ASG, event, ps->match, NULL, NULL);
	g_string_append_printf(ps->text, "%s%s", ps->text->len ? ", " : "", event->value);
}

static void
side_asgs(Loader *ld, RuleState *s, guint side, const VsYcurEvent *event)
{
	VsAddressMatch *match = side_match(s, side);
	PluralState ps = {match, NULL, side_keys[side][SIDE_ASGS], 0};

	if (!claim_side(ld, s, side, SIDE_ASGS, event))
		return;
	if (event->kind != VS_YCUR_SEQUENCE_START) {
		type_error(ld, event, "a list of application security group names");
		return;
	}
	match->kind = VS_MATCH_ASGS;
	match->asgs = g_ptr_array_new();
	ps.text = g_string_new(NULL);
	parse_list(ld, event, "a list of application security group names", "asg", KIND_OTHER,
		   item_rule_asg, &ps);
	if (ps.count == 0 && !ld->fatal)
		error_at(ld, event, "empty", "expected at least one application security group");
	match->text = g_string_free(ps.text, FALSE);
}

static void
side_ports(Loader *ld, RuleState *s, guint side, gboolean plural, const VsYcurEvent *event)
{
	static const char *const keys[2][2] = {{"sourcePortRange", "sourcePortRanges"},
					       {"destinationPortRange", "destinationPortRanges"}};
	GArray *ports = side == 0 ? s->rule->source_ports : s->rule->destination_ports;
	Side *sd = &s->side[side];

	if (sd->ports) {
		error_at(ld, event, "singular-and-plural",
			 "'%s' and '%s' both given; use one of them", sd->port_key,
			 keys[side][plural]);
		skip(ld, event);
		return;
	}
	sd->ports = TRUE;
	sd->port_key = keys[side][plural];
	if (!plural) {
		item_port(ld, ports, event);
		return;
	}
	if (event->kind != VS_YCUR_SEQUENCE_START) {
		type_error(ld, event, "a list of ports such as [\"80\", \"8000-8080\"]");
		return;
	}
	parse_list(ld, event, "a list of ports", "port", KIND_OTHER, item_port, ports);
	if (ports->len == 0 && !ld->fatal)
		error_at(ld, event, "empty", "expected at least one port or range");
}

#define RULE_SIDE(func, call)                                                                      \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		call;                                                                              \
	}
RULE_SIDE(key_rule_src_prefix, side_prefix(ld, state, 0, event))
RULE_SIDE(key_rule_src_prefixes, side_prefixes(ld, state, 0, event))
RULE_SIDE(key_rule_src_asgs, side_asgs(ld, state, 0, event))
RULE_SIDE(key_rule_dst_prefix, side_prefix(ld, state, 1, event))
RULE_SIDE(key_rule_dst_prefixes, side_prefixes(ld, state, 1, event))
RULE_SIDE(key_rule_dst_asgs, side_asgs(ld, state, 1, event))
RULE_SIDE(key_rule_src_port, side_ports(ld, state, 0, FALSE, event))
RULE_SIDE(key_rule_src_ports, side_ports(ld, state, 0, TRUE, event))
RULE_SIDE(key_rule_dst_port, side_ports(ld, state, 1, FALSE, event))
RULE_SIDE(key_rule_dst_ports, side_ports(ld, state, 1, TRUE, event))

static void
key_rule_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	RuleState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL)
		replace_name(&s->rule->name, name);
}

static void
key_rule_priority(Loader *ld, void *state, const VsYcurEvent *event)
{
	RuleState *s = state;

	if (read_uint(ld, event, 100, 4096, &s->rule->priority)) {
		s->has_priority = TRUE;
		s->priority_where = where_here(ld, event);
	}
}

static void
key_rule_direction(Loader *ld, void *state, const VsYcurEvent *event)
{
	static const char *const names[] = {"Inbound", "Outbound", NULL};
	static const int values[] = {VS_DIRECTION_INBOUND, VS_DIRECTION_OUTBOUND};
	RuleState *s = state;
	int value;

	if (read_enum(ld, event, names, values, &value)) {
		s->rule->direction = (VsDirection)value;
		s->has_direction = TRUE;
	}
}

static void
key_rule_access(Loader *ld, void *state, const VsYcurEvent *event)
{
	read_access(ld, event, &((RuleState *)state)->rule->access);
}

static void
key_rule_protocol(Loader *ld, void *state, const VsYcurEvent *event)
{
	RuleState *s = state;
	const char *text = scalar(ld, event, "a protocol");

	if (text != NULL && !vs_protocol_parse(text, &s->rule->protocol))
		error_at(ld, event, "enum",
			 "'%s' is not valid; expected Tcp, Udp, Icmp, Esp, Ah or *", text);
}

static void
key_rule_description(Loader *ld, void *state, const VsYcurEvent *event)
{
	RuleState *s = state;
	const char *text = scalar(ld, event, "a description");

	if (text == NULL)
		return;
	if (g_utf8_strlen(text, -1) > VS_LOAD_MAX_DESCRIPTION) {
		error_at(ld, event, "too-long",
			 "description is %ld characters long; Azure allows at most %d",
			 g_utf8_strlen(text, -1), VS_LOAD_MAX_DESCRIPTION);
		return;
	}
	replace_name(&s->rule->description, text);
}

static const KeyDef rule_keys[] = {
	{"name", key_rule_name, TRUE},
	{"priority", key_rule_priority, TRUE},
	{"direction", key_rule_direction, TRUE},
	{"access", key_rule_access, TRUE},
	{"protocol", key_rule_protocol, TRUE},
	{"sourceAddressPrefix", key_rule_src_prefix, FALSE},
	{"sourceAddressPrefixes", key_rule_src_prefixes, FALSE},
	{"sourceApplicationSecurityGroups", key_rule_src_asgs, FALSE},
	{"sourcePortRange", key_rule_src_port, FALSE},
	{"sourcePortRanges", key_rule_src_ports, FALSE},
	{"destinationAddressPrefix", key_rule_dst_prefix, FALSE},
	{"destinationAddressPrefixes", key_rule_dst_prefixes, FALSE},
	{"destinationApplicationSecurityGroups", key_rule_dst_asgs, FALSE},
	{"destinationPortRange", key_rule_dst_port, FALSE},
	{"destinationPortRanges", key_rule_dst_ports, FALSE},
	{"description", key_rule_description, FALSE},
};
static const MapDef rule_map = {"securityRule", TRUE, rule_keys, G_N_ELEMENTS(rule_keys)};

static void
item_rule(Loader *ld, void *parent, const VsYcurEvent *event)
{
	NsgState *ns = parent;
	RuleState *s = g_new0(RuleState, 1);

	s->rule = vs_rule_new("");
	s->rule->pos = pos_of(ld, event);
	s->rule->nsg = ns->nsg;
	g_ptr_array_add(ns->nsg->rules, s->rule);
	g_ptr_array_add(ns->rule_states, s);
	if (!parse_map(ld, &rule_map, s, &s->map, event) || ld->fatal)
		return;
	for (guint side = 0; side < 2; side++) {
		static const char *const names[] = {"source", "destination"};

		if (s->side[side].given == 0)
			error_pos(ld, s->map.start, "missing-key",
				  "missing %s address in " OBJ "; expected one of %s, %s or %s",
				  names[side], side_keys[side][0], side_keys[side][1],
				  side_keys[side][2]);
		if (!s->side[side].ports)
			error_pos(ld, s->map.start, "missing-key",
				  "missing %s port in " OBJ
				  "; expected %sPortRange or %sPortRanges",
				  names[side], names[side], names[side]);
	}
	if (s->rule->name[0] != '\0') {
		VsPos name_pos;
		gpointer first;

		map_has(&rule_map, &s->map, "name", &name_pos);
		if (g_hash_table_lookup_extended(ns->rule_names, s->rule->name, NULL, &first))
			error_pos(ld, name_pos, "duplicate-name",
				  "duplicate securityRule name '%s' in the NSG (first at line %u)",
				  s->rule->name, GPOINTER_TO_UINT(first));
		else
			g_hash_table_insert(ns->rule_names, s->rule->name,
					    GUINT_TO_POINTER(s->rule->pos.line));
	}
}

static void
key_nsg_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	NsgState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL)
		replace_name(&s->nsg->name, name);
}

static void
key_nsg_rules(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of security rules", "securityRule", KIND_RULE, item_rule,
		   state);
}

static const KeyDef nsg_keys[] = {
	{"name", key_nsg_name, TRUE},
	{"securityRules", key_nsg_rules, FALSE},
};
static const MapDef nsg_map = {"networkSecurityGroup", TRUE, nsg_keys, G_N_ELEMENTS(nsg_keys)};

static gint
compare_rule_states(gconstpointer a, gconstpointer b)
{
	const RuleState *x = *(RuleState *const *)a, *y = *(RuleState *const *)b;

	if (x->rule->direction != y->rule->direction)
		return x->rule->direction < y->rule->direction ? -1 : 1;
	if (x->rule->priority != y->rule->priority)
		return x->rule->priority < y->rule->priority ? -1 : 1;
	return x->priority_where->pos.line < y->priority_where->pos.line ? -1 : 1;
}

/* Priorities are unique per direction within an NSG: sort, compare neighbours. */
static void
check_priorities(Loader *ld, NsgState *s)
{
	g_autoptr(GPtrArray) rules = g_ptr_array_new();

	for (guint i = 0; i < s->rule_states->len; i++) {
		RuleState *rs = g_ptr_array_index(s->rule_states, i);

		if (rs->has_priority && rs->has_direction)
			g_ptr_array_add(rules, rs);
	}
	g_ptr_array_sort(rules, compare_rule_states);
	for (guint i = 1; i < rules->len; i++) {
		RuleState *a = g_ptr_array_index(rules, i - 1), *b = g_ptr_array_index(rules, i);

		if (a->rule->direction == b->rule->direction &&
		    a->rule->priority == b->rule->priority)
			vs_load_error_at(ld, b->priority_where, "duplicate-priority",
					 "priority %u is already used by securityRule '%s' (line "
					 "%u) for %s rules; expected a priority unique per "
					 "direction",
					 b->rule->priority, a->rule->name,
					 a->priority_where->pos.line,
					 vs_direction_name(b->rule->direction));
	}
}

static void
item_nsg(Loader *ld, void *parent, const VsYcurEvent *event)
{
	NsgState s = {0};
	VsNsg *first;

	s.nsg = vs_nsg_new("");
	s.nsg->pos = pos_of(ld, event);
	s.rule_states = g_ptr_array_new_with_free_func(g_free);
	s.rule_names = g_hash_table_new(g_str_hash, g_str_equal);
	if (parse_map(ld, &nsg_map, &s, &s.map, event) && !ld->fatal)
		check_priorities(ld, &s);
	first = vs_model_find_nsg(ld->model, s.nsg->name);
	if (first != NULL)
		error_pos(ld, s.nsg->pos, "duplicate-name",
			  "duplicate NSG name '%s' (first defined at %s:%u:%u)", s.nsg->name,
			  first->pos.file, first->pos.line, first->pos.column);
	if (first == NULL && s.nsg->name[0] != '\0')
		vs_model_add_nsg(ld->model, s.nsg);
	else
		discard(ld, s.nsg, (GDestroyNotify)vs_nsg_free);
	g_ptr_array_unref(s.rule_states);
	g_hash_table_unref(s.rule_names);
}

/* ---------------------------------------------------------------- ASGs and service tags */

static void
item_asg(Loader *ld, void *parent, const VsYcurEvent *event)
{
	const char *name = read_name(ld, event);
	VsAsg *asg, *first;

	if (name == NULL)
		return;
	first = vs_model_find_asg(ld->model, name);
	if (first != NULL) {
		error_at(ld, event, "duplicate-name",
			 "duplicate application security group '%s' (first defined at %s:%u:%u)",
			 name, first->pos.file, first->pos.line, first->pos.column);
		return;
	}
	asg = vs_asg_new(name);
	asg->pos = pos_of(ld, event);
	vs_model_add_asg(ld->model, asg);
}

static void
item_tag_prefix(Loader *ld, void *parent, const VsYcurEvent *event)
{
	if (event->kind == VS_YCUR_SCALAR && !is_null(event) && !g_ascii_isdigit(event->value[0]))
		error_at(ld, event, "address",
			 "'%s' is not allowed in a service tag; expected addresses and prefixes",
			 event->value);
	else
		item_prefix(ld, parent, event);
}

static void
parse_service_tags(Loader *ld, const VsYcurEvent *event)
{
	VsYcurEvent key, value;
	guint index = 0;

	if (is_null(event))
		return;
	if (event->kind != VS_YCUR_MAPPING_START) {
		type_error(ld, event, "a mapping of tag name to a list of prefixes");
		return;
	}
	while (next(ld, &key) && key.kind != VS_YCUR_MAPPING_END) {
		VsServiceTag *tag = NULL, *first = NULL;
		gboolean ok = FALSE;

		if (++ld->counts[KIND_SERVICE_TAG] > VS_LOAD_MAX_OBJECTS) {
			fatal_error(ld, key.line, key.column, TRUE,
				    "more than %u serviceTags in the model; that is the limit",
				    VS_LOAD_MAX_OBJECTS);
			return;
		}
		push_item(ld, index++, "serviceTag");
		if (key.kind != VS_YCUR_SCALAR) {
			type_error(ld, &key, "a tag name");
		} else if (read_name(ld, &key) == NULL) {
			/* reported */
		} else if (!g_ascii_isalpha(key.value[0]) || builtin_tag(key.value) >= 0 ||
			   is_any_word(key.value)) {
			error_at(ld, &key, "bad-name",
				 "'%s' cannot be a service tag name; expected a name starting "
				 "with a letter, other than VirtualNetwork, Internet, "
				 "AzureLoadBalancer and Any",
				 key.value);
		} else if ((first = vs_model_find_service_tag(ld->model, key.value)) != NULL) {
			error_at(ld, &key, "duplicate-name",
				 "duplicate service tag '%s' (first defined at %s:%u:%u)",
				 key.value, first->pos.file, first->pos.line, first->pos.column);
		} else {
			ok = TRUE;
		}
		tag = vs_service_tag_new(ok ? key.value : "");
		tag->pos = pos_of(ld, &key);
		if (next(ld, &value))
			parse_list(ld, &value, "a list of prefixes", "prefix", KIND_OTHER,
				   item_tag_prefix, tag->prefixes);
		if (ok)
			vs_model_add_service_tag(ld->model, tag);
		else
			vs_service_tag_free(tag);
		pop(ld);
	}
}

static void
key_top_service_tags(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_service_tags(ld, event);
}

static void
key_top_asgs(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of application security group names",
		   "applicationSecurityGroup", KIND_ASG, item_asg, NULL);
}

static void
key_top_vnets(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of VNets", "VNet", KIND_VNET, item_vnet, NULL);
}

static void
key_top_nsgs(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of NSGs", "networkSecurityGroup", KIND_NSG, item_nsg, NULL);
}

/* ---------------------------------------------------------------- route tables */

typedef struct {
	MapState map;
	VsRoute *route;
	gboolean has_type;
	VsPos type_pos;
} RouteState;

typedef struct {
	MapState map;
	VsRouteTable *table;
	GHashTable *route_names; /* char* (borrowed) -> line of the first */
} TableState;

static void
key_route_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	RouteState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL)
		replace_name(&s->route->name, name);
}

static void
key_route_prefix(Loader *ld, void *state, const VsYcurEvent *event)
{
	read_prefix(ld, event, &((RouteState *)state)->route->prefix);
}

static void
key_route_type(Loader *ld, void *state, const VsYcurEvent *event)
{
	RouteState *s = state;
	const char *text = scalar(ld, event, "a next hop type");

	if (text == NULL)
		return;
	if (!vs_next_hop_type_parse(text, &s->route->next_hop_type)) {
		error_at(ld, event, "enum",
			 "'%s' is not valid; expected VirtualAppliance, VirtualNetworkGateway, "
			 "VnetLocal, Internet or None",
			 text);
		return;
	}
	s->has_type = TRUE;
	s->type_pos = pos_of(ld, event);
}

static void
key_route_ip(Loader *ld, void *state, const VsYcurEvent *event)
{
	RouteState *s = state;

	if (read_ip(ld, event, &s->route->next_hop_ip))
		s->route->has_next_hop_ip = TRUE;
}

static const KeyDef route_keys[] = {
	{"name", key_route_name, TRUE},
	{"addressPrefix", key_route_prefix, TRUE},
	{"nextHopType", key_route_type, TRUE},
	{"nextHopIpAddress", key_route_ip, FALSE},
};
static const MapDef route_map = {"route", TRUE, route_keys, G_N_ELEMENTS(route_keys)};

static void
item_route(Loader *ld, void *parent, const VsYcurEvent *event)
{
	TableState *ts = parent;
	RouteState s = {0};
	VsPos ip_pos;
	gboolean has_ip;

	s.route = vs_route_new("");
	s.route->pos = pos_of(ld, event);
	s.route->table = ts->table;
	g_ptr_array_add(ts->table->routes, s.route);
	if (!parse_map(ld, &route_map, &s, &s.map, event) || ld->fatal)
		return;
	has_ip = map_has(&route_map, &s.map, "nextHopIpAddress", &ip_pos);
	if (s.has_type && s.route->next_hop_type == VS_NEXT_HOP_VIRTUAL_APPLIANCE && !has_ip)
		error_pos(ld, s.type_pos, "next-hop-ip",
			  "nextHopType VirtualAppliance needs nextHopIpAddress, the appliance's "
			  "private address");
	else if (s.has_type && s.route->next_hop_type != VS_NEXT_HOP_VIRTUAL_APPLIANCE && has_ip)
		error_pos(ld, ip_pos, "next-hop-ip",
			  "nextHopIpAddress is allowed only with nextHopType VirtualAppliance, not "
			  "%s",
			  vs_next_hop_type_name(s.route->next_hop_type));
	if (s.route->name[0] != '\0') {
		VsPos name_pos;
		gpointer first;

		map_has(&route_map, &s.map, "name", &name_pos);
		if (g_hash_table_lookup_extended(ts->route_names, s.route->name, NULL, &first))
			error_pos(ld, name_pos, "duplicate-name",
				  "duplicate route name '%s' in the route table (first at line %u)",
				  s.route->name, GPOINTER_TO_UINT(first));
		else
			g_hash_table_insert(ts->route_names, s.route->name,
					    GUINT_TO_POINTER(s.route->pos.line));
	}
}

static void
key_table_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	TableState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL)
		replace_name(&s->table->name, name);
}

static void
key_table_bgp(Loader *ld, void *state, const VsYcurEvent *event)
{
	read_bool(ld, event, &((TableState *)state)->table->disable_bgp_route_propagation);
}

static void
key_table_routes(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of routes", "route", KIND_ROUTE, item_route, state);
}

static const KeyDef table_keys[] = {
	{"name", key_table_name, TRUE},
	{"disableBgpRoutePropagation", key_table_bgp, FALSE},
	{"routes", key_table_routes, FALSE},
};
static const MapDef table_map = {"routeTable", TRUE, table_keys, G_N_ELEMENTS(table_keys)};

static void
item_table(Loader *ld, void *parent, const VsYcurEvent *event)
{
	TableState s = {0};
	VsRouteTable *first;

	s.table = vs_route_table_new("");
	s.table->pos = pos_of(ld, event);
	s.route_names = g_hash_table_new(g_str_hash, g_str_equal);
	parse_map(ld, &table_map, &s, &s.map, event);
	first = vs_model_find_route_table(ld->model, s.table->name);
	if (first != NULL)
		error_pos(ld, s.table->pos, "duplicate-name",
			  "duplicate route table name '%s' (first defined at %s:%u:%u)",
			  s.table->name, first->pos.file, first->pos.line, first->pos.column);
	if (first == NULL && s.table->name[0] != '\0')
		vs_model_add_route_table(ld->model, s.table);
	else
		discard(ld, s.table, (GDestroyNotify)vs_route_table_free);
	g_hash_table_unref(s.route_names);
}

static void
key_top_tables(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of route tables", "routeTable", KIND_ROUTE_TABLE, item_table,
		   NULL);
}

/* ---------------------------------------------------------------- virtual machines */

typedef struct {
	MapState map;
	VsNic *nic;
	gboolean named;
	Where *ip_where;
	Ref *subnet_ref;
} NicState;

static void
nic_state_free(NicState *state)
{
	if (state->nic != NULL)
		vs_nic_free(state->nic);
	g_free(state);
}

typedef struct {
	MapState map;
	VsVm *vm;
	GPtrArray *nics; /* NicState*, owned until the VM is added */
} VmState;

typedef struct {
	MapState map;
	VsGuestFirewall *firewall;
	GHashTable *rule_names;
} FirewallState;

typedef struct {
	MapState map;
	VsFwRule *rule;
} FwRuleState;

static void
key_nic_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL) {
		replace_name(&s->nic->name, name);
		s->named = TRUE;
	}
}

static void
key_nic_subnet(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;
	const char *text = scalar(ld, event, "a subnet as VNET/SUBNET");
	const char *slash;

	if (text == NULL)
		return;
	slash = strchr(text, '/');
	if (slash == NULL || slash == text || slash[1] == '\0' || strchr(slash + 1, '/') != NULL) {
		error_at(
			ld, event, "reference",
			"'%s' is not a subnet reference; expected VNET/SUBNET such as hub/snet-nva",
			text);
		return;
	}
	add_ref(ld, REF_NIC_SUBNET, event, s->nic, NULL, NULL);
	s->subnet_ref = g_ptr_array_index(ld->refs, ld->refs->len - 1);
}

static void
key_nic_ip(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;

	if (read_ip(ld, event, &s->nic->private_ip))
		s->ip_where = where_here(ld, event);
}

static void
key_nic_public_ip(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;

	if (is_null(event))
		return;
	if (read_ip(ld, event, &s->nic->public_ip))
		s->nic->has_public_ip = TRUE;
}

static void
key_nic_nsg(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;

	if (is_null(event) || scalar(ld, event, "an NSG name") == NULL)
		return;
	add_ref(ld, REF_NIC_NSG, event, s->nic, NULL, NULL);
}

static void
key_nic_forwarding(Loader *ld, void *state, const VsYcurEvent *event)
{
	read_bool(ld, event, &((NicState *)state)->nic->ip_forwarding);
}

static void
item_nic_asg(Loader *ld, void *parent, const VsYcurEvent *event)
{
	NicState *s = parent;

	if (scalar(ld, event, "an application security group name") != NULL)
		add_ref(ld, REF_NIC_ASG, event, s->nic, NULL, NULL);
}

static void
key_nic_asgs(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of application security group names", "asg", KIND_OTHER,
		   item_nic_asg, state);
}

static const KeyDef nic_keys[] = {
	{"name", key_nic_name, FALSE},
	{"subnet", key_nic_subnet, TRUE},
	{"privateIpAddress", key_nic_ip, TRUE},
	{"publicIpAddress", key_nic_public_ip, FALSE},
	{"networkSecurityGroup", key_nic_nsg, FALSE},
	{"enableIpForwarding", key_nic_forwarding, FALSE},
	{"applicationSecurityGroups", key_nic_asgs, FALSE},
};
static const MapDef nic_map = {"networkInterface", TRUE, nic_keys, G_N_ELEMENTS(nic_keys)};

static void
item_nic(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VmState *vs = parent;
	NicState *s = g_new0(NicState, 1);

	s->nic = vs_nic_new("");
	s->nic->pos = pos_of(ld, event);
	g_ptr_array_add(vs->nics, s);
	parse_map(ld, &nic_map, s, &s->map, event);
	if (s->subnet_ref != NULL)
		s->subnet_ref->aux = s->ip_where;
}

static const char *const fw_direction_names[] = {"Inbound", "Outbound", "Forward", NULL};
static const int fw_direction_values[] = {VS_FW_INBOUND, VS_FW_OUTBOUND, VS_FW_FORWARD};

static void
key_fw_rule_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	FwRuleState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL)
		replace_name(&s->rule->name, name);
}

static void
key_fw_rule_direction(Loader *ld, void *state, const VsYcurEvent *event)
{
	FwRuleState *s = state;
	int value;

	if (read_enum(ld, event, fw_direction_names, fw_direction_values, &value))
		s->rule->direction = (VsFwDirection)value;
}

static void
key_fw_rule_action(Loader *ld, void *state, const VsYcurEvent *event)
{
	read_access(ld, event, &((FwRuleState *)state)->rule->action);
}

static void
key_fw_rule_protocol(Loader *ld, void *state, const VsYcurEvent *event)
{
	static const char *const names[] = {"Tcp", "Udp", "Icmp", "*", "Any", NULL};
	static const int values[] = {VS_PROTO_TCP, VS_PROTO_UDP, VS_PROTO_ICMP, VS_PROTO_ANY,
				     VS_PROTO_ANY};
	FwRuleState *s = state;
	int value;

	if (read_enum(ld, event, names, values, &value))
		s->rule->protocol = (VsProtocol)value;
}

static void
key_fw_rule_ports(Loader *ld, void *state, const VsYcurEvent *event)
{
	FwRuleState *s = state;

	g_clear_pointer(&s->rule->local_ports, g_array_unref);
	s->rule->local_ports = read_ports(ld, event, TRUE);
}

static void
item_remote_address(Loader *ld, void *array, const VsYcurEvent *event)
{
	static const VsPrefix everything = {0, 0};

	if (event->kind == VS_YCUR_SCALAR && is_any_word(event->value))
		g_array_append_val((GArray *)array, everything);
	else
		item_prefix(ld, array, event);
}

static void
key_fw_rule_remote(Loader *ld, void *state, const VsYcurEvent *event)
{
	FwRuleState *s = state;
	GArray *addresses = g_array_new(FALSE, FALSE, sizeof(VsPrefix));

	if (event->kind == VS_YCUR_SCALAR && !is_null(event))
		item_remote_address(ld, addresses, event);
	else
		parse_list(ld, event, "a list of addresses or prefixes", "address", KIND_OTHER,
			   item_remote_address, addresses);
	g_clear_pointer(&s->rule->remote_addresses, g_array_unref);
	s->rule->remote_addresses = addresses;
}

static const KeyDef fw_rule_keys[] = {
	{"name", key_fw_rule_name, TRUE},         {"direction", key_fw_rule_direction, TRUE},
	{"action", key_fw_rule_action, TRUE},     {"protocol", key_fw_rule_protocol, FALSE},
	{"localPorts", key_fw_rule_ports, FALSE}, {"remoteAddresses", key_fw_rule_remote, FALSE},
};
static const MapDef fw_rule_map = {"guestFirewall rule", TRUE, fw_rule_keys,
				   G_N_ELEMENTS(fw_rule_keys)};

static void
item_fw_rule(Loader *ld, void *parent, const VsYcurEvent *event)
{
	FirewallState *fs = parent;
	FwRuleState s = {0};

	s.rule = vs_fw_rule_new("");
	s.rule->protocol = VS_PROTO_ANY;
	s.rule->pos = pos_of(ld, event);
	g_ptr_array_add(fs->firewall->rules, s.rule);
	if (!parse_map(ld, &fw_rule_map, &s, &s.map, event) || s.rule->name[0] == '\0')
		return;
	if (g_hash_table_contains(fs->rule_names, s.rule->name)) {
		VsPos name_pos;

		map_has(&fw_rule_map, &s.map, "name", &name_pos);
		error_pos(ld, name_pos, "duplicate-name",
			  "duplicate guestFirewall rule name '%s' (first at line %u)", s.rule->name,
			  GPOINTER_TO_UINT(g_hash_table_lookup(fs->rule_names, s.rule->name)));
	} else {
		g_hash_table_insert(fs->rule_names, s.rule->name,
				    GUINT_TO_POINTER(s.rule->pos.line));
	}
}

#define FW_DEFAULT(func, field)                                                                    \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		read_access(ld, event, &((FirewallState *)state)->firewall->field);                \
	}
FW_DEFAULT(key_fw_default_inbound, default_inbound)
FW_DEFAULT(key_fw_default_outbound, default_outbound)
FW_DEFAULT(key_fw_default_forward, default_forward)

static void
key_fw_rules(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of guestFirewall rules", "guestFirewall rule", KIND_FW_RULE,
		   item_fw_rule, state);
}

static const KeyDef firewall_keys[] = {
	{"defaultInbound", key_fw_default_inbound, FALSE},
	{"defaultOutbound", key_fw_default_outbound, FALSE},
	{"defaultForward", key_fw_default_forward, FALSE},
	{"rules", key_fw_rules, FALSE},
};
static const MapDef firewall_map = {"guestFirewall", FALSE, firewall_keys,
				    G_N_ELEMENTS(firewall_keys)};

static void
key_vm_firewall(Loader *ld, void *state, const VsYcurEvent *event)
{
	VmState *vs = state;
	FirewallState s = {0};

	if (is_null(event))
		return;
	s.firewall = vs_guest_firewall_new();
	s.firewall->pos = pos_of(ld, event);
	s.rule_names = g_hash_table_new(g_str_hash, g_str_equal);
	vs->vm->guest_firewall = s.firewall;
	parse_map(ld, &firewall_map, &s, &s.map, event);
	g_hash_table_unref(s.rule_names);
}

static void
key_vm_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	VmState *s = state;
	const char *name = read_name(ld, event);

	if (name != NULL)
		replace_name(&s->vm->name, name);
}

static void
key_vm_nics(Loader *ld, void *state, const VsYcurEvent *event)
{
	VmState *s = state;

	parse_list(ld, event, "a list of network interfaces", "networkInterface", KIND_NIC,
		   item_nic, state);
	if (s->nics->len == 0 && !ld->fatal &&
	    (event->kind == VS_YCUR_SEQUENCE_START || is_null(event)))
		error_at(ld, event, "empty", "a VM needs at least one network interface");
}

static void
key_vm_agent(Loader *ld, void *state, const VsYcurEvent *event)
{
	read_bool(ld, event, &((VmState *)state)->vm->network_watcher_agent);
}

static void
key_vm_cpu(Loader *ld, void *state, const VsYcurEvent *event)
{
	read_uint(ld, event, 0, 100, &((VmState *)state)->vm->cpu_percent);
}

static void
key_vm_memory(Loader *ld, void *state, const VsYcurEvent *event)
{
	read_uint(ld, event, 0, 100, &((VmState *)state)->vm->memory_percent);
}

static void
key_vm_ports(Loader *ld, void *state, const VsYcurEvent *event)
{
	VmState *s = state;

	if (is_null(event))
		return;
	g_clear_pointer(&s->vm->listening_ports, g_array_unref);
	s->vm->listening_ports = read_ports(ld, event, FALSE);
}

static const KeyDef vm_keys[] = {
	{"name", key_vm_name, TRUE},
	{"networkInterfaces", key_vm_nics, TRUE},
	{"networkWatcherAgent", key_vm_agent, FALSE},
	{"cpuPercent", key_vm_cpu, FALSE},
	{"memoryPercent", key_vm_memory, FALSE},
	{"listeningPorts", key_vm_ports, FALSE},
	{"guestFirewall", key_vm_firewall, FALSE},
};
static const MapDef vm_map = {"virtualMachine", TRUE, vm_keys, G_N_ELEMENTS(vm_keys)};

static void
finish_vm(Loader *ld, VmState *s)
{
	VsVm *vm = s->vm, *first = vs_model_find_vm(ld->model, vm->name);
	gboolean add = vm->name[0] != '\0' && first == NULL;

	if (first != NULL)
		error_pos(ld, vm->pos, "duplicate-name",
			  "duplicate VM name '%s' (first defined at %s:%u:%u)", vm->name,
			  first->pos.file, first->pos.line, first->pos.column);
	if (add)
		vs_model_add_vm(ld->model, vm);
	else
		discard(ld, vm, (GDestroyNotify)vs_vm_free);
	for (guint i = 0; i < s->nics->len; i++) {
		NicState *ns = g_ptr_array_index(s->nics, i);
		VsNic *nic = g_steal_pointer(&ns->nic), *other;

		if (!ns->named) {
			g_free(nic->name);
			nic->name = g_strdup_printf("%s-nic%u", vm->name, i);
		}
		other = vs_model_find_nic(ld->model, nic->name);
		if (add && other != NULL)
			error_pos(ld, nic->pos, "duplicate-name",
				  "duplicate network interface name '%s' (first defined at "
				  "%s:%u:%u)",
				  nic->name, other->pos.file, other->pos.line, other->pos.column);
		if (add && other == NULL && nic->name[0] != '\0' &&
		    (ns->named || vm->name[0] != '\0')) {
			vs_model_add_nic(ld->model, vm, nic);
		} else {
			nic->vm = vm;
			discard(ld, nic, (GDestroyNotify)vs_nic_free);
		}
	}
}

static void
item_vm(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VmState s = {0};

	s.vm = vs_vm_new("");
	s.vm->pos = pos_of(ld, event);
	s.nics = g_ptr_array_new_with_free_func((GDestroyNotify)nic_state_free);
	parse_map(ld, &vm_map, &s, &s.map, event);
	finish_vm(ld, &s); /* adds the VM and its NICs, or keeps them aside */
	g_ptr_array_unref(s.nics);
}

static void
key_top_vms(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of virtual machines", "virtualMachine", KIND_VM, item_vm,
		   NULL);
}

/* ---------------------------------------------------------------- dns, internet, latency */

typedef struct {
	MapState map;
	char *name;
	gboolean has_address;
	VsIp4 address;
	VsPos name_pos;
	GArray *ports;
	gboolean has_rtt;
	double rtt_ms;
} HostState;

static void
key_host_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	HostState *s = state;
	const char *name = scalar(ld, event, "a host name");

	if (name == NULL)
		return;
	if (!valid_hostname(name)) {
		error_at(ld, event, "bad-name",
			 "'%s' is not a host name; expected labels of letters, digits and '-' "
			 "separated by dots",
			 name);
		return;
	}
	set_item_name(ld, name);
	s->name = g_strdup(name);
	s->name_pos = pos_of(ld, event);
}

static void
key_host_address(Loader *ld, void *state, const VsYcurEvent *event)
{
	HostState *s = state;

	s->has_address = read_ip(ld, event, &s->address);
}

static void
key_host_ports(Loader *ld, void *state, const VsYcurEvent *event)
{
	HostState *s = state;

	if (is_null(event))
		return;
	g_clear_pointer(&s->ports, g_array_unref);
	s->ports = read_ports(ld, event, FALSE);
}

static void
key_host_rtt(Loader *ld, void *state, const VsYcurEvent *event)
{
	HostState *s = state;

	s->has_rtt = read_number(ld, event, 100000, &s->rtt_ms);
}

static const KeyDef record_keys[] = {
	{"name", key_host_name, TRUE},
	{"address", key_host_address, TRUE},
};
static const MapDef record_map = {"dns record", TRUE, record_keys, G_N_ELEMENTS(record_keys)};

static const KeyDef endpoint_keys[] = {
	{"name", key_host_name, TRUE},
	{"address", key_host_address, TRUE},
	{"listeningPorts", key_host_ports, FALSE},
	{"rttMs", key_host_rtt, FALSE},
};
static const MapDef endpoint_map = {"internet endpoint", TRUE, endpoint_keys,
				    G_N_ELEMENTS(endpoint_keys)};

/* Reads a DNS record (is_record) or an internet endpoint into the model. */
static void
parse_host(Loader *ld, const VsYcurEvent *event, gboolean is_record)
{
	HostState s = {0};
	GHashTable *names = is_record ? ld->dns_names : ld->endpoint_names;
	VsPos pos = pos_of(ld, event);

	if (parse_map(ld, is_record ? &record_map : &endpoint_map, &s, &s.map, event) &&
	    s.name != NULL && s.has_address) {
		const VsPos *first = g_hash_table_lookup(names, s.name);

		if (first != NULL) {
			error_pos(ld, s.name_pos, "duplicate-name",
				  "duplicate %s name '%s' (first defined at %s:%u:%u)",
				  is_record ? "dns record" : "internet endpoint", s.name,
				  first->file, first->line, first->column);
		} else if (is_record) {
			VsDnsRecord *record = vs_dns_record_new(s.name, s.address);

			record->pos = pos;
			vs_model_add_dns_record(ld->model, record);
			g_hash_table_insert(names, record->name, &record->pos);
		} else {
			VsInternetEndpoint *endpoint = vs_internet_endpoint_new(s.name, s.address);

			endpoint->pos = pos;
			endpoint->listening_ports = g_steal_pointer(&s.ports);
			endpoint->has_rtt = s.has_rtt;
			endpoint->rtt_ms = s.rtt_ms;
			vs_model_add_internet_endpoint(ld->model, endpoint);
			g_hash_table_insert(names, endpoint->name, &endpoint->pos);
		}
	}
	g_free(s.name);
	if (s.ports != NULL)
		g_array_unref(s.ports);
}

static void
item_record(Loader *ld, void *parent, const VsYcurEvent *event)
{
	parse_host(ld, event, TRUE);
}

static void
item_endpoint(Loader *ld, void *parent, const VsYcurEvent *event)
{
	parse_host(ld, event, FALSE);
}

static void
key_dns_records(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of dns records", "record", KIND_DNS_RECORD, item_record,
		   NULL);
}

static const KeyDef dns_keys[] = {
	{"records", key_dns_records, FALSE},
};
static const MapDef dns_map = {"dns", FALSE, dns_keys, G_N_ELEMENTS(dns_keys)};

/* A setting that may be given in one file only (include rules, above). */
static gboolean
claim_once(Loader *ld, guint which, const VsYcurEvent *event)
{
	VsPos *first = &ld->once[which];

	if (first->line != 0) {
		error_at(ld, event, "include",
			 "already set at %s:%u:%u; each setting may be given in one file only",
			 first->file, first->line, first->column);
		skip(ld, event);
		return FALSE;
	}
	*first = pos_of(ld, event);
	return TRUE;
}

static void
key_internet_reachable(Loader *ld, void *state, const VsYcurEvent *event)
{
	if (claim_once(ld, LAT_INTERNET_REACHABLE, event))
		read_bool(ld, event, &ld->model->internet_reachable);
}

static void
key_internet_endpoints(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of internet endpoints", "endpoint", KIND_ENDPOINT,
		   item_endpoint, NULL);
}

static const KeyDef internet_keys[] = {
	{"reachable", key_internet_reachable, FALSE},
	{"endpoints", key_internet_endpoints, FALSE},
};
static const MapDef internet_map = {"internet", FALSE, internet_keys, G_N_ELEMENTS(internet_keys)};

#define LATENCY_NUMBER(func, which, field, max)                                                    \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		if (claim_once(ld, which, event))                                                  \
			read_number(ld, event, max, &ld->model->latency.field);                    \
	}
LATENCY_NUMBER(key_latency_vnet, LAT_VNET, vnet_ms, 100000)
LATENCY_NUMBER(key_latency_peering, LAT_PEERING, peering_ms, 100000)
LATENCY_NUMBER(key_latency_inter_region, LAT_INTER_REGION, inter_region_ms, 100000)
LATENCY_NUMBER(key_latency_appliance, LAT_APPLIANCE, appliance_ms, 100000)
LATENCY_NUMBER(key_latency_internet, LAT_INTERNET, internet_ms, 100000)
LATENCY_NUMBER(key_latency_jitter, LAT_JITTER, jitter_percent, 100)
LATENCY_NUMBER(key_latency_loss, LAT_LOSS, loss_percent, 100)

static void
key_latency_pairs(Loader *ld, void *state, const VsYcurEvent *event)
{
	GPtrArray *pairs = ld->model->latency.region_pairs;
	VsYcurEvent key, value;
	guint index = 0;

	if (is_null(event))
		return;
	if (event->kind != VS_YCUR_MAPPING_START) {
		type_error(ld, event, "a mapping of \"region/region\" to milliseconds");
		return;
	}
	while (next(ld, &key) && key.kind != VS_YCUR_MAPPING_END) {
		g_auto(GStrv) regions = NULL;
		double ms;

		push_item(ld, index++, "regionPair");
		if (key.kind == VS_YCUR_SCALAR) {
			set_item_name(ld, key.value);
			regions = g_strsplit(key.value, "/", 3);
		}
		if (key.kind != VS_YCUR_SCALAR || g_strv_length(regions) != 2 ||
		    regions[0][0] == '\0' || regions[1][0] == '\0') {
			g_autofree char *got = describe(&key);

			error_at(ld, &key, "bad-name",
				 "expected a pair of regions such as \"westeurope/northeurope\", "
				 "got %s",
				 got);
			skip(ld, &key);
			if (next(ld, &value))
				skip(ld, &value);
			pop(ld);
			continue;
		}
		for (guint r = 0; r < 2; r++) {
			char *lower = g_ascii_strdown(regions[r], -1);

			g_free(regions[r]);
			regions[r] = lower;
		}
		for (guint i = 0; i < pairs->len; i++) {
			const VsRegionPair *pair = g_ptr_array_index(pairs, i);

			if ((strcmp(pair->a, regions[0]) == 0 &&
			     strcmp(pair->b, regions[1]) == 0) ||
			    (strcmp(pair->a, regions[1]) == 0 &&
			     strcmp(pair->b, regions[0]) == 0)) {
				error_at(ld, &key, "duplicate-name",
					 "region pair '%s' already given at %s:%u:%u (in either "
					 "order)",
					 key.value, pair->pos.file, pair->pos.line,
					 pair->pos.column);
				regions[0][0] = '\0';
				break;
			}
		}
		{
			VsPos pos = pos_of(ld, &key);
			gboolean fresh = regions[0][0] != '\0';

			if (next(ld, &value) && read_number(ld, &value, 100000, &ms) && fresh) {
				VsRegionPair *pair = vs_region_pair_new(regions[0], regions[1], ms);

				pair->pos = pos;
				g_ptr_array_add(pairs, pair);
			}
		}
		pop(ld);
	}
}

static const KeyDef latency_keys[] = {
	{"vnetMs", key_latency_vnet, FALSE},
	{"peeringMs", key_latency_peering, FALSE},
	{"interRegionMs", key_latency_inter_region, FALSE},
	{"regionPairs", key_latency_pairs, FALSE},
	{"applianceMs", key_latency_appliance, FALSE},
	{"internetMs", key_latency_internet, FALSE},
	{"jitterPercent", key_latency_jitter, FALSE},
	{"lossPercent", key_latency_loss, FALSE},
};
static const MapDef latency_map = {"latency", FALSE, latency_keys, G_N_ELEMENTS(latency_keys)};

#define SUB_MAP(func, def)                                                                         \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		MapState map;                                                                      \
                                                                                                   \
		if (!is_null(event))                                                               \
			parse_map(ld, &def, NULL, &map, event);                                    \
	}
SUB_MAP(key_top_dns, dns_map)
SUB_MAP(key_top_internet, internet_map)
SUB_MAP(key_top_latency, latency_map)

static void
item_include(Loader *ld, void *parent, const VsYcurEvent *event)
{
	const char *path = scalar(ld, event, "a file name");
	Include *include;

	if (path == NULL)
		return;
	include = g_new0(Include, 1);
	include->path = g_strdup(path);
	include->where = where_here(ld, event);
	g_ptr_array_add(ld->includes, include);
}

static void
key_top_include(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_list(ld, event, "a list of file names", "include", KIND_OTHER, item_include, NULL);
}

static const KeyDef top_keys[] = {
	{"name", key_top_name, FALSE}, /* required in the root file only: checked below */
	{"subscriptionId", key_top_subscription, FALSE},
	{"location", key_top_location, FALSE},
	{"vnets", key_top_vnets, FALSE},
	{"networkSecurityGroups", key_top_nsgs, FALSE},
	{"applicationSecurityGroups", key_top_asgs, FALSE},
	{"serviceTags", key_top_service_tags, FALSE},
	{"routeTables", key_top_tables, FALSE},
	{"virtualMachines", key_top_vms, FALSE},
	{"dns", key_top_dns, FALSE},
	{"internet", key_top_internet, FALSE},
	{"latency", key_top_latency, FALSE},
	{"include", key_top_include, FALSE},
};
static const MapDef top_map = {"the top level", FALSE, top_keys, G_N_ELEMENTS(top_keys)};

/* ---------------------------------------------------------------- files */

/* The first NUL byte or invalid UTF-8 sequence, as a fatal error at its place. */
static gboolean
check_text(Loader *ld, const char *data, gsize length)
{
	const char *end = NULL, *nul = memchr(data, '\0', length);
	gsize valid = nul != NULL ? (gsize)(nul - data) : length;
	guint line = 1, column = 1;
	gboolean utf8_ok = g_utf8_validate_len(data, valid, &end);

	if (nul == NULL && utf8_ok)
		return TRUE;
	for (const char *p = data; p < end; p++) {
		if (*p == '\n') {
			line++;
			column = 1;
		} else if (((guchar)*p & 0xc0) != 0x80) {
			column++;
		}
	}
	if (!utf8_ok)
		fatal_error(ld, line, column, FALSE,
			    "invalid UTF-8 (byte 0x%02X at offset %zu); a model file is UTF-8 text",
			    (guchar)*end, (gsize)(end - data));
	else
		fatal_error(ld, line, column, FALSE,
			    "NUL byte at offset %zu; a model file is UTF-8 text",
			    (gsize)(end - data));
	return FALSE;
}

static void load_includes(Loader *ld, GPtrArray *includes, const char *including);

/* Reads one file's text (already in memory) into the model, then its includes. */
static void
load_text(Loader *ld, const char *data, gsize length, const char *name)
{
	g_autoptr(GPtrArray) includes =
		g_ptr_array_new_with_free_func((GDestroyNotify)include_free);
	VsYcurEvent event;

	ld->file = vs_model_intern_file(ld->model, name);
	ld->fatal = FALSE;
	ld->includes = includes;
	if (check_text(ld, data, length)) {
		ld->cur = vs_ycur_new(data, length, NULL);
		if (next(ld, &event)) {
			if (event.kind == VS_YCUR_END) {
				fatal_error(ld, event.line ? event.line : 1, 1, FALSE,
					    "empty file; expected a mapping with at least 'name'");
			} else {
				MapState map;

				if (parse_map(ld, &top_map, NULL, &map, &event) && ld->is_root &&
				    !(map.seen & 1u))
					error_pos(ld, map.start, "missing-key",
						  "missing required key 'name' at the top level");
				if (next(ld, &event) && event.kind != VS_YCUR_END)
					fatal_error(ld, event.line, event.column, FALSE,
						    "unexpected content after the document");
			}
		}
		g_clear_pointer(&ld->cur, vs_ycur_free);
	}
	flush(ld);
	ld->includes = NULL;
	ld->is_root = FALSE;
	if (!ld->fatal)
		load_includes(ld, includes, name);
}

static gboolean
same_file(FileId a, FileId b)
{
	return a.dev == b.dev && a.ino == b.ino;
}

/*
 * Reads path, at most VS_LOAD_MAX_FILE_SIZE bytes: plain read() so that a
 * FIFO or /dev/zero cannot make it read forever.
 */
static gboolean
read_file(const char *path, char **data, gsize *length, FileId *id, gboolean *limit, GError **error)
{
	g_autoptr(GByteArray) buffer = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	*limit = FALSE;
	if (fd < 0) {
		int saved = errno;

		g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_IO, "cannot read '%s': %s", path,
			    g_strerror(saved));
		return FALSE;
	}
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_IO,
			    "cannot read '%s': it is a directory; expected a model file", path);
		close(fd);
		return FALSE;
	}
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	buffer = g_byte_array_sized_new(S_ISREG(st.st_mode) && st.st_size > 0 &&
							st.st_size <= VS_LOAD_MAX_FILE_SIZE
						? (guint)st.st_size + 1
						: 4096);
	for (;;) {
		guint8 chunk[65536];
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int saved = errno;

			g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_IO, "cannot read '%s': %s",
				    path, g_strerror(saved));
			close(fd);
			return FALSE;
		}
		if (got == 0)
			break;
		if (buffer->len + (gsize)got > VS_LOAD_MAX_FILE_SIZE) {
			g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_LIMIT,
				    "'%s' is larger than %u MiB, the limit for a model file", path,
				    VS_LOAD_MAX_FILE_SIZE / (1024 * 1024));
			*limit = TRUE;
			close(fd);
			return FALSE;
		}
		g_byte_array_append(buffer, chunk, (guint)got);
	}
	close(fd);
	*length = buffer->len;
	g_byte_array_append(buffer, (const guint8 *)"", 1); /* NUL-terminated for safety */
	*data = (char *)g_byte_array_free(g_steal_pointer(&buffer), FALSE);
	return TRUE;
}

static char *
include_path(const char *including, const char *path)
{
	g_autofree char *dir = NULL;

	if (g_path_is_absolute(path))
		return g_strdup(path);
	dir = g_path_get_dirname(including);
	if (strcmp(dir, ".") == 0)
		return g_strdup(path);
	return g_build_filename(dir, path, NULL);
}

static void
load_include(Loader *ld, const Include *include, const char *including)
{
	g_autofree char *path = include_path(including, include->path);
	g_autofree char *data = NULL;
	g_autoptr(GError) error = NULL;
	gsize length = 0;
	FileId id;
	gboolean limit;

	if (ld->include_depth >= VS_LOAD_MAX_INCLUDE_DEPTH) {
		vs_load_error_at(ld, include->where, "include",
				 "includes nested deeper than %u files", VS_LOAD_MAX_INCLUDE_DEPTH);
		return;
	}
	if (ld->files_read->len >= VS_LOAD_MAX_FILES) {
		vs_load_error_at(ld, include->where, "limit", "more than %u files included",
				 VS_LOAD_MAX_FILES);
		ld->limit_hit = TRUE;
		return;
	}
	if (!read_file(path, &data, &length, &id, &limit, &error)) {
		vs_load_error_at(ld, include->where, "include", "%s", error->message);
		ld->limit_hit |= limit;
		return;
	}
	for (guint i = 0; i < ld->file_stack->len; i++) {
		if (same_file(g_array_index(ld->file_stack, FileId, i), id)) {
			g_autoptr(GString) chain = g_string_new(NULL);

			for (guint j = i; j < ld->file_stack_names->len; j++)
				g_string_append_printf(
					chain, "%s -> ",
					(char *)g_ptr_array_index(ld->file_stack_names, j));
			g_string_append(chain, path);
			vs_load_error_at(ld, include->where, "include-cycle", "include cycle: %s",
					 chain->str);
			return;
		}
	}
	for (guint i = 0; i < ld->files_read->len; i++)
		if (same_file(g_array_index(ld->files_read, FileId, i), id))
			return; /* read once: a second include of the same file adds nothing */
	ld->total_bytes += length;
	if (ld->total_bytes > VS_LOAD_MAX_FILE_SIZE) {
		vs_load_error_at(ld, include->where, "limit",
				 "the model's files hold more than %u MiB together, the limit",
				 VS_LOAD_MAX_FILE_SIZE / (1024 * 1024));
		ld->limit_hit = TRUE;
		return;
	}
	g_array_append_val(ld->files_read, id);
	g_array_append_val(ld->file_stack, id);
	g_ptr_array_add(ld->file_stack_names, g_strdup(path));
	ld->include_depth++;
	load_text(ld, data, length, path);
	ld->include_depth--;
	g_array_set_size(ld->file_stack, ld->file_stack->len - 1);
	g_ptr_array_set_size(ld->file_stack_names, ld->file_stack_names->len - 1);
}

static void
load_includes(Loader *ld, GPtrArray *includes, const char *including)
{
	for (guint i = 0; i < includes->len; i++)
		load_include(ld, g_ptr_array_index(includes, i), including);
}

/* ---------------------------------------------------------------- the loader */

static Loader *
loader_new(VsDiagList *diags)
{
	Loader *ld = g_new0(Loader, 1);

	ld->model = vs_model_new();
	ld->diags = diags;
	ld->errors_before = diags->errors;
	ld->is_root = TRUE;
	ld->stack = g_array_new(FALSE, FALSE, sizeof(Seg));
	ld->items = g_array_new(FALSE, FALSE, sizeof(Item));
	ld->pending = g_ptr_array_new_with_free_func((GDestroyNotify)pending_free);
	ld->wheres = g_ptr_array_new_with_free_func((GDestroyNotify)where_free);
	ld->unflushed = g_ptr_array_new();
	ld->refs = g_ptr_array_new_with_free_func((GDestroyNotify)ref_free);
	ld->discard = g_ptr_array_new_with_free_func((GDestroyNotify)discarded_free);
	ld->dns_names = g_hash_table_new(g_str_hash, g_str_equal);
	ld->endpoint_names = g_hash_table_new(g_str_hash, g_str_equal);
	ld->file_stack = g_array_new(FALSE, FALSE, sizeof(FileId));
	ld->file_stack_names = g_ptr_array_new_with_free_func(g_free);
	ld->files_read = g_array_new(FALSE, FALSE, sizeof(FileId));
	return ld;
}

static void
loader_free(Loader *ld)
{
	if (ld == NULL)
		return;
	flush(ld);
	vs_ycur_free(ld->cur);
	g_array_unref(ld->stack);
	g_array_unref(ld->items);
	g_ptr_array_unref(ld->pending);
	g_ptr_array_unref(ld->unflushed);
	g_ptr_array_unref(ld->refs);
	g_ptr_array_unref(ld->wheres);
	g_hash_table_unref(ld->dns_names);
	g_hash_table_unref(ld->endpoint_names);
	g_array_unref(ld->file_stack);
	g_ptr_array_unref(ld->file_stack_names);
	g_array_unref(ld->files_read);
	/* the model before the discarded objects: model objects may point at them */
	vs_model_free(ld->model);
	g_ptr_array_unref(ld->discard);
	g_free(ld);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Loader, loader_free)

/* Whole-model checks, then the verdict: the model, or NULL with error set. */
static VsModel *
finish(Loader *ld, const char *name, GError **error)
{
	guint errors;

	if (!ld->any_fatal) {
		vs_load_resolve(ld);
		vs_model_finish(ld->model, ld->diags);
	}
	errors = ld->diags->errors - ld->errors_before;
	if (errors == 0)
		return g_steal_pointer(&ld->model);
	g_set_error(error, VS_LOAD_ERROR,
		    ld->limit_hit ? VS_LOAD_ERROR_LIMIT : VS_LOAD_ERROR_INVALID, "%s: %u error%s",
		    name, errors, errors == 1 ? "" : "s");
	return NULL;
}

VsModel *
vs_load_data(const char *data, gsize length, const char *name, VsDiagList *diags, GError **error)
{
	g_autoptr(Loader) ld = NULL;

	g_return_val_if_fail(data != NULL || length == 0, NULL);
	g_return_val_if_fail(name != NULL && diags != NULL, NULL);
	ld = loader_new(diags);
	if (length > VS_LOAD_MAX_FILE_SIZE) {
		ld->file = vs_model_intern_file(ld->model, name);
		fatal_error(ld, 0, 0, TRUE, "the file is larger than %u MiB, the limit",
			    VS_LOAD_MAX_FILE_SIZE / (1024 * 1024));
	} else {
		ld->total_bytes = length;
		g_ptr_array_add(ld->file_stack_names, g_strdup(name));
		/* data has no file identity: a cycle back to it is caught by the depth limit */
		{
			FileId none = {(dev_t)-1, (ino_t)-1};

			g_array_append_val(ld->file_stack, none);
		}
		load_text(ld, data ? data : "", length, name);
	}
	return finish(ld, name, error);
}

VsModel *
vs_load_file(const char *path, VsDiagList *diags, GError **error)
{
	g_autoptr(Loader) ld = NULL;
	g_autofree char *data = NULL;
	gsize length = 0;
	FileId id;
	gboolean limit;

	g_return_val_if_fail(path != NULL && diags != NULL, NULL);
	if (!read_file(path, &data, &length, &id, &limit, error))
		return NULL;
	ld = loader_new(diags);
	ld->total_bytes = length;
	g_array_append_val(ld->file_stack, id);
	g_array_append_val(ld->files_read, id);
	g_ptr_array_add(ld->file_stack_names, g_strdup(path));
	load_text(ld, data, length, path);
	return finish(ld, path, error);
}
