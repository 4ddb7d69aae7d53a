/*
 * cmd-check-batch.c - `vnetsim check MODEL --batch FILE|- [--verdict-only]`:
 * many checks against one loaded model, one JSON query per input line and
 * one JSON answer per output line (batch.h).  The reading and writing live
 * here; the answers come from batch.c.
 *
 * Exit status: 0 when every line was answered, 1 when some line was bad (its
 * error object is in the output, with its line number, and the batch went on),
 * 2 for bad usage, a bad model or an unreadable FILE.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "cmd.h"
#include "walk.h"

#define COMMAND "check"

/* Answers flush in blocks of about this many bytes: one write per block, not per line. */
#define FLUSH_BYTES 65536

int
vs_cmd_check_batch(const char *model_path, const char *batch_path, gboolean verdict_only,
		   gboolean has_query_options, const char *format)
{
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(VsBatch) batch = NULL;
	g_autoptr(GString) out = g_string_sized_new(FLUSH_BYTES * 2);
	gboolean from_stdin;
	FILE *in;
	char *line = NULL;
	size_t capacity = 0;
	ssize_t length;
	guint64 number = 0, bad = 0;

	if (batch_path == NULL)
		return vs_cmd_usage_error(COMMAND, "--verdict-only needs --batch FILE|-");
	if (has_query_options)
		return vs_cmd_usage_error(COMMAND,
					  "--batch reads its queries from %s: give --source, "
					  "--dest and the other query options on each line "
					  "(JSON fields source, dest, port, protocol, sourcePort, "
					  "probes, seed), not on the command line",
					  batch_path);
	if (format != NULL && strcmp(format, "json") != 0)
		return vs_cmd_usage_error(COMMAND, "--batch answers in JSON Lines only, not '%s'",
					  format);
	from_stdin = strcmp(batch_path, "-") == 0;
	in = from_stdin ? stdin : fopen(batch_path, "r");
	if (in == NULL) {
		fprintf(stderr, "vnetsim %s: --batch '%s': %s\n", COMMAND, batch_path,
			g_strerror(errno));
		return VS_EXIT_USAGE;
	}
	model = vs_cmd_load_model(model_path, NULL);
	if (model == NULL) {
		if (!from_stdin)
			fclose(in);
		return VS_EXIT_USAGE;
	}
	engine = vs_engine_new(model);
	batch = vs_batch_new(model, engine, verdict_only);
	while ((length = getline(&line, &capacity, in)) >= 0) {
		if (!vs_batch_answer(batch, line, (gsize)length, ++number, out))
			bad++;
		if (out->len >= FLUSH_BYTES) {
			fwrite(out->str, 1, out->len, stdout);
			g_string_truncate(out, 0);
		}
	}
	free(line);
	if (ferror(in)) {
		fprintf(stderr,
			"vnetsim %s: --batch '%s': read error after line %" G_GUINT64_FORMAT "\n",
			COMMAND, batch_path, number);
		bad++;
	}
	if (!from_stdin)
		fclose(in);
	fwrite(out->str, 1, out->len, stdout);
	if (fflush(stdout) != 0)
		return VS_EXIT_INTERNAL;
	if (bad > 0) {
		fprintf(stderr,
			"vnetsim %s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
			" lines had errors (see their error objects)\n",
			COMMAND, bad, number);
		return VS_EXIT_FAILED;
	}
	return VS_EXIT_OK;
}
