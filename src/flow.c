/*
 * flow.c - the connection table, its timers, and the traces of finished
 * connections.
 *
 * HOW IT WORKS.  Live connections sit in a hash table of power-of-two size
 * (open addressing, keyed by the canonical 4-tuple, a seeded multiply-fold hash;
 * each slot holds the hash beside the pointer, so a probe touches no
 * connection but the one it finds) and on an intrusive list ordered by
 * last activity: its head is both the next to go idle and the one
 * --max-conns evicts.  A connection waiting for a decision only silence
 * can make (an unanswered SYN or SYN-ACK, an unacknowledged FIN) is also
 * on one of two timer lists; each list has one timeout and connections
 * join it as the clock runs, so the head always has the earliest deadline
 * and expiry is a look at four list heads per packet.  When a connection
 * is over its record goes to the sink, its struct goes to a free list for
 * the next connection, and a trace of about a hundred bytes takes its slot
 * in the table for 2 x MSL: the probe for a new connection's 4-tuple finds
 * it.  The traces themselves sit in a FIFO by the time they ended, in
 * chunks of many, so keeping one is a write at the FIFO's end.  Nothing
 * here allocates per packet.
 */
#include <config.h>

#include "flow.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "util.h"

#define TIMER_NONE	0
#define TIMER_HANDSHAKE	1
#define TIMER_FIN	2
#define NTIMERS		3

#define FLOW_SLOTS_MIN		1024	/* hash slots; at most half are used */
#define TRACE_CHUNK		256	/* traces a FIFO chunk holds */

/* What the trace of a finished connection remembers (struct trace.flags). */
#define TR_TS_OK	0x01	/* both endpoints sent timestamps */
#define TR_FIN_RETX_C	0x02	/* the client retransmitted its FIN late */
#define TR_FIN_RETX_S	0x04	/* the server did */
#define TR_REPORTED	0x08	/* a late-segment anomaly was reported */
#define TR_HASHED	0x10	/* in the table (else only in the FIFO) */

/* struct conn.tw_cond: how a reuse of a TIME_WAIT 4-tuple met RFC 6191. */
#define TW_COND_NONE	0
#define TW_COND_ISN	1	/* a greater ISN */
#define TW_COND_TS	2	/* a greater timestamp */
#define TW_COND_FAILED	3	/* neither */

/*
 * A finished connection's trace.  Its identity is kept without the uid,
 * which trace_ident() makes again in the rare event it is shown.
 */
struct trace {
	struct flow_key	 key;
	uint64_t	 serial;
	int64_t		 first_ts;
	int64_t		 end_ts;
	uint32_t	 hash;
	uint32_t	 snd_nxt[2];	/* final next sequence number, each side */
	uint32_t	 tsval[2];	/* last timestamp value, each side */
	uint32_t	 base[2];	/* relative sequence origin, each side */
	uint8_t		 state[2];	/* final states, client and server */
	uint8_t		 end;		/* enum conn_end */
	uint8_t		 flags;		/* TR_* */
	uint8_t		 rst_by;	/* who sent the RST that ended it */
	uint8_t		 base_ok;
	uint8_t		 client_side;
};

/* Traces in the order they were kept; chunks recycle as they empty. */
struct trace_chunk {
	struct trace_chunk *next;
	struct trace	 t[TRACE_CHUNK];
};

/*
 * Two indexes, of live connections and of traces: open addressing with
 * linear probing, each slot keeping the hash beside the pointer, so
 * probing compares hashes in one array and dereferences only a match.
 * Apart, because a busy network has many more traces (2 x MSL of
 * finished connections) than live connections, and nearly every packet
 * looks up a live one: that index stays small enough for the cache.
 * Only a segment no live connection takes looks for a trace.  At most
 * half full: a probe for a 4-tuple not in it then reads 2.5 slots on
 * average (8.5 at three quarters).
 */
struct hslot {
	uint32_t	 hash;
	void		*p;		/* NULL: empty */
};

struct htable {
	struct hslot	*slot;
	size_t		 mask;		/* slots - 1, slots a power of two */
	size_t		 n;		/* used */
};

struct tmlist {
	struct conn	*head;
	struct conn	*tail;
};

struct flow_table {
	struct flow_config cfg;
	struct flow_sink sink;
	struct htable	 conns;		/* live connections */
	struct htable	 traces;	/* traces, but those a reuse replaced */
	struct conn	*lru_head;	/* least recently active */
	struct conn	*lru_tail;
	struct tmlist	 timers[NTIMERS];
	struct trace_chunk *tq_head;	/* the FIFO of traces: oldest chunk */
	struct trace_chunk *tq_tail;	/* newest */
	size_t		 tq_first;	/* oldest trace in tq_head->t[] */
	size_t		 tq_end;	/* one past the newest in tq_tail->t[] */
	uint64_t	 tq_count;	/* traces in the FIFO, hashed or not */
	struct trace_chunk *free_chunks;
	struct conn	*free_conns;
	struct flow_stats stats;
	int64_t		 now;		/* packet time */
	int64_t		 next_due;	/* no deadline is before it */
	size_t		 conn_size;	/* struct conn, without zeek unless cfg.zeek */
	uint64_t	 frame;		/* current frame */
};

static void flow_finish_conn(struct flow_table *, struct conn *,
    enum conn_end);

/*
 * A deadline is set for when: next_due, which every packet compares its
 * time with, stays at or before every deadline.  It may be early (a
 * deadline that moved later, or went with its connection); flow_expire()
 * then finds nothing due and sets it exactly.
 */
static inline void
due_by(struct flow_table *ft, int64_t when)
{
	if (when < ft->next_due)
		ft->next_due = when;
}

/* ---- hashing ------------------------------------------------------- */

#define ROTL64(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32);	\
	v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32);	\
} while (0)

/* SipHash's state (Aumasson and Bernstein). */
struct sip {
	uint64_t	 v0, v1, v2, v3;
};

static inline void
sip_init(struct sip *s, uint64_t k0, uint64_t k1)
{
	s->v0 = k0 ^ UINT64_C(0x736f6d6570736575);
	s->v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
	s->v2 = k0 ^ UINT64_C(0x6c7967656e657261);
	s->v3 = k1 ^ UINT64_C(0x7465646279746573);
}

/* SipHash-1-3: one round a block, */
static inline void
sip_block(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	s->v0 ^= m;
}

/* and three to end; last holds the tail bytes and the length's low byte. */
static inline uint64_t
sip_final(struct sip *s, uint64_t last)
{
	sip_block(s, last);
	s->v2 ^= 0xff;
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	return (s->v0 ^ s->v1 ^ s->v2 ^ s->v3);
}

/* Little-endian loads, as SipHash reads its input; one load on x86. */
static inline uint64_t
le64(const uint8_t *p)
{
	return ((uint64_t)p[0] | (uint64_t)p[1] << 8 |
	    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	    (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56);
}

static inline uint64_t
le32(const uint8_t *p)
{
	return ((uint64_t)p[0] | (uint64_t)p[1] << 8 |
	    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24);
}

static inline uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/*
 * Multiply two 64-bit words and fold the 128-bit product: each bit of the
 * result depends on every bit of both (as in wyhash and mum-hash).
 */
static inline uint64_t
mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;

	return ((uint64_t)r ^ (uint64_t)(r >> 64));
#else
	uint64_t ha = a >> 32, la = (uint32_t)a, hb = b >> 32, lb = (uint32_t)b;
	uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
	uint64_t t = rl + (rm0 << 32), c = t < rl, lo, hi;

	lo = t + (rm1 << 32);
	c += lo < t;
	hi = rh + (rm0 >> 32) + (rm1 >> 32) + c;
	return (lo ^ hi);
#endif
}

#define HK0	UINT64_C(0xa0761d6478bd642f)	/* odd constants, wyhash's */
#define HK1	UINT64_C(0xe7037ed1a0b428db)
#define HK2	UINT64_C(0x8ebc6af09c88c6e3)

/*
 * The table's hash, run on every packet: two (IPv4) or three (IPv6)
 * folded multiplications of the key's words, each mixed with the secret
 * seed, so that without the seed nobody can choose 4-tuples that collide.
 * SipHash would be the stronger choice against such an adversary, at
 * five times the cost on a packet path that has little else to do; a
 * folded multiply of seeded words is what wyhash and Go's maps rely on.
 */
static inline uint32_t
key_hash(const struct flow_key *k, uint64_t seed)
{
	uint64_t	 s1 = seed ^ HK0, s2 = seed ^ HK1, h, tail;

	tail = (uint64_t)k->port[0] | (uint64_t)k->port[1] << 16 |
	    (uint64_t)k->ipv << 32;
	if (k->ipv == 6)
		h = mum(le64(k->addr[0]) ^ s1, le64(k->addr[0] + 8) ^ s2) ^
		    mum(le64(k->addr[1]) ^ s2, le64(k->addr[1] + 8) ^ HK2);
	else
		h = le32(k->addr[0]) | le32(k->addr[1]) << 32;
	h = mum(h ^ s1, tail ^ s2);
	h = mum(h ^ HK2, seed ^ HK1);
	return ((uint32_t)(h ^ (h >> 32)));
}

uint32_t
flow_key_hash(const struct flow_key *k, uint64_t seed)
{
	return (key_hash(k, seed));
}

/*
 * SipHash-1-3 of the whole key, padding included: what uids are made
 * from, so it must never change (the names in every output would).
 */
uint64_t
flow_key_siphash(const struct flow_key *k, uint64_t k0, uint64_t k1)
{
	const uint8_t	*p = (const uint8_t *)k;
	struct sip	 s;
	size_t		 i;

	sip_init(&s, k0, k1);
	for (i = 0; i + 8 <= sizeof(*k); i += 8)
		sip_block(&s, le64(p + i));
	/* sizeof(*k) is 40, a multiple of 8: only the length is left. */
	return (sip_final(&s, (uint64_t)sizeof(*k) << 56));
}

/* SipHash keys of --shard: "tcpfsm s", "hard K/N". */
#define SHARD_K0	UINT64_C(0x73206d6673706374)
#define SHARD_K1	UINT64_C(0x4e2f4b2064726168)

uint32_t
flow_key_shard(const struct flow_key *k, uint32_t n)
{
	return ((uint32_t)(flow_key_siphash(k, SHARD_K0, SHARD_K1) % n));
}

/*
 * The canonical key of seg: the smaller (address, port), compared as
 * memcmp() compares bytes, is side 0, whoever sent this one.  Inline for
 * the packet path: an IPv4 address is one word.
 */
static inline int
key_make(const struct tcpfsm_seg *seg, struct flow_key *k)
{
	uint32_t	 s, d, x, y;
	int		 c, side;

	memset(k, 0, sizeof(*k));
	k->ipv = seg->ipv;
	if (seg->ipv == 6)
		c = memcmp(seg->src, seg->dst, 16);
	else {
		/* Each address one word, ordered as memcmp() orders bytes. */
		x = be32(seg->src);
		y = be32(seg->dst);
		c = x < y ? -1 : x > y;
	}
	if (c == 0)
		c = seg->sport < seg->dport ? -1 : seg->sport > seg->dport;
	side = c > 0;
	if (seg->ipv == 6) {
		memcpy(k->addr[side], seg->src, 16);
		memcpy(k->addr[!side], seg->dst, 16);
		k->port[side] = seg->sport;
		k->port[!side] = seg->dport;
		return (side);
	}
	memcpy(&s, seg->src, 4);
	memcpy(&d, seg->dst, 4);
	/* Stores to fixed places: the lower end first. */
	if (side) {
		memcpy(k->addr[0], &d, 4);
		memcpy(k->addr[1], &s, 4);
		k->port[0] = seg->dport;
		k->port[1] = seg->sport;
	} else {
		memcpy(k->addr[0], &s, 4);
		memcpy(k->addr[1], &d, 4);
		k->port[0] = seg->sport;
		k->port[1] = seg->dport;
	}
	return (side);
}

void
flow_key_make(const struct tcpfsm_seg *seg, struct flow_key *k, int *side)
{
	*side = key_make(seg, k);
}

/* Deterministic, so two runs over a file name connections alike. */
static void
make_uid(const struct conn_ident *id, char *uid)
{
	static const char digits[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint64_t	h[2];
	size_t		i;
	unsigned	d;

	h[0] = flow_key_siphash(&id->key, id->serial, (uint64_t)id->first_ts);
	h[1] = flow_key_siphash(&id->key, (uint64_t)id->first_ts, ~id->serial);
	/*
	 * Base 62, least significant digit first: h[1]'s digits go to the
	 * odd places, h[0]'s to the even ones.  Two digits a division (by
	 * 62 * 62), which gives what one a division did.
	 */
	uid[0] = 'C';
	for (i = 1; i + 2 < 18; i += 4) {
		d = (unsigned)(h[1] % 3844);
		h[1] /= 3844;
		uid[i] = digits[d % 62];
		uid[i + 2] = digits[d / 62];
		d = (unsigned)(h[0] % 3844);
		h[0] /= 3844;
		uid[i + 1] = digits[d % 62];
		uid[i + 3] = digits[d / 62];
	}
	uid[17] = digits[h[1] % 62];
	uid[18] = '\0';
}

/*
 * id, with its uid made if it is still unnamed.  Naming costs two hashes,
 * so it waits until a callback may show the name: a connection no sink
 * hears of is never named.
 */
static const struct conn_ident *
named(struct conn_ident *id)
{
	if (id->uid[0] == '\0')
		make_uid(id, id->uid);
	return (id);
}

/* The identity of t's connection, in id, still unnamed. */
static struct conn_ident *
trace_ident(const struct trace *t, struct conn_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->key = t->key;
	id->serial = t->serial;
	id->first_ts = t->first_ts;
	id->client_side = t->client_side;
	return (id);
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
	due_by(ft, start + (which == TIMER_HANDSHAKE ?
	    ft->cfg.handshake_timeout : ft->cfg.fin_timeout));
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

/*
 * n empty slots.  Zeroed by writing, not by calloc(): a big calloc() is
 * fresh pages that read as the shared zero page, and the first write to
 * each one, after a probe read it, replaces that mapping, which makes
 * the kernel interrupt the other thread's CPU to flush its TLB.
 */
static struct hslot *
slots_new(size_t n)
{
	struct hslot *slot;

	if (n > SIZE_MAX / sizeof(*slot))
		xoom(SIZE_MAX);
	slot = xmalloc(n * sizeof(*slot));
	memset(slot, 0, n * sizeof(*slot));
	return (slot);
}

static void
htable_init(struct htable *t)
{
	t->slot = slots_new(FLOW_SLOTS_MIN);
	t->mask = FLOW_SLOTS_MIN - 1;
	t->n = 0;
}

/* Put p, of hash h, in a free slot; the table has room. */
static void
htable_place(struct hslot *slot, size_t mask, uint32_t h, void *p)
{
	size_t i;

	for (i = h & mask; slot[i].p != NULL; i = (i + 1) & mask)
		continue;
	slot[i].hash = h;
	slot[i].p = p;
}

/* Twice the slots; only the slots are read, not what they point to. */
static void
htable_grow(struct htable *t)
{
	struct hslot	*ns;
	size_t		 nmask = t->mask * 2 + 1, i;

	ns = slots_new(nmask + 1);
	for (i = 0; i <= t->mask; i++)
		if (t->slot[i].p != NULL)
			htable_place(ns, nmask, t->slot[i].hash,
			    t->slot[i].p);
	free(t->slot);
	t->slot = ns;
	t->mask = nmask;
}

static void
htable_add(struct htable *t, uint32_t h, void *p)
{
	if ((t->n + 1) * 2 > t->mask + 1)
		htable_grow(t);
	htable_place(t->slot, t->mask, h, p);
	t->n++;
}

/*
 * Take p, of hash h, out.  The slots after it that it kept from their
 * first choice move back (Knuth's Algorithm R), so no probe ever runs
 * into a hole it should have passed.  Returns false if p was not there.
 */
static bool
htable_del(struct htable *t, uint32_t h, const void *p)
{
	struct hslot	*slot = t->slot;
	size_t		 mask = t->mask, i, j, home;

	for (i = h & mask; slot[i].p != p; i = (i + 1) & mask)
		if (slot[i].p == NULL)
			return (false);
	for (j = (i + 1) & mask; slot[j].p != NULL; j = (j + 1) & mask) {
		home = slot[j].hash & mask;
		/* Can j's entry move to i: is its home not in (i, j]? */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			slot[i] = slot[j];
			i = j;
		}
	}
	slot[i].p = NULL;
	t->n--;
	return (true);
}

static struct trace *
trace_lookup(struct flow_table *ft, uint32_t h, const struct flow_key *k)
{
	const struct hslot	*slot = ft->traces.slot;
	size_t			 mask = ft->traces.mask, i;
	struct trace		*t;

	for (i = h & mask; (t = slot[i].p) != NULL; i = (i + 1) & mask)
		if (slot[i].hash == h && memcmp(&t->key, k, sizeof(*k)) == 0)
			return (t);
	return (NULL);
}

/*
 * The live connection of key k, of hash h, or NULL; then *tr is the trace
 * of k's last connection, or NULL.
 */
static inline struct conn *
index_lookup(struct flow_table *ft, uint32_t h, const struct flow_key *k,
    struct trace **tr)
{
	const struct hslot	*slot = ft->conns.slot;
	size_t			 mask = ft->conns.mask, i;
	struct conn		*c;

	*tr = NULL;
	for (i = h & mask; (c = slot[i].p) != NULL; i = (i + 1) & mask)
		if (slot[i].hash == h && memcmp(&c->id.key, k, sizeof(*k)) == 0)
			return (c);
	if (ft->traces.n != 0)
		*tr = trace_lookup(ft, h, k);
	return (NULL);
}

static void
conn_unhash(struct flow_table *ft, struct conn *c)
{
	(void)htable_del(&ft->conns, c->hash, c);
}

/* Take t out of the index (it stays in the FIFO until it expires). */
static void
trace_unhash(struct flow_table *ft, struct trace *t)
{
	if (!(t->flags & TR_HASHED))
		return;
	(void)htable_del(&ft->traces, t->hash, t);
	t->flags &= (uint8_t)~TR_HASHED;
	ft->stats.traces--;
}

/* A new trace at the end of the FIFO, zero-filled. */
static struct trace *
trace_push(struct flow_table *ft)
{
	struct trace_chunk	*ch;
	struct trace		*t;

	if (ft->tq_tail == NULL || ft->tq_end == TRACE_CHUNK) {
		if ((ch = ft->free_chunks) != NULL)
			ft->free_chunks = ch->next;
		else
			ch = xmalloc(sizeof(*ch));
		ch->next = NULL;
		if (ft->tq_tail != NULL)
			ft->tq_tail->next = ch;
		else {
			ft->tq_head = ch;
			ft->tq_first = 0;
		}
		ft->tq_tail = ch;
		ft->tq_end = 0;
	}
	t = &ft->tq_tail->t[ft->tq_end++];
	memset(t, 0, sizeof(*t));
	ft->tq_count++;
	return (t);
}

/* The oldest trace in the FIFO, or NULL. */
static struct trace *
trace_oldest(const struct flow_table *ft)
{
	if (ft->tq_head == NULL ||
	    (ft->tq_head == ft->tq_tail && ft->tq_first == ft->tq_end))
		return (NULL);
	return (&ft->tq_head->t[ft->tq_first]);
}

/* Drop the oldest trace; a chunk it leaves empty is recycled. */
static void
trace_pop(struct flow_table *ft)
{
	struct trace_chunk *ch = ft->tq_head;

	trace_unhash(ft, &ch->t[ft->tq_first]);
	ft->tq_count--;
	if (++ft->tq_first < TRACE_CHUNK &&
	    !(ch == ft->tq_tail && ft->tq_first == ft->tq_end))
		return;
	if (ch == ft->tq_tail) {
		/* Empty: start the one chunk over. */
		ft->tq_first = ft->tq_end = 0;
		return;
	}
	ft->tq_head = ch->next;
	ft->tq_first = 0;
	ch->next = ft->free_chunks;
	ft->free_chunks = ch;
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
		ft->sink.anomaly(ft->sink.arg, named(&c->id), a);
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
	struct anomaly		a;
	struct conn_ident	ident;

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
		ft->sink.anomaly(ft->sink.arg, named(trace_ident(t, &ident)),
		    &a);
}

/* The events raise_events() turns into anomalies. */
#define TEV_ANOMALIES	(TEV_SYN_RETX | TEV_SYNACK_RETX |		\
	TEV_SYNACK_BAD_ACK | TEV_HS_ACK_BAD | TEV_ACK_NOT_SYNACK |	\
	TEV_DATA_EARLY | TEV_DATA_EARLY_TFO | TEV_SYN_ON_EST |		\
	TEV_SIMOPEN | TEV_SPLIT_HS | TEV_ACK_UNSEEN | TEV_SEQ_OOW |	\
	TEV_DATA_AFTER_FIN | TEV_AFTER_RST | TEV_FIN_RETX |		\
	TEV_SIM_CLOSE | TEV_RST_AFTER_FIN | TEV_TW_ASSASSIN |		\
	TEV_RST_OOW | TEV_RST_IN_HS | TEV_RST_REPLY | TEV_INVALID_FLAGS |	\
	TEV_BAD_OPTION)

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
		ft->free_conns = c->next_free;
	else
		c = xmalloc(ft->conn_size);
	memset(c, 0, ft->conn_size);
	c->id.key = *k;
	c->id.serial = ++ft->stats.conns;
	c->id.first_ts = seg->ts;
	c->id.client_side = (uint8_t)client_side;
	c->hash = h;
	c->first_frame = seg->frame;
	tcpstate_init(&c->tcp);

	htable_add(&ft->conns, h, c);
	lru_append(ft, c);
	ft->stats.live++;
	if (ft->stats.live > ft->stats.live_max)
		ft->stats.live_max = ft->stats.live;
	return (c);
}

/*
 * Keep what judging the 4-tuple's next 2 x MSL needs, in place of c's
 * entry in the index of live connections.
 */
static void
trace_keep(struct flow_table *ft, const struct conn *c)
{
	struct trace	*t, *old;
	int		 i;

	if ((old = trace_lookup(ft, c->hash, &c->id.key)) != NULL)
		trace_unhash(ft, old);
	/*
	 * --max-conns bounds the traces too: a flood of refused or reset
	 * attempts would otherwise grow memory for 2 x MSL.  The oldest go
	 * first, counted.
	 */
	while (ft->cfg.max_conns != 0 && ft->tq_count >= ft->cfg.max_conns &&
	    trace_oldest(ft) != NULL) {
		trace_pop(ft);
		ft->stats.traces_dropped++;
	}
	t = trace_push(ft);
	t->key = c->id.key;
	t->serial = c->id.serial;
	t->first_ts = c->id.first_ts;
	t->client_side = c->id.client_side;
	t->hash = c->hash;
	t->end = c->end;
	t->end_ts = c->last_ts;
	due_by(ft, t->end_ts + 2 * ft->cfg.msl);
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

	t->flags |= TR_HASHED;
	htable_add(&ft->traces, c->hash, t);
	ft->stats.traces++;
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
	if (ft->sink.conn != NULL) {
		(void)named(&c->id);
		ft->sink.conn(ft->sink.arg, c);
	}
	conn_unhash(ft, c);
	if (end == END_FIN || end == END_RST || end == END_REJECTED)
		trace_keep(ft, c);

	timer_disarm(ft, c);
	lru_unlink(ft, c);
	anomaly_list_clear(&c->anoms);
	ft->stats.live--;
	c->next_free = ft->free_conns;
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
	while ((t = trace_oldest(ft)) != NULL &&
	    t->end_ts + 2 * ft->cfg.msl <= now)
		trace_pop(ft);

	/* What is left is due later; the heads say when. */
	ft->next_due = INT64_MAX;
	if ((c = ft->timers[TIMER_HANDSHAKE].head) != NULL)
		due_by(ft, c->timer_start + ft->cfg.handshake_timeout);
	if ((c = ft->timers[TIMER_FIN].head) != NULL)
		due_by(ft, c->timer_start + ft->cfg.fin_timeout);
	if ((c = ft->lru_head) != NULL)
		due_by(ft, c->last_ts + ft->cfg.idle_timeout);
	if ((t = trace_oldest(ft)) != NULL)
		due_by(ft, t->end_ts + 2 * ft->cfg.msl);
}

/*
 * A new SYN on a 4-tuple whose last connection left an endpoint in
 * TIME_WAIT: remember which, and whether RFC 6191 allows the reuse
 * (a greater ISN than the old connection's last sequence number from the
 * SYN's sender, or a greater timestamp).  The endpoint that was in
 * TIME_WAIT decides it: by sending the SYN itself, or by its SYN-ACK.
 */
static void
tw_relate(struct flow_table *ft, struct conn *c, struct trace *t,
    int side, const struct tcpfsm_seg *seg)
{
	struct conn_ident id;
	int	old_ep, tw_old = -1, key_side, new_ep, i;

	/* The old endpoint that sent this SYN. */
	old_ep = side == t->client_side ? TCP_CLIENT : TCP_SERVER;
	/* Which was in TIME_WAIT: the SYN's sender first, if both were. */
	for (i = 0; i < 2; i++)
		if (t->state[i] == TCPS_TIME_WAIT && tw_old != old_ep)
			tw_old = i;
	if (tw_old < 0)
		return;
	key_side = tw_old == TCP_CLIENT ? t->client_side : !t->client_side;
	new_ep = key_side == c->id.client_side ? TCP_CLIENT : TCP_SERVER;
	c->tw_side = (uint8_t)(new_ep + 1);
	memcpy(c->tw_prev_uid, named(trace_ident(t, &id))->uid,
	    sizeof(c->tw_prev_uid));
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
	struct conn_ident id;
	int	ep = side == t->client_side ? TCP_CLIENT : TCP_SERVER;

	ft->stats.late_segments++;
	flow_late_judge(ft, t, ep, seg);
	if (ft->sink.segment != NULL) {
		v.id = named(trace_ident(t, &id));
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

/*
 * What the events of a segment mean for the connection: the handshake's
 * and the FINs' timers and times, a TIME_WAIT reuse judged, anomalies.
 */
static void
flow_events(struct flow_table *ft, struct conn *c, int dir, uint64_t ev,
    const struct tcpfsm_seg *seg)
{
	const struct tcp_pair *tp = &c->tcp;

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

	if (ev & TEV_ANOMALIES)
		raise_events(ft, c, dir, ev, seg);
}

/* The events flow_events() acts on. */
#define TEV_FLOW	(TEV_SYN | TEV_SYNACK | TEV_SYNACK_RETX |	\
	TEV_ESTABLISHED | TEV_FIN | TEV_FIN_ACKED | TEV_ANOMALIES)

/* Replay seg, sent by endpoint dir, on c. */
static void
flow_replay(struct flow_table *ft, struct conn *c, int dir,
    const struct tcpfsm_seg *seg)
{
	struct tcp_pair	*tp = &c->tcp;
	struct flow_segment_view v;
	uint64_t	 ev;
	uint8_t		 based = c->base_ok;
	int		 i;

	if (!(c->base_ok & (1 << dir))) {
		c->seq_base[dir] = seg->seq;
		c->base_ok |= (uint8_t)(1 << dir);
	}
	ev = tcpstate_update(tp, dir, seg);
	if (ft->cfg.zeek)
		(void)zeek_update(&c->zeek, seg, dir);
	/*
	 * The ISN is the origin, also one a SYN-ACK told of.  Once both
	 * origins were known, only a SYN or SYN-ACK (a new ISN) moves one.
	 */
	if (based != 3 || (ev & (TEV_SYN | TEV_SYNACK))) {
		for (i = 0; i < 2; i++) {
			if (tp->ep[i].flags & EP_SYN) {
				c->seq_base[i] = tp->ep[i].isn;
				c->base_ok |= (uint8_t)(1 << i);
			}
		}
	}
	c->last_ts = seg->ts;
	due_by(ft, seg->ts + ft->cfg.idle_timeout);
	c->last_frame = seg->frame;
	c->ip_bytes[dir] += seg->ip_len;
	/* Busy connections are often the most recent already. */
	if (ft->lru_tail != c) {
		lru_unlink(ft, c);
		lru_append(ft, c);
	}
	ft->stats.segments++;

	if (ev & TEV_FLOW)
		flow_events(ft, c, dir, ev, seg);
	if ((tp->flags & TP_MIDSTREAM) && !anomaly_has(&c->anoms, AN_MIDSTREAM))
		raise(ft, c, AN_MIDSTREAM, -1, WHO_CAPTURE, seg->ts, 0, 0);
	if (ft->sink.segment != NULL) {
		v.id = named(&c->id);
		v.dir = dir;
		v.states[0] = tp->ep[0].state;
		v.states[1] = tp->ep[1].state;
		v.base_ok = c->base_ok;
		v.base[0] = c->seq_base[0];
		v.base[1] = c->seq_base[1];
		v.late = false;
		ft->sink.segment(ft->sink.arg, &v, seg);
	}
	if (ev & (TEV_CLOSED | TEV_REJECTED | TEV_RESET)) {
		if (ev & TEV_CLOSED)
			flow_finish_conn(ft, c, END_FIN);
		else if (ev & TEV_REJECTED)
			flow_finish_conn(ft, c, END_REJECTED);
		else
			flow_finish_conn(ft, c, END_RST);
	}
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
	/* CLOSED after it sent something (a bad checksum alone is nothing). */
	if (s->state == TCPS_CLOSED && (s->flags & EP_SEEN))
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
		due_by(ft, seg->ts + ft->cfg.idle_timeout);
		c->last_frame = seg->frame;
	}
	dir = side == c->id.client_side ? TCP_CLIENT : TCP_SERVER;
	if (ft->cfg.zeek)
		(void)zeek_update(&c->zeek, seg, dir);
	raise(ft, c, AN_BAD_CHECKSUM, -1, who_of(dir), seg->ts,
	    seg->cksum, 0);
	if (ft->sink.segment != NULL) {
		v.id = named(&c->id);
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
flow_keyed_make(const struct tcpfsm_seg *seg, uint64_t seed,
    struct flow_keyed *kd)
{
	kd->side = key_make(seg, &kd->key);
	kd->hash = key_hash(&kd->key, seed);
}

void
flow_segment(struct flow_table *ft, const struct tcpfsm_seg *seg)
{
	struct flow_keyed kd;

	flow_keyed_make(seg, ft->cfg.seed, &kd);
	flow_segment_keyed(ft, seg, &kd);
}

/* flow_segment_keyed() starts with it. */
void
flow_pass(struct flow_table *ft, int64_t ts, uint64_t frame)
{
	ft->now = ts;
	ft->frame = frame;
	if (ts >= ft->next_due)
		flow_expire(ft, ts);
}

void
flow_segment_keyed(struct flow_table *ft, const struct tcpfsm_seg *seg,
    const struct flow_keyed *kd)
{
	const struct flow_key *k = &kd->key;
	struct conn	*c;
	struct trace	*t;
	uint32_t	 h = kd->hash;
	int		 side = kd->side, dir;
	bool		 bare_syn, both_fins;

	flow_pass(ft, seg->ts, seg->frame);
	bare_syn = (seg->flags & (TCPF_SYN | TCPF_ACK | TCPF_RST |
	    TCPF_FIN)) == TCPF_SYN;
	c = index_lookup(ft, h, k, &t);
	if (seg->cksum_bad) {
		flow_bad_checksum(ft, c, k, h, side, seg);
		return;
	}
	if (c != NULL && bare_syn && syn_starts_anew(c, side, seg)) {
		both_fins = (c->tcp.ep[0].flags & EP_FIN) &&
		    (c->tcp.ep[1].flags & EP_FIN);
		decide_handshake(ft, c, seg->ts, true);
		flow_finish_conn(ft, c, both_fins ? END_FIN : END_TIMEOUT);
		/* Its trace, if it left one, is the one to relate to. */
		c = index_lookup(ft, h, k, &t);
	}
	if (c != NULL)
		dir = side == c->id.client_side ? TCP_CLIENT : TCP_SERVER;
	if (c == NULL) {
		if (t != NULL && !bare_syn) {
			flow_late(ft, t, side, seg);
			return;
		}
		c = conn_new(ft, k, h, client_side_of(k, side, seg->flags),
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
	ft->next_due = INT64_MAX;
	ft->conn_size = cfg->zeek ? sizeof(struct conn) :
	    offsetof(struct conn, zeek);
	htable_init(&ft->conns);
	htable_init(&ft->traces);
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
	struct conn		*c, *cn;
	struct trace_chunk	*ch, *chn;

	if (ft == NULL)
		return;
	for (c = ft->lru_head; c != NULL; c = cn) {
		cn = c->lru_next;
		anomaly_list_clear(&c->anoms);
		free(c);
	}
	for (c = ft->free_conns; c != NULL; c = cn) {
		cn = c->next_free;
		free(c);
	}
	for (ch = ft->tq_head; ch != NULL; ch = chn) {
		chn = ch->next;
		free(ch);
	}
	for (ch = ft->free_chunks; ch != NULL; ch = chn) {
		chn = ch->next;
		free(ch);
	}
	free(ft->conns.slot);
	free(ft->traces.slot);
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

void
flow_prefetch(const struct flow_table *ft, uint32_t h, bool syn)
{
	__builtin_prefetch(&ft->conns.slot[h & ft->conns.mask]);
	if (syn && ft->traces.n != 0)
		__builtin_prefetch(&ft->traces.slot[h & ft->traces.mask]);
}
