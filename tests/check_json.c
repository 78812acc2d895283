/*
 * check_json.c - the JSON output (DESIGN §6): conn records from a real
 * replay, anomaly records with --events, and the summary, written to a
 * temporary file, read back line by line, parsed with json_tokener_parse
 * and checked field by field.  Times are also checked as raw text: a
 * dashboard reads exactly six decimals, never %.17g noise.
 */
#include <config.h>

#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "anomaly.h"
#include "decode.h"
#include "flow.h"
#include "output.h"
#include "tcpstate.h"
#include "util.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define SEC		INT64_C(1000000)	/* microseconds */
#define MSEC		INT64_C(1000)
#define T0		(INT64_C(1700000000) * SEC)	/* 2023-11-14 */
#define TS1		(T0 + 42)		/* 1700000000.000042 */
#define WIN		29200
#define MAX_LINES	64

/* ---- fixture: a flow table whose records go to a JSON output -------- */

struct fixture {
	FILE		*fp;
	struct output	*out;
	struct flow_table *ft;
	uint64_t	 frame;		/* last frame number sent */
	uint64_t	 bytes;		/* IP bytes sent */
	char		*lines[MAX_LINES];
	size_t		 nlines;
	struct json_object *objs[MAX_LINES];
};

static struct fixture fx;

static void
sink_conn(void *arg, const struct conn *c)
{
	struct output *out = arg;

	out->ops->conn(out, c);
}

static void
sink_anomaly(void *arg, const struct conn_ident *id, const struct anomaly *a)
{
	struct output *out = arg;

	out->ops->anomaly(out, id, a);
}

static void
setup(void)
{
	memset(&fx, 0, sizeof(fx));
	fx.fp = tmpfile();
	ck_assert_ptr_nonnull(fx.fp);
}

static void
teardown(void)
{
	size_t i;

	flow_free(fx.ft);
	output_free(fx.out);
	for (i = 0; i < fx.nlines; i++) {
		free(fx.lines[i]);
		if (fx.objs[i] != NULL)
			json_object_put(fx.objs[i]);
	}
	if (fx.fp != NULL)
		fclose(fx.fp);
	memset(&fx, 0, sizeof(fx));
}

/* A JSON output with flags, and a flow table writing to it. */
static void
start(unsigned flags)
{
	struct flow_config	cfg;
	struct flow_sink	sink;

	fx.out = output_json_new(fx.fp, flags);
	ck_assert_ptr_nonnull(fx.out);
	flow_config_default(&cfg);
	cfg.seed = 42;
	memset(&sink, 0, sizeof(sink));
	sink.arg = fx.out;
	sink.conn = sink_conn;
	sink.anomaly = sink_anomaly;
	fx.ft = flow_new(&cfg, &sink);
}

/*
 * Read back everything written: one JSON object a line, each line ended
 * by a newline, each parsed whole.
 */
static void
read_back(void)
{
	struct json_tokener	*tok;
	char			*line = NULL;
	size_t			 cap = 0;
	ssize_t			 n;

	ck_assert_int_eq(fflush(fx.fp), 0);
	rewind(fx.fp);
	while ((n = getline(&line, &cap, fx.fp)) != -1) {
		ck_assert_msg(fx.nlines < MAX_LINES, "too many lines");
		ck_assert_msg(n > 1 && line[n - 1] == '\n',
		    "a record not ended by a newline: %s", line);
		line[n - 1] = '\0';
		ck_assert_msg(strchr(line, '\n') == NULL,
		    "a record on two lines");
		fx.lines[fx.nlines] = xmalloc((size_t)n);
		memcpy(fx.lines[fx.nlines], line, (size_t)n);
		tok = json_tokener_new();
		fx.objs[fx.nlines] = json_tokener_parse_ex(tok, line,
		    (int)n - 1);
		ck_assert_msg(fx.objs[fx.nlines] != NULL &&
		    json_tokener_get_error(tok) == json_tokener_success &&
		    json_tokener_get_parse_end(tok) == (size_t)n - 1,
		    "not one JSON value: %s", line);
		json_tokener_free(tok);
		ck_assert_msg(json_object_is_type(fx.objs[fx.nlines],
		    json_type_object), "not an object: %s", line);
		fx.nlines++;
	}
	free(line);
}

/* ---- JSON access --------------------------------------------------- */

/*
 * The value at a dotted path ("client.ip", "anomalies.0.id": a number
 * indexes an array), or NULL.
 */
static struct json_object *
jget(struct json_object *o, const char *path)
{
	char	 buf[128], *p, *dot, *end;
	long	 idx;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf; o != NULL && p != NULL; p = dot) {
		if ((dot = strchr(p, '.')) != NULL)
			*dot++ = '\0';
		if (json_object_is_type(o, json_type_array)) {
			idx = strtol(p, &end, 10);
			if (*end != '\0' || idx < 0 ||
			    (size_t)idx >= json_object_array_length(o))
				return (NULL);
			o = json_object_array_get_idx(o, (size_t)idx);
		} else if (!json_object_object_get_ex(o, p, &o))
			return (NULL);
	}
	return (o);
}

static void
jstr_eq(struct json_object *o, const char *path, const char *want)
{
	struct json_object *v = jget(o, path);

	ck_assert_msg(v != NULL && json_object_is_type(v, json_type_string),
	    "%s: not a string in %s", path, json_object_to_json_string(o));
	ck_assert_msg(strcmp(json_object_get_string(v), want) == 0,
	    "%s: \"%s\", expected \"%s\"", path, json_object_get_string(v),
	    want);
}

static void
jint_eq(struct json_object *o, const char *path, int64_t want)
{
	struct json_object *v = jget(o, path);

	ck_assert_msg(v != NULL && json_object_is_type(v, json_type_int),
	    "%s: not an integer in %s", path, json_object_to_json_string(o));
	ck_assert_msg(json_object_get_int64(v) == want,
	    "%s: %lld, expected %lld", path,
	    (long long)json_object_get_int64(v), (long long)want);
}

static void
jbool_eq(struct json_object *o, const char *path, bool want)
{
	struct json_object *v = jget(o, path);

	ck_assert_msg(v != NULL && json_object_is_type(v, json_type_boolean),
	    "%s: not a boolean in %s", path, json_object_to_json_string(o));
	ck_assert_msg(json_object_get_boolean(v) == want, "%s: %s", path,
	    want ? "false" : "true");
}

/* A time in seconds: a number, and us microseconds within rounding. */
static void
jtime_eq(struct json_object *o, const char *path, int64_t us)
{
	struct json_object *v = jget(o, path);

	ck_assert_msg(v != NULL && json_object_is_type(v, json_type_double),
	    "%s: not a number with decimals in %s", path,
	    json_object_to_json_string(o));
	ck_assert_msg(fabs(json_object_get_double(v) - (double)us / 1e6) <
	    1e-6, "%s: %.6f, expected %.6f", path, json_object_get_double(v),
	    (double)us / 1e6);
}

/*
 * The raw text of the first "key": number in line is want: seconds with
 * exactly six decimals as written, not re-formatted by the parser.
 */
static void
raw_eq(const char *line, const char *key, const char *want)
{
	char		 pat[64];
	const char	*p;
	size_t		 n;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	ck_assert_msg(p != NULL, "no %s in %s", pat, line);
	p += strlen(pat);
	n = strcspn(p, ",}]");
	ck_assert_msg(n == strlen(want) && strncmp(p, want, n) == 0,
	    "%s written as %.*s, expected %s", key, (int)n, p, want);
}

/* The line of the n-th record of type type, or -1. */
static int
find_type(const char *type, int nth)
{
	struct json_object	*v;
	size_t			 i;

	for (i = 0; i < fx.nlines; i++) {
		v = jget(fx.objs[i], "type");
		if (v != NULL && strcmp(json_object_get_string(v), type) == 0 &&
		    nth-- == 0)
			return ((int)i);
	}
	return (-1);
}

static size_t
count_type(const char *type)
{
	size_t n = 0;

	while (find_type(type, (int)n) >= 0)
		n++;
	return (n);
}

/* ---- segment builder ----------------------------------------------- */

struct tuple {
	uint8_t		 ipv;		/* 4 or 6 */
	uint8_t		 addr[2][16];	/* client, server */
	uint16_t	 port[2];
};

static void
tuple_v4(struct tuple *tu, uint16_t cport)
{
	static const uint8_t c[4] = { 192, 0, 2, 1 };
	static const uint8_t s[4] = { 198, 51, 100, 2 };

	memset(tu, 0, sizeof(*tu));
	tu->ipv = 4;
	memcpy(tu->addr[TCP_CLIENT], c, sizeof(c));
	memcpy(tu->addr[TCP_SERVER], s, sizeof(s));
	tu->port[TCP_CLIENT] = cport;
	tu->port[TCP_SERVER] = 80;
}

/*
 * 2001:db8::b to 2001:db8::a, port 443: the client has the higher
 * address, so it is the second side of the canonical key.
 */
static void
tuple_v6(struct tuple *tu, uint16_t cport)
{
	int i;

	memset(tu, 0, sizeof(*tu));
	tu->ipv = 6;
	for (i = 0; i < 2; i++) {
		tu->addr[i][0] = 0x20;
		tu->addr[i][1] = 0x01;
		tu->addr[i][2] = 0x0d;
		tu->addr[i][3] = 0xb8;
	}
	tu->addr[TCP_CLIENT][15] = 0x0b;
	tu->addr[TCP_SERVER][15] = 0x0a;
	tu->port[TCP_CLIENT] = cport;
	tu->port[TCP_SERVER] = 443;
}

static void
seg_build(struct tcpfsm_seg *seg, const struct tuple *tu, int from,
    unsigned flags, uint32_t seq, uint32_t ack, uint16_t win, uint32_t len,
    int64_t ts)
{
	size_t alen = tu->ipv == 6 ? 16 : 4;

	memset(seg, 0, sizeof(*seg));
	seg->ipv = tu->ipv;
	seg->ttl = 64;
	memcpy(seg->src, tu->addr[from], alen);
	memcpy(seg->dst, tu->addr[!from], alen);
	seg->sport = tu->port[from];
	seg->dport = tu->port[!from];
	seg->seq = seq;
	seg->ack = ack;
	seg->flags = (uint16_t)flags;
	seg->win = win;
	seg->hdr_len = 20;
	seg->payload_len = len;
	seg->ip_len = (uint32_t)((tu->ipv == 6 ? 40 : 20) + 20 + len);
	seg->ts = ts;
}

static void
replay(struct tcpfsm_seg *seg)
{
	seg->frame = ++fx.frame;
	fx.bytes += seg->ip_len;
	flow_segment(fx.ft, seg);
}

static void
tx(const struct tuple *tu, int from, unsigned flags, uint32_t seq,
    uint32_t ack, uint32_t len, int64_t ts)
{
	struct tcpfsm_seg seg;

	seg_build(&seg, tu, from, flags, seq, ack, WIN, len, ts);
	replay(&seg);
}

/* A conversation: each side's next sequence number. */
struct talk {
	struct tuple	 tu;
	uint32_t	 nxt[2];
};

static void
say(struct talk *k, int from, unsigned flags, uint32_t len, int64_t ts)
{
	uint32_t seq = k->nxt[from];
	uint32_t ack = (flags & TCPF_ACK) ? k->nxt[!from] : 0;

	k->nxt[from] += len + ((flags & TCPF_SYN) ? 1 : 0) +
	    ((flags & TCPF_FIN) ? 1 : 0);
	tx(&k->tu, from, flags, seq, ack, len, ts);
}

#define C_ISN	1000000u
#define S_ISN	3000000000u	/* above 2^31: written unsigned */

/*
 * The handshake with options: the client offers MSS 1460, window scale
 * 7, SACK and timestamps; the server MSS 1400, window scale 9 and SACK,
 * no timestamps.  SYN at t, SYN-ACK 1.5 ms later, ACK 1.5 ms after that.
 */
static void
handshake_opts(struct talk *k, int64_t t)
{
	struct tcpfsm_seg seg;

	k->nxt[TCP_CLIENT] = C_ISN;
	k->nxt[TCP_SERVER] = S_ISN;
	seg_build(&seg, &k->tu, TCP_CLIENT, TCPF_SYN, C_ISN, 0, 64240, 0, t);
	seg.opt.present = TCPO_MSS | TCPO_WSCALE | TCPO_SACK_PERM |
	    TCPO_TIMESTAMP;
	seg.opt.mss = 1460;
	seg.opt.wscale = 7;
	seg.opt.tsval = 111;
	seg.hdr_len = 40;
	seg.ip_len += 20;
	replay(&seg);
	k->nxt[TCP_CLIENT] = C_ISN + 1;
	seg_build(&seg, &k->tu, TCP_SERVER, TCPF_SYN | TCPF_ACK, S_ISN,
	    C_ISN + 1, 65160, 0, t + 1500);
	seg.opt.present = TCPO_MSS | TCPO_WSCALE | TCPO_SACK_PERM;
	seg.opt.mss = 1400;
	seg.opt.wscale = 9;
	seg.hdr_len = 32;
	seg.ip_len += 12;
	replay(&seg);
	k->nxt[TCP_SERVER] = S_ISN + 1;
	say(k, TCP_CLIENT, TCPF_ACK, 0, t + 3000);
}

/*
 * After the handshake at t: 100 bytes from the client, 250 from the
 * server, the client closes; the last ACK at end.
 */
static void
data_and_close(struct talk *k, int64_t t, int64_t end)
{
	say(k, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 100, t + 4000);
	say(k, TCP_SERVER, TCPF_ACK, 0, t + 5000);
	say(k, TCP_SERVER, TCPF_PSH | TCPF_ACK, 250, t + 6000);
	say(k, TCP_CLIENT, TCPF_ACK, 0, t + 7000);
	say(k, TCP_CLIENT, TCPF_FIN | TCPF_ACK, 0, t + 8000);
	say(k, TCP_SERVER, TCPF_ACK, 0, t + 9000);
	say(k, TCP_SERVER, TCPF_FIN | TCPF_ACK, 0, t + 10000);
	say(k, TCP_CLIENT, TCPF_ACK, 0, end);
}

/* ---- conn records -------------------------------------------------- */

START_TEST(test_conn_clean)
{
	struct json_object	*o, *an;
	struct talk		 k;
	const char		*line;
	int			 i;

	start(0);
	tuple_v4(&k.tu, 40000);
	handshake_opts(&k, TS1);
	data_and_close(&k, TS1, T0 + 2 * SEC);
	flow_finish(fx.ft);
	read_back();

	ck_assert_uint_eq(fx.nlines, 1);
	i = find_type("conn", 0);
	ck_assert_int_eq(i, 0);
	o = fx.objs[i];
	line = fx.lines[i];

	jstr_eq(o, "type", "conn");
	ck_assert_ptr_nonnull(jget(o, "uid"));
	ck_assert_int_eq(json_object_get_string(jget(o, "uid"))[0], 'C');
	ck_assert_uint_eq(strlen(json_object_get_string(jget(o, "uid"))), 18);
	jtime_eq(o, "ts", TS1);
	jtime_eq(o, "end_ts", T0 + 2 * SEC);
	jtime_eq(o, "duration", T0 + 2 * SEC - TS1);
	raw_eq(line, "ts", "1700000000.000042");
	raw_eq(line, "end_ts", "1700000002.000000");
	raw_eq(line, "duration", "1.999958");

	jstr_eq(o, "client.ip", "192.0.2.1");
	jint_eq(o, "client.port", 40000);
	jstr_eq(o, "client.state", "TIME_WAIT");
	jint_eq(o, "client.isn", C_ISN);
	jint_eq(o, "client.pkts", 6);
	jint_eq(o, "client.bytes", 100);
	jint_eq(o, "client.mss", 1460);
	jint_eq(o, "client.wscale", 7);
	jbool_eq(o, "client.sack_ok", true);
	jbool_eq(o, "client.ts_ok", true);
	jint_eq(o, "client.retransmissions", 0);
	jint_eq(o, "client.out_of_order", 0);
	jint_eq(o, "client.dup_acks", 0);
	jint_eq(o, "client.zero_windows", 0);

	jstr_eq(o, "server.ip", "198.51.100.2");
	jint_eq(o, "server.port", 80);
	jstr_eq(o, "server.state", "CLOSED");
	jint_eq(o, "server.isn", S_ISN);
	jint_eq(o, "server.pkts", 5);
	jint_eq(o, "server.bytes", 250);
	jint_eq(o, "server.mss", 1400);
	jint_eq(o, "server.wscale", 9);
	jbool_eq(o, "server.sack_ok", true);
	jbool_eq(o, "server.ts_ok", false);
	jint_eq(o, "server.retransmissions", 0);
	jint_eq(o, "server.out_of_order", 0);
	jint_eq(o, "server.dup_acks", 0);
	jint_eq(o, "server.zero_windows", 0);

	jbool_eq(o, "handshake.complete", true);
	jtime_eq(o, "handshake.rtt", 3000);
	raw_eq(line, "rtt", "0.003000");
	jstr_eq(o, "end", "fin");
	jstr_eq(o, "closer", "client");
	jbool_eq(o, "midstream", false);
	an = jget(o, "anomalies");
	ck_assert_msg(an != NULL && json_object_is_type(an, json_type_array),
	    "anomalies is not an array");
	ck_assert_uint_eq(json_object_array_length(an), 0);
}
END_TEST

/*
 * A SYN sent twice and a data segment sent twice: the anomaly in the
 * record, and the counters.
 */
START_TEST(test_conn_anomalies)
{
	struct json_object	*o, *an, *a;
	struct talk		 k;
	struct tcpfsm_seg	 seg;
	const char		*msg;

	start(0);
	tuple_v4(&k.tu, 40001);
	k.nxt[TCP_CLIENT] = C_ISN + 1;
	k.nxt[TCP_SERVER] = S_ISN;
	seg_build(&seg, &k.tu, TCP_CLIENT, TCPF_SYN, C_ISN, 0, WIN, 0, TS1);
	replay(&seg);
	seg_build(&seg, &k.tu, TCP_CLIENT, TCPF_SYN, C_ISN, 0, WIN, 0,
	    TS1 + SEC);
	replay(&seg);					/* frame 2 */
	say(&k, TCP_SERVER, TCPF_SYN | TCPF_ACK, 0, TS1 + SEC + 1000);
	say(&k, TCP_CLIENT, TCPF_ACK, 0, TS1 + SEC + 2000);
	say(&k, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 100, TS1 + SEC + 3000);
	tx(&k.tu, TCP_CLIENT, TCPF_PSH | TCPF_ACK, C_ISN + 1, S_ISN + 1, 100,
	    TS1 + SEC + 300000);
	say(&k, TCP_SERVER, TCPF_ACK, 0, TS1 + SEC + 301000);
	flow_finish(fx.ft);
	read_back();

	ck_assert_uint_eq(fx.nlines, 1);
	o = fx.objs[0];
	jstr_eq(o, "type", "conn");
	jstr_eq(o, "end", "open_at_end");
	ck_assert_msg(jget(o, "closer") == NULL ||
	    json_object_is_type(jget(o, "closer"), json_type_null),
	    "closer of a connection nobody closed: %s",
	    json_object_to_json_string(jget(o, "closer")));
	jint_eq(o, "client.retransmissions", 1);
	jint_eq(o, "server.retransmissions", 0);
	jint_eq(o, "client.pkts", 5);
	jbool_eq(o, "client.sack_ok", false);

	an = jget(o, "anomalies");
	ck_assert_msg(an != NULL && json_object_is_type(an, json_type_array),
	    "anomalies is not an array");
	ck_assert_uint_eq(json_object_array_length(an), 1);
	a = json_object_array_get_idx(an, 0);
	jstr_eq(a, "id", "syn_retransmitted");
	jstr_eq(a, "severity", "info");
	jstr_eq(a, "category", "handshake");
	jstr_eq(a, "endpoint", "client");
	jint_eq(a, "frame", 2);
	jtime_eq(a, "ts", TS1 + SEC);
	jint_eq(a, "count", 1);
	ck_assert_ptr_nonnull(jget(a, "message"));
	msg = json_object_get_string(jget(a, "message"));
	ck_assert_msg(msg != NULL && strstr(msg, "SYN") != NULL,
	    "message \"%s\"", msg != NULL ? msg : "(null)");
	ck_assert_msg(strstr(fx.lines[0], "\"ts\":1700000001.000042,") !=
	    NULL, "the anomaly's ts not written with six decimals: %s",
	    fx.lines[0]);
}
END_TEST

START_TEST(test_conn_ipv6)
{
	struct json_object	*o;
	struct talk		 k;

	start(0);
	tuple_v6(&k.tu, 50000);
	handshake_opts(&k, TS1);
	data_and_close(&k, TS1, TS1 + 20000);
	flow_finish(fx.ft);
	read_back();
	ck_assert_uint_eq(fx.nlines, 1);
	o = fx.objs[0];
	jstr_eq(o, "client.ip", "2001:db8::b");
	jint_eq(o, "client.port", 50000);
	jstr_eq(o, "server.ip", "2001:db8::a");
	jint_eq(o, "server.port", 443);
	jstr_eq(o, "client.state", "TIME_WAIT");
	jint_eq(o, "client.mss", 1460);
	jstr_eq(o, "server.state", "CLOSED");
	jint_eq(o, "server.mss", 1400);
	jstr_eq(o, "end", "fin");
	jstr_eq(o, "closer", "client");
	raw_eq(fx.lines[0], "duration", "0.020000");
}
END_TEST

/* The server closes first: closer server, server in TIME_WAIT. */
START_TEST(test_conn_server_closes)
{
	struct json_object	*o;
	struct talk		 k;

	start(0);
	tuple_v4(&k.tu, 40002);
	handshake_opts(&k, TS1);
	say(&k, TCP_SERVER, TCPF_FIN | TCPF_ACK, 0, TS1 + 4000);
	say(&k, TCP_CLIENT, TCPF_ACK, 0, TS1 + 5000);
	say(&k, TCP_CLIENT, TCPF_FIN | TCPF_ACK, 0, TS1 + 6000);
	say(&k, TCP_SERVER, TCPF_ACK, 0, TS1 + 7000);
	read_back();
	ck_assert_uint_eq(fx.nlines, 1);
	o = fx.objs[0];
	jstr_eq(o, "end", "fin");
	jstr_eq(o, "closer", "server");
	jstr_eq(o, "server.state", "TIME_WAIT");
	jstr_eq(o, "client.state", "CLOSED");
}
END_TEST

/*
 * The capture starts mid-stream, with a segment from the server: the
 * client is guessed from the ports (80 is the server's), and says so.
 */
START_TEST(test_conn_midstream)
{
	struct json_object	*o;
	struct tuple		 tu;

	start(0);
	tuple_v4(&tu, 40003);
	tx(&tu, TCP_SERVER, TCPF_PSH | TCPF_ACK, 70000, 5000, 500, TS1);
	tx(&tu, TCP_CLIENT, TCPF_ACK, 5000, 70500, 0, TS1 + 1000);
	tx(&tu, TCP_CLIENT, TCPF_PSH | TCPF_ACK, 5000, 70500, 20, TS1 + 2000);
	flow_finish(fx.ft);
	read_back();
	ck_assert_uint_eq(fx.nlines, 1);
	o = fx.objs[0];
	jbool_eq(o, "midstream", true);
	jstr_eq(o, "client.ip", "192.0.2.1");
	jint_eq(o, "client.port", 40003);
	jint_eq(o, "client.bytes", 20);
	jstr_eq(o, "server.ip", "198.51.100.2");
	jint_eq(o, "server.port", 80);
	jint_eq(o, "server.bytes", 500);
	jbool_eq(o, "handshake.complete", false);
	jstr_eq(o, "end", "open_at_end");
	jstr_eq(o, "anomalies.0.id", "midstream");
	jstr_eq(o, "anomalies.0.endpoint", "capture");
}
END_TEST

/*
 * Records in a row through one output, which keeps each field's text
 * from the last record: a value left null by a record is written again,
 * unchanged, by the next; timestamps are written whole whether they
 * share their seconds with the last record's or not.
 */
START_TEST(test_conn_in_a_row)
{
	struct talk	 k;
	struct tuple	 tu;
	const char	*srv;

	start(0);
	tuple_v4(&k.tu, 40010);
	handshake_opts(&k, TS1);
	data_and_close(&k, TS1, TS1 + 11000);
	/* Refused 2 s later: no ISN, MSS or window scale from the server. */
	tuple_v4(&tu, 40011);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 7, 0, 0, TS1 + 2 * SEC);
	tx(&tu, TCP_SERVER, TCPF_RST | TCPF_ACK, 0, 8, 0,
	    TS1 + 2 * SEC + 250);
	/* As the first, within the same second as the second. */
	tuple_v4(&k.tu, 40012);
	handshake_opts(&k, TS1 + 2 * SEC + 5000);
	data_and_close(&k, TS1 + 2 * SEC + 5000, TS1 + 2 * SEC + 16000);
	flow_finish(fx.ft);
	read_back();
	ck_assert_uint_eq(fx.nlines, 3);

	raw_eq(fx.lines[0], "ts", "1700000000.000042");
	raw_eq(fx.lines[0], "end_ts", "1700000000.011042");
	srv = strstr(fx.lines[0], "\"server\":");
	ck_assert_ptr_nonnull(srv);
	raw_eq(srv, "isn", "3000000000");
	raw_eq(srv, "mss", "1400");
	raw_eq(srv, "wscale", "9");
	raw_eq(fx.lines[0], "syn_synack", "0.001500");

	raw_eq(fx.lines[1], "ts", "1700000002.000042");
	raw_eq(fx.lines[1], "end_ts", "1700000002.000292");
	raw_eq(fx.lines[1], "duration", "0.000250");
	raw_eq(fx.lines[1], "isn", "7");
	srv = strstr(fx.lines[1], "\"server\":");
	ck_assert_ptr_nonnull(srv);
	raw_eq(srv, "isn", "null");
	raw_eq(srv, "mss", "null");
	raw_eq(srv, "wscale", "null");
	ck_assert_ptr_null(strstr(fx.lines[1], "syn_synack"));
	jbool_eq(fx.objs[1], "handshake.complete", false);
	jstr_eq(fx.objs[1], "end", "rejected");

	raw_eq(fx.lines[2], "ts", "1700000002.005042");
	raw_eq(fx.lines[2], "end_ts", "1700000002.016042");
	raw_eq(fx.lines[2], "duration", "0.011000");
	raw_eq(fx.lines[2], "isn", "1000000");
	srv = strstr(fx.lines[2], "\"server\":");
	ck_assert_ptr_nonnull(srv);
	raw_eq(srv, "isn", "3000000000");
	raw_eq(srv, "mss", "1400");
	raw_eq(srv, "wscale", "9");
	raw_eq(fx.lines[2], "syn_synack", "0.001500");
	jbool_eq(fx.objs[2], "handshake.complete", true);
	jstr_eq(fx.objs[2], "zeek.conn_state", "SF");
}
END_TEST

/* ---- anomaly records ----------------------------------------------- */

/* A lone SYN, then 6 s later a segment elsewhere: syn_unanswered. */
static void
lone_syn(void)
{
	struct tuple tu, other;

	tuple_v4(&tu, 41000);
	tx(&tu, TCP_CLIENT, TCPF_SYN, C_ISN, 0, 0, TS1);
	tuple_v4(&other, 41999);
	/* Frame 2, 6 s later: it decides the first SYN's fate. */
	tx(&other, TCP_CLIENT, TCPF_SYN, 5, 0, 0, TS1 + 6 * SEC);
	flow_finish(fx.ft);
}

START_TEST(test_anomaly_event)
{
	const struct anomaly_def	*d = anomaly_def(AN_SYN_UNANSWERED);
	struct json_object		*o, *c;
	const char			*msg;
	int				 i, j;

	start(OUTPUT_EVENTS);
	lone_syn();
	read_back();

	ck_assert_uint_eq(count_type("anomaly"), 1);
	ck_assert_uint_eq(count_type("conn"), 2);
	i = find_type("anomaly", 0);
	j = find_type("conn", 0);
	ck_assert_msg(i < j, "the anomaly is written when decided, before "
	    "the connection ends");
	o = fx.objs[i];
	c = fx.objs[j];
	jstr_eq(o, "type", "anomaly");
	jstr_eq(o, "uid", json_object_get_string(jget(c, "uid")));
	jstr_eq(o, "client.ip", "192.0.2.1");
	jint_eq(o, "client.port", 41000);
	jstr_eq(o, "server.ip", "198.51.100.2");
	jint_eq(o, "server.port", 80);
	jstr_eq(o, "id", "syn_unanswered");
	jstr_eq(o, "severity", anomaly_severity_name(
	    (enum anomaly_severity)d->sev));
	jstr_eq(o, "category", "handshake");
	jstr_eq(o, "endpoint", "client");
	jint_eq(o, "frame", 2);
	jtime_eq(o, "ts", TS1 + 5 * SEC);
	raw_eq(fx.lines[i], "ts", "1700000005.000042");
	jint_eq(o, "count", 1);
	msg = json_object_get_string(jget(o, "message"));
	ck_assert_msg(msg != NULL && strlen(msg) > 10, "message");
	ck_assert_ptr_null(jget(o, "related_uid"));

	/* The same anomaly in the connection's record. */
	jstr_eq(c, "client.state", "SYN_SENT");
	jstr_eq(c, "anomalies.0.id", "syn_unanswered");
}
END_TEST

/* Without --events, anomalies go in the conn records only. */
START_TEST(test_anomaly_no_events)
{
	start(0);
	lone_syn();
	read_back();
	ck_assert_uint_eq(count_type("anomaly"), 0);
	ck_assert_uint_eq(count_type("conn"), 2);
}
END_TEST

/*
 * A new connection in TIME_WAIT with a greater ISN: the event names the
 * new uid and, as related_uid, the old one.
 */
START_TEST(test_anomaly_event_related)
{
	struct json_object	*o;
	struct talk		 k;
	const char		*old_uid, *new_uid;
	int			 i;

	start(OUTPUT_EVENTS);
	tuple_v4(&k.tu, 42000);
	handshake_opts(&k, TS1);
	data_and_close(&k, TS1, TS1 + 11000);
	k.nxt[TCP_CLIENT] += 100000;
	say(&k, TCP_CLIENT, TCPF_SYN, 0, TS1 + SEC);
	flow_finish(fx.ft);
	read_back();

	ck_assert_uint_eq(count_type("conn"), 2);
	old_uid = json_object_get_string(jget(fx.objs[find_type("conn", 0)],
	    "uid"));
	new_uid = json_object_get_string(jget(fx.objs[find_type("conn", 1)],
	    "uid"));
	ck_assert_str_ne(old_uid, new_uid);
	i = find_type("anomaly", 0);
	ck_assert_int_ge(i, 0);
	o = fx.objs[i];
	jstr_eq(o, "id", "time_wait_reuse");
	jstr_eq(o, "uid", new_uid);
	jstr_eq(o, "related_uid", old_uid);
	jstr_eq(o, "client.ip", "192.0.2.1");
	jint_eq(o, "client.port", 42000);
}
END_TEST

/* ---- the summary --------------------------------------------------- */

START_TEST(test_summary)
{
	struct decode_stats	 ds;
	struct json_object	*o;
	struct talk		 k;
	struct tuple		 tu;
	int			 i;

	start(0);
	tuple_v4(&k.tu, 43000);
	handshake_opts(&k, TS1);
	data_and_close(&k, TS1, TS1 + 11000);		/* fin */
	tuple_v4(&tu, 43001);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 7, 0, 0, TS1 + SEC);
	tx(&tu, TCP_SERVER, TCPF_RST | TCPF_ACK, 0, 8, 0, TS1 + SEC + 1);
	tuple_v4(&tu, 43002);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 9, 0, 0, TS1 + 2 * SEC);
	tx(&tu, TCP_CLIENT, TCPF_SYN, 9, 0, 0, TS1 + 3 * SEC);
	flow_finish(fx.ft);		/* open_at_end, syn_unanswered */

	memset(&ds, 0, sizeof(ds));
	ds.packets = fx.frame + 2;	/* two frames that were not TCP */
	ds.bytes = fx.bytes + 2 * 60;
	ds.result[DECODE_OK] = fx.frame;
	ds.result[DECODE_NOT_TCP] = 2;
	fx.out->ops->summary(fx.out, &ds, flow_stats(fx.ft));
	read_back();

	ck_assert_uint_eq(count_type("conn"), 3);
	ck_assert_uint_eq(count_type("summary"), 1);
	i = find_type("summary", 0);
	ck_assert_uint_eq((size_t)i, fx.nlines - 1);
	o = fx.objs[i];
	jint_eq(o, "connections.total", 3);
	jint_eq(o, "connections.end.fin", 1);
	jint_eq(o, "connections.end.rejected", 1);
	jint_eq(o, "connections.end.open_at_end", 1);
	jint_eq(o, "connections.end.rst", 0);
	jint_eq(o, "connections.end.timeout", 0);
	jint_eq(o, "connections.end.evicted", 0);
	jint_eq(o, "connections.client_state.TIME_WAIT", 1);
	jint_eq(o, "connections.client_state.SYN_SENT", 1);
	jint_eq(o, "anomalies.syn_unanswered", 1);
	jint_eq(o, "anomalies.syn_retransmitted", 1);
	jint_eq(o, "packets.read", (int64_t)fx.frame + 2);
	jint_eq(o, "packets.bytes", (int64_t)fx.bytes + 120);
	jint_eq(o, "packets.tcp", (int64_t)fx.frame);
	jint_eq(o, "packets.not_tcp", 2);
}
END_TEST

/* -q: the summary only. */
START_TEST(test_quiet)
{
	struct decode_stats	ds;
	struct talk		k;

	start(OUTPUT_QUIET);
	tuple_v4(&k.tu, 43100);
	handshake_opts(&k, TS1);
	data_and_close(&k, TS1, TS1 + 11000);
	flow_finish(fx.ft);
	memset(&ds, 0, sizeof(ds));
	ds.packets = fx.frame;
	fx.out->ops->summary(fx.out, &ds, flow_stats(fx.ft));
	read_back();
	ck_assert_uint_eq(fx.nlines, 1);
	jstr_eq(fx.objs[0], "type", "summary");
	jint_eq(fx.objs[0], "connections.total", 1);
	jint_eq(fx.objs[0], "packets.read", (int64_t)fx.frame);
}
END_TEST

static Suite *
json_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("json");

	tc = tcase_create("conn");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_conn_clean);
	tcase_add_test(tc, test_conn_anomalies);
	tcase_add_test(tc, test_conn_ipv6);
	tcase_add_test(tc, test_conn_server_closes);
	tcase_add_test(tc, test_conn_midstream);
	tcase_add_test(tc, test_conn_in_a_row);
	suite_add_tcase(s, tc);

	tc = tcase_create("anomaly");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_anomaly_event);
	tcase_add_test(tc, test_anomaly_no_events);
	tcase_add_test(tc, test_anomaly_event_related);
	suite_add_tcase(s, tc);

	tc = tcase_create("summary");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_summary);
	tcase_add_test(tc, test_quiet);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(json_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
