/*
 * cmd-validate.c - `vnetsim validate MODEL`: load the model, report every
 * error (exit 2), or lint it (lint.c) and print its warnings and a summary of
 * what it holds (exit 0; 1 with --strict when there are warnings).  Formats:
 * text, json, and sarif for code-scanning tools.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "json-writer.h"
#include "lint.h"
#include "load.h"
#include "sarif.h"

typedef struct {
	guint vnets, subnets, peerings, nsgs, rules, asgs, route_tables, routes, vms, nics;
} Counts;

static Counts
count_model(const VsModel *model)
{
	Counts counts = {0};

	counts.vnets = model->vnets->len;
	counts.subnets = model->subnets->len;
	for (guint i = 0; i < model->vnets->len; i++)
		counts.peerings += ((VsVnet *)g_ptr_array_index(model->vnets, i))->peerings->len;
	counts.nsgs = model->nsgs->len;
	for (guint i = 0; i < model->nsgs->len; i++)
		counts.rules += ((VsNsg *)g_ptr_array_index(model->nsgs, i))->rules->len;
	counts.asgs = model->asgs->len;
	counts.route_tables = model->route_tables->len;
	for (guint i = 0; i < model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(model->route_tables, i);

		/* routes as written: a service tag's route once, not once per prefix */
		for (guint r = 0; r < table->routes->len; r++)
			if (((const VsRoute *)g_ptr_array_index(table->routes, r))->expanded_from ==
			    NULL)
				counts.routes++;
	}
	counts.vms = model->vms->len;
	counts.nics = model->nics->len;
	return counts;
}

static void
add_diags_json(VsJsonWriter *writer, const char *member, const VsDiagList *diags)
{
	vs_json_key(writer, member);
	vs_json_begin_array(writer);
	for (guint i = 0; diags != NULL && i < diags->items->len; i++) {
		const VsDiag *diag = g_ptr_array_index(diags->items, i);

		vs_json_begin_object(writer);
		vs_json_key(writer, "severity");
		vs_json_string(writer, diag->severity == VS_SEVERITY_ERROR ? "error" : "warning");
		vs_json_key(writer, "file");
		vs_json_string(writer, diag->file);
		vs_json_key(writer, "line");
		vs_json_int(writer, diag->line);
		vs_json_key(writer, "column");
		vs_json_int(writer, diag->column);
		vs_json_key(writer, "path");
		vs_json_string(writer, diag->path);
		vs_json_key(writer, "code");
		vs_json_string(writer, diag->code);
		vs_json_key(writer, "message");
		vs_json_string(writer, diag->message);
		vs_json_end_object(writer);
	}
	vs_json_end_array(writer);
}

static void
print_json(const char *path, const VsModel *model, const VsDiagList *diags)
{
	g_autoptr(GString) text = g_string_new(NULL);
	VsJsonWriter json, *writer = &json;

	vs_json_writer_init(writer, text, VS_JSON_PRETTY);
	vs_json_begin_object(writer);
	vs_json_key(writer, "model");
	vs_json_string(writer, path);
	vs_json_key(writer, "valid");
	vs_json_bool(writer, model != NULL);
	if (model != NULL) {
		Counts counts = count_model(model);
		const struct {
			const char *name;
			guint value;
		} fields[] = {
			{"vnets", counts.vnets},
			{"subnets", counts.subnets},
			{"peerings", counts.peerings},
			{"networkSecurityGroups", counts.nsgs},
			{"securityRules", counts.rules},
			{"applicationSecurityGroups", counts.asgs},
			{"routeTables", counts.route_tables},
			{"routes", counts.routes},
			{"virtualMachines", counts.vms},
			{"networkInterfaces", counts.nics},
		};

		vs_json_key(writer, "name");
		vs_json_string(writer, model->name);
		vs_json_key(writer, "counts");
		vs_json_begin_object(writer);
		for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
			vs_json_key(writer, fields[i].name);
			vs_json_int(writer, fields[i].value);
		}
		vs_json_end_object(writer);
	}
	vs_json_key(writer, "errors");
	vs_json_int(writer, diags->errors);
	vs_json_key(writer, "warnings");
	vs_json_int(writer, diags->warnings);
	add_diags_json(writer, "diagnostics", diags);
	vs_json_end_object(writer);

	vs_json_writer_finish(writer);
	fputs(text->str, stdout);
}

static void
print_text(const char *path, const VsModel *model, const VsDiagList *diags)
{
	Counts counts = count_model(model);

	vs_cmd_print_diags(stdout, diags);
	printf("%s: model '%s' is valid\n", path, model->name);
	printf("  %u VNet%s, %u subnet%s, %u peering%s\n", counts.vnets,
	       counts.vnets == 1 ? "" : "s", counts.subnets, counts.subnets == 1 ? "" : "s",
	       counts.peerings, counts.peerings == 1 ? "" : "s");
	printf("  %u NSG%s with %u security rule%s, %u ASG%s\n", counts.nsgs,
	       counts.nsgs == 1 ? "" : "s", counts.rules, counts.rules == 1 ? "" : "s", counts.asgs,
	       counts.asgs == 1 ? "" : "s");
	printf("  %u route table%s with %u route%s\n", counts.route_tables,
	       counts.route_tables == 1 ? "" : "s", counts.routes, counts.routes == 1 ? "" : "s");
	printf("  %u VM%s with %u NIC%s\n", counts.vms, counts.vms == 1 ? "" : "s", counts.nics,
	       counts.nics == 1 ? "" : "s");
	if (diags->warnings > 0)
		printf("  %u warning%s\n", diags->warnings, diags->warnings == 1 ? "" : "s");
}

static int
exit_status(const VsModel *model, const VsDiagList *diags, gboolean strict)
{
	if (model == NULL)
		return VS_EXIT_USAGE;
	return strict && diags->warnings > 0 ? VS_EXIT_FAILED : VS_EXIT_OK;
}

int
vs_cmd_validate(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", "sarif", NULL};
	g_autofree char *format_name = NULL;
	gboolean strict = FALSE;
	GOptionEntry entries[] = {
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
		 "Output format: text (default), json or sarif", "FORMAT"},
		{"strict", 0, 0, G_OPTION_ARG_NONE, &strict,
		 "Exit with status 1 when there are warnings", NULL},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new("MODEL");
	g_autoptr(GError) error = NULL;
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(VsModel) model = NULL;
	VsFormat format;
	const char *path;

	g_option_context_set_summary(context, "Load a model, report every error with "
					      "FILE:LINE:COL, or lint it: print its warnings\n"
					      "(FILE:LINE:COL each) and a summary of it.");
	g_option_context_add_main_entries(context, entries, NULL);
	g_option_context_set_help_enabled(context, TRUE);
	if (!g_option_context_parse(context, &argc, &argv, &error))
		return vs_cmd_usage_error("validate", "%s", error->message);
	if (!vs_cmd_parse_format("validate", format_name, formats, &format))
		return VS_EXIT_USAGE;
	if (argc != 2)
		return vs_cmd_usage_error("validate", "expected exactly one MODEL file");
	path = argv[1];

	model = vs_load_file(path, diags, &error);
	if (model != NULL)
		vs_lint_model(model, diags);
	vs_diag_list_sort(diags);
	if (format == VS_FORMAT_SARIF) {
		g_autoptr(GString) out = g_string_new(NULL);
		guint n_checks;
		const VsLintCheck *checks = vs_lint_checks(&n_checks);
		g_autofree VsSarifRule *rules = g_new0(VsSarifRule, n_checks);

		if (model == NULL && diags->errors == 0)
			vs_diag_add(diags, VS_SEVERITY_ERROR, (VsPos){path, 0, 0}, "", "io", "%s",
				    error->message);
		for (guint i = 0; i < n_checks; i++)
			rules[i] = (VsSarifRule){checks[i].code, checks[i].description};
		vs_render_sarif(out, diags, rules, n_checks);
		vs_cmd_write(out);
		return exit_status(model, diags, strict);
	}
	if (format == VS_FORMAT_JSON) {
		if (model == NULL && diags->errors == 0)
			vs_diag_add(diags, VS_SEVERITY_ERROR, (VsPos){path, 0, 0}, "", "io", "%s",
				    error->message);
		print_json(path, model, diags);
		return exit_status(model, diags, strict);
	}
	if (model == NULL) {
		vs_cmd_report_load_failure(path, diags, error);
		return VS_EXIT_USAGE;
	}
	print_text(path, model, diags);
	return exit_status(model, diags, strict);
}
