#!/bin/sh
# limits.sh - the resource limits of vnetsim-model(5) LIMITS that need inputs
# too big to keep in tests/bad (generated here, in a temporary folder): file
# size, objects of one kind, include depth, scalar length; and hostile
# command lines: negative, huge and out-of-range numbers are usage errors, a
# FIFO cannot be included, an unreadable MODEL is refused.  Each must exit 2
# with exactly the expected message, quickly.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# the generated inputs live in the temporary folder (with lib.sh's out and err)
cd "$tmp" || exit 99

# a file over 64 MiB (sparse: refused from its size, before reading)
dd if=/dev/zero of=huge.yaml bs=1 count=0 seek=67108865 2>/dev/null
echo "vnetsim: 'huge.yaml' is larger than 64 MiB, the limit for a model file" >want
expect_rejection file-size want validate huge.yaml

# 200,001 objects of one kind (natively only: under valgrind this one input costs
# over 20 s of CPU, and the loader's paths are the same as for two objects)
if [ -n "${VNETSIM_WRAPPER:-}" ]; then
	echo "limits: object count not run under $VNETSIM_WRAPPER"
else
	awk 'BEGIN { print "name: t"; print "applicationSecurityGroups:";
		for (i = 0; i <= 200000; i++) print "  - a" i }' >objects.yaml
	cat >want <<'W'
objects.yaml:200003:5: error: more than 200000 applicationSecurityGroups in the model; that is the limit
vnetsim: objects.yaml: 1 error
W
	expect_rejection object-count want validate objects.yaml
fi

# includes nested 17 deep (part0 includes part1 ... part17)
echo "name: t" >part0.yaml
echo "include: [part1.yaml]" >>part0.yaml
i=1
while [ $i -le 17 ]; do
	echo "include: [part$((i + 1)).yaml]" >part$i.yaml
	i=$((i + 1))
done
echo "vnets: []" >part18.yaml
cat >want <<'W'
part16.yaml:1:11: error: include[0]: includes nested deeper than 16 files
vnetsim: part0.yaml: 1 error
W
expect_rejection include-depth want validate part0.yaml

# a scalar of 70,000 bytes
awk 'BEGIN { printf "name: "; for (i = 0; i < 70000; i++) printf "n"; print "" }' >long.yaml
cat >want <<'W'
long.yaml:1:7: error: a scalar of 70000 bytes; the limit is 65536
vnetsim: long.yaml: 1 error
W
expect_rejection scalar-length want validate long.yaml

# a FIFO named by an include must not make vnetsim wait for a writer
mkfifo fifo.yaml
printf 'name: t\ninclude: [fifo.yaml]\n' >with-fifo.yaml
cat >want <<'W'
with-fifo.yaml:2:11: error: include[0]: cannot read 'fifo.yaml': it is not a regular file; expected a model file
vnetsim: with-fifo.yaml: 1 error
W
expect_rejection include-fifo want validate with-fifo.yaml

# an unreadable MODEL (root reads everything: then this case cannot be made)
printf 'name: t\n' >secret.yaml
chmod 000 secret.yaml
if ! cat secret.yaml >/dev/null 2>&1; then
	echo "vnetsim: cannot read 'secret.yaml': Permission denied" >want
	expect_rejection unreadable want validate secret.yaml
else
	echo "limits: unreadable MODEL not tested (running as root)"
fi

# absurd numbers on the command line are usage errors
model="$top_srcdir/models/hub-spoke.yaml"
for probes in -1 0 101 1e30 99999999999999999999; do
	cat >want <<W
vnetsim check: --probes '$probes': expected a number of probes 1..100
Try 'vnetsim check --help'.
W
	expect_rejection "probes $probes" want check "$model" --source web1 --dest db1 --port 22 --probes "$probes"
done
cat >want <<'W'
vnetsim check: --port '70000': expected a port number 0..65535
Try 'vnetsim check --help'.
W
expect_rejection port-70000 want check "$model" --source web1 --dest db1 --port 70000

summarize limits
