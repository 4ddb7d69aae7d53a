/*
 * suites.h - every Check suite of the unit test runner.  To add one: declare
 * its constructor here and list it in VS_TEST_SUITES.
 */
#ifndef VS_SUITES_H
#define VS_SUITES_H

#include <check.h>

/* Where the source tree is, for tests that read models/ and tests/data/. */
#ifndef VS_TOP_SRCDIR
#define VS_TOP_SRCDIR "."
#endif

Suite *addr_suite(void);
Suite *model_suite(void);
Suite *load_suite(void);
Suite *nsg_suite(void);
Suite *route_suite(void);
Suite *walk_suite(void);
Suite *render_suite(void);
Suite *resolve_suite(void);
Suite *firewall_suite(void);
Suite *latency_suite(void);
Suite *answers_suite(void);
Suite *scenario_suite(void);
Suite *classes_suite(void);
Suite *lint_suite(void);
Suite *differential_suite(void);
Suite *pathological_suite(void);
Suite *json_writer_suite(void);

#define VS_TEST_SUITES                                                                             \
	addr_suite, model_suite, load_suite, nsg_suite, route_suite, walk_suite, render_suite,     \
		resolve_suite, firewall_suite, latency_suite, answers_suite, scenario_suite,       \
		classes_suite, lint_suite, differential_suite, pathological_suite,                 \
		json_writer_suite,

#endif
