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
#include "route.h"
#include "trace.h"

/* Everything compiled once per model that the walk consults; borrows the model. */
typedef struct {
	const VsModel *model;
	VsTagIndex *tags;
	VsRouteIndex *routes;
	/* GUINT_TO_POINTER(public ip) -> VsNic*, borrowed: a destination that is a VM's
	 * public address continues from the Internet hop to that VM */
	GHashTable *nic_by_public_ip;
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
} VsQuery;

/* A walk never lists more hops than this; a longer path is reported as a loop. */
#define VS_WALK_MAX_HOPS 32

/*
 * Walks the query's path, then the reply's (see walk.c's essay); never NULL.
 * The trace's verdict ignores probes and latency (latency.c adds those).
 */
VsTrace *vs_walk(const VsEngine *engine, const VsQuery *query);

#endif
