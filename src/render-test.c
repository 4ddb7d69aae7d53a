/*
 * render-test.c - the report of `vnetsim test` as text, TAP 13 and JUnit XML.
 * Three small writers over the same outcomes, each with its one escaping
 * rule: none for text (names are printed as written), YAML double quotes for
 * TAP diagnostics, XML entities for JUnit.
 */
#include "config.h"

#include <string.h>

#include "render-test.h"

/* ---------------------------------------------------------------- text */

char *
vs_render_test_summary(const VsTestReport *report)
{
	guint total = report->outcomes->len;
	g_autoptr(GString) line = g_string_new(NULL);

	g_string_append_printf(line, "%u check%s: %u passed, %u failed", total,
			       total == 1 ? "" : "s", report->passed, report->failed);
	if (report->todo > 0)
		g_string_append_printf(line, ", %u todo", report->todo);
	return g_string_free(g_steal_pointer(&line), FALSE);
}

static void
append_location(GString *out, const VsCheckOutcome *outcome)
{
	g_string_append_printf(out, "%s:%u: %s", outcome->scenario->file, outcome->check->pos.line,
			       outcome->check->name);
}

void
vs_render_test_text(GString *out, const VsTestReport *report)
{
	g_autofree char *summary = vs_render_test_summary(report);

	for (guint i = 0; i < report->outcomes->len; i++) {
		const VsCheckOutcome *outcome = g_ptr_array_index(report->outcomes, i);
		const char *todo = outcome->check->todo;

		g_string_append(out, outcome->passed ? "✓ " : "✗ ");
		append_location(out, outcome);
		if (todo != NULL && outcome->passed)
			g_string_append_printf(out, " (todo: %s; it passes now: remove the todo)",
					       todo);
		else if (todo != NULL)
			g_string_append_printf(out, " (todo: %s)", todo);
		g_string_append_c(out, '\n');
		if (outcome->passed)
			continue;
		for (guint m = 0; m < outcome->mismatches->len; m++) {
			const VsMismatch *mismatch = g_ptr_array_index(outcome->mismatches, m);
			/* "got" lines up under "expected", past "FIELD: " */
			int indent = (int)strlen(mismatch->field) + 2;

			g_string_append_printf(out, "    %s: expected %s\n    %*sgot      %s\n",
					       mismatch->field, mismatch->expected, indent, "",
					       mismatch->actual);
		}
		g_string_append_printf(out, "    answer: %s\n", outcome->answer);
	}
	g_string_append_printf(out, "%s\n", summary);
}

/* ---------------------------------------------------------------- TAP */

/* A TAP description: one line, '#' escaped (it would start a directive). */
static void
append_tap_description(GString *out, const char *text)
{
	for (const char *c = text; *c != '\0'; c++) {
		if (*c == '#')
			g_string_append(out, "\\#");
		else if ((guchar)*c < 0x20 || *c == 0x7f)
			g_string_append_c(out, ' ');
		else
			g_string_append_c(out, *c);
	}
}

/* A YAML double-quoted scalar. */
static void
append_yaml_string(GString *out, const char *text)
{
	g_string_append_c(out, '"');
	for (const char *c = text; *c != '\0'; c++) {
		if (*c == '"' || *c == '\\')
			g_string_append_printf(out, "\\%c", *c);
		else if (*c == '\n')
			g_string_append(out, "\\n");
		else if (*c == '\t')
			g_string_append(out, "\\t");
		else if ((guchar)*c < 0x20 || *c == 0x7f)
			g_string_append_printf(out, "\\x%02x", (guchar)*c);
		else
			g_string_append_c(out, *c);
	}
	g_string_append_c(out, '"');
}

void
vs_render_test_tap(GString *out, const VsTestReport *report)
{
	g_string_append_printf(out, "TAP version 13\n1..%u\n", report->outcomes->len);
	for (guint i = 0; i < report->outcomes->len; i++) {
		const VsCheckOutcome *outcome = g_ptr_array_index(report->outcomes, i);
		g_autoptr(GString) description = g_string_new(NULL);

		append_location(description, outcome);
		g_string_append_printf(out, "%s %u - ", outcome->passed ? "ok" : "not ok", i + 1);
		append_tap_description(out, description->str);
		if (outcome->check->todo != NULL) {
			g_string_append(out, " # TODO ");
			append_tap_description(out, outcome->check->todo);
		}
		g_string_append_c(out, '\n');
		if (outcome->passed)
			continue;
		g_string_append(out, "  ---\n  file: ");
		append_yaml_string(out, outcome->scenario->file);
		g_string_append_printf(out, "\n  line: %u\n  answer: ", outcome->check->pos.line);
		append_yaml_string(out, outcome->answer);
		g_string_append(out, "\n  failures:\n");
		for (guint m = 0; m < outcome->mismatches->len; m++) {
			const VsMismatch *mismatch = g_ptr_array_index(outcome->mismatches, m);

			g_string_append(out, "    - field: ");
			append_yaml_string(out, mismatch->field);
			g_string_append(out, "\n      expected: ");
			append_yaml_string(out, mismatch->expected);
			g_string_append(out, "\n      got: ");
			append_yaml_string(out, mismatch->actual);
			g_string_append_c(out, '\n');
		}
		g_string_append(out, "  ...\n");
	}
}

/* ---------------------------------------------------------------- JUnit */

/*
 * Text for an XML attribute (attribute: TRUE) or element: the five entities;
 * in an attribute, tab and newline as character references (a parser would
 * turn them into spaces); the control characters XML 1.0 forbids replaced by
 * U+FFFD.
 */
static void
append_xml_text(GString *out, const char *text, gboolean attribute)
{
	for (const char *c = text; *c != '\0'; c++) {
		switch (*c) {
		case '&':
			g_string_append(out, "&amp;");
			break;
		case '<':
			g_string_append(out, "&lt;");
			break;
		case '>':
			g_string_append(out, "&gt;");
			break;
		case '"':
			g_string_append(out, "&quot;");
			break;
		case '\'':
			g_string_append(out, "&apos;");
			break;
		case '\n':
			g_string_append(out, attribute ? "&#10;" : "\n");
			break;
		case '\t':
			g_string_append(out, attribute ? "&#9;" : "\t");
			break;
		default:
			if ((guchar)*c < 0x20)
				g_string_append(out, "\xef\xbf\xbd");
			else
				g_string_append_c(out, *c);
		}
	}
}

static void
append_xml(GString *out, const char *text)
{
	append_xml_text(out, text, TRUE);
}

/* "hub-spoke" for "scenarios/hub-spoke.yaml": what CI servers show as the class. */
static char *
class_name(const char *file)
{
	char *base = g_path_get_basename(file);
	char *dot = strrchr(base, '.');

	if (dot != NULL && dot != base)
		*dot = '\0';
	return base;
}

static void
append_testcase(GString *out, const VsCheckOutcome *outcome, const char *classname)
{
	const char *todo = outcome->check->todo;

	g_string_append(out, "    <testcase classname=\"");
	append_xml(out, classname);
	g_string_append(out, "\" name=\"");
	append_xml(out, outcome->check->name);
	g_string_append(out, "\" file=\"");
	append_xml(out, outcome->scenario->file);
	g_string_append_printf(out, "\" line=\"%u\"", outcome->check->pos.line);
	if (outcome->passed) {
		g_string_append(out, "/>\n");
		return;
	}
	g_string_append(out, ">\n");
	if (todo != NULL) {
		g_string_append(out, "      <skipped message=\"todo: ");
		append_xml(out, todo);
		g_string_append(out, "\"/>\n");
	} else {
		const VsMismatch *first = g_ptr_array_index(outcome->mismatches, 0);
		g_autoptr(GString) message = g_string_new(NULL);
		g_autoptr(GString) body = g_string_new(NULL);

		g_string_append_printf(message, "%s: expected %s, got %s", first->field,
				       first->expected, first->actual);
		if (outcome->mismatches->len > 1)
			g_string_append_printf(message, " (and %u more)",
					       outcome->mismatches->len - 1);
		for (guint m = 0; m < outcome->mismatches->len; m++) {
			const VsMismatch *mismatch = g_ptr_array_index(outcome->mismatches, m);

			g_string_append_printf(body, "%s: expected %s\n%*sgot      %s\n",
					       mismatch->field, mismatch->expected,
					       (int)strlen(mismatch->field) + 2, "",
					       mismatch->actual);
		}
		g_string_append_printf(body, "answer: %s", outcome->answer);
		g_string_append(out, "      <failure type=\"ExpectationFailed\" message=\"");
		append_xml(out, message->str);
		g_string_append(out, "\">");
		append_xml_text(out, body->str, FALSE);
		g_string_append(out, "</failure>\n");
	}
	g_string_append(out, "    </testcase>\n");
}

void
vs_render_test_junit(GString *out, const VsTestReport *report)
{
	guint i = 0;

	g_string_append_printf(out,
			       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			       "<testsuites name=\"vnetsim test\" tests=\"%u\" failures=\"%u\" "
			       "errors=\"0\" skipped=\"%u\">\n",
			       report->outcomes->len, report->failed, report->todo);
	/* outcomes come in file order: each run of one scenario's checks is a testsuite */
	while (i < report->outcomes->len) {
		const VsScenario *scenario =
			((const VsCheckOutcome *)g_ptr_array_index(report->outcomes, i))->scenario;
		g_autofree char *classname = class_name(scenario->file);
		guint end = i, failures = 0, skipped = 0;

		for (; end < report->outcomes->len; end++) {
			const VsCheckOutcome *outcome = g_ptr_array_index(report->outcomes, end);

			if (outcome->scenario != scenario)
				break;
			if (!outcome->passed && outcome->check->todo != NULL)
				skipped++;
			else if (!outcome->passed)
				failures++;
		}
		g_string_append(out, "  <testsuite name=\"");
		append_xml(out, scenario->file);
		g_string_append_printf(out,
				       "\" tests=\"%u\" failures=\"%u\" errors=\"0\" "
				       "skipped=\"%u\">\n",
				       end - i, failures, skipped);
		for (; i < end; i++)
			append_testcase(out, g_ptr_array_index(report->outcomes, i), classname);
		g_string_append(out, "  </testsuite>\n");
	}
	g_string_append(out, "</testsuites>\n");
}
