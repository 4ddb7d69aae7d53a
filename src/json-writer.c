/*
 * json-writer.c - the streaming JSON writer (see json-writer.h for the
 * layout it produces).
 *
 * Everything is appended to the caller's GString as it comes; the only look
 * back is the wrap of one-line containers: an item's width is known only once
 * it is written, so when the item of the outermost one-line container ends
 * past the wrap column, the space that separated it from the previous item
 * becomes a newline and the alignment is inserted after it (a memmove of that
 * one item, which is short by construction).  The writer allocates nothing:
 * rendering an answer into a reused GString costs no malloc once the string
 * has grown to its size.
 */
#include "config.h"

#include "json-writer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* g_string_append_len without its call into g_string_insert_len while the string has room:
 * an answer is a few hundred small appends */
static inline void
put(GString *out, const char *text, gsize length)
{
	if (out->len + length < out->allocated_len) {
		memcpy(out->str + out->len, text, length);
		out->len += length;
		out->str[out->len] = '\0';
	} else {
		g_string_append_len(out, text, (gssize)length);
	}
}

#define APPEND_LITERAL(out, literal) put((out), (literal), sizeof(literal) - 1)

void
vs_json_writer_init(VsJsonWriter *writer, GString *out, VsJsonStyle style)
{
	gsize start = out->len;

	memset(writer, 0, sizeof(*writer));
	writer->out = out;
	writer->style = style;
	/* the document may start mid-line: columns count from the line's start */
	while (start > 0 && out->str[start - 1] != '\n')
		start--;
	writer->line_start = start;
}

void
vs_json_writer_finish(VsJsonWriter *writer)
{
	g_return_if_fail(writer->depth == 0 && !writer->after_key);
	g_string_append_c(writer->out, '\n');
}

static gboolean
pretty(const VsJsonWriter *writer)
{
	return writer->style == VS_JSON_PRETTY;
}

static void
newline_indent(VsJsonWriter *writer, guint spaces)
{
	GString *out = writer->out;
	gsize at = out->len;

	g_string_set_size(out, at + 1 + spaces);
	out->str[at] = '\n';
	memset(out->str + at + 1, ' ', spaces);
	writer->line_start = at + 1;
}

/*
 * Starts an item of the current container (an array's value or an object's
 * member): the comma, the newline and indent or the space, and for the wrap
 * root where a break may go.  scalar tells an array's first item what layout
 * the array takes.
 */
static void
separate(VsJsonWriter *writer, gboolean scalar)
{
	VsJsonLevel *level;

	if (writer->depth == 0)
		return;
	level = &writer->levels[writer->depth - 1];
	if (!level->decided) {
		level->one_line = scalar;
		level->decided = TRUE;
	}
	if (level->count > 0)
		put(writer->out, ",", 1);
	if (pretty(writer)) {
		if (!level->one_line) {
			newline_indent(writer, 2 * writer->depth);
		} else if (level->count > 0) {
			put(writer->out, " ", 1);
		}
		if (level->one_line) {
			level->item_start = writer->out->len - 1;
			level->item_first = level->count == 0;
		}
	}
	level->count++;
}

/* Before any value: an array's item separator, or nothing after a member name. */
static void
before_value(VsJsonWriter *writer, gboolean scalar)
{
	if (writer->after_key) {
		writer->after_key = FALSE;
		return;
	}
	g_return_if_fail(writer->depth == 0 || !writer->levels[writer->depth - 1].is_object);
	separate(writer, scalar);
}

/* The column of the byte at offset: its distance from the newline before it. */
static gsize
column_of(const GString *out, gsize offset)
{
	gsize start = offset;

	while (start > 0 && out->str[start - 1] != '\n')
		start--;
	return offset - start;
}

/*
 * After a value inside a one-line container: when the current line now ends
 * past the wrap column, the outermost one-line level whose current item can
 * move (it began on this line, after another item) gets a line break before
 * that item, which is aligned one column after the level's opening bracket.
 * Everything after the break shifts right by the alignment.
 */
static void
after_value(VsJsonWriter *writer)
{
	GString *out = writer->out;
	guint first_one_line;

	if (!pretty(writer) || writer->depth == 0 || writer->after_key ||
	    !writer->levels[writer->depth - 1].one_line ||
	    out->len - writer->line_start <= VS_JSON_WIDTH)
		return;
	first_one_line = writer->depth - 1;
	while (first_one_line > 0 && writer->levels[first_one_line - 1].one_line)
		first_one_line--;
	for (guint i = first_one_line; i < writer->depth; i++) {
		VsJsonLevel *level = &writer->levels[i];
		gsize at, align;

		if (level->item_first || level->item_start < writer->line_start)
			continue;
		align = column_of(out, level->open_offset) + 1;
		g_assert(out->str[level->item_start] == ' ');
		out->str[level->item_start] = '\n';
		at = level->item_start + 1;
		g_string_set_size(out, out->len + align);
		memmove(out->str + at + align, out->str + at, out->len - align - at);
		memset(out->str + at, ' ', align);
		writer->line_start = at;
		level->item_first = TRUE;
		for (guint j = i + 1; j < writer->depth; j++) {
			writer->levels[j].open_offset += align;
			writer->levels[j].item_start += align;
		}
		return;
	}
}

static void
begin(VsJsonWriter *writer, char bracket, gboolean is_object, gboolean one_line)
{
	VsJsonLevel *level;
	gboolean parent_one_line = writer->depth > 0 && writer->levels[writer->depth - 1].one_line;

	g_return_if_fail(writer->depth < VS_JSON_MAX_DEPTH);
	before_value(writer, FALSE);
	g_string_append_c(writer->out, bracket);
	level = &writer->levels[writer->depth++];
	*level = (VsJsonLevel){
		.open_offset = writer->out->len - 1,
		.is_object = is_object,
		.one_line = one_line || parent_one_line,
		/* an object's layout is chosen at its start; an array's at its first item */
		.decided = is_object || parent_one_line,
	};
}

static void
end(VsJsonWriter *writer, char bracket, gboolean is_object)
{
	const VsJsonLevel *level;

	g_return_if_fail(writer->depth > 0 && !writer->after_key);
	level = &writer->levels[writer->depth - 1];
	g_return_if_fail(level->is_object == is_object);
	if (pretty(writer) && !level->one_line && level->count > 0)
		newline_indent(writer, 2 * (writer->depth - 1));
	g_string_append_c(writer->out, bracket);
	writer->depth--;
	after_value(writer);
}

void
vs_json_begin_object(VsJsonWriter *writer)
{
	begin(writer, '{', TRUE, FALSE);
}

void
vs_json_begin_object_inline(VsJsonWriter *writer)
{
	begin(writer, '{', TRUE, TRUE);
}

void
vs_json_end_object(VsJsonWriter *writer)
{
	end(writer, '}', TRUE);
}

void
vs_json_begin_array(VsJsonWriter *writer)
{
	begin(writer, '[', FALSE, FALSE);
}

void
vs_json_end_array(VsJsonWriter *writer)
{
	end(writer, ']', FALSE);
}

/* ---------------------------------------------------------------- strings */

/* Bytes that cannot stand for themselves between a JSON string's quotes: controls, '"', '\\',
 * DEL.  A table, as the test runs on every byte of every string. */
static const guint8 escape_table[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
	[0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
	[0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
	[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['"'] = 1,  ['\\'] = 1, [0x7f] = 1,
};

static gboolean
needs_escape(unsigned char c)
{
	return escape_table[c] != 0;
}

/* Bytes of word equal to zero have their top bit set in the result (and only those, up to
 * the first zero byte: enough to tell "none"). */
static inline guint64
zero_bytes(guint64 word)
{
	return (word - 0x0101010101010101u) & ~word & 0x8080808080808080u;
}

/*
 * TRUE when none of the 8 bytes at p needs escaping: a control character
 * (below 0x20: the subtraction borrows into the top bit of an ASCII byte),
 * '"', '\\' or DEL.  Strings are mostly resource IDs, names and GUIDs with
 * nothing to escape, so they are scanned a word at a time.
 */
static inline gboolean
word_is_plain(const unsigned char *p)
{
	const guint64 ones = 0x0101010101010101u;
	guint64 word, controls;

	memcpy(&word, p, sizeof(word));
	controls = (word - 0x20 * ones) & ~word & 0x8080808080808080u;
	return (controls | zero_bytes(word ^ ('"' * ones)) | zero_bytes(word ^ ('\\' * ones)) |
		zero_bytes(word ^ (0x7f * ones))) == 0;
}

static void
append_escaped(GString *out, const char *text, gsize length)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)text, *stop = p + length;

	while (p < stop) {
		const unsigned char *run = p;

		while (stop - p >= 8 && word_is_plain(p))
			p += 8;
		while (p < stop && !needs_escape(*p))
			p++;
		if (p > run)
			put(out, (const char *)run, (gsize)(p - run));
		if (p == stop)
			break;
		switch (*p) {
		case '"':
			APPEND_LITERAL(out, "\\\"");
			break;
		case '\\':
			APPEND_LITERAL(out, "\\\\");
			break;
		case '\b':
			APPEND_LITERAL(out, "\\b");
			break;
		case '\f':
			APPEND_LITERAL(out, "\\f");
			break;
		case '\n':
			APPEND_LITERAL(out, "\\n");
			break;
		case '\r':
			APPEND_LITERAL(out, "\\r");
			break;
		case '\t':
			APPEND_LITERAL(out, "\\t");
			break;
		default: {
			char escape[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 0xf]};

			put(out, escape, sizeof(escape));
		}
		}
		p++;
	}
}

static void
append_quoted(GString *out, const char *text, gsize length)
{
	put(out, "\"", 1);
	append_escaped(out, text, length);
	put(out, "\"", 1);
}

void
vs_json_append_string(GString *out, const char *text)
{
	append_quoted(out, text, strlen(text));
}

void
vs_json_key(VsJsonWriter *writer, const char *name)
{
	g_return_if_fail(writer->depth > 0 && writer->levels[writer->depth - 1].is_object &&
			 !writer->after_key);
	separate(writer, FALSE);
	append_quoted(writer->out, name, strlen(name));
	if (pretty(writer))
		APPEND_LITERAL(writer->out, ": ");
	else
		put(writer->out, ":", 1);
	writer->after_key = TRUE;
}

void
vs_json_string_len(VsJsonWriter *writer, const char *value, gsize length)
{
	before_value(writer, TRUE);
	append_quoted(writer->out, value, length);
	after_value(writer);
}

void
vs_json_string(VsJsonWriter *writer, const char *value)
{
	if (value == NULL)
		vs_json_null(writer);
	else
		vs_json_string_len(writer, value, strlen(value));
}

/* ---------------------------------------------------------------- literals and numbers */

static void
literal(VsJsonWriter *writer, const char *text, gsize length)
{
	before_value(writer, TRUE);
	put(writer->out, text, length);
	after_value(writer);
}

void
vs_json_null(VsJsonWriter *writer)
{
	literal(writer, "null", 4);
}

void
vs_json_bool(VsJsonWriter *writer, gboolean value)
{
	if (value)
		literal(writer, "true", 4);
	else
		literal(writer, "false", 5);
}

void
vs_json_int(VsJsonWriter *writer, gint64 value)
{
	char digits[24];
	char *p = digits + sizeof(digits);
	/* through the unsigned magnitude, so that G_MININT64 has one */
	guint64 magnitude = value < 0 ? 0 - (guint64)value : (guint64)value;

	do {
		*--p = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude > 0);
	if (value < 0)
		*--p = '-';
	literal(writer, p, (gsize)(digits + sizeof(digits) - p));
}

/*
 * printf's %.Nf, then trailing zeros trimmed.  The integer fast path applies
 * when value x 10^decimals is far enough from a rounding tie that the
 * multiplication's error (an ulp or so) cannot decide it; anything near a
 * tie goes through printf, which rounds the exact binary value.
 */
void
vs_json_fixed(VsJsonWriter *writer, double value, guint decimals)
{
	static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
	char text[64];
	gsize length = 0;
	double scaled, whole, fraction;

	g_return_if_fail(decimals < G_N_ELEMENTS(scale) && isfinite(value));
	scaled = fabs(value) * scale[decimals];
	whole = floor(scaled);
	fraction = scaled - whole;
	if (scaled < 1e15 && fabs(fraction - 0.5) > 1e-6) {
		guint64 units = (guint64)whole + (fraction > 0.5 ? 1 : 0);
		guint64 integer = units / (guint64)scale[decimals];
		guint64 rest = units % (guint64)scale[decimals];
		char digits[24];
		char *p = digits + sizeof(digits);

		if (value < 0 && units > 0)
			text[length++] = '-';
		do {
			*--p = (char)('0' + integer % 10);
			integer /= 10;
		} while (integer > 0);
		memcpy(text + length, p, (gsize)(digits + sizeof(digits) - p));
		length += (gsize)(digits + sizeof(digits) - p);
		if (rest > 0) {
			guint width = decimals;

			while (rest % 10 == 0) {
				rest /= 10;
				width--;
			}
			text[length++] = '.';
			for (guint i = width; i > 0; i--) {
				text[length + i - 1] = (char)('0' + rest % 10);
				rest /= 10;
			}
			length += width;
		}
	} else {
		char format[8];

		g_snprintf(format, sizeof(format), "%%.%uf", decimals);
		g_ascii_formatd(text, sizeof(text), format, value);
		length = strlen(text);
		if (memchr(text, '.', length) != NULL) {
			while (text[length - 1] == '0')
				length--;
			if (text[length - 1] == '.')
				length--;
		}
		if (length == 2 && memcmp(text, "-0", 2) == 0) {
			text[0] = '0';
			length = 1;
		}
	}
	literal(writer, text, length);
}

/* ---------------------------------------------------------------- members */

void
vs_json_member_string(VsJsonWriter *writer, const char *name, const char *value)
{
	vs_json_key(writer, name);
	vs_json_string(writer, value);
}

void
vs_json_member_int(VsJsonWriter *writer, const char *name, gint64 value)
{
	vs_json_key(writer, name);
	vs_json_int(writer, value);
}

void
vs_json_member_bool(VsJsonWriter *writer, const char *name, gboolean value)
{
	vs_json_key(writer, name);
	vs_json_bool(writer, value);
}
