/*
 * cmd-flow.c - `vnetsim flow MODEL --vm VM[/NIC] --direction D --protocol P
 * --local IP:PORT --remote IP:PORT`: IP flow verify.  Says whether the NSGs
 * of the VM's NIC (its subnet's and its own, in Azure's order) allow one
 * packet, and which rule decides.  Like Network Watcher's, it consults
 * security rules only, never routes.
 */
#include "config.h"

#include "cmd.h"
#include "evaluate.h"
#include "render.h"

#define COMMAND "flow"

static const char *const direction_names[] = {"inbound", "outbound", NULL};
static const char *const protocol_names[] = {"tcp", "udp", NULL};

int
vs_cmd_flow(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", NULL};
	g_autofree char *vm = NULL, *direction_text = NULL, *protocol_text = NULL;
	g_autofree char *local = NULL, *remote = NULL, *format_name = NULL;
	const GOptionEntry entries[] = {
		{"vm", 0, 0, G_OPTION_ARG_STRING, &vm,
		 "The VM, and optionally which of its NICs (default: the one with the --local "
		 "address)",
		 "VM[/NIC]"},
		{"direction", 0, 0, G_OPTION_ARG_STRING, &direction_text,
		 "inbound (remote to local) or outbound (local to remote)", "DIRECTION"},
		{"protocol", 0, 0, G_OPTION_ARG_STRING, &protocol_text, "tcp or udp", "PROTOCOL"},
		{"local", 0, 0, G_OPTION_ARG_STRING, &local,
		 "The VM's own address and port, such as 10.1.1.4:443", "IP:PORT"},
		{"remote", 0, 0, G_OPTION_ARG_STRING, &remote,
		 "The other end's address and port, such as 203.0.113.9:50000", "IP:PORT"},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
		 "Output format: text (default) or json", "FORMAT"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	VsFormat format;
	VsIp4 local_ip, remote_ip;
	guint16 local_port, remote_port;
	VsDirection direction;
	VsPacket packet = {0};
	VsFlowRequest request = {0};
	VsNsgVerdict verdict;
	const VsNic *nic;
	const char *path;
	int choice;

	if (!vs_cmd_parse_options(
		    COMMAND, "MODEL",
		    "Verify one packet against the NSGs of a VM's NIC, as Network "
		    "Watcher's IP flow verify does,\nand name the rule that allows or "
		    "denies it.  Routes are not consulted.",
		    entries, &argc, &argv) ||
	    !vs_cmd_parse_format(COMMAND, format_name, formats, &format) ||
	    !vs_cmd_require(COMMAND, "--vm", vm, "VM[/NIC]") ||
	    !vs_cmd_require(COMMAND, "--direction", direction_text, "inbound|outbound") ||
	    !vs_cmd_require(COMMAND, "--protocol", protocol_text, "tcp|udp") ||
	    !vs_cmd_require(COMMAND, "--local", local, "IP:PORT") ||
	    !vs_cmd_require(COMMAND, "--remote", remote, "IP:PORT"))
		return VS_EXIT_USAGE;
	if ((choice = vs_cmd_parse_choice(COMMAND, "--direction", direction_text,
					  direction_names)) < 0)
		return VS_EXIT_USAGE;
	direction = choice == 0 ? VS_DIRECTION_INBOUND : VS_DIRECTION_OUTBOUND;
	if ((choice = vs_cmd_parse_choice(COMMAND, "--protocol", protocol_text, protocol_names)) <
	    0)
		return VS_EXIT_USAGE;
	packet.protocol = choice == 0 ? VS_PROTO_TCP : VS_PROTO_UDP;
	if (!vs_cmd_parse_endpoint(COMMAND, "--local", local, &local_ip, &local_port) ||
	    !vs_cmd_parse_endpoint(COMMAND, "--remote", remote, &remote_ip, &remote_port) ||
	    (path = vs_cmd_model_argument(COMMAND, argc, argv)) == NULL)
		return VS_EXIT_USAGE;

	model = vs_cmd_load_model(path, NULL);
	if (model == NULL)
		return VS_EXIT_USAGE;
	nic = vs_cmd_resolve_nic_with_ip(COMMAND, "--vm", model, vm, "--local", local_ip);
	if (nic == NULL)
		return VS_EXIT_USAGE;

	request.nic = nic;
	request.direction = direction;
	request.protocol = packet.protocol;
	request.local_ip = local_ip;
	request.local_port = local_port;
	request.remote_ip = remote_ip;
	request.remote_port = remote_port;
	packet = vs_evaluate_flow_packet(&request);
	engine = vs_engine_new(model);
	verdict = vs_evaluate_flow(engine, &request);

	if (format == VS_FORMAT_JSON)
		vs_render_flow_json(out, &verdict);
	else
		vs_render_flow_text(out, nic, direction, &packet, &verdict);
	vs_cmd_write(out);
	return VS_EXIT_OK;
}
