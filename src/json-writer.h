/*
 * json-writer.h - a small streaming JSON writer: every JSON document vnetsim
 * prints goes through it, so that all of them have one layout, the one
 * cli.md shows.
 *
 * The writer appends to a caller's GString as values arrive (no tree, no
 * allocation of its own) in one of two styles:
 *
 *   pretty   `"key": value`, 2-space indent.  An object is written one member
 *            per line, unless it was begun with vs_json_begin_object_inline.
 *            An array is written on one line when its first item is a scalar
 *            (`"nextHopIds": ["9d2e..."]`) and one item per line when its
 *            first item is an object or an array; empty containers are `[]`
 *            and `{}`.  A container written on one line keeps its contents
 *            on one line too, but wraps: when an item would end past column
 *            80, the item of the outermost one-line container that can move
 *            (one that does not already start its line) starts a new line,
 *            aligned one column after its container's opening bracket, as
 *            cli.md's issue objects do.
 *   compact  no whitespace at all: one line, for batch answers.
 *
 * Strings are escaped as JSON requires (quote, backslash, control characters,
 * and DEL as \u007f); other bytes, UTF-8 included, pass through.  Numbers are
 * integers or fixed-point decimals printed with at most the digits asked for
 * and no trailing zeros: never binary noise.  Nesting is bounded by
 * VS_JSON_MAX_DEPTH (vnetsim's documents are a few levels deep).
 */
#ifndef VS_JSON_WRITER_H
#define VS_JSON_WRITER_H

#include <glib.h>

typedef enum {
	VS_JSON_PRETTY,
	VS_JSON_COMPACT,
} VsJsonStyle;

#define VS_JSON_MAX_DEPTH 16

/* The wrap column of one-line containers in the pretty style. */
#define VS_JSON_WIDTH 80

typedef struct {
	gsize open_offset; /* where its opening bracket is in the output */
	guint count;       /* items written so far */
	gboolean is_object;
	gboolean one_line;
	gboolean decided;    /* arrays: one_line is known (at the first item) */
	gsize item_start;    /* one-line: the space before the current item */
	gboolean item_first; /* one-line: the current item starts its line */
} VsJsonLevel;

/* On the caller's stack; vs_json_writer_init before use.  Fields are private. */
typedef struct {
	GString *out;
	VsJsonStyle style;
	guint depth;
	gboolean after_key; /* a member name was written: its value comes next */
	gsize line_start;   /* offset in out where the current line starts */
	VsJsonLevel levels[VS_JSON_MAX_DEPTH];
} VsJsonWriter;

/* Starts a document appended to out (which may already hold text). */
void vs_json_writer_init(VsJsonWriter *writer, GString *out, VsJsonStyle style);

/* Ends the document: every container must be closed; appends a newline. */
void vs_json_writer_finish(VsJsonWriter *writer);

void vs_json_begin_object(VsJsonWriter *writer);
/* An object written on one line (pretty style), e.g. an issue or latencyMs. */
void vs_json_begin_object_inline(VsJsonWriter *writer);
void vs_json_end_object(VsJsonWriter *writer);
void vs_json_begin_array(VsJsonWriter *writer);
void vs_json_end_array(VsJsonWriter *writer);

/* The name of the next member of the current object. */
void vs_json_key(VsJsonWriter *writer, const char *name);

/* A string value; NULL writes null. */
void vs_json_string(VsJsonWriter *writer, const char *value);
/* A string value of length bytes (no NUL needed). */
void vs_json_string_len(VsJsonWriter *writer, const char *value, gsize length);
void vs_json_null(VsJsonWriter *writer);
void vs_json_bool(VsJsonWriter *writer, gboolean value);
void vs_json_int(VsJsonWriter *writer, gint64 value);
/*
 * value with at most decimals (0..9) digits after the point, rounded as
 * printf's %.Nf does, trailing zeros and a trailing point dropped, "-0" as
 * "0": 2.2999999999999998 with 3 decimals is 2.3.  value must be finite.
 */
void vs_json_fixed(VsJsonWriter *writer, double value, guint decimals);

/* Member shorthands: vs_json_key then the value. */
void vs_json_member_string(VsJsonWriter *writer, const char *name, const char *value);
void vs_json_member_int(VsJsonWriter *writer, const char *name, gint64 value);
void vs_json_member_bool(VsJsonWriter *writer, const char *name, gboolean value);

/* Appends text as a JSON string literal, quotes included, outside any writer. */
void vs_json_append_string(GString *out, const char *text);

#endif
