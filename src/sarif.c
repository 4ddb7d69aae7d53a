/*
 * sarif.c - SARIF 2.1.0 output (the OASIS Static Analysis Results
 * Interchange Format) written with the JSON writer (json-writer.c): $schema, version, and one run
 * whose tool.driver lists the rules used and whose results point at
 * FILE:LINE:COL.  File names are written as relative URI references, as
 * code-scanning tools expect paths relative to the repository.
 */
#include "config.h"

#include "sarif.h"

#include "json-writer.h"

#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

static const char *
describe(const char *id, const VsSarifRule *rules, guint n_rules)
{
	for (guint i = 0; i < n_rules; i++)
		if (strcmp(rules[i].id, id) == 0)
			return rules[i].description;
	return id;
}

static void
add_string(VsJsonWriter *writer, const char *member, const char *value)
{
	vs_json_key(writer, member);
	vs_json_string(writer, value);
}

static void
add_text(VsJsonWriter *writer, const char *member, const char *text)
{
	vs_json_key(writer, member);
	vs_json_begin_object(writer);
	add_string(writer, "text", text);
	vs_json_end_object(writer);
}

static void
add_rules(VsJsonWriter *writer, const VsDiagList *diags, const VsSarifRule *rules, guint n_rules)
{
	g_autoptr(GPtrArray) seen = g_ptr_array_new();

	vs_json_key(writer, "rules");
	vs_json_begin_array(writer);
	for (guint i = 0; i < diags->items->len; i++) {
		const VsDiag *diag = g_ptr_array_index(diags->items, i);
		gboolean known = FALSE;

		for (guint s = 0; s < seen->len && !known; s++)
			known = strcmp(g_ptr_array_index(seen, s), diag->code) == 0;
		if (known)
			continue;
		g_ptr_array_add(seen, diag->code);
		vs_json_begin_object(writer);
		add_string(writer, "id", diag->code);
		add_text(writer, "shortDescription", describe(diag->code, rules, n_rules));
		vs_json_end_object(writer);
	}
	vs_json_end_array(writer);
}

static void
add_result(VsJsonWriter *writer, const VsDiag *diag)
{
	g_autofree char *uri = g_uri_escape_string(diag->file, "/", TRUE);

	vs_json_begin_object(writer);
	add_string(writer, "ruleId", diag->code);
	add_string(writer, "level", diag->severity == VS_SEVERITY_ERROR ? "error" : "warning");
	add_text(writer, "message", diag->message);
	vs_json_key(writer, "locations");
	vs_json_begin_array(writer);
	vs_json_begin_object(writer);
	vs_json_key(writer, "physicalLocation");
	vs_json_begin_object(writer);
	vs_json_key(writer, "artifactLocation");
	vs_json_begin_object(writer);
	add_string(writer, "uri", uri);
	vs_json_end_object(writer);
	if (diag->line > 0) {
		vs_json_key(writer, "region");
		vs_json_begin_object(writer);
		vs_json_key(writer, "startLine");
		vs_json_int(writer, diag->line);
		if (diag->column > 0) {
			vs_json_key(writer, "startColumn");
			vs_json_int(writer, diag->column);
		}
		vs_json_end_object(writer);
	}
	vs_json_end_object(writer);
	if (diag->path != NULL && diag->path[0] != '\0') {
		vs_json_key(writer, "logicalLocations");
		vs_json_begin_array(writer);
		vs_json_begin_object(writer);
		add_string(writer, "fullyQualifiedName", diag->path);
		vs_json_end_object(writer);
		vs_json_end_array(writer);
	}
	vs_json_end_object(writer);
	vs_json_end_array(writer);
	vs_json_end_object(writer);
}

void
vs_render_sarif(GString *out, const VsDiagList *diags, const VsSarifRule *rules, guint n_rules)
{
	VsJsonWriter json, *writer = &json;

	vs_json_writer_init(writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(writer);
	add_string(writer, "$schema", SARIF_SCHEMA);
	add_string(writer, "version", "2.1.0");
	vs_json_key(writer, "runs");
	vs_json_begin_array(writer);
	vs_json_begin_object(writer);
	vs_json_key(writer, "tool");
	vs_json_begin_object(writer);
	vs_json_key(writer, "driver");
	vs_json_begin_object(writer);
	add_string(writer, "name", "vnetsim");
	add_string(writer, "version", PACKAGE_VERSION);
	add_rules(writer, diags, rules, n_rules);
	vs_json_end_object(writer);
	vs_json_end_object(writer);
	vs_json_key(writer, "results");
	vs_json_begin_array(writer);
	for (guint i = 0; i < diags->items->len; i++)
		add_result(writer, g_ptr_array_index(diags->items, i));
	vs_json_end_array(writer);
	vs_json_end_object(writer);
	vs_json_end_array(writer);
	vs_json_end_object(writer);
	vs_json_writer_finish(writer);
}
