/*
 * decode.h - from the bytes of one captured frame to one TCP segment.
 *
 * The decoder is pure and allocation-free: it fills a caller-owned
 * struct tcpfsm_seg and says what it found.  Pointers in the segment point
 * into the frame and are valid only while the frame is (inside the capture
 * callback); whoever keeps anything copies it.
 */
#ifndef TCPFSM_DECODE_H
#define TCPFSM_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The link layers the decoder understands.  capture.c maps libpcap's DLT
 * values onto these when a file or interface is opened, and rejects every
 * other link type there, by name; the decoder never guesses a link type.
 */
enum decode_link {
	LINK_ETHERNET = 0,	/* DLT_EN10MB: 802.1Q/802.1ad, MPLS, PPPoE, LLC/SNAP */
	LINK_NULL,		/* DLT_NULL: 4-byte address family, host order */
	LINK_LOOP,		/* DLT_LOOP: 4-byte address family, network order */
	LINK_RAW,		/* DLT_RAW: IPv4 or IPv6, by the version nibble */
	LINK_IPV4,		/* DLT_IPV4 */
	LINK_IPV6,		/* DLT_IPV6 */
	LINK_SLL,		/* DLT_LINUX_SLL: Linux cooked v1 */
	LINK_SLL2,		/* DLT_LINUX_SLL2: Linux cooked v2 */
	LINK_PPP,		/* DLT_PPP, DLT_PPP_SERIAL: PPP in HDLC-like framing */
	LINK_PPP_ETHER,		/* DLT_PPP_ETHER: PPPoE session header, no Ethernet */
	LINK_C_HDLC,		/* DLT_C_HDLC: Cisco HDLC */
	LINK_FDDI,		/* DLT_FDDI: frame control, MACs, LLC/SNAP */
	LINK_NLINKS
};

/* What the decoder made of a frame (STYLE: keep truncated apart from malformed). */
enum decode_result {
	DECODE_OK = 0,		/* a TCP segment, headers complete */
	DECODE_NOT_IP,		/* the link carries something else (ARP, STP, ...) */
	DECODE_NOT_TCP,		/* IP carrying another protocol (UDP, ICMP, GRE, ...) */
	DECODE_FRAGMENT,	/* a non-first IP fragment: no TCP header in it */
	DECODE_TRUNCATED,	/* headers cut off by the snaplen */
	DECODE_MALFORMED,	/* fields that contradict each other or the frame */
	DECODE_NRESULTS
};

/* The header the decoder was in when it stopped (for counting by reason). */
enum decode_layer {
	LAYER_LINK = 0,		/* the link header itself */
	LAYER_VLAN,		/* an 802.1Q/802.1ad tag */
	LAYER_MPLS,		/* an MPLS label stack */
	LAYER_PPP,		/* a PPP or PPPoE header */
	LAYER_LLC,		/* an 802.2 LLC/SNAP header */
	LAYER_IPV4,
	LAYER_IPV6,
	LAYER_IPV6_EXT,		/* an IPv6 extension header */
	LAYER_TCP,
	LAYER_NLAYERS
};

/* TCP flags, as on the wire (RFC 9293 §3.1; AE is RFC 3540's NS bit, AccECN). */
#define TCPF_FIN	0x001
#define TCPF_SYN	0x002
#define TCPF_RST	0x004
#define TCPF_PSH	0x008
#define TCPF_ACK	0x010
#define TCPF_URG	0x020
#define TCPF_ECE	0x040
#define TCPF_CWR	0x080
#define TCPF_AE		0x100

/* TCP option kinds (IANA "TCP Option Kind Numbers"). */
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MSS		2	/* RFC 9293 §3.2 */
#define TCPOPT_WSCALE		3	/* RFC 7323 §2 */
#define TCPOPT_SACK_PERM	4	/* RFC 2018 */
#define TCPOPT_SACK		5	/* RFC 2018 */
#define TCPOPT_TIMESTAMP	8	/* RFC 7323 §3 */
#define TCPOPT_TFO		34	/* RFC 7413 */
#define TCPOPT_EXP		254	/* RFC 6994; TFO used ExID 0xF989 before 34 */

/* Which options a segment carried (struct tcp_opts.present). */
#define TCPO_MSS	0x0001
#define TCPO_WSCALE	0x0002
#define TCPO_SACK_PERM	0x0004
#define TCPO_SACK	0x0008
#define TCPO_TIMESTAMP	0x0010
#define TCPO_TFO	0x0020	/* a Fast Open cookie or cookie request */
#define TCPO_OTHER	0x0040	/* any other kind, skipped by its length */

/* Why an option was judged bad (struct tcp_opts.bad). */
#define TCPO_BAD_LENGTH	0x01	/* length < 2 or past the end of the options */
#define TCPO_BAD_SIZE	0x02	/* a known kind with a size it cannot have */

#define TCP_MAX_SACK	4	/* at most 4 blocks fit in 40 bytes of options */

struct tcp_opts {
	uint16_t	 present;	/* TCPO_* bits */
	uint8_t		 bad;		/* TCPO_BAD_* bits; parsing went on past BAD_SIZE */
	uint8_t		 bad_kind;	/* kind of the first bad option */
	uint16_t	 mss;		/* bytes */
	uint8_t		 wscale;	/* shift count as sent (RFC 7323 caps use at 14) */
	uint8_t		 nsack;		/* SACK blocks in sack[] */
	uint8_t		 tfo_len;	/* cookie bytes; 0 is a cookie request */
	uint8_t		 nopts;		/* options seen, NOP and EOL included */
	uint32_t	 tsval;		/* timestamp value */
	uint32_t	 tsecr;		/* timestamp echo reply */
	uint32_t	 sack[TCP_MAX_SACK][2];	/* left, right edges */
};

/*
 * One TCP segment as seen on the wire.  Lengths that matter to sequence
 * arithmetic come from the IP header, never from the captured length, so a
 * payload cut by the snaplen still has its true length.
 */
struct tcpfsm_seg {
	int64_t		 ts;		/* capture time, microseconds since the epoch */
	uint64_t	 frame;		/* frame number in the capture, from 1 */
	uint8_t		 ipv;		/* 4 or 6 */
	uint8_t		 ttl;		/* IPv4 TTL or IPv6 hop limit */
	bool		 ip_first_frag;	/* first fragment of a fragmented datagram */
	bool		 ip_len_guessed; /* IP length 0 (TSO, jumbogram): frame length used */
	bool		 ip_len_over_frame; /* IP length beyond the frame's wire length */
	bool		 hdr_truncated;	/* TCP options cut by the snaplen */
	bool		 cksum_bad;	/* set by the caller: --verify-checksums */
	uint8_t		 src[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 dst[16];
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;
	uint32_t	 ack;
	uint16_t	 flags;		/* TCPF_* */
	uint16_t	 win;		/* unscaled, as on the wire */
	uint16_t	 urp;		/* urgent pointer */
	uint16_t	 cksum;		/* as on the wire; cksum_tcp_ok() checks it */
	uint16_t	 hdr_len;	/* TCP header, options included, bytes */
	uint32_t	 ip_len;	/* IP datagram length: header + TCP, bytes */
	uint32_t	 payload_len;	/* TCP payload per the IP length, bytes */
	uint32_t	 payload_caplen; /* of which were captured */
	/*
	 * Everything above, and opt up to its SACK blocks, is what the
	 * analysis reads; what follows only the decoder and the checksum
	 * do.  Two threads hand over only that first part (TCPFSM_SEG_HOT
	 * bytes, two cache lines), so it stays first.
	 */
	struct tcp_opts	 opt;
	const uint8_t	*payload;	/* first captured payload byte */
	const uint8_t	*ip_hdr;	/* IP header, for checksum verification */
	uint32_t	 ip_caplen;	/* captured bytes from ip_hdr on */
	enum decode_layer layer;	/* where a failed decode stopped */
};

/* The bytes of a struct tcpfsm_seg that the analysis reads. */
#define TCPFSM_SEG_HOT	offsetof(struct tcpfsm_seg, opt.sack)

/* Per-capture counters of decode results, by reason. */
struct decode_stats {
	uint64_t	 packets;	/* frames read */
	uint64_t	 bytes;		/* their wire length */
	uint64_t	 result[DECODE_NRESULTS];
	uint64_t	 by_layer[DECODE_NRESULTS][LAYER_NLAYERS];
	uint64_t	 bad_tcp_option; /* decoded segments with a bad option */
	uint64_t	 first_fragment; /* decoded segments in a first fragment */
	uint64_t	 ip_len_over_frame; /* decoded, IP length beyond the frame */
	uint64_t	 tcp_options_truncated; /* decoded, options cut by snaplen */
	uint64_t	 other_shard;	/* decoded, of another --shard's
					   connection (not decode's count) */
};

/*
 * Decode one frame of the given link type.  caplen bytes are at data;
 * wirelen is the frame's length on the wire (the pcap record's len).  On
 * DECODE_OK every field of *seg except ts and frame is set (cksum_bad to
 * false: checking it is the caller's choice); otherwise only seg->layer is
 * meaningful.  Never reads outside data[0..caplen).
 */
enum decode_result decode_frame(enum decode_link link, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen, struct tcpfsm_seg *seg);

/*
 * Count one decode result (and the segment's quirks on DECODE_OK).  Inline:
 * it runs once a packet.
 */
static inline void
decode_stats_add(struct decode_stats *st, enum decode_result r,
    const struct tcpfsm_seg *seg, uint32_t wirelen)
{
	st->packets++;
	st->bytes += wirelen;
	st->result[r]++;
	if (r != DECODE_OK) {
		st->by_layer[r][seg->layer]++;
		return;
	}
	/* Most segments have none of the quirks: one test for all four. */
	if ((seg->opt.bad | seg->ip_first_frag | seg->ip_len_over_frame |
	    seg->hdr_truncated) == 0)
		return;
	if (seg->opt.bad != 0)
		st->bad_tcp_option++;
	if (seg->ip_first_frag)
		st->first_fragment++;
	if (seg->ip_len_over_frame)
		st->ip_len_over_frame++;
	if (seg->hdr_truncated)
		st->tcp_options_truncated++;
}

/* Stable lowercase names, for output: "truncated", "ipv6_ext", "ethernet". */
const char *decode_result_name(enum decode_result r);
const char *decode_layer_name(enum decode_layer l);
const char *decode_link_name(enum decode_link l);

#endif /* TCPFSM_DECODE_H */
