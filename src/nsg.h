/*
 * nsg.h - the security rules engine: which rule decides a packet at a NIC.
 *
 * Evaluation follows Azure (see nsg.c's opening essay): the rules of one
 * direction in priority order, first match wins, the six default rules always
 * present; at a NIC the subnet NSG and the NIC NSG are combined (inbound:
 * subnet then NIC; outbound: NIC then subnet; a deny ends evaluation; a level
 * without an NSG allows everything).  Service tags are expanded per NIC
 * subnet, because VirtualNetwork depends on the subnet's VNet, its connected
 * peers and its route table.
 *
 * Engines never print: results are values that name the deciding rule.
 */
#ifndef VS_NSG_H
#define VS_NSG_H

#include <glib.h>

#include "addr.h"
#include "model.h"

/* The 5-tuple a rule is matched against.  For ICMP/ESP/AH the ports are ignored. */
typedef struct {
	VsIp4 source;
	VsIp4 destination;
	VsProtocol protocol; /* never VS_PROTO_ANY */
	guint16 source_port;
	guint16 destination_port;
} VsPacket;

/* "Tcp 10.1.1.4:50000 -> 10.2.1.4:1433", or without ports for ICMP/ESP/AH (owned). */
char *vs_packet_to_string(const VsPacket *packet);

/*
 * Compiled address sets of the service tags as seen from each subnet, built
 * once per model.  Owns its arrays; borrows the model.
 */
typedef struct VsTagIndex VsTagIndex;

VsTagIndex *vs_tag_index_new(const VsModel *model);
void vs_tag_index_free(VsTagIndex *index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsTagIndex, vs_tag_index_free)

/*
 * The address set of a tag as sorted, disjoint, maximal prefixes (a new
 * GArray of VsPrefix, owned by the caller).  subnet is the subnet whose NIC is
 * being evaluated (it matters for VirtualNetwork only; may be NULL for the
 * other tags).
 */
GArray *vs_tag_expand(const VsTagIndex *index, VsTagKind tag, const VsServiceTag *user_tag,
		      const VsSubnet *subnet);
gboolean vs_tag_contains(const VsTagIndex *index, VsTagKind tag, const VsServiceTag *user_tag,
			 const VsSubnet *subnet, VsIp4 ip);

/*
 * The boundaries of a tag's address set (as vs_tag_contains sees it from subnet)
 * that fall in [lo + 1, hi]: appends to cuts (VsIp4) the first address of each run of
 * the set and the address after its last, where those lie in that range, so that two
 * addresses of [lo, hi] not separated by a cut are both in the set or both out.
 * Returns TRUE when the set holds some address of [lo, hi].  For matrix and diff's
 * per-block classes (blocks.c).
 */
gboolean vs_tag_cuts(const VsTagIndex *index, VsTagKind tag, const VsServiceTag *user_tag,
		     const VsSubnet *subnet, VsIp4 lo, VsIp4 hi, GArray *cuts);

/* Why a rule did not match: the first of the five fields that failed, for --explain. */
typedef enum {
	VS_RULE_MATCHED = 0,
	VS_RULE_MISS_PROTOCOL,
	VS_RULE_MISS_SOURCE_ADDRESS,
	VS_RULE_MISS_SOURCE_PORT,
	VS_RULE_MISS_DESTINATION_ADDRESS,
	VS_RULE_MISS_DESTINATION_PORT,
} VsRuleMatch;

VsRuleMatch vs_rule_match(const VsTagIndex *index, const VsRule *rule, const VsSubnet *subnet,
			  const VsPacket *packet);

/* The first rule of nsg in direction that matches packet; never NULL (defaults match all). */
const VsRule *vs_nsg_first_match(const VsTagIndex *index, const VsNsg *nsg, VsDirection direction,
				 const VsSubnet *subnet, const VsPacket *packet);

/* The outcome at one NIC, subnet NSG and NIC NSG combined. */
typedef struct {
	VsAccess access;
	const VsRule *rule; /* the deciding rule: the deny, else the allow of the last NSG
			       evaluated; NULL when neither level has an NSG */
} VsNsgVerdict;

/*
 * The NSGs a packet meets at nic in direction, in evaluation order (inbound:
 * subnet then NIC; outbound: NIC then subnet), levels without an NSG left out.
 * Fills levels (borrowed pointers) and returns how many (0..2).
 */
guint vs_nsg_levels(const VsNic *nic, VsDirection direction, const VsNsg *levels[2]);

/* How one NSG finds its first matching rule: nsg.c's scan or nsg-index.c's compiled lookup. */
typedef const VsRule *(*VsFirstMatchFunc)(gconstpointer index, const VsNsg *nsg,
					  VsDirection direction, const VsSubnet *subnet,
					  const VsPacket *packet);

/* Azure's combination of the NSG levels of nic (vs_nsg_levels), each asked through
 * first_match: the one place the order and the deny-ends-evaluation rule live. */
VsNsgVerdict vs_nsg_combine(const VsNic *nic, VsDirection direction, const VsPacket *packet,
			    VsFirstMatchFunc first_match, gconstpointer index);

VsNsgVerdict vs_nsg_evaluate_nic(const VsTagIndex *index, const VsNic *nic, VsDirection direction,
				 const VsPacket *packet);

/* "UserRule_NAME" / "DefaultRule_NAME" (owned), as connection troubleshoot names rules. */
char *vs_rule_display_name(const VsRule *rule);
/* "securityRules/NAME" / "defaultSecurityRules/NAME" (owned), as IP flow verify does. */
char *vs_rule_flow_name(const VsRule *rule);

/*
 * A short phrase (owned) saying why rule did or did not match packet, from
 * vs_rule_match's result: "matches", "destination port 22 is not in 443",
 * "source 10.1.1.4 is not in VirtualNetwork"... for --explain.
 */
char *vs_rule_match_describe(const VsRule *rule, const VsPacket *packet, VsRuleMatch match);

#endif
