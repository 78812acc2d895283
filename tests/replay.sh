#!/bin/sh
# replay.sh - known answers on real traffic recorded from the Linux stack
# (captures/record.sh): tcpfsm's final states equal the kernel's own (the
# .ss snapshot beside each capture), and each capture's ending and
# anomalies are what the scenario did.
. "${top_srcdir:-.}/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

for pcap in "$CAPTURES"/*.pcap; do
	[ -f "${pcap%.pcap}.ss" ] || continue
	if python3 "$top_srcdir/tests/kernel_states.py" "$TCPFSM" "$pcap" \
	    >"$TMPD/ks" 2>&1; then
		pass
	else
		fail "kernel states: $(grep -v '^ok' "$TMPD/ks")"
	fi
done

# conn LINE-PATTERN FILE: the text record of the connection to that port.
conn() {
	"$TCPFSM" -r "$CAPTURES/$2" | grep -E "$1"
}

line=$(conn '> 198\.18\.0\.2\.8080:' clean-client-close.pcap)
expect_match "clean close: states" \
    'client TIME_WAIT, server CLOSED, end fin, closer client' "$line"
expect_match "clean close: no anomaly" '; anomalies: none$' "$line"

line=$(conn '> 198\.18\.0\.2\.8080:' server-never-closes.pcap)
expect_match "server never closes: states" \
    'client FIN_WAIT_2, server CLOSE_WAIT, end open_at_end, closer client' \
    "$line"
expect_match "server never closes: half_closed" \
    '; anomalies: half_closed$' "$line"
json=$("$TCPFSM" -F json -r "$CAPTURES/server-never-closes.pcap" |
    grep '"port":8080')
expect_match "server never closes: the server is the one in CLOSE_WAIT" \
    '"id":"half_closed","severity":"warning","category":"teardown","endpoint":"server"' \
    "$json"

line=$(conn '> 198\.18\.0\.2\.8081:' refused.pcap)
expect_match "refused: rejected" \
    'client CLOSED, server CLOSED, end rejected, closer server' "$line"
expect_match "refused: no anomaly" '; anomalies: none$' "$line"

# --fail-on: a warning fails a warning threshold, not an error one.
"$TCPFSM" -q --fail-on warning -r "$CAPTURES/server-never-closes.pcap" \
    >/dev/null
expect_eq "--fail-on warning with half_closed" 3 "$?"
"$TCPFSM" -q --fail-on error -r "$CAPTURES/server-never-closes.pcap" \
    >/dev/null
expect_eq "--fail-on error with a warning only" 0 "$?"
"$TCPFSM" -q --fail-on info -r "$CAPTURES/clean-client-close.pcap" >/dev/null
expect_eq "--fail-on info on a clean connection" 0 "$?"

finish
