#!/bin/sh
# coverage.sh - the corpus in captures/ exercises the whole anomaly
# catalogue: every id tcpfsm --explain lists is raised by at least one
# capture (bad_checksum with --verify-checksums), and the clean captures
# raise none.
. "${top_srcdir:-.}/tests/lib.sh"

all=$("$TCPFSM" --explain | awk '{ print $1 }' | sort)
[ -n "$all" ] || { fail "tcpfsm --explain lists no id"; finish; }
for pcap in "$CAPTURES"/*.pcap "$CAPTURES"/crafted/*.pcap; do
	"$TCPFSM" -F json --events --verify-checksums -r "$pcap" 2>/dev/null
done | sed -n 's/^{"type":"anomaly".*"id":"\([a-z_]*\)".*/\1/p' |
    sort -u >"$TMPD/raised"
for id in $all; do
	if grep -qx "$id" "$TMPD/raised"; then
		pass
	else
		fail "no capture in captures/ raises $id"
	fi
done

for pcap in clean-client-close clean-server-close clean-client-close-v6 \
    crafted/clean-close crafted/seq-wrap crafted/window-scaling; do
	out=$("$TCPFSM" -F json --events -r "$CAPTURES/$pcap.pcap" |
	    grep -c '^{"type":"anomaly"')
	expect_eq "$pcap raises no anomaly" 0 "$out"
done
finish
