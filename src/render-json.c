/*
 * render-json.c - results as JSON for scripts, in the shapes of Azure
 * Network Watcher's answers (camelCase, as on the wire): ConnectivityInformation
 * for check, IP flow verify's and next hop's results, and the effective routes
 * and effective security rules of a NIC.
 *
 * json-glib builds and prints every document (members in insertion order,
 * strings escaped by it), pretty with a 2-space indent.  The one exception is
 * the fractional latency figures: json-glib prints doubles with 17
 * significant digits (2.3 as 2.2999999999999998) and has no node for a
 * number whose text is given, so those are formatted here and appended to
 * the root object in the generator's own layout (see append_root_member).
 */
#include "config.h"

#include "render.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* Prints the builder's document, pretty, 2-space indent, as a string (owned). */
static char *
builder_to_text(JsonBuilder *builder)
{
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(builder);

	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	json_generator_set_indent(generator, 2);
	json_generator_set_indent_char(generator, ' ');
	return json_generator_to_data(generator, NULL);
}

static void
append_document(GString *out, JsonBuilder *builder)
{
	g_autofree char *text = builder_to_text(builder);

	g_string_append(out, text);
	g_string_append_c(out, '\n');
}

static void
add_string_member(JsonBuilder *builder, const char *name, const char *value)
{
	json_builder_set_member_name(builder, name);
	if (value != NULL)
		json_builder_add_string_value(builder, value);
	else
		json_builder_add_null_value(builder);
}

static void
add_int_member(JsonBuilder *builder, const char *name, gint64 value)
{
	json_builder_set_member_name(builder, name);
	json_builder_add_int_value(builder, value);
}

/* Member name -> ["s1", "s2", ...] from a GPtrArray of strings. */
static void
add_string_array_member(JsonBuilder *builder, const char *name, const GPtrArray *items)
{
	json_builder_set_member_name(builder, name);
	json_builder_begin_array(builder);
	for (guint i = 0; items != NULL && i < items->len; i++)
		json_builder_add_string_value(builder, g_ptr_array_index(items, i));
	json_builder_end_array(builder);
}

/* The one item when there is exactly one, else null (the plural member lists them all). */
static void
add_single_member(JsonBuilder *builder, const char *name, const GPtrArray *items)
{
	add_string_member(builder, name,
			  items->len == 1 ? (const char *)g_ptr_array_index(items, 0) : NULL);
}

/*
 * Appends a member whose value is already JSON text to the pretty text of a
 * root object, exactly as json-glib would have printed it last: the text of
 * an object with members always ends with "\n}", and members are written
 * "\n  \"name\" : value", separated by commas.  Names and values here are
 * ours (no escaping needed), never user data.
 */
static void
append_root_member(GString *json, const char *name, const char *value)
{
	g_assert(json->len >= 2 && strcmp(json->str + json->len - 2, "\n}") == 0);
	g_string_truncate(json, json->len - 2);
	g_string_append_printf(json, ",\n  \"%s\" : %s\n}", name, value);
}

/* ---------------------------------------------------------------- check */

static void
add_issue(JsonBuilder *builder, const VsIssue *issue)
{
	json_builder_begin_object(builder);
	add_string_member(builder, "origin", vs_issue_origin_name(issue->origin));
	add_string_member(builder, "severity", vs_issue_severity_name(issue->severity));
	add_string_member(builder, "type", vs_issue_type_name(issue->type));
	json_builder_set_member_name(builder, "context");
	json_builder_begin_array(builder);
	for (guint i = 0; i < issue->context->len; i++) {
		const VsIssueContext *context = g_ptr_array_index(issue->context, i);

		json_builder_begin_object(builder);
		add_string_member(builder, "key", context->key);
		add_string_member(builder, "value", context->value);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
}

static void
add_hop(JsonBuilder *builder, const VsHop *hop, const VsHop *next)
{
	char ip[16];

	json_builder_begin_object(builder);
	add_string_member(builder, "type", vs_hop_type_name(hop->type));
	add_string_member(builder, "id", hop->id);
	add_string_member(builder, "address", vs_ip4_format(hop->address, ip));
	add_string_member(builder, "resourceId", hop->resource_id);
	json_builder_set_member_name(builder, "nextHopIds");
	json_builder_begin_array(builder);
	if (next != NULL && next->id != NULL)
		json_builder_add_string_value(builder, next->id);
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "issues");
	json_builder_begin_array(builder);
	for (guint i = 0; i < hop->issues->len; i++)
		add_issue(builder, g_ptr_array_index(hop->issues, i));
	json_builder_end_array(builder);
	json_builder_end_object(builder);
}

void
vs_render_check_json(GString *out, const VsTrace *trace)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree char *text = NULL;
	g_autoptr(GString) json = NULL;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "hops");
	json_builder_begin_array(builder);
	for (guint i = 0; i < trace->hops->len; i++)
		add_hop(builder, g_ptr_array_index(trace->hops, i),
			i + 1 < trace->hops->len ? g_ptr_array_index(trace->hops, i + 1) : NULL);
	json_builder_end_array(builder);
	add_string_member(builder, "connectionStatus",
			  trace->reachable ? "Reachable" : "Unreachable");
	add_int_member(builder, "probesSent", trace->probes_sent);
	add_int_member(builder, "probesFailed", trace->probes_failed);
	if (trace->has_latency) {
		add_int_member(builder, "avgLatencyInMs",
			       vs_render_round_ms(trace->latency_avg_ms));
		add_int_member(builder, "minLatencyInMs",
			       vs_render_round_ms(trace->latency_min_ms));
		add_int_member(builder, "maxLatencyInMs",
			       vs_render_round_ms(trace->latency_max_ms));
	}
	json_builder_end_object(builder);

	text = builder_to_text(builder);
	json = g_string_new(text);
	if (trace->has_latency) {
		g_autofree char *min = vs_render_format_ms(trace->latency_min_ms);
		g_autofree char *avg = vs_render_format_ms(trace->latency_avg_ms);
		g_autofree char *max = vs_render_format_ms(trace->latency_max_ms);
		g_autofree char *value = g_strdup_printf(
			"{\n    \"min\" : %s,\n    \"avg\" : %s,\n    \"max\" : %s\n  }", min, avg,
			max);

		append_root_member(json, "latencyMs", value);
	}
	g_string_append_len(out, json->str, (gssize)json->len);
	g_string_append_c(out, '\n');
}

/* ---------------------------------------------------------------- flow */

void
vs_render_flow_json(GString *out, const VsNsgVerdict *verdict)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	add_string_member(builder, "access", vs_access_name(verdict->access));
	if (verdict->rule != NULL) {
		g_autofree char *name = vs_rule_flow_name(verdict->rule);

		add_string_member(builder, "ruleName", name);
	}
	json_builder_end_object(builder);
	append_document(out, builder);
}

/* ---------------------------------------------------------------- nexthop */

void
vs_render_nexthop_json(GString *out, const VsModel *model, const VsEffectiveRoute *route)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree char *table_id = NULL;
	char ip[16] = "";

	if (route != NULL && route->has_next_hop_ip)
		vs_ip4_format(route->next_hop_ip, ip);
	if (route != NULL && route->user_route != NULL && route->user_route->table != NULL)
		table_id = vs_route_table_resource_id(model, route->user_route->table);
	json_builder_begin_object(builder);
	add_string_member(builder, "nextHopType",
			  vs_render_next_hop_api_name(route != NULL ? route->next_hop_type
								    : VS_NEXT_HOP_NONE));
	add_string_member(builder, "nextHopIpAddress", ip);
	add_string_member(builder, "routeTableId", table_id != NULL ? table_id : "System Route");
	json_builder_end_object(builder);
	append_document(out, builder);
}

/* ---------------------------------------------------------------- routes */

void
vs_render_routes_json(GString *out, const GArray *routes)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "value");
	json_builder_begin_array(builder);
	for (guint i = 0; i < routes->len; i++) {
		const VsEffectiveRoute *route = &g_array_index(routes, VsEffectiveRoute, i);
		char text[19];

		json_builder_begin_object(builder);
		add_string_member(builder, "name",
				  route->user_route != NULL ? route->user_route->name : NULL);
		add_string_member(builder, "source", vs_route_source_name(route->source));
		add_string_member(builder, "state", route->active ? "Active" : "Invalid");
		json_builder_set_member_name(builder, "addressPrefix");
		json_builder_begin_array(builder);
		json_builder_add_string_value(builder, vs_prefix_format(route->prefix, text));
		json_builder_end_array(builder);
		json_builder_set_member_name(builder, "nextHopIpAddress");
		json_builder_begin_array(builder);
		if (route->has_next_hop_ip)
			json_builder_add_string_value(builder,
						      vs_ip4_format(route->next_hop_ip, text));
		json_builder_end_array(builder);
		add_string_member(builder, "nextHopType",
				  vs_next_hop_type_name(route->next_hop_type));
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	append_document(out, builder);
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
add_rule_side(JsonBuilder *builder, const char *singular, const char *plural,
	      const char *expanded_name, const VsAddressMatch *match, const GArray *expanded)
{
	g_autoptr(GPtrArray) items = vs_render_address_items(match);
	g_autoptr(GPtrArray) prefixes = prefix_items(expanded);

	add_single_member(builder, singular, items);
	add_string_array_member(builder, plural, items);
	add_string_array_member(builder, expanded_name, prefixes);
}

static void
add_effective_rule(JsonBuilder *builder, const VsEffectiveRule *item)
{
	const VsRule *rule = item->rule;
	g_autofree char *name = vs_rule_flow_name(rule);
	g_autoptr(GPtrArray) source_ports = port_items(rule->source_ports);
	g_autoptr(GPtrArray) destination_ports = port_items(rule->destination_ports);

	json_builder_begin_object(builder);
	add_string_member(builder, "name", name);
	add_string_member(builder, "protocol", vs_render_rule_protocol(rule->protocol));
	add_single_member(builder, "sourcePortRange", source_ports);
	add_string_array_member(builder, "sourcePortRanges", source_ports);
	add_single_member(builder, "destinationPortRange", destination_ports);
	add_string_array_member(builder, "destinationPortRanges", destination_ports);
	add_rule_side(builder, "sourceAddressPrefix", "sourceAddressPrefixes",
		      "expandedSourceAddressPrefix", &rule->source, item->expanded_source);
	add_rule_side(builder, "destinationAddressPrefix", "destinationAddressPrefixes",
		      "expandedDestinationAddressPrefix", &rule->destination,
		      item->expanded_destination);
	add_string_member(builder, "access", vs_access_name(rule->access));
	add_int_member(builder, "priority", rule->priority);
	add_string_member(builder, "direction", vs_direction_name(rule->direction));
	json_builder_end_object(builder);
}

static void
add_id_object(JsonBuilder *builder, const char *name, const char *id)
{
	json_builder_set_member_name(builder, name);
	json_builder_begin_object(builder);
	add_string_member(builder, "id", id);
	json_builder_end_object(builder);
}

void
vs_render_rules_json(GString *out, const VsModel *model, const GPtrArray *nsgs)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "value");
	json_builder_begin_array(builder);
	for (guint i = 0; i < nsgs->len; i++) {
		const VsEffectiveNsg *effective = g_ptr_array_index(nsgs, i);
		g_autofree char *nsg_id = vs_nsg_resource_id(model, effective->nsg);
		g_autofree char *association_id =
			effective->subnet != NULL ? vs_subnet_resource_id(model, effective->subnet)
						  : vs_nic_resource_id(model, effective->nic);

		json_builder_begin_object(builder);
		add_id_object(builder, "networkSecurityGroup", nsg_id);
		json_builder_set_member_name(builder, "association");
		json_builder_begin_object(builder);
		add_id_object(builder, effective->subnet != NULL ? "subnet" : "networkInterface",
			      association_id);
		json_builder_end_object(builder);
		json_builder_set_member_name(builder, "effectiveSecurityRules");
		json_builder_begin_array(builder);
		for (guint j = 0; j < effective->rules->len; j++)
			add_effective_rule(builder, g_ptr_array_index(effective->rules, j));
		json_builder_end_array(builder);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	append_document(out, builder);
}
