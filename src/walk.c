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
 * only when the query asks for them. *
 * One walk, two sinks: vs_walk records hops and issues into a VsTrace, with
 * every string a person or Azure's JSON needs; vs_walk_verdict runs the very
 * same code with the trace left out, recording only hop types, NICs and the
 * deciding issue into a VsWalkVerdict on the caller's stack (the reply's walk
 * too).  Every string (resource IDs, details, contexts, hop ids) is built
 * behind an "is there a trace" test, and the host checks are asked for their
 * decisions alone (hosts.h), so the verdict-only walk allocates nothing -
 * the difference between about ten microseconds and one or two per check.
 * What it still pays is memory latency: random checks find NICs and tables
 * cold, so the walk prefetches each stage's tables one stage ahead
 * (walk_path, prefetch_arrival; bench/RESULTS.md, session 2).
 */
#include "config.h"

#include "walk.h"

#include <stdarg.h>
#include <string.h>

#include "firewall.h"
#include "hosts.h"

/* ---------------------------------------------------------------- the engine */

VsEngine *
vs_engine_new(const VsModel *model)
{
	VsEngine *engine = g_new0(VsEngine, 1);

	engine->model = model;
	engine->tags = vs_tag_index_new(model);
	engine->routes = vs_route_index_new(model);
	engine->nsgs = vs_nsg_index_new(model, engine->tags, VS_NSG_INDEX_CROSSOVER);
	engine->nic_by_public_ip = g_hash_table_new(g_direct_hash, g_direct_equal);
	engine->connected_peerings =
		g_new0(const VsPeering *, MAX((gsize)model->vnets->len * model->vnets->len, 1));
	for (guint from = 0; from < model->vnets->len; from++)
		for (guint to = 0; to < model->vnets->len; to++)
			engine->connected_peerings[(gsize)from * model->vnets->len + to] =
				vs_model_connected_peering(model,
							   g_ptr_array_index(model->vnets, from),
							   g_ptr_array_index(model->vnets, to));
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
	vs_nsg_index_free(engine->nsgs);
	vs_tag_index_free(engine->tags);
	vs_route_index_free(engine->routes);
	g_hash_table_unref(engine->nic_by_public_ip);
	g_free(engine->connected_peerings);
	g_free(engine);
}

/* ---------------------------------------------------------------- walk state */

/* One routing decision of a reply walk: at which NIC, by which route. */
typedef struct {
	const VsNic *at;
	const VsEffectiveRoute *route; /* borrowed from the engine's route index */
} VsReplyDecision;

/* The decisive issue of a verdict-only walk, as add_issue records it. */
typedef struct {
	gboolean set;
	guint hop;
	VsIssueType type;
	VsIssueOrigin origin;
	const VsRule *rule;
	const VsEffectiveRoute *route;
	const VsFwRule *firewall_rule;           /* a guest firewall's deny */
	const VsVnet *peering_from, *peering_to; /* a Platform issue of a peering */
} VsDecisive;

typedef struct {
	const VsEngine *engine;
	const VsModel *model;
	VsTrace *trace;         /* the full sink; NULL for a verdict-only walk */
	VsWalkVerdict *verdict; /* the verdict-only sink; NULL for a full walk */
	VsHop *scratch;         /* verdict-only: hops on the caller's stack, VS_WALK_HOP_CAPACITY */
	VsDecisive error;       /* verdict-only: the first Error in hop order */
	VsDecisive warning;     /* verdict-only: the first asymmetry Warning in hop order */
	VsPacket packet;
	/* the NICs that own packet.source and packet.destination, looked up once when
	 * first needed (by an NSG naming ASGs, or to find the destination) */
	VsAddressOwner owners[2];
	gboolean explain;
	/* issues get their detail sentence (text output, scenarios); FALSE for JSON-only
	 * answers (VsQuery.skip_details) */
	gboolean details;
	guint visited[VS_WALK_HOP_CAPACITY]; /* the id of every NIC the packet passed */
	guint visited_count;
	/* TRUE for the reply's walk: routes only (NSGs and guest firewalls are
	 * stateful, host checks were made on the request) */
	gboolean reply;
	VsReplyDecision *decisions; /* reply walks only (VS_WALK_HOP_CAPACITY), else NULL */
	guint decision_count;
} VsWalk;

static void explain(VsWalk *walk, VsHop *hop, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* An issue's detail sentence (owned), or NULL when the walk builds none: a macro, so that
 * the arguments (route names, 5-tuples) are not even formatted then. */
#define describe(walk, ...) ((walk)->details ? g_strdup_printf(__VA_ARGS__) : NULL)

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

static guint
hop_count(const VsWalk *walk)
{
	return walk->trace != NULL ? walk->trace->hops->len : walk->verdict->hop_count;
}

static VsHopType
hop_type_at(const VsWalk *walk, guint i)
{
	return walk->trace != NULL ? ((const VsHop *)g_ptr_array_index(walk->trace->hops, i))->type
				   : walk->verdict->hop_types[i];
}

static const VsNic *
hop_nic_at(const VsWalk *walk, guint i)
{
	return walk->trace != NULL ? ((const VsHop *)g_ptr_array_index(walk->trace->hops, i))->nic
				   : walk->verdict->hop_nics[i];
}

/* The hop at index i, of whichever sink. */
static VsHop *
hop_at(const VsWalk *walk, guint i)
{
	return walk->trace != NULL ? g_ptr_array_index(walk->trace->hops, i) : &walk->scratch[i];
}

/* The index of hop in its walk. */
static guint
hop_index(const VsWalk *walk, const VsHop *hop)
{
	if (walk->trace == NULL)
		return (guint)(hop - walk->scratch);
	for (guint i = 0; i < walk->trace->hops->len; i++)
		if (g_ptr_array_index(walk->trace->hops, i) == hop)
			return i;
	return 0;
}

/* Appends a hop to whichever sink the walk has. */
static VsHop *
add_hop(VsWalk *walk, VsHopType type, VsIp4 address, const VsNic *nic)
{
	VsWalkVerdict *verdict = walk->verdict;
	VsHop *hop;

	if (walk->trace != NULL) {
		hop = vs_hop_new(type, address);
		hop->nic = nic;
		return vs_trace_add_hop(walk->trace, hop);
	}
	g_assert(verdict->hop_count < VS_WALK_HOP_CAPACITY);
	hop = &walk->scratch[verdict->hop_count];
	/* no issue list: a verdict-only walk asks the host checks for their decisions
	 * alone (host_error) */
	*hop = (VsHop){.type = type, .address = address, .nic = nic};
	verdict->hop_types[verdict->hop_count] = type;
	verdict->hop_nics[verdict->hop_count] = nic;
	verdict->hop_count++;
	return hop;
}

/* Keeps candidate as the decisive issue if it comes first in hop order. */
static void
record_decisive(VsDecisive *decisive, const VsDecisive *candidate)
{
	if (decisive->set && decisive->hop <= candidate->hop)
		return;
	*decisive = *candidate;
	decisive->set = TRUE;
}

static void
record(VsDecisive *decisive, guint hop, VsIssueOrigin origin, VsIssueType type, const VsRule *rule,
       const VsEffectiveRoute *route)
{
	VsDecisive candidate = {TRUE, hop, type, origin, rule, route, NULL, NULL, NULL};

	record_decisive(decisive, &candidate);
}

/*
 * Raises an Error issue on hop.  With a trace, returns the new issue for the
 * caller to describe (detail, context); without one, records it as the
 * deciding issue if it is the first in hop order, and returns NULL: the
 * caller then builds no strings.
 */
static VsIssue *
add_issue(VsWalk *walk, VsHop *hop, VsIssueOrigin origin, VsIssueType type, const VsRule *rule,
	  const VsEffectiveRoute *route)
{
	VsIssue *issue;

	if (walk->trace == NULL) {
		record(&walk->error, hop_index(walk, hop), origin, type, rule, route);
		return NULL;
	}
	issue = vs_issue_new(origin, VS_ISSUE_SEVERITY_ERROR, type);
	issue->rule = rule;
	issue->route = route != NULL ? route->user_route : NULL;
	g_ptr_array_add(hop->issues, issue);
	return issue;
}

/* Verdict-only: the Error a host check (hosts.c) would raise on hop, recorded as the
 * deciding issue as add_issue's would be; the verdict-only walk asks hosts.c for the
 * decision alone, with no issue or string. */
static void
host_error(VsWalk *walk, VsHop *hop, VsIssueOrigin origin, VsIssueType type,
	   const VsFwRule *firewall_rule)
{
	VsDecisive candidate = {TRUE, hop_index(walk, hop), type, origin, NULL,
				NULL, firewall_rule,        NULL, NULL};

	record_decisive(&walk->error, &candidate);
}

/* The NIC that owns the packet's destination address (vs_model_find_nic_by_ip), looked up
 * once per walk. */
static const VsNic *
destination_owner(VsWalk *walk)
{
	if (!walk->owners[1].resolved)
		vs_nsg_index_owner(walk->engine->nsgs, walk->packet.destination, &walk->owners[1]);
	return walk->owners[1].nic;
}

/* vs_model_connected_peering, from the engine's table. */
static const VsPeering *
connected_peering(const VsWalk *walk, const VsVnet *from, const VsVnet *to)
{
	const GPtrArray *vnets = walk->model->vnets;

	if (from->id >= vnets->len || to->id >= vnets->len ||
	    g_ptr_array_index(vnets, from->id) != from || g_ptr_array_index(vnets, to->id) != to)
		return vs_model_connected_peering(walk->model, from, to);
	return walk->engine->connected_peerings[(gsize)from->id * vnets->len + to->id];
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
	for (guint i = 0; i < walk->visited_count; i++)
		if (walk->visited[i] == nic->id)
			return TRUE;
	return FALSE;
}

static VsHop *
add_nic_hop(VsWalk *walk, VsHopType type, const VsNic *nic)
{
	VsHop *hop = add_hop(walk, type, nic->private_ip, nic);

	/* the reply's hops are compared, never printed: they need no resource ID */
	if (walk->trace != NULL && !walk->reply)
		hop->resource_id = type == VS_HOP_SOURCE ? vs_vm_resource_id(walk->model, nic->vm)
							 : vs_nic_resource_id(walk->model, nic);
	g_assert(walk->visited_count < VS_WALK_HOP_CAPACITY);
	walk->visited[walk->visited_count++] = nic->id;
	/* load raises Warnings only, which decide nothing: a verdict-only walk skips it */
	if (!walk->reply && nic->vm != NULL && walk->trace != NULL)
		vs_hosts_check_load(hop, nic->vm);
	return hop;
}

/* The guest firewall of nic's VM; a reply passes (guest firewalls are stateful too). */
static gboolean
check_firewall(VsWalk *walk, VsHop *hop, const VsNic *nic, VsFwDirection direction,
	       VsIssueOrigin origin, const VsPacket *packet)
{
	gboolean passed;

	if (walk->reply || nic->vm == NULL)
		return TRUE;
	if (walk->trace == NULL) {
		const VsFwRule *rule = NULL;

		passed = vs_firewall_evaluate(nic->vm, direction, packet, &rule) == VS_ACCESS_ALLOW;
		if (!passed)
			host_error(walk, hop, origin, VS_ISSUE_GUEST_FIREWALL, rule);
		return passed;
	}
	return vs_hosts_check_firewall(hop, nic->vm, direction, origin, packet, walk->explain);
}

/* Whether the destination VM answers; a reply needs no answer. */
static gboolean
check_listener(VsWalk *walk, VsHop *hop, const VsNic *nic, const VsPacket *packet)
{
	gboolean passed;

	if (walk->reply || nic->vm == NULL)
		return TRUE;
	if (walk->trace == NULL) {
		passed = vs_hosts_listener_answers(nic->vm, packet);
		if (!passed)
			host_error(walk, hop, VS_ORIGIN_LOCAL, VS_ISSUE_NO_LISTENER, NULL);
		return passed;
	}
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

/* The context of an NSG deny and, with details, its sentence (only a walk with a trace
 * builds strings: the owning locals live here, so that a verdict-only walk does not even
 * free them). */
static void
describe_nsg_deny(VsIssue *issue, const VsNic *nic, VsDirection direction, const VsPacket *packet,
		  const VsRule *rule, gboolean details)
{
	const VsNsg *levels[2];
	guint count;
	g_autofree char *name = NULL, *where = NULL, *tuple = NULL;

	name = vs_rule_display_name(rule);
	vs_issue_add_context(issue, "RuleName", name);
	vs_issue_add_context(issue, "NsgName", rule->nsg->name);
	if (!details)
		return;
	count = vs_nsg_levels(nic, direction, levels);
	for (guint i = 0; i < count; i++) {
		if (levels[i] == rule->nsg) {
			where = level_text(nic, direction, count, i);
			break;
		}
	}
	tuple = vs_packet_to_string(packet);
	issue->detail =
		g_strdup_printf("NSG %s on %s denies %s %s with %s rule %s (priority %u).",
				rule->nsg->name, where ? where : nic->name,
				direction == VS_DIRECTION_INBOUND ? "inbound" : "outbound", tuple,
				rule->is_default ? "default" : "its", rule->name, rule->priority);
}

/* Evaluates the NSGs at nic; a deny becomes an issue on hop.  Returns TRUE if allowed. */
static gboolean
check_nsgs(VsWalk *walk, VsHop *hop, const VsNic *nic, VsDirection direction,
	   const VsPacket *packet)
{
	VsNsgVerdict verdict;
	VsIssue *issue;

	if (walk->reply)
		return TRUE; /* NSGs are stateful: the flow record lets the reply through */
	if (packet == &walk->packet) {
		verdict = vs_nsg_index_evaluate_nic_owned(walk->engine->nsgs, nic, direction,
							  packet, walk->owners);
	} else {
		VsAddressOwner owners[2] = {{0}, {0}};

		verdict = vs_nsg_index_evaluate_nic_owned(walk->engine->nsgs, nic, direction,
							  packet, owners);
	}
	if (walk->explain)
		explain_nsgs(walk, hop, nic, direction, packet);
	if (verdict.access == VS_ACCESS_ALLOW)
		return TRUE;
	issue = add_issue(walk, hop,
			  direction == VS_DIRECTION_INBOUND ? VS_ORIGIN_INBOUND
							    : VS_ORIGIN_OUTBOUND,
			  VS_ISSUE_NETWORK_SECURITY_RULE, verdict.rule, NULL);
	if (issue == NULL)
		return FALSE;
	describe_nsg_deny(issue, nic, direction, packet, verdict.rule, walk->details);
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

/* A routing drop: an issue of type UserDefinedRoute on the hop that routed.  Returns the
 * issue for the caller's detail, or NULL on a verdict-only walk. */
static VsIssue *
route_drop(VsWalk *walk, VsHop *hop, const VsEffectiveRoute *route)
{
	VsIssue *issue =
		add_issue(walk, hop, VS_ORIGIN_OUTBOUND, VS_ISSUE_USER_DEFINED_ROUTE, NULL, route);

	if (issue != NULL && route != NULL)
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
	char source[16];
	VsIssue *issue;
	char *detail;

	if (from == NULL || to == NULL || from == to)
		return TRUE;
	peering = connected_peering(walk, from, to);
	if (peering != NULL && peering->allow_virtual_network_access &&
	    (vnet_contains(from, walk->packet.source) ||
	     (peering->reverse != NULL && peering->reverse->allow_forwarded_traffic))) {
		explain(walk, hop, "The peering %s -> %s is Connected and carries the packet.",
			from->name, to->name);
		return TRUE;
	}
	if (walk->trace == NULL) {
		VsDecisive candidate = {TRUE,
					hop_index(walk, hop),
					VS_ISSUE_PLATFORM,
					VS_ORIGIN_OUTBOUND,
					NULL,
					NULL,
					NULL,
					from,
					to};

		record_decisive(&walk->error, &candidate);
		return FALSE;
	}
	issue = add_issue(walk, hop, VS_ORIGIN_OUTBOUND, VS_ISSUE_PLATFORM, NULL, NULL);
	if (peering == NULL) {
		detail = describe(walk,
				  "VNet %s has no Connected peering with VNet %s, so the "
				  "platform does not carry the packet there.",
				  from->name, to->name);
	} else if (!peering->allow_virtual_network_access) {
		detail = describe(walk,
				  "The peering from %s to %s has allowVirtualNetworkAccess "
				  "false: it carries no traffic from %s.",
				  from->name, to->name, from->name);
	} else {
		detail = describe(
			walk,
			"The source %s lies outside %s, so the packet was forwarded; %s's peering "
			"to %s does not have allowForwardedTraffic, so %s refuses it.",
			vs_ip4_format(walk->packet.source, source), from->name, to->name,
			from->name, to->name);
	}
	issue->detail = detail;
	{
		g_autofree char *peering_text = g_strdup_printf("%s -> %s", from->name, to->name);

		vs_issue_add_context(issue, "Peering", peering_text);
	}
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

		hop = add_hop(walk, VS_HOP_VNET_LOCAL, walk->packet.destination, NULL);
		issue = add_issue(walk, hop, VS_ORIGIN_LOCAL, VS_ISSUE_UNKNOWN, NULL, NULL);
		if (issue == NULL)
			return FALSE;
		hop->resource_id = g_strdup("Unknown");
		vs_ip4_format(walk->packet.destination, destination);
		if (to_vnet != NULL)
			issue->detail = describe(walk,
						 "No NIC in the model has address %s "
						 "(inside VNet %s), so nothing "
						 "receives the packet.",
						 destination, to_vnet->name);
		else
			issue->detail = describe(walk,
						 "No NIC in the model has address %s and "
						 "no VNet contains it, so nothing "
						 "receives the packet.",
						 destination);
		explain(walk, hop, "%s", issue->detail);
		return FALSE;
	}
	hop = add_nic_hop(walk, VS_HOP_VNET_LOCAL, target);
	check_nsgs(walk, hop, target, VS_DIRECTION_INBOUND, &walk->packet);
	check_firewall(walk, hop, target, VS_FW_INBOUND, VS_ORIGIN_INBOUND, &walk->packet);
	check_listener(walk, hop, target, &walk->packet);
	return TRUE;
}

/*
 * A Standard public IP is closed to inbound traffic unless an NSG allows it
 * (reference 2.6).  Basic public IPs, which were open, were retired on 30
 * September 2025, so vnetsim takes every public IP of a model as Standard:
 * with no NSG on the NIC nor on its subnet, nothing arriving through the
 * public address gets in.  (With an NSG, its rules decide as usual.)
 */
static void
check_public_ip_open(VsWalk *walk, VsHop *hop, const VsNic *nic)
{
	VsIssue *issue;
	char ip[16];

	if (walk->reply || nic->nsg != NULL || (nic->subnet != NULL && nic->subnet->nsg != NULL))
		return;
	issue = add_issue(walk, hop, VS_ORIGIN_INBOUND, VS_ISSUE_PLATFORM, NULL, NULL);
	if (issue == NULL)
		return;
	vs_ip4_format(nic->public_ip, ip);
	issue->detail = describe(
		walk,
		"Public IP %s of %s is a Standard public IP, closed to inbound traffic unless an "
		"NSG allows it, and neither %s nor its subnet %s has an NSG.",
		ip, nic->name, nic->name, nic->subnet != NULL ? nic->subnet->path : "");
	vs_issue_add_context(issue, "ErrorMessage",
			     "Standard public IP closed to inbound traffic: no NSG on the NIC or "
			     "its subnet allows it");
}

static gboolean
to_internet(VsWalk *walk, VsHop *from_hop, const VsNic *from)
{
	const VsNic *target;
	VsHop *hop;

	if (!from->has_public_ip &&
	    (from->subnet == NULL || !from->subnet->default_outbound_access)) {
		VsIssue *issue = add_issue(walk, from_hop, VS_ORIGIN_OUTBOUND, VS_ISSUE_PLATFORM,
					   NULL, NULL);

		if (issue != NULL) {
			g_autofree char *message = g_strdup_printf(
				"Private subnet %s (defaultOutboundAccess false) and no public IP "
				"on %s: no outbound connectivity",
				from->subnet != NULL ? from->subnet->path : "?", from->name);

			issue->detail = describe(
				walk,
				"%s has no way out to the internet: its subnet %s is a "
				"private subnet (defaultOutboundAccess false) and it has "
				"no public IP address.",
				from->name, from->subnet != NULL ? from->subnet->path : "?");
			vs_issue_add_context(issue, "ErrorMessage", message);
			explain(walk, from_hop, "%s", issue->detail);
		}
	} else if (walk->explain) {
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
	hop = add_hop(walk, VS_HOP_INTERNET, walk->packet.destination, NULL);
	if (walk->trace != NULL)
		hop->resource_id = g_strdup("Internet");

	target = g_hash_table_lookup(walk->engine->nic_by_public_ip,
				     GUINT_TO_POINTER(walk->packet.destination));
	if (target == NULL) {
		VsIssueType type;

		if (walk->trace != NULL)
			vs_hosts_check_internet(hop, walk->model, &walk->packet, walk->explain);
		else if (!vs_hosts_internet_answers(walk->model, &walk->packet, &type))
			host_error(walk, hop, VS_ORIGIN_LOCAL, type, NULL);
		return TRUE;
	}
	if (!from->has_public_ip) {
		if (walk->trace != NULL)
			g_ptr_array_add(
				walk->trace->notes,
				g_strdup_printf(
					"The destination is the public IP of %s, but %s "
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
		if (walk->explain)
			explain(walk, last, "Arrives through public IP %s, translated to %s.",
				vs_ip4_format(walk->packet.destination, ip), target->name);
		check_public_ip_open(walk, last, target);
		check_nsgs(walk, last, target, VS_DIRECTION_INBOUND, &translated);
		check_firewall(walk, last, target, VS_FW_INBOUND, VS_ORIGIN_INBOUND, &translated);
		check_listener(walk, last, target, &translated);
	}
	return TRUE;
}

/* ---------------------------------------------------------------- the walk */

/* Routes from hop (at nic) until the packet arrives or is dropped; TRUE if it arrived. */
/* The route's name for a detail or explain line, formatted on first use (owned by *cache). */
static const char *
lazy_route_name(char **cache, const VsEffectiveRoute *route)
{
	if (*cache == NULL)
		*cache = route_name_text(route);
	return *cache;
}

static gboolean
route_on(VsWalk *walk, VsHop *hop, const VsNic *nic)
{
	char destination[16], next_ip[16];
	/* out of the loop: a verdict-only walk builds none, and need not free one per leg */
	g_autofree char *route_name = NULL;

	for (;;) {
		const VsEffectiveRoute *route = vs_route_lookup(walk->engine->routes, nic->subnet,
								walk->packet.destination);
		const VsNic *appliance;
		const VsVnet *from_vnet, *to_vnet;
		VsIssue *issue;
		VsHop *next;

		if (walk->trace != NULL) {
			vs_ip4_format(walk->packet.destination, destination);
			/* a new leg: the last leg's route name (lazy_route_name) is stale */
			g_clear_pointer(&route_name, g_free);
			if (route != NULL)
				vs_ip4_format(route->next_hop_ip, next_ip);
		}
		if (walk->explain)
			explain_route(walk, hop, nic->subnet, route);
		if (walk->decisions != NULL && route != NULL) {
			g_assert(walk->decision_count < VS_WALK_HOP_CAPACITY);
			walk->decisions[walk->decision_count++] = (VsReplyDecision){nic, route};
		}
		if (route == NULL) {
			if ((issue = route_drop(walk, hop, NULL)) != NULL)
				issue->detail = describe(
					walk,
					"No route of subnet %s matches %s, so the packet is "
					"dropped.",
					nic->subnet != NULL ? nic->subnet->path : "?", destination);
			return FALSE;
		}
		switch (route->next_hop_type) {
		case VS_NEXT_HOP_NONE:
			if ((issue = route_drop(walk, hop, route)) != NULL) {
				g_autofree char *reason =
					route->user_route == NULL
						? none_route_reason(walk, nic_vnet(nic))
						: g_strdup("");

				issue->detail = describe(
					walk,
					"%s matches %s, whose next hop is "
					"None: the packet is dropped.%s",
					destination, lazy_route_name(&route_name, route), reason);
			}
			return FALSE;
		case VS_NEXT_HOP_VNET_GATEWAY:
			if ((issue = route_drop(walk, hop, route)) != NULL)
				issue->detail = describe(
					walk,
					"%s matches %s, whose next hop is a virtual network "
					"gateway; vnetsim models no gateways, and Azure "
					"drops traffic whose next hop does not exist.",
					destination, lazy_route_name(&route_name, route));
			return FALSE;
		case VS_NEXT_HOP_INTERNET:
			if (walk->reply) {
				/* a reply to a private source sent to the internet never
				 * comes back */
				if ((issue = route_drop(walk, hop, route)) != NULL)
					issue->detail = describe(
						walk,
						"%s matches %s, whose next hop is the "
						"Internet: the reply leaves the virtual network.",
						destination, lazy_route_name(&route_name, route));
				return FALSE;
			}
			return to_internet(walk, hop, nic);
		case VS_NEXT_HOP_VNET_LOCAL:
		case VS_NEXT_HOP_VNET_PEERING:
			return arrive(walk, hop, nic, destination_owner(walk));
		case VS_NEXT_HOP_VIRTUAL_APPLIANCE:
		default:
			break;
		}

		appliance = NULL;
		if (route->has_next_hop_ip) {
			VsAddressOwner owner;

			vs_nsg_index_owner(walk->engine->nsgs, route->next_hop_ip, &owner);
			appliance = owner.nic;
		}
		if (appliance == NULL) {
			if ((issue = route_drop(walk, hop, route)) != NULL)
				issue->detail =
					describe(walk,
						 "%s sends %s to the virtual appliance %s, but no "
						 "NIC in the model has that address: the packet "
						 "is dropped.",
						 lazy_route_name(&route_name, route), destination,
						 route->has_next_hop_ip ? next_ip : "(none)");
			return FALSE;
		}
		if (appliance->private_ip == walk->packet.destination)
			return arrive(walk, hop, nic, appliance); /* the destination itself */
		if (visited(walk, appliance)) {
			if ((issue = route_drop(walk, hop, route)) != NULL)
				issue->detail =
					describe(walk,
						 "Routing loop: %s sends %s back to %s (%s), "
						 "which the packet has already passed.",
						 lazy_route_name(&route_name, route), destination,
						 appliance->name, next_ip);
			return FALSE;
		}
		if (hop_count(walk) >= VS_WALK_MAX_HOPS) {
			if ((issue = route_drop(walk, hop, route)) != NULL)
				issue->detail = describe(walk,
							 "The path exceeds %u hops: treated "
							 "as a routing loop.",
							 VS_WALK_MAX_HOPS);
			return FALSE;
		}
		if (!appliance->ip_forwarding) {
			if ((issue = route_drop(walk, hop, route)) != NULL)
				issue->detail = describe(
					walk,
					"%s sends %s to %s (%s), which does not have "
					"enableIpForwarding: it drops packets not addressed "
					"to itself.",
					lazy_route_name(&route_name, route), destination,
					appliance->name, next_ip);
			return FALSE;
		}
		from_vnet = nic_vnet(nic);
		to_vnet = nic_vnet(appliance);
		if (from_vnet != NULL && to_vnet != NULL && from_vnet != to_vnet &&
		    connected_peering(walk, from_vnet, to_vnet) == NULL) {
			if ((issue = route_drop(walk, hop, route)) != NULL)
				issue->detail = describe(
					walk,
					"%s sends %s to %s (%s) in VNet %s, which is not "
					"directly reachable from VNet %s (no Connected "
					"peering).",
					lazy_route_name(&route_name, route), destination,
					appliance->name, next_ip, to_vnet->name, from_vnet->name);
			return FALSE;
		}
		if (!cross_peering(walk, hop, from_vnet, to_vnet))
			return FALSE;

		next = add_nic_hop(walk, VS_HOP_VIRTUAL_APPLIANCE, appliance);
		if (walk->explain)
			explain(walk, next,
				"%s is a virtual appliance: %s sends it the packet, and its NIC "
				"%s has enableIpForwarding, so it accepts a packet addressed to "
				"another host.  Its NSGs see the original addresses.",
				appliance->vm != NULL ? appliance->vm->name : appliance->name,
				lazy_route_name(&route_name, route), appliance->name);
		check_nsgs(walk, next, appliance, VS_DIRECTION_INBOUND, &walk->packet);
		check_firewall(walk, next, appliance, VS_FW_FORWARD, VS_ORIGIN_LOCAL,
			       &walk->packet);
		check_nsgs(walk, next, appliance, VS_DIRECTION_OUTBOUND, &walk->packet);
		hop = next;
		nic = appliance;
	}
}

/* ---------------------------------------------------------------- the return path */

/* The index of the hop of walk's path at nic, or -1. */
static int
hop_index_of_nic(const VsWalk *walk, const VsNic *nic)
{
	for (guint i = 0; i < hop_count(walk); i++)
		if (hop_nic_at(walk, i) == nic)
			return (int)i;
	return -1;
}

static const char *
nic_vm_name(const VsNic *nic)
{
	return nic->vm != NULL ? nic->vm->name : nic->name;
}

/* "fw1, fw2" (the VMs of the appliance hops), or "none" (owned) */
static char *
appliances_text(const VsWalk *walk)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < hop_count(walk); i++)
		if (hop_type_at(walk, i) == VS_HOP_VIRTUAL_APPLIANCE)
			g_string_append_printf(text, "%s%s", text->len > 0 ? ", " : "",
					       nic_vm_name(hop_nic_at(walk, i)));
	if (text->len == 0)
		g_string_append(text, "none");
	return g_string_free(text, FALSE);
}

/*
 * The first routing decision of the reply that leaves the request's path
 * reversed: the one that sends the reply elsewhere.  The reply's hop i is
 * where decision i was made; the request reversed visits the same NICs in
 * the opposite order.
 */
static const VsReplyDecision *
divergent_decision(const VsWalk *walk, const VsWalk *reply)
{
	guint n = hop_count(walk), replies = hop_count(reply);

	for (guint i = 0; i < reply->decision_count; i++)
		if (i + 1 >= replies || i + 1 >= n ||
		    hop_nic_at(reply, i + 1) != hop_nic_at(walk, n - 2 - i))
			return &reply->decisions[i];
	return reply->decision_count > 0 ? &reply->decisions[0] : NULL;
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

/* The request's hop that carries an issue about the reply at nic: the request's own hop
 * at that NIC, else the destination hop. */
static guint
request_hop_for(const VsWalk *walk, const VsNic *nic)
{
	int at = nic != NULL ? hop_index_of_nic(walk, nic) : -1;

	return at >= 0 ? (guint)at : hop_count(walk) - 1;
}

/* The reply cannot come back: its drop becomes an Error on the request's path. */
static void
reply_dropped(VsWalk *walk, const VsWalk *reply, const char *tuple)
{
	VsHop *destination_hop = hop_at(walk, hop_count(walk) - 1);

	if (walk->trace == NULL) {
		if (reply->error.set) {
			VsDecisive candidate = reply->error;

			candidate.hop = request_hop_for(walk, hop_nic_at(reply, reply->error.hop));
			candidate.origin = VS_ORIGIN_OUTBOUND;
			candidate.rule = NULL;
			candidate.firewall_rule = NULL;
			record_decisive(&walk->error, &candidate);
		}
		return;
	}
	for (guint i = 0; i < reply->trace->hops->len; i++) {
		const VsHop *reply_hop = g_ptr_array_index(reply->trace->hops, i);
		VsHop *target = hop_at(walk, request_hop_for(walk, reply_hop->nic));

		for (guint j = 0; j < reply_hop->issues->len; j++) {
			const VsIssue *dropped = g_ptr_array_index(reply_hop->issues, j);
			VsIssue *issue;

			if (dropped->severity != VS_ISSUE_SEVERITY_ERROR)
				continue;
			issue = vs_issue_new(VS_ORIGIN_OUTBOUND, VS_ISSUE_SEVERITY_ERROR,
					     dropped->type);
			issue->detail = describe(walk, "The reply (%s) cannot come back.  %s",
						 tuple, dropped->detail);
			issue->route = dropped->route;
			for (guint k = 0; k < dropped->context->len; k++) {
				const VsIssueContext *context =
					g_ptr_array_index(dropped->context, k);

				vs_issue_add_context(issue, context->key, context->value);
			}
			g_ptr_array_add(target->issues, issue);
			explain(walk, destination_hop, "  %s", issue->detail);
			return;
		}
	}
}

/* A Warning of asymmetric routing on the request's hop at index at (detail: owned, NULL
 * on a verdict-only walk, which records it as the deciding issue should the connection
 * fail for it). */
static void
asymmetry(VsWalk *walk, guint at, VsIssueOrigin origin, const VsReplyDecision *decision,
	  char *detail)
{
	VsIssue *issue;

	if (walk->trace == NULL) {
		record(&walk->warning, at, origin, VS_ISSUE_USER_DEFINED_ROUTE, NULL,
		       decision != NULL ? decision->route : NULL);
		return;
	}
	issue = vs_issue_new(origin, VS_ISSUE_SEVERITY_WARNING, VS_ISSUE_USER_DEFINED_ROUTE);
	issue->detail = detail;
	if (decision != NULL)
		add_route_context(issue, decision->route);
	g_ptr_array_add(hop_at(walk, at)->issues, issue);
}

static void
explain_decisions(VsWalk *walk, VsHop *hop, const VsWalk *reply)
{
	for (guint i = 0; walk->explain && i < reply->decision_count; i++) {
		g_autofree char *text = decision_text(&reply->decisions[i]);

		explain(walk, hop, "  %s.", text);
	}
}

/* The reply's 5-tuple for a detail line, formatted on first use (owned by *cache). */
static const char *
lazy_tuple(char **cache, const VsPacket *packet)
{
	if (*cache == NULL)
		*cache = vs_packet_to_string(packet);
	return *cache;
}

/*
 * Walks the reply of a request that reached a VM by private routing, and
 * compares the appliances it passes with the request's.  Returns FALSE when
 * the reply cannot make the connection work: it is dropped, or the paths are
 * asymmetric through an appliance (which, stateful, drops the flow).  The
 * reply's walk uses the request's kind of sink.
 */
static gboolean
check_return_path(VsWalk *walk)
{
	guint n = hop_count(walk);
	const VsNic *destination = hop_nic_at(walk, n - 1);
	VsHop *destination_hop = hop_at(walk, n - 1);
	g_autoptr(VsTrace) reply_trace = NULL;
	g_autofree char *tuple = NULL;
	VsReplyDecision decisions[VS_WALK_HOP_CAPACITY];
	VsHop reply_scratch[VS_WALK_HOP_CAPACITY];
	VsWalkVerdict reply_verdict;
	VsWalk reply;
	gboolean symmetric = TRUE;
	VsHop *start;

	if (hop_type_at(walk, n - 1) != VS_HOP_VNET_LOCAL || destination == NULL)
		return TRUE;
	/* Through the internet, the reply comes back to the public address the
	 * request left with (SNAT), so it retraces the request by construction. */
	for (guint i = 0; i < n; i++)
		if (hop_type_at(walk, i) == VS_HOP_INTERNET)
			return TRUE;

	memset(&reply, 0, sizeof(reply));
	reply.engine = walk->engine;
	reply.model = walk->model;
	reply.reply = TRUE;
	reply.details = walk->details;
	reply.decisions = decisions;
	if (walk->trace != NULL) {
		reply_trace = vs_trace_new();
		reply.trace = reply_trace;
	} else {
		reply_verdict.hop_count = 0;
		reply.verdict = &reply_verdict;
		reply.scratch = reply_scratch;
	}
	reply.packet = (VsPacket){
		.source = walk->packet.destination,
		.destination = walk->packet.source,
		.protocol = walk->packet.protocol,
		.source_port = walk->packet.destination_port,
		.destination_port = walk->packet.source_port,
	};
	/* the reply's two addresses are the request's swapped, and so are their owners */
	reply.owners[0] = walk->owners[1];
	reply.owners[1] = walk->owners[0];
	if (walk->explain)
		tuple = vs_packet_to_string(&reply.packet);
	explain(walk, destination_hop,
		"Return path: the reply %s is routed back from here.  NSGs and guest "
		"firewalls are stateful and let it through, but every subnet it leaves "
		"routes it again:",
		tuple);
	start = add_nic_hop(&reply, VS_HOP_SOURCE, destination);
	if (!route_on(&reply, start, destination)) {
		explain_decisions(walk, destination_hop, &reply);
		reply_dropped(walk, &reply,
			      walk->trace != NULL ? lazy_tuple(&tuple, &reply.packet) : NULL);
		return FALSE;
	}
	explain_decisions(walk, destination_hop, &reply);

	{
		const VsReplyDecision *divergent = divergent_decision(walk, &reply);

		/* an appliance of the request that the reply bypasses */
		for (guint i = 0; i < n; i++) {
			const VsNic *nic = hop_nic_at(walk, i);
			char *detail = NULL;

			if (hop_type_at(walk, i) != VS_HOP_VIRTUAL_APPLIANCE ||
			    hop_index_of_nic(&reply, nic) >= 0)
				continue;
			symmetric = FALSE;
			if (walk->trace != NULL && walk->details) {
				g_autofree char *where =
					divergent != NULL ? decision_text(divergent) : g_strdup("");

				detail = g_strdup_printf(
					"Asymmetric routing: the request passes %s, but the reply "
					"(%s) does not: %s.  A stateful appliance drops a flow it "
					"sees only half of, so the connection fails.  Route the "
					"reply through %s as well, or the request around it.",
					nic_vm_name(nic), lazy_tuple(&tuple, &reply.packet), where,
					nic_vm_name(nic));
			}
			asymmetry(walk, i, VS_ORIGIN_LOCAL, divergent, detail);
		}
	}
	/* an appliance of the reply that the request did not pass */
	for (guint i = 0; i < hop_count(&reply); i++) {
		const VsNic *nic = hop_nic_at(&reply, i);
		const VsReplyDecision *sender;
		char *detail = NULL;

		if (hop_type_at(&reply, i) != VS_HOP_VIRTUAL_APPLIANCE ||
		    hop_index_of_nic(walk, nic) >= 0)
			continue;
		symmetric = FALSE;
		/* decision i - 1 sent the reply to this appliance */
		sender = &reply.decisions[i - 1];
		if (walk->trace != NULL && walk->details) {
			g_autofree char *where = decision_text(sender);

			detail = g_strdup_printf(
				"Asymmetric routing: the reply (%s) passes %s, which the request "
				"did not: %s.  %s never saw the request, so as a stateful "
				"appliance it drops the reply and the connection fails.",
				lazy_tuple(&tuple, &reply.packet), nic_vm_name(nic), where,
				nic_vm_name(nic));
		}
		asymmetry(walk, request_hop_for(walk, sender->at), VS_ORIGIN_OUTBOUND, sender,
			  detail);
	}
	if (walk->explain) {
		g_autofree char *request_appliances = appliances_text(walk);
		g_autofree char *reply_appliances = appliances_text(&reply);

		if (symmetric)
			explain(walk, destination_hop,
				"  The reply passes the same appliances as the request (%s): the "
				"route is symmetric.",
				request_appliances);
		else
			explain(walk, destination_hop,
				"  The request passes %s but the reply passes %s: asymmetric "
				"routing, which a stateful appliance does not survive.",
				request_appliances, reply_appliances);
	}
	return symmetric;
}

/* ---------------------------------------------------------------- the walk */

/* The Source hop only, with a DnsResolution issue: the name led nowhere. */
static void
unresolved(VsWalk *walk, VsHop *hop, const VsNic *source, const char *name)
{
	VsIssue *issue = add_issue(walk, hop, VS_ORIGIN_LOCAL, VS_ISSUE_DNS_RESOLUTION, NULL, NULL);

	if (issue == NULL)
		return;
	issue->detail = describe(walk,
				 "The name %s does not resolve from %s: it is not one of "
				 "dns.records, not a VM in VNet %s (Azure-provided DNS), and "
				 "not one of internet.endpoints.  Nothing was sent.",
				 name, source->vm != NULL ? source->vm->name : source->name,
				 source->subnet != NULL ? source->subnet->vnet->name : "?");
	vs_issue_add_context(issue, "Name", name);
	explain(walk, hop, "%s", issue->detail);
}

/* A hint, with no effect on the answer: starts fetching what the packet's arrival at nic
 * reads (its VM, its inbound NSGs' tables, its subnet's routes for the reply). */
static void
prefetch_arrival(const VsWalk *walk, const VsNic *nic)
{
	__builtin_prefetch(nic->vm);
	vs_nsg_index_prefetch(walk->engine->nsgs, nic, VS_DIRECTION_INBOUND);
	vs_route_index_prefetch(walk->engine->routes, nic->subnet);
}

/* The walk both sinks share: the Source hop and its checks, then the routed path and the
 * reply's.  Returns TRUE when the packet arrived and the reply can come back (issues
 * aside). */
static gboolean
walk_path(VsWalk *walk, const VsQuery *query)
{
	const VsNic *source = query->source;
	gboolean has_ports = vs_protocol_has_ports(query->protocol);
	gboolean arrived = FALSE;
	VsHop *hop;

	walk->packet = (VsPacket){
		.source = source->private_ip,
		.destination = query->unresolved_name != NULL ? 0 : query->destination,
		.protocol = query->protocol,
		.source_port = has_ports ? query->source_port : 0,
		.destination_port = has_ports ? query->destination_port : 0,
	};
	/* Prefetching, in stages (no effect on the answer): random checks find the
	 * NICs, the NSG tables and the route tables cold, and fetched one after the other
	 * those misses were most of a check's time.  Here the owner of the destination
	 * and the tables the source's outbound NSGs and routes read; the destination's
	 * NIC below, then what its arrival reads (prefetch_arrival). */
	if (query->unresolved_name == NULL)
		vs_nsg_index_prefetch_owner(walk->engine->nsgs, walk->packet.destination);
	vs_nsg_index_prefetch_owner(walk->engine->nsgs, walk->packet.source); /* the reply's */
	vs_nsg_index_prefetch(walk->engine->nsgs, source, VS_DIRECTION_OUTBOUND);
	vs_route_index_prefetch(walk->engine->routes, source->subnet);
	hop = add_nic_hop(walk, VS_HOP_SOURCE, source);
	if (source->vm != NULL) {
		gboolean agent = source->vm->network_watcher_agent;

		if (walk->trace != NULL)
			agent = vs_hosts_check_agent(hop, source->vm);
		else if (!agent)
			host_error(walk, hop, VS_ORIGIN_LOCAL, VS_ISSUE_AGENT_STOPPED, NULL);
		if (!agent)
			return FALSE;
	}
	if (query->unresolved_name != NULL) {
		unresolved(walk, hop, source, query->unresolved_name);
		return FALSE;
	}
	if (destination_owner(walk) != NULL)
		__builtin_prefetch(destination_owner(walk));
	/* the operating system's firewall sees the packet before the NIC */
	check_firewall(walk, hop, source, VS_FW_OUTBOUND, VS_ORIGIN_OUTBOUND, &walk->packet);
	check_nsgs(walk, hop, source, VS_DIRECTION_OUTBOUND, &walk->packet);
	if (destination_owner(walk) != NULL)
		prefetch_arrival(walk, destination_owner(walk));
	arrived = route_on(walk, hop, source);
	if (arrived && !check_return_path(walk))
		arrived = FALSE;
	return arrived;
}

/* Appends "|port" in decimal. */
static void
append_port(GString *text, guint16 port)
{
	char digits[6], *p = digits + sizeof(digits);

	do {
		*--p = (char)('0' + port % 10);
		port /= 10;
	} while (port > 0);
	g_string_append_c(text, '|');
	g_string_append_len(text, p, digits + sizeof(digits) - p);
}

VsTrace *
vs_walk(const VsEngine *engine, const VsQuery *query)
{
	VsTrace *trace = vs_trace_new();
	const VsNic *source = query->source;
	g_autoptr(GString) seed = NULL;
	char destination[16];
	VsWalk walk = {
		.engine = engine,
		.model = engine->model,
		.trace = trace,
		.explain = query->explain,
		.details = query->explain || !query->skip_details,
	};
	gboolean arrived;

	vs_ip4_format(query->destination, destination);
	trace->source = source;
	if (query->unresolved_name != NULL) {
		trace->destination_unresolved = TRUE;
		trace->destination_text = g_strdup(query->unresolved_name);
	} else {
		trace->destination_text = g_strdup(
			query->destination_text != NULL ? query->destination_text : destination);
	}
	arrived = walk_path(&walk, query);
	trace->packet = walk.packet;
	trace->reachable = arrived && !vs_trace_has_error(trace);
	if (query->protocol == VS_PROTO_UDP && query->unresolved_name == NULL)
		g_ptr_array_add(
			trace->notes,
			g_strdup("UDP reachability is policy-only: UDP has no handshake, so "
				 "the verdict says whether NSGs, routes and guest firewalls "
				 "let the datagrams through, not whether a process reads "
				 "them."));

	/* "model|vm/nic|destination|protocol|sport|dport", joined without printf (every check) */
	seed = g_string_sized_new(128);
	g_string_append(seed, engine->model->name ? engine->model->name : "");
	g_string_append_c(seed, '|');
	g_string_append(seed, source->vm != NULL ? source->vm->name : "");
	g_string_append_c(seed, '/');
	g_string_append(seed, source->name);
	g_string_append_c(seed, '|');
	g_string_append(seed,
			query->unresolved_name != NULL ? query->unresolved_name : destination);
	g_string_append_c(seed, '|');
	g_string_append(seed, vs_protocol_name(query->protocol));
	append_port(seed, walk.packet.source_port);
	append_port(seed, walk.packet.destination_port);
	vs_trace_assign_ids(trace, seed->str);
	return trace;
}

void
vs_walk_verdict(const VsEngine *engine, const VsQuery *query, VsWalkVerdict *out)
{
	VsHop scratch[VS_WALK_HOP_CAPACITY];
	VsWalk walk;
	const VsDecisive *decisive;
	gboolean arrived;

	memset(&walk, 0, sizeof(walk));
	walk.engine = engine;
	walk.model = engine->model;
	walk.verdict = out;
	walk.scratch = scratch;
	out->hop_count = 0;
	arrived = walk_path(&walk, query);
	out->reachable = arrived && !walk.error.set;
	/* the deciding issue: the first Error; else, when the connection fails all the same,
	 * the asymmetric routing that makes it fail */
	decisive = walk.error.set ? &walk.error : !out->reachable ? &walk.warning : NULL;
	out->has_issue = decisive != NULL && decisive->set;
	out->issue_hop = out->has_issue ? decisive->hop : 0;
	out->issue_type = out->has_issue ? decisive->type : VS_ISSUE_UNKNOWN;
	out->issue_origin = out->has_issue ? decisive->origin : VS_ORIGIN_LOCAL;
	out->rule = out->has_issue ? decisive->rule : NULL;
	out->route = out->has_issue ? decisive->route : NULL;
	out->issue_severity =
		decisive == &walk.error ? VS_ISSUE_SEVERITY_ERROR : VS_ISSUE_SEVERITY_WARNING;
	out->firewall_rule = out->has_issue ? decisive->firewall_rule : NULL;
	out->peering_from = out->has_issue ? decisive->peering_from : NULL;
	out->peering_to = out->has_issue ? decisive->peering_to : NULL;
}
