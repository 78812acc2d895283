/*
 * testutil.c - packet builders for the unit tests.
 */
#include <config.h>

#include "testutil.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* Kinds of length fields tu_end() fills in. */
#define TU_OPEN_LEN16	1	/* a 16-bit count of the bytes after it */
#define TU_OPEN_IPV4	2	/* total length and header checksum */
#define TU_OPEN_IPV6	3	/* payload length */

static void
tu_open(struct tu_pkt *p, int kind, size_t off, size_t hlen, bool keep)
{
	if (p->nopen >= TU_MAX_OPEN)
		ck_abort_msg("testutil: more than %d open headers", TU_MAX_OPEN);
	p->open[p->nopen].kind = kind;
	p->open[p->nopen].off = off;
	p->open[p->nopen].hlen = hlen;
	p->open[p->nopen].keep = keep;
	p->nopen++;
}

void
tu_pkt_init(struct tu_pkt *p)
{
	memset(p, 0, sizeof(*p));
}

size_t
tu_put(struct tu_pkt *p, const void *src, size_t n)
{
	size_t off = p->len;

	if (n > TU_PKT_MAX - p->len)
		ck_abort_msg("testutil: packet longer than %d bytes",
		    TU_PKT_MAX);
	if (n > 0)
		memcpy(p->data + off, src, n);
	p->len += n;
	return (off);
}

size_t
tu_zero(struct tu_pkt *p, size_t n)
{
	size_t off = p->len;

	if (n > TU_PKT_MAX - p->len)
		ck_abort_msg("testutil: packet longer than %d bytes",
		    TU_PKT_MAX);
	memset(p->data + off, 0, n);
	p->len += n;
	return (off);
}

size_t
tu_u8(struct tu_pkt *p, uint8_t v)
{
	return (tu_put(p, &v, 1));
}

size_t
tu_be16(struct tu_pkt *p, uint16_t v)
{
	uint8_t b[2];

	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
	return (tu_put(p, b, sizeof(b)));
}

size_t
tu_be32(struct tu_pkt *p, uint32_t v)
{
	uint8_t b[4];

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
	return (tu_put(p, b, sizeof(b)));
}

size_t
tu_le32(struct tu_pkt *p, uint32_t v)
{
	uint8_t b[4];

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
	return (tu_put(p, b, sizeof(b)));
}

void
tu_set_be16(struct tu_pkt *p, size_t off, uint16_t v)
{
	if (off > p->len || p->len - off < 2)
		ck_abort_msg("testutil: set_be16 at %zu of %zu", off, p->len);
	p->data[off] = (uint8_t)(v >> 8);
	p->data[off + 1] = (uint8_t)v;
}

/* The Internet checksum (RFC 1071) of n bytes. */
static uint16_t
tu_cksum(const uint8_t *b, size_t n)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

void
tu_end(struct tu_pkt *p)
{
	size_t	 i, off, n;

	for (i = p->nopen; i-- > 0;) {
		off = p->open[i].off;
		switch (p->open[i].kind) {
		case TU_OPEN_LEN16:
			n = p->len - (off + 2);
			tu_set_be16(p, off, (uint16_t)n);
			break;
		case TU_OPEN_IPV4:
			if (!p->open[i].keep)
				tu_set_be16(p, off + 2, (uint16_t)(p->len - off));
			tu_set_be16(p, off + 10, 0);
			tu_set_be16(p, off + 10,
			    tu_cksum(p->data + off, p->open[i].hlen));
			break;
		case TU_OPEN_IPV6:
			if (!p->open[i].keep)
				tu_set_be16(p, off + 4,
				    (uint16_t)(p->len - (off + 40)));
			break;
		}
	}
	p->nopen = 0;
}

uint16_t
tu_ethertype(int ipv)
{
	return (ipv == 6 ? TU_ETHERTYPE_IPV6 : TU_ETHERTYPE_IPV4);
}

uint16_t
tu_ppp_proto(int ipv)
{
	return (ipv == 6 ? TU_PPP_IPV6 : TU_PPP_IPV4);
}

/* Locally administered MACs, so no test frame claims a vendor. */
static void
tu_macs(struct tu_pkt *p)
{
	static const uint8_t macs[12] = {
		0x02, 0, 0, 0, 0, 0x02,		/* destination */
		0x02, 0, 0, 0, 0, 0x01		/* source */
	};

	(void)tu_put(p, macs, sizeof(macs));
}

void
tu_eth(struct tu_pkt *p, uint16_t type)
{
	tu_macs(p);
	(void)tu_be16(p, type);
}

void
tu_vlan(struct tu_pkt *p, uint16_t vid, uint16_t type)
{
	(void)tu_be16(p, vid & 0x0fff);	/* PCP 0, DEI 0 */
	(void)tu_be16(p, type);
}

void
tu_eth_vlans(struct tu_pkt *p, unsigned ntags, uint16_t outer_tpid,
    uint16_t type)
{
	unsigned i;

	if (ntags == 0) {
		tu_eth(p, type);
		return;
	}
	tu_eth(p, ntags > 1 ? outer_tpid : TU_ETHERTYPE_VLAN);
	for (i = 1; i < ntags; i++)
		tu_vlan(p, (uint16_t)(100 + i),
		    i + 1 < ntags ? outer_tpid : TU_ETHERTYPE_VLAN);
	tu_vlan(p, (uint16_t)(100 + ntags), type);
}

void
tu_eth_8023(struct tu_pkt *p)
{
	tu_macs(p);
	tu_open(p, TU_OPEN_LEN16, tu_be16(p, 0), 0, false);
}

void
tu_vlan_8023(struct tu_pkt *p, uint16_t vid)
{
	(void)tu_be16(p, vid & 0x0fff);
	tu_open(p, TU_OPEN_LEN16, tu_be16(p, 0), 0, false);
}

void
tu_llc_snap(struct tu_pkt *p, uint16_t type)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

	(void)tu_put(p, snap, sizeof(snap));
	(void)tu_be16(p, type);
}

void
tu_llc(struct tu_pkt *p, uint8_t dsap, uint8_t ssap, uint8_t ctl)
{
	(void)tu_u8(p, dsap);
	(void)tu_u8(p, ssap);
	(void)tu_u8(p, ctl);
}

void
tu_mpls(struct tu_pkt *p, unsigned n, uint32_t label)
{
	unsigned i;

	/* Label (20 bits), traffic class 0, bottom of stack, TTL 64. */
	for (i = 0; i < n; i++)
		(void)tu_be32(p, ((label + i) & 0xfffff) << 12 |
		    (i + 1 == n ? 0x100U : 0) | 64);
}

void
tu_pppoe(struct tu_pkt *p, uint16_t session, uint16_t ppp_proto)
{
	(void)tu_u8(p, 0x11);		/* version 1, type 1 */
	(void)tu_u8(p, 0x00);		/* code: session data */
	(void)tu_be16(p, session);
	tu_open(p, TU_OPEN_LEN16, tu_be16(p, 0), 0, false);
	(void)tu_be16(p, ppp_proto);
}

void
tu_ppp(struct tu_pkt *p, bool addr_ctl, uint16_t proto)
{
	if (addr_ctl) {
		(void)tu_u8(p, 0xff);
		(void)tu_u8(p, 0x03);
	}
	(void)tu_be16(p, proto);
}

void
tu_ppp_pfc(struct tu_pkt *p, bool addr_ctl, uint8_t proto)
{
	if (addr_ctl) {
		(void)tu_u8(p, 0xff);
		(void)tu_u8(p, 0x03);
	}
	(void)tu_u8(p, proto);
}

/* The 8-byte link-layer address field of SLL: a MAC and 2 pad bytes. */
static void
tu_sll_addr(struct tu_pkt *p)
{
	static const uint8_t addr[8] = { 0x02, 0, 0, 0, 0, 0x01, 0, 0 };

	(void)tu_put(p, addr, sizeof(addr));
}

void
tu_sll(struct tu_pkt *p, uint16_t proto)
{
	(void)tu_be16(p, 0);		/* packet type: to us */
	(void)tu_be16(p, 1);		/* ARPHRD_ETHER */
	(void)tu_be16(p, 6);		/* address length */
	tu_sll_addr(p);
	(void)tu_be16(p, proto);
}

void
tu_sll2(struct tu_pkt *p, uint16_t proto)
{
	(void)tu_be16(p, proto);
	(void)tu_be16(p, 0);		/* reserved */
	(void)tu_be32(p, 2);		/* interface index */
	(void)tu_be16(p, 1);		/* ARPHRD_ETHER */
	(void)tu_u8(p, 4);		/* packet type: outgoing */
	(void)tu_u8(p, 6);		/* address length */
	tu_sll_addr(p);
}

void
tu_null(struct tu_pkt *p, uint32_t af, bool big_endian_host)
{
	if (big_endian_host)
		(void)tu_be32(p, af);
	else
		(void)tu_le32(p, af);
}

void
tu_loop(struct tu_pkt *p, uint32_t af)
{
	(void)tu_be32(p, af);
}

void
tu_chdlc(struct tu_pkt *p, uint16_t type)
{
	(void)tu_u8(p, 0x0f);		/* unicast */
	(void)tu_u8(p, 0x00);
	(void)tu_be16(p, type);
}

void
tu_fddi(struct tu_pkt *p)
{
	(void)tu_u8(p, 0x50);		/* frame control: async LLC, prio 0 */
	tu_macs(p);
}

void
tu_ipv4_init(struct tu_ipv4 *ip)
{
	static const uint8_t src[4] = TU_V4_SRC, dst[4] = TU_V4_DST;

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->id = 0x1234;
	ip->df = true;
	ip->ttl = TU_TTL;
	ip->proto = TU_IPPROTO_TCP;
	memcpy(ip->src, src, sizeof(ip->src));
	memcpy(ip->dst, dst, sizeof(ip->dst));
}

void
tu_ipv6_init(struct tu_ipv6 *ip)
{
	static const uint8_t src[16] = TU_V6_SRC, dst[16] = TU_V6_DST;

	memset(ip, 0, sizeof(*ip));
	ip->version = 6;
	ip->flow = 0x12345;
	ip->hlim = TU_TTL;
	ip->nh = TU_IPPROTO_TCP;
	memcpy(ip->src, src, sizeof(ip->src));
	memcpy(ip->dst, dst, sizeof(ip->dst));
}

void
tu_tcp_init(struct tu_tcp *tcp)
{
	memset(tcp, 0, sizeof(*tcp));
	tcp->sport = TU_SPORT;
	tcp->dport = TU_DPORT;
	tcp->seq = TU_SEQ;
	tcp->ack = TU_ACK;
	tcp->flags = TU_FLAGS;
	tcp->win = TU_WIN;
	tcp->cksum = TU_CKSUM;
	tcp->payload_len = TU_PAYLOAD_LEN;
}

/* Options, then EOL bytes up to a multiple of 4; returns the bytes written. */
static size_t
tu_opts(struct tu_pkt *p, const uint8_t *opts, size_t optlen)
{
	size_t pad = (4 - optlen % 4) % 4;

	if (optlen + pad > 40)
		ck_abort_msg("testutil: %zu option bytes, at most 40", optlen);
	(void)tu_put(p, opts, optlen);
	(void)tu_zero(p, pad);
	return (optlen + pad);
}

void
tu_ipv4(struct tu_pkt *p, const struct tu_ipv4 *ip)
{
	struct tu_ipv4	 def;
	size_t		 off, optlen;
	uint16_t	 frag;

	if (ip == NULL) {
		tu_ipv4_init(&def);
		ip = &def;
	}
	off = tu_u8(p, 0);		/* version and IHL, below */
	(void)tu_u8(p, ip->tos);
	(void)tu_be16(p, ip->force_totlen ? ip->totlen : 0);
	(void)tu_be16(p, ip->id);
	frag = (uint16_t)((ip->df ? 0x4000 : 0) | (ip->mf ? 0x2000 : 0) |
	    (ip->frag_off & 0x1fff));
	(void)tu_be16(p, frag);
	(void)tu_u8(p, ip->ttl);
	(void)tu_u8(p, ip->proto);
	(void)tu_be16(p, 0);		/* checksum, in tu_end() */
	(void)tu_put(p, ip->src, sizeof(ip->src));
	(void)tu_put(p, ip->dst, sizeof(ip->dst));
	optlen = tu_opts(p, ip->opts, ip->optlen);
	p->data[off] = (uint8_t)(ip->version << 4 |
	    ((ip->force_ihl ? ip->ihl : 5 + optlen / 4) & 0x0f));
	tu_open(p, TU_OPEN_IPV4, off, 20 + optlen, ip->force_totlen);
}

/* Bytes an extension header of this type and length field takes. */
static size_t
tu_ip6ext_len(const struct tu_ip6ext *e)
{
	if (e->type == TU_IPPROTO_FRAGMENT)
		return (8);
	if (e->type == TU_IPPROTO_AH)
		return (((size_t)e->len + 2) * 4);	/* RFC 4302 §2.2 */
	return (((size_t)e->len + 1) * 8);		/* RFC 8200 §4 */
}

static void
tu_ip6ext(struct tu_pkt *p, const struct tu_ip6ext *e, uint8_t nh)
{
	uint8_t	 h[2048];
	size_t	 n = tu_ip6ext_len(e);

	memset(h, 0, sizeof(h));
	h[0] = nh;
	h[1] = e->len;
	switch (e->type) {
	case TU_IPPROTO_HOPOPTS:
	case TU_IPPROTO_DSTOPTS:
		/* One PadN option (RFC 8200 §4.2) fills the header. */
		h[2] = 1;
		h[3] = (uint8_t)(n - 4);
		break;
	case TU_IPPROTO_ROUTING:
		h[2] = 253;	/* routing type: RFC 4727 experiment */
		h[3] = 0;	/* segments left: nothing to do */
		break;
	case TU_IPPROTO_FRAGMENT:
		h[1] = 0;
		h[2] = (uint8_t)(e->frag_off >> 5);
		h[3] = (uint8_t)((e->frag_off << 3) | (e->frag_more ? 1 : 0));
		h[7] = 0x42;	/* identification */
		break;
	case TU_IPPROTO_AH:
		h[7] = 0x01;	/* SPI 1 */
		h[11] = 0x01;	/* sequence number 1; the ICV is zeros */
		break;
	}
	(void)tu_put(p, h, n);
}

void
tu_ipv6(struct tu_pkt *p, const struct tu_ipv6 *ip)
{
	struct tu_ipv6	 def;
	size_t		 off, i;

	if (ip == NULL) {
		tu_ipv6_init(&def);
		ip = &def;
	}
	off = tu_be32(p, (uint32_t)ip->version << 28 | (ip->flow & 0xfffff));
	(void)tu_be16(p, ip->force_plen ? ip->plen : 0);
	(void)tu_u8(p, ip->next > 0 ? ip->ext[0].type : ip->nh);
	(void)tu_u8(p, ip->hlim);
	(void)tu_put(p, ip->src, sizeof(ip->src));
	(void)tu_put(p, ip->dst, sizeof(ip->dst));
	for (i = 0; i < ip->next && i < TU_IP6_MAXEXT; i++)
		tu_ip6ext(p, &ip->ext[i],
		    i + 1 < ip->next ? ip->ext[i + 1].type : ip->nh);
	tu_open(p, TU_OPEN_IPV6, off, 40, ip->force_plen);
}

void
tu_tcp(struct tu_pkt *p, const struct tu_tcp *tcp)
{
	struct tu_tcp	 def;
	size_t		 off, optlen, i;
	unsigned	 doff;

	if (tcp == NULL) {
		tu_tcp_init(&def);
		tcp = &def;
	}
	(void)tu_be16(p, tcp->sport);
	(void)tu_be16(p, tcp->dport);
	(void)tu_be32(p, tcp->seq);
	(void)tu_be32(p, tcp->ack);
	off = tu_be16(p, 0);		/* data offset and flags, below */
	(void)tu_be16(p, tcp->win);
	(void)tu_be16(p, tcp->cksum);
	(void)tu_be16(p, tcp->urp);
	optlen = tu_opts(p, tcp->opts, tcp->optlen);
	doff = tcp->force_doff ? tcp->doff : (unsigned)(5 + optlen / 4);
	tu_set_be16(p, off, (uint16_t)((doff & 0x0f) << 12 |
	    (tcp->flags & 0x0fff)));
	for (i = 0; i < tcp->payload_len; i++)
		(void)tu_u8(p, tu_payload_byte(i));
}

void
tu_udp(struct tu_pkt *p, uint16_t sport, uint16_t dport, size_t payload_len)
{
	size_t i;

	(void)tu_be16(p, sport);
	(void)tu_be16(p, dport);
	(void)tu_be16(p, (uint16_t)(TU_UDP_LEN + payload_len));
	(void)tu_be16(p, 0);		/* no checksum */
	for (i = 0; i < payload_len; i++)
		(void)tu_u8(p, tu_payload_byte(i));
}

void
tu_ip_tcp(struct tu_pkt *p, int ipv, const struct tu_tcp *tcp)
{
	if (ipv == 6)
		tu_ipv6(p, NULL);
	else
		tu_ipv4(p, NULL);
	tu_tcp(p, tcp);
	tu_end(p);
}

uint8_t
tu_payload_byte(size_t i)
{
	return ((uint8_t)('a' + i % 26));
}

uint8_t *
tu_dup(const struct tu_pkt *p, size_t n)
{
	uint8_t *b;

	if (n > p->len)
		ck_abort_msg("testutil: dup of %zu bytes of %zu", n, p->len);
	if ((b = malloc(n)) == NULL) {
		if (n > 0)
			ck_abort_msg("testutil: out of memory");
		return (NULL);
	}
	if (n > 0)
		memcpy(b, p->data, n);
	return (b);
}
