/*
 * fuzz-scenario.c - the scenario reader's fuzz target: one input is one
 * scenario file, read from memory (vs_scenario_load_data), then freed.  The
 * model it names is not loaded: that is the model loader's target
 * (fuzz-load.c).  Built by `make fuzz` (clang + libFuzzer); tests/fuzz-corpus.c
 * replays scenarios/ and tests/fuzz/scenario-corpus through it in make check.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

int LLVMFuzzerScenarioInput(const uint8_t *data, size_t size);

/* The body, callable next to the model target in one program (tests/fuzz-corpus.c). */
int
LLVMFuzzerScenarioInput(const uint8_t *data, size_t size)
{
	g_autoptr(VsDiagList) diags = vs_diag_list_new(VS_DIAG_DEFAULT_LIMIT);
	g_autoptr(GError) error = NULL;
	g_autoptr(VsScenario) scenario = vs_scenario_load_data(
		(const char *)data, size, "/nonexistent-vnetsim-fuzz/scenario.yaml", diags, &error);

	/* the reader's contract: a scenario, or NULL with an error */
	if ((scenario == NULL) == (error == NULL))
		__builtin_trap();
	return 0;
}

#ifdef VS_FUZZ_SCENARIO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return LLVMFuzzerScenarioInput(data, size);
}
#endif
