/*
 * render-text.c - results as text for people: a check's path with its
 * verdict and issues, IP flow verify and next hop in one line each, the
 * effective routes and security rules as aligned tables.
 *
 * Whatever decided an answer is named the way the model names it (NSG and
 * rule, route table and route, guest firewall rule) with the FILE:LINE where
 * it is declared, so the reader can go and change it.  Tables are aligned on
 * the widest cell of each column and no line ends in spaces.
 */
#include "config.h"

#include "render.h"

#include <string.h>

/* ---------------------------------------------------------------- shared helpers */

char *
vs_render_port_range(VsPortRange range)
{
	if (range.lo == range.hi)
		return g_strdup_printf("%u", range.lo);
	return g_strdup_printf("%u-%u", range.lo, range.hi);
}

const char *
vs_render_rule_protocol(VsProtocol protocol)
{
	return protocol == VS_PROTO_ANY ? "All" : vs_protocol_name(protocol);
}

static const char *
tag_name(const VsAddressMatch *match)
{
	switch (match->tag) {
	case VS_TAG_VIRTUAL_NETWORK:
		return "VirtualNetwork";
	case VS_TAG_INTERNET:
		return "Internet";
	case VS_TAG_AZURE_LOAD_BALANCER:
		return "AzureLoadBalancer";
	case VS_TAG_USER:
		return match->user_tag != NULL ? match->user_tag->name : "?";
	}
	return "?";
}

GPtrArray *
vs_render_address_items(const VsAddressMatch *match)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);

	switch (match->kind) {
	case VS_MATCH_ANY:
		g_ptr_array_add(items, g_strdup("0.0.0.0/0"));
		break;
	case VS_MATCH_TAG:
		g_ptr_array_add(items, g_strdup(tag_name(match)));
		break;
	case VS_MATCH_PREFIXES:
		for (guint i = 0; match->prefixes != NULL && i < match->prefixes->len; i++)
			g_ptr_array_add(items, vs_prefix_to_string(g_array_index(match->prefixes,
										 VsPrefix, i)));
		break;
	case VS_MATCH_ASGS:
		for (guint i = 0; match->asgs != NULL && i < match->asgs->len; i++)
			g_ptr_array_add(
				items,
				g_strdup(((VsAsg *)g_ptr_array_index(match->asgs, i))->name));
		break;
	}
	return items;
}

/* ", FILE:LINE" when the position is known, else "". */
static void
append_pos(GString *out, VsPos pos)
{
	if (pos.file != NULL && pos.line > 0)
		g_string_append_printf(out, ", %s:%u", pos.file, pos.line);
}

static char *
pos_text(VsPos pos)
{
	if (pos.file == NULL || pos.line == 0)
		return g_strdup("");
	return g_strdup_printf("%s:%u", pos.file, pos.line);
}

static char *
nic_text(const VsNic *nic)
{
	if (nic == NULL)
		return g_strdup("");
	if (nic->vm == NULL)
		return g_strdup(nic->name);
	return g_strdup_printf("%s/%s", nic->vm->name, nic->name);
}

static char *
join_items(const GPtrArray *items, const char *separator)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < items->len; i++)
		g_string_append_printf(text, "%s%s", i > 0 ? separator : "",
				       (const char *)g_ptr_array_index(items, i));
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* Removes the spaces a line may end with after its last, empty, cells. */
static void
trim_line_end(GString *out)
{
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
}

/*
 * A table of strings laid out in columns as wide as their widest cell, two
 * spaces apart; cells are owned.  Widths count bytes, which is right for the
 * ASCII names Azure allows.
 */
typedef struct {
	guint columns;
	GPtrArray *cells; /* char*, row after row */
} Table;

static Table *
table_new(guint columns)
{
	Table *table = g_new0(Table, 1);

	table->columns = columns;
	table->cells = g_ptr_array_new_with_free_func(g_free);
	return table;
}

static void
table_free(Table *table)
{
	if (table == NULL)
		return;
	g_ptr_array_unref(table->cells);
	g_free(table);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Table, table_free)

/* Takes ownership of cell (NULL is an empty cell). */
static void
table_add(Table *table, char *cell)
{
	g_ptr_array_add(table->cells, cell != NULL ? cell : g_strdup(""));
}

static void
table_append(GString *out, const Table *table, const char *indent)
{
	g_autofree gsize *widths = g_new0(gsize, table->columns);

	for (guint i = 0; i < table->cells->len; i++) {
		gsize length = strlen(g_ptr_array_index(table->cells, i));

		widths[i % table->columns] = MAX(widths[i % table->columns], length);
	}
	for (guint i = 0; i < table->cells->len; i++) {
		guint column = i % table->columns;
		const char *cell = g_ptr_array_index(table->cells, i);

		if (column == 0)
			g_string_append(out, indent);
		g_string_append(out, cell);
		if (column + 1 < table->columns) {
			for (gsize pad = strlen(cell); pad < widths[column] + 2; pad++)
				g_string_append_c(out, ' ');
		} else {
			trim_line_end(out);
			g_string_append_c(out, '\n');
		}
	}
}

/* ---------------------------------------------------------------- check */

gint64
vs_render_round_ms(double ms)
{
	double magnitude = ms < 0 ? -ms : ms;
	gint64 whole = (gint64)magnitude;

	if (magnitude - (double)whole >= 0.5)
		whole++;
	return ms < 0 ? -whole : whole;
}

char *
vs_render_format_ms(double ms)
{
	char buffer[G_ASCII_DTOSTR_BUF_SIZE];
	gsize length;

	/* Rounding to 3 decimals in decimal text is what removes the binary noise. */
	g_ascii_formatd(buffer, sizeof(buffer), "%.3f", ms);
	length = strlen(buffer);
	while (length > 0 && buffer[length - 1] == '0')
		buffer[--length] = '\0';
	if (length > 0 && buffer[length - 1] == '.')
		buffer[--length] = '\0';
	if (strcmp(buffer, "-0") == 0)
		return g_strdup("0");
	return g_strdup(buffer);
}

static void
append_issue_subject(GString *out, const VsHop *hop, const VsIssue *issue)
{
	if (issue->rule != NULL) {
		const VsRule *rule = issue->rule;

		g_string_append_printf(out, ": NSG %s, %s %s (%s, priority %u)",
				       rule->nsg != NULL ? rule->nsg->name : "?",
				       rule->is_default ? "default rule" : "rule", rule->name,
				       vs_access_name(rule->access), rule->priority);
		append_pos(out, rule->pos);
	} else if (issue->route != NULL) {
		const VsRoute *route = issue->route;
		char prefix[19];

		g_string_append_printf(out, ": route table %s, route %s (%s",
				       route->table != NULL ? route->table->name : "?", route->name,
				       vs_prefix_format(route->prefix, prefix));
		if (route->service_tag != NULL)
			g_string_append_printf(out, " of service tag %s", route->service_tag->name);
		g_string_append_printf(out, " -> %s", vs_next_hop_type_name(route->next_hop_type));
		if (route->has_next_hop_ip) {
			char ip[16];

			g_string_append_printf(out, " %s", vs_ip4_format(route->next_hop_ip, ip));
		}
		g_string_append_c(out, ')');
		append_pos(out, route->pos);
	} else if (issue->firewall_rule != NULL) {
		const VsFwRule *rule = issue->firewall_rule;

		g_string_append(out, ": guest firewall");
		if (hop->nic != NULL && hop->nic->vm != NULL)
			g_string_append_printf(out, " of %s", hop->nic->vm->name);
		g_string_append_printf(out, ", rule %s (%s, %s)", rule->name,
				       vs_access_name(rule->action),
				       vs_fw_direction_name(rule->direction));
		append_pos(out, rule->pos);
	} else if (issue->type == VS_ISSUE_GUEST_FIREWALL && hop->nic != NULL &&
		   hop->nic->vm != NULL && hop->nic->vm->guest_firewall != NULL &&
		   issue->context->len == 1) {
		/* no rule matched: the direction's default, named by the context */
		const VsIssueContext *context = g_ptr_array_index(issue->context, 0);

		g_string_append_printf(out, ": guest firewall of %s, %s (Deny; no rule matched)",
				       hop->nic->vm->name, context->value);
		append_pos(out, hop->nic->vm->guest_firewall->pos);
	} else {
		for (guint i = 0; i < issue->context->len; i++) {
			const VsIssueContext *context = g_ptr_array_index(issue->context, i);

			g_string_append_printf(out, "%s%s=%s", i == 0 ? ": " : ", ", context->key,
					       context->value);
		}
	}
}

void
vs_render_check_text(GString *out, const VsTrace *trace, gboolean explain)
{
	char ip[16];
	gsize type_width = 0, address_width = 0, index_width;
	g_autofree char *hop_count = g_strdup_printf("%u", trace->hops->len);
	g_autoptr(GString) indent = g_string_new(NULL);

	vs_ip4_format(trace->packet.destination, ip);
	g_string_append_printf(
		out, "%s: %s -> ", trace->reachable ? "Reachable" : "Unreachable",
		trace->source != NULL && trace->source->vm != NULL ? trace->source->vm->name : "?");
	if (trace->destination_unresolved)
		g_string_append_printf(out, "%s (does not resolve)", trace->destination_text);
	else if (trace->destination_text != NULL && strcmp(trace->destination_text, ip) != 0)
		g_string_append_printf(out, "%s (%s)", trace->destination_text, ip);
	else
		g_string_append(out, ip);
	g_string_append_printf(out, ", %s", vs_protocol_name(trace->packet.protocol));
	if (vs_protocol_has_ports(trace->packet.protocol))
		g_string_append_printf(out, " port %u", trace->packet.destination_port);
	g_string_append_c(out, '\n');

	index_width = strlen(hop_count);
	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		type_width = MAX(type_width, strlen(vs_hop_type_name(hop->type)));
		address_width = MAX(address_width, strlen(vs_ip4_format(hop->address, ip)));
	}
	/* issues and explanations start under the hop's type */
	g_string_append_len(indent, "                ", (gssize)MIN(16, index_width + 4));

	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);
		g_autofree char *name = nic_text(hop->nic);

		g_string_append_printf(out, "  %*u  %-*s  %-*s  %s", (int)index_width, i + 1,
				       (int)type_width, vs_hop_type_name(hop->type),
				       (int)address_width, vs_ip4_format(hop->address, ip), name);
		trim_line_end(out);
		g_string_append_c(out, '\n');
		for (guint j = 0; explain && j < hop->explain->len; j++) {
			const char *line = g_ptr_array_index(hop->explain, j);

			/* a line the walk indents continues the one above: no new bullet */
			g_string_append_printf(out, "%s%s%s\n", indent->str,
					       line[0] == ' ' ? "  " : "- ", line);
		}
		for (guint j = 0; j < hop->issues->len; j++) {
			const VsIssue *issue = g_ptr_array_index(hop->issues, j);

			g_string_append_printf(out, "%s%s, %s, %s", indent->str,
					       vs_issue_severity_name(issue->severity),
					       vs_issue_origin_name(issue->origin),
					       vs_issue_type_name(issue->type));
			append_issue_subject(out, hop, issue);
			g_string_append_c(out, '\n');
			if (issue->detail != NULL)
				g_string_append_printf(out, "%s  %s\n", indent->str, issue->detail);
		}
	}

	g_string_append_printf(out, "probes: %u sent, %u failed\n", trace->probes_sent,
			       trace->probes_failed);
	if (trace->has_latency) {
		g_autofree char *min = vs_render_format_ms(trace->latency_min_ms);
		g_autofree char *avg = vs_render_format_ms(trace->latency_avg_ms);
		g_autofree char *max = vs_render_format_ms(trace->latency_max_ms);

		g_string_append_printf(out, "latency: min %s ms, avg %s ms, max %s ms\n", min, avg,
				       max);
	}
	for (guint i = 0; i < trace->notes->len; i++)
		g_string_append_printf(out, "note: %s\n",
				       (const char *)g_ptr_array_index(trace->notes, i));
}

/* ---------------------------------------------------------------- flow */

void
vs_render_flow_text(GString *out, const VsNic *nic, VsDirection direction, const VsPacket *packet,
		    const VsNsgVerdict *verdict)
{
	char source[16], destination[16];
	g_autofree char *where = nic_text(nic);

	g_string_append_printf(out, "%s: ", vs_access_name(verdict->access));
	if (verdict->rule != NULL) {
		g_autofree char *name = vs_rule_flow_name(verdict->rule);

		g_string_append_printf(out, "%s of NSG %s", name,
				       verdict->rule->nsg != NULL ? verdict->rule->nsg->name : "?");
		append_pos(out, verdict->rule->pos);
	} else {
		g_string_append(out, "no NSG on the subnet or the NIC");
	}
	g_string_append_printf(out, " (%s %s %s", vs_direction_name(direction),
			       vs_protocol_name(packet->protocol),
			       vs_ip4_format(packet->source, source));
	if (vs_protocol_has_ports(packet->protocol))
		g_string_append_printf(out, ":%u", packet->source_port);
	g_string_append_printf(out, " -> %s", vs_ip4_format(packet->destination, destination));
	if (vs_protocol_has_ports(packet->protocol))
		g_string_append_printf(out, ":%u", packet->destination_port);
	g_string_append_printf(out, " at %s)\n", where);
}

/* ---------------------------------------------------------------- nexthop and routes */

const char *
vs_render_next_hop_api_name(VsNextHopType type)
{
	/* the next-hop API spells peering "VnetPeering"; effective routes say "VNetPeering" */
	return type == VS_NEXT_HOP_VNET_PEERING ? "VnetPeering" : vs_next_hop_type_name(type);
}

/* Where a route comes from: "route table T, route R, FILE:LINE" or "peering to V". */
static char *
route_origin_text(const VsEffectiveRoute *route)
{
	if (route->user_route != NULL) {
		const VsRoute *user = route->user_route;
		g_autoptr(GString) text = g_string_new(NULL);

		g_string_append_printf(text, "route table %s, route %s",
				       user->table != NULL ? user->table->name : "?", user->name);
		if (user->service_tag != NULL)
			g_string_append_printf(text, " (service tag %s)", user->service_tag->name);
		append_pos(text, user->pos);
		return g_string_free(g_steal_pointer(&text), FALSE);
	}
	if (route->peer_vnet != NULL)
		return g_strdup_printf("peering to %s", route->peer_vnet->name);
	return g_strdup("");
}

void
vs_render_nexthop_text(GString *out, VsIp4 destination, const VsEffectiveRoute *route)
{
	char ip[16], prefix[19];
	g_autofree char *origin = NULL;

	if (route == NULL) {
		g_string_append_printf(out, "None: no route matches %s\n",
				       vs_ip4_format(destination, ip));
		return;
	}
	g_string_append(out, vs_render_next_hop_api_name(route->next_hop_type));
	if (route->has_next_hop_ip)
		g_string_append_printf(out, " %s", vs_ip4_format(route->next_hop_ip, ip));
	vs_prefix_format(route->prefix, prefix);
	origin = route_origin_text(route);
	if (route->user_route != NULL)
		g_string_append_printf(out, ": user route %s, %s\n", prefix, origin);
	else if (*origin != '\0')
		g_string_append_printf(out, ": system route %s, %s\n", prefix, origin);
	else
		g_string_append_printf(out, ": system route %s\n", prefix);
}

void
vs_render_routes_text(GString *out, const GArray *routes)
{
	g_autoptr(Table) table = table_new(6);
	static const char *const headers[] = {"Source",        "State",       "Address prefix",
					      "Next hop type", "Next hop IP", "Route"};

	for (gsize i = 0; i < G_N_ELEMENTS(headers); i++)
		table_add(table, g_strdup(headers[i]));
	for (guint i = 0; i < routes->len; i++) {
		const VsEffectiveRoute *route = &g_array_index(routes, VsEffectiveRoute, i);

		table_add(table, g_strdup(vs_route_source_name(route->source)));
		table_add(table, g_strdup(route->active ? "Active" : "Invalid"));
		table_add(table, vs_prefix_to_string(route->prefix));
		table_add(table, g_strdup(vs_next_hop_type_name(route->next_hop_type)));
		table_add(table,
			  route->has_next_hop_ip ? vs_ip4_to_string(route->next_hop_ip) : NULL);
		table_add(table, route_origin_text(route));
	}
	table_append(out, table, "");
}

/* ---------------------------------------------------------------- rules */

static char *
ports_text(const GArray *ports)
{
	g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; ports != NULL && i < ports->len; i++)
		g_ptr_array_add(items, vs_render_port_range(g_array_index(ports, VsPortRange, i)));
	return join_items(items, ",");
}

static char *
address_text(const VsAddressMatch *match)
{
	g_autoptr(GPtrArray) items = vs_render_address_items(match);

	return join_items(items, ",");
}

static void
append_nsg_table(GString *out, const VsEffectiveNsg *effective, VsDirection direction)
{
	g_autoptr(Table) table = table_new(9);
	static const char *const headers[] = {
		"Priority", "Name",         "Access",      "Protocol",
		"Source",   "Source ports", "Destination", "Destination ports",
		"Declared"};

	for (gsize i = 0; i < G_N_ELEMENTS(headers); i++)
		table_add(table, g_strdup(headers[i]));
	for (guint i = 0; i < effective->rules->len; i++) {
		const VsEffectiveRule *item = g_ptr_array_index(effective->rules, i);
		const VsRule *rule = item->rule;

		if (rule->direction != direction)
			continue;
		table_add(table, g_strdup_printf("%u", rule->priority));
		table_add(table, g_strdup(rule->name));
		table_add(table, g_strdup(vs_access_name(rule->access)));
		table_add(table, g_strdup(vs_render_rule_protocol(rule->protocol)));
		table_add(table, address_text(&rule->source));
		table_add(table, ports_text(rule->source_ports));
		table_add(table, address_text(&rule->destination));
		table_add(table, ports_text(rule->destination_ports));
		table_add(table,
			  rule->is_default ? g_strdup("(default rule)") : pos_text(rule->pos));
	}
	if (table->cells->len == table->columns)
		g_string_append(out, "    (no rules in this direction)\n");
	else
		table_append(out, table, "    ");
}

/* The subnet-level or NIC-level entry of nsgs, or NULL. */
static const VsEffectiveNsg *
find_level(const GPtrArray *nsgs, gboolean subnet_level)
{
	for (guint i = 0; i < nsgs->len; i++) {
		const VsEffectiveNsg *effective = g_ptr_array_index(nsgs, i);

		if ((effective->subnet != NULL) == subnet_level)
			return effective;
	}
	return NULL;
}

static void
append_level(GString *out, const VsNic *nic, const GPtrArray *nsgs, gboolean subnet_level,
	     VsDirection direction)
{
	const VsEffectiveNsg *effective = find_level(nsgs, subnet_level);
	g_autofree char *level = NULL;

	if (subnet_level)
		level = g_strdup_printf(
			"subnet %s", nic != NULL && nic->subnet != NULL ? nic->subnet->path : "?");
	else
		level = g_strdup_printf("NIC %s", nic != NULL ? nic->name : "?");
	if (effective == NULL) {
		g_string_append_printf(out, "  %s: no NSG, allows everything\n", level);
		return;
	}
	g_string_append_printf(out, "  %s: NSG %s", level, effective->nsg->name);
	append_pos(out, effective->nsg->pos);
	g_string_append_c(out, '\n');
	append_nsg_table(out, effective, direction);
}

/* Appends "  NAME  p1 p2 ..." wrapped before column 100 under its first prefix. */
static void
append_tag_line(GString *out, const char *name, gsize name_width, const GArray *prefixes)
{
	gsize column = 2 + name_width + 2;

	g_string_append_printf(out, "  %-*s  ", (int)name_width, name);
	for (guint i = 0; i < prefixes->len; i++) {
		char text[19];

		vs_prefix_format(g_array_index(prefixes, VsPrefix, i), text);
		if (i > 0 && column + 1 + strlen(text) > 100) {
			g_string_append_c(out, '\n');
			for (column = 0; column < 2 + name_width + 2; column++)
				g_string_append_c(out, ' ');
		} else if (i > 0) {
			g_string_append_c(out, ' ');
			column++;
		}
		g_string_append(out, text);
		column += strlen(text);
	}
	if (prefixes->len == 0)
		g_string_append(out, "(no prefixes)");
	g_string_append_c(out, '\n');
}

/* The service tags the rules use, each once, in order of first use, with their prefixes. */
static void
append_tags(GString *out, const VsNic *nic, const GPtrArray *nsgs)
{
	g_autoptr(GArray) names = g_array_new(FALSE, FALSE, sizeof(const char *));
	g_autoptr(GArray) expansions = g_array_new(FALSE, FALSE, sizeof(const GArray *));
	gsize width = 0;

	for (guint i = 0; i < nsgs->len; i++) {
		const VsEffectiveNsg *effective = g_ptr_array_index(nsgs, i);

		for (guint j = 0; j < effective->rules->len; j++) {
			const VsEffectiveRule *item = g_ptr_array_index(effective->rules, j);
			const VsAddressMatch *sides[] = {&item->rule->source,
							 &item->rule->destination};
			const GArray *expanded[] = {item->expanded_source,
						    item->expanded_destination};

			for (gsize k = 0; k < G_N_ELEMENTS(sides); k++) {
				const char *name;
				gboolean seen = FALSE;

				if (sides[k]->kind != VS_MATCH_TAG)
					continue;
				name = tag_name(sides[k]);
				for (guint n = 0; n < names->len && !seen; n++)
					seen = strcmp(g_array_index(names, const char *, n),
						      name) == 0;
				if (seen)
					continue;
				g_array_append_val(names, name);
				g_array_append_val(expansions, expanded[k]);
				width = MAX(width, strlen(name));
			}
		}
	}
	if (names->len == 0)
		return;
	g_string_append_printf(out, "Service tags, as seen from subnet %s:\n",
			       nic != NULL && nic->subnet != NULL ? nic->subnet->path : "?");
	for (guint i = 0; i < names->len; i++)
		append_tag_line(out, g_array_index(names, const char *, i), width,
				g_array_index(expansions, const GArray *, i));
}

void
vs_render_rules_text(GString *out, const VsNic *nic, const GPtrArray *nsgs)
{
	g_string_append(out, "Inbound, in evaluation order:\n");
	append_level(out, nic, nsgs, TRUE, VS_DIRECTION_INBOUND);
	append_level(out, nic, nsgs, FALSE, VS_DIRECTION_INBOUND);
	g_string_append(out, "Outbound, in evaluation order:\n");
	append_level(out, nic, nsgs, FALSE, VS_DIRECTION_OUTBOUND);
	append_level(out, nic, nsgs, TRUE, VS_DIRECTION_OUTBOUND);
	append_tags(out, nic, nsgs);
}
