/*
 * check_addr.c - parsing and formatting of addresses, prefixes, ports, protocols.
 */
#include "config.h"

#include "addr.h"
#include "suites.h"

static const struct {
	const char *text;
	gboolean ok;
	guint32 value;
} ip_cases[] = {
	{"10.0.0.4", TRUE, 0x0a000004},
	{"0.0.0.0", TRUE, 0},
	{"255.255.255.255", TRUE, 0xffffffff},
	{"168.63.129.16", TRUE, 0xa83f8110},
	{"256.0.0.1", FALSE, 0},
	{"10.0.0", FALSE, 0},
	{"10.0.0.0.1", FALSE, 0},
	{"10.0.0.01", FALSE, 0}, /* leading zero: octal in inet_aton, so refused */
	{"", FALSE, 0},
	{" 10.0.0.1", FALSE, 0},
	{"10.0.0.1 ", FALSE, 0},
	{"a.b.c.d", FALSE, 0},
	{"10..0.1", FALSE, 0},
	{"-1.0.0.0", FALSE, 0},
	{"1000.0.0.0", FALSE, 0},
};

START_TEST(test_ip_parse)
{
	g_autoptr(GError) error = NULL;
	VsIp4 ip = 0;
	gboolean ok = vs_ip4_parse(ip_cases[_i].text, &ip, &error);

	ck_assert_msg(ok == ip_cases[_i].ok, "'%s'", ip_cases[_i].text);
	if (ok) {
		char buf[16];

		ck_assert_uint_eq(ip, ip_cases[_i].value);
		ck_assert_str_eq(vs_ip4_format(ip, buf), ip_cases[_i].text);
	} else {
		ck_assert(g_error_matches(error, VS_ADDR_ERROR, VS_ADDR_ERROR_INVALID));
	}
}
END_TEST

static const struct {
	const char *text;
	int error; /* -1 = ok */
	const char *canonical;
	const char *message;
} prefix_cases[] = {
	{"10.0.0.0/8", -1, "10.0.0.0/8", NULL},
	{"0.0.0.0/0", -1, "0.0.0.0/0", NULL},
	{"10.1.2.3", -1, "10.1.2.3/32", NULL},
	{"10.1.2.3/32", -1, "10.1.2.3/32", NULL},
	{"192.168.1.0/24", -1, "192.168.1.0/24", NULL},
	{"10.0.0.5/24", VS_ADDR_ERROR_HOST_BITS, NULL,
	 "'10.0.0.5/24' has host bits set; expected a network address such as 10.0.0.0/24"},
	{"10.0.0.0/33", VS_ADDR_ERROR_RANGE, NULL,
	 "'10.0.0.0/33': prefix length 33 is out of range; expected 0..32"},
	{"10.0.0.0/", VS_ADDR_ERROR_INVALID, NULL, NULL},
	{"10.0.0.0/08", VS_ADDR_ERROR_INVALID, NULL, NULL},
	{"10.0.0.0/-1", VS_ADDR_ERROR_INVALID, NULL, NULL},
	{"10.0.0.0/8/8", VS_ADDR_ERROR_INVALID, NULL, NULL},
	{"", VS_ADDR_ERROR_INVALID, NULL,
	 "'' is not an IPv4 prefix; expected a.b.c.d/len or a.b.c.d"},
	{"Internet", VS_ADDR_ERROR_INVALID, NULL, NULL},
};

START_TEST(test_prefix_parse)
{
	g_autoptr(GError) error = NULL;
	VsPrefix prefix;
	gboolean ok = vs_prefix_parse(prefix_cases[_i].text, &prefix, &error);

	ck_assert_msg(ok == (prefix_cases[_i].error < 0), "'%s'", prefix_cases[_i].text);
	if (ok) {
		g_autofree char *text = vs_prefix_to_string(prefix);

		ck_assert_str_eq(text, prefix_cases[_i].canonical);
		return;
	}
	ck_assert(g_error_matches(error, VS_ADDR_ERROR, prefix_cases[_i].error));
	if (prefix_cases[_i].message != NULL)
		ck_assert_str_eq(error->message, prefix_cases[_i].message);
}
END_TEST

START_TEST(test_prefix_relations)
{
	VsPrefix ten, ten_one, ten_one_one, any, other;

	ck_assert(vs_prefix_parse("10.0.0.0/8", &ten, NULL));
	ck_assert(vs_prefix_parse("10.1.0.0/16", &ten_one, NULL));
	ck_assert(vs_prefix_parse("10.1.1.0/24", &ten_one_one, NULL));
	ck_assert(vs_prefix_parse("0.0.0.0/0", &any, NULL));
	ck_assert(vs_prefix_parse("172.16.0.0/12", &other, NULL));

	ck_assert(vs_prefix_contains(ten, ten_one));
	ck_assert(vs_prefix_contains(ten_one, ten_one_one));
	ck_assert(!vs_prefix_contains(ten_one_one, ten_one));
	ck_assert(vs_prefix_contains(any, other));
	ck_assert(vs_prefix_overlaps(ten_one_one, ten));
	ck_assert(!vs_prefix_overlaps(ten, other));
	ck_assert(vs_prefix_contains_ip(ten_one_one, 0x0a0101ff));
	ck_assert(!vs_prefix_contains_ip(ten_one_one, 0x0a010200));
	ck_assert_uint_eq(vs_prefix_last(ten_one_one), 0x0a0101ff);
	ck_assert_uint_eq(vs_prefix_size(any), G_GUINT64_CONSTANT(1) << 32);
	ck_assert_uint_eq(vs_prefix_size(ten_one_one), 256);
}
END_TEST

static const struct {
	const char *text;
	int error; /* -1 = ok */
	guint lo, hi;
	const char *canonical;
} port_cases[] = {
	{"*", -1, 0, 65535, "*"},
	{"443", -1, 443, 443, "443"},
	{"0", -1, 0, 0, "0"},
	{"65535", -1, 65535, 65535, "65535"},
	{"8000-8080", -1, 8000, 8080, "8000-8080"},
	{"0-65535", -1, 0, 65535, "*"},
	{"70000", VS_ADDR_ERROR_RANGE, 0, 0, NULL},
	{"8080-8000", VS_ADDR_ERROR_RANGE, 0, 0, NULL},
	{"80-", VS_ADDR_ERROR_INVALID, 0, 0, NULL},
	{"-80", VS_ADDR_ERROR_INVALID, 0, 0, NULL},
	{"+80", VS_ADDR_ERROR_INVALID, 0, 0, NULL},
	{"080", VS_ADDR_ERROR_INVALID, 0, 0, NULL},
	{"http", VS_ADDR_ERROR_INVALID, 0, 0, NULL},
	{"", VS_ADDR_ERROR_INVALID, 0, 0, NULL},
	{"1000000000000", VS_ADDR_ERROR_INVALID, 0, 0, NULL},
};

START_TEST(test_port_parse)
{
	g_autoptr(GError) error = NULL;
	VsPortRange range;
	gboolean ok = vs_port_range_parse(port_cases[_i].text, &range, &error);

	ck_assert_msg(ok == (port_cases[_i].error < 0), "'%s'", port_cases[_i].text);
	if (ok) {
		g_autofree char *text = vs_port_range_to_string(range);

		ck_assert_uint_eq(range.lo, port_cases[_i].lo);
		ck_assert_uint_eq(range.hi, port_cases[_i].hi);
		ck_assert_str_eq(text, port_cases[_i].canonical);
		return;
	}
	ck_assert_msg(g_error_matches(error, VS_ADDR_ERROR, port_cases[_i].error), "'%s': %s",
		      port_cases[_i].text, error->message);
}
END_TEST

START_TEST(test_protocol_parse)
{
	VsProtocol proto;

	ck_assert(vs_protocol_parse("tcp", &proto) && proto == VS_PROTO_TCP);
	ck_assert(vs_protocol_parse("TCP", &proto) && proto == VS_PROTO_TCP);
	ck_assert(vs_protocol_parse("Udp", &proto) && proto == VS_PROTO_UDP);
	ck_assert(vs_protocol_parse("icmp", &proto) && proto == VS_PROTO_ICMP);
	ck_assert(vs_protocol_parse("Esp", &proto) && proto == VS_PROTO_ESP);
	ck_assert(vs_protocol_parse("AH", &proto) && proto == VS_PROTO_AH);
	ck_assert(vs_protocol_parse("*", &proto) && proto == VS_PROTO_ANY);
	ck_assert(!vs_protocol_parse("sctp", &proto));
	ck_assert(!vs_protocol_parse("", &proto));
	ck_assert_str_eq(vs_protocol_name(VS_PROTO_ICMP), "Icmp");
	ck_assert(vs_protocol_matches(VS_PROTO_ANY, VS_PROTO_ESP));
	ck_assert(!vs_protocol_matches(VS_PROTO_TCP, VS_PROTO_UDP));
}
END_TEST

Suite *
addr_suite(void)
{
	Suite *suite = suite_create("addr");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_ip_parse, 0, G_N_ELEMENTS(ip_cases));
	tcase_add_loop_test(tc, test_prefix_parse, 0, G_N_ELEMENTS(prefix_cases));
	tcase_add_test(tc, test_prefix_relations);
	tcase_add_loop_test(tc, test_port_parse, 0, G_N_ELEMENTS(port_cases));
	tcase_add_test(tc, test_protocol_parse);
	suite_add_tcase(suite, tc);
	return suite;
}
