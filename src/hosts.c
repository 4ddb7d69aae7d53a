/*
 * hosts.c - the machines on a checked path: load warnings, guest firewalls,
 * listeners at the destination, and the agent on the source.
 *
 * Every issue carries a detail sentence in the model's terms (which key of
 * which VM or endpoint decided), and every explain line says what was
 * consulted and what it meant for the packet, for a reader who has not seen
 * the model file.
 */
#include "config.h"

#include "hosts.h"

#include <stdarg.h>

#include "firewall.h"
#include "latency.h"

static void explain_line(gboolean explain, VsHop *hop, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void
explain_line(gboolean explain, VsHop *hop, const char *format, ...)
{
	va_list args;

	if (!explain)
		return;
	va_start(args, format);
	g_ptr_array_add(hop->explain, g_strdup_vprintf(format, args));
	va_end(args);
}

static VsIssue *
add_issue(VsHop *hop, VsIssueOrigin origin, VsIssueSeverity severity, VsIssueType type,
	  char *detail)
{
	VsIssue *issue = vs_issue_new(origin, severity, type);

	issue->detail = detail;
	g_ptr_array_add(hop->issues, issue);
	return issue;
}

/* A figure for a sentence, "%g"-style but locale-independent: 3.5, 14 (owned). */
static char *
number_text(double value)
{
	char buffer[G_ASCII_DTOSTR_BUF_SIZE];

	return g_strdup(g_ascii_formatd(buffer, sizeof(buffer), "%g", value));
}

static gboolean
port_listed(const GArray *ports, guint port)
{
	for (guint i = 0; i < ports->len; i++)
		if (vs_port_range_contains(g_array_index(ports, VsPortRange, i), port))
			return TRUE;
	return FALSE;
}

/* ---------------------------------------------------------------- load */

static void
check_one_resource(VsHop *hop, const VsVm *vm, VsIssueType type, const char *what, const char *key,
		   guint percent)
{
	g_autofree char *value = NULL;
	g_autofree char *delay = NULL;
	g_autofree char *loss = NULL;
	VsIssue *issue;

	if (percent < VS_BUSY_PERCENT)
		return;
	value = g_strdup_printf("%u", percent);
	delay = number_text(vs_latency_busy_resource_delay_ms(percent));
	loss = number_text(vs_latency_busy_resource_loss_percent(percent));
	issue = add_issue(hop, VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_WARNING, type,
			  g_strdup_printf("%s's %s is at %u%% (%d%% or more is busy): each probe "
					  "through it takes %s ms longer and %s%% of them are "
					  "lost.",
					  vm->name, what, percent, VS_BUSY_PERCENT, delay, loss));
	vs_issue_add_context(issue, key, value);
}

void
vs_hosts_check_load(VsHop *hop, const VsVm *vm)
{
	check_one_resource(hop, vm, VS_ISSUE_CPU, "CPU", "CpuPercent", vm->cpu_percent);
	check_one_resource(hop, vm, VS_ISSUE_MEMORY, "memory", "MemoryPercent", vm->memory_percent);
}

/* ---------------------------------------------------------------- guest firewalls */

static const char *
direction_word(VsFwDirection direction)
{
	switch (direction) {
	case VS_FW_INBOUND:
		return "inbound";
	case VS_FW_OUTBOUND:
		return "outbound";
	case VS_FW_FORWARD:
	default:
		return "forwarded";
	}
}

/* What an allowed packet does at this VM, for the explain lines. */
static const char *
allowed_text(VsFwDirection direction)
{
	switch (direction) {
	case VS_FW_INBOUND:
		return "the packet is let in";
	case VS_FW_OUTBOUND:
		return "the packet is let out";
	case VS_FW_FORWARD:
	default:
		return "the packet is forwarded";
	}
}

static void
explain_firewall(VsHop *hop, const VsVm *vm, VsFwDirection direction, const VsPacket *packet)
{
	const VsGuestFirewall *firewall = vm->guest_firewall;
	const char *direction_name = vs_fw_direction_name(direction);
	gboolean any_rule = FALSE;
	VsAccess fallback;

	if (firewall == NULL) {
		explain_line(TRUE, hop,
			     "No guest firewall on %s (no guestFirewall in the model): %s.",
			     vm->name, allowed_text(direction));
		return;
	}
	for (guint i = 0; i < firewall->rules->len; i++) {
		const VsFwRule *rule = g_ptr_array_index(firewall->rules, i);
		g_autofree char *why = NULL;

		if (rule->direction != direction)
			continue;
		if (!any_rule)
			explain_line(TRUE, hop,
				     "Guest firewall of %s, %s rules in list order:", vm->name,
				     direction_name);
		any_rule = TRUE;
		if (!vs_firewall_rule_matches(rule, direction, packet, &why)) {
			explain_line(TRUE, hop, "  %s (%s): not matched, %s.", rule->name,
				     vs_access_name(rule->action), why);
			continue;
		}
		explain_line(TRUE, hop, "  %s (%s): matched, %s.", rule->name,
			     vs_access_name(rule->action),
			     rule->action == VS_ACCESS_ALLOW ? allowed_text(direction)
							     : "the packet is dropped");
		return;
	}
	fallback = vs_firewall_default_access(vm, direction);
	if (!any_rule)
		explain_line(TRUE, hop, "Guest firewall of %s has no %s rules: %s is %s, %s.",
			     vm->name, direction_name, vs_firewall_default_name(direction),
			     vs_access_name(fallback),
			     fallback == VS_ACCESS_ALLOW ? allowed_text(direction)
							 : "the packet is dropped");
	else
		explain_line(TRUE, hop, "  No %s rule matched: %s is %s, %s.", direction_name,
			     vs_firewall_default_name(direction), vs_access_name(fallback),
			     fallback == VS_ACCESS_ALLOW ? allowed_text(direction)
							 : "the packet is dropped");
}

gboolean
vs_hosts_check_firewall(VsHop *hop, const VsVm *vm, VsFwDirection direction, VsIssueOrigin origin,
			const VsPacket *packet, gboolean explain)
{
	const VsFwRule *rule = NULL;
	g_autofree char *tuple = NULL;
	VsIssue *issue;

	if (explain)
		explain_firewall(hop, vm, direction, packet);
	if (vs_firewall_evaluate(vm, direction, packet, &rule) == VS_ACCESS_ALLOW)
		return TRUE;
	tuple = vs_packet_to_string(packet);
	if (rule != NULL)
		issue = add_issue(hop, origin, VS_ISSUE_SEVERITY_ERROR, VS_ISSUE_GUEST_FIREWALL,
				  g_strdup_printf("The guest firewall of %s drops %s %s: its %s "
						  "rule %s denies it.",
						  vm->name, direction_word(direction), tuple,
						  vs_fw_direction_name(direction), rule->name));
	else
		issue = add_issue(hop, origin, VS_ISSUE_SEVERITY_ERROR, VS_ISSUE_GUEST_FIREWALL,
				  g_strdup_printf("The guest firewall of %s drops %s %s: no %s "
						  "rule matches it, and %s is Deny.",
						  vm->name, direction_word(direction), tuple,
						  vs_fw_direction_name(direction),
						  vs_firewall_default_name(direction)));
	issue->firewall_rule = rule;
	vs_issue_add_context(issue, "FirewallRule",
			     rule != NULL ? rule->name : vs_firewall_default_name(direction));
	return FALSE;
}

/* ---------------------------------------------------------------- listeners */

gboolean
vs_hosts_check_listener(VsHop *hop, const VsVm *vm, const VsPacket *packet, gboolean explain)
{
	g_autofree char *listed = NULL;

	if (packet->protocol == VS_PROTO_ICMP) {
		explain_line(explain, hop,
			     "%s answers ICMP echo (listeningPorts concern TCP ports only).",
			     vm->name);
		return TRUE;
	}
	if (packet->protocol != VS_PROTO_TCP) {
		explain_line(explain, hop,
			     "%s has no handshake: whether a process on %s reads port %u is "
			     "not checked.",
			     vs_protocol_name(packet->protocol), vm->name,
			     packet->destination_port);
		return TRUE;
	}
	if (vm->listening_ports == NULL) {
		explain_line(explain, hop,
			     "%s lists no listeningPorts, so every port answers: port %u "
			     "accepts the connection.",
			     vm->name, packet->destination_port);
		return TRUE;
	}
	if (port_listed(vm->listening_ports, packet->destination_port)) {
		if (explain) {
			listed = vs_port_ranges_to_string(vm->listening_ports, ", ");
			explain_line(explain, hop,
				     "%s listens on %s: port %u accepts the connection.", vm->name,
				     listed, packet->destination_port);
		}
		return TRUE;
	}
	listed = vs_port_ranges_to_string(vm->listening_ports, ", ");
	explain_line(explain, hop, "%s listens on %s only: nothing accepts port %u.", vm->name,
		     listed, packet->destination_port);
	add_issue(hop, VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_ERROR, VS_ISSUE_NO_LISTENER,
		  g_strdup_printf("Nothing listens on Tcp port %u of %s (its listeningPorts are "
				  "%s): the connection is refused, so every probe fails.",
				  packet->destination_port, vm->name, listed));
	return FALSE;
}

gboolean
vs_hosts_listener_answers(const VsVm *vm, const VsPacket *packet)
{
	return packet->protocol != VS_PROTO_TCP || vm->listening_ports == NULL ||
	       port_listed(vm->listening_ports, packet->destination_port);
}

static const VsInternetEndpoint *
find_endpoint(const VsModel *model, VsIp4 address)
{
	for (guint i = 0; i < model->internet_endpoints->len; i++) {
		const VsInternetEndpoint *endpoint =
			g_ptr_array_index(model->internet_endpoints, i);

		if (endpoint->address == address)
			return endpoint;
	}
	return NULL;
}

gboolean
vs_hosts_check_internet(VsHop *hop, const VsModel *model, const VsPacket *packet, gboolean explain)
{
	const VsInternetEndpoint *endpoint = find_endpoint(model, packet->destination);
	g_autofree char *listed = NULL;
	char ip[16];
	VsIssue *issue;

	vs_ip4_format(packet->destination, ip);
	if (endpoint == NULL) {
		g_autofree char *message = NULL;

		if (model->internet_reachable) {
			explain_line(explain, hop,
				     "%s is not one of internet.endpoints; internet.reachable is "
				     "true, so it answers on every port.",
				     ip);
			return TRUE;
		}
		message = g_strdup_printf("No host answers at %s: internet.reachable is false "
					  "and no internet.endpoints entry has that address",
					  ip);
		explain_line(explain, hop, "%s.", message);
		issue = add_issue(hop, VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_ERROR, VS_ISSUE_UNKNOWN,
				  g_strdup_printf("%s, so every probe goes unanswered.", message));
		vs_issue_add_context(issue, "ErrorMessage", message);
		return FALSE;
	}
	if (packet->protocol == VS_PROTO_ICMP) {
		explain_line(explain, hop, "%s is %s (internet.endpoints); it answers ICMP echo.",
			     ip, endpoint->name);
		return TRUE;
	}
	if (packet->protocol != VS_PROTO_TCP) {
		explain_line(explain, hop,
			     "%s is %s (internet.endpoints).  %s has no handshake: whether it "
			     "reads port %u is not checked.",
			     ip, endpoint->name, vs_protocol_name(packet->protocol),
			     packet->destination_port);
		return TRUE;
	}
	if (endpoint->listening_ports == NULL) {
		explain_line(explain, hop,
			     "%s is %s (internet.endpoints), which lists no listeningPorts: port "
			     "%u accepts the connection.",
			     ip, endpoint->name, packet->destination_port);
		return TRUE;
	}
	listed = vs_port_ranges_to_string(endpoint->listening_ports, ", ");
	if (port_listed(endpoint->listening_ports, packet->destination_port)) {
		explain_line(explain, hop,
			     "%s is %s (internet.endpoints), which listens on %s: port %u "
			     "accepts the connection.",
			     ip, endpoint->name, listed, packet->destination_port);
		return TRUE;
	}
	explain_line(explain, hop,
		     "%s is %s (internet.endpoints), which listens on %s only: nothing accepts "
		     "port %u.",
		     ip, endpoint->name, listed, packet->destination_port);
	add_issue(hop, VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_ERROR, VS_ISSUE_NO_LISTENER,
		  g_strdup_printf("Nothing listens on Tcp port %u of %s (%s; its listeningPorts "
				  "are %s): the connection is refused, so every probe fails.",
				  packet->destination_port, endpoint->name, ip, listed));
	return FALSE;
}

gboolean
vs_hosts_internet_answers(const VsModel *model, const VsPacket *packet, VsIssueType *type)
{
	const VsInternetEndpoint *endpoint = find_endpoint(model, packet->destination);

	if (endpoint == NULL) {
		*type = VS_ISSUE_UNKNOWN;
		return model->internet_reachable;
	}
	*type = VS_ISSUE_NO_LISTENER;
	return packet->protocol != VS_PROTO_TCP || endpoint->listening_ports == NULL ||
	       port_listed(endpoint->listening_ports, packet->destination_port);
}

/* ---------------------------------------------------------------- the agent */

gboolean
vs_hosts_check_agent(VsHop *hop, const VsVm *vm)
{
	g_autofree char *message = NULL;
	VsIssue *issue;

	if (vm->network_watcher_agent)
		return TRUE;
	message = g_strdup_printf("The Network Watcher agent is not installed on %s "
				  "(networkWatcherAgent: false)",
				  vm->name);
	issue = add_issue(hop, VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_ERROR, VS_ISSUE_AGENT_STOPPED,
			  g_strdup_printf("%s.  Connection troubleshoot sends its probes from "
					  "that agent, so no probe was sent and the path was not "
					  "tested.  Install the AzureNetworkWatcherExtension VM "
					  "extension on %s, or check from another VM.",
					  message, vm->name));
	vs_issue_add_context(issue, "ErrorMessage", message);
	return FALSE;
}
