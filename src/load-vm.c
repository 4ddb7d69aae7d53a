/*
 * load-vm.c - reads virtualMachines[]: each VM with its network interfaces
 * (names defaulting to {vm}-nic{index}), host figures, listening ports and
 * guest firewall.
 */
#include "config.h"

#include <string.h>

#include "load-sections.h"
#include "load-value.h"

/* ---------------------------------------------------------------- virtual machines */

typedef struct {
	MapState map;
	VsNic *nic;
	gboolean named;
	char *subnet; /* the subnet reference, VNET/SUBNET, when well-formed */
	VsPos subnet_pos;
	gboolean has_ip; /* privateIpAddress was valid */
	VsPos ip_pos;
} NicState;

static void
nic_state_free(NicState *state)
{
	if (state->nic != NULL)
		vs_nic_free(state->nic);
	g_free(state->subnet);
	g_free(state);
}

typedef struct {
	MapState map;
	VsVm *vm;
	GPtrArray *nics; /* NicState*, owned until the VM is added */
} VmState;

typedef struct {
	MapState map;
	VsGuestFirewall *firewall;
	GHashTable *rule_names;
} FirewallState;

typedef struct {
	MapState map;
	VsFwRule *rule;
} FwRuleState;

static void
key_nic_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;
	const char *name = vs_load_read_name(ld, event);

	if (name != NULL) {
		vs_load_replace_name(&s->nic->name, name);
		s->named = TRUE;
	}
}

static void
key_nic_subnet(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;
	const char *text = vs_load_scalar(ld, event, "a subnet as VNET/SUBNET");
	const char *slash;

	if (text == NULL)
		return;
	slash = strchr(text, '/');
	if (slash == NULL || slash == text || slash[1] == '\0' || strchr(slash + 1, '/') != NULL) {
		vs_load_error_event(
			ld, event, "reference",
			"'%s' is not a subnet reference; expected VNET/SUBNET such as hub/snet-nva",
			text);
		return;
	}
	vs_load_replace_name(&s->subnet, text);
	s->subnet_pos = vs_load_pos(ld, event);
}

static void
key_nic_ip(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;

	if (vs_load_read_ip(ld, event, &s->nic->private_ip)) {
		s->has_ip = TRUE;
		s->ip_pos = vs_load_pos(ld, event);
	}
}

static void
key_nic_public_ip(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;

	if (vs_load_is_null(event))
		return;
	if (vs_load_read_ip(ld, event, &s->nic->public_ip))
		s->nic->has_public_ip = TRUE;
}

static void
key_nic_nsg(Loader *ld, void *state, const VsYcurEvent *event)
{
	NicState *s = state;

	if (vs_load_is_null(event) || vs_load_scalar(ld, event, "an NSG name") == NULL)
		return;
	vs_load_add_ref(ld, REF_NIC_NSG, event, s->nic, NULL, NULL);
}

static void
key_nic_forwarding(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_bool(ld, event, &((NicState *)state)->nic->ip_forwarding);
}

static void
item_nic_asg(Loader *ld, void *parent, const VsYcurEvent *event)
{
	NicState *s = parent;

	if (vs_load_scalar(ld, event, "an application security group name") != NULL)
		vs_load_add_ref(ld, REF_NIC_ASG, event, s->nic, NULL, NULL);
}

static void
key_nic_asgs(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of application security group names", "asg",
			   KIND_OTHER, item_nic_asg, state);
}

static const KeyDef nic_keys[] = {
	{"name", key_nic_name, FALSE},
	{"subnet", key_nic_subnet, TRUE},
	{"privateIpAddress", key_nic_ip, TRUE},
	{"publicIpAddress", key_nic_public_ip, FALSE},
	{"networkSecurityGroup", key_nic_nsg, FALSE},
	{"enableIpForwarding", key_nic_forwarding, FALSE},
	{"applicationSecurityGroups", key_nic_asgs, FALSE},
};
static const MapDef nic_map = {"networkInterface", TRUE, nic_keys, G_N_ELEMENTS(nic_keys)};

/*
 * The NIC's subnet: when it is already in the model (VNets usually come before
 * VMs), it is set and the address checked now, and nothing is kept for later;
 * else a reference is recorded, with the places of both values, for
 * load-check.c.  Either way the errors and their paths are the same.
 */
static void
resolve_subnet(Loader *ld, NicState *s)
{
	VsSubnet *subnet = vs_model_find_subnet(ld->model, s->subnet);

	if (subnet != NULL) {
		const char *code = NULL;
		g_autofree char *problem = NULL;

		s->nic->subnet = subnet;
		if (s->has_ip && (problem = vs_load_nic_address_problem(s->nic, subnet, &code))) {
			vs_load_push_key(ld, "privateIpAddress");
			vs_load_error_pos(ld, s->ip_pos, code, "%s", problem);
			vs_load_pop(ld);
		}
		return;
	}
	vs_load_add_ref_at(ld, REF_NIC_SUBNET, s->subnet,
			   vs_load_where_key(ld, "subnet", s->subnet_pos), s->nic,
			   s->has_ip ? vs_load_where_key(ld, "privateIpAddress", s->ip_pos) : NULL);
}

static void
item_nic(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VmState *vs = parent;
	NicState *s = g_new0(NicState, 1);

	s->nic = vs_nic_new("");
	s->nic->pos = vs_load_pos(ld, event);
	g_ptr_array_add(vs->nics, s);
	vs_load_parse_map(ld, &nic_map, s, &s->map, event);
	if (s->subnet != NULL)
		resolve_subnet(ld, s);
}

static const char *const fw_direction_names[] = {"Inbound", "Outbound", "Forward", NULL};
static const int fw_direction_values[] = {VS_FW_INBOUND, VS_FW_OUTBOUND, VS_FW_FORWARD};

static void
key_fw_rule_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_name_into(ld, event, &((FwRuleState *)state)->rule->name);
}

static void
key_fw_rule_direction(Loader *ld, void *state, const VsYcurEvent *event)
{
	FwRuleState *s = state;
	int value;

	if (vs_load_read_enum(ld, event, fw_direction_names, fw_direction_values, &value))
		s->rule->direction = (VsFwDirection)value;
}

static void
key_fw_rule_action(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_access(ld, event, &((FwRuleState *)state)->rule->action);
}

static void
key_fw_rule_protocol(Loader *ld, void *state, const VsYcurEvent *event)
{
	static const char *const names[] = {"Tcp", "Udp", "Icmp", "*", "Any", NULL};
	static const int values[] = {VS_PROTO_TCP, VS_PROTO_UDP, VS_PROTO_ICMP, VS_PROTO_ANY,
				     VS_PROTO_ANY};
	FwRuleState *s = state;
	int value;

	if (vs_load_read_enum(ld, event, names, values, &value))
		s->rule->protocol = (VsProtocol)value;
}

static void
key_fw_rule_ports(Loader *ld, void *state, const VsYcurEvent *event)
{
	FwRuleState *s = state;

	g_clear_pointer(&s->rule->local_ports, g_array_unref);
	s->rule->local_ports = vs_load_read_ports(ld, event, TRUE);
}

static void
item_remote_address(Loader *ld, void *array, const VsYcurEvent *event)
{
	static const VsPrefix everything = {0, 0};

	if (event->kind == VS_YCUR_SCALAR && vs_load_is_any_word(event->value))
		g_array_append_val((GArray *)array, everything);
	else
		vs_load_item_prefix(ld, array, event);
}

static void
key_fw_rule_remote(Loader *ld, void *state, const VsYcurEvent *event)
{
	FwRuleState *s = state;
	GArray *addresses = g_array_new(FALSE, FALSE, sizeof(VsPrefix));

	if (event->kind == VS_YCUR_SCALAR && !vs_load_is_null(event))
		item_remote_address(ld, addresses, event);
	else
		vs_load_parse_list(ld, event, "a list of addresses or prefixes", "address",
				   KIND_OTHER, item_remote_address, addresses);
	g_clear_pointer(&s->rule->remote_addresses, g_array_unref);
	s->rule->remote_addresses = addresses;
}

static const KeyDef fw_rule_keys[] = {
	{"name", key_fw_rule_name, TRUE},         {"direction", key_fw_rule_direction, TRUE},
	{"action", key_fw_rule_action, TRUE},     {"protocol", key_fw_rule_protocol, FALSE},
	{"localPorts", key_fw_rule_ports, FALSE}, {"remoteAddresses", key_fw_rule_remote, FALSE},
};
static const MapDef fw_rule_map = {"guestFirewall rule", TRUE, fw_rule_keys,
				   G_N_ELEMENTS(fw_rule_keys)};

static void
item_fw_rule(Loader *ld, void *parent, const VsYcurEvent *event)
{
	FirewallState *fs = parent;
	FwRuleState s = {0};

	s.rule = vs_fw_rule_new("");
	s.rule->protocol = VS_PROTO_ANY;
	s.rule->pos = vs_load_pos(ld, event);
	g_ptr_array_add(fs->firewall->rules, s.rule);
	if (!vs_load_parse_map(ld, &fw_rule_map, &s, &s.map, event) || s.rule->name[0] == '\0')
		return;
	{
		VsPos name_pos;

		vs_load_map_has(&fw_rule_map, &s.map, "name", &name_pos);
		vs_load_unique_name(ld, fs->rule_names, s.rule->name, s.rule->pos.line, name_pos,
				    "guestFirewall rule", "");
	}
}

#define FW_DEFAULT(func, field)                                                                    \
	static void func(Loader *ld, void *state, const VsYcurEvent *event)                        \
	{                                                                                          \
		vs_load_read_access(ld, event, &((FirewallState *)state)->firewall->field);        \
	}
FW_DEFAULT(key_fw_default_inbound, default_inbound)
FW_DEFAULT(key_fw_default_outbound, default_outbound)
FW_DEFAULT(key_fw_default_forward, default_forward)

static void
key_fw_rules(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of guestFirewall rules", "guestFirewall rule",
			   KIND_FW_RULE, item_fw_rule, state);
}

static const KeyDef firewall_keys[] = {
	{"defaultInbound", key_fw_default_inbound, FALSE},
	{"defaultOutbound", key_fw_default_outbound, FALSE},
	{"defaultForward", key_fw_default_forward, FALSE},
	{"rules", key_fw_rules, FALSE},
};
static const MapDef firewall_map = {"guestFirewall", FALSE, firewall_keys,
				    G_N_ELEMENTS(firewall_keys)};

static void
key_vm_firewall(Loader *ld, void *state, const VsYcurEvent *event)
{
	VmState *vs = state;
	FirewallState s = {0};

	if (vs_load_is_null(event))
		return;
	s.firewall = vs_guest_firewall_new();
	s.firewall->pos = vs_load_pos(ld, event);
	s.rule_names = g_hash_table_new(g_str_hash, g_str_equal);
	vs->vm->guest_firewall = s.firewall;
	vs_load_parse_map(ld, &firewall_map, &s, &s.map, event);
	g_hash_table_unref(s.rule_names);
}

static void
key_vm_name(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_name_into(ld, event, &((VmState *)state)->vm->name);
}

static void
key_vm_nics(Loader *ld, void *state, const VsYcurEvent *event)
{
	VmState *s = state;

	vs_load_parse_list(ld, event, "a list of network interfaces", "networkInterface", KIND_NIC,
			   item_nic, state);
	if (s->nics->len == 0 && !ld->fatal &&
	    (event->kind == VS_YCUR_SEQUENCE_START || vs_load_is_null(event)))
		vs_load_error_event(ld, event, "empty",
				    "a VM needs at least one network interface");
}

static void
key_vm_agent(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_bool(ld, event, &((VmState *)state)->vm->network_watcher_agent);
}

static void
key_vm_cpu(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_uint(ld, event, 0, 100, &((VmState *)state)->vm->cpu_percent);
}

static void
key_vm_memory(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_read_uint(ld, event, 0, 100, &((VmState *)state)->vm->memory_percent);
}

static void
key_vm_ports(Loader *ld, void *state, const VsYcurEvent *event)
{
	VmState *s = state;

	if (vs_load_is_null(event))
		return;
	g_clear_pointer(&s->vm->listening_ports, g_array_unref);
	s->vm->listening_ports = vs_load_read_ports(ld, event, FALSE);
	if (s->vm->listening_ports != NULL) {
		g_autoptr(GArray) own = g_steal_pointer(&s->vm->listening_ports);

		s->vm->listening_ports = vs_load_share_ports(ld, own);
	}
}

static const KeyDef vm_keys[] = {
	{"name", key_vm_name, TRUE},
	{"networkInterfaces", key_vm_nics, TRUE},
	{"networkWatcherAgent", key_vm_agent, FALSE},
	{"cpuPercent", key_vm_cpu, FALSE},
	{"memoryPercent", key_vm_memory, FALSE},
	{"listeningPorts", key_vm_ports, FALSE},
	{"guestFirewall", key_vm_firewall, FALSE},
};
static const MapDef vm_map = {"virtualMachine", TRUE, vm_keys, G_N_ELEMENTS(vm_keys)};

static void
finish_vm(Loader *ld, VmState *s)
{
	VsVm *vm = s->vm, *first = vs_model_find_vm(ld->model, vm->name);
	gboolean add = vm->name[0] != '\0' && first == NULL;

	if (first != NULL)
		vs_load_error_duplicate(ld, vm->pos, "VM", vm->name, first->pos);
	if (add)
		vs_model_add_vm(ld->model, vm);
	else
		vs_load_discard(ld, vm, (GDestroyNotify)vs_vm_free);
	for (guint i = 0; i < s->nics->len; i++) {
		NicState *ns = g_ptr_array_index(s->nics, i);
		VsNic *nic = g_steal_pointer(&ns->nic), *other;

		if (!ns->named) {
			char index[16];

			g_free(nic->name);
			g_snprintf(index, sizeof(index), "%u", i);
			nic->name = g_strconcat(vm->name, "-nic", index, NULL);
		}
		other = vs_model_find_nic(ld->model, nic->name);
		if (add && other != NULL)
			vs_load_error_duplicate(ld, nic->pos, "network interface", nic->name,
						other->pos);
		if (add && other == NULL && nic->name[0] != '\0' &&
		    (ns->named || vm->name[0] != '\0')) {
			vs_model_add_nic(ld->model, vm, nic);
		} else {
			nic->vm = vm;
			vs_load_discard(ld, nic, (GDestroyNotify)vs_nic_free);
		}
	}
}

static void
item_vm(Loader *ld, void *parent, const VsYcurEvent *event)
{
	VmState s = {0};

	s.vm = vs_vm_new("");
	s.vm->pos = vs_load_pos(ld, event);
	s.nics = g_ptr_array_new_with_free_func((GDestroyNotify)nic_state_free);
	vs_load_parse_map(ld, &vm_map, &s, &s.map, event);
	finish_vm(ld, &s); /* adds the VM and its NICs, or keeps them aside */
	g_ptr_array_unref(s.nics);
}

void
vs_load_key_vms(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of virtual machines", "virtualMachine", KIND_VM,
			   item_vm, NULL);
}
