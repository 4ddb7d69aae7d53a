/*
 * diff.c - every flow whose verdict differs between two models.
 *
 * The VMs common to both models (by name) are partitioned by the pair of
 * their class keys, one per model (classes.c): two VMs share a class only
 * when neither model can tell them apart.  The port lines of tcp and udp are
 * cut at every port boundary of either model.  Then, for each ordered pair of
 * classes, each protocol and each port class, one representative flow is
 * walked in the old model and in the new one; where the statuses differ the
 * port class is recorded, merged with the previous one when the two touch
 * and say the same in both models (same status, same decision).  The
 * differences of a pair of classes hold for every pair of its member VMs.
 *
 * Most changes touch a small part of the model, and a flow whose every input
 * is the same in both models has the same status in both.  So before
 * walking, the two models are compared by content (never by name alone):
 *   - the global part: VNets with their address spaces and peerings, subnets
 *     with their prefixes, route tables and default outbound access, every
 *     route table, every NIC's address, public address, IP forwarding and
 *     subnet, service tags, internet settings and endpoints, and everything
 *     of the appliances (any NIC a route names as its next hop): their VM,
 *     NSGs (by content), ASGs and guest firewall.  These decide the path of
 *     every flow and everything met between its two ends.
 *   - each VM's own side: its first NIC's NSG and its subnet's NSG (by
 *     content), its ASGs, and the VM's agent, load, listening ports and
 *     guest firewall.  An NSG is evaluated only at the NICs the packet
 *     passes (the two ends and appliances), a guest firewall and listeners
 *     only on its own VM, and an ASG is tested by the owner of the packet's
 *     source or destination address - one of the two ends.
 * When the global parts are equal, a pair of VMs whose two sides are equal
 * in both models (the internet's side is always equal) keeps every verdict,
 * so its classes are not walked at all; the changed flag is part of the diff's
 * class key, so a class is all changed or all unchanged.  The brute-force test
 * (tests/check_classes.c) checks the result against every port of every pair.
 */
#include "config.h"

#include "diff.h"

#include <string.h>

/* ---------------------------------------------------------------- content */

/* Content ids shared by the two models: equal content, equal id. */
typedef struct {
	GHashTable *ids; /* owned content string -> id + 1 */
} Contents;

static guint
content_id(Contents *contents, GString *text)
{
	gpointer found = g_hash_table_lookup(contents->ids, text->str);
	guint id;

	if (found != NULL)
		return GPOINTER_TO_UINT(found) - 1;
	id = g_hash_table_size(contents->ids);
	g_hash_table_insert(contents->ids, g_strdup(text->str), GUINT_TO_POINTER(id + 1));
	return id;
}

static void
put_prefixes(GString *out, const GArray *prefixes)
{
	if (prefixes == NULL) {
		g_string_append(out, "any;");
		return;
	}
	for (guint i = 0; i < prefixes->len; i++) {
		VsPrefix prefix = g_array_index(prefixes, VsPrefix, i);

		g_string_append_printf(out, "%08x/%u,", prefix.addr, prefix.len);
	}
	g_string_append_c(out, ';');
}

static void
put_ports(GString *out, const GArray *ranges)
{
	if (ranges == NULL) {
		g_string_append(out, "all;");
		return;
	}
	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);

		g_string_append_printf(out, "%u-%u,", range.lo, range.hi);
	}
	g_string_append_c(out, ';');
}

static void
put_match(GString *out, const VsAddressMatch *match)
{
	g_string_append_printf(out, "m%d/%d/", match->kind, match->tag);
	if (match->kind == VS_MATCH_PREFIXES)
		put_prefixes(out, match->prefixes);
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
		put_ports(out, rule->source_ports);
		put_ports(out, rule->destination_ports);
		g_string_append_c(out, ']');
	}
}

/* The content id of an NSG (G_MAXUINT for none). */
static guint
nsg_content(Contents *contents, const VsNsg *nsg)
{
	g_autoptr(GString) text = g_string_new("nsg ");

	if (nsg == NULL)
		return G_MAXUINT;
	put_rules(text, nsg->rules);
	g_string_append_c(text, '|');
	put_rules(text, nsg->default_rules);
	return content_id(contents, text);
}

static void
put_firewall(GString *out, const VsGuestFirewall *firewall)
{
	if (firewall == NULL) {
		g_string_append(out, "nofw;");
		return;
	}
	g_string_append_printf(out, "fw %d %d %d ", firewall->default_inbound,
			       firewall->default_outbound, firewall->default_forward);
	for (guint r = 0; r < firewall->rules->len; r++) {
		const VsFwRule *rule = g_ptr_array_index(firewall->rules, r);

		g_string_append_printf(out, "[%zu:%s %d %d %d ", strlen(rule->name), rule->name,
				       rule->direction, rule->action, rule->protocol);
		put_ports(out, rule->local_ports);
		put_prefixes(out, rule->remote_addresses);
		g_string_append_c(out, ']');
	}
}

/* One end of a flow: what of it the walk reads beyond the global part. */
static void
put_side(GString *out, Contents *contents, const VsNic *nic)
{
	const VsVm *vm = nic->vm;

	g_string_append_printf(
		out, "side nsg %u subnet-nsg %u asgs ", nsg_content(contents, nic->nsg),
		nsg_content(contents, nic->subnet != NULL ? nic->subnet->nsg : NULL));
	for (guint i = 0; i < nic->asgs->len; i++) {
		const VsAsg *asg = g_ptr_array_index(nic->asgs, i);

		g_string_append_printf(out, "%zu:%s,", strlen(asg->name), asg->name);
	}
	if (vm != NULL) {
		g_string_append_printf(out, " vm %d %u %u ", vm->network_watcher_agent,
				       vm->cpu_percent, vm->memory_percent);
		put_ports(out, vm->listening_ports);
		put_firewall(out, vm->guest_firewall);
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

		g_string_append_printf(out, "[%zu:%s %08x/%u %d %d %08x]", strlen(route->name),
				       route->name, route->prefix.addr, route->prefix.len,
				       route->next_hop_type, route->has_next_hop_ip,
				       route->has_next_hop_ip ? route->next_hop_ip : 0);
	}
	g_string_append_c(out, ';');
}

/* Everything of a model but the VMs' own sides (see the essay above). */
static char *
global_content(Contents *contents, const VsModel *model)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < model->vnets->len; i++) {
		const VsVnet *vnet = g_ptr_array_index(model->vnets, i);

		g_string_append_printf(out, "vnet %zu:%s %s ", strlen(vnet->name), vnet->name,
				       vnet->location != NULL ? vnet->location : "");
		put_prefixes(out, vnet->address_space);
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
		put_prefixes(out, tag->prefixes);
	}
	g_string_append_printf(out, "\ninternet %d\n", model->internet_reachable);
	for (guint i = 0; i < model->internet_endpoints->len; i++) {
		const VsInternetEndpoint *endpoint =
			g_ptr_array_index(model->internet_endpoints, i);

		g_string_append_printf(out, "endpoint %08x ", endpoint->address);
		put_ports(out, endpoint->listening_ports);
	}
	/* the appliances, whole: any NIC a route names as its next hop */
	for (guint i = 0; i < model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(model->route_tables, i);

		for (guint r = 0; r < table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(table->routes, r);
			const VsNic *appliance =
				route->has_next_hop_ip
					? vs_model_find_nic_by_ip(model, route->next_hop_ip)
					: NULL;

			if (appliance != NULL)
				put_side(out, contents, appliance);
		}
	}
	return g_string_free(out, FALSE);
}

/* The content of a VM's own side (its first NIC), as an id; G_MAXUINT without a NIC. */
static guint
side_content(Contents *contents, const VsVm *vm)
{
	g_autoptr(GString) text = NULL;

	if (vm->nics->len == 0)
		return G_MAXUINT;
	text = g_string_new(NULL);
	put_side(text, contents, g_ptr_array_index(vm->nics, 0));
	return content_id(contents, text);
}

/* ---------------------------------------------------------------- classes */

static GPtrArray *
keys_of(const VsEngine *engine)
{
	const VsModel *model = engine->model;
	g_autoptr(VsAddrAtoms) atoms = vs_addr_atoms_new(engine);
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < model->vms->len; i++)
		g_ptr_array_add(keys,
				vs_vm_class_key(engine, atoms, g_ptr_array_index(model->vms, i)));
	return keys;
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

static VsVerdict *
walk_in(PairWalk *walk, guint which, VsProtocol protocol, guint16 port)
{
	const VsNic *destination = walk->destinations[which];

	walk->diff->walks++;
	return vs_verdict_walk(walk->engines[which], walk->sources[which], destination,
			       destination != NULL ? destination->private_ip : walk->diff->internet,
			       protocol, port);
}

/* Compares one port class; records it (merged) when the statuses differ. */
static void
compare_class(PairWalk *walk, VsProtocol protocol, VsPortRange range)
{
	g_autoptr(VsVerdict) before = walk_in(walk, 0, protocol, range.lo);
	g_autoptr(VsVerdict) after = walk_in(walk, 1, protocol, range.lo);
	VsDifference difference = {G_MAXUINT, G_MAXUINT, protocol, range, NULL, NULL};

	if (before->reachable == after->reachable) {
		walk->open_before = walk->open_after = NULL;
		return;
	}
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

static void
compare_protocol(PairWalk *walk, const VsPortClasses *classes)
{
	walk->open_before = walk->open_after = NULL;
	for (guint c = 0; c < vs_port_classes_count(classes); c++)
		compare_class(walk, classes->protocol, vs_port_classes_range(classes, c));
	walk->open_before = walk->open_after = NULL;
}

VsDiff *
vs_diff_new(const VsEngine *old_engine, const VsEngine *new_engine)
{
	const VsModel *models[2] = {old_engine->model, new_engine->model};
	VsDiff *diff = g_new0(VsDiff, 1);
	g_autoptr(GPtrArray) old_keys = keys_of(old_engine);
	g_autoptr(GPtrArray) new_keys = keys_of(new_engine);
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(VsPortClasses) tcp = vs_port_classes_new(VS_PROTO_TCP, models, 2);
	g_autoptr(VsPortClasses) udp = vs_port_classes_new(VS_PROTO_UDP, models, 2);
	Contents contents = {g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
	g_autofree char *old_global = global_content(&contents, models[0]);
	g_autofree char *new_global = global_content(&contents, models[1]);
	gboolean global_changed = strcmp(old_global, new_global) != 0;
	g_autoptr(GArray) changed = g_array_new(FALSE, FALSE, sizeof(gboolean));
	guint k;

	diff->old_model = models[0];
	diff->new_model = models[1];
	diff->removed = g_ptr_array_new();
	diff->added = g_ptr_array_new();
	diff->old_index = g_array_new(FALSE, FALSE, sizeof(guint));
	diff->verdicts = g_ptr_array_new_with_free_func((GDestroyNotify)vs_verdict_free);
	diff->pairs = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	diff->internet = vs_classes_internet_address(models, 2);

	for (guint i = 0; i < models[0]->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(models[0]->vms, i);

		if (vs_model_find_vm(models[1], vm->name) == NULL)
			g_ptr_array_add(diff->removed, vm->name);
	}
	for (guint i = 0; i < models[1]->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(models[1]->vms, i);
		const VsVm *old_vm = vs_model_find_vm(models[0], vm->name);
		const char *old_key =
			old_vm != NULL ? g_ptr_array_index(old_keys, old_vm->id) : NULL;
		const char *new_key = g_ptr_array_index(new_keys, i);
		guint old_index = old_vm != NULL ? old_vm->id : G_MAXUINT;

		gboolean side_changed =
			global_changed || old_vm == NULL ||
			side_content(&contents, old_vm) != side_content(&contents, vm);

		if (old_vm == NULL)
			g_ptr_array_add(diff->added, vm->name);
		g_array_append_val(diff->old_index, old_index);
		/* a VM missing (or without a NIC) on either side has no flows to compare */
		g_ptr_array_add(keys, old_key != NULL && new_key != NULL
					      ? g_strdup_printf("%s\n%s\n%d", old_key, new_key,
								side_changed)
					      : NULL);
	}
	g_hash_table_unref(contents.ids);
	diff->partition = vs_vm_partition_new(keys);
	for (guint i = 0; i < vs_vm_partition_count(diff->partition); i++) {
		guint member = g_array_index(vs_vm_partition_members(diff->partition, i), guint, 0);
		gboolean side_changed = g_str_has_suffix(g_ptr_array_index(keys, member), "1");

		g_array_append_val(changed, side_changed);
	}

	k = vs_vm_partition_count(diff->partition);
	for (guint i = 0; i < k; i++) {
		const GArray *from = vs_vm_partition_members(diff->partition, i);

		for (guint j = 0; j <= k; j++) {
			PairWalk walk = {.diff = diff, .engines = {old_engine, new_engine}};
			guint source = g_array_index(from, guint, 0), destination = G_MAXUINT;

			walk.out = g_array_new(FALSE, FALSE, sizeof(VsDifference));
			g_ptr_array_add(diff->pairs, walk.out);
			if (j == i && from->len < 2)
				continue; /* no pair of distinct VMs */
			/* both ends and everything between them the same: no difference */
			if (!global_changed && !g_array_index(changed, gboolean, i) &&
			    (j == k || !g_array_index(changed, gboolean, j)))
				continue;
			if (j == i)
				destination = g_array_index(from, guint, 1);
			else if (j < k)
				destination = g_array_index(
					vs_vm_partition_members(diff->partition, j), guint, 0);
			walk.sources[0] =
				first_nic(models[0], g_array_index(diff->old_index, guint, source));
			walk.sources[1] = first_nic(models[1], source);
			if (destination != G_MAXUINT) {
				walk.destinations[0] =
					first_nic(models[0], g_array_index(diff->old_index, guint,
									   destination));
				walk.destinations[1] = first_nic(models[1], destination);
			}
			compare_protocol(&walk, tcp);
			compare_protocol(&walk, udp);
			compare_class(&walk, VS_PROTO_ICMP, (VsPortRange){0, 65535});
		}
	}
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
	vs_vm_partition_free(diff->partition);
	g_ptr_array_unref(diff->pairs);
	g_ptr_array_unref(diff->verdicts);
	g_free(diff);
}

static void
append_pair(const VsDiff *diff, GArray *out, guint source, guint destination)
{
	guint k = vs_vm_partition_count(diff->partition);
	guint i = g_array_index(diff->partition->class_of, guint, source);
	guint j = destination == VS_MATRIX_INTERNET
			  ? k
			  : g_array_index(diff->partition->class_of, guint, destination);
	const GArray *found;

	if (i == G_MAXUINT || j == G_MAXUINT)
		return;
	found = g_ptr_array_index(diff->pairs, i * (k + 1) + j);
	for (guint d = 0; d < found->len; d++) {
		VsDifference difference = g_array_index(found, VsDifference, d);

		difference.source = source;
		difference.destination = destination;
		g_array_append_val(out, difference);
	}
}

GArray *
vs_diff_differences(const VsDiff *diff)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(VsDifference));
	const GArray *class_of = diff->partition->class_of;

	for (guint s = 0; s < class_of->len; s++) {
		if (g_array_index(class_of, guint, s) == G_MAXUINT)
			continue;
		for (guint d = 0; d < class_of->len; d++)
			if (d != s && g_array_index(class_of, guint, d) != G_MAXUINT)
				append_pair(diff, out, s, d);
		append_pair(diff, out, s, VS_MATRIX_INTERNET);
	}
	return out;
}

gboolean
vs_diff_changed(const VsDiff *diff)
{
	if (diff->removed->len > 0 || diff->added->len > 0)
		return TRUE;
	/* a pair of classes with differences matters only if it has a pair of VMs: every
	 * pair of distinct classes does, and (i, i) was walked only with two members */
	for (guint p = 0; p < diff->pairs->len; p++)
		if (((GArray *)g_ptr_array_index(diff->pairs, p))->len > 0)
			return TRUE;
	return FALSE;
}
