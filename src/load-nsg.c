/*
 * load-nsg.c - reads networkSecurityGroups[] (each rule's two sides in their
 * singular, plural or ASG form, ports, priorities unique per direction),
 * applicationSecurityGroups[] and serviceTags.
 */
#include "config.h"

#include <string.h>

#include "load-sections.h"
#include "load-value.h"

/* ---------------------------------------------------------------- NSGs */

typedef struct {
	guint given;          /* SIDE_* bits */
	VsPos given_pos[3];   /* where each form was given */
	gboolean ports;       /* a port key was given */
	const char *port_key; /* which */
} Side;

enum { SIDE_PREFIX, SIDE_PREFIXES, SIDE_ASGS };

typedef struct {
	MapState map;
	VsRule *rule;
	Side side[2]; /* source, destination */
	VsPos priority_pos;
	gboolean has_priority;
	gboolean has_direction;
} RuleState;

/* A rule that has a priority and a direction, for the priority check. */
typedef struct {
	const VsRule *rule;
	guint line; /* of its priority */
} PriorityUse;

/* A priority used again: b's, at where, is the one reported. */
typedef struct {
	const VsRule *a, *b;
	guint a_line, b_line;
	Where *where;
} Duplicate;

typedef struct {
	MapState map;
	VsNsg *nsg;
	GArray *duplicates; /* Duplicate, NULL until one is found */
} NsgState;

static const char *const side_keys[2][3] = {
	{"sourceAddressPrefix", "sourceAddressPrefixes", "sourceApplicationSecurityGroups"},
	{"destinationAddressPrefix", "destinationAddressPrefixes",
	 "destinationApplicationSecurityGroups"},
};

static VsAddressMatch *
side_match(RuleState *s, guint side)
{
	return side == 0 ? &s->rule->source : &s->rule->destination;
}

/* Records that a form of a side was given; FALSE (after an error) if another was too. */
static gboolean
claim_side(Loader *ld, RuleState *s, guint side, guint form, const VsYcurEvent *event)
{
	Side *sd = &s->side[side];

	for (guint other = 0; other < 3; other++) {
		if (!(sd->given & (1u << other)))
			continue;
		if ((other == SIDE_ASGS) != (form == SIDE_ASGS))
			vs_load_error_event(
				ld, event, "mixed-side",
				"'%s' and '%s' both given; one side of a rule takes either "
				"addresses or application security groups, not both",
				side_keys[side][other], side_keys[side][form]);
		else
			vs_load_error_event(ld, event, "singular-and-plural",
					    "'%s' and '%s' both given; use one of them",
					    side_keys[side][other], side_keys[side][form]);
		vs_load_skip(ld, event);
		return FALSE;
	}
	sd->given |= 1u << form;
	sd->given_pos[form] = vs_load_pos(ld, event);
	return TRUE;
}

static void
side_prefix(Loader *ld, RuleState *s, guint side, const VsYcurEvent *event)
{
	VsAddressMatch *match = side_match(s, side);
	const char *text;

	if (!claim_side(ld, s, side, SIDE_PREFIX, event))
		return;
	text = vs_load_scalar(ld, event, "an address, a prefix, * or a service tag");
	if (text == NULL)
		return;
	match->text = g_strdup(text);
	if (vs_load_is_any_word(text)) {
		match->kind = VS_MATCH_ANY;
	} else if (vs_load_builtin_tag(text, &match->tag)) {
		match->kind = VS_MATCH_TAG;
	} else if (g_ascii_isdigit(text[0])) {
		VsPrefix prefix;

		if (!vs_load_read_prefix(ld, event, &prefix))
			return;
		if (prefix.len == 0) {
			match->kind = VS_MATCH_ANY;
			return;
		}
		match->kind = VS_MATCH_PREFIXES;
		g_array_set_size(ld->scratch_prefixes, 0);
		g_array_append_val(ld->scratch_prefixes, prefix);
		match->prefixes = vs_load_share_prefixes(ld, ld->scratch_prefixes);
	} else {
		/* a tag of the model's serviceTags, resolved once every file is read */
		match->kind = VS_MATCH_TAG;
		match->tag = VS_TAG_USER;
		vs_load_add_ref(ld, REF_RULE_TAG, event, match, NULL, NULL);
	}
}

typedef struct {
	VsAddressMatch *match;
	GArray *prefixes; /* the loader's scratch array, then shared */
	GString *text;    /* the loader's scratch text, then copied */
	const char *key;
	guint count; /* elements, valid or not */
} PluralState;

static void
item_plural_prefix(Loader *ld, void *parent, const VsYcurEvent *event)
{
	PluralState *ps = parent;
	VsPrefix prefix;

	ps->count++;
	if (event->kind == VS_YCUR_SCALAR && !vs_load_is_null(event) &&
	    !g_ascii_isdigit(event->value[0])) {
		vs_load_error_event(
			ld, event, "tag-in-plural",
			"'%s' is not allowed in %s: Azure takes only addresses and prefixes in "
			"the plural form (SecurityRuleParameterContainsUnsupportedValue); put a "
			"service tag or * in the singular key",
			event->value, ps->key);
		return;
	}
	if (!vs_load_read_prefix(ld, event, &prefix))
		return;
	g_array_append_val(ps->prefixes, prefix);
	if (ps->text->len > 0)
		g_string_append(ps->text, ", ");
	g_string_append_len(ps->text, event->value, (gssize)event->length);
}

static void
side_prefixes(Loader *ld, RuleState *s, guint side, const VsYcurEvent *event)
{
	VsAddressMatch *match = side_match(s, side);
	PluralState ps = {match, ld->scratch_prefixes, ld->scratch_text,
			  side_keys[side][SIDE_PREFIXES], 0};

	if (!claim_side(ld, s, side, SIDE_PREFIXES, event))
		return;
	if (event->kind != VS_YCUR_SEQUENCE_START) {
		vs_load_type_error(ld, event, "a list of addresses or prefixes");
		return;
	}
	match->kind = VS_MATCH_PREFIXES;
	g_array_set_size(ps.prefixes, 0);
	g_string_truncate(ps.text, 0);
	vs_load_parse_list(ld, event, "a list of addresses or prefixes", "prefix", KIND_OTHER,
			   item_plural_prefix, &ps);
	match->prefixes = vs_load_share_prefixes(ld, ps.prefixes);
	match->text = g_strndup(ps.text->str, ps.text->len);
	if (ps.count == 0 && !ld->fatal)
		vs_load_error_event(ld, event, "empty", "expected at least one address or prefix");
}

static void
item_rule_asg(Loader *ld, void *parent, const VsYcurEvent *event)
{
	PluralState *ps = parent;

	ps->count++;
	if (vs_load_scalar(ld, event, "an application security group name") == NULL)
		return;
	vs_load_add_ref(ld, REF_RULE_ASG, event, ps->match, NULL, NULL);
	if (ps->text->len > 0)
		g_string_append(ps->text, ", ");
	g_string_append_len(ps->text, event->value, (gssize)event->length);
}

static void
side_asgs(Loader *ld, RuleState *s, guint side, const VsYcurEvent *event)
{
	VsAddressMatch *match = side_match(s, side);
	PluralState ps = {match, NULL, ld->scratch_text, side_keys[side][SIDE_ASGS], 0};

	if (!claim_side(ld, s, side, SIDE_ASGS, event))
		return;
	if (event->kind != VS_YCUR_SEQUENCE_START) {
		vs_load_type_error(ld, event, "a list of application security group names");
		return;
	}
	match->kind = VS_MATCH_ASGS;
	match->asgs = g_ptr_array_new();
	g_string_truncate(ps.text, 0);
	vs_load_parse_list(ld, event, "a list of application security group names", "asg",
			   KIND_OTHER, item_rule_asg, &ps);
	if (ps.count == 0 && !ld->fatal)
		vs_load_error_event(ld, event, "empty",
				    "expected at least one application security group");
	match->text = g_strndup(ps.text->str, ps.text->len);
}

static void
side_ports(Loader *ld, RuleState *s, guint side, gboolean plural, const VsYcurEvent *event)
{
	static const char *const keys[2][2] = {{"sourcePortRange", "sourcePortRanges"},
					       {"destinationPortRange", "destinationPortRanges"}};
	GArray **slot = side == 0 ? &s->rule->source_ports : &s->rule->destination_ports;
	GArray *ports = ld->scratch_ports;
	Side *sd = &s->side[side];

	if (sd->ports) {
		vs_load_error_event(ld, event, "singular-and-plural",
				    "'%s' and '%s' both given; use one of them", sd->port_key,
				    keys[side][plural]);
		vs_load_skip(ld, event);
		return;
	}
	sd->ports = TRUE;
	sd->port_key = keys[side][plural];
	g_array_set_size(ports, 0);
	if (!plural) {
		vs_load_item_port(ld, ports, event);
	} else if (event->kind != VS_YCUR_SEQUENCE_START) {
		vs_load_type_error(ld, event, "a list of ports such as [\"80\", \"8000-8080\"]");
	} else {
		vs_load_parse_list(ld, event, "a list of ports", "port", KIND_OTHER,
				   vs_load_item_port, ports);
		if (ports->len == 0 && !ld->fatal)
			vs_load_error_event(ld, event, "empty",
					    "expected at least one port or range");
	}
	/* read into the loader's scratch array, then shared (vs_load_share_ports) */
	g_array_unref(*slot);
	*slot = vs_load_share_ports(ld, ports);
}

#define RULE_SIDE(func, call)                                                                      \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		call;                                                                              \
	}
RULE_SIDE(key_rule_src_prefix, side_prefix(ld, state, 0, event))
RULE_SIDE(key_rule_src_prefixes, side_prefixes(ld, state, 0, event))
RULE_SIDE(key_rule_src_asgs, side_asgs(ld, state, 0, event))
RULE_SIDE(key_rule_dst_prefix, side_prefix(ld, state, 1, event))
RULE_SIDE(key_rule_dst_prefixes, side_prefixes(ld, state, 1, event))
RULE_SIDE(key_rule_dst_asgs, side_asgs(ld, state, 1, event))
RULE_SIDE(key_rule_src_port, side_ports(ld, state, 0, FALSE, event))
RULE_SIDE(key_rule_src_ports, side_ports(ld, state, 0, TRUE, event))
RULE_SIDE(key_rule_dst_port, side_ports(ld, state, 1, FALSE, event))
RULE_SIDE(key_rule_dst_ports, side_ports(ld, state, 1, TRUE, event))

static void
key_rule_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_name_into(ld, event, &((RuleState *)state)->rule->name);
}

static void
key_rule_priority(Loader *ld, void *state, const VsYcurEvent *event)
{
	RuleState *s = state;

	if (vs_load_read_uint(ld, event, 100, 4096, &s->rule->priority)) {
		s->has_priority = TRUE;
		s->priority_pos = vs_load_pos(ld, event);
	}
}

static void
key_rule_direction(Loader *ld, void *state, const VsYcurEvent *event)
{
	static const char *const names[] = {"Inbound", "Outbound", NULL};
	static const int values[] = {VS_DIRECTION_INBOUND, VS_DIRECTION_OUTBOUND};
	RuleState *s = state;
	int value;

	if (vs_load_read_enum(ld, event, names, values, &value)) {
		s->rule->direction = (VsDirection)value;
		s->has_direction = TRUE;
	}
}

static void
key_rule_access(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_access(ld, event, &((RuleState *)state)->rule->access);
}

static void
key_rule_protocol(Loader *ld, void *state, const VsYcurEvent *event)
{
	RuleState *s = state;
	const char *text = vs_load_scalar(ld, event, "a protocol");

	if (text != NULL && !vs_protocol_parse(text, &s->rule->protocol))
		vs_load_error_event(ld, event, "enum",
				    "'%s' is not valid; expected Tcp, Udp, Icmp, Esp, Ah or *",
				    text);
}

static void
key_rule_description(Loader *ld, void *state, const VsYcurEvent *event)
{
	RuleState *s = state;
	const char *text = vs_load_scalar(ld, event, "a description");

	if (text == NULL)
		return;
	if (g_utf8_strlen(text, -1) > VS_LOAD_MAX_DESCRIPTION) {
		vs_load_error_event(ld, event, "too-long",
				    "description is %ld characters long; Azure allows at most %d",
				    g_utf8_strlen(text, -1), VS_LOAD_MAX_DESCRIPTION);
		return;
	}
	vs_load_replace_name(&s->rule->description, text);
}

static const KeyDef rule_keys[] = {
	{"name", key_rule_name, TRUE},
	{"priority", key_rule_priority, TRUE},
	{"direction", key_rule_direction, TRUE},
	{"access", key_rule_access, TRUE},
	{"protocol", key_rule_protocol, TRUE},
	{"sourceAddressPrefix", key_rule_src_prefix, FALSE},
	{"sourceAddressPrefixes", key_rule_src_prefixes, FALSE},
	{"sourceApplicationSecurityGroups", key_rule_src_asgs, FALSE},
	{"sourcePortRange", key_rule_src_port, FALSE},
	{"sourcePortRanges", key_rule_src_ports, FALSE},
	{"destinationAddressPrefix", key_rule_dst_prefix, FALSE},
	{"destinationAddressPrefixes", key_rule_dst_prefixes, FALSE},
	{"destinationApplicationSecurityGroups", key_rule_dst_asgs, FALSE},
	{"destinationPortRange", key_rule_dst_port, FALSE},
	{"destinationPortRanges", key_rule_dst_ports, FALSE},
	{"description", key_rule_description, FALSE},
};
static const MapDef rule_map = {"securityRule", TRUE, rule_keys, G_N_ELEMENTS(rule_keys)};

/*
 * Priorities are unique per direction within an NSG.  Each rule is checked
 * against the last rule before it with the same direction and priority as
 * soon as it is read, so only a rule that repeats one needs a Where; the
 * errors wait for the end of the NSG (none if the file became unreadable).
 */
#define MAX_PRIORITY 4096

static void
note_priority(Loader *ld, NsgState *ns, const RuleState *s)
{
	guint64 *last = &ld->priority_last[s->rule->direction * (MAX_PRIORITY + 1) +
					   MIN(s->rule->priority, MAX_PRIORITY)];
	guint64 generation = (guint64)ld->nsg_generation << 32;
	PriorityUse use = {s->rule, s->priority_pos.line};

	if ((*last & ~(guint64)G_MAXUINT32) == generation) {
		const PriorityUse *a =
			&g_array_index(ld->priority_uses, PriorityUse, (guint)*last - 1);
		Duplicate duplicate = {a->rule, s->rule, a->line, use.line,
				       vs_load_where_local(ld, "priority", s->priority_pos)};

		if (ns->duplicates == NULL)
			ns->duplicates = g_array_new(FALSE, FALSE, sizeof(Duplicate));
		g_array_append_val(ns->duplicates, duplicate);
	}
	g_array_append_val(ld->priority_uses, use);
	*last = generation | ld->priority_uses->len;
}

/* Rule names are unique within an NSG: "duplicate securityRule name" as vs_load_unique_name. */
static void
unique_rule_name(Loader *ld, const VsRule *rule, VsPos name_pos)
{
	guint64 generation = (guint64)ld->nsg_generation << 32;
	gpointer first;

	if (g_hash_table_lookup_extended(ld->rule_names, rule->name, NULL, &first) &&
	    ((guint64)GPOINTER_TO_SIZE(first) & ~(guint64)G_MAXUINT32) == generation) {
		vs_load_error_pos(ld, name_pos, "duplicate-name",
				  "duplicate %s name '%s'%s (first at line %u)", "securityRule",
				  rule->name, " in the NSG", (guint)GPOINTER_TO_SIZE(first));
		return;
	}
	g_hash_table_insert(ld->rule_names, rule->name,
			    GSIZE_TO_POINTER((gsize)(generation | rule->pos.line)));
}

/* Starts the per-NSG checks of a new NSG. */
static void
begin_nsg_checks(Loader *ld)
{
	if (ld->rule_names == NULL) {
		ld->rule_names = g_hash_table_new(g_str_hash, g_str_equal);
		ld->priority_last = g_new0(guint64, 2 * (MAX_PRIORITY + 1));
		ld->priority_uses = g_array_new(FALSE, FALSE, sizeof(PriorityUse));
	}
	ld->nsg_generation++; /* entries of earlier NSGs stop counting */
	g_array_set_size(ld->priority_uses, 0);
}

static void
item_rule(Loader *ld, void *parent, const VsYcurEvent *event)
{
	NsgState *ns = parent;
	RuleState state = {0}, *s = &state;

	s->rule = vs_rule_new("");
	s->rule->pos = vs_load_pos(ld, event);
	s->rule->nsg = ns->nsg;
	g_ptr_array_add(ns->nsg->rules, s->rule);
	if (!vs_load_parse_map(ld, &rule_map, s, &s->map, event) || ld->fatal)
		return;
	if (s->has_priority && s->has_direction)
		note_priority(ld, ns, s);
	for (guint side = 0; side < 2; side++) {
		static const char *const names[] = {"source", "destination"};

		if (s->side[side].given == 0)
			vs_load_error_pos(ld, s->map.start, "missing-key",
					  "missing %s address in " OBJ
					  "; expected one of %s, %s or %s",
					  names[side], side_keys[side][0], side_keys[side][1],
					  side_keys[side][2]);
		if (!s->side[side].ports)
			vs_load_error_pos(ld, s->map.start, "missing-key",
					  "missing %s port in " OBJ
					  "; expected %sPortRange or %sPortRanges",
					  names[side], names[side], names[side]);
	}
	if (s->rule->name[0] != '\0') {
		VsPos name_pos;

		vs_load_map_has(&rule_map, &s->map, "name", &name_pos);
		unique_rule_name(ld, s->rule, name_pos);
	}
}

static void
key_nsg_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_name_into(ld, event, &((NsgState *)state)->nsg->name);
}

static void
key_nsg_rules(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of security rules", "securityRule", KIND_RULE,
			   item_rule, state);
}

static const KeyDef nsg_keys[] = {
	{"name", key_nsg_name, TRUE},
	{"securityRules", key_nsg_rules, FALSE},
};
static const MapDef nsg_map = {"networkSecurityGroup", TRUE, nsg_keys, G_N_ELEMENTS(nsg_keys)};

static gint
compare_duplicates(gconstpointer x, gconstpointer y)
{
	const Duplicate *a = x, *b = y;

	if (a->b->direction != b->b->direction)
		return a->b->direction < b->b->direction ? -1 : 1;
	if (a->b->priority != b->b->priority)
		return a->b->priority < b->b->priority ? -1 : 1;
	return a->b_line < b->b_line ? -1 : 1;
}

/* Reports the repeated priorities, by direction, priority and line. */
static void
check_priorities(Loader *ld, NsgState *s)
{
	if (s->duplicates == NULL)
		return;
	g_array_sort(s->duplicates, compare_duplicates);
	for (guint i = 0; i < s->duplicates->len; i++) {
		const Duplicate *d = &g_array_index(s->duplicates, Duplicate, i);

		vs_load_error_at(ld, d->where, "duplicate-priority",
				 "priority %u is already used by securityRule '%s' (line "
				 "%u) for %s rules; expected a priority unique per "
				 "direction",
				 d->b->priority, d->a->name, d->a_line,
				 vs_direction_name(d->b->direction));
	}
}

static void
item_nsg(Loader *ld, void *parent, const VsYcurEvent *event)
{
	NsgState s = {0};
	VsNsg *first;

	s.nsg = vs_nsg_new("");
	s.nsg->pos = vs_load_pos(ld, event);
	begin_nsg_checks(ld);
	if (vs_load_parse_map(ld, &nsg_map, &s, &s.map, event) && !ld->fatal)
		check_priorities(ld, &s);
	first = vs_model_find_nsg(ld->model, s.nsg->name);
	if (first != NULL)
		vs_load_error_duplicate(ld, s.nsg->pos, "NSG", s.nsg->name, first->pos);
	if (first == NULL && s.nsg->name[0] != '\0')
		vs_model_add_nsg(ld->model, s.nsg);
	else
		vs_load_discard(ld, s.nsg, (GDestroyNotify)vs_nsg_free);
	g_clear_pointer(&s.duplicates, g_array_unref);
}

/* ---------------------------------------------------------------- ASGs and service tags */

static void
item_asg(Loader *ld, void *parent, const VsYcurEvent *event)
{
	const char *name = vs_load_read_name(ld, event);
	VsAsg *asg, *first;

	if (name == NULL)
		return;
	first = vs_model_find_asg(ld->model, name);
	if (first != NULL) {
		vs_load_error_event(
			ld, event, "duplicate-name",
			"duplicate application security group '%s' (first defined at %s:%u:%u)",
			name, first->pos.file, first->pos.line, first->pos.column);
		return;
	}
	asg = vs_asg_new(name);
	asg->pos = vs_load_pos(ld, event);
	vs_model_add_asg(ld->model, asg);
}

static void
item_tag_prefix(Loader *ld, void *parent, const VsYcurEvent *event)
{
	if (event->kind == VS_YCUR_SCALAR && !vs_load_is_null(event) &&
	    !g_ascii_isdigit(event->value[0]))
		vs_load_error_event(
			ld, event, "address",
			"'%s' is not allowed in a service tag; expected addresses and prefixes",
			event->value);
	else
		vs_load_item_prefix(ld, parent, event);
}

static void
parse_service_tags(Loader *ld, const VsYcurEvent *event)
{
	VsYcurEvent key, value;
	guint index = 0;

	if (vs_load_is_null(event))
		return;
	if (event->kind != VS_YCUR_MAPPING_START) {
		vs_load_type_error(ld, event, "a mapping of tag name to a list of prefixes");
		return;
	}
	while (vs_load_next(ld, &key) && key.kind != VS_YCUR_MAPPING_END) {
		VsServiceTag *tag = NULL, *first = NULL;
		gboolean ok = FALSE;

		if (++ld->counts[KIND_SERVICE_TAG] > VS_LOAD_MAX_OBJECTS) {
			vs_load_fatal(ld, key.line, key.column, TRUE,
				      "more than %u serviceTags in the model; that is the limit",
				      VS_LOAD_MAX_OBJECTS);
			return;
		}
		vs_load_push_item(ld, index++, "serviceTag");
		if (key.kind != VS_YCUR_SCALAR) {
			vs_load_type_error(ld, &key, "a tag name");
		} else if (vs_load_read_name(ld, &key) == NULL) {
			/* reported */
		} else if (!g_ascii_isalpha(key.value[0]) || vs_load_builtin_tag(key.value, NULL) ||
			   vs_load_is_any_word(key.value)) {
			vs_load_error_event(
				ld, &key, "bad-name",
				"'%s' cannot be a service tag name; expected a name starting "
				"with a letter, other than VirtualNetwork, Internet, "
				"AzureLoadBalancer and Any",
				key.value);
		} else if ((first = vs_model_find_service_tag(ld->model, key.value)) != NULL) {
			vs_load_error_event(
				ld, &key, "duplicate-name",
				"duplicate service tag '%s' (first defined at %s:%u:%u)", key.value,
				first->pos.file, first->pos.line, first->pos.column);
		} else {
			ok = TRUE;
		}
		tag = vs_service_tag_new(ok ? key.value : "");
		tag->pos = vs_load_pos(ld, &key);
		if (vs_load_next(ld, &value))
			vs_load_parse_list(ld, &value, "a list of prefixes", "prefix", KIND_OTHER,
					   item_tag_prefix, tag->prefixes);
		if (ok)
			vs_model_add_service_tag(ld->model, tag);
		else
			vs_service_tag_free(tag);
		vs_load_pop(ld);
	}
}

void
vs_load_key_service_tags(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_service_tags(ld, event);
}

void
vs_load_key_asgs(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of application security group names",
			   "applicationSecurityGroup", KIND_ASG, item_asg, NULL);
}

void
vs_load_key_nsgs(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of NSGs", "networkSecurityGroup", KIND_NSG, item_nsg,
			   NULL);
}
