/*
 * cksum.c - the TCP checksum: the one's complement sum of RFC 1071 over a
 * pseudo-header (RFC 9293 §3.1 for IPv4, RFC 8200 §8.1 for IPv6) and the
 * segment.
 */
#include <config.h>

#include "cksum.h"

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define IPPROTO_NUM_TCP	6

/* Add len bytes at p, as big-endian 16-bit words, to sum (RFC 1071 §4.1). */
static uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;	/* padded with a zero */
	/* Fold now and then so a 64 KiB segment cannot overflow 32 bits. */
	return ((sum & 0xffff) + (sum >> 16));
}

bool
cksum_tcp_ok(const struct tcpfsm_seg *seg)
{
	uint32_t	sum = 0, tcp_len, hlen;
	size_t		alen = seg->ipv == 6 ? 16 : 4;

	tcp_len = (uint32_t)seg->hdr_len + seg->payload_len;
	if (seg->ip_hdr == NULL || seg->ip_len_guessed || seg->ip_first_frag ||
	    seg->ip_len < tcp_len || seg->ip_caplen < seg->ip_len)
		return (true);
	/* The IP header(s), IPv6 extension headers included, come first. */
	hlen = seg->ip_len - tcp_len;

	sum = cksum_add(sum, seg->src, alen);
	sum = cksum_add(sum, seg->dst, alen);
	/* IPv4: zero, protocol, length; IPv6: 32-bit length, next header. */
	sum += IPPROTO_NUM_TCP;
	sum += tcp_len & 0xffff;
	sum += tcp_len >> 16;
	sum = cksum_add(sum, seg->ip_hdr + hlen, tcp_len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (sum == 0xffff);
}
