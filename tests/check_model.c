/*
 * check_model.c - the model's derived facts: default rules, rule order,
 * peering states, memberships, resource IDs.
 */
#include "config.h"

#include "model.h"
#include "suites.h"

static VsPrefix
prefix(const char *text)
{
	VsPrefix p;

	ck_assert_msg(vs_prefix_parse(text, &p, NULL), "%s", text);
	return p;
}

START_TEST(test_default_rules_and_order)
{
	g_autoptr(VsModel) model = vs_model_new();
	VsNsg *nsg = vs_nsg_new("nsg-web");
	VsRule *late = vs_rule_new("late"), *early = vs_rule_new("early");
	static const char *const inbound[] = {"early", "late", "AllowVnetInBound",
					      "AllowAzureLoadBalancerInBound", "DenyAllInBound"};

	late->priority = 300;
	early->priority = 100;
	g_ptr_array_add(nsg->rules, late);
	g_ptr_array_add(nsg->rules, early);
	ck_assert(vs_model_add_nsg(model, nsg));
	ck_assert(vs_model_finish(model, NULL));

	ck_assert_uint_eq(nsg->default_rules->len, 6);
	ck_assert_uint_eq(nsg->inbound->len, 5);
	ck_assert_uint_eq(nsg->outbound->len, 3);
	for (guint i = 0; i < G_N_ELEMENTS(inbound); i++)
		ck_assert_str_eq(((VsRule *)g_ptr_array_index(nsg->inbound, i))->name, inbound[i]);
	ck_assert_str_eq(((VsRule *)g_ptr_array_index(nsg->outbound, 1))->name,
			 "AllowInternetOutBound");
	ck_assert_uint_eq(((VsRule *)g_ptr_array_index(nsg->outbound, 2))->priority, 65500);
}
END_TEST

START_TEST(test_duplicate_names_are_refused)
{
	g_autoptr(VsModel) model = vs_model_new();

	ck_assert(vs_model_add_vm(model, vs_vm_new("web1")));
	ck_assert(!vs_model_add_vm(model, vs_vm_new("web1")));
	ck_assert_uint_eq(model->vms->len, 1);
}
END_TEST

START_TEST(test_peering_states)
{
	g_autoptr(VsModel) model = vs_model_new();
	VsVnet *hub = vs_vnet_new("hub"), *spoke1 = vs_vnet_new("spoke1"),
	       *spoke2 = vs_vnet_new("spoke2");
	VsPeering *hub_to_1 = vs_peering_new(), *one_to_hub = vs_peering_new(),
		  *two_to_hub = vs_peering_new();

	vs_model_add_vnet(model, hub);
	vs_model_add_vnet(model, spoke1);
	vs_model_add_vnet(model, spoke2);
	hub_to_1->remote = spoke1;
	one_to_hub->remote = hub;
	two_to_hub->remote = hub; /* the hub never peers back: Initiated */
	g_ptr_array_add(hub->peerings, hub_to_1);
	g_ptr_array_add(spoke1->peerings, one_to_hub);
	g_ptr_array_add(spoke2->peerings, two_to_hub);
	ck_assert(vs_model_finish(model, NULL));

	ck_assert_int_eq(hub_to_1->state, VS_PEERING_CONNECTED);
	ck_assert_ptr_eq(hub_to_1->reverse, one_to_hub);
	ck_assert_int_eq(two_to_hub->state, VS_PEERING_INITIATED);
	ck_assert_ptr_null(two_to_hub->reverse);
	ck_assert_ptr_eq(vs_model_connected_peering(model, spoke1, hub), one_to_hub);
	ck_assert_ptr_null(vs_model_connected_peering(model, spoke2, hub));
}
END_TEST

START_TEST(test_memberships_and_lookups)
{
	g_autoptr(VsModel) model = vs_model_new();
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	VsVnet *vnet = vs_vnet_new("lab");
	VsSubnet *subnet = vs_subnet_new("web");
	VsAsg *asg = vs_asg_new("asg-web");
	VsVm *vm = vs_vm_new("web1"), *twin = vs_vm_new("web2");
	VsNic *nic = vs_nic_new("web1-nic0"), *clash = vs_nic_new("web2-nic0");
	VsPrefix space = prefix("10.1.0.0/16");

	g_array_append_val(vnet->address_space, space);
	subnet->prefix = prefix("10.1.1.0/24");
	vs_model_add_vnet(model, vnet);
	ck_assert(vs_model_add_subnet(model, vnet, subnet));
	vs_model_add_asg(model, asg);
	vs_model_add_vm(model, vm);
	vs_model_add_vm(model, twin);
	nic->subnet = subnet;
	nic->private_ip = 0x0a010104;
	g_ptr_array_add(nic->asgs, asg);
	ck_assert(vs_model_add_nic(model, vm, nic));
	clash->subnet = subnet;
	clash->private_ip = 0x0a010104;
	ck_assert(vs_model_add_nic(model, twin, clash));

	ck_assert(!vs_model_finish(model, diags)); /* two NICs share 10.1.1.4 */
	ck_assert_uint_eq(diags->errors, 1);
	ck_assert_ptr_eq(vs_model_find_subnet(model, "lab/web"), subnet);
	ck_assert_ptr_eq(vs_model_find_nic_by_ip(model, 0x0a010104), nic);
	ck_assert_ptr_eq(vs_model_find_subnet_by_ip(model, 0x0a010109), subnet);
	ck_assert_ptr_eq(vs_model_find_vnet_by_ip(model, 0x0a01ff01), vnet);
	ck_assert_ptr_null(vs_model_find_vnet_by_ip(model, 0x0a020001));
	ck_assert_uint_eq(asg->nics->len, 1);
	ck_assert_uint_eq(subnet->nics->len, 2);
	ck_assert_ptr_eq(vs_model_resolve_nic(model, "web1"), nic);
	ck_assert_ptr_eq(vs_model_resolve_nic(model, "web1/web1-nic0"), nic);
	ck_assert_ptr_null(vs_model_resolve_nic(model, "web1/web2-nic0"));
	ck_assert_ptr_null(vs_model_resolve_nic(model, "nope"));
}
END_TEST

START_TEST(test_resource_ids)
{
	g_autoptr(VsModel) model = vs_model_new();
	VsVm *vm = vs_vm_new("web1");
	g_autofree char *id = NULL;

	model->name = g_strdup("lab");
	vs_model_add_vm(model, vm);
	id = vs_vm_resource_id(model, vm);
	ck_assert_str_eq(id, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
			     "lab/providers/Microsoft.Compute/virtualMachines/web1");
}
END_TEST

Suite *
model_suite(void)
{
	Suite *suite = suite_create("model");
	TCase *tc = tcase_create("derived");

	tcase_add_test(tc, test_default_rules_and_order);
	tcase_add_test(tc, test_duplicate_names_are_refused);
	tcase_add_test(tc, test_peering_states);
	tcase_add_test(tc, test_memberships_and_lookups);
	tcase_add_test(tc, test_resource_ids);
	suite_add_tcase(suite, tc);
	return suite;
}
