/*
 * fuzz-load.c - the model loader's fuzz target: one input is one model file,
 * loaded from memory the way `vnetsim validate` loads a file, then freed.
 * Built with libFuzzer by `make fuzz` (clang), and linked into
 * tests/fuzz-corpus.c, which feeds it the corpus in `make check` without
 * clang.  Whatever the input, the load must end with a model or an error
 * list, never a crash, a leak, a hang or a sanitizer report.
 *
 * The input is named as a file in a directory that does not exist, so that
 * relative includes fail the same way on every machine; absolute includes
 * are read as in real use (regular files only, within the size limits).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(VS_DIAG_DEFAULT_LIMIT);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsModel) model = vs_load_data(
		(const char *)data, size, "/nonexistent-vnetsim-fuzz/fuzz.yaml", diags, &error);

	/* the loader's contract: a model, or NULL with an error and positioned diagnostics */
	if (model == NULL && (error == NULL || diags->errors == 0))
		__builtin_trap();
	if (model != NULL && error != NULL)
		__builtin_trap();
	return 0;
}
