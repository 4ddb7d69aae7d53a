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
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	const GArray *routes;
	VsFormat format;
	const VsNic *nic;

	if (!vs_cmd_vm_command(COMMAND,
			       "List the effective routes of a VM's NIC: its subnet's system "
			       "routes, peering routes\nand route table, each Active or Invalid "
			       "(overridden), as Azure's effective routes do.",
			       &argc, &argv, &model, &nic, &format))
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
