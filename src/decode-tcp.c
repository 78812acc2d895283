/*
 * decode-tcp.c - the TCP header and its options (RFC 9293 §3.1, §3.2).
 */
#include <config.h>

#include "decode-tcp.h"

#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "decode.h"

/*
 * A Fast Open option's cookie of cookie_len bytes (RFC 7413 §4.1.1): none
 * (a cookie request) or 4 to 16.  False when the length is impossible.
 */
static bool
tfo_option(struct tcp_opts *opt, size_t cookie_len)
{
	if (cookie_len != 0 && (cookie_len < 4 || cookie_len > 16))
		return (false);
	opt->tfo_len = (uint8_t)cookie_len;
	opt->present |= TCPO_TFO;
	return (true);
}

/*
 * Parse the options area of a TCP header (RFC 9293 §3.1, §3.2).  o holds
 * the captured part of it; cut says the snaplen cut the rest off, so an
 * option running past the captured end is a truncation, not a bad length.
 */
static void
decode_tcp_options(struct bytes *o, bool cut, struct tcp_opts *opt)
{
	struct bytes	v;
	uint8_t		kind, len;
	uint16_t	exid;
	size_t		i, nsack;

	while (bytes_get_u8(o, &kind)) {
		opt->nopts++;
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP)
			continue;
		/*
		 * Every other option is kind, length, value, 2 <= length <=
		 * what is left; running off a header the snaplen cut is not
		 * the sender's fault.
		 */
		if (!bytes_get_u8(o, &len)) {
			if (cut)
				return;
			goto badlen;
		}
		if (len < 2)
			goto badlen;
		if ((size_t)len - 2 > o->len) {
			if (cut)
				return;
			goto badlen;
		}
		(void)bytes_sub(o, (size_t)len - 2, &v);
		switch (kind) {
		case TCPOPT_MSS:
			if (len != 4)
				goto badsize;
			(void)bytes_get_be16(&v, &opt->mss);
			opt->present |= TCPO_MSS;
			break;
		case TCPOPT_WSCALE:
			if (len != 3)
				goto badsize;
			(void)bytes_get_u8(&v, &opt->wscale);
			opt->present |= TCPO_WSCALE;
			break;
		case TCPOPT_SACK_PERM:
			if (len != 2)
				goto badsize;
			opt->present |= TCPO_SACK_PERM;
			break;
		case TCPOPT_SACK:
			if ((len - 2) % 8 != 0 || len == 2)
				goto badsize;
			nsack = (size_t)(len - 2) / 8;
			if (nsack > TCP_MAX_SACK)
				goto badsize;
			for (i = 0; i < nsack; i++) {
				(void)bytes_get_be32(&v, &opt->sack[i][0]);
				(void)bytes_get_be32(&v, &opt->sack[i][1]);
			}
			opt->nsack = (uint8_t)nsack;
			opt->present |= TCPO_SACK;
			break;
		case TCPOPT_TIMESTAMP:
			if (len != 10)
				goto badsize;
			(void)bytes_get_be32(&v, &opt->tsval);
			(void)bytes_get_be32(&v, &opt->tsecr);
			opt->present |= TCPO_TIMESTAMP;
			break;
		case TCPOPT_EXP:
			/* RFC 6994 experimental; 0xF989 was Fast Open's ExID. */
			if (!bytes_get_be16(&v, &exid) || exid != 0xf989) {
				opt->present |= TCPO_OTHER;
				break;
			}
			if (!tfo_option(opt, (size_t)len - 4))
				goto badsize;
			break;
		case TCPOPT_TFO:
			if (!tfo_option(opt, (size_t)len - 2))
				goto badsize;
			break;
		default:
			opt->present |= TCPO_OTHER;
			break;
		}
		continue;
badlen:
		opt->bad |= TCPO_BAD_LENGTH;
		if (opt->bad_kind == 0)
			opt->bad_kind = kind;
		return;
badsize:
		opt->bad |= TCPO_BAD_SIZE;
		if (opt->bad_kind == 0)
			opt->bad_kind = kind;
	}
}

/*
 * The options almost every segment after the handshake carries: NOP, NOP,
 * timestamps (RFC 7323 Appendix A's layout).  Parsed as decode_tcp_options()
 * would, in one step.  False when the options are anything else.
 */
static bool
decode_tcp_options_ts(const struct bytes *o, struct tcp_opts *opt)
{
	uint32_t lead;

	if (o->len != 12 || !bytes_peek_be32(o, 0, &lead) ||
	    lead != 0x0101080a)
		return (false);
	(void)bytes_peek_be32(o, 4, &opt->tsval);
	(void)bytes_peek_be32(o, 8, &opt->tsecr);
	opt->present = TCPO_TIMESTAMP;
	opt->nopts = 3;
	return (true);
}

static inline uint16_t
be16(const uint8_t *p)
{
	return ((uint16_t)((unsigned)p[0] << 8 | p[1]));
}

static inline uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/*
 * The header nearly every segment has, whole in the capture: no options,
 * NOP, NOP, timestamps, or the options of a Linux SYN.  Taken in one step with the result
 * decode_tcp()'s long way gives it; false for anything else.
 */
static inline bool
decode_tcp_fast(struct bytes *b, uint32_t ip_payload_len,
    struct tcpfsm_seg *seg)
{
	const uint8_t	*p = b->p;
	size_t		 hlen;
	uint32_t	 caplen;

	if (ip_payload_len < 20 || b->len < 20)
		return (false);
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen > ip_payload_len || hlen > b->len)
		return (false);
	memset(&seg->opt, 0, sizeof(seg->opt));
	if (hlen == 32 && be32(p + 20) == 0x0101080a) {
		seg->opt.tsval = be32(p + 24);
		seg->opt.tsecr = be32(p + 28);
		seg->opt.present = TCPO_TIMESTAMP;
		seg->opt.nopts = 3;
	} else if (hlen == 40 && be16(p + 20) == 0x0204 &&
	    be32(p + 24) == 0x0402080a && be16(p + 36) == 0x0103 &&
	    p[38] == 3) {
		/* Linux's SYN and SYN-ACK: MSS, SACK_PERM, TS, NOP, WS. */
		seg->opt.mss = be16(p + 22);
		seg->opt.tsval = be32(p + 28);
		seg->opt.tsecr = be32(p + 32);
		seg->opt.wscale = p[39];
		seg->opt.present = TCPO_MSS | TCPO_SACK_PERM |
		    TCPO_TIMESTAMP | TCPO_WSCALE;
		seg->opt.nopts = 5;
	} else if (hlen != 20)
		return (false);
	seg->layer = LAYER_TCP;
	seg->sport = be16(p);
	seg->dport = be16(p + 2);
	seg->seq = be32(p + 4);
	seg->ack = be32(p + 8);
	seg->flags = be16(p + 12) & 0x1ff;
	seg->win = be16(p + 14);
	seg->cksum = be16(p + 16);
	seg->urp = be16(p + 18);
	seg->hdr_truncated = false;
	seg->hdr_len = (uint16_t)hlen;
	seg->payload_len = ip_payload_len - (uint32_t)hlen;
	seg->payload = p + hlen;
	caplen = (uint32_t)(b->len - hlen);
	seg->payload_caplen = caplen < seg->payload_len ? caplen :
	    seg->payload_len;
	b->p += hlen;
	b->len -= hlen;
	return (true);
}

enum decode_result
decode_tcp(struct bytes *b, uint32_t ip_payload_len, struct tcpfsm_seg *seg)
{
	struct bytes	h = *b, o;
	uint16_t	offflags = 0;
	size_t		hlen;

	if (decode_tcp_fast(b, ip_payload_len, seg))
		return (DECODE_OK);
	seg->layer = LAYER_TCP;
	/* The IP length is a fact about this datagram: check it before snaplen. */
	if (ip_payload_len < 20)
		return (DECODE_MALFORMED);
	if (!bytes_has(&h, 20))
		return (DECODE_TRUNCATED);
	/* A local cursor known to hold 20 bytes: the reads need no checks. */
	(void)bytes_peek_be16(&h, 0, &seg->sport);
	(void)bytes_peek_be16(&h, 2, &seg->dport);
	(void)bytes_peek_be32(&h, 4, &seg->seq);
	(void)bytes_peek_be32(&h, 8, &seg->ack);
	(void)bytes_peek_be16(&h, 12, &offflags);
	(void)bytes_peek_be16(&h, 14, &seg->win);
	(void)bytes_peek_be16(&h, 16, &seg->cksum);
	(void)bytes_peek_be16(&h, 18, &seg->urp);
	(void)bytes_skip(&h, 20);
	hlen = (size_t)(offflags >> 12) * 4;
	seg->flags = offflags & 0x1ff;
	if (hlen < 20 || hlen > ip_payload_len)
		return (DECODE_MALFORMED);
	/*
	 * Options cut by the snaplen: the fixed header holds all the state
	 * machine needs, so the segment is kept with the options that were
	 * captured (tshark and tcpdump show it too).
	 */
	o = bytes_init(NULL, 0);
	seg->hdr_truncated = !bytes_has(&h, hlen - 20);
	if (seg->hdr_truncated)
		(void)bytes_sub(&h, h.len, &o);
	else
		(void)bytes_sub(&h, hlen - 20, &o);
	memset(&seg->opt, 0, sizeof(seg->opt));
	if (o.len != 0 && !decode_tcp_options_ts(&o, &seg->opt))
		decode_tcp_options(&o, seg->hdr_truncated, &seg->opt);
	seg->hdr_len = (uint16_t)hlen;
	seg->payload_len = ip_payload_len - (uint32_t)hlen;
	seg->payload = h.p;
	seg->payload_caplen = h.len < seg->payload_len ?
	    (uint32_t)h.len : seg->payload_len;
	*b = h;
	return (DECODE_OK);
}
