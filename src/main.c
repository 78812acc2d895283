/*
 * main.c - tcpfsm's command line: options in, a run of the pipeline, an
 * exit status out.  Only this file prints errors and calls exit().
 */
#include <config.h>

#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anomaly.h"
#include "capture.h"
#include "cksum.h"
#include "decode.h"
#include "explain.h"
#include "flow.h"
#include "output.h"
#include "output-text.h"
#include "pipeline.h"
#include "util.h"
#include "zeek-table.h"

#define EXIT_RUNTIME	1	/* DESIGN §7: unreadable input, write error */
#define EXIT_USAGE	2
#define EXIT_ANOMALY	3	/* --fail-on: anomalies of that severity */

/* The output's buffer when records are not flushed one by one. */
#define OUT_BUFFER	(256 << 10)

/* Packets per capture_dispatch(): output errors are checked between. */
#define DISPATCH_BATCH	4096

/* A live capture waits at most this long for packets before timers run. */
#define LIVE_POLL_MS	200

/* --stats-interval's default (DESIGN §6), microseconds. */
#define STATS_INTERVAL	(INT64_C(60) * 1000000)

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_ZEEK };

struct tcpfsm_opts {
	const char	**files;	/* -r, in the order given */
	size_t		  nfiles;
	const char	 *outpath;	/* -o, NULL for standard output */
	enum format	  format;	/* -F */
	bool		  packets;	/* --packets */
	bool		  quiet;	/* -q */
	bool		  events;	/* --events */
	int		  fail_on;	/* --fail-on severity, or -1 */
	bool		  seeded;	/* --seed given */
	bool		  verify_checksums; /* --verify-checksums */
	const char	 *iface;	/* -i */
	int		  snaplen;	/* -s, 0 for libpcap's default */
	bool		  no_promisc;	/* -p */
	int		  buffer_kib;	/* -B */
	bool		  list_ifaces;	/* -D */
	char		 *filter;	/* the trailing arguments, or NULL */
	int64_t		  stats_interval; /* --stats-interval, microseconds */
	int		  threads;	/* --threads: 1, or 2 to read apart */
	uint32_t	  shard_k;	/* --shard K/N: shard K, from 1 ... */
	uint32_t	  shard_n;	/* ... of N; 0 when not sharding */
	struct flow_config flow;
};

/*
 * DESIGN §7: while files are read on a terminal, a line on standard error
 * says how far the reading is, redrawn in place.  The reading thread's.
 */
struct progress {
	bool		 on;
	int64_t		 next;		/* when to draw next, monotonic us */
	int64_t		 last_t;	/* when it was drawn last */
	uint64_t	 last_frame;	/* run->frame then */
	long long	 total;		/* bytes of every file; -1 unknown */
	long long	 done;		/* bytes of the files read before */
	size_t		 file;		/* the file being read, from 1 */
	size_t		 nfiles;
	int		 width;		/* of the line drawn, 0 for none */
	int		 max_width;	/* what fits on one line */
};

struct run {
	/* Set before reading starts; both threads read them. */
	const struct tcpfsm_opts *opts;
	FILE		*out;
	struct output	*output;	/* records; NULL with --packets */
	struct flow_table *flow;
	struct zeek_table *zeek;	/* -F zeek: Zeek's connections */
	struct pipeline	*pipe;		/* files on two threads, or NULL */
	struct output	*stats_out;	/* where "stats" records go */

	/* The analysis thread's. */
	_Alignas(CACHE_LINE) int write_errno;	/* first failed write of
						   --packets lines */
	int		 max_sev;	/* highest anomaly severity, or -1 */

	/*
	 * The reading thread's, written on every packet, on cache lines of
	 * their own: sharing one with the fields above made each packet
	 * move that line between the two CPUs twice (perf: a quarter of
	 * on_packet()'s time was its first load of run->pipe).
	 */
	_Alignas(CACHE_LINE) struct decode_stats stats;
	uint64_t	 frame;		/* frames read so far, all files */
	uint64_t	 file_frames;	/* frames read from the current file */
	char		 line[OUTPUT_SEGMENT_LEN];
	struct progress	 progress;
};

/* The only mutable file-scope state: what a signal handler may touch. */
static volatile sig_atomic_t	 stop_requested;
static struct capture *volatile	 current_capture;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (current_capture != NULL)
		capture_breakloop(current_capture);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: tcpfsm [-hpqV] [-F text|json|zeek] [-o file] [--packets] [--events]\n"
"              [--fail-on severity] [--handshake-timeout s] [--fin-timeout s]\n"
"              [--idle-timeout s] [--msl s] [--max-conns n] [--seed n]\n"
"              [--verify-checksums] [--stats-interval s] [--threads 1|2]\n"
"              [--shard k/n] [-s snaplen] [-B kib]\n"
"              -r file [-r file ...] | -i interface   [filter expression]\n"
"       tcpfsm -D\n"
"       tcpfsm --explain [id]\n"
"  -i interface         capture live (any: all interfaces); Ctrl-C ends it\n"
"  -s snaplen, -p, -B kib   snapshot length, no promiscuous mode, buffer size\n"
"  -D                   list the interfaces -i can capture on\n"
"  --stats-interval s   live: a stats record every s seconds (60; 0: none)\n"
"  -r file              read a pcap or pcapng capture (- for standard input);\n"
"                       repeat to read several files as one capture\n"
"  --threads 1|2        files: 2 reads on one thread, analyses on another\n"
"                       (the default with more than one CPU)\n"
"  -F text|json|zeek    output format (default text); zeek: Zeek's conn.log\n"
"  -o file              write to file instead of standard output\n"
"  -q                   summary only, no per-connection records\n"
"  --packets            one line per TCP segment with both endpoints' states\n"
"  --events             also write each anomaly as soon as it is decided\n"
"  --fail-on severity   exit 3 if an anomaly of info, warning or error was found\n"
"  --handshake-timeout  seconds a SYN or SYN-ACK may wait for an answer (5)\n"
"  --fin-timeout        seconds a FIN may wait for its ACK (5)\n"
"  --idle-timeout       seconds of silence that end a connection (300)\n"
"  --msl                maximum segment lifetime; TIME_WAIT lasts 2 x msl (30)\n"
"  --max-conns n        live connections at most; the least active is evicted\n"
"  --seed n             hash seed, for reproducible memory layouts\n"
"  --verify-checksums   drop segments with a bad TCP checksum (bad_checksum)\n"
"  --shard k/n          analyse only the connections of shard k of n\n"
"  --explain [id]       what an anomaly means and what to look at next\n"
"  -h, -V               help, version\n"
"  filter expression    pcap-filter(7) syntax, as tcpdump takes it\n");
}

/* The flow table's sinks: write what the options ask for. */
static void
sink_segment(void *arg, const struct flow_segment_view *v,
    const struct tcpfsm_seg *seg)
{
	struct run	*run = arg;
	size_t		 n;

	if (!run->opts->packets)
		return;
	n = output_text_replay(run->line, sizeof(run->line), seg, v);
	if (fwrite(run->line, 1, n, run->out) != n && run->write_errno == 0)
		run->write_errno = errno;
}

static void
sink_conn(void *arg, const struct conn *c)
{
	struct run *run = arg;

	if (run->output != NULL)
		run->output->ops->conn(run->output, c);
}

/* -F zeek: a connection Zeek would log is over. */
static void
sink_zeek_row(void *arg, const struct zeek_row *row)
{
	struct run *run = arg;

	output_zeek_row(run->output, row);
}

static void
sink_anomaly(void *arg, const struct conn_ident *id, const struct anomaly *a)
{
	struct run *run = arg;

	if (a->sev > run->max_sev)
		run->max_sev = a->sev;
	if (run->output != NULL)
		run->output->ops->anomaly(run->output, id, a);
}

/*
 * Replay one segment, its key made: tcpfsm's connections, and Zeek's for
 * -F zeek (both tables hash with the same seed, so one key serves both).
 */
static void
replay_keyed(struct run *run, const struct tcpfsm_seg *seg,
    const struct flow_keyed *kd)
{
	flow_segment_keyed(run->flow, seg, kd);
	if (run->zeek != NULL)
		zeek_table_segment_keyed(run->zeek, seg, kd);
}

/*
 * A segment of another shard's connection still moves the clock, as it
 * would without --shard: the connections of this shard then time out
 * when they would have, and end the capture as they would have.
 */
static void
replay_passed(struct run *run, int64_t ts, uint64_t frame)
{
	flow_pass(run->flow, ts, frame);
	if (run->zeek != NULL)
		zeek_table_advance(run->zeek, ts);
}

/* Write out what is buffered; the first failure is kept. */
static void
flush_output(struct run *run)
{
	if (fflush(run->out) != 0 && run->write_errno == 0)
		run->write_errno = errno;
}

/*
 * Decode a packet and replay it, or with two threads hand what the
 * analysis reads of it to the analysis thread.
 */
static void
on_packet(void *arg, const struct tcpfsm_pkt *pkt)
{
	struct run		*run = arg;
	struct tcpfsm_seg	 local, *seg = &local;
	struct pipe_item	*it = NULL;
	struct flow_keyed	 kd;
	enum decode_result	 r;

	if (run->pipe != NULL)
		it = pipeline_item(run->pipe);
	run->frame++;
	run->file_frames++;
	r = decode_frame(pkt->link, pkt->data, pkt->caplen, pkt->len, seg);
	decode_stats_add(&run->stats, r, seg, pkt->len);
	if (r != DECODE_OK) {
		/* Zeek's timers run on every packet's time. */
		if (run->zeek == NULL)
			return;
		if (it == NULL) {
			zeek_table_advance(run->zeek, pkt->ts);
			return;
		}
		memcpy(it->seg + offsetof(struct tcpfsm_seg, ts), &pkt->ts,
		    sizeof(pkt->ts));
		it->tick = TICK_TIME;
		pipeline_commit(run->pipe);
		return;
	}
	seg->ts = pkt->ts;
	seg->frame = run->frame;
	if (run->opts->verify_checksums)
		seg->cksum_bad = !cksum_tcp_ok(seg);
	/*
	 * The key, for --shard too.  Two threads hand its hash over: with it
	 * the analysis thread asks for the slot eight segments ahead.  (Both
	 * threads are about as busy, under -q as with records: perf.)
	 */
	flow_keyed_make(seg, run->opts->flow.seed, &kd);
	if (run->opts->shard_n > 1 &&
	    flow_key_shard(&kd.key, run->opts->shard_n) !=
	    run->opts->shard_k - 1) {
		run->stats.other_shard++;
		if (it == NULL) {
			replay_passed(run, seg->ts, seg->frame);
			return;
		}
		it->tick = TICK_PASS;
	} else {
		if (it == NULL) {
			replay_keyed(run, seg, &kd);
			return;
		}
		it->hash = kd.hash;
		it->tick = TICK_NONE;
	}
	memcpy(it->seg, seg, TCPFSM_SEG_HOT);
	pipeline_commit(run->pipe);
}

/*
 * Reading a pipe (tcpdump -U -w - | tcpfsm -r -), the reader is about to
 * wait for more: the segments read so far are handed over, and what was
 * written goes out, so that no record is held back by packets yet to
 * come.  (The analysis thread flushes when it is idle: replay_idle().)
 */
static void
on_input_idle(void *arg)
{
	struct run *run = arg;

	if (run->pipe != NULL)
		pipeline_flush(run->pipe);
	else
		flush_output(run);
}

/* Has writing failed?  Then reading on is pointless. */
static bool
output_failed(const struct run *run)
{
	return (run->write_errno != 0 || ferror(run->out) ||
	    (run->output != NULL && run->output->write_errno != 0));
}

/*
 * The connection index and the trace index are bigger than the caches on
 * a busy capture (perf: a third of the lookup's time was the first load of
 * a slot).  Items this far ahead have their slots asked for first.
 */
#define PREFETCH_AHEAD	8
#define STAGE_RING	16	/* a power of two above PREFETCH_AHEAD */

/* An item taken out of the batch, keyed, its slots asked for. */
struct staged {
	struct tcpfsm_seg	 seg;
	struct flow_keyed	 kd;
	uint8_t			 tick;	/* TICK_* */
};

static void
stage_item(const struct run *run, struct staged *st,
    const struct pipe_item *it)
{
	memcpy(&st->seg, it->seg, TCPFSM_SEG_HOT);
	st->tick = it->tick;
	if (st->tick != TICK_NONE)
		return;
	/* The key again (cheap); its hash as the reader made it. */
	flow_key_make(&st->seg, &st->kd.key, &st->kd.side);
	st->kd.hash = it->hash;
	flow_prefetch(run->flow, st->kd.hash,
	    (st->seg.flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN);
}

/*
 * The analysis thread's work: what on_packet() does after decoding, on
 * segments whose first TCPFSM_SEG_HOT bytes came over.  The rest of seg
 * (the SACK blocks, the pointers into the packet) is never read here.
 * Each item is staged PREFETCH_AHEAD items before its turn: copied out,
 * keyed, and its index slots asked for.
 */
static bool
replay_items(void *arg, struct pipe_item *items, size_t n)
{
	struct run		*run = arg;
	struct staged		 ring[STAGE_RING], *st;
	size_t			 i;

	memset(ring, 0, sizeof(ring));
	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		stage_item(run, &ring[i], &items[i]);
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			stage_item(run, &ring[(i + PREFETCH_AHEAD) &
			    (STAGE_RING - 1)], &items[i + PREFETCH_AHEAD]);
		st = &ring[i & (STAGE_RING - 1)];
		switch (st->tick) {
		case TICK_NONE:
			replay_keyed(run, &st->seg, &st->kd);
			break;
		case TICK_PASS:
			replay_passed(run, st->seg.ts, st->seg.frame);
			break;
		default:
			zeek_table_advance(run->zeek, st->seg.ts);
			break;
		}
	}
	return (output_failed(run));
}

/*
 * The analysis thread caught up with the reader, which waits for its
 * input (or is slower): what is buffered goes out now, so that records
 * written to a file are not held back while a pipe is quiet.
 */
static void
replay_idle(void *arg)
{
	flush_output(arg);
}

/* Should reading stop because the output failed?  (The reader's view.) */
static bool
reading_pointless(struct run *run)
{
	if (run->pipe != NULL)
		return (pipeline_stopped(run->pipe));
	return (output_failed(run));
}

/* The first progress line after this long (a short run draws none)... */
#define PROGRESS_FIRST	INT64_C(1000000)
/* ... and a new one this often, microseconds. */
#define PROGRESS_EVERY	INT64_C(500000)
/* At most this wide (or the terminal's width less one), so that a
   carriage return can redraw it. */
#define PROGRESS_WIDTH	79

/* Monotonic time, in microseconds. */
static int64_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* A count, short: 950, 12k, 3.4M. */
static void
short_count(char *buf, size_t len, double v)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.0fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

/*
 * Should a progress line be drawn?  Only on a terminal, and not when the
 * terminal is also where the records go while files are read: the two
 * would tear each other apart.  Never for a live capture (its "stats"
 * records say how it goes) and never on a pipe.
 */
static void
progress_init(struct progress *pg, const struct tcpfsm_opts *opts, FILE *out)
{
	struct winsize	 ws;
	struct stat	 st;
	size_t		 i;

	memset(pg, 0, sizeof(*pg));
	if (opts->nfiles == 0 || !isatty(STDERR_FILENO))
		return;
	if (isatty(fileno(out)) && (!opts->quiet || opts->packets))
		return;
	pg->on = true;
	pg->nfiles = opts->nfiles;
	pg->max_width = PROGRESS_WIDTH;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
	    ws.ws_col - 1 < PROGRESS_WIDTH)
		pg->max_width = ws.ws_col - 1;
	pg->next = mono_now() + PROGRESS_FIRST;
	/* Standard input's position is not known, even if it is a file. */
	for (i = 0; i < opts->nfiles && pg->total >= 0; i++) {
		if (strcmp(opts->files[i], "-") == 0 ||
		    stat(opts->files[i], &st) == -1 || !S_ISREG(st.st_mode))
			pg->total = -1;
		else
			pg->total += st.st_size;
	}
}

/* Erase the line, before anything else is written to standard error. */
static void
progress_clear(struct progress *pg)
{
	if (pg->width == 0)
		return;
	fprintf(stderr, "\r%*s\r", pg->width, "");
	pg->width = 0;
}

/* Redraw the line if it is time to: called between batches of packets. */
static void
progress_draw(struct progress *pg, uint64_t frame, struct capture *cap,
    const char *path)
{
	char		 line[256], where[64], pkts[16], rate[16], name[40];
	const char	*base;
	long long	 off, at;
	int64_t		 now;
	size_t		 len;
	int		 n;

	if (!pg->on || (now = mono_now()) < pg->next)
		return;
	if (pg->last_t == 0)
		pg->last_t = now - PROGRESS_FIRST;
	short_count(pkts, sizeof(pkts), (double)frame);
	short_count(rate, sizeof(rate), (double)(frame - pg->last_frame) *
	    1e6 / (double)(now - pg->last_t));
	off = capture_offset(cap);
	at = pg->done + (off >= 0 ? off : 0);
	/* A pipe has no position to tell. */
	if (off < 0)
		where[0] = '\0';
	else if (pg->total > 0)
		snprintf(where, sizeof(where), "%.1f of %.1f MB (%d%%), ",
		    (double)at / 1e6, (double)pg->total / 1e6,
		    (int)(at * 100 / pg->total));
	else
		snprintf(where, sizeof(where), "%.1f MB, ", (double)at / 1e6);
	/* The file's own name, cut at the front if it is long. */
	if (strcmp(path, "-") == 0)
		base = "standard input";
	else
		base = (base = strrchr(path, '/')) != NULL && base[1] != '\0' ?
		    base + 1 : path;
	len = strlen(base);
	snprintf(name, sizeof(name), "%s%s", len >= sizeof(name) ? "..." : "",
	    len >= sizeof(name) ? base + len - (sizeof(name) - 4) : base);
	if (pg->nfiles > 1)
		n = snprintf(line, sizeof(line), "tcpfsm: %s (%zu of %zu): %s"
		    "%s packets, %s/s", name, pg->file, pg->nfiles, where, pkts,
		    rate);
	else
		n = snprintf(line, sizeof(line), "tcpfsm: %s: %s%s packets, "
		    "%s/s", name, where, pkts, rate);
	if (n > pg->max_width)
		n = pg->max_width;
	fprintf(stderr, "\r%.*s%*s", n, line, pg->width > n ? pg->width - n :
	    0, "");
	fflush(stderr);
	pg->width = n > pg->width ? n : pg->width;
	pg->last_t = now;
	pg->last_frame = frame;
	pg->next = now + PROGRESS_EVERY;
}

/*
 * Read one capture file to its end.  Returns 0, -1 after printing why the
 * file could not be read (the packets before the damage were counted), or
 * -2 when the filter does not compile for it.
 */
static int
run_file(struct run *run, const char *path)
{
	char		 err[512];
	struct capture	*cap;
	long long	 off;
	int		 n = CAPTURE_EOF;

	if ((cap = capture_open_file(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tcpfsm: %s: %s\n", path, err);
		return (-1);
	}
	if (run->opts->filter != NULL && capture_set_filter(cap,
	    run->opts->filter, err, sizeof(err)) == -1) {
		fprintf(stderr, "tcpfsm: filter \"%s\": %s\n",
		    run->opts->filter, err);
		capture_close(cap);
		return (-2);
	}
	run->file_frames = 0;
	run->progress.file++;
	capture_on_idle(cap, on_input_idle);
	current_capture = cap;
	do {
		if (stop_requested)
			break;
		n = capture_dispatch(cap, DISPATCH_BATCH, on_packet, run,
		    err, sizeof(err));
		if (reading_pointless(run))
			break;
		progress_draw(&run->progress, run->frame, cap, path);
	} while (n > 0);
	current_capture = NULL;
	progress_clear(&run->progress);
	if ((off = capture_offset(cap)) > 0)
		run->progress.done += off;
	/* A signal interrupts a blocked read (a pipe): that is a stop. */
	if (n == CAPTURE_ERROR && stop_requested)
		n = CAPTURE_BREAK;
	if (n == CAPTURE_ERROR) {
		off = capture_offset(cap);
		fprintf(stderr, "tcpfsm: %s: %s (after packet %" PRIu64,
		    path, err, run->file_frames);
		if (off >= 0)
			fprintf(stderr, ", at byte %lld", off);
		fprintf(stderr, ")\n");
	}
	capture_close(cap);
	return (n == CAPTURE_ERROR ? -1 : 0);
}

/* Wall-clock time, in microseconds since the epoch. */
static int64_t
wall_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return ((int64_t)tv.tv_sec * 1000000 + tv.tv_usec);
}

/* A "stats" record: the kernel's counters and the analysis so far. */
static void
write_stats(struct run *run, struct capture *cap, int64_t now)
{
	const struct flow_stats	*fs = flow_stats(run->flow);
	struct capture_stats	 cs;
	struct output_stats	 os;
	int			 i;

	if (run->stats_out == NULL || run->stats_out->ops->stats == NULL)
		return;
	memset(&os, 0, sizeof(os));
	if (capture_get_stats(cap, &cs) == 0) {
		os.received = cs.received;
		os.dropped = cs.dropped;
		os.ifdropped = cs.ifdropped;
	}
	os.ts = now;
	os.packets = run->stats.packets;
	os.live = fs->live;
	os.conns = fs->conns;
	for (i = 0; i < AN_NIDS; i++)
		os.anomalies += fs->anomalies[i];
	run->stats_out->ops->stats(run->stats_out, &os);
}

/*
 * Capture on an interface until a signal, an error or a closed output.
 * The handle is non-blocking and waited on, so the timers run in packet
 * time while packets come and in wall-clock time while none do: a
 * half-open connection is reported when its timeout passes, traffic or
 * not.  Returns 0, -1 after an interface error, -2 for a bad filter, -3
 * when the interface could not be opened at all.
 */
static int
run_live(struct run *run)
{
	const struct tcpfsm_opts	*opts = run->opts;
	struct capture_live_opts	 lo;
	struct capture			*cap;
	char				 err[512], warn[512];
	int64_t				 now, next_stats;
	int				 n, status = 0, i;

	memset(&lo, 0, sizeof(lo));
	lo.iface = opts->iface;
	lo.snaplen = opts->snaplen;
	lo.promisc = !opts->no_promisc;
	lo.buffer_kib = opts->buffer_kib;
	lo.immediate = 1;
	if ((cap = capture_open_live(&lo, err, sizeof(err), warn,
	    sizeof(warn))) == NULL) {
		fprintf(stderr, "tcpfsm: %s: %s\n", opts->iface, err);
		return (-3);
	}
	if (warn[0] != '\0')
		fprintf(stderr, "tcpfsm: %s: warning: %s\n", opts->iface, warn);
	if (opts->filter != NULL && capture_set_filter(cap, opts->filter,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "tcpfsm: filter \"%s\": %s\n", opts->filter,
		    err);
		capture_close(cap);
		return (-2);
	}
	current_capture = cap;
	next_stats = wall_now() + opts->stats_interval;
	while (!stop_requested) {
		if (capture_wait(cap, LIVE_POLL_MS) < 0 && errno != EINTR) {
			fprintf(stderr, "tcpfsm: %s: %s\n", opts->iface,
			    strerror(errno));
			status = -1;
			break;
		}
		n = capture_dispatch(cap, -1, on_packet, run, err,
		    sizeof(err));
		if (n == CAPTURE_BREAK || stop_requested)
			break;
		if (n == CAPTURE_ERROR) {
			fprintf(stderr, "tcpfsm: %s: %s\n", opts->iface, err);
			status = -1;
			break;
		}
		now = wall_now();
		flow_tick(run->flow, now);
		if (run->zeek != NULL)
			zeek_table_advance(run->zeek, now);
		if (opts->stats_interval > 0 && now >= next_stats) {
			write_stats(run, cap, now);
			next_stats = now + opts->stats_interval;
		}
		if (opts->packets)
			flush_output(run);
		if (output_failed(run))
			break;
	}
	/*
	 * After a break, the first dispatch only reports it; the next one
	 * reads what the kernel had already captured (pcap_breakloop(3)).
	 */
	for (i = 0; i < 2 && status == 0 && !output_failed(run); i++)
		if (capture_dispatch(cap, -1, on_packet, run, err,
		    sizeof(err)) != CAPTURE_BREAK)
			break;
	current_capture = NULL;
	capture_close(cap);
	return (status);
}

/* Refuse, before reading anything, a file name that cannot be a capture. */
static int
check_file(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return (0);
	if (stat(path, &st) == -1) {
		fprintf(stderr, "tcpfsm: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tcpfsm: %s: %s\n", path, strerror(EISDIR));
		return (-1);
	}
	return (0);
}

/* Finish writing; a reader that went away (EPIPE) is not an error. */
static int
finish_output(struct run *run, const char *name)
{
	int err = run->write_errno;

	if (err == 0 && run->output != NULL)
		err = run->output->write_errno;
	if (fflush(run->out) != 0 && err == 0)
		err = errno;
	if (err == 0 && !ferror(run->out))
		return (0);
	if (err == EPIPE)
		return (0);
	fprintf(stderr, "tcpfsm: %s: write error: %s\n", name,
	    strerror(err != 0 ? err : EIO));
	return (-1);
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked read must return so the loop can stop. */
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A closed pipe shows up as EPIPE on write and ends the run quietly. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * Flush per record where someone may be reading live: a pipe, a socket, a
 * terminal.  Not a plain file, nor a device nobody reads (/dev/null),
 * where a write(2) per record would be the biggest cost of a record.
 */
static bool
wants_flush(FILE *fp)
{
	struct stat st;

	if (fstat(fileno(fp), &st) == -1)
		return (true);
	return (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
	    isatty(fileno(fp)));
}

/*
 * Read every input and write the results.  Returns the exit status.
 */
static int
tcpfsm_run(const struct tcpfsm_opts *opts)
{
	struct flow_sink sink;
	struct flow_config flow_cfg;
	struct run	 run;
	struct output	*summary_out;
	const char	*outname;
	unsigned	 oflags = 0;
	size_t		 i;
	int		 status = 0;
	bool		 nothing = false;

	for (i = 0; i < opts->nfiles; i++)
		if (check_file(opts->files[i]) == -1)
			return (EXIT_RUNTIME);

	memset(&run, 0, sizeof(run));
	run.opts = opts;
	run.max_sev = -1;
	if (opts->outpath == NULL || strcmp(opts->outpath, "-") == 0) {
		run.out = stdout;
		outname = "standard output";
	} else if ((run.out = fopen(opts->outpath, "w")) == NULL) {
		fprintf(stderr, "tcpfsm: %s: %s\n", opts->outpath,
		    strerror(errno));
		return (EXIT_RUNTIME);
	} else
		outname = opts->outpath;
	install_signals();
	progress_init(&run.progress, opts, run.out);

	if (opts->quiet)
		oflags |= OUTPUT_QUIET;
	if (opts->events)
		oflags |= OUTPUT_EVENTS;
	/* Live, records are read as they come, even from a file (tail -f). */
	if (opts->iface != NULL || wants_flush(run.out))
		oflags |= OUTPUT_FLUSH;
	else {
		/*
		 * Else in big blocks: with stdio's 4 KiB a flood's JSON took
		 * a write(2) for every two or three records (perf).
		 */
		(void)setvbuf(run.out, NULL, _IOFBF, OUT_BUFFER);
	}
	/* --packets owns standard output: records stay off it. */
	if (opts->packets)
		summary_out = output_text_new(stderr, OUTPUT_QUIET);
	else if (opts->format == FORMAT_ZEEK) {
		/* Zeek's rows alone on the output; the summary aside. */
		run.output = output_zeek_new(run.out, oflags);
		summary_out = output_text_new(stderr, OUTPUT_QUIET);
	} else {
		run.output = opts->format == FORMAT_JSON ?
		    output_json_new(run.out, oflags) :
		    output_text_new(run.out, oflags);
		summary_out = run.output;
	}
	run.stats_out = summary_out;
	memset(&sink, 0, sizeof(sink));
	sink.arg = &run;
	/*
	 * Only the callbacks something is written for: a connection the
	 * table tells nobody about is never named (two hashes), and a
	 * segment costs no call.  Anomalies are always heard, for
	 * --fail-on.
	 */
	if (opts->packets)
		sink.segment = sink_segment;
	if (!opts->quiet && !opts->packets && opts->format != FORMAT_ZEEK)
		sink.conn = sink_conn;
	sink.anomaly = sink_anomaly;
	/* Only JSON records show Zeek's view of tcpfsm's connections. */
	flow_cfg = opts->flow;
	flow_cfg.zeek = run.output != NULL && opts->format == FORMAT_JSON &&
	    !opts->quiet;
	run.flow = flow_new(&flow_cfg, &sink);
	if (opts->format == FORMAT_ZEEK && !opts->packets && !opts->quiet)
		run.zeek = zeek_table_new(opts->flow.seed, sink_zeek_row, &run);
	/*
	 * Files on two threads; a live capture stays on one (its timers and
	 * stats records run between reads), and so does --packets.  If no
	 * thread can be had, one does it all, with the same result.
	 */
	if (opts->iface == NULL && !opts->packets && opts->threads > 1)
		run.pipe = pipeline_new(replay_items, replay_idle, &run);

	if (opts->iface != NULL) {
		switch (run_live(&run)) {
		case -1:
			status = EXIT_RUNTIME;
			break;
		case -2:
			status = EXIT_USAGE;
			break;
		case -3:
			/* Nothing was captured: there is nothing to report. */
			status = EXIT_RUNTIME;
			nothing = true;
			break;
		}
	}
	for (i = 0; i < opts->nfiles && !stop_requested &&
	    status != EXIT_USAGE; i++) {
		switch (run_file(&run, opts->files[i])) {
		case -1:
			status = EXIT_RUNTIME;
			break;
		case -2:
			status = EXIT_USAGE;
			break;
		}
		if (reading_pointless(&run))
			break;
	}
	/* Everything read is replayed before anything is concluded. */
	if (run.pipe != NULL)
		pipeline_finish(run.pipe);

	/*
	 * Whatever stopped the reading, what was read is reported; a filter
	 * that does not compile stops the run before anything was.
	 */
	if (!output_failed(&run) && status != EXIT_USAGE && !nothing) {
		flow_finish(run.flow);
		if (run.zeek != NULL)
			zeek_table_finish(run.zeek);
		summary_out->ops->summary(summary_out, &run.stats,
		    flow_stats(run.flow));
	}
	if (finish_output(&run, outname) == -1)
		status = EXIT_RUNTIME;
	if (run.out != stdout && fclose(run.out) != 0 && status == 0) {
		fprintf(stderr, "tcpfsm: %s: %s\n", outname, strerror(errno));
		status = EXIT_RUNTIME;
	}
	if (summary_out != run.output)
		output_free(summary_out);
	output_free(run.output);
	pipeline_free(run.pipe);
	flow_free(run.flow);
	zeek_table_free(run.zeek);
	if (status == 0 && opts->fail_on >= 0 && run.max_sev >= opts->fail_on)
		status = EXIT_ANOMALY;
	return (status);
}

/* Seconds, with a fraction, as microseconds; -1 if s is not one. */
static int64_t
parse_seconds(const char *s)
{
	char	*end;
	double	 d;

	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(d >= 0) ||
	    d > 1e9)
		return (-1);
	return ((int64_t)llround(d * 1e6));
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char			*end;
	unsigned long long	 n;

	if (*s == '-' || *s == '\0')
		return (-1);
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return (-1);
	*v = n;
	return (0);
}

/* --shard K/N: 1 <= K <= N < 2^32. */
static int
parse_shard(const char *s, uint32_t *k, uint32_t *n)
{
	char		*end;
	unsigned long	 a, b;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno != 0 || *end != '/' || end[1] < '0' || end[1] > '9')
		return (-1);
	b = strtoul(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || a < 1 || a > b || b > UINT32_MAX)
		return (-1);
	*k = (uint32_t)a;
	*n = (uint32_t)b;
	return (0);
}

/* A seed nobody can guess, so crafted traffic cannot flood one bucket. */
static uint64_t
random_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return (seed);
	return ((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
}

static int
explain(const char *name)
{
	int id;

	if (name == NULL)
		return (explain_list(stdout) == 0 ? 0 : EXIT_RUNTIME);
	if ((id = anomaly_lookup(name)) < 0) {
		fprintf(stderr, "tcpfsm: %s: no such anomaly id (tcpfsm "
		    "--explain lists them)\n", name);
		return (EXIT_USAGE);
	}
	return (explain_anomaly(stdout, (enum anomaly_id)id) == 0 ? 0 :
	    EXIT_RUNTIME);
}

enum {
	OPT_PACKETS = 256,
	OPT_EVENTS,
	OPT_FAIL_ON,
	OPT_HS_TIMEOUT,
	OPT_FIN_TIMEOUT,
	OPT_IDLE_TIMEOUT,
	OPT_MSL,
	OPT_MAX_CONNS,
	OPT_SEED,
	OPT_EXPLAIN,
	OPT_VERIFY_CKSUMS,
	OPT_STATS_INTERVAL,
	OPT_THREADS,
	OPT_SHARD
};

/* A positive int option (-s, -B), or a usage error naming it. */
static int
set_int(const char *opt, const char *arg, int *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || n <= 0 ||
	    n > 1 << 30) {
		fprintf(stderr, "tcpfsm: %s %s: not a positive number\n", opt,
		    arg);
		return (-1);
	}
	*v = (int)n;
	return (0);
}

/* The trailing arguments as one BPF expression, as tcpdump takes them. */
static char *
join_filter(int argc, char **argv)
{
	size_t	 len = 1;
	char	*f;
	int	 i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	f = xmalloc(len);
	f[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(f, " ");
		strcat(f, argv[i]);
	}
	return (f);
}

static int
list_interfaces(void)
{
	char err[512];

	if (capture_list_interfaces(stdout, err, sizeof(err)) == -1) {
		fprintf(stderr, "tcpfsm: interfaces: %s\n", err);
		return (EXIT_RUNTIME);
	}
	return (fflush(stdout) == 0 ? 0 : EXIT_RUNTIME);
}

/* A timer option's value, or a usage error naming the option. */
static int
set_timer(const char *opt, const char *arg, int64_t *v)
{
	if ((*v = parse_seconds(arg)) < 0) {
		fprintf(stderr, "tcpfsm: --%s: %s: not a number of seconds\n",
		    opt, arg);
		return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "events",		no_argument,	   NULL, OPT_EVENTS },
		{ "explain",		optional_argument, NULL, OPT_EXPLAIN },
		{ "fail-on",		required_argument, NULL, OPT_FAIL_ON },
		{ "fin-timeout",	required_argument, NULL, OPT_FIN_TIMEOUT },
		{ "handshake-timeout",	required_argument, NULL, OPT_HS_TIMEOUT },
		{ "help",		no_argument,	   NULL, 'h' },
		{ "idle-timeout",	required_argument, NULL, OPT_IDLE_TIMEOUT },
		{ "max-conns",		required_argument, NULL, OPT_MAX_CONNS },
		{ "msl",		required_argument, NULL, OPT_MSL },
		{ "packets",		no_argument,	   NULL, OPT_PACKETS },
		{ "seed",		required_argument, NULL, OPT_SEED },
		{ "shard",		required_argument, NULL, OPT_SHARD },
		{ "stats-interval",	required_argument, NULL,
		    OPT_STATS_INTERVAL },
		{ "threads",		required_argument, NULL, OPT_THREADS },
		{ "verify-checksums",	no_argument,	   NULL,
		    OPT_VERIFY_CKSUMS },
		{ "version",		no_argument,	   NULL, 'V' },
		{ NULL,			0,		   NULL, 0 }
	};
	struct tcpfsm_opts	 opts;
	const char		*explain_id = NULL;
	bool			 explaining = false;
	int			 ch, status;

	memset(&opts, 0, sizeof(opts));
	opts.files = xcalloc((size_t)argc, sizeof(*opts.files));
	opts.fail_on = -1;
	opts.stats_interval = STATS_INTERVAL;
	/* Reading apart from analysis pays only with a second CPU. */
	opts.threads = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	flow_config_default(&opts.flow);
	status = -1;
	while (status == -1 &&
	    (ch = getopt_long(argc, argv, "B:DF:hi:o:pqr:s:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'B':
			if (set_int("-B", optarg, &opts.buffer_kib) == -1)
				status = EXIT_USAGE;
			break;
		case 'D':
			opts.list_ifaces = true;
			break;
		case 'i':
			opts.iface = optarg;
			break;
		case 'p':
			opts.no_promisc = true;
			break;
		case 's':
			if (set_int("-s", optarg, &opts.snaplen) == -1)
				status = EXIT_USAGE;
			break;
		case OPT_STATS_INTERVAL:
			if (set_timer("stats-interval", optarg,
			    &opts.stats_interval) == -1)
				status = EXIT_USAGE;
			break;
		case OPT_THREADS:
			if (strcmp(optarg, "1") == 0)
				opts.threads = 1;
			else if (strcmp(optarg, "2") == 0)
				opts.threads = 2;
			else {
				fprintf(stderr, "tcpfsm: --threads %s: not 1 "
				    "or 2\n", optarg);
				status = EXIT_USAGE;
			}
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				opts.format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				opts.format = FORMAT_JSON;
			else if (strcmp(optarg, "zeek") == 0)
				opts.format = FORMAT_ZEEK;
			else {
				fprintf(stderr, "tcpfsm: -F %s: unknown format "
				    "(text, json or zeek)\n", optarg);
				status = EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			status = 0;
			break;
		case 'o':
			opts.outpath = optarg;
			break;
		case 'q':
			opts.quiet = true;
			break;
		case 'r':
			opts.files[opts.nfiles++] = optarg;
			break;
		case 'V':
			printf("tcpfsm %s\n", PACKAGE_VERSION);
			status = 0;
			break;
		case OPT_PACKETS:
			opts.packets = true;
			break;
		case OPT_EVENTS:
			opts.events = true;
			break;
		case OPT_FAIL_ON:
			if ((opts.fail_on = anomaly_severity_lookup(optarg)) <
			    0) {
				fprintf(stderr, "tcpfsm: --fail-on %s: not a "
				    "severity (info, warning or error)\n",
				    optarg);
				status = EXIT_USAGE;
			}
			break;
		case OPT_HS_TIMEOUT:
			if (set_timer("handshake-timeout", optarg,
			    &opts.flow.handshake_timeout) == -1)
				status = EXIT_USAGE;
			break;
		case OPT_FIN_TIMEOUT:
			if (set_timer("fin-timeout", optarg,
			    &opts.flow.fin_timeout) == -1)
				status = EXIT_USAGE;
			break;
		case OPT_IDLE_TIMEOUT:
			if (set_timer("idle-timeout", optarg,
			    &opts.flow.idle_timeout) == -1)
				status = EXIT_USAGE;
			break;
		case OPT_MSL:
			if (set_timer("msl", optarg, &opts.flow.msl) == -1)
				status = EXIT_USAGE;
			break;
		case OPT_MAX_CONNS:
			if (parse_u64(optarg, &opts.flow.max_conns) == -1 ||
			    opts.flow.max_conns == 0) {
				fprintf(stderr, "tcpfsm: --max-conns %s: not a "
				    "positive number\n", optarg);
				status = EXIT_USAGE;
			}
			break;
		case OPT_SEED:
			if (parse_u64(optarg, &opts.flow.seed) == -1) {
				fprintf(stderr, "tcpfsm: --seed %s: not a "
				    "number\n", optarg);
				status = EXIT_USAGE;
			}
			opts.seeded = true;
			break;
		case OPT_VERIFY_CKSUMS:
			opts.verify_checksums = true;
			break;
		case OPT_SHARD:
			if (parse_shard(optarg, &opts.shard_k, &opts.shard_n) ==
			    -1) {
				fprintf(stderr, "tcpfsm: --shard %s: not K/N "
				    "with 1 <= K <= N\n", optarg);
				status = EXIT_USAGE;
			}
			break;
		case OPT_EXPLAIN:
			explaining = true;
			explain_id = optarg;
			/* "--explain ID" as well as "--explain=ID". */
			if (explain_id == NULL && optind < argc &&
			    argv[optind][0] != '-')
				explain_id = argv[optind++];
			break;
		default:
			usage(stderr);
			status = EXIT_USAGE;
			break;
		}
	}
	if (status == -1 && explaining)
		status = explain(explain_id);
	if (status == -1 && opts.list_ifaces)
		status = list_interfaces();
	if (status == -1 && optind < argc)
		opts.filter = join_filter(argc - optind, argv + optind);
	if (status == -1 && opts.iface != NULL && opts.nfiles > 0) {
		fprintf(stderr, "tcpfsm: -i and -r: one input at a time\n");
		status = EXIT_USAGE;
	}
	if (status == -1 && opts.nfiles == 0 && opts.iface == NULL) {
		fprintf(stderr, "tcpfsm: no input: give -r file or -i "
		    "interface\n");
		usage(stderr);
		status = EXIT_USAGE;
	}
	if (status == -1) {
		if (!opts.seeded)
			opts.flow.seed = random_seed();
		status = tcpfsm_run(&opts);
	}
	free(opts.files);
	free(opts.filter);
	return (status);
}
