#!/bin/sh
# bench.sh - tcpfsm's speed and memory against the bare libpcap read loop
# and its peers, side by side in one run on the same cached files.
#
# usage: tests/bench.sh [flood-packets [mix-packets]]    (make bench)
#
# Generates two captures with tests/gen-traffic (a flood of short
# connections, a realistic mix), reads each once to have it in the page
# cache, then runs the commands in RUNS rounds (default 5; tshark and
# tcptrace, whose runs take tens of seconds, only in the first PEER_RUNS,
# default 3), each command once a round, and keeps each one's fastest
# run: elapsed seconds, packets
# per second, the time as a ratio to the bare loop (tests/pcap-loop), and
# the peak RSS.  tshark and tcptrace run when installed.  With valgrind installed, callgrind counts tcpfsm's
# instructions per packet and per connection record on a small flood:
# instruction counts, unlike seconds, do not depend on what else the
# machine is doing.
#
# Then memory (DESIGN §3, §8): the peak RSS of tcpfsm -q and of tcpfsm -F
# json against 10 thousand and 1 million finished connections (clean
# closes, 200 a second: the TIME_WAIT traces of the last minute stay
# behind), and, with -F zeek too (which keeps a table of Zeek's own
# besides), against 10 thousand, 100 thousand and 1 million
# connections all still open at the end.  gen-traffic streams them
# through a pipe (-o - into -r -), so no file is written.  The bound
# checked is the issue's: 1 million open connections in under 1 GB
# (10^9 bytes); the result is information, not the exit status.
#
# Environment: RUNS, PEER_RUNS; BENCH_DIR keeps the files; BENCH_MEM=0 skips the
# memory part, BENCH_MEM=only runs nothing else; BENCH_BIG=1 adds 10
# million finished connections and -F zeek on the finished ones (about
# four minutes more).
set -u

top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
TCPFSM=${TCPFSM:-$top_builddir/src/tcpfsm}
GEN=$top_builddir/tests/gen-traffic
LOOP=$top_builddir/tests/pcap-loop
# Five rounds: on a shared virtual machine a minute can be slow for the
# two threads of tcpfsm and not for the one-thread loop.  Once, on a fresh
# clone, all three rounds of the old default were, and -q came out at
# 2.44x the loop against 1.32x to 1.56x in four runs the same hour.
RUNS=${RUNS:-5}
PEER_RUNS=${PEER_RUNS:-3}
# The flood: 3 million packets, about 300 thousand connections.  tcpfsm's
# time grows with the packets; the peers', keeping every connection, grows
# faster (tcptrace: 3.6 s for 1.5 million packets, 13.4 s for 3 million,
# on the machine of the README), so the size is part of every ratio to
# them and is printed with it.
FLOOD_PKTS=${1:-3000000}
MIX_PKTS=${2:-1500000}
BENCH_MEM=${BENCH_MEM:-1}
DIR=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tcpfsm-bench.XXXXXX")}
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$DIR"' EXIT

for prog in "$TCPFSM" "$GEN" "$LOOP"; do
	[ -x "$prog" ] || { echo "bench.sh: $prog: not built (make bench)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }

# timed KEY CMD...: one run of CMD; the fastest so far (by elapsed time)
# is kept in $DIR/best.KEY as "elapsed-seconds cpu-seconds peak-KiB"; cpu
# is user + system, all threads.  A failed run is "- - -", for good.
timed() {
	key=$1
	shift
	[ "$(cat "$DIR/best.$key" 2>/dev/null)" = "- - -" ] && return
	# Read the capture again first: a virtual machine's page cache may
	# have lost some of it (DAMON reclaim, the balloon), and a run that
	# waits for the disk says nothing about the program.
	[ -n "${WARM:-}" ] && cat "$WARM" >/dev/null
	# Elapsed time from date(1) in nanoseconds: GNU time's %e has 10 ms
	# steps, a tenth of the flood's bare loop.
	s0=$(date +%s%N)
	if ! /usr/bin/time -f '%e %U %S %M' -o "$DIR/time" "$@" >/dev/null 2>"$DIR/err"; then
		echo "bench.sh: $*: failed: $(tail -1 "$DIR/err")" >&2
		echo "- - -" >"$DIR/best.$key"
		return
	fi
	s1=$(date +%s%N)
	r=$(tail -1 "$DIR/time" | awk -v ns=$((s1 - s0)) '{ printf "%.3f %.2f %s\n", ns / 1e9, $2 + $3, $4 }')
	b=$(cat "$DIR/best.$key" 2>/dev/null)
	if [ -z "$b" ] || awk -v a="${r%% *}" -v b="${b%% *}" 'BEGIN { exit !(a < b) }'; then
		echo "$r" >"$DIR/best.$key"
	fi
}

# row TAG NAME "ELAPSED CPU KIB" PACKETS "BASE-ELAPSED BASE-CPU KIB": one
# line of the table; kept as "TAG NAME|ELAPSED CPU KIB" in $DIR/results.
row() {
	echo "$1 $2|$3" >>"$DIR/results"
	echo "$3 $5" | awk -v n="$2" -v p="$4" '{
		if ($1 == "-") { printf "  %-32s %9s\n", n, "failed"; exit }
		t = $1 < 0.005 ? 0.005 : $1
		bt = $4 < 0.005 ? 0.005 : $4
		bc = $5 < 0.005 ? 0.005 : $5
		printf "  %-32s %6.3f s %10.0f %6.2fx %6.2f s %6.2fx %8.1f MB\n",
		    n, $1, p / t, t / bt, $2, $2 / bc, $3 / 1024
	}'
}

# ratio NAME-A NAME-B: elapsed time of row A over row B, from $DIR/results.
ratio() {
	awk -F'|' -v a="$1" -v b="$2" '
	    $1 == a { split($2, x, " "); ta = x[1] }
	    $1 == b { split($2, y, " "); tb = y[1] }
	    END { if (ta == "" || tb == "" || ta == "-" || tb == "-" || tb == 0) print "-"; else printf "%.2f\n", ta / tb }' "$DIR/results"
}

# target WHAT VALUE OP LIMIT: one line of the issue's targets, met or not.
target() {
	awk -v w="$1" -v v="$2" -v op="$3" -v l="$4" 'BEGIN {
		if (v == "-") { printf "  %-58s %8s\n", w, "n/a"; exit }
		ok = op == "<=" ? v <= l : v >= l
		printf "  %-58s %7.2fx  (%s %s) %s\n", w, v, op, l, ok ? "met" : "NOT met"
	}'
}

# bench_file TAG NAME PCAP PACKETS: the table for one capture.  Row names
# are prefixed with TAG in $DIR/results.  The commands run in rounds, each
# once a round, RUNS rounds, and each keeps its fastest: a command and the
# one it is compared with then meet the same moods of a shared machine,
# not one a calm minute and the other a busy one.
bench_file() {
	tag=$1 name=$2 pcap=$3 pkts=$4
	WARM=$pcap
	rm -f "$DIR"/best.*
	have_tcptrace=''
	have_tshark=''
	command -v tcptrace >/dev/null 2>&1 && have_tcptrace=1
	command -v tshark >/dev/null 2>&1 && have_tshark=1
	for round in $(seq "$RUNS"); do
		peers=1
		[ "$round" -gt "$PEER_RUNS" ] && peers=
		timed loop "$LOOP" "$pcap"
		timed mapped "$LOOP" -m "$pcap"
		timed q "$TCPFSM" -q -r "$pcap"
		timed q1 "$TCPFSM" --threads 1 -q -r "$pcap"
		timed json "$TCPFSM" -F json -o /dev/null -r "$pcap"
		timed json1 "$TCPFSM" --threads 1 -F json -o /dev/null -r "$pcap"
		timed text "$TCPFSM" -F text -o /dev/null -r "$pcap"
		[ -z "$peers" ] && continue
		[ -n "$have_tcptrace" ] && timed tcptrace tcptrace -n "$pcap"
		[ -n "$have_tshark" ] && timed tshark tshark -n -q -z conv,tcp -r "$pcap"
		# The peers give back a GB or more as they exit.
		[ -n "$have_tcptrace$have_tshark" ] && sleep 1
	done
	base=$(cat "$DIR/best.loop")
	[ "${base%% *}" = "-" ] && return
	printf '\n%s: %s packets, %s MB\n' "$name" "$pkts" "$(($(wc -c <"$pcap") / 1048576))"
	printf '  %-32s %8s %10s %7s %8s %7s %11s\n' command elapsed packets/s "x loop" \
	    "cpu" "x loop" "peak RSS"
	row "$tag" "bare pcap_dispatch loop" "$base" "$pkts" "$base"
	row "$tag" "bare loop, mapped (as tcpfsm)" "$(cat "$DIR/best.mapped")" "$pkts" "$base"
	row "$tag" "tcpfsm -q" "$(cat "$DIR/best.q")" "$pkts" "$base"
	row "$tag" "tcpfsm -q --threads 1" "$(cat "$DIR/best.q1")" "$pkts" "$base"
	row "$tag" "tcpfsm -F json" "$(cat "$DIR/best.json")" "$pkts" "$base"
	row "$tag" "tcpfsm -F json --threads 1" "$(cat "$DIR/best.json1")" "$pkts" "$base"
	row "$tag" "tcpfsm -F text" "$(cat "$DIR/best.text")" "$pkts" "$base"
	[ -n "$have_tcptrace" ] &&
	    row "$tag" "tcptrace -n" "$(cat "$DIR/best.tcptrace")" "$pkts" "$base"
	[ -n "$have_tshark" ] &&
	    row "$tag" "tshark -q -z conv,tcp" "$(cat "$DIR/best.tshark")" "$pkts" "$base"
	WARM=
}

# mem MODE CONNS TCPFSM-ARGS...: tcpfsm reading CONNS connections of
# gen-traffic -m MODE through a pipe, once: "seconds peak-KiB open-at-end",
# the last from the summary, where there is one (else "-").
mem() {
	mode=$1 n=$2
	shift 2
	rm -f "$DIR/gen-failed"
	{ "$GEN" -m "$mode" -n "$n" -o - 2>"$DIR/gen.err" ||
	    : >"$DIR/gen-failed"; } |
	    /usr/bin/time -f '%e %M' -o "$DIR/time" "$TCPFSM" "$@" -r - \
	    >"$DIR/out" 2>"$DIR/err"
	st=$?
	if [ $st -ne 0 ] || [ -e "$DIR/gen-failed" ]; then
		echo "bench.sh: gen-traffic -m $mode -n $n | tcpfsm $*:" \
		    "failed: $(tail -1 "$DIR/gen.err") $(tail -1 "$DIR/err")" >&2
		echo "- - -"
		return
	fi
	live=-
	if cat "$DIR/out" "$DIR/err" | grep -q '^connections '; then
		live=$(cat "$DIR/out" "$DIR/err" |
		    sed -n 's/^end open_at_end //p')
		live=${live:-0}
	fi
	echo "$(tail -1 "$DIR/time") $live"
}

# memrow CONNS NAME "seconds KiB live" [BASE-CONNS BASE-KIB]: a row, with
# the peak per connection and, given a smaller run of the same command,
# the bytes each further connection costs.
memrow() {
	awk -v n="$1" -v name="$2" -v r="$3" -v bn="${4:-}" -v bk="${5:-}" 'BEGIN {
		split(r, f, " ")
		if (f[1] == "-") { printf "  %11d  %-28s %9s\n", n, name, "failed"; exit }
		m = bn != "" && n > bn ? sprintf("%10.0f", (f[2] - bk) * 1024 / (n - bn)) : sprintf("%10s", "-")
		printf "  %11d  %-28s %7.2f s %8.1f MiB %9.0f %s %8s\n", n, name, f[1],
		    f[2] / 1024, f[2] * 1024 / n, m, f[3]
	}'
}

memory() {
	t0=$(date +%s) bound=
	echo
	echo "memory: peak RSS of tcpfsm (GNU time %M), one run each of"
	echo "gen-traffic -m MODE -n CONNS -o - | tcpfsm ... -r -; marginal: bytes"
	echo "each connection adds over the first row's"
	echo "finished connections (gen-traffic -m clean, 200 a second):"
	printf '  %11s  %-28s %9s %12s %9s %10s %8s\n' connections command time \
	    "peak RSS" bytes/conn marginal "open end"
	fin="10000 1000000" zeek=
	[ "${BENCH_BIG:-0}" = 1 ] && fin="$fin 10000000" zeek="-F zeek -o /dev/null"
	for args in "-q" "-F json -o /dev/null" ${zeek:+"$zeek"}; do
		b=
		for n in $fin; do
			# shellcheck disable=SC2086
			r=$(mem clean "$n" $args)
			memrow "$n" "tcpfsm $args" "$r" ${b:+$b}
			[ -z "$b" ] && [ "${r%% *}" != - ] && b="$n ${r#* }" &&
			    b=${b% *}
		done
	done
	echo "open connections (gen-traffic -m open, 100000 a second: a handshake,"
	echo "a request, a response, never closed; all open at the end):"
	printf '  %11s  %-28s %9s %12s %9s %10s %8s\n' connections command time \
	    "peak RSS" bytes/conn marginal "open end"
	for args in "-q" "-F json -o /dev/null" "-F zeek -o /dev/null"; do
		b=
		for n in 10000 100000 1000000; do
			# shellcheck disable=SC2086
			r=$(mem open "$n" $args)
			memrow "$n" "tcpfsm $args" "$r" ${b:+$b}
			[ -z "$b" ] && [ "${r%% *}" != - ] && b="$n ${r#* }" &&
			    b=${b% *}
			[ "$n" = 1000000 ] && bound="$bound
$args ${r#* }"
		done
	done
	# The issue's bound: 1 GB read as 10^9 bytes, the stricter reading.
	echo "$bound" | awk 'NF >= 3 {
		k = $(NF - 1); $(NF - 1) = $NF = ""; sub(/ +$/, "")
		if (k == "-") { printf "1 GB bound, 1000000 open, tcpfsm %s: not measured\n", $0; next }
		printf "1 GB bound, 1000000 open, tcpfsm %s: %.1f MiB = %.3f GB: %s\n",
		    $0, k / 1024, k * 1024 / 1e9, k * 1024 < 1e9 ? "PASS" : "FAIL"
	}'
	echo "memory section: $(($(date +%s) - t0)) s"
}

echo "tcpfsm benchmark: $(uname -srm), $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
# On a virtual machine the host may run others on "our" CPUs: its share,
# /proc/stat's steal time, says how far elapsed times can be trusted.
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9 }' /proc/stat 2>/dev/null; }
ticks0=$(cpu_ticks)
[ "$BENCH_MEM" = only ] && { memory; exit 0; }
echo "$RUNS rounds (tshark and tcptrace in the first $PEER_RUNS), each command once a"
echo "round, the fastest of its runs kept; files in the page cache"
"$GEN" -m flood -p "$FLOOD_PKTS" -o "$DIR/flood.pcap" 2>"$DIR/gen-flood.log" || exit 1
"$GEN" -m mix -p "$MIX_PKTS" -o "$DIR/mix.pcap" 2>"$DIR/gen-mix.log" || exit 1
# Their 1.5 GB, dirty, would otherwise be written back by the kernel's
# threads during the first rounds, on the CPUs being measured.
sync
echo "json and text write to /dev/null; elapsed is wall-clock time, cpu the"
echo "user and system time of all threads (tcpfsm reads and analyses a file"
echo "on two threads when the machine has two CPUs; --threads 1 on one)"
: >"$DIR/results"
conns=$("$TCPFSM" -q -r "$DIR/flood.pcap" | sed -n 's/^connections //p')
bench_file flood "flood ($conns connections)" "$DIR/flood.pcap" "$FLOOD_PKTS"
conns=$("$TCPFSM" -q -r "$DIR/mix.pcap" | sed -n 's/^connections //p')
bench_file mix "mix ($conns connections)" "$DIR/mix.pcap" "$MIX_PKTS"

echo
echo "targets (DESIGN.md section 8), elapsed times of this run:"
target "flood: tcpfsm -q / bare loop" "$(ratio "flood tcpfsm -q" "flood bare pcap_dispatch loop")" "<=" 2
target "flood: tcptrace -n / tcpfsm -F json" "$(ratio "flood tcptrace -n" "flood tcpfsm -F json")" ">=" 8
target "flood: tshark / tcpfsm -F json" "$(ratio "flood tshark -q -z conv,tcp" "flood tcpfsm -F json")" ">=" 20
target "mix: tcpfsm -F json / bare loop" "$(ratio "mix tcpfsm -F json" "mix bare pcap_dispatch loop")" "<=" 1.5
echo "the same against a loop that reads the file as tcpfsm does (mapped):"
target "flood: tcpfsm -q / mapped loop" "$(ratio "flood tcpfsm -q" "flood bare loop, mapped (as tcpfsm)")" "<=" 2
target "mix: tcpfsm -F json / mapped loop" "$(ratio "mix tcpfsm -F json" "mix bare loop, mapped (as tcpfsm)")" "<=" 1.5

if command -v valgrind >/dev/null 2>&1; then
	"$GEN" -m flood -p 100000 -o "$DIR/small.pcap" 2>/dev/null
	conns=$("$TCPFSM" -q -r "$DIR/small.pcap" | sed -n 's/^connections //p')
	ir() {
		valgrind --tool=callgrind --callgrind-out-file="$DIR/cg" "$@" \
		    >/dev/null 2>"$DIR/cg.log"
		sed -n 's/^summary: *//p' "$DIR/cg"
	}
	loop=$(ir "$LOOP" "$DIR/small.pcap")
	q=$(ir "$TCPFSM" -q -r "$DIR/small.pcap")
	json=$(ir "$TCPFSM" -F json -o /dev/null -r "$DIR/small.pcap")
	echo
	echo "callgrind, 100000-packet flood ($conns connections): instructions"
	awk -v l="$loop" -v q="$q" -v j="$json" -v c="$conns" 'BEGIN {
		printf "  bare loop          %6.0f per packet\n", l / 100000
		printf "  tcpfsm -q          %6.0f per packet (%.0f above the loop)\n", q / 100000, (q - l) / 100000
		printf "  tcpfsm -F json     %6.0f per connection record (above -q)\n", (j - q) / c
	}'
fi

[ "$BENCH_MEM" != 0 ] && memory
ticks1=$(cpu_ticks)
if [ -n "$ticks0" ] && [ -n "$ticks1" ]; then
	echo "$ticks0 $ticks1" | awk '{ t = $3 - $1; s = $4 - $2
		if (t <= 0)
			exit
		note = (s / t > 0.05) ? "; elapsed times above are inflated and noisy" : ""
		printf "\nsteal time: the hypervisor took %.1f%% of the CPU time of this machine during the run%s\n", 100 * s / t, note }'
fi
exit 0
