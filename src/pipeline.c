/*
 * pipeline.c - a reader thread and an analysis thread joined by a ring of
 * batches.
 *
 * HOW IT WORKS.  PIPE_NBATCH batches make a ring.  The reader fills one
 * batch at a time and publishes it (pipeline_publish()); the analysis
 * thread takes published batches in order, runs the work callback on each
 * and gives it back.  One mutex guards the count of published batches and
 * the flags; each side sleeps on its condition variable only when the ring
 * is full (reader) or empty (analysis), so on a steady stream they meet
 * once a batch.  The order of segments is the reader's order.  A reader
 * about to wait for its input (a quiet pipe) flushes: it hands over the
 * batch it has, however small, and the analysis thread takes it at once.
 */
#include <config.h>

#include "pipeline.h"

#include <errno.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "util.h"

/*
 * The ring: 32 batches of 512 items, 2 MB.  A reader that finds it full
 * sleeps until no more than PIPE_WAKE_READER batches are left to do, not
 * until one is: on a virtual machine a wake-up costs tens of
 * microseconds, an interrupt to the other CPU.  With 8 batches, woken at
 * half, a JSON run over a flood of 1.5 million packets slept and woke
 * some 500 times and took about a fifth longer (perf: futex_wake on the
 * analysis thread).  An analysis thread that finds it empty sleeps until
 * PIPE_WAKE_WORKER batches are published, 2048 packets, or one is flushed
 * (pipeline_flush(): a slow pipe, tcpdump -U -w - | tcpfsm -r -).
 */
#define PIPE_NBATCH	32
#define PIPE_WAKE_WORKER 4
#define PIPE_WAKE_READER (PIPE_NBATCH / 8)

_Static_assert(sizeof(struct pipe_item) == PIPE_ITEM_SIZE,
    "a pipe_item is two cache lines");
_Static_assert(TCPFSM_SEG_HOT <= sizeof(((struct pipe_item *)0)->seg),
    "what the analysis reads of a segment fits in a pipe_item");

struct pipeline {
	struct pipe_fill fill;		/* first: pipeline.h's inline code */
	struct pipe_batch *ring;	/* PIPE_NBATCH of them */
	size_t		 fill_at;	/* the reader's batch */
	size_t		 work_at;	/* the analysis thread's next batch */
	pipe_work	 work;
	pipe_idle	 idle;
	void		*arg;
	pthread_t	 thread;
	pthread_mutex_t	 mtx;
	pthread_cond_t	 published;	/* signalled when a batch is handed over */
	pthread_cond_t	 returned;	/* signalled when one is given back */
	size_t		 full;		/* published, not yet given back */
	bool		 reader_waits;	/* for the ring to be nearly done */
	bool		 worker_waits;	/* for PIPE_WAKE_WORKER to be published */
	bool		 urgent;	/* a batch was flushed: do not wait */
	bool		 done;		/* the reader has published its last */
	bool		 stop;		/* the work asked the reader to stop */
	bool		 finished;	/* joined */
};

static void *
pipeline_main(void *v)
{
	struct pipeline		*p = v;
	struct pipe_batch	*b;
	bool			 stop, idled = false;

	for (;;) {
		pthread_mutex_lock(&p->mtx);
		if (p->full == 0 && !p->done && !idled && p->idle != NULL) {
			/* Everything handed over is done: say so, look again. */
			pthread_mutex_unlock(&p->mtx);
			p->idle(p->arg);
			idled = true;
			continue;
		}
		if (p->full == 0 && !p->done) {
			p->worker_waits = true;
			while (p->full < PIPE_WAKE_WORKER && !p->done &&
			    !p->urgent)
				pthread_cond_wait(&p->published, &p->mtx);
			p->worker_waits = false;
		}
		if (p->full == 0) {
			pthread_mutex_unlock(&p->mtx);
			break;
		}
		/* Set only with a batch published: none is left unseen. */
		p->urgent = false;
		idled = false;
		b = &p->ring[p->work_at];
		pthread_mutex_unlock(&p->mtx);

		stop = p->work(p->arg, b->item, b->n);

		pthread_mutex_lock(&p->mtx);
		p->work_at = (p->work_at + 1) % PIPE_NBATCH;
		p->full--;
		if (stop)
			p->stop = true;
		if (p->reader_waits && (p->full <= PIPE_WAKE_READER || stop))
			pthread_cond_signal(&p->returned);
		pthread_mutex_unlock(&p->mtx);
	}
	return (NULL);
}

struct pipeline *
pipeline_new(pipe_work work, pipe_idle idle, void *arg)
{
	struct pipeline	*p;
	void		*ring = NULL;
	sigset_t	 all, old;
	int		 e;

	p = xcalloc(1, sizeof(*p));
	if (posix_memalign(&ring, 64, PIPE_NBATCH * sizeof(*p->ring)) != 0)
		xoom(PIPE_NBATCH * sizeof(*p->ring));
	p->ring = ring;
	p->ring[0].n = 0;
	p->fill.b = &p->ring[0];
	p->work = work;
	p->idle = idle;
	p->arg = arg;
	pthread_mutex_init(&p->mtx, NULL);
	pthread_cond_init(&p->published, NULL);
	pthread_cond_init(&p->returned, NULL);
#ifdef M_ARENA_MAX
	/*
	 * The analysis thread allocates connections and traces.  In an
	 * arena of its own (glibc's default for a second thread) the heap
	 * grows by mprotect(2), and each one interrupts the reading CPU to
	 * flush its TLB; the main arena grows by brk(2), which does not.
	 */
	(void)mallopt(M_ARENA_MAX, 1);
#endif
	/* Signals are the reader's: it decides when to stop reading. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&p->thread, NULL, pipeline_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		pthread_cond_destroy(&p->returned);
		pthread_cond_destroy(&p->published);
		pthread_mutex_destroy(&p->mtx);
		free(p->ring);
		free(p);
		errno = e;
		return (NULL);
	}
	return (p);
}

static void
publish(struct pipeline *p, bool urgent)
{
	if (p->fill.b->n == 0)
		return;
	pthread_mutex_lock(&p->mtx);
	p->full++;
	if (urgent)
		p->urgent = true;
	if (p->worker_waits && (p->full >= PIPE_WAKE_WORKER || urgent))
		pthread_cond_signal(&p->published);
	/* The next batch is free once the analysis thread gave it back. */
	if (p->full == PIPE_NBATCH) {
		p->reader_waits = true;
		while (p->full == PIPE_NBATCH ||
		    (p->full > PIPE_WAKE_READER && !p->stop))
			pthread_cond_wait(&p->returned, &p->mtx);
		p->reader_waits = false;
	}
	pthread_mutex_unlock(&p->mtx);
	p->fill_at = (p->fill_at + 1) % PIPE_NBATCH;
	p->fill.b = &p->ring[p->fill_at];
	p->fill.b->n = 0;
}

void
pipeline_publish(struct pipeline *p)
{
	publish(p, false);
}

void
pipeline_flush(struct pipeline *p)
{
	publish(p, true);
}

bool
pipeline_stopped(struct pipeline *p)
{
	bool stop;

	pthread_mutex_lock(&p->mtx);
	stop = p->stop;
	pthread_mutex_unlock(&p->mtx);
	return (stop);
}

void
pipeline_finish(struct pipeline *p)
{
	if (p->finished)
		return;
	pipeline_publish(p);
	pthread_mutex_lock(&p->mtx);
	p->done = true;
	pthread_cond_signal(&p->published);
	pthread_mutex_unlock(&p->mtx);
	pthread_join(p->thread, NULL);
	p->finished = true;
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	pipeline_finish(p);
	pthread_cond_destroy(&p->returned);
	pthread_cond_destroy(&p->published);
	pthread_mutex_destroy(&p->mtx);
	free(p->ring);
	free(p);
}
