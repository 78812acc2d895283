/*
 * flow.c - the connection table, its timers, and the traces of finished
 * connections.
 *
 * HOW IT WORKS.  Live connections sit in a hash table of power-of-two size
 * (chained, keyed by the canonical 4-tuple, seeded SipHash-1-3) and on an
 * intrusive list ordered by last activity: its head is both the next to
 * go idle and the one --max-conns evicts.  A connection waiting for a
 * decision only silence can make (an unanswered SYN or SYN-ACK, an
 * unacknowledged FIN) is also on one of two timer lists; each list has one
 * timeout and connections join it as the clock runs, so the head always
 * has the earliest deadline and expiry is a look at three list heads per
 * packet.  When a connection is over its record goes to the sink, its
 * struct goes to a free list for the next connection, and a trace of a few
 * dozen bytes stays for 2 x MSL in a second hash table, in a FIFO by the
 * time it ended.  Nothing here allocates per packet.
 */
#include <config.h>

#include "flow.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "util.h"

#define TIMER_NONE	0
#define TIMER_HANDSHAKE	1
#define TIMER_FIN	2
#define NTIMERS		3

#define FLOW_BUCKETS_MIN	1024

/* What the trace of a finished connection remembers (struct trace.flags). */
#define TR_TS_OK	0x01	/* both endpoints sent timestamps */
#define TR_FIN_RETX_C	0x02	/* the client retransmitted its FIN late */
#define TR_FIN_RETX_S	0x04	/* the server did */
#define TR_REPORTED	0x08	/* a late-segment anomaly was reported */

/* struct conn.tw_cond: how a reuse of a TIME_WAIT 4-tuple met RFC 6191. */
#define TW_COND_NONE	0
#define TW_COND_ISN	1	/* a greater ISN */
#define TW_COND_TS	2	/* a greater timestamp */
#define TW_COND_FAILED	3	/* neither */

struct trace {
	struct trace	*hnext;
	struct trace	*fnext;		/* FIFO by end time */
	struct conn_ident id;
	uint32_t	 hash;
	uint8_t		 state[2];	/* final states, client and server */
	uint8_t		 end;		/* enum conn_end */
	uint8_t		 flags;		/* TR_* */
	uint8_t		 rst_by;	/* who sent the RST that ended it */
	int64_t		 end_ts;
	uint32_t	 snd_nxt[2];	/* final next sequence number, each side */
	uint32_t	 tsval[2];	/* last timestamp value, each side */
	uint32_t	 base[2];	/* relative sequence origin, each side */
	uint8_t		 base_ok;
};

struct tmlist {
	struct conn	*head;
	struct conn	*tail;
};

struct flow_table {
	struct flow_config cfg;
	struct flow_sink sink;
	struct conn	**buckets;
	size_t		 nbuckets;	/* a power of two */
	struct trace	**tbuckets;
	size_t		 ntbuckets;
	struct conn	*lru_head;	/* least recently active */
	struct conn	*lru_tail;
	struct tmlist	 timers[NTIMERS];
	struct trace	*tfifo_head;
	struct trace	*tfifo_tail;
	struct conn	*free_conns;
	struct trace	*free_traces;
	struct flow_stats stats;
	int64_t		 now;		/* packet time */
	uint64_t	 frame;		/* current frame */
};

static void flow_finish_conn(struct flow_table *, struct conn *,
    enum conn_end);

/* ---- hashing ------------------------------------------------------- */

#define ROTL64(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32);	\
	v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32);	\
} while (0)

/* SipHash-1-3 (Aumasson and Bernstein): one round a block, three to end. */
static uint64_t
siphash13(const uint8_t *in, size_t len, uint64_t k0, uint64_t k1)
{
	uint64_t	v0 = k0 ^ UINT64_C(0x736f6d6570736575);
	uint64_t	v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
	uint64_t	v2 = k0 ^ UINT64_C(0x6c7967656e657261);
	uint64_t	v3 = k1 ^ UINT64_C(0x7465646279746573);
	uint64_t	m, b = (uint64_t)len << 56;
	size_t		i, j;

	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)in[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (j = 0; i + j < len; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return (v0 ^ v1 ^ v2 ^ v3);
}

uint32_t
flow_key_hash(const struct flow_key *k, uint64_t seed)
{
	uint64_t h;

	h = siphash13((const uint8_t *)k, sizeof(*k), seed,
	    seed ^ UINT64_C(0x9e3779b97f4a7c15));
	return ((uint32_t)(h ^ (h >> 32)));
}

void
flow_key_make(const struct tcpfsm_seg *seg, struct flow_key *k, int *side)
{
	size_t	alen = seg->ipv == 6 ? 16 : 4;
	int	c;

	memset(k, 0, sizeof(*k));
	k->ipv = seg->ipv;
	c = memcmp(seg->src, seg->dst, alen);
	if (c == 0)
		c = seg->sport < seg->dport ? -1 : seg->sport > seg->dport;
	/* The smaller (address, port) is side 0, whoever sent this one. */
	*side = c <= 0 ? 0 : 1;
	memcpy(k->addr[*side], seg->src, alen);
	memcpy(k->addr[!*side], seg->dst, alen);
	k->port[*side] = seg->sport;
	k->port[!*side] = seg->dport;
}

/* Deterministic, so two runs over a file name connections alike. */
static void
make_uid(struct conn_ident *id)
{
	static const char digits[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint64_t	h[2];
	size_t		i;

	h[0] = siphash13((const uint8_t *)&id->key, sizeof(id->key),
	    id->serial, (uint64_t)id->first_ts);
	h[1] = siphash13((const uint8_t *)&id->key, sizeof(id->key),
	    (uint64_t)id->first_ts, ~id->serial);
	id->uid[0] = 'C';
	for (i = 1; i < 18; i++) {
		id->uid[i] = digits[h[i & 1] % 62];
		h[i & 1] /= 62;
	}
	id->uid[18] = '\0';
}

/* ---- lists --------------------------------------------------------- */

static void
lru_unlink(struct flow_table *ft, struct conn *c)
{
	if (c->lru_prev != NULL)
		c->lru_prev->lru_next = c->lru_next;
	else
		ft->lru_head = c->lru_next;
	if (c->lru_next != NULL)
		c->lru_next->lru_prev = c->lru_prev;
	else
		ft->lru_tail = c->lru_prev;
	c->lru_prev = c->lru_next = NULL;
}

static void
lru_append(struct flow_table *ft, struct conn *c)
{
	c->lru_next = NULL;
	c->lru_prev = ft->lru_tail;
	if (ft->lru_tail != NULL)
		ft->lru_tail->lru_next = c;
	else
		ft->lru_head = c;
	ft->lru_tail = c;
}

static void
timer_disarm(struct flow_table *ft, struct conn *c)
{
	struct tmlist *l;

	if (c->timer == TIMER_NONE)
		return;
	l = &ft->timers[c->timer];
	if (c->tm_prev != NULL)
		c->tm_prev->tm_next = c->tm_next;
	else
		l->head = c->tm_next;
	if (c->tm_next != NULL)
		c->tm_next->tm_prev = c->tm_prev;
	else
		l->tail = c->tm_prev;
	c->tm_prev = c->tm_next = NULL;
	c->timer = TIMER_NONE;
}

/*
 * Put c on timer list which, its clock started at start.  Starts are
 * almost always the newest, so the walk back from the tail is short.
 */
static void
timer_arm(struct flow_table *ft, struct conn *c, int which, int64_t start)
{
	struct tmlist	*l = &ft->timers[which];
	struct conn	*after;

	timer_disarm(ft, c);
	c->timer = (uint8_t)which;
	c->timer_start = start;
	after = l->tail;
	while (after != NULL && after->timer_start > start)
		after = after->tm_prev;
	c->tm_prev = after;
	c->tm_next = after != NULL ? after->tm_next : l->head;
	if (c->tm_next != NULL)
		c->tm_next->tm_prev = c;
	else
		l->tail = c;
	if (after != NULL)
		after->tm_next = c;
	else
		l->head = c;
}

/* ---- hash tables --------------------------------------------------- */

static void
conn_table_grow(struct flow_table *ft)
{
	struct conn	**nb, *c, *next;
	size_t		 n = ft->nbuckets * 2, i, b;

	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < ft->nbuckets; i++) {
		for (c = ft->buckets[i]; c != NULL; c = next) {
			next = c->hnext;
			b = c->hash & (n - 1);
			c->hnext = nb[b];
			nb[b] = c;
		}
	}
	free(ft->buckets);
	ft->buckets = nb;
	ft->nbuckets = n;
}

static void
trace_table_grow(struct flow_table *ft)
{
	struct trace	**nb, *t, *next;
	size_t		 n = ft->ntbuckets * 2, i, b;

	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < ft->ntbuckets; i++) {
		for (t = ft->tbuckets[i]; t != NULL; t = next) {
			next = t->hnext;
			b = t->hash & (n - 1);
			t->hnext = nb[b];
			nb[b] = t;
		}
	}
	free(ft->tbuckets);
	ft->tbuckets = nb;
	ft->ntbuckets = n;
}

static struct conn *
conn_lookup(struct flow_table *ft, uint32_t h, const struct flow_key *k)
{
	struct conn *c;

	for (c = ft->buckets[h & (ft->nbuckets - 1)]; c != NULL; c = c->hnext)
		if (c->hash == h && memcmp(&c->id.key, k, sizeof(*k)) == 0)
			return (c);
	return (NULL);
}

static void
conn_unhash(struct flow_table *ft, struct conn *c)
{
	struct conn **pp;

	pp = &ft->buckets[c->hash & (ft->nbuckets - 1)];
	while (*pp != NULL && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp == c)
		*pp = c->hnext;
	c->hnext = NULL;
}

static struct trace *
trace_lookup(struct flow_table *ft, uint32_t h, const struct flow_key *k)
{
	struct trace *t;

	for (t = ft->tbuckets[h & (ft->ntbuckets - 1)]; t != NULL;
	    t = t->hnext)
		if (t->hash == h && memcmp(&t->id.key, k, sizeof(*k)) == 0)
			return (t);
	return (NULL);
}

/* Take t out of its hash chain (it stays in the FIFO until it expires). */
static void
trace_unhash(struct flow_table *ft, struct trace *t)
{
	struct trace **pp;

	pp = &ft->tbuckets[t->hash & (ft->ntbuckets - 1)];
	while (*pp != NULL && *pp != t)
		pp = &(*pp)->hnext;
	if (*pp == t) {
		*pp = t->hnext;
		ft->stats.traces--;
	}
	t->hnext = t;	/* marks "unhashed" for the FIFO's expiry */
}

/* ---- anomalies ----------------------------------------------------- */

static enum anomaly_who
who_of(int ep)
{
	return (ep == TCP_CLIENT ? WHO_CLIENT : WHO_SERVER);
}

/*
 * Raise id on c; stream it and count it the first time.  related names
 * another connection it concerns, or is NULL.
 */
static struct anomaly *
raise_rel(struct flow_table *ft, struct conn *c, enum anomaly_id id, int sev,
    enum anomaly_who who, int64_t ts, uint64_t d0, uint64_t d1,
    const char *related)
{
	struct anomaly *a;

	a = anomaly_raise(&c->anoms, id, sev, who, ft->frame, ts);
	if (a == NULL)
		return (NULL);
	a->detail[0] = d0;
	a->detail[1] = d1;
	if (related != NULL)
		memcpy(a->related_uid, related, sizeof(a->related_uid));
	ft->stats.anomalies[id]++;
	if (ft->sink.anomaly != NULL)
		ft->sink.anomaly(ft->sink.arg, &c->id, a);
	return (a);
}

static struct anomaly *
raise(struct flow_table *ft, struct conn *c, enum anomaly_id id, int sev,
    enum anomaly_who who, int64_t ts, uint64_t d0, uint64_t d1)
{
	return (raise_rel(ft, c, id, sev, who, ts, d0, d1, NULL));
}

/* Raise an anomaly on a finished connection, known only by its trace. */
static void
raise_late(struct flow_table *ft, struct trace *t, enum anomaly_id id,
    enum anomaly_who who, uint64_t d0)
{
	struct anomaly a;

	memset(&a, 0, sizeof(a));
	a.id = (uint8_t)id;
	a.sev = anomaly_def(id)->sev;
	a.who = (uint8_t)who;
	a.count = 1;
	a.frame = ft->frame;
	a.ts = ft->now;
	a.detail[0] = d0;
	a.late = 1;
	ft->stats.anomalies[id]++;
	if (ft->sink.anomaly != NULL)
		ft->sink.anomaly(ft->sink.arg, &t->id, &a);
}

/* Events of one segment from endpoint dir, as anomalies. */
static void
raise_events(struct flow_table *ft, struct conn *c, int dir, uint64_t ev,
    const struct tcpfsm_seg *seg)
{
	const struct tcp_endpoint *s = &c->tcp.ep[dir], *r = &c->tcp.ep[!dir];
	enum anomaly_who	   me = who_of(dir), peer = who_of(!dir);
	int64_t			   ts = seg->ts;

	if (ev & TEV_SYN_RETX)
		raise(ft, c, AN_SYN_RETRANSMITTED, -1, me, ts, 0, 0);
	if (ev & TEV_SYNACK_RETX)
		raise(ft, c, AN_SYNACK_RETRANSMITTED, -1, me, ts, 0, 0);
	if (ev & TEV_SYNACK_BAD_ACK)
		raise(ft, c, AN_SYNACK_BAD_ACK, -1, me, ts, seg->ack,
		    (uint32_t)(r->isn + 1));
	if (ev & TEV_HS_ACK_BAD)
		raise(ft, c, AN_HANDSHAKE_ACK_BAD, -1, me, ts, seg->ack,
		    (uint32_t)(r->isn + 1));
	if (ev & TEV_ACK_NOT_SYNACK)
		raise(ft, c, AN_ACK_INSTEAD_OF_SYNACK, -1, me, ts, seg->ack, 0);
	if (ev & TEV_DATA_EARLY)
		raise(ft, c, AN_DATA_BEFORE_ESTABLISHED, SEV_WARNING, me, ts,
		    seg->payload_len, 0);
	if (ev & TEV_DATA_EARLY_TFO)
		raise(ft, c, AN_DATA_BEFORE_ESTABLISHED, SEV_INFO, me, ts,
		    seg->payload_len, 0);
	if (ev & TEV_SYN_ON_EST)
		raise(ft, c, AN_SYN_ON_ESTABLISHED, -1, me, ts, seg->seq, 0);
	if (ev & TEV_SIMOPEN)
		raise(ft, c, AN_SIMULTANEOUS_OPEN, -1, WHO_BOTH, ts, 0, 0);
	if (ev & TEV_SPLIT_HS)
		raise(ft, c, AN_SPLIT_HANDSHAKE, -1, WHO_SERVER, ts, 0, 0);
	/*
	 * Bytes acknowledged beyond what the capture saw, unless the ACK is
	 * wrong anyway (an old connection's, a bad handshake's) or the
	 * capture never saw the other side at all (one_sided says that).
	 */
	if ((ev & TEV_ACK_UNSEEN) && !(ev & (TEV_ACK_NOT_SYNACK |
	    TEV_SYNACK_BAD_ACK | TEV_HS_ACK_BAD)) && (r->flags & EP_SEEN))
		raise(ft, c, AN_ACK_UNSEEN_DATA, -1, me, ts,
		    (uint32_t)(seg->ack - r->snd_nxt), 0);
	if (ev & TEV_SEQ_OOW)
		raise(ft, c, AN_SEQ_OUT_OF_WINDOW, -1, me, ts,
		    (uint32_t)(seg->seq + seg->payload_len), r->right_edge);
	if (ev & TEV_DATA_AFTER_FIN)
		raise(ft, c, AN_DATA_AFTER_FIN, -1, me, ts, 0, 0);
	if (ev & TEV_AFTER_RST)
		raise(ft, c, AN_SEGMENT_AFTER_RST, -1, me, ts, 0, 0);
	if (ev & TEV_FIN_RETX)
		raise(ft, c, AN_FIN_RETRANSMITTED, -1, me, ts, 0, 0);
	if (ev & TEV_SIM_CLOSE)
		raise(ft, c, AN_SIMULTANEOUS_CLOSE, -1, WHO_BOTH, ts, 0, 0);
	if (ev & TEV_RST_AFTER_FIN)
		raise(ft, c, AN_RST_AFTER_FIN, -1, me, ts, 0, 0);
	if (ev & TEV_TW_ASSASSIN)
		raise(ft, c, AN_TIME_WAIT_ASSASSINATION, -1, peer, ts, 0, 0);
	if (ev & TEV_RST_OOW)
		raise(ft, c, AN_RST_OUT_OF_WINDOW, -1, me, ts, seg->seq, 0);
	if (ev & TEV_RST_IN_HS)
		raise(ft, c, AN_RST_IN_HANDSHAKE, -1, me, ts, 0, 0);
	if ((ev & TEV_RST_REPLY) && c->tw_side == !dir + 1) {
		/*
		 * It answered the old connection's ACK: that TIME_WAIT is
		 * killed, and what the endpoint does next is no early exit.
		 */
		raise_rel(ft, c, AN_TIME_WAIT_ASSASSINATION, -1, peer, ts, 0, 0,
		    c->tw_prev_uid);
		c->tw_side = 0;
	}
	if (ev & TEV_INVALID_FLAGS)
		raise(ft, c, AN_INVALID_FLAGS, -1, me, ts, seg->flags, 0);
	if (ev & TEV_BAD_OPTION)
		raise(ft, c, AN_BAD_TCP_OPTION, -1, me, ts,
		    seg->opt.bad_kind, 0);
	(void)s;
}

/* Has the peer of ep acknowledged ep's FIN? */
static bool
fin_acked(const struct tcp_pair *tp, int ep)
{
	const struct tcp_endpoint *e = &tp->ep[ep], *p = &tp->ep[!ep];

	return ((e->flags & EP_FIN) && (p->flags & EP_ACK) &&
	    seq_gt(p->ack, e->fin_seq));
}

/*
 * Has the capture seen one direction only, from an endpoint that heard
 * back?  Then silence from the other is the capture's, not the endpoint's.
 */
static bool
one_sided(const struct conn *c)
{
	const struct tcp_endpoint *cl = &c->tcp.ep[TCP_CLIENT];
	const struct tcp_endpoint *sv = &c->tcp.ep[TCP_SERVER];

	if ((cl->flags & EP_SEEN) == (sv->flags & EP_SEEN))
		return (false);
	return ((((cl->flags & EP_SEEN) ? cl : sv)->flags & EP_ACK) != 0);
}

/*
 * The handshake timer ran out (or the input ended and eof says so): an
 * unanswered SYN, or a SYN-ACK nobody acknowledged.  A client that sent
 * more than SYNs heard back: the capture missed the answer (one-sided).
 */
static void
decide_handshake(struct flow_table *ft, struct conn *c, int64_t ts, bool eof)
{
	const struct tcp_endpoint *cl = &c->tcp.ep[TCP_CLIENT];
	const struct tcp_endpoint *sv = &c->tcp.ep[TCP_SERVER];

	if ((c->tcp.flags & (TP_ESTABLISHED | TP_RESET | TP_REJECTED)) ||
	    one_sided(c))
		return;
	if (cl->state == TCPS_SYN_SENT && !(sv->flags & EP_SYN) &&
	    cl->pkts == cl->syn_retx + 1) {
		if (!eof || cl->syn_retx > 0)
			raise(ft, c, AN_SYN_UNANSWERED, -1, WHO_CLIENT, ts,
			    cl->syn_retx + 1, 0);
	} else if (sv->state == TCPS_SYN_RECEIVED && (sv->flags & EP_SYNACK)) {
		if (!eof || sv->syn_retx > 0) {
			raise(ft, c, AN_SYNACK_UNACKED, -1, WHO_SERVER, ts,
			    sv->syn_retx + 1, 0);
			tcpstate_synack_unanswered(&c->tcp);
		}
	}
}

/*
 * The FIN timer ran out: each FIN still unacknowledged after fin_timeout
 * is decided; a later FIN that still has time gets the timer back.
 */
static void
decide_fin(struct flow_table *ft, struct conn *c, bool eof)
{
	const struct tcp_endpoint	*e;
	int64_t				 deadline, next = INT64_MAX;
	int				 i;

	if (one_sided(c))
		return;
	for (i = 0; i < 2; i++) {
		e = &c->tcp.ep[i];
		if (!(e->flags & EP_FIN) || fin_acked(&c->tcp, i) ||
		    (c->tcp.flags & (TP_RESET | TP_REJECTED)))
			continue;
		deadline = c->fin_ts[i] + ft->cfg.fin_timeout;
		if (deadline <= ft->now || (eof && e->fin_retx > 0)) {
			if (e->state == TCPS_LAST_ACK)
				raise(ft, c, AN_LAST_ACK_UNACKED, -1,
				    who_of(i), deadline <= ft->now ? deadline :
				    ft->now, 0, 0);
			else
				raise(ft, c, AN_FIN_UNACKED, -1, who_of(i),
				    deadline <= ft->now ? deadline : ft->now,
				    e->state, 0);
		} else if (c->fin_ts[i] < next)
			next = c->fin_ts[i];
	}
	if (!eof && next != INT64_MAX)
		timer_arm(ft, c, TIMER_FIN, next);
}

/*
 * One side's FIN was acknowledged and the other never sent one: the
 * closer waits in FIN_WAIT_2, the other sits in CLOSE_WAIT.
 */
static void
decide_half_closed(struct flow_table *ft, struct conn *c, int64_t ts)
{
	int i;

	if (one_sided(c))
		return;
	for (i = 0; i < 2; i++) {
		if (fin_acked(&c->tcp, i) &&
		    !(c->tcp.ep[!i].flags & EP_FIN) &&
		    !(c->tcp.flags & (TP_RESET | TP_REJECTED)))
			raise(ft, c, AN_HALF_CLOSED, -1, who_of(!i), ts, 0, 0);
	}
}

/* ---- connections --------------------------------------------------- */

static struct conn *
conn_new(struct flow_table *ft, const struct flow_key *k, uint32_t h,
    int client_side, const struct tcpfsm_seg *seg)
{
	struct conn *c;

	if (ft->cfg.max_conns != 0 && ft->stats.live >= ft->cfg.max_conns &&
	    ft->lru_head != NULL)
		flow_finish_conn(ft, ft->lru_head, END_EVICTED);

	if ((c = ft->free_conns) != NULL)
		ft->free_conns = c->hnext;
	else
		c = xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->id.key = *k;
	c->id.serial = ++ft->stats.conns;
	c->id.first_ts = seg->ts;
	c->id.client_side = (uint8_t)client_side;
	make_uid(&c->id);
	c->hash = h;
	c->first_frame = seg->frame;
	tcpstate_init(&c->tcp);

	if (ft->stats.live >= ft->nbuckets)
		conn_table_grow(ft);
	c->hnext = ft->buckets[h & (ft->nbuckets - 1)];
	ft->buckets[h & (ft->nbuckets - 1)] = c;
	lru_append(ft, c);
	ft->stats.live++;
	if (ft->stats.live > ft->stats.live_max)
		ft->stats.live_max = ft->stats.live;
	return (c);
}

/* Keep what judging the 4-tuple's next 2 x MSL needs. */
static void
trace_keep(struct flow_table *ft, const struct conn *c)
{
	struct trace	*t, *old;
	size_t		 b;
	int		 i;

	if ((old = trace_lookup(ft, c->hash, &c->id.key)) != NULL)
		trace_unhash(ft, old);
	if ((t = ft->free_traces) != NULL)
		ft->free_traces = t->fnext;
	else
		t = xmalloc(sizeof(*t));
	memset(t, 0, sizeof(*t));
	t->id = c->id;
	t->hash = c->hash;
	t->end = c->end;
	t->end_ts = c->last_ts;
	t->rst_by = c->tcp.rst_by;
	t->base_ok = c->base_ok;
	for (i = 0; i < 2; i++) {
		t->base[i] = c->seq_base[i];
		t->state[i] = c->tcp.ep[i].state;
		t->snd_nxt[i] = c->tcp.ep[i].snd_nxt;
		t->tsval[i] = c->tcp.ep[i].tsval;
	}
	if ((c->tcp.ep[0].flags & EP_TS_SEEN) &&
	    (c->tcp.ep[1].flags & EP_TS_SEEN))
		t->flags |= TR_TS_OK;

	if (ft->stats.traces >= ft->ntbuckets)
		trace_table_grow(ft);
	b = t->hash & (ft->ntbuckets - 1);
	t->hnext = ft->tbuckets[b];
	ft->tbuckets[b] = t;
	ft->stats.traces++;
	t->fnext = NULL;
	if (ft->tfifo_tail != NULL)
		ft->tfifo_tail->fnext = t;
	else
		ft->tfifo_head = t;
	ft->tfifo_tail = t;
}

/* Decisions that belong to the end of a connection, however it ends. */
static void
decide_at_end(struct flow_table *ft, struct conn *c)
{
	if (one_sided(c) && !(c->tcp.flags & TP_REJECTED))
		raise(ft, c, AN_ONE_SIDED, -1, WHO_CAPTURE, c->last_ts,
		    (c->tcp.ep[TCP_CLIENT].flags & EP_SEEN) ? 0 : 1, 0);
}

static void
flow_finish_conn(struct flow_table *ft, struct conn *c, enum conn_end end)
{
	const struct tcp_pair	*tp = &c->tcp;
	int			 i;

	c->end = (uint8_t)end;
	if (tp->flags & TP_RESET)
		c->closer = tp->rst_by == TCP_CLIENT ? CLOSER_CLIENT :
		    CLOSER_SERVER;
	else if (anomaly_has(&c->anoms, AN_SIMULTANEOUS_CLOSE))
		c->closer = CLOSER_BOTH;
	else if ((tp->ep[0].flags | tp->ep[1].flags) & EP_FIN)
		c->closer = tp->first_fin == TCP_CLIENT ? CLOSER_CLIENT :
		    CLOSER_SERVER;
	decide_at_end(ft, c);

	ft->stats.by_end[end]++;
	for (i = 0; i < 2; i++)
		ft->stats.by_state[i][tp->ep[i].state]++;
	if (ft->sink.conn != NULL)
		ft->sink.conn(ft->sink.arg, c);
	if (end == END_FIN || end == END_RST || end == END_REJECTED)
		trace_keep(ft, c);

	timer_disarm(ft, c);
	lru_unlink(ft, c);
	conn_unhash(ft, c);
	anomaly_list_clear(&c->anoms);
	ft->stats.live--;
	c->hnext = ft->free_conns;
	ft->free_conns = c;
}

/* Run every timer whose deadline is at or before now. */
static void
flow_expire(struct flow_table *ft, int64_t now)
{
	struct tmlist	*l;
	struct conn	*c;
	struct trace	*t;

	l = &ft->timers[TIMER_HANDSHAKE];
	while ((c = l->head) != NULL &&
	    c->timer_start + ft->cfg.handshake_timeout <= now) {
		timer_disarm(ft, c);
		decide_handshake(ft, c,
		    c->timer_start + ft->cfg.handshake_timeout, false);
	}
	l = &ft->timers[TIMER_FIN];
	while ((c = l->head) != NULL &&
	    c->timer_start + ft->cfg.fin_timeout <= now) {
		timer_disarm(ft, c);
		decide_fin(ft, c, false);
	}
	while ((c = ft->lru_head) != NULL &&
	    c->last_ts + ft->cfg.idle_timeout <= now) {
		decide_half_closed(ft, c, c->last_ts + ft->cfg.idle_timeout);
		flow_finish_conn(ft, c, END_TIMEOUT);
	}
	while ((t = ft->tfifo_head) != NULL &&
	    t->end_ts + 2 * ft->cfg.msl <= now) {
		ft->tfifo_head = t->fnext;
		if (ft->tfifo_head == NULL)
			ft->tfifo_tail = NULL;
		if (t->hnext != t)
			trace_unhash(ft, t);
		t->fnext = ft->free_traces;
		ft->free_traces = t;
	}
}

/*
 * A new SYN on a 4-tuple whose last connection left an endpoint in
 * TIME_WAIT: remember which, and whether RFC 6191 allows the reuse
 * (a greater ISN than the old connection's last sequence number from the
 * SYN's sender, or a greater timestamp).  The endpoint that was in
 * TIME_WAIT decides it: by sending the SYN itself, or by its SYN-ACK.
 */
static void
tw_relate(struct flow_table *ft, struct conn *c, const struct trace *t,
    int side, const struct tcpfsm_seg *seg)
{
	int	old_ep, tw_old = -1, key_side, new_ep, i;

	/* The old endpoint that sent this SYN. */
	old_ep = side == t->id.client_side ? TCP_CLIENT : TCP_SERVER;
	/* Which was in TIME_WAIT: the SYN's sender first, if both were. */
	for (i = 0; i < 2; i++)
		if (t->state[i] == TCPS_TIME_WAIT && tw_old != old_ep)
			tw_old = i;
	if (tw_old < 0)
		return;
	key_side = tw_old == TCP_CLIENT ? t->id.client_side :
	    !t->id.client_side;
	new_ep = key_side == c->id.client_side ? TCP_CLIENT : TCP_SERVER;
	c->tw_side = (uint8_t)(new_ep + 1);
	memcpy(c->tw_prev_uid, t->id.uid, sizeof(c->tw_prev_uid));
	/* What the SYN's sender sent last time decides RFC 6191. */
	if ((t->flags & TR_TS_OK) &&
	    (seg->opt.present & TCPO_TIMESTAMP) &&
	    seq_gt(seg->opt.tsval, t->tsval[old_ep]))
		c->tw_cond = TW_COND_TS;
	else if (seq_gt(seg->seq, t->snd_nxt[old_ep]))
		c->tw_cond = TW_COND_ISN;
	else
		c->tw_cond = TW_COND_FAILED;
	c->tw_end = t->end_ts + 2 * ft->cfg.msl;
}

/* The TIME_WAIT endpoint acted on the new connection: judge it. */
static void
tw_decide(struct flow_table *ft, struct conn *c, int64_t ts)
{
	int	ep = c->tw_side - 1;
	int64_t	left = c->tw_end - ts;

	if (c->tw_cond == TW_COND_FAILED)
		(void)raise_rel(ft, c, AN_PREMATURE_TIME_WAIT_EXIT, -1,
		    who_of(ep), ts, (uint64_t)(left > 0 ? left : 0), 0,
		    c->tw_prev_uid);
	else
		(void)raise_rel(ft, c, AN_TIME_WAIT_REUSE, -1, who_of(ep), ts,
		    c->tw_cond == TW_COND_TS, 0, c->tw_prev_uid);
	c->tw_side = 0;
}

/*
 * What a late segment says: retransmitted FINs, RSTs into TIME_WAIT and
 * traffic after a RST are reported under the old connection's uid.
 * The trace's states follow.
 */
static void
flow_late_judge(struct flow_table *ft, struct trace *t, int ep,
    const struct tcpfsm_seg *seg)
{
	bool	rst = seg->flags & TCPF_RST, fin = seg->flags & TCPF_FIN;
	bool	ack = seg->flags & TCPF_ACK;
	int	retx_mine = ep == TCP_CLIENT ? TR_FIN_RETX_C : TR_FIN_RETX_S;
	int	retx_peer = ep == TCP_CLIENT ? TR_FIN_RETX_S : TR_FIN_RETX_C;

	if (t->end == END_RST || t->end == END_REJECTED) {
		/*
		 * Traffic after the RST.  The RST's receiver may have had
		 * segments in flight when it was sent; its sender may not.
		 */
		if (!rst && !(t->flags & TR_REPORTED) && (ep == t->rst_by ||
		    seg->ts - t->end_ts > ft->cfg.handshake_timeout)) {
			t->flags |= TR_REPORTED;
			raise_late(ft, t, AN_SEGMENT_AFTER_RST, who_of(ep), 0);
		}
		return;
	}
	if (t->end != END_FIN)
		return;
	if (fin && !rst) {
		/* Its FIN again: the final ACK never reached it. */
		if (!(t->flags & retx_mine))
			raise_late(ft, t, AN_FIN_RETRANSMITTED, who_of(ep), 0);
		t->flags |= retx_mine;
		if (t->state[ep] == TCPS_CLOSED)
			t->state[ep] = TCPS_LAST_ACK;
		return;
	}
	if (!rst) {
		/* TIME_WAIT acknowledges the FIN again: this time it arrives. */
		if (ack && (t->flags & retx_peer) &&
		    t->state[!ep] == TCPS_LAST_ACK)
			t->state[!ep] = TCPS_CLOSED;
		return;
	}
	if (t->state[ep] == TCPS_TIME_WAIT && (t->flags & retx_peer)) {
		/* A retransmitted FIN answered with a RST, not an ACK. */
		raise_late(ft, t, AN_PREMATURE_TIME_WAIT_EXIT, who_of(ep),
		    (uint64_t)(t->end_ts + 2 * ft->cfg.msl - seg->ts));
		t->state[ep] = TCPS_CLOSED;
		t->state[!ep] = TCPS_CLOSED;
	} else if (t->state[!ep] == TCPS_TIME_WAIT) {
		raise_late(ft, t, AN_TIME_WAIT_ASSASSINATION, who_of(!ep), 0);
		t->state[!ep] = TCPS_CLOSED;
	}
}

/*
 * A segment of a connection that is over, within 2 x MSL of its end:
 * judged by its trace, then shown with the states it leaves.
 */
static void
flow_late(struct flow_table *ft, struct trace *t, int side,
    const struct tcpfsm_seg *seg)
{
	struct flow_segment_view v;
	int	ep = side == t->id.client_side ? TCP_CLIENT : TCP_SERVER;

	ft->stats.late_segments++;
	flow_late_judge(ft, t, ep, seg);
	if (ft->sink.segment != NULL) {
		v.id = &t->id;
		v.dir = ep;
		v.states[0] = t->state[0];
		v.states[1] = t->state[1];
		v.base_ok = t->base_ok;
		v.base[0] = t->base[0];
		v.base[1] = t->base[1];
		v.late = true;
		ft->sink.segment(ft->sink.arg, &v, seg);
	}
}

/* Replay seg, sent by endpoint dir, on c. */
static void
flow_replay(struct flow_table *ft, struct conn *c, int dir,
    const struct tcpfsm_seg *seg)
{
	struct tcp_pair	*tp = &c->tcp;
	struct flow_segment_view v;
	uint64_t	 ev;
	int		 i;

	if (!(c->base_ok & (1 << dir))) {
		c->seq_base[dir] = seg->seq;
		c->base_ok |= (uint8_t)(1 << dir);
	}
	ev = tcpstate_update(tp, dir, seg);
	if (ft->cfg.zeek)
		(void)zeek_update(&c->zeek, seg, dir);
	for (i = 0; i < 2; i++) {
		/* The ISN is the origin, also one a SYN-ACK told of. */
		if (tp->ep[i].flags & EP_SYN) {
			c->seq_base[i] = tp->ep[i].isn;
			c->base_ok |= (uint8_t)(1 << i);
		}
	}
	c->last_ts = seg->ts;
	c->last_frame = seg->frame;
	c->ip_bytes[dir] += seg->ip_len;
	lru_unlink(ft, c);
	lru_append(ft, c);
	ft->stats.segments++;

	if ((ev & TEV_SYN) && dir == TCP_CLIENT && c->syn_ts == 0) {
		c->syn_ts = seg->ts;
		timer_arm(ft, c, TIMER_HANDSHAKE, seg->ts);
	}
	if ((ev & TEV_SYNACK) && c->synack_ts == 0) {
		c->synack_ts = seg->ts;
		timer_arm(ft, c, TIMER_HANDSHAKE, seg->ts);
	}
	if ((ev & TEV_SYNACK_RETX) && (ev & TEV_CORRECTED) &&
	    c->timer == TIMER_NONE)
		/* Its ACK went by and the server never took it: wait anew. */
		timer_arm(ft, c, TIMER_HANDSHAKE, seg->ts);
	if ((ev & TEV_ESTABLISHED) && c->ack_ts == 0) {
		c->ack_ts = seg->ts;
		if (c->timer == TIMER_HANDSHAKE)
			timer_disarm(ft, c);
	}
	if ((ev & TEV_FIN) && c->fin_ts[dir] == 0) {
		c->fin_ts[dir] = seg->ts;
		if (c->timer == TIMER_NONE)
			timer_arm(ft, c, TIMER_FIN, seg->ts);
	}
	if (c->timer == TIMER_FIN && (ev & TEV_FIN_ACKED) &&
	    (!(tp->ep[0].flags & EP_FIN) || fin_acked(tp, 0)) &&
	    (!(tp->ep[1].flags & EP_FIN) || fin_acked(tp, 1)))
		timer_disarm(ft, c);
	if (c->tw_side != 0 && dir == c->tw_side - 1 &&
	    (ev & (TEV_SYN | TEV_SYNACK)))
		tw_decide(ft, c, seg->ts);

	raise_events(ft, c, dir, ev, seg);
	if ((tp->flags & TP_MIDSTREAM) && !anomaly_has(&c->anoms, AN_MIDSTREAM))
		raise(ft, c, AN_MIDSTREAM, -1, WHO_CAPTURE, seg->ts, 0, 0);
	if (ft->sink.segment != NULL) {
		v.id = &c->id;
		v.dir = dir;
		v.states[0] = tp->ep[0].state;
		v.states[1] = tp->ep[1].state;
		v.base_ok = c->base_ok;
		v.base[0] = c->seq_base[0];
		v.base[1] = c->seq_base[1];
		v.late = false;
		ft->sink.segment(ft->sink.arg, &v, seg);
	}
	if (ev & TEV_CLOSED)
		flow_finish_conn(ft, c, END_FIN);
	else if (ev & TEV_REJECTED)
		flow_finish_conn(ft, c, END_REJECTED);
	else if (ev & TEV_RESET)
		flow_finish_conn(ft, c, END_RST);
}

/*
 * Does a bare SYN from key side `side` begin a new connection on the
 * 4-tuple of live connection c?  Yes when its sender has closed (sent a
 * FIN, or sits in TIME_WAIT or CLOSED), or when it is the client trying
 * again with a new ISN on an attempt that never got going.  A SYN with a
 * new ISN on an open connection is not one (syn_on_established).
 */
static bool
syn_starts_anew(const struct conn *c, int side, const struct tcpfsm_seg *seg)
{
	int				 ep = side == c->id.client_side ?
					    TCP_CLIENT : TCP_SERVER;
	const struct tcp_endpoint	*s = &c->tcp.ep[ep];

	/* After its FIN, even a SYN with the old ISN is a new connection. */
	if ((s->flags & EP_FIN) || s->state == TCPS_TIME_WAIT)
		return (true);
	if ((s->flags & EP_SYN) && seg->seq == s->isn)
		return (false);		/* its own SYN again */
	if (s->state == TCPS_CLOSED)
		return (true);
	return (ep == TCP_CLIENT && (s->flags & EP_SYN) &&
	    !(c->tcp.flags & TP_ESTABLISHED) &&
	    !tcpstate_synchronized(s->state));
}

/*
 * Which key side is the client of a new connection: the sender of a bare
 * SYN, the receiver of a SYN-ACK; mid-stream, the side that does not use
 * the lower (well-known) port.
 */
static int
client_side_of(const struct flow_key *k, int side, unsigned flags)
{
	if ((flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN)
		return (side);
	if ((flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK))
		return (!side);
	if (k->port[0] != k->port[1])
		return (k->port[0] < k->port[1] ? 1 : 0);
	return (side);
}

/*
 * A segment whose checksum is wrong (--verify-checksums): its receiver
 * dropped it, so it moves no state (DESIGN §2).  It is reported as
 * bad_checksum on its connection, a new one if none is live (as Zeek
 * makes one), and noted in the connection's Zeek history.
 */
static void
flow_bad_checksum(struct flow_table *ft, struct conn *c,
    const struct flow_key *k, uint32_t h, int side,
    const struct tcpfsm_seg *seg)
{
	struct flow_segment_view v;
	int	dir;

	if (c == NULL) {
		c = conn_new(ft, k, h, client_side_of(k, side, seg->flags),
		    seg);
		c->last_ts = seg->ts;
		c->last_frame = seg->frame;
	}
	dir = side == c->id.client_side ? TCP_CLIENT : TCP_SERVER;
	if (ft->cfg.zeek)
		(void)zeek_update(&c->zeek, seg, dir);
	raise(ft, c, AN_BAD_CHECKSUM, -1, who_of(dir), seg->ts,
	    seg->cksum, 0);
	if (ft->sink.segment != NULL) {
		v.id = &c->id;
		v.dir = dir;
		v.states[0] = c->tcp.ep[0].state;
		v.states[1] = c->tcp.ep[1].state;
		v.base_ok = c->base_ok;
		v.base[0] = c->seq_base[0];
		v.base[1] = c->seq_base[1];
		v.late = false;
		ft->sink.segment(ft->sink.arg, &v, seg);
	}
}

void
flow_segment(struct flow_table *ft, const struct tcpfsm_seg *seg)
{
	struct flow_key	 k;
	struct conn	*c;
	struct trace	*t;
	uint32_t	 h;
	int		 side, dir;
	bool		 bare_syn, both_fins;

	ft->now = seg->ts;
	ft->frame = seg->frame;
	flow_expire(ft, seg->ts);

	flow_key_make(seg, &k, &side);
	h = flow_key_hash(&k, ft->cfg.seed);
	bare_syn = (seg->flags & (TCPF_SYN | TCPF_ACK | TCPF_RST |
	    TCPF_FIN)) == TCPF_SYN;
	c = conn_lookup(ft, h, &k);
	if (seg->cksum_bad) {
		flow_bad_checksum(ft, c, &k, h, side, seg);
		return;
	}
	if (c != NULL && bare_syn && syn_starts_anew(c, side, seg)) {
		both_fins = (c->tcp.ep[0].flags & EP_FIN) &&
		    (c->tcp.ep[1].flags & EP_FIN);
		decide_handshake(ft, c, seg->ts, true);
		flow_finish_conn(ft, c, both_fins ? END_FIN : END_TIMEOUT);
		c = NULL;
	}
	if (c != NULL)
		dir = side == c->id.client_side ? TCP_CLIENT : TCP_SERVER;
	if (c == NULL) {
		t = trace_lookup(ft, h, &k);
		if (t != NULL && !bare_syn) {
			flow_late(ft, t, side, seg);
			return;
		}
		c = conn_new(ft, &k, h, client_side_of(&k, side, seg->flags),
		    seg);
		if (t != NULL) {
			tw_relate(ft, c, t, side, seg);
			trace_unhash(ft, t);
		}
		dir = side == c->id.client_side ? TCP_CLIENT : TCP_SERVER;
	}
	flow_replay(ft, c, dir, seg);
}

void
flow_tick(struct flow_table *ft, int64_t now)
{
	if (now <= ft->now)
		return;
	ft->now = now;
	flow_expire(ft, now);
}

static int
cmp_serial(const void *a, const void *b)
{
	const struct conn *x = *(const struct conn *const *)a;
	const struct conn *y = *(const struct conn *const *)b;

	return (x->id.serial < y->id.serial ? -1 :
	    x->id.serial > y->id.serial);
}

void
flow_finish(struct flow_table *ft)
{
	struct conn	**v, *c;
	size_t		  n = 0, i;

	if (ft->stats.live == 0)
		return;
	v = xcalloc(ft->stats.live, sizeof(*v));
	for (c = ft->lru_head; c != NULL; c = c->lru_next)
		v[n++] = c;
	qsort(v, n, sizeof(*v), cmp_serial);
	for (i = 0; i < n; i++) {
		c = v[i];
		/*
		 * The end of input is the last packet's time.  A timeout
		 * that has passed decides; one that has not decides only if
		 * the endpoint already retransmitted what went unanswered.
		 */
		if (c->timer == TIMER_HANDSHAKE)
			decide_handshake(ft, c, ft->now, c->timer_start +
			    ft->cfg.handshake_timeout > ft->now);
		else if (c->timer == TIMER_FIN)
			decide_fin(ft, c, true);
		if (ft->now - c->last_ts >= ft->cfg.fin_timeout)
			decide_half_closed(ft, c, ft->now);
		flow_finish_conn(ft, c, END_OPEN_AT_END);
	}
	free(v);
}

void
flow_config_default(struct flow_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->handshake_timeout = FLOW_HANDSHAKE_TIMEOUT;
	cfg->fin_timeout = FLOW_FIN_TIMEOUT;
	cfg->idle_timeout = FLOW_IDLE_TIMEOUT;
	cfg->msl = FLOW_MSL;
	cfg->zeek = true;
}

struct flow_table *
flow_new(const struct flow_config *cfg, const struct flow_sink *sink)
{
	struct flow_table *ft;

	ft = xcalloc(1, sizeof(*ft));
	ft->cfg = *cfg;
	ft->sink = *sink;
	ft->nbuckets = FLOW_BUCKETS_MIN;
	ft->buckets = xcalloc(ft->nbuckets, sizeof(*ft->buckets));
	ft->ntbuckets = FLOW_BUCKETS_MIN;
	ft->tbuckets = xcalloc(ft->ntbuckets, sizeof(*ft->tbuckets));
	return (ft);
}

const struct flow_stats *
flow_stats(const struct flow_table *ft)
{
	return (&ft->stats);
}

void
flow_free(struct flow_table *ft)
{
	struct conn	*c, *cn;
	struct trace	*t, *tn;

	if (ft == NULL)
		return;
	for (c = ft->lru_head; c != NULL; c = cn) {
		cn = c->lru_next;
		anomaly_list_clear(&c->anoms);
		free(c);
	}
	for (c = ft->free_conns; c != NULL; c = cn) {
		cn = c->hnext;
		free(c);
	}
	for (t = ft->tfifo_head; t != NULL; t = tn) {
		tn = t->fnext;
		free(t);
	}
	for (t = ft->free_traces; t != NULL; t = tn) {
		tn = t->fnext;
		free(t);
	}
	free(ft->buckets);
	free(ft->tbuckets);
	free(ft);
}

static const char *const end_names[END_NENDS] = {
	"none", "fin", "rst", "rejected", "timeout", "evicted", "open_at_end"
};

static const char *const closer_names[] = {
	"none", "client", "server", "both"
};

const char *
flow_end_name(enum conn_end e)
{
	return ((unsigned)e < END_NENDS ? end_names[e] : "unknown");
}

const char *
flow_closer_name(enum conn_closer c)
{
	return ((unsigned)c <= CLOSER_BOTH ? closer_names[c] : "unknown");
}
