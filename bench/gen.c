/*
 * gen.c - the seeded model generator (see gen.h for the estate's shape).
 *
 * Addressing plan, fixed so that tests and the benchmark can reason about it:
 *   hub      10.0.0.0/16: snet-fw 10.0.1.0/24 (fw1 10.0.1.4 forwarding with a
 *            public IP, fw2 10.0.1.5 forwarding without one, fw-broken
 *            10.0.1.6 without IP forwarding), snet-shared 10.0.2.0/24
 *   spoke i  10.i.0.0/16, subnets 10.i.t.0/24 (t = 1..), VM k at 10.i.t.(4+k),
 *            second NICs at 10.i.t.(100+k)
 *   island   172.20.0.0/16 and 192.168.0.0/16 (inside and equal to Azure's
 *            reserved ranges), peered with the hub        [edge cases]
 *   lonely   10.251.0.0/16, peered with nothing, a private subnet  [edge cases]
 * Public IPs come from 20.100.0.0/16 on; service tags hold 52.x and 13.x
 * prefixes.  Everything is written in YAML flow style, one object per line,
 * which keeps L (100k VMs) well under the loader's 64 MB file limit.
 */
#include "config.h"

#include "gen.h"

#include <string.h>

/* SplitMix64: tiny, fast, and the same sequence everywhere. */
typedef struct {
	guint64 state;
} Rng;

static guint64
rng_next(Rng *rng)
{
	guint64 z = (rng->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (n > 0); the modulo bias is irrelevant here. */
static guint
rng_below(Rng *rng, guint n)
{
	return (guint)(rng_next(rng) % n);
}

/* TRUE with probability percent/100. */
static gboolean
rng_chance(Rng *rng, guint percent)
{
	return rng_below(rng, 100) < percent;
}

gboolean
vs_gen_size(const char *name, VsGenParams *out)
{
	static const struct {
		const char *name;
		guint vms, rules, routes;
	} sizes[] = {
		{"XS", 10, 24, 12},
		{"S", 1000, 2000, 100},
		{"M", 10000, 20000, 1000},
		{"L", 100000, 100000, 5000},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
		if (g_ascii_strcasecmp(name, sizes[i].name) == 0) {
			out->vms = sizes[i].vms;
			out->rules = sizes[i].rules;
			out->routes = sizes[i].routes;
			out->seed = 1;
			out->edges = TRUE;
			return TRUE;
		}
	}
	return FALSE;
}

/* ---------------------------------------------------------------- the plan */

#define SUBNET_VMS 50 /* VMs per spoke subnet */
#define SPOKE_VMS 500 /* VMs per spoke */
#define MAX_SPOKES 200
#define ASGS_PER_SPOKE 4
#define MAX_RULES_PER_NSG 1000 /* Azure's limit */
#define MAX_ROUTES_PER_TABLE 400

typedef struct {
	guint vms;     /* VMs in this spoke */
	guint subnets; /* subnets 1..subnets */
	gboolean northeurope;
	gboolean has_table;
} Spoke;

typedef struct {
	const VsGenParams *params;
	Rng rng;
	GString *out;
	guint spoke_count;
	Spoke *spokes; /* 1-based: spokes[1..spoke_count] */
	guint shared_vms;
	guint public_ips; /* public addresses handed out so far */
	guint rule_budget_per_nsg;
} Gen;

static const char *const user_tags[] = {"Storage", "Sql", "AzureCloud", "AzureMonitor"};

static void
plan(Gen *gen)
{
	const VsGenParams *params = gen->params;
	guint fixed = 3 + (params->edges ? 3 : 0); /* fw1, fw2, shared; fw-broken, island, lonely */
	guint rest, per_spoke, extra;

	gen->shared_vms = MAX(1, MIN(params->vms / 100, 200));
	fixed += gen->shared_vms - 1;
	if (params->edges)
		fixed += 1; /* the island has two VMs */
	rest = params->vms > fixed + 3 ? params->vms - fixed : 3;
	gen->spoke_count = CLAMP(rest / SPOKE_VMS, 3, MAX_SPOKES);
	per_spoke = rest / gen->spoke_count;
	extra = rest % gen->spoke_count;
	gen->spokes = g_new0(Spoke, gen->spoke_count + 1);
	for (guint i = 1; i <= gen->spoke_count; i++) {
		Spoke *spoke = &gen->spokes[i];

		spoke->vms = per_spoke + (i <= extra ? 1 : 0);
		spoke->subnets = MAX(1, MIN((spoke->vms + SUBNET_VMS - 1) / SUBNET_VMS, 250));
		spoke->northeurope = i % 5 == 0;
		spoke->has_table = TRUE;
	}
}

static guint
total_subnets(const Gen *gen)
{
	guint n = 0;

	for (guint i = 1; i <= gen->spoke_count; i++)
		n += gen->spokes[i].subnets;
	return n;
}

/* ---------------------------------------------------------------- small writers */

static void
put(Gen *gen, const char *text)
{
	g_string_append(gen->out, text);
}

static void put_printf(Gen *gen, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
put_printf(Gen *gen, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	g_string_append_vprintf(gen->out, format, args);
	va_end(args);
}

static const char *const single_ports[] = {"22",   "25",   "53",   "80",   "123",
					   "443",  "1433", "3306", "3389", "5432",
					   "6379", "8080", "8443", "9000", "27017"};
static const char *const port_ranges[] = {"8000-8100",   "1024-65535", "5000-5999", "9000-9999",
					  "30000-32767", "135-139",    "0-1023"};

/* A destination port field: "Range: X" or "Ranges: [..]" (the key's tail). */
static void
put_ports(Gen *gen, const char *key)
{
	guint pick = rng_below(&gen->rng, 100);

	if (pick < 15) {
		put_printf(gen, "%sRange: \"*\"", key);
	} else if (pick < 65) {
		put_printf(gen, "%sRange: \"%s\"", key,
			   single_ports[rng_below(&gen->rng, G_N_ELEMENTS(single_ports))]);
	} else if (pick < 80) {
		put_printf(gen, "%sRange: \"%s\"", key,
			   port_ranges[rng_below(&gen->rng, G_N_ELEMENTS(port_ranges))]);
	} else if (pick < 90) {
		guint lo = 1 + rng_below(&gen->rng, 60000);

		put_printf(gen, "%sRange: \"%u-%u\"", key, lo, lo + rng_below(&gen->rng, 500));
	} else {
		guint n = 2 + rng_below(&gen->rng, 3);

		put_printf(gen, "%sRanges: [", key);
		for (guint i = 0; i < n; i++)
			put_printf(
				gen, "%s\"%s\"", i ? ", " : "",
				i % 2 ? port_ranges[rng_below(&gen->rng, G_N_ELEMENTS(port_ranges))]
				      : single_ports[rng_below(&gen->rng,
							       G_N_ELEMENTS(single_ports))]);
		put(gen, "]");
	}
}

/* A random spoke other than self when possible (1-based). */
static guint
other_spoke(Gen *gen, guint self)
{
	guint j = 1 + rng_below(&gen->rng, gen->spoke_count);

	if (j == self && gen->spoke_count > 1)
		j = j % gen->spoke_count + 1;
	return j;
}

/*
 * The remote side of a rule ("source" for inbound, "destination" for
 * outbound) of an NSG in spoke self: anything from * to tags, prefixes,
 * prefix lists and this spoke's ASGs.
 */
static void
put_remote(Gen *gen, const char *side, guint self, gboolean outbound)
{
	guint pick = rng_below(&gen->rng, 100);
	guint j = other_spoke(gen, self);

	if (pick < 10) {
		put_printf(gen, "%sAddressPrefix: \"*\"", side);
	} else if (pick < 25) {
		static const char *const tags[] = {"Internet", "VirtualNetwork",
						   "AzureLoadBalancer"};

		put_printf(gen, "%sAddressPrefix: %s", side,
			   tags[rng_below(&gen->rng, G_N_ELEMENTS(tags))]);
	} else if (pick < (outbound ? 35u : 28u)) {
		put_printf(gen, "%sAddressPrefix: %s", side,
			   user_tags[rng_below(&gen->rng, G_N_ELEMENTS(user_tags))]);
	} else if (pick < 45) {
		put_printf(gen, "%sAddressPrefix: 10.%u.0.0/16", side, j);
	} else if (pick < 65) {
		put_printf(gen, "%sAddressPrefix: 10.%u.%u.0/24", side, j,
			   1 + rng_below(&gen->rng, gen->spokes[j].subnets));
	} else if (pick < 77) {
		guint n = 2 + rng_below(&gen->rng, 3);

		put_printf(gen, "%sAddressPrefixes: [", side);
		for (guint i = 0; i < n; i++) {
			guint k = other_spoke(gen, self);
			guint t = 1 + rng_below(&gen->rng, gen->spokes[k].subnets);

			if (i % 3 == 0)
				put_printf(gen, "%s10.%u.%u.0/24", i ? ", " : "", k, t);
			else if (i % 3 == 1)
				put_printf(gen, "%s10.%u.%u.%u/28", i ? ", " : "", k, t,
					   16 * rng_below(&gen->rng, 4));
			else
				put_printf(gen, "%s10.%u.%u.%u", i ? ", " : "", k, t,
					   4 + rng_below(&gen->rng, SUBNET_VMS));
		}
		put(gen, "]");
	} else if (pick < 90) {
		guint n = 1 + rng_below(&gen->rng, 2);
		guint first = rng_below(&gen->rng, ASGS_PER_SPOKE);

		put_printf(gen, "%sApplicationSecurityGroups: [", side);
		for (guint i = 0; i < n; i++)
			put_printf(gen, "%sasg-%u-%u", i ? ", " : "", self,
				   (first + i) % ASGS_PER_SPOKE);
		put(gen, "]");
	} else if (pick < 95) {
		put_printf(gen, "%sAddressPrefix: 10.%u.%u.%u", side, j,
			   1 + rng_below(&gen->rng, gen->spokes[j].subnets),
			   4 + rng_below(&gen->rng, SUBNET_VMS));
	} else {
		put_printf(gen, "%sAddressPrefix: 20.%u.0.0/16", side,
			   100 + rng_below(&gen->rng, 4));
	}
}

/* The local side: the NSG's own spoke, subnet or ASGs. */
static void
put_local(Gen *gen, const char *side, guint self, guint subnet)
{
	guint pick = rng_below(&gen->rng, 100);

	if (pick < 50)
		put_printf(gen, "%sAddressPrefix: \"*\"", side);
	else if (pick < 75 && subnet > 0)
		put_printf(gen, "%sAddressPrefix: 10.%u.%u.0/24", side, self, subnet);
	else if (pick < 90)
		put_printf(gen, "%sApplicationSecurityGroups: [asg-%u-%u]", side, self,
			   rng_below(&gen->rng, ASGS_PER_SPOKE));
	else
		put_printf(gen, "%sAddressPrefix: VirtualNetwork", side);
}

/* One security rule of an NSG in spoke self (subnet 0: the NIC NSG). */
static void
put_rule(Gen *gen, guint index, guint priority, gboolean outbound, guint self, guint subnet)
{
	static const char *const protocols[] = {"Tcp", "Tcp", "Tcp",   "Tcp",   "Tcp",
						"Udp", "Udp", "\"*\"", "\"*\"", "Icmp"};
	const char *protocol = protocols[rng_below(&gen->rng, G_N_ELEMENTS(protocols))];

	put_printf(gen,
		   "      - {name: r%u, priority: %u, direction: %s, access: %s, protocol: %s, ",
		   index, priority, outbound ? "Outbound" : "Inbound",
		   rng_chance(&gen->rng, 70) ? "Allow" : "Deny", protocol);
	if (outbound)
		put_local(gen, "source", self, subnet);
	else
		put_remote(gen, "source", self, FALSE);
	if (rng_chance(&gen->rng, 90))
		put(gen, ", sourcePortRange: \"*\", ");
	else
		put(gen, ", sourcePortRange: \"1024-65535\", ");
	if (outbound)
		put_remote(gen, "destination", self, TRUE);
	else
		put_local(gen, "destination", self, subnet);
	put(gen, ", ");
	put_ports(gen, "destinationPort");
	put(gen, "}\n");
}

/* An NSG of n user rules, inbound and outbound mixed, priorities unique per direction. */
static void
put_nsg(Gen *gen, const char *name, guint n, guint self, guint subnet)
{
	guint inbound = n - n / 3, outbound = n / 3;
	guint in_step = MAX(1u, MIN(10u, 3990u / (inbound + 1)));
	guint out_step = MAX(1u, MIN(10u, 3990u / (outbound + 1)));
	guint in_count = 0, out_count = 0;

	put_printf(gen, "  - name: %s\n", name);
	if (n == 0) {
		put(gen, "    securityRules: []\n");
		return;
	}
	put(gen, "    securityRules:\n");
	for (guint i = 0; i < n; i++) {
		gboolean is_out = out_count < outbound &&
				  (in_count >= inbound || rng_below(&gen->rng, n) < outbound);

		if (is_out)
			put_rule(gen, i, 100 + out_step * out_count++, TRUE, self, subnet);
		else
			put_rule(gen, i, 100 + in_step * in_count++, FALSE, self, subnet);
	}
}

/* ---------------------------------------------------------------- sections */

static void
put_vnets(Gen *gen)
{
	const VsGenParams *params = gen->params;

	put(gen, "vnets:\n");
	put(gen, "  - name: hub\n    addressSpace: [10.0.0.0/16]\n    subnets:\n");
	/* edge: the appliances' own subnet sends 10.252.0.0/16 to fw2, which sits in that
	 * same subnet: a routing loop (reference 3.4) */
	put_printf(gen,
		   "      - {name: snet-fw, addressPrefix: 10.0.1.0/24, networkSecurityGroup: "
		   "nsg-fw%s}\n",
		   params->edges ? ", routeTable: rt-fw" : "");
	put(gen, "      - {name: snet-shared, addressPrefix: 10.0.2.0/24, networkSecurityGroup: "
		 "nsg-shared}\n");
	put(gen, "    peerings:\n");
	for (guint i = 1; i <= gen->spoke_count; i++) {
		/* edge: the hub never declares the last spoke's peering (Initiated) */
		if (params->edges && i == gen->spoke_count && i >= 3)
			continue;
		/* edge: the hub side of spoke 4 carries no traffic from the hub */
		put_printf(gen, "      - {remoteVirtualNetwork: spoke%u%s}\n", i,
			   params->edges && i == 4 ? ", allowVirtualNetworkAccess: false" : "");
	}
	if (params->edges)
		put(gen, "      - {remoteVirtualNetwork: island}\n");

	for (guint i = 1; i <= gen->spoke_count; i++) {
		const Spoke *spoke = &gen->spokes[i];

		put_printf(gen, "  - name: spoke%u\n", i);
		if (spoke->northeurope)
			put(gen, "    location: northeurope\n");
		put_printf(gen, "    addressSpace: [10.%u.0.0/16]\n    subnets:\n", i);
		for (guint t = 1; t <= spoke->subnets; t++) {
			put_printf(gen,
				   "      - {name: snet-%u, addressPrefix: 10.%u.%u.0/24, "
				   "networkSecurityGroup: nsg-%u-%u",
				   t, i, t, i, t);
			/* one subnet in seven goes without the spoke's route table */
			if (spoke->has_table && t % 7 != 3)
				put_printf(gen, ", routeTable: rt-%u", i);
			if (params->edges && t % 10 == 2)
				put(gen, ", defaultOutboundAccess: false");
			put(gen, "}\n");
		}
		put(gen, "    peerings:\n");
		/* edge: spoke 2 refuses forwarded traffic (so spoke-to-spoke through fw fails) */
		put_printf(gen, "      - {remoteVirtualNetwork: hub%s}\n",
			   params->edges && i == 2 ? "" : ", allowForwardedTraffic: true");
		/* a few direct spoke-to-spoke peerings, declared on both sides */
		if (i % 6 == 1 && i + 1 <= gen->spoke_count)
			put_printf(gen, "      - {remoteVirtualNetwork: spoke%u}\n", i + 1);
		if (i % 6 == 2)
			put_printf(gen, "      - {remoteVirtualNetwork: spoke%u}\n", i - 1);
	}
	if (!params->edges)
		return;
	put(gen, "  - name: island\n    addressSpace: [172.20.0.0/16, 192.168.0.0/16]\n"
		 "    subnets:\n"
		 "      - {name: snet-a, addressPrefix: 172.20.1.0/24}\n"
		 "      - {name: snet-b, addressPrefix: 192.168.1.0/24, routeTable: rt-island}\n"
		 "    peerings:\n"
		 "      - {remoteVirtualNetwork: hub, allowForwardedTraffic: true}\n");
	put(gen, "  - name: lonely\n    addressSpace: [10.251.0.0/16]\n    subnets:\n"
		 "      - {name: snet-a, addressPrefix: 10.251.1.0/24, defaultOutboundAccess: "
		 "false, networkSecurityGroup: nsg-lonely}\n");
}

static void
put_nsgs(Gen *gen)
{
	guint subnets = total_subnets(gen);
	guint average = MAX(1u, gen->params->rules / MAX(1u, subnets));

	put(gen, "networkSecurityGroups:\n");
	/* the firewall admits the spokes and the island both ways; its outbound defaults
	 * already allow the internet */
	put(gen, "  - name: nsg-fw\n    securityRules:\n"
		 "      - {name: allow-private-in, priority: 100, direction: Inbound, access: "
		 "Allow, protocol: \"*\", sourceAddressPrefixes: [10.0.0.0/8, 172.16.0.0/12, "
		 "192.168.0.0/16], sourcePortRange: \"*\", destinationAddressPrefix: \"*\", "
		 "destinationPortRange: \"*\"}\n"
		 "      - {name: deny-telnet, priority: 110, direction: Inbound, access: Deny, "
		 "protocol: Tcp, sourceAddressPrefix: \"*\", sourcePortRange: \"*\", "
		 "destinationAddressPrefix: \"*\", destinationPortRange: \"23\"}\n"
		 "      - {name: allow-out, priority: 100, direction: Outbound, access: Allow, "
		 "protocol: \"*\", sourceAddressPrefix: \"*\", sourcePortRange: \"*\", "
		 "destinationAddressPrefix: \"*\", destinationPortRange: \"*\"}\n");
	put(gen, "  - name: nsg-shared\n    securityRules:\n"
		 "      - {name: allow-dns, priority: 100, direction: Inbound, access: Allow, "
		 "protocol: \"*\", sourceAddressPrefix: VirtualNetwork, sourcePortRange: \"*\", "
		 "destinationAddressPrefix: \"*\", destinationPortRange: \"53\"}\n"
		 "      - {name: deny-ssh, priority: 200, direction: Inbound, access: Deny, "
		 "protocol: Tcp, sourceAddressPrefix: 10.0.0.0/8, sourcePortRange: \"*\", "
		 "destinationAddressPrefix: \"*\", destinationPortRange: \"22\"}\n");
	for (guint i = 1; i <= gen->spoke_count; i++) {
		g_autofree char *nic_name = g_strdup_printf("nsg-%u-nic", i);

		for (guint t = 1; t <= gen->spokes[i].subnets; t++) {
			g_autofree char *name = g_strdup_printf("nsg-%u-%u", i, t);
			/* one NSG in eight is a heavy one, as real estates have */
			guint n = rng_below(&gen->rng, 8) == 0 ? average * 4 : average * 4 / 7 + 1;

			put_nsg(gen, name, MIN(n, (guint)MAX_RULES_PER_NSG), i, t);
		}
		put_nsg(gen, nic_name, 3 + rng_below(&gen->rng, 4), i, 0);
	}
	if (gen->params->edges)
		put(gen, "  - name: nsg-lonely\n    securityRules: []\n");
}

static void
put_route(Gen *gen, guint n, const char *prefix, const char *type, const char *ip)
{
	put_printf(gen, "      - {name: route%u, addressPrefix: %s, nextHopType: %s", n, prefix,
		   type);
	if (ip != NULL)
		put_printf(gen, ", nextHopIpAddress: %s", ip);
	put(gen, "}\n");
}

static void
put_route_tables(Gen *gen)
{
	guint per_table = CLAMP(gen->params->routes / gen->spoke_count, 2, MAX_ROUTES_PER_TABLE);

	put(gen, "routeTables:\n");
	for (guint i = 1; i <= gen->spoke_count; i++) {
		g_autoptr(GHashTable) used =
			g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		/* odd spokes default through fw1, even ones through fw2, so replies between
		 * them take the other firewall (asymmetric routing, a classic hub mistake);
		 * spoke 1 uses fw2 so that its traffic with the island (fw1) is asymmetric
		 * even in the smallest models */
		const char *fw = i % 2 == 0 || i == 1 ? "10.0.1.5" : "10.0.1.4";
		guint n = 0, attempts = 0;

		put_printf(gen,
			   "  - name: rt-%u\n    disableBgpRoutePropagation: true\n"
			   "    routes:\n",
			   i);
		put_route(gen, n++, "0.0.0.0/0", "VirtualAppliance", fw);
		if (gen->params->edges && i == 3) {
			put_route(gen, n++, "10.0.9.0/24", "VirtualAppliance", "10.0.1.6");
			put_route(gen, n++, "10.0.10.0/24", "VirtualAppliance", "10.0.1.99");
			put_route(gen, n++, "10.0.11.0/24", "VirtualNetworkGateway", NULL);
		}
		while (n < per_table && attempts++ < per_table * 4) {
			guint pick = rng_below(&gen->rng, 100);
			guint j = other_spoke(gen, i);
			g_autofree char *prefix = NULL;
			const char *type = "VirtualAppliance", *ip = "10.0.1.4";

			if (pick < 40) {
				prefix = g_strdup_printf("10.%u.0.0/16", j);
			} else if (pick < 70) {
				prefix = g_strdup_printf(
					"10.%u.%u.0/24", j,
					1 + rng_below(&gen->rng, gen->spokes[j].subnets));
				if (rng_chance(&gen->rng, 30)) {
					type = "None";
					ip = NULL;
				}
			} else if (pick < 85) {
				prefix = g_strdup_printf("52.%u.%u.0/24", rng_below(&gen->rng, 16),
							 rng_below(&gen->rng, 256));
				type = "Internet";
				ip = NULL;
			} else if (pick < 95) {
				prefix = g_strdup_printf(
					"10.%u.%u.0/24", i,
					1 + rng_below(&gen->rng, gen->spokes[i].subnets));
				type = "VnetLocal";
				ip = NULL;
			} else {
				prefix = g_strdup_printf(
					"10.%u.%u.%u/28", j,
					1 + rng_below(&gen->rng, gen->spokes[j].subnets),
					16 * rng_below(&gen->rng, 16));
				ip = "10.0.1.5";
			}
			if (g_hash_table_contains(used, prefix))
				continue; /* one route per prefix in a table */
			g_hash_table_add(used, g_strdup(prefix));
			put_route(gen, n++, prefix, type, ip);
		}
	}
	if (gen->params->edges)
		put(gen, "  - name: rt-fw\n    routes:\n"
			 "      - {name: loop-via-fw2, addressPrefix: 10.252.0.0/16, nextHopType: "
			 "VirtualAppliance, nextHopIpAddress: 10.0.1.5}\n");
	if (gen->params->edges)
		put(gen, "  - name: rt-island\n    routes:\n"
			 "      - {name: all-via-fw, addressPrefix: 0.0.0.0/0, nextHopType: "
			 "VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n");
}

/* A public address of its own for a NIC, from 20.100.0.0 on. */
static void
put_public_ip(Gen *gen)
{
	guint n = gen->public_ips++;

	put_printf(gen, ", publicIpAddress: 20.%u.%u.%u", 100 + n / 65536, (n / 256) % 256,
		   n % 256);
}

static void
put_vms(Gen *gen)
{
	const VsGenParams *params = gen->params;

	put(gen, "virtualMachines:\n");
	put(gen, "  - {name: fw1, networkInterfaces: [{subnet: hub/snet-fw, privateIpAddress: "
		 "10.0.1.4, enableIpForwarding: true");
	put_public_ip(gen);
	put(gen, "}]}\n");
	put(gen, "  - {name: fw2, networkInterfaces: [{subnet: hub/snet-fw, privateIpAddress: "
		 "10.0.1.5, enableIpForwarding: true}]}\n");
	if (params->edges)
		put(gen, "  - {name: fw-broken, networkInterfaces: [{subnet: hub/snet-fw, "
			 "privateIpAddress: 10.0.1.6}]}\n");
	for (guint k = 0; k < gen->shared_vms; k++)
		put_printf(gen,
			   "  - {name: shared%u, networkInterfaces: [{subnet: hub/snet-shared, "
			   "privateIpAddress: 10.0.2.%u}]}\n",
			   k + 1, 4 + k);

	for (guint i = 1; i <= gen->spoke_count; i++) {
		const Spoke *spoke = &gen->spokes[i];
		guint second = 0; /* second NICs handed out in this spoke */

		for (guint k = 0; k < spoke->vms; k++) {
			guint t = 1 + k / SUBNET_VMS, host = 4 + k % SUBNET_VMS;

			put_printf(
				gen,
				"  - {name: vm-%u-%u, networkInterfaces: [{subnet: spoke%u/snet-%u, "
				"privateIpAddress: 10.%u.%u.%u",
				i, k, i, t, i, t, host);
			if (rng_chance(&gen->rng, 5))
				put_public_ip(gen);
			if (rng_chance(&gen->rng, 10))
				put_printf(gen, ", networkSecurityGroup: nsg-%u-nic", i);
			if (rng_chance(&gen->rng, 70)) {
				guint first = rng_below(&gen->rng, ASGS_PER_SPOKE);

				put_printf(gen, ", applicationSecurityGroups: [asg-%u-%u", i,
					   first);
				if (rng_chance(&gen->rng, 30))
					put_printf(gen, ", asg-%u-%u", i,
						   (first + 1) % ASGS_PER_SPOKE);
				put(gen, "]");
			}
			put(gen, "}");
			/* a few VMs have a second NIC in the next subnet of the spoke */
			if (spoke->subnets > 1 && second < 100 && rng_chance(&gen->rng, 2)) {
				guint t2 = t % spoke->subnets + 1;

				put_printf(gen,
					   ", {subnet: spoke%u/snet-%u, privateIpAddress: "
					   "10.%u.%u.%u}",
					   i, t2, i, t2, 100 + second++ % 150);
			}
			put(gen, "]}\n");
		}
	}
	if (!params->edges)
		return;
	put(gen, "  - {name: island-a, networkInterfaces: [{subnet: island/snet-a, "
		 "privateIpAddress: 172.20.1.4}]}\n"
		 "  - {name: island-b, networkInterfaces: [{subnet: island/snet-b, "
		 "privateIpAddress: 192.168.1.4}]}\n"
		 "  - {name: lonely1, networkInterfaces: [{subnet: lonely/snet-a, "
		 "privateIpAddress: 10.251.1.4}]}\n");
}

static void
put_tags_and_asgs(Gen *gen)
{
	put(gen, "applicationSecurityGroups: [");
	for (guint i = 1; i <= gen->spoke_count; i++)
		for (guint a = 0; a < ASGS_PER_SPOKE; a++)
			put_printf(gen, "%sasg-%u-%u", i == 1 && a == 0 ? "" : ", ", i, a);
	put(gen, "]\n");
	put(gen, "serviceTags:\n");
	for (gsize t = 0; t < G_N_ELEMENTS(user_tags); t++) {
		guint n = 2 + rng_below(&gen->rng, 6);

		put_printf(gen, "  %s: [", user_tags[t]);
		for (guint i = 0; i < n; i++) {
			guint len = 20 + rng_below(&gen->rng, 5);
			guint third = rng_below(&gen->rng, 256) & (0xffu << (24 - len)) & 0xffu;

			put_printf(gen, "%s%u.%u.%u.0/%u", i ? ", " : "", i % 2 ? 13u : 52u,
				   rng_below(&gen->rng, 16), third, len);
		}
		/* AzureCloud also covers the public IPs the generator hands out */
		if (g_str_equal(user_tags[t], "AzureCloud"))
			put(gen, ", 20.100.0.0/14");
		put(gen, "]\n");
	}
}

void
vs_gen_model(GString *out, const VsGenParams *params)
{
	Gen gen = {.params = params, .rng = {params->seed}, .out = out};

	plan(&gen);
	put_printf(
		&gen,
		"# Generated by vnetsim-genmodel: %u VMs, ~%u rules, ~%u routes, seed %" G_GUINT64_FORMAT
		"%s.\n",
		params->vms, params->rules, params->routes, params->seed,
		params->edges ? ", edge cases" : "");
	put_printf(&gen, "name: gen-%u-%" G_GUINT64_FORMAT "\nlocation: westeurope\n", params->vms,
		   params->seed);
	put(&gen, "latency: {jitterPercent: 0}\n");
	put_vnets(&gen);
	put_tags_and_asgs(&gen);
	put_nsgs(&gen);
	put_route_tables(&gen);
	put_vms(&gen);
	g_free(gen.spokes);
}
