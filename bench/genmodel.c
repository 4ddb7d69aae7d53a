/*
 * genmodel.c - `vnetsim-genmodel`: writes a generated model file (gen.h) to
 * stdout or a file, for `make bench`, for tests and for anyone who wants a
 * big estate to try vnetsim on.
 *
 *   vnetsim-genmodel --size M --seed 7 -o m.yaml
 *   vnetsim-genmodel --vms 500 --rules 800 --routes 60 --no-edges
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "gen.h"

int
main(int argc, char **argv)
{
	g_autofree char *size = NULL, *output = NULL;
	gint64 vms = -1, rules = -1, routes = -1, seed = -1;
	gboolean no_edges = FALSE;
	const GOptionEntry entries[] = {
		{"size", 0, 0, G_OPTION_ARG_STRING, &size, "XS, S, M or L (default XS)", "SIZE"},
		{"vms", 0, 0, G_OPTION_ARG_INT64, &vms, "Number of VMs (overrides the size)", "N"},
		{"rules", 0, 0, G_OPTION_ARG_INT64, &rules, "About this many security rules", "N"},
		{"routes", 0, 0, G_OPTION_ARG_INT64, &routes, "About this many user routes", "N"},
		{"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "PRNG seed (default 1)", "N"},
		{"no-edges", 0, 0, G_OPTION_ARG_NONE, &no_edges,
		 "Leave out the deliberate misconfigurations", NULL},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write here, not to stdout",
		 "FILE"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new("- generate a vnetsim model");
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) text = g_string_new(NULL);
	VsGenParams params;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error) || argc != 1) {
		fprintf(stderr, "vnetsim-genmodel: %s\n",
			error != NULL ? error->message : "unexpected argument");
		return 2;
	}
	if (!vs_gen_size(size != NULL ? size : "XS", &params)) {
		fprintf(stderr, "vnetsim-genmodel: --size '%s': expected XS, S, M or L\n", size);
		return 2;
	}
	if (vms >= 0)
		params.vms = (guint)CLAMP(vms, 10, 150000);
	if (rules >= 0)
		params.rules = (guint)MIN(rules, 1000000);
	if (routes >= 0)
		params.routes = (guint)MIN(routes, 100000);
	if (seed >= 0)
		params.seed = (guint64)seed;
	params.edges = !no_edges;
	vs_gen_model(text, &params);
	if (output == NULL) {
		fwrite(text->str, 1, text->len, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (!g_file_set_contents(output, text->str, (gssize)text->len, &error)) {
		fprintf(stderr, "vnetsim-genmodel: %s\n", error->message);
		return 1;
	}
	return 0;
}
