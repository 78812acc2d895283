/*
 * cksum.h - the TCP checksum (RFC 9293 §3.1), for --verify-checksums.
 */
#ifndef TCPFSM_CKSUM_H
#define TCPFSM_CKSUM_H

#include <stdbool.h>

struct tcpfsm_seg;

/*
 * Is the TCP checksum of a decoded segment right?  The sum covers the
 * IPv4 or IPv6 pseudo-header and the whole segment, so it is verified only
 * when all of the segment was captured and its IP length is its own: a
 * payload cut by the snaplen, a length guessed from the frame (TSO) or the
 * first fragment of a datagram cannot be checked and count as right, as in
 * Zeek.  Reads nothing outside seg->ip_hdr[0..ip_caplen).
 */
bool	cksum_tcp_ok(const struct tcpfsm_seg *seg);

#endif /* TCPFSM_CKSUM_H */
