#!/bin/sh
# edges.sh - DESIGN §7 at the edges and traffic meant to hurt: captures
# damaged in the middle or at the end (pcap and pcapng), records larger
# than the snap length, unknown and corrupt pcapng blocks, two link types
# in one file, output that fails or goes away, SIGINT and SIGTERM in the
# middle of a large file, a pipe that goes quiet (records not held back),
# --max-conns on a SYN flood, port scans, RST injection and a transfer
# whose sequence numbers wrap.  Each case checks
# the message (tcpfsm: what: why), the exit status, and that what was read
# before the damage is all in the output, the summary last.
#
# The inputs are made here, in $TMPD: classic pcaps from captures/crafted
# (craft.py, imported as a module) and from tests/gen-traffic, pcapng
# files and damage written by the Python below.
. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$TCPFSM" ] || { echo "no $TCPFSM"; exit 99; }
GEN=$top_builddir/tests/gen-traffic
[ -x "$GEN" ] || { echo "no $GEN (make tests/gen-traffic)"; exit 99; }
command -v python3 >/dev/null 2>&1 ||
	skip "python3 is needed to make the inputs and to read the JSON"
# Importing craft.py must not leave __pycache__ in the source tree.
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

# Background processes this script started, killed on the way out.
bg=
trap 'for p in $bg; do kill "$p" 2>/dev/null; done; rm -rf "$TMPD"' EXIT

cat >"$TMPD/edges.py" <<'EOF'
"""Inputs for edges.sh and questions about tcpfsm's JSON output."""
import json
import os
import struct
import subprocess
import sys


def records(path):
    """Every line of an NDJSON file, parsed (a bad line raises)."""
    with open(path) as fp:
        return [json.loads(line) for line in fp]


def conns(path):
    return [r for r in records(path) if r.get("type") == "conn"]


def summary(path):
    """The last line, which must be the summary."""
    with open(path) as fp:
        lines = fp.read().splitlines()
    if not lines:
        return None
    r = json.loads(lines[-1])
    return r if r.get("type") == "summary" else None


def get(obj, dotted):
    for k in dotted.split("."):
        obj = obj[k]
    return obj


def show(v):
    return json.dumps(v) if not isinstance(v, str) else v


def anoms(c):
    return ",".join("%s/%s/%s/%d" % (a["id"], a["severity"], a["endpoint"],
                                     a["count"]) for a in c["anomalies"])


def read_pcap(path):
    """[(sec, usec, len, data)] of a little-endian classic pcap."""
    with open(path, "rb") as fp:
        b = fp.read()
    off, recs = 24, []
    while off < len(b):
        ts, us, cap, ln = struct.unpack_from("<IIII", b, off)
        recs.append((ts, us, ln, b[off + 16:off + 16 + cap]))
        off += 16 + cap
    return recs


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def shb():
    return block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(link, snaplen=262144):
    return block(1, struct.pack("<HHI", link, 0, snaplen))


def epb(ifid, ts, us, ln, data):
    t = ts * 1000000 + us
    return block(6, struct.pack("<IIIII", ifid, t >> 32, t & 0xffffffff,
                                len(data), ln) + data)


def write(path, data):
    with open(path, "wb") as fp:
        fp.write(data)


def craft_module():
    sys.path.insert(0, os.environ["CAPTURES"])
    import craft
    return craft


def cmd_json(a):
    """json F: 'ok' if every line is a JSON object and the last a summary."""
    try:
        recs = records(a[0])
    except ValueError as e:
        return "bad line: %s" % e
    if not recs:
        return "empty"
    return "ok" if recs[-1].get("type") == "summary" else \
        "last line is %s" % recs[-1].get("type")


def cmd_get(a):
    """get F PATH: a value of the summary (the last line)."""
    s = summary(a[0])
    return "no summary" if s is None else show(get(s, a[1]))


def cmd_count(a):
    """count F [PATH=VALUE]: conn records (with that value)."""
    cs = conns(a[0])
    if len(a) > 1:
        k, v = a[1].split("=", 1)
        cs = [c for c in cs if show(get(c, k)) == v]
    return str(len(cs))


def cmd_brief(a):
    """brief F: one line per conn record, in order."""
    return "\n".join(
        "%d>%d %s %s %s/%s mid=%s [%s]" % (
            c["client"]["port"], c["server"]["port"], c["end"],
            c.get("closer") or "-", c["client"]["state"], c["server"]["state"],
            str(c["midstream"]).lower(), anoms(c)) for c in conns(a[0]))


def cmd_conn(a):
    """conn F CPORT[>SPORT] PATH...: fields of the conn record of client
    port CPORT (and server port SPORT)."""
    ports = [int(p) for p in a[1].split(">")]
    cs = [c for c in conns(a[0]) if c["client"]["port"] == ports[0] and
          (len(ports) == 1 or c["server"]["port"] == ports[1])]
    if len(cs) != 1:
        return "%d records for client port %s" % (len(cs), a[1])
    return " ".join(show(get(cs[0], p)) if p != "anomalies"
                    else "[%s]" % anoms(cs[0]) for p in a[2:])


def cmd_tally(a):
    """tally F: conn records, distinct 4-tuples, packets in them, ends."""
    cs = conns(a[0])
    tuples = {(c["client"]["ip"], c["client"]["port"], c["server"]["ip"],
               c["server"]["port"], c["ts"]) for c in cs}
    ends = {}
    for c in cs:
        ends[c["end"]] = ends.get(c["end"], 0) + 1
    return "%d %d %d %s" % (
        len(cs), len(tuples),
        sum(c["client"]["pkts"] + c["server"]["pkts"] for c in cs),
        json.dumps(ends, sort_keys=True, separators=(",", ":")))


def cmd_ends(a):
    """ends F [nonzero]: the summary's connections.end, compactly (only
    the ends that happened)."""
    s = summary(a[0])
    if s is None:
        return "no summary"
    e = s["connections"]["end"]
    if a[1:] == ["nonzero"]:
        e = {k: v for k, v in e.items() if v}
    return json.dumps(e, sort_keys=True, separators=(",", ":"))


def cmd_ports(a):
    """ports F END: lowest and highest client port of records with END."""
    ps = sorted(c["client"]["port"] for c in conns(a[0]) if c["end"] == a[1])
    return "%d-%d %d" % (ps[0], ps[-1], len(ps)) if ps else "none"


def cmd_offsets(a):
    """offsets F: the byte offset of each record of a classic pcap."""
    with open(a[0], "rb") as fp:
        b = fp.read()
    out, off = [], 24
    while off < len(b):
        out.append(str(off))
        off += 16 + struct.unpack_from("<I", b, off + 8)[0]
    return "\n".join(out)


def cmd_whole(a):
    """whole F N: how many records of pcap F lie whole in its first N bytes."""
    with open(a[0], "rb") as fp:
        b = fp.read(int(a[1]))
    off, n = 24, 0
    while off + 16 <= len(b):
        cap = struct.unpack_from("<I", b, off + 8)[0]
        if off + 16 + cap > len(b):
            break
        off += 16 + cap
        n += 1
    return str(n)


def cmd_blocks(a):
    """blocks F: the byte offset of each block of a pcapng file."""
    with open(a[0], "rb") as fp:
        b = fp.read()
    out, off = [], 0
    while off < len(b):
        out.append(str(off))
        off += struct.unpack_from("<I", b, off + 4)[0]
    return "\n".join(out)


def cmd_pcapng(a):
    """pcapng IN OUT [K,...]: IN as pcapng, one Ethernet interface; before
    packet K (0-based), a block of the unassigned type 0x00000BAD."""
    ks = [int(k) for k in a[2].split(",")] if len(a) > 2 else []
    out = shb() + idb(1)
    for i, (ts, us, ln, data) in enumerate(read_pcap(a[0])):
        if i in ks:
            out += block(0x00000BAD, b"no one has defined this block type")
        out += epb(0, ts, us, ln, data)
    write(a[1], out)
    return ""


def cmd_twoif(a):
    """twoif IN OUT K: IN as pcapng, packets before K on an Ethernet
    interface, then a second interface, raw IP (LINKTYPE_RAW 101), for the
    rest (their Ethernet header taken off).  Prints where the second
    interface's block ends."""
    k, out, at = int(a[2]), shb() + idb(1), None
    for i, (ts, us, ln, data) in enumerate(read_pcap(a[0])):
        if i == k:
            out += idb(101)
            at = len(out)
        out += epb(0, ts, us, ln, data) if i < k else \
            epb(1, ts, us, ln - 14, data[14:])
    write(a[1], out)
    return str(at)


def cmd_setlen(a):
    """setlen IN OUT OFFSET LEN: the pcapng block at OFFSET claims LEN."""
    with open(a[0], "rb") as fp:
        b = bytearray(fp.read())
    struct.pack_into("<I", b, int(a[2]) + 4, int(a[3]))
    write(a[1], b)
    return ""


def cmd_snaplen(a):
    """snaplen IN OUT N: IN with the file header's snap length set to N,
    the records untouched (longer than N, their data all there)."""
    with open(a[0], "rb") as fp:
        b = bytearray(fp.read())
    struct.pack_into("<I", b, 16, int(a[2]))
    write(a[1], b)
    return ""


def cmd_bigrec(a):
    """bigrec IN OUT K N: before record K, a record of N bytes, all there
    (an Ethernet frame of zeros)."""
    with open(a[0], "rb") as fp:
        b = fp.read()
    k, n, off = int(a[2]), int(a[3]), 24
    for _ in range(k):
        off += 16 + struct.unpack_from("<I", b, off + 8)[0]
    rec = struct.pack("<IIII", 1767225600, 999999, n, n) + bytes(n)
    write(a[1], b[:off] + rec + b[off:])
    return ""


def cmd_synflood(a):
    """synflood OUT N [refused]: N SYNs 50 us apart from 198.18.x.66, a new
    source port each, to 198.18.0.2:80, never answered (refused: each
    answered by RST+ACK 10 us later, as a closed port does); among them a real
    connection, 198.18.1.1:40000 -> 198.18.0.2:80, that exchanges a request
    (100 bytes) and a response (300) every 5 ms while the flood lasts (199
    times for N = 20000) and closes cleanly after it."""
    craft = craft_module()
    n, pkts = int(a[1]), []
    srv = craft.endpoint("198.18.0.2:80")
    for i in range(n):
        conn = craft.Conn(craft.endpoint("198.18.%d.66:%d" % (
            2 + i // 50000, 10000 + i % 50000)), srv)
        isn = i * 2654435761 & 0xffffffff
        pkts.append((i * 50, craft.frame(conn, "c", {
            "flags": 0x002, "seq": str(isn),
            "win": "64240", "opts": "mss:1460,sack_perm,nop,ws:7"})))
        if a[2:] == ["refused"]:
            pkts.append((i * 50 + 10, craft.frame(conn, "s", {
                "flags": 0x014, "seq": "0", "win": "0",
                "ack": str((isn + 1) & 0xffffffff)})))
    real = craft.Conn(craft.endpoint("198.18.1.1:40000"), srv)

    def seg(t, d, flags, **kv):
        kv = {k: str(v) for k, v in kv.items()}
        kv["flags"] = flags
        pkts.append((t, craft.frame(real, d, kv)))
    c, s, t = 1000, 5000, 25
    seg(t, "c", 0x002, seq=c, win=64240, opts="mss:1460,nop,ws:7")
    seg(t + 10, "s", 0x012, seq=s, ack=c + 1, win=65160,
        opts="mss:1460,nop,ws:7")
    c, s = c + 1, s + 1
    seg(t + 20, "c", 0x010, seq=c, ack=s, win=502)
    while t + 5000 < n * 50:
        t += 5000
        seg(t, "c", 0x018, seq=c, ack=s, win=502, len=100)
        c += 100
        seg(t + 10, "s", 0x018, seq=s, ack=c, win=509, len=300)
        s += 300
        seg(t + 20, "c", 0x010, seq=c, ack=s, win=502)
    t = n * 50 + 1000
    seg(t, "c", 0x011, seq=c, ack=s, win=502)
    seg(t + 10, "s", 0x011, seq=s, ack=c + 1, win=509)
    seg(t + 20, "c", 0x010, seq=c + 1, ack=s + 1, win=502)
    pkts.sort(key=lambda p: p[0])
    craft.write_pcap(a[0], pkts)
    return ""


def cmd_scan(a):
    """scan OUT SLOW FAST PORTS: nmap's SYN, FIN, NULL and Xmas scans of
    ports 1..PORTS of 198.18.0.2 from 198.18.0.3 (source port 45000..45003,
    one per scan): closed ports answer RST+ACK, port 80 answers the SYN
    with a SYN-ACK that the scanner resets and drops the others.  Written
    twice: a probe every 10 ms (SLOW) and every 0.5 ms (FAST)."""
    craft = craft_module()
    n, pkts, t = int(a[2]), [], 0
    for k, fl in enumerate((0x002, 0x001, 0x000, 0x029)):
        cl = craft.endpoint("198.18.0.3:%d" % (45000 + k))
        for port in range(1, n + 1):
            conn = craft.Conn(cl, craft.endpoint("198.18.0.2:%d" % port))
            isn = (port * 7919 + k * 1000003) & 0xffffffff
            pkts.append((t, 0, craft.frame(conn, "c", {
                "flags": fl, "seq": str(isn), "win": "1024"})))
            if port == 80 and fl == 0x002:
                pkts.append((t, 1, craft.frame(conn, "s", {
                    "flags": 0x012, "seq": "900000", "ack": str(isn + 1)})))
                pkts.append((t, 2, craft.frame(conn, "c", {
                    "flags": 0x004, "seq": str(isn + 1), "win": "0"})))
            elif port != 80:
                pkts.append((t, 1, craft.frame(conn, "s", {
                    "flags": 0x014, "seq": "0", "win": "0",
                    "ack": str(isn + (1 if fl & 0x003 else 0))})))
            t += 1
    craft.write_pcap(a[0], [(t * 10000 + j * 100, f) for t, j, f in pkts])
    craft.write_pcap(a[1], [(t * 500 + j * 100, f) for t, j, f in pkts])
    return ""


def cmd_longwrap(a):
    """longwrap OUT TOTAL: a download of TOTAL bytes in 65000-byte (TSO)
    segments, 198.18.0.2:80 -> 198.18.0.1:40000, snap length 64 (headers
    only).  The server's ISN is 0xf0000000: its sequence numbers wrap
    after 256 MiB and, past 4 GiB, come round to the ISN again.  Window
    scale 7 both ways; an ACK every second segment; the segment across the
    first wrap is sent again two segments later (one retransmission); the
    server closes first, cleanly."""
    total, out = int(a[1]), bytearray()
    out += struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 64, 1)
    cli, srv = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
    clock = [0]

    def seg(up, seq, ack, flags, win, n=0, opts=b""):
        src, dst, sp, dp = (cli, srv, 40000, 80) if up else \
            (srv, cli, 80, 40000)
        tcp = struct.pack("!HHIIHHHH", sp, dp, seq & 0xffffffff,
                          ack & 0xffffffff,
                          (5 + len(opts) // 4) << 12 | flags, win, 0, 0) + opts
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + n, 0,
                         0x4000, 64, 6, 0, src, dst)
        frame = (b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" if up else
                 b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00") + ip + tcp
        sec, us = divmod(clock[0], 1000000)
        out.extend(struct.pack("<IIII", 1767225600 + sec, us,
                               min(64, len(frame)), len(frame) + n))
        out.extend(frame[:64])
        clock[0] += 20
    syn_opts = struct.pack("!BBHBBBB", 2, 4, 1460, 1, 3, 3, 7)
    c, s = 1000, 0xf0000000
    seg(True, c, 0, 0x02, 64240, 0, syn_opts)
    seg(False, s, c + 1, 0x12, 65160, 0, syn_opts)
    c, s = c + 1, s + 1
    seg(True, c, s, 0x10, 65535)
    seg(True, c, s, 0x18, 65535, 100)
    c += 100
    left, k, straddle = total, 0, None
    while left > 0:
        n = min(65000, left)
        seg(False, s, c, 0x10, 502, n)
        if straddle is None and (s + n) >> 32 != s >> 32:
            straddle = (s, n, k)
        s, left, k = s + n, left - n, k + 1
        if straddle is not None and k == straddle[2] + 3:
            seg(False, straddle[0], c, 0x10, 502, straddle[1])
        if k % 2 == 0 or left == 0:
            seg(True, c, s, 0x10, 65535)
    seg(False, s, c, 0x11, 502)
    seg(True, c, s + 1, 0x11, 65535)
    seg(False, s + 1, c + 1, 0x10, 502)
    write(a[0], out)
    return ""


def cmd_rss(a):
    """rss OUT CMD...: run CMD; write its peak RSS in KiB to OUT.  The
    fallback for GNU time's %M: the child's VmHWM, read every 5 ms once it
    runs CMD (getrusage would count this Python, which it was forked from)."""
    import time
    child = subprocess.Popen(a[1:])
    exe, peak = os.path.realpath(a[1]), 0
    while child.poll() is None:
        try:
            if os.path.realpath("/proc/%d/exe" % child.pid) == exe:
                with open("/proc/%d/status" % child.pid) as fp:
                    for line in fp:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.005)
    with open(a[0], "w") as fp:
        fp.write("%d\n" % peak)
    return child.returncode


if __name__ == "__main__":
    r = globals()["cmd_" + sys.argv[1]](sys.argv[2:])
    if isinstance(r, int):
        sys.exit(r)
    if r:
        print(r)
EOF
export CAPTURES
py() { python3 "$TMPD/edges.py" "$@"; }

# run ARGS...: tcpfsm with stdout in $TMPD/out; sets rc and err.
run() {
	"$TCPFSM" "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	err=$(cat "$TMPD/err")
}

# same_output WHAT REFERENCE: $TMPD/out equals the reference file, byte
# for byte (everything before the damage, and nothing else).
same_output() {
	if cmp -s "$2" "$TMPD/out"; then pass
	else fail "$1: output differs from the undamaged part's:
$(diff "$2" "$TMPD/out" | head -10)"; fi
}

# reference NAME ARGS...: tcpfsm's output on an undamaged file, kept.
reference() {
	_n=$1; shift
	"$TCPFSM" "$@" >"$TMPD/$_n.ref" 2>/dev/null ||
	    fail "reference $_n: status $?"
}

scan=$CAPTURES/crafted/port-scan.pcap
[ -f "$scan" ] || { echo "no $scan"; exit 99; }
# Where each of its 62 records starts.
py offsets "$scan" >"$TMPD/offsets"
expect_eq "port-scan.pcap: records" 62 "$(wc -l <"$TMPD/offsets")"
off30=$(sed -n 31p "$TMPD/offsets")	# record 31, after packet 30
off61=$(sed -n 62p "$TMPD/offsets")	# the last record
head -c "$off30" "$scan" >"$TMPD/first30.pcap"
head -c "$off61" "$scan" >"$TMPD/first61.pcap"
for f in json text zeek; do
	reference "first61.$f" -F "$f" -r "$TMPD/first61.pcap"
	reference "first30.$f" -F "$f" -r "$TMPD/first30.pcap"
done
reference all.json -F json -r "$scan"

# -- a pcap whose last record is cut -----------------------------------------
# In its data: 10 of the 54 bytes are there.
head -c $((off61 + 16 + 10)) "$scan" >"$TMPD/cut.pcap"
for f in json text zeek; do
	run -F "$f" -r "$TMPD/cut.pcap"
	expect_eq "cut record ($f): status" 1 "$rc"
	case $f in
	zeek)	# Zeek's rows on stdout; on stderr why, then the summary.
		expect_eq "cut record (zeek): message" \
		    "tcpfsm: $TMPD/cut.pcap: truncated dump file; tried to read 54 captured bytes, only got 10 (after packet 61, at byte $((off61 + 26)))" \
		    "$(grep '^tcpfsm:' "$TMPD/err")"
		expect_match "cut record (zeek): summary on stderr" \
		    '^packets 61$' "$err" ;;
	*)	expect_eq "cut record ($f): message" \
		    "tcpfsm: $TMPD/cut.pcap: truncated dump file; tried to read 54 captured bytes, only got 10 (after packet 61, at byte $((off61 + 26)))" \
		    "$err" ;;
	esac
	same_output "cut record ($f)" "$TMPD/first61.$f.ref"
done
# The JSON in detail: 32 conn records, the last one's probe alone
# (open_at_end, its RST lost), then the summary of 61 packets.
run -F json -r "$TMPD/cut.pcap"
expect_eq "cut record: JSON lines" ok "$(py json "$TMPD/out")"
expect_eq "cut record: conn records" 32 "$(py count "$TMPD/out")"
expect_eq "cut record: summary total" 32 "$(py get "$TMPD/out" connections.total)"
expect_eq "cut record: packets read" 61 "$(py get "$TMPD/out" packets.read)"
expect_eq "cut record: the last probe, unanswered" \
    "open_at_end [invalid_flags/error/client/1]" \
    "$(py brief "$TMPD/out" | grep '^45003>443 ' | cut -d' ' -f2,6)"
expect_eq "cut record: the other 31 as in the whole file" \
    "$(py brief "$TMPD/all.json.ref" | grep -v '^45003>443 ')" \
    "$(py brief "$TMPD/out" | grep -v '^45003>443 ')"

# In its record header: 8 of the 16 bytes.
head -c $((off61 + 8)) "$scan" >"$TMPD/cuthdr.pcap"
run -F json -r "$TMPD/cuthdr.pcap"
expect_eq "cut record header: status" 1 "$rc"
expect_eq "cut record header: message" \
    "tcpfsm: $TMPD/cuthdr.pcap: truncated dump file; tried to read 16 header bytes, only got 8 (after packet 61, at byte $((off61 + 8)))" \
    "$err"
same_output "cut record header" "$TMPD/first61.json.ref"

# -- records longer than the snap length, their data all there ---------------
# libpcap cuts such a record to the file's snap length without a word
# (sf-pcap.c: "we read the packet in, but only return the first snapshot
# bytes").  tcpfsm sees the shortened frames and counts what they lack.
# Snap length 40: no frame keeps its TCP header.
py snaplen "$scan" "$TMPD/snap40.pcap" 40
run -F json -r "$TMPD/snap40.pcap"
expect_eq "snaplen 40: status" 0 "$rc"
expect_eq "snaplen 40: stderr" "" "$err"
expect_eq "snaplen 40: JSON lines" ok "$(py json "$TMPD/out")"
expect_eq "snaplen 40: every packet read" 62 "$(py get "$TMPD/out" packets.read)"
expect_eq "snaplen 40: every packet counted truncated" 62 \
    "$(py get "$TMPD/out" packets.truncated)"
expect_eq "snaplen 40: truncated in the TCP header" '{"tcp": 62}' \
    "$(py get "$TMPD/out" packets.truncated_by_layer)"
expect_eq "snaplen 40: no connection" 0 "$(py get "$TMPD/out" connections.total)"
run -r "$TMPD/snap40.pcap"
expect_match "snaplen 40: the text summary says so" '^truncated 62 \(tcp 62\)$' \
    "$(cat "$TMPD/out")"
# Snap length 54: the headers stay, the SYNs' options go.
py snaplen "$scan" "$TMPD/snap54.pcap" 54
run -F json -r "$TMPD/snap54.pcap"
expect_eq "snaplen 54: status" 0 "$rc"
expect_eq "snaplen 54: stderr" "" "$err"
expect_eq "snaplen 54: every connection" 32 "$(py count "$TMPD/out")"
expect_eq "snaplen 54: options cut, counted" 9 \
    "$(py get "$TMPD/out" packets.tcp_options_truncated)"
expect_eq "snaplen 54: the SYN's MSS is unknown" null \
    "$(py conn "$TMPD/out" '45000>21' client.mss)"
expect_eq "snaplen 54: the same conclusions" \
    "$(py brief "$TMPD/all.json.ref")" "$(py brief "$TMPD/out")"
# A record of 300000 bytes, past libpcap's limit for Ethernet (262144):
# libpcap refuses it, and the file ends there.
py bigrec "$scan" "$TMPD/big.pcap" 30 300000
run -F json -r "$TMPD/big.pcap"
expect_eq "record over libpcap's maximum: status" 1 "$rc"
expect_eq "record over libpcap's maximum: message" \
    "tcpfsm: $TMPD/big.pcap: invalid packet capture length 300000, bigger than snaplen of 262144 (after packet 30, at byte $((off30 + 16)))" \
    "$err"
same_output "record over libpcap's maximum" "$TMPD/first30.json.ref"

# -- pcapng ------------------------------------------------------------------
py pcapng "$scan" "$TMPD/scan.pcapng"
run -F json -r "$TMPD/scan.pcapng"
expect_eq "pcapng: status" 0 "$rc"
same_output "pcapng: as the pcap" "$TMPD/all.json.ref"
# A block of an unassigned type (0x00000BAD) before the first packet and
# another in the middle: pcapng readers skip blocks they do not know.
py pcapng "$scan" "$TMPD/unknown.pcapng" 0,30
run -F json -r "$TMPD/unknown.pcapng"
expect_eq "pcapng unknown block: status" 0 "$rc"
expect_eq "pcapng unknown block: stderr" "" "$err"
same_output "pcapng unknown block: every packet, as the pcap" "$TMPD/all.json.ref"

# Two interfaces, Ethernet and then raw IP (LINKTYPE_RAW): libpcap reads
# one link type per file and refuses the second interface.
at=$(py twoif "$scan" "$TMPD/twoif.pcapng" 30)
run -F json -r "$TMPD/twoif.pcapng"
expect_eq "pcapng two link types: status" 1 "$rc"
expect_eq "pcapng two link types: message" \
    "tcpfsm: $TMPD/twoif.pcapng: an interface has a type 101 different from the type of the first interface (after packet 30, at byte $at)" \
    "$err"
same_output "pcapng two link types: the 30 packets before" "$TMPD/first30.json.ref"
# Both interfaces described up front, as dumpcap writes them: nothing can
# be read, and that is said.
at=$(py twoif "$scan" "$TMPD/twoif0.pcapng" 0)
run -F json -r "$TMPD/twoif0.pcapng"
expect_eq "pcapng two link types up front: status" 1 "$rc"
expect_eq "pcapng two link types up front: message" \
    "tcpfsm: $TMPD/twoif0.pcapng: an interface has a type 101 different from the type of the first interface (after packet 0, at byte $at)" \
    "$err"
expect_eq "pcapng two link types up front: summary" "ok 0" \
    "$(py json "$TMPD/out") $(py get "$TMPD/out" packets.read)"

# A block whose length is not a multiple of 4, in the middle.
py blocks "$TMPD/scan.pcapng" >"$TMPD/blocks"
b30=$(sed -n 33p "$TMPD/blocks")	# SHB, IDB, then packet 31's EPB
py setlen "$TMPD/scan.pcapng" "$TMPD/badlen.pcapng" "$b30" 13
run -F json -r "$TMPD/badlen.pcapng"
expect_eq "pcapng bad block length: status" 1 "$rc"
expect_eq "pcapng bad block length: message" \
    "tcpfsm: $TMPD/badlen.pcapng: block in pcapng dump file has a length of 13 that is not a multiple of 4 (after packet 30, at byte $((b30 + 8)))" \
    "$err"
same_output "pcapng bad block length" "$TMPD/first30.json.ref"
# The last block cut.
b61=$(tail -1 "$TMPD/blocks")
head -c $((b61 + 30)) "$TMPD/scan.pcapng" >"$TMPD/cut.pcapng"
run -F json -r "$TMPD/cut.pcapng"
expect_eq "pcapng cut block: status" 1 "$rc"
expect_eq "pcapng cut block: message" \
    "tcpfsm: $TMPD/cut.pcapng: truncated pcapng dump file; tried to read 80 bytes, only got 22 (after packet 61, at byte $((b61 + 30)))" \
    "$err"
same_output "pcapng cut block" "$TMPD/first61.json.ref"

# -- output that fails or goes away ------------------------------------------
if [ -w /dev/full ]; then
	run -F json -o /dev/full -r "$scan"
	expect_eq "json -o /dev/full: status" 1 "$rc"
	expect_eq "json -o /dev/full: message" \
	    "tcpfsm: /dev/full: write error: No space left on device" "$err"
	expect_eq "json -o /dev/full: stdout" "" "$(cat "$TMPD/out")"
	"$TCPFSM" -F json -r "$scan" >/dev/full 2>"$TMPD/err"
	expect_eq "json >/dev/full: status" 1 "$?"
	expect_eq "json >/dev/full: message" \
	    "tcpfsm: standard output: write error: No space left on device" \
	    "$(cat "$TMPD/err")"
else
	echo "note: no writable /dev/full here: the write-error cases not run"
fi

# A large flood: read through a closed pipe now, interrupted below.
flood=$TMPD/flood.pcap
"$GEN" -m flood -p 3000000 -o "$flood" 2>"$TMPD/gen.err" ||
    fail "gen-traffic: $(cat "$TMPD/gen.err")"
flood_pkts=$(sed -n 's/.*: \([0-9]*\) packets,.*/\1/p' "$TMPD/gen.err")
expect_eq "flood: packets" 3000000 "$flood_pkts"

( "$TCPFSM" -F json -r "$flood" 2>"$TMPD/err"; echo $? >"$TMPD/rc" ) |
    head -1 >"$TMPD/head"
expect_eq "json | head -1: status" 0 "$(cat "$TMPD/rc")"
expect_eq "json | head -1: stderr" "" "$(cat "$TMPD/err")"
expect_eq "json | head -1: a whole conn record" 1 "$(py count "$TMPD/head")"

# -- SIGINT and SIGTERM in the middle of a large file ------------------------
# check_stopped WHAT: the run in $TMPD/out was stopped by a signal.
check_stopped() {
	expect_eq "$1: status" 0 "$rc"
	expect_eq "$1: stderr" "" "$err"
	expect_eq "$1: every line JSON, the summary last" ok \
	    "$(py json "$TMPD/out")"
	total=$(py get "$TMPD/out" connections.total)
	# Split on purpose: conn records, distinct connections, packets in
	# them, ends.
	# shellcheck disable=SC2046
	set -- "$1" $(py tally "$TMPD/out")
	expect_eq "$1: one record per connection" "$total $total" "$2 $3"
	expect_eq "$1: every TCP packet read is in a record" \
	    "$(py get "$TMPD/out" packets.tcp)" "$4"
	expect_eq "$1: ends as in the summary" \
	    "$(py ends "$TMPD/out" nonzero)" "$5"
	open=$(py count "$TMPD/out" end=open_at_end)
	if [ "$open" -gt 0 ] &&
	    [ "$open" = "$(py get "$TMPD/out" connections.end.open_at_end)" ]
	then pass
	else fail "$1: $open open_at_end records, summary $(py get \
	    "$TMPD/out" connections.end.open_at_end)"; fi
}

# interrupt SIG: tcpfsm -F json on the flood file, SIG once it has written.
interrupt() {
	rm -f "$TMPD/out"
	"$TCPFSM" -F json -r "$flood" >"$TMPD/out" 2>"$TMPD/err" &
	pid=$!
	n=0
	while [ ! -s "$TMPD/out" ] && [ $n -lt 600 ] &&
	    kill -0 "$pid" 2>/dev/null; do
		sleep 0.05
		n=$((n + 1))
	done
	kill -"$1" "$pid"
	wait "$pid"
	rc=$?
	err=$(cat "$TMPD/err")
}

for sig in INT TERM; do
	interrupt $sig
	check_stopped "SIG$sig on a large file"
	nread=$(py get "$TMPD/out" packets.read)
	if [ "$nread" -gt 0 ] && [ "$nread" -lt "$flood_pkts" ]; then pass
	else fail "SIG$sig on a large file: read $nread of $flood_pkts packets: not stopped early"; fi
done

# Through a pipe that stalls: 10 MB, then the writer waits.  The signal
# comes while tcpfsm is blocked reading; every whole record it got is read.
mkfifo "$TMPD/fifo"
sh -c 'head -c 10000000 "$1"; : >"$2"; exec sleep 30' sh "$flood" \
    "$TMPD/written" >"$TMPD/fifo" &
writer=$!
bg="$bg $writer"
"$TCPFSM" -F json -r - <"$TMPD/fifo" >"$TMPD/out" 2>"$TMPD/err" &
pid=$!
# Wait for the writer to be done and tcpfsm's output to stand still
# (unchanged over two looks 0.2 s apart).
n=0 last=-1 still=0
while [ $n -lt 300 ] && [ $still -lt 2 ]; do
	sleep 0.2
	n=$((n + 1))
	size=$(wc -c <"$TMPD/out")
	if [ -f "$TMPD/written" ] && [ "$size" -gt 0 ] &&
	    [ "$size" = "$last" ]; then
		still=$((still + 1))
	else
		still=0
	fi
	last=$size
done
kill -INT "$pid"
wait "$pid"
rc=$?
err=$(cat "$TMPD/err")
kill "$writer" 2>/dev/null
bg=
check_stopped "SIGINT on a stalled pipe"
expect_eq "SIGINT on a stalled pipe: every whole record read" \
    "$(py whole "$flood" 10000000)" "$(py get "$TMPD/out" packets.read)"
rm -f "$flood"

# -- a quiet pipe ---------------------------------------------------------
# What was read from a pipe is not held back while the pipe is quiet: a
# refused connection's record is written while the writer still holds
# the pipe open, to a file and to a pipe, on one thread and on two.
for threads in 1 2; do
	for to in file pipe; do
		what="a quiet pipe, --threads $threads, records to a $to"
		rm -f "$TMPD/fifo" "$TMPD/out"
		: >"$TMPD/out"
		mkfifo "$TMPD/fifo"
		sh -c 'cat "$1"; exec sleep 30' sh "$CAPTURES/refused.pcap" \
		    >"$TMPD/fifo" &
		writer=$!
		bg="$bg $writer"
		if [ "$to" = file ]; then
			"$TCPFSM" --threads "$threads" -F json -r - \
			    <"$TMPD/fifo" >"$TMPD/out" 2>"$TMPD/err" &
		else
			"$TCPFSM" --threads "$threads" -F json -r - \
			    <"$TMPD/fifo" 2>"$TMPD/err" | cat >"$TMPD/out" &
		fi
		pid=$!
		# Ten seconds at most; the writer holds on for thirty.
		n=0
		while [ $n -lt 50 ] && ! grep -q '"type":"conn"' "$TMPD/out"; do
			sleep 0.2
			n=$((n + 1))
		done
		expect_match "$what: the record, the pipe still open" \
		    '"end":"rejected"' "$(grep '"type":"conn"' "$TMPD/out")"
		kill "$writer" 2>/dev/null
		wait "$pid"
		expect_eq "$what: status at the end" 0 $?
		expect_match "$what: the summary at the end" '"type":"summary"' \
		    "$(tail -n 1 "$TMPD/out")"
		bg=
	done
done

# -- --max-conns on a SYN flood ----------------------------------------------
# peak OUT ARGS...: tcpfsm ARGS, stdout to OUT; sets rc, err and rss (KiB).
peak() {
	_out=$1; shift
	if [ -n "$gnu_time" ]; then
		/usr/bin/time -f %M -o "$TMPD/rss" "$TCPFSM" "$@" \
		    >"$_out" 2>"$TMPD/err"
	else
		py rss "$TMPD/rss" "$TCPFSM" "$@" >"$_out" 2>"$TMPD/err"
	fi
	rc=$?
	err=$(cat "$TMPD/err")
	rss=$(tail -1 "$TMPD/rss")
}
# Peak memory from GNU time, or else from /proc (edges.py rss).
gnu_time=
/usr/bin/time -f %M -o "$TMPD/rss" true 2>/dev/null && gnu_time=yes
# AddressSanitizer keeps freed memory in quarantine: memory is then not
# what the program holds.  The comparisons are for an ordinary build.
memory=yes
if [ -n "${SANITIZED:-}" ]; then
	memory=
	echo "note: sanitized build: peak memory not compared (the counts are)"
elif [ -z "$gnu_time" ] && [ ! -r /proc/self/status ]; then
	memory=
	echo "note: neither GNU time nor /proc: peak memory not compared"
fi

py synflood "$TMPD/syn20k.pcap" 20000
py synflood "$TMPD/syn80k.pcap" 80000
peak "$TMPD/syn.json" -F json --max-conns 1000 -r "$TMPD/syn20k.pcap"
rss_bounded=$rss
expect_eq "SYN flood --max-conns 1000: status" 0 "$rc"
expect_eq "SYN flood --max-conns 1000: stderr" "" "$err"
expect_eq "SYN flood --max-conns 1000: every line JSON, the summary last" ok \
    "$(py json "$TMPD/syn.json")"
expect_eq "SYN flood --max-conns 1000: connections" 20001 \
    "$(py get "$TMPD/syn.json" connections.total)"
expect_eq "SYN flood --max-conns 1000: at most 1000 live" 1000 \
    "$(py get "$TMPD/syn.json" connections.live_max)"
# Until the real connection closes, it and 999 attempts are live: 19001
# evicted = 20001 - 999 still open at the end - 1 closed (fin).
expect_eq "SYN flood --max-conns 1000: ends" \
    '{"evicted":19001,"fin":1,"open_at_end":999,"rejected":0,"rst":0,"timeout":0}' \
    "$(py ends "$TMPD/syn.json")"
expect_eq "SYN flood --max-conns 1000: one record per connection, all packets" \
    '20001 20001 20603 {"evicted":19001,"fin":1,"open_at_end":999}' \
    "$(py tally "$TMPD/syn.json")"
expect_eq "SYN flood --max-conns 1000: packets" 20603 \
    "$(py get "$TMPD/syn.json" packets.tcp)"
expect_eq "SYN flood --max-conns 1000: the least recently active evicted" \
    "10000-29000 19001" "$(py ports "$TMPD/syn.json" evicted)"
expect_eq "SYN flood --max-conns 1000: an evicted attempt" \
    "SYN_SENT LISTEN evicted []" \
    "$(py conn "$TMPD/syn.json" 10000 client.state server.state end anomalies)"
expect_eq "SYN flood --max-conns 1000: the real connection survives" \
    "fin client TIME_WAIT CLOSED 19900 59700 []" \
    "$(py conn "$TMPD/syn.json" 40000 end closer client.state server.state client.bytes server.bytes anomalies)"

peak "$TMPD/syn.json" -F json --max-conns 100000 -r "$TMPD/syn20k.pcap"
rss_wide=$rss
expect_eq "SYN flood --max-conns 100000: ends" \
    '{"evicted":0,"fin":1,"open_at_end":20000,"rejected":0,"rst":0,"timeout":0}' \
    "$(py ends "$TMPD/syn.json")"
peak "$TMPD/syn.json" -F json -r "$TMPD/syn20k.pcap"
rss_none=$rss
expect_eq "SYN flood, no --max-conns: ends" \
    '{"evicted":0,"fin":1,"open_at_end":20000,"rejected":0,"rst":0,"timeout":0}' \
    "$(py ends "$TMPD/syn.json")"
peak "$TMPD/syn.json" -F json --max-conns 1000 -r "$TMPD/syn80k.pcap"
rss_bounded4=$rss
expect_eq "SYN flood x4 --max-conns 1000: ends" \
    '{"evicted":79001,"fin":1,"open_at_end":999,"rejected":0,"rst":0,"timeout":0}' \
    "$(py ends "$TMPD/syn.json")"
echo "peak RSS, KiB: 20000 SYNs --max-conns 1000: $rss_bounded," \
    "--max-conns 100000: $rss_wide, no bound: $rss_none;" \
    "80000 SYNs --max-conns 1000: $rss_bounded4"
if [ -n "$memory" ]; then
	if [ $((rss_bounded * 2)) -lt "$rss_wide" ] &&
	    [ $((rss_bounded * 2)) -lt "$rss_none" ]; then pass
	else fail "SYN flood: --max-conns 1000 peaks at $rss_bounded KiB, not clearly under $rss_wide (100000) and $rss_none (none)"; fi
	# Four times the flood, the same bound: the same memory.
	if [ "$rss_bounded4" -le $((rss_bounded + rss_bounded / 5)) ]; then pass
	else fail "SYN flood: --max-conns 1000 peaks at $rss_bounded KiB on 20000 SYNs but $rss_bounded4 KiB on 80000"; fi
fi

# The same floods against a closed port: every SYN refused at once (RST).
# Each attempt is over as soon as it began, and leaves its trace for
# 2 x MSL (DESIGN §3); under --max-conns 1000 memory must stay bounded all
# the same: four times the flood, the same memory.
py synflood "$TMPD/rej20k.pcap" 20000 refused
py synflood "$TMPD/rej80k.pcap" 80000 refused
peak "$TMPD/syn.json" -F json --max-conns 1000 -r "$TMPD/rej20k.pcap"
rss_rej=$rss
expect_eq "refused SYN flood --max-conns 1000: status" 0 "$rc"
expect_eq "refused SYN flood --max-conns 1000: ends" \
    '{"evicted":0,"fin":1,"open_at_end":0,"rejected":20000,"rst":0,"timeout":0}' \
    "$(py ends "$TMPD/syn.json")"
expect_eq "refused SYN flood --max-conns 1000: one record per connection" \
    '20001 20001 40603 {"fin":1,"rejected":20000}' "$(py tally "$TMPD/syn.json")"
expect_eq "refused SYN flood --max-conns 1000: no anomaly" "{}" \
    "$(py get "$TMPD/syn.json" anomalies)"
peak "$TMPD/syn.json" -F json --max-conns 1000 -r "$TMPD/rej80k.pcap"
rss_rej4=$rss
expect_eq "refused SYN flood x4 --max-conns 1000: ends" \
    '{"evicted":0,"fin":1,"open_at_end":0,"rejected":80000,"rst":0,"timeout":0}' \
    "$(py ends "$TMPD/syn.json")"
echo "peak RSS, KiB: 20000 refused SYNs --max-conns 1000: $rss_rej," \
    "80000: $rss_rej4"
if [ -n "$memory" ]; then
	if [ "$rss_rej4" -le $((rss_rej + rss_rej / 5)) ]; then pass
	else fail "refused SYN flood: --max-conns 1000 peaks at $rss_rej KiB on 20000 SYNs but $rss_rej4 KiB on 80000: memory grows with the flood"; fi
fi

# -- a port scan --------------------------------------------------------------
run -F json -r "$scan"
expect_eq "port scan: status" 0 "$rc"
expect_eq "port scan: SYN probe, closed port" \
    "45000>21 rejected server CLOSED/CLOSED mid=false []" \
    "$(py brief "$TMPD/out" | grep '^45000>21 ')"
expect_eq "port scan: SYN probe, open port, reset by the scanner" \
    "45000>80 rst client CLOSED/LISTEN mid=false [rst_in_handshake/info/client/1]" \
    "$(py brief "$TMPD/out" | grep '^45000>80 ')"
for p in 45001:FIN 45002:NULL 45003:Xmas; do
	sport=${p%:*}
	expect_eq "port scan: ${p#*:} probes to closed ports" \
	    "7 rejected server CLOSED/CLOSED mid=false [invalid_flags/error/client/1]" \
	    "$(py brief "$TMPD/out" | grep "^$sport>" | grep -v "^$sport>80 " |
	    cut -d' ' -f2- | uniq -c | sed 's/^ *//')"
	expect_eq "port scan: ${p#*:} probe to the open port" \
	    "$sport>80 open_at_end - CLOSED/CLOSED mid=false [invalid_flags/error/client/1]" \
	    "$(py brief "$TMPD/out" | grep "^$sport>80 ")"
done
expect_eq "port scan: SYN probes to closed ports, all alike" 7 \
    "$(py brief "$TMPD/out" | grep -c '^45000>[0-9]* rejected server CLOSED/CLOSED mid=false \[\]$')"
expect_eq "port scan: ends" \
    '{"evicted":0,"fin":0,"open_at_end":3,"rejected":28,"rst":1,"timeout":0}' \
    "$(py ends "$TMPD/out")"
expect_eq "port scan: anomalies" '{"invalid_flags": 24, "rst_in_handshake": 1}' \
    "$(py get "$TMPD/out" anomalies | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')"

# The same four scans of 16000 ports, a probe every 10 ms (640 s), and of
# 4000 ports: every probe a connection, every finished one a trace for
# 2 x MSL.  Memory holds only what is live: the larger scan needs no more.
py scan "$TMPD/scan16k.pcap" "$TMPD/scan16k-fast.pcap" 16000
py scan "$TMPD/scan4k.pcap" "$TMPD/scan4k-fast.pcap" 4000
peak "$TMPD/scan.json" -q -F json -r "$TMPD/scan16k.pcap"
rss_scan16=$rss
expect_eq "large port scan: status" 0 "$rc"
expect_eq "large port scan: connections" 64000 \
    "$(py get "$TMPD/scan.json" connections.total)"
expect_eq "large port scan: anomalies" \
    '{"invalid_flags": 48000, "rst_in_handshake": 1}' \
    "$(py get "$TMPD/scan.json" anomalies | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')"
# Port 80's three unanswered probes end by the idle timeout or at the end.
expect_eq "large port scan: ends" "63996 1 0 0 3" \
    "$(py get "$TMPD/scan.json" connections.end | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["rejected"], e["rst"], e["fin"], e["evicted"], e["timeout"] + e["open_at_end"])')"
peak "$TMPD/scan.json" -q -F json -r "$TMPD/scan4k.pcap"
rss_scan4=$rss
expect_eq "smaller port scan: connections" 16000 \
    "$(py get "$TMPD/scan.json" connections.total)"
peak "$TMPD/scan.json" -q -F json -r "$TMPD/scan16k-fast.pcap"
rss_scanfast=$rss
expect_eq "port scan in 32 s: connections" 64000 \
    "$(py get "$TMPD/scan.json" connections.total)"
echo "peak RSS, KiB: scan of 4 x 4000 ports in 160 s: $rss_scan4," \
    "of 4 x 16000 in 640 s: $rss_scan16, of 4 x 16000 in 32 s: $rss_scanfast"
if [ -n "$memory" ]; then
	if [ "$rss_scan16" -le $((rss_scan4 + rss_scan4 / 5)) ]; then pass
	else fail "port scan: $rss_scan16 KiB for 64000 probes over 640 s, $rss_scan4 KiB for 16000 over 160 s: memory grows with finished connections"; fi
fi

# -- RST injection ------------------------------------------------------------
for c in rst-injection:5 rst-out-of-window:1; do
	run -F json -r "$CAPTURES/crafted/${c%:*}.pcap"
	expect_eq "${c%:*}: status" 0 "$rc"
	expect_eq "${c%:*}: ignored, the connection goes on and closes" \
	    "fin client TIME_WAIT CLOSED 200 600 [rst_out_of_window/warning/server/${c#*:}]" \
	    "$(py conn "$TMPD/out" 40000 end closer client.state server.state client.bytes server.bytes anomalies)"
	expect_eq "${c%:*}: one connection" 1 "$(py get "$TMPD/out" connections.total)"
done

# -- sequence numbers that wrap ------------------------------------------------
run -F json -r "$CAPTURES/crafted/seq-wrap.pcap"
expect_eq "seq-wrap: status" 0 "$rc"
expect_eq "seq-wrap: no anomaly, the bytes" \
    "fin client TIME_WAIT CLOSED 1000 2896 0 0 []" \
    "$(py conn "$TMPD/out" 40000 end closer client.state server.state client.bytes server.bytes server.retransmissions server.out_of_order anomalies)"
# 5 000 000 000 bytes: the sequence space wraps, and is gone round whole.
py longwrap "$TMPD/wrap.pcap" 5000000000
run -F json -r "$TMPD/wrap.pcap"
expect_eq "5 GB transfer: status" 0 "$rc"
expect_eq "5 GB transfer: stderr" "" "$err"
# Bytes count what was sent, the one retransmitted segment included.
expect_eq "5 GB transfer: no anomaly, every byte, one retransmission" \
    "fin server CLOSED TIME_WAIT true 100 5000065000 76928 1 0 0 []" \
    "$(py conn "$TMPD/out" 40000 end closer client.state server.state handshake.complete client.bytes server.bytes server.pkts server.retransmissions server.out_of_order client.dup_acks anomalies)"

finish
