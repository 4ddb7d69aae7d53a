/*
 * load.c - reads a model file (YAML) into a VsModel, checking every key
 * against the model contract and reporting every problem of the file at once.
 *
 * The loader is split by job: this file reads files (size limit, UTF-8 and NUL
 * checks, includes) and drives the top-level mapping, whose keys are read by
 * the section modules of load-sections.h; load-core.c holds the machinery
 * (paths, diagnostics, the generic mapping and list readers), load-value.c
 * the strict value readers.  Values are parsed into binary form as they are
 * read; names that refer to other objects are recorded as references
 * (load-core.h) and resolved by load-check.c once every file is read, so an
 * object may be referenced before it is defined, or from another file.
 *
 * DOC: memory.  A load holds the model, not the file: a regular file is read
 * twice in 64 KiB chunks (its bytes checked, then parsed; see Text below), and
 * what the loader keeps for its own checks is small and short-lived (Wheres
 * local to a list item, references only for names not yet defined, one set
 * of tables for every NSG's checks, port and prefix lists shared between
 * rules).  Peak RSS of a load is about 3.5x the file at M and L, libraries
 * included (bench/RESULTS.md).
 *
 * An error never stops the reading of the rest of the file unless the YAML
 * itself is broken or a resource limit is hit: those end the file ("fatal")
 * and skip the whole-model checks, which would only add noise.
 *
 * Include rules (for the man page): `include` is a top-level list of paths,
 * relative to the directory of the file that names them.  Included files are
 * read after the including file, depth first, in list order; their lists are
 * appended and their serviceTags and latency.regionPairs merged.  An included
 * file may repeat `name`, `subscriptionId` and `location` only with the root
 * file's values (so a part can carry the same header), and each latency
 * setting and internet.reachable may be set in one file only.  A file that is
 * included twice (not in a cycle) is read once; a file that includes itself,
 * directly or not, is an error, as is nesting deeper than VS_LOAD_MAX_INCLUDE_DEPTH.
 */
#include "config.h"

#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load-core.h"
#include "load-sections.h"
#include "load-value.h"

/* the quark name is stringified as written: keep it unformatted */
/* clang-format off */
G_DEFINE_QUARK(vs-load-error-quark, vs_load_error)
/* clang-format on */

typedef struct {
	char *path;
	Where *where;
} Include;

static void
include_free(Include *include)
{
	g_free(include->path);
	g_free(include);
}

static void
item_include(Loader *ld, void *parent, const VsYcurEvent *event)
{
	const char *path = vs_load_scalar(ld, event, "a file name");
	Include *include;

	if (path == NULL)
		return;
	include = g_new0(Include, 1);
	include->path = g_strdup(path);
	include->where = vs_load_where_here(ld, event);
	g_ptr_array_add(ld->includes, include);
}

static void
key_top_include(Loader *ld, void *state, const VsYcurEvent *event)
{
	vs_load_parse_list(ld, event, "a list of file names", "include", KIND_OTHER, item_include,
			   NULL);
}

static const KeyDef top_keys[] = {
	{"name", vs_load_key_name, FALSE}, /* required in the root file only: checked below */
	{"subscriptionId", vs_load_key_subscription, FALSE},
	{"location", vs_load_key_location, FALSE},
	{"vnets", vs_load_key_vnets, FALSE},
	{"networkSecurityGroups", vs_load_key_nsgs, FALSE},
	{"applicationSecurityGroups", vs_load_key_asgs, FALSE},
	{"serviceTags", vs_load_key_service_tags, FALSE},
	{"routeTables", vs_load_key_route_tables, FALSE},
	{"virtualMachines", vs_load_key_vms, FALSE},
	{"dns", vs_load_key_dns, FALSE},
	{"internet", vs_load_key_internet, FALSE},
	{"latency", vs_load_key_latency, FALSE},
	{"include", key_top_include, FALSE},
};
static const MapDef top_map = {"the top level", FALSE, top_keys, G_N_ELEMENTS(top_keys)};

/* ---------------------------------------------------------------- files */

/*
 * The text of one file.  A regular file is not read into memory: it is read
 * twice in small chunks, once to check its bytes and once by the parser
 * (ycur.c), so a load never holds the whole file (the file stays in the page
 * cache, not in the process).  Pipes and the like, which cannot be read twice,
 * and vs_load_data()'s text are in memory.
 */
typedef struct {
	const char *data; /* NULL: read from fd */
	int fd;           /* -1 when data is in memory */
	gsize length;
	char *owned; /* data, when read here */
} Text;

static void
text_close(Text *text)
{
	g_clear_pointer(&text->owned, g_free);
	if (text->fd >= 0)
		close(text->fd);
	text->fd = -1;
}

/* pread() [offset, offset + size) unless the file ends first: the bytes read. */
static gsize
read_at(int fd, char *buffer, gsize size, gsize offset)
{
	gsize done = 0;

	while (done < size) {
		ssize_t got = pread(fd, buffer + done, size - done, (off_t)(offset + done));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* an error now is the parser's "input error" later */
		done += (gsize)got;
	}
	return done;
}

/* The first NUL byte or invalid UTF-8 sequence in data: FALSE when there is none. */
static gboolean
find_bad_byte_from(const char *data, gsize length, gsize *offset, gboolean *is_nul)
{
	const char *end = NULL, *nul = memchr(data, '\0', length);
	gsize valid = nul != NULL ? (gsize)(nul - data) : length;
	gboolean utf8_ok = g_utf8_validate_len(data, valid, &end);

	*offset = 0;
	if (nul == NULL && utf8_ok)
		return FALSE;
	*offset = (gsize)(end - data);
	*is_nul = utf8_ok;
	return TRUE;
}

/* How many bytes data starts with that are ASCII and not NUL, 8 at a time. */
static gsize
ascii_prefix(const char *data, gsize length)
{
	const guint64 ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	gsize at = 0;

	for (; at + 8 <= length; at += 8) {
		guint64 word;

		memcpy(&word, data + at, 8);
		/* a high bit set, or a zero byte (the classic has-zero test) */
		if ((word & highs) != 0 || ((word - ones) & ~word & highs) != 0)
			break;
	}
	return at;
}

/*
 * The same as find_bad_byte_from, faster: a model file is mostly ASCII and
 * g_utf8_validate_len() goes byte by byte, so runs of plain ASCII are skipped
 * a word at a time and only the stretches around other bytes are validated.
 * A stretch ends before an ASCII byte, which always starts a character, so
 * the first problem is found at the same offset.
 */
static gboolean
find_bad_byte_in(const char *data, gsize length, gsize *offset, gboolean *is_nul)
{
	gsize at = 0;

	while (at < length) {
		gsize end;

		at += ascii_prefix(data + at, length - at);
		end = MIN(at + 64, length);
		while (end < length && ((guchar)data[end] & 0x80) != 0)
			end++;
		if (find_bad_byte_from(data + at, end - at, offset, is_nul)) {
			*offset += at;
			return TRUE;
		}
		at = end;
	}
	return FALSE;
}

#define CHUNK 65536

/* The same for text, a chunk at a time; a file that shrank meanwhile ends early. */
static gboolean
find_bad_byte(Text *text, gsize *offset, gboolean *is_nul, guchar *byte)
{
	g_autofree char *chunk = NULL;
	gsize base = 0, carry = 0;

	if (text->data != NULL) {
		if (!find_bad_byte_in(text->data, text->length, offset, is_nul))
			return FALSE;
		*byte = (guchar)text->data[*offset];
		return TRUE;
	}
	chunk = g_malloc(CHUNK + 4);
	while (base + carry < text->length) {
		gsize got = read_at(text->fd, chunk + carry,
				    MIN(CHUNK, text->length - base - carry), base + carry);
		gsize n = carry + got, bad;

		if (got == 0) {
			text->length = base + carry;
			break;
		}
		if (!find_bad_byte_in(chunk, n, &bad, is_nul)) {
			base += n;
			carry = 0;
			continue;
		}
		/* a sequence cut by the end of the chunk is carried into the next one */
		if (!*is_nul && base + n < text->length &&
		    g_utf8_get_char_validated(chunk + bad, (gssize)(n - bad)) == (gunichar)-2) {
			carry = n - bad;
			memmove(chunk, chunk + bad, carry);
			base += bad;
			continue;
		}
		*offset = base + bad;
		*byte = (guchar)chunk[bad];
		return TRUE;
	}
	if (carry > 0) { /* the file ended inside a sequence */
		*offset = base;
		*is_nul = FALSE;
		*byte = (guchar)chunk[0];
		return TRUE;
	}
	return FALSE;
}

/* Line and column (1-based, columns in characters) of a byte offset in text. */
static void
text_position(const Text *text, gsize offset, guint *line, guint *column)
{
	char chunk[4096];

	*line = 1;
	*column = 1;
	for (gsize at = 0; at < offset;) {
		gsize n = MIN(sizeof(chunk), offset - at);
		const char *p = text->data != NULL ? text->data + at : chunk;

		if (text->data == NULL && (n = read_at(text->fd, chunk, n, at)) == 0)
			break;
		for (const char *end = p + n; p < end; p++) {
			if (*p == '\n') {
				(*line)++;
				*column = 1;
			} else if (((guchar)*p & 0xc0) != 0x80) {
				(*column)++;
			}
		}
		at += n;
	}
}

/* The first NUL byte or invalid UTF-8 sequence, as a fatal error at its place. */
static gboolean
check_text(Loader *ld, Text *text)
{
	gsize offset;
	gboolean is_nul;
	guchar byte;
	guint line, column;

	if (!find_bad_byte(text, &offset, &is_nul, &byte))
		return TRUE;
	text_position(text, offset, &line, &column);
	if (!is_nul)
		vs_load_fatal(
			ld, line, column, FALSE,
			"invalid UTF-8 (byte 0x%02X at offset %zu); a model file is UTF-8 text",
			byte, offset);
	else
		vs_load_fatal(ld, line, column, FALSE,
			      "NUL byte at offset %zu; a model file is UTF-8 text", offset);
	return FALSE;
}

static void load_includes(Loader *ld, GPtrArray *includes, const char *including);

/* Reads one file's text into the model, then its includes. */
static void
load_text(Loader *ld, Text *text, const char *name)
{
	g_autoptr(GPtrArray) includes =
		g_ptr_array_new_with_free_func((GDestroyNotify)include_free);
	VsYcurEvent event;

	ld->file = vs_model_intern_file(ld->model, name);
	ld->fatal = FALSE;
	ld->includes = includes;
	if (check_text(ld, text)) {
		ld->cur = text->data != NULL ? vs_ycur_new(text->data, text->length, NULL)
					     : vs_ycur_new_fd(text->fd, text->length, NULL);
		if (vs_load_next(ld, &event)) {
			if (event.kind == VS_YCUR_END) {
				vs_load_fatal(
					ld, event.line ? event.line : 1, 1, FALSE,
					"empty file; expected a mapping with at least 'name'");
			} else {
				MapState map;

				if (vs_load_parse_map(ld, &top_map, NULL, &map, &event) &&
				    ld->is_root && !(map.seen & 1u))
					vs_load_error_pos(
						ld, map.start, "missing-key",
						"missing required key 'name' at the top level");
				if (vs_load_next(ld, &event) && event.kind != VS_YCUR_END)
					vs_load_fatal(ld, event.line, event.column, FALSE,
						      "unexpected content after the document");
			}
		}
		g_clear_pointer(&ld->cur, vs_ycur_free);
	}
	vs_load_flush(ld);
	ld->includes = NULL;
	ld->is_root = FALSE;
	if (!ld->fatal)
		load_includes(ld, includes, name);
}

static gboolean
same_file(FileId a, FileId b)
{
	return a.dev == b.dev && a.ino == b.ino;
}

/*
 * Opens path, at most VS_LOAD_MAX_FILE_SIZE bytes, into text (text_close() it).
 * A regular file is kept open, to be read as it is parsed (Text); anything else
 * is read into memory here (as is a regular file whose size says 0, like those
 * of /proc), with plain read() so that a FIFO or /dev/zero cannot make it read
 * forever.  An included file must be a
 * regular file (is_include): a model must not make vnetsim wait on a FIFO or
 * a terminal it names; the file given on the command line may be a pipe
 * (`vnetsim validate <(generate)`).  Opened without blocking, so that even
 * opening a FIFO without a writer cannot hang.
 */
static gboolean
read_file(const char *path, gboolean is_include, Text *text, FileId *id, gboolean *limit,
	  GError **error)
{
	g_autoptr(GByteArray) buffer = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (is_include ? O_NONBLOCK : 0));

	*limit = FALSE;
	if (fd < 0) {
		int saved = errno;

		g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_IO, "cannot read '%s': %s", path,
			    g_strerror(saved));
		return FALSE;
	}
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_IO,
			    "cannot read '%s': it is a directory; expected a model file", path);
		close(fd);
		return FALSE;
	}
	if (is_include && !S_ISREG(st.st_mode)) {
		g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_IO,
			    "cannot read '%s': it is not a regular file; expected a model file",
			    path);
		close(fd);
		return FALSE;
	}
	if (S_ISREG(st.st_mode) && st.st_size > VS_LOAD_MAX_FILE_SIZE) {
		/* refused before reading a byte (a sparse file of any size costs nothing) */
		g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_LIMIT,
			    "'%s' is larger than %u MiB, the limit for a model file", path,
			    VS_LOAD_MAX_FILE_SIZE / (1024 * 1024));
		*limit = TRUE;
		close(fd);
		return FALSE;
	}
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		*text = (Text){NULL, fd, (gsize)st.st_size, NULL};
		return TRUE;
	}
	buffer = g_byte_array_sized_new(4096);
	for (;;) {
		guint8 chunk[65536];
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int saved = errno;

			g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_IO, "cannot read '%s': %s",
				    path, g_strerror(saved));
			close(fd);
			return FALSE;
		}
		if (got == 0)
			break;
		if (buffer->len + (gsize)got > VS_LOAD_MAX_FILE_SIZE) {
			g_set_error(error, VS_LOAD_ERROR, VS_LOAD_ERROR_LIMIT,
				    "'%s' is larger than %u MiB, the limit for a model file", path,
				    VS_LOAD_MAX_FILE_SIZE / (1024 * 1024));
			*limit = TRUE;
			close(fd);
			return FALSE;
		}
		g_byte_array_append(buffer, chunk, (guint)got);
	}
	close(fd);
	text->fd = -1;
	text->length = buffer->len;
	g_byte_array_append(buffer, (const guint8 *)"", 1); /* NUL-terminated for safety */
	text->owned = (char *)g_byte_array_free(g_steal_pointer(&buffer), FALSE);
	text->data = text->owned;
	return TRUE;
}

static char *
include_path(const char *including, const char *path)
{
	g_autofree char *dir = NULL;

	if (g_path_is_absolute(path))
		return g_strdup(path);
	dir = g_path_get_dirname(including);
	if (strcmp(dir, ".") == 0)
		return g_strdup(path);
	return g_build_filename(dir, path, NULL);
}

static void load_opened_include(Loader *ld, const Include *include, const char *path, Text *text,
				FileId id);

static void
load_include(Loader *ld, const Include *include, const char *including)
{
	g_autofree char *path = include_path(including, include->path);
	g_autoptr(GError) error = NULL;
	Text text = {NULL, -1, 0, NULL};
	FileId id;
	gboolean limit;

	if (ld->include_depth >= VS_LOAD_MAX_INCLUDE_DEPTH) {
		vs_load_error_at(ld, include->where, "include",
				 "includes nested deeper than %u files", VS_LOAD_MAX_INCLUDE_DEPTH);
		return;
	}
	if (ld->files_read->len >= VS_LOAD_MAX_FILES) {
		vs_load_error_at(ld, include->where, "limit", "more than %u files included",
				 VS_LOAD_MAX_FILES);
		ld->limit_hit = TRUE;
		return;
	}
	if (!read_file(path, TRUE, &text, &id, &limit, &error)) {
		vs_load_error_at(ld, include->where, "include", "%s", error->message);
		ld->limit_hit |= limit;
		return;
	}
	load_opened_include(ld, include, path, &text, id);
	text_close(&text);
}

/* The rest of load_include, once the file is open: cycles, repeats and the size limit. */
static void
load_opened_include(Loader *ld, const Include *include, const char *path, Text *text, FileId id)
{
	for (guint i = 0; i < ld->file_stack->len; i++) {
		if (same_file(g_array_index(ld->file_stack, FileId, i), id)) {
			g_autoptr(GString) chain = g_string_new(NULL);

			for (guint j = i; j < ld->file_stack_names->len; j++)
				g_string_append_printf(
					chain, "%s -> ",
					(char *)g_ptr_array_index(ld->file_stack_names, j));
			g_string_append(chain, path);
			vs_load_error_at(ld, include->where, "include-cycle", "include cycle: %s",
					 chain->str);
			return;
		}
	}
	for (guint i = 0; i < ld->files_read->len; i++)
		if (same_file(g_array_index(ld->files_read, FileId, i), id))
			return; /* read once: a second include of the same file adds nothing */
	ld->total_bytes += text->length;
	if (ld->total_bytes > VS_LOAD_MAX_FILE_SIZE) {
		vs_load_error_at(ld, include->where, "limit",
				 "the model's files hold more than %u MiB together, the limit",
				 VS_LOAD_MAX_FILE_SIZE / (1024 * 1024));
		ld->limit_hit = TRUE;
		return;
	}
	g_array_append_val(ld->files_read, id);
	g_array_append_val(ld->file_stack, id);
	g_ptr_array_add(ld->file_stack_names, g_strdup(path));
	ld->include_depth++;
	load_text(ld, text, path);
	ld->include_depth--;
	g_array_set_size(ld->file_stack, ld->file_stack->len - 1);
	g_ptr_array_set_size(ld->file_stack_names, ld->file_stack_names->len - 1);
}

static void
load_includes(Loader *ld, GPtrArray *includes, const char *including)
{
	for (guint i = 0; i < includes->len; i++)
		load_include(ld, g_ptr_array_index(includes, i), including);
}

/* Whole-model checks, then the verdict: the model, or NULL with error set. */
static VsModel *
finish(Loader *ld, const char *name, GError **error)
{
	guint errors;

	if (!ld->any_fatal) {
		vs_load_resolve(ld);
		vs_model_finish(ld->model, ld->diags);
	}
	errors = ld->diags->errors - ld->errors_before;
	if (errors == 0)
		return g_steal_pointer(&ld->model);
	g_set_error(error, VS_LOAD_ERROR,
		    ld->limit_hit ? VS_LOAD_ERROR_LIMIT : VS_LOAD_ERROR_INVALID, "%s: %u error%s",
		    name, errors, errors == 1 ? "" : "s");
	return NULL;
}

VsModel *
vs_load_data(const char *data, gsize length, const char *name, VsDiagList *diags, GError **error)
{
	g_autoptr(Loader) ld = NULL;

	g_return_val_if_fail(data != NULL || length == 0, NULL);
	g_return_val_if_fail(name != NULL && diags != NULL, NULL);
	ld = vs_load_loader_new(diags);
	if (length > VS_LOAD_MAX_FILE_SIZE) {
		ld->file = vs_model_intern_file(ld->model, name);
		vs_load_fatal(ld, 0, 0, TRUE, "the file is larger than %u MiB, the limit",
			      VS_LOAD_MAX_FILE_SIZE / (1024 * 1024));
	} else {
		ld->total_bytes = length;
		g_ptr_array_add(ld->file_stack_names, g_strdup(name));
		/* data has no file identity: a cycle back to it is caught by the depth limit */
		{
			FileId none = {(dev_t)-1, (ino_t)-1};

			g_array_append_val(ld->file_stack, none);
		}
		Text text = {data ? data : "", -1, length, NULL};

		load_text(ld, &text, name);
	}
	return finish(ld, name, error);
}

VsModel *
vs_load_file(const char *path, VsDiagList *diags, GError **error)
{
	g_autoptr(Loader) ld = NULL;
	Text text = {NULL, -1, 0, NULL};
	FileId id;
	gboolean limit;
	VsModel *model;

	g_return_val_if_fail(path != NULL && diags != NULL, NULL);
	if (!read_file(path, FALSE, &text, &id, &limit, error))
		return NULL;
	ld = vs_load_loader_new(diags);
	ld->total_bytes = text.length;
	g_array_append_val(ld->file_stack, id);
	g_array_append_val(ld->files_read, id);
	g_ptr_array_add(ld->file_stack_names, g_strdup(path));
	load_text(ld, &text, path);
	text_close(&text);
	model = finish(ld, path, error);
	return model;
}
