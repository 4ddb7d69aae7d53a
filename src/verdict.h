/*
 * verdict.h - the verdict of one flow, as matrix and diff report it: Reachable,
 * or Unreachable and what decided it (the first Error issue on the walked
 * path: a security rule, a route, a firewall rule, a platform setting).
 *
 * A verdict is computed for one representative pair of VMs and then stands
 * for every pair of their classes (classes.h).  What decided it is either a
 * model object shared by the whole class (an NSG rule, a route) or a property
 * of the source or destination VM itself (a closed port, its guest firewall):
 * for those the verdict records the party, and vs_verdict_decided_by() names
 * the member VM of each pair, not the representative.
 */
#ifndef VS_VERDICT_H
#define VS_VERDICT_H

#include <glib.h>

#include "model.h"
#include "trace.h"
#include "walk.h"

/* The source port matrix and diff send from: check's default. */
#define VS_VERDICT_SOURCE_PORT 50000

typedef enum {
	VS_PARTY_NONE,        /* a model object or a VM on the path decided */
	VS_PARTY_SOURCE,      /* the source VM itself decided */
	VS_PARTY_DESTINATION, /* the destination VM itself decided */
} VsParty;

typedef struct {
	gboolean reachable;
	/* the rest only when !reachable */
	VsIssueType type;
	char *name;     /* UserRule_x / route name / firewall rule name / what failed */
	char *resource; /* NSG, route table, "System Route", VNet, subnet; NULL for a party */
	VsPos pos;      /* pos.file NULL when no model line is to blame */
	VsParty party;
	gint firewall_rule; /* with a party: the index of the rule in its guest firewall, or -1 */
} VsVerdict;

void vs_verdict_free(VsVerdict *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsVerdict, vs_verdict_free)

/*
 * The verdict of a walked trace.  source and destination are the NICs of the
 * representative pair (destination NULL for the internet), so that issues on
 * their hops are recorded by party.
 */
VsVerdict *vs_verdict_from_trace(const VsTrace *trace, const VsNic *source,
				 const VsNic *destination);

/*
 * Walks one flow (source port VS_VERDICT_SOURCE_PORT; port ignored for icmp)
 * from source to the address destination_ip, which is destination's address
 * or, with destination NULL, an internet address.
 */
VsVerdict *vs_verdict_walk(const VsEngine *engine, const VsNic *source, const VsNic *destination,
			   VsIp4 destination_ip, VsProtocol protocol, guint16 port);

/* TRUE when a and b say the same: status, and for Unreachable the same decision. */
gboolean vs_verdict_equal(const VsVerdict *a, const VsVerdict *b);

/* What decided a verdict for one pair of VMs: borrowed strings. */
typedef struct {
	const char *type; /* "NetworkSecurityRule", "UserDefinedRoute", ... */
	const char *name;
	const char *resource;
	const char *file; /* NULL when no model line is to blame */
	guint line;
} VsDecidedBy;

/*
 * Fills out for the pair (source VM, destination VM or NULL for the
 * internet); FALSE (out untouched) when the verdict is Reachable.
 */
gboolean vs_verdict_decided_by(const VsVerdict *verdict, const VsVm *source,
			       const VsVm *destination, VsDecidedBy *out);

#endif
