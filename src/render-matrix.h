/*
 * render-matrix.h - matrix results as a text grid (or a list when the grid
 * would be too wide), CSV and JSON.  Renderers read, never decide.
 */
#ifndef VS_RENDER_MATRIX_H
#define VS_RENDER_MATRIX_H

#include <glib.h>

#include "json-writer.h"
#include "matrix.h"
#include "verdict.h"

/* Wider grids than this fall back to one line per pair. */
#define VS_RENDER_MATRIX_MAX_WIDTH 100

/*
 * With a port: {"protocol", "port" (not for Icmp), "internetAddress", "results":
 * [{"source", "destination", "connectionStatus", "decidedBy": {"type", "name",
 * "resource", "file", "line"}}]}, decidedBy only when Unreachable (file and
 * line only when a model line is to blame).  Summary: {"internetAddress",
 * "results": [{"source", "destination", "openPorts": {"Tcp": ["22",
 * "8000-8080"], "Udp": [...], "Icmp": true|false}}]}.  Pairs in model order,
 * each source's destinations in model order, then "Internet".
 */
void vs_render_matrix_json(GString *out, const VsMatrix *matrix);

/* One row per pair; a header line names the columns. */
void vs_render_matrix_csv(GString *out, const VsMatrix *matrix);

/*
 * A first line with the question and the classes; then, with a port, a grid
 * (rows: sources, columns: destinations and Internet; "ok" Reachable, "xN"
 * Unreachable with N the legend's line naming what decided) or, when wider
 * than VS_RENDER_MATRIX_MAX_WIDTH, one line per pair; without a port, one line
 * per pair with its open ports.
 */
void vs_render_matrix_text(GString *out, const VsMatrix *matrix);

/* "NetworkSecurityRule UserRule_x in nsg-db (file:42)" (owned): a decision for people. */
char *vs_render_decided_by_text(const VsDecidedBy *decided);

/* Adds "decidedBy": {...} to an open JSON object. */
void vs_render_decided_by_json(VsJsonWriter *writer, const VsDecidedBy *decided);

/* "22,443,8000-8080", "*" for every port, "-" for none (owned). */
char *vs_render_port_ranges(const GArray *ranges, const char *separator);

/* A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
void vs_render_csv_field(GString *out, const char *field);

#endif
