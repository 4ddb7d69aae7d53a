#!/bin/sh
# tests/man.sh - lint every manual page in man/ with mandoc -Tlint, at the
# strictest level (style included), and with groff -ww when groff is there.
# Any message fails the test, as a compiler warning does under -Werror; the
# messages are printed as they are.
#
# Exit 77 (automake's SKIP) when mandoc is not installed.
set -u

if [ -z "${top_srcdir:-}" ]; then
	echo "man.sh: top_srcdir is not set; run me through 'make check'" >&2
	exit 99
fi
if ! command -v mandoc >/dev/null 2>&1; then
	echo "man.sh: SKIP: mandoc is not installed (Debian: apt-get install mandoc)"
	exit 77
fi

# mandoc resolves .Xr cross references against the current directory too,
# so linting from inside man/ checks the references between our own pages.
cd "$top_srcdir/man" || exit 99

# Command pages written in parallel for the same release.  Until a page is in
# man/, a cross reference to it is reported as a note, not a failure; once it
# is there, mandoc finds it and says nothing.
pending="vnetsim-check.1 vnetsim-flow.1 vnetsim-nexthop.1 vnetsim-rules.1 vnetsim-routes.1"

status=0
pages=0
for page in *.[1-9]; do
	[ -f "$page" ] || continue
	pages=$((pages + 1))
	messages=$(mandoc -Tlint -Wstyle "$page" 2>&1)
	rc=$?
	if [ "$rc" -ge 4 ]; then
		echo "FAIL: $page: mandoc exited with status $rc"
		status=1
	fi
	for wanted in $pending; do
		[ -f "$wanted" ] && continue
		name=${wanted%.*}
		section=${wanted##*.}
		if printf '%s\n' "$messages" | grep -Eq "referenced manual not found: Xr $name $section( |\$)"; then
			echo "note: $page refers to $wanted, which is not in man/ yet"
			messages=$(printf '%s\n' "$messages" |
				grep -Ev "referenced manual not found: Xr $name $section( |\$)")
		fi
	done
	if [ -n "$messages" ]; then
		echo "FAIL: $page: mandoc -Tlint:"
		printf '%s\n' "$messages"
		status=1
	fi
	if command -v groff >/dev/null 2>&1; then
		# -ww: all warnings; -z: no output, only the diagnostics.
		messages=$(groff -mandoc -ww -z "$page" 2>&1)
		if [ -n "$messages" ]; then
			echo "FAIL: $page: groff -mandoc -ww:"
			printf '%s\n' "$messages"
			status=1
		fi
	fi
done

if [ "$pages" -eq 0 ]; then
	echo "FAIL: no manual pages found in $top_srcdir/man"
	exit 1
fi
[ "$status" -eq 0 ] && echo "man.sh: $pages pages lint clean"
exit "$status"
