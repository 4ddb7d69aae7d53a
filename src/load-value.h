/*
 * load-value.h - strict readers of the model's scalar values: names, host
 * names, booleans, integers, numbers, enums, IPv4 addresses, prefixes, port
 * ranges and regions.  Each reads one event; on a bad value it reports an
 * error at the event (with what was expected) and returns FALSE or NULL,
 * leaving *out alone.  libyaml resolves no types, so "80", 80 and yes all
 * arrive as text: everything is parsed here, strictly.  Part of the loader.
 */
#ifndef VS_LOAD_VALUE_H
#define VS_LOAD_VALUE_H

#include "load-core.h"

/*
 * Reads a resource name (Azure's rule: 1 to 80 word characters, '.' and '-',
 * starting with a word character and ending with one or '_'); names the
 * innermost list item after it.  Returns the name (borrowed from event) or NULL.
 */
const char *vs_load_read_name(Loader *ld, const VsYcurEvent *event);
/* Reads a resource name into *slot (replacing it) and names the list item. */
void vs_load_read_name_into(Loader *ld, const VsYcurEvent *event, char **slot);
/* Replaces the string in *slot by a copy of name. */
void vs_load_replace_name(char **slot, const char *name);
/* A host name (DNS records, internet endpoints): labels of letters, digits and '-'. */
gboolean vs_load_valid_hostname(const char *name);

gboolean vs_load_read_bool(Loader *ld, const VsYcurEvent *event, gboolean *out);
/* Strict decimal min..max: digits only, no sign, no leading zero. */
gboolean vs_load_read_uint(Loader *ld, const VsYcurEvent *event, guint min, guint max, guint *out);
/* Strict non-negative decimal 0..max, optionally with a fraction; no sign, no exponent. */
gboolean vs_load_read_number(Loader *ld, const VsYcurEvent *event, double max, double *out);
/* Matches the text case-insensitively against names (NULL-terminated); reports the choices. */
gboolean vs_load_read_enum(Loader *ld, const VsYcurEvent *event, const char *const *names,
			   const int *values, int *out);
gboolean vs_load_read_access(Loader *ld, const VsYcurEvent *event, VsAccess *out);
gboolean vs_load_read_ip(Loader *ld, const VsYcurEvent *event, VsIp4 *out);
gboolean vs_load_read_prefix(Loader *ld, const VsYcurEvent *event, VsPrefix *out);
gboolean vs_load_read_port_range(Loader *ld, const VsYcurEvent *event, VsPortRange *out);
/* An Azure region (letters and digits), lower-cased; owned, or NULL after an error. */
char *vs_load_read_location(Loader *ld, const VsYcurEvent *event);

/* ItemFuncs appending a VsPrefix / VsPortRange to the GArray given as parent. */
void vs_load_item_prefix(Loader *ld, void *array, const VsYcurEvent *event);
void vs_load_item_port(Loader *ld, void *array, const VsYcurEvent *event);
/* A port (when scalar_ok), or a list of ports, into a new array of VsPortRange. */
GArray *vs_load_read_ports(Loader *ld, const VsYcurEvent *event, gboolean scalar_ok);

/* "*" or "Any" (any case): the address wildcard. */
gboolean vs_load_is_any_word(const char *text);
/* VirtualNetwork, Internet or AzureLoadBalancer (any case): TRUE, and the tag into out
 * when not NULL. */
gboolean vs_load_builtin_tag(const char *text, VsTagKind *out);

#endif
