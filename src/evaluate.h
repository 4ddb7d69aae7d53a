/*
 * evaluate.h - one query of check, flow or nexthop, from the names a user
 * writes (VM[/NIC], TARGET, addresses) to the engines' answer.
 *
 * The commands (cmd-check.c, cmd-flow.c, cmd-nexthop.c) and the scenario
 * runner (`vnetsim test`, scenario.c) both come through here, so a scenario
 * checks exactly what the command line would answer.  Nothing here prints:
 * a name that does not resolve is a GError, which the caller words as a usage
 * error (commands) or as a positioned scenario error.
 */
#ifndef VS_EVALUATE_H
#define VS_EVALUATE_H

#include <glib.h>

#include "addr.h"
#include "latency.h"
#include "model.h"
#include "nsg.h"
#include "route.h"
#include "trace.h"
#include "walk.h"

#define VS_EVALUATE_ERROR (vs_evaluate_error_quark())
GQuark vs_evaluate_error_quark(void);

typedef enum {
	VS_EVALUATE_ERROR_NO_SUCH_VM,      /* no VM of that name in the model */
	VS_EVALUATE_ERROR_NO_SUCH_NIC,     /* the VM has no NIC of that name, or none at all */
	VS_EVALUATE_ERROR_NOT_OWN_ADDRESS, /* not an address of the VM (flow, nexthop) */
	VS_EVALUATE_ERROR_BAD_TARGET,      /* a check destination that is a malformed URI */
} VsEvaluateError;

/*
 * Resolves "VM" (its first NIC) or "VM/NIC" in model.  NULL with error set
 * when nothing answers; the message lists what exists ("no VM named 'x' in
 * model 'm' (VMs: a, b)") and does not repeat spec.
 */
VsNic *vs_evaluate_find_nic(const VsModel *model, const char *spec, GError **error);

/*
 * Like vs_evaluate_find_nic, for the queries that also name one of the VM's
 * own addresses (flow's local address, nexthop's source), as Network Watcher
 * does: "VM" picks the VM's NIC that has ip; "VM/NIC" must have it.  A VM
 * without such an address is VS_EVALUATE_ERROR_NOT_OWN_ADDRESS ("10.1.1.9 is
 * not an address of web1 (web1-nic 10.1.1.4)").
 */
VsNic *vs_evaluate_find_nic_with_ip(const VsModel *model, const char *spec, VsIp4 ip,
				    GError **error);

/* A connection troubleshoot query, its source already resolved. */
typedef struct {
	const VsNic *source;
	const char *destination; /* TARGET: a VM, an IPv4 address, a DNS name or a URI */
	VsProtocol protocol;     /* Tcp, Udp or Icmp (http/https are Tcp by then) */
	guint16 source_port;
	guint16 destination_port;
	guint probes; /* 1..100 */
	guint32 seed;
	gboolean explain;
	gboolean http; /* asked as http or https: the answer notes what that means here */
} VsCheckRequest;

/*
 * Resolves the destination as seen from the source (resolve.c: a VM of the
 * model first, an address, the model's DNS; a URI's host), walks the path
 * and sends the probes (none when the source has no agent or the name did
 * not resolve: the walk then reports AgentStopped or DnsResolution).
 * The destination port is the request's: the caller applies a URI's port.
 * Returns the trace (owned), or NULL with VS_EVALUATE_ERROR_BAD_TARGET when
 * the destination is not a well-formed TARGET.
 */
VsTrace *vs_evaluate_check(const VsEngine *engine, const VsCheckRequest *request, GError **error);

/*
 * The same for an answer printed only as JSON (batch): the issues carry no
 * detail sentence (VsQuery.skip_details: JSON does not print it), and the
 * probes' numbers come from draws when it was drawn for the request's seed
 * and enough probes (batch keeps them from line to line), else they are
 * drawn here; draws may be NULL.  The JSON is the same as vs_evaluate_check's.
 */
VsTrace *vs_evaluate_check_json(const VsEngine *engine, const VsCheckRequest *request,
				const VsProbeDraws *draws, GError **error);

/* An IP flow verify query: one packet at a NIC, in the API's terms. */
typedef struct {
	const VsNic *nic;
	VsDirection direction; /* Inbound: remote -> local; Outbound: local -> remote */
	VsProtocol protocol;   /* Tcp or Udp */
	VsIp4 local_ip;
	guint16 local_port;
	VsIp4 remote_ip;
	guint16 remote_port;
} VsFlowRequest;

/* The packet the request describes, oriented by its direction. */
VsPacket vs_evaluate_flow_packet(const VsFlowRequest *request);

/* The NIC's NSGs' verdict on the request's packet (subnet and NIC NSG, in Azure's order). */
VsNsgVerdict vs_evaluate_flow(const VsEngine *engine, const VsFlowRequest *request);

/*
 * The route nic's subnet chooses for destination (borrowed from the engine),
 * or NULL when no route matches.
 */
const VsEffectiveRoute *vs_evaluate_nexthop(const VsEngine *engine, const VsNic *nic,
					    VsIp4 destination);

#endif
