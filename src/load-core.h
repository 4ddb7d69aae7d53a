/*
 * load-core.h - the loader's machinery, shared by its modules: the Loader
 * state, object paths and deferred diagnostics, reading events, and the two
 * generic readers every section uses, vs_load_parse_map() (a mapping checked
 * against a table of its keys) and vs_load_parse_list().  load.c drives the
 * files; load-vnet.c, load-nsg.c, load-route.c, load-vm.c and
 * load-settings.c read the sections (load-sections.h); load-value.c reads
 * scalar values (load-value.h); load-check.c resolves references once every
 * file is read.  Not for use outside the loader.
 *
 * DOC: object paths and deferred diagnostics.  A diagnostic names the object
 * it is about, as a path such as networkSecurityGroups[nsg-web].securityRules
 * [allow-https].priority.  The rule, documented for the man page: a list item
 * is shown by its name when it has a `name` key holding a valid name (for
 * applicationSecurityGroups, the name itself; for serviceTags and regionPairs,
 * the map key), and by its 0-based index otherwise.  Because the name key may
 * come after the offending key in the mapping, diagnostics raised inside a
 * top-level list item are kept pending, with a snapshot of the path segments,
 * until the item ends; then the names are known and the paths are formatted.
 * A Where is such a snapshot kept for later (a reference to resolve, an
 * address to check once the subnet is known): its path is formatted at the
 * same flush and kept as a string.
 */
#ifndef VS_LOAD_CORE_H
#define VS_LOAD_CORE_H

#include <glib.h>
#include <sys/types.h>

#include "diag.h"
#include "model.h"
#include "ycur.h"

/* Limits, documented in vnetsim-model(5). */
#define VS_LOAD_MAX_FILE_SIZE (64u * 1024 * 1024) /* bytes per file, and in all files */
#define VS_LOAD_MAX_OBJECTS 200000                /* objects of one kind in the model */
#define VS_LOAD_MAX_INCLUDE_DEPTH 16
#define VS_LOAD_MAX_FILES 256
#define VS_LOAD_MAX_DESCRIPTION 140 /* characters, as Azure */

/* In a pending message, stands for the innermost list item ("securityRule 'x'"). */
#define OBJ "\x01"

typedef struct Loader Loader;

/* A place in the input for a diagnostic raised later. */
typedef struct {
	VsPos pos;
	GArray *segs; /* path segments until the next flush, then NULL */
	char *path;   /* the formatted path, after the flush */
} Where;

typedef enum {
	REF_SUBNET_NSG,         /* target: VsSubnet* */
	REF_SUBNET_ROUTE_TABLE, /* target: VsSubnet* */
	REF_PEERING_REMOTE,     /* target: VsPeering*, owner: its VsVnet* */
	REF_NIC_SUBNET,         /* target: VsNic*, aux: Where of privateIpAddress or NULL */
	REF_NIC_NSG,            /* target: VsNic* */
	REF_NIC_ASG,            /* target: VsNic* */
	REF_RULE_ASG,           /* target: VsAddressMatch* */
	REF_RULE_TAG,           /* target: VsAddressMatch* */
	REF_ROUTE_TAG,          /* target: VsRoute*, in its table */
} RefKind;

/* A name to resolve once every file is read. */
typedef struct {
	RefKind kind;
	char *name;
	Where *where; /* borrowed from the loader */
	gpointer target;
	gpointer owner;
	Where *aux; /* borrowed, may be NULL */
} Ref;

/* A file's identity, to find include cycles and files read twice. */
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

	/* path segments and deferred diagnostics (above) */
	GArray *stack;        /* Seg */
	GArray *items;        /* Item, since the last flush */
	GString *item_names;  /* their names, each NUL-terminated, since the last flush */
	guint open_items;     /* item segments on the stack */
	GPtrArray *pending;   /* Pending*, since the last flush */
	GPtrArray *wheres;    /* Where*, owned, all of them but the local ones */
	GPtrArray *unflushed; /* Where*, borrowed, not formatted yet */
	GPtrArray *local;     /* Where*, owned: vs_load_where_local()'s, until the flush */

	GPtrArray *refs;    /* Ref*, owned */
	GPtrArray *discard; /* objects not added to the model (invalid or duplicate) */
	guint counts[N_KINDS];
	VsPos once[N_ONCE];         /* where each one-file setting was set; line 0 = not yet */
	GHashTable *dns_names;      /* char* (borrowed) -> VsDnsRecord* */
	GHashTable *endpoint_names; /* char* (borrowed) -> VsInternetEndpoint* */
	GHashTable *port_lists;     /* GArray* of VsPortRange, owned: vs_load_share_ports() */
	GArray *scratch_ports;      /* VsPortRange, reused by readers of port lists */
	GHashTable *prefix_lists;   /* GArray* of VsPrefix, owned: vs_load_share_prefixes() */
	GArray *scratch_prefixes;   /* VsPrefix, reused by readers of a rule's addresses */
	GString *scratch_text;      /* reused by readers of a rule's addresses */

	/* the per-NSG checks of security rules (load-nsg.c), made with one set of
	 * tables for the whole load whose entries count only for the NSG of their
	 * generation: tables made and grown per NSG cost more than the rules */
	guint nsg_generation;
	GHashTable *rule_names; /* char* (borrowed) -> generation << 32 | line of the first */
	guint64 *priority_last; /* [direction][priority]: generation << 32 | 1 + use index */
	GArray *priority_uses;  /* load-nsg.c's PriorityUse, of the current NSG */

	/* includes */
	GArray *file_stack; /* FileId of the files being read, root first */
	GPtrArray *file_stack_names;
	GArray *files_read; /* FileId */
	guint include_depth;
	gsize total_bytes;
};

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

typedef void (*ItemFunc)(Loader *ld, void *parent, const VsYcurEvent *event);

/* ---------------------------------------------------------------- the loader */

/* A loader that appends to diags (not NULL) and owns a new, empty model. */
Loader *vs_load_loader_new(VsDiagList *diags);
/* Frees the loader, its model if not taken, and the objects kept aside. */
void vs_load_loader_free(Loader *ld);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Loader, vs_load_loader_free)

/* The model being built (owned by the loader until taken). */
VsModel *vs_load_model(Loader *ld);
/* The references recorded so far (Ref*, owned by the loader). */
GPtrArray *vs_load_refs(Loader *ld);

/* Keeps an object that is not in the model alive until the load ends, so that
 * references recorded into it stay valid. */
void vs_load_discard(Loader *ld, gpointer object, GDestroyNotify free_func);

/* ---------------------------------------------------------------- paths and diagnostics */

/* Path segments: a key, or a list item (index, kind for messages). */
void vs_load_push_key(Loader *ld, const char *key);
void vs_load_push_item(Loader *ld, guint index, const char *kind);
/* Pops the innermost segment; leaving the outermost item formats what is pending. */
void vs_load_pop(Loader *ld);
/* Names the innermost list item in paths and messages. */
void vs_load_set_item_name(Loader *ld, const char *name);
/* Formats every pending diagnostic and Where now that the item names are known. */
void vs_load_flush(Loader *ld);

/* The position of event in the file being read. */
VsPos vs_load_pos(Loader *ld, const VsYcurEvent *event);
/* An error at event, at the current path. */
void vs_load_error_event(Loader *ld, const VsYcurEvent *event, const char *code, const char *format,
			 ...) G_GNUC_PRINTF(4, 5);
/* An error at a position that is not an event (a mapping's start, say). */
void vs_load_error_pos(Loader *ld, VsPos pos, const char *code, const char *format, ...)
	G_GNUC_PRINTF(4, 5);
/* Adds an error at a Where (formatted or not yet). */
void vs_load_error_at(Loader *ld, const Where *where, const char *code, const char *format, ...)
	G_GNUC_PRINTF(4, 5);
/* A fatal error: the current file is not read further; limit says it was a resource limit. */
void vs_load_fatal(Loader *ld, guint line, guint column, gboolean limit, const char *format, ...)
	G_GNUC_PRINTF(5, 6);

/* A Where for event at the current path, owned by the loader. */
Where *vs_load_where_here(Loader *ld, const VsYcurEvent *event);
/*
 * A Where for pos at the current path, then key unless NULL, that lives only
 * until the current
 * top-level list item ends (the next flush), for checks the item makes before
 * it ends (duplicate priorities, overlapping prefixes).  Never formatted
 * unless an error is raised at it: a model has one per rule, so these must
 * cost nothing that outlives their item.
 */
Where *vs_load_where_local(Loader *ld, const char *key, VsPos pos);
/* Records a reference to resolve later, at a Where of the caller's. */
void vs_load_add_ref_at(Loader *ld, RefKind kind, const char *name, Where *where, gpointer target,
			Where *aux);
/* A Where for pos at the current path and then key (a key already read). */
Where *vs_load_where_key(Loader *ld, const char *key, VsPos pos);
/* Records a reference named by the scalar event, to resolve once every file is read. */
void vs_load_add_ref(Loader *ld, RefKind kind, const VsYcurEvent *event, gpointer target,
		     gpointer owner, Where *aux);

/* "duplicate KIND name 'NAME' (first defined at FILE:LINE:COL)", at pos. */
void vs_load_error_duplicate(Loader *ld, VsPos pos, const char *kind, const char *name,
			     VsPos first);
/*
 * Names unique within one parent (rules of an NSG, routes of a table): TRUE
 * and name recorded in names (borrowed, with its line) when it is new; else an
 * error at name_pos, "duplicate KIND name 'NAME'SCOPE (first at line N)".
 */
gboolean vs_load_unique_name(Loader *ld, GHashTable *names, char *name, guint line, VsPos name_pos,
			     const char *kind, const char *scope);

/*
 * A reference to an array of VsPortRange equal to ports (borrowed, unchanged),
 * shared with every other object given the same list: a model repeats a few
 * port lists ("*", "443") across thousands of rules and VMs, and an array per
 * object cost more than the rules themselves.  The model's objects only read
 * their port arrays and free them with g_array_unref(), so sharing is safe.
 */
GArray *vs_load_share_ports(Loader *ld, GArray *ports);
/* The same for an array of VsPrefix (security rules' addresses). */
GArray *vs_load_share_prefixes(Loader *ld, GArray *prefixes);

/* ---------------------------------------------------------------- events */

/* The next event; FALSE after a fatal error (reported) or once the file is fatal. */
gboolean vs_load_next(Loader *ld, VsYcurEvent *event);
/* Consumes the rest of the node that first started (nothing for a scalar). */
void vs_load_skip(Loader *ld, const VsYcurEvent *first);
/* A plain null scalar: empty, ~, null, Null or NULL. */
gboolean vs_load_is_null(const VsYcurEvent *event);
/* "a list", "a mapping", "nothing (null)", "'text'" (shortened): what was found. */
char *vs_load_describe(const VsYcurEvent *event);
/* Reports what was expected instead of event, and skips it. */
void vs_load_type_error(Loader *ld, const VsYcurEvent *event, const char *expected);
/* The scalar text of event, or NULL (after an error) when it is not a non-null scalar. */
const char *vs_load_scalar(Loader *ld, const VsYcurEvent *event, const char *expected);

/* ---------------------------------------------------------------- mappings and lists */

/*
 * Reads a mapping that starts with event, calling the handler of each key with
 * the value's first event.  Returns FALSE (after an error) if event is not a
 * mapping, or the file became unreadable; missing required keys are reported
 * at the mapping's start.
 */
gboolean vs_load_parse_map(Loader *ld, const MapDef *def, void *state, MapState *map,
			   const VsYcurEvent *event);
/* TRUE if map saw key (one of def's); its position into pos when not NULL. */
gboolean vs_load_map_has(const MapDef *def, const MapState *map, const char *key, VsPos *pos);
/*
 * Reads a list that starts with event, calling item for each element (with
 * the path showing the element).  Null is an empty list.  kind names the
 * elements in paths and messages; counter, unless KIND_OTHER, caps them.
 */
void vs_load_parse_list(Loader *ld, const VsYcurEvent *event, const char *what, const char *kind,
			Kind counter, ItemFunc item, void *parent);

/* load-check.c: resolves every reference and runs the whole-model checks. */
void vs_load_resolve(Loader *ld);
/*
 * Resolves a reference of a kind that needs no other check (an NSG, a route
 * table, a service tag, an ASG of a list none of whose earlier names is left
 * for later) when its target is already in the model: TRUE then, and nothing
 * needs to be kept for later.  Objects are never removed from the
 * model, so this finds what the final resolution would.
 */
gboolean vs_load_resolve_early(Loader *ld, RefKind kind, const char *name, gpointer target);
/* What is wrong with nic's private address in subnet: a message (owned) with its
 * code, or NULL when nothing is. */
char *vs_load_nic_address_problem(const VsNic *nic, const VsSubnet *subnet, const char **code);

/* Azure's reserved five of a subnet: TRUE if ip is one of them. */
gboolean vs_load_ip_is_reserved(VsPrefix subnet, VsIp4 ip);

#endif
