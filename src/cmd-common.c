/*
 * cmd-common.c - what every subcommand does the same way: formats, usage
 * errors, loading a model and printing its diagnostics.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "cmd.h"
#include "evaluate.h"
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
		fprintf(out, "... and %u more error%s (only the first %u are shown)\n",
			diags->dropped, diags->dropped == 1 ? "" : "s", diags->limit);
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

/* ---------------------------------------------------------------- options */

gboolean
vs_cmd_parse_options(const char *command, const char *parameter, const char *summary,
		     const GOptionEntry *entries, int *argc, char ***argv)
{
	g_autoptr(GOptionContext) context = g_option_context_new(parameter);
	g_autoptr(GError) error = NULL;

	g_option_context_set_summary(context, summary);
	g_option_context_add_main_entries(context, entries, NULL);
	g_option_context_set_help_enabled(context, TRUE);
	if (!g_option_context_parse(context, argc, argv, &error)) {
		vs_cmd_usage_error(command, "%s", error->message);
		return FALSE;
	}
	return TRUE;
}

const char *
vs_cmd_model_argument(const char *command, int argc, char **argv)
{
	if (argc < 2) {
		vs_cmd_usage_error(command, "missing MODEL (the model file to read)");
		return NULL;
	}
	if (argc > 2) {
		vs_cmd_usage_error(command, "unexpected argument '%s' after MODEL '%s'", argv[2],
				   argv[1]);
		return NULL;
	}
	return argv[1];
}

gboolean
vs_cmd_require(const char *command, const char *option, const char *value, const char *description)
{
	if (value != NULL)
		return TRUE;
	vs_cmd_usage_error(command, "missing %s %s", option, description);
	return FALSE;
}

gboolean
vs_cmd_parse_number(const char *command, const char *option, const char *value, guint64 min,
		    guint64 max, const char *what, guint64 *out)
{
	/* g_ascii_string_to_unsigned refuses signs, spaces and trailing text */
	if (g_ascii_string_to_unsigned(value, 10, min, max, out, NULL))
		return TRUE;
	vs_cmd_usage_error(command,
			   "%s '%s': expected %s %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT, option,
			   value, what, min, max);
	return FALSE;
}

gboolean
vs_cmd_parse_port(const char *command, const char *option, const char *value, guint16 *out)
{
	guint64 port;

	if (!vs_cmd_parse_number(command, option, value, 0, 65535, "a port number", &port))
		return FALSE;
	*out = (guint16)port;
	return TRUE;
}

gboolean
vs_cmd_parse_ip(const char *command, const char *option, const char *value, VsIp4 *out)
{
	if (vs_ip4_parse(value, out, NULL))
		return TRUE;
	vs_cmd_usage_error(command, "%s '%s': expected an IPv4 address such as 10.1.1.4", option,
			   value);
	return FALSE;
}

gboolean
vs_cmd_parse_endpoint(const char *command, const char *option, const char *value, VsIp4 *ip,
		      guint16 *port)
{
	const char *colon = strrchr(value, ':');
	g_autofree char *address = colon != NULL ? g_strndup(value, (gsize)(colon - value)) : NULL;
	guint64 number;

	if (address == NULL || !vs_ip4_parse(address, ip, NULL) ||
	    !g_ascii_string_to_unsigned(colon + 1, 10, 0, 65535, &number, NULL)) {
		vs_cmd_usage_error(command,
				   "%s '%s': expected IP:PORT, an IPv4 address and a port "
				   "0..65535, such as 10.1.1.4:443",
				   option, value);
		return FALSE;
	}
	*port = (guint16)number;
	return TRUE;
}

int
vs_cmd_parse_choice(const char *command, const char *option, const char *value,
		    const char *const *choices)
{
	g_autoptr(GString) list = g_string_new(NULL);

	for (int i = 0; choices[i] != NULL; i++) {
		if (g_ascii_strcasecmp(value, choices[i]) == 0)
			return i;
		g_string_append_printf(list, "%s%s", i > 0 ? "|" : "", choices[i]);
	}
	vs_cmd_usage_error(command, "%s '%s': expected %s", option, value, list->str);
	return -1;
}

VsNic *
vs_cmd_resolve_nic(const char *command, const char *option, const VsModel *model, const char *spec)
{
	g_autoptr(GError) error = NULL;
	VsNic *nic = vs_evaluate_find_nic(model, spec, &error);

	if (nic == NULL)
		vs_cmd_usage_error(command, "%s '%s': %s", option, spec, error->message);
	return nic;
}

VsNic *
vs_cmd_resolve_nic_with_ip(const char *command, const char *option, const VsModel *model,
			   const char *spec, const char *ip_option, VsIp4 ip)
{
	g_autoptr(GError) error = NULL;
	VsNic *nic = vs_evaluate_find_nic_with_ip(model, spec, ip, &error);

	if (nic != NULL)
		return nic;
	if (g_error_matches(error, VS_EVALUATE_ERROR, VS_EVALUATE_ERROR_NOT_OWN_ADDRESS))
		vs_cmd_usage_error(command, "%s %s", ip_option, error->message);
	else
		vs_cmd_usage_error(command, "%s '%s': %s", option, spec, error->message);
	return NULL;
}

void
vs_cmd_write(const GString *text)
{
	fputs(text->str, stdout);
}

void
vs_cmd_flush(GString *out, gpointer data)
{
	(void)data;
	vs_cmd_write(out);
	g_string_truncate(out, 0);
}

gboolean
vs_cmd_vm_command(const char *command, const char *summary, int *argc, char ***argv,
		  VsModel **model, const VsNic **nic, VsFormat *format)
{
	static const char *const formats[] = {"text", "json", NULL};
	g_autofree char *vm = NULL, *format_name = NULL;
	const GOptionEntry entries[] = {
		{"vm", 0, 0, G_OPTION_ARG_STRING, &vm,
		 "The VM, and optionally which of its NICs (default: the first)", "VM[/NIC]"},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
		 "Output format: text (default) or json", "FORMAT"},
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(VsModel) loaded = NULL;
	const char *path;

	if (!vs_cmd_parse_options(command, "MODEL", summary, entries, argc, argv) ||
	    !vs_cmd_parse_format(command, format_name, formats, format) ||
	    !vs_cmd_require(command, "--vm", vm, "VM[/NIC]") ||
	    (path = vs_cmd_model_argument(command, *argc, *argv)) == NULL)
		return FALSE;
	loaded = vs_cmd_load_model(path, NULL);
	if (loaded == NULL)
		return FALSE;
	*nic = vs_cmd_resolve_nic(command, "--vm", loaded, vm);
	if (*nic == NULL)
		return FALSE;
	*model = g_steal_pointer(&loaded);
	return TRUE;
}
