#!/bin/sh
# tshark-count.sh - tcpfsm decodes every TCP segment tshark sees.
#
# For every capture in captures/ and in the Zeek oracle (../shared), the
# number of lines `tcpfsm --packets` prints (one per TCP segment) must equal
# the number of frames whose outermost transport is TCP according to
# tshark: the protocol right after the first IP layer (IPv6 extension
# headers skipped) is tcp.  Tunnelled TCP (GRE, VXLAN, ...) is not counted
# on either side.  tshark runs without IP reassembly, so a first fragment
# counts as the TCP segment it begins.  Skipped without tshark.
. "${top_srcdir:-.}/tests/lib.sh"

TSHARK=${TSHARK:-$(command -v tshark)}
[ -n "$TSHARK" ] && [ -x "$TSHARK" ] || skip "tshark is not installed"

tshark_tcp() {
	"$TSHARK" -n -r "$1" -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
	    -T fields -e frame.protocols 2>/dev/null | awk -F: '
	{
		for (i = 1; i <= NF; i++) {
			if ($i != "ip" && $i != "ipv6")
				continue
			for (j = i + 1; j <= NF; j++) {
				if ($j ~ /^ipv6\./)
					continue
				if ($j == "tcp")
					n++
				break
			}
			break
		}
	}
	END { print n + 0 }'
}

files=0
for f in "$CAPTURES"/*.pcap "$CAPTURES"/*.pcapng \
    "$ZEEK"/traces/*.pcap "$ZEEK"/traces/*.pcapng \
    "$ZEEK"/unlabelled/*.pcap "$ZEEK"/unlabelled/*.pcapng; do
	[ -f "$f" ] || continue
	files=$((files + 1))
	ours=$("$TCPFSM" --packets -r "$f" 2>"$TMPD/err" | wc -l)
	rc=$?
	if grep -q '^tcpfsm:' "$TMPD/err"; then
		fail "$(basename "$f"): $(grep '^tcpfsm:' "$TMPD/err")"
		continue
	fi
	expect_eq "$(basename "$f"): TCP segments (tcpfsm vs tshark)" \
	    "$(tshark_tcp "$f")" "$ours"
done
[ -d "$ZEEK/traces" ] || echo "note: $ZEEK not found; only captures/ compared"
[ "$files" -gt 0 ] || skip "no captures found"
echo "$files captures compared"
finish
