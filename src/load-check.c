/*
 * load-check.c - the second half of the loader: once every file is read, it
 * resolves the names that objects use to refer to each other (subnet, NSG,
 * route table, ASG, remote VNet, service tag) and checks what needs both ends
 * of a reference: a NIC's address against its subnet (inside it, and not one
 * of the five addresses Azure reserves), a peering against its own VNet.
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
		/* peerings and subnets have checks of their own */
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

void
vs_load_resolve(Loader *ld)
{
	VsModel *model = vs_load_model(ld);
	GPtrArray *refs = vs_load_refs(ld);
	g_autoptr(GHashTable) pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

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
}
