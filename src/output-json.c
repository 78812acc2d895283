/*
 * output-json.c - newline-delimited JSON (DESIGN §6), the only user of
 * json-c.  One object per line: "conn" records, "anomaly" records with
 * --events, and a closing "summary"; or, for -F zeek, the rows of Zeek's
 * JSON conn.log.
 */
#include <config.h>

#include "output.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "anomaly.h"
#include "decode.h"
#include "flow.h"
#include "tcpstate.h"
#include "util.h"
#include "zeek-table.h"
#include "zeek.h"

#define JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Seconds with exactly six decimals, written as such (not as %.17g). */
static struct json_object *
json_seconds(int64_t us)
{
	char	buf[32];
	int64_t	sec = us / 1000000, frac = us % 1000000;

	if (frac < 0) {
		sec--;
		frac += 1000000;
	}
	snprintf(buf, sizeof(buf), "%" PRId64 ".%06" PRId64, sec, frac);
	return (json_object_new_double_s((double)us / 1e6, buf));
}

static void
add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *
json_u64(uint64_t v)
{
	/* json-c's int64 carries counters far beyond any capture's. */
	return (json_object_new_int64((int64_t)v));
}

/* {"ip": ..., "port": ...} of endpoint ep. */
static struct json_object *
json_endpoint_addr(const struct conn_ident *id, int ep)
{
	struct json_object	*o = json_object_new_object();
	char			 addr[ADDR_FMT_LEN];
	int			 side;

	side = ep == TCP_CLIENT ? id->client_side : !id->client_side;
	addr_fmt(addr, sizeof(addr), id->key.ipv, id->key.addr[side]);
	add(o, "ip", json_object_new_string(addr));
	add(o, "port", json_object_new_int(id->key.port[side]));
	return (o);
}

static struct json_object *
json_endpoint(const struct conn *c, int ep)
{
	const struct tcp_endpoint	*e = &c->tcp.ep[ep];
	struct json_object		*o = json_endpoint_addr(&c->id, ep);

	add(o, "state", json_object_new_string(tcpstate_name(
	    (enum tcp_state)e->state)));
	add(o, "isn", (e->flags & EP_SYN) ? json_u64(e->isn) : NULL);
	add(o, "pkts", json_u64(e->pkts));
	add(o, "bytes", json_u64(e->bytes));
	add(o, "ip_bytes", json_u64(c->ip_bytes[ep]));
	add(o, "mss", e->mss != 0 ? json_object_new_int(e->mss) : NULL);
	add(o, "wscale", e->wscale >= 0 ? json_object_new_int(e->wscale) :
	    NULL);
	add(o, "sack_ok", json_object_new_boolean(
	    (e->flags & EP_SACK_OK) != 0));
	add(o, "ts_ok", json_object_new_boolean((e->flags & EP_TS_OK) != 0));
	add(o, "retransmissions", json_u64(e->retrans));
	add(o, "out_of_order", json_u64(e->ooo));
	add(o, "dup_acks", json_u64(e->dupack));
	add(o, "zero_windows", json_u64(e->zerowin));
	add(o, "keepalives", json_u64(e->keepalive));
	add(o, "syn_retransmissions", json_u64(e->syn_retx));
	add(o, "fin_retransmissions", json_u64(e->fin_retx));
	return (o);
}

/* The fields an anomaly has wherever it is written. */
static void
json_anomaly_fields(struct json_object *o, const struct anomaly *a)
{
	const struct anomaly_def	*d = anomaly_def((enum anomaly_id)a->id);
	char				 sentence[512];

	add(o, "id", json_object_new_string(d->name));
	add(o, "severity", json_object_new_string(anomaly_severity_name(
	    (enum anomaly_severity)a->sev)));
	add(o, "category", json_object_new_string(d->category));
	add(o, "endpoint", json_object_new_string(anomaly_who_name(
	    (enum anomaly_who)a->who)));
	add(o, "frame", json_u64(a->frame));
	add(o, "ts", json_seconds(a->ts));
	add(o, "count", json_u64(a->count));
	add(o, "message", json_object_new_string(anomaly_sentence(sentence,
	    sizeof(sentence), a)));
	if (a->related_uid[0] != '\0')
		add(o, "related_uid", json_object_new_string(a->related_uid));
}

/* Write o as one line and free it. */
static void
json_emit(struct output *out, struct json_object *o)
{
	const char	*s;
	size_t		 n;

	s = json_object_to_json_string_ext(o, JSON_FLAGS);
	n = strlen(s);
	output_check(out, fwrite(s, 1, n, out->fp) == n);
	output_check(out, fputc('\n', out->fp) != EOF);
	json_object_put(o);
	output_end_record(out);
}

/* {"conn_state", "history", "orig"}: Zeek's view of tcpfsm's connection. */
static struct json_object *
json_zeek(const struct zeek_conn *z)
{
	struct json_object *o = json_object_new_object();

	add(o, "conn_state", json_object_new_string(zeek_conn_state(z)));
	add(o, "history", json_object_new_string(z->history));
	add(o, "orig", json_object_new_string(z->orig == TCP_CLIENT ?
	    "client" : "server"));
	return (o);
}

static void
json_conn(struct output *out, const struct conn *c)
{
	struct json_object	*o, *hs, *an, *ao;
	const struct tcp_pair	*tp = &c->tcp;
	uint16_t		 i;

	if (out->flags & OUTPUT_QUIET)
		return;
	o = json_object_new_object();
	add(o, "type", json_object_new_string("conn"));
	add(o, "uid", json_object_new_string(c->id.uid));
	add(o, "ts", json_seconds(c->id.first_ts));
	add(o, "end_ts", json_seconds(c->last_ts));
	add(o, "duration", json_seconds(c->last_ts - c->id.first_ts));
	add(o, "client", json_endpoint(c, TCP_CLIENT));
	add(o, "server", json_endpoint(c, TCP_SERVER));

	hs = json_object_new_object();
	add(hs, "complete", json_object_new_boolean(
	    (tp->flags & TP_ESTABLISHED) != 0));
	if (c->syn_ts != 0 && c->synack_ts != 0 && c->synack_ts >= c->syn_ts)
		add(hs, "syn_synack", json_seconds(c->synack_ts - c->syn_ts));
	if (c->synack_ts != 0 && c->ack_ts != 0 && c->ack_ts >= c->synack_ts)
		add(hs, "synack_ack", json_seconds(c->ack_ts - c->synack_ts));
	if (c->syn_ts != 0 && c->ack_ts != 0 && c->ack_ts >= c->syn_ts)
		add(hs, "rtt", json_seconds(c->ack_ts - c->syn_ts));
	add(o, "handshake", hs);
	add(o, "end", json_object_new_string(flow_end_name(
	    (enum conn_end)c->end)));
	if (c->closer != CLOSER_NONE)
		add(o, "closer", json_object_new_string(flow_closer_name(
		    (enum conn_closer)c->closer)));
	add(o, "midstream", json_object_new_boolean(
	    (tp->flags & TP_MIDSTREAM) != 0));
	add(o, "zeek", json_zeek(&c->zeek));
	an = json_object_new_array();
	for (i = 0; i < c->anoms.n; i++) {
		ao = json_object_new_object();
		json_anomaly_fields(ao, &c->anoms.v[i]);
		json_object_array_add(an, ao);
	}
	add(o, "anomalies", an);
	json_emit(out, o);
}

static void
json_anomaly(struct output *out, const struct conn_ident *id,
    const struct anomaly *a)
{
	struct json_object *o;

	/* A late one has no conn record left to appear in: always written. */
	if (!(out->flags & OUTPUT_EVENTS) && !a->late)
		return;
	o = json_object_new_object();
	add(o, "type", json_object_new_string("anomaly"));
	add(o, "uid", json_object_new_string(id->uid));
	add(o, "client", json_endpoint_addr(id, TCP_CLIENT));
	add(o, "server", json_endpoint_addr(id, TCP_SERVER));
	json_anomaly_fields(o, a);
	json_emit(out, o);
}

/* {"layer": count, ...} of the layers where results of kind r stopped. */
static struct json_object *
json_by_layer(const struct decode_stats *ds, enum decode_result r)
{
	struct json_object	*o = json_object_new_object();
	unsigned		 l;

	for (l = 0; l < LAYER_NLAYERS; l++)
		if (ds->by_layer[r][l] != 0)
			add(o, decode_layer_name((enum decode_layer)l),
			    json_u64(ds->by_layer[r][l]));
	return (o);
}

static void
json_summary(struct output *out, const struct decode_stats *ds,
    const struct flow_stats *fs)
{
	struct json_object	*o, *co, *e, *st[2], *an, *pk;
	unsigned		 i, s;

	o = json_object_new_object();
	add(o, "type", json_object_new_string("summary"));

	co = json_object_new_object();
	add(co, "total", json_u64(fs->conns));
	add(co, "live_max", json_u64(fs->live_max));
	e = json_object_new_object();
	for (i = END_FIN; i < END_NENDS; i++)
		add(e, flow_end_name((enum conn_end)i), json_u64(fs->by_end[i]));
	add(co, "end", e);
	for (i = 0; i < 2; i++) {
		st[i] = json_object_new_object();
		for (s = 0; s < TCPS_NSTATES; s++)
			if (fs->by_state[i][s] != 0)
				add(st[i], tcpstate_name((enum tcp_state)s),
				    json_u64(fs->by_state[i][s]));
	}
	add(co, "client_state", st[TCP_CLIENT]);
	add(co, "server_state", st[TCP_SERVER]);
	add(co, "late_segments", json_u64(fs->late_segments));
	add(o, "connections", co);

	an = json_object_new_object();
	for (i = 0; i < AN_NIDS; i++)
		if (fs->anomalies[i] != 0)
			add(an, anomaly_def((enum anomaly_id)i)->name,
			    json_u64(fs->anomalies[i]));
	add(o, "anomalies", an);

	pk = json_object_new_object();
	add(pk, "read", json_u64(ds->packets));
	add(pk, "bytes", json_u64(ds->bytes));
	for (i = 0; i < DECODE_NRESULTS; i++)
		add(pk, decode_result_name((enum decode_result)i),
		    json_u64(ds->result[i]));
	add(pk, "not_ip_by_layer", json_by_layer(ds, DECODE_NOT_IP));
	add(pk, "truncated_by_layer", json_by_layer(ds, DECODE_TRUNCATED));
	add(pk, "malformed_by_layer", json_by_layer(ds, DECODE_MALFORMED));
	add(pk, "bad_tcp_option", json_u64(ds->bad_tcp_option));
	add(pk, "first_fragment", json_u64(ds->first_fragment));
	add(pk, "ip_len_over_frame", json_u64(ds->ip_len_over_frame));
	add(pk, "tcp_options_truncated", json_u64(ds->tcp_options_truncated));
	add(o, "packets", pk);
	json_emit(out, o);
}

/* A live capture's counters, every --stats-interval seconds. */
static void
json_stats(struct output *out, const struct output_stats *st)
{
	struct json_object *o;

	o = json_object_new_object();
	add(o, "type", json_object_new_string("stats"));
	add(o, "ts", json_seconds(st->ts));
	add(o, "packets", json_u64(st->packets));
	add(o, "received", json_u64(st->received));
	add(o, "dropped", json_u64(st->dropped));
	add(o, "ifdropped", json_u64(st->ifdropped));
	add(o, "live_connections", json_u64(st->live));
	add(o, "connections", json_u64(st->conns));
	add(o, "anomalies", json_u64(st->anomalies));
	json_emit(out, o);
}

static const struct output_ops json_ops = {
	json_conn, json_anomaly, json_summary, NULL, json_stats
};

/*
 * One row of Zeek's JSON conn.log, its fields in Zeek's order.  As Zeek
 * does, duration and the byte counts are left out when the duration is
 * zero, and the history when it is empty.
 */
void
output_zeek_row(struct output *out, const struct zeek_row *r)
{
	const struct zeek_conn	*z = r->z;
	struct json_object	*o;
	char			 addr[ADDR_FMT_LEN];
	int			 os = z->orig, rs = !z->orig;

	if (out->flags & OUTPUT_QUIET)
		return;
	o = json_object_new_object();
	add(o, "ts", json_seconds(r->first_ts));
	add(o, "uid", json_object_new_string(r->uid));
	addr_fmt(addr, sizeof(addr), r->key->ipv, r->key->addr[os]);
	add(o, "id.orig_h", json_object_new_string(addr));
	add(o, "id.orig_p", json_object_new_int(r->key->port[os]));
	addr_fmt(addr, sizeof(addr), r->key->ipv, r->key->addr[rs]);
	add(o, "id.resp_h", json_object_new_string(addr));
	add(o, "id.resp_p", json_object_new_int(r->key->port[rs]));
	add(o, "proto", json_object_new_string("tcp"));
	if (r->last_ts > r->first_ts) {
		add(o, "duration", json_seconds(r->last_ts - r->first_ts));
		add(o, "orig_bytes", json_u64(zeek_size(z, os)));
		add(o, "resp_bytes", json_u64(zeek_size(z, rs)));
	}
	add(o, "conn_state", json_object_new_string(zeek_conn_state(z)));
	add(o, "missed_bytes", json_u64(z->missed_bytes));
	if (z->hist_len > 0)
		add(o, "history", json_object_new_string(z->history));
	add(o, "orig_pkts", json_u64(z->ep[os].pkts));
	add(o, "orig_ip_bytes", json_u64(z->ep[os].ip_bytes));
	add(o, "resp_pkts", json_u64(z->ep[rs].pkts));
	add(o, "resp_ip_bytes", json_u64(z->ep[rs].ip_bytes));
	json_emit(out, o);
}

static void
zeek_conn_none(struct output *out, const struct conn *c)
{
	(void)out;
	(void)c;
}

static void
zeek_anomaly_none(struct output *out, const struct conn_ident *id,
    const struct anomaly *a)
{
	(void)out;
	(void)id;
	(void)a;
}

static void
zeek_summary_none(struct output *out, const struct decode_stats *ds,
    const struct flow_stats *fs)
{
	(void)out;
	(void)ds;
	(void)fs;
}

static const struct output_ops zeek_ops = {
	zeek_conn_none, zeek_anomaly_none, zeek_summary_none, NULL, NULL
};

struct output *
output_zeek_new(FILE *fp, unsigned flags)
{
	struct output *out;

	out = xcalloc(1, sizeof(*out));
	out->ops = &zeek_ops;
	out->fp = fp;
	out->flags = flags;
	return (out);
}

struct output *
output_json_new(FILE *fp, unsigned flags)
{
	struct output *out;

	out = xcalloc(1, sizeof(*out));
	out->ops = &json_ops;
	out->fp = fp;
	out->flags = flags;
	return (out);
}
