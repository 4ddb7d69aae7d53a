/*
 * addr.h - IPv4 addresses, prefixes, port ranges and protocols as value types.
 *
 * Everything here is parsed once, at load time, into binary form so that the
 * engines compare integers, never strings.  Addresses are kept in host byte
 * order, so that prefix containment and ordering are plain integer arithmetic.
 * Nothing in this module allocates except the *_to_string helpers.
 */
#ifndef VS_ADDR_H
#define VS_ADDR_H

#include <glib.h>

typedef guint32 VsIp4; /* host byte order */

typedef struct {
	VsIp4 addr; /* network address, host bits always zero */
	guint8 len; /* 0..32 */
} VsPrefix;

typedef struct {
	guint16 lo;
	guint16 hi; /* inclusive; "*" is 0..65535 */
} VsPortRange;

typedef enum {
	VS_PROTO_ANY = 0, /* "*" */
	VS_PROTO_TCP,
	VS_PROTO_UDP,
	VS_PROTO_ICMP,
	VS_PROTO_ESP,
	VS_PROTO_AH,
} VsProtocol;

#define VS_ADDR_ERROR (vs_addr_error_quark())
GQuark vs_addr_error_quark(void);

typedef enum {
	VS_ADDR_ERROR_INVALID,   /* not an address / prefix / port at all */
	VS_ADDR_ERROR_HOST_BITS, /* a prefix with bits set past its length */
	VS_ADDR_ERROR_RANGE,     /* a number out of its range (port 70000, /33) */
} VsAddrError;

/* Dotted quad, exactly four decimal octets 0..255, no leading zeros beyond "0". */
gboolean vs_ip4_parse(const char *text, VsIp4 *out, GError **error);
/* Writes "a.b.c.d" into buf (at least 16 bytes); returns buf. */
char *vs_ip4_format(VsIp4 ip, char buf[16]);
char *vs_ip4_to_string(VsIp4 ip);

/*
 * "a.b.c.d/len" or a bare address (taken as /32).  Host bits set is an error
 * (VS_ADDR_ERROR_HOST_BITS), as Azure rejects 10.0.0.5/24.
 */
gboolean vs_prefix_parse(const char *text, VsPrefix *out, GError **error);
char *vs_prefix_format(VsPrefix p, char buf[19]);
char *vs_prefix_to_string(VsPrefix p);

static inline VsIp4
vs_prefix_mask(guint8 len)
{
	return len == 0 ? 0 : (VsIp4)(0xffffffffu << (32 - len));
}

static inline VsIp4
vs_prefix_last(VsPrefix p)
{
	return p.addr | ~vs_prefix_mask(p.len);
}

static inline gboolean
vs_prefix_contains_ip(VsPrefix p, VsIp4 ip)
{
	return (ip & vs_prefix_mask(p.len)) == p.addr;
}

/* TRUE when every address of inner lies in outer. */
static inline gboolean
vs_prefix_contains(VsPrefix outer, VsPrefix inner)
{
	return inner.len >= outer.len && vs_prefix_contains_ip(outer, inner.addr);
}

static inline gboolean
vs_prefix_overlaps(VsPrefix a, VsPrefix b)
{
	return vs_prefix_contains(a, b) || vs_prefix_contains(b, a);
}

static inline gboolean
vs_prefix_equal(VsPrefix a, VsPrefix b)
{
	return a.addr == b.addr && a.len == b.len;
}

/* Number of addresses, as a 64-bit count so /0 fits. */
static inline guint64
vs_prefix_size(VsPrefix p)
{
	return (guint64)1 << (32 - p.len);
}

/* "*", "443" or "8000-8080" (lo <= hi, both 0..65535). */
gboolean vs_port_range_parse(const char *text, VsPortRange *out, GError **error);
/* "*" for 0-65535, "443" for a single port, "lo-hi" otherwise. */
char *vs_port_range_to_string(VsPortRange r);

/* The ranges of a list, each as vs_port_range_to_string, joined by separator (owned). */
char *vs_port_ranges_to_string(const GArray *ranges, const char *separator);

static inline gboolean
vs_port_range_contains(VsPortRange r, guint port)
{
	return port >= r.lo && port <= r.hi;
}

static inline gboolean
vs_port_range_is_any(VsPortRange r)
{
	return r.lo == 0 && r.hi == 65535;
}

/* Whether one range of a VsPortRange list is "*": only such a rule side reaches ICMP, ESP, AH. */
static inline gboolean
vs_port_ranges_include_any(const GArray *ranges)
{
	for (guint i = 0; i < ranges->len; i++)
		if (vs_port_range_is_any(g_array_index(ranges, VsPortRange, i)))
			return TRUE;
	return FALSE;
}

/* Case-insensitive: Tcp, Udp, Icmp, Esp, Ah, "*" (also "Any" and "All"). */
gboolean vs_protocol_parse(const char *text, VsProtocol *out);
/* Azure's spelling: "Tcp", "Udp", "Icmp", "Esp", "Ah", "*". */
const char *vs_protocol_name(VsProtocol proto);

/* TRUE when a rule protocol admits a packet protocol ("*" admits all). */
static inline gboolean
vs_protocol_matches(VsProtocol rule, VsProtocol packet)
{
	return rule == VS_PROTO_ANY || rule == packet;
}

/* TRUE for protocols whose packets carry ports (Tcp, Udp). */
static inline gboolean
vs_protocol_has_ports(VsProtocol proto)
{
	return proto == VS_PROTO_TCP || proto == VS_PROTO_UDP;
}

/*
 * Whether a list of port ranges (a rule side, a firewall rule's local ports)
 * matches port of protocol: without ports (ICMP, ESP, AH) the list matches only
 * when one of its ranges is "*".
 */
static inline gboolean
vs_ports_match(const GArray *ranges, VsProtocol protocol, guint16 port)
{
	gboolean has_ports = vs_protocol_has_ports(protocol);

	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);

		if (has_ports ? vs_port_range_contains(range, port) : vs_port_range_is_any(range))
			return TRUE;
	}
	return FALSE;
}

#endif
