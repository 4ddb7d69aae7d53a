/*
 * sarif.c - SARIF 2.1.0 output (the OASIS Static Analysis Results
 * Interchange Format) built with json-glib: $schema, version, and one run
 * whose tool.driver lists the rules used and whose results point at
 * FILE:LINE:COL.  File names are written as relative URI references, as
 * code-scanning tools expect paths relative to the repository.
 */
#include "config.h"

#include "sarif.h"

#include <json-glib/json-glib.h>
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
add_string(JsonBuilder *builder, const char *member, const char *value)
{
	json_builder_set_member_name(builder, member);
	json_builder_add_string_value(builder, value);
}

static void
add_text(JsonBuilder *builder, const char *member, const char *text)
{
	json_builder_set_member_name(builder, member);
	json_builder_begin_object(builder);
	add_string(builder, "text", text);
	json_builder_end_object(builder);
}

static void
add_rules(JsonBuilder *builder, const VsDiagList *diags, const VsSarifRule *rules, guint n_rules)
{
	g_autoptr(GPtrArray) seen = g_ptr_array_new();

	json_builder_set_member_name(builder, "rules");
	json_builder_begin_array(builder);
	for (guint i = 0; i < diags->items->len; i++) {
		const VsDiag *diag = g_ptr_array_index(diags->items, i);
		gboolean known = FALSE;

		for (guint s = 0; s < seen->len && !known; s++)
			known = strcmp(g_ptr_array_index(seen, s), diag->code) == 0;
		if (known)
			continue;
		g_ptr_array_add(seen, diag->code);
		json_builder_begin_object(builder);
		add_string(builder, "id", diag->code);
		add_text(builder, "shortDescription", describe(diag->code, rules, n_rules));
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
}

static void
add_result(JsonBuilder *builder, const VsDiag *diag)
{
	g_autofree char *uri = g_uri_escape_string(diag->file, "/", TRUE);

	json_builder_begin_object(builder);
	add_string(builder, "ruleId", diag->code);
	add_string(builder, "level", diag->severity == VS_SEVERITY_ERROR ? "error" : "warning");
	add_text(builder, "message", diag->message);
	json_builder_set_member_name(builder, "locations");
	json_builder_begin_array(builder);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "physicalLocation");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "artifactLocation");
	json_builder_begin_object(builder);
	add_string(builder, "uri", uri);
	json_builder_end_object(builder);
	if (diag->line > 0) {
		json_builder_set_member_name(builder, "region");
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "startLine");
		json_builder_add_int_value(builder, diag->line);
		if (diag->column > 0) {
			json_builder_set_member_name(builder, "startColumn");
			json_builder_add_int_value(builder, diag->column);
		}
		json_builder_end_object(builder);
	}
	json_builder_end_object(builder);
	if (diag->path != NULL && diag->path[0] != '\0') {
		json_builder_set_member_name(builder, "logicalLocations");
		json_builder_begin_array(builder);
		json_builder_begin_object(builder);
		add_string(builder, "fullyQualifiedName", diag->path);
		json_builder_end_object(builder);
		json_builder_end_array(builder);
	}
	json_builder_end_object(builder);
	json_builder_end_array(builder);
	json_builder_end_object(builder);
}

void
vs_render_sarif(GString *out, const VsDiagList *diags, const VsSarifRule *rules, guint n_rules)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;

	json_builder_begin_object(builder);
	add_string(builder, "$schema", SARIF_SCHEMA);
	add_string(builder, "version", "2.1.0");
	json_builder_set_member_name(builder, "runs");
	json_builder_begin_array(builder);
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "tool");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "driver");
	json_builder_begin_object(builder);
	add_string(builder, "name", "vnetsim");
	add_string(builder, "version", PACKAGE_VERSION);
	add_rules(builder, diags, rules, n_rules);
	json_builder_end_object(builder);
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "results");
	json_builder_begin_array(builder);
	for (guint i = 0; i < diags->items->len; i++)
		add_result(builder, g_ptr_array_index(diags->items, i));
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	json_builder_end_array(builder);
	json_builder_end_object(builder);

	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	json_generator_set_indent(generator, 2);
	text = json_generator_to_data(generator, NULL);
	g_string_append(out, text);
	g_string_append_c(out, '\n');
}
