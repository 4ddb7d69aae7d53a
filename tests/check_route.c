/*
 * check_route.c - effective routes and longest-prefix match: the system
 * routes, the adjustments of the four None routes, peering routes, user
 * routes beating system routes on an equal prefix, routes to service tags
 * (Azure's order on an equal prefix), and oracle tests of vs_route_lookup and
 * of the block search under it against naive scans.
 */
#include "config.h"

#include <string.h>

#include "block-search.h"
#include "load.h"
#include "model-builder.h"
#include "route.h"
#include "suites.h"

/* "PREFIX TYPE SOURCE STATE" per route, joined by "; " */
static char *
routes_text(const GArray *routes)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < routes->len; i++) {
		const VsEffectiveRoute *route = &g_array_index(routes, VsEffectiveRoute, i);
		char buf[19];

		g_string_append_printf(
			text, "%s%s %s %s%s", i ? "; " : "", vs_prefix_format(route->prefix, buf),
			vs_next_hop_type_name(route->next_hop_type),
			vs_route_source_name(route->source), route->active ? "" : " Invalid");
	}
	return g_string_free(text, FALSE);
}

static char *
subnet_routes_text(const char *space, const char *user_route_prefix)
{
	g_autoptr(VsModel) model = mb_model("lab");
	g_autoptr(VsRouteIndex) index = NULL;
	VsVnet *vnet = mb_vnet(model, "v", space);
	g_auto(GStrv) ranges = g_strsplit(space, ",", 2);
	VsSubnet *subnet = mb_subnet(model, vnet, "s", ranges[0]); /* routes ignore its prefix */

	if (user_route_prefix != NULL) {
		VsRouteTable *table = mb_route_table(model, "rt");

		mb_route(table, "udr", user_route_prefix, "VirtualAppliance", "10.250.0.4");
		subnet->route_table = table;
	}
	mb_finish(model);
	index = vs_route_index_new(model);
	return routes_text(vs_route_index_routes(index, subnet));
}

static const struct {
	const char *what;
	const char *space;
	const char *user_route;
	const char *routes;
} system_rows[] = {
	{"a VNet inside 10/8 keeps every None route", "10.1.0.0/16", NULL,
	 "10.1.0.0/16 VnetLocal Default; 0.0.0.0/0 Internet Default; 10.0.0.0/8 None Default; "
	 "172.16.0.0/12 None Default; 192.168.0.0/16 None Default; 100.64.0.0/10 None Default"},
	{"a range equal to 10/8 replaces its None route", "10.0.0.0/8", NULL,
	 "10.0.0.0/8 VnetLocal Default; 0.0.0.0/0 Internet Default; 172.16.0.0/12 None Default; "
	 "192.168.0.0/16 None Default; 100.64.0.0/10 None Default"},
	{"a range containing 172.16/12 removes it", "172.0.0.0/8", NULL,
	 "172.0.0.0/8 VnetLocal Default; 0.0.0.0/0 Internet Default; 10.0.0.0/8 None Default; "
	 "192.168.0.0/16 None Default; 100.64.0.0/10 None Default"},
	{"a range containing 100.64/10 removes it", "100.0.0.0/8", NULL,
	 "100.0.0.0/8 VnetLocal Default; 0.0.0.0/0 Internet Default; 10.0.0.0/8 None Default; "
	 "172.16.0.0/12 None Default; 192.168.0.0/16 None Default"},
	{"a range inside 192.168/16 leaves both", "192.168.1.0/24", NULL,
	 "192.168.1.0/24 VnetLocal Default; 0.0.0.0/0 Internet Default; 10.0.0.0/8 None Default; "
	 "172.16.0.0/12 None Default; 192.168.0.0/16 None Default; 100.64.0.0/10 None Default"},
	{"two ranges, one per reserved block", "10.0.0.0/8,192.168.0.0/16", NULL,
	 "10.0.0.0/8 VnetLocal Default; 192.168.0.0/16 VnetLocal Default; "
	 "0.0.0.0/0 Internet Default; 172.16.0.0/12 None Default; 100.64.0.0/10 None Default"},
	{"a user 0/0 route removes the None routes and invalidates Internet", "10.1.0.0/16",
	 "0.0.0.0/0",
	 "10.1.0.0/16 VnetLocal Default; 0.0.0.0/0 Internet Default Invalid; "
	 "0.0.0.0/0 VirtualAppliance User"},
	{"a user route equal to the VNet range invalidates VnetLocal", "10.1.0.0/16", "10.1.0.0/16",
	 "10.1.0.0/16 VnetLocal Default Invalid; 0.0.0.0/0 Internet Default; "
	 "10.0.0.0/8 None Default; 172.16.0.0/12 None Default; 192.168.0.0/16 None Default; "
	 "100.64.0.0/10 None Default; 10.1.0.0/16 VirtualAppliance User"},
	{"a user route equal to a None route invalidates it", "10.1.0.0/16", "172.16.0.0/12",
	 "10.1.0.0/16 VnetLocal Default; 0.0.0.0/0 Internet Default; 10.0.0.0/8 None Default; "
	 "172.16.0.0/12 None Default Invalid; 192.168.0.0/16 None Default; "
	 "100.64.0.0/10 None Default; 172.16.0.0/12 VirtualAppliance User"},
};

START_TEST(test_system_routes)
{
	g_autofree char *text =
		subnet_routes_text(system_rows[_i].space, system_rows[_i].user_route);

	ck_assert_msg(strcmp(text, system_rows[_i].routes) == 0, "%s:\n got      %s\n expected %s",
		      system_rows[_i].what, text, system_rows[_i].routes);
}
END_TEST

/*
 * hub 10.0.0.0/16 (+ 10.9.0.0/16) Connected with spoke1 10.1.0.0/16, Initiated towards
 * spoke2 10.2.0.0/16.  hub/snet-fw has no table; hub/snet-app uses rt-app.
 */
typedef struct {
	VsModel *model;
	VsSubnet *fw, *app, *spoke1_subnet;
	VsRouteTable *rt_app;
	VsRouteIndex *index;
} Fixture;

static void
fixture_init(Fixture *f)
{
	VsVnet *hub, *spoke1, *spoke2;

	memset(f, 0, sizeof(*f));
	f->model = mb_model("lab");
	hub = mb_vnet(f->model, "hub", "10.0.0.0/16,10.9.0.0/16");
	spoke1 = mb_vnet(f->model, "spoke1", "10.1.0.0/16");
	spoke2 = mb_vnet(f->model, "spoke2", "10.2.0.0/16");
	mb_peer(hub, spoke1);
	mb_peering(hub, spoke2);
	f->fw = mb_subnet(f->model, hub, "snet-fw", "10.0.1.0/24");
	f->app = mb_subnet(f->model, hub, "snet-app", "10.0.2.0/24");
	f->spoke1_subnet = mb_subnet(f->model, spoke1, "snet", "10.1.1.0/24");
	f->rt_app = mb_route_table(f->model, "rt-app");
	mb_route(f->rt_app, "spoke1-via-fw", "10.1.0.0/16", "VirtualAppliance", "10.0.1.4");
	mb_route(f->rt_app, "own-subnet-direct", "10.0.2.0/24", "VnetLocal", NULL);
	mb_route(f->rt_app, "hub-via-fw", "10.0.0.0/16", "VirtualAppliance", "10.0.1.4");
	mb_route(f->rt_app, "blackhole", "10.0.3.0/24", "None", NULL);
	mb_route(f->rt_app, "onprem", "192.168.50.0/24", "VirtualNetworkGateway", NULL);
	mb_route(f->rt_app, "hub-again", "10.0.0.0/16", "Internet", NULL); /* loses to the first */
	f->app->route_table = f->rt_app;
	mb_finish(f->model);
	f->index = vs_route_index_new(f->model);
}

static void
fixture_clear(Fixture *f)
{
	vs_route_index_free(f->index);
	vs_model_free(f->model);
}

START_TEST(test_peering_routes)
{
	Fixture f;
	g_autofree char *text = NULL;
	const VsEffectiveRoute *route;

	fixture_init(&f);
	text = routes_text(vs_route_index_routes(f.index, f.fw));
	/* spoke1 (Connected) gets a VNetPeering route; spoke2 (Initiated) does not */
	ck_assert_str_eq(text, "10.0.0.0/16 VnetLocal Default; 10.9.0.0/16 VnetLocal Default; "
			       "10.1.0.0/16 VNetPeering Default; 0.0.0.0/0 Internet Default; "
			       "10.0.0.0/8 None Default; 172.16.0.0/12 None Default; "
			       "192.168.0.0/16 None Default; 100.64.0.0/10 None Default");
	route = vs_route_lookup(f.index, f.fw, mb_ip("10.1.1.4"));
	ck_assert_int_eq(route->next_hop_type, VS_NEXT_HOP_VNET_PEERING);
	ck_assert_str_eq(route->peer_vnet->name, "spoke1");
	route = vs_route_lookup(f.index, f.fw, mb_ip("10.2.1.4"));
	ck_assert_int_eq(route->next_hop_type, VS_NEXT_HOP_NONE);
	ck_assert_uint_eq(route->prefix.len, 8);
	fixture_clear(&f);
}
END_TEST

static const struct {
	const char *what;
	char subnet; /* 'f' snet-fw, 'a' snet-app */
	const char *destination;
	VsNextHopType type;
	const char *route_name; /* the user route, or NULL for a system route */
	guint8 length;
} lookup_rows[] = {
	{"inside the VNet", 'f', "10.0.2.9", VS_NEXT_HOP_VNET_LOCAL, NULL, 16},
	{"the VNet's second range", 'f', "10.9.200.1", VS_NEXT_HOP_VNET_LOCAL, NULL, 16},
	{"rest of 10/8", 'f', "10.77.0.1", VS_NEXT_HOP_NONE, NULL, 8},
	{"172.16/12", 'f', "172.31.0.100", VS_NEXT_HOP_NONE, NULL, 12},
	{"192.168/16", 'f', "192.168.0.1", VS_NEXT_HOP_NONE, NULL, 16},
	{"100.64/10", 'f', "100.127.255.255", VS_NEXT_HOP_NONE, NULL, 10},
	{"just outside 100.64/10", 'f', "100.128.0.0", VS_NEXT_HOP_INTERNET, NULL, 0},
	{"a public address", 'f', "8.8.8.8", VS_NEXT_HOP_INTERNET, NULL, 0},
	{"the top of the space", 'f', "255.255.255.255", VS_NEXT_HOP_INTERNET, NULL, 0},
	{"the bottom of the space", 'f', "0.0.0.0", VS_NEXT_HOP_INTERNET, NULL, 0},
	{"a user route beats VNetPeering on an equal prefix", 'a', "10.1.1.4",
	 VS_NEXT_HOP_VIRTUAL_APPLIANCE, "spoke1-via-fw", 16},
	{"a user route beats VnetLocal on an equal prefix", 'a', "10.0.5.5",
	 VS_NEXT_HOP_VIRTUAL_APPLIANCE, "hub-via-fw", 16},
	{"a longer user route keeps the own subnet direct", 'a', "10.0.2.200",
	 VS_NEXT_HOP_VNET_LOCAL, "own-subnet-direct", 24},
	{"a user None route", 'a', "10.0.3.1", VS_NEXT_HOP_NONE, "blackhole", 24},
	{"a user gateway route", 'a', "192.168.50.7", VS_NEXT_HOP_VNET_GATEWAY, "onprem", 24},
	{"the system route still covers the rest of 192.168/16", 'a', "192.168.51.7",
	 VS_NEXT_HOP_NONE, NULL, 16},
	{"the second range is not overridden", 'a', "10.9.0.1", VS_NEXT_HOP_VNET_LOCAL, NULL, 16},
};

START_TEST(test_longest_prefix_match)
{
	Fixture f;
	const VsEffectiveRoute *route;

	fixture_init(&f);
	route = vs_route_lookup(f.index, lookup_rows[_i].subnet == 'f' ? f.fw : f.app,
				mb_ip(lookup_rows[_i].destination));
	ck_assert_msg(route != NULL, "%s: no route", lookup_rows[_i].what);
	ck_assert_msg(route->active, "%s: an Invalid route was chosen", lookup_rows[_i].what);
	ck_assert_msg(route->next_hop_type == lookup_rows[_i].type, "%s: next hop %s",
		      lookup_rows[_i].what, vs_next_hop_type_name(route->next_hop_type));
	ck_assert_msg(route->prefix.len == lookup_rows[_i].length, "%s: /%u", lookup_rows[_i].what,
		      route->prefix.len);
	if (lookup_rows[_i].route_name == NULL) {
		ck_assert_int_eq(route->source, VS_ROUTE_SOURCE_DEFAULT);
		ck_assert_ptr_null(route->user_route);
	} else {
		ck_assert_int_eq(route->source, VS_ROUTE_SOURCE_USER);
		ck_assert_str_eq(route->user_route->name, lookup_rows[_i].route_name);
	}
	fixture_clear(&f);
}
END_TEST

START_TEST(test_invalid_routes_are_listed)
{
	Fixture f;
	const GArray *routes;
	guint invalid = 0;

	fixture_init(&f);
	routes = vs_route_index_routes(f.index, f.app);
	for (guint i = 0; i < routes->len; i++) {
		const VsEffectiveRoute *route = &g_array_index(routes, VsEffectiveRoute, i);

		if (route->active)
			continue;
		invalid++;
		/* the system 10.0.0.0/16 and 10.1.0.0/16, and the second user 10.0.0.0/16 */
		ck_assert(route->prefix.len == 16);
		ck_assert(route->source == VS_ROUTE_SOURCE_DEFAULT ||
			  strcmp(route->user_route->name, "hub-again") == 0);
	}
	ck_assert_uint_eq(invalid, 3);
	ck_assert_ptr_null(vs_route_index_routes(f.index, NULL));
	ck_assert_ptr_null(vs_route_lookup(f.index, NULL, 0));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_route_source_names)
{
	ck_assert_str_eq(vs_route_source_name(VS_ROUTE_SOURCE_DEFAULT), "Default");
	ck_assert_str_eq(vs_route_source_name(VS_ROUTE_SOURCE_USER), "User");
}
END_TEST

/* ---------------------------------------------------------------- oracle */

static VsIp4
random_ip(GRand *rand)
{
	static const VsIp4 bases[] = {0x0a000000u, 0x0a010000u, 0xc0a80000u, 0x08000000u,
				      0xac100000u};

	return bases[g_rand_int_range(rand, 0, G_N_ELEMENTS(bases))] | (g_rand_int(rand) & 0xffffu);
}

static VsPrefix
random_prefix(GRand *rand)
{
	VsPrefix prefix;

	prefix.len = (guint8)g_rand_int_range(rand, 0, 33);
	if (prefix.len > 0 && prefix.len < 8)
		prefix.len = 8;
	prefix.addr = random_ip(rand) & vs_prefix_mask(prefix.len);
	return prefix;
}

/* Longest containing prefix; on a tie User over Default, then the first listed. */
static const VsEffectiveRoute *
naive_lookup(const GArray *routes, VsIp4 ip)
{
	const VsEffectiveRoute *best = NULL;

	for (guint i = 0; i < routes->len; i++) {
		const VsEffectiveRoute *r = &g_array_index(routes, VsEffectiveRoute, i);
		guint64 first = r->prefix.addr, last = first + vs_prefix_size(r->prefix) - 1;

		if (ip < first || ip > last)
			continue;
		if (best == NULL || r->prefix.len > best->prefix.len ||
		    (r->prefix.len == best->prefix.len && r->source == VS_ROUTE_SOURCE_USER &&
		     best->source != VS_ROUTE_SOURCE_USER))
			best = r;
	}
	return best;
}

START_TEST(test_oracle_lookup)
{
	const guint32 seed = 424242;
	GRand *rand = g_rand_new_with_seed(seed);
	guint queries = 0;

	for (guint round = 0; round < 30; round++) {
		g_autoptr(VsModel) model = mb_model("oracle");
		g_autoptr(VsRouteIndex) index = NULL;
		VsVnet *vnet = mb_vnet(model, "v", round % 2 ? "10.0.0.0/16" : "10.0.0.0/8");
		VsSubnet *subnet = mb_subnet(model, vnet, "s", "10.0.0.0/24");
		VsRouteTable *table = mb_route_table(model, "rt");
		/* the last rounds have hundreds of segments: more than one line of summary */
		guint n = (guint)g_rand_int_range(rand, 0, round < 25 ? 120 : 700);
		const GArray *routes;

		for (guint r = 0; r < n; r++) {
			static const char *const types[] = {"VirtualAppliance", "VnetLocal",
							    "Internet", "None"};
			char text[19], name[16];

			g_snprintf(name, sizeof(name), "r%u", r);
			mb_route(table, name, vs_prefix_format(random_prefix(rand), text),
				 types[g_rand_int_range(rand, 0, 4)], NULL);
		}
		subnet->route_table = table;
		mb_finish(model);
		index = vs_route_index_new(model);
		routes = vs_route_index_routes(index, subnet);
		for (guint q = 0; q < 200; q++, queries++) {
			VsIp4 ip = g_rand_boolean(rand) ? random_ip(rand) : g_rand_int(rand);
			const VsEffectiveRoute *fast = vs_route_lookup(index, subnet, ip);
			const VsEffectiveRoute *slow = naive_lookup(routes, ip);
			char buf[16];

			ck_assert_msg(
				fast == slow,
				"seed %u, round %u, query %u (%s): engine chose route %d, the "
				"naive scan %d",
				seed, round, q, vs_ip4_format(ip, buf),
				fast ? (int)(fast - (const VsEffectiveRoute *)routes->data) : -1,
				slow ? (int)(slow - (const VsEffectiveRoute *)routes->data) : -1);
		}
	}
	ck_assert_uint_ge(queries, 5000);
	g_rand_free(rand);
}
END_TEST

/* The cache-line block search (block-search.h) of the route and NSG tables against a
 * linear scan, on sorted arrays of every size from 1 to 700 keys, fixed seed. */
START_TEST(test_block_search)
{
	GRand *rand = g_rand_new_with_seed(777);
	guint searches = 0;

	for (guint count = 1; count <= 700; count++) {
		g_autofree guint32 *keys = g_new(guint32, count);
		g_autofree guint32 *summary = g_new(guint32, vs_block_summary_count(count));

		keys[0] = 0;
		for (guint i = 1; i < count; i++)
			keys[i] = keys[i - 1] + 1 +
				  (g_rand_boolean(rand) ? 0 : g_rand_int(rand) % 5000);
		for (guint j = 0; j < vs_block_summary_count(count); j++)
			summary[j] = keys[j * VS_BLOCK_KEYS];
		for (guint q = 0; q < 40; q++, searches++) {
			/* keys themselves, their neighbours and random values */
			guint32 at = keys[g_rand_int_range(rand, 0, (gint32)count)];
			guint32 value = q % 4 == 0   ? at
					: q % 4 == 1 ? at - 1
					: q % 4 == 2 ? at + 1
						     : g_rand_int(rand);
			guint expected = 0;

			if (q % 4 == 1 && at == 0)
				value = 0;
			for (guint i = 0; i < count; i++)
				if (keys[i] <= value)
					expected = i;
			ck_assert_msg(vs_block_search(summary, keys, count, value) == expected,
				      "%u keys, value %u: block search %u, scan %u", count, value,
				      vs_block_search(summary, keys, count, value), expected);
		}
	}
	ck_assert_uint_ge(searches, 28000);
	g_rand_free(rand);
}
END_TEST

/*
 * Service tag routes: 20.60.0.0/16 is in AzureCloud, Storage and
 * Storage.WestEurope; 20.150.0.0/16 in AzureCloud and Storage and an explicit
 * route.  Azure's order on an equal prefix: explicit, regional tag, top-level
 * tag, regional AzureCloud, AzureCloud.  The routes are listed in the reverse
 * order, so that list order alone would pick the wrong ones.
 */
static const char tag_routes_model[] =
	"name: tags\n"
	"serviceTags:\n"
	"  AzureCloud: [20.0.0.0/8, 20.60.0.0/16, 20.150.0.0/16]\n"
	"  AzureCloud.westeurope: [20.60.0.0/16, 20.70.0.0/16]\n"
	"  Storage: [20.60.0.0/16, 20.150.0.0/16]\n"
	"  Storage.WestEurope: [20.60.0.0/16]\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: s, addressPrefix: 10.0.2.0/24, routeTable: rt}\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    routes:\n"
	"      - {name: cloud, addressPrefix: AzureCloud, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: 10.0.2.4}\n"
	"      - {name: cloud-we, addressPrefix: AzureCloud.westeurope, nextHopType: VnetLocal}\n"
	"      - {name: storage, addressPrefix: Storage, nextHopType: Internet}\n"
	"      - {name: storage-we, addressPrefix: Storage.WestEurope, nextHopType: None}\n"
	"      - {name: explicit, addressPrefix: 20.150.0.0/16, nextHopType: VirtualNetworkGateway}\n";

static const struct {
	const char *destination;
	const char *route; /* the user route that wins */
	const char *tag;   /* its service tag, or NULL */
} tag_rows[] = {
	{"20.60.1.1", "storage-we", "Storage.WestEurope"},  /* regional beats all tags */
	{"20.150.1.1", "explicit", NULL},                   /* a prefix beats a tag */
	{"20.70.1.1", "cloud-we", "AzureCloud.westeurope"}, /* only tag with that prefix */
	{"20.1.1.1", "cloud", "AzureCloud"},                /* longest prefix first */
};

START_TEST(test_service_tag_routes)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = vs_load_data(tag_routes_model, sizeof(tag_routes_model) - 1,
						"t.yaml", diags, &error);
	g_autoptr(VsRouteIndex) index = NULL;
	const VsEffectiveRoute *route;
	VsIp4 destination;

	ck_assert_msg(model != NULL, "%s", error ? error->message : "");
	index = vs_route_index_new(model);
	ck_assert(vs_ip4_parse(tag_rows[_i].destination, &destination, NULL));
	route = vs_route_lookup(index, vs_model_find_subnet(model, "hub/s"), destination);
	ck_assert_ptr_nonnull(route);
	ck_assert_ptr_nonnull(route->user_route);
	ck_assert_str_eq(route->user_route->name, tag_rows[_i].route);
	if (tag_rows[_i].tag == NULL)
		ck_assert_ptr_null(route->user_route->service_tag);
	else
		ck_assert_str_eq(route->user_route->service_tag->name, tag_rows[_i].tag);
}
END_TEST

Suite *
route_suite(void)
{
	Suite *suite = suite_create("route");
	TCase *system = tcase_create("system");
	TCase *lookup = tcase_create("lookup");
	TCase *oracle = tcase_create("oracle");

	tcase_add_loop_test(system, test_system_routes, 0, G_N_ELEMENTS(system_rows));
	tcase_add_test(system, test_peering_routes);
	tcase_add_test(system, test_route_source_names);
	suite_add_tcase(suite, system);

	tcase_add_loop_test(lookup, test_longest_prefix_match, 0, G_N_ELEMENTS(lookup_rows));
	tcase_add_test(lookup, test_invalid_routes_are_listed);
	tcase_add_loop_test(lookup, test_service_tag_routes, 0, G_N_ELEMENTS(tag_rows));
	suite_add_tcase(suite, lookup);

	tcase_add_test(oracle, test_oracle_lookup);
	tcase_add_test(oracle, test_block_search);
	tcase_set_timeout(oracle, 60);
	suite_add_tcase(suite, oracle);
	return suite;
}
