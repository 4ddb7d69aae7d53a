#!/bin/sh
# tests/check-paths.sh - end-to-end answers of check, flow, nexthop, rules and
# routes on the example models, compared byte for byte with golden files.
#
# tests/data/paths/cases lists one case per line:
#     NAME STATUS vnetsim-arguments...
# The command runs from the top of the source tree (so model paths in the
# output stay relative), must exit with STATUS, and its stdout must equal
# tests/data/paths/NAME.out.  Each case runs twice: the two outputs must be
# byte-identical (hop ids and probe figures are deterministic).
#
# After an intended change of output, regenerate the goldens with
#     VNETSIM_REGENERATE=1 make check TESTS=tests/check-paths.sh
# and review the diff before committing it.
set -u

if [ -z "${VNETSIM:-}" ] || [ -z "${top_srcdir:-}" ]; then
	echo "check-paths.sh: VNETSIM and top_srcdir must be set; run me through 'make check'" >&2
	exit 99
fi
cd "$top_srcdir" || exit 99
cases=tests/data/paths/cases
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

while read -r name status args; do
	case "$name" in '' | '#'*) continue ;; esac
	golden=tests/data/paths/$name.out
	# shellcheck disable=SC2086 # the arguments are words on purpose
	${VNETSIM_WRAPPER:-} "$VNETSIM" $args >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	# shellcheck disable=SC2086
	${VNETSIM_WRAPPER:-} "$VNETSIM" $args >"$tmp/again" 2>/dev/null </dev/null
	if [ -n "${VNETSIM_REGENERATE:-}" ]; then
		cp "$tmp/out" "$golden"
	fi
	problem=
	if [ "$got" -ne "$status" ]; then
		problem="exit status $got, expected $status"
	elif [ ! -f "$golden" ]; then
		problem="no golden file $golden"
	elif ! cmp -s "$golden" "$tmp/out"; then
		problem="output differs from $golden"
	elif ! cmp -s "$tmp/out" "$tmp/again"; then
		problem="a second run printed something else"
	fi
	if [ -z "$problem" ]; then
		passed=$((passed + 1))
		continue
	fi
	failed=$((failed + 1))
	echo "FAIL: $name: vnetsim $args"
	echo "  $problem"
	[ -s "$tmp/err" ] && sed 's/^/  stderr| /' "$tmp/err"
	[ -f "$golden" ] && diff -u "$golden" "$tmp/out" | sed 's/^/  /'
done <"$cases"

summary="check-paths: $passed passed, $failed failed"
echo "$summary"
{ true >&9; } 2>/dev/null && echo "$summary" >&9
[ "$failed" -eq 0 ]
