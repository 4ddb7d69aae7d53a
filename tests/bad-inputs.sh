#!/bin/sh
# bad-inputs.sh - the bad-input corpus: for every tests/bad/NAME.expected, runs
# `vnetsim validate NAME.yaml` inside tests/bad and requires exit status 2,
# nothing on stdout and exactly NAME.expected on stderr (every message with
# its file, line, column and path).  NAME.yaml is usually a small file;
# a-directory.yaml is a directory and missing-model.yaml does not exist.
# Each rejection must also be cheap: at most 1 s of CPU time and 100 MB
# (maximum resident set), measured with /usr/bin/time when it is installed
# and the binary is not wrapped (valgrind); else an unwrapped run's CPU time is
# bounded with ulimit -t.  CPU time rather than elapsed time, so that a busy machine does
# not fail the test.  In a sanitizer build (VS_SANITIZED set by make check)
# the bounds are 5 s and no memory bound: ASan's shadow memory and
# quarantine are not the program's.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
max_seconds=1
max_kb=102400
if [ -n "${VS_SANITIZED:-}" ]; then
	max_seconds=5
	max_kb=100000000
fi
measure=no
if [ -z "${VNETSIM_WRAPPER:-}" ] && /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
	measure=yes
fi

cd "$top_srcdir/tests/bad" || exit 99
for expected in *.expected; do
	name=${expected%.expected}
	status=0
	if [ "$measure" = yes ]; then
		/usr/bin/time -o "$tmp/time" -f '%U %S %M' \
			"$VNETSIM" validate "$name.yaml" >"$tmp/out" 2>"$tmp/err" </dev/null ||
			status=$?
	else
		# valgrind is slow by design: only an unwrapped run gets the CPU bound
		(
			[ -n "${VNETSIM_WRAPPER:-}" ] || ulimit -t $((max_seconds + 1)) 2>/dev/null
			exec ${VNETSIM_WRAPPER:-} "$VNETSIM" validate "$name.yaml"
		) >"$tmp/out" 2>"$tmp/err" </dev/null || status=$?
	fi
	if ! rejected_as "bad/$name.yaml" "$expected"; then
		failed=$((failed + 1))
	elif [ "$measure" = yes ] && ! tail -n 1 "$tmp/time" |
		awk -v s="$max_seconds" -v k="$max_kb" '{ exit !($1 + $2 <= s && $3 <= k) }'; then
		# (time's last line holds the figures; a line before says the exit status)
		fail "bad/$name.yaml: took $(tail -n 1 "$tmp/time" | awk '{ print $1 + $2 " s of CPU and " $3 }') KB; the bound is $max_seconds s and $max_kb KB"
	else
		pass
	fi
done

bounds=
[ "$measure" = yes ] && [ -z "${VS_SANITIZED:-}" ] &&
	bounds=" (each within $max_seconds s of CPU and $((max_kb / 1024)) MB)"
summarize "bad inputs" "$bounds"
