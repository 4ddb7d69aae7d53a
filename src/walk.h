/*
 * walk.h - the hop-by-hop walk of one connection, from a source NIC to a
 * destination address: outbound NSGs, the route, the next hop (appliance,
 * destination NIC, internet, gateway or drop), inbound NSGs, and so on, until
 * the packet arrives, is dropped by a route, or loops.  See walk.c's essay.
 */
#ifndef VS_WALK_H
#define VS_WALK_H

#include <glib.h>

#include "model.h"
#include "nsg.h"
#include "nsg-index.h"
#include "route.h"
#include "trace.h"

/* Everything compiled once per model that the walk consults; borrows the model. */
typedef struct {
	const VsModel *model;
	VsTagIndex *tags;
	VsRouteIndex *routes;
	VsNsgIndex *nsgs; /* every NSG compiled for first-match lookup (nsg-index.c) */
	/* GUINT_TO_POINTER(public ip) -> VsNic*, borrowed: a destination that is a VM's
	 * public address continues from the Internet hop to that VM */
	GHashTable *nic_by_public_ip;
	/* vnets x vnets (by VNet id, from then to): vs_model_connected_peering, borrowed
	 * peerings, computed once (a walk asks at every crossing) */
	const VsPeering **connected_peerings;
} VsEngine;

VsEngine *vs_engine_new(const VsModel *model);
void vs_engine_free(VsEngine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsEngine, vs_engine_free)

typedef struct {
	const VsNic *source;
	VsIp4 destination;
	const char *destination_text; /* as the user wrote it, for the trace; may be NULL */
	VsProtocol protocol;          /* Tcp, Udp or Icmp */
	guint16 source_port;
	guint16 destination_port;
	/* TRUE: fill every hop's explain lines (rules and routes consulted, and why each
	 * matched or not) for --explain.  FALSE (the default of a zeroed query): skip
	 * that work. */
	gboolean explain;
	/* Non-NULL: the TARGET named a host that did not resolve (resolve.h); the
	 * trace is then the Source hop with a DnsResolution issue, and destination
	 * is ignored. */
	const char *unresolved_name;
	/* TRUE: issues carry no detail sentence (VsIssue.detail NULL), which only text
	 * output prints, so a JSON answer formats less; ignored with explain.  FALSE (the
	 * default of a zeroed query): every issue is described. */
	gboolean skip_details;
} VsQuery;

/* A walk never lists more hops than this; a longer path is reported as a loop. */
#define VS_WALK_MAX_HOPS 32

/*
 * Walks the query's path, then the reply's (see walk.c's essay); never NULL.
 * The trace's verdict ignores probes and latency (latency.c adds those).
 */
VsTrace *vs_walk(const VsEngine *engine, const VsQuery *query);

/* Room for every hop a walk can list: VS_WALK_MAX_HOPS, the hop that exceeds it, and a
 * destination behind the Internet hop. */
#define VS_WALK_HOP_CAPACITY (VS_WALK_MAX_HOPS + 4)

/*
 * What a walk decided, without the trace: the same walk as vs_walk (one
 * implementation, parameterised), but it builds no strings (no resource IDs,
 * hop ids, issue details or contexts) and allocates nothing, for batch
 * --verdict-only, matrix-style sweeps and the benchmark.
 */
typedef struct {
	gboolean reachable; /* as VsTrace.reachable */
	guint hop_count;
	VsHopType hop_types[VS_WALK_HOP_CAPACITY];
	const VsNic *hop_nics[VS_WALK_HOP_CAPACITY]; /* NULL for Internet and unowned hops */
	/* The deciding issue: the first Error issue in hop order (within a hop, the first
	 * raised).  Set exactly when the path is not reachable. */
	gboolean has_issue;
	guint issue_hop; /* index into hop_types */
	VsIssueType issue_type;
	VsIssueOrigin issue_origin;
	const VsRule *rule; /* NetworkSecurityRule: the deny */
	/* UserDefinedRoute: the route that dropped the packet (borrowed from the engine's
	 * route index), NULL when no route matched */
	const VsEffectiveRoute *route;
	/* Error, or Warning when the connection fails for asymmetric routing alone (the
	 * decisive issue is then that Warning, and the trace holds no Error) */
	VsIssueSeverity issue_severity;
	/* GuestFirewall: the guest firewall rule that denied, NULL for a default action */
	const VsFwRule *firewall_rule;
	/* Platform, for a peering that does not carry the packet: the VNets of the
	 * crossing (its context Peering is "FROM -> TO"); both NULL for a Platform issue
	 * of internet egress */
	const VsVnet *peering_from;
	const VsVnet *peering_to;
} VsWalkVerdict;

/* Walks the query's path into *out (query->explain is ignored). */
void vs_walk_verdict(const VsEngine *engine, const VsQuery *query, VsWalkVerdict *out);

#endif
