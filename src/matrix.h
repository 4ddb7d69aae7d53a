/*
 * matrix.h - all-pairs reachability: every VM to every other VM and to the
 * internet, for one protocol and port (a verdict per pair) or for every port
 * (the open ports of each pair, as ranges per protocol).
 *
 * Computed over equivalence classes of VMs and ports (classes.h): one walk per
 * pair of classes and port class, not per pair of VMs and port, and exact for
 * every VM.  The result is kept per pair of classes; vs_matrix_verdict() and
 * vs_matrix_open_ports() answer for any pair of VMs.
 */
#ifndef VS_MATRIX_H
#define VS_MATRIX_H

#include <glib.h>

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

typedef struct {
	const VsModel *model;
	VsVmPartition *partition;
	VsIp4 internet; /* the address that stands for the internet */
	gboolean summary;
	VsProtocol protocol; /* without summary */
	guint16 port;        /* without summary, for Tcp and Udp */
	/* per pair of classes (i, j), index i * (classes + 1) + j, j == classes for the
	 * internet; NULL for a pair that has no pair of distinct VMs */
	GPtrArray *verdicts; /* VsVerdict*, without summary */
	GPtrArray *open;     /* VsOpenPorts*, with summary */
	guint walks;         /* walks it took */
	guint port_classes;  /* with summary: tcp + udp port classes (+ 1 for icmp) */
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
