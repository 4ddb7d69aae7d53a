/*
 * classes.c - equivalence classes of ports, and the internet's address.
 *
 * DOC: why one representative per class decides the whole class
 *
 * matrix and diff must answer for every ordered pair of VMs and, for diff,
 * every protocol and destination port: 65,536 ports x 2 protocols x n^2
 * pairs is far too many walks.  But the walk (walk.c) only ever asks a few
 * kinds of question about a flow, and each kind looks at a flow through a
 * coarse lens.  Group flows that every lens sees alike, and one walk per group
 * answers for all of its members.
 *
 * Ports.  The destination port is tested only against port ranges: NSG rule
 * destination ports (nsg.c), guest firewall localPorts (firewall.c) and
 * listening ports.  Cut the port line at the first port of every such range
 * and at the port after its last; between two cuts every range either holds
 * all ports or none, so every test answers the same for every port of the
 * class.  Rules of another protocol cannot match, so only rules whose
 * protocol is the one asked (or "*") add cuts.  ICMP has no ports: one class.
 * The source port is fixed (50000, check's default), so it needs no classes.
 * vs_port_classes_new() cuts at every boundary of whole models; matrix and
 * diff cut per pair of subnets at the boundaries of what that pair consults
 * (blocks.c, vs_port_classes_from_cuts()), which is coarser and as exact.
 *
 * VMs.  Which VMs one walk can stand for depends on which objects the walk
 * consults, and that depends on where the two ends are: blocks.c classes the
 * VMs per pair of subnets, and its essay says why that is exact.  (A class
 * key global to the model, as this module first had, must keep every test any
 * walk makes of a VM; in estates whose rules name single hosts and whose VMs
 * carry their own mix of ASGs that kept 799 of 1,000 VMs apart.)
 *
 * The Internet stands for the internet at large: one public address that no
 * prefix of the model names (vs_classes_internet_address), so that every
 * membership test the walk makes answers for it as for any other such address.
 */
#include "config.h"

#include "classes.h"

#include <string.h>

/* ---------------------------------------------------------------- port classes */

static void
add_port_cuts(GArray *cuts, const GArray *ranges)
{
	for (guint i = 0; ranges != NULL && i < ranges->len; i++) {
		VsPortRange range = g_array_index(ranges, VsPortRange, i);
		guint32 lo = range.lo, after = (guint32)range.hi + 1;

		g_array_append_val(cuts, lo);
		if (after <= 65535)
			g_array_append_val(cuts, after);
	}
}

static gint
compare_u32(gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;

	return x < y ? -1 : x > y;
}

static void
add_model_port_cuts(GArray *cuts, VsProtocol protocol, const VsModel *model)
{
	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);

		for (guint r = 0; r < nsg->rules->len; r++) {
			const VsRule *rule = g_ptr_array_index(nsg->rules, r);

			if (vs_protocol_matches(rule->protocol, protocol))
				add_port_cuts(cuts, rule->destination_ports);
		}
	}
	for (guint i = 0; i < model->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(model->vms, i);

		add_port_cuts(cuts, vm->listening_ports);
		for (guint r = 0; vm->guest_firewall != NULL && r < vm->guest_firewall->rules->len;
		     r++) {
			const VsFwRule *rule = g_ptr_array_index(vm->guest_firewall->rules, r);

			if (vs_protocol_matches(rule->protocol, protocol))
				add_port_cuts(cuts, rule->local_ports);
		}
	}
	for (guint i = 0; i < model->internet_endpoints->len; i++)
		add_port_cuts(cuts, ((VsInternetEndpoint *)g_ptr_array_index(
					     model->internet_endpoints, i))
					    ->listening_ports);
}

VsPortClasses *
vs_port_classes_from_cuts(VsProtocol protocol, GArray *cuts)
{
	VsPortClasses *classes = g_new0(VsPortClasses, 1);
	guint32 zero = 0;
	guint kept = 0;

	classes->protocol = protocol;
	g_array_append_val(cuts, zero);
	g_array_sort(cuts, compare_u32);
	for (guint i = 0; i < cuts->len; i++)
		if (kept == 0 ||
		    g_array_index(cuts, guint32, i) != g_array_index(cuts, guint32, kept - 1))
			g_array_index(cuts, guint32, kept++) = g_array_index(cuts, guint32, i);
	g_array_set_size(cuts, kept);
	classes->cuts = cuts;
	return classes;
}

VsPortClasses *
vs_port_classes_new(VsProtocol protocol, const VsModel *const *models, guint n)
{
	GArray *cuts = g_array_new(FALSE, FALSE, sizeof(guint32));

	g_return_val_if_fail(vs_protocol_has_ports(protocol),
			     vs_port_classes_from_cuts(protocol, cuts));
	for (guint m = 0; m < n; m++)
		add_model_port_cuts(cuts, protocol, models[m]);
	return vs_port_classes_from_cuts(protocol, cuts);
}

void
vs_port_classes_free(VsPortClasses *classes)
{
	if (classes == NULL)
		return;
	if (classes->cuts != NULL)
		g_array_unref(classes->cuts);
	g_free(classes);
}

VsPortRange
vs_port_classes_range(const VsPortClasses *classes, guint i)
{
	guint32 lo = g_array_index(classes->cuts, guint32, i);
	guint32 hi = i + 1 < classes->cuts->len ? g_array_index(classes->cuts, guint32, i + 1) - 1
						: 65535;

	return (VsPortRange){(guint16)lo, (guint16)hi};
}

/* ---------------------------------------------------------------- the internet */

typedef struct {
	VsIp4 lo, hi;
} Span;

static void
avoid(GArray *spans, VsPrefix prefix)
{
	Span span = {prefix.addr, vs_prefix_last(prefix)};

	if (prefix.len == 0)
		return; /* 0.0.0.0/0 names everything, so it singles out nothing */
	g_array_append_val(spans, span);
}

static void
avoid_all(GArray *spans, const GArray *prefixes)
{
	for (guint i = 0; prefixes != NULL && i < prefixes->len; i++)
		avoid(spans, g_array_index(prefixes, VsPrefix, i));
}

static void
avoid_match(GArray *spans, const VsAddressMatch *match)
{
	if (match->kind == VS_MATCH_PREFIXES)
		avoid_all(spans, match->prefixes);
}

static void
avoid_model(GArray *spans, const VsModel *model)
{
	for (guint i = 0; i < model->vnets->len; i++)
		avoid_all(spans, ((VsVnet *)g_ptr_array_index(model->vnets, i))->address_space);
	for (guint i = 0; i < model->service_tags->len; i++)
		avoid_all(spans,
			  ((VsServiceTag *)g_ptr_array_index(model->service_tags, i))->prefixes);
	for (guint i = 0; i < model->nsgs->len; i++) {
		const VsNsg *nsg = g_ptr_array_index(model->nsgs, i);

		for (guint r = 0; r < nsg->rules->len; r++) {
			const VsRule *rule = g_ptr_array_index(nsg->rules, r);

			avoid_match(spans, &rule->source);
			avoid_match(spans, &rule->destination);
		}
	}
	for (guint i = 0; i < model->route_tables->len; i++) {
		const VsRouteTable *table = g_ptr_array_index(model->route_tables, i);

		for (guint r = 0; r < table->routes->len; r++) {
			const VsRoute *route = g_ptr_array_index(table->routes, r);

			avoid(spans, route->prefix);
			if (route->has_next_hop_ip)
				avoid(spans, (VsPrefix){route->next_hop_ip, 32});
		}
	}
	for (guint i = 0; i < model->vms->len; i++) {
		const VsVm *vm = g_ptr_array_index(model->vms, i);

		for (guint r = 0; vm->guest_firewall != NULL && r < vm->guest_firewall->rules->len;
		     r++)
			avoid_all(spans,
				  ((VsFwRule *)g_ptr_array_index(vm->guest_firewall->rules, r))
					  ->remote_addresses);
	}
	for (guint i = 0; i < model->nics->len; i++) {
		const VsNic *nic = g_ptr_array_index(model->nics, i);

		if (nic->has_public_ip)
			avoid(spans, (VsPrefix){nic->public_ip, 32});
	}
	for (guint i = 0; i < model->internet_endpoints->len; i++)
		avoid(spans, (VsPrefix){((VsInternetEndpoint *)g_ptr_array_index(
						 model->internet_endpoints, i))
						->address,
					32});
}

static gint
compare_span(gconstpointer a, gconstpointer b)
{
	const Span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static gboolean
avoided(const GArray *spans, VsIp4 ip)
{
	for (guint i = 0; i < spans->len; i++) {
		const Span *span = &g_array_index(spans, Span, i);

		if (ip >= span->lo && ip <= span->hi)
			return TRUE;
	}
	return FALSE;
}

VsIp4
vs_classes_internet_address(const VsModel *const *models, guint n)
{
	/* outside the Internet tag (nsg.c), plus the host address of the platform */
	static const char *const not_internet[] = {
		"0.0.0.0/8",      "10.0.0.0/8",       "100.64.0.0/10",  "127.0.0.0/8",
		"169.254.0.0/16", "172.16.0.0/12",    "192.168.0.0/16", "224.0.0.0/4",
		"240.0.0.0/4",    "168.63.129.16/32",
	};
	/* a host of each documentation range (RFC 5737), never a real one */
	const VsIp4 preferred[] = {
		(203u << 24) | (0u << 16) | (113u << 8) | 10u,
		(198u << 24) | (51u << 16) | (100u << 8) | 10u,
		(192u << 24) | (0u << 16) | (2u << 8) | 10u,
	};
	g_autoptr(GArray) spans = g_array_new(FALSE, FALSE, sizeof(Span));
	guint64 candidate = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(not_internet); i++) {
		VsPrefix prefix;

		vs_prefix_parse(not_internet[i], &prefix, NULL);
		avoid(spans, prefix);
	}
	for (guint m = 0; m < n; m++)
		avoid_model(spans, models[m]);
	for (gsize i = 0; i < G_N_ELEMENTS(preferred); i++)
		if (!avoided(spans, preferred[i]))
			return preferred[i];
	g_array_sort(spans, compare_span);
	for (guint i = 0; i < spans->len; i++) {
		const Span *span = &g_array_index(spans, Span, i);

		if (candidate < span->lo)
			break;
		if ((guint64)span->hi + 1 > candidate)
			candidate = (guint64)span->hi + 1;
	}
	/* the model would have to name every public address for this to fail */
	return candidate > G_MAXUINT32 ? preferred[0] : (VsIp4)candidate;
}
