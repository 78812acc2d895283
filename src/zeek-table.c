/*
 * zeek-table.c - the connection table of -F zeek, with Zeek's boundaries.
 *
 * HOW IT WORKS.  Connections sit in a chained hash table keyed by the
 * canonical 4-tuple (flow_key_make(), flow_key_hash()).  Each has up to
 * four of Zeek's timers pending, as deadlines in packet time: the attempt
 * timer of an originator's SYN, the analyzer's expire timer (every
 * tcp_session_timer while the connection is active), the delete timer of a
 * finished connection, and the inactivity timeout.  A binary heap orders
 * the connections by their earliest deadline; before each packet the ones
 * due are taken off it, their timers run, and a connection either ends
 * (its row is handed over) or goes back with its next deadline.  The heap
 * and the tables grow by doubling; nothing is allocated per packet.
 */
#include <config.h>

#include "zeek-table.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "util.h"

#define ZT_BUCKETS_MIN	1024
#define NEVER		INT64_MAX

struct zentry {
	struct zentry	*hnext;		/* hash chain, or the free list */
	struct flow_key	 key;
	uint32_t	 hash;
	uint32_t	 hidx;		/* place in the heap */
	uint64_t	 serial;	/* order of creation */
	int64_t		 first_ts;
	int64_t		 last_ts;	/* Zeek's last time */
	int64_t		 attempt_at;	/* timers' deadlines, or NEVER */
	int64_t		 expire_at;
	int64_t		 delete_at;
	int64_t		 deadline;	/* the earliest, inactivity too */
	struct zeek_conn z;
	char		 uid[20];
};

struct zeek_table {
	zeek_row_fn	 fn;
	void		*arg;
	uint64_t	 seed;
	struct zentry	**buckets;
	size_t		 nbuckets;	/* a power of two */
	struct zentry	**heap;
	size_t		 nheap;
	size_t		 capheap;
	struct zentry	*free_list;
	uint64_t	 serial;
};

/* ---- the heap, by deadline ------------------------------------------- */

static void
heap_set(struct zeek_table *zt, size_t i, struct zentry *e)
{
	zt->heap[i] = e;
	e->hidx = (uint32_t)i;
}

static void
heap_up(struct zeek_table *zt, size_t i)
{
	struct zentry	*e = zt->heap[i];
	size_t		 parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (zt->heap[parent]->deadline <= e->deadline)
			break;
		heap_set(zt, i, zt->heap[parent]);
		i = parent;
	}
	heap_set(zt, i, e);
}

static void
heap_down(struct zeek_table *zt, size_t i)
{
	struct zentry	*e = zt->heap[i];
	size_t		 child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= zt->nheap)
			break;
		if (child + 1 < zt->nheap &&
		    zt->heap[child + 1]->deadline < zt->heap[child]->deadline)
			child++;
		if (e->deadline <= zt->heap[child]->deadline)
			break;
		heap_set(zt, i, zt->heap[child]);
		i = child;
	}
	heap_set(zt, i, e);
}

static void
heap_push(struct zeek_table *zt, struct zentry *e)
{
	if (zt->nheap == zt->capheap) {
		zt->capheap = zt->capheap == 0 ? ZT_BUCKETS_MIN :
		    zt->capheap * 2;
		zt->heap = xreallocarray(zt->heap, zt->capheap,
		    sizeof(*zt->heap));
	}
	heap_set(zt, zt->nheap++, e);
	heap_up(zt, e->hidx);
}

static void
heap_remove(struct zeek_table *zt, struct zentry *e)
{
	size_t		 i = e->hidx;
	struct zentry	*last;

	last = zt->heap[--zt->nheap];
	if (last == e)
		return;
	heap_set(zt, i, last);
	heap_up(zt, i);
	heap_down(zt, last->hidx);
}

/* The earliest deadline of e's timers, inactivity included. */
static void
set_deadline(struct zeek_table *zt, struct zentry *e)
{
	int64_t d, idle;

	idle = (e->z.flags & ZC_LONG_IDLE) ? ZEEK_INACTIVITY :
	    ZEEK_HS_INACTIVITY;
	d = e->last_ts + idle;
	if (e->attempt_at < d)
		d = e->attempt_at;
	if (e->expire_at < d)
		d = e->expire_at;
	if (e->delete_at < d)
		d = e->delete_at;
	if (d == e->deadline)
		return;
	e->deadline = d;
	heap_up(zt, e->hidx);
	heap_down(zt, e->hidx);
}

/* ---- connections ----------------------------------------------------- */

/* SipHash-1-3 of the whole key, folded to 32 bits: what uids are made of. */
static uint32_t
uid_hash(const struct flow_key *k, uint64_t seed)
{
	uint64_t h;

	h = flow_key_siphash(k, seed, seed ^ UINT64_C(0x9e3779b97f4a7c15));
	return ((uint32_t)(h ^ (h >> 32)));
}

/* Deterministic, so two runs over a file name connections alike. */
static void
make_uid(struct zentry *e)
{
	static const char digits[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint64_t	h[2];
	size_t		i;

	/* Not the table's seed: a run picks that one at random. */
	for (i = 0; i < 2; i++)
		h[i] = (uint64_t)uid_hash(&e->key, e->serial ^
		    ((uint64_t)e->first_ts << (i + 1))) << 32 |
		    uid_hash(&e->key, UINT64_C(0x5a65656b) + e->serial * 3 +
		    (uint64_t)e->first_ts + i);
	e->uid[0] = 'C';
	for (i = 1; i < 18; i++) {
		e->uid[i] = digits[h[i & 1] % 62];
		h[i & 1] /= 62;
	}
	e->uid[18] = '\0';
}

static struct zentry *
zt_lookup(struct zeek_table *zt, uint32_t h, const struct flow_key *k)
{
	struct zentry *e;

	for (e = zt->buckets[h & (zt->nbuckets - 1)]; e != NULL; e = e->hnext)
		if (e->hash == h && memcmp(&e->key, k, sizeof(*k)) == 0)
			return (e);
	return (NULL);
}

static void
zt_grow(struct zeek_table *zt)
{
	struct zentry	**nb, *e, *next;
	size_t		 n = zt->nbuckets * 2, i, b;

	/* Zeroed by writing: see slots_new() in flow.c. */
	nb = xreallocarray(NULL, n, sizeof(*nb));
	memset(nb, 0, n * sizeof(*nb));
	for (i = 0; i < zt->nbuckets; i++) {
		for (e = zt->buckets[i]; e != NULL; e = next) {
			next = e->hnext;
			b = e->hash & (n - 1);
			e->hnext = nb[b];
			nb[b] = e;
		}
	}
	free(zt->buckets);
	zt->buckets = nb;
	zt->nbuckets = n;
}

static struct zentry *
zt_new(struct zeek_table *zt, const struct flow_key *k, uint32_t h,
    int64_t now)
{
	struct zentry	*e;
	size_t		 b;

	if ((e = zt->free_list) != NULL)
		zt->free_list = e->hnext;
	else
		e = xmalloc(sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->hash = h;
	e->serial = ++zt->serial;
	e->first_ts = e->last_ts = now;
	e->attempt_at = e->delete_at = NEVER;
	/* The analyzer's first expire check comes after tcp_SYN_timeout. */
	e->expire_at = now + ZEEK_SYN_TIMEOUT;
	e->deadline = NEVER;
	make_uid(e);
	if (zt->nheap >= zt->nbuckets)
		zt_grow(zt);
	b = h & (zt->nbuckets - 1);
	e->hnext = zt->buckets[b];
	zt->buckets[b] = e;
	heap_push(zt, e);
	set_deadline(zt, e);
	return (e);
}

/* Log e and forget it. */
static void
zt_end(struct zeek_table *zt, struct zentry *e)
{
	struct zeek_row	  row;
	struct zentry	**pp;

	row.z = &e->z;
	row.key = &e->key;
	row.uid = e->uid;
	row.first_ts = e->first_ts;
	row.last_ts = e->last_ts;
	if (zt->fn != NULL)
		zt->fn(zt->arg, &row);

	pp = &zt->buckets[e->hash & (zt->nbuckets - 1)];
	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
	heap_remove(zt, e);
	e->hnext = zt->free_list;
	zt->free_list = e;
}

/*
 * Run e's timers due at now, in the order of their deadlines.  Returns
 * true if one ended the connection.
 */
static bool
zt_timers(struct zentry *e, int64_t now)
{
	int64_t idle;

	idle = (e->z.flags & ZC_LONG_IDLE) ? ZEEK_INACTIVITY :
	    ZEEK_HS_INACTIVITY;
	for (;;) {
		if (e->delete_at <= now)
			return (true);
		if (e->attempt_at <= now && e->attempt_at <= e->expire_at) {
			e->attempt_at = NEVER;
			if (zeek_attempt_failed(&e->z))
				return (true);
		} else if (e->expire_at <= now) {
			e->expire_at = NEVER;
			if (!(e->z.flags & ZC_ACTIVE))
				continue;	/* it stops rescheduling */
			if (zeek_expired(&e->z, e->last_ts, now))
				return (true);
			e->expire_at = now + ZEEK_SESSION_TIMER;
		} else
			break;
	}
	return (e->last_ts + idle <= now);
}

/* Apply ZEV_* bits from zeek_update() to e's timers. */
static void
zt_events(struct zentry *e, uint32_t ev, int64_t now)
{
	if (ev & ZEV_TOUCH)
		e->last_ts = now;
	if (ev & ZEV_ATTEMPT)
		e->attempt_at = now + ZEEK_ATTEMPT_DELAY;
	if (ev & ZEV_CLOSED) {
		/* The analyzer's timers are cancelled; deletion is due. */
		e->attempt_at = e->expire_at = NEVER;
		e->delete_at = e->last_ts + ZEEK_CLOSE_DELAY;
	} else if ((ev & ZEV_HALF_CLOSED) &&
	    e->last_ts + ZEEK_SESSION_TIMER < e->expire_at)
		e->expire_at = e->last_ts + ZEEK_SESSION_TIMER;
}

void
zeek_table_advance(struct zeek_table *zt, int64_t now)
{
	struct zentry *e;

	while (zt->nheap > 0 && (e = zt->heap[0])->deadline <= now) {
		if (zt_timers(e, now))
			zt_end(zt, e);
		else {
			/* The inactivity timer looks again later. */
			e->deadline = NEVER;
			set_deadline(zt, e);
		}
	}
}

void
zeek_table_segment(struct zeek_table *zt, const struct tcpfsm_seg *seg)
{
	struct flow_keyed kd;

	flow_keyed_make(seg, zt->seed, &kd);
	zeek_table_segment_keyed(zt, seg, &kd);
}

void
zeek_table_segment_keyed(struct zeek_table *zt, const struct tcpfsm_seg *seg,
    const struct flow_keyed *kd)
{
	struct zentry	*e;
	uint32_t	 ev;

	zeek_table_advance(zt, seg->ts);
	e = zt_lookup(zt, kd->hash, &kd->key);
	if (e != NULL && zeek_is_reuse(&e->z, seg)) {
		zt_end(zt, e);
		e = NULL;
	}
	if (e == NULL)
		e = zt_new(zt, &kd->key, kd->hash, seg->ts);
	ev = zeek_update(&e->z, seg, kd->side);
	zt_events(e, ev, seg->ts);
	set_deadline(zt, e);
}

static int
cmp_serial(const void *a, const void *b)
{
	const struct zentry *x = *(const struct zentry *const *)a;
	const struct zentry *y = *(const struct zentry *const *)b;

	return (x->serial < y->serial ? -1 : x->serial > y->serial);
}

void
zeek_table_finish(struct zeek_table *zt)
{
	struct zentry	**v;
	size_t		  n = zt->nheap, i;

	if (n == 0)
		return;
	v = xcalloc(n, sizeof(*v));
	memcpy(v, zt->heap, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_serial);
	for (i = 0; i < n; i++)
		zt_end(zt, v[i]);
	free(v);
}

struct zeek_table *
zeek_table_new(uint64_t seed, zeek_row_fn fn, void *arg)
{
	struct zeek_table *zt;

	zt = xcalloc(1, sizeof(*zt));
	zt->fn = fn;
	zt->arg = arg;
	zt->seed = seed;
	zt->nbuckets = ZT_BUCKETS_MIN;
	zt->buckets = xcalloc(zt->nbuckets, sizeof(*zt->buckets));
	return (zt);
}

void
zeek_table_free(struct zeek_table *zt)
{
	struct zentry	*e, *next;
	size_t		 i;

	if (zt == NULL)
		return;
	for (i = 0; i < zt->nheap; i++)
		free(zt->heap[i]);
	for (e = zt->free_list; e != NULL; e = next) {
		next = e->hnext;
		free(e);
	}
	free(zt->heap);
	free(zt->buckets);
	free(zt);
}
