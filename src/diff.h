/*
 * diff.h - what a change does: every (source VM, destination VM or the
 * internet, protocol, destination port range) whose verdict differs between
 * two versions of a model, exhaustively over every port of tcp and udp and
 * over icmp, computed over equivalence classes (blocks.h, classes.h) and
 * merged into maximal port ranges; only the pairs of subnets and the ports
 * that the change can reach are walked (diff.c).
 *
 * VMs are matched by name.  A verdict differs when the connection status
 * differs (Reachable / Unreachable); a change of the deciding rule alone (a
 * rename, a merge of two rules) is behaviour-neutral and not a difference.
 */
#ifndef VS_DIFF_H
#define VS_DIFF_H

#include <glib.h>

#include "blocks.h"
#include "classes.h"
#include "matrix.h"
#include "verdict.h"
#include "walk.h"

typedef struct {
	guint source;      /* VM index in the new model */
	guint destination; /* VM index in the new model, or VS_MATRIX_INTERNET */
	VsProtocol protocol;
	VsPortRange ports;       /* 0-65535 for Icmp */
	const VsVerdict *before; /* borrowed from the diff; decided in the old model */
	const VsVerdict *after;  /* decided in the new model */
} VsDifference;

/* One pair of blocks: the classes of its two ends and the differences per pair. */
typedef struct VsDiffPair VsDiffPair;

typedef struct {
	const VsModel *old_model;
	const VsModel *new_model;
	GPtrArray *removed; /* const char*, borrowed: VMs only in the old model, its order */
	GPtrArray *added;   /* const char*, borrowed: VMs only in the new model, its order */
	GArray *old_index;  /* guint per new VM index: its index in the old model, or G_MAXUINT */
	VsBlocks *blocks;   /* the common VMs by (old subnet, new subnet) (blocks.h) */
	VsIp4 internet;
	/* per pair of blocks (a, b), index a * (blocks + 1) + b, b == blocks for the
	 * internet: VsDiffPair*, or NULL where nothing the pair consults differs */
	GPtrArray *pairs;
	GPtrArray *verdicts; /* VsVerdict*, owned: those the differences point at */
	guint walks;
	guint pairs_walked; /* pairs of blocks that were classed and walked */
} VsDiff;

VsDiff *vs_diff_new(const VsEngine *old_engine, const VsEngine *new_engine);
void vs_diff_free(VsDiff *diff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsDiff, vs_diff_free)

/*
 * Every difference, one per pair of VMs and merged port range: sources in the
 * new model's order, each source's destinations in that order then the
 * internet, protocols Tcp, Udp, Icmp, ports ascending.  A new GArray of
 * VsDifference (pointers borrowed from diff).
 */
GArray *vs_diff_differences(const VsDiff *diff);

/* Calls func on each difference, in vs_diff_differences()'s order, without keeping
 * them: difference is valid during the call only. */
typedef void (*VsDiffFunc)(const VsDifference *difference, gpointer data);
void vs_diff_foreach(const VsDiff *diff, VsDiffFunc func, gpointer data);

/* How many differences vs_diff_differences() would list, without listing them (a
 * change of an appliance of a large estate can make hundreds of millions). */
guint64 vs_diff_count(const VsDiff *diff);

/* TRUE when the change alters anything: a difference, or a VM added or removed. */
gboolean vs_diff_changed(const VsDiff *diff);

#endif
