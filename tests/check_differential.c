/*
 * check_differential.c - the real engine against the naive reference
 * evaluator (naive.c) on random queries over generated models (bench/gen.c).
 *
 * For every query the full walk (vs_walk) and the naive walk must agree on
 * the verdict, every hop's type and NIC, and every issue (hop, type, origin,
 * deciding rule or route); the verdict-only walk (vs_walk_verdict) must agree
 * on the verdict, the hops and the deciding issue.  Any difference fails,
 * naming the model's parameters, the query number and the query itself, so
 * it can be replayed with `vnetsim check`.
 *
 * VS_DIFF_QUERIES sets the total number of queries (default 100,000, spread
 * over the models below); check-valgrind sets a smaller one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/gen.h"
#include "load.h"
#include "naive.h"
#include "nsg-index.h"
#include "suites.h"
#include "walk.h"

static const struct {
	guint vms, rules, routes;
	guint64 seed;
} models[] = {
	{10, 24, 12, 1}, {10, 40, 12, 2}, {60, 200, 30, 3}, {200, 500, 40, 4}, {1000, 2000, 100, 5},
};

/* SplitMix64, as the generator: the queries depend only on the seed. */
static guint64
next(guint64 *state)
{
	guint64 z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static guint
below(guint64 *state, guint n)
{
	return (guint)(next(state) % n);
}

static guint
query_count(void)
{
	const char *text = g_getenv("VS_DIFF_QUERIES");
	guint64 total = 100000;

	if (text != NULL)
		g_ascii_string_to_unsigned(text, 10, 1, 100000000, &total, NULL);
	return (guint)MAX(1, total / G_N_ELEMENTS(models));
}

/* Ports where rules begin and end, and their neighbours: where answers change. */
static const guint16 ports[] = {0,    1,    22,   23,    24,    25,    53,    80,   123,
				135,  139,  140,  443,   444,   1023,  1024,  1433, 3306,
				3389, 4999, 5000, 5432,  5999,  6379,  8000,  8080, 8100,
				8443, 9000, 9999, 27017, 30000, 32767, 50000, 65535};

static VsIp4
random_in(guint64 *state, VsPrefix prefix)
{
	return prefix.addr | ((VsIp4)next(state) & ~vs_prefix_mask(prefix.len));
}

static void
make_query(guint64 *state, const VsModel *model, NaiveQuery *query)
{
	guint pick = below(state, 100);
	const VsNic *nic = g_ptr_array_index(model->nics, below(state, model->nics->len));

	query->source = g_ptr_array_index(model->nics, below(state, model->nics->len));
	if (pick < 45) {
		query->destination = nic->private_ip;
	} else if (pick < 55) {
		const VsSubnet *subnet =
			g_ptr_array_index(model->subnets, below(state, model->subnets->len));

		query->destination = random_in(state, subnet->prefix);
	} else if (pick < 60) {
		const VsVnet *vnet =
			g_ptr_array_index(model->vnets, below(state, model->vnets->len));

		query->destination =
			random_in(state, g_array_index(vnet->address_space, VsPrefix,
						       below(state, vnet->address_space->len)));
	} else if (pick < 70) {
		query->destination = nic->has_public_ip ? nic->public_ip : 0x14640000u;
	} else if (pick < 80) {
		query->destination = (VsIp4)next(state);
	} else if (pick < 85 && model->service_tags->len > 0) {
		const VsServiceTag *tag = g_ptr_array_index(model->service_tags,
							    below(state, model->service_tags->len));

		query->destination =
			random_in(state, g_array_index(tag->prefixes, VsPrefix,
						       below(state, tag->prefixes->len)));
	} else if (pick < 90) {
		static const VsIp4 odd[] = {0xa83f8110u, 0xac1f0064u, 0xc0a80204u, 0x64400001u,
					    0x0afc0104u, 0x7f000001u, 0x08080808u};

		query->destination = odd[below(state, G_N_ELEMENTS(odd))];
	} else {
		query->destination = 0x0a000104u + below(state, 3); /* the hub appliances */
	}
	pick = below(state, 100);
	query->protocol = pick < 60 ? VS_PROTO_TCP : pick < 85 ? VS_PROTO_UDP : VS_PROTO_ICMP;
	query->destination_port = below(state, 100) < 70 ? ports[below(state, G_N_ELEMENTS(ports))]
							 : (guint16)below(state, 65536);
	query->source_port = below(state, 100) < 80 ? 50000 : (guint16)below(state, 2048);
}

static char *
describe(const VsGenParams *params, guint number, const NaiveQuery *query)
{
	char destination[16];

	g_autofree char *port_options =
		query->protocol == VS_PROTO_ICMP
			? g_strdup("")
			: g_strdup_printf(" --port %u --source-port %u", query->destination_port,
					  query->source_port);

	return g_strdup_printf(
		"model vms=%u rules=%u routes=%u seed=%" G_GUINT64_FORMAT
		" (vnetsim-genmodel --vms %u --rules %u --routes %u --seed %" G_GUINT64_FORMAT
		"), query %u: --source %s/%s --dest %s --protocol %s%s",
		params->vms, params->rules, params->routes, params->seed, params->vms,
		params->rules, params->routes, params->seed, number, query->source->vm->name,
		query->source->name, vs_ip4_format(query->destination, destination),
		query->protocol == VS_PROTO_TCP   ? "tcp"
		: query->protocol == VS_PROTO_UDP ? "udp"
						  : "icmp",
		port_options);
}

/* NULL when the two agree, else what differs (owned). */
static char *
compare_issue(const VsIssue *real, const NaiveIssue *naive)
{
	const char *prefix = vs_issue_context_value(real, "AddressPrefix");

	if (real->severity != naive->severity)
		return g_strdup_printf("issue %s of severity %s, naive %s",
				       vs_issue_type_name(real->type),
				       vs_issue_severity_name(real->severity),
				       vs_issue_severity_name(naive->severity));
	if (real->type != naive->type || real->origin != naive->origin)
		return g_strdup_printf("issue %s/%s, naive %s/%s", vs_issue_type_name(real->type),
				       vs_issue_origin_name(real->origin),
				       vs_issue_type_name(naive->type),
				       vs_issue_origin_name(naive->origin));
	if (real->rule != naive->rule)
		return g_strdup_printf("rule %s, naive %s", real->rule ? real->rule->name : "-",
				       naive->rule ? naive->rule->name : "-");
	if (real->type != VS_ISSUE_USER_DEFINED_ROUTE)
		return NULL;
	if ((prefix != NULL) != naive->has_route)
		return g_strdup_printf("route %s, naive %s", prefix ? prefix : "none",
				       naive->has_route ? "a route" : "none");
	if (naive->has_route) {
		char text[19];

		vs_prefix_format(naive->route.prefix, text);
		if (real->route != naive->route.user_route || strcmp(prefix, text) != 0 ||
		    strcmp(vs_issue_context_value(real, "NextHopType"),
			   vs_next_hop_type_name(naive->route.next_hop_type)) != 0)
			return g_strdup_printf(
				"route %s -> %s (%s), naive %s -> %s (%s)", prefix,
				vs_issue_context_value(real, "NextHopType"),
				real->route ? real->route->name : "system", text,
				vs_next_hop_type_name(naive->route.next_hop_type),
				naive->route.user_route ? naive->route.user_route->name : "system");
	}
	return NULL;
}

/* The full walk against the naive one. */
static char *
compare_trace(const VsTrace *trace, NaiveResult *naive)
{
	guint n = 0;

	if (trace->reachable != naive->reachable)
		return g_strdup_printf("reachable %d, naive %d", trace->reachable,
				       naive->reachable);
	if (trace->hops->len != naive->hop_count)
		return g_strdup_printf("%u hops, naive %u", trace->hops->len, naive->hop_count);
	for (guint h = 0; h < trace->hops->len; h++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, h);

		if (hop->type != naive->hop_types[h] || hop->nic != naive->hop_nics[h])
			return g_strdup_printf("hop %u is %s %s, naive %s %s", h,
					       vs_hop_type_name(hop->type),
					       hop->nic ? hop->nic->name : "-",
					       vs_hop_type_name(naive->hop_types[h]),
					       naive->hop_nics[h] ? naive->hop_nics[h]->name : "-");
		for (guint i = 0; i < hop->issues->len; i++) {
			const NaiveIssue *expected = NULL;
			char *difference;

			/* the naive issues of this hop, in the order raised */
			for (guint seen = 0, k = 0; k < naive->issue_count; k++) {
				if (naive->issues[k].hop != h)
					continue;
				if (seen++ == i) {
					expected = &naive->issues[k];
					break;
				}
			}
			if (expected == NULL)
				return g_strdup_printf(
					"hop %u has an extra %s issue", h,
					vs_issue_type_name(
						((const VsIssue *)g_ptr_array_index(hop->issues, i))
							->type));
			difference = compare_issue(g_ptr_array_index(hop->issues, i), expected);
			if (difference != NULL)
				return difference;
			n++;
		}
	}
	if (n != naive->issue_count)
		return g_strdup_printf("%u issues, naive %u", n, naive->issue_count);
	return NULL;
}

/* The verdict-only walk against the naive one. */
static char *
compare_verdict(const VsWalkVerdict *verdict, const NaiveResult *naive)
{
	const NaiveIssue *first = NULL;

	if (verdict->reachable != naive->reachable || verdict->hop_count != naive->hop_count)
		return g_strdup_printf("verdict-only: reachable %d with %u hops, naive %d with %u",
				       verdict->reachable, verdict->hop_count, naive->reachable,
				       naive->hop_count);
	for (guint h = 0; h < verdict->hop_count; h++)
		if (verdict->hop_types[h] != naive->hop_types[h] ||
		    verdict->hop_nics[h] != naive->hop_nics[h])
			return g_strdup_printf("verdict-only: hop %u differs", h);
	/* the first Error in hop order; else, when the connection fails all the same, the
	 * asymmetric routing Warning that fails it */
	for (guint k = 0; k < naive->issue_count; k++)
		if (naive->issues[k].severity == VS_ISSUE_SEVERITY_ERROR &&
		    (first == NULL || naive->issues[k].hop < first->hop))
			first = &naive->issues[k];
	if (first == NULL && !naive->reachable)
		for (guint k = 0; k < naive->issue_count; k++)
			if (first == NULL || naive->issues[k].hop < first->hop)
				first = &naive->issues[k];
	if (verdict->has_issue != (first != NULL))
		return g_strdup_printf("verdict-only: has_issue %d, naive %u issues",
				       verdict->has_issue, naive->issue_count);
	if (first == NULL)
		return NULL;
	if (verdict->issue_hop != first->hop || verdict->issue_type != first->type ||
	    verdict->issue_origin != first->origin || verdict->rule != first->rule)
		return g_strdup_printf("verdict-only: deciding issue %s on hop %u (rule %s), naive "
				       "%s on hop %u (rule %s)",
				       vs_issue_type_name(verdict->issue_type), verdict->issue_hop,
				       verdict->rule ? verdict->rule->name : "-",
				       vs_issue_type_name(first->type), first->hop,
				       first->rule ? first->rule->name : "-");
	if ((verdict->route != NULL) != first->has_route ||
	    (first->has_route && (verdict->route->user_route != first->route.user_route ||
				  !vs_prefix_equal(verdict->route->prefix, first->route.prefix) ||
				  verdict->route->next_hop_type != first->route.next_hop_type)))
		return g_strdup("verdict-only: the deciding route differs");
	return NULL;
}

START_TEST(test_engine_agrees_with_naive)
{
	VsGenParams params = {models[_i].vms, models[_i].rules, models[_i].routes, models[_i].seed,
			      TRUE};
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	guint64 state = params.seed * 1000003u;
	guint count = query_count(), reachable = 0, denied_by_rule = 0, dropped_by_route = 0;
	guint asymmetric = 0;

	vs_gen_model(text, &params);
	model = vs_load_data(text->str, text->len, "generated.yaml", diags, &error);
	ck_assert_msg(model != NULL,
		      "the generated model (seed %" G_GUINT64_FORMAT ") failed to load: %s",
		      params.seed, error ? error->message : "?");
	engine = vs_engine_new(model);
	for (guint q = 0; q < count; q++) {
		NaiveQuery query;
		NaiveResult naive;
		VsWalkVerdict verdict;
		VsQuery real = {0};
		g_autoptr(VsTrace) trace = NULL;
		g_autofree char *difference = NULL;

		make_query(&state, model, &query);
		naive_check(model, &query, &naive);
		real.source = query.source;
		real.destination = query.destination;
		real.protocol = query.protocol;
		real.source_port = query.source_port;
		real.destination_port = query.destination_port;
		trace = vs_walk(engine, &real);
		vs_walk_verdict(engine, &real, &verdict);
		difference = compare_trace(trace, &naive);
		if (difference == NULL)
			difference = compare_verdict(&verdict, &naive);
		if (difference != NULL) {
			g_autofree char *where = describe(&params, q, &query);

			ck_abort_msg("%s: %s", where, difference);
		}
		reachable += naive.reachable;
		for (guint k = 0; k < naive.issue_count; k++)
			if (naive.issues[k].severity == VS_ISSUE_SEVERITY_WARNING) {
				asymmetric++;
				break;
			}
		if (naive.issue_count > 0 && naive.issues[0].type == VS_ISSUE_NETWORK_SECURITY_RULE)
			denied_by_rule++;
		if (naive.issue_count > 0 && naive.issues[0].type == VS_ISSUE_USER_DEFINED_ROUTE)
			dropped_by_route++;
	}
	/* the queries must exercise every kind of answer, or the test proves little
	 * (checked on full-size runs: a short run under valgrind proves less anyway) */
	ck_assert_msg(count < 10000 ||
			      (reachable > count / 20 && denied_by_rule > count / 20 &&
			       dropped_by_route > count / 200 && asymmetric > count / 1000),
		      "too uniform: %u queries, %u reachable, %u denied by a rule, %u dropped by a "
		      "route, %u asymmetric",
		      count, reachable, denied_by_rule, dropped_by_route, asymmetric);
	printf("differential: model %u VMs seed %" G_GUINT64_FORMAT
	       ": %u queries agree (%u reachable, %u denied by a rule, %u dropped by a route, "
	       "%u asymmetric)\n",
	       params.vms, params.seed, count, reachable, denied_by_rule, dropped_by_route,
	       asymmetric);
}
END_TEST

/*
 * The compiled NSG index with every direction compiled (crossover 0) against
 * the linear scan of nsg.c, on every NSG of a generated model, for random
 * packets seen from random subnets (VirtualNetwork depends on the subnet).
 */
START_TEST(test_compiled_nsgs_agree_with_scan)
{
	VsGenParams params = {1000, 2000, 100, 11, TRUE};
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTagIndex) tags = NULL;
	g_autoptr(VsNsgIndex) index = NULL;
	guint64 state = 99;
	guint count = query_count(), compiled = 0;

	vs_gen_model(text, &params);
	model = vs_load_data(text->str, text->len, "generated.yaml", diags, &error);
	ck_assert_msg(model != NULL, "%s", error ? error->message : "?");
	tags = vs_tag_index_new(model);
	index = vs_nsg_index_new(model, tags, 0);
	for (guint q = 0; q < count; q++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, below(&state, model->nsgs->len));
		const VsSubnet *subnet =
			g_ptr_array_index(model->subnets, below(&state, model->subnets->len));
		VsDirection direction =
			below(&state, 2) ? VS_DIRECTION_INBOUND : VS_DIRECTION_OUTBOUND;
		NaiveQuery query;
		VsPacket packet;
		const VsRule *scanned, *looked_up;

		make_query(&state, model, &query);
		packet = (VsPacket){query.source->private_ip, query.destination, query.protocol,
				    query.protocol == VS_PROTO_ICMP ? 0 : query.source_port,
				    query.protocol == VS_PROTO_ICMP ? 0 : query.destination_port};
		if (below(&state, 2))
			packet.source = (VsIp4)next(&state);
		scanned = vs_nsg_first_match(tags, nsg, direction, subnet, &packet);
		looked_up = vs_nsg_index_first_match(index, nsg, direction, subnet, &packet);
		if (scanned != looked_up) {
			char source[16], destination[16];

			ck_abort_msg(
				"NSG %s %s from subnet %s, %s %s:%u -> %s:%u: scan says %s, the "
				"compiled index %s",
				nsg->name, vs_direction_name(direction), subnet->path,
				vs_protocol_name(packet.protocol),
				vs_ip4_format(packet.source, source), packet.source_port,
				vs_ip4_format(packet.destination, destination),
				packet.destination_port, scanned ? scanned->name : "none",
				looked_up ? looked_up->name : "none");
		}
		compiled++;
	}
	ck_assert_uint_gt(vs_nsg_index_bytes(index), 0);
	printf("differential: compiled NSG index agrees with the scan on %u lookups\n", compiled);
}
END_TEST

/*
 * The NSG index's table of address owners (an open-addressing table that the
 * walk and the ASG sides of compiled NSGs use) against the model's own
 * vs_model_find_nic_by_ip: every NIC's address, its neighbours, and random
 * addresses inside and outside the VNets, on a generated model.
 */
START_TEST(test_owner_table_agrees_with_model)
{
	VsGenParams params = {1000, 2000, 100, 13, TRUE};
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsTagIndex) tags = NULL;
	g_autoptr(VsNsgIndex) index = NULL;
	guint64 state = 7;
	guint checked = 0, owned = 0;

	vs_gen_model(text, &params);
	model = vs_load_data(text->str, text->len, "generated.yaml", diags, &error);
	ck_assert_msg(model != NULL, "%s", error ? error->message : "?");
	tags = vs_tag_index_new(model);
	index = vs_nsg_index_new(model, tags, 0);
	for (guint q = 0; q < model->nics->len * 3 + 20000; q++) {
		const VsNic *nic = g_ptr_array_index(model->nics, below(&state, model->nics->len));
		VsIp4 address = q < model->nics->len * 3
					? nic->private_ip + (q % 3) - 1
					: (q % 2 ? (VsIp4)next(&state)
						 : nic->private_ip ^ (VsIp4)below(&state, 256));
		const VsNic *expected = vs_model_find_nic_by_ip(model, address);
		VsAddressOwner owner = {0};
		char ip[16];

		vs_nsg_index_owner(index, address, &owner);
		ck_assert_msg(owner.resolved, "owner of %s not marked resolved",
			      vs_ip4_format(address, ip));
		ck_assert_msg(owner.nic == expected, "owner of %s: the index says %s, the model %s",
			      vs_ip4_format(address, ip), owner.nic ? owner.nic->name : "none",
			      expected ? expected->name : "none");
		if (expected != NULL) {
			ck_assert_uint_eq(owner.asg_count, expected->asgs->len);
			for (guint a = 0; a < owner.asg_count; a++)
				ck_assert_uint_eq(
					owner.asg_ids[a],
					((const VsAsg *)g_ptr_array_index(expected->asgs, a))->id);
			owned++;
		}
		checked++;
	}
	ck_assert_uint_gt(owned, model->nics->len);
	ck_assert_uint_gt(checked - owned, 10000);
	printf("differential: the owner table agrees with the model on %u addresses (%u owned)\n",
	       checked, owned);
}
END_TEST

Suite *
differential_suite(void)
{
	Suite *s = suite_create("differential");
	TCase *tc = tcase_create("naive");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_engine_agrees_with_naive, 0, G_N_ELEMENTS(models));
	tcase_add_test(tc, test_compiled_nsgs_agree_with_scan);
	tcase_add_test(tc, test_owner_table_agrees_with_model);
	suite_add_tcase(s, tc);
	return s;
}
