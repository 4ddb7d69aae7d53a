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

#endif
