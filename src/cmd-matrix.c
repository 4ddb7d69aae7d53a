/*
 * cmd-matrix.c - `vnetsim matrix MODEL [--port N --protocol P]`: every VM to
 * every other VM and to the internet.  With a port (or --protocol icmp): the
 * verdict of each pair and what decided it; without: the open ports of each
 * pair, every port of tcp and udp, and icmp.  Computed over equivalence
 * classes (matrix.c), exact for every VM.
 */
#include "config.h"

#include "cmd.h"
#include "matrix.h"
#include "render-matrix.h"
#include "walk.h"

#define COMMAND "matrix"

static const char *const protocol_names[] = {"tcp", "udp", "icmp", NULL};

int
vs_cmd_matrix(int argc, char **argv)
{
	static const char *const formats[] = {"text", "csv", "json", NULL};
	g_autofree char *port_text = NULL, *protocol_text = NULL, *format_text = NULL;
	const GOptionEntry entries[] = {
		{"port", 'p', 0, G_OPTION_ARG_STRING, &port_text,
		 "Destination port 0..65535: one verdict per pair (default: every port)", "N"},
		{"protocol", 'P', 0, G_OPTION_ARG_STRING, &protocol_text,
		 "tcp (default), udp or icmp; tcp and udp need --port", "PROTOCOL"},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
		 "Output format: text (default), csv or json", "FORMAT"},
		G_OPTION_ENTRY_NULL,
	};
	const VsProtocol protocols[] = {VS_PROTO_TCP, VS_PROTO_UDP, VS_PROTO_ICMP};
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(VsMatrix) matrix = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	VsFormat format;
	int protocol = 0;
	guint16 port = 0;
	const char *path;

	if (!vs_cmd_parse_options(COMMAND, "MODEL",
				  "Reachability between every pair of VMs, and from each VM to "
				  "the internet:\nwith --port, the verdict of each pair and the "
				  "rule or route that decides it;\nwithout, the open ports of each "
				  "pair (every port of tcp and udp, and icmp).",
				  entries, &argc, &argv) ||
	    !vs_cmd_parse_format(COMMAND, format_text, formats, &format))
		return VS_EXIT_USAGE;
	if (protocol_text != NULL &&
	    (protocol = vs_cmd_parse_choice(COMMAND, "--protocol", protocol_text, protocol_names)) <
		    0)
		return VS_EXIT_USAGE;
	if (port_text != NULL && !vs_cmd_parse_port(COMMAND, "--port", port_text, &port))
		return VS_EXIT_USAGE;
	if (protocols[protocol] == VS_PROTO_ICMP && port_text != NULL)
		return vs_cmd_usage_error(COMMAND,
					  "--port does not apply to --protocol icmp (ICMP has "
					  "no ports)");
	if (protocol_text != NULL && protocols[protocol] != VS_PROTO_ICMP && port_text == NULL)
		return vs_cmd_usage_error(COMMAND,
					  "--protocol %s needs a destination --port N (without "
					  "both, matrix lists the open ports of every protocol)",
					  protocol_names[protocol]);
	if ((path = vs_cmd_model_argument(COMMAND, argc, argv)) == NULL)
		return VS_EXIT_USAGE;

	model = vs_cmd_load_model(path, NULL);
	if (model == NULL)
		return VS_EXIT_USAGE;
	engine = vs_engine_new(model);
	if (port_text != NULL || protocol_text != NULL)
		matrix = vs_matrix_new(engine, protocols[protocol], port);
	else
		matrix = vs_matrix_new_summary(engine);

	if (format == VS_FORMAT_JSON)
		vs_render_matrix_json(out, matrix);
	else if (format == VS_FORMAT_CSV)
		vs_render_matrix_csv_flushing(out, matrix, vs_cmd_flush, NULL);
	else
		vs_render_matrix_text(out, matrix);
	vs_cmd_write(out);
	return VS_EXIT_OK;
}
