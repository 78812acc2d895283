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
#include <stdio.h>

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

/* How to open an interface (tcpdump's -i, -s, -p, -B). */
struct capture_live_opts {
	const char	*iface;
	int		 snaplen;	/* 0: libpcap's default */
	int		 promisc;	/* 1 unless -p */
	int		 buffer_kib;	/* 0: libpcap's default */
	int		 immediate;	/* deliver packets as they arrive */
};

/* Kernel counters of a live capture (pcap_stats()). */
struct capture_stats {
	uint64_t	 received;	/* packets the filter accepted */
	uint64_t	 dropped;	/* dropped for lack of buffer space */
	uint64_t	 ifdropped;	/* dropped by the interface or driver */
};

/*
 * Open an interface for live capture: pcap_create, the options, then
 * pcap_activate, with the handle non-blocking so the caller's loop can
 * run timers while the network is quiet.  On error NULL is returned and
 * err holds libpcap's message.  A warning from pcap_activate is written
 * to warn (empty when there is none) and the capture goes on.
 */
struct capture	*capture_open_live(const struct capture_live_opts *o,
		    char *err, size_t errlen, char *warn, size_t warnlen);

/*
 * Compile and install a BPF filter (pcap-filter(7)).  Returns 0, or -1
 * with libpcap's message in err.
 */
int		 capture_set_filter(struct capture *cap, const char *expr,
		    char *err, size_t errlen);

/*
 * Wait up to timeout_ms for packets to read (live captures).  Returns
 * 1 when there may be some, 0 on timeout, -1 on error (EINTR included).
 */
int		 capture_wait(struct capture *cap, int timeout_ms);

/* Counters of a live capture.  Returns 0, or -1 (files have none). */
int		 capture_get_stats(struct capture *cap, struct capture_stats *st);

/*
 * List the interfaces a capture could open (tcpdump -D).  Returns 0, or
 * -1 with libpcap's message in err.
 */
int		 capture_list_interfaces(FILE *fp, char *err, size_t errlen);

/* Make a running capture_dispatch() return CAPTURE_BREAK (signal-safe). */
void		 capture_breakloop(struct capture *cap);

/*
 * Reading a pipe or a socket: after a packet, if reading the next would
 * wait for the input (nothing in stdio's buffer nor in the kernel's),
 * capture_dispatch() calls fn with its arg.  Never for a regular file.
 */
void		 capture_on_idle(struct capture *cap, void (*fn)(void *arg));

/* Bytes of the file consumed so far, or -1 where it cannot be told (a pipe). */
long long	 capture_offset(const struct capture *cap);

/* libpcap's name for the link type, e.g. "EN10MB". */
const char	*capture_link_name(const struct capture *cap);

/* Close the capture and free it.  NULL is fine. */
void		 capture_close(struct capture *cap);

#endif /* TCPFSM_CAPTURE_H */
