/*
 * render-matrix.c - matrix results as text, CSV and JSON.
 *
 * The text grid marks each cell "ok" (Reachable) or "xN" (Unreachable), N
 * being the line of the legend below the grid that names what decided:
 * numbering decisions instead of printing them keeps a grid of many VMs
 * readable when a handful of rules decide most cells.  The marks are ASCII so
 * that the grid survives any terminal, CI log and man page; names are padded
 * by display width (UTF-8 VM names stay aligned).
 */
#include "config.h"

#include "render-matrix.h"

#include <string.h>

static const char *
vm_name(const VsModel *model, guint vm)
{
	return vm == VS_MATRIX_INTERNET ? "Internet"
					: ((VsVm *)g_ptr_array_index(model->vms, vm))->name;
}

static const VsVm *
vm_of(const VsModel *model, guint vm)
{
	return vm == VS_MATRIX_INTERNET ? NULL : g_ptr_array_index(model->vms, vm);
}

/* The destinations of source: every other VM in model order, then the internet. */
static GArray *
destinations_of(const GArray *vms, guint source)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(guint));
	guint internet = VS_MATRIX_INTERNET;

	for (guint d = 0; d < vms->len; d++)
		if (g_array_index(vms, guint, d) != source)
			g_array_append_val(out, g_array_index(vms, guint, d));
	g_array_append_val(out, internet);
	return out;
}

char *
vs_render_decided_by_text(const VsDecidedBy *decided)
{
	GString *text = g_string_new(NULL);

	if (g_strcmp0(decided->resource, "System Route") == 0) {
		g_string_append_printf(text, "%s system route %s", decided->type, decided->name);
		return g_string_free(text, FALSE);
	}
	if (g_strcmp0(decided->type, decided->name) == 0) {
		/* nothing but the type to name: say where (NoListenerOnDestination at dns1) */
		g_string_append(text, decided->type);
		if (decided->resource != NULL && decided->resource[0] != '\0')
			g_string_append_printf(text, " at %s", decided->resource);
	} else {
		g_string_append_printf(text, "%s %s", decided->type, decided->name);
		if (decided->resource != NULL && decided->resource[0] != '\0')
			g_string_append_printf(text, " in %s", decided->resource);
	}
	if (decided->file != NULL && decided->line > 0)
		g_string_append_printf(text, " (%s:%u)", decided->file, decided->line);
	return g_string_free(text, FALSE);
}

void
vs_render_decided_by_json(VsJsonWriter *writer, const VsDecidedBy *decided)
{
	vs_json_key(writer, "decidedBy");
	vs_json_begin_object(writer);
	vs_json_key(writer, "type");
	vs_json_string(writer, decided->type);
	vs_json_key(writer, "name");
	vs_json_string(writer, decided->name);
	vs_json_key(writer, "resource");
	vs_json_string(writer, decided->resource);
	if (decided->file != NULL && decided->line > 0) {
		vs_json_key(writer, "file");
		vs_json_string(writer, decided->file);
		vs_json_key(writer, "line");
		vs_json_int(writer, decided->line);
	}
	vs_json_end_object(writer);
}

char *
vs_render_port_ranges(const GArray *ranges, const char *separator)
{
	return ranges->len == 0 ? g_strdup("-") : vs_port_ranges_to_string(ranges, separator);
}

void
vs_render_csv_field(GString *out, const char *field)
{
	if (strpbrk(field, ",\"\r\n") == NULL) {
		g_string_append(out, field);
		return;
	}
	g_string_append_c(out, '"');
	for (const char *p = field; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

static void
add_ranges_json(VsJsonWriter *writer, const char *member, const GArray *ranges)
{
	vs_json_key(writer, member);
	vs_json_begin_array(writer);
	for (guint i = 0; i < ranges->len; i++) {
		g_autofree char *range =
			vs_port_range_to_string(g_array_index(ranges, VsPortRange, i));

		vs_json_string(writer, range);
	}
	vs_json_end_array(writer);
}

void
vs_render_matrix_json(GString *out, const VsMatrix *matrix)
{
	VsJsonWriter json, *writer = &json;
	g_autoptr(GArray) vms = vs_matrix_vms(matrix);
	char ip[16];

	vs_json_writer_init(writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(writer);
	if (!matrix->summary) {
		vs_json_key(writer, "protocol");
		vs_json_string(writer, vs_protocol_name(matrix->protocol));
		if (vs_protocol_has_ports(matrix->protocol)) {
			vs_json_key(writer, "port");
			vs_json_int(writer, matrix->port);
		}
	}
	vs_json_key(writer, "internetAddress");
	vs_json_string(writer, vs_ip4_format(matrix->internet, ip));
	vs_json_key(writer, "results");
	vs_json_begin_array(writer);
	for (guint s = 0; s < vms->len; s++) {
		guint source = g_array_index(vms, guint, s);
		g_autoptr(GArray) destinations = destinations_of(vms, source);

		for (guint d = 0; d < destinations->len; d++) {
			guint destination = g_array_index(destinations, guint, d);

			vs_json_begin_object(writer);
			vs_json_key(writer, "source");
			vs_json_string(writer, vm_name(matrix->model, source));
			vs_json_key(writer, "destination");
			vs_json_string(writer, vm_name(matrix->model, destination));
			if (matrix->summary) {
				const VsOpenPorts *open =
					vs_matrix_open_ports(matrix, source, destination);

				vs_json_key(writer, "openPorts");
				vs_json_begin_object(writer);
				add_ranges_json(writer, "Tcp", open->tcp);
				add_ranges_json(writer, "Udp", open->udp);
				vs_json_key(writer, "Icmp");
				vs_json_bool(writer, open->icmp);
				vs_json_end_object(writer);
			} else {
				const VsVerdict *verdict =
					vs_matrix_verdict(matrix, source, destination);
				VsDecidedBy decided;

				vs_json_key(writer, "connectionStatus");
				vs_json_string(writer,
					       verdict->reachable ? "Reachable" : "Unreachable");
				if (vs_verdict_decided_by(verdict, vm_of(matrix->model, source),
							  vm_of(matrix->model, destination),
							  &decided))
					vs_render_decided_by_json(writer, &decided);
			}
			vs_json_end_object(writer);
		}
	}
	vs_json_end_array(writer);
	vs_json_end_object(writer);
	vs_json_writer_finish(writer);
}

void
vs_render_matrix_csv(GString *out, const VsMatrix *matrix)
{
	vs_render_matrix_csv_flushing(out, matrix, NULL, NULL);
}

void
vs_render_matrix_csv_flushing(GString *out, const VsMatrix *matrix, VsRenderFlush flush,
			      gpointer data)
{
	g_autoptr(GArray) vms = vs_matrix_vms(matrix);

	if (matrix->summary)
		g_string_append(out, "source,destination,tcp,udp,icmp\n");
	else
		g_string_append(out, "source,destination,protocol,port,connectionStatus,"
				     "decidedByType,decidedByName,decidedByResource,file,line\n");
	for (guint s = 0; s < vms->len; s++) {
		guint source = g_array_index(vms, guint, s);
		g_autoptr(GArray) destinations = destinations_of(vms, source);

		for (guint d = 0; d < destinations->len; d++) {
			guint destination = g_array_index(destinations, guint, d);

			if (flush != NULL && out->len >= VS_RENDER_MATRIX_CHUNK)
				flush(out, data);
			vs_render_csv_field(out, vm_name(matrix->model, source));
			g_string_append_c(out, ',');
			vs_render_csv_field(out, vm_name(matrix->model, destination));
			if (matrix->summary) {
				const VsOpenPorts *open =
					vs_matrix_open_ports(matrix, source, destination);
				g_autofree char *tcp = vs_render_port_ranges(open->tcp, " ");
				g_autofree char *udp = vs_render_port_ranges(open->udp, " ");

				g_string_append_printf(out, ",%s,%s,%s\n", tcp, udp,
						       open->icmp ? "yes" : "no");
				continue;
			}
			{
				const VsVerdict *verdict =
					vs_matrix_verdict(matrix, source, destination);
				VsDecidedBy decided;

				g_string_append_printf(out, ",%s,",
						       vs_protocol_name(matrix->protocol));
				if (vs_protocol_has_ports(matrix->protocol))
					g_string_append_printf(out, "%u", matrix->port);
				g_string_append_printf(out, ",%s",
						       verdict->reachable ? "Reachable"
									  : "Unreachable");
				if (vs_verdict_decided_by(verdict, vm_of(matrix->model, source),
							  vm_of(matrix->model, destination),
							  &decided)) {
					g_string_append_c(out, ',');
					vs_render_csv_field(out, decided.type);
					g_string_append_c(out, ',');
					vs_render_csv_field(out, decided.name);
					g_string_append_c(out, ',');
					vs_render_csv_field(out, decided.resource);
					g_string_append_c(out, ',');
					if (decided.file != NULL && decided.line > 0) {
						vs_render_csv_field(out, decided.file);
						g_string_append_printf(out, ",%u", decided.line);
					} else {
						g_string_append_c(out, ',');
					}
				} else {
					g_string_append(out, ",,,,,");
				}
				g_string_append_c(out, '\n');
			}
		}
	}
}

/* "tcp/1433", "udp/53", "icmp" (owned) */
static char *
question_text(const VsMatrix *matrix)
{
	g_autofree char *protocol = g_ascii_strdown(vs_protocol_name(matrix->protocol), -1);

	if (!vs_protocol_has_ports(matrix->protocol))
		return g_steal_pointer(&protocol);
	return g_strdup_printf("%s/%u", protocol, matrix->port);
}

static void
pad(GString *out, const char *text, guint width)
{
	glong length = g_utf8_strlen(text, -1);

	g_string_append(out, text);
	for (glong i = length; i < (glong)width; i++)
		g_string_append_c(out, ' ');
}

/* The legend number of a decision, adding it when new (1-based). */
static guint
legend_number(GPtrArray *legend, const char *text)
{
	for (guint i = 0; i < legend->len; i++)
		if (strcmp(g_ptr_array_index(legend, i), text) == 0)
			return i + 1;
	g_ptr_array_add(legend, g_strdup(text));
	return legend->len;
}

static void
text_grid(GString *out, const VsMatrix *matrix, const GArray *vms, guint name_width)
{
	g_autoptr(GPtrArray) legend = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
	guint columns = vms->len + 1;
	g_autoptr(GArray) widths = g_array_new(FALSE, TRUE, sizeof(guint));
	guint internet = VS_MATRIX_INTERNET;

	g_array_set_size(widths, columns);
	for (guint c = 0; c < columns; c++) {
		guint destination = c < vms->len ? g_array_index(vms, guint, c) : internet;

		g_array_index(widths, guint, c) =
			(guint)g_utf8_strlen(vm_name(matrix->model, destination), -1);
	}
	for (guint s = 0; s < vms->len; s++) {
		guint source = g_array_index(vms, guint, s);

		for (guint c = 0; c < columns; c++) {
			guint destination = c < vms->len ? g_array_index(vms, guint, c) : internet;
			const VsVerdict *verdict = vs_matrix_verdict(matrix, source, destination);
			VsDecidedBy decided;
			char *text;

			if (destination == source)
				text = g_strdup("-");
			else if (!vs_verdict_decided_by(verdict, vm_of(matrix->model, source),
							vm_of(matrix->model, destination),
							&decided))
				text = g_strdup("ok");
			else {
				g_autofree char *why = vs_render_decided_by_text(&decided);

				text = g_strdup_printf("x%u", legend_number(legend, why));
			}
			if ((guint)g_utf8_strlen(text, -1) > g_array_index(widths, guint, c))
				g_array_index(widths, guint, c) = (guint)g_utf8_strlen(text, -1);
			g_ptr_array_add(cells, text);
		}
	}

	pad(out, "from \\ to", name_width + 2);
	for (guint c = 0; c < columns; c++) {
		guint destination = c < vms->len ? g_array_index(vms, guint, c) : internet;

		pad(out, vm_name(matrix->model, destination),
		    c + 1 < columns ? g_array_index(widths, guint, c) + 2 : 0);
	}
	g_string_append_c(out, '\n');
	for (guint s = 0; s < vms->len; s++) {
		pad(out, vm_name(matrix->model, g_array_index(vms, guint, s)), name_width + 2);
		for (guint c = 0; c < columns; c++)
			pad(out, g_ptr_array_index(cells, s * columns + c),
			    c + 1 < columns ? g_array_index(widths, guint, c) + 2 : 0);
		g_string_append_c(out, '\n');
	}
	if (legend->len == 0)
		return;
	g_string_append(out, "\nxN: Unreachable, decided by\n");
	for (guint i = 0; i < legend->len; i++)
		g_string_append_printf(out, "  %u  %s\n", i + 1,
				       (const char *)g_ptr_array_index(legend, i));
}

/* The grid's width in columns, to choose between grid and list. */
static guint
grid_width(const VsMatrix *matrix, const GArray *vms, guint name_width)
{
	guint width = name_width + 2 + (guint)strlen("Internet");

	for (guint i = 0; i < vms->len; i++) {
		guint length = (guint)g_utf8_strlen(
			vm_name(matrix->model, g_array_index(vms, guint, i)), -1);

		width += MAX(length, 3) + 2;
	}
	return width;
}

void
vs_render_matrix_text(GString *out, const VsMatrix *matrix)
{
	g_autoptr(GArray) vms = vs_matrix_vms(matrix);
	guint blocks = vs_blocks_count(matrix->blocks);
	guint name_width = (guint)strlen("from \\ to");
	g_autofree char *question =
		matrix->summary ? g_strdup("open ports") : question_text(matrix);
	char ip[16];

	for (guint i = 0; i < vms->len; i++) {
		guint length = (guint)g_utf8_strlen(
			vm_name(matrix->model, g_array_index(vms, guint, i)), -1);

		name_width = MAX(name_width, length);
	}
	g_string_append_printf(out, "%s, %u VM%s in %u subnet%s, Internet as %s (%u walk%s)\n",
			       question, vms->len, vms->len == 1 ? "" : "s", blocks,
			       blocks == 1 ? "" : "s", vs_ip4_format(matrix->internet, ip),
			       matrix->walks, matrix->walks == 1 ? "" : "s");
	if (!matrix->summary && grid_width(matrix, vms, name_width) <= VS_RENDER_MATRIX_MAX_WIDTH) {
		g_string_append_c(out, '\n');
		text_grid(out, matrix, vms, name_width);
		return;
	}
	for (guint s = 0; s < vms->len; s++) {
		guint source = g_array_index(vms, guint, s);
		g_autoptr(GArray) destinations = destinations_of(vms, source);

		for (guint d = 0; d < destinations->len; d++) {
			guint destination = g_array_index(destinations, guint, d);

			g_string_append_printf(out, "%s -> %s: ", vm_name(matrix->model, source),
					       vm_name(matrix->model, destination));
			if (matrix->summary) {
				const VsOpenPorts *open =
					vs_matrix_open_ports(matrix, source, destination);
				g_autofree char *tcp = vs_render_port_ranges(open->tcp, ",");
				g_autofree char *udp = vs_render_port_ranges(open->udp, ",");

				g_string_append_printf(out, "tcp %s; udp %s; icmp %s\n", tcp, udp,
						       open->icmp ? "yes" : "no");
			} else {
				const VsVerdict *verdict =
					vs_matrix_verdict(matrix, source, destination);
				VsDecidedBy decided;

				if (vs_verdict_decided_by(verdict, vm_of(matrix->model, source),
							  vm_of(matrix->model, destination),
							  &decided)) {
					g_autofree char *why = vs_render_decided_by_text(&decided);

					g_string_append_printf(out, "Unreachable, decided by %s\n",
							       why);
				} else {
					g_string_append(out, "Reachable\n");
				}
			}
		}
	}
}
