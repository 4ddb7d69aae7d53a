#!/bin/sh
# validate.sh - end-to-end test of `vnetsim validate`: every tests/data/bad/*.yaml
# must fail with exit status 2 and exactly the errors of its .expected file on
# stderr; every tests/data/valid/*.yaml must pass with the summary of its
# .expected file on stdout.  Runs inside the data folders so that the paths in
# the messages are relative (the same in VPATH builds and distcheck).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

cd "$top_srcdir/tests/data/bad" || exit 99
for model in *.yaml; do
	expect_rejection "bad/$model" "${model%.yaml}.expected" validate "$model"
done

cd "$top_srcdir/tests/data/valid" || exit 99
for model in *.yaml; do
	expect_output "valid/$model" 0 "${model%.yaml}.expected" validate "$model"
done

summarize validate
