/*
 * scenario.c - regression scenarios: loading a scenario file, running each
 * check through evaluate.c and comparing the answer with what it expects.
 *
 * The reader walks ycur's events with one small generic mapping walker
 * (parse_map: known keys, duplicates, unknown keys with the list of the
 * allowed ones) and a handler per kind of mapping.  Whether a key fits the
 * check (a flow has no `port`, a next hop no `connectionStatus`) is known
 * only once the whole check is read, since `expect` may come before `flow`,
 * so the positions of the keys are kept and checked at the end of each check.
 *
 * A scenario error is an error of the file, with its position; a name that
 * the model lacks (a VM, a NIC, one of the VM's addresses) is found when the
 * check runs, and is reported at the position of the value that names it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evaluate.h"
#include "render.h"
#include "resolve.h"
#include "scenario.h"
#include "ycur.h"

G_DEFINE_QUARK(vs - scenario - error - quark, vs_scenario_error)

#define MAX_PROBES 100
#define DEFAULT_PROBES 30
#define DEFAULT_SOURCE_PORT 50000
#define DEFAULT_SEED 1

/* ---------------------------------------------------------------- free */

void
vs_issue_expectation_free(VsIssueExpectation *expectation)
{
	if (expectation == NULL)
		return;
	g_free(expectation->rule);
	g_free(expectation->route);
	g_free(expectation);
}

void
vs_scenario_check_free(VsScenarioCheck *check)
{
	if (check == NULL)
		return;
	g_free(check->name);
	g_free(check->path);
	g_free(check->todo);
	g_free(check->source);
	g_free(check->destination);
	g_free(check->vm);
	if (check->hops != NULL)
		g_array_unref(check->hops);
	if (check->via != NULL)
		g_ptr_array_unref(check->via);
	if (check->issues != NULL)
		g_ptr_array_unref(check->issues);
	g_free(check->rule_name);
	g_free(check->next_hop_type);
	g_free(check);
}

void
vs_scenario_free(VsScenario *scenario)
{
	if (scenario == NULL)
		return;
	g_free(scenario->file);
	g_free(scenario->model);
	g_free(scenario->model_path);
	if (scenario->checks != NULL)
		g_ptr_array_unref(scenario->checks);
	g_free(scenario);
}

void
vs_mismatch_free(VsMismatch *mismatch)
{
	if (mismatch == NULL)
		return;
	g_free(mismatch->field);
	g_free(mismatch->expected);
	g_free(mismatch->actual);
	g_free(mismatch);
}

void
vs_check_outcome_free(VsCheckOutcome *outcome)
{
	if (outcome == NULL)
		return;
	if (outcome->mismatches != NULL)
		g_ptr_array_unref(outcome->mismatches);
	g_free(outcome->answer);
	g_free(outcome);
}

VsTestReport *
vs_test_report_new(void)
{
	VsTestReport *report = g_new0(VsTestReport, 1);

	report->outcomes = g_ptr_array_new_with_free_func((GDestroyNotify)vs_check_outcome_free);
	return report;
}

void
vs_test_report_free(VsTestReport *report)
{
	if (report == NULL)
		return;
	g_ptr_array_unref(report->outcomes);
	g_free(report);
}

void
vs_test_report_add(VsTestReport *report, VsCheckOutcome *outcome)
{
	if (outcome->passed)
		report->passed++;
	else if (outcome->check->todo != NULL)
		report->todo++;
	else
		report->failed++;
	g_ptr_array_add(report->outcomes, outcome);
}

/* ---------------------------------------------------------------- the reader */

typedef struct {
	VsYcur *cur;
	VsDiagList *diags;
	const char *file;
	gboolean fatal; /* a syntax error or a limit: nothing more can be read */
} Parser;

static void G_GNUC_PRINTF(6, 7) error_at(Parser *p, guint line, guint column, const char *path,
					 const char *code, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vs_diag_addv(p->diags, VS_SEVERITY_ERROR, (VsPos){p->file, line, column}, path, code,
		     format, args);
	va_end(args);
}

static gboolean
next(Parser *p, VsYcurEvent *event)
{
	g_autoptr(GError) error = NULL;

	if (p->fatal)
		return FALSE;
	if (vs_ycur_next(p->cur, event, &error))
		return TRUE;
	p->fatal = TRUE;
	error_at(p, event->line, event->column, "",
		 g_error_matches(error, VS_YCUR_ERROR, VS_YCUR_ERROR_LIMIT) ? "limit" : "syntax",
		 "%s", error->message);
	return FALSE;
}

/* Consumes the rest of the node that first started (nothing for a scalar). */
static void
skip(Parser *p, const VsYcurEvent *first)
{
	VsYcurEvent event;
	guint outer;

	if (first->kind != VS_YCUR_MAPPING_START && first->kind != VS_YCUR_SEQUENCE_START)
		return;
	outer = vs_ycur_depth(p->cur) - 1;
	while (vs_ycur_depth(p->cur) > outer && next(p, &event))
		;
}

static gboolean
is_null(const VsYcurEvent *event)
{
	if (event->kind != VS_YCUR_SCALAR || !event->plain)
		return FALSE;
	return event->length == 0 || strcmp(event->value, "~") == 0 ||
	       strcmp(event->value, "null") == 0 || strcmp(event->value, "Null") == 0 ||
	       strcmp(event->value, "NULL") == 0;
}

/* "a list", "a mapping", "nothing (null)", "'text'" (shortened): what was found instead. */
static char *
describe(const VsYcurEvent *event)
{
	if (event->kind == VS_YCUR_SEQUENCE_START)
		return g_strdup("a list");
	if (event->kind == VS_YCUR_MAPPING_START)
		return g_strdup("a mapping");
	if (is_null(event))
		return g_strdup("nothing (null)");
	if (event->length > 40)
		return g_strdup_printf("'%.37s...'", event->value);
	return g_strdup_printf("'%s'", event->value);
}

/* Reports what was expected instead of event, and skips it. */
static void
type_error(Parser *p, const VsYcurEvent *event, const char *path, const char *expected)
{
	g_autofree char *got = describe(event);

	error_at(p, event->line, event->column, path, "type", "expected %s, got %s", expected, got);
	skip(p, event);
}

static char *
child_path(const char *path, const char *key)
{
	return *path != '\0' ? g_strdup_printf("%s.%s", path, key) : g_strdup(key);
}

/* The event's position in the file. */
static VsPos
pos_of(const Parser *p, const VsYcurEvent *event)
{
	return (VsPos){p->file, event->line, event->column};
}

/*
 * Handles the value of keys[index]; must consume the value (skip it after a
 * type error).  key is the key's event (its text is no longer valid).
 */
typedef void (*KeyHandler)(Parser *p, guint index, const VsYcurEvent *key, const VsYcurEvent *value,
			   const char *path, gpointer data);

/* At most this many keys in one kind of mapping (a bit each in `seen`). */
#define MAX_KEYS 16

/*
 * Walks the mapping that start opened: each key must be one of keys (what
 * names the mapping in messages: "check", "flow"), given once.  Sets bit i of
 * *seen and where[i] for each key i found.
 */
static void
parse_map(Parser *p, const VsYcurEvent *start, const char *path, const char *what,
	  const char *const *keys, KeyHandler handler, gpointer data, guint32 *seen,
	  VsPos where[MAX_KEYS])
{
	VsYcurEvent key, value;

	*seen = 0;
	if (start->kind != VS_YCUR_MAPPING_START) {
		g_autofree char *expected = g_strdup_printf("a mapping (a %s)", what);

		type_error(p, start, path, expected);
		return;
	}
	while (next(p, &key) && key.kind != VS_YCUR_MAPPING_END) {
		guint index = 0;
		g_autofree char *name = NULL;
		g_autofree char *value_path = NULL;

		if (key.kind != VS_YCUR_SCALAR) {
			type_error(p, &key, path, "a key");
			if (next(p, &value))
				skip(p, &value);
			continue;
		}
		name = g_strdup(key.value);
		while (keys[index] != NULL && strcmp(keys[index], name) != 0)
			index++;
		if (!next(p, &value))
			return;
		if (keys[index] == NULL) {
			g_autoptr(GString) list = g_string_new(NULL);

			for (guint i = 0; keys[i] != NULL; i++)
				g_string_append_printf(list, "%s%s", i > 0 ? ", " : "", keys[i]);
			error_at(p, key.line, key.column, path, "unknown-key",
				 "unknown key '%s' in %s; expected one of: %s", name, what,
				 list->str);
			skip(p, &value);
			continue;
		}
		if (*seen & (1u << index)) {
			error_at(p, key.line, key.column, path, "duplicate-key",
				 "duplicate key '%s' in %s (first given at line %u, column %u)",
				 name, what, where[index].line, where[index].column);
			skip(p, &value);
			continue;
		}
		*seen |= 1u << index;
		where[index] = pos_of(p, &key);
		value_path = child_path(path, name);
		handler(p, index, &key, &value, value_path, data);
	}
}

/* A string value (any scalar but null and ""); NULL after an error. */
static char *
get_string(Parser *p, const VsYcurEvent *value, const char *path, const char *expected)
{
	if (value->kind != VS_YCUR_SCALAR || is_null(value) || value->length == 0) {
		type_error(p, value, path, expected);
		return NULL;
	}
	return g_strdup(value->value);
}

/* A decimal number min..max, digits only. */
static gboolean
get_number(Parser *p, const VsYcurEvent *value, const char *path, guint64 min, guint64 max,
	   const char *what, guint64 *out)
{
	g_autofree char *expected =
		g_strdup_printf("%s %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT, what, min, max);
	const char *text = value->value;

	if (value->kind != VS_YCUR_SCALAR || is_null(value) || *text == '\0' ||
	    strspn(text, "0123456789") != strlen(text) ||
	    !g_ascii_string_to_unsigned(text, 10, min, max, out, NULL)) {
		type_error(p, value, path, expected);
		return FALSE;
	}
	return TRUE;
}

/* One of names (compared case-insensitively); its index, or -1 after an error. */
static int
get_choice(Parser *p, const VsYcurEvent *value, const char *path, const char *const *names)
{
	g_autoptr(GString) list = g_string_new(NULL);

	if (value->kind == VS_YCUR_SCALAR && !is_null(value))
		for (int i = 0; names[i] != NULL; i++)
			if (g_ascii_strcasecmp(names[i], value->value) == 0)
				return i;
	for (int i = 0; names[i] != NULL; i++)
		g_string_append_printf(list, "%s%s",
				       i == 0         ? ""
				       : names[i + 1] ? ", "
						      : " or ",
				       names[i]);
	type_error(p, value, path, list->str);
	return -1;
}

static gboolean
get_ip(Parser *p, const VsYcurEvent *value, const char *path, VsIp4 *out)
{
	if (value->kind != VS_YCUR_SCALAR || !vs_ip4_parse(value->value, out, NULL)) {
		type_error(p, value, path, "an IPv4 address such as 10.1.1.4");
		return FALSE;
	}
	return TRUE;
}

/* IP:PORT, as flow's local and remote. */
static gboolean
get_endpoint(Parser *p, const VsYcurEvent *value, const char *path, VsIp4 *ip, guint16 *port)
{
	const char *colon = value->kind == VS_YCUR_SCALAR ? strrchr(value->value, ':') : NULL;
	g_autofree char *address =
		colon != NULL ? g_strndup(value->value, (gsize)(colon - value->value)) : NULL;
	guint64 number;

	if (address == NULL || !vs_ip4_parse(address, ip, NULL) || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    !g_ascii_string_to_unsigned(colon + 1, 10, 0, 65535, &number, NULL)) {
		type_error(p, value, path,
			   "IP:PORT, an IPv4 address and a port 0..65535, such as 10.1.1.4:443");
		return FALSE;
	}
	*port = (guint16)number;
	return TRUE;
}

/* ---------------------------------------------------------------- names */

static const char *const hop_names[] = {"Source",   "VirtualAppliance",      "VnetLocal",
					"Internet", "VirtualNetworkGateway", NULL};
static const VsHopType hop_types[] = {VS_HOP_SOURCE, VS_HOP_VIRTUAL_APPLIANCE, VS_HOP_VNET_LOCAL,
				      VS_HOP_INTERNET, VS_HOP_VNET_GATEWAY};

static const char *const issue_type_names[] = {"NetworkSecurityRule",
					       "UserDefinedRoute",
					       "CPU",
					       "Memory",
					       "GuestFirewall",
					       "DnsResolution",
					       "NoListenerOnDestination",
					       "AgentStopped",
					       "SocketBind",
					       "Platform",
					       "Unknown",
					       NULL};
static const VsIssueType issue_types[] = {VS_ISSUE_NETWORK_SECURITY_RULE,
					  VS_ISSUE_USER_DEFINED_ROUTE,
					  VS_ISSUE_CPU,
					  VS_ISSUE_MEMORY,
					  VS_ISSUE_GUEST_FIREWALL,
					  VS_ISSUE_DNS_RESOLUTION,
					  VS_ISSUE_NO_LISTENER,
					  VS_ISSUE_AGENT_STOPPED,
					  VS_ISSUE_SOCKET_BIND,
					  VS_ISSUE_PLATFORM,
					  VS_ISSUE_UNKNOWN};

static const char *const origin_names[] = {"Inbound", "Outbound", "Local", NULL};
static const VsIssueOrigin origins[] = {VS_ORIGIN_INBOUND, VS_ORIGIN_OUTBOUND, VS_ORIGIN_LOCAL};

static const char *const severity_names[] = {"Error", "Warning", NULL};
static const VsIssueSeverity severities[] = {VS_ISSUE_SEVERITY_ERROR, VS_ISSUE_SEVERITY_WARNING};

static const char *const status_names[] = {"Reachable", "Unreachable", NULL};
static const char *const access_names[] = {"Allow", "Deny", NULL};
static const char *const next_hop_names[] = {"Internet",
					     "VirtualAppliance",
					     "VirtualNetworkGateway",
					     "VnetLocal",
					     "VnetPeering",
					     "HyperNetGateway",
					     "None",
					     NULL};
static const char *const direction_names[] = {"inbound", "outbound", NULL};
static const char *const flow_protocol_names[] = {"tcp", "udp", NULL};
static const char *const check_protocol_names[] = {"tcp", "udp", "icmp", "http", "https", NULL};
enum { PROTOCOL_TCP, PROTOCOL_UDP, PROTOCOL_ICMP, PROTOCOL_HTTP, PROTOCOL_HTTPS };
static const char *const bool_names[] = {"true", "false", NULL};

/* ---------------------------------------------------------------- issues */

static const char *const issue_keys[] = {"type", "origin", "severity", "rule", "route", NULL};
enum { ISSUE_TYPE, ISSUE_ORIGIN, ISSUE_SEVERITY, ISSUE_RULE, ISSUE_ROUTE };

static void
issue_key(Parser *p, guint index, const VsYcurEvent *key, const VsYcurEvent *value,
	  const char *path, gpointer data)
{
	VsIssueExpectation *issue = data;
	int choice;

	(void)key;
	switch (index) {
	case ISSUE_TYPE:
		if ((choice = get_choice(p, value, path, issue_type_names)) >= 0) {
			issue->has_type = TRUE;
			issue->type = issue_types[choice];
		}
		break;
	case ISSUE_ORIGIN:
		if ((choice = get_choice(p, value, path, origin_names)) >= 0) {
			issue->has_origin = TRUE;
			issue->origin = origins[choice];
		}
		break;
	case ISSUE_SEVERITY:
		if ((choice = get_choice(p, value, path, severity_names)) >= 0) {
			issue->has_severity = TRUE;
			issue->severity = severities[choice];
		}
		break;
	case ISSUE_RULE:
		issue->rule = get_string(p, value, path, "a rule name such as UserRule_deny-sql");
		break;
	case ISSUE_ROUTE:
		issue->route = get_string(p, value, path, "a route name");
		break;
	default:
		g_assert_not_reached();
	}
}

/* ---------------------------------------------------------------- checks */

/* Everything known about one check while it is read. */
typedef struct {
	VsScenarioCheck *check;
	const char *path;
	guint32 query_seen; /* flow or nexthop mapping keys */
	VsPos query_where[MAX_KEYS];
	guint32 expect_seen;
	VsPos expect_where[MAX_KEYS];
	int protocol;  /* index in check_protocol_names, -1 = not given */
	int query_key; /* CHECK_FLOW or CHECK_NEXTHOP once one is read, else -1 */
	guint16 port;
	gboolean uri;     /* the destination is a URI ... */
	guint16 uri_port; /* ... with this port (explicit, else its scheme's) */
} CheckBuild;

static const char *const check_keys[] = {"name",     "todo",       "source", "destination", "port",
					 "protocol", "sourcePort", "probes", "seed",        "flow",
					 "nexthop",  "expect",     NULL};
enum {
	CHECK_NAME,
	CHECK_TODO,
	CHECK_SOURCE,
	CHECK_DESTINATION,
	CHECK_PORT,
	CHECK_PROTOCOL,
	CHECK_SOURCE_PORT,
	CHECK_PROBES,
	CHECK_SEED,
	CHECK_FLOW,
	CHECK_NEXTHOP,
	CHECK_EXPECT,
};

static const char *const flow_keys[] = {"vm", "direction", "protocol", "local", "remote", NULL};
enum { FLOW_VM, FLOW_DIRECTION, FLOW_PROTOCOL, FLOW_LOCAL, FLOW_REMOTE, FLOW_KEYS };

static const char *const nexthop_keys[] = {"vm", "source", "dest", NULL};
enum { NEXTHOP_VM, NEXTHOP_SOURCE, NEXTHOP_DEST, NEXTHOP_KEYS };

static const char *const expect_keys[] = {"connectionStatus",
					  "hops",
					  "via",
					  "issues",
					  "noOtherIssues",
					  "maxAvgLatencyMs",
					  "access",
					  "ruleName",
					  "nextHopType",
					  "nextHopIpAddress",
					  NULL};
enum {
	EXPECT_STATUS,
	EXPECT_HOPS,
	EXPECT_VIA,
	EXPECT_ISSUES,
	EXPECT_NO_OTHER_ISSUES,
	EXPECT_MAX_AVG_LATENCY,
	EXPECT_ACCESS,
	EXPECT_RULE_NAME,
	EXPECT_NEXT_HOP_TYPE,
	EXPECT_NEXT_HOP_IP,
	EXPECT_KEYS,
};

/* Which expectations fit which query. */
static const VsScenarioKind expect_kind[EXPECT_KEYS] = {
	VS_SCENARIO_CHECK,   VS_SCENARIO_CHECK,   VS_SCENARIO_CHECK, VS_SCENARIO_CHECK,
	VS_SCENARIO_CHECK,   VS_SCENARIO_CHECK,   VS_SCENARIO_FLOW,  VS_SCENARIO_FLOW,
	VS_SCENARIO_NEXTHOP, VS_SCENARIO_NEXTHOP,
};

static const char *const kind_names[] = {"a connection check (source, destination)", "a flow check",
					 "a nexthop check"};

static void
flow_key(Parser *p, guint index, const VsYcurEvent *key, const VsYcurEvent *value, const char *path,
	 gpointer data)
{
	VsScenarioCheck *check = ((CheckBuild *)data)->check;
	int choice;

	(void)key;
	switch (index) {
	case FLOW_VM:
		check->vm = get_string(p, value, path, "VM[/NIC]");
		check->vm_pos = pos_of(p, value);
		break;
	case FLOW_DIRECTION:
		if ((choice = get_choice(p, value, path, direction_names)) >= 0)
			check->direction =
				choice == 0 ? VS_DIRECTION_INBOUND : VS_DIRECTION_OUTBOUND;
		break;
	case FLOW_PROTOCOL:
		if ((choice = get_choice(p, value, path, flow_protocol_names)) >= 0)
			check->protocol = choice == 0 ? VS_PROTO_TCP : VS_PROTO_UDP;
		break;
	case FLOW_LOCAL:
		check->local_pos = pos_of(p, value);
		get_endpoint(p, value, path, &check->local_ip, &check->local_port);
		break;
	case FLOW_REMOTE:
		get_endpoint(p, value, path, &check->remote_ip, &check->remote_port);
		break;
	default:
		g_assert_not_reached();
	}
}

static void
nexthop_key(Parser *p, guint index, const VsYcurEvent *key, const VsYcurEvent *value,
	    const char *path, gpointer data)
{
	VsScenarioCheck *check = ((CheckBuild *)data)->check;

	(void)key;
	switch (index) {
	case NEXTHOP_VM:
		check->vm = get_string(p, value, path, "VM[/NIC]");
		check->vm_pos = pos_of(p, value);
		break;
	case NEXTHOP_SOURCE:
		check->local_pos = pos_of(p, value);
		get_ip(p, value, path, &check->local_ip);
		break;
	case NEXTHOP_DEST:
		get_ip(p, value, path, &check->remote_ip);
		break;
	default:
		g_assert_not_reached();
	}
}

/* A list whose items item() reads: how many; -1 (after an error) when value is no list. */
static int
parse_list(Parser *p, const VsYcurEvent *value, const char *path, const char *expected,
	   void (*item)(Parser *p, const VsYcurEvent *event, const char *path, gpointer data),
	   gpointer data)
{
	VsYcurEvent event;
	int index = 0;

	if (value->kind != VS_YCUR_SEQUENCE_START) {
		type_error(p, value, path, expected);
		return -1;
	}
	while (next(p, &event) && event.kind != VS_YCUR_SEQUENCE_END) {
		g_autofree char *item_path = g_strdup_printf("%s[%d]", path, index++);

		item(p, &event, item_path, data);
	}
	return index;
}

static void
hop_item(Parser *p, const VsYcurEvent *event, const char *path, gpointer data)
{
	int choice = get_choice(p, event, path, hop_names);

	if (choice >= 0)
		g_array_append_val((GArray *)data, hop_types[choice]);
}

static void
via_item(Parser *p, const VsYcurEvent *event, const char *path, gpointer data)
{
	char *name = get_string(p, event, path, "the name of an appliance VM");

	if (name != NULL)
		g_ptr_array_add(data, name);
}

static void
issue_item(Parser *p, const VsYcurEvent *event, const char *path, gpointer data)
{
	g_autoptr(VsIssueExpectation) issue = g_new0(VsIssueExpectation, 1);
	VsPos where[MAX_KEYS];
	guint32 seen;

	issue->pos = pos_of(p, event);
	parse_map(p, event, path, "issue", issue_keys, issue_key, issue, &seen, where);
	if (event->kind == VS_YCUR_MAPPING_START && seen == 0)
		error_at(p, event->line, event->column, path, "empty",
			 "an issue expectation needs at least one of: type, origin, severity, "
			 "rule, route");
	g_ptr_array_add(data, g_steal_pointer(&issue));
}

static void
expect_key(Parser *p, guint index, const VsYcurEvent *key, const VsYcurEvent *value,
	   const char *path, gpointer data)
{
	VsScenarioCheck *check = ((CheckBuild *)data)->check;
	int choice;

	(void)key;
	switch (index) {
	case EXPECT_STATUS:
		if ((choice = get_choice(p, value, path, status_names)) >= 0) {
			check->has_status = TRUE;
			check->expect_reachable = choice == 0;
		}
		break;
	case EXPECT_HOPS:
		check->hops = g_array_new(FALSE, FALSE, sizeof(VsHopType));
		parse_list(p, value, path, "a list of hop types such as [Source, VnetLocal]",
			   hop_item, check->hops);
		break;
	case EXPECT_VIA:
		check->via = g_ptr_array_new_with_free_func(g_free);
		parse_list(p, value, path, "a list of appliance VM names such as [fw1]", via_item,
			   check->via);
		break;
	case EXPECT_ISSUES:
		check->issues =
			g_ptr_array_new_with_free_func((GDestroyNotify)vs_issue_expectation_free);
		parse_list(
			p, value, path,
			"a list of issues such as [{type: NetworkSecurityRule, origin: Inbound}]",
			issue_item, check->issues);
		break;
	case EXPECT_NO_OTHER_ISSUES:
		if ((choice = get_choice(p, value, path, bool_names)) >= 0)
			check->no_other_issues = choice == 0;
		break;
	case EXPECT_MAX_AVG_LATENCY: {
		char *end = NULL;
		double ms = value->kind == VS_YCUR_SCALAR && !is_null(value) && *value->value
				    ? g_ascii_strtod(value->value, &end)
				    : -1;

		if (end == NULL || *end != '\0' || !isfinite(ms) || ms < 0 ||
		    !g_ascii_isdigit(value->value[0])) {
			type_error(p, value, path, "a number of milliseconds such as 2.5");
			break;
		}
		check->has_max_avg_latency = TRUE;
		check->max_avg_latency_ms = ms;
		break;
	}
	case EXPECT_ACCESS:
		if ((choice = get_choice(p, value, path, access_names)) >= 0) {
			check->has_access = TRUE;
			check->access = choice == 0 ? VS_ACCESS_ALLOW : VS_ACCESS_DENY;
		}
		break;
	case EXPECT_RULE_NAME:
		check->rule_name = get_string(p, value, path,
					      "a rule name such as securityRules/allow-https or "
					      "defaultSecurityRules/DenyAllInBound");
		if (check->rule_name != NULL &&
		    !g_str_has_prefix(check->rule_name, "securityRules/") &&
		    !g_str_has_prefix(check->rule_name, "defaultSecurityRules/")) {
			error_at(p, value->line, value->column, path, "value",
				 "expected securityRules/NAME or defaultSecurityRules/NAME, as IP "
				 "flow verify names rules, got '%s'",
				 check->rule_name);
			g_clear_pointer(&check->rule_name, g_free);
		}
		break;
	case EXPECT_NEXT_HOP_TYPE:
		if ((choice = get_choice(p, value, path, next_hop_names)) >= 0)
			check->next_hop_type = g_strdup(next_hop_names[choice]);
		break;
	case EXPECT_NEXT_HOP_IP:
		/* "" is what Azure reports for a next hop without an address */
		if (value->kind == VS_YCUR_SCALAR && value->length == 0 && !value->plain) {
			check->has_next_hop_ip = TRUE;
			check->expect_no_next_hop_ip = TRUE;
		} else if (get_ip(p, value, path, &check->next_hop_ip)) {
			check->has_next_hop_ip = TRUE;
		}
		break;
	default:
		g_assert_not_reached();
	}
}

static void
check_key(Parser *p, guint index, const VsYcurEvent *key, const VsYcurEvent *value,
	  const char *path, gpointer data)
{
	CheckBuild *build = data;
	VsScenarioCheck *check = build->check;
	guint64 number;

	(void)key;
	switch (index) {
	case CHECK_NAME:
		check->name = get_string(p, value, path, "a short description of the check");
		break;
	case CHECK_TODO:
		check->todo = get_string(p, value, path, "why the check is known to fail for now");
		break;
	case CHECK_SOURCE:
		check->source = get_string(p, value, path, "VM[/NIC]");
		check->source_pos = pos_of(p, value);
		break;
	case CHECK_DESTINATION: {
		g_auto(VsTargetSpec) target = {0};
		g_autoptr(GError) error = NULL;

		check->destination = get_string(
			p, value, path, "TARGET, a VM name, an IPv4 address, a DNS name or a URI");
		check->destination_pos = pos_of(p, value);
		if (check->destination == NULL)
			break;
		/* the syntax now, as check's options; the meaning when the check runs */
		if (!vs_target_parse(check->destination, &target, &error)) {
			error_at(p, value->line, value->column, path, "value", "%s",
				 error->message);
			build->uri = TRUE; /* a broken URI: its missing port is not news */
			break;
		}
		build->uri = target.is_uri;
		build->uri_port = target.port;
		break;
	}
	case CHECK_PORT:
		if (get_number(p, value, path, 0, 65535, "a port number", &number))
			build->port = (guint16)number;
		break;
	case CHECK_PROTOCOL:
		build->protocol = get_choice(p, value, path, check_protocol_names);
		break;
	case CHECK_SOURCE_PORT:
		if (get_number(p, value, path, 0, 65535, "a port number", &number))
			check->source_port = (guint16)number;
		break;
	case CHECK_PROBES:
		if (get_number(p, value, path, 1, MAX_PROBES, "a number of probes", &number))
			check->probes = (guint)number;
		break;
	case CHECK_SEED:
		if (get_number(p, value, path, 0, G_MAXUINT32, "a whole number", &number))
			check->seed = (guint32)number;
		break;
	case CHECK_FLOW:
	case CHECK_NEXTHOP:
		if (build->query_key >= 0) {
			error_at(p, key->line, key->column, build->path, "query",
				 "a check asks one query: flow, nexthop, or source and "
				 "destination; this one has %s already",
				 check_keys[build->query_key]);
			skip(p, value);
			break;
		}
		build->query_key = (int)index;
		if (index == CHECK_FLOW)
			parse_map(p, value, path, "flow", flow_keys, flow_key, build,
				  &build->query_seen, build->query_where);
		else
			parse_map(p, value, path, "nexthop", nexthop_keys, nexthop_key, build,
				  &build->query_seen, build->query_where);
		break;
	case CHECK_EXPECT:
		parse_map(p, value, path, "expect", expect_keys, expect_key, build,
			  &build->expect_seen, build->expect_where);
		if (value->kind == VS_YCUR_MAPPING_START && build->expect_seen == 0)
			error_at(p, value->line, value->column, path, "empty",
				 "expected at least one expectation");
		break;
	default:
		g_assert_not_reached();
	}
}

/* Each of the required keys (bits of seen) that is missing: an error at start. */
static void
require_keys(Parser *p, VsPos start, const char *path, const char *what, guint32 seen,
	     const char *const *keys, guint count)
{
	for (guint i = 0; i < count; i++)
		if (!(seen & (1u << i)))
			error_at(p, start.line, start.column, path, "missing-key",
				 "missing key '%s' in %s", keys[i], what);
}

/* What a check means once all of it is read: its kind, and whether its keys fit it. */
static void
finish_check(Parser *p, CheckBuild *build, guint32 seen, const VsPos where[MAX_KEYS])
{
	static const guint check_only[] = {CHECK_SOURCE,   CHECK_DESTINATION, CHECK_PORT,
					   CHECK_PROTOCOL, CHECK_SOURCE_PORT, CHECK_PROBES,
					   CHECK_SEED};
	VsScenarioCheck *check = build->check;
	const char *path = build->path;
	gboolean has_port;

	if (!(seen & (1u << CHECK_NAME)))
		error_at(p, check->pos.line, check->pos.column, path, "missing-key",
			 "missing key 'name' (a short description of the check)");
	if (!(seen & (1u << CHECK_EXPECT)))
		error_at(p, check->pos.line, check->pos.column, path, "missing-key",
			 "missing key 'expect' (what the check expects)");

	if (build->query_key >= 0) {
		gboolean flow = build->query_key == CHECK_FLOW;
		g_autofree char *query_path = child_path(path, flow ? "flow" : "nexthop");
		VsPos start = where[flow ? CHECK_FLOW : CHECK_NEXTHOP];

		check->kind = flow ? VS_SCENARIO_FLOW : VS_SCENARIO_NEXTHOP;
		for (guint i = 0; i < G_N_ELEMENTS(check_only); i++)
			if (seen & (1u << check_only[i]))
				error_at(
					p, where[check_only[i]].line, where[check_only[i]].column,
					path, "query",
					"'%s' belongs to a connection check (source, destination); "
					"this check is a %s",
					check_keys[check_only[i]], flow ? "flow" : "nexthop");
		if (flow)
			require_keys(p, start, query_path, "flow", build->query_seen, flow_keys,
				     FLOW_KEYS);
		else
			require_keys(p, start, query_path, "nexthop", build->query_seen,
				     nexthop_keys, NEXTHOP_KEYS);
	} else {
		check->kind = VS_SCENARIO_CHECK;
		if (!(seen & (1u << CHECK_SOURCE)))
			error_at(p, check->pos.line, check->pos.column, path, "missing-key",
				 "missing key 'source' (VM[/NIC]); a check needs source and "
				 "destination, flow, or nexthop");
		if (!(seen & (1u << CHECK_DESTINATION)))
			error_at(p, check->pos.line, check->pos.column, path, "missing-key",
				 "missing key 'destination' (a VM name or an IPv4 address)");
		/* the protocols' rules, as `vnetsim check` applies them to its options: a
		 * URI's port unless port says otherwise, http(s) TCP to 80 or 443 */
		has_port = (seen & (1u << CHECK_PORT)) != 0;
		if (!has_port && build->uri && build->protocol != PROTOCOL_ICMP) {
			build->port = build->uri_port;
			has_port = TRUE;
		}
		switch (build->protocol) {
		case PROTOCOL_HTTP:
		case PROTOCOL_HTTPS:
			check->protocol = VS_PROTO_TCP;
			check->http = TRUE;
			check->destination_port = has_port                           ? build->port
						  : build->protocol == PROTOCOL_HTTP ? 80
										     : 443;
			break;
		case PROTOCOL_ICMP:
			check->protocol = VS_PROTO_ICMP;
			for (guint key = CHECK_PORT; key <= CHECK_SOURCE_PORT; key++)
				if (key != CHECK_PROTOCOL && (seen & (1u << key)))
					error_at(
						p, where[key].line, where[key].column, path,
						"query",
						"'%s' does not apply to protocol icmp (ICMP has no "
						"ports)",
						check_keys[key]);
			check->source_port = 0;
			break;
		case -1:
			if (seen & (1u << CHECK_PROTOCOL))
				break; /* an invalid protocol, already reported */
			G_GNUC_FALLTHROUGH;
		default:
			check->protocol =
				build->protocol == PROTOCOL_UDP ? VS_PROTO_UDP : VS_PROTO_TCP;
			check->destination_port = build->port;
			if (!has_port)
				error_at(p, check->pos.line, check->pos.column, path, "missing-key",
					 "missing key 'port': protocol %s needs a destination port",
					 build->protocol == PROTOCOL_UDP ? "udp" : "tcp");
			break;
		}
	}

	for (guint i = 0; i < EXPECT_KEYS; i++) {
		g_autoptr(GString) fitting = NULL;
		g_autofree char *expect_path = NULL;

		if (!(build->expect_seen & (1u << i)) || expect_kind[i] == check->kind)
			continue;
		fitting = g_string_new(NULL);
		for (guint j = 0; j < EXPECT_KEYS; j++)
			if (expect_kind[j] == check->kind)
				g_string_append_printf(fitting, "%s%s", fitting->len ? ", " : "",
						       expect_keys[j]);
		expect_path = child_path(path, "expect");
		error_at(p, build->expect_where[i].line, build->expect_where[i].column, expect_path,
			 "expectation",
			 "'%s' is an expectation of %s; this is %s, whose expectations are: %s",
			 expect_keys[i], kind_names[expect_kind[i]], kind_names[check->kind],
			 fitting->str);
	}
}

static void
check_item(Parser *p, const VsYcurEvent *event, const char *path, gpointer data)
{
	g_autoptr(VsScenarioCheck) check = g_new0(VsScenarioCheck, 1);
	CheckBuild build = {check, path, 0, {{0}}, 0, {{0}}, -1, -1, 0, FALSE, 0};
	VsPos where[MAX_KEYS];
	guint32 seen;

	check->pos = pos_of(p, event);
	check->path = g_strdup(path);
	check->protocol = VS_PROTO_TCP;
	check->source_port = DEFAULT_SOURCE_PORT;
	check->probes = DEFAULT_PROBES;
	check->seed = DEFAULT_SEED;
	parse_map(p, event, path, "check", check_keys, check_key, &build, &seen, where);
	if (event->kind != VS_YCUR_MAPPING_START || p->fatal)
		return;
	finish_check(p, &build, seen, where);
	g_ptr_array_add(data, g_steal_pointer(&check));
}

/* ---------------------------------------------------------------- the file */

static const char *const top_keys[] = {"model", "checks", NULL};
enum { TOP_MODEL, TOP_CHECKS };

static void
top_key(Parser *p, guint index, const VsYcurEvent *key, const VsYcurEvent *value, const char *path,
	gpointer data)
{
	VsScenario *scenario = data;

	(void)key;
	if (index == TOP_MODEL) {
		scenario->model =
			get_string(p, value, path, "the model file, relative to the scenario file");
		scenario->model_pos = pos_of(p, value);
		return;
	}
	if (parse_list(p, value, path, "a list of checks", check_item, scenario->checks) == 0 &&
	    !p->fatal)
		error_at(p, value->line, value->column, path, "empty",
			 "expected at least one check");
}

/* The model path as the process sees it: relative to the scenario file's directory. */
static char *
model_path(const char *scenario_file, const char *model)
{
	g_autofree char *directory = g_path_get_dirname(scenario_file);

	if (g_path_is_absolute(model) || strcmp(directory, ".") == 0)
		return g_strdup(model);
	return g_build_filename(directory, model, NULL);
}

VsScenario *
vs_scenario_load_data(const char *data, gsize length, const char *name, VsDiagList *diags,
		      GError **error)
{
	g_autoptr(VsScenario) scenario = g_new0(VsScenario, 1);
	g_autoptr(VsYcur) cur = vs_ycur_new(data, length, NULL);
	guint errors = diags->errors;
	VsYcurEvent event;
	VsPos where[MAX_KEYS];
	guint32 seen = 0;
	Parser p;

	g_return_val_if_fail(diags != NULL, NULL);

	scenario->file = g_strdup(name);
	scenario->checks = g_ptr_array_new_with_free_func((GDestroyNotify)vs_scenario_check_free);
	p = (Parser){cur, diags, scenario->file, FALSE};

	if (next(&p, &event)) {
		if (event.kind == VS_YCUR_END) {
			error_at(&p, event.line, event.column, "", "empty",
				 "empty scenario; expected a mapping with model and checks");
		} else {
			parse_map(&p, &event, "", "scenario", top_keys, top_key, scenario, &seen,
				  where);
			if (event.kind == VS_YCUR_MAPPING_START && !p.fatal)
				require_keys(&p, pos_of(&p, &event), "", "the scenario", seen,
					     top_keys, 2);
		}
	}
	if (diags->errors > errors) {
		/* checks' missing keys are found at their end: put them back in file order */
		vs_diag_list_sort(diags);
		g_set_error(error, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_INVALID, "%s: %u error%s",
			    name, diags->errors - errors, diags->errors - errors == 1 ? "" : "s");
		return NULL;
	}
	scenario->model_path = model_path(name, scenario->model);
	return g_steal_pointer(&scenario);
}

VsScenario *
vs_scenario_load_file(const char *path, VsDiagList *diags, GError **error)
{
	g_autoptr(GByteArray) buffer = g_byte_array_new();
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int saved;

	if (fd < 0) {
		saved = errno;
		g_set_error(error, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_IO, "cannot read '%s': %s",
			    path, g_strerror(saved));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		g_set_error(error, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_IO,
			    "cannot read '%s': it is a directory; expected a scenario file", path);
		return NULL;
	}
	/* plain read() with a bound, so that a FIFO or /dev/zero cannot make it read forever */
	for (;;) {
		guint8 chunk[65536];
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			saved = errno;
			close(fd);
			g_set_error(error, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_IO,
				    "cannot read '%s': %s", path, g_strerror(saved));
			return NULL;
		}
		if (got == 0)
			break;
		if (buffer->len + (gsize)got > VS_SCENARIO_MAX_FILE_SIZE) {
			close(fd);
			g_set_error(error, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_IO,
				    "cannot read '%s': larger than %u bytes", path,
				    VS_SCENARIO_MAX_FILE_SIZE);
			return NULL;
		}
		g_byte_array_append(buffer, chunk, (guint)got);
	}
	close(fd);
	return vs_scenario_load_data((const char *)buffer->data, buffer->len, path, diags, error);
}

/* ---------------------------------------------------------------- running */

static void
mismatch(VsCheckOutcome *outcome, const char *field, char *expected, char *actual)
{
	VsMismatch *item = g_new0(VsMismatch, 1);

	item->field = g_strdup(field);
	item->expected = expected;
	item->actual = actual;
	g_ptr_array_add(outcome->mismatches, item);
}

/* The rule an issue names: an NSG rule, else a guest firewall rule. */
static const char *
issue_rule(const VsIssue *issue)
{
	const char *rule = vs_issue_context_value(issue, "RuleName");

	return rule != NULL ? rule : vs_issue_context_value(issue, "FirewallRule");
}

static gboolean
issue_matches(const VsIssueExpectation *expected, const VsIssue *issue)
{
	const char *rule = issue_rule(issue);
	const char *route = vs_issue_context_value(issue, "RouteName");

	return (!expected->has_type || expected->type == issue->type) &&
	       (!expected->has_origin || expected->origin == issue->origin) &&
	       (!expected->has_severity || expected->severity == issue->severity) &&
	       (expected->rule == NULL || (rule != NULL && strcmp(expected->rule, rule) == 0)) &&
	       (expected->route == NULL || (route != NULL && strcmp(expected->route, route) == 0));
}

/* "{type: T, origin: O, rule: R}": the scenario's own notation, so it can be copied. */
static char *
expectation_text(const VsIssueExpectation *expected)
{
	g_autoptr(GString) text = g_string_new("{");

	if (expected->has_type)
		g_string_append_printf(text, "type: %s", vs_issue_type_name(expected->type));
	if (expected->has_origin)
		g_string_append_printf(text, "%sorigin: %s", text->len > 1 ? ", " : "",
				       vs_issue_origin_name(expected->origin));
	if (expected->has_severity)
		g_string_append_printf(text, "%sseverity: %s", text->len > 1 ? ", " : "",
				       vs_issue_severity_name(expected->severity));
	if (expected->rule != NULL)
		g_string_append_printf(text, "%srule: %s", text->len > 1 ? ", " : "",
				       expected->rule);
	if (expected->route != NULL)
		g_string_append_printf(text, "%sroute: %s", text->len > 1 ? ", " : "",
				       expected->route);
	g_string_append_c(text, '}');
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* "VirtualAppliance fw1", "Internet 93.184.216.34": a hop for people. */
static char *
hop_text(const VsHop *hop)
{
	char ip[16];

	if (hop->nic != NULL)
		return g_strdup_printf("%s %s", vs_hop_type_name(hop->type), hop->nic->vm->name);
	return g_strdup_printf("%s %s", vs_hop_type_name(hop->type),
			       vs_ip4_format(hop->address, ip));
}

/* An actual issue in the notation of expectations, and the hop it is on. */
static char *
issue_text(const VsIssue *issue, const VsHop *hop)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree char *where = hop_text(hop);
	const char *rule = issue_rule(issue);
	const char *route = vs_issue_context_value(issue, "RouteName");

	g_string_append_printf(text, "{type: %s, origin: %s", vs_issue_type_name(issue->type),
			       vs_issue_origin_name(issue->origin));
	if (issue->severity != VS_ISSUE_SEVERITY_ERROR)
		g_string_append_printf(text, ", severity: %s",
				       vs_issue_severity_name(issue->severity));
	if (rule != NULL)
		g_string_append_printf(text, ", rule: %s", rule);
	if (route != NULL)
		g_string_append_printf(text, ", route: %s", route);
	g_string_append_printf(text, "} at %s", where);
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* Every issue of the trace, "; "-separated, or "none". */
static char *
all_issues_text(const VsTrace *trace)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint h = 0; h < trace->hops->len; h++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, h);

		for (guint i = 0; i < hop->issues->len; i++) {
			g_autofree char *one = issue_text(g_ptr_array_index(hop->issues, i), hop);

			g_string_append_printf(text, "%s%s", text->len ? "; " : "", one);
		}
	}
	if (text->len == 0)
		g_string_append(text, "no issues");
	return g_string_free(g_steal_pointer(&text), FALSE);
}

static char *
hop_types_text(const VsHopType *types, guint count)
{
	g_autoptr(GString) text = g_string_new("[");

	for (guint i = 0; i < count; i++)
		g_string_append_printf(text, "%s%s", i > 0 ? ", " : "", vs_hop_type_name(types[i]));
	g_string_append_c(text, ']');
	return g_string_free(g_steal_pointer(&text), FALSE);
}

static char *
names_text(const GPtrArray *names)
{
	g_autoptr(GString) text = g_string_new("[");

	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(text, "%s%s", i > 0 ? ", " : "",
				       (const char *)g_ptr_array_index(names, i));
	g_string_append_c(text, ']');
	return g_string_free(g_steal_pointer(&text), FALSE);
}

static void
compare_check(VsCheckOutcome *outcome, const VsScenarioCheck *check, const VsTrace *trace)
{
	const char *status = trace->reachable ? "Reachable" : "Unreachable";
	g_autoptr(GString) answer = g_string_new(status);
	g_autoptr(GArray) hops = g_array_new(FALSE, FALSE, sizeof(VsHopType));
	g_autoptr(GPtrArray) via = g_ptr_array_new();
	gboolean via_same;

	g_string_append(answer, ":");
	for (guint h = 0; h < trace->hops->len; h++) {
		const VsHop *hop = g_ptr_array_index(trace->hops, h);
		g_autofree char *text = hop_text(hop);

		g_string_append_printf(answer, "%s%s", h > 0 ? " -> " : " ", text);
		g_array_append_val(hops, hop->type);
		if (hop->type == VS_HOP_VIRTUAL_APPLIANCE && hop->nic != NULL)
			g_ptr_array_add(via, hop->nic->vm->name);
	}
	if (trace->has_latency) {
		g_autofree char *avg = vs_render_format_ms(trace->latency_avg_ms);

		g_string_append_printf(answer, " (avg %s ms)", avg);
	}
	{
		g_autofree char *issues = all_issues_text(trace);

		g_string_append_printf(answer, "; %s", issues);
	}
	outcome->answer = g_string_free(g_steal_pointer(&answer), FALSE);

	if (check->has_status && check->expect_reachable != trace->reachable)
		mismatch(outcome, "connectionStatus",
			 g_strdup(check->expect_reachable ? "Reachable" : "Unreachable"),
			 g_strdup(status));
	if (check->hops != NULL &&
	    (check->hops->len != hops->len ||
	     memcmp(check->hops->data, hops->data, hops->len * sizeof(VsHopType)) != 0))
		mismatch(outcome, "hops",
			 hop_types_text((const VsHopType *)(gpointer)check->hops->data,
					check->hops->len),
			 hop_types_text((const VsHopType *)(gpointer)hops->data, hops->len));
	via_same = check->via != NULL && check->via->len == via->len;
	for (guint i = 0; via_same && i < via->len; i++)
		via_same = strcmp(g_ptr_array_index(check->via, i), g_ptr_array_index(via, i)) == 0;
	if (check->via != NULL && !via_same)
		mismatch(outcome, "via", names_text(check->via), names_text(via));
	if (check->issues != NULL) {
		for (guint e = 0; e < check->issues->len; e++) {
			const VsIssueExpectation *expected = g_ptr_array_index(check->issues, e);
			gboolean found = FALSE;
			g_autofree char *field = NULL;

			for (guint h = 0; !found && h < trace->hops->len; h++) {
				const VsHop *hop = g_ptr_array_index(trace->hops, h);

				for (guint i = 0; !found && i < hop->issues->len; i++)
					found = issue_matches(expected,
							      g_ptr_array_index(hop->issues, i));
			}
			if (found)
				continue;
			field = g_strdup_printf("issues[%u]", e);
			mismatch(outcome, field, expectation_text(expected),
				 all_issues_text(trace));
		}
	}
	if (check->no_other_issues) {
		for (guint h = 0; h < trace->hops->len; h++) {
			const VsHop *hop = g_ptr_array_index(trace->hops, h);

			for (guint i = 0; i < hop->issues->len; i++) {
				const VsIssue *issue = g_ptr_array_index(hop->issues, i);
				gboolean listed = FALSE;

				for (guint e = 0;
				     !listed && check->issues != NULL && e < check->issues->len;
				     e++)
					listed = issue_matches(g_ptr_array_index(check->issues, e),
							       issue);
				if (!listed)
					mismatch(outcome, "noOtherIssues",
						 g_strdup("no issue beyond those listed"),
						 issue_text(issue, hop));
			}
		}
	}
	if (check->has_max_avg_latency &&
	    (!trace->has_latency || trace->latency_avg_ms > check->max_avg_latency_ms)) {
		g_autofree char *limit = vs_render_format_ms(check->max_avg_latency_ms);
		g_autofree char *avg =
			trace->has_latency ? vs_render_format_ms(trace->latency_avg_ms) : NULL;

		mismatch(outcome, "maxAvgLatencyMs", g_strdup_printf("avg at most %s ms", limit),
			 avg != NULL ? g_strdup_printf("avg %s ms", avg)
				     : g_strdup_printf("no latency (%s)", status));
	}
}

static void
compare_flow(VsCheckOutcome *outcome, const VsScenarioCheck *check, const VsNsgVerdict *verdict)
{
	g_autofree char *rule = verdict->rule != NULL ? vs_rule_flow_name(verdict->rule) : NULL;

	outcome->answer = g_strdup_printf("%s: %s", vs_access_name(verdict->access),
					  rule != NULL ? rule : "no NSG applies");
	if (check->has_access && check->access != verdict->access)
		mismatch(outcome, "access", g_strdup(vs_access_name(check->access)),
			 g_strdup(vs_access_name(verdict->access)));
	if (check->rule_name != NULL && g_strcmp0(check->rule_name, rule) != 0)
		mismatch(outcome, "ruleName", g_strdup(check->rule_name),
			 g_strdup(rule != NULL ? rule : "none (no NSG applies)"));
}

static void
compare_nexthop(VsCheckOutcome *outcome, const VsScenarioCheck *check,
		const VsEffectiveRoute *route)
{
	const char *type = vs_render_next_hop_api_name(route != NULL ? route->next_hop_type
								     : VS_NEXT_HOP_NONE);
	gboolean has_ip = route != NULL && route->has_next_hop_ip;
	char ip[16] = "";
	char expected_ip[16];
	g_autoptr(GString) answer = g_string_new(type);

	if (has_ip)
		g_string_append_printf(answer, " %s", vs_ip4_format(route->next_hop_ip, ip));
	if (route == NULL)
		g_string_append(answer, " (no route matches)");
	else if (route->user_route != NULL)
		g_string_append_printf(
			answer, " (route table %s, route %s)",
			route->user_route->table != NULL ? route->user_route->table->name : "?",
			route->user_route->name);
	else
		g_string_append(answer, " (system route)");
	outcome->answer = g_string_free(g_steal_pointer(&answer), FALSE);

	if (check->next_hop_type != NULL && strcmp(check->next_hop_type, type) != 0)
		mismatch(outcome, "nextHopType", g_strdup(check->next_hop_type), g_strdup(type));
	if (check->has_next_hop_ip &&
	    (check->expect_no_next_hop_ip ? has_ip
					  : !has_ip || route->next_hop_ip != check->next_hop_ip))
		mismatch(outcome, "nextHopIpAddress",
			 g_strdup(check->expect_no_next_hop_ip
					  ? "none"
					  : vs_ip4_format(check->next_hop_ip, expected_ip)),
			 g_strdup(has_ip ? ip : "none"));
}

/*
 * A name the model lacks: a scenario error at the value that names it.  Not
 * for a todo check, which may fail in any way (a name the model cannot
 * resolve yet, say): that is its failure, shown with the others.  Returns
 * whether the outcome still stands.
 */
static gboolean
name_error(VsDiagList *diags, VsCheckOutcome *outcome, VsPos pos, const char *key,
	   const char *message)
{
	const VsScenarioCheck *check = outcome->check;
	g_autofree char *path = child_path(check->path, key);

	if (check->todo != NULL) {
		mismatch(outcome, key, g_strdup("a query the model can answer"),
			 g_strdup_printf("no answer: %s", message));
		outcome->answer = g_strdup("none");
		return TRUE;
	}
	vs_diag_add(diags, VS_SEVERITY_ERROR, pos, path, "unknown-name", "%s", message);
	return FALSE;
}

VsCheckOutcome *
vs_scenario_run_check(const VsEngine *engine, const VsScenario *scenario,
		      const VsScenarioCheck *check, VsDiagList *diags)
{
	g_autoptr(VsCheckOutcome) outcome = g_new0(VsCheckOutcome, 1);
	g_autoptr(GError) error = NULL;
	const VsNic *nic;

	outcome->scenario = scenario;
	outcome->check = check;
	outcome->mismatches = g_ptr_array_new_with_free_func((GDestroyNotify)vs_mismatch_free);

	switch (check->kind) {
	case VS_SCENARIO_CHECK: {
		VsCheckRequest request = {0};
		g_autoptr(VsTrace) trace = NULL;

		nic = vs_evaluate_find_nic(engine->model, check->source, &error);
		if (nic == NULL) {
			if (!name_error(diags, outcome, check->source_pos, "source",
					error->message))
				return NULL;
			break;
		}
		request = (VsCheckRequest){nic,
					   check->destination,
					   check->protocol,
					   check->source_port,
					   check->destination_port,
					   check->probes,
					   check->seed,
					   FALSE,
					   check->http};
		trace = vs_evaluate_check(engine, &request, &error);
		if (trace == NULL) {
			if (!name_error(diags, outcome, check->destination_pos, "destination",
					error->message))
				return NULL;
			break;
		}
		compare_check(outcome, check, trace);
		break;
	}
	case VS_SCENARIO_FLOW: {
		VsFlowRequest request;
		VsNsgVerdict verdict;

		nic = vs_evaluate_find_nic_with_ip(engine->model, check->vm, check->local_ip,
						   &error);
		if (nic == NULL) {
			gboolean address = g_error_matches(error, VS_EVALUATE_ERROR,
							   VS_EVALUATE_ERROR_NOT_OWN_ADDRESS);

			if (!name_error(diags, outcome, address ? check->local_pos : check->vm_pos,
					address ? "flow.local" : "flow.vm", error->message))
				return NULL;
			break;
		}
		request = (VsFlowRequest){nic,
					  check->direction,
					  check->protocol,
					  check->local_ip,
					  check->local_port,
					  check->remote_ip,
					  check->remote_port};
		verdict = vs_evaluate_flow(engine, &request);
		compare_flow(outcome, check, &verdict);
		break;
	}
	case VS_SCENARIO_NEXTHOP:
		nic = vs_evaluate_find_nic_with_ip(engine->model, check->vm, check->local_ip,
						   &error);
		if (nic == NULL) {
			gboolean address = g_error_matches(error, VS_EVALUATE_ERROR,
							   VS_EVALUATE_ERROR_NOT_OWN_ADDRESS);

			if (!name_error(diags, outcome, address ? check->local_pos : check->vm_pos,
					address ? "nexthop.source" : "nexthop.vm", error->message))
				return NULL;
			break;
		}
		compare_nexthop(outcome, check, vs_evaluate_nexthop(engine, nic, check->remote_ip));
		break;
	default:
		g_assert_not_reached();
	}
	outcome->passed = outcome->mismatches->len == 0;
	return g_steal_pointer(&outcome);
}
