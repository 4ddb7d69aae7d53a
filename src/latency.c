/*
 * latency.c - base round-trip sums and seeded probes over a checked path.
 *
 * The base sum follows model.md's latency section link by link.  A hop's
 * place is its NIC's VNet (and that VNet's location); the Internet hop has no
 * VNet, so any link touching it costs the internet figure, once.  The probe
 * simulation then draws, for each probe, first whether it is lost and then its
 * jitter, both from one stream of GRand's numbers (reproduced here without a
 * GRand, see "the draws"), so the figures depend only on the seed.
 */
#include "config.h"

#include "latency.h"

#include <math.h>
#include <string.h>

static const VsVnet *
hop_vnet(const VsHop *hop)
{
	return hop->nic != NULL && hop->nic->subnet != NULL ? hop->nic->subnet->vnet : NULL;
}

static const char *
vnet_location(const VsModel *model, const VsVnet *vnet)
{
	return vnet->location != NULL ? vnet->location : model->location;
}

static double
region_pair_ms(const VsModel *model, const char *a, const char *b)
{
	for (guint i = 0; i < model->latency.region_pairs->len; i++) {
		const VsRegionPair *pair = g_ptr_array_index(model->latency.region_pairs, i);

		if ((g_strcmp0(pair->a, a) == 0 && g_strcmp0(pair->b, b) == 0) ||
		    (g_strcmp0(pair->a, b) == 0 && g_strcmp0(pair->b, a) == 0))
			return pair->rtt_ms;
	}
	return model->latency.inter_region_ms;
}

static double
internet_ms(const VsModel *model, VsIp4 address)
{
	for (guint i = 0; i < model->internet_endpoints->len; i++) {
		const VsInternetEndpoint *endpoint =
			g_ptr_array_index(model->internet_endpoints, i);

		if (endpoint->address == address && endpoint->has_rtt)
			return endpoint->rtt_ms;
	}
	return model->latency.internet_ms;
}

static double
link_ms(const VsModel *model, const VsHop *from, const VsHop *to)
{
	const VsVnet *a, *b;
	const char *location_a, *location_b;

	if (from->type == VS_HOP_INTERNET)
		return internet_ms(model, from->address);
	if (to->type == VS_HOP_INTERNET)
		return internet_ms(model, to->address);
	a = hop_vnet(from);
	b = hop_vnet(to);
	if (a == NULL || b == NULL || a == b)
		return model->latency.vnet_ms;
	location_a = vnet_location(model, a);
	location_b = vnet_location(model, b);
	if (strcmp(location_a, location_b) == 0)
		return model->latency.peering_ms;
	return region_pair_ms(model, location_a, location_b);
}

double
vs_latency_base_ms(const VsModel *model, const VsTrace *trace)
{
	double total = 0;

	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		if (hop->type == VS_HOP_VIRTUAL_APPLIANCE)
			total += model->latency.appliance_ms;
		if (i + 1 < trace->hops->len)
			total += link_ms(model, hop, g_ptr_array_index(trace->hops, i + 1));
	}
	return total;
}

static double
busy_excess(guint percent)
{
	return percent >= VS_BUSY_PERCENT ? (double)(percent - (VS_BUSY_PERCENT - 1)) : 0;
}

double
vs_latency_busy_resource_delay_ms(guint percent)
{
	return 0.5 * busy_excess(percent);
}

double
vs_latency_busy_resource_loss_percent(guint percent)
{
	return 2.0 * busy_excess(percent);
}

double
vs_latency_busy_delay_ms(const VsVm *vm)
{
	return vs_latency_busy_resource_delay_ms(vm->cpu_percent) +
	       vs_latency_busy_resource_delay_ms(vm->memory_percent);
}

double
vs_latency_busy_loss_percent(const VsVm *vm)
{
	return vs_latency_busy_resource_loss_percent(vm->cpu_percent) +
	       vs_latency_busy_resource_loss_percent(vm->memory_percent);
}

/* ---------------------------------------------------------------- the draws */

/*
 * GLib's GRand, reproduced: MT19937 seeded as g_rand_set_seed does (Knuth's
 * multiplier 1812433253, GLib >= 2.2; G_RANDOM_VERSION=2.0 is not honoured:
 * the figures must not depend on the environment), words tempered as
 * g_rand_int, doubles built from two words as g_rand_double.  GRand twists
 * all 624 words of its state at the first draw; a check needs 4 words per
 * probe, so here the seeding runs only as far as the words used need and
 * each word is twisted when drawn, in the same order, which gives the same
 * values: word k of a block depends on words k and k + 1 of the previous
 * state and on word k + 397, old before k = 227 and already new after.  No
 * allocation either: the state lives on the caller's stack.
 */
#define MT_N 624
#define MT_M 397

typedef struct {
	guint32 state[MT_N];
	guint seeded; /* state[0 .. seeded - 1] hold their seeding values (or newer) */
	guint next;   /* the next word to twist and draw; MT_N: a new block */
} Twister;

static void
twister_seed(Twister *twister, guint32 seed)
{
	twister->state[0] = seed;
	twister->seeded = 1;
	twister->next = 0;
}

static void
twister_seed_to(Twister *twister, guint last)
{
	while (twister->seeded <= last) {
		guint i = twister->seeded++;
		guint32 previous = twister->state[i - 1];

		twister->state[i] = 1812433253u * (previous ^ (previous >> 30)) + i;
	}
}

static guint32
twister_int(Twister *twister)
{
	static const guint32 mag01[2] = {0x0, 0x9908b0df};
	guint32 *mt = twister->state;
	guint k = twister->next == MT_N ? 0 : twister->next;
	guint32 y;

	if (k + 1 < MT_N) {
		twister_seed_to(twister, k + MT_M < MT_N ? k + MT_M : k + 1);
		y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
		mt[k] = mt[k + MT_M < MT_N ? k + MT_M : k + MT_M - MT_N] ^ (y >> 1) ^ mag01[y & 1];
	} else {
		y = (mt[MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
		mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1];
	}
	twister->next = k + 1;
	y = mt[k];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	y ^= y >> 18;
	return y;
}

static double
twister_double(Twister *twister)
{
	/* 2^-32, as G_RAND_DOUBLE_TRANSFORM */
	const double transform = 2.3283064365386962890625e-10;

	for (;;) {
		double value = twister_int(twister) * transform;

		value = (value + twister_int(twister)) * transform;
		if (value < 1.0)
			return value;
	}
}

void
vs_probe_draws_init(VsProbeDraws *draws, guint32 seed, guint probes)
{
	Twister twister;

	g_return_if_fail(probes <= VS_LATENCY_MAX_PROBES);
	twister_seed(&twister, seed);
	draws->seed = seed;
	draws->probes = probes;
	for (guint i = 0; i < 2 * probes; i++)
		draws->draws[i] = twister_double(&twister);
}

/* ---------------------------------------------------------------- the probes */

/* The probes of a reachable trace; draw(i) is the i-th number of the seed's sequence. */
static void
probe(const VsModel *model, VsTrace *trace, guint probes, const double *draws, Twister *twister)
{
	double base, busy_delay = 0, survive, total = 0, min = 0, max = 0;
	guint answered = 0;

	base = vs_latency_base_ms(model, trace);
	survive = 1.0 - CLAMP(model->latency.loss_percent, 0, 100) / 100.0;
	/* a VM appears once per hop it occupies; an appliance is busy on each pass */
	for (guint i = 0; i < trace->hops->len; i++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, i);

		if (hop->nic == NULL || hop->nic->vm == NULL)
			continue;
		busy_delay += vs_latency_busy_delay_ms(hop->nic->vm);
		survive *= 1.0 - CLAMP(vs_latency_busy_loss_percent(hop->nic->vm), 0, 100) / 100.0;
	}

	for (guint i = 0; i < probes; i++) {
		/* draw both numbers for every probe, so one probe's loss never shifts the
		 * jitter of the next: the figures change smoothly with lossPercent */
		double loss_draw = draws != NULL ? draws[2 * i] : twister_double(twister);
		double jitter_draw = draws != NULL ? draws[2 * i + 1] : twister_double(twister);
		double rtt;

		if (loss_draw >= survive)
			continue;
		rtt = (base + busy_delay) *
		      (1.0 + jitter_draw * model->latency.jitter_percent / 100.0);
		if (answered == 0 || rtt < min)
			min = rtt;
		if (answered == 0 || rtt > max)
			max = rtt;
		total += rtt;
		answered++;
	}
	trace->probes_failed = probes - answered;
	if (answered == 0)
		return;
	trace->has_latency = TRUE;
	trace->latency_min_ms = min;
	/* with no jitter every probe took the same time: say so exactly, free of the
	 * rounding error a sum of n equal doubles divided by n can carry */
	trace->latency_avg_ms = min == max ? min : total / answered;
	trace->latency_max_ms = max;
}

void
vs_latency_probe(const VsModel *model, VsTrace *trace, guint probes, guint32 seed)
{
	Twister twister;

	trace->probes_sent = probes;
	trace->probes_failed = probes;
	trace->has_latency = FALSE;
	if (!trace->reachable || probes == 0)
		return;
	twister_seed(&twister, seed);
	probe(model, trace, probes, NULL, &twister);
}

void
vs_latency_probe_with(const VsModel *model, VsTrace *trace, guint probes, const VsProbeDraws *draws)
{
	g_return_if_fail(probes <= draws->probes);
	trace->probes_sent = probes;
	trace->probes_failed = probes;
	trace->has_latency = FALSE;
	if (!trace->reachable || probes == 0)
		return;
	probe(model, trace, probes, draws->draws, NULL);
}
