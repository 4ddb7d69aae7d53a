/*
 * trace.c - the result types of the diagnostics: a connectivity check's
 * trace (hops, issues, verdict, probes) and a NIC's effective security rules.
 *
 * Nothing here decides anything: the walk and the commands fill these values
 * and the renderers read them.  The one computation is the hop ids, which
 * must be GUID-shaped like Azure's and yet deterministic, so that the same
 * query on the same model prints byte-identical output (goldens, diffs in CI).
 */
#include "config.h"

#include "trace.h"

#include <string.h>

const char *
vs_hop_type_name(VsHopType type)
{
	switch (type) {
	case VS_HOP_SOURCE:
		return "Source";
	case VS_HOP_VIRTUAL_APPLIANCE:
		return "VirtualAppliance";
	case VS_HOP_VNET_LOCAL:
		return "VnetLocal";
	case VS_HOP_INTERNET:
		return "Internet";
	case VS_HOP_VNET_GATEWAY:
		return "VirtualNetworkGateway";
	}
	g_return_val_if_reached("Unknown");
}

const char *
vs_issue_origin_name(VsIssueOrigin origin)
{
	switch (origin) {
	case VS_ORIGIN_INBOUND:
		return "Inbound";
	case VS_ORIGIN_OUTBOUND:
		return "Outbound";
	case VS_ORIGIN_LOCAL:
		return "Local";
	}
	g_return_val_if_reached("Local");
}

const char *
vs_issue_severity_name(VsIssueSeverity severity)
{
	return severity == VS_ISSUE_SEVERITY_WARNING ? "Warning" : "Error";
}

const char *
vs_issue_type_name(VsIssueType type)
{
	switch (type) {
	case VS_ISSUE_NETWORK_SECURITY_RULE:
		return "NetworkSecurityRule";
	case VS_ISSUE_USER_DEFINED_ROUTE:
		return "UserDefinedRoute";
	case VS_ISSUE_CPU:
		return "CPU";
	case VS_ISSUE_MEMORY:
		return "Memory";
	case VS_ISSUE_GUEST_FIREWALL:
		return "GuestFirewall";
	case VS_ISSUE_DNS_RESOLUTION:
		return "DnsResolution";
	case VS_ISSUE_NO_LISTENER:
		return "NoListenerOnDestination";
	case VS_ISSUE_AGENT_STOPPED:
		return "AgentStopped";
	case VS_ISSUE_SOCKET_BIND:
		return "SocketBind";
	case VS_ISSUE_PLATFORM:
		return "Platform";
	case VS_ISSUE_UNKNOWN:
		return "Unknown";
	}
	g_return_val_if_reached("Unknown");
}

/* ---------------------------------------------------------------- issues */

static void
issue_context_free(VsIssueContext *context)
{
	if (context == NULL)
		return;
	g_free(context->key);
	g_free(context->value);
	g_free(context);
}

VsIssue *
vs_issue_new(VsIssueOrigin origin, VsIssueSeverity severity, VsIssueType type)
{
	VsIssue *issue = g_new0(VsIssue, 1);

	issue->origin = origin;
	issue->severity = severity;
	issue->type = type;
	issue->context = g_ptr_array_new_with_free_func((GDestroyNotify)issue_context_free);
	return issue;
}

void
vs_issue_free(VsIssue *issue)
{
	if (issue == NULL)
		return;
	g_ptr_array_unref(issue->context);
	g_free(issue->detail);
	g_free(issue);
}

void
vs_issue_add_context(VsIssue *issue, const char *key, const char *value)
{
	VsIssueContext *context = g_new0(VsIssueContext, 1);

	context->key = g_strdup(key);
	context->value = g_strdup(value);
	g_ptr_array_add(issue->context, context);
}

const char *
vs_issue_context_value(const VsIssue *issue, const char *key)
{
	for (guint i = 0; i < issue->context->len; i++) {
		const VsIssueContext *context = g_ptr_array_index(issue->context, i);

		if (strcmp(context->key, key) == 0)
			return context->value;
	}
	return NULL;
}

/* ---------------------------------------------------------------- hops */

VsHop *
vs_hop_new(VsHopType type, VsIp4 address)
{
	VsHop *hop = g_new0(VsHop, 1);

	hop->type = type;
	hop->address = address;
	hop->issues = g_ptr_array_new_with_free_func((GDestroyNotify)vs_issue_free);
	hop->explain = g_ptr_array_new_with_free_func(g_free);
	return hop;
}

void
vs_hop_free(VsHop *hop)
{
	if (hop == NULL)
		return;
	g_free(hop->id);
	g_free(hop->resource_id);
	g_ptr_array_unref(hop->issues);
	g_ptr_array_unref(hop->explain);
	g_free(hop);
}

/* ---------------------------------------------------------------- traces */

VsTrace *
vs_trace_new(void)
{
	VsTrace *trace = g_new0(VsTrace, 1);

	trace->hops = g_ptr_array_new_with_free_func((GDestroyNotify)vs_hop_free);
	trace->notes = g_ptr_array_new_with_free_func(g_free);
	return trace;
}

void
vs_trace_free(VsTrace *trace)
{
	if (trace == NULL)
		return;
	g_free(trace->destination_text);
	g_ptr_array_unref(trace->hops);
	g_ptr_array_unref(trace->notes);
	g_free(trace);
}

VsHop *
vs_trace_add_hop(VsTrace *trace, VsHop *hop)
{
	g_ptr_array_add(trace->hops, hop);
	return hop;
}

gboolean
vs_trace_has_error(const VsTrace *trace)
{
	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		for (guint j = 0; j < hop->issues->len; j++) {
			const VsIssue *issue = g_ptr_array_index(hop->issues, j);

			if (issue->severity == VS_ISSUE_SEVERITY_ERROR)
				return TRUE;
		}
	}
	return FALSE;
}

/*
 * A name-based id: the SHA-1 of "seed\nindex", its first 16 bytes shaped as a
 * version-5 UUID (version nibble 5, RFC 4122 variant), printed 8-4-4-4-12 in
 * lower case.  Hop ids thus differ within a trace, and a different query (the
 * seed) gives different ids, as Azure's GUIDs would, while the same query
 * always gives the same ones.
 */
static char *
hop_id(const char *seed, guint index)
{
	g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA1);
	g_autofree char *input = g_strdup_printf("%s\n%u", seed, index);
	guint8 digest[20];
	gsize length = sizeof(digest);

	g_checksum_update(checksum, (const guchar *)input, (gssize)strlen(input));
	g_checksum_get_digest(checksum, digest, &length);
	digest[6] = (guint8)((digest[6] & 0x0f) | 0x50);
	digest[8] = (guint8)((digest[8] & 0x3f) | 0x80);
	return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			       "%02x%02x%02x%02x%02x%02x",
			       digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
			       digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
			       digest[12], digest[13], digest[14], digest[15]);
}

void
vs_trace_assign_ids(VsTrace *trace, const char *seed)
{
	for (guint i = 0; i < trace->hops->len; i++) {
		VsHop *hop = g_ptr_array_index(trace->hops, i);

		g_free(hop->id);
		hop->id = hop_id(seed != NULL ? seed : "", i);
	}
}

/* ---------------------------------------------------------------- effective rules */

VsEffectiveRule *
vs_effective_rule_new(const VsRule *rule)
{
	VsEffectiveRule *effective = g_new0(VsEffectiveRule, 1);

	effective->rule = rule;
	effective->expanded_source = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	effective->expanded_destination = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	return effective;
}

void
vs_effective_rule_free(VsEffectiveRule *rule)
{
	if (rule == NULL)
		return;
	g_clear_pointer(&rule->expanded_source, g_array_unref);
	g_clear_pointer(&rule->expanded_destination, g_array_unref);
	g_free(rule);
}

VsEffectiveNsg *
vs_effective_nsg_new(const VsNsg *nsg, const VsSubnet *subnet, const VsNic *nic)
{
	VsEffectiveNsg *effective = g_new0(VsEffectiveNsg, 1);

	effective->nsg = nsg;
	effective->subnet = subnet;
	effective->nic = nic;
	effective->rules = g_ptr_array_new_with_free_func((GDestroyNotify)vs_effective_rule_free);
	g_warn_if_fail((subnet == NULL) != (nic == NULL));
	return effective;
}

void
vs_effective_nsg_free(VsEffectiveNsg *effective)
{
	if (effective == NULL)
		return;
	g_clear_pointer(&effective->rules, g_ptr_array_unref);
	g_free(effective);
}
