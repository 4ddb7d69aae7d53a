/*
 * cmd-check.c - `vnetsim check MODEL --source VM[/NIC] --dest TARGET`: the
 * connection troubleshoot.  Walks the routed path from the source NIC to the
 * destination and prints Azure's ConnectivityInformation (JSON) or the path
 * with its verdict and the rule or route that blocks it (text).
 *
 * Every option is checked before the model is read, so a usage error costs
 * nothing and never hides behind a model error: the TARGET's syntax too (a
 * malformed URI is a usage error).  Its meaning comes from the model
 * (resolve.c): a VM of the model (looked up first), an IPv4 address, or a
 * name in the model's DNS.  A name that does not resolve is an answer, not
 * an error: the walk reports it as a DnsResolution issue.
 *
 * http and https are TCP connections to their port, as in Network Watcher;
 * --method and --valid-status-codes are accepted for compatibility with its
 * HTTPConfiguration, checked, and otherwise unused: vnetsim simulates no HTTP
 * server, so a listener on the port is a successful probe.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "evaluate.h"
#include "render.h"
#include "render-dot.h"
#include "resolve.h"

#define COMMAND "check"

/* Network Watcher sends at most 100 probes; 30 is what its answers show by default. */
#define MAX_PROBES 100
#define DEFAULT_PROBES 30
#define DEFAULT_SOURCE_PORT 50000

static const char *const protocol_names[] = {"tcp", "udp", "icmp", "http", "https", NULL};
enum { PROTOCOL_TCP, PROTOCOL_UDP, PROTOCOL_ICMP, PROTOCOL_HTTP, PROTOCOL_HTTPS };

static const char *const expect_names[] = {"reachable", "unreachable", NULL};
enum { EXPECT_NOTHING = -2, EXPECT_REACHABLE = 0, EXPECT_UNREACHABLE = 1 };

/* The options as given, before any is interpreted. */
typedef struct {
	char *source;
	char *dest;
	char *port;
	char *protocol;
	char *source_port;
	char *probes;
	char *seed;
	char *format;
	char *expect;
	char *method;
	char *valid_status_codes;
	gboolean explain;
} Options;

static void
options_clear(Options *options)
{
	g_free(options->source);
	g_free(options->dest);
	g_free(options->port);
	g_free(options->protocol);
	g_free(options->source_port);
	g_free(options->probes);
	g_free(options->seed);
	g_free(options->format);
	g_free(options->expect);
	g_free(options->method);
	g_free(options->valid_status_codes);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Options, options_clear)

/* What the options mean, every value checked. */
typedef struct {
	VsFormat format;
	VsProtocol protocol;
	guint16 source_port;
	guint16 destination_port;
	guint probes;
	guint64 seed;
	int expect;
	VsTargetSpec target; /* the --dest TARGET, parsed */
	gboolean is_http;    /* --protocol http or https */
} Settings;

static void
settings_clear(Settings *settings)
{
	vs_target_spec_clear(&settings->target);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Settings, settings_clear)

/* --valid-status-codes: HTTP status codes 100..599, separated by commas. */
static gboolean
check_status_codes(const char *value)
{
	g_auto(GStrv) codes = g_strsplit(value, ",", -1);
	guint64 code;

	for (guint i = 0; codes[i] != NULL; i++) {
		if (!g_ascii_string_to_unsigned(codes[i], 10, 100, 599, &code, NULL)) {
			vs_cmd_usage_error(COMMAND,
					   "--valid-status-codes '%s': expected HTTP status codes "
					   "100..599 separated by commas, such as 200,301",
					   value);
			return FALSE;
		}
	}
	return TRUE;
}

/* --method and --valid-status-codes: only for http(s), only GET (as Azure). */
static gboolean
check_http_options(const Options *options, int protocol)
{
	gboolean http = protocol == PROTOCOL_HTTP || protocol == PROTOCOL_HTTPS;

	if (!http && (options->method != NULL || options->valid_status_codes != NULL)) {
		vs_cmd_usage_error(COMMAND, "%s applies only to --protocol http or https",
				   options->method != NULL ? "--method" : "--valid-status-codes");
		return FALSE;
	}
	if (options->method != NULL && g_ascii_strcasecmp(options->method, "get") != 0) {
		vs_cmd_usage_error(COMMAND,
				   "--method '%s': expected GET (the only method of Network "
				   "Watcher's HTTP probes)",
				   options->method);
		return FALSE;
	}
	return options->valid_status_codes == NULL ||
	       check_status_codes(options->valid_status_codes);
}

static gboolean
interpret(const Options *options, Settings *settings)
{
	static const char *const formats[] = {"text", "json", "dot", NULL};
	int protocol = PROTOCOL_TCP;
	gboolean has_port = options->port != NULL;
	g_autoptr(GError) error = NULL;
	guint64 number;

	if (!vs_cmd_parse_format(COMMAND, options->format, formats, &settings->format))
		return FALSE;
	if (!vs_cmd_require(COMMAND, "--source", options->source, "VM[/NIC]") ||
	    !vs_cmd_require(COMMAND, "--dest", options->dest,
			    "TARGET (a VM name, an IPv4 address, a DNS name or a URI)"))
		return FALSE;
	if (!vs_target_parse(options->dest, &settings->target, &error)) {
		vs_cmd_usage_error(COMMAND, "--dest %s", error->message);
		return FALSE;
	}
	if (options->protocol != NULL &&
	    (protocol = vs_cmd_parse_choice(COMMAND, "--protocol", options->protocol,
					    protocol_names)) < 0)
		return FALSE;
	if (!check_http_options(options, protocol))
		return FALSE;
	settings->is_http = protocol == PROTOCOL_HTTP || protocol == PROTOCOL_HTTPS;
	if (has_port &&
	    !vs_cmd_parse_port(COMMAND, "--port", options->port, &settings->destination_port))
		return FALSE;
	/* a URI's port (explicit, else its scheme's) unless --port says otherwise */
	if (!has_port && settings->target.is_uri && protocol != PROTOCOL_ICMP) {
		settings->destination_port = settings->target.port;
		has_port = TRUE;
	}
	settings->source_port = DEFAULT_SOURCE_PORT;
	if (options->source_port != NULL &&
	    !vs_cmd_parse_port(COMMAND, "--source-port", options->source_port,
			       &settings->source_port))
		return FALSE;
	settings->probes = DEFAULT_PROBES;
	if (options->probes != NULL) {
		if (!vs_cmd_parse_number(COMMAND, "--probes", options->probes, 1, MAX_PROBES,
					 "a number of probes", &number))
			return FALSE;
		settings->probes = (guint)number;
	}
	settings->seed = 1;
	if (options->seed != NULL &&
	    !vs_cmd_parse_number(COMMAND, "--seed", options->seed, 0, G_MAXUINT32, "a whole number",
				 &settings->seed))
		return FALSE;
	settings->expect = EXPECT_NOTHING;
	if (options->expect != NULL &&
	    (settings->expect =
		     vs_cmd_parse_choice(COMMAND, "--expect", options->expect, expect_names)) < 0)
		return FALSE;

	switch (protocol) {
	case PROTOCOL_HTTP:
	case PROTOCOL_HTTPS:
		/* connection troubleshoot's Http/Https probes are TCP to the scheme's port */
		settings->protocol = VS_PROTO_TCP;
		if (!has_port)
			settings->destination_port = protocol == PROTOCOL_HTTP ? 80 : 443;
		return TRUE;
	case PROTOCOL_ICMP:
		settings->protocol = VS_PROTO_ICMP;
		if (options->port != NULL || options->source_port != NULL) {
			vs_cmd_usage_error(COMMAND,
					   "%s does not apply to --protocol icmp (ICMP has "
					   "no ports)",
					   options->port != NULL ? "--port" : "--source-port");
			return FALSE;
		}
		settings->source_port = settings->destination_port = 0;
		return TRUE;
	default:
		settings->protocol = protocol == PROTOCOL_UDP ? VS_PROTO_UDP : VS_PROTO_TCP;
		if (!has_port) {
			vs_cmd_usage_error(COMMAND, "--protocol %s needs a destination --port N",
					   protocol_names[protocol]);
			return FALSE;
		}
		return TRUE;
	}
}

int
vs_cmd_check(int argc, char **argv)
{
	g_auto(Options) options = {0};
	const GOptionEntry entries[] = {
		{"source", 's', 0, G_OPTION_ARG_STRING, &options.source,
		 "The source VM, and optionally which of its NICs (default: the first)",
		 "VM[/NIC]"},
		{"dest", 'd', 0, G_OPTION_ARG_STRING, &options.dest,
		 "The destination: a VM of the model, an IPv4 address, a DNS name or an "
		 "http(s):// URI",
		 "TARGET"},
		{"port", 'p', 0, G_OPTION_ARG_STRING, &options.port,
		 "Destination port 0..65535 (needed for tcp and udp; http 80, https 443)", "N"},
		{"protocol", 'P', 0, G_OPTION_ARG_STRING, &options.protocol,
		 "tcp (default), udp, icmp, http or https", "PROTOCOL"},
		{"source-port", 0, 0, G_OPTION_ARG_STRING, &options.source_port,
		 "Source port 0..65535 (default 50000)", "N"},
		{"probes", 0, 0, G_OPTION_ARG_STRING, &options.probes,
		 "Probes to send, 1..100 (default 30)", "N"},
		{"seed", 0, 0, G_OPTION_ARG_STRING, &options.seed,
		 "Seed of the simulated latency and loss (default 1)", "N"},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &options.format,
		 "Output format: text (default), json, or dot (Graphviz: the path over the topology)",
		 "FORMAT"},
		{"explain", 'e', 0, G_OPTION_ARG_NONE, &options.explain,
		 "Show, under each hop, the rules and routes consulted and why each matched", NULL},
		{"expect", 0, 0, G_OPTION_ARG_STRING, &options.expect,
		 "Exit with status 1 unless the result is reachable / unreachable", "RESULT"},
		{"method", 0, 0, G_OPTION_ARG_STRING, &options.method,
		 "HTTP method of http(s) probes: GET (accepted for compatibility)", "METHOD"},
		{"valid-status-codes", 0, 0, G_OPTION_ARG_STRING, &options.valid_status_codes,
		 "HTTP status codes counted as success, such as 200,301 (accepted for "
		 "compatibility; they do not change the verdict)",
		 "CODES"},
		G_OPTION_ENTRY_NULL,
	};
	g_auto(Settings) settings = {0};
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(VsTrace) trace = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	VsCheckRequest request = {0};
	g_autoptr(GError) error = NULL;
	const char *path;

	if (!vs_cmd_parse_options(COMMAND, "MODEL",
				  "Troubleshoot a connection, as Network Watcher's connection "
				  "troubleshoot does:\nfollow the routed path from the source VM "
				  "to the destination, hop by hop,\nand report every NSG rule, "
				  "route or guest firewall rule that blocks it.",
				  entries, &argc, &argv) ||
	    !interpret(&options, &settings) ||
	    (path = vs_cmd_model_argument(COMMAND, argc, argv)) == NULL)
		return VS_EXIT_USAGE;

	model = vs_cmd_load_model(path, NULL);
	if (model == NULL)
		return VS_EXIT_USAGE;
	request.source = vs_cmd_resolve_nic(COMMAND, "--source", model, options.source);
	if (request.source == NULL)
		return VS_EXIT_USAGE;
	request.destination = options.dest;
	request.protocol = settings.protocol;
	request.source_port = settings.source_port;
	request.destination_port = settings.destination_port;
	request.probes = settings.probes;
	request.seed = (guint32)settings.seed;
	request.explain = options.explain;
	request.http = settings.is_http;

	engine = vs_engine_new(model);
	trace = vs_evaluate_check(engine, &request, &error);
	if (trace == NULL) /* interpret() parsed --dest already: a bug if it gets here */
		return vs_cmd_usage_error(COMMAND, "--dest %s", error->message);

	if (settings.format == VS_FORMAT_JSON)
		vs_render_check_json(out, trace);
	else if (settings.format == VS_FORMAT_DOT)
		vs_render_dot(out, model, trace);
	else
		vs_render_check_text(out, trace, options.explain);
	vs_cmd_write(out);

	if (settings.expect != EXPECT_NOTHING &&
	    (settings.expect == EXPECT_REACHABLE) != trace->reachable) {
		fprintf(stderr, "vnetsim %s: expected %s, got %s\n", COMMAND,
			settings.expect == EXPECT_REACHABLE ? "Reachable" : "Unreachable",
			trace->reachable ? "Reachable" : "Unreachable");
		return VS_EXIT_FAILED;
	}
	return VS_EXIT_OK;
}
