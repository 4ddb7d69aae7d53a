/*
 * cmd-routes.c - `vnetsim routes MODEL --vm VM[/NIC]`: the effective routes
 * of the NIC's subnet (system, peering and user routes, with the ones a user
 * route overrides shown Invalid), as Azure's effective routes list them.
 */
#include "config.h"

#include "cmd.h"
#include "render.h"
#include "walk.h"

#define COMMAND "routes"

int
vs_cmd_routes(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", NULL};
	g_autofree char *vm = NULL, *format_name = NULL;
	const GOptionEntry entries[] = {
		{"vm", 0, 0, G_OPTION_ARG_STRING, &vm,
		 "The VM, and optionally which of its NICs (default: the first)", "VM[/NIC]"},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
		 "Output format: text (default) or json", "FORMAT"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	const GArray *routes;
	VsFormat format;
	const VsNic *nic;
	const char *path;

	if (!vs_cmd_parse_options(COMMAND, "MODEL",
				  "List the effective routes of a VM's NIC: its subnet's system "
				  "routes, peering routes\nand route table, each Active or Invalid "
				  "(overridden), as Azure's effective routes do.",
				  entries, &argc, &argv) ||
	    !vs_cmd_parse_format(COMMAND, format_name, formats, &format) ||
	    !vs_cmd_require(COMMAND, "--vm", vm, "VM[/NIC]") ||
	    (path = vs_cmd_model_argument(COMMAND, argc, argv)) == NULL)
		return VS_EXIT_USAGE;

	model = vs_cmd_load_model(path, NULL);
	if (model == NULL)
		return VS_EXIT_USAGE;
	nic = vs_cmd_resolve_nic(COMMAND, "--vm", model, vm);
	if (nic == NULL)
		return VS_EXIT_USAGE;

	engine = vs_engine_new(model);
	routes = vs_route_index_routes(engine->routes, nic->subnet);
	if (format == VS_FORMAT_JSON)
		vs_render_routes_json(out, routes);
	else
		vs_render_routes_text(out, routes);
	vs_cmd_write(out);
	return VS_EXIT_OK;
}
