/*
 * load-route.c - reads routeTables[]: each table's routes, with the rules that
 * nextHopIpAddress goes exactly with nextHopType VirtualAppliance and that no
 * two routes of a table have one addressPrefix.  An addressPrefix is a prefix
 * or, as Azure allows, the name of a service tag: such a route is resolved
 * (and stands once per prefix of the tag) once every file is read
 * (load-check.c), since serviceTags may come later or from an include.
 */
#include "config.h"

#include <string.h>

#include "load-sections.h"
#include "load-value.h"

/* ---------------------------------------------------------------- route tables */

/* Azure's limit on the routes of one table that name a service tag. */
#define MAX_TAG_ROUTES_PER_TABLE 25

typedef struct {
	MapState map;
	VsRoute *route;
	gboolean has_type;
	VsPos type_pos;
	char *prefix_key; /* the addressPrefix, canonical; NULL when missing or bad */
	VsPos prefix_pos;
	gboolean names_tag; /* the addressPrefix is a service tag's name */
} RouteState;

typedef struct {
	MapState map;
	VsRouteTable *table;
	GHashTable *route_names;    /* char* (borrowed) -> line of the first */
	GHashTable *route_prefixes; /* addressPrefix (owned) -> the first VsRoute with it */
	guint tag_routes;           /* routes naming a service tag so far */
} TableState;

static void
key_route_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_name_into(ld, event, &((RouteState *)state)->route->name);
}

/*
 * A prefix, or a service tag's name (anything starting with a letter but the
 * address wildcard, which the prefix parser then refuses).  Azure takes the
 * tags of Azure services there (Storage, Sql, AzureCloud.westeurope, ...);
 * VirtualNetwork, Internet and AzureLoadBalancer are not lists of a service's
 * prefixes but depend on where the packet is [SIM: decided as Azure would], so
 * they are refused.
 */
static void
key_route_prefix(Loader *ld, void *state, const VsYcurEvent *event)
{
	RouteState *s = state;
	const char *text = vs_load_scalar(ld, event, "an IPv4 prefix or a service tag");
	char canonical[19];

	if (text == NULL)
		return;
	if (g_ascii_isalpha(text[0]) && !vs_load_is_any_word(text)) {
		if (vs_load_builtin_tag(text, NULL)) {
			vs_load_error_event(
				ld, event, "bad-tag",
				"'%s' cannot be a route's addressPrefix: Azure takes the service "
				"tags of Azure services there (such as Storage or Sql), not "
				"VirtualNetwork, Internet or AzureLoadBalancer; expected a prefix "
				"or a tag of serviceTags",
				text);
			return;
		}
		vs_load_add_ref(ld, REF_ROUTE_TAG, event, s->route, NULL, NULL);
		s->names_tag = TRUE;
		s->prefix_key = g_strdup(text);
		s->prefix_pos = vs_load_pos(ld, event);
		return;
	}
	if (!vs_load_read_prefix(ld, event, &s->route->prefix))
		return;
	s->prefix_key = g_strdup(vs_prefix_format(s->route->prefix, canonical));
	s->prefix_pos = vs_load_pos(ld, event);
}

/*
 * Azure refuses a route table with two routes of one addressPrefix ("Routes
 * cannot have the same AddressPrefix"): which of them would win is not defined.
 */
static void
check_unique_prefix(Loader *ld, TableState *ts, RouteState *s)
{
	const VsRoute *first;

	if (s->prefix_key == NULL)
		return;
	first = g_hash_table_lookup(ts->route_prefixes, s->prefix_key);
	if (first == NULL) {
		g_hash_table_insert(ts->route_prefixes, g_steal_pointer(&s->prefix_key), s->route);
		return;
	}
	vs_load_error_pos(ld, s->prefix_pos, "duplicate-prefix",
			  "addressPrefix %s is already the prefix of route '%s' (line %u); a route "
			  "table has at most one route per addressPrefix",
			  s->prefix_key, first->name, first->pos.line);
}

static void
key_route_type(Loader *ld, void *state, const VsYcurEvent *event)
{
	RouteState *s = state;
	const char *text = vs_load_scalar(ld, event, "a next hop type");

	if (text == NULL)
		return;
	if (!vs_next_hop_type_parse(text, &s->route->next_hop_type)) {
		vs_load_error_event(
			ld, event, "enum",
			"'%s' is not valid; expected VirtualAppliance, VirtualNetworkGateway, "
			"VnetLocal, Internet or None",
			text);
		return;
	}
	s->has_type = TRUE;
	s->type_pos = vs_load_pos(ld, event);
}

static void
key_route_ip(Loader *ld, void *state, const VsYcurEvent *event)
{
	RouteState *s = state;

	if (vs_load_read_ip(ld, event, &s->route->next_hop_ip))
		s->route->has_next_hop_ip = TRUE;
}

static const KeyDef route_keys[] = {
	{"name", key_route_name, TRUE},
	{"addressPrefix", key_route_prefix, TRUE},
	{"nextHopType", key_route_type, TRUE},
	{"nextHopIpAddress", key_route_ip, FALSE},
};
static const MapDef route_map = {"route", TRUE, route_keys, G_N_ELEMENTS(route_keys)};

static void
item_route(Loader *ld, void *parent, const VsYcurEvent *event)
{
	TableState *ts = parent;
	RouteState s = {0};
	VsPos ip_pos;
	gboolean has_ip;

	s.route = vs_route_new("");
	s.route->pos = vs_load_pos(ld, event);
	s.route->table = ts->table;
	g_ptr_array_add(ts->table->routes, s.route);
	if (!vs_load_parse_map(ld, &route_map, &s, &s.map, event) || ld->fatal) {
		g_free(s.prefix_key);
		return;
	}
	check_unique_prefix(ld, ts, &s);
	g_free(s.prefix_key);
	if (s.names_tag && ++ts->tag_routes == MAX_TAG_ROUTES_PER_TABLE + 1)
		vs_load_error_pos(ld, s.prefix_pos, "limit",
				  "more than %d routes of the table name a service tag; that is "
				  "Azure's limit",
				  MAX_TAG_ROUTES_PER_TABLE);
	has_ip = vs_load_map_has(&route_map, &s.map, "nextHopIpAddress", &ip_pos);
	if (s.has_type && s.route->next_hop_type == VS_NEXT_HOP_VIRTUAL_APPLIANCE && !has_ip)
		vs_load_error_pos(
			ld, s.type_pos, "next-hop-ip",
			"nextHopType VirtualAppliance needs nextHopIpAddress, the appliance's "
			"private address");
	else if (s.has_type && s.route->next_hop_type != VS_NEXT_HOP_VIRTUAL_APPLIANCE && has_ip)
		vs_load_error_pos(
			ld, ip_pos, "next-hop-ip",
			"nextHopIpAddress is allowed only with nextHopType VirtualAppliance, not "
			"%s",
			vs_next_hop_type_name(s.route->next_hop_type));
	if (s.route->name[0] != '\0') {
		VsPos name_pos;

		vs_load_map_has(&route_map, &s.map, "name", &name_pos);
		vs_load_unique_name(ld, ts->route_names, s.route->name, s.route->pos.line, name_pos,
				    "route", " in the route table");
	}
}

static void
key_table_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_name_into(ld, event, &((TableState *)state)->table->name);
}

static void
key_table_bgp(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_bool(ld, event, &((TableState *)state)->table->disable_bgp_route_propagation);
}

static void
key_table_routes(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of routes", "route", KIND_ROUTE, item_route, state);
}

static const KeyDef table_keys[] = {
	{"name", key_table_name, TRUE},
	{"disableBgpRoutePropagation", key_table_bgp, FALSE},
	{"routes", key_table_routes, FALSE},
};
static const MapDef table_map = {"routeTable", TRUE, table_keys, G_N_ELEMENTS(table_keys)};

static void
item_table(Loader *ld, void *parent, const VsYcurEvent *event)
{
	TableState s = {0};
	VsRouteTable *first;

	s.table = vs_route_table_new("");
	s.table->pos = vs_load_pos(ld, event);
	s.route_names = g_hash_table_new(g_str_hash, g_str_equal);
	s.route_prefixes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	vs_load_parse_map(ld, &table_map, &s, &s.map, event);
	first = vs_model_find_route_table(ld->model, s.table->name);
	if (first != NULL)
		vs_load_error_duplicate(ld, s.table->pos, "route table", s.table->name, first->pos);
	if (first == NULL && s.table->name[0] != '\0')
		vs_model_add_route_table(ld->model, s.table);
	else
		vs_load_discard(ld, s.table, (GDestroyNotify)vs_route_table_free);
	g_hash_table_unref(s.route_names);
	g_hash_table_unref(s.route_prefixes);
}

void
vs_load_key_route_tables(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of route tables", "routeTable", KIND_ROUTE_TABLE,
			   item_table, NULL);
}
