/*
 * load-core.c - the loader's machinery (load-core.h): the Loader state, path
 * segments and the deferred diagnostics that name objects by their paths,
 * reading events with fatal errors, and the generic mapping and list readers
 * every section of the model file goes through.
 *
 * DOC: how the loader reads.  It walks the event stream of ycur.c (never a
 * document tree) with one recursive-descent function per object kind.  Each
 * mapping kind has a table of its keys (name -> handler, required or not); the
 * one generic vs_load_parse_map() looks keys up there, rejects unknown and
 * duplicate keys, hands each value's first event to the handler and finally
 * reports the required keys that were missing.  Lists go through
 * vs_load_parse_list(), which also caps the number of objects per kind.
 */
#include "config.h"

#include "load-core.h"

#include <string.h>

typedef struct {
	const char *key; /* a key segment (a static string), or NULL for a list item */
	guint item;      /* index into Loader.items for a list item */
} Seg;

typedef struct {
	guint index;
	const char *kind; /* "securityRule", for messages */
	gssize name;      /* offset in Loader.item_names once its name is read and valid, or -1 */
} Item;

/* The name of item, or NULL. */
static const char *
item_name(const Loader *ld, const Item *item)
{
	return item->name >= 0 ? ld->item_names->str + item->name : NULL;
}

typedef struct {
	Where where;
	const char *code;
	char *message;
	gint object; /* Loader.items index described at OBJ, or -1 */
} Pending;

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
void
vs_load_discard(Loader *ld, gpointer object, GDestroyNotify free_func)
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

			char index[16];

			/* appends rather than printf: this runs for every Where kept */
			g_string_append_c(out, '[');
			if (item->name >= 0) {
				g_string_append(out, item_name(ld, item));
			} else {
				g_snprintf(index, sizeof(index), "%u", item->index);
				g_string_append(out, index);
			}
			g_string_append_c(out, ']');
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
void
vs_load_flush(Loader *ld)
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

			g_autofree char *label = item == NULL ? g_strdup("")
						 : item->name < 0
							 ? g_strdup(item->kind)
							 : g_strdup_printf("%s '%s'", item->kind,
									   item_name(ld, item));

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
	g_ptr_array_set_size(ld->local, 0);
	g_array_set_size(ld->items, 0);
	g_string_truncate(ld->item_names, 0);
}

void
vs_load_push_key(Loader *ld, const char *key)
{
	Seg seg = {key, 0};

	g_array_append_val(ld->stack, seg);
}

void
vs_load_pop(Loader *ld)
{
	const Seg *top = &g_array_index(ld->stack, Seg, ld->stack->len - 1);
	gboolean was_item = top->key == NULL;

	g_array_set_size(ld->stack, ld->stack->len - 1);
	if (was_item && --ld->open_items == 0)
		vs_load_flush(ld);
}

void
vs_load_push_item(Loader *ld, guint index, const char *kind)
{
	Item item = {index, kind, -1};
	Seg seg = {NULL, ld->items->len};

	g_array_append_val(ld->items, item);
	g_array_append_val(ld->stack, seg);
	ld->open_items++;
}

/* Names the innermost list item in paths and messages. */
void
vs_load_set_item_name(Loader *ld, const char *name)
{
	gint item = innermost_item(ld);

	if (item >= 0) {
		Item *it = &g_array_index(ld->items, Item, item);

		/* appended, not copied each on its own: item names are many and short-lived */
		it->name = (gssize)ld->item_names->len;
		g_string_append_len(ld->item_names, name, (gssize)strlen(name) + 1);
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

VsPos
vs_load_pos(Loader *ld, const VsYcurEvent *event)
{
	return (VsPos){ld->file, event->line, event->column};
}

/* An error at the current path. */
void
vs_load_error_event(Loader *ld, const VsYcurEvent *event, const char *code, const char *format, ...)
{
	va_list args;

	if (diags_full(ld))
		return;
	va_start(args, format);
	add_pending(ld, vs_load_pos(ld, event), copy_stack(ld), innermost_item(ld), code,
		    g_strdup_vprintf(format, args));
	va_end(args);
}

/* An error at a position that is not an event (a mapping's start, say). */
void
vs_load_error_pos(Loader *ld, VsPos pos, const char *code, const char *format, ...)
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

void
vs_load_error_duplicate(Loader *ld, VsPos pos, const char *kind, const char *name, VsPos first)
{
	vs_load_error_pos(ld, pos, "duplicate-name",
			  "duplicate %s name '%s' (first defined at %s:%u:%u)", kind, name,
			  first.file, first.line, first.column);
}

gboolean
vs_load_unique_name(Loader *ld, GHashTable *names, char *name, guint line, VsPos name_pos,
		    const char *kind, const char *scope)
{
	gpointer first;

	if (g_hash_table_lookup_extended(names, name, NULL, &first)) {
		vs_load_error_pos(ld, name_pos, "duplicate-name",
				  "duplicate %s name '%s'%s (first at line %u)", kind, name, scope,
				  GPOINTER_TO_UINT(first));
		return FALSE;
	}
	g_hash_table_insert(names, name, GUINT_TO_POINTER(line));
	return TRUE;
}

Where *
vs_load_where_local(Loader *ld, const char *key, VsPos pos)
{
	Where *where = g_new0(Where, 1);

	if (key != NULL)
		vs_load_push_key(ld, key);
	where->pos = pos;
	where->segs = copy_stack(ld);
	if (key != NULL)
		vs_load_pop(ld);
	g_ptr_array_add(ld->local, where);
	return where;
}

Where *
vs_load_where_here(Loader *ld, const VsYcurEvent *event)
{
	Where *where = g_new0(Where, 1);

	where->pos = vs_load_pos(ld, event);
	where->segs = copy_stack(ld);
	g_ptr_array_add(ld->wheres, where);
	g_ptr_array_add(ld->unflushed, where);
	return where;
}

void
vs_load_add_ref_at(Loader *ld, RefKind kind, const char *name, Where *where, gpointer target,
		   Where *aux)
{
	Ref *ref = g_new0(Ref, 1);

	ref->kind = kind;
	ref->name = g_strdup(name);
	ref->where = where;
	ref->target = target;
	ref->aux = aux;
	g_ptr_array_add(ld->refs, ref);
}

Where *
vs_load_where_key(Loader *ld, const char *key, VsPos pos)
{
	Where *where = g_new0(Where, 1);

	vs_load_push_key(ld, key);
	where->pos = pos;
	where->segs = copy_stack(ld);
	vs_load_pop(ld);
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

void
vs_load_add_ref(Loader *ld, RefKind kind, const VsYcurEvent *event, gpointer target, gpointer owner,
		Where *aux)
{
	Ref *ref;

	/* most references name an object already read: resolved now, nothing is kept */
	if (vs_load_resolve_early(ld, kind, event->value, target))
		return;
	ref = g_new0(Ref, 1);
	ref->kind = kind;
	ref->name = g_strndup(event->value, event->length);
	ref->where = vs_load_where_here(ld, event);
	ref->target = target;
	ref->owner = owner;
	ref->aux = aux;
	g_ptr_array_add(ld->refs, ref);
}

/* ---------------------------------------------------------------- events */

/* A fatal error: the current file is not read further. */
void
vs_load_fatal(Loader *ld, guint line, guint column, gboolean limit, const char *format, ...)
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

gboolean
vs_load_next(Loader *ld, VsYcurEvent *event)
{
	g_autoptr(GError) error = NULL;

	if (ld->fatal)
		return FALSE;
	if (vs_ycur_next(ld->cur, event, &error))
		return TRUE;
	vs_load_fatal(ld, event->line, event->column,
		      g_error_matches(error, VS_YCUR_ERROR, VS_YCUR_ERROR_LIMIT), "%s",
		      error->message);
	return FALSE;
}

/* Consumes the rest of the node that first started (nothing for a scalar). */
void
vs_load_skip(Loader *ld, const VsYcurEvent *first)
{
	VsYcurEvent event;
	guint outer;

	if (first->kind != VS_YCUR_MAPPING_START && first->kind != VS_YCUR_SEQUENCE_START)
		return;
	outer = vs_ycur_depth(ld->cur) - 1;
	while (vs_ycur_depth(ld->cur) > outer && vs_load_next(ld, &event))
		;
}

gboolean
vs_load_is_null(const VsYcurEvent *event)
{
	if (event->kind != VS_YCUR_SCALAR || !event->plain)
		return FALSE;
	/* by length first: every scalar of the file is asked */
	if (event->length == 0)
		return TRUE;
	if (event->length == 1)
		return event->value[0] == '~';
	return event->length == 4 &&
	       (strcmp(event->value, "null") == 0 || strcmp(event->value, "Null") == 0 ||
		strcmp(event->value, "NULL") == 0);
}

/* "a list", "a mapping", "null", "'text'" (shortened): what was found instead. */
char *
vs_load_describe(const VsYcurEvent *event)
{
	if (event->kind == VS_YCUR_SEQUENCE_START)
		return g_strdup("a list");
	if (event->kind == VS_YCUR_MAPPING_START)
		return g_strdup("a mapping");
	if (vs_load_is_null(event))
		return g_strdup("nothing (null)");
	if (event->length > 40)
		return g_strdup_printf("'%.37s...'", event->value);
	return g_strdup_printf("'%s'", event->value);
}

/* Reports what was expected instead of event, and skips it. */
void
vs_load_type_error(Loader *ld, const VsYcurEvent *event, const char *expected)
{
	g_autofree char *got = vs_load_describe(event);

	vs_load_error_event(ld, event, "type", "expected %s, got %s", expected, got);
	vs_load_skip(ld, event);
}

/* The scalar text of event, or NULL (after an error) when it is not a scalar. */
const char *
vs_load_scalar(Loader *ld, const VsYcurEvent *event, const char *expected)
{
	if (event->kind != VS_YCUR_SCALAR || vs_load_is_null(event)) {
		vs_load_type_error(ld, event, expected);
		return NULL;
	}
	return event->value;
}

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

/* The index of key in def, trying guess first: files tend to give keys in the table's order. */
static gint
find_key_from(const MapDef *def, const char *key, guint guess)
{
	if (guess < def->n_keys && strcmp(def->keys[guess].key, key) == 0)
		return (gint)guess;
	for (guint i = 0; i < def->n_keys; i++)
		if (strcmp(def->keys[i].key, key) == 0)
			return (gint)i;
	return -1;
}

static gint
find_key(const MapDef *def, const char *key)
{
	for (guint i = 0; i < def->n_keys; i++)
		if (strcmp(def->keys[i].key, key) == 0)
			return (gint)i;
	return -1;
}

gboolean
vs_load_map_has(const MapDef *def, const MapState *map, const char *key, VsPos *pos)
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
gboolean
vs_load_parse_map(Loader *ld, const MapDef *def, void *state, MapState *map,
		  const VsYcurEvent *event)
{
	VsYcurEvent key, value;
	guint guess = 0;

	map->seen = 0;
	map->start = vs_load_pos(ld, event);
	if (event->kind != VS_YCUR_MAPPING_START) {
		g_autofree char *expected = g_strdup_printf("a mapping (%s)", def->kind);

		vs_load_type_error(ld, event, expected);
		return FALSE;
	}
	while (vs_load_next(ld, &key) && key.kind != VS_YCUR_MAPPING_END) {
		gint i;

		if (key.kind != VS_YCUR_SCALAR) {
			vs_load_type_error(ld, &key, "a key");
			if (vs_load_next(ld, &value))
				vs_load_skip(ld, &value);
			continue;
		}
		i = find_key_from(def, key.value, guess);
		if (i >= 0)
			guess = (guint)i + 1;
		if (i < 0) {
			g_autofree char *keys = expected_keys(def);
			const char *hint = strcmp(key.value, "<<") == 0
						   ? " (YAML merge keys are not supported)"
						   : "";

			vs_load_error_event(ld, &key, "unknown-key",
					    "unknown key '%s' in %s%s; expected one of: %s",
					    key.value, object_label(def), hint, keys);
		} else if (map->seen & (1u << i)) {
			vs_load_error_event(
				ld, &key, "duplicate-key",
				"duplicate key '%s' in %s (first given at line %u, column %u)",
				key.value, object_label(def), map->key_pos[i].line,
				map->key_pos[i].column);
			i = -1;
		} else {
			map->seen |= 1u << i;
			map->key_pos[i] = vs_load_pos(ld, &key);
		}
		if (!vs_load_next(ld, &value))
			break;
		if (i < 0) {
			vs_load_skip(ld, &value);
			continue;
		}
		vs_load_push_key(ld, def->keys[i].key);
		def->keys[i].handle(ld, state, &value);
		vs_load_pop(ld);
	}
	if (ld->fatal)
		return FALSE;
	for (guint i = 0; i < def->n_keys; i++)
		if (def->keys[i].required && !(map->seen & (1u << i)))
			vs_load_error_pos(ld, map->start, "missing-key",
					  "missing required key '%s' in %s", def->keys[i].key,
					  object_label(def));
	return TRUE;
}

typedef void (*ItemFunc)(Loader *ld, void *parent, const VsYcurEvent *event);

/*
 * Reads a list that starts with event, calling item for each element (with
 * the path showing the element).  Null is an empty list.  kind names the
 * elements in paths and messages; counter, when not NULL, caps them.
 */
void
vs_load_parse_list(Loader *ld, const VsYcurEvent *event, const char *what, const char *kind,
		   Kind counter, ItemFunc item, void *parent)
{
	VsYcurEvent element;
	guint index = 0;

	if (vs_load_is_null(event))
		return;
	if (event->kind != VS_YCUR_SEQUENCE_START) {
		vs_load_type_error(ld, event, what);
		return;
	}
	while (vs_load_next(ld, &element) && element.kind != VS_YCUR_SEQUENCE_END) {
		if (counter != KIND_OTHER && ++ld->counts[counter] > VS_LOAD_MAX_OBJECTS) {
			vs_load_fatal(ld, element.line, element.column, TRUE,
				      "more than %u %ss in the model; that is the limit",
				      VS_LOAD_MAX_OBJECTS, kind);
			return;
		}
		vs_load_push_item(ld, index++, kind);
		item(ld, parent, &element);
		vs_load_pop(ld);
	}
}

/* ---------------------------------------------------------------- shared lists */

/*
 * The hash and equality of one kind of list, element by element over two fields
 * (FNV-1a): port ranges by lo and hi, prefixes by address and length.  Fields,
 * not bytes: a VsPrefix has padding nobody sets.
 */
#define LIST_HASH_AND_EQUAL(kind, Type, first, second)                                             \
	static guint kind##_hash(gconstpointer key)                                                \
	{                                                                                          \
		const GArray *list = key;                                                          \
		guint hash = 2166136261u;                                                          \
                                                                                                   \
		for (guint i = 0; i < list->len; i++) {                                            \
			const Type *element = &g_array_index(list, Type, i);                       \
                                                                                                   \
			hash = (hash ^ element->first) * 16777619u;                                \
			hash = (hash ^ element->second) * 16777619u;                               \
		}                                                                                  \
		return hash ^ list->len;                                                           \
	}                                                                                          \
                                                                                                   \
	static gboolean kind##_equal(gconstpointer a, gconstpointer b)                             \
	{                                                                                          \
		const GArray *x = a, *y = b;                                                       \
                                                                                                   \
		if (x->len != y->len)                                                              \
			return FALSE;                                                              \
		for (guint i = 0; i < x->len; i++) {                                               \
			const Type *p = &g_array_index(x, Type, i),                                \
				   *q = &g_array_index(y, Type, i);                                \
                                                                                                   \
			if (p->first != q->first || p->second != q->second)                        \
				return FALSE;                                                      \
		}                                                                                  \
		return TRUE;                                                                       \
	}

LIST_HASH_AND_EQUAL(ports, VsPortRange, lo, hi)
LIST_HASH_AND_EQUAL(prefixes, VsPrefix, addr, len)

static GArray *share(GHashTable *lists, GArray *array);

GArray *
vs_load_share_ports(Loader *ld, GArray *ports)
{
	return share(ld->port_lists, ports);
}

static GArray *
share(GHashTable *lists, GArray *array)
{
	GArray *shared = g_hash_table_lookup(lists, array);

	if (shared == NULL) {
		guint size = g_array_get_element_size(array);

		shared = g_array_sized_new(FALSE, FALSE, size, array->len);
		g_array_append_vals(shared, array->data, array->len);
		g_hash_table_add(lists, shared);
	}
	return g_array_ref(shared);
}

GArray *
vs_load_share_prefixes(Loader *ld, GArray *prefixes)
{
	return share(ld->prefix_lists, prefixes);
}

/* ---------------------------------------------------------------- the loader */

Loader *
vs_load_loader_new(VsDiagList *diags)
{
	Loader *ld = g_new0(Loader, 1);

	ld->model = vs_model_new();
	ld->diags = diags;
	ld->errors_before = diags->errors;
	ld->is_root = TRUE;
	ld->stack = g_array_new(FALSE, FALSE, sizeof(Seg));
	ld->items = g_array_new(FALSE, FALSE, sizeof(Item));
	ld->item_names = g_string_new(NULL);
	ld->pending = g_ptr_array_new_with_free_func((GDestroyNotify)pending_free);
	ld->wheres = g_ptr_array_new_with_free_func((GDestroyNotify)where_free);
	ld->unflushed = g_ptr_array_new();
	ld->local = g_ptr_array_new_with_free_func((GDestroyNotify)where_free);
	ld->refs = g_ptr_array_new_with_free_func((GDestroyNotify)ref_free);
	ld->discard = g_ptr_array_new_with_free_func((GDestroyNotify)discarded_free);
	ld->dns_names = g_hash_table_new(g_str_hash, g_str_equal);
	ld->endpoint_names = g_hash_table_new(g_str_hash, g_str_equal);
	ld->port_lists =
		g_hash_table_new_full(ports_hash, ports_equal, (GDestroyNotify)g_array_unref, NULL);
	ld->scratch_ports = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
	ld->prefix_lists = g_hash_table_new_full(prefixes_hash, prefixes_equal,
						 (GDestroyNotify)g_array_unref, NULL);
	ld->scratch_prefixes = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	ld->scratch_text = g_string_new(NULL);
	ld->file_stack = g_array_new(FALSE, FALSE, sizeof(FileId));
	ld->file_stack_names = g_ptr_array_new_with_free_func(g_free);
	ld->files_read = g_array_new(FALSE, FALSE, sizeof(FileId));
	return ld;
}

void
vs_load_loader_free(Loader *ld)
{
	if (ld == NULL)
		return;
	vs_load_flush(ld);
	vs_ycur_free(ld->cur);
	g_array_unref(ld->stack);
	g_array_unref(ld->items);
	g_string_free(ld->item_names, TRUE);
	g_ptr_array_unref(ld->pending);
	g_ptr_array_unref(ld->unflushed);
	g_ptr_array_unref(ld->local);
	g_ptr_array_unref(ld->refs);
	g_ptr_array_unref(ld->wheres);
	g_hash_table_unref(ld->dns_names);
	g_hash_table_unref(ld->endpoint_names);
	g_hash_table_unref(ld->port_lists);
	g_array_unref(ld->scratch_ports);
	g_hash_table_unref(ld->prefix_lists);
	g_array_unref(ld->scratch_prefixes);
	g_string_free(ld->scratch_text, TRUE);
	g_clear_pointer(&ld->rule_names, g_hash_table_unref);
	g_free(ld->priority_last);
	g_clear_pointer(&ld->priority_uses, g_array_unref);
	g_array_unref(ld->file_stack);
	g_ptr_array_unref(ld->file_stack_names);
	g_array_unref(ld->files_read);
	/* the model before the discarded objects: model objects may point at them */
	vs_model_free(ld->model);
	g_ptr_array_unref(ld->discard);
	g_free(ld);
}
