/*
 * trace.h - the answer of a connectivity check: the hops of the routed path,
 * the issues found on each, the verdict and the probe figures.
 *
 * The walk (walk.c) builds a trace; renderers (render-*.c) only read it.  The
 * shape mirrors Azure's ConnectivityInformation (hops with type, id, address,
 * resourceId, nextHopIds, issues) and keeps, beside each issue, the model
 * object that caused it so that text output can cite its NSG or route table
 * and its FILE:LINE.
 */
#ifndef VS_TRACE_H
#define VS_TRACE_H

#include <glib.h>

#include "addr.h"
#include "model.h"
#include "nsg.h"

typedef enum {
	VS_HOP_SOURCE,
	VS_HOP_VIRTUAL_APPLIANCE,
	VS_HOP_VNET_LOCAL, /* a private destination inside the modelled VNets */
	VS_HOP_INTERNET,
	VS_HOP_VNET_GATEWAY,
} VsHopType;

/* "Source", "VirtualAppliance", "VnetLocal", "Internet", "VirtualNetworkGateway" */
const char *vs_hop_type_name(VsHopType type);

typedef enum {
	VS_ORIGIN_INBOUND,
	VS_ORIGIN_OUTBOUND,
	VS_ORIGIN_LOCAL,
} VsIssueOrigin;

typedef enum {
	VS_ISSUE_SEVERITY_ERROR,
	VS_ISSUE_SEVERITY_WARNING,
} VsIssueSeverity;

typedef enum {
	VS_ISSUE_NETWORK_SECURITY_RULE,
	VS_ISSUE_USER_DEFINED_ROUTE,
	VS_ISSUE_CPU,
	VS_ISSUE_MEMORY,
	VS_ISSUE_GUEST_FIREWALL,
	VS_ISSUE_DNS_RESOLUTION,
	VS_ISSUE_NO_LISTENER, /* "NoListenerOnDestination" */
	VS_ISSUE_AGENT_STOPPED,
	VS_ISSUE_SOCKET_BIND,
	VS_ISSUE_PLATFORM,
	VS_ISSUE_UNKNOWN,
} VsIssueType;

const char *vs_issue_origin_name(VsIssueOrigin origin);       /* Inbound / Outbound / Local */
const char *vs_issue_severity_name(VsIssueSeverity severity); /* Error / Warning */
const char *vs_issue_type_name(VsIssueType type);             /* "NetworkSecurityRule", ... */

typedef struct {
	char *key;
	char *value;
} VsIssueContext;

typedef struct {
	VsIssueOrigin origin;
	VsIssueSeverity severity;
	VsIssueType type;
	GPtrArray *context; /* VsIssueContext*, owned, in output order */
	/* what decided it, borrowed from the model; NULL when not applicable */
	const VsRule *rule;
	const VsRoute *route;
	const VsFwRule *firewall_rule;
	char *detail; /* one sentence for people: why, in the model's terms; may be NULL */
} VsIssue;

VsIssue *vs_issue_new(VsIssueOrigin origin, VsIssueSeverity severity, VsIssueType type);
void vs_issue_free(VsIssue *issue);
void vs_issue_add_context(VsIssue *issue, const char *key, const char *value);
/* The value of the issue's context key (the first with that key), or NULL. */
const char *vs_issue_context_value(const VsIssue *issue, const char *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsIssue, vs_issue_free)

typedef struct {
	VsHopType type;
	char *id; /* GUID-shaped, deterministic for the model and query */
	VsIp4 address;
	char *resource_id;
	const VsNic *nic;   /* the NIC at this hop; NULL for Internet / gateway hops */
	GPtrArray *issues;  /* VsIssue*, owned */
	GPtrArray *explain; /* char*, owned: the rules and routes consulted here, for --explain */
} VsHop;

VsHop *vs_hop_new(VsHopType type, VsIp4 address);
void vs_hop_free(VsHop *hop);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsHop, vs_hop_free)

typedef struct {
	VsPacket packet;
	const VsNic *source;
	char *destination_text; /* the TARGET as the user gave it */
	/* TRUE when the TARGET's name did not resolve: packet.destination means nothing */
	gboolean destination_unresolved;
	GPtrArray *hops; /* VsHop*, owned, in path order; each hop's next is the following */
	gboolean reachable;
	guint probes_sent;
	guint probes_failed;
	gboolean has_latency; /* only when reachable */
	double latency_min_ms;
	double latency_avg_ms;
	double latency_max_ms;
	GPtrArray *notes; /* char*, owned: caveats for people (e.g. UDP is policy-only) */
} VsTrace;

VsTrace *vs_trace_new(void);
void vs_trace_free(VsTrace *trace);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsTrace, vs_trace_free)

/* Appends a hop (taking ownership) and returns it. */
VsHop *vs_trace_add_hop(VsTrace *trace, VsHop *hop);

/* TRUE when some hop carries an issue of severity Error. */
gboolean vs_trace_has_error(const VsTrace *trace);

/*
 * Gives every hop its id: a GUID-shaped string derived from seed (the model
 * and the query, as the caller serialises them) and the hop's index, so the
 * same query on the same model gives the same ids.
 */
void vs_trace_assign_ids(VsTrace *trace, const char *seed);

/*
 * The effective security rules of a NIC, as Network Watcher lists them: each
 * NSG that applies (the subnet's, then the NIC's) with its rules in
 * evaluation order and every rule's address sides expanded to prefixes.  The
 * command fills the expansions (from the tag index); renderers only read.
 */
typedef struct {
	const VsRule *rule;
	GArray *expanded_source;      /* VsPrefix, owned */
	GArray *expanded_destination; /* VsPrefix, owned */
} VsEffectiveRule;

VsEffectiveRule *vs_effective_rule_new(const VsRule *rule);
void vs_effective_rule_free(VsEffectiveRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsEffectiveRule, vs_effective_rule_free)

typedef struct {
	const VsNsg *nsg;
	const VsSubnet *subnet; /* the association when the NSG is the subnet's, else NULL */
	const VsNic *nic;       /* the association when the NSG is the NIC's, else NULL */
	GPtrArray *rules; /* VsEffectiveRule*, owned: inbound then outbound, each by priority */
} VsEffectiveNsg;

/* Exactly one of subnet and nic is non-NULL. */
VsEffectiveNsg *vs_effective_nsg_new(const VsNsg *nsg, const VsSubnet *subnet, const VsNic *nic);
void vs_effective_nsg_free(VsEffectiveNsg *effective);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsEffectiveNsg, vs_effective_nsg_free)

#endif
