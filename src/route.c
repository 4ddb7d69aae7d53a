/*
 * route.c - effective routes of every subnet and longest-prefix match.
 *
 * DOC: which routes a subnet has, which one wins, and how lookups stay cheap
 *
 * A subnet's effective routes are built once per model, in the order Azure
 * lists them (reference 3.1-3.4):
 *   1. Default, VnetLocal: one route per address range of the subnet's VNet
 *      (not per subnet: every subnet of a VNet reaches every other directly).
 *   2. Default, VNetPeering: one route per address range of every peer whose
 *      peering is Connected (declared on both sides).  An Initiated peering
 *      adds nothing, so its space falls to the routes below - usually a None
 *      route, which is how Azure drops it.  allowVirtualNetworkAccess does not
 *      remove the route (the walk enforces it when crossing the peering).
 *   3. Default, 0.0.0.0/0 -> Internet.
 *   4. Default, None: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and
 *      100.64.0.0/10, adjusted as Azure documents it: a VNet range equal to
 *      one of them takes its place (only the VnetLocal route is listed); a VNet
 *      range containing one removes it; a VNet range inside one leaves both,
 *      and LPM sends the VNet's addresses to VnetLocal and the rest to None.
 *      Peered ranges adjust them the same way [SIM: Azure only documents the
 *      local space; a peer that owns a whole reserved range must not be cut
 *      off by a longer None route].  When the subnet's route table has a user
 *      route for 0.0.0.0/0, all four are removed (Azure's routing example
 *      removes 10/8, 192.168/16 and 100.64/10; 172.16/12 is treated alike),
 *      so private destinations outside the VNets follow the user default route.
 *   5. User: the routes of the subnet's route table, in table order.
 *
 * Ties on an equal prefix: a User route beats a Default route; between two
 * User routes (the loader allows one route per addressPrefix, so one of them
 * names a service tag) Azure's order for service tags [DOC: "User-defined
 * routes with service tags", virtual-networks-udr-overview]: a route to an
 * explicit prefix, then a regional tag (Storage.EastUS), a top-level tag
 * (Storage), a regional AzureCloud tag (AzureCloud.eastus), AzureCloud; past
 * that (two tags of one rank sharing a prefix, where Azure says nothing) and
 * between two routes of the same source the first listed wins.  The losers stay in
 * the list with active = FALSE, shown as Invalid, as effective routes do.
 * Among the Active routes no two share a prefix, so longest-prefix match has
 * exactly one answer.
 *
 * Lookup: prefixes form a laminar family (any two are nested or disjoint), so
 * the Active routes of a subnet flatten into a sorted array of disjoint
 * address segments, each owned by the longest prefix covering it.  A sweep
 * over the routes sorted by (address, length) with a stack of enclosing
 * prefixes emits the segments in O(n log n); a lookup is then one binary
 * search, with no allocation.  Each subnet's table sits in an array indexed
 * by subnet id, so finding it is O(1) too.
 */
#include "config.h"

#include "route.h"

#include <string.h>

#include "block-search.h"

const char *
vs_route_source_name(VsRouteSource source)
{
	return source == VS_ROUTE_SOURCE_USER ? "User" : "Default";
}

/* A run of addresses [start, end] whose longest matching Active route is route. */
typedef struct {
	VsIp4 start;
	VsIp4 end;
	guint route; /* index into the subnet's routes */
} VsSegment;

typedef struct {
	GArray *routes;   /* VsEffectiveRoute, display order */
	GArray *segments; /* VsSegment, sorted by start, disjoint */
} SubnetRoutes;

/*
 * A subnet's segments packed for lookup, in one allocation: this header with
 * the summary right behind it (one cache line for up to 128 segments), the
 * segment starts in 64-byte blocks (block-search.h), and per segment the
 * winning route itself.  The gaps no route covers are segments too, with no
 * route, so that the starts begin at 0 and a lookup is one block search and
 * one load: about three cache lines, where the binary search over the
 * segments array reached through two headers read eight or more.
 */
typedef struct {
	guint count;
	const guint32 *keys;                    /* count segment starts; keys[0] == 0 */
	const VsEffectiveRoute *const *winners; /* count, NULL for a gap */
	gpointer allocation;                    /* what to free */
	guint32 summary[];                      /* keys[VS_BLOCK_KEYS * j] */
} PackedRoutes;

struct VsRouteIndex {
	const VsModel *model;
	GPtrArray *subnets;    /* SubnetRoutes*, by subnet id */
	PackedRoutes **packed; /* by subnet id */
};

static void
subnet_routes_free(gpointer data)
{
	SubnetRoutes *routes = data;

	if (routes == NULL)
		return;
	g_array_unref(routes->routes);
	g_array_unref(routes->segments);
	g_free(routes);
}

/* ---------------------------------------------------------------- building the list */

static void
add_route(GArray *routes, VsPrefix prefix, VsNextHopType type, VsRouteSource source)
{
	VsEffectiveRoute route = {
		.prefix = prefix,
		.next_hop_type = type,
		.source = source,
		.active = TRUE,
	};

	g_array_append_val(routes, route);
}

/* The VNet's own ranges and those of its Connected peers: what the reserved routes
 * are adjusted against. */
static void
collect_owned_ranges(const VsVnet *vnet, GArray *ranges)
{
	g_array_append_vals(ranges, vnet->address_space->data, vnet->address_space->len);
	for (guint p = 0; p < vnet->peerings->len; p++) {
		const VsPeering *peering = g_ptr_array_index(vnet->peerings, p);

		if (peering->state == VS_PEERING_CONNECTED && peering->remote != NULL)
			g_array_append_vals(ranges, peering->remote->address_space->data,
					    peering->remote->address_space->len);
	}
}

static gboolean
table_has_default_route(const VsRouteTable *table)
{
	if (table == NULL)
		return FALSE;
	for (guint r = 0; r < table->routes->len; r++) {
		const VsRoute *route = g_ptr_array_index(table->routes, r);

		if (route->prefix.len == 0)
			return TRUE;
	}
	return FALSE;
}

static void
add_reserved_routes(GArray *routes, const VsSubnet *subnet)
{
	/* Azure's order in effective route listings */
	static const VsPrefix reserved[] = {
		{0x0a000000u, 8},  /* 10.0.0.0/8 */
		{0xac100000u, 12}, /* 172.16.0.0/12 */
		{0xc0a80000u, 16}, /* 192.168.0.0/16 */
		{0x64400000u, 10}, /* 100.64.0.0/10 */
	};
	g_autoptr(GArray) owned = g_array_new(FALSE, FALSE, sizeof(VsPrefix));

	if (table_has_default_route(subnet->route_table))
		return;
	if (subnet->vnet != NULL)
		collect_owned_ranges(subnet->vnet, owned);
	for (gsize i = 0; i < G_N_ELEMENTS(reserved); i++) {
		gboolean covered = FALSE;

		/* equal: the VNet's route stands in for it; containing: it is removed */
		for (guint o = 0; o < owned->len && !covered; o++)
			covered =
				vs_prefix_contains(g_array_index(owned, VsPrefix, o), reserved[i]);
		if (!covered)
			add_route(routes, reserved[i], VS_NEXT_HOP_NONE, VS_ROUTE_SOURCE_DEFAULT);
	}
}

static GArray *
build_route_list(const VsSubnet *subnet)
{
	GArray *routes = g_array_new(FALSE, FALSE, sizeof(VsEffectiveRoute));
	const VsVnet *vnet = subnet->vnet;
	VsPrefix everything = {0, 0};

	if (vnet != NULL) {
		for (guint i = 0; i < vnet->address_space->len; i++)
			add_route(routes, g_array_index(vnet->address_space, VsPrefix, i),
				  VS_NEXT_HOP_VNET_LOCAL, VS_ROUTE_SOURCE_DEFAULT);
		for (guint p = 0; p < vnet->peerings->len; p++) {
			const VsPeering *peering = g_ptr_array_index(vnet->peerings, p);

			if (peering->state != VS_PEERING_CONNECTED || peering->remote == NULL)
				continue;
			for (guint i = 0; i < peering->remote->address_space->len; i++) {
				add_route(
					routes,
					g_array_index(peering->remote->address_space, VsPrefix, i),
					VS_NEXT_HOP_VNET_PEERING, VS_ROUTE_SOURCE_DEFAULT);
				g_array_index(routes, VsEffectiveRoute, routes->len - 1).peer_vnet =
					peering->remote;
			}
		}
	}
	add_route(routes, everything, VS_NEXT_HOP_INTERNET, VS_ROUTE_SOURCE_DEFAULT);
	add_reserved_routes(routes, subnet);
	if (subnet->route_table != NULL) {
		for (guint r = 0; r < subnet->route_table->routes->len; r++) {
			const VsRoute *user = g_ptr_array_index(subnet->route_table->routes, r);
			VsEffectiveRoute *route;

			add_route(routes, user->prefix, user->next_hop_type, VS_ROUTE_SOURCE_USER);
			route = &g_array_index(routes, VsEffectiveRoute, routes->len - 1);
			route->user_route = user;
			route->has_next_hop_ip = user->has_next_hop_ip;
			route->next_hop_ip = user->next_hop_ip;
		}
	}
	return routes;
}

/* ---------------------------------------------------------------- ties and segments */

typedef struct {
	const GArray *routes;
} SortContext;

/* A user route's place in Azure's order on an equal prefix: lower wins. */
static guint
tag_rank(const VsRoute *route)
{
	const char *name;

	if (route == NULL || route->service_tag == NULL)
		return 0; /* an explicit prefix, or not a user route */
	name = route->service_tag->name;
	if (g_ascii_strcasecmp(name, "AzureCloud") == 0)
		return 4;
	if (g_ascii_strncasecmp(name, "AzureCloud.", strlen("AzureCloud.")) == 0)
		return 3;
	return strchr(name, '.') != NULL ? 1 : 2;
}

/* Address, then shorter prefix first (enclosing before enclosed), then the winner of an
 * equal-prefix tie first: User before Default, a prefix before a service tag (by
 * tag_rank), then list order. */
static gint
compare_route_index(gconstpointer a, gconstpointer b, gpointer data)
{
	const SortContext *context = data;
	guint i = *(const guint *)a, j = *(const guint *)b;
	const VsEffectiveRoute *x = &g_array_index(context->routes, VsEffectiveRoute, i);
	const VsEffectiveRoute *y = &g_array_index(context->routes, VsEffectiveRoute, j);

	if (x->prefix.addr != y->prefix.addr)
		return x->prefix.addr < y->prefix.addr ? -1 : 1;
	if (x->prefix.len != y->prefix.len)
		return x->prefix.len < y->prefix.len ? -1 : 1;
	if (x->source != y->source)
		return x->source == VS_ROUTE_SOURCE_USER ? -1 : 1;
	if (tag_rank(x->user_route) != tag_rank(y->user_route))
		return tag_rank(x->user_route) < tag_rank(y->user_route) ? -1 : 1;
	return i < j ? -1 : (i > j ? 1 : 0);
}

static void
emit_segment(GArray *segments, guint64 start, guint64 end, guint route)
{
	VsSegment segment = {(VsIp4)start, (VsIp4)end, route};

	if (start <= end)
		g_array_append_val(segments, segment);
}

/* Marks equal-prefix losers Invalid and returns the segment table of the winners. */
static GArray *
compile_segments(GArray *routes)
{
	GArray *segments = g_array_new(FALSE, FALSE, sizeof(VsSegment));
	g_autoptr(GArray) order = g_array_sized_new(FALSE, FALSE, sizeof(guint), routes->len);
	g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(guint));
	SortContext context = {routes};
	guint64 cursor = 0; /* the first address not yet given to a segment */

	for (guint i = 0; i < routes->len; i++)
		g_array_append_val(order, i);
	g_array_sort_with_data(order, compare_route_index, &context);

	for (guint k = 0; k < order->len; k++) {
		guint index = g_array_index(order, guint, k);
		VsEffectiveRoute *route = &g_array_index(routes, VsEffectiveRoute, index);
		guint64 start = route->prefix.addr;

		if (k > 0) {
			const VsEffectiveRoute *previous = &g_array_index(
				routes, VsEffectiveRoute, g_array_index(order, guint, k - 1));

			if (vs_prefix_equal(previous->prefix, route->prefix)) {
				route->active = FALSE; /* the tie's winner sorts first */
				continue;
			}
		}
		/* close the enclosing prefixes that end before this one starts */
		while (stack->len > 0) {
			guint top = g_array_index(stack, guint, stack->len - 1);
			guint64 top_end =
				vs_prefix_last(g_array_index(routes, VsEffectiveRoute, top).prefix);

			if (top_end >= start)
				break;
			emit_segment(segments, cursor, top_end, top);
			cursor = top_end + 1;
			g_array_set_size(stack, stack->len - 1);
		}
		/* the enclosing prefix (if any) owns the gap up to this one */
		if (stack->len > 0 && cursor < start)
			emit_segment(segments, cursor, start - 1,
				     g_array_index(stack, guint, stack->len - 1));
		cursor = start;
		g_array_append_val(stack, index);
	}
	while (stack->len > 0) {
		guint top = g_array_index(stack, guint, stack->len - 1);
		guint64 top_end =
			vs_prefix_last(g_array_index(routes, VsEffectiveRoute, top).prefix);

		emit_segment(segments, cursor, top_end, top);
		cursor = top_end + 1;
		g_array_set_size(stack, stack->len - 1);
	}
	return segments;
}

/* ---------------------------------------------------------------- packing */

static PackedRoutes *
pack_routes(const SubnetRoutes *routes)
{
	g_autoptr(GArray) keys = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_autoptr(GPtrArray) winners = g_ptr_array_new();
	guint64 cursor = 0;
	guint summary_count;
	gsize header, keys_at, winners_at;
	gpointer allocation;
	PackedRoutes *packed;
	guint32 *packed_keys;
	const VsEffectiveRoute **packed_winners;

	for (guint i = 0; i < routes->segments->len; i++) {
		const VsSegment *segment = &g_array_index(routes->segments, VsSegment, i);
		guint32 start = segment->start;

		if (cursor < segment->start) {
			guint32 gap = (guint32)cursor;

			g_array_append_val(keys, gap);
			g_ptr_array_add(winners, NULL);
		}
		g_array_append_val(keys, start);
		g_ptr_array_add(winners,
				&g_array_index(routes->routes, VsEffectiveRoute, segment->route));
		cursor = (guint64)segment->end + 1;
	}
	if (cursor <= G_MAXUINT32) {
		guint32 gap = (guint32)cursor;

		g_array_append_val(keys, gap);
		g_ptr_array_add(winners, NULL);
	}
	summary_count = vs_block_summary_count(keys->len);
	header = sizeof(PackedRoutes) + summary_count * sizeof(guint32);
	keys_at = (header + 63) / 64 * 64;
	winners_at = keys_at + (keys->len * sizeof(guint32) + 7) / 8 * 8;
	allocation = g_malloc0(winners_at + keys->len * sizeof(gpointer) + 64);
	packed = (PackedRoutes *)(((guintptr)allocation + 63) & ~(guintptr)63);
	packed_keys = (guint32 *)(void *)((char *)packed + keys_at);
	packed_winners = (const VsEffectiveRoute **)(void *)((char *)packed + winners_at);
	packed->count = keys->len;
	packed->allocation = allocation;
	for (guint i = 0; i < keys->len; i++) {
		packed_keys[i] = g_array_index(keys, guint32, i);
		packed_winners[i] = g_ptr_array_index(winners, i);
	}
	for (guint j = 0; j < summary_count; j++)
		packed->summary[j] = packed_keys[j * VS_BLOCK_KEYS];
	packed->keys = packed_keys;
	packed->winners = packed_winners;
	return packed;
}

/* ---------------------------------------------------------------- the index */

VsRouteIndex *
vs_route_index_new(const VsModel *model)
{
	VsRouteIndex *index = g_new0(VsRouteIndex, 1);

	index->model = model;
	index->subnets = g_ptr_array_new_with_free_func(subnet_routes_free);
	index->packed = g_new0(PackedRoutes *, MAX(model->subnets->len, 1));
	for (guint i = 0; i < model->subnets->len; i++) {
		SubnetRoutes *routes = g_new0(SubnetRoutes, 1);

		routes->routes = build_route_list(g_ptr_array_index(model->subnets, i));
		routes->segments = compile_segments(routes->routes);
		index->packed[i] = pack_routes(routes);
		g_ptr_array_add(index->subnets, routes);
	}
	return index;
}

void
vs_route_index_free(VsRouteIndex *index)
{
	if (index == NULL)
		return;
	for (guint i = 0; i < index->subnets->len; i++)
		g_free(index->packed[i]->allocation);
	g_free(index->packed);
	g_ptr_array_unref(index->subnets);
	g_free(index);
}

static const SubnetRoutes *
subnet_routes(const VsRouteIndex *index, const VsSubnet *subnet)
{
	if (subnet == NULL || subnet->id >= index->subnets->len ||
	    g_ptr_array_index(index->model->subnets, subnet->id) != subnet)
		return NULL;
	return g_ptr_array_index(index->subnets, subnet->id);
}

const GArray *
vs_route_index_routes(const VsRouteIndex *index, const VsSubnet *subnet)
{
	const SubnetRoutes *routes = subnet_routes(index, subnet);

	return routes != NULL ? routes->routes : NULL;
}

void
vs_route_index_prefetch(const VsRouteIndex *index, const VsSubnet *subnet)
{
	if (subnet != NULL && subnet->id < index->subnets->len)
		__builtin_prefetch(index->packed[subnet->id]);
}

const VsEffectiveRoute *
vs_route_lookup(const VsRouteIndex *index, const VsSubnet *subnet, VsIp4 destination)
{
	const PackedRoutes *packed;

	if (subnet == NULL || subnet->id >= index->subnets->len ||
	    g_ptr_array_index(index->model->subnets, subnet->id) != subnet)
		return NULL;
	packed = index->packed[subnet->id];
	return packed->winners[vs_block_search(packed->summary, packed->keys, packed->count,
					       destination)];
}
