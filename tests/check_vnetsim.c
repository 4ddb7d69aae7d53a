/*
 * check_vnetsim.c - the one runner of every Check suite, so that `make check`
 * ends with a single Check summary line.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "suites.h"

/* Same format as Check's own summary line (check_str.c). */
static void
print_summary(SRunner *runner, FILE *out)
{
	TestResult **results = srunner_results(runner); /* the array is ours, the items are not */
	int n = srunner_ntests_run(runner), failures = 0, errors = 0, bad;

	for (int i = 0; i < n; i++) {
		if (tr_rtype(results[i]) == CK_FAILURE)
			failures++;
		else if (tr_rtype(results[i]) == CK_ERROR)
			errors++;
	}
	free(results);
	bad = failures + errors;
	fprintf(out, "%d%%: Checks: %d, Failures: %d, Errors: %d\n",
		bad == 0 ? 100 : 100 * (n - bad) / n, n, failures, errors);
}

int
main(void)
{
	Suite *(*const constructors[])(void) = {VS_TEST_SUITES};
	SRunner *runner = srunner_create(NULL);
	FILE *console;
	int failed;

	for (size_t i = 0; i < sizeof(constructors) / sizeof(constructors[0]); i++)
		srunner_add_suite(runner, constructors[i]());
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	/* automake sends stdout to tests/check_vnetsim.log; fd 9 is the terminal. */
	if (fcntl(9, F_GETFD) != -1 && (console = fdopen(9, "w")) != NULL) {
		print_summary(runner, console);
		fclose(console);
	}
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
