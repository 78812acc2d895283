/*
 * capture.c - capture files through libpcap.
 */
#include <config.h>

#include "capture.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#ifdef HAVE_STDIO_EXT_H
#include <stdio_ext.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap.h>

#include "util.h"

struct capture {
	pcap_t		*p;
	FILE		*fp;		/* owned by p once pcap_fopen_offline took it */
	int		 live;		/* an interface, not a file */
	int		 fd;		/* selectable descriptor, or -1 */
	enum decode_link link;
	capture_cb	 cb;		/* valid during capture_dispatch() */
	void		*arg;
	bool		 mapped;	/* a regular file, read through mmap(2) */
	bool		 shrank;	/* ... and it shrank under us: SIGBUS */
	char		*map_base;	/* the mapping, as last seen */
	char		*released;	/* its pages before this are given back */
	bool		 stream;	/* a pipe, a socket: reads may wait */
	char		*iobuf;		/* fp's stdio buffer, if ours */
	void		(*on_idle)(void *); /* capture_on_idle() */
};

/* The stdio buffer of a pipe or a socket read (capture_open_file()). */
#define STREAM_BUFFER	(64u << 10)

/* Files at least this big are read through a mapping (capture_open_file()). */
#define MAP_MIN_SIZE	(64 << 20)

/*
 * Pages read are given back to the kernel in steps of this many bytes.
 * Each step is a system call and, once the analysis thread runs, an
 * interrupt to its CPU to flush its TLB (perf: smp_call_function_many_cond
 * on the reader at 1 MB steps).
 */
#define RELEASE_STEP	(4u << 20)

/*
 * The kernel maps a cached file's big folios with 2 MB page table
 * entries.  A range that ends inside one has that entry split first, and
 * a split flushes the other CPU's TLB at once, apart from the one flush
 * for the whole range (perf: __split_huge_pmd under madvise).  Ranges
 * given back end on such a boundary.
 */
#define RELEASE_ALIGN	(2u << 20)

/*
 * A file read through a mapping that shrinks (truncated while being read)
 * raises SIGBUS at the first page past its new end.  The reading thread
 * jumps back out of libpcap to capture_dispatch(), which reports a read
 * error: the packets before it stay analysed, as with any damaged file.
 * Only one thread reads captures.
 */
static sigjmp_buf	*bus_jump;

/*
 * Give back the pages of the mapping that were read.  Every page of a
 * mapped file that was touched counts in the resident set: without this
 * the peak RSS would grow with the size of the file, not with the live
 * connections (DESIGN §8).  The mapping is glibc's (the FILE's buffer, in
 * "m" mode); a buffer of stdio's own is never RELEASE_STEP long, so only
 * a mapping is ever released.  The pages stay in the page cache; a
 * private read-only mapping reads them back if it is touched again.
 */
static void
release_read(struct capture *cap)
{
#ifdef __GLIBC__
	FILE		*fp = cap->fp;
	char		*base = fp->_IO_buf_base, *end = fp->_IO_buf_end;
	char		*ptr = fp->_IO_read_ptr, *upto;

	if (base == NULL || ptr < base || ptr > end ||
	    (size_t)(end - base) < RELEASE_STEP)
		return;
	if (base != cap->map_base) {
		/* A new mapping (glibc maps again if the file grew). */
		cap->map_base = base;
		cap->released = base;
	}
	upto = (char *)((uintptr_t)ptr & ~(uintptr_t)(RELEASE_ALIGN - 1));
	if (upto - cap->released < (ptrdiff_t)RELEASE_STEP)
		return;
	(void)madvise(cap->released, (size_t)(upto - cap->released),
	    MADV_DONTNEED);
	cap->released = upto;
#else
	(void)cap;
#endif
}

static void
on_sigbus(int sig)
{
	if (bus_jump != NULL)
		siglongjmp(*bus_jump, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * libpcap link types the decoder reads.  Anything else is refused when the
 * file is opened, by name: a silent zero would look like "no TCP here".
 */
static bool
capture_map_link(int dlt, enum decode_link *link)
{
	switch (dlt) {
	case DLT_EN10MB:
		*link = LINK_ETHERNET;
		return (true);
	case DLT_NULL:
		*link = LINK_NULL;
		return (true);
	case DLT_LOOP:
		*link = LINK_LOOP;
		return (true);
	case DLT_RAW:
		*link = LINK_RAW;
		return (true);
#ifdef DLT_IPV4
	case DLT_IPV4:
		*link = LINK_IPV4;
		return (true);
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
		*link = LINK_IPV6;
		return (true);
#endif
	case DLT_LINUX_SLL:
		*link = LINK_SLL;
		return (true);
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		*link = LINK_SLL2;
		return (true);
#endif
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		*link = LINK_PPP;
		return (true);
	case DLT_PPP_ETHER:
		*link = LINK_PPP_ETHER;
		return (true);
	case DLT_C_HDLC:
		*link = LINK_C_HDLC;
		return (true);
	case DLT_FDDI:
		*link = LINK_FDDI;
		return (true);
	default:
		return (false);
	}
}

/* Map the handle's link type, or say which one is not supported. */
static int
capture_check_link(struct capture *cap, char *err, size_t errlen)
{
	const char	*name, *desc;
	int		 dlt;

	dlt = pcap_datalink(cap->p);
	if (capture_map_link(dlt, &cap->link))
		return (0);
	name = pcap_datalink_val_to_name(dlt);
	desc = pcap_datalink_val_to_description(dlt);
	snprintf(err, errlen, "unsupported link type %s (%s, DLT %d)",
	    name != NULL ? name : "unknown",
	    desc != NULL ? desc : "no description", dlt);
	return (-1);
}

struct capture *
capture_open_file(const char *path, char *err, size_t errlen)
{
	char		 ebuf[PCAP_ERRBUF_SIZE];
	struct capture	*cap;
	struct stat	 st;
	FILE		*fp;
	char		*iobuf = NULL;	/* fp's buffer, freed after it */
	bool		 map = false, stream = false;

	/*
	 * A big file is read through mmap(2), not read(2) ("m": glibc):
	 * each packet is then copied once (into libpcap's buffer) instead
	 * of twice (the kernel's copy into the stdio buffer first), about a
	 * third off the time of reading a cached file (make bench).  The
	 * kernel maps a few MB ahead of the reader (release_read()): on a
	 * small file that would be most of the peak RSS, and there is little
	 * time to save.  Other C libraries, and pipes, read as before.
	 */
	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, (map = stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size >= MAP_MIN_SIZE) ? "rbm" : "rb")) ==
	    NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return (NULL);
	}
	/* fopen() opens a directory for reading on Linux; reads then fail. */
	if (fstat(fileno(fp), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s", strerror(EISDIR));
			goto fail;
		}
		if (S_ISREG(st.st_mode) && st.st_size == 0) {
			snprintf(err, errlen, "empty file, not a capture");
			goto fail;
		}
		stream = !S_ISREG(st.st_mode);
	}

	/*
	 * A pipe's reads bring what is there, up to the buffer's size: with
	 * stdio's 4 KiB (st_blksize) reading a fast pipe was a read(2) for
	 * every 40 packets or so.
	 */
	if (stream && (iobuf = malloc(STREAM_BUFFER)) != NULL &&
	    setvbuf(fp, iobuf, _IOFBF, STREAM_BUFFER) != 0) {
		free(iobuf);
		iobuf = NULL;
	}

#ifdef HAVE_STDIO_EXT_H
	/*
	 * Only the reading thread touches fp.  glibc locks a stream on every
	 * fread() once a process has a second thread, and libpcap reads each
	 * packet with two: with the analysis thread running that was a tenth
	 * of the reader's time (perf).
	 */
	(void)__fsetlocking(fp, FSETLOCKING_BYCALLER);
#endif

	ebuf[0] = '\0';
	cap = xcalloc(1, sizeof(*cap));
	cap->p = pcap_fopen_offline(fp, ebuf);
	if (cap->p == NULL) {
		free(cap);
		snprintf(err, errlen, "%s", ebuf[0] != '\0' ? ebuf :
		    "not a pcap or pcapng capture");
		goto fail;
	}
	cap->fp = fp;
	cap->iobuf = iobuf;
	cap->fd = -1;
	cap->stream = stream;
	if (map) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigbus;
		sigemptyset(&sa.sa_mask);
		(void)sigaction(SIGBUS, &sa, NULL);
		cap->mapped = true;
	}
	if (capture_check_link(cap, err, errlen) == -1) {
		capture_close(cap);
		return (NULL);
	}
	return (cap);

fail:
	/* Standard input keeps its buffer for as long as it lives. */
	if (fp != stdin) {
		fclose(fp);
		free(iobuf);
	}
	return (NULL);
}

/* "what: libpcap's words" for a pcap_activate() status. */
static void
activate_message(pcap_t *p, int status, char *buf, size_t len)
{
	const char *detail = pcap_geterr(p);

	/* These statuses come with a message naming the cause; others not. */
	if ((status == PCAP_ERROR || status == PCAP_ERROR_NO_SUCH_DEVICE ||
	    status == PCAP_ERROR_PERM_DENIED ||
	    status == PCAP_WARNING_PROMISC_NOTSUP ||
	    status == PCAP_WARNING) && detail != NULL && detail[0] != '\0' &&
	    strcmp(detail, pcap_statustostr(status)) != 0)
		snprintf(buf, len, "%s (%s)", pcap_statustostr(status), detail);
	else
		snprintf(buf, len, "%s", pcap_statustostr(status));
}

struct capture *
capture_open_live(const struct capture_live_opts *o, char *err,
    size_t errlen, char *warn, size_t warnlen)
{
	char		 ebuf[PCAP_ERRBUF_SIZE];
	struct capture	*cap;
	pcap_t		*p;
	int		 status;

	warn[0] = '\0';
	ebuf[0] = '\0';
	if ((p = pcap_create(o->iface, ebuf)) == NULL) {
		snprintf(err, errlen, "%s", ebuf);
		return (NULL);
	}
	if (o->snaplen > 0)
		(void)pcap_set_snaplen(p, o->snaplen);
	(void)pcap_set_promisc(p, o->promisc);
	if (o->buffer_kib > 0)
		(void)pcap_set_buffer_size(p, o->buffer_kib * 1024);
#ifdef HAVE_PCAP_SET_IMMEDIATE_MODE
	(void)pcap_set_immediate_mode(p, o->immediate);
#endif
	/* Packets are handed over at least every 100 ms when not immediate. */
	(void)pcap_set_timeout(p, 100);
	status = pcap_activate(p);
	if (status < 0) {
		activate_message(p, status, err, errlen);
		pcap_close(p);
		return (NULL);
	}
	if (status > 0)
		activate_message(p, status, warn, warnlen);

	cap = xcalloc(1, sizeof(*cap));
	cap->p = p;
	cap->live = 1;
	cap->fd = -1;
	if (capture_check_link(cap, err, errlen) == -1) {
		capture_close(cap);
		return (NULL);
	}
	/*
	 * Non-blocking, and waited on with poll(): on Linux a read with a
	 * timeout may still block while no packet comes, and the timers
	 * must run in a quiet network too.
	 */
	if (pcap_setnonblock(p, 1, ebuf) == -1) {
		snprintf(err, errlen, "%s", ebuf);
		capture_close(cap);
		return (NULL);
	}
	cap->fd = pcap_get_selectable_fd(p);
	return (cap);
}

int
capture_set_filter(struct capture *cap, const char *expr, char *err,
    size_t errlen)
{
	struct bpf_program	prog;
	int			rc;

	if (pcap_compile(cap->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) ==
	    -1) {
		snprintf(err, errlen, "%s", pcap_geterr(cap->p));
		return (-1);
	}
	rc = pcap_setfilter(cap->p, &prog);
	if (rc == -1)
		snprintf(err, errlen, "%s", pcap_geterr(cap->p));
	pcap_freecode(&prog);
	return (rc == -1 ? -1 : 0);
}

int
capture_wait(struct capture *cap, int timeout_ms)
{
	struct pollfd	pfd;
	int		n;

	if (!cap->live || cap->fd < 0)
		return (1);
	pfd.fd = cap->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return (-1);
	return (n > 0 ? 1 : 0);
}

int
capture_get_stats(struct capture *cap, struct capture_stats *st)
{
	struct pcap_stat ps;

	memset(st, 0, sizeof(*st));
	if (!cap->live || pcap_stats(cap->p, &ps) == -1)
		return (-1);
	st->received = ps.ps_recv;
	st->dropped = ps.ps_drop;
	st->ifdropped = ps.ps_ifdrop;
	return (0);
}

int
capture_list_interfaces(FILE *fp, char *err, size_t errlen)
{
	char		 ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t	*all, *d;
	int		 i = 0;

	if (pcap_findalldevs(&all, ebuf) == -1) {
		snprintf(err, errlen, "%s", ebuf);
		return (-1);
	}
	for (d = all; d != NULL; d = d->next) {
		fprintf(fp, "%d.%s", ++i, d->name);
		if (d->description != NULL)
			fprintf(fp, " (%s)", d->description);
		if (d->flags & PCAP_IF_LOOPBACK)
			fprintf(fp, " [Loopback]");
		if (d->flags & PCAP_IF_UP)
			fprintf(fp, " [Up]");
		fprintf(fp, "\n");
	}
	pcap_freealldevs(all);
	return (0);
}

/* libpcap's callback: translate the record header and pass the frame on. */
static void
capture_handler(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture		*cap = (struct capture *)(void *)user;
	struct tcpfsm_pkt	 pkt;

	pkt.ts = (int64_t)h->ts.tv_sec * 1000000 + (int64_t)h->ts.tv_usec;
	pkt.caplen = h->caplen;
	pkt.len = h->len;
	pkt.data = bytes;
	pkt.link = cap->link;
	cap->cb(cap->arg, &pkt);
}

/*
 * Would reading the next packet wait for the input?  What stdio holds is
 * read without waiting; else the kernel says what its queue holds (if it
 * cannot, the answer is yes: a flush too many costs little).
 */
static bool
input_idle(const struct capture *cap)
{
	int n;

#ifdef __GLIBC__
	if (cap->fp->_IO_read_ptr < cap->fp->_IO_read_end)
		return (false);
#endif
	return (ioctl(fileno(cap->fp), FIONREAD, &n) == -1 || n <= 0);
}

/* capture_handler() on a pipe, for capture_on_idle(). */
static void
stream_handler(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *cap = (struct capture *)(void *)user;

	capture_handler(user, h, bytes);
	if (input_idle(cap))
		cap->on_idle(cap->arg);
}

int
capture_dispatch(struct capture *cap, int cnt, capture_cb cb, void *arg,
    char *err, size_t errlen)
{
	sigjmp_buf	 jb;
	int		 n;

	/* on_sigbus() comes back here, from inside pcap_dispatch(). */
	if (cap->mapped) {
		if (sigsetjmp(jb, 1) != 0) {
			bus_jump = NULL;
			cap->shrank = true;
		}
	}
	if (cap->shrank) {
		snprintf(err, errlen, "the file shrank while it was read");
		return (CAPTURE_ERROR);
	}
	cap->cb = cb;
	cap->arg = arg;
	if (cap->mapped)
		bus_jump = &jb;
	n = pcap_dispatch(cap->p, cnt, cap->on_idle != NULL ? stream_handler :
	    capture_handler, (u_char *)(void *)cap);
	bus_jump = NULL;
	if (cap->mapped)
		release_read(cap);
	if (n >= 0)
		return (n);
	if (n == PCAP_ERROR_BREAK)
		return (CAPTURE_BREAK);
	snprintf(err, errlen, "%s", pcap_geterr(cap->p));
	return (CAPTURE_ERROR);
}

void
capture_breakloop(struct capture *cap)
{
	pcap_breakloop(cap->p);
}

void
capture_on_idle(struct capture *cap, void (*fn)(void *arg))
{
	cap->on_idle = cap->stream ? fn : NULL;
}

long long
capture_offset(const struct capture *cap)
{
	long off;

	if (cap->fp == NULL || cap->fp == stdin)
		return (-1);
	off = ftell(cap->fp);
	return (off < 0 ? -1 : (long long)off);
}

const char *
capture_link_name(const struct capture *cap)
{
	const char *name;

	name = pcap_datalink_val_to_name(pcap_datalink(cap->p));
	return (name != NULL ? name : "unknown");
}

void
capture_close(struct capture *cap)
{
	if (cap == NULL)
		return;
	/* pcap_close() closes the FILE it was given, stdin included. */
	if (cap->p != NULL)
		pcap_close(cap->p);
	free(cap->iobuf);
	free(cap);
}
