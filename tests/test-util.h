/*
 * test-util.h - assertions shared by the unit suites.
 */
#ifndef VS_TEST_UTIL_H
#define VS_TEST_UTIL_H

#include <check.h>

/*
 * Compares whole outputs; on a difference fails with the first line that
 * differs (Check cannot carry a message as long as a whole document).
 */
#define assert_text_eq(actual, expected) vs_test_assert_text_eq_at(__LINE__, actual, expected)

void vs_test_assert_text_eq_at(int line, const char *actual, const char *expected);

#endif
