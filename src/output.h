/*
 * output.h - the sinks records are written to: text and JSON.
 *
 * An output is a vtable over a FILE (Redis's dictType pattern): main()
 * picks one, and the flow table's records reach it through main's sink.
 * Outputs never decide anything; they format what they are given.
 */
#ifndef TCPFSM_OUTPUT_H
#define TCPFSM_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

struct conn;
struct conn_ident;
struct anomaly;
struct decode_stats;
struct flow_stats;
struct zeek_row;

/* struct output.flags */
#define OUTPUT_EVENTS	0x01	/* write anomaly records as they are decided */
#define OUTPUT_QUIET	0x02	/* no per-connection records, summary only */
#define OUTPUT_FLUSH	0x04	/* flush after every record (pipes, terminals) */

struct output;

/* A live capture's periodic counters (DESIGN §6 "stats" records). */
struct output_stats {
	int64_t		 ts;		/* when, microseconds since the epoch */
	uint64_t	 packets;	/* read by tcpfsm */
	uint64_t	 received;	/* pcap_stats: accepted by the filter */
	uint64_t	 dropped;	/* pcap_stats: dropped by the kernel */
	uint64_t	 ifdropped;	/* pcap_stats: dropped by the interface */
	uint64_t	 live;		/* live connections */
	uint64_t	 conns;		/* connections so far */
	uint64_t	 anomalies;	/* anomalies so far */
};

struct output_ops {
	void	(*conn)(struct output *, const struct conn *);
	void	(*anomaly)(struct output *, const struct conn_ident *,
		    const struct anomaly *);
	void	(*summary)(struct output *, const struct decode_stats *,
		    const struct flow_stats *);
	void	(*free)(struct output *);
	void	(*stats)(struct output *, const struct output_stats *);
};

struct output {
	const struct output_ops *ops;
	FILE		*fp;
	unsigned	 flags;		/* OUTPUT_* */
	int		 write_errno;	/* first write error, or 0 */
	void		*priv;		/* the format's own state */
};

/* New outputs on fp (not closed by them).  Never NULL. */
struct output	*output_text_new(FILE *fp, unsigned flags);
struct output	*output_json_new(FILE *fp, unsigned flags);

/*
 * -F zeek: Zeek's JSON conn.log, one object per row given to
 * output_zeek_row(); its conn, anomaly and summary operations write
 * nothing.  Never NULL.
 */
struct output	*output_zeek_new(FILE *fp, unsigned flags);
void		 output_zeek_row(struct output *out,
		    const struct zeek_row *row);

/* Free an output; NULL is fine. */
void		 output_free(struct output *out);

/*
 * Note the outcome of a write: the first failure's errno is kept in
 * out->write_errno.  ok is the write's own success.
 */
void		 output_check(struct output *out, int ok);

/* After a record: flush if asked to, and check the stream. */
void		 output_end_record(struct output *out);

#endif /* TCPFSM_OUTPUT_H */
