/*
 * lint.c - warnings about a model that loads but probably does not do what
 * its author meant.
 *
 * DOC: what counts as a warning, and how a shadowed rule is found
 *
 * A warning names a configuration that Azure accepts (or that vnetsim's
 * loader accepts) but that cannot have been meant: a rule that never
 * matches, an object nothing uses, a route whose next hop drops everything, a
 * peering that carries nothing, a peering Azure would refuse, a routing loop.
 * Each sits on the line of the object at fault.  Things that are merely
 * unusual (an NSG with no rules, a subnet without an NSG) are not warnings.
 *
 *   shadowed-rule     higher-priority rules of the same NSG and direction
 *                     together match every packet the rule matches, so it is
 *                     never reached; the warning names those rules.
 *   duplicate-rule    a rule identical to a higher-priority one of the same NSG
 *                     and direction (every field but name, priority and
 *                     description): a special case of shadowing, reported as
 *                     such instead.
 *   unused-nsg        an NSG attached to no subnet and no NIC.
 *   unused-route-table  a route table attached to no subnet.
 *   unused-asg        an ASG that no security rule names (membership alone
 *                     does nothing).
 *   empty-asg         an ASG that rules name but no NIC joins: those rule sides
 *                     match nothing.
 *   appliance-missing a VirtualAppliance route to an address no NIC has.
 *   appliance-no-forwarding  ... to a NIC without enableIpForwarding, which
 *                     drops packets not addressed to it.
 *   one-sided-peering a peering the remote VNet does not declare back
 *                     (Initiated): it carries nothing.
 *   peered-overlap    two peered VNets (either side declaring) whose address
 *                     spaces overlap: Azure refuses such a peering.
 *   route-loop        a subnet's route table sends part of its own VNet's
 *                     space to an appliance inside that same subnet: the
 *                     appliance forwards with the same routes, back to itself.
 *                     Found when the route wins the longest-prefix match of
 *                     the subnet at the first or last address of that space.
 *
 * Shadowing is decided exactly, in the 5-dimensional packet space (protocol,
 * source address, source port, destination address, destination port).  A
 * rule is one or two terms, each a product of one set of intervals per
 * dimension: Tcp/Udp with the rule's port ranges, and ICMP, ESP and AH, which
 * carry no ports, so their packets sit at port 0 and a rule reaches them only
 * when both its port sides are "*", as nsg.c matches.  Address sides become
 * interval sets: prefixes, service tags expanded as nsg.c expands them, ASGs
 * as the addresses of their member NICs.  "Is term T inside the union of
 * terms C1..Cn" is answered by the classic recursive split: find the first Ck
 * that meets T; if it holds T, yes; else, dimension by dimension, ask again
 * for the part of T outside Ck's set (with Ck+1..Cn) and keep the part inside.
 * Sets rather than boxes keep the pieces few: expanding a rule into one box
 * per combination of intervals made a 10,000-VM estate's lint take a minute
 * (NSGs of 90,000 boxes).  A work budget bounds pathological NSGs; when it
 * runs out the rule is not reported (no false warnings).
 * VirtualNetwork differs per subnet, so an NSG is analysed in the context of
 * every subnet it applies to (a NIC's NSG: the NIC's subnet), and a rule is
 * reported only when it is shadowed in all of them.
 */
#include "config.h"

#include "lint.h"

#include <string.h>

#include "nsg.h"
#include "route.h"

static const VsLintCheck checks[] = {
	{VS_LINT_SHADOWED_RULE,
	 "A security rule that never matches: higher-priority rules of its NSG cover all of its "
	 "traffic."},
	{VS_LINT_DUPLICATE_RULE,
	 "A security rule identical to a higher-priority rule of the same NSG and direction."},
	{VS_LINT_UNUSED_NSG, "A network security group attached to no subnet and no NIC."},
	{VS_LINT_UNUSED_ROUTE_TABLE, "A route table attached to no subnet."},
	{VS_LINT_UNUSED_ASG, "An application security group that no security rule names."},
	{VS_LINT_EMPTY_ASG,
	 "An application security group that rules name but no NIC joins: those rules match "
	 "nothing."},
	{VS_LINT_APPLIANCE_MISSING,
	 "A route to a virtual appliance address that no NIC has: the traffic is dropped."},
	{VS_LINT_APPLIANCE_NO_FORWARDING,
	 "A route to a virtual appliance whose NIC lacks enableIpForwarding: the traffic is "
	 "dropped."},
	{VS_LINT_ONE_SIDED_PEERING,
	 "A peering that the remote VNet does not declare back (Initiated): it carries nothing."},
	{VS_LINT_PEERED_OVERLAP, "Peered VNets whose address spaces overlap."},
	{VS_LINT_ROUTE_LOOP,
	 "A route that sends a subnet's own VNet traffic to an appliance in that same subnet: a "
	 "routing loop."},
};

const VsLintCheck *
vs_lint_checks(guint *n_checks)
{
	*n_checks = G_N_ELEMENTS(checks);
	return checks;
}

/* ---------------------------------------------------------------- terms */

enum { DIM_PROTOCOL, DIM_SOURCE, DIM_SOURCE_PORT, DIM_DESTINATION, DIM_DESTINATION_PORT, DIMS };

typedef struct {
	guint64 lo, hi;
} Span;

/*
 * A product of span sets: the packets whose field in each dimension lies in
 * that dimension's set.  A rule is one or two terms (with ports: Tcp and Udp;
 * without: ICMP, ESP and AH), not the product expanded into boxes: a rule
 * naming two ASGs of 200 NICs each and three ports is one term, where it was
 * 120,000 boxes.
 */
typedef struct {
	GArray *sets[DIMS]; /* Span, sorted, disjoint, never touching; shared, never modified */
	guint owner;        /* index of the rule in the analysed list */
} Term;

static void
term_clear(Term *term)
{
	for (int d = 0; d < DIMS; d++)
		g_clear_pointer(&term->sets[d], g_array_unref);
}

static gint
compare_span(gconstpointer a, gconstpointer b)
{
	const Span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sorts and merges touching or overlapping spans in place. */
static void
merge_spans(GArray *spans)
{
	guint kept = 0;

	g_array_sort(spans, compare_span);
	for (guint i = 0; i < spans->len; i++) {
		Span span = g_array_index(spans, Span, i);

		if (kept > 0 && span.lo <= g_array_index(spans, Span, kept - 1).hi + 1) {
			Span *last = &g_array_index(spans, Span, kept - 1);

			last->hi = MAX(last->hi, span.hi);
			continue;
		}
		g_array_index(spans, Span, kept++) = span;
	}
	g_array_set_size(spans, kept);
}

static void
add_prefix_span(GArray *spans, VsPrefix prefix)
{
	Span span = {prefix.addr, vs_prefix_last(prefix)};

	g_array_append_val(spans, span);
}

/* The addresses a rule side matches, as merged spans. */
static GArray *
address_spans(const VsTagIndex *tags, const VsAddressMatch *match, const VsSubnet *subnet)
{
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(Span));

	switch (match->kind) {
	case VS_MATCH_ANY:
		add_prefix_span(spans, (VsPrefix){0, 0});
		break;
	case VS_MATCH_PREFIXES:
		for (guint i = 0; match->prefixes != NULL && i < match->prefixes->len; i++)
			add_prefix_span(spans, g_array_index(match->prefixes, VsPrefix, i));
		break;
	case VS_MATCH_TAG: {
		g_autoptr(GArray) set = vs_tag_expand(tags, match->tag, match->user_tag, subnet);

		for (guint i = 0; i < set->len; i++)
			add_prefix_span(spans, g_array_index(set, VsPrefix, i));
		break;
	}
	case VS_MATCH_ASGS:
	default:
		for (guint a = 0; match->asgs != NULL && a < match->asgs->len; a++) {
			const VsAsg *asg = g_ptr_array_index(match->asgs, a);

			for (guint n = 0; n < asg->nics->len; n++)
				add_prefix_span(
					spans, (VsPrefix){((VsNic *)g_ptr_array_index(asg->nics, n))
								  ->private_ip,
							  32});
		}
		break;
	}
	merge_spans(spans);
	return spans;
}

static GArray *
port_spans(const GArray *ranges)
{
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(Span));

	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);
		Span span = {range.lo, range.hi};

		g_array_append_val(spans, span);
	}
	merge_spans(spans);
	return spans;
}

static GArray *
span_set_of(Span span)
{
	GArray *set = g_array_sized_new(FALSE, FALSE, sizeof(Span), 1);

	g_array_append_val(set, span);
	return set;
}

/* Appends the terms of one rule in the context of subnet (none when it matches nothing). */
static void
rule_terms(GArray *terms, const VsTagIndex *tags, const VsRule *rule, const VsSubnet *subnet,
	   guint owner)
{
	g_autoptr(GArray) sources = address_spans(tags, &rule->source, subnet);
	g_autoptr(GArray) destinations = address_spans(tags, &rule->destination, subnet);
	g_autoptr(GArray) source_ports = port_spans(rule->source_ports);
	g_autoptr(GArray) destination_ports = port_spans(rule->destination_ports);
	const Span zero = {0, 0};
	/* protocol spans with ports (Tcp 1, Udp 2) and without (Icmp 3, Esp 4, Ah 5) */
	Span with_ports = {0, 0}, without_ports = {0, 0};
	gboolean has_with = TRUE, has_without = TRUE;

	switch (rule->protocol) {
	case VS_PROTO_ANY:
		with_ports = (Span){VS_PROTO_TCP, VS_PROTO_UDP};
		without_ports = (Span){VS_PROTO_ICMP, VS_PROTO_AH};
		break;
	case VS_PROTO_TCP:
	case VS_PROTO_UDP:
		with_ports = (Span){rule->protocol, rule->protocol};
		has_without = FALSE;
		break;
	default:
		without_ports = (Span){rule->protocol, rule->protocol};
		has_with = FALSE;
		break;
	}
	if (!vs_port_ranges_include_any(rule->source_ports) ||
	    !vs_port_ranges_include_any(rule->destination_ports))
		has_without = FALSE;
	if (sources->len == 0 || destinations->len == 0)
		return;
	if (has_without) {
		Term term = {.owner = owner};

		term.sets[DIM_PROTOCOL] = span_set_of(without_ports);
		term.sets[DIM_SOURCE] = g_array_ref(sources);
		term.sets[DIM_SOURCE_PORT] = span_set_of(zero);
		term.sets[DIM_DESTINATION] = g_array_ref(destinations);
		term.sets[DIM_DESTINATION_PORT] = span_set_of(zero);
		g_array_append_val(terms, term);
	}
	if (has_with && source_ports->len > 0 && destination_ports->len > 0) {
		Term term = {.owner = owner};

		term.sets[DIM_PROTOCOL] = span_set_of(with_ports);
		term.sets[DIM_SOURCE] = g_array_ref(sources);
		term.sets[DIM_SOURCE_PORT] = g_array_ref(source_ports);
		term.sets[DIM_DESTINATION] = g_array_ref(destinations);
		term.sets[DIM_DESTINATION_PORT] = g_array_ref(destination_ports);
		g_array_append_val(terms, term);
	}
}

/* ------------------------------------------------------- span set algebra */

static gboolean
spans_meet(const GArray *a, const GArray *b)
{
	guint i = 0, j = 0;

	while (i < a->len && j < b->len) {
		const Span *x = &g_array_index(a, Span, i), *y = &g_array_index(b, Span, j);

		if (x->hi < y->lo)
			i++;
		else if (y->hi < x->lo)
			j++;
		else
			return TRUE;
	}
	return FALSE;
}

/* TRUE when a lies inside b: as b's spans never touch, each span of a inside one of them. */
static gboolean
spans_within(const GArray *a, const GArray *b)
{
	guint j = 0;

	for (guint i = 0; i < a->len; i++) {
		const Span *x = &g_array_index(a, Span, i);

		while (j < b->len && g_array_index(b, Span, j).hi < x->lo)
			j++;
		if (j == b->len || g_array_index(b, Span, j).lo > x->lo ||
		    g_array_index(b, Span, j).hi < x->hi)
			return FALSE;
	}
	return TRUE;
}

static GArray *
spans_intersect(const GArray *a, const GArray *b)
{
	GArray *both = g_array_new(FALSE, FALSE, sizeof(Span));
	guint i = 0, j = 0;

	while (i < a->len && j < b->len) {
		const Span *x = &g_array_index(a, Span, i), *y = &g_array_index(b, Span, j);
		Span common = {MAX(x->lo, y->lo), MIN(x->hi, y->hi)};

		if (common.lo <= common.hi)
			g_array_append_val(both, common);
		if (x->hi < y->hi)
			i++;
		else
			j++;
	}
	return both;
}

/* a without b; the pieces of one span of a are split by spans of b, so they never touch. */
static GArray *
spans_minus(const GArray *a, const GArray *b)
{
	GArray *rest = g_array_new(FALSE, FALSE, sizeof(Span));
	guint j = 0;

	for (guint i = 0; i < a->len; i++) {
		Span left = g_array_index(a, Span, i);
		gboolean remains = TRUE;

		while (j < b->len && g_array_index(b, Span, j).hi < left.lo)
			j++;
		for (guint k = j; k < b->len && g_array_index(b, Span, k).lo <= left.hi; k++) {
			const Span *cut = &g_array_index(b, Span, k);

			if (cut->lo > left.lo) {
				Span piece = {left.lo, cut->lo - 1};

				g_array_append_val(rest, piece);
			}
			if (cut->hi >= left.hi) {
				remains = FALSE;
				break;
			}
			left.lo = cut->hi + 1;
		}
		if (remains)
			g_array_append_val(rest, left);
	}
	return rest;
}

static gboolean
terms_meet(GArray *const sets[DIMS], const Term *other)
{
	for (int d = 0; d < DIMS; d++)
		if (!spans_meet(sets[d], other->sets[d]))
			return FALSE;
	return TRUE;
}

/* Work budget of one coverage question; beyond it the answer is "not covered". */
#define COVER_BUDGET 200000

/*
 * TRUE when the product piece lies inside the union of the terms cover[from..];
 * marks in used[] the owners of the terms that take part.
 */
static gboolean
covered(GArray *const piece[DIMS], const GPtrArray *cover, guint from, gboolean *used,
	guint *budget)
{
	if (*budget == 0)
		return FALSE;
	(*budget)--;
	for (guint k = from; k < cover->len; k++) {
		const Term *c = g_ptr_array_index(cover, k);
		g_autoptr(GPtrArray) made = NULL;
		GArray *narrowed[DIMS];

		if (!terms_meet(piece, c))
			continue;
		used[c->owner] = TRUE;
		made = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
		memcpy(narrowed, piece, sizeof(narrowed));
		for (int d = 0; d < DIMS; d++) {
			GArray *outside[DIMS];
			GArray *inside;
			gboolean rest_covered;

			if (spans_within(narrowed[d], c->sets[d]))
				continue;
			memcpy(outside, narrowed, sizeof(outside));
			outside[d] = spans_minus(narrowed[d], c->sets[d]);
			rest_covered = covered(outside, cover, k + 1, used, budget);
			g_array_unref(outside[d]);
			if (!rest_covered)
				return FALSE;
			inside = spans_intersect(narrowed[d], c->sets[d]);
			g_ptr_array_add(made, inside);
			narrowed[d] = inside;
		}
		return TRUE; /* what is left lies inside c */
	}
	return FALSE;
}

/* ---------------------------------------------------------------- rules */

/* Merges spans and appends them to key as "lo-hi," each. */
static void
append_spans(GString *key, GArray *spans)
{
	merge_spans(spans);
	for (guint i = 0; i < spans->len; i++)
		g_string_append_printf(key, "%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ",",
				       g_array_index(spans, Span, i).lo,
				       g_array_index(spans, Span, i).hi);
}

static void
append_match(GString *key, const VsAddressMatch *match)
{
	g_string_append_printf(key, "%d:", match->kind);
	switch (match->kind) {
	case VS_MATCH_PREFIXES: {
		g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(Span));

		for (guint i = 0; match->prefixes != NULL && i < match->prefixes->len; i++)
			add_prefix_span(spans, g_array_index(match->prefixes, VsPrefix, i));
		append_spans(key, spans);
		break;
	}
	case VS_MATCH_TAG:
		g_string_append_printf(key, "%d/%s", match->tag,
				       match->user_tag != NULL ? match->user_tag->name : "");
		break;
	case VS_MATCH_ASGS: {
		g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(Span));

		for (guint i = 0; match->asgs != NULL && i < match->asgs->len; i++) {
			guint id = ((VsAsg *)g_ptr_array_index(match->asgs, i))->id;
			Span span = {id, id};

			g_array_append_val(ids, span);
		}
		append_spans(key, ids);
		break;
	}
	case VS_MATCH_ANY:
	default:
		break;
	}
	g_string_append_c(key, '|');
}

static void
append_ports(GString *key, const GArray *ranges)
{
	g_autoptr(GArray) spans = port_spans(ranges);

	for (guint i = 0; i < spans->len; i++)
		g_string_append_printf(key, "%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ",",
				       g_array_index(spans, Span, i).lo,
				       g_array_index(spans, Span, i).hi);
	g_string_append_c(key, '|');
}

/* Everything that decides what a rule does, but not its name, priority or description. */
static char *
rule_content(const VsRule *rule)
{
	GString *key = g_string_new(NULL);

	g_string_append_printf(key, "%d|%d|%d|", rule->direction, rule->access, rule->protocol);
	append_match(key, &rule->source);
	append_ports(key, rule->source_ports);
	append_match(key, &rule->destination);
	append_ports(key, rule->destination_ports);
	return g_string_free(key, FALSE);
}

static char *
rule_path(const VsRule *rule)
{
	return g_strdup_printf("networkSecurityGroups[%s].securityRules[%s]", rule->nsg->name,
			       rule->name);
}

static char *
pos_text(VsPos pos)
{
	if (pos.file == NULL || pos.line == 0)
		return g_strdup("");
	return g_strdup_printf(", %s:%u", pos.file, pos.line);
}

/* The subnets whose VirtualNetwork tag applies to nsg; NULL alone when it is unused. */
static GPtrArray *
nsg_contexts(const VsModel *model, const VsNsg *nsg)
{
	GPtrArray *contexts = g_ptr_array_new();

	for (guint i = 0; i < model->subnets->len; i++) {
		VsSubnet *subnet = g_ptr_array_index(model->subnets, i);

		if (subnet->nsg == nsg)
			g_ptr_array_add(contexts, subnet);
	}
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);
		gboolean known = FALSE;

		if (nic->nsg != nsg)
			continue;
		for (guint c = 0; c < contexts->len && !known; c++)
			known = g_ptr_array_index(contexts, c) == nic->subnet;
		if (!known)
			g_ptr_array_add(contexts, nic->subnet);
	}
	if (contexts->len == 0)
		g_ptr_array_add(contexts, NULL);
	return contexts;
}

/* The user rules of one direction in priority order (defaults come last and never shadow). */
static GPtrArray *
user_rules(const VsNsg *nsg, VsDirection direction)
{
	const GPtrArray *ordered = direction == VS_DIRECTION_INBOUND ? nsg->inbound : nsg->outbound;
	GPtrArray *rules = g_ptr_array_new();

	for (guint i = 0; i < ordered->len; i++) {
		VsRule *rule = g_ptr_array_index(ordered, i);

		if (!rule->is_default)
			g_ptr_array_add(rules, rule);
	}
	return rules;
}

/* The terms of every rule of rules in context subnet: a GPtrArray of GArray of Term, by rule. */
static GPtrArray *
terms_by_rule(const VsTagIndex *tags, const GPtrArray *rules, const VsSubnet *subnet)
{
	GPtrArray *terms = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);

	for (guint i = 0; i < rules->len; i++) {
		GArray *own = g_array_new(FALSE, FALSE, sizeof(Term));

		g_array_set_clear_func(own, (GDestroyNotify)term_clear);
		rule_terms(own, tags, g_ptr_array_index(rules, i), subnet, i);
		g_ptr_array_add(terms, own);
	}
	return terms;
}

static gboolean
same_spans(const GArray *a, const GArray *b)
{
	return a->len == b->len &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len * sizeof(Span)) == 0);
}

static gboolean
same_terms(const GPtrArray *a, const GPtrArray *b)
{
	for (guint i = 0; i < a->len; i++) {
		const GArray *x = g_ptr_array_index(a, i), *y = g_ptr_array_index(b, i);

		if (x->len != y->len)
			return FALSE;
		for (guint k = 0; k < x->len; k++) {
			const Term *p = &g_array_index(x, Term, k), *q = &g_array_index(y, Term, k);

			for (int d = 0; d < DIMS; d++)
				if (!same_spans(p->sets[d], q->sets[d]))
					return FALSE;
		}
	}
	return TRUE;
}

/*
 * TRUE when rule index is shadowed by the rules before it, given every rule's
 * terms in one context; marks the shadowing rules in used.  Only the earlier
 * terms that meet a term of the rule can cover any part of it, so coverage is
 * asked of those alone (in rule order, as covered() expects).
 */
static gboolean
shadowed_in(const GPtrArray *terms, guint index, gboolean *used)
{
	const GArray *own = g_ptr_array_index(terms, index);
	g_autoptr(GPtrArray) cover = g_ptr_array_new();
	guint budget = COVER_BUDGET;

	if (own->len == 0)
		return FALSE; /* matches nothing at all: not a question of shadowing */
	for (guint t = 0; t < own->len; t++) {
		const Term *term = &g_array_index(own, Term, t);

		g_ptr_array_set_size(cover, 0);
		for (guint i = 0; i < index; i++) {
			GArray *earlier = g_ptr_array_index(terms, i);

			for (guint e = 0; e < earlier->len; e++)
				if (terms_meet(term->sets, &g_array_index(earlier, Term, e)))
					g_ptr_array_add(cover, &g_array_index(earlier, Term, e));
		}
		if (!covered(term->sets, cover, 0, used, &budget))
			return FALSE;
	}
	return TRUE;
}

static void
lint_rules_of(const VsModel *model, const VsTagIndex *tags, const VsNsg *nsg, VsDirection direction,
	      VsDiagList *diags)
{
	g_autoptr(GPtrArray) rules = user_rules(nsg, direction);
	g_autoptr(GPtrArray) contexts = nsg_contexts(model, nsg);
	g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) terms =
		g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; i < rules->len; i++)
		g_ptr_array_add(contents, rule_content(g_ptr_array_index(rules, i)));
	/* each rule's terms once per context, not once per later rule; contexts in
	 * which every rule has the same terms (the subnets differ only where no rule
	 * looks: the VirtualNetwork tag is the one thing a context changes) ask the
	 * same question, so only the first of them is kept */
	for (guint c = 0; c < contexts->len && rules->len > 1; c++) {
		GPtrArray *candidate = terms_by_rule(tags, rules, g_ptr_array_index(contexts, c));
		gboolean seen = FALSE;

		for (guint k = 0; k < terms->len && !seen; k++)
			seen = same_terms(g_ptr_array_index(terms, k), candidate);
		if (seen)
			g_ptr_array_unref(candidate);
		else
			g_ptr_array_add(terms, candidate);
	}
	for (guint i = 0; i < rules->len; i++) {
		const VsRule *rule = g_ptr_array_index(rules, i);
		g_autofree char *path = rule_path(rule);
		g_autofree gboolean *used = g_new0(gboolean, rules->len);
		g_autoptr(GString) names = NULL;
		gboolean shadowed = TRUE, duplicate = FALSE;

		for (guint j = 0; j < i && !duplicate; j++) {
			const VsRule *earlier = g_ptr_array_index(rules, j);
			g_autofree char *where = NULL;

			if (strcmp(g_ptr_array_index(contents, i),
				   g_ptr_array_index(contents, j)) != 0)
				continue;
			duplicate = TRUE;
			where = pos_text(earlier->pos);
			vs_diag_add(diags, VS_SEVERITY_WARNING, rule->pos, path,
				    VS_LINT_DUPLICATE_RULE,
				    "rule '%s' (priority %u) is identical to rule '%s' (priority "
				    "%u%s) of the same NSG: it never matches",
				    rule->name, rule->priority, earlier->name, earlier->priority,
				    where);
		}
		if (duplicate || i == 0)
			continue;
		for (guint c = 0; c < terms->len && shadowed; c++)
			shadowed = shadowed_in(g_ptr_array_index(terms, c), i, used);
		if (!shadowed)
			continue;
		names = g_string_new(NULL);
		for (guint j = 0; j < i; j++) {
			const VsRule *earlier = g_ptr_array_index(rules, j);

			if (used[j])
				g_string_append_printf(names, "%s'%s' (priority %u)",
						       names->len > 0 ? ", " : "", earlier->name,
						       earlier->priority);
		}
		vs_diag_add(diags, VS_SEVERITY_WARNING, rule->pos, path, VS_LINT_SHADOWED_RULE,
			    "rule '%s' (priority %u) never matches: higher-priority %s %s cover "
			    "all of its traffic",
			    rule->name, rule->priority, strchr(names->str, ',') ? "rules" : "rule",
			    names->str);
	}
}

static void
lint_rules(const VsModel *model, VsDiagList *diags)
{
	g_autoptr(VsTagIndex) tags = vs_tag_index_new(model);

	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);

		lint_rules_of(model, tags, nsg, VS_DIRECTION_INBOUND, diags);
		lint_rules_of(model, tags, nsg, VS_DIRECTION_OUTBOUND, diags);
	}
}

/* ---------------------------------------------------------------- unused objects */

static gboolean
side_names_asg(const VsAddressMatch *match, const VsAsg *asg)
{
	for (guint i = 0;
	     match->kind == VS_MATCH_ASGS && match->asgs != NULL && i < match->asgs->len; i++)
		if (g_ptr_array_index(match->asgs, i) == asg)
			return TRUE;
	return FALSE;
}

static gboolean
rules_name_asg(const VsModel *model, const VsAsg *asg)
{
	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);

		for (guint r = 0; r < nsg->rules->len; r++) {
			const VsRule *rule = g_ptr_array_index(nsg->rules, r);

			if (side_names_asg(&rule->source, asg) ||
			    side_names_asg(&rule->destination, asg))
				return TRUE;
		}
	}
	return FALSE;
}

static void
lint_unused(const VsModel *model, VsDiagList *diags)
{
	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);
		gboolean used = FALSE;
		g_autofree char *path = g_strdup_printf("networkSecurityGroups[%s]", nsg->name);

		for (guint s = 0; s < model->subnets->len && !used; s++)
			used = ((VsSubnet *)g_ptr_array_index(model->subnets, s))->nsg == nsg;
		for (guint n = 0; n < model->nics->len && !used; n++)
			used = ((VsNic *)g_ptr_array_index(model->nics, n))->nsg == nsg;
		if (!used)
			vs_diag_add(diags, VS_SEVERITY_WARNING, nsg->pos, path, VS_LINT_UNUSED_NSG,
				    "NSG '%s' is attached to no subnet and no NIC: its rules "
				    "apply nowhere",
				    nsg->name);
	}
	for (guint i = 0; i < model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(model->route_tables, i);
		gboolean used = FALSE;
		g_autofree char *path = g_strdup_printf("routeTables[%s]", table->name);

		for (guint s = 0; s < model->subnets->len && !used; s++)
			used = ((VsSubnet *)g_ptr_array_index(model->subnets, s))->route_table ==
			       table;
		if (!used)
			vs_diag_add(diags, VS_SEVERITY_WARNING, table->pos, path,
				    VS_LINT_UNUSED_ROUTE_TABLE,
				    "route table '%s' is attached to no subnet: its routes apply "
				    "nowhere",
				    table->name);
	}
	for (guint i = 0; i < model->asgs->len; i++) {
		const VsAsg *asg = g_ptr_array_index(model->asgs, i);
		g_autofree char *path = g_strdup_printf("applicationSecurityGroups[%s]", asg->name);

		if (!rules_name_asg(model, asg))
			vs_diag_add(diags, VS_SEVERITY_WARNING, asg->pos, path, VS_LINT_UNUSED_ASG,
				    "application security group '%s' is named by no security "
				    "rule: membership in it has no effect",
				    asg->name);
		else if (asg->nics->len == 0)
			vs_diag_add(diags, VS_SEVERITY_WARNING, asg->pos, path, VS_LINT_EMPTY_ASG,
				    "application security group '%s' has no member NIC: the rule "
				    "sides that name it match nothing",
				    asg->name);
	}
}

/* ---------------------------------------------------------------- routes and peerings */

static void
lint_appliances(const VsModel *model, VsDiagList *diags)
{
	for (guint i = 0; i < model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(model->route_tables, i);

		for (guint r = 0; r < table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(table->routes, r);
			g_autofree char *path = NULL;
			const VsNic *nic;
			char prefix[19], ip[16];
			const char *sends; /* the prefix, or the service tag */

			/* a service tag's route once, as written */
			if (route->next_hop_type != VS_NEXT_HOP_VIRTUAL_APPLIANCE ||
			    !route->has_next_hop_ip || route->expanded_from != NULL)
				continue;
			path = g_strdup_printf("routeTables[%s].routes[%s]", table->name,
					       route->name);
			sends = route->service_tag != NULL
					? route->service_tag->name
					: vs_prefix_format(route->prefix, prefix);
			vs_ip4_format(route->next_hop_ip, ip);
			nic = vs_model_find_nic_by_ip(model, route->next_hop_ip);
			if (nic == NULL)
				vs_diag_add(
					diags, VS_SEVERITY_WARNING, route->pos, path,
					VS_LINT_APPLIANCE_MISSING,
					"route '%s' sends %s to the virtual appliance %s, but no "
					"NIC has that address: Azure drops the traffic",
					route->name, sends, ip);
			else if (!nic->ip_forwarding)
				vs_diag_add(diags, VS_SEVERITY_WARNING, route->pos, path,
					    VS_LINT_APPLIANCE_NO_FORWARDING,
					    "route '%s' sends %s to %s (NIC %s of VM %s), which "
					    "lacks enableIpForwarding: Azure drops the traffic",
					    route->name, sends, ip, nic->name,
					    nic->vm != NULL ? nic->vm->name : "?");
		}
	}
}

static void
lint_peerings(const VsModel *model, VsDiagList *diags)
{
	g_autoptr(GHashTable) reported =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < model->vnets->len; i++) {
		const VsVnet *vnet = g_ptr_array_index(model->vnets, i);

		for (guint p = 0; p < vnet->peerings->len; p++) {
			const VsPeering *peering = g_ptr_array_index(vnet->peerings, p);
			g_autofree char *path = NULL;
			g_autofree char *pair = NULL;

			if (peering->remote == NULL)
				continue;
			path = g_strdup_printf("vnets[%s].peerings[%s]", vnet->name,
					       peering->remote->name);
			if (peering->state == VS_PEERING_INITIATED)
				vs_diag_add(
					diags, VS_SEVERITY_WARNING, peering->pos, path,
					VS_LINT_ONE_SIDED_PEERING,
					"the peering from '%s' to '%s' is one-sided (Initiated): "
					"'%s' declares no peering back, so it carries no traffic",
					vnet->name, peering->remote->name, peering->remote->name);
			pair = vnet->id < peering->remote->id
				       ? g_strdup_printf("%u/%u", vnet->id, peering->remote->id)
				       : g_strdup_printf("%u/%u", peering->remote->id, vnet->id);
			if (g_hash_table_contains(reported, pair))
				continue;
			for (guint a = 0; a < vnet->address_space->len; a++) {
				VsPrefix mine = g_array_index(vnet->address_space, VsPrefix, a);

				for (guint b = 0; b < peering->remote->address_space->len; b++) {
					VsPrefix theirs = g_array_index(
						peering->remote->address_space, VsPrefix, b);
					char x[19], y[19];

					if (!vs_prefix_overlaps(mine, theirs) ||
					    g_hash_table_contains(reported, pair))
						continue;
					g_hash_table_add(reported, g_strdup(pair));
					vs_diag_add(
						diags, VS_SEVERITY_WARNING, peering->pos, path,
						VS_LINT_PEERED_OVERLAP,
						"VNets '%s' and '%s' are peered but their address "
						"spaces overlap (%s and %s): Azure refuses such a "
						"peering",
						vnet->name, peering->remote->name,
						vs_prefix_format(mine, x),
						vs_prefix_format(theirs, y));
				}
			}
		}
	}
}

static void
lint_loops(const VsModel *model, VsDiagList *diags)
{
	g_autoptr(VsRouteIndex) routes = vs_route_index_new(model);

	for (guint i = 0; i < model->subnets->len; i++) {
		const VsSubnet *subnet = g_ptr_array_index(model->subnets, i);
		const VsRouteTable *table = subnet->route_table;

		for (guint r = 0; table != NULL && r < table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(table->routes, r);
			const VsNic *appliance;

			if (route->next_hop_type != VS_NEXT_HOP_VIRTUAL_APPLIANCE ||
			    !route->has_next_hop_ip ||
			    !vs_prefix_contains_ip(subnet->prefix, route->next_hop_ip))
				continue;
			appliance = vs_model_find_nic_by_ip(model, route->next_hop_ip);
			if (appliance == NULL || !appliance->ip_forwarding)
				continue; /* dropped, not looped: the appliance checks say so */
			for (guint a = 0; a < subnet->vnet->address_space->len; a++) {
				VsPrefix space =
					g_array_index(subnet->vnet->address_space, VsPrefix, a);
				VsPrefix both =
					route->prefix.len > space.len ? route->prefix : space;
				const VsEffectiveRoute *first, *last;
				g_autofree char *path = NULL;
				char prefix[19], ip[16];

				if (!vs_prefix_overlaps(route->prefix, space))
					continue;
				first = vs_route_lookup(routes, subnet, both.addr);
				last = vs_route_lookup(routes, subnet, vs_prefix_last(both));
				if ((first == NULL || first->user_route != route) &&
				    (last == NULL || last->user_route != route))
					continue;
				path = g_strdup_printf("routeTables[%s].routes[%s]", table->name,
						       route->name);
				vs_diag_add(
					diags, VS_SEVERITY_WARNING, route->pos, path,
					VS_LINT_ROUTE_LOOP,
					"route '%s' sends %s, traffic of subnet %s's own VNet, to "
					"%s (NIC %s), an appliance in that same subnet: the "
					"appliance forwards with the same routes, back to itself "
					"(a routing loop)",
					route->name, vs_prefix_format(route->prefix, prefix),
					subnet->path, vs_ip4_format(route->next_hop_ip, ip),
					appliance->name);
				break;
			}
		}
	}
}

void
vs_lint_model(const VsModel *model, VsDiagList *diags)
{
	lint_rules(model, diags);
	lint_unused(model, diags);
	lint_appliances(model, diags);
	lint_peerings(model, diags);
	lint_loops(model, diags);
}
