/*
 * check_walk.c - the hop-by-hop walk: every next hop type, where each issue
 * lands (hop, origin, type, context), peerings (Connected, Initiated,
 * forwarded traffic), appliances (forwarding, missing, loops), internet
 * egress, explain lines and deterministic hop ids.
 */
#include "config.h"

#include <string.h>

#include "model-builder.h"
#include "suites.h"
#include "walk.h"

/*
 * The estate:
 *   hub 10.0.0.0/16      snet-fw 10.0.1.0/24: fw1 10.0.1.4 (forwards), fw2 10.0.1.5 (does not)
 *                        snet-priv 10.0.3.0/24 (private): priv1 10.0.3.4
 *                        snet-priv2 10.0.6.0/24 (private, 0/0 -> fw1): priv2 10.0.6.4
 *                        snet-la 10.0.4.0/24 (10.50/16 -> nva-b): nva-a 10.0.4.4
 *                        snet-lb 10.0.5.0/24 (10.50/16 -> nva-a): nva-b 10.0.5.4
 *   spoke1 10.1.0.0/16   snet-web 10.1.1.0/24 with rt-spoke1: web1 10.1.1.4 (public 20.1.1.4),
 *                        web2 10.1.1.5
 *   spoke2 10.2.0.0/16   snet-db 10.2.1.0/24 with rt-spoke2 (10.1/16 -> fw1, the return
 *                        route): db1 10.2.1.4 (public 52.0.0.4); its peering to the hub
 *                        accepts forwarded traffic
 *   spoke3 10.3.0.0/16   snet-app 10.3.1.0/24 with rt-spoke3 (10.1/16 -> fw1): app1
 *                        10.3.1.4; refuses forwarded traffic
 *   spoke4 10.6.0.0/16   spoke1 peers to it, it never peers back (Initiated): vm4 10.6.1.4
 * Spokes 1-3 are Connected with the hub; spoke1 accepts forwarded traffic (the
 * replies that fw1 forwards back to it).
 */
typedef struct {
	VsModel *model;
	VsVnet *hub, *spoke1, *spoke2, *spoke3;
	VsSubnet *web_subnet, *db_subnet;
	VsNic *web1, *web2, *db1, *fw1, *fw2, *priv1, *priv2;
	VsEngine *engine;
} Fixture;

static void
fixture_init(Fixture *f)
{
	VsVnet *spoke4;
	VsSubnet *fw_subnet, *priv, *priv2, *la, *lb;
	VsRouteTable *rt_spoke1, *rt_spoke2, *rt_spoke3, *rt_la, *rt_lb, *rt_priv2;

	memset(f, 0, sizeof(*f));
	f->model = mb_model("lab");
	f->hub = mb_vnet(f->model, "hub", "10.0.0.0/16");
	f->spoke1 = mb_vnet(f->model, "spoke1", "10.1.0.0/16");
	f->spoke2 = mb_vnet(f->model, "spoke2", "10.2.0.0/16");
	f->spoke3 = mb_vnet(f->model, "spoke3", "10.3.0.0/16");
	spoke4 = mb_vnet(f->model, "spoke4", "10.6.0.0/16");
	mb_peer(f->spoke1, f->hub);
	((VsPeering *)g_ptr_array_index(f->spoke1->peerings, 0))->allow_forwarded_traffic = TRUE;
	mb_peer(f->hub, f->spoke2);
	((VsPeering *)g_ptr_array_index(f->spoke2->peerings, 0))->allow_forwarded_traffic = TRUE;
	mb_peer(f->hub, f->spoke3);
	mb_peering(f->spoke1, spoke4);

	fw_subnet = mb_subnet(f->model, f->hub, "snet-fw", "10.0.1.0/24");
	priv = mb_subnet(f->model, f->hub, "snet-priv", "10.0.3.0/24");
	priv->default_outbound_access = FALSE;
	priv2 = mb_subnet(f->model, f->hub, "snet-priv2", "10.0.6.0/24");
	priv2->default_outbound_access = FALSE;
	la = mb_subnet(f->model, f->hub, "snet-la", "10.0.4.0/24");
	lb = mb_subnet(f->model, f->hub, "snet-lb", "10.0.5.0/24");
	f->web_subnet = mb_subnet(f->model, f->spoke1, "snet-web", "10.1.1.0/24");
	f->db_subnet = mb_subnet(f->model, f->spoke2, "snet-db", "10.2.1.0/24");
	rt_spoke2 = mb_route_table(f->model, "rt-spoke2");
	mb_route(rt_spoke2, "to-spoke1", "10.1.0.0/16", "VirtualAppliance", "10.0.1.4");
	f->db_subnet->route_table = rt_spoke2;
	rt_spoke3 = mb_route_table(f->model, "rt-spoke3");
	mb_route(rt_spoke3, "to-spoke1", "10.1.0.0/16", "VirtualAppliance", "10.0.1.4");
	mb_subnet(f->model, f->spoke3, "snet-app", "10.3.1.0/24")->route_table = rt_spoke3;
	mb_subnet(f->model, spoke4, "snet", "10.6.1.0/24");

	rt_spoke1 = mb_route_table(f->model, "rt-spoke1");
	mb_route(rt_spoke1, "to-spoke2", "10.2.0.0/16", "VirtualAppliance", "10.0.1.4");
	mb_route(rt_spoke1, "to-spoke3", "10.3.0.0/16", "VirtualAppliance", "10.0.1.4");
	mb_route(rt_spoke1, "via-fw2", "10.5.0.0/16", "VirtualAppliance", "10.0.1.5");
	mb_route(rt_spoke1, "via-ghost", "10.4.0.0/16", "VirtualAppliance", "10.0.1.99");
	mb_route(rt_spoke1, "into-loop", "10.50.0.0/16", "VirtualAppliance", "10.0.4.4");
	mb_route(rt_spoke1, "onprem", "10.60.0.0/16", "VirtualNetworkGateway", NULL);
	mb_route(rt_spoke1, "blackhole", "10.70.0.0/16", "None", NULL);
	mb_route(rt_spoke1, "fw-itself", "10.0.1.4/32", "VirtualAppliance", "10.0.1.4");
	f->web_subnet->route_table = rt_spoke1;
	rt_la = mb_route_table(f->model, "rt-la");
	mb_route(rt_la, "loop-to-b", "10.50.0.0/16", "VirtualAppliance", "10.0.5.4");
	la->route_table = rt_la;
	rt_lb = mb_route_table(f->model, "rt-lb");
	mb_route(rt_lb, "loop-to-a", "10.50.0.0/16", "VirtualAppliance", "10.0.4.4");
	lb->route_table = rt_lb;
	rt_priv2 = mb_route_table(f->model, "rt-priv2");
	mb_route(rt_priv2, "default-via-fw", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4");
	priv2->route_table = rt_priv2;

	f->fw1 = mb_vm(f->model, "fw1", fw_subnet, "10.0.1.4");
	f->fw1->ip_forwarding = TRUE;
	f->fw2 = mb_vm(f->model, "fw2", fw_subnet, "10.0.1.5");
	f->priv1 = mb_vm(f->model, "priv1", priv, "10.0.3.4");
	f->priv2 = mb_vm(f->model, "priv2", priv2, "10.0.6.4");
	mb_vm(f->model, "nva-a", la, "10.0.4.4")->ip_forwarding = TRUE;
	mb_vm(f->model, "nva-b", lb, "10.0.5.4")->ip_forwarding = TRUE;
	f->web1 = mb_vm(f->model, "web1", f->web_subnet, "10.1.1.4");
	f->web1->has_public_ip = TRUE;
	f->web1->public_ip = mb_ip("20.1.1.4");
	f->web2 = mb_vm(f->model, "web2", f->web_subnet, "10.1.1.5");
	f->db1 = mb_vm(f->model, "db1", f->db_subnet, "10.2.1.4");
	f->db1->has_public_ip = TRUE;
	f->db1->public_ip = mb_ip("52.0.0.4");
	mb_vm(f->model, "app1", g_ptr_array_index(f->spoke3->subnets, 0), "10.3.1.4");
	mb_vm(f->model, "vm4", g_ptr_array_index(spoke4->subnets, 0), "10.6.1.4");
}

static void
fixture_ready(Fixture *f)
{
	mb_finish(f->model);
	f->engine = vs_engine_new(f->model);
}

static void
fixture_clear(Fixture *f)
{
	vs_engine_free(f->engine);
	vs_model_free(f->model);
}

static VsTrace *
walk_to(Fixture *f, const VsNic *source, const char *destination, VsProtocol protocol, guint16 port,
	gboolean explain)
{
	VsQuery query = {
		.source = source,
		.destination = mb_ip(destination),
		.protocol = protocol,
		.source_port = 50000,
		.destination_port = port,
		.explain = explain,
	};

	return vs_walk(f->engine, &query);
}

/* "Source VirtualAppliance VnetLocal" */
static char *
hop_types(const VsTrace *trace)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		g_string_append_printf(text, "%s%s", i ? " " : "", vs_hop_type_name(hop->type));
	}
	return g_string_free(text, FALSE);
}

/* "1:Outbound/Platform[Peering=hub -> spoke3]", one per issue, in hop order */
static char *
issues_text(const VsTrace *trace)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		for (guint j = 0; j < hop->issues->len; j++) {
			const VsIssue *issue = g_ptr_array_index(hop->issues, j);

			g_string_append_printf(text, "%s%u:%s/%s[", text->len ? " " : "", i,
					       vs_issue_origin_name(issue->origin),
					       vs_issue_type_name(issue->type));
			for (guint k = 0; k < issue->context->len; k++) {
				const VsIssueContext *context =
					g_ptr_array_index(issue->context, k);

				g_string_append_printf(text, "%s%s=%s", k ? ";" : "", context->key,
						       context->value);
			}
			g_string_append(text, "]");
			ck_assert_msg(issue->detail != NULL && issue->detail[0] != '\0',
				      "every issue has a detail sentence");
			ck_assert_int_eq(issue->severity, VS_ISSUE_SEVERITY_ERROR);
		}
	}
	return g_string_free(text, FALSE);
}

static const VsIssue *
only_issue(const VsTrace *trace, guint hop_index)
{
	const VsHop *hop = g_ptr_array_index(trace->hops, hop_index);

	ck_assert_uint_eq(hop->issues->len, 1);
	return g_ptr_array_index(hop->issues, 0);
}

/* ---------------------------------------------------------------- paths on the plain fixture */

static const struct {
	const char *what;
	const char *source; /* VM name */
	const char *destination;
	VsProtocol protocol;
	guint16 port;
	const char *hops;
	gboolean reachable;
	const char *issues;
} path_rows[] = {
	{"same VNet, direct", "web1", "10.1.1.5", VS_PROTO_TCP, 443, "Source VnetLocal", TRUE, ""},
	{"peered hub, system VNetPeering route", "web1", "10.0.3.4", VS_PROTO_TCP, 22,
	 "Source VnetLocal", TRUE, ""},
	{"through the hub firewall to a spoke that accepts forwarded traffic", "web1", "10.2.1.4",
	 VS_PROTO_TCP, 1433, "Source VirtualAppliance VnetLocal", TRUE, ""},
	{"ping through the firewall", "web1", "10.2.1.4", VS_PROTO_ICMP, 0,
	 "Source VirtualAppliance VnetLocal", TRUE, ""},
	{"forwarded into a spoke that refuses forwarded traffic", "web1", "10.3.1.4", VS_PROTO_TCP,
	 443, "Source VirtualAppliance", FALSE, "1:Outbound/Platform[Peering=hub -> spoke3]"},
	{"the appliance itself is the destination", "web1", "10.0.1.4", VS_PROTO_TCP, 22,
	 "Source VnetLocal", TRUE, ""},
	{"appliance without IP forwarding", "web1", "10.5.0.9", VS_PROTO_TCP, 80, "Source", FALSE,
	 "0:Outbound/UserDefinedRoute[RouteName=via-fw2;RouteTable=rt-spoke1;"
	 "AddressPrefix=10.5.0.0/16;NextHopType=VirtualAppliance]"},
	{"appliance address that no NIC owns", "web1", "10.4.0.9", VS_PROTO_TCP, 80, "Source",
	 FALSE,
	 "0:Outbound/UserDefinedRoute[RouteName=via-ghost;RouteTable=rt-spoke1;"
	 "AddressPrefix=10.4.0.0/16;NextHopType=VirtualAppliance]"},
	{"a loop between two appliances", "web1", "10.50.1.1", VS_PROTO_TCP, 80,
	 "Source VirtualAppliance VirtualAppliance", FALSE,
	 "2:Outbound/UserDefinedRoute[RouteName=loop-to-a;RouteTable=rt-lb;"
	 "AddressPrefix=10.50.0.0/16;NextHopType=VirtualAppliance]"},
	{"a user None route", "web1", "10.70.0.1", VS_PROTO_UDP, 53, "Source", FALSE,
	 "0:Outbound/UserDefinedRoute[RouteName=blackhole;RouteTable=rt-spoke1;"
	 "AddressPrefix=10.70.0.0/16;NextHopType=None]"},
	{"the system None route for an Initiated peer", "web1", "10.6.1.4", VS_PROTO_TCP, 443,
	 "Source", FALSE, "0:Outbound/UserDefinedRoute[AddressPrefix=10.0.0.0/8;NextHopType=None]"},
	{"a gateway next hop, not modelled", "web1", "10.60.0.1", VS_PROTO_TCP, 443, "Source",
	 FALSE,
	 "0:Outbound/UserDefinedRoute[RouteName=onprem;RouteTable=rt-spoke1;"
	 "AddressPrefix=10.60.0.0/16;NextHopType=VirtualNetworkGateway]"},
	{"172.16/12 outside every VNet", "web1", "172.31.0.100", VS_PROTO_TCP, 443, "Source", FALSE,
	 "0:Outbound/UserDefinedRoute[AddressPrefix=172.16.0.0/12;NextHopType=None]"},
	{"a VNet address that no NIC owns", "web1", "10.1.1.99", VS_PROTO_TCP, 443,
	 "Source VnetLocal", FALSE, "1:Local/Unknown[]"},
	{"the internet, with a public IP", "web1", "8.8.8.8", VS_PROTO_TCP, 443, "Source Internet",
	 TRUE, ""},
	{"the internet, through default outbound access", "fw2", "8.8.8.8", VS_PROTO_TCP, 443,
	 "Source Internet", TRUE, ""},
	{"the internet from a private subnet", "priv1", "8.8.8.8", VS_PROTO_TCP, 443,
	 "Source Internet", FALSE,
	 "0:Outbound/Platform[ErrorMessage=Private subnet hub/snet-priv (defaultOutboundAccess "
	 "false) and no public IP on priv1-nic0: no outbound connectivity]"},
	{"a private subnet leaves through the appliance's way out", "priv2", "8.8.8.8",
	 VS_PROTO_TCP, 443, "Source VirtualAppliance Internet", TRUE, ""},
	{"a private subnet's 0/0 route also takes private space to the appliance", "priv2",
	 "172.31.0.100", VS_PROTO_TCP, 443, "Source VirtualAppliance", FALSE,
	 "1:Outbound/UserDefinedRoute[AddressPrefix=172.16.0.0/12;NextHopType=None]"},
	{"a VM's public address: on to that VM (no NSG there)", "web1", "52.0.0.4", VS_PROTO_TCP,
	 443, "Source Internet VnetLocal", TRUE, ""},
};

START_TEST(test_paths)
{
	Fixture f;
	g_autoptr(VsTrace) trace = NULL;
	g_autofree char *hops = NULL, *issues = NULL;

	fixture_init(&f);
	fixture_ready(&f);
	trace = walk_to(&f, vs_model_resolve_nic(f.model, path_rows[_i].source),
			path_rows[_i].destination, path_rows[_i].protocol, path_rows[_i].port,
			FALSE);
	hops = hop_types(trace);
	issues = issues_text(trace);
	ck_assert_msg(strcmp(hops, path_rows[_i].hops) == 0, "%s: hops '%s', expected '%s'",
		      path_rows[_i].what, hops, path_rows[_i].hops);
	ck_assert_msg(strcmp(issues, path_rows[_i].issues) == 0,
		      "%s:\n issues   '%s'\n expected '%s'", path_rows[_i].what, issues,
		      path_rows[_i].issues);
	ck_assert_msg(trace->reachable == path_rows[_i].reachable, "%s: reachable %d",
		      path_rows[_i].what, trace->reachable);
	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		ck_assert_ptr_nonnull(hop->id);
		ck_assert_ptr_nonnull(hop->resource_id);
		ck_assert_uint_eq(hop->explain->len, 0); /* not asked for */
	}
	fixture_clear(&f);
}
END_TEST

START_TEST(test_hop_details)
{
	Fixture f;
	g_autoptr(VsTrace) trace = NULL, internet = NULL;
	const VsHop *source, *appliance, *destination;
	char ip[16];

	fixture_init(&f);
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, FALSE);
	ck_assert_uint_eq(trace->hops->len, 3);
	source = g_ptr_array_index(trace->hops, 0);
	appliance = g_ptr_array_index(trace->hops, 1);
	destination = g_ptr_array_index(trace->hops, 2);
	ck_assert_str_eq(source->resource_id, "/subscriptions/00000000-0000-0000-0000-000000000000/"
					      "resourceGroups/lab/providers/Microsoft.Compute/"
					      "virtualMachines/web1");
	ck_assert_str_eq(vs_ip4_format(source->address, ip), "10.1.1.4");
	ck_assert_ptr_eq(source->nic, f.web1);
	ck_assert_str_eq(appliance->resource_id, "/subscriptions/00000000-0000-0000-0000-"
						 "000000000000/resourceGroups/lab/providers/"
						 "Microsoft.Network/networkInterfaces/fw1-nic0");
	ck_assert_str_eq(vs_ip4_format(appliance->address, ip), "10.0.1.4");
	ck_assert_ptr_eq(destination->nic, f.db1);
	ck_assert_str_eq(vs_ip4_format(destination->address, ip), "10.2.1.4");
	ck_assert_str_eq(trace->destination_text, "10.2.1.4");
	ck_assert_ptr_eq(trace->source, f.web1);
	ck_assert_uint_eq(trace->packet.destination_port, 1433);
	fixture_clear(&f);

	fixture_init(&f);
	fixture_ready(&f);
	internet = walk_to(&f, f.web1, "8.8.8.8", VS_PROTO_ICMP, 0, FALSE);
	ck_assert_str_eq(((VsHop *)g_ptr_array_index(internet->hops, 1))->resource_id, "Internet");
	ck_assert_ptr_null(((VsHop *)g_ptr_array_index(internet->hops, 1))->nic);
	fixture_clear(&f);
}
END_TEST

START_TEST(test_issue_details)
{
	Fixture f;
	g_autoptr(VsTrace) no_forwarding = NULL, loop = NULL, initiated = NULL, ghost = NULL;
	g_autoptr(VsTrace) private_egress = NULL, forwarded = NULL, unowned = NULL;

	fixture_init(&f);
	fixture_ready(&f);
	no_forwarding = walk_to(&f, f.web1, "10.5.0.9", VS_PROTO_TCP, 80, FALSE);
	ck_assert_ptr_nonnull(
		strstr(only_issue(no_forwarding, 0)->detail,
		       "fw2-nic0 (10.0.1.5), which does not have enableIpForwarding"));
	ck_assert_str_eq(only_issue(no_forwarding, 0)->route->name, "via-fw2");
	loop = walk_to(&f, f.web1, "10.50.1.1", VS_PROTO_TCP, 80, FALSE);
	ck_assert_ptr_nonnull(strstr(only_issue(loop, 2)->detail, "Routing loop"));
	initiated = walk_to(&f, f.web1, "10.6.1.4", VS_PROTO_TCP, 443, FALSE);
	ck_assert_ptr_nonnull(strstr(only_issue(initiated, 0)->detail,
				     "The peering from spoke1 to spoke4 is only Initiated"));
	ck_assert_ptr_null(only_issue(initiated, 0)->route); /* a system route */
	ghost = walk_to(&f, f.web1, "10.4.0.9", VS_PROTO_TCP, 80, FALSE);
	ck_assert_ptr_nonnull(strstr(only_issue(ghost, 0)->detail, "no NIC in the model has"));
	private_egress = walk_to(&f, f.priv1, "8.8.8.8", VS_PROTO_TCP, 443, FALSE);
	ck_assert_ptr_nonnull(
		strstr(only_issue(private_egress, 0)->detail, "private subnet (defaultOutbound"));
	ck_assert_ptr_nonnull(strstr(only_issue(private_egress, 0)->detail, "no public IP"));
	forwarded = walk_to(&f, f.web1, "10.3.1.4", VS_PROTO_TCP, 443, FALSE);
	ck_assert_ptr_nonnull(strstr(only_issue(forwarded, 1)->detail, "allowForwardedTraffic"));
	unowned = walk_to(&f, f.web1, "10.1.1.99", VS_PROTO_TCP, 443, FALSE);
	ck_assert_str_eq(((VsHop *)g_ptr_array_index(unowned->hops, 1))->resource_id, "Unknown");
	ck_assert_ptr_nonnull(strstr(only_issue(unowned, 1)->detail,
				     "No NIC in the model has address 10.1.1.99 (inside VNet "
				     "spoke1)"));
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- security on the path */

START_TEST(test_destination_nsg_denies_inbound)
{
	Fixture f;
	VsNsg *nsg_db;
	g_autoptr(VsTrace) trace = NULL;
	g_autofree char *issues = NULL, *hops = NULL;

	fixture_init(&f);
	nsg_db = mb_nsg(f.model, "nsg-db");
	mb_rule(f.model, nsg_db, "deny-sql 200 Inbound Deny Tcp 10.1.0.0/16 * * 1433");
	f.db_subnet->nsg = nsg_db;
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, FALSE);
	hops = hop_types(trace);
	issues = issues_text(trace);
	ck_assert_str_eq(hops, "Source VirtualAppliance VnetLocal");
	ck_assert_str_eq(
		issues, "2:Inbound/NetworkSecurityRule[RuleName=UserRule_deny-sql;NsgName=nsg-db]");
	ck_assert(!trace->reachable);
	ck_assert_str_eq(only_issue(trace, 2)->rule->name, "deny-sql");
	ck_assert_ptr_nonnull(strstr(only_issue(trace, 2)->detail,
				     "NSG nsg-db on subnet spoke2/snet-db denies inbound Tcp "
				     "10.1.1.4:50000 -> 10.2.1.4:1433"));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_source_nsg_deny_keeps_walking)
{
	Fixture f;
	VsNsg *nsg_web;
	g_autoptr(VsTrace) trace = NULL;
	g_autofree char *issues = NULL, *hops = NULL;

	fixture_init(&f);
	nsg_web = mb_nsg(f.model, "nsg-web");
	mb_rule(f.model, nsg_web, "no-sql-out 100 Outbound Deny Tcp * * * 1433");
	f.web1->nsg = nsg_web;
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, FALSE);
	hops = hop_types(trace);
	issues = issues_text(trace);
	/* like Azure, the rest of the routed path is still shown */
	ck_assert_str_eq(hops, "Source VirtualAppliance VnetLocal");
	ck_assert_str_eq(
		issues,
		"0:Outbound/NetworkSecurityRule[RuleName=UserRule_no-sql-out;NsgName=nsg-web]");
	ck_assert(!trace->reachable);
	fixture_clear(&f);
}
END_TEST

START_TEST(test_appliance_nsgs_in_and_out)
{
	Fixture f;
	VsNsg *nsg_fw, *nsg_fw_subnet;
	g_autoptr(VsTrace) sql = NULL, https = NULL;
	g_autofree char *sql_issues = NULL, *https_issues = NULL;

	fixture_init(&f);
	nsg_fw = mb_nsg(f.model, "nsg-fw");
	/* the appliance sees the original destination, not its own address */
	mb_rule(f.model, nsg_fw, "no-sql-in 100 Inbound Deny Tcp * * 10.2.0.0/16 1433");
	f.fw1->nsg = nsg_fw;
	nsg_fw_subnet = mb_nsg(f.model, "nsg-fw-subnet");
	mb_rule(f.model, nsg_fw_subnet, "no-https-out 100 Outbound Deny Tcp * * * 443");
	f.fw1->subnet->nsg = nsg_fw_subnet;
	fixture_ready(&f);
	sql = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, FALSE);
	sql_issues = issues_text(sql);
	ck_assert_str_eq(
		sql_issues,
		"1:Inbound/NetworkSecurityRule[RuleName=UserRule_no-sql-in;NsgName=nsg-fw]");
	https = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 443, FALSE);
	https_issues = issues_text(https);
	ck_assert_str_eq(https_issues, "1:Outbound/NetworkSecurityRule[RuleName=UserRule_no-https-"
				       "out;NsgName=nsg-fw-subnet]");
	ck_assert_uint_eq(https->hops->len, 3);
	fixture_clear(&f);
}
END_TEST

START_TEST(test_public_address_of_a_vm)
{
	Fixture f;
	VsNsg *nsg_db;
	g_autoptr(VsTrace) allowed = NULL, denied = NULL;
	g_autofree char *denied_issues = NULL;

	fixture_init(&f);
	nsg_db = mb_nsg(f.model, "nsg-db");
	/* NSGs see the sender's public address and the receiver's private one */
	mb_rule(f.model, nsg_db, "web1-in 100 Inbound Allow Tcp 20.1.1.4 * 10.2.1.4 443");
	f.db_subnet->nsg = nsg_db;
	fixture_ready(&f);
	allowed = walk_to(&f, f.web1, "52.0.0.4", VS_PROTO_TCP, 443, FALSE);
	ck_assert(allowed->reachable);
	ck_assert_ptr_eq(((VsHop *)g_ptr_array_index(allowed->hops, 2))->nic, f.db1);
	denied = walk_to(&f, f.web1, "52.0.0.4", VS_PROTO_TCP, 80, FALSE);
	denied_issues = issues_text(denied);
	ck_assert_str_eq(denied_issues, "2:Inbound/NetworkSecurityRule[RuleName=DefaultRule_"
					"DenyAllInBound;NsgName=nsg-db]");
	ck_assert(!denied->reachable);
	fixture_clear(&f);
}
END_TEST

START_TEST(test_public_address_through_default_outbound)
{
	Fixture f;
	g_autoptr(VsTrace) trace = NULL;
	g_autofree char *hops = NULL;

	fixture_init(&f);
	fixture_ready(&f);
	/* fw2 has no public IP: its implicit outbound address is unknown, so the walk stops
	 * at the Internet hop and says so */
	trace = walk_to(&f, f.fw2, "52.0.0.4", VS_PROTO_TCP, 443, FALSE);
	hops = hop_types(trace);
	ck_assert_str_eq(hops, "Source Internet");
	ck_assert_uint_eq(trace->notes->len, 1);
	ck_assert_ptr_nonnull(strstr(g_ptr_array_index(trace->notes, 0), "not evaluated"));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_icmp_and_port_rules_on_the_path)
{
	Fixture f;
	VsNsg *nsg_db;
	g_autoptr(VsTrace) ping = NULL, web = NULL;
	g_autofree char *ping_issues = NULL;

	fixture_init(&f);
	nsg_db = mb_nsg(f.model, "nsg-db");
	mb_rule(f.model, nsg_db, "web-only 100 Inbound Allow * * * * 80");
	mb_rule(f.model, nsg_db, "deny-rest 200 Inbound Deny * * * * *");
	f.db_subnet->nsg = nsg_db;
	fixture_ready(&f);
	web = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 80, FALSE);
	ck_assert(web->reachable);
	ping = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_ICMP, 0, FALSE);
	ping_issues = issues_text(ping);
	ck_assert_str_eq(
		ping_issues,
		"2:Inbound/NetworkSecurityRule[RuleName=UserRule_deny-rest;NsgName=nsg-db]");
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- peerings */

START_TEST(test_peering_without_access)
{
	Fixture f;
	g_autoptr(VsTrace) trace = NULL;
	g_autofree char *issues = NULL, *hops = NULL;

	fixture_init(&f);
	/* spoke1's side refuses: nothing leaves spoke1 for the hub */
	((VsPeering *)g_ptr_array_index(f.spoke1->peerings, 0))->allow_virtual_network_access =
		FALSE;
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.0.3.4", VS_PROTO_TCP, 22, FALSE);
	hops = hop_types(trace);
	issues = issues_text(trace);
	ck_assert_str_eq(hops, "Source");
	ck_assert_str_eq(issues, "0:Outbound/Platform[Peering=spoke1 -> hub]");
	ck_assert_ptr_nonnull(strstr(only_issue(trace, 0)->detail, "allowVirtualNetworkAccess"));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_forwarded_traffic_allowed_and_refused)
{
	Fixture f;
	g_autoptr(VsTrace) refused = NULL, allowed = NULL;

	fixture_init(&f);
	fixture_ready(&f);
	refused = walk_to(&f, f.web1, "10.3.1.4", VS_PROTO_TCP, 443, FALSE);
	ck_assert(!refused->reachable);
	fixture_clear(&f);

	fixture_init(&f);
	((VsPeering *)g_ptr_array_index(f.spoke3->peerings, 0))->allow_forwarded_traffic = TRUE;
	fixture_ready(&f);
	allowed = walk_to(&f, f.web1, "10.3.1.4", VS_PROTO_TCP, 443, FALSE);
	ck_assert(allowed->reachable);
	ck_assert_uint_eq(allowed->hops->len, 3);
	fixture_clear(&f);
}
END_TEST

START_TEST(test_appliance_in_an_unpeered_vnet)
{
	Fixture f;
	VsVnet *far;
	VsNic *far_fw;
	VsRouteTable *table;
	g_autoptr(VsTrace) trace = NULL;
	g_autofree char *issues = NULL;

	fixture_init(&f);
	far = mb_vnet(f.model, "far", "10.9.0.0/16");
	far_fw = mb_vm(f.model, "far-fw", mb_subnet(f.model, far, "snet", "10.9.1.0/24"),
		       "10.9.1.4");
	far_fw->ip_forwarding = TRUE;
	table = mb_route_table(f.model, "rt-far");
	mb_route(table, "via-far", "0.0.0.0/0", "VirtualAppliance", "10.9.1.4");
	f.db_subnet->route_table = table;
	fixture_ready(&f);
	trace = walk_to(&f, f.db1, "8.8.8.8", VS_PROTO_TCP, 443, FALSE);
	issues = issues_text(trace);
	ck_assert_str_eq(issues, "0:Outbound/UserDefinedRoute[RouteName=via-far;RouteTable=rt-far;"
				 "AddressPrefix=0.0.0.0/0;NextHopType=VirtualAppliance]");
	ck_assert_ptr_nonnull(strstr(only_issue(trace, 0)->detail, "not directly reachable"));
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- ids and explain */

START_TEST(test_ids_are_deterministic)
{
	Fixture f;
	g_autoptr(VsTrace) first = NULL, second = NULL, other_port = NULL;

	fixture_init(&f);
	fixture_ready(&f);
	first = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, FALSE);
	second = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, TRUE);
	other_port = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1434, FALSE);
	for (guint i = 0; i < first->hops->len; i++) {
		const VsHop *a = g_ptr_array_index(first->hops, i);
		const VsHop *b = g_ptr_array_index(second->hops, i);
		const VsHop *c = g_ptr_array_index(other_port->hops, i);

		ck_assert_uint_eq(strlen(a->id), 36);
		ck_assert_str_eq(a->id, b->id);
		ck_assert_str_ne(a->id, c->id);
		if (i > 0)
			ck_assert_str_ne(a->id,
					 ((VsHop *)g_ptr_array_index(first->hops, i - 1))->id);
	}
	fixture_clear(&f);
}
END_TEST

static gboolean
explain_has(const VsHop *hop, const char *needle)
{
	for (guint i = 0; i < hop->explain->len; i++)
		if (strstr(g_ptr_array_index(hop->explain, i), needle) != NULL)
			return TRUE;
	return FALSE;
}

START_TEST(test_explain_lines)
{
	Fixture f;
	VsNsg *nsg_db;
	g_autoptr(VsTrace) trace = NULL;
	const VsHop *source, *appliance, *destination;

	fixture_init(&f);
	nsg_db = mb_nsg(f.model, "nsg-db");
	mb_rule(f.model, nsg_db, "https-only 100 Inbound Allow Tcp * * * 443");
	mb_rule(f.model, nsg_db, "deny-sql 200 Inbound Deny Tcp * * * 1433");
	f.db_subnet->nsg = nsg_db;
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, TRUE);
	source = g_ptr_array_index(trace->hops, 0);
	appliance = g_ptr_array_index(trace->hops, 1);
	destination = g_ptr_array_index(trace->hops, 2);
	ck_assert(explain_has(source, "No NSG on NIC web1-nic0 or its subnet"));
	ck_assert(explain_has(source,
			      "10.2.0.0/16 -> VirtualAppliance 10.0.1.4 (user route "
			      "to-spoke2 in rt-spoke1) matches 10.2.1.4, the longest prefix"));
	ck_assert(explain_has(source, "also matching: 10.0.0.0/8 -> None (system route), a "
				      "shorter prefix"));
	ck_assert(explain_has(source, "also matching: 0.0.0.0/0 -> Internet"));
	ck_assert(explain_has(appliance, "10.2.0.0/16 -> VNetPeering (system route, peering with "
					 "spoke2)"));
	ck_assert(explain_has(destination, "NSG nsg-db on subnet spoke2/snet-db, inbound rules"));
	ck_assert(explain_has(destination, "UserRule_https-only (priority 100, Allow): not "
					   "matched, destination port 1433 is not in 443."));
	ck_assert(explain_has(destination,
			      "UserRule_deny-sql (priority 200): matched, the packet is denied."));
	ck_assert(!explain_has(destination, "DenyAllInBound")); /* never reached */
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- hosts and the return path */

/* A guest firewall rule: direction, action, Tcp, one local port (0 = any). */
static void
add_fw_rule(VsNic *nic, const char *name, VsFwDirection direction, VsAccess action, guint16 port)
{
	VsVm *vm = nic->vm;
	VsFwRule *rule = vs_fw_rule_new(name);

	if (vm->guest_firewall == NULL)
		vm->guest_firewall = vs_guest_firewall_new();
	rule->direction = direction;
	rule->action = action;
	rule->protocol = VS_PROTO_TCP;
	if (port != 0) {
		VsPortRange range = {port, port};

		rule->local_ports = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
		g_array_append_val(rule->local_ports, range);
	}
	g_ptr_array_add(vm->guest_firewall->rules, rule);
}

START_TEST(test_guest_firewalls_at_every_hop)
{
	Fixture f;
	g_autoptr(VsTrace) trace = NULL;
	g_autofree char *issues = NULL;

	fixture_init(&f);
	add_fw_rule(f.web1, "no-sql-out", VS_FW_OUTBOUND, VS_ACCESS_DENY, 0);
	add_fw_rule(f.fw1, "forward-web-only", VS_FW_FORWARD, VS_ACCESS_ALLOW, 443);
	f.fw1->vm->guest_firewall->default_forward = VS_ACCESS_DENY;
	add_fw_rule(f.db1, "allow-https", VS_FW_INBOUND, VS_ACCESS_ALLOW, 443);
	add_fw_rule(f.db1, "no-sql", VS_FW_INBOUND, VS_ACCESS_DENY, 1433);
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, TRUE);
	issues = issues_text(trace);
	/* blocked leaving (Outbound), by the appliance's own routing (Local), entering
	 * (Inbound); like NSG denies, the walk goes on to show each */
	ck_assert_str_eq(issues, "0:Outbound/GuestFirewall[FirewallRule=no-sql-out] "
				 "1:Local/GuestFirewall[FirewallRule=defaultForward] "
				 "2:Inbound/GuestFirewall[FirewallRule=no-sql]");
	ck_assert(!trace->reachable);
	ck_assert(explain_has(g_ptr_array_index(trace->hops, 2),
			      "allow-https (Allow): not matched, local port 1433 is not in 443."));
	ck_assert(explain_has(g_ptr_array_index(trace->hops, 1),
			      "No Forward rule matched: defaultForward is Deny"));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_busy_hosts_warn_and_stay_reachable)
{
	Fixture f;
	g_autoptr(VsTrace) trace = NULL;
	const VsHop *appliance, *destination;
	const VsIssue *cpu, *memory;

	fixture_init(&f);
	f.fw1->vm->cpu_percent = 90;
	f.db1->vm->memory_percent = 99;
	f.db1->vm->cpu_percent = 89; /* just below the threshold */
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, FALSE);
	ck_assert(trace->reachable);
	appliance = g_ptr_array_index(trace->hops, 1);
	destination = g_ptr_array_index(trace->hops, 2);
	ck_assert_uint_eq(appliance->issues->len, 1);
	ck_assert_uint_eq(destination->issues->len, 1);
	cpu = g_ptr_array_index(appliance->issues, 0);
	memory = g_ptr_array_index(destination->issues, 0);
	ck_assert_int_eq(cpu->type, VS_ISSUE_CPU);
	ck_assert_int_eq(cpu->severity, VS_ISSUE_SEVERITY_WARNING);
	ck_assert_int_eq(cpu->origin, VS_ORIGIN_LOCAL);
	ck_assert_str_eq(((VsIssueContext *)g_ptr_array_index(cpu->context, 0))->key, "CpuPercent");
	ck_assert_str_eq(((VsIssueContext *)g_ptr_array_index(cpu->context, 0))->value, "90");
	ck_assert_int_eq(memory->type, VS_ISSUE_MEMORY);
	ck_assert_str_eq(((VsIssueContext *)g_ptr_array_index(memory->context, 0))->value, "99");
	fixture_clear(&f);
}
END_TEST

START_TEST(test_listeners)
{
	Fixture f;
	g_autoptr(VsTrace) closed = NULL, ping = NULL, udp = NULL;
	VsPortRange sql = {1433, 1433};

	fixture_init(&f);
	f.db1->vm->listening_ports = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
	g_array_append_val(f.db1->vm->listening_ports, sql);
	fixture_ready(&f);
	closed = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1434, FALSE);
	ck_assert(!closed->reachable);
	ck_assert_int_eq(only_issue(closed, 2)->type, VS_ISSUE_NO_LISTENER);
	ck_assert_int_eq(only_issue(closed, 2)->origin, VS_ORIGIN_LOCAL);
	ping = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_ICMP, 0, FALSE);
	ck_assert(ping->reachable); /* listeningPorts are TCP ports */
	udp = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_UDP, 1434, FALSE);
	ck_assert(udp->reachable); /* policy only */
	ck_assert_uint_eq(udp->notes->len, 1);
	ck_assert_ptr_nonnull(strstr(g_ptr_array_index(udp->notes, 0), "policy-only"));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_agent_and_unresolved_names_send_nothing)
{
	Fixture f;
	g_autoptr(VsTrace) agentless = NULL, unresolved = NULL;
	VsQuery query = {.source = NULL, .protocol = VS_PROTO_TCP, .destination_port = 443};

	fixture_init(&f);
	f.web2->vm->network_watcher_agent = FALSE;
	fixture_ready(&f);
	agentless = walk_to(&f, f.web2, "10.2.1.4", VS_PROTO_TCP, 1433, FALSE);
	ck_assert_uint_eq(agentless->hops->len, 1);
	ck_assert_int_eq(only_issue(agentless, 0)->type, VS_ISSUE_AGENT_STOPPED);
	ck_assert(!agentless->reachable);

	query.source = f.web1;
	query.unresolved_name = "nosuch.example.org";
	unresolved = vs_walk(f.engine, &query);
	ck_assert_uint_eq(unresolved->hops->len, 1);
	ck_assert(unresolved->destination_unresolved);
	ck_assert_int_eq(only_issue(unresolved, 0)->type, VS_ISSUE_DNS_RESOLUTION);
	ck_assert_int_eq(only_issue(unresolved, 0)->origin, VS_ORIGIN_LOCAL);
	fixture_clear(&f);
}
END_TEST

START_TEST(test_reply_without_a_route_back)
{
	Fixture f;
	g_autoptr(VsTrace) trace = NULL;
	g_autofree char *issues = NULL;

	fixture_init(&f);
	f.db_subnet->route_table = NULL; /* spoke2 forgets its return route */
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, TRUE);
	issues = issues_text(trace);
	/* spoke2 is not peered with spoke1: the reply falls to 10.0.0.0/8 -> None */
	ck_assert_str_eq(issues,
			 "2:Outbound/UserDefinedRoute[AddressPrefix=10.0.0.0/8;NextHopType=None]");
	ck_assert(!trace->reachable);
	ck_assert(explain_has(g_ptr_array_index(trace->hops, 2), "Return path: the reply"));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_asymmetric_reply_bypasses_the_appliance)
{
	Fixture f;
	g_autoptr(VsTrace) trace = NULL;
	const VsIssue *issue;
	const VsIssueContext *prefix;

	fixture_init(&f);
	/* spoke1 and spoke2 peer directly too; spoke1's user route still sends the
	 * request through fw1 (a user route wins an equal prefix), but spoke2 has no
	 * route table: its reply takes the peering */
	mb_peer(f.spoke1, f.spoke2);
	f.db_subnet->route_table = NULL;
	fixture_ready(&f);
	trace = walk_to(&f, f.web1, "10.2.1.4", VS_PROTO_TCP, 1433, FALSE);
	ck_assert_uint_eq(trace->hops->len, 3);
	ck_assert(!trace->reachable);
	issue = only_issue(trace, 1);
	ck_assert_int_eq(issue->type, VS_ISSUE_USER_DEFINED_ROUTE);
	ck_assert_int_eq(issue->severity, VS_ISSUE_SEVERITY_WARNING);
	ck_assert_int_eq(issue->origin, VS_ORIGIN_LOCAL);
	prefix = g_ptr_array_index(issue->context, 0);
	ck_assert_str_eq(prefix->key, "AddressPrefix");
	ck_assert_str_eq(prefix->value, "10.1.0.0/16");
	ck_assert_ptr_nonnull(strstr(issue->detail, "Asymmetric routing"));
	fixture_clear(&f);
}
END_TEST

Suite *
walk_suite(void)
{
	Suite *suite = suite_create("walk");
	TCase *paths = tcase_create("paths");
	TCase *security = tcase_create("security");
	TCase *peerings = tcase_create("peerings");
	TCase *output = tcase_create("output");
	TCase *hosts = tcase_create("hosts and the return path");

	tcase_add_loop_test(paths, test_paths, 0, G_N_ELEMENTS(path_rows));
	tcase_add_test(paths, test_hop_details);
	tcase_add_test(paths, test_issue_details);
	suite_add_tcase(suite, paths);

	tcase_add_test(security, test_destination_nsg_denies_inbound);
	tcase_add_test(security, test_source_nsg_deny_keeps_walking);
	tcase_add_test(security, test_appliance_nsgs_in_and_out);
	tcase_add_test(security, test_public_address_of_a_vm);
	tcase_add_test(security, test_public_address_through_default_outbound);
	tcase_add_test(security, test_icmp_and_port_rules_on_the_path);
	suite_add_tcase(suite, security);

	tcase_add_test(peerings, test_peering_without_access);
	tcase_add_test(peerings, test_forwarded_traffic_allowed_and_refused);
	tcase_add_test(peerings, test_appliance_in_an_unpeered_vnet);
	suite_add_tcase(suite, peerings);

	tcase_add_test(output, test_ids_are_deterministic);
	tcase_add_test(output, test_explain_lines);

	tcase_add_test(hosts, test_guest_firewalls_at_every_hop);
	tcase_add_test(hosts, test_busy_hosts_warn_and_stay_reachable);
	tcase_add_test(hosts, test_listeners);
	tcase_add_test(hosts, test_agent_and_unresolved_names_send_nothing);
	tcase_add_test(hosts, test_reply_without_a_route_back);
	tcase_add_test(hosts, test_asymmetric_reply_bypasses_the_appliance);
	suite_add_tcase(suite, output);
	suite_add_tcase(suite, hosts);
	return suite;
}
