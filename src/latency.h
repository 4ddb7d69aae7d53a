/*
 * latency.h - the simulated round trip of a checked path: per-link base
 * figures from the model's `latency:` section, then seeded probes with jitter
 * and loss.  Pure functions of (model, trace, probe count, seed): the same
 * inputs give the same figures on every machine.
 */
#ifndef VS_LATENCY_H
#define VS_LATENCY_H

#include <glib.h>

#include "model.h"
#include "trace.h"

/*
 * The base round-trip time of the trace's path in milliseconds, summed as
 * model.md says: per link between consecutive hops vnetMs (same VNet),
 * peeringMs (a peering within one location), regionPairs["A/B"] or
 * interRegionMs (locations differ), internetMs or the endpoint's rttMs (a link
 * to or from the Internet); plus applianceMs per VirtualAppliance hop.
 */
double vs_latency_base_ms(const VsModel *model, const VsTrace *trace);

/*
 * Extra delay (ms) and extra per-probe loss (percent) that one busy VM adds:
 * for each of cpuPercent and memoryPercent at or above 90, delay
 * 0.5 ms x (percent - 89) and loss 2% x (percent - 89).  Zero for an idle VM.
 */
double vs_latency_busy_delay_ms(const VsVm *vm);
double vs_latency_busy_loss_percent(const VsVm *vm);

/* The same for one resource at percent (cpuPercent or memoryPercent): what each
 * CPU / Memory warning costs, for its explanation. */
double vs_latency_busy_resource_delay_ms(guint percent);
double vs_latency_busy_resource_loss_percent(guint percent);

/* The busy threshold, shared with the walk's CPU / Memory warnings. */
#define VS_BUSY_PERCENT 90

/*
 * Sends `probes` simulated probes along the trace and fills probes_sent,
 * probes_failed and, when the trace is reachable and at least one probe came
 * back, has_latency with min/avg/max.  An unreachable trace fails every probe.
 * Each probe is lost with the combined probability of lossPercent and the busy
 * hosts' loss; a probe that comes back took (base + busy delay) x
 * (1 + u x jitterPercent / 100), u uniform in [0, 1) from a GRand seeded with
 * seed (GRand's Mersenne Twister gives the same sequence everywhere).
 */
void vs_latency_probe(const VsModel *model, VsTrace *trace, guint probes, guint32 seed);

/* The most probes VsProbeDraws holds (check's --probes: 1..100). */
#define VS_LATENCY_MAX_PROBES 100

/*
 * The uniform numbers the probes of a check draw: for each probe its loss
 * draw then its jitter draw, in [0, 1), exactly the numbers g_rand_double
 * returns from a GRand seeded with seed (GLib's Mersenne Twister and its
 * seeding since GLib 2.2), computed without a GRand.  They depend on nothing
 * but the seed, so filled once they serve every check with that seed and at
 * most that many probes (batch keeps them from line to line).
 */
typedef struct {
	guint32 seed;
	guint probes; /* draws holds 2 x probes numbers */
	double draws[2 * VS_LATENCY_MAX_PROBES];
} VsProbeDraws;

/* Fills draws for probes (at most VS_LATENCY_MAX_PROBES) probes of seed. */
void vs_probe_draws_init(VsProbeDraws *draws, guint32 seed, guint probes);

/* vs_latency_probe with its numbers drawn beforehand; probes <= draws->probes. */
void vs_latency_probe_with(const VsModel *model, VsTrace *trace, guint probes,
			   const VsProbeDraws *draws);

#endif
