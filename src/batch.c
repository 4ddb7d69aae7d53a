/*
 * batch.c - JSON Lines checks against one model (see batch.h).
 *
 * Each line is parsed with json-glib, checked field by field with the same
 * rules as check's options (a bad value names the field and what was
 * expected), and answered by the same walk as check.  The full answer is
 * check's own evaluation (evaluate.c) and renderer (render-json.c), written
 * compact (one line) by the same code, so the two never drift apart; the
 * verdict-only answer comes from vs_walk_verdict and is written here, a
 * handful of fixed members, through the same JSON writer (json-writer.c).
 */
#include "config.h"

#include "batch.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "evaluate.h"
#include "json-writer.h"
#include "render.h"
#include "resolve.h"

#define BATCH_MAX_PROBES 100
G_STATIC_ASSERT(BATCH_MAX_PROBES <= VS_LATENCY_MAX_PROBES);
#define BATCH_DEFAULT_PROBES 30
#define BATCH_DEFAULT_SOURCE_PORT 50000

struct VsBatch {
	const VsModel *model;
	const VsEngine *engine;
	gboolean verdict_only;
	JsonParser *parser;   /* reused line after line */
	VsTargetSpec *target; /* the current line's destination (reused) */
	/* the probes' numbers for the last seed asked (most batches use one seed) */
	gboolean has_draws;
	VsProbeDraws draws;
};

VsBatch *
vs_batch_new(const VsModel *model, const VsEngine *engine, gboolean verdict_only)
{
	VsBatch *batch = g_new0(VsBatch, 1);

	batch->model = model;
	batch->engine = engine;
	batch->verdict_only = verdict_only;
	batch->parser = json_parser_new_immutable();
	batch->target = g_new0(VsTargetSpec, 1);
	return batch;
}

void
vs_batch_free(VsBatch *batch)
{
	if (batch == NULL)
		return;
	g_object_unref(batch->parser);
	vs_target_spec_clear(batch->target);
	g_free(batch->target);
	g_free(batch);
}

/* ---------------------------------------------------------------- JSON text */

void
vs_batch_append_json_string(GString *out, const char *text)
{
	vs_json_append_string(out, text);
}

void
vs_batch_append_compact(GString *out, const char *json, gsize length)
{
	gboolean in_string = FALSE, escaped = FALSE;

	for (gsize i = 0; i < length; i++) {
		char c = json[i];

		if (in_string) {
			if (escaped)
				escaped = FALSE;
			else if (c == '\\')
				escaped = TRUE;
			else if (c == '"')
				in_string = FALSE;
			g_string_append_c(out, c);
		} else if (c == '"') {
			in_string = TRUE;
			g_string_append_c(out, c);
		} else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
			g_string_append_c(out, c);
		}
	}
}

static gboolean line_error(GString *out, guint64 line_number, const char *format, ...)
	G_GNUC_PRINTF(3, 4);

static gboolean
line_error(GString *out, guint64 line_number, const char *format, ...)
{
	va_list args;
	g_autofree char *message = NULL;
	VsJsonWriter writer;

	va_start(args, format);
	message = g_strdup_vprintf(format, args);
	va_end(args);
	vs_json_writer_init(&writer, out, VS_JSON_COMPACT);
	vs_json_begin_object(&writer);
	vs_json_member_int(&writer, "line", (gint64)line_number);
	vs_json_member_string(&writer, "error", message);
	vs_json_end_object(&writer);
	vs_json_writer_finish(&writer);
	return FALSE;
}

/* ---------------------------------------------------------------- one query */

typedef struct {
	const char *source;
	const char *dest;
	gboolean has_port;
	guint64 port;
	const char *protocol;
	gboolean has_source_port;
	guint64 source_port;
	guint64 probes;
	guint64 seed;
} Fields;

/* A number member: a JSON integer or a decimal string, min..max. */
static gboolean
number_field(JsonNode *node, guint64 min, guint64 max, guint64 *out)
{
	if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_INT64) {
		gint64 value = json_node_get_int(node);

		if (value < 0 || (guint64)value < min || (guint64)value > max)
			return FALSE;
		*out = (guint64)value;
		return TRUE;
	}
	if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
		return g_ascii_string_to_unsigned(json_node_get_string(node), 10, min, max, out,
						  NULL);
	return FALSE;
}

static const char *
string_field(JsonNode *node)
{
	if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
		return json_node_get_string(node);
	return NULL;
}

/* Reads the members of one query object; FALSE after an error line. */
static gboolean
read_fields(JsonObject *object, Fields *fields, GString *out, guint64 line_number)
{
	JsonObjectIter iter;
	const char *name;
	JsonNode *node;

	*fields = (Fields){.probes = BATCH_DEFAULT_PROBES, .seed = 1};
	json_object_iter_init(&iter, object);
	while (json_object_iter_next(&iter, &name, &node)) {
		if (strcmp(name, "source") == 0 || strcmp(name, "dest") == 0 ||
		    strcmp(name, "protocol") == 0) {
			const char *value = string_field(node);

			if (value == NULL)
				return line_error(out, line_number, "\"%s\": expected a string",
						  name);
			if (name[0] == 's')
				fields->source = value;
			else if (name[0] == 'd')
				fields->dest = value;
			else
				fields->protocol = value;
		} else if (strcmp(name, "port") == 0) {
			if (!number_field(node, 0, 65535, &fields->port))
				return line_error(out, line_number,
						  "\"port\": expected a port number 0..65535");
			fields->has_port = TRUE;
		} else if (strcmp(name, "sourcePort") == 0) {
			if (!number_field(node, 0, 65535, &fields->source_port))
				return line_error(
					out, line_number,
					"\"sourcePort\": expected a port number 0..65535");
			fields->has_source_port = TRUE;
		} else if (strcmp(name, "probes") == 0) {
			if (!number_field(node, 1, BATCH_MAX_PROBES, &fields->probes))
				return line_error(out, line_number,
						  "\"probes\": expected a number of probes 1..%u",
						  BATCH_MAX_PROBES);
		} else if (strcmp(name, "seed") == 0) {
			if (!number_field(node, 0, G_MAXUINT32, &fields->seed))
				return line_error(out, line_number,
						  "\"seed\": expected a whole number 0..%u",
						  G_MAXUINT32);
		} else {
			return line_error(out, line_number,
					  "unknown field \"%s\"; expected source, dest, port, "
					  "protocol, sourcePort, probes or seed",
					  name);
		}
	}
	if (fields->source == NULL || fields->dest == NULL)
		return line_error(out, line_number, "missing \"%s\"",
				  fields->source == NULL ? "source" : "dest");
	return TRUE;
}

/* The protocol and ports, as check's options define them; FALSE after an error line. */
static gboolean
read_protocol(const Fields *fields, VsQuery *query, gboolean uri_port, guint16 uri_port_value,
	      GString *out, guint64 line_number)
{
	const char *protocol = fields->protocol != NULL ? fields->protocol : "tcp";
	gboolean has_port = fields->has_port || uri_port;
	guint16 port = fields->has_port ? (guint16)fields->port : uri_port_value;

	query->source_port =
		fields->has_source_port ? (guint16)fields->source_port : BATCH_DEFAULT_SOURCE_PORT;
	if (g_ascii_strcasecmp(protocol, "http") == 0 ||
	    g_ascii_strcasecmp(protocol, "https") == 0) {
		query->protocol = VS_PROTO_TCP;
		query->destination_port = has_port ? port : (protocol[4] == '\0' ? 80 : 443);
		return TRUE;
	}
	if (g_ascii_strcasecmp(protocol, "icmp") == 0) {
		if (fields->has_port || fields->has_source_port)
			return line_error(out, line_number,
					  "\"%s\" does not apply to protocol icmp (ICMP has no "
					  "ports)",
					  fields->has_port ? "port" : "sourcePort");
		query->protocol = VS_PROTO_ICMP;
		query->source_port = query->destination_port = 0;
		return TRUE;
	}
	if (g_ascii_strcasecmp(protocol, "tcp") != 0 && g_ascii_strcasecmp(protocol, "udp") != 0)
		return line_error(out, line_number,
				  "\"protocol\" '%s': expected tcp, udp, icmp, http or https",
				  protocol);
	if (!has_port)
		return line_error(out, line_number, "protocol %s needs a destination \"port\"",
				  protocol);
	query->protocol = g_ascii_strcasecmp(protocol, "udp") == 0 ? VS_PROTO_UDP : VS_PROTO_TCP;
	query->destination_port = port;
	return TRUE;
}

/* ---------------------------------------------------------------- answers */

static void
add_position(VsJsonWriter *writer, VsPos pos)
{
	if (pos.file != NULL)
		vs_json_member_string(writer, "file", pos.file);
	if (pos.line > 0)
		vs_json_member_int(writer, "line", pos.line);
}

static void
append_verdict(GString *out, const VsWalkVerdict *verdict)
{
	VsJsonWriter writer;
	char prefix[19];

	vs_json_writer_init(&writer, out, VS_JSON_COMPACT);
	vs_json_begin_object(&writer);
	vs_json_member_string(&writer, "connectionStatus",
			      verdict->reachable ? "Reachable" : "Unreachable");
	if (verdict->has_issue) {
		vs_json_key(&writer, "decidedBy");
		vs_json_begin_object(&writer);
		vs_json_member_string(&writer, "type", vs_issue_type_name(verdict->issue_type));
		if (verdict->rule != NULL) {
			/* as connection troubleshoot names rules: UserRule_x, DefaultRule_x */
			g_autofree char *name = g_strconcat(
				verdict->rule->is_default ? "DefaultRule_" : "UserRule_",
				verdict->rule->name, NULL);

			vs_json_member_string(&writer, "name", name);
			vs_json_member_string(&writer, "resource", verdict->rule->nsg->name);
			add_position(&writer, verdict->rule->pos);
		} else if (verdict->route != NULL) {
			const VsEffectiveRoute *route = verdict->route;

			if (route->user_route != NULL) {
				vs_json_member_string(&writer, "name", route->user_route->name);
				vs_json_member_string(&writer, "resource",
						      route->user_route->table->name);
			} else {
				vs_json_member_string(&writer, "name", NULL);
				vs_json_member_string(&writer, "resource", "System Route");
			}
			vs_json_member_string(&writer, "addressPrefix",
					      vs_prefix_format(route->prefix, prefix));
			vs_json_member_string(&writer, "nextHopType",
					      vs_next_hop_type_name(route->next_hop_type));
			if (route->user_route != NULL)
				add_position(&writer, route->user_route->pos);
		}
		vs_json_member_int(&writer, "hop", verdict->issue_hop);
		vs_json_member_string(&writer, "origin",
				      vs_issue_origin_name(verdict->issue_origin));
		vs_json_end_object(&writer);
	}
	vs_json_end_object(&writer);
	vs_json_writer_finish(&writer);
}

/*
 * The destination as check resolves its TARGET (evaluate.c, for the
 * verdict-only walk and a URI's port): a VM of the model first, an IPv4
 * address, or a name or URI through the model's DNS.  A name that does not
 * resolve is not a bad line: the walk reports it as a DnsResolution issue, as
 * check does.  A malformed URI is a bad line (check's usage error).  FALSE
 * after an error line.
 */
static gboolean
resolve_destination(const VsBatch *batch, VsQuery *query, const char *dest, gboolean *uri_port,
		    guint16 *port, GString *out, guint64 line_number)
{
	g_autoptr(GError) error = NULL;
	VsResolution resolution;

	*uri_port = FALSE;
	vs_target_spec_clear(batch->target);
	if (!vs_target_parse(dest, batch->target, &error))
		return line_error(out, line_number, "\"dest\" '%s': %s", dest, error->message);
	resolution = vs_resolve_host(batch->model, query->source, batch->target->host,
				     !batch->target->is_uri);
	if (resolution.by == VS_RESOLVED_NONE)
		query->unresolved_name = batch->target->host;
	query->destination = resolution.address;
	if (batch->target->is_uri) {
		*uri_port = TRUE;
		*port = batch->target->port;
	}
	return TRUE;
}

gboolean
vs_batch_answer(VsBatch *batch, const char *line, gsize length, guint64 line_number, GString *out)
{
	g_autoptr(GError) error = NULL;
	JsonNode *root;
	Fields fields;
	VsQuery query = {0};
	gboolean uri_port;
	guint16 port = 0;

	while (length > 0 && g_ascii_isspace(line[length - 1]))
		length--;
	{
		gsize start = 0;

		while (start < length && g_ascii_isspace(line[start]))
			start++;
		if (start == length)
			return TRUE; /* a blank line */
	}
	if (!json_parser_load_from_data(batch->parser, line, (gssize)length, &error))
		return line_error(out, line_number, "not JSON: %s", error->message);
	root = json_parser_get_root(batch->parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
		return line_error(out, line_number, "expected a JSON object, one query per line");
	if (!read_fields(json_node_get_object(root), &fields, out, line_number))
		return FALSE;
	query.source = vs_model_resolve_nic(batch->model, fields.source);
	if (query.source == NULL)
		return line_error(out, line_number,
				  "\"source\" '%s': no such VM or VM/NIC in model '%s'",
				  fields.source, batch->model->name ? batch->model->name : "");
	if (!resolve_destination(batch, &query, fields.dest, &uri_port, &port, out, line_number) ||
	    !read_protocol(&fields, &query, uri_port, port, out, line_number))
		return FALSE;
	query.destination_text = fields.dest;

	if (batch->verdict_only) {
		VsWalkVerdict verdict;

		vs_walk_verdict(batch->engine, &query, &verdict);
		append_verdict(out, &verdict);
	} else {
		/* the full answer is check's own: evaluate.c resolves, walks and probes */
		VsCheckRequest request = {
			.source = query.source,
			.destination = fields.dest,
			.protocol = query.protocol,
			.source_port = query.source_port,
			.destination_port = query.destination_port,
			.probes = (guint)fields.probes,
			.seed = (guint32)fields.seed,
			.http = fields.protocol != NULL &&
				(g_ascii_strcasecmp(fields.protocol, "http") == 0 ||
				 g_ascii_strcasecmp(fields.protocol, "https") == 0),
		};
		g_autoptr(GError) check_error = NULL;
		g_autoptr(VsTrace) trace = NULL;

		if (!batch->has_draws || batch->draws.seed != request.seed) {
			vs_probe_draws_init(&batch->draws, request.seed, VS_LATENCY_MAX_PROBES);
			batch->has_draws = TRUE;
		}
		trace = vs_evaluate_check_json(batch->engine, &request, &batch->draws,
					       &check_error);

		if (trace == NULL)
			return line_error(out, line_number, "%s", check_error->message);
		vs_render_check_json_line(out, trace);
	}
	return TRUE;
}
