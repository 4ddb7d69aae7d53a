/*
 * render-diff.c - diff results as text, JSON and diagnostics (for SARIF).
 *
 * A difference reads as a sentence about the new model: what the flow was,
 * what it is, and the rule or route responsible - the one that now blocks it,
 * or the one that blocked it before when it is now open.
 */
#include "config.h"

#include "render-diff.h"

#include <string.h>

#include "render-matrix.h"

static const VsVm *
vm_in(const VsModel *model, guint index)
{
	return index == VS_MATRIX_INTERNET ? NULL : g_ptr_array_index(model->vms, index);
}

/* The VMs of a difference in one model (old: 0, new: 1); the internet is NULL. */
static void
pair_in(const VsDiff *diff, const VsDifference *d, guint which, const VsVm **source,
	const VsVm **destination)
{
	if (which == 1) {
		*source = vm_in(diff->new_model, d->source);
		*destination = vm_in(diff->new_model, d->destination);
		return;
	}
	*source = vm_in(diff->old_model, g_array_index(diff->old_index, guint, d->source));
	*destination = d->destination == VS_MATRIX_INTERNET
			       ? NULL
			       : vm_in(diff->old_model,
				       g_array_index(diff->old_index, guint, d->destination));
}

/* "denied by nsg-db UserRule_deny-sql (new.yaml:42)" (owned) */
static char *
blame_text(const VsDecidedBy *decided)
{
	GString *text = g_string_new(NULL);

	if (strcmp(decided->type, "NetworkSecurityRule") == 0)
		g_string_append_printf(text, "denied by %s %s", decided->resource, decided->name);
	else if (strcmp(decided->type, "UserDefinedRoute") == 0 &&
		 strcmp(decided->resource, "System Route") == 0)
		g_string_append_printf(text, "dropped by the system route %s", decided->name);
	else if (strcmp(decided->type, "UserDefinedRoute") == 0)
		g_string_append_printf(text, "dropped by route %s in %s", decided->name,
				       decided->resource);
	else if (decided->resource[0] != '\0')
		g_string_append_printf(text, "blocked by %s %s in %s", decided->type, decided->name,
				       decided->resource);
	else
		g_string_append_printf(text, "blocked by %s %s", decided->type, decided->name);
	if (decided->file != NULL && decided->line > 0)
		g_string_append_printf(text, " (%s:%u)", decided->file, decided->line);
	return g_string_free(text, FALSE);
}

/* "tcp/1433", "udp/8000-8080", "icmp" (owned); every port is "*" */
static char *
flow_text(const VsDifference *d)
{
	g_autofree char *protocol = g_ascii_strdown(vs_protocol_name(d->protocol), -1);
	g_autofree char *ports = NULL;

	if (!vs_protocol_has_ports(d->protocol))
		return g_steal_pointer(&protocol);
	ports = vs_port_range_to_string(d->ports);
	return g_strdup_printf("%s/%s", protocol, ports);
}

static const char *
status(const VsVerdict *verdict)
{
	return verdict->reachable ? "Reachable" : "Unreachable";
}

/* "web1 -> db1 tcp/1433: Reachable -> Unreachable, now denied by ..." (owned) */
static char *
difference_text(const VsDiff *diff, const VsDifference *d)
{
	const VsVm *source, *destination;
	VsDecidedBy decided;
	g_autofree char *flow = flow_text(d);
	GString *text = g_string_new(NULL);

	g_string_append_printf(
		text, "%s -> %s %s: %s -> %s",
		((const VsVm *)g_ptr_array_index(diff->new_model->vms, d->source))->name,
		d->destination == VS_MATRIX_INTERNET
			? "Internet"
			: ((const VsVm *)g_ptr_array_index(diff->new_model->vms, d->destination))
				  ->name,
		flow, status(d->before), status(d->after));
	pair_in(diff, d, 1, &source, &destination);
	if (vs_verdict_decided_by(d->after, source, destination, &decided)) {
		g_autofree char *blame = blame_text(&decided);

		g_string_append_printf(text, ", now %s", blame);
		return g_string_free(text, FALSE);
	}
	pair_in(diff, d, 0, &source, &destination);
	if (vs_verdict_decided_by(d->before, source, destination, &decided)) {
		g_autofree char *blame = blame_text(&decided);

		g_string_append_printf(text, ", was %s", blame);
	}
	return g_string_free(text, FALSE);
}

/* What follows the differences: VMs only on one side, and the count. */
static void
append_text_summary(GString *out, const VsDiff *diff, guint64 count)
{
	for (guint i = 0; i < diff->removed->len; i++)
		g_string_append_printf(out, "VM %s is only in the old model\n",
				       (const char *)g_ptr_array_index(diff->removed, i));
	for (guint i = 0; i < diff->added->len; i++)
		g_string_append_printf(out, "VM %s is only in the new model\n",
				       (const char *)g_ptr_array_index(diff->added, i));
	if (!vs_diff_changed(diff))
		g_string_append(out, "no difference: every verdict is the same\n");
	else
		g_string_append_printf(out, "%" G_GUINT64_FORMAT " difference%s\n", count,
				       count == 1 ? "" : "s");
}

static void
append_difference_line(GString *out, const VsDiff *diff, const VsDifference *difference)
{
	g_autofree char *line = difference_text(diff, difference);

	g_string_append(out, line);
	g_string_append_c(out, '\n');
}

void
vs_render_diff_text(GString *out, const VsDiff *diff, const GArray *differences)
{
	for (guint i = 0; i < differences->len; i++)
		append_difference_line(out, diff, &g_array_index(differences, VsDifference, i));
	append_text_summary(out, diff, differences->len);
}

typedef struct {
	GString *out;
	const VsDiff *diff;
	gsize chunk;
	VsRenderFlush flush;
	gpointer data;
	guint64 count;
} TextStream;

static void
stream_difference(const VsDifference *difference, gpointer data)
{
	TextStream *stream = data;

	if (stream->flush != NULL && stream->out->len >= stream->chunk)
		stream->flush(stream->out, stream->data);
	append_difference_line(stream->out, stream->diff, difference);
	stream->count++;
}

void
vs_render_diff_text_flushing(GString *out, const VsDiff *diff, gsize chunk, VsRenderFlush flush,
			     gpointer data)
{
	TextStream stream = {out, diff, chunk, flush, data, 0};

	vs_diff_foreach(diff, stream_difference, &stream);
	append_text_summary(out, diff, stream.count);
}

static void
add_side_json(VsJsonWriter *writer, const char *member, const VsVerdict *verdict,
	      const VsVm *source, const VsVm *destination)
{
	VsDecidedBy decided;

	vs_json_key(writer, member);
	vs_json_begin_object(writer);
	vs_json_key(writer, "connectionStatus");
	vs_json_string(writer, status(verdict));
	if (vs_verdict_decided_by(verdict, source, destination, &decided))
		vs_render_decided_by_json(writer, &decided);
	vs_json_end_object(writer);
}

static void
add_names_json(VsJsonWriter *writer, const char *member, const GPtrArray *names)
{
	vs_json_key(writer, member);
	vs_json_begin_array(writer);
	for (guint i = 0; i < names->len; i++)
		vs_json_string(writer, g_ptr_array_index(names, i));
	vs_json_end_array(writer);
}

void
vs_render_diff_json(GString *out, const VsDiff *diff, const GArray *differences)
{
	VsJsonWriter json, *writer = &json;
	char ip[16];

	vs_json_writer_init(writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(writer);
	vs_json_key(writer, "differences");
	vs_json_begin_array(writer);
	for (guint i = 0; i < differences->len; i++) {
		const VsDifference *d = &g_array_index(differences, VsDifference, i);
		const VsVm *source, *destination, *old_source, *old_destination;
		g_autofree char *ports = vs_protocol_has_ports(d->protocol)
						 ? vs_port_range_to_string(d->ports)
						 : g_strdup("*");

		pair_in(diff, d, 1, &source, &destination);
		pair_in(diff, d, 0, &old_source, &old_destination);
		vs_json_begin_object(writer);
		vs_json_key(writer, "source");
		vs_json_string(writer, source->name);
		vs_json_key(writer, "destination");
		vs_json_string(writer, destination != NULL ? destination->name : "Internet");
		vs_json_key(writer, "protocol");
		vs_json_string(writer, vs_protocol_name(d->protocol));
		vs_json_key(writer, "ports");
		vs_json_string(writer, ports);
		add_side_json(writer, "before", d->before, old_source, old_destination);
		add_side_json(writer, "after", d->after, source, destination);
		vs_json_end_object(writer);
	}
	vs_json_end_array(writer);
	add_names_json(writer, "removedVms", diff->removed);
	add_names_json(writer, "addedVms", diff->added);
	vs_json_key(writer, "internetAddress");
	vs_json_string(writer, vs_ip4_format(diff->internet, ip));
	vs_json_end_object(writer);
	vs_json_writer_finish(writer);
}

void
vs_diff_to_diags(const VsDiff *diff, const GArray *differences, VsDiagList *diags)
{
	for (guint i = 0; i < differences->len; i++) {
		const VsDifference *d = &g_array_index(differences, VsDifference, i);
		const VsVm *source, *destination;
		VsDecidedBy decided;
		g_autofree char *text = difference_text(diff, d);
		VsPos pos;

		pair_in(diff, d, 1, &source, &destination);
		pos = destination != NULL ? destination->pos : source->pos;
		if (vs_verdict_decided_by(d->after, source, destination, &decided) &&
		    decided.file != NULL && decided.line > 0)
			pos = (VsPos){decided.file, decided.line, 0};
		vs_diag_add(diags, VS_SEVERITY_WARNING, pos, "",
			    d->after->reachable ? "reachability-gained" : "reachability-lost", "%s",
			    text);
	}
}
