#!/bin/sh
# progress.sh - DESIGN §7's progress line: drawn on standard error when it
# is a terminal (script(1) gives the run one), erased when the file ends,
# and never on a pipe, into a file, or over records that go to the same
# terminal.  The capture comes through a FIFO in two parts, a second and
# a half apart, so that the reading lasts long enough to draw a line.
. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$TCPFSM" ] || { echo "no $TCPFSM"; exit 99; }
GEN=$top_builddir/tests/gen-traffic
[ -x "$GEN" ] || { echo "no $GEN (make tests/gen-traffic)"; exit 99; }
command -v script >/dev/null 2>&1 || skip "script(1) is needed for a terminal"
command -v mkfifo >/dev/null 2>&1 || skip "mkfifo(1) is needed"

# About 27,000 packets: enough for a batch of reading on each side of
# the pause.
pkts=$("$GEN" -m flood -n 3000 -s 5 -o "$TMPD/flood.pcap" 2>&1 |
    sed -n 's/.*: \([0-9]*\) packets.*/\1/p')
[ -n "$pkts" ] || { echo "gen-traffic failed"; exit 99; }
size=$(wc -c <"$TMPD/flood.pcap")
half=$((size / 2))
mkfifo "$TMPD/fifo"

# slowly: write the capture into the FIFO, a pause in the middle.
slowly() {
	{
		head -c "$half" "$TMPD/flood.pcap"
		sleep 1.5
		tail -c +"$((half + 1))" "$TMPD/flood.pcap"
	} >"$TMPD/fifo" &
}

# on_tty ARGS...: tcpfsm ARGS on a terminal; what it showed, in $TMPD/tty.
on_tty() {
	slowly
	# shellcheck disable=SC2086
	script -qec "$TCPFSM $* -r $TMPD/fifo" /dev/null </dev/null \
	    >"$TMPD/tty" 2>&1
	st=$?
	wait
	return $st
}

# With -q only the summary goes to the terminal, at the end: a line is drawn.
on_tty -q -F json
expect_eq "-q on a terminal: status" 0 $?
tr '\r' '\n' <"$TMPD/tty" >"$TMPD/lines"
line=$(grep '^tcpfsm: ' "$TMPD/lines" | head -n 1)
expect_match "-q on a terminal: the progress line" \
    '^tcpfsm: fifo: [0-9.]+[kM]? packets, [0-9.]+[kM]?/s *$' "$line"
# Erased before the summary: a carriage return, blanks, a carriage return.
expect_match "-q on a terminal: erased" "$(printf '\r') +$(printf '\r')" \
    "$(cat "$TMPD/tty")"
expect_match "-q on a terminal: the summary after it" \
    "^\\{\"type\":\"summary\".*\"read\":$pkts," \
    "$(grep -v '^ *$' "$TMPD/lines" | tail -n 1)"

# A narrow terminal: the line is cut to fit, so that it can be redrawn.
slowly
script -qec "stty cols 30; $TCPFSM -q -r $TMPD/fifo" /dev/null </dev/null \
    >"$TMPD/tty" 2>&1
wait
line=$(tr '\r' '\n' <"$TMPD/tty" | grep '^tcpfsm: ' | head -n 1)
expect_match "30 columns: a line" '^tcpfsm: fifo: ' "$line"
expect_eq "30 columns: 29 characters at most" 29 \
    "$(printf '%s' "$line" | sed 's/ *$//' | awk '{ print (length($0) <= 29 ? 29 : length($0)) }')"

# Records written to the same terminal: no line to tear them.
on_tty -F json
expect_eq "records on the terminal: status" 0 $?
expect_eq "records on the terminal: no progress line" "" \
    "$(tr '\r' '\n' <"$TMPD/tty" | grep '^tcpfsm: ')"

# Records to a file (-o): the terminal shows the line.
on_tty -F json -o "$TMPD/out.json"
expect_eq "-o file: status" 0 $?
expect_match "-o file: the progress line" '^tcpfsm: fifo: ' \
    "$(tr '\r' '\n' <"$TMPD/tty" | grep '^tcpfsm: ' | head -n 1)"
expect_eq "-o file: no progress in the records" "" \
    "$(grep -v '^{' "$TMPD/out.json")"

# A regular file is told in megabytes of its size.  A reader of the
# records that waits holds the reading up long enough.
script -qec "$TCPFSM -F json -r $TMPD/flood.pcap | { sleep 1.5; cat >/dev/null; }" \
    /dev/null </dev/null >"$TMPD/tty" 2>&1
expect_eq "a regular file: status" 0 $?
expect_match "a regular file: how far" \
    '^tcpfsm: flood.pcap: [0-9.]+ of [0-9.]+ MB \([0-9]+%\), [0-9.]+[kM]? packets, ' \
    "$(tr '\r' '\n' <"$TMPD/tty" | grep '^tcpfsm: ' | head -n 1)"

# Standard error not a terminal: nothing on it, ever.
slowly
"$TCPFSM" -q -F json -r "$TMPD/fifo" >"$TMPD/out" 2>"$TMPD/err"
expect_eq "stderr on a file: status" 0 $?
wait
expect_eq "stderr on a file: nothing on it" "" "$(cat "$TMPD/err")"

# Several files: which one of how many.
slowly
script -qec "$TCPFSM -q -r $CAPTURES/refused.pcap -r $TMPD/fifo" /dev/null \
    </dev/null >"$TMPD/tty" 2>&1
wait
expect_match "several files: the second, on a FIFO" \
    '^tcpfsm: fifo \(2 of 2\): [0-9.]+[kM]? packets, ' \
    "$(tr '\r' '\n' <"$TMPD/tty" | grep '^tcpfsm: ' | head -n 1)"

finish
