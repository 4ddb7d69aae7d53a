/*
 * sarif.h - findings as SARIF 2.1.0, the format code-scanning tools read, so
 * that lint warnings and diff findings show on the model file's lines in a
 * pull request.
 */
#ifndef VS_SARIF_H
#define VS_SARIF_H

#include <glib.h>

#include "diag.h"

/* What a finding's code means, for runs[].tool.driver.rules. */
typedef struct {
	const char *id;          /* the VsDiag code */
	const char *description; /* one sentence */
} VsSarifRule;

/*
 * One run of tool "vnetsim" with the rules that the diagnostics use (in order
 * of first use; descriptions looked up in rules, n_rules of them) and one
 * result per diagnostic: ruleId, level ("error" or "warning", from the
 * severity), message.text, a physical location (artifactLocation.uri, region.startLine and
 * startColumn when known) and the object path as a logical location.
 */
void vs_render_sarif(GString *out, const VsDiagList *diags, const VsSarifRule *rules,
		     guint n_rules);

#endif
