/*
 * load-private.h - what the two halves of the loader share: load.c reads the
 * YAML into model objects, load-check.c resolves the references between them
 * and runs the checks that need the whole model (subnets inside their VNet,
 * overlaps, NIC addresses).  Not for use outside the loader.
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
#ifndef VS_LOAD_PRIVATE_H
#define VS_LOAD_PRIVATE_H

#include <glib.h>

#include "diag.h"
#include "model.h"

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

/* Adds an error at a Where (formatted or not yet). */
void vs_load_error_at(Loader *ld, const Where *where, const char *code, const char *format, ...)
	G_GNUC_PRINTF(4, 5);

VsModel *vs_load_model(Loader *ld);
GPtrArray *vs_load_refs(Loader *ld);

/* load-check.c: resolves every reference and runs the whole-model checks. */
void vs_load_resolve(Loader *ld);

/* Azure's reserved five of a subnet: TRUE if ip is one of them. */
gboolean vs_load_ip_is_reserved(VsPrefix subnet, VsIp4 ip);

#endif
