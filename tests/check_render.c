/*
 * check_render.c - the trace types and the renderers, on hand-built results:
 * exact JSON (Azure's shapes) and exact text for a path through an appliance,
 * a path blocked by an inbound rule, latency figures, IP flow verify, next
 * hop, effective routes and effective security rules.
 *
 * The expected hop ids were computed outside vnetsim (Python's hashlib: the
 * SHA-1 of "seed\nindex", shaped as a version-5 UUID), so they check the id
 * scheme, not merely that it is stable.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "model-builder.h"
#include "render.h"
#include "suites.h"
#include "test-util.h"
#include "trace.h"

#define SUB "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/lab/providers"

/* hub (fw1) peered with spoke1 (web1) and spoke2 (db1); nsg-db denies SQL into db. */
typedef struct {
	VsModel *model;
	VsNic *web, *fw, *db;
	VsNsg *nsg_web, *nsg_db;
	VsRule *deny_sql;
	VsRouteTable *rt_spoke;
	VsRoute *to_fw, *blackhole;
	VsFwRule *block_sql;
} Lab;

static void
lab_build(Lab *lab)
{
	VsVnet *hub, *spoke1, *spoke2;
	VsSubnet *fw_subnet, *web_subnet, *db_subnet;
	const char *file;

	lab->model = mb_model("lab");
	file = vs_model_intern_file(lab->model, "models/lab.yaml");
	hub = mb_vnet(lab->model, "hub", "10.0.0.0/16");
	spoke1 = mb_vnet(lab->model, "spoke1", "10.1.0.0/16");
	spoke2 = mb_vnet(lab->model, "spoke2", "10.2.0.0/16");
	mb_peer(hub, spoke1);
	mb_peer(hub, spoke2);
	fw_subnet = mb_subnet(lab->model, hub, "fw", "10.0.1.0/24");
	web_subnet = mb_subnet(lab->model, spoke1, "web", "10.1.1.0/24");
	db_subnet = mb_subnet(lab->model, spoke2, "db", "10.2.1.0/24");
	lab->nsg_web = mb_nsg(lab->model, "nsg-web");
	lab->nsg_web->pos = (VsPos){file, 30, 5};
	mb_rule(lab->model, lab->nsg_web, "allow-https 100 Inbound Allow Tcp Internet * * 443")
		->pos = (VsPos){file, 33, 9};
	web_subnet->nsg = lab->nsg_web;
	lab->nsg_db = mb_nsg(lab->model, "nsg-db");
	lab->nsg_db->pos = (VsPos){file, 50, 5};
	lab->deny_sql = mb_rule(lab->model, lab->nsg_db,
				"deny-sql 200 Inbound Deny Tcp 10.1.0.0/16 * * 1433");
	lab->deny_sql->pos = (VsPos){file, 57, 9};
	db_subnet->nsg = lab->nsg_db;
	lab->rt_spoke = mb_route_table(lab->model, "rt-spoke");
	lab->to_fw = mb_route(lab->rt_spoke, "to-fw", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4");
	lab->to_fw->pos = (VsPos){file, 80, 9};
	lab->blackhole = mb_route(lab->rt_spoke, "blackhole", "10.9.0.0/16", "None", NULL);
	lab->blackhole->pos = (VsPos){file, 84, 9};
	web_subnet->route_table = lab->rt_spoke;
	lab->web = mb_vm(lab->model, "web1", web_subnet, "10.1.1.4");
	lab->fw = mb_vm(lab->model, "fw1", fw_subnet, "10.0.1.4");
	lab->fw->ip_forwarding = TRUE;
	lab->db = mb_vm(lab->model, "db1", db_subnet, "10.2.1.4");
	lab->db->vm->guest_firewall = vs_guest_firewall_new();
	lab->block_sql = vs_fw_rule_new("block-sql");
	lab->block_sql->action = VS_ACCESS_DENY;
	lab->block_sql->pos = (VsPos){file, 95, 11};
	g_ptr_array_add(lab->db->vm->guest_firewall->rules, lab->block_sql);
	mb_finish(lab->model);
}

static VsHop *
add_nic_hop(VsTrace *trace, const VsModel *model, VsHopType type, const VsNic *nic)
{
	VsHop *hop = vs_trace_add_hop(trace, vs_hop_new(type, nic->private_ip));

	hop->nic = nic;
	hop->resource_id = type == VS_HOP_SOURCE ? vs_vm_resource_id(model, nic->vm)
						 : vs_nic_resource_id(model, nic);
	return hop;
}

/* web1 -> fw1 -> db1, Tcp 1433: the trace the walk gives when nothing blocks. */
static VsTrace *
path_through_fw(const Lab *lab)
{
	VsTrace *trace = vs_trace_new();

	trace->source = lab->web;
	trace->destination_text = g_strdup("db1");
	trace->packet =
		(VsPacket){lab->web->private_ip, lab->db->private_ip, VS_PROTO_TCP, 50000, 1433};
	add_nic_hop(trace, lab->model, VS_HOP_SOURCE, lab->web);
	add_nic_hop(trace, lab->model, VS_HOP_VIRTUAL_APPLIANCE, lab->fw);
	add_nic_hop(trace, lab->model, VS_HOP_VNET_LOCAL, lab->db);
	trace->reachable = TRUE;
	trace->probes_sent = 30;
	trace->has_latency = TRUE;
	trace->latency_min_ms = 1.2;
	trace->latency_avg_ms = 2.3;
	trace->latency_max_ms = 3.5;
	vs_trace_assign_ids(trace, "path-through-fw");
	return trace;
}

/* The same path, blocked entering db1 by nsg-db's deny-sql; a CPU warning at the source. */
static VsTrace *
blocked_at_db(const Lab *lab)
{
	VsTrace *trace = path_through_fw(lab);
	VsHop *source = g_ptr_array_index(trace->hops, 0);
	VsHop *db = g_ptr_array_index(trace->hops, 2);
	VsIssue *issue;

	issue = vs_issue_new(VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_WARNING, VS_ISSUE_CPU);
	vs_issue_add_context(issue, "CpuPercent", "95");
	g_ptr_array_add(source->issues, issue);
	g_ptr_array_add(source->explain, g_strdup("outbound: no NSG on web1-nic0 or lab/web"));
	g_ptr_array_add(source->explain,
			g_strdup("route 0.0.0.0/0 -> VirtualAppliance 10.0.1.4 (User)"));
	issue = vs_issue_new(VS_ORIGIN_INBOUND, VS_ISSUE_SEVERITY_ERROR,
			     VS_ISSUE_NETWORK_SECURITY_RULE);
	vs_issue_add_context(issue, "RuleName", "UserRule_deny-sql");
	vs_issue_add_context(issue, "NsgName", "nsg-db");
	issue->rule = lab->deny_sql;
	issue->detail = g_strdup("nsg-db denies Tcp from 10.1.0.0/16 to port 1433.");
	g_ptr_array_add(db->issues, issue);
	g_ptr_array_add(db->explain, g_strdup("NSG nsg-db, inbound rules in priority order:"));
	g_ptr_array_add(db->explain, g_strdup("  deny-sql (priority 200): matched, denied."));
	trace->reachable = FALSE;
	trace->probes_failed = 30;
	trace->has_latency = FALSE;
	g_ptr_array_add(trace->notes, g_strdup("the guest firewall of db1 was not consulted"));
	vs_trace_assign_ids(trace, "blocked-at-db");
	return trace;
}

/* ---------------------------------------------------------------- names and ids */

static const struct {
	VsIssueType type;
	const char *name;
} issue_type_names[] = {
	{VS_ISSUE_NETWORK_SECURITY_RULE, "NetworkSecurityRule"},
	{VS_ISSUE_USER_DEFINED_ROUTE, "UserDefinedRoute"},
	{VS_ISSUE_CPU, "CPU"},
	{VS_ISSUE_MEMORY, "Memory"},
	{VS_ISSUE_GUEST_FIREWALL, "GuestFirewall"},
	{VS_ISSUE_DNS_RESOLUTION, "DnsResolution"},
	{VS_ISSUE_NO_LISTENER, "NoListenerOnDestination"},
	{VS_ISSUE_AGENT_STOPPED, "AgentStopped"},
	{VS_ISSUE_SOCKET_BIND, "SocketBind"},
	{VS_ISSUE_PLATFORM, "Platform"},
	{VS_ISSUE_UNKNOWN, "Unknown"},
};

START_TEST(test_issue_type_names)
{
	ck_assert_str_eq(vs_issue_type_name(issue_type_names[_i].type), issue_type_names[_i].name);
}
END_TEST

START_TEST(test_other_names)
{
	ck_assert_str_eq(vs_hop_type_name(VS_HOP_SOURCE), "Source");
	ck_assert_str_eq(vs_hop_type_name(VS_HOP_VIRTUAL_APPLIANCE), "VirtualAppliance");
	ck_assert_str_eq(vs_hop_type_name(VS_HOP_VNET_LOCAL), "VnetLocal");
	ck_assert_str_eq(vs_hop_type_name(VS_HOP_INTERNET), "Internet");
	ck_assert_str_eq(vs_hop_type_name(VS_HOP_VNET_GATEWAY), "VirtualNetworkGateway");
	ck_assert_str_eq(vs_issue_origin_name(VS_ORIGIN_INBOUND), "Inbound");
	ck_assert_str_eq(vs_issue_origin_name(VS_ORIGIN_OUTBOUND), "Outbound");
	ck_assert_str_eq(vs_issue_origin_name(VS_ORIGIN_LOCAL), "Local");
	ck_assert_str_eq(vs_issue_severity_name(VS_ISSUE_SEVERITY_ERROR), "Error");
	ck_assert_str_eq(vs_issue_severity_name(VS_ISSUE_SEVERITY_WARNING), "Warning");
}
END_TEST

START_TEST(test_ids_are_name_based_guids)
{
	g_autoptr(VsTrace) trace = vs_trace_new();
	VsHop *first = vs_trace_add_hop(trace, vs_hop_new(VS_HOP_SOURCE, 1));
	VsHop *second = vs_trace_add_hop(trace, vs_hop_new(VS_HOP_INTERNET, 2));
	g_autofree char *before = NULL;

	vs_trace_assign_ids(trace, "path-through-fw");
	ck_assert_str_eq(first->id, "e9424e3d-f94a-55dc-a189-dbdabfba7e38");
	ck_assert_str_eq(second->id, "da58f80a-47f4-5e38-a2fa-b09301e8dfc8");
	before = g_strdup(first->id);
	vs_trace_assign_ids(trace, "path-through-fw");
	ck_assert_str_eq(first->id, before);
	vs_trace_assign_ids(trace, "blocked-at-db");
	ck_assert_str_eq(first->id, "6d4548a7-567a-5a64-83d2-75e4d6145b5e");
	ck_assert(g_regex_match_simple("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
				       "[0-9a-f]{12}$",
				       second->id, 0, 0));
}
END_TEST

/* The id scheme as GChecksum computes it: seeds of every length around SHA-1's blocks. */
START_TEST(test_ids_agree_with_gchecksum)
{
	g_autoptr(VsTrace) trace = vs_trace_new();
	g_autoptr(GString) seed = g_string_new(NULL);

	for (guint i = 0; i < 12; i++)
		vs_trace_add_hop(trace, vs_hop_new(VS_HOP_SOURCE, i));
	for (guint length = 0; length < 300; length++) {
		vs_trace_assign_ids(trace, seed->str);
		for (guint i = 0; i < trace->hops->len; i++) {
			const VsHop *hop = g_ptr_array_index(trace->hops, i);
			g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA1);
			g_autofree char *input = g_strdup_printf("%s\n%u", seed->str, i);
			guint8 digest[20];
			gsize size = sizeof(digest);
			g_autofree char *expected = NULL;

			g_checksum_update(checksum, (const guchar *)input, -1);
			g_checksum_get_digest(checksum, digest, &size);
			digest[6] = (guint8)((digest[6] & 0x0f) | 0x50);
			digest[8] = (guint8)((digest[8] & 0x3f) | 0x80);
			expected = g_strdup_printf(
				"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
				digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
				digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
				digest[12], digest[13], digest[14], digest[15]);
			ck_assert_msg(strcmp(hop->id, expected) == 0,
				      "seed of %u bytes, hop %u: %s", length, i, hop->id);
		}
		g_string_append_c(seed, (char)('a' + length % 26));
	}
}
END_TEST

START_TEST(test_has_error_ignores_warnings)
{
	g_autoptr(VsTrace) trace = vs_trace_new();
	VsHop *hop = vs_trace_add_hop(trace, vs_hop_new(VS_HOP_SOURCE, 1));

	ck_assert(!vs_trace_has_error(trace));
	g_ptr_array_add(hop->issues,
			vs_issue_new(VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_WARNING, VS_ISSUE_MEMORY));
	ck_assert(!vs_trace_has_error(trace));
	g_ptr_array_add(hop->issues, vs_issue_new(VS_ORIGIN_OUTBOUND, VS_ISSUE_SEVERITY_ERROR,
						  VS_ISSUE_USER_DEFINED_ROUTE));
	ck_assert(vs_trace_has_error(trace));
}
END_TEST

/* ---------------------------------------------------------------- latency figures */

static const struct {
	double ms;
	const char *text;
	gint64 rounded;
} latency_cases[] = {
	{2.3, "2.3", 2},
	{2.2999999999999998, "2.3", 2},
	{0.1 + 0.2, "0.3", 0},
	{2.0, "2", 2},
	{2.5, "2.5", 3},
	{3.5, "3.5", 4},
	{0.5, "0.5", 1},
	{2.4999, "2.5", 2}, /* the integer rounds the exact figure, not the printed one */
	{12.3456, "12.346", 12},
	{0.0004, "0", 0},
	{0.0, "0", 0},
	{1234.5678, "1234.568", 1235},
	{-2.5, "-2.5", -3},
};

START_TEST(test_latency_figures)
{
	g_autofree char *text = vs_render_format_ms(latency_cases[_i].ms);

	ck_assert_str_eq(text, latency_cases[_i].text);
	ck_assert_int_eq(vs_render_round_ms(latency_cases[_i].ms), latency_cases[_i].rounded);
}
END_TEST

/* ---------------------------------------------------------------- check */

START_TEST(test_check_json_through_appliance)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTrace) trace = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	lab_build(&lab);
	model = lab.model;
	trace = path_through_fw(&lab);
	vs_render_check_json(out, trace);
	assert_text_eq(
		out->str,
		"{\n"
		"  \"hops\": [\n"
		"    {\n"
		"      \"type\": \"Source\",\n"
		"      \"id\": \"e9424e3d-f94a-55dc-a189-dbdabfba7e38\",\n"
		"      \"address\": \"10.1.1.4\",\n"
		"      \"resourceId\": \"" SUB "/Microsoft.Compute/virtualMachines/web1\",\n"
		"      \"nextHopIds\": [\"da58f80a-47f4-5e38-a2fa-b09301e8dfc8\"],\n"
		"      \"issues\": []\n"
		"    },\n"
		"    {\n"
		"      \"type\": \"VirtualAppliance\",\n"
		"      \"id\": \"da58f80a-47f4-5e38-a2fa-b09301e8dfc8\",\n"
		"      \"address\": \"10.0.1.4\",\n"
		"      \"resourceId\": \"" SUB "/Microsoft.Network/networkInterfaces/fw1-nic0\",\n"
		"      \"nextHopIds\": [\"7e56af7e-af19-5a6b-9681-8ad8c7c0cd5f\"],\n"
		"      \"issues\": []\n"
		"    },\n"
		"    {\n"
		"      \"type\": \"VnetLocal\",\n"
		"      \"id\": \"7e56af7e-af19-5a6b-9681-8ad8c7c0cd5f\",\n"
		"      \"address\": \"10.2.1.4\",\n"
		"      \"resourceId\": \"" SUB "/Microsoft.Network/networkInterfaces/db1-nic0\",\n"
		"      \"nextHopIds\": [],\n"
		"      \"issues\": []\n"
		"    }\n"
		"  ],\n"
		"  \"connectionStatus\": \"Reachable\",\n"
		"  \"probesSent\": 30,\n"
		"  \"probesFailed\": 0,\n"
		"  \"avgLatencyInMs\": 2,\n"
		"  \"minLatencyInMs\": 1,\n"
		"  \"maxLatencyInMs\": 4,\n"
		"  \"latencyMs\": {\"min\": 1.2, \"avg\": 2.3, \"max\": 3.5}\n"
		"}\n");
}
END_TEST

START_TEST(test_check_json_blocked_inbound)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTrace) trace = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	lab_build(&lab);
	model = lab.model;
	trace = blocked_at_db(&lab);
	vs_render_check_json(out, trace);
	assert_text_eq(
		out->str,
		"{\n"
		"  \"hops\": [\n"
		"    {\n"
		"      \"type\": \"Source\",\n"
		"      \"id\": \"6d4548a7-567a-5a64-83d2-75e4d6145b5e\",\n"
		"      \"address\": \"10.1.1.4\",\n"
		"      \"resourceId\": \"" SUB "/Microsoft.Compute/virtualMachines/web1\",\n"
		"      \"nextHopIds\": [\"b746f9e8-4456-577c-9029-51cae42be130\"],\n"
		"      \"issues\": [\n"
		"        {\"origin\": \"Local\", \"severity\": \"Warning\", \"type\": \"CPU\",\n"
		"         \"context\": [{\"key\": \"CpuPercent\", \"value\": \"95\"}]}\n"
		"      ]\n"
		"    },\n"
		"    {\n"
		"      \"type\": \"VirtualAppliance\",\n"
		"      \"id\": \"b746f9e8-4456-577c-9029-51cae42be130\",\n"
		"      \"address\": \"10.0.1.4\",\n"
		"      \"resourceId\": \"" SUB "/Microsoft.Network/networkInterfaces/fw1-nic0\",\n"
		"      \"nextHopIds\": [\"97e70a43-6074-599a-8b58-533627661eb9\"],\n"
		"      \"issues\": []\n"
		"    },\n"
		"    {\n"
		"      \"type\": \"VnetLocal\",\n"
		"      \"id\": \"97e70a43-6074-599a-8b58-533627661eb9\",\n"
		"      \"address\": \"10.2.1.4\",\n"
		"      \"resourceId\": \"" SUB "/Microsoft.Network/networkInterfaces/db1-nic0\",\n"
		"      \"nextHopIds\": [],\n"
		"      \"issues\": [\n"
		"        {\"origin\": \"Inbound\", \"severity\": \"Error\", \"type\": \"NetworkSecurityRule\",\n"
		"         \"context\": [{\"key\": \"RuleName\", \"value\": \"UserRule_deny-sql\"},\n"
		"                     {\"key\": \"NsgName\", \"value\": \"nsg-db\"}]}\n"
		"      ]\n"
		"    }\n"
		"  ],\n"
		"  \"connectionStatus\": \"Unreachable\",\n"
		"  \"probesSent\": 30,\n"
		"  \"probesFailed\": 30\n"
		"}\n");
}
END_TEST

START_TEST(test_check_json_is_valid_json)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTrace) trace = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	JsonObject *root, *latency;

	lab_build(&lab);
	model = lab.model;
	trace = path_through_fw(&lab);
	trace->latency_avg_ms = 0.1 + 0.2;
	vs_render_check_json(out, trace);
	ck_assert_msg(json_parser_load_from_data(parser, out->str, -1, &error), "%s",
		      error ? error->message : "");
	root = json_node_get_object(json_parser_get_root(parser));
	latency = json_object_get_object_member(root, "latencyMs");
	ck_assert_double_eq(json_object_get_double_member(latency, "avg"), 0.3);
	ck_assert_int_eq(json_object_get_int_member(root, "avgLatencyInMs"), 0);
	ck_assert_ptr_null(strstr(out->str, "0.30000000000000004"));
}
END_TEST

START_TEST(test_check_text_through_appliance)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTrace) trace = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	lab_build(&lab);
	model = lab.model;
	trace = path_through_fw(&lab);
	vs_render_check_text(out, trace, FALSE);
	assert_text_eq(out->str, "Reachable: web1 -> db1 (10.2.1.4), Tcp port 1433\n"
				 "  1  Source            10.1.1.4  web1/web1-nic0\n"
				 "  2  VirtualAppliance  10.0.1.4  fw1/fw1-nic0\n"
				 "  3  VnetLocal         10.2.1.4  db1/db1-nic0\n"
				 "probes: 30 sent, 0 failed\n"
				 "latency: min 1.2 ms, avg 2.3 ms, max 3.5 ms\n");
}
END_TEST

START_TEST(test_check_text_blocked_inbound)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTrace) trace = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) explained = g_string_new(NULL);

	lab_build(&lab);
	model = lab.model;
	trace = blocked_at_db(&lab);
	vs_render_check_text(out, trace, FALSE);
	assert_text_eq(out->str,
		       "Unreachable: web1 -> db1 (10.2.1.4), Tcp port 1433\n"
		       "  1  Source            10.1.1.4  web1/web1-nic0\n"
		       "     Warning, Local, CPU: CpuPercent=95\n"
		       "  2  VirtualAppliance  10.0.1.4  fw1/fw1-nic0\n"
		       "  3  VnetLocal         10.2.1.4  db1/db1-nic0\n"
		       "     Error, Inbound, NetworkSecurityRule: NSG nsg-db, rule deny-sql "
		       "(Deny, priority 200), models/lab.yaml:57\n"
		       "       nsg-db denies Tcp from 10.1.0.0/16 to port 1433.\n"
		       "probes: 30 sent, 30 failed\n"
		       "note: the guest firewall of db1 was not consulted\n");

	vs_render_check_text(explained, trace, TRUE);
	assert_text_eq(explained->str,
		       "Unreachable: web1 -> db1 (10.2.1.4), Tcp port 1433\n"
		       "  1  Source            10.1.1.4  web1/web1-nic0\n"
		       "     - outbound: no NSG on web1-nic0 or lab/web\n"
		       "     - route 0.0.0.0/0 -> VirtualAppliance 10.0.1.4 (User)\n"
		       "     Warning, Local, CPU: CpuPercent=95\n"
		       "  2  VirtualAppliance  10.0.1.4  fw1/fw1-nic0\n"
		       "  3  VnetLocal         10.2.1.4  db1/db1-nic0\n"
		       "     - NSG nsg-db, inbound rules in priority order:\n"
		       "         deny-sql (priority 200): matched, denied.\n"
		       "     Error, Inbound, NetworkSecurityRule: NSG nsg-db, rule deny-sql "
		       "(Deny, priority 200), models/lab.yaml:57\n"
		       "       nsg-db denies Tcp from 10.1.0.0/16 to port 1433.\n"
		       "probes: 30 sent, 30 failed\n"
		       "note: the guest firewall of db1 was not consulted\n");
}
END_TEST

/* One issue of each kind of cause on a one-hop trace: how the text names the cause. */
START_TEST(test_check_text_names_each_cause)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTrace) trace = vs_trace_new();
	g_autoptr(GString) out = g_string_new(NULL);
	VsHop *source, *internet;
	VsIssue *issue;

	lab_build(&lab);
	model = lab.model;
	trace->source = lab.web;
	trace->packet = (VsPacket){lab.web->private_ip, 0x08080808, VS_PROTO_ICMP, 0, 0};
	source = add_nic_hop(trace, model, VS_HOP_SOURCE, lab.web);
	issue = vs_issue_new(VS_ORIGIN_OUTBOUND, VS_ISSUE_SEVERITY_ERROR,
			     VS_ISSUE_USER_DEFINED_ROUTE);
	issue->route = lab.blackhole;
	g_ptr_array_add(source->issues, issue);
	issue = vs_issue_new(VS_ORIGIN_OUTBOUND, VS_ISSUE_SEVERITY_ERROR,
			     VS_ISSUE_USER_DEFINED_ROUTE);
	issue->route = lab.to_fw;
	g_ptr_array_add(source->issues, issue);
	issue = vs_issue_new(VS_ORIGIN_OUTBOUND, VS_ISSUE_SEVERITY_ERROR,
			     VS_ISSUE_NETWORK_SECURITY_RULE);
	issue->rule = g_ptr_array_index(lab.nsg_web->outbound, lab.nsg_web->outbound->len - 1);
	g_ptr_array_add(source->issues, issue);
	internet = vs_trace_add_hop(trace, vs_hop_new(VS_HOP_INTERNET, 0x08080808));
	internet->resource_id = g_strdup("Internet");
	issue = vs_issue_new(VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_ERROR, VS_ISSUE_GUEST_FIREWALL);
	issue->firewall_rule = lab.block_sql;
	g_ptr_array_add(internet->issues, issue);
	internet->nic = lab.db; /* only so that the firewall's VM can be named */
	g_ptr_array_add(internet->issues, vs_issue_new(VS_ORIGIN_LOCAL, VS_ISSUE_SEVERITY_ERROR,
						       VS_ISSUE_NO_LISTENER));
	trace->probes_sent = trace->probes_failed = 1;

	vs_render_check_text(out, trace, FALSE);
	assert_text_eq(
		out->str,
		"Unreachable: web1 -> 8.8.8.8, Icmp\n"
		"  1  Source    10.1.1.4  web1/web1-nic0\n"
		"     Error, Outbound, UserDefinedRoute: route table rt-spoke, route blackhole "
		"(10.9.0.0/16 -> None), models/lab.yaml:84\n"
		"     Error, Outbound, UserDefinedRoute: route table rt-spoke, route to-fw "
		"(0.0.0.0/0 -> VirtualAppliance 10.0.1.4), models/lab.yaml:80\n"
		"     Error, Outbound, NetworkSecurityRule: NSG nsg-web, default rule DenyAllOutBound "
		"(Deny, priority 65500), models/lab.yaml:30\n"
		"  2  Internet  8.8.8.8   db1/db1-nic0\n"
		"     Error, Local, GuestFirewall: guest firewall of db1, rule block-sql "
		"(Deny, Inbound), models/lab.yaml:95\n"
		"     Error, Local, NoListenerOnDestination\n"
		"probes: 1 sent, 1 failed\n");
}
END_TEST

/* ---------------------------------------------------------------- flow */

START_TEST(test_flow)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(GString) json = g_string_new(NULL);
	g_autoptr(GString) text = g_string_new(NULL);
	VsNsgVerdict verdict;
	VsPacket packet;

	lab_build(&lab);
	model = lab.model;
	packet = (VsPacket){lab.web->private_ip, lab.db->private_ip, VS_PROTO_TCP, 50000, 1433};

	verdict = (VsNsgVerdict){VS_ACCESS_DENY, lab.deny_sql};
	vs_render_flow_json(json, &verdict);
	vs_render_flow_text(text, lab.db, VS_DIRECTION_INBOUND, &packet, &verdict);
	assert_text_eq(json->str, "{\n"
				  "  \"access\": \"Deny\",\n"
				  "  \"ruleName\": \"securityRules/deny-sql\"\n"
				  "}\n");
	assert_text_eq(text->str,
		       "Deny: securityRules/deny-sql of NSG nsg-db, models/lab.yaml:57 "
		       "(Inbound Tcp 10.1.1.4:50000 -> 10.2.1.4:1433 at db1/db1-nic0)\n");

	g_string_truncate(json, 0);
	g_string_truncate(text, 0);
	verdict = (VsNsgVerdict){VS_ACCESS_ALLOW, g_ptr_array_index(lab.nsg_db->outbound,
								    0)}; /* AllowVnetOutBound */
	vs_render_flow_json(json, &verdict);
	assert_text_eq(json->str, "{\n"
				  "  \"access\": \"Allow\",\n"
				  "  \"ruleName\": \"defaultSecurityRules/AllowVnetOutBound\"\n"
				  "}\n");

	g_string_truncate(json, 0);
	packet = (VsPacket){lab.fw->private_ip, 0x08080808, VS_PROTO_ICMP, 0, 0};
	verdict = (VsNsgVerdict){VS_ACCESS_ALLOW, NULL};
	vs_render_flow_json(json, &verdict);
	vs_render_flow_text(text, lab.fw, VS_DIRECTION_OUTBOUND, &packet, &verdict);
	assert_text_eq(json->str, "{\n"
				  "  \"access\": \"Allow\"\n"
				  "}\n");
	assert_text_eq(text->str, "Allow: no NSG on the subnet or the NIC "
				  "(Outbound Icmp 10.0.1.4 -> 8.8.8.8 at fw1/fw1-nic0)\n");
}
END_TEST

/* ---------------------------------------------------------------- nexthop */

START_TEST(test_nexthop)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	VsEffectiveRoute user, peering, internet;

	lab_build(&lab);
	model = lab.model;
	user = (VsEffectiveRoute){lab.to_fw->prefix,
				  VS_NEXT_HOP_VIRTUAL_APPLIANCE,
				  TRUE,
				  lab.to_fw->next_hop_ip,
				  VS_ROUTE_SOURCE_USER,
				  TRUE,
				  lab.to_fw,
				  NULL};
	peering = (VsEffectiveRoute){mb_prefix("10.0.0.0/16"),
				     VS_NEXT_HOP_VNET_PEERING,
				     FALSE,
				     0,
				     VS_ROUTE_SOURCE_DEFAULT,
				     TRUE,
				     NULL,
				     vs_model_find_vnet(model, "hub")};
	internet = (VsEffectiveRoute){mb_prefix("0.0.0.0/0"),
				      VS_NEXT_HOP_INTERNET,
				      FALSE,
				      0,
				      VS_ROUTE_SOURCE_DEFAULT,
				      TRUE,
				      NULL,
				      NULL};

	vs_render_nexthop_json(out, model, &user);
	vs_render_nexthop_json(out, model, &peering);
	vs_render_nexthop_json(out, model, &internet);
	vs_render_nexthop_json(out, model, NULL);
	assert_text_eq(out->str,
		       "{\n"
		       "  \"nextHopType\": \"VirtualAppliance\",\n"
		       "  \"nextHopIpAddress\": \"10.0.1.4\",\n"
		       "  \"routeTableId\": \"" SUB "/Microsoft.Network/routeTables/rt-spoke\"\n"
		       "}\n"
		       "{\n"
		       "  \"nextHopType\": \"VnetPeering\",\n"
		       "  \"nextHopIpAddress\": \"\",\n"
		       "  \"routeTableId\": \"System Route\"\n"
		       "}\n"
		       "{\n"
		       "  \"nextHopType\": \"Internet\",\n"
		       "  \"nextHopIpAddress\": \"\",\n"
		       "  \"routeTableId\": \"System Route\"\n"
		       "}\n"
		       "{\n"
		       "  \"nextHopType\": \"None\",\n"
		       "  \"nextHopIpAddress\": \"\",\n"
		       "  \"routeTableId\": \"System Route\"\n"
		       "}\n");

	g_string_truncate(out, 0);
	vs_render_nexthop_text(out, 0x0a020104, &user);
	vs_render_nexthop_text(out, 0x0a000104, &peering);
	vs_render_nexthop_text(out, 0x08080808, &internet);
	vs_render_nexthop_text(out, 0xac1f0064, NULL);
	assert_text_eq(out->str, "VirtualAppliance 10.0.1.4: user route 0.0.0.0/0, route table "
				 "rt-spoke, route to-fw, models/lab.yaml:80\n"
				 "VnetPeering: system route 10.0.0.0/16, peering to hub\n"
				 "Internet: system route 0.0.0.0/0\n"
				 "None: no route matches 172.31.0.100\n");
}
END_TEST

/* ---------------------------------------------------------------- routes */

START_TEST(test_routes)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(GArray) routes = g_array_new(FALSE, FALSE, sizeof(VsEffectiveRoute));
	g_autoptr(GString) out = g_string_new(NULL);
	VsEffectiveRoute route;

	lab_build(&lab);
	model = lab.model;
	route = (VsEffectiveRoute){mb_prefix("10.1.0.0/16"),
				   VS_NEXT_HOP_VNET_LOCAL,
				   FALSE,
				   0,
				   VS_ROUTE_SOURCE_DEFAULT,
				   TRUE,
				   NULL,
				   NULL};
	g_array_append_val(routes, route);
	route.prefix = mb_prefix("10.0.0.0/16");
	route.next_hop_type = VS_NEXT_HOP_VNET_PEERING;
	route.peer_vnet = vs_model_find_vnet(model, "hub");
	g_array_append_val(routes, route);
	route.prefix = mb_prefix("0.0.0.0/0");
	route.next_hop_type = VS_NEXT_HOP_INTERNET;
	route.peer_vnet = NULL;
	route.active = FALSE;
	g_array_append_val(routes, route);
	route = (VsEffectiveRoute){lab.to_fw->prefix,
				   VS_NEXT_HOP_VIRTUAL_APPLIANCE,
				   TRUE,
				   lab.to_fw->next_hop_ip,
				   VS_ROUTE_SOURCE_USER,
				   TRUE,
				   lab.to_fw,
				   NULL};
	g_array_append_val(routes, route);

	vs_render_routes_json(out, routes);
	assert_text_eq(out->str, "{\n"
				 "  \"value\": [\n"
				 "    {\n"
				 "      \"name\": null,\n"
				 "      \"source\": \"Default\",\n"
				 "      \"state\": \"Active\",\n"
				 "      \"addressPrefix\": [\"10.1.0.0/16\"],\n"
				 "      \"nextHopIpAddress\": [],\n"
				 "      \"nextHopType\": \"VnetLocal\"\n"
				 "    },\n"
				 "    {\n"
				 "      \"name\": null,\n"
				 "      \"source\": \"Default\",\n"
				 "      \"state\": \"Active\",\n"
				 "      \"addressPrefix\": [\"10.0.0.0/16\"],\n"
				 "      \"nextHopIpAddress\": [],\n"
				 "      \"nextHopType\": \"VNetPeering\"\n"
				 "    },\n"
				 "    {\n"
				 "      \"name\": null,\n"
				 "      \"source\": \"Default\",\n"
				 "      \"state\": \"Invalid\",\n"
				 "      \"addressPrefix\": [\"0.0.0.0/0\"],\n"
				 "      \"nextHopIpAddress\": [],\n"
				 "      \"nextHopType\": \"Internet\"\n"
				 "    },\n"
				 "    {\n"
				 "      \"name\": \"to-fw\",\n"
				 "      \"source\": \"User\",\n"
				 "      \"state\": \"Active\",\n"
				 "      \"addressPrefix\": [\"0.0.0.0/0\"],\n"
				 "      \"nextHopIpAddress\": [\"10.0.1.4\"],\n"
				 "      \"nextHopType\": \"VirtualAppliance\"\n"
				 "    }\n"
				 "  ]\n"
				 "}\n");

	g_string_truncate(out, 0);
	vs_render_routes_text(out, routes);
	assert_text_eq(
		out->str,
		"Source   State    Address prefix  Next hop type     Next hop IP  Route\n"
		"Default  Active   10.1.0.0/16     VnetLocal\n"
		"Default  Active   10.0.0.0/16     VNetPeering                    peering "
		"to hub\n"
		"Default  Invalid  0.0.0.0/0       Internet\n"
		"User     Active   0.0.0.0/0       VirtualAppliance  10.0.1.4     route table "
		"rt-spoke, route to-fw, models/lab.yaml:80\n");
}
END_TEST

/* ---------------------------------------------------------------- rules */

static void
add_prefixes(GArray *prefixes, const char *list)
{
	g_auto(GStrv) items = g_strsplit(list, " ", -1);

	for (guint i = 0; items[i] != NULL; i++) {
		VsPrefix prefix = mb_prefix(items[i]);

		g_array_append_val(prefixes, prefix);
	}
}

static VsEffectiveRule *
effective_rule(const VsRule *rule, const char *source, const char *destination)
{
	VsEffectiveRule *item = vs_effective_rule_new(rule);

	add_prefixes(item->expanded_source, source);
	add_prefixes(item->expanded_destination, destination);
	return item;
}

/* The subnet's nsg-web (one user rule, one default) and a NIC NSG with a multi-valued rule. */
static GPtrArray *
web_effective_nsgs(const Lab *lab, VsNsg *nic_nsg)
{
	GPtrArray *nsgs = g_ptr_array_new_with_free_func((GDestroyNotify)vs_effective_nsg_free);
	VsEffectiveNsg *subnet_level = vs_effective_nsg_new(lab->nsg_web, lab->web->subnet, NULL);
	VsEffectiveNsg *nic_level = vs_effective_nsg_new(nic_nsg, NULL, lab->web);

	g_ptr_array_add(subnet_level->rules,
			effective_rule(g_ptr_array_index(lab->nsg_web->inbound, 0),
				       "1.0.0.0/8 2.0.0.0/7", "0.0.0.0/0"));
	g_ptr_array_add(subnet_level->rules,
			effective_rule(g_ptr_array_index(lab->nsg_web->outbound, 0),
				       "10.0.0.0/15 10.2.0.0/16 168.63.129.16/32",
				       "10.0.0.0/15 10.2.0.0/16 168.63.129.16/32"));
	g_ptr_array_add(nsgs, subnet_level);
	g_ptr_array_add(nic_level->rules,
			effective_rule(g_ptr_array_index(nic_nsg->rules, 0),
				       "10.0.1.4/32 10.0.1.5/32", "10.1.1.0/24 10.1.2.0/24"));
	g_ptr_array_add(nsgs, nic_level);
	return nsgs;
}

static VsNsg *
nic_nsg_for(Lab *lab)
{
	VsNsg *nsg = vs_nsg_new("nsg-web1");
	VsRule *rule = vs_rule_new("allow-ssh");
	VsAsg *admins = vs_asg_new("asg-admin");
	VsPortRange ssh = {22, 22}, alt = {2222, 2300}, any = {0, 65535};

	rule->nsg = nsg;
	rule->priority = 300;
	rule->access = VS_ACCESS_ALLOW;
	rule->protocol = VS_PROTO_TCP;
	rule->source.kind = VS_MATCH_ASGS;
	rule->source.asgs = g_ptr_array_new();
	g_ptr_array_add(rule->source.asgs, admins);
	rule->destination.kind = VS_MATCH_PREFIXES;
	rule->destination.prefixes = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	add_prefixes(rule->destination.prefixes, "10.1.1.0/24 10.1.2.0/24");
	g_array_append_val(rule->source_ports, any);
	g_array_append_val(rule->destination_ports, ssh);
	g_array_append_val(rule->destination_ports, alt);
	rule->pos = (VsPos){"models/lab.yaml", 70, 9};
	g_ptr_array_add(nsg->rules, rule);
	ck_assert(vs_model_add_asg(lab->model, admins));
	ck_assert(vs_model_add_nsg(lab->model, nsg));
	return nsg;
}

START_TEST(test_rules_json)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(GPtrArray) nsgs = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	lab_build(&lab);
	model = lab.model;
	nsgs = web_effective_nsgs(&lab, nic_nsg_for(&lab));
	vs_render_rules_json(out, model, nsgs);
	assert_text_eq(
		out->str,
		"{\n"
		"  \"value\": [\n"
		"    {\n"
		"      \"networkSecurityGroup\": {\n"
		"        \"id\": \"" SUB "/Microsoft.Network/networkSecurityGroups/nsg-web\"\n"
		"      },\n"
		"      \"association\": {\n"
		"        \"subnet\": {\n"
		"          \"id\": \"" SUB
		"/Microsoft.Network/virtualNetworks/spoke1/subnets/web\"\n"
		"        }\n"
		"      },\n"
		"      \"effectiveSecurityRules\": [\n"
		"        {\n"
		"          \"name\": \"securityRules/allow-https\",\n"
		"          \"protocol\": \"Tcp\",\n"
		"          \"sourcePortRange\": \"0-65535\",\n"
		"          \"sourcePortRanges\": [\"0-65535\"],\n"
		"          \"destinationPortRange\": \"443\",\n"
		"          \"destinationPortRanges\": [\"443\"],\n"
		"          \"sourceAddressPrefix\": \"Internet\",\n"
		"          \"sourceAddressPrefixes\": [\"Internet\"],\n"
		"          \"expandedSourceAddressPrefix\": [\"1.0.0.0/8\", \"2.0.0.0/7\"],\n"
		"          \"destinationAddressPrefix\": \"0.0.0.0/0\",\n"
		"          \"destinationAddressPrefixes\": [\"0.0.0.0/0\"],\n"
		"          \"expandedDestinationAddressPrefix\": [\"0.0.0.0/0\"],\n"
		"          \"access\": \"Allow\",\n"
		"          \"priority\": 100,\n"
		"          \"direction\": \"Inbound\"\n"
		"        },\n"
		"        {\n"
		"          \"name\": \"defaultSecurityRules/AllowVnetOutBound\",\n"
		"          \"protocol\": \"All\",\n"
		"          \"sourcePortRange\": \"0-65535\",\n"
		"          \"sourcePortRanges\": [\"0-65535\"],\n"
		"          \"destinationPortRange\": \"0-65535\",\n"
		"          \"destinationPortRanges\": [\"0-65535\"],\n"
		"          \"sourceAddressPrefix\": \"VirtualNetwork\",\n"
		"          \"sourceAddressPrefixes\": [\"VirtualNetwork\"],\n"
		"          \"expandedSourceAddressPrefix\": [\"10.0.0.0/15\", \"10.2.0.0/16\",\n"
		"                                          \"168.63.129.16/32\"],\n"
		"          \"destinationAddressPrefix\": \"VirtualNetwork\",\n"
		"          \"destinationAddressPrefixes\": [\"VirtualNetwork\"],\n"
		"          \"expandedDestinationAddressPrefix\": [\"10.0.0.0/15\", \"10.2.0.0/16\",\n"
		"                                               \"168.63.129.16/32\"],\n"
		"          \"access\": \"Allow\",\n"
		"          \"priority\": 65000,\n"
		"          \"direction\": \"Outbound\"\n"
		"        }\n"
		"      ]\n"
		"    },\n"
		"    {\n"
		"      \"networkSecurityGroup\": {\n"
		"        \"id\": \"" SUB "/Microsoft.Network/networkSecurityGroups/nsg-web1\"\n"
		"      },\n"
		"      \"association\": {\n"
		"        \"networkInterface\": {\n"
		"          \"id\": \"" SUB "/Microsoft.Network/networkInterfaces/web1-nic0\"\n"
		"        }\n"
		"      },\n"
		"      \"effectiveSecurityRules\": [\n"
		"        {\n"
		"          \"name\": \"securityRules/allow-ssh\",\n"
		"          \"protocol\": \"Tcp\",\n"
		"          \"sourcePortRange\": \"0-65535\",\n"
		"          \"sourcePortRanges\": [\"0-65535\"],\n"
		"          \"destinationPortRange\": null,\n"
		"          \"destinationPortRanges\": [\"22\", \"2222-2300\"],\n"
		"          \"sourceAddressPrefix\": \"asg-admin\",\n"
		"          \"sourceAddressPrefixes\": [\"asg-admin\"],\n"
		"          \"expandedSourceAddressPrefix\": [\"10.0.1.4/32\", \"10.0.1.5/32\"],\n"
		"          \"destinationAddressPrefix\": null,\n"
		"          \"destinationAddressPrefixes\": [\"10.1.1.0/24\", \"10.1.2.0/24\"],\n"
		"          \"expandedDestinationAddressPrefix\": [\"10.1.1.0/24\", \"10.1.2.0/24\"],\n"
		"          \"access\": \"Allow\",\n"
		"          \"priority\": 300,\n"
		"          \"direction\": \"Inbound\"\n"
		"        }\n"
		"      ]\n"
		"    }\n"
		"  ]\n"
		"}\n");
}
END_TEST

START_TEST(test_rules_text)
{
	Lab lab;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(GPtrArray) nsgs = NULL;
	g_autoptr(GPtrArray) subnet_only = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	lab_build(&lab);
	model = lab.model;
	nsgs = web_effective_nsgs(&lab, nic_nsg_for(&lab));
	vs_render_rules_text(out, lab.web, nsgs);
	assert_text_eq(
		out->str,
		"Inbound, in evaluation order:\n"
		"  subnet spoke1/web: NSG nsg-web, models/lab.yaml:30\n"
		"    Priority  Name         Access  Protocol  Source    Source ports  Destination  "
		"Destination ports  Declared\n"
		"    100       allow-https  Allow   Tcp       Internet  0-65535       0.0.0.0/0    "
		"443                models/lab.yaml:33\n"
		"  NIC web1-nic0: NSG nsg-web1\n"
		"    Priority  Name       Access  Protocol  Source     Source ports  "
		"Destination              Destination ports  Declared\n"
		"    300       allow-ssh  Allow   Tcp       asg-admin  0-65535       "
		"10.1.1.0/24,10.1.2.0/24  22,2222-2300       models/lab.yaml:70\n"
		"Outbound, in evaluation order:\n"
		"  NIC web1-nic0: NSG nsg-web1\n"
		"    (no rules in this direction)\n"
		"  subnet spoke1/web: NSG nsg-web, models/lab.yaml:30\n"
		"    Priority  Name               Access  Protocol  Source          Source ports  "
		"Destination     Destination ports  Declared\n"
		"    65000     AllowVnetOutBound  Allow   All       VirtualNetwork  0-65535       "
		"VirtualNetwork  0-65535            (default rule)\n"
		"Service tags, as seen from subnet spoke1/web:\n"
		"  Internet        1.0.0.0/8 2.0.0.0/7\n"
		"  VirtualNetwork  10.0.0.0/15 10.2.0.0/16 168.63.129.16/32\n");

	/* a level without an NSG says so */
	subnet_only = g_ptr_array_new_with_free_func((GDestroyNotify)vs_effective_nsg_free);
	g_ptr_array_add(subnet_only, g_ptr_array_steal_index(nsgs, 0));
	g_string_truncate(out, 0);
	vs_render_rules_text(out, lab.web, subnet_only);
	ck_assert_ptr_nonnull(strstr(out->str, "Inbound, in evaluation order:\n"
					       "  subnet spoke1/web: NSG nsg-web"));
	ck_assert_ptr_nonnull(strstr(out->str, "Outbound, in evaluation order:\n"
					       "  NIC web1-nic0: no NSG, allows everything\n"));
}
END_TEST

Suite *
render_suite(void)
{
	Suite *suite = suite_create("render");
	TCase *names = tcase_create("names");
	TCase *check = tcase_create("check");
	TCase *others = tcase_create("flow-nexthop-routes-rules");

	tcase_add_loop_test(names, test_issue_type_names, 0, G_N_ELEMENTS(issue_type_names));
	tcase_add_test(names, test_other_names);
	tcase_add_test(names, test_ids_are_name_based_guids);
	tcase_add_test(names, test_ids_agree_with_gchecksum);
	tcase_add_test(names, test_has_error_ignores_warnings);
	tcase_add_loop_test(names, test_latency_figures, 0, G_N_ELEMENTS(latency_cases));
	suite_add_tcase(suite, names);

	tcase_add_test(check, test_check_json_through_appliance);
	tcase_add_test(check, test_check_json_blocked_inbound);
	tcase_add_test(check, test_check_json_is_valid_json);
	tcase_add_test(check, test_check_text_through_appliance);
	tcase_add_test(check, test_check_text_blocked_inbound);
	tcase_add_test(check, test_check_text_names_each_cause);
	suite_add_tcase(suite, check);

	tcase_add_test(others, test_flow);
	tcase_add_test(others, test_nexthop);
	tcase_add_test(others, test_routes);
	tcase_add_test(others, test_rules_json);
	tcase_add_test(others, test_rules_text);
	suite_add_tcase(suite, others);
	return suite;
}
