/*
 * check_json_writer.c - the streaming JSON writer: escaping (quotes,
 * backslashes, every control character, DEL; UTF-8 passed through), nesting,
 * empty containers, integers and fixed-point numbers, both styles, and the
 * pretty layout of cli.md (one-line arrays of scalars, one-line objects that
 * wrap at column 80 the way cli.md's issue example does).  Every escaped
 * string is also read back with json-glib, so the escaping is checked
 * against a JSON parser, not only against our expectation.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "json-writer.h"
#include "suites.h"
#include "test-util.h"

/* The string value as the compact writer prints it (owned). */
static char *
compact_string(const char *value)
{
	GString *out = g_string_new(NULL);
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, VS_JSON_COMPACT);
	vs_json_string(&writer, value);
	return g_string_free(out, FALSE);
}

static const struct {
	const char *input;
	const char *expected;
} escapes[] = {
	{"plain", "\"plain\""},
	{"", "\"\""},
	{"say \"hi\"", "\"say \\\"hi\\\"\""},
	{"C:\\path\\", "\"C:\\\\path\\\\\""},
	{"a/b", "\"a/b\""},
	{"tab\there", "\"tab\\there\""},
	{"line\nnext\r", "\"line\\nnext\\r\""},
	{"\b\f", "\"\\b\\f\""},
	{"\x01\x1f", "\"\\u0001\\u001f\""},
	{"del\x7f", "\"del\\u007f\""},
	{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	 "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
};

START_TEST(test_escaping)
{
	g_autofree char *text = compact_string(escapes[_i].input);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;

	ck_assert_str_eq(text, escapes[_i].expected);
	/* and a JSON parser reads back exactly the input */
	ck_assert_msg(json_parser_load_from_data(parser, text, -1, &error), "%s: %s", text,
		      error ? error->message : "");
	ck_assert_str_eq(json_node_get_string(json_parser_get_root(parser)), escapes[_i].input);
}
END_TEST

/* Strings are scanned 8 bytes at a time: a special byte at every offset of a longer string,
 * next to UTF-8 bytes (whose top bit must not pass for a control character). */
START_TEST(test_escapes_at_every_offset)
{
	static const char specials[] = {'"', '\\', '\n', '\x01', '\x1f', '\x7f', '\xc3'};

	for (guint k = 0; k < G_N_ELEMENTS(specials); k++) {
		for (guint at = 0; at < 40; at++) {
			char input[41];
			g_autofree char *text = NULL;
			g_autoptr(JsonParser) parser = json_parser_new();
			gboolean escaped;

			memset(input, 'x', 40);
			input[40] = '\0';
			for (guint i = 0; i < 40; i += 7)
				input[i] = 'A' + (char)(i % 26);
			input[at] = specials[k];
			if (specials[k] == '\xc3') {
				if (at == 39)
					continue;
				input[at + 1] = '\xa9'; /* e acute */
			}
			text = compact_string(input);
			escaped = specials[k] != '\xc3';
			ck_assert_uint_eq(
				strlen(text),
				42 + (escaped ? (specials[k] == '"' || specials[k] == '\\' ||
								 specials[k] == '\n'
							 ? 1
							 : 5)
					      : 0));
			ck_assert_msg(json_parser_load_from_data(parser, text, -1, NULL), "%s",
				      text);
			ck_assert_str_eq(json_node_get_string(json_parser_get_root(parser)), input);
		}
	}
}
END_TEST

START_TEST(test_every_control_character)
{
	char input[32];
	g_autofree char *text = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();

	for (int c = 1; c < 32; c++)
		input[c - 1] = (char)c;
	input[31] = '\0';
	text = compact_string(input);
	for (const char *p = text; *p != '\0'; p++)
		ck_assert_int_ge((unsigned char)*p, 0x20);
	ck_assert(json_parser_load_from_data(parser, text, -1, NULL));
	ck_assert_str_eq(json_node_get_string(json_parser_get_root(parser)), input);
}
END_TEST

START_TEST(test_null_string_and_literals)
{
	g_autoptr(GString) out = g_string_new(NULL);
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, VS_JSON_COMPACT);
	vs_json_begin_array(&writer);
	vs_json_string(&writer, NULL);
	vs_json_null(&writer);
	vs_json_bool(&writer, TRUE);
	vs_json_bool(&writer, FALSE);
	vs_json_string_len(&writer, "abcdef", 3);
	vs_json_end_array(&writer);
	vs_json_writer_finish(&writer);
	ck_assert_str_eq(out->str, "[null,null,true,false,\"abc\"]\n");
}
END_TEST

static const struct {
	gint64 value;
	const char *expected;
} integers[] = {
	{0, "0"},
	{7, "7"},
	{-5, "-5"},
	{65535, "65535"},
	{1234567890123, "1234567890123"},
	{G_MAXINT64, "9223372036854775807"},
	{G_MININT64, "-9223372036854775808"},
};

START_TEST(test_integers)
{
	g_autoptr(GString) out = g_string_new(NULL);
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, VS_JSON_COMPACT);
	vs_json_int(&writer, integers[_i].value);
	ck_assert_str_eq(out->str, integers[_i].expected);
}
END_TEST

static const struct {
	double value;
	guint decimals;
	const char *expected;
} fixed[] = {
	{2.3, 3, "2.3"},
	{2.2999999999999998, 3, "2.3"},
	{2.0, 3, "2"},
	{0.0, 3, "0"},
	{-0.0001, 3, "0"},
	{-2.5, 3, "-2.5"},
	{2.4325, 3, "2.433"}, /* near a tie: printf rounds the exact binary value */
	{2.0005, 3, "2.001"},
	{1.0625, 3, "1.062"}, /* an exact tie: printf rounds to even */
	{1.1875, 3, "1.188"}, /* an exact tie, to even upwards */
	{0.005, 2, "0.01"},
	{12345.6789, 0, "12346"},
	{0.1 + 0.2, 9, "0.3"},
	{123456789.123, 3, "123456789.123"},
	{1e20, 3, "100000000000000000000"},
};

START_TEST(test_fixed_numbers)
{
	g_autoptr(GString) out = g_string_new(NULL);
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, VS_JSON_COMPACT);
	vs_json_fixed(&writer, fixed[_i].value, fixed[_i].decimals);
	ck_assert_str_eq(out->str, fixed[_i].expected);
}
END_TEST

/* The fast path agrees with printf's %.3f (trailing zeros trimmed) on many values. */
START_TEST(test_fixed_numbers_agree_with_printf)
{
	GRand *rand = g_rand_new_with_seed(7);

	/* random values, then values on a grid of half-thousandths (ties and near ties) */
	for (guint i = 0; i < 60000; i++) {
		double value = i < 30000 ? g_rand_double_range(rand, -50, 50)
					 : (double)g_rand_int_range(rand, -100000, 100000) / 2000.0;
		g_autoptr(GString) out = g_string_new(NULL);
		char expected[64];
		gsize length;
		VsJsonWriter writer;

		vs_json_writer_init(&writer, out, VS_JSON_COMPACT);
		vs_json_fixed(&writer, value, 3);
		g_ascii_formatd(expected, sizeof(expected), "%.3f", value);
		length = strlen(expected);
		while (expected[length - 1] == '0')
			expected[--length] = '\0';
		if (expected[length - 1] == '.')
			expected[--length] = '\0';
		if (strcmp(expected, "-0") == 0)
			strcpy(expected, "0");
		ck_assert_msg(strcmp(out->str, expected) == 0, "%.17g: %s, printf says %s", value,
			      out->str, expected);
	}
	g_rand_free(rand);
}
END_TEST

static void
nested(VsJsonWriter *writer)
{
	vs_json_begin_object(writer);
	vs_json_member_string(writer, "name", "a \"b\"");
	vs_json_key(writer, "empty array");
	vs_json_begin_array(writer);
	vs_json_end_array(writer);
	vs_json_key(writer, "empty object");
	vs_json_begin_object(writer);
	vs_json_end_object(writer);
	vs_json_key(writer, "words");
	vs_json_begin_array(writer);
	vs_json_string(writer, "x");
	vs_json_int(writer, 2);
	vs_json_end_array(writer);
	vs_json_key(writer, "items");
	vs_json_begin_array(writer);
	vs_json_begin_object(writer);
	vs_json_member_int(writer, "n", 1);
	vs_json_key(writer, "deeper");
	vs_json_begin_array(writer);
	vs_json_begin_array(writer);
	vs_json_end_array(writer);
	vs_json_end_array(writer);
	vs_json_end_object(writer);
	vs_json_begin_object_inline(writer);
	vs_json_member_bool(writer, "inline", TRUE);
	vs_json_key(writer, "sub");
	vs_json_begin_object(writer); /* one-line inside a one-line object */
	vs_json_member_int(writer, "k", -1);
	vs_json_end_object(writer);
	vs_json_end_object(writer);
	vs_json_end_array(writer);
	vs_json_end_object(writer);
	vs_json_writer_finish(writer);
}

START_TEST(test_nesting_pretty)
{
	g_autoptr(GString) out = g_string_new(NULL);
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, VS_JSON_PRETTY);
	nested(&writer);
	assert_text_eq(out->str, "{\n"
				 "  \"name\": \"a \\\"b\\\"\",\n"
				 "  \"empty array\": [],\n"
				 "  \"empty object\": {},\n"
				 "  \"words\": [\"x\", 2],\n"
				 "  \"items\": [\n"
				 "    {\n"
				 "      \"n\": 1,\n"
				 "      \"deeper\": [\n"
				 "        []\n"
				 "      ]\n"
				 "    },\n"
				 "    {\"inline\": true, \"sub\": {\"k\": -1}}\n"
				 "  ]\n"
				 "}\n");
}
END_TEST

START_TEST(test_nesting_compact)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, VS_JSON_COMPACT);
	nested(&writer);
	ck_assert_str_eq(out->str, "{\"name\":\"a \\\"b\\\"\",\"empty array\":[],\"empty "
				   "object\":{},\"words\":[\"x\",2],\"items\":[{\"n\":1,"
				   "\"deeper\":[[]]},{\"inline\":true,\"sub\":{\"k\":-1}}]}\n");
	ck_assert(json_parser_load_from_data(parser, out->str, -1, NULL));
}
END_TEST

/* The issue of cli.md's check example, byte for byte (its line is 80 columns before the comma). */
START_TEST(test_wraps_like_cli_md)
{
	g_autoptr(GString) out = g_string_new(NULL);
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(&writer);
	vs_json_key(&writer, "hops");
	vs_json_begin_array(&writer);
	vs_json_begin_object(&writer);
	vs_json_key(&writer, "nextHopIds");
	vs_json_begin_array(&writer);
	vs_json_end_array(&writer);
	vs_json_key(&writer, "issues");
	vs_json_begin_array(&writer);
	vs_json_begin_object_inline(&writer);
	vs_json_member_string(&writer, "origin", "Inbound");
	vs_json_member_string(&writer, "severity", "Error");
	vs_json_member_string(&writer, "type", "NetworkSecurityRule");
	vs_json_key(&writer, "context");
	vs_json_begin_array(&writer);
	vs_json_begin_object_inline(&writer);
	vs_json_member_string(&writer, "key", "RuleName");
	vs_json_member_string(&writer, "value", "UserRule_deny-sql");
	vs_json_end_object(&writer);
	vs_json_end_array(&writer);
	vs_json_end_object(&writer);
	vs_json_end_array(&writer);
	vs_json_end_object(&writer);
	vs_json_end_array(&writer);
	vs_json_member_string(&writer, "connectionStatus", "Unreachable");
	vs_json_end_object(&writer);
	vs_json_writer_finish(&writer);
	assert_text_eq(
		out->str,
		"{\n"
		"  \"hops\": [\n"
		"    {\n"
		"      \"nextHopIds\": [],\n"
		"      \"issues\": [\n"
		"        {\"origin\": \"Inbound\", \"severity\": \"Error\", \"type\": "
		"\"NetworkSecurityRule\",\n"
		"         \"context\": [{\"key\": \"RuleName\", \"value\": \"UserRule_deny-sql\"}]}\n"
		"      ]\n"
		"    }\n"
		"  ],\n"
		"  \"connectionStatus\": \"Unreachable\"\n"
		"}\n");
}
END_TEST

/* A long one-line array wraps item by item, aligned after its bracket; nothing passes 80
 * columns unless one item alone is wider. */
START_TEST(test_long_arrays_wrap)
{
	g_autoptr(GString) out = g_string_new(NULL);
	VsJsonWriter writer;
	char item[16];
	gchar **lines;

	vs_json_writer_init(&writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(&writer);
	vs_json_key(&writer, "prefixes");
	vs_json_begin_array(&writer);
	for (guint i = 0; i < 30; i++) {
		g_snprintf(item, sizeof(item), "10.%u.0.0/16", i);
		vs_json_string(&writer, item);
	}
	vs_json_end_array(&writer);
	vs_json_key(&writer, "wide");
	vs_json_begin_array(&writer);
	vs_json_string(&writer, "a");
	vs_json_string(&writer, "an item wider than the whole line on its own, so it cannot "
				"fit in eighty columns");
	vs_json_string(&writer, "b");
	vs_json_end_array(&writer);
	vs_json_end_object(&writer);
	vs_json_writer_finish(&writer);

	ck_assert(g_str_has_prefix(out->str,
				   "{\n  \"prefixes\": [\"10.0.0.0/16\", \"10.1.0.0/16\","));
	ck_assert(strstr(out->str, ",\n               \"10.") != NULL); /* aligned after '[' */
	ck_assert(strstr(out->str, "  \"wide\": [\"a\",\n           \"an item wider") != NULL);
	/* the line is already too long: what follows the wide item starts a new one */
	ck_assert(strstr(out->str, "eighty columns\",\n           \"b\"]\n}\n") != NULL);
	lines = g_strsplit(out->str, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++)
		ck_assert_msg(strlen(lines[i]) <= 80 || strstr(lines[i], "eighty") != NULL,
			      "line %u is %zu columns: %s", i, strlen(lines[i]), lines[i]);
	g_strfreev(lines);
	{
		g_autoptr(JsonParser) parser = json_parser_new();
		JsonArray *prefixes;

		ck_assert(json_parser_load_from_data(parser, out->str, -1, NULL));
		prefixes = json_object_get_array_member(
			json_node_get_object(json_parser_get_root(parser)), "prefixes");
		ck_assert_uint_eq(json_array_get_length(prefixes), 30);
		ck_assert_str_eq(json_array_get_string_element(prefixes, 29), "10.29.0.0/16");
	}
}
END_TEST

/* A document appended after other text starts its columns at its own line's start. */
START_TEST(test_appends_after_text)
{
	g_autoptr(GString) out = g_string_new("first line\n");
	VsJsonWriter writer;

	vs_json_writer_init(&writer, out, VS_JSON_PRETTY);
	vs_json_begin_object(&writer);
	vs_json_member_string(&writer, "a", "b");
	vs_json_end_object(&writer);
	vs_json_writer_finish(&writer);
	ck_assert_str_eq(out->str, "first line\n{\n  \"a\": \"b\"\n}\n");
	g_string_truncate(out, 0);
	vs_json_append_string(out, "q\"");
	ck_assert_str_eq(out->str, "\"q\\\"\"");
}
END_TEST

Suite *
json_writer_suite(void)
{
	Suite *suite = suite_create("json-writer");
	TCase *tcase = tcase_create("core");

	tcase_set_timeout(tcase, 60);
	tcase_add_loop_test(tcase, test_escaping, 0, G_N_ELEMENTS(escapes));
	tcase_add_test(tcase, test_escapes_at_every_offset);
	tcase_add_test(tcase, test_every_control_character);
	tcase_add_test(tcase, test_null_string_and_literals);
	tcase_add_loop_test(tcase, test_integers, 0, G_N_ELEMENTS(integers));
	tcase_add_loop_test(tcase, test_fixed_numbers, 0, G_N_ELEMENTS(fixed));
	tcase_add_test(tcase, test_fixed_numbers_agree_with_printf);
	tcase_add_test(tcase, test_nesting_pretty);
	tcase_add_test(tcase, test_nesting_compact);
	tcase_add_test(tcase, test_wraps_like_cli_md);
	tcase_add_test(tcase, test_long_arrays_wrap);
	tcase_add_test(tcase, test_appends_after_text);
	suite_add_tcase(suite, tcase);
	return suite;
}
