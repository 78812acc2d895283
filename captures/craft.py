#!/usr/bin/env python3
"""craft.py - turn a readable TCP scenario into a pcap.

usage: craft.py SCENARIO.txt OUT.pcap
       craft.py --all          (captures/crafted/*.txt -> *.pcap)

A scenario is one line per segment, for conversations the Linux stack will
not hold on request (split handshakes, TIME_WAIT assassination, injected
RSTs...).  The output is a classic pcap, link type 1 (Ethernet), IPv4 or
IPv6, with correct IP and TCP checksums unless a line asks otherwise.  The
same scenario always gives the same bytes: time 0 is 2026-01-01 00:00:00 UTC.

Format (blank lines and text after '#' are ignored):

  @ client 198.18.0.1:40000 server 198.18.0.2:80
  @ client [2001:db8::1]:40000 server [2001:db8::2]:80

      The connection the following lines belong to, until the next '@'.
      Addresses must lie in 198.18.0.0/15 or 2001:db8::/32 (documentation
      and benchmarking ranges, never a real network).

  TIME  DIR  FLAGS  [key=value ...]

      TIME   seconds from time 0 (0.000001 resolution), or +SECONDS after
             the previous line.  Packets are written in time order; lines
             with equal times keep their order in the file.
      DIR    c>s (client to server) or s>c.
      FLAGS  letters S(YN) A(CK) F(IN) R(ST) P(SH) U(RG) E(CE) C(WR)
             N (NS/AE, the 0x100 bit), in any order; '-' for none.
      seq=N  sequence number, absolute (decimal or 0x hex).  Default 0.
      ack=N  acknowledgment number, absolute.  Default 0.
      win=N  window field as sent (unscaled), default 65535.
      len=N  payload bytes, default 0.  The bytes are a pattern keyed by
             sequence number, so a retransmission carries the same bytes.
      urp=N  urgent pointer, default 0.
      opts=O,O,...  TCP options, in order, padded with EOL to 4 bytes:
             mss:1460  ws:7  sack_perm  sack:L-R[:L-R...]  ts:VAL:ECR
             tfo:COOKIEHEX (kind 34)  tfo_req (kind 34, empty)  nop  eol
             raw:KK:LL:... (bytes in hex, as they are: for bad options)
      cksum=bad     a deliberately wrong TCP checksum (cksum=0xNNNN: that
                    exact value).
      ipcksum=bad   a deliberately wrong IPv4 header checksum.
      ttl=N  IPv4 TTL / IPv6 hop limit, default 64.
"""

import glob
import ipaddress
import os
import struct
import sys
from decimal import Decimal, InvalidOperation

BASE_TS = 1767225600            # 2026-01-01T00:00:00Z
SNAPLEN = 262144
LINKTYPE_ETHERNET = 1
MAC = {"c": bytes.fromhex("020000000001"), "s": bytes.fromhex("020000000002")}
NET4 = ipaddress.ip_network("198.18.0.0/15")
NET6 = ipaddress.ip_network("2001:db8::/32")
FLAG_BITS = {"F": 0x001, "S": 0x002, "R": 0x004, "P": 0x008, "A": 0x010,
             "U": 0x020, "E": 0x040, "C": 0x080, "N": 0x100}
PATTERN = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class ScenarioError(Exception):
    pass


def num(text, what, bits=32):
    """An unsigned integer, decimal or 0x hex, that fits in bits."""
    try:
        v = int(text, 0)
    except ValueError:
        raise ScenarioError("%s: not a number: %r" % (what, text))
    if v < 0 or v >= 1 << bits:
        raise ScenarioError("%s: %d does not fit in %d bits" % (what, v, bits))
    return v


def endpoint(text):
    """'198.18.0.1:40000' or '[2001:db8::1]:40000' -> (address, port)."""
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
    else:
        host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise ScenarioError("bad endpoint %r (want ADDR:PORT or [V6]:PORT)"
                            % text)
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        raise ScenarioError("bad address %r" % host)
    if addr not in (NET4 if addr.version == 4 else NET6):
        raise ScenarioError("address %s is outside 198.18.0.0/15 and "
                            "2001:db8::/32" % addr)
    return addr, num(port, "port", 16)


def options(text):
    """The opts= list as option bytes, padded to a multiple of 4."""
    out = bytearray()
    for item in text.split(","):
        if not item:
            continue
        name, _, arg = item.partition(":")
        args = arg.split(":") if arg else []

        def want(n):
            if len(args) != n:
                raise ScenarioError("option %r wants %d argument(s)"
                                    % (item, n))
        if name == "mss":
            want(1)
            out += struct.pack("!BBH", 2, 4, num(args[0], "mss", 16))
        elif name == "ws":
            want(1)
            out += struct.pack("!BBB", 3, 3, num(args[0], "ws", 8))
        elif name == "sack_perm":
            want(0)
            out += b"\x04\x02"
        elif name == "sack":
            if not args:
                raise ScenarioError("sack wants L-R blocks")
            out += struct.pack("!BB", 5, 2 + 8 * len(args))
            for blk in args:
                left, sep, right = blk.partition("-")
                if not sep:
                    raise ScenarioError("sack block %r is not L-R" % blk)
                out += struct.pack("!II", num(left, "sack"),
                                   num(right, "sack"))
        elif name == "ts":
            want(2)
            out += struct.pack("!BBII", 8, 10, num(args[0], "ts val"),
                               num(args[1], "ts ecr"))
        elif name == "tfo":
            want(1)
            try:
                cookie = bytes.fromhex(args[0])
            except ValueError:
                raise ScenarioError("tfo cookie %r is not hex" % args[0])
            out += struct.pack("!BB", 34, 2 + len(cookie)) + cookie
        elif name == "tfo_req":
            want(0)
            out += b"\x22\x02"
        elif name == "nop":
            want(0)
            out += b"\x01"
        elif name == "eol":
            want(0)
            out += b"\x00"
        elif name == "raw":
            if not args:
                raise ScenarioError("raw wants hex bytes")
            out += bytes(num(b, "raw byte", 8) if b.startswith("0x")
                         else num("0x" + b, "raw byte", 8) for b in args)
        else:
            raise ScenarioError("unknown option %r" % name)
    while len(out) % 4:
        out += b"\x00"
    if len(out) > 40:
        raise ScenarioError("options take %d bytes; a TCP header holds 40"
                            % len(out))
    return bytes(out)


def csum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def payload(seq, n):
    """n pattern bytes; byte i is keyed by sequence number seq + i."""
    return bytes(PATTERN[(seq + i) % len(PATTERN)] for i in range(n))


class Conn:
    def __init__(self, client, server):
        if client[0].version != server[0].version:
            raise ScenarioError("client and server are not the same "
                                "IP version")
        self.addr = {"c": client, "s": server}
        self.ipid = {"c": 0x1000, "s": 0x5000}


def frame(conn, d, f):
    """The Ethernet frame for one segment sent in direction d ('c' or 's')."""
    src, sport = conn.addr[d]
    dst, dport = conn.addr["s" if d == "c" else "c"]
    opts = options(f.get("opts", ""))
    seq = num(f.get("seq", "0"), "seq")
    data = payload(seq, num(f.get("len", "0"), "len", 16))
    hlen = 20 + len(opts)
    tcp = bytearray(struct.pack(
        "!HHIIHHHH", sport, dport, seq, num(f.get("ack", "0"), "ack"),
        (hlen // 4) << 12 | f["flags"], num(f.get("win", "65535"), "win", 16),
        0, num(f.get("urp", "0"), "urp", 16)) + opts + data)
    ttl = num(f.get("ttl", "64"), "ttl", 8)
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 6, len(tcp))
    else:
        pseudo = src.packed + dst.packed + struct.pack("!IxxxB", len(tcp), 6)
    ck = csum(pseudo + bytes(tcp))
    bad = f.get("cksum")
    if bad == "bad":
        ck ^= 0x00ff            # never turns a valid 0x0000 into 0xffff
    elif bad is not None:
        ck = num(bad, "cksum", 16)
    struct.pack_into("!H", tcp, 16, ck)

    if src.version == 4:
        ip = bytearray(struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), conn.ipid[d], 0x4000,
            ttl, 6, 0, src.packed, dst.packed))
        conn.ipid[d] = (conn.ipid[d] + 1) & 0xffff
        ick = csum(bytes(ip))
        if f.get("ipcksum") == "bad":
            ick ^= 0x00ff
        elif f.get("ipcksum") is not None:
            raise ScenarioError("ipcksum takes only 'bad'")
        struct.pack_into("!H", ip, 10, ick)
        ethertype = 0x0800
    else:
        if f.get("ipcksum") is not None:
            raise ScenarioError("IPv6 has no header checksum")
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), 6, ttl,
                         src.packed, dst.packed)
        ethertype = 0x86dd
    eth = MAC["s" if d == "c" else "c"] + MAC[d] + struct.pack("!H", ethertype)
    return eth + bytes(ip) + bytes(tcp)


KEYS = {"seq", "ack", "win", "len", "urp", "opts", "cksum", "ipcksum", "ttl"}


def parse(text, name="scenario"):
    """Scenario text -> list of (microseconds, frame bytes), time ordered."""
    conn = None
    now = Decimal(0)
    pkts = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            words = line.split()
            if words[0] == "@":
                if (len(words) != 5 or words[1] != "client" or
                        words[3] != "server"):
                    raise ScenarioError("want '@ client ADDR:PORT server "
                                        "ADDR:PORT'")
                conn = Conn(endpoint(words[2]), endpoint(words[4]))
                continue
            if conn is None:
                raise ScenarioError("a segment before any '@' line")
            if len(words) < 3:
                raise ScenarioError("want TIME DIR FLAGS [key=value ...]")
            try:
                t = Decimal(words[0])
            except InvalidOperation:
                raise ScenarioError("bad time %r" % words[0])
            now = now + t if words[0].startswith("+") else t
            if now < 0:
                raise ScenarioError("negative time")
            us = now * 1000000
            if us != us.to_integral_value():
                raise ScenarioError("time %s is finer than a microsecond"
                                    % now)
            if words[1] not in ("c>s", "s>c"):
                raise ScenarioError("direction %r is not c>s or s>c"
                                    % words[1])
            f = {"flags": 0}
            if words[2] != "-":
                for ch in words[2]:
                    if ch not in FLAG_BITS:
                        raise ScenarioError("unknown flag %r" % ch)
                    f["flags"] |= FLAG_BITS[ch]
            for kv in words[3:]:
                k, sep, v = kv.partition("=")
                if not sep or k not in KEYS:
                    raise ScenarioError("unknown field %r" % kv)
                f[k] = v
            pkts.append((int(us), frame(conn, words[1][0], f)))
        except ScenarioError as e:
            raise ScenarioError("%s:%d: %s" % (name, lineno, e))
    pkts.sort(key=lambda p: p[0])       # stable: equal times keep file order
    return pkts


def write_pcap(path, pkts):
    out = bytearray(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, SNAPLEN,
                                LINKTYPE_ETHERNET))
    for us, data in pkts:
        sec, usec = divmod(us, 1000000)
        out += struct.pack("<IIII", BASE_TS + sec, usec, len(data), len(data))
        out += data
    tmp = path + ".tmp"
    with open(tmp, "wb") as fp:
        fp.write(out)
    os.replace(tmp, path)


def craft(src, dst):
    with open(src, encoding="utf-8") as fp:
        pkts = parse(fp.read(), os.path.basename(src))
    write_pcap(dst, pkts)
    return len(pkts)


def main(argv):
    if argv == ["--all"]:
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "crafted")
        srcs = sorted(glob.glob(os.path.join(here, "*.txt")))
        if not srcs:
            print("craft.py: no scenarios in %s" % here, file=sys.stderr)
            return 1
        for src in srcs:
            dst = src[:-4] + ".pcap"
            n = craft(src, dst)
            print("%-48s %3d packets" % (os.path.relpath(dst), n))
        return 0
    if len(argv) != 2 or argv[0].startswith("-"):
        print("usage: craft.py SCENARIO.txt OUT.pcap\n"
              "       craft.py --all", file=sys.stderr)
        return 2
    craft(argv[0], argv[1])
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except ScenarioError as e:
        print("craft.py: %s" % e, file=sys.stderr)
        sys.exit(1)
    except OSError as e:
        print("craft.py: %s: %s" % (e.filename, e.strerror), file=sys.stderr)
        sys.exit(1)
