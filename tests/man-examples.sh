#!/bin/sh
# tests/man-examples.sh - the EXAMPLES of every man page are real.
#
# In the EXAMPLES section of each page under man/, every literal block line
# "$ vnetsim ARGS" (continued by lines ending in " \e") is run from the top of
# the source tree (unless it is a pipeline, shown for its use only), and the
# lines after it, up to the next "$ " line or the end
# of the block, must be exactly what it prints (stdout and stderr).  A line
# "$ echo $?" must be followed by the previous command's exit status.  So the
# documentation cannot drift from the program (jq does the same with its
# manual).
#
# After an intended change of output, rewrite the examples with
#     VNETSIM_REGENERATE=1 make check TESTS=tests/man-examples.sh
# and review the diff of man/ before committing it.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 99

# Prints the page with the output of every example command replaced by what
# the command prints now.
refresh() {
	awk -v vnetsim="${VNETSIM_WRAPPER:-} $VNETSIM" '
	# a pipeline shows a use, not an output: it is printed, never run
	function runnable(text) {
		return text ~ /^vnetsim / && text !~ /\|/
	}
	function flush_command(    command, line, status) {
		if (pending == "")
			return
		if (pending == "echo $?") {
			print last_status
		} else if (runnable(pending)) {
			command = vnetsim substr(pending, 8) " 2>&1 </dev/null; echo \"@status $?\""
			while ((command | getline line) > 0) {
				if (line ~ /^@status /) {
					last_status = substr(line, 9)
					continue
				}
				gsub(/\\/, "\\e", line)
				if (line ~ /^[.'\'']/)
					line = "\\&" line
				print line
			}
			close(command)
			commands++
		}
		pending = ""
	}
	/^\.Sh / { flush_command(); skipping = 0; in_examples = ($0 == ".Sh EXAMPLES") }
	in_examples && /^\.Bd -literal/ { in_block = 1; print; next }
	in_examples && in_block && /^\.Ed/ { flush_command(); skipping = 0; in_block = 0; print; next }
	in_examples && in_block && /^\$ / {
		flush_command()
		print
		text = substr($0, 3)
		while (text ~ / \\e$/ && (getline continued) > 0) {
			print continued
			sub(/ \\e$/, "", text)
			sub(/^[ \t]+/, "", continued)
			text = text " " continued
		}
		pending = text
		skipping = runnable(pending) || pending == "echo $?"
		next
	}
	skipping { next }
	{ print }
	END { flush_command() }
	' "$1"
}

for page in man/*.[1-8]; do
	refresh "$page" >"$tmp/page"
	if [ -n "${VNETSIM_REGENERATE:-}" ] && ! cmp -s "$page" "$tmp/page"; then
		cp "$tmp/page" "$page"
	fi
	if cmp -s "$page" "$tmp/page"; then
		pass
		continue
	fi
	fail "$page: the EXAMPLES differ from what vnetsim prints"
	show_diff "$page" "$tmp/page"
done

report "man-examples: $passed pages passed, $failed failed"
[ "$failed" -eq 0 ]
