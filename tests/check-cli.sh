#!/bin/sh
# tests/check-cli.sh - the command lines of check, flow, nexthop, rules and
# routes, run through the real binary: every bad option is a usage error
# (exit 2) with a message naming the option and what was expected, and it
# comes before the model is read (the MODEL named here is never opened: were
# it read first, its error would show instead and the comparison fail).
#
# Each case compares the whole of stderr and the exit status, and requires
# an empty stdout.  On a difference it prints a diff; the script exits 1 if
# any case failed.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 99

# usage COMMAND 'MESSAGE' ARGS...: vnetsim ARGS... must exit 2 and print
# "vnetsim COMMAND: MESSAGE" and the --help hint on stderr, nothing on stdout.
usage() {
	command=$1
	message=$2
	shift 2
	printf 'vnetsim %s: %s\nTry '\''vnetsim %s --help'\''.\n' "$command" "$message" \
		"$command" >"$tmp/want"
	expect_rejection "vnetsim $*" "$tmp/want" "$@"
}

# help COMMAND: `vnetsim COMMAND --help` and `vnetsim help COMMAND` exit 0 and
# describe every option of the command.
help() {
	command=$1
	shift
	for way in "$command --help" "help $command"; do
		# shellcheck disable=SC2086 # $way is two words on purpose
		run_vnetsim $way
		missing=
		for option in "$@"; do
			grep -q -e "$option" "$tmp/out" || missing="$missing $option"
		done
		if [ "$status" -eq 0 ] && [ -z "$missing" ]; then
			pass
		else
			fail "vnetsim $way: exit status $status, options not described:$missing"
			sed 's/^/  | /' "$tmp/out" "$tmp/err"
		fi
	done
}

M=models/hub-spoke.yaml
CHECK="check $M --source web1 --dest db1"

# ---------------------------------------------------------------- check
usage check "missing --source VM[/NIC]" check $M --dest db1 --port 1433
usage check "missing --dest TARGET (a VM name, an IPv4 address, a DNS name or a URI)" check $M --source web1 --port 1
usage check "missing MODEL (the model file to read)" check --source web1 --dest db1 --port 1433
usage check "unexpected argument 'extra.yaml' after MODEL '$M'" $CHECK --port 1433 extra.yaml
usage check "--port '70000': expected a port number 0..65535" $CHECK --port 70000
usage check "--port '-1': expected a port number 0..65535" $CHECK --port=-1
usage check "--port 'https': expected a port number 0..65535" $CHECK --port https
usage check "--port '': expected a port number 0..65535" $CHECK --port ''
usage check "--port ' 80': expected a port number 0..65535" $CHECK --port ' 80'
usage check "--source-port '65536': expected a port number 0..65535" $CHECK --port 1 \
	--source-port 65536
usage check "--probes '0': expected a number of probes 1..100" $CHECK --port 1433 --probes 0
usage check "--probes '101': expected a number of probes 1..100" $CHECK --port 1433 --probes 101
usage check "--probes '3x': expected a number of probes 1..100" $CHECK --port 1433 --probes 3x
usage check "--seed '-5': expected a whole number 0..4294967295" $CHECK --port 1 --seed=-5
usage check "unknown format 'xml'; expected text|json|dot" $CHECK --port 1433 --format xml
usage check "--protocol 'sctp': expected tcp|udp|icmp|http|https" $CHECK --protocol sctp
usage check "--protocol tcp needs a destination --port N" $CHECK
usage check "--protocol udp needs a destination --port N" $CHECK --protocol udp
usage check "--port does not apply to --protocol icmp (ICMP has no ports)" $CHECK \
	--protocol icmp --port 7
usage check "--source-port does not apply to --protocol icmp (ICMP has no ports)" $CHECK \
	--protocol icmp --source-port 7
usage check "--expect 'yes': expected reachable|unreachable" $CHECK --port 1 --expect yes
usage check "Unknown option --destination" check $M --source web1 --destination db1
# a malformed TARGET is a usage error, found before the model is read
usage check "--dest 'ftp://files.example.com/a': unsupported URI scheme 'ftp'; expected http:// or https://" \
	check $M --source web1 --dest ftp://files.example.com/a --port 21
usage check "--dest 'https://:443/': '' is not a host name; expected http(s)://HOST[:PORT][/PATH]" \
	check $M --source web1 --dest https://:443/
usage check "--dest 'http://db1:99999/': bad port; expected a port 0..65535 after the host" \
	check $M --source web1 --dest http://db1:99999/
usage check "--dest 'http://user@db1/': 'user@db1' is not a host name; expected http(s)://HOST[:PORT][/PATH]" \
	check $M --source web1 --dest http://user@db1/
usage check "--dest 'db 1' is not a destination; expected a VM name, an IPv4 address, a DNS name or an http(s):// URI" \
	check $M --source web1 --dest 'db 1' --port 1
# HTTP options: accepted for compatibility, checked like any other
usage check "--method applies only to --protocol http or https" $CHECK --port 80 --method GET
usage check "--valid-status-codes applies only to --protocol http or https" $CHECK --port 80 \
	--valid-status-codes 200
usage check "--method 'POST': expected GET (the only method of Network Watcher's HTTP probes)" \
	$CHECK --protocol http --method POST
usage check "--valid-status-codes '200,abc': expected HTTP status codes 100..599 separated by commas, such as 200,301" \
	$CHECK --protocol https --valid-status-codes 200,abc
usage check "--valid-status-codes '99': expected HTTP status codes 100..599 separated by commas, such as 200,301" \
	$CHECK --protocol https --valid-status-codes 99

# ---------------------------------------------------------------- flow
FLOW="flow $M --vm web1 --direction inbound --protocol tcp"
usage flow "missing --vm VM[/NIC]" flow $M --direction inbound --protocol tcp \
	--local 10.1.1.4:443 --remote 203.0.113.9:50000
usage flow "missing --direction inbound|outbound" flow $M --vm web1 --protocol tcp \
	--local 10.1.1.4:443 --remote 203.0.113.9:50000
usage flow "missing --protocol tcp|udp" flow $M --vm web1 --direction inbound \
	--local 10.1.1.4:443 --remote 203.0.113.9:50000
usage flow "missing --local IP:PORT" $FLOW --remote 203.0.113.9:50000
usage flow "missing --remote IP:PORT" $FLOW --local 10.1.1.4:443
usage flow "--direction 'in': expected inbound|outbound" flow $M --vm web1 --direction in \
	--protocol tcp --local 10.1.1.4:443 --remote 203.0.113.9:50000
usage flow "--protocol 'icmp': expected tcp|udp" flow $M --vm web1 --direction inbound \
	--protocol icmp --local 10.1.1.4:443 --remote 203.0.113.9:50000
usage flow "--local '10.1.1.4': expected IP:PORT, an IPv4 address and a port 0..65535, such as 10.1.1.4:443" \
	$FLOW --local 10.1.1.4 --remote 203.0.113.9:50000
usage flow "--remote '203.0.113.300:80': expected IP:PORT, an IPv4 address and a port 0..65535, such as 10.1.1.4:443" \
	$FLOW --local 10.1.1.4:443 --remote 203.0.113.300:80
usage flow "--remote '203.0.113.9:65536': expected IP:PORT, an IPv4 address and a port 0..65535, such as 10.1.1.4:443" \
	$FLOW --local 10.1.1.4:443 --remote 203.0.113.9:65536
usage flow "unknown format 'dot'; expected text|json" $FLOW --local 10.1.1.4:443 \
	--remote 203.0.113.9:50000 --format dot

# ---------------------------------------------------------------- nexthop
usage nexthop "missing --vm VM[/NIC]" nexthop $M --source 10.1.1.4 --dest 8.8.8.8
usage nexthop "missing --source IP (the VM's own address)" nexthop $M --vm web1 --dest 8.8.8.8
usage nexthop "missing --dest IP" nexthop $M --vm web1 --source 10.1.1.4
usage nexthop "--source '10.1.1': expected an IPv4 address such as 10.1.1.4" nexthop $M \
	--vm web1 --source 10.1.1 --dest 8.8.8.8
usage nexthop "--dest 'db1': expected an IPv4 address such as 10.1.1.4" nexthop $M \
	--vm web1 --source 10.1.1.4 --dest db1

# ---------------------------------------------------------------- rules, routes
usage rules "missing --vm VM[/NIC]" rules $M
usage rules "unknown format 'csv'; expected text|json" rules $M --vm web1 --format csv
usage rules "missing MODEL (the model file to read)" rules --vm web1
usage routes "missing --vm VM[/NIC]" routes $M
usage routes "unknown format 'tap'; expected text|json" routes $M --vm web1 --format tap

# ---------------------------------------------------------------- help
help check --source --dest --port --protocol --source-port --probes --seed --format \
	--explain --expect --method --valid-status-codes
help flow --vm --direction --protocol --local --remote --format
help nexthop --vm --source --dest --format
help rules --vm --format
help routes --vm --format

# To be added at integration, when the loader and models/*.yaml are in the
# tree (each compared with an expected-output file, run from models/):
#   - check: a reachable path through the hub appliance (text and json), an
#     unreachable one blocked by an inbound NSG rule, --explain, --expect
#     reachable|unreachable (exit 0 / 1), http and https default ports,
#     byte-identical output on a second run (deterministic hop ids);
#   - check: an unknown --source VM, a --source VM/NIC whose NIC is not that
#     VM's, a --dest that is neither a VM nor an IPv4 address (exit 2);
#   - flow: Allow by a user rule, Deny by a default rule, no NSG (no
#     ruleName); --local not an address of the VM (exit 2);
#   - nexthop: VirtualAppliance with routeTableId, VnetPeering, Internet and
#     None with "System Route";
#   - rules and routes: text and json of a NIC with a subnet and a NIC NSG,
#     and of a subnet whose user route overrides 0.0.0.0/0 (Invalid).

summarize check-cli
