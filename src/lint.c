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
 * rule is a union of boxes, one per combination of its protocol range,
 * address intervals and port ranges; ICMP, ESP and AH carry no ports, so their
 * packets sit at port 0 and a rule reaches them only when both its port
 * sides are "*", as nsg.c matches.  Address sides become intervals: prefixes,
 * service tags expanded as nsg.c expands them, ASGs as the addresses of their
 * member NICs.  "Is box B inside the union of boxes C1..Cn" is answered by
 * the classic recursive split: find the first Ck that meets B; if it holds B,
 * yes; else cut B along each dimension at Ck's faces, and ask again for each
 * piece outside Ck with Ck+1..Cn.  A work budget bounds pathological NSGs;
 * when it runs out the rule is not reported (no false warnings).
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

/* ---------------------------------------------------------------- boxes */

enum { DIM_PROTOCOL, DIM_SOURCE, DIM_SOURCE_PORT, DIM_DESTINATION, DIM_DESTINATION_PORT, DIMS };

typedef struct {
	guint64 lo[DIMS];
	guint64 hi[DIMS];
	guint owner; /* index of the rule in the analysed list */
} Box;

typedef struct {
	guint64 lo, hi;
} Span;

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

static gboolean
all_ports(const GArray *ranges)
{
	for (guint i = 0; i < ranges->len; i++)
		if (vs_port_range_is_any(g_array_index(ranges, VsPortRange, i)))
			return TRUE;
	return FALSE;
}

/* Appends the boxes of one rule in the context of subnet. */
static void
rule_boxes(GArray *boxes, const VsTagIndex *tags, const VsRule *rule, const VsSubnet *subnet,
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
	if (!all_ports(rule->source_ports) || !all_ports(rule->destination_ports))
		has_without = FALSE;

	for (guint s = 0; s < sources->len; s++) {
		for (guint d = 0; d < destinations->len; d++) {
			Box box = {.owner = owner};

			box.lo[DIM_SOURCE] = g_array_index(sources, Span, s).lo;
			box.hi[DIM_SOURCE] = g_array_index(sources, Span, s).hi;
			box.lo[DIM_DESTINATION] = g_array_index(destinations, Span, d).lo;
			box.hi[DIM_DESTINATION] = g_array_index(destinations, Span, d).hi;
			if (has_without) {
				box.lo[DIM_PROTOCOL] = without_ports.lo;
				box.hi[DIM_PROTOCOL] = without_ports.hi;
				box.lo[DIM_SOURCE_PORT] = box.lo[DIM_DESTINATION_PORT] = zero.lo;
				box.hi[DIM_SOURCE_PORT] = box.hi[DIM_DESTINATION_PORT] = zero.hi;
				g_array_append_val(boxes, box);
			}
			if (!has_with)
				continue;
			box.lo[DIM_PROTOCOL] = with_ports.lo;
			box.hi[DIM_PROTOCOL] = with_ports.hi;
			for (guint sp = 0; sp < source_ports->len; sp++) {
				for (guint dp = 0; dp < destination_ports->len; dp++) {
					box.lo[DIM_SOURCE_PORT] =
						g_array_index(source_ports, Span, sp).lo;
					box.hi[DIM_SOURCE_PORT] =
						g_array_index(source_ports, Span, sp).hi;
					box.lo[DIM_DESTINATION_PORT] =
						g_array_index(destination_ports, Span, dp).lo;
					box.hi[DIM_DESTINATION_PORT] =
						g_array_index(destination_ports, Span, dp).hi;
					g_array_append_val(boxes, box);
				}
			}
		}
	}
}

static gboolean
boxes_meet(const Box *a, const Box *b)
{
	for (int d = 0; d < DIMS; d++)
		if (a->hi[d] < b->lo[d] || b->hi[d] < a->lo[d])
			return FALSE;
	return TRUE;
}

static gboolean
box_holds(const Box *outer, const Box *inner)
{
	for (int d = 0; d < DIMS; d++)
		if (inner->lo[d] < outer->lo[d] || inner->hi[d] > outer->hi[d])
			return FALSE;
	return TRUE;
}

/* Work budget of one coverage question; beyond it the answer is "not covered". */
#define COVER_BUDGET 200000

/*
 * TRUE when box lies inside the union of cover[from..]; marks in used[] the
 * owners of the boxes that take part.
 */
static gboolean
covered(Box box, const GArray *cover, guint from, gboolean *used, guint *budget)
{
	if (*budget == 0)
		return FALSE;
	(*budget)--;
	for (guint k = from; k < cover->len; k++) {
		const Box *c = &g_array_index(cover, Box, k);

		if (!boxes_meet(&box, c))
			continue;
		used[c->owner] = TRUE;
		if (box_holds(c, &box))
			return TRUE;
		for (int d = 0; d < DIMS; d++) {
			if (box.lo[d] < c->lo[d]) {
				Box piece = box;

				piece.hi[d] = c->lo[d] - 1;
				if (!covered(piece, cover, k + 1, used, budget))
					return FALSE;
				box.lo[d] = c->lo[d];
			}
			if (box.hi[d] > c->hi[d]) {
				Box piece = box;

				piece.lo[d] = c->hi[d] + 1;
				if (!covered(piece, cover, k + 1, used, budget))
					return FALSE;
				box.hi[d] = c->hi[d];
			}
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

/* The boxes of every rule of rules in context subnet: a GPtrArray of GArray of Box, by rule. */
static GPtrArray *
boxes_by_rule(const VsTagIndex *tags, const GPtrArray *rules, const VsSubnet *subnet)
{
	GPtrArray *boxes = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);

	for (guint i = 0; i < rules->len; i++) {
		GArray *own = g_array_new(FALSE, FALSE, sizeof(Box));

		rule_boxes(own, tags, g_ptr_array_index(rules, i), subnet, i);
		g_ptr_array_add(boxes, own);
	}
	return boxes;
}

static gboolean
same_boxes(const GPtrArray *a, const GPtrArray *b)
{
	for (guint i = 0; i < a->len; i++) {
		const GArray *x = g_ptr_array_index(a, i), *y = g_ptr_array_index(b, i);

		if (x->len != y->len)
			return FALSE;
		for (guint k = 0; k < x->len; k++) {
			const Box *p = &g_array_index(x, Box, k), *q = &g_array_index(y, Box, k);

			/* field by field: the struct's padding is not ours to compare */
			if (memcmp(p->lo, q->lo, sizeof(p->lo)) != 0 ||
			    memcmp(p->hi, q->hi, sizeof(p->hi)) != 0 || p->owner != q->owner)
				return FALSE;
		}
	}
	return TRUE;
}

/*
 * TRUE when rule index is shadowed by the rules before it, given every rule's
 * boxes in one context; marks the shadowing rules in used.  Only the earlier
 * boxes that meet a box of the rule can cover any part of it, so coverage is
 * asked of those alone (in rule order, as covered() expects): the same answer
 * as asking of all, without scanning every earlier rule at every step.
 */
static gboolean
shadowed_in(const GPtrArray *boxes, guint index, gboolean *used)
{
	const GArray *own = g_ptr_array_index(boxes, index);
	g_autoptr(GArray) near = g_array_new(FALSE, FALSE, sizeof(Box));
	g_autoptr(GArray) cover = g_array_new(FALSE, FALSE, sizeof(Box));
	guint budget = COVER_BUDGET;
	Box hull;

	if (own->len == 0)
		return FALSE; /* matches nothing at all: not a question of shadowing */
	/* first the earlier boxes that meet the hull of the rule's boxes, in one pass */
	hull = g_array_index(own, Box, 0);
	for (guint b = 1; b < own->len; b++) {
		const Box *box = &g_array_index(own, Box, b);

		for (int d = 0; d < DIMS; d++) {
			hull.lo[d] = MIN(hull.lo[d], box->lo[d]);
			hull.hi[d] = MAX(hull.hi[d], box->hi[d]);
		}
	}
	for (guint i = 0; i < index; i++) {
		const GArray *earlier = g_ptr_array_index(boxes, i);

		for (guint e = 0; e < earlier->len; e++)
			if (boxes_meet(&hull, &g_array_index(earlier, Box, e)))
				g_array_append_val(near, g_array_index(earlier, Box, e));
	}
	for (guint b = 0; b < own->len; b++) {
		const Box *box = &g_array_index(own, Box, b);

		g_array_set_size(cover, 0);
		for (guint e = 0; e < near->len; e++)
			if (boxes_meet(box, &g_array_index(near, Box, e)))
				g_array_append_val(cover, g_array_index(near, Box, e));
		if (!covered(*box, cover, 0, used, &budget))
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
	g_autoptr(GPtrArray) boxes =
		g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; i < rules->len; i++)
		g_ptr_array_add(contents, rule_content(g_ptr_array_index(rules, i)));
	/* each rule's boxes once per context, not once per later rule; contexts in
	 * which every rule has the same boxes (the subnets differ only where no rule
	 * looks: the VirtualNetwork tag is the one thing a context changes) ask the
	 * same question, so only the first of them is kept */
	for (guint c = 0; c < contexts->len && rules->len > 1; c++) {
		GPtrArray *candidate = boxes_by_rule(tags, rules, g_ptr_array_index(contexts, c));
		gboolean seen = FALSE;

		for (guint k = 0; k < boxes->len && !seen; k++)
			seen = same_boxes(g_ptr_array_index(boxes, k), candidate);
		if (seen)
			g_ptr_array_unref(candidate);
		else
			g_ptr_array_add(boxes, candidate);
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
		for (guint c = 0; c < boxes->len && shadowed; c++)
			shadowed = shadowed_in(g_ptr_array_index(boxes, c), i, used);
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
