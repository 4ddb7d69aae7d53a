/*
 * render-dot.h - Graphviz rendering of a checked path over the topology.
 */
#ifndef VS_RENDER_DOT_H
#define VS_RENDER_DOT_H

#include <glib.h>

#include "model.h"
#include "trace.h"

/*
 * Appends a `digraph` to out: one cluster per VNet (location, address space)
 * holding one cluster per subnet (prefix, NSG, route table) with its VMs;
 * appliances (NICs with IP forwarding) drawn as boxes; the Internet as one
 * node; peerings as dashed edges (red and dotted when only Initiated); and the
 * path of trace numbered in bold, with every link that an Error issue blocks
 * drawn red and labelled with the rule or route that blocks it.  trace may be
 * NULL to draw the topology alone.  `dot -Tsvg` renders the result.
 */
void vs_render_dot(GString *out, const VsModel *model, const VsTrace *trace);

/* Appends text as a DOT quoted string, quotes included ("a \"b\" \\ c"). */
void vs_dot_quote(GString *out, const char *text);

#endif
