/*
 * test-util.c - assertions shared by the unit suites.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "test-util.h"

void
vs_test_assert_text_eq_at(int line, const char *actual, const char *expected)
{
	g_auto(GStrv) got = g_strsplit(actual, "\n", -1);
	g_auto(GStrv) want = g_strsplit(expected, "\n", -1);

	if (strcmp(actual, expected) == 0)
		return;
	for (guint i = 0;; i++) {
		if (got[i] != NULL && want[i] != NULL && strcmp(got[i], want[i]) == 0)
			continue;
		ck_abort_msg("line %d: output line %u differs:\n  expected: %.300s\n  actual:   "
			     "%.300s",
			     line, i + 1, want[i] != NULL ? want[i] : "(end)",
			     got[i] != NULL ? got[i] : "(end)");
	}
}
