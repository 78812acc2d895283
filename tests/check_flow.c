/*
 * check_flow.c - the connection table: canonical keys, connection records,
 * timers in packet time, TIME_WAIT traces and late segments, eviction,
 * bounded memory; and the anomaly catalogue.
 *
 * Segments are built by hand, not decoded from frames: a conversation
 * (struct talk) knows each side's next sequence number, so a test reads as
 * the exchange it replays.  Every timestamp is synthetic.  The recording
 * sink copies what the table hands it, because the table reuses a
 * connection's memory once the callback returns.
 */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly.h"
#include "decode.h"
#include "flow.h"
#include "tcpstate.h"
#include "util.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define SEC		INT64_C(1000000)	/* microseconds */
#define MSEC		INT64_C(1000)
#define T0		(INT64_C(1700000000) * SEC)	/* 2023-11-14 */
#define WIN		29200		/* every segment's window */
#define NONE		(-1)		/* no anomaly expected */

/* ---- recording sink ------------------------------------------------ */

/* What a conn record said. */
struct rec_conn {
	char		 uid[20];
	uint16_t	 port[2];	/* client, server */
	uint8_t		 state[2];	/* client, server: tcp_state */
	uint8_t		 end;		/* enum conn_end */
	uint8_t		 closer;	/* enum conn_closer */
	int64_t		 first_ts;	/* microseconds */
	int64_t		 last_ts;
	uint64_t	 anoms;		/* bit per anomaly id */
};

/* What an anomaly callback said. */
struct rec_anom {
	uint8_t		 id;		/* enum anomaly_id */
	uint8_t		 who;		/* enum anomaly_who */
	char		 uid[20];
	char		 related_uid[20];
	int64_t		 ts;		/* microseconds */
	uint64_t	 frame;
};

struct fixture {
	struct flow_config cfg;
	struct flow_table *ft;
	uint64_t	 frame;		/* last frame number sent */
	uint64_t	 live_peak;	/* most stats.live seen */
	bool		 tsopt;		/* send timestamps */
	uint32_t	 tsclock[2];	/* client, server: tsval at T0 */
	struct rec_conn	*conns;
	size_t		 nconns;
	size_t		 capconns;
	struct rec_anom	*anoms;
	size_t		 nanoms;
	size_t		 capanoms;
};

static struct fixture fx;

static void
rec_conn(void *arg, const struct conn *c)
{
	struct fixture	*f = arg;
	struct rec_conn	*r;
	int		 cs = c->id.client_side;
	uint16_t	 i;

	if (f->nconns == f->capconns) {
		f->capconns = f->capconns == 0 ? 16 : f->capconns * 2;
		f->conns = xreallocarray(f->conns, f->capconns,
		    sizeof(*f->conns));
	}
	r = &f->conns[f->nconns++];
	memset(r, 0, sizeof(*r));
	memcpy(r->uid, c->id.uid, sizeof(r->uid));
	r->port[TCP_CLIENT] = c->id.key.port[cs];
	r->port[TCP_SERVER] = c->id.key.port[!cs];
	r->state[TCP_CLIENT] = c->tcp.ep[TCP_CLIENT].state;
	r->state[TCP_SERVER] = c->tcp.ep[TCP_SERVER].state;
	r->end = c->end;
	r->closer = c->closer;
	r->first_ts = c->id.first_ts;
	r->last_ts = c->last_ts;
	for (i = 0; i < c->anoms.n; i++)
		r->anoms |= UINT64_C(1) << c->anoms.v[i].id;
}

static void
rec_anom(void *arg, const struct conn_ident *id, const struct anomaly *a)
{
	struct fixture	*f = arg;
	struct rec_anom	*r;

	if (f->nanoms == f->capanoms) {
		f->capanoms = f->capanoms == 0 ? 16 : f->capanoms * 2;
		f->anoms = xreallocarray(f->anoms, f->capanoms,
		    sizeof(*f->anoms));
	}
	r = &f->anoms[f->nanoms++];
	memset(r, 0, sizeof(*r));
	r->id = a->id;
	r->who = a->who;
	memcpy(r->uid, id->uid, sizeof(r->uid));
	memcpy(r->related_uid, a->related_uid, sizeof(r->related_uid));
	r->ts = a->ts;
	r->frame = a->frame;
}

/*
 * The anomaly ids in mask, by name, for failure messages.  Returned by
 * value: names_of(m).s lives until the end of the full expression (C11
 * 6.2.4), long enough for the message it goes into.
 */
struct names {
	char	 s[1024];
};

static struct names
names_of(uint64_t mask)
{
	struct names	nm;
	size_t		n = 0;
	int		i;

	snprintf(nm.s, sizeof(nm.s), "(none)");
	for (i = 0; i < AN_NIDS; i++)
		if ((mask >> i) & 1)
			n += (size_t)snprintf(nm.s + n, sizeof(nm.s) - n,
			    "%s ", anomaly_def((enum anomaly_id)i)->name);
	return (nm);
}

static bool
conn_has(const struct rec_conn *r, enum anomaly_id id)
{
	return (((r->anoms >> id) & 1) != 0);
}

/* The conn record whose client used port cport; fails if there is none. */
static const struct rec_conn *
conn_by_port(uint16_t cport)
{
	size_t i;

	for (i = 0; i < fx.nconns; i++)
		if (fx.conns[i].port[TCP_CLIENT] == cport)
			return (&fx.conns[i]);
	ck_abort_msg("no conn record for client port %u", cport);
	return (NULL);
}

/* How many anomaly callbacks raised id. */
static size_t
anom_count(enum anomaly_id id)
{
	size_t i, n = 0;

	for (i = 0; i < fx.nanoms; i++)
		if (fx.anoms[i].id == id)
			n++;
	return (n);
}

/* The first anomaly callback that raised id, or NULL. */
static const struct rec_anom *
anom_find(enum anomaly_id id)
{
	size_t i;

	for (i = 0; i < fx.nanoms; i++)
		if (fx.anoms[i].id == id)
			return (&fx.anoms[i]);
	return (NULL);
}

/* Every anomaly id the callbacks raised, as a mask. */
static uint64_t
anom_mask(void)
{
	uint64_t	m = 0;
	size_t		i;

	for (i = 0; i < fx.nanoms; i++)
		m |= UINT64_C(1) << fx.anoms[i].id;
	return (m);
}

#define TW_MASK	((UINT64_C(1) << AN_TIME_WAIT_REUSE) |		\
	(UINT64_C(1) << AN_PREMATURE_TIME_WAIT_EXIT) |		\
	(UINT64_C(1) << AN_TIME_WAIT_ASSASSINATION))

/* ---- segment builder ----------------------------------------------- */

/* A 4-tuple: addresses and ports of the client and the server. */
struct tuple {
	uint8_t		 ipv;		/* 4 or 6 */
	uint8_t		 addr[2][16];	/* client, server */
	uint16_t	 port[2];
};

static void
tuple_v4(struct tuple *tu, uint32_t caddr, uint16_t cport, uint32_t saddr,
    uint16_t sport)
{
	int i;

	memset(tu, 0, sizeof(*tu));
	tu->ipv = 4;
	for (i = 0; i < 4; i++) {
		tu->addr[TCP_CLIENT][i] = (uint8_t)(caddr >> (24 - 8 * i));
		tu->addr[TCP_SERVER][i] = (uint8_t)(saddr >> (24 - 8 * i));
	}
	tu->port[TCP_CLIENT] = cport;
	tu->port[TCP_SERVER] = sport;
}

/* 2001:db8::<clast> to 2001:db8::<slast>. */
static void
tuple_v6(struct tuple *tu, uint8_t clast, uint16_t cport, uint8_t slast,
    uint16_t sport)
{
	int i;

	memset(tu, 0, sizeof(*tu));
	tu->ipv = 6;
	for (i = 0; i < 2; i++) {
		tu->addr[i][0] = 0x20;
		tu->addr[i][1] = 0x01;
		tu->addr[i][2] = 0x0d;
		tu->addr[i][3] = 0xb8;
	}
	tu->addr[TCP_CLIENT][15] = clast;
	tu->addr[TCP_SERVER][15] = slast;
	tu->port[TCP_CLIENT] = cport;
	tu->port[TCP_SERVER] = sport;
}

#define CLIENT_V4	0xc0000201	/* 192.0.2.1 */
#define SERVER_V4	0xc6336402	/* 198.51.100.2 */
#define CLIENT_HIGH_V4	0xcb007109	/* 203.0.113.9 > server */

/* 192.0.2.1.cport > 198.51.100.2.80 */
static void
tuple_web(struct tuple *tu, uint16_t cport)
{
	tuple_v4(tu, CLIENT_V4, cport, SERVER_V4, 80);
}

/* A segment sent by endpoint from of tu; everything else zero. */
static void
seg_build(struct tcpfsm_seg *seg, const struct tuple *tu, int from,
    unsigned flags, uint32_t seq, uint32_t ack, uint16_t win, uint32_t len,
    int64_t ts)
{
	size_t alen = tu->ipv == 6 ? 16 : 4;

	memset(seg, 0, sizeof(*seg));
	seg->ipv = tu->ipv;
	seg->ttl = 64;
	memcpy(seg->src, tu->addr[from], alen);
	memcpy(seg->dst, tu->addr[!from], alen);
	seg->sport = tu->port[from];
	seg->dport = tu->port[!from];
	seg->seq = seq;
	seg->ack = ack;
	seg->flags = (uint16_t)flags;
	seg->win = win;
	seg->hdr_len = 20;
	seg->payload_len = len;
	seg->ip_len = (uint32_t)((tu->ipv == 6 ? 40 : 20) + 20 + len);
	seg->ts = ts;
}

/* Replay one segment with the next frame number. */
static void
tx(const struct tuple *tu, int from, unsigned flags, uint32_t seq,
    uint32_t ack, uint32_t len, int64_t ts)
{
	struct tcpfsm_seg seg;

	seg_build(&seg, tu, from, flags, seq, ack, WIN, len, ts);
	if (fx.tsopt) {
		seg.opt.present |= TCPO_TIMESTAMP;
		seg.opt.tsval = fx.tsclock[from] + (uint32_t)((ts - T0) / MSEC);
	}
	seg.frame = ++fx.frame;
	flow_segment(fx.ft, &seg);
	if (flow_stats(fx.ft)->live > fx.live_peak)
		fx.live_peak = flow_stats(fx.ft)->live;
}

/* A conversation on one 4-tuple: each side's next sequence number. */
struct talk {
	struct tuple	 tu;
	uint32_t	 nxt[2];	/* client, server */
};

static void
talk_init(struct talk *k, const struct tuple *tu, uint32_t cisn,
    uint32_t sisn)
{
	k->tu = *tu;
	k->nxt[TCP_CLIENT] = cisn;
	k->nxt[TCP_SERVER] = sisn;
}

/*
 * from sends len payload bytes with flags at its next sequence number,
 * acknowledging (with TCPF_ACK) all the peer has sent.
 */
static void
say(struct talk *k, int from, unsigned flags, uint32_t len, int64_t ts)
{
	uint32_t seq = k->nxt[from];
	uint32_t ack = (flags & TCPF_ACK) ? k->nxt[!from] : 0;

	k->nxt[from] += len + ((flags & TCPF_SYN) ? 1 : 0) +
	    ((flags & TCPF_FIN) ? 1 : 0);
	tx(&k->tu, from, flags, seq, ack, len, ts);
}

/* SYN, SYN-ACK, ACK, step apart from t.  Returns the last one's time. */
static int64_t
handshake(struct talk *k, int64_t t, int64_t step)
{
	say(k, TCP_CLIENT, TCPF_SYN, 0, t);
	say(k, TCP_SERVER, TCPF_SYN | TCPF_ACK, 0, t + step);
	say(k, TCP_CLIENT, TCPF_ACK, 0, t + 2 * step);
	return (t + 2 * step);
}

/*
 * The four-way close from t: closer's FIN, the peer's ACK of it, the
 * peer's FIN, closer's last ACK.  Returns the last one's time.
 */
static int64_t
close4(struct talk *k, int closer, int64_t t, int64_t step)
{
	say(k, closer, TCPF_FIN | TCPF_ACK, 0, t);
	say(k, !closer, TCPF_ACK, 0, t + step);
	say(k, !closer, TCPF_FIN | TCPF_ACK, 0, t + 2 * step);
	say(k, closer, TCPF_ACK, 0, t + 3 * step);
	return (t + 3 * step);
}

/*
 * Open and established from t, five segments step apart: the handshake,
 * 100 bytes from the client and their ACK.  Returns the last one's time.
 */
static int64_t
conn_open(struct talk *k, int64_t t, int64_t step)
{
	t = handshake(k, t, step);
	say(k, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 100, t + step);
	say(k, TCP_SERVER, TCPF_ACK, 0, t + 2 * step);
	return (t + 2 * step);
}

/*
 * A whole clean connection from t, nine segments step apart: conn_open(),
 * then closer closes.  Returns the last one's time.
 */
static int64_t
conn_clean(struct talk *k, int closer, int64_t t, int64_t step)
{
	t = conn_open(k, t, step);
	return (close4(k, closer, t + step, step));
}

/*
 * Traffic on another 4-tuple (client port 9999) from t to t + span, one
 * segment a second, so that packet time moves on.
 */
static void
other_traffic(int64_t t, int64_t span)
{
	struct talk	k;
	struct tuple	tu;
	int64_t		s;

	tuple_v4(&tu, 0x0a000001, 9999, 0x0a000002, 443);
	talk_init(&k, &tu, 5000, 9000);
	say(&k, TCP_CLIENT, TCPF_SYN, 0, t);
	say(&k, TCP_SERVER, TCPF_SYN | TCPF_ACK, 0, t);
	say(&k, TCP_CLIENT, TCPF_ACK, 0, t);
	for (s = SEC; s <= span; s += SEC)
		say(&k, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 10, t + s);
	if ((span % SEC) != 0)
		say(&k, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 10, t + span);
}

/* ---- fixture ------------------------------------------------------- */

static void
setup(void)
{
	memset(&fx, 0, sizeof(fx));
	flow_config_default(&fx.cfg);
	fx.cfg.seed = 42;
}

static void
teardown(void)
{
	flow_free(fx.ft);
	free(fx.conns);
	free(fx.anoms);
	memset(&fx, 0, sizeof(fx));
}

/* Open the table with fx.cfg as the test has set it. */
static void
start(void)
{
	struct flow_sink sink;

	memset(&sink, 0, sizeof(sink));
	sink.arg = &fx;
	sink.conn = rec_conn;
	sink.anomaly = rec_anom;
	fx.ft = flow_new(&fx.cfg, &sink);
}

/* ---- keys ---------------------------------------------------------- */

static const struct key_case {
	const char	*name;
	uint8_t		 ipv;
	uint8_t		 a[16];
	uint16_t	 aport;
	uint8_t		 b[16];
	uint16_t	 bport;
	int		 a_side;	/* key side of endpoint a */
} key_cases[] = {
	{ "v4, lower address sends", 4, { 10, 0, 0, 1 }, 40000,
	    { 10, 0, 0, 2 }, 80, 0 },
	{ "v4, higher address sends", 4, { 192, 168, 1, 9 }, 80,
	    { 10, 9, 9, 9 }, 55555, 1 },
	{ "v4, same address, lower port", 4, { 127, 0, 0, 1 }, 80,
	    { 127, 0, 0, 1 }, 40000, 0 },
	{ "v4, same address, higher port", 4, { 127, 0, 0, 1 }, 40000,
	    { 127, 0, 0, 1 }, 80, 1 },
	{ "v6, lower address", 6,
	    { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 443,
	    { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 50000, 0 },
	{ "v6, higher address, differs in the first byte", 6,
	    { 0xfe, 0x80, [15] = 1 }, 22,
	    { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 60000, 1 },
	{ "v6, same address, different ports", 6,
	    { [15] = 1 }, 8080, { [15] = 1 }, 8079, 1 },
};

START_TEST(test_key_symmetry)
{
	const struct key_case	*kc = &key_cases[_i];
	struct tcpfsm_seg	 ab, ba;
	struct flow_key		 kab, kba;
	struct tuple		 tu;
	size_t			 alen = kc->ipv == 6 ? 16 : 4, i;
	int			 sab = -1, sba = -1;

	memset(&tu, 0, sizeof(tu));
	tu.ipv = kc->ipv;
	memcpy(tu.addr[0], kc->a, alen);
	memcpy(tu.addr[1], kc->b, alen);
	tu.port[0] = kc->aport;
	tu.port[1] = kc->bport;
	seg_build(&ab, &tu, 0, TCPF_SYN, 1, 0, WIN, 0, T0);
	seg_build(&ba, &tu, 1, TCPF_SYN | TCPF_ACK, 7, 2, WIN, 0, T0);
	memset(&kab, 0xa5, sizeof(kab));
	memset(&kba, 0x5a, sizeof(kba));
	flow_key_make(&ab, &kab, &sab);
	flow_key_make(&ba, &kba, &sba);

	ck_assert_msg(memcmp(&kab, &kba, sizeof(kab)) == 0,
	    "%s: A->B and B->A make different keys", kc->name);
	ck_assert_uint_eq(flow_key_hash(&kab, 42), flow_key_hash(&kba, 42));
	ck_assert_uint_eq(flow_key_hash(&kab, 0), flow_key_hash(&kba, 0));
	ck_assert_int_eq(sab, kc->a_side);
	ck_assert_int_eq(sba, !kc->a_side);
	ck_assert_uint_eq(kab.ipv, kc->ipv);
	ck_assert_mem_eq(kab.addr[kc->a_side], kc->a, alen);
	ck_assert_mem_eq(kab.addr[!kc->a_side], kc->b, alen);
	ck_assert_uint_eq(kab.port[kc->a_side], kc->aport);
	ck_assert_uint_eq(kab.port[!kc->a_side], kc->bport);
	/* The key is hashed whole: what is not address must be zero. */
	for (i = alen; i < 16; i++) {
		ck_assert_uint_eq(kab.addr[0][i], 0);
		ck_assert_uint_eq(kab.addr[1][i], 0);
	}
	for (i = 0; i < sizeof(kab.pad); i++)
		ck_assert_uint_eq(kab.pad[i], 0);
}
END_TEST

/* Swapping the ports between the two addresses is another connection. */
START_TEST(test_key_distinct)
{
	struct tcpfsm_seg	seg;
	struct flow_key		k1, k2, k3;
	struct tuple		tu;
	int			side;

	tuple_v4(&tu, 0x0a000001, 40000, 0x0a000002, 80);
	seg_build(&seg, &tu, TCP_CLIENT, TCPF_SYN, 1, 0, WIN, 0, T0);
	flow_key_make(&seg, &k1, &side);
	tuple_v4(&tu, 0x0a000001, 80, 0x0a000002, 40000);
	seg_build(&seg, &tu, TCP_CLIENT, TCPF_SYN, 1, 0, WIN, 0, T0);
	flow_key_make(&seg, &k2, &side);
	ck_assert_msg(memcmp(&k1, &k2, sizeof(k1)) != 0,
	    "ports swapped between the hosts give the same key");
	/* The same four numbers as IPv6 are yet another connection. */
	tu.ipv = 6;
	seg_build(&seg, &tu, TCP_CLIENT, TCPF_SYN, 1, 0, WIN, 0, T0);
	flow_key_make(&seg, &k3, &side);
	ck_assert_msg(memcmp(&k2, &k3, sizeof(k2)) != 0,
	    "IPv4 and IPv6 give the same key");
	/* The hash is seeded: another seed, another hash. */
	ck_assert_uint_ne(flow_key_hash(&k1, 1), flow_key_hash(&k1, 2));
}
END_TEST

START_TEST(test_config_defaults)
{
	struct flow_config cfg;

	memset(&cfg, 0xff, sizeof(cfg));
	flow_config_default(&cfg);
	ck_assert_int_eq(cfg.handshake_timeout, 5 * SEC);
	ck_assert_int_eq(cfg.fin_timeout, 5 * SEC);
	ck_assert_int_eq(cfg.idle_timeout, 300 * SEC);
	ck_assert_int_eq(cfg.msl, 30 * SEC);
	ck_assert_uint_eq(cfg.max_conns, 0);
}
END_TEST

/* ---- connection records -------------------------------------------- */

static const struct clean_case {
	const char	*name;
	int		 ipv;
	int		 closer;	/* TCP_CLIENT or TCP_SERVER */
	bool		 client_high;	/* client address > server */
} clean_cases[] = {
	{ "v4, client closes", 4, TCP_CLIENT, false },
	{ "v4, server closes", 4, TCP_SERVER, false },
	{ "v6, client closes", 6, TCP_CLIENT, false },
	{ "v6, server closes", 6, TCP_SERVER, false },
	{ "v4, higher client closes", 4, TCP_CLIENT, true },
	{ "v4, higher client, server closes", 4, TCP_SERVER, true },
	{ "v6, higher client closes", 6, TCP_CLIENT, true },
};

START_TEST(test_clean)
{
	const struct clean_case	*cc = &clean_cases[_i];
	const struct flow_stats	*st;
	const struct rec_conn	*r;
	struct talk		 k;
	struct tuple		 tu;
	int			 closer = cc->closer;

	start();
	if (cc->ipv == 6)
		tuple_v6(&tu, cc->client_high ? 9 : 1, 40000,
		    cc->client_high ? 2 : 3, 80);
	else if (cc->client_high)
		tuple_v4(&tu, CLIENT_HIGH_V4, 40000, SERVER_V4, 80);
	else
		tuple_web(&tu, 40000);
	talk_init(&k, &tu, 1000000, 3000000);
	conn_clean(&k, closer, T0, MSEC);

	/* Written when it is over, not at the end of input. */
	ck_assert_msg(fx.nconns == 1, "%s: %zu records before the end",
	    cc->name, fx.nconns);
	st = flow_stats(fx.ft);
	ck_assert_uint_eq(st->live, 0);
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 1);

	r = &fx.conns[0];
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "fin");
	ck_assert_str_eq(flow_closer_name((enum conn_closer)r->closer),
	    closer == TCP_CLIENT ? "client" : "server");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[closer]),
	    "TIME_WAIT");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[!closer]),
	    "CLOSED");
	ck_assert_uint_eq(r->port[TCP_CLIENT], 40000);
	ck_assert_uint_eq(r->port[TCP_SERVER], 80);
	ck_assert_int_eq(r->first_ts, T0);
	ck_assert_int_eq(r->last_ts, T0 + 8 * MSEC);
	ck_assert_msg(r->anoms == 0 && fx.nanoms == 0,
	    "%s: a clean connection has anomalies: %s", cc->name,
	    names_of(r->anoms | anom_mask()).s);
	ck_assert_int_eq(r->uid[0], 'C');
	ck_assert_uint_eq(strlen(r->uid), 18);
	ck_assert_uint_eq(st->conns, 1);
	ck_assert_uint_eq(st->by_end[END_FIN], 1);
	ck_assert_uint_eq(st->by_state[closer][TCPS_TIME_WAIT], 1);
	ck_assert_uint_eq(st->by_state[!closer][TCPS_CLOSED], 1);
}
END_TEST

/* A SYN answered by RST+ACK: nobody listens there. */
START_TEST(test_rejected)
{
	const struct rec_conn	*r;
	struct tuple		 tu;

	start();
	tuple_web(&tu, 40001);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 1000, 0, 0, T0);
	tx(&tu, TCP_SERVER, TCPF_RST | TCPF_ACK, 0, 1001, 0, T0 + MSEC);
	ck_assert_uint_eq(fx.nconns, 1);
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 1);
	r = &fx.conns[0];
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "rejected");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_CLIENT]),
	    "CLOSED");
	ck_assert_msg(!conn_has(r, AN_SYN_UNANSWERED),
	    "a refused SYN was answered: %s", names_of(r->anoms).s);
	ck_assert_uint_eq(flow_stats(fx.ft)->by_end[END_REJECTED], 1);
}
END_TEST

/* Still open when the input ends: each endpoint's state at that moment. */
START_TEST(test_open_at_end)
{
	const struct rec_conn	*r;
	struct talk		 k;
	struct tuple		 tu;

	start();
	tuple_web(&tu, 40002);
	talk_init(&k, &tu, 1000, 2000);
	conn_open(&k, T0, MSEC);
	ck_assert_uint_eq(fx.nconns, 0);
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 1);
	r = &fx.conns[0];
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "open_at_end");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_CLIENT]),
	    "ESTABLISHED");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_SERVER]),
	    "ESTABLISHED");
	ck_assert_uint_eq(r->closer, CLOSER_NONE);
	ck_assert_msg(r->anoms == 0, "anomalies: %s", names_of(r->anoms).s);
	ck_assert_uint_eq(flow_stats(fx.ft)->live, 0);
}
END_TEST

/* ---- timers in packet time ----------------------------------------- */

/* A lone SYN, then traffic elsewhere for span: is it decided, and when? */
static const struct syn_case {
	const char	*name;
	int64_t		 span;		/* traffic after the SYN */
	bool		 decided;	/* syn_unanswered before the end */
} syn_cases[] = {
	{ "6 s later", 6 * SEC, true },
	{ "4 s later", 4 * SEC, false },
};

START_TEST(test_syn_unanswered_timer)
{
	const struct syn_case	*sc = &syn_cases[_i];
	const struct rec_anom	*a;
	const struct rec_conn	*r;
	struct tuple		 tu;

	start();
	tuple_web(&tu, 41000);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 1000, 0, 0, T0);
	other_traffic(T0 + sc->span, 0);
	a = anom_find(AN_SYN_UNANSWERED);
	if (!sc->decided) {
		ck_assert_msg(a == NULL, "%s: decided too early", sc->name);
		flow_finish(fx.ft);
		r = conn_by_port(41000);
		ck_assert_msg(!conn_has(r, AN_SYN_UNANSWERED),
		    "%s: a SYN not retransmitted, its timeout not passed, is "
		    "still open, not an anomaly", sc->name);
		ck_assert_str_eq(flow_end_name((enum conn_end)r->end),
		    "open_at_end");
		return;
	}
	ck_assert_msg(a != NULL, "%s: syn_unanswered not decided", sc->name);
	ck_assert_uint_eq(anom_count(AN_SYN_UNANSWERED), 1);
	ck_assert_int_eq(a->ts, T0 + 5 * SEC);
	ck_assert_uint_eq(a->who, WHO_CLIENT);
	ck_assert_uint_eq(fx.nconns, 0);
	flow_finish(fx.ft);
	r = conn_by_port(41000);
	ck_assert_str_eq(a->uid, r->uid);
	ck_assert(conn_has(r, AN_SYN_UNANSWERED));
	ck_assert_uint_eq(anom_count(AN_SYN_UNANSWERED), 1);
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_CLIENT]),
	    "SYN_SENT");
}
END_TEST

/* At the end of input: the endpoint's own retransmission speaks. */
static const struct syn_eof_case {
	const char	*name;
	int		 retransmissions;
	bool		 decided;
} syn_eof_cases[] = {
	{ "sent once", 0, false },
	{ "retransmitted", 1, true },
	{ "retransmitted twice", 2, true },
};

START_TEST(test_syn_unanswered_at_end)
{
	const struct syn_eof_case *sc = &syn_eof_cases[_i];
	const struct rec_conn	*r;
	struct tuple		 tu;
	int			 i;

	start();
	tuple_web(&tu, 41001);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 1000, 0, 0, T0);
	for (i = 1; i <= sc->retransmissions; i++)
		tx(&tu, TCP_CLIENT, TCPF_SYN, 1000, 0, 0, T0 + i * SEC);
	ck_assert_ptr_null(anom_find(AN_SYN_UNANSWERED));
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 1);
	r = &fx.conns[0];
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "open_at_end");
	ck_assert_msg(conn_has(r, AN_SYN_UNANSWERED) == sc->decided,
	    "%s: anomalies %s", sc->name, names_of(r->anoms).s);
	ck_assert_uint_eq(anom_count(AN_SYN_UNANSWERED), sc->decided ? 1 : 0);
}
END_TEST

START_TEST(test_synack_unacked)
{
	const struct rec_anom	*a;
	const struct rec_conn	*r;
	struct tuple		 tu;

	start();
	tuple_web(&tu, 41002);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 1000, 0, 0, T0);
	tx(&tu, TCP_SERVER, TCPF_SYN | TCPF_ACK, 5000, 1001, 0, T0 + 20 * MSEC);
	other_traffic(T0 + 4 * SEC, 2 * SEC);
	a = anom_find(AN_SYNACK_UNACKED);
	ck_assert_msg(a != NULL, "synack_unacked not decided: %s",
	    names_of(anom_mask()).s);
	ck_assert_int_eq(a->ts, T0 + 20 * MSEC + 5 * SEC);
	ck_assert_uint_eq(a->who, WHO_SERVER);
	ck_assert_ptr_null(anom_find(AN_SYN_UNANSWERED));
	flow_finish(fx.ft);
	r = conn_by_port(41002);
	ck_assert_str_eq(a->uid, r->uid);
	ck_assert(conn_has(r, AN_SYNACK_UNACKED));
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_SERVER]),
	    "SYN_RECEIVED");
}
END_TEST

/* A SYN-ACK never acknowledged, at the end of input before its timeout. */
START_TEST(test_synack_unacked_at_end)
{
	const struct rec_conn	*r;
	struct tuple		 tu;
	bool			 retx = _i == 1;

	start();
	tuple_web(&tu, 41010);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 1000, 0, 0, T0);
	tx(&tu, TCP_SERVER, TCPF_SYN | TCPF_ACK, 5000, 1001, 0, T0 + MSEC);
	if (retx)
		tx(&tu, TCP_SERVER, TCPF_SYN | TCPF_ACK, 5000, 1001, 0,
		    T0 + SEC + MSEC);
	flow_finish(fx.ft);
	r = conn_by_port(41010);
	ck_assert_msg(conn_has(r, AN_SYNACK_UNACKED) == retx,
	    "SYN-ACK %s: anomalies %s", retx ? "retransmitted" : "sent once",
	    names_of(r->anoms).s);
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "open_at_end");
}
END_TEST

START_TEST(test_fin_unacked)
{
	const struct rec_anom	*a;
	const struct rec_conn	*r;
	struct talk		 k;
	struct tuple		 tu;
	int64_t			 t;

	start();
	tuple_web(&tu, 41003);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_open(&k, T0, MSEC);
	say(&k, TCP_CLIENT, TCPF_FIN | TCPF_ACK, 0, t + SEC);
	other_traffic(t + 2 * SEC, 5 * SEC);
	a = anom_find(AN_FIN_UNACKED);
	ck_assert_msg(a != NULL, "fin_unacked not decided: %s",
	    names_of(anom_mask()).s);
	ck_assert_int_eq(a->ts, t + SEC + 5 * SEC);
	ck_assert_uint_eq(a->who, WHO_CLIENT);
	flow_finish(fx.ft);
	r = conn_by_port(41003);
	ck_assert_str_eq(a->uid, r->uid);
	ck_assert(conn_has(r, AN_FIN_UNACKED));
	ck_assert_uint_eq(anom_count(AN_FIN_UNACKED), 1);
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_CLIENT]),
	    "FIN_WAIT_1");
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "open_at_end");
}
END_TEST

/* An unacknowledged FIN at the end of input, before its timeout. */
START_TEST(test_fin_unacked_at_end)
{
	const struct rec_conn	*r;
	struct talk		 k;
	struct tuple		 tu;
	int64_t			 t;
	bool			 retx = _i == 1;

	start();
	tuple_web(&tu, 41004);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_open(&k, T0, MSEC);
	say(&k, TCP_CLIENT, TCPF_FIN | TCPF_ACK, 0, t + SEC);
	if (retx)
		tx(&tu, TCP_CLIENT, TCPF_FIN | TCPF_ACK, k.nxt[TCP_CLIENT] - 1,
		    k.nxt[TCP_SERVER], 0, t + SEC + 300 * MSEC);
	flow_finish(fx.ft);
	r = conn_by_port(41004);
	ck_assert_msg(conn_has(r, AN_FIN_UNACKED) == retx,
	    "FIN %s: anomalies %s", retx ? "retransmitted" : "sent once",
	    names_of(r->anoms).s);
}
END_TEST

START_TEST(test_half_closed)
{
	const struct rec_anom	*a;
	const struct rec_conn	*r;
	struct talk		 k;
	struct tuple		 tu;
	int64_t			 t;

	start();
	tuple_web(&tu, 41005);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_open(&k, T0, MSEC);
	say(&k, TCP_CLIENT, TCPF_FIN | TCPF_ACK, 0, t + SEC);
	say(&k, TCP_SERVER, TCPF_ACK, 0, t + SEC + MSEC);
	other_traffic(t + SEC + 2 * MSEC, 6 * SEC);
	flow_finish(fx.ft);
	r = conn_by_port(41005);
	ck_assert_msg(conn_has(r, AN_HALF_CLOSED), "anomalies: %s",
	    names_of(r->anoms).s);
	a = anom_find(AN_HALF_CLOSED);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->uid, r->uid);
	ck_assert_uint_eq(a->who, WHO_SERVER);
	ck_assert_msg(!conn_has(r, AN_FIN_UNACKED), "the FIN was acknowledged");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_CLIENT]),
	    "FIN_WAIT_2");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_SERVER]),
	    "CLOSE_WAIT");
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "open_at_end");
	ck_assert_str_eq(flow_closer_name((enum conn_closer)r->closer),
	    "client");
}
END_TEST

/* Quiet for less than --fin-timeout at the end: not yet half-closed. */
START_TEST(test_half_closed_too_soon)
{
	const struct rec_conn	*r;
	struct talk		 k;
	struct tuple		 tu;
	int64_t			 t;

	start();
	tuple_web(&tu, 41006);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_open(&k, T0, MSEC);
	say(&k, TCP_CLIENT, TCPF_FIN | TCPF_ACK, 0, t + SEC);
	say(&k, TCP_SERVER, TCPF_ACK, 0, t + SEC + MSEC);
	other_traffic(t + SEC + 2 * MSEC, 2 * SEC);
	flow_finish(fx.ft);
	r = conn_by_port(41006);
	ck_assert_msg(!conn_has(r, AN_HALF_CLOSED), "anomalies: %s",
	    names_of(r->anoms).s);
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_CLIENT]),
	    "FIN_WAIT_2");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_SERVER]),
	    "CLOSE_WAIT");
}
END_TEST

/* --idle-timeout ends an idle connection; an active one stays. */
START_TEST(test_idle_timeout)
{
	const struct rec_conn	*r;
	struct talk		 idle, busy;
	struct tuple		 tu;

	fx.cfg.idle_timeout = 10 * SEC;
	start();
	tuple_web(&tu, 41007);
	talk_init(&idle, &tu, 1000, 2000);
	conn_open(&idle, T0, MSEC);		/* quiet from T0+4ms */
	tuple_web(&tu, 41008);
	talk_init(&busy, &tu, 7000, 8000);
	conn_open(&busy, T0 + 5 * SEC, MSEC);	/* quiet from T0+5s */

	say(&busy, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 10, T0 + 9 * SEC);
	ck_assert_msg(fx.nconns == 0, "timed out before 10 s of silence");
	say(&busy, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 10, T0 + 11 * SEC);
	ck_assert_uint_eq(fx.nconns, 1);
	r = &fx.conns[0];
	ck_assert_uint_eq(r->port[TCP_CLIENT], 41007);
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "timeout");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_CLIENT]),
	    "ESTABLISHED");
	ck_assert_uint_eq(flow_stats(fx.ft)->live, 1);

	flow_finish(fx.ft);
	r = conn_by_port(41008);
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "open_at_end");
	ck_assert_uint_eq(flow_stats(fx.ft)->by_end[END_TIMEOUT], 1);
}
END_TEST

/* Half-closed and quiet for --idle-timeout: half_closed, end timeout. */
START_TEST(test_idle_half_closed)
{
	const struct rec_conn	*r;
	struct talk		 k;
	struct tuple		 tu;
	int64_t			 t;

	fx.cfg.idle_timeout = 10 * SEC;
	start();
	tuple_web(&tu, 41009);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_open(&k, T0, MSEC);
	say(&k, TCP_CLIENT, TCPF_FIN | TCPF_ACK, 0, t + MSEC);
	say(&k, TCP_SERVER, TCPF_ACK, 0, t + 2 * MSEC);
	other_traffic(t + SEC, 11 * SEC);
	ck_assert_uint_eq(fx.nconns, 1);
	r = &fx.conns[0];
	ck_assert_str_eq(flow_end_name((enum conn_end)r->end), "timeout");
	ck_assert_msg(conn_has(r, AN_HALF_CLOSED), "anomalies: %s",
	    names_of(r->anoms).s);
	ck_assert_str_eq(tcpstate_name((enum tcp_state)r->state[TCP_SERVER]),
	    "CLOSE_WAIT");
}
END_TEST

/* ---- reuse of a 4-tuple -------------------------------------------- */

/* A new SYN on a 4-tuple whose connection was reset: a new record. */
START_TEST(test_reuse_after_close)
{
	struct talk		 k;
	struct tuple		 tu;
	int64_t			 t;

	start();
	tuple_web(&tu, 42000);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_open(&k, T0, MSEC);
	say(&k, TCP_CLIENT, TCPF_RST | TCPF_ACK, 0, t + MSEC);
	ck_assert_uint_eq(fx.nconns, 1);
	ck_assert_str_eq(flow_end_name((enum conn_end)fx.conns[0].end), "rst");

	talk_init(&k, &tu, 900000, 700000);
	conn_open(&k, t + SEC, MSEC);
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 2);
	ck_assert_str_ne(fx.conns[0].uid, fx.conns[1].uid);
	ck_assert_int_eq(fx.conns[1].first_ts, t + SEC);
	ck_assert_str_eq(flow_end_name((enum conn_end)fx.conns[1].end),
	    "open_at_end");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)
	    fx.conns[1].state[TCP_SERVER]), "ESTABLISHED");
	ck_assert_msg(fx.conns[1].anoms == 0, "anomalies: %s",
	    names_of(fx.conns[1].anoms).s);
	ck_assert_uint_eq(flow_stats(fx.ft)->conns, 2);
}
END_TEST

/* How the endpoint in TIME_WAIT answers a new SYN on its 4-tuple. */
#define ANSWER_SYNACK	0	/* a SYN-ACK: it accepted the SYN */
#define ANSWER_ACK	1	/* an ACK of the old connection (RFC 9293) */

/*
 * Timestamps (RFC 7323) on every segment of both connections, from a
 * millisecond clock per host: none, or the new connection's client clock
 * ahead of (as one clock is) or far behind the old one's; or on the new
 * connection only.
 */
#define TS_NONE		0
#define TS_AHEAD	1
#define TS_BEHIND	2
#define TS_NEW_ONLY	3	/* the old connection had none */

static const struct tw_case {
	const char	*name;
	int		 closer;	/* closed first: in TIME_WAIT */
	uint32_t	 old_isn;	/* the old connection's client's */
	int64_t		 isn_delta;	/* new ISN - old snd_nxt */
	int64_t		 delay;		/* old close to new SYN */
	int		 answer;	/* ANSWER_* */
	int		 expect;	/* anomaly id, or NONE */
	int		 who;		/* whom it concerns */
	bool		 client_high;	/* client address > server */
	int		 ts;		/* TS_* */
} tw_cases[] = {
	{ "client in TIME_WAIT reconnects with a greater ISN", TCP_CLIENT,
	    1000000, 64000, SEC, ANSWER_SYNACK, AN_TIME_WAIT_REUSE,
	    WHO_CLIENT, false, TS_NONE },
	{ "greater ISN across the 2^32 wrap", TCP_CLIENT,
	    0xffffff00u, 0x2000, SEC, ANSWER_SYNACK, AN_TIME_WAIT_REUSE,
	    WHO_CLIENT, false, TS_NONE },
	{ "client in TIME_WAIT reconnects with a lower ISN", TCP_CLIENT,
	    1000000, -500000, SEC, ANSWER_SYNACK,
	    AN_PREMATURE_TIME_WAIT_EXIT, WHO_CLIENT, false, TS_NONE },
	{ "server in TIME_WAIT accepts a greater ISN", TCP_SERVER,
	    1000000, 64000, SEC, ANSWER_SYNACK, AN_TIME_WAIT_REUSE,
	    WHO_SERVER, false, TS_NONE },
	{ "server in TIME_WAIT accepts a lower ISN", TCP_SERVER,
	    1000000, -500000, 10 * SEC, ANSWER_SYNACK,
	    AN_PREMATURE_TIME_WAIT_EXIT, WHO_SERVER, false, TS_NONE },
	{ "higher client in TIME_WAIT, greater ISN", TCP_CLIENT,
	    1000000, 64000, SEC, ANSWER_SYNACK, AN_TIME_WAIT_REUSE,
	    WHO_CLIENT, true, TS_NONE },
	{ "higher client in TIME_WAIT, lower ISN", TCP_CLIENT,
	    1000000, -500000, SEC, ANSWER_SYNACK,
	    AN_PREMATURE_TIME_WAIT_EXIT, WHO_CLIENT, true, TS_NONE },
	{ "server in TIME_WAIT, higher client, lower ISN", TCP_SERVER,
	    1000000, -500000, SEC, ANSWER_SYNACK,
	    AN_PREMATURE_TIME_WAIT_EXIT, WHO_SERVER, true, TS_NONE },
	{ "server in TIME_WAIT answers a lower ISN with an ACK", TCP_SERVER,
	    1000000, -500000, SEC, ANSWER_ACK, NONE, 0, false, TS_NONE },
	{ "lower ISN, greater timestamp (RFC 6191)", TCP_SERVER,
	    1000000, -500000, SEC, ANSWER_SYNACK, AN_TIME_WAIT_REUSE,
	    WHO_SERVER, false, TS_AHEAD },
	{ "lower ISN, lower timestamp", TCP_SERVER,
	    1000000, -500000, SEC, ANSWER_SYNACK,
	    AN_PREMATURE_TIME_WAIT_EXIT, WHO_SERVER, false, TS_BEHIND },
	{ "client in TIME_WAIT: lower ISN, greater timestamp", TCP_CLIENT,
	    1000000, -500000, SEC, ANSWER_SYNACK, AN_TIME_WAIT_REUSE,
	    WHO_CLIENT, false, TS_AHEAD },
	{ "lower ISN, timestamps on the new connection only", TCP_SERVER,
	    1000000, -500000, SEC, ANSWER_SYNACK,
	    AN_PREMATURE_TIME_WAIT_EXIT, WHO_SERVER, false, TS_NEW_ONLY },
	{ "lower ISN after 2 x MSL", TCP_SERVER,
	    1000000, -500000, 61 * SEC, ANSWER_SYNACK, NONE, 0, false,
	    TS_NONE },
	{ "greater ISN after 2 x MSL", TCP_CLIENT,
	    1000000, 64000, 61 * SEC, ANSWER_SYNACK, NONE, 0, false,
	    TS_NONE },
};

START_TEST(test_time_wait)
{
	const struct tw_case	*tc = &tw_cases[_i];
	const struct rec_anom	*a;
	struct talk		 k, old;
	struct tuple		 tu;
	char			 old_uid[20];
	int64_t			 t;
	uint32_t		 isn;

	fx.cfg.msl = 30 * SEC;
	fx.tsopt = tc->ts != TS_NONE && tc->ts != TS_NEW_ONLY;
	fx.tsclock[TCP_CLIENT] = 5000000;
	fx.tsclock[TCP_SERVER] = 9000000;
	start();
	if (tc->client_high)
		tuple_v4(&tu, CLIENT_HIGH_V4, 42001, SERVER_V4, 80);
	else
		tuple_web(&tu, 42001);
	talk_init(&k, &tu, tc->old_isn, 3000000);
	t = conn_clean(&k, tc->closer, T0, MSEC);
	ck_assert_uint_eq(fx.nconns, 1);
	ck_assert_str_eq(tcpstate_name((enum tcp_state)
	    fx.conns[0].state[tc->closer]), "TIME_WAIT");
	memcpy(old_uid, fx.conns[0].uid, sizeof(old_uid));
	old = k;
	if (tc->ts == TS_BEHIND)
		fx.tsclock[TCP_CLIENT] -= 1000000;
	if (tc->ts == TS_NEW_ONLY)
		fx.tsopt = true;

	isn = (uint32_t)((int64_t)old.nxt[TCP_CLIENT] + tc->isn_delta);
	talk_init(&k, &tu, isn, 0x40000000);
	t += tc->delay;
	say(&k, TCP_CLIENT, TCPF_SYN, 0, t);
	if (tc->answer == ANSWER_SYNACK) {
		say(&k, TCP_SERVER, TCPF_SYN | TCPF_ACK, 0, t + MSEC);
		say(&k, TCP_CLIENT, TCPF_ACK, 0, t + 2 * MSEC);
	} else
		tx(&tu, TCP_SERVER, TCPF_ACK, old.nxt[TCP_SERVER],
		    old.nxt[TCP_CLIENT], 0, t + MSEC);
	flow_finish(fx.ft);

	ck_assert_msg(fx.nconns == 2, "%s: %zu records", tc->name, fx.nconns);
	ck_assert_str_ne(fx.conns[0].uid, fx.conns[1].uid);
	ck_assert_str_eq(fx.conns[0].uid, old_uid);
	if (tc->expect == NONE) {
		ck_assert_msg((anom_mask() & TW_MASK) == 0,
		    "%s: unexpected %s", tc->name, names_of(anom_mask()).s);
		if (tc->answer == ANSWER_ACK)
			ck_assert_msg(conn_has(&fx.conns[1],
			    AN_ACK_INSTEAD_OF_SYNACK), "%s: anomalies %s",
			    tc->name, names_of(fx.conns[1].anoms).s);
		return;
	}
	ck_assert_msg((anom_mask() & TW_MASK) ==
	    UINT64_C(1) << tc->expect, "%s: expected %s, got %s", tc->name,
	    anomaly_def((enum anomaly_id)tc->expect)->name,
	    names_of(anom_mask()).s);
	a = anom_find((enum anomaly_id)tc->expect);
	ck_assert_uint_eq(anom_count((enum anomaly_id)tc->expect), 1);
	/* In the new connection's record, naming the old one. */
	ck_assert_str_eq(a->uid, fx.conns[1].uid);
	ck_assert_str_eq(a->related_uid, old_uid);
	ck_assert_uint_eq(a->who, (unsigned)tc->who);
	ck_assert(conn_has(&fx.conns[1], (enum anomaly_id)tc->expect));
	ck_assert(!conn_has(&fx.conns[0], (enum anomaly_id)tc->expect));
}
END_TEST

/*
 * The client is in TIME_WAIT (it has the server's FIN; its last ACK is
 * not in the capture, so the server is left in LAST_ACK) and connects
 * again on the same 4-tuple with a greater ISN: DESIGN §3, a new SYN on a
 * 4-tuple in TIME_WAIT starts a new connection record, the old one is
 * finished first, and the new one is judged by the TIME_WAIT rules.
 */
START_TEST(test_syn_on_time_wait_last_ack)
{
	const struct rec_anom	*a;
	struct talk		 k;
	struct tuple		 tu;
	char			 old_uid[20];
	int64_t			 t;
	size_t			 i;

	start();
	tuple_web(&tu, 42002);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_open(&k, T0, MSEC);
	say(&k, TCP_CLIENT, TCPF_FIN | TCPF_ACK, 0, t + MSEC);
	say(&k, TCP_SERVER, TCPF_ACK, 0, t + 2 * MSEC);
	say(&k, TCP_SERVER, TCPF_FIN | TCPF_ACK, 0, t + 3 * MSEC);
	talk_init(&k, &tu, k.nxt[TCP_CLIENT] + 100000, 900000);
	conn_open(&k, t + SEC, MSEC);
	flow_finish(fx.ft);

	ck_assert_msg(fx.nconns == 2, "one record for two connections: %s",
	    fx.nconns == 1 ? names_of(fx.conns[0].anoms).s : "");
	memcpy(old_uid, fx.conns[0].uid, sizeof(old_uid));
	ck_assert_str_ne(fx.conns[1].uid, old_uid);
	ck_assert_str_eq(tcpstate_name((enum tcp_state)
	    fx.conns[0].state[TCP_CLIENT]), "TIME_WAIT");
	ck_assert_int_eq(fx.conns[1].first_ts, t + SEC);
	ck_assert_str_eq(tcpstate_name((enum tcp_state)
	    fx.conns[1].state[TCP_CLIENT]), "ESTABLISHED");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)
	    fx.conns[1].state[TCP_SERVER]), "ESTABLISHED");
	for (i = 0; i < fx.nconns; i++)
		ck_assert_msg(!conn_has(&fx.conns[i], AN_SYN_ON_ESTABLISHED),
		    "record %zu: %s", i, names_of(fx.conns[i].anoms).s);
	a = anom_find(AN_TIME_WAIT_REUSE);
	ck_assert_msg(a != NULL, "no time_wait_reuse: %s",
	    names_of(anom_mask()).s);
	ck_assert_str_eq(a->uid, fx.conns[1].uid);
	ck_assert_str_eq(a->related_uid, old_uid);
}
END_TEST

/*
 * A simultaneous close leaves both endpoints in TIME_WAIT.  The client
 * connects again a second later with a lower ISN (no timestamps): it left
 * TIME_WAIT early, without RFC 6191's conditions, whatever the server
 * (which rightly answers with an ACK of the old connection) does.
 */
START_TEST(test_time_wait_both)
{
	const struct rec_anom	*a;
	struct tuple		 tu;
	uint32_t		 cf = 1101, sf = 2001;
	int64_t			 t = T0 + 10 * MSEC;

	start();
	tuple_web(&tu, 42003);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 1000, 0, 0, T0);
	tx(&tu, TCP_SERVER, TCPF_SYN | TCPF_ACK, 2000, 1001, 0, T0 + MSEC);
	tx(&tu, TCP_CLIENT, TCPF_ACK, 1001, 2001, 0, T0 + 2 * MSEC);
	tx(&tu, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 1001, 2001, 100,
	    T0 + 3 * MSEC);
	tx(&tu, TCP_SERVER, TCPF_ACK, 2001, cf, 0, T0 + 4 * MSEC);
	/* The FINs cross; each side acknowledges the other's. */
	tx(&tu, TCP_CLIENT, TCPF_FIN | TCPF_ACK, cf, sf, 0, t);
	tx(&tu, TCP_SERVER, TCPF_FIN | TCPF_ACK, sf, cf, 0, t);
	tx(&tu, TCP_CLIENT, TCPF_ACK, cf + 1, sf + 1, 0, t + MSEC);
	tx(&tu, TCP_SERVER, TCPF_ACK, sf + 1, cf + 1, 0, t + MSEC);
	ck_assert_uint_eq(fx.nconns, 1);
	ck_assert_str_eq(flow_closer_name((enum conn_closer)
	    fx.conns[0].closer), "both");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)
	    fx.conns[0].state[TCP_CLIENT]), "TIME_WAIT");
	ck_assert_str_eq(tcpstate_name((enum tcp_state)
	    fx.conns[0].state[TCP_SERVER]), "TIME_WAIT");

	tx(&tu, TCP_CLIENT, TCPF_SYN, 500, 0, 0, t + SEC);
	tx(&tu, TCP_SERVER, TCPF_ACK, sf + 1, cf + 1, 0, t + SEC + MSEC);
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 2);
	a = anom_find(AN_PREMATURE_TIME_WAIT_EXIT);
	ck_assert_msg(a != NULL, "no premature_time_wait_exit: %s",
	    names_of(anom_mask()).s);
	ck_assert_uint_eq(a->who, WHO_CLIENT);
	ck_assert_str_eq(a->uid, fx.conns[1].uid);
	ck_assert_str_eq(a->related_uid, fx.conns[0].uid);
}
END_TEST

/* ---- late segments of a finished connection ------------------------ */

/*
 * The late-segment tests run twice: _i 0 with the client on the lower
 * address (side 0 of the key), _i 1 with the client on the higher one.
 */

/*
 * After a clean close, the passive closer's FIN again (its last ACK was
 * lost), then a RST from the TIME_WAIT side instead of the ACK it owes.
 */
START_TEST(test_late_fin_then_rst)
{
	const struct rec_anom	*a;
	struct talk		 k;
	struct tuple		 tu;
	char			 uid[20];
	int64_t			 t;

	start();
	if (_i == 1)
		tuple_v4(&tu, CLIENT_HIGH_V4, 43000, SERVER_V4, 80);
	else
		tuple_web(&tu, 43000);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_clean(&k, TCP_CLIENT, T0, MSEC);
	ck_assert_uint_eq(fx.nconns, 1);
	memcpy(uid, fx.conns[0].uid, sizeof(uid));

	tx(&tu, TCP_SERVER, TCPF_FIN | TCPF_ACK, k.nxt[TCP_SERVER] - 1,
	    k.nxt[TCP_CLIENT], 0, t + 200 * MSEC);
	a = anom_find(AN_FIN_RETRANSMITTED);
	ck_assert_msg(a != NULL, "no fin_retransmitted: %s",
	    names_of(anom_mask()).s);
	ck_assert_str_eq(a->uid, uid);
	ck_assert_uint_eq(a->who, WHO_SERVER);
	ck_assert_int_eq(a->ts, t + 200 * MSEC);
	ck_assert_uint_eq(a->frame, fx.frame);
	ck_assert_ptr_null(anom_find(AN_PREMATURE_TIME_WAIT_EXIT));

	tx(&tu, TCP_CLIENT, TCPF_RST, k.nxt[TCP_CLIENT], 0, 0,
	    t + 201 * MSEC);
	a = anom_find(AN_PREMATURE_TIME_WAIT_EXIT);
	ck_assert_msg(a != NULL, "no premature_time_wait_exit: %s",
	    names_of(anom_mask()).s);
	ck_assert_str_eq(a->uid, uid);
	ck_assert_uint_eq(a->who, WHO_CLIENT);
	ck_assert_ptr_null(anom_find(AN_TIME_WAIT_ASSASSINATION));

	/* Late segments are the old connection's: no new record. */
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 1);
	ck_assert_uint_eq(flow_stats(fx.ft)->late_segments, 2);
}
END_TEST

/* A retransmitted FIN that the TIME_WAIT side acknowledges, as it should. */
START_TEST(test_late_fin_acked)
{
	struct talk		 k;
	struct tuple		 tu;
	int64_t			 t;

	start();
	tuple_web(&tu, 43001);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_clean(&k, TCP_CLIENT, T0, MSEC);
	tx(&tu, TCP_SERVER, TCPF_FIN | TCPF_ACK, k.nxt[TCP_SERVER] - 1,
	    k.nxt[TCP_CLIENT], 0, t + 200 * MSEC);
	tx(&tu, TCP_CLIENT, TCPF_ACK, k.nxt[TCP_CLIENT], k.nxt[TCP_SERVER], 0,
	    t + 201 * MSEC);
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 1);
	ck_assert_msg(anom_mask() == UINT64_C(1) << AN_FIN_RETRANSMITTED,
	    "anomalies: %s", names_of(anom_mask()).s);
	ck_assert_str_eq(fx.anoms[0].uid, fx.conns[0].uid);
}
END_TEST

/* RFC 1337: a RST reaches the endpoint in TIME_WAIT. */
START_TEST(test_time_wait_assassination)
{
	const struct rec_anom	*a;
	struct talk		 k;
	struct tuple		 tu;
	int64_t			 t;

	start();
	if (_i == 1)
		tuple_v4(&tu, CLIENT_HIGH_V4, 43002, SERVER_V4, 80);
	else
		tuple_web(&tu, 43002);
	talk_init(&k, &tu, 1000, 2000);
	t = conn_clean(&k, TCP_CLIENT, T0, MSEC);
	tx(&tu, TCP_SERVER, TCPF_RST, k.nxt[TCP_SERVER], 0, 0, t + 2 * SEC);
	a = anom_find(AN_TIME_WAIT_ASSASSINATION);
	ck_assert_msg(a != NULL, "no time_wait_assassination: %s",
	    names_of(anom_mask()).s);
	ck_assert_str_eq(a->uid, fx.conns[0].uid);
	ck_assert_uint_eq(a->who, WHO_CLIENT);
	ck_assert_int_eq(a->ts, t + 2 * SEC);
	ck_assert_ptr_null(anom_find(AN_PREMATURE_TIME_WAIT_EXIT));
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, 1);
}
END_TEST

/* ---- eviction ------------------------------------------------------ */

/*
 * --max-conns 3 and ten connections at once, some touched again so that
 * the least recently active is not the oldest.  Touch marks a data
 * segment on an open connection; open starts the next one.
 */
#define EV_OPEN		0
#define EV_TOUCH	1

static const struct ev_step {
	int	 what;
	int	 conn;		/* index: client port 44000 + conn */
} ev_steps[] = {
	{ EV_OPEN, 0 }, { EV_OPEN, 1 }, { EV_OPEN, 2 },
	{ EV_TOUCH, 0 },
	{ EV_OPEN, 3 },		/* evicts 1 */
	{ EV_OPEN, 4 },		/* evicts 2 */
	{ EV_TOUCH, 3 },
	{ EV_OPEN, 5 },		/* evicts 0 */
	{ EV_OPEN, 6 },		/* evicts 4 */
	{ EV_OPEN, 7 },		/* evicts 3 */
	{ EV_OPEN, 8 },		/* evicts 5 */
	{ EV_OPEN, 9 },		/* evicts 6 */
};
static const int ev_evicted[] = { 1, 2, 0, 4, 3, 5, 6 };
static const int ev_left[] = { 7, 8, 9 };

START_TEST(test_lru_eviction)
{
	const struct flow_stats	*st;
	struct talk		 k[10];
	struct tuple		 tu;
	int64_t			 t = T0;
	size_t			 i;
	int			 n;

	fx.cfg.max_conns = 3;
	start();
	for (i = 0; i < NITEMS(ev_steps); i++) {
		n = ev_steps[i].conn;
		t += 10 * MSEC;
		if (ev_steps[i].what == EV_OPEN) {
			tuple_web(&tu, (uint16_t)(44000 + n));
			talk_init(&k[n], &tu, 1000 + 100 * (uint32_t)n,
			    50000 + 100 * (uint32_t)n);
			t = handshake(&k[n], t, MSEC);
		} else
			say(&k[n], TCP_CLIENT, TCPF_PSH | TCPF_ACK, 10, t);
		ck_assert_uint_le(flow_stats(fx.ft)->live, 3);
	}
	ck_assert_uint_eq(fx.nconns, NITEMS(ev_evicted));
	for (i = 0; i < NITEMS(ev_evicted); i++) {
		ck_assert_msg(fx.conns[i].port[TCP_CLIENT] ==
		    44000 + ev_evicted[i], "eviction %zu: connection %d, "
		    "expected %d", i, fx.conns[i].port[TCP_CLIENT] - 44000,
		    ev_evicted[i]);
		ck_assert_str_eq(flow_end_name((enum conn_end)fx.conns[i].end),
		    "evicted");
		ck_assert_str_eq(tcpstate_name((enum tcp_state)
		    fx.conns[i].state[TCP_SERVER]), "ESTABLISHED");
	}
	flow_finish(fx.ft);
	st = flow_stats(fx.ft);
	ck_assert_uint_eq(fx.nconns, 10);
	for (i = 0; i < NITEMS(ev_left); i++) {
		ck_assert_uint_eq(fx.conns[NITEMS(ev_evicted) + i].port[
		    TCP_CLIENT], 44000 + ev_left[i]);
		ck_assert_str_eq(flow_end_name((enum conn_end)
		    fx.conns[NITEMS(ev_evicted) + i].end), "open_at_end");
	}
	ck_assert_uint_le(fx.live_peak, 3);
	ck_assert_uint_le(st->live_max, 3);
	ck_assert_uint_eq(st->by_end[END_EVICTED], 7);
	ck_assert_uint_eq(st->conns, 10);
}
END_TEST

/* ---- expiry and memory --------------------------------------------- */

#define MANY		10000
#define MANY_GAP	(10 * MSEC)	/* between connection starts */

/*
 * Ten thousand short connections one after the other: the table holds
 * the live one and the traces of those that ended in the last 2 x MSL,
 * no more (and no fewer: a trace kept too briefly misses TIME_WAIT).
 */
START_TEST(test_bounded_memory)
{
	const struct flow_stats	*st;
	struct talk		 k;
	struct tuple		 tu;
	int64_t			*end, now, tw = 2 * 30 * SEC;
	size_t			 i, lo_incl = 0, lo_excl = 0;
	uint64_t		 traces_max = 0;

	fx.cfg.msl = 30 * SEC;
	start();
	end = xcalloc(MANY, sizeof(*end));
	for (i = 0; i < MANY; i++) {
		tuple_web(&tu, (uint16_t)(20000 + i));
		talk_init(&k, &tu, (uint32_t)(i * 7919),
		    (uint32_t)(i * 104729));
		now = end[i] = conn_clean(&k, i % 2 ? TCP_SERVER : TCP_CLIENT,
		    T0 + (int64_t)i * MANY_GAP, MSEC);
		st = flow_stats(fx.ft);
		/* Finished within 2 x MSL of now, either boundary. */
		while (end[lo_incl] + tw < now)
			lo_incl++;
		while (end[lo_excl] + tw <= now)
			lo_excl++;
		if (st->traces > i + 1 - lo_incl ||
		    st->traces < i + 1 - lo_excl)
			ck_abort_msg("after %zu connections: %ju traces, "
			    "expected %zu to %zu", i + 1, (uintmax_t)st->traces,
			    i + 1 - lo_excl, i + 1 - lo_incl);
		if (st->traces > traces_max)
			traces_max = st->traces;
	}
	free(end);
	st = flow_stats(fx.ft);
	ck_assert_uint_le(fx.live_peak, 2);
	ck_assert_uint_le(st->live_max, 2);
	ck_assert_uint_le(traces_max, tw / MANY_GAP + 1);
	ck_assert_uint_ge(traces_max, tw / MANY_GAP - 1);
	ck_assert_uint_eq(fx.nconns, MANY);
	ck_assert_uint_eq(st->by_end[END_FIN], MANY);
	flow_finish(fx.ft);
	ck_assert_uint_eq(fx.nconns, MANY);
	ck_assert_uint_eq(fx.nanoms, 0);
}
END_TEST

/* ---- the anomaly catalogue ----------------------------------------- */

static const char *const categories[] = {
	"handshake", "data", "teardown", "reset", "packet", "capture"
};

START_TEST(test_catalogue_entry)
{
	const struct anomaly_def	*d = anomaly_def((enum anomaly_id)_i);
	struct anomaly			 a;
	char				 buf[512];
	const char			*p;
	size_t				 i;
	bool				 known = false;
	int				 j;

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(d->name);
	ck_assert_msg(d->name[0] >= 'a' && d->name[0] <= 'z',
	    "id %d: %s", _i, d->name);
	for (p = d->name; *p != '\0'; p++)
		ck_assert_msg((*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || (*p == '_' && p[1] != '_' &&
		    p[1] != '\0'), "id %d: %s is not snake_case", _i, d->name);
	for (j = 0; j < AN_NIDS; j++)
		if (j != _i)
			ck_assert_str_ne(anomaly_def((enum anomaly_id)j)->name,
			    d->name);
	ck_assert_int_eq(anomaly_lookup(d->name), _i);
	ck_assert_uint_lt(d->sev, SEV_NSEVS);
	ck_assert_ptr_nonnull(d->category);
	for (i = 0; i < NITEMS(categories); i++)
		if (strcmp(d->category, categories[i]) == 0)
			known = true;
	ck_assert_msg(known, "%s: category %s", d->name, d->category);
	ck_assert_ptr_nonnull(d->meaning);
	ck_assert_uint_gt(strlen(d->meaning), 10);

	memset(&a, 0, sizeof(a));
	a.id = (uint8_t)_i;
	a.sev = d->sev;
	a.who = WHO_CLIENT;
	a.count = 1;
	a.frame = 1;
	strcpy(a.related_uid, "CAAAAAAAAAAAAAAAAA");
	memset(buf, 'x', sizeof(buf));
	ck_assert_ptr_eq(anomaly_sentence(buf, sizeof(buf), &a), buf);
	ck_assert_msg(strlen(buf) > 10, "%s: sentence \"%s\"", d->name, buf);
	ck_assert_msg(strncmp(buf, "anomaly ", 8) != 0,
	    "%s: no sentence of its own: \"%s\"", d->name, buf);
}
END_TEST

/* DESIGN §5: the ids are an interface; some severities are stated. */
static const struct design_id {
	const char	*name;
	int		 sev;		/* NONE: DESIGN leaves it */
} design_ids[] = {
	{ "syn_unanswered", NONE }, { "synack_unacked", NONE },
	{ "syn_retransmitted", NONE }, { "synack_retransmitted", NONE },
	{ "synack_bad_ack", NONE }, { "handshake_ack_bad", NONE },
	{ "ack_instead_of_synack", NONE },
	{ "data_before_established", NONE },
	{ "syn_on_established", NONE },
	{ "simultaneous_open", SEV_INFO }, { "split_handshake", SEV_INFO },
	{ "ack_unseen_data", SEV_INFO }, { "seq_out_of_window", NONE },
	{ "data_after_fin", SEV_ERROR }, { "segment_after_rst", NONE },
	{ "fin_unacked", NONE }, { "last_ack_unacked", NONE },
	{ "fin_retransmitted", SEV_INFO }, { "half_closed", NONE },
	{ "simultaneous_close", SEV_INFO }, { "rst_after_fin", NONE },
	{ "premature_time_wait_exit", NONE },
	{ "time_wait_reuse", SEV_INFO },
	{ "time_wait_assassination", NONE },
	{ "rst_out_of_window", NONE }, { "rst_in_handshake", SEV_INFO },
	{ "invalid_flags", SEV_ERROR }, { "bad_tcp_option", NONE },
	{ "bad_checksum", NONE }, { "midstream", NONE }, { "one_sided", NONE },
};

START_TEST(test_catalogue_design)
{
	const struct design_id		*di = &design_ids[_i];
	const struct anomaly_def	*d;
	int				 id;

	id = anomaly_lookup(di->name);
	ck_assert_msg(id >= 0, "DESIGN id %s missing", di->name);
	d = anomaly_def((enum anomaly_id)id);
	if (di->sev != NONE)
		ck_assert_msg(d->sev == di->sev, "%s: severity %s", di->name,
		    anomaly_severity_name((enum anomaly_severity)d->sev));
}
END_TEST

START_TEST(test_catalogue_edges)
{
	ck_assert_int_eq(anomaly_lookup("no_such_anomaly"), -1);
	ck_assert_int_eq(anomaly_lookup(""), -1);
	ck_assert_int_eq(anomaly_lookup("SYN_UNANSWERED"), -1);
	ck_assert_ptr_null(anomaly_def(AN_NIDS));
	ck_assert_str_eq(anomaly_severity_name(SEV_INFO), "info");
	ck_assert_str_eq(anomaly_severity_name(SEV_WARNING), "warning");
	ck_assert_str_eq(anomaly_severity_name(SEV_ERROR), "error");
	ck_assert_int_eq(anomaly_severity_lookup("warning"), SEV_WARNING);
	ck_assert_int_eq(anomaly_severity_lookup("fatal"), -1);
}
END_TEST

/* One entry per id: repeats count, the first decides frame and time. */
START_TEST(test_anomaly_raise)
{
	struct anomaly_list	 l;
	struct anomaly		*a;

	memset(&l, 0, sizeof(l));
	a = anomaly_raise(&l, AN_FIN_RETRANSMITTED, -1, WHO_SERVER, 7, T0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->sev, SEV_INFO);
	ck_assert_uint_eq(a->count, 1);
	a = anomaly_raise(&l, AN_DATA_BEFORE_ESTABLISHED, SEV_INFO, WHO_CLIENT,
	    8, T0 + 1);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->sev, SEV_INFO);
	ck_assert_ptr_null(anomaly_raise(&l, AN_FIN_RETRANSMITTED, -1,
	    WHO_SERVER, 9, T0 + 2));
	ck_assert_ptr_null(anomaly_raise(&l, AN_FIN_RETRANSMITTED, -1,
	    WHO_SERVER, 10, T0 + 3));
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.v[0].id, AN_FIN_RETRANSMITTED);
	ck_assert_uint_eq(l.v[0].count, 3);
	ck_assert_uint_eq(l.v[0].frame, 7);
	ck_assert_int_eq(l.v[0].ts, T0);
	ck_assert_uint_eq(l.v[1].id, AN_DATA_BEFORE_ESTABLISHED);
	ck_assert(anomaly_has(&l, AN_FIN_RETRANSMITTED));
	ck_assert(!anomaly_has(&l, AN_SYN_UNANSWERED));
	anomaly_list_clear(&l);
	ck_assert_uint_eq(l.n, 0);
	ck_assert(!anomaly_has(&l, AN_FIN_RETRANSMITTED));
}
END_TEST

static Suite *
flow_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("flow");

	tc = tcase_create("key");
	tcase_add_loop_test(tc, test_key_symmetry, 0, NITEMS(key_cases));
	tcase_add_test(tc, test_key_distinct);
	tcase_add_test(tc, test_config_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("records");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_clean, 0, NITEMS(clean_cases));
	tcase_add_test(tc, test_rejected);
	tcase_add_test(tc, test_open_at_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("timers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_syn_unanswered_timer, 0,
	    NITEMS(syn_cases));
	tcase_add_loop_test(tc, test_syn_unanswered_at_end, 0,
	    NITEMS(syn_eof_cases));
	tcase_add_test(tc, test_synack_unacked);
	tcase_add_loop_test(tc, test_synack_unacked_at_end, 0, 2);
	tcase_add_test(tc, test_fin_unacked);
	tcase_add_loop_test(tc, test_fin_unacked_at_end, 0, 2);
	tcase_add_test(tc, test_half_closed);
	tcase_add_test(tc, test_half_closed_too_soon);
	tcase_add_test(tc, test_idle_timeout);
	tcase_add_test(tc, test_idle_half_closed);
	suite_add_tcase(s, tc);

	tc = tcase_create("reuse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reuse_after_close);
	tcase_add_loop_test(tc, test_time_wait, 0, NITEMS(tw_cases));
	tcase_add_test(tc, test_syn_on_time_wait_last_ack);
	tcase_add_test(tc, test_time_wait_both);
	suite_add_tcase(s, tc);

	tc = tcase_create("late_segments");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_late_fin_then_rst, 0, 2);
	tcase_add_test(tc, test_late_fin_acked);
	tcase_add_loop_test(tc, test_time_wait_assassination, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("eviction");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lru_eviction);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bounded_memory);
	suite_add_tcase(s, tc);

	tc = tcase_create("catalogue");
	tcase_add_loop_test(tc, test_catalogue_entry, 0, AN_NIDS);
	tcase_add_loop_test(tc, test_catalogue_design, 0, NITEMS(design_ids));
	tcase_add_test(tc, test_catalogue_edges);
	tcase_add_test(tc, test_anomaly_raise);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(flow_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
