/*
 * cmd-test.c - `vnetsim test SCENARIO.yaml...`: runs regression scenarios
 * (scenario.h) and reports each check as text, TAP or JUnit.
 *
 * Every scenario file is read and every check's names are resolved before
 * any result is printed: a bad scenario (a syntax error, an unknown key, a VM
 * the model lacks) is exit 2 with every error positioned, never a partial
 * report.  Models are loaded once each, however many scenarios share them.
 * Exit 1 when a check fails (todo checks aside), 0 when all pass.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "load.h"
#include "render-test.h"
#include "scenario.h"

#define COMMAND "test"

/* A model and its engine, shared by the scenarios that name it. */
typedef struct {
	VsModel *model;
	VsEngine *engine;
} LoadedModel;

static void
loaded_model_free(LoadedModel *loaded)
{
	if (loaded == NULL)
		return;
	vs_engine_free(loaded->engine);
	vs_model_free(loaded->model);
	g_free(loaded);
}

/*
 * The engine of path, loading it on first use (cache: path -> LoadedModel,
 * looked up, never iterated).  NULL after printing the model's errors.
 */
static const VsEngine *
engine_for(GHashTable *cache, const char *path)
{
	LoadedModel *loaded = g_hash_table_lookup(cache, path);
	g_autoptr(VsDiagList) diags = NULL;
	g_autoptr(GError) error = NULL;
	VsModel *model;

	if (loaded != NULL)
		return loaded->engine;
	if (g_hash_table_contains(cache, path))
		return NULL; /* failed before: its errors are printed already */
	diags = vs_diag_list_new(0);
	model = vs_load_file(path, diags, &error);
	if (model == NULL) {
		vs_cmd_report_load_failure(path, diags, error);
		g_hash_table_insert(cache, g_strdup(path), NULL);
		return NULL;
	}
	loaded = g_new0(LoadedModel, 1);
	loaded->model = model;
	loaded->engine = vs_engine_new(model);
	g_hash_table_insert(cache, g_strdup(path), loaded);
	return loaded->engine;
}

static gboolean
write_output(const char *path, const GString *text)
{
	g_autoptr(GError) error = NULL;

	if (path == NULL) {
		vs_cmd_write(text);
		return TRUE;
	}
	if (!g_file_set_contents(path, text->str, (gssize)text->len, &error)) {
		fprintf(stderr, "vnetsim %s: cannot write the report: %s\n", COMMAND,
			error->message);
		return FALSE;
	}
	return TRUE;
}

int
vs_cmd_test(int argc, char **argv)
{
	static const char *const formats[] = {"text", "tap", "junit", NULL};
	g_autofree char *format_name = NULL, *output = NULL, *model_override = NULL;
	const GOptionEntry entries[] = {
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
		 "Report format: text (default), tap (TAP version 13) or junit (JUnit XML)",
		 "FORMAT"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		 "Write the report to FILE (stdout then gets the summary line only)", "FILE"},
		{"model", 'm', 0, G_OPTION_ARG_FILENAME, &model_override,
		 "Run every scenario against MODEL instead of its own model (a proposed change)",
		 "MODEL"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GPtrArray) scenarios =
		g_ptr_array_new_with_free_func((GDestroyNotify)vs_scenario_free);
	g_autoptr(GHashTable) models = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							     (GDestroyNotify)loaded_model_free);
	g_autoptr(VsDiagList) diags = vs_diag_list_new(VS_DIAG_DEFAULT_LIMIT);
	g_autoptr(VsTestReport) report = vs_test_report_new();
	g_autoptr(GString) out = g_string_new(NULL);
	gboolean unusable = FALSE;
	VsFormat format;

	if (!vs_cmd_parse_options(COMMAND, "SCENARIO...",
				  "Run regression scenarios: each check asks a model one question "
				  "(check, flow or nexthop)\nand compares the answer with what it "
				  "expects.  Exit status 1 if any check fails.",
				  entries, &argc, &argv) ||
	    !vs_cmd_parse_format(COMMAND, format_name, formats, &format))
		return VS_EXIT_USAGE;
	if (argc < 2)
		return vs_cmd_usage_error(COMMAND, "expected one or more SCENARIO files");

	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) error = NULL;
		VsScenario *scenario = vs_scenario_load_file(argv[i], diags, &error);

		if (scenario != NULL) {
			g_ptr_array_add(scenarios, scenario);
		} else if (g_error_matches(error, VS_SCENARIO_ERROR, VS_SCENARIO_ERROR_IO)) {
			fprintf(stderr, "vnetsim %s: %s\n", COMMAND, error->message);
			unusable = TRUE;
		}
	}

	for (guint s = 0; s < scenarios->len; s++) {
		const VsScenario *scenario = g_ptr_array_index(scenarios, s);
		const char *path = model_override != NULL ? model_override : scenario->model_path;
		const VsEngine *engine = engine_for(models, path);

		if (engine == NULL) {
			if (model_override == NULL)
				vs_diag_add(diags, VS_SEVERITY_ERROR, scenario->model_pos, "model",
					    "model-failed",
					    "the model '%s' did not load (see above)", path);
			unusable = TRUE;
			continue;
		}
		for (guint c = 0; c < scenario->checks->len; c++) {
			VsCheckOutcome *outcome = vs_scenario_run_check(
				engine, scenario, g_ptr_array_index(scenario->checks, c), diags);

			if (outcome != NULL)
				vs_test_report_add(report, outcome);
		}
	}

	if (diags->errors > 0 || unusable) {
		vs_diag_list_sort(diags);
		vs_cmd_print_diags(stderr, diags);
		if (diags->errors > 0)
			fprintf(stderr,
				"vnetsim %s: %u error%s in the scenarios; no check was judged\n",
				COMMAND, diags->errors, diags->errors == 1 ? "" : "s");
		return VS_EXIT_USAGE;
	}

	if (format == VS_FORMAT_TAP)
		vs_render_test_tap(out, report);
	else if (format == VS_FORMAT_JUNIT)
		vs_render_test_junit(out, report);
	else
		vs_render_test_text(out, report);
	if (!write_output(output, out))
		return VS_EXIT_USAGE;
	if (output != NULL) {
		g_autofree char *summary = vs_render_test_summary(report);

		printf("%s\n", summary);
	}
	return report->failed > 0 ? VS_EXIT_FAILED : VS_EXIT_OK;
}
