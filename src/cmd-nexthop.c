/*
 * cmd-nexthop.c - `vnetsim nexthop MODEL --vm VM[/NIC] --source IP --dest IP`:
 * next hop.  The route the source NIC's subnet chooses for the destination
 * (longest prefix among its effective routes), as Network Watcher's next hop
 * answers it: one routing decision, no NSGs, no further hops.
 */
#include "config.h"

#include "cmd.h"
#include "evaluate.h"
#include "render.h"

#define COMMAND "nexthop"

int
vs_cmd_nexthop(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", NULL};
	g_autofree char *vm = NULL, *source = NULL, *dest = NULL, *format_name = NULL;
	const GOptionEntry entries[] = {
		{"vm", 0, 0, G_OPTION_ARG_STRING, &vm,
		 "The VM, and optionally which of its NICs (default: the one with the --source "
		 "address)",
		 "VM[/NIC]"},
		{"source", 0, 0, G_OPTION_ARG_STRING, &source, "The VM's own address", "IP"},
		{"dest", 0, 0, G_OPTION_ARG_STRING, &dest, "The destination address", "IP"},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
		 "Output format: text (default) or json", "FORMAT"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	const VsEffectiveRoute *route;
	VsIp4 source_ip, destination;
	VsFormat format;
	const VsNic *nic;
	const char *path;

	if (!vs_cmd_parse_options(COMMAND, "MODEL",
				  "Show the next hop a VM's subnet chooses for a destination, as "
				  "Network Watcher's next hop does,\nand the route that chose it.",
				  entries, &argc, &argv) ||
	    !vs_cmd_parse_format(COMMAND, format_name, formats, &format) ||
	    !vs_cmd_require(COMMAND, "--vm", vm, "VM[/NIC]") ||
	    !vs_cmd_require(COMMAND, "--source", source, "IP (the VM's own address)") ||
	    !vs_cmd_require(COMMAND, "--dest", dest, "IP") ||
	    !vs_cmd_parse_ip(COMMAND, "--source", source, &source_ip) ||
	    !vs_cmd_parse_ip(COMMAND, "--dest", dest, &destination) ||
	    (path = vs_cmd_model_argument(COMMAND, argc, argv)) == NULL)
		return VS_EXIT_USAGE;

	model = vs_cmd_load_model(path, NULL);
	if (model == NULL)
		return VS_EXIT_USAGE;
	nic = vs_cmd_resolve_nic_with_ip(COMMAND, "--vm", model, vm, "--source", source_ip);
	if (nic == NULL)
		return VS_EXIT_USAGE;

	engine = vs_engine_new(model);
	route = vs_evaluate_nexthop(engine, nic, destination);
	if (format == VS_FORMAT_JSON)
		vs_render_nexthop_json(out, model, route);
	else
		vs_render_nexthop_text(out, destination, route);
	vs_cmd_write(out);
	return VS_EXIT_OK;
}
