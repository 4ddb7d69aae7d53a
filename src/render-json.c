/*
 * render-json.c - results as JSON for scripts, in the shapes of Azure
 * Network Watcher's answers (camelCase, as on the wire): ConnectivityInformation
 * for check, IP flow verify's and next hop's results, and the effective routes
 * and effective security rules of a NIC.
 *
 * Every document goes through the streaming writer (json-writer.c), which
 * gives all of vnetsim's JSON cli.md's layout: `"key": value`, 2-space
 * indent, arrays of strings on one line, issues and latencyMs as one-line
 * objects.  check's answer is also written compact (one line) for batch, by
 * the same code: only the writer's style differs.  The fractional latency
 * figures have at most 3 decimals and no binary noise (vs_json_fixed).
 */
#include "config.h"

#include "render.h"

#include <string.h>

#include "json-writer.h"

/* "name": ["s1", "s2", ...] from a GPtrArray of strings. */
static void
add_string_array_member(VsJsonWriter *writer, const char *name, const GPtrArray *items)
{
	vs_json_key(writer, name);
	vs_json_begin_array(writer);
	for (guint i = 0; items != NULL && i < items->len; i++)
		vs_json_string(writer, g_ptr_array_index(items, i));
	vs_json_end_array(writer);
}

/* The one item when there is exactly one, else null (the plural member lists them all). */
static void
add_single_member(VsJsonWriter *writer, const char *name, const GPtrArray *items)
{
	vs_json_member_string(writer, name,
			      items->len == 1 ? (const char *)g_ptr_array_index(items, 0) : NULL);
}

/* ---------------------------------------------------------------- check */

static void
add_issue(VsJsonWriter *writer, const VsIssue *issue)
{
	vs_json_begin_object_inline(writer);
	vs_json_member_string(writer, "origin", vs_issue_origin_name(issue->origin));
	vs_json_member_string(writer, "severity", vs_issue_severity_name(issue->severity));
	vs_json_member_string(writer, "type", vs_issue_type_name(issue->type));
	vs_json_key(writer, "context");
	vs_json_begin_array(writer);
	for (guint i = 0; i < issue->context->len; i++) {
		const VsIssueContext *context = g_ptr_array_index(issue->context, i);

		vs_json_begin_object_inline(writer);
		vs_json_member_string(writer, "key", context->key);
		vs_json_member_string(writer, "value", context->value);
		vs_json_end_object(writer);
	}
	vs_json_end_array(writer);
	vs_json_end_object(writer);
}

static void
add_hop(VsJsonWriter *writer, const VsHop *hop, const VsHop *next)
{
	char ip[16];

	vs_json_begin_object(writer);
	vs_json_member_string(writer, "type", vs_hop_type_name(hop->type));
	vs_json_member_string(writer, "id", hop->id);
	vs_json_member_string(writer, "address", vs_ip4_format(hop->address, ip));
	vs_json_member_string(writer, "resourceId", hop->resource_id);
	vs_json_key(writer, "nextHopIds");
	vs_json_begin_array(writer);
	if (next != NULL && next->id != NULL)
		vs_json_string(writer, next->id);
	vs_json_end_array(writer);
	vs_json_key(writer, "issues");
	vs_json_begin_array(writer);
	for (guint i = 0; i < hop->issues->len; i++)
		add_issue(writer, g_ptr_array_index(hop->issues, i));
	vs_json_end_array(writer);
	vs_json_end_object(writer);
}

static void
write_check(GString *out, const VsTrace *trace, VsJsonStyle style)
{
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, style);
	vs_json_begin_object(&writer);
	vs_json_key(&writer, "hops");
	vs_json_begin_array(&writer);
	for (guint i = 0; i < trace->hops->len; i++)
		add_hop(&writer, g_ptr_array_index(trace->hops, i),
			i + 1 < trace->hops->len ? g_ptr_array_index(trace->hops, i + 1) : NULL);
	vs_json_end_array(&writer);
	vs_json_member_string(&writer, "connectionStatus",
			      trace->reachable ? "Reachable" : "Unreachable");
	vs_json_member_int(&writer, "probesSent", trace->probes_sent);
	vs_json_member_int(&writer, "probesFailed", trace->probes_failed);
	if (trace->has_latency) {
		vs_json_member_int(&writer, "avgLatencyInMs",
				   vs_render_round_ms(trace->latency_avg_ms));
		vs_json_member_int(&writer, "minLatencyInMs",
				   vs_render_round_ms(trace->latency_min_ms));
		vs_json_member_int(&writer, "maxLatencyInMs",
				   vs_render_round_ms(trace->latency_max_ms));
		vs_json_key(&writer, "latencyMs");
		vs_json_begin_object_inline(&writer);
		vs_json_key(&writer, "min");
		vs_json_fixed(&writer, trace->latency_min_ms, 3);
		vs_json_key(&writer, "avg");
		vs_json_fixed(&writer, trace->latency_avg_ms, 3);
		vs_json_key(&writer, "max");
		vs_json_fixed(&writer, trace->latency_max_ms, 3);
		vs_json_end_object(&writer);
	}
	vs_json_end_object(&writer);
	vs_json_writer_finish(&writer);
}

void
vs_render_check_json(GString *out, const VsTrace *trace)
{
	write_check(out, trace, VS_JSON_PRETTY);
}

void
vs_render_check_json_line(GString *out, const VsTrace *trace)
{
	write_check(out, trace, VS_JSON_COMPACT);
}

/* ---------------------------------------------------------------- flow */

void
vs_render_flow_json(GString *out, const VsNsgVerdict *verdict)
{
	VsJsonWriter json, *writer = &json;

	vs_json_writer_init(writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(writer);
	vs_json_member_string(writer, "access", vs_access_name(verdict->access));
	if (verdict->rule != NULL) {
		g_autofree char *name = vs_rule_flow_name(verdict->rule);

		vs_json_member_string(writer, "ruleName", name);
	}
	vs_json_end_object(writer);
	vs_json_writer_finish(writer);
}

/* ---------------------------------------------------------------- nexthop */

void
vs_render_nexthop_json(GString *out, const VsModel *model, const VsEffectiveRoute *route)
{
	VsJsonWriter json, *writer = &json;
	g_autofree char *table_id = NULL;
	char ip[16] = "";

	if (route != NULL && route->has_next_hop_ip)
		vs_ip4_format(route->next_hop_ip, ip);
	if (route != NULL && route->user_route != NULL && route->user_route->table != NULL)
		table_id = vs_route_table_resource_id(model, route->user_route->table);
	vs_json_writer_init(writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(writer);
	vs_json_member_string(writer, "nextHopType",
			      vs_render_next_hop_api_name(route != NULL ? route->next_hop_type
									: VS_NEXT_HOP_NONE));
	vs_json_member_string(writer, "nextHopIpAddress", ip);
	vs_json_member_string(writer, "routeTableId", table_id != NULL ? table_id : "System Route");
	vs_json_end_object(writer);
	vs_json_writer_finish(writer);
}

/* ---------------------------------------------------------------- routes */

void
vs_render_routes_json(GString *out, const GArray *routes)
{
	VsJsonWriter json, *writer = &json;

	vs_json_writer_init(writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(writer);
	vs_json_key(writer, "value");
	vs_json_begin_array(writer);
	for (guint i = 0; i < routes->len; i++) {
		const VsEffectiveRoute *route = &g_array_index(routes, VsEffectiveRoute, i);
		char text[19];

		vs_json_begin_object(writer);
		vs_json_member_string(writer, "name",
				      route->user_route != NULL ? route->user_route->name : NULL);
		vs_json_member_string(writer, "source", vs_route_source_name(route->source));
		vs_json_member_string(writer, "state", route->active ? "Active" : "Invalid");
		vs_json_key(writer, "addressPrefix");
		vs_json_begin_array(writer);
		vs_json_string(writer, vs_prefix_format(route->prefix, text));
		vs_json_end_array(writer);
		vs_json_key(writer, "nextHopIpAddress");
		vs_json_begin_array(writer);
		if (route->has_next_hop_ip)
			vs_json_string(writer, vs_ip4_format(route->next_hop_ip, text));
		vs_json_end_array(writer);
		vs_json_member_string(writer, "nextHopType",
				      vs_next_hop_type_name(route->next_hop_type));
		vs_json_end_object(writer);
	}
	vs_json_end_array(writer);
	vs_json_end_object(writer);
	vs_json_writer_finish(writer);
}

/* ---------------------------------------------------------------- rules */

static GPtrArray *
port_items(const GArray *ports)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; ports != NULL && i < ports->len; i++)
		g_ptr_array_add(items, vs_render_port_range(g_array_index(ports, VsPortRange, i)));
	return items;
}

static GPtrArray *
prefix_items(const GArray *prefixes)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; prefixes != NULL && i < prefixes->len; i++)
		g_ptr_array_add(items, vs_prefix_to_string(g_array_index(prefixes, VsPrefix, i)));
	return items;
}

/* singular, plural and expanded members of one side of a rule */
static void
add_rule_side(VsJsonWriter *writer, const char *singular, const char *plural,
	      const char *expanded_name, const VsAddressMatch *match, const GArray *expanded)
{
	g_autoptr(GPtrArray) items = vs_render_address_items(match);
	g_autoptr(GPtrArray) prefixes = prefix_items(expanded);

	add_single_member(writer, singular, items);
	add_string_array_member(writer, plural, items);
	add_string_array_member(writer, expanded_name, prefixes);
}

static void
add_effective_rule(VsJsonWriter *writer, const VsEffectiveRule *item)
{
	const VsRule *rule = item->rule;
	g_autofree char *name = vs_rule_flow_name(rule);
	g_autoptr(GPtrArray) source_ports = port_items(rule->source_ports);
	g_autoptr(GPtrArray) destination_ports = port_items(rule->destination_ports);

	vs_json_begin_object(writer);
	vs_json_member_string(writer, "name", name);
	vs_json_member_string(writer, "protocol", vs_render_rule_protocol(rule->protocol));
	add_single_member(writer, "sourcePortRange", source_ports);
	add_string_array_member(writer, "sourcePortRanges", source_ports);
	add_single_member(writer, "destinationPortRange", destination_ports);
	add_string_array_member(writer, "destinationPortRanges", destination_ports);
	add_rule_side(writer, "sourceAddressPrefix", "sourceAddressPrefixes",
		      "expandedSourceAddressPrefix", &rule->source, item->expanded_source);
	add_rule_side(writer, "destinationAddressPrefix", "destinationAddressPrefixes",
		      "expandedDestinationAddressPrefix", &rule->destination,
		      item->expanded_destination);
	vs_json_member_string(writer, "access", vs_access_name(rule->access));
	vs_json_member_int(writer, "priority", rule->priority);
	vs_json_member_string(writer, "direction", vs_direction_name(rule->direction));
	vs_json_end_object(writer);
}

static void
add_id_object(VsJsonWriter *writer, const char *name, const char *id)
{
	vs_json_key(writer, name);
	vs_json_begin_object(writer);
	vs_json_member_string(writer, "id", id);
	vs_json_end_object(writer);
}

void
vs_render_rules_json(GString *out, const VsModel *model, const GPtrArray *nsgs)
{
	VsJsonWriter json, *writer = &json;

	vs_json_writer_init(writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(writer);
	vs_json_key(writer, "value");
	vs_json_begin_array(writer);
	for (guint i = 0; i < nsgs->len; i++) {
		const VsEffectiveNsg *effective = g_ptr_array_index(nsgs, i);
		g_autofree char *nsg_id = vs_nsg_resource_id(model, effective->nsg);
		g_autofree char *association_id =
			effective->subnet != NULL ? vs_subnet_resource_id(model, effective->subnet)
						  : vs_nic_resource_id(model, effective->nic);

		vs_json_begin_object(writer);
		add_id_object(writer, "networkSecurityGroup", nsg_id);
		vs_json_key(writer, "association");
		vs_json_begin_object(writer);
		add_id_object(writer, effective->subnet != NULL ? "subnet" : "networkInterface",
			      association_id);
		vs_json_end_object(writer);
		vs_json_key(writer, "effectiveSecurityRules");
		vs_json_begin_array(writer);
		for (guint j = 0; j < effective->rules->len; j++)
			add_effective_rule(writer, g_ptr_array_index(effective->rules, j));
		vs_json_end_array(writer);
		vs_json_end_object(writer);
	}
	vs_json_end_array(writer);
	vs_json_end_object(writer);
	vs_json_writer_finish(writer);
}
