/*
 * tcpstate.h - the RFC 793 / RFC 9293 state machine, one per endpoint,
 * replayed from segments seen on the wire.
 *
 * tcpstate_update() is a pure function of the pair of endpoints and one
 * segment: it moves both endpoints' states (the sender sent the segment;
 * the receiver processes it by the SEGMENT ARRIVES rules of RFC 9293
 * §3.10.7) and returns the events the segment caused.  It never prints,
 * never allocates and reads no clock: time is the segment's.
 */
#ifndef TCPFSM_TCPSTATE_H
#define TCPFSM_TCPSTATE_H

#include <stdbool.h>
#include <stdint.h>

struct tcpfsm_seg;

/* RFC 9293 §3.3.2, plus UNKNOWN for an endpoint first seen mid-stream. */
enum tcp_state {
	TCPS_CLOSED = 0,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED,
	TCPS_FIN_WAIT_1,
	TCPS_FIN_WAIT_2,
	TCPS_CLOSE_WAIT,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_TIME_WAIT,
	TCPS_UNKNOWN,
	TCPS_NSTATES
};

/* Endpoint indices: the client sent the first SYN (or was guessed so). */
#define TCP_CLIENT	0
#define TCP_SERVER	1

/* struct tcp_endpoint.flags */
#define EP_SEEN		0x0001	/* sent at least one segment */
#define EP_SYN		0x0002	/* sent a SYN (isn is valid) */
#define EP_FIN		0x0004	/* sent a FIN (fin_seq is valid) */
#define EP_RST		0x0008	/* sent a RST that was accepted */
#define EP_ACK		0x0010	/* sent an ACK (ack is valid) */
#define EP_SEQ		0x0020	/* snd_nxt is valid */
#define EP_WIN		0x0040	/* win and right_edge are valid */
#define EP_SACK_OK	0x0080	/* SACK-permitted on its SYN */
#define EP_TS_OK	0x0100	/* timestamps on its SYN */
#define EP_GOT_FIN	0x0200	/* has processed the peer's FIN */
#define EP_HOLE		0x0400	/* hole_lo..hole_hi is a gap in what it sent */
#define EP_SYNACK	0x0800	/* sent a SYN with ACK */
#define EP_BARE_SYN	0x1000	/* sent a SYN without ACK */
#define EP_TS_SEEN	0x2000	/* tsval is valid */
#define EP_INFERRED	0x4000	/* its SYN was not seen; the peer told of it */
#define EP_OWES_RST	0x8000	/* got an unacceptable segment: a RST may answer */

/* One endpoint's view: its state and what it has sent and acknowledged. */
struct tcp_endpoint {
	uint8_t		 state;		/* enum tcp_state */
	int8_t		 wscale;	/* shift from its SYN, -1 without */
	uint16_t	 flags;		/* EP_* */
	uint16_t	 mss;		/* from its SYN, 0 without */
	uint16_t	 last_win_raw;	/* window field of its last segment */
	uint8_t		 stale_acks;	/* ACKs below the peer's FIN since it */
	uint8_t		 doubts;	/* DOUBT_* */
	uint8_t		 pad[2];
	uint32_t	 owed_rst_seq;	/* the RST answering it would carry this */
	uint32_t	 isn;		/* its initial sequence number */
	uint32_t	 snd_nxt;	/* one past the last sequence number it sent */
	uint32_t	 fin_seq;	/* sequence number of its FIN */
	uint32_t	 ack;		/* highest acknowledgment it sent */
	uint32_t	 win;		/* its last advertised window, scaled, bytes */
	uint32_t	 right_edge;	/* highest ack + win it advertised */
	uint32_t	 hole_lo;	/* most recent gap in its sequence space */
	uint32_t	 hole_hi;
	uint32_t	 tsval;		/* its last timestamp value */
	uint32_t	 pkts;		/* segments it sent */
	uint64_t	 bytes;		/* payload bytes it sent, per the IP length */
	uint32_t	 retrans;	/* retransmitted segments */
	uint32_t	 ooo;		/* out-of-order segments (filled a gap) */
	uint32_t	 dupack;	/* duplicate ACKs */
	uint32_t	 zerowin;	/* zero-window advertisements */
	uint32_t	 keepalive;	/* keep-alive probes */
	uint32_t	 syn_retx;	/* retransmitted SYN or SYN-ACK */
	uint32_t	 fin_retx;	/* retransmitted FIN */
};

/* struct tcp_endpoint.doubts: what its behaviour refuted. */
#define DOUBT_SYNACK	0x01	/* a SYN-ACK reaching it (it sent its SYN again) */
#define DOUBT_SYN_ACKED	0x02	/* the peer acknowledged its SYN (split handshake) */

/* struct tcp_pair.flags */
#define TP_WSCALE_OK	0x01	/* both SYNs carried window scale */
#define TP_MIDSTREAM	0x02	/* first seen after the handshake */
#define TP_SIMOPEN	0x04	/* both sides sent a bare SYN */
#define TP_SPLIT	0x08	/* the responder split its SYN-ACK */
#define TP_ESTABLISHED	0x10	/* the handshake completed */
#define TP_REJECTED	0x20	/* a RST answered the SYN */
#define TP_RESET	0x40	/* an accepted RST ended it */
#define TP_CLOSED	0x80	/* both FINs sent and acknowledged */
#define TP_TFO		0x100	/* the client's SYN carried a Fast Open cookie */

/* Both endpoints of a connection. */
struct tcp_pair {
	struct tcp_endpoint ep[2];	/* TCP_CLIENT, TCP_SERVER */
	uint16_t	 flags;		/* TP_* */
	uint8_t		 rst_by;	/* who sent the accepted RST */
	uint8_t		 first_fin;	/* who sent the first FIN */
};

/*
 * Events: what one segment did.  Bits, so one segment can raise several.
 * The anomaly module turns them into anomaly records.
 */
#define TEV_SYN_RETX		(UINT64_C(1) << 0)
#define TEV_SYNACK_RETX		(UINT64_C(1) << 1)
#define TEV_SYNACK_BAD_ACK	(UINT64_C(1) << 2)
#define TEV_HS_ACK_BAD		(UINT64_C(1) << 3)
#define TEV_ACK_NOT_SYNACK	(UINT64_C(1) << 4)
#define TEV_DATA_EARLY		(UINT64_C(1) << 5)
#define TEV_DATA_EARLY_TFO	(UINT64_C(1) << 6)
#define TEV_SYN_ON_EST		(UINT64_C(1) << 7)
#define TEV_SIMOPEN		(UINT64_C(1) << 8)
#define TEV_SPLIT_HS		(UINT64_C(1) << 9)
#define TEV_ACK_UNSEEN		(UINT64_C(1) << 10)
#define TEV_SEQ_OOW		(UINT64_C(1) << 11)
#define TEV_DATA_AFTER_FIN	(UINT64_C(1) << 12)
#define TEV_AFTER_RST		(UINT64_C(1) << 13)
#define TEV_FIN_RETX		(UINT64_C(1) << 14)
#define TEV_SIM_CLOSE		(UINT64_C(1) << 15)
#define TEV_RST_AFTER_FIN	(UINT64_C(1) << 16)
#define TEV_TW_ASSASSIN		(UINT64_C(1) << 17)
#define TEV_RST_OOW		(UINT64_C(1) << 18)
#define TEV_RST_IN_HS		(UINT64_C(1) << 19)
#define TEV_INVALID_FLAGS	(UINT64_C(1) << 20)
#define TEV_BAD_OPTION		(UINT64_C(1) << 21)
#define TEV_REJECTED		(UINT64_C(1) << 22)	/* a RST answered the SYN */
#define TEV_RESET		(UINT64_C(1) << 23)	/* an accepted RST */
#define TEV_CLOSED		(UINT64_C(1) << 24)	/* last FIN acknowledged */
#define TEV_ESTABLISHED		(UINT64_C(1) << 25)	/* handshake completed */
#define TEV_RETX		(UINT64_C(1) << 26)
#define TEV_OOO			(UINT64_C(1) << 27)
#define TEV_DUPACK		(UINT64_C(1) << 28)
#define TEV_ZEROWIN		(UINT64_C(1) << 29)
#define TEV_KEEPALIVE		(UINT64_C(1) << 30)
#define TEV_CORRECTED		(UINT64_C(1) << 31)	/* behaviour refuted an arrival */
#define TEV_SYN			(UINT64_C(1) << 32)	/* a bare SYN (new ISN) */
#define TEV_SYNACK		(UINT64_C(1) << 33)	/* a SYN-ACK (new ISN) */
#define TEV_FIN			(UINT64_C(1) << 34)	/* a first FIN from the sender */
#define TEV_FIN_ACKED		(UINT64_C(1) << 35)	/* the receiver's FIN got acknowledged */
#define TEV_HS_ANSWERED		(UINT64_C(1) << 36)	/* the receiver's SYN got an answer */
#define TEV_RST_REPLY		(UINT64_C(1) << 37)	/* a RST answering an unacceptable segment */

/* Start a pair: both endpoints CLOSED with nothing seen. */
void	tcpstate_init(struct tcp_pair *tp);

/*
 * Replay one segment sent by endpoint dir (TCP_CLIENT or TCP_SERVER).
 * Updates both endpoints and returns the TEV_* events it caused.
 */
uint64_t tcpstate_update(struct tcp_pair *tp, int dir,
	    const struct tcpfsm_seg *seg);

/*
 * The handshake timeout passed with the server's SYN-ACK unacknowledged:
 * a client that never acknowledged it never got it (or does not exist),
 * whatever arrival was assumed.  Puts such a client back in SYN_SENT.
 */
void	tcpstate_synack_unanswered(struct tcp_pair *tp);

/* Is the state one where the endpoint has a synchronized connection? */
bool	tcpstate_synchronized(enum tcp_state s);

/* RFC names with underscores: "SYN_RECEIVED", "TIME_WAIT", "UNKNOWN". */
const char *tcpstate_name(enum tcp_state s);

/* Modulo-2^32 sequence comparisons (RFC 9293 §3.4). */
static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return ((int32_t)(a - b) < 0);
}

static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return ((int32_t)(a - b) <= 0);
}

static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return ((int32_t)(a - b) > 0);
}

static inline bool
seq_geq(uint32_t a, uint32_t b)
{
	return ((int32_t)(a - b) >= 0);
}

#endif /* TCPFSM_TCPSTATE_H */
