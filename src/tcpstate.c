/*
 * tcpstate.c - the RFC 793 / RFC 9293 state machine, replayed by a passive
 * observer.
 *
 * A segment on the wire is an event for both endpoints: its sender sent it
 * (RFC 9293 §3.10.1-3.10.4, the user calls and the segments they cause), and
 * its receiver processes it (§3.10.7, SEGMENT ARRIVES).  The observer sees
 * transmissions, not deliveries, so "it arrived" is an assumption that the
 * receiver's later behaviour can refute: an endpoint that retransmits its
 * SYN, its SYN-ACK or its FIN after the answer went by on the wire never got
 * that answer, and its state is put back to what its behaviour shows (as
 * its kernel would report it).  The passive opener is the one exception to
 * "on arrival": a listener moves to SYN_RECEIVED when its SYN-ACK is seen,
 * because a SYN that a host drops, or refuses with a RST, never created any
 * state there.
 */
#include <config.h>

#include "tcpstate.h"

#include <string.h>

#include "decode.h"
#include "util.h"

/* A receiver that acknowledged older data this many times missed the FIN. */
#define STALE_ACKS_MISSED_FIN	2

static bool	acked_past(const struct tcp_endpoint *, uint32_t);

static const char *const state_names[TCPS_NSTATES] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
	"TIME_WAIT", "UNKNOWN"
};

const char *
tcpstate_name(enum tcp_state s)
{
	return ((unsigned)s < TCPS_NSTATES ? state_names[s] : "INVALID");
}

void
tcpstate_synack_unanswered(struct tcp_pair *tp)
{
	struct tcp_endpoint *cl = &tp->ep[TCP_CLIENT];
	struct tcp_endpoint *sv = &tp->ep[TCP_SERVER];

	if (cl->state == TCPS_ESTABLISHED && (sv->flags & EP_SYN) &&
	    !acked_past(cl, sv->isn) && !(cl->flags & EP_FIN)) {
		cl->state = TCPS_SYN_SENT;
		cl->doubts |= DOUBT_SYNACK;
	}
}

bool
tcpstate_synchronized(enum tcp_state s)
{
	switch (s) {
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
	case TCPS_UNKNOWN:
		return (true);
	default:
		return (false);
	}
}

void
tcpstate_init(struct tcp_pair *tp)
{
	memset(tp, 0, sizeof(*tp));
	tp->ep[0].state = tp->ep[1].state = TCPS_CLOSED;
	tp->ep[0].wscale = tp->ep[1].wscale = -1;
}

/* Has ep acknowledged everything up to and including sequence number n? */
static bool
acked_past(const struct tcp_endpoint *ep, uint32_t n)
{
	return ((ep->flags & EP_ACK) != 0 && seq_gt(ep->ack, n));
}

/*
 * The receiver ep processes the peer's FIN (RFC 9293 §3.10.7.4, eighth
 * step).  own_fin_acked says the same segment acknowledged ep's own FIN.
 */
static void
ep_receive_fin(struct tcp_endpoint *ep, bool own_fin_acked)
{
	ep->flags |= EP_GOT_FIN;
	switch (ep->state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
	case TCPS_UNKNOWN:
		ep->state = TCPS_CLOSE_WAIT;
		break;
	case TCPS_FIN_WAIT_1:
		/* Both at once is RFC 9293's FIN+ACK shortcut to TIME_WAIT. */
		ep->state = own_fin_acked ? TCPS_TIME_WAIT : TCPS_CLOSING;
		break;
	case TCPS_FIN_WAIT_2:
		ep->state = TCPS_TIME_WAIT;
		break;
	default:
		break;
	}
}

/* ep's behaviour shows it never got the peer's FIN: undo ep_receive_fin(). */
static bool
ep_unreceive_fin(struct tcp_endpoint *ep)
{
	enum tcp_state was = ep->state;

	ep->flags &= ~EP_GOT_FIN;
	switch (ep->state) {
	case TCPS_CLOSE_WAIT:
		ep->state = TCPS_ESTABLISHED;
		break;
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
		ep->state = TCPS_FIN_WAIT_1;
		break;
	case TCPS_TIME_WAIT:
		ep->state = TCPS_FIN_WAIT_2;
		break;
	default:
		break;
	}
	return (ep->state != was);
}

/* ep's own FIN was acknowledged (the ACK arrived). */
static void
ep_fin_acked(struct tcp_endpoint *ep)
{
	switch (ep->state) {
	case TCPS_FIN_WAIT_1:
		ep->state = TCPS_FIN_WAIT_2;
		break;
	case TCPS_CLOSING:
		ep->state = TCPS_TIME_WAIT;
		break;
	case TCPS_LAST_ACK:
		ep->state = TCPS_CLOSED;
		break;
	default:
		break;
	}
}

/*
 * Does the segment acknowledge ep's SYN: ISS < SEG.ACK =< SND.NXT (RFC 9293
 * §3.10.7.3)?  More than ISN+1 when the SYN carried data (TCP Fast Open).
 */
static bool
acks_own_syn(const struct tcp_endpoint *ep, const struct tcpfsm_seg *seg)
{
	return (seq_gt(seg->ack, ep->isn) && seq_leq(seg->ack, ep->snd_nxt));
}

/*
 * Is a RST from s acceptable to r (RFC 9293 §3.10.7.3 in SYN-SENT: it must
 * acknowledge the SYN; §3.10.7.4 otherwise: its sequence number must be in
 * the receive window)?  The window is r's last advertised one; a RST at
 * exactly the sender's next sequence number is always in it.
 */
static bool
rst_acceptable(const struct tcp_endpoint *r, const struct tcp_endpoint *s,
    const struct tcpfsm_seg *seg)
{
	if (r->state == TCPS_SYN_SENT)
		return ((seg->flags & TCPF_ACK) != 0 && acks_own_syn(r, seg));
	if ((s->flags & EP_SEQ) && seg->seq == s->snd_nxt)
		return (true);
	if (!(r->flags & EP_ACK) || !(r->flags & EP_WIN))
		return (true);	/* nothing known to judge it by */
	/* RCV.NXT <= SEG.SEQ < RCV.NXT+RCV.WND; a zero window takes RCV.NXT. */
	return (seg->seq == r->ack || (seq_geq(seg->seq, r->ack) &&
	    seq_lt(seg->seq, r->right_edge)));
}

static uint64_t
process_rst(struct tcp_pair *tp, int dir, const struct tcpfsm_seg *seg)
{
	struct tcp_endpoint	*s = &tp->ep[dir], *r = &tp->ep[!dir];
	uint64_t		 ev = 0;

	if ((s->flags & EP_OWES_RST) && seg->seq == s->owed_rst_seq &&
	    (s->flags & EP_SYN)) {
		/*
		 * <SEQ=SEG.ACK><CTL=RST>: the answer RFC 9293 §3.10.7.3-4
		 * gives an unacceptable segment.  Its sender drops that
		 * segment and stays as it was; only the receiver may take it.
		 */
		s->flags &= ~EP_OWES_RST;
		ev = TEV_RST_REPLY;
		if (!(tp->flags & (TP_ESTABLISHED | TP_MIDSTREAM)))
			ev |= TEV_RST_IN_HS;
		if (rst_acceptable(r, s, seg) && r->state == TCPS_SYN_RECEIVED &&
		    (r->flags & EP_SYNACK) && !(r->flags & EP_BARE_SYN))
			r->state = TCPS_LISTEN;
		return (ev);
	}
	if (!rst_acceptable(r, s, seg))
		return (TEV_RST_OOW);
	if (r->state == TCPS_TIME_WAIT)
		ev |= TEV_TW_ASSASSIN;	/* RFC 1337 */
	if (!(s->flags & EP_SYN) && !(tp->flags & (TP_MIDSTREAM |
	    TP_ESTABLISHED)) && (r->state == TCPS_SYN_SENT ||
	    r->state == TCPS_CLOSED)) {
		/*
		 * The answer to a SYN, or to a probe, was a RST: nobody
		 * listens there (RFC 9293 §3.10.7.1).
		 */
		ev |= TEV_REJECTED;
		tp->flags |= TP_REJECTED;
	} else if (!(tp->flags & TP_ESTABLISHED) &&
	    !(tp->flags & TP_MIDSTREAM))
		ev |= TEV_RST_IN_HS;
	if ((s->flags | r->flags) & EP_FIN)
		ev |= TEV_RST_AFTER_FIN;
	s->flags |= EP_RST;
	s->state = TCPS_CLOSED;
	/*
	 * A listener ignores a RST (§3.10.7.2); a passive open's SYN_RECEIVED
	 * goes back to LISTEN (§3.10.7.4); everyone else is reset.
	 */
	if (r->state == TCPS_SYN_RECEIVED && (r->flags & EP_SYNACK) &&
	    !(r->flags & EP_BARE_SYN))
		r->state = TCPS_LISTEN;
	else if (r->state != TCPS_LISTEN)
		r->state = TCPS_CLOSED;
	tp->flags |= TP_RESET;
	tp->rst_by = (uint8_t)dir;
	return (ev | TEV_RESET);
}

/* SYN+FIN, SYN+RST, FIN+RST, no flags, the Xmas set, FIN without ACK. */
static bool
flags_invalid(unsigned f)
{
	if ((f & TCPF_SYN) && (f & (TCPF_FIN | TCPF_RST)))
		return (true);
	if ((f & TCPF_FIN) && (f & TCPF_RST))
		return (true);
	if ((f & (TCPF_FIN | TCPF_SYN | TCPF_RST | TCPF_PSH | TCPF_ACK |
	    TCPF_URG)) == 0)
		return (true);
	if ((f & (TCPF_FIN | TCPF_PSH | TCPF_URG)) ==
	    (TCPF_FIN | TCPF_PSH | TCPF_URG))
		return (true);
	if ((f & TCPF_FIN) && !(f & TCPF_ACK))
		return (true);
	return (false);
}

/* Record what the sender's SYN says about it: ISN and options. */
static void
ep_take_syn(struct tcp_endpoint *s, const struct tcpfsm_seg *seg)
{
	const struct tcp_opts *o = &seg->opt;

	s->flags |= EP_SYN;
	s->isn = seg->seq;
	if (o->present & TCPO_WSCALE)
		s->wscale = (int8_t)(o->wscale > 14 ? 14 : o->wscale);
	if (o->present & TCPO_MSS)
		s->mss = o->mss;
	if (o->present & TCPO_SACK_PERM)
		s->flags |= EP_SACK_OK;
	if (o->present & TCPO_TIMESTAMP)
		s->flags |= EP_TS_OK;
}

/*
 * The sender's sequence space: retransmissions, gaps, out-of-order
 * segments and keep-alives, then snd_nxt.  Returns TEV_* counters.
 */
static HOT_INLINE uint64_t
ep_track_seq(struct tcp_endpoint *s, const struct tcpfsm_seg *seg)
{
	uint32_t	seq = seg->seq, len = seg->payload_len;
	uint32_t	end;
	uint64_t	ev = 0;
	bool		syn = seg->flags & TCPF_SYN, fin = seg->flags & TCPF_FIN;

	end = seq + len + (syn ? 1 : 0) + (fin ? 1 : 0);
	if (!(s->flags & EP_SEQ)) {
		s->flags |= EP_SEQ;
		s->snd_nxt = end;
		return (0);
	}
	if (!syn && !fin && len <= 1 && seq == s->snd_nxt - 1) {
		/* A keep-alive: one byte (or none) below the next sequence. */
		s->keepalive++;
		return (TEV_KEEPALIVE);
	}
	if (len > 0 && seq_leq(end, s->snd_nxt)) {
		if ((s->flags & EP_HOLE) && seq_geq(seq, s->hole_lo) &&
		    seq_lt(seq, s->hole_hi)) {
			/* Fills a gap the capture saw open: out of order. */
			s->ooo++;
			ev |= TEV_OOO;
			if (seq == s->hole_lo)
				s->hole_lo = seq + len;
			if (seq_geq(s->hole_lo, s->hole_hi))
				s->flags &= ~EP_HOLE;
		} else {
			s->retrans++;
			ev |= TEV_RETX;
		}
	} else if (seq_gt(seq, s->snd_nxt) && !syn) {
		/* Bytes the capture never saw (lost, or still to come). */
		s->flags |= EP_HOLE;
		s->hole_lo = s->snd_nxt;
		s->hole_hi = seq;
	}
	if (seq_gt(end, s->snd_nxt))
		s->snd_nxt = end;
	return (ev);
}

/* The sender's acknowledgment and window; duplicate ACKs, zero windows. */
static HOT_INLINE uint64_t
ep_track_ack(struct tcp_pair *tp, struct tcp_endpoint *s,
    const struct tcp_endpoint *r, const struct tcpfsm_seg *seg)
{
	uint64_t	ev = 0;
	uint32_t	win;
	int		shift;
	bool		pure;

	pure = seg->payload_len == 0 &&
	    !(seg->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST));
	if (pure && (s->flags & EP_ACK) && seg->ack == s->ack &&
	    seg->win == s->last_win_raw && (r->flags & EP_SEQ) &&
	    seq_gt(r->snd_nxt, seg->ack)) {
		s->dupack++;
		ev |= TEV_DUPACK;
	}
	if ((r->flags & EP_SEQ) && seq_gt(seg->ack, r->snd_nxt))
		ev |= TEV_ACK_UNSEEN;
	if (!(s->flags & EP_ACK) || seq_gt(seg->ack, s->ack))
		s->ack = seg->ack;
	s->flags |= EP_ACK;

	/* RFC 7323 §2.2: a SYN's window is never scaled. */
	shift = 0;
	if (!(seg->flags & TCPF_SYN) && (tp->flags & TP_WSCALE_OK))
		shift = s->wscale;
	win = (uint32_t)seg->win << shift;
	s->win = win;
	s->last_win_raw = seg->win;
	if (!(s->flags & EP_WIN) || seq_gt(s->ack + win, s->right_edge))
		s->right_edge = s->ack + win;
	s->flags |= EP_WIN;
	if (seg->win == 0 && !(seg->flags & TCPF_RST)) {
		s->zerowin++;
		ev |= TEV_ZEROWIN;
	}
	return (ev);
}

/*
 * The sender's timestamp, and a segment beyond the receiver's advertised
 * window (RFC 9293 §3.10.7.4), judged only when both SYNs were seen: only
 * they tell how windows are scaled.
 */
static HOT_INLINE uint64_t
track_ts_window(struct tcp_endpoint *s, const struct tcp_endpoint *r,
    const struct tcpfsm_seg *seg)
{
	if (seg->opt.present & TCPO_TIMESTAMP) {
		s->tsval = seg->opt.tsval;
		s->flags |= EP_TS_SEEN;
	}
	if (seg->payload_len > 1 && (s->flags & EP_SYN) &&
	    (r->flags & EP_SYN) && (r->flags & EP_WIN) &&
	    !((s->flags | r->flags) & EP_INFERRED) &&
	    seq_gt(seg->seq + seg->payload_len, r->right_edge))
		return (TEV_SEQ_OOW);
	return (0);
}

/* States in which a plain ACK moves nothing but numbers. */
static bool
data_phase(uint8_t state)
{
	return (state == TCPS_ESTABLISHED || state == TCPS_UNKNOWN);
}

/* A data-phase segment (see tcpstate_update()). */
static uint64_t
track_data(struct tcp_pair *tp, struct tcp_endpoint *s,
    struct tcp_endpoint *r, const struct tcpfsm_seg *seg)
{
	uint64_t ev;

	ev = ep_track_seq(s, seg);
	ev |= ep_track_ack(tp, s, r, seg);
	return (ev | track_ts_window(s, r, seg));
}

/* The sender side of a SYN or SYN-ACK. */
static uint64_t
send_syn(struct tcp_pair *tp, struct tcp_endpoint *s,
    struct tcp_endpoint *r, const struct tcpfsm_seg *seg)
{
	bool ack = seg->flags & TCPF_ACK;

	if (!(s->flags & EP_SYN)) {
		ep_take_syn(s, seg);
		if ((s->wscale >= 0) && (r->flags & EP_SYN) && r->wscale >= 0)
			tp->flags |= TP_WSCALE_OK;
		if (!ack) {
			s->flags |= EP_BARE_SYN;
			/*
			 * A listener that already acknowledged the peer's SYN
			 * sends the SYN half of a split SYN-ACK.
			 */
			if (s->state == TCPS_CLOSED || s->state == TCPS_LISTEN)
				s->state = ((r->flags & EP_SYN) &&
				    acked_past(s, r->isn)) ? TCPS_SYN_RECEIVED :
				    TCPS_SYN_SENT;
			return (TEV_SYN);
		}
		s->flags |= EP_SYNACK;
		if (s->state == TCPS_CLOSED || s->state == TCPS_LISTEN)
			s->state = TCPS_SYN_RECEIVED;
		if (!(r->flags & (EP_SEEN | EP_SYN))) {
			/*
			 * The capture began after the SYN: the SYN-ACK says
			 * what it was.  The receiver sent it and waits.
			 */
			r->flags |= EP_SYN | EP_BARE_SYN | EP_SEQ |
			    EP_INFERRED;
			r->isn = seg->ack - 1;
			r->snd_nxt = seg->ack;
			r->state = TCPS_SYN_SENT;
		}
		if ((r->flags & EP_SYN) && !acks_own_syn(r, seg))
			return (TEV_SYNACK | TEV_SYNACK_BAD_ACK);
		return (TEV_SYNACK);
	}
	if (seg->seq != s->isn && (s->state == TCPS_LISTEN ||
	    s->state == TCPS_CLOSED) && ack) {
		/*
		 * Back in LISTEN (a RST undid its first answer), it answers
		 * the SYN anew, with a new ISN: a new passive open.
		 */
		s->flags &= ~(EP_SYN | EP_SYNACK | EP_HOLE);
		ep_take_syn(s, seg);
		s->flags |= EP_SYNACK | EP_SEQ;
		s->snd_nxt = seg->seq + 1 + seg->payload_len;
		s->state = TCPS_SYN_RECEIVED;
		if ((r->flags & EP_SYN) && !acks_own_syn(r, seg))
			return (TEV_SYNACK | TEV_SYNACK_BAD_ACK);
		return (TEV_SYNACK);
	}
	if (seg->seq != s->isn) {
		/* A new ISN while this connection lives (RFC 9293 §3.10.7.4). */
		return (tcpstate_synchronized(s->state) ? TEV_SYN_ON_EST : 0);
	}
	if (ack && !(s->flags & EP_SYNACK)) {
		/* Its SYN-ACK after its own bare SYN: simultaneous open. */
		s->flags |= EP_SYNACK;
		if ((r->flags & EP_SYN) && !acks_own_syn(r, seg))
			return (TEV_SYNACK_BAD_ACK);
		return (0);
	}
	s->syn_retx++;
	if (!ack) {
		/* Its SYN again: whatever came back never reached it. */
		if ((s->state == TCPS_ESTABLISHED ||
		    s->state == TCPS_SYN_RECEIVED) && !(s->flags & EP_FIN)) {
			/*
			 * And the next SYN-ACK may not reach it either: only
			 * its own ACK will say one did.
			 */
			s->state = TCPS_SYN_SENT;
			s->doubts |= DOUBT_SYNACK;
			return (TEV_SYN_RETX | TEV_CORRECTED);
		}
		return (TEV_SYN_RETX);
	}
	if (s->state == TCPS_LISTEN || s->state == TCPS_CLOSED) {
		/* Back in LISTEN after a RST, it answers the SYN again. */
		s->state = TCPS_SYN_RECEIVED;
		return (TEV_SYNACK_RETX);
	}
	/*
	 * Its SYN-ACK again: the handshake's last ACK never reached it (or
	 * was dropped there, as a full accept queue does).
	 */
	if (s->state == TCPS_ESTABLISHED) {
		s->state = TCPS_SYN_RECEIVED;
		tp->flags &= ~TP_ESTABLISHED;
		return (TEV_SYNACK_RETX | TEV_CORRECTED);
	}
	return (TEV_SYNACK_RETX);
}

/* The sender side of a FIN. */
static uint64_t
send_fin(struct tcp_pair *tp, int dir, const struct tcpfsm_seg *seg)
{
	struct tcp_endpoint	*s = &tp->ep[dir], *r = &tp->ep[!dir];
	uint32_t		 fin_seq = seg->seq + seg->payload_len +
				    ((seg->flags & TCPF_SYN) ? 1 : 0);
	uint64_t		 ev = 0;

	if (s->flags & EP_FIN) {
		if (fin_seq != s->fin_seq)
			return (seq_gt(fin_seq, s->fin_seq) ?
			    TEV_DATA_AFTER_FIN : 0);
		/* The same FIN again: its ACK never reached the sender. */
		s->fin_retx++;
		ev |= TEV_FIN_RETX;
		switch (s->state) {
		case TCPS_FIN_WAIT_2:
			s->state = TCPS_FIN_WAIT_1;
			ev |= TEV_CORRECTED;
			break;
		case TCPS_TIME_WAIT:
			s->state = TCPS_CLOSING;
			ev |= TEV_CORRECTED;
			break;
		case TCPS_CLOSED:
			if (!(tp->flags & (TP_RESET | TP_REJECTED))) {
				s->state = TCPS_LAST_ACK;
				tp->flags &= ~TP_CLOSED;
				ev |= TEV_CORRECTED;
			}
			break;
		default:
			break;
		}
		return (ev);
	}

	s->flags |= EP_FIN;
	s->fin_seq = fin_seq;
	ev |= TEV_FIN;
	if (!(r->flags & EP_FIN))
		tp->first_fin = (uint8_t)dir;
	/*
	 * Its FIN does not acknowledge the peer's FIN: the two crossed.
	 * That is a simultaneous close (RFC 9293 §3.6, figure 13), whatever
	 * the arrival order assumed so far.
	 */
	if ((r->flags & EP_FIN) && !acked_past(s, r->fin_seq)) {
		if (s->flags & EP_GOT_FIN)
			(void)ep_unreceive_fin(s);
		ev |= TEV_SIM_CLOSE;
	}
	switch (s->state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
	case TCPS_UNKNOWN:
		s->state = TCPS_FIN_WAIT_1;
		break;
	case TCPS_CLOSE_WAIT:
		s->state = TCPS_LAST_ACK;
		break;
	default:
		break;
	}
	if (ev & TEV_SIM_CLOSE) {
		/* The peer's FIN is already on its way: it arrives next. */
		ep_receive_fin(s, false);
	}
	return (ev);
}

/*
 * r received a segment it cannot accept: by RFC 9293 it answers with
 * <SEQ=SEG.ACK><CTL=RST>, which is then no abort of its own.
 */
static void
owe_rst(struct tcp_endpoint *r, const struct tcpfsm_seg *seg)
{
	r->flags |= EP_OWES_RST;
	r->owed_rst_seq = seg->ack;
}

/* The receiver r processes a segment from s (RFC 9293 §3.10.7). */
static uint64_t
receive(struct tcp_pair *tp, int dir, const struct tcpfsm_seg *seg,
    bool beyond_window)
{
	struct tcp_endpoint	*s = &tp->ep[dir], *r = &tp->ep[!dir];
	bool			 syn = seg->flags & TCPF_SYN;
	bool			 fin = seg->flags & TCPF_FIN;
	bool			 ack = seg->flags & TCPF_ACK;
	bool			 acks_syn, acks_fin;
	uint64_t		 ev = 0;

	acks_syn = ack && (r->flags & EP_SYN) && acks_own_syn(r, seg);
	acks_fin = ack && (r->flags & EP_FIN) && seq_gt(seg->ack, r->fin_seq);

	switch (r->state) {
	case TCPS_CLOSED:
		/* Before its first segment, a SYN's receiver is a listener. */
		if (syn && !ack && !(r->flags & EP_SEEN))
			r->state = TCPS_LISTEN;
		break;
	case TCPS_LISTEN:
		break;
	case TCPS_SYN_SENT:
		if (syn && ack) {
			if (!acks_syn)
				owe_rst(r, seg);
			else if (!(r->doubts & DOUBT_SYNACK)) {
				r->state = TCPS_ESTABLISHED;
				ev |= TEV_HS_ANSWERED;
			}
		} else if (syn) {
			/* A bare SYN crossed ours: simultaneous open. */
			r->state = TCPS_SYN_RECEIVED;
			ev |= TEV_HS_ANSWERED;
		} else if (ack && !(s->flags & EP_SYN)) {
			/* An ACK where a SYN-ACK belongs. */
			if (acks_syn) {
				tp->flags |= TP_SPLIT;
				r->doubts |= DOUBT_SYN_ACKED;
			} else {
				ev |= TEV_ACK_NOT_SYNACK;
				owe_rst(r, seg);
			}
		}
		break;
	case TCPS_SYN_RECEIVED:
		if (ack && !syn) {
			if (seq_gt(seg->ack, r->isn) &&
			    seq_leq(seg->ack, r->snd_nxt))
				r->state = TCPS_ESTABLISHED;
			else {
				ev |= TEV_HS_ACK_BAD;
				owe_rst(r, seg);
			}
		} else if (syn && ack && acks_syn)
			r->state = TCPS_ESTABLISHED;
		break;
	case TCPS_FIN_WAIT_1:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
		/* FIN+ACK in FIN_WAIT_1 is the shortcut, taken below. */
		if (acks_fin && !(r->state == TCPS_FIN_WAIT_1 && fin &&
		    !(r->flags & EP_GOT_FIN))) {
			ep_fin_acked(r);
			ev |= TEV_FIN_ACKED;
		}
		break;
	default:
		break;
	}

	/* The FIN, once, if it is not beyond the receiver's window. */
	if (fin && !(r->flags & EP_GOT_FIN) && !beyond_window) {
		if (acks_fin && r->state == TCPS_FIN_WAIT_1)
			ev |= TEV_FIN_ACKED;
		ep_receive_fin(r, acks_fin);
	}
	return (ev);
}

/*
 * The segment s sent acknowledges the peer's FIN although s was taken not
 * to have it (a correction undid it): it has it now.
 */
static uint64_t
check_fin_acked(struct tcp_endpoint *s, const struct tcp_endpoint *r,
    const struct tcpfsm_seg *seg)
{
	if (!(seg->flags & TCPF_ACK) || !(r->flags & EP_FIN) ||
	    !seq_gt(seg->ack, r->fin_seq))
		return (0);
	s->stale_acks = 0;
	if (s->flags & EP_GOT_FIN)
		return (0);
	ep_receive_fin(s, (s->flags & EP_FIN) && acked_past(r, s->fin_seq));
	return (TEV_CORRECTED);
}

/*
 * s keeps acknowledging the same old sequence number below the peer's
 * FIN, as if the FIN never reached it: after a few times, believe that.
 * ACKs that advance toward the FIN are data still being taken in.
 */
static uint64_t
check_stale_ack(struct tcp_endpoint *s, const struct tcp_endpoint *r,
    const struct tcpfsm_seg *seg, bool repeated)
{
	if (!(seg->flags & TCPF_ACK) || !(r->flags & EP_FIN) ||
	    seq_gt(seg->ack, r->fin_seq) || !(s->flags & EP_GOT_FIN) ||
	    !repeated)
		return (0);
	if (s->stale_acks < UINT8_MAX)
		s->stale_acks++;
	if (s->stale_acks < STALE_ACKS_MISSED_FIN)
		return (0);
	return (ep_unreceive_fin(s) ? TEV_CORRECTED : 0);
}

uint64_t
tcpstate_update(struct tcp_pair *tp, int dir, const struct tcpfsm_seg *seg)
{
	struct tcp_endpoint	*s = &tp->ep[dir], *r = &tp->ep[!dir];
	unsigned		 f = seg->flags;
	uint64_t		 ev = 0;
	bool			 was_early, repeated;

	s->pkts++;
	s->bytes += seg->payload_len;
	if (seg->opt.bad != 0)
		ev |= TEV_BAD_OPTION;

	/*
	 * The data phase, most segments of any capture: an ACK, with data or
	 * without, from an endpoint seen before, both endpoints synchronized
	 * and neither closing or reset.  Of all the rules below only the
	 * tracking of sequence numbers, acknowledgments, timestamps and the
	 * window can apply to it (track_data()).
	 */
	if ((f & (TCPF_SYN | TCPF_FIN | TCPF_RST | TCPF_ACK)) == TCPF_ACK &&
	    (tp->flags & (TP_ESTABLISHED | TP_MIDSTREAM)) &&
	    !(tp->flags & (TP_RESET | TP_REJECTED)) &&
	    data_phase(s->state) && data_phase(r->state) &&
	    (s->flags & EP_SEEN) && !((s->flags | r->flags) & EP_FIN))
		return (ev | track_data(tp, s, r, seg));

	if (flags_invalid(f)) {
		ev |= TEV_INVALID_FLAGS;
		/* Only FIN+RST is processed, and as the RST it also is. */
		if ((f & (TCPF_RST | TCPF_FIN)) != (TCPF_RST | TCPF_FIN) ||
		    (f & TCPF_SYN)) {
			s->flags |= EP_SEEN;
			return (ev);
		}
	}
	if (tp->flags & (TP_RESET | TP_REJECTED)) {
		s->flags |= EP_SEEN;
		return (ev | ((f & TCPF_RST) ? 0 : TEV_AFTER_RST));
	}
	if (!((s->flags | r->flags) & EP_SEEN) && !(f & TCPF_SYN)) {
		/* First seen mid-stream: no handshake to replay. */
		tp->flags |= TP_MIDSTREAM;
		s->state = r->state = TCPS_UNKNOWN;
	}
	if (f & TCPF_RST) {
		ev |= process_rst(tp, dir, seg);
		s->flags |= EP_SEEN;
		return (ev);
	}

	/* A SYN with a new ISN is no part of this sequence space. */
	if (!((f & TCPF_SYN) && (s->flags & EP_SYN) && seg->seq != s->isn))
		ev |= ep_track_seq(s, seg);
	repeated = (s->flags & EP_ACK) && (f & TCPF_ACK) && seg->ack == s->ack;
	if (f & TCPF_ACK)
		ev |= ep_track_ack(tp, s, r, seg);
	ev |= track_ts_window(s, r, seg);

	/* The sender side: what sending this segment says about it. */
	if ((f & TCPF_ACK) && !(f & TCPF_SYN) && s->state == TCPS_SYN_SENT &&
	    !(r->flags & (EP_SEEN | EP_SYN))) {
		/*
		 * An ACK from a client the capture saw send only its SYN:
		 * it got a SYN-ACK the capture did not see, and the ACK says
		 * what the server's ISN was.
		 */
		r->flags |= EP_SYN | EP_SYNACK | EP_SEQ | EP_INFERRED;
		r->isn = seg->ack - 1;
		r->snd_nxt = seg->ack;
		r->state = TCPS_SYN_RECEIVED;
	}
	if (f & TCPF_SYN)
		ev |= send_syn(tp, s, r, seg);
	else if ((f & TCPF_ACK) && s->state == TCPS_SYN_RECEIVED &&
	    (s->doubts & DOUBT_SYN_ACKED) && (r->flags & EP_SYN) &&
	    acks_own_syn(r, seg)) {
		/*
		 * The split handshake's last ACK: its own SYN was acknowledged
		 * apart, and now it acknowledges the peer's.
		 */
		s->state = TCPS_ESTABLISHED;
	} else if ((f & TCPF_ACK) && s->state == TCPS_SYN_SENT &&
	    (r->flags & EP_SYN) && acks_own_syn(r, seg)) {
		/* It acknowledges the peer's SYN: the SYN-ACK reached it. */
		s->doubts &= (uint8_t)~DOUBT_SYNACK;
		s->state = TCPS_ESTABLISHED;
	} else if ((f & TCPF_ACK) && s->state == TCPS_SYN_RECEIVED &&
	    (r->flags & EP_SYN) && !(tp->flags & TP_TFO) &&
	    (seq_gt(seg->ack, r->isn + 1) || seg->payload_len > 0)) {
		/*
		 * It acknowledges data the peer sent after the handshake, or
		 * sends data itself, which only TCP Fast Open allows before
		 * the handshake's last ACK: that ACK reached it, seen or not.
		 */
		s->state = TCPS_ESTABLISHED;
		ev |= TEV_ESTABLISHED | TEV_CORRECTED;
	}
	s->flags |= EP_SEEN;
	ev |= check_fin_acked(s, r, seg);
	if ((s->flags & EP_FIN) && seg->payload_len > 0 && !(f & TCPF_FIN) &&
	    !(ev & TEV_KEEPALIVE) &&
	    seq_gt(seg->seq + seg->payload_len, s->fin_seq))
		ev |= TEV_DATA_AFTER_FIN;
	if (f & TCPF_FIN)
		ev |= send_fin(tp, dir, seg);

	was_early = seg->payload_len > 0 && (s->state == TCPS_SYN_SENT ||
	    s->state == TCPS_SYN_RECEIVED || s->state == TCPS_LISTEN);
	if ((f & TCPF_SYN) && !(f & TCPF_ACK) &&
	    (seg->opt.present & TCPO_TFO) && seg->opt.tfo_len > 0)
		tp->flags |= TP_TFO;
	if (was_early) {
		if (tp->flags & TP_TFO)
			ev |= TEV_DATA_EARLY_TFO;
		else
			ev |= TEV_DATA_EARLY;
	}

	/* The receiver side: the segment arrives. */
	ev |= receive(tp, dir, seg, (ev & TEV_SEQ_OOW) != 0);
	ev |= check_stale_ack(s, r, seg, repeated);

	/* Both synchronized: the handshake is complete, however it went. */
	if (!(tp->flags & (TP_ESTABLISHED | TP_MIDSTREAM)) &&
	    tcpstate_synchronized(s->state) && s->state != TCPS_UNKNOWN &&
	    tcpstate_synchronized(r->state) && r->state != TCPS_UNKNOWN)
		ev |= TEV_ESTABLISHED;
	if ((ev & TEV_ESTABLISHED) && !(tp->flags & TP_ESTABLISHED)) {
		tp->flags |= TP_ESTABLISHED;
		if ((s->flags & EP_BARE_SYN) && (r->flags & EP_BARE_SYN) &&
		    (s->flags & EP_SYNACK) && (r->flags & EP_SYNACK)) {
			tp->flags |= TP_SIMOPEN;
			ev |= TEV_SIMOPEN;
		} else if (((s->flags & EP_BARE_SYN) &&
		    (r->flags & EP_BARE_SYN)) || (tp->flags & TP_SPLIT)) {
			tp->flags |= TP_SPLIT;
			ev |= TEV_SPLIT_HS;
		}
	}
	/* Both FINs sent and acknowledged: the connection is over. */
	if ((s->flags & EP_FIN) && (r->flags & EP_FIN) &&
	    acked_past(s, r->fin_seq) && acked_past(r, s->fin_seq) &&
	    !(tp->flags & TP_CLOSED) &&
	    (s->state == TCPS_CLOSED || s->state == TCPS_TIME_WAIT) &&
	    (r->state == TCPS_CLOSED || r->state == TCPS_TIME_WAIT)) {
		tp->flags |= TP_CLOSED;
		ev |= TEV_CLOSED;
	}
	return (ev);
}
