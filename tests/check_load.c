/*
 * check_load.c - the model loader: every class of error comes out with its
 * exact position and message, all errors of a file come out, and good files
 * load into the model they describe (binary addresses, defaults, includes).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "suites.h"

/* A YAML literal and its length (some hold NUL bytes). */
#define Y(text) text, sizeof(text) - 1

/* Loads text as "t.yaml"; returns the model (or NULL) and the sorted diags. */
static VsModel *
load_text(const char *text, gsize length, VsDiagList *diags, GError **error)
{
	VsModel *model = vs_load_data(text, length, "t.yaml", diags, error);

	vs_diag_list_sort(diags);
	return model;
}

static gboolean
has_diag(const VsDiagList *diags, const char *expected)
{
	for (guint i = 0; i < diags->items->len; i++) {
		g_autofree char *line = vs_diag_format(g_ptr_array_index(diags->items, i));

		if (strcmp(line, expected) == 0)
			return TRUE;
	}
	return FALSE;
}

static char *
all_diags(const VsDiagList *diags)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < diags->items->len; i++) {
		g_autofree char *line = vs_diag_format(g_ptr_array_index(diags->items, i));

		g_string_append_printf(out, "\n  %s", line);
	}
	return g_string_free(out, FALSE);
}

/*
 * One row per class of error: the file, the GError code, how many errors
 * the file has, and the exact line of the one the row is about.
 */
static const struct {
	const char *name;
	const char *text;
	gsize length;
	VsLoadError code;
	guint errors;
	const char *expected;
} error_cases
	[] =
		{
			{"syntax",
			 Y("name: lab\n"
			   "vnets: [\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:3:1: error: invalid YAML: did not find expected node content (while parsing a flow node at line 3, column 1)"},
			{"scalar-for-list",
			 Y("name: lab\n"
			   "vnets: hub\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:2:8: error: vnets: expected a list of VNets, got 'hub'"},
			{"map-for-list",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  name: hub\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:3:3: error: vnets: expected a list of VNets, got a mapping"},
			{"list-for-scalar", Y("name: [lab]\n"), VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:1:7: error: name: expected the model's name, got a list"},
			{"unknown-top-key",
			 Y("name: lab\n"
			   "vnet: []\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:2:1: error: unknown key 'vnet' in the top level; expected one of: name, subscriptionId, location, vnets, networkSecurityGroups, applicationSecurityGroups, serviceTags, routeTables, virtualMachines, dns, internet, latency, include"},
			{"unknown-rule-key",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        destinationAddressPrefix: \"*\"\n"
			   "        sourceAddressPrefix: \"*\"\n"
			   "        acess: Allow\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:14:9: error: networkSecurityGroups[nsg-web].securityRules[r1]: unknown key 'acess' in securityRule 'r1'; expected one of: name, priority, direction, access, protocol, sourceAddressPrefix, sourceAddressPrefixes, sourceApplicationSecurityGroups, sourcePortRange, sourcePortRanges, destinationAddressPrefix, destinationAddressPrefixes, destinationApplicationSecurityGroups, destinationPortRange, destinationPortRanges, description"},
			{"missing-key",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:3:5: error: vnets[hub]: missing required key 'addressSpace' in VNet 'hub'"},
			{"missing-name", Y("vnets: []\n"), VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:1:1: error: missing required key 'name' at the top level"},
			{"bad-name",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: -hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:3:11: error: vnets[0].name: '-hub' is not a valid name; expected 1 to 80 letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'"},
			{"empty-name",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: \"\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:3:11: error: networkSecurityGroups[0].name: '' is not a valid name; expected 1 to 80 letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'"},
			{"long-name",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:3:11: error: networkSecurityGroups[0].name: 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn' is not a valid name; expected 1 to 80 letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'"},
			{"duplicate-name",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg\n"
			   "  - name: nsg\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:4:5: error: networkSecurityGroups[nsg]: duplicate NSG name 'nsg' (first defined at t.yaml:3:5)"},
			{"duplicate-key",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg\n"
			   "    name: nsg2\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:4:5: error: networkSecurityGroups[nsg]: duplicate key 'name' in networkSecurityGroup 'nsg' (first given at line 3, column 5)"},
			{"dangling-nsg",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "        networkSecurityGroup: nsg-nope\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:8:31: error: vnets[hub].subnets[snet-a].networkSecurityGroup: unknown NSG 'nsg-nope'; expected the name of one of networkSecurityGroups"},
			{"dangling-route-table",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "        routeTable: rt-nope\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:8:21: error: vnets[hub].subnets[snet-a].routeTable: unknown route table 'rt-nope'; expected the name of one of routeTables"},
			{"dangling-remote-vnet",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "    peerings:\n"
			   "      - remoteVirtualNetwork: spoke9\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:9:31: error: vnets[hub].peerings[0].remoteVirtualNetwork: unknown VNet 'spoke9'; expected the name of one of vnets"},
			{"dangling-rule-asg",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceApplicationSecurityGroups: [asg-web]\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:43: error: networkSecurityGroups[nsg-web].securityRules[r1].sourceApplicationSecurityGroups[0]: unknown application security group 'asg-web'; expected the name of one of applicationSecurityGroups"},
			{"dangling-nic-asg",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-a\n"
			   "        privateIpAddress: 10.0.1.4\n"
			   "        applicationSecurityGroups: [asg-x]\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:13:37: error: virtualMachines[vm1].networkInterfaces[0].applicationSecurityGroups[0]: unknown application security group 'asg-x'; expected the name of one of applicationSecurityGroups"},
			{"dangling-subnet",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-b\n"
			   "        privateIpAddress: 10.0.1.4\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:11:17: error: virtualMachines[vm1].networkInterfaces[0].subnet: unknown subnet 'snet-b' in VNet 'hub'; expected one of its subnets"},
			{"unknown-tag",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: Storage\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:30: error: networkSecurityGroups[nsg-web].securityRules[r1].sourceAddressPrefix: unknown service tag 'Storage'; expected an address, a prefix, *, VirtualNetwork, Internet, AzureLoadBalancer or a tag of serviceTags"},
			{"bad-subnet-ref",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: snet-a\n"
			   "        privateIpAddress: 10.0.1.4\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:11:17: error: virtualMachines[vm1].networkInterfaces[0].subnet: 'snet-a' is not a subnet reference; expected VNET/SUBNET such as hub/snet-nva"},
			{"malformed-ip",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-a\n"
			   "        privateIpAddress: 10.0.1\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:27: error: virtualMachines[vm1].networkInterfaces[0].privateIpAddress: '10.0.1' is not an IPv4 address; expected a.b.c.d"},
			{"malformed-prefix",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: 10.0.0.0/33\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:30: error: networkSecurityGroups[nsg-web].securityRules[r1].sourceAddressPrefix: '10.0.0.0/33': prefix length 33 is out of range; expected 0..32"},
			{"host-bits",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: 10.0.0.5/24\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:30: error: networkSecurityGroups[nsg-web].securityRules[r1].sourceAddressPrefix: '10.0.0.5/24' has host bits set; expected a network address such as 10.0.0.0/24"},
			{"bad-port",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"80-70\"\n"
			   "        sourceAddressPrefix: \"*\"\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:11:31: error: networkSecurityGroups[nsg-web].securityRules[r1].destinationPortRange: port range '80-70' is reversed; expected low-high with low <= high"},
			{"priority-range",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 4097\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: \"*\"\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:6:19: error: networkSecurityGroups[nsg-web].securityRules[r1].priority: '4097' is not valid; expected an integer 100..4096"},
			{"priority-duplicate",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: \"*\"\n"
			   "        destinationAddressPrefix: \"*\"\n"
			   "      - name: r2\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Deny\n"
			   "        protocol: \"*\"\n"
			   "        sourceAddressPrefix: \"*\"\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationAddressPrefix: \"*\"\n"
			   "        destinationPortRange: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:15:19: error: networkSecurityGroups[nsg-web].securityRules[r2].priority: priority 100 is already used by securityRule 'r1' (line 6) for Inbound rules; expected a priority unique per direction"},
			{"singular-and-plural",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: 10.0.0.0/8\n"
			   "        sourceAddressPrefixes: [10.1.0.0/16]\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:13:32: error: networkSecurityGroups[nsg-web].securityRules[r1].sourceAddressPrefixes: 'sourceAddressPrefix' and 'sourceAddressPrefixes' both given; use one of them"},
			{"mixed-side",
			 Y("name: lab\n"
			   "applicationSecurityGroups: [asg-web]\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        destinationAddressPrefix: 10.0.0.0/8\n"
			   "        destinationApplicationSecurityGroups: [asg-web]\n"
			   "        sourceAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:14:47: error: networkSecurityGroups[nsg-web].securityRules[r1].destinationApplicationSecurityGroups: 'destinationAddressPrefix' and 'destinationApplicationSecurityGroups' both given; one side of a rule takes either addresses or application security groups, not both"},
			{"tag-in-plural",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefixes: [10.0.0.0/8, Internet]\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:45: error: networkSecurityGroups[nsg-web].securityRules[r1].sourceAddressPrefixes[1]: 'Internet' is not allowed in sourceAddressPrefixes: Azure takes only addresses and prefixes in the plural form (SecurityRuleParameterContainsUnsupportedValue); put a service tag or * in the singular key"},
			{"star-in-plural",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: \"*\"\n"
			   "        destinationAddressPrefixes: [\"*\"]\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:13:38: error: networkSecurityGroups[nsg-web].securityRules[r1].destinationAddressPrefixes[0]: '*' is not allowed in destinationAddressPrefixes: Azure takes only addresses and prefixes in the plural form (SecurityRuleParameterContainsUnsupportedValue); put a service tag or * in the singular key"},
			{"missing-side",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:5:9: error: networkSecurityGroups[nsg-web].securityRules[r1]: missing destination address in securityRule 'r1'; expected one of destinationAddressPrefix, destinationAddressPrefixes or destinationApplicationSecurityGroups"},
			{"subnet-outside",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.1.1.0/24\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:7:24: error: vnets[hub].subnets[snet-a].addressPrefix: subnet 10.1.1.0/24 is outside the address space of VNet 'hub'"},
			{"subnet-overlap",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "      - name: snet-b\n"
			   "        addressPrefix: 10.0.1.128/25\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:9:24: error: vnets[hub].subnets[snet-b].addressPrefix: subnet 10.0.1.128/25 overlaps subnet 10.0.1.0/24 (line 7); expected no overlap"},
			{"subnet-too-small",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/30\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:7:24: error: vnets[hub].subnets[snet-a].addressPrefix: subnet 10.0.1.0/30 is smaller than /29, the smallest subnet Azure allows"},
			{"space-overlap",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16, 10.0.128.0/17]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:4:33: error: vnets[hub].addressSpace[1]: address space 10.0.128.0/17 overlaps address space 10.0.0.0/16 (line 4); expected no overlap"},
			{"forbidden-space",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16, 127.0.0.0/8]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:4:33: error: vnets[hub].addressSpace[1]: address space 127.0.0.0/8 overlaps 127.0.0.0/8 (loopback), which Azure does not allow in a VNet"},
			{"forbidden-host-ip",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16, 168.63.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:4:33: error: vnets[hub].addressSpace[1]: address space 168.63.0.0/16 overlaps 168.63.129.16/32 (Azure's host address), which Azure does not allow in a VNet"},
			{"nic-outside",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-a\n"
			   "        privateIpAddress: 10.0.2.4\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:27: error: virtualMachines[vm1].networkInterfaces[0].privateIpAddress: address 10.0.2.4 is outside subnet 'hub/snet-a' (10.0.1.0/24)"},
			{"nic-reserved-first",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-a\n"
			   "        privateIpAddress: 10.0.1.3\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:27: error: virtualMachines[vm1].networkInterfaces[0].privateIpAddress: address 10.0.1.3 is reserved by Azure in subnet 10.0.1.0/24 (the first four and the last address); the first usable address is 10.0.1.4"},
			{"nic-reserved-last",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-a\n"
			   "        privateIpAddress: 10.0.1.255\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:27: error: virtualMachines[vm1].networkInterfaces[0].privateIpAddress: address 10.0.1.255 is reserved by Azure in subnet 10.0.1.0/24 (the first four and the last address); the first usable address is 10.0.1.4"},
			{"va-without-ip",
			 Y("name: lab\n"
			   "routeTables:\n"
			   "  - name: rt\n"
			   "    routes:\n"
			   "      - name: fw\n"
			   "        addressPrefix: 0.0.0.0/0\n"
			   "        nextHopType: VirtualAppliance\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:7:22: error: routeTables[rt].routes[fw]: nextHopType VirtualAppliance needs nextHopIpAddress, the appliance's private address"},
			{"ip-without-va",
			 Y("name: lab\n"
			   "routeTables:\n"
			   "  - name: rt\n"
			   "    routes:\n"
			   "      - name: fw\n"
			   "        addressPrefix: 0.0.0.0/0\n"
			   "        nextHopType: internet\n"
			   "        nextHopIpAddress: 10.0.1.4\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:8:9: error: routeTables[rt].routes[fw]: nextHopIpAddress is allowed only with nextHopType VirtualAppliance, not Internet"},
			{"duplicate-route-prefix",
			 Y("name: lab\n"
			   "routeTables:\n"
			   "  - name: rt\n"
			   "    routes:\n"
			   "      - name: drop\n"
			   "        addressPrefix: 10.1.0.0/16\n"
			   "        nextHopType: None\n"
			   "      - name: out\n"
			   "        nextHopType: Internet\n"
			   "        addressPrefix: 10.1.0.0/16\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:10:24: error: routeTables[rt].routes[out]: addressPrefix 10.1.0.0/16 is already the prefix of route 'drop' (line 5); a route table has at most one route per addressPrefix"},
			{"route-unknown-tag",
			 Y("name: lab\n"
			   "routeTables:\n"
			   "  - name: rt\n"
			   "    routes:\n"
			   "      - name: storage\n"
			   "        addressPrefix: Storage\n"
			   "        nextHopType: Internet\n"),
			 VS_LOAD_ERROR_INVALID, 1, "t.yaml:6:24: error: routeTables[rt].routes[storage].addressPrefix: unknown service tag 'Storage'; expected a prefix such as 10.1.0.0/16 or a tag of serviceTags"},
			{"route-builtin-tag",
			 Y("name: lab\n"
			   "routeTables:\n"
			   "  - name: rt\n"
			   "    routes:\n"
			   "      - name: out\n"
			   "        addressPrefix: Internet\n"
			   "        nextHopType: Internet\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:6:24: error: routeTables[rt].routes[out].addressPrefix: 'Internet' cannot be a route's addressPrefix: Azure takes the service tags of Azure services there (such as Storage or Sql), not VirtualNetwork, Internet or AzureLoadBalancer; expected a prefix or a tag of serviceTags"},
			{"route-empty-tag",
			 Y("name: lab\n"
			   "serviceTags:\n"
			   "  Sql: []\n"
			   "routeTables:\n"
			   "  - name: rt\n"
			   "    routes:\n"
			   "      - name: sql\n"
			   "        addressPrefix: Sql\n"
			   "        nextHopType: Internet\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:8:24: error: routeTables[rt].routes[sql].addressPrefix: service tag 'Sql' has no prefixes; a route needs at least one"},
			{"duplicate-route-tag",
			 Y("name: lab\n"
			   "routeTables:\n"
			   "  - name: rt\n"
			   "    routes:\n"
			   "      - {name: a, addressPrefix: Sql, nextHopType: Internet}\n"
			   "      - {name: b, addressPrefix: Sql, nextHopType: None}\n"
			   "serviceTags:\n"
			   "  Sql: [20.1.0.0/16]\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:6:34: error: routeTables[rt].routes[b]: addressPrefix Sql is already the prefix of route 'a' (line 5); a route table has at most one route per addressPrefix"},
			{"asg-nics-in-two-vnets",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - {name: a, addressSpace: [10.1.0.0/16], subnets: [{name: s, addressPrefix: 10.1.1.0/24}]}\n"
			   "  - {name: b, addressSpace: [10.2.0.0/16], subnets: [{name: s, addressPrefix: 10.2.1.0/24}]}\n"
			   "applicationSecurityGroups: [asg-web]\n"
			   "virtualMachines:\n"
			   "  - name: web1\n"
			   "    networkInterfaces:\n"
			   "      - {subnet: a/s, privateIpAddress: 10.1.1.4, applicationSecurityGroups: [asg-web]}\n"
			   "  - name: web2\n"
			   "    networkInterfaces:\n"
			   "      - {subnet: b/s, privateIpAddress: 10.2.1.4, applicationSecurityGroups: [asg-web]}\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:12:9: error: virtualMachines[web2].networkInterfaces[0]: NIC web2/web2-nic0 is in VNet 'b', but its application security group 'asg-web' is in VNet 'a' (its first NIC, web1/web1-nic0, at line 9); all NICs of an application security group must be in one VNet"},
			{"rule-asgs-in-two-vnets",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - {name: a, addressSpace: [10.1.0.0/16], subnets: [{name: s, addressPrefix: 10.1.1.0/24}]}\n"
			   "  - {name: b, addressSpace: [10.2.0.0/16], subnets: [{name: s, addressPrefix: 10.2.1.0/24}]}\n"
			   "applicationSecurityGroups: [asg-web, asg-new, asg-db]\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg\n"
			   "    securityRules:\n"
			   "      - {name: web-to-db, priority: 100, direction: Inbound, access: Allow, protocol: Tcp,\n"
			   "         sourceApplicationSecurityGroups: [asg-web, asg-new], sourcePortRange: '*',\n"
			   "         destinationApplicationSecurityGroups: [asg-db], destinationPortRange: 1433}\n"
			   "virtualMachines:\n"
			   "  - name: web1\n"
			   "    networkInterfaces:\n"
			   "      - {subnet: a/s, privateIpAddress: 10.1.1.4, applicationSecurityGroups: [asg-web]}\n"
			   "  - name: db1\n"
			   "    networkInterfaces:\n"
			   "      - {subnet: b/s, privateIpAddress: 10.2.1.4, applicationSecurityGroups: [asg-db]}\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:9:9: error: networkSecurityGroups[nsg].securityRules[web-to-db]: application security group 'asg-db' is in VNet 'b', but 'asg-web' of the same rule is in VNet 'a'; the application security groups of a rule, source and destination, must be in one VNet"},
			{"bad-next-hop",
			 Y("name: lab\n"
			   "routeTables:\n"
			   "  - name: rt\n"
			   "    routes:\n"
			   "      - name: fw\n"
			   "        addressPrefix: 0.0.0.0/0\n"
			   "        nextHopType: Firewall\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:7:22: error: routeTables[rt].routes[fw].nextHopType: 'Firewall' is not valid; expected VirtualAppliance, VirtualNetworkGateway, VnetLocal, Internet or None"},
			{"self-peering",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "    peerings:\n"
			   "      - remoteVirtualNetwork: hub\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:9:31: error: vnets[hub].peerings[0].remoteVirtualNetwork: VNet 'hub' cannot peer with itself"},
			{"duplicate-address",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-a\n"
			   "        privateIpAddress: 10.0.1.4\n"
			   "  - name: vm2\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-a\n"
			   "        privateIpAddress: 10.0.1.4\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:15:9: error: NIC 'vm2-nic0' has address 10.0.1.4, already used by NIC 'vm1-nic0' at t.yaml:11:9; expected a unique private address"},
			{"yaml11-boolean",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "        defaultOutboundAccess: yes\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:8:32: error: vnets[hub].subnets[snet-a].defaultOutboundAccess: 'yes' is not a boolean here; expected true or false (YAML 1.1's yes/no/on/off are not accepted)"},
			{"bad-integer",
			 Y("name: lab\n"
			   "vnets:\n"
			   "  - name: hub\n"
			   "    addressSpace: [10.0.0.0/16]\n"
			   "    subnets:\n"
			   "      - name: snet-a\n"
			   "        addressPrefix: 10.0.1.0/24\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces:\n"
			   "      - subnet: hub/snet-a\n"
			   "        privateIpAddress: 10.0.1.4\n"
			   "    cpuPercent: 10x\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:13:17: error: virtualMachines[vm1].cpuPercent: '10x' is not valid; expected an integer 0..100"},
			{"bad-enum",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: In\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: \"*\"\n"
			   "        destinationAddressPrefix: \"*\"\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:7:20: error: networkSecurityGroups[nsg-web].securityRules[r1].direction: 'In' is not valid; expected Inbound or Outbound"},
			{"bad-number",
			 Y("name: lab\n"
			   "latency:\n"
			   "  vnetMs: fast\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:3:11: error: latency.vnetMs: 'fast' is not valid; expected a number 0..100000 such as 12 or 0.5"},
			{"bad-region-pair",
			 Y("name: lab\n"
			   "latency:\n"
			   "  regionPairs: {westeurope: 18}\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:3:17: error: latency.regionPairs[westeurope]: expected a pair of regions such as \"westeurope/northeurope\", got 'westeurope'"},
			{"long-description",
			 Y("name: lab\n"
			   "networkSecurityGroups:\n"
			   "  - name: nsg-web\n"
			   "    securityRules:\n"
			   "      - name: r1\n"
			   "        priority: 100\n"
			   "        direction: Inbound\n"
			   "        access: Allow\n"
			   "        protocol: Tcp\n"
			   "        sourcePortRange: \"*\"\n"
			   "        destinationPortRange: \"443\"\n"
			   "        sourceAddressPrefix: \"*\"\n"
			   "        destinationAddressPrefix: \"*\"\n"
			   "        description: ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\n"),
			 VS_LOAD_ERROR_INVALID, 1, "t.yaml:14:22: error: networkSecurityGroups[nsg-web].securityRules[r1].description: description is 141 characters long; Azure allows at most 140"},
			{"vm-without-nic",
			 Y("name: lab\n"
			   "virtualMachines:\n"
			   "  - name: vm1\n"
			   "    networkInterfaces: []\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:4:24: error: virtualMachines[vm1].networkInterfaces: a VM needs at least one network interface"},
			{"bad-subscription",
			 Y("name: lab\n"
			   "subscriptionId: 1234\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:2:17: error: subscriptionId: '1234' is not a subscription ID; expected a GUID such as 00000000-0000-0000-0000-000000000000"},
			{"empty-file", Y(""), VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:1:1: error: empty file; expected a mapping with at least 'name'"},
			{"nul-byte",
			 Y("name: l\0"
			   "ab\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:1:8: error: NUL byte at offset 7; a model file is UTF-8 text"},
			{"invalid-utf8",
			 Y("name: lab\n"
			   "location: \xff"
			   "\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:2:11: error: invalid UTF-8 (byte 0xFF at offset 20); a model file is UTF-8 text"},
			{"top-level-list", Y("- name: lab\n"), VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:1:1: error: expected a mapping (the top level), got a list"},
			{"second-document",
			 Y("name: lab\n"
			   "---\n"
			   "name: lab2\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:2:1: error: a second YAML document starts here; a model file holds exactly one"},
			{"undefined-alias",
			 Y("name: lab\n"
			   "applicationSecurityGroups: [*nope]\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:2:29: error: alias '*nope' names no anchor defined before it"},
			{"missing-include",
			 Y("name: lab\n"
			   "include: [no-such-file.yaml]\n"),
			 VS_LOAD_ERROR_INVALID, 1,
			 "t.yaml:2:11: error: include[0]: cannot read 'no-such-file.yaml': No such file or directory"},
			{"alias-bomb",
			 Y("name: lab\n"
			   "latency:\n"
			   "  regionPairs:\n"
			   "    a/b: 1\n"
			   "x0: &x0 [\"lol\"]\n"
			   "x1: &x1 [*x0,*x0,*x0,*x0,*x0,*x0,*x0,*x0,*x0,*x0]\n"
			   "x2: &x2 [*x1,*x1,*x1,*x1,*x1,*x1,*x1,*x1,*x1,*x1]\n"
			   "x3: &x3 [*x2,*x2,*x2,*x2,*x2,*x2,*x2,*x2,*x2,*x2]\n"
			   "x4: &x4 [*x3,*x3,*x3,*x3,*x3,*x3,*x3,*x3,*x3,*x3]\n"
			   "x5: &x5 [*x4,*x4,*x4,*x4,*x4,*x4,*x4,*x4,*x4,*x4]\n"
			   "x6: &x6 [*x5,*x5,*x5,*x5,*x5,*x5,*x5,*x5,*x5,*x5]\n"
			   "x7: &x7 [*x6,*x6,*x6,*x6,*x6,*x6,*x6,*x6,*x6,*x6]\n"),
			 VS_LOAD_ERROR_LIMIT, 8,
			 "t.yaml:5:5: error: aliases expand to more than 1000000 events; the file is an alias bomb or needs writing out"},
};

START_TEST(test_error_cases)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = NULL;
	g_autofree char *got = NULL;

	model = load_text(error_cases[_i].text, error_cases[_i].length, diags, &error);
	got = all_diags(diags);
	ck_assert_msg(model == NULL, "%s: loaded", error_cases[_i].name);
	ck_assert_msg(g_error_matches(error, VS_LOAD_ERROR, (gint)error_cases[_i].code),
		      "%s: error %s", error_cases[_i].name, error ? error->message : "(none)");
	ck_assert_msg(diags->errors == error_cases[_i].errors, "%s: %u errors, expected %u:%s",
		      error_cases[_i].name, diags->errors, error_cases[_i].errors, got);
	ck_assert_msg(has_diag(diags, error_cases[_i].expected), "%s: expected\n  %s\ngot:%s",
		      error_cases[_i].name, error_cases[_i].expected, got);
}
END_TEST

START_TEST(test_long_scalar_is_a_limit)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autofree char *long_name = g_strnfill(70000, 'x');
	g_autofree char *text = g_strdup_printf("name: lab\nvnets:\n  - name: %s\n", long_name);
	g_autoptr(VsModel) model = load_text(text, strlen(text), diags, &error);

	ck_assert_ptr_null(model);
	ck_assert(g_error_matches(error, VS_LOAD_ERROR, VS_LOAD_ERROR_LIMIT));
	ck_assert(
		has_diag(diags, "t.yaml:3:11: error: a scalar of 70000 bytes; the limit is 65536"));
}
END_TEST

START_TEST(test_deep_nesting_stops_early)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autofree char *open = g_strnfill(1000000, '[');
	g_autofree char *text = g_strdup_printf("name: lab\nvnets: %s\n", open);
	gint64 start = g_get_monotonic_time();
	g_autoptr(VsModel) model = load_text(text, strlen(text), diags, &error);

	ck_assert_ptr_null(model);
	ck_assert(g_error_matches(error, VS_LOAD_ERROR, VS_LOAD_ERROR_LIMIT));
	ck_assert(has_diag(diags, "t.yaml:2:71: error: nesting deeper than 64 levels; a model "
				  "file needs far fewer"));
	/* libyaml alone would take minutes on a million levels */
	ck_assert_int_lt(g_get_monotonic_time() - start, 2 * G_USEC_PER_SEC);
}
END_TEST

START_TEST(test_object_cap)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) text = g_string_new("name: lab\napplicationSecurityGroups:\n");
	g_autoptr(VsModel) model = NULL;

	for (guint i = 0; i <= 200000; i++)
		g_string_append_printf(text, "- a%u\n", i);
	model = load_text(text->str, text->len, diags, &error);
	ck_assert_ptr_null(model);
	ck_assert(g_error_matches(error, VS_LOAD_ERROR, VS_LOAD_ERROR_LIMIT));
	ck_assert_uint_eq(diags->errors, 1);
	ck_assert(has_diag(diags, "t.yaml:200003:3: error: more than 200000 "
				  "applicationSecurityGroups in the model; that is the limit"));
}
END_TEST

START_TEST(test_errors_beyond_the_cap_are_counted)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) text = g_string_new("name: lab\n");
	g_autoptr(VsModel) model = NULL;

	for (guint i = 0; i < 70; i++)
		g_string_append_printf(text, "bad%u: 1\n", i);
	model = load_text(text->str, text->len, diags, &error);
	ck_assert_ptr_null(model);
	ck_assert_uint_eq(diags->errors, 70);
	ck_assert_uint_eq(diags->items->len, VS_DIAG_DEFAULT_LIMIT);
	ck_assert_uint_eq(diags->dropped, 20);
}
END_TEST

/* A route to a service tag stands once per prefix of the tag, after the tag is read. */
START_TEST(test_route_to_service_tag)
{
	static const char text[] =
		"name: lab\n"
		"routeTables:\n"
		"  - name: rt\n"
		"    routes:\n"
		"      - {name: first, addressPrefix: 10.9.0.0/16, nextHopType: None}\n"
		"      - {name: sql, addressPrefix: Sql, nextHopType: Internet}\n"
		"      - {name: last, addressPrefix: 10.8.0.0/16, nextHopType: None}\n"
		"serviceTags:\n"
		"  Sql: [20.1.0.0/16, 20.2.0.0/24, 20.3.0.4/32]\n";
	static const char *const expected[] = {"first 10.9.0.0/16", "sql 20.1.0.0/16",
					       "sql 20.2.0.0/24", "sql 20.3.0.4/32",
					       "last 10.8.0.0/16"};
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = load_text(Y(text), diags, &error);
	const VsRouteTable *table;
	const VsRoute *sql = NULL;

	ck_assert_msg(model != NULL, "%s", error ? error->message : "");
	table = vs_model_find_route_table(model, "rt");
	ck_assert_uint_eq(table->routes->len, G_N_ELEMENTS(expected));
	for (guint i = 0; i < table->routes->len; i++) {
		const VsRoute *route = g_ptr_array_index(table->routes, i);
		g_autofree char *prefix = vs_prefix_to_string(route->prefix);
		g_autofree char *got = g_strdup_printf("%s %s", route->name, prefix);

		ck_assert_str_eq(got, expected[i]);
		if (strcmp(route->name, "sql") != 0) {
			ck_assert_ptr_null(route->service_tag);
			ck_assert_ptr_null(route->expanded_from);
			continue;
		}
		ck_assert_str_eq(route->service_tag->name, "Sql");
		ck_assert_int_eq(route->next_hop_type, VS_NEXT_HOP_INTERNET);
		ck_assert_uint_eq(route->pos.line, 6);
		if (sql == NULL)
			sql = route; /* the route as written comes first */
		ck_assert_ptr_eq(route->expanded_from, route == sql ? NULL : sql);
	}
}
END_TEST

/* Azure allows 25 routes of a table to name a service tag. */
START_TEST(test_route_tags_per_table_limit)
{
	g_autoptr(GString) text = g_string_new("name: lab\nserviceTags:\n");
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = NULL;

	for (guint i = 0; i < 26; i++)
		g_string_append_printf(text, "  T%u: [20.%u.0.0/16]\n", i, i);
	g_string_append(text, "routeTables:\n  - name: rt\n    routes:\n");
	for (guint i = 0; i < 26; i++)
		g_string_append_printf(
			text, "      - {name: r%u, addressPrefix: T%u, nextHopType: None}\n", i, i);
	model = load_text(text->str, text->len, diags, &error);
	ck_assert_ptr_null(model);
	ck_assert_uint_eq(diags->errors, 1);
	ck_assert(has_diag(diags, "t.yaml:57:36: error: routeTables[rt].routes[r25]: more than 25 "
				  "routes of the table name a service tag; that is Azure's limit"));
}
END_TEST

/* The cap is on errors: warnings are all kept, before and after it is reached. */
START_TEST(test_warnings_are_not_capped)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	guint kept_errors = 0, kept_warnings = 0;

	for (guint i = 0; i < 70; i++) {
		VsPos pos = {"m.yaml", i + 1, 1};

		vs_diag_add(diags, VS_SEVERITY_WARNING, pos, "", "w", "warning %u", i);
		vs_diag_add(diags, VS_SEVERITY_ERROR, pos, "", "e", "error %u", i);
		ck_assert(vs_diag_list_full(diags) == (i + 1 >= VS_DIAG_DEFAULT_LIMIT));
	}
	vs_diag_add(diags, VS_SEVERITY_WARNING, (VsPos){"m.yaml", 71, 1}, "", "w", "last");
	for (guint i = 0; i < diags->items->len; i++) {
		const VsDiag *diag = g_ptr_array_index(diags->items, i);

		if (diag->severity == VS_SEVERITY_ERROR)
			kept_errors++;
		else
			kept_warnings++;
	}
	ck_assert_uint_eq(diags->errors, 70);
	ck_assert_uint_eq(kept_errors, VS_DIAG_DEFAULT_LIMIT);
	ck_assert_uint_eq(diags->dropped, 70 - VS_DIAG_DEFAULT_LIMIT);
	ck_assert_uint_eq(diags->warnings, 71);
	ck_assert_uint_eq(kept_warnings, 71);
}
END_TEST

static char *
data_path(const char *relative)
{
	return g_build_filename(VS_TOP_SRCDIR, "tests", "data", relative, NULL);
}

START_TEST(test_three_mistakes)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autofree char *path = data_path("bad/three-mistakes.yaml");
	g_autoptr(VsModel) model = vs_load_file(path, diags, &error);
	static const struct {
		guint line, column;
		const char *path;
		const char *start;
	} expected[] = {
		{9, 31, "vnets[hub].subnets[web].networkSecurityGroup", "unknown NSG 'nsg-webb'"},
		{18, 30,
		 "networkSecurityGroups[nsg-web].securityRules[allow-https].sourceAddressPrefix",
		 "'10.1.0.5/16' has host bits set"},
		{22, 9, "networkSecurityGroups[nsg-web].securityRules[allow-https]",
		 "unknown key 'descripton' in securityRule 'allow-https'"},
	};

	ck_assert_ptr_null(model);
	ck_assert(g_error_matches(error, VS_LOAD_ERROR, VS_LOAD_ERROR_INVALID));
	vs_diag_list_sort(diags);
	ck_assert_uint_eq(diags->errors, 3);
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		const VsDiag *diag = g_ptr_array_index(diags->items, i);

		ck_assert_str_eq(diag->file, path);
		ck_assert_uint_eq(diag->line, expected[i].line);
		ck_assert_uint_eq(diag->column, expected[i].column);
		ck_assert_str_eq(diag->path, expected[i].path);
		ck_assert_msg(g_str_has_prefix(diag->message, expected[i].start), "%s",
			      diag->message);
	}
}
END_TEST

START_TEST(test_io_errors)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) missing = NULL, directory = NULL;
	g_autofree char *dir = data_path("load");
	g_autofree char *expected =
		g_strdup_printf("cannot read '%s': it is a directory; expected a model file", dir);

	ck_assert_ptr_null(vs_load_file("/nonexistent/model.yaml", diags, &missing));
	ck_assert(g_error_matches(missing, VS_LOAD_ERROR, VS_LOAD_ERROR_IO));
	ck_assert_str_eq(missing->message,
			 "cannot read '/nonexistent/model.yaml': No such file or directory");
	ck_assert_ptr_null(vs_load_file(dir, diags, &directory));
	ck_assert(g_error_matches(directory, VS_LOAD_ERROR, VS_LOAD_ERROR_IO));
	ck_assert_str_eq(directory->message, expected);
	ck_assert_uint_eq(diags->errors, 0);
}
END_TEST

static const char good_model[] = "name: lab\n"
				 "location: westeurope\n"
				 "vnets:\n"
				 "  - name: hub\n"
				 "    addressSpace: [10.0.0.0/16]\n"
				 "    subnets:\n"
				 "      - name: snet-nva\n"
				 "        addressPrefix: 10.0.1.0/24\n"
				 "        networkSecurityGroup: nsg-nva\n"
				 "        routeTable: rt-nva\n"
				 "    peerings:\n"
				 "      - remoteVirtualNetwork: spoke1\n"
				 "  - name: spoke1\n"
				 "    location: northeurope\n"
				 "    addressSpace: [10.1.0.0/16]\n"
				 "    subnets:\n"
				 "      - name: web\n"
				 "        addressPrefix: 10.1.1.0/24\n"
				 "        defaultOutboundAccess: false\n"
				 "    peerings:\n"
				 "      - remoteVirtualNetwork: hub\n"
				 "        allowForwardedTraffic: true\n"
				 "networkSecurityGroups:\n"
				 "  - name: nsg-nva\n"
				 "    securityRules:\n"
				 "      - name: allow-https-in\n"
				 "        priority: 100\n"
				 "        direction: Inbound\n"
				 "        access: Allow\n"
				 "        protocol: Tcp\n"
				 "        sourceAddressPrefix: Internet\n"
				 "        sourcePortRange: \"*\"\n"
				 "        destinationAddressPrefixes: [10.0.1.0/24, 10.1.1.4]\n"
				 "        destinationPortRanges: [\"80\", \"8000-8080\"]\n"
				 "        description: web\n"
				 "      - name: asg-rule\n"
				 "        priority: 110\n"
				 "        direction: Outbound\n"
				 "        access: Deny\n"
				 "        protocol: \"*\"\n"
				 "        sourceApplicationSecurityGroups: [asg-web]\n"
				 "        sourcePortRange: \"*\"\n"
				 "        destinationAddressPrefix: Storage\n"
				 "        destinationPortRange: 443\n"
				 "applicationSecurityGroups: [asg-web]\n"
				 "serviceTags:\n"
				 "  Storage: [20.60.0.0/16, 20.150.0.0/17]\n"
				 "routeTables:\n"
				 "  - name: rt-nva\n"
				 "    disableBgpRoutePropagation: true\n"
				 "    routes:\n"
				 "      - name: default-via-fw\n"
				 "        addressPrefix: 0.0.0.0/0\n"
				 "        nextHopType: VirtualAppliance\n"
				 "        nextHopIpAddress: 10.0.1.4\n"
				 "virtualMachines:\n"
				 "  - name: fw1\n"
				 "    networkInterfaces:\n"
				 "      - subnet: hub/snet-nva\n"
				 "        privateIpAddress: 10.0.1.4\n"
				 "        enableIpForwarding: true\n"
				 "    guestFirewall:\n"
				 "      defaultInbound: Deny\n"
				 "      rules:\n"
				 "        - name: block-ssh\n"
				 "          direction: Inbound\n"
				 "          action: Deny\n"
				 "          protocol: Tcp\n"
				 "          localPorts: \"22\"\n"
				 "          remoteAddresses: [\"*\"]\n"
				 "  - name: web1\n"
				 "    networkInterfaces:\n"
				 "      - name: web1-nic\n"
				 "        subnet: spoke1/web\n"
				 "        privateIpAddress: 10.1.1.4\n"
				 "        publicIpAddress: 20.10.0.4\n"
				 "        applicationSecurityGroups: [asg-web]\n"
				 "    listeningPorts: [22, 443]\n"
				 "    cpuPercent: 95\n"
				 "dns:\n"
				 "  records:\n"
				 "    - name: db.contoso.internal\n"
				 "      address: 10.2.1.4\n"
				 "internet:\n"
				 "  reachable: true\n"
				 "  endpoints:\n"
				 "    - name: www.example.com\n"
				 "      address: 93.184.216.34\n"
				 "      listeningPorts: [80, 443]\n"
				 "      rttMs: 12\n"
				 "latency:\n"
				 "  vnetMs: 0.5\n"
				 "  regionPairs: {\"westeurope/northeurope\": 18}\n";

START_TEST(test_good_model_contents)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = load_text(good_model, strlen(good_model), diags, &error);
	g_autofree char *got = all_diags(diags);
	VsVnet *hub, *spoke;
	VsSubnet *web;
	VsNsg *nsg;
	VsRule *https, *asg_rule;
	VsRoute *route;
	VsVm *fw, *web1;
	VsNic *fw_nic, *web_nic;
	VsFwRule *fw_rule;
	const VsInternetEndpoint *endpoint;
	const VsRegionPair *pair;

	ck_assert_msg(model != NULL, "%s%s", error ? error->message : "", got);
	ck_assert_uint_eq(diags->errors + diags->warnings, 0);
	ck_assert_str_eq(model->name, "lab");
	ck_assert_str_eq(model->subscription_id, "00000000-0000-0000-0000-000000000000");

	hub = vs_model_find_vnet(model, "hub");
	spoke = vs_model_find_vnet(model, "spoke1");
	ck_assert_str_eq(hub->location, "westeurope"); /* the model's, by default */
	ck_assert_str_eq(spoke->location, "northeurope");
	ck_assert_uint_eq(g_array_index(hub->address_space, VsPrefix, 0).addr, 0x0a000000);
	ck_assert_uint_eq(g_array_index(hub->address_space, VsPrefix, 0).len, 16);
	ck_assert_ptr_eq(vs_model_connected_peering(model, spoke, hub)->remote, hub);
	ck_assert(((VsPeering *)g_ptr_array_index(spoke->peerings, 0))->allow_forwarded_traffic);
	ck_assert(((VsPeering *)g_ptr_array_index(hub->peerings, 0))->allow_virtual_network_access);

	nsg = vs_model_find_nsg(model, "nsg-nva");
	ck_assert_ptr_eq(vs_model_find_subnet(model, "hub/snet-nva")->nsg, nsg);
	ck_assert_ptr_eq(vs_model_find_subnet(model, "hub/snet-nva")->route_table,
			 vs_model_find_route_table(model, "rt-nva"));
	ck_assert(vs_model_find_subnet(model, "hub/snet-nva")->default_outbound_access);
	web = vs_model_find_subnet(model, "spoke1/web");
	ck_assert(!web->default_outbound_access);
	ck_assert_uint_eq(web->prefix.addr, 0x0a010100);

	https = g_ptr_array_index(nsg->rules, 0);
	ck_assert_str_eq(https->name, "allow-https-in");
	ck_assert_uint_eq(https->priority, 100);
	ck_assert_int_eq(https->protocol, VS_PROTO_TCP);
	ck_assert_int_eq(https->source.kind, VS_MATCH_TAG);
	ck_assert_int_eq(https->source.tag, VS_TAG_INTERNET);
	ck_assert_int_eq(https->destination.kind, VS_MATCH_PREFIXES);
	ck_assert_uint_eq(https->destination.prefixes->len, 2);
	ck_assert_uint_eq(g_array_index(https->destination.prefixes, VsPrefix, 1).addr, 0x0a010104);
	ck_assert_uint_eq(g_array_index(https->destination.prefixes, VsPrefix, 1).len, 32);
	ck_assert_str_eq(https->destination.text, "10.0.1.0/24, 10.1.1.4");
	ck_assert_uint_eq(https->destination_ports->len, 2);
	ck_assert_uint_eq(g_array_index(https->destination_ports, VsPortRange, 1).lo, 8000);
	ck_assert_uint_eq(g_array_index(https->destination_ports, VsPortRange, 1).hi, 8080);
	ck_assert(vs_port_range_is_any(g_array_index(https->source_ports, VsPortRange, 0)));
	ck_assert_str_eq(https->description, "web");
	asg_rule = g_ptr_array_index(nsg->rules, 1);
	ck_assert_int_eq(asg_rule->direction, VS_DIRECTION_OUTBOUND);
	ck_assert_int_eq(asg_rule->access, VS_ACCESS_DENY);
	ck_assert_int_eq(asg_rule->source.kind, VS_MATCH_ASGS);
	ck_assert_ptr_eq(g_ptr_array_index(asg_rule->source.asgs, 0),
			 vs_model_find_asg(model, "asg-web"));
	ck_assert_int_eq(asg_rule->destination.tag, VS_TAG_USER);
	ck_assert_ptr_eq(asg_rule->destination.user_tag,
			 vs_model_find_service_tag(model, "Storage"));
	ck_assert_uint_eq(asg_rule->destination.user_tag->prefixes->len, 2);
	ck_assert_uint_eq(nsg->default_rules->len, 6);

	route = g_ptr_array_index(vs_model_find_route_table(model, "rt-nva")->routes, 0);
	ck_assert(vs_model_find_route_table(model, "rt-nva")->disable_bgp_route_propagation);
	ck_assert_int_eq(route->next_hop_type, VS_NEXT_HOP_VIRTUAL_APPLIANCE);
	ck_assert(route->has_next_hop_ip);
	ck_assert_uint_eq(route->next_hop_ip, 0x0a000104);
	ck_assert_uint_eq(route->prefix.len, 0);

	fw = vs_model_find_vm(model, "fw1");
	fw_nic = g_ptr_array_index(fw->nics, 0);
	ck_assert_str_eq(fw_nic->name, "fw1-nic0"); /* {vm}-nic{index} by default */
	ck_assert(fw_nic->ip_forwarding);
	ck_assert(!fw_nic->has_public_ip);
	ck_assert(fw->network_watcher_agent);
	ck_assert_uint_eq(fw->cpu_percent, 10);
	ck_assert_uint_eq(fw->memory_percent, 20);
	ck_assert_ptr_null(fw->listening_ports);
	ck_assert_int_eq(fw->guest_firewall->default_inbound, VS_ACCESS_DENY);
	ck_assert_int_eq(fw->guest_firewall->default_forward, VS_ACCESS_ALLOW);
	fw_rule = g_ptr_array_index(fw->guest_firewall->rules, 0);
	ck_assert_int_eq(fw_rule->direction, VS_FW_INBOUND);
	ck_assert_int_eq(fw_rule->action, VS_ACCESS_DENY);
	ck_assert_uint_eq(g_array_index(fw_rule->local_ports, VsPortRange, 0).lo, 22);
	ck_assert_uint_eq(g_array_index(fw_rule->remote_addresses, VsPrefix, 0).len, 0);

	web1 = vs_model_find_vm(model, "web1");
	web_nic = vs_model_find_nic(model, "web1-nic");
	ck_assert_ptr_eq(web_nic->vm, web1);
	ck_assert_ptr_eq(web_nic->subnet, web);
	ck_assert_uint_eq(web_nic->public_ip, 0x140a0004);
	ck_assert_ptr_eq(vs_model_find_nic_by_ip(model, 0x0a010104), web_nic);
	ck_assert_ptr_eq(g_ptr_array_index(vs_model_find_asg(model, "asg-web")->nics, 0), web_nic);
	ck_assert_uint_eq(web1->cpu_percent, 95);
	ck_assert_uint_eq(web1->listening_ports->len, 2);
	ck_assert_uint_eq(g_array_index(web1->listening_ports, VsPortRange, 1).hi, 443);

	ck_assert_uint_eq(model->dns_records->len, 1);
	ck_assert_uint_eq(((VsDnsRecord *)g_ptr_array_index(model->dns_records, 0))->address,
			  0x0a020104);
	ck_assert(model->internet_reachable);
	endpoint = g_ptr_array_index(model->internet_endpoints, 0);
	ck_assert(endpoint->has_rtt);
	ck_assert(endpoint->rtt_ms == 12.0);
	ck_assert_uint_eq(endpoint->listening_ports->len, 2);
	ck_assert(model->latency.vnet_ms == 0.5);
	ck_assert(model->latency.inter_region_ms == 30.0); /* default kept */
	pair = g_ptr_array_index(model->latency.region_pairs, 0);
	ck_assert_str_eq(pair->a, "westeurope");
	ck_assert_str_eq(pair->b, "northeurope");
	ck_assert(pair->rtt_ms == 18.0);
	/* positions: the rule's first key, 1-based */
	ck_assert_uint_eq(https->pos.line, 26);
	ck_assert_uint_eq(https->pos.column, 9);
}
END_TEST

START_TEST(test_aliases_expand)
{
	static const char text[] = "name: lab\n"
				   "networkSecurityGroups:\n"
				   "  - name: a\n"
				   "    securityRules: &rules\n"
				   "      - name: ssh\n"
				   "        priority: 100\n"
				   "        direction: Inbound\n"
				   "        access: Allow\n"
				   "        protocol: Tcp\n"
				   "        sourceAddressPrefix: &any \"*\"\n"
				   "        sourcePortRange: *any\n"
				   "        destinationAddressPrefix: *any\n"
				   "        destinationPortRange: \"22\"\n"
				   "  - name: b\n"
				   "    securityRules: *rules\n";
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = load_text(text, strlen(text), diags, &error);
	VsNsg *b;

	ck_assert_msg(model != NULL, "%s", error ? error->message : "");
	b = vs_model_find_nsg(model, "b");
	ck_assert_uint_eq(b->rules->len, 1);
	ck_assert_str_eq(((VsRule *)g_ptr_array_index(b->rules, 0))->name, "ssh");
	ck_assert_int_eq(((VsRule *)g_ptr_array_index(b->rules, 0))->destination.kind,
			 VS_MATCH_ANY);
}
END_TEST

START_TEST(test_includes_merge)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autofree char *path = data_path("load/main.yaml");
	g_autofree char *network = data_path("load/parts/network.yaml");
	g_autoptr(VsModel) model = vs_load_file(path, diags, &error);
	g_autofree char *got = all_diags(diags);
	VsRule *rule;
	VsNic *nic;

	ck_assert_msg(model != NULL, "%s%s", error ? error->message : "", got);
	ck_assert_uint_eq(model->files->len, 4); /* shared.yaml is included twice, read once */
	ck_assert_str_eq(g_ptr_array_index(model->files, 1), network);
	ck_assert_uint_eq(model->vnets->len, 1);
	ck_assert_uint_eq(model->service_tags->len, 1);
	rule = g_ptr_array_index(vs_model_find_nsg(model, "nsg-web")->rules, 0);
	ck_assert_str_eq(rule->pos.file, network);
	ck_assert_ptr_eq(rule->source.user_tag, vs_model_find_service_tag(model, "Storage"));
	ck_assert_ptr_eq(g_ptr_array_index(rule->destination.asgs, 0),
			 vs_model_find_asg(model, "asg-web"));
	nic = vs_model_find_nic(model, "web1-nic0");
	ck_assert_ptr_eq(nic->subnet, vs_model_find_subnet(model, "hub/web"));
	ck_assert_ptr_eq(nic->subnet->nsg, vs_model_find_nsg(model, "nsg-web"));
}
END_TEST

START_TEST(test_include_cycle)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autofree char *a = data_path("load/cycle-a.yaml");
	g_autofree char *b = data_path("load/cycle-b.yaml");
	g_autofree char *dir = data_path("load");
	g_autofree char *expected = g_strdup_printf(
		"%s:1:11: error: include[0]: include cycle: %s -> %s -> %s/cycle-a.yaml", b, a, b,
		dir);
	g_autoptr(VsModel) model = vs_load_file(a, diags, &error);

	ck_assert_ptr_null(model);
	ck_assert(g_error_matches(error, VS_LOAD_ERROR, VS_LOAD_ERROR_INVALID));
	ck_assert_uint_eq(diags->errors, 1);
	ck_assert_msg(has_diag(diags, expected), "expected %s", expected);
}
END_TEST

START_TEST(test_include_header_must_match)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
	g_autoptr(GError) error = NULL;
	g_autofree char *path = data_path("load/mismatch.yaml");
	g_autofree char *part = data_path("load/parts/other-name.yaml");
	g_autofree char *expected = g_strdup_printf(
		"%s:1:7: error: name: an included file may give 'name' only with the root file's "
		"value 'mismatch', not 'other'",
		part);
	g_autoptr(VsModel) model = vs_load_file(path, diags, &error);

	ck_assert_ptr_null(model);
	ck_assert_uint_eq(diags->errors, 1);
	ck_assert_msg(has_diag(diags, expected), "expected %s", expected);
}
END_TEST

/* Every shipped example model loads without errors (the integrator checks the count). */
/*
 * A regular file is read in 64 KiB chunks (load.c) while text in memory is
 * read whole: both must give the same diagnostics, also for a UTF-8 sequence,
 * a bad byte or a NUL cut by a chunk boundary, and for libyaml's own reader
 * errors past the first chunk (placed by reading the file again).
 */
static const struct {
	const char *tail; /* written at the offset */
	gsize tail_length;
	gsize offset;
	const char *expected; /* in the first message, or NULL for a valid file */
} chunk_cases[] = {
	{Y("\xc3\xa9"), 65535, NULL},
	{Y("\xc3\xa9"), 65536, NULL},
	{Y("\xe2\x82\xac"), 65534, NULL},
	{Y("\xe2\x82\xac"), 65535, NULL},
	{Y("\xc3\x28"), 65535, "offset 65535"},
	{Y("\xe2\x82\x28"), 65535, "offset 65535"},
	{Y("\0"), 65536, "NUL byte at offset 65536"},
	{Y("\x01"), 131071, "(#x1 at byte 131071)"},
};

START_TEST(test_chunked_file_reads_like_memory)
{
	g_autoptr(GString) text = g_string_new("name: t\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(VsDiagList) from_file = vs_diag_list_new(0);
	g_autoptr(VsDiagList) from_memory = vs_diag_list_new(0);
	g_autoptr(VsModel) file_model = NULL, memory_model = NULL;
	g_autofree char *path = NULL, *file_diags = NULL, *memory_diags = NULL;
	int fd;

	while (text->len < chunk_cases[_i].offset) {
		gsize room = chunk_cases[_i].offset - text->len;

		g_string_append_c(text, '#');
		for (gsize n = 1; n < MIN(room, 70); n++)
			g_string_append_c(text, n + 1 == MIN(room, 70) && room > 70 ? '\n' : 'x');
	}
	g_string_append_len(text, chunk_cases[_i].tail, (gssize)chunk_cases[_i].tail_length);
	g_string_append(text, "\nlocation: westeurope\n");
	fd = g_file_open_tmp("vnetsim-chunks-XXXXXX.yaml", &path, &error);
	ck_assert_msg(fd >= 0, "%s", error ? error->message : "");
	close(fd);
	ck_assert(g_file_set_contents(path, text->str, (gssize)text->len, NULL));

	file_model = vs_load_file(path, from_file, NULL);
	memory_model = vs_load_data(text->str, text->len, path, from_memory, NULL);
	g_unlink(path);
	vs_diag_list_sort(from_file);
	vs_diag_list_sort(from_memory);
	file_diags = all_diags(from_file);
	memory_diags = all_diags(from_memory);
	ck_assert_str_eq(file_diags, memory_diags);
	ck_assert_int_eq(file_model != NULL, memory_model != NULL);
	if (chunk_cases[_i].expected == NULL)
		ck_assert_msg(file_model != NULL, "case %d:%s", _i, file_diags);
	else
		ck_assert_msg(strstr(file_diags, chunk_cases[_i].expected) != NULL,
			      "case %d: expected '%s' in:%s", _i, chunk_cases[_i].expected,
			      file_diags);
}
END_TEST

START_TEST(test_example_models_load)
{
	g_autofree char *dir_path = g_build_filename(VS_TOP_SRCDIR, "models", NULL);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	const char *entry;

	if (dir == NULL)
		return; /* no models/ yet */
	while ((entry = g_dir_read_name(dir)) != NULL) {
		g_autoptr(VsDiagList) diags = vs_diag_list_new(0);
		g_autoptr(GError) error = NULL;
		g_autofree char *path = NULL;
		g_autoptr(VsModel) model = NULL;
		g_autofree char *got = NULL;

		if (!g_str_has_suffix(entry, ".yaml"))
			continue;
		path = g_build_filename(dir_path, entry, NULL);
		model = vs_load_file(path, diags, &error);
		got = all_diags(diags);
		ck_assert_msg(model != NULL, "%s: %s%s", entry, error ? error->message : "", got);
		ck_assert_msg(diags->errors == 0, "%s:%s", entry, got);
	}
}
END_TEST

Suite *
load_suite(void)
{
	Suite *suite = suite_create("load");
	TCase *errors = tcase_create("errors");
	TCase *limits = tcase_create("limits");
	TCase *files = tcase_create("files");
	TCase *models = tcase_create("models");

	tcase_add_loop_test(errors, test_error_cases, 0, G_N_ELEMENTS(error_cases));
	tcase_add_test(errors, test_three_mistakes);
	tcase_add_test(errors, test_io_errors);
	tcase_add_test(limits, test_long_scalar_is_a_limit);
	tcase_add_test(limits, test_deep_nesting_stops_early);
	tcase_add_test(limits, test_object_cap);
	tcase_add_test(limits, test_errors_beyond_the_cap_are_counted);
	tcase_add_test(limits, test_warnings_are_not_capped);
	tcase_add_test(limits, test_route_tags_per_table_limit);
	tcase_set_timeout(limits, 30);
	tcase_add_test(models, test_good_model_contents);
	tcase_add_test(models, test_aliases_expand);
	tcase_add_test(models, test_route_to_service_tag);
	tcase_add_test(files, test_includes_merge);
	tcase_add_test(files, test_include_cycle);
	tcase_add_test(files, test_include_header_must_match);
	tcase_add_test(files, test_example_models_load);
	tcase_add_loop_test(files, test_chunked_file_reads_like_memory, 0,
			    G_N_ELEMENTS(chunk_cases));
	suite_add_tcase(suite, errors);
	suite_add_tcase(suite, limits);
	suite_add_tcase(suite, models);
	suite_add_tcase(suite, files);
	return suite;
}
