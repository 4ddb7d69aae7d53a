/*
 * load-value.c - strict readers of scalar values for the loader (load-value.h).
 */
#include "config.h"

#include "load-value.h"

#include <string.h>

/* ---------------------------------------------------------------- values */

/*
 * Azure's name rule for rules, routes and most network resources: 1 to 80
 * characters, word characters, '.', '-' and '_', starting with a word
 * character and ending with a word character or '_'.  VNet names must not
 * hold '/' (NICs name subnets as "vnet/subnet"), which this rule ensures.
 */
static gboolean
valid_name(const char *name)
{
	gsize length = strlen(name);

	if (length == 0 || length > 80)
		return FALSE;
	for (gsize i = 0; i < length; i++) {
		char c = name[i];
		gboolean word = g_ascii_isalnum(c) || c == '_';

		if (!word && !((c == '.' || c == '-') && i > 0 && i + 1 < length))
			return FALSE;
	}
	return TRUE;
}

/* Reads a resource name; sets the item's name when valid.  Returns it or NULL. */
const char *
vs_load_read_name(Loader *ld, const VsYcurEvent *event)
{
	const char *name = vs_load_scalar(ld, event, "a name");

	if (name == NULL)
		return NULL;
	if (!valid_name(name)) {
		vs_load_error_event(
			ld, event, "bad-name",
			"'%s' is not a valid name; expected 1 to 80 letters, digits, '_', '.' "
			"or '-', starting and ending with a letter, digit or '_'",
			name);
		return NULL;
	}
	vs_load_set_item_name(ld, name);
	return name;
}

void
vs_load_read_name_into(Loader *ld, const VsYcurEvent *event, char **slot)
{
	const char *name = vs_load_read_name(ld, event);

	if (name != NULL)
		vs_load_replace_name(slot, name);
}

void
vs_load_replace_name(char **slot, const char *name)
{
	g_free(*slot);
	*slot = g_strdup(name);
}

/* A host name (DNS records, internet endpoints): labels of letters, digits and '-'. */
gboolean
vs_load_valid_hostname(const char *name)
{
	gsize length = strlen(name), label = 0;

	if (length == 0 || length > 253)
		return FALSE;
	for (gsize i = 0; i < length; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return FALSE;
			label = 0;
		} else if (g_ascii_isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return FALSE;
		} else {
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
vs_load_read_bool(Loader *ld, const VsYcurEvent *event, gboolean *out)
{
	static const char *const yaml11[] = {"yes", "no", "on", "off", "y", "n"};
	const char *text = vs_load_scalar(ld, event, "true or false");

	if (text == NULL)
		return FALSE;
	if (strcmp(text, "true") == 0 || strcmp(text, "True") == 0 || strcmp(text, "TRUE") == 0) {
		*out = TRUE;
		return TRUE;
	}
	if (strcmp(text, "false") == 0 || strcmp(text, "False") == 0 ||
	    strcmp(text, "FALSE") == 0) {
		*out = FALSE;
		return TRUE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(yaml11); i++) {
		if (g_ascii_strcasecmp(text, yaml11[i]) == 0) {
			vs_load_error_event(
				ld, event, "type",
				"'%s' is not a boolean here; expected true or false (YAML 1.1's "
				"yes/no/on/off are not accepted)",
				text);
			return FALSE;
		}
	}
	vs_load_error_event(ld, event, "type", "'%s' is not a boolean; expected true or false",
			    text);
	return FALSE;
}

/* Strict decimal: digits only, no sign, no leading zero, at most 9 digits. */
static gboolean
parse_uint(const char *text, guint *out)
{
	guint value = 0;
	gsize i;

	for (i = 0; text[i] != '\0'; i++) {
		if (!g_ascii_isdigit(text[i]) || i >= 9 || (i == 1 && text[0] == '0'))
			return FALSE;
		value = value * 10 + (guint)(text[i] - '0');
	}
	if (i == 0)
		return FALSE;
	*out = value;
	return TRUE;
}

gboolean
vs_load_read_uint(Loader *ld, const VsYcurEvent *event, guint min, guint max, guint *out)
{
	const char *text = vs_load_scalar(ld, event, "an integer");
	guint value;

	if (text == NULL)
		return FALSE;
	if (!parse_uint(text, &value) || value < min || value > max) {
		vs_load_error_event(ld, event, "range",
				    "'%s' is not valid; expected an integer %u..%u", text, min,
				    max);
		return FALSE;
	}
	*out = value;
	return TRUE;
}

/* Strict non-negative decimal: digits, optionally '.' and digits; no sign, no exponent. */
gboolean
vs_load_read_number(Loader *ld, const VsYcurEvent *event, double max, double *out)
{
	const char *text = vs_load_scalar(ld, event, "a number"), *p;
	gsize digits = 0;

	if (text == NULL)
		return FALSE;
	for (p = text; g_ascii_isdigit(*p); p++)
		digits++;
	if (digits > 0 && *p == '.') {
		gsize fraction = 0;

		for (p++; g_ascii_isdigit(*p); p++)
			fraction++;
		if (fraction == 0)
			digits = 0;
	}
	if (digits == 0 || *p != '\0' || digits > 15 || g_ascii_strtod(text, NULL) > max) {
		vs_load_error_event(ld, event, "range",
				    "'%s' is not valid; expected a number 0..%g such as 12 or 0.5",
				    text, max);
		return FALSE;
	}
	*out = g_ascii_strtod(text, NULL);
	return TRUE;
}

/* Matches text case-insensitively against names; reports the choices if none. */
gboolean
vs_load_read_enum(Loader *ld, const VsYcurEvent *event, const char *const *names, const int *values,
		  int *out)
{
	g_autoptr(GString) choices = NULL;
	const char *text = vs_load_scalar(ld, event, "a value");

	for (gsize i = 0; text != NULL && names[i] != NULL; i++) {
		if (g_ascii_strcasecmp(text, names[i]) == 0) {
			*out = values[i];
			return TRUE;
		}
	}
	if (text == NULL)
		return FALSE;
	choices = g_string_new(NULL); /* only for the message */
	for (gsize i = 0; names[i] != NULL; i++)
		g_string_append_printf(choices, "%s%s",
				       i == 0         ? ""
				       : names[i + 1] ? ", "
						      : " or ",
				       names[i]);
	vs_load_error_event(ld, event, "enum", "'%s' is not valid; expected %s", text,
			    choices->str);
	return FALSE;
}

gboolean
vs_load_read_access(Loader *ld, const VsYcurEvent *event, VsAccess *out)
{
	static const char *const names[] = {"Allow", "Deny", NULL};
	static const int values[] = {VS_ACCESS_ALLOW, VS_ACCESS_DENY};
	int value;

	if (!vs_load_read_enum(ld, event, names, values, &value))
		return FALSE;
	*out = (VsAccess)value;
	return TRUE;
}

/*
 * The address and port values share one shape: a scalar, handed to the parser
 * of addr.h, whose message (which names the value and what was expected) is
 * the error.  A ValueParser adapts each parser to one signature; the error
 * code is the parser's kind of value, but a prefix with host bits set has its
 * own code so that --format sarif can tell it from a malformed one.
 */
typedef gboolean (*ValueParser)(const char *text, void *out, GError **error);

static gboolean
parse_ip(const char *text, void *out, GError **error)
{
	return vs_ip4_parse(text, out, error);
}

static gboolean
parse_prefix(const char *text, void *out, GError **error)
{
	return vs_prefix_parse(text, out, error);
}

static gboolean
parse_port_range(const char *text, void *out, GError **error)
{
	return vs_port_range_parse(text, out, error);
}

static gboolean
read_parsed(Loader *ld, const VsYcurEvent *event, const char *expected, ValueParser parse,
	    const char *code, void *out)
{
	g_autoptr(GError) error = NULL;
	const char *text = vs_load_scalar(ld, event, expected);

	if (text == NULL)
		return FALSE;
	if (!parse(text, out, &error)) {
		vs_load_error_event(ld, event,
				    g_error_matches(error, VS_ADDR_ERROR, VS_ADDR_ERROR_HOST_BITS)
					    ? "host-bits"
					    : code,
				    "%s", error->message);
		return FALSE;
	}
	return TRUE;
}

gboolean
vs_load_read_ip(Loader *ld, const VsYcurEvent *event, VsIp4 *out)
{
	return read_parsed(ld, event, "an IPv4 address", parse_ip, "address", out);
}

gboolean
vs_load_read_prefix(Loader *ld, const VsYcurEvent *event, VsPrefix *out)
{
	return read_parsed(ld, event, "an IPv4 prefix", parse_prefix, "address", out);
}

gboolean
vs_load_read_port_range(Loader *ld, const VsYcurEvent *event, VsPortRange *out)
{
	return read_parsed(ld, event, "a port", parse_port_range, "port", out);
}

/* Azure regions: letters and digits; kept lower-case so comparisons are exact. */
char *
vs_load_read_location(Loader *ld, const VsYcurEvent *event)
{
	const char *text = vs_load_scalar(ld, event, "a region name");

	if (text == NULL)
		return NULL;
	for (const char *p = text; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p)) {
			vs_load_error_event(
				ld, event, "bad-name",
				"'%s' is not a region name; expected letters and digits such as "
				"westeurope",
				text);
			return NULL;
		}
	}
	return g_ascii_strdown(text, -1);
}

/* ---------------------------------------------------------------- shared value lists */

void
vs_load_item_prefix(Loader *ld, void *array, const VsYcurEvent *event)
{
	VsPrefix prefix;

	if (vs_load_read_prefix(ld, event, &prefix))
		g_array_append_val((GArray *)array, prefix);
}

void
vs_load_item_port(Loader *ld, void *array, const VsYcurEvent *event)
{
	VsPortRange range;

	if (vs_load_read_port_range(ld, event, &range))
		g_array_append_val((GArray *)array, range);
}

/* A port, or a list of ports, into a new array (NULL after an error). */
GArray *
vs_load_read_ports(Loader *ld, const VsYcurEvent *event, gboolean scalar_ok)
{
	GArray *ports = g_array_new(FALSE, FALSE, sizeof(VsPortRange));

	if (scalar_ok && event->kind == VS_YCUR_SCALAR && !vs_load_is_null(event))
		vs_load_item_port(ld, ports, event);
	else
		vs_load_parse_list(ld, event, "a list of ports", "port", KIND_OTHER,
				   vs_load_item_port, ports);
	return ports;
}

gboolean
vs_load_is_any_word(const char *text)
{
	return strcmp(text, "*") == 0 || g_ascii_strcasecmp(text, "Any") == 0;
}

static const struct {
	const char *name;
	VsTagKind tag;
} builtin_tags[] = {
	{"VirtualNetwork", VS_TAG_VIRTUAL_NETWORK},
	{"Internet", VS_TAG_INTERNET},
	{"AzureLoadBalancer", VS_TAG_AZURE_LOAD_BALANCER},
};

gboolean
vs_load_builtin_tag(const char *text, VsTagKind *out)
{
	for (gsize i = 0; i < G_N_ELEMENTS(builtin_tags); i++) {
		if (g_ascii_strcasecmp(text, builtin_tags[i].name) == 0) {
			if (out != NULL)
				*out = builtin_tags[i].tag;
			return TRUE;
		}
	}
	return FALSE;
}
