/*
 * model-builder.h - build small models in C, concisely, for the engine tests.
 *
 * Each helper creates one object with the model file's defaults, adds it to
 * the model and returns it borrowed (the model owns it).  Bad arguments are
 * test bugs: the helpers abort with a Check failure naming the argument.
 * Call mb_finish() once every object is added, as the loader does.
 */
#ifndef VS_MODEL_BUILDER_H
#define VS_MODEL_BUILDER_H

#include "model.h"

VsModel *mb_model(const char *name);
void mb_finish(VsModel *model);

VsPrefix mb_prefix(const char *text);
VsIp4 mb_ip(const char *text);

/* space: one or more prefixes separated by commas ("10.0.0.0/16,10.9.0.0/16"). */
VsVnet *mb_vnet(VsModel *model, const char *name, const char *space);
VsSubnet *mb_subnet(VsModel *model, VsVnet *vnet, const char *name, const char *prefix);
/* One side of a peering, local -> remote, Azure's defaults (access on, forwarded off). */
VsPeering *mb_peering(VsVnet *local, VsVnet *remote);
/* Both sides (Connected once finished); returns local -> remote. */
VsPeering *mb_peer(VsVnet *local, VsVnet *remote);

VsNsg *mb_nsg(VsModel *model, const char *name);
VsAsg *mb_asg(VsModel *model, const char *name);
/* prefixes: comma-separated */
VsServiceTag *mb_service_tag(VsModel *model, const char *name, const char *prefixes);

/*
 * A security rule from one line of nine words:
 *   "NAME PRIORITY DIRECTION ACCESS PROTOCOL SOURCE SOURCE_PORTS DESTINATION DESTINATION_PORTS"
 * An address word is "*", a tag (VirtualNetwork, Internet, AzureLoadBalancer),
 * "tag:NAME" for a model service tag, "asg:A,B" for ASGs, or comma-separated
 * prefixes; ports are comma-separated ranges ("80,8000-8080", "*").
 */
VsRule *mb_rule(VsModel *model, VsNsg *nsg, const char *line);

VsRouteTable *mb_route_table(VsModel *model, const char *name);
/* next_hop_ip may be NULL; next_hop is an API name ("VirtualAppliance", "None", ...). */
VsRoute *mb_route(VsRouteTable *table, const char *name, const char *prefix, const char *next_hop,
		  const char *next_hop_ip);

/* A VM with one NIC "{vm}-nic0" in subnet at address ip; returns the NIC. */
VsNic *mb_vm(VsModel *model, const char *name, VsSubnet *subnet, const char *ip);
/* Adds one more NIC to an existing VM. */
VsNic *mb_nic(VsModel *model, VsVm *vm, const char *name, VsSubnet *subnet, const char *ip);

#endif
