/* load.c - PROVISIONAL: replaced by the event-based loader (issue 2). */
#include "config.h"

#include "load.h"

G_DEFINE_QUARK(vs_load_error_quark, vs_load_error)

VsModel *
vs_load_data(const char *data, gsize length, const char *name, VsDiagList *diags, GError **error)
{
	g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_IO, "%s: loader not written yet", name);
	return NULL;
}

VsModel *
vs_load_file(const char *path, VsDiagList *diags, GError **error)
{
	return vs_load_data("", 0, path, diags, error);
}
