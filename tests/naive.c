/*
 * naive.c - the naive reference evaluator (see naive.h).
 *
 * Written from the reference, section by section, as plainly as possible:
 *   2.2/2.5 a rule matches when protocol, both addresses and both ports do;
 *           an NSG's answer is the matching rule with the lowest priority;
 *   2.3     tags as sets: VirtualNetwork = own space + Connected peers with
 *           access + 168.63.129.16 + the subnet's user route prefixes;
 *           Internet = unicast outside every VNet and the private ranges;
 *   2.6     inbound subnet then NIC, outbound NIC then subnet, a deny ends it;
 *   3.1-3.4 system routes, peering routes, the reserved None routes adjusted
 *           by owned ranges and removed under a user 0/0; longest prefix, a
 *           user route winning an equal prefix;
 *   3.7/3.9 appliances (IP forwarding, direct reachability, the original
 *           5-tuple), peerings (Connected, access, forwarded traffic);
 *   3.10    internet egress needs a public IP or default outbound access;
 * and the walk of cli.md: the hop list follows the routed path past NSG
 * blocks, and only a routing drop ends it.  A request that reached a VM by
 * private routing is followed back (2.7: NSGs are stateful, routes are not):
 * a reply that cannot return, or that passes other appliances than the
 * request (asymmetric routing through stateful appliances), fails the
 * connection (man vnetsim-check, RETURN PATH).  Every lookup is a linear
 * scan.
 */
#include "config.h"

#include "naive.h"

#include <string.h>

#define HOST_VIP 0xa83f8110u /* 168.63.129.16 */

/* ---------------------------------------------------------------- addresses */

static gboolean
space_contains(const VsVnet *vnet, VsIp4 ip)
{
	for (guint i = 0; i < vnet->address_space->len; i++)
		if (vs_prefix_contains_ip(g_array_index(vnet->address_space, VsPrefix, i), ip))
			return TRUE;
	return FALSE;
}

static gboolean
peering_connected(const VsPeering *peering)
{
	if (peering->remote == NULL)
		return FALSE;
	for (guint i = 0; i < peering->remote->peerings->len; i++) {
		const VsPeering *back = g_ptr_array_index(peering->remote->peerings, i);

		if (back->remote == peering->local)
			return TRUE;
	}
	return FALSE;
}

static const VsPeering *
find_peering(const VsVnet *from, const VsVnet *to)
{
	for (guint i = 0; i < from->peerings->len; i++) {
		const VsPeering *peering = g_ptr_array_index(from->peerings, i);

		if (peering->remote == to && peering_connected(peering))
			return peering;
	}
	return NULL;
}

static const VsPeering *
find_declared_peering(const VsVnet *from, const VsVnet *to)
{
	for (guint i = 0; i < from->peerings->len; i++) {
		const VsPeering *peering = g_ptr_array_index(from->peerings, i);

		if (peering->remote == to)
			return peering;
	}
	return NULL;
}

static const VsNic *
nic_by_ip(const VsModel *model, VsIp4 ip)
{
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);

		if (nic->private_ip == ip)
			return nic;
	}
	return NULL;
}

static const VsNic *
nic_by_public_ip(const VsModel *model, VsIp4 ip)
{
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);

		if (nic->has_public_ip && nic->public_ip == ip)
			return nic;
	}
	return NULL;
}

static const VsVnet *
vnet_by_ip(const VsModel *model, VsIp4 ip)
{
	for (guint i = 0; i < model->vnets->len; i++) {
		const VsVnet *vnet = g_ptr_array_index(model->vnets, i);

		if (space_contains(vnet, ip))
			return vnet;
	}
	return NULL;
}

static gboolean
prefix_list_contains(const GArray *prefixes, VsIp4 ip)
{
	for (guint i = 0; prefixes != NULL && i < prefixes->len; i++)
		if (vs_prefix_contains_ip(g_array_index(prefixes, VsPrefix, i), ip))
			return TRUE;
	return FALSE;
}

/* ---------------------------------------------------------------- tags (2.3) */

static gboolean
in_virtual_network(const VsSubnet *subnet, VsIp4 ip)
{
	const VsVnet *vnet = subnet != NULL ? subnet->vnet : NULL;

	if (ip == HOST_VIP)
		return TRUE;
	if (vnet == NULL)
		return FALSE;
	if (space_contains(vnet, ip))
		return TRUE;
	for (guint i = 0; i < vnet->peerings->len; i++) {
		const VsPeering *peering = g_ptr_array_index(vnet->peerings, i);

		if (peering_connected(peering) && peering->allow_virtual_network_access &&
		    space_contains(peering->remote, ip))
			return TRUE;
	}
	if (subnet->route_table != NULL)
		for (guint i = 0; i < subnet->route_table->routes->len; i++) {
			const VsRoute *route = g_ptr_array_index(subnet->route_table->routes, i);

			if (vs_prefix_contains_ip(route->prefix, ip))
				return TRUE;
		}
	return FALSE;
}

static gboolean
in_internet(const VsModel *model, VsIp4 ip)
{
	static const VsPrefix not_internet[] = {
		{0x00000000u, 8},  {0x0a000000u, 8},  {0x64400000u, 10},
		{0x7f000000u, 8},  {0xa9fe0000u, 16}, {0xac100000u, 12},
		{0xc0a80000u, 16}, {0xe0000000u, 4},  {0xf0000000u, 4},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(not_internet); i++)
		if (vs_prefix_contains_ip(not_internet[i], ip))
			return FALSE;
	return vnet_by_ip(model, ip) == NULL;
}

/* ---------------------------------------------------------------- rules (2.2, 2.5) */

static gboolean
address_matches(const VsModel *model, const VsAddressMatch *match, const VsSubnet *subnet, VsIp4 ip)
{
	switch (match->kind) {
	case VS_MATCH_ANY:
		return TRUE;
	case VS_MATCH_PREFIXES:
		return prefix_list_contains(match->prefixes, ip);
	case VS_MATCH_TAG:
		switch (match->tag) {
		case VS_TAG_VIRTUAL_NETWORK:
			return in_virtual_network(subnet, ip);
		case VS_TAG_INTERNET:
			return in_internet(model, ip);
		case VS_TAG_AZURE_LOAD_BALANCER:
			return ip == HOST_VIP;
		case VS_TAG_USER:
		default:
			return match->user_tag != NULL &&
			       prefix_list_contains(match->user_tag->prefixes, ip);
		}
	case VS_MATCH_ASGS:
		/* NSGs see private addresses: ip must be a member NIC's private address */
		for (guint a = 0; match->asgs != NULL && a < match->asgs->len; a++) {
			const VsAsg *asg = g_ptr_array_index(match->asgs, a);

			for (guint n = 0; n < asg->nics->len; n++)
				if (((const VsNic *)g_ptr_array_index(asg->nics, n))->private_ip ==
				    ip)
					return TRUE;
		}
		return FALSE;
	default:
		return FALSE;
	}
}

/* ICMP has no ports: only a range covering every port admits it. */
static gboolean
port_matches(const GArray *ranges, VsProtocol protocol, guint16 port)
{
	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);

		if (protocol == VS_PROTO_TCP || protocol == VS_PROTO_UDP) {
			if (port >= range.lo && port <= range.hi)
				return TRUE;
		} else if (range.lo == 0 && range.hi == 65535) {
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
rule_matches(const VsModel *model, const VsRule *rule, const VsSubnet *subnet, VsIp4 source,
	     VsIp4 destination, VsProtocol protocol, guint16 source_port, guint16 destination_port)
{
	return (rule->protocol == VS_PROTO_ANY || rule->protocol == protocol) &&
	       address_matches(model, &rule->source, subnet, source) &&
	       port_matches(rule->source_ports, protocol, source_port) &&
	       address_matches(model, &rule->destination, subnet, destination) &&
	       port_matches(rule->destination_ports, protocol, destination_port);
}

static void
consider(const VsModel *model, const GPtrArray *rules, VsDirection direction,
	 const VsSubnet *subnet, VsIp4 source, VsIp4 destination, VsProtocol protocol,
	 guint16 source_port, guint16 destination_port, const VsRule **best)
{
	for (guint i = 0; i < rules->len; i++) {
		const VsRule *rule = g_ptr_array_index(rules, i);

		if (rule->direction != direction ||
		    (*best != NULL && rule->priority >= (*best)->priority))
			continue;
		if (rule_matches(model, rule, subnet, source, destination, protocol, source_port,
				 destination_port))
			*best = rule;
	}
}

const VsRule *
naive_nsg_first_match(const VsModel *model, const VsNsg *nsg, VsDirection direction,
		      const VsSubnet *subnet, VsIp4 source, VsIp4 destination, VsProtocol protocol,
		      guint16 source_port, guint16 destination_port)
{
	const VsRule *best = NULL;

	consider(model, nsg->rules, direction, subnet, source, destination, protocol, source_port,
		 destination_port, &best);
	consider(model, nsg->default_rules, direction, subnet, source, destination, protocol,
		 source_port, destination_port, &best);
	return best;
}

/* ---------------------------------------------------------------- routes (3.1-3.4) */

typedef struct {
	VsIp4 destination;
	gboolean found;
	gboolean best_is_user;
	NaiveRoute best;
} Lpm;

static void
offer(Lpm *lpm, VsPrefix prefix, VsNextHopType type, const VsRoute *user)
{
	gboolean is_user = user != NULL;

	if (!vs_prefix_contains_ip(prefix, lpm->destination))
		return;
	if (lpm->found && !(prefix.len > lpm->best.prefix.len ||
			    (prefix.len == lpm->best.prefix.len && is_user && !lpm->best_is_user)))
		return;
	lpm->found = TRUE;
	lpm->best_is_user = is_user;
	lpm->best = (NaiveRoute){.prefix = prefix, .next_hop_type = type, .user_route = user};
	if (user != NULL) {
		lpm->best.has_next_hop_ip = user->has_next_hop_ip;
		lpm->best.next_hop_ip = user->next_hop_ip;
	}
}

static gboolean
owned_range_covers(const VsVnet *vnet, VsPrefix reserved)
{
	for (guint i = 0; i < vnet->address_space->len; i++)
		if (vs_prefix_contains(g_array_index(vnet->address_space, VsPrefix, i), reserved))
			return TRUE;
	for (guint p = 0; p < vnet->peerings->len; p++) {
		const VsPeering *peering = g_ptr_array_index(vnet->peerings, p);

		if (!peering_connected(peering))
			continue;
		for (guint i = 0; i < peering->remote->address_space->len; i++)
			if (vs_prefix_contains(
				    g_array_index(peering->remote->address_space, VsPrefix, i),
				    reserved))
				return TRUE;
	}
	return FALSE;
}

gboolean
naive_route_lookup(const VsModel *model, const VsSubnet *subnet, VsIp4 destination, NaiveRoute *out)
{
	static const VsPrefix reserved[] = {
		{0x0a000000u, 8}, {0xac100000u, 12}, {0xc0a80000u, 16}, {0x64400000u, 10}};
	const VsVnet *vnet = subnet->vnet;
	const VsRouteTable *table = subnet->route_table;
	gboolean user_default = FALSE;
	Lpm lpm = {.destination = destination};

	(void)model;
	for (guint i = 0; i < vnet->address_space->len; i++)
		offer(&lpm, g_array_index(vnet->address_space, VsPrefix, i), VS_NEXT_HOP_VNET_LOCAL,
		      NULL);
	for (guint p = 0; p < vnet->peerings->len; p++) {
		const VsPeering *peering = g_ptr_array_index(vnet->peerings, p);

		if (!peering_connected(peering))
			continue;
		for (guint i = 0; i < peering->remote->address_space->len; i++)
			offer(&lpm, g_array_index(peering->remote->address_space, VsPrefix, i),
			      VS_NEXT_HOP_VNET_PEERING, NULL);
	}
	offer(&lpm, (VsPrefix){0, 0}, VS_NEXT_HOP_INTERNET, NULL);
	for (guint r = 0; table != NULL && r < table->routes->len; r++)
		if (((const VsRoute *)g_ptr_array_index(table->routes, r))->prefix.len == 0)
			user_default = TRUE;
	for (gsize i = 0; !user_default && i < G_N_ELEMENTS(reserved); i++)
		if (!owned_range_covers(vnet, reserved[i]))
			offer(&lpm, reserved[i], VS_NEXT_HOP_NONE, NULL);
	for (guint r = 0; table != NULL && r < table->routes->len; r++) {
		const VsRoute *route = g_ptr_array_index(table->routes, r);

		offer(&lpm, route->prefix, route->next_hop_type, route);
	}
	if (lpm.found)
		*out = lpm.best;
	return lpm.found;
}

/* ---------------------------------------------------------------- the walk */

typedef struct {
	const VsNic *at;
	NaiveRoute route;
} Decision;

typedef struct {
	const VsModel *model;
	NaiveResult *out;
	VsIp4 source, destination;
	VsProtocol protocol;
	guint16 source_port, destination_port;
	gboolean reply; /* routes only: no NSGs, and the internet does not bring it back */
	Decision decisions[NAIVE_MAX_HOPS];
	guint decision_count;
} Walk;

static guint
hop(Walk *walk, VsHopType type, const VsNic *nic)
{
	NaiveResult *out = walk->out;

	g_assert(out->hop_count < NAIVE_MAX_HOPS);
	out->hop_types[out->hop_count] = type;
	out->hop_nics[out->hop_count] = nic;
	return out->hop_count++;
}

static NaiveIssue *
issue(Walk *walk, guint at, VsIssueOrigin origin, VsIssueType type)
{
	NaiveResult *out = walk->out;
	NaiveIssue *raised;

	g_assert(out->issue_count < NAIVE_MAX_ISSUES);
	raised = &out->issues[out->issue_count++];
	*raised = (NaiveIssue){
		.hop = at, .severity = VS_ISSUE_SEVERITY_ERROR, .origin = origin, .type = type};
	return raised;
}

/* 2.6: the NSGs at nic, in Azure's order; a deny becomes an issue on hop at. */
static void
nsgs(Walk *walk, guint at, const VsNic *nic, VsDirection direction, VsIp4 source, VsIp4 destination)
{
	const VsNsg *subnet_nsg = nic->subnet != NULL ? nic->subnet->nsg : NULL;
	const VsNsg *order[2];

	if (walk->reply)
		return; /* stateful: the reply needs no rule */
	order[0] = direction == VS_DIRECTION_INBOUND ? subnet_nsg : nic->nsg;
	order[1] = direction == VS_DIRECTION_INBOUND ? nic->nsg : subnet_nsg;

	for (guint i = 0; i < 2; i++) {
		const VsRule *rule;

		if (order[i] == NULL)
			continue;
		rule = naive_nsg_first_match(walk->model, order[i], direction, nic->subnet, source,
					     destination, walk->protocol, walk->source_port,
					     walk->destination_port);
		if (rule != NULL && rule->access == VS_ACCESS_DENY) {
			issue(walk, at,
			      direction == VS_DIRECTION_INBOUND ? VS_ORIGIN_INBOUND
								: VS_ORIGIN_OUTBOUND,
			      VS_ISSUE_NETWORK_SECURITY_RULE)
				->rule = rule;
			return;
		}
	}
}

static void
route_issue(Walk *walk, guint at, const NaiveRoute *route)
{
	NaiveIssue *raised = issue(walk, at, VS_ORIGIN_OUTBOUND, VS_ISSUE_USER_DEFINED_ROUTE);

	if (route != NULL) {
		raised->has_route = TRUE;
		raised->route = *route;
	}
}

/* 3.9: may the packet cross from one VNet to the other? */
static gboolean
peering_carries(Walk *walk, guint at, const VsVnet *from, const VsVnet *to)
{
	const VsPeering *peering, *back;

	if (from == NULL || to == NULL || from == to)
		return TRUE;
	peering = find_peering(from, to);
	back = find_declared_peering(to, from);
	if (peering != NULL && peering->allow_virtual_network_access &&
	    (space_contains(from, walk->source) || (back != NULL && back->allow_forwarded_traffic)))
		return TRUE;
	issue(walk, at, VS_ORIGIN_OUTBOUND, VS_ISSUE_PLATFORM);
	return FALSE;
}

static gboolean
deliver(Walk *walk, guint at, const VsNic *from, const VsNic *target)
{
	const VsVnet *to =
		target != NULL ? target->subnet->vnet : vnet_by_ip(walk->model, walk->destination);
	guint last;

	if (!peering_carries(walk, at, from->subnet->vnet, to))
		return FALSE;
	if (target == NULL) {
		issue(walk, hop(walk, VS_HOP_VNET_LOCAL, NULL), VS_ORIGIN_LOCAL, VS_ISSUE_UNKNOWN);
		return FALSE;
	}
	last = hop(walk, VS_HOP_VNET_LOCAL, target);
	nsgs(walk, last, target, VS_DIRECTION_INBOUND, walk->source, walk->destination);
	return TRUE;
}

static gboolean
leave_for_internet(Walk *walk, guint at, const VsNic *from)
{
	const VsNic *target;

	if (!from->has_public_ip && !from->subnet->default_outbound_access)
		issue(walk, at, VS_ORIGIN_OUTBOUND, VS_ISSUE_PLATFORM);
	hop(walk, VS_HOP_INTERNET, NULL);
	target = nic_by_public_ip(walk->model, walk->destination);
	if (target != NULL && from->has_public_ip) {
		guint arrived = hop(walk, VS_HOP_VNET_LOCAL, target);

		/* every public IP is Standard: closed inbound unless some NSG exists */
		if (target->nsg == NULL && target->subnet->nsg == NULL)
			issue(walk, arrived, VS_ORIGIN_INBOUND, VS_ISSUE_PLATFORM);
		nsgs(walk, arrived, target, VS_DIRECTION_INBOUND, from->public_ip,
		     target->private_ip);
	}
	return TRUE;
}

static gboolean
nic_passed(const Walk *walk, const VsNic *nic)
{
	for (guint i = 0; i < walk->out->hop_count; i++)
		if (walk->out->hop_nics[i] == nic)
			return TRUE;
	return FALSE;
}

/* Routes from hop at (at nic) until the packet arrives or is dropped; TRUE if it arrived. */
static gboolean
route_path(Walk *walk, guint at, const VsNic *nic)
{
	for (;;) {
		NaiveRoute route;
		const VsNic *appliance;
		const VsVnet *from, *to;

		if (!naive_route_lookup(walk->model, nic->subnet, walk->destination, &route)) {
			route_issue(walk, at, NULL);
			return FALSE;
		}
		if (walk->reply)
			walk->decisions[walk->decision_count++] = (Decision){nic, route};
		if (route.next_hop_type == VS_NEXT_HOP_NONE ||
		    route.next_hop_type == VS_NEXT_HOP_VNET_GATEWAY ||
		    (walk->reply && route.next_hop_type == VS_NEXT_HOP_INTERNET)) {
			route_issue(walk, at, &route);
			return FALSE;
		}
		if (route.next_hop_type == VS_NEXT_HOP_INTERNET)
			return leave_for_internet(walk, at, nic);
		if (route.next_hop_type == VS_NEXT_HOP_VNET_LOCAL ||
		    route.next_hop_type == VS_NEXT_HOP_VNET_PEERING)
			return deliver(walk, at, nic, nic_by_ip(walk->model, walk->destination));
		/* VirtualAppliance (3.7) */
		appliance =
			route.has_next_hop_ip ? nic_by_ip(walk->model, route.next_hop_ip) : NULL;
		if (appliance == NULL) {
			route_issue(walk, at, &route);
			return FALSE;
		}
		if (appliance->private_ip == walk->destination)
			return deliver(walk, at, nic, appliance);
		if (nic_passed(walk, appliance) || walk->out->hop_count >= 32 ||
		    !appliance->ip_forwarding) {
			route_issue(walk, at, &route);
			return FALSE;
		}
		from = nic->subnet->vnet;
		to = appliance->subnet->vnet;
		if (from != to && find_peering(from, to) == NULL) {
			route_issue(walk, at, &route);
			return FALSE;
		}
		if (!peering_carries(walk, at, from, to))
			return FALSE;
		at = hop(walk, VS_HOP_VIRTUAL_APPLIANCE, appliance);
		nsgs(walk, at, appliance, VS_DIRECTION_INBOUND, walk->source, walk->destination);
		nsgs(walk, at, appliance, VS_DIRECTION_OUTBOUND, walk->source, walk->destination);
		nic = appliance;
	}
}

static int
hop_of(const NaiveResult *result, const VsNic *nic)
{
	for (guint i = 0; nic != NULL && i < result->hop_count; i++)
		if (result->hop_nics[i] == nic)
			return (int)i;
	return -1;
}

static void
warn(Walk *walk, guint at, VsIssueOrigin origin, const Decision *decision)
{
	NaiveIssue *raised = issue(walk, at, origin, VS_ISSUE_USER_DEFINED_ROUTE);

	raised->severity = VS_ISSUE_SEVERITY_WARNING;
	if (decision != NULL) {
		raised->has_route = TRUE;
		raised->route = decision->route;
	}
}

/* The reply of a request that reached a VM privately; FALSE when it breaks the flow. */
static gboolean
reply_returns(Walk *walk)
{
	NaiveResult *request = walk->out;
	guint n = request->hop_count, last = n - 1;
	NaiveResult back;
	Walk reply = {
		.model = walk->model,
		.out = &back,
		.source = walk->destination,
		.destination = walk->source,
		.protocol = walk->protocol,
		.source_port = walk->destination_port,
		.destination_port = walk->source_port,
		.reply = TRUE,
	};
	const Decision *divergent = NULL;
	gboolean symmetric = TRUE;

	if (request->hop_types[last] != VS_HOP_VNET_LOCAL || request->hop_nics[last] == NULL)
		return TRUE;
	for (guint i = 0; i < n; i++)
		if (request->hop_types[i] == VS_HOP_INTERNET)
			return TRUE; /* SNAT brings the reply back the way it went */
	memset(&back, 0, sizeof(back));
	if (!route_path(&reply, hop(&reply, VS_HOP_SOURCE, request->hop_nics[last]),
			request->hop_nics[last])) {
		const NaiveIssue *first = NULL;
		NaiveIssue *raised;
		int at;

		for (guint k = 0; k < back.issue_count; k++)
			if (back.issues[k].severity == VS_ISSUE_SEVERITY_ERROR &&
			    (first == NULL || back.issues[k].hop < first->hop))
				first = &back.issues[k];
		g_assert(first != NULL);
		at = hop_of(request, back.hop_nics[first->hop]);
		raised = issue(walk, at >= 0 ? (guint)at : last, VS_ORIGIN_OUTBOUND, first->type);
		raised->has_route = first->has_route;
		raised->route = first->route;
		raised->rule = first->rule;
		return FALSE;
	}
	for (guint i = 0; i < reply.decision_count && divergent == NULL; i++)
		if (i + 1 >= back.hop_count || i + 1 >= n ||
		    back.hop_nics[i + 1] != request->hop_nics[n - 2 - i])
			divergent = &reply.decisions[i];
	if (divergent == NULL && reply.decision_count > 0)
		divergent = &reply.decisions[0];
	for (guint i = 0; i < n; i++) {
		if (request->hop_types[i] != VS_HOP_VIRTUAL_APPLIANCE ||
		    hop_of(&back, request->hop_nics[i]) >= 0)
			continue;
		symmetric = FALSE;
		warn(walk, i, VS_ORIGIN_LOCAL, divergent);
	}
	for (guint i = 0; i < back.hop_count; i++) {
		const Decision *sender;
		int at;

		if (back.hop_types[i] != VS_HOP_VIRTUAL_APPLIANCE ||
		    hop_of(request, back.hop_nics[i]) >= 0)
			continue;
		symmetric = FALSE;
		sender = &reply.decisions[i - 1];
		at = hop_of(request, sender->at);
		warn(walk, at >= 0 ? (guint)at : last, VS_ORIGIN_OUTBOUND, sender);
	}
	return symmetric;
}

void
naive_check(const VsModel *model, const NaiveQuery *query, NaiveResult *out)
{
	gboolean ports = query->protocol == VS_PROTO_TCP || query->protocol == VS_PROTO_UDP;
	Walk walk = {
		.model = model,
		.out = out,
		.source = query->source->private_ip,
		.destination = query->destination,
		.protocol = query->protocol,
		.source_port = ports ? query->source_port : 0,
		.destination_port = ports ? query->destination_port : 0,
	};
	const VsNic *nic = query->source;
	gboolean arrived, errors = FALSE;
	guint at;

	memset(out, 0, sizeof(*out));
	at = hop(&walk, VS_HOP_SOURCE, nic);
	nsgs(&walk, at, nic, VS_DIRECTION_OUTBOUND, walk.source, walk.destination);
	arrived = route_path(&walk, at, nic);
	if (arrived && !reply_returns(&walk))
		arrived = FALSE;
	for (guint k = 0; k < out->issue_count; k++)
		errors |= out->issues[k].severity == VS_ISSUE_SEVERITY_ERROR;
	out->reachable = arrived && !errors;
}
