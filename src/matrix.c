/*
 * matrix.c - all-pairs reachability over equivalence classes.
 *
 * The VMs are partitioned by vs_vm_class_key() (classes.c explains why that
 * is exact).  For each ordered pair of classes (i, j) one representative pair
 * of distinct VMs is walked: the first member of i to the first member of j,
 * or to the second member when i == j (a class of one has no pair with
 * itself).  Each class also walks to the internet address.  Without a port
 * the same is done for one port of every port class of Tcp and Udp, and for
 * Icmp, and the reachable port classes are merged into maximal ranges.
 */
#include "config.h"

#include "matrix.h"

void
vs_open_ports_free(VsOpenPorts *open)
{
	if (open == NULL)
		return;
	g_array_unref(open->tcp);
	g_array_unref(open->udp);
	g_free(open);
}

static VsMatrix *
matrix_start(const VsEngine *engine)
{
	const VsModel *model = engine->model;
	VsMatrix *matrix = g_new0(VsMatrix, 1);
	g_autoptr(VsAddrAtoms) atoms = vs_addr_atoms_new(engine);
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);

	matrix->model = model;
	for (guint i = 0; i < model->vms->len; i++)
		g_ptr_array_add(keys,
				vs_vm_class_key(engine, atoms, g_ptr_array_index(model->vms, i)));
	matrix->partition = vs_vm_partition_new(keys);
	matrix->internet = vs_classes_internet_address(&model, 1);
	return matrix;
}

static const VsNic *
first_nic(const VsModel *model, guint vm)
{
	return g_ptr_array_index(((VsVm *)g_ptr_array_index(model->vms, vm))->nics, 0);
}

/* The representative pair of classes (i, j); FALSE when there is none (i == j, one member). */
static gboolean
representatives(const VsMatrix *matrix, guint i, guint j, const VsNic **source,
		const VsNic **destination)
{
	guint k = vs_vm_partition_count(matrix->partition);
	const GArray *from = vs_vm_partition_members(matrix->partition, i);

	*source = first_nic(matrix->model, g_array_index(from, guint, 0));
	if (j == k) {
		*destination = NULL;
		return TRUE;
	}
	if (i == j) {
		if (from->len < 2)
			return FALSE;
		*destination = first_nic(matrix->model, g_array_index(from, guint, 1));
		return TRUE;
	}
	*destination =
		first_nic(matrix->model,
			  g_array_index(vs_vm_partition_members(matrix->partition, j), guint, 0));
	return TRUE;
}

VsMatrix *
vs_matrix_new(const VsEngine *engine, VsProtocol protocol, guint16 port)
{
	VsMatrix *matrix = matrix_start(engine);
	guint k = vs_vm_partition_count(matrix->partition);

	matrix->protocol = protocol;
	matrix->port = vs_protocol_has_ports(protocol) ? port : 0;
	matrix->verdicts = g_ptr_array_new_with_free_func((GDestroyNotify)vs_verdict_free);
	for (guint i = 0; i < k; i++) {
		for (guint j = 0; j <= k; j++) {
			const VsNic *source, *destination;
			VsVerdict *verdict = NULL;

			if (representatives(matrix, i, j, &source, &destination)) {
				verdict = vs_verdict_walk(engine, source, destination,
							  destination != NULL
								  ? destination->private_ip
								  : matrix->internet,
							  protocol, matrix->port);
				matrix->walks++;
			}
			g_ptr_array_add(matrix->verdicts, verdict);
		}
	}
	return matrix;
}

/* Appends port class range to ranges, merged with the last range when they touch. */
static void
append_range(GArray *ranges, VsPortRange range)
{
	if (ranges->len > 0) {
		VsPortRange *last = &g_array_index(ranges, VsPortRange, ranges->len - 1);

		if ((guint)last->hi + 1 == range.lo) {
			last->hi = range.hi;
			return;
		}
	}
	g_array_append_val(ranges, range);
}

static guint
open_ports_of(const VsEngine *engine, const VsPortClasses *classes, const VsNic *source,
	      const VsNic *destination, VsIp4 address, GArray *ranges)
{
	guint n = vs_port_classes_count(classes);

	for (guint c = 0; c < n; c++) {
		VsPortRange range = vs_port_classes_range(classes, c);
		g_autoptr(VsVerdict) verdict = vs_verdict_walk(engine, source, destination, address,
							       classes->protocol, range.lo);

		if (verdict->reachable)
			append_range(ranges, range);
	}
	return n;
}

VsMatrix *
vs_matrix_new_summary(const VsEngine *engine)
{
	VsMatrix *matrix = matrix_start(engine);
	guint k = vs_vm_partition_count(matrix->partition);
	const VsModel *model = engine->model;
	g_autoptr(VsPortClasses) tcp = vs_port_classes_new(VS_PROTO_TCP, &model, 1);
	g_autoptr(VsPortClasses) udp = vs_port_classes_new(VS_PROTO_UDP, &model, 1);

	matrix->summary = TRUE;
	matrix->port_classes = vs_port_classes_count(tcp) + vs_port_classes_count(udp) + 1;
	matrix->open = g_ptr_array_new_with_free_func((GDestroyNotify)vs_open_ports_free);
	for (guint i = 0; i < k; i++) {
		for (guint j = 0; j <= k; j++) {
			const VsNic *source, *destination;
			VsOpenPorts *open = NULL;
			VsIp4 address;

			if (representatives(matrix, i, j, &source, &destination)) {
				g_autoptr(VsVerdict) icmp = NULL;

				address = destination != NULL ? destination->private_ip
							      : matrix->internet;
				open = g_new0(VsOpenPorts, 1);
				open->tcp = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
				open->udp = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
				matrix->walks += open_ports_of(engine, tcp, source, destination,
							       address, open->tcp);
				matrix->walks += open_ports_of(engine, udp, source, destination,
							       address, open->udp);
				icmp = vs_verdict_walk(engine, source, destination, address,
						       VS_PROTO_ICMP, 0);
				open->icmp = icmp->reachable;
				matrix->walks++;
			}
			g_ptr_array_add(matrix->open, open);
		}
	}
	return matrix;
}

void
vs_matrix_free(VsMatrix *matrix)
{
	if (matrix == NULL)
		return;
	vs_vm_partition_free(matrix->partition);
	if (matrix->verdicts != NULL)
		g_ptr_array_unref(matrix->verdicts);
	if (matrix->open != NULL)
		g_ptr_array_unref(matrix->open);
	g_free(matrix);
}

GArray *
vs_matrix_vms(const VsMatrix *matrix)
{
	GArray *vms = g_array_new(FALSE, FALSE, sizeof(guint));

	for (guint i = 0; i < matrix->partition->class_of->len; i++)
		if (g_array_index(matrix->partition->class_of, guint, i) != G_MAXUINT)
			g_array_append_val(vms, i);
	return vms;
}

static gpointer
cell(const VsMatrix *matrix, const GPtrArray *cells, guint source, guint destination)
{
	guint k = vs_vm_partition_count(matrix->partition);
	const GArray *class_of = matrix->partition->class_of;
	guint i, j;

	if (cells == NULL || source == destination || source >= class_of->len)
		return NULL;
	i = g_array_index(class_of, guint, source);
	if (destination == VS_MATRIX_INTERNET)
		j = k;
	else if (destination < class_of->len)
		j = g_array_index(class_of, guint, destination);
	else
		return NULL;
	if (i == G_MAXUINT || j == G_MAXUINT)
		return NULL;
	return g_ptr_array_index(cells, i * (k + 1) + j);
}

const VsVerdict *
vs_matrix_verdict(const VsMatrix *matrix, guint source, guint destination)
{
	return cell(matrix, matrix->verdicts, source, destination);
}

const VsOpenPorts *
vs_matrix_open_ports(const VsMatrix *matrix, guint source, guint destination)
{
	return cell(matrix, matrix->open, source, destination);
}
