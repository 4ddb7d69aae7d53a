/*
 * diag.c - the list of positioned errors and warnings about an input file.
 */
#include "config.h"

#include "diag.h"

void
vs_diag_free(VsDiag *diag)
{
	if (diag == NULL)
		return;
	g_free(diag->file);
	g_free(diag->path);
	g_free(diag->message);
	g_free(diag->code);
	g_free(diag);
}

VsDiagList *
vs_diag_list_new(guint limit)
{
	VsDiagList *list = g_new0(VsDiagList, 1);

	list->items = g_ptr_array_new_with_free_func((GDestroyNotify)vs_diag_free);
	list->limit = limit == 0 ? VS_DIAG_DEFAULT_LIMIT : limit;
	return list;
}

void
vs_diag_list_free(VsDiagList *list)
{
	if (list == NULL)
		return;
	g_ptr_array_unref(list->items);
	g_free(list);
}

void
vs_diag_addv(VsDiagList *list, VsSeverity severity, VsPos pos, const char *path, const char *code,
	     const char *format, va_list args)
{
	VsDiag *diag;

	if (severity == VS_SEVERITY_WARNING) {
		list->warnings++;
	} else if (vs_diag_list_full(list)) {
		list->errors++;
		list->dropped++;
		return;
	} else {
		list->errors++;
	}
	diag = g_new0(VsDiag, 1);
	diag->severity = severity;
	diag->seq = list->items->len;
	diag->file = g_strdup(pos.file != NULL ? pos.file : "");
	diag->line = pos.line;
	diag->column = pos.column;
	diag->path = g_strdup(path != NULL ? path : "");
	diag->code = g_strdup(code != NULL ? code : "");
	diag->message = g_strdup_vprintf(format, args);
	g_ptr_array_add(list->items, diag);
}

void
vs_diag_add(VsDiagList *list, VsSeverity severity, VsPos pos, const char *path, const char *code,
	    const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vs_diag_addv(list, severity, pos, path, code, format, args);
	va_end(args);
}

gboolean
vs_diag_list_full(const VsDiagList *list)
{
	/* only errors are ever dropped, so the kept ones are all but the dropped */
	return list->errors - list->dropped >= list->limit;
}

static guint
file_rank(GPtrArray *files, const char *file)
{
	for (guint rank = 0; rank < files->len; rank++)
		if (g_strcmp0(g_ptr_array_index(files, rank), file) == 0)
			return rank;
	return files->len;
}

static gint
compare_diags(gconstpointer a, gconstpointer b, gpointer files)
{
	const VsDiag *x = *(VsDiag *const *)a, *y = *(VsDiag *const *)b;
	guint rank_x = file_rank(files, x->file), rank_y = file_rank(files, y->file);

	if (rank_x != rank_y)
		return rank_x < rank_y ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

void
vs_diag_list_sort(VsDiagList *list)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new();

	/* files keep the order in which they were first complained about */
	for (guint i = 0; i < list->items->len; i++) {
		VsDiag *diag = g_ptr_array_index(list->items, i);

		if (file_rank(files, diag->file) == files->len)
			g_ptr_array_add(files, diag->file);
	}
	/* seq makes the order total, so the sort's stability does not matter */
	g_ptr_array_sort_with_data(list->items, compare_diags, files);
}

char *
vs_diag_format(const VsDiag *diag)
{
	const char *kind = diag->severity == VS_SEVERITY_ERROR ? "error" : "warning";
	GString *out = g_string_new(diag->file);

	if (diag->line > 0)
		g_string_append_printf(out, ":%u:%u", diag->line, diag->column);
	g_string_append_printf(out, ": %s: ", kind);
	if (diag->path[0] != '\0')
		g_string_append_printf(out, "%s: ", diag->path);
	g_string_append(out, diag->message);
	return g_string_free(out, FALSE);
}
