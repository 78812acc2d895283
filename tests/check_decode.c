/*
 * check_decode.c - the frame decoder: link layers, IPv4, IPv6 and its
 * extension headers, TCP and its options, lengths, truncation, counters.
 *
 * Frames are built with testutil.c and decoded from an exactly-sized
 * malloc'd copy, so AddressSanitizer or valgrind (CK_FORK=no) report any
 * read past the captured bytes.  Most cases are tables run with
 * tcase_add_loop_test(); the truncation sweep decodes every prefix of every
 * frame in every table.
 */
#include <config.h>

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "testutil.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const uint8_t v4src[4] = TU_V4_SRC, v4dst[4] = TU_V4_DST;
static const uint8_t v6src[16] = TU_V6_SRC, v6dst[16] = TU_V6_DST;

/* A frame builder: link header, IP (version ipv where it applies), TCP. */
typedef void (*build_fn)(struct tu_pkt *, int, int);

/*
 * Decode the first caplen bytes of p, from a frame wirelen bytes long on
 * the wire, out of an exactly-sized copy.  *bufp is the copy: the caller
 * frees it once done with the pointers in seg.
 */
static enum decode_result
decode_cut(enum decode_link link, const struct tu_pkt *p, size_t caplen,
    size_t wirelen, struct tcpfsm_seg *seg, uint8_t **bufp)
{
	*bufp = tu_dup(p, caplen);
	memset(seg, 0, sizeof(*seg));
	return (decode_frame(link, *bufp, (uint32_t)caplen, (uint32_t)wirelen,
	    seg));
}

/* The whole of p, captured as it was on the wire. */
static enum decode_result
decode_all(enum decode_link link, const struct tu_pkt *p,
    struct tcpfsm_seg *seg, uint8_t **bufp)
{
	return (decode_cut(link, p, p->len, p->len, seg, bufp));
}

static size_t
ip_hdr_len(int ipv)
{
	return (ipv == 6 ? TU_IPV6_LEN : TU_IPV4_LEN);
}

/*
 * seg is the default segment tu_tcp() sends, over IP version ipv with
 * ip_extra bytes of options or extension headers.  ip_first_frag is the
 * caller's to check.
 */
static void
assert_default_tcp(const char *name, const struct tcpfsm_seg *seg, int ipv,
    size_t ip_extra)
{
	size_t i;

	ck_assert_msg(seg->ipv == ipv, "%s: ipv %u, want %d", name, seg->ipv,
	    ipv);
	if (ipv == 6) {
		ck_assert_mem_eq(seg->src, v6src, 16);
		ck_assert_mem_eq(seg->dst, v6dst, 16);
	} else {
		ck_assert_mem_eq(seg->src, v4src, 4);
		ck_assert_mem_eq(seg->dst, v4dst, 4);
	}
	ck_assert_uint_eq(seg->ttl, TU_TTL);
	ck_assert_uint_eq(seg->sport, TU_SPORT);
	ck_assert_uint_eq(seg->dport, TU_DPORT);
	ck_assert_uint_eq(seg->seq, TU_SEQ);
	ck_assert_uint_eq(seg->ack, TU_ACK);
	ck_assert_uint_eq(seg->flags, TU_FLAGS);
	ck_assert_uint_eq(seg->win, TU_WIN);
	ck_assert_uint_eq(seg->cksum, TU_CKSUM);
	ck_assert_uint_eq(seg->urp, 0);
	ck_assert_uint_eq(seg->hdr_len, TU_TCP_LEN);
	ck_assert_uint_eq(seg->payload_len, TU_PAYLOAD_LEN);
	ck_assert_uint_eq(seg->payload_caplen, TU_PAYLOAD_LEN);
	ck_assert_uint_eq(seg->ip_len,
	    ip_hdr_len(ipv) + ip_extra + TU_TCP_LEN + TU_PAYLOAD_LEN);
	ck_assert_uint_eq(seg->ip_caplen, seg->ip_len);
	ck_assert(!seg->ip_len_guessed);
	ck_assert(!seg->ip_len_over_frame);
	ck_assert(!seg->hdr_truncated);
	ck_assert_uint_eq(seg->opt.present, 0);
	ck_assert_uint_eq(seg->opt.bad, 0);
	ck_assert_uint_eq(seg->opt.nopts, 0);
	ck_assert_int_eq(seg->layer, LAYER_TCP);
	for (i = 0; i < TU_PAYLOAD_LEN; i++)
		ck_assert_uint_eq(seg->payload[i], tu_payload_byte(i));
}

/*
 * Frame builders.  Each appends one whole frame: ipv picks IPv4 or IPv6
 * where the frame carries the default IP/TCP segment, arg is what the
 * builder's comment says.
 */

/* No link header: DLT_RAW, DLT_IPV4, DLT_IPV6. */
static void
f_ip(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_ip_tcp(p, ipv, NULL);
}

static void
f_eth(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_eth(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* arg 802.1Q tags. */
static void
f_vlan(struct tu_pkt *p, int ipv, int arg)
{
	tu_eth_vlans(p, (unsigned)arg, TU_ETHERTYPE_VLAN, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* arg tags: 802.1ad outside, 802.1Q innermost. */
static void
f_qinq(struct tu_pkt *p, int ipv, int arg)
{
	tu_eth_vlans(p, (unsigned)arg, TU_ETHERTYPE_QINQ, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* arg tags: pre-standard 0x9100 outside, 802.1Q innermost. */
static void
f_qinq_old(struct tu_pkt *p, int ipv, int arg)
{
	tu_eth_vlans(p, (unsigned)arg, TU_ETHERTYPE_QINQ_OLD,
	    tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* Ethernet 802.3 (a length, not a type) with LLC/SNAP. */
static void
f_8023(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_eth_8023(p);
	tu_llc_snap(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* An 802.1Q tag whose inner type is an 802.3 length, then LLC/SNAP. */
static void
f_vlan_8023(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_eth(p, TU_ETHERTYPE_VLAN);
	tu_vlan_8023(p, 7);
	tu_llc_snap(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* arg MPLS labels. */
static void
f_mpls(struct tu_pkt *p, int ipv, int arg)
{
	tu_eth(p, TU_ETHERTYPE_MPLS);
	tu_mpls(p, (unsigned)arg, 16);
	tu_ip_tcp(p, ipv, NULL);
}

static void
f_pppoe(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_eth(p, TU_ETHERTYPE_PPPOE);
	tu_pppoe(p, 0x2a, tu_ppp_proto(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

static void
f_vlan_pppoe(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_eth_vlans(p, 1, TU_ETHERTYPE_VLAN, TU_ETHERTYPE_PPPOE);
	tu_pppoe(p, 0x2a, tu_ppp_proto(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* DLT_PPP_ETHER: the PPPoE header without Ethernet. */
static void
f_ppp_ether(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_pppoe(p, 0x2a, tu_ppp_proto(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

static void
f_sll(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_sll(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* Linux cooked v1 with an 802.1Q tag left in. */
static void
f_sll_vlan(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_sll(p, TU_ETHERTYPE_VLAN);
	tu_vlan(p, 9, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

static void
f_sll2(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_sll2(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* DLT_NULL, address family arg from a little-endian host. */
static void
f_null_le(struct tu_pkt *p, int ipv, int arg)
{
	tu_null(p, (uint32_t)arg, false);
	tu_ip_tcp(p, ipv, NULL);
}

/* DLT_NULL, address family arg from a big-endian host. */
static void
f_null_be(struct tu_pkt *p, int ipv, int arg)
{
	tu_null(p, (uint32_t)arg, true);
	tu_ip_tcp(p, ipv, NULL);
}

/* DLT_LOOP, address family arg in network order. */
static void
f_loop(struct tu_pkt *p, int ipv, int arg)
{
	tu_loop(p, (uint32_t)arg);
	tu_ip_tcp(p, ipv, NULL);
}

/* PPP with address and control (FF 03). */
static void
f_ppp(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_ppp(p, true, tu_ppp_proto(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* PPP with address and control compressed away. */
static void
f_ppp_bare(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_ppp(p, false, tu_ppp_proto(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* PPP with FF 03 and a 1-byte protocol field. */
static void
f_ppp_pfc(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_ppp_pfc(p, true, (uint8_t)tu_ppp_proto(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* PPP with neither FF 03 nor a 2-byte protocol field. */
static void
f_ppp_pfc_bare(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_ppp_pfc(p, false, (uint8_t)tu_ppp_proto(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

static void
f_chdlc(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_chdlc(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

static void
f_fddi(struct tu_pkt *p, int ipv, int arg)
{
	(void)arg;
	tu_fddi(p);
	tu_llc_snap(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, NULL);
}

/* Ethernet, IPv4 header ip, default TCP segment. */
static void
eth_ipv4_tcp(struct tu_pkt *p, const struct tu_ipv4 *ip,
    const struct tu_tcp *tcp)
{
	tu_eth(p, TU_ETHERTYPE_IPV4);
	tu_ipv4(p, ip);
	tu_tcp(p, tcp);
	tu_end(p);
}

/* Ethernet, IPv6 header ip, default TCP segment. */
static void
eth_ipv6_tcp(struct tu_pkt *p, const struct tu_ipv6 *ip,
    const struct tu_tcp *tcp)
{
	tu_eth(p, TU_ETHERTYPE_IPV6);
	tu_ipv6(p, ip);
	tu_tcp(p, tcp);
	tu_end(p);
}

/* RFC 2113 router alert: IHL 6. */
static const uint8_t router_alert[4] = { 148, 4, 0, 0 };

static void
f_v4_router_alert(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	(void)arg;
	tu_ipv4_init(&ip);
	ip.opts = router_alert;
	ip.optlen = sizeof(router_alert);
	eth_ipv4_tcp(p, &ip, NULL);
}

/* Record route with room for 9 addresses, then EOL: IHL 15, the most. */
static void
f_v4_record_route(struct tu_pkt *p, int ipv, int arg)
{
	uint8_t		rr[40];
	struct tu_ipv4	ip;

	(void)ipv;
	(void)arg;
	memset(rr, 0, sizeof(rr));
	rr[0] = 7;
	rr[1] = 39;
	rr[2] = 4;
	tu_ipv4_init(&ip);
	ip.opts = rr;
	ip.optlen = sizeof(rr);
	eth_ipv4_tcp(p, &ip, NULL);
}

#define FRAG_MF	0x2000	/* in a fragment builder's arg: More Fragments */

/* arg: fragment offset in 8-byte units, | FRAG_MF. */
static void
f_v4_frag(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	tu_ipv4_init(&ip);
	ip.df = false;
	ip.mf = (arg & FRAG_MF) != 0;
	ip.frag_off = (uint16_t)(arg & 0x1fff);
	eth_ipv4_tcp(p, &ip, NULL);
}

/* A first fragment that carries options too. */
static void
f_v4_frag_options(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	(void)arg;
	tu_ipv4_init(&ip);
	ip.df = false;
	ip.mf = true;
	ip.opts = router_alert;
	ip.optlen = sizeof(router_alert);
	eth_ipv4_tcp(p, &ip, NULL);
}

/* IPv4 carrying protocol arg (a UDP datagram, or opaque bytes). */
static void
f_v4_proto(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	tu_ipv4_init(&ip);
	ip.proto = (uint8_t)arg;
	tu_eth(p, TU_ETHERTYPE_IPV4);
	tu_ipv4(p, &ip);
	if (arg == TU_IPPROTO_UDP)
		tu_udp(p, 5353, 5353, 20);
	else
		(void)tu_zero(p, 32);
	tu_end(p);
}

/* A middle fragment of a UDP datagram. */
static void
f_v4_udp_frag(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	(void)arg;
	tu_ipv4_init(&ip);
	ip.proto = TU_IPPROTO_UDP;
	ip.df = false;
	ip.mf = true;
	ip.frag_off = 185;
	tu_eth(p, TU_ETHERTYPE_IPV4);
	tu_ipv4(p, &ip);
	(void)tu_zero(p, 32);
	tu_end(p);
}

/* IPv4 whose IHL says arg words. */
static void
f_v4_ihl(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	tu_ipv4_init(&ip);
	ip.force_ihl = true;
	ip.ihl = (uint8_t)arg;
	eth_ipv4_tcp(p, &ip, NULL);
}

/* IPv4 with a router alert (IHL 6) whose total length says arg. */
static void
f_v4_totlen(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	tu_ipv4_init(&ip);
	ip.opts = router_alert;
	ip.optlen = sizeof(router_alert);
	ip.force_totlen = true;
	ip.totlen = (uint16_t)arg;
	eth_ipv4_tcp(p, &ip, NULL);
}

/* Ethertype IPv4, IPv4 header with version nibble arg. */
static void
f_v4_version(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	tu_ipv4_init(&ip);
	ip.version = (uint8_t)arg;
	eth_ipv4_tcp(p, &ip, NULL);
}

/* Ethertype IPv6, IPv6 header with version nibble arg. */
static void
f_v6_version(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv6 ip;

	(void)ipv;
	tu_ipv6_init(&ip);
	ip.version = (uint8_t)arg;
	eth_ipv6_tcp(p, &ip, NULL);
}

/* No link header, IPv4 header with version nibble arg. */
static void
f_ip_version(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv4 ip;

	(void)ipv;
	tu_ipv4_init(&ip);
	ip.version = (uint8_t)arg;
	tu_ipv4(p, &ip);
	tu_tcp(p, NULL);
	tu_end(p);
}

/* Ethernet, IP version ipv, TCP with data offset arg. */
static void
f_tcp_doff(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_tcp tcp;

	tu_tcp_init(&tcp);
	tcp.force_doff = true;
	tcp.doff = (uint8_t)arg;
	tu_eth(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, &tcp);
}

/* IPv6 whose payload length says arg. */
static void
f_v6_plen(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv6 ip;

	(void)ipv;
	tu_ipv6_init(&ip);
	ip.force_plen = true;
	ip.plen = (uint16_t)arg;
	eth_ipv6_tcp(p, &ip, NULL);
}

/* IPv6, a 32-byte hop-by-hop header, payload length arg. */
static void
f_v6_hop_plen(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv6 ip;

	(void)ipv;
	tu_ipv6_init(&ip);
	ip.ext[0].type = TU_IPPROTO_HOPOPTS;
	ip.ext[0].len = 3;
	ip.next = 1;
	ip.force_plen = true;
	ip.plen = (uint16_t)arg;
	eth_ipv6_tcp(p, &ip, NULL);
}

/* IPv6, one extension header of type arg (fragment: a first one). */
static void
f_v6_ext(struct tu_pkt *p, int ipv, int arg)
{
	struct tu_ipv6 ip;

	(void)ipv;
	tu_ipv6_init(&ip);
	ip.ext[0].type = (uint8_t)arg;
	ip.ext[0].len = arg == TU_IPPROTO_AH ? 4 : 1;
	ip.ext[0].frag_more = true;
	ip.next = 1;
	eth_ipv6_tcp(p, &ip, NULL);
}

/* PPPoE whose version/type byte is arg. */
static void
f_pppoe_vertype(struct tu_pkt *p, int ipv, int arg)
{
	f_pppoe(p, ipv, 0);
	p->data[TU_ETH_LEN] = (uint8_t)arg;
}

/* PPPoE whose code is arg (session data is 0). */
static void
f_pppoe_code(struct tu_pkt *p, int ipv, int arg)
{
	f_pppoe(p, ipv, 0);
	p->data[TU_ETH_LEN + 1] = (uint8_t)arg;
}

/* An ARP request body. */
static void
arp_body(struct tu_pkt *p)
{
	(void)tu_be16(p, 1);			/* Ethernet */
	(void)tu_be16(p, TU_ETHERTYPE_IPV4);
	(void)tu_u8(p, 6);
	(void)tu_u8(p, 4);
	(void)tu_be16(p, 1);			/* request */
	(void)tu_zero(p, 20);			/* addresses */
}

/* ARP behind arg 802.1Q tags. */
static void
f_arp(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	tu_eth_vlans(p, (unsigned)arg, TU_ETHERTYPE_VLAN, TU_ETHERTYPE_ARP);
	arp_body(p);
}

/* PPPoE discovery (PADI). */
static void
f_pppoe_disc(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	(void)arg;
	tu_eth(p, TU_ETHERTYPE_PPPOE_DISC);
	(void)tu_u8(p, 0x11);
	(void)tu_u8(p, 0x09);
	(void)tu_be16(p, 0);
	(void)tu_be16(p, 4);
	(void)tu_be32(p, 0x01010000);		/* Service-Name, empty */
}

/* A spanning-tree BPDU: 802.3, LLC 42 42 03, no SNAP. */
static void
f_stp(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	(void)arg;
	tu_eth_8023(p);
	tu_llc(p, 0x42, 0x42, 0x03);
	(void)tu_zero(p, 35);
	tu_end(p);
}

/* ARP in 802.3 LLC/SNAP. */
static void
f_snap_arp(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	(void)arg;
	tu_eth_8023(p);
	tu_llc_snap(p, TU_ETHERTYPE_ARP);
	arp_body(p);
	tu_end(p);
}

/* An LCP echo request; arg: with FF 03. */
static void
f_ppp_lcp(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	tu_ppp(p, arg != 0, TU_PPP_LCP);
	(void)tu_be32(p, 0x09010008);
	(void)tu_be32(p, 0x12345678);
}

static void
f_pppoe_lcp(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	(void)arg;
	tu_eth(p, TU_ETHERTYPE_PPPOE);
	tu_pppoe(p, 0x2a, TU_PPP_LCP);
	(void)tu_be32(p, 0x09010008);
	(void)tu_be32(p, 0x12345678);
	tu_end(p);
}

/* MPLS carrying an Ethernet pseudowire control word: not IP. */
static void
f_mpls_pw(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	(void)arg;
	tu_eth(p, TU_ETHERTYPE_MPLS);
	tu_mpls(p, 2, 100);
	(void)tu_be32(p, 0);			/* control word */
	tu_eth(p, TU_ETHERTYPE_ARP);
	arp_body(p);
}

/* Linux cooked v1 with protocol arg and an ARP body. */
static void
f_sll_proto(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	tu_sll(p, (uint16_t)arg);
	arp_body(p);
}

/* Linux cooked v2 with protocol arg and an ARP body. */
static void
f_sll2_proto(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	tu_sll2(p, (uint16_t)arg);
	arp_body(p);
}

/* A Cisco SLARP keepalive. */
static void
f_chdlc_slarp(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	(void)arg;
	tu_chdlc(p, TU_ETHERTYPE_SLARP);
	(void)tu_be32(p, 2);			/* keepalive */
	(void)tu_zero(p, 14);
}

/* FDDI carrying a BPDU in plain LLC. */
static void
f_fddi_stp(struct tu_pkt *p, int ipv, int arg)
{
	(void)ipv;
	(void)arg;
	tu_fddi(p);
	tu_llc(p, 0x42, 0x42, 0x03);
	(void)tu_zero(p, 35);
}

/*
 * Frames that decode to the default TCP segment, one per link type and
 * link-header variant.
 */
struct frame_case {
	const char		*name;
	enum decode_link	 link;
	int			 ipv;
	build_fn		 build;
	int			 arg;
};

static const struct frame_case link_cases[] = {
	{ "ethernet ipv4", LINK_ETHERNET, 4, f_eth, 0 },
	{ "ethernet ipv6", LINK_ETHERNET, 6, f_eth, 0 },
	{ "802.1q ipv4", LINK_ETHERNET, 4, f_vlan, 1 },
	{ "802.1q ipv6", LINK_ETHERNET, 6, f_vlan, 1 },
	{ "802.1ad+802.1q ipv4", LINK_ETHERNET, 4, f_qinq, 2 },
	{ "802.3 llc/snap ipv4", LINK_ETHERNET, 4, f_8023, 0 },
	{ "802.3 llc/snap ipv6", LINK_ETHERNET, 6, f_8023, 0 },
	{ "802.1q 802.3 llc/snap ipv4", LINK_ETHERNET, 4, f_vlan_8023, 0 },
	{ "mpls ipv4", LINK_ETHERNET, 4, f_mpls, 1 },
	{ "mpls ipv6", LINK_ETHERNET, 6, f_mpls, 1 },
	{ "pppoe ipv4", LINK_ETHERNET, 4, f_pppoe, 0 },
	{ "pppoe ipv6", LINK_ETHERNET, 6, f_pppoe, 0 },
	{ "802.1q pppoe ipv4", LINK_ETHERNET, 4, f_vlan_pppoe, 0 },
	{ "linux sll ipv4", LINK_SLL, 4, f_sll, 0 },
	{ "linux sll ipv6", LINK_SLL, 6, f_sll, 0 },
	{ "linux sll 802.1q ipv4", LINK_SLL, 4, f_sll_vlan, 0 },
	{ "linux sll2 ipv4", LINK_SLL2, 4, f_sll2, 0 },
	{ "linux sll2 ipv6", LINK_SLL2, 6, f_sll2, 0 },
	{ "null le af_inet", LINK_NULL, 4, f_null_le, TU_AF_INET },
	{ "null be af_inet", LINK_NULL, 4, f_null_be, TU_AF_INET },
	{ "null le af_inet6 linux", LINK_NULL, 6, f_null_le,
	    TU_AF_INET6_LINUX },
	{ "null le af_inet6 winsock", LINK_NULL, 6, f_null_le,
	    TU_AF_INET6_WINSOCK },
	{ "null le af_inet6 bsd", LINK_NULL, 6, f_null_le, TU_AF_INET6_BSD },
	{ "null le af_inet6 freebsd", LINK_NULL, 6, f_null_le,
	    TU_AF_INET6_FREEBSD },
	{ "null le af_inet6 darwin", LINK_NULL, 6, f_null_le,
	    TU_AF_INET6_DARWIN },
	{ "null be af_inet6 linux", LINK_NULL, 6, f_null_be,
	    TU_AF_INET6_LINUX },
	{ "null be af_inet6 bsd", LINK_NULL, 6, f_null_be, TU_AF_INET6_BSD },
	{ "null be af_inet6 freebsd", LINK_NULL, 6, f_null_be,
	    TU_AF_INET6_FREEBSD },
	{ "null be af_inet6 darwin", LINK_NULL, 6, f_null_be,
	    TU_AF_INET6_DARWIN },
	{ "loop af_inet", LINK_LOOP, 4, f_loop, TU_AF_INET },
	{ "loop af_inet6 bsd", LINK_LOOP, 6, f_loop, TU_AF_INET6_BSD },
	{ "loop af_inet6 freebsd", LINK_LOOP, 6, f_loop, TU_AF_INET6_FREEBSD },
	{ "loop af_inet6 darwin", LINK_LOOP, 6, f_loop, TU_AF_INET6_DARWIN },
	{ "raw ipv4", LINK_RAW, 4, f_ip, 0 },
	{ "raw ipv6", LINK_RAW, 6, f_ip, 0 },
	{ "ipv4", LINK_IPV4, 4, f_ip, 0 },
	{ "ipv6", LINK_IPV6, 6, f_ip, 0 },
	{ "ppp ff03 ipv4", LINK_PPP, 4, f_ppp, 0 },
	{ "ppp ff03 ipv6", LINK_PPP, 6, f_ppp, 0 },
	{ "ppp no ff03 ipv4", LINK_PPP, 4, f_ppp_bare, 0 },
	{ "ppp no ff03 ipv6", LINK_PPP, 6, f_ppp_bare, 0 },
	{ "ppp ff03 1-byte protocol ipv4", LINK_PPP, 4, f_ppp_pfc, 0 },
	{ "ppp 1-byte protocol ipv6", LINK_PPP, 6, f_ppp_pfc_bare, 0 },
	{ "ppp_ether ipv4", LINK_PPP_ETHER, 4, f_ppp_ether, 0 },
	{ "ppp_ether ipv6", LINK_PPP_ETHER, 6, f_ppp_ether, 0 },
	{ "cisco hdlc ipv4", LINK_C_HDLC, 4, f_chdlc, 0 },
	{ "cisco hdlc ipv6", LINK_C_HDLC, 6, f_chdlc, 0 },
	{ "fddi ipv4", LINK_FDDI, 4, f_fddi, 0 },
	{ "fddi ipv6", LINK_FDDI, 6, f_fddi, 0 },
};

static const struct frame_case vlan_cases[] = {
	{ "802.1q x1", LINK_ETHERNET, 4, f_vlan, 1 },
	{ "802.1q x2", LINK_ETHERNET, 6, f_vlan, 2 },
	{ "802.1q x3", LINK_ETHERNET, 4, f_vlan, 3 },
	{ "802.1q x4", LINK_ETHERNET, 6, f_vlan, 4 },
	{ "802.1ad x1", LINK_ETHERNET, 4, f_qinq, 1 },
	{ "qinq 802.1ad+802.1q", LINK_ETHERNET, 4, f_qinq, 2 },
	{ "qinq 802.1ad+802.1q ipv6", LINK_ETHERNET, 6, f_qinq, 2 },
	{ "qinq 802.1ad x2+802.1q", LINK_ETHERNET, 4, f_qinq, 3 },
	{ "qinq 802.1ad x3+802.1q", LINK_ETHERNET, 6, f_qinq, 4 },
	{ "qinq 0x9100+802.1q", LINK_ETHERNET, 4, f_qinq_old, 2 },
	{ "qinq 0x9100 x2+802.1q", LINK_ETHERNET, 6, f_qinq_old, 3 },
};

static const struct frame_case mpls_cases[] = {
	{ "mpls 1 label ipv4", LINK_ETHERNET, 4, f_mpls, 1 },
	{ "mpls 2 labels ipv4", LINK_ETHERNET, 4, f_mpls, 2 },
	{ "mpls 3 labels ipv4", LINK_ETHERNET, 4, f_mpls, 3 },
	{ "mpls 1 label ipv6", LINK_ETHERNET, 6, f_mpls, 1 },
	{ "mpls 2 labels ipv6", LINK_ETHERNET, 6, f_mpls, 2 },
	{ "mpls 3 labels ipv6", LINK_ETHERNET, 6, f_mpls, 3 },
};

static void
check_frame_ok(const struct frame_case *c)
{
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;
	uint8_t			*buf;
	size_t			 ip_off;

	tu_pkt_init(&p);
	c->build(&p, c->ipv, c->arg);
	ip_off = p.len - (ip_hdr_len(c->ipv) + TU_TCP_LEN + TU_PAYLOAD_LEN);
	r = decode_all(c->link, &p, &seg, &buf);
	ck_assert_msg(r == DECODE_OK, "%s: %s at %s", c->name,
	    decode_result_name(r), decode_layer_name(seg.layer));
	assert_default_tcp(c->name, &seg, c->ipv, 0);
	ck_assert(!seg.ip_first_frag);
	ck_assert_ptr_eq(seg.ip_hdr, buf + ip_off);
	ck_assert_ptr_eq(seg.payload, buf + p.len - TU_PAYLOAD_LEN);
	free(buf);
}

START_TEST(test_link)
{
	check_frame_ok(&link_cases[_i]);
}
END_TEST

START_TEST(test_vlan)
{
	check_frame_ok(&vlan_cases[_i]);
}
END_TEST

START_TEST(test_mpls)
{
	check_frame_ok(&mpls_cases[_i]);
}
END_TEST

/* Every field of struct tcpfsm_seg but ts and frame, by place and size. */
#define SEG_FIELD(f)	{ #f, offsetof(struct tcpfsm_seg, f), \
			    sizeof(((struct tcpfsm_seg *)NULL)->f) }

static const struct {
	const char	*name;
	size_t		 off;
	size_t		 size;
} seg_fields[] = {
	SEG_FIELD(ipv), SEG_FIELD(ttl), SEG_FIELD(ip_first_frag),
	SEG_FIELD(ip_len_guessed), SEG_FIELD(ip_len_over_frame),
	SEG_FIELD(hdr_truncated), SEG_FIELD(src), SEG_FIELD(dst),
	SEG_FIELD(sport), SEG_FIELD(dport), SEG_FIELD(seq), SEG_FIELD(ack),
	SEG_FIELD(flags), SEG_FIELD(win), SEG_FIELD(urp), SEG_FIELD(cksum),
	SEG_FIELD(hdr_len), SEG_FIELD(ip_len), SEG_FIELD(payload_len),
	SEG_FIELD(payload_caplen), SEG_FIELD(payload), SEG_FIELD(ip_hdr),
	SEG_FIELD(ip_caplen), SEG_FIELD(opt.present), SEG_FIELD(opt.bad),
	SEG_FIELD(opt.bad_kind), SEG_FIELD(opt.mss), SEG_FIELD(opt.wscale),
	SEG_FIELD(opt.nsack), SEG_FIELD(opt.tfo_len), SEG_FIELD(opt.nopts),
	SEG_FIELD(opt.tsval), SEG_FIELD(opt.tsecr), SEG_FIELD(opt.sack),
	SEG_FIELD(layer),
};

/*
 * "On DECODE_OK every field of *seg except ts and frame is set": decoding
 * into a segment of all zero bytes and one of all 0xff bytes gives the
 * same fields.
 */
START_TEST(test_link_sets_every_field)
{
	const struct frame_case	*c = &link_cases[_i];
	struct tu_pkt		 p;
	struct tcpfsm_seg	 a, b;
	uint8_t			*buf;
	const uint8_t		*pa = (const uint8_t *)&a;
	const uint8_t		*pb = (const uint8_t *)&b;
	size_t			 i;

	tu_pkt_init(&p);
	c->build(&p, c->ipv, c->arg);
	buf = tu_dup(&p, p.len);
	memset(&a, 0, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	ck_assert_int_eq(decode_frame(c->link, buf, (uint32_t)p.len,
	    (uint32_t)p.len, &a), DECODE_OK);
	ck_assert_int_eq(decode_frame(c->link, buf, (uint32_t)p.len,
	    (uint32_t)p.len, &b), DECODE_OK);
	for (i = 0; i < NITEMS(seg_fields); i++)
		ck_assert_msg(memcmp(pa + seg_fields[i].off,
		    pb + seg_fields[i].off, seg_fields[i].size) == 0,
		    "%s: seg.%s left unset", c->name, seg_fields[i].name);
	free(buf);
}
END_TEST

/* A frame whose decode ends in a known result, at a known layer. */
struct result_case {
	const char		*name;
	enum decode_link	 link;
	int			 ipv;
	build_fn		 build;
	int			 arg;
	enum decode_result	 result;
	enum decode_layer	 layer;		/* LAYER_TCP for DECODE_OK */
	bool			 first_frag;	/* DECODE_OK: ip_first_frag */
};

static const struct result_case ipv4_cases[] = {
	{ "router alert option (ihl 6)", LINK_ETHERNET, 4,
	    f_v4_router_alert, 0, DECODE_OK, LAYER_TCP, false },
	{ "record route option (ihl 15)", LINK_ETHERNET, 4,
	    f_v4_record_route, 0, DECODE_OK, LAYER_TCP, false },
	{ "not fragmented, no df", LINK_ETHERNET, 4, f_v4_frag, 0,
	    DECODE_OK, LAYER_TCP, false },
	{ "first fragment", LINK_ETHERNET, 4, f_v4_frag, FRAG_MF,
	    DECODE_OK, LAYER_TCP, true },
	{ "first fragment with options", LINK_ETHERNET, 4, f_v4_frag_options,
	    0, DECODE_OK, LAYER_TCP, true },
	{ "middle fragment", LINK_ETHERNET, 4, f_v4_frag, FRAG_MF | 185,
	    DECODE_FRAGMENT, LAYER_IPV4, false },
	{ "last fragment", LINK_ETHERNET, 4, f_v4_frag, 185,
	    DECODE_FRAGMENT, LAYER_IPV4, false },
	{ "fragment at offset 8", LINK_ETHERNET, 4, f_v4_frag, FRAG_MF | 1,
	    DECODE_FRAGMENT, LAYER_IPV4, false },
	{ "largest fragment offset", LINK_ETHERNET, 4, f_v4_frag, 0x1fff,
	    DECODE_FRAGMENT, LAYER_IPV4, false },
	{ "udp", LINK_ETHERNET, 4, f_v4_proto, TU_IPPROTO_UDP,
	    DECODE_NOT_TCP, LAYER_IPV4, false },
	{ "icmp", LINK_ETHERNET, 4, f_v4_proto, TU_IPPROTO_ICMP,
	    DECODE_NOT_TCP, LAYER_IPV4, false },
	{ "esp", LINK_ETHERNET, 4, f_v4_proto, TU_IPPROTO_ESP,
	    DECODE_NOT_TCP, LAYER_IPV4, false },
	{ "middle fragment of udp", LINK_ETHERNET, 4, f_v4_udp_frag, 0,
	    DECODE_FRAGMENT, LAYER_IPV4, false },
};

static const struct result_case notip_cases[] = {
	{ "ethernet arp", LINK_ETHERNET, 4, f_arp, 0,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "802.1q arp", LINK_ETHERNET, 4, f_arp, 1,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "pppoe discovery", LINK_ETHERNET, 4, f_pppoe_disc, 0,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "802.3 stp (llc, no snap)", LINK_ETHERNET, 4, f_stp, 0,
	    DECODE_NOT_IP, LAYER_LLC, false },
	{ "802.3 llc/snap arp", LINK_ETHERNET, 4, f_snap_arp, 0,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "pppoe lcp", LINK_ETHERNET, 4, f_pppoe_lcp, 0,
	    DECODE_NOT_IP, LAYER_PPP, false },
	{ "mpls pseudowire", LINK_ETHERNET, 4, f_mpls_pw, 0,
	    DECODE_NOT_IP, LAYER_MPLS, false },
	{ "ppp ff03 lcp", LINK_PPP, 4, f_ppp_lcp, 1,
	    DECODE_NOT_IP, LAYER_PPP, false },
	{ "ppp lcp", LINK_PPP, 4, f_ppp_lcp, 0,
	    DECODE_NOT_IP, LAYER_PPP, false },
	{ "null af 7", LINK_NULL, 4, f_null_le, 7,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "loop af 17", LINK_LOOP, 4, f_loop, 17,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "linux sll arp", LINK_SLL, 4, f_sll_proto, TU_ETHERTYPE_ARP,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "linux sll 802.2", LINK_SLL, 4, f_sll_proto, 0x0004,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "linux sll2 arp", LINK_SLL2, 4, f_sll2_proto, TU_ETHERTYPE_ARP,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "cisco hdlc slarp", LINK_C_HDLC, 4, f_chdlc_slarp, 0,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "fddi stp", LINK_FDDI, 4, f_fddi_stp, 0,
	    DECODE_NOT_IP, LAYER_LLC, false },
	/* DLT_RAW is told IPv4 from IPv6 by the version nibble alone. */
	{ "raw, version 5", LINK_RAW, 4, f_ip_version, 5,
	    DECODE_NOT_IP, LAYER_LINK, false },
	{ "unknown link type", LINK_NLINKS, 4, f_eth, 0,
	    DECODE_NOT_IP, LAYER_LINK, false },
};

static const struct result_case malformed_cases[] = {
	{ "ipv4 ihl 4", LINK_ETHERNET, 4, f_v4_ihl, 4,
	    DECODE_MALFORMED, LAYER_IPV4, false },
	{ "ipv4 ihl 0", LINK_ETHERNET, 4, f_v4_ihl, 0,
	    DECODE_MALFORMED, LAYER_IPV4, false },
	{ "ipv4 total length 19", LINK_ETHERNET, 4, f_v4_totlen, 19,
	    DECODE_MALFORMED, LAYER_IPV4, false },
	{ "ipv4 total length 23 < ihl 6", LINK_ETHERNET, 4, f_v4_totlen, 23,
	    DECODE_MALFORMED, LAYER_IPV4, false },
	{ "ipv4 ethertype, version 6", LINK_ETHERNET, 4, f_v4_version, 6,
	    DECODE_MALFORMED, LAYER_IPV4, false },
	{ "ipv4 ethertype, version 5", LINK_ETHERNET, 4, f_v4_version, 5,
	    DECODE_MALFORMED, LAYER_IPV4, false },
	{ "ipv6 ethertype, version 4", LINK_ETHERNET, 6, f_v6_version, 4,
	    DECODE_MALFORMED, LAYER_IPV6, false },
	{ "dlt ipv4, version 0", LINK_IPV4, 4, f_ip_version, 0,
	    DECODE_MALFORMED, LAYER_IPV4, false },
	{ "dlt ipv6, version 4", LINK_IPV6, 4, f_ip_version, 4,
	    DECODE_MALFORMED, LAYER_IPV6, false },
	{ "tcp data offset 4", LINK_ETHERNET, 4, f_tcp_doff, 4,
	    DECODE_MALFORMED, LAYER_TCP, false },
	{ "tcp data offset 0", LINK_ETHERNET, 6, f_tcp_doff, 0,
	    DECODE_MALFORMED, LAYER_TCP, false },
	/* 12 payload bytes: 32 bytes of TCP per the IP length. */
	{ "tcp data offset 9 > ipv4 length", LINK_ETHERNET, 4, f_tcp_doff, 9,
	    DECODE_MALFORMED, LAYER_TCP, false },
	{ "tcp data offset 15 > ipv6 length", LINK_ETHERNET, 6, f_tcp_doff,
	    15, DECODE_MALFORMED, LAYER_TCP, false },
	{ "ipv4 length leaves 19 bytes of tcp", LINK_ETHERNET, 4,
	    f_v4_totlen, 24 + 19, DECODE_MALFORMED, LAYER_TCP, false },
	{ "ipv6 length leaves 10 bytes of tcp", LINK_ETHERNET, 6, f_v6_plen,
	    10, DECODE_MALFORMED, LAYER_TCP, false },
	{ "ipv6 hop-by-hop longer than the payload", LINK_ETHERNET, 6,
	    f_v6_hop_plen, 24, DECODE_MALFORMED, LAYER_IPV6_EXT, false },
	{ "ipv6 payload length 4, hop-by-hop", LINK_ETHERNET, 6,
	    f_v6_hop_plen, 4, DECODE_MALFORMED, LAYER_IPV6_EXT, false },
	{ "pppoe version 2", LINK_ETHERNET, 4, f_pppoe_vertype, 0x21,
	    DECODE_MALFORMED, LAYER_PPP, false },
	{ "pppoe code padi", LINK_ETHERNET, 4, f_pppoe_code, 0x09,
	    DECODE_MALFORMED, LAYER_PPP, false },
};

static void
check_result(const struct result_case *c)
{
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;
	uint8_t			*buf;

	tu_pkt_init(&p);
	c->build(&p, c->ipv, c->arg);
	r = decode_all(c->link, &p, &seg, &buf);
	ck_assert_msg(r == c->result, "%s: %s at %s, want %s", c->name,
	    decode_result_name(r), decode_layer_name(seg.layer),
	    decode_result_name(c->result));
	ck_assert_msg(seg.layer == c->layer, "%s: at %s, want %s", c->name,
	    decode_layer_name(seg.layer), decode_layer_name(c->layer));
	if (r == DECODE_OK) {
		ck_assert_uint_eq(seg.sport, TU_SPORT);
		ck_assert_uint_eq(seg.seq, TU_SEQ);
		ck_assert_uint_eq(seg.ack, TU_ACK);
		ck_assert_uint_eq(seg.payload_len, TU_PAYLOAD_LEN);
		ck_assert_ptr_eq(seg.payload, buf + p.len - TU_PAYLOAD_LEN);
		ck_assert_msg(seg.ip_first_frag == c->first_frag,
		    "%s: ip_first_frag %d", c->name, seg.ip_first_frag);
	}
	free(buf);
}

START_TEST(test_ipv4)
{
	check_result(&ipv4_cases[_i]);
}
END_TEST

START_TEST(test_not_ip)
{
	check_result(&notip_cases[_i]);
}
END_TEST

START_TEST(test_malformed)
{
	check_result(&malformed_cases[_i]);
}
END_TEST

/* IPv6 extension-header chains (RFC 8200 §4). */
struct ext_case {
	const char		*name;
	struct tu_ip6ext	 ext[3];
	size_t			 next;
	uint8_t			 nh;		/* after the chain */
	enum decode_result	 result;
	enum decode_layer	 layer;
	bool			 first_frag;
};

#define EXT_NONE	{ 0, 0, 0, false }
#define EXT_HOP		{ TU_IPPROTO_HOPOPTS, 0, 0, false }
#define EXT_HOP16	{ TU_IPPROTO_HOPOPTS, 1, 0, false }
#define EXT_ROUTING	{ TU_IPPROTO_ROUTING, 2, 0, false }
#define EXT_DST		{ TU_IPPROTO_DSTOPTS, 0, 0, false }
#define EXT_AH		{ TU_IPPROTO_AH, 4, 0, false }	/* 12-byte ICV */
#define EXT_FRAG(off, more) { TU_IPPROTO_FRAGMENT, 0, off, more }

static const struct ext_case ext_cases[] = {
	{ "hop-by-hop", { EXT_HOP }, 1, TU_IPPROTO_TCP,
	    DECODE_OK, LAYER_TCP, false },
	{ "hop-by-hop 16 bytes", { EXT_HOP16 }, 1, TU_IPPROTO_TCP,
	    DECODE_OK, LAYER_TCP, false },
	{ "routing", { EXT_ROUTING }, 1, TU_IPPROTO_TCP,
	    DECODE_OK, LAYER_TCP, false },
	{ "destination options", { EXT_DST }, 1, TU_IPPROTO_TCP,
	    DECODE_OK, LAYER_TCP, false },
	{ "hop-by-hop, routing, destination", { EXT_HOP, EXT_ROUTING,
	    EXT_DST }, 3, TU_IPPROTO_TCP, DECODE_OK, LAYER_TCP, false },
	{ "ah", { EXT_AH }, 1, TU_IPPROTO_TCP,
	    DECODE_OK, LAYER_TCP, false },
	{ "hop-by-hop, ah, destination", { EXT_HOP, EXT_AH, EXT_DST }, 3,
	    TU_IPPROTO_TCP, DECODE_OK, LAYER_TCP, false },
	{ "first fragment", { EXT_FRAG(0, true) }, 1, TU_IPPROTO_TCP,
	    DECODE_OK, LAYER_TCP, true },
	{ "atomic fragment", { EXT_FRAG(0, false) }, 1, TU_IPPROTO_TCP,
	    DECODE_OK, LAYER_TCP, false },
	{ "hop-by-hop, first fragment, destination", { EXT_HOP,
	    EXT_FRAG(0, true), EXT_DST }, 3, TU_IPPROTO_TCP,
	    DECODE_OK, LAYER_TCP, true },
	{ "middle fragment", { EXT_FRAG(185, true) }, 1, TU_IPPROTO_TCP,
	    DECODE_FRAGMENT, LAYER_IPV6_EXT, false },
	{ "last fragment", { EXT_FRAG(185, false) }, 1, TU_IPPROTO_TCP,
	    DECODE_FRAGMENT, LAYER_IPV6_EXT, false },
	{ "hop-by-hop, fragment at offset 8", { EXT_HOP, EXT_FRAG(1, true) },
	    2, TU_IPPROTO_TCP, DECODE_FRAGMENT, LAYER_IPV6_EXT, false },
	{ "middle fragment of udp", { EXT_FRAG(185, true) }, 1,
	    TU_IPPROTO_UDP, DECODE_FRAGMENT, LAYER_IPV6_EXT, false },
	{ "esp", { EXT_NONE }, 0, TU_IPPROTO_ESP,
	    DECODE_NOT_TCP, LAYER_IPV6, false },
	{ "hop-by-hop, esp", { EXT_HOP }, 1, TU_IPPROTO_ESP,
	    DECODE_NOT_TCP, LAYER_IPV6, false },
	{ "no next header", { EXT_NONE }, 0, TU_IPPROTO_NONE,
	    DECODE_NOT_TCP, LAYER_IPV6, false },
	{ "destination, no next header", { EXT_DST }, 1, TU_IPPROTO_NONE,
	    DECODE_NOT_TCP, LAYER_IPV6, false },
	{ "udp", { EXT_NONE }, 0, TU_IPPROTO_UDP,
	    DECODE_NOT_TCP, LAYER_IPV6, false },
	{ "hop-by-hop, udp", { EXT_HOP }, 1, TU_IPPROTO_UDP,
	    DECODE_NOT_TCP, LAYER_IPV6, false },
	{ "icmpv6", { EXT_NONE }, 0, TU_IPPROTO_ICMPV6,
	    DECODE_NOT_TCP, LAYER_IPV6, false },
};

static void
ext_build(const struct ext_case *c, struct tu_pkt *p)
{
	struct tu_ipv6	ip;
	size_t		i;

	tu_ipv6_init(&ip);
	for (i = 0; i < c->next; i++)
		ip.ext[i] = c->ext[i];
	ip.next = c->next;
	ip.nh = c->nh;
	tu_eth(p, TU_ETHERTYPE_IPV6);
	tu_ipv6(p, &ip);
	if (c->nh == TU_IPPROTO_TCP)
		tu_tcp(p, NULL);
	else if (c->nh == TU_IPPROTO_UDP)
		tu_udp(p, 5353, 5353, 20);
	else
		(void)tu_zero(p, 32);		/* ESP, ICMPv6: opaque here */
	tu_end(p);
}

/* Bytes the chain of c takes. */
static size_t
ext_chain_len(const struct ext_case *c)
{
	size_t	i, n = 0;

	for (i = 0; i < c->next; i++) {
		if (c->ext[i].type == TU_IPPROTO_FRAGMENT)
			n += 8;
		else if (c->ext[i].type == TU_IPPROTO_AH)
			n += ((size_t)c->ext[i].len + 2) * 4;
		else
			n += ((size_t)c->ext[i].len + 1) * 8;
	}
	return (n);
}

START_TEST(test_ipv6_ext)
{
	const struct ext_case	*c = &ext_cases[_i];
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;
	uint8_t			*buf;

	tu_pkt_init(&p);
	ext_build(c, &p);
	r = decode_all(LINK_ETHERNET, &p, &seg, &buf);
	ck_assert_msg(r == c->result, "%s: %s at %s, want %s", c->name,
	    decode_result_name(r), decode_layer_name(seg.layer),
	    decode_result_name(c->result));
	ck_assert_msg(seg.layer == c->layer, "%s: at %s, want %s", c->name,
	    decode_layer_name(seg.layer), decode_layer_name(c->layer));
	if (r == DECODE_OK) {
		assert_default_tcp(c->name, &seg, 6, ext_chain_len(c));
		ck_assert_msg(seg.ip_first_frag == c->first_frag,
		    "%s: ip_first_frag %d", c->name, seg.ip_first_frag);
		ck_assert_ptr_eq(seg.payload, buf + p.len - TU_PAYLOAD_LEN);
	}
	free(buf);
}
END_TEST

/* IP versions, for the length tests that run over both. */
static const int ipvs[] = { 4, 6 };

/* A snaplen cut inside the payload: payload_len still per the IP length. */
START_TEST(test_payload_len_from_ip)
{
	int			 ipv = ipvs[_i];
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;
	size_t			 hdrs = TU_ETH_LEN + ip_hdr_len(ipv) + TU_TCP_LEN;

	tu_tcp_init(&tcp);
	tcp.payload_len = 100;
	tu_pkt_init(&p);
	tu_eth(&p, tu_ethertype(ipv));
	tu_ip_tcp(&p, ipv, &tcp);
	ck_assert_int_eq(decode_cut(LINK_ETHERNET, &p, hdrs + 30, p.len, &seg,
	    &buf), DECODE_OK);
	ck_assert_uint_eq(seg.payload_len, 100);
	ck_assert_uint_eq(seg.payload_caplen, 30);
	ck_assert_ptr_eq(seg.payload, buf + hdrs);
	ck_assert_uint_eq(seg.ip_len, ip_hdr_len(ipv) + TU_TCP_LEN + 100);
	ck_assert_uint_eq(seg.ip_caplen, ip_hdr_len(ipv) + TU_TCP_LEN + 30);
	ck_assert(!seg.ip_len_over_frame);
	ck_assert(!seg.hdr_truncated);
	free(buf);

	/* Headers only: the payload is all missing, and still counted. */
	ck_assert_int_eq(decode_cut(LINK_ETHERNET, &p, hdrs, p.len, &seg,
	    &buf), DECODE_OK);
	ck_assert_uint_eq(seg.payload_len, 100);
	ck_assert_uint_eq(seg.payload_caplen, 0);
	free(buf);
}
END_TEST

/* Ethernet pads short frames: the bytes past the IP length are not TCP. */
START_TEST(test_ethernet_padding)
{
	int			 ipv = ipvs[_i];
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;
	size_t			 iplen = ip_hdr_len(ipv) + TU_TCP_LEN;

	tu_tcp_init(&tcp);
	tcp.flags = TCPF_SYN;
	tcp.payload_len = 0;
	tu_pkt_init(&p);
	tu_eth(&p, tu_ethertype(ipv));
	tu_ip_tcp(&p, ipv, &tcp);
	/* Up to Ethernet's 60-byte minimum; IPv6 is longer: 8 trailer bytes. */
	(void)tu_zero(&p, p.len < 60 ? 60 - p.len : 8);
	ck_assert_int_eq(decode_all(LINK_ETHERNET, &p, &seg, &buf), DECODE_OK);
	ck_assert_uint_eq(seg.ip_len, iplen);
	ck_assert_uint_eq(seg.ip_caplen, iplen);
	ck_assert_uint_eq(seg.payload_len, 0);
	ck_assert_uint_eq(seg.payload_caplen, 0);
	ck_assert_uint_eq(seg.flags, TCPF_SYN);
	ck_assert(!seg.ip_len_over_frame);
	ck_assert(!seg.ip_len_guessed);
	free(buf);
}
END_TEST

/* IPv4 total length 0, as captures on a TSO sender show. */
START_TEST(test_ipv4_tso_len0)
{
	struct tu_pkt		 p;
	struct tu_ipv4		 ip;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;
	size_t			 hdrs = TU_ETH_LEN + TU_IPV4_LEN + TU_TCP_LEN;

	tu_ipv4_init(&ip);
	ip.force_totlen = true;
	ip.totlen = 0;
	tu_tcp_init(&tcp);
	tcp.payload_len = 3000;
	tu_pkt_init(&p);
	eth_ipv4_tcp(&p, &ip, &tcp);
	ck_assert_int_eq(decode_all(LINK_ETHERNET, &p, &seg, &buf), DECODE_OK);
	ck_assert(seg.ip_len_guessed);
	ck_assert(!seg.ip_len_over_frame);
	ck_assert_uint_eq(seg.ip_len, TU_IPV4_LEN + TU_TCP_LEN + 3000);
	ck_assert_uint_eq(seg.payload_len, 3000);
	ck_assert_uint_eq(seg.payload_caplen, 3000);
	free(buf);

	/* Cut by a snaplen of 96: the length comes from the wire length. */
	ck_assert_int_eq(decode_cut(LINK_ETHERNET, &p, 96, p.len, &seg, &buf),
	    DECODE_OK);
	ck_assert(seg.ip_len_guessed);
	ck_assert_uint_eq(seg.ip_len, TU_IPV4_LEN + TU_TCP_LEN + 3000);
	ck_assert_uint_eq(seg.payload_len, 3000);
	ck_assert_uint_eq(seg.payload_caplen, 96 - hdrs);
	free(buf);
}
END_TEST

/* IPv6 payload length 0 (TSO, or a jumbogram): the frame length is used. */
START_TEST(test_ipv6_plen0)
{
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;

	tu_pkt_init(&p);
	f_v6_plen(&p, 6, 0);
	ck_assert_int_eq(decode_all(LINK_ETHERNET, &p, &seg, &buf), DECODE_OK);
	ck_assert(seg.ip_len_guessed);
	ck_assert_uint_eq(seg.ip_len, TU_IPV6_LEN + TU_TCP_LEN +
	    TU_PAYLOAD_LEN);
	ck_assert_uint_eq(seg.payload_len, TU_PAYLOAD_LEN);
	free(buf);
}
END_TEST

/* An IP length beyond the frame's wire length is kept, and flagged. */
START_TEST(test_ip_len_over_frame)
{
	int			 ipv = ipvs[_i];
	struct tu_pkt		 p;
	struct tu_ipv4		 ip4;
	struct tu_ipv6		 ip6;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;

	tu_pkt_init(&p);
	if (ipv == 4) {
		tu_ipv4_init(&ip4);
		ip4.force_totlen = true;
		ip4.totlen = TU_IPV4_LEN + TU_TCP_LEN + TU_PAYLOAD_LEN + 100;
		eth_ipv4_tcp(&p, &ip4, NULL);
	} else {
		tu_ipv6_init(&ip6);
		ip6.force_plen = true;
		ip6.plen = TU_TCP_LEN + TU_PAYLOAD_LEN + 100;
		eth_ipv6_tcp(&p, &ip6, NULL);
	}
	ck_assert_int_eq(decode_all(LINK_ETHERNET, &p, &seg, &buf), DECODE_OK);
	ck_assert(seg.ip_len_over_frame);
	ck_assert(!seg.ip_len_guessed);
	ck_assert_uint_eq(seg.ip_len,
	    ip_hdr_len(ipv) + TU_TCP_LEN + TU_PAYLOAD_LEN + 100);
	ck_assert_uint_eq(seg.payload_len, TU_PAYLOAD_LEN + 100);
	ck_assert_uint_eq(seg.payload_caplen, TU_PAYLOAD_LEN);
	ck_assert_uint_eq(seg.ip_caplen,
	    ip_hdr_len(ipv) + TU_TCP_LEN + TU_PAYLOAD_LEN);
	free(buf);
}
END_TEST

/* A record whose wire length is below its captured length: trust bytes. */
START_TEST(test_wirelen_below_caplen)
{
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;

	tu_pkt_init(&p);
	f_eth(&p, 4, 0);
	ck_assert_int_eq(decode_cut(LINK_ETHERNET, &p, p.len, 0, &seg, &buf),
	    DECODE_OK);
	assert_default_tcp("wirelen 0", &seg, 4, 0);
	free(buf);
}
END_TEST

/* Every TCP header field, as on the wire. */
START_TEST(test_tcp_fields)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;

	tu_tcp_init(&tcp);
	tcp.sport = 65535;
	tcp.dport = 1;
	tcp.seq = 0xffffffffU;
	tcp.ack = 0x80000000U;
	tcp.flags = 0x1ff;
	tcp.win = 0;
	tcp.cksum = 0xabcd;
	tcp.urp = 0x8001;
	tu_pkt_init(&p);
	tu_eth(&p, TU_ETHERTYPE_IPV4);
	tu_ip_tcp(&p, 4, &tcp);
	ck_assert_int_eq(decode_all(LINK_ETHERNET, &p, &seg, &buf), DECODE_OK);
	ck_assert_uint_eq(seg.sport, 65535);
	ck_assert_uint_eq(seg.dport, 1);
	ck_assert_uint_eq(seg.seq, 0xffffffffU);
	ck_assert_uint_eq(seg.ack, 0x80000000U);
	ck_assert_uint_eq(seg.flags, TCPF_FIN | TCPF_SYN | TCPF_RST |
	    TCPF_PSH | TCPF_ACK | TCPF_URG | TCPF_ECE | TCPF_CWR | TCPF_AE);
	ck_assert_uint_eq(seg.win, 0);
	ck_assert_uint_eq(seg.cksum, 0xabcd);
	ck_assert_uint_eq(seg.urp, 0x8001);
	free(buf);
}
END_TEST

static const uint16_t tcp_flag_bits[] = {
	TCPF_FIN, TCPF_SYN, TCPF_RST, TCPF_PSH, TCPF_ACK, TCPF_URG, TCPF_ECE,
	TCPF_CWR, TCPF_AE
};

/* Each flag on its own lands in its own bit. */
START_TEST(test_tcp_flag_bit)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;

	tu_tcp_init(&tcp);
	tcp.flags = tcp_flag_bits[_i];
	tu_pkt_init(&p);
	tu_eth(&p, TU_ETHERTYPE_IPV6);
	tu_ip_tcp(&p, 6, &tcp);
	ck_assert_int_eq(decode_all(LINK_ETHERNET, &p, &seg, &buf), DECODE_OK);
	ck_assert_uint_eq(seg.flags, tcp_flag_bits[_i]);
	free(buf);
}
END_TEST

/* The three reserved bits between the data offset and AE are not flags. */
START_TEST(test_tcp_reserved_bits)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;

	tu_tcp_init(&tcp);
	tcp.flags = 0xe00 | TCPF_ACK;
	tu_pkt_init(&p);
	tu_eth(&p, TU_ETHERTYPE_IPV4);
	tu_ip_tcp(&p, 4, &tcp);
	ck_assert_int_eq(decode_all(LINK_ETHERNET, &p, &seg, &buf), DECODE_OK);
	ck_assert_uint_eq(seg.flags, TCPF_ACK);
	ck_assert_uint_eq(seg.hdr_len, TU_TCP_LEN);
	free(buf);
}
END_TEST

/* An options area and what the decoder must make of it. */
struct opt_case {
	const char	*name;
	uint8_t		 opts[40];
	size_t		 optlen;
	struct tcp_opts	 expect;
};

#define OPTS(...)	{ __VA_ARGS__ }, \
			sizeof((const uint8_t[]){ __VA_ARGS__ })

static const struct opt_case opt_cases[] = {
	{ "mss", OPTS(TU_OPT_MSS(1460)),
	    { .present = TCPO_MSS, .mss = 1460, .nopts = 1 } },
	{ "mss 65535", OPTS(TU_OPT_MSS(65535)),
	    { .present = TCPO_MSS, .mss = 65535, .nopts = 1 } },
	{ "window scale", OPTS(TU_OPT_NOP, TU_OPT_WSCALE(14)),
	    { .present = TCPO_WSCALE, .wscale = 14, .nopts = 2 } },
	{ "sack permitted", OPTS(TU_OPT_NOP, TU_OPT_NOP, TU_OPT_SACK_PERM),
	    { .present = TCPO_SACK_PERM, .nopts = 3 } },
	{ "timestamps", OPTS(TU_OPT_NOP, TU_OPT_NOP,
	    TU_OPT_TS(0xdeadbeefU, 0x01020304U)),
	    { .present = TCPO_TIMESTAMP, .tsval = 0xdeadbeefU,
	    .tsecr = 0x01020304U, .nopts = 3 } },
	{ "sack 1 block", OPTS(TU_OPT_NOP, TU_OPT_NOP, TU_OPT_SACK(1),
	    TU_SACK_BLOCK(1000, 2000)),
	    { .present = TCPO_SACK, .nsack = 1, .sack = { { 1000, 2000 } },
	    .nopts = 3 } },
	{ "sack 4 blocks", OPTS(TU_OPT_NOP, TU_OPT_NOP, TU_OPT_SACK(4),
	    TU_SACK_BLOCK(1, 2), TU_SACK_BLOCK(3, 4),
	    TU_SACK_BLOCK(0xfffffff0U, 0x10), TU_SACK_BLOCK(7, 8)),
	    { .present = TCPO_SACK, .nsack = 4,
	    .sack = { { 1, 2 }, { 3, 4 }, { 0xfffffff0U, 0x10 }, { 7, 8 } },
	    .nopts = 3 } },
	{ "timestamps and sack 3 blocks (40 bytes)", OPTS(TU_OPT_NOP,
	    TU_OPT_NOP, TU_OPT_TS(5, 6), TU_OPT_NOP, TU_OPT_NOP,
	    TU_OPT_SACK(3), TU_SACK_BLOCK(10, 20), TU_SACK_BLOCK(30, 40),
	    TU_SACK_BLOCK(50, 60)),
	    { .present = TCPO_TIMESTAMP | TCPO_SACK, .tsval = 5, .tsecr = 6,
	    .nsack = 3, .sack = { { 10, 20 }, { 30, 40 }, { 50, 60 } },
	    .nopts = 6 } },
	{ "linux syn", OPTS(TU_OPT_MSS(1460), TU_OPT_SACK_PERM,
	    TU_OPT_TS(1, 0), TU_OPT_NOP, TU_OPT_WSCALE(7)),
	    { .present = TCPO_MSS | TCPO_SACK_PERM | TCPO_TIMESTAMP |
	    TCPO_WSCALE, .mss = 1460, .tsval = 1, .wscale = 7, .nopts = 5 } },
	{ "tfo cookie request", OPTS(TU_OPT_TFO_REQ, TU_OPT_NOP, TU_OPT_NOP),
	    { .present = TCPO_TFO, .tfo_len = 0, .nopts = 3 } },
	{ "tfo 4-byte cookie", OPTS(TU_OPT_TFO(4), 1, 2, 3, 4, TU_OPT_NOP,
	    TU_OPT_NOP), { .present = TCPO_TFO, .tfo_len = 4, .nopts = 3 } },
	{ "tfo 8-byte cookie", OPTS(TU_OPT_TFO(8), 1, 2, 3, 4, 5, 6, 7, 8,
	    TU_OPT_NOP, TU_OPT_NOP),
	    { .present = TCPO_TFO, .tfo_len = 8, .nopts = 3 } },
	{ "tfo 16-byte cookie", OPTS(TU_OPT_TFO(16), 1, 2, 3, 4, 5, 6, 7, 8,
	    9, 10, 11, 12, 13, 14, 15, 16, TU_OPT_NOP, TU_OPT_NOP),
	    { .present = TCPO_TFO, .tfo_len = 16, .nopts = 3 } },
	{ "experimental tfo cookie request", OPTS(TU_OPT_EXP_TFO_REQ),
	    { .present = TCPO_TFO, .tfo_len = 0, .nopts = 1 } },
	{ "experimental tfo 8-byte cookie", OPTS(TU_OPT_EXP_TFO(8),
	    1, 2, 3, 4, 5, 6, 7, 8),
	    { .present = TCPO_TFO, .tfo_len = 8, .nopts = 1 } },
	{ "experimental, another exid", OPTS(TU_OPT_EXP(0x1234, 2), 9, 9,
	    TU_OPT_NOP, TU_OPT_NOP), { .present = TCPO_OTHER, .nopts = 3 } },
	{ "unknown kind", OPTS(TU_OPT_RAW(99, 4), 0, 0),
	    { .present = TCPO_OTHER, .nopts = 1 } },
	{ "unknown kind, no data", OPTS(TU_OPT_RAW(200, 2), TU_OPT_NOP,
	    TU_OPT_NOP), { .present = TCPO_OTHER, .nopts = 3 } },
	{ "mss then unknown kind", OPTS(TU_OPT_MSS(536), TU_OPT_RAW(77, 4),
	    0xff, 0xff), { .present = TCPO_MSS | TCPO_OTHER, .mss = 536,
	    .nopts = 2 } },
	{ "eol ends the list", OPTS(TU_OPT_MSS(1460), TU_OPT_EOL,
	    TU_OPT_WSCALE(7)),
	    { .present = TCPO_MSS, .mss = 1460, .nopts = 2 } },
	{ "nops only", OPTS(TU_OPT_NOP, TU_OPT_NOP, TU_OPT_NOP, TU_OPT_NOP),
	    { .nopts = 4 } },
	{ "eol only", OPTS(TU_OPT_EOL, TU_OPT_EOL, TU_OPT_EOL, TU_OPT_EOL),
	    { .nopts = 1 } },
};

/* Options that break the rules: flagged, and the segment still decodes. */
static const struct opt_case badopt_cases[] = {
	{ "length 0", OPTS(TU_OPT_RAW(3, 0), TU_OPT_NOP, TU_OPT_NOP),
	    { .bad = TCPO_BAD_LENGTH, .bad_kind = 3, .nopts = 1 } },
	{ "length 1", OPTS(TU_OPT_RAW(99, 1), TU_OPT_NOP, TU_OPT_NOP),
	    { .bad = TCPO_BAD_LENGTH, .bad_kind = 99, .nopts = 1 } },
	{ "length past the end", OPTS(TU_OPT_MSS(1460), TU_OPT_RAW(8, 10),
	    0, 0), { .present = TCPO_MSS, .mss = 1460,
	    .bad = TCPO_BAD_LENGTH, .bad_kind = 8, .nopts = 2 } },
	{ "no room for the length", OPTS(TU_OPT_NOP, TU_OPT_NOP, TU_OPT_NOP,
	    2), { .bad = TCPO_BAD_LENGTH, .bad_kind = 2, .nopts = 4 } },
	{ "mss length 3, parsing goes on", OPTS(TU_OPT_RAW(2, 3), 5,
	    TU_OPT_WSCALE(7), TU_OPT_NOP, TU_OPT_NOP),
	    { .present = TCPO_WSCALE, .wscale = 7, .bad = TCPO_BAD_SIZE,
	    .bad_kind = 2, .nopts = 4 } },
	{ "mss length 6", OPTS(TU_OPT_RAW(2, 6), 5, 0xb4, 0, 0, TU_OPT_NOP,
	    TU_OPT_NOP), { .bad = TCPO_BAD_SIZE, .bad_kind = 2, .nopts = 3 } },
	{ "window scale length 4", OPTS(TU_OPT_RAW(3, 4), 7, 0),
	    { .bad = TCPO_BAD_SIZE, .bad_kind = 3, .nopts = 1 } },
	{ "sack permitted length 3", OPTS(TU_OPT_RAW(4, 3), 0, TU_OPT_NOP),
	    { .bad = TCPO_BAD_SIZE, .bad_kind = 4, .nopts = 2 } },
	{ "sack 11 bytes", OPTS(TU_OPT_RAW(5, 11), 0, 0, 0, 1, 0, 0, 0, 2, 9,
	    TU_OPT_NOP), { .bad = TCPO_BAD_SIZE, .bad_kind = 5, .nopts = 2 } },
	{ "sack without blocks", OPTS(TU_OPT_RAW(5, 2), TU_OPT_NOP,
	    TU_OPT_NOP), { .bad = TCPO_BAD_SIZE, .bad_kind = 5, .nopts = 3 } },
	{ "timestamps length 8", OPTS(TU_OPT_RAW(8, 8), 0, 0, 0, 1, 0, 0,
	    TU_OPT_NOP, TU_OPT_NOP, TU_OPT_NOP, TU_OPT_NOP),
	    { .bad = TCPO_BAD_SIZE, .bad_kind = 8, .nopts = 5 } },
	{ "tfo 3-byte cookie", OPTS(TU_OPT_TFO(3), 1, 2, 3, TU_OPT_NOP,
	    TU_OPT_NOP, TU_OPT_NOP),
	    { .bad = TCPO_BAD_SIZE, .bad_kind = 34, .nopts = 4 } },
	{ "tfo 17-byte cookie", OPTS(TU_OPT_TFO(17), 1, 2, 3, 4, 5, 6, 7, 8,
	    9, 10, 11, 12, 13, 14, 15, 16, 17, TU_OPT_NOP),
	    { .bad = TCPO_BAD_SIZE, .bad_kind = 34, .nopts = 2 } },
	{ "experimental tfo 2-byte cookie", OPTS(TU_OPT_EXP_TFO(2), 1, 2,
	    TU_OPT_NOP, TU_OPT_NOP),
	    { .bad = TCPO_BAD_SIZE, .bad_kind = 254, .nopts = 3 } },
	{ "the first bad kind is kept", OPTS(TU_OPT_RAW(2, 3), 0,
	    TU_OPT_RAW(8, 8), 0, 0, 0, 0, 0, 0, TU_OPT_NOP),
	    { .bad = TCPO_BAD_SIZE, .bad_kind = 2, .nopts = 3 } },
	{ "bad size, then bad length", OPTS(TU_OPT_RAW(3, 4), 7, 0,
	    TU_OPT_RAW(99, 1), TU_OPT_NOP, TU_OPT_NOP),
	    { .bad = TCPO_BAD_SIZE | TCPO_BAD_LENGTH, .bad_kind = 3,
	    .nopts = 2 } },
};

/* Ethernet, IPv4, TCP with the options of c and the default payload. */
static void
opt_build(const struct opt_case *c, struct tu_pkt *p)
{
	struct tu_tcp tcp;

	tu_tcp_init(&tcp);
	tcp.opts = c->opts;
	tcp.optlen = c->optlen;
	tu_eth(p, TU_ETHERTYPE_IPV4);
	tu_ip_tcp(p, 4, &tcp);
}

static void
assert_opts(const char *name, const struct tcp_opts *o,
    const struct tcp_opts *want)
{
	unsigned i;

	ck_assert_msg(o->present == want->present, "%s: present %#x, want %#x",
	    name, o->present, want->present);
	ck_assert_msg(o->bad == want->bad, "%s: bad %#x, want %#x", name,
	    o->bad, want->bad);
	ck_assert_msg(o->bad_kind == want->bad_kind, "%s: bad_kind %u, want %u",
	    name, o->bad_kind, want->bad_kind);
	ck_assert_msg(o->nopts == want->nopts, "%s: nopts %u, want %u", name,
	    o->nopts, want->nopts);
	ck_assert_uint_eq(o->mss, want->mss);
	ck_assert_uint_eq(o->wscale, want->wscale);
	ck_assert_uint_eq(o->tsval, want->tsval);
	ck_assert_uint_eq(o->tsecr, want->tsecr);
	ck_assert_uint_eq(o->tfo_len, want->tfo_len);
	ck_assert_uint_eq(o->nsack, want->nsack);
	for (i = 0; i < TCP_MAX_SACK; i++) {
		ck_assert_uint_eq(o->sack[i][0], want->sack[i][0]);
		ck_assert_uint_eq(o->sack[i][1], want->sack[i][1]);
	}
}

static void
check_opts(const struct opt_case *c)
{
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;
	uint8_t			*buf;

	ck_assert_uint_eq(c->optlen % 4, 0);	/* no hidden padding */
	tu_pkt_init(&p);
	opt_build(c, &p);
	r = decode_all(LINK_ETHERNET, &p, &seg, &buf);
	ck_assert_msg(r == DECODE_OK, "%s: %s at %s", c->name,
	    decode_result_name(r), decode_layer_name(seg.layer));
	assert_opts(c->name, &seg.opt, &c->expect);
	ck_assert(!seg.hdr_truncated);
	ck_assert_uint_eq(seg.hdr_len, TU_TCP_LEN + c->optlen);
	ck_assert_uint_eq(seg.payload_len, TU_PAYLOAD_LEN);
	ck_assert_ptr_eq(seg.payload, buf + p.len - TU_PAYLOAD_LEN);
	free(buf);
}

START_TEST(test_tcp_options)
{
	check_opts(&opt_cases[_i]);
}
END_TEST

START_TEST(test_tcp_options_bad)
{
	check_opts(&badopt_cases[_i]);
}
END_TEST

/* 20 bytes of options: MSS 0..3, SACKOK 4..5, TS 6..15, NOP 16, WS 17..19. */
static const uint8_t syn_opts[] = {
	TU_OPT_MSS(1460), TU_OPT_SACK_PERM, TU_OPT_TS(11, 22), TU_OPT_NOP,
	TU_OPT_WSCALE(7)
};

/*
 * A snaplen cut inside the options, _i option bytes captured: the segment
 * decodes, hdr_truncated is set, the options wholly captured are there and
 * nothing is called bad.
 */
START_TEST(test_tcp_options_cut)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;
	uint8_t			*buf;
	size_t			 got = (size_t)_i;
	size_t			 hdrs = TU_ETH_LEN + TU_IPV4_LEN + TU_TCP_LEN;

	tu_tcp_init(&tcp);
	tcp.opts = syn_opts;
	tcp.optlen = sizeof(syn_opts);
	tu_pkt_init(&p);
	tu_eth(&p, TU_ETHERTYPE_IPV4);
	tu_ip_tcp(&p, 4, &tcp);
	r = decode_cut(LINK_ETHERNET, &p, hdrs + got, p.len, &seg, &buf);
	ck_assert_msg(r == DECODE_OK, "%zu option bytes: %s at %s", got,
	    decode_result_name(r), decode_layer_name(seg.layer));
	ck_assert_msg(seg.hdr_truncated == (got < sizeof(syn_opts)),
	    "%zu option bytes: hdr_truncated %d", got, seg.hdr_truncated);
	ck_assert_msg(seg.opt.bad == 0, "%zu option bytes: bad %#x kind %u",
	    got, seg.opt.bad, seg.opt.bad_kind);
	ck_assert_uint_eq(seg.hdr_len, TU_TCP_LEN + sizeof(syn_opts));
	ck_assert_uint_eq(seg.payload_len, TU_PAYLOAD_LEN);
	ck_assert_uint_eq(seg.payload_caplen, 0);
	ck_assert_uint_eq(seg.seq, TU_SEQ);
	ck_assert_uint_eq((seg.opt.present & TCPO_MSS) != 0, got >= 4);
	ck_assert_uint_eq((seg.opt.present & TCPO_SACK_PERM) != 0, got >= 6);
	ck_assert_uint_eq((seg.opt.present & TCPO_TIMESTAMP) != 0, got >= 16);
	ck_assert_uint_eq((seg.opt.present & TCPO_WSCALE) != 0, got >= 20);
	if (got >= 4)
		ck_assert_uint_eq(seg.opt.mss, 1460);
	if (got >= 16) {
		ck_assert_uint_eq(seg.opt.tsval, 11);
		ck_assert_uint_eq(seg.opt.tsecr, 22);
	}
	free(buf);
}
END_TEST

/* A bad length in the captured part is still bad when the rest is cut. */
START_TEST(test_tcp_options_cut_after_bad)
{
	static const uint8_t	 opts[] = {
		TU_OPT_NOP, TU_OPT_RAW(99, 1), TU_OPT_NOP, TU_OPT_MSS(1460)
	};
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	uint8_t			*buf;

	tu_tcp_init(&tcp);
	tcp.opts = opts;
	tcp.optlen = sizeof(opts);
	tu_pkt_init(&p);
	tu_eth(&p, TU_ETHERTYPE_IPV4);
	tu_ip_tcp(&p, 4, &tcp);
	ck_assert_int_eq(decode_cut(LINK_ETHERNET, &p,
	    TU_ETH_LEN + TU_IPV4_LEN + TU_TCP_LEN + 4, p.len, &seg, &buf),
	    DECODE_OK);
	ck_assert(seg.hdr_truncated);
	ck_assert_uint_eq(seg.opt.bad, TCPO_BAD_LENGTH);
	ck_assert_uint_eq(seg.opt.bad_kind, 99);
	free(buf);
}
END_TEST

/* A frame cut by the snaplen inside one header. */
struct trunc_case {
	const char		*name;
	enum decode_link	 link;
	int			 ipv;
	build_fn		 build;
	int			 arg;
	size_t			 caplen;	/* bytes captured */
	enum decode_layer	 layer;		/* where it must stop */
};

#define ETH	TU_ETH_LEN
#define V4	TU_IPV4_LEN
#define V6	TU_IPV6_LEN

static const struct trunc_case trunc_cases[] = {
	{ "empty ethernet frame", LINK_ETHERNET, 4, f_eth, 0, 0, LAYER_LINK },
	{ "ethernet header", LINK_ETHERNET, 4, f_eth, 0, ETH - 1,
	    LAYER_LINK },
	{ "802.1q tag", LINK_ETHERNET, 4, f_vlan, 1, ETH + 2, LAYER_VLAN },
	{ "inner 802.1q tag", LINK_ETHERNET, 4, f_qinq, 2,
	    ETH + TU_VLAN_LEN + 3, LAYER_VLAN },
	{ "802.3 llc", LINK_ETHERNET, 4, f_8023, 0, ETH + 1, LAYER_LLC },
	{ "802.3 snap oui", LINK_ETHERNET, 4, f_8023, 0, ETH + 5, LAYER_LLC },
	{ "mpls label", LINK_ETHERNET, 4, f_mpls, 1, ETH + 2, LAYER_MPLS },
	{ "second mpls label", LINK_ETHERNET, 4, f_mpls, 2,
	    ETH + TU_MPLS_LEN + 1, LAYER_MPLS },
	{ "after the mpls stack", LINK_ETHERNET, 6, f_mpls, 3,
	    ETH + 3 * TU_MPLS_LEN, LAYER_MPLS },
	{ "pppoe header", LINK_ETHERNET, 4, f_pppoe, 0, ETH + 3, LAYER_PPP },
	{ "ppp protocol in pppoe", LINK_ETHERNET, 4, f_pppoe, 0,
	    ETH + TU_PPPOE_LEN + 1, LAYER_PPP },
	{ "ppp_ether header", LINK_PPP_ETHER, 6, f_ppp_ether, 0, 5,
	    LAYER_PPP },
	{ "ppp address", LINK_PPP, 4, f_ppp, 0, 1, LAYER_PPP },
	{ "ppp after ff03", LINK_PPP, 4, f_ppp, 0, 2, LAYER_PPP },
	{ "ppp protocol", LINK_PPP, 6, f_ppp_bare, 0, 1, LAYER_PPP },
	{ "linux sll header", LINK_SLL, 4, f_sll, 0, TU_SLL_LEN - 1,
	    LAYER_LINK },
	{ "linux sll2 header", LINK_SLL2, 4, f_sll2, 0, TU_SLL2_LEN - 1,
	    LAYER_LINK },
	{ "linux sll2 protocol", LINK_SLL2, 4, f_sll2, 0, 1, LAYER_LINK },
	{ "null header", LINK_NULL, 4, f_null_le, TU_AF_INET, 3, LAYER_LINK },
	{ "loop header", LINK_LOOP, 6, f_loop, TU_AF_INET6_BSD, 2,
	    LAYER_LINK },
	{ "cisco hdlc header", LINK_C_HDLC, 4, f_chdlc, 0, 3, LAYER_LINK },
	{ "fddi header", LINK_FDDI, 4, f_fddi, 0, TU_FDDI_LEN - 1,
	    LAYER_LINK },
	{ "fddi llc", LINK_FDDI, 4, f_fddi, 0, TU_FDDI_LEN + 2, LAYER_LLC },
	{ "raw, nothing captured", LINK_RAW, 4, f_ip, 0, 0, LAYER_LINK },
	{ "ipv4, nothing captured", LINK_ETHERNET, 4, f_eth, 0, ETH,
	    LAYER_IPV4 },
	{ "ipv4 header", LINK_ETHERNET, 4, f_eth, 0, ETH + V4 - 1,
	    LAYER_IPV4 },
	{ "ipv4 options", LINK_ETHERNET, 4, f_v4_router_alert, 0,
	    ETH + V4 + 2, LAYER_IPV4 },
	{ "dlt ipv4 header", LINK_IPV4, 4, f_ip, 0, 1, LAYER_IPV4 },
	{ "ipv6, nothing captured", LINK_ETHERNET, 6, f_eth, 0, ETH,
	    LAYER_IPV6 },
	{ "ipv6 header", LINK_ETHERNET, 6, f_eth, 0, ETH + V6 - 1,
	    LAYER_IPV6 },
	{ "raw ipv6 header", LINK_RAW, 6, f_ip, 0, 20, LAYER_IPV6 },
	{ "ipv6 hop-by-hop, nothing captured", LINK_ETHERNET, 6, f_v6_ext,
	    TU_IPPROTO_HOPOPTS, ETH + V6, LAYER_IPV6_EXT },
	{ "ipv6 hop-by-hop", LINK_ETHERNET, 6, f_v6_ext, TU_IPPROTO_HOPOPTS,
	    ETH + V6 + 12, LAYER_IPV6_EXT },
	{ "ipv6 fragment header", LINK_ETHERNET, 6, f_v6_ext,
	    TU_IPPROTO_FRAGMENT, ETH + V6 + 7, LAYER_IPV6_EXT },
	{ "ipv6 ah", LINK_ETHERNET, 6, f_v6_ext, TU_IPPROTO_AH,
	    ETH + V6 + 20, LAYER_IPV6_EXT },
	{ "tcp, nothing captured", LINK_ETHERNET, 4, f_eth, 0, ETH + V4,
	    LAYER_TCP },
	{ "tcp header over ipv4", LINK_ETHERNET, 4, f_eth, 0,
	    ETH + V4 + TU_TCP_LEN - 1, LAYER_TCP },
	{ "tcp header over ipv6", LINK_ETHERNET, 6, f_eth, 0,
	    ETH + V6 + TU_TCP_LEN - 1, LAYER_TCP },
	{ "tcp header after ipv6 destination options", LINK_ETHERNET, 6,
	    f_v6_ext, TU_IPPROTO_DSTOPTS, ETH + V6 + 16 + 10, LAYER_TCP },
	{ "tcp header over vlan pppoe", LINK_ETHERNET, 4, f_vlan_pppoe, 0,
	    ETH + TU_VLAN_LEN + TU_PPPOE_LEN + 2 + V4 + 8, LAYER_TCP },
};

START_TEST(test_truncated)
{
	const struct trunc_case	*c = &trunc_cases[_i];
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;
	uint8_t			*buf;

	tu_pkt_init(&p);
	c->build(&p, c->ipv, c->arg);
	ck_assert_uint_lt(c->caplen, p.len);
	r = decode_cut(c->link, &p, c->caplen, p.len, &seg, &buf);
	ck_assert_msg(r == DECODE_TRUNCATED, "%s: %zu of %zu bytes: %s at %s",
	    c->name, c->caplen, p.len, decode_result_name(r),
	    decode_layer_name(seg.layer));
	ck_assert_msg(seg.layer == c->layer, "%s: at %s, want %s", c->name,
	    decode_layer_name(seg.layer), decode_layer_name(c->layer));
	free(buf);
}
END_TEST

/*
 * The sweep runs over every frame of every table above.  Each table gets
 * a function that builds its entry i and says how to decode it.
 */
static const char *
fixture_frame(size_t i, struct tu_pkt *p, enum decode_link *link,
    const struct frame_case *t)
{
	t[i].build(p, t[i].ipv, t[i].arg);
	*link = t[i].link;
	return (t[i].name);
}

static const char *
fixture_result(size_t i, struct tu_pkt *p, enum decode_link *link,
    const struct result_case *t)
{
	t[i].build(p, t[i].ipv, t[i].arg);
	*link = t[i].link;
	return (t[i].name);
}

static const char *
fx_links(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	return (fixture_frame(i, p, link, link_cases));
}

static const char *
fx_vlans(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	return (fixture_frame(i, p, link, vlan_cases));
}

static const char *
fx_mpls(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	return (fixture_frame(i, p, link, mpls_cases));
}

static const char *
fx_ipv4(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	return (fixture_result(i, p, link, ipv4_cases));
}

static const char *
fx_notip(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	return (fixture_result(i, p, link, notip_cases));
}

static const char *
fx_malformed(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	return (fixture_result(i, p, link, malformed_cases));
}

static const char *
fx_ext(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	ext_build(&ext_cases[i], p);
	*link = LINK_ETHERNET;
	return (ext_cases[i].name);
}

static const char *
fx_opts(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	opt_build(&opt_cases[i], p);
	*link = LINK_ETHERNET;
	return (opt_cases[i].name);
}

static const char *
fx_badopts(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	opt_build(&badopt_cases[i], p);
	*link = LINK_ETHERNET;
	return (badopt_cases[i].name);
}

static const struct {
	size_t		  n;
	const char	*(*build)(size_t, struct tu_pkt *, enum decode_link *);
} fixtures[] = {
	{ NITEMS(link_cases), fx_links },
	{ NITEMS(vlan_cases), fx_vlans },
	{ NITEMS(mpls_cases), fx_mpls },
	{ NITEMS(ipv4_cases), fx_ipv4 },
	{ NITEMS(notip_cases), fx_notip },
	{ NITEMS(malformed_cases), fx_malformed },
	{ NITEMS(ext_cases), fx_ext },
	{ NITEMS(opt_cases), fx_opts },
	{ NITEMS(badopt_cases), fx_badopts },
};

static size_t
fixture_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < NITEMS(fixtures); i++)
		n += fixtures[i].n;
	return (n);
}

/* Build fixture i of all the tables; returns its name. */
static const char *
fixture_build(size_t i, struct tu_pkt *p, enum decode_link *link)
{
	size_t t;

	tu_pkt_init(p);
	for (t = 0; t < NITEMS(fixtures); t++) {
		if (i < fixtures[t].n)
			return (fixtures[t].build(i, p, link));
		i -= fixtures[t].n;
	}
	ck_abort_msg("no fixture %zu", i);
	return (NULL);
}

/*
 * Every prefix of a fixture, caplen n and wirelen wire: TRUNCATED, or what
 * the whole frame gives; once a prefix decodes, every longer one does; a
 * decoded segment agrees with the whole frame's and points only inside
 * the captured bytes.
 */
static void
sweep(size_t fixture, bool wire_is_caplen)
{
	struct tu_pkt		 p;
	struct tcpfsm_seg	 full, seg;
	enum decode_link	 link;
	enum decode_result	 rfull, r, first_r = DECODE_TRUNCATED;
	uint8_t			*fbuf, *buf;
	const char		*name;
	size_t			 n, first_untrunc = SIZE_MAX;

	name = fixture_build(fixture, &p, &link);
	rfull = decode_all(link, &p, &full, &fbuf);
	for (n = 0; n <= p.len; n++) {
		r = decode_cut(link, &p, n, wire_is_caplen ? n : p.len, &seg,
		    &buf);
		ck_assert_msg(r == DECODE_TRUNCATED || r == rfull,
		    "%s: %zu of %zu bytes: %s at %s; the whole frame: %s",
		    name, n, p.len, decode_result_name(r),
		    decode_layer_name(seg.layer), decode_result_name(rfull));
		ck_assert_msg((unsigned)seg.layer < LAYER_NLAYERS,
		    "%s: %zu bytes: layer %d", name, n, (int)seg.layer);
		if (r != DECODE_TRUNCATED && first_untrunc == SIZE_MAX) {
			first_untrunc = n;
			first_r = r;
		}
		ck_assert_msg(r != DECODE_TRUNCATED ||
		    first_untrunc == SIZE_MAX,
		    "%s: %zu bytes truncated, but %zu bytes gave %s", name, n,
		    first_untrunc, decode_result_name(first_r));
		if (r == DECODE_OK) {
			ck_assert_uint_eq(seg.sport, full.sport);
			ck_assert_uint_eq(seg.dport, full.dport);
			ck_assert_uint_eq(seg.seq, full.seq);
			ck_assert_uint_eq(seg.ack, full.ack);
			ck_assert_uint_eq(seg.flags, full.flags);
			ck_assert_uint_eq(seg.hdr_len, full.hdr_len);
			ck_assert_uint_eq(seg.ip_len, full.ip_len);
			ck_assert_uint_eq(seg.payload_len, full.payload_len);
			ck_assert_uint_le(seg.payload_caplen, seg.payload_len);
			ck_assert_uint_le((size_t)(seg.payload - buf) +
			    seg.payload_caplen, n);
			ck_assert_uint_le((size_t)(seg.ip_hdr - buf) +
			    seg.ip_caplen, n);
		}
		free(buf);
	}
	free(fbuf);
}

START_TEST(test_truncation_sweep)
{
	sweep((size_t)_i, false);
}
END_TEST

/* The same, with frames short on the wire too (caplen == wirelen). */
START_TEST(test_truncation_sweep_wire)
{
	sweep((size_t)_i, true);
}
END_TEST

START_TEST(test_stats_ok)
{
	struct decode_stats	st;
	struct tcpfsm_seg	seg;

	memset(&st, 0, sizeof(st));
	memset(&seg, 0, sizeof(seg));
	seg.layer = LAYER_TCP;
	decode_stats_add(&st, DECODE_OK, &seg, 60);
	ck_assert_uint_eq(st.packets, 1);
	ck_assert_uint_eq(st.bytes, 60);
	ck_assert_uint_eq(st.result[DECODE_OK], 1);
	ck_assert_uint_eq(st.bad_tcp_option, 0);
	ck_assert_uint_eq(st.first_fragment, 0);
	ck_assert_uint_eq(st.ip_len_over_frame, 0);
	ck_assert_uint_eq(st.tcp_options_truncated, 0);

	seg.opt.bad = TCPO_BAD_SIZE;
	seg.ip_first_frag = true;
	decode_stats_add(&st, DECODE_OK, &seg, 1514);
	seg.opt.bad = 0;
	seg.ip_first_frag = false;
	seg.ip_len_over_frame = true;
	seg.hdr_truncated = true;
	decode_stats_add(&st, DECODE_OK, &seg, 100);
	ck_assert_uint_eq(st.packets, 3);
	ck_assert_uint_eq(st.bytes, 60 + 1514 + 100);
	ck_assert_uint_eq(st.result[DECODE_OK], 3);
	ck_assert_uint_eq(st.bad_tcp_option, 1);
	ck_assert_uint_eq(st.first_fragment, 1);
	ck_assert_uint_eq(st.ip_len_over_frame, 1);
	ck_assert_uint_eq(st.tcp_options_truncated, 1);
	ck_assert_uint_eq(st.by_layer[DECODE_OK][LAYER_TCP], 0);
}
END_TEST

/* Failures count by result and layer, and never as segment quirks. */
START_TEST(test_stats_failures)
{
	struct decode_stats	st;
	struct tcpfsm_seg	seg;
	unsigned		r, l;
	uint64_t		sum = 0;

	memset(&st, 0, sizeof(st));
	memset(&seg, 0, sizeof(seg));
	seg.opt.bad = TCPO_BAD_LENGTH;		/* stale: must not count */
	seg.ip_first_frag = true;
	seg.layer = LAYER_TCP;
	decode_stats_add(&st, DECODE_TRUNCATED, &seg, 40);
	decode_stats_add(&st, DECODE_TRUNCATED, &seg, 40);
	seg.layer = LAYER_IPV6_EXT;
	decode_stats_add(&st, DECODE_MALFORMED, &seg, 80);
	seg.layer = LAYER_LINK;
	decode_stats_add(&st, DECODE_NOT_IP, &seg, 42);
	seg.layer = LAYER_IPV4;
	decode_stats_add(&st, DECODE_NOT_TCP, &seg, 70);
	decode_stats_add(&st, DECODE_FRAGMENT, &seg, 1514);
	ck_assert_uint_eq(st.packets, 6);
	ck_assert_uint_eq(st.bytes, 40 + 40 + 80 + 42 + 70 + 1514);
	ck_assert_uint_eq(st.result[DECODE_OK], 0);
	ck_assert_uint_eq(st.result[DECODE_TRUNCATED], 2);
	ck_assert_uint_eq(st.result[DECODE_MALFORMED], 1);
	ck_assert_uint_eq(st.result[DECODE_NOT_IP], 1);
	ck_assert_uint_eq(st.result[DECODE_NOT_TCP], 1);
	ck_assert_uint_eq(st.result[DECODE_FRAGMENT], 1);
	ck_assert_uint_eq(st.by_layer[DECODE_TRUNCATED][LAYER_TCP], 2);
	ck_assert_uint_eq(st.by_layer[DECODE_MALFORMED][LAYER_IPV6_EXT], 1);
	ck_assert_uint_eq(st.by_layer[DECODE_NOT_IP][LAYER_LINK], 1);
	ck_assert_uint_eq(st.by_layer[DECODE_NOT_TCP][LAYER_IPV4], 1);
	ck_assert_uint_eq(st.by_layer[DECODE_FRAGMENT][LAYER_IPV4], 1);
	for (r = 0; r < DECODE_NRESULTS; r++)
		for (l = 0; l < LAYER_NLAYERS; l++)
			sum += st.by_layer[r][l];
	ck_assert_uint_eq(sum, 6);
	ck_assert_uint_eq(st.bad_tcp_option, 0);
	ck_assert_uint_eq(st.first_fragment, 0);
}
END_TEST

/* What the decoder says, counted: one frame of each kind. */
START_TEST(test_stats_from_decoder)
{
	struct decode_stats	 st;
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;
	uint8_t			*buf;
	size_t			 total = 0;

	memset(&st, 0, sizeof(st));
	tu_pkt_init(&p);
	f_eth(&p, 4, 0);
	r = decode_all(LINK_ETHERNET, &p, &seg, &buf);
	decode_stats_add(&st, r, &seg, (uint32_t)p.len);
	total += p.len;
	free(buf);
	r = decode_cut(LINK_ETHERNET, &p, TU_ETH_LEN + 10, p.len, &seg, &buf);
	decode_stats_add(&st, r, &seg, (uint32_t)p.len);
	total += p.len;
	free(buf);
	tu_pkt_init(&p);
	f_v4_frag(&p, 4, FRAG_MF);
	r = decode_all(LINK_ETHERNET, &p, &seg, &buf);
	decode_stats_add(&st, r, &seg, (uint32_t)p.len);
	total += p.len;
	free(buf);
	ck_assert_uint_eq(st.packets, 3);
	ck_assert_uint_eq(st.bytes, total);
	ck_assert_uint_eq(st.result[DECODE_OK], 2);
	ck_assert_uint_eq(st.result[DECODE_TRUNCATED], 1);
	ck_assert_uint_eq(st.by_layer[DECODE_TRUNCATED][LAYER_IPV4], 1);
	ck_assert_uint_eq(st.first_fragment, 1);
}
END_TEST

/* A stable id: non-empty, lowercase letters, digits and '_'. */
static void
assert_id(const char *what, unsigned v, const char *name)
{
	const char *s;

	ck_assert_msg(name != NULL, "%s %u has no name", what, v);
	ck_assert_msg(name[0] != '\0', "%s %u has an empty name", what, v);
	for (s = name; *s != '\0'; s++)
		ck_assert_msg((*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '_',
		    "%s %u: name \"%s\"", what, v, name);
	ck_assert_str_ne(name, "unknown");
}

START_TEST(test_result_names)
{
	unsigned i, j;

	for (i = 0; i < DECODE_NRESULTS; i++) {
		assert_id("result", i, decode_result_name(i));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(decode_result_name(i),
			    decode_result_name(j));
	}
	ck_assert_str_eq(decode_result_name(DECODE_TRUNCATED), "truncated");
	ck_assert_str_eq(decode_result_name(DECODE_MALFORMED), "malformed");
	ck_assert_str_eq(decode_result_name(DECODE_NRESULTS), "unknown");
	ck_assert_str_eq(decode_result_name((enum decode_result)-1),
	    "unknown");
}
END_TEST

START_TEST(test_layer_names)
{
	unsigned i, j;

	for (i = 0; i < LAYER_NLAYERS; i++) {
		assert_id("layer", i, decode_layer_name(i));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(decode_layer_name(i),
			    decode_layer_name(j));
	}
	ck_assert_str_eq(decode_layer_name(LAYER_IPV6_EXT), "ipv6_ext");
	ck_assert_str_eq(decode_layer_name(LAYER_TCP), "tcp");
	ck_assert_str_eq(decode_layer_name(LAYER_NLAYERS), "unknown");
	ck_assert_str_eq(decode_layer_name((enum decode_layer)-1), "unknown");
}
END_TEST

START_TEST(test_link_names)
{
	unsigned i, j;

	for (i = 0; i < LINK_NLINKS; i++) {
		assert_id("link", i, decode_link_name(i));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(decode_link_name(i),
			    decode_link_name(j));
	}
	ck_assert_str_eq(decode_link_name(LINK_ETHERNET), "ethernet");
	ck_assert_str_eq(decode_link_name(LINK_NLINKS), "unknown");
	ck_assert_str_eq(decode_link_name((enum decode_link)-1), "unknown");
}
END_TEST

/* ---- a capture file that shrinks while it is read ------------------------ */

static void
count_packet(void *arg, const struct tcpfsm_pkt *pkt)
{
	(void)pkt;
	(*(uint64_t *)arg)++;
}

/*
 * A file is read through a mapping (capture.c): one truncated under the
 * reader (logrotate's copytruncate, a careless cleanup) must end in the
 * read error the user is told about, after the packets before it, not
 * in SIGBUS.
 */
START_TEST(test_capture_file_shrinks)
{
	static const uint8_t frame[1000] = { [12] = 0x08, [13] = 0x00,
	    [14] = 0x45 };
	char		 path[] = "/tmp/check_decode.XXXXXX", err[256];
	struct capture	*cap;
	uint64_t	 n = 0;
	uint32_t	 rec[4], i;
	FILE		*fp;
	int		 fd, rc;

	uint32_t ghdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(ghdr, sizeof(ghdr), 1, fp), 1);
	/* 70,000 records of 1,016 bytes: 71 MB, big enough to be mapped. */
	for (i = 0; i < 70000; i++) {
		rec[0] = i;
		rec[1] = 0;
		rec[2] = rec[3] = sizeof(frame);
		ck_assert_uint_eq(fwrite(rec, sizeof(rec), 1, fp), 1);
		ck_assert_uint_eq(fwrite(frame, sizeof(frame), 1, fp), 1);
	}
	ck_assert_int_eq(fclose(fp), 0);

	cap = capture_open_file(path, err, sizeof(err));
	ck_assert_msg(cap != NULL, "open: %s", err);
	rc = capture_dispatch(cap, 1000, count_packet, &n, err, sizeof(err));
	ck_assert_int_eq(rc, 1000);
	/* Cut it to its first page. */
	ck_assert_int_eq(truncate(path, 4096), 0);
	do
		rc = capture_dispatch(cap, 1000, count_packet, &n, err,
		    sizeof(err));
	while (rc > 0);
	ck_assert_int_eq(rc, CAPTURE_ERROR);
	ck_assert_str_eq(err, "the file shrank while it was read");
	ck_assert_uint_ge(n, 1000);
	ck_assert_uint_lt(n, 70000);
	/* And it stays an error, and closes. */
	rc = capture_dispatch(cap, 1000, count_packet, &n, err, sizeof(err));
	ck_assert_int_eq(rc, CAPTURE_ERROR);
	capture_close(cap);
	unlink(path);
}
END_TEST

static Suite *
decode_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("decode");

	tc = tcase_create("links");
	tcase_add_loop_test(tc, test_link, 0, NITEMS(link_cases));
	tcase_add_loop_test(tc, test_link_sets_every_field, 0,
	    NITEMS(link_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("vlan");
	tcase_add_loop_test(tc, test_vlan, 0, NITEMS(vlan_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("mpls");
	tcase_add_loop_test(tc, test_mpls, 0, NITEMS(mpls_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv4");
	tcase_add_loop_test(tc, test_ipv4, 0, NITEMS(ipv4_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv6_ext");
	tcase_add_loop_test(tc, test_ipv6_ext, 0, NITEMS(ext_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("not_ip");
	tcase_add_loop_test(tc, test_not_ip, 0, NITEMS(notip_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("lengths");
	tcase_add_loop_test(tc, test_payload_len_from_ip, 0,
	    NITEMS(ipvs));
	tcase_add_loop_test(tc, test_ethernet_padding, 0, NITEMS(ipvs));
	tcase_add_test(tc, test_ipv4_tso_len0);
	tcase_add_test(tc, test_ipv6_plen0);
	tcase_add_loop_test(tc, test_ip_len_over_frame, 0, NITEMS(ipvs));
	tcase_add_test(tc, test_wirelen_below_caplen);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp_header");
	tcase_add_test(tc, test_tcp_fields);
	tcase_add_loop_test(tc, test_tcp_flag_bit, 0, NITEMS(tcp_flag_bits));
	tcase_add_test(tc, test_tcp_reserved_bits);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp_options");
	tcase_add_loop_test(tc, test_tcp_options, 0, NITEMS(opt_cases));
	tcase_add_loop_test(tc, test_tcp_options_bad, 0, NITEMS(badopt_cases));
	tcase_add_loop_test(tc, test_tcp_options_cut, 0, sizeof(syn_opts) + 1);
	tcase_add_test(tc, test_tcp_options_cut_after_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_malformed, 0, NITEMS(malformed_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("truncated");
	tcase_add_loop_test(tc, test_truncated, 0, NITEMS(trunc_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation_sweep");
	tcase_add_loop_test(tc, test_truncation_sweep, 0,
	    (int)fixture_count());
	tcase_add_loop_test(tc, test_truncation_sweep_wire, 0,
	    (int)fixture_count());
	suite_add_tcase(s, tc);

	tc = tcase_create("capture_file");
	tcase_add_test(tc, test_capture_file_shrinks);
	suite_add_tcase(s, tc);

	tc = tcase_create("stats");
	tcase_add_test(tc, test_stats_ok);
	tcase_add_test(tc, test_stats_failures);
	tcase_add_test(tc, test_stats_from_decoder);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_result_names);
	tcase_add_test(tc, test_layer_names);
	tcase_add_test(tc, test_link_names);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(decode_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
