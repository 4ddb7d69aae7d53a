/*
 * gen.h - a seeded generator of realistic model files, for the benchmark
 * (bench/bench.c, `make bench`) and for tests (the differential test and the
 * generator validity test).
 *
 * The estate is hub-and-spoke, as Azure landing zones are: a hub VNet with
 * firewall appliances and shared services, many spokes peered with it (a
 * fifth of them in a second region), each spoke with many subnets, a subnet
 * NSG per subnet and a NIC NSG per spoke, ASGs, user service tags, and one
 * route table per spoke that forces spoke-to-spoke and internet traffic
 * through the hub firewall.  Azure's limits hold: at most 1,000 rules per
 * NSG, at most 400 routes per table, priorities 100..4096 unique per
 * direction.  With edge cases on, a few deliberate misconfigurations are
 * mixed in (a one-sided peering, a spoke refusing forwarded traffic, a
 * private subnet, a route to an appliance without IP forwarding or to an
 * address nobody owns, blackhole and gateway routes), so that the walk's
 * every branch is exercised.
 *
 * The output depends only on the parameters: the same seed gives the same
 * bytes on every machine (the PRNG is a fixed SplitMix64, not rand()).
 */
#ifndef VS_BENCH_GEN_H
#define VS_BENCH_GEN_H

#include <glib.h>

typedef struct {
	guint vms;      /* virtual machines, appliances included (at least 6) */
	guint rules;    /* user security rules in all NSGs, about */
	guint routes;   /* user routes in all route tables, about */
	guint64 seed;   /* the PRNG seed */
	gboolean edges; /* mix in the deliberate misconfigurations */
} VsGenParams;

/*
 * The parameters of a named size: XS (10 VMs), S (1k VMs, ~2k rules), M
 * (10k VMs, ~20k rules, ~1k routes), L (100k VMs, ~100k rules).  Seed 1,
 * edge cases on.  FALSE for an unknown name.
 */
gboolean vs_gen_size(const char *name, VsGenParams *out);

/* Appends the model file (YAML, one document) to out. */
void vs_gen_model(GString *out, const VsGenParams *params);

#endif
