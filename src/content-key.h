/*
 * content-key.h - content keys of model parts (see content-key.c).
 */
#ifndef VS_CONTENT_KEY_H
#define VS_CONTENT_KEY_H

#include <glib.h>

#include "model.h"

/* A prefix list (NULL: any). */
void vs_content_key_prefixes(GString *out, const GArray *prefixes);
/* A port range list (NULL: all ports). */
void vs_content_key_ports(GString *out, const GArray *ranges);
/* A guest firewall (NULL: none): defaults and rules in order, names included (they are reported).
 */
void vs_content_key_firewall(GString *out, const VsGuestFirewall *firewall);

#endif
