/*
 * addr.c - parsing and formatting of IPv4 addresses, prefixes, port ranges and
 * protocol names.  Parsing is strict: a model file is hostile input, so
 * "10.0.0.01", "10.0.0", " 443", "+80" and "80-" are all rejected rather than
 * guessed at.
 */
#include "config.h"

#include "addr.h"

#include <string.h>

G_DEFINE_QUARK(vs_addr_error_quark, vs_addr_error)

/* Parses a decimal number of at most max_digits digits, no sign, no leading zero. */
static gboolean
parse_decimal(const char **cursor, guint max_digits, guint64 *out)
{
	const char *p = *cursor;
	guint64 value = 0;
	guint digits = 0;

	while (g_ascii_isdigit(*p)) {
		if (digits == 1 && value == 0)
			return FALSE; /* leading zero: "01" is ambiguous (octal in inet_aton) */
		if (++digits > max_digits)
			return FALSE;
		value = value * 10 + (guint64)(*p - '0');
		p++;
	}
	if (digits == 0)
		return FALSE;
	*cursor = p;
	*out = value;
	return TRUE;
}

static gboolean
parse_ip4_at(const char **cursor, VsIp4 *out)
{
	const char *p = *cursor;
	VsIp4 ip = 0;

	for (int octet = 0; octet < 4; octet++) {
		guint64 value;

		if (octet > 0) {
			if (*p != '.')
				return FALSE;
			p++;
		}
		if (!parse_decimal(&p, 3, &value) || value > 255)
			return FALSE;
		ip = (ip << 8) | (VsIp4)value;
	}
	*cursor = p;
	*out = ip;
	return TRUE;
}

gboolean
vs_ip4_parse(const char *text, VsIp4 *out, GError **error)
{
	const char *p = text;
	VsIp4 ip;

	g_return_val_if_fail(text != NULL, FALSE);
	if (!parse_ip4_at(&p, &ip) || *p != '\0') {
		g_set_error(error, VS_ADDR_ERROR, VS_ADDR_ERROR_INVALID,
			    "'%s' is not an IPv4 address; expected a.b.c.d", text);
		return FALSE;
	}
	*out = ip;
	return TRUE;
}

char *
vs_ip4_format(VsIp4 ip, char buf[16])
{
	char *p = buf;

	/* by hand, not printf: traces and answers format addresses on every hop */
	for (int shift = 24; shift >= 0; shift -= 8) {
		guint octet = (ip >> shift) & 0xff;

		if (octet >= 100)
			*p++ = (char)('0' + octet / 100);
		if (octet >= 10)
			*p++ = (char)('0' + octet / 10 % 10);
		*p++ = (char)('0' + octet % 10);
		*p++ = shift > 0 ? '.' : '\0';
	}
	return buf;
}

char *
vs_ip4_to_string(VsIp4 ip)
{
	char buf[16];

	return g_strdup(vs_ip4_format(ip, buf));
}

gboolean
vs_prefix_parse(const char *text, VsPrefix *out, GError **error)
{
	const char *p = text;
	VsIp4 ip;
	guint64 len = 32;

	g_return_val_if_fail(text != NULL, FALSE);
	if (!parse_ip4_at(&p, &ip))
		goto invalid;
	if (*p == '/') {
		p++;
		/* "/0" is fine, "/00" and "/08" are not */
		if (!parse_decimal(&p, 2, &len))
			goto invalid;
		if (len > 32) {
			g_set_error(error, VS_ADDR_ERROR, VS_ADDR_ERROR_RANGE,
				    "'%s': prefix length %" G_GUINT64_FORMAT
				    " is out of range; expected 0..32",
				    text, len);
			return FALSE;
		}
	}
	if (*p != '\0')
		goto invalid;
	if ((ip & ~vs_prefix_mask((guint8)len)) != 0) {
		char buf[19];
		VsPrefix fixed = {ip & vs_prefix_mask((guint8)len), (guint8)len};

		g_set_error(error, VS_ADDR_ERROR, VS_ADDR_ERROR_HOST_BITS,
			    "'%s' has host bits set; expected a network address such as %s", text,
			    vs_prefix_format(fixed, buf));
		return FALSE;
	}
	out->addr = ip;
	out->len = (guint8)len;
	return TRUE;

invalid:
	g_set_error(error, VS_ADDR_ERROR, VS_ADDR_ERROR_INVALID,
		    "'%s' is not an IPv4 prefix; expected a.b.c.d/len or a.b.c.d", text);
	return FALSE;
}

char *
vs_prefix_format(VsPrefix prefix, char buf[19])
{
	gsize length = strlen(vs_ip4_format(prefix.addr, buf));

	buf[length++] = '/';
	if (prefix.len >= 10)
		buf[length++] = (char)('0' + prefix.len / 10 % 10);
	buf[length++] = (char)('0' + prefix.len % 10);
	buf[length] = '\0';
	return buf;
}

char *
vs_prefix_to_string(VsPrefix prefix)
{
	char buf[19];

	return g_strdup(vs_prefix_format(prefix, buf));
}

gboolean
vs_port_range_parse(const char *text, VsPortRange *out, GError **error)
{
	const char *p = text;
	guint64 lo, hi;

	g_return_val_if_fail(text != NULL, FALSE);
	if (strcmp(text, "*") == 0) {
		out->lo = 0;
		out->hi = 65535;
		return TRUE;
	}
	if (!parse_decimal(&p, 6, &lo))
		goto invalid;
	hi = lo;
	if (*p == '-') {
		p++;
		if (!parse_decimal(&p, 6, &hi))
			goto invalid;
	}
	if (*p != '\0')
		goto invalid;
	if (lo > 65535 || hi > 65535) {
		g_set_error(error, VS_ADDR_ERROR, VS_ADDR_ERROR_RANGE,
			    "port '%s' is out of range; expected 0..65535", text);
		return FALSE;
	}
	if (lo > hi) {
		g_set_error(error, VS_ADDR_ERROR, VS_ADDR_ERROR_RANGE,
			    "port range '%s' is reversed; expected low-high with low <= high",
			    text);
		return FALSE;
	}
	out->lo = (guint16)lo;
	out->hi = (guint16)hi;
	return TRUE;

invalid:
	g_set_error(error, VS_ADDR_ERROR, VS_ADDR_ERROR_INVALID,
		    "'%s' is not a port; expected a port 0..65535, a range such as 8000-8080, or *",
		    text);
	return FALSE;
}

char *
vs_port_range_to_string(VsPortRange range)
{
	if (vs_port_range_is_any(range))
		return g_strdup("*");
	if (range.lo == range.hi)
		return g_strdup_printf("%u", range.lo);
	return g_strdup_printf("%u-%u", range.lo, range.hi);
}

char *
vs_port_ranges_to_string(const GArray *ranges, const char *separator)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < ranges->len; i++) {
		g_autofree char *one =
			vs_port_range_to_string(g_array_index(ranges, VsPortRange, i));

		if (i > 0)
			g_string_append(text, separator);
		g_string_append(text, one);
	}
	return g_string_free(text, FALSE);
}

static const struct {
	const char *name;
	VsProtocol proto;
} protocol_names[] = {
	{"*", VS_PROTO_ANY},   {"Any", VS_PROTO_ANY}, {"All", VS_PROTO_ANY},
	{"Tcp", VS_PROTO_TCP}, {"Udp", VS_PROTO_UDP}, {"Icmp", VS_PROTO_ICMP},
	{"Esp", VS_PROTO_ESP}, {"Ah", VS_PROTO_AH},
};

gboolean
vs_protocol_parse(const char *text, VsProtocol *out)
{
	for (gsize i = 0; i < G_N_ELEMENTS(protocol_names); i++) {
		if (g_ascii_strcasecmp(text, protocol_names[i].name) == 0) {
			*out = protocol_names[i].proto;
			return TRUE;
		}
	}
	return FALSE;
}

const char *
vs_protocol_name(VsProtocol proto)
{
	switch (proto) {
	case VS_PROTO_TCP:
		return "Tcp";
	case VS_PROTO_UDP:
		return "Udp";
	case VS_PROTO_ICMP:
		return "Icmp";
	case VS_PROTO_ESP:
		return "Esp";
	case VS_PROTO_AH:
		return "Ah";
	case VS_PROTO_ANY:
	default:
		return "*";
	}
}
