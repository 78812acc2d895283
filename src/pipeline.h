/*
 * pipeline.h - reading and analysis on two threads, for capture files.
 *
 * The thread that reads (libpcap, decoding) fills batches of segments; a
 * second thread replays them, in order, through the connection table and
 * writes the records.  Either one waits for the other only when the ring
 * of batches is full or empty, and they meet once a batch, never once a
 * packet.  The result is the same as replaying on one thread: the same
 * segments, in the same order, through the same table.
 */
#ifndef TCPFSM_PIPELINE_H
#define TCPFSM_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/*
 * One unit of work: a decoded segment, or packet time passing (a tick).
 * Only the part of the segment the analysis reads (TCPFSM_SEG_HOT bytes)
 * crosses between the threads, and with the rest an item fills exactly
 * two cache lines: each line an item takes is one the two CPUs pass
 * between them, once a packet.
 */
#define PIPE_ITEM_SIZE	128

/* What an item is. */
enum {
	TICK_NONE,	/* a segment to replay */
	TICK_TIME,	/* time passing: only seg's ts is set */
	TICK_PASS	/* a segment another --shard analyses: its time */
};

struct pipe_item {
	_Alignas(64) uint32_t hash;	/* the key's hash (flow_keyed_make()) */
	uint8_t		 tick;		/* TICK_* */
	uint8_t		 pad[3];
	unsigned char	 seg[PIPE_ITEM_SIZE - 8];	/* a struct tcpfsm_seg's
							   first TCPFSM_SEG_HOT
							   bytes */
};

/*
 * What the analysis thread does with n items, in order.  Returns true to
 * ask the reader to stop (the output failed); the items already given
 * are done all the same.
 */
typedef bool	(*pipe_work)(void *arg, struct pipe_item *items, size_t n);

/*
 * What the analysis thread does when it has done every item handed over
 * and is about to wait for the reader (to flush what it wrote).
 */
typedef void	(*pipe_idle)(void *arg);

struct pipeline;

/*
 * Start the analysis thread (idle may be NULL).  NULL, with errno set, if
 * it cannot be started: the caller then replays on its own thread.
 */
struct pipeline	*pipeline_new(pipe_work work, pipe_idle idle, void *arg);

/*
 * The next item to fill, and handing it over (inline, below): a filled
 * batch goes to the analysis thread, and the reader waits only if every
 * other batch is still waiting there.
 */
static inline struct pipe_item *pipeline_item(struct pipeline *);
static inline void pipeline_commit(struct pipeline *);

/*
 * Hand over the batch being filled now, however few items it has, and
 * have the analysis thread take it at once: the reader is about to wait
 * for its input, and what it read should not wait with it.
 */
void		 pipeline_flush(struct pipeline *);

/* Has the analysis thread asked to stop?  (As of the last batch.) */
bool		 pipeline_stopped(struct pipeline *);

/* Hand over what is filled, wait until all of it is done, end the thread. */
void		 pipeline_finish(struct pipeline *);
void		 pipeline_free(struct pipeline *);

/* ---- inline part: what the reader does once a packet --------------- */

#define PIPE_BATCH	512		/* items a batch */

struct pipe_batch {
	size_t		 n;
	struct pipe_item item[PIPE_BATCH];
};

/*
 * The reader's view of the batch it fills: the first member of struct
 * pipeline, so these inline functions need nothing else of it.
 */
struct pipe_fill {
	struct pipe_batch *b;
};

/* Hand the filled batch over and take the next free one. */
void		 pipeline_publish(struct pipeline *);

static inline struct pipe_item *
pipeline_item(struct pipeline *p)
{
	struct pipe_fill *f = (struct pipe_fill *)(void *)p;

	return (&f->b->item[f->b->n]);
}

static inline void
pipeline_commit(struct pipeline *p)
{
	struct pipe_fill *f = (struct pipe_fill *)(void *)p;

	if (++f->b->n == PIPE_BATCH)
		pipeline_publish(p);
}

#endif /* TCPFSM_PIPELINE_H */
