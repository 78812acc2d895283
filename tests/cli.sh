#!/bin/sh
# cli.sh - the command line as a user meets it: inputs, errors and exit
# statuses of DESIGN §7, on real captures and on files cut or made to fail.
. "${top_srcdir:-.}/tests/lib.sh"

clean=$CAPTURES/clean-client-close.pcap
[ -x "$TCPFSM" ] || { echo "no $TCPFSM"; exit 99; }

# run ARGS...: sets out, err, rc.
run() {
	"$TCPFSM" "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	out=$(cat "$TMPD/out")
	err=$(cat "$TMPD/err")
}

# -- usage errors: exit 2 ------------------------------------------------
run
expect_eq "no input: status" 2 "$rc"
expect_match "no input: message" '^tcpfsm: no input' "$err"
run --no-such-option -r "$clean"
expect_eq "unknown option: status" 2 "$rc"
run -r "$clean" -i lo
expect_eq "-i and -r: status" 2 "$rc"
expect_eq "-i and -r: message" "tcpfsm: -i and -r: one input at a time" "$err"
# Trailing arguments are a filter expression, as tcpdump takes them.
run -q -r "$clean" tcp port 8080
expect_eq "filter: status" 0 "$rc"
expect_match "filter: the connection on the port" '^connections 1$' "$out"
run -q -r "$clean" tcp port 9999
expect_match "filter: nothing on another port" '^connections 0$' "$out"
run -h
expect_eq "-h: status" 0 "$rc"
expect_match "-h: usage" '^usage: tcpfsm' "$out"
run -V
expect_match "-V" '^tcpfsm [0-9]+\.[0-9]+' "$out"

# -- inputs that are not captures: exit 1, tcpfsm: what: why ---------------
run -r "$TMPD/missing.pcap"
expect_eq "missing file: status" 1 "$rc"
expect_eq "missing file: message" \
    "tcpfsm: $TMPD/missing.pcap: No such file or directory" "$err"
expect_eq "missing file: nothing on stdout" "" "$out"

run -r "$TMPD"
expect_eq "directory: status" 1 "$rc"
expect_eq "directory: message" "tcpfsm: $TMPD: Is a directory" "$err"

: >"$TMPD/empty.pcap"
run -r "$TMPD/empty.pcap"
expect_eq "empty file: status" 1 "$rc"
expect_eq "empty file: message" \
    "tcpfsm: $TMPD/empty.pcap: empty file, not a capture" "$err"

printf 'GET / HTTP/1.1\r\nHost: example\r\n\r\n' >"$TMPD/text.pcap"
run -r "$TMPD/text.pcap"
expect_eq "not a capture: status" 1 "$rc"
expect_match "not a capture: message" \
    "^tcpfsm: $TMPD/text.pcap: unknown file format" "$err"

# A pcap header (little-endian, v2.4, snaplen 65535) with link type 105,
# 802.11, and no packets.
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\151\000\000\000' \
    >"$TMPD/wifi.pcap"
run -r "$TMPD/wifi.pcap"
expect_eq "unsupported link type: status" 1 "$rc"
expect_match "unsupported link type: message" \
    "^tcpfsm: $TMPD/wifi.pcap: unsupported link type IEEE802_11 \(.*DLT 105\)$" "$err"

# -- a real capture ---------------------------------------------------------
run -r "$clean"
expect_eq "clean: status" 0 "$rc"
expect_match "clean: packets" '^packets 10$' "$out"
expect_match "clean: tcp" '^tcp 10$' "$out"
expect_eq "clean: quiet stderr" "" "$err"

run --packets -r "$clean"
expect_eq "--packets: status" 0 "$rc"
expect_eq "--packets: one line per segment" 10 "$(printf '%s\n' "$out" | wc -l)"
expect_match "--packets: counters on stderr" '^tcp 10$' "$err"
# The replay view: uid, direction, relative numbers, both states after.
expect_eq "--packets: SYN line" \
    "C5atqtY2tV16pSXbdG c>s IP 198.18.0.1.50332 > 198.18.0.2.8080: Flags [S], seq 0, win 64240, options [mss 1460,sackOK,TS val 540477695 ecr 0,wscale 10], length 0 | client SYN_SENT, server LISTEN" \
    "$(printf '%s\n' "$out" | sed -n 1p | cut -d' ' -f2-)"
expect_eq "--packets: data line" \
    "C5atqtY2tV16pSXbdG s>c IP 198.18.0.2.8080 > 198.18.0.1.50332: Flags [P.], seq 1, ack 19, win 64, options [TS val 3912867768 ecr 540477695], length 43 | client ESTABLISHED, server ESTABLISHED" \
    "$(printf '%s\n' "$out" | sed -n 6p | cut -d' ' -f2-)"
expect_eq "--packets: the last ACK closes it" \
    "client TIME_WAIT, server CLOSED" \
    "$(printf '%s\n' "$out" | sed -n 10p | sed 's/.* | //')"
expect_match "--packets: epoch time with microseconds" '^1[0-9]{9}\.[0-9]{6} ' "$out"

# The same seconds as tcpdump -tt, line by line.
if command -v tcpdump >/dev/null 2>&1; then
	expect_eq "--packets: timestamps equal tcpdump -tt" \
	    "$(tcpdump -tt -n -r "$clean" 2>/dev/null | cut -d' ' -f1)" \
	    "$(printf '%s\n' "$out" | cut -d' ' -f1)"
fi

run --packets -r - <"$clean"
expect_eq "stdin: status" 0 "$rc"
expect_eq "stdin: lines" 10 "$(printf '%s\n' "$out" | wc -l)"

run -r "$clean" -r "$clean"
expect_match "two files read as one capture" '^packets 20$' "$out"

run -o "$TMPD/o.txt" --packets -r "$clean"
expect_eq "-o: status" 0 "$rc"
expect_eq "-o: lines in the file" 10 "$(wc -l <"$TMPD/o.txt")"
expect_eq "-o: nothing on stdout" "" "$out"

# -- damage: everything before it is reported, then status 1 ---------------
size=$(wc -c <"$clean")
head -c $((size - 10)) "$clean" >"$TMPD/cut.pcap"
run --packets -r "$TMPD/cut.pcap"
expect_eq "cut file: status" 1 "$rc"
expect_eq "cut file: the 9 whole packets are printed" 9 \
    "$(printf '%s\n' "$out" | wc -l)"
expect_match "cut file: where it broke" \
    "^tcpfsm: $TMPD/cut.pcap: truncated dump file; .* \(after packet 9, at byte [0-9]+\)$" "$err"
expect_match "cut file: counters still written" '^packets 9$' "$err"

run -r "$TMPD/cut.pcap" -r "$clean"
expect_eq "cut file then a good one: status" 1 "$rc"
expect_match "cut file then a good one: both read" '^packets 19$' "$out"

# A record header claiming more bytes than the snaplen (here 100000 bytes
# captured in a file whose snaplen is 65535): libpcap refuses it.
{
	printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000'
	printf '\000\000\000\000\000\000\000\000\240\206\001\000\240\206\001\000'
} >"$TMPD/huge.pcap"
run -r "$TMPD/huge.pcap"
expect_eq "record larger than snaplen: status" 1 "$rc"
expect_match "record larger than snaplen: message" \
    "^tcpfsm: $TMPD/huge.pcap: .*\\(after packet 0" "$err"

# -- output that fails ------------------------------------------------------
if [ -w /dev/full ]; then
	run --packets -o /dev/full -r "$clean"
	expect_eq "/dev/full: status" 1 "$rc"
	expect_match "/dev/full: message" \
	    '^tcpfsm: /dev/full: write error: No space left on device$' "$err"
	# Records, written by the analysis thread when there are two.
	for t in 1 2; do
		run --threads $t -F json -o /dev/full -r "$clean"
		expect_eq "/dev/full, --threads $t: status" 1 "$rc"
		expect_match "/dev/full, --threads $t: message" \
		    '^tcpfsm: /dev/full: write error: No space left on device$' \
		    "$err"
	done
fi

# A reader that goes away: quiet, status 0.  Enough lines to fill the pipe.
set --
for _ in $(seq 400); do set -- "$@" -r "$clean"; done
# POSIX sh has no PIPESTATUS: run it through a subshell that reports it.
( "$TCPFSM" --packets "$@" 2>"$TMPD/err"; echo $? >"$TMPD/rc" ) | head -1 >/dev/null
expect_eq "closed pipe: status" 0 "$(cat "$TMPD/rc")"
expect_eq "closed pipe: no error" "" "$(grep '^tcpfsm:' "$TMPD/err")"
for t in 1 2; do
	( "$TCPFSM" --threads $t -F json "$@" 2>"$TMPD/err"; echo $? >"$TMPD/rc" ) |
	    head -1 >/dev/null
	expect_eq "closed pipe, records, --threads $t: status" 0 \
	    "$(cat "$TMPD/rc")"
	expect_eq "closed pipe, records, --threads $t: no error" "" \
	    "$(grep '^tcpfsm:' "$TMPD/err")"
done

run --threads 3 -r "$clean"
expect_eq "--threads 3: status" 2 "$rc"
expect_match "--threads 3: message" '^tcpfsm: --threads 3: not 1 or 2$' "$err"

finish
