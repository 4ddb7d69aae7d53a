/*
 * diff.c - every flow whose verdict differs between two models.
 *
 * The VMs common to both models (by name) are partitioned by the pair of
 * their class keys, one per model (classes.c): two VMs share a class only
 * when neither model can tell them apart.  The port lines of tcp and udp are
 * cut at every port boundary of either model.  Then, for each ordered pair of
 * classes, each protocol and each port class, one representative flow is
 * walked in the old model and in the new one; where the statuses differ the
 * port class is recorded, merged with the previous one when the two touch
 * and say the same in both models (same status, same decision).  The
 * differences of a pair of classes hold for every pair of its member VMs.
 */
#include "config.h"

#include "diff.h"

#include <string.h>

static GPtrArray *
keys_of(const VsEngine *engine)
{
	const VsModel *model = engine->model;
	g_autoptr(VsAddrAtoms) atoms = vs_addr_atoms_new(engine);
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < model->vms->len; i++)
		g_ptr_array_add(keys,
				vs_vm_class_key(engine, atoms, g_ptr_array_index(model->vms, i)));
	return keys;
}

static const VsNic *
first_nic(const VsModel *model, guint vm)
{
	return g_ptr_array_index(((VsVm *)g_ptr_array_index(model->vms, vm))->nics, 0);
}

typedef struct {
	VsDiff *diff;
	const VsEngine *engines[2]; /* old, new */
	const VsNic *sources[2];
	const VsNic *destinations[2]; /* NULL for the internet */
	GArray *out;                  /* VsDifference of this pair of classes */
	VsVerdict *open_before;       /* the verdicts of the last range, if it may grow */
	VsVerdict *open_after;
} PairWalk;

static VsVerdict *
walk_in(PairWalk *walk, guint which, VsProtocol protocol, guint16 port)
{
	const VsNic *destination = walk->destinations[which];

	walk->diff->walks++;
	return vs_verdict_walk(walk->engines[which], walk->sources[which], destination,
			       destination != NULL ? destination->private_ip : walk->diff->internet,
			       protocol, port);
}

/* Compares one port class; records it (merged) when the statuses differ. */
static void
compare_class(PairWalk *walk, VsProtocol protocol, VsPortRange range)
{
	g_autoptr(VsVerdict) before = walk_in(walk, 0, protocol, range.lo);
	g_autoptr(VsVerdict) after = walk_in(walk, 1, protocol, range.lo);
	VsDifference difference = {G_MAXUINT, G_MAXUINT, protocol, range, NULL, NULL};

	if (before->reachable == after->reachable) {
		walk->open_before = walk->open_after = NULL;
		return;
	}
	if (walk->open_before != NULL && vs_verdict_equal(walk->open_before, before) &&
	    vs_verdict_equal(walk->open_after, after)) {
		VsDifference *last = &g_array_index(walk->out, VsDifference, walk->out->len - 1);

		if (last->protocol == protocol && (guint)last->ports.hi + 1 == range.lo) {
			last->ports.hi = range.hi;
			return;
		}
	}
	walk->open_before = before;
	walk->open_after = after;
	difference.before = before;
	difference.after = after;
	g_ptr_array_add(walk->diff->verdicts, g_steal_pointer(&before));
	g_ptr_array_add(walk->diff->verdicts, g_steal_pointer(&after));
	g_array_append_val(walk->out, difference);
}

static void
compare_protocol(PairWalk *walk, const VsPortClasses *classes)
{
	walk->open_before = walk->open_after = NULL;
	for (guint c = 0; c < vs_port_classes_count(classes); c++)
		compare_class(walk, classes->protocol, vs_port_classes_range(classes, c));
	walk->open_before = walk->open_after = NULL;
}

VsDiff *
vs_diff_new(const VsEngine *old_engine, const VsEngine *new_engine)
{
	const VsModel *models[2] = {old_engine->model, new_engine->model};
	VsDiff *diff = g_new0(VsDiff, 1);
	g_autoptr(GPtrArray) old_keys = keys_of(old_engine);
	g_autoptr(GPtrArray) new_keys = keys_of(new_engine);
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(VsPortClasses) tcp = vs_port_classes_new(VS_PROTO_TCP, models, 2);
	g_autoptr(VsPortClasses) udp = vs_port_classes_new(VS_PROTO_UDP, models, 2);
	guint k;

	diff->old_model = models[0];
	diff->new_model = models[1];
	diff->removed = g_ptr_array_new();
	diff->added = g_ptr_array_new();
	diff->old_index = g_array_new(FALSE, FALSE, sizeof(guint));
	diff->verdicts = g_ptr_array_new_with_free_func((GDestroyNotify)vs_verdict_free);
	diff->pairs = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	diff->internet = vs_classes_internet_address(models, 2);

	for (guint i = 0; i < models[0]->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(models[0]->vms, i);

		if (vs_model_find_vm(models[1], vm->name) == NULL)
			g_ptr_array_add(diff->removed, vm->name);
	}
	for (guint i = 0; i < models[1]->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(models[1]->vms, i);
		const VsVm *old_vm = vs_model_find_vm(models[0], vm->name);
		const char *old_key =
			old_vm != NULL ? g_ptr_array_index(old_keys, old_vm->id) : NULL;
		const char *new_key = g_ptr_array_index(new_keys, i);
		guint old_index = old_vm != NULL ? old_vm->id : G_MAXUINT;

		if (old_vm == NULL)
			g_ptr_array_add(diff->added, vm->name);
		g_array_append_val(diff->old_index, old_index);
		/* a VM missing (or without a NIC) on either side has no flows to compare */
		g_ptr_array_add(keys, old_key != NULL && new_key != NULL
					      ? g_strdup_printf("%s\n%s", old_key, new_key)
					      : NULL);
	}
	diff->partition = vs_vm_partition_new(keys);

	k = vs_vm_partition_count(diff->partition);
	for (guint i = 0; i < k; i++) {
		const GArray *from = vs_vm_partition_members(diff->partition, i);

		for (guint j = 0; j <= k; j++) {
			PairWalk walk = {.diff = diff, .engines = {old_engine, new_engine}};
			guint source = g_array_index(from, guint, 0), destination = G_MAXUINT;

			walk.out = g_array_new(FALSE, FALSE, sizeof(VsDifference));
			g_ptr_array_add(diff->pairs, walk.out);
			if (j == i && from->len < 2)
				continue; /* no pair of distinct VMs */
			if (j == i)
				destination = g_array_index(from, guint, 1);
			else if (j < k)
				destination = g_array_index(
					vs_vm_partition_members(diff->partition, j), guint, 0);
			walk.sources[0] =
				first_nic(models[0], g_array_index(diff->old_index, guint, source));
			walk.sources[1] = first_nic(models[1], source);
			if (destination != G_MAXUINT) {
				walk.destinations[0] =
					first_nic(models[0], g_array_index(diff->old_index, guint,
									   destination));
				walk.destinations[1] = first_nic(models[1], destination);
			}
			compare_protocol(&walk, tcp);
			compare_protocol(&walk, udp);
			compare_class(&walk, VS_PROTO_ICMP, (VsPortRange){0, 65535});
		}
	}
	return diff;
}

void
vs_diff_free(VsDiff *diff)
{
	if (diff == NULL)
		return;
	g_ptr_array_unref(diff->removed);
	g_ptr_array_unref(diff->added);
	g_array_unref(diff->old_index);
	vs_vm_partition_free(diff->partition);
	g_ptr_array_unref(diff->pairs);
	g_ptr_array_unref(diff->verdicts);
	g_free(diff);
}

static void
append_pair(const VsDiff *diff, GArray *out, guint source, guint destination)
{
	guint k = vs_vm_partition_count(diff->partition);
	guint i = g_array_index(diff->partition->class_of, guint, source);
	guint j = destination == VS_MATRIX_INTERNET
			  ? k
			  : g_array_index(diff->partition->class_of, guint, destination);
	const GArray *found;

	if (i == G_MAXUINT || j == G_MAXUINT)
		return;
	found = g_ptr_array_index(diff->pairs, i * (k + 1) + j);
	for (guint d = 0; d < found->len; d++) {
		VsDifference difference = g_array_index(found, VsDifference, d);

		difference.source = source;
		difference.destination = destination;
		g_array_append_val(out, difference);
	}
}

GArray *
vs_diff_differences(const VsDiff *diff)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(VsDifference));
	const GArray *class_of = diff->partition->class_of;

	for (guint s = 0; s < class_of->len; s++) {
		if (g_array_index(class_of, guint, s) == G_MAXUINT)
			continue;
		for (guint d = 0; d < class_of->len; d++)
			if (d != s && g_array_index(class_of, guint, d) != G_MAXUINT)
				append_pair(diff, out, s, d);
		append_pair(diff, out, s, VS_MATRIX_INTERNET);
	}
	return out;
}

gboolean
vs_diff_changed(const VsDiff *diff)
{
	if (diff->removed->len > 0 || diff->added->len > 0)
		return TRUE;
	/* a pair of classes with differences matters only if it has a pair of VMs: every
	 * pair of distinct classes does, and (i, i) was walked only with two members */
	for (guint p = 0; p < diff->pairs->len; p++)
		if (((GArray *)g_ptr_array_index(diff->pairs, p))->len > 0)
			return TRUE;
	return FALSE;
}
