/*
 * check_tcpstate.c - the per-endpoint TCP state machine replayed from the
 * wire (RFC 793 figure 6, RFC 9293 §3.10, DESIGN §4).
 *
 * Every case is a transcript: a table of segments, each with its direction,
 * flags, sequence and acknowledgment numbers (relative to the sender's and
 * the receiver's ISN, so the same transcript runs near 2^32 by changing
 * only the ISNs), payload length, window and options, followed by both
 * endpoints' states after it and the events it must, and must not, raise.
 * A case may also bound every event of every step (a clean connection
 * raises no anomaly) and name pair flags that must be set, or clear, at
 * the end.  The tables run with tcase_add_loop_test(), one test per row.
 */
#include <config.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tcpstate.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define MAX_STEPS	16	/* segments in one transcript */

/* Direction of a segment; 0 ends a transcript. */
#define C2S		1	/* sent by the client */
#define S2C		2	/* sent by the server */

/* Flags, in tcpdump's letters. */
#define F_S		TCPF_SYN
#define F_SA		(TCPF_SYN | TCPF_ACK)
#define F_A		TCPF_ACK
#define F_PA		(TCPF_PSH | TCPF_ACK)
#define F_FA		(TCPF_FIN | TCPF_ACK)
#define F_FPA		(TCPF_FIN | TCPF_PSH | TCPF_ACK)
#define F_R		TCPF_RST
#define F_RA		(TCPF_RST | TCPF_ACK)

/* States, named as ss(8) names them, so a row reads like a transcript. */
#define CLOSED		TCPS_CLOSED
#define LISTEN		TCPS_LISTEN
#define SYN_SENT	TCPS_SYN_SENT
#define SYN_RECV	TCPS_SYN_RECEIVED
#define ESTAB		TCPS_ESTABLISHED
#define FIN_WAIT1	TCPS_FIN_WAIT_1
#define FIN_WAIT2	TCPS_FIN_WAIT_2
#define CLOSE_WAIT	TCPS_CLOSE_WAIT
#define CLOSING		TCPS_CLOSING
#define LAST_ACK	TCPS_LAST_ACK
#define TIME_WAIT	TCPS_TIME_WAIT
#define UNKNOWN		TCPS_UNKNOWN
#define ANY		(-1)		/* not checked after this step */

/* Options a segment carries (struct step.opt). */
#define O_WS(n)		(0x100u | (unsigned)(n))  /* window scale, shift n */
#define O_TFO		0x200u		/* Fast Open cookie, 8 bytes */
#define O_TFO_REQ	0x400u		/* Fast Open cookie request (empty) */
#define O_BAD		0x800u		/* an MSS option of the wrong size */
#define O_MSS		0x1000u		/* MSS 1460 */

#define WIN		65535		/* the usual window field */

/* ISNs (client, server): ordinary ones, and ones just below 2^32. */
#define ISNS		{ 1000000, 3000000 }
#define ISNS_WRAP	{ 0xfffffff0U, 0xffffff00U }

/* The events a clean connection may raise (none of them an anomaly). */
#define CLEAN_EV	(TEV_SYN | TEV_SYNACK | TEV_ESTABLISHED | TEV_FIN | \
			    TEV_FIN_ACKED | TEV_CLOSED | TEV_HS_ANSWERED)

/* Every event that maps onto an anomaly (DESIGN §5). */
#define ANOMALY_EV	(TEV_SYN_RETX | TEV_SYNACK_RETX | \
			    TEV_SYNACK_BAD_ACK | TEV_HS_ACK_BAD | \
			    TEV_ACK_NOT_SYNACK | TEV_DATA_EARLY | \
			    TEV_DATA_EARLY_TFO | TEV_SYN_ON_EST | \
			    TEV_SIMOPEN | TEV_SPLIT_HS | TEV_ACK_UNSEEN | \
			    TEV_SEQ_OOW | \
			    TEV_DATA_AFTER_FIN | TEV_AFTER_RST | \
			    TEV_FIN_RETX | TEV_SIM_CLOSE | TEV_RST_AFTER_FIN | \
			    TEV_TW_ASSASSIN | TEV_RST_OOW | TEV_RST_IN_HS | \
			    TEV_INVALID_FLAGS | TEV_BAD_OPTION)

/* One segment of a transcript and what it must do. */
struct step {
	int		 dir;		/* C2S or S2C; 0 ends the transcript */
	uint16_t	 flags;		/* TCPF_* */
	uint32_t	 seq;		/* relative to the sender's ISN */
	uint32_t	 ack;		/* relative to the receiver's ISN */
	uint32_t	 len;		/* payload, bytes */
	uint16_t	 win;		/* window field, unscaled */
	unsigned	 opt;		/* O_* */
	int		 cli;		/* client's state after it, or ANY */
	int		 srv;		/* server's state after it, or ANY */
	uint64_t	 ev;		/* events it must raise */
	uint64_t	 noev;		/* events it must not raise */
};

struct fsm_case {
	const char	*name;
	uint32_t	 isn[2];	/* client's, server's */
	uint16_t	 tp_flags;	/* TP_* set at the end */
	uint16_t	 tp_noflags;	/* TP_* clear at the end */
	uint64_t	 only;		/* if not 0, all events are within it */
	struct step	 steps[MAX_STEPS];
};

/* The per-endpoint counters of struct tcp_endpoint. */
struct counts {
	uint32_t	 retrans;
	uint32_t	 ooo;
	uint32_t	 dupack;
	uint32_t	 zerowin;
	uint32_t	 keepalive;
	uint32_t	 syn_retx;
	uint32_t	 fin_retx;
};

struct count_case {
	const char	*name;
	uint32_t	 isn[2];
	struct step	 steps[MAX_STEPS];
	struct counts	 want[2];	/* client, server */
};

static const struct {
	uint64_t	 bit;
	const char	*name;
} ev_names[] = {
	{ TEV_SYN_RETX, "SYN_RETX" },
	{ TEV_SYNACK_RETX, "SYNACK_RETX" },
	{ TEV_SYNACK_BAD_ACK, "SYNACK_BAD_ACK" },
	{ TEV_HS_ACK_BAD, "HS_ACK_BAD" },
	{ TEV_ACK_NOT_SYNACK, "ACK_NOT_SYNACK" },
	{ TEV_DATA_EARLY, "DATA_EARLY" },
	{ TEV_DATA_EARLY_TFO, "DATA_EARLY_TFO" },
	{ TEV_SYN_ON_EST, "SYN_ON_EST" },
	{ TEV_SIMOPEN, "SIMOPEN" },
	{ TEV_SPLIT_HS, "SPLIT_HS" },
	{ TEV_ACK_UNSEEN, "ACK_UNSEEN" },
	{ TEV_SEQ_OOW, "SEQ_OOW" },
	{ TEV_DATA_AFTER_FIN, "DATA_AFTER_FIN" },
	{ TEV_AFTER_RST, "AFTER_RST" },
	{ TEV_FIN_RETX, "FIN_RETX" },
	{ TEV_SIM_CLOSE, "SIM_CLOSE" },
	{ TEV_RST_AFTER_FIN, "RST_AFTER_FIN" },
	{ TEV_TW_ASSASSIN, "TW_ASSASSIN" },
	{ TEV_RST_OOW, "RST_OOW" },
	{ TEV_RST_IN_HS, "RST_IN_HS" },
	{ TEV_INVALID_FLAGS, "INVALID_FLAGS" },
	{ TEV_BAD_OPTION, "BAD_OPTION" },
	{ TEV_REJECTED, "REJECTED" },
	{ TEV_RESET, "RESET" },
	{ TEV_CLOSED, "CLOSED" },
	{ TEV_ESTABLISHED, "ESTABLISHED" },
	{ TEV_RETX, "RETX" },
	{ TEV_OOO, "OOO" },
	{ TEV_DUPACK, "DUPACK" },
	{ TEV_ZEROWIN, "ZEROWIN" },
	{ TEV_KEEPALIVE, "KEEPALIVE" },
	{ TEV_CORRECTED, "CORRECTED" },
	{ TEV_SYN, "SYN" },
	{ TEV_SYNACK, "SYNACK" },
	{ TEV_FIN, "FIN" },
	{ TEV_FIN_ACKED, "FIN_ACKED" },
	{ TEV_HS_ANSWERED, "HS_ANSWERED" },
};

/* Spell the events in ev as "A|B|C" into buf (truncated to len). */
static void
ev_format(uint64_t ev, char *buf, size_t len)
{
	size_t	 i, n = 0;
	int	 w;

	buf[0] = '\0';
	for (i = 0; i < NITEMS(ev_names); i++) {
		if (!(ev & ev_names[i].bit))
			continue;
		ev &= ~ev_names[i].bit;
		w = snprintf(buf + n, len - n, "%s%s", n > 0 ? "|" : "",
		    ev_names[i].name);
		if (w < 0 || (size_t)w >= len - n)
			return;
		n += (size_t)w;
	}
	if (ev != 0)
		(void)snprintf(buf + n, len - n, "%s0x%llx", n > 0 ? "|" : "",
		    (unsigned long long)ev);
	else if (n == 0)
		(void)snprintf(buf, len, "none");
}

/* The segment of step st (number i) with the case's ISNs. */
static void
seg_make(struct tcpfsm_seg *seg, const uint32_t isn[2],
    const struct step *st, int i)
{
	int	 dir = st->dir == C2S ? TCP_CLIENT : TCP_SERVER;

	memset(seg, 0, sizeof(*seg));
	seg->ts = INT64_C(1700000000000000) + (int64_t)i * 1000;
	seg->frame = (uint64_t)i + 1;
	seg->ipv = 4;
	seg->ttl = 64;
	seg->sport = dir == TCP_CLIENT ? 40000 : 80;
	seg->dport = dir == TCP_CLIENT ? 80 : 40000;
	seg->seq = isn[dir] + st->seq;
	/* A segment without ACK carries 0 there, as stacks send it. */
	seg->ack = (st->flags & TCPF_ACK) ? isn[!dir] + st->ack : 0;
	seg->flags = st->flags;
	seg->win = st->win;
	seg->hdr_len = 20;
	seg->payload_len = st->len;
	seg->payload_caplen = st->len;
	seg->ip_len = 20 + seg->hdr_len + st->len;
	if (st->opt & 0x100u) {
		seg->opt.present |= TCPO_WSCALE;
		seg->opt.wscale = (uint8_t)(st->opt & 0xffu);
	}
	if (st->opt & O_MSS) {
		seg->opt.present |= TCPO_MSS;
		seg->opt.mss = 1460;
	}
	if (st->opt & O_TFO) {
		seg->opt.present |= TCPO_TFO;
		seg->opt.tfo_len = 8;
	}
	if (st->opt & O_TFO_REQ) {
		seg->opt.present |= TCPO_TFO;
		seg->opt.tfo_len = 0;
	}
	if (st->opt & O_BAD) {
		seg->opt.bad = TCPO_BAD_SIZE;
		seg->opt.bad_kind = TCPOPT_MSS;
	}
}

/* Check both states and the events of step i against st. */
static void
check_step(const char *name, int i, const struct step *st,
    const struct tcp_pair *tp, uint64_t ev, uint64_t only)
{
	char	 want[512], got[512];
	int	 cs = tp->ep[TCP_CLIENT].state, ss = tp->ep[TCP_SERVER].state;

	ck_assert_msg(st->cli == ANY || cs == st->cli,
	    "%s: step %d: client %s, want %s", name, i + 1,
	    tcpstate_name((enum tcp_state)cs),
	    tcpstate_name((enum tcp_state)st->cli));
	ck_assert_msg(st->srv == ANY || ss == st->srv,
	    "%s: step %d: server %s, want %s", name, i + 1,
	    tcpstate_name((enum tcp_state)ss),
	    tcpstate_name((enum tcp_state)st->srv));
	if ((ev & st->ev) != st->ev) {
		ev_format(st->ev & ~ev, want, sizeof(want));
		ev_format(ev, got, sizeof(got));
		ck_abort_msg("%s: step %d: did not raise %s (raised %s)",
		    name, i + 1, want, got);
	}
	if ((ev & st->noev) != 0) {
		ev_format(ev & st->noev, want, sizeof(want));
		ck_abort_msg("%s: step %d: raised %s", name, i + 1, want);
	}
	if (only != 0 && (ev & ~only) != 0) {
		ev_format(ev & ~only, want, sizeof(want));
		ck_abort_msg("%s: step %d: raised %s, outside what the case "
		    "allows", name, i + 1, want);
	}
}

/* Replay steps from a fresh pair into *tp, checking every step. */
static void
replay(const char *name, const uint32_t isn[2], const struct step *steps,
    uint64_t only, struct tcp_pair *tp)
{
	struct tcpfsm_seg	 seg;
	uint64_t		 ev;
	int			 i, dir;

	tcpstate_init(tp);
	for (i = 0; i < MAX_STEPS && steps[i].dir != 0; i++) {
		dir = steps[i].dir == C2S ? TCP_CLIENT : TCP_SERVER;
		seg_make(&seg, isn, &steps[i], i);
		ev = tcpstate_update(tp, dir, &seg);
		check_step(name, i, &steps[i], tp, ev, only);
	}
	ck_assert_msg(i > 0, "%s: empty transcript", name);
}

static void
run_case(const struct fsm_case *c)
{
	struct tcp_pair	 tp;

	replay(c->name, c->isn, c->steps, c->only, &tp);
	ck_assert_msg((tp.flags & c->tp_flags) == c->tp_flags,
	    "%s: pair flags 0x%x, want 0x%x set", c->name, tp.flags,
	    c->tp_flags);
	ck_assert_msg((tp.flags & c->tp_noflags) == 0,
	    "%s: pair flags 0x%x, want 0x%x clear", c->name, tp.flags,
	    c->tp_noflags);
}

/* The three segments of an ordinary handshake with ISNs and WIN. */
#define HANDSHAKE \
	{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 }, \
	{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, \
	    TEV_SYNACK | TEV_HS_ANSWERED, 0 }, \
	{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB, TEV_ESTABLISHED, 0 }

/*
 * Opening: active (CLOSED > SYN_SENT > ESTABLISHED) and passive (LISTEN >
 * SYN_RECEIVED > ESTABLISHED), simultaneous, split (RFC 9293 §3.5).
 */
static const struct fsm_case open_cases[] = {
	{ "active and passive open", ISNS, TP_ESTABLISHED,
	  TP_MIDSTREAM | TP_RESET | TP_SIMOPEN, CLEAN_EV, {
		{ C2S, F_S,  0, 0, 0, WIN, O_MSS | O_WS(7), SYN_SENT, LISTEN,
		    TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, O_MSS | O_WS(7), ESTAB, SYN_RECV,
		    TEV_SYNACK | TEV_HS_ANSWERED, 0 },
		{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED, 0 },
	} },
	{ "a bare SYN's receiver that has sent nothing listens", ISNS, 0,
	  TP_ESTABLISHED, CLEAN_EV | TEV_SYN_RETX, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN,
		    TEV_SYN_RETX, 0 },
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN,
		    TEV_SYN_RETX, 0 },
	} },
	{ "the third segment carries data", ISNS, TP_ESTABLISHED, 0,
	  CLEAN_EV, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK | TEV_HS_ANSWERED, 0 },
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED, TEV_DATA_EARLY },
	} },
	{ "simultaneous open: SYN, SYN, SYN-ACK, SYN-ACK", ISNS,
	  TP_ESTABLISHED, 0, CLEAN_EV | TEV_SIMOPEN, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_S,  0, 0, 0, WIN, 0, SYN_RECV, SYN_SENT,
		    TEV_SYN | TEV_HS_ANSWERED, 0 },
		{ C2S, F_SA, 0, 1, 0, WIN, 0, SYN_RECV, ESTAB,
		    TEV_HS_ANSWERED, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED | TEV_SIMOPEN, TEV_SPLIT_HS },
	} },
	{ "simultaneous open sets TP_SIMOPEN", ISNS, TP_SIMOPEN, TP_SPLIT, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, ANY, ANY, 0, 0 },
		{ S2C, F_S,  0, 0, 0, WIN, 0, ANY, ANY, 0, 0 },
		{ C2S, F_SA, 0, 1, 0, WIN, 0, ANY, ANY, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
	} },
	{ "split handshake: SYN, SYN, SYN-ACK, ACK", ISNS, TP_ESTABLISHED,
	  TP_SIMOPEN, CLEAN_EV | TEV_SPLIT_HS, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_S,  0, 0, 0, WIN, 0, SYN_RECV, SYN_SENT,
		    TEV_SYN | TEV_HS_ANSWERED, 0 },
		{ C2S, F_SA, 0, 1, 0, WIN, 0, SYN_RECV, ESTAB,
		    TEV_HS_ANSWERED, 0 },
		{ S2C, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED | TEV_SPLIT_HS, TEV_SIMOPEN },
	} },
	{ "split handshake sets TP_SPLIT", ISNS, TP_SPLIT, TP_SIMOPEN, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, ANY, ANY, 0, 0 },
		{ S2C, F_S,  0, 0, 0, WIN, 0, ANY, ANY, 0, 0 },
		{ C2S, F_SA, 0, 1, 0, WIN, 0, ANY, ANY, 0, 0 },
		{ S2C, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
	} },
	{ "split handshake with the ACK first: SYN, ACK, SYN, SYN-ACK, ACK",
	  ISNS, TP_ESTABLISHED | TP_SPLIT, TP_SIMOPEN,
	  CLEAN_EV | TEV_SPLIT_HS, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_A,  0, 1, 0, WIN, 0, SYN_SENT, ANY, 0, 0 },
		/*
		 * Its ACK showed the SYN reached it: its own SYN is the other
		 * half of a split SYN-ACK (LISTEN + SYN -> SYN_RECEIVED).
		 */
		{ S2C, F_S,  0, 0, 0, WIN, 0, SYN_RECV, SYN_RECV,
		    TEV_SYN | TEV_HS_ANSWERED, 0 },
		{ C2S, F_SA, 0, 1, 0, WIN, 0, SYN_RECV, ESTAB,
		    0, 0 },
		{ S2C, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED | TEV_SPLIT_HS, 0 },
	} },
	/* RFC 7413 §4.2.2: the server acknowledges the SYN and its data. */
	{ "Fast Open: a SYN-ACK acknowledging the SYN's data establishes",
	  ISNS, TP_ESTABLISHED | TP_TFO, 0, 0, {
		{ C2S, F_S,  0, 0, 100, WIN, O_TFO, SYN_SENT, LISTEN,
		    TEV_SYN | TEV_DATA_EARLY_TFO, TEV_DATA_EARLY },
		{ S2C, F_SA, 0, 101, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK, 0 },
		{ C2S, F_A,  101, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED, 0 },
	} },
	{ "Fast Open: a SYN-ACK acknowledging the SYN's data is no bad ACK",
	  ISNS, TP_TFO, 0, 0, {
		{ C2S, F_S,  0, 0, 100, WIN, O_TFO, ANY, ANY, 0, 0 },
		{ S2C, F_SA, 0, 101, 0, WIN, 0, ANY, ANY, TEV_SYNACK,
		    TEV_SYNACK_BAD_ACK },
	} },
	{ "Fast Open: the SYN-ACK acknowledges only the SYN, data resent",
	  ISNS, TP_ESTABLISHED | TP_TFO, 0, 0, {
		{ C2S, F_S,  0, 0, 100, WIN, O_TFO, SYN_SENT, LISTEN,
		    TEV_SYN | TEV_DATA_EARLY_TFO, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK | TEV_HS_ANSWERED, TEV_SYNACK_BAD_ACK },
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED | TEV_RETX, TEV_DATA_EARLY },
	} },
};

/*
 * Closing: the normal close in both directions, the FIN+ACK shortcut, the
 * simultaneous close through CLOSING (RFC 9293 §3.6).
 */
static const struct fsm_case close_cases[] = {
	{ "the client closes first", ISNS, TP_CLOSED, TP_RESET, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT,
		    TEV_FIN_ACKED, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN, TEV_CLOSED },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "the server closes first", ISNS, TP_CLOSED, TP_RESET, CLEAN_EV, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN, 0 },
		{ C2S, F_A,  1, 2, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT2,
		    TEV_FIN_ACKED, 0 },
		{ C2S, F_FA, 1, 2, 0, WIN, 0, LAST_ACK, TIME_WAIT,
		    TEV_FIN, TEV_CLOSED },
		{ S2C, F_A,  2, 2, 0, WIN, 0, CLOSED, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "FIN+ACK shortcut FIN_WAIT_1 > TIME_WAIT, client closing", ISNS,
	  TP_CLOSED, 0, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN | TEV_FIN_ACKED, TEV_SIM_CLOSE },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "FIN+ACK shortcut FIN_WAIT_1 > TIME_WAIT, server closing", ISNS,
	  TP_CLOSED, 0, CLEAN_EV, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN, 0 },
		{ C2S, F_FA, 1, 2, 0, WIN, 0, LAST_ACK, TIME_WAIT,
		    TEV_FIN | TEV_FIN_ACKED, TEV_SIM_CLOSE },
		{ S2C, F_A,  2, 2, 0, WIN, 0, CLOSED, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "simultaneous close through CLOSING, client's FIN seen first",
	  ISNS, TP_CLOSED, 0, CLEAN_EV | TEV_SIM_CLOSE, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSING, CLOSING,
		    TEV_FIN | TEV_SIM_CLOSE, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, CLOSING, TIME_WAIT,
		    TEV_FIN_ACKED, TEV_CLOSED },
		{ S2C, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "simultaneous close through CLOSING, server's FIN seen first",
	  ISNS, TP_CLOSED, 0, CLEAN_EV | TEV_SIM_CLOSE, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN, 0 },
		{ C2S, F_FA, 1, 1, 0, WIN, 0, CLOSING, CLOSING,
		    TEV_FIN | TEV_SIM_CLOSE, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, CLOSING, TIME_WAIT,
		    TEV_FIN_ACKED, TEV_CLOSED },
		{ S2C, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "simultaneous close: the FINs acknowledge data, not each other",
	  ISNS, TP_CLOSED, 0, CLEAN_EV | TEV_SIM_CLOSE, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_FA, 1, 101, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN, 0 },
		{ C2S, F_FA, 101, 1, 0, WIN, 0, CLOSING, CLOSING,
		    TEV_FIN | TEV_SIM_CLOSE, 0 },
		{ S2C, F_A,  2, 102, 0, WIN, 0, TIME_WAIT, CLOSING,
		    TEV_FIN_ACKED, TEV_CLOSED },
		{ C2S, F_A,  102, 2, 0, WIN, 0, TIME_WAIT, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "half-close: the passive closer still sends data", ISNS,
	  TP_CLOSED, 0, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT,
		    TEV_FIN_ACKED, 0 },
		{ S2C, F_PA, 1, 2, 100, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ C2S, F_A,  2, 101, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 101, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN, 0 },
		{ C2S, F_A,  2, 102, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "FIN on the last data segment", ISNS, TP_CLOSED, 0, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_FPA, 1, 1, 100, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  1, 102, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT,
		    TEV_FIN_ACKED, 0 },
		{ S2C, F_FPA, 1, 102, 50, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN, 0 },
		{ C2S, F_A,  102, 52, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "an ACK below the FIN leaves FIN_WAIT_1 alone", ISNS, 0, TP_CLOSED,
	  CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_FPA, 1, 1, 100, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0,
		    TEV_FIN_ACKED },
	} },
	{ "the third segment carries a FIN: SYN_RECEIVED > CLOSE_WAIT", ISNS,
	  TP_ESTABLISHED, 0, CLEAN_EV, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK | TEV_HS_ANSWERED, 0 },
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_ESTABLISHED | TEV_FIN, 0 },
	} },
	{ "the server closes from SYN_RECEIVED: SYN_RECEIVED > FIN_WAIT_1",
	  ISNS, TP_CLOSED, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN, 0 },
		{ C2S, F_A,  1, 2, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT2,
		    TEV_FIN_ACKED, 0 },
		{ C2S, F_FA, 1, 2, 0, WIN, 0, LAST_ACK, TIME_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  2, 2, 0, WIN, 0, CLOSED, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "the passive closer's FIN retransmitted after the last ACK", ISNS,
	  0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK, 0, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_CLOSED, 0 },
		/* The client stays in TIME_WAIT and acknowledges it again. */
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN_RETX, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
};

/* RST in every state (RFC 9293 §3.10.7), from and to either endpoint. */
static const struct fsm_case reset_cases[] = {
	{ "SYN_SENT: a RST+ACK answering the SYN rejects it", ISNS,
	  TP_REJECTED | TP_RESET, TP_ESTABLISHED, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_RA, 0, 1, 0, 0, 0, CLOSED, CLOSED,
		    TEV_REJECTED | TEV_RESET,
		    TEV_RST_OOW | TEV_RST_IN_HS | TEV_TW_ASSASSIN },
		/* Nothing moves after it; the client's retry is late. */
		{ C2S, F_S,  0, 0, 0, WIN, 0, CLOSED, CLOSED,
		    TEV_AFTER_RST, 0 },
	} },
	{ "SYN_SENT: a RST without ACK is not acceptable", ISNS, 0,
	  TP_RESET | TP_REJECTED, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_R,  0, 0, 0, 0, 0, SYN_SENT, ANY, TEV_RST_OOW,
		    TEV_RESET | TEV_REJECTED },
	} },
	{ "SYN_SENT: a RST+ACK acknowledging something else is not "
	  "acceptable", ISNS, 0, TP_RESET | TP_REJECTED, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_RA, 0, 5, 0, 0, 0, SYN_SENT, ANY, TEV_RST_OOW,
		    TEV_RESET | TEV_REJECTED },
		{ S2C, F_RA, 0, 0, 0, 0, 0, SYN_SENT, ANY, TEV_RST_OOW,
		    TEV_RESET | TEV_REJECTED },
	} },
	/* §3.10.7.3: acceptable when ISS < SEG.ACK =< SND.NXT. */
	{ "SYN_SENT: a RST+ACK acknowledging the SYN's data rejects it", ISNS,
	  TP_REJECTED, 0, 0, {
		{ C2S, F_S,  0, 0, 100, WIN, O_TFO, SYN_SENT, LISTEN,
		    TEV_SYN, 0 },
		{ S2C, F_RA, 0, 101, 0, 0, 0, CLOSED, CLOSED,
		    TEV_REJECTED | TEV_RESET, TEV_RST_OOW },
	} },
	{ "SYN_SENT (the server, split handshake): a RST+ACK resets it", ISNS,
	  TP_RESET, TP_REJECTED, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_S,  0, 0, 0, WIN, 0, SYN_RECV, SYN_SENT, TEV_SYN, 0 },
		{ C2S, F_RA, 1, 1, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_IN_HS, TEV_RST_OOW | TEV_REJECTED },
	} },
	/* §3.10.7.2: "An incoming RST should be ignored." */
	{ "LISTEN ignores a RST", ISNS, TP_RESET, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ C2S, F_R,  1, 0, 0, 0, 0, CLOSED, LISTEN,
		    TEV_RESET | TEV_RST_IN_HS, TEV_RST_OOW },
	} },
	/* §3.10.7.4: from a passive OPEN, SYN-RECEIVED returns to LISTEN. */
	{ "SYN_RECEIVED (passive): a RST returns the server to LISTEN", ISNS,
	  TP_RESET, TP_ESTABLISHED, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, TEV_SYNACK, 0 },
		{ C2S, F_R,  1, 0, 0, 0, 0, CLOSED, LISTEN,
		    TEV_RESET | TEV_RST_IN_HS,
		    TEV_RST_OOW | TEV_TW_ASSASSIN | TEV_REJECTED },
	} },
	/* §3.10.7.4: from an active OPEN, the connection was refused. */
	{ "SYN_RECEIVED (simultaneous open): a RST closes the client", ISNS,
	  TP_RESET, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_S,  0, 0, 0, WIN, 0, SYN_RECV, SYN_SENT, TEV_SYN, 0 },
		{ S2C, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_IN_HS,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "SYN_RECEIVED: the server resets its own half-open connection",
	  ISNS, TP_RESET, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, TEV_SYNACK, 0 },
		{ S2C, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_IN_HS,
		    TEV_RST_OOW | TEV_TW_ASSASSIN | TEV_REJECTED },
	} },
	{ "ESTABLISHED: a RST from the client", ISNS, TP_RESET,
	  TP_REJECTED, 0, {
		HANDSHAKE,
		{ C2S, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED, TEV_RESET,
		    TEV_RST_OOW | TEV_RST_IN_HS | TEV_TW_ASSASSIN |
		    TEV_RST_AFTER_FIN | TEV_REJECTED },
		{ S2C, F_PA, 1, 1, 10, WIN, 0, CLOSED, CLOSED,
		    TEV_AFTER_RST, 0 },
	} },
	{ "ESTABLISHED: a RST+ACK from the server", ISNS, TP_RESET,
	  TP_REJECTED, 0, {
		HANDSHAKE,
		{ S2C, F_RA, 1, 1, 0, 0, 0, CLOSED, CLOSED, TEV_RESET,
		    TEV_RST_OOW | TEV_RST_IN_HS | TEV_TW_ASSASSIN |
		    TEV_RST_AFTER_FIN | TEV_REJECTED },
	} },
	{ "FIN_WAIT_1 (client): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "FIN_WAIT_1 (server): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ C2S, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "FIN_WAIT_2 (client): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ S2C, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "FIN_WAIT_2 (server): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ C2S, F_A,  1, 2, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT2, 0, 0 },
		{ C2S, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "CLOSE_WAIT (server): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ C2S, F_R,  2, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "CLOSE_WAIT (client): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ C2S, F_A,  1, 2, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT2, 0, 0 },
		{ S2C, F_R,  2, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "CLOSING (client): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSING, CLOSING, 0, 0 },
		{ S2C, F_R,  2, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "CLOSING (server): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSING, CLOSING, 0, 0 },
		{ C2S, F_R,  2, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "LAST_ACK (server): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK, 0, 0 },
		{ C2S, F_R,  2, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	{ "LAST_ACK (client): a RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ C2S, F_A,  1, 2, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT2, 0, 0 },
		{ C2S, F_FA, 1, 2, 0, WIN, 0, LAST_ACK, TIME_WAIT, 0, 0 },
		{ S2C, F_R,  2, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW | TEV_TW_ASSASSIN },
	} },
	/* RFC 1337; RFC 9293 §3.10.7.4 still closes TIME-WAIT on a RST. */
	{ "TIME_WAIT (client): a RST assassinates it", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK, 0, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_CLOSED, 0 },
		{ S2C, F_R,  2, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_TW_ASSASSIN, TEV_RST_OOW },
	} },
	{ "TIME_WAIT (server): a RST assassinates it", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ C2S, F_FA, 1, 2, 0, WIN, 0, LAST_ACK, TIME_WAIT, 0, 0 },
		{ S2C, F_A,  2, 2, 0, WIN, 0, CLOSED, TIME_WAIT,
		    TEV_CLOSED, 0 },
		{ C2S, F_R,  2, 0, 0, 0, 0, CLOSED, CLOSED,
		    TEV_TW_ASSASSIN, TEV_RST_OOW },
	} },
	{ "TIME_WAIT: a RST out of the window assassinates nothing", ISNS,
	  TP_CLOSED, TP_RESET, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK, 0, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_CLOSED, 0 },
		{ S2C, F_R,  0x40000000, 0, 0, 0, 0, TIME_WAIT, CLOSED,
		    TEV_RST_OOW, TEV_TW_ASSASSIN | TEV_RESET },
	} },
	{ "TIME_WAIT before the last ACK: a RST from LAST_ACK", ISNS,
	  TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK, 0, 0 },
		{ S2C, F_RA, 2, 2, 0, 0, 0, CLOSED, CLOSED,
		    TEV_TW_ASSASSIN | TEV_RESET | TEV_RST_AFTER_FIN,
		    TEV_RST_OOW },
	} },
};

/* Is a RST acceptable (RFC 9293 §3.10.7.4, the acceptability test)? */
static const struct fsm_case rst_accept_cases[] = {
	{ "a RST inside the receive window is accepted", ISNS, TP_RESET, 0,
	  0, {
		HANDSHAKE,
		{ C2S, F_R,  101, 0, 0, 0, 0, CLOSED, CLOSED, TEV_RESET,
		    TEV_RST_OOW },
	} },
	{ "a RST at RCV.NXT after data is accepted", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_RA, 101, 1, 0, 0, 0, CLOSED, CLOSED, TEV_RESET,
		    TEV_RST_OOW },
	} },
	{ "a RST far out of the window changes nothing", ISNS, 0,
	  TP_RESET, 0, {
		HANDSHAKE,
		{ C2S, F_R,  0x40000000, 0, 0, 0, 0, ESTAB, ESTAB,
		    TEV_RST_OOW, TEV_RESET },
		{ S2C, F_RA, 0x40000000, 1, 0, 0, 0, ESTAB, ESTAB,
		    TEV_RST_OOW, TEV_RESET },
		/* The connection lives on: nothing is "after a RST". */
		{ S2C, F_PA, 1, 1, 10, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_AFTER_RST },
		{ C2S, F_A,  1, 11, 0, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_AFTER_RST },
	} },
	{ "a RST below RCV.NXT is not acceptable", ISNS, 0, TP_RESET, 0, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_R,  50, 0, 0, 0, 0, ESTAB, ESTAB, TEV_RST_OOW,
		    TEV_RESET },
	} },
	{ "a RST at RCV.NXT+RCV.WND is not acceptable", ISNS, 0, TP_RESET,
	  0, {
		{ C2S, F_S,  0, 0, 0, 1000, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, 1000, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1000, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_R,  1001, 0, 0, 0, 0, ESTAB, ESTAB, TEV_RST_OOW,
		    TEV_RESET },
	} },
	{ "a RST at RCV.NXT+RCV.WND-1 is acceptable", ISNS, TP_RESET, 0, 0, {
		{ C2S, F_S,  0, 0, 0, 1000, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, 1000, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1000, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_R,  1000, 0, 0, 0, 0, CLOSED, CLOSED, TEV_RESET,
		    TEV_RST_OOW },
	} },
	{ "a RST out of the window in SYN_RECEIVED changes nothing", ISNS, 0,
	  TP_RESET, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, 1000, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_R,  5000, 0, 0, 0, 0, ESTAB, SYN_RECV, TEV_RST_OOW,
		    TEV_RESET },
	} },
};

/*
 * Sequence numbers near 2^32 (RFC 9293 §3.4: compared modulo 2^32).  The
 * ISNs put the interesting sequence numbers on both sides of the wrap.
 */
static const struct fsm_case wrap_cases[] = {
	{ "open with ISN 0xffffffff: the SYN-ACK acknowledges 0",
	  { 0xffffffffU, 0xfffffffeU }, TP_ESTABLISHED, 0, CLEAN_EV, {
		HANDSHAKE,
	} },
	{ "close across 2^32: FINs at 0xffffffff acknowledged by 0",
	  { 0xfffffff0U, 0xfffffff0U }, TP_CLOSED, 0, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 14, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 15, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_FA, 15, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  1, 16, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT,
		    TEV_FIN_ACKED, 0 },
		{ S2C, F_PA, 1, 16, 14, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ C2S, F_A,  16, 15, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 15, 16, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN, 0 },
		{ C2S, F_A,  16, 16, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "the server closes first across 2^32", { 0xfffffffeU, 0xffffffffU },
	  TP_CLOSED, 0, CLEAN_EV, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN, 0 },
		{ C2S, F_A,  1, 2, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT2,
		    TEV_FIN_ACKED, 0 },
		{ C2S, F_FA, 1, 2, 0, WIN, 0, LAST_ACK, TIME_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  2, 2, 0, WIN, 0, CLOSED, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "a FIN resent after its ACK across 2^32: FIN_WAIT_2 > FIN_WAIT_1",
	  { 0xfffffffeU, 0xfffffffeU }, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN_RETX | TEV_CORRECTED, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
	} },
	{ "FIN+ACK shortcut across 2^32", { 0xfffffffeU, 0xfffffffeU },
	  TP_CLOSED, 0, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN | TEV_FIN_ACKED, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "simultaneous close across 2^32", { 0xfffffffeU, 0xfffffffeU },
	  TP_CLOSED, 0, CLEAN_EV | TEV_SIM_CLOSE, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSING, CLOSING,
		    TEV_FIN | TEV_SIM_CLOSE, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, CLOSING, TIME_WAIT,
		    TEV_FIN_ACKED, 0 },
		{ S2C, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "simultaneous open across 2^32", { 0xffffffffU, 0xffffffffU },
	  TP_ESTABLISHED, 0, CLEAN_EV | TEV_SIMOPEN, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_S,  0, 0, 0, WIN, 0, SYN_RECV, SYN_SENT, TEV_SYN, 0 },
		{ C2S, F_SA, 0, 1, 0, WIN, 0, SYN_RECV, ESTAB, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED | TEV_SIMOPEN, 0 },
	} },
	{ "data crossing 2^32 in order raises nothing", ISNS_WRAP,
	  TP_ESTABLISHED, 0, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 10, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 11, 1, 10, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 21, 1, 10, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_PA, 1, 31, 300, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_A,  31, 301, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
	} },
	{ "a retransmission across 2^32", ISNS_WRAP, 0, 0,
	  CLEAN_EV | TEV_RETX, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 10, WIN, 0, ESTAB, ESTAB, 0, TEV_RETX },
		{ C2S, F_PA, 11, 1, 10, WIN, 0, ESTAB, ESTAB, 0, TEV_RETX },
		{ C2S, F_PA, 11, 1, 10, WIN, 0, ESTAB, ESTAB, TEV_RETX, 0 },
		{ C2S, F_PA, 1, 1, 20, WIN, 0, ESTAB, ESTAB, TEV_RETX, 0 },
		{ C2S, F_PA, 21, 1, 10, WIN, 0, ESTAB, ESTAB, 0, TEV_RETX },
	} },
	{ "out of order across 2^32", ISNS_WRAP, 0, 0,
	  CLEAN_EV | TEV_RETX | TEV_OOO, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 10, WIN, 0, ESTAB, ESTAB, 0, 0 },
		/* 11..21 straddles 2^32 and is not seen yet. */
		{ C2S, F_PA, 21, 1, 10, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_OOO | TEV_RETX },
		{ C2S, F_PA, 11, 1, 10, WIN, 0, ESTAB, ESTAB, TEV_OOO,
		    TEV_RETX },
		{ C2S, F_PA, 11, 1, 10, WIN, 0, ESTAB, ESTAB, TEV_RETX,
		    TEV_OOO },
	} },
	{ "a RST inside the window across 2^32", ISNS_WRAP, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_R,  100, 0, 0, 0, 0, CLOSED, CLOSED, TEV_RESET,
		    TEV_RST_OOW },
	} },
	{ "a RST out of the window across 2^32", ISNS_WRAP, 0, TP_RESET, 0, {
		HANDSHAKE,
		{ C2S, F_R,  0x40000000, 0, 0, 0, 0, ESTAB, ESTAB,
		    TEV_RST_OOW, TEV_RESET },
		{ C2S, F_R,  0xfffffff0U, 0, 0, 0, 0, ESTAB, ESTAB,
		    TEV_RST_OOW, TEV_RESET },
	} },
	{ "SYN_SENT across 2^32: a RST+ACK of 0 rejects ISN 0xffffffff",
	  { 0xffffffffU, 0x7fffffffU }, TP_REJECTED, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_RA, 0, 1, 0, 0, 0, CLOSED, CLOSED, TEV_REJECTED,
		    TEV_RST_OOW },
	} },
	{ "a keep-alive at 0xffffffff", { 0xfffffff0U, 0xffffff00U }, 0, 0,
	  0, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 15, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 16, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_A,  15, 1, 0, WIN, 0, ESTAB, ESTAB, TEV_KEEPALIVE,
		    TEV_RETX },
		{ C2S, F_A,  15, 1, 1, WIN, 0, ESTAB, ESTAB, TEV_KEEPALIVE,
		    TEV_RETX },
	} },
	{ "duplicate ACKs across 2^32", ISNS_WRAP, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 10, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 11, 1, 10, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 21, 1, 10, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 11, 0, WIN, 0, ESTAB, ESTAB, 0, TEV_DUPACK },
		{ S2C, F_A,  1, 11, 0, WIN, 0, ESTAB, ESTAB, TEV_DUPACK, 0 },
		{ S2C, F_A,  1, 31, 0, WIN, 0, ESTAB, ESTAB, 0, TEV_DUPACK },
	} },
	{ "the receive window across 2^32", { 0xffff0000U, 0x10000000U },
	  0, 0, 0, {
		HANDSHAKE,
		/* The right edge is the client's ISN+1+65535 = 0x0000ffff+1. */
		{ C2S, F_PA, 64000, 1, 1000, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
		{ C2S, F_PA, 65000, 1, 1000, WIN, 0, ESTAB, ESTAB,
		    TEV_SEQ_OOW, 0 },
	} },
	{ "an ACK for unseen data across 2^32", ISNS_WRAP, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 10, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 11, 0, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_ACK_UNSEEN },
		{ S2C, F_A,  1, 41, 0, WIN, 0, ESTAB, ESTAB, TEV_ACK_UNSEEN,
		    0 },
	} },
};

/*
 * Window scale (RFC 7323 §2): the receive window is scaled when both SYNs
 * carried the option, and never in the SYNs themselves.
 */
static const struct fsm_case window_cases[] = {
	{ "window scale on both SYNs is negotiated", ISNS, TP_WSCALE_OK, 0,
	  CLEAN_EV, {
		{ C2S, F_S,  0, 0, 0, WIN, O_WS(7), SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, O_WS(7), ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
	} },
	{ "window scale on the client's SYN only is not", ISNS, 0,
	  TP_WSCALE_OK, CLEAN_EV, {
		{ C2S, F_S,  0, 0, 0, WIN, O_WS(7), SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
	} },
	{ "window scale on the server's SYN only is not", ISNS, 0,
	  TP_WSCALE_OK, CLEAN_EV, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, O_WS(7), ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
	} },
	{ "data inside the scaled window, beyond the unscaled one", ISNS,
	  TP_WSCALE_OK, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, O_WS(7), SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, O_WS(7), ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
		/* 1024 << 7: the right edge is 1 + 131072. */
		{ S2C, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 70001, 1, 1000, 1024, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
		{ C2S, F_PA, 130073, 1, 1000, 1024, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
	} },
	{ "the same data without scaling is beyond the window", ISNS, 0,
	  TP_WSCALE_OK, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, O_WS(7), SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 70001, 1, 1000, 1024, 0, ESTAB, ESTAB,
		    TEV_SEQ_OOW, 0 },
	} },
	{ "data beyond the scaled window", ISNS, TP_WSCALE_OK, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, O_WS(7), SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, O_WS(7), ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 130074, 1, 1000, 1024, 0, ESTAB, ESTAB,
		    TEV_SEQ_OOW, 0 },
		{ C2S, F_PA, 131001, 1, 1000, 1024, 0, ESTAB, ESTAB,
		    TEV_SEQ_OOW, 0 },
	} },
	{ "the SYN-ACK's own window is not scaled", ISNS, TP_WSCALE_OK, 0,
	  0, {
		{ C2S, F_S,  0, 0, 0, WIN, O_WS(7), SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, 1024, O_WS(7), ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_PA, 1, 1, 1000, 1024, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
		{ C2S, F_PA, 1001, 1, 1000, 1024, 0, ESTAB, ESTAB,
		    TEV_SEQ_OOW, 0 },
	} },
	{ "a shift above 14 is used as 14", ISNS, TP_WSCALE_OK, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, O_WS(7), SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, O_WS(15), ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, 1024, 0, ESTAB, ESTAB, 0, 0 },
		/* 4 << 14 = 65536; 4 << 15 would be 131072. */
		{ S2C, F_A,  1, 1, 0, 4, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 60001, 1, 1000, 1024, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
		{ C2S, F_PA, 70001, 1, 1000, 1024, 0, ESTAB, ESTAB,
		    TEV_SEQ_OOW, 0 },
	} },
	{ "the client's window is scaled by the client's shift", ISNS,
	  TP_WSCALE_OK, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, O_WS(2), SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, O_WS(7), ESTAB, SYN_RECV, 0, 0 },
		/* 20000 << 2: the client's right edge is 1 + 80000. */
		{ C2S, F_A,  1, 1, 0, 20000, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_PA, 70001, 1, 1000, 1024, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
		{ S2C, F_PA, 79001, 1, 1000, 1024, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
		{ S2C, F_PA, 79901, 1, 200, 1024, 0, ESTAB, ESTAB,
		    TEV_SEQ_OOW, 0 },
	} },
	{ "a one-byte zero-window probe is not out of the window", ISNS, 0,
	  0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, 1000, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 1, 1, 1000, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
		{ S2C, F_A,  1, 1001, 0, 0, 0, ESTAB, ESTAB, TEV_ZEROWIN, 0 },
		{ C2S, F_PA, 1001, 1, 1, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
	} },
	{ "a FIN beyond the window is not processed", ISNS, 0, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, 1000, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_FPA, 5001, 1, 100, WIN, 0, FIN_WAIT1, ESTAB,
		    TEV_SEQ_OOW, 0 },
	} },
};

/*
 * What the endpoints do refutes what was assumed to have arrived (DESIGN
 * §4): their states are put back to what their behaviour shows.
 */
static const struct fsm_case correction_cases[] = {
	{ "the client resends its SYN after the SYN-ACK went by", ISNS,
	  TP_ESTABLISHED, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, TEV_SYNACK, 0 },
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, SYN_RECV,
		    TEV_SYN_RETX | TEV_CORRECTED, TEV_SYN_ON_EST },
		/*
		 * DESIGN §4: a client whose SYN-ACKs do not reach it stays in
		 * SYN_SENT; after it showed one did not, only its own ACK
		 * says the next one did.
		 */
		{ S2C, F_SA, 0, 1, 0, WIN, 0, SYN_SENT, SYN_RECV,
		    TEV_SYNACK_RETX, TEV_CORRECTED },
		{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED, 0 },
	} },
	{ "the server resends its SYN-ACK after the third ACK went by", ISNS,
	  TP_ESTABLISHED, 0, 0, {
		HANDSHAKE,
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK_RETX | TEV_CORRECTED, TEV_SYN_ON_EST },
		{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED, 0 },
	} },
	{ "the client resends its FIN after the ACK: FIN_WAIT_2 > FIN_WAIT_1",
	  ISNS, TP_CLOSED, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN_RETX | TEV_CORRECTED, TEV_DATA_AFTER_FIN },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK, 0, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_CLOSED, 0 },
	} },
	{ "the server resends its FIN after the ACK: FIN_WAIT_2 > FIN_WAIT_1",
	  ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ C2S, F_A,  1, 2, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT2, 0, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN_RETX | TEV_CORRECTED, 0 },
	} },
	{ "the passive closer resends its FIN after the last ACK: "
	  "CLOSED > LAST_ACK", ISNS, TP_CLOSED, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK, 0, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_CLOSED, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN_RETX | TEV_CORRECTED, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "the passive client resends its FIN after the last ACK", ISNS,
	  0, TP_CLOSED, 0, {
		HANDSHAKE,
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ C2S, F_FA, 1, 2, 0, WIN, 0, LAST_ACK, TIME_WAIT, 0, 0 },
		{ S2C, F_A,  2, 2, 0, WIN, 0, CLOSED, TIME_WAIT,
		    TEV_CLOSED, 0 },
		{ C2S, F_FA, 1, 2, 0, WIN, 0, LAST_ACK, TIME_WAIT,
		    TEV_FIN_RETX | TEV_CORRECTED, 0 },
	} },
	{ "the active closer resends its FIN from TIME_WAIT: > CLOSING",
	  ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 2, 0, WIN, 0, TIME_WAIT, LAST_ACK, 0, 0 },
		/* Its FIN+ACK is the first to acknowledge the server's FIN. */
		{ C2S, F_FA, 1, 2, 0, WIN, 0, CLOSING, CLOSED,
		    TEV_FIN_RETX | TEV_CORRECTED | TEV_FIN_ACKED, TEV_CLOSED },
	} },
	/* Without Fast Open only an accepted connection sends data. */
	{ "server data without the third ACK seen: the ACK reached it", ISNS,
	  TP_ESTABLISHED, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, TEV_SYNACK, 0 },
		{ S2C, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED | TEV_CORRECTED, TEV_DATA_EARLY },
		{ C2S, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_ESTABLISHED },
	} },
	{ "a receiver that keeps acknowledging below the FIN never got it",
	  ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_A,  1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0,
		    TEV_CORRECTED },
		{ S2C, F_A,  1, 1, 0, WIN, 0, FIN_WAIT1, ESTAB,
		    TEV_CORRECTED, 0 },
		/* And when it acknowledges the FIN, it had it after all. */
		{ S2C, F_A,  1, 2, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT,
		    TEV_CORRECTED | TEV_FIN_ACKED, 0 },
	} },
};

/* Each event that maps onto an anomaly (DESIGN §5), from its sequence. */
static const struct fsm_case event_cases[] = {
	{ "SYN retransmitted", ISNS, 0, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN,
		    TEV_SYN_RETX },
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN,
		    TEV_SYN_RETX, TEV_SYN | TEV_CORRECTED },
	} },
	{ "SYN-ACK retransmitted", ISNS, 0, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, TEV_SYNACK,
		    TEV_SYNACK_RETX },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK_RETX, TEV_SYNACK | TEV_CORRECTED },
	} },
	{ "SYN-ACK acknowledging something else than ISN+1", ISNS, 0,
	  TP_ESTABLISHED, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 5, 0, WIN, 0, SYN_SENT, SYN_RECV,
		    TEV_SYNACK | TEV_SYNACK_BAD_ACK, TEV_HS_ANSWERED },
	} },
	{ "SYN-ACK acknowledging the ISN itself", ISNS, 0, TP_ESTABLISHED,
	  0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 0, 0, WIN, 0, SYN_SENT, SYN_RECV,
		    TEV_SYNACK | TEV_SYNACK_BAD_ACK, 0 },
	} },
	{ "third segment acknowledging something else than ISN+1", ISNS, 0,
	  TP_ESTABLISHED, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, TEV_SYNACK, 0 },
		{ C2S, F_A,  1, 100, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_HS_ACK_BAD, TEV_ESTABLISHED },
	} },
	{ "a bare ACK answering the SYN", ISNS, 0, TP_ESTABLISHED, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_A,  0x1234, 0x777, 0, WIN, 0, SYN_SENT, ANY,
		    TEV_ACK_NOT_SYNACK, TEV_SPLIT_HS },
	} },
	{ "data on a SYN without a Fast Open cookie", ISNS, 0, TP_TFO, 0, {
		{ C2S, F_S,  0, 0, 100, WIN, 0, SYN_SENT, LISTEN,
		    TEV_SYN | TEV_DATA_EARLY, TEV_DATA_EARLY_TFO },
	} },
	{ "data on a SYN with a Fast Open cookie request", ISNS, 0, TP_TFO,
	  0, {
		{ C2S, F_S,  0, 0, 100, WIN, O_TFO_REQ, SYN_SENT, LISTEN,
		    TEV_SYN | TEV_DATA_EARLY, TEV_DATA_EARLY_TFO },
	} },
	{ "data on a SYN with a Fast Open cookie", ISNS, TP_TFO, 0, 0, {
		{ C2S, F_S,  0, 0, 100, WIN, O_TFO, SYN_SENT, LISTEN,
		    TEV_SYN | TEV_DATA_EARLY_TFO, TEV_DATA_EARLY },
	} },
	{ "data on the SYN-ACK", ISNS, 0, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 100, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK | TEV_DATA_EARLY, TEV_DATA_EARLY_TFO },
	} },
	{ "client data before the SYN-ACK", ISNS, 0, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, TEV_SYN, 0 },
		{ C2S, TCPF_PSH, 1, 0, 100, WIN, 0, SYN_SENT, LISTEN,
		    TEV_DATA_EARLY, TEV_DATA_EARLY_TFO | TEV_INVALID_FLAGS },
	} },
	{ "a SYN with a new ISN on an established connection", ISNS, 0, 0,
	  0, {
		HANDSHAKE,
		{ C2S, F_S,  0x10000000, 0, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_SYN_ON_EST, TEV_SYN_RETX | TEV_CORRECTED },
	} },
	{ "an ACK for data never seen", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ S2C, F_A,  1, 1001, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ACK_UNSEEN, 0 },
	} },
	{ "a segment beyond the receiver's window", ISNS, 0, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, 1000, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 1, 1, 1000, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_SEQ_OOW },
		{ C2S, F_PA, 1001, 1, 1000, WIN, 0, ESTAB, ESTAB,
		    TEV_SEQ_OOW, 0 },
	} },
	{ "data after the sender's own FIN", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0,
		    TEV_DATA_AFTER_FIN },
		{ C2S, F_PA, 2, 1, 10, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_DATA_AFTER_FIN, 0 },
	} },
	{ "a second FIN further on", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ C2S, F_FPA, 2, 1, 10, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_DATA_AFTER_FIN, TEV_FIN_RETX },
	} },
	{ "a segment after the RST", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED, TEV_RESET, 0 },
		{ S2C, F_PA, 1, 1, 100, WIN, 0, CLOSED, CLOSED,
		    TEV_AFTER_RST, 0 },
		{ C2S, F_A,  1, 1, 0, WIN, 0, CLOSED, CLOSED,
		    TEV_AFTER_RST, 0 },
		/* Another RST is no "segment after the RST". */
		{ C2S, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED, 0,
		    TEV_AFTER_RST },
	} },
	{ "FIN retransmitted", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, TEV_FIN,
		    TEV_FIN_RETX },
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN_RETX, TEV_FIN | TEV_DATA_AFTER_FIN },
	} },
	{ "a RST during the teardown", ISNS, TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_RA, 1, 2, 0, 0, 0, CLOSED, CLOSED,
		    TEV_RST_AFTER_FIN | TEV_RESET, TEV_RST_IN_HS },
	} },
	{ "the client resets during the handshake", ISNS, TP_RESET, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_R,  1, 0, 0, 0, 0, CLOSED, ANY, TEV_RST_IN_HS,
		    TEV_REJECTED },
	} },
	{ "SYN+FIN", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, TCPF_SYN | TCPF_FIN, 1, 0, 0, WIN, 0, ANY, ESTAB,
		    TEV_INVALID_FLAGS, 0 },
	} },
	{ "SYN+RST", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, TCPF_SYN | TCPF_RST, 1, 0, 0, WIN, 0, ANY, ANY,
		    TEV_INVALID_FLAGS, 0 },
	} },
	{ "FIN+RST is invalid, and taken as the RST it also is", ISNS,
	  TP_RESET, 0, 0, {
		HANDSHAKE,
		{ C2S, TCPF_FIN | TCPF_RST | TCPF_ACK, 1, 1, 0, WIN, 0,
		    CLOSED, CLOSED, TEV_INVALID_FLAGS | TEV_RESET, 0 },
	} },
	{ "no flags at all", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, 0, 1, 0, 10, WIN, 0, ANY, ESTAB, TEV_INVALID_FLAGS, 0 },
	} },
	{ "Xmas: FIN+PSH+URG", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, TCPF_FIN | TCPF_PSH | TCPF_URG, 1, 0, 0, WIN, 0, ANY,
		    ESTAB, TEV_INVALID_FLAGS, 0 },
	} },
	{ "FIN without ACK on an open connection", ISNS, 0, 0, 0, {
		HANDSHAKE,
		{ C2S, TCPF_FIN, 1, 0, 0, WIN, 0, ANY, ESTAB,
		    TEV_INVALID_FLAGS, 0 },
	} },
	{ "an option of an impossible size", ISNS, 0, 0, 0, {
		{ C2S, F_S,  0, 0, 0, WIN, O_BAD, SYN_SENT, LISTEN,
		    TEV_SYN | TEV_BAD_OPTION, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, 0,
		    TEV_BAD_OPTION },
	} },
};

/* Clean connections: no anomaly, only the handshake and close events. */
static const struct fsm_case clean_cases[] = {
	{ "handshake, data both ways, the client closes", ISNS,
	  TP_ESTABLISHED | TP_CLOSED, TP_RESET | TP_MIDSTREAM, CLEAN_EV, {
		{ C2S, F_S,  0, 0, 0, WIN, O_MSS | O_WS(7), SYN_SENT, LISTEN,
		    TEV_SYN, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, O_MSS | O_WS(7), ESTAB, SYN_RECV,
		    TEV_SYNACK | TEV_HS_ANSWERED, 0 },
		{ C2S, F_A,  1, 1, 0, 502, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED, 0 },
		{ C2S, F_PA, 1, 1, 100, 502, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 101, 0, 509, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_PA, 1, 101, 2000, 509, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_A,  101, 2001, 0, 502, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_FA, 101, 2001, 0, 502, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  2001, 102, 0, 509, 0, FIN_WAIT2, CLOSE_WAIT,
		    TEV_FIN_ACKED, 0 },
		{ S2C, F_FA, 2001, 102, 0, 509, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN, 0 },
		{ C2S, F_A,  102, 2002, 0, 502, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "handshake, data both ways, the server closes", ISNS,
	  TP_ESTABLISHED | TP_CLOSED, TP_RESET | TP_MIDSTREAM, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 300, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_PA, 1, 301, 1000, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_A,  301, 1001, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_FPA, 1001, 301, 10, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN, 0 },
		{ C2S, F_FA, 301, 1012, 0, WIN, 0, LAST_ACK, TIME_WAIT,
		    TEV_FIN | TEV_FIN_ACKED, 0 },
		{ S2C, F_A,  1012, 302, 0, WIN, 0, CLOSED, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "the same connection across 2^32", ISNS_WRAP,
	  TP_ESTABLISHED | TP_CLOSED, TP_RESET | TP_MIDSTREAM, CLEAN_EV, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 300, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_PA, 1, 301, 1000, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_A,  301, 1001, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_FA, 301, 1001, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  1001, 302, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT,
		    TEV_FIN_ACKED, 0 },
		{ S2C, F_FA, 1001, 302, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN, 0 },
		{ C2S, F_A,  302, 1002, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
};

/* First seen after the handshake (DESIGN §3: "midstream"). */
static const struct fsm_case midstream_cases[] = {
	{ "a first segment without SYN: both UNKNOWN", ISNS, TP_MIDSTREAM,
	  TP_ESTABLISHED, 0, {
		{ C2S, F_PA, 1, 1, 100, WIN, 0, UNKNOWN, UNKNOWN, 0, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, UNKNOWN, UNKNOWN, 0, 0 },
	} },
	{ "mid-stream, the client closes: UNKNOWN > FIN_WAIT_1, CLOSE_WAIT",
	  ISNS, TP_MIDSTREAM | TP_CLOSED, 0, 0, {
		{ C2S, F_PA, 1, 1, 100, WIN, 0, UNKNOWN, UNKNOWN, 0, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, UNKNOWN, UNKNOWN, 0, 0 },
		{ C2S, F_FA, 101, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT,
		    TEV_FIN, 0 },
		{ S2C, F_A,  1, 102, 0, WIN, 0, FIN_WAIT2, CLOSE_WAIT,
		    TEV_FIN_ACKED, 0 },
		{ S2C, F_FA, 1, 102, 0, WIN, 0, TIME_WAIT, LAST_ACK,
		    TEV_FIN, 0 },
		{ C2S, F_A,  102, 2, 0, WIN, 0, TIME_WAIT, CLOSED,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "mid-stream, the server closes: UNKNOWN > FIN_WAIT_1, CLOSE_WAIT",
	  ISNS, TP_MIDSTREAM | TP_CLOSED, 0, 0, {
		{ S2C, F_PA, 1, 1, 100, WIN, 0, UNKNOWN, UNKNOWN, 0, 0 },
		{ S2C, F_FA, 101, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1,
		    TEV_FIN, 0 },
		{ C2S, F_FA, 1, 102, 0, WIN, 0, LAST_ACK, TIME_WAIT,
		    TEV_FIN | TEV_FIN_ACKED, 0 },
		{ S2C, F_A,  102, 2, 0, WIN, 0, CLOSED, TIME_WAIT,
		    TEV_FIN_ACKED | TEV_CLOSED, 0 },
	} },
	{ "mid-stream simultaneous close", ISNS, TP_MIDSTREAM | TP_CLOSED, 0,
	  0, {
		{ C2S, F_FA, 1, 1, 0, WIN, 0, FIN_WAIT1, CLOSE_WAIT, 0, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSING, CLOSING,
		    TEV_SIM_CLOSE, 0 },
		{ C2S, F_A,  2, 2, 0, WIN, 0, CLOSING, TIME_WAIT, 0, 0 },
		{ S2C, F_A,  2, 2, 0, WIN, 0, TIME_WAIT, TIME_WAIT,
		    TEV_CLOSED, 0 },
	} },
	{ "a RST mid-stream is not in the handshake", ISNS,
	  TP_MIDSTREAM | TP_RESET, 0, 0, {
		{ C2S, F_PA, 1, 1, 100, WIN, 0, UNKNOWN, UNKNOWN, 0, 0 },
		{ S2C, F_R,  1, 0, 0, 0, 0, CLOSED, CLOSED, TEV_RESET,
		    TEV_RST_IN_HS | TEV_REJECTED },
	} },
	{ "the capture starts at the SYN-ACK", ISNS, TP_ESTABLISHED,
	  TP_MIDSTREAM, CLEAN_EV, {
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV,
		    TEV_SYNACK, TEV_SYNACK_BAD_ACK },
		{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_ESTABLISHED, 0 },
	} },
};

static const struct count_case count_cases[] = {
	{ "retransmissions", ISNS, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, TEV_RETX },
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, TEV_RETX, 0 },
		{ C2S, F_PA, 101, 1, 100, WIN, 0, ESTAB, ESTAB, 0, TEV_RETX },
		{ C2S, F_PA, 101, 1, 100, WIN, 0, ESTAB, ESTAB, TEV_RETX, 0 },
		{ S2C, F_PA, 1, 201, 50, WIN, 0, ESTAB, ESTAB, 0, TEV_RETX },
		{ S2C, F_PA, 1, 201, 50, WIN, 0, ESTAB, ESTAB, TEV_RETX, 0 },
		{ S2C, F_PA, 1, 201, 50, WIN, 0, ESTAB, ESTAB, TEV_RETX, 0 },
	}, { { 2, 0, 0, 0, 0, 0, 0 }, { 2, 0, 0, 0, 0, 0, 0 } } },
	{ "out-of-order segments", ISNS, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 201, 1, 100, WIN, 0, ESTAB, ESTAB, 0, TEV_OOO },
		{ C2S, F_PA, 101, 1, 100, WIN, 0, ESTAB, ESTAB, TEV_OOO,
		    TEV_RETX },
	}, { { 0, 1, 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0, 0 } } },
	{ "duplicate ACKs", ISNS, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 101, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 201, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, 0, TEV_DUPACK },
		{ S2C, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, TEV_DUPACK, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, TEV_DUPACK, 0 },
		/* A window update is no duplicate. */
		{ S2C, F_A,  1, 101, 0, 30000, 0, ESTAB, ESTAB, 0,
		    TEV_DUPACK },
		{ S2C, F_A,  1, 301, 0, 30000, 0, ESTAB, ESTAB, 0,
		    TEV_DUPACK },
		/* Nothing outstanding: the same ACK again is no duplicate. */
		{ S2C, F_A,  1, 301, 0, 30000, 0, ESTAB, ESTAB, 0,
		    TEV_DUPACK },
	}, { { 0, 0, 0, 0, 0, 0, 0 }, { 0, 0, 2, 0, 0, 0, 0 } } },
	{ "zero windows", ISNS, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 101, 0, 0, 0, ESTAB, ESTAB, TEV_ZEROWIN, 0 },
		{ S2C, F_A,  1, 101, 0, 0, 0, ESTAB, ESTAB, TEV_ZEROWIN, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_ZEROWIN },
		{ C2S, F_A,  101, 1, 0, 0, 0, ESTAB, ESTAB, TEV_ZEROWIN, 0 },
		/* A RST's window is no advertisement. */
		{ C2S, F_RA, 101, 1, 0, 0, 0, CLOSED, CLOSED, 0,
		    TEV_ZEROWIN },
	}, { { 0, 0, 0, 1, 0, 0, 0 }, { 0, 0, 0, 2, 0, 0, 0 } } },
	{ "keep-alives: snd_nxt - 1, with 0 or 1 byte", ISNS, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_A,  100, 1, 0, WIN, 0, ESTAB, ESTAB, TEV_KEEPALIVE,
		    TEV_RETX },
		{ S2C, F_A,  1, 101, 0, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_KEEPALIVE | TEV_DUPACK },
		{ C2S, F_A,  100, 1, 1, WIN, 0, ESTAB, ESTAB, TEV_KEEPALIVE,
		    TEV_RETX },
		{ S2C, F_A,  0, 101, 0, WIN, 0, ESTAB, ESTAB, TEV_KEEPALIVE,
		    0 },
		/* At snd_nxt it is an ordinary ACK. */
		{ C2S, F_A,  101, 1, 0, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_KEEPALIVE },
	}, { { 0, 0, 0, 0, 2, 0, 0 }, { 0, 0, 0, 0, 1, 0, 0 } } },
	{ "SYN, SYN-ACK and FIN retransmissions", ISNS, {
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ C2S, F_S,  0, 0, 0, WIN, 0, SYN_SENT, LISTEN, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, 0, 0 },
		{ S2C, F_SA, 0, 1, 0, WIN, 0, ESTAB, SYN_RECV, 0, 0 },
		{ C2S, F_A,  1, 1, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
		{ S2C, F_FA, 1, 1, 0, WIN, 0, CLOSE_WAIT, FIN_WAIT1, 0, 0 },
	}, { { 0, 0, 0, 0, 0, 2, 0 }, { 0, 0, 0, 0, 0, 1, 2 } } },
	{ "per endpoint: each counts its own", ISNS, {
		HANDSHAKE,
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_PA, 1, 1, 100, WIN, 0, ESTAB, ESTAB, TEV_RETX, 0 },
		{ S2C, F_PA, 1, 101, 100, 0, 0, ESTAB, ESTAB, TEV_ZEROWIN,
		    0 },
		{ S2C, F_PA, 101, 101, 100, 0, 0, ESTAB, ESTAB, TEV_ZEROWIN,
		    0 },
		{ C2S, F_A,  101, 101, 0, WIN, 0, ESTAB, ESTAB, 0, 0 },
		{ C2S, F_A,  101, 101, 0, WIN, 0, ESTAB, ESTAB, TEV_DUPACK,
		    0 },
		{ C2S, F_A,  101, 201, 0, WIN, 0, ESTAB, ESTAB, 0,
		    TEV_DUPACK },
		{ C2S, F_A,  100, 201, 0, WIN, 0, ESTAB, ESTAB,
		    TEV_KEEPALIVE, 0 },
	}, { { 1, 0, 1, 0, 1, 0, 0 }, { 0, 0, 0, 2, 0, 0, 0 } } },
};

START_TEST(test_open)
{
	run_case(&open_cases[_i]);
}
END_TEST

START_TEST(test_close)
{
	run_case(&close_cases[_i]);
}
END_TEST

START_TEST(test_reset)
{
	run_case(&reset_cases[_i]);
}
END_TEST

START_TEST(test_rst_accept)
{
	run_case(&rst_accept_cases[_i]);
}
END_TEST

START_TEST(test_wrap)
{
	run_case(&wrap_cases[_i]);
}
END_TEST

START_TEST(test_window)
{
	run_case(&window_cases[_i]);
}
END_TEST

START_TEST(test_correction)
{
	run_case(&correction_cases[_i]);
}
END_TEST

START_TEST(test_event)
{
	run_case(&event_cases[_i]);
}
END_TEST

START_TEST(test_clean)
{
	run_case(&clean_cases[_i]);
}
END_TEST

START_TEST(test_midstream)
{
	run_case(&midstream_cases[_i]);
}
END_TEST

static void
check_counts(const char *name, const char *who, const struct tcp_endpoint *ep,
    const struct counts *want)
{
	ck_assert_msg(ep->retrans == want->retrans,
	    "%s: %s retrans %u, want %u", name, who, ep->retrans,
	    want->retrans);
	ck_assert_msg(ep->ooo == want->ooo, "%s: %s ooo %u, want %u", name,
	    who, ep->ooo, want->ooo);
	ck_assert_msg(ep->dupack == want->dupack,
	    "%s: %s dupack %u, want %u", name, who, ep->dupack, want->dupack);
	ck_assert_msg(ep->zerowin == want->zerowin,
	    "%s: %s zerowin %u, want %u", name, who, ep->zerowin,
	    want->zerowin);
	ck_assert_msg(ep->keepalive == want->keepalive,
	    "%s: %s keepalive %u, want %u", name, who, ep->keepalive,
	    want->keepalive);
	ck_assert_msg(ep->syn_retx == want->syn_retx,
	    "%s: %s syn_retx %u, want %u", name, who, ep->syn_retx,
	    want->syn_retx);
	ck_assert_msg(ep->fin_retx == want->fin_retx,
	    "%s: %s fin_retx %u, want %u", name, who, ep->fin_retx,
	    want->fin_retx);
}

START_TEST(test_counters)
{
	const struct count_case	*c = &count_cases[_i];
	struct tcp_pair		 tp;

	replay(c->name, c->isn, c->steps, 0, &tp);
	check_counts(c->name, "client", &tp.ep[TCP_CLIENT],
	    &c->want[TCP_CLIENT]);
	check_counts(c->name, "server", &tp.ep[TCP_SERVER],
	    &c->want[TCP_SERVER]);
}
END_TEST

/* Packets and payload bytes are counted per sender. */
START_TEST(test_counters_pkts_bytes)
{
	const struct count_case	*c = &count_cases[0];
	struct tcp_pair		 tp;

	replay(c->name, c->isn, c->steps, 0, &tp);
	ck_assert_uint_eq(tp.ep[TCP_CLIENT].pkts, 6);
	ck_assert_uint_eq(tp.ep[TCP_CLIENT].bytes, 400);
	ck_assert_uint_eq(tp.ep[TCP_SERVER].pkts, 4);
	ck_assert_uint_eq(tp.ep[TCP_SERVER].bytes, 150);
}
END_TEST

START_TEST(test_init)
{
	struct tcp_pair	 tp;
	int		 i;

	memset(&tp, 0xa5, sizeof(tp));
	tcpstate_init(&tp);
	ck_assert_uint_eq(tp.flags, 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(tp.ep[i].state, TCPS_CLOSED);
		ck_assert_int_eq(tp.ep[i].wscale, -1);
		ck_assert_uint_eq(tp.ep[i].flags, 0);
		ck_assert_uint_eq(tp.ep[i].pkts, 0);
		ck_assert_uint_eq(tp.ep[i].retrans, 0);
	}
}
END_TEST

static const struct {
	enum tcp_state	 state;
	const char	*name;
	bool		 sync;		/* tcpstate_synchronized() */
} state_table[] = {
	{ TCPS_CLOSED, "CLOSED", false },
	{ TCPS_LISTEN, "LISTEN", false },
	{ TCPS_SYN_SENT, "SYN_SENT", false },
	{ TCPS_SYN_RECEIVED, "SYN_RECEIVED", false },
	{ TCPS_ESTABLISHED, "ESTABLISHED", true },
	{ TCPS_FIN_WAIT_1, "FIN_WAIT_1", true },
	{ TCPS_FIN_WAIT_2, "FIN_WAIT_2", true },
	{ TCPS_CLOSE_WAIT, "CLOSE_WAIT", true },
	{ TCPS_CLOSING, "CLOSING", true },
	{ TCPS_LAST_ACK, "LAST_ACK", true },
	{ TCPS_TIME_WAIT, "TIME_WAIT", true },
	{ TCPS_UNKNOWN, "UNKNOWN", true },
};

START_TEST(test_state_name)
{
	const char	*n = tcpstate_name(state_table[_i].state);

	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n, state_table[_i].name);
}
END_TEST

START_TEST(test_state_synchronized)
{
	ck_assert_msg(tcpstate_synchronized(state_table[_i].state) ==
	    state_table[_i].sync, "%s", state_table[_i].name);
}
END_TEST

/* Every state has a distinct name; UNKNOWN is the last; no NULL ever. */
START_TEST(test_state_names_all)
{
	int	 i, j;

	ck_assert_uint_eq(NITEMS(state_table), TCPS_NSTATES);
	for (i = 0; i < TCPS_NSTATES; i++) {
		ck_assert_ptr_nonnull(tcpstate_name((enum tcp_state)i));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(tcpstate_name((enum tcp_state)i),
			    tcpstate_name((enum tcp_state)j));
	}
	ck_assert_str_eq(tcpstate_name((enum tcp_state)(TCPS_NSTATES - 1)),
	    "UNKNOWN");
	ck_assert_ptr_nonnull(tcpstate_name(TCPS_NSTATES));
	ck_assert_ptr_nonnull(tcpstate_name((enum tcp_state)200));
}
END_TEST

static const struct {
	uint32_t	 a, b;
	bool		 lt, leq, gt, geq;
} seq_table[] = {
	{ 1, 2, true, true, false, false },
	{ 2, 1, false, false, true, true },
	{ 7, 7, false, true, false, true },
	{ 0, 0, false, true, false, true },
	{ 0xffffffffU, 0xffffffffU, false, true, false, true },
	/* Across 2^32: 0xffffffff comes just before 0. */
	{ 0xffffffffU, 0, true, true, false, false },
	{ 0, 0xffffffffU, false, false, true, true },
	{ 0xfffffff0U, 0x10, true, true, false, false },
	{ 0x10, 0xfffffff0U, false, false, true, true },
	/* Just under half the space apart. */
	{ 0, 0x7fffffffU, true, true, false, false },
	{ 0x7fffffffU, 0, false, false, true, true },
	{ 0x80000001U, 0, true, true, false, false },
	{ 0xc0000000U, 0x40000001U, false, false, true, true },
	{ 0xc0000000U, 0x3fffffffU, true, true, false, false },
};

START_TEST(test_seq)
{
	uint32_t	 a = seq_table[_i].a, b = seq_table[_i].b;

	ck_assert_msg(seq_lt(a, b) == seq_table[_i].lt,
	    "seq_lt(%#x, %#x)", a, b);
	ck_assert_msg(seq_leq(a, b) == seq_table[_i].leq,
	    "seq_leq(%#x, %#x)", a, b);
	ck_assert_msg(seq_gt(a, b) == seq_table[_i].gt,
	    "seq_gt(%#x, %#x)", a, b);
	ck_assert_msg(seq_geq(a, b) == seq_table[_i].geq,
	    "seq_geq(%#x, %#x)", a, b);
}
END_TEST

/* The event-name table of this file covers every bit tcpstate.h defines. */
START_TEST(test_event_names)
{
	uint64_t	 all = 0;
	size_t		 i;

	for (i = 0; i < NITEMS(ev_names); i++) {
		ck_assert_msg((all & ev_names[i].bit) == 0, "%s twice",
		    ev_names[i].name);
		all |= ev_names[i].bit;
	}
	ck_assert_uint_eq(all, (UINT64_C(1) << 37) - 1);
	ck_assert_uint_eq(ANOMALY_EV & CLEAN_EV, 0);
}
END_TEST

static Suite *
tcpstate_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("tcpstate");

	tc = tcase_create("names");
	tcase_add_test(tc, test_init);
	tcase_add_loop_test(tc, test_state_name, 0, NITEMS(state_table));
	tcase_add_loop_test(tc, test_state_synchronized, 0,
	    NITEMS(state_table));
	tcase_add_test(tc, test_state_names_all);
	tcase_add_test(tc, test_event_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("seq");
	tcase_add_loop_test(tc, test_seq, 0, NITEMS(seq_table));
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_loop_test(tc, test_open, 0, NITEMS(open_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("close");
	tcase_add_loop_test(tc, test_close, 0, NITEMS(close_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("reset");
	tcase_add_loop_test(tc, test_reset, 0, NITEMS(reset_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("rst_acceptability");
	tcase_add_loop_test(tc, test_rst_accept, 0, NITEMS(rst_accept_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("wrap");
	tcase_add_loop_test(tc, test_wrap, 0, NITEMS(wrap_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("window_scale");
	tcase_add_loop_test(tc, test_window, 0, NITEMS(window_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("corrections");
	tcase_add_loop_test(tc, test_correction, 0, NITEMS(correction_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_loop_test(tc, test_event, 0, NITEMS(event_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("clean");
	tcase_add_loop_test(tc, test_clean, 0, NITEMS(clean_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("counters");
	tcase_add_loop_test(tc, test_counters, 0, NITEMS(count_cases));
	tcase_add_test(tc, test_counters_pkts_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("midstream");
	tcase_add_loop_test(tc, test_midstream, 0, NITEMS(midstream_cases));
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(tcpstate_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
