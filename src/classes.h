/*
 * classes.h - equivalence classes of ports, and the address that stands for
 * the internet: with the classes of VMs per pair of subnets (blocks.h), what
 * lets matrix and diff answer for every VM and every port exactly while
 * walking only one representative of each class.  See classes.c's essay for
 * why the port classes are exact.
 */
#ifndef VS_CLASSES_H
#define VS_CLASSES_H

#include <glib.h>

#include "addr.h"
#include "model.h"

/*
 * The destination ports of one protocol cut at every port boundary of the
 * model(s): NSG rules of that protocol (or "*"), guest firewall rules, and
 * listening ports.  Class i is the range [cuts[i], cuts[i+1] - 1].
 */
typedef struct {
	VsProtocol protocol;
	GArray *cuts; /* guint32, sorted, unique; cuts[0] == 0; all <= 65535 */
} VsPortClasses;

/* For Tcp or Udp: every port boundary in models (n of them; diff passes two). */
VsPortClasses *vs_port_classes_new(VsProtocol protocol, const VsModel *const *models, guint n);
/* From port boundaries (guint32, any order, duplicates allowed; 0 is added); takes cuts. */
VsPortClasses *vs_port_classes_from_cuts(VsProtocol protocol, GArray *cuts);
void vs_port_classes_free(VsPortClasses *classes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsPortClasses, vs_port_classes_free)

static inline guint
vs_port_classes_count(const VsPortClasses *classes)
{
	return classes->cuts->len;
}

/* The ports of class i. */
VsPortRange vs_port_classes_range(const VsPortClasses *classes, guint i);

/*
 * The address that stands for "the Internet" in matrix and diff: a public
 * address (in the Internet tag) that no prefix of any of the models names, so
 * it answers for the internet at large: 203.0.113.10, 198.51.100.10 or
 * 192.0.2.10 (documentation addresses, RFC 5737), the first that qualifies,
 * else the lowest address that does.
 */
VsIp4 vs_classes_internet_address(const VsModel *const *models, guint n);

#endif
