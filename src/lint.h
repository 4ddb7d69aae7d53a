/*
 * lint.h - warnings about a model that loads but probably does not do what
 * its author meant: rules that can never match, unused objects, routes into
 * the void, one-sided peerings, overlapping peered address spaces and routing
 * loops.  `vnetsim validate` prints them (exit 0, or 1 with --strict).
 */
#ifndef VS_LINT_H
#define VS_LINT_H

#include <glib.h>

#include "diag.h"
#include "model.h"

/* The codes of the warnings, as VsDiag.code. */
#define VS_LINT_SHADOWED_RULE "shadowed-rule"
#define VS_LINT_DUPLICATE_RULE "duplicate-rule"
#define VS_LINT_UNUSED_NSG "unused-nsg"
#define VS_LINT_UNUSED_ROUTE_TABLE "unused-route-table"
#define VS_LINT_UNUSED_ASG "unused-asg"
#define VS_LINT_EMPTY_ASG "empty-asg"
#define VS_LINT_APPLIANCE_MISSING "appliance-missing"
#define VS_LINT_APPLIANCE_NO_FORWARDING "appliance-no-forwarding"
#define VS_LINT_ONE_SIDED_PEERING "one-sided-peering"
#define VS_LINT_PEERED_OVERLAP "peered-overlap"
#define VS_LINT_ROUTE_LOOP "route-loop"

typedef struct {
	const char *code;
	const char *description; /* one sentence: what the warning means */
} VsLintCheck;

/* Every check, in the order of the man page; n_checks receives how many. */
const VsLintCheck *vs_lint_checks(guint *n_checks);

/*
 * Appends a warning (VS_SEVERITY_WARNING, FILE:LINE:COL of the object at
 * fault, its object path, one of the codes above) for every finding in a
 * finished model.  Findings come in a fixed order (by check, then model order).
 */
void vs_lint_model(const VsModel *model, VsDiagList *diags);

#endif
