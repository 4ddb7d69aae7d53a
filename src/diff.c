/*
 * diff.c - every flow whose verdict differs between two models.
 *
 * The VMs common to both models (by name) are grouped into blocks by the pair
 * (old subnet, new subnet) of their first NIC, and each ordered pair of
 * blocks (and each block with the internet) is classed in both models at once
 * (blocks.c): two VMs share a class of a pair only when neither model's
 * walks between the pair's two blocks can tell them apart.  The port lines of
 * tcp and udp are cut at every port boundary of what the pair consults, in
 * either model.  For each pair of classes, each protocol and each port class,
 * one representative flow is walked in the old model and in the new one;
 * where the statuses differ the port class is recorded, merged with the
 * previous one when the two touch and say the same in both models (same
 * status, same decision).  The differences of a pair of classes hold for
 * every pair of its member VMs.
 *
 * Most changes touch a small part of the model, and a flow whose every input
 * is the same in both models has the same status in both.  So before
 * walking, the two models are compared by content (never by name alone):
 *   - the global part: VNets with their address spaces and peerings, subnets
 *     with their prefixes, route tables and default outbound access, every
 *     route table, every NIC's address, public address, IP forwarding and
 *     subnet, service tags, internet settings and endpoints.  These decide
 *     the path of every flow.  If they differ, every pair of blocks is walked
 *     at every port class.
 *   - each VM's own side: its ASGs, agent, listening ports and guest firewall
 *     (tested only on that VM, or through its address as one end of the
 *     flow), and its NIC NSG; each subnet's NSG; and each appliance's side
 *     and NSGs (the appliance met between the ends).
 * When the global parts are equal, a pair of blocks is walked only when
 * something its walks consult differs: a side of one of its VMs, the NSG of
 * one of its two subnets, or an appliance its routes lead to (blocks.c finds
 * those, both ways).  And where only NSG rules differ, a packet that none of
 * the differing rules (in the old NSG or the new) can match meets the same
 * first match in every NSG of both models - the rules they share keep their
 * priorities and so their order - so only the port classes that meet the
 * ports of a differing rule (of its protocol) are walked.  A one-rule change
 * in a spoke's subnet NSG thus walks a few hundred pairs of blocks at a few
 * ports, not the estate.  The brute-force tests (tests/check_classes.c) check
 * the result against every port of every pair.
 */
#include "config.h"

#include "diff.h"

#include <string.h>

#include "content-key.h"

/* ---------------------------------------------------------------- content */

static void
put_match(GString *out, const VsAddressMatch *match)
{
	g_string_append_printf(out, "m%d/%d/", match->kind, match->tag);
	if (match->kind == VS_MATCH_PREFIXES)
		vs_content_key_prefixes(out, match->prefixes);
	if (match->kind == VS_MATCH_TAG && match->user_tag != NULL)
		g_string_append_printf(out, "%zu:%s", strlen(match->user_tag->name),
				       match->user_tag->name);
	for (guint i = 0;
	     match->kind == VS_MATCH_ASGS && match->asgs != NULL && i < match->asgs->len; i++) {
		const VsAsg *asg = g_ptr_array_index(match->asgs, i);

		g_string_append_printf(out, "%zu:%s,", strlen(asg->name), asg->name);
	}
	g_string_append_c(out, ';');
}

static void
put_rules(GString *out, const GPtrArray *rules)
{
	for (guint r = 0; r < rules->len; r++) {
		const VsRule *rule = g_ptr_array_index(rules, r);

		g_string_append_printf(out, "[%zu:%s %d %u %d %d %d ", strlen(rule->name),
				       rule->name, rule->is_default, rule->priority,
				       rule->direction, rule->access, rule->protocol);
		put_match(out, &rule->source);
		put_match(out, &rule->destination);
		vs_content_key_ports(out, rule->source_ports);
		vs_content_key_ports(out, rule->destination_ports);
		g_string_append_c(out, ']');
	}
}

/* One end of a flow or an appliance, but its NSGs: what of it the walk reads beyond
 * the global part.  (Its load raises Warnings only, which decide nothing.) */
static void
put_side(GString *out, const VsNic *nic)
{
	const VsVm *vm = nic->vm;

	g_string_append(out, "side asgs ");
	for (guint i = 0; i < nic->asgs->len; i++) {
		const VsAsg *asg = g_ptr_array_index(nic->asgs, i);

		g_string_append_printf(out, "%zu:%s,", strlen(asg->name), asg->name);
	}
	if (vm != NULL) {
		g_string_append_printf(out, " vm %zu:%s %d ", strlen(vm->name), vm->name,
				       vm->network_watcher_agent);
		vs_content_key_ports(out, vm->listening_ports);
		vs_content_key_firewall(out, vm->guest_firewall);
	}
	g_string_append_c(out, '\n');
}

static void
put_route_table(GString *out, const VsRouteTable *table)
{
	if (table == NULL) {
		g_string_append(out, "no-table;");
		return;
	}
	g_string_append_printf(out, "table %zu:%s %d ", strlen(table->name), table->name,
			       table->disable_bgp_route_propagation);
	for (guint r = 0; r < table->routes->len; r++) {
		const VsRoute *route = g_ptr_array_index(table->routes, r);

		/* a route to a service tag: the tag's name decides between equal prefixes */
		g_string_append_printf(out, "[%zu:%s %08x/%u %d %d %08x %s]", strlen(route->name),
				       route->name, route->prefix.addr, route->prefix.len,
				       route->next_hop_type, route->has_next_hop_ip,
				       route->has_next_hop_ip ? route->next_hop_ip : 0,
				       route->service_tag != NULL ? route->service_tag->name : "");
	}
	g_string_append_c(out, ';');
}

/* Everything of a model but the VMs' own sides (see the essay above). */
static char *
global_content(const VsModel *model)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < model->vnets->len; i++) {
		const VsVnet *vnet = g_ptr_array_index(model->vnets, i);

		g_string_append_printf(out, "vnet %zu:%s %s ", strlen(vnet->name), vnet->name,
				       vnet->location != NULL ? vnet->location : "");
		vs_content_key_prefixes(out, vnet->address_space);
		for (guint p = 0; p < vnet->peerings->len; p++) {
			const VsPeering *peering = g_ptr_array_index(vnet->peerings, p);

			g_string_append_printf(out, "[peer %zu:%s %d %d %d %d %d %d]",
					       strlen(peering->remote->name), peering->remote->name,
					       peering->allow_virtual_network_access,
					       peering->allow_forwarded_traffic,
					       peering->allow_gateway_transit,
					       peering->use_remote_gateways, peering->state,
					       peering->reverse != NULL);
		}
		g_string_append_c(out, '\n');
	}
	for (guint i = 0; i < model->subnets->len; i++) {
		const VsSubnet *subnet = g_ptr_array_index(model->subnets, i);

		g_string_append_printf(out, "subnet %zu:%s %08x/%u %d ", strlen(subnet->path),
				       subnet->path, subnet->prefix.addr, subnet->prefix.len,
				       subnet->default_outbound_access);
		put_route_table(out, subnet->route_table);
		g_string_append_c(out, '\n');
	}
	for (guint i = 0; i < model->route_tables->len; i++)
		put_route_table(out, g_ptr_array_index(model->route_tables, i));
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);

		g_string_append_printf(out, "nic %zu:%s %s %u %s %08x %d %08x %d\n",
				       strlen(nic->name), nic->name,
				       nic->vm != NULL ? nic->vm->name : "", nic->index,
				       nic->subnet != NULL ? nic->subnet->path : "",
				       nic->private_ip, nic->has_public_ip,
				       nic->has_public_ip ? nic->public_ip : 0, nic->ip_forwarding);
	}
	for (guint i = 0; i < model->service_tags->len; i++) {
		const VsServiceTag *tag = g_ptr_array_index(model->service_tags, i);

		g_string_append_printf(out, "tag %zu:%s ", strlen(tag->name), tag->name);
		vs_content_key_prefixes(out, tag->prefixes);
	}
	g_string_append_printf(out, "\ninternet %d\n", model->internet_reachable);
	for (guint i = 0; i < model->internet_endpoints->len; i++) {
		const VsInternetEndpoint *endpoint =
			g_ptr_array_index(model->internet_endpoints, i);

		g_string_append_printf(out, "endpoint %08x ", endpoint->address);
		vs_content_key_ports(out, endpoint->listening_ports);
	}
	return g_string_free(out, FALSE);
}

/* ---------------------------------------------------------------- what changed */

/* The flows a change can alter: every flow, or those of some ports per protocol. */
typedef struct {
	gboolean all;
	GArray *tcp; /* VsPortRange, unsorted, may overlap */
	GArray *udp;
	gboolean icmp;
} Delta;

static void
delta_init(Delta *delta)
{
	delta->all = FALSE;
	delta->icmp = FALSE;
	delta->tcp = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
	delta->udp = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
}

static void
delta_clear(Delta *delta)
{
	g_clear_pointer(&delta->tcp, g_array_unref);
	g_clear_pointer(&delta->udp, g_array_unref);
}

static gboolean
delta_empty(const Delta *delta)
{
	return !delta->all && !delta->icmp && delta->tcp->len == 0 && delta->udp->len == 0;
}

static void
delta_merge(Delta *into, const Delta *from)
{
	if (into->all)
		return;
	if (from->all) {
		into->all = TRUE;
		g_array_set_size(into->tcp, 0);
		g_array_set_size(into->udp, 0);
		return;
	}
	into->icmp |= from->icmp;
	g_array_append_vals(into->tcp, from->tcp->data, from->tcp->len);
	g_array_append_vals(into->udp, from->udp->data, from->udp->len);
}

/* The ports of one rule that differs between the two NSGs. */
static void
delta_add_rule(Delta *delta, const VsRule *rule)
{
	if (vs_protocol_matches(rule->protocol, VS_PROTO_TCP))
		g_array_append_vals(delta->tcp, rule->destination_ports->data,
				    rule->destination_ports->len);
	if (vs_protocol_matches(rule->protocol, VS_PROTO_UDP))
		g_array_append_vals(delta->udp, rule->destination_ports->data,
				    rule->destination_ports->len);
	if (vs_protocol_matches(rule->protocol, VS_PROTO_ICMP))
		delta->icmp = TRUE;
}

static char *
rule_text(const VsRule *rule)
{
	g_autoptr(GPtrArray) one = g_ptr_array_new();
	GString *text = g_string_new(NULL);

	g_ptr_array_add(one, (gpointer)(guintptr)rule);
	put_rules(text, one);
	return g_string_free(text, FALSE);
}

/* The rules of nsg (user and default) that the other NSG does not have, by content. */
static void
delta_rules_missing(Delta *delta, const VsNsg *nsg, GHashTable *other)
{
	const GPtrArray *lists[2] = {nsg->rules, nsg->default_rules};

	for (guint l = 0; l < 2; l++) {
		for (guint r = 0; r < lists[l]->len; r++) {
			const VsRule *rule = g_ptr_array_index(lists[l], r);
			g_autofree char *text = rule_text(rule);

			if (!g_hash_table_contains(other, text))
				delta_add_rule(delta, rule);
		}
	}
}

static GHashTable *
rule_texts(const VsNsg *nsg)
{
	GHashTable *texts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const GPtrArray *lists[2] = {nsg->rules, nsg->default_rules};

	for (guint l = 0; l < 2; l++)
		for (guint r = 0; r < lists[l]->len; r++)
			g_hash_table_add(texts, rule_text(g_ptr_array_index(lists[l], r)));
	return texts;
}

/* Field by field, never memcmp: a VsPrefix has padding that nobody sets. */
static gboolean
prefix_lists_equal(const GArray *a, const GArray *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		const VsPrefix *x = &g_array_index(a, VsPrefix, i),
			       *y = &g_array_index(b, VsPrefix, i);

		if (x->addr != y->addr || x->len != y->len)
			return FALSE;
	}
	return TRUE;
}

static gboolean
port_lists_equal(const GArray *a, const GArray *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		const VsPortRange *x = &g_array_index(a, VsPortRange, i),
				  *y = &g_array_index(b, VsPortRange, i);

		if (x->lo != y->lo || x->hi != y->hi)
			return FALSE;
	}
	return TRUE;
}

static gboolean
match_equal(const VsAddressMatch *a, const VsAddressMatch *b)
{
	if (a->kind != b->kind)
		return FALSE;
	switch (a->kind) {
	case VS_MATCH_PREFIXES:
		return prefix_lists_equal(a->prefixes, b->prefixes);
	case VS_MATCH_TAG:
		return a->tag == b->tag && (a->tag != VS_TAG_USER ||
					    ((a->user_tag == NULL) == (b->user_tag == NULL) &&
					     (a->user_tag == NULL ||
					      strcmp(a->user_tag->name, b->user_tag->name) == 0)));
	case VS_MATCH_ASGS:
		if ((a->asgs == NULL) != (b->asgs == NULL))
			return FALSE;
		if (a->asgs == NULL)
			return TRUE;
		if (a->asgs->len != b->asgs->len)
			return FALSE;
		for (guint i = 0; i < a->asgs->len; i++)
			if (strcmp(((VsAsg *)g_ptr_array_index(a->asgs, i))->name,
				   ((VsAsg *)g_ptr_array_index(b->asgs, i))->name) != 0)
				return FALSE;
		return TRUE;
	default:
		return TRUE;
	}
}

/* The same rules in the same order, field by field: the common case of an NSG the
 * change did not touch, decided without building a string. */
static gboolean
rules_equal(const GPtrArray *a, const GPtrArray *b)
{
	if (a->len != b->len)
		return FALSE;
	for (guint r = 0; r < a->len; r++) {
		const VsRule *x = g_ptr_array_index(a, r), *y = g_ptr_array_index(b, r);

		if (strcmp(x->name, y->name) != 0 || x->is_default != y->is_default ||
		    x->priority != y->priority || x->direction != y->direction ||
		    x->access != y->access || x->protocol != y->protocol ||
		    !match_equal(&x->source, &y->source) ||
		    !match_equal(&x->destination, &y->destination) ||
		    !port_lists_equal(x->source_ports, y->source_ports) ||
		    !port_lists_equal(x->destination_ports, y->destination_ports))
			return FALSE;
	}
	return TRUE;
}

static void
delta_free(Delta *delta)
{
	delta_clear(delta);
	g_free(delta);
}

/* What NSG changes can alter, by pair of NSGs (old id, new id): the same NSG meets
 * every VM of a subnet and every route to an appliance, and is compared once. */
static GHashTable *
nsg_deltas_new(void)
{
	return g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
				     (GDestroyNotify)delta_free);
}

/*
 * What a change from NSG before to NSG after can alter (either may be NULL): every
 * flow when one level gains or loses its NSG, else the ports of the rules that
 * differ by content (see the essay).
 */
static void
delta_nsg(GHashTable *cache, Delta *delta, const VsNsg *before, const VsNsg *after)
{
	gint64 key;
	Delta *found;

	if (before == NULL && after == NULL)
		return;
	if (before == NULL || after == NULL) {
		delta->all = TRUE;
		return;
	}
	key = ((gint64)before->id << 32) | after->id;
	found = g_hash_table_lookup(cache, &key);
	if (found == NULL) {
		g_autoptr(GHashTable) old_texts = NULL;
		g_autoptr(GHashTable) new_texts = NULL;

		found = g_new0(Delta, 1);
		delta_init(found);
		if (!rules_equal(before->rules, after->rules) ||
		    !rules_equal(before->default_rules, after->default_rules)) {
			old_texts = rule_texts(before);
			new_texts = rule_texts(after);
			delta_rules_missing(found, before, new_texts);
			delta_rules_missing(found, after, old_texts);
		}
		g_hash_table_insert(cache, g_memdup2(&key, sizeof(key)), found);
	}
	delta_merge(delta, found);
}

static gboolean
side_differs(const VsNic *before, const VsNic *after)
{
	g_autoptr(GString) a = g_string_new(NULL);
	g_autoptr(GString) b = g_string_new(NULL);

	put_side(a, before);
	put_side(b, after);
	return strcmp(a->str, b->str) != 0;
}

/* A NIC's whole change: its side (all flows) or its NIC and subnet NSGs. */
static void
delta_nic(GHashTable *cache, Delta *delta, const VsNic *before, const VsNic *after,
	  gboolean with_subnet)
{
	if (side_differs(before, after)) {
		delta->all = TRUE;
		return;
	}
	delta_nsg(cache, delta, before->nsg, after->nsg);
	if (with_subnet)
		delta_nsg(cache, delta, before->subnet != NULL ? before->subnet->nsg : NULL,
			  after->subnet != NULL ? after->subnet->nsg : NULL);
}

static gboolean
overlaps(const GArray *ranges, VsPortRange range)
{
	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange other = g_array_index(ranges, VsPortRange, i);

		if (other.lo <= range.hi && range.lo <= other.hi)
			return TRUE;
	}
	return FALSE;
}

/* ---------------------------------------------------------------- walking */

struct VsDiffPair {
	GArray *source_class; /* guint16 per member of the source block (shared, read only) */
	GArray *destination_class;
	guint destination_classes;
	GPtrArray *cells;    /* per pair of classes: GArray of VsDifference (source and
				destination unset), or NULL for none */
	guint64 differences; /* over the pair's classes (not VMs) */
};

static void
cell_free(GArray *cell)
{
	if (cell != NULL)
		g_array_unref(cell);
}

static void
diff_pair_free(VsDiffPair *pair)
{
	if (pair == NULL)
		return;
	g_array_unref(pair->source_class);
	g_array_unref(pair->destination_class);
	g_ptr_array_unref(pair->cells);
	g_free(pair);
}

static const VsNic *
first_nic(const VsModel *model, guint vm)
{
	return g_ptr_array_index(((VsVm *)g_ptr_array_index(model->vms, vm))->nics, 0);
}

typedef struct {
	VsDiff *diff;
	const VsEngine *engines[2]; /* old, new */
	const VsNic *sources[2];
	const VsNic *destinations[2]; /* NULL for the internet */
	GArray *out;                  /* VsDifference of this pair of classes */
	VsVerdict *open_before;       /* the verdicts of the last range, if it may grow */
	VsVerdict *open_after;
} PairWalk;

static void
walk_in(PairWalk *walk, guint which, VsProtocol protocol, guint16 port, VsWalkVerdict *out)
{
	const VsNic *destination = walk->destinations[which];
	VsQuery query = {
		.source = walk->sources[which],
		.destination = destination != NULL ? destination->private_ip : walk->diff->internet,
		.protocol = protocol,
		.source_port = VS_VERDICT_SOURCE_PORT,
		.destination_port = vs_protocol_has_ports(protocol) ? port : 0,
	};

	walk->diff->walks++;
	vs_walk_verdict(walk->engines[which], &query, out);
}

/* Compares one port class; records it (merged) when the statuses differ.  The verdicts
 * (names, resources) are built only then. */
static void
compare_class(PairWalk *walk, VsProtocol protocol, VsPortRange range)
{
	VsWalkVerdict walked[2];
	g_autoptr(VsVerdict) before = NULL;
	g_autoptr(VsVerdict) after = NULL;
	VsDifference difference = {G_MAXUINT, G_MAXUINT, protocol, range, NULL, NULL};

	walk_in(walk, 0, protocol, range.lo, &walked[0]);
	walk_in(walk, 1, protocol, range.lo, &walked[1]);
	if (walked[0].reachable == walked[1].reachable) {
		walk->open_before = walk->open_after = NULL;
		return;
	}
	before = vs_verdict_from_walk(walk->engines[0], &walked[0], walk->sources[0],
				      walk->destinations[0]);
	after = vs_verdict_from_walk(walk->engines[1], &walked[1], walk->sources[1],
				     walk->destinations[1]);
	if (walk->open_before != NULL && vs_verdict_equal(walk->open_before, before) &&
	    vs_verdict_equal(walk->open_after, after)) {
		VsDifference *last = &g_array_index(walk->out, VsDifference, walk->out->len - 1);

		if (last->protocol == protocol && (guint)last->ports.hi + 1 == range.lo) {
			last->ports.hi = range.hi;
			return;
		}
	}
	walk->open_before = before;
	walk->open_after = after;
	difference.before = before;
	difference.after = after;
	g_ptr_array_add(walk->diff->verdicts, g_steal_pointer(&before));
	g_ptr_array_add(walk->diff->verdicts, g_steal_pointer(&after));
	g_array_append_val(walk->out, difference);
}

/* Every port class of one protocol that the change can alter (ranges: its ports; NULL
 * for every port). */
static void
compare_protocol(PairWalk *walk, const VsPortClasses *classes, const GArray *ranges)
{
	walk->open_before = walk->open_after = NULL;
	for (guint c = 0; c < vs_port_classes_count(classes); c++) {
		VsPortRange range = vs_port_classes_range(classes, c);

		if (ranges != NULL && !overlaps(ranges, range)) {
			walk->open_before = walk->open_after = NULL; /* unchanged: a gap */
			continue;
		}
		compare_class(walk, classes->protocol, range);
	}
	walk->open_before = walk->open_after = NULL;
}

/* Classes and walks one pair of blocks, for the flows delta says can change. */
static VsDiffPair *
diff_pair(VsDiff *diff, const VsEngine *const engines[2], guint a, guint b, const Delta *delta)
{
	VsDiffPair *out = g_new0(VsDiffPair, 1);
	VsBlockPair pair;

	vs_blocks_pair(diff->blocks, a, b, &pair);
	out->destination_classes = pair.destination_classes;
	out->cells = g_ptr_array_new_with_free_func((GDestroyNotify)cell_free);
	for (guint i = 0; i < pair.source_classes; i++) {
		for (guint j = 0; j < pair.destination_classes; j++) {
			PairWalk walk = {.diff = diff, .engines = {engines[0], engines[1]}};
			guint s, d;

			g_ptr_array_add(out->cells, NULL);
			if (!vs_block_pair_representatives(diff->blocks, &pair, a, b, i, j, &s, &d))
				continue;
			walk.sources[0] = first_nic(diff->old_model,
						    g_array_index(diff->old_index, guint, s));
			walk.sources[1] = first_nic(diff->new_model, s);
			if (d != G_MAXUINT) {
				walk.destinations[0] = first_nic(
					diff->old_model, g_array_index(diff->old_index, guint, d));
				walk.destinations[1] = first_nic(diff->new_model, d);
			}
			walk.out = g_array_new(FALSE, FALSE, sizeof(VsDifference));
			compare_protocol(&walk, pair.tcp, delta->all ? NULL : delta->tcp);
			compare_protocol(&walk, pair.udp, delta->all ? NULL : delta->udp);
			if (delta->all || delta->icmp)
				compare_class(&walk, VS_PROTO_ICMP, (VsPortRange){0, 65535});
			out->differences += walk.out->len;
			if (walk.out->len > 0)
				g_ptr_array_index(out->cells, out->cells->len - 1) =
					g_steal_pointer(&walk.out);
			else
				g_array_unref(walk.out);
		}
	}
	out->source_class = g_steal_pointer(&pair.source_class);
	out->destination_class = g_steal_pointer(&pair.destination_class);
	vs_block_pair_clear(&pair);
	return out;
}

/* The first NICs of a block's first member, in the old and the new model. */
static void
block_nics(const VsDiff *diff, guint block, const VsNic **before, const VsNic **after)
{
	guint item = g_array_index(vs_blocks_members(diff->blocks, block), guint, 0);

	*before = first_nic(diff->old_model, g_array_index(diff->old_index, guint, item));
	*after = first_nic(diff->new_model, item);
}

/* What the change does to a block's own VMs (their sides, their NIC NSGs) and its
 * subnet's NSG. */
static void
delta_block(GHashTable *cache, const VsDiff *diff, guint block, Delta *delta)
{
	const GArray *members = vs_blocks_members(diff->blocks, block);
	const VsNic *before, *after;

	for (guint m = 0; m < members->len && !delta->all; m++) {
		guint item = g_array_index(members, guint, m);

		delta_nic(cache, delta,
			  first_nic(diff->old_model, g_array_index(diff->old_index, guint, item)),
			  first_nic(diff->new_model, item), FALSE);
	}
	block_nics(diff, block, &before, &after);
	delta_nsg(cache, delta, before->subnet != NULL ? before->subnet->nsg : NULL,
		  after->subnet != NULL ? after->subnet->nsg : NULL);
}

/* What the change does to an appliance met on the way (both models' NICs). */
static void
delta_appliances(GHashTable *cache, Delta *delta, const GPtrArray *before, const GPtrArray *after)
{
	if (before->len != after->len) {
		delta->all = TRUE;
		return;
	}
	for (guint i = 0; i < before->len && !delta->all; i++) {
		const VsNic *old_nic = g_ptr_array_index(before, i);
		const VsNic *new_nic = g_ptr_array_index(after, i);

		if (strcmp(old_nic->name, new_nic->name) != 0)
			delta->all = TRUE;
		else
			delta_nic(cache, delta, old_nic, new_nic, TRUE);
	}
}

/* Whether any NIC a route names as its next hop differs (side or NSGs). */
static gboolean
appliances_differ(GHashTable *cache, const VsModel *old_model, const VsModel *new_model)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);

	for (guint i = 0; i < new_model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(new_model->route_tables, i);

		for (guint r = 0; r < table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(table->routes, r);
			const VsNic *after, *before;
			Delta delta;
			gboolean differs;

			if (!route->has_next_hop_ip)
				continue;
			after = vs_model_find_nic_by_ip(new_model, route->next_hop_ip);
			before = vs_model_find_nic_by_ip(old_model, route->next_hop_ip);
			if (after == NULL && before == NULL)
				continue;
			if (after == NULL || before == NULL)
				return TRUE;
			if (!g_hash_table_add(seen, (gpointer)(guintptr)after))
				continue; /* an appliance many routes name is compared once */
			delta_init(&delta);
			delta_nic(cache, &delta, before, after, TRUE);
			differs = !delta_empty(&delta);
			delta_clear(&delta);
			if (differs)
				return TRUE;
		}
	}
	return FALSE;
}

VsDiff *
vs_diff_new(const VsEngine *old_engine, const VsEngine *new_engine)
{
	const VsModel *models[2] = {old_engine->model, new_engine->model};
	const VsEngine *const engines[2] = {old_engine, new_engine};
	VsDiff *diff = g_new0(VsDiff, 1);
	g_autofree char *old_global = global_content(models[0]);
	g_autofree char *new_global = global_content(models[1]);
	gboolean global_changed = strcmp(old_global, new_global) != 0;
	gboolean appliances_changed;
	VsBlockView views[2] = {{old_engine, NULL}, {new_engine, NULL}};
	Delta *block_deltas;
	g_autoptr(GHashTable) cache = nsg_deltas_new();
	guint n;

	diff->old_model = models[0];
	diff->new_model = models[1];
	diff->removed = g_ptr_array_new();
	diff->added = g_ptr_array_new();
	diff->old_index = g_array_new(FALSE, FALSE, sizeof(guint));
	diff->verdicts = g_ptr_array_new_with_free_func((GDestroyNotify)vs_verdict_free);
	diff->internet = vs_classes_internet_address(models, 2);

	for (guint i = 0; i < models[0]->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(models[0]->vms, i);

		if (vs_model_find_vm(models[1], vm->name) == NULL)
			g_ptr_array_add(diff->removed, vm->name);
	}
	for (guint i = 0; i < models[1]->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(models[1]->vms, i);
		const VsVm *old_vm = vs_model_find_vm(models[0], vm->name);
		guint old_index = old_vm != NULL ? old_vm->id : G_MAXUINT;

		if (old_vm == NULL)
			g_ptr_array_add(diff->added, vm->name);
		g_array_append_val(diff->old_index, old_index);
	}
	/* a VM missing (or without a NIC) on either side has no flows to compare */
	views[0].vm_index = diff->old_index;
	diff->blocks = vs_blocks_new(views, 2, models[1]->vms->len, FALSE, VS_PROTO_TCP, 0,
				     diff->internet);
	n = vs_blocks_count(diff->blocks);
	appliances_changed = !global_changed && appliances_differ(cache, models[0], models[1]);

	block_deltas = g_new(Delta, MAX(n, 1));
	for (guint b = 0; b < n; b++) {
		delta_init(&block_deltas[b]);
		block_deltas[b].all = global_changed;
		if (!global_changed)
			delta_block(cache, diff, b, &block_deltas[b]);
	}
	diff->pairs = g_ptr_array_new_full((n + 1) * n, (GDestroyNotify)diff_pair_free);
	for (guint a = 0; a < n; a++) {
		for (guint b = 0; b <= n; b++) {
			guint destination = b < n ? b : VS_BLOCK_INTERNET;
			Delta delta;

			delta_init(&delta);
			delta_merge(&delta, &block_deltas[a]);
			if (b < n)
				delta_merge(&delta, &block_deltas[b]);
			if (appliances_changed && !delta.all) {
				g_autoptr(GPtrArray) before = g_ptr_array_new();
				g_autoptr(GPtrArray) after = g_ptr_array_new();

				vs_blocks_appliances(diff->blocks, 0, a, destination, before);
				vs_blocks_appliances(diff->blocks, 1, a, destination, after);
				delta_appliances(cache, &delta, before, after);
			}
			/* nothing the pair's walks consult differs: no flow of it changes */
			g_ptr_array_add(diff->pairs,
					delta_empty(&delta)
						? NULL
						: diff_pair(diff, engines, a, destination, &delta));
			if (!delta_empty(&delta))
				diff->pairs_walked++;
			delta_clear(&delta);
		}
	}
	for (guint b = 0; b < n; b++)
		delta_clear(&block_deltas[b]);
	g_free(block_deltas);
	return diff;
}

void
vs_diff_free(VsDiff *diff)
{
	if (diff == NULL)
		return;
	g_ptr_array_unref(diff->removed);
	g_ptr_array_unref(diff->added);
	g_array_unref(diff->old_index);
	if (diff->pairs != NULL)
		g_ptr_array_unref(diff->pairs);
	vs_blocks_free(diff->blocks);
	g_ptr_array_unref(diff->verdicts);
	g_free(diff);
}

/* The differences of a pair of VMs (destination VS_MATRIX_INTERNET for the internet),
 * or NULL for none. */
static const GArray *
pair_differences(const VsDiff *diff, guint source, guint destination)
{
	guint n = vs_blocks_count(diff->blocks);
	guint a = vs_blocks_block_of(diff->blocks, source);
	guint b = destination == VS_MATRIX_INTERNET ? n
						    : vs_blocks_block_of(diff->blocks, destination);
	const VsDiffPair *pair;
	guint i, j = 0;

	if (a == G_MAXUINT || b == G_MAXUINT || source == destination)
		return NULL;
	pair = g_ptr_array_index(diff->pairs, a * (n + 1) + b);
	if (pair == NULL || pair->differences == 0)
		return NULL;
	i = g_array_index(pair->source_class, guint16, vs_blocks_position(diff->blocks, source));
	if (b < n)
		j = g_array_index(pair->destination_class, guint16,
				  vs_blocks_position(diff->blocks, destination));
	return g_ptr_array_index(pair->cells, i * pair->destination_classes + j);
}

static void
emit_pair(const VsDiff *diff, guint source, guint destination, VsDiffFunc func, gpointer data)
{
	const GArray *found = pair_differences(diff, source, destination);

	for (guint d = 0; found != NULL && d < found->len; d++) {
		VsDifference difference = g_array_index(found, VsDifference, d);

		difference.source = source;
		difference.destination = destination;
		func(&difference, data);
	}
}

static gint
compare_guint(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;

	return x < y ? -1 : x > y;
}

void
vs_diff_foreach(const VsDiff *diff, VsDiffFunc func, gpointer data)
{
	guint n = vs_blocks_count(diff->blocks);
	/* per source block: the VMs of the destination blocks with differences, ascending */
	g_autoptr(GPtrArray) targets =
		g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);

	for (guint a = 0; a < n; a++) {
		GArray *list = g_array_new(FALSE, FALSE, sizeof(guint));

		for (guint b = 0; b < n; b++) {
			const VsDiffPair *pair = g_ptr_array_index(diff->pairs, a * (n + 1) + b);

			if (pair != NULL && pair->differences > 0)
				g_array_append_vals(list, vs_blocks_members(diff->blocks, b)->data,
						    vs_blocks_members(diff->blocks, b)->len);
		}
		g_array_sort(list, compare_guint);
		g_ptr_array_add(targets, list);
	}
	for (guint s = 0; s < diff->new_model->vms->len; s++) {
		guint a = vs_blocks_block_of(diff->blocks, s);
		const GArray *list;

		if (a == G_MAXUINT)
			continue;
		list = g_ptr_array_index(targets, a);
		for (guint d = 0; d < list->len; d++)
			emit_pair(diff, s, g_array_index(list, guint, d), func, data);
		emit_pair(diff, s, VS_MATRIX_INTERNET, func, data);
	}
}

static void
append_difference(const VsDifference *difference, gpointer data)
{
	g_array_append_val((GArray *)data, *difference);
}

GArray *
vs_diff_differences(const VsDiff *diff)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(VsDifference));

	vs_diff_foreach(diff, append_difference, out);
	return out;
}

guint64
vs_diff_count(const VsDiff *diff)
{
	guint n = vs_blocks_count(diff->blocks);
	guint64 total = 0;

	for (guint a = 0; a < n; a++) {
		const GArray *from = vs_blocks_members(diff->blocks, a);

		for (guint b = 0; b <= n; b++) {
			const VsDiffPair *pair = g_ptr_array_index(diff->pairs, a * (n + 1) + b);
			const GArray *to = b < n ? vs_blocks_members(diff->blocks, b) : NULL;
			g_autofree guint64 *sources = NULL, *destinations = NULL;
			guint source_classes = 0;

			if (pair == NULL || pair->differences == 0)
				continue;
			/* members per class, then every pair of classes times its differences,
			 * less the pairs of a VM with itself */
			for (guint m = 0; m < from->len; m++)
				source_classes = MAX(
					source_classes,
					(guint)g_array_index(pair->source_class, guint16, m) + 1);
			sources = g_new0(guint64, source_classes);
			destinations = g_new0(guint64, pair->destination_classes);
			for (guint m = 0; m < from->len; m++)
				sources[g_array_index(pair->source_class, guint16, m)]++;
			if (to == NULL)
				destinations[0] = 1;
			for (guint m = 0; to != NULL && m < to->len; m++)
				destinations[g_array_index(pair->destination_class, guint16, m)]++;
			for (guint i = 0; i < source_classes; i++) {
				for (guint j = 0; j < pair->destination_classes; j++) {
					const GArray *cell = g_ptr_array_index(
						pair->cells, i * pair->destination_classes + j);

					if (cell != NULL)
						total += sources[i] * destinations[j] * cell->len;
				}
			}
			for (guint m = 0; a == b && m < from->len; m++) {
				const GArray *cell = g_ptr_array_index(
					pair->cells,
					g_array_index(pair->source_class, guint16, m) *
							pair->destination_classes +
						g_array_index(pair->destination_class, guint16, m));

				if (cell != NULL)
					total -= cell->len;
			}
		}
	}
	return total;
}

gboolean
vs_diff_changed(const VsDiff *diff)
{
	if (diff->removed->len > 0 || diff->added->len > 0)
		return TRUE;
	/* a pair of classes was walked only when it holds a pair of distinct VMs */
	for (guint p = 0; p < diff->pairs->len; p++) {
		const VsDiffPair *pair = g_ptr_array_index(diff->pairs, p);

		if (pair != NULL && pair->differences > 0)
			return TRUE;
	}
	return FALSE;
}
