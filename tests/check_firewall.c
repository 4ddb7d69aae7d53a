/*
 * check_firewall.c - guest firewall: list order, defaults, per-direction fields.
 */
#include "config.h"

#include "firewall.h"
#include "suites.h"

static VsFwRule *
fw_rule(const char *name, VsFwDirection direction, VsAccess action, VsProtocol protocol,
	const char *port, const char *remote)
{
	VsFwRule *rule = vs_fw_rule_new(name);

	rule->direction = direction;
	rule->action = action;
	rule->protocol = protocol;
	if (port != NULL) {
		VsPortRange range;

		ck_assert(vs_port_range_parse(port, &range, NULL));
		rule->local_ports = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
		g_array_append_val(rule->local_ports, range);
	}
	if (remote != NULL) {
		VsPrefix prefix;

		ck_assert(vs_prefix_parse(remote, &prefix, NULL));
		rule->remote_addresses = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
		g_array_append_val(rule->remote_addresses, prefix);
	}
	return rule;
}

static const VsPacket ssh_from_admin = {0x0a090004, 0x0a010104, VS_PROTO_TCP, 50000, 22};
static const VsPacket ssh_from_elsewhere = {0x0a080004, 0x0a010104, VS_PROTO_TCP, 50000, 22};
static const VsPacket https_out = {0x0a010104, 0x5db8d822, VS_PROTO_TCP, 50000, 443};
static const VsPacket ping = {0x0a090004, 0x0a010104, VS_PROTO_ICMP, 0, 0};

START_TEST(test_no_firewall_allows_everything)
{
	g_autoptr(VsVm) vm = vs_vm_new("web1");
	const VsFwRule *rule = (const VsFwRule *)&rule;

	ck_assert_int_eq(vs_firewall_evaluate(vm, VS_FW_INBOUND, &ssh_from_admin, &rule),
			 VS_ACCESS_ALLOW);
	ck_assert_ptr_null(rule);
}
END_TEST

START_TEST(test_first_match_then_default)
{
	g_autoptr(VsVm) vm = vs_vm_new("web1");
	const VsFwRule *rule = NULL;
	VsFwRule *allow_admin, *deny_ssh, *deny_ping;

	vm->guest_firewall = vs_guest_firewall_new();
	vm->guest_firewall->default_outbound = VS_ACCESS_DENY;
	allow_admin = fw_rule("allow-admin-ssh", VS_FW_INBOUND, VS_ACCESS_ALLOW, VS_PROTO_TCP, "22",
			      "10.9.0.0/16");
	deny_ssh = fw_rule("block-ssh", VS_FW_INBOUND, VS_ACCESS_DENY, VS_PROTO_TCP, "22", NULL);
	deny_ping = fw_rule("block-ping", VS_FW_INBOUND, VS_ACCESS_DENY, VS_PROTO_ICMP, NULL, NULL);
	g_ptr_array_add(vm->guest_firewall->rules, allow_admin);
	g_ptr_array_add(vm->guest_firewall->rules, deny_ssh);
	g_ptr_array_add(vm->guest_firewall->rules, deny_ping);

	/* list order: the admin allow comes first */
	ck_assert_int_eq(vs_firewall_evaluate(vm, VS_FW_INBOUND, &ssh_from_admin, &rule),
			 VS_ACCESS_ALLOW);
	ck_assert_ptr_eq(rule, allow_admin);
	ck_assert_int_eq(vs_firewall_evaluate(vm, VS_FW_INBOUND, &ssh_from_elsewhere, &rule),
			 VS_ACCESS_DENY);
	ck_assert_ptr_eq(rule, deny_ssh);
	/* a port rule never matches ICMP; the protocol rule does */
	ck_assert_int_eq(vs_firewall_evaluate(vm, VS_FW_INBOUND, &ping, &rule), VS_ACCESS_DENY);
	ck_assert_ptr_eq(rule, deny_ping);
	/* nothing matches outbound: the direction's default decides */
	ck_assert_int_eq(vs_firewall_evaluate(vm, VS_FW_OUTBOUND, &https_out, &rule),
			 VS_ACCESS_DENY);
	ck_assert_ptr_null(rule);
}
END_TEST

START_TEST(test_forward_matches_either_end)
{
	g_autoptr(VsVm) vm = vs_vm_new("fw1");
	const VsFwRule *rule = NULL;
	VsFwRule *block;

	vm->guest_firewall = vs_guest_firewall_new();
	block = fw_rule("no-admin-transit", VS_FW_FORWARD, VS_ACCESS_DENY, VS_PROTO_ANY, "22",
			"10.1.1.0/24");
	g_ptr_array_add(vm->guest_firewall->rules, block);
	/* destination 10.1.1.4 is in the list; the source is not */
	ck_assert_int_eq(vs_firewall_evaluate(vm, VS_FW_FORWARD, &ssh_from_admin, &rule),
			 VS_ACCESS_DENY);
	ck_assert_ptr_eq(rule, block);
	/* Forward rules do not apply to the VM's own traffic */
	ck_assert_int_eq(vs_firewall_evaluate(vm, VS_FW_INBOUND, &ssh_from_admin, &rule),
			 VS_ACCESS_ALLOW);
}
END_TEST

START_TEST(test_outbound_local_port_is_the_source_port)
{
	g_autoptr(VsVm) vm = vs_vm_new("web1");
	const VsFwRule *rule = NULL;

	vm->guest_firewall = vs_guest_firewall_new();
	g_ptr_array_add(vm->guest_firewall->rules,
			fw_rule("no-high-ports", VS_FW_OUTBOUND, VS_ACCESS_DENY, VS_PROTO_TCP,
				"49152-65535", NULL));
	ck_assert_int_eq(vs_firewall_evaluate(vm, VS_FW_OUTBOUND, &https_out, &rule),
			 VS_ACCESS_DENY);
}
END_TEST

Suite *
firewall_suite(void)
{
	Suite *suite = suite_create("firewall");
	TCase *tc = tcase_create("evaluate");

	tcase_add_test(tc, test_no_firewall_allows_everything);
	tcase_add_test(tc, test_first_match_then_default);
	tcase_add_test(tc, test_forward_matches_either_end);
	tcase_add_test(tc, test_outbound_local_port_is_the_source_port);
	suite_add_tcase(suite, tc);
	return suite;
}
