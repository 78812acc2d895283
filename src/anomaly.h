/*
 * anomaly.h - the anomaly catalogue of DESIGN §5 and per-connection lists.
 *
 * Ids are part of tcpfsm's interface: add, never rename.  Each connection
 * keeps one entry per id it raised, with the packet that decided it and a
 * count of repeats, so a storm of identical anomalies costs one entry.
 */
#ifndef TCPFSM_ANOMALY_H
#define TCPFSM_ANOMALY_H

#include <stddef.h>
#include <stdint.h>

enum anomaly_id {
	/* Handshake */
	AN_SYN_UNANSWERED = 0,
	AN_SYNACK_UNACKED,
	AN_SYN_RETRANSMITTED,
	AN_SYNACK_RETRANSMITTED,
	AN_SYNACK_BAD_ACK,
	AN_HANDSHAKE_ACK_BAD,
	AN_ACK_INSTEAD_OF_SYNACK,
	AN_DATA_BEFORE_ESTABLISHED,
	AN_SYN_ON_ESTABLISHED,
	AN_SIMULTANEOUS_OPEN,
	AN_SPLIT_HANDSHAKE,
	/* Data phase */
	AN_ACK_UNSEEN_DATA,
	AN_SEQ_OUT_OF_WINDOW,
	AN_DATA_AFTER_FIN,
	AN_SEGMENT_AFTER_RST,
	/* Teardown */
	AN_FIN_UNACKED,
	AN_LAST_ACK_UNACKED,
	AN_FIN_RETRANSMITTED,
	AN_HALF_CLOSED,
	AN_SIMULTANEOUS_CLOSE,
	AN_RST_AFTER_FIN,
	AN_PREMATURE_TIME_WAIT_EXIT,
	AN_TIME_WAIT_REUSE,
	AN_TIME_WAIT_ASSASSINATION,
	/* Resets and packets */
	AN_RST_OUT_OF_WINDOW,
	AN_RST_IN_HANDSHAKE,
	AN_INVALID_FLAGS,
	AN_BAD_TCP_OPTION,
	AN_BAD_CHECKSUM,
	/* Artefacts of the capture */
	AN_MIDSTREAM,
	AN_ONE_SIDED,
	AN_NIDS
};

enum anomaly_severity {
	SEV_INFO = 0,
	SEV_WARNING,
	SEV_ERROR,
	SEV_NSEVS
};

/* Whom an anomaly concerns. */
enum anomaly_who {
	WHO_CLIENT = 0,
	WHO_SERVER,
	WHO_BOTH,
	WHO_CAPTURE		/* the capture itself, not an endpoint */
};

/* One anomaly of one connection. */
struct anomaly {
	uint8_t		 id;		/* enum anomaly_id */
	uint8_t		 sev;		/* enum anomaly_severity */
	uint8_t		 who;		/* enum anomaly_who */
	uint8_t		 late;		/* of a connection already over */
	uint32_t	 count;		/* times raised; the first decided it */
	uint64_t	 frame;		/* deciding packet, from 1 */
	int64_t		 ts;		/* when decided, microseconds */
	uint64_t	 detail[2];	/* id-specific facts for the sentence */
	char		 related_uid[20]; /* the connection it relates to, or "" */
};

/* A connection's anomalies, in the order decided; allocated on first use. */
struct anomaly_list {
	struct anomaly	*v;
	uint16_t	 n;
	uint16_t	 cap;
	uint32_t	 pad;
	uint64_t	 mask;		/* bit per id present */
};

/* The catalogue's entry for an id. */
struct anomaly_def {
	const char	*name;		/* stable snake_case id */
	uint8_t		 sev;		/* default severity */
	const char	*category;	/* handshake, data, teardown, reset, packet, capture */
	const char	*meaning;	/* one line */
};

const struct anomaly_def *anomaly_def(enum anomaly_id id);

/* The id named name, or -1. */
int		 anomaly_lookup(const char *name);

/*
 * Raise id on list: a new entry (returned, for streaming) the first time,
 * a repeat after that (count grows, NULL is returned).  sev < 0 takes the
 * catalogue's severity.
 */
struct anomaly	*anomaly_raise(struct anomaly_list *list, enum anomaly_id id,
		    int sev, enum anomaly_who who, uint64_t frame, int64_t ts);

/* Has list raised id? */
int		 anomaly_has(const struct anomaly_list *list, enum anomaly_id id);

/* Free the entries (the list is empty after). */
void		 anomaly_list_clear(struct anomaly_list *list);

/* Write the human sentence for a into buf.  Returns buf. */
char		*anomaly_sentence(char *buf, size_t len, const struct anomaly *a);

const char	*anomaly_severity_name(enum anomaly_severity s);
const char	*anomaly_who_name(enum anomaly_who w);

/* "info" / "warning" / "error" to a severity, or -1. */
int		 anomaly_severity_lookup(const char *name);

#endif /* TCPFSM_ANOMALY_H */
