/*
 * output-text.c - human-readable output.
 */
#include <config.h>

#include "output-text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly.h"
#include "decode.h"
#include "flow.h"
#include "output.h"
#include "tcpstate.h"
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

/*
 * The writers of records: what tb_printf() would write for "%s" and
 * "%" PRId64, cut as it cuts, without parsing a format each time.
 */
static void
tb_put(struct textbuf *tb, const char *s, size_t n)
{
	if (tb->off + 1 >= tb->len)
		return;
	if (n > tb->len - 1 - tb->off)
		n = tb->len - 1 - tb->off;
	memcpy(tb->buf + tb->off, s, n);
	tb->off += n;
	tb->buf[tb->off] = '\0';
}

static void
tb_str(struct textbuf *tb, const char *s)
{
	tb_put(tb, s, strlen(s));
}

/* v's digits, with a '-' before them if neg. */
static void
tb_digits(struct textbuf *tb, uint64_t v, bool neg)
{
	char	 tmp[21], *p = tmp + sizeof(tmp);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (neg)
		*--p = '-';
	tb_put(tb, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void
tb_int(struct textbuf *tb, int64_t v)
{
	tb_digits(tb, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

static void
tb_uint(struct textbuf *tb, uint64_t v)
{
	tb_digits(tb, v, false);
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

/* Seconds since the epoch with microseconds, as tcpdump -tt prints them. */
static void
format_time(struct textbuf *tb, int64_t ts)
{
	int64_t	sec = ts / 1000000, usec = ts % 1000000;
	char	frac[7];
	int	i;

	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	/* "%" PRId64 ".%06" PRId64 */
	tb_int(tb, sec);
	frac[0] = '.';
	for (i = 6; i > 0; i--) {
		frac[i] = (char)('0' + usec % 10);
		usec /= 10;
	}
	tb_put(tb, frac, sizeof(frac));
}

/*
 * The segment itself, from "IP" to "length N".  Sequence numbers are
 * relative to seq_base and ack_base where rel says so (bit 0: seq, bit 1:
 * ack), as tcpdump prints them by default.
 */
static void
format_segment(struct textbuf *tb, const struct tcpfsm_seg *seg,
    unsigned rel, uint32_t seq_base, uint32_t ack_base)
{
	char		 src[ADDR_FMT_LEN], dst[ADDR_FMT_LEN];
	unsigned	 i;
	bool		 any = false;

	tb_printf(tb, "%s %s.%u > %s.%u: Flags [",
	    seg->ipv == 6 ? "IP6" : "IP",
	    addr_fmt(src, sizeof(src), seg->ipv, seg->src), seg->sport,
	    addr_fmt(dst, sizeof(dst), seg->ipv, seg->dst), seg->dport);
	for (i = 0; seg_flags[i].letter != NULL; i++) {
		if (seg->flags & seg_flags[i].flag) {
			tb_printf(tb, "%s", seg_flags[i].letter);
			any = true;
		}
	}
	if (!any)
		tb_printf(tb, "none");
	tb_printf(tb, "], seq %" PRIu32,
	    (rel & 1) ? seg->seq - seq_base : seg->seq);
	if (seg->flags & TCPF_ACK)
		tb_printf(tb, ", ack %" PRIu32,
		    (rel & 2) ? seg->ack - ack_base : seg->ack);
	tb_printf(tb, ", win %u", seg->win);
	if (seg->flags & TCPF_URG)
		tb_printf(tb, ", urg %u", seg->urp);
	format_options(tb, &seg->opt);
	tb_printf(tb, ", length %" PRIu32, seg->payload_len);
}

size_t
output_text_segment(char *buf, size_t len, const struct tcpfsm_seg *seg)
{
	struct textbuf tb = { buf, len, 0 };

	if (len == 0)
		return (0);
	buf[0] = '\0';
	format_time(&tb, seg->ts);
	tb_printf(&tb, " ");
	format_segment(&tb, seg, 0, 0, 0);
	tb_printf(&tb, "\n");
	return (tb.off);
}

size_t
output_text_replay(char *buf, size_t len, const struct tcpfsm_seg *seg,
    const struct flow_segment_view *v)
{
	struct textbuf	tb = { buf, len, 0 };
	unsigned	rel = 0;
	int		peer = !v->dir;

	if (len == 0)
		return (0);
	buf[0] = '\0';
	if (v->base_ok & (1 << v->dir))
		rel |= 1;
	if (v->base_ok & (1 << peer))
		rel |= 2;
	format_time(&tb, seg->ts);
	tb_printf(&tb, " %s %s ", v->id->uid,
	    v->dir == TCP_CLIENT ? "c>s" : "s>c");
	format_segment(&tb, seg, rel, v->base[v->dir], v->base[peer]);
	tb_printf(&tb, " | client %s, server %s%s\n",
	    tcpstate_name(v->states[TCP_CLIENT]),
	    tcpstate_name(v->states[TCP_SERVER]),
	    v->late ? " (over)" : "");
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
	fprintf(fp, "other_shard %" PRIu64 "\n", st->other_shard);
	return (ferror(fp) ? -1 : 0);
}

/* Endpoint ep's address and port, from the connection's key. */
static void
endpoint_fmt(const struct conn_ident *id, int ep, char *addr, size_t len,
    unsigned *port)
{
	int side = ep == TCP_CLIENT ? id->client_side : !id->client_side;

	addr_fmt(addr, len, id->key.ipv, id->key.addr[side]);
	*port = id->key.port[side];
}

/* "IP client.port > server.port" */
static void
format_tuple(struct textbuf *tb, const struct conn_ident *id)
{
	char		ca[ADDR_FMT_LEN], sa[ADDR_FMT_LEN];
	unsigned	cp, sp;

	endpoint_fmt(id, TCP_CLIENT, ca, sizeof(ca), &cp);
	endpoint_fmt(id, TCP_SERVER, sa, sizeof(sa), &sp);
	/* "%s %s.%u > %s.%u" */
	tb_str(tb, id->key.ipv == 6 ? "IP6 " : "IP ");
	tb_str(tb, ca);
	tb_put(tb, ".", 1);
	tb_uint(tb, cp);
	tb_put(tb, " > ", 3);
	tb_str(tb, sa);
	tb_put(tb, ".", 1);
	tb_uint(tb, sp);
}

static void
text_conn(struct output *out, const struct conn *c)
{
	char			 line[1024];
	struct textbuf		 tb = { line, sizeof(line), 0 };
	const struct tcp_pair	*tp = &c->tcp;
	uint16_t		 i;

	if (out->flags & OUTPUT_QUIET)
		return;
	/*
	 * "%s %s %s: client %s, server %s, end %s[, closer %s], pkts %u/%u,
	 * bytes %llu/%llu, duration %s[, midstream]; anomalies: %s", written
	 * piece by piece: a record is written per connection.
	 */
	format_time(&tb, c->id.first_ts);
	tb_put(&tb, " ", 1);
	tb_str(&tb, c->id.uid);
	tb_put(&tb, " ", 1);
	format_tuple(&tb, &c->id);
	tb_put(&tb, ": client ", 9);
	tb_str(&tb, tcpstate_name(tp->ep[TCP_CLIENT].state));
	tb_put(&tb, ", server ", 9);
	tb_str(&tb, tcpstate_name(tp->ep[TCP_SERVER].state));
	tb_put(&tb, ", end ", 6);
	tb_str(&tb, flow_end_name((enum conn_end)c->end));
	if (c->closer != CLOSER_NONE) {
		tb_put(&tb, ", closer ", 9);
		tb_str(&tb, flow_closer_name((enum conn_closer)c->closer));
	}
	tb_put(&tb, ", pkts ", 7);
	tb_uint(&tb, tp->ep[0].pkts);
	tb_put(&tb, "/", 1);
	tb_uint(&tb, tp->ep[1].pkts);
	tb_put(&tb, ", bytes ", 8);
	tb_uint(&tb, tp->ep[0].bytes);
	tb_put(&tb, "/", 1);
	tb_uint(&tb, tp->ep[1].bytes);
	tb_put(&tb, ", duration ", 11);
	format_time(&tb, c->last_ts - c->id.first_ts);
	if (tp->flags & TP_MIDSTREAM)
		tb_put(&tb, ", midstream", 11);
	tb_put(&tb, "; anomalies:", 12);
	for (i = 0; i < c->anoms.n; i++) {
		tb_put(&tb, i == 0 ? " " : ",", 1);
		tb_str(&tb, anomaly_def((enum anomaly_id)c->anoms.v[i].id)->name);
	}
	if (c->anoms.n == 0)
		tb_put(&tb, " none", 5);
	tb_put(&tb, "\n", 1);
	output_check(out, fwrite(line, 1, tb.off, out->fp) == tb.off);
	output_end_record(out);
}

static void
text_anomaly(struct output *out, const struct conn_ident *id,
    const struct anomaly *a)
{
	char		line[1024], sentence[512];
	struct textbuf	tb = { line, sizeof(line), 0 };

	/* A late one has no connection line left to appear in. */
	if (!(out->flags & OUTPUT_EVENTS) && !a->late)
		return;
	format_time(&tb, a->ts);
	tb_printf(&tb, " %s ", id->uid);
	format_tuple(&tb, id);
	tb_printf(&tb, ": anomaly %s (%s, %s): %s\n",
	    anomaly_def((enum anomaly_id)a->id)->name,
	    anomaly_severity_name((enum anomaly_severity)a->sev),
	    anomaly_who_name((enum anomaly_who)a->who),
	    anomaly_sentence(sentence, sizeof(sentence), a));
	output_check(out, fwrite(line, 1, tb.off, out->fp) == tb.off);
	output_end_record(out);
}

static void
text_summary(struct output *out, const struct decode_stats *ds,
    const struct flow_stats *fs)
{
	FILE		*fp = out->fp;
	unsigned	 i, s;

	fprintf(fp, "connections %" PRIu64 "\n", fs->conns);
	fprintf(fp, "live_max %" PRIu64 "\n", fs->live_max);
	for (i = END_FIN; i < END_NENDS; i++)
		if (fs->by_end[i] != 0)
			fprintf(fp, "end %s %" PRIu64 "\n",
			    flow_end_name((enum conn_end)i), fs->by_end[i]);
	for (i = 0; i < 2; i++)
		for (s = 0; s < TCPS_NSTATES; s++)
			if (fs->by_state[i][s] != 0)
				fprintf(fp, "%s_state %s %" PRIu64 "\n",
				    i == TCP_CLIENT ? "client" : "server",
				    tcpstate_name((enum tcp_state)s),
				    fs->by_state[i][s]);
	for (i = 0; i < AN_NIDS; i++)
		if (fs->anomalies[i] != 0)
			fprintf(fp, "anomaly %s %" PRIu64 "\n",
			    anomaly_def((enum anomaly_id)i)->name,
			    fs->anomalies[i]);
	fprintf(fp, "late_segments %" PRIu64 "\n", fs->late_segments);
	fprintf(fp, "traces_dropped %" PRIu64 "\n", fs->traces_dropped);
	output_check(out, output_text_counters(fp, ds) == 0);
	output_end_record(out);
}

static void
text_stats(struct output *out, const struct output_stats *st)
{
	char		line[512];
	struct textbuf	tb = { line, sizeof(line), 0 };

	format_time(&tb, st->ts);
	tb_printf(&tb, " stats: packets %" PRIu64 ", received %" PRIu64
	    ", dropped %" PRIu64 ", ifdropped %" PRIu64 ", live %" PRIu64
	    ", connections %" PRIu64 ", anomalies %" PRIu64 "\n",
	    st->packets, st->received, st->dropped, st->ifdropped, st->live,
	    st->conns, st->anomalies);
	output_check(out, fwrite(line, 1, tb.off, out->fp) == tb.off);
	output_end_record(out);
}

static const struct output_ops text_ops = {
	text_conn, text_anomaly, text_summary, NULL, text_stats
};

struct output *
output_text_new(FILE *fp, unsigned flags)
{
	struct output *out;

	out = xcalloc(1, sizeof(*out));
	out->ops = &text_ops;
	out->fp = fp;
	out->flags = flags;
	return (out);
}
