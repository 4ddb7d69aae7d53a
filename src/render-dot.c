/*
 * render-dot.c - the topology and a checked path as a Graphviz digraph.
 *
 * Node names are derived from object ids (nic12, vnet3), never from user
 * text, so any name in the model is safe; user text only ever appears in
 * quoted labels, through vs_dot_quote().  Everything is emitted in model
 * order, so the same model and trace give the same bytes.
 *
 * Colours on the path: blue for a clean hop, red for a hop with an Error (and
 * the link where the packet stops), dark orange with a "warning: ..." line in
 * its label for a hop whose worst issue is a Warning (an appliance that sees
 * only half of an asymmetric flow, a busy host), so that a hop the text
 * output flags never looks clean in the picture.
 */
#include "config.h"

#include "render-dot.h"

#include <string.h>

void
vs_dot_quote(GString *out, const char *text)
{
	g_string_append_c(out, '"');
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(out, '\\');
		if (*p == '\n') {
			g_string_append(out, "\\n");
			continue;
		}
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

static void
append_prefixes(GString *out, const GArray *prefixes)
{
	for (guint i = 0; i < prefixes->len; i++) {
		char buf[19];

		g_string_append_printf(out, "%s%s", i ? ", " : "",
				       vs_prefix_format(g_array_index(prefixes, VsPrefix, i), buf));
	}
}

/* The 1-based position of nic on the path, 0 when it is not on it. */
static guint
path_position(const VsTrace *trace, const VsNic *nic)
{
	for (guint i = 0; trace != NULL && i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		if (hop->nic == nic)
			return i + 1;
	}
	return 0;
}

/* The hop's first issue of that severity, or NULL. */
static const VsIssue *
first_issue(const VsHop *hop, VsIssueSeverity severity)
{
	for (guint i = 0; i < hop->issues->len; i++) {
		const VsIssue *issue = g_ptr_array_index(hop->issues, i);

		if (issue->severity == severity)
			return issue;
	}
	return NULL;
}

/* The node colour of a hop on the path: its worst issue decides. */
static const char *
hop_color(const VsHop *hop)
{
	if (first_issue(hop, VS_ISSUE_SEVERITY_ERROR) != NULL)
		return "red";
	if (first_issue(hop, VS_ISSUE_SEVERITY_WARNING) != NULL)
		return "darkorange";
	return "blue";
}

/* A short line naming a hop's first Warning, for its node label; NULL when the hop
 * has an Error (the red link says why) or no Warning. */
static char *
warning_note(const VsHop *hop)
{
	const VsIssue *issue = first_issue(hop, VS_ISSUE_SEVERITY_WARNING);
	const char *percent;

	if (issue == NULL || first_issue(hop, VS_ISSUE_SEVERITY_ERROR) != NULL)
		return NULL;
	switch (issue->type) {
	case VS_ISSUE_USER_DEFINED_ROUTE:
		/* the only route warning the walk raises */
		return issue->route != NULL
			       ? g_strdup_printf("warning: asymmetric routing (route %s)",
						 issue->route->name)
			       : g_strdup("warning: asymmetric routing");
	case VS_ISSUE_CPU:
		percent = vs_issue_context_value(issue, "CpuPercent");
		return g_strdup_printf("warning: CPU %s%%", percent != NULL ? percent : "?");
	case VS_ISSUE_MEMORY:
		percent = vs_issue_context_value(issue, "MemoryPercent");
		return g_strdup_printf("warning: memory %s%%", percent != NULL ? percent : "?");
	default:
		return g_strdup_printf("warning: %s", vs_issue_type_name(issue->type));
	}
}

static void
emit_nic(GString *out, const VsTrace *trace, const VsNic *nic)
{
	g_autoptr(GString) label = g_string_new(nic->vm->name);
	guint position = path_position(trace, nic);
	const VsHop *hop = position > 0 ? g_ptr_array_index(trace->hops, position - 1) : NULL;
	g_autofree char *note = hop != NULL ? warning_note(hop) : NULL;
	char ip[16];

	if (nic->vm->nics->len > 1)
		g_string_append_printf(label, "/%s", nic->name);
	g_string_append_printf(label, "\n%s", vs_ip4_format(nic->private_ip, ip));
	if (nic->has_public_ip)
		g_string_append_printf(label, "\npublic %s", vs_ip4_format(nic->public_ip, ip));
	if (note != NULL)
		g_string_append_printf(label, "\n%s", note);
	g_string_append_printf(out, "      nic%u [label=", nic->id);
	vs_dot_quote(out, label->str);
	g_string_append(out, nic->ip_forwarding ? ", shape=box3d" : ", shape=box, style=rounded");
	if (hop != NULL) {
		const char *color = hop_color(hop);

		g_string_append_printf(out, ", penwidth=2.5, color=%s", color);
		if (note != NULL)
			g_string_append_printf(out, ", fontcolor=%s", color);
	}
	g_string_append(out, "];\n");
}

static void
emit_subnet(GString *out, const VsTrace *trace, const VsSubnet *subnet)
{
	g_autoptr(GString) label = g_string_new(subnet->name);
	char buf[19];

	g_string_append_printf(label, "\n%s", vs_prefix_format(subnet->prefix, buf));
	if (subnet->nsg != NULL)
		g_string_append_printf(label, "\nNSG %s", subnet->nsg->name);
	if (subnet->route_table != NULL)
		g_string_append_printf(label, "\nroutes %s", subnet->route_table->name);
	if (!subnet->default_outbound_access)
		g_string_append(label, "\nprivate (no default outbound)");
	g_string_append_printf(out, "    subgraph cluster_subnet%u {\n      label=", subnet->id);
	vs_dot_quote(out, label->str);
	g_string_append(out, ";\n      style=rounded;\n");
	if (subnet->nics->len == 0)
		g_string_append_printf(out, "      subnet%u_empty [label=\"\", shape=point];\n",
				       subnet->id);
	for (guint i = 0; i < subnet->nics->len; i++)
		emit_nic(out, trace, g_ptr_array_index(subnet->nics, i));
	g_string_append(out, "    }\n");
}

static void
emit_vnet(GString *out, const VsModel *model, const VsTrace *trace, const VsVnet *vnet)
{
	g_autoptr(GString) label = g_string_new(vnet->name);

	g_string_append_printf(label, " (%s)\n",
			       vnet->location != NULL ? vnet->location : model->location);
	append_prefixes(label, vnet->address_space);
	g_string_append_printf(out, "  subgraph cluster_vnet%u {\n    label=", vnet->id);
	vs_dot_quote(out, label->str);
	g_string_append(out, ";\n    style=filled;\n    fillcolor=\"#f2f6fb\";\n");
	/* an invisible node inside the cluster carries the peering edges; ltail and
	 * lhead then clip them at the cluster's border */
	g_string_append_printf(out, "    vnet%u [label=\"\", shape=point, style=invis];\n",
			       vnet->id);
	for (guint i = 0; i < vnet->subnets->len; i++)
		emit_subnet(out, trace, g_ptr_array_index(vnet->subnets, i));
	g_string_append(out, "  }\n");
}

static void
emit_peerings(GString *out, const VsModel *model)
{
	for (guint v = 0; v < model->vnets->len; v++) {
		const VsVnet *vnet = g_ptr_array_index(model->vnets, v);

		for (guint p = 0; p < vnet->peerings->len; p++) {
			const VsPeering *peering = g_ptr_array_index(vnet->peerings, p);

			if (peering->remote == NULL)
				continue;
			/* a Connected pair is drawn once, from the VNet listed first */
			if (peering->state == VS_PEERING_CONNECTED &&
			    peering->remote->id < vnet->id)
				continue;
			g_string_append_printf(out, "  vnet%u -> vnet%u [", vnet->id,
					       peering->remote->id);
			if (peering->state == VS_PEERING_CONNECTED)
				g_string_append(out, "dir=both, style=dashed, color=gray40, "
						     "label=\"peering\"");
			else
				g_string_append(out, "style=dotted, color=red, "
						     "label=\"peering (Initiated: one-sided)\"");
			g_string_append(out, ", ltail=cluster_vnet");
			g_string_append_printf(out, "%u, lhead=cluster_vnet%u];\n", vnet->id,
					       peering->remote->id);
		}
	}
}

/* The first Error issue's blocking rule, route or reason, for an edge label. */
static char *
blocking_reason(const VsHop *hop)
{
	for (guint i = 0; i < hop->issues->len; i++) {
		const VsIssue *issue = g_ptr_array_index(hop->issues, i);

		if (issue->severity != VS_ISSUE_SEVERITY_ERROR)
			continue;
		if (issue->rule != NULL)
			return g_strdup_printf("denied by %s %s", issue->rule->nsg->name,
					       issue->rule->name);
		if (issue->route != NULL)
			return g_strdup_printf("dropped by route %s", issue->route->name);
		if (issue->firewall_rule != NULL)
			return g_strdup_printf("guest firewall %s", issue->firewall_rule->name);
		if (issue->detail != NULL)
			return g_strdup(issue->detail);
		return g_strdup("blocked");
	}
	return NULL;
}

static void
hop_node(GString *out, const VsHop *hop, guint index)
{
	if (hop->nic != NULL)
		g_string_append_printf(out, "nic%u", hop->nic->id);
	else if (hop->type == VS_HOP_INTERNET)
		g_string_append(out, "internet");
	else
		g_string_append_printf(out, "hop%u", index);
}

static void
emit_path(GString *out, const VsTrace *trace)
{
	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		if (hop->nic == NULL && hop->type != VS_HOP_INTERNET) {
			g_autofree char *note = warning_note(hop);
			g_autoptr(GString) label = g_string_new(NULL);
			char ip[16];

			g_string_append(label, vs_ip4_format(hop->address, ip));
			if (note != NULL)
				g_string_append_printf(label, "\n%s", note);
			g_string_append_printf(out, "  hop%u [label=", i);
			vs_dot_quote(out, label->str);
			g_string_append(out, ", shape=doubleoctagon");
			if (note != NULL)
				g_string_append(out, ", color=darkorange, fontcolor=darkorange");
			g_string_append(out, "];\n");
		}
	}
	for (guint i = 0; i + 1 < trace->hops->len; i++) {
		const VsHop *from = g_ptr_array_index(trace->hops, i);
		const VsHop *to = g_ptr_array_index(trace->hops, i + 1);
		/* an Outbound block sits on the sender, an Inbound block on the receiver */
		g_autofree char *reason = blocking_reason(from);
		g_autoptr(GString) label = g_string_new(NULL);

		if (reason == NULL)
			reason = blocking_reason(to);
		g_string_append_printf(label, "%u", i + 1);
		if (reason != NULL)
			g_string_append_printf(label, ": %s", reason);
		g_string_append(out, "  ");
		hop_node(out, from, i);
		g_string_append(out, " -> ");
		hop_node(out, to, i + 1);
		g_string_append(out, " [label=");
		vs_dot_quote(out, label->str);
		g_string_append_printf(out, ", penwidth=2.5, color=%s, fontcolor=%s%s];\n",
				       reason ? "red" : "blue", reason ? "red" : "blue",
				       reason ? ", style=bold, arrowhead=tee" : "");
	}
	if (trace->hops->len > 0) {
		const VsHop *last = g_ptr_array_index(trace->hops, trace->hops->len - 1);
		g_autofree char *reason = blocking_reason(last);

		/* a drop with no next hop: draw where the packet died */
		if (reason != NULL && trace->hops->len == 1) {
			g_string_append(out, "  dropped [label=\"dropped\", shape=octagon, "
					     "color=red, fontcolor=red];\n  ");
			hop_node(out, last, 0);
			g_string_append(out, " -> dropped [label=");
			vs_dot_quote(out, reason);
			g_string_append(out, ", color=red, fontcolor=red, arrowhead=tee];\n");
		}
	}
}

void
vs_render_dot(GString *out, const VsModel *model, const VsTrace *trace)
{
	g_string_append(out, "digraph vnetsim {\n");
	g_string_append(out, "  graph [compound=true, rankdir=LR, fontname=\"Helvetica\", "
			     "fontsize=11];\n");
	g_string_append(out, "  node [fontname=\"Helvetica\", fontsize=10];\n");
	g_string_append(out, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	g_string_append(out, "  label=");
	vs_dot_quote(out, model->name != NULL ? model->name : "");
	g_string_append(out, ";\n");
	for (guint v = 0; v < model->vnets->len; v++) {
		const VsVnet *vnet = g_ptr_array_index(model->vnets, v);

		emit_vnet(out, model, trace, vnet);
	}
	emit_peerings(out, model);
	g_string_append(out, "  internet [label=\"Internet\", shape=ellipse, style=filled, "
			     "fillcolor=\"#eeeeee\"];\n");
	if (trace != NULL)
		emit_path(out, trace);
	g_string_append(out, "}\n");
}
