#!/bin/sh
# tests/check-latency.sh - the simulated latency of `vnetsim check`, through
# the real binary.
#
#   - With jitterPercent 0, lossPercent 0 and idle hosts
#     (tests/data/check/latency.yaml), min = avg = max = the base sum of
#     model.md exactly, for each kind of link: same VNet, through an
#     appliance, across a peering, across regions (a region pair and the
#     generic figure), to the internet (an endpoint's rttMs and internetMs);
#     and the integer Azure fields are those figures rounded half away from
#     zero.
#   - The same --seed gives byte-identical output; over many seeds the
#     figures change, and every one stays within [base, base x (1 + jitter)).
# On a difference it says what and where; the script exits 1 if any failed.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 99

M=tests/data/check/latency.yaml


# exact WHAT 'LATENCY LINE' ARGS...: the text output's latency line is exactly that.
exact() {
	what=$1
	want=$2
	shift 2
	${VNETSIM_WRAPPER:-} "$VNETSIM" check "$@" >"$tmp/out" 2>&1
	got=$(grep '^latency:' "$tmp/out")
	if [ "$got" = "$want" ] && grep -q '^probes: 30 sent, 0 failed$' "$tmp/out"; then
		pass
	else
		fail "$what: vnetsim check $*"
		echo "  expected: $want"
		sed 's/^/  | /' "$tmp/out"
	fi
}

# ---------------------------------------------------------------- exact base sums
exact "same VNet (vnetMs)" "latency: min 0.4 ms, avg 0.4 ms, max 0.4 ms" \
	$M --source a1 --dest a2 --port 443
exact "through an appliance (vnetMs + applianceMs + vnetMs)" \
	"latency: min 1.5 ms, avg 1.5 ms, max 1.5 ms" $M --source b1 --dest a1 --port 443
exact "across a peering (peeringMs)" "latency: min 1.1 ms, avg 1.1 ms, max 1.1 ms" \
	$M --source s1 --dest a1 --port 443
exact "across regions, a region pair" "latency: min 17 ms, avg 17 ms, max 17 ms" \
	$M --source f1 --dest a1 --port 443
exact "across regions (interRegionMs)" "latency: min 25 ms, avg 25 ms, max 25 ms" \
	$M --source e1 --dest a1 --port 443
exact "to the internet, an endpoint's rttMs" "latency: min 9 ms, avg 9 ms, max 9 ms" \
	$M --source a1 --dest www.example.com --port 443
exact "to the internet (internetMs)" "latency: min 15 ms, avg 15 ms, max 15 ms" \
	$M --source a1 --dest api.example.net --port 443

# The JSON fields: 1.5 rounds half away from zero to 2, 0.4 to 0.
json_fields() {
	what=$1
	want=$2
	shift 2
	${VNETSIM_WRAPPER:-} "$VNETSIM" check "$@" --format json >"$tmp/out" 2>&1
	got=$(grep -E '^  "((avg|min|max)LatencyInMs|latencyMs)":' "$tmp/out" | tr -d ' \n')
	if [ "$got" = "$want" ]; then
		pass
	else
		fail "$what: vnetsim check $* --format json"
		echo "  expected: $want"
		echo "  got:      $got"
	fi
}
json_fields "appliance path in JSON" \
	'"avgLatencyInMs":2,"minLatencyInMs":2,"maxLatencyInMs":2,"latencyMs":{"min":1.5,"avg":1.5,"max":1.5}' \
	$M --source b1 --dest a1 --port 443
json_fields "same VNet in JSON" \
	'"avgLatencyInMs":0,"minLatencyInMs":0,"maxLatencyInMs":0,"latencyMs":{"min":0.4,"avg":0.4,"max":0.4}' \
	$M --source a1 --dest a2 --port 443

# ---------------------------------------------------------------- seeds
# hub-spoke: web1 -> fw1 -> db1, base 2.3 ms, the default jitter of 10%.
H="models/hub-spoke.yaml --source web1 --dest db1 --port 1433"
# shellcheck disable=SC2086 # $H is several words on purpose
${VNETSIM_WRAPPER:-} "$VNETSIM" check $H --seed 7 >"$tmp/a" 2>&1
# shellcheck disable=SC2086
${VNETSIM_WRAPPER:-} "$VNETSIM" check $H --seed 7 >"$tmp/b" 2>&1
if cmp -s "$tmp/a" "$tmp/b" && grep -q '^latency:' "$tmp/a"; then
	pass
else
	fail "the same seed twice gives different output"
	show_diff "$tmp/a" "$tmp/b"
fi

seed=1
: >"$tmp/figures"
while [ "$seed" -le 40 ]; do
	# shellcheck disable=SC2086
	${VNETSIM_WRAPPER:-} "$VNETSIM" check $H --seed "$seed" | grep '^latency:' >>"$tmp/figures"
	seed=$((seed + 1))
done
# "latency: min A ms, avg B ms, max C ms": every figure in [2.3, 2.53) - printed
# with 3 decimals, so up to 2.53 - and min <= avg <= max
bad=$(awk '{ min = $3; avg = $6; max = $9
	if (NF != 10 || min < 2.3 || max > 2.53 || min > avg || avg > max) print }' "$tmp/figures")
distinct=$(sort -u "$tmp/figures" | wc -l)
count=$(wc -l <"$tmp/figures")
if [ "$count" -eq 40 ] && [ -z "$bad" ] && [ "$distinct" -ge 30 ]; then
	pass
else
	fail "40 seeds: $count latency lines, $distinct distinct, out of [2.3, 2.53]:"
	echo "$bad" | sed 's/^/  /'
fi
echo "check-latency: 40 seeds gave $distinct distinct figures, from" \
	"$(sort -n -k3 "$tmp/figures" | head -1)" "to" "$(sort -n -k9 "$tmp/figures" | tail -1)"

summarize check-latency
