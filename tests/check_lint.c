/*
 * check_lint.c - every lint warning has a model that triggers it and one that
 * does not: a clean base model, and for each case a small edit of it.
 */
#include "config.h"

#include <string.h>

#include "lint.h"
#include "load.h"
#include "suites.h"

/* No warning at all: every object used, every route to a forwarding NIC. */
static const char base_model[] =
	"name: lint\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg, routeTable: rt}\n"
	"      - {name: b, addressPrefix: 10.0.2.0/24}\n"
	"    peerings: [{remoteVirtualNetwork: spoke}]\n"
	"  - name: spoke\n"
	"    addressSpace: [10.1.0.0/16]\n"
	"    subnets:\n"
	"      - {name: c, addressPrefix: 10.1.1.0/24}\n"
	"    peerings: [{remoteVirtualNetwork: hub}]\n"
	"applicationSecurityGroups: [asg-web]\n"
	"networkSecurityGroups:\n"
	"  - name: nsg\n"
	"    securityRules:\n"
	"      - {name: r1, priority: 100, direction: Inbound, access: Allow, protocol: Tcp,\n"
	"         sourceApplicationSecurityGroups: [asg-web], sourcePortRange: '*',\n"
	"         destinationAddressPrefix: '*', destinationPortRange: '443'}\n"
	"#RULES\n"
	"#NSGS\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    routes:\n"
	"      - {name: via-nva, addressPrefix: 10.1.0.0/16, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: 10.0.2.4}\n"
	"#ROUTES\n"
	"virtualMachines:\n"
	"  - name: web\n"
	"    networkInterfaces:\n"
	"      - {subnet: hub/a, privateIpAddress: 10.0.1.4, applicationSecurityGroups: [asg-web]}\n"
	"  - name: nva\n"
	"    networkInterfaces:\n"
	"      - {subnet: hub/b, privateIpAddress: 10.0.2.4, enableIpForwarding: true}\n";

#define RULE(name, priority, access, protocol, source, ports)                                             \
	"      - {name: " name ", priority: " priority ", direction: Inbound, access: " access            \
	", protocol: " protocol ",\n         sourceAddressPrefix: '" source                               \
	"', sourcePortRange: '*',\n         destinationAddressPrefix: '*', destinationPortRange: '" ports \
	"'}\n"

typedef struct {
	const char *find;
	const char *replace;
} Edit;

static const struct {
	const char *title;
	Edit edits[3];
	const char *code; /* the warning expected, or NULL for none at all */
	guint count;
	const char *message_part; /* a phrase the (first) warning must contain */
} cases[] = {
	{"the base model is clean", {{NULL, NULL}}, NULL, 0, NULL},
	{"a rule inside an ASG rule's traffic is shadowed",
	 {{"#RULES", RULE("r2", "200", "Deny", "Tcp", "10.0.1.4", "443")}},
	 VS_LINT_SHADOWED_RULE,
	 1,
	 "rule 'r2' (priority 200) never matches: higher-priority rule 'r1' (priority 100)"},
	{"a wider rule is not shadowed",
	 {{"#RULES", RULE("r2", "200", "Deny", "Tcp", "10.0.1.0/24", "443")}},
	 NULL,
	 0,
	 NULL},
	{"three rules together shadow a fourth, and each is named",
	 {{"#RULES", RULE("low", "110", "Deny", "Tcp", "*", "0-442")
			     RULE("high", "120", "Deny", "Tcp", "*", "444-65535")
				     RULE("all-tcp", "130", "Allow", "Tcp", "10.0.1.4", "*")}},
	 VS_LINT_SHADOWED_RULE,
	 1,
	 "rules 'r1' (priority 100), 'low' (priority 110), 'high' (priority 120) cover"},
	{"ICMP is not covered by rules with ports",
	 {{"#RULES", RULE("low", "110", "Deny", "Tcp", "*", "0-442")
			     RULE("high", "120", "Deny", "Tcp", "*", "444-65535")
				     RULE("any", "130", "Allow", "'*'", "10.0.1.4", "*")}},
	 NULL,
	 0,
	 NULL},
	{"an identical rule is a duplicate, not reported as shadowed too",
	 {{"#RULES",
	   "      - {name: r1-again, priority: 300, direction: Inbound, access: Allow, protocol: "
	   "Tcp,\n"
	   "         sourceApplicationSecurityGroups: [asg-web], sourcePortRange: '*',\n"
	   "         destinationAddressPrefix: '*', destinationPortRange: '443'}\n"}},
	 VS_LINT_DUPLICATE_RULE,
	 1,
	 "rule 'r1-again' (priority 300) is identical to rule 'r1' (priority 100, test.yaml:18)"},
	{"a rule that differs by a port is no duplicate",
	 {{"#RULES",
	   "      - {name: r1-8443, priority: 300, direction: Inbound, access: Allow, protocol: "
	   "Tcp,\n"
	   "         sourceApplicationSecurityGroups: [asg-web], sourcePortRange: '*',\n"
	   "         destinationAddressPrefix: '*', destinationPortRange: '8443'}\n"}},
	 NULL,
	 0,
	 NULL},
	{"an NSG attached nowhere",
	 {{"#NSGS", "  - name: spare\n"}},
	 VS_LINT_UNUSED_NSG,
	 1,
	 "'spare'"},
	{"an NSG on a NIC is used",
	 {{"#NSGS", "  - name: nic-nsg\n"},
	  {"enableIpForwarding: true}",
	   "enableIpForwarding: true, networkSecurityGroup: nic-nsg}"}},
	 NULL,
	 0,
	 NULL},
	{"a route table attached nowhere",
	 {{"#ROUTES", "  - name: spare-rt\n"}},
	 VS_LINT_UNUSED_ROUTE_TABLE,
	 1,
	 "'spare-rt'"},
	{"an ASG no rule names",
	 {{"[asg-web]\nnetwork", "[asg-web, asg-db]\nnetwork"}},
	 VS_LINT_UNUSED_ASG,
	 1,
	 "'asg-db'"},
	{"an ASG a rule names but no NIC joins",
	 {{"[asg-web]\nnetwork", "[asg-web, asg-db]\nnetwork"},
	  {"#RULES", "      - {name: from-db, priority: 300, direction: Inbound, access: Deny, "
		     "protocol: Tcp,\n"
		     "         sourceApplicationSecurityGroups: [asg-db], sourcePortRange: '*',\n"
		     "         destinationAddressPrefix: '*', destinationPortRange: '22'}\n"}},
	 VS_LINT_EMPTY_ASG,
	 1,
	 "'asg-db' has no member NIC"},
	{"a route to an address no NIC has",
	 {{"nextHopIpAddress: 10.0.2.4", "nextHopIpAddress: 10.0.2.9"}},
	 VS_LINT_APPLIANCE_MISSING,
	 1,
	 "10.0.2.9, but no NIC has that address"},
	{"a route to a NIC without IP forwarding",
	 {{"enableIpForwarding: true", "enableIpForwarding: false"}},
	 VS_LINT_APPLIANCE_NO_FORWARDING,
	 1,
	 "(NIC nva-nic0 of VM nva), which lacks enableIpForwarding"},
	{"a peering declared on one side only",
	 {{"    peerings: [{remoteVirtualNetwork: hub}]\n", ""}},
	 VS_LINT_ONE_SIDED_PEERING,
	 1,
	 "from 'hub' to 'spoke' is one-sided"},
	{"peered VNets with overlapping spaces",
	 {{"[10.1.0.0/16]", "[10.1.0.0/16, 10.0.128.0/17]"}},
	 VS_LINT_PEERED_OVERLAP,
	 1,
	 "(10.0.0.0/16 and 10.0.128.0/17)"},
	{"a subnet's own VNet sent to an appliance in that subnet",
	 {{"#ROUTES", ""},
	  {"      - {name: via-nva,",
	   "      - {name: loop, addressPrefix: 10.0.0.0/16, nextHopType: "
	   "VirtualAppliance,\n         nextHopIpAddress: 10.0.1.5}\n"
	   "      - {name: via-nva,"},
	  {"  - name: nva\n", "  - name: nva-a\n    networkInterfaces:\n"
			      "      - {subnet: hub/a, privateIpAddress: 10.0.1.5, "
			      "enableIpForwarding: true}\n  - name: nva\n"}},
	 VS_LINT_ROUTE_LOOP,
	 1,
	 "route 'loop' sends 10.0.0.0/16, traffic of subnet hub/a's own VNet, to 10.0.1.5"},
	{"an appliance in the same subnet for another VNet's traffic is no loop",
	 {{"nextHopIpAddress: 10.0.2.4", "nextHopIpAddress: 10.0.1.5"},
	  {"  - name: nva\n", "  - name: nva-a\n    networkInterfaces:\n"
			      "      - {subnet: hub/a, privateIpAddress: 10.0.1.5, "
			      "enableIpForwarding: true}\n  - name: nva\n"}},
	 NULL,
	 0,
	 NULL},
};

static char *
edited_model(guint i)
{
	char *text = g_strdup(base_model);

	for (gsize e = 0; e < G_N_ELEMENTS(cases[i].edits) && cases[i].edits[e].find != NULL; e++) {
		g_auto(GStrv) parts = g_strsplit(text, cases[i].edits[e].find, -1);

		ck_assert_msg(g_strv_length(parts) == 2, "case '%s': '%s' found %u times",
			      cases[i].title, cases[i].edits[e].find, g_strv_length(parts) - 1);
		g_free(text);
		text = g_strjoinv(cases[i].edits[e].replace, parts);
	}
	return text;
}

START_TEST(test_lint_case)
{
	g_autofree char *text = edited_model((guint)_i);
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = vs_load_data(text, strlen(text), "test.yaml", diags, &error);
	guint matching = 0;
	const VsDiag *first = NULL;

	ck_assert_msg(model != NULL, "case '%s' does not load: %s", cases[_i].title,
		      error != NULL ? error->message : "");
	ck_assert_uint_eq(diags->items->len, 0);
	vs_lint_model(model, diags);
	for (guint d = 0; d < diags->items->len; d++) {
		const VsDiag *diag = g_ptr_array_index(diags->items, d);
		g_autofree char *line = vs_diag_format(diag);

		ck_assert_int_eq(diag->severity, VS_SEVERITY_WARNING);
		ck_assert_msg(cases[_i].code != NULL && strcmp(diag->code, cases[_i].code) == 0,
			      "case '%s': unexpected %s", cases[_i].title, line);
		ck_assert_str_eq(diag->file, "test.yaml");
		ck_assert_uint_gt(diag->line, 0);
		ck_assert_uint_gt(diag->column, 0);
		if (first == NULL)
			first = diag;
		matching++;
	}
	ck_assert_msg(matching == cases[_i].count, "case '%s': %u warnings, expected %u",
		      cases[_i].title, matching, cases[_i].count);
	if (cases[_i].message_part != NULL)
		ck_assert_msg(strstr(first->message, cases[_i].message_part) != NULL,
			      "case '%s': '%s' lacks '%s'", cases[_i].title, first->message,
			      cases[_i].message_part);
}
END_TEST

START_TEST(test_lint_points_at_the_rule)
{
	g_autofree char *text = NULL;
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(VsModel) model = NULL;
	const VsDiag *diag;

	text = edited_model(1); /* the shadowed r2, spliced in at line 21 */
	model = vs_load_data(text, strlen(text), "test.yaml", diags, NULL);
	vs_lint_model(model, diags);
	ck_assert_uint_eq(diags->items->len, 1);
	diag = g_ptr_array_index(diags->items, 0);
	ck_assert_uint_eq(diag->line, 21);
	ck_assert_uint_eq(diag->column, 9); /* the rule mapping's opening brace */
	ck_assert_str_eq(diag->path, "networkSecurityGroups[nsg].securityRules[r2]");
}
END_TEST

/* Each example model's header says what validate prints; only peering-gotchas warns. */
START_TEST(test_example_models_warn_only_where_meant)
{
	g_autofree char *dir_path = g_build_filename(VS_TOP_SRCDIR, "models", NULL);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	const char *name;
	guint models = 0;

	ck_assert_ptr_nonnull(dir);
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *path = g_build_filename(dir_path, name, NULL);
		g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
		g_autoptr(VsModel) model = NULL;
		guint expected = strcmp(name, "peering-gotchas.yaml") == 0 ? 2 : 0;

		if (!g_str_has_suffix(name, ".yaml"))
			continue;
		model = vs_load_file(path, diags, NULL);
		ck_assert_ptr_nonnull(model);
		vs_lint_model(model, diags);
		ck_assert_msg(diags->warnings == expected, "%s: %u warnings, expected %u", name,
			      diags->warnings, expected);
		models++;
	}
	ck_assert_uint_ge(models, 5);
}
END_TEST

Suite *
lint_suite(void)
{
	Suite *suite = suite_create("lint");
	TCase *warnings = tcase_create("warnings");

	tcase_add_loop_test(warnings, test_lint_case, 0, G_N_ELEMENTS(cases));
	tcase_add_test(warnings, test_lint_points_at_the_rule);
	tcase_add_test(warnings, test_example_models_warn_only_where_meant);
	suite_add_tcase(suite, warnings);
	return suite;
}
