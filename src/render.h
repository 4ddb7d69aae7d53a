/*
 * render.h - renderers: turn results into text for people or JSON for
 * scripts.  They read, never decide: every verdict, rule and route comes from
 * the engines and the commands; a renderer only chooses words and layout.
 *
 * Each renderer appends to a GString (the caller prints it with fputs), so
 * that unit tests compare exact output.  JSON follows the answers of Azure's
 * Network Watcher (camelCase, as on the wire): the streaming writer
 * (json-writer.h) prints it in cli.md's layout (`"key": value`, 2-space
 * indent, short arrays on one line) and ends it with a newline.  Text ends
 * with a newline too.
 */
#ifndef VS_RENDER_H
#define VS_RENDER_H

#include <glib.h>

#include "model.h"
#include "nsg.h"
#include "route.h"
#include "trace.h"

/* ---------------------------------------------------------------- check */

/*
 * Azure's ConnectivityInformation: hops (type, id, address, resourceId,
 * nextHopIds, issues), connectionStatus, probesSent, probesFailed, and when
 * trace->has_latency the integer avg/min/maxLatencyInMs (rounded half away
 * from zero) plus the extension "latencyMs": {"min", "avg", "max"} with at
 * most 3 decimals.
 */
void vs_render_check_json(GString *out, const VsTrace *trace);

/* The same document on one line without whitespace, newline included (batch answers). */
void vs_render_check_json_line(GString *out, const VsTrace *trace);

/*
 * The verdict, the hops (type, address, VM/NIC), under each hop its issues
 * with the deciding rule, route or firewall rule, its NSG / route table and
 * FILE:LINE, then the probes, the latency when known and the notes.  With
 * explain, each hop's explain lines are indented under it.
 */
void vs_render_check_text(GString *out, const VsTrace *trace, gboolean explain);

/* Rounds half away from zero: the integer latency fields. */
gint64 vs_render_round_ms(double ms);
/* At most 3 decimals, no trailing zeros, no binary noise: 2.3 -> "2.3", 2 -> "2" (owned). */
char *vs_render_format_ms(double ms);

/* ---------------------------------------------------------------- flow */

/* {"access": "Allow"|"Deny", "ruleName": "securityRules/X"}; no ruleName when no NSG decided. */
void vs_render_flow_json(GString *out, const VsNsgVerdict *verdict);

/* One line: the verdict, the packet as evaluated at nic, the rule with its NSG and FILE:LINE. */
void vs_render_flow_text(GString *out, const VsNic *nic, VsDirection direction,
			 const VsPacket *packet, const VsNsgVerdict *verdict);

/* ---------------------------------------------------------------- nexthop */

/*
 * The next-hop API's spelling of a route's next hop type: as
 * vs_next_hop_type_name, except "VnetPeering" for peering routes.
 */
const char *vs_render_next_hop_api_name(VsNextHopType type);

/*
 * {"nextHopType", "nextHopIpAddress" ("" when none), "routeTableId" (the
 * table's resource ID for a user route, else "System Route")}.  route is the
 * winning route, NULL when none matches (next hop None).
 */
void vs_render_nexthop_json(GString *out, const VsModel *model, const VsEffectiveRoute *route);

/* One line: next hop type and IP, and the route that chose it (route table, FILE:LINE). */
void vs_render_nexthop_text(GString *out, VsIp4 destination, const VsEffectiveRoute *route);

/* ---------------------------------------------------------------- routes */

/* Azure's effectiveRouteTable answer: {"value": [{name, source, state, addressPrefix: [],
 * nextHopIpAddress: [], nextHopType}]}.  routes: VsEffectiveRoute, display order. */
void vs_render_routes_json(GString *out, const GArray *routes);

/* An aligned table: source, state, prefix, next hop type and IP, and where the route comes
 * from (route table, route name and FILE:LINE, or the peered VNet). */
void vs_render_routes_text(GString *out, const GArray *routes);

/* ---------------------------------------------------------------- rules */

/*
 * Azure's effectiveNetworkSecurityGroups answer: {"value": [{networkSecurityGroup: {id},
 * association: {subnet: {id}} | {networkInterface: {id}}, effectiveSecurityRules: [...]}]}.
 * nsgs: VsEffectiveNsg*, the subnet's then the NIC's.
 */
void vs_render_rules_json(GString *out, const VsModel *model, const GPtrArray *nsgs);

/*
 * For each direction, the two levels of nic in evaluation order (inbound:
 * subnet then NIC; outbound: NIC then subnet), each NSG an aligned table of
 * its rules by priority with FILE:LINE (a level without an NSG said so), then
 * the prefixes each service tag used stands for.
 */
void vs_render_rules_text(GString *out, const VsNic *nic, const GPtrArray *nsgs);

/* Helpers the two renderers share (owned strings). */

/* Azure's effective-rule spelling of a port range: "0-65535" for *, "443", "8000-8080". */
char *vs_render_port_range(VsPortRange range);
/* Azure's effective-rule spelling of a rule protocol: "All" for *, else "Tcp", "Udp"... */
const char *vs_render_rule_protocol(VsProtocol protocol);
/*
 * The address side of a rule as effective rules spell it, one string per
 * item: "0.0.0.0/0" for *, the tag's name, each prefix, or each ASG's name.
 */
GPtrArray *vs_render_address_items(const VsAddressMatch *match);

#endif
