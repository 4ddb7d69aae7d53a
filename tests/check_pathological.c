/*
 * check_pathological.c - models that are valid but extreme, loaded from YAML
 * text generated here and answered by the real engine: a routing loop
 * through 20 and through 50 appliances, one NSG of 4096 rules, the widest
 * address space Azure allows (and 0.0.0.0/0, which it refuses), and a hub
 * with 2000 peered spokes.  Each answer is asserted exactly, and each load
 * and check must be prompt (a bound of 1 s, relaxed under valgrind).
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "load.h"
#include "suites.h"
#include "walk.h"

/*
 * The bound, in microseconds of CPU time (so a busy machine does not fail the
 * test): 1 s natively; sanitizers (make check's VS_SANITIZED) run about 5
 * times slower and valgrind 20 to 50 times, so the bound grows with them.
 */
static gint64
bound_us(void)
{
	const char *preload = g_getenv("LD_PRELOAD");
	const char *sanitized = g_getenv("VS_SANITIZED");

	if (preload != NULL && strstr(preload, "vgpreload") != NULL)
		return 60 * G_USEC_PER_SEC;
	if (sanitized != NULL && sanitized[0] != '\0')
		return 5 * G_USEC_PER_SEC;
	return G_USEC_PER_SEC;
}

/* CPU time used by the process so far, in microseconds. */
static gint64
cpu_us(void)
{
	return (gint64)clock() * G_USEC_PER_SEC / CLOCKS_PER_SEC;
}

static VsModel *
load_text(const char *text)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(VS_DIAG_DEFAULT_LIMIT);
	g_autoptr(GError) error = NULL;
	gint64 start = cpu_us();
	VsModel *model = vs_load_data(text, strlen(text), "generated.yaml", diags, &error);
	gint64 took = cpu_us() - start;

	ck_assert_msg(
		model != NULL, "load failed: %s; first: %s", error != NULL ? error->message : "?",
		diags->items->len > 0 ? ((VsDiag *)g_ptr_array_index(diags->items, 0))->message
				      : "-");
	ck_assert_msg(took < bound_us(), "loading took %" G_GINT64_FORMAT " us", took);
	return model;
}

static VsTrace *
check(const VsModel *model, const char *vm, const char *destination, guint16 port)
{
	g_autoptr(VsEngine) engine = vs_engine_new(model);
	const VsVm *source = vs_model_find_vm(model, vm);
	VsQuery query = {0};
	gint64 start = cpu_us(), took;
	VsTrace *trace;

	ck_assert_ptr_nonnull(source);
	query.source = g_ptr_array_index(source->nics, 0);
	ck_assert(vs_ip4_parse(destination, &query.destination, NULL));
	query.protocol = VS_PROTO_TCP;
	query.source_port = 50000;
	query.destination_port = port;
	trace = vs_walk(engine, &query);
	took = cpu_us() - start;
	ck_assert_msg(took < bound_us(), "the check took %" G_GINT64_FORMAT " us", took);
	return trace;
}

static const VsIssue *
last_issue(const VsTrace *trace)
{
	const VsHop *hop = g_ptr_array_index(trace->hops, trace->hops->len - 1);

	ck_assert_uint_gt(hop->issues->len, 0);
	return g_ptr_array_index(hop->issues, hop->issues->len - 1);
}

/* A VM in subnet s-src sends 10.200.0.0/16 to nva0; nva i sends it to nva i+1, and the
 * last one back to nva0. */
static char *
loop_model(guint appliances)
{
	GString *y = g_string_new(
		"name: loop\nvnets:\n  - name: v\n    addressSpace: [10.0.0.0/16]\n"
		"    subnets:\n      - name: s-src\n        addressPrefix: 10.0.0.0/24\n"
		"        routeTable: rt0\n");

	for (guint i = 0; i < appliances; i++)
		g_string_append_printf(y,
				       "      - name: s%u\n        addressPrefix: 10.0.%u.0/24\n"
				       "        routeTable: rt%u\n",
				       i, i + 1, (i + 1) % appliances);
	g_string_append(y, "routeTables:\n");
	for (guint i = 0; i < appliances; i++)
		g_string_append_printf(y,
				       "  - name: rt%u\n    routes:\n      - name: onward\n"
				       "        addressPrefix: 10.200.0.0/16\n"
				       "        nextHopType: VirtualAppliance\n"
				       "        nextHopIpAddress: 10.0.%u.4\n",
				       i, i + 1);
	g_string_append(y, "virtualMachines:\n  - name: src\n    networkInterfaces:\n"
			   "      - subnet: v/s-src\n        privateIpAddress: 10.0.0.4\n");
	for (guint i = 0; i < appliances; i++)
		g_string_append_printf(
			y,
			"  - name: nva%u\n    networkInterfaces:\n"
			"      - subnet: v/s%u\n        privateIpAddress: 10.0.%u.4\n"
			"        enableIpForwarding: true\n",
			i, i, i + 1);
	return g_string_free(y, FALSE);
}

START_TEST(test_loop_through_20_appliances_is_found)
{
	g_autofree char *yaml = loop_model(20);
	g_autoptr(VsModel) model = load_text(yaml);
	g_autoptr(VsTrace) trace = check(model, "src", "10.200.0.4", 443);
	const VsIssue *issue;

	ck_assert(!trace->reachable);
	ck_assert_uint_eq(trace->hops->len, 21); /* the source and each appliance once */
	issue = last_issue(trace);
	ck_assert_int_eq(issue->type, VS_ISSUE_USER_DEFINED_ROUTE);
	ck_assert_ptr_nonnull(strstr(issue->detail, "Routing loop"));
	ck_assert_ptr_nonnull(strstr(issue->detail, "nva0"));
}
END_TEST

START_TEST(test_loop_through_50_appliances_stops_at_the_hop_bound)
{
	g_autofree char *yaml = loop_model(50);
	g_autoptr(VsModel) model = load_text(yaml);
	g_autoptr(VsTrace) trace = check(model, "src", "10.200.0.4", 443);
	const VsIssue *issue;

	ck_assert(!trace->reachable);
	ck_assert_uint_eq(trace->hops->len, VS_WALK_MAX_HOPS);
	issue = last_issue(trace);
	ck_assert_int_eq(issue->type, VS_ISSUE_USER_DEFINED_ROUTE);
	ck_assert_ptr_nonnull(strstr(issue->detail, "treated as a routing loop"));
}
END_TEST

/*
 * One NSG of 4096 rules (2048 per direction) on the destination's subnet:
 * inbound rule i (priority 100 + i) denies TCP port 10000 + i, except the last,
 * which allows port 12047 only; everything else falls to the defaults.
 */
static char *
big_nsg_model(void)
{
	GString *y =
		g_string_new("name: big-nsg\nvnets:\n  - name: v\n    addressSpace: [10.0.0.0/16]\n"
			     "    subnets:\n      - name: a\n        addressPrefix: 10.0.1.0/24\n"
			     "      - name: b\n        addressPrefix: 10.0.2.0/24\n"
			     "        networkSecurityGroup: nsg-big\n"
			     "networkSecurityGroups:\n  - name: nsg-big\n    securityRules:\n");

	for (guint i = 0; i < 4096; i++) {
		gboolean inbound = i < 2048;
		guint n = inbound ? i : i - 2048;

		g_string_append_printf(
			y,
			"      - name: r%u\n        priority: %u\n        direction: %s\n"
			"        access: %s\n        protocol: Tcp\n        sourceAddressPrefix: \"*\"\n"
			"        sourcePortRange: \"*\"\n        destinationAddressPrefix: \"*\"\n"
			"        destinationPortRange: \"%u\"\n",
			i, 100 + n, inbound ? "Inbound" : "Outbound",
			inbound && n == 2047 ? "Allow" : "Deny", 10000 + n);
	}
	g_string_append(y, "virtualMachines:\n"
			   "  - name: a1\n    networkInterfaces:\n"
			   "      - subnet: v/a\n        privateIpAddress: 10.0.1.4\n"
			   "  - name: b1\n    networkInterfaces:\n"
			   "      - subnet: v/b\n        privateIpAddress: 10.0.2.4\n");
	return g_string_free(y, FALSE);
}

START_TEST(test_nsg_of_4096_rules_decides_by_the_right_rule)
{
	g_autofree char *yaml = big_nsg_model();
	g_autoptr(VsModel) model = load_text(yaml);
	const VsNsg *nsg = vs_model_find_nsg(model, "nsg-big");
	g_autoptr(VsTrace) denied = NULL;
	g_autoptr(VsTrace) allowed = NULL;
	g_autoptr(VsTrace) by_default = NULL;

	ck_assert_uint_eq(nsg->rules->len, 4096);
	denied = check(model, "a1", "10.0.2.4", 12046); /* the rule before the last */
	ck_assert(!denied->reachable);
	ck_assert_str_eq(last_issue(denied)->rule->name, "r2046");
	allowed = check(model, "a1", "10.0.2.4", 12047); /* the last inbound rule */
	ck_assert(allowed->reachable);
	by_default = check(model, "a1", "10.0.2.4", 22); /* no user rule: AllowVnetInBound */
	ck_assert(by_default->reachable);
}
END_TEST

START_TEST(test_everything_as_address_space_is_refused)
{
	static const char *const yaml =
		"name: t\nvnets:\n  - name: v\n    addressSpace: [0.0.0.0/0]\n"
		"    subnets:\n      - name: all\n        addressPrefix: 0.0.0.0/0\n";
	g_autoptr(VsDiagList) diags = vs_diag_list_new(VS_DIAG_DEFAULT_LIMIT);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = vs_load_data(yaml, strlen(yaml), "t.yaml", diags, &error);
	const VsDiag *first;

	/* Azure refuses address spaces overlapping multicast, loopback, link-local and its
	 * host address (reference §1), so 0.0.0.0/0 is refused: the first error says so */
	ck_assert_ptr_null(model);
	ck_assert_uint_ge(diags->items->len, 1);
	first = g_ptr_array_index(diags->items, 0);
	ck_assert_str_eq(first->message, "address space 0.0.0.0/0 overlaps 224.0.0.0/4 "
					 "(multicast), which Azure does not allow in a VNet");
}
END_TEST

/* The widest space Azure allows without touching a refused range: 0.0.0.0/2, one subnet. */
START_TEST(test_widest_subnet_answers)
{
	static const char *const yaml =
		"name: t\nvnets:\n  - name: v\n    addressSpace: [0.0.0.0/2]\n"
		"    subnets:\n      - name: all\n        addressPrefix: 0.0.0.0/2\n"
		"virtualMachines:\n"
		"  - name: low\n    networkInterfaces:\n"
		"      - subnet: v/all\n        privateIpAddress: 0.0.0.4\n"
		"  - name: high\n    networkInterfaces:\n"
		"      - subnet: v/all\n        privateIpAddress: 63.255.255.254\n";
	g_autoptr(VsModel) model = load_text(yaml);
	g_autoptr(VsTrace) there = check(model, "low", "63.255.255.254", 443);
	g_autoptr(VsTrace) outside = check(model, "low", "64.0.0.1", 443);

	ck_assert(there->reachable);
	ck_assert_int_eq(((VsHop *)g_ptr_array_index(there->hops, 1))->type, VS_HOP_VNET_LOCAL);
	/* just past the space: the default route sends it to the Internet */
	ck_assert_int_eq(((VsHop *)g_ptr_array_index(outside->hops, 1))->type, VS_HOP_INTERNET);
}
END_TEST

/* A hub peered with 2000 spokes (both sides declared); spoke-to-spoke is not transitive. */
START_TEST(test_hub_with_2000_peerings)
{
	GString *y = g_string_new("name: many\nvnets:\n  - name: hub\n    addressSpace: "
				  "[10.0.0.0/16]\n    subnets:\n      - name: s\n"
				  "        addressPrefix: 10.0.0.0/24\n    peerings:\n");
	g_autofree char *yaml = NULL;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTrace) to_hub = NULL;
	g_autoptr(VsTrace) to_spoke = NULL;
	g_autoptr(VsTrace) across = NULL;

	for (guint i = 1; i <= 2000; i++)
		g_string_append_printf(y, "      - remoteVirtualNetwork: spoke%u\n", i);
	for (guint i = 1; i <= 2000; i++)
		g_string_append_printf(y,
				       "  - name: spoke%u\n    addressSpace: [10.%u.%u.0/24]\n"
				       "    subnets:\n      - name: s\n"
				       "        addressPrefix: 10.%u.%u.0/24\n"
				       "    peerings:\n      - remoteVirtualNetwork: hub\n",
				       i, 1 + i / 256, i % 256, 1 + i / 256, i % 256);
	g_string_append(y, "virtualMachines:\n  - name: h\n    networkInterfaces:\n"
			   "      - subnet: hub/s\n        privateIpAddress: 10.0.0.4\n"
			   "  - name: first\n    networkInterfaces:\n"
			   "      - subnet: spoke1/s\n        privateIpAddress: 10.1.1.4\n"
			   "  - name: last\n    networkInterfaces:\n"
			   "      - subnet: spoke2000/s\n        privateIpAddress: 10.8.208.4\n");
	yaml = g_string_free(g_steal_pointer(&y), FALSE);
	model = load_text(yaml);
	ck_assert_uint_eq(model->vnets->len, 2001);
	to_hub = check(model, "last", "10.0.0.4", 443);
	ck_assert(to_hub->reachable);
	to_spoke = check(model, "h", "10.8.208.4", 443);
	ck_assert(to_spoke->reachable);
	across = check(model, "first", "10.8.208.4", 443); /* peering is not transitive */
	ck_assert(!across->reachable);
}
END_TEST

Suite *
pathological_suite(void)
{
	Suite *s = suite_create("pathological");
	TCase *tc = tcase_create("extreme but valid");

	tcase_set_timeout(tc, 120); /* generous for valgrind; native runs take well under 1 s */
	tcase_add_test(tc, test_loop_through_20_appliances_is_found);
	tcase_add_test(tc, test_loop_through_50_appliances_stops_at_the_hop_bound);
	tcase_add_test(tc, test_nsg_of_4096_rules_decides_by_the_right_rule);
	tcase_add_test(tc, test_everything_as_address_space_is_refused);
	tcase_add_test(tc, test_widest_subnet_answers);
	tcase_add_test(tc, test_hub_with_2000_peerings);
	suite_add_tcase(s, tc);
	return s;
}
