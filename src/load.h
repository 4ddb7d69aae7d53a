/*
 * load.h - reads a model file (YAML) into a VsModel.
 *
 * The loader walks libyaml's event stream (never its document tree, which
 * costs many times the file in memory), checks every key against the model
 * contract (../shared/spec/model.md, man vnetsim-model(5)), and reports every
 * problem of the file with FILE:LINE:COL, the object path and what was
 * expected, up to the diag list's limit.  Includes are merged, relative to the
 * including file; cycles are errors.
 */
#ifndef VS_LOAD_H
#define VS_LOAD_H

#include <glib.h>

#include "diag.h"
#include "model.h"

#define VS_LOAD_ERROR (vs_load_error_quark())
GQuark vs_load_error_quark(void);

typedef enum {
	VS_LOAD_ERROR_IO,      /* the file cannot be read (missing, a directory, unreadable) */
	VS_LOAD_ERROR_INVALID, /* the file was read and has errors: see the diag list */
	VS_LOAD_ERROR_LIMIT,   /* a resource limit was hit (size, depth, aliases, objects) */
} VsLoadError;

/*
 * Loads path.  Returns the finished model, or NULL with error set when the
 * model has any error (the errors themselves, positioned, are appended to
 * diags, which must not be NULL).  Warnings found while loading are appended
 * too and do not make the load fail.  Positions name files as given (path as
 * passed, includes joined to its directory).
 */
VsModel *vs_load_file(const char *path, VsDiagList *diags, GError **error);

/*
 * Loads a model from memory; name is what positions call the file, and the
 * directory includes are resolved against (its dirname).
 */
VsModel *vs_load_data(const char *data, gsize length, const char *name, VsDiagList *diags,
		      GError **error);

#endif
