/*
 * route.h - effective routes of a subnet and longest-prefix match.
 *
 * A subnet's effective routes are Azure's system routes (each address range of
 * its VNet -> VnetLocal, 0.0.0.0/0 -> Internet, the four reserved ranges ->
 * None, adjusted where they overlap the address space or a user 0/0 route),
 * a VNetPeering route for each address range of every Connected peer, and the
 * routes of its route table.  On an equal prefix a user route wins and the
 * system route stays listed as Invalid.  See route.c's opening essay.
 */
#ifndef VS_ROUTE_H
#define VS_ROUTE_H

#include <glib.h>

#include "addr.h"
#include "model.h"

typedef enum {
	VS_ROUTE_SOURCE_DEFAULT, /* system routes, peering routes included */
	VS_ROUTE_SOURCE_USER,    /* the subnet's route table */
} VsRouteSource;

const char *vs_route_source_name(VsRouteSource source); /* "Default" / "User" */

typedef struct {
	VsPrefix prefix;
	VsNextHopType next_hop_type;
	gboolean has_next_hop_ip;
	VsIp4 next_hop_ip;
	VsRouteSource source;
	gboolean active;           /* FALSE = Invalid: overridden on an equal prefix */
	const VsRoute *user_route; /* the table's route for User routes, else NULL */
	const VsVnet *peer_vnet;   /* the peered VNet for VNetPeering routes, else NULL */
} VsEffectiveRoute;

/* The effective routes of every subnet of a model, compiled once. Borrows the model. */
typedef struct VsRouteIndex VsRouteIndex;

VsRouteIndex *vs_route_index_new(const VsModel *model);
void vs_route_index_free(VsRouteIndex *index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsRouteIndex, vs_route_index_free)

/*
 * The effective routes of a subnet, in display order (Default before User,
 * then the order Azure lists them: address space, peerings, defaults, user
 * routes in table order).  Borrowed array of VsEffectiveRoute; NULL for a
 * subnet that is not in the indexed model.
 */
const GArray *vs_route_index_routes(const VsRouteIndex *index, const VsSubnet *subnet);

/* Longest-prefix match among the subnet's Active routes; NULL when no route matches. */
const VsEffectiveRoute *vs_route_lookup(const VsRouteIndex *index, const VsSubnet *subnet,
					VsIp4 destination);

/* A hint, with no effect on any answer: start fetching what a lookup in subnet's routes
 * reads first. */
void vs_route_index_prefetch(const VsRouteIndex *index, const VsSubnet *subnet);

#endif
