/*
 * main.c - vnetsim's entry point: picks the subcommand and runs it.
 *
 *   vnetsim COMMAND MODEL [options]
 *   vnetsim help [COMMAND]
 *   vnetsim --version
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int cmd_help(int argc, char **argv);

const VsCmd vs_commands[] = {
	{"check", vs_cmd_check,
	 "MODEL --source VM[/NIC] --dest TARGET [--port N] [--protocol tcp|udp|icmp|http|https] "
	 "[--source-port N] [--probes N] [--seed N] [--format text|json] [--explain] "
	 "[--expect reachable|unreachable]",
	 "troubleshoot a connection: the path hop by hop, and what blocks it"},
	{"flow", vs_cmd_flow,
	 "MODEL --vm VM[/NIC] --direction inbound|outbound --protocol tcp|udp --local IP:PORT "
	 "--remote IP:PORT [--format text|json]",
	 "IP flow verify: does a NIC's NSGs allow one packet, and which rule says so"},
	{"nexthop", vs_cmd_nexthop,
	 "MODEL --vm VM[/NIC] --source IP --dest IP [--format text|json]",
	 "the next hop a VM's subnet chooses for a destination, and its route"},
	{"rules", vs_cmd_rules, "MODEL --vm VM[/NIC] [--format text|json]",
	 "the effective security rules of a NIC, service tags expanded"},
	{"routes", vs_cmd_routes, "MODEL --vm VM[/NIC] [--format text|json]",
	 "the effective routes of a NIC, each Active or Invalid"},
	{"validate", vs_cmd_validate, "MODEL [--strict] [--format text|json|sarif]",
	 "load and lint a model: errors and warnings with FILE:LINE:COL, a summary"},
	{"matrix", vs_cmd_matrix,
	 "MODEL [--port N --protocol tcp|udp|icmp] [--format text|csv|json]",
	 "reachability of every pair of VMs, and each to the internet"},
	{"diff", vs_cmd_diff, "OLD_MODEL NEW_MODEL [--format text|json|sarif]",
	 "every flow whose verdict differs between two models, over every port"},
	{"test", vs_cmd_test,
	 "SCENARIO... [--format text|tap|junit] [--output FILE] [--model MODEL]",
	 "run regression scenarios: expected answers of check, flow and nexthop"},
	{"help", cmd_help, "[COMMAND]", "describe the commands"},
	{NULL, NULL, NULL, NULL},
};

const VsCmd *
vs_cmd_find(const char *name)
{
	for (const VsCmd *cmd = vs_commands; cmd->name != NULL; cmd++)
		if (strcmp(cmd->name, name) == 0)
			return cmd;
	return NULL;
}

static void
print_overview(FILE *out)
{
	fputs("usage: vnetsim COMMAND MODEL [options]\n"
	      "\n"
	      "Answers whether one VM of an Azure-style virtual network can reach another,\n"
	      "and which rule or route stops it, offline, from a YAML model.\n"
	      "\n"
	      "commands:\n",
	      out);
	for (const VsCmd *cmd = vs_commands; cmd->name != NULL; cmd++)
		fprintf(out, "  %-9s %s\n", cmd->name, cmd->summary);
	fputs("\n'vnetsim help COMMAND' or 'vnetsim COMMAND --help' for a command's options;\n"
	      "man vnetsim(1) and vnetsim-model(5) for the whole story.\n",
	      out);
}

static int
cmd_help(int argc, char **argv)
{
	const VsCmd *cmd;

	if (argc < 2) {
		print_overview(stdout);
		return VS_EXIT_OK;
	}
	cmd = vs_cmd_find(argv[1]);
	if (cmd == NULL || cmd->run == cmd_help) {
		if (cmd == NULL)
			return vs_cmd_usage_error("help", "unknown command '%s'", argv[1]);
		printf("usage: vnetsim help [COMMAND]\n");
		return VS_EXIT_OK;
	}
	{
		g_autofree char *name = g_strdup(cmd->name);
		g_autofree char *flag = g_strdup("--help");
		char *help_argv[] = {name, flag, NULL};

		return cmd->run(2, help_argv);
	}
}

int
main(int argc, char **argv)
{
	const VsCmd *cmd;

	setlocale(LC_ALL, "");
	if (argc < 2) {
		print_overview(stderr);
		return VS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return VS_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_overview(stdout);
		return VS_EXIT_OK;
	}
	cmd = vs_cmd_find(argv[1]);
	if (cmd == NULL) {
		fprintf(stderr, "vnetsim: unknown command '%s'\n\n", argv[1]);
		print_overview(stderr);
		return VS_EXIT_USAGE;
	}
	{
		/* GOption's --help and errors then say "vnetsim check", not "check" */
		g_autofree char *prgname = g_strdup_printf("vnetsim %s", cmd->name);

		g_set_prgname(prgname);
		return cmd->run(argc - 1, argv + 1);
	}
}
