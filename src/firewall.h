/*
 * firewall.h - a VM's guest (operating system) firewall, as the model's
 * guestFirewall describes it: rules in list order, first match wins, then
 * the default of the direction.  A VM without a guestFirewall allows all.
 */
#ifndef VS_FIREWALL_H
#define VS_FIREWALL_H

#include <glib.h>

#include "model.h"
#include "nsg.h"

/*
 * What the guest firewall of vm does with packet travelling in direction
 * (Inbound: packet arrives for vm; Outbound: vm sends it; Forward: vm routes
 * it as an appliance).  *rule receives the deciding rule, or NULL when the
 * direction's default (or the absence of a firewall) decided.
 *
 * Matching, per model.md: protocol ("*" matches all); localPorts is this VM's
 * port (the destination port Inbound, the source port Outbound) and the
 * destination port for Forward, and a port criterion never matches ICMP;
 * remoteAddresses is the source Inbound, the destination Outbound, and either
 * end for Forward.
 */
VsAccess vs_firewall_evaluate(const VsVm *vm, VsFwDirection direction, const VsPacket *packet,
			      const VsFwRule **rule);

/*
 * Whether one rule matches packet in direction, by the criteria above.  When
 * it does not and why is not NULL, *why receives the first criterion that
 * failed, as a phrase for --explain ("the protocol is Udp, not Tcp", "local
 * port 50000 is not in 22", "10.1.1.4 is not in remoteAddresses"); owned.
 */
gboolean vs_firewall_rule_matches(const VsFwRule *rule, VsFwDirection direction,
				  const VsPacket *packet, char **why);

/* The model key of the direction's default: "defaultInbound", "defaultOutbound",
 * "defaultForward". */
const char *vs_firewall_default_name(VsFwDirection direction);

/* The access of the direction's default for vm (Allow when it has no firewall). */
VsAccess vs_firewall_default_access(const VsVm *vm, VsFwDirection direction);

#endif
