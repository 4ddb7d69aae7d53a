/*
 * walk.c - the hop-by-hop walk of one connection, as Azure's connection
 * troubleshoot reports it.
 *
 * DOC: the walk, where issues go, and the issue types chosen
 *
 * A packet (the query's 5-tuple) starts at the source NIC: the Source hop.
 * Its outbound NSGs (NIC, then subnet) are evaluated there; then the route
 * table of the current hop's subnet decides the next leg (longest prefix
 * match, route.c).  Each next hop type:
 *   - VirtualAppliance: the NIC that owns nextHopIpAddress becomes a
 *     VirtualAppliance hop.  It must exist, have enableIpForwarding and be
 *     reachable directly (same VNet or a Connected peer), and must not have
 *     been visited already (a loop).  Arriving, its inbound NSGs (subnet, then
 *     NIC) see the ORIGINAL 5-tuple, since an appliance forwards rather than
 *     terminates; leaving, its outbound NSGs (NIC, then subnet); then its own
 *     subnet's routes decide the next leg.  An appliance whose own address is
 *     the destination is the destination, not a forwarder.
 *   - VnetLocal / VNetPeering: the NIC owning the destination address is the
 *     last hop (type VnetLocal); its inbound NSGs (subnet, then NIC) apply.
 *   - Internet: the sending hop needs a way out (a public IP on its NIC, or a
 *     subnet with defaultOutboundAccess); traffic forwarded by an appliance
 *     leaves with the appliance's.  Then an Internet hop.  A destination that
 *     is a model VM's public address continues to that VM, whose inbound
 *     NSGs see its private address and, as source, the public address the
 *     sender left with.  When the sender left through default outbound
 *     access, that address is an implicit one the model does not know, so the
 *     walk stops at the Internet hop and leaves a note saying the VM's
 *     inbound rules were not evaluated.
 *   - VirtualNetworkGateway: vnetsim models no gateways.  Azure drops traffic
 *     whose next hop does not exist (reference 3.3, 8.15), so the walk does.
 *   - None: dropped.
 * Crossing from one VNet to another (to an appliance or a destination) needs
 * a Connected peering whose sending side allows virtual network access; a
 * packet whose source lies outside the sending VNet (it was forwarded) also
 * needs allowForwardedTraffic on the receiving VNet's side.
 *
 * Like Azure, the hop list follows the routed path to its end even when a
 * security rule blocks the packet part-way (cli.md): each block is an issue
 * on the hop where it applies, origin Outbound when leaving that hop and
 * Inbound when entering it.  Only a drop - by a route, a missing or
 * non-forwarding appliance, a loop, a peering, or an address nobody owns -
 * ends the list, because then there is no next hop to show.  Rules are
 * evaluated only in the initiating direction: NSGs are stateful (reference
 * 2.7), so replies need no rule.
 *
 * Issue types, from Azure's own list (the choice a user sees):
 *   - NetworkSecurityRule for an NSG deny (context RuleName, NsgName).
 *   - UserDefinedRoute for every routing drop - a None route (system or user),
 *     no route, a gateway next hop, an appliance address no NIC owns, an
 *     appliance without IP forwarding or not directly reachable, a loop - on
 *     the hop that made the routing decision, origin Outbound (context
 *     RouteName and RouteTable for user routes, AddressPrefix, NextHopType).
 *     Azure reports its own None-route drops this way too (reference 5.5).
 *   - Platform for a peering that does not carry the packet (no Connected
 *     peering, allowVirtualNetworkAccess off on the sending side, forwarded
 *     traffic refused) and for internet egress without a way out: in both
 *     cases no rule or route of the user's is at fault but a platform setting
 *     of the peering or subnet (context Peering, or ErrorMessage).
 *   - Unknown for a destination address inside a VNet that no NIC owns: the
 *     packet is delivered into the VNet and nothing answers, which is what
 *     Azure reports for a destination it cannot resolve (a last hop with
 *     resourceId "Unknown").  The walk lists that hop (type VnetLocal,
 *     resourceId "Unknown", no NIC) with the issue, origin Local.
 *   - GuestFirewall for a VM's own firewall (hosts.c; context FirewallRule,
 *     the rule's name or "defaultInbound" / "defaultOutbound" /
 *     "defaultForward" when no rule matched).  Where and with which origin,
 *     following cli.md's rule that a block leaving a hop is Outbound and one
 *     entering it Inbound: the source VM's Outbound rules on the Source hop,
 *     origin Outbound (the operating system filters before the NIC, so they
 *     come before its NSGs); an appliance's Forward rules on its hop, origin
 *     Local (the packet has entered, and it is the VM's own routing decision
 *     that drops it, between its inbound and outbound NSGs); the
 *     destination's Inbound rules on its hop, origin Inbound, after its NSGs.
 *     Like an NSG deny, a firewall deny does not end the walk.
 *   - NoListenerOnDestination (origin Local, on the destination hop) for a
 *     TCP port outside a VM's or an internet endpoint's listeningPorts, and
 *     Unknown for a public address where nothing answers (internet.reachable
 *     false and no endpoint with that address).  ICMP always gets an answer;
 *     UDP has no handshake, so vnetsim does not check listeners for it and
 *     the trace carries a note saying UDP reachability is policy-only.
 *   - CPU / Memory, Warning, origin Local, on every hop whose VM is at or
 *     above the busy threshold (source, appliance, destination).  A warning
 *     never makes a path unreachable; latency.c adds the delay and loss.
 *   - AgentStopped (origin Local) on the Source hop when the source VM has no
 *     Network Watcher agent, and DnsResolution (origin Local, context Name)
 *     when the TARGET's name did not resolve.  Azure's check runs from that
 *     agent and needs an address, so in both cases the trace is the Source
 *     hop alone: nothing was sent.
 * Every issue carries a detail sentence in the model's terms.
 *
 * The return path.  When the request reached a VM by private routing, the
 * walk routes the reply too: from the destination NIC back to the source
 * address, with the reply's 5-tuple.  NSGs and guest firewalls are stateful
 * (reference 2.7), so they are not evaluated again, but every subnet the
 * reply leaves routes it afresh, and peerings must carry it (a reply
 * forwarded by a hub appliance needs allowForwardedTraffic on the
 * receiving side, as the request did).  Two things can break it:
 *   - the reply is dropped (a None route, no route back): the drop becomes an
 *     Error on the request's hop at the NIC that routed it (else the
 *     destination hop), origin Outbound, with the drop's own type and context;
 *   - the reply bypasses an appliance the request passed, or passes one the
 *     request did not: asymmetric routing.  vnetsim treats every appliance as
 *     stateful, as the firewalls people put in hubs are (Azure Firewall and
 *     third-party NVAs drop a TCP segment of a flow whose start they never
 *     saw), so the connection fails: the trace is Unreachable.  Each such
 *     appliance gets a Warning of type UserDefinedRoute, with context naming
 *     the reply's route that leaves the request's path (RouteName and
 *     RouteTable for a user route, AddressPrefix, NextHopType): on the
 *     bypassed appliance's hop, origin Local (the appliance sees half a
 *     flow); for an appliance only the reply passes (it has no hop of its
 *     own in the request's list), on the hop that sent the reply to it
 *     (else the destination hop), origin Outbound.  The severity stays
 *     Warning, as nothing rejects the request itself; the verdict says the
 *     connection fails.
 * A request that went out to the internet is not followed back: its reply
 * returns to the public address it left with (SNAT at the VM or the
 * appliance), which retraces the request by construction.
 *
 * Reachable means the path reached its destination (a VM's NIC or the
 * internet) with no Error issue on any hop, something answered there, and
 * the reply comes back through the same appliances.  Hop ids are seeded with the
 * model name, the source NIC, the destination, protocol and ports, so the
 * same query gives byte-identical ids.  Explain lines (--explain) are built
 * only when the query asks for them.
 */
#include "config.h"

#include "walk.h"

#include <stdarg.h>
#include <string.h>

#include "hosts.h"

/* ---------------------------------------------------------------- the engine */

VsEngine *
vs_engine_new(const VsModel *model)
{
	VsEngine *engine = g_new0(VsEngine, 1);

	engine->model = model;
	engine->tags = vs_tag_index_new(model);
	engine->routes = vs_route_index_new(model);
	engine->nic_by_public_ip = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < model->nics->len; i++) {
		VsNic *nic = g_ptr_array_index(model->nics, i);

		/* the first NIC in load order keeps a (mis)shared public address */
		if (nic->has_public_ip && !g_hash_table_contains(engine->nic_by_public_ip,
								 GUINT_TO_POINTER(nic->public_ip)))
			g_hash_table_insert(engine->nic_by_public_ip,
					    GUINT_TO_POINTER(nic->public_ip), nic);
	}
	return engine;
}

void
vs_engine_free(VsEngine *engine)
{
	if (engine == NULL)
		return;
	vs_tag_index_free(engine->tags);
	vs_route_index_free(engine->routes);
	g_hash_table_unref(engine->nic_by_public_ip);
	g_free(engine);
}

/* ---------------------------------------------------------------- walk state */

/* One routing decision of a reply walk: at which NIC, by which route. */
typedef struct {
	const VsNic *at;
	const VsEffectiveRoute *route; /* borrowed from the engine's route index */
} VsReplyDecision;

typedef struct {
	const VsEngine *engine;
	const VsModel *model;
	VsTrace *trace;
	VsPacket packet;
	gboolean explain;
	GArray *visited; /* guint: the id of every NIC the packet passed */
	/* TRUE for the reply's walk: routes only (NSGs and guest firewalls are
	 * stateful, host checks were made on the request), into a scratch trace */
	gboolean reply;
	GArray *decisions; /* VsReplyDecision, reply walks only, else NULL */
} VsWalk;

static void explain(VsWalk *walk, VsHop *hop, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void
explain(VsWalk *walk, VsHop *hop, const char *format, ...)
{
	va_list args;

	if (!walk->explain)
		return;
	va_start(args, format);
	g_ptr_array_add(hop->explain, g_strdup_vprintf(format, args));
	va_end(args);
}

static VsIssue *
add_issue(VsHop *hop, VsIssueOrigin origin, VsIssueType type, char *detail)
{
	VsIssue *issue = vs_issue_new(origin, VS_ISSUE_SEVERITY_ERROR, type);

	issue->detail = detail;
	g_ptr_array_add(hop->issues, issue);
	return issue;
}

static gboolean
vnet_contains(const VsVnet *vnet, VsIp4 ip)
{
	for (guint i = 0; i < vnet->address_space->len; i++)
		if (vs_prefix_contains_ip(g_array_index(vnet->address_space, VsPrefix, i), ip))
			return TRUE;
	return FALSE;
}

static const VsVnet *
nic_vnet(const VsNic *nic)
{
	return nic->subnet != NULL ? nic->subnet->vnet : NULL;
}

static gboolean
visited(const VsWalk *walk, const VsNic *nic)
{
	for (guint i = 0; i < walk->visited->len; i++)
		if (g_array_index(walk->visited, guint, i) == nic->id)
			return TRUE;
	return FALSE;
}

/* "Tcp 10.1.1.4:50000 -> 10.2.1.4:1433" (owned) */
static char *
packet_text(const VsPacket *packet)
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

static VsHop *
add_nic_hop(VsWalk *walk, VsHopType type, const VsNic *nic)
{
	VsHop *hop = vs_hop_new(type, nic->private_ip);

	hop->nic = nic;
	hop->resource_id = type == VS_HOP_SOURCE ? vs_vm_resource_id(walk->model, nic->vm)
						 : vs_nic_resource_id(walk->model, nic);
	g_array_append_val(walk->visited, nic->id);
	if (!walk->reply && nic->vm != NULL)
		vs_hosts_check_load(hop, nic->vm);
	return vs_trace_add_hop(walk->trace, hop);
}

/* The guest firewall of nic's VM; a reply passes (guest firewalls are stateful too). */
static gboolean
check_firewall(VsWalk *walk, VsHop *hop, const VsNic *nic, VsFwDirection direction,
	       VsIssueOrigin origin, const VsPacket *packet)
{
	if (walk->reply || nic->vm == NULL)
		return TRUE;
	return vs_hosts_check_firewall(hop, nic->vm, direction, origin, packet, walk->explain);
}

/* Whether the destination VM answers; a reply needs no answer. */
static gboolean
check_listener(VsWalk *walk, VsHop *hop, const VsNic *nic, const VsPacket *packet)
{
	if (walk->reply || nic->vm == NULL)
		return TRUE;
	return vs_hosts_check_listener(hop, nic->vm, packet, walk->explain);
}

/* ---------------------------------------------------------------- security rules */

/* "subnet hub/snet-a" or "NIC web1-nic0": where the i-th of the NSGs a packet meets at
 * nic sits (the same NSG may sit at both levels; the evaluation order decides). */
static char *
level_text(const VsNic *nic, VsDirection direction, guint count, guint i)
{
	gboolean subnet_level;

	if (count == 2)
		subnet_level = (direction == VS_DIRECTION_INBOUND) == (i == 0);
	else
		subnet_level = nic->nsg == NULL;
	if (subnet_level)
		return g_strdup_printf("subnet %s", nic->subnet != NULL ? nic->subnet->path : "?");
	return g_strdup_printf("NIC %s", nic->name);
}

static void
explain_nsgs(VsWalk *walk, VsHop *hop, const VsNic *nic, VsDirection direction,
	     const VsPacket *packet)
{
	const VsNsg *levels[2];
	guint count = vs_nsg_levels(nic, direction, levels);
	const char *way = direction == VS_DIRECTION_INBOUND ? "inbound" : "outbound";

	if (count == 0) {
		explain(walk, hop, "No NSG on NIC %s or its subnet: %s traffic is allowed.",
			nic->name, way);
		return;
	}
	for (guint i = 0; i < count; i++) {
		const GPtrArray *rules = direction == VS_DIRECTION_INBOUND ? levels[i]->inbound
									   : levels[i]->outbound;
		g_autofree char *where = level_text(nic, direction, count, i);
		gboolean denied = FALSE;

		explain(walk, hop, "NSG %s on %s, %s rules in priority order:", levels[i]->name,
			where, way);
		for (guint r = 0; r < rules->len; r++) {
			const VsRule *rule = g_ptr_array_index(rules, r);
			VsRuleMatch match =
				vs_rule_match(walk->engine->tags, rule, nic->subnet, packet);
			g_autofree char *name = vs_rule_display_name(rule);
			g_autofree char *why = vs_rule_match_describe(rule, packet, match);

			if (match != VS_RULE_MATCHED) {
				explain(walk, hop, "  %s (priority %u, %s): not matched, %s.", name,
					rule->priority, vs_access_name(rule->access), why);
				continue;
			}
			explain(walk, hop, "  %s (priority %u): matched, the packet is %s.", name,
				rule->priority,
				rule->access == VS_ACCESS_ALLOW ? "allowed" : "denied");
			denied = rule->access == VS_ACCESS_DENY;
			break;
		}
		if (denied) {
			if (i + 1 < count)
				explain(walk, hop,
					"  A deny ends evaluation: the next NSG is not "
					"consulted.");
			break;
		}
	}
}

/* Evaluates the NSGs at nic; a deny becomes an issue on hop.  Returns TRUE if allowed. */
static gboolean
check_nsgs(VsWalk *walk, VsHop *hop, const VsNic *nic, VsDirection direction,
	   const VsPacket *packet)
{
	VsNsgVerdict verdict = vs_nsg_evaluate_nic(walk->engine->tags, nic, direction, packet);
	const VsNsg *levels[2];
	guint count = vs_nsg_levels(nic, direction, levels);
	g_autofree char *name = NULL, *where = NULL, *tuple = NULL;
	VsIssue *issue;

	if (walk->reply)
		return TRUE; /* NSGs are stateful: the flow record lets the reply through */
	if (walk->explain)
		explain_nsgs(walk, hop, nic, direction, packet);
	if (verdict.access == VS_ACCESS_ALLOW)
		return TRUE;
	for (guint i = 0; i < count; i++) {
		if (levels[i] == verdict.rule->nsg) {
			where = level_text(nic, direction, count, i);
			break;
		}
	}
	name = vs_rule_display_name(verdict.rule);
	tuple = packet_text(packet);
	issue = add_issue(
		hop, direction == VS_DIRECTION_INBOUND ? VS_ORIGIN_INBOUND : VS_ORIGIN_OUTBOUND,
		VS_ISSUE_NETWORK_SECURITY_RULE,
		g_strdup_printf("NSG %s on %s denies %s %s with %s rule %s (priority %u).",
				verdict.rule->nsg->name, where ? where : nic->name,
				direction == VS_DIRECTION_INBOUND ? "inbound" : "outbound", tuple,
				verdict.rule->is_default ? "default" : "its", verdict.rule->name,
				verdict.rule->priority));
	issue->rule = verdict.rule;
	vs_issue_add_context(issue, "RuleName", name);
	vs_issue_add_context(issue, "NsgName", verdict.rule->nsg->name);
	return FALSE;
}

/* ---------------------------------------------------------------- routes */

/* "10.1.0.0/16 -> VirtualAppliance 10.0.1.4 (User route spoke1-via-fw in rt-app)" */
static char *
route_text(const VsEffectiveRoute *route)
{
	char prefix[19], ip[16];
	GString *text = g_string_new(NULL);

	g_string_append_printf(text, "%s -> %s", vs_prefix_format(route->prefix, prefix),
			       vs_next_hop_type_name(route->next_hop_type));
	if (route->has_next_hop_ip)
		g_string_append_printf(text, " %s", vs_ip4_format(route->next_hop_ip, ip));
	if (route->user_route != NULL)
		g_string_append_printf(text, " (user route %s in %s)", route->user_route->name,
				       route->user_route->table->name);
	else if (route->peer_vnet != NULL)
		g_string_append_printf(text, " (system route, peering with %s)",
				       route->peer_vnet->name);
	else
		g_string_append(text, " (system route)");
	return g_string_free(text, FALSE);
}

static void
explain_route(VsWalk *walk, VsHop *hop, const VsSubnet *subnet, const VsEffectiveRoute *chosen)
{
	const GArray *routes = vs_route_index_routes(walk->engine->routes, subnet);
	char destination[16];

	vs_ip4_format(walk->packet.destination, destination);
	if (chosen == NULL) {
		explain(walk, hop, "Routes of subnet %s: no route matches %s.",
			subnet != NULL ? subnet->path : "?", destination);
		return;
	}
	{
		g_autofree char *text = route_text(chosen);

		explain(walk, hop, "Routes of subnet %s: %s matches %s, the longest prefix.",
			subnet->path, text, destination);
	}
	for (guint i = 0; routes != NULL && i < routes->len; i++) {
		const VsEffectiveRoute *other = &g_array_index(routes, VsEffectiveRoute, i);
		g_autofree char *text = NULL;

		if (other == chosen ||
		    !vs_prefix_contains_ip(other->prefix, walk->packet.destination))
			continue;
		text = route_text(other);
		if (!other->active)
			explain(walk, hop,
				"  also matching: %s, Invalid (a user route with the "
				"same prefix overrides it).",
				text);
		else if (other->prefix.len == chosen->prefix.len)
			explain(walk, hop, "  also matching: %s, loses the tie on an equal prefix.",
				text);
		else
			explain(walk, hop, "  also matching: %s, a shorter prefix.", text);
	}
}

/* RouteName and RouteTable (user routes), AddressPrefix and NextHopType. */
static void
add_route_context(VsIssue *issue, const VsEffectiveRoute *route)
{
	issue->route = route->user_route;
	if (route->user_route != NULL) {
		vs_issue_add_context(issue, "RouteName", route->user_route->name);
		vs_issue_add_context(issue, "RouteTable", route->user_route->table->name);
	}
	{
		char prefix[19];

		vs_issue_add_context(issue, "AddressPrefix",
				     vs_prefix_format(route->prefix, prefix));
	}
	vs_issue_add_context(issue, "NextHopType", vs_next_hop_type_name(route->next_hop_type));
}

/* A routing drop: an issue of type UserDefinedRoute on the hop that routed. */
static VsIssue *
route_drop(VsHop *hop, const VsEffectiveRoute *route, char *detail)
{
	VsIssue *issue = add_issue(hop, VS_ORIGIN_OUTBOUND, VS_ISSUE_USER_DEFINED_ROUTE, detail);

	if (route != NULL)
		add_route_context(issue, route);
	return issue;
}

/* "user route blackhole (10.0.3.0/24) in rt-app" / "the system route 10.0.0.0/8" */
static char *
route_name_text(const VsEffectiveRoute *route)
{
	char prefix[19];

	vs_prefix_format(route->prefix, prefix);
	if (route->user_route != NULL)
		return g_strdup_printf("user route %s (%s) in %s", route->user_route->name, prefix,
				       route->user_route->table->name);
	return g_strdup_printf("the system route %s", prefix);
}

/* Why a None route catches an address of another VNet: the usual missing peering. */
static char *
none_route_reason(const VsWalk *walk, const VsVnet *from)
{
	const VsVnet *target = vs_model_find_vnet_by_ip(walk->model, walk->packet.destination);

	if (target == NULL || from == NULL || target == from)
		return g_strdup("");
	for (guint p = 0; p < from->peerings->len; p++) {
		const VsPeering *peering = g_ptr_array_index(from->peerings, p);

		if (peering->remote == target)
			return g_strdup_printf(" The peering from %s to %s is only Initiated: %s "
					       "does not peer back, so no route leads there.",
					       from->name, target->name, target->name);
	}
	for (guint p = 0; p < target->peerings->len; p++) {
		const VsPeering *peering = g_ptr_array_index(target->peerings, p);

		if (peering->remote == from)
			return g_strdup_printf(" The peering from %s to %s is only Initiated: %s "
					       "does not peer back, so no route leads there.",
					       target->name, from->name, from->name);
	}
	return g_strdup_printf(" The destination lies in VNet %s, which is not peered with %s.",
			       target->name, from->name);
}

/* ---------------------------------------------------------------- peerings */

/*
 * Crossing from one VNet to another.  Returns TRUE when the packet may pass;
 * otherwise adds a Platform issue on hop (the sender) and returns FALSE.
 */
static gboolean
cross_peering(VsWalk *walk, VsHop *hop, const VsVnet *from, const VsVnet *to)
{
	const VsPeering *peering;
	g_autofree char *peering_text = NULL;
	char source[16];
	VsIssue *issue;
	char *detail;

	if (from == NULL || to == NULL || from == to)
		return TRUE;
	peering_text = g_strdup_printf("%s -> %s", from->name, to->name);
	peering = vs_model_connected_peering(walk->model, from, to);
	if (peering == NULL) {
		detail = g_strdup_printf("VNet %s has no Connected peering with VNet %s, so the "
					 "platform does not carry the packet there.",
					 from->name, to->name);
	} else if (!peering->allow_virtual_network_access) {
		detail = g_strdup_printf("The peering from %s to %s has allowVirtualNetworkAccess "
					 "false: it carries no traffic from %s.",
					 from->name, to->name, from->name);
	} else if (!vnet_contains(from, walk->packet.source) &&
		   (peering->reverse == NULL || !peering->reverse->allow_forwarded_traffic)) {
		detail = g_strdup_printf(
			"The source %s lies outside %s, so the packet was forwarded; %s's peering "
			"to %s does not have allowForwardedTraffic, so %s refuses it.",
			vs_ip4_format(walk->packet.source, source), from->name, to->name,
			from->name, to->name);
	} else {
		explain(walk, hop, "The peering %s is Connected and carries the packet.",
			peering_text);
		return TRUE;
	}
	issue = add_issue(hop, VS_ORIGIN_OUTBOUND, VS_ISSUE_PLATFORM, detail);
	vs_issue_add_context(issue, "Peering", peering_text);
	explain(walk, hop, "%s", detail);
	return FALSE;
}

/* ---------------------------------------------------------------- destinations */

/* The last hop for a private destination: the owning NIC, or an unowned address. */
static gboolean
arrive(VsWalk *walk, VsHop *from_hop, const VsNic *from, const VsNic *target)
{
	const VsVnet *to_vnet =
		target != NULL ? nic_vnet(target)
			       : vs_model_find_vnet_by_ip(walk->model, walk->packet.destination);
	VsHop *hop;

	if (!cross_peering(walk, from_hop, nic_vnet(from), to_vnet))
		return FALSE;
	if (target == NULL) {
		char destination[16];
		VsIssue *issue;

		vs_ip4_format(walk->packet.destination, destination);
		hop = vs_trace_add_hop(walk->trace,
				       vs_hop_new(VS_HOP_VNET_LOCAL, walk->packet.destination));
		hop->resource_id = g_strdup("Unknown");
		if (to_vnet != NULL)
			issue = add_issue(hop, VS_ORIGIN_LOCAL, VS_ISSUE_UNKNOWN,
					  g_strdup_printf("No NIC in the model has address %s "
							  "(inside VNet %s), so nothing "
							  "receives the packet.",
							  destination, to_vnet->name));
		else
			issue = add_issue(hop, VS_ORIGIN_LOCAL, VS_ISSUE_UNKNOWN,
					  g_strdup_printf("No NIC in the model has address %s and "
							  "no VNet contains it, so nothing "
							  "receives the packet.",
							  destination));
		explain(walk, hop, "%s", issue->detail);
		return FALSE;
	}
	hop = add_nic_hop(walk, VS_HOP_VNET_LOCAL, target);
	check_nsgs(walk, hop, target, VS_DIRECTION_INBOUND, &walk->packet);
	check_firewall(walk, hop, target, VS_FW_INBOUND, VS_ORIGIN_INBOUND, &walk->packet);
	check_listener(walk, hop, target, &walk->packet);
	return TRUE;
}

static gboolean
to_internet(VsWalk *walk, VsHop *from_hop, const VsNic *from)
{
	const VsNic *target;
	VsHop *hop;

	if (!from->has_public_ip &&
	    (from->subnet == NULL || !from->subnet->default_outbound_access)) {
		g_autofree char *message = g_strdup_printf(
			"Private subnet %s (defaultOutboundAccess false) and no public IP on %s: "
			"no outbound connectivity",
			from->subnet != NULL ? from->subnet->path : "?", from->name);
		VsIssue *issue = add_issue(
			from_hop, VS_ORIGIN_OUTBOUND, VS_ISSUE_PLATFORM,
			g_strdup_printf("%s has no way out to the internet: its subnet %s is a "
					"private subnet (defaultOutboundAccess false) and it has "
					"no public IP address.",
					from->name,
					from->subnet != NULL ? from->subnet->path : "?"));

		vs_issue_add_context(issue, "ErrorMessage", message);
		explain(walk, from_hop, "%s", issue->detail);
	} else {
		char ip[16];

		if (from->has_public_ip)
			explain(walk, from_hop, "%s leaves for the internet with its public IP %s.",
				from->name, vs_ip4_format(from->public_ip, ip));
		else
			explain(walk, from_hop,
				"%s leaves for the internet through the default outbound access "
				"of subnet %s.",
				from->name, from->subnet->path);
	}
	hop = vs_trace_add_hop(walk->trace, vs_hop_new(VS_HOP_INTERNET, walk->packet.destination));
	hop->resource_id = g_strdup("Internet");

	target = g_hash_table_lookup(walk->engine->nic_by_public_ip,
				     GUINT_TO_POINTER(walk->packet.destination));
	if (target == NULL) {
		vs_hosts_check_internet(hop, walk->model, &walk->packet, walk->explain);
		return TRUE;
	}
	if (!from->has_public_ip) {
		g_ptr_array_add(
			walk->trace->notes,
			g_strdup_printf("The destination is the public IP of %s, but %s "
					"leaves through default outbound access, whose "
					"address the model does not know; the inbound rules "
					"of %s were not evaluated.",
					target->name, from->name, target->name));
		return TRUE;
	}
	{
		/* Azure translates on both ends: NSGs see the sender's public address as
		 * source and the receiver's private address as destination. */
		VsPacket translated = walk->packet;
		VsHop *last = add_nic_hop(walk, VS_HOP_VNET_LOCAL, target);
		char ip[16];

		translated.source = from->public_ip;
		translated.destination = target->private_ip;
		explain(walk, last, "Arrives through public IP %s, translated to %s.",
			vs_ip4_format(walk->packet.destination, ip), target->name);
		check_nsgs(walk, last, target, VS_DIRECTION_INBOUND, &translated);
		check_firewall(walk, last, target, VS_FW_INBOUND, VS_ORIGIN_INBOUND, &translated);
		check_listener(walk, last, target, &translated);
	}
	return TRUE;
}

/* ---------------------------------------------------------------- the walk */

/* Routes from hop (at nic) until the packet arrives or is dropped; TRUE if it arrived. */
static gboolean
route_on(VsWalk *walk, VsHop *hop, const VsNic *nic)
{
	char destination[16], next_ip[16];

	vs_ip4_format(walk->packet.destination, destination);
	for (;;) {
		const VsEffectiveRoute *route = vs_route_lookup(walk->engine->routes, nic->subnet,
								walk->packet.destination);
		g_autofree char *route_name = NULL;
		const VsNic *appliance;
		const VsVnet *from_vnet, *to_vnet;
		VsHop *next;

		if (walk->explain)
			explain_route(walk, hop, nic->subnet, route);
		if (walk->decisions != NULL && route != NULL) {
			VsReplyDecision decision = {nic, route};

			g_array_append_val(walk->decisions, decision);
		}
		if (route == NULL) {
			route_drop(hop, NULL,
				   g_strdup_printf("No route of subnet %s matches %s, so the "
						   "packet is dropped.",
						   nic->subnet != NULL ? nic->subnet->path : "?",
						   destination));
			return FALSE;
		}
		route_name = route_name_text(route);
		switch (route->next_hop_type) {
		case VS_NEXT_HOP_NONE: {
			g_autofree char *reason = route->user_route == NULL
							  ? none_route_reason(walk, nic_vnet(nic))
							  : g_strdup("");

			route_drop(hop, route,
				   g_strdup_printf("%s matches %s, whose next hop is None: the "
						   "packet is dropped.%s",
						   destination, route_name, reason));
			return FALSE;
		}
		case VS_NEXT_HOP_VNET_GATEWAY:
			route_drop(hop, route,
				   g_strdup_printf(
					   "%s matches %s, whose next hop is a virtual network "
					   "gateway; vnetsim models no gateways, and Azure "
					   "drops traffic whose next hop does not exist.",
					   destination, route_name));
			return FALSE;
		case VS_NEXT_HOP_INTERNET:
			if (walk->reply) {
				/* a reply to a private source sent to the internet never
				 * comes back */
				route_drop(hop, route,
					   g_strdup_printf("%s matches %s, whose next hop is the "
							   "Internet: the reply leaves the "
							   "virtual network.",
							   destination, route_name));
				return FALSE;
			}
			return to_internet(walk, hop, nic);
		case VS_NEXT_HOP_VNET_LOCAL:
		case VS_NEXT_HOP_VNET_PEERING:
			return arrive(
				walk, hop, nic,
				vs_model_find_nic_by_ip(walk->model, walk->packet.destination));
		case VS_NEXT_HOP_VIRTUAL_APPLIANCE:
		default:
			break;
		}

		vs_ip4_format(route->next_hop_ip, next_ip);
		appliance = route->has_next_hop_ip
				    ? vs_model_find_nic_by_ip(walk->model, route->next_hop_ip)
				    : NULL;
		if (appliance == NULL) {
			route_drop(
				hop, route,
				g_strdup_printf("%s sends %s to the virtual appliance %s, but no "
						"NIC in the model has that address: the packet "
						"is dropped.",
						route_name, destination,
						route->has_next_hop_ip ? next_ip : "(none)"));
			return FALSE;
		}
		if (appliance->private_ip == walk->packet.destination)
			return arrive(walk, hop, nic, appliance); /* the destination itself */
		if (visited(walk, appliance)) {
			route_drop(hop, route,
				   g_strdup_printf("Routing loop: %s sends %s back to %s (%s), "
						   "which the packet has already passed.",
						   route_name, destination, appliance->name,
						   next_ip));
			return FALSE;
		}
		if (walk->trace->hops->len >= VS_WALK_MAX_HOPS) {
			route_drop(hop, route,
				   g_strdup_printf("The path exceeds %u hops: treated as a routing "
						   "loop.",
						   VS_WALK_MAX_HOPS));
			return FALSE;
		}
		if (!appliance->ip_forwarding) {
			route_drop(hop, route,
				   g_strdup_printf(
					   "%s sends %s to %s (%s), which does not have "
					   "enableIpForwarding: it drops packets not addressed "
					   "to itself.",
					   route_name, destination, appliance->name, next_ip));
			return FALSE;
		}
		from_vnet = nic_vnet(nic);
		to_vnet = nic_vnet(appliance);
		if (from_vnet != NULL && to_vnet != NULL && from_vnet != to_vnet &&
		    vs_model_connected_peering(walk->model, from_vnet, to_vnet) == NULL) {
			route_drop(
				hop, route,
				g_strdup_printf("%s sends %s to %s (%s) in VNet %s, which is not "
						"directly reachable from VNet %s (no Connected "
						"peering).",
						route_name, destination, appliance->name, next_ip,
						to_vnet->name, from_vnet->name));
			return FALSE;
		}
		if (!cross_peering(walk, hop, from_vnet, to_vnet))
			return FALSE;

		next = add_nic_hop(walk, VS_HOP_VIRTUAL_APPLIANCE, appliance);
		explain(walk, next,
			"%s is a virtual appliance: %s sends it the packet, and its NIC "
			"%s has enableIpForwarding, so it accepts a packet addressed to "
			"another host.  Its NSGs see the original addresses.",
			appliance->vm != NULL ? appliance->vm->name : appliance->name, route_name,
			appliance->name);
		check_nsgs(walk, next, appliance, VS_DIRECTION_INBOUND, &walk->packet);
		check_firewall(walk, next, appliance, VS_FW_FORWARD, VS_ORIGIN_LOCAL,
			       &walk->packet);
		check_nsgs(walk, next, appliance, VS_DIRECTION_OUTBOUND, &walk->packet);
		hop = next;
		nic = appliance;
	}
}

/* ---------------------------------------------------------------- the return path */

/* The hop of the request's path at nic, or NULL. */
static VsHop *
request_hop_at(const VsTrace *trace, const VsNic *nic)
{
	for (guint i = 0; i < trace->hops->len; i++) {
		VsHop *hop = g_ptr_array_index(trace->hops, i);

		if (hop->nic == nic)
			return hop;
	}
	return NULL;
}

static gboolean
hop_list_has_nic(const GPtrArray *hops, const VsNic *nic)
{
	for (guint i = 0; i < hops->len; i++)
		if (((const VsHop *)g_ptr_array_index(hops, i))->nic == nic)
			return TRUE;
	return FALSE;
}

static const char *
nic_vm_name(const VsNic *nic)
{
	return nic->vm != NULL ? nic->vm->name : nic->name;
}

/* "fw1, fw2" (the VMs of the appliance hops), or "none" (owned) */
static char *
appliances_text(const GPtrArray *hops)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(hops, i);

		if (hop->type == VS_HOP_VIRTUAL_APPLIANCE)
			g_string_append_printf(text, "%s%s", text->len > 0 ? ", " : "",
					       nic_vm_name(hop->nic));
	}
	if (text->len == 0)
		g_string_append(text, "none");
	return g_string_free(text, FALSE);
}

/*
 * The first routing decision of the reply that leaves the request's path
 * reversed: the one that sends the reply elsewhere.  reply_hops[i] is where
 * decision i was made; the request reversed visits the same NICs in the
 * opposite order.
 */
static const VsReplyDecision *
divergent_decision(const VsTrace *trace, const GPtrArray *reply_hops, const GArray *decisions)
{
	guint n = trace->hops->len;

	for (guint i = 0; i < decisions->len; i++) {
		const VsHop *next =
			i + 1 < reply_hops->len ? g_ptr_array_index(reply_hops, i + 1) : NULL;
		const VsHop *expected =
			i + 1 < n ? g_ptr_array_index(trace->hops, n - 2 - i) : NULL;

		if (next == NULL || expected == NULL || next->nic != expected->nic)
			return &g_array_index(decisions, VsReplyDecision, i);
	}
	return decisions->len > 0 ? &g_array_index(decisions, VsReplyDecision, 0) : NULL;
}

/* "leaving db1, subnet spoke2/snet-db routes it with 10.1.0.0/16 -> ..." (owned) */
static char *
decision_text(const VsReplyDecision *decision)
{
	g_autofree char *route = route_text(decision->route);

	return g_strdup_printf("leaving %s, subnet %s routes it with %s", nic_vm_name(decision->at),
			       decision->at->subnet != NULL ? decision->at->subnet->path : "?",
			       route);
}

/* The reply cannot come back: its drop becomes an Error on the request's path. */
static void
reply_dropped(VsWalk *walk, VsHop *destination_hop, const VsTrace *reply_trace, const char *tuple)
{
	for (guint i = 0; i < reply_trace->hops->len; i++) {
		const VsHop *reply_hop = g_ptr_array_index(reply_trace->hops, i);
		VsHop *target;

		for (guint j = 0; j < reply_hop->issues->len; j++) {
			const VsIssue *dropped = g_ptr_array_index(reply_hop->issues, j);
			VsIssue *issue;

			if (dropped->severity != VS_ISSUE_SEVERITY_ERROR)
				continue;
			target = reply_hop->nic != NULL
					 ? request_hop_at(walk->trace, reply_hop->nic)
					 : NULL;
			if (target == NULL)
				target = destination_hop;
			issue = add_issue(target, VS_ORIGIN_OUTBOUND, dropped->type,
					  g_strdup_printf("The reply (%s) cannot come back.  %s",
							  tuple, dropped->detail));
			issue->route = dropped->route;
			for (guint k = 0; k < dropped->context->len; k++) {
				const VsIssueContext *context =
					g_ptr_array_index(dropped->context, k);

				vs_issue_add_context(issue, context->key, context->value);
			}
			explain(walk, destination_hop, "  %s", issue->detail);
			return;
		}
	}
}

static VsIssue *
asymmetry_issue(VsHop *hop, VsIssueOrigin origin, const VsReplyDecision *decision, char *detail)
{
	VsIssue *issue =
		vs_issue_new(origin, VS_ISSUE_SEVERITY_WARNING, VS_ISSUE_USER_DEFINED_ROUTE);

	issue->detail = detail;
	if (decision != NULL)
		add_route_context(issue, decision->route);
	g_ptr_array_add(hop->issues, issue);
	return issue;
}

/*
 * Walks the reply of a request that reached a VM by private routing, and
 * compares the appliances it passes with the request's.  Returns FALSE when
 * the reply cannot make the connection work: it is dropped, or the paths are
 * asymmetric through an appliance (which, stateful, drops the flow).
 */
static gboolean
check_return_path(VsWalk *walk)
{
	VsTrace *trace = walk->trace;
	VsHop *destination_hop = g_ptr_array_index(trace->hops, trace->hops->len - 1);
	g_autoptr(VsTrace) reply_trace = vs_trace_new();
	g_autoptr(GArray) visited_nics = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GArray) decisions = g_array_new(FALSE, FALSE, sizeof(VsReplyDecision));
	g_autofree char *tuple = NULL;
	g_autofree char *request_appliances = NULL, *reply_appliances = NULL;
	const VsReplyDecision *divergent;
	VsWalk reply = {
		.engine = walk->engine,
		.model = walk->model,
		.trace = reply_trace,
		.explain = FALSE,
		.visited = visited_nics,
		.reply = TRUE,
		.decisions = decisions,
	};
	gboolean symmetric = TRUE;
	VsHop *start;

	if (destination_hop->type != VS_HOP_VNET_LOCAL || destination_hop->nic == NULL)
		return TRUE;
	/* Through the internet, the reply comes back to the public address the
	 * request left with (SNAT), so it retraces the request by construction. */
	for (guint i = 0; i < trace->hops->len; i++)
		if (((const VsHop *)g_ptr_array_index(trace->hops, i))->type == VS_HOP_INTERNET)
			return TRUE;

	reply.packet = (VsPacket){
		.source = walk->packet.destination,
		.destination = walk->packet.source,
		.protocol = walk->packet.protocol,
		.source_port = walk->packet.destination_port,
		.destination_port = walk->packet.source_port,
	};
	tuple = packet_text(&reply.packet);
	explain(walk, destination_hop,
		"Return path: the reply %s is routed back from here.  NSGs and guest "
		"firewalls are stateful and let it through, but every subnet it leaves "
		"routes it again:",
		tuple);
	start = add_nic_hop(&reply, VS_HOP_SOURCE, destination_hop->nic);
	if (!route_on(&reply, start, destination_hop->nic)) {
		for (guint i = 0; i < decisions->len; i++) {
			g_autofree char *text =
				decision_text(&g_array_index(decisions, VsReplyDecision, i));

			explain(walk, destination_hop, "  %s.", text);
		}
		reply_dropped(walk, destination_hop, reply_trace, tuple);
		return FALSE;
	}
	for (guint i = 0; i < decisions->len; i++) {
		g_autofree char *text =
			decision_text(&g_array_index(decisions, VsReplyDecision, i));

		explain(walk, destination_hop, "  %s.", text);
	}

	request_appliances = appliances_text(trace->hops);
	reply_appliances = appliances_text(reply_trace->hops);
	divergent = divergent_decision(trace, reply_trace->hops, decisions);
	/* an appliance of the request that the reply bypasses */
	for (guint i = 0; i < trace->hops->len; i++) {
		VsHop *hop = g_ptr_array_index(trace->hops, i);
		g_autofree char *where = NULL;

		if (hop->type != VS_HOP_VIRTUAL_APPLIANCE ||
		    hop_list_has_nic(reply_trace->hops, hop->nic))
			continue;
		symmetric = FALSE;
		where = divergent != NULL ? decision_text(divergent) : g_strdup("");
		asymmetry_issue(
			hop, VS_ORIGIN_LOCAL, divergent,
			g_strdup_printf(
				"Asymmetric routing: the request passes %s, but the reply (%s) "
				"does not: %s.  A stateful appliance drops a flow it sees only "
				"half of, so the connection fails.  Route the reply through %s "
				"as well, or the request around it.",
				nic_vm_name(hop->nic), tuple, where, nic_vm_name(hop->nic)));
	}
	/* an appliance of the reply that the request did not pass */
	for (guint i = 0; i < reply_trace->hops->len; i++) {
		const VsHop *reply_hop = g_ptr_array_index(reply_trace->hops, i);
		const VsReplyDecision *sender;
		g_autofree char *where = NULL;
		VsHop *target;

		if (reply_hop->type != VS_HOP_VIRTUAL_APPLIANCE ||
		    hop_list_has_nic(trace->hops, reply_hop->nic))
			continue;
		symmetric = FALSE;
		/* decision i - 1 sent the reply to this appliance */
		sender = &g_array_index(decisions, VsReplyDecision, i - 1);
		target = request_hop_at(trace, sender->at);
		if (target == NULL)
			target = destination_hop;
		where = decision_text(sender);
		asymmetry_issue(
			target, VS_ORIGIN_OUTBOUND, sender,
			g_strdup_printf("Asymmetric routing: the reply (%s) passes %s, which "
					"the request did not: %s.  %s never saw the request, so "
					"as a stateful appliance it drops the reply and the "
					"connection fails.",
					tuple, nic_vm_name(reply_hop->nic), where,
					nic_vm_name(reply_hop->nic)));
	}
	if (symmetric)
		explain(walk, destination_hop,
			"  The reply passes the same appliances as the request (%s): the route "
			"is symmetric.",
			request_appliances);
	else
		explain(walk, destination_hop,
			"  The request passes %s but the reply passes %s: asymmetric routing, "
			"which a stateful appliance does not survive.",
			request_appliances, reply_appliances);
	return symmetric;
}

/* ---------------------------------------------------------------- the walk */

/* The Source hop only, with a DnsResolution issue: the name led nowhere. */
static void
unresolved(VsWalk *walk, VsHop *hop, const char *name)
{
	const VsNic *source = walk->trace->source;
	VsIssue *issue = add_issue(
		hop, VS_ORIGIN_LOCAL, VS_ISSUE_DNS_RESOLUTION,
		g_strdup_printf("The name %s does not resolve from %s: it is not one of "
				"dns.records, not a VM in VNet %s (Azure-provided DNS), and "
				"not one of internet.endpoints.  Nothing was sent.",
				name, source->vm != NULL ? source->vm->name : source->name,
				source->subnet != NULL ? source->subnet->vnet->name : "?"));

	vs_issue_add_context(issue, "Name", name);
	explain(walk, hop, "%s", issue->detail);
}

VsTrace *
vs_walk(const VsEngine *engine, const VsQuery *query)
{
	VsTrace *trace = vs_trace_new();
	const VsNic *source = query->source;
	g_autoptr(GArray) visited_nics = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autofree char *seed = NULL;
	char destination[16];
	VsWalk walk = {
		.engine = engine,
		.model = engine->model,
		.trace = trace,
		.explain = query->explain,
		.visited = visited_nics,
	};
	gboolean arrived = FALSE;
	VsHop *hop;

	vs_ip4_format(query->destination, destination);
	walk.packet = (VsPacket){
		.source = source->private_ip,
		.destination = query->unresolved_name != NULL ? 0 : query->destination,
		.protocol = query->protocol,
		.source_port = vs_protocol_has_ports(query->protocol) ? query->source_port : 0,
		.destination_port =
			vs_protocol_has_ports(query->protocol) ? query->destination_port : 0,
	};
	trace->packet = walk.packet;
	trace->source = source;
	if (query->unresolved_name != NULL) {
		trace->destination_unresolved = TRUE;
		trace->destination_text = g_strdup(query->unresolved_name);
	} else {
		trace->destination_text = g_strdup(
			query->destination_text != NULL ? query->destination_text : destination);
	}

	hop = add_nic_hop(&walk, VS_HOP_SOURCE, source);
	if (source->vm == NULL || vs_hosts_check_agent(hop, source->vm)) {
		if (query->unresolved_name != NULL) {
			unresolved(&walk, hop, query->unresolved_name);
		} else {
			/* the operating system's firewall sees the packet before the NIC */
			check_firewall(&walk, hop, source, VS_FW_OUTBOUND, VS_ORIGIN_OUTBOUND,
				       &walk.packet);
			check_nsgs(&walk, hop, source, VS_DIRECTION_OUTBOUND, &walk.packet);
			arrived = route_on(&walk, hop, source);
			if (arrived && !check_return_path(&walk))
				arrived = FALSE;
		}
	}
	trace->reachable = arrived && !vs_trace_has_error(trace);
	if (query->protocol == VS_PROTO_UDP && query->unresolved_name == NULL)
		g_ptr_array_add(
			trace->notes,
			g_strdup("UDP reachability is policy-only: UDP has no handshake, so "
				 "the verdict says whether NSGs, routes and guest firewalls "
				 "let the datagrams through, not whether a process reads "
				 "them."));

	seed = g_strdup_printf(
		"%s|%s/%s|%s|%s|%u|%u", engine->model->name ? engine->model->name : "",
		source->vm != NULL ? source->vm->name : "", source->name,
		query->unresolved_name != NULL ? query->unresolved_name : destination,
		vs_protocol_name(query->protocol), walk.packet.source_port,
		walk.packet.destination_port);
	vs_trace_assign_ids(trace, seed);
	return trace;
}
