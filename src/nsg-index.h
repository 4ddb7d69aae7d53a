/*
 * nsg-index.h - every NSG of a model compiled for first-match lookup.
 *
 * The answer is exactly vs_nsg_first_match's and vs_nsg_evaluate_nic's (the
 * differential test checks it against the naive evaluator on 100,000
 * queries); only the cost differs.  Each direction with more rules than a
 * crossover is compiled into per-field interval tables whose intervals carry
 * rule bitsets, packed into one allocation (see nsg-index.c); the others are
 * scanned.  Borrows the model and the tag index.
 */
#ifndef VS_NSG_INDEX_H
#define VS_NSG_INDEX_H

#include <glib.h>

#include "model.h"
#include "nsg.h"

/* Directions with more rules than this are compiled; at or below, scanned.  Since the
 * tables are packed, compiling everything and scanning up to 16 rules measure alike
 * (callgrind over 50,000 checks at M: 16 executes 6% fewer instructions and misses the
 * cache 4% more often; bench/RESULTS.md, session 2), so every direction is compiled. */
#define VS_NSG_INDEX_CROSSOVER 0

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

/*
 * The NIC that owns a private address (as vs_model_find_nic_by_ip answers),
 * with the ids of its ASGs: what an ASG side of a rule asks about an
 * address.  A walk keeps the owners of its packet's two addresses and hands
 * them to every NSG it evaluates, so that each is looked up once at most.
 */
typedef struct {
	gboolean resolved;      /* FALSE (zeroed): not looked up yet */
	const VsNic *nic;       /* NULL: no NIC owns the address */
	const guint32 *asg_ids; /* the ids of nic->asgs, borrowed from the index */
	guint asg_count;
} VsAddressOwner;

/* Resolves address into *out (resolved TRUE). */
void vs_nsg_index_owner(const VsNsgIndex *index, VsIp4 address, VsAddressOwner *out);

/* As vs_nsg_index_evaluate_nic.  owners[0] and owners[1] belong to packet->source
 * and packet->destination: zeroed, they are resolved when first needed and kept;
 * pass the same pair again only for a packet with the same two addresses. */
VsNsgVerdict vs_nsg_index_evaluate_nic_owned(const VsNsgIndex *index, const VsNic *nic,
					     VsDirection direction, const VsPacket *packet,
					     VsAddressOwner owners[2]);

/*
 * Hints, with no effect on any answer: start fetching into the cache what
 * vs_nsg_index_owner(address) and the evaluation of the NSGs at nic in
 * direction will read first.  Random checks find the tables cold; a walk
 * that asks early overlaps those fetches with its other work.
 */
void vs_nsg_index_prefetch_owner(const VsNsgIndex *index, VsIp4 address);
void vs_nsg_index_prefetch(const VsNsgIndex *index, const VsNic *nic, VsDirection direction);

/* Bytes held by the compiled tables (for the benchmark). */
gsize vs_nsg_index_bytes(const VsNsgIndex *index);

#endif
