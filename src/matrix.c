/*
 * matrix.c - all-pairs reachability over classes decided per pair of blocks.
 *
 * The VMs are grouped into blocks by subnet (blocks.c, whose essay says why
 * the classes are exact).  For each ordered pair of blocks, and each block
 * with the internet, the two ends are classed, and one representative pair
 * of distinct VMs is walked per pair of classes (verdict-only walks).
 * Without a port the same is done for one port of every port class of Tcp
 * and Udp of that pair of blocks, and for Icmp, and the reachable port classes
 * are merged into maximal ranges.
 *
 * What is kept is small: per pair of blocks, a class number per member of
 * each end and a cell per pair of classes; a cell is the index of a verdict,
 * and verdicts that say the same (same status, same decision, same party) are
 * stored once.  At 10,000 VMs that is a few megabytes where a verdict per pair
 * of VMs would be gigabytes.
 */
#include "config.h"

#include "matrix.h"

#include <string.h>

struct VsMatrixPair {
	GArray *source_class;      /* guint16 per member of the source block */
	GArray *destination_class; /* guint16 per member of the destination block */
	guint destination_classes;
	guint32 *cells; /* per pair of classes: the verdict (or open ports) index, or
			   G_MAXUINT32 for a pair of classes that holds no pair of VMs */
};

static void
matrix_pair_free(VsMatrixPair *pair)
{
	if (pair == NULL)
		return;
	g_array_unref(pair->source_class);
	g_array_unref(pair->destination_class);
	g_free(pair->cells);
	g_free(pair);
}

void
vs_open_ports_free(VsOpenPorts *open)
{
	if (open == NULL)
		return;
	g_array_unref(open->tcp);
	g_array_unref(open->udp);
	g_free(open);
}

/* What a verdict-only walk decided, as the bytes vs_verdict_from_walk reads. */
typedef struct {
	gboolean reachable;
	gboolean has_issue;
	VsIssueSeverity severity;
	VsIssueType type;
	VsParty party;
	gboolean first_hop;
	VsHopType hop_type;
	const VsRule *rule;
	const VsEffectiveRoute *route;
	const VsFwRule *firewall_rule;
	const VsVnet *peering_from, *peering_to;
	const VsNic *nic; /* NULL for a party */
} VerdictKey;

static guint
verdict_key_hash(gconstpointer key)
{
	const guchar *bytes = key;
	guint64 hash = 0x9e3779b97f4a7c15ull;

	/* word by word (memcpy: the key need not be aligned for guint64) */
	for (gsize i = 0; i + sizeof(guint64) <= sizeof(VerdictKey); i += sizeof(guint64)) {
		guint64 word;

		memcpy(&word, bytes + i, sizeof(word));
		hash = (hash ^ word) * 0x100000001b3ull;
		hash ^= hash >> 29;
	}
	for (gsize i = sizeof(VerdictKey) - sizeof(VerdictKey) % sizeof(guint64);
	     i < sizeof(VerdictKey); i++)
		hash = (hash ^ bytes[i]) * 0x100000001b3ull;
	return (guint)(hash ^ (hash >> 32));
}

static gboolean
verdict_key_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(VerdictKey)) == 0;
}

typedef struct {
	const VsEngine *engine;
	VsMatrix *matrix;
	GHashTable *ids; /* VerdictKey* (owned) -> verdict index + 1 */
} Builder;

/* The index of the verdict of a walk from source to destination (NULL: the internet). */
static guint32
verdict_id(Builder *builder, const VsWalkVerdict *walked, const VsNic *source,
	   const VsNic *destination)
{
	VerdictKey stack, *key = &stack;
	const VsNic *nic = NULL;
	gpointer found;
	guint32 id;

	memset(key, 0, sizeof(*key)); /* padding is part of the key */
	key->reachable = walked->reachable;
	if (!walked->reachable) {
		key->has_issue = walked->has_issue;
		key->severity = walked->issue_severity;
		key->type = walked->issue_type;
		key->rule = walked->rule;
		key->route = walked->route;
		key->firewall_rule = walked->firewall_rule;
		key->peering_from = walked->peering_from;
		key->peering_to = walked->peering_to;
		if (walked->has_issue) {
			nic = walked->hop_nics[walked->issue_hop];
			key->first_hop = walked->issue_hop == 0;
			key->hop_type = walked->hop_types[walked->issue_hop];
		}
		key->party = nic == NULL          ? VS_PARTY_NONE
			     : nic == source      ? VS_PARTY_SOURCE
			     : nic == destination ? VS_PARTY_DESTINATION
						  : VS_PARTY_NONE;
		/* a party's verdict names the VM per pair, except a Platform issue, which
		 * names the party's subnet or VNet */
		key->nic =
			key->party == VS_PARTY_NONE || key->type == VS_ISSUE_PLATFORM ? nic : NULL;
	}
	found = g_hash_table_lookup(builder->ids, key);
	if (found != NULL)
		return GPOINTER_TO_UINT(found) - 1;
	id = builder->matrix->verdicts->len;
	g_ptr_array_add(builder->matrix->verdicts,
			vs_verdict_from_walk(builder->engine, walked, source, destination));
	g_hash_table_insert(builder->ids, g_memdup2(key, sizeof(*key)), GUINT_TO_POINTER(id + 1));
	return id;
}

static const VsNic *
first_nic(const VsModel *model, guint vm)
{
	return g_ptr_array_index(((VsVm *)g_ptr_array_index(model->vms, vm))->nics, 0);
}

static void
walk_one(const VsEngine *engine, const VsNic *source, VsIp4 destination, VsProtocol protocol,
	 guint16 port, VsWalkVerdict *out)
{
	VsQuery query = {
		.source = source,
		.destination = destination,
		.protocol = protocol,
		.source_port = VS_VERDICT_SOURCE_PORT,
		.destination_port = vs_protocol_has_ports(protocol) ? port : 0,
	};

	vs_walk_verdict(engine, &query, out);
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
	      VsIp4 address, GArray *ranges)
{
	guint n = vs_port_classes_count(classes);

	for (guint c = 0; c < n; c++) {
		VsPortRange range = vs_port_classes_range(classes, c);
		VsWalkVerdict walked;

		walk_one(engine, source, address, classes->protocol, range.lo, &walked);
		if (walked.reachable)
			append_range(ranges, range);
	}
	return n;
}

/* The open ports of one representative pair (destination NULL: the internet). */
static guint32
open_id(Builder *builder, const VsBlockPair *pair, const VsNic *source, const VsNic *destination)
{
	VsMatrix *matrix = builder->matrix;
	VsIp4 address = destination != NULL ? destination->private_ip : matrix->internet;
	VsOpenPorts *open = g_new0(VsOpenPorts, 1);
	VsWalkVerdict icmp;

	open->tcp = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
	open->udp = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
	matrix->walks += open_ports_of(builder->engine, pair->tcp, source, address, open->tcp);
	matrix->walks += open_ports_of(builder->engine, pair->udp, source, address, open->udp);
	walk_one(builder->engine, source, address, VS_PROTO_ICMP, 0, &icmp);
	open->icmp = icmp.reachable;
	matrix->walks++;
	g_ptr_array_add(matrix->open, open);
	return matrix->open->len - 1;
}

/* Classes one pair of blocks and walks each pair of its classes. */
static VsMatrixPair *
matrix_pair(Builder *builder, guint a, guint b)
{
	VsMatrix *matrix = builder->matrix;
	const VsModel *model = matrix->model;
	VsMatrixPair *out = g_new0(VsMatrixPair, 1);
	VsBlockPair pair;

	vs_blocks_pair(matrix->blocks, a, b, &pair);
	out->destination_classes = pair.destination_classes;
	out->cells = g_new(guint32, (gsize)pair.source_classes * pair.destination_classes);
	matrix->classes +=
		pair.source_classes + (b != VS_BLOCK_INTERNET ? pair.destination_classes : 0);
	if (matrix->summary)
		matrix->port_classes =
			MAX(matrix->port_classes,
			    vs_port_classes_count(pair.tcp) + vs_port_classes_count(pair.udp) + 1);
	for (guint i = 0; i < pair.source_classes; i++) {
		for (guint j = 0; j < pair.destination_classes; j++) {
			guint32 *cell = &out->cells[i * pair.destination_classes + j];
			guint s, d;
			const VsNic *source, *destination;

			*cell = G_MAXUINT32;
			if (!vs_block_pair_representatives(matrix->blocks, &pair, a, b, i, j, &s,
							   &d))
				continue;
			source = first_nic(model, s);
			destination = d != G_MAXUINT ? first_nic(model, d) : NULL;
			if (matrix->summary) {
				*cell = open_id(builder, &pair, source, destination);
			} else {
				VsWalkVerdict walked;

				walk_one(builder->engine, source,
					 destination != NULL ? destination->private_ip
							     : matrix->internet,
					 matrix->protocol, matrix->port, &walked);
				matrix->walks++;
				*cell = verdict_id(builder, &walked, source, destination);
			}
		}
	}
	out->source_class = g_steal_pointer(&pair.source_class);
	out->destination_class = g_steal_pointer(&pair.destination_class);
	vs_block_pair_clear(&pair);
	return out;
}

static VsMatrix *
matrix_new(const VsEngine *engine, gboolean summary, VsProtocol protocol, guint16 port)
{
	const VsModel *model = engine->model;
	VsMatrix *matrix = g_new0(VsMatrix, 1);
	VsBlockView view = {engine, NULL};
	Builder builder = {
		engine, matrix,
		g_hash_table_new_full(verdict_key_hash, verdict_key_equal, g_free, NULL)};
	guint n;

	matrix->model = model;
	matrix->summary = summary;
	matrix->protocol = protocol;
	matrix->port = !summary && vs_protocol_has_ports(protocol) ? port : 0;
	matrix->internet = vs_classes_internet_address(&model, 1);
	matrix->blocks = vs_blocks_new(&view, 1, model->vms->len, !summary, protocol, matrix->port,
				       matrix->internet);
	matrix->verdicts = g_ptr_array_new_with_free_func((GDestroyNotify)vs_verdict_free);
	matrix->open = g_ptr_array_new_with_free_func((GDestroyNotify)vs_open_ports_free);
	n = vs_blocks_count(matrix->blocks);
	matrix->pairs = g_ptr_array_new_full((n + 1) * n, (GDestroyNotify)matrix_pair_free);
	for (guint a = 0; a < n; a++)
		for (guint b = 0; b <= n; b++)
			g_ptr_array_add(matrix->pairs,
					matrix_pair(&builder, a, b < n ? b : VS_BLOCK_INTERNET));
	g_hash_table_unref(builder.ids);
	return matrix;
}

VsMatrix *
vs_matrix_new(const VsEngine *engine, VsProtocol protocol, guint16 port)
{
	return matrix_new(engine, FALSE, protocol, port);
}

VsMatrix *
vs_matrix_new_summary(const VsEngine *engine)
{
	return matrix_new(engine, TRUE, VS_PROTO_TCP, 0);
}

void
vs_matrix_free(VsMatrix *matrix)
{
	if (matrix == NULL)
		return;
	vs_blocks_free(matrix->blocks);
	if (matrix->pairs != NULL)
		g_ptr_array_unref(matrix->pairs);
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

	for (guint i = 0; i < matrix->model->vms->len; i++)
		if (vs_blocks_block_of(matrix->blocks, i) != G_MAXUINT)
			g_array_append_val(vms, i);
	return vms;
}

/* The cell of a pair of VMs: an index into verdicts or open, or G_MAXUINT32. */
static guint32
cell(const VsMatrix *matrix, guint source, guint destination)
{
	guint n = vs_blocks_count(matrix->blocks);
	guint a, b;
	const VsMatrixPair *pair;
	guint i, j = 0;

	if (source == destination || source >= matrix->model->vms->len ||
	    (destination != VS_MATRIX_INTERNET && destination >= matrix->model->vms->len))
		return G_MAXUINT32;
	a = vs_blocks_block_of(matrix->blocks, source);
	b = destination == VS_MATRIX_INTERNET ? n : vs_blocks_block_of(matrix->blocks, destination);
	if (a == G_MAXUINT || b == G_MAXUINT)
		return G_MAXUINT32;
	pair = g_ptr_array_index(matrix->pairs, a * (n + 1) + b);
	i = g_array_index(pair->source_class, guint16, vs_blocks_position(matrix->blocks, source));
	if (b < n)
		j = g_array_index(pair->destination_class, guint16,
				  vs_blocks_position(matrix->blocks, destination));
	return pair->cells[i * pair->destination_classes + j];
}

const VsVerdict *
vs_matrix_verdict(const VsMatrix *matrix, guint source, guint destination)
{
	guint32 id;

	if (matrix->summary)
		return NULL;
	id = cell(matrix, source, destination);
	return id != G_MAXUINT32 ? g_ptr_array_index(matrix->verdicts, id) : NULL;
}

const VsOpenPorts *
vs_matrix_open_ports(const VsMatrix *matrix, guint source, guint destination)
{
	guint32 id;

	if (!matrix->summary)
		return NULL;
	id = cell(matrix, source, destination);
	return id != G_MAXUINT32 ? g_ptr_array_index(matrix->open, id) : NULL;
}
