#!/bin/sh
# valgrind.sh - no invalid read, write, uninitialised use or leak while
# decoding every capture we have, and on the error paths.  Skipped without
# valgrind.
. "${top_srcdir:-.}/tests/lib.sh"

# ASan's shadow memory and valgrind do not mix: the sanitizer run checks.
[ -z "${SANITIZED:-}" ] || skip "built with sanitizers, which check instead"
VALGRIND=${VALGRIND:-$(command -v valgrind)}
[ -n "$VALGRIND" ] && [ -x "$VALGRIND" ] || skip "valgrind is not installed"

vg() {
	"$VALGRIND" -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect "$TCPFSM" "$@" \
	    >/dev/null 2>"$TMPD/vg"
	rc=$?
	if [ "$rc" -eq 99 ]; then
		fail "valgrind on tcpfsm $*: $(head -20 "$TMPD/vg")"
	else
		pass
	fi
}

set --
for f in "$CAPTURES"/*.pcap "$ZEEK"/traces/*.pcap "$ZEEK"/traces/*.pcapng \
    "$ZEEK"/unlabelled/*.pcap "$ZEEK"/unlabelled/*.pcapng; do
	[ -f "$f" ] && set -- "$@" -r "$f"
done
[ "$#" -gt 0 ] || skip "no captures found"
echo "decoding $(($# / 2)) captures under valgrind"
vg --packets "$@"
vg "$@"

# Error paths: a cut file, a file that is not a capture, a missing one.
clean=$CAPTURES/clean-client-close.pcap
head -c 500 "$clean" >"$TMPD/cut.pcap"
vg --packets -r "$TMPD/cut.pcap" -r "$clean"
printf 'not a capture\n' >"$TMPD/text"
vg -r "$TMPD/text"
vg -r "$TMPD/missing"
finish
