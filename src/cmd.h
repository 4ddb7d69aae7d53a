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

/* Prints the sorted errors of a failed load, then a one-line total, to stderr. */
void vs_cmd_report_load_failure(const char *path, VsDiagList *diags, const GError *error);

/*
 * Loads a model for a command.  On failure prints the errors to stderr
 * (FILE:LINE:COL each) and returns NULL; the caller exits with VS_EXIT_USAGE.
 * Warnings are kept in *warnings when it is not NULL (caller frees), else dropped.
 */
VsModel *vs_cmd_load_model(const char *path, VsDiagList **warnings);

#endif
