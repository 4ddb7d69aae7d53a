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
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 99
cases=tests/data/paths/cases

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
		pass
		continue
	fi
	fail "$name: vnetsim $args"
	echo "  $problem"
	[ -s "$tmp/err" ] && sed 's/^/  stderr| /' "$tmp/err"
	[ -f "$golden" ] && show_diff "$golden" "$tmp/out"
done <"$cases"

summarize check-paths
