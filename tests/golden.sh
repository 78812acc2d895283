#!/bin/sh
# golden.sh - tcpfsm's output on every capture in captures/ (recorded and
# crafted) equals the reviewed output kept in tests/golden/: the JSON
# records with --events (<name>.json) and the text records (<name>.txt).
# The JSON is made twice, on two threads (the default with two CPUs) and
# with --threads 1: reading apart from analysis changes nothing.
#
# After a change of output, `make update-golden` rewrites them; read the
# diff of the regenerated files before committing them.
#
# With UPDATE_GOLDEN=1 in the environment this script writes instead of
# comparing.
. "${top_srcdir:-.}/tests/lib.sh"

golden=$top_srcdir/tests/golden
n=0
for pcap in "$CAPTURES"/*.pcap "$CAPTURES"/crafted/*.pcap; do
	[ -f "$pcap" ] || continue
	name=$(basename "$pcap" .pcap)
	case $pcap in
	*/crafted/*) name=crafted-$name ;;
	esac
	n=$((n + 1))
	for fmt in json txt json1; do
		case $fmt in
		json) set -- --threads 2 -F json --events ;;
		txt) set -- -F text ;;
		json1)
			[ -n "${UPDATE_GOLDEN:-}" ] && continue
			set -- --threads 1 -F json --events ;;
		esac
		"$TCPFSM" "$@" -r "$pcap" >"$TMPD/out" 2>"$TMPD/err"
		rc=$?
		fmt=${fmt%1}
		if [ "$rc" -ne 0 ]; then
			fail "$name.$fmt ($*): status $rc: $(cat "$TMPD/err")"
			continue
		fi
		if [ -n "${UPDATE_GOLDEN:-}" ]; then
			cp "$TMPD/out" "$golden/$name.$fmt"
			pass
		elif [ ! -f "$golden/$name.$fmt" ]; then
			fail "$name.$fmt: no golden file (make update-golden)"
		elif cmp -s "$golden/$name.$fmt" "$TMPD/out"; then
			pass
		else
			fail "$name.$fmt ($*) differs from tests/golden:
$(diff -u "$golden/$name.$fmt" "$TMPD/out" | head -40)"
		fi
	done
done
[ "$n" -gt 0 ] || skip "no captures"
finish
