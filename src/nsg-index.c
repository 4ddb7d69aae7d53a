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
 * private addresses) and ORs in the bitsets of that NIC's ASGs.  The owner
 * comes from the index's own open-addressing table (one cache line: the NIC
 * and its ASG ids), and a walk resolves each of its packet's two addresses
 * once for every NSG it meets (VsAddressOwner).
 *
 * A verified rule (VirtualNetwork) is checked on its VirtualNetwork sides
 * alone: the AND already vouches for every other field.
 *
 * Layout.  Random checks meet a different NSG almost every time, so a
 * lookup's cost is the number of cache lines it touches more than its
 * instructions.  After compiling, a direction is packed into one allocation:
 * a header, then the "hot" part every lookup reads before its searches reach
 * the keys (protocol and portless bitsets, the block summaries of the four
 * fields, the ASG bitsets, the verified and Deny rules), which
 * vs_nsg_index_prefetch fetches ahead of time, then each field's keys in
 * cache-line blocks (block-search.h) with each interval's bitset inline, then
 * the rules.  Deny bits answer a NIC's combination without reading the rule.
 *
 * Ports of ICMP, ESP and AH packets: such a packet satisfies a port field only
 * when one of the rule's ranges is every port (nsg.c), so each port field
 * also keeps the bitset of the rules that admit a portless packet.
 */
#include "config.h"

#include "nsg-index.h"

#include <string.h>

#include "block-search.h"

typedef struct {
	guint32 lo;
	guint32 hi; /* inclusive */
} Span;

/* One field while it is built: intervals [starts[i], starts[i+1]) -> the bitset at
 * sets + ids[i] * words. */
typedef struct {
	guint32 *starts;
	guint32 *ids;
	guint count;
} Field;

/* One direction while it is built (then packed into a Compiled). */
typedef struct {
	guint rule_count;
	guint words;
	guint64 *sets; /* every bitset, words each */
	guint set_count;
	guint set_capacity;
	Field source, destination, source_port, destination_port;
	guint protocol_set[VS_PROTO_AH + 1];
	guint source_portless_set, destination_portless_set;
	guint64 *dynamic;   /* rules to verify: a VirtualNetwork side */
	guint8 *vnet_sides; /* per rule: 1 the source, 2 the destination is VirtualNetwork */
	/* per side (0 source, 1 destination): AsgSet, one per ASG the side's rules name */
	GArray *asg_sets[2];
} Builder;

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

/*
 * A packed field: the interval starts searched a cache line at a time
 * (block-search.h), and the bitset of each interval right there (words each),
 * not behind an id.  A lookup reads the summary's line, one line of keys and the
 * bitset: three cache lines for tables of up to 256 intervals, where a binary
 * search over starts and then ids touched eight to ten.
 */
typedef struct {
	guint count;
	const guint32 *keys;    /* count, 64-byte aligned; keys[0] == 0 */
	const guint32 *summary; /* keys[VS_BLOCK_KEYS * j] */
	const guint64 *sets;    /* count * words */
} PackedField;

/*
 * One compiled direction, packed into one allocation in the order a lookup reads
 * it: this header, the protocol and portless bitsets, the four fields, the ASG
 * bitsets, the dynamic rules, the rules.  Random queries meet a different NSG
 * almost every time, so what costs is the number of cache lines a lookup touches,
 * not instructions (bench/RESULTS.md).
 */
typedef struct {
	const VsNsg *nsg; /* the NSG compiled, to validate lookups */
	guint hot_lines;  /* cache lines from the start that every lookup reads */
	guint rule_count;
	guint words;
	const guint64 *protocol_sets; /* (VS_PROTO_AH + 1) * words */
	const guint64 *portless[2];   /* source, destination: rules admitting a portless packet */
	PackedField fields[4];        /* source, destination, source port, destination port */
	guint asg_count[2];           /* per side: the ASGs its rules name */
	const guint32 *asg_ids[2];    /* asg_count ASG ids */
	const guint64 *asg_sets[2];   /* asg_count * words: the rules naming each */
	const guint64 *dynamic;       /* rules with a VirtualNetwork side, verified per subnet */
	const guint64 *deny;          /* rules whose access is Deny (no need to read the rule) */
	const guint8 *vnet_sides;     /* per rule: 1 the source, 2 the destination */
	const VsRule **rules;         /* borrowed, priority order */
	gsize bytes;
	gpointer allocation; /* what to free */
} Compiled;

enum { FIELD_SOURCE, FIELD_DESTINATION, FIELD_SOURCE_PORT, FIELD_DESTINATION_PORT };

/* Directions above this many rules are scanned, not compiled (the tables grow with the
 * square of the rules). */
#define MAX_COMPILED_RULES 4096

/* Nor are directions whose rules name more ASGs on one side than this: a lookup keeps
 * the ASG entries an address meets in one 64-bit word. */
#define MAX_COMPILED_ASGS 64

/* An address a NIC owns, in the open-addressing table of owners: everything a lookup
 * needs in one slot, so that resolving an owner costs one cache line. */
typedef struct {
	const VsNic *nic; /* NULL = empty slot */
	const guint32 *asg_ids;
	VsIp4 address;
	guint32 asg_count;
} OwnerSlot;

struct VsNsgIndex {
	const VsModel *model;
	const VsTagIndex *tags;
	GPtrArray *compiled; /* Compiled* or NULL (scanned), two per NSG id: inbound, outbound */
	guint8 *hot_lines;   /* per slot of compiled: its Compiled's hot_lines, for prefetching */
	gsize bytes;
	/* private address -> owning NIC (as vs_model_find_nic_by_ip) and its ASG ids */
	OwnerSlot *owners;
	guint owner_mask;  /* capacity - 1, capacity a power of two */
	guint owner_shift; /* 32 - log2(capacity) */
	guint32 *asg_ids;  /* every NIC's ASG ids, in its asgs order */
};

/* ---------------------------------------------------------------- bitsets */

static guint
new_set(Builder *c)
{
	if (c->set_count == c->set_capacity) {
		c->set_capacity = MAX(16, c->set_capacity * 2);
		c->sets = g_renew(guint64, c->sets, (gsize)c->set_capacity * c->words);
	}
	memset(c->sets + (gsize)c->set_count * c->words, 0, c->words * sizeof(guint64));
	return c->set_count++;
}

static guint64 *
set_words(const Builder *c, guint id)
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
build_field(Builder *c, Field *field, GArray *toggles, guint64 limit)
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
add_asgs(Builder *c, guint side, const VsAddressMatch *match, guint rule)
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

static Builder *
build(const VsNsgIndex *index, const GPtrArray *rules)
{
	Builder *c = g_new0(Builder, 1);
	g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(Span));
	GArray *toggles[4];
	Field *fields[4] = {&c->source, &c->destination, &c->source_port, &c->destination_port};

	c->rule_count = rules->len;
	c->words = (rules->len + 63) / 64;
	c->dynamic = g_new0(guint64, c->words);
	c->vnet_sides = g_new0(guint8, rules->len);
	for (guint f = 0; f < 4; f++)
		toggles[f] = g_array_new(FALSE, FALSE, sizeof(Toggle));
	for (VsProtocol p = VS_PROTO_ANY; p <= VS_PROTO_AH; p++)
		c->protocol_set[p] = new_set(c);
	c->source_portless_set = new_set(c);
	c->destination_portless_set = new_set(c);

	for (guint r = 0; r < rules->len; r++) {
		const VsRule *rule = g_ptr_array_index(rules, r);
		gboolean source_vnet, destination_vnet;

		for (VsProtocol p = VS_PROTO_TCP; p <= VS_PROTO_AH; p++)
			if (vs_protocol_matches(rule->protocol, p))
				set_bit(set_words(c, c->protocol_set[p]), r);
		if (vs_port_ranges_include_any(rule->source_ports))
			set_bit(set_words(c, c->source_portless_set), r);
		if (vs_port_ranges_include_any(rule->destination_ports))
			set_bit(set_words(c, c->destination_portless_set), r);
		add_asgs(c, 0, &rule->source, r);
		add_asgs(c, 1, &rule->destination, r);
		source_vnet = address_spans(index, &rule->source, spans);
		add_rule_spans(toggles[0], spans, r);
		destination_vnet = address_spans(index, &rule->destination, spans);
		add_rule_spans(toggles[1], spans, r);
		port_spans(rule->source_ports, spans);
		add_rule_spans(toggles[2], spans, r);
		port_spans(rule->destination_ports, spans);
		add_rule_spans(toggles[3], spans, r);
		c->vnet_sides[r] = (source_vnet ? 1 : 0) | (destination_vnet ? 2 : 0);
		if (source_vnet || destination_vnet)
			set_bit(c->dynamic, r);
	}
	for (guint f = 0; f < 4; f++) {
		build_field(c, fields[f], toggles[f], f < 2 ? (guint64)1 << 32 : 65536);
		g_array_unref(toggles[f]);
	}
	return c;
}

static void
builder_free(Builder *c)
{
	g_free(c->sets);
	g_free(c->dynamic);
	g_free(c->vnet_sides);
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

/* ---------------------------------------------------------------- packing */

/* Carves aligned pieces out of one allocation; with base NULL, only measures. */
typedef struct {
	char *base;
	gsize used;
} Carver;

static gpointer
carve(Carver *carver, gsize size, gsize align)
{
	gsize at = (carver->used + align - 1) / align * align;

	carver->used = at + size;
	return carver->base != NULL ? carver->base + at : NULL;
}

static guint64 *
carve_sets(Carver *carver, const Builder *b, guint count)
{
	return carve(carver, (gsize)count * b->words * sizeof(guint64), sizeof(guint64));
}

/* Lays out (and, with a base, fills) the packed form of b. */
static void
pack_into(Carver *carver, const Builder *b, const GPtrArray *rules, const VsNsg *nsg)
{
	gsize word_bytes = b->words * sizeof(guint64);
	Compiled *c = carve(carver, sizeof(Compiled), 64);
	guint64 *protocol_sets = carve_sets(carver, b, VS_PROTO_AH + 1);
	guint64 *portless = carve_sets(carver, b, 2);
	const Field *fields[4] = {&b->source, &b->destination, &b->source_port,
				  &b->destination_port};
	guint32 *keys[4], *summary[4];
	guint64 *field_sets[4];
	guint32 *asg_ids[2];
	guint64 *asg_sets[2], *dynamic, *deny;
	guint8 *vnet_sides;
	const VsRule **packed_rules;
	gsize hot_bytes;

	/* the hot part, which vs_nsg_index_prefetch fetches: what every lookup reads
	 * before its searches reach the keys */
	for (guint f = 0; f < 4; f++)
		summary[f] =
			carve(carver, vs_block_summary_count(fields[f]->count) * sizeof(guint32),
			      sizeof(guint32));
	for (guint side = 0; side < 2; side++) {
		guint count = b->asg_sets[side] != NULL ? b->asg_sets[side]->len : 0;

		asg_ids[side] = carve(carver, count * sizeof(guint32), sizeof(guint32));
		asg_sets[side] = carve_sets(carver, b, count);
	}
	dynamic = carve_sets(carver, b, 1);
	deny = carve_sets(carver, b, 1);
	hot_bytes = carver->used;
	for (guint f = 0; f < 4; f++) {
		keys[f] = carve(carver, fields[f]->count * sizeof(guint32), 64);
		field_sets[f] = carve_sets(carver, b, fields[f]->count);
	}
	vnet_sides = carve(carver, b->rule_count, 1);
	packed_rules = carve(carver, b->rule_count * sizeof(gpointer), sizeof(gpointer));
	if (carver->base == NULL)
		return;

	c->nsg = nsg;
	c->hot_lines = (guint)((hot_bytes + 63) / 64);
	c->rule_count = b->rule_count;
	c->words = b->words;
	for (VsProtocol p = VS_PROTO_ANY; p <= VS_PROTO_AH; p++)
		memcpy(protocol_sets + (gsize)p * b->words, set_words(b, b->protocol_set[p]),
		       word_bytes);
	c->protocol_sets = protocol_sets;
	memcpy(portless, set_words(b, b->source_portless_set), word_bytes);
	memcpy(portless + b->words, set_words(b, b->destination_portless_set), word_bytes);
	c->portless[0] = portless;
	c->portless[1] = portless + b->words;
	for (guint f = 0; f < 4; f++) {
		PackedField *field = &c->fields[f];

		field->count = fields[f]->count;
		for (guint i = 0; i < field->count; i++) {
			keys[f][i] = fields[f]->starts[i];
			memcpy(field_sets[f] + (gsize)i * b->words, set_words(b, fields[f]->ids[i]),
			       word_bytes);
		}
		for (guint j = 0; j < vs_block_summary_count(field->count); j++)
			summary[f][j] = keys[f][j * VS_BLOCK_KEYS];
		field->keys = keys[f];
		field->summary = summary[f];
		field->sets = field_sets[f];
	}
	for (guint side = 0; side < 2; side++) {
		const GArray *sets = b->asg_sets[side];

		c->asg_count[side] = sets != NULL ? sets->len : 0;
		for (guint k = 0; k < c->asg_count[side]; k++) {
			const AsgSet *entry = &g_array_index(sets, AsgSet, k);

			asg_ids[side][k] = entry->asg;
			memcpy(asg_sets[side] + (gsize)k * b->words, set_words(b, entry->set),
			       word_bytes);
		}
		c->asg_ids[side] = asg_ids[side];
		c->asg_sets[side] = asg_sets[side];
	}
	memcpy(dynamic, b->dynamic, word_bytes);
	c->dynamic = dynamic;
	memcpy(vnet_sides, b->vnet_sides, b->rule_count);
	c->vnet_sides = vnet_sides;
	for (guint r = 0; r < b->rule_count; r++) {
		packed_rules[r] = g_ptr_array_index(rules, r);
		if (packed_rules[r]->access == VS_ACCESS_DENY)
			deny[r / 64] |= (guint64)1 << (r % 64);
	}
	c->deny = deny;
	c->rules = packed_rules;
}

static Compiled *
compile(const VsNsgIndex *index, const GPtrArray *rules, const VsNsg *nsg)
{
	Builder *b = build(index, rules);
	Carver carver = {NULL, 0};
	gpointer allocation;
	Compiled *c;

	for (guint side = 0; side < 2; side++) {
		if (b->asg_sets[side] != NULL && b->asg_sets[side]->len > MAX_COMPILED_ASGS) {
			builder_free(b);
			return NULL; /* scanned */
		}
	}
	pack_into(&carver, b, rules, nsg);
	/* room to align the start to a cache line */
	allocation = g_malloc0(carver.used + 64);
	carver.base = (char *)(((guintptr)allocation + 63) & ~(guintptr)63);
	carver.used = 0;
	pack_into(&carver, b, rules, nsg);
	c = (Compiled *)(void *)carver.base;
	c->allocation = allocation;
	c->bytes = carver.used;
	builder_free(b);
	return c;
}

static void
compiled_free(gpointer data)
{
	Compiled *c = data;

	if (c != NULL)
		g_free(c->allocation);
}

/* ---------------------------------------------------------------- owners */

/* Fibonacci hashing: the top bits of the product, which every bit of the address
 * stirs. */
static guint
owner_hash(const VsNsgIndex *index, VsIp4 address)
{
	return (guint)((address * 0x9e3779b1u) >> index->owner_shift);
}

/* address's slot, or the empty slot where it would go */
static OwnerSlot *
owner_slot(const VsNsgIndex *index, VsIp4 address)
{
	guint at = owner_hash(index, address);

	for (;;) {
		OwnerSlot *slot = &index->owners[at];

		if (slot->nic == NULL || slot->address == address)
			return slot;
		at = (at + 1) & index->owner_mask;
	}
}

/* The table of owners: every private address the model's own index knows, mapped to
 * the NIC it names (the first NIC in load order when two share one), so that lookups
 * here answer exactly as vs_model_find_nic_by_ip. */
static void
build_owners(VsNsgIndex *index)
{
	const VsModel *model = index->model;
	guint capacity = 16, bits = 4, asg_total = 0, next = 0;

	while (capacity < model->nics->len * 2) {
		capacity *= 2;
		bits++;
	}
	index->owner_shift = 32 - bits;
	index->owners = g_new0(OwnerSlot, capacity);
	index->owner_mask = capacity - 1;
	for (guint i = 0; i < model->nics->len; i++)
		asg_total += ((const VsNic *)g_ptr_array_index(model->nics, i))->asgs->len;
	index->asg_ids = g_new(guint32, MAX(asg_total, 1));
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);
		const VsNic *owner = vs_model_find_nic_by_ip(model, nic->private_ip);
		OwnerSlot *slot;

		if (owner == NULL)
			continue;
		slot = owner_slot(index, nic->private_ip);
		if (slot->nic != NULL)
			continue;
		slot->address = nic->private_ip;
		slot->nic = owner;
		slot->asg_ids = index->asg_ids + next;
		slot->asg_count = 0;
		for (guint a = 0; a < owner->asgs->len && next < asg_total; a++) {
			index->asg_ids[next++] =
				((const VsAsg *)g_ptr_array_index(owner->asgs, a))->id;
			slot->asg_count++;
		}
	}
	index->bytes += capacity * sizeof(OwnerSlot) + asg_total * sizeof(guint32);
}

void
vs_nsg_index_owner(const VsNsgIndex *index, VsIp4 address, VsAddressOwner *out)
{
	const OwnerSlot *slot = owner_slot(index, address);

	out->resolved = TRUE;
	if (slot->nic == NULL) {
		out->nic = NULL;
		out->asg_ids = NULL;
		out->asg_count = 0;
		return;
	}
	out->nic = slot->nic;
	out->asg_ids = slot->asg_ids;
	out->asg_count = slot->asg_count;
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
					      ? compile(index, directions[d], nsg)
					      : NULL;

			if (c != NULL)
				index->bytes += c->bytes;
			g_ptr_array_add(index->compiled, c);
		}
	}
	index->hot_lines = g_new0(guint8, MAX(index->compiled->len, 1));
	for (guint slot = 0; slot < index->compiled->len; slot++) {
		const Compiled *c = g_ptr_array_index(index->compiled, slot);

		index->hot_lines[slot] = c != NULL ? (guint8)MIN(c->hot_lines, 16) : 0;
	}
	build_owners(index);
	return index;
}

void
vs_nsg_index_free(VsNsgIndex *index)
{
	if (index == NULL)
		return;
	g_ptr_array_unref(index->compiled);
	g_free(index->owners);
	g_free(index->asg_ids);
	g_free(index->hot_lines);
	g_free(index);
}

gsize
vs_nsg_index_bytes(const VsNsgIndex *index)
{
	return index->bytes;
}

/* ---------------------------------------------------------------- lookups */

/* The bitset of the interval holding value: the last one starting at or below it. */
static const guint64 *
field_set(const Compiled *c, const PackedField *field, guint32 value)
{
	return field->sets +
	       (gsize)vs_block_search(field->summary, field->keys, field->count, value) * c->words;
}

/*
 * The side's ASG entries (bit k: entry k) that name an ASG of the NIC owning
 * address (owner, resolved at most once per packet): their bitsets are ORed
 * into the address table's for that side.  Usually none, and then the
 * address table's bitset is the side's.
 */
static guint64
side_asgs(const VsNsgIndex *index, const Compiled *c, guint side, VsIp4 address,
	  VsAddressOwner *owner)
{
	guint64 entries = 0;

	if (c->asg_count[side] == 0)
		return 0;
	if (!owner->resolved)
		vs_nsg_index_owner(index, address, owner);
	for (guint a = 0; a < owner->asg_count; a++)
		for (guint k = 0; k < c->asg_count[side]; k++)
			if (c->asg_ids[side][k] == owner->asg_ids[a])
				entries |= (guint64)1 << k;
	return entries;
}

/* Word w of a side's bitset: the address table's, with the ASG entries' ORed in. */
static guint64
side_word(const Compiled *c, guint side, const guint64 *set, guint64 entries, guint w)
{
	guint64 word = set[w];

	while (entries != 0) {
		guint k = (guint)__builtin_ctzll(entries);

		entries &= entries - 1;
		word |= c->asg_sets[side][(gsize)k * c->words + w];
	}
	return word;
}

/* A rule with a VirtualNetwork side matched every other field (the AND); its
 * VirtualNetwork sides are checked here, for the subnet being evaluated. */
static gboolean
vnet_sides_match(const VsNsgIndex *index, guint8 sides, const VsSubnet *subnet,
		 const VsPacket *packet)
{
	return (!(sides & 1) || vs_tag_contains(index->tags, VS_TAG_VIRTUAL_NETWORK, NULL, subnet,
						packet->source)) &&
	       (!(sides & 2) || vs_tag_contains(index->tags, VS_TAG_VIRTUAL_NETWORK, NULL, subnet,
						packet->destination));
}

/* The index of the first rule of c that matches packet, or -1. */
static gint
compiled_first_index(const VsNsgIndex *index, const Compiled *c, const VsSubnet *subnet,
		     const VsPacket *packet, VsAddressOwner owners[2])
{
	gboolean has_ports = vs_protocol_has_ports(packet->protocol);
	const guint64 *protocol = c->protocol_sets + (gsize)packet->protocol * c->words;
	const guint64 *source = field_set(c, &c->fields[FIELD_SOURCE], packet->source);
	const guint64 *destination =
		field_set(c, &c->fields[FIELD_DESTINATION], packet->destination);
	guint64 source_asgs = side_asgs(index, c, FIELD_SOURCE, packet->source, &owners[0]);
	guint64 destination_asgs =
		side_asgs(index, c, FIELD_DESTINATION, packet->destination, &owners[1]);
	const guint64 *source_port =
		has_ports ? field_set(c, &c->fields[FIELD_SOURCE_PORT], packet->source_port)
			  : c->portless[0];
	const guint64 *destination_port =
		has_ports
			? field_set(c, &c->fields[FIELD_DESTINATION_PORT], packet->destination_port)
			: c->portless[1];

	for (guint w = 0; w < c->words; w++) {
		guint64 word = protocol[w] & source_port[w] & destination_port[w] &
			       side_word(c, FIELD_SOURCE, source, source_asgs, w) &
			       side_word(c, FIELD_DESTINATION, destination, destination_asgs, w);

		while (word != 0) {
			guint bit = (guint)__builtin_ctzll(word);
			guint r = w * 64 + bit;

			word &= word - 1;
			if (!(c->dynamic[w] >> bit & 1) ||
			    vnet_sides_match(index, c->vnet_sides[r], subnet, packet))
				return (gint)r;
		}
	}
	return -1;
}

static const VsRule *
compiled_first_match(const VsNsgIndex *index, const Compiled *c, const VsSubnet *subnet,
		     const VsPacket *packet, VsAddressOwner owners[2])
{
	gint r = compiled_first_index(index, c, subnet, packet, owners);

	return r >= 0 ? c->rules[r] : NULL;
}

static const Compiled *
compiled_for(const VsNsgIndex *index, const VsNsg *nsg, VsDirection direction)
{
	guint slot = nsg->id * 2 + (direction == VS_DIRECTION_INBOUND ? 0 : 1);
	const Compiled *c;

	if (slot >= index->compiled->len)
		return NULL;
	c = g_ptr_array_index(index->compiled, slot);
	return c != NULL && c->nsg == nsg ? c : NULL;
}

static const VsRule *
owned_first_match(const VsNsgIndex *index, const VsNsg *nsg, VsDirection direction,
		  const VsSubnet *subnet, const VsPacket *packet, VsAddressOwner owners[2])
{
	const Compiled *c = compiled_for(index, nsg, direction);

	if (c == NULL)
		return vs_nsg_first_match(index->tags, nsg, direction, subnet, packet);
	return compiled_first_match(index, c, subnet, packet, owners);
}

const VsRule *
vs_nsg_index_first_match(const VsNsgIndex *index, const VsNsg *nsg, VsDirection direction,
			 const VsSubnet *subnet, const VsPacket *packet)
{
	VsAddressOwner owners[2] = {{0}, {0}};

	return owned_first_match(index, nsg, direction, subnet, packet, owners);
}

VsNsgVerdict
vs_nsg_index_evaluate_nic_owned(const VsNsgIndex *index, const VsNic *nic, VsDirection direction,
				const VsPacket *packet, VsAddressOwner owners[2])
{
	VsNsgVerdict verdict = {VS_ACCESS_ALLOW, NULL};
	const VsNsg *levels[2];
	guint count = vs_nsg_levels(nic, direction, levels);

	/* vs_nsg_combine's loop (the same levels in the same order, a deny ends
	 * evaluation; the differential test compares the two), written out so that a
	 * compiled NSG's answer comes from its tables alone: reading the deciding
	 * rule's access from the rule itself was one more cache miss per NSG */
	for (guint i = 0; i < count; i++) {
		const Compiled *c = compiled_for(index, levels[i], direction);
		gboolean deny;

		if (c != NULL) {
			gint r = compiled_first_index(index, c, nic->subnet, packet, owners);

			if (r < 0)
				continue; /* an unfinished NSG decides nothing */
			verdict.rule = c->rules[r];
			deny = c->deny[r / 64] >> (r % 64) & 1;
		} else {
			const VsRule *rule = vs_nsg_first_match(index->tags, levels[i], direction,
								nic->subnet, packet);

			if (rule == NULL)
				continue;
			verdict.rule = rule;
			deny = rule->access == VS_ACCESS_DENY;
		}
		if (deny) {
			verdict.access = VS_ACCESS_DENY;
			break;
		}
	}
	return verdict;
}

void
vs_nsg_index_prefetch_owner(const VsNsgIndex *index, VsIp4 address)
{
	__builtin_prefetch(&index->owners[owner_hash(index, address)]);
}

void
vs_nsg_index_prefetch(const VsNsgIndex *index, const VsNic *nic, VsDirection direction)
{
	const VsNsg *levels[2];
	guint count = vs_nsg_levels(nic, direction, levels);

	for (guint i = 0; i < count; i++) {
		guint slot = levels[i]->id * 2 + (direction == VS_DIRECTION_INBOUND ? 0 : 1);
		const char *c;

		if (slot >= index->compiled->len ||
		    (c = g_ptr_array_index(index->compiled, slot)) == NULL)
			continue;
		for (guint line = 0; line < index->hot_lines[slot]; line++)
			__builtin_prefetch(c + line * 64);
	}
}

VsNsgVerdict
vs_nsg_index_evaluate_nic(const VsNsgIndex *index, const VsNic *nic, VsDirection direction,
			  const VsPacket *packet)
{
	VsAddressOwner owners[2] = {{0}, {0}};

	return vs_nsg_index_evaluate_nic_owned(index, nic, direction, packet, owners);
}
