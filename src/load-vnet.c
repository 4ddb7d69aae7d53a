/*
 * load-vnet.c - reads vnets[]: each VNet with its address space, subnets and
 * peerings; checks what one VNet can check alone (address space overlaps and
 * forbidden ranges, subnets inside the space and not overlapping, unique
 * subnet names) and adds it to the model.
 */
#include "config.h"

#include <string.h>

#include "load-sections.h"
#include "load-value.h"

/* ---------------------------------------------------------------- vnets */

typedef struct {
	MapState map;
	VsSubnet *subnet;
	Where *prefix_where; /* NULL until a valid addressPrefix is read */
	Where *name_where;
} SubnetState;

static void
subnet_state_free(SubnetState *state)
{
	if (state->subnet != NULL)
		vs_subnet_free(state->subnet);
	g_free(state);
}

typedef struct {
	MapState map;
	VsVnet *vnet;
	GArray *space_wheres; /* Where*, one per address space prefix */
	guint space_items;    /* elements of addressSpace, valid or not */
	GPtrArray *subnets;   /* SubnetState*, owned until the VNet is added */
	GHashTable *remotes;  /* remote VNet names already peered, for duplicates */
} VnetState;

static void
key_subnet_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;
	const char *name = vs_load_read_name(ld, event);

	if (name != NULL) {
		vs_load_replace_name(&s->subnet->name, name);
		s->name_where = vs_load_where_local(ld, NULL, vs_load_pos(ld, event));
	}
}

static void
key_subnet_prefix(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;
	VsPrefix prefix;

	if (!vs_load_read_prefix(ld, event, &prefix))
		return;
	if (prefix.len > 29) {
		char buf[19];

		vs_load_error_event(
			ld, event, "subnet-size",
			"subnet %s is smaller than /29, the smallest subnet Azure allows",
			vs_prefix_format(prefix, buf));
		return;
	}
	s->subnet->prefix = prefix;
	s->prefix_where = vs_load_where_local(ld, NULL, vs_load_pos(ld, event));
}

static void
key_subnet_nsg(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;

	if (vs_load_is_null(event) || vs_load_scalar(ld, event, "an NSG name") == NULL)
		return;
	vs_load_add_ref(ld, REF_SUBNET_NSG, event, s->subnet, NULL, NULL);
}

static void
key_subnet_route_table(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;

	if (vs_load_is_null(event) || vs_load_scalar(ld, event, "a route table name") == NULL)
		return;
	vs_load_add_ref(ld, REF_SUBNET_ROUTE_TABLE, event, s->subnet, NULL, NULL);
}

static void
key_subnet_outbound(Loader *ld, void *state, const VsYcurEvent *event)
{
	SubnetState *s = state;

	vs_load_read_bool(ld, event, &s->subnet->default_outbound_access);
}

static const KeyDef subnet_keys[] = {
	{"name", key_subnet_name, TRUE},
	{"addressPrefix", key_subnet_prefix, TRUE},
	{"networkSecurityGroup", key_subnet_nsg, FALSE},
	{"routeTable", key_subnet_route_table, FALSE},
	{"defaultOutboundAccess", key_subnet_outbound, FALSE},
};
static const MapDef subnet_map = {"subnet", TRUE, subnet_keys, G_N_ELEMENTS(subnet_keys)};

static void
item_subnet(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VnetState *vs = parent;
	SubnetState *s = g_new0(SubnetState, 1);

	s->subnet = vs_subnet_new("");
	s->subnet->pos = vs_load_pos(ld, event);
	g_ptr_array_add(vs->subnets, s);
	vs_load_parse_map(ld, &subnet_map, s, &s->map, event);
}

typedef struct {
	MapState map;
	VsPeering *peering;
	VsVnet *vnet;
} PeeringState;

static void
key_peering_remote(Loader *ld, void *state, const VsYcurEvent *event)
{
	PeeringState *s = state;

	if (vs_load_scalar(ld, event, "a VNet name") != NULL)
		vs_load_add_ref(ld, REF_PEERING_REMOTE, event, s->peering, s->vnet, NULL);
}

#define PEERING_FLAG(func, field)                                                                  \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		vs_load_read_bool(ld, event, &((PeeringState *)state)->peering->field);            \
	}
PEERING_FLAG(key_peering_access, allow_virtual_network_access)
PEERING_FLAG(key_peering_forwarded, allow_forwarded_traffic)
PEERING_FLAG(key_peering_transit, allow_gateway_transit)
PEERING_FLAG(key_peering_remote_gateways, use_remote_gateways)

static const KeyDef peering_keys[] = {
	{"remoteVirtualNetwork", key_peering_remote, TRUE},
	{"allowVirtualNetworkAccess", key_peering_access, FALSE},
	{"allowForwardedTraffic", key_peering_forwarded, FALSE},
	{"allowGatewayTransit", key_peering_transit, FALSE},
	{"useRemoteGateways", key_peering_remote_gateways, FALSE},
};
static const MapDef peering_map = {"peering", TRUE, peering_keys, G_N_ELEMENTS(peering_keys)};

static void
item_peering(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VnetState *vs = parent;
	PeeringState s = {0};

	s.peering = vs_peering_new();
	s.peering->pos = vs_load_pos(ld, event);
	s.vnet = vs->vnet;
	/* owned by the VNet at once: refs point into it */
	g_ptr_array_add(vs->vnet->peerings, s.peering);
	vs_load_parse_map(ld, &peering_map, &s, &s.map, event);
}

static void
key_vnet_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_name_into(ld, event, &((VnetState *)state)->vnet->name);
}

static void
key_vnet_location(Loader *ld, void *state, const VsYcurEvent *event)
{
	VnetState *s = state;
	char *location = vs_load_read_location(ld, event);

	if (location != NULL) {
		g_free(s->vnet->location);
		s->vnet->location = location;
	}
}

/* Ranges Azure refuses in an address space (reference §1). */
static const char *
forbidden_range(VsPrefix prefix)
{
	static const struct {
		VsPrefix range;
		const char *why;
	} forbidden[] = {
		{{0xe0000000u, 4}, "224.0.0.0/4 (multicast)"},
		{{0xffffffffu, 32}, "255.255.255.255/32 (broadcast)"},
		{{0x7f000000u, 8}, "127.0.0.0/8 (loopback)"},
		{{0xa9fe0000u, 16}, "169.254.0.0/16 (link-local)"},
		{{0xa83f8110u, 32}, "168.63.129.16/32 (Azure's host address)"},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(forbidden); i++)
		if (vs_prefix_overlaps(prefix, forbidden[i].range))
			return forbidden[i].why;
	return NULL;
}

static void
item_space(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VnetState *s = parent;
	VsPrefix prefix;
	const char *why;

	s->space_items++;
	if (!vs_load_read_prefix(ld, event, &prefix))
		return;
	why = forbidden_range(prefix);
	if (why != NULL) {
		char buf[19];

		vs_load_error_event(
			ld, event, "address-space",
			"address space %s overlaps %s, which Azure does not allow in a VNet",
			vs_prefix_format(prefix, buf), why);
		return;
	}
	g_array_append_val(s->vnet->address_space, prefix);
	{
		Where *where = vs_load_where_local(ld, NULL, vs_load_pos(ld, event));

		g_array_append_val(s->space_wheres, where);
	}
}

static void
key_vnet_space(Loader *ld, void *state, const VsYcurEvent *event)
{
	VnetState *s = state;

	if (event->kind == VS_YCUR_SEQUENCE_START) {
		vs_load_parse_list(ld, event, "a list of prefixes", "prefix", KIND_OTHER,
				   item_space, s);
		if (s->space_items == 0 && !ld->fatal)
			vs_load_error_event(ld, event, "empty", "expected at least one prefix");
		return;
	}
	vs_load_type_error(ld, event, "a list of prefixes such as [10.0.0.0/16]");
}

static void
key_vnet_subnets(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of subnets", "subnet", KIND_SUBNET, item_subnet,
			   state);
}

static void
key_vnet_peerings(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of peerings", "peering", KIND_PEERING, item_peering,
			   state);
}

static const KeyDef vnet_keys[] = {
	{"name", key_vnet_name, TRUE},          {"location", key_vnet_location, FALSE},
	{"addressSpace", key_vnet_space, TRUE}, {"subnets", key_vnet_subnets, FALSE},
	{"peerings", key_vnet_peerings, FALSE},
};
static const MapDef vnet_map = {"VNet", TRUE, vnet_keys, G_N_ELEMENTS(vnet_keys)};

typedef struct {
	VsPrefix prefix;
	guint index;
} Indexed;

static gint
compare_indexed(gconstpointer a, gconstpointer b)
{
	const Indexed *x = a, *y = b;

	if (x->prefix.addr != y->prefix.addr)
		return x->prefix.addr < y->prefix.addr ? -1 : 1;
	if (x->prefix.len != y->prefix.len)
		return x->prefix.len < y->prefix.len ? -1 : 1;
	return x->index < y->index ? -1 : (x->index > y->index);
}

/*
 * Reports each prefix that overlaps an earlier one: sorted by address, a
 * prefix overlaps an earlier-sorted one exactly when it starts at or before
 * the furthest end seen so far (prefixes nest or are disjoint).  Reported at
 * the later one in file order.
 */
static void
check_overlaps(Loader *ld, GArray *indexed, Where *const *wheres, const char *what)
{
	g_array_sort(indexed, compare_indexed);
	for (guint i = 1, widest = 0; i < indexed->len; i++) {
		const Indexed *a = &g_array_index(indexed, Indexed, widest);
		const Indexed *b = &g_array_index(indexed, Indexed, i);

		if (b->prefix.addr <= vs_prefix_last(a->prefix)) {
			const Indexed *later = a->index > b->index ? a : b;
			const Indexed *first = a->index > b->index ? b : a;
			char x[19], y[19];

			vs_load_error_at(ld, wheres[later->index], "overlap",
					 "%s %s overlaps %s %s (line %u); expected no overlap",
					 what, vs_prefix_format(later->prefix, x), what,
					 vs_prefix_format(first->prefix, y),
					 wheres[first->index]->pos.line);
		}
		if (vs_prefix_last(b->prefix) > vs_prefix_last(a->prefix))
			widest = i;
	}
}

static void
finish_vnet(Loader *ld, VnetState *s)
{
	VsVnet *vnet = s->vnet;
	g_autoptr(GArray) indexed = g_array_new(FALSE, FALSE, sizeof(Indexed));
	g_autoptr(GPtrArray) wheres = g_ptr_array_new();
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	gboolean add = vnet->name[0] != '\0';

	for (guint i = 0; i < vnet->address_space->len; i++) {
		Indexed entry = {g_array_index(vnet->address_space, VsPrefix, i), i};

		g_array_append_val(indexed, entry);
	}
	check_overlaps(ld, indexed, (Where *const *)s->space_wheres->data, "address space");

	g_array_set_size(indexed, 0);
	for (guint i = 0; i < s->subnets->len; i++) {
		SubnetState *ss = g_ptr_array_index(s->subnets, i);
		gboolean inside = FALSE;

		if (ss->prefix_where == NULL)
			continue;
		for (guint a = 0; a < vnet->address_space->len && !inside; a++)
			inside = vs_prefix_contains(g_array_index(vnet->address_space, VsPrefix, a),
						    ss->subnet->prefix);
		if (!inside && vnet->address_space->len > 0) {
			char buf[19];

			vs_load_error_at(ld, ss->prefix_where, "subnet-outside",
					 "subnet %s is outside the address space of VNet '%s'",
					 vs_prefix_format(ss->subnet->prefix, buf), vnet->name);
		}
		Indexed entry = {ss->subnet->prefix, wheres->len};
		g_array_append_val(indexed, entry);
		g_ptr_array_add(wheres, ss->prefix_where);
	}
	check_overlaps(ld, indexed, (Where *const *)wheres->pdata, "subnet");

	if (add && vs_model_find_vnet(ld->model, vnet->name) != NULL) {
		VsVnet *first = vs_model_find_vnet(ld->model, vnet->name);

		vs_load_error_duplicate(ld, vnet->pos, "VNet", vnet->name, first->pos);
		add = FALSE;
	}
	if (add)
		vs_model_add_vnet(ld->model, vnet);
	else
		vs_load_discard(ld, vnet, (GDestroyNotify)vs_vnet_free);
	for (guint i = 0; i < s->subnets->len; i++) {
		SubnetState *ss = g_ptr_array_index(s->subnets, i);
		VsSubnet *subnet = g_steal_pointer(&ss->subnet);

		if (add && subnet->name[0] != '\0' && g_hash_table_contains(names, subnet->name)) {
			vs_load_error_at(ld, ss->name_where, "duplicate-name",
					 "duplicate subnet name '%s' in VNet '%s'", subnet->name,
					 vnet->name);
		} else if (add && subnet->name[0] != '\0') {
			g_hash_table_add(names, subnet->name);
			vs_model_add_subnet(ld->model, vnet, subnet);
			continue;
		}
		subnet->vnet = vnet;
		vs_load_discard(ld, subnet, (GDestroyNotify)vs_subnet_free);
	}
}

static void
item_vnet(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VnetState s = {0};

	s.vnet = vs_vnet_new("");
	s.vnet->pos = vs_load_pos(ld, event);
	s.space_wheres = g_array_new(FALSE, FALSE, sizeof(Where *));
	s.subnets = g_ptr_array_new_with_free_func((GDestroyNotify)subnet_state_free);
	if (vs_load_parse_map(ld, &vnet_map, &s, &s.map, event) && !ld->fatal)
		finish_vnet(ld, &s);
	else
		vs_load_discard(ld, s.vnet, (GDestroyNotify)vs_vnet_free);
	g_array_unref(s.space_wheres);
	g_ptr_array_unref(s.subnets);
}

void
vs_load_key_vnets(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of VNets", "VNet", KIND_VNET, item_vnet, NULL);
}
