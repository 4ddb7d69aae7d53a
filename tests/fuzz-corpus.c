/*
 * fuzz-corpus.c - runs the fuzz targets over their corpus without libFuzzer
 * (so with gcc, under the sanitizer build and under valgrind): every file of
 * tests/fuzz/corpus (inputs the fuzzer found interesting, and the inputs of
 * its past findings), models/, tests/data and tests/bad is handed to the
 * model loader's target, tests/fuzz/fuzz-load.c, and every file of
 * scenarios/ and tests/fuzz/scenario-corpus to the scenario reader's,
 * tests/fuzz/fuzz-scenario.c.  A crash or a sanitizer
 * report fails the test; the target itself traps when the loader breaks its
 * contract.  Files are visited in sorted order so runs are repeatable.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerScenarioInput(const uint8_t *data, size_t size);

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef int (*Target)(const uint8_t *data, size_t size);

static guint run_dir(const char *dir, Target target);

/* Feeds a regular file, or every one below a folder, to the target. */
static guint
run_path(const char *path, Target target)
{
	g_autofree char *data = NULL;
	gsize length;

	if (g_file_test(path, G_FILE_TEST_IS_DIR))
		return run_dir(path, target);
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) ||
	    !g_file_get_contents(path, &data, &length, NULL))
		return 0;
	target((const uint8_t *)data, length);
	return 1;
}

/* Every regular file below dir, recursively, in sorted order. */
static guint
run_dir(const char *dir, Target target)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	guint count = 0;

	if (handle == NULL)
		return 0;
	while ((name = g_dir_read_name(handle)) != NULL)
		g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	g_ptr_array_sort(names, compare_names);
	for (guint i = 0; i < names->len; i++)
		count += run_path(g_ptr_array_index(names, i), target);
	return count;
}

int
main(int argc, char **argv)
{
	static const char *const dirs[] = {"tests/fuzz/corpus", "models", "tests/data",
					   "tests/bad"};
	static const char *const scenario_dirs[] = {"scenarios", "tests/fuzz/scenario-corpus"};
	guint count = 0;
	FILE *console;

	/* arguments name other files or folders to run (e.g. a fuzzer's crash file) */
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			count += run_path(argv[i], LLVMFuzzerTestOneInput);
		printf("fuzz corpus: %u inputs\n", count);
		return count > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree char *dir = g_build_filename(VS_TOP_SRCDIR, dirs[i], NULL);

		count += run_path(dir, LLVMFuzzerTestOneInput);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(scenario_dirs); i++) {
		g_autofree char *dir = g_build_filename(VS_TOP_SRCDIR, scenario_dirs[i], NULL);

		count += run_path(dir, LLVMFuzzerScenarioInput);
	}
	printf("fuzz corpus: %u inputs loaded without a crash\n", count);
	if (fcntl(9, F_GETFD) != -1 && (console = fdopen(9, "w")) != NULL) {
		fprintf(console, "fuzz corpus: %u inputs loaded without a crash\n", count);
		fclose(console);
	}
	return count > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
