#!/bin/sh
# tests/check-faults.sh - every fault type of connection troubleshoot, on the
# example models, through the real binary.
#
# Each case runs `vnetsim check ... --format json` from the source tree (so
# paths stay relative) and
#   1. compares the whole document with its golden file,
#      tests/data/check/NAME.json (hops, ids, issues, probes, latency);
#   2. asserts, independently of the golden, the connection status and each
#      issue written out in the case: its hop (number and type), severity,
#      origin, type and context, so a regenerated golden cannot quietly
#      change what the case is about.
# On a difference it prints a diff; the script exits 1 if any case failed.
# After a deliberate change of output, REGENERATE=1 rewrites the goldens
# (then read the diff: the issue assertions still hold the cases to account).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 99

data=tests/data/check

# The issues of a check's JSON, one line each:
#   "hop 3 VnetLocal: Error Inbound NetworkSecurityRule RuleName=...;NsgName=..."
# and a last line "status Unreachable, probes 30 sent, 30 failed".  It reads
# the pretty layout of cli.md (2-space indent, each issue a one-line object
# that may wrap onto lines indented under its brace), which the goldens pin
# down.
issues_of() {
	awk '
	function field(text, name,   s) {
		if (!match(text, "\"" name "\": \"[^\"]*\""))
			return ""
		s = substr(text, RSTART, RLENGTH)
		sub("^\"" name "\": \"", "", s)
		sub(/"$/, "", s)
		return s
	}
	function flush(   ctx, rest, pair, key, value) {
		if (issue == "")
			return
		ctx = ""
		rest = issue
		while (match(rest, /\{"key": "[^"]*", "value": "([^"\\]|\\.)*"\}/)) {
			pair = substr(rest, RSTART, RLENGTH)
			rest = substr(rest, RSTART + RLENGTH)
			key = pair
			sub(/^\{"key": "/, "", key)
			sub(/", "value": .*/, "", key)
			value = pair
			sub(/^\{"key": "[^"]*", "value": "/, "", value)
			sub(/"\}$/, "", value)
			ctx = ctx (ctx == "" ? "" : ";") key "=" value
		}
		printf "hop %d %s: %s %s %s %s\n", hop, hoptype, field(issue, "severity"),
			field(issue, "origin"), field(issue, "type"), ctx
		issue = ""
	}
	/^        \{"origin": / { flush(); issue = $0; next }
	issue != "" && /^         / { line = $0; sub(/^ +/, "", line); issue = issue " " line; next }
	{ flush() }
	/^    \{$/ { hop++; next }
	/^      "type": / { split($0, f, "\""); hoptype = f[4]; next }
	/^  "connectionStatus": / { split($0, f, "\""); status = f[4]; next }
	/^  "probesSent": / { sent = $2; sub(/,$/, "", sent); next }
	/^  "probesFailed": / { lost = $2; sub(/,$/, "", lost); next }
	END { flush(); printf "status %s, probes %s sent, %s failed\n", status, sent, lost }
	' "$1"
}

# case NAME 'EXPECTED' ARGS...: vnetsim check ARGS --format json must exit 0,
# print NAME.json exactly, and its summary must contain every line of
# EXPECTED (issue lines and the status line, as issues_of prints them).
case_() {
	name=$1
	expected=$2
	shift 2
	${VNETSIM_WRAPPER:-} "$VNETSIM" check "$@" --format json >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ "${REGENERATE:-}" != 1 ] || cp "$tmp/out" "$data/$name.json"
	ok=yes
	if [ "$status" -ne 0 ] || [ -s "$tmp/err" ]; then
		ok=no
		echo "FAIL: $name: vnetsim check $*: exit status $status"
		sed 's/^/  | /' "$tmp/err"
	fi
	if ! cmp -s "$data/$name.json" "$tmp/out"; then
		ok=no
		echo "FAIL: $name: vnetsim check $* --format json differs from $data/$name.json:"
		show_diff "$data/$name.json" "$tmp/out"
	fi
	issues_of "$tmp/out" >"$tmp/summary"
	printf '%s\n' "$expected" | while IFS= read -r line; do
		[ -n "$line" ] || continue
		grep -qxF -e "$line" "$tmp/summary" || echo "$line"
	done >"$tmp/missing"
	if [ -s "$tmp/missing" ]; then
		ok=no
		echo "FAIL: $name: vnetsim check $*: expected in the answer:"
		sed 's/^/  - /' "$tmp/missing"
		echo "  but it says:"
		sed 's/^/  | /' "$tmp/summary"
	fi
	if [ "$ok" = yes ]; then
		pass
	else
		failed=$((failed + 1))
	fi
}

# ---------------------------------------------------------------- CPU, Memory
# A busy host warns, on its own hop, and the path stays Reachable.
case_ busy-host "hop 2 VnetLocal: Warning Local CPU CpuPercent=96
hop 2 VnetLocal: Warning Local Memory MemoryPercent=93
status Reachable, probes 30 sent, 7 failed" \
	models/hub-spoke.yaml --source dr1 --dest rep1 --port 443

# ---------------------------------------------------------------- GuestFirewall
# Inbound at the destination, a named rule.
case_ guest-firewall-inbound \
	"hop 2 VnetLocal: Error Inbound GuestFirewall FirewallRule=block-rdp
status Unreachable, probes 30 sent, 30 failed" \
	models/two-vms.yaml --source web1 --dest app1 --port 3389
# Outbound at the source, the default.
case_ guest-firewall-outbound \
	"hop 1 Source: Error Outbound GuestFirewall FirewallRule=defaultOutbound
status Unreachable, probes 30 sent, 30 failed" \
	models/internet-egress.yaml --source priv2 --dest mail.example.net --port 25
# Forward at an appliance.
case_ guest-firewall-forward \
	"hop 2 VirtualAppliance: Error Local GuestFirewall FirewallRule=deny-smtp-forward
status Unreachable, probes 30 sent, 30 failed" \
	models/internet-egress.yaml --source app1 --dest mail.example.net --port 25

# ---------------------------------------------------------------- DnsResolution
case_ dns-resolution \
	"hop 1 Source: Error Local DnsResolution Name=nosuch.example.org
status Unreachable, probes 0 sent, 0 failed" \
	models/internet-egress.yaml --source app1 --dest nosuch.example.org --port 443
# ...and names that do resolve: dns.records, a URI with its scheme's port.
case_ dns-record "status Reachable, probes 30 sent, 0 failed" \
	models/dmz.yaml --source app1 --dest sql.contoso.internal --port 1433
case_ uri-default-port "status Reachable, probes 30 sent, 0 failed" \
	models/hub-spoke.yaml --source web1 --dest https://www.example.com/index.html

# ---------------------------------------------------------------- NetworkSecurityRule
case_ nsg-inbound \
	"hop 3 VnetLocal: Error Inbound NetworkSecurityRule RuleName=UserRule_deny-all-other-in;NsgName=nsg-db
status Unreachable, probes 30 sent, 30 failed" \
	models/hub-spoke.yaml --source web1 --dest db1 --port 22
case_ nsg-outbound \
	"hop 1 Source: Error Outbound NetworkSecurityRule RuleName=UserRule_deny-smtp-out;NsgName=nsg-web
status Unreachable, probes 30 sent, 30 failed" \
	models/hub-spoke.yaml --source web1 --dest 198.51.100.25 --port 25

# ---------------------------------------------------------------- UserDefinedRoute
case_ route-none \
	"hop 1 Source: Error Outbound UserDefinedRoute RouteName=no-route-to-spoke1;RouteTable=rt-shared;AddressPrefix=10.1.0.0/16;NextHopType=None
status Unreachable, probes 30 sent, 30 failed" \
	models/peering-gotchas.yaml --source shared1 --dest app1 --port 443
# the same route drops the reply of the opposite request
case_ route-none-reply \
	"hop 2 VnetLocal: Error Outbound UserDefinedRoute RouteName=no-route-to-spoke1;RouteTable=rt-shared;AddressPrefix=10.1.0.0/16;NextHopType=None
status Unreachable, probes 30 sent, 30 failed" \
	models/peering-gotchas.yaml --source app1 --dest shared1 --port 443
# asymmetric routing: the reply bypasses the firewall
case_ asymmetric-bypass \
	"hop 2 VirtualAppliance: Warning Local UserDefinedRoute AddressPrefix=10.1.0.0/16;NextHopType=VNetPeering
status Unreachable, probes 30 sent, 30 failed" \
	models/asymmetric.yaml --source app1 --dest shared1 --port 445
# two firewalls, one each way
case_ asymmetric-two-firewalls \
	"hop 2 VirtualAppliance: Warning Local UserDefinedRoute RouteName=to-spoke1-via-fw2;RouteTable=rt-spoke2;AddressPrefix=10.1.0.0/16;NextHopType=VirtualAppliance
hop 3 VnetLocal: Warning Outbound UserDefinedRoute RouteName=to-spoke1-via-fw2;RouteTable=rt-spoke2;AddressPrefix=10.1.0.0/16;NextHopType=VirtualAppliance
status Unreachable, probes 30 sent, 30 failed" \
	models/asymmetric.yaml --source app1 --dest app2 --port 443
# a reply through a firewall the request did not pass
case_ asymmetric-extra \
	"hop 2 VnetLocal: Warning Outbound UserDefinedRoute RouteName=to-hub-services-via-fw1;RouteTable=rt-spoke1;AddressPrefix=10.0.2.0/23;NextHopType=VirtualAppliance
status Unreachable, probes 30 sent, 30 failed" \
	models/asymmetric.yaml --source shared1 --dest app1 --port 22
# the fixed route table: symmetric, Reachable
case_ symmetric "status Reachable, probes 30 sent, 0 failed" \
	models/asymmetric.yaml --source app1 --dest shared2 --port 445

# ---------------------------------------------------------------- AgentStopped
case_ agent-stopped \
	"hop 1 Source: Error Local AgentStopped ErrorMessage=The Network Watcher agent is not installed on web2 (networkWatcherAgent: false)
status Unreachable, probes 0 sent, 0 failed" \
	models/dmz.yaml --source web2 --dest app1 --port 8080

# ---------------------------------------------------------------- NoListenerOnDestination
case_ no-listener \
	"hop 2 VnetLocal: Error Local NoListenerOnDestination 
status Unreachable, probes 30 sent, 30 failed" \
	models/two-vms.yaml --source web1 --dest web2 --port 8080
case_ no-listener-internet \
	"hop 3 Internet: Error Local NoListenerOnDestination 
status Unreachable, probes 30 sent, 30 failed" \
	models/hub-spoke.yaml --source web1 --dest https://www.example.com:8443/
# internet.reachable: false - an address outside internet.endpoints is silent
case_ internet-unreachable \
	"hop 2 Internet: Error Local Unknown ErrorMessage=No host answers at 198.51.100.7: internet.reachable is false and no internet.endpoints entry has that address
status Unreachable, probes 30 sent, 30 failed" \
	tests/data/check/latency.yaml --source a1 --dest 198.51.100.7 --port 443

# ---------------------------------------------------------------- Platform
case_ platform \
	"hop 1 Source: Error Outbound Platform ErrorMessage=Private subnet vnet-edge/snet-private (defaultOutboundAccess false) and no public IP on priv1-nic: no outbound connectivity
status Unreachable, probes 30 sent, 30 failed" \
	models/internet-egress.yaml --source priv1 --dest www.example.com --port 443

# ---------------------------------------------------------------- protocols
# ICMP: no ports, listeningPorts do not apply (web2 listens on 80 and 443 only)
case_ icmp "status Reachable, probes 30 sent, 0 failed" \
	models/two-vms.yaml --source web1 --dest web2 --protocol icmp
# UDP: policy only, no listener check (dns1 lists 53 and 22 only)
case_ udp "status Reachable, probes 30 sent, 0 failed" \
	models/hub-spoke.yaml --source web1 --dest dns1 --protocol udp --port 5353

summarize check-faults
