/*
 * decode-tcp.h - the TCP header and its options, from the IP payload on.
 */
#ifndef TCPFSM_DECODE_TCP_H
#define TCPFSM_DECODE_TCP_H

#include <stdint.h>

#include "decode.h"

struct bytes;

/*
 * Decode a TCP header and its options from the IP payload at *b, whose
 * length according to the IP header is ip_payload_len (the captured part
 * may be shorter).  Fills the TCP fields of *seg and sets seg->layer.
 * Returns DECODE_MALFORMED when the IP length or the data offset cannot
 * hold the header, DECODE_TRUNCATED when the header was not all captured,
 * DECODE_OK otherwise; a bad option is flagged in seg->opt, not fatal.
 */
enum decode_result decode_tcp(struct bytes *b, uint32_t ip_payload_len,
    struct tcpfsm_seg *seg);

#endif /* TCPFSM_DECODE_TCP_H */
