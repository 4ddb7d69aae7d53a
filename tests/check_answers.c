/*
 * check_answers.c - properties every check answer must have, on every ordered
 * pair of VMs of every example model: hop ids unique and GUID-shaped, each
 * hop's nextHopIds naming exactly the following hop of the same answer (the
 * last naming none), latency present exactly when Reachable, and the same
 * query rendering byte-identical JSON twice - the second time walked and
 * probed as batch answers (no detail sentences, precomputed draws), whose
 * one-line answer must also equal the pretty one without its whitespace.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "batch.h"
#include "latency.h"
#include "load.h"
#include "render.h"
#include "suites.h"
#include "walk.h"

static gboolean
guid_shaped(const char *id)
{
	static const int dashes[] = {8, 13, 18, 23};

	if (strlen(id) != 36)
		return FALSE;
	for (int i = 0; i < 36; i++) {
		gboolean dash =
			i == dashes[0] || i == dashes[1] || i == dashes[2] || i == dashes[3];

		if (dash ? id[i] != '-' : !g_ascii_isxdigit(id[i]))
			return FALSE;
	}
	return TRUE;
}

/* Asserts the properties on one rendered answer; what names the query for messages. */
static void
assert_answer(const char *json, const char *what)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	JsonObject *root;
	JsonArray *hops;
	g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gboolean reachable;

	ck_assert_msg(json_parser_load_from_data(parser, json, -1, &error), "%s: %s", what,
		      error ? error->message : "");
	root = json_node_get_object(json_parser_get_root(parser));
	hops = json_object_get_array_member(root, "hops");
	ck_assert_msg(json_array_get_length(hops) > 0, "%s: no hops", what);
	for (guint i = 0; i < json_array_get_length(hops); i++) {
		JsonObject *hop = json_array_get_object_element(hops, i);
		const char *id = json_object_get_string_member(hop, "id");

		ck_assert_msg(guid_shaped(id), "%s: hop %u id '%s'", what, i, id);
		ck_assert_msg(!g_hash_table_contains(ids, id), "%s: duplicate id %s", what, id);
		g_hash_table_add(ids, g_strdup(id));
	}
	for (guint i = 0; i < json_array_get_length(hops); i++) {
		JsonObject *hop = json_array_get_object_element(hops, i);
		JsonArray *next = json_object_get_array_member(hop, "nextHopIds");
		gboolean last = i + 1 == json_array_get_length(hops);

		ck_assert_msg(json_array_get_length(next) == (last ? 0u : 1u),
			      "%s: hop %u has %u next hop ids", what, i,
			      json_array_get_length(next));
		if (!last) {
			JsonObject *following = json_array_get_object_element(hops, i + 1);

			ck_assert_str_eq(json_array_get_string_element(next, 0),
					 json_object_get_string_member(following, "id"));
		}
	}
	reachable = g_strcmp0(json_object_get_string_member(root, "connectionStatus"),
			      "Reachable") == 0;
	ck_assert_msg(json_object_has_member(root, "avgLatencyInMs") == reachable,
		      "%s: latency fields present exactly when Reachable", what);
	ck_assert_msg(
		json_object_get_int_member(root, "probesFailed") ==
				(reachable ? 0 : json_object_get_int_member(root, "probesSent")) ||
			reachable,
		"%s: an unreachable answer fails every probe", what);
}

static const struct {
	VsProtocol protocol;
	guint16 port;
} queries[] = {
	{VS_PROTO_TCP, 22}, {VS_PROTO_TCP, 443}, {VS_PROTO_TCP, 1433},
	{VS_PROTO_UDP, 53}, {VS_PROTO_ICMP, 0},
};

START_TEST(test_every_pair_of_every_model)
{
	g_autofree char *dir = g_build_filename(VS_TOP_SRCDIR, "models", NULL);
	g_autoptr(GDir) models = g_dir_open(dir, 0, NULL);
	const char *entry;
	guint answers = 0;
	VsProbeDraws draws;

	ck_assert_ptr_nonnull(models);
	vs_probe_draws_init(&draws, 1, VS_LATENCY_MAX_PROBES);
	while ((entry = g_dir_read_name(models)) != NULL) {
		g_autofree char *path = g_build_filename(dir, entry, NULL);
		g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
		g_autoptr(VsModel) model = NULL;
		g_autoptr(VsEngine) engine = NULL;

		if (!g_str_has_suffix(entry, ".yaml"))
			continue;
		model = vs_load_file(path, diags, NULL);
		ck_assert_msg(model != NULL, "%s does not load", path);
		engine = vs_engine_new(model);
		for (guint s = 0; s < model->nics->len; s++) {
			for (guint d = 0; d < model->nics->len; d++) {
				const VsNic *source = g_ptr_array_index(model->nics, s);
				const VsNic *destination = g_ptr_array_index(model->nics, d);

				if (source->vm == destination->vm)
					continue;
				for (gsize q = 0; q < G_N_ELEMENTS(queries); q++) {
					VsQuery query = {
						.source = source,
						.destination = destination->private_ip,
						.protocol = queries[q].protocol,
						.source_port = 50000,
						.destination_port = queries[q].port,
					};
					VsQuery lean = query;
					g_autoptr(VsTrace) first = vs_walk(engine, &query);
					g_autoptr(VsTrace) second = NULL;
					g_autoptr(GString) a = g_string_new(NULL);
					g_autoptr(GString) b = g_string_new(NULL);
					g_autoptr(GString) line = g_string_new(NULL);
					g_autoptr(GString) squeezed = g_string_new(NULL);
					g_autofree char *what = g_strdup_printf(
						"%s: %s -> %s %s/%u", entry, source->name,
						destination->name,
						vs_protocol_name(queries[q].protocol),
						queries[q].port);

					/* the second time as batch answers: no detail sentences,
					 * the seed's draws computed beforehand, one line */
					lean.skip_details = TRUE;
					second = vs_walk(engine, &lean);
					vs_latency_probe(model, first, 30, 1);
					vs_latency_probe_with(model, second, 30, &draws);
					vs_render_check_json(a, first);
					vs_render_check_json(b, second);
					ck_assert_msg(g_string_equal(a, b), "%s: not deterministic",
						      what);
					vs_render_check_json_line(line, second);
					vs_batch_append_compact(squeezed, a->str, a->len);
					g_string_append_c(squeezed, '\n');
					ck_assert_msg(g_string_equal(line, squeezed),
						      "%s: the one-line answer differs from the "
						      "pretty one:\n%s\n%s",
						      what, line->str, squeezed->str);
					assert_answer(a->str, what);
					answers++;
				}
			}
		}
	}
	/* 780 answers today (5 models, 32 VMs); fewer means a model failed to be walked */
	ck_assert_uint_ge(answers, 780);
}
END_TEST

Suite *
answers_suite(void)
{
	Suite *suite = suite_create("answers");
	TCase *tc = tcase_create("models");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_pair_of_every_model);
	suite_add_tcase(suite, tc);
	return suite;
}
