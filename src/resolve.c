/*
 * resolve.c - TARGET parsing and the model's name service.
 */
#include "config.h"

#include "resolve.h"

#include <string.h>

G_DEFINE_QUARK(vs_resolve_error_quark, vs_resolve_error)

void
vs_target_spec_clear(VsTargetSpec *spec)
{
	g_clear_pointer(&spec->host, g_free);
	g_clear_pointer(&spec->scheme, g_free);
}

/* Letters, digits, '-', '_' and '.', as host names and VM names are written. */
static gboolean
valid_host(const char *host)
{
	if (host[0] == '\0' || strlen(host) > 253)
		return FALSE;
	for (const char *p = host; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && *p != '_')
			return FALSE;
	return TRUE;
}

static gboolean
parse_uri(const char *text, const char *rest, VsTargetSpec *spec, GError **error)
{
	gsize scheme_length = (gsize)(rest - text);
	const char *host_end;
	g_autofree char *scheme = g_ascii_strdown(text, (gssize)scheme_length);

	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		g_set_error(error, VS_RESOLVE_ERROR, VS_RESOLVE_ERROR_BAD_TARGET,
			    "'%s': unsupported URI scheme '%s'; expected http:// or https://", text,
			    scheme);
		return FALSE;
	}
	rest += 3; /* "://" */
	host_end = rest + strcspn(rest, ":/?#");
	spec->host = g_strndup(rest, (gsize)(host_end - rest));
	if (strchr(spec->host, '@') != NULL || !valid_host(spec->host)) {
		g_set_error(error, VS_RESOLVE_ERROR, VS_RESOLVE_ERROR_BAD_TARGET,
			    "'%s': '%s' is not a host name; expected http(s)://HOST[:PORT][/PATH]",
			    text, spec->host);
		return FALSE;
	}
	spec->is_uri = TRUE;
	spec->scheme = g_steal_pointer(&scheme);
	spec->port = strcmp(spec->scheme, "https") == 0 ? 443 : 80;
	if (*host_end == ':') {
		const char *port_start = host_end + 1;
		gsize digits = strspn(port_start, "0123456789");
		guint64 port = 0;

		for (gsize i = 0; i < digits && i < 6; i++)
			port = port * 10 + (guint64)(port_start[i] - '0');
		if (digits == 0 || digits > 5 || port > 65535 ||
		    (port_start[digits] != '\0' && strchr("/?#", port_start[digits]) == NULL)) {
			g_set_error(error, VS_RESOLVE_ERROR, VS_RESOLVE_ERROR_BAD_TARGET,
				    "'%s': bad port; expected a port 0..65535 after the host",
				    text);
			return FALSE;
		}
		spec->has_port = TRUE;
		spec->port = (guint16)port;
	}
	return TRUE;
}

gboolean
vs_target_parse(const char *text, VsTargetSpec *spec, GError **error)
{
	const char *separator = strstr(text, "://");

	memset(spec, 0, sizeof(*spec));
	if (separator != NULL)
		return parse_uri(text, separator, spec, error);
	if (!valid_host(text)) {
		g_set_error(error, VS_RESOLVE_ERROR, VS_RESOLVE_ERROR_BAD_TARGET,
			    "'%s' is not a destination; expected a VM name, an IPv4 address, a "
			    "DNS name or an http(s):// URI",
			    text);
		return FALSE;
	}
	spec->host = g_strdup(text);
	return TRUE;
}

/* DNS comparison: case-insensitive, a trailing dot on either side ignored. */
static gboolean
names_equal(const char *a, const char *b)
{
	gsize la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && g_ascii_strncasecmp(a, b, la) == 0;
}

static const VsVm *
find_vm_named(const VsModel *model, const char *name)
{
	for (guint i = 0; i < model->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(model->vms, i);

		if (names_equal(vm->name, name))
			return vm;
	}
	return NULL;
}

VsResolution
vs_resolve_host(const VsModel *model, const VsNic *source, const char *host, gboolean as_target)
{
	VsResolution result = {VS_RESOLVED_NONE, 0, NULL};
	const VsVm *vm;

	if (as_target && (vm = vs_model_find_vm(model, host)) != NULL && vm->nics->len > 0) {
		result.by = VS_RESOLVED_VM;
		result.nic = g_ptr_array_index(vm->nics, 0);
		result.address = result.nic->private_ip;
		return result;
	}
	if (vs_ip4_parse(host, &result.address, NULL)) {
		result.by = VS_RESOLVED_ADDRESS;
		return result;
	}
	for (guint i = 0; i < model->dns_records->len; i++) {
		const VsDnsRecord *record = g_ptr_array_index(model->dns_records, i);

		if (names_equal(record->name, host)) {
			result.by = VS_RESOLVED_DNS_RECORD;
			result.address = record->address;
			return result;
		}
	}
	vm = find_vm_named(model, host);
	if (vm != NULL && vm->nics->len > 0 && source != NULL && source->subnet != NULL) {
		const VsNic *first = g_ptr_array_index(vm->nics, 0);

		if (first->subnet != NULL && first->subnet->vnet == source->subnet->vnet) {
			result.by = VS_RESOLVED_VNET_DNS;
			result.nic = first;
			result.address = first->private_ip;
			return result;
		}
	}
	for (guint i = 0; i < model->internet_endpoints->len; i++) {
		const VsInternetEndpoint *endpoint =
			g_ptr_array_index(model->internet_endpoints, i);

		if (names_equal(endpoint->name, host)) {
			result.by = VS_RESOLVED_INTERNET_ENDPOINT;
			result.address = endpoint->address;
			return result;
		}
	}
	return result;
}
