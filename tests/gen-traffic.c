/*
 * gen-traffic.c - write pcaps of generated TCP traffic for the benchmark
 * and the memory measurements.
 *
 * Two kinds of traffic (-m):
 *
 *   flood  short connections, a few hundred thousand of them: most are a
 *          handshake, a request, a response and a close; the rest are
 *          refused (RST), half-open (a SYN and its retransmission, never
 *          answered), reset after the request, with a retransmitted
 *          response, or never closed.
 *   mix    a realistic mix of concurrent connections of very different
 *          sizes: short request/response exchanges, bulk transfers of 1-8
 *          MB in full-size segments with an ACK every second segment, and
 *          long-lived connections that are idle most of the time.
 *   clean  short clean connections only, -r of them starting per second
 *          of packet time (default 200), each a handshake, a request, a
 *          response and a close (the memory measurement: what stays
 *          behind after each is only its TIME_WAIT trace).
 *   open   connections that are never closed, -r of them starting per
 *          second (default 100000): each a handshake, a request and its
 *          response, then silence, so that all of them are still open when
 *          the capture ends (the other memory measurement: -n of them live
 *          at once).  Keep -n / -r well under tcpfsm's idle timeout (300 s).
 *
 * Segments carry the options real stacks send (MSS, SACK-permitted,
 * timestamps and window scale on SYNs; timestamps after), and correct IP
 * and TCP checksums.  Concurrent connections are interleaved by their
 * own clocks (a heap of next-segment times).  Clients are in
 * 198.18.0.0/16, servers in 198.19.0.0/24; no 4-tuple is used twice.
 *
 * usage: gen-traffic -m flood|mix|clean|open [-n connections] [-p packets]
 *            [-r per-second] [-s seed] -o file.pcap|-
 * Generation stops at whichever of -n and -p is reached first: at -n
 * every connection started is played to its end, at -p it stops there.
 * -o - writes to standard output, to stream captures larger than the disk
 * into tcpfsm -r -.  The same arguments always give the same bytes.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FL_FIN	0x01
#define FL_SYN	0x02
#define FL_RST	0x04
#define FL_PSH	0x08
#define FL_ACK	0x10

#define MSS	1448		/* with timestamps, on a 1500-byte MTU */
#define HALF_RTT_MAX 499	/* µs, the longest gap between two steps */

enum kind {
	K_CLEAN, K_REFUSED, K_HALF_OPEN, K_RESET, K_RETRANS, K_NEVER_CLOSED,
	K_BULK, K_IDLE
};

struct endpoint {
	uint32_t	 addr;
	uint16_t	 port;
	uint32_t	 seq;		/* next sequence number */
	uint32_t	 ts;		/* timestamp clock */
};

/* One generated connection: a script of steps, played one per call. */
struct gconn {
	enum kind	 kind;
	int		 step;
	uint64_t	 next;		/* time of its next segment, µs */
	uint64_t	 left;		/* bulk: bytes still to send; idle: rounds */
	struct endpoint	 c;
	struct endpoint	 s;
};

struct gen {
	FILE		*fp;
	uint64_t	 packets;
	uint64_t	 conns;		/* started */
	uint64_t	 rng;
	int		 mix;		/* -m mix */
	int		 clean;		/* -m clean */
	int		 open;		/* -m open */
	uint64_t	 gap;		/* -m clean, open: µs between starts */
	struct gconn	*slot;		/* a heap by next time */
	size_t		 nslots;
};

static uint64_t
rnd(struct gen *g)
{
	/* xorshift64*: quick and reproducible for a given -s. */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (g->rng * UINT64_C(2685821657736338717));
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
putle32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The Internet checksum (RFC 1071) of len bytes, added to sum. */
static uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return (sum);
}

static uint16_t
cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

static void
write_header(FILE *fp)
{
	uint8_t h[24];

	putle32(h, 0xa1b2c3d4);
	h[4] = 2; h[5] = 0; h[6] = 4; h[7] = 0;
	memset(h + 8, 0, 8);
	putle32(h + 16, 65535);
	putle32(h + 20, 1);	/* Ethernet */
	fwrite(h, 1, sizeof(h), fp);
}

/*
 * One segment from s to r at time t: seq is s's next (advanced by what
 * the segment consumes unless retx), ack is r's next.
 */
static void
segment(struct gen *g, uint64_t t, struct endpoint *s, struct endpoint *r,
    unsigned flags, size_t len, int retx)
{
	static uint8_t	 f[14 + 20 + 40 + MSS];
	uint8_t		 rec[16], *ip = f + 14, *tcp = f + 34, *o;
	size_t		 optlen, tcplen, iplen;
	uint32_t	 sum, seq = s->seq;

	if (retx)
		seq -= (uint32_t)len;
	memset(f, 0, 14 + 20 + 40);
	f[0] = 0x02; f[5] = (uint8_t)r->addr;
	f[6] = 0x02; f[11] = (uint8_t)s->addr;
	put16(f + 12, 0x0800);
	o = tcp + 20;
	if (flags & FL_SYN) {
		/* As Linux sends them: MSS, SACK-permitted, TS, NOP, WS. */
		o[0] = 2; o[1] = 4; put16(o + 2, 1460);
		o[4] = 4; o[5] = 2;
		o[6] = 8; o[7] = 10; put32(o + 8, s->ts);
		put32(o + 12, (flags & FL_ACK) ? r->ts : 0);
		o[16] = 1; o[17] = 3; o[18] = 3; o[19] = 7;
		optlen = 20;
	} else if (flags & FL_RST) {
		optlen = 0;
	} else {
		o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
		put32(o + 4, s->ts); put32(o + 8, r->ts);
		optlen = 12;
	}
	tcplen = 20 + optlen + len;
	iplen = 20 + tcplen;
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)iplen);
	put16(ip + 4, (uint16_t)(g->packets & 0xffff));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	put16(ip + 10, 0);
	put32(ip + 12, s->addr);
	put32(ip + 16, r->addr);
	put16(ip + 10, cksum_fold(cksum_add(0, ip, 20)));

	put16(tcp, s->port);
	put16(tcp + 2, r->port);
	put32(tcp + 4, seq);
	put32(tcp + 8, (flags & FL_ACK) ? r->seq : 0);
	tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	tcp[13] = (uint8_t)flags;
	put16(tcp + 14, (flags & FL_SYN) ? 64240 : (flags & FL_RST) ? 0 : 502);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0);
	/* The payload bytes are whatever the buffer held: only lengths matter. */
	sum = cksum_add(0, ip + 12, 8);
	sum += 6 + (uint32_t)tcplen;
	put16(tcp + 16, cksum_fold(cksum_add(sum, tcp, tcplen)));

	putle32(rec, (uint32_t)(t / 1000000));
	putle32(rec + 4, (uint32_t)(t % 1000000));
	putle32(rec + 8, (uint32_t)(14 + iplen));
	putle32(rec + 12, (uint32_t)(14 + iplen));
	fwrite(rec, 1, sizeof(rec), g->fp);
	fwrite(f, 1, 14 + iplen, g->fp);
	g->packets++;
	if (!retx)
		s->seq += (uint32_t)len +
		    ((flags & (FL_SYN | FL_FIN)) ? 1 : 0);
	s->ts++;
}

/* What kind the next connection is: the shares of DESIGN's workloads. */
static enum kind
pick_kind(struct gen *g)
{
	unsigned r = (unsigned)(rnd(g) % 100);

	if (g->clean)
		return (K_CLEAN);
	if (g->open)
		return (K_NEVER_CLOSED);
	if (g->mix) {
		if (r < 80)
			return (K_CLEAN);
		if (r < 85)
			return (K_BULK);
		return (K_IDLE);
	}
	if (r < 80)
		return (K_CLEAN);
	if (r < 85)
		return (K_REFUSED);
	if (r < 88)
		return (K_HALF_OPEN);
	if (r < 91)
		return (K_RESET);
	if (r < 97)
		return (K_RETRANS);
	return (K_NEVER_CLOSED);
}

static void
gconn_start(struct gen *g, struct gconn *c, uint64_t t)
{
	uint64_t i = g->conns++;

	memset(c, 0, sizeof(*c));
	c->kind = pick_kind(g);
	c->next = t;
	c->c.addr = 0xc6120000u | (uint32_t)(i & 0xffff);	/* 198.18.x.y */
	c->c.port = (uint16_t)(10000 + (i >> 16) % 50000);
	c->c.seq = (uint32_t)rnd(g);
	c->c.ts = (uint32_t)rnd(g);
	c->s.addr = 0xc6130001u + (uint32_t)(i % 200);	/* 198.19.0.x */
	c->s.port = g->mix && c->kind == K_IDLE ? 22 : 80;
	c->s.seq = (uint32_t)rnd(g);
	c->s.ts = (uint32_t)rnd(g);
	if (c->kind == K_BULK)
		c->left = (1 + rnd(g) % 8) * 1000000;
	if (c->kind == K_IDLE)
		c->left = 3 + rnd(g) % 5;
}

/*
 * Play one step of c at c->next.  Returns 0 while the connection goes on
 * (c->next is then its next segment's time), 1 when it is over.
 */
static int
gconn_step(struct gen *g, struct gconn *c)
{
	struct endpoint	*cl = &c->c, *sv = &c->s;
	uint64_t	 t = c->next, rtt = 200 + rnd(g) % 800;
	size_t		 n;

	switch (c->step++) {
	case 0:
		segment(g, t, cl, sv, FL_SYN, 0, 0);
		break;
	case 1:
		if (c->kind == K_REFUSED) {
			segment(g, t, sv, cl, FL_RST | FL_ACK, 0, 0);
			return (1);
		}
		if (c->kind == K_HALF_OPEN) {
			/* The SYN again, a second later: nobody answers. */
			cl->seq--;
			segment(g, t + 1000000, cl, sv, FL_SYN, 0, 0);
			return (1);
		}
		segment(g, t, sv, cl, FL_SYN | FL_ACK, 0, 0);
		break;
	case 2:
		segment(g, t, cl, sv, FL_ACK, 0, 0);
		break;
	case 3:
		segment(g, t, cl, sv, FL_PSH | FL_ACK, 80 + rnd(g) % 300, 0);
		break;
	case 4:
		if (c->kind == K_RESET) {
			segment(g, t, sv, cl, FL_RST | FL_ACK, 0, 0);
			return (1);
		}
		segment(g, t, sv, cl, FL_ACK, 0, 0);
		break;
	case 5:
		if (c->kind == K_BULK) {
			/* Full-size segments, an ACK every second one. */
			n = c->left < MSS ? (size_t)c->left : MSS;
			segment(g, t, sv, cl, FL_ACK, n, 0);
			c->left -= n;
			if (c->left > 0) {
				c->step = 5;
				if ((sv->seq / MSS) % 2 == 0)
					c->step = 10;	/* the client ACKs */
				c->next = t + 12;
				return (0);
			}
			break;
		}
		segment(g, t, sv, cl, FL_PSH | FL_ACK, 200 + rnd(g) % 1200,
		    0);
		break;
	case 6:
		if (c->kind == K_RETRANS) {
			segment(g, t + 200000, sv, cl, FL_PSH | FL_ACK,
			    200, 1);
			c->next = t + 200000 + rtt;
			c->kind = K_CLEAN;
			c->step = 7;
			return (0);
		}
		/* FALLTHROUGH */
	case 7:
		segment(g, t, cl, sv, FL_ACK, 0, 0);
		if (c->kind == K_NEVER_CLOSED)
			return (1);
		if (c->kind == K_IDLE && c->left-- > 0) {
			/* Quiet for a while, then another small exchange. */
			c->step = 3;
			c->next = t + 10000000 + rnd(g) % 20000000;
			return (0);
		}
		break;
	case 8:
		segment(g, t, cl, sv, FL_FIN | FL_ACK, 0, 0);
		break;
	case 9:
		segment(g, t, sv, cl, FL_FIN | FL_ACK, 0, 0);
		c->step = 11;
		break;
	case 10:
		/* Bulk: the client's ACK of two segments, then more data. */
		segment(g, t, cl, sv, FL_ACK, 0, 0);
		c->step = 5;
		c->next = t + 5;
		return (0);
	case 11:
		segment(g, t, cl, sv, FL_ACK, 0, 0);
		return (1);
	default:
		return (1);
	}
	c->next = t + rtt / 2;
	return (0);
}

/* Restore the heap order from slot i down. */
static void
sift_down(struct gen *g, size_t i)
{
	struct gconn	tmp;
	size_t		l, m;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < g->nslots && g->slot[l].next < g->slot[m].next)
			m = l;
		if (l + 1 < g->nslots && g->slot[l + 1].next < g->slot[m].next)
			m = l + 1;
		if (m == i)
			return;
		tmp = g->slot[i];
		g->slot[i] = g->slot[m];
		g->slot[m] = tmp;
		i = m;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen-traffic -m flood|mix|clean|open "
	    "[-n connections] [-p packets] [-r per-second] [-s seed] "
	    "-o file.pcap|-\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct gen	 g;
	const char	*path = NULL, *mode = NULL;
	uint64_t	 maxconns = UINT64_MAX, maxpkts = UINT64_MAX, start;
	uint64_t	 rate = 0, last, dur;
	size_t		 i;
	int		 ch, paced;

	memset(&g, 0, sizeof(g));
	g.rng = 0x9e3779b97f4a7c15u;
	while ((ch = getopt(argc, argv, "m:n:o:p:r:s:")) != -1) {
		switch (ch) {
		case 'm':
			mode = optarg;
			break;
		case 'n':
			maxconns = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			path = optarg;
			break;
		case 'p':
			maxpkts = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtoull(optarg, NULL, 10);
			if (rate == 0 || rate > 1000000)
				usage();
			break;
		case 's':
			g.rng = strtoull(optarg, NULL, 10) | 1;
			break;
		default:
			usage();
		}
	}
	if (path == NULL || mode == NULL || maxconns == 0 ||
	    (strcmp(mode, "flood") != 0 && strcmp(mode, "mix") != 0 &&
	    strcmp(mode, "clean") != 0 && strcmp(mode, "open") != 0))
		usage();
	if (maxconns == UINT64_MAX && maxpkts == UINT64_MAX)
		maxpkts = 1000000;
	g.mix = strcmp(mode, "mix") == 0;
	g.clean = strcmp(mode, "clean") == 0;
	g.open = strcmp(mode, "open") == 0;
	paced = g.clean || g.open;
	if (rate == 0)
		rate = g.open ? 100000 : 200;
	g.gap = 1000000 / rate;
	/*
	 * Concurrency: a flood is many quick ones, a mix holds more open.
	 * Paced connections start every gap µs whatever the others do, so
	 * there are as many slots as can be under way at once: the k-th
	 * start then takes the slot of the (k - nslots)-th, over by then,
	 * and packet times never go back.  A clean connection's 10
	 * segments are at most 9 x HALF_RTT_MAX apart, an open one's 7 at
	 * most 6 x HALF_RTT_MAX.
	 */
	if (paced) {
		dur = (g.clean ? 9 : 6) * (uint64_t)HALF_RTT_MAX;
		g.nslots = (size_t)((dur + g.gap - 1) / g.gap);
		if (g.nslots == 0)
			g.nslots = 1;
	} else
		g.nslots = g.mix ? 400 : 64;
	if (g.nslots > maxconns)
		g.nslots = (size_t)maxconns;
	g.slot = calloc(g.nslots, sizeof(*g.slot));
	if (g.slot == NULL) {
		perror("gen-traffic");
		return (1);
	}
	if (strcmp(path, "-") == 0)
		g.fp = stdout;
	else if ((g.fp = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "gen-traffic: %s: %s\n", path, strerror(errno));
		free(g.slot);
		return (1);
	}
	/* Two writes a packet: a pipe's default 4 KB buffer is too small. */
	setvbuf(g.fp, NULL, _IOFBF, 1 << 18);
	write_header(g.fp);
	start = UINT64_C(1700000000000000);
	for (i = 0; i < g.nslots; i++)
		gconn_start(&g, &g.slot[i], start + i * (paced ? g.gap : 37));
	last = start + (g.nslots - 1) * g.gap;
	for (i = g.nslots; i-- > 0;)
		sift_down(&g, i);
	while (g.nslots > 0 && g.packets < maxpkts) {
		if (gconn_step(&g, &g.slot[0])) {
			if (g.conns >= maxconns) {
				/* No more starts: the others play out. */
				g.slot[0] = g.slot[--g.nslots];
			} else if (paced) {
				last += g.gap;
				gconn_start(&g, &g.slot[0], last);
			} else {
				/* A new connection takes the slot a little later. */
				gconn_start(&g, &g.slot[0],
				    g.slot[0].next + 50 + rnd(&g) % 500);
			}
		}
		sift_down(&g, 0);
	}
	free(g.slot);
	if (fclose(g.fp) != 0) {
		fprintf(stderr, "gen-traffic: %s: %s\n", path, strerror(errno));
		return (1);
	}
	fprintf(stderr, "gen-traffic: %s: %llu packets, %llu connections\n",
	    path, (unsigned long long)g.packets, (unsigned long long)g.conns);
	return (0);
}
