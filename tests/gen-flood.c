/*
 * gen-flood.c - write a pcap of many short TCP connections, for the memory
 * and speed measurements.
 *
 * Each connection is what a real HTTP/1.0 exchange looks like on the
 * wire: SYN (MSS, SACK-permitted, timestamps, window scale), SYN-ACK, ACK,
 * a request, its ACK, a response, its ACK, the client's FIN, the server's
 * FIN+ACK and the last ACK: ten segments, Ethernet + IPv4 with correct
 * checksums.  Connections start every 1/rate seconds of packet time, each
 * on its own 4-tuple (clients in 198.18.0.0/16, servers 198.19.0.1-16 port
 * 80), so none reuses a tuple within 2 x MSL.
 *
 * usage: gen-flood [-n connections] [-r per-second] -o file.pcap
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

struct gen {
	FILE		*fp;
	uint64_t	 packets;
};

struct endpoint {
	uint32_t	 addr;
	uint16_t	 port;
	uint32_t	 seq;		/* next sequence number to send */
	uint32_t	 ts;		/* timestamp clock */
};

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

/* The Internet checksum (RFC 1071) of len bytes, folded into sum. */
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

/* One segment from s to r, at time t (microseconds). */
static void
segment(struct gen *g, uint64_t t, struct endpoint *s,
    const struct endpoint *r, unsigned flags, uint32_t ack, size_t len)
{
	uint8_t		 f[14 + 20 + 40 + 1460];
	uint8_t		 rec[16], *ip = f + 14, *tcp = f + 34, *o;
	size_t		 optlen, tcplen, iplen, i;
	uint32_t	 sum;

	memset(f, 0, sizeof(f));
	f[0] = 0x02; f[5] = (uint8_t)r->addr;
	f[6] = 0x02; f[11] = (uint8_t)s->addr;
	put16(f + 12, 0x0800);
	o = tcp + 20;
	if (flags & FL_SYN) {
		/* As Linux sends them: MSS, SACK-permitted, TS, NOP, WS. */
		o[0] = 2; o[1] = 4; put16(o + 2, 1460);
		o[4] = 4; o[5] = 2;
		o[6] = 8; o[7] = 10; put32(o + 8, s->ts); put32(o + 12, 0);
		o[16] = 1; o[17] = 3; o[18] = 3; o[19] = 7;
		optlen = 20;
	} else {
		o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
		put32(o + 4, s->ts); put32(o + 8, r->ts);
		optlen = 12;
	}
	tcplen = 20 + optlen + len;
	iplen = 20 + tcplen;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)iplen);
	put16(ip + 4, (uint16_t)(g->packets & 0xffff));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, s->addr);
	put32(ip + 16, r->addr);
	put16(ip + 10, cksum_fold(cksum_add(0, ip, 20)));

	put16(tcp, s->port);
	put16(tcp + 2, r->port);
	put32(tcp + 4, s->seq);
	put32(tcp + 8, (flags & FL_ACK) ? ack : 0);
	tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	tcp[13] = (uint8_t)flags;
	put16(tcp + 14, (flags & FL_SYN) ? 64240 : 502);
	for (i = 0; i < len; i++)
		tcp[20 + optlen + i] = (uint8_t)('a' + i % 26);
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
	s->seq += (uint32_t)len + ((flags & (FL_SYN | FL_FIN)) ? 1 : 0);
	s->ts++;
}

/* One short, clean connection, i-th of the run, starting at t. */
static void
connection(struct gen *g, uint64_t i, uint64_t t)
{
	struct endpoint c, s;

	c.addr = 0xc6120000u | (uint32_t)(i & 0xffff);	/* 198.18.x.y */
	c.port = (uint16_t)(10000 + (i >> 16) % 50000);
	c.seq = (uint32_t)(i * 2654435761u);
	c.ts = (uint32_t)i;
	s.addr = 0xc6130001u + (uint32_t)(i % 16);	/* 198.19.0.1-16 */
	s.port = 80;
	s.seq = (uint32_t)(i * 40503u + 12345);
	s.ts = (uint32_t)(i * 7);

	segment(g, t, &c, &s, FL_SYN, 0, 0);
	segment(g, t + 100, &s, &c, FL_SYN | FL_ACK, c.seq, 0);
	segment(g, t + 200, &c, &s, FL_ACK, s.seq, 0);
	segment(g, t + 210, &c, &s, FL_PSH | FL_ACK, s.seq, 120);
	segment(g, t + 300, &s, &c, FL_ACK, c.seq, 0);
	segment(g, t + 400, &s, &c, FL_PSH | FL_ACK, c.seq, 900);
	segment(g, t + 500, &c, &s, FL_ACK, s.seq, 0);
	segment(g, t + 510, &c, &s, FL_FIN | FL_ACK, s.seq, 0);
	segment(g, t + 600, &s, &c, FL_FIN | FL_ACK, c.seq, 0);
	segment(g, t + 700, &c, &s, FL_ACK, s.seq, 0);
}

int
main(int argc, char **argv)
{
	struct gen	 g;
	const char	*path = NULL;
	uint64_t	 n = 10000, rate = 200, i, t0 = UINT64_C(1700000000000000);
	int		 ch;

	while ((ch = getopt(argc, argv, "n:o:r:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			path = optarg;
			break;
		case 'r':
			rate = strtoull(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: gen-flood [-n connections] "
			    "[-r per-second] -o file.pcap\n");
			return (2);
		}
	}
	if (path == NULL || rate == 0) {
		fprintf(stderr, "usage: gen-flood [-n connections] "
		    "[-r per-second] -o file.pcap\n");
		return (2);
	}
	memset(&g, 0, sizeof(g));
	if ((g.fp = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "gen-flood: %s: %s\n", path, strerror(errno));
		return (1);
	}
	write_header(g.fp);
	for (i = 0; i < n; i++)
		connection(&g, i, t0 + i * 1000000 / rate);
	if (fclose(g.fp) != 0) {
		fprintf(stderr, "gen-flood: %s: %s\n", path, strerror(errno));
		return (1);
	}
	return (0);
}
