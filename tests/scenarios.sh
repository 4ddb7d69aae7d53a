#!/bin/sh
# scenarios.sh - end-to-end test of `vnetsim test`.
#
#   1. every scenario of scenarios/ (one per example model) passes: exit 0,
#      and the line "scenarios: N passed, M failed" counts its checks;
#   2. the same scenarios, run against a deliberately broken copy of their
#      model (tests/data/broken/), fail where they should, exit 1, with
#      exactly the report of the broken copy's .expected file;
#   3. every bad scenario (tests/data/scenarios/bad-*.yaml) is exit 2 with
#      exactly the positioned errors of its .expected file on stderr;
#   4. --output writes the report to a file and prints the summary line;
#      the TAP and JUnit reports of the suite are well formed.
#
# Runs inside the folders so that paths in messages are relative (the same
# in VPATH builds and distcheck).  Prints a diff for every difference.
set -u
: "${VNETSIM:?VNETSIM must name the vnetsim binary}"
: "${top_srcdir:=.}"
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT
passed=0
failed=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# ---------------------------------------------------------------- 1. the suite
cd "$top_srcdir/scenarios" || exit 99
status=0
${VNETSIM_WRAPPER:-} "$VNETSIM" test *.yaml >"$out/suite.out" 2>"$out/suite.err" || status=$?
summary=$(tail -n 1 "$out/suite.out")
# "67 checks: 62 passed, 0 failed, 5 todo"
checks_passed=$(echo "$summary" | sed -n 's/^[0-9]* checks*: \([0-9]*\) passed.*/\1/p')
checks_failed=$(echo "$summary" | sed -n 's/.* passed, \([0-9]*\) failed.*/\1/p')
checks_todo=$(echo "$summary" | sed -n 's/.* failed, \([0-9]*\) todo$/\1/p')
if [ "$status" -ne 0 ] || [ -s "$out/suite.err" ] || [ -z "$checks_passed" ]; then
	fail "scenarios/*.yaml: exit status $status, expected 0"
	cat "$out/suite.out" "$out/suite.err"
	checks_failed=${checks_failed:-?}
else
	passed=$((passed + 1))
fi
# Each example model has its scenario file.
for model in ../models/*.yaml; do
	name=$(basename "$model")
	[ -f "$name" ] || fail "models/$name has no scenarios/$name"
done

for format in tap junit; do
	status=0
	${VNETSIM_WRAPPER:-} "$VNETSIM" test --format "$format" *.yaml >"$out/suite.$format" || status=$?
	if [ "$status" -ne 0 ]; then
		fail "scenarios/*.yaml --format $format: exit status $status, expected 0"
		continue
	fi
	case $format in
	tap)
		plan=$(sed -n '2s/^1\.\.//p' "$out/suite.tap")
		results=$(grep -c -E '^(not )?ok [0-9]+ - ' "$out/suite.tap")
		if [ "$(head -n 1 "$out/suite.tap")" != "TAP version 13" ] || [ "$plan" != "$results" ]; then
			fail "--format tap: no TAP 13 header, or plan 1..$plan for $results results"
			continue
		fi ;;
	junit)
		if command -v xmllint >/dev/null 2>&1 && ! xmllint --noout "$out/suite.junit"; then
			fail "--format junit: not well-formed XML (xmllint above)"
			continue
		fi
		if ! grep -q '^<testsuites name="vnetsim test" tests="' "$out/suite.junit"; then
			fail "--format junit: no <testsuites> element"
			continue
		fi ;;
	esac
	passed=$((passed + 1))
done

# ---------------------------------------------------------------- 4. --output
status=0
${VNETSIM_WRAPPER:-} "$VNETSIM" test --format junit --output "$out/report.xml" two-vms.yaml \
	>"$out/output.out" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
	fail "--output: exit status $status, expected 0"
	cat "$out/output.out"
elif [ "$(cat "$out/output.out")" != "$(${VNETSIM_WRAPPER:-} "$VNETSIM" test two-vms.yaml | tail -n 1)" ]; then
	fail "--output: stdout is not the summary line alone"
	cat "$out/output.out"
elif ! head -n 1 "$out/report.xml" | grep -q '^<?xml version="1.0" encoding="UTF-8"?>$'; then
	fail "--output: the report file is not the JUnit report"
else
	passed=$((passed + 1))
fi

# ---------------------------------------------------------------- 2. broken models
# broken COPY SCENARIO: scenarios/SCENARIO.yaml against tests/data/broken/COPY.yaml
broken() {
	status=0
	${VNETSIM_WRAPPER:-} "$VNETSIM" test --model "../tests/data/broken/$1.yaml" "$2.yaml" \
		>"$out/$1.out" 2>"$out/$1.err" || status=$?
	if [ "$status" -ne 1 ]; then
		fail "broken/$1.yaml: exit status $status, expected 1 (scenarios/$2.yaml must fail)"
		cat "$out/$1.err"
	elif ! diff -u "../tests/data/broken/$1.expected" "$out/$1.out"; then
		fail "broken/$1.yaml: the report differs from broken/$1.expected (diff above)"
	else
		passed=$((passed + 1))
	fi
}
broken hub-spoke-no-forwarding hub-spoke
broken dmz-priority dmz

# ---------------------------------------------------------------- 3. bad scenarios
cd "$top_srcdir/tests/data/scenarios" || exit 99
for scenario in bad-*.yaml; do
	name=${scenario%.yaml}
	status=0
	${VNETSIM_WRAPPER:-} "$VNETSIM" test "$scenario" >"$out/$name.out" 2>"$out/$name.err" || status=$?
	if [ "$status" -ne 2 ]; then
		fail "scenarios/$scenario: exit status $status, expected 2"
	elif ! diff -u "$name.expected" "$out/$name.err"; then
		fail "scenarios/$scenario: stderr differs from $name.expected (diff above)"
	elif [ -s "$out/$name.out" ]; then
		fail "scenarios/$scenario: unexpected output on stdout"
	else
		passed=$((passed + 1))
	fi
done

msg="scenarios: ${checks_passed:-0} passed, ${checks_failed:-0} failed${checks_todo:+ (${checks_todo} todo)}"
echo "$msg"
{ true >&9; } 2>/dev/null && echo "$msg" >&9
msg="test: $passed passed, $failed failed (the suite, reports, broken models, bad scenarios)"
echo "$msg"
{ true >&9; } 2>/dev/null && echo "$msg" >&9
[ "$failed" -eq 0 ]
