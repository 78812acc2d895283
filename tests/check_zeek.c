/*
 * check_zeek.c - Zeek's conn_state and history (zeek.c), its connection
 * boundaries (zeek-table.c), the conn.log row (output-json.c) and the TCP
 * checksum (cksum.c).
 *
 * A conversation is a string of letters, one segment each, read as the
 * history Zeek would write: upper case is sent by side 0, lower case by
 * side 1 (which is not always Zeek's originator: the point of the flip
 * tests).  S a SYN, H a SYN-ACK, A a pure ACK, D 10 bytes of data, F a FIN,
 * R a RST, I FIN+RST, Q SYN+FIN, T the last data again, K a keep-alive of
 * one old byte, W an ACK with a zero window, C an ACK with a bad checksum,
 * G 100 bytes of the sender lost by the capture and acknowledged by the
 * peer (the peer's pure ACK), X the sender's FIN again.  The tables run
 * with tcase_add_loop_test(), one test per row.
 */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cksum.h"
#include "decode.h"
#include "flow.h"
#include "output.h"
#include "testutil.h"
#include "util.h"
#include "zeek-table.h"
#include "zeek.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define SEC		INT64_C(1000000)	/* microseconds */
#define T0		(INT64_C(1700000000) * SEC)	/* 2023-11-14 */
#define DLEN		10		/* bytes of a D */
#define LOST		100		/* bytes of a G */

/* ---- conversations ---------------------------------------------------- */

struct talk {
	uint16_t	 port[2];	/* side 0, side 1 */
	uint32_t	 isn[2];
	uint32_t	 nxt[2];	/* next sequence number of each */
	uint32_t	 fin[2];	/* sequence number of its last FIN */
	int64_t		 ts;
};

static void
talk_init(struct talk *t, uint16_t port0, uint16_t port1)
{
	memset(t, 0, sizeof(*t));
	t->port[0] = port0;
	t->port[1] = port1;
	t->isn[0] = 1000;
	t->isn[1] = 500000;
	t->nxt[0] = t->isn[0] + 1;
	t->nxt[1] = t->isn[1] + 1;
	t->ts = T0;
}

/* The segment of letter c; *side is its sender. */
static void
talk_seg(struct talk *t, char c, struct tcpfsm_seg *seg, int *side)
{
	int s = c >= 'a' && c <= 'z', p = !s;

	memset(seg, 0, sizeof(*seg));
	*side = s;
	seg->ts = t->ts;
	t->ts += 1000;
	seg->ipv = 4;
	seg->src[0] = 10;
	seg->src[3] = (uint8_t)(1 + s);
	seg->dst[0] = 10;
	seg->dst[3] = (uint8_t)(1 + p);
	seg->sport = t->port[s];
	seg->dport = t->port[p];
	seg->win = 65535;
	seg->hdr_len = 20;
	seg->seq = t->nxt[s];
	seg->ack = t->nxt[p];
	seg->flags = TCPF_ACK;
	switch (c & ~0x20) {
	case 'S':
		seg->seq = t->isn[s];
		seg->flags = TCPF_SYN;
		seg->ack = 0;
		break;
	case 'H':
		seg->seq = t->isn[s];
		seg->flags = TCPF_SYN | TCPF_ACK;
		break;
	case 'A':
		break;
	case 'D':
		seg->payload_len = DLEN;
		t->nxt[s] += DLEN;
		break;
	case 'T':
		seg->seq = t->nxt[s] - DLEN;
		seg->payload_len = DLEN;
		break;
	case 'K':
		seg->seq = t->nxt[s] - 1;
		seg->payload_len = 1;
		break;
	case 'F':
		seg->flags |= TCPF_FIN;
		t->fin[s] = t->nxt[s]++;
		break;
	case 'X':
		seg->flags |= TCPF_FIN;
		seg->seq = t->fin[s];
		break;
	case 'R':
		seg->flags = TCPF_RST;
		seg->ack = 0;
		break;
	case 'I':
		seg->flags = TCPF_FIN | TCPF_RST;
		seg->ack = 0;
		break;
	case 'Q':
		seg->seq = t->isn[s];
		seg->flags = TCPF_SYN | TCPF_FIN;
		seg->ack = 0;
		break;
	case 'W':
		seg->win = 0;
		break;
	case 'C':
		seg->cksum_bad = true;
		break;
	case 'G':
		/* The peer acknowledges bytes of ours the capture lost. */
		t->nxt[s] += LOST;
		*side = p;
		seg->sport = t->port[p];
		seg->dport = t->port[s];
		seg->src[3] = (uint8_t)(1 + p);
		seg->dst[3] = (uint8_t)(1 + s);
		seg->seq = t->nxt[p];
		seg->ack = t->nxt[s];
		break;
	default:
		ck_abort_msg("bad letter %c", c);
	}
	seg->payload_caplen = seg->payload_len;
	seg->ip_len = 40 + seg->payload_len;
}

/*
 * zeek_update() on z, zeek_update_full() on full, which must agree: the
 * short way for common segments leaves what the long way leaves.
 */
static void
update_both(struct zeek_conn *z, struct zeek_conn *full,
    const struct tcpfsm_seg *seg, int side)
{
	uint32_t ev, ev_full;

	ev = zeek_update(z, seg, side);
	ev_full = zeek_update_full(full, seg, side);
	ck_assert_uint_eq(ev, ev_full);
	ck_assert_msg(memcmp(z, full, sizeof(*z)) == 0,
	    "short and long way differ: history %s, %s", z->history,
	    full->history);
}

/* Replay script on a fresh z; ports of side 0 and 1. */
static void
run_script(struct zeek_conn *z, const char *script, uint16_t p0, uint16_t p1)
{
	struct talk		t;
	struct tcpfsm_seg	seg;
	struct zeek_conn	full;
	int			side;

	memset(z, 0, sizeof(*z));
	memset(&full, 0, sizeof(full));
	talk_init(&t, p0, p1);
	for (; *script != '\0'; script++) {
		if (*script == ' ')
			continue;
		talk_seg(&t, *script, &seg, &side);
		update_both(z, &full, &seg, side);
	}
}

/* A script of n letters c after a prefix. */
static char *
repeat(char *buf, size_t len, const char *prefix, char c, int n)
{
	size_t i = strlen(prefix);

	ck_assert_uint_lt(i + (size_t)n, len);
	memcpy(buf, prefix, i);
	memset(buf + i, c, (size_t)n);
	buf[i + (size_t)n] = '\0';
	return (buf);
}

/* ---- conn_state, history, flips: tables --------------------------------- */

struct zcase {
	const char	*name;
	const char	*script;
	uint16_t	 port0;		/* 0: 40000 */
	uint16_t	 port1;		/* 0: 8081, not a likely server port */
	const char	*state;
	const char	*history;
};

static void
check_case(const struct zcase *c)
{
	struct zeek_conn z;

	run_script(&z, c->script, c->port0 != 0 ? c->port0 : 40000,
	    c->port1 != 0 ? c->port1 : 8081);
	ck_assert_msg(strcmp(zeek_conn_state(&z), c->state) == 0 &&
	    strcmp(z.history, c->history) == 0,
	    "%s: \"%s\" gave %s %s, expected %s %s", c->name, c->script,
	    zeek_conn_state(&z), z.history, c->state, c->history);
}

/* Each conn_state, and the order Zeek decides them in (main.zeek). */
static const struct zcase state_cases[] = {
	{ "attempt", "S", 0, 0, "S0", "S" },
	{ "attempt with data", "SAD", 0, 0, "S0", "SAD" },
	{ "no third ACK needed", "Sh", 0, 0, "S1", "Sh" },
	{ "established", "ShAD", 0, 0, "S1", "ShAD" },
	{ "normal close", "ShADdFafA", 0, 0, "SF", "ShADdFaf" },
	{ "rejected", "Sr", 0, 0, "REJ", "Sr" },
	{ "both reset, no data", "ShRr", 0, 0, "REJ", "ShRr" },
	{ "both reset, data", "ShADRr", 0, 0, "RSTR", "ShADRr" },
	{ "orig SYN, RST", "SR", 0, 0, "RSTOS0", "SR" },
	{ "orig SYN, resp ACK, RST", "SaR", 0, 0, "RSTOS0", "SaR" },
	{ "FIN breaks RSTOS0", "SaFR", 0, 0, "OTH", "SaFR" },
	{ "orig aborts", "ShADR", 0, 0, "RSTO", "ShADR" },
	{ "resp aborts", "ShADr", 0, 0, "RSTR", "ShADr" },
	{ "resp aborts midstream", "Dr", 0, 0, "RSTRH", "Dr" },
	{ "lone RST", "R", 0, 0, "OTH", "R" },
	{ "midstream data", "D", 0, 0, "OTH", "D" },
	{ "midstream both", "Dd", 0, 0, "OTH", "Dd" },
	{ "half open close", "SF", 0, 0, "SH", "SF" },
	{ "one-sided close", "DAF", 0, 0, "SH", "DAF" },
	{ "orig closes", "ShAF", 0, 0, "S2", "ShAF" },
	{ "resp closes", "ShAf", 0, 0, "S3", "ShAf" },
	{ "midstream close", "DaFfA", 0, 0, "SF", "DaFfA" },
	{ "RST after the FINs", "ShAFfAR", 0, 0, "SF", "ShAFfR" },
	{ "FIN, RST, FIN", "ShAFRf", 0, 0, "SF", "ShAFRf" },
	{ "resp SYN-ACK, FIN", "HDAF", 0, 0, "SHR", "^hdaf" },
	{ "simultaneous open", "Ss", 0, 0, "S1", "Ss" },
	{ "SYN and FIN", "Q", 0, 0, "SH", "Q" },
};

/* How often each letter is recorded. */
static const struct zcase history_cases[] = {
	{ "SYN retransmitted", "SS", 0, 0, "S0", "S" },
	{ "SYN-ACK retransmitted", "ShhA", 0, 0, "S1", "ShA" },
	{ "ACK and data once", "ShADDAAdd", 0, 0, "S1", "ShADd" },
	{ "FIN retransmitted", "ShAFX", 0, 0, "S2", "ShAF" },
	{ "FIN at a new number", "ShAFDF", 0, 0, "S2", "ShAFDF" },
	{ "RST again, same number", "ShARR", 0, 0, "RSTO", "ShAR" },
	{ "RST at a new number", "ShARDR", 0, 0, "RSTO", "ShARDR" },
	{ "FIN+RST", "ShAI", 0, 0, "RSTO", "ShAI" },
	{ "retransmission", "ShADT", 0, 0, "S1", "ShADT" },
	{ "one-byte keep-alive", "ShADK", 0, 0, "S1", "ShADT" },
	{ "zero window", "ShAW", 0, 0, "S1", "ShAW" },
	{ "no zero window after the peer's FIN", "ShAfW", 0, 0, "S3",
	    "ShAf" },
	{ "bad checksum dropped", "SCh", 0, 0, "S1", "SCh" },
	{ "content gap", "ShADG", 0, 0, "S1", "ShADaG" },
	{ "gap on the responder", "ShAdg", 0, 0, "S1", "ShAdg" },
	{ "no gap mid-stream", "DG", 0, 0, "OTH", "Da" },
};

/* Who Zeek makes the originator, and the '^' of each flip. */
static const struct zcase flip_cases[] = {
	{ "data from a server port", "d", 0, 80, "OTH", "^d" },
	{ "data to a server port", "D", 0, 80, "OTH", "D" },
	{ "both server ports, low to high", "d", 443, 80, "OTH", "^d" },
	{ "both server ports, high to low", "D", 443, 80, "OTH", "D" },
	{ "SYN-ACK, both server ports", "h", 443, 80, "OTH", "H" },
	{ "SYN-ACK from a server port", "h", 0, 80, "OTH", "^h" },
	{ "SYN from a server port", "s", 0, 80, "S0", "S" },
	{ "SYN-ACK, then its ACK", "Ha", 0, 0, "S1", "^hA" },
	{ "SYN-ACK, then data", "Hd", 0, 0, "S1", "^hD" },
	{ "SYN-ACK, then its sender's data", "HD", 0, 0, "OTH", "^hd" },
	{ "no flip after another letter", "Hca", 0, 0, "OTH", "Hca" },
	{ "SYN-ACK before its SYN", "Hsa", 0, 0, "S1", "Hs^A" },
};

START_TEST(test_state)
{
	check_case(&state_cases[_i]);
}
END_TEST

START_TEST(test_history)
{
	check_case(&history_cases[_i]);
}
END_TEST

START_TEST(test_flip)
{
	check_case(&flip_cases[_i]);
}
END_TEST

/* ---- scaled letters: at 1, 10, 100 ------------------------------------ */

struct scase {
	const char	*prefix;
	char		 letter;
	int		 n;
	const char	*history;
};

static const struct scase scaled_cases[] = {
	{ "ShAD", 'T', 1, "ShADT" },
	{ "ShAD", 'T', 9, "ShADT" },
	{ "ShAD", 'T', 10, "ShADTT" },
	{ "ShAD", 'T', 99, "ShADTT" },
	{ "ShAD", 'T', 100, "ShADTTT" },
	{ "ShAd", 't', 10, "ShAdtt" },
	{ "ShA", 'W', 10, "ShAWW" },
	{ "ShA", 'W', 100, "ShAWWW" },
	{ "", 'C', 1, "C" },
	{ "", 'C', 10, "CC" },
	{ "", 'C', 100, "CCC" },
	{ "ShA", 'c', 10, "ShAcc" },
	{ "ShAD", 'G', 10, "ShADaGG" },
};

START_TEST(test_scaled)
{
	const struct scase	*c = &scaled_cases[_i];
	struct zeek_conn	 z;
	char			 buf[256];

	run_script(&z, repeat(buf, sizeof(buf), c->prefix, c->letter, c->n),
	    40000, 8081);
	ck_assert_str_eq(z.history, c->history);
}
END_TEST

/* A bad checksum moves nothing and is not counted (SEMANTICS §3, §6). */
START_TEST(test_checksum_dropped)
{
	struct zeek_conn z;

	run_script(&z, "CCCC", 40000, 8081);
	ck_assert_str_eq(zeek_conn_state(&z), "OTH");
	ck_assert_uint_eq(z.ep[0].pkts, 0);
	ck_assert_uint_eq(z.ep[0].state, ZEEK_INACTIVE);
	run_script(&z, "ShADCd", 40000, 8081);
	ck_assert_uint_eq(z.ep[0].pkts, 3);
	ck_assert_uint_eq(z.ep[0].ip_bytes, 40 + 40 + 40 + DLEN);
	ck_assert_uint_eq(z.ep[1].pkts, 2);
}
END_TEST

START_TEST(test_sizes)
{
	struct zeek_conn z;

	run_script(&z, "ShADDdFfA", 40000, 8081);
	ck_assert_uint_eq(zeek_size(&z, 0), 2 * DLEN);
	ck_assert_uint_eq(zeek_size(&z, 1), DLEN);
	ck_assert_uint_eq(z.missed_bytes, 0);
	run_script(&z, "ShADG", 40000, 8081);
	ck_assert_uint_eq(z.missed_bytes, LOST);
	ck_assert_uint_eq(zeek_size(&z, 0), DLEN + LOST);
}
END_TEST

START_TEST(test_history_full)
{
	struct zeek_conn	 z;
	char			 buf[128];
	size_t			 i;

	/* Every RST at a new number is a letter: more than fit. */
	memcpy(buf, "ShAR", 4);
	for (i = 4; i + 2 < sizeof(buf); i += 2)
		memcpy(buf + i, "DR", 2);
	buf[i] = '\0';
	run_script(&z, buf, 40000, 8081);
	ck_assert_uint_eq(z.hist_len, ZEEK_HISTORY_LEN - 1);
	ck_assert_uint_eq(strlen(z.history), ZEEK_HISTORY_LEN - 1);
	ck_assert(z.flags & ZC_HIST_FULL);
}
END_TEST

/* ---- connection reuse ------------------------------------------------- */

START_TEST(test_reuse)
{
	struct zeek_conn	 z;
	struct talk		 t;
	struct tcpfsm_seg	 seg;
	int			 side;

	run_script(&z, "S", 40000, 8081);
	talk_init(&t, 40000, 8081);
	talk_seg(&t, 'S', &seg, &side);
	ck_assert(!zeek_is_reuse(&z, &seg));	/* retransmission */
	seg.seq += 12345;
	ck_assert(zeek_is_reuse(&z, &seg));	/* a new ISN */
	talk_seg(&t, 'A', &seg, &side);
	ck_assert(!zeek_is_reuse(&z, &seg));	/* only SYNs */

	/* One side closed: any SYN starts anew, even the same ISN. */
	run_script(&z, "Sr", 40000, 8081);
	talk_seg(&t, 'S', &seg, &side);
	ck_assert(zeek_is_reuse(&z, &seg));

	/* A SYN-ACK only on a half connection. */
	run_script(&z, "ShAFf", 40000, 8081);
	talk_seg(&t, 'h', &seg, &side);
	ck_assert(!zeek_is_reuse(&z, &seg));
}
END_TEST

/* ---- the table: Zeek's boundaries in packet time ---------------------- */

#define MAX_ROWS	16

struct rows {
	size_t		 n;
	char		 state[MAX_ROWS][8];
	char		 history[MAX_ROWS][ZEEK_HISTORY_LEN];
	char		 uid[MAX_ROWS][20];
	uint32_t	 pkts[MAX_ROWS][2];	/* orig, resp */
	int64_t		 first_ts[MAX_ROWS];
	int64_t		 last_ts[MAX_ROWS];
	uint16_t	 orig_port[MAX_ROWS];
};

static void
rec_row(void *arg, const struct zeek_row *r)
{
	struct rows *rows = arg;

	ck_assert_uint_lt(rows->n, MAX_ROWS);
	snprintf(rows->state[rows->n], sizeof(rows->state[0]), "%s",
	    zeek_conn_state(r->z));
	memcpy(rows->history[rows->n], r->z->history, ZEEK_HISTORY_LEN);
	memcpy(rows->uid[rows->n], r->uid, sizeof(rows->uid[0]));
	rows->pkts[rows->n][0] = r->z->ep[r->z->orig].pkts;
	rows->pkts[rows->n][1] = r->z->ep[!r->z->orig].pkts;
	rows->first_ts[rows->n] = r->first_ts;
	rows->last_ts[rows->n] = r->last_ts;
	rows->orig_port[rows->n] = r->key->port[r->z->orig];
	rows->n++;
}

/* One step of a timed script: letters, then a pause. */
struct step {
	const char	*letters;
	int64_t		 pause;		/* microseconds after the letters */
};

static void
run_table(const struct step *steps, size_t n, struct rows *rows)
{
	struct zeek_table	*zt;
	struct talk		 t;
	struct tcpfsm_seg	 seg;
	const char		*l;
	size_t			 i;
	int			 side;

	memset(rows, 0, sizeof(*rows));
	zt = zeek_table_new(42, rec_row, rows);
	talk_init(&t, 40000, 8081);
	for (i = 0; i < n; i++) {
		for (l = steps[i].letters; *l != '\0'; l++) {
			if (*l == '+') {
				/* A new ISN for both sides. */
				t.isn[0] += 100000;
				t.isn[1] += 100000;
				t.nxt[0] = t.isn[0] + 1;
				t.nxt[1] = t.isn[1] + 1;
				continue;
			}
			talk_seg(&t, *l, &seg, &side);
			zeek_table_segment(zt, &seg);
		}
		t.ts += steps[i].pause;
	}
	zeek_table_finish(zt);
	zeek_table_free(zt);
}

START_TEST(test_attempt_timer)
{
	static const struct step steps[] = {
		{ "SAD", 6 * SEC }, { "DAF", 0 }
	};
	struct rows rows;

	/* Half-duplex ssh: the attempt is logged, the rest is a new row. */
	run_table(steps, NITEMS(steps), &rows);
	ck_assert_uint_eq(rows.n, 2);
	ck_assert_str_eq(rows.state[0], "S0");
	ck_assert_str_eq(rows.history[0], "SAD");
	ck_assert_str_eq(rows.state[1], "SH");
	ck_assert_str_eq(rows.history[1], "DAF");
	ck_assert_str_ne(rows.uid[0], rows.uid[1]);
	ck_assert_uint_eq(strlen(rows.uid[0]), 18);
	ck_assert_int_eq(rows.uid[0][0], 'C');
}
END_TEST

START_TEST(test_attempt_in_time)
{
	static const struct step steps[] = {
		{ "SAD", 4 * SEC }, { "DAF", 0 }
	};
	struct rows rows;

	run_table(steps, NITEMS(steps), &rows);
	ck_assert_uint_eq(rows.n, 1);
	ck_assert_str_eq(rows.state[0], "SH");
	ck_assert_str_eq(rows.history[0], "SADF");
	ck_assert_uint_eq(rows.pkts[0][0], 6);
}
END_TEST

START_TEST(test_rst_linger)
{
	static const struct step apart[] = {
		{ "R", 60 * SEC }, { "R", 60 * SEC }, { "R", 0 }
	};
	static const struct step close[] = {
		{ "R", 2 * SEC }, { "R", 0 }
	};
	struct rows rows;

	/* llc.pcap: a lone RST a minute apart, one row each. */
	run_table(apart, NITEMS(apart), &rows);
	ck_assert_uint_eq(rows.n, 3);
	ck_assert_str_eq(rows.state[2], "OTH");
	ck_assert_str_eq(rows.history[2], "R");
	ck_assert_uint_eq(rows.pkts[2][0], 1);
	/* Within the linger time it is the same connection. */
	run_table(close, NITEMS(close), &rows);
	ck_assert_uint_eq(rows.n, 1);
	ck_assert_uint_eq(rows.pkts[0][0], 2);
}
END_TEST

START_TEST(test_syn_on_closed)
{
	static const struct step steps[] = {
		{ "Sr", 1 * SEC }, { "Sr", 1 * SEC }, { "+ShAFfA", 0 }
	};
	struct rows rows;

	/* pop3.pcap: each retransmitted SYN of a rejected tuple is a row. */
	run_table(steps, NITEMS(steps), &rows);
	ck_assert_uint_eq(rows.n, 3);
	ck_assert_str_eq(rows.state[0], "REJ");
	ck_assert_str_eq(rows.history[0], "Sr");
	ck_assert_str_eq(rows.state[1], "REJ");
	ck_assert_str_eq(rows.state[2], "SF");
	ck_assert_str_eq(rows.history[2], "ShAFf");
}
END_TEST

START_TEST(test_inactivity)
{
	static const struct step steps[] = {
		{ "ShAD", 301 * SEC }, { "d", 0 }
	};
	static const struct step kept[] = {
		{ "ShAD", 299 * SEC }, { "d", 0 }
	};
	struct rows rows;

	run_table(steps, NITEMS(steps), &rows);
	ck_assert_uint_eq(rows.n, 2);
	ck_assert_str_eq(rows.state[0], "S1");
	ck_assert_str_eq(rows.history[1], "D");
	ck_assert_uint_eq(rows.orig_port[1], 8081);
	run_table(kept, NITEMS(kept), &rows);
	ck_assert_uint_eq(rows.n, 1);
	ck_assert_str_eq(rows.history[0], "ShADd");
}
END_TEST

START_TEST(test_bad_checksum_row)
{
	static const struct step steps[] = { { "ChCadf", 0 } };
	struct rows rows;

	/*
	 * localhost-bad-chksum: the bad SYN makes a connection that sees
	 * nothing; the peer's SYN-ACK starts another (SEMANTICS §5).
	 */
	run_table(steps, NITEMS(steps), &rows);
	ck_assert_uint_eq(rows.n, 2);
	ck_assert_str_eq(rows.state[0], "OTH");
	ck_assert_str_eq(rows.history[0], "C");
	ck_assert_uint_eq(rows.pkts[0][0], 0);
	ck_assert_uint_eq(rows.orig_port[1], 8081);
	ck_assert_str_eq(rows.history[1], "HcADF");
	ck_assert_str_eq(rows.state[1], "SH");
}
END_TEST

START_TEST(test_duration)
{
	static const struct step steps[] = {
		{ "ShAFf", 2 * SEC }, { "A", 0 }
	};
	struct rows rows;

	/* Zeek's last time stops at the close: the final ACK is no longer. */
	run_table(steps, NITEMS(steps), &rows);
	ck_assert_uint_eq(rows.n, 1);
	ck_assert_int_eq(rows.last_ts[0] - rows.first_ts[0], 4000);
	ck_assert_uint_eq(rows.pkts[0][0], 4);
}
END_TEST

/* ---- the conn.log row --------------------------------------------------- */

START_TEST(test_row_json)
{
	static const char *const keys[] = {
		"\"ts\":", "\"uid\":", "\"id.orig_h\":\"10.0.0.1\"",
		"\"id.orig_p\":40000", "\"id.resp_h\":\"10.0.0.2\"",
		"\"id.resp_p\":8081", "\"proto\":\"tcp\"", "\"duration\":",
		"\"orig_bytes\":10", "\"resp_bytes\":0",
		"\"conn_state\":\"SF\"", "\"missed_bytes\":0",
		"\"history\":\"ShADFf\"", "\"orig_pkts\":4",
		"\"orig_ip_bytes\":170", "\"resp_pkts\":2",
		"\"resp_ip_bytes\":80"
	};
	struct zeek_conn	 z;
	struct zeek_row		 row;
	struct flow_key		 k;
	struct talk		 t;
	struct tcpfsm_seg	 seg;
	struct output		*out;
	FILE			*fp;
	char			 line[1024], *at, *prev;
	size_t			 i;
	int			 side;

	run_script(&z, "ShADFf", 40000, 8081);
	talk_init(&t, 40000, 8081);
	talk_seg(&t, 'S', &seg, &side);
	flow_key_make(&seg, &k, &side);
	row.z = &z;
	row.key = &k;
	row.uid = "CabcdefghijklmnopQ";
	row.first_ts = T0;
	row.last_ts = T0 + 5000;
	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	out = output_zeek_new(fp, 0);
	output_zeek_row(out, &row);
	rewind(fp);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	prev = line;
	for (i = 0; i < NITEMS(keys); i++) {
		at = strstr(line, keys[i]);
		ck_assert_msg(at != NULL && at >= prev, "%s missing or out of "
		    "order in %s", keys[i], line);
		prev = at;
	}
	ck_assert_ptr_nonnull(strstr(line, "\"ts\":1700000000.000000,"));
	ck_assert_ptr_nonnull(strstr(line, "\"duration\":0.005000,"));

	/* No duration: no duration, no byte counts, as in Zeek. */
	row.last_ts = row.first_ts;
	rewind(fp);
	output_zeek_row(out, &row);
	fflush(fp);
	rewind(fp);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	ck_assert_ptr_null(strstr(line, "\"duration\""));
	ck_assert_ptr_null(strstr(line, "\"orig_bytes\""));
	output_free(out);
	fclose(fp);
}
END_TEST

/* ---- the TCP checksum ------------------------------------------------- */

/* The checksum the segment in p should carry, computed the plain way. */
static uint16_t
ref_cksum(const struct tcpfsm_seg *seg)
{
	const uint8_t	*tcp;
	uint32_t	 sum = 0, tlen, i;
	size_t		 alen = seg->ipv == 6 ? 16 : 4;

	tlen = (uint32_t)seg->hdr_len + seg->payload_len;
	tcp = seg->ip_hdr + seg->ip_len - tlen;
	for (i = 0; i < alen; i += 2) {
		sum += (uint32_t)(seg->src[i] << 8 | seg->src[i + 1]);
		sum += (uint32_t)(seg->dst[i] << 8 | seg->dst[i + 1]);
	}
	sum += 6 + tlen;
	for (i = 0; i < tlen; i++) {
		if (i == 16 || i == 17)
			continue;	/* the checksum field itself */
		sum += (i & 1) ? tcp[i] : (uint32_t)tcp[i] << 8;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

START_TEST(test_cksum)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	int			 ipv = _i == 0 ? 4 : 6;
	size_t			 off;
	uint16_t		 sum;

	tu_pkt_init(&p);
	tu_tcp_init(&tcp);
	tcp.payload_len = 13;		/* odd: the pad byte */
	tu_ip_tcp(&p, ipv, &tcp);
	ck_assert_int_eq(decode_frame(LINK_RAW, p.data, (uint32_t)p.len,
	    (uint32_t)p.len, &seg), DECODE_OK);
	ck_assert(!seg.cksum_bad);
	sum = ref_cksum(&seg);
	off = (size_t)(seg.ip_hdr - p.data) + seg.ip_len - seg.hdr_len -
	    seg.payload_len + 16;
	tu_set_be16(&p, off, sum);
	ck_assert_int_eq(decode_frame(LINK_RAW, p.data, (uint32_t)p.len,
	    (uint32_t)p.len, &seg), DECODE_OK);
	ck_assert(cksum_tcp_ok(&seg));

	/* One bit off in the payload. */
	p.data[p.len - 1] ^= 0x04;
	ck_assert_int_eq(decode_frame(LINK_RAW, p.data, (uint32_t)p.len,
	    (uint32_t)p.len, &seg), DECODE_OK);
	ck_assert(!cksum_tcp_ok(&seg));

	/* Cut by the snaplen: cannot be verified, so it passes. */
	ck_assert_int_eq(decode_frame(LINK_RAW, p.data, (uint32_t)p.len - 2,
	    (uint32_t)p.len, &seg), DECODE_OK);
	ck_assert(cksum_tcp_ok(&seg));
}
END_TEST

/*
 * Random segments, mostly near the expected numbers, some behind (T),
 * some ahead (G), with every flag mix, zero windows, bad checksums and
 * cut options: zeek_update() and zeek_update_full() end each in the same
 * place.
 */
START_TEST(test_short_way)
{
	static const uint16_t flag_mix[] = {
		TCPF_ACK, TCPF_ACK, TCPF_ACK, TCPF_PSH | TCPF_ACK,
		TCPF_PSH | TCPF_ACK, TCPF_SYN, TCPF_SYN | TCPF_ACK,
		TCPF_FIN | TCPF_ACK, TCPF_RST, TCPF_RST | TCPF_ACK,
		TCPF_FIN | TCPF_RST, 0
	};
	struct zeek_conn	z, full;
	struct tcpfsm_seg	seg;
	uint64_t		x = UINT64_C(0x9e3779b97f4a7c15);
	uint32_t		nxt[2];
	int			conn, i, side, r;

	for (conn = 0; conn < 3000; conn++) {
		memset(&z, 0, sizeof(z));
		memset(&full, 0, sizeof(full));
		nxt[0] = 1000;
		nxt[1] = conn % 7 == 0 ? UINT32_MAX - 500 : 5000000;
		for (i = 0; i < 40; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			side = (int)(x & 1);
			r = (int)(x >> 8 & 0xff);
			memset(&seg, 0, sizeof(seg));
			seg.ipv = 4;
			seg.sport = side == 0 ? 40000 : 80;
			seg.dport = side == 0 ? 80 : 40000;
			seg.flags = flag_mix[(x >> 16) % NITEMS(flag_mix)];
			/* The handshake first, mostly. */
			if (i < 2 && r < 200)
				seg.flags = i == 0 ? TCPF_SYN :
				    TCPF_SYN | TCPF_ACK;
			seg.win = r < 8 ? 0 : 512;
			seg.payload_len = (x >> 24) % 3 == 0 ?
			    (uint32_t)((x >> 28) % 4) * 100 : 0;
			seg.payload_caplen = r < 4 ? 0 : seg.payload_len;
			seg.seq = nxt[side];
			if (r >= 240)
				seg.seq -= 100;		/* again */
			else if (r >= 230)
				seg.seq += 300;		/* past a hole */
			seg.ack = nxt[!side] + (r >= 220 && r < 225 ? 200 : 0);
			seg.cksum_bad = r == 12;
			seg.hdr_truncated = r == 13;
			seg.ip_len = 40 + seg.payload_len;
			update_both(&z, &full, &seg, side);
			if ((int32_t)(seg.seq + seg.payload_len - nxt[side]) >
			    0)
				nxt[side] = seg.seq + seg.payload_len;
			nxt[side] += !!(seg.flags & TCPF_SYN) +
			    !!(seg.flags & TCPF_FIN);
		}
	}
}
END_TEST

static Suite *
zeek_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("zeek");

	tc = tcase_create("conn_state");
	tcase_add_loop_test(tc, test_state, 0, NITEMS(state_cases));
	tcase_add_test(tc, test_sizes);
	suite_add_tcase(s, tc);

	tc = tcase_create("history");
	tcase_add_loop_test(tc, test_history, 0, NITEMS(history_cases));
	tcase_add_loop_test(tc, test_scaled, 0, NITEMS(scaled_cases));
	tcase_add_test(tc, test_checksum_dropped);
	tcase_add_test(tc, test_history_full);
	tcase_add_test(tc, test_short_way);
	suite_add_tcase(s, tc);

	tc = tcase_create("flips");
	tcase_add_loop_test(tc, test_flip, 0, NITEMS(flip_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("boundaries");
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_attempt_timer);
	tcase_add_test(tc, test_attempt_in_time);
	tcase_add_test(tc, test_rst_linger);
	tcase_add_test(tc, test_syn_on_closed);
	tcase_add_test(tc, test_inactivity);
	tcase_add_test(tc, test_bad_checksum_row);
	tcase_add_test(tc, test_duration);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_test(tc, test_row_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("checksum");
	tcase_add_loop_test(tc, test_cksum, 0, 2);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(zeek_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
