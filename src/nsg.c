/*
 * nsg.c - the security rules engine: which rule decides a packet at a NIC.
 *
 * DOC: evaluation order and why
 *
 * One NSG, one direction: the model keeps the rules of each direction (user
 * rules and Azure's six defaults together) sorted by priority, lower number
 * first; priorities are unique per direction, so the order is total and
 * "first match wins" needs no further tie-break.  The defaults end each list
 * with a catch-all deny, so a finished NSG always decides.
 *
 * One rule: the five fields are tested in the order protocol, source address,
 * source port, destination address, destination port, and the first field that
 * fails is reported (vs_rule_match), so --explain can say why a rule was
 * passed over.  Protocol "*" admits ESP and AH too (reference 2.3 [SIM]).
 * ICMP, ESP and AH carry no ports: such a packet satisfies a port criterion
 * only when the rule allows every port ("*" or 0-65535), so an Any-protocol
 * rule limited to port 80 does not admit ping (reference 2.2 [SIM]).
 *
 * Addresses: a side is "*", explicit prefixes (a short list, scanned), a
 * service tag, or ASGs.  An ASG side matches when the address is the private
 * address of a NIC that is a member of one of the ASGs (NSGs see private
 * addresses only, so a public address never matches an ASG).
 *
 * Service tags are compiled once per model into sets of sorted, disjoint,
 * merged intervals (VsTagIndex), so "is this address in the tag" is one
 * binary search:
 *   - VirtualNetwork depends on the subnet being evaluated, so there is one
 *     set per subnet (indexed by subnet id): the VNet's own address space,
 *     the space of every peer whose peering is Connected and whose local side
 *     allows virtual network access, the host address 168.63.129.16, and every
 *     addressPrefix of the subnet's route table.  That last part is Azure's
 *     documented (and observed) trap: a 0.0.0.0/0 user route widens the tag to
 *     everything, so AllowVnetInBound then admits the internet.
 *   - Internet is one global set: all of IPv4 minus every VNet address space
 *     of the model, minus 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12,
 *     192.168/16 and the multicast/reserved 224/4 and 240/4.  It does not
 *     depend on routes, so a private address outside every VNet is in neither
 *     VirtualNetwork nor Internet and falls to the DenyAll defaults, as the
 *     Microsoft quickstart shows for 172.31.0.100.
 *   - AzureLoadBalancer is 168.63.129.16/32; user tags are their prefixes.
 *
 * A NIC: the subnet NSG and the NIC NSG are combined as Azure documents it:
 * inbound traffic meets the subnet NSG first, then the NIC NSG; outbound
 * traffic meets the NIC NSG first, then the subnet NSG.  A deny at either
 * level ends evaluation; a level without an NSG allows everything.  The
 * deciding rule reported is the deny, else the allow rule of the last NSG
 * evaluated (the reference's IP flow verify convention [SIM]); with no NSG at
 * either level there is no rule at all.
 */
#include "config.h"

#include "nsg.h"

#include <string.h>

/* ---------------------------------------------------------------- interval sets */

/* An inclusive range of addresses; a set is a GArray of these, sorted, disjoint and
 * merged (no two touch), so that membership is a binary search. */
typedef struct {
	VsIp4 lo;
	VsIp4 hi;
} VsInterval;

static gint
compare_interval(gconstpointer a, gconstpointer b)
{
	const VsInterval *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return 0;
}

static void
interval_add_prefix(GArray *raw, VsPrefix prefix)
{
	VsInterval interval = {prefix.addr, vs_prefix_last(prefix)};

	g_array_append_val(raw, interval);
}

/* Sorts and merges raw intervals in place into a canonical set. */
static void
interval_normalize(GArray *set)
{
	guint out = 0;

	if (set->len == 0)
		return;
	g_array_sort(set, compare_interval);
	for (guint i = 1; i < set->len; i++) {
		VsInterval *last = &g_array_index(set, VsInterval, out);
		const VsInterval *next = &g_array_index(set, VsInterval, i);

		/* touching ranges merge too: 10.0.0.0-10.0.0.255 and 10.0.1.0-... */
		if ((guint64)next->lo <= (guint64)last->hi + 1) {
			if (next->hi > last->hi)
				last->hi = next->hi;
		} else {
			g_array_index(set, VsInterval, ++out) = *next;
		}
	}
	g_array_set_size(set, out + 1);
}

/* The complement of a canonical set within all of IPv4 (a new set). */
static GArray *
interval_complement(const GArray *set)
{
	GArray *result = g_array_new(FALSE, FALSE, sizeof(VsInterval));
	guint64 cursor = 0;

	for (guint i = 0; i < set->len; i++) {
		const VsInterval *interval = &g_array_index(set, VsInterval, i);

		if (cursor < interval->lo) {
			VsInterval gap = {(VsIp4)cursor, interval->lo - 1};

			g_array_append_val(result, gap);
		}
		cursor = (guint64)interval->hi + 1;
	}
	if (cursor <= G_MAXUINT32) {
		VsInterval tail = {(VsIp4)cursor, G_MAXUINT32};

		g_array_append_val(result, tail);
	}
	return result;
}

static gboolean
interval_contains(const GArray *set, VsIp4 ip)
{
	guint lo = 0, hi = set->len;

	/* find the first interval whose lo is above ip; the one before may hold it */
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(set, VsInterval, mid).lo <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && ip <= g_array_index(set, VsInterval, lo - 1).hi;
}

/* Splits a canonical set into the fewest aligned prefixes, in address order. */
static GArray *
interval_to_prefixes(const GArray *set)
{
	GArray *prefixes = g_array_new(FALSE, FALSE, sizeof(VsPrefix));

	for (guint i = 0; i < set->len; i++) {
		const VsInterval *interval = &g_array_index(set, VsInterval, i);
		guint64 start = interval->lo, end = (guint64)interval->hi + 1;

		while (start < end) {
			guint8 len = 32;
			VsPrefix prefix;

			/* the largest block that starts at start (alignment) and fits before end */
			while (len > 0) {
				guint64 size = (guint64)1 << (32 - (len - 1));

				if (start % size != 0 || start + size > end)
					break;
				len--;
			}
			prefix.addr = (VsIp4)start;
			prefix.len = len;
			g_array_append_val(prefixes, prefix);
			start += vs_prefix_size(prefix);
		}
	}
	return prefixes;
}

/* ---------------------------------------------------------------- the tag index */

struct VsTagIndex {
	const VsModel *model;
	GPtrArray *virtual_network;   /* GArray* of VsInterval, one per subnet id */
	GArray *virtual_network_none; /* the tag outside any subnet: the host address only */
	GArray *internet;
	GArray *load_balancer;
	GPtrArray *user_tags; /* GArray* of VsInterval, one per service tag id */
};

/* The host's virtual IP: DHCP, DNS, health probes (reference 1). */
#define VS_HOST_VIP ((VsIp4)0xa83f8110u) /* 168.63.129.16 */

static void
add_address_space(GArray *raw, const VsVnet *vnet)
{
	for (guint i = 0; i < vnet->address_space->len; i++)
		interval_add_prefix(raw, g_array_index(vnet->address_space, VsPrefix, i));
}

static GArray *
build_virtual_network(const VsSubnet *subnet)
{
	GArray *set = g_array_new(FALSE, FALSE, sizeof(VsInterval));
	VsPrefix host = {VS_HOST_VIP, 32};
	const VsVnet *vnet = subnet->vnet;

	interval_add_prefix(set, host);
	if (vnet != NULL) {
		add_address_space(set, vnet);
		for (guint p = 0; p < vnet->peerings->len; p++) {
			const VsPeering *peering = g_ptr_array_index(vnet->peerings, p);

			if (peering->state == VS_PEERING_CONNECTED && peering->remote != NULL &&
			    peering->allow_virtual_network_access)
				add_address_space(set, peering->remote);
		}
	}
	/* a route to a service tag stands once per prefix of the tag: those count too, as
	 * they are address prefixes of the subnet's user routes [SIM] */
	if (subnet->route_table != NULL)
		for (guint r = 0; r < subnet->route_table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(subnet->route_table->routes, r);

			interval_add_prefix(set, route->prefix);
		}
	interval_normalize(set);
	return set;
}

static GArray *
build_internet(const VsModel *model)
{
	/* not unicast-and-public: this-network, RFC 1918, shared (RFC 6598), loopback,
	 * link-local, multicast and the reserved class E */
	static const char *const excluded[] = {
		"0.0.0.0/8",     "10.0.0.0/8",     "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4",   "240.0.0.0/4",
	};
	g_autoptr(GArray) outside = g_array_new(FALSE, FALSE, sizeof(VsInterval));

	for (gsize i = 0; i < G_N_ELEMENTS(excluded); i++) {
		VsPrefix prefix;
		gboolean ok = vs_prefix_parse(excluded[i], &prefix, NULL);

		g_assert(ok);
		interval_add_prefix(outside, prefix);
	}
	for (guint v = 0; v < model->vnets->len; v++)
		add_address_space(outside, g_ptr_array_index(model->vnets, v));
	interval_normalize(outside);
	return interval_complement(outside);
}

static void
free_interval_set(gpointer set)
{
	g_array_unref(set);
}

VsTagIndex *
vs_tag_index_new(const VsModel *model)
{
	VsTagIndex *index = g_new0(VsTagIndex, 1);
	VsPrefix host = {VS_HOST_VIP, 32};

	index->model = model;
	index->virtual_network = g_ptr_array_new_with_free_func(free_interval_set);
	for (guint i = 0; i < model->subnets->len; i++)
		g_ptr_array_add(index->virtual_network,
				build_virtual_network(g_ptr_array_index(model->subnets, i)));
	index->virtual_network_none = g_array_new(FALSE, FALSE, sizeof(VsInterval));
	interval_add_prefix(index->virtual_network_none, host);
	index->internet = build_internet(model);
	index->load_balancer = g_array_new(FALSE, FALSE, sizeof(VsInterval));
	interval_add_prefix(index->load_balancer, host);
	index->user_tags = g_ptr_array_new_with_free_func(free_interval_set);
	for (guint t = 0; t < model->service_tags->len; t++) {
		const VsServiceTag *tag = g_ptr_array_index(model->service_tags, t);
		GArray *set = g_array_new(FALSE, FALSE, sizeof(VsInterval));

		for (guint i = 0; i < tag->prefixes->len; i++)
			interval_add_prefix(set, g_array_index(tag->prefixes, VsPrefix, i));
		interval_normalize(set);
		g_ptr_array_add(index->user_tags, set);
	}
	return index;
}

void
vs_tag_index_free(VsTagIndex *index)
{
	if (index == NULL)
		return;
	g_ptr_array_unref(index->virtual_network);
	g_array_unref(index->virtual_network_none);
	g_array_unref(index->internet);
	g_array_unref(index->load_balancer);
	g_ptr_array_unref(index->user_tags);
	g_free(index);
}

/* The compiled set of a tag, or NULL for a user tag the index does not know (it then
 * matches nothing, as an unknown tag does [SIM]). */
static const GArray *
tag_set(const VsTagIndex *index, VsTagKind tag, const VsServiceTag *user_tag,
	const VsSubnet *subnet)
{
	switch (tag) {
	case VS_TAG_VIRTUAL_NETWORK:
		if (subnet == NULL || subnet->id >= index->virtual_network->len ||
		    g_ptr_array_index(index->model->subnets, subnet->id) != subnet)
			return index->virtual_network_none;
		return g_ptr_array_index(index->virtual_network, subnet->id);
	case VS_TAG_INTERNET:
		return index->internet;
	case VS_TAG_AZURE_LOAD_BALANCER:
		return index->load_balancer;
	case VS_TAG_USER:
	default:
		if (user_tag == NULL || user_tag->id >= index->user_tags->len ||
		    g_ptr_array_index(index->model->service_tags, user_tag->id) != user_tag)
			return NULL;
		return g_ptr_array_index(index->user_tags, user_tag->id);
	}
}

GArray *
vs_tag_expand(const VsTagIndex *index, VsTagKind tag, const VsServiceTag *user_tag,
	      const VsSubnet *subnet)
{
	const GArray *set = tag_set(index, tag, user_tag, subnet);

	if (set == NULL)
		return g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	return interval_to_prefixes(set);
}

gboolean
vs_tag_contains(const VsTagIndex *index, VsTagKind tag, const VsServiceTag *user_tag,
		const VsSubnet *subnet, VsIp4 ip)
{
	const GArray *set = tag_set(index, tag, user_tag, subnet);

	return set != NULL && interval_contains(set, ip);
}

gboolean
vs_tag_cuts(const VsTagIndex *index, VsTagKind tag, const VsServiceTag *user_tag,
	    const VsSubnet *subnet, VsIp4 lo, VsIp4 hi, GArray *cuts)
{
	const GArray *set = tag_set(index, tag, user_tag, subnet);
	gboolean overlaps = FALSE;
	guint first = 0, end;

	if (set == NULL)
		return FALSE;
	/* the first interval that ends at or after lo */
	end = set->len;
	while (first < end) {
		guint mid = first + (end - first) / 2;

		if (g_array_index(set, VsInterval, mid).hi < lo)
			first = mid + 1;
		else
			end = mid;
	}
	for (guint i = first; i < set->len; i++) {
		const VsInterval *interval = &g_array_index(set, VsInterval, i);

		if (interval->lo > hi)
			break;
		overlaps = TRUE;
		if (interval->lo > lo)
			g_array_append_val(cuts, interval->lo);
		if (interval->hi < hi) {
			VsIp4 after = interval->hi + 1;

			g_array_append_val(cuts, after);
		}
	}
	return overlaps;
}

/* ---------------------------------------------------------------- one rule */

static gboolean
nic_in_asgs(const VsNic *nic, const GPtrArray *asgs)
{
	for (guint i = 0; i < asgs->len; i++) {
		const VsAsg *asg = g_ptr_array_index(asgs, i);

		for (guint m = 0; m < nic->asgs->len; m++)
			if (g_ptr_array_index(nic->asgs, m) == asg)
				return TRUE;
	}
	return FALSE;
}

static gboolean
address_matches(const VsTagIndex *index, const VsAddressMatch *match, const VsSubnet *subnet,
		VsIp4 ip)
{
	switch (match->kind) {
	case VS_MATCH_ANY:
		return TRUE;
	case VS_MATCH_PREFIXES:
		if (match->prefixes == NULL)
			return FALSE;
		for (guint i = 0; i < match->prefixes->len; i++)
			if (vs_prefix_contains_ip(g_array_index(match->prefixes, VsPrefix, i), ip))
				return TRUE;
		return FALSE;
	case VS_MATCH_TAG:
		return vs_tag_contains(index, match->tag, match->user_tag, subnet, ip);
	case VS_MATCH_ASGS: {
		const VsNic *nic = vs_model_find_nic_by_ip(index->model, ip);

		return nic != NULL && match->asgs != NULL && nic_in_asgs(nic, match->asgs);
	}
	default:
		return FALSE;
	}
}

VsRuleMatch
vs_rule_match(const VsTagIndex *index, const VsRule *rule, const VsSubnet *subnet,
	      const VsPacket *packet)
{
	if (!vs_protocol_matches(rule->protocol, packet->protocol))
		return VS_RULE_MISS_PROTOCOL;
	if (!address_matches(index, &rule->source, subnet, packet->source))
		return VS_RULE_MISS_SOURCE_ADDRESS;
	if (!vs_ports_match(rule->source_ports, packet->protocol, packet->source_port))
		return VS_RULE_MISS_SOURCE_PORT;
	if (!address_matches(index, &rule->destination, subnet, packet->destination))
		return VS_RULE_MISS_DESTINATION_ADDRESS;
	if (!vs_ports_match(rule->destination_ports, packet->protocol, packet->destination_port))
		return VS_RULE_MISS_DESTINATION_PORT;
	return VS_RULE_MATCHED;
}

const VsRule *
vs_nsg_first_match(const VsTagIndex *index, const VsNsg *nsg, VsDirection direction,
		   const VsSubnet *subnet, const VsPacket *packet)
{
	const GPtrArray *rules = direction == VS_DIRECTION_INBOUND ? nsg->inbound : nsg->outbound;

	for (guint i = 0; i < rules->len; i++) {
		const VsRule *rule = g_ptr_array_index(rules, i);

		if (vs_rule_match(index, rule, subnet, packet) == VS_RULE_MATCHED)
			return rule;
	}
	/* only an unfinished model lacks the catch-all defaults */
	return NULL;
}

/* ---------------------------------------------------------------- a NIC */

guint
vs_nsg_levels(const VsNic *nic, VsDirection direction, const VsNsg *levels[2])
{
	const VsNsg *subnet_nsg = nic->subnet != NULL ? nic->subnet->nsg : NULL;
	const VsNsg *first = direction == VS_DIRECTION_INBOUND ? subnet_nsg : nic->nsg;
	const VsNsg *second = direction == VS_DIRECTION_INBOUND ? nic->nsg : subnet_nsg;
	guint n = 0;

	if (first != NULL)
		levels[n++] = first;
	if (second != NULL)
		levels[n++] = second;
	return n;
}

VsNsgVerdict
vs_nsg_combine(const VsNic *nic, VsDirection direction, const VsPacket *packet,
	       VsFirstMatchFunc first_match, gconstpointer index)
{
	VsNsgVerdict verdict = {VS_ACCESS_ALLOW, NULL};
	const VsNsg *levels[2];
	guint n = vs_nsg_levels(nic, direction, levels);

	for (guint i = 0; i < n; i++) {
		const VsRule *rule = first_match(index, levels[i], direction, nic->subnet, packet);

		if (rule == NULL)
			continue; /* an unfinished NSG decides nothing */
		verdict.rule = rule;
		if (rule->access == VS_ACCESS_DENY) {
			verdict.access = VS_ACCESS_DENY;
			break;
		}
	}
	return verdict;
}

static const VsRule *
scan_first_match(gconstpointer index, const VsNsg *nsg, VsDirection direction,
		 const VsSubnet *subnet, const VsPacket *packet)
{
	return vs_nsg_first_match(index, nsg, direction, subnet, packet);
}

VsNsgVerdict
vs_nsg_evaluate_nic(const VsTagIndex *index, const VsNic *nic, VsDirection direction,
		    const VsPacket *packet)
{
	return vs_nsg_combine(nic, direction, packet, scan_first_match, index);
}

/* ---------------------------------------------------------------- names and sentences */

char *
vs_packet_to_string(const VsPacket *packet)
{
	char source[16], destination[16];

	vs_ip4_format(packet->source, source);
	vs_ip4_format(packet->destination, destination);
	if (!vs_protocol_has_ports(packet->protocol))
		return g_strdup_printf("%s %s -> %s", vs_protocol_name(packet->protocol), source,
				       destination);
	return g_strdup_printf("%s %s:%u -> %s:%u", vs_protocol_name(packet->protocol), source,
			       packet->source_port, destination, packet->destination_port);
}

char *
vs_rule_display_name(const VsRule *rule)
{
	return g_strdup_printf("%s_%s", rule->is_default ? "DefaultRule" : "UserRule", rule->name);
}

char *
vs_rule_flow_name(const VsRule *rule)
{
	return g_strdup_printf("%s/%s", rule->is_default ? "defaultSecurityRules" : "securityRules",
			       rule->name);
}

char *
vs_rule_match_describe(const VsRule *rule, const VsPacket *packet, VsRuleMatch match)
{
	char ip[16];

	switch (match) {
	case VS_RULE_MATCHED:
		return g_strdup("matches");
	case VS_RULE_MISS_PROTOCOL:
		return g_strdup_printf("protocol %s is not %s", vs_protocol_name(packet->protocol),
				       vs_protocol_name(rule->protocol));
	case VS_RULE_MISS_SOURCE_ADDRESS:
		return g_strdup_printf("source %s is not in %s", vs_ip4_format(packet->source, ip),
				       rule->source.text ? rule->source.text : "the source set");
	case VS_RULE_MISS_DESTINATION_ADDRESS:
		return g_strdup_printf(
			"destination %s is not in %s", vs_ip4_format(packet->destination, ip),
			rule->destination.text ? rule->destination.text : "the destination set");
	case VS_RULE_MISS_SOURCE_PORT:
	case VS_RULE_MISS_DESTINATION_PORT: {
		gboolean source = match == VS_RULE_MISS_SOURCE_PORT;
		g_autofree char *ranges = vs_port_ranges_to_string(
			source ? rule->source_ports : rule->destination_ports, ",");

		if (!vs_protocol_has_ports(packet->protocol))
			return g_strdup_printf(
				"%s has no ports and the rule's %s port range is %s, "
				"not *",
				vs_protocol_name(packet->protocol),
				source ? "source" : "destination", ranges);
		return g_strdup_printf("%s port %u is not in %s", source ? "source" : "destination",
				       source ? packet->source_port : packet->destination_port,
				       ranges);
	}
	default:
		return g_strdup("does not match");
	}
}
