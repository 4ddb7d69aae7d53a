/*
 * naive.h - a naive reference evaluator of connectivity checks, written
 * straight from ../shared/reference/azure-semantics.md and the model contract,
 * with linear scans only: no tag index, no route segments, no hash tables,
 * and nothing from nsg.c, route.c or walk.c.  It is the oracle of the
 * differential test (check_differential.c) and the baseline of `make bench`.
 *
 * It reads only the declared model (and the lists vs_model_finish fills:
 * subnet and ASG members, defaults rules); every derived fact - peering
 * states, effective routes, tag membership, the first matching rule - it
 * recomputes on every question.
 */
#ifndef VS_NAIVE_H
#define VS_NAIVE_H

#include <glib.h>

#include "model.h"
#include "trace.h"

#define NAIVE_MAX_HOPS 40
#define NAIVE_MAX_ISSUES 80

/* A route as the naive evaluator sees it: what the differential test compares. */
typedef struct {
	VsPrefix prefix;
	VsNextHopType next_hop_type;
	gboolean has_next_hop_ip;
	VsIp4 next_hop_ip;
	const VsRoute *user_route; /* NULL for a system route */
} NaiveRoute;

typedef struct {
	guint hop; /* index of the hop that carries it */
	VsIssueSeverity severity;
	VsIssueOrigin origin;
	VsIssueType type;
	const VsRule *rule; /* NetworkSecurityRule */
	gboolean has_route; /* UserDefinedRoute with a matching route */
	NaiveRoute route;
} NaiveIssue;

typedef struct {
	gboolean reachable;
	guint hop_count;
	VsHopType hop_types[NAIVE_MAX_HOPS];
	const VsNic *hop_nics[NAIVE_MAX_HOPS];
	guint issue_count;
	NaiveIssue issues[NAIVE_MAX_ISSUES]; /* in the order raised */
} NaiveResult;

typedef struct {
	const VsNic *source;
	VsIp4 destination;
	VsProtocol protocol; /* Tcp, Udp or Icmp */
	guint16 source_port;
	guint16 destination_port;
} NaiveQuery;

/* Walks query over model (a finished model) into *out. */
void naive_check(const VsModel *model, const NaiveQuery *query, NaiveResult *out);

/* The first rule of nsg in direction that matches, by the lowest priority among the
 * matching rules (never NULL in a finished model).  subnet decides VirtualNetwork. */
const VsRule *naive_nsg_first_match(const VsModel *model, const VsNsg *nsg, VsDirection direction,
				    const VsSubnet *subnet, VsIp4 source, VsIp4 destination,
				    VsProtocol protocol, guint16 source_port,
				    guint16 destination_port);

/* The subnet's longest-prefix route for destination; FALSE when none matches. */
gboolean naive_route_lookup(const VsModel *model, const VsSubnet *subnet, VsIp4 destination,
			    NaiveRoute *out);

#endif
