/*
 * testutil.h - packet builders for the unit tests.
 *
 * A test says what it sends ("Ethernet, two 802.1Q tags, IPv4 with a router
 * alert option, TCP with MSS and SACK-permitted") instead of spelling hex.
 * Every builder appends to a caller-owned struct tu_pkt.  Headers whose
 * length field counts what follows them (802.3, PPPoE, IPv4, IPv6) are left
 * open when they are appended; tu_end() fills in every open length field
 * (and the IPv4 header checksum) from what was appended after it.  Append
 * Ethernet padding after tu_end(), as the padding is no part of any length.
 */
#ifndef TCPFSM_TESTUTIL_H
#define TCPFSM_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TU_PKT_MAX	4096	/* bytes a built packet may hold */
#define TU_MAX_OPEN	8	/* length fields open at once */

struct tu_pkt {
	uint8_t		 data[TU_PKT_MAX];
	size_t		 len;		/* bytes appended */
	size_t		 nopen;		/* entries in open[] */
	struct {
		int	 kind;		/* TU_OPEN_* in testutil.c */
		size_t	 off;		/* header or length field offset */
		size_t	 hlen;		/* IPv4: header bytes written */
		bool	 keep;		/* length was forced: leave it */
	}		 open[TU_MAX_OPEN];
};

/* Link and network numbers the builders are called with. */
#define TU_ETHERTYPE_IPV4	0x0800
#define TU_ETHERTYPE_ARP	0x0806
#define TU_ETHERTYPE_VLAN	0x8100	/* 802.1Q */
#define TU_ETHERTYPE_QINQ	0x88a8	/* 802.1ad */
#define TU_ETHERTYPE_QINQ_OLD	0x9100	/* pre-standard QinQ */
#define TU_ETHERTYPE_IPV6	0x86dd
#define TU_ETHERTYPE_MPLS	0x8847
#define TU_ETHERTYPE_PPPOE_DISC	0x8863
#define TU_ETHERTYPE_PPPOE	0x8864
#define TU_ETHERTYPE_SLARP	0x8035	/* Cisco HDLC keepalives */
#define TU_PPP_IPV4		0x0021
#define TU_PPP_IPV6		0x0057
#define TU_PPP_LCP		0xc021
#define TU_AF_INET		2
#define TU_AF_INET6_LINUX	10
#define TU_AF_INET6_WINSOCK	23
#define TU_AF_INET6_BSD		24	/* NetBSD, OpenBSD */
#define TU_AF_INET6_FREEBSD	28
#define TU_AF_INET6_DARWIN	30

#define TU_IPPROTO_HOPOPTS	0
#define TU_IPPROTO_ICMP		1
#define TU_IPPROTO_TCP		6
#define TU_IPPROTO_UDP		17
#define TU_IPPROTO_ROUTING	43
#define TU_IPPROTO_FRAGMENT	44
#define TU_IPPROTO_ESP		50
#define TU_IPPROTO_AH		51
#define TU_IPPROTO_ICMPV6	58
#define TU_IPPROTO_NONE		59
#define TU_IPPROTO_DSTOPTS	60

/* Header sizes, for cutting a frame inside a given header. */
#define TU_ETH_LEN		14
#define TU_VLAN_LEN		4
#define TU_MPLS_LEN		4
#define TU_PPPOE_LEN		6	/* without the PPP protocol field */
#define TU_LLC_SNAP_LEN		8
#define TU_SLL_LEN		16
#define TU_SLL2_LEN		20
#define TU_NULL_LEN		4
#define TU_CHDLC_LEN		4
#define TU_FDDI_LEN		13	/* without the LLC header */
#define TU_IPV4_LEN		20
#define TU_IPV6_LEN		40
#define TU_TCP_LEN		20
#define TU_UDP_LEN		8

/* What the builders send unless told otherwise. */
#define TU_V4_SRC	{ 192, 0, 2, 1 }
#define TU_V4_DST	{ 198, 51, 100, 2 }
#define TU_V6_SRC	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, \
			  0, 0, 0, 0, 0, 0, 0, 0x01 }
#define TU_V6_DST	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, \
			  0, 0, 0, 0, 0, 0, 0, 0x02 }
#define TU_TTL		64
#define TU_SPORT	40000
#define TU_DPORT	80
#define TU_SEQ		0xa1b2c3d4U
#define TU_ACK		0x01020304U
#define TU_FLAGS	0x018	/* PSH|ACK */
#define TU_WIN		29200
#define TU_CKSUM	0xbeef	/* not verified by the decoder */
#define TU_PAYLOAD_LEN	12

/*
 * TCP options as byte lists, for tables of option bytes: an options area
 * is written as TU_OPT_MSS(1460), TU_OPT_NOP, TU_OPT_WSCALE(7), ...
 */
#define TU_B1(v)		((v) & 0xff)
#define TU_BE16(v)		TU_B1((v) >> 8), TU_B1(v)
#define TU_BE32(v)		TU_B1((v) >> 24), TU_B1((v) >> 16), \
				TU_B1((v) >> 8), TU_B1(v)
#define TU_OPT_EOL		0
#define TU_OPT_NOP		1
#define TU_OPT_MSS(mss)		2, 4, TU_BE16(mss)
#define TU_OPT_WSCALE(shift)	3, 3, TU_B1(shift)
#define TU_OPT_SACK_PERM	4, 2
/* SACK with n blocks; follow it with n TU_SACK_BLOCK()s. */
#define TU_OPT_SACK(n)		5, TU_B1(2 + 8 * (n))
#define TU_SACK_BLOCK(l, r)	TU_BE32(l), TU_BE32(r)
#define TU_OPT_TS(val, ecr)	8, 10, TU_BE32(val), TU_BE32(ecr)
/* TFO (RFC 7413) with an n-byte cookie; follow it with the cookie bytes. */
#define TU_OPT_TFO(n)		34, TU_B1(2 + (n))
#define TU_OPT_TFO_REQ		34, 2
/* TFO before kind 34: experimental kind 254, ExID 0xF989 (RFC 6994). */
#define TU_OPT_EXP_TFO(n)	254, TU_B1(4 + (n)), 0xf9, 0x89
#define TU_OPT_EXP_TFO_REQ	254, 4, 0xf9, 0x89
/* Experimental kind 254 with another ExID and n data bytes to follow. */
#define TU_OPT_EXP(exid, n)	254, TU_B1(4 + (n)), TU_BE16(exid)
/* Any kind with any length byte (unknown kinds, lying lengths). */
#define TU_OPT_RAW(kind, len)	TU_B1(kind), TU_B1(len)

/* An IPv4 header (RFC 791); tu_ipv4_init() fills in the defaults above. */
struct tu_ipv4 {
	uint8_t		 version;	/* 4, or another nibble to lie */
	uint8_t		 tos;
	uint16_t	 id;
	bool		 df;		/* Don't Fragment */
	bool		 mf;		/* More Fragments */
	uint16_t	 frag_off;	/* fragment offset, 8-byte units */
	uint8_t		 ttl;
	uint8_t		 proto;
	uint8_t		 src[4];
	uint8_t		 dst[4];
	const uint8_t	*opts;		/* options, padded to 4 with EOL */
	size_t		 optlen;	/* bytes at opts, at most 40 */
	bool		 force_ihl;	/* write ihl, not the real length */
	uint8_t		 ihl;		/* 4-byte words */
	bool		 force_totlen;	/* write totlen, not the real length */
	uint16_t	 totlen;	/* bytes; 0 is what TSO captures show */
};

/* An IPv6 extension header in a chain. */
struct tu_ip6ext {
	uint8_t		 type;		/* its protocol number */
	uint8_t		 len;		/* Hdr Ext Len (AH: Payload Len) */
	uint16_t	 frag_off;	/* fragment: offset, 8-byte units */
	bool		 frag_more;	/* fragment: the M flag */
};

#define TU_IP6_MAXEXT	8

/* An IPv6 header (RFC 8200) and its extension-header chain. */
struct tu_ipv6 {
	uint8_t		 version;	/* 6, or another nibble to lie */
	uint32_t	 flow;		/* flow label */
	uint8_t		 hlim;
	uint8_t		 nh;		/* protocol after the chain */
	uint8_t		 src[16];
	uint8_t		 dst[16];
	struct tu_ip6ext ext[TU_IP6_MAXEXT];
	size_t		 next;		/* entries in ext[] */
	bool		 force_plen;	/* write plen, not the real length */
	uint16_t	 plen;		/* bytes after the fixed header */
};

/* A TCP header (RFC 9293 §3.1), its options and its payload. */
struct tu_tcp {
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;
	uint32_t	 ack;
	uint16_t	 flags;		/* 12 bits after the data offset */
	uint16_t	 win;
	uint16_t	 cksum;		/* written as given */
	uint16_t	 urp;
	const uint8_t	*opts;		/* options, padded to 4 with EOL */
	size_t		 optlen;	/* bytes at opts, at most 40 */
	bool		 force_doff;	/* write doff, not the real length */
	uint8_t		 doff;		/* 4-byte words */
	size_t		 payload_len;	/* bytes of tu_payload_byte() */
};

/* Start an empty packet. */
void	 tu_pkt_init(struct tu_pkt *p);

/*
 * Append n bytes (tu_put), n zero bytes (tu_zero), or one value.  Each
 * returns the offset the bytes were written at.  A packet that would grow
 * past TU_PKT_MAX fails the running test.
 */
size_t	 tu_put(struct tu_pkt *p, const void *src, size_t n);
size_t	 tu_zero(struct tu_pkt *p, size_t n);
size_t	 tu_u8(struct tu_pkt *p, uint8_t v);
size_t	 tu_be16(struct tu_pkt *p, uint16_t v);
size_t	 tu_be32(struct tu_pkt *p, uint32_t v);
size_t	 tu_le32(struct tu_pkt *p, uint32_t v);

/* Overwrite a big-endian 16-bit value already appended at off. */
void	 tu_set_be16(struct tu_pkt *p, size_t off, uint16_t v);

/*
 * Fill in the length field of every header left open (innermost first),
 * and the IPv4 header checksum.  Forced lengths are kept as they are.
 */
void	 tu_end(struct tu_pkt *p);

/* Ethertype and PPP protocol number of IP version ipv (4 or 6). */
uint16_t tu_ethertype(int ipv);
uint16_t tu_ppp_proto(int ipv);

/* Ethernet II: destination and source MAC, then type. */
void	 tu_eth(struct tu_pkt *p, uint16_t type);
/* One 802.1Q/802.1ad tag body after a TPID: the TCI, then the next type. */
void	 tu_vlan(struct tu_pkt *p, uint16_t vid, uint16_t type);
/*
 * Ethernet with ntags tags: the outer ntags - 1 with TPID outer_tpid, the
 * innermost 802.1Q, then type.  outer_tpid 0x8100 stacks plain 802.1Q tags.
 */
void	 tu_eth_vlans(struct tu_pkt *p, unsigned ntags, uint16_t outer_tpid,
	    uint16_t type);
/* 802.3: MACs and a length field, left open; follow with an LLC header. */
void	 tu_eth_8023(struct tu_pkt *p);
/* An 802.1Q tag whose inner type is an 802.3 length, left open. */
void	 tu_vlan_8023(struct tu_pkt *p, uint16_t vid);
/* 802.2 LLC with SNAP (AA AA 03, OUI 0, type). */
void	 tu_llc_snap(struct tu_pkt *p, uint16_t type);
/* 802.2 LLC with any SAPs and control (STP is 42 42 03). */
void	 tu_llc(struct tu_pkt *p, uint8_t dsap, uint8_t ssap, uint8_t ctl);
/* An MPLS stack of n labels from label on, bottom-of-stack on the last. */
void	 tu_mpls(struct tu_pkt *p, unsigned n, uint32_t label);
/* PPPoE session header (length left open), then a 2-byte PPP protocol. */
void	 tu_pppoe(struct tu_pkt *p, uint16_t session, uint16_t ppp_proto);
/* PPP (RFC 1662), with or without FF 03, with a 2-byte protocol. */
void	 tu_ppp(struct tu_pkt *p, bool addr_ctl, uint16_t proto);
/* PPP with a compressed 1-byte protocol field (RFC 1661 §6.5). */
void	 tu_ppp_pfc(struct tu_pkt *p, bool addr_ctl, uint8_t proto);
/* Linux cooked capture v1 (16 bytes) and v2 (20 bytes). */
void	 tu_sll(struct tu_pkt *p, uint16_t proto);
void	 tu_sll2(struct tu_pkt *p, uint16_t proto);
/* DLT_NULL: af in the capturing host's order, little or big endian. */
void	 tu_null(struct tu_pkt *p, uint32_t af, bool big_endian_host);
/* DLT_LOOP: af in network order. */
void	 tu_loop(struct tu_pkt *p, uint32_t af);
/* Cisco HDLC: unicast address, control 0, type. */
void	 tu_chdlc(struct tu_pkt *p, uint16_t type);
/* FDDI: frame control and MACs; follow with an 802.2 LLC header. */
void	 tu_fddi(struct tu_pkt *p);

/* Fill a header description with the defaults. */
void	 tu_ipv4_init(struct tu_ipv4 *ip);
void	 tu_ipv6_init(struct tu_ipv6 *ip);
void	 tu_tcp_init(struct tu_tcp *tcp);

/* An IPv4 header, its length left open; NULL is the default header. */
void	 tu_ipv4(struct tu_pkt *p, const struct tu_ipv4 *ip);
/* An IPv6 header and its chain, length left open; NULL: the default. */
void	 tu_ipv6(struct tu_pkt *p, const struct tu_ipv6 *ip);
/* A TCP header, its options and payload; NULL is the default segment. */
void	 tu_tcp(struct tu_pkt *p, const struct tu_tcp *tcp);
/* A UDP header and payload_len payload bytes. */
void	 tu_udp(struct tu_pkt *p, uint16_t sport, uint16_t dport,
	    size_t payload_len);
/*
 * The default IPv4 or IPv6 header (ipv 4 or 6), then tcp (NULL: the
 * default segment), then tu_end().
 */
void	 tu_ip_tcp(struct tu_pkt *p, int ipv, const struct tu_tcp *tcp);

/* Byte i of every built payload, so a test can tell payload from header. */
uint8_t	 tu_payload_byte(size_t i);

/*
 * A malloc'd copy of the first n bytes of p, exactly n bytes long, so that
 * AddressSanitizer and valgrind see any read past them.  NULL only for n 0.
 * The caller frees it.
 */
uint8_t	*tu_dup(const struct tu_pkt *p, size_t n);

#endif /* TCPFSM_TESTUTIL_H */
