/*
 * check_classes.c - equivalence classes, matrix and diff, checked the direct
 * way: the classes' answers against walks of every pair of VMs (vs_walk, one
 * per pair and port, no classes involved) on every example model, and diff
 * against a brute force over every port 0..65535 of tcp and udp and icmp.
 * The brute force walks verdict-only (vs_walk_verdict, the walk check runs),
 * every 4099th flow also through check itself; VS_BRUTE_FORCE_STRIDE=N makes
 * it walk every Nth port only (check-valgrind sets 97).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "classes.h"
#include "diff.h"
#include "evaluate.h"
#include "../bench/gen.h"
#include "load.h"
#include "matrix.h"
#include "render-diff.h"
#include "suites.h"
#include "verdict.h"
#include "walk.h"

static VsModel *
load_text(const char *text)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	VsModel *model = vs_load_data(text, strlen(text), "test.yaml", diags, &error);

	ck_assert_msg(model != NULL, "model does not load: %s",
		      error != NULL ? error->message : "?");
	return model;
}

static VsModel *
load_path(const char *relative)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autofree char *path = g_build_filename(VS_TOP_SRCDIR, relative, NULL);
	VsModel *model = vs_load_file(path, diags, &error);

	ck_assert_msg(model != NULL, "%s does not load: %s", path,
		      error != NULL ? error->message : "?");
	return model;
}

/* Two VMs in one subnet, one in another; EXTRA is spliced into the NSG's rules. */
static char *
pair_model(const char *extra_rule)
{
	return g_strdup_printf(
		"name: pair\n"
		"vnets:\n"
		"  - name: v\n"
		"    addressSpace: [10.0.0.0/16]\n"
		"    subnets:\n"
		"      - {name: a, addressPrefix: 10.0.1.0/24, networkSecurityGroup: nsg}\n"
		"      - {name: b, addressPrefix: 10.0.2.0/24}\n"
		"networkSecurityGroups:\n"
		"  - name: nsg\n"
		"    securityRules:\n"
		"      - {name: web, priority: 100, direction: Inbound, access: Allow, protocol: Tcp,\n"
		"         sourceAddressPrefix: '*', sourcePortRange: '*',\n"
		"         destinationAddressPrefix: '*', destinationPortRanges: ['80', '8000-8080']}\n"
		"%s"
		"virtualMachines:\n"
		"  - {name: x1, networkInterfaces: [{subnet: v/a, privateIpAddress: 10.0.1.4}]}\n"
		"  - {name: x2, networkInterfaces: [{subnet: v/a, privateIpAddress: 10.0.1.5}]}\n"
		"  - {name: y1, networkInterfaces: [{subnet: v/b, privateIpAddress: 10.0.2.4}]}\n",
		extra_rule);
}

/* ---------------------------------------------------------------- ports and addresses */

START_TEST(test_port_classes_cut_at_every_boundary)
{
	g_autofree char *text = pair_model("");
	g_autoptr(VsModel) model = load_text(text);
	const VsModel *models[] = {model};
	g_autoptr(VsPortClasses) tcp = vs_port_classes_new(VS_PROTO_TCP, models, 1);
	g_autoptr(VsPortClasses) udp = vs_port_classes_new(VS_PROTO_UDP, models, 1);
	const VsPortRange expected[] = {{0, 79}, {80, 80}, {81, 7999}, {8000, 8080}, {8081, 65535}};

	ck_assert_uint_eq(vs_port_classes_count(tcp), G_N_ELEMENTS(expected));
	for (gsize i = 0; i < G_N_ELEMENTS(expected); i++) {
		VsPortRange range = vs_port_classes_range(tcp, (guint)i);

		ck_assert_uint_eq(range.lo, expected[i].lo);
		ck_assert_uint_eq(range.hi, expected[i].hi);
	}
	/* a Tcp rule cannot tell two udp ports apart */
	ck_assert_uint_eq(vs_port_classes_count(udp), 1);
	ck_assert_uint_eq(vs_port_classes_range(udp, 0).hi, 65535);
}
END_TEST

/* Which rule makes x1 and x2 (same subnet, same NSG) different classes, for which pair
 * of subnets and which end, and which not. */
static const struct {
	const char *rule;
	const char *from; /* the source subnet of the pair; the other is the destination */
	gboolean source;  /* the end x1 and x2 are at */
	gboolean same_class;
} key_cases[] = {
	{"", "a", TRUE, TRUE},
	{"", "b", FALSE, TRUE},
	/* a /32 rule on x2's own address: the destination key must see the address */
	{"      - {name: one, priority: 200, direction: Inbound, access: Deny, protocol: '*',\n"
	 "         sourceAddressPrefix: '*', sourcePortRange: '*',\n"
	 "         destinationAddressPrefix: 10.0.1.5, destinationPortRange: '22'}\n",
	 "b", FALSE, FALSE},
	/* ... but an inbound rule of a's NSG is not consulted when a's VMs send: as sources
	 * they stay one class (what a key global to the model could not do) */
	{"      - {name: one, priority: 200, direction: Inbound, access: Deny, protocol: '*',\n"
	 "         sourceAddressPrefix: '*', sourcePortRange: '*',\n"
	 "         destinationAddressPrefix: 10.0.1.5, destinationPortRange: '22'}\n",
	 "a", TRUE, TRUE},
	/* a prefix holding both keeps them together */
	{"      - {name: two, priority: 200, direction: Inbound, access: Deny, protocol: '*',\n"
	 "         sourceAddressPrefix: '*', sourcePortRange: '*',\n"
	 "         destinationAddressPrefix: 10.0.1.4/31, destinationPortRange: '22'}\n",
	 "b", FALSE, TRUE},
	/* an outbound rule naming x2 as the source separates them as sources */
	{"      - {name: three, priority: 200, direction: Outbound, access: Deny, protocol: '*',\n"
	 "         sourceAddressPrefix: 10.0.1.5/32, sourcePortRange: '*',\n"
	 "         destinationAddressPrefix: '*', destinationPortRange: '*'}\n",
	 "a", TRUE, FALSE},
	/* ... unless it cannot match the pair: its destination is not in b */
	{"      - {name: four, priority: 200, direction: Outbound, access: Deny, protocol: '*',\n"
	 "         sourceAddressPrefix: 10.0.1.5/32, sourcePortRange: '*',\n"
	 "         destinationAddressPrefix: 10.9.0.0/16, destinationPortRange: '*'}\n",
	 "a", TRUE, TRUE},
};

START_TEST(test_block_classes_see_what_the_pair_consults)
{
	g_autofree char *text = pair_model(key_cases[_i].rule);
	g_autoptr(VsModel) model = load_text(text);
	g_autoptr(VsEngine) engine = vs_engine_new(model);
	VsBlockView view = {engine, NULL};
	g_autoptr(VsBlocks) blocks =
		vs_blocks_new(&view, 1, model->vms->len, FALSE, VS_PROTO_TCP, 0, 0xcb00710a);
	guint x1 = vs_model_find_vm(model, "x1")->id, x2 = vs_model_find_vm(model, "x2")->id;
	guint y1 = vs_model_find_vm(model, "y1")->id;
	guint a = vs_blocks_block_of(blocks, x1), b = vs_blocks_block_of(blocks, y1);
	gboolean from_a = strcmp(key_cases[_i].from, "a") == 0;
	VsBlockPair pair;
	const GArray *classes;

	ck_assert_uint_eq(vs_blocks_count(blocks), 2);
	ck_assert_uint_eq(vs_blocks_block_of(blocks, x2), a);
	ck_assert_uint_ne(a, b);
	vs_blocks_pair(blocks, from_a ? a : b, from_a ? b : a, &pair);
	classes = key_cases[_i].source ? pair.source_class : pair.destination_class;
	ck_assert_msg((g_array_index(classes, guint16, vs_blocks_position(blocks, x1)) ==
		       g_array_index(classes, guint16, vs_blocks_position(blocks, x2))) ==
			      key_cases[_i].same_class,
		      "case %d", _i);
	vs_block_pair_clear(&pair);
}
END_TEST

START_TEST(test_internet_address_avoids_named_prefixes)
{
	g_autofree char *plain = pair_model("");
	g_autofree char *named = pair_model(
		"      - {name: doc, priority: 300, direction: Outbound, access: Deny, protocol: '*',\n"
		"         sourceAddressPrefix: '*', sourcePortRange: '*',\n"
		"         destinationAddressPrefixes: [203.0.113.0/24, 198.51.100.7, 192.0.2.0/24, "
		"1.0.0.0/8],\n"
		"         destinationPortRange: '*'}\n");
	g_autoptr(VsModel) a = load_text(plain);
	g_autoptr(VsModel) b = load_text(named);
	const VsModel *both[] = {a, b};
	char ip[16];

	ck_assert_str_eq(vs_ip4_format(vs_classes_internet_address(both, 1), ip), "203.0.113.10");
	ck_assert_str_eq(vs_ip4_format(vs_classes_internet_address(both + 1, 1), ip),
			 "198.51.100.10");
	ck_assert_str_eq(vs_ip4_format(vs_classes_internet_address(both, 2), ip), "198.51.100.10");
}
END_TEST

/* ---------------------------------------------------------------- matrix against check */

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every model file of models/ (sorted), then the diff fixtures, relative to the top. */
static GPtrArray *
example_models(void)
{
	g_autofree char *dir_path = g_build_filename(VS_TOP_SRCDIR, "models", NULL);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	GPtrArray *models = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	ck_assert_ptr_nonnull(dir);
	while ((name = g_dir_read_name(dir)) != NULL)
		if (g_str_has_suffix(name, ".yaml"))
			g_ptr_array_add(models, g_build_filename("models", name, NULL));
	g_ptr_array_sort(models, compare_names);
	ck_assert_uint_ge(models->len, 5);
	g_ptr_array_add(models, g_strdup("tests/data/diff/old.yaml"));
	g_ptr_array_add(models, g_strdup("tests/data/diff/new.yaml"));
	/* routes to service tags: one route per prefix of the tag */
	g_ptr_array_add(models, g_strdup("tests/data/valid/service-tag-routes.yaml"));
	return models;
}

static const VsNic *
first_nic_of(const VsModel *model, guint vm)
{
	return g_ptr_array_index(((VsVm *)g_ptr_array_index(model->vms, vm))->nics, 0);
}

/*
 * The verdict `vnetsim check` gives for one pair, asked as the command asks it
 * (vs_evaluate_check: the destination VM by name, the internet by address):
 * one walk, no classes.
 */
static VsVerdict *
check_pair(const VsEngine *engine, guint source, guint destination, VsIp4 internet,
	   VsProtocol protocol, guint16 port)
{
	const VsModel *model = engine->model;
	const VsNic *from = first_nic_of(model, source);
	const VsNic *to =
		destination == VS_MATRIX_INTERNET ? NULL : first_nic_of(model, destination);
	char address[16];
	VsCheckRequest request = {
		.source = from,
		.destination = to != NULL ? to->vm->name : vs_ip4_format(internet, address),
		.protocol = protocol,
		.source_port = VS_VERDICT_SOURCE_PORT,
		.destination_port = vs_protocol_has_ports(protocol) ? port : 0,
		.probes = 1,
		.seed = 1,
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(VsTrace) trace = vs_evaluate_check(engine, &request, &error);

	ck_assert_msg(trace != NULL, "check %s -> %s: %s", from->vm->name, request.destination,
		      error != NULL ? error->message : "");
	return vs_verdict_from_trace(trace, from, to);
}

static void
assert_same_decision(const VsModel *model, const VsVerdict *expected, const VsVerdict *got,
		     guint source, guint destination, const char *what)
{
	const VsVm *from = g_ptr_array_index(model->vms, source);
	const VsVm *to = destination == VS_MATRIX_INTERNET
				 ? NULL
				 : g_ptr_array_index(model->vms, destination);
	VsDecidedBy a, b;
	gboolean decided = vs_verdict_decided_by(expected, from, to, &a);

	ck_assert_msg(expected->reachable == got->reachable, "%s: %s -> %s: check says %s", what,
		      from->name, to != NULL ? to->name : "Internet",
		      expected->reachable ? "Reachable" : "Unreachable");
	if (!decided)
		return;
	ck_assert(vs_verdict_decided_by(got, from, to, &b));
	ck_assert_str_eq(a.type, b.type);
	ck_assert_str_eq(a.name, b.name);
	ck_assert_str_eq(a.resource, b.resource);
	ck_assert_str_eq(a.file != NULL ? a.file : "", b.file != NULL ? b.file : "");
	ck_assert_uint_eq(a.line, b.line);
}

/* Ports worth asking: well-known ones and the edges of every tcp port class. */
static GArray *
ports_to_ask(const VsModel *model, VsProtocol protocol)
{
	static const guint16 fixed[] = {0, 22, 25, 53, 80, 443, 1433, 3389, 8080, 65535};
	const VsModel *models[] = {model};
	g_autoptr(VsPortClasses) classes = vs_port_classes_new(protocol, models, 1);
	GArray *ports = g_array_new(FALSE, FALSE, sizeof(guint16));

	g_array_append_vals(ports, fixed, G_N_ELEMENTS(fixed));
	for (guint c = 0; c < vs_port_classes_count(classes); c++) {
		VsPortRange range = vs_port_classes_range(classes, c);

		g_array_append_val(ports, range.lo);
		g_array_append_val(ports, range.hi);
	}
	return ports;
}

static guint
compare_matrix(const VsEngine *engine, VsProtocol protocol, guint16 port)
{
	const VsModel *model = engine->model;
	g_autoptr(VsMatrix) matrix = vs_matrix_new(engine, protocol, port);
	g_autofree char *what =
		g_strdup_printf("%s %s/%u", model->name, vs_protocol_name(protocol), port);
	guint pairs = 0;

	for (guint s = 0; s < model->vms->len; s++) {
		for (guint d = 0; d <= model->vms->len; d++) {
			guint destination = d == model->vms->len ? VS_MATRIX_INTERNET : d;
			g_autoptr(VsVerdict) expected = NULL;

			if (destination == s)
				continue;
			expected = check_pair(engine, s, destination, matrix->internet, protocol,
					      port);
			assert_same_decision(model, expected,
					     vs_matrix_verdict(matrix, s, destination), s,
					     destination, what);
			pairs++;
		}
	}
	return pairs;
}

static guint
matrix_equals_check(const char *path)
{
	g_autoptr(VsModel) model = load_path(path);
	g_autoptr(VsEngine) engine = vs_engine_new(model);
	g_autoptr(GArray) tcp = ports_to_ask(model, VS_PROTO_TCP);
	g_autoptr(GArray) udp = ports_to_ask(model, VS_PROTO_UDP);
	guint pairs = 0, questions = 0;

	for (guint p = 0; p < tcp->len; p++, questions++)
		pairs += compare_matrix(engine, VS_PROTO_TCP, g_array_index(tcp, guint16, p));
	for (guint p = 0; p < udp->len; p++, questions++)
		pairs += compare_matrix(engine, VS_PROTO_UDP, g_array_index(udp, guint16, p));
	pairs += compare_matrix(engine, VS_PROTO_ICMP, 0);
	questions++;
	ck_assert_uint_gt(pairs, 0);
	fprintf(stderr, "matrix = check: %s: %u questions, %u pairs compared\n", path, questions,
		pairs);
	return pairs;
}

START_TEST(test_matrix_equals_check_on_every_pair)
{
	g_autoptr(GPtrArray) models = example_models();
	guint pairs = 0;

	for (guint i = 0; i < models->len; i++)
		pairs += matrix_equals_check(g_ptr_array_index(models, i));
	fprintf(stderr, "matrix = check: %u models, %u pair verdicts compared\n", models->len,
		pairs);
}
END_TEST

static gboolean
in_ranges(const GArray *ranges, guint port)
{
	for (guint i = 0; i < ranges->len; i++)
		if (vs_port_range_contains(g_array_index(ranges, VsPortRange, i), port))
			return TRUE;
	return FALSE;
}

static void
open_ports_equal_check(const char *path)
{
	g_autoptr(VsModel) model = load_path(path);
	g_autoptr(VsEngine) engine = vs_engine_new(model);
	g_autoptr(VsMatrix) matrix = vs_matrix_new_summary(engine);
	g_autoptr(GArray) tcp = ports_to_ask(model, VS_PROTO_TCP);
	g_autoptr(GArray) udp = ports_to_ask(model, VS_PROTO_UDP);
	GRand *rand = g_rand_new_with_seed(5);

	for (guint i = 0; i < 40; i++) {
		guint16 port = (guint16)g_rand_int_range(rand, 0, 65536);

		g_array_append_val(tcp, port);
		g_array_append_val(udp, port);
	}
	g_rand_free(rand);
	for (guint s = 0; s < model->vms->len; s++) {
		for (guint d = 0; d <= model->vms->len; d++) {
			guint destination = d == model->vms->len ? VS_MATRIX_INTERNET : d;
			const VsOpenPorts *open;
			g_autoptr(VsVerdict) icmp = NULL;

			if (destination == s)
				continue;
			open = vs_matrix_open_ports(matrix, s, destination);
			for (guint p = 0; p < tcp->len; p++) {
				guint16 port = g_array_index(tcp, guint16, p);
				g_autoptr(VsVerdict) v =
					check_pair(engine, s, destination, matrix->internet,
						   VS_PROTO_TCP, port);

				ck_assert_msg(v->reachable == in_ranges(open->tcp, port),
					      "%s: %u -> %u tcp/%u", model->name, s, destination,
					      port);
			}
			for (guint p = 0; p < udp->len; p++) {
				guint16 port = g_array_index(udp, guint16, p);
				g_autoptr(VsVerdict) v =
					check_pair(engine, s, destination, matrix->internet,
						   VS_PROTO_UDP, port);

				ck_assert_msg(v->reachable == in_ranges(open->udp, port),
					      "%s: %u -> %u udp/%u", model->name, s, destination,
					      port);
			}
			icmp = check_pair(engine, s, destination, matrix->internet, VS_PROTO_ICMP,
					  0);
			ck_assert(icmp->reachable == open->icmp);
		}
	}
}

START_TEST(test_open_ports_equal_check)
{
	g_autoptr(GPtrArray) models = example_models();

	for (guint i = 0; i < models->len; i++)
		open_ports_equal_check(g_ptr_array_index(models, i));
}
END_TEST

START_TEST(test_matrix_shares_walks_among_classes)
{
	g_autoptr(VsModel) model = load_path("tests/data/diff/old.yaml");
	g_autoptr(VsEngine) engine = vs_engine_new(model);
	g_autoptr(VsMatrix) matrix = vs_matrix_new(engine, VS_PROTO_TCP, 1433);

	/* three subnets (blocks), web1 and web2 alike in theirs: 3 x 4 pairs of classes
	 * (Internet included), less (app, app) and (db, db), which hold no pair of distinct
	 * VMs */
	ck_assert_uint_eq(vs_blocks_count(matrix->blocks), 3);
	ck_assert_uint_eq(matrix->walks, 3 * 4 - 2);
}
END_TEST

/* ---------------------------------------------------------------- generated estates */

/*
 * The pair stride of the generated-estate tests: every pair unless VS_MATRIX_STRIDE
 * says otherwise (default 3; check-valgrind sets a larger one).
 */
static guint
matrix_stride(void)
{
	const char *text = g_getenv("VS_MATRIX_STRIDE");
	guint64 stride = 3;

	if (text != NULL && *text != '\0')
		ck_assert_msg(g_ascii_string_to_unsigned(text, 10, 1, 1000000, &stride, NULL),
			      "VS_MATRIX_STRIDE: %s is not 1..1000000", text);
	return (guint)stride;
}

static VsModel *
generated_model(guint vms, guint rules, guint routes, guint64 seed)
{
	VsGenParams params = {vms, rules, routes, seed, TRUE};
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	VsModel *model;

	vs_gen_model(text, &params);
	model = vs_load_data(text->str, text->len, "generated.yaml", diags, &error);
	ck_assert_msg(model != NULL, "the generated model does not load: %s",
		      error != NULL ? error->message : "?");
	return model;
}

/* The verdict of one pair by its own verdict-only walk: no blocks, no classes. */
static VsVerdict *
walk_pair(const VsEngine *engine, guint source, guint destination, VsIp4 internet,
	  VsProtocol protocol, guint16 port)
{
	const VsModel *model = engine->model;
	const VsNic *from = first_nic_of(model, source);
	const VsNic *to =
		destination == VS_MATRIX_INTERNET ? NULL : first_nic_of(model, destination);

	return vs_verdict_walk(engine, from, to, to != NULL ? to->private_ip : internet, protocol,
			       port);
}

/* Generated hub-and-spoke estates (bench/gen.c, edge cases on): matrix against one walk
 * per pair of VMs, for a few questions, every stride-th pair. */
START_TEST(test_matrix_equals_walks_on_generated_estates)
{
	static const struct {
		VsProtocol protocol;
		guint16 port;
	} questions[] = {
		{VS_PROTO_TCP, 443}, {VS_PROTO_TCP, 22}, {VS_PROTO_UDP, 53}, {VS_PROTO_ICMP, 0}};
	guint stride = matrix_stride();
	guint64 seed = 1 + (guint64)_i;
	g_autoptr(VsModel) model = generated_model(_i == 0 ? 600 : 250, _i == 0 ? 1200 : 900,
						   _i == 0 ? 60 : 300, seed);
	g_autoptr(VsEngine) engine = vs_engine_new(model);
	guint n = model->vms->len, compared = 0, walks = 0, unreachable = 0;

	for (gsize q = 0; q < G_N_ELEMENTS(questions); q++) {
		g_autoptr(VsMatrix) matrix =
			vs_matrix_new(engine, questions[q].protocol, questions[q].port);
		g_autofree char *what =
			g_strdup_printf("generated seed %" G_GUINT64_FORMAT " %s/%u", seed,
					vs_protocol_name(questions[q].protocol), questions[q].port);
		guint64 k = 0;

		walks += matrix->walks;
		for (guint s = 0; s < n; s++) {
			for (guint d = 0; d <= n; d++, k++) {
				guint destination = d == n ? VS_MATRIX_INTERNET : d;
				g_autoptr(VsVerdict) expected = NULL;

				if (destination == s || k % stride != (guint64)q % stride)
					continue;
				expected = walk_pair(engine, s, destination, matrix->internet,
						     questions[q].protocol, questions[q].port);
				assert_same_decision(model, expected,
						     vs_matrix_verdict(matrix, s, destination), s,
						     destination, what);
				unreachable += !expected->reachable;
				compared++;
			}
		}
	}
	/* the estate is not trivially open or closed */
	ck_assert_uint_gt(unreachable, compared / 20);
	ck_assert_uint_lt(unreachable, compared - compared / 20);
	fprintf(stderr,
		"matrix = walks: generated estate of %u VMs (seed %" G_GUINT64_FORMAT
		"): %u pair verdicts compared (1 pair in %u), %u unreachable; matrix walked %u\n",
		n, seed, compared, stride, unreachable, walks);
}
END_TEST

/* The open ports of every pair of a small generated estate, at the edges of every port
 * class of the model and some random ports, against walks of those ports. */
START_TEST(test_open_ports_equal_walks_on_a_generated_estate)
{
	g_autoptr(VsModel) model = generated_model(80, 300, 30, 7);
	g_autoptr(VsEngine) engine = vs_engine_new(model);
	g_autoptr(VsMatrix) matrix = vs_matrix_new_summary(engine);
	g_autoptr(GArray) tcp = ports_to_ask(model, VS_PROTO_TCP);
	g_autoptr(GArray) udp = ports_to_ask(model, VS_PROTO_UDP);
	guint stride = matrix_stride() * 4, n = model->vms->len, compared = 0;
	guint64 k = 0;

	for (guint s = 0; s < n; s++) {
		for (guint d = 0; d <= n; d++) {
			guint destination = d == n ? VS_MATRIX_INTERNET : d;
			const VsOpenPorts *open;
			g_autoptr(VsVerdict) icmp = NULL;

			if (destination == s)
				continue;
			open = vs_matrix_open_ports(matrix, s, destination);
			for (guint p = 0; p < tcp->len + udp->len; p++) {
				gboolean is_tcp = p < tcp->len;
				guint16 port = is_tcp ? g_array_index(tcp, guint16, p)
						      : g_array_index(udp, guint16, p - tcp->len);
				g_autoptr(VsVerdict) v = NULL;

				if (k++ % stride != 0)
					continue;
				v = walk_pair(engine, s, destination, matrix->internet,
					      is_tcp ? VS_PROTO_TCP : VS_PROTO_UDP, port);
				ck_assert_msg(
					v->reachable ==
						in_ranges(is_tcp ? open->tcp : open->udp, port),
					"%s: %u -> %u %s/%u", model->name, s, destination,
					is_tcp ? "tcp" : "udp", port);
				compared++;
			}
			icmp = walk_pair(engine, s, destination, matrix->internet, VS_PROTO_ICMP,
					 0);
			ck_assert(icmp->reachable == open->icmp);
		}
	}
	fprintf(stderr, "open ports = walks: generated estate of %u VMs: %u flows compared\n", n,
		compared);
}
END_TEST

/* ---------------------------------------------------------------- diff against brute force */

/* The key of one (source, destination, protocol, port) flow. */
static char *
flow_key(const char *source, const char *destination, VsProtocol protocol, guint port)
{
	return g_strdup_printf("%s>%s>%s>%u", source, destination, vs_protocol_name(protocol),
			       port);
}

static const char *
name_of(const VsModel *model, guint vm)
{
	return vm == VS_MATRIX_INTERNET ? "Internet"
					: ((VsVm *)g_ptr_array_index(model->vms, vm))->name;
}

/*
 * The status of one flow as `vnetsim check` decides it, by a verdict-only walk
 * (vs_walk_verdict: the walk check runs, without the trace) to the destination
 * VM's address (check resolves a VM name to its first NIC's address).  Every
 * check_sample-th call it is also asked through vs_evaluate_check itself, and
 * the two must agree.
 */
static gboolean
status_of(const VsEngine *engine, guint source, guint destination, VsIp4 internet,
	  VsProtocol protocol, guint16 port, gboolean also_check)
{
	const VsModel *model = engine->model;
	const VsNic *to =
		destination == VS_MATRIX_INTERNET ? NULL : first_nic_of(model, destination);
	VsQuery query = {
		.source = first_nic_of(model, source),
		.destination = to != NULL ? to->private_ip : internet,
		.protocol = protocol,
		.source_port = VS_VERDICT_SOURCE_PORT,
		.destination_port = vs_protocol_has_ports(protocol) ? port : 0,
	};
	VsWalkVerdict walked;

	vs_walk_verdict(engine, &query, &walked);
	if (also_check) {
		g_autoptr(VsVerdict) checked =
			check_pair(engine, source, destination, internet, protocol, port);

		ck_assert_msg(checked->reachable == walked.reachable,
			      "%s: %u -> %u %s/%u: check and the verdict walk disagree",
			      model->name, source, destination, vs_protocol_name(protocol), port);
	}
	return walked.reachable;
}

/*
 * The port stride of the brute force: 1 (every port) unless VS_BRUTE_FORCE_STRIDE
 * says otherwise (check-valgrind sets 97: memcheck makes 4 million walks take
 * tens of minutes; a sampled brute force then checks only what it walked).
 */
static guint
brute_force_stride(void)
{
	const char *text = g_getenv("VS_BRUTE_FORCE_STRIDE");
	guint64 stride = 1;

	if (text != NULL && *text != '\0')
		ck_assert_msg(g_ascii_string_to_unsigned(text, 10, 1, 65536, &stride, NULL),
			      "VS_BRUTE_FORCE_STRIDE: %s is not 1..65536", text);
	return (guint)stride;
}

/*
 * Every flow whose status differs, found by walking every port (every stride-th port
 * and the last) in both models: the brute force, one walk per flow and model, no
 * classes.  The VMs of the two models are the same (by name, in the same order).
 */
static GHashTable *
brute_force(const VsEngine *before, const VsEngine *after, VsIp4 internet, guint stride,
	    guint *walks)
{
	GHashTable *differing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const VsModel *model = after->model;
	const VsProtocol protocols[] = {VS_PROTO_TCP, VS_PROTO_UDP, VS_PROTO_ICMP};

	for (guint s = 0; s < model->vms->len; s++) {
		for (guint d = 0; d <= model->vms->len; d++) {
			guint destination = d == model->vms->len ? VS_MATRIX_INTERNET : d;

			if (destination == s)
				continue;
			for (gsize p = 0; p < G_N_ELEMENTS(protocols); p++) {
				guint last = protocols[p] == VS_PROTO_ICMP ? 0 : 65535;

				for (guint port = 0; port <= last;
				     port = port < last && port + stride > last ? last
										: port + stride) {
					/* every 4099th flow also through check itself */
					gboolean also_check = *walks % (2 * 4099) == 0;
					gboolean old =
						status_of(before, s, destination, internet,
							  protocols[p], (guint16)port, also_check);
					gboolean new =
						status_of(after, s, destination, internet,
							  protocols[p], (guint16)port, also_check);

					*walks += 2;
					if (old != new)
						g_hash_table_add(
							differing,
							flow_key(name_of(model, s),
								 name_of(model, destination),
								 protocols[p], port));
				}
			}
		}
	}
	return differing;
}

static void
diff_against_brute_force(const char *old_path, const char *new_path, guint stride,
			 guint expected_lines)
{
	g_autoptr(VsModel) old_model = load_path(old_path);
	g_autoptr(VsModel) new_model = load_path(new_path);
	g_autoptr(VsEngine) old_engine = vs_engine_new(old_model);
	g_autoptr(VsEngine) new_engine = vs_engine_new(new_model);
	g_autoptr(VsDiff) diff = vs_diff_new(old_engine, new_engine);
	g_autoptr(GArray) differences = vs_diff_differences(diff);
	g_autoptr(GHashTable) reported =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) expected = NULL;
	guint walks = 0, flows = 0;
	char stride_text[16];
	GHashTableIter iter;
	gpointer key;

	for (guint i = 0; i < old_model->vms->len; i++)
		ck_assert_str_eq(name_of(old_model, i), name_of(new_model, i));
	expected = brute_force(old_engine, new_engine, diff->internet, stride, &walks);

	ck_assert_uint_eq(differences->len, expected_lines);
	for (guint i = 0; i < differences->len; i++) {
		const VsDifference *d = &g_array_index(differences, VsDifference, i);
		guint hi = vs_protocol_has_ports(d->protocol) ? d->ports.hi : 0;

		ck_assert(d->before->reachable != d->after->reachable);
		for (guint port = vs_protocol_has_ports(d->protocol) ? d->ports.lo : 0; port <= hi;
		     port++, flows++) {
			char *flow =
				flow_key(name_of(new_model, d->source),
					 name_of(new_model, d->destination), d->protocol, port);

			/* a sampled brute force vouches for the ports it walked only */
			gboolean walked = port % stride == 0 || port == 65535;

			ck_assert_msg(!walked || g_hash_table_contains(expected, flow),
				      "diff reports %s, the brute force does not", flow);
			ck_assert_msg(g_hash_table_add(reported, flow), "%s reported twice", flow);
		}
	}
	g_hash_table_iter_init(&iter, expected);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		ck_assert_msg(g_hash_table_contains(reported, key),
			      "the brute force finds %s, diff does not", (const char *)key);
	g_snprintf(stride_text, sizeof(stride_text), "%uth ", stride);
	fprintf(stderr,
		"diff = brute force (every %sport): %s -> %s: %u walks, %u differing flows in %u "
		"lines "
		"(diff walked %u)\n",
		stride == 1 ? "" : stride_text, old_path, new_path, walks, flows, differences->len,
		diff->walks);
}

START_TEST(test_diff_equals_brute_force)
{
	/* web1 and web2 -> db1: tcp 2000-65535, udp *, icmp: 3 lines each */
	diff_against_brute_force("tests/data/diff/old.yaml", "tests/data/diff/new.yaml",
				 brute_force_stride(), 6);
}
END_TEST

/* The generated model's text with the nth inbound Allow rule after anchor changed to
 * Deny; NULL when there is none. */
static char *
flip_rule(const char *text, const char *anchor, guint nth)
{
	const char *rule = strstr(text, anchor);
	const char *allow = rule;
	GString *changed;

	for (guint i = 0; allow != NULL && i <= nth; i++)
		allow = strstr(allow + (i > 0), "direction: Inbound, access: Allow");
	if (allow == NULL)
		return NULL;
	changed = g_string_new(text);
	g_string_overwrite_len(changed, (gsize)(allow - text), "direction: Inbound, access: Deny ",
			       33);
	return g_string_free(changed, FALSE);
}

/*
 * diff on a generated estate against walks of sampled flows: for every stride-th pair
 * of VMs, at the edges of every port class of either model and a few random ports, a
 * flow is reported exactly when its status differs; and each reported range differs
 * at both ends.  Two one-rule changes: a spoke subnet NSG's rule, and the hub
 * firewall's allow-private-in (which reaches almost every pair).
 */
/* A VsRenderFlush that keeps what it is handed, as vnetsim diff writes it out. */
typedef struct {
	GString *kept;
	guint flushes;
} FlushCollector;

static void
collect_flush(GString *out, gpointer data)
{
	FlushCollector *collector = data;

	g_string_append_len(collector->kept, out->str, (gssize)out->len);
	g_string_truncate(out, 0);
	collector->flushes++;
}

/* vnetsim diff streams its text (vs_render_diff_text_flushing): it must be the listed text. */
static void
assert_streamed_text_is_listed_text(const VsDiff *diff, const GArray *differences)
{
	g_autoptr(GString) listed = g_string_new(NULL);
	g_autoptr(GString) rest = g_string_new(NULL);
	FlushCollector collector = {g_string_new(NULL), 0};

	vs_render_diff_text(listed, diff, differences);
	vs_render_diff_text_flushing(rest, diff, 4096, collect_flush, &collector);
	g_string_append_len(collector.kept, rest->str, (gssize)rest->len);
	ck_assert_msg(strcmp(collector.kept->str, listed->str) == 0,
		      "streamed text (%zu bytes) differs from the listed text (%zu bytes)",
		      collector.kept->len, listed->len);
	ck_assert_uint_ge(collector.flushes, listed->len / 8192);
	g_string_free(collector.kept, TRUE);
}

/* Whether the diff reported any protocol of the pair (keys "s>d>protocol" of ranges). */
static gboolean
reported_pair(GHashTable *ranges, guint source, guint destination)
{
	static const VsProtocol protocols[] = {VS_PROTO_TCP, VS_PROTO_UDP, VS_PROTO_ICMP};

	for (gsize p = 0; p < G_N_ELEMENTS(protocols); p++) {
		g_autofree char *key =
			g_strdup_printf("%u>%u>%d", source, destination, protocols[p]);

		if (g_hash_table_contains(ranges, key))
			return TRUE;
	}
	return FALSE;
}

START_TEST(test_diff_equals_walks_on_a_generated_estate)
{
	static const char *const anchors[] = {"  - name: nsg-2-1\n", "{name: allow-private-in,"};
	VsGenParams params = {200, 700, 60, 11, TRUE};
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree char *changed = NULL;
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(VsModel) old_model = NULL, new_model = NULL;
	g_autoptr(VsEngine) old_engine = NULL, new_engine = NULL;
	g_autoptr(VsDiff) diff = NULL;
	g_autoptr(GArray) differences = NULL;
	g_autoptr(GHashTable) ranges = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							     (GDestroyNotify)g_array_unref);
	g_autoptr(GArray) tcp_ports = NULL;
	g_autoptr(GArray) udp_ports = NULL;
	const GArray *ports[2];
	const VsProtocol protocols[] = {VS_PROTO_TCP, VS_PROTO_UDP, VS_PROTO_ICMP};
	guint stride = matrix_stride() * 3, n, flows = 0, differing = 0, reported = 0;
	guint64 k = 0;
	GRand *rand = g_rand_new_with_seed(17);

	vs_gen_model(text, &params);
	old_model = vs_load_data(text->str, text->len, "old.yaml", diags, NULL);
	ck_assert(old_model != NULL);
	old_engine = vs_engine_new(old_model);
	/* the first such rule whose change changes something (many are shadowed) */
	for (guint nth = 0; diff == NULL || !vs_diff_changed(diff); nth++) {
		g_clear_pointer(&diff, vs_diff_free);
		g_clear_pointer(&new_engine, vs_engine_free);
		g_clear_pointer(&new_model, vs_model_free);
		g_clear_pointer(&changed, g_free);
		changed = flip_rule(text->str, anchors[_i], nth);
		ck_assert(changed != NULL);
		new_model = vs_load_data(changed, strlen(changed), "new.yaml", diags, NULL);
		ck_assert(new_model != NULL);
		new_engine = vs_engine_new(new_model);
		diff = vs_diff_new(old_engine, new_engine);
	}
	differences = vs_diff_differences(diff);
	ck_assert_uint_eq(vs_diff_count(diff), differences->len);
	assert_streamed_text_is_listed_text(diff, differences);
	for (guint i = 0; i < differences->len; i++) {
		const VsDifference *d = &g_array_index(differences, VsDifference, i);
		g_autofree char *key =
			g_strdup_printf("%u>%u>%d", d->source, d->destination, d->protocol);
		GArray *list = g_hash_table_lookup(ranges, key);
		const guint16 ends[2] = {d->ports.lo, d->ports.hi};

		if (list == NULL) {
			list = g_array_new(FALSE, FALSE, sizeof(VsPortRange));
			g_hash_table_insert(ranges, g_steal_pointer(&key), list);
		}
		g_array_append_val(list, d->ports);
		/* a reported range differs at both of its ends */
		for (guint e = 0; e < 2; e++)
			ck_assert(status_of(old_engine, d->source, d->destination, diff->internet,
					    d->protocol, ends[e], FALSE) !=
				  status_of(new_engine, d->source, d->destination, diff->internet,
					    d->protocol, ends[e], FALSE));
	}
	ports[0] = tcp_ports = ports_to_ask(new_model, VS_PROTO_TCP);
	ports[1] = udp_ports = ports_to_ask(new_model, VS_PROTO_UDP);
	n = new_model->vms->len;
	for (guint s = 0; s < n; s++) {
		for (guint d = 0; d <= n; d++, k++) {
			guint destination = d == n ? VS_MATRIX_INTERNET : d;

			/* every stride-th pair, and every 8th pair the diff reports: the
			 * sample then holds differing flows even at valgrind's stride */
			if (destination == s ||
			    (k % stride != 0 &&
			     !(reported_pair(ranges, s, destination) && reported++ % 8 == 0)))
				continue;
			for (gsize p = 0; p < G_N_ELEMENTS(protocols); p++) {
				g_autofree char *key =
					g_strdup_printf("%u>%u>%d", s, destination, protocols[p]);
				const GArray *list = g_hash_table_lookup(ranges, key);
				guint count = p < 2 ? ports[p]->len + 4 : 1;

				for (guint i = 0; i < count; i++) {
					guint16 port =
						p == 2 ? 0
						: i < ports[p]->len
							? g_array_index(ports[p], guint16, i)
							: (guint16)g_rand_int_range(rand, 0, 65536);
					gboolean old = status_of(old_engine, s, destination,
								 diff->internet, protocols[p], port,
								 FALSE);
					gboolean now = status_of(new_engine, s, destination,
								 diff->internet, protocols[p], port,
								 FALSE);

					if (p < 2 && i < ports[p]->len && i % 3 != k % 3)
						continue; /* a third of the class edges per pair */
					ck_assert_msg((old != now) == (list != NULL &&
								       in_ranges(list, port)),
						      "%s: %s -> %s %s/%u: %s -> %s, diff says %s",
						      anchors[_i], name_of(new_model, s),
						      name_of(new_model, destination),
						      vs_protocol_name(protocols[p]), port,
						      old ? "Reachable" : "Unreachable",
						      now ? "Reachable" : "Unreachable",
						      list != NULL && in_ranges(list, port)
							      ? "differs"
							      : "same");
					flows++;
					differing += old != now;
				}
			}
		}
	}
	g_rand_free(rand);
	fprintf(stderr,
		"diff = walks: generated estate of %u VMs, %s flipped to Deny: %u flows compared "
		"(1 pair in %u, and %u of the reported pairs), %u differ; diff: %u differences, "
		"%u walks, %u of %u pairs of subnets walked\n",
		n, anchors[_i][0] == ' ' ? "an inbound Allow of nsg-2-1" : "allow-private-in",
		flows, stride, (reported + 7) / 8, differing, differences->len, diff->walks,
		diff->pairs_walked, diff->pairs->len);
	ck_assert_uint_gt(differing, 0);
}
END_TEST

START_TEST(test_diff_of_a_refactoring_is_empty)
{
	/* no difference: a sample of the ports is enough to catch a careless refactoring
	 * (the exhaustive brute force runs on the one-rule change above) */
	diff_against_brute_force("tests/data/diff/old.yaml", "tests/data/diff/refactor.yaml", 97,
				 0);
}
END_TEST

START_TEST(test_diff_names_the_deciding_rule)
{
	g_autoptr(VsModel) old_model = load_path("tests/data/diff/old.yaml");
	g_autoptr(VsModel) new_model = load_path("tests/data/diff/new.yaml");
	g_autoptr(VsEngine) old_engine = vs_engine_new(old_model);
	g_autoptr(VsEngine) new_engine = vs_engine_new(new_model);
	g_autoptr(VsDiff) diff = vs_diff_new(new_engine, old_engine); /* reversed: now denied */
	g_autoptr(GArray) differences = vs_diff_differences(diff);
	const VsDifference *first = &g_array_index(differences, VsDifference, 0);
	VsDecidedBy decided;

	ck_assert(vs_diff_changed(diff));
	ck_assert_str_eq(name_of(old_model, first->source), "web1");
	ck_assert_str_eq(name_of(old_model, first->destination), "db1");
	ck_assert_int_eq(first->protocol, VS_PROTO_TCP);
	ck_assert_uint_eq(first->ports.lo, 2000);
	ck_assert_uint_eq(first->ports.hi, 65535);
	ck_assert(first->before->reachable);
	ck_assert(vs_verdict_decided_by(first->after, NULL, NULL, &decided));
	ck_assert_str_eq(decided.type, "NetworkSecurityRule");
	ck_assert_str_eq(decided.name, "UserRule_deny-web-in");
	ck_assert_str_eq(decided.resource, "nsg-db");
	ck_assert_uint_eq(decided.line, 54);
}
END_TEST

START_TEST(test_diff_reports_vms_added_and_removed)
{
	g_autofree char *text = pair_model("");
	g_autofree char *fewer = NULL;
	g_autoptr(VsModel) a = load_text(text);
	g_autoptr(VsModel) b = NULL;
	g_autoptr(VsEngine) ea = NULL, eb = NULL;
	g_autoptr(VsDiff) diff = NULL;
	char *cut = strstr(text, "  - {name: y1");

	ck_assert_ptr_nonnull(cut);
	fewer = g_strndup(text, (gsize)(cut - text));
	b = load_text(fewer);
	ea = vs_engine_new(a);
	eb = vs_engine_new(b);
	diff = vs_diff_new(ea, eb);
	ck_assert_uint_eq(diff->removed->len, 1);
	ck_assert_str_eq(g_ptr_array_index(diff->removed, 0), "y1");
	ck_assert(vs_diff_changed(diff));
}
END_TEST

Suite *
classes_suite(void)
{
	Suite *suite = suite_create("classes");
	TCase *basics = tcase_create("basics");
	TCase *matrix = tcase_create("matrix");
	TCase *diff = tcase_create("diff");

	tcase_add_test(basics, test_port_classes_cut_at_every_boundary);
	tcase_add_loop_test(basics, test_block_classes_see_what_the_pair_consults, 0,
			    G_N_ELEMENTS(key_cases));
	tcase_add_test(basics, test_internet_address_avoids_named_prefixes);
	suite_add_tcase(suite, basics);

	tcase_set_timeout(matrix, 120);
	tcase_add_test(matrix, test_matrix_equals_check_on_every_pair);
	tcase_add_test(matrix, test_open_ports_equal_check);
	tcase_add_test(matrix, test_matrix_shares_walks_among_classes);
	tcase_add_loop_test(matrix, test_matrix_equals_walks_on_generated_estates, 0, 3);
	tcase_add_test(matrix, test_open_ports_equal_walks_on_a_generated_estate);
	suite_add_tcase(suite, matrix);

	tcase_set_timeout(diff, 300);
	tcase_add_test(diff, test_diff_equals_brute_force);
	tcase_add_test(diff, test_diff_of_a_refactoring_is_empty);
	tcase_add_loop_test(diff, test_diff_equals_walks_on_a_generated_estate, 0, 2);
	tcase_add_test(diff, test_diff_names_the_deciding_rule);
	tcase_add_test(diff, test_diff_reports_vms_added_and_removed);
	suite_add_tcase(suite, diff);
	return suite;
}
