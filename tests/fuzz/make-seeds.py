#!/usr/bin/env python3
"""make-seeds.py - seed corpora for the fuzz targets from real captures.

usage: make-seeds.py OUTDIR CAPTURE...

OUTDIR/pcap/ gets every capture of at most 256 KiB as it is (fuzz-pcap);
OUTDIR/decode/ gets up to 40 frames of every classic-pcap capture, each
prefixed with the two bytes fuzz-decode reads first: the decoder's link
type index and a wire-length surplus of 0.
"""
import os
import struct
import sys

# libpcap link type -> enum decode_link (src/decode.h)
LINKS = {1: 0, 0: 1, 108: 2, 12: 3, 14: 3, 101: 3, 228: 4, 229: 5,
         113: 6, 276: 7, 9: 8, 50: 8, 51: 9, 104: 10, 10: 11}


def frames(path, limit):
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return
        magic = hdr[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            end = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            end = ">"
        else:
            return          # pcapng: the pcap corpus has those whole
        link = struct.unpack(end + "I", hdr[20:24])[0] & 0xffff
        if link not in LINKS:
            return
        for _ in range(limit):
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, caplen, _ = struct.unpack(end + "IIII", rec)
            data = f.read(caplen)
            if len(data) < caplen:
                return
            yield bytes([LINKS[link], 0]) + data


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "pcap"), exist_ok=True)
    os.makedirs(os.path.join(out, "decode"), exist_ok=True)
    n = 0
    for path in sys.argv[2:]:
        base = os.path.basename(path)
        if os.path.getsize(path) <= 256 * 1024:
            with open(path, "rb") as f, \
                    open(os.path.join(out, "pcap", base), "wb") as g:
                g.write(f.read())
        for i, fr in enumerate(frames(path, 40)):
            with open(os.path.join(out, "decode", "%s.%d" % (base, i)), "wb") as g:
                g.write(fr)
            n += 1
    print("make-seeds: %d frames" % n)


if __name__ == "__main__":
    main()
