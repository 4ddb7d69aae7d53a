/*
 * check_scenario.c - regression scenarios: the reader (every error with its
 * exact position and path, a good file's contents, the model path), the
 * judging of checks against a real example model (passes and each kind of
 * mismatch), and the exact text, TAP and JUnit reports of a hand-built run.
 */
#include "config.h"

#include <string.h>

#include "load.h"
#include "render-test.h"
#include "scenario.h"
#include "suites.h"
#include "test-util.h"
#include "walk.h"

/* Every diagnostic of a list, one per line, as vnetsim prints them. */
static char *
diags_text(const VsDiagList *diags)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < diags->items->len; i++) {
		g_autofree char *line = vs_diag_format(g_ptr_array_index(diags->items, i));

		g_string_append_printf(text, "%s\n", line);
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

#define HEAD "model: m.yaml\nchecks:\n"
#define CHECK "  - name: c\n"

/* Each bad scenario and the exact errors it gets (file s.yaml). */
static const struct {
	const char *yaml;
	const char *errors;
} bad_cases[] = {
	{"", "s.yaml:1:1: error: empty scenario; expected a mapping with model and checks\n"},
	{"- a\n", "s.yaml:1:1: error: expected a mapping (a scenario), got a list\n"},
	{"model: m.yaml\n", "s.yaml:1:1: error: missing key 'checks' in the scenario\n"},
	{"checks: []\n", "s.yaml:1:1: error: missing key 'model' in the scenario\n"
			 "s.yaml:1:9: error: checks: expected at least one check\n"},
	{"model: m.yaml\nmodel: n.yaml\nchecks: [1]\n",
	 "s.yaml:2:1: error: duplicate key 'model' in scenario (first given at line 1, column "
	 "1)\n"
	 "s.yaml:3:10: error: checks[0]: expected a mapping (a check), got '1'\n"},
	{HEAD CHECK "    source: web1\n    destination: db1\n    port: 22\n    expect:\n"
		    "      hops: [Source, Appliance]\n",
	 "s.yaml:8:22: error: checks[0].expect.hops[1]: expected Source, VirtualAppliance, "
	 "VnetLocal, Internet or VirtualNetworkGateway, got 'Appliance'\n"},
	{HEAD CHECK "    source: web1\n    destination: db1\n    port: \"80x\"\n"
		    "    expect: {connectionStatus: Reachable}\n",
	 "s.yaml:6:11: error: checks[0].port: expected a port number 0..65535, got '80x'\n"},
	{HEAD CHECK "    source: web1\n    destination: db1\n    protocol: https\n    probes: 0\n"
		    "    expect: {maxAvgLatencyMs: 1e3}\n",
	 "s.yaml:7:13: error: checks[0].probes: expected a number of probes 1..100, got '0'\n"},
	{HEAD CHECK "    flow: {vm: web1, direction: in, protocol: tcp, local: \"10.0.0.1\", "
		    "remote: \"1.2.3.4:5\"}\n    expect: {access: allow, ruleName: deny-all}\n",
	 "s.yaml:4:33: error: checks[0].flow.direction: expected inbound or outbound, got 'in'\n"
	 "s.yaml:4:59: error: checks[0].flow.local: expected IP:PORT, an IPv4 address and a port "
	 "0..65535, such as 10.1.1.4:443, got '10.0.0.1'\n"
	 "s.yaml:5:39: error: checks[0].expect.ruleName: expected securityRules/NAME or "
	 "defaultSecurityRules/NAME, as IP flow verify names rules, got 'deny-all'\n"},
	{HEAD CHECK "    flow: {vm: a, direction: inbound, protocol: tcp, local: \"1.1.1.1:1\", "
		    "remote: \"1.2.3.4:5\"}\n    nexthop: {vm: a, source: 1.1.1.1, dest: 2.2.2.2}\n"
		    "    expect: {access: Allow}\n",
	 "s.yaml:5:5: error: checks[0]: a check asks one query: flow, nexthop, or source and "
	 "destination; this one has flow already\n"},
	{HEAD CHECK "    nexthop: {vm: a, source: 1.1.1.1, dest: 2.2.2.2}\n"
		    "    expect: {nextHopType: Peering, access: Allow}\n",
	 "s.yaml:5:27: error: checks[0].expect.nextHopType: expected Internet, VirtualAppliance, "
	 "VirtualNetworkGateway, VnetLocal, VnetPeering, HyperNetGateway or None, got 'Peering'\n"
	 "s.yaml:5:36: error: checks[0].expect: 'access' is an expectation of a flow check; this "
	 "is a nexthop check, whose expectations are: nextHopType, nextHopIpAddress\n"},
	{HEAD "  - source: web1\n    destination: db1\n    port: 1\n",
	 "s.yaml:3:5: error: checks[0]: missing key 'name' (a short description of the check)\n"
	 "s.yaml:3:5: error: checks[0]: missing key 'expect' (what the check expects)\n"},
	{HEAD CHECK "    destination: db1\n    port: 1\n    expect:\n      issues: [{origin: Up}]\n"
		    "      via: fw1\n",
	 "s.yaml:3:5: error: checks[0]: missing key 'source' (VM[/NIC]); a check needs source "
	 "and destination, flow, or nexthop\n"
	 "s.yaml:7:25: error: checks[0].expect.issues[0].origin: expected Inbound, Outbound or "
	 "Local, got 'Up'\n"
	 "s.yaml:8:12: error: checks[0].expect.via: expected a list of appliance VM names such "
	 "as [fw1], got 'fw1'\n"},
	{HEAD CHECK "    source: web1\n    destination: db1\n    port: 1\n"
		    "    expect: {connectionStatus: Reachable, colour: red}\n",
	 "s.yaml:7:43: error: checks[0].expect: unknown key 'colour' in expect; expected one of: "
	 "connectionStatus, hops, via, issues, noOtherIssues, maxAvgLatencyMs, access, ruleName, "
	 "nextHopType, nextHopIpAddress\n"},
	{"model: [a\n",
	 "s.yaml:1:8: error: model: expected the model file, relative to the scenario file, got a "
	 "list\n"
	 "s.yaml:2:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow "
	 "sequence at line 1, column 8)\n"},
	{HEAD CHECK "    source: web1\n    destination: \"https://h:99999/\"\n"
		    "    expect: {connectionStatus: Reachable}\n",
	 "s.yaml:5:18: error: checks[0].destination: 'https://h:99999/': bad port; expected a "
	 "port 0..65535 after the host\n"},
	{"model: &a m.yaml\nchecks: *a\n",
	 "s.yaml:1:8: error: checks: expected a list of checks, got 'm.yaml'\n"},
};

START_TEST(test_bad_scenario)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	const char *yaml = bad_cases[_i].yaml;
	g_autoptr(VsScenario) scenario =
		vs_scenario_load_data(yaml, strlen(yaml), "s.yaml", diags, &error);
	g_autofree char *errors = diags_text(diags);

	ck_assert_ptr_null(scenario);
	ck_assert(g_error_matches(error, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_INVALID));
	assert_text_eq(errors, bad_cases[_i].errors);
}
END_TEST

START_TEST(test_depth_limit)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) yaml = g_string_new("model: m.yaml\nchecks: ");
	g_autoptr(VsScenario) scenario = NULL;
	VsDiag *last;

	for (int i = 0; i < 200; i++)
		g_string_append_c(yaml, '[');
	scenario = vs_scenario_load_data(yaml->str, yaml->len, "deep.yaml", diags, &error);
	ck_assert_ptr_null(scenario);
	last = g_ptr_array_index(diags->items, diags->items->len - 1);
	ck_assert_str_eq(last->code, "limit");
	ck_assert_uint_eq(last->line, 2);
}
END_TEST

START_TEST(test_unreadable_file)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) missing = NULL;
	g_autoptr(GError) directory = NULL;

	ck_assert_ptr_null(vs_scenario_load_file("/nonexistent/s.yaml", diags, &missing));
	ck_assert(g_error_matches(missing, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_IO));
	ck_assert_ptr_null(vs_scenario_load_file(VS_TOP_SRCDIR, diags, &directory));
	ck_assert(g_error_matches(directory, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_IO));
	ck_assert_uint_eq(diags->items->len, 0);
}
END_TEST

static const char good_yaml[] =
	"model: ../models/m.yaml\n"
	"checks:\n"
	"  - name: web over https\n"
	"    source: web1/nic2\n"
	"    destination: 10.0.0.9\n"
	"    protocol: HTTPS\n"
	"    seed: 7\n"
	"    expect:\n"
	"      connectionStatus: reachable\n"
	"      hops: [Source, VnetLocal]\n"
	"      via: []\n"
	"      issues: [{type: CPU, severity: Warning, origin: Local}]\n"
	"      maxAvgLatencyMs: 2.5\n"
	"  - name: icmp\n"
	"    todo: not yet\n"
	"    source: a\n"
	"    destination: b\n"
	"    protocol: icmp\n"
	"    expect: {noOtherIssues: true}\n"
	"  - name: flow\n"
	"    flow: {vm: a, direction: outbound, protocol: udp, local: \"10.0.0.4:53\", remote: "
	"\"10.0.0.5:5353\"}\n"
	"    expect: {access: Deny, ruleName: defaultSecurityRules/DenyAllOutBound}\n"
	"  - name: hop\n"
	"    nexthop: {vm: a, source: 10.0.0.4, dest: 8.8.8.8}\n"
	"    expect: {nextHopType: none, nextHopIpAddress: \"\"}\n";

START_TEST(test_good_scenario)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsScenario) scenario =
		vs_scenario_load_data(good_yaml, strlen(good_yaml), "suite/s.yaml", diags, &error);
	const VsScenarioCheck *web, *icmp, *flow, *hop;
	const VsIssueExpectation *issue;

	ck_assert_msg(scenario != NULL, "%s", error ? error->message : "");
	ck_assert_str_eq(scenario->model, "../models/m.yaml");
	ck_assert_str_eq(scenario->model_path, "suite/../models/m.yaml");
	ck_assert_uint_eq(scenario->checks->len, 4);
	web = g_ptr_array_index(scenario->checks, 0);
	ck_assert_int_eq(web->kind, VS_SCENARIO_CHECK);
	ck_assert_str_eq(web->path, "checks[0]");
	ck_assert_uint_eq(web->pos.line, 3);
	ck_assert_uint_eq(web->pos.column, 5);
	ck_assert_str_eq(web->source, "web1/nic2");
	ck_assert_int_eq(web->protocol, VS_PROTO_TCP);
	ck_assert_uint_eq(web->destination_port, 443); /* https's port */
	ck_assert_uint_eq(web->source_port, 50000);
	ck_assert_uint_eq(web->probes, 30);
	ck_assert_uint_eq(web->seed, 7);
	ck_assert(web->has_status && web->expect_reachable);
	ck_assert_uint_eq(web->hops->len, 2);
	ck_assert_int_eq(g_array_index(web->hops, VsHopType, 1), VS_HOP_VNET_LOCAL);
	ck_assert_uint_eq(web->via->len, 0);
	issue = g_ptr_array_index(web->issues, 0);
	ck_assert(issue->has_type && issue->type == VS_ISSUE_CPU);
	ck_assert(issue->has_severity && issue->severity == VS_ISSUE_SEVERITY_WARNING);
	ck_assert(issue->has_origin && issue->origin == VS_ORIGIN_LOCAL);
	ck_assert_ptr_null(issue->rule);
	ck_assert(web->has_max_avg_latency && web->max_avg_latency_ms == 2.5);
	ck_assert(!web->no_other_issues);

	icmp = g_ptr_array_index(scenario->checks, 1);
	ck_assert_str_eq(icmp->todo, "not yet");
	ck_assert_int_eq(icmp->protocol, VS_PROTO_ICMP);
	ck_assert_uint_eq(icmp->source_port, 0);
	ck_assert(icmp->no_other_issues && icmp->issues == NULL);

	flow = g_ptr_array_index(scenario->checks, 2);
	ck_assert_int_eq(flow->kind, VS_SCENARIO_FLOW);
	ck_assert_int_eq(flow->direction, VS_DIRECTION_OUTBOUND);
	ck_assert_int_eq(flow->protocol, VS_PROTO_UDP);
	ck_assert_uint_eq(flow->local_port, 53);
	ck_assert_uint_eq(flow->remote_port, 5353);
	ck_assert(flow->has_access && flow->access == VS_ACCESS_DENY);
	ck_assert_str_eq(flow->rule_name, "defaultSecurityRules/DenyAllOutBound");

	hop = g_ptr_array_index(scenario->checks, 3);
	ck_assert_int_eq(hop->kind, VS_SCENARIO_NEXTHOP);
	ck_assert_str_eq(hop->next_hop_type, "None");
	ck_assert(hop->has_next_hop_ip && hop->expect_no_next_hop_ip);
	ck_assert_uint_eq(diags->items->len, 0);
}
END_TEST

/* The model path, as the process sees it. */
static const struct {
	const char *file, *model, *path;
} model_path_cases[] = {
	{"s.yaml", "../models/m.yaml", "../models/m.yaml"},
	{"scenarios/s.yaml", "../models/m.yaml", "scenarios/../models/m.yaml"},
	{"/srv/s.yaml", "m.yaml", "/srv/m.yaml"},
	{"scenarios/s.yaml", "/abs/m.yaml", "/abs/m.yaml"},
};

START_TEST(test_model_path)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autofree char *yaml = g_strdup_printf(
		"model: %s\nchecks:\n  - {name: n, source: a, destination: b, port: 1, expect: "
		"{connectionStatus: Reachable}}\n",
		model_path_cases[_i].model);
	g_autoptr(VsScenario) scenario =
		vs_scenario_load_data(yaml, strlen(yaml), model_path_cases[_i].file, diags, NULL);

	ck_assert_ptr_nonnull(scenario);
	ck_assert_str_eq(scenario->model_path, model_path_cases[_i].path);
}
END_TEST

/* ---------------------------------------------------------------- judging */

/* Runs the one check of yaml (a scenario of models/two-vms.yaml) and returns its outcome. */
static VsCheckOutcome *
run_one(const char *checks, VsScenario **scenario_out, VsDiagList *diags)
{
	g_autofree char *path = g_build_filename(VS_TOP_SRCDIR, "models", "two-vms.yaml", NULL);
	g_autofree char *yaml = g_strdup_printf("model: m.yaml\nchecks:\n%s", checks);
	g_autoptr(VsDiagList) model_diags = vs_diag_list_new(0);
	g_autoptr(VsModel) model = vs_load_file(path, model_diags, NULL);
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(VsScenario) scenario = NULL;
	VsCheckOutcome *outcome;

	ck_assert_ptr_nonnull(model);
	scenario = vs_scenario_load_data(yaml, strlen(yaml), "s.yaml", diags, NULL);
	ck_assert_ptr_nonnull(scenario);
	engine = vs_engine_new(model);
	outcome = vs_scenario_run_check(engine, scenario, g_ptr_array_index(scenario->checks, 0),
					diags);
	/* the outcome borrows the check; the model is not needed any more */
	*scenario_out = g_steal_pointer(&scenario);
	return outcome;
}

/* The outcome's mismatches, one per line: "FIELD | EXPECTED | ACTUAL". */
static char *
mismatches_text(const VsCheckOutcome *outcome)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < outcome->mismatches->len; i++) {
		const VsMismatch *mismatch = g_ptr_array_index(outcome->mismatches, i);

		g_string_append_printf(text, "%s | %s | %s\n", mismatch->field, mismatch->expected,
				       mismatch->actual);
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

static const struct {
	const char *check;
	gboolean passed;
	const char *mismatches;
	const char *answer;
} judge_cases[] = {
	/* every expectation of a connection check holding */
	{"  - name: n\n    source: web1\n    destination: app1\n    port: 22\n    expect:\n"
	 "      connectionStatus: Unreachable\n      hops: [Source, VnetLocal]\n      via: []\n"
	 "      issues: [{type: NetworkSecurityRule, origin: Inbound, severity: Error, rule: "
	 "UserRule_deny-ssh-from-web}]\n      noOtherIssues: true\n",
	 TRUE, "",
	 "Unreachable: Source web1 -> VnetLocal app1; {type: NetworkSecurityRule, origin: Inbound, "
	 "rule: UserRule_deny-ssh-from-web} at VnetLocal app1"},
	/* and every one failing */
	{"  - name: n\n    source: web1\n    destination: app1\n    port: 8080\n    expect:\n"
	 "      connectionStatus: Unreachable\n      hops: [Source, VirtualAppliance, VnetLocal]\n"
	 "      via: [fw1]\n      issues: [{origin: Outbound}, {rule: UserRule_x}]\n"
	 "      maxAvgLatencyMs: 0.5\n",
	 FALSE,
	 "connectionStatus | Unreachable | Reachable\n"
	 "hops | [Source, VirtualAppliance, VnetLocal] | [Source, VnetLocal]\n"
	 "via | [fw1] | []\n"
	 "issues[0] | {origin: Outbound} | no issues\n"
	 "issues[1] | {rule: UserRule_x} | no issues\n"
	 "maxAvgLatencyMs | avg at most 0.5 ms | avg 0.529 ms\n",
	 "Reachable: Source web1 -> VnetLocal app1 (avg 0.529 ms); no issues"},
	/* an issue beyond those listed, and latency of an unreachable path */
	{"  - name: n\n    source: app1\n    destination: web1\n    port: 80\n    expect:\n"
	 "      noOtherIssues: true\n      maxAvgLatencyMs: 9\n",
	 FALSE,
	 "noOtherIssues | no issue beyond those listed | {type: NetworkSecurityRule, origin: "
	 "Outbound, rule: UserRule_deny-app-to-web} at Source app1\n"
	 "maxAvgLatencyMs | avg at most 9 ms | no latency (Unreachable)\n",
	 "Unreachable: Source app1 -> VnetLocal web1; {type: NetworkSecurityRule, origin: "
	 "Outbound, rule: UserRule_deny-app-to-web} at Source app1"},
	/* the same path, the issue listed: extra issues are fine without noOtherIssues */
	{"  - name: n\n    source: app1\n    destination: web1\n    port: 80\n    expect:\n"
	 "      issues: [{type: NetworkSecurityRule}]\n",
	 TRUE, "", NULL},
	{"  - name: n\n    flow: {vm: web1, direction: inbound, protocol: tcp, local: "
	 "\"10.10.1.4:22\", remote: \"203.0.113.9:50000\"}\n"
	 "    expect: {access: Allow, ruleName: securityRules/allow-https-from-internet}\n",
	 FALSE,
	 "access | Allow | Deny\n"
	 "ruleName | securityRules/allow-https-from-internet | defaultSecurityRules/DenyAllInBound\n",
	 "Deny: defaultSecurityRules/DenyAllInBound"},
	{"  - name: n\n    flow: {vm: web1, direction: inbound, protocol: tcp, local: "
	 "\"10.10.1.4:443\", remote: \"203.0.113.9:50000\"}\n"
	 "    expect: {access: Allow, ruleName: securityRules/allow-https-from-internet}\n",
	 TRUE, "", "Allow: securityRules/allow-https-from-internet"},
	{"  - name: n\n    nexthop: {vm: web1, source: 10.10.1.4, dest: 10.10.2.4}\n"
	 "    expect: {nextHopType: VnetLocal, nextHopIpAddress: \"\"}\n",
	 TRUE, "", "VnetLocal (system route)"},
	{"  - name: n\n    nexthop: {vm: web1, source: 10.10.1.4, dest: 10.10.2.4}\n"
	 "    expect: {nextHopType: Internet, nextHopIpAddress: 10.10.2.4}\n",
	 FALSE,
	 "nextHopType | Internet | VnetLocal\n"
	 "nextHopIpAddress | 10.10.2.4 | none\n",
	 NULL},
	/* a todo check whose query cannot be answered fails, it is not a scenario error */
	{"  - name: n\n    todo: later\n    source: web9\n    destination: app1\n"
	 "    port: 1\n    expect: {connectionStatus: Reachable}\n",
	 FALSE,
	 "source | a query the model can answer | no answer: no VM named 'web9' in model "
	 "'two-vms' (VMs: web1, web2, app1)\n",
	 "none"},
	/* a name that does not resolve is an answer (DnsResolution), not an error */
	{"  - name: n\n    source: web1\n    destination: nosuch.example.org\n    port: 443\n"
	 "    expect: {connectionStatus: Unreachable, hops: [Source], issues: [{type: "
	 "DnsResolution}]}\n",
	 TRUE, "", NULL},
	/* a URI's port, and a VM name within the VNet (Azure-provided DNS) */
	{"  - name: n\n    source: web1\n    destination: http://web2.\n"
	 "    expect: {connectionStatus: Reachable}\n",
	 TRUE, "", NULL},
	{"  - name: n\n    source: web1\n    destination: http://web2:8080/x\n"
	 "    expect: {connectionStatus: Reachable}\n",
	 FALSE, "connectionStatus | Reachable | Unreachable\n", NULL},
};

START_TEST(test_judge)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(VsScenario) scenario = NULL;
	g_autoptr(VsCheckOutcome) outcome = run_one(judge_cases[_i].check, &scenario, diags);
	g_autofree char *mismatches = NULL;

	ck_assert_ptr_nonnull(outcome);
	mismatches = mismatches_text(outcome);
	assert_text_eq(mismatches, judge_cases[_i].mismatches);
	ck_assert_int_eq(outcome->passed, judge_cases[_i].passed);
	if (judge_cases[_i].answer != NULL)
		ck_assert_str_eq(outcome->answer, judge_cases[_i].answer);
	ck_assert_uint_eq(diags->items->len, 0);
}
END_TEST

/* Names the model lacks: a positioned scenario error, no outcome. */
static const struct {
	const char *check;
	const char *error;
} name_cases[] = {
	{"  - name: n\n    source: web9\n    destination: app1\n    port: 1\n"
	 "    expect: {connectionStatus: Reachable}\n",
	 "s.yaml:4:13: error: checks[0].source: no VM named 'web9' in model 'two-vms' (VMs: web1, "
	 "web2, app1)\n"},
	{"  - name: n\n    flow: {vm: web1, direction: inbound, protocol: tcp, local: "
	 "\"10.10.1.5:22\", remote: \"1.2.3.4:5\"}\n    expect: {access: Allow}\n",
	 "s.yaml:4:64: error: checks[0].flow.local: 10.10.1.5 is not an address of web1 (web1-nic "
	 "10.10.1.4)\n"},
	{"  - name: n\n    nexthop: {vm: web1/eth9, source: 10.10.1.4, dest: 1.2.3.4}\n"
	 "    expect: {nextHopType: Internet}\n",
	 "s.yaml:4:19: error: checks[0].nexthop.vm: VM web1 has no NIC named 'eth9' (its NICs: "
	 "web1-nic)\n"},
};

START_TEST(test_unknown_names)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(VsScenario) scenario = NULL;
	g_autoptr(VsCheckOutcome) outcome = run_one(name_cases[_i].check, &scenario, diags);
	g_autofree char *errors = diags_text(diags);

	ck_assert_ptr_null(outcome);
	assert_text_eq(errors, name_cases[_i].error);
}
END_TEST

/* ---------------------------------------------------------------- reports */

/* A hand-built run: two files, a pass, a failure, a failed todo and a passed todo. */
typedef struct {
	VsScenario *a, *b;
	VsTestReport *report;
} Run;

static VsScenarioCheck *
add_check(VsScenario *scenario, const char *name, guint line, const char *todo)
{
	VsScenarioCheck *check = g_new0(VsScenarioCheck, 1);

	check->name = g_strdup(name);
	check->todo = g_strdup(todo);
	check->pos = (VsPos){scenario->file, line, 5};
	g_ptr_array_add(scenario->checks, check);
	return check;
}

static VsScenario *
scenario_new(const char *file)
{
	VsScenario *scenario = g_new0(VsScenario, 1);

	scenario->file = g_strdup(file);
	scenario->checks = g_ptr_array_new_with_free_func((GDestroyNotify)vs_scenario_check_free);
	return scenario;
}

static void
add_outcome(Run *run, const VsScenario *scenario, const VsScenarioCheck *check, const char *answer,
	    const char *const *mismatches)
{
	VsCheckOutcome *outcome = g_new0(VsCheckOutcome, 1);

	outcome->scenario = scenario;
	outcome->check = check;
	outcome->answer = g_strdup(answer);
	outcome->mismatches = g_ptr_array_new_with_free_func((GDestroyNotify)vs_mismatch_free);
	for (guint i = 0; mismatches != NULL && mismatches[i] != NULL; i += 3) {
		VsMismatch *mismatch = g_new0(VsMismatch, 1);

		mismatch->field = g_strdup(mismatches[i]);
		mismatch->expected = g_strdup(mismatches[i + 1]);
		mismatch->actual = g_strdup(mismatches[i + 2]);
		g_ptr_array_add(outcome->mismatches, mismatch);
	}
	outcome->passed = outcome->mismatches->len == 0;
	vs_test_report_add(run->report, outcome);
}

static void
run_build(Run *run)
{
	static const char *const status[] = {
		"connectionStatus", "Reachable", "Unreachable", "issues[0]",
		"{rule: R}",        "no issues", NULL};
	static const char *const access[] = {"access", "Allow", "Deny", NULL};
	VsScenarioCheck *pass, *fail, *todo_fail, *todo_pass;

	run->a = scenario_new("scenarios/hub-spoke.yaml");
	run->b = scenario_new("b.yaml");
	run->report = vs_test_report_new();
	pass = add_check(run->a, "web1 reaches db1", 9, NULL);
	fail = add_check(run->a, "a <b> & \"c\" # 'd'", 20, NULL);
	todo_fail = add_check(run->a, "by name", 31, "names # later");
	todo_pass = add_check(run->b, "flow", 4, "was broken");
	add_outcome(run, run->a, pass, "Reachable: Source web1 -> VnetLocal db1", NULL);
	add_outcome(run, run->a, fail, "Unreachable: Source web1 -> VnetLocal db1; no issues",
		    status);
	add_outcome(run, run->a, todo_fail, "Allow: securityRules/x", access);
	add_outcome(run, run->b, todo_pass, "Deny: securityRules/y", NULL);
}

static void
run_clear(Run *run)
{
	vs_test_report_free(run->report);
	vs_scenario_free(run->a);
	vs_scenario_free(run->b);
}

START_TEST(test_report_counts)
{
	Run run;

	run_build(&run);
	ck_assert_uint_eq(run.report->passed, 2);
	ck_assert_uint_eq(run.report->failed, 1);
	ck_assert_uint_eq(run.report->todo, 1);
	run_clear(&run);
}
END_TEST

START_TEST(test_report_text)
{
	g_autoptr(GString) out = g_string_new(NULL);
	Run run;

	run_build(&run);
	vs_render_test_text(out, run.report);
	assert_text_eq(out->str,
		       "✓ scenarios/hub-spoke.yaml:9: web1 reaches db1\n"
		       "✗ scenarios/hub-spoke.yaml:20: a <b> & \"c\" # 'd'\n"
		       "    connectionStatus: expected Reachable\n"
		       "                      got      Unreachable\n"
		       "    issues[0]: expected {rule: R}\n"
		       "               got      no issues\n"
		       "    answer: Unreachable: Source web1 -> VnetLocal db1; no issues\n"
		       "✗ scenarios/hub-spoke.yaml:31: by name (todo: names # later)\n"
		       "    access: expected Allow\n"
		       "            got      Deny\n"
		       "    answer: Allow: securityRules/x\n"
		       "✓ b.yaml:4: flow (todo: was broken; it passes now: remove the todo)\n"
		       "4 checks: 2 passed, 1 failed, 1 todo\n");
	run_clear(&run);
}
END_TEST

START_TEST(test_report_tap)
{
	g_autoptr(GString) out = g_string_new(NULL);
	Run run;

	run_build(&run);
	vs_render_test_tap(out, run.report);
	assert_text_eq(out->str,
		       "TAP version 13\n"
		       "1..4\n"
		       "ok 1 - scenarios/hub-spoke.yaml:9: web1 reaches db1\n"
		       "not ok 2 - scenarios/hub-spoke.yaml:20: a <b> & \"c\" \\# 'd'\n"
		       "  ---\n"
		       "  file: \"scenarios/hub-spoke.yaml\"\n"
		       "  line: 20\n"
		       "  answer: \"Unreachable: Source web1 -> VnetLocal db1; no issues\"\n"
		       "  failures:\n"
		       "    - field: \"connectionStatus\"\n"
		       "      expected: \"Reachable\"\n"
		       "      got: \"Unreachable\"\n"
		       "    - field: \"issues[0]\"\n"
		       "      expected: \"{rule: R}\"\n"
		       "      got: \"no issues\"\n"
		       "  ...\n"
		       "not ok 3 - scenarios/hub-spoke.yaml:31: by name # TODO names \\# later\n"
		       "  ---\n"
		       "  file: \"scenarios/hub-spoke.yaml\"\n"
		       "  line: 31\n"
		       "  answer: \"Allow: securityRules/x\"\n"
		       "  failures:\n"
		       "    - field: \"access\"\n"
		       "      expected: \"Allow\"\n"
		       "      got: \"Deny\"\n"
		       "  ...\n"
		       "ok 4 - b.yaml:4: flow # TODO was broken\n");
	run_clear(&run);
}
END_TEST

START_TEST(test_report_junit)
{
	g_autoptr(GString) out = g_string_new(NULL);
	Run run;

	run_build(&run);
	vs_render_test_junit(out, run.report);
	assert_text_eq(
		out->str,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"vnetsim test\" tests=\"4\" failures=\"1\" errors=\"0\" "
		"skipped=\"1\">\n"
		"  <testsuite name=\"scenarios/hub-spoke.yaml\" tests=\"3\" failures=\"1\" "
		"errors=\"0\" skipped=\"1\">\n"
		"    <testcase classname=\"hub-spoke\" name=\"web1 reaches db1\" "
		"file=\"scenarios/hub-spoke.yaml\" line=\"9\"/>\n"
		"    <testcase classname=\"hub-spoke\" name=\"a &lt;b&gt; &amp; &quot;c&quot; # "
		"&apos;d&apos;\" file=\"scenarios/hub-spoke.yaml\" line=\"20\">\n"
		"      <failure type=\"ExpectationFailed\" message=\"connectionStatus: expected "
		"Reachable, got Unreachable (and 1 more)\">connectionStatus: expected Reachable\n"
		"                  got      Unreachable\n"
		"issues[0]: expected {rule: R}\n"
		"           got      no issues\n"
		"answer: Unreachable: Source web1 -&gt; VnetLocal db1; no issues</failure>\n"
		"    </testcase>\n"
		"    <testcase classname=\"hub-spoke\" name=\"by name\" "
		"file=\"scenarios/hub-spoke.yaml\" line=\"31\">\n"
		"      <skipped message=\"todo: names # later\"/>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"  <testsuite name=\"b.yaml\" tests=\"1\" failures=\"0\" errors=\"0\" "
		"skipped=\"0\">\n"
		"    <testcase classname=\"b\" name=\"flow\" file=\"b.yaml\" line=\"4\"/>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	run_clear(&run);
}
END_TEST

/* Control characters cannot be in XML 1.0, nor raw in a TAP line. */
START_TEST(test_report_control_characters)
{
	g_autoptr(GString) junit = g_string_new(NULL);
	g_autoptr(GString) tap = g_string_new(NULL);
	Run run;

	run_build(&run);
	g_free(((VsScenarioCheck *)g_ptr_array_index(run.a->checks, 0))->name);
	((VsScenarioCheck *)g_ptr_array_index(run.a->checks, 0))->name = g_strdup("a\x01z\nq");
	vs_render_test_junit(junit, run.report);
	vs_render_test_tap(tap, run.report);
	ck_assert_ptr_nonnull(strstr(junit->str, "name=\"a\xef\xbf\xbdz&#10;q\""));
	ck_assert_ptr_nonnull(strstr(tap->str, "ok 1 - scenarios/hub-spoke.yaml:9: a z q\n"));
	run_clear(&run);
}
END_TEST

Suite *
scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *load = tcase_create("load");
	TCase *judge = tcase_create("judge");
	TCase *report = tcase_create("report");

	tcase_add_loop_test(load, test_bad_scenario, 0, G_N_ELEMENTS(bad_cases));
	tcase_add_test(load, test_depth_limit);
	tcase_add_test(load, test_unreadable_file);
	tcase_add_test(load, test_good_scenario);
	tcase_add_loop_test(load, test_model_path, 0, G_N_ELEMENTS(model_path_cases));
	suite_add_tcase(s, load);

	tcase_add_loop_test(judge, test_judge, 0, G_N_ELEMENTS(judge_cases));
	tcase_add_loop_test(judge, test_unknown_names, 0, G_N_ELEMENTS(name_cases));
	suite_add_tcase(s, judge);

	tcase_add_test(report, test_report_counts);
	tcase_add_test(report, test_report_text);
	tcase_add_test(report, test_report_tap);
	tcase_add_test(report, test_report_junit);
	tcase_add_test(report, test_report_control_characters);
	suite_add_tcase(s, report);
	return s;
}
