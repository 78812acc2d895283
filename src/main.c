/*
 * main.c - tcpfsm's command line: options in, a run of the pipeline, an
 * exit status out.  Only this file prints errors and calls exit().
 */
#include <config.h>

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "decode.h"
#include "output-text.h"
#include "util.h"

#define EXIT_RUNTIME	1	/* DESIGN §7: unreadable input, write error */
#define EXIT_USAGE	2

/* Packets handed over per capture_dispatch(): output errors are checked between. */
#define DISPATCH_BATCH	4096

struct tcpfsm_opts {
	const char	**files;	/* -r, in the order given */
	size_t		  nfiles;
	const char	 *outpath;	/* -o, NULL for standard output */
	bool		  packets;	/* --packets */
};

struct run {
	const struct tcpfsm_opts *opts;
	FILE		*out;
	struct decode_stats stats;
	uint64_t	 frame;		/* frames read so far, all files */
	uint64_t	 file_frames;	/* frames read from the current file */
	int		 write_errno;	/* errno of the first failed write, or 0 */
	char		 line[OUTPUT_SEGMENT_LEN];
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
	    "usage: tcpfsm [-hV] [--packets] [-o file] -r file [-r file ...]\n"
	    "  -r file     read a pcap or pcapng capture (- for standard input);\n"
	    "              repeat to read several files as one capture\n"
	    "  --packets   print one line per TCP segment (counters to stderr)\n"
	    "  -o file     write the output to file instead of standard output\n"
	    "  -h          show this help\n"
	    "  -V          show the version\n");
}

static void
on_packet(void *arg, const struct tcpfsm_pkt *pkt)
{
	struct run		*run = arg;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;
	size_t			 n;

	run->frame++;
	run->file_frames++;
	r = decode_frame(pkt->link, pkt->data, pkt->caplen, pkt->len, &seg);
	decode_stats_add(&run->stats, r, &seg, pkt->len);
	if (r != DECODE_OK || !run->opts->packets)
		return;
	seg.ts = pkt->ts;
	seg.frame = run->frame;
	n = output_text_segment(run->line, sizeof(run->line), &seg);
	if (fwrite(run->line, 1, n, run->out) != n && run->write_errno == 0)
		run->write_errno = errno;
}

/*
 * Read one capture file to its end.  Returns 0, or -1 after printing why
 * the file could not be read (the packets before the damage were counted).
 */
static int
run_file(struct run *run, const char *path)
{
	char		 err[512];
	struct capture	*cap;
	long long	 off;
	int		 n;

	if ((cap = capture_open_file(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tcpfsm: %s: %s\n", path, err);
		return (-1);
	}
	run->file_frames = 0;
	current_capture = cap;
	do {
		if (stop_requested)
			break;
		n = capture_dispatch(cap, DISPATCH_BATCH, on_packet, run,
		    err, sizeof(err));
		if (ferror(run->out))
			break;
	} while (n > 0);
	current_capture = NULL;
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
 * Read every input and write the results.  Returns the exit status.
 */
static int
tcpfsm_run(const struct tcpfsm_opts *opts)
{
	struct run	 run;
	const char	*outname;
	size_t		 i;
	int		 status = 0;

	for (i = 0; i < opts->nfiles; i++)
		if (check_file(opts->files[i]) == -1)
			return (EXIT_RUNTIME);

	memset(&run, 0, sizeof(run));
	run.opts = opts;
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

	for (i = 0; i < opts->nfiles && !stop_requested; i++) {
		if (run_file(&run, opts->files[i]) == -1)
			status = EXIT_RUNTIME;
		if (ferror(run.out))
			break;
	}

	if (!ferror(run.out))
		output_text_counters(opts->packets ? stderr : run.out,
		    &run.stats);
	if (finish_output(&run, outname) == -1)
		status = EXIT_RUNTIME;
	if (run.out != stdout && fclose(run.out) != 0 && status == 0) {
		fprintf(stderr, "tcpfsm: %s: %s\n", outname, strerror(errno));
		status = EXIT_RUNTIME;
	}
	return (status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ "packets",	no_argument,		NULL, 'P' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct tcpfsm_opts	 opts;
	int			 ch, status;

	memset(&opts, 0, sizeof(opts));
	opts.files = xcalloc((size_t)argc, sizeof(*opts.files));
	status = -1;
	while (status == -1 &&
	    (ch = getopt_long(argc, argv, "ho:r:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			status = 0;
			break;
		case 'o':
			opts.outpath = optarg;
			break;
		case 'P':
			opts.packets = true;
			break;
		case 'r':
			opts.files[opts.nfiles++] = optarg;
			break;
		case 'V':
			printf("tcpfsm %s\n", PACKAGE_VERSION);
			status = 0;
			break;
		default:
			usage(stderr);
			status = EXIT_USAGE;
			break;
		}
	}
	if (status == -1 && optind < argc) {
		fprintf(stderr, "tcpfsm: %s: unexpected argument (filter "
		    "expressions are not supported yet)\n", argv[optind]);
		status = EXIT_USAGE;
	}
	if (status == -1 && opts.nfiles == 0) {
		fprintf(stderr, "tcpfsm: no input: give -r file\n");
		usage(stderr);
		status = EXIT_USAGE;
	}
	if (status == -1)
		status = tcpfsm_run(&opts);
	free(opts.files);
	return (status);
}
