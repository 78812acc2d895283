/*
 * zeek.c - Zeek's TCP rules for conn_state and history, one segment at a
 * time (see zeek.h and ../shared/oracle/zeek/SEMANTICS.md).
 *
 * HOW IT WORKS.  zeek_update() follows the order of Zeek's TCP analyzer
 * for a packet that passed the checksum check: the first packet per side
 * decides whether the connection is "partial"; the sender's sequence
 * origin is set up; the history letter of the packet's flags is recorded;
 * a zero window; the acknowledgment is placed in the peer's sequence space
 * (a peer never seen gets its origin from it); a segment that does not
 * advance the sender's highest sequence number but carries payload is a
 * retransmission; then the endpoint state machine moves, the ACK lets the
 * peer's reassembler find content gaps, the payload reaches the sender's
 * reassembler, and a close is reported.  The reassembler is reduced to what
 * gaps need: the next expected sequence number and one block of data held
 * above a hole.
 */
#include <config.h>

#include "zeek.h"

#include <stddef.h>
#include <string.h>

#include "decode.h"
#include "util.h"

/* Letters recorded once per direction (Zeek's HistoryMasks), orig's byte. */
#define HIST_SYN	0x01
#define HIST_FIN	0x02
#define HIST_RST	0x04
#define HIST_FIN_RST	0x08
#define HIST_DATA	0x10
#define HIST_ACK	0x20
#define HIST_MULTI	0x40

/* Zeek ignores sequence jumps of SYNs and RSTs beyond this many bytes. */
#define TOO_LARGE_SEQ_DELTA	1048576

/* update_state()'s verdict on the close (Zeek's do_close, gen_event). */
#define CLOSE_DO	0x01
#define CLOSE_EVENT	0x02

/* Counts at which a scaled letter is recorded again: 1, 10, 100, ... */
static const uint32_t scale_steps[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000
};
#define SCALE_STEPS_MAX	(sizeof(scale_steps) / sizeof(scale_steps[0]) - 1)

/*
 * Zeek's likely_server_ports in its default configuration (zeek without
 * -b): the TCP server ports the base analyzers register, each through
 * Analyzer::register_for_ports().  Sorted: the scan stops early.
 */
static const uint16_t likely_server_ports[] = {
	21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 389, 443, 445, 502,
	563, 585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080, 1434,
	1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 5432, 6379,
	6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000
};

static const char *const state_names[ZEEK_NSTATES] = {
	"TCP_INACTIVE", "TCP_SYN_SENT", "TCP_SYN_ACK_SENT", "TCP_PARTIAL",
	"TCP_ESTABLISHED", "TCP_CLOSED", "TCP_RESET"
};

bool
zeek_likely_server_port(uint16_t port)
{
	size_t i;

	for (i = 0; i < sizeof(likely_server_ports) /
	    sizeof(likely_server_ports[0]); i++) {
		if (likely_server_ports[i] == port)
			return (true);
		if (likely_server_ports[i] > port)
			break;
	}
	return (false);
}

const char *
zeek_state_name(enum zeek_state s)
{
	return ((unsigned)s < ZEEK_NSTATES ? state_names[s] : "TCP_UNKNOWN");
}

/* ---- history --------------------------------------------------------- */

static void
hist_add(struct zeek_conn *z, char code)
{
	if (z->hist_len + 1 >= ZEEK_HISTORY_LEN) {
		z->flags |= ZC_HIST_FULL;
		return;
	}
	z->history[z->hist_len++] = code;
	z->history[z->hist_len] = '\0';
}

/* code in the case of side's role: upper for the originator. */
static char
role_case(const struct zeek_conn *z, int side, char code)
{
	if (side != z->orig && code >= 'A' && code <= 'Z')
		return ((char)(code - 'A' + 'a'));
	return (code);
}

/*
 * Record a once-per-direction letter the first time (Zeek's CheckHistory).
 * Returns true if it had been recorded before, and then adds nothing.
 */
static HOT_INLINE bool
hist_check(struct zeek_conn *z, int side, uint16_t mask, char code)
{
	if (side != z->orig)
		mask = (uint16_t)(mask << 8);
	if (z->hist_seen & mask)
		return (true);
	z->hist_seen |= mask;
	hist_add(z, role_case(z, side, code));
	return (false);
}

/* Count an event of a scaled letter; the letter at 1, 10, 100, ... */
static void
hist_scaled(struct zeek_conn *z, int side, enum zeek_scaled k, char code)
{
	struct zeek_endpoint *e = &z->ep[side];

	if (++e->cnt[k] != scale_steps[e->thr[k]])
		return;
	hist_add(z, role_case(z, side, code));
	if (e->thr[k] < SCALE_STEPS_MAX)
		e->thr[k]++;
	else
		e->cnt[k] = 0;
}

/*
 * Swap the roles (Connection::FlipRoles): the endpoints keep their own
 * data, the history gets '^'.  The record of letters seen stays by role.
 */
static void
flip_roles(struct zeek_conn *z)
{
	uint8_t first = z->flags & (ZC_FIRST_ORIG | ZC_FIRST_RESP);

	z->orig = !z->orig;
	z->flags &= (uint8_t)~(ZC_FIRST_ORIG | ZC_FIRST_RESP | ZC_PARTIAL);
	if (first & ZC_FIRST_ORIG)
		z->flags |= ZC_FIRST_RESP;
	if (first & ZC_FIRST_RESP)
		z->flags |= ZC_FIRST_ORIG;
	hist_add(z, '^');
}

/* ---- endpoint state -------------------------------------------------- */

static bool
in_handshake(uint8_t s)
{
	return (s == ZEEK_INACTIVE || s == ZEEK_SYN_SENT ||
	    s == ZEEK_SYN_ACK_SENT);
}

static void
set_state(struct zeek_conn *z, int side, enum zeek_state s)
{
	struct zeek_endpoint *e = &z->ep[side], *p = &z->ep[!side];

	if (e->state == s)
		return;
	/* Leaving the handshake: the long inactivity timeout applies. */
	if (!in_handshake(s) && in_handshake(e->state) &&
	    in_handshake(p->state))
		z->flags |= ZC_LONG_IDLE;
	e->prev_state = e->state;
	e->state = (uint8_t)s;
}

/*
 * The first packet after the originator's lone SYN-ACK is an ACK or data:
 * the SYN-ACK was the responder's, whose SYN the capture missed.  Flip,
 * write the history as if the roles had been so from the start ("^h"),
 * and let the SYN-ACK count as the responder's.
 */
static void
flip_synack(struct zeek_conn *z)
{
	int resp;

	flip_roles(z);
	memcpy(z->history, "^h", 3);
	z->hist_len = 2;
	z->hist_seen = (uint16_t)(z->hist_seen << 8 | z->hist_seen >> 8);
	resp = !z->orig;
	set_state(z, resp, ZEEK_ESTABLISHED);
}

/* ---- sequence space -------------------------------------------------- */

/* Zeek's get_relative_seq(): cur from e's origin, in 64 bits. */
static HOT_INLINE uint64_t
rel_seq(const struct zeek_endpoint *e, uint32_t cur, uint32_t last,
    uint32_t wraps, bool *underflow)
{
	int32_t delta = (int32_t)(cur - last);

	if (delta < 0) {
		if (wraps != 0 && cur > last)
			wraps--;
	} else if (delta > 0) {
		if (cur < last)
			wraps++;
	}
	if (wraps == 0) {
		delta = (int32_t)(cur - e->start_seq);
		if (delta < 0 && underflow != NULL)
			*underflow = true;
		return ((uint64_t)(int64_t)delta);
	}
	return (((uint64_t)wraps << 32) + cur - e->start_seq);
}

/* Zeek's init_endpoint(): set up the sender's origin on its first packet. */
static void
init_endpoint(struct zeek_endpoint *e, bool syn, uint32_t seq, uint32_t end)
{
	switch (e->state) {
	case ZEEK_INACTIVE:
		if (syn)
			e->start_seq = e->ack_seq = seq;
		else {
			/* As though a SYN had been seen, for the numbering. */
			e->start_seq = e->ack_seq = seq - 1;
			end = seq;
		}
		e->last_seq = end;
		break;
	case ZEEK_SYN_SENT:
	case ZEEK_SYN_ACK_SENT:
		if (syn && seq != e->start_seq) {
			e->start_seq = e->ack_seq = seq;
			e->last_seq = end;
		}
		break;
	case ZEEK_ESTABLISHED:
	case ZEEK_PARTIAL:
		if (syn) {
			e->start_seq = e->ack_seq = seq;
			e->last_seq = end;
		}
		break;
	case ZEEK_RESET:
		/* Numbers set by a RST from nowhere give way to a SYN. */
		if (syn && e->prev_state == ZEEK_INACTIVE) {
			e->start_seq = e->ack_seq = seq;
			e->last_seq = end;
		}
		break;
	default:
		break;
	}
}

static void
update_ack_seq(struct zeek_endpoint *e, uint32_t ack)
{
	int32_t delta = (int32_t)(ack - e->ack_seq);

	/* An ACK of 0 far ahead is more likely broken than wrapped. */
	if (ack == 0 && delta > TOO_LARGE_SEQ_DELTA)
		return;
	if (delta > 0) {
		if (ack < e->ack_seq)
			e->ack_wraps++;
		e->ack_seq = ack;
	}
}

static void
set_last_seq(struct zeek_endpoint *e, uint32_t seq)
{
	if (seq < e->last_seq)
		e->seq_wraps++;
	e->last_seq = seq;
}

/*
 * Zeek's update_last_seq(): move the sender's highest sequence number, or
 * count a retransmission (payload that does not advance it, T).
 */
static int32_t
update_last_seq(struct zeek_conn *z, int side, uint32_t end, unsigned fl,
    uint32_t len)
{
	struct zeek_endpoint	*e = &z->ep[side];
	int32_t			 delta = (int32_t)(end - e->last_seq);

	if ((fl & (TCPF_SYN | TCPF_RST)) &&
	    (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA))
		;
	else if ((fl & TCPF_FIN) && e->last_seq == e->start_seq + 1)
		set_last_seq(e, end);	/* > 2 GB seen as SYN and FIN only */
	else if (e->state == ZEEK_RESET)
		;
	else if (delta > 0)
		set_last_seq(e, end);
	else if (len > 0)
		hist_scaled(z, side, ZEEK_SC_RETX, 'T');
	return (delta);
}

/* ---- reassembly, reduced to content gaps ------------------------------ */

static bool
is_clean(const struct zeek_endpoint *e)
{
	return (e->state == ZEEK_ESTABLISHED ||
	    (e->state == ZEEK_CLOSED && e->prev_state == ZEEK_ESTABLISHED));
}

/*
 * A content gap in side's data.  Zeek flags and counts only those of a
 * connection that is established or closing cleanly on both sides; the
 * others arise from RSTs and from partial connections.
 */
static void
gap(struct zeek_conn *z, int side, uint64_t len)
{
	if (!is_clean(&z->ep[side]) || !is_clean(&z->ep[!side]))
		return;
	hist_scaled(z, side, ZEEK_SC_GAP, 'G');
	z->missed_bytes += len;
}

/* The peer acknowledged up to up_to, beyond what side's data reached. */
static void
undelivered(struct zeek_conn *z, int side, uint64_t up_to)
{
	struct zeek_endpoint *e = &z->ep[side];

	/*
	 * A partial connection's origin is made up; an ACK of its first
	 * byte or two is no gap (a first packet that was a keep-alive).
	 */
	if (up_to <= 2 && (z->flags & ZC_PARTIAL))
		return;
	if ((e->flags & ZEP_BLOCK) && e->blk_lo < up_to) {
		if (e->blk_lo > e->reassem) {
			gap(z, side, e->blk_lo - e->reassem);
			e->reassem = e->blk_lo;
		}
		if (e->blk_hi > e->reassem)
			e->reassem = e->blk_hi;
		e->flags &= (uint8_t)~ZEP_BLOCK;
	}
	if (up_to > e->reassem) {
		gap(z, side, up_to - e->reassem);
		e->reassem = up_to;
	}
}

/* Zeek's AckReceived() on side's reassembler: ack is relative to side. */
static HOT_INLINE void
ack_received(struct zeek_conn *z, int side, uint64_t ack)
{
	struct zeek_endpoint *e = &z->ep[side];

	/* The FIN's own octet is never data. */
	if ((e->flags & ZEP_FIN) && ack >= e->fin_seq)
		ack = e->fin_seq - 1;
	if (ack <= e->trim)
		return;
	if (ack > e->reassem)
		undelivered(z, side, ack);
	e->trim = ack;
	if ((e->flags & ZEP_BLOCK) && e->blk_hi <= ack)
		e->flags &= (uint8_t)~ZEP_BLOCK;
}

/* Payload [seq, seq + len) from side reaches its reassembler. */
static void
data_sent(struct zeek_conn *z, int side, uint64_t seq, uint32_t len)
{
	struct zeek_endpoint	*e = &z->ep[side];
	uint64_t		 upper = seq + len, acked;

	acked = ((uint64_t)e->ack_wraps << 32) + e->ack_seq - e->start_seq;
	if (seq < acked) {
		if (upper <= acked)
			return;		/* delivered and acknowledged */
		seq = acked;
	}
	if (upper <= e->trim)
		return;
	if (seq < e->trim)
		seq = e->trim;
	if (seq <= e->reassem) {
		if (upper > e->reassem)
			e->reassem = upper;
		if ((e->flags & ZEP_BLOCK) && e->blk_lo <= e->reassem) {
			if (e->blk_hi > e->reassem)
				e->reassem = e->blk_hi;
			e->flags &= (uint8_t)~ZEP_BLOCK;
		}
	} else if (e->flags & ZEP_BLOCK) {
		/* One block only: a second hole above is bridged. */
		if (seq < e->blk_lo)
			e->blk_lo = seq;
		if (upper > e->blk_hi)
			e->blk_hi = upper;
	} else {
		e->blk_lo = seq;
		e->blk_hi = upper;
		e->flags |= ZEP_BLOCK;
	}
}

/* ---- the state machine ----------------------------------------------- */

/* Zeek's UpdateInactiveState(): the sender's first packet. */
static uint32_t
inactive_state(struct zeek_conn *z, int side, bool is_orig,
    const struct tcpfsm_seg *seg, int *close)
{
	struct zeek_endpoint	*e = &z->ep[side], *p = &z->ep[!side];
	unsigned		 fl = seg->flags;
	uint32_t		 ev = 0;

	if (fl & TCPF_SYN) {
		if (is_orig) {
			set_state(z, side, (fl & TCPF_ACK) ?
			    ZEEK_SYN_ACK_SENT : ZEEK_SYN_SENT);
			ev |= ZEV_ATTEMPT;
		} else {
			if (!(fl & TCPF_ACK) &&
			    p->state == ZEEK_SYN_ACK_SENT &&
			    seg->seq == e->start_seq) {
				/*
				 * The originator's SYN-ACK came before this
				 * SYN (two interfaces, reordered): flip and
				 * establish.
				 */
				flip_roles(z);
				set_state(z, !side, ZEEK_ESTABLISHED);
				z->flags |= ZC_FIRST_ORIG;
			}
			/* A SYN of the responder establishes both sides. */
			if (p->state == ZEEK_SYN_SENT)
				set_state(z, !side, ZEEK_ESTABLISHED);
			set_state(z, side, ZEEK_ESTABLISHED);
		}
	}
	if (fl & TCPF_FIN) {
		set_state(z, side, ZEEK_CLOSED);
		*close |= CLOSE_DO | CLOSE_EVENT;
	}
	if (fl & TCPF_RST) {
		bool reject;

		set_state(z, side, ZEEK_RESET);
		if (is_orig)
			reject = p->state == ZEEK_ESTABLISHED;
		else
			reject = p->state == ZEEK_SYN_SENT ||
			    p->state == ZEEK_SYN_ACK_SENT;
		*close |= CLOSE_DO;
		if (!reject)
			*close |= CLOSE_EVENT;
	}
	if (e->state == ZEEK_INACTIVE) {
		if (!is_orig && seg->payload_len == 0 &&
		    z->ep[z->orig].state == ZEEK_SYN_SENT)
			;	/* an ACK before the SYN-ACK: not partial */
		else if ((fl & TCPF_ACK) && p->state == ZEEK_ESTABLISHED) {
			/* The SYN was missed, the SYN-ACK was not. */
			set_state(z, side, ZEEK_ESTABLISHED);
			z->flags &= (uint8_t)~ZC_PARTIAL;
			z->flags |= is_orig ? ZC_FIRST_ORIG : ZC_FIRST_RESP;
		} else
			set_state(z, side, ZEEK_PARTIAL);
	}
	return (ev);
}

/* Zeek's UpdateStateMachine(), for the sender side. */
static void
update_state(struct zeek_conn *z, int side, bool is_orig,
    const struct tcpfsm_seg *seg, uint32_t *ev, int *close)
{
	struct zeek_endpoint	*e = &z->ep[side], *p = &z->ep[!side];
	unsigned		 fl = seg->flags;

	switch (e->state) {
	case ZEEK_INACTIVE:
		*ev |= inactive_state(z, side, is_orig, seg, close);
		break;
	case ZEEK_SYN_SENT:
	case ZEEK_SYN_ACK_SENT:
		/* Data or ACKs before the answer change nothing. */
		if (fl & TCPF_FIN) {
			set_state(z, side, ZEEK_CLOSED);
			*close |= CLOSE_DO | CLOSE_EVENT;
		}
		if (fl & TCPF_RST) {
			set_state(z, side, ZEEK_RESET);
			z->flags &= (uint8_t)~ZC_ACTIVE;
			*close |= CLOSE_DO;
		}
		break;
	case ZEEK_ESTABLISHED:
	case ZEEK_PARTIAL:
		if ((fl & TCPF_SYN) && e->state == ZEEK_PARTIAL &&
		    p->state == ZEEK_INACTIVE && !(fl & TCPF_ACK))
			set_state(z, side, ZEEK_SYN_SENT);
		if ((fl & TCPF_FIN) && !(fl & TCPF_RST)) {
			set_state(z, side, ZEEK_CLOSED);
			/* A FIN, then a RST, then the peer's FIN: a close. */
			if (p->state == ZEEK_RESET &&
			    p->prev_state == ZEEK_CLOSED)
				set_state(z, !side, ZEEK_CLOSED);
			*close |= CLOSE_DO | CLOSE_EVENT;
		}
		if (fl & TCPF_RST) {
			set_state(z, side, ZEEK_RESET);
			*close |= CLOSE_DO;
			if (p->state != ZEEK_RESET ||
			    p->prev_state != ZEEK_ESTABLISHED)
				z->flags &= (uint8_t)~ZC_ACTIVE;
		}
		break;
	case ZEEK_CLOSED:
		/* A RST after a FIN exchange leaves the close as it was. */
		if ((fl & TCPF_RST) && p->state != ZEEK_CLOSED) {
			set_state(z, side, ZEEK_RESET);
			if (!(e->flags & ZEP_DID_CLOSE))
				*close |= CLOSE_DO;
		}
		break;
	default:		/* RESET: nothing more moves it */
		break;
	}
}

/* Zeek's ConnectionClosed(): side reported closing. */
static uint32_t
connection_closed(struct zeek_conn *z, int side, bool gen_event)
{
	struct zeek_endpoint *e = &z->ep[side], *p = &z->ep[!side];

	if (e->flags & ZEP_DID_CLOSE)
		return (0);
	e->flags |= ZEP_DID_CLOSE;
	if (e->state == ZEEK_RESET || (p->flags & ZEP_DID_CLOSE) ||
	    p->state == ZEEK_INACTIVE) {
		if (gen_event && (e->prev_state != ZEEK_INACTIVE ||
		    p->state != ZEEK_INACTIVE))
			z->flags &= (uint8_t)~ZC_ACTIVE;
		return (ZEV_CLOSED);
	}
	/* Not complete: watch for the other side (unless this is its first). */
	return (e->prev_state == ZEEK_INACTIVE ? 0 : ZEV_HALF_CLOSED);
}

/* ---- a segment -------------------------------------------------------- */

/*
 * The first packet: its sender is the originator, unless the packet is
 * not a lone SYN and its ports say the roles are the other way round
 * (TCPAnalyzer::WantConnection).
 */
static void
zeek_start(struct zeek_conn *z, const struct tcpfsm_seg *seg, int side)
{
	unsigned	fl = seg->flags & (TCPF_SYN | TCPF_ACK);
	bool		flip = false;

	z->flags = ZC_STARTED | ZC_ACTIVE;
	z->orig = (uint8_t)side;
	z->ep[0].reassem = z->ep[0].trim = 1;
	z->ep[1].reassem = z->ep[1].trim = 1;
	if (fl != TCPF_SYN && zeek_likely_server_port(seg->sport)) {
		if (zeek_likely_server_port(seg->dport))
			/* Both plausible: a SYN-ACK may be a stealth scan. */
			flip = !(fl & TCPF_SYN) && seg->sport < seg->dport;
		else
			flip = true;
	}
	if (flip)
		flip_roles(z);
}

static void
update_history(struct zeek_conn *z, int side, unsigned fl, uint64_t rseq,
    uint32_t len)
{
	struct zeek_endpoint	*e = &z->ep[side];
	int			 nbits;
	char			 code;

	nbits = !!(fl & TCPF_SYN) + !!(fl & TCPF_FIN) + !!(fl & TCPF_RST);
	if (nbits > 1) {
		if ((fl & TCPF_FIN) && (fl & TCPF_RST))
			(void)hist_check(z, side, HIST_FIN_RST, 'I');
		else
			(void)hist_check(z, side, HIST_MULTI, 'Q');
	} else if (nbits == 1) {
		if (fl & TCPF_SYN) {
			code = (fl & TCPF_ACK) ? 'H' : 'S';
			if (hist_check(z, side, HIST_SYN, code) &&
			    (uint32_t)rseq != e->hist_syn)
				hist_add(z, role_case(z, side, code));
			e->hist_syn = (uint32_t)rseq;
		}
		if (fl & TCPF_FIN) {
			/* A FIN's number is past the data it carries. */
			if (hist_check(z, side, HIST_FIN, 'F') &&
			    (uint32_t)(rseq + len) != e->hist_fin)
				hist_add(z, role_case(z, side, 'F'));
			e->hist_fin = (uint32_t)(rseq + len);
		}
		if (fl & TCPF_RST) {
			if (hist_check(z, side, HIST_RST, 'R') &&
			    (uint32_t)rseq != e->hist_rst)
				hist_add(z, role_case(z, side, 'R'));
			e->hist_rst = (uint32_t)rseq;
		}
	} else if (len > 0)
		(void)hist_check(z, side, HIST_DATA, 'D');
	else if (fl & TCPF_ACK)
		(void)hist_check(z, side, HIST_ACK, 'A');
}

/*
 * The common segment: a bare ACK or data, without SYN, FIN or RST and with
 * a window, between endpoints ESTABLISHED or CLOSED (by a FIN), from a
 * side whose first packet was seen.  zeek_update()'s steps in its order,
 * less those that cannot act on it: no start, no partial status, no new
 * origin (init_endpoint() moves it only on a SYN), no state change
 * (update_state() moves these states only on a SYN, FIN or RST), no
 * close.  The sender's relative number matters only to data.
 */
static uint32_t
established_segment(struct zeek_conn *z, const struct tcpfsm_seg *seg,
    int side)
{
	struct zeek_endpoint	*e = &z->ep[side], *p = &z->ep[!side];
	uint32_t		 len = seg->payload_len, end = seg->seq + len;
	uint64_t		 rseq = 0, rack;
	uint16_t		 mask = len > 0 ? HIST_DATA : HIST_ACK;
	bool			 underflow = false, ack_under = false;

	if (len > 0)
		rseq = rel_seq(e, seg->seq, e->last_seq, e->seq_wraps,
		    &underflow);
	/* The letter is mostly there already: hist_check() adds nothing. */
	if (!(z->hist_seen & (side != z->orig ? mask << 8 : mask)))
		(void)hist_check(z, side, mask, len > 0 ? 'D' : 'A');
	rack = rel_seq(p, seg->ack, p->ack_seq, p->ack_wraps, &ack_under);
	if (ack_under)
		rack = 0;
	else
		update_ack_seq(p, seg->ack);
	if ((int32_t)(end - e->last_seq) > 0)
		set_last_seq(e, end);
	else if (len > 0)
		hist_scaled(z, side, ZEEK_SC_RETX, 'T');
	ack_received(z, !side, rack);
	if (len > 0 && !underflow && seg->payload_caplen >= len)
		data_sent(z, side, rseq, len);
	e->pkts++;
	e->ip_bytes += seg->ip_len;
	return ((e->flags & p->flags & ZEP_DID_CLOSE) ? 0 : ZEV_TOUCH);
}

uint32_t
zeek_update(struct zeek_conn *z, const struct tcpfsm_seg *seg, int side)
{
	const struct zeek_endpoint	*e, *p;

	side = side != 0;
	e = &z->ep[side];
	p = &z->ep[!side];
	/* Such endpoint states imply a started z. */
	if ((seg->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST | TCPF_ACK)) ==
	    TCPF_ACK && seg->win != 0 && ((1u << e->state | 1u << p->state) &
	    ~(1u << ZEEK_ESTABLISHED | 1u << ZEEK_CLOSED)) == 0 &&
	    (z->flags & (side == z->orig ? ZC_FIRST_ORIG : ZC_FIRST_RESP)) &&
	    !seg->hdr_truncated && !seg->cksum_bad &&
	    !(z->hist_len == 1 && z->history[0] == 'H'))
		return (established_segment(z, seg, side));
	return (zeek_update_full(z, seg, side));
}

uint32_t
zeek_update_full(struct zeek_conn *z, const struct tcpfsm_seg *seg, int side)
{
	struct zeek_endpoint	*e, *p;
	unsigned		 fl = seg->flags;
	uint32_t		 len = seg->payload_len, seg_len, end, ev = 0;
	uint64_t		 rseq, rack = 0;
	bool			 underflow = false, ack_under = false, is_orig;
	int			 close = 0;

	side = side != 0;
	if (!(z->flags & ZC_STARTED))
		zeek_start(z, seg, side);
	e = &z->ep[side];
	p = &z->ep[!side];
	/*
	 * A header whose options the snaplen cut is dropped whole, as is a
	 * bad checksum (that one is noted): neither reaches the state
	 * machine or the counts.
	 */
	if (seg->hdr_truncated)
		return (0);
	if (seg->cksum_bad) {
		hist_scaled(z, side, ZEEK_SC_CHECKSUM, 'C');
		return (0);
	}
	if (!(fl & (TCPF_SYN | TCPF_FIN | TCPF_RST)) &&
	    (len > 0 || (fl & TCPF_ACK)) && z->hist_len == 1 &&
	    z->history[0] == 'H')
		flip_synack(z);
	is_orig = side == z->orig;

	/* Is the connection partial (Zeek's SetPartialStatus)? */
	if (is_orig) {
		if (!(z->flags & ZC_FIRST_ORIG)) {
			z->flags &= (uint8_t)~ZC_PARTIAL;
			if (!(fl & TCPF_SYN) || (fl & TCPF_ACK))
				z->flags |= ZC_PARTIAL;
		}
	} else if (!(z->flags & (ZC_FIRST_RESP | ZC_PARTIAL)) &&
	    !(fl & TCPF_SYN))
		z->flags |= ZC_PARTIAL;

	/* A SYN and a FIN take a sequence number; a RST's data does not. */
	seg_len = len + !!(fl & TCPF_SYN) + !!(fl & TCPF_FIN);
	if (fl & TCPF_RST)
		seg_len -= len;
	end = seg->seq + seg_len;
	init_endpoint(e, (fl & TCPF_SYN) != 0, seg->seq, end);
	rseq = rel_seq(e, seg->seq, e->last_seq, e->seq_wraps, &underflow);
	update_history(z, side, fl, rseq, len);

	/* A zero window (scaled or not, zero is zero), when it matters. */
	if (seg->win == 0 && !(fl & TCPF_RST) && p->state != ZEEK_CLOSED &&
	    e->state != ZEEK_RESET)
		hist_scaled(z, side, ZEEK_SC_ZEROWIN, 'W');
	if (!((e->flags & ZEP_DID_CLOSE) && (p->flags & ZEP_DID_CLOSE)))
		ev |= ZEV_TOUCH;
	if (fl & TCPF_FIN) {
		e->flags |= ZEP_FIN;
		e->fin_seq = rseq + seg_len;
	}
	if (fl & TCPF_ACK) {
		if (p->state == ZEEK_INACTIVE) {
			/* Number the unseen peer as though from its SYN. */
			rack = 1;
			p->start_seq = p->ack_seq = p->last_seq = seg->ack - 1;
		} else {
			rack = rel_seq(p, seg->ack, p->ack_seq, p->ack_wraps,
			    &ack_under);
			if (ack_under)
				rack = 0;
			else if (!(fl & TCPF_RST))	/* RSTs' ACKs lie */
				update_ack_seq(p, seg->ack);
		}
	}
	(void)update_last_seq(z, side, end, fl, len);
	update_state(z, side, is_orig, seg, &ev, &close);
	if (fl & TCPF_ACK)
		ack_received(z, !side, rack);
	if (len > 0 && !(fl & TCPF_RST) && !underflow &&
	    seg->payload_caplen >= len)
		data_sent(z, side, (fl & TCPF_SYN) ? rseq + 1 : rseq, len);
	z->flags |= is_orig ? ZC_FIRST_ORIG : ZC_FIRST_RESP;
	if (close & CLOSE_DO)
		ev |= connection_closed(z, side, (close & CLOSE_EVENT) != 0);
	e->pkts++;
	e->ip_bytes += seg->ip_len;
	return (ev);
}

bool
zeek_is_reuse(const struct zeek_conn *z, const struct tcpfsm_seg *seg)
{
	const struct zeek_endpoint *o, *r, *co;

	if (!(z->flags & ZC_STARTED) || !(seg->flags & TCPF_SYN))
		return (false);
	o = &z->ep[z->orig];
	r = &z->ep[!z->orig];
	co = o;
	if (seg->flags & TCPF_ACK) {
		/* A SYN-ACK starts anew only on a half connection. */
		if (o->state != ZEEK_INACTIVE)
			return (false);
		co = r;
	}
	if ((o->flags | r->flags) & ZEP_DID_CLOSE)
		return (true);
	if (seg->seq == co->start_seq)
		return (false);
	/* A SYN after its SYN-ACK (reordered): the flip will sort it out. */
	if (!(seg->flags & TCPF_ACK) && co->state == ZEEK_SYN_ACK_SENT &&
	    r->state == ZEEK_INACTIVE && seg->seq == r->start_seq)
		return (false);
	return (true);
}

uint64_t
zeek_size(const struct zeek_conn *z, int side)
{
	const struct zeek_endpoint	*e = &z->ep[side != 0];
	const struct zeek_endpoint	*p = &z->ep[side == 0];
	uint64_t			 last, ack, size;

	last = ((uint64_t)e->seq_wraps << 32) + e->last_seq;
	ack = ((uint64_t)e->ack_wraps << 32) + e->ack_seq;
	/* A half-open attempt that was aborted: its numbers mean nothing. */
	if (e->prev_state == ZEEK_SYN_SENT && e->state == ZEEK_RESET &&
	    p->state == ZEEK_INACTIVE && ack != e->start_seq &&
	    ack != (uint64_t)e->start_seq + 1)
		return (0);
	size = (last > ack ? last : ack) - e->start_seq;
	if (size != 0)
		size--;		/* the SYN */
	if ((e->flags & ZEP_FIN) && size != 0)
		size--;		/* the FIN */
	return (size);
}

/* Does the whole history match Zeek's /\^?S[^HAFGIQ]*R.*\/ ? */
static bool
rstos0_history(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return (false);
	for (; *h != '\0'; h++) {
		if (*h == 'R')
			return (true);
		if (strchr("HAFGIQ", *h) != NULL)
			return (false);
	}
	return (false);
}

const char *
zeek_conn_state(const struct zeek_conn *z)
{
	uint8_t	os = z->ep[z->orig].state, rs = z->ep[!z->orig].state;
	bool	o_inactive, r_inactive;

	o_inactive = os == ZEEK_INACTIVE || os == ZEEK_PARTIAL;
	r_inactive = rs == ZEEK_INACTIVE || rs == ZEEK_PARTIAL;
	if (rs == ZEEK_RESET) {
		if (os == ZEEK_SYN_SENT || os == ZEEK_SYN_ACK_SENT ||
		    (os == ZEEK_RESET && zeek_size(z, z->orig) == 0 &&
		    zeek_size(z, !z->orig) == 0))
			return ("REJ");
		return (o_inactive ? "RSTRH" : "RSTR");
	}
	if (os == ZEEK_RESET) {
		if (r_inactive)
			return (rstos0_history(z->history) ? "RSTOS0" : "OTH");
		return ("RSTO");
	}
	if (os == ZEEK_CLOSED && rs == ZEEK_CLOSED)
		return ("SF");
	if (os == ZEEK_CLOSED)
		return (r_inactive ? "SH" : "S2");
	if (rs == ZEEK_CLOSED)
		return (o_inactive ? "SHR" : "S3");
	if (os == ZEEK_SYN_SENT && rs == ZEEK_INACTIVE)
		return ("S0");
	if (os == ZEEK_ESTABLISHED && rs == ZEEK_ESTABLISHED)
		return ("S1");
	return ("OTH");
}

bool
zeek_attempt_failed(const struct zeek_conn *z)
{
	uint8_t os = z->ep[z->orig].state, rs = z->ep[!z->orig].state;

	return ((z->flags & ZC_ACTIVE) &&
	    (os == ZEEK_SYN_SENT || os == ZEEK_SYN_ACK_SENT) &&
	    rs == ZEEK_INACTIVE);
}

bool
zeek_expired(const struct zeek_conn *z, int64_t last, int64_t now)
{
	const struct zeek_endpoint *a = &z->ep[0], *b = &z->ep[1];

	if (!(z->flags & ZC_ACTIVE) || last + ZEEK_LINGER >= now)
		return (false);
	if ((a->flags | b->flags) & ZEP_DID_CLOSE) {
		/* Both closed, or a RST, or a half-closed one-sided one. */
		if (((a->flags & b->flags) & ZEP_DID_CLOSE) ||
		    a->state == ZEEK_RESET || b->state == ZEEK_RESET ||
		    a->state == ZEEK_INACTIVE || b->state == ZEEK_INACTIVE)
			return (true);
	}
	/* Nothing but trashed (bad checksum) packets ever came. */
	return (a->state == ZEEK_INACTIVE && b->state == ZEEK_INACTIVE);
}
