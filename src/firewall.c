/*
 * firewall.c - guest firewall evaluation: first match in list order, then
 * the direction's default.  The matcher also says, for --explain, which
 * criterion a rule failed on: the first one checked, in the order protocol,
 * port, addresses.
 */
#include "config.h"

#include "firewall.h"

static gboolean
ports_match(const GArray *ports, const VsPacket *packet, guint port)
{
	return ports == NULL || vs_ports_match(ports, packet->protocol, port);
}

static gboolean
address_listed(const GArray *prefixes, VsIp4 address)
{
	for (guint i = 0; i < prefixes->len; i++)
		if (vs_prefix_contains_ip(g_array_index(prefixes, VsPrefix, i), address))
			return TRUE;
	return FALSE;
}

static void
set_why(char **why, char *text)
{
	if (why != NULL)
		*why = text;
	else
		g_free(text);
}

gboolean
vs_firewall_rule_matches(const VsFwRule *rule, VsFwDirection direction, const VsPacket *packet,
			 char **why)
{
	guint local_port;
	char a[16], b[16];

	if (why != NULL)
		*why = NULL;
	if (rule->direction != direction) {
		set_why(why,
			g_strdup_printf("it is a %s rule", vs_fw_direction_name(rule->direction)));
		return FALSE;
	}
	if (!vs_protocol_matches(rule->protocol, packet->protocol)) {
		set_why(why, g_strdup_printf("the protocol is %s, not %s",
					     vs_protocol_name(packet->protocol),
					     vs_protocol_name(rule->protocol)));
		return FALSE;
	}
	local_port = direction == VS_FW_OUTBOUND ? packet->source_port : packet->destination_port;
	if (!ports_match(rule->local_ports, packet, local_port)) {
		g_autofree char *listed = vs_port_ranges_to_string(rule->local_ports, ",");

		if (!vs_protocol_has_ports(packet->protocol))
			set_why(why, g_strdup_printf("%s has no ports and localPorts is %s",
						     vs_protocol_name(packet->protocol), listed));
		else
			set_why(why, g_strdup_printf("%s port %u is not in %s",
						     direction == VS_FW_FORWARD ? "destination"
										: "local",
						     local_port, listed));
		return FALSE;
	}
	if (rule->remote_addresses == NULL)
		return TRUE;
	switch (direction) {
	case VS_FW_INBOUND:
		if (address_listed(rule->remote_addresses, packet->source))
			return TRUE;
		set_why(why, g_strdup_printf("the source %s is not in remoteAddresses",
					     vs_ip4_format(packet->source, a)));
		return FALSE;
	case VS_FW_OUTBOUND:
		if (address_listed(rule->remote_addresses, packet->destination))
			return TRUE;
		set_why(why, g_strdup_printf("the destination %s is not in remoteAddresses",
					     vs_ip4_format(packet->destination, a)));
		return FALSE;
	case VS_FW_FORWARD:
	default:
		if (address_listed(rule->remote_addresses, packet->source) ||
		    address_listed(rule->remote_addresses, packet->destination))
			return TRUE;
		set_why(why, g_strdup_printf("neither the source %s nor the destination %s is in "
					     "remoteAddresses",
					     vs_ip4_format(packet->source, a),
					     vs_ip4_format(packet->destination, b)));
		return FALSE;
	}
}

const char *
vs_firewall_default_name(VsFwDirection direction)
{
	switch (direction) {
	case VS_FW_INBOUND:
		return "defaultInbound";
	case VS_FW_OUTBOUND:
		return "defaultOutbound";
	case VS_FW_FORWARD:
	default:
		return "defaultForward";
	}
}

VsAccess
vs_firewall_default_access(const VsVm *vm, VsFwDirection direction)
{
	const VsGuestFirewall *firewall = vm->guest_firewall;

	if (firewall == NULL)
		return VS_ACCESS_ALLOW;
	switch (direction) {
	case VS_FW_INBOUND:
		return firewall->default_inbound;
	case VS_FW_OUTBOUND:
		return firewall->default_outbound;
	case VS_FW_FORWARD:
	default:
		return firewall->default_forward;
	}
}

VsAccess
vs_firewall_evaluate(const VsVm *vm, VsFwDirection direction, const VsPacket *packet,
		     const VsFwRule **rule)
{
	const VsGuestFirewall *firewall = vm->guest_firewall;

	*rule = NULL;
	if (firewall == NULL)
		return VS_ACCESS_ALLOW;
	for (guint i = 0; i < firewall->rules->len; i++) {
		const VsFwRule *candidate = g_ptr_array_index(firewall->rules, i);

		if (vs_firewall_rule_matches(candidate, direction, packet, NULL)) {
			*rule = candidate;
			return candidate->action;
		}
	}
	return vs_firewall_default_access(vm, direction);
}
