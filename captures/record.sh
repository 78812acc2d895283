#!/usr/bin/env bash
# record.sh - record real TCP conversations from the Linux stack.
#
# Run as root.  Builds two network namespaces joined by a veth pair
# (client 198.18.0.1, server 198.18.0.2: the benchmarking range
# 198.18.0.0/15, which no real network uses), captures on the client side with
# tcpdump, drives real sockets with python3, and at the end snapshots each
# namespace's TCP sockets (ss -tan state all) next to the pcap: the
# kernel's own state machine is the ground truth for the tests.
#
# usage: captures/record.sh [SCENARIO ...]   (default: every scenario)
# Writes captures/<scenario>.pcap and captures/<scenario>.ss.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here}
ns_c=tcpfsm-rec-c
ns_s=tcpfsm-rec-s
ip_c=198.18.0.1
ip_s=198.18.0.2

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
start_capture() {
	local pcap=$1
	ip netns exec "$ns_c" tcpdump -i veth-c -w "$pcap" -U -s 0 tcp \
	    2>"$pcap.log" &
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
		echo "# client $ns_c $ip_c"
		ip netns exec "$ns_c" ss -tan state all
		echo "# server $ns_s $ip_s"
		ip netns exec "$ns_s" ss -tan state all
	} >"$ss"
}

# Clean connection: request, response, the client closes first; the
# client ends in TIME_WAIT, the server's socket is gone (CLOSED).
scenario_clean_client_close() {
	ip netns exec "$ns_s" python3 - "$ip_s" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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

all_scenarios="clean_client_close server_never_closes refused"
scenarios=${*:-$all_scenarios}
[ "$(id -u)" = 0 ] || { echo "record.sh: must run as root" >&2; exit 1; }
for sc in $scenarios; do
	name=${sc//_/-}
	setup
	start_capture "$out/$name.pcap"
	keep_pids=
	"scenario_$sc"
	stop_capture "$out/$name.pcap"
	snapshot "$out/$name.ss"
	for pid in $keep_pids; do kill "$pid" 2>/dev/null || true; done
	cleanup
	echo "record.sh: $name.pcap $(tcpdump -r "$out/$name.pcap" 2>/dev/null | wc -l) packets"
done
