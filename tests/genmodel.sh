#!/bin/sh
# genmodel.sh - the seeded model generator (bench/gen.c) writes models that
# `vnetsim validate` accepts, at sizes XS and S, and the same seed gives the
# same bytes while another seed gives another model.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
: "${GENMODEL:?GENMODEL must name bench/vnetsim-genmodel; run me through 'make check'}"

for size in XS S; do
	if ! "$GENMODEL" --size "$size" --seed 3 -o "$tmp/$size.yaml"; then
		fail "vnetsim-genmodel --size $size failed"
		continue
	fi
	if ! ${VNETSIM_WRAPPER:-} "$VNETSIM" validate "$tmp/$size.yaml" >"$tmp/out" 2>"$tmp/err"; then
		fail "size $size: vnetsim validate rejected the generated model:"
		head -20 "$tmp/err"
		continue
	fi
	if grep -q 'error' "$tmp/err"; then
		fail "size $size: validate printed errors:"
		head -20 "$tmp/err"
	fi
	grep -q "is valid" "$tmp/out" || fail "size $size: no 'is valid' line in: $(cat "$tmp/out")"
	# every warning is shown (the cap of 50 is on errors), as many as the summary counts
	shown=$(grep -c ': warning: ' "$tmp/out")
	counted=$(sed -n 's/^  \([0-9]*\) warnings*$/\1/p' "$tmp/out")
	[ "$shown" -eq "${counted:-0}" ] ||
		fail "size $size: $shown warnings shown, the summary counts ${counted:-none}"
done

# determinism: same seed, same bytes; another seed, another model
"$GENMODEL" --size XS --seed 3 -o "$tmp/again.yaml" || fail "second run failed"
cmp -s "$tmp/XS.yaml" "$tmp/again.yaml" || fail "the same seed gave different models"
"$GENMODEL" --size XS --seed 4 -o "$tmp/other.yaml" || fail "seed 4 failed"
cmp -s "$tmp/XS.yaml" "$tmp/other.yaml" && fail "seeds 3 and 4 gave the same model"

# the S model has the sizes it promises (about 1k VMs, about 2k rules)
summary=$(cat "$tmp/out")
echo "$summary" | grep -q "1000 VMs" || fail "size S: expected 1000 VMs in: $summary"

[ "$failed" -eq 0 ] || exit 1
report "genmodel: XS and S models valid, deterministic"
