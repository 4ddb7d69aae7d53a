/*
 * latency.c - base round-trip sums and seeded probes over a checked path.
 *
 * The base sum follows model.md's latency section link by link.  A hop's
 * place is its NIC's VNet (and that VNet's location); the Internet hop has no
 * VNet, so any link touching it costs the internet figure, once.  The probe
 * simulation then draws, for each probe, first whether it is lost and then its
 * jitter, both from one GRand stream, so the figures depend only on the seed.
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

void
vs_latency_probe(const VsModel *model, VsTrace *trace, guint probes, guint32 seed)
{
	g_autoptr(GRand) rand = NULL;
	double base, busy_delay = 0, survive, total = 0, min = 0, max = 0;
	guint answered = 0;

	trace->probes_sent = probes;
	trace->probes_failed = probes;
	trace->has_latency = FALSE;
	if (!trace->reachable || probes == 0)
		return;

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

	rand = g_rand_new_with_seed(seed);
	for (guint probe = 0; probe < probes; probe++) {
		/* draw both numbers for every probe, so one probe's loss never shifts the
		 * jitter of the next: the figures change smoothly with lossPercent */
		double loss_draw = g_rand_double(rand);
		double jitter_draw = g_rand_double(rand);
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
