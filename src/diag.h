/*
 * diag.h - positioned diagnostics (errors and warnings) about a model or a
 * scenario file.
 *
 * Every complaint vnetsim makes about an input file carries FILE:LINE:COL
 * (1-based), the object path inside the file
 * (networkSecurityGroups[nsg-web].securityRules[3].priority) and a message that
 * says what was expected.  The loader, the semantic checks and the linter all
 * append to one VsDiagList so that every problem of a file is reported at once,
 * up to a cap.
 */
#ifndef VS_DIAG_H
#define VS_DIAG_H

#include <glib.h>

/* A place in an input file.  file is borrowed (interned by the model). */
typedef struct {
	const char *file;
	guint line;   /* 1-based; 0 = unknown */
	guint column; /* 1-based; 0 = unknown */
} VsPos;

typedef enum {
	VS_SEVERITY_ERROR,
	VS_SEVERITY_WARNING,
} VsSeverity;

typedef struct {
	VsSeverity severity;
	char *file;
	guint line;
	guint column;
	char *path;    /* object path, may be "" for file-level problems */
	char *message; /* what is wrong and what was expected */
	char *code;    /* stable short identifier, e.g. "unknown-key", "shadowed-rule" */
	guint seq;     /* order of arrival, the last sort key */
} VsDiag;

void vs_diag_free(VsDiag *diag);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsDiag, vs_diag_free)

/*
 * Errors beyond this many are counted but not kept; the list says so.  Warnings
 * are all kept: past the first few dozen, errors are mostly consequences of the
 * earlier ones (as a compiler's -fmax-errors assumes), while every warning of a
 * lint is a finding of its own, which SARIF and JSON consumers need whole.
 */
#define VS_DIAG_DEFAULT_LIMIT 50

typedef struct {
	GPtrArray *items; /* VsDiag*, in the order reported */
	guint limit;      /* errors kept at most */
	guint errors;     /* all errors seen, kept or not */
	guint warnings;   /* all warnings seen, all kept */
	guint dropped;    /* errors reported beyond the limit, not kept */
} VsDiagList;

VsDiagList *vs_diag_list_new(guint limit);
void vs_diag_list_free(VsDiagList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsDiagList, vs_diag_list_free)

void vs_diag_add(VsDiagList *list, VsSeverity severity, VsPos pos, const char *path,
		 const char *code, const char *format, ...) G_GNUC_PRINTF(6, 7);
void vs_diag_addv(VsDiagList *list, VsSeverity severity, VsPos pos, const char *path,
		  const char *code, const char *format, va_list args) G_GNUC_PRINTF(6, 0);

/* TRUE once the list holds as many errors as it keeps: callers may stop early. */
gboolean vs_diag_list_full(const VsDiagList *list);

/* Sorts by file (order of first appearance kept), line, column: stable. */
void vs_diag_list_sort(VsDiagList *list);

/* "FILE:LINE:COL: error: PATH: MESSAGE" (no trailing newline; owned). */
char *vs_diag_format(const VsDiag *diag);

#endif
