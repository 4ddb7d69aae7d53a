/*
 * check_nsg.c - the security rules engine: the six default rules, service tag
 * expansion, ASGs, ICMP and ports, subnet + NIC combination in both
 * directions, rule names, and an oracle test against a naive scan.
 */
#include "config.h"

#include <string.h>

#include "model-builder.h"
#include "nsg.h"
#include "suites.h"

/*
 * The fixture: hub 10.0.0.0/16 peered (Connected) with spoke1 10.1.0.0/16 and
 * Initiated towards spoke2 10.2.0.0/16; hub/snet-a carries nsg-a and has no
 * route table; hub/snet-b uses rt-wide, whose 0.0.0.0/0 user route widens its
 * VirtualNetwork tag to everything.  web1 is in snet-a, app1 in snet-b.
 */
typedef struct {
	VsModel *model;
	VsVnet *hub, *spoke1, *spoke2;
	VsSubnet *snet_a, *snet_b, *spoke1_subnet;
	VsNsg *nsg_a;
	VsNic *web1, *app1;
	VsTagIndex *tags;
} Fixture;

static void
fixture_init(Fixture *f)
{
	VsRouteTable *wide;

	memset(f, 0, sizeof(*f));
	f->model = mb_model("lab");
	f->hub = mb_vnet(f->model, "hub", "10.0.0.0/16");
	f->spoke1 = mb_vnet(f->model, "spoke1", "10.1.0.0/16");
	f->spoke2 = mb_vnet(f->model, "spoke2", "10.2.0.0/16");
	mb_peer(f->hub, f->spoke1);
	mb_peering(f->hub, f->spoke2); /* spoke2 never peers back: Initiated */
	f->snet_a = mb_subnet(f->model, f->hub, "snet-a", "10.0.1.0/24");
	f->snet_b = mb_subnet(f->model, f->hub, "snet-b", "10.0.2.0/24");
	f->spoke1_subnet = mb_subnet(f->model, f->spoke1, "snet", "10.1.1.0/24");
	f->nsg_a = mb_nsg(f->model, "nsg-a");
	f->snet_a->nsg = f->nsg_a;
	wide = mb_route_table(f->model, "rt-wide");
	mb_route(wide, "default-via-fw", "0.0.0.0/0", "VirtualAppliance", "10.0.3.4");
	f->snet_b->route_table = wide;
	f->web1 = mb_vm(f->model, "web1", f->snet_a, "10.0.1.4");
	f->app1 = mb_vm(f->model, "app1", f->snet_b, "10.0.2.4");
}

static void
fixture_ready(Fixture *f)
{
	mb_finish(f->model);
	f->tags = vs_tag_index_new(f->model);
}

static void
fixture_clear(Fixture *f)
{
	vs_tag_index_free(f->tags);
	vs_model_free(f->model);
}

static VsPacket
packet(const char *source, const char *destination, VsProtocol protocol, guint16 port)
{
	return (VsPacket){mb_ip(source), mb_ip(destination), protocol, 50000, port};
}

static char *
prefixes_text(const GArray *prefixes)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < prefixes->len; i++) {
		char buf[19];

		g_string_append_printf(text, "%s%s", i ? " " : "",
				       vs_prefix_format(g_array_index(prefixes, VsPrefix, i), buf));
	}
	return g_string_free(text, FALSE);
}

/* ---------------------------------------------------------------- default rules */

static const struct {
	const char *what;
	const char *subnet; /* whose VirtualNetwork tag applies */
	VsDirection direction;
	const char *source, *destination;
	VsProtocol protocol;
	guint16 port;
	const char *rule;
	VsAccess access;
} default_rows[] = {
	{"a connected peer reaches in", "a", VS_DIRECTION_INBOUND, "10.1.1.5", "10.0.1.4",
	 VS_PROTO_TCP, 22, "AllowVnetInBound", VS_ACCESS_ALLOW},
	{"the load balancer probes a non-VNet address", "a", VS_DIRECTION_INBOUND, "168.63.129.16",
	 "8.8.8.8", VS_PROTO_TCP, 80, "AllowAzureLoadBalancerInBound", VS_ACCESS_ALLOW},
	{"the internet is denied in", "a", VS_DIRECTION_INBOUND, "8.8.8.8", "10.0.1.4",
	 VS_PROTO_TCP, 443, "DenyAllInBound", VS_ACCESS_DENY},
	{"an Initiated peer is not VirtualNetwork", "a", VS_DIRECTION_INBOUND, "10.2.1.5",
	 "10.0.1.4", VS_PROTO_TCP, 443, "DenyAllInBound", VS_ACCESS_DENY},
	{"a 0/0 user route lets the internet in", "b", VS_DIRECTION_INBOUND, "8.8.8.8", "10.0.2.4",
	 VS_PROTO_TCP, 443, "AllowVnetInBound", VS_ACCESS_ALLOW},
	{"the VNet reaches a peer", "a", VS_DIRECTION_OUTBOUND, "10.0.1.4", "10.1.1.5",
	 VS_PROTO_UDP, 53, "AllowVnetOutBound", VS_ACCESS_ALLOW},
	{"the host address is VirtualNetwork", "a", VS_DIRECTION_OUTBOUND, "10.0.1.4",
	 "168.63.129.16", VS_PROTO_TCP, 80, "AllowVnetOutBound", VS_ACCESS_ALLOW},
	{"the internet is allowed out", "a", VS_DIRECTION_OUTBOUND, "10.0.1.4", "8.8.8.8",
	 VS_PROTO_ICMP, 0, "AllowInternetOutBound", VS_ACCESS_ALLOW},
	{"private space outside every VNet is denied out", "a", VS_DIRECTION_OUTBOUND, "10.0.1.4",
	 "172.31.0.100", VS_PROTO_TCP, 443, "DenyAllOutBound", VS_ACCESS_DENY},
	{"an Initiated peer is neither VirtualNetwork nor Internet", "a", VS_DIRECTION_OUTBOUND,
	 "10.0.1.4", "10.2.1.5", VS_PROTO_TCP, 443, "DenyAllOutBound", VS_ACCESS_DENY},
};

START_TEST(test_default_rules_decide)
{
	Fixture f;
	const VsRule *rule;
	VsPacket p = packet(default_rows[_i].source, default_rows[_i].destination,
			    default_rows[_i].protocol, default_rows[_i].port);

	fixture_init(&f);
	fixture_ready(&f);
	rule = vs_nsg_first_match(f.tags, f.nsg_a, default_rows[_i].direction,
				  default_rows[_i].subnet[0] == 'a' ? f.snet_a : f.snet_b, &p);
	ck_assert_msg(rule != NULL, "%s: no rule", default_rows[_i].what);
	ck_assert_msg(strcmp(rule->name, default_rows[_i].rule) == 0, "%s: got %s, expected %s",
		      default_rows[_i].what, rule->name, default_rows[_i].rule);
	ck_assert(rule->is_default);
	ck_assert_int_eq(rule->access, default_rows[_i].access);
	fixture_clear(&f);
}
END_TEST

START_TEST(test_priority_order_first_match_wins)
{
	Fixture f;
	const VsRule *rule;
	VsPacket ssh = packet("10.1.1.5", "10.0.1.4", VS_PROTO_TCP, 22);
	VsPacket https = packet("10.1.1.5", "10.0.1.4", VS_PROTO_TCP, 443);

	fixture_init(&f);
	/* file order is not evaluation order: the lower number wins */
	mb_rule(f.model, f.nsg_a, "allow-vnet-ssh 300 Inbound Allow Tcp VirtualNetwork * * 22");
	mb_rule(f.model, f.nsg_a, "deny-ssh 200 Inbound Deny Tcp * * * 22");
	mb_rule(f.model, f.nsg_a, "deny-web 4096 Inbound Deny * * * 10.0.1.0/24 80,443");
	fixture_ready(&f);
	rule = vs_nsg_first_match(f.tags, f.nsg_a, VS_DIRECTION_INBOUND, f.snet_a, &ssh);
	ck_assert_str_eq(rule->name, "deny-ssh");
	rule = vs_nsg_first_match(f.tags, f.nsg_a, VS_DIRECTION_INBOUND, f.snet_a, &https);
	ck_assert_str_eq(rule->name, "deny-web"); /* a user rule overrides AllowVnetInBound */
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- tags */

START_TEST(test_virtual_network_tag_with_connected_peer)
{
	Fixture f;
	g_autoptr(GArray) expanded = NULL;
	g_autofree char *text = NULL;

	fixture_init(&f);
	fixture_ready(&f);
	expanded = vs_tag_expand(f.tags, VS_TAG_VIRTUAL_NETWORK, NULL, f.snet_a);
	text = prefixes_text(expanded);
	/* hub and spoke1 merge into one /15; spoke2 (Initiated) stays out */
	ck_assert_str_eq(text, "10.0.0.0/15 168.63.129.16/32");
	ck_assert(vs_tag_contains(f.tags, VS_TAG_VIRTUAL_NETWORK, NULL, f.snet_a,
				  mb_ip("10.1.255.255")));
	ck_assert(!vs_tag_contains(f.tags, VS_TAG_VIRTUAL_NETWORK, NULL, f.snet_a,
				   mb_ip("10.2.0.1")));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_virtual_network_tag_without_access)
{
	Fixture f;
	g_autoptr(GArray) expanded = NULL;
	g_autofree char *text = NULL;

	fixture_init(&f);
	/* the hub's side no longer allows access to spoke1: its space leaves the tag */
	((VsPeering *)g_ptr_array_index(f.hub->peerings, 0))->allow_virtual_network_access = FALSE;
	fixture_ready(&f);
	expanded = vs_tag_expand(f.tags, VS_TAG_VIRTUAL_NETWORK, NULL, f.snet_a);
	text = prefixes_text(expanded);
	ck_assert_str_eq(text, "10.0.0.0/16 168.63.129.16/32");
	/* spoke1's own side still allows access, so the hub stays in spoke1's tag */
	ck_assert(vs_tag_contains(f.tags, VS_TAG_VIRTUAL_NETWORK, NULL, f.spoke1_subnet,
				  mb_ip("10.0.1.4")));
	fixture_clear(&f);
}
END_TEST

START_TEST(test_virtual_network_tag_widened_by_default_route)
{
	Fixture f;
	g_autoptr(GArray) expanded = NULL;
	g_autofree char *text = NULL;

	fixture_init(&f);
	fixture_ready(&f);
	expanded = vs_tag_expand(f.tags, VS_TAG_VIRTUAL_NETWORK, NULL, f.snet_b);
	text = prefixes_text(expanded);
	ck_assert_str_eq(text, "0.0.0.0/0");
	fixture_clear(&f);
}
END_TEST

START_TEST(test_virtual_network_tag_takes_route_prefixes)
{
	Fixture f;
	VsRouteTable *table;
	g_autoptr(GArray) expanded = NULL;
	g_autofree char *text = NULL;

	fixture_init(&f);
	table = mb_route_table(f.model, "rt-onprem");
	mb_route(table, "onprem", "192.168.10.0/24", "VirtualAppliance", "10.0.3.4");
	f.snet_a->route_table = table;
	fixture_ready(&f);
	expanded = vs_tag_expand(f.tags, VS_TAG_VIRTUAL_NETWORK, NULL, f.snet_a);
	text = prefixes_text(expanded);
	ck_assert_str_eq(text, "10.0.0.0/15 168.63.129.16/32 192.168.10.0/24");
	fixture_clear(&f);
}
END_TEST

static const struct {
	const char *address;
	gboolean internet;
} internet_rows[] = {
	{"8.8.8.8", TRUE},          {"1.0.0.0", TRUE},          {"11.0.0.1", TRUE},
	{"100.128.0.1", TRUE},      {"172.32.0.1", TRUE},       {"223.255.255.255", TRUE},
	{"168.63.129.16", TRUE},    {"0.1.2.3", FALSE},         {"10.0.1.4", FALSE},
	{"10.200.0.1", FALSE},      {"100.64.0.1", FALSE},      {"127.0.0.1", FALSE},
	{"169.254.169.254", FALSE}, {"172.31.0.100", FALSE},    {"192.168.1.1", FALSE},
	{"224.0.0.1", FALSE},       {"255.255.255.255", FALSE}, {"20.0.5.5", FALSE},
	{"20.1.0.1", TRUE},
};

START_TEST(test_internet_tag)
{
	Fixture f;

	fixture_init(&f);
	/* a VNet with public space: its addresses are not Internet */
	mb_vnet(f.model, "public", "20.0.0.0/16");
	fixture_ready(&f);
	ck_assert_msg(vs_tag_contains(f.tags, VS_TAG_INTERNET, NULL, NULL,
				      mb_ip(internet_rows[_i].address)) ==
			      internet_rows[_i].internet,
		      "%s should %sbe Internet", internet_rows[_i].address,
		      internet_rows[_i].internet ? "" : "not ");
	fixture_clear(&f);
}
END_TEST

START_TEST(test_internet_tag_expansion_starts_as_azure_does)
{
	Fixture f;
	g_autoptr(GArray) expanded = NULL;
	g_autofree char *text = NULL;

	fixture_init(&f);
	fixture_ready(&f);
	expanded = vs_tag_expand(f.tags, VS_TAG_INTERNET, NULL, NULL);
	g_array_set_size(expanded, 6);
	text = prefixes_text(expanded);
	/* the published start of Azure's effective-rules expansion (reference 2.3) */
	ck_assert_str_eq(text, "1.0.0.0/8 2.0.0.0/7 4.0.0.0/6 8.0.0.0/7 11.0.0.0/8 12.0.0.0/6");
	fixture_clear(&f);
}
END_TEST

START_TEST(test_load_balancer_and_user_tags)
{
	Fixture f;
	g_autoptr(GArray) lb = NULL;
	g_autoptr(GArray) storage = NULL;
	g_autofree char *lb_text = NULL, *storage_text = NULL;
	VsServiceTag *tag;
	const VsRule *rule;
	VsPacket to_storage = packet("10.0.1.4", "52.10.0.9", VS_PROTO_TCP, 443);
	VsPacket to_web = packet("10.0.1.4", "93.184.216.34", VS_PROTO_TCP, 443);

	fixture_init(&f);
	tag = mb_service_tag(f.model, "Storage", "52.10.0.0/24,52.10.1.0/24,52.20.0.0/16");
	mb_rule(f.model, f.nsg_a, "deny-storage 100 Outbound Deny Tcp * * tag:Storage 443");
	fixture_ready(&f);
	lb = vs_tag_expand(f.tags, VS_TAG_AZURE_LOAD_BALANCER, NULL, NULL);
	lb_text = prefixes_text(lb);
	ck_assert_str_eq(lb_text, "168.63.129.16/32");
	storage = vs_tag_expand(f.tags, VS_TAG_USER, tag, NULL);
	storage_text = prefixes_text(storage);
	ck_assert_str_eq(storage_text, "52.10.0.0/23 52.20.0.0/16");
	rule = vs_nsg_first_match(f.tags, f.nsg_a, VS_DIRECTION_OUTBOUND, f.snet_a, &to_storage);
	ck_assert_str_eq(rule->name, "deny-storage");
	rule = vs_nsg_first_match(f.tags, f.nsg_a, VS_DIRECTION_OUTBOUND, f.snet_a, &to_web);
	ck_assert_str_eq(rule->name, "AllowInternetOutBound");
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- ASGs */

START_TEST(test_asg_on_source_and_destination)
{
	Fixture f;
	VsAsg *web, *db;
	VsNic *db1;
	const VsRule *rule;
	VsPacket web_to_db = packet("10.0.1.4", "10.0.1.5", VS_PROTO_TCP, 1433);
	VsPacket db_to_web = packet("10.0.1.5", "10.0.1.4", VS_PROTO_TCP, 1433);
	VsPacket other_to_db = packet("10.0.1.6", "10.0.1.5", VS_PROTO_TCP, 1433);

	fixture_init(&f);
	web = mb_asg(f.model, "asg-web");
	db = mb_asg(f.model, "asg-db");
	db1 = mb_vm(f.model, "db1", f.snet_a, "10.0.1.5");
	mb_vm(f.model, "other", f.snet_a, "10.0.1.6");
	g_ptr_array_add(f.web1->asgs, web);
	g_ptr_array_add(db1->asgs, db);
	mb_rule(f.model, f.nsg_a, "web-to-db 100 Inbound Allow Tcp asg:asg-web * asg:asg-db 1433");
	mb_rule(f.model, f.nsg_a, "no-sql 200 Inbound Deny Tcp * * * 1433");
	fixture_ready(&f);

	rule = vs_nsg_first_match(f.tags, f.nsg_a, VS_DIRECTION_INBOUND, f.snet_a, &web_to_db);
	ck_assert_str_eq(rule->name, "web-to-db");
	ck_assert_int_eq(
		vs_rule_match(f.tags, g_ptr_array_index(f.nsg_a->rules, 0), f.snet_a, &db_to_web),
		VS_RULE_MISS_SOURCE_ADDRESS);
	ck_assert_int_eq(
		vs_rule_match(f.tags, g_ptr_array_index(f.nsg_a->rules, 0), f.snet_a, &other_to_db),
		VS_RULE_MISS_SOURCE_ADDRESS);
	web_to_db.destination = mb_ip("10.0.1.6");
	ck_assert_int_eq(
		vs_rule_match(f.tags, g_ptr_array_index(f.nsg_a->rules, 0), f.snet_a, &web_to_db),
		VS_RULE_MISS_DESTINATION_ADDRESS);
	/* an address no NIC has is in no ASG */
	web_to_db.destination = mb_ip("10.0.1.99");
	rule = vs_nsg_first_match(f.tags, f.nsg_a, VS_DIRECTION_INBOUND, f.snet_a, &web_to_db);
	ck_assert_str_eq(rule->name, "no-sql");
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- ICMP, ESP and ports */

static const struct {
	const char *rule;
	VsProtocol protocol;
	guint16 port;
	VsRuleMatch expected;
} port_rows[] = {
	{"r 100 Inbound Allow * * * * 80", VS_PROTO_ICMP, 0, VS_RULE_MISS_DESTINATION_PORT},
	{"r 100 Inbound Allow * * * * 80", VS_PROTO_TCP, 80, VS_RULE_MATCHED},
	{"r 100 Inbound Allow * * * * 80", VS_PROTO_UDP, 81, VS_RULE_MISS_DESTINATION_PORT},
	{"r 100 Inbound Allow * * * * *", VS_PROTO_ICMP, 0, VS_RULE_MATCHED},
	{"r 100 Inbound Allow * * * * 0-65535", VS_PROTO_ICMP, 0, VS_RULE_MATCHED},
	{"r 100 Inbound Allow * * 1000-2000 * *", VS_PROTO_ICMP, 0, VS_RULE_MISS_SOURCE_PORT},
	{"r 100 Inbound Allow Icmp * * * *", VS_PROTO_ICMP, 0, VS_RULE_MATCHED},
	{"r 100 Inbound Allow Icmp * * * *", VS_PROTO_TCP, 80, VS_RULE_MISS_PROTOCOL},
	{"r 100 Inbound Allow Tcp * * * *", VS_PROTO_ICMP, 0, VS_RULE_MISS_PROTOCOL},
	{"r 100 Inbound Allow * * * * *", VS_PROTO_ESP, 0, VS_RULE_MATCHED},
	{"r 100 Inbound Allow * * * * 500", VS_PROTO_ESP, 0, VS_RULE_MISS_DESTINATION_PORT},
	{"r 100 Inbound Allow Ah * * * *", VS_PROTO_AH, 0, VS_RULE_MATCHED},
	{"r 100 Inbound Allow Esp * * * *", VS_PROTO_AH, 0, VS_RULE_MISS_PROTOCOL},
	{"r 100 Inbound Allow Udp * * * 53,5000-5010", VS_PROTO_UDP, 5005, VS_RULE_MATCHED},
	{"r 100 Inbound Allow Udp * * * 53,5000-5010", VS_PROTO_UDP, 5011,
	 VS_RULE_MISS_DESTINATION_PORT},
	{"r 100 Inbound Allow Tcp * 40000-49999 * *", VS_PROTO_TCP, 80, VS_RULE_MISS_SOURCE_PORT},
	{"r 100 Inbound Allow Tcp 10.9.0.0/16,10.1.0.0/16 * * *", VS_PROTO_TCP, 80,
	 VS_RULE_MATCHED},
	{"r 100 Inbound Allow Tcp 10.9.0.0/16,10.3.0.0/16 * * *", VS_PROTO_TCP, 80,
	 VS_RULE_MISS_SOURCE_ADDRESS},
};

START_TEST(test_protocols_and_ports)
{
	Fixture f;
	VsRule *rule;
	VsPacket p = packet("10.1.1.5", "10.0.1.4", port_rows[_i].protocol, port_rows[_i].port);

	fixture_init(&f);
	rule = mb_rule(f.model, f.nsg_a, port_rows[_i].rule);
	fixture_ready(&f);
	ck_assert_msg(vs_rule_match(f.tags, rule, f.snet_a, &p) == port_rows[_i].expected,
		      "rule '%s' with %s port %u: got %d, expected %d", port_rows[_i].rule,
		      vs_protocol_name(port_rows[_i].protocol), port_rows[_i].port,
		      vs_rule_match(f.tags, rule, f.snet_a, &p), port_rows[_i].expected);
	fixture_clear(&f);
}
END_TEST

START_TEST(test_match_descriptions)
{
	Fixture f;
	VsRule *web, *vnet;
	VsPacket ssh = packet("8.8.8.8", "10.0.1.4", VS_PROTO_TCP, 22);
	VsPacket ping = packet("8.8.8.8", "10.0.1.4", VS_PROTO_ICMP, 0);
	g_autofree char *port_text = NULL, *icmp_text = NULL, *source_text = NULL;

	fixture_init(&f);
	web = mb_rule(f.model, f.nsg_a, "web 100 Inbound Allow * * * * 80,443");
	vnet = mb_rule(f.model, f.nsg_a, "vnet 110 Inbound Allow * VirtualNetwork * * *");
	fixture_ready(&f);
	port_text = vs_rule_match_describe(web, &ssh, vs_rule_match(f.tags, web, f.snet_a, &ssh));
	ck_assert_str_eq(port_text, "destination port 22 is not in 80,443");
	icmp_text = vs_rule_match_describe(web, &ping, vs_rule_match(f.tags, web, f.snet_a, &ping));
	ck_assert_str_eq(
		icmp_text,
		"Icmp has no ports and the rule's destination port range is 80,443, not *");
	source_text =
		vs_rule_match_describe(vnet, &ssh, vs_rule_match(f.tags, vnet, f.snet_a, &ssh));
	ck_assert_str_eq(source_text, "source 8.8.8.8 is not in VirtualNetwork");
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- subnet + NIC */

static const struct {
	const char *what;
	const char *subnet_rule; /* NULL = no subnet NSG */
	const char *nic_rule;    /* NULL = no NIC NSG */
	VsDirection direction;
	VsAccess access;
	const char *deciding; /* NULL = no rule */
} combination_rows[] = {
	{"no NSG at either level allows, naming no rule", NULL, NULL, VS_DIRECTION_INBOUND,
	 VS_ACCESS_ALLOW, NULL},
	{"no NSG at either level allows outbound too", NULL, NULL, VS_DIRECTION_OUTBOUND,
	 VS_ACCESS_ALLOW, NULL},
	{"inbound: a subnet deny ends evaluation before the NIC's allow",
	 "s-deny 100 Inbound Deny * * * * *", "n-allow 100 Inbound Allow * * * * *",
	 VS_DIRECTION_INBOUND, VS_ACCESS_DENY, "s-deny"},
	{"inbound: both allow, the NIC NSG (last evaluated) is named",
	 "s-allow 100 Inbound Allow * * * * *", "n-allow 100 Inbound Allow * * * * *",
	 VS_DIRECTION_INBOUND, VS_ACCESS_ALLOW, "n-allow"},
	{"inbound: the NIC denies after the subnet allows", "s-allow 100 Inbound Allow * * * * *",
	 "n-deny 100 Inbound Deny * * * * *", VS_DIRECTION_INBOUND, VS_ACCESS_DENY, "n-deny"},
	{"inbound: no subnet NSG, the NIC decides", NULL, "n-allow 100 Inbound Allow * * * * *",
	 VS_DIRECTION_INBOUND, VS_ACCESS_ALLOW, "n-allow"},
	{"inbound: no NIC NSG, the subnet decides", "s-allow 100 Inbound Allow * * * * *", NULL,
	 VS_DIRECTION_INBOUND, VS_ACCESS_ALLOW, "s-allow"},
	{"outbound: a NIC deny ends evaluation before the subnet's allow",
	 "s-allow 100 Outbound Allow * * * * *", "n-deny 100 Outbound Deny * * * * *",
	 VS_DIRECTION_OUTBOUND, VS_ACCESS_DENY, "n-deny"},
	{"outbound: both allow, the subnet NSG (last evaluated) is named",
	 "s-allow 100 Outbound Allow * * * * *", "n-allow 100 Outbound Allow * * * * *",
	 VS_DIRECTION_OUTBOUND, VS_ACCESS_ALLOW, "s-allow"},
	{"outbound: the subnet denies after the NIC allows", "s-deny 100 Outbound Deny * * * * *",
	 "n-allow 100 Outbound Allow * * * * *", VS_DIRECTION_OUTBOUND, VS_ACCESS_DENY, "s-deny"},
	{"outbound: no NIC NSG, the subnet denies", "s-deny 100 Outbound Deny * * * * *", NULL,
	 VS_DIRECTION_OUTBOUND, VS_ACCESS_DENY, "s-deny"},
	{"outbound: no subnet NSG, the NIC default allows the internet", NULL,
	 "n-other 100 Inbound Deny * * * * *", VS_DIRECTION_OUTBOUND, VS_ACCESS_ALLOW,
	 "AllowInternetOutBound"},
};

START_TEST(test_subnet_and_nic_combination)
{
	Fixture f;
	VsNsgVerdict verdict;
	VsPacket p;

	fixture_init(&f);
	f.snet_a->nsg = NULL;
	if (combination_rows[_i].subnet_rule != NULL) {
		VsNsg *subnet_nsg = mb_nsg(f.model, "nsg-subnet");

		mb_rule(f.model, subnet_nsg, combination_rows[_i].subnet_rule);
		f.snet_a->nsg = subnet_nsg;
	}
	if (combination_rows[_i].nic_rule != NULL) {
		VsNsg *nic_nsg = mb_nsg(f.model, "nsg-nic");

		mb_rule(f.model, nic_nsg, combination_rows[_i].nic_rule);
		f.web1->nsg = nic_nsg;
	}
	fixture_ready(&f);
	p = combination_rows[_i].direction == VS_DIRECTION_INBOUND
		    ? packet("8.8.8.8", "10.0.1.4", VS_PROTO_TCP, 443)
		    : packet("10.0.1.4", "8.8.8.8", VS_PROTO_TCP, 443);
	verdict = vs_nsg_evaluate_nic(f.tags, f.web1, combination_rows[_i].direction, &p);
	ck_assert_msg(verdict.access == combination_rows[_i].access, "%s: access",
		      combination_rows[_i].what);
	if (combination_rows[_i].deciding == NULL)
		ck_assert_msg(verdict.rule == NULL, "%s: expected no rule",
			      combination_rows[_i].what);
	else
		ck_assert_msg(verdict.rule != NULL && strcmp(verdict.rule->name,
							     combination_rows[_i].deciding) == 0,
			      "%s: got %s", combination_rows[_i].what,
			      verdict.rule ? verdict.rule->name : "(none)");
	fixture_clear(&f);
}
END_TEST

START_TEST(test_rule_names)
{
	Fixture f;
	VsRule *user;
	const VsRule *deny_all;
	g_autofree char *user_display = NULL, *user_flow = NULL;
	g_autofree char *default_display = NULL, *default_flow = NULL;

	fixture_init(&f);
	user = mb_rule(f.model, f.nsg_a, "allow-https-in 100 Inbound Allow Tcp * * * 443");
	fixture_ready(&f);
	deny_all = g_ptr_array_index(f.nsg_a->inbound, f.nsg_a->inbound->len - 1);
	user_display = vs_rule_display_name(user);
	user_flow = vs_rule_flow_name(user);
	default_display = vs_rule_display_name(deny_all);
	default_flow = vs_rule_flow_name(deny_all);
	ck_assert_str_eq(user_display, "UserRule_allow-https-in");
	ck_assert_str_eq(user_flow, "securityRules/allow-https-in");
	ck_assert_str_eq(default_display, "DefaultRule_DenyAllInBound");
	ck_assert_str_eq(default_flow, "defaultSecurityRules/DenyAllInBound");
	fixture_clear(&f);
}
END_TEST

/* ---------------------------------------------------------------- oracle */

/* Random addresses cluster in a few /16s so that prefixes and packets meet often. */
static VsIp4
random_ip(GRand *rand)
{
	static const VsIp4 bases[] = {0x0a000000u, 0x0a010000u, 0x08080000u, 0xac100000u};

	return bases[g_rand_int_range(rand, 0, G_N_ELEMENTS(bases))] |
	       (VsIp4)g_rand_int_range(rand, 0, 1 << 16);
}

static VsPrefix
random_prefix(GRand *rand)
{
	VsPrefix prefix;

	prefix.len = (guint8)g_rand_int_range(rand, 8, 33);
	prefix.addr = random_ip(rand) & vs_prefix_mask(prefix.len);
	return prefix;
}

static char *
random_ports(GRand *rand)
{
	guint lo, width;

	switch (g_rand_int_range(rand, 0, 4)) {
	case 0:
		return g_strdup("*");
	case 1:
		return g_strdup_printf("%u", g_rand_int_range(rand, 1, 10));
	case 2:
		lo = (guint)g_rand_int_range(rand, 1, 10);
		width = (guint)g_rand_int_range(rand, 0, 5);
		return g_strdup_printf("%u-%u,%u", lo, lo + width, lo + 20);
	default:
		return g_strdup_printf("%u,%u", g_rand_int_range(rand, 1, 10),
				       g_rand_int_range(rand, 1, 10));
	}
}

static char *
random_address(GRand *rand)
{
	char a[19], b[19];

	switch (g_rand_int_range(rand, 0, 5)) {
	case 0:
		return g_strdup("*");
	case 1:
		return g_strdup("Internet");
	case 2:
		return g_strdup_printf("%s,%s", vs_prefix_format(random_prefix(rand), a),
				       vs_prefix_format(random_prefix(rand), b));
	default:
		return g_strdup(vs_prefix_format(random_prefix(rand), a));
	}
}

/* The Internet tag written the slow way, straight from its definition. */
static gboolean
naive_internet(const VsModel *model, VsIp4 ip)
{
	static const char *const excluded[] = {"0.0.0.0/8",      "10.0.0.0/8",     "100.64.0.0/10",
					       "127.0.0.0/8",    "169.254.0.0/16", "172.16.0.0/12",
					       "192.168.0.0/16", "224.0.0.0/3"};

	for (gsize i = 0; i < G_N_ELEMENTS(excluded); i++)
		if (vs_prefix_contains_ip(mb_prefix(excluded[i]), ip))
			return FALSE;
	return vs_model_find_vnet_by_ip(model, ip) == NULL;
}

static gboolean
naive_address(const VsModel *model, const VsAddressMatch *match, VsIp4 ip)
{
	if (match->kind == VS_MATCH_ANY)
		return TRUE;
	if (match->kind == VS_MATCH_TAG)
		return naive_internet(model, ip);
	for (guint i = 0; i < match->prefixes->len; i++) {
		VsPrefix p = g_array_index(match->prefixes, VsPrefix, i);

		if (ip >= p.addr && (guint64)ip < (guint64)p.addr + vs_prefix_size(p))
			return TRUE;
	}
	return FALSE;
}

static gboolean
naive_ports(const GArray *ranges, VsProtocol protocol, guint port)
{
	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange r = g_array_index(ranges, VsPortRange, i);

		if (protocol == VS_PROTO_ICMP ? (r.lo == 0 && r.hi == 65535)
					      : (port >= r.lo && port <= r.hi))
			return TRUE;
	}
	return FALSE;
}

/* The matching rule with the lowest priority number, scanning the rules in file order. */
static const VsRule *
naive_first_match(const VsModel *model, const VsNsg *nsg, const VsPacket *p)
{
	const VsRule *best = NULL;
	GPtrArray *lists[] = {nsg->rules, nsg->default_rules};

	for (gsize l = 0; l < G_N_ELEMENTS(lists); l++) {
		for (guint i = 0; i < lists[l]->len; i++) {
			const VsRule *rule = g_ptr_array_index(lists[l], i);

			if (rule->direction != VS_DIRECTION_OUTBOUND)
				continue;
			if (rule->protocol != VS_PROTO_ANY && rule->protocol != p->protocol)
				continue;
			if (rule->source.kind == VS_MATCH_TAG &&
			    rule->source.tag == VS_TAG_VIRTUAL_NETWORK) {
				/* AllowVnetOutBound: hub only, plus the host address */
				if (!(vs_model_find_vnet_by_ip(model, p->source) != NULL ||
				      p->source == mb_ip("168.63.129.16")) ||
				    !(vs_model_find_vnet_by_ip(model, p->destination) != NULL ||
				      p->destination == mb_ip("168.63.129.16")))
					continue;
			} else if (!naive_address(model, &rule->source, p->source) ||
				   !naive_address(model, &rule->destination, p->destination)) {
				continue;
			}
			if (!naive_ports(rule->source_ports, p->protocol, p->source_port) ||
			    !naive_ports(rule->destination_ports, p->protocol, p->destination_port))
				continue;
			if (best == NULL || rule->priority < best->priority)
				best = rule;
		}
	}
	return best;
}

START_TEST(test_oracle_first_match)
{
	const guint32 seed = 20261125;
	GRand *rand = g_rand_new_with_seed(seed);
	guint queries = 0;

	for (guint round = 0; round < 40; round++) {
		g_autoptr(VsModel) model = mb_model("oracle");
		g_autoptr(VsTagIndex) tags = NULL;
		VsVnet *vnet = mb_vnet(model, "v", "10.0.0.0/16");
		VsSubnet *subnet = mb_subnet(model, vnet, "s", "10.0.0.0/24");
		VsNsg *nsg = mb_nsg(model, "nsg");
		guint n = (guint)g_rand_int_range(rand, 1, 40);

		subnet->nsg = nsg;
		for (guint r = 0; r < n; r++) {
			static const char *const protocols[] = {"*", "Tcp", "Udp", "Icmp"};
			g_autofree char *source = random_address(rand);
			g_autofree char *destination = random_address(rand);
			g_autofree char *source_ports = random_ports(rand);
			g_autofree char *destination_ports = random_ports(rand);
			g_autofree char *line = g_strdup_printf(
				"r%u %u Outbound %s %s %s %s %s %s", r, 100 + (r * 37) % 41 * 10,
				g_rand_boolean(rand) ? "Allow" : "Deny",
				protocols[g_rand_int_range(rand, 0, 4)], source, source_ports,
				destination, destination_ports);

			mb_rule(model, nsg, line);
		}
		mb_finish(model);
		tags = vs_tag_index_new(model);
		for (guint q = 0; q < 150; q++, queries++) {
			static const VsProtocol protocols[] = {VS_PROTO_TCP, VS_PROTO_UDP,
							       VS_PROTO_ICMP};
			VsPacket p = {random_ip(rand), random_ip(rand),
				      protocols[g_rand_int_range(rand, 0, 3)],
				      (guint16)g_rand_int_range(rand, 1, 30),
				      (guint16)g_rand_int_range(rand, 1, 30)};
			const VsRule *fast =
				vs_nsg_first_match(tags, nsg, VS_DIRECTION_OUTBOUND, subnet, &p);
			const VsRule *slow = naive_first_match(model, nsg, &p);

			ck_assert_msg(
				fast == slow,
				"seed %u, round %u, query %u: engine chose %s, the naive scan "
				"%s",
				seed, round, q, fast ? fast->name : "(none)",
				slow ? slow->name : "(none)");
		}
	}
	ck_assert_uint_ge(queries, 5000);
	g_rand_free(rand);
}
END_TEST

Suite *
nsg_suite(void)
{
	Suite *suite = suite_create("nsg");
	TCase *rules = tcase_create("rules");
	TCase *tags = tcase_create("tags");
	TCase *nic = tcase_create("nic");
	TCase *oracle = tcase_create("oracle");

	tcase_add_loop_test(rules, test_default_rules_decide, 0, G_N_ELEMENTS(default_rows));
	tcase_add_test(rules, test_priority_order_first_match_wins);
	tcase_add_loop_test(rules, test_protocols_and_ports, 0, G_N_ELEMENTS(port_rows));
	tcase_add_test(rules, test_match_descriptions);
	tcase_add_test(rules, test_rule_names);
	suite_add_tcase(suite, rules);

	tcase_add_test(tags, test_virtual_network_tag_with_connected_peer);
	tcase_add_test(tags, test_virtual_network_tag_without_access);
	tcase_add_test(tags, test_virtual_network_tag_widened_by_default_route);
	tcase_add_test(tags, test_virtual_network_tag_takes_route_prefixes);
	tcase_add_loop_test(tags, test_internet_tag, 0, G_N_ELEMENTS(internet_rows));
	tcase_add_test(tags, test_internet_tag_expansion_starts_as_azure_does);
	tcase_add_test(tags, test_load_balancer_and_user_tags);
	tcase_add_test(tags, test_asg_on_source_and_destination);
	suite_add_tcase(suite, tags);

	tcase_add_loop_test(nic, test_subnet_and_nic_combination, 0,
			    G_N_ELEMENTS(combination_rows));
	suite_add_tcase(suite, nic);

	tcase_add_test(oracle, test_oracle_first_match);
	tcase_set_timeout(oracle, 60);
	suite_add_tcase(suite, oracle);
	return suite;
}
