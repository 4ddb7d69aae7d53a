#!/bin/sh
# tests/check-dot.sh - `vnetsim check --format dot` is a graph Graphviz
# draws: piped through `dot -Tsvg`, it gives a valid SVG, for a reachable
# path through an appliance, a blocked one and a routing drop; and the hops
# of the path have the colours of the man page's legend (Warning hops dark
# orange, naming the warning).  Graphviz is a test-only dependency: without
# dot(1) the SVG cases are skipped (the log says so) and the colour cases,
# which read the dot text, still run.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
have_dot=yes
if ! command -v dot >/dev/null 2>&1; then
	echo "check-dot.sh: SVG cases skipped: Graphviz's dot is not installed (apt-get install graphviz)"
	have_dot=no
fi
cd "$top_srcdir" || exit 99

# svg WHAT ARGS...: vnetsim check ARGS --format dot | dot -Tsvg succeeds, says
# nothing on stderr, and prints an SVG document (XML prolog, <svg, </svg>).
svg() {
	what=$1
	shift
	[ "$have_dot" = yes ] || return 0
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

# node NAME WHAT PATTERN ARGS...: in vnetsim check ARGS --format dot, the node
# of the path whose label starts with NAME (a VM) has the attributes PATTERN
# (a grep -E pattern on its line).  WHAT says what is checked.
node() {
	name=$1
	what=$2
	pattern=$3
	shift 3
	run_vnetsim check "$@" --format dot
	line=$(grep -E "^ *nic[0-9]+ \[label=\"$name\\\\n" "$tmp/out")
	if [ "$status" -eq 0 ] && printf '%s\n' "$line" | grep -Eq -e "$pattern"; then
		pass
	else
		fail "$what: vnetsim check $* --format dot: node $name does not match /$pattern/"
		echo "  exit status $status; the node is:"
		printf '  | %s\n' "$line"
	fi
}

# Warning hops are dark orange and say why; Error hops red; clean hops blue.
node fw1 "an appliance seeing half of an asymmetric flow" \
	'warning: asymmetric routing \(route to-spoke1-via-fw2\)", .*color=darkorange' \
	models/asymmetric.yaml --source app1 --dest app2 --port 443
node app2 "a destination whose reply takes another appliance" \
	'warning: asymmetric routing.*color=darkorange' \
	models/asymmetric.yaml --source app1 --dest app2 --port 443
node rep1 "a busy host" 'warning: CPU 96%", .*color=darkorange' \
	models/hub-spoke.yaml --source dr1 --dest rep1 --port 443
node db1 "a hop with an Error" 'label="db1\\n10\.2\.1\.4", .*color=red\];$' \
	models/hub-spoke.yaml --source web1 --dest db1 --port 22
node fw1 "a clean appliance" 'label="fw1\\n10\.0\.1\.4\\npublic 20\.61\.14\.4", .*color=blue\];$' \
	models/hub-spoke.yaml --source web1 --dest db1 --port 1433

summarize check-dot
