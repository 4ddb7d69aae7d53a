/*
 * blocks.c - matrix and diff's equivalence classes, decided per pair of blocks.
 *
 * DOC: why classes per pair of blocks are exact, and why they are few
 *
 * A VM's class key global to the model (classes.c's first approach) has to
 * keep every test any walk makes of the VM: its address under every rule
 * prefix of every NSG, every ASG any rule names.  In an estate where rules
 * name single hosts and VMs carry their own mix of ASGs, that leaves almost
 * every VM in a class of its own, and matrix walks classes^2 pairs.  But a
 * walk from a VM of subnet A to one of subnet B consults only a few objects,
 * and only what those test separates VMs for that pair of subnets.
 *
 * Blocks.  VMs (their first NIC, which matrix and check send from and to) are
 * grouped by subnet; diff groups by the pair (old subnet, new subnet).
 *
 * What a walk from s in A to d in B consults (walk.c, step by step):
 *   - at the source: s's agent and outbound guest firewall (its remote
 *     addresses test d's address), s's NIC NSG and A's subnet NSG, outbound,
 *     evaluated with A's tag sets; whether s has a public IP (a way out);
 *   - the routes of A's subnet for d's address, and for each appliance those
 *     routes lead to: its NSGs both ways and its forward firewall (testing
 *     both addresses), the routes of its subnet for d's address, and so on: the
 *     forward appliances F, found as a closure over every route whose prefix
 *     overlaps the span of B's addresses (a superset of the routes any d picks);
 *   - at the destination: B's subnet NSG and d's NIC NSG, inbound, with B's tag
 *     sets; d's inbound guest firewall (testing s's address) and listeners;
 *   - the reply: routes only (NSGs and firewalls are stateful), from B's
 *     subnet for s's address and through the reply appliances G (the same
 *     closure, from B over the span of A's addresses); which appliances the
 *     two directions pass decides asymmetric routing;
 *   - everywhere: peerings (is the packet's source inside the sending VNet:
 *     the VNet address spaces), and identity - "is this the appliance's own
 *     address" (next-hop addresses) and "which NIC owns this address".
 * For the internet as destination, B's part is the one internet address.
 *
 * Every one of those tests looks at s through one of three lenses: s's own
 * settings (agent, public IP, NIC NSG, guest firewall, listeners), the
 * membership of s's address in a prefix or tag set, or s's membership of an
 * ASG that a rule side names; and the same for d.  So the pair's classes key
 * s by: its settings; the atom of its address among the boundaries, inside
 * the span of A, of every prefix those objects test the source address
 * against (rule source sides, the destination's and appliances' firewall
 * remote addresses, the reply's routes, VNet spaces, next-hop addresses);
 * and its membership of every ASG a source side of those NSGs names.  The
 * destination key is the mirror image (rule destination sides, the source's
 * and appliances' firewalls, the forward routes).  A rule matches when its
 * source side, its destination side and its ports do (a conjunction of a test
 * of s, a test of d and a test of the packet), so every rule's match,
 * every NSG's first match, every route lookup and every host check - the
 * whole walk - is a function of the two keys: one walk per pair of classes
 * decides every pair of VMs in them.
 *
 * Three refinements keep classes few, all exact.  A rule that cannot match
 * any packet of the pair (its source side holds no address or ASG of A, or
 * its destination side none of B; or, for a matrix of one port, its protocol
 * or ports exclude that port or the source port) is never the first match, so
 * it adds no test.  A rule that matches every packet of the pair (both sides
 * hold the whole span of their end, and every port asked) ends its NSG's
 * evaluation for every packet that reaches it: the rules after it add no
 * test.  And cuts outside a block's span cannot split it.  Classes depend only
 * on the tests, so a block's classes are computed once per distinct set of
 * tests and shared by the pairs that test it alike.
 *
 * Identity.  A VM whose address is a route's next hop gets a /32 atom of its
 * own, so it is alone in its class wherever it could be an appliance; and a
 * VM that shares its address with another NIC (or whose address is some
 * NIC's public address) makes the classes of that view one VM each: exact,
 * just not fast, for models the loader already reports as broken.
 *
 * The pair (s, s) is not in the matrix.  Within one block a source class and
 * a destination class may hold the same VM, so a pair of classes is walked
 * from a member of the one to a different member of the other
 * (vs_block_pair_representatives), and has no walk when both classes are the
 * same single VM.  tests/check_classes.c checks the claim on every example
 * model and on generated estates, against one walk per pair of VMs.
 */
#include "config.h"

#include "blocks.h"

#include <string.h>

#include "content-key.h"
#include "nsg.h"
#include "route.h"
#include "verdict.h"

/* ---------------------------------------------------------------- the state */

typedef struct {
	const VsEngine *engine;
	const VsModel *model;
	const VsNic **nic_of;  /* per item: the first NIC in this view, or NULL */
	guint32 *source_props; /* per item: id of what the source side reads of the VM */
	guint32 *destination_props;
	GArray *global_cuts; /* VsIp4, sorted: VNet spaces, next hops, public addresses */
	guint asg_words;     /* 64-bit words of an ASG bitset of this model */
	/* with one_port: per NSG id, per direction (inbound, outbound), the rules that can
	 * match a packet of that protocol and ports, in priority order */
	GPtrArray **live[2];
	/* per block */
	const VsSubnet **subnet;
	VsIp4 *lo, *hi;        /* the span of the block's addresses */
	guint64 *asgs;         /* asg_words per block: the ASGs some member holds */
	GPtrArray **nic_nsgs;  /* distinct NIC NSGs of the members (const VsNsg*) */
	GArray **fw_inbound;   /* VsPrefix: remote addresses of the members' inbound rules */
	GArray **fw_outbound;  /* VsPrefix: ... of their outbound rules */
	GArray **port_cuts[2]; /* guint32 per protocol (tcp, udp): listeners, inbound rules */
} View;

struct VsBlocks {
	guint n_views;
	View views[2];
	guint items;
	gboolean one_port;
	VsProtocol protocol;
	guint16 port;
	VsIp4 internet;
	/* per end (source, destination), per block: lens signature (GBytes) -> Classed*.
	 * The same tests class a block the same way, whatever the other end. */
	GHashTable **cache[2];
	guint32 *block_of;  /* per item */
	guint32 *position;  /* per item */
	GPtrArray *members; /* GArray of guint per block */
};

/* ---------------------------------------------------------------- helpers */

static gint
compare_ip(gconstpointer a, gconstpointer b)
{
	VsIp4 x = *(const VsIp4 *)a, y = *(const VsIp4 *)b;

	return x < y ? -1 : x > y;
}

static void
sort_unique(GArray *cuts)
{
	guint kept = 0;

	g_array_sort(cuts, compare_ip);
	for (guint i = 0; i < cuts->len; i++)
		if (kept == 0 ||
		    g_array_index(cuts, guint32, i) != g_array_index(cuts, guint32, kept - 1))
			g_array_index(cuts, guint32, kept++) = g_array_index(cuts, guint32, i);
	g_array_set_size(cuts, kept);
}

/* Appends the boundaries of prefix inside (lo, hi]; TRUE when it overlaps [lo, hi]. */
static gboolean
prefix_cuts(VsPrefix prefix, VsIp4 lo, VsIp4 hi, GArray *cuts)
{
	VsIp4 first = prefix.addr, last = vs_prefix_last(prefix);

	if (first > hi || last < lo)
		return FALSE;
	if (first > lo)
		g_array_append_val(cuts, first);
	if (last < hi) {
		VsIp4 after = last + 1;

		g_array_append_val(cuts, after);
	}
	return TRUE;
}

static gboolean
prefixes_cuts(const GArray *prefixes, VsIp4 lo, VsIp4 hi, GArray *cuts)
{
	gboolean overlaps = FALSE;

	for (guint i = 0; prefixes != NULL && i < prefixes->len; i++)
		overlaps |= prefix_cuts(g_array_index(prefixes, VsPrefix, i), lo, hi, cuts);
	return overlaps;
}

static void
add_port_cuts(GArray *cuts, const GArray *ranges)
{
	for (guint i = 0; ranges != NULL && i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);
		guint32 lo = range.lo, after = (guint32)range.hi + 1;

		g_array_append_val(cuts, lo);
		if (after <= 65535)
			g_array_append_val(cuts, after);
	}
}

static const VsNic *
first_nic_of(const VsModel *model, guint vm)
{
	const VsVm *found;

	if (vm == G_MAXUINT || vm >= model->vms->len)
		return NULL;
	found = g_ptr_array_index(model->vms, vm);
	return found->nics->len > 0 ? g_ptr_array_index(found->nics, 0) : NULL;
}

/* ---------------------------------------------------------------- settings */

static guint32
intern(GHashTable *ids, GString *text)
{
	gpointer found = g_hash_table_lookup(ids, text->str);
	guint32 id;

	if (found != NULL)
		return GPOINTER_TO_UINT(found) - 1;
	id = g_hash_table_size(ids);
	g_hash_table_insert(ids, g_strdup(text->str), GUINT_TO_POINTER(id + 1));
	return id;
}

/*
 * What the walk reads of a VM itself: as a source, its agent, public IP, IP
 * forwarding, NIC NSG and guest firewall; as a destination, its NIC NSG, guest
 * firewall and listeners.  (Its load raises Warnings only, which decide nothing.)
 */
static void
settings(View *view, guint items, gboolean singletons)
{
	g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GString) text = g_string_new(NULL);

	view->source_props = g_new0(guint32, items);
	view->destination_props = g_new0(guint32, items);
	for (guint i = 0; i < items; i++) {
		const VsNic *nic = view->nic_of[i];

		if (nic == NULL)
			continue;
		if (singletons) {
			view->source_props[i] = view->destination_props[i] = i;
			continue;
		}
		g_string_printf(text, "s %d %d %d %d ", nic->nsg != NULL ? (int)nic->nsg->id : -1,
				nic->vm->network_watcher_agent, nic->has_public_ip,
				nic->ip_forwarding);
		vs_content_key_firewall(text, nic->vm->guest_firewall);
		view->source_props[i] = intern(ids, text);
		g_string_printf(text, "d %d ", nic->nsg != NULL ? (int)nic->nsg->id : -1);
		vs_content_key_ports(text, nic->vm->listening_ports);
		vs_content_key_firewall(text, nic->vm->guest_firewall);
		view->destination_props[i] = intern(ids, text);
	}
}

/* ---------------------------------------------------------------- construction */

static void
add_global_cut(GArray *cuts, VsPrefix prefix)
{
	VsIp4 first = prefix.addr;
	guint64 after = (guint64)vs_prefix_last(prefix) + 1;

	g_array_append_val(cuts, first);
	if (after <= G_MAXUINT32) {
		VsIp4 cut = (VsIp4)after;

		g_array_append_val(cuts, cut);
	}
}

static GArray *
global_cuts_of(const VsEngine *engine)
{
	const VsModel *model = engine->model;
	GArray *cuts = g_array_new(FALSE, FALSE, sizeof(VsIp4));

	for (guint i = 0; i < model->vnets->len; i++) {
		const GArray *space = ((VsVnet *)g_ptr_array_index(model->vnets, i))->address_space;

		for (guint p = 0; p < space->len; p++)
			add_global_cut(cuts, g_array_index(space, VsPrefix, p));
	}
	for (guint i = 0; i < model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(model->route_tables, i);

		for (guint r = 0; r < table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(table->routes, r);

			if (route->has_next_hop_ip)
				add_global_cut(cuts, (VsPrefix){route->next_hop_ip, 32});
		}
	}
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);

		if (nic->has_public_ip)
			add_global_cut(cuts, (VsPrefix){nic->public_ip, 32});
	}
	for (guint i = 0; i < model->internet_endpoints->len; i++)
		add_global_cut(cuts, (VsPrefix){((VsInternetEndpoint *)g_ptr_array_index(
							 model->internet_endpoints, i))
							->address,
						32});
	sort_unique(cuts);
	return cuts;
}

/* Two NICs on one address, or an address that is also a public one: identity is
 * ambiguous, so every VM keeps a class of its own (see the essay). */
static gboolean
needs_singletons(const View *view, guint items)
{
	for (guint i = 0; i < items; i++) {
		const VsNic *nic = view->nic_of[i];

		if (nic == NULL)
			continue;
		if (vs_model_find_nic_by_ip(view->model, nic->private_ip) != nic ||
		    g_hash_table_contains(view->engine->nic_by_public_ip,
					  GUINT_TO_POINTER(nic->private_ip)))
			return TRUE;
	}
	return FALSE;
}

static void
add_fw_prefixes(GArray *out, const VsVm *vm, VsFwDirection direction)
{
	for (guint r = 0; vm->guest_firewall != NULL && r < vm->guest_firewall->rules->len; r++) {
		const VsFwRule *rule = g_ptr_array_index(vm->guest_firewall->rules, r);

		if (rule->direction == direction && rule->remote_addresses != NULL)
			g_array_append_vals(out, rule->remote_addresses->data,
					    rule->remote_addresses->len);
	}
}

static void
add_fw_ports(GArray *cuts, const VsVm *vm, VsFwDirection direction, VsProtocol protocol)
{
	for (guint r = 0; vm->guest_firewall != NULL && r < vm->guest_firewall->rules->len; r++) {
		const VsFwRule *rule = g_ptr_array_index(vm->guest_firewall->rules, r);

		if (rule->direction == direction && vs_protocol_matches(rule->protocol, protocol))
			add_port_cuts(cuts, rule->local_ports);
	}
}

/* The classes of one block's members under one lens (see vs_blocks_pair). */
typedef struct {
	guint count;
	GArray *classes; /* guint16 per member */
	GArray *firsts;  /* guint, two per class */
} Classed;

static void
classed_free(Classed *classed)
{
	g_array_unref(classed->classes);
	g_array_unref(classed->firsts);
	g_free(classed);
}

/* Whether a rule can match a packet of the one protocol and port asked. */
static gboolean
rule_live(const VsBlocks *blocks, const VsRule *rule)
{
	return vs_protocol_matches(rule->protocol, blocks->protocol) &&
	       vs_ports_match(rule->source_ports, blocks->protocol, VS_VERDICT_SOURCE_PORT) &&
	       vs_ports_match(rule->destination_ports, blocks->protocol, blocks->port);
}

static void
live_rules(const VsBlocks *blocks, View *view)
{
	guint n = view->model->nsgs->len;

	view->live[0] = g_new0(GPtrArray *, MAX(n, 1));
	view->live[1] = g_new0(GPtrArray *, MAX(n, 1));
	for (guint i = 0; i < n; i++) {
		const VsNsg *nsg = g_ptr_array_index(view->model->nsgs, i);

		for (guint d = 0; d < 2; d++) {
			const GPtrArray *rules = d == 0 ? nsg->inbound : nsg->outbound;

			view->live[d][i] = g_ptr_array_new();
			for (guint r = 0; r < rules->len; r++)
				if (rule_live(blocks, g_ptr_array_index(rules, r)))
					g_ptr_array_add(view->live[d][i],
							g_ptr_array_index(rules, r));
		}
	}
}

static void
view_blocks(VsBlocks *blocks, View *view)
{
	guint n = blocks->members->len;

	view->subnet = g_new0(const VsSubnet *, n);
	view->lo = g_new0(VsIp4, n);
	view->hi = g_new0(VsIp4, n);
	view->asg_words = (view->model->asgs->len + 63) / 64;
	view->asgs = g_new0(guint64, (gsize)n * MAX(view->asg_words, 1));
	view->nic_nsgs = g_new0(GPtrArray *, n);
	view->fw_inbound = g_new0(GArray *, n);
	view->fw_outbound = g_new0(GArray *, n);
	view->port_cuts[0] = g_new0(GArray *, n);
	view->port_cuts[1] = g_new0(GArray *, n);
	for (guint b = 0; b < n; b++) {
		const GArray *members = g_ptr_array_index(blocks->members, b);
		guint64 *asgs = view->asgs + (gsize)b * view->asg_words;

		view->nic_nsgs[b] = g_ptr_array_new();
		view->fw_inbound[b] = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
		view->fw_outbound[b] = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
		view->port_cuts[0][b] = g_array_new(FALSE, FALSE, sizeof(guint32));
		view->port_cuts[1][b] = g_array_new(FALSE, FALSE, sizeof(guint32));
		view->lo[b] = G_MAXUINT32;
		for (guint m = 0; m < members->len; m++) {
			const VsNic *nic = view->nic_of[g_array_index(members, guint, m)];

			view->subnet[b] = nic->subnet;
			view->lo[b] = MIN(view->lo[b], nic->private_ip);
			view->hi[b] = MAX(view->hi[b], nic->private_ip);
			for (guint a = 0; a < nic->asgs->len; a++) {
				guint id = ((VsAsg *)g_ptr_array_index(nic->asgs, a))->id;

				asgs[id / 64] |= G_GUINT64_CONSTANT(1) << (id % 64);
			}
			if (nic->nsg != NULL) {
				guint k = 0;

				while (k < view->nic_nsgs[b]->len &&
				       g_ptr_array_index(view->nic_nsgs[b], k) != nic->nsg)
					k++;
				if (k == view->nic_nsgs[b]->len)
					g_ptr_array_add(view->nic_nsgs[b], nic->nsg);
			}
			add_fw_prefixes(view->fw_inbound[b], nic->vm, VS_FW_INBOUND);
			add_fw_prefixes(view->fw_outbound[b], nic->vm, VS_FW_OUTBOUND);
			if (!blocks->one_port) {
				for (guint p = 0; p < 2; p++) {
					VsProtocol protocol = p == 0 ? VS_PROTO_TCP : VS_PROTO_UDP;

					add_port_cuts(view->port_cuts[p][b],
						      nic->vm->listening_ports);
					add_fw_ports(view->port_cuts[p][b], nic->vm, VS_FW_INBOUND,
						     protocol);
				}
			}
		}
	}
}

VsBlocks *
vs_blocks_new(const VsBlockView *views, guint n_views, guint items, gboolean one_port,
	      VsProtocol protocol, guint16 port, VsIp4 internet)
{
	VsBlocks *blocks = g_new0(VsBlocks, 1);
	/* "subnet ids" -> block id + 1 */
	g_autoptr(GHashTable) by_subnets = g_hash_table_new(g_int64_hash, g_int64_equal);
	g_autoptr(GArray) keys = g_array_sized_new(FALSE, FALSE, sizeof(gint64), items);

	g_return_val_if_fail(n_views >= 1 && n_views <= 2, blocks);
	blocks->n_views = n_views;
	blocks->items = items;
	blocks->one_port = one_port;
	blocks->protocol = protocol;
	blocks->port = port;
	blocks->internet = internet;
	blocks->block_of = g_new(guint32, MAX(items, 1));
	blocks->position = g_new0(guint32, MAX(items, 1));
	blocks->members = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	g_array_set_size(keys, items);
	for (guint v = 0; v < n_views; v++) {
		View *view = &blocks->views[v];

		view->engine = views[v].engine;
		view->model = views[v].engine->model;
		view->nic_of = g_new0(const VsNic *, MAX(items, 1));
		for (guint i = 0; i < items; i++)
			view->nic_of[i] = first_nic_of(
				view->model, views[v].vm_index != NULL
						     ? g_array_index(views[v].vm_index, guint, i)
						     : i);
		view->global_cuts = global_cuts_of(view->engine);
		if (one_port)
			live_rules(blocks, view);
		settings(view, items, needs_singletons(view, items));
	}
	for (guint i = 0; i < items; i++) {
		gint64 *key = &g_array_index(keys, gint64, i);
		gboolean present = TRUE;
		gpointer found;

		*key = 0;
		blocks->block_of[i] = G_MAXUINT32;
		for (guint v = 0; v < n_views; v++) {
			const VsNic *nic = blocks->views[v].nic_of[i];

			if (nic == NULL) {
				present = FALSE;
				break;
			}
			*key = (*key << 32) | (nic->subnet != NULL ? nic->subnet->id + 1 : 0);
		}
		if (!present)
			continue;
		found = g_hash_table_lookup(by_subnets, key);
		if (found == NULL) {
			found = GUINT_TO_POINTER(blocks->members->len + 1);
			g_hash_table_insert(by_subnets, key, found);
			g_ptr_array_add(blocks->members, g_array_new(FALSE, FALSE, sizeof(guint)));
		}
		blocks->block_of[i] = GPOINTER_TO_UINT(found) - 1;
		{
			GArray *members = g_ptr_array_index(blocks->members, blocks->block_of[i]);

			blocks->position[i] = members->len;
			g_array_append_val(members, i);
		}
	}
	for (guint v = 0; v < n_views; v++)
		view_blocks(blocks, &blocks->views[v]);
	for (guint e = 0; e < 2; e++) {
		blocks->cache[e] = g_new0(GHashTable *, MAX(blocks->members->len, 1));
		for (guint b = 0; b < blocks->members->len; b++)
			blocks->cache[e][b] = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
								    (GDestroyNotify)g_bytes_unref,
								    (GDestroyNotify)classed_free);
	}
	return blocks;
}

void
vs_blocks_free(VsBlocks *blocks)
{
	if (blocks == NULL)
		return;
	for (guint v = 0; v < blocks->n_views; v++) {
		View *view = &blocks->views[v];

		for (guint b = 0; b < blocks->members->len; b++) {
			g_ptr_array_unref(view->nic_nsgs[b]);
			g_array_unref(view->fw_inbound[b]);
			g_array_unref(view->fw_outbound[b]);
			g_array_unref(view->port_cuts[0][b]);
			g_array_unref(view->port_cuts[1][b]);
		}
		for (guint n = 0; blocks->one_port && n < view->model->nsgs->len; n++) {
			g_ptr_array_unref(view->live[0][n]);
			g_ptr_array_unref(view->live[1][n]);
		}
		g_free(view->live[0]);
		g_free(view->live[1]);
		g_free(view->nic_of);
		g_free(view->source_props);
		g_free(view->destination_props);
		g_array_unref(view->global_cuts);
		g_free(view->subnet);
		g_free(view->lo);
		g_free(view->hi);
		g_free(view->asgs);
		g_free(view->nic_nsgs);
		g_free(view->fw_inbound);
		g_free(view->fw_outbound);
		g_free(view->port_cuts[0]);
		g_free(view->port_cuts[1]);
	}
	for (guint e = 0; e < 2; e++) {
		for (guint b = 0; b < blocks->members->len; b++)
			g_hash_table_unref(blocks->cache[e][b]);
		g_free(blocks->cache[e]);
	}
	g_free(blocks->block_of);
	g_free(blocks->position);
	g_ptr_array_unref(blocks->members);
	g_free(blocks);
}

guint
vs_blocks_count(const VsBlocks *blocks)
{
	return blocks->members->len;
}

guint
vs_blocks_block_of(const VsBlocks *blocks, guint item)
{
	return item < blocks->items && blocks->block_of[item] != G_MAXUINT32
		       ? blocks->block_of[item]
		       : G_MAXUINT;
}

guint
vs_blocks_position(const VsBlocks *blocks, guint item)
{
	return blocks->position[item];
}

const GArray *
vs_blocks_members(const VsBlocks *blocks, guint block)
{
	return g_ptr_array_index(blocks->members, block);
}

/* ---------------------------------------------------------------- one pair of blocks */

/* One end of a pair, in one view: its span, its ASGs, and what it is tested for. */
typedef struct {
	VsIp4 lo, hi;
	const guint64 *asgs; /* NULL for the internet: no NIC owns its address */
	GArray *cuts;        /* VsIp4 */
	GArray *named;       /* guint: ASG ids some kept rule side names */
} End;

/* Whether a rule side may match an address of the end; adds its tests to the end. */
static gboolean
side_scope(const View *view, const VsAddressMatch *match, const VsSubnet *subnet, End *end)
{
	switch (match->kind) {
	case VS_MATCH_ANY:
		return TRUE;
	case VS_MATCH_PREFIXES:
		return prefixes_cuts(match->prefixes, end->lo, end->hi, end->cuts);
	case VS_MATCH_TAG:
		return vs_tag_cuts(view->engine->tags, match->tag, match->user_tag, subnet, end->lo,
				   end->hi, end->cuts);
	case VS_MATCH_ASGS: {
		gboolean held = FALSE;

		for (guint a = 0; end->asgs != NULL && match->asgs != NULL && a < match->asgs->len;
		     a++) {
			guint id = ((VsAsg *)g_ptr_array_index(match->asgs, a))->id;

			if (end->asgs[id / 64] & (G_GUINT64_CONSTANT(1) << (id % 64))) {
				held = TRUE;
				g_array_append_val(end->named, id);
			}
		}
		return held;
	}
	default:
		return FALSE;
	}
}

/* The rules of nsg in direction, evaluated at a NIC of subnet: the tests of those that
 * may match a packet from source to destination, and their port boundaries. */
static void
scope_nsg(const VsBlocks *blocks, const View *view, const VsNsg *nsg, VsDirection direction,
	  const VsSubnet *subnet, End *source, End *destination, GArray *ports[2])
{
	const GPtrArray *rules;

	if (nsg == NULL)
		return;
	if (blocks->one_port)
		rules = view->live[direction == VS_DIRECTION_INBOUND ? 0 : 1][nsg->id];
	else
		rules = direction == VS_DIRECTION_INBOUND ? nsg->inbound : nsg->outbound;
	for (guint r = 0; r < rules->len; r++) {
		const VsRule *rule = g_ptr_array_index(rules, r);
		guint cuts[2] = {source->cuts->len, destination->cuts->len};
		guint named[2] = {source->named->len, destination->named->len};

		if (!side_scope(view, &rule->source, subnet, source) ||
		    !side_scope(view, &rule->destination, subnet, destination)) {
			/* it cannot match here: its tests separate nothing */
			g_array_set_size(source->cuts, cuts[0]);
			g_array_set_size(destination->cuts, cuts[1]);
			g_array_set_size(source->named, named[0]);
			g_array_set_size(destination->named, named[1]);
			continue;
		}
		if (!blocks->one_port) {
			if (vs_protocol_matches(rule->protocol, VS_PROTO_TCP))
				add_port_cuts(ports[0], rule->destination_ports);
			if (vs_protocol_matches(rule->protocol, VS_PROTO_UDP))
				add_port_cuts(ports[1], rule->destination_ports);
		}
		/* A rule that matches every packet of the pair (both sides hold both whole
		 * spans: they added no test; and every port asked) is the first match of
		 * every packet that gets this far: the rules after it are never reached. */
		if (source->cuts->len == cuts[0] && destination->cuts->len == cuts[1] &&
		    source->named->len == named[0] && destination->named->len == named[1] &&
		    (blocks->one_port || (rule->protocol == VS_PROTO_ANY &&
					  vs_port_ranges_include_any(rule->source_ports) &&
					  vs_port_ranges_include_any(rule->destination_ports))))
			break;
	}
}

static gboolean
holds(const GPtrArray *array, gconstpointer item)
{
	for (guint i = 0; i < array->len; i++)
		if (g_ptr_array_index(array, i) == item)
			return TRUE;
	return FALSE;
}

/*
 * The appliances routes can lead a packet to, from subnet start, for a destination
 * in [lo, hi]: every route overlapping the span, then the routes of each appliance's
 * subnet, and so on.  Appends to appliances and to subnets (start first).
 */
static void
closure(const View *view, const VsSubnet *start, VsIp4 lo, VsIp4 hi, GPtrArray *appliances,
	GPtrArray *subnets)
{
	guint first = subnets->len;

	if (start == NULL)
		return;
	g_ptr_array_add(subnets, (gpointer)(guintptr)start);
	for (guint s = first; s < subnets->len; s++) {
		const GArray *routes =
			vs_route_index_routes(view->engine->routes, g_ptr_array_index(subnets, s));

		for (guint r = 0; routes != NULL && r < routes->len; r++) {
			const VsEffectiveRoute *route = &g_array_index(routes, VsEffectiveRoute, r);
			const VsNic *appliance;

			if (!route->active ||
			    route->next_hop_type != VS_NEXT_HOP_VIRTUAL_APPLIANCE ||
			    !route->has_next_hop_ip || route->prefix.addr > hi ||
			    vs_prefix_last(route->prefix) < lo)
				continue;
			appliance = vs_model_find_nic_by_ip(view->model, route->next_hop_ip);
			if (appliance == NULL || holds(appliances, appliance))
				continue;
			g_ptr_array_add(appliances, (gpointer)(guintptr)appliance);
			if (appliance->subnet != NULL && !holds(subnets, appliance->subnet))
				g_ptr_array_add(subnets, appliance->subnet);
		}
	}
}

void
vs_blocks_appliances(const VsBlocks *blocks, guint v, guint source, guint destination,
		     GPtrArray *out)
{
	const View *view = &blocks->views[v];
	gboolean internet = destination == VS_BLOCK_INTERNET;
	g_autoptr(GPtrArray) reply = g_ptr_array_new();
	g_autoptr(GPtrArray) subnets = g_ptr_array_new();

	closure(view, view->subnet[source], internet ? blocks->internet : view->lo[destination],
		internet ? blocks->internet : view->hi[destination], out, subnets);
	if (internet)
		return;
	g_ptr_array_set_size(subnets, 0);
	closure(view, view->subnet[destination], view->lo[source], view->hi[source], reply,
		subnets);
	for (guint i = 0; i < reply->len; i++)
		if (!holds(out, g_ptr_array_index(reply, i)))
			g_ptr_array_add(out, g_ptr_array_index(reply, i));
}

/* The boundaries of every route prefix of subnets inside end's span. */
static void
route_cuts(const View *view, const GPtrArray *subnets, guint from, End *end)
{
	for (guint s = from; s < subnets->len; s++) {
		const GArray *routes =
			vs_route_index_routes(view->engine->routes, g_ptr_array_index(subnets, s));

		for (guint r = 0; routes != NULL && r < routes->len; r++)
			prefix_cuts(g_array_index(routes, VsEffectiveRoute, r).prefix, end->lo,
				    end->hi, end->cuts);
	}
}

static void
global_cuts(const View *view, End *end)
{
	const GArray *cuts = view->global_cuts;
	guint lo = 0, hi = cuts->len;

	while (lo < hi) { /* the first cut above end->lo */
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(cuts, VsIp4, mid) <= end->lo)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (guint i = lo; i < cuts->len && g_array_index(cuts, VsIp4, i) <= end->hi; i++)
		g_array_append_val(end->cuts, g_array_index(cuts, VsIp4, i));
}

/* Everything a walk between the two ends can consult, in one view: fills the ends'
 * tests, the appliances, and (without one_port) the port boundaries. */
static void
scope_pair(const VsBlocks *blocks, const View *view, guint a, guint b, End *source,
	   End *destination, GPtrArray *appliances, GArray *ports[2])
{
	const VsSubnet *from = view->subnet[a];
	const VsSubnet *to = b != VS_BLOCK_INTERNET ? view->subnet[b] : NULL;
	g_autoptr(GPtrArray) forward = g_ptr_array_new();
	g_autoptr(GPtrArray) forward_subnets = g_ptr_array_new();
	g_autoptr(GPtrArray) reply = g_ptr_array_new();
	g_autoptr(GPtrArray) reply_subnets = g_ptr_array_new();

	/* the forward path routes the destination's address: the source's subnet, the
	 * appliances it leads to, their subnets */
	closure(view, from, destination->lo, destination->hi, forward, forward_subnets);
	route_cuts(view, forward_subnets, 0, destination);
	/* the reply routes the source's address, from the destination's subnet on */
	if (b != VS_BLOCK_INTERNET) {
		closure(view, to, source->lo, source->hi, reply, reply_subnets);
		route_cuts(view, reply_subnets, 0, source);
	}
	g_ptr_array_extend(appliances, forward, NULL, NULL);
	for (guint i = 0; i < reply->len; i++)
		if (!holds(appliances, g_ptr_array_index(reply, i)))
			g_ptr_array_add(appliances, g_ptr_array_index(reply, i));

	/* NSGs: the source's outbound, the destination's inbound, each forward appliance's
	 * both ways (they see the original packet) */
	for (guint i = 0; i < view->nic_nsgs[a]->len; i++)
		scope_nsg(blocks, view, g_ptr_array_index(view->nic_nsgs[a], i),
			  VS_DIRECTION_OUTBOUND, from, source, destination, ports);
	scope_nsg(blocks, view, from != NULL ? from->nsg : NULL, VS_DIRECTION_OUTBOUND, from,
		  source, destination, ports);
	if (b != VS_BLOCK_INTERNET) {
		scope_nsg(blocks, view, to != NULL ? to->nsg : NULL, VS_DIRECTION_INBOUND, to,
			  source, destination, ports);
		for (guint i = 0; i < view->nic_nsgs[b]->len; i++)
			scope_nsg(blocks, view, g_ptr_array_index(view->nic_nsgs[b], i),
				  VS_DIRECTION_INBOUND, to, source, destination, ports);
	}
	for (guint i = 0; i < forward->len; i++) {
		const VsNic *appliance = g_ptr_array_index(forward, i);
		const VsNsg *subnet_nsg = appliance->subnet != NULL ? appliance->subnet->nsg : NULL;

		for (guint d = 0; d < 2; d++) {
			VsDirection direction =
				d == 0 ? VS_DIRECTION_INBOUND : VS_DIRECTION_OUTBOUND;

			scope_nsg(blocks, view, appliance->nsg, direction, appliance->subnet,
				  source, destination, ports);
			scope_nsg(blocks, view, subnet_nsg, direction, appliance->subnet, source,
				  destination, ports);
		}
		/* its forward firewall tests both addresses and the destination port */
		if (appliance->vm != NULL) {
			g_autoptr(GArray) remote = g_array_new(FALSE, FALSE, sizeof(VsPrefix));

			add_fw_prefixes(remote, appliance->vm, VS_FW_FORWARD);
			prefixes_cuts(remote, source->lo, source->hi, source->cuts);
			prefixes_cuts(remote, destination->lo, destination->hi, destination->cuts);
			if (!blocks->one_port) {
				add_fw_ports(ports[0], appliance->vm, VS_FW_FORWARD, VS_PROTO_TCP);
				add_fw_ports(ports[1], appliance->vm, VS_FW_FORWARD, VS_PROTO_UDP);
			}
		}
	}
	/* guest firewalls of the ends: the destination's inbound rules test the source's
	 * address, the source's outbound rules the destination's */
	if (b != VS_BLOCK_INTERNET) {
		prefixes_cuts(view->fw_inbound[b], source->lo, source->hi, source->cuts);
		prefixes_cuts(view->fw_outbound[a], destination->lo, destination->hi,
			      destination->cuts);
		if (!blocks->one_port) {
			g_array_append_vals(ports[0], view->port_cuts[0][b]->data,
					    view->port_cuts[0][b]->len);
			g_array_append_vals(ports[1], view->port_cuts[1][b]->data,
					    view->port_cuts[1][b]->len);
		}
	}
	global_cuts(view, source);
	if (b != VS_BLOCK_INTERNET)
		global_cuts(view, destination);
	if (!blocks->one_port) {
		/* the internet's answers: its endpoints' listeners */
		for (guint i = 0; i < view->model->internet_endpoints->len; i++) {
			const VsInternetEndpoint *endpoint =
				g_ptr_array_index(view->model->internet_endpoints, i);

			add_port_cuts(ports[0], endpoint->listening_ports);
			add_port_cuts(ports[1], endpoint->listening_ports);
		}
	}
}

/* The number of cuts at or below ip (cuts sorted): the atom of ip in the end's span. */
static guint32
atom_of(const GArray *cuts, VsIp4 ip)
{
	guint lo = 0, hi = cuts->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(cuts, VsIp4, mid) <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Per-view key parts of one end, ready to be written per member. */
typedef struct {
	End end;
	GArray *named_sorted; /* guint: unique ASG ids */
	guint words;          /* 32-bit words of the ASG mask */
} Lens;

static void
lens_seal(Lens *lens)
{
	sort_unique(lens->end.cuts);
	lens->named_sorted = lens->end.named;
	sort_unique(lens->named_sorted);
	lens->words = (lens->named_sorted->len + 31) / 32;
}

static guint
named_index(const GArray *named, guint id)
{
	guint lo = 0, hi = named->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		guint value = g_array_index(named, guint, mid);

		if (value == id)
			return mid;
		if (value < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return G_MAXUINT;
}

/* Writes one member's key part for one view: atom, ASG mask, settings. */
static void
write_key(const Lens *lens, const VsNic *nic, guint32 props, guint32 *key)
{
	key[0] = atom_of(lens->end.cuts, nic->private_ip);
	memset(key + 1, 0, lens->words * sizeof(guint32));
	for (guint a = 0; lens->words > 0 && a < nic->asgs->len; a++) {
		guint k = named_index(lens->named_sorted,
				      ((VsAsg *)g_ptr_array_index(nic->asgs, a))->id);

		if (k != G_MAXUINT)
			key[1 + k / 32] |= 1u << (k % 32);
	}
	key[1 + lens->words] = props;
}

static guint
key_hash(gconstpointer key)
{
	const guint32 *words = key;
	guint32 hash = 2166136261u;

	for (guint i = 1; i <= words[0]; i++)
		hash = (hash ^ words[i]) * 16777619u;
	return hash;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	const guint32 *x = a, *y = b;

	return x[0] == y[0] && memcmp(x + 1, y + 1, x[0] * sizeof(guint32)) == 0;
}

/*
 * Classes members by their keys (keys: count rows of length words, each row
 * preceded by its length so a row is its own hash key).  Fills classes (guint16
 * per member) and firsts (two positions per class); returns the number of classes.
 */
static guint
partition(guint32 *keys, guint count, guint stride, GArray *classes, GArray *firsts)
{
	g_autoptr(GHashTable) seen = NULL;
	guint n = 0;

	g_array_set_size(classes, count);
	g_array_set_size(firsts, 0);
	for (guint m = 0; m < count; m++) {
		guint32 *key = keys + (gsize)m * stride;
		guint id = G_MAXUINT;

		/* a few classes: a linear search is cheapest; many: a hash table */
		if (seen == NULL) {
			for (guint c = 0; c < n; c++) {
				guint first = g_array_index(firsts, guint, 2 * c);

				if (key_equal(keys + (gsize)first * stride, key)) {
					id = c;
					break;
				}
			}
			if (id == G_MAXUINT && n >= 16) {
				seen = g_hash_table_new(key_hash, key_equal);
				for (guint c = 0; c < n; c++)
					g_hash_table_insert(
						seen,
						keys + (gsize)g_array_index(firsts, guint, 2 * c) *
								stride,
						GUINT_TO_POINTER(c + 1));
			}
		} else {
			gpointer found = g_hash_table_lookup(seen, key);

			if (found != NULL)
				id = GPOINTER_TO_UINT(found) - 1;
		}
		if (id == G_MAXUINT) {
			guint none = G_MAXUINT;

			id = n++;
			g_array_append_val(firsts, m);
			g_array_append_val(firsts, none);
			if (seen != NULL)
				g_hash_table_insert(seen, key, GUINT_TO_POINTER(id + 1));
		} else if (g_array_index(firsts, guint, 2 * id + 1) == G_MAXUINT) {
			g_array_index(firsts, guint, 2 * id + 1) = m;
		}
		g_array_index(classes, guint16, m) = (guint16)MIN(id, G_MAXUINT16);
	}
	g_return_val_if_fail(n <= G_MAXUINT16, n);
	return n;
}

/* Keys the members of block (positions 0..) by the lenses of every view. */
static guint
class_end(const VsBlocks *blocks, guint block, const Lens *lenses, gboolean source, GArray *classes,
	  GArray *firsts)
{
	const GArray *members = g_ptr_array_index(blocks->members, block);
	guint stride = 1;
	g_autofree guint32 *keys = NULL;

	for (guint v = 0; v < blocks->n_views; v++)
		stride += 2 + lenses[v].words;
	keys = g_new(guint32, (gsize)members->len * stride);
	for (guint m = 0; m < members->len; m++) {
		guint item = g_array_index(members, guint, m);
		guint32 *key = keys + (gsize)m * stride;
		guint offset = 1;

		key[0] = stride - 1;
		for (guint v = 0; v < blocks->n_views; v++) {
			const View *view = &blocks->views[v];

			write_key(&lenses[v], view->nic_of[item],
				  source ? view->source_props[item] : view->destination_props[item],
				  key + offset);
			offset += 2 + lenses[v].words;
		}
	}
	return partition(keys, members->len, stride, classes, firsts);
}

/* The classes of an end, from the cache when the same lenses classed it before. */
static const Classed *
classed_end(const VsBlocks *blocks, guint block, const Lens *lenses, gboolean source)
{
	GHashTable *cache = blocks->cache[source ? 0 : 1][block];
	g_autoptr(GByteArray) signature = g_byte_array_new();
	g_autoptr(GBytes) key = NULL;
	Classed *classed;

	for (guint v = 0; v < blocks->n_views; v++) {
		const GArray *arrays[2] = {lenses[v].end.cuts, lenses[v].named_sorted};

		for (guint k = 0; k < 2; k++) {
			guint32 len = arrays[k]->len;

			g_byte_array_append(signature, (const guint8 *)&len, sizeof(len));
			g_byte_array_append(signature, (const guint8 *)arrays[k]->data,
					    len * (guint)sizeof(guint32));
		}
	}
	key = g_byte_array_free_to_bytes(g_steal_pointer(&signature));
	classed = g_hash_table_lookup(cache, key);
	if (classed != NULL)
		return classed;
	classed = g_new0(Classed, 1);
	classed->classes = g_array_new(FALSE, FALSE, sizeof(guint16));
	classed->firsts = g_array_new(FALSE, FALSE, sizeof(guint));
	classed->count =
		class_end(blocks, block, lenses, source, classed->classes, classed->firsts);
	g_hash_table_insert(cache, g_steal_pointer(&key), classed);
	return classed;
}

void
vs_blocks_pair(const VsBlocks *blocks, guint source, guint destination, VsBlockPair *out)
{
	Lens sources[2], destinations[2];
	GArray *ports[2] = {g_array_new(FALSE, FALSE, sizeof(guint32)),
			    g_array_new(FALSE, FALSE, sizeof(guint32))};
	gboolean internet = destination == VS_BLOCK_INTERNET;

	memset(out, 0, sizeof(*out));
	for (guint v = 0; v < blocks->n_views; v++) {
		const View *view = &blocks->views[v];
		End *s = &sources[v].end, *d = &destinations[v].end;

		*s = (End){view->lo[source], view->hi[source],
			   view->asgs + (gsize)source * view->asg_words,
			   g_array_new(FALSE, FALSE, sizeof(VsIp4)),
			   g_array_new(FALSE, FALSE, sizeof(guint))};
		*d = (End){internet ? blocks->internet : view->lo[destination],
			   internet ? blocks->internet : view->hi[destination],
			   internet ? NULL : view->asgs + (gsize)destination * view->asg_words,
			   g_array_new(FALSE, FALSE, sizeof(VsIp4)),
			   g_array_new(FALSE, FALSE, sizeof(guint))};
		out->appliances[v] = g_ptr_array_new();
		scope_pair(blocks, view, source, destination, s, d, out->appliances[v], ports);
		lens_seal(&sources[v]);
		lens_seal(&destinations[v]);
	}
	{
		const Classed *classed = classed_end(blocks, source, sources, TRUE);

		out->source_classes = classed->count;
		out->source_class = g_array_ref(classed->classes);
		out->source_firsts = g_array_ref(classed->firsts);
	}
	if (internet) {
		guint none = G_MAXUINT;

		out->destination_classes = 1;
		out->destination_class = g_array_new(FALSE, FALSE, sizeof(guint16));
		out->destination_firsts = g_array_new(FALSE, FALSE, sizeof(guint));
		g_array_append_val(out->destination_firsts, none);
		g_array_append_val(out->destination_firsts, none);
	} else {
		const Classed *classed = classed_end(blocks, destination, destinations, FALSE);

		out->destination_classes = classed->count;
		out->destination_class = g_array_ref(classed->classes);
		out->destination_firsts = g_array_ref(classed->firsts);
	}
	for (guint v = 0; v < blocks->n_views; v++) {
		g_array_unref(sources[v].end.cuts);
		g_array_unref(sources[v].end.named);
		g_array_unref(destinations[v].end.cuts);
		g_array_unref(destinations[v].end.named);
	}
	if (!blocks->one_port) {
		out->tcp = vs_port_classes_from_cuts(VS_PROTO_TCP, ports[0]);
		out->udp = vs_port_classes_from_cuts(VS_PROTO_UDP, ports[1]);
	} else {
		g_array_unref(ports[0]);
		g_array_unref(ports[1]);
	}
}

void
vs_block_pair_clear(VsBlockPair *pair)
{
	g_clear_pointer(&pair->source_class, g_array_unref);
	g_clear_pointer(&pair->destination_class, g_array_unref);
	g_clear_pointer(&pair->source_firsts, g_array_unref);
	g_clear_pointer(&pair->destination_firsts, g_array_unref);
	g_clear_pointer(&pair->appliances[0], g_ptr_array_unref);
	g_clear_pointer(&pair->appliances[1], g_ptr_array_unref);
	g_clear_pointer(&pair->tcp, vs_port_classes_free);
	g_clear_pointer(&pair->udp, vs_port_classes_free);
}

gboolean
vs_block_pair_representatives(const VsBlocks *blocks, const VsBlockPair *pair, guint source,
			      guint destination, guint i, guint j, guint *source_item,
			      guint *destination_item)
{
	const GArray *from = g_ptr_array_index(blocks->members, source);
	guint s[2] = {g_array_index(pair->source_firsts, guint, 2 * i),
		      g_array_index(pair->source_firsts, guint, 2 * i + 1)};
	guint d[2];

	*source_item = g_array_index(from, guint, s[0]);
	if (destination == VS_BLOCK_INTERNET) {
		*destination_item = G_MAXUINT;
		return TRUE;
	}
	d[0] = g_array_index(pair->destination_firsts, guint, 2 * j);
	d[1] = g_array_index(pair->destination_firsts, guint, 2 * j + 1);
	if (source == destination && s[0] == d[0]) {
		/* the same VM heads both classes: pair it with another member of either */
		if (d[1] != G_MAXUINT)
			d[0] = d[1];
		else if (s[1] != G_MAXUINT)
			*source_item = g_array_index(from, guint, s[1]);
		else
			return FALSE;
	}
	*destination_item = g_array_index(vs_blocks_members(blocks, destination), guint, d[0]);
	return TRUE;
}
