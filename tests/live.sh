#!/bin/sh
# live.sh - tcpfsm -i on a real interface during real traffic.
#
# Builds two network namespaces joined by a veth pair (client 198.18.1.1,
# server 198.18.1.2: the benchmarking range, which no network routes),
# starts tcpfsm -i on the client's end in the background, and makes real
# connections through it: a clean one, a refused one, a half-open one (a
# SYN to 198.18.1.99, whose neighbour entry points at a MAC nobody has, so
# the SYN goes out and nothing answers) and one whose server never calls
# close().  Then it waits past the handshake timeout with no traffic and
# checks the half-open attempt was reported already, sends SIGINT, and
# checks every record.  Also the error cases: an interface that does not
# exist, one without the privileges, a filter that does not compile, a
# closed output pipe.  Needs root (CI runs as root); skipped otherwise.
. "${top_srcdir:-.}/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces and capture"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

# Names of our own (the PID), so two suites can run at once.
NC=tcpfsm-live-c$$
NS=tcpfsm-live-s$$
cleanup_ns() {
	[ -n "${tcpfsm_pid:-}" ] && kill "$tcpfsm_pid" 2>/dev/null
	[ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
	ip netns del "$NC" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMPD"
}
trap cleanup_ns EXIT
mkdir -p "$TMPD"

ip netns add "$NC" && ip netns add "$NS" &&
ip link add veth-c netns "$NC" type veth peer name veth-s netns "$NS" &&
ip -n "$NC" addr add 198.18.1.1/24 dev veth-c &&
ip -n "$NS" addr add 198.18.1.2/24 dev veth-s &&
ip -n "$NC" link set lo up && ip -n "$NS" link set lo up &&
ip -n "$NC" link set veth-c up && ip -n "$NS" link set veth-s up &&
ip -n "$NC" neigh add 198.18.1.99 lladdr 02:00:00:00:00:99 dev veth-c \
    nud permanent || skip "cannot build the network namespaces here"

# The absolute path: ip netns exec and setpriv run it from elsewhere.
TCPFSM=$(cd "$(dirname "$TCPFSM")" && pwd)/$(basename "$TCPFSM")

# json_check FILE PYTHON-EXPR-OVER-recs: exit 0 when it holds.
json_check() {
	python3 - "$1" "$2" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
conns = [r for r in recs if r["type"] == "conn"]
def conn(port):
    return [c for c in conns if c["server"]["port"] == port]
def anomalies(c):
    return [a["id"] for a in c["anomalies"]]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

check() {
	if json_check "$TMPD/out.json" "$2"; then pass; else
		fail "$1 ($2)"
		sed 's/^/    /' "$TMPD/out.json" >&2
	fi
}

# -- the capture, in the background --------------------------------------
ip netns exec "$NC" "$TCPFSM" -i veth-c -F json --events \
    --handshake-timeout 2 --fin-timeout 2 --stats-interval 1 \
    -o "$TMPD/out.json" tcp 2>"$TMPD/err" &
tcpfsm_pid=$!
sleep 1.5

# Servers: 8080 echoes and closes after the client does; 8082 never closes.
ip netns exec "$NS" python3 - <<'PY' &
import socket, threading, time
def serve(port, close):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("198.18.1.2", port)); s.listen(4)
    c, _ = s.accept()
    c.sendall(c.recv(100))
    if close:
        while c.recv(100):
            pass
        c.close()
    else:
        time.sleep(60)
for port, close in ((8080, True), (8082, False)):
    threading.Thread(target=serve, args=(port, close), daemon=True).start()
time.sleep(60)
PY
server_pid=$!
sleep 0.5

ip netns exec "$NC" python3 - <<'PY'
import socket
def talk(port):
    c = socket.create_connection(("198.18.1.2", port), timeout=3)
    c.sendall(b"hello\n")
    c.recv(100)
    c.close()
talk(8080)
try:
    socket.create_connection(("198.18.1.2", 8081), timeout=3)
except ConnectionRefusedError:
    pass
talk(8082)
try:
    socket.create_connection(("198.18.1.99", 80), timeout=1.5)
except OSError:
    pass
PY

# Quiet for longer than the handshake timeout: the half-open attempt must
# be reported now, before any SIGINT, by the wall clock alone.
sleep 3.5
if json_check "$TMPD/out.json" \
    'any(r["type"] == "anomaly" and r["id"] == "syn_unanswered" and r["server"]["ip"] == "198.18.1.99" for r in recs)'
then pass; else fail "the half-open attempt was not reported before SIGINT"; fi
check "stats records while capturing" \
    'any(r["type"] == "stats" and r["packets"] > 0 and "dropped" in r and "ifdropped" in r and r["received"] >= r["packets"] for r in recs)'

kill -INT "$tcpfsm_pid"
wait "$tcpfsm_pid"
rc=$?
tcpfsm_pid=
expect_eq "SIGINT: exit status" 0 "$rc"
expect_eq "SIGINT: nothing on stderr" "" "$(cat "$TMPD/err")"

check "the summary is the last line" 'recs[-1]["type"] == "summary"'
check "clean: client TIME_WAIT, server CLOSED, end fin, no anomaly" \
    'len(conn(8080)) == 1 and conn(8080)[0]["end"] == "fin" and conn(8080)[0]["client"]["state"] == "TIME_WAIT" and conn(8080)[0]["server"]["state"] == "CLOSED" and anomalies(conn(8080)[0]) == []'
check "refused: rejected" \
    'len(conn(8081)) == 1 and conn(8081)[0]["end"] == "rejected"'
check "server never closes: FIN_WAIT_2 / CLOSE_WAIT, half_closed, open at the end" \
    'len(conn(8082)) == 1 and conn(8082)[0]["end"] == "open_at_end" and conn(8082)[0]["client"]["state"] == "FIN_WAIT_2" and conn(8082)[0]["server"]["state"] == "CLOSE_WAIT" and "half_closed" in anomalies(conn(8082)[0])'
check "half-open: syn_unanswered, the client in SYN_SENT" \
    'len(conn(80)) == 1 and conn(80)[0]["client"]["state"] == "SYN_SENT" and "syn_unanswered" in anomalies(conn(80)[0])'
check "every connection counted once" \
    'recs[-1]["connections"]["total"] == len(conns) == 4'

# -- errors ------------------------------------------------------------------
"$TCPFSM" -i tcpfsm-nosuch0 >"$TMPD/o" 2>"$TMPD/e"
expect_eq "no such interface: status" 1 "$?"
expect_eq "no such interface: message" \
    "tcpfsm: tcpfsm-nosuch0: No such device exists" "$(cat "$TMPD/e")"
expect_eq "no such interface: no empty report" "" "$(cat "$TMPD/o")"

if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$TCPFSM" -i lo >"$TMPD/o" 2>"$TMPD/e"
	expect_eq "no privileges: status" 1 "$?"
	expect_match "no privileges: message" \
	    "^tcpfsm: lo: You don't have permission to perform this capture on that device" \
	    "$(cat "$TMPD/e")"
fi

"$TCPFSM" -i lo tcp port >"$TMPD/o" 2>"$TMPD/e"
expect_eq "bad filter: status" 2 "$?"
expect_eq "bad filter: libpcap's message" \
    'tcpfsm: filter "tcp port": can'"'"'t parse filter expression: syntax error' \
    "$(cat "$TMPD/e")"
"$TCPFSM" -r "$CAPTURES/refused.pcap" tcp port >"$TMPD/o" 2>"$TMPD/e"
expect_eq "bad filter on a file: status" 2 "$?"

# A reader that goes away: the stats records are the output here.
( ip netns exec "$NC" "$TCPFSM" -i veth-c -F json --stats-interval 0.2 \
    2>"$TMPD/e"; echo $? >"$TMPD/rc" ) | head -1 >/dev/null
expect_eq "closed pipe: status" 0 "$(cat "$TMPD/rc")"
expect_eq "closed pipe: no error" "" "$(cat "$TMPD/e")"

# A filter on a file keeps what it names.
expect_match "filter on a file" '^connections 1$' \
    "$("$TCPFSM" -q -r "$CAPTURES/server-never-closes.pcap" tcp port 9)"
finish
