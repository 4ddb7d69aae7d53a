/*
 * cmd-diff.c - `vnetsim diff OLD_MODEL NEW_MODEL`: every flow whose verdict
 * differs between two versions of a model, over every port of tcp and udp
 * and icmp (diff.c).  Exit 1 when anything differs, 0 when the change is
 * behaviour-neutral, 2 on bad usage or a bad model.
 */
#include "config.h"

#include "cmd.h"
#include "diff.h"
#include "render-diff.h"
#include "sarif.h"
#include "walk.h"

#define COMMAND "diff"

static const VsSarifRule sarif_rules[] = {
	{"reachability-lost", "A flow that the old model lets through is blocked by the new one."},
	{"reachability-gained", "A flow that the old model blocks is let through by the new one."},
};

int
vs_cmd_diff(int argc, char **argv)
{
	static const char *const formats[] = {"text", "json", "sarif", NULL};
	g_autofree char *format_text = NULL;
	const GOptionEntry entries[] = {
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
		 "Output format: text (default), json or sarif", "FORMAT"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(VsModel) old_model = NULL;
	g_autoptr(VsModel) new_model = NULL;
	g_autoptr(VsEngine) old_engine = NULL;
	g_autoptr(VsEngine) new_engine = NULL;
	g_autoptr(VsDiff) diff = NULL;
	g_autoptr(GArray) differences = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	VsFormat format;

	if (!vs_cmd_parse_options(COMMAND, "OLD_MODEL NEW_MODEL",
				  "Every flow whose verdict differs between two versions of a "
				  "model:\neach pair of VMs (and each VM to the internet), every "
				  "port of tcp and udp, and icmp,\nwith the rule or route that "
				  "decides it.  Exit 1 when anything differs.",
				  entries, &argc, &argv) ||
	    !vs_cmd_parse_format(COMMAND, format_text, formats, &format))
		return VS_EXIT_USAGE;
	if (argc != 3)
		return vs_cmd_usage_error(COMMAND, "expected two models, OLD_MODEL NEW_MODEL");

	old_model = vs_cmd_load_model(argv[1], NULL);
	if (old_model == NULL)
		return VS_EXIT_USAGE;
	new_model = vs_cmd_load_model(argv[2], NULL);
	if (new_model == NULL)
		return VS_EXIT_USAGE;
	old_engine = vs_engine_new(old_model);
	new_engine = vs_engine_new(new_model);
	diff = vs_diff_new(old_engine, new_engine);

	if (format == VS_FORMAT_JSON) {
		differences = vs_diff_differences(diff);
		vs_render_diff_json(out, diff, differences);
	} else if (format == VS_FORMAT_SARIF) {
		g_autoptr(VsDiagList) diags = vs_diag_list_new(G_MAXUINT);

		differences = vs_diff_differences(diff);
		vs_diff_to_diags(diff, differences, diags);
		vs_render_sarif(out, diags, sarif_rules, G_N_ELEMENTS(sarif_rules));
	} else {
		/* streamed: a change to a hub appliance of a large estate can alter
		 * hundreds of millions of flows */
		vs_render_diff_text_flushing(out, diff, VS_RENDER_MATRIX_CHUNK, vs_cmd_flush, NULL);
	}
	vs_cmd_write(out);
	return vs_diff_changed(diff) ? VS_EXIT_FAILED : VS_EXIT_OK;
}
