#!/bin/sh
# validate.sh - end-to-end test of `vnetsim validate`: every tests/data/bad/*.yaml
# must fail with exit status 2 and exactly the errors of its .expected file on
# stderr; every tests/data/valid/*.yaml must pass with the summary of its
# .expected file on stdout.  Runs inside the data folders so that the paths in
# the messages are relative (the same in VPATH builds and distcheck).
set -u
: "${VNETSIM:?VNETSIM must name the vnetsim binary}"
: "${top_srcdir:=.}"
data="$top_srcdir/tests/data"
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT
passed=0
failed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

cd "$data/bad" || exit 99
for model in *.yaml; do
	name=${model%.yaml}
	status=0
	${VNETSIM_WRAPPER:-} "$VNETSIM" validate "$model" >"$out/$name.out" 2>"$out/$name.err" || status=$?
	if [ "$status" -ne 2 ]; then
		fail "bad/$model: exit status $status, expected 2"
	elif ! diff -u "$name.expected" "$out/$name.err"; then
		fail "bad/$model: stderr differs from bad/$name.expected (diff above)"
	elif [ -s "$out/$name.out" ]; then
		fail "bad/$model: unexpected output on stdout"
	else
		passed=$((passed + 1))
	fi
done

cd "$data/valid" || exit 99
for model in *.yaml; do
	name=${model%.yaml}
	status=0
	${VNETSIM_WRAPPER:-} "$VNETSIM" validate "$model" >"$out/$name.out" 2>"$out/$name.err" || status=$?
	if [ "$status" -ne 0 ]; then
		fail "valid/$model: exit status $status, expected 0"
		cat "$out/$name.err"
	elif ! diff -u "$name.expected" "$out/$name.out"; then
		fail "valid/$model: stdout differs from valid/$name.expected (diff above)"
	else
		passed=$((passed + 1))
	fi
done

msg="validate: $passed passed, $failed failed"
echo "$msg"
{ true >&9; } 2>/dev/null && echo "$msg" >&9
[ "$failed" -eq 0 ]
