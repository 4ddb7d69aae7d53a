/*
 * verdict.c - the verdict of one flow from a walked trace.
 *
 * The deciding issue is the first Error issue in path order: the first block
 * the packet meets.  Warnings (a busy host) never decide.  What the issue
 * blames becomes the decision: the rule, route or firewall rule it carries;
 * for a routing drop by a system route, the prefix and "System Route" (as the
 * next-hop API names system routes); for a platform refusal, the peering or
 * the subnet whose setting is at fault; otherwise the VM whose hop carries
 * the issue.  When that VM is the source or the destination of the pair the
 * verdict records the party instead of the name, so the verdict holds for
 * every member of the pair's classes (see verdict.h).
 */
#include "config.h"

#include "verdict.h"

#include <string.h>

void
vs_verdict_free(VsVerdict *verdict)
{
	if (verdict == NULL)
		return;
	g_free(verdict->name);
	g_free(verdict->resource);
	g_free(verdict);
}

static VsParty
party_of(const VsHop *hop, const VsNic *source, const VsNic *destination)
{
	if (hop->nic != NULL && hop->nic == source)
		return VS_PARTY_SOURCE;
	if (hop->nic != NULL && hop->nic == destination)
		return VS_PARTY_DESTINATION;
	return VS_PARTY_NONE;
}

static gint
firewall_rule_index(const VsVm *vm, const VsFwRule *rule)
{
	for (guint i = 0;
	     vm != NULL && vm->guest_firewall != NULL && i < vm->guest_firewall->rules->len; i++)
		if (g_ptr_array_index(vm->guest_firewall->rules, i) == rule)
			return (gint)i;
	return -1;
}

static void
decide(VsVerdict *verdict, const VsHop *hop, const VsIssue *issue, const VsNic *source,
       const VsNic *destination)
{
	const char *value;

	verdict->type = issue->type;
	verdict->firewall_rule = -1;
	if (issue->rule != NULL) {
		verdict->name = vs_rule_display_name(issue->rule);
		verdict->resource = g_strdup(issue->rule->nsg->name);
		verdict->pos = issue->rule->pos;
		return;
	}
	if (issue->route != NULL) {
		verdict->name = g_strdup(issue->route->name);
		verdict->resource = g_strdup(issue->route->table->name);
		verdict->pos = issue->route->pos;
		return;
	}
	if (issue->type == VS_ISSUE_USER_DEFINED_ROUTE) {
		value = vs_issue_context_value(issue, "AddressPrefix");
		verdict->name = g_strdup(value != NULL ? value : "no route");
		verdict->resource = g_strdup("System Route");
		return;
	}
	if (issue->type == VS_ISSUE_PLATFORM && hop->nic != NULL && hop->nic->subnet != NULL) {
		value = vs_issue_context_value(issue, "Peering");
		if (value != NULL) {
			verdict->name = g_strdup(value);
			verdict->resource = g_strdup(hop->nic->subnet->vnet->name);
			verdict->pos = hop->nic->subnet->vnet->pos;
		} else {
			verdict->name = g_strdup("defaultOutboundAccess");
			verdict->resource = g_strdup(hop->nic->subnet->path);
			verdict->pos = hop->nic->subnet->pos;
		}
		return;
	}
	verdict->name = g_strdup(issue->firewall_rule != NULL ? issue->firewall_rule->name
							      : vs_issue_type_name(issue->type));
	verdict->party = party_of(hop, source, destination);
	if (verdict->party != VS_PARTY_NONE) {
		verdict->firewall_rule =
			issue->firewall_rule != NULL
				? firewall_rule_index(hop->nic->vm, issue->firewall_rule)
				: -1;
		return;
	}
	if (hop->nic != NULL && hop->nic->vm != NULL) {
		verdict->resource = g_strdup(hop->nic->vm->name);
		verdict->pos = issue->firewall_rule != NULL ? issue->firewall_rule->pos
							    : hop->nic->vm->pos;
	} else {
		verdict->resource = g_strdup(hop->resource_id != NULL ? hop->resource_id : "");
	}
}

VsVerdict *
vs_verdict_from_trace(const VsTrace *trace, const VsNic *source, const VsNic *destination)
{
	VsVerdict *verdict = g_new0(VsVerdict, 1);

	verdict->reachable = trace->reachable;
	verdict->firewall_rule = -1;
	if (trace->reachable)
		return verdict;
	for (guint h = 0; h < trace->hops->len; h++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, h);

		for (guint i = 0; i < hop->issues->len; i++) {
			const VsIssue *issue = g_ptr_array_index(hop->issues, i);

			if (issue->severity == VS_ISSUE_SEVERITY_ERROR) {
				decide(verdict, hop, issue, source, destination);
				return verdict;
			}
		}
	}
	/* unreachable without an error: the walk never does this, but say so plainly */
	verdict->type = VS_ISSUE_UNKNOWN;
	verdict->name = g_strdup("Unknown");
	verdict->resource = g_strdup("");
	return verdict;
}

/*
 * The verdict of a verdict-only walk: what decide() makes of the trace's first
 * Error, from the pointers the walk recorded instead of the issue's strings.
 * Kept equal to vs_verdict_from_trace() of the same query by the matrix =
 * check test (tests/check_classes.c).
 */
VsVerdict *
vs_verdict_from_walk(const VsEngine *engine, const VsWalkVerdict *walked, const VsNic *source,
		     const VsNic *destination)
{
	VsVerdict *verdict = g_new0(VsVerdict, 1);
	const VsNic *nic;

	verdict->reachable = walked->reachable;
	verdict->firewall_rule = -1;
	if (walked->reachable)
		return verdict;
	if (!walked->has_issue || walked->issue_severity != VS_ISSUE_SEVERITY_ERROR) {
		/* as from a trace without an Error (asymmetric routing alone) */
		verdict->type = VS_ISSUE_UNKNOWN;
		verdict->name = g_strdup("Unknown");
		verdict->resource = g_strdup("");
		return verdict;
	}
	nic = walked->hop_nics[walked->issue_hop];
	verdict->type = walked->issue_type;
	if (walked->rule != NULL) {
		verdict->name = vs_rule_display_name(walked->rule);
		verdict->resource = g_strdup(walked->rule->nsg->name);
		verdict->pos = walked->rule->pos;
		return verdict;
	}
	if (walked->issue_type == VS_ISSUE_USER_DEFINED_ROUTE && walked->route != NULL &&
	    walked->route->user_route != NULL) {
		const VsRoute *route = walked->route->user_route;

		verdict->name = g_strdup(route->name);
		verdict->resource = g_strdup(route->table->name);
		verdict->pos = route->pos;
		return verdict;
	}
	if (walked->issue_type == VS_ISSUE_USER_DEFINED_ROUTE) {
		char prefix[19];

		verdict->name = g_strdup(walked->route != NULL
						 ? vs_prefix_format(walked->route->prefix, prefix)
						 : "no route");
		verdict->resource = g_strdup("System Route");
		return verdict;
	}
	if (walked->issue_type == VS_ISSUE_PLATFORM && nic != NULL && nic->subnet != NULL) {
		if (walked->peering_from != NULL && walked->peering_to != NULL) {
			verdict->name = g_strdup_printf("%s -> %s", walked->peering_from->name,
							walked->peering_to->name);
			verdict->resource = g_strdup(nic->subnet->vnet->name);
			verdict->pos = nic->subnet->vnet->pos;
		} else {
			verdict->name = g_strdup("defaultOutboundAccess");
			verdict->resource = g_strdup(nic->subnet->path);
			verdict->pos = nic->subnet->pos;
		}
		return verdict;
	}
	verdict->name =
		g_strdup(walked->firewall_rule != NULL ? walked->firewall_rule->name
						       : vs_issue_type_name(walked->issue_type));
	verdict->party = nic == NULL          ? VS_PARTY_NONE
			 : nic == source      ? VS_PARTY_SOURCE
			 : nic == destination ? VS_PARTY_DESTINATION
					      : VS_PARTY_NONE;
	if (verdict->party != VS_PARTY_NONE) {
		verdict->firewall_rule =
			walked->firewall_rule != NULL
				? firewall_rule_index(nic->vm, walked->firewall_rule)
				: -1;
		return verdict;
	}
	if (nic != NULL && nic->vm != NULL) {
		verdict->resource = g_strdup(nic->vm->name);
		verdict->pos =
			walked->firewall_rule != NULL ? walked->firewall_rule->pos : nic->vm->pos;
	} else if (nic != NULL) {
		/* as the trace's hop: a source hop names its VM, any other its NIC */
		verdict->resource = walked->issue_hop == 0
					    ? vs_vm_resource_id(engine->model, nic->vm)
					    : vs_nic_resource_id(engine->model, nic);
	} else {
		verdict->resource = g_strdup(walked->hop_types[walked->issue_hop] == VS_HOP_INTERNET
						     ? "Internet"
						     : "Unknown");
	}
	return verdict;
}

VsVerdict *
vs_verdict_walk(const VsEngine *engine, const VsNic *source, const VsNic *destination,
		VsIp4 destination_ip, VsProtocol protocol, guint16 port)
{
	VsQuery query = {
		.source = source,
		.destination = destination_ip,
		.protocol = protocol,
		.source_port = VS_VERDICT_SOURCE_PORT,
		.destination_port = vs_protocol_has_ports(protocol) ? port : 0,
	};
	VsWalkVerdict walked;

	vs_walk_verdict(engine, &query, &walked);
	return vs_verdict_from_walk(engine, &walked, source, destination);
}

gboolean
vs_verdict_equal(const VsVerdict *a, const VsVerdict *b)
{
	if (a->reachable != b->reachable)
		return FALSE;
	if (a->reachable)
		return TRUE;
	return a->type == b->type && a->party == b->party && a->firewall_rule == b->firewall_rule &&
	       g_strcmp0(a->name, b->name) == 0 && g_strcmp0(a->resource, b->resource) == 0 &&
	       a->pos.line == b->pos.line && g_strcmp0(a->pos.file, b->pos.file) == 0;
}

gboolean
vs_verdict_decided_by(const VsVerdict *verdict, const VsVm *source, const VsVm *destination,
		      VsDecidedBy *out)
{
	const VsVm *vm;

	if (verdict->reachable)
		return FALSE;
	out->type = vs_issue_type_name(verdict->type);
	out->name = verdict->name;
	out->resource = verdict->resource != NULL ? verdict->resource : "";
	out->file = verdict->pos.file;
	out->line = verdict->pos.line;
	if (verdict->party == VS_PARTY_NONE)
		return TRUE;
	vm = verdict->party == VS_PARTY_SOURCE ? source : destination;
	if (vm == NULL)
		return TRUE;
	out->resource = vm->name;
	out->file = vm->pos.file;
	out->line = vm->pos.line;
	if (verdict->firewall_rule >= 0 && vm->guest_firewall != NULL &&
	    (guint)verdict->firewall_rule < vm->guest_firewall->rules->len) {
		const VsFwRule *rule =
			g_ptr_array_index(vm->guest_firewall->rules, verdict->firewall_rule);

		out->file = rule->pos.file;
		out->line = rule->pos.line;
	}
	return TRUE;
}
