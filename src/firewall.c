/*
 * firewall.c - guest firewall evaluation: first match in list order, then
 * the direction's default.
 */
#include "config.h"

#include "firewall.h"

static gboolean
ports_match(const GArray *ports, const VsPacket *packet, guint port)
{
	if (ports == NULL)
		return TRUE;
	if (!vs_protocol_has_ports(packet->protocol)) {
		/* ICMP has no ports: only an any-port criterion admits it */
		for (guint i = 0; i < ports->len; i++)
			if (vs_port_range_is_any(g_array_index(ports, VsPortRange, i)))
				return TRUE;
		return FALSE;
	}
	for (guint i = 0; i < ports->len; i++)
		if (vs_port_range_contains(g_array_index(ports, VsPortRange, i), port))
			return TRUE;
	return FALSE;
}

static gboolean
address_listed(const GArray *prefixes, VsIp4 address)
{
	for (guint i = 0; i < prefixes->len; i++)
		if (vs_prefix_contains_ip(g_array_index(prefixes, VsPrefix, i), address))
			return TRUE;
	return FALSE;
}

static gboolean
rule_matches(const VsFwRule *rule, VsFwDirection direction, const VsPacket *packet)
{
	guint local_port;

	if (rule->direction != direction || !vs_protocol_matches(rule->protocol, packet->protocol))
		return FALSE;
	local_port = direction == VS_FW_OUTBOUND ? packet->source_port : packet->destination_port;
	if (!ports_match(rule->local_ports, packet, local_port))
		return FALSE;
	if (rule->remote_addresses == NULL)
		return TRUE;
	switch (direction) {
	case VS_FW_INBOUND:
		return address_listed(rule->remote_addresses, packet->source);
	case VS_FW_OUTBOUND:
		return address_listed(rule->remote_addresses, packet->destination);
	case VS_FW_FORWARD:
	default:
		return address_listed(rule->remote_addresses, packet->source) ||
		       address_listed(rule->remote_addresses, packet->destination);
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

		if (rule_matches(candidate, direction, packet)) {
			*rule = candidate;
			return candidate->action;
		}
	}
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
