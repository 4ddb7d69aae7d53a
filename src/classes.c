/*
 * classes.c - equivalence classes of addresses, ports and VMs.
 *
 * DOC: why one representative per class decides the whole class
 *
 * matrix and diff must answer for every ordered pair of VMs and, for diff,
 * every protocol and destination port: 65,536 ports x 2 protocols x n^2
 * pairs is far too many walks.  But the walk (walk.c) only ever asks a few
 * kinds of question about a flow, and each kind looks at a flow through a
 * coarse lens.  Group flows that every lens sees alike, and one walk per group
 * answers for all of its members.
 *
 * Ports.  The destination port is tested only against port ranges: NSG rule
 * destination ports (nsg.c), guest firewall localPorts (firewall.c) and
 * listening ports.  Cut the port line at the first port of every such range
 * and at the port after its last; between two cuts every range either holds
 * all ports or none, so every test answers the same for every port of the
 * class.  Rules of another protocol cannot match, so only rules whose
 * protocol is the one asked (or "*") add cuts.  ICMP has no ports: one class.
 * The source port is fixed (50000, check's default), so it needs no classes.
 *
 * Addresses.  The walk tests an address only by prefix membership: rule
 * prefixes, service tags (expanded per subnet: VirtualNetwork depends on the
 * subnet's VNet, peers and route table), route prefixes (system, peering and
 * user), VNet address spaces (forwarded-traffic checks, "which VNet holds
 * this"), subnet prefixes, firewall remoteAddresses - and by identity in just
 * two places: "which NIC owns this address" and "is this the appliance's own
 * address" (a route's nextHopIpAddress).  Cutting the address line at the
 * boundaries of all those prefixes, plus every next-hop address as a /32,
 * gives atoms (VsAddrAtoms): two addresses of one atom answer every
 * membership test alike.  The owner identity is handled by the VM key below.
 *
 * VMs.  A VM is a source (its first NIC sends, as check sends from it) and a
 * destination (its first NIC's address, as check resolves a VM name).  What
 * the walk reads of it: the NIC's subnet (routes, subnet NSG, VNet, default
 * outbound access), the NIC's own NSG, its ASGs (an ASG rule side matches by
 * the owner of the address), whether it has a public IP (a way out) and IP
 * forwarding, the atom of its private address, and of the VM: the guest
 * firewall, the listening ports, the Network Watcher agent and whether it is
 * busy (cpu or memory >= 90).  vs_vm_class_key() writes all of that into one
 * string; equal strings mean the walk cannot tell the two VMs apart, except
 * for which NIC is which - and a NIC that any route names as a next hop has a
 * /32 atom of its own, so it is alone in its class.  The guest firewall and
 * listening ports are compared by content (names included, since a rule's
 * name is reported), not by identity, so identical VMs still share a class.
 *
 * A pair of classes (i, j) is then decided by one walk from any member of i
 * to any other member of j.  "Other" matters when i == j: the pair (a, a) is
 * not in the matrix, so the class needs two members and the walk goes from
 * the first to the second.  tests/check_classes.c proves the claim the direct
 * way: matrix answers equal per-pair walks for every pair of every example
 * model, and diff equals a brute force over every port.
 *
 * The Internet stands for the internet at large: one public address that no
 * prefix of the model names (vs_classes_internet_address), so it is in the
 * same atom as every other such address.
 */
#include "config.h"

#include "classes.h"

#include <string.h>

#include "nsg.h"
#include "route.h"

/* ---------------------------------------------------------------- address atoms */

static void
add_cut(GArray *cuts, guint64 value)
{
	VsIp4 cut;

	if (value > G_MAXUINT32)
		return; /* the end of the address space is not a cut */
	cut = (VsIp4)value;
	g_array_append_val(cuts, cut);
}

void
vs_addr_atoms_add_prefix(VsAddrAtoms *atoms, VsPrefix prefix)
{
	add_cut(atoms->cuts, prefix.addr);
	add_cut(atoms->cuts, (guint64)vs_prefix_last(prefix) + 1);
}

static void
add_prefixes(VsAddrAtoms *atoms, const GArray *prefixes)
{
	for (guint i = 0; prefixes != NULL && i < prefixes->len; i++)
		vs_addr_atoms_add_prefix(atoms, g_array_index(prefixes, VsPrefix, i));
}

static void
add_address(VsAddrAtoms *atoms, VsIp4 ip)
{
	vs_addr_atoms_add_prefix(atoms, (VsPrefix){ip, 32});
}

static gint
compare_ip(gconstpointer a, gconstpointer b)
{
	VsIp4 x = *(const VsIp4 *)a, y = *(const VsIp4 *)b;

	return x < y ? -1 : x > y;
}

void
vs_addr_atoms_seal(VsAddrAtoms *atoms)
{
	GArray *cuts = atoms->cuts;
	guint kept = 0;

	g_array_sort(cuts, compare_ip);
	for (guint i = 0; i < cuts->len; i++)
		if (kept == 0 ||
		    g_array_index(cuts, VsIp4, i) != g_array_index(cuts, VsIp4, kept - 1))
			g_array_index(cuts, VsIp4, kept++) = g_array_index(cuts, VsIp4, i);
	g_array_set_size(cuts, kept);
}

static void
add_address_match(VsAddrAtoms *atoms, const VsTagIndex *tags, const VsAddressMatch *match,
		  const VsModel *model)
{
	if (match->kind == VS_MATCH_PREFIXES) {
		add_prefixes(atoms, match->prefixes);
	} else if (match->kind == VS_MATCH_TAG) {
		/* per subnet, and once with no subnet, as nsg.c may evaluate it */
		for (guint s = 0; s <= model->subnets->len; s++) {
			const VsSubnet *subnet = s < model->subnets->len
							 ? g_ptr_array_index(model->subnets, s)
							 : NULL;
			g_autoptr(GArray) set =
				vs_tag_expand(tags, match->tag, match->user_tag, subnet);

			add_prefixes(atoms, set);
			if (match->tag != VS_TAG_VIRTUAL_NETWORK)
				break; /* the other tags do not depend on the subnet */
		}
	}
}

static void
add_rules(VsAddrAtoms *atoms, const VsEngine *engine, const GPtrArray *rules)
{
	for (guint r = 0; r < rules->len; r++) {
		const VsRule *rule = g_ptr_array_index(rules, r);

		add_address_match(atoms, engine->tags, &rule->source, engine->model);
		add_address_match(atoms, engine->tags, &rule->destination, engine->model);
	}
}

VsAddrAtoms *
vs_addr_atoms_new(const VsEngine *engine)
{
	const VsModel *model = engine->model;
	VsAddrAtoms *atoms = g_new0(VsAddrAtoms, 1);

	atoms->cuts = g_array_new(FALSE, FALSE, sizeof(VsIp4));
	add_cut(atoms->cuts, 0);

	for (guint i = 0; i < model->vnets->len; i++)
		add_prefixes(atoms, ((VsVnet *)g_ptr_array_index(model->vnets, i))->address_space);
	for (guint i = 0; i < model->subnets->len; i++) {
		const VsSubnet *subnet = g_ptr_array_index(model->subnets, i);
		const GArray *routes = vs_route_index_routes(engine->routes, subnet);

		vs_addr_atoms_add_prefix(atoms, subnet->prefix);
		for (guint r = 0; routes != NULL && r < routes->len; r++) {
			const VsEffectiveRoute *route = &g_array_index(routes, VsEffectiveRoute, r);

			vs_addr_atoms_add_prefix(atoms, route->prefix);
			if (route->has_next_hop_ip)
				add_address(atoms, route->next_hop_ip);
		}
	}
	/* tables no subnet uses cannot route, but their next hops cost nothing to cut */
	for (guint i = 0; i < model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(model->route_tables, i);

		for (guint r = 0; r < table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(table->routes, r);

			vs_addr_atoms_add_prefix(atoms, route->prefix);
			if (route->has_next_hop_ip)
				add_address(atoms, route->next_hop_ip);
		}
	}
	/* the tags as every subnet sees them, even where no rule names them yet */
	for (guint s = 0; s <= model->subnets->len; s++) {
		const VsSubnet *subnet =
			s < model->subnets->len ? g_ptr_array_index(model->subnets, s) : NULL;
		static const VsTagKind kinds[] = {VS_TAG_VIRTUAL_NETWORK, VS_TAG_INTERNET,
						  VS_TAG_AZURE_LOAD_BALANCER};

		for (gsize k = 0; k < G_N_ELEMENTS(kinds); k++) {
			g_autoptr(GArray) set = NULL;

			if (s > 0 && kinds[k] != VS_TAG_VIRTUAL_NETWORK)
				continue;
			set = vs_tag_expand(engine->tags, kinds[k], NULL, subnet);
			add_prefixes(atoms, set);
		}
	}
	for (guint i = 0; i < model->service_tags->len; i++)
		add_prefixes(atoms,
			     ((VsServiceTag *)g_ptr_array_index(model->service_tags, i))->prefixes);
	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);

		add_rules(atoms, engine, nsg->rules);
		add_rules(atoms, engine, nsg->default_rules);
	}
	for (guint i = 0; i < model->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(model->vms, i);

		for (guint r = 0; vm->guest_firewall != NULL && r < vm->guest_firewall->rules->len;
		     r++)
			add_prefixes(atoms,
				     ((VsFwRule *)g_ptr_array_index(vm->guest_firewall->rules, r))
					     ->remote_addresses);
	}
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);

		if (nic->has_public_ip)
			add_address(atoms, nic->public_ip);
	}
	for (guint i = 0; i < model->internet_endpoints->len; i++)
		add_address(atoms,
			    ((VsInternetEndpoint *)g_ptr_array_index(model->internet_endpoints, i))
				    ->address);
	vs_addr_atoms_seal(atoms);
	return atoms;
}

void
vs_addr_atoms_free(VsAddrAtoms *atoms)
{
	if (atoms == NULL)
		return;
	g_array_unref(atoms->cuts);
	g_free(atoms);
}

guint
vs_addr_atoms_find(const VsAddrAtoms *atoms, VsIp4 ip)
{
	guint lo = 0, hi = atoms->cuts->len; /* the answer is in [lo, hi) */

	while (hi - lo > 1) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(atoms->cuts, VsIp4, mid) <= ip)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* ---------------------------------------------------------------- port classes */

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

static gint
compare_u32(gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;

	return x < y ? -1 : x > y;
}

static void
add_model_port_cuts(GArray *cuts, VsProtocol protocol, const VsModel *model)
{
	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);

		for (guint r = 0; r < nsg->rules->len; r++) {
			const VsRule *rule = g_ptr_array_index(nsg->rules, r);

			if (vs_protocol_matches(rule->protocol, protocol))
				add_port_cuts(cuts, rule->destination_ports);
		}
	}
	for (guint i = 0; i < model->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(model->vms, i);

		add_port_cuts(cuts, vm->listening_ports);
		for (guint r = 0; vm->guest_firewall != NULL && r < vm->guest_firewall->rules->len;
		     r++) {
			const VsFwRule *rule = g_ptr_array_index(vm->guest_firewall->rules, r);

			if (vs_protocol_matches(rule->protocol, protocol))
				add_port_cuts(cuts, rule->local_ports);
		}
	}
	for (guint i = 0; i < model->internet_endpoints->len; i++)
		add_port_cuts(cuts, ((VsInternetEndpoint *)g_ptr_array_index(
					     model->internet_endpoints, i))
					    ->listening_ports);
}

VsPortClasses *
vs_port_classes_from_cuts(VsProtocol protocol, GArray *cuts)
{
	VsPortClasses *classes = g_new0(VsPortClasses, 1);
	guint32 zero = 0;
	guint kept = 0;

	classes->protocol = protocol;
	g_array_append_val(cuts, zero);
	g_array_sort(cuts, compare_u32);
	for (guint i = 0; i < cuts->len; i++)
		if (kept == 0 ||
		    g_array_index(cuts, guint32, i) != g_array_index(cuts, guint32, kept - 1))
			g_array_index(cuts, guint32, kept++) = g_array_index(cuts, guint32, i);
	g_array_set_size(cuts, kept);
	classes->cuts = cuts;
	return classes;
}

VsPortClasses *
vs_port_classes_new(VsProtocol protocol, const VsModel *const *models, guint n)
{
	GArray *cuts = g_array_new(FALSE, FALSE, sizeof(guint32));

	g_return_val_if_fail(vs_protocol_has_ports(protocol),
			     vs_port_classes_from_cuts(protocol, cuts));
	for (guint m = 0; m < n; m++)
		add_model_port_cuts(cuts, protocol, models[m]);
	return vs_port_classes_from_cuts(protocol, cuts);
}

void
vs_port_classes_free(VsPortClasses *classes)
{
	if (classes == NULL)
		return;
	if (classes->cuts != NULL)
		g_array_unref(classes->cuts);
	g_free(classes);
}

VsPortRange
vs_port_classes_range(const VsPortClasses *classes, guint i)
{
	guint32 lo = g_array_index(classes->cuts, guint32, i);
	guint32 hi = i + 1 < classes->cuts->len ? g_array_index(classes->cuts, guint32, i + 1) - 1
						: 65535;

	return (VsPortRange){(guint16)lo, (guint16)hi};
}

/* ---------------------------------------------------------------- VM keys */

static void
append_ports(GString *key, const GArray *ranges)
{
	if (ranges == NULL) {
		g_string_append(key, "all");
		return;
	}
	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);

		g_string_append_printf(key, "%u-%u,", range.lo, range.hi);
	}
}

static void
append_firewall(GString *key, const VsGuestFirewall *firewall)
{
	if (firewall == NULL) {
		g_string_append(key, "none");
		return;
	}
	g_string_append_printf(key, "%d%d%d", firewall->default_inbound, firewall->default_outbound,
			       firewall->default_forward);
	for (guint i = 0; i < firewall->rules->len; i++) {
		const VsFwRule *rule = g_ptr_array_index(firewall->rules, i);

		/* names are reported, so they are part of what a rule is */
		g_string_append_printf(key, "[%zu:%s/%d/%d/%d/", strlen(rule->name), rule->name,
				       rule->direction, rule->action, rule->protocol);
		append_ports(key, rule->local_ports);
		g_string_append_c(key, '/');
		for (guint a = 0; rule->remote_addresses != NULL && a < rule->remote_addresses->len;
		     a++) {
			VsPrefix prefix = g_array_index(rule->remote_addresses, VsPrefix, a);

			g_string_append_printf(key, "%08x/%u,", prefix.addr, prefix.len);
		}
		if (rule->remote_addresses == NULL)
			g_string_append(key, "any");
		g_string_append_c(key, ']');
	}
}

char *
vs_vm_class_key(const VsEngine *engine, const VsAddrAtoms *atoms, const VsVm *vm)
{
	const VsNic *nic;
	GString *key;
	g_autoptr(GArray) asg_ids = g_array_new(FALSE, FALSE, sizeof(guint32));

	(void)engine;
	if (vm->nics->len == 0)
		return NULL;
	nic = g_ptr_array_index(vm->nics, 0);
	key = g_string_new(NULL);
	g_string_append_printf(key, "subnet %u nsg %d atom %u public %d forwarding %d asgs",
			       nic->subnet != NULL ? nic->subnet->id : G_MAXUINT,
			       nic->nsg != NULL ? (int)nic->nsg->id : -1,
			       vs_addr_atoms_find(atoms, nic->private_ip), nic->has_public_ip,
			       nic->ip_forwarding);
	for (guint i = 0; i < nic->asgs->len; i++) {
		guint32 id = ((VsAsg *)g_ptr_array_index(nic->asgs, i))->id;

		g_array_append_val(asg_ids, id);
	}
	g_array_sort(asg_ids, compare_u32);
	for (guint i = 0; i < asg_ids->len; i++)
		g_string_append_printf(key, " %u", g_array_index(asg_ids, guint32, i));
	g_string_append_printf(key, " agent %d busy %d%d listening ", vm->network_watcher_agent,
			       vm->cpu_percent >= 90, vm->memory_percent >= 90);
	append_ports(key, vm->listening_ports);
	g_string_append(key, " firewall ");
	append_firewall(key, vm->guest_firewall);
	return g_string_free(key, FALSE);
}

/* ---------------------------------------------------------------- partitions */

VsVmPartition *
vs_vm_partition_new(const GPtrArray *keys)
{
	VsVmPartition *partition = g_new0(VsVmPartition, 1);
	/* borrowed key -> class id + 1 */
	g_autoptr(GHashTable) by_key = g_hash_table_new(g_str_hash, g_str_equal);

	partition->members = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	partition->class_of = g_array_sized_new(FALSE, FALSE, sizeof(guint), keys->len);
	for (guint i = 0; i < keys->len; i++) {
		char *key = g_ptr_array_index(keys, i);
		guint id = G_MAXUINT;

		if (key != NULL) {
			gpointer found = g_hash_table_lookup(by_key, key);

			if (found == NULL) {
				id = partition->members->len;
				g_ptr_array_add(partition->members,
						g_array_new(FALSE, FALSE, sizeof(guint)));
				g_hash_table_insert(by_key, key, GUINT_TO_POINTER(id + 1));
			} else {
				id = GPOINTER_TO_UINT(found) - 1;
			}
			g_array_append_val(g_ptr_array_index(partition->members, id), i);
		}
		g_array_append_val(partition->class_of, id);
	}
	return partition;
}

void
vs_vm_partition_free(VsVmPartition *partition)
{
	if (partition == NULL)
		return;
	g_ptr_array_unref(partition->members);
	g_array_unref(partition->class_of);
	g_free(partition);
}

/* ---------------------------------------------------------------- the internet */

typedef struct {
	VsIp4 lo, hi;
} Span;

static void
avoid(GArray *spans, VsPrefix prefix)
{
	Span span = {prefix.addr, vs_prefix_last(prefix)};

	if (prefix.len == 0)
		return; /* 0.0.0.0/0 names everything, so it singles out nothing */
	g_array_append_val(spans, span);
}

static void
avoid_all(GArray *spans, const GArray *prefixes)
{
	for (guint i = 0; prefixes != NULL && i < prefixes->len; i++)
		avoid(spans, g_array_index(prefixes, VsPrefix, i));
}

static void
avoid_match(GArray *spans, const VsAddressMatch *match)
{
	if (match->kind == VS_MATCH_PREFIXES)
		avoid_all(spans, match->prefixes);
}

static void
avoid_model(GArray *spans, const VsModel *model)
{
	for (guint i = 0; i < model->vnets->len; i++)
		avoid_all(spans, ((VsVnet *)g_ptr_array_index(model->vnets, i))->address_space);
	for (guint i = 0; i < model->service_tags->len; i++)
		avoid_all(spans,
			  ((VsServiceTag *)g_ptr_array_index(model->service_tags, i))->prefixes);
	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);

		for (guint r = 0; r < nsg->rules->len; r++) {
			const VsRule *rule = g_ptr_array_index(nsg->rules, r);

			avoid_match(spans, &rule->source);
			avoid_match(spans, &rule->destination);
		}
	}
	for (guint i = 0; i < model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(model->route_tables, i);

		for (guint r = 0; r < table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(table->routes, r);

			avoid(spans, route->prefix);
			if (route->has_next_hop_ip)
				avoid(spans, (VsPrefix){route->next_hop_ip, 32});
		}
	}
	for (guint i = 0; i < model->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(model->vms, i);

		for (guint r = 0; vm->guest_firewall != NULL && r < vm->guest_firewall->rules->len;
		     r++)
			avoid_all(spans,
				  ((VsFwRule *)g_ptr_array_index(vm->guest_firewall->rules, r))
					  ->remote_addresses);
	}
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);

		if (nic->has_public_ip)
			avoid(spans, (VsPrefix){nic->public_ip, 32});
	}
	for (guint i = 0; i < model->internet_endpoints->len; i++)
		avoid(spans, (VsPrefix){((VsInternetEndpoint *)g_ptr_array_index(
						 model->internet_endpoints, i))
						->address,
					32});
}

static gint
compare_span(gconstpointer a, gconstpointer b)
{
	const Span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static gboolean
avoided(const GArray *spans, VsIp4 ip)
{
	for (guint i = 0; i < spans->len; i++) {
		const Span *span = &g_array_index(spans, Span, i);

		if (ip >= span->lo && ip <= span->hi)
			return TRUE;
	}
	return FALSE;
}

VsIp4
vs_classes_internet_address(const VsModel *const *models, guint n)
{
	/* outside the Internet tag (nsg.c), plus the host address of the platform */
	static const char *const not_internet[] = {
		"0.0.0.0/8",      "10.0.0.0/8",       "100.64.0.0/10",  "127.0.0.0/8",
		"169.254.0.0/16", "172.16.0.0/12",    "192.168.0.0/16", "224.0.0.0/4",
		"240.0.0.0/4",    "168.63.129.16/32",
	};
	/* a host of each documentation range (RFC 5737), never a real one */
	const VsIp4 preferred[] = {
		(203u << 24) | (0u << 16) | (113u << 8) | 10u,
		(198u << 24) | (51u << 16) | (100u << 8) | 10u,
		(192u << 24) | (0u << 16) | (2u << 8) | 10u,
	};
	g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(Span));
	guint64 candidate = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(not_internet); i++) {
		VsPrefix prefix;

		vs_prefix_parse(not_internet[i], &prefix, NULL);
		avoid(spans, prefix);
	}
	for (guint m = 0; m < n; m++)
		avoid_model(spans, models[m]);
	for (gsize i = 0; i < G_N_ELEMENTS(preferred); i++)
		if (!avoided(spans, preferred[i]))
			return preferred[i];
	g_array_sort(spans, compare_span);
	for (guint i = 0; i < spans->len; i++) {
		const Span *span = &g_array_index(spans, Span, i);

		if (candidate < span->lo)
			break;
		if ((guint64)span->hi + 1 > candidate)
			candidate = (guint64)span->hi + 1;
	}
	/* the model would have to name every public address for this to fail */
	return candidate > G_MAXUINT32 ? preferred[0] : (VsIp4)candidate;
}
