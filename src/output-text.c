/*
 * output-text.c - human-readable output.
 */
#include <config.h>

#include "output-text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "decode.h"
#include "util.h"

/* An appending writer over a fixed buffer that never overruns it. */
struct textbuf {
	char	*buf;
	size_t	 len;		/* size of buf */
	size_t	 off;		/* bytes written, at most len - 1 */
};

#if defined(__GNUC__) || defined(__clang__)
#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))
#else
#define PRINTFLIKE(a, b)
#endif

static void tb_printf(struct textbuf *, const char *, ...) PRINTFLIKE(2, 3);

static void
tb_printf(struct textbuf *tb, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (tb->off + 1 >= tb->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(tb->buf + tb->off, tb->len - tb->off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	tb->off += (size_t)n;
	if (tb->off >= tb->len)
		tb->off = tb->len - 1;
}

/* tcpdump's flag letters, in tcpdump's order; "none" for no flags. */
static const struct {
	unsigned	 flag;
	const char	*letter;
} seg_flags[] = {
	{ TCPF_FIN, "F" }, { TCPF_SYN, "S" }, { TCPF_RST, "R" },
	{ TCPF_PSH, "P" }, { TCPF_ACK, "." }, { TCPF_URG, "U" },
	{ TCPF_ECE, "E" }, { TCPF_CWR, "W" }, { TCPF_AE, "e" },
	{ 0, NULL }
};

static void
format_options(struct textbuf *tb, const struct tcp_opts *o)
{
	const char	*sep = "";
	unsigned	 i;

	if (o->present == 0 && o->bad == 0)
		return;
	tb_printf(tb, ", options [");
	if (o->present & TCPO_MSS) {
		tb_printf(tb, "%smss %u", sep, o->mss);
		sep = ",";
	}
	if (o->present & TCPO_SACK_PERM) {
		tb_printf(tb, "%ssackOK", sep);
		sep = ",";
	}
	if (o->present & TCPO_TIMESTAMP) {
		tb_printf(tb, "%sTS val %" PRIu32 " ecr %" PRIu32, sep,
		    o->tsval, o->tsecr);
		sep = ",";
	}
	if (o->present & TCPO_WSCALE) {
		tb_printf(tb, "%swscale %u", sep, o->wscale);
		sep = ",";
	}
	if (o->present & TCPO_SACK) {
		tb_printf(tb, "%ssack %u", sep, o->nsack);
		for (i = 0; i < o->nsack; i++)
			tb_printf(tb, " {%" PRIu32 ":%" PRIu32 "}",
			    o->sack[i][0], o->sack[i][1]);
		sep = ",";
	}
	if (o->present & TCPO_TFO) {
		if (o->tfo_len == 0)
			tb_printf(tb, "%stfo cookiereq", sep);
		else
			tb_printf(tb, "%stfo cookie %u", sep, o->tfo_len);
		sep = ",";
	}
	if (o->present & TCPO_OTHER) {
		tb_printf(tb, "%sother", sep);
		sep = ",";
	}
	if (o->bad != 0)
		tb_printf(tb, "%sbad-opt %u", sep, o->bad_kind);
	tb_printf(tb, "]");
}

size_t
output_text_segment(char *buf, size_t len, const struct tcpfsm_seg *seg)
{
	struct textbuf	 tb = { buf, len, 0 };
	char		 src[ADDR_FMT_LEN], dst[ADDR_FMT_LEN];
	int64_t		 sec, usec;
	unsigned	 i;
	bool		 any = false;

	if (len == 0)
		return (0);
	buf[0] = '\0';
	sec = seg->ts / 1000000;
	usec = seg->ts % 1000000;
	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	tb_printf(&tb, "%" PRId64 ".%06" PRId64 " %s %s.%u > %s.%u: Flags [",
	    sec, usec, seg->ipv == 6 ? "IP6" : "IP",
	    addr_fmt(src, sizeof(src), seg->ipv, seg->src), seg->sport,
	    addr_fmt(dst, sizeof(dst), seg->ipv, seg->dst), seg->dport);
	for (i = 0; seg_flags[i].letter != NULL; i++) {
		if (seg->flags & seg_flags[i].flag) {
			tb_printf(&tb, "%s", seg_flags[i].letter);
			any = true;
		}
	}
	if (!any)
		tb_printf(&tb, "none");
	tb_printf(&tb, "], seq %" PRIu32, seg->seq);
	if (seg->flags & TCPF_ACK)
		tb_printf(&tb, ", ack %" PRIu32, seg->ack);
	tb_printf(&tb, ", win %u", seg->win);
	if (seg->flags & TCPF_URG)
		tb_printf(&tb, ", urg %u", seg->urp);
	format_options(&tb, &seg->opt);
	tb_printf(&tb, ", length %" PRIu32 "\n", seg->payload_len);
	return (tb.off);
}

int
output_text_counters(FILE *fp, const struct decode_stats *st)
{
	unsigned	r, l;
	const char	*sep;

	fprintf(fp, "packets %" PRIu64 "\n", st->packets);
	fprintf(fp, "bytes %" PRIu64 "\n", st->bytes);
	for (r = 0; r < DECODE_NRESULTS; r++) {
		fprintf(fp, "%s %" PRIu64, decode_result_name(r), st->result[r]);
		if (r == DECODE_TRUNCATED || r == DECODE_MALFORMED ||
		    r == DECODE_NOT_IP) {
			sep = " (";
			for (l = 0; l < LAYER_NLAYERS; l++) {
				if (st->by_layer[r][l] == 0)
					continue;
				fprintf(fp, "%s%s %" PRIu64, sep,
				    decode_layer_name(l), st->by_layer[r][l]);
				sep = ", ";
			}
			if (sep[0] == ',')
				fprintf(fp, ")");
		}
		fprintf(fp, "\n");
	}
	fprintf(fp, "bad_tcp_option %" PRIu64 "\n", st->bad_tcp_option);
	fprintf(fp, "first_fragment %" PRIu64 "\n", st->first_fragment);
	fprintf(fp, "ip_len_over_frame %" PRIu64 "\n", st->ip_len_over_frame);
	fprintf(fp, "tcp_options_truncated %" PRIu64 "\n",
	    st->tcp_options_truncated);
	return (ferror(fp) ? -1 : 0);
}
