/*
 * ycur.h - a small cursor over libyaml's event stream, for readers of
 * hostile YAML.
 *
 * The cursor hands out one event at a time (scalar, mapping/sequence start and
 * end, end of document) with its 1-based line and column, and enforces the
 * limits a model file must respect: nesting depth (counted here, because
 * Debian's libyaml 0.2.5 has none and crawls on deep nesting), scalar length,
 * one document per file, and a bound on how many events alias expansion may
 * produce.  Anchors are supported by recording the events of each anchored
 * node and replaying them where an alias names it, so the reader above never
 * sees an alias; a "billion laughs" file hits the bound and stops, quickly.
 * YAML syntax errors come out as a GError plus the position of the problem
 * (reader errors, which libyaml reports without a mark, are placed from their
 * byte offset).  The input is text in memory or a file read as it is parsed
 * (vs_ycur_new_fd), so that a large model is never held whole.
 *
 * Only ycur.c, load.c and scenario.c include <yaml.h>; this header does not.
 */
#ifndef VS_YCUR_H
#define VS_YCUR_H

#include <glib.h>

#define VS_YCUR_ERROR (vs_ycur_error_quark())
GQuark vs_ycur_error_quark(void);

typedef enum {
	VS_YCUR_ERROR_SYNTAX, /* not YAML, or more than one document, or an unknown alias */
	VS_YCUR_ERROR_LIMIT,  /* depth, scalar length or alias expansion bound exceeded */
} VsYcurError;

typedef enum {
	VS_YCUR_SCALAR,
	VS_YCUR_MAPPING_START,
	VS_YCUR_MAPPING_END,
	VS_YCUR_SEQUENCE_START,
	VS_YCUR_SEQUENCE_END,
	VS_YCUR_END, /* end of the (only) document, or of an empty stream */
} VsYcurKind;

typedef struct {
	VsYcurKind kind;
	const char *value; /* scalars: NUL-terminated, borrowed until the next call */
	gsize length;      /* scalars: bytes in value */
	gboolean plain;    /* scalars: written without quotes (so null and "null" differ) */
	guint line;        /* 1-based */
	guint column;      /* 1-based */
} VsYcurEvent;

/* The limits of one cursor; vs_ycur_default_limits() gives the documented ones. */
typedef struct {
	guint max_depth;          /* nested mappings and sequences */
	gsize max_scalar;         /* bytes in one scalar */
	guint64 max_alias_events; /* events produced by replaying aliases, in total */
} VsYcurLimits;

#define VS_YCUR_MAX_DEPTH 64
#define VS_YCUR_MAX_SCALAR 65536
#define VS_YCUR_MAX_ALIAS_EVENTS 1000000

VsYcurLimits vs_ycur_default_limits(void);

typedef struct VsYcur VsYcur;

/*
 * A cursor over data (length bytes, borrowed: it must outlive the cursor).
 * limits may be NULL for the defaults.
 */
VsYcur *vs_ycur_new(const char *data, gsize length, const VsYcurLimits *limits);
/*
 * A cursor over the first length bytes of the file open on fd (borrowed: it
 * must stay open while the cursor lives), read with pread() from offset 0 in
 * the parser's own small chunks, so that a large file is never held in memory
 * whole.  A file that shrinks meanwhile ends early (and is a syntax error
 * where that cuts a node); bytes past length are never read.
 */
VsYcur *vs_ycur_new_fd(int fd, gsize length, const VsYcurLimits *limits);
void vs_ycur_free(VsYcur *cur);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsYcur, vs_ycur_free)

/*
 * The next event.  Returns FALSE with error set on a syntax error or a limit;
 * event's line and column then say where.  After an error, or after
 * VS_YCUR_END, every further call fails or ends the same way.
 */
gboolean vs_ycur_next(VsYcur *cur, VsYcurEvent *event, GError **error);

/* Nesting depth after the last event returned (0 = top level). */
guint vs_ycur_depth(const VsYcur *cur);

/* Events produced so far by replaying aliases. */
guint64 vs_ycur_alias_events(const VsYcur *cur);

#endif
