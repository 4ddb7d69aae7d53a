/*
 * check_resolve.c - TARGET parsing (VM, address, name, URI) and name resolution.
 */
#include "config.h"

#include "model-builder.h"
#include "resolve.h"
#include "suites.h"

static const struct {
	const char *text;
	gboolean ok;
	const char *host;
	gboolean is_uri;
	guint port;
	gboolean has_port;
} target_cases[] = {
	{"db1", TRUE, "db1", FALSE, 0, FALSE},
	{"10.2.1.4", TRUE, "10.2.1.4", FALSE, 0, FALSE},
	{"www.example.com", TRUE, "www.example.com", FALSE, 0, FALSE},
	{"http://www.example.com", TRUE, "www.example.com", TRUE, 80, FALSE},
	{"https://www.example.com/index.html", TRUE, "www.example.com", TRUE, 443, FALSE},
	{"HTTPS://api.contoso.com:8443/v1?x=1", TRUE, "api.contoso.com", TRUE, 8443, TRUE},
	{"http://10.1.1.4:8080", TRUE, "10.1.1.4", TRUE, 8080, TRUE},
	{"ftp://files.example.com", FALSE, NULL, FALSE, 0, FALSE},
	{"http://", FALSE, NULL, FALSE, 0, FALSE},
	{"http://host:", FALSE, NULL, FALSE, 0, FALSE},
	{"http://host:70000/", FALSE, NULL, FALSE, 0, FALSE},
	{"http://host:80x", FALSE, NULL, FALSE, 0, FALSE},
	{"http://user@host/", FALSE, NULL, FALSE, 0, FALSE},
	{"web 1", FALSE, NULL, FALSE, 0, FALSE},
	{"", FALSE, NULL, FALSE, 0, FALSE},
};

START_TEST(test_target_parse)
{
	g_auto(VsTargetSpec) spec = {0};
	g_autoptr(GError) error = NULL;
	gboolean ok = vs_target_parse(target_cases[_i].text, &spec, &error);

	ck_assert_msg(ok == target_cases[_i].ok, "'%s'", target_cases[_i].text);
	if (!ok) {
		ck_assert(g_error_matches(error, VS_RESOLVE_ERROR, VS_RESOLVE_ERROR_BAD_TARGET));
		ck_assert_ptr_nonnull(strstr(error->message, target_cases[_i].text));
		return;
	}
	ck_assert_str_eq(spec.host, target_cases[_i].host);
	ck_assert_int_eq(spec.is_uri, target_cases[_i].is_uri);
	ck_assert_int_eq(spec.has_port, target_cases[_i].has_port);
	if (spec.is_uri)
		ck_assert_uint_eq(spec.port, target_cases[_i].port);
}
END_TEST

typedef struct {
	VsModel *model;
	VsNic *web1, *app1, *db1;
} Estate;

static void
estate_init(Estate *e)
{
	VsVnet *front = vs_vnet_new("front"), *back = vs_vnet_new("back");
	VsSubnet *front_subnet = vs_subnet_new("web"), *back_subnet = vs_subnet_new("db");

	e->model = vs_model_new();
	vs_model_add_vnet(e->model, front);
	vs_model_add_vnet(e->model, back);
	front_subnet->prefix = (VsPrefix){0x0a010100, 24};
	back_subnet->prefix = (VsPrefix){0x0a020100, 24};
	vs_model_add_subnet(e->model, front, front_subnet);
	vs_model_add_subnet(e->model, back, back_subnet);
	e->web1 = mb_vm(e->model, "web1", front_subnet, "10.1.1.4");
	e->app1 = mb_vm(e->model, "app1", front_subnet, "10.1.1.5");
	e->db1 = mb_vm(e->model, "db1", back_subnet, "10.2.1.4");
	vs_model_add_dns_record(e->model, vs_dns_record_new("db.contoso.internal", 0x0a020104));
	vs_model_add_internet_endpoint(e->model,
				       vs_internet_endpoint_new("www.example.com", 0x5db8d822));
	ck_assert(vs_model_finish(e->model, NULL));
}

START_TEST(test_resolution_order)
{
	Estate e;
	VsResolution r;

	estate_init(&e);
	/* a VM name given as TARGET resolves from anywhere, before DNS */
	r = vs_resolve_host(e.model, e.web1, "db1", TRUE);
	ck_assert_int_eq(r.by, VS_RESOLVED_VM);
	ck_assert_ptr_eq(r.nic, e.db1);
	/* the same name as a URI host goes through DNS: db1 is in another VNet */
	r = vs_resolve_host(e.model, e.web1, "db1", FALSE);
	ck_assert_int_eq(r.by, VS_RESOLVED_NONE);
	/* ... but a VM of the same VNet answers, case-insensitively */
	r = vs_resolve_host(e.model, e.web1, "APP1", FALSE);
	ck_assert_int_eq(r.by, VS_RESOLVED_VNET_DNS);
	ck_assert_uint_eq(r.address, 0x0a010105);
	r = vs_resolve_host(e.model, e.web1, "db.contoso.internal.", FALSE);
	ck_assert_int_eq(r.by, VS_RESOLVED_DNS_RECORD);
	ck_assert_uint_eq(r.address, 0x0a020104);
	r = vs_resolve_host(e.model, e.web1, "www.example.com", TRUE);
	ck_assert_int_eq(r.by, VS_RESOLVED_INTERNET_ENDPOINT);
	ck_assert_uint_eq(r.address, 0x5db8d822);
	r = vs_resolve_host(e.model, e.web1, "8.8.8.8", TRUE);
	ck_assert_int_eq(r.by, VS_RESOLVED_ADDRESS);
	ck_assert_uint_eq(r.address, 0x08080808);
	r = vs_resolve_host(e.model, e.web1, "nowhere.example.org", TRUE);
	ck_assert_int_eq(r.by, VS_RESOLVED_NONE);
	vs_model_free(e.model);
}
END_TEST

Suite *
resolve_suite(void)
{
	Suite *suite = suite_create("resolve");
	TCase *tc = tcase_create("target");

	tcase_add_loop_test(tc, test_target_parse, 0, G_N_ELEMENTS(target_cases));
	tcase_add_test(tc, test_resolution_order);
	suite_add_tcase(suite, tc);
	return suite;
}
