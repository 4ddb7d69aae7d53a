/*
 * bench.c - `make bench`: how fast vnetsim loads and answers, per model size,
 * against the floor (a bare libyaml event scan of the same file) and the
 * baseline (the naive reference evaluator, tests/naive.c).
 *
 *   vnetsim-bench [--dir DIR] [SIZE...]     sizes XS S M L, default XS S M
 *
 * Each size runs in a child process, so that its peak RSS is its own.  That
 * process also holds the generator's text of the model, so the memory a
 * vnetsim process needs is measured apart: a second child, forked from the
 * small parent once the file is written, only loads it and builds the engine,
 * and reads its peak RSS (VmHWM) after each.  The
 * model is generated (bench/gen.c, seed 1), written to DIR and loaded from
 * there like any model file.  Queries are random but seeded: sources are
 * random NICs, destinations mostly other NICs, some addresses inside and
 * outside the VNets, ports where the rules change.  Times are wall clock
 * (CLOCK_MONOTONIC) on one core.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "../tests/naive.h"
#include "batch.h"
#include "diff.h"
#include "gen.h"
#include "latency.h"
#include "load.h"
#include "matrix.h"
#include "render.h"
#include "walk.h"

/* Wall clock, for single checks: cheap to read (vDSO), and a check is far shorter than a
 * scheduler slice, so only the tail sees other processes. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This thread's CPU time, for loops of many checks and loads: the machine may be busy
 * with other work, and a throughput on one core is what the targets ask for. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- the floor */

/* Every event of the file, nothing kept: what any libyaml reader must pay. */
static guint64
yaml_scan(const char *data, gsize length)
{
	yaml_parser_t parser;
	yaml_event_t event;
	guint64 events = 0;
	gboolean done = FALSE;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, length);
	while (!done) {
		if (!yaml_parser_parse(&parser, &event))
			break;
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
		events++;
	}
	yaml_parser_delete(&parser);
	return events;
}

/* ---------------------------------------------------------------- queries */

static guint64
next(guint64 *state)
{
	guint64 z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const guint16 ports[] = {22, 25, 53, 80, 443, 1433, 3306, 3389, 5432, 8080, 8443, 50000};

static void
make_queries(const VsModel *model, VsQuery *queries, guint n)
{
	guint64 state = 42;

	for (guint i = 0; i < n; i++) {
		VsQuery *query = &queries[i];
		guint pick = (guint)(next(&state) % 100);
		const VsNic *nic = g_ptr_array_index(model->nics, next(&state) % model->nics->len);

		*query = (VsQuery){0};
		query->source = g_ptr_array_index(model->nics, next(&state) % model->nics->len);
		if (pick < 80) {
			query->destination = nic->private_ip;
		} else if (pick < 90) {
			const VsSubnet *subnet = g_ptr_array_index(
				model->subnets, next(&state) % model->subnets->len);

			query->destination = subnet->prefix.addr | (VsIp4)(next(&state) & 0xff);
		} else {
			query->destination = (VsIp4)next(&state);
		}
		pick = (guint)(next(&state) % 100);
		query->protocol = pick < 75   ? VS_PROTO_TCP
				  : pick < 95 ? VS_PROTO_UDP
					      : VS_PROTO_ICMP;
		query->source_port = 50000;
		query->destination_port = ports[next(&state) % G_N_ELEMENTS(ports)];
	}
}

static int
compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* ---------------------------------------------------------------- one size */

typedef struct {
	double file_mb;
	double load_s, scan_s;
	double rss_mb; /* the bench process: + the generator's text */
	double own_base_mb, own_load_mb, own_engine_mb; /* a process that only loads */
	double p50_us, p99_us, full_p50_us;
	double naive_p50_us, naive_us;
	double verdict_per_s, full_json_per_s, naive_per_s;
	double batch_verdict_per_s, batch_full_per_s;
	guint vms, rules, routes;
	double walk_hops;
	double matrix_s, matrix_naive_s; /* one port (tcp/443); naive: every pair, extrapolated */
	guint matrix_classes, matrix_walks;
	double diff_s;
	guint diff_differences, diff_walks;
} Figures;

/*
 * The fastest of runs, in seconds, of a bare libyaml scan of text and of a
 * load of path (the same text), taken in turns so that both see the same
 * machine: on a shared machine a ratio of two minimums taken minutes apart
 * moved by 50%.  The model of the last load is kept.
 */
static VsModel *
timed_scan_and_load(const GString *text, const char *path, guint runs, double *scan_s,
		    double *load_s, volatile guint *sink)
{
	VsModel *model = NULL;

	*scan_s = *load_s = G_MAXDOUBLE;
	for (guint r = 0; r < runs; r++) {
		g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
		g_autoptr(GError) error = NULL;
		double start = cpu_now();

		*sink += (guint)yaml_scan(text->str, text->len);
		*scan_s = MIN(*scan_s, cpu_now() - start);
		vs_model_free(model);
		start = cpu_now();
		model = vs_load_file(path, diags, &error);
		*load_s = MIN(*load_s, cpu_now() - start);
		if (model == NULL) {
			fprintf(stderr, "vnetsim-bench: %s: %s\n", path, error->message);
			exit(1);
		}
	}
	return model;
}

/* ---------------------------------------------------------------- memory of a load alone */

/* A field of /proc/self/status in MB ("VmHWM:", "VmRSS:"), or -1. */
static double
proc_status_mb(const char *field)
{
	FILE *status = fopen("/proc/self/status", "r");
	char line[256];
	double mb = -1;

	if (status == NULL)
		return -1;
	while (fgets(line, sizeof(line), status) != NULL)
		if (strncmp(line, field, strlen(field)) == 0)
			mb = g_ascii_strtod(line + strlen(field), NULL) / 1024.0;
	fclose(status);
	return mb;
}

/*
 * In a child forked from the parent (which holds nothing but its code): the
 * RSS before, the peak after loading path, and the peak after building the
 * engine too, like `vnetsim check` does.  VmHWM is the process's high-water
 * mark, counted from the fork.
 */
static void
measure_own_process(const char *path, Figures *figures)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;

	figures->own_base_mb = proc_status_mb("VmRSS:");
	model = vs_load_file(path, diags, &error);
	if (model == NULL) {
		fprintf(stderr, "vnetsim-bench: %s: %s\n", path, error->message);
		exit(1);
	}
	figures->own_load_mb = proc_status_mb("VmHWM:");
	engine = vs_engine_new(model);
	figures->own_engine_mb = proc_status_mb("VmHWM:");
}

/* The largest models matrix and diff are run on (see measure). */
#define MATRIX_MAX_VMS 1000
#define DIFF_MAX_VMS 10

static void
measure(const char *size, const char *dir, Figures *figures)
{
	VsGenParams params;
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree char *path = g_strdup_printf("%s/bench-%s.yaml", dir, size);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	gboolean large = g_ascii_strcasecmp(size, "L") == 0;
	guint runs = large ? 3 : 5;
	guint n = large ? 200000 : 400000, timed = 20000, naive_n;
	g_autofree VsQuery *queries = g_new(VsQuery, n);
	g_autofree double *samples = g_new(double, timed);
	VsWalkVerdict verdict;
	volatile guint sink = 0;
	struct rusage usage;
	double start, total;

	vs_gen_size(size, &params);
	vs_gen_model(text, &params);
	if (!g_file_set_contents(path, text->str, (gssize)text->len, &error)) {
		fprintf(stderr, "vnetsim-bench: %s\n", error->message);
		exit(1);
	}
	figures->file_mb = (double)text->len / 1e6;
	model = timed_scan_and_load(text, path, runs, &figures->scan_s, &figures->load_s, &sink);
	engine = vs_engine_new(model);
	getrusage(RUSAGE_SELF, &usage);
	figures->rss_mb = (double)usage.ru_maxrss / 1024.0;
	figures->vms = model->vms->len;
	figures->routes = 0;
	for (guint i = 0; i < model->route_tables->len; i++)
		figures->routes +=
			((VsRouteTable *)g_ptr_array_index(model->route_tables, i))->routes->len;
	figures->rules = 0;
	for (guint i = 0; i < model->nsgs->len; i++)
		figures->rules += ((VsNsg *)g_ptr_array_index(model->nsgs, i))->rules->len;

	make_queries(model, queries, n);

	/* single checks, one at a time: the latency distribution */
	for (guint i = 0; i < timed; i++) {
		start = now();
		vs_walk_verdict(engine, &queries[i], &verdict);
		samples[i] = (now() - start) * 1e6;
		sink += verdict.hop_count;
	}
	qsort(samples, timed, sizeof(double), compare_double);
	figures->p50_us = samples[timed / 2];
	figures->p99_us = samples[timed * 99 / 100];
	for (guint i = 0; i < timed; i++) {
		start = now();
		{
			g_autoptr(VsTrace) trace = vs_walk(engine, &queries[i]);

			sink += trace->hops->len;
		}
		samples[i] = (now() - start) * 1e6;
	}
	qsort(samples, timed, sizeof(double), compare_double);
	figures->full_p50_us = samples[timed / 2];

	/* throughput, verdict only */
	figures->walk_hops = 0;
	start = cpu_now();
	for (guint i = 0; i < n; i++) {
		vs_walk_verdict(engine, &queries[i], &verdict);
		figures->walk_hops += verdict.hop_count;
	}
	total = cpu_now() - start;
	figures->verdict_per_s = n / total;
	figures->walk_hops /= n;

	/* throughput, full JSON answers (walk, probes, render, one line): as batch answers
	 * them (vs_evaluate_check_json): no detail sentences, the probes' numbers drawn once
	 * for the seed, the answer written compact */
	{
		g_autoptr(GString) line = g_string_new(NULL);
		guint m = n / 10;
		VsProbeDraws draws;

		start = cpu_now();
		vs_probe_draws_init(&draws, 1, VS_LATENCY_MAX_PROBES);
		for (guint i = 0; i < m; i++) {
			VsQuery query = queries[i];
			g_autoptr(VsTrace) trace = NULL;

			query.skip_details = TRUE; /* JSON prints no detail sentences */
			trace = vs_walk(engine, &query);
			vs_latency_probe_with(model, trace, 30, &draws);
			g_string_truncate(line, 0);
			vs_render_check_json_line(line, trace);
			sink += (guint)line->len;
		}
		figures->full_json_per_s = m / (cpu_now() - start);
	}

	/* batch, end to end from JSON lines (parse, resolve, walk, answer) */
	{
		guint m = n / 20;
		g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GString) out = g_string_new(NULL);

		for (guint i = 0; i < m; i++) {
			char ip[16];
			const VsQuery *query = &queries[i];

			g_ptr_array_add(
				lines,
				query->protocol == VS_PROTO_ICMP
					? g_strdup_printf("{\"source\":\"%s/%s\",\"dest\":\"%s\","
							  "\"protocol\":\"icmp\"}",
							  query->source->vm->name,
							  query->source->name,
							  vs_ip4_format(query->destination, ip))
					: g_strdup_printf(
						  "{\"source\":\"%s/%s\",\"dest\":\"%s\","
						  "\"protocol\":\"%s\",\"port\":%u}",
						  query->source->vm->name, query->source->name,
						  vs_ip4_format(query->destination, ip),
						  query->protocol == VS_PROTO_TCP ? "tcp" : "udp",
						  query->destination_port));
		}
		for (int verdict_only = 1; verdict_only >= 0; verdict_only--) {
			g_autoptr(VsBatch) batch = vs_batch_new(model, engine, verdict_only);

			start = cpu_now();
			for (guint i = 0; i < m; i++) {
				const char *one = g_ptr_array_index(lines, i);

				g_string_truncate(out, 0);
				vs_batch_answer(batch, one, strlen(one), i + 1, out);
				sink += (guint)out->len;
			}
			total = cpu_now() - start;
			if (verdict_only)
				figures->batch_verdict_per_s = m / total;
			else
				figures->batch_full_per_s = m / total;
		}
	}

	/* the naive evaluator on the same queries */
	naive_n = large ? 200 : g_ascii_strcasecmp(size, "M") == 0 ? 2000 : 20000;
	for (guint i = 0; i < naive_n; i++) {
		NaiveResult result;
		NaiveQuery query = {queries[i].source, queries[i].destination, queries[i].protocol,
				    queries[i].source_port, queries[i].destination_port};
		double one = now();

		naive_check(model, &query, &result);
		samples[i] = (now() - one) * 1e6;
		sink += result.hop_count;
	}
	/* and its throughput, on CPU time like the engine's */
	start = cpu_now();
	for (guint i = 0; i < naive_n; i++) {
		NaiveResult result;
		NaiveQuery query = {queries[i].source, queries[i].destination, queries[i].protocol,
				    queries[i].source_port, queries[i].destination_port};

		naive_check(model, &query, &result);
		sink += result.hop_count;
	}
	total = cpu_now() - start;
	figures->naive_per_s = naive_n / total;
	figures->naive_us = total * 1e6 / naive_n;
	qsort(samples, naive_n, sizeof(double), compare_double);
	figures->naive_p50_us = samples[naive_n / 2];
	/* matrix for one port: every VM to every VM and the internet, over classes.  Its
	 * walks are verdict-only, but the VM classes grow with the VMs (799 of 1,000 at S),
	 * so beyond S it is tens of millions of walks: not run there. */
	figures->matrix_s = figures->matrix_naive_s = -1;
	figures->diff_s = -1;
	if (model->vms->len <= MATRIX_MAX_VMS) {
		g_autoptr(VsMatrix) matrix = NULL;
		double pairs = (double)model->vms->len * model->vms->len;

		start = cpu_now();
		matrix = vs_matrix_new(engine, VS_PROTO_TCP, 443);
		figures->matrix_s = cpu_now() - start;
		figures->matrix_classes = matrix->partition->members->len;
		figures->matrix_walks = matrix->walks;
		/* the naive way: one naive check per ordered pair (extrapolated from its rate) */
		figures->matrix_naive_s = pairs / figures->naive_per_s;
	}

	/* diff for a one-rule change: the hub firewall's allow-private-in (priority 100)
	 * becomes a deny, which cuts every path through the firewalls.
	 * That changes an appliance, so every pair of classes is walked, times every port
	 * class, twice: only the smallest size finishes in reasonable time. */
	if (model->vms->len <= DIFF_MAX_VMS) {
		const char *rule = strstr(text->str, "{name: allow-private-in,");
		const char *allow = rule != NULL ? strstr(rule, "access: Allow") : NULL;
		g_autoptr(GString) changed = g_string_new_len(text->str, (gssize)text->len);
		g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
		g_autoptr(VsModel) new_model = NULL;
		g_autoptr(VsEngine) new_engine = NULL;
		g_autoptr(VsDiff) diff = NULL;
		g_autoptr(GArray) differences = NULL;

		if (allow == NULL) {
			fprintf(stderr, "vnetsim-bench: no rule allow-private-in to change\n");
			exit(1);
		}
		g_string_overwrite_len(changed, (gsize)(allow - text->str), "access: Deny ", 13);
		new_model = vs_load_data(changed->str, changed->len, path, diags, &error);
		if (new_model == NULL) {
			fprintf(stderr, "vnetsim-bench: the changed model: %s\n", error->message);
			exit(1);
		}
		new_engine = vs_engine_new(new_model);
		start = cpu_now();
		diff = vs_diff_new(engine, new_engine);
		differences = vs_diff_differences(diff);
		figures->diff_s = cpu_now() - start;
		figures->diff_differences = differences->len;
		figures->diff_walks = diff->walks;
	}
	(void)sink; /* the file is removed by main, after measure_own_process */
}

/* ---------------------------------------------------------------- the table */

#define MAX_SIZES 4

static void
row(const char *name, guint count, const Figures *figures, int decimals, const char *suffix,
    double (*value)(const Figures *))
{
	printf("| %-38s |", name);
	for (guint i = 0; i < count; i++) {
		double v = value(&figures[i]);
		g_autofree char *cell = v < 0 ? g_strdup("not run")
					      : g_strdup_printf("%.*f%s", decimals, v, suffix);

		printf(" %14s |", cell);
	}
	printf("\n");
}

#define FIELD(name, expression)                                                                    \
	static double name(const Figures *f)                                                       \
	{                                                                                          \
		return (expression);                                                               \
	}

FIELD(f_vms, f->vms)
FIELD(f_rules, f->rules)
FIELD(f_routes, f->routes)
FIELD(f_file, f->file_mb)
FIELD(f_load_s, f->load_s)
FIELD(f_load_mbs, f->file_mb / f->load_s)
FIELD(f_scan_mbs, f->file_mb / f->scan_s)
FIELD(f_load_ratio, f->load_s / f->scan_s)
FIELD(f_rss, f->rss_mb)
FIELD(f_rss_ratio, f->rss_mb / f->file_mb)
FIELD(f_own_load, f->own_load_mb)
FIELD(f_own_engine, f->own_engine_mb)
FIELD(f_own_ratio, f->own_engine_mb / f->file_mb)
FIELD(f_own_base, f->own_base_mb)
FIELD(f_own_above_ratio, (f->own_engine_mb - f->own_base_mb) / f->file_mb)
FIELD(f_p50, f->p50_us)
FIELD(f_p99, f->p99_us)
FIELD(f_full_p50, f->full_p50_us)
FIELD(f_naive_p50, f->naive_p50_us)
FIELD(f_speedup, f->naive_p50_us / f->p50_us)
FIELD(f_verdict, f->verdict_per_s)
FIELD(f_verdict_ratio, f->verdict_per_s / f->naive_per_s)
FIELD(f_full, f->full_json_per_s)
FIELD(f_full_ratio, f->full_json_per_s / f->naive_per_s)
FIELD(f_batch_verdict, f->batch_verdict_per_s)
FIELD(f_batch_full, f->batch_full_per_s)
FIELD(f_naive, f->naive_per_s)
FIELD(f_hops, f->walk_hops)
FIELD(f_matrix, f->matrix_s)
FIELD(f_matrix_classes, f->matrix_s < 0 ? -1.0 : (double)f->matrix_classes)
FIELD(f_matrix_walks, f->matrix_s < 0 ? -1.0 : (double)f->matrix_walks)
FIELD(f_matrix_ratio, f->matrix_s < 0 ? -1.0 : f->matrix_naive_s / f->matrix_s)
FIELD(f_diff, f->diff_s)
FIELD(f_diff_walks, f->diff_s < 0 ? -1.0 : (double)f->diff_walks)
FIELD(f_diff_differences, f->diff_s < 0 ? -1.0 : (double)f->diff_differences)

/* Runs measure or measure_own_process in a child, whose figures come back in a pipe. */
static gboolean
in_child(const char *size, const char *dir, Figures *figures, gboolean own)
{
	int pipe_fds[2];
	pid_t child;
	int status;

	if (pipe(pipe_fds) != 0 || (child = fork()) < 0) {
		perror("vnetsim-bench");
		return FALSE;
	}
	if (child == 0) {
		close(pipe_fds[0]);
		if (own) {
			g_autofree char *path = g_strdup_printf("%s/bench-%s.yaml", dir, size);

			measure_own_process(path, figures);
		} else {
			measure(size, dir, figures);
		}
		if (write(pipe_fds[1], figures, sizeof(Figures)) != sizeof(Figures))
			_exit(1);
		_exit(0);
	}
	close(pipe_fds[1]);
	if (read(pipe_fds[0], figures, sizeof(Figures)) != sizeof(Figures) ||
	    waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		close(pipe_fds[0]);
		return FALSE;
	}
	close(pipe_fds[0]);
	return TRUE;
}

int
main(int argc, char **argv)
{
	const char *dir = g_get_tmp_dir();
	const char *sizes[MAX_SIZES];
	Figures figures[MAX_SIZES];
	guint count = 0;

	for (int i = 1; i < argc; i++) {
		VsGenParams params;

		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
			continue;
		}
		if (!vs_gen_size(argv[i], &params) || count == MAX_SIZES) {
			fprintf(stderr, "usage: vnetsim-bench [--dir DIR] [XS] [S] [M] [L]\n");
			return 2;
		}
		sizes[count++] = argv[i];
	}
	if (count == 0) {
		sizes[0] = "XS", sizes[1] = "S", sizes[2] = "M";
		count = 3;
	}
	for (guint i = 0; i < count; i++) {
		g_autofree char *path = g_strdup_printf("%s/bench-%s.yaml", dir, sizes[i]);
		Figures own;
		gboolean ok;

		fprintf(stderr, "vnetsim-bench: size %s...\n", sizes[i]);
		ok = in_child(sizes[i], dir, &figures[i], FALSE) &&
		     in_child(sizes[i], dir, &own, TRUE);
		unlink(path);
		if (!ok) {
			fprintf(stderr, "vnetsim-bench: size %s failed\n", sizes[i]);
			return 1;
		}
		figures[i].own_base_mb = own.own_base_mb;
		figures[i].own_load_mb = own.own_load_mb;
		figures[i].own_engine_mb = own.own_engine_mb;
	}

	printf("| %-38s |", "size");
	for (guint i = 0; i < count; i++)
		printf(" %14s |", sizes[i]);
	printf("\n|%s|", "----------------------------------------");
	for (guint i = 0; i < count; i++)
		printf("%s|", "---------------:");
	printf("\n");
	row("VMs", count, figures, 0, "", f_vms);
	row("security rules / user routes", count, figures, 0, "", f_rules);
	row("", count, figures, 0, "", f_routes);
	row("file MB", count, figures, 2, "", f_file);
	row("load s", count, figures, 3, "", f_load_s);
	row("load MB/s", count, figures, 1, "", f_load_mbs);
	row("libyaml event scan MB/s (floor)", count, figures, 1, "", f_scan_mbs);
	row("load time / scan time (target <= 1.5)", count, figures, 2, "", f_load_ratio);
	row("peak RSS MB, bench process + gen text", count, figures, 1, "", f_rss);
	row("  / file size", count, figures, 1, "", f_rss_ratio);
	row("peak RSS MB, load alone", count, figures, 1, "", f_own_load);
	row("peak RSS MB, load + engine", count, figures, 1, "", f_own_engine);
	row("  / file size (target <= 4)", count, figures, 2, "", f_own_ratio);
	row("  RSS MB before the load (libraries)", count, figures, 1, "", f_own_base);
	row("  / file size, above that", count, figures, 2, "", f_own_above_ratio);
	row("hops per path (mean)", count, figures, 2, "", f_hops);
	row("check p50 us, verdict-only", count, figures, 3, "", f_p50);
	row("check p99 us, verdict-only", count, figures, 3, "", f_p99);
	row("check p50 us, full trace", count, figures, 3, "", f_full_p50);
	row("naive check p50 us", count, figures, 2, "", f_naive_p50);
	row("p50 speedup vs naive (target >= 5)", count, figures, 1, "x", f_speedup);
	row("verdict-only checks/s, 1 core", count, figures, 0, "", f_verdict);
	row("  vs naive", count, figures, 1, "x", f_verdict_ratio);
	row("full JSON answers/s, 1 core", count, figures, 0, "", f_full);
	row("  vs naive", count, figures, 1, "x", f_full_ratio);
	row("batch lines/s, --verdict-only", count, figures, 0, "", f_batch_verdict);
	row("batch lines/s, full JSON", count, figures, 0, "", f_batch_full);
	row("naive checks/s", count, figures, 0, "", f_naive);
	row("matrix s, tcp/443 (target <= 2 at M)", count, figures, 3, "", f_matrix);
	row("  VM classes", count, figures, 0, "", f_matrix_classes);
	row("  walks", count, figures, 0, "", f_matrix_walks);
	row("  vs naive, every pair (target >= 100)", count, figures, 2, "x", f_matrix_ratio);
	row("diff s, one rule Allow->Deny (<= 1)", count, figures, 3, "", f_diff);
	row("  walks", count, figures, 0, "", f_diff_walks);
	row("  differences", count, figures, 0, "", f_diff_differences);
	printf("\nmatrix runs up to %u VMs and diff up to %u (beyond, they take minutes: "
	       "classes^2 x port classes walks); \"vs naive\" for matrix is one naive check per ordered "
	       "pair, extrapolated from the naive rate\n",
	       MATRIX_MAX_VMS, DIFF_MAX_VMS);
	return 0;
}
