/*
 * ycur.c - the event cursor over libyaml (see ycur.h).
 *
 * DOC: anchors and aliases.  libyaml's event API reports an alias as a bare
 * YAML_ALIAS_EVENT naming an anchor; the events of the anchored node went by
 * earlier.  To let the reader above see aliases as if the node were written
 * out again, the cursor keeps a log: while at least one anchored node is open,
 * every event it returns is appended to the log (kind, position, and the
 * scalar text in one shared buffer), and when an anchored node closes, its
 * anchor is bound to its span of the log.  An alias then switches the cursor
 * to replay that span.  Replayed events are logged again while an enclosing
 * anchor is being recorded, so nested anchors and aliases inside anchored
 * nodes expand correctly.  Every replayed event counts against
 * max_alias_events, which also bounds the log, so an alias bomb costs at most
 * that many events of work and memory before it is rejected.  Replayed events
 * keep the position where the node was written (the anchor), which is where a
 * schema error in them can be fixed.
 *
 * The document's depth is counted on every event returned, replayed or not,
 * and the cursor stops at the first event past max_depth: libyaml never gets to
 * read the rest of a million-level file.
 */
#include "config.h"

#include "ycur.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

/* the quark name is stringified as written: keep it unformatted */
/* clang-format off */
G_DEFINE_QUARK(vs-ycur-error-quark, vs_ycur_error)
/* clang-format on */

typedef struct {
	VsYcurKind kind;
	gboolean plain;
	guint line;
	guint column;
	gsize offset; /* of the scalar text in the log's buffer */
	gsize length;
} LogEntry;

typedef struct {
	gsize start; /* first log entry */
	gsize end;   /* one past the last */
} Span;

typedef struct {
	char *anchor;
	gsize start;
	guint depth; /* the cursor's depth right after the node's start event */
} Recording;

struct VsYcur {
	yaml_parser_t parser;
	yaml_event_t event;
	gboolean have_event;
	const char *data; /* the input, or NULL when it is read from fd */
	int fd;
	gsize length;
	VsYcurLimits limits;

	guint depth;
	guint documents;
	gboolean done;
	GError *failure; /* sticky: every call after an error fails the same way */
	guint fail_line;
	guint fail_column;

	GArray *log;         /* LogEntry */
	GString *text;       /* scalar texts of the log, each NUL-terminated */
	GHashTable *anchors; /* char* -> Span* */
	GArray *recording;   /* Recording, innermost last */
	gboolean replaying;  /* reading the log rather than the parser */
	gsize replay_next;
	gsize replay_end;
	guint64 alias_events; /* events replayed so far */
	GString *scratch;     /* the value of the replayed scalar being returned */
	gsize read_offset;    /* of the next byte read from fd */
};

VsYcurLimits
vs_ycur_default_limits(void)
{
	return (VsYcurLimits){
		.max_depth = VS_YCUR_MAX_DEPTH,
		.max_scalar = VS_YCUR_MAX_SCALAR,
		.max_alias_events = VS_YCUR_MAX_ALIAS_EVENTS,
	};
}

static void
recording_clear(gpointer data)
{
	Recording *recording = data;

	g_free(recording->anchor);
}

/* pread() all of [offset, offset + size) unless the file ends first: the bytes read. */
static gsize
read_at(int fd, unsigned char *buffer, gsize size, gsize offset, gboolean *failed)
{
	gsize done = 0;

	*failed = FALSE;
	while (done < size) {
		ssize_t got = pread(fd, buffer + done, size - done, (off_t)(offset + done));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*failed = TRUE;
			break;
		}
		if (got == 0)
			break;
		done += (gsize)got;
	}
	return done;
}

/* libyaml's read handler for a cursor over a file: 1 = read (0 bytes at the end). */
static int
read_handler(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
	VsYcur *cur = data;
	gsize want = MIN((gsize)size, cur->length - cur->read_offset);
	gboolean failed;

	*size_read = read_at(cur->fd, buffer, want, cur->read_offset, &failed);
	cur->read_offset += *size_read;
	if (*size_read < want)
		cur->length = cur->read_offset; /* the file shrank: it ends here */
	return failed ? 0 : 1;
}

static VsYcur *
cursor_new(const VsYcurLimits *limits)
{
	VsYcur *cur = g_new0(VsYcur, 1);

	/* yaml_parser_initialize fails only when it cannot allocate its buffers */
	if (!yaml_parser_initialize(&cur->parser))
		g_error("libyaml: out of memory");
	cur->fd = -1;
	cur->limits = limits != NULL ? *limits : vs_ycur_default_limits();
	cur->log = g_array_new(FALSE, FALSE, sizeof(LogEntry));
	cur->text = g_string_new(NULL);
	cur->anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	cur->recording = g_array_new(FALSE, FALSE, sizeof(Recording));
	g_array_set_clear_func(cur->recording, recording_clear);
	cur->scratch = g_string_new(NULL);
	return cur;
}

VsYcur *
vs_ycur_new(const char *data, gsize length, const VsYcurLimits *limits)
{
	VsYcur *cur = cursor_new(limits);

	yaml_parser_set_input_string(&cur->parser, (const unsigned char *)data, length);
	cur->data = data;
	cur->length = length;
	return cur;
}

VsYcur *
vs_ycur_new_fd(int fd, gsize length, const VsYcurLimits *limits)
{
	VsYcur *cur = cursor_new(limits);

	yaml_parser_set_input(&cur->parser, read_handler, cur);
	cur->fd = fd;
	cur->length = length;
	return cur;
}

void
vs_ycur_free(VsYcur *cur)
{
	if (cur == NULL)
		return;
	if (cur->have_event)
		yaml_event_delete(&cur->event);
	yaml_parser_delete(&cur->parser);
	g_clear_error(&cur->failure);
	g_array_unref(cur->log);
	g_string_free(cur->text, TRUE);
	g_hash_table_unref(cur->anchors);
	g_array_unref(cur->recording);
	g_string_free(cur->scratch, TRUE);
	g_free(cur);
}

guint
vs_ycur_depth(const VsYcur *cur)
{
	return cur->depth;
}

guint64
vs_ycur_alias_events(const VsYcur *cur)
{
	return cur->alias_events;
}

/* Records the first error; returns FALSE so callers can `return fail(...)`. */
static gboolean G_GNUC_PRINTF(5, 6)
	fail(VsYcur *cur, VsYcurError code, guint line, guint column, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	if (cur->failure == NULL) {
		cur->failure = g_error_new_valist(VS_YCUR_ERROR, code, format, args);
		cur->fail_line = line;
		cur->fail_column = column;
	}
	va_end(args);
	return FALSE;
}

static gboolean
report_failure(VsYcur *cur, VsYcurEvent *event, GError **error)
{
	memset(event, 0, sizeof(*event));
	event->kind = VS_YCUR_END;
	event->line = cur->fail_line;
	event->column = cur->fail_column;
	g_propagate_error(error, g_error_copy(cur->failure));
	return FALSE;
}

/* Advances line and column (1-based, columns in characters) over n bytes of text. */
static void
count_position(const char *p, gsize n, guint *line, guint *column)
{
	for (const char *end = p + n; p < end; p++) {
		if (*p == '\n') {
			(*line)++;
			*column = 1;
		} else if (((guchar)*p & 0xc0) != 0x80) {
			(*column)++;
		}
	}
}

/* Line and column of a byte offset in the input (read again from the file if need be). */
static void
position_of_offset(const VsYcur *cur, gsize offset, guint *line, guint *column)
{
	gsize stop = MIN(offset, cur->length);

	*line = 1;
	*column = 1;
	if (cur->data != NULL) {
		count_position(cur->data, stop, line, column);
		return;
	}
	for (gsize at = 0; at < stop;) {
		char chunk[65536];
		gboolean failed;
		gsize got = read_at(cur->fd, (unsigned char *)chunk, MIN(sizeof(chunk), stop - at),
				    at, &failed);

		if (got == 0)
			break;
		count_position(chunk, got, line, column);
		at += got;
	}
}

static gboolean
fail_from_parser(VsYcur *cur)
{
	const yaml_parser_t *parser = &cur->parser;
	const char *problem = parser->problem != NULL ? parser->problem : "unknown error";
	guint line, column;

	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		return fail(cur, VS_YCUR_ERROR_LIMIT, 0, 0, "out of memory while reading YAML");
	case YAML_READER_ERROR:
		/* reader errors carry a byte offset, never a mark (build-notes, libyaml 7) */
		position_of_offset(cur, parser->problem_offset, &line, &column);
		if (parser->problem_value != -1)
			return fail(cur, VS_YCUR_ERROR_SYNTAX, line, column,
				    "invalid YAML: %s (#x%X at byte %zu)", problem,
				    (unsigned)parser->problem_value, parser->problem_offset);
		return fail(cur, VS_YCUR_ERROR_SYNTAX, line, column,
			    "invalid YAML: %s (at byte %zu)", problem, parser->problem_offset);
	default:
		line = (guint)parser->problem_mark.line + 1;
		column = (guint)parser->problem_mark.column + 1;
		if (parser->context != NULL)
			return fail(cur, VS_YCUR_ERROR_SYNTAX, line, column,
				    "invalid YAML: %s (%s at line %u, column %u)", problem,
				    parser->context, (guint)parser->context_mark.line + 1,
				    (guint)parser->context_mark.column + 1);
		return fail(cur, VS_YCUR_ERROR_SYNTAX, line, column, "invalid YAML: %s", problem);
	}
}

static void
log_event(VsYcur *cur, const VsYcurEvent *event)
{
	LogEntry entry = {
		.kind = event->kind,
		.plain = event->plain,
		.line = event->line,
		.column = event->column,
		.offset = cur->text->len,
		.length = event->length,
	};

	if (event->kind == VS_YCUR_SCALAR) {
		g_string_append_len(cur->text, event->value, (gssize)event->length);
		g_string_append_c(cur->text, '\0');
	}
	g_array_append_val(cur->log, entry);
}

static void
bind_anchor(VsYcur *cur, const char *anchor, gsize start, gsize end)
{
	Span *span = g_new(Span, 1);

	span->start = start;
	span->end = end;
	g_hash_table_replace(cur->anchors, g_strdup(anchor), span);
}

/*
 * Applies depth, length and anchor bookkeeping to an event about to be
 * returned.  anchor is the anchor it defines (parser events only), or NULL.
 */
static gboolean
emit(VsYcur *cur, const VsYcurEvent *event, const char *anchor)
{
	gboolean recording = cur->recording->len > 0 || anchor != NULL;

	switch (event->kind) {
	case VS_YCUR_MAPPING_START:
	case VS_YCUR_SEQUENCE_START:
		if (cur->depth >= cur->limits.max_depth)
			return fail(cur, VS_YCUR_ERROR_LIMIT, event->line, event->column,
				    "nesting deeper than %u levels; a model file needs far fewer",
				    cur->limits.max_depth);
		cur->depth++;
		if (recording)
			log_event(cur, event);
		if (anchor != NULL) {
			Recording open = {g_strdup(anchor), cur->log->len - 1, cur->depth};

			g_array_append_val(cur->recording, open);
		}
		return TRUE;
	case VS_YCUR_MAPPING_END:
	case VS_YCUR_SEQUENCE_END:
		if (recording)
			log_event(cur, event);
		while (cur->recording->len > 0) {
			Recording *top =
				&g_array_index(cur->recording, Recording, cur->recording->len - 1);

			if (top->depth != cur->depth)
				break;
			bind_anchor(cur, top->anchor, top->start, cur->log->len);
			g_array_set_size(cur->recording, cur->recording->len - 1);
		}
		cur->depth--;
		return TRUE;
	case VS_YCUR_SCALAR:
		if (event->length > cur->limits.max_scalar)
			return fail(cur, VS_YCUR_ERROR_LIMIT, event->line, event->column,
				    "a scalar of %zu bytes; the limit is %zu", event->length,
				    cur->limits.max_scalar);
		if (recording)
			log_event(cur, event);
		if (anchor != NULL)
			bind_anchor(cur, anchor, cur->log->len - 1, cur->log->len);
		return TRUE;
	case VS_YCUR_END:
	default:
		return TRUE;
	}
}

static gboolean
next_replayed(VsYcur *cur, VsYcurEvent *event)
{
	const LogEntry *entry = &g_array_index(cur->log, LogEntry, cur->replay_next);

	if (++cur->alias_events > cur->limits.max_alias_events)
		return fail(cur, VS_YCUR_ERROR_LIMIT, entry->line, entry->column,
			    "aliases expand to more than %" G_GUINT64_FORMAT
			    " events; the file is an alias bomb or needs writing out",
			    cur->limits.max_alias_events);
	/* copied out: logging the replayed event may move the log's buffer */
	g_string_truncate(cur->scratch, 0);
	g_string_append_len(cur->scratch, cur->text->str + entry->offset, (gssize)entry->length);
	*event = (VsYcurEvent){
		.kind = entry->kind,
		.value = cur->scratch->str,
		.length = entry->length,
		.plain = entry->plain,
		.line = entry->line,
		.column = entry->column,
	};
	if (++cur->replay_next == cur->replay_end)
		cur->replaying = FALSE;
	return emit(cur, event, NULL);
}

static gboolean
start_replay(VsYcur *cur, const yaml_event_t *alias)
{
	const char *name = (const char *)alias->data.alias.anchor;
	const Span *span = g_hash_table_lookup(cur->anchors, name);

	if (span == NULL)
		return fail(cur, VS_YCUR_ERROR_SYNTAX, (guint)alias->start_mark.line + 1,
			    (guint)alias->start_mark.column + 1,
			    "alias '*%s' names no anchor defined before it", name);
	cur->replaying = TRUE;
	cur->replay_next = span->start;
	cur->replay_end = span->end;
	return TRUE;
}

gboolean
vs_ycur_next(VsYcur *cur, VsYcurEvent *event, GError **error)
{
	const char *anchor = NULL;

	if (cur->failure != NULL)
		return report_failure(cur, event, error);
	if (cur->replaying) {
		if (!next_replayed(cur, event))
			return report_failure(cur, event, error);
		return TRUE;
	}
	if (cur->done) {
		memset(event, 0, sizeof(*event));
		event->kind = VS_YCUR_END;
		return TRUE;
	}
	for (;;) {
		const yaml_event_t *ye;

		if (cur->have_event) {
			yaml_event_delete(&cur->event);
			cur->have_event = FALSE;
		}
		if (!yaml_parser_parse(&cur->parser, &cur->event)) {
			fail_from_parser(cur);
			return report_failure(cur, event, error);
		}
		cur->have_event = TRUE;
		ye = &cur->event;
		memset(event, 0, sizeof(*event));
		event->line = (guint)ye->start_mark.line + 1;
		event->column = (guint)ye->start_mark.column + 1;
		switch (ye->type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++cur->documents > 1) {
				fail(cur, VS_YCUR_ERROR_SYNTAX, event->line, event->column,
				     "a second YAML document starts here; a model file holds "
				     "exactly one");
				return report_failure(cur, event, error);
			}
			continue;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
		case YAML_NO_EVENT:
			continue;
		case YAML_STREAM_END_EVENT:
			cur->done = TRUE;
			event->kind = VS_YCUR_END;
			return TRUE;
		case YAML_ALIAS_EVENT:
			if (!start_replay(cur, ye) || !next_replayed(cur, event))
				return report_failure(cur, event, error);
			return TRUE;
		case YAML_SCALAR_EVENT:
			event->kind = VS_YCUR_SCALAR;
			event->value = (const char *)ye->data.scalar.value;
			event->length = ye->data.scalar.length;
			event->plain = ye->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			anchor = (const char *)ye->data.scalar.anchor;
			break;
		case YAML_SEQUENCE_START_EVENT:
			event->kind = VS_YCUR_SEQUENCE_START;
			anchor = (const char *)ye->data.sequence_start.anchor;
			break;
		case YAML_SEQUENCE_END_EVENT:
			event->kind = VS_YCUR_SEQUENCE_END;
			break;
		case YAML_MAPPING_START_EVENT:
			event->kind = VS_YCUR_MAPPING_START;
			anchor = (const char *)ye->data.mapping_start.anchor;
			break;
		case YAML_MAPPING_END_EVENT:
		default:
			event->kind = VS_YCUR_MAPPING_END;
			break;
		}
		if (!emit(cur, event, anchor))
			return report_failure(cur, event, error);
		return TRUE;
	}
}
