/*
 * render-test.h - the report of `vnetsim test`: text for people, TAP 13 for
 * TAP harnesses, JUnit XML for CI servers.  Renderers read a VsTestReport
 * (scenario.h) and decide nothing: which checks passed and why the others
 * failed is in the outcomes.  Each appends to a GString; output ends with a
 * newline and is the same for the same report.
 */
#ifndef VS_RENDER_TEST_H
#define VS_RENDER_TEST_H

#include <glib.h>

#include "scenario.h"

/*
 * One line per check: "✓ FILE:LINE: NAME" or "✗ FILE:LINE: NAME"; under a
 * failure, each failed expectation ("FIELD: expected X" over "got Y") and
 * the answer; last, "N checks: P passed, F failed" (", T todo" when some are).
 */
void vs_render_test_text(GString *out, const VsTestReport *report);

/* The last line of the text report, without its newline (owned). */
char *vs_render_test_summary(const VsTestReport *report);

/*
 * TAP version 13: the plan, then "ok N - FILE:LINE: NAME" or "not ok ...",
 * a failed todo check with "# TODO REASON", and under each failure a YAML
 * block (---/...) with the file, line, answer and failed expectations.
 */
void vs_render_test_tap(GString *out, const VsTestReport *report);

/*
 * JUnit XML as Jenkins, GitLab and GitHub's test reporters read it:
 * testsuites, one testsuite per scenario file, one testcase per check
 * (classname: the scenario's base name), a <failure> with the failed
 * expectations, <skipped> for a failed todo check.
 */
void vs_render_test_junit(GString *out, const VsTestReport *report);

#endif
