#!/bin/sh
# check-batch.sh - `vnetsim check MODEL --batch FILE|-`: verdict-only answers
# match the golden file line for line (bad lines answered with their line
# number, the batch going on, exit 1); every full answer is exactly
# `check --format json` of the same query, squeezed onto one line; stdin works;
# usage errors exit 2.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir/models" || exit 99
run() { ${VNETSIM_WRAPPER:-} "$VNETSIM" "$@"; }
queries=../tests/data/batch/hub-spoke.jsonl

# verdict-only, against the golden answers
run check hub-spoke.yaml --batch "$queries" --verdict-only >"$tmp/verdicts" 2>"$tmp/err"
status=$?
[ "$status" -eq 1 ] || fail "verdict-only: exit status $status, expected 1 (bad lines)"
diff -u ../tests/data/batch/hub-spoke.verdicts.expected "$tmp/verdicts" >&2 ||
	fail "verdict-only answers differ from hub-spoke.verdicts.expected"
grep -q '8 of 17 lines had errors' "$tmp/err" || fail "no error count on stderr: $(cat "$tmp/err")"

# full answers: each equals check --format json of the same query, on one line
run check hub-spoke.yaml --batch - <"$queries" >"$tmp/full" 2>/dev/null
n=0
while IFS= read -r answer; do
	n=$((n + 1))
	case $n in
	1) set -- --source web1 --dest db1 --port 1433 ;;
	2) set -- --source web1 --dest db1 --port 22 ;;
	3) set -- --source web1 --dest dns1 --port 53 --protocol udp ;;
	4) set -- --source web1 --dest 198.51.100.25 --port 25 ;;
	5) set -- --source web1 --dest https://www.example.com/index.html ;;
	6) set -- --source dr1 --dest 10.0.2.4 --protocol icmp --probes 5 --seed 7 ;;
	7) set -- --source web1 --dest 10.2.9.9 --port 80 --source-port 40000 ;;
	*) break ;;
	esac
	# values of this model hold no spaces, so deleting blanks compacts the JSON
	expected=$(run check hub-spoke.yaml "$@" --format json | tr -d ' \n')
	[ "$answer" = "$expected" ] || fail "answer $n differs from check $*:
  batch: $answer
  check: $expected"
done <"$tmp/full"
[ "$n" -ge 7 ] || fail "only $n full answers"
# a name that does not resolve is answered as check answers it (DnsResolution)
expected=$(run check hub-spoke.yaml --source web1 --dest no.such.name --port 443 --format json | tr -d ' \n')
answer=$(tail -1 "$tmp/full")
[ "$answer" = "$expected" ] || fail "the unresolved name's answer differs from check's:
  batch: $answer
  check: $expected"
lines=$(wc -l <"$tmp/full")
[ "$lines" -eq 16 ] || fail "$lines output lines for 16 non-blank input lines"

# usage errors
run check hub-spoke.yaml --batch "$queries" --source web1 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'on each line' "$tmp/err" || fail "--batch with --source: $(cat "$tmp/err")"
run check hub-spoke.yaml --verdict-only >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'needs --batch' "$tmp/err" || fail "--verdict-only alone: $(cat "$tmp/err")"
run check hub-spoke.yaml --batch /nonexistent.jsonl >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "a missing batch file must exit 2"
run check hub-spoke.yaml --batch "$queries" --format text >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "--batch --format text must exit 2"

# a batch without bad lines exits 0
head -2 "$queries" | run check hub-spoke.yaml --batch - --verdict-only >/dev/null 2>&1 ||
	fail "a clean batch must exit 0"

[ "$failed" -eq 0 ] || exit 1
report "check-batch: verdict-only golden, full answers equal check's"
