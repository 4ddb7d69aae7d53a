/*
 * batch.h - many checks against one loaded model: one query per line in
 * (JSON Lines), one answer per line out.  This is how scripts, CI jobs and
 * the benchmark drive thousands of checks without reloading the model.
 *
 * A query is a JSON object with the fields of check's options: "source"
 * (VM or VM/NIC, required), "dest" (required: a VM, an IPv4 address, or a
 * name or URI the model's DNS resolves), "port", "protocol" (tcp, udp, icmp,
 * http, https; default tcp), "sourcePort" (default 50000), "probes" (1..100,
 * default 30) and "seed" (default 1); numbers may be given as numbers or as
 * decimal strings.  The answer is the JSON of `check --format json` on one
 * line, or with verdict_only just {"connectionStatus", "decidedBy"} where
 * decidedBy names the deciding issue (absent when Reachable).  A bad line
 * gets {"line": N, "error": "..."} and the batch goes on.  Blank lines are
 * skipped.
 */
#ifndef VS_BATCH_H
#define VS_BATCH_H

#include <glib.h>

#include "model.h"
#include "walk.h"

typedef struct VsBatch VsBatch;

/* Borrows model and engine (both must outlive the batch). */
VsBatch *vs_batch_new(const VsModel *model, const VsEngine *engine, gboolean verdict_only);
void vs_batch_free(VsBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsBatch, vs_batch_free)

/*
 * Answers one input line (length bytes, without its line end) by appending
 * one line, '\n' included, to out; a blank line appends nothing.  line_number
 * (1-based) goes into error objects.  Returns FALSE when the line was bad
 * (out then holds its error object).
 */
gboolean vs_batch_answer(VsBatch *batch, const char *line, gsize length, guint64 line_number,
			 GString *out);

/* Appends text as a JSON string literal, quotes included (the escaping JSON requires). */
void vs_batch_append_json_string(GString *out, const char *text);

/* Appends json with every whitespace outside string literals removed: one compact line. */
void vs_batch_append_compact(GString *out, const char *json, gsize length);

#endif
