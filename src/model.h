/*
 * model.h - the in-memory graph of one network estate.
 *
 * The model owns every object; objects point at each other with borrowed
 * pointers, and each kind also has a dense integer id (its index in the
 * model's array of that kind) so engines can keep per-object tables in plain
 * arrays.  The model knows no YAML: the loader (load.c) fills it through the
 * vs_model_add_* functions and then calls vs_model_finish(), which derives
 * everything computed (default rules, per-direction rule order, peering
 * states, subnet and ASG membership, the address index).  Unit tests build
 * small models the same way.
 *
 * Addresses, prefixes and ports are binary (addr.h).  Positions (VsPos) are
 * kept for every object so that results and lint can cite FILE:LINE.
 */
#ifndef VS_MODEL_H
#define VS_MODEL_H

#include <glib.h>

#include "addr.h"
#include "diag.h"

typedef struct VsModel VsModel;
typedef struct VsVnet VsVnet;
typedef struct VsSubnet VsSubnet;
typedef struct VsPeering VsPeering;
typedef struct VsNsg VsNsg;
typedef struct VsRule VsRule;
typedef struct VsAsg VsAsg;
typedef struct VsServiceTag VsServiceTag;
typedef struct VsRouteTable VsRouteTable;
typedef struct VsRoute VsRoute;
typedef struct VsVm VsVm;
typedef struct VsNic VsNic;
typedef struct VsGuestFirewall VsGuestFirewall;
typedef struct VsFwRule VsFwRule;
typedef struct VsDnsRecord VsDnsRecord;
typedef struct VsInternetEndpoint VsInternetEndpoint;
typedef struct VsRegionPair VsRegionPair;

typedef enum {
	VS_DIRECTION_INBOUND,
	VS_DIRECTION_OUTBOUND,
} VsDirection;

typedef enum {
	VS_ACCESS_ALLOW,
	VS_ACCESS_DENY,
} VsAccess;

const char *vs_direction_name(VsDirection direction); /* "Inbound" / "Outbound" */
const char *vs_access_name(VsAccess access);          /* "Allow" / "Deny" */

/* ---------------------------------------------------------------- VNets */

struct VsVnet {
	guint id;
	char *name;
	char *location;
	GArray *address_space; /* VsPrefix, in file order */
	GPtrArray *subnets;    /* VsSubnet*, borrowed, file order */
	GPtrArray *peerings;   /* VsPeering*, owned, file order */
	VsPos pos;
};

struct VsSubnet {
	guint id;
	char *name;
	char *path; /* "vnet/subnet", as NICs reference it */
	VsVnet *vnet;
	VsPrefix prefix;
	VsNsg *nsg;                /* NULL = no subnet NSG */
	VsRouteTable *route_table; /* NULL = system routes only */
	gboolean default_outbound_access;
	GPtrArray *nics; /* VsNic*, borrowed; filled by vs_model_finish() */
	VsPos pos;
};

typedef enum {
	VS_PEERING_INITIATED, /* only this side declares it: carries nothing */
	VS_PEERING_CONNECTED, /* both sides declare it */
} VsPeeringState;

struct VsPeering {
	VsVnet *local;
	VsVnet *remote;
	gboolean allow_virtual_network_access; /* default TRUE */
	gboolean allow_forwarded_traffic;      /* default FALSE */
	gboolean allow_gateway_transit;        /* default FALSE */
	gboolean use_remote_gateways;          /* default FALSE */
	VsPeeringState state;                  /* computed by vs_model_finish() */
	VsPeering *reverse;                    /* the remote side's peering, NULL if Initiated */
	VsPos pos;
};

/* ---------------------------------------------------------------- NSGs */

typedef enum {
	VS_MATCH_ANY,      /* "*", "Any", "0.0.0.0/0" */
	VS_MATCH_PREFIXES, /* explicit addresses and prefixes */
	VS_MATCH_TAG,      /* a service tag */
	VS_MATCH_ASGS,     /* application security groups */
} VsMatchKind;

typedef enum {
	VS_TAG_VIRTUAL_NETWORK,
	VS_TAG_INTERNET,
	VS_TAG_AZURE_LOAD_BALANCER,
	VS_TAG_USER, /* one of the model's serviceTags */
} VsTagKind;

/* One side (source or destination) of a security rule. */
typedef struct {
	VsMatchKind kind;
	GArray *prefixes;       /* VsPrefix, for VS_MATCH_PREFIXES */
	VsTagKind tag;          /* for VS_MATCH_TAG */
	VsServiceTag *user_tag; /* for VS_TAG_USER */
	GPtrArray *asgs;        /* VsAsg*, borrowed, for VS_MATCH_ASGS */
	char *text;             /* as written: "Internet", "10.0.0.0/8, 10.1.0.0/16", "asg-web" */
} VsAddressMatch;

struct VsRule {
	char *name;
	VsNsg *nsg;
	gboolean is_default; /* one of Azure's six default rules */
	guint priority;      /* 100..4096 for user rules, 65000.. for defaults */
	VsDirection direction;
	VsAccess access;
	VsProtocol protocol;
	VsAddressMatch source;
	VsAddressMatch destination;
	GArray *source_ports;      /* VsPortRange, at least one */
	GArray *destination_ports; /* VsPortRange, at least one */
	char *description;         /* may be NULL */
	VsPos pos;                 /* the rule's first key; the NSG's position for defaults */
};

struct VsNsg {
	guint id;
	char *name;
	GPtrArray *rules;         /* VsRule*, owned, user rules in file order */
	GPtrArray *default_rules; /* VsRule*, owned, Azure's six */
	/* VsRule*, borrowed: user then default rules of one direction, by priority
	 * ascending (priorities are unique per direction, so the order is total) */
	GPtrArray *inbound;
	GPtrArray *outbound;
	VsPos pos;
};

struct VsAsg {
	guint id;
	char *name;
	GPtrArray *nics; /* VsNic*, borrowed: members; filled by vs_model_finish() */
	VsPos pos;
};

struct VsServiceTag {
	guint id;
	char *name;
	GArray *prefixes; /* VsPrefix */
	VsPos pos;
};

/* ---------------------------------------------------------------- routes */

typedef enum {
	VS_NEXT_HOP_VNET_LOCAL,
	VS_NEXT_HOP_INTERNET,
	VS_NEXT_HOP_VIRTUAL_APPLIANCE,
	VS_NEXT_HOP_VNET_GATEWAY,
	VS_NEXT_HOP_NONE,
	VS_NEXT_HOP_VNET_PEERING, /* system routes only: never in a route table */
} VsNextHopType;

/* "VnetLocal", "Internet", "VirtualAppliance", "VirtualNetworkGateway", "None", "VNetPeering" */
const char *vs_next_hop_type_name(VsNextHopType type);
/* Case-insensitive; only the five a user route may name. */
gboolean vs_next_hop_type_parse(const char *text, VsNextHopType *out);

struct VsRoute {
	char *name;
	VsRouteTable *table;
	VsPrefix prefix;
	VsNextHopType next_hop_type;
	gboolean has_next_hop_ip;
	VsIp4 next_hop_ip;
	VsPos pos;
	/*
	 * A route whose addressPrefix names a service tag (one of serviceTags) stands
	 * in the table once per prefix of the tag, in the tag's order, all with the
	 * same name and position: service_tag is the tag (NULL for a route to a
	 * prefix), and expanded_from is NULL for the first and the first for the
	 * others, so that what counts or lints routes as written skips those.
	 */
	const VsServiceTag *service_tag;
	const VsRoute *expanded_from;
};

struct VsRouteTable {
	guint id;
	char *name;
	gboolean disable_bgp_route_propagation;
	GPtrArray *routes; /* VsRoute*, owned, file order */
	VsPos pos;
};

/* ---------------------------------------------------------------- VMs */

typedef enum {
	VS_FW_INBOUND,
	VS_FW_OUTBOUND,
	VS_FW_FORWARD,
} VsFwDirection;

const char *vs_fw_direction_name(VsFwDirection direction);

struct VsFwRule {
	char *name;
	VsFwDirection direction;
	VsAccess action;
	VsProtocol protocol;
	GArray *local_ports;      /* VsPortRange; NULL = any port */
	GArray *remote_addresses; /* VsPrefix; NULL = any address */
	VsPos pos;
};

struct VsGuestFirewall {
	VsAccess default_inbound;  /* default Allow */
	VsAccess default_outbound; /* default Allow */
	VsAccess default_forward;  /* default Allow */
	GPtrArray *rules;          /* VsFwRule*, owned, list order = evaluation order */
	VsPos pos;
};

struct VsNic {
	guint id;
	char *name;
	VsVm *vm;
	guint index; /* position among the VM's NICs */
	VsSubnet *subnet;
	VsIp4 private_ip;
	gboolean has_public_ip;
	VsIp4 public_ip;
	VsNsg *nsg; /* NULL = no NIC NSG */
	gboolean ip_forwarding;
	GPtrArray *asgs; /* VsAsg*, borrowed */
	VsPos pos;
};

struct VsVm {
	guint id;
	char *name;
	GPtrArray *nics;                 /* VsNic*, borrowed (owned by the model), file order */
	gboolean network_watcher_agent;  /* default TRUE */
	guint cpu_percent;               /* default 10 */
	guint memory_percent;            /* default 20 */
	GArray *listening_ports;         /* VsPortRange; NULL = every port answers */
	VsGuestFirewall *guest_firewall; /* owned; NULL = allows everything */
	VsPos pos;
};

/* ---------------------------------------------------------------- dns, internet, latency */

struct VsDnsRecord {
	char *name;
	VsIp4 address;
	VsPos pos;
};

struct VsInternetEndpoint {
	char *name;
	VsIp4 address;
	GArray *listening_ports; /* VsPortRange; NULL = every port answers */
	gboolean has_rtt;
	double rtt_ms;
	VsPos pos;
};

struct VsRegionPair {
	char *a;
	char *b;
	double rtt_ms;
	VsPos pos;
};

typedef struct {
	double vnet_ms;          /* 0.5 */
	double peering_ms;       /* 1.0 */
	double inter_region_ms;  /* 30 */
	double appliance_ms;     /* 0.3 */
	double internet_ms;      /* 20 */
	double jitter_percent;   /* 10 */
	double loss_percent;     /* 0 */
	GPtrArray *region_pairs; /* VsRegionPair*, owned, file order */
} VsLatency;

/* ---------------------------------------------------------------- the model */

struct VsModel {
	char *name;
	char *subscription_id; /* default all zeros */
	char *location;        /* default "westeurope" */

	GPtrArray *files; /* char*, owned: every file loaded; VsPos.file points here */

	/* owned, in load order (file order, includes after the including file's own) */
	GPtrArray *vnets;
	GPtrArray *subnets; /* also listed, borrowed, by their VNet */
	GPtrArray *nsgs;
	GPtrArray *asgs;
	GPtrArray *service_tags;
	GPtrArray *route_tables;
	GPtrArray *vms;
	GPtrArray *nics; /* also listed, borrowed, by their VM */
	GPtrArray *dns_records;

	gboolean internet_reachable; /* default TRUE */
	GPtrArray *internet_endpoints;
	VsLatency latency;

	/* indexes, borrowed values; keys are the objects' own names */
	GHashTable *vnet_by_name;
	GHashTable *subnet_by_path; /* "vnet/subnet" */
	GHashTable *nsg_by_name;
	GHashTable *asg_by_name;
	GHashTable *service_tag_by_name;
	GHashTable *route_table_by_name;
	GHashTable *vm_by_name;
	GHashTable *nic_by_name;
	GHashTable *nic_by_ip; /* GUINT_TO_POINTER(private ip) -> VsNic* (filled by finish) */

	gboolean finished;
};

VsModel *vs_model_new(void);
void vs_model_free(VsModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsModel, vs_model_free)

/* Interns a file name; the returned string lives as long as the model. */
const char *vs_model_intern_file(VsModel *model, const char *file);

/*
 * The add functions take ownership of the object, set its id and index it by
 * name.  They return FALSE (and take ownership anyway, freeing the object)
 * when the name is already taken, so the caller can report a duplicate.
 */
gboolean vs_model_add_vnet(VsModel *model, VsVnet *vnet);
gboolean vs_model_add_subnet(VsModel *model, VsVnet *vnet, VsSubnet *subnet);
gboolean vs_model_add_nsg(VsModel *model, VsNsg *nsg);
gboolean vs_model_add_asg(VsModel *model, VsAsg *asg);
gboolean vs_model_add_service_tag(VsModel *model, VsServiceTag *tag);
gboolean vs_model_add_route_table(VsModel *model, VsRouteTable *table);
gboolean vs_model_add_vm(VsModel *model, VsVm *vm);
gboolean vs_model_add_nic(VsModel *model, VsVm *vm, VsNic *nic);
void vs_model_add_dns_record(VsModel *model, VsDnsRecord *record);
void vs_model_add_internet_endpoint(VsModel *model, VsInternetEndpoint *endpoint);

/*
 * Derives the computed parts: the six default rules of each NSG and the
 * per-direction order, peering states and reverse links, subnet -> NICs,
 * ASG -> NICs, and the IP -> NIC index.  Call once, after every add.
 * Returns FALSE if two NICs share a private address (reported in diags with
 * both positions); the model is still usable.
 */
gboolean vs_model_finish(VsModel *model, VsDiagList *diags);

/* Constructors for the owned types, with the model file's defaults. */
VsVnet *vs_vnet_new(const char *name);
VsSubnet *vs_subnet_new(const char *name);
VsPeering *vs_peering_new(void);
VsNsg *vs_nsg_new(const char *name);
VsRule *vs_rule_new(const char *name);
VsAsg *vs_asg_new(const char *name);
VsServiceTag *vs_service_tag_new(const char *name);
VsRouteTable *vs_route_table_new(const char *name);
VsRoute *vs_route_new(const char *name);
VsVm *vs_vm_new(const char *name);
VsNic *vs_nic_new(const char *name);
VsGuestFirewall *vs_guest_firewall_new(void);
VsFwRule *vs_fw_rule_new(const char *name);
VsDnsRecord *vs_dns_record_new(const char *name, VsIp4 address);
VsInternetEndpoint *vs_internet_endpoint_new(const char *name, VsIp4 address);
VsRegionPair *vs_region_pair_new(const char *a, const char *b, double rtt_ms);

void vs_vnet_free(VsVnet *vnet);
void vs_subnet_free(VsSubnet *subnet);
void vs_peering_free(VsPeering *peering);
void vs_nsg_free(VsNsg *nsg);
void vs_rule_free(VsRule *rule);
void vs_asg_free(VsAsg *asg);
void vs_service_tag_free(VsServiceTag *tag);
void vs_route_table_free(VsRouteTable *table);
void vs_route_free(VsRoute *route);
void vs_vm_free(VsVm *vm);
void vs_nic_free(VsNic *nic);
void vs_guest_firewall_free(VsGuestFirewall *firewall);
void vs_fw_rule_free(VsFwRule *rule);
void vs_dns_record_free(VsDnsRecord *record);
void vs_internet_endpoint_free(VsInternetEndpoint *endpoint);
void vs_region_pair_free(VsRegionPair *pair);
void vs_address_match_clear(VsAddressMatch *match);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsVnet, vs_vnet_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsSubnet, vs_subnet_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsPeering, vs_peering_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsNsg, vs_nsg_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsRule, vs_rule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsAsg, vs_asg_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsServiceTag, vs_service_tag_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsRouteTable, vs_route_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsRoute, vs_route_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsVm, vs_vm_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsNic, vs_nic_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsGuestFirewall, vs_guest_firewall_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsFwRule, vs_fw_rule_free)

/* ---------------------------------------------------------------- lookups */

VsVnet *vs_model_find_vnet(const VsModel *model, const char *name);
VsSubnet *vs_model_find_subnet(const VsModel *model, const char *path); /* "vnet/subnet" */
VsNsg *vs_model_find_nsg(const VsModel *model, const char *name);
VsAsg *vs_model_find_asg(const VsModel *model, const char *name);
VsServiceTag *vs_model_find_service_tag(const VsModel *model, const char *name);
VsRouteTable *vs_model_find_route_table(const VsModel *model, const char *name);
VsVm *vs_model_find_vm(const VsModel *model, const char *name);
VsNic *vs_model_find_nic(const VsModel *model, const char *name);
VsNic *vs_model_find_nic_by_ip(const VsModel *model, VsIp4 ip);

/* The VNet whose address space holds ip, or NULL (VNets may not overlap when peered;
 * for unpeered overlapping VNets the first in load order wins). */
VsVnet *vs_model_find_vnet_by_ip(const VsModel *model, VsIp4 ip);
/* The subnet whose prefix holds ip, or NULL. */
VsSubnet *vs_model_find_subnet_by_ip(const VsModel *model, VsIp4 ip);

/* The Connected peering from local to remote, or NULL (none, or only Initiated). */
VsPeering *vs_model_connected_peering(const VsModel *model, const VsVnet *local,
				      const VsVnet *remote);

/* Resolves "VM" (first NIC) or "VM/NIC" (by NIC name); NULL if unknown. */
VsNic *vs_model_resolve_nic(const VsModel *model, const char *spec);

/* ---------------------------------------------------------------- resource IDs (owned strings) */

/* /subscriptions/{sub}/resourceGroups/{name}/providers/{provider_type}/{resource} */
char *vs_model_resource_id(const VsModel *model, const char *provider_type, const char *resource);
char *vs_vm_resource_id(const VsModel *model, const VsVm *vm);
char *vs_nic_resource_id(const VsModel *model, const VsNic *nic);
char *vs_subnet_resource_id(const VsModel *model, const VsSubnet *subnet);
char *vs_nsg_resource_id(const VsModel *model, const VsNsg *nsg);
char *vs_rule_resource_id(const VsModel *model, const VsRule *rule);
char *vs_route_table_resource_id(const VsModel *model, const VsRouteTable *table);

#endif
