/*
 * load-check.c - the second half of the loader: once every file is read, it
 * resolves the names that objects use to refer to each other (subnet, NSG,
 * route table, ASG, remote VNet, service tag of a rule or a route) and checks
 * what needs both ends
 * of a reference: a NIC's address against its subnet (inside it, and not one
 * of the five addresses Azure reserves), a peering against its own VNet, the
 * NICs of an application security group (one VNet) and the application
 * security groups of a security rule (one VNet).
 * Each failure is reported at the referencing value, with the path it had in
 * the file.  References are resolved in the order they were met, so lists
 * filled here (a NIC's ASGs, a rule's ASGs) keep file order.
 */
#include "config.h"

#include <string.h>

#include "load-core.h"

gboolean
vs_load_ip_is_reserved(VsPrefix subnet, VsIp4 ip)
{
	/* network address, .1 gateway, .2 and .3 Azure DNS, and the last (broadcast) */
	return ip - subnet.addr <= 3 || ip == vs_prefix_last(subnet);
}

char *
vs_load_nic_address_problem(const VsNic *nic, const VsSubnet *subnet, const char **code)
{
	char ip[16], prefix[19], first[16];

	if (vs_prefix_contains_ip(subnet->prefix, nic->private_ip) &&
	    !vs_load_ip_is_reserved(subnet->prefix, nic->private_ip))
		return NULL; /* the common case: format nothing */
	vs_ip4_format(nic->private_ip, ip);
	vs_prefix_format(subnet->prefix, prefix);
	if (!vs_prefix_contains_ip(subnet->prefix, nic->private_ip)) {
		*code = "address-outside";
		return g_strdup_printf("address %s is outside subnet '%s' (%s)", ip, subnet->path,
				       prefix);
	}
	*code = "address-reserved";
	return g_strdup_printf("address %s is reserved by Azure in subnet %s (the first four and "
			       "the last address); the first usable address is %s",
			       ip, prefix, vs_ip4_format(subnet->prefix.addr + 4, first));
}

static void
check_nic_address(Loader *ld, const Ref *ref, VsNic *nic, VsSubnet *subnet)
{
	const char *code = NULL;
	g_autofree char *problem = NULL;

	if (ref->aux == NULL)
		return; /* no valid address: already reported */
	problem = vs_load_nic_address_problem(nic, subnet, &code);
	if (problem != NULL)
		vs_load_error_at(ld, ref->aux, code, "%s", problem);
}

static void
add_asg(GPtrArray *asgs, VsAsg *asg)
{
	for (guint i = 0; i < asgs->len; i++)
		if (g_ptr_array_index(asgs, i) == asg)
			return; /* named twice: membership is a set */
	g_ptr_array_add(asgs, asg);
}

gboolean
vs_load_resolve_early(Loader *ld, RefKind kind, const char *name, gpointer target)
{
	VsModel *model = vs_load_model(ld);
	const GPtrArray *refs = vs_load_refs(ld);
	VsNsg *nsg;
	VsRouteTable *table;
	VsServiceTag *tag;
	VsAsg *asg;

	switch (kind) {
	case REF_SUBNET_NSG:
	case REF_NIC_NSG:
		if ((nsg = vs_model_find_nsg(model, name)) == NULL)
			return FALSE;
		if (kind == REF_SUBNET_NSG)
			((VsSubnet *)target)->nsg = nsg;
		else
			((VsNic *)target)->nsg = nsg;
		return TRUE;
	case REF_SUBNET_ROUTE_TABLE:
		if ((table = vs_model_find_route_table(model, name)) == NULL)
			return FALSE;
		((VsSubnet *)target)->route_table = table;
		return TRUE;
	case REF_RULE_TAG:
		if ((tag = vs_model_find_service_tag(model, name)) == NULL)
			return FALSE;
		((VsAddressMatch *)target)->user_tag = tag;
		return TRUE;
	case REF_NIC_ASG:
	case REF_RULE_ASG:
		/* a list keeps file order: once a name of it waits for the end, so do the
		 * rest (a list's names are recorded one after another) */
		if (refs->len > 0 &&
		    ((const Ref *)g_ptr_array_index(refs, refs->len - 1))->target == target)
			return FALSE;
		if ((asg = vs_model_find_asg(model, name)) == NULL)
			return FALSE;
		add_asg(kind == REF_NIC_ASG ? ((VsNic *)target)->asgs
					    : ((VsAddressMatch *)target)->asgs,
			asg);
		return TRUE;
	default:
		/* peerings, subnets and routes to tags have checks of their own */
		return FALSE;
	}
}

static void
resolve_nic_subnet(Loader *ld, const Ref *ref)
{
	VsModel *model = vs_load_model(ld);
	VsNic *nic = ref->target;
	VsSubnet *subnet = vs_model_find_subnet(model, ref->name);
	g_autofree char *vnet_name = NULL;
	const char *slash;

	if (subnet != NULL) {
		nic->subnet = subnet;
		check_nic_address(ld, ref, nic, subnet);
		return;
	}
	slash = strchr(ref->name, '/');
	vnet_name = g_strndup(ref->name, (gsize)(slash - ref->name));
	if (vs_model_find_vnet(model, vnet_name) == NULL)
		vs_load_error_at(ld, ref->where, "unknown-reference",
				 "unknown VNet '%s' in subnet reference '%s'; expected the name "
				 "of one of vnets",
				 vnet_name, ref->name);
	else
		vs_load_error_at(ld, ref->where, "unknown-reference",
				 "unknown subnet '%s' in VNet '%s'; expected one of its subnets",
				 slash + 1, vnet_name);
}

static void
resolve_peering(Loader *ld, const Ref *ref, GHashTable *pairs)
{
	VsModel *model = vs_load_model(ld);
	VsPeering *peering = ref->target;
	VsVnet *owner = ref->owner;
	VsVnet *remote = vs_model_find_vnet(model, ref->name);
	g_autofree char *pair = NULL;

	if (remote == NULL) {
		vs_load_error_at(ld, ref->where, "unknown-reference",
				 "unknown VNet '%s'; expected the name of one of vnets", ref->name);
		return;
	}
	if (remote == owner) {
		vs_load_error_at(ld, ref->where, "self-peering",
				 "VNet '%s' cannot peer with itself", ref->name);
		return;
	}
	pair = g_strdup_printf("%p/%p", (void *)owner, (void *)remote);
	if (g_hash_table_contains(pairs, pair)) {
		vs_load_error_at(ld, ref->where, "duplicate-peering",
				 "VNet '%s' already has a peering to '%s'", owner->name, ref->name);
		return;
	}
	g_hash_table_add(pairs, g_steal_pointer(&pair));
	peering->remote = remote;
}

static void
unknown(Loader *ld, const Ref *ref, const char *kind, const char *list)
{
	vs_load_error_at(ld, ref->where, "unknown-reference",
			 "unknown %s '%s'; expected the name of one of %s", kind, ref->name, list);
}

/*
 * A route whose addressPrefix names a service tag: Azure routes each prefix of
 * the tag with it.  The route takes the tag's first prefix and a copy of it
 * follows for each other one, so the engines, which see routes to prefixes,
 * need nothing more; route.c breaks ties on an equal prefix as Azure does (a
 * prefix before a tag, and among tags the more specific one first).
 */
static void
expand_route_tag(Loader *ld, const Ref *ref)
{
	VsRoute *route = ref->target;
	GPtrArray *routes = route->table->routes;
	const VsServiceTag *tag = vs_model_find_service_tag(vs_load_model(ld), ref->name);
	guint at;

	if (tag == NULL) {
		vs_load_error_at(ld, ref->where, "unknown-reference",
				 "unknown service tag '%s'; expected a prefix such as 10.1.0.0/16 "
				 "or a tag of serviceTags",
				 ref->name);
		return;
	}
	if (tag->prefixes->len == 0) {
		vs_load_error_at(ld, ref->where, "empty",
				 "service tag '%s' has no prefixes; a route needs at least one",
				 ref->name);
		return;
	}
	/* the copies count against the limit on routes, so that a long tag named by
	 * many routes cannot multiply memory beyond what the file could hold */
	if (ld->counts[KIND_ROUTE] + (tag->prefixes->len - 1) > VS_LOAD_MAX_OBJECTS) {
		vs_load_error_at(ld, ref->where, "limit",
				 "service tag '%s' has %u prefixes, one route each: more than %u "
				 "routes in the model; that is the limit",
				 ref->name, tag->prefixes->len, VS_LOAD_MAX_OBJECTS);
		return;
	}
	ld->counts[KIND_ROUTE] += tag->prefixes->len - 1;
	route->service_tag = tag;
	route->prefix = g_array_index(tag->prefixes, VsPrefix, 0);
	g_ptr_array_find(routes, route, &at);
	for (guint i = 1; i < tag->prefixes->len; i++) {
		VsRoute *copy = vs_route_new(route->name);

		copy->table = route->table;
		copy->prefix = g_array_index(tag->prefixes, VsPrefix, i);
		copy->next_hop_type = route->next_hop_type;
		copy->has_next_hop_ip = route->has_next_hop_ip;
		copy->next_hop_ip = route->next_hop_ip;
		copy->pos = route->pos;
		copy->service_tag = tag;
		copy->expanded_from = route;
		g_ptr_array_insert(routes, (gint)(at + i), copy);
	}
}

/* "VM/NIC", as check names a NIC; owned. */
static char *
nic_label(const VsNic *nic)
{
	return g_strdup_printf("%s/%s", nic->vm->name, nic->name);
}

/*
 * An error at an object of the model, whose path is built from its names: the
 * checks below read the resolved model (ASG references may be resolved while
 * the file is read, so no reference is left to point at).
 */
static void G_GNUC_PRINTF(5, 6) error_at_object(Loader *ld, VsPos pos, const char *path,
						const char *code, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vs_diag_addv(ld->diags, VS_SEVERITY_ERROR, pos, path, code, format, args);
	va_end(args);
}

/*
 * Azure places an application security group in the VNet of the first NIC
 * that joins it and refuses a NIC of another VNet ("all network interfaces
 * assigned to an application security group have to exist in the same virtual
 * network that the first network interface assigned to the application
 * security group is in").  NICs are taken in file order, the order Azure
 * would have seen them created in.  Fills first_member (VsAsg* -> its first
 * VsNic*, looked up, never iterated), which the rule check reads.
 */
static void
check_asg_members(Loader *ld, GHashTable *first_member)
{
	const VsModel *model = vs_load_model(ld);

	for (guint n = 0; n < model->nics->len; n++) {
		VsNic *nic = g_ptr_array_index(model->nics, n);

		for (guint a = 0; nic->subnet != NULL && a < nic->asgs->len; a++) {
			VsAsg *asg = g_ptr_array_index(nic->asgs, a);
			const VsNic *first = g_hash_table_lookup(first_member, asg);
			g_autofree char *label = NULL, *first_label = NULL, *path = NULL;

			if (first == NULL) {
				g_hash_table_insert(first_member, asg, nic);
				continue;
			}
			if (first->subnet->vnet == nic->subnet->vnet)
				continue;
			label = nic_label(nic);
			first_label = nic_label(first);
			path = g_strdup_printf("virtualMachines[%s].networkInterfaces[%u]",
					       nic->vm->name, nic->index);
			error_at_object(
				ld, nic->pos, path, "asg-vnet",
				"NIC %s is in VNet '%s', but its application security "
				"group '%s' is in VNet '%s' (its first NIC, %s, at line %u); "
				"all NICs of an application security group must be in one "
				"VNet",
				label, nic->subnet->vnet->name, asg->name,
				first->subnet->vnet->name, first_label, first->pos.line);
		}
	}
}

/* The VNet of an ASG: its first NIC's; NULL when no NIC joins it. */
static const VsVnet *
asg_vnet(GHashTable *first_member, const VsAsg *asg)
{
	const VsNic *first = g_hash_table_lookup(first_member, asg);

	return first != NULL ? first->subnet->vnet : NULL;
}

/*
 * Azure refuses a security rule whose application security groups (source and
 * destination together) are in different VNets.  An ASG that no NIC joins is
 * in no VNet yet and goes with any.
 */
static void
check_rule_asgs(Loader *ld, GHashTable *first_member)
{
	const VsModel *model = vs_load_model(ld);

	for (guint n = 0; n < model->nsgs->len; n++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, n);

		for (guint r = 0; r < nsg->rules->len; r++) {
			const VsRule *rule = g_ptr_array_index(nsg->rules, r);
			const VsAddressMatch *sides[] = {&rule->source, &rule->destination};
			const VsAsg *first = NULL;
			const VsVnet *vnet = NULL;

			for (guint side = 0; side < G_N_ELEMENTS(sides); side++) {
				for (guint a = 0; sides[side]->kind == VS_MATCH_ASGS &&
						  a < sides[side]->asgs->len;
				     a++) {
					const VsAsg *asg = g_ptr_array_index(sides[side]->asgs, a);
					const VsVnet *here = asg_vnet(first_member, asg);
					g_autofree char *path = NULL;

					if (here == NULL)
						continue;
					if (vnet == NULL) {
						first = asg;
						vnet = here;
						continue;
					}
					if (here == vnet)
						continue;
					path = g_strdup_printf(
						"networkSecurityGroups[%s].securityRules[%s]",
						nsg->name, rule->name);
					error_at_object(
						ld, rule->pos, path, "asg-vnet",
						"application security group '%s' is in VNet '%s', "
						"but '%s' of the same rule is in VNet '%s'; the "
						"application security groups of a rule, source and "
						"destination, must be in one VNet",
						asg->name, here->name, first->name, vnet->name);
				}
			}
		}
	}
}

void
vs_load_resolve(Loader *ld)
{
	VsModel *model = vs_load_model(ld);
	GPtrArray *refs = vs_load_refs(ld);
	g_autoptr(GHashTable) pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	/* VsAsg* -> its first member VsNic*; looked up, never iterated */
	g_autoptr(GHashTable) first_member = g_hash_table_new(NULL, NULL);

	/* a VNet without a location of its own is in the model's */
	for (guint i = 0; i < model->vnets->len; i++) {
		VsVnet *vnet = g_ptr_array_index(model->vnets, i);

		if (vnet->location == NULL)
			vnet->location = g_strdup(model->location);
	}

	for (guint i = 0; i < refs->len; i++) {
		const Ref *ref = g_ptr_array_index(refs, i);
		VsNsg *nsg;
		VsRouteTable *table;
		VsAsg *asg;
		VsServiceTag *tag;

		switch (ref->kind) {
		case REF_SUBNET_NSG:
		case REF_NIC_NSG:
			nsg = vs_model_find_nsg(model, ref->name);
			if (nsg == NULL)
				unknown(ld, ref, "NSG", "networkSecurityGroups");
			else if (ref->kind == REF_SUBNET_NSG)
				((VsSubnet *)ref->target)->nsg = nsg;
			else
				((VsNic *)ref->target)->nsg = nsg;
			break;
		case REF_SUBNET_ROUTE_TABLE:
			table = vs_model_find_route_table(model, ref->name);
			if (table == NULL)
				unknown(ld, ref, "route table", "routeTables");
			else
				((VsSubnet *)ref->target)->route_table = table;
			break;
		case REF_PEERING_REMOTE:
			resolve_peering(ld, ref, pairs);
			break;
		case REF_NIC_SUBNET:
			resolve_nic_subnet(ld, ref);
			break;
		case REF_NIC_ASG:
		case REF_RULE_ASG:
			asg = vs_model_find_asg(model, ref->name);
			if (asg == NULL)
				unknown(ld, ref, "application security group",
					"applicationSecurityGroups");
			else if (ref->kind == REF_NIC_ASG)
				add_asg(((VsNic *)ref->target)->asgs, asg);
			else
				add_asg(((VsAddressMatch *)ref->target)->asgs, asg);
			break;
		case REF_ROUTE_TAG:
			expand_route_tag(ld, ref);
			break;
		case REF_RULE_TAG:
		default:
			tag = vs_model_find_service_tag(model, ref->name);
			if (tag == NULL)
				vs_load_error_at(ld, ref->where, "unknown-reference",
						 "unknown service tag '%s'; expected an address, a "
						 "prefix, *, VirtualNetwork, Internet, "
						 "AzureLoadBalancer or a tag of serviceTags",
						 ref->name);
			else
				((VsAddressMatch *)ref->target)->user_tag = tag;
			break;
		}
	}
	check_asg_members(ld, first_member);
	check_rule_asgs(ld, first_member);
}
