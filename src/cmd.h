/*
 * cmd.h - the subcommands, and the helpers they share.
 *
 * Each cmd-<verb>.c exports one entry point with the signature of VsCmdFunc;
 * main.c holds the table.  Only main.c and the cmd-*.c files print or choose
 * an exit status; the library below them returns values and GErrors.
 */
#ifndef VS_CMD_H
#define VS_CMD_H

#include <glib.h>
#include <stdio.h>

#include "addr.h"
#include "diag.h"
#include "model.h"

/* Exit statuses, as the command line contract fixes them. */
enum {
	VS_EXIT_OK = 0,       /* success (a check computed its answer) */
	VS_EXIT_FAILED = 1,   /* an expectation failed, a test failed, a diff found changes */
	VS_EXIT_USAGE = 2,    /* bad usage or a bad model */
	VS_EXIT_INTERNAL = 3, /* a bug */
};

/* argv[0] is the subcommand's name; returns the exit status. */
typedef int (*VsCmdFunc)(int argc, char **argv);

typedef struct {
	const char *name;
	VsCmdFunc run;
	const char *usage;   /* "MODEL --source VM --dest TARGET [options]" */
	const char *summary; /* one line */
} VsCmd;

/* Entry points, one per cmd-<verb>.c. */
int vs_cmd_validate(int argc, char **argv);
int vs_cmd_check(int argc, char **argv);
int vs_cmd_flow(int argc, char **argv);
int vs_cmd_nexthop(int argc, char **argv);
int vs_cmd_rules(int argc, char **argv);
int vs_cmd_routes(int argc, char **argv);
int vs_cmd_test(int argc, char **argv);
int vs_cmd_matrix(int argc, char **argv);
int vs_cmd_diff(int argc, char **argv);

/*
 * check --batch FILE|- [--verdict-only] (cmd-check-batch.c): has_query_options
 * says a single-check option (--source, --dest, --port...) was given too, a
 * usage error; format is --format's value or NULL.  Returns the exit status.
 */
int vs_cmd_check_batch(const char *model_path, const char *batch_path, gboolean verdict_only,
		       gboolean has_query_options, const char *format);

/* The command table (main.c), NULL-terminated by a zero entry. */
extern const VsCmd vs_commands[];
const VsCmd *vs_cmd_find(const char *name);

/* Output formats a command may accept. */
typedef enum {
	VS_FORMAT_TEXT,
	VS_FORMAT_JSON,
	VS_FORMAT_DOT,
	VS_FORMAT_CSV,
	VS_FORMAT_TAP,
	VS_FORMAT_JUNIT,
	VS_FORMAT_SARIF,
} VsFormat;

/*
 * Parses a --format value against the formats allowed (a NULL-terminated list
 * of names such as "text", "json").  Prints a usage error naming the allowed
 * values and returns FALSE when it is not one of them.
 */
gboolean vs_cmd_parse_format(const char *command, const char *value, const char *const *allowed,
			     VsFormat *out);

/* Prints "vnetsim COMMAND: MESSAGE" and a hint to stderr; returns VS_EXIT_USAGE. */
int vs_cmd_usage_error(const char *command, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* Prints every diagnostic, one per line, to out (stderr for errors). */
void vs_cmd_print_diags(FILE *out, const VsDiagList *diags);

/*
 * The whole front of a command of the form `vnetsim COMMAND MODEL --vm VM[/NIC]
 * [--format text|json]` (rules, routes): parses the options, loads the model and
 * resolves the NIC.  On any problem prints it and returns FALSE (exit VS_EXIT_USAGE).
 */
gboolean vs_cmd_vm_command(const char *command, const char *summary, int *argc, char ***argv,
			   VsModel **model, const VsNic **nic, VsFormat *format);

/* Prints the sorted errors of a failed load, then a one-line total, to stderr. */
void vs_cmd_report_load_failure(const char *path, VsDiagList *diags, const GError *error);

/*
 * Loads a model for a command.  On failure prints the errors to stderr
 * (FILE:LINE:COL each) and returns NULL; the caller exits with VS_EXIT_USAGE.
 * Warnings are kept in *warnings when it is not NULL (caller frees), else dropped.
 */
VsModel *vs_cmd_load_model(const char *path, VsDiagList **warnings);

/*
 * Option parsing shared by the commands.  Each helper that can fail prints a
 * usage error ("vnetsim COMMAND: --OPTION 'VALUE': expected ...") and returns
 * FALSE (or NULL); the caller returns VS_EXIT_USAGE.  Commands check every
 * option this way before they load the model, so usage errors come first and
 * cost nothing.
 */

/*
 * Parses argv against entries with GOption (--help included; it exits).
 * parameter names the positional arguments ("MODEL") and summary describes
 * the command in --help.  Leaves the positional arguments in argv[1..].
 */
gboolean vs_cmd_parse_options(const char *command, const char *parameter, const char *summary,
			      const GOptionEntry *entries, int *argc, char ***argv);

/* The one MODEL argument left after the options; NULL (after a usage error) if none or more. */
const char *vs_cmd_model_argument(const char *command, int argc, char **argv);

/* A required option: FALSE with "missing --OPTION DESCRIPTION" when value is NULL. */
gboolean vs_cmd_require(const char *command, const char *option, const char *value,
			const char *description);

/* A decimal number min..max, nothing else (no sign, no spaces); what names it in the error
 * ("a port number": "--port 'x': expected a port number 0..65535"). */
gboolean vs_cmd_parse_number(const char *command, const char *option, const char *value,
			     guint64 min, guint64 max, const char *what, guint64 *out);
/* A port number 0..65535. */
gboolean vs_cmd_parse_port(const char *command, const char *option, const char *value,
			   guint16 *out);
/* A dotted-quad IPv4 address. */
gboolean vs_cmd_parse_ip(const char *command, const char *option, const char *value, VsIp4 *out);
/* IP:PORT, as --local and --remote take them. */
gboolean vs_cmd_parse_endpoint(const char *command, const char *option, const char *value,
			       VsIp4 *ip, guint16 *port);
/*
 * One of choices (NULL-terminated, compared case-insensitively); returns its
 * index, or -1 after a usage error listing them.
 */
int vs_cmd_parse_choice(const char *command, const char *option, const char *value,
			const char *const *choices);

/*
 * Resolves "VM" (its first NIC) or "VM/NIC" in model; NULL after a usage
 * error naming the option and the VMs (or the VM's NICs) that exist.
 */
VsNic *vs_cmd_resolve_nic(const char *command, const char *option, const VsModel *model,
			  const char *spec);

/*
 * Like vs_cmd_resolve_nic, for the commands that also take one of the VM's
 * own addresses (flow --local, nexthop --source), as Network Watcher does:
 * "VM" picks the VM's NIC that has ip; "VM/NIC" must have it.  NULL after a
 * usage error naming ip_option and the VM's addresses.
 */
VsNic *vs_cmd_resolve_nic_with_ip(const char *command, const char *option, const VsModel *model,
				  const char *spec, const char *ip_option, VsIp4 ip);

/* Writes a rendered result to stdout, as is (fputs, no charset conversion). */
void vs_cmd_write(const GString *text);

/* A VsRenderFlush: writes what a renderer has so far and empties it, so that the
 * rows of a large estate (matrix, diff: hundreds of millions) stream out instead
 * of piling up.  data is unused. */
void vs_cmd_flush(GString *out, gpointer data);

#endif
