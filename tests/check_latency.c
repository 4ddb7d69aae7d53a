/*
 * check_latency.c - base round-trip sums per link kind, and the seeded probes.
 */
#include "config.h"

#include <math.h>

#include "latency.h"
#include "model-builder.h"
#include "render.h"
#include "suites.h"

/* Two regions: hub and spoke1 in westeurope, far in northeurope. */
typedef struct {
	VsModel *model;
	VsNic *hub_vm, *fw, *spoke_vm, *spoke_vm2, *far_vm;
} Estate;

static VsVnet *
add_vnet(VsModel *model, const char *name, const char *location, VsIp4 base)
{
	VsVnet *vnet = vs_vnet_new(name);
	VsSubnet *subnet = vs_subnet_new("default");
	VsPrefix space = {base, 16};

	vnet->location = location ? g_strdup(location) : NULL;
	g_array_append_val(vnet->address_space, space);
	subnet->prefix = (VsPrefix){base | 0x100, 24};
	vs_model_add_vnet(model, vnet);
	vs_model_add_subnet(model, vnet, subnet);
	return vnet;
}

static void
estate_init(Estate *estate)
{
	VsModel *model = vs_model_new();
	VsVnet *hub = add_vnet(model, "hub", NULL, 0x0a000000);
	VsVnet *spoke = add_vnet(model, "spoke1", "westeurope", 0x0a010000);
	VsVnet *far = add_vnet(model, "far", "northeurope", 0x0a020000);

	model->name = g_strdup("lab");
	model->latency.jitter_percent = 0;
	estate->model = model;
	estate->hub_vm = mb_vm(model, "hub1", g_ptr_array_index(hub->subnets, 0), "10.0.1.5");
	estate->fw = mb_vm(model, "fw1", g_ptr_array_index(hub->subnets, 0), "10.0.1.4");
	estate->spoke_vm = mb_vm(model, "web1", g_ptr_array_index(spoke->subnets, 0), "10.1.1.4");
	estate->spoke_vm2 = mb_vm(model, "web2", g_ptr_array_index(spoke->subnets, 0), "10.1.1.5");
	estate->far_vm = mb_vm(model, "db1", g_ptr_array_index(far->subnets, 0), "10.2.1.4");
	ck_assert(vs_model_finish(model, NULL));
}

static VsTrace *
path(const VsNic *first, ...)
{
	VsTrace *trace = vs_trace_new();
	va_list args;
	const VsNic *nic = first;
	guint index = 0;

	va_start(args, first);
	while (nic != NULL) {
		VsHopType type = index == 0 ? VS_HOP_SOURCE : VS_HOP_VNET_LOCAL;
		VsHop *hop;

		if (index > 0 && va_arg(args, int))
			type = VS_HOP_VIRTUAL_APPLIANCE;
		hop = vs_hop_new(type, nic->private_ip);
		hop->nic = nic;
		vs_trace_add_hop(trace, hop);
		nic = va_arg(args, const VsNic *);
		index++;
	}
	va_end(args);
	trace->reachable = TRUE;
	return trace;
}

static void
add_internet_hop(VsTrace *trace, VsIp4 address)
{
	vs_trace_add_hop(trace, vs_hop_new(VS_HOP_INTERNET, address));
}

START_TEST(test_base_sums_per_link_kind)
{
	Estate e;

	estate_init(&e);
	{
		/* same VNet: one vnetMs */
		g_autoptr(VsTrace) trace = path(e.spoke_vm, e.spoke_vm2, FALSE, NULL);

		ck_assert_double_eq(vs_latency_base_ms(e.model, trace), 0.5);
	}
	{
		/* across a peering in one region: one peeringMs */
		g_autoptr(VsTrace) trace = path(e.spoke_vm, e.hub_vm, FALSE, NULL);

		ck_assert_double_eq(vs_latency_base_ms(e.model, trace), 1.0);
	}
	{
		/* through an appliance: the model.md example, 1.0 + 0.3 + 1.0 */
		g_autoptr(VsTrace) trace = path(e.spoke_vm, e.fw, TRUE, e.spoke_vm2, FALSE, NULL);

		ck_assert_double_eq_tol(vs_latency_base_ms(e.model, trace), 2.3, 1e-9);
	}
	{
		/* across regions without a pair figure: interRegionMs */
		g_autoptr(VsTrace) trace = path(e.hub_vm, e.far_vm, FALSE, NULL);

		ck_assert_double_eq(vs_latency_base_ms(e.model, trace), 30);
		g_ptr_array_add(e.model->latency.region_pairs,
				vs_region_pair_new("northeurope", "westeurope", 18));
		/* the pair is found in either order */
		ck_assert_double_eq(vs_latency_base_ms(e.model, trace), 18);
	}
	{
		/* to the internet: internetMs, or the endpoint's own rttMs */
		g_autoptr(VsTrace) trace = path(e.hub_vm, NULL);
		VsInternetEndpoint *endpoint = vs_internet_endpoint_new("www", 0x5db8d822);

		add_internet_hop(trace, 0x5db8d822);
		ck_assert_double_eq(vs_latency_base_ms(e.model, trace), 20);
		endpoint->has_rtt = TRUE;
		endpoint->rtt_ms = 12;
		vs_model_add_internet_endpoint(e.model, endpoint);
		ck_assert_double_eq(vs_latency_base_ms(e.model, trace), 12);
	}
	vs_model_free(e.model);
}
END_TEST

START_TEST(test_no_jitter_no_loss_gives_the_base_exactly)
{
	Estate e;
	g_autoptr(VsTrace) trace = NULL;

	estate_init(&e);
	trace = path(e.spoke_vm, e.fw, TRUE, e.spoke_vm2, FALSE, NULL);
	vs_latency_probe(e.model, trace, 30, 1);
	ck_assert_uint_eq(trace->probes_sent, 30);
	ck_assert_uint_eq(trace->probes_failed, 0);
	ck_assert(trace->has_latency);
	ck_assert_double_eq(trace->latency_min_ms, trace->latency_max_ms);
	ck_assert_double_eq(trace->latency_avg_ms, trace->latency_min_ms);
	ck_assert_double_eq_tol(trace->latency_avg_ms, 2.3, 1e-9);
	ck_assert_int_eq(vs_render_round_ms(trace->latency_avg_ms), 2);
	vs_model_free(e.model);
}
END_TEST

START_TEST(test_jitter_stays_within_bounds_and_follows_the_seed)
{
	Estate e;
	double base;
	gboolean some_differ = FALSE;
	double first_avg = -1;

	estate_init(&e);
	e.model->latency.jitter_percent = 10;
	for (guint32 seed = 1; seed <= 200; seed++) {
		g_autoptr(VsTrace) trace = path(e.spoke_vm, e.hub_vm, FALSE, NULL);
		g_autoptr(VsTrace) again = path(e.spoke_vm, e.hub_vm, FALSE, NULL);

		base = vs_latency_base_ms(e.model, trace);
		vs_latency_probe(e.model, trace, 30, seed);
		vs_latency_probe(e.model, again, 30, seed);
		ck_assert_msg(trace->latency_min_ms >= base, "seed %u", seed);
		ck_assert_msg(trace->latency_max_ms < base * 1.1, "seed %u", seed);
		ck_assert(trace->latency_min_ms <= trace->latency_avg_ms);
		ck_assert(trace->latency_avg_ms <= trace->latency_max_ms);
		/* same seed, same figures */
		ck_assert_double_eq(trace->latency_avg_ms, again->latency_avg_ms);
		if (first_avg >= 0 && trace->latency_avg_ms != first_avg)
			some_differ = TRUE;
		first_avg = trace->latency_avg_ms;
	}
	ck_assert_msg(some_differ, "different seeds must give different figures");
	vs_model_free(e.model);
}
END_TEST

START_TEST(test_loss_and_unreachable)
{
	Estate e;

	estate_init(&e);
	{
		g_autoptr(VsTrace) trace = path(e.spoke_vm, e.hub_vm, FALSE, NULL);

		trace->reachable = FALSE;
		vs_latency_probe(e.model, trace, 30, 1);
		ck_assert_uint_eq(trace->probes_failed, 30);
		ck_assert(!trace->has_latency);
	}
	{
		g_autoptr(VsTrace) trace = path(e.spoke_vm, e.hub_vm, FALSE, NULL);

		e.model->latency.loss_percent = 100;
		vs_latency_probe(e.model, trace, 30, 1);
		ck_assert_uint_eq(trace->probes_failed, 30);
		ck_assert(!trace->has_latency);
	}
	{
		g_autoptr(VsTrace) trace = path(e.spoke_vm, e.hub_vm, FALSE, NULL);
		guint failed;

		e.model->latency.loss_percent = 50;
		vs_latency_probe(e.model, trace, 100, 7);
		failed = trace->probes_failed;
		/* 100 draws at p = 0.5: anything outside 20..80 would be a broken PRNG use */
		ck_assert_msg(failed > 20 && failed < 80, "%u of 100 lost", failed);
	}
	vs_model_free(e.model);
}
END_TEST

START_TEST(test_busy_hosts_add_delay_and_loss)
{
	Estate e;
	g_autoptr(VsTrace) trace = NULL;

	estate_init(&e);
	ck_assert_double_eq(vs_latency_busy_delay_ms(e.fw->vm), 0);
	e.fw->vm->cpu_percent = 95;    /* 6 points over 89: 3 ms, 12 % */
	e.fw->vm->memory_percent = 90; /* 1 point: 0.5 ms, 2 % */
	ck_assert_double_eq(vs_latency_busy_delay_ms(e.fw->vm), 3.5);
	ck_assert_double_eq(vs_latency_busy_loss_percent(e.fw->vm), 14);
	trace = path(e.spoke_vm, e.fw, TRUE, e.spoke_vm2, FALSE, NULL);
	vs_latency_probe(e.model, trace, 100, 3);
	ck_assert(trace->has_latency);
	ck_assert_double_eq_tol(trace->latency_min_ms, 2.3 + 3.5, 1e-9);
	ck_assert_uint_gt(trace->probes_failed, 0);
	vs_model_free(e.model);
}
END_TEST

/* The draws are GRand's own numbers, for any seed, as many as a check can use and more. */
static const guint32 draw_seeds[] = {0, 1, 2, 7, 42, 12345, 0x7fffffff, 0x80000000, 0xffffffff};

START_TEST(test_draws_are_grands_numbers)
{
	guint32 seed = draw_seeds[_i];
	g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
	VsProbeDraws draws;

	vs_probe_draws_init(&draws, seed, VS_LATENCY_MAX_PROBES);
	ck_assert_uint_eq(draws.seed, seed);
	ck_assert_uint_eq(draws.probes, VS_LATENCY_MAX_PROBES);
	for (guint i = 0; i < 2 * VS_LATENCY_MAX_PROBES; i++)
		ck_assert_msg(draws.draws[i] == g_rand_double(rand), "seed %u, draw %u", seed, i);
}
END_TEST

/* vs_latency_probe draws on without a bound: past the first 624-word block too. */
START_TEST(test_probes_match_a_grand_run)
{
	Estate e;
	guint32 seed = draw_seeds[_i];

	estate_init(&e);
	e.model->latency.loss_percent = 30;
	e.model->latency.jitter_percent = 50;
	for (guint probes = 1; probes <= 400; probes += probes < 40 ? 1 : 37) {
		g_autoptr(VsTrace) trace = path(e.spoke_vm, e.fw, TRUE, e.spoke_vm2, FALSE, NULL);
		g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
		double base = vs_latency_base_ms(e.model, trace), min = 0, max = 0, total = 0;
		guint answered = 0;

		vs_latency_probe(e.model, trace, probes, seed);
		/* the same simulation, written out with a GRand */
		for (guint i = 0; i < probes; i++) {
			double loss = g_rand_double(rand), jitter = g_rand_double(rand), rtt;

			if (loss >= 0.7)
				continue;
			rtt = base * (1.0 + jitter * 50 / 100.0);
			min = answered == 0 || rtt < min ? rtt : min;
			max = answered == 0 || rtt > max ? rtt : max;
			total += rtt;
			answered++;
		}
		ck_assert_uint_eq(trace->probes_failed, probes - answered);
		ck_assert(trace->has_latency == (answered > 0));
		if (answered > 0) {
			ck_assert(trace->latency_min_ms == min);
			ck_assert(trace->latency_max_ms == max);
			ck_assert(trace->latency_avg_ms == (min == max ? min : total / answered));
		}
		if (probes <= VS_LATENCY_MAX_PROBES) {
			g_autoptr(VsTrace) again =
				path(e.spoke_vm, e.fw, TRUE, e.spoke_vm2, FALSE, NULL);
			VsProbeDraws draws;

			vs_probe_draws_init(&draws, seed, VS_LATENCY_MAX_PROBES);
			vs_latency_probe_with(e.model, again, probes, &draws);
			ck_assert_uint_eq(again->probes_sent, probes);
			ck_assert_uint_eq(again->probes_failed, trace->probes_failed);
			ck_assert(again->latency_min_ms == trace->latency_min_ms);
			ck_assert(again->latency_avg_ms == trace->latency_avg_ms);
			ck_assert(again->latency_max_ms == trace->latency_max_ms);
		}
	}
	vs_model_free(e.model);
}
END_TEST

START_TEST(test_rounding_is_half_away_from_zero)
{
	ck_assert_int_eq(vs_render_round_ms(2.5), 3);
	ck_assert_int_eq(vs_render_round_ms(2.4999), 2);
	ck_assert_int_eq(vs_render_round_ms(0.5), 1);
	ck_assert_int_eq(vs_render_round_ms(0.3), 0);
}
END_TEST

Suite *
latency_suite(void)
{
	Suite *suite = suite_create("latency");
	TCase *tc = tcase_create("probes");

	tcase_add_test(tc, test_base_sums_per_link_kind);
	tcase_add_test(tc, test_no_jitter_no_loss_gives_the_base_exactly);
	tcase_add_test(tc, test_jitter_stays_within_bounds_and_follows_the_seed);
	tcase_add_test(tc, test_loss_and_unreachable);
	tcase_add_test(tc, test_busy_hosts_add_delay_and_loss);
	tcase_add_test(tc, test_rounding_is_half_away_from_zero);
	tcase_add_loop_test(tc, test_draws_are_grands_numbers, 0, G_N_ELEMENTS(draw_seeds));
	tcase_add_loop_test(tc, test_probes_match_a_grand_run, 0, G_N_ELEMENTS(draw_seeds));
	suite_add_tcase(suite, tc);
	return suite;
}
