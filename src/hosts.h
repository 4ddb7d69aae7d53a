/*
 * hosts.h - what the machines on a checked path do to a packet, beside the
 * network: the load of each VM (CPU / Memory warnings), its guest firewall,
 * whether something answers at the destination (a VM's listeningPorts, an
 * internet endpoint, internet.reachable), and the Network Watcher agent a
 * check needs on its source VM.
 *
 * Each function looks at one hop, appends the issue it finds (and, with
 * explain, the lines saying what it consulted) to that hop, and returns
 * whether the packet goes on.  The walk (walk.c) decides where each applies
 * and with which origin; its essay explains the choices.
 */
#ifndef VS_HOSTS_H
#define VS_HOSTS_H

#include <glib.h>

#include "model.h"
#include "nsg.h"
#include "trace.h"

/*
 * A Warning of type CPU (context CpuPercent) and one of type Memory (context
 * MemoryPercent), origin Local, for each of vm's figures at or above
 * VS_BUSY_PERCENT (latency.h).  Warnings never block: the latency model adds
 * the delay and loss.
 */
void vs_hosts_check_load(VsHop *hop, const VsVm *vm);

/*
 * vm's guest firewall in direction (first matching rule in list order, then
 * the direction's default).  A deny becomes an Error of type GuestFirewall
 * with origin, context FirewallRule = the rule's name or, when the default
 * decided, "defaultInbound" / "defaultOutbound" / "defaultForward".
 * Returns TRUE when the firewall lets the packet through.
 */
gboolean vs_hosts_check_firewall(VsHop *hop, const VsVm *vm, VsFwDirection direction,
				 VsIssueOrigin origin, const VsPacket *packet, gboolean explain);

/*
 * Whether a process on vm answers packet: a TCP port must be in its
 * listeningPorts (absent = every port answers).  ICMP always gets an answer,
 * and UDP is not checked (no handshake: vnetsim cannot tell a silent listener
 * from none).  A closed port is an Error of type NoListenerOnDestination,
 * origin Local.  Returns TRUE when something answers.
 */
gboolean vs_hosts_check_listener(VsHop *hop, const VsVm *vm, const VsPacket *packet,
				 gboolean explain);

/*
 * Whether the public address packet goes to answers, on hop (the Internet
 * hop): an internet.endpoints entry with that address answers on its
 * listeningPorts (TCP; absent = every port), else the address answers only
 * when internet.reachable is true.  A closed port is NoListenerOnDestination,
 * an address where nothing answers is Unknown (context ErrorMessage), both
 * Error, origin Local.  Returns TRUE when something answers.
 */
gboolean vs_hosts_check_internet(VsHop *hop, const VsModel *model, const VsPacket *packet,
				 gboolean explain);

/*
 * The decisions of vs_hosts_check_listener and vs_hosts_check_internet
 * alone, with no issue, string or allocation, for verdict-only walks (the
 * check functions and these agree by construction: the differential test
 * compares both walks).  vs_hosts_internet_answers sets *type to the type of
 * the issue vs_hosts_check_internet would raise when nothing answers.  (A
 * guest firewall's decision is vs_firewall_evaluate; the agent's is
 * vm->network_watcher_agent; load raises warnings only.)
 */
gboolean vs_hosts_listener_answers(const VsVm *vm, const VsPacket *packet);
gboolean vs_hosts_internet_answers(const VsModel *model, const VsPacket *packet, VsIssueType *type);

/*
 * Connection troubleshoot runs from the Network Watcher agent on the source
 * VM: without it (networkWatcherAgent: false) nothing is sent.  Adds an Error
 * of type AgentStopped, origin Local, to hop and returns FALSE; TRUE when the
 * agent is there.
 */
gboolean vs_hosts_check_agent(VsHop *hop, const VsVm *vm);

#endif
