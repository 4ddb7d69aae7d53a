/*
 * model.c - ownership, indexes and derived facts of the in-memory model.
 *
 * Everything that follows from the declared objects without any policy
 * decision is derived here once, in vs_model_finish(): the six default rules of
 * each NSG (Azure adds them to every NSG and they cannot be removed), the
 * per-direction evaluation order, whether each peering is Connected (declared
 * on both sides) or merely Initiated, and the membership lists.  Engines then
 * only read.
 */
#include "config.h"

#include "model.h"

#include <string.h>

const char *
vs_direction_name(VsDirection direction)
{
	return direction == VS_DIRECTION_INBOUND ? "Inbound" : "Outbound";
}

const char *
vs_access_name(VsAccess access)
{
	return access == VS_ACCESS_ALLOW ? "Allow" : "Deny";
}

const char *
vs_fw_direction_name(VsFwDirection direction)
{
	switch (direction) {
	case VS_FW_INBOUND:
		return "Inbound";
	case VS_FW_OUTBOUND:
		return "Outbound";
	case VS_FW_FORWARD:
	default:
		return "Forward";
	}
}

static const struct {
	const char *name;
	VsNextHopType type;
} next_hop_names[] = {
	{"VnetLocal", VS_NEXT_HOP_VNET_LOCAL},
	{"Internet", VS_NEXT_HOP_INTERNET},
	{"VirtualAppliance", VS_NEXT_HOP_VIRTUAL_APPLIANCE},
	{"VirtualNetworkGateway", VS_NEXT_HOP_VNET_GATEWAY},
	{"None", VS_NEXT_HOP_NONE},
};

const char *
vs_next_hop_type_name(VsNextHopType type)
{
	if (type == VS_NEXT_HOP_VNET_PEERING)
		return "VNetPeering";
	for (gsize i = 0; i < G_N_ELEMENTS(next_hop_names); i++)
		if (next_hop_names[i].type == type)
			return next_hop_names[i].name;
	return "None";
}

gboolean
vs_next_hop_type_parse(const char *text, VsNextHopType *out)
{
	for (gsize i = 0; i < G_N_ELEMENTS(next_hop_names); i++) {
		if (g_ascii_strcasecmp(text, next_hop_names[i].name) == 0) {
			*out = next_hop_names[i].type;
			return TRUE;
		}
	}
	return FALSE;
}

/* ---------------------------------------------------------------- constructors */

VsVnet *
vs_vnet_new(const char *name)
{
	VsVnet *vnet = g_new0(VsVnet, 1);

	vnet->name = g_strdup(name);
	vnet->address_space = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	vnet->subnets = g_ptr_array_new();
	vnet->peerings = g_ptr_array_new_with_free_func((GDestroyNotify)vs_peering_free);
	return vnet;
}

void
vs_vnet_free(VsVnet *vnet)
{
	if (vnet == NULL)
		return;
	g_free(vnet->name);
	g_free(vnet->location);
	g_array_unref(vnet->address_space);
	g_ptr_array_unref(vnet->subnets);
	g_ptr_array_unref(vnet->peerings);
	g_free(vnet);
}

VsSubnet *
vs_subnet_new(const char *name)
{
	VsSubnet *subnet = g_new0(VsSubnet, 1);

	subnet->name = g_strdup(name);
	subnet->default_outbound_access = TRUE;
	subnet->nics = g_ptr_array_new();
	return subnet;
}

void
vs_subnet_free(VsSubnet *subnet)
{
	if (subnet == NULL)
		return;
	g_free(subnet->name);
	g_free(subnet->path);
	g_ptr_array_unref(subnet->nics);
	g_free(subnet);
}

VsPeering *
vs_peering_new(void)
{
	VsPeering *peering = g_new0(VsPeering, 1);

	peering->allow_virtual_network_access = TRUE;
	return peering;
}

void
vs_peering_free(VsPeering *peering)
{
	g_free(peering);
}

VsNsg *
vs_nsg_new(const char *name)
{
	VsNsg *nsg = g_new0(VsNsg, 1);

	nsg->name = g_strdup(name);
	nsg->rules = g_ptr_array_new_with_free_func((GDestroyNotify)vs_rule_free);
	nsg->default_rules = g_ptr_array_new_with_free_func((GDestroyNotify)vs_rule_free);
	nsg->inbound = g_ptr_array_new();
	nsg->outbound = g_ptr_array_new();
	return nsg;
}

void
vs_nsg_free(VsNsg *nsg)
{
	if (nsg == NULL)
		return;
	g_free(nsg->name);
	g_ptr_array_unref(nsg->inbound);
	g_ptr_array_unref(nsg->outbound);
	g_ptr_array_unref(nsg->rules);
	g_ptr_array_unref(nsg->default_rules);
	g_free(nsg);
}

void
vs_address_match_clear(VsAddressMatch *match)
{
	g_clear_pointer(&match->prefixes, g_array_unref);
	g_clear_pointer(&match->asgs, g_ptr_array_unref);
	g_clear_pointer(&match->text, g_free);
}

VsRule *
vs_rule_new(const char *name)
{
	VsRule *rule = g_new0(VsRule, 1);

	rule->name = g_strdup(name);
	rule->source_ports = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
	rule->destination_ports = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
	return rule;
}

void
vs_rule_free(VsRule *rule)
{
	if (rule == NULL)
		return;
	g_free(rule->name);
	vs_address_match_clear(&rule->source);
	vs_address_match_clear(&rule->destination);
	g_array_unref(rule->source_ports);
	g_array_unref(rule->destination_ports);
	g_free(rule->description);
	g_free(rule);
}

VsAsg *
vs_asg_new(const char *name)
{
	VsAsg *asg = g_new0(VsAsg, 1);

	asg->name = g_strdup(name);
	asg->nics = g_ptr_array_new();
	return asg;
}

void
vs_asg_free(VsAsg *asg)
{
	if (asg == NULL)
		return;
	g_free(asg->name);
	g_ptr_array_unref(asg->nics);
	g_free(asg);
}

VsServiceTag *
vs_service_tag_new(const char *name)
{
	VsServiceTag *tag = g_new0(VsServiceTag, 1);

	tag->name = g_strdup(name);
	tag->prefixes = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	return tag;
}

void
vs_service_tag_free(VsServiceTag *tag)
{
	if (tag == NULL)
		return;
	g_free(tag->name);
	g_array_unref(tag->prefixes);
	g_free(tag);
}

VsRouteTable *
vs_route_table_new(const char *name)
{
	VsRouteTable *table = g_new0(VsRouteTable, 1);

	table->name = g_strdup(name);
	table->routes = g_ptr_array_new_with_free_func((GDestroyNotify)vs_route_free);
	return table;
}

void
vs_route_table_free(VsRouteTable *table)
{
	if (table == NULL)
		return;
	g_free(table->name);
	g_ptr_array_unref(table->routes);
	g_free(table);
}

VsRoute *
vs_route_new(const char *name)
{
	VsRoute *route = g_new0(VsRoute, 1);

	route->name = g_strdup(name);
	return route;
}

void
vs_route_free(VsRoute *route)
{
	if (route == NULL)
		return;
	g_free(route->name);
	g_free(route);
}

VsVm *
vs_vm_new(const char *name)
{
	VsVm *vm = g_new0(VsVm, 1);

	vm->name = g_strdup(name);
	vm->nics = g_ptr_array_new();
	vm->network_watcher_agent = TRUE;
	vm->cpu_percent = 10;
	vm->memory_percent = 20;
	return vm;
}

void
vs_vm_free(VsVm *vm)
{
	if (vm == NULL)
		return;
	g_free(vm->name);
	g_ptr_array_unref(vm->nics);
	g_clear_pointer(&vm->listening_ports, g_array_unref);
	vs_guest_firewall_free(vm->guest_firewall);
	g_free(vm);
}

VsNic *
vs_nic_new(const char *name)
{
	VsNic *nic = g_new0(VsNic, 1);

	nic->name = g_strdup(name);
	nic->asgs = g_ptr_array_new();
	return nic;
}

void
vs_nic_free(VsNic *nic)
{
	if (nic == NULL)
		return;
	g_free(nic->name);
	g_ptr_array_unref(nic->asgs);
	g_free(nic);
}

VsGuestFirewall *
vs_guest_firewall_new(void)
{
	VsGuestFirewall *firewall = g_new0(VsGuestFirewall, 1);

	firewall->default_inbound = VS_ACCESS_ALLOW;
	firewall->default_outbound = VS_ACCESS_ALLOW;
	firewall->default_forward = VS_ACCESS_ALLOW;
	firewall->rules = g_ptr_array_new_with_free_func((GDestroyNotify)vs_fw_rule_free);
	return firewall;
}

void
vs_guest_firewall_free(VsGuestFirewall *firewall)
{
	if (firewall == NULL)
		return;
	g_ptr_array_unref(firewall->rules);
	g_free(firewall);
}

VsFwRule *
vs_fw_rule_new(const char *name)
{
	VsFwRule *rule = g_new0(VsFwRule, 1);

	rule->name = g_strdup(name);
	return rule;
}

void
vs_fw_rule_free(VsFwRule *rule)
{
	if (rule == NULL)
		return;
	g_free(rule->name);
	g_clear_pointer(&rule->local_ports, g_array_unref);
	g_clear_pointer(&rule->remote_addresses, g_array_unref);
	g_free(rule);
}

VsDnsRecord *
vs_dns_record_new(const char *name, VsIp4 address)
{
	VsDnsRecord *record = g_new0(VsDnsRecord, 1);

	record->name = g_strdup(name);
	record->address = address;
	return record;
}

void
vs_dns_record_free(VsDnsRecord *record)
{
	if (record == NULL)
		return;
	g_free(record->name);
	g_free(record);
}

VsInternetEndpoint *
vs_internet_endpoint_new(const char *name, VsIp4 address)
{
	VsInternetEndpoint *endpoint = g_new0(VsInternetEndpoint, 1);

	endpoint->name = g_strdup(name);
	endpoint->address = address;
	return endpoint;
}

void
vs_internet_endpoint_free(VsInternetEndpoint *endpoint)
{
	if (endpoint == NULL)
		return;
	g_free(endpoint->name);
	g_clear_pointer(&endpoint->listening_ports, g_array_unref);
	g_free(endpoint);
}

VsRegionPair *
vs_region_pair_new(const char *a, const char *b, double rtt_ms)
{
	VsRegionPair *pair = g_new0(VsRegionPair, 1);

	pair->a = g_strdup(a);
	pair->b = g_strdup(b);
	pair->rtt_ms = rtt_ms;
	return pair;
}

void
vs_region_pair_free(VsRegionPair *pair)
{
	if (pair == NULL)
		return;
	g_free(pair->a);
	g_free(pair->b);
	g_free(pair);
}

/* ---------------------------------------------------------------- the model */

VsModel *
vs_model_new(void)
{
	VsModel *model = g_new0(VsModel, 1);

	model->subscription_id = g_strdup("00000000-0000-0000-0000-000000000000");
	model->location = g_strdup("westeurope");
	model->files = g_ptr_array_new_with_free_func(g_free);
	model->vnets = g_ptr_array_new_with_free_func((GDestroyNotify)vs_vnet_free);
	model->subnets = g_ptr_array_new_with_free_func((GDestroyNotify)vs_subnet_free);
	model->nsgs = g_ptr_array_new_with_free_func((GDestroyNotify)vs_nsg_free);
	model->asgs = g_ptr_array_new_with_free_func((GDestroyNotify)vs_asg_free);
	model->service_tags = g_ptr_array_new_with_free_func((GDestroyNotify)vs_service_tag_free);
	model->route_tables = g_ptr_array_new_with_free_func((GDestroyNotify)vs_route_table_free);
	model->vms = g_ptr_array_new_with_free_func((GDestroyNotify)vs_vm_free);
	model->nics = g_ptr_array_new_with_free_func((GDestroyNotify)vs_nic_free);
	model->dns_records = g_ptr_array_new_with_free_func((GDestroyNotify)vs_dns_record_free);
	model->internet_reachable = TRUE;
	model->internet_endpoints =
		g_ptr_array_new_with_free_func((GDestroyNotify)vs_internet_endpoint_free);
	model->latency = (VsLatency){
		.vnet_ms = 0.5,
		.peering_ms = 1.0,
		.inter_region_ms = 30,
		.appliance_ms = 0.3,
		.internet_ms = 20,
		.jitter_percent = 10,
		.loss_percent = 0,
		.region_pairs = g_ptr_array_new_with_free_func((GDestroyNotify)vs_region_pair_free),
	};
	model->vnet_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	model->subnet_by_path = g_hash_table_new(g_str_hash, g_str_equal);
	model->nsg_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	model->asg_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	model->service_tag_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	model->route_table_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	model->vm_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	model->nic_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	model->nic_by_ip = g_hash_table_new(g_direct_hash, g_direct_equal);
	return model;
}

void
vs_model_free(VsModel *model)
{
	if (model == NULL)
		return;
	/* indexes first: they borrow keys from the objects */
	g_hash_table_unref(model->vnet_by_name);
	g_hash_table_unref(model->subnet_by_path);
	g_hash_table_unref(model->nsg_by_name);
	g_hash_table_unref(model->asg_by_name);
	g_hash_table_unref(model->service_tag_by_name);
	g_hash_table_unref(model->route_table_by_name);
	g_hash_table_unref(model->vm_by_name);
	g_hash_table_unref(model->nic_by_name);
	g_hash_table_unref(model->nic_by_ip);
	g_ptr_array_unref(model->nics);
	g_ptr_array_unref(model->vms);
	g_ptr_array_unref(model->subnets);
	g_ptr_array_unref(model->vnets);
	g_ptr_array_unref(model->nsgs);
	g_ptr_array_unref(model->asgs);
	g_ptr_array_unref(model->service_tags);
	g_ptr_array_unref(model->route_tables);
	g_ptr_array_unref(model->dns_records);
	g_ptr_array_unref(model->internet_endpoints);
	g_ptr_array_unref(model->latency.region_pairs);
	g_ptr_array_unref(model->files);
	g_free(model->name);
	g_free(model->subscription_id);
	g_free(model->location);
	g_free(model);
}

const char *
vs_model_intern_file(VsModel *model, const char *file)
{
	for (guint i = 0; i < model->files->len; i++)
		if (strcmp(g_ptr_array_index(model->files, i), file) == 0)
			return g_ptr_array_index(model->files, i);
	g_ptr_array_add(model->files, g_strdup(file));
	return g_ptr_array_index(model->files, model->files->len - 1);
}

/* Indexes obj under key in table and appends it to array; on a duplicate frees it. */
static gboolean
add_named(GHashTable *index, char *key, GPtrArray *array, gpointer object, guint *id)
{
	if (g_hash_table_contains(index, key)) {
		/* the array's free function knows how to free this kind of object */
		g_ptr_array_add(array, object);
		g_ptr_array_remove_index(array, array->len - 1);
		return FALSE;
	}
	*id = array->len;
	g_ptr_array_add(array, object);
	g_hash_table_insert(index, key, object);
	return TRUE;
}

gboolean
vs_model_add_vnet(VsModel *model, VsVnet *vnet)
{
	return add_named(model->vnet_by_name, vnet->name, model->vnets, vnet, &vnet->id);
}

gboolean
vs_model_add_subnet(VsModel *model, VsVnet *vnet, VsSubnet *subnet)
{
	subnet->vnet = vnet;
	g_free(subnet->path);
	subnet->path = g_strdup_printf("%s/%s", vnet->name, subnet->name);
	if (!add_named(model->subnet_by_path, subnet->path, model->subnets, subnet, &subnet->id))
		return FALSE;
	g_ptr_array_add(vnet->subnets, subnet);
	return TRUE;
}

gboolean
vs_model_add_nsg(VsModel *model, VsNsg *nsg)
{
	return add_named(model->nsg_by_name, nsg->name, model->nsgs, nsg, &nsg->id);
}

gboolean
vs_model_add_asg(VsModel *model, VsAsg *asg)
{
	return add_named(model->asg_by_name, asg->name, model->asgs, asg, &asg->id);
}

gboolean
vs_model_add_service_tag(VsModel *model, VsServiceTag *tag)
{
	return add_named(model->service_tag_by_name, tag->name, model->service_tags, tag, &tag->id);
}

gboolean
vs_model_add_route_table(VsModel *model, VsRouteTable *table)
{
	return add_named(model->route_table_by_name, table->name, model->route_tables, table,
			 &table->id);
}

gboolean
vs_model_add_vm(VsModel *model, VsVm *vm)
{
	return add_named(model->vm_by_name, vm->name, model->vms, vm, &vm->id);
}

gboolean
vs_model_add_nic(VsModel *model, VsVm *vm, VsNic *nic)
{
	nic->vm = vm;
	nic->index = vm->nics->len;
	if (!add_named(model->nic_by_name, nic->name, model->nics, nic, &nic->id))
		return FALSE;
	g_ptr_array_add(vm->nics, nic);
	return TRUE;
}

void
vs_model_add_dns_record(VsModel *model, VsDnsRecord *record)
{
	g_ptr_array_add(model->dns_records, record);
}

void
vs_model_add_internet_endpoint(VsModel *model, VsInternetEndpoint *endpoint)
{
	g_ptr_array_add(model->internet_endpoints, endpoint);
}

/* ---------------------------------------------------------------- finish */

static void
set_tag(VsAddressMatch *match, VsTagKind tag, const char *text)
{
	match->kind = VS_MATCH_TAG;
	match->tag = tag;
	match->text = g_strdup(text);
}

static void
set_any(VsAddressMatch *match)
{
	match->kind = VS_MATCH_ANY;
	match->text = g_strdup("*");
}

/* Azure's six default rules, exactly as the API names and describes them. */
static void
add_default_rules(VsNsg *nsg)
{
	static const struct {
		const char *name;
		guint priority;
		VsDirection direction;
		VsAccess access;
		int source; /* -1 = any, else a VsTagKind */
		int destination;
		const char *description;
	} defaults[] = {
		{"AllowVnetInBound", 65000, VS_DIRECTION_INBOUND, VS_ACCESS_ALLOW,
		 VS_TAG_VIRTUAL_NETWORK, VS_TAG_VIRTUAL_NETWORK,
		 "Allow inbound traffic from all VMs in VNET"},
		{"AllowAzureLoadBalancerInBound", 65001, VS_DIRECTION_INBOUND, VS_ACCESS_ALLOW,
		 VS_TAG_AZURE_LOAD_BALANCER, -1, "Allow inbound traffic from azure load balancer"},
		{"DenyAllInBound", 65500, VS_DIRECTION_INBOUND, VS_ACCESS_DENY, -1, -1,
		 "Deny all inbound traffic"},
		{"AllowVnetOutBound", 65000, VS_DIRECTION_OUTBOUND, VS_ACCESS_ALLOW,
		 VS_TAG_VIRTUAL_NETWORK, VS_TAG_VIRTUAL_NETWORK,
		 "Allow outbound traffic from all VMs to all VMs in VNET"},
		{"AllowInternetOutBound", 65001, VS_DIRECTION_OUTBOUND, VS_ACCESS_ALLOW, -1,
		 VS_TAG_INTERNET, "Allow outbound traffic from all VMs to Internet"},
		{"DenyAllOutBound", 65500, VS_DIRECTION_OUTBOUND, VS_ACCESS_DENY, -1, -1,
		 "Deny all outbound traffic"},
	};
	static const char *const tag_text[] = {"VirtualNetwork", "Internet", "AzureLoadBalancer"};
	const VsPortRange any_port = {0, 65535};

	for (gsize i = 0; i < G_N_ELEMENTS(defaults); i++) {
		VsRule *rule = vs_rule_new(defaults[i].name);

		rule->nsg = nsg;
		rule->is_default = TRUE;
		rule->priority = defaults[i].priority;
		rule->direction = defaults[i].direction;
		rule->access = defaults[i].access;
		rule->protocol = VS_PROTO_ANY;
		if (defaults[i].source < 0)
			set_any(&rule->source);
		else
			set_tag(&rule->source, defaults[i].source, tag_text[defaults[i].source]);
		if (defaults[i].destination < 0)
			set_any(&rule->destination);
		else
			set_tag(&rule->destination, defaults[i].destination,
				tag_text[defaults[i].destination]);
		g_array_append_val(rule->source_ports, any_port);
		g_array_append_val(rule->destination_ports, any_port);
		rule->description = g_strdup(defaults[i].description);
		rule->pos = nsg->pos;
		g_ptr_array_add(nsg->default_rules, rule);
	}
}

static gint
compare_rule_priority(gconstpointer a, gconstpointer b)
{
	const VsRule *x = *(VsRule *const *)a, *y = *(VsRule *const *)b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	/* unique per direction in a valid model; the name keeps the order total anyway */
	return strcmp(x->name, y->name);
}

static void
order_rules(VsNsg *nsg)
{
	GPtrArray *sources[] = {nsg->rules, nsg->default_rules};
	guint inbound = 0, outbound = 0;

	/* counted first, so that each list is allocated once, at its size */
	for (gsize s = 0; s < G_N_ELEMENTS(sources); s++)
		for (guint i = 0; i < sources[s]->len; i++)
			inbound += ((VsRule *)g_ptr_array_index(sources[s], i))->direction ==
				   VS_DIRECTION_INBOUND;
	outbound = nsg->rules->len + nsg->default_rules->len - inbound;
	g_ptr_array_set_size(nsg->inbound, inbound);
	g_ptr_array_set_size(nsg->outbound, outbound);
	inbound = outbound = 0;
	for (gsize s = 0; s < G_N_ELEMENTS(sources); s++) {
		for (guint i = 0; i < sources[s]->len; i++) {
			VsRule *rule = g_ptr_array_index(sources[s], i);

			rule->nsg = nsg;
			if (rule->direction == VS_DIRECTION_INBOUND)
				nsg->inbound->pdata[inbound++] = rule;
			else
				nsg->outbound->pdata[outbound++] = rule;
		}
	}
	g_ptr_array_sort(nsg->inbound, compare_rule_priority);
	g_ptr_array_sort(nsg->outbound, compare_rule_priority);
}

static void
link_peerings(VsModel *model)
{
	for (guint v = 0; v < model->vnets->len; v++) {
		VsVnet *vnet = g_ptr_array_index(model->vnets, v);

		for (guint p = 0; p < vnet->peerings->len; p++) {
			VsPeering *peering = g_ptr_array_index(vnet->peerings, p);

			peering->local = vnet;
			peering->reverse = NULL;
			peering->state = VS_PEERING_INITIATED;
			if (peering->remote == NULL || peering->remote == vnet)
				continue;
			for (guint q = 0; q < peering->remote->peerings->len; q++) {
				VsPeering *back = g_ptr_array_index(peering->remote->peerings, q);

				if (back->remote == vnet) {
					peering->reverse = back;
					peering->state = VS_PEERING_CONNECTED;
					break;
				}
			}
		}
	}
}

/*
 * Empties each subnet's and ASG's list of NICs, with room for exactly the
 * members vs_model_finish() is about to add (one allocation per list, none
 * wasted: a model has thousands of them).
 */
static void
size_member_lists(VsModel *model)
{
	g_autofree guint *subnet_members = g_new0(guint, model->subnets->len);
	g_autofree guint *asg_members = g_new0(guint, model->asgs->len);

	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);

		if (nic->subnet != NULL && nic->subnet->id < model->subnets->len)
			subnet_members[nic->subnet->id]++;
		for (guint a = 0; a < nic->asgs->len; a++) {
			const VsAsg *asg = g_ptr_array_index(nic->asgs, a);

			if (asg->id < model->asgs->len)
				asg_members[asg->id]++;
		}
	}
	for (guint i = 0; i < model->subnets->len; i++) {
		GPtrArray *nics = ((VsSubnet *)g_ptr_array_index(model->subnets, i))->nics;

		/* growing to the size and back keeps the room */
		g_ptr_array_set_size(nics, MAX(nics->len, subnet_members[i]));
		g_ptr_array_set_size(nics, 0);
	}
	for (guint i = 0; i < model->asgs->len; i++) {
		GPtrArray *nics = ((VsAsg *)g_ptr_array_index(model->asgs, i))->nics;

		g_ptr_array_set_size(nics, MAX(nics->len, asg_members[i]));
		g_ptr_array_set_size(nics, 0);
	}
}

gboolean
vs_model_finish(VsModel *model, VsDiagList *diags)
{
	gboolean ok = TRUE;

	for (guint i = 0; i < model->nsgs->len; i++) {
		VsNsg *nsg = g_ptr_array_index(model->nsgs, i);

		if (nsg->default_rules->len == 0)
			add_default_rules(nsg);
		order_rules(nsg);
	}
	link_peerings(model);

	size_member_lists(model);
	g_hash_table_remove_all(model->nic_by_ip);

	for (guint i = 0; i < model->nics->len; i++) {
		VsNic *nic = g_ptr_array_index(model->nics, i);
		VsNic *other;

		if (nic->subnet != NULL)
			g_ptr_array_add(nic->subnet->nics, nic);
		for (guint a = 0; a < nic->asgs->len; a++) {
			VsAsg *asg = g_ptr_array_index(nic->asgs, a);

			g_ptr_array_add(asg->nics, nic);
		}
		other = g_hash_table_lookup(model->nic_by_ip, GUINT_TO_POINTER(nic->private_ip));
		if (other != NULL) {
			char ip[16];

			ok = FALSE;
			if (diags != NULL)
				vs_diag_add(diags, VS_SEVERITY_ERROR, nic->pos, "",
					    "duplicate-address",
					    "NIC '%s' has address %s, already used by NIC '%s' at "
					    "%s:%u:%u; expected a unique private address",
					    nic->name, vs_ip4_format(nic->private_ip, ip),
					    other->name, other->pos.file ? other->pos.file : "",
					    other->pos.line, other->pos.column);
			continue;
		}
		g_hash_table_insert(model->nic_by_ip, GUINT_TO_POINTER(nic->private_ip), nic);
	}
	model->finished = TRUE;
	return ok;
}

/* ---------------------------------------------------------------- lookups */

VsVnet *
vs_model_find_vnet(const VsModel *model, const char *name)
{
	return g_hash_table_lookup(model->vnet_by_name, name);
}

VsSubnet *
vs_model_find_subnet(const VsModel *model, const char *path)
{
	return g_hash_table_lookup(model->subnet_by_path, path);
}

VsNsg *
vs_model_find_nsg(const VsModel *model, const char *name)
{
	return g_hash_table_lookup(model->nsg_by_name, name);
}

VsAsg *
vs_model_find_asg(const VsModel *model, const char *name)
{
	return g_hash_table_lookup(model->asg_by_name, name);
}

VsServiceTag *
vs_model_find_service_tag(const VsModel *model, const char *name)
{
	return g_hash_table_lookup(model->service_tag_by_name, name);
}

VsRouteTable *
vs_model_find_route_table(const VsModel *model, const char *name)
{
	return g_hash_table_lookup(model->route_table_by_name, name);
}

VsVm *
vs_model_find_vm(const VsModel *model, const char *name)
{
	return g_hash_table_lookup(model->vm_by_name, name);
}

VsNic *
vs_model_find_nic(const VsModel *model, const char *name)
{
	return g_hash_table_lookup(model->nic_by_name, name);
}

VsNic *
vs_model_find_nic_by_ip(const VsModel *model, VsIp4 ip)
{
	return g_hash_table_lookup(model->nic_by_ip, GUINT_TO_POINTER(ip));
}

VsVnet *
vs_model_find_vnet_by_ip(const VsModel *model, VsIp4 ip)
{
	for (guint v = 0; v < model->vnets->len; v++) {
		VsVnet *vnet = g_ptr_array_index(model->vnets, v);

		for (guint i = 0; i < vnet->address_space->len; i++)
			if (vs_prefix_contains_ip(g_array_index(vnet->address_space, VsPrefix, i),
						  ip))
				return vnet;
	}
	return NULL;
}

VsSubnet *
vs_model_find_subnet_by_ip(const VsModel *model, VsIp4 ip)
{
	for (guint i = 0; i < model->subnets->len; i++) {
		VsSubnet *subnet = g_ptr_array_index(model->subnets, i);

		if (vs_prefix_contains_ip(subnet->prefix, ip))
			return subnet;
	}
	return NULL;
}

VsPeering *
vs_model_connected_peering(const VsModel *model, const VsVnet *local, const VsVnet *remote)
{
	for (guint p = 0; p < local->peerings->len; p++) {
		VsPeering *peering = g_ptr_array_index(local->peerings, p);

		if (peering->remote == remote && peering->state == VS_PEERING_CONNECTED)
			return peering;
	}
	return NULL;
}

VsNic *
vs_model_resolve_nic(const VsModel *model, const char *spec)
{
	const char *slash = strchr(spec, '/');
	g_autofree char *vm_name = slash ? g_strndup(spec, (gsize)(slash - spec)) : g_strdup(spec);
	VsVm *vm = vs_model_find_vm(model, vm_name);
	VsNic *nic;

	if (vm == NULL || vm->nics->len == 0)
		return NULL;
	if (slash == NULL)
		return g_ptr_array_index(vm->nics, 0);
	nic = vs_model_find_nic(model, slash + 1);
	return nic != NULL && nic->vm == vm ? nic : NULL;
}

/* ---------------------------------------------------------------- resource IDs */

char *
vs_model_resource_id(const VsModel *model, const char *provider_type, const char *resource)
{
	/* concatenated, not printf'd: a full check formats one per hop */
	return g_strconcat("/subscriptions/", model->subscription_id ? model->subscription_id : "",
			   "/resourceGroups/", model->name ? model->name : "", "/providers/",
			   provider_type, "/", resource, NULL);
}

char *
vs_vm_resource_id(const VsModel *model, const VsVm *vm)
{
	return vs_model_resource_id(model, "Microsoft.Compute/virtualMachines", vm->name);
}

char *
vs_nic_resource_id(const VsModel *model, const VsNic *nic)
{
	return vs_model_resource_id(model, "Microsoft.Network/networkInterfaces", nic->name);
}

char *
vs_subnet_resource_id(const VsModel *model, const VsSubnet *subnet)
{
	g_autofree char *resource =
		g_strdup_printf("%s/subnets/%s", subnet->vnet->name, subnet->name);

	return vs_model_resource_id(model, "Microsoft.Network/virtualNetworks", resource);
}

char *
vs_nsg_resource_id(const VsModel *model, const VsNsg *nsg)
{
	return vs_model_resource_id(model, "Microsoft.Network/networkSecurityGroups", nsg->name);
}

char *
vs_rule_resource_id(const VsModel *model, const VsRule *rule)
{
	g_autofree char *resource = g_strdup_printf(
		"%s/%s/%s", rule->nsg->name,
		rule->is_default ? "defaultSecurityRules" : "securityRules", rule->name);

	return vs_model_resource_id(model, "Microsoft.Network/networkSecurityGroups", resource);
}

char *
vs_route_table_resource_id(const VsModel *model, const VsRouteTable *table)
{
	return vs_model_resource_id(model, "Microsoft.Network/routeTables", table->name);
}
