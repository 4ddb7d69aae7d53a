/*
 * cmd-common.c - what every subcommand does the same way: formats, usage
 * errors, loading a model and printing its diagnostics.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "cmd.h"
#include "load.h"

static const struct {
	const char *name;
	VsFormat format;
} format_names[] = {
	{"text", VS_FORMAT_TEXT},   {"json", VS_FORMAT_JSON}, {"dot", VS_FORMAT_DOT},
	{"csv", VS_FORMAT_CSV},     {"tap", VS_FORMAT_TAP},   {"junit", VS_FORMAT_JUNIT},
	{"sarif", VS_FORMAT_SARIF},
};

gboolean
vs_cmd_parse_format(const char *command, const char *value, const char *const *allowed,
		    VsFormat *out)
{
	if (value == NULL) {
		*out = VS_FORMAT_TEXT;
		return TRUE;
	}
	for (const char *const *name = allowed; *name != NULL; name++) {
		if (strcmp(*name, value) != 0)
			continue;
		for (gsize i = 0; i < G_N_ELEMENTS(format_names); i++) {
			if (strcmp(format_names[i].name, value) == 0) {
				*out = format_names[i].format;
				return TRUE;
			}
		}
	}
	{
		g_autoptr(GString) list = g_string_new(NULL);

		for (const char *const *name = allowed; *name != NULL; name++)
			g_string_append_printf(list, "%s%s", list->len ? "|" : "", *name);
		vs_cmd_usage_error(command, "unknown format '%s'; expected %s", value, list->str);
	}
	return FALSE;
}

int
vs_cmd_usage_error(const char *command, const char *format, ...)
{
	va_list args;
	g_autofree char *message = NULL;

	va_start(args, format);
	message = g_strdup_vprintf(format, args);
	va_end(args);
	fprintf(stderr, "vnetsim %s: %s\n", command, message);
	fprintf(stderr, "Try 'vnetsim %s --help'.\n", command);
	return VS_EXIT_USAGE;
}

void
vs_cmd_print_diags(FILE *out, const VsDiagList *diags)
{
	for (guint i = 0; i < diags->items->len; i++) {
		g_autofree char *line = vs_diag_format(g_ptr_array_index(diags->items, i));

		fprintf(out, "%s\n", line);
	}
	if (diags->dropped > 0)
		fprintf(out, "... and %u more (only the first %u are shown)\n", diags->dropped,
			diags->limit);
}

void
vs_cmd_report_load_failure(const char *path, VsDiagList *diags, const GError *error)
{
	vs_diag_list_sort(diags);
	vs_cmd_print_diags(stderr, diags);
	if (diags->errors == 0 && error != NULL)
		fprintf(stderr, "vnetsim: %s\n", error->message);
	else
		fprintf(stderr, "vnetsim: %s: %u error%s\n", path, diags->errors,
			diags->errors == 1 ? "" : "s");
}

VsModel *
vs_cmd_load_model(const char *path, VsDiagList **warnings)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = vs_load_file(path, diags, &error);

	if (model == NULL) {
		vs_cmd_report_load_failure(path, diags, error);
		return NULL;
	}
	if (warnings != NULL)
		*warnings = g_steal_pointer(&diags);
	return g_steal_pointer(&model);
}
