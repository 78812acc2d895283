# lib.sh - shared by the scripted tests; sourced, not run.
#
# Automake runs each test with top_srcdir and top_builddir in the
# environment; a test also runs by hand from the build directory.
# Exit 77 means "skipped" to automake.

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
TCPFSM=${TCPFSM:-$top_builddir/src/tcpfsm}
CAPTURES=$top_srcdir/captures
# The Zeek oracle lives in ../shared beside a checkout; TCPFSM_SHARED overrides.
SHARED=${TCPFSM_SHARED:-$top_srcdir/../shared}
ZEEK=$SHARED/oracle/zeek

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/tcpfsm-test.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT

failures=0
checks=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

pass() {
	checks=$((checks + 1))
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: expected '$2', got '$3'"; fi
}

# expect_match WHAT REGEX TEXT
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass
	else fail "$1: '$3' does not match /$2/"; fi
}

# finish: report and exit 0 or 1.
finish() {
	echo "$checks checks passed, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}

skip() {
	echo "SKIP: $*"
	exit 77
}
