/*
 * nsg-index.c - NSGs compiled for first-match lookup (see nsg-index.h).
 *
 * DOC: per-field interval tables with rule bitsets
 *
 * A direction of an NSG is a list of n rules in priority order.  Each of the
 * five fields of a packet - protocol, source address, source port,
 * destination address, destination port - splits its domain into elementary
 * intervals at every boundary any rule draws there; within one elementary
 * interval, the same rules match that field.  So each interval stores the
 * bitset of those rules (bit i = the i-th rule in priority order), and a
 * lookup is five binary searches, an AND of five bitsets of n/64 words, and
 * the lowest set bit: the first rule that matches every field.
 *
 * Building a field: each rule's values there become sorted, merged,
 * disjoint intervals; each interval toggles the rule's bit at its start and
 * again just past its end, and one sweep over the sorted boundaries XORs the
 * toggles into a running bitset, emitting an interval whenever the running
 * set changes (equal neighbours merge).  O((n + boundaries) x n/64).
 *
 * What cannot be compiled once per NSG: VirtualNetwork depends on the subnet
 * being evaluated (its VNet, peers and route table).  A rule side with that
 * tag is compiled as "every address" and its rule is marked dynamic; when the
 * AND yields a dynamic rule, the rule is verified with vs_rule_match for the
 * packet's subnet, and the search goes on to the next bit if it fails.
 * Service tags compile to their prefixes from the tag index.
 *
 * ASGs stay out of the address tables: as /32s of their members they would
 * multiply the intervals (hundreds per ASG) and the tables would no longer
 * fit in cache.  Instead each side keeps, per ASG it names, the bitset of the
 * rules naming it; a lookup finds the NIC that owns the address (NSGs see
 * private addresses) and ORs in the bitsets of that NIC's ASGs.
 *
 * Ports of ICMP, ESP and AH packets: such a packet satisfies a port field only
 * when one of the rule's ranges is every port (nsg.c), so each port field
 * also keeps the bitset of the rules that admit a portless packet.
 */
#include "config.h"

#include "nsg-index.h"

#include <string.h>

typedef struct {
	guint32 lo;
	guint32 hi; /* inclusive */
} Span;

/* One field: intervals [starts[i], starts[i+1]) -> the bitset at sets + ids[i] * words. */
typedef struct {
	guint32 *starts;
	guint32 *ids;
	guint count;
} Field;

typedef struct {
	guint rule_count;
	guint words;
	const VsRule **rules; /* borrowed, priority order */
	guint64 *sets;        /* every bitset, words each */
	guint set_count;
	guint set_capacity;
	Field source, destination, source_port, destination_port;
	guint protocol_set[VS_PROTO_AH + 1];
	guint source_portless_set, destination_portless_set;
	guint64 *dynamic; /* rules to verify: a VirtualNetwork side */
	/* per side (0 source, 1 destination): AsgSet, one per ASG the side's rules name (a
	 * handful per NSG, so a linear scan beats hashing) */
	GArray *asg_sets[2];
} Compiled;

typedef struct {
	guint asg; /* VsAsg id */
	guint set; /* bitset id of the rules naming it */
} AsgSet;

/* The index in sets of asg's entry, or sets->len. */
static guint
asg_entry(const GArray *sets, guint asg)
{
	guint k = 0;

	while (k < sets->len && g_array_index(sets, AsgSet, k).asg != asg)
		k++;
	return k;
}

/* Directions above this many rules are scanned, not compiled: the stack buffers of an
 * address side with ASGs hold this many bits. */
#define MAX_COMPILED_RULES 4096

struct VsNsgIndex {
	const VsModel *model;
	const VsTagIndex *tags;
	GPtrArray *compiled; /* Compiled* or NULL (scanned), two per NSG id: inbound, outbound */
	gsize bytes;
};

/* ---------------------------------------------------------------- bitsets */

static guint
new_set(Compiled *c)
{
	if (c->set_count == c->set_capacity) {
		c->set_capacity = MAX(16, c->set_capacity * 2);
		c->sets = g_renew(guint64, c->sets, (gsize)c->set_capacity * c->words);
	}
	memset(c->sets + (gsize)c->set_count * c->words, 0, c->words * sizeof(guint64));
	return c->set_count++;
}

static guint64 *
set_words(const Compiled *c, guint id)
{
	return c->sets + (gsize)id * c->words;
}

static void
set_bit(guint64 *set, guint bit)
{
	set[bit / 64] |= (guint64)1 << (bit % 64);
}

/* ---------------------------------------------------------------- building a field */

typedef struct {
	guint64 at; /* boundary; 2^32 (or 65536) = past the end */
	guint rule;
} Toggle;

static gint
compare_toggle(gconstpointer a, gconstpointer b)
{
	const Toggle *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at ? 1 : 0;
}

static gint
compare_span(gconstpointer a, gconstpointer b)
{
	const Span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

/* Sorts and merges one rule's spans (so that toggles pair up) and adds its toggles. */
static void
add_rule_spans(GArray *toggles, GArray *spans, guint rule)
{
	guint out = 0;

	if (spans->len == 0)
		return;
	g_array_sort(spans, compare_span);
	for (guint i = 1; i < spans->len; i++) {
		Span *last = &g_array_index(spans, Span, out);
		const Span *span = &g_array_index(spans, Span, i);

		if ((guint64)span->lo <= (guint64)last->hi + 1) {
			last->hi = MAX(last->hi, span->hi);
		} else {
			g_array_index(spans, Span, ++out) = *span;
		}
	}
	for (guint i = 0; i <= out; i++) {
		const Span *span = &g_array_index(spans, Span, i);
		Toggle start = {span->lo, rule}, end = {(guint64)span->hi + 1, rule};

		g_array_append_val(toggles, start);
		g_array_append_val(toggles, end);
	}
	g_array_set_size(spans, 0);
}

/* The sweep: toggles (sorted here) become the field's intervals over 0..limit-1. */
static void
build_field(Compiled *c, Field *field, GArray *toggles, guint64 limit)
{
	g_autofree guint64 *running = g_new0(guint64, c->words);
	GArray *starts = g_array_new(FALSE, FALSE, sizeof(guint32));
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	guint k = 0;
	guint64 at = 0;

	g_array_sort(toggles, compare_toggle);
	while (at < limit) {
		guint32 id;

		while (k < toggles->len && g_array_index(toggles, Toggle, k).at == at) {
			guint rule = g_array_index(toggles, Toggle, k).rule;

			running[rule / 64] ^= (guint64)1 << (rule % 64);
			k++;
		}
		if (ids->len == 0 || memcmp(set_words(c, g_array_index(ids, guint32, ids->len - 1)),
					    running, c->words * sizeof(guint64)) != 0) {
			guint32 start = (guint32)at;

			id = new_set(c);
			memcpy(set_words(c, id), running, c->words * sizeof(guint64));
			g_array_append_val(starts, start);
			g_array_append_val(ids, id);
		}
		at = k < toggles->len ? g_array_index(toggles, Toggle, k).at : limit;
	}
	field->count = starts->len;
	field->starts = (guint32 *)(void *)g_array_free(starts, FALSE);
	field->ids = (guint32 *)(void *)g_array_free(ids, FALSE);
}

static void
add_prefix_span(GArray *spans, VsPrefix prefix)
{
	Span span = {prefix.addr, vs_prefix_last(prefix)};

	g_array_append_val(spans, span);
}

/* One rule side's addresses as spans; TRUE when it must be verified per subnet. */
static gboolean
address_spans(const VsNsgIndex *index, const VsAddressMatch *match, GArray *spans)
{
	Span everything = {0, G_MAXUINT32};

	switch (match->kind) {
	case VS_MATCH_ANY:
		g_array_append_val(spans, everything);
		return FALSE;
	case VS_MATCH_PREFIXES:
		for (guint i = 0; match->prefixes != NULL && i < match->prefixes->len; i++)
			add_prefix_span(spans, g_array_index(match->prefixes, VsPrefix, i));
		return FALSE;
	case VS_MATCH_TAG:
		if (match->tag == VS_TAG_VIRTUAL_NETWORK) {
			g_array_append_val(spans, everything);
			return TRUE;
		} else {
			g_autoptr(GArray) prefixes =
				vs_tag_expand(index->tags, match->tag, match->user_tag, NULL);

			for (guint i = 0; i < prefixes->len; i++)
				add_prefix_span(spans, g_array_index(prefixes, VsPrefix, i));
		}
		return FALSE;
	case VS_MATCH_ASGS:
		return FALSE; /* the side's ASG bitsets (add_asgs), not the address table */
	default:
		return FALSE;
	}
}

/* Sets the rule's bit in the side's bitset of every ASG the side names. */
static void
add_asgs(Compiled *c, guint side, const VsAddressMatch *match, guint rule)
{
	if (match->kind != VS_MATCH_ASGS || match->asgs == NULL)
		return;
	if (c->asg_sets[side] == NULL)
		c->asg_sets[side] = g_array_new(FALSE, FALSE, sizeof(AsgSet));
	for (guint a = 0; a < match->asgs->len; a++) {
		const VsAsg *asg = g_ptr_array_index(match->asgs, a);
		GArray *sets = c->asg_sets[side];
		guint k = asg_entry(sets, asg->id);

		if (k == sets->len) {
			AsgSet entry = {asg->id, new_set(c)};

			g_array_append_val(sets, entry);
		}
		set_bit(set_words(c, g_array_index(sets, AsgSet, k).set), rule);
	}
}

static void
port_spans(const GArray *ranges, GArray *spans)
{
	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);
		Span span = {range.lo, range.hi};

		g_array_append_val(spans, span);
	}
}

static gboolean
admits_portless(const GArray *ranges)
{
	for (guint i = 0; i < ranges->len; i++)
		if (vs_port_range_is_any(g_array_index(ranges, VsPortRange, i)))
			return TRUE;
	return FALSE;
}

static Compiled *
compile(const VsNsgIndex *index, const GPtrArray *rules)
{
	Compiled *c = g_new0(Compiled, 1);
	g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(Span));
	GArray *toggles[4];
	Field *fields[4] = {&c->source, &c->destination, &c->source_port, &c->destination_port};

	c->rule_count = rules->len;
	c->words = (rules->len + 63) / 64;
	c->rules = g_new(const VsRule *, rules->len);
	c->dynamic = g_new0(guint64, c->words);
	for (guint f = 0; f < 4; f++)
		toggles[f] = g_array_new(FALSE, FALSE, sizeof(Toggle));
	for (VsProtocol p = VS_PROTO_ANY; p <= VS_PROTO_AH; p++)
		c->protocol_set[p] = new_set(c);
	c->source_portless_set = new_set(c);
	c->destination_portless_set = new_set(c);

	for (guint r = 0; r < rules->len; r++) {
		const VsRule *rule = g_ptr_array_index(rules, r);
		gboolean dynamic;

		c->rules[r] = rule;
		for (VsProtocol p = VS_PROTO_TCP; p <= VS_PROTO_AH; p++)
			if (vs_protocol_matches(rule->protocol, p))
				set_bit(set_words(c, c->protocol_set[p]), r);
		if (admits_portless(rule->source_ports))
			set_bit(set_words(c, c->source_portless_set), r);
		if (admits_portless(rule->destination_ports))
			set_bit(set_words(c, c->destination_portless_set), r);
		add_asgs(c, 0, &rule->source, r);
		add_asgs(c, 1, &rule->destination, r);
		dynamic = address_spans(index, &rule->source, spans);
		add_rule_spans(toggles[0], spans, r);
		dynamic |= address_spans(index, &rule->destination, spans);
		add_rule_spans(toggles[1], spans, r);
		port_spans(rule->source_ports, spans);
		add_rule_spans(toggles[2], spans, r);
		port_spans(rule->destination_ports, spans);
		add_rule_spans(toggles[3], spans, r);
		if (dynamic)
			set_bit(c->dynamic, r);
	}
	for (guint f = 0; f < 4; f++) {
		build_field(c, fields[f], toggles[f], f < 2 ? (guint64)1 << 32 : 65536);
		g_array_unref(toggles[f]);
	}
	return c;
}

static void
compiled_free(gpointer data)
{
	Compiled *c = data;

	if (c == NULL)
		return;
	g_free(c->rules);
	g_free(c->sets);
	g_free(c->dynamic);
	g_clear_pointer(&c->asg_sets[0], g_array_unref);
	g_clear_pointer(&c->asg_sets[1], g_array_unref);
	g_free(c->source.starts);
	g_free(c->source.ids);
	g_free(c->destination.starts);
	g_free(c->destination.ids);
	g_free(c->source_port.starts);
	g_free(c->source_port.ids);
	g_free(c->destination_port.starts);
	g_free(c->destination_port.ids);
	g_free(c);
}

static gsize
compiled_bytes(const Compiled *c)
{
	return sizeof(*c) + c->rule_count * sizeof(gpointer) +
	       (gsize)c->set_capacity * c->words * sizeof(guint64) +
	       (c->source.count + c->destination.count + c->source_port.count +
		c->destination_port.count) *
		       2 * sizeof(guint32);
}

VsNsgIndex *
vs_nsg_index_new(const VsModel *model, const VsTagIndex *tags, guint crossover)
{
	VsNsgIndex *index = g_new0(VsNsgIndex, 1);

	index->model = model;
	index->tags = tags;
	index->compiled = g_ptr_array_new_with_free_func(compiled_free);
	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);
		const GPtrArray *directions[2] = {nsg->inbound, nsg->outbound};

		for (guint d = 0; d < 2; d++) {
			Compiled *c = directions[d]->len > crossover &&
						      directions[d]->len <= MAX_COMPILED_RULES
					      ? compile(index, directions[d])
					      : NULL;

			if (c != NULL)
				index->bytes += compiled_bytes(c);
			g_ptr_array_add(index->compiled, c);
		}
	}
	return index;
}

void
vs_nsg_index_free(VsNsgIndex *index)
{
	if (index == NULL)
		return;
	g_ptr_array_unref(index->compiled);
	g_free(index);
}

gsize
vs_nsg_index_bytes(const VsNsgIndex *index)
{
	return index->bytes;
}

/* ---------------------------------------------------------------- lookups */

static const guint64 *
field_set(const Compiled *c, const Field *field, guint32 value)
{
	guint lo = 0, hi = field->count;

	/* the last interval starting at or below value (the first starts at 0) */
	while (hi - lo > 1) {
		guint mid = lo + (hi - lo) / 2;

		if (field->starts[mid] <= value)
			lo = mid;
		else
			hi = mid;
	}
	return set_words(c, field->ids[lo]);
}

/*
 * The rules whose side matches address: the address table's bitset, with the
 * bitsets of the ASGs of the NIC that owns the address ORed in (into buffer)
 * when the side names any ASG.
 */
static const guint64 *
side_set(const VsNsgIndex *index, const Compiled *c, guint side, VsIp4 address, guint64 *buffer)
{
	const guint64 *set = field_set(c, side == 0 ? &c->source : &c->destination, address);
	const VsNic *nic;
	gboolean copied = FALSE;

	if (c->asg_sets[side] == NULL ||
	    (nic = vs_model_find_nic_by_ip(index->model, address)) == NULL)
		return set;
	for (guint a = 0; a < nic->asgs->len; a++) {
		const VsAsg *asg = g_ptr_array_index(nic->asgs, a);
		guint k = asg_entry(c->asg_sets[side], asg->id);
		const guint64 *members;

		if (k == c->asg_sets[side]->len)
			continue;
		if (!copied) {
			memcpy(buffer, set, c->words * sizeof(guint64));
			copied = TRUE;
		}
		members = set_words(c, g_array_index(c->asg_sets[side], AsgSet, k).set);
		for (guint w = 0; w < c->words; w++)
			buffer[w] |= members[w];
	}
	return copied ? buffer : set;
}

static const VsRule *
compiled_first_match(const VsNsgIndex *index, const Compiled *c, const VsSubnet *subnet,
		     const VsPacket *packet)
{
	guint64 source_buffer[MAX_COMPILED_RULES / 64], destination_buffer[MAX_COMPILED_RULES / 64];
	gboolean has_ports = vs_protocol_has_ports(packet->protocol);
	const guint64 *protocol = set_words(c, c->protocol_set[packet->protocol]);
	const guint64 *source = side_set(index, c, 0, packet->source, source_buffer);
	const guint64 *destination = side_set(index, c, 1, packet->destination, destination_buffer);
	const guint64 *source_port = has_ports ? field_set(c, &c->source_port, packet->source_port)
					       : set_words(c, c->source_portless_set);
	const guint64 *destination_port =
		has_ports ? field_set(c, &c->destination_port, packet->destination_port)
			  : set_words(c, c->destination_portless_set);

	for (guint w = 0; w < c->words; w++) {
		guint64 word = protocol[w] & source[w] & destination[w] & source_port[w] &
			       destination_port[w];

		while (word != 0) {
			guint bit = (guint)__builtin_ctzll(word);
			guint r = w * 64 + bit;

			word &= word - 1;
			if (!(c->dynamic[w] >> bit & 1) ||
			    vs_rule_match(index->tags, c->rules[r], subnet, packet) ==
				    VS_RULE_MATCHED)
				return c->rules[r];
		}
	}
	return NULL;
}

const VsRule *
vs_nsg_index_first_match(const VsNsgIndex *index, const VsNsg *nsg, VsDirection direction,
			 const VsSubnet *subnet, const VsPacket *packet)
{
	guint slot = nsg->id * 2 + (direction == VS_DIRECTION_INBOUND ? 0 : 1);
	const Compiled *c = NULL;

	if (slot < index->compiled->len && g_ptr_array_index(index->model->nsgs, nsg->id) == nsg)
		c = g_ptr_array_index(index->compiled, slot);
	if (c == NULL)
		return vs_nsg_first_match(index->tags, nsg, direction, subnet, packet);
	return compiled_first_match(index, c, subnet, packet);
}

static const VsRule *
compiled_or_scan_first_match(gconstpointer index, const VsNsg *nsg, VsDirection direction,
			     const VsSubnet *subnet, const VsPacket *packet)
{
	return vs_nsg_index_first_match(index, nsg, direction, subnet, packet);
}

VsNsgVerdict
vs_nsg_index_evaluate_nic(const VsNsgIndex *index, const VsNic *nic, VsDirection direction,
			  const VsPacket *packet)
{
	return vs_nsg_combine(nic, direction, packet, compiled_or_scan_first_match, index);
}
