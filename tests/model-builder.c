/*
 * model-builder.c - concise construction of models for the engine tests: the
 * same vs_*_new / vs_model_add_* / vs_model_finish path the loader takes, with
 * short textual arguments so a test's network reads like its YAML would.
 */
#include "config.h"

#include "model-builder.h"

#include <check.h>
#include <string.h>

VsModel *
mb_model(const char *name)
{
	VsModel *model = vs_model_new();

	model->name = g_strdup(name);
	return model;
}

void
mb_finish(VsModel *model)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(VS_DIAG_DEFAULT_LIMIT);

	ck_assert_msg(vs_model_finish(model, diags), "the test model does not finish");
}

VsPrefix
mb_prefix(const char *text)
{
	VsPrefix prefix;

	ck_assert_msg(vs_prefix_parse(text, &prefix, NULL), "bad prefix in a test: %s", text);
	return prefix;
}

VsIp4
mb_ip(const char *text)
{
	VsIp4 ip;

	ck_assert_msg(vs_ip4_parse(text, &ip, NULL), "bad address in a test: %s", text);
	return ip;
}

static GArray *
prefix_list(const char *text)
{
	GArray *prefixes = g_array_new(FALSE, FALSE, sizeof(VsPrefix));
	g_auto(GStrv) parts = g_strsplit(text, ",", -1);

	for (guint i = 0; parts[i] != NULL; i++) {
		VsPrefix prefix = mb_prefix(parts[i]);

		g_array_append_val(prefixes, prefix);
	}
	return prefixes;
}

VsVnet *
mb_vnet(VsModel *model, const char *name, const char *space)
{
	VsVnet *vnet = vs_vnet_new(name);
	g_autoptr(GArray) prefixes = prefix_list(space);

	g_array_append_vals(vnet->address_space, prefixes->data, prefixes->len);
	vnet->location = g_strdup(model->location);
	ck_assert(vs_model_add_vnet(model, vnet));
	return vnet;
}

VsSubnet *
mb_subnet(VsModel *model, VsVnet *vnet, const char *name, const char *prefix)
{
	VsSubnet *subnet = vs_subnet_new(name);

	subnet->prefix = mb_prefix(prefix);
	ck_assert(vs_model_add_subnet(model, vnet, subnet));
	return subnet;
}

VsPeering *
mb_peering(VsVnet *local, VsVnet *remote)
{
	VsPeering *peering = vs_peering_new();

	peering->local = local;
	peering->remote = remote;
	g_ptr_array_add(local->peerings, peering);
	return peering;
}

VsPeering *
mb_peer(VsVnet *local, VsVnet *remote)
{
	VsPeering *peering = mb_peering(local, remote);

	mb_peering(remote, local);
	return peering;
}

VsNsg *
mb_nsg(VsModel *model, const char *name)
{
	VsNsg *nsg = vs_nsg_new(name);

	ck_assert(vs_model_add_nsg(model, nsg));
	return nsg;
}

VsAsg *
mb_asg(VsModel *model, const char *name)
{
	VsAsg *asg = vs_asg_new(name);

	ck_assert(vs_model_add_asg(model, asg));
	return asg;
}

VsServiceTag *
mb_service_tag(VsModel *model, const char *name, const char *prefixes)
{
	VsServiceTag *tag = vs_service_tag_new(name);
	g_autoptr(GArray) list = prefix_list(prefixes);

	g_array_append_vals(tag->prefixes, list->data, list->len);
	ck_assert(vs_model_add_service_tag(model, tag));
	return tag;
}

static void
parse_address(VsModel *model, const char *word, VsAddressMatch *match)
{
	static const struct {
		const char *name;
		VsTagKind tag;
	} tags[] = {
		{"VirtualNetwork", VS_TAG_VIRTUAL_NETWORK},
		{"Internet", VS_TAG_INTERNET},
		{"AzureLoadBalancer", VS_TAG_AZURE_LOAD_BALANCER},
	};

	match->text = g_strdup(word);
	if (strcmp(word, "*") == 0) {
		match->kind = VS_MATCH_ANY;
		return;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(tags); i++) {
		if (strcmp(word, tags[i].name) == 0) {
			match->kind = VS_MATCH_TAG;
			match->tag = tags[i].tag;
			return;
		}
	}
	if (g_str_has_prefix(word, "tag:")) {
		match->kind = VS_MATCH_TAG;
		match->tag = VS_TAG_USER;
		match->user_tag = vs_model_find_service_tag(model, word + 4);
		ck_assert_msg(match->user_tag != NULL, "unknown service tag in a test: %s", word);
		g_free(match->text);
		match->text = g_strdup(word + 4);
		return;
	}
	if (g_str_has_prefix(word, "asg:")) {
		g_auto(GStrv) names = g_strsplit(word + 4, ",", -1);

		match->kind = VS_MATCH_ASGS;
		match->asgs = g_ptr_array_new();
		for (guint i = 0; names[i] != NULL; i++) {
			VsAsg *asg = vs_model_find_asg(model, names[i]);

			ck_assert_msg(asg != NULL, "unknown ASG in a test: %s", names[i]);
			g_ptr_array_add(match->asgs, asg);
		}
		g_free(match->text);
		match->text = g_strdup(word + 4);
		return;
	}
	match->kind = VS_MATCH_PREFIXES;
	match->prefixes = prefix_list(word);
}

static void
parse_ports(const char *word, GArray *ports)
{
	g_auto(GStrv) parts = g_strsplit(word, ",", -1);

	for (guint i = 0; parts[i] != NULL; i++) {
		VsPortRange range;

		ck_assert_msg(vs_port_range_parse(parts[i], &range, NULL),
			      "bad port range in a test: %s", parts[i]);
		g_array_append_val(ports, range);
	}
}

VsRule *
mb_rule(VsModel *model, VsNsg *nsg, const char *line)
{
	g_auto(GStrv) words = g_strsplit_set(line, " ", -1);
	VsRule *rule;
	guint64 priority;

	ck_assert_msg(g_strv_length(words) == 9, "a rule needs nine words: %s", line);
	rule = vs_rule_new(words[0]);
	rule->nsg = nsg;
	ck_assert(g_ascii_string_to_unsigned(words[1], 10, 1, 65535, &priority, NULL));
	rule->priority = (guint)priority;
	rule->direction = g_ascii_strcasecmp(words[2], "Inbound") == 0 ? VS_DIRECTION_INBOUND
								       : VS_DIRECTION_OUTBOUND;
	rule->access =
		g_ascii_strcasecmp(words[3], "Allow") == 0 ? VS_ACCESS_ALLOW : VS_ACCESS_DENY;
	ck_assert_msg(vs_protocol_parse(words[4], &rule->protocol), "bad protocol: %s", line);
	parse_address(model, words[5], &rule->source);
	parse_ports(words[6], rule->source_ports);
	parse_address(model, words[7], &rule->destination);
	parse_ports(words[8], rule->destination_ports);
	g_ptr_array_add(nsg->rules, rule);
	return rule;
}

VsRouteTable *
mb_route_table(VsModel *model, const char *name)
{
	VsRouteTable *table = vs_route_table_new(name);

	ck_assert(vs_model_add_route_table(model, table));
	return table;
}

VsRoute *
mb_route(VsRouteTable *table, const char *name, const char *prefix, const char *next_hop,
	 const char *next_hop_ip)
{
	VsRoute *route = vs_route_new(name);

	route->table = table;
	route->prefix = mb_prefix(prefix);
	ck_assert_msg(vs_next_hop_type_parse(next_hop, &route->next_hop_type),
		      "bad next hop type in a test: %s", next_hop);
	if (next_hop_ip != NULL) {
		route->has_next_hop_ip = TRUE;
		route->next_hop_ip = mb_ip(next_hop_ip);
	}
	g_ptr_array_add(table->routes, route);
	return route;
}

VsNic *
mb_nic(VsModel *model, VsVm *vm, const char *name, VsSubnet *subnet, const char *ip)
{
	VsNic *nic = vs_nic_new(name);

	nic->subnet = subnet;
	nic->private_ip = mb_ip(ip);
	ck_assert(vs_model_add_nic(model, vm, nic));
	return nic;
}

VsNic *
mb_vm(VsModel *model, const char *name, VsSubnet *subnet, const char *ip)
{
	VsVm *vm = vs_vm_new(name);
	g_autofree char *nic_name = g_strdup_printf("%s-nic0", name);

	ck_assert(vs_model_add_vm(model, vm));
	return mb_nic(model, vm, nic_name, subnet, ip);
}
