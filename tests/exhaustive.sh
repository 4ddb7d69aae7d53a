#!/bin/sh
# exhaustive.sh - end-to-end tests of `vnetsim matrix`, `vnetsim diff` and the
# lint of `vnetsim validate` (--strict, --format sarif): each case runs the
# binary inside the model's folder (so paths in the output stay relative) and
# compares stdout and the exit status with tests/data/exhaustive/NAME.expected.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
expected_dir="$top_srcdir/tests/data/exhaustive"

# NAME DIR STATUS ARGS...: run vnetsim ARGS in $top_srcdir/DIR, expect exit STATUS
# and stdout equal to NAME.expected.  After a deliberate change of output,
#     VNETSIM_REGENERATE=1 make check TESTS=tests/exhaustive.sh
# rewrites the expected files (review the diff before committing it).
run() {
	name=$1 dir=$2 want_status=$3
	shift 3
	cd "$top_srcdir/$dir" || exit 99
	expect_output "$name" "$want_status" "$expected_dir/$name.expected" "$@"
}

run matrix-hub-spoke-1433 models 0 matrix hub-spoke.yaml --port 1433
run matrix-dmz-22-csv models 0 matrix dmz.yaml --port 22 --format csv
run matrix-peering-icmp-json models 0 matrix peering-gotchas.yaml --protocol icmp --format json
run matrix-peering-443 models 0 matrix peering-gotchas.yaml --port 443
run matrix-two-vms-open models 0 matrix two-vms.yaml
run matrix-two-vms-open-json models 0 matrix two-vms.yaml --format json
run matrix-no-port models 2 matrix two-vms.yaml --protocol udp
run diff-one-rule tests/data/diff 1 diff old.yaml new.yaml
run diff-one-rule-json tests/data/diff 1 diff new.yaml old.yaml --format json
run diff-one-rule-sarif tests/data/diff 1 diff new.yaml old.yaml --format sarif
run diff-refactor tests/data/diff 0 diff old.yaml refactor.yaml
run diff-refactor-json tests/data/diff 0 diff old.yaml refactor.yaml --format json
run validate-gotchas models 0 validate peering-gotchas.yaml
run validate-gotchas-strict models 1 validate --strict peering-gotchas.yaml
run validate-clean-strict models 0 validate --strict two-vms.yaml
run validate-gotchas-sarif models 0 validate --format sarif peering-gotchas.yaml

summarize exhaustive
