#!/bin/sh
# shard.sh - --shard K/N (DESIGN §9): N processes, each reading the whole
# capture, analyse between them every connection exactly once, and their
# records together are those of one process reading it all.  Checked on a
# generated flood (refused, half-open, reset, retransmitted and never
# closed connections, whose timeouts fall on other shards' packets) and on
# every capture in captures/ read as one (ports reused after TIME_WAIT),
# in JSON with --events and as Zeek's conn.log, on one thread and on two.
. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$TCPFSM" ] || { echo "no $TCPFSM"; exit 99; }
GEN=$top_builddir/tests/gen-traffic
[ -x "$GEN" ] || { echo "no $GEN (make tests/gen-traffic)"; exit 99; }
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to read the JSON"

cat >"$TMPD/same.py" <<'EOF'
"""same.py WHOLE SHARD... : the shards' records are WHOLE's.

Records are compared as multisets, their uids (which number connections
in the order each process saw them start) blanked wherever they are,
messages included.  The summaries are compared by their sums.  Prints
what differs; exits 1 if anything.
"""
import collections
import json
import re
import sys

UID = re.compile(r"\bC[0-9A-Za-z]{17}\b")


def load(path):
    recs, summary = collections.Counter(), None
    with open(path) as fp:
        for line in fp:
            r = json.loads(line)
            if r.get("type") == "summary":
                summary = r
                continue
            recs[UID.sub("C-", json.dumps(r, sort_keys=True))] += 1
    return recs, summary


whole, wsum = load(sys.argv[1])
parts = [load(p) for p in sys.argv[2:]]
n = len(parts)
bad = []
union = collections.Counter()
for i, (recs, _) in enumerate(parts):
    if not recs:
        bad.append("shard %d of %d has no records" % (i + 1, n))
    union += recs
if union != whole:
    for r in list((whole - union).elements())[:3]:
        bad.append("only without --shard: " + r)
    for r in list((union - whole).elements())[:3]:
        bad.append("only with --shard: " + r)
if wsum is not None:
    sums = [p[1] for p in parts]
    if any(s is None for s in sums):
        bad.append("a shard wrote no summary")
    else:
        tot = sum(s["connections"]["total"] for s in sums)
        if tot != wsum["connections"]["total"]:
            bad.append("connections %d, shards %d"
                       % (wsum["connections"]["total"], tot))
        an = collections.Counter()
        for s in sums:
            an.update(s["anomalies"])
        if an != collections.Counter(wsum["anomalies"]):
            bad.append("anomalies %s, shards %s" % (wsum["anomalies"], an))
        for s in sums:
            if s["packets"]["read"] != wsum["packets"]["read"]:
                bad.append("a shard read %d packets of %d"
                           % (s["packets"]["read"], wsum["packets"]["read"]))
        other = sum(s["packets"]["other_shard"] for s in sums)
        if other != (n - 1) * wsum["packets"]["tcp"]:
            bad.append("other_shard %d in all, not %d x %d tcp segments"
                       % (other, n - 1, wsum["packets"]["tcp"]))
        if wsum["packets"]["other_shard"] != 0:
            bad.append("other_shard without --shard")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF

"$GEN" -m flood -n 3000 -s 11 -o "$TMPD/flood.pcap" ||
	{ echo "gen-traffic failed"; exit 99; }
# captures/ in the order they were recorded: as one capture, its time
# never goes back.  (It may between files given out of order; then a
# connection's idle timeout can fall differently in a shard, which has
# fewer connections in the way: see flow_expire().)
cat >"$TMPD/bytime.py" <<'EOF'
"""bytime.py FILE...: the classic pcap files, by their first packet."""
import struct
import sys


def first(path):
    with open(path, "rb") as fp:
        head = fp.read(24 + 8)
    end = "<" if head[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    sec, frac = struct.unpack(end + "II", head[24:32])
    return (sec, frac, path)


for f in sorted(first(p) for p in sys.argv[1:]):
    print(f[2])
EOF
set --
for f in $(python3 "$TMPD/bytime.py" "$CAPTURES"/*.pcap); do
	set -- "$@" -r "$f"
done

# shards NAME N ARGS...: the whole run and N shards; same.py compares.
shards() {
	name=$1 n=$2
	shift 2
	if ! "$TCPFSM" "$@" >"$TMPD/whole" 2>"$TMPD/err"; then
		fail "$name: tcpfsm $*: $(cat "$TMPD/err")"
		return
	fi
	k=1 files=
	while [ "$k" -le "$n" ]; do
		if ! "$TCPFSM" --shard "$k/$n" "$@" >"$TMPD/part$k" \
		    2>"$TMPD/err"; then
			fail "$name: tcpfsm --shard $k/$n $*: $(cat "$TMPD/err")"
			return
		fi
		files="$files $TMPD/part$k"
		k=$((k + 1))
	done
	# shellcheck disable=SC2086
	if out=$(python3 "$TMPD/same.py" "$TMPD/whole" $files); then
		pass
	else
		fail "$name: $out"
	fi
}

for t in 1 2; do
	shards "flood, json, --threads $t" 3 --threads "$t" -F json --events \
	    -r "$TMPD/flood.pcap"
	shards "flood, zeek, --threads $t" 4 --threads "$t" -F zeek \
	    -r "$TMPD/flood.pcap"
	shards "captures/, json, --threads $t" 2 --threads "$t" -F json \
	    --events "$@"
done
# One shard of one is the whole.
shards "flood, 1/1" 1 -F json -r "$TMPD/flood.pcap"

# What is not K/N with 1 <= K <= N is a usage error.
for bad in 0/3 4/3 1/0 3 /3 1/ x/3 1/3x -1/3 1/-3 1/4294967296 ""; do
	"$TCPFSM" --shard "$bad" -q -r "$CAPTURES/refused.pcap" \
	    >"$TMPD/out" 2>"$TMPD/err"
	expect_eq "--shard '$bad': status" 2 $?
	expect_eq "--shard '$bad': message" \
	    "tcpfsm: --shard $bad: not K/N with 1 <= K <= N" "$(cat "$TMPD/err")"
	expect_eq "--shard '$bad': output" "" "$(cat "$TMPD/out")"
done

finish
