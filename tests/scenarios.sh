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
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- 1. the suite
cd "$top_srcdir/scenarios" || exit 99
run_vnetsim test *.yaml
summary=$(tail -n 1 "$tmp/out")
# "67 checks: 62 passed, 0 failed, 5 todo"
checks_passed=$(echo "$summary" | sed -n 's/^[0-9]* checks*: \([0-9]*\) passed.*/\1/p')
checks_failed=$(echo "$summary" | sed -n 's/.* passed, \([0-9]*\) failed.*/\1/p')
checks_todo=$(echo "$summary" | sed -n 's/.* failed, \([0-9]*\) todo$/\1/p')
if [ "$status" -ne 0 ] || [ -s "$tmp/err" ] || [ -z "$checks_passed" ]; then
	fail "scenarios/*.yaml: exit status $status, expected 0"
	cat "$tmp/out" "$tmp/err"
	checks_failed=${checks_failed:-?}
else
	pass
fi
# Each example model has its scenario file.
for model in ../models/*.yaml; do
	name=$(basename "$model")
	[ -f "$name" ] || fail "models/$name has no scenarios/$name"
done

for format in tap junit; do
	status=0
	${VNETSIM_WRAPPER:-} "$VNETSIM" test --format "$format" *.yaml >"$tmp/suite.$format" || status=$?
	if [ "$status" -ne 0 ]; then
		fail "scenarios/*.yaml --format $format: exit status $status, expected 0"
		continue
	fi
	case $format in
	tap)
		plan=$(sed -n '2s/^1\.\.//p' "$tmp/suite.tap")
		results=$(grep -c -E '^(not )?ok [0-9]+ - ' "$tmp/suite.tap")
		if [ "$(head -n 1 "$tmp/suite.tap")" != "TAP version 13" ] || [ "$plan" != "$results" ]; then
			fail "--format tap: no TAP 13 header, or plan 1..$plan for $results results"
			continue
		fi ;;
	junit)
		if command -v xmllint >/dev/null 2>&1 && ! xmllint --noout "$tmp/suite.junit"; then
			fail "--format junit: not well-formed XML (xmllint above)"
			continue
		fi
		if ! grep -q '^<testsuites name="vnetsim test" tests="' "$tmp/suite.junit"; then
			fail "--format junit: no <testsuites> element"
			continue
		fi ;;
	esac
	pass
done

# ---------------------------------------------------------------- 4. --output
status=0
${VNETSIM_WRAPPER:-} "$VNETSIM" test --format junit --output "$tmp/report.xml" two-vms.yaml \
	>"$tmp/output.out" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
	fail "--output: exit status $status, expected 0"
	cat "$tmp/output.out"
elif [ "$(cat "$tmp/output.out")" != "$(${VNETSIM_WRAPPER:-} "$VNETSIM" test two-vms.yaml | tail -n 1)" ]; then
	fail "--output: stdout is not the summary line alone"
	cat "$tmp/output.out"
elif ! head -n 1 "$tmp/report.xml" | grep -q '^<?xml version="1.0" encoding="UTF-8"?>$'; then
	fail "--output: the report file is not the JUnit report"
else
	pass
fi

# ---------------------------------------------------------------- 2. broken models
# broken COPY SCENARIO: scenarios/SCENARIO.yaml against tests/data/broken/COPY.yaml
# (exit 1: scenarios/SCENARIO.yaml must fail, with exactly that report)
broken() {
	expect_output "broken/$1.yaml (scenarios/$2.yaml)" 1 "../tests/data/broken/$1.expected" \
		test --model "../tests/data/broken/$1.yaml" "$2.yaml"
}
broken hub-spoke-no-forwarding hub-spoke
broken dmz-priority dmz

# ---------------------------------------------------------------- 3. bad scenarios
cd "$top_srcdir/tests/data/scenarios" || exit 99
for scenario in bad-*.yaml; do
	expect_rejection "scenarios/$scenario" "${scenario%.yaml}.expected" test "$scenario"
done

report "scenarios: ${checks_passed:-0} passed, ${checks_failed:-0} failed${checks_todo:+ (${checks_todo} todo)}"
summarize test " (the suite, reports, broken models, bad scenarios)"
