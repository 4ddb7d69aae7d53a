/*
 * blocks.h - matrix and diff's equivalence classes, decided per pair of
 * blocks: VMs are grouped into blocks by the subnet of their first NIC, and
 * for each ordered pair of blocks (or a block and the internet) the VMs of
 * each end are classed by what the objects that pair's walks can consult
 * test of them.  A few classes per end, where a class key global to the
 * model would have to keep almost every VM apart.  See blocks.c's essay for
 * why the classes are exact.
 */
#ifndef VS_BLOCKS_H
#define VS_BLOCKS_H

#include <glib.h>

#include "classes.h"
#include "model.h"
#include "walk.h"

/* Stands for the internet as a destination block. */
#define VS_BLOCK_INTERNET G_MAXUINT

/*
 * One model the items are walked in.  Items are VMs: matrix has one view and
 * its items are the model's VMs; diff has two (old, new) and its items are the
 * new model's VMs, mapped to the old model's by name.
 */
typedef struct {
	const VsEngine *engine;
	/* guint per item: the item's VM index in engine->model, G_MAXUINT when it is not
	 * there; NULL: item i is VM i */
	const GArray *vm_index;
} VsBlockView;

typedef struct VsBlocks VsBlocks;

/*
 * Groups items (0..items-1) into blocks, by the subnet of the VM's first NIC in
 * every view; an item missing from a view or without a NIC there is left out.
 * With one_port, the classes need only hold for that protocol and destination
 * port (source port VS_VERDICT_SOURCE_PORT), so rules that cannot match such a
 * packet are not looked at; without, they hold for every port, and each pair of
 * blocks gets the port classes of what it consults.  internet is the address
 * that stands for the internet.
 */
VsBlocks *vs_blocks_new(const VsBlockView *views, guint n_views, guint items, gboolean one_port,
			VsProtocol protocol, guint16 port, VsIp4 internet);
void vs_blocks_free(VsBlocks *blocks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsBlocks, vs_blocks_free)

guint vs_blocks_count(const VsBlocks *blocks);
/* The block of an item, or G_MAXUINT for an item left out. */
guint vs_blocks_block_of(const VsBlocks *blocks, guint item);
/* The item's index among its block's members. */
guint vs_blocks_position(const VsBlocks *blocks, guint item);
/* The items of a block, ascending (borrowed GArray of guint). */
const GArray *vs_blocks_members(const VsBlocks *blocks, guint block);

/* The classes of one ordered pair of blocks. */
typedef struct {
	guint source_classes;
	guint destination_classes; /* 1 for the internet */
	/* shared with other pairs (read only; the pair holds a reference): */
	GArray *source_class;      /* guint16 per member (by position) of the source block */
	GArray *destination_class; /* guint16 per member of the destination block; empty for
				      the internet */
	/* guint, two per class: the positions of its first two members (G_MAXUINT if none) */
	GArray *source_firsts;
	GArray *destination_firsts;
	/* const VsNic*, per view: every appliance a walk of the pair can pass, either way */
	GPtrArray *appliances[2];
	/* without one_port: the port classes of what the pair consults, both views */
	VsPortClasses *tcp;
	VsPortClasses *udp;
} VsBlockPair;

/* Classes the pair (source block, destination block or VS_BLOCK_INTERNET) into out.
 * (blocks keeps the classes it computes, for the pairs that test a block alike.) */
void vs_blocks_pair(const VsBlocks *blocks, guint source, guint destination, VsBlockPair *out);
void vs_block_pair_clear(VsBlockPair *pair);

/*
 * The appliances (const VsNic*) a walk from the source block to the destination
 * block (or VS_BLOCK_INTERNET) can pass either way, in view v: the same as
 * vs_blocks_pair's, without classing anything.  Appends to out.
 */
void vs_blocks_appliances(const VsBlocks *blocks, guint view, guint source, guint destination,
			  GPtrArray *out);

/*
 * A pair of distinct items standing for the pair of classes (i, j) of pair:
 * FALSE when the two classes hold no such pair (both are the same one item).
 * destination_item is G_MAXUINT for the internet.
 */
gboolean vs_block_pair_representatives(const VsBlocks *blocks, const VsBlockPair *pair,
				       guint source, guint destination, guint i, guint j,
				       guint *source_item, guint *destination_item);

#endif
