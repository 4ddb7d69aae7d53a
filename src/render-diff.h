/*
 * render-diff.h - diff results as text (one line per difference), JSON, and
 * as diagnostics for SARIF.  Renderers read, never decide.
 */
#ifndef VS_RENDER_DIFF_H
#define VS_RENDER_DIFF_H

#include <glib.h>

#include "diag.h"
#include "diff.h"
#include "render-matrix.h"

/*
 * One line per difference:
 *   web1 -> db1 tcp/1433: Reachable -> Unreachable, now denied by nsg-db
 *   UserRule_deny-sql (new.yaml:42)
 * then the VMs only in one model, and a closing count.
 */
void vs_render_diff_text(GString *out, const VsDiff *diff, const GArray *differences);
/* The same text for every difference of diff, without listing them first; out is
 * handed to flush (when not NULL) whenever it holds chunk bytes or more. */
void vs_render_diff_text_flushing(GString *out, const VsDiff *diff, gsize chunk,
				  VsRenderFlush flush, gpointer data);

/*
 * {"differences": [{"source", "destination", "protocol", "ports", "before":
 * {"connectionStatus", "decidedBy"}, "after": {...}}], "removedVms": [...],
 * "addedVms": [...], "internetAddress"}.
 */
void vs_render_diff_json(GString *out, const VsDiff *diff, const GArray *differences);

/*
 * Each difference as a warning (code "reachability-gained" or
 * "reachability-lost") located where a reviewer of the new model should look:
 * the rule or route that now decides, else the destination VM (the source VM
 * for the internet) in the new model.
 */
void vs_diff_to_diags(const VsDiff *diff, const GArray *differences, VsDiagList *diags);

#endif
