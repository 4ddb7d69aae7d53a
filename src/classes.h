/*
 * classes.h - equivalence classes of addresses, ports and VMs: the partitions
 * that let matrix and diff answer for every VM and every port exactly while
 * walking only one representative of each class.  See classes.c's essay for
 * why each partition is exact.
 */
#ifndef VS_CLASSES_H
#define VS_CLASSES_H

#include <glib.h>

#include "addr.h"
#include "model.h"
#include "walk.h"

/*
 * The IPv4 space cut at every boundary a decision of the walk can test: the
 * first address of every atom, sorted, starting with 0.  Two addresses in one
 * atom are in exactly the same prefixes, tags and route prefixes of the model.
 */
typedef struct {
	GArray *cuts; /* VsIp4, sorted, unique; cuts[0] == 0 */
} VsAddrAtoms;

/* The atoms of one model (tags, rules, routes, spaces, next hops, firewalls, endpoints). */
VsAddrAtoms *vs_addr_atoms_new(const VsEngine *engine);
void vs_addr_atoms_free(VsAddrAtoms *atoms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsAddrAtoms, vs_addr_atoms_free)

/* Adds the two boundaries of a prefix (its first address and the one after its last). */
void vs_addr_atoms_add_prefix(VsAddrAtoms *atoms, VsPrefix prefix);
/* Sorts and deduplicates after adds; vs_addr_atoms_new() returns atoms already sealed. */
void vs_addr_atoms_seal(VsAddrAtoms *atoms);
/* The index of the atom holding ip (0..len-1). */
guint vs_addr_atoms_find(const VsAddrAtoms *atoms, VsIp4 ip);

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
 * The class key of a VM as a source or destination of matrix and diff: a
 * string equal for two VMs exactly when the walk cannot tell them apart (see
 * classes.c).  It reads the VM's first NIC; NULL for a VM without NICs.
 */
char *vs_vm_class_key(const VsEngine *engine, const VsAddrAtoms *atoms, const VsVm *vm);

/* VMs grouped by equal keys.  Classes are numbered by their first member. */
typedef struct {
	GPtrArray *members; /* GArray of guint (VM indexes, ascending) per class */
	GArray *class_of;   /* guint per VM index; G_MAXUINT for a VM that has no key */
} VsVmPartition;

/* keys: char* per VM index (NULL = left out of every class); borrowed. */
VsVmPartition *vs_vm_partition_new(const GPtrArray *keys);
void vs_vm_partition_free(VsVmPartition *partition);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsVmPartition, vs_vm_partition_free)

static inline guint
vs_vm_partition_count(const VsVmPartition *partition)
{
	return partition->members->len;
}

static inline const GArray *
vs_vm_partition_members(const VsVmPartition *partition, guint class_id)
{
	return g_ptr_array_index(partition->members, class_id);
}

/*
 * The address that stands for "the Internet" in matrix and diff: a public
 * address (in the Internet tag) that no prefix of any of the models names, so
 * it answers for the internet at large: 203.0.113.10, 198.51.100.10 or
 * 192.0.2.10 (documentation addresses, RFC 5737), the first that qualifies,
 * else the lowest address that does.
 */
VsIp4 vs_classes_internet_address(const VsModel *const *models, guint n);

#endif
