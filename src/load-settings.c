/*
 * load-settings.c - reads the model's settings: the header keys (name,
 * subscriptionId, location; an included file may repeat them only with the
 * root file's values), dns records, the internet section and the latency
 * model (each setting in one file only).
 */
#include "config.h"

#include <string.h>

#include "load-sections.h"
#include "load-value.h"

/* ---------------------------------------------------------------- top level: scalars */

/* An included file may repeat a header key only with the root file's value. */
static gboolean
header_matches(Loader *ld, const VsYcurEvent *event, const char *key, const char *value,
	       const char *root_value)
{
	if (ld->is_root)
		return FALSE;
	if (g_strcmp0(value, root_value) != 0)
		vs_load_error_event(
			ld, event, "include",
			"an included file may give '%s' only with the root file's value '%s', "
			"not '%s'",
			key, root_value != NULL ? root_value : "", value);
	return TRUE;
}

void
vs_load_key_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	const char *name = vs_load_scalar(ld, event, "the model's name");

	if (name == NULL || header_matches(ld, event, "name", name, ld->model->name))
		return;
	for (const char *p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("-_.()", *p) == NULL) {
			vs_load_error_event(
				ld, event, "bad-name",
				"'%s' is not a valid resource group name; expected letters, "
				"digits, '-', '_', '.', '(' or ')'",
				name);
			return;
		}
	}
	if (strlen(name) > 90) {
		vs_load_error_event(ld, event, "bad-name",
				    "the model's name is longer than 90 characters");
		return;
	}
	vs_load_replace_name(&ld->model->name, name);
}

void
vs_load_key_subscription(Loader *ld, void *state, const VsYcurEvent *event)
{
	static const guint groups[] = {8, 4, 4, 4, 12};
	const char *text = vs_load_scalar(ld, event, "a subscription ID");
	const char *p = text;

	if (text == NULL)
		return;
	for (gsize g = 0; g < G_N_ELEMENTS(groups); g++) {
		for (guint i = 0; i < groups[g]; i++, p++)
			if (!g_ascii_isxdigit(*p))
				goto bad;
		if (g + 1 < G_N_ELEMENTS(groups) && *p++ != '-')
			goto bad;
	}
	if (*p != '\0')
		goto bad;
	if (!header_matches(ld, event, "subscriptionId", text, ld->model->subscription_id))
		vs_load_replace_name(&ld->model->subscription_id, text);
	return;
bad:
	vs_load_error_event(ld, event, "bad-name",
			    "'%s' is not a subscription ID; expected a GUID such as "
			    "00000000-0000-0000-0000-000000000000",
			    text);
}

void
vs_load_key_location(Loader *ld, void *state, const VsYcurEvent *event)
{
	g_autofree char *location = vs_load_read_location(ld, event);

	if (location == NULL ||
	    header_matches(ld, event, "location", location, ld->model->location))
		return;
	vs_load_replace_name(&ld->model->location, location);
}

/* ---------------------------------------------------------------- dns, internet, latency */

typedef struct {
	MapState map;
	char *name;
	gboolean has_address;
	VsIp4 address;
	VsPos name_pos;
	GArray *ports;
	gboolean has_rtt;
	double rtt_ms;
} HostState;

static void
key_host_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	HostState *s = state;
	const char *name = vs_load_scalar(ld, event, "a host name");

	if (name == NULL)
		return;
	if (!vs_load_valid_hostname(name)) {
		vs_load_error_event(
			ld, event, "bad-name",
			"'%s' is not a host name; expected labels of letters, digits and '-' "
			"separated by dots",
			name);
		return;
	}
	vs_load_set_item_name(ld, name);
	s->name = g_strdup(name);
	s->name_pos = vs_load_pos(ld, event);
}

static void
key_host_address(Loader *ld, void *state, const VsYcurEvent *event)
{
	HostState *s = state;

	s->has_address = vs_load_read_ip(ld, event, &s->address);
}

static void
key_host_ports(Loader *ld, void *state, const VsYcurEvent *event)
{
	HostState *s = state;

	if (vs_load_is_null(event))
		return;
	g_clear_pointer(&s->ports, g_array_unref);
	s->ports = vs_load_read_ports(ld, event, FALSE);
}

static void
key_host_rtt(Loader *ld, void *state, const VsYcurEvent *event)
{
	HostState *s = state;

	s->has_rtt = vs_load_read_number(ld, event, 100000, &s->rtt_ms);
}

static const KeyDef record_keys[] = {
	{"name", key_host_name, TRUE},
	{"address", key_host_address, TRUE},
};
static const MapDef record_map = {"dns record", TRUE, record_keys, G_N_ELEMENTS(record_keys)};

static const KeyDef endpoint_keys[] = {
	{"name", key_host_name, TRUE},
	{"address", key_host_address, TRUE},
	{"listeningPorts", key_host_ports, FALSE},
	{"rttMs", key_host_rtt, FALSE},
};
static const MapDef endpoint_map = {"internet endpoint", TRUE, endpoint_keys,
				    G_N_ELEMENTS(endpoint_keys)};

/* Reads a DNS record (is_record) or an internet endpoint into the model. */
static void
parse_host(Loader *ld, const VsYcurEvent *event, gboolean is_record)
{
	HostState s = {0};
	GHashTable *names = is_record ? ld->dns_names : ld->endpoint_names;
	VsPos pos = vs_load_pos(ld, event);

	if (vs_load_parse_map(ld, is_record ? &record_map : &endpoint_map, &s, &s.map, event) &&
	    s.name != NULL && s.has_address) {
		const VsPos *first = g_hash_table_lookup(names, s.name);

		if (first != NULL) {
			vs_load_error_duplicate(ld, s.name_pos,
						is_record ? "dns record" : "internet endpoint",
						s.name, *first);
		} else if (is_record) {
			VsDnsRecord *record = vs_dns_record_new(s.name, s.address);

			record->pos = pos;
			vs_model_add_dns_record(ld->model, record);
			g_hash_table_insert(names, record->name, &record->pos);
		} else {
			VsInternetEndpoint *endpoint = vs_internet_endpoint_new(s.name, s.address);

			endpoint->pos = pos;
			endpoint->listening_ports = g_steal_pointer(&s.ports);
			endpoint->has_rtt = s.has_rtt;
			endpoint->rtt_ms = s.rtt_ms;
			vs_model_add_internet_endpoint(ld->model, endpoint);
			g_hash_table_insert(names, endpoint->name, &endpoint->pos);
		}
	}
	g_free(s.name);
	if (s.ports != NULL)
		g_array_unref(s.ports);
}

static void
item_record(Loader *ld, void *parent, const VsYcurEvent *event)
{
	parse_host(ld, event, TRUE);
}

static void
item_endpoint(Loader *ld, void *parent, const VsYcurEvent *event)
{
	parse_host(ld, event, FALSE);
}

static void
key_dns_records(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of dns records", "record", KIND_DNS_RECORD,
			   item_record, NULL);
}

static const KeyDef dns_keys[] = {
	{"records", key_dns_records, FALSE},
};
static const MapDef dns_map = {"dns", FALSE, dns_keys, G_N_ELEMENTS(dns_keys)};

/* A setting that may be given in one file only (include rules, above). */
static gboolean
claim_once(Loader *ld, guint which, const VsYcurEvent *event)
{
	VsPos *first = &ld->once[which];

	if (first->line != 0) {
		vs_load_error_event(
			ld, event, "include",
			"already set at %s:%u:%u; each setting may be given in one file only",
			first->file, first->line, first->column);
		vs_load_skip(ld, event);
		return FALSE;
	}
	*first = vs_load_pos(ld, event);
	return TRUE;
}

static void
key_internet_reachable(Loader *ld, void *state, const VsYcurEvent *event)
{
	if (claim_once(ld, LAT_INTERNET_REACHABLE, event))
		vs_load_read_bool(ld, event, &ld->model->internet_reachable);
}

static void
key_internet_endpoints(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of internet endpoints", "endpoint", KIND_ENDPOINT,
			   item_endpoint, NULL);
}

static const KeyDef internet_keys[] = {
	{"reachable", key_internet_reachable, FALSE},
	{"endpoints", key_internet_endpoints, FALSE},
};
static const MapDef internet_map = {"internet", FALSE, internet_keys, G_N_ELEMENTS(internet_keys)};

#define LATENCY_NUMBER(func, which, field, max)                                                    \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		if (claim_once(ld, which, event))                                                  \
			vs_load_read_number(ld, event, max, &ld->model->latency.field);            \
	}
LATENCY_NUMBER(key_latency_vnet, LAT_VNET, vnet_ms, 100000)
LATENCY_NUMBER(key_latency_peering, LAT_PEERING, peering_ms, 100000)
LATENCY_NUMBER(key_latency_inter_region, LAT_INTER_REGION, inter_region_ms, 100000)
LATENCY_NUMBER(key_latency_appliance, LAT_APPLIANCE, appliance_ms, 100000)
LATENCY_NUMBER(key_latency_internet, LAT_INTERNET, internet_ms, 100000)
LATENCY_NUMBER(key_latency_jitter, LAT_JITTER, jitter_percent, 100)
LATENCY_NUMBER(key_latency_loss, LAT_LOSS, loss_percent, 100)

static void
key_latency_pairs(Loader *ld, void *state, const VsYcurEvent *event)
{
	GPtrArray *pairs = ld->model->latency.region_pairs;
	VsYcurEvent key, value;
	guint index = 0;

	if (vs_load_is_null(event))
		return;
	if (event->kind != VS_YCUR_MAPPING_START) {
		vs_load_type_error(ld, event, "a mapping of \"region/region\" to milliseconds");
		return;
	}
	while (vs_load_next(ld, &key) && key.kind != VS_YCUR_MAPPING_END) {
		g_auto(GStrv) regions = NULL;
		double ms;

		vs_load_push_item(ld, index++, "regionPair");
		if (key.kind == VS_YCUR_SCALAR) {
			vs_load_set_item_name(ld, key.value);
			regions = g_strsplit(key.value, "/", 3);
		}
		if (key.kind != VS_YCUR_SCALAR || g_strv_length(regions) != 2 ||
		    regions[0][0] == '\0' || regions[1][0] == '\0') {
			g_autofree char *got = vs_load_describe(&key);

			vs_load_error_event(
				ld, &key, "bad-name",
				"expected a pair of regions such as \"westeurope/northeurope\", "
				"got %s",
				got);
			vs_load_skip(ld, &key);
			if (vs_load_next(ld, &value))
				vs_load_skip(ld, &value);
			vs_load_pop(ld);
			continue;
		}
		for (guint r = 0; r < 2; r++) {
			char *lower = g_ascii_strdown(regions[r], -1);

			g_free(regions[r]);
			regions[r] = lower;
		}
		for (guint i = 0; i < pairs->len; i++) {
			const VsRegionPair *pair = g_ptr_array_index(pairs, i);

			if ((strcmp(pair->a, regions[0]) == 0 &&
			     strcmp(pair->b, regions[1]) == 0) ||
			    (strcmp(pair->a, regions[1]) == 0 &&
			     strcmp(pair->b, regions[0]) == 0)) {
				vs_load_error_event(
					ld, &key, "duplicate-name",
					"region pair '%s' already given at %s:%u:%u (in either "
					"order)",
					key.value, pair->pos.file, pair->pos.line,
					pair->pos.column);
				regions[0][0] = '\0';
				break;
			}
		}
		{
			VsPos pos = vs_load_pos(ld, &key);
			gboolean fresh = regions[0][0] != '\0';

			if (vs_load_next(ld, &value) &&
			    vs_load_read_number(ld, &value, 100000, &ms) && fresh) {
				VsRegionPair *pair = vs_region_pair_new(regions[0], regions[1], ms);

				pair->pos = pos;
				g_ptr_array_add(pairs, pair);
			}
		}
		vs_load_pop(ld);
	}
}

static const KeyDef latency_keys[] = {
	{"vnetMs", key_latency_vnet, FALSE},
	{"peeringMs", key_latency_peering, FALSE},
	{"interRegionMs", key_latency_inter_region, FALSE},
	{"regionPairs", key_latency_pairs, FALSE},
	{"applianceMs", key_latency_appliance, FALSE},
	{"internetMs", key_latency_internet, FALSE},
	{"jitterPercent", key_latency_jitter, FALSE},
	{"lossPercent", key_latency_loss, FALSE},
};
static const MapDef latency_map = {"latency", FALSE, latency_keys, G_N_ELEMENTS(latency_keys)};

/* A section mapping; null stands for an empty one. */
static void
parse_section(Loader *ld, const MapDef *def, const VsYcurEvent *event)
{
	MapState map;

	if (!vs_load_is_null(event))
		vs_load_parse_map(ld, def, NULL, &map, event);
}

void
vs_load_key_dns(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_section(ld, &dns_map, event);
}

void
vs_load_key_internet(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_section(ld, &internet_map, event);
}

void
vs_load_key_latency(Loader *ld, void *state, const VsYcurEvent *event)
{
	parse_section(ld, &latency_map, event);
}
