/*
 * zeek.h - Zeek's summary of a TCP connection: its conn.log conn_state,
 * history, byte and packet counts, computed by Zeek's own rules.
 *
 * The rules are Zeek's TCP analyzer's (see ../shared/oracle/zeek/
 * SEMANTICS.md): two endpoint state machines of Zeek's own states, an
 * originator that can be flipped (history '^'), history letters recorded
 * once, on a new sequence number, or on a logarithmic scale (C, T, W, G at
 * 1, 10, 100, ...), and the reassembler's view of content gaps.
 * zeek_update() applies one segment to a struct zeek_conn; it touches
 * nothing else, allocates nothing and reads no clock.  What the caller's
 * timers must do comes back as ZEV_* bits: the same struct serves
 * zeek-table.c, which cuts connections where Zeek does, and flow.c, which
 * keeps tcpfsm's own boundaries.
 */
#ifndef TCPFSM_ZEEK_H
#define TCPFSM_ZEEK_H

#include <stdbool.h>
#include <stdint.h>

struct tcpfsm_seg;

/* An endpoint's state, numbered as Zeek's script land does (TCP_*). */
enum zeek_state {
	ZEEK_INACTIVE = 0,	/* nothing seen from this side */
	ZEEK_SYN_SENT,		/* sent a SYN */
	ZEEK_SYN_ACK_SENT,	/* the originator began with a SYN-ACK */
	ZEEK_PARTIAL,		/* first packet without a SYN: mid-stream */
	ZEEK_ESTABLISHED,	/* a SYN-ACK went by */
	ZEEK_CLOSED,		/* sent a FIN */
	ZEEK_RESET,		/* sent a RST */
	ZEEK_NSTATES
};

/* The letters Zeek records on a logarithmic scale (struct zeek_endpoint). */
enum zeek_scaled {
	ZEEK_SC_CHECKSUM = 0,	/* C: a bad checksum */
	ZEEK_SC_RETX,		/* T: retransmitted payload */
	ZEEK_SC_ZEROWIN,	/* W: a zero window */
	ZEEK_SC_GAP,		/* G: a content gap */
	ZEEK_NSCALED
};

/* History letters kept, NUL included; later ones are dropped (ZC_HIST_FULL). */
#define ZEEK_HISTORY_LEN	32

/*
 * Zeek's timer defaults (init-bare.zeek), microseconds: tcp_attempt_delay,
 * tcp_SYN_timeout, tcp_session_timer, tcp_connection_linger,
 * tcp_close_delay, tcp_inactivity_timeout; until the handshake is over a
 * TCP session has udp_inactivity_timeout.
 */
#define ZEEK_ATTEMPT_DELAY	(INT64_C(5) * 1000000)
#define ZEEK_SYN_TIMEOUT	(INT64_C(5) * 1000000)
#define ZEEK_SESSION_TIMER	(INT64_C(6) * 1000000)
#define ZEEK_LINGER		(INT64_C(5) * 1000000)
#define ZEEK_CLOSE_DELAY	(INT64_C(5) * 1000000)
#define ZEEK_INACTIVITY		(INT64_C(300) * 1000000)
#define ZEEK_HS_INACTIVITY	(INT64_C(60) * 1000000)

/* struct zeek_endpoint.flags */
#define ZEP_DID_CLOSE	0x01	/* Zeek reported its close (did_close) */
#define ZEP_FIN		0x02	/* sent a FIN (fin_seq is valid) */
#define ZEP_BLOCK	0x04	/* blk_lo..blk_hi: data held above a hole */

/*
 * One endpoint, by side, whatever its role: Zeek's TCP_Endpoint objects
 * swap roles on a flip and keep their own sequence numbers and counters.
 * Relative sequence numbers are Zeek's: from start_seq, 64 bits wide.
 */
struct zeek_endpoint {
	uint8_t		 state;		/* enum zeek_state */
	uint8_t		 prev_state;
	uint8_t		 flags;		/* ZEP_* */
	uint8_t		 thr[ZEEK_NSCALED]; /* next letter at count 10^thr */
	uint8_t		 pad;
	uint32_t	 cnt[ZEEK_NSCALED]; /* events of each scaled letter */
	uint32_t	 start_seq;	/* origin of its relative numbers */
	uint32_t	 last_seq;	/* one past the highest it sent */
	uint32_t	 ack_seq;	/* highest the peer acknowledged */
	uint16_t	 seq_wraps;	/* times last_seq wrapped */
	uint16_t	 ack_wraps;	/* times ack_seq wrapped */
	uint32_t	 hist_syn;	/* relative seq of its last SYN, */
	uint32_t	 hist_fin;	/* FIN and RST */
	uint32_t	 hist_rst;
	uint32_t	 pkts;		/* packets, bad checksums not counted */
	uint64_t	 ip_bytes;	/* their IP lengths, bytes */
	uint64_t	 fin_seq;	/* relative seq just past its FIN */
	uint64_t	 reassem;	/* next relative seq to reassemble */
	uint64_t	 trim;		/* highest relative ack processed */
	uint64_t	 blk_lo;	/* data above a hole: [lo, hi) */
	uint64_t	 blk_hi;
};

/* struct zeek_conn.flags */
#define ZC_STARTED	0x01	/* the first packet set the roles */
#define ZC_ACTIVE	0x02	/* Zeek's is_active: timers still act */
#define ZC_PARTIAL	0x04	/* Zeek's is_partial */
#define ZC_FIRST_ORIG	0x08	/* first packet from the originator seen */
#define ZC_FIRST_RESP	0x10	/* and from the responder */
#define ZC_LONG_IDLE	0x20	/* past the handshake: tcp_inactivity_timeout */
#define ZC_HIST_FULL	0x40	/* history letters were dropped */

/* One connection as Zeek sees it.  All zero is a connection not yet started. */
struct zeek_conn {
	struct zeek_endpoint ep[2];	/* by the caller's side, 0 and 1 */
	uint64_t	 missed_bytes;	/* bytes in reported content gaps */
	uint16_t	 hist_seen;	/* once-letters seen: orig low byte */
	uint8_t		 orig;		/* side of the originator */
	uint8_t		 flags;		/* ZC_* */
	uint8_t		 hist_len;
	char		 history[ZEEK_HISTORY_LEN];
};

/* zeek_update() results: what the connection's timers must do. */
#define ZEV_TOUCH	0x01	/* Zeek's last time is this packet's */
#define ZEV_ATTEMPT	0x02	/* arm the attempt timer (tcp_attempt_delay) */
#define ZEV_CLOSED	0x04	/* closed for good: cancel the timers, delete
				   after tcp_close_delay */
#define ZEV_HALF_CLOSED	0x08	/* one side closed: look again after
				   tcp_session_timer */

/*
 * Apply one segment, sent by side (0 or 1), to z.  The first segment of a
 * zero-filled z starts it: its sender is the originator unless Zeek's
 * port heuristic flips it.  A segment with seg->cksum_bad only adds its
 * C/c letter, as Zeek drops it before its state machine; one whose TCP
 * options the snaplen cut (seg->hdr_truncated) is dropped without a
 * letter.  Returns ZEV_* bits.  Touches nothing but *z.
 */
uint32_t	 zeek_update(struct zeek_conn *z, const struct tcpfsm_seg *seg,
		    int side);

/*
 * zeek_update() without its short way for the common segment (a bare ACK
 * or data between established endpoints): every segment takes every
 * step.  The results are the same; check_zeek compares the two.
 */
uint32_t	 zeek_update_full(struct zeek_conn *z,
		    const struct tcpfsm_seg *seg, int side);

/*
 * Would Zeek end a started z and begin a new connection with this segment
 * (TCPSessionAdapter::IsReuse)?  Only a SYN can: on a connection one side
 * has closed, or with a new initial sequence number.
 */
bool		 zeek_is_reuse(const struct zeek_conn *z,
		    const struct tcpfsm_seg *seg);

/* conn.log's conn_state of z, by Zeek's decision order: "SF", "S0", ... */
const char	*zeek_conn_state(const struct zeek_conn *z);

/* conn.log's orig_bytes or resp_bytes for side, from sequence numbers. */
uint64_t	 zeek_size(const struct zeek_conn *z, int side);

/* Is port in Zeek's default likely_server_ports (its port heuristic)? */
bool		 zeek_likely_server_port(uint16_t port);

/* Is the handshake in z still waiting on the attempt timer's verdict? */
bool		 zeek_attempt_failed(const struct zeek_conn *z);

/*
 * Zeek's ExpireTimer at time now, last being Zeek's last time of z: true
 * if it ends the connection (one side closed for good, or nothing valid
 * ever seen, and quiet for tcp_connection_linger).
 */
bool		 zeek_expired(const struct zeek_conn *z, int64_t last,
		    int64_t now);

/* Script-land names: "TCP_INACTIVE", "TCP_ESTABLISHED", ... */
const char	*zeek_state_name(enum zeek_state s);

#endif /* TCPFSM_ZEEK_H */
