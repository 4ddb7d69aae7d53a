/*
 * content-key.c - content keys: text that two objects of a model (or of two
 * models) share exactly when they decide the same, so that equal content can
 * be found by comparing or hashing strings.  diff compares two models' parts
 * by them; blocks interns VMs' settings with them.  Every list ends with ';'
 * and every item with ',', so no two different lists give the same text.
 */
#include "config.h"

#include "content-key.h"

#include <string.h>

void
vs_content_key_prefixes(GString *out, const GArray *prefixes)
{
	if (prefixes == NULL) {
		g_string_append(out, "any;");
		return;
	}
	for (guint i = 0; i < prefixes->len; i++) {
		VsPrefix prefix = g_array_index(prefixes, VsPrefix, i);

		g_string_append_printf(out, "%08x/%u,", prefix.addr, prefix.len);
	}
	g_string_append_c(out, ';');
}

void
vs_content_key_ports(GString *out, const GArray *ranges)
{
	if (ranges == NULL) {
		g_string_append(out, "all;");
		return;
	}
	for (guint i = 0; i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);

		g_string_append_printf(out, "%u-%u,", range.lo, range.hi);
	}
	g_string_append_c(out, ';');
}

void
vs_content_key_firewall(GString *out, const VsGuestFirewall *firewall)
{
	if (firewall == NULL) {
		g_string_append(out, "nofw;");
		return;
	}
	g_string_append_printf(out, "fw %d %d %d ", firewall->default_inbound,
			       firewall->default_outbound, firewall->default_forward);
	for (guint r = 0; r < firewall->rules->len; r++) {
		const VsFwRule *rule = g_ptr_array_index(firewall->rules, r);

		g_string_append_printf(out, "[%zu:%s %d %d %d ", strlen(rule->name), rule->name,
				       rule->direction, rule->action, rule->protocol);
		vs_content_key_ports(out, rule->local_ports);
		vs_content_key_prefixes(out, rule->remote_addresses);
		g_string_append_c(out, ']');
	}
}
