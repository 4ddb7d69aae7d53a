/*
 * resolve.h - what a check's TARGET means: a VM of the model, an IPv4
 * address, a DNS name, or an http(s) URI whose host is one of those.
 *
 * Parsing (vs_target_parse) is syntax only and fails on a malformed URI;
 * resolution (vs_resolve_host) is the model's name service: the dns records,
 * Azure-provided DNS for VM names within the source's VNet, and the names of
 * internet endpoints.  A name that does not resolve is not an error here: the
 * check reports it as a DnsResolution issue.
 */
#ifndef VS_RESOLVE_H
#define VS_RESOLVE_H

#include <glib.h>

#include "model.h"

#define VS_RESOLVE_ERROR (vs_resolve_error_quark())
GQuark vs_resolve_error_quark(void);

typedef enum {
	VS_RESOLVE_ERROR_BAD_TARGET, /* a malformed URI or host name */
} VsResolveError;

typedef struct {
	char *host; /* the name or address to resolve (owned) */
	gboolean is_uri;
	char *scheme; /* "http" or "https" for a URI, else NULL (owned) */
	gboolean has_port;
	guint16 port; /* the URI's explicit port, else the scheme's default */
} VsTargetSpec;

void vs_target_spec_clear(VsTargetSpec *spec);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VsTargetSpec, vs_target_spec_clear)

/* Parses TARGET; a URI is scheme://host[:port][/path...] with scheme http or https. */
gboolean vs_target_parse(const char *text, VsTargetSpec *spec, GError **error);

typedef enum {
	VS_RESOLVED_NONE, /* nothing answers to the name */
	VS_RESOLVED_VM,   /* a VM name given directly as TARGET */
	VS_RESOLVED_ADDRESS,
	VS_RESOLVED_DNS_RECORD,
	VS_RESOLVED_VNET_DNS, /* a VM name in the source's VNet (Azure-provided DNS) */
	VS_RESOLVED_INTERNET_ENDPOINT,
} VsResolvedBy;

typedef struct {
	VsResolvedBy by;
	VsIp4 address;
	const VsNic *nic; /* the destination VM's first NIC when a VM name resolved */
} VsResolution;

/*
 * Resolves host as seen from source.  as_target: host was the whole TARGET
 * (not a URI host), so a VM name is looked up first, among every VM of the
 * model, before any DNS — as cli.md says.  Otherwise a VM name resolves only
 * from a VM in the same VNet, as Azure-provided DNS does.  Names compare
 * case-insensitively and a trailing dot is ignored, as in DNS.
 */
VsResolution vs_resolve_host(const VsModel *model, const VsNic *source, const char *host,
			     gboolean as_target);

#endif
