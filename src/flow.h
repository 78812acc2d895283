/*
 * flow.h - the connection table: segments in, finished connections out.
 *
 * A connection is keyed by its 4-tuple, both directions on one key.  Each
 * segment is replayed through the connection's pair of state machines
 * (tcpstate.c); the table runs the timers, in packet time, that decide the
 * anomalies nothing but silence can show, and writes each connection's
 * record through the sink when it is over.  For 2 x MSL after that a
 * compact trace of it stays behind to judge what happens next on its
 * 4-tuple (TIME_WAIT reuse, late FINs and RSTs).  Memory follows live
 * connections and those traces only.
 */
#ifndef TCPFSM_FLOW_H
#define TCPFSM_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "tcpstate.h"
#include "zeek.h"

struct tcpfsm_seg;
struct flow_table;

/* A 4-tuple in canonical order: side 0 sorts before side 1. */
struct flow_key {
	uint8_t		 addr[2][16];	/* IPv4 in the first 4 bytes */
	uint16_t	 port[2];
	uint8_t		 ipv;		/* 4 or 6 */
	uint8_t		 pad[3];	/* zero: keys are compared whole */
};

/* Who a connection is: enough to name it in any record. */
struct conn_ident {
	struct flow_key	 key;
	uint64_t	 serial;	/* order of creation, from 1 */
	int64_t		 first_ts;	/* first packet, microseconds */
	uint8_t		 client_side;	/* key side of the client: 0 or 1 */
	char		 uid[20];	/* "C" + 17 base62 characters; made
					   before the first callback shows it */
};

/* How a connection ended (DESIGN §3, §6). */
enum conn_end {
	END_NONE = 0,		/* still live */
	END_FIN,		/* both FINs sent and acknowledged */
	END_RST,		/* an accepted RST */
	END_REJECTED,		/* a RST answered the SYN */
	END_TIMEOUT,		/* idle for --idle-timeout */
	END_EVICTED,		/* pushed out by --max-conns */
	END_OPEN_AT_END,	/* still open when the input ended */
	END_NENDS
};

/* Who closed first (conn.closer). */
enum conn_closer {
	CLOSER_NONE = 0,
	CLOSER_CLIENT,
	CLOSER_SERVER,
	CLOSER_BOTH		/* a simultaneous close */
};

/* A live (or just finished) connection. */
struct conn {
	struct conn_ident id;
	struct conn	*next_free;	/* the free list, once it is over */
	struct conn	*lru_prev;	/* by last activity: idle expiry, eviction */
	struct conn	*lru_next;
	struct conn	*tm_prev;	/* in one decision-timer list */
	struct conn	*tm_next;
	uint32_t	 hash;
	uint8_t		 timer;		/* which decision-timer list, or none */
	uint8_t		 end;		/* enum conn_end */
	uint8_t		 closer;	/* enum conn_closer */
	uint8_t		 tw_side;	/* old TIME_WAIT endpoint + 1, or 0 */
	uint8_t		 tw_cond;	/* how the reuse met RFC 6191 */
	uint8_t		 pad[7];
	uint64_t	 first_frame;
	uint64_t	 last_frame;
	int64_t		 last_ts;
	int64_t		 timer_start;	/* when the pending decision's clock began */
	int64_t		 syn_ts;	/* client's first SYN */
	int64_t		 synack_ts;	/* server's first SYN-ACK */
	int64_t		 ack_ts;	/* the handshake's completing ACK */
	int64_t		 fin_ts[2];	/* each endpoint's first FIN */
	uint64_t	 ip_bytes[2];	/* IP bytes sent, per endpoint */
	int64_t		 tw_end;	/* when that TIME_WAIT was due to end */
	char		 tw_prev_uid[20];
	uint32_t	 seq_base[2];	/* relative sequence origin, each endpoint */
	uint8_t		 base_ok;	/* bit per endpoint */
	struct tcp_pair	 tcp;
	struct anomaly_list anoms;
	/*
	 * Zeek's view, a third of the struct: kept up to date if cfg.zeek,
	 * and not even allocated otherwise, so it stays last.
	 */
	struct zeek_conn zeek;
};

/* Totals for the summary. */
struct flow_stats {
	uint64_t	 conns;		/* connections started */
	uint64_t	 live;		/* live now */
	uint64_t	 live_max;	/* most live at once */
	uint64_t	 by_end[END_NENDS];
	uint64_t	 by_state[2][TCPS_NSTATES];	/* final, client and server */
	uint64_t	 anomalies[AN_NIDS];	/* connections with each id */
	uint64_t	 late_segments;	/* segments of finished connections */
	uint64_t	 segments;	/* segments replayed */
	uint64_t	 traces;	/* finished-connection traces now kept */
	uint64_t	 traces_dropped; /* traces --max-conns dropped early */
};

/* A segment as the replay saw it, for the --packets view. */
struct flow_segment_view {
	const struct conn_ident *id;
	int		 dir;		/* sender: TCP_CLIENT or TCP_SERVER */
	uint8_t		 states[2];	/* after the segment, client and server */
	uint8_t		 base_ok;	/* bit per endpoint: base[] is known */
	bool		 late;		/* of a connection already over */
	uint32_t	 base[2];	/* each endpoint's ISN (or first seq) */
};

/* Where records go.  Every callback may be NULL. */
struct flow_sink {
	void		*arg;
	/* A segment was replayed. */
	void		(*segment)(void *arg, const struct flow_segment_view *v,
			    const struct tcpfsm_seg *seg);
	/* A connection is over; its memory is reused after the call. */
	void		(*conn)(void *arg, const struct conn *c);
	/* An anomaly was decided (also for a finished connection's trace). */
	void		(*anomaly)(void *arg, const struct conn_ident *id,
			    const struct anomaly *a);
};

/* Timers and limits, times in microseconds (DESIGN §3 defaults). */
struct flow_config {
	int64_t		 handshake_timeout;
	int64_t		 fin_timeout;
	int64_t		 idle_timeout;
	int64_t		 msl;		/* TIME_WAIT lasts 2 x msl */
	uint64_t	 max_conns;	/* 0: no bound */
	uint64_t	 seed;		/* hash seed */
	bool		 zeek;		/* keep struct conn.zeek up to date */
};

#define FLOW_HANDSHAKE_TIMEOUT	(INT64_C(5) * 1000000)
#define FLOW_FIN_TIMEOUT	(INT64_C(5) * 1000000)
#define FLOW_IDLE_TIMEOUT	(INT64_C(300) * 1000000)
#define FLOW_MSL		(INT64_C(30) * 1000000)

/* Fill cfg with the defaults (seed 0: the caller picks one). */
void		 flow_config_default(struct flow_config *cfg);

/* A new table writing to sink.  Never NULL (allocation failure is fatal). */
struct flow_table *flow_new(const struct flow_config *cfg,
		    const struct flow_sink *sink);

/*
 * Replay one segment.  Timers whose packet-time deadline has passed fire
 * first; then the segment is matched to its connection (a new one when
 * none is live, or a SYN starts one on a closed 4-tuple) and replayed.
 */
void		 flow_segment(struct flow_table *ft, const struct tcpfsm_seg *seg);

/*
 * What matching a segment to its connection starts with: its canonical
 * key, the key's seeded hash and the key side that sent it.  Worked out
 * by flow_keyed_make() where it costs least (the reading thread), then
 * given to flow_segment_keyed(), which is flow_segment() without it.
 */
struct flow_keyed {
	struct flow_key	 key;
	uint32_t	 hash;
	int		 side;
};

void		 flow_keyed_make(const struct tcpfsm_seg *seg, uint64_t seed,
		    struct flow_keyed *kd);
/*
 * Ask the CPU for the index slots a segment of hash h will probe (with
 * syn, a SYN, the trace index's too): the analysis thread knows the
 * hashes of the segments a few ahead of the one it replays.
 */
void		 flow_prefetch(const struct flow_table *ft, uint32_t h, bool syn);
void		 flow_segment_keyed(struct flow_table *ft,
		    const struct tcpfsm_seg *seg, const struct flow_keyed *kd);

/*
 * Let time pass without a packet (a live capture in a quiet network):
 * timers due by now fire.  Time never goes back.
 */
void		 flow_tick(struct flow_table *ft, int64_t now);

/*
 * A segment went by that this table does not replay (another --shard's):
 * the clock moves to its time, as a segment's would, and timers due by
 * then fire.
 */
void		 flow_pass(struct flow_table *ft, int64_t ts, uint64_t frame);

/*
 * The input ended: decide what the end of input lets decide, and finish
 * every live connection as open_at_end, oldest first.
 */
void		 flow_finish(struct flow_table *ft);

const struct flow_stats *flow_stats(const struct flow_table *ft);

/* Free the table (after flow_finish(), or to abandon it). */
void		 flow_free(struct flow_table *ft);

/* Canonical key of a segment; *dir is the sending side (0 or 1). */
void		 flow_key_make(const struct tcpfsm_seg *seg, struct flow_key *k,
		    int *side);

/*
 * The seeded hash of a canonical key for hash tables, of its addresses,
 * ports and IP version.  hash(A->B) == hash(B->A).
 */
uint32_t	 flow_key_hash(const struct flow_key *k, uint64_t seed);

/*
 * SipHash-1-3 of the whole canonical key (40 bytes, padding included) with
 * the key k0, k1: stable across versions, as the uids made from it are.
 */
uint64_t	 flow_key_siphash(const struct flow_key *k, uint64_t k0,
		    uint64_t k1);

/*
 * --shard: which of n shards (0 to n-1) a canonical key's connection
 * falls in.  Not seeded, so that processes apart agree, and stable
 * across versions, so that shards of one capture analysed by different
 * releases still split it cleanly.  Both directions of a connection, and
 * every connection on one 4-tuple, fall in one shard.
 */
uint32_t	 flow_key_shard(const struct flow_key *k, uint32_t n);

/* Stable lowercase names: "fin", "open_at_end"; "client", "both". */
const char	*flow_end_name(enum conn_end e);
const char	*flow_closer_name(enum conn_closer c);

#endif /* TCPFSM_FLOW_H */
