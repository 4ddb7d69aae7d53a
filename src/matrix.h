/*
 * matrix.h - all-pairs reachability: every VM to every other VM and to the
 * internet, for one protocol and port (a verdict per pair) or for every port
 * (the open ports of each pair, as ranges per protocol).
 *
 * Computed over equivalence classes of VMs decided per pair of blocks
 * (blocks.h) and of ports (classes.h): one walk per pair of classes and port
 * class, not per pair of VMs and port, and exact for every VM.  The result is
 * kept per pair of blocks and pair of classes (a verdict shared by every
 * cell that says the same); vs_matrix_verdict() and vs_matrix_open_ports()
 * answer for any pair of VMs.
 */
#ifndef VS_MATRIX_H
#define VS_MATRIX_H

#include <glib.h>

#include "blocks.h"
#include "classes.h"
#include "model.h"
#include "verdict.h"
#include "walk.h"

/* Stands for the internet as a destination index. */
#define VS_MATRIX_INTERNET G_MAXUINT

/* The open ports of one pair: maximal ranges, ascending. */
typedef struct {
	GArray *tcp; /* VsPortRange */
	GArray *udp; /* VsPortRange */
	gboolean icmp;
} VsOpenPorts;

/* One pair of blocks: the classes of its two ends and a cell per pair of classes. */
typedef struct VsMatrixPair VsMatrixPair;

typedef struct {
	const VsModel *model;
	VsBlocks *blocks; /* the VMs by subnet */
	VsIp4 internet;   /* the address that stands for the internet */
	gboolean summary;
	VsProtocol protocol; /* without summary */
	guint16 port;        /* without summary, for Tcp and Udp */
	/* per pair of blocks (a, b), index a * (blocks + 1) + b, b == blocks for the
	 * internet: VsMatrixPair*, owned */
	GPtrArray *pairs;
	GPtrArray *verdicts; /* VsVerdict*, without summary: each different verdict once */
	GPtrArray *open;     /* VsOpenPorts*, with summary: one per walked pair of classes */
	guint walks;         /* walks it took */
	guint classes;       /* classes summed over the ends of every pair of blocks */
	guint port_classes;  /* with summary: the most tcp + udp port classes (+ 1 for icmp)
				of any pair of blocks */
} VsMatrix;

/* One protocol (Tcp, Udp or Icmp) and port (ignored for Icmp). */
VsMatrix *vs_matrix_new(const VsEngine *engine, VsProtocol protocol, guint16 port);
/* Every port of Tcp and Udp, and Icmp. */
VsMatrix *vs_matrix_new_summary(const VsEngine *engine);
void vs_matrix_free(VsMatrix *matrix);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsMatrix, vs_matrix_free)

/* VMs that take part (those with a NIC), as indexes into model->vms, in model order. */
GArray *vs_matrix_vms(const VsMatrix *matrix);

/* The verdict for VM index source to VM index destination (or VS_MATRIX_INTERNET);
 * NULL for source == destination or with summary. */
const VsVerdict *vs_matrix_verdict(const VsMatrix *matrix, guint source, guint destination);
const VsOpenPorts *vs_matrix_open_ports(const VsMatrix *matrix, guint source, guint destination);

void vs_open_ports_free(VsOpenPorts *open);

#endif
