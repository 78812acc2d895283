/*
 * decode.c - link, IP and TCP headers of one frame, bounds-checked.
 *
 * Order of checks, for every header: is it all captured (else TRUNCATED),
 * do its fields agree with each other and with the frame's wire length
 * (else MALFORMED), does it lead to TCP (else NOT_IP / NOT_TCP / FRAGMENT).
 * A payload cut by the snaplen is fine: the IP length says how long it was.
 */
#include <config.h>

#include "decode.h"

#include <string.h>

#include "bytes.h"
#include "decode-tcp.h"

/* Ethertypes (IEEE registry) and PPP protocol numbers (RFC 1661, RFC 5072). */
#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100	/* 802.1Q */
#define ETHERTYPE_QINQ		0x88a8	/* 802.1ad */
#define ETHERTYPE_QINQ_OLD1	0x9100	/* pre-standard QinQ, still seen */
#define ETHERTYPE_QINQ_OLD2	0x9200
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MCAST	0x8848
#define ETHERTYPE_PPPOE_SESS	0x8864
#define ETHERTYPE_MAX_LENGTH	1500	/* at or below: an 802.3 length field */
#define PPP_IPV4		0x0021
#define PPP_IPV6		0x0057

/* Address families of DLT_NULL/DLT_LOOP headers, as each OS numbers them. */
#define BSD_AF_INET		2
#define LINUX_AF_INET6		10
#define WINSOCK_AF_INET6	23
#define BSD_AF_INET6		24	/* NetBSD, OpenBSD */
#define FREEBSD_AF_INET6	28
#define DARWIN_AF_INET6		30

#define IPPROTO_NUM_TCP		6
#define IP6_HOPOPTS		0
#define IP6_ROUTING		43
#define IP6_FRAGMENT		44
#define IP6_AH			51
#define IP6_NONE		59
#define IP6_DSTOPTS		60
#define IP6_MOBILITY		135
#define IP6_HIP			139
#define IP6_SHIM6		140
#define IP6_EXP1		253
#define IP6_EXP2		254

struct dctx {
	struct bytes	 b;		/* what is left to decode */
	const uint8_t	*start;		/* the frame's first byte */
	size_t		 wire_end;	/* frame length on the wire */
	struct tcpfsm_seg *seg;
};

static enum decode_result decode_ethertype(struct dctx *, uint16_t);

static enum decode_result
fail(struct dctx *d, enum decode_result r, enum decode_layer l)
{
	d->seg->layer = l;
	return (r);
}

/* Bytes from the cursor to the end of the frame as it was on the wire. */
static size_t
wire_left(const struct dctx *d)
{
	size_t off = (size_t)(d->b.p - d->start);

	return (d->wire_end > off ? d->wire_end - off : 0);
}

/* IPv4, RFC 791: header, options skipped, length, fragments. */
static enum decode_result
decode_ipv4(struct dctx *d)
{
	struct tcpfsm_seg *seg = d->seg;
	struct bytes	 b = d->b;
	uint8_t		 vihl, proto;
	uint16_t	 totlen, frag;
	size_t		 hlen, wire;

	seg->layer = LAYER_IPV4;
	if (!bytes_peek_u8(&b, 0, &vihl))
		return (DECODE_TRUNCATED);
	if (vihl >> 4 != 4)
		return (DECODE_MALFORMED);
	if (!bytes_has(&b, 20))
		return (DECODE_TRUNCATED);
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < 20)
		return (DECODE_MALFORMED);
	seg->ip_hdr = b.p;
	(void)bytes_peek_be16(&b, 2, &totlen);
	(void)bytes_peek_be16(&b, 6, &frag);
	(void)bytes_peek_u8(&b, 8, &seg->ttl);
	(void)bytes_peek_u8(&b, 9, &proto);
	wire = wire_left(d);
	if (totlen == 0) {
		/* TCP segmentation offload: the sending host's capture says 0. */
		seg->ip_len_guessed = true;
		totlen = wire > 0xffff ? 0xffff : (uint16_t)wire;
	}
	if (totlen < hlen)
		return (DECODE_MALFORMED);
	/*
	 * An IP length beyond the frame's wire length is kept and flagged:
	 * real captures have it (a tag stripped after the length was taken),
	 * and the sequence space follows what the sender put in the header.
	 */
	seg->ip_len_over_frame = totlen > wire;
	if (!bytes_has(&b, hlen))
		return (DECODE_TRUNCATED);
	memset(seg->src, 0, sizeof(seg->src));
	memset(seg->dst, 0, sizeof(seg->dst));
	memcpy(seg->src, b.p + 12, 4);
	memcpy(seg->dst, b.p + 16, 4);
	seg->ipv = 4;
	/* Ethernet pads short frames: the IP length ends the datagram. */
	bytes_trim(&b, totlen);
	seg->ip_caplen = (uint32_t)b.len;
	seg->ip_len = totlen;
	(void)bytes_skip(&b, hlen);
	if ((frag & 0x1fff) != 0)
		return (DECODE_FRAGMENT);
	seg->ip_first_frag = (frag & 0x2000) != 0;
	if (proto != IPPROTO_NUM_TCP)
		return (DECODE_NOT_TCP);
	d->b = b;
	return (decode_tcp(&d->b, totlen - (uint32_t)hlen, seg));
}

/* IPv6, RFC 8200: fixed header, then the extension-header chain to TCP. */
static enum decode_result
decode_ipv6(struct dctx *d)
{
	struct tcpfsm_seg *seg = d->seg;
	struct bytes	 b = d->b;
	uint8_t		 v, nh, extlen;
	uint16_t	 plen, frag;
	size_t		 wire, hlen;

	seg->layer = LAYER_IPV6;
	if (!bytes_peek_u8(&b, 0, &v))
		return (DECODE_TRUNCATED);
	if (v >> 4 != 6)
		return (DECODE_MALFORMED);
	if (!bytes_has(&b, 40))
		return (DECODE_TRUNCATED);
	seg->ip_hdr = b.p;
	(void)bytes_peek_be16(&b, 4, &plen);
	(void)bytes_peek_u8(&b, 6, &nh);
	(void)bytes_peek_u8(&b, 7, &seg->ttl);
	wire = wire_left(d);	/* >= 40: the wire holds what was captured */
	if (plen == 0) {
		/* A jumbogram (RFC 2675) or TSO: trust the frame length. */
		seg->ip_len_guessed = true;
		plen = wire - 40 > 0xffff ? 0xffff : (uint16_t)(wire - 40);
	}
	seg->ip_len_over_frame = (size_t)plen + 40 > wire;
	memcpy(seg->src, b.p + 8, 16);
	memcpy(seg->dst, b.p + 24, 16);
	seg->ipv = 6;
	bytes_trim(&b, (size_t)plen + 40);
	seg->ip_caplen = (uint32_t)b.len;
	seg->ip_len = (uint32_t)plen + 40;
	(void)bytes_skip(&b, 40);

	/* Every extension header is at least 8 bytes, so the walk ends. */
	for (;;) {
		switch (nh) {
		case IPPROTO_NUM_TCP:
			d->b = b;
			return (decode_tcp(&d->b, plen, seg));
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
		case IP6_MOBILITY:
		case IP6_HIP:
		case IP6_SHIM6:
		case IP6_EXP1:
		case IP6_EXP2:
		case IP6_FRAGMENT:
		case IP6_AH:
			break;
		default:	/* No Next Header, ESP, UDP, ICMPv6, ... */
			return (DECODE_NOT_TCP);
		}
		seg->layer = LAYER_IPV6_EXT;
		if (plen < 8)
			return (DECODE_MALFORMED);
		if (!bytes_has(&b, 8))
			return (DECODE_TRUNCATED);
		(void)bytes_peek_u8(&b, 1, &extlen);
		if (nh == IP6_FRAGMENT)
			hlen = 8;
		else if (nh == IP6_AH)
			hlen = ((size_t)extlen + 2) * 4;	/* RFC 4302 §2.2 */
		else
			hlen = ((size_t)extlen + 1) * 8;
		if (hlen > plen)
			return (DECODE_MALFORMED);
		if (!bytes_has(&b, hlen))
			return (DECODE_TRUNCATED);
		if (nh == IP6_FRAGMENT) {
			(void)bytes_peek_be16(&b, 2, &frag);
			if ((frag & 0xfff8) != 0)
				return (DECODE_FRAGMENT);
			seg->ip_first_frag = (frag & 1) != 0;
		}
		(void)bytes_peek_u8(&b, 0, &nh);
		(void)bytes_skip(&b, hlen);
		plen -= (uint16_t)hlen;
		seg->layer = LAYER_IPV6;
	}
}

/* The IP version nibble decides (DLT_RAW, MPLS payloads). */
static enum decode_result
decode_ip_any(struct dctx *d, enum decode_layer at)
{
	uint8_t v;

	if (!bytes_peek_u8(&d->b, 0, &v))
		return (fail(d, DECODE_TRUNCATED, at));
	switch (v >> 4) {
	case 4:
		return (decode_ipv4(d));
	case 6:
		return (decode_ipv6(d));
	default:
		return (fail(d, DECODE_NOT_IP, at));
	}
}

/* A PPP protocol field (RFC 1661 §2; it may be compressed to one byte). */
static enum decode_result
decode_ppp_proto(struct dctx *d)
{
	uint8_t		hi, lo;
	uint16_t	proto;

	if (!bytes_get_u8(&d->b, &hi))
		return (fail(d, DECODE_TRUNCATED, LAYER_PPP));
	if (hi & 1)
		proto = hi;	/* Protocol-Field-Compression (RFC 1661 §6.5) */
	else {
		if (!bytes_get_u8(&d->b, &lo))
			return (fail(d, DECODE_TRUNCATED, LAYER_PPP));
		proto = (uint16_t)(hi << 8 | lo);
	}
	switch (proto) {
	case PPP_IPV4:
		return (decode_ipv4(d));
	case PPP_IPV6:
		return (decode_ipv6(d));
	default:
		return (fail(d, DECODE_NOT_IP, LAYER_PPP));
	}
}

/* PPP in HDLC-like framing (RFC 1662): address and control may be omitted. */
static enum decode_result
decode_ppp(struct dctx *d)
{
	uint8_t a, c;

	/* 0xff is the all-stations address: no protocol field starts so. */
	if (bytes_peek_u8(&d->b, 0, &a) && a == 0xff) {
		if (!bytes_peek_u8(&d->b, 1, &c))
			return (fail(d, DECODE_TRUNCATED, LAYER_PPP));
		if (c == 0x03)
			(void)bytes_skip(&d->b, 2);
	}
	return (decode_ppp_proto(d));
}

/*
 * PPPoE session stage (RFC 2516 §4): ver/type, code, session, length.  The
 * PPPoE length is not used to bound the datagram: real captures carry
 * PPPoE lengths shorter than the IP datagram inside, and the IP length is
 * what sequence numbers depend on.
 */
static enum decode_result
decode_pppoe(struct dctx *d)
{
	uint8_t		vt, code;

	if (!bytes_has(&d->b, 6))
		return (fail(d, DECODE_TRUNCATED, LAYER_PPP));
	(void)bytes_peek_u8(&d->b, 0, &vt);
	(void)bytes_peek_u8(&d->b, 1, &code);
	if (vt != 0x11 || code != 0)
		return (fail(d, DECODE_MALFORMED, LAYER_PPP));
	(void)bytes_skip(&d->b, 6);
	return (decode_ppp_proto(d));
}

/* An MPLS label stack (RFC 3032): labels to the bottom-of-stack bit. */
static enum decode_result
decode_mpls(struct dctx *d)
{
	uint32_t label;

	do {
		if (!bytes_get_be32(&d->b, &label))
			return (fail(d, DECODE_TRUNCATED, LAYER_MPLS));
	} while ((label & 0x100) == 0);
	/* RFC 3032 names no payload type; IP is told by its version nibble. */
	return (decode_ip_any(d, LAYER_MPLS));
}

/* 802.2 LLC; only SNAP (AA AA 03, OUI, ethertype) can carry IP here. */
static enum decode_result
decode_llc(struct dctx *d)
{
	uint8_t		dsap, ssap, ctl;
	uint16_t	type;

	if (!bytes_has(&d->b, 3))
		return (fail(d, DECODE_TRUNCATED, LAYER_LLC));
	(void)bytes_peek_u8(&d->b, 0, &dsap);
	(void)bytes_peek_u8(&d->b, 1, &ssap);
	(void)bytes_peek_u8(&d->b, 2, &ctl);
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03)
		return (fail(d, DECODE_NOT_IP, LAYER_LLC));
	if (!bytes_skip(&d->b, 6) || !bytes_get_be16(&d->b, &type))
		return (fail(d, DECODE_TRUNCATED, LAYER_LLC));
	return (decode_ethertype(d, type));
}

/* Dispatch on an ethertype; VLAN tags of any depth are walked here. */
static enum decode_result
decode_ethertype(struct dctx *d, uint16_t type)
{
	for (;;) {
		switch (type) {
		case ETHERTYPE_IPV4:
			return (decode_ipv4(d));
		case ETHERTYPE_IPV6:
			return (decode_ipv6(d));
		case ETHERTYPE_VLAN:
		case ETHERTYPE_QINQ:
		case ETHERTYPE_QINQ_OLD1:
		case ETHERTYPE_QINQ_OLD2:
			/* TCI, then the next type: 4 bytes a tag, so this ends. */
			if (!bytes_skip(&d->b, 2) ||
			    !bytes_get_be16(&d->b, &type)) {
				d->seg->layer = LAYER_VLAN;
				return (DECODE_TRUNCATED);
			}
			if (type <= ETHERTYPE_MAX_LENGTH)
				return (decode_llc(d));
			continue;
		case ETHERTYPE_MPLS:
		case ETHERTYPE_MPLS_MCAST:
			return (decode_mpls(d));
		case ETHERTYPE_PPPOE_SESS:
			return (decode_pppoe(d));
		default:
			return (fail(d, DECODE_NOT_IP, LAYER_LINK));
		}
	}
}

static enum decode_result
decode_ethernet(struct dctx *d)
{
	uint16_t type;

	if (!bytes_skip(&d->b, 12) || !bytes_get_be16(&d->b, &type))
		return (fail(d, DECODE_TRUNCATED, LAYER_LINK));
	if (type <= ETHERTYPE_MAX_LENGTH)
		return (decode_llc(d));	/* 802.3 length field */
	return (decode_ethertype(d, type));
}

/* DLT_NULL / DLT_LOOP: a 4-byte address family; numbers differ by OS. */
static enum decode_result
decode_null(struct dctx *d, bool network_order)
{
	uint32_t af;

	if (network_order ? !bytes_get_be32(&d->b, &af) :
	    !bytes_get_le32(&d->b, &af))
		return (fail(d, DECODE_TRUNCATED, LAYER_LINK));
	/* DLT_NULL is in the capturing host's order, which may not be ours. */
	if (!network_order && af > 0xffff)
		af = (af >> 24) | ((af >> 8) & 0xff00) |
		    ((af << 8) & 0xff0000) | (af << 24);
	switch (af) {
	case BSD_AF_INET:
		return (decode_ipv4(d));
	case LINUX_AF_INET6:
	case WINSOCK_AF_INET6:
	case BSD_AF_INET6:
	case FREEBSD_AF_INET6:
	case DARWIN_AF_INET6:
		return (decode_ipv6(d));
	default:
		return (fail(d, DECODE_NOT_IP, LAYER_LINK));
	}
}

/* Linux cooked capture v1 (16 bytes) and v2 (20 bytes). */
static enum decode_result
decode_sll(struct dctx *d, bool v2)
{
	uint16_t type;

	if (v2) {
		if (!bytes_get_be16(&d->b, &type) || !bytes_skip(&d->b, 18))
			return (fail(d, DECODE_TRUNCATED, LAYER_LINK));
	} else {
		if (!bytes_skip(&d->b, 14) || !bytes_get_be16(&d->b, &type))
			return (fail(d, DECODE_TRUNCATED, LAYER_LINK));
	}
	/* Types below 1536 are Linux's own (802.3, 802.2 LLC, ...): not IP. */
	if (type <= ETHERTYPE_MAX_LENGTH)
		return (fail(d, DECODE_NOT_IP, LAYER_LINK));
	return (decode_ethertype(d, type));
}

static enum decode_result
decode_c_hdlc(struct dctx *d)
{
	uint16_t type;

	if (!bytes_skip(&d->b, 2) || !bytes_get_be16(&d->b, &type))
		return (fail(d, DECODE_TRUNCATED, LAYER_LINK));
	return (decode_ethertype(d, type));
}

static enum decode_result
decode_fddi(struct dctx *d)
{
	/* Frame control, destination and source MAC, then 802.2 LLC. */
	if (!bytes_skip(&d->b, 13))
		return (fail(d, DECODE_TRUNCATED, LAYER_LINK));
	return (decode_llc(d));
}

/*
 * The frame nearly every capture is made of: Ethernet, then IPv4 without
 * options, not a fragment, carrying TCP.  Taken in one step with the
 * checks decode_ethernet() and decode_ipv4() make on it, and the same
 * result; anything else (a tag, IP options, a fragment, a length of 0 or
 * too short for the header, a short frame) goes the long way, which this
 * reports as DECODE_NRESULTS.
 */
static enum decode_result
decode_ether_ipv4(const struct dctx *d)
{
	struct tcpfsm_seg *seg = d->seg;
	struct bytes	 b = d->b;
	uint16_t	 type, totlen, frag;
	uint8_t		 vihl, proto;
	size_t		 wire;

	/* 14 bytes of Ethernet, 20 of IPv4: the peeks below need no checks. */
	if (!bytes_has(&b, 14 + 20))
		return (DECODE_NRESULTS);
	(void)bytes_peek_be16(&b, 12, &type);
	(void)bytes_peek_u8(&b, 14, &vihl);
	(void)bytes_peek_be16(&b, 14 + 2, &totlen);
	(void)bytes_peek_be16(&b, 14 + 6, &frag);
	(void)bytes_peek_u8(&b, 14 + 9, &proto);
	if (type != ETHERTYPE_IPV4 || vihl != 0x45 || totlen < 20 ||
	    (frag & 0x1fff) != 0 || proto != IPPROTO_NUM_TCP)
		return (DECODE_NRESULTS);
	(void)bytes_skip(&b, 14);
	seg->layer = LAYER_IPV4;
	seg->ip_hdr = b.p;
	(void)bytes_peek_u8(&b, 8, &seg->ttl);
	wire = d->wire_end - 14;
	seg->ip_len_over_frame = totlen > wire;
	memset(seg->src, 0, sizeof(seg->src));
	memset(seg->dst, 0, sizeof(seg->dst));
	memcpy(seg->src, b.p + 12, 4);
	memcpy(seg->dst, b.p + 16, 4);
	seg->ipv = 4;
	bytes_trim(&b, totlen);
	seg->ip_caplen = (uint32_t)b.len;
	seg->ip_len = totlen;
	(void)bytes_skip(&b, 20);
	seg->ip_first_frag = (frag & 0x2000) != 0;
	return (decode_tcp(&b, totlen - 20u, seg));
}

enum decode_result
decode_frame(enum decode_link link, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, struct tcpfsm_seg *seg)
{
	struct dctx		d;
	enum decode_result	r;

	seg->ip_first_frag = false;
	seg->ip_len_guessed = false;
	seg->ip_len_over_frame = false;
	seg->cksum_bad = false;
	seg->layer = LAYER_LINK;
	d.b = bytes_init(data, caplen);
	d.start = data;
	/* A record cannot hold more than was on the wire; trust the bytes. */
	d.wire_end = wirelen > caplen ? wirelen : caplen;
	d.seg = seg;

	if (link == LINK_ETHERNET &&
	    (r = decode_ether_ipv4(&d)) != DECODE_NRESULTS)
		return (r);
	switch (link) {
	case LINK_ETHERNET:
		return (decode_ethernet(&d));
	case LINK_NULL:
		return (decode_null(&d, false));
	case LINK_LOOP:
		return (decode_null(&d, true));
	case LINK_RAW:
		return (decode_ip_any(&d, LAYER_LINK));
	case LINK_IPV4:
		return (decode_ipv4(&d));
	case LINK_IPV6:
		return (decode_ipv6(&d));
	case LINK_SLL:
		return (decode_sll(&d, false));
	case LINK_SLL2:
		return (decode_sll(&d, true));
	case LINK_PPP:
		return (decode_ppp(&d));
	case LINK_PPP_ETHER:
		return (decode_pppoe(&d));
	case LINK_C_HDLC:
		return (decode_c_hdlc(&d));
	case LINK_FDDI:
		return (decode_fddi(&d));
	case LINK_NLINKS:
		break;
	}
	return (fail(&d, DECODE_NOT_IP, LAYER_LINK));
}

static const char *const result_names[DECODE_NRESULTS] = {
	"tcp", "not_ip", "not_tcp", "fragment", "truncated", "malformed"
};

static const char *const layer_names[LAYER_NLAYERS] = {
	"link", "vlan", "mpls", "ppp", "llc", "ipv4", "ipv6", "ipv6_ext", "tcp"
};

static const char *const link_names[LINK_NLINKS] = {
	"ethernet", "null", "loop", "raw", "ipv4", "ipv6", "linux_sll",
	"linux_sll2", "ppp", "ppp_ether", "c_hdlc", "fddi"
};

const char *
decode_result_name(enum decode_result r)
{
	return ((unsigned)r < DECODE_NRESULTS ? result_names[r] : "unknown");
}

const char *
decode_layer_name(enum decode_layer l)
{
	return ((unsigned)l < LAYER_NLAYERS ? layer_names[l] : "unknown");
}

const char *
decode_link_name(enum decode_link l)
{
	return ((unsigned)l < LINK_NLINKS ? link_names[l] : "unknown");
}
