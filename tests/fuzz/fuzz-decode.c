/*
 * fuzz-decode.c - libFuzzer target: the decoder on one frame of every
 * link type it reads.  The first byte picks the link type, the second
 * says how much shorter than the frame the wire length claims to be; the
 * rest is the frame, in an exactly-sized buffer so any overread is caught.
 * Every decoded segment is also formatted, as --packets would.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "output-text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcpfsm_seg	 seg;
	struct decode_stats	 st;
	enum decode_result	 r;
	enum decode_link	 link;
	char			 line[OUTPUT_SEGMENT_LEN];
	uint8_t			*frame;
	uint32_t		 len, wire;

	if (size < 2)
		return (0);
	link = (enum decode_link)(data[0] % LINK_NLINKS);
	len = (uint32_t)(size - 2);
	wire = len + data[1];
	frame = malloc(len == 0 ? 1 : len);
	if (frame == NULL)
		return (0);
	memcpy(frame, data + 2, len);
	memset(&st, 0, sizeof(st));
	r = decode_frame(link, frame, len, wire, &seg);
	decode_stats_add(&st, r, &seg, wire);
	if (r == DECODE_OK) {
		/* What the decoder says it captured must be inside the frame. */
		if (seg.payload_caplen > seg.payload_len ||
		    (seg.payload_caplen > 0 && (seg.payload < frame ||
		    seg.payload + seg.payload_caplen > frame + len)))
			abort();
		seg.ts = 0;
		seg.frame = 1;
		(void)output_text_segment(line, sizeof(line), &seg);
	}
	free(frame);
	return (0);
}
