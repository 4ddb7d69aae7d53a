#!/bin/sh
# tests/check-dot.sh - `vnetsim check --format dot` is a graph Graphviz
# draws: piped through `dot -Tsvg`, it gives a valid SVG, for a reachable
# path through an appliance, a blocked one and a routing drop.  Graphviz is
# a test-only dependency: without dot(1) the test is skipped (exit 77).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
if ! command -v dot >/dev/null 2>&1; then
	echo "check-dot.sh: SKIP: Graphviz's dot is not installed (apt-get install graphviz)"
	exit 77
fi
cd "$top_srcdir" || exit 99


# svg WHAT ARGS...: vnetsim check ARGS --format dot | dot -Tsvg succeeds, says
# nothing on stderr, and prints an SVG document (XML prolog, <svg, </svg>).
svg() {
	what=$1
	shift
	${VNETSIM_WRAPPER:-} "$VNETSIM" check "$@" --format dot >"$tmp/graph.dot" 2>"$tmp/err"
	vstatus=$?
	dot -Tsvg "$tmp/graph.dot" >"$tmp/graph.svg" 2>>"$tmp/err"
	dstatus=$?
	if [ "$vstatus" -eq 0 ] && [ "$dstatus" -eq 0 ] && [ ! -s "$tmp/err" ] &&
		head -1 "$tmp/graph.svg" | grep -q '^<?xml' &&
		grep -q '<svg' "$tmp/graph.svg" && tail -1 "$tmp/graph.svg" | grep -q '</svg>'; then
		pass
	else
		fail "$what: vnetsim check $* --format dot | dot -Tsvg" \
			"(exit $vstatus, dot exit $dstatus)"
		sed 's/^/  | /' "$tmp/err"
		head -5 "$tmp/graph.svg" | sed 's/^/  svg> /'
	fi
}

svg "reachable through the hub firewall" models/hub-spoke.yaml --source web1 --dest db1 \
	--port 1433
svg "blocked by an inbound NSG rule" models/hub-spoke.yaml --source web1 --dest db1 --port 22
svg "dropped by a None route" models/peering-gotchas.yaml --source shared1 --dest app1 \
	--port 443
svg "asymmetric routing" models/asymmetric.yaml --source app1 --dest app2 --port 443
svg "a name that does not resolve" models/internet-egress.yaml --source app1 \
	--dest nosuch.example.org --port 443

summarize check-dot
