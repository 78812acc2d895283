/*
 * output-text.h - human-readable output: the per-segment replay line and
 * the decode counters.
 */
#ifndef TCPFSM_OUTPUT_TEXT_H
#define TCPFSM_OUTPUT_TEXT_H

#include <stddef.h>
#include <stdio.h>

struct tcpfsm_seg;
struct decode_stats;
struct flow_segment_view;

/* Longest line output_text_segment() writes, NUL included. */
#define OUTPUT_SEGMENT_LEN	512

/*
 * Format one TCP segment as a line in the spirit of tcpdump -n -tt, newline
 * included, into buf.  Returns the length written (as snprintf, truncated
 * to len - 1 when buf is too short).
 */
size_t	output_text_segment(char *buf, size_t len, const struct tcpfsm_seg *seg);

/*
 * The replay view of a segment (--packets): time, connection uid,
 * direction (c>s or s>c), the segment with sequence numbers relative to
 * each endpoint's ISN where known, and both endpoints' states after it.
 * Returns the length written, as output_text_segment().
 */
size_t	output_text_replay(char *buf, size_t len, const struct tcpfsm_seg *seg,
	    const struct flow_segment_view *v);

/* Write the decode counters, one "name value" line each.  Returns 0 or -1. */
int	output_text_counters(FILE *fp, const struct decode_stats *st);

#endif /* TCPFSM_OUTPUT_TEXT_H */
