/*
 * load-sections.h - the readers of the model file's top-level keys, one
 * module per section: load-vnet.c (vnets, with their subnets and peerings),
 * load-nsg.c (networkSecurityGroups, applicationSecurityGroups, serviceTags),
 * load-route.c (routeTables), load-vm.c (virtualMachines, with their NICs and
 * guest firewalls) and load-settings.c (name, subscriptionId, location, dns,
 * internet, latency).  Each is a KeyFunc for load.c's table of top-level keys:
 * it reads the value that starts with event into the loader's model.  Part of
 * the loader.
 */
#ifndef VS_LOAD_SECTIONS_H
#define VS_LOAD_SECTIONS_H

#include "load-core.h"

/* load-vnet.c */
void vs_load_key_vnets(Loader *ld, void *state, const VsYcurEvent *event);

/* load-nsg.c */
void vs_load_key_nsgs(Loader *ld, void *state, const VsYcurEvent *event);
void vs_load_key_asgs(Loader *ld, void *state, const VsYcurEvent *event);
void vs_load_key_service_tags(Loader *ld, void *state, const VsYcurEvent *event);

/* load-route.c */
void vs_load_key_route_tables(Loader *ld, void *state, const VsYcurEvent *event);

/* load-vm.c */
void vs_load_key_vms(Loader *ld, void *state, const VsYcurEvent *event);

/* load-settings.c: the header keys (an included file may repeat them only with the
 * root file's values) and the dns, internet and latency mappings */
void vs_load_key_name(Loader *ld, void *state, const VsYcurEvent *event);
void vs_load_key_subscription(Loader *ld, void *state, const VsYcurEvent *event);
void vs_load_key_location(Loader *ld, void *state, const VsYcurEvent *event);
void vs_load_key_dns(Loader *ld, void *state, const VsYcurEvent *event);
void vs_load_key_internet(Loader *ld, void *state, const VsYcurEvent *event);
void vs_load_key_latency(Loader *ld, void *state, const VsYcurEvent *event);

#endif
