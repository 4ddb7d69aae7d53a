/*
 * nsg-index.h - every NSG of a model compiled for first-match lookup.
 *
 * The answer is exactly vs_nsg_first_match's and vs_nsg_evaluate_nic's (the
 * differential test checks it against the naive evaluator on 100,000
 * queries); only the cost differs.  Below a crossover number of rules per
 * direction a linear scan is fastest and is kept; above it, each direction is
 * compiled into per-field interval tables whose intervals carry rule bitsets
 * (see nsg-index.c).  Borrows the model and the tag index.
 */
#ifndef VS_NSG_INDEX_H
#define VS_NSG_INDEX_H

#include <glib.h>

#include "model.h"
#include "nsg.h"

/* Directions with more rules than this are compiled; at or below, scanned (measured by
 * `make bench`: see bench/RESULTS.md). */
#define VS_NSG_INDEX_CROSSOVER 16

typedef struct VsNsgIndex VsNsgIndex;

/* crossover: compile directions with more rules than this (VS_NSG_INDEX_CROSSOVER
 * normally; 0 compiles everything, G_MAXUINT nothing). */
VsNsgIndex *vs_nsg_index_new(const VsModel *model, const VsTagIndex *tags, guint crossover);
void vs_nsg_index_free(VsNsgIndex *index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsNsgIndex, vs_nsg_index_free)

/* As vs_nsg_first_match. */
const VsRule *vs_nsg_index_first_match(const VsNsgIndex *index, const VsNsg *nsg,
				       VsDirection direction, const VsSubnet *subnet,
				       const VsPacket *packet);

/* As vs_nsg_evaluate_nic. */
VsNsgVerdict vs_nsg_index_evaluate_nic(const VsNsgIndex *index, const VsNic *nic,
				       VsDirection direction, const VsPacket *packet);

/* Bytes held by the compiled tables (for the benchmark). */
gsize vs_nsg_index_bytes(const VsNsgIndex *index);

#endif
