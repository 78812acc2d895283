/*
 * zeek-table.h - connections cut where Zeek cuts them, for -F zeek.
 *
 * Zeek's idea of a connection is not tcpfsm's (flow.h): an unanswered SYN
 * is over when its attempt timer runs out (5 s), a closed or reset
 * connection lingers for 5 s and is gone, a SYN on a tuple one side has
 * closed starts a new connection, and 5 minutes of silence end any.  This
 * table keeps its own connections by those rules, fed with every decoded
 * segment, and hands each one over as a conn.log row when Zeek would log
 * it.  Time is packet time; timers fire, as in Zeek, before the first
 * packet at or after their deadline.
 */
#ifndef TCPFSM_ZEEK_TABLE_H
#define TCPFSM_ZEEK_TABLE_H

#include <stdint.h>

#include "flow.h"
#include "zeek.h"

struct tcpfsm_seg;
struct zeek_table;

/* One conn.log row: valid only during the callback. */
struct zeek_row {
	const struct zeek_conn *z;	/* z->orig: key side of id.orig_h */
	const struct flow_key *key;
	const char	*uid;		/* "C" + 17 base62 characters */
	int64_t		 first_ts;	/* ts: first packet, microseconds */
	int64_t		 last_ts;	/* Zeek's last time: ts + duration */
};

typedef void	(*zeek_row_fn)(void *arg, const struct zeek_row *row);

/*
 * A new table handing rows to fn(arg, row); seed keys its hash and its
 * uids.  Never NULL (allocation failure is fatal).
 */
struct zeek_table *zeek_table_new(uint64_t seed, zeek_row_fn fn, void *arg);

/*
 * Time is now (microseconds): run the timers due by then.  Every packet
 * read moves Zeek's clock, TCP or not.
 */
void		 zeek_table_advance(struct zeek_table *zt, int64_t now);

/* Run the timers due by seg's time, then apply seg to its connection. */
void		 zeek_table_segment(struct zeek_table *zt,
		    const struct tcpfsm_seg *seg);

/* The same with seg's key made already, with the table's seed. */
void		 zeek_table_segment_keyed(struct zeek_table *zt,
		    const struct tcpfsm_seg *seg, const struct flow_keyed *kd);

/* The input ended: every connection left is logged, oldest first. */
void		 zeek_table_finish(struct zeek_table *zt);

/* Free the table; NULL is fine. */
void		 zeek_table_free(struct zeek_table *zt);

#endif /* TCPFSM_ZEEK_TABLE_H */
