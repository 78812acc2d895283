/*
 * capture.h - packets in: capture files (pcap, pcapng) through libpcap.
 *
 * The only module that sees libpcap.  It turns each pcap record into a
 * struct tcpfsm_pkt and the file's link type into an enum decode_link, and
 * turns libpcap's failures into messages for main() to print.
 */
#ifndef TCPFSM_CAPTURE_H
#define TCPFSM_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct capture;

/* One captured frame.  data is valid only during the callback. */
struct tcpfsm_pkt {
	int64_t		 ts;		/* microseconds since the epoch */
	uint32_t	 caplen;	/* bytes at data */
	uint32_t	 len;		/* bytes on the wire */
	const uint8_t	*data;
	enum decode_link link;		/* how to decode data */
};

typedef void (*capture_cb)(void *arg, const struct tcpfsm_pkt *pkt);

/* capture_dispatch() results besides a packet count. */
#define CAPTURE_EOF	0
#define CAPTURE_ERROR	(-1)
#define CAPTURE_BREAK	(-2)

/*
 * Open a capture file, pcap or pcapng; "-" is standard input.  The link
 * type must be one the decoder reads.  On error NULL is returned and err
 * holds why ("No such file or directory", "unknown file format",
 * "unsupported link type ..."), without the file name.
 */
struct capture	*capture_open_file(const char *path, char *err, size_t errlen);

/*
 * Hand up to cnt packets (-1: as many as one read brings) to cb.  Returns
 * the number handed over (> 0), CAPTURE_EOF at the end of the file,
 * CAPTURE_BREAK after capture_breakloop(), or CAPTURE_ERROR with why in err
 * (a truncated or corrupt record; the packets before it were delivered).
 */
int		 capture_dispatch(struct capture *cap, int cnt, capture_cb cb,
		    void *arg, char *err, size_t errlen);

/* Make a running capture_dispatch() return CAPTURE_BREAK (signal-safe). */
void		 capture_breakloop(struct capture *cap);

/* Bytes of the file consumed so far, or -1 where it cannot be told (a pipe). */
long long	 capture_offset(const struct capture *cap);

/* libpcap's name for the link type, e.g. "EN10MB". */
const char	*capture_link_name(const struct capture *cap);

/* Close the capture and free it.  NULL is fine. */
void		 capture_close(struct capture *cap);

#endif /* TCPFSM_CAPTURE_H */
