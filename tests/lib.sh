# tests/lib.sh - what the end-to-end scripts share.  POSIX sh, sourced (not
# run) by each script after `set -u`:
#
#     . "$(dirname "$0")/lib.sh"
#
# (make check runs a script by its path in the source tree, so this finds the
# library in VPATH builds and make distcheck too.)  Sourcing it
#   - requires VNETSIM, the binary under test; top_srcdir defaults to the
#     folder above tests/, so a script also runs by hand;
#   - makes a temporary folder $tmp, removed when the script exits;
#   - sets the counters passed and failed to 0.
# and gives these functions:
#   pass                         counts a case that passed
#   fail MESSAGE                 counts a case that failed, printing "FAIL: MESSAGE"
#   show_diff WANT GOT           prints diff -u WANT GOT, indented under the FAIL line
#   run_vnetsim ARGS...          runs ${VNETSIM_WRAPPER:-} $VNETSIM ARGS (so that
#                                valgrind can wrap it), stdout to $tmp/out, stderr to
#                                $tmp/err, stdin from /dev/null; its exit status in $status
#   rejected_as WHAT WANT        the last run exited 2 with nothing on stdout and
#                                exactly the file WANT on stderr; else prints what
#                                differs (after "FAIL: WHAT") and returns 1, counting nothing
#   expect_rejection WHAT WANT ARGS...   run_vnetsim ARGS, then rejected_as, counted
#   expect_output WHAT STATUS WANT ARGS...  run_vnetsim ARGS must exit STATUS with
#                                stdout exactly the file WANT (stderr is not compared,
#                                but shown on a failure); counted.  After a deliberate
#                                change of output, VNETSIM_REGENERATE=1 rewrites WANT
#                                from a run that exits STATUS (review the diff)
#   report LINE                  prints LINE here and on file descriptor 9 (the
#                                terminal under make check) when that is open
#   summarize LABEL [DETAIL]     reports "LABEL: N passed, M failed[DETAIL]" and
#                                returns 0 exactly when nothing failed: the last
#                                command of a script, so it is the script's exit status

: "${VNETSIM:?VNETSIM must name the vnetsim binary; run me through 'make check'}"
if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "$0")/.." && pwd) || exit 99
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
passed=0
failed=0

pass() {
	passed=$((passed + 1))
}

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

show_diff() {
	diff -u "$1" "$2" | sed 's/^/  /'
}

run_vnetsim() {
	status=0
	${VNETSIM_WRAPPER:-} "$VNETSIM" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
}

rejected_as() {
	if [ "$status" -eq 2 ] && [ ! -s "$tmp/out" ] && cmp -s "$2" "$tmp/err"; then
		return 0
	fi
	echo "FAIL: $1"
	[ "$status" -eq 2 ] || echo "  exit status $status, expected 2"
	if [ -s "$tmp/out" ]; then
		echo "  unexpected output on stdout:"
		sed 's/^/  | /' "$tmp/out"
	fi
	if ! cmp -s "$2" "$tmp/err"; then
		echo "  stderr differs from $2:"
		show_diff "$2" "$tmp/err"
	fi
	return 1
}

expect_rejection() {
	what=$1
	want=$2
	shift 2
	run_vnetsim "$@"
	if rejected_as "$what" "$want"; then
		pass
	else
		failed=$((failed + 1))
	fi
}

expect_output() {
	what=$1
	want_status=$2
	want=$3
	shift 3
	run_vnetsim "$@"
	if [ -n "${VNETSIM_REGENERATE:-}" ] && [ "$status" -eq "$want_status" ]; then
		cp "$tmp/out" "$want"
	fi
	if [ "$status" -eq "$want_status" ] && cmp -s "$want" "$tmp/out"; then
		pass
		return
	fi
	fail "$what"
	if [ "$status" -ne "$want_status" ]; then
		echo "  exit status $status, expected $want_status"
		sed 's/^/  stderr| /' "$tmp/err"
	fi
	if ! cmp -s "$want" "$tmp/out"; then
		echo "  stdout differs from $want:"
		show_diff "$want" "$tmp/out"
	fi
}

report() {
	echo "$1"
	{ true >&9; } 2>/dev/null && echo "$1" >&9
	return 0
}

summarize() {
	report "$1: $passed passed, $failed failed${2:-}"
	[ "$failed" -eq 0 ]
}
