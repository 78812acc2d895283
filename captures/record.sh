#!/usr/bin/env bash
# record.sh - record real TCP conversations from the Linux stack.
#
# Run as root.  Builds two network namespaces joined by a veth pair
# (client 198.18.0.1, server 198.18.0.2: the benchmarking range
# 198.18.0.0/15, which no real network uses; for IPv6 2001:db8::1 and
# 2001:db8::2, the documentation prefix of RFC 3849, routed nowhere either),
# captures on the client side with tcpdump, drives real sockets with
# python3, and at the end snapshots each namespace's TCP sockets
# (ss -tan state all) next to the pcap: the kernel's own state machine is
# the ground truth for the tests.  Loss is made with nft rules inside a
# namespace (tc and netem are not available): the tap on the client's veth
# sees a packet before the client's nft input hook drops it, and sees the
# client's packets leave before the server's nft drops them.
#
# usage: captures/record.sh [SCENARIO ...]   (default: every scenario)
# Writes captures/<scenario>.pcap and captures/<scenario>.ss, the
# scenario's name with '-' for '_'.
# Needs: iproute2, tcpdump, python3, nft (Debian: apt-get install nftables).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here}
ns_c=tcpfsm-rec-c
ns_s=tcpfsm-rec-s
ip_c=198.18.0.1
ip_s=198.18.0.2
ip6_c=2001:db8::1
ip6_s=2001:db8::2

cleanup() {
	[ -n "${tcpdump_pid:-}" ] && kill "$tcpdump_pid" 2>/dev/null || true
	ip netns del "$ns_c" 2>/dev/null || true
	ip netns del "$ns_s" 2>/dev/null || true
}
trap cleanup EXIT

setup() {
	cleanup
	ip netns add "$ns_c"
	ip netns add "$ns_s"
	ip link add veth-c netns "$ns_c" type veth peer name veth-s netns "$ns_s"
	ip -n "$ns_c" addr add "$ip_c/24" dev veth-c
	ip -n "$ns_s" addr add "$ip_s/24" dev veth-s
	# nodad: usable at once, no duplicate address detection to wait for.
	ip -n "$ns_c" addr add "$ip6_c/64" dev veth-c nodad
	ip -n "$ns_s" addr add "$ip6_s/64" dev veth-s nodad
	ip -n "$ns_c" link set lo up
	ip -n "$ns_s" link set lo up
	# No offloads: the capture then shows the segments the stack sent.
	for side in c s; do
		ns=tcpfsm-rec-$side
		ip netns exec "$ns" ethtool -K "veth-$side" tso off gso off gro off \
		    >/dev/null 2>&1 || true
		ip -n "$ns" link set "veth-$side" up
	done
}

# Start tcpdump on the client side of the veth; wait until it listens.
# --immediate-mode: without it libpcap hands packets over a buffer block
# at a time, and the packets of a short scenario still in the block when
# tcpdump is stopped are lost ("0 packets captured, 10 received by
# filter").  SNAPLEN (optional) cuts long payloads: the headers carry the
# lengths.
start_capture() {
	local pcap=$1 snaplen=${2:-0}
	ip netns exec "$ns_c" tcpdump -i veth-c -w "$pcap" -U --immediate-mode \
	    -s "$snaplen" tcp 2>"$pcap.log" &
	tcpdump_pid=$!
	for _ in $(seq 50); do
		grep -q 'listening on' "$pcap.log" 2>/dev/null && break
		sleep 0.1
	done
	# The message comes a moment before the socket sees traffic.
	sleep 0.5
}

stop_capture() {
	sleep 0.5
	kill -INT "$tcpdump_pid"
	wait "$tcpdump_pid" 2>/dev/null || true
	tcpdump_pid=
	rm -f "$1.log"
}

snapshot() {
	local ss=$1
	{
		echo "# client $ns_c $ip_c $ip6_c"
		ip netns exec "$ns_c" ss -tan state all
		echo "# server $ns_s $ip_s $ip6_s"
		ip netns exec "$ns_s" ss -tan state all
	} >"$ss"
}

# An nft table "t" with an input chain in namespace NS, and RULE in it.
# The table goes with the namespace at the end of the scenario.
nft_input_rule() {
	local ns=$1
	shift
	ip netns exec "$ns" nft add table inet t
	ip netns exec "$ns" nft add chain inet t in \
	    '{ type filter hook input priority 0; }'
	ip netns exec "$ns" nft add rule inet t in "$@"
}

# Fail the recording when the kernel is not where the scenario should
# have left it: NS must hold a socket in STATE (an ss state filter, e.g.
# time-wait) on PORT.
expect_state() {
	local ns=$1 state=$2 port=$3
	ip netns exec "$ns" ss -tanH state "$state" | grep -q ":$port\b" || {
		echo "record.sh: $ns has no $state socket on port $port:" >&2
		ip netns exec "$ns" ss -tan state all >&2
		return 1
	}
}

# Clean connection: request, response, the client closes first; the
# client ends in TIME_WAIT, the server's socket is gone (CLOSED).
scenario_clean_client_close() {
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080)); s.listen(1)
c, _ = s.accept()
data = c.recv(1024)
c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello")
# Wait for the client's FIN, then close: the client closed first.
while c.recv(1024):
    pass
c.close(); s.close()
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, sys, time
c = socket.create_connection((sys.argv[1], 8080))
c.sendall(b"GET / HTTP/1.0\r\n\r\n")
buf = b""
while len(buf) < 43:
    d = c.recv(1024)
    if not d:
        break
    buf += d
c.close()
time.sleep(0.3)
PY
	wait "$srv"
}

# A connection attempt to a closed port, as a clock: a capture's end is
# its last packet's time, so a later packet shows how long the rest was
# quiet.
clock_tick() {
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], 9), timeout=3)
except OSError:
    pass
PY
}

# The server never calls close(): the client's FIN is acknowledged and
# the server sits in CLOSE_WAIT, the client in FIN_WAIT_2.  7 s later (more
# than --fin-timeout) a refused attempt on another port shows the quiet;
# the server process lives on until the snapshot is taken.
scenario_server_never_closes() {
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080)); s.listen(1)
c, _ = s.accept()
c.recv(1024)
c.sendall(b"hello\n")
time.sleep(30)
PY
	keep_pids="$keep_pids $!"
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, sys
c = socket.create_connection((sys.argv[1], 8080))
c.sendall(b"hi\n")
c.recv(1024)
c.close()
PY
	sleep 7
	clock_tick
}

# Nobody listens on the port: the SYN is answered by a RST; neither
# side keeps a socket (both CLOSED).
scenario_refused() {
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], 8081), timeout=3)
except ConnectionRefusedError:
    pass
else:
    sys.exit("connected to a port that should be closed")
PY
}

# The same three over IPv6 (2001:db8::1 -> 2001:db8::2).
scenario_clean_client_close_v6() {
	local ip_c=$ip6_c ip_s=$ip6_s
	scenario_clean_client_close
}

scenario_server_never_closes_v6() {
	local ip_c=$ip6_c ip_s=$ip6_s
	scenario_server_never_closes
}

scenario_refused_v6() {
	local ip_c=$ip6_c ip_s=$ip6_s
	scenario_refused
}

# Clean connection closed by the server: it sends the response and
# closes at once; the client reads to the end of the stream and closes.
# The server ends in TIME_WAIT, the client's socket is gone (CLOSED).
scenario_clean_server_close() {
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080)); s.listen(1)
c, _ = s.accept()
c.recv(1024)
c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello")
c.close(); s.close()
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, sys, time
c = socket.create_connection((sys.argv[1], 8080))
c.sendall(b"GET / HTTP/1.0\r\n\r\n")
# Read until the server's FIN (end of stream), then close.
while c.recv(1024):
    pass
c.close()
time.sleep(0.3)
PY
	wait "$srv"
}

# Half-close: the client sends its request and shutdown(SHUT_WR)s (FIN);
# the server reads to that FIN, then sends three chunks 0.2 s apart on
# the half it still has open, then closes.  The client, in FIN_WAIT_2 all
# along, reads them and goes to TIME_WAIT on the server's FIN; the
# server (CLOSE_WAIT, LAST_ACK) ends CLOSED.
scenario_half_close() {
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080)); s.listen(1)
c, _ = s.accept()
while c.recv(1024):
    pass
for i in range(3):
    time.sleep(0.2)
    c.sendall(b"chunk %d after the client's FIN\n" % i)
c.close(); s.close()
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, sys, time
c = socket.create_connection((sys.argv[1], 8080))
c.sendall(b"send me three chunks\n")
c.shutdown(socket.SHUT_WR)
n = 0
while True:
    d = c.recv(1024)
    if not d:
        break
    n += len(d)
if n != 3 * 31:
    sys.exit("half_close: read %d bytes after the FIN, want 93" % n)
c.close()
time.sleep(0.3)
PY
	wait "$srv"
}

# SYN to a host whose replies never come: an nft rule in the server's
# namespace drops every packet to port 8082 (a listener is there, so
# without the rule the connect would succeed).  The client retransmits
# its SYN (every second for the first four retries on kernels with
# net.ipv4.tcp_syn_linear_timeouts, else after 1 s and 2 s more: 3 to 5
# SYNs in the ~4.5 s recorded) and is still in SYN_SENT at the snapshot;
# the server holds no socket for the 4-tuple (CLOSED).
scenario_syn_dropped() {
	nft_input_rule "$ns_s" tcp dport 8082 drop
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8082)); s.listen(1)
time.sleep(30)
PY
	keep_pids="$keep_pids $!"
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY' &
import socket, sys
socket.create_connection((sys.argv[1], 8082), timeout=30)
sys.exit("syn_dropped: connected through the drop rule")
PY
	keep_pids="$keep_pids $!"
	sleep 4
	expect_state "$ns_c" syn-sent 8082
}

# A server whose SYN-ACKs go unanswered: nft in the client's namespace
# drops incoming SYN-ACKs from port 8083 (after the tap saw them).  The
# client retransmits its SYN, the server retransmits its SYN-ACK (on its
# own timer and for each retransmitted SYN); ~4.5 s recorded.  At the
# snapshot the server's request is in SYN_RECV, the client in SYN_SENT.
scenario_synack_dropped() {
	nft_input_rule "$ns_c" tcp sport 8083 \
	    tcp flags '&' '(syn|ack)' == '(syn|ack)' drop
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8083)); s.listen(1)
time.sleep(30)
PY
	keep_pids="$keep_pids $!"
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY' &
import socket, sys
socket.create_connection((sys.argv[1], 8083), timeout=30)
sys.exit("synack_dropped: connected through the drop rule")
PY
	keep_pids="$keep_pids $!"
	sleep 4
	expect_state "$ns_c" syn-sent 8083
	expect_state "$ns_s" syn-recv 8083
}

# Abortive close: request, response, then the client sets SO_LINGER
# {on, 0 s} and closes: the kernel sends a RST instead of a FIN and drops
# the socket.  The server's next recv() fails with ECONNRESET; both
# sockets are gone (CLOSED).
scenario_abortive_close() {
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080)); s.listen(1)
c, _ = s.accept()
c.recv(1024)
c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello")
try:
    c.recv(1024)
    sys.exit("abortive_close: no reset from the client")
except ConnectionResetError:
    pass
c.close(); s.close()
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, struct, sys
c = socket.create_connection((sys.argv[1], 8080))
c.sendall(b"GET / HTTP/1.0\r\n\r\n")
buf = b""
while len(buf) < 43:
    buf += c.recv(1024)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
PY
	wait "$srv"
}

# A lost final ACK: the client closes first; the server, in CLOSE_WAIT
# after reading the client's FIN, adds an nft rule dropping the first
# bare ACK to port 8084 that arrives from then on, and closes.  The only
# client-to-server segment left is the ACK of the server's FIN, so
# exactly that one is dropped: "numgen inc" counts only the packets that
# reach it in the rule (the ones the earlier matches let through), so
# "numgen inc mod 1000000 == 0" matches the first of them and none of the
# next 999999.  The server stays in LAST_ACK and retransmits its FIN
# after its RTO (~0.2 s); the client, in TIME_WAIT, acknowledges it again;
# the server reaches CLOSED.  The rule's counter must show one packet;
# the rule is deleted afterwards anyway.
# The tap, on the client side, sees the dropped ACK leave.
scenario_lost_final_ack() {
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, subprocess, sys, time
def nft(*args):
    subprocess.run(["nft"] + list(args), check=True)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8084)); s.listen(1)
c, _ = s.accept()
c.recv(1024)
c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello")
while c.recv(1024):
    pass
nft("add", "table", "inet", "t")
nft("add", "chain", "inet", "t", "in",
    "{ type filter hook input priority 0; }")
nft("add", "rule", "inet", "t", "in", "tcp", "dport", "8084",
    "tcp", "flags", "==", "ack", "numgen", "inc", "mod", "1000000", "==", "0",
    "counter", "drop")
c.close(); s.close()
time.sleep(1.5)
rules = subprocess.run(["nft", "list", "chain", "inet", "t", "in"], check=True,
                       capture_output=True, text=True).stdout
nft("delete", "table", "inet", "t")
if "packets 1 " not in rules:
    sys.exit("lost_final_ack: the rule did not drop exactly one ACK:\n" + rules)
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, sys
c = socket.create_connection((sys.argv[1], 8084))
c.sendall(b"GET / HTTP/1.0\r\n\r\n")
buf = b""
while len(buf) < 43:
    buf += c.recv(1024)
c.close()
PY
	wait "$srv"
	expect_state "$ns_c" time-wait 8084
}

# Simultaneous close: after a request and a response, the client and the
# server both wait for the same instant (a wall-clock deadline both
# processes spin on) and shutdown(SHUT_WR) then: the two FINs cross on the
# veth, each side goes FIN_WAIT_1 -> CLOSING -> TIME_WAIT, and both end in
# TIME_WAIT.  Without netem nothing holds a FIN back, so the crossing is a
# race: a FIN crosses the veth in some tens of microseconds.  Each process
# is pinned to a CPU of its own and spins at real-time priority for the
# last 2 ms, which makes the two FINs leave a few microseconds apart (29 of
# 30 crossed on a 2-CPU VM).  When the kernel did not end with both in
# TIME_WAIT the recording fails and is tried again (tries, below).
scenario_simultaneous_close() {
	local at
	at=$(python3 -c 'import time; print("%.6f" % (time.time() + 1.5))')
	ip netns exec "$ns_s" python3 - "$ip_s" "$at" <<'PY' &
import os, socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8080)); s.listen(1)
c, _ = s.accept()
c.recv(1024)
c.sendall(b"hello\n")
os.sched_setaffinity(0, {1})
os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(50))
at = float(sys.argv[2])
time.sleep(max(0, at - time.time() - 0.002))
while time.time() < at:
    pass
c.shutdown(socket.SHUT_WR)
os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
while c.recv(1024):
    pass
c.close(); s.close()
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" "$at" <<'PY'
import os, socket, sys, time
c = socket.create_connection((sys.argv[1], 8080))
c.sendall(b"hi\n")
c.recv(1024)
os.sched_setaffinity(0, {0})
os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(50))
at = float(sys.argv[2])
time.sleep(max(0, at - time.time() - 0.002))
while time.time() < at:
    pass
c.shutdown(socket.SHUT_WR)
os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
while c.recv(1024):
    pass
c.close()
PY
	wait "$srv"
	sleep 0.3
	expect_state "$ns_c" time-wait 8080
	expect_state "$ns_s" time-wait 8080
}

# Port reuse while the client's old 4-tuple is in TIME_WAIT.  The server
# on 8085 reads each connection to its end and closes; the client, bound
# to 198.18.0.1:40000 with SO_REUSEADDR, sends a line and closes first
# (client TIME_WAIT), 0.3 s later connects again from port 40000.  Prints
# what connect() said; TIMESTAMPS is net.ipv4.tcp_timestamps for both
# namespaces, WANT "reuse" or "refused".
port_reuse() {
	local timestamps=$1 want=$2
	ip netns exec "$ns_c" sysctl -qw net.ipv4.tcp_timestamps="$timestamps"
	ip netns exec "$ns_s" sysctl -qw net.ipv4.tcp_timestamps="$timestamps"
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8085)); s.listen(1); s.settimeout(3)
try:
    for _ in range(2):
        c, _ = s.accept()
        while c.recv(1024):
            pass
        c.close()
except socket.timeout:
    pass
s.close()
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_c" "$ip_s" "$want" <<'PY'
import socket, sys, time
got = "reuse"
for n in (1, 2):
    c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((sys.argv[1], 40000))
    try:
        c.connect((sys.argv[2], 8085))
    except OSError as e:
        print("record.sh: port_reuse: connection %d from port 40000: %s%s"
              % (n, e, " (as expected)" if sys.argv[3] == "refused" else ""),
              file=sys.stderr)
        got = "refused"
        break
    c.sendall(b"connection %d\n" % n)
    c.close()
    time.sleep(0.3)
if got != sys.argv[3]:
    sys.exit("port_reuse: reconnect %s, expected %s" % (got, sys.argv[3]))
PY
	wait "$srv"
	expect_state "$ns_c" time-wait 8085
}

# With timestamps (the default): Linux lets a connect() from an
# explicitly bound port take over a TIME_WAIT 4-tuple whose peer sent
# timestamps, whatever net.ipv4.tcp_tw_reuse says (that sysctl governs
# the ephemeral-port search; 0, 1 and 2 all reuse here): the new ISN is
# the old snd_nxt + 65537 and the timestamps go on rising (RFC 6191).
# Two connections on one 4-tuple, the second starting 0.3 s into the
# first's TIME_WAIT; the client ends in TIME_WAIT again, the server CLOSED.
scenario_port_reuse_ts() {
	port_reuse 1 reuse
}

# Without timestamps (net.ipv4.tcp_timestamps=0 on both sides) Linux
# refuses the same connect() with EADDRNOTAVAIL, even with
# net.ipv4.tcp_tw_reuse=1: nothing tells the new connection's segments
# from the old one's.  The capture holds only the first connection
# (client TIME_WAIT, server CLOSED); no second SYN is ever sent.
scenario_port_reuse_no_ts() {
	ip netns exec "$ns_c" sysctl -qw net.ipv4.tcp_tw_reuse=1
	port_reuse 0 refused
}

# Reuse of a 4-tuple in TIME_WAIT at the server, without timestamps: the
# server closes first (server TIME_WAIT, client CLOSED), and the client,
# bound to 198.18.0.1:40000, connects again 0.3 s later.  The SYN reaches
# the server's TIME_WAIT socket; its ISN (Linux's clock-driven ISN) is
# above the old connection's last sequence number, so the kernel accepts
# it as a new connection (RFC 1122 4.2.2.13, RFC 6191 without
# timestamps).  The server ends in TIME_WAIT of the second connection.
scenario_port_reuse_server_tw() {
	ip netns exec "$ns_c" sysctl -qw net.ipv4.tcp_timestamps=0
	ip netns exec "$ns_s" sysctl -qw net.ipv4.tcp_timestamps=0
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8085)); s.listen(1)
for _ in range(2):
    c, _ = s.accept()
    c.recv(1024)
    c.sendall(b"bye\n")
    c.close()
s.close()
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_c" "$ip_s" <<'PY'
import socket, sys, time
for n in (1, 2):
    c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((sys.argv[1], 40000))
    c.connect((sys.argv[2], 8085))
    c.sendall(b"connection %d\n" % n)
    while c.recv(1024):
        pass
    c.close()
    time.sleep(0.3)
PY
	wait "$srv"
	expect_state "$ns_s" time-wait 8085
}

# Random loss on a bulk transfer: nft in the server's namespace drops 3 %
# of the data segments to port 8086 at random (only segments longer than
# 100 bytes, so the handshake, the FINs and the ACKs all get through and
# the close is always clean).  The client sends 2 MiB; the server reads
# them all and answers "ok"; the client then closes first (client
# TIME_WAIT, server CLOSED).  The tap sees every segment the client sent,
# the dropped ones and their retransmissions (SACK recovery).  Recorded
# with a 128-byte snap length: the headers tell the lengths.
scenario_bulk_loss() {
	nft_input_rule "$ns_s" tcp dport 8086 meta length gt 100 \
	    numgen random mod 100 lt 3 drop
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 8086)); s.listen(1)
c, _ = s.accept()
n = 0
while n < 2 << 20:
    d = c.recv(65536)
    if not d:
        break
    n += len(d)
c.sendall(b"ok\n" if n == 2 << 20 else b"short\n")
while c.recv(1024):
    pass
c.close(); s.close()
PY
	local srv=$!
	sleep 0.3
	ip netns exec "$ns_c" python3 - "$ip_s" <<'PY'
import socket, sys, time
c = socket.create_connection((sys.argv[1], 8086))
c.sendall(bytes(2 << 20))
if c.recv(1024) != b"ok\n":
    sys.exit("bulk_loss: the server did not get 2 MiB")
c.close()
time.sleep(0.3)
PY
	wait "$srv"
	expect_state "$ns_c" time-wait 8086
}

all_scenarios="clean_client_close server_never_closes refused
	clean_client_close_v6 server_never_closes_v6 refused_v6
	clean_server_close half_close syn_dropped synack_dropped
	abortive_close lost_final_ack simultaneous_close
	port_reuse_ts port_reuse_no_ts port_reuse_server_tw bulk_loss"
# Snap length by scenario, where the payload is not worth keeping.
declare -A snaplen=([bulk_loss]=128)
# Tries by scenario, for the ones that race.
declare -A tries=([simultaneous_close]=3)

# Record scenario SC into $out/<sc with dashes>.pcap and .ss.
record() {
	local sc=$1 name=${1//_/-} pid
	setup
	start_capture "$out/$name.pcap" "${snaplen[$sc]:-0}"
	keep_pids=
	"scenario_$sc"
	stop_capture "$out/$name.pcap"
	snapshot "$out/$name.ss"
	for pid in $keep_pids; do kill "$pid" 2>/dev/null || true; done
	cleanup
	echo "record.sh: $name.pcap $(tcpdump -r "$out/$name.pcap" 2>/dev/null | wc -l) packets"
}

[ "$(id -u)" = 0 ] || { echo "record.sh: must run as root" >&2; exit 1; }
for tool in ip tcpdump ss nft python3; do
	command -v "$tool" >/dev/null || {
		echo "record.sh: $tool not found (Debian: iproute2, tcpdump, nftables, python3)" >&2
		exit 1
	}
done
# Each scenario runs in a shell of its own (record.sh --one SC), so that
# set -e stops it at its first failure and a racy one can be run again.
if [ "${1:-}" = --one ]; then
	record "$2"
	exit 0
fi
scenarios=${*:-$all_scenarios}
for sc in $scenarios; do
	declare -F "scenario_$sc" >/dev/null ||
	    { echo "record.sh: no scenario $sc" >&2; exit 2; }
done
for sc in $scenarios; do
	n=${tries[$sc]:-1}
	until bash "$0" --one "$sc"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || { echo "record.sh: $sc failed" >&2; exit 1; }
		echo "record.sh: $sc: once more" >&2
	done
done
