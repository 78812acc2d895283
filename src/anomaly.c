/*
 * anomaly.c - the anomaly catalogue and per-connection anomaly lists.
 */
#include <config.h>

#include "anomaly.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpstate.h"
#include "util.h"

/* Indexed by enum anomaly_id; the order is the catalogue's (DESIGN §5). */
static const struct anomaly_def catalogue[AN_NIDS] = {
	{ "syn_unanswered", SEV_WARNING, "handshake",
	  "a SYN got no SYN-ACK or RST within the handshake timeout" },
	{ "synack_unacked", SEV_WARNING, "handshake",
	  "a SYN-ACK never acknowledged (server left in SYN_RECEIVED)" },
	{ "syn_retransmitted", SEV_INFO, "handshake",
	  "the client sent its SYN more than once" },
	{ "synack_retransmitted", SEV_INFO, "handshake",
	  "the server sent its SYN-ACK more than once" },
	{ "synack_bad_ack", SEV_ERROR, "handshake",
	  "a SYN-ACK that does not acknowledge the SYN (ISN+1)" },
	{ "handshake_ack_bad", SEV_ERROR, "handshake",
	  "the handshake's last ACK does not acknowledge the SYN-ACK" },
	{ "ack_instead_of_synack", SEV_WARNING, "handshake",
	  "a SYN answered by a bare ACK (an older connection lives on)" },
	{ "data_before_established", SEV_WARNING, "handshake",
	  "payload from an endpoint that was not yet ESTABLISHED" },
	{ "syn_on_established", SEV_WARNING, "handshake",
	  "a SYN with a new ISN on an open connection" },
	{ "simultaneous_open", SEV_INFO, "handshake",
	  "both endpoints sent a SYN: a simultaneous open" },
	{ "split_handshake", SEV_INFO, "handshake",
	  "the responder split its SYN-ACK into a SYN and an ACK" },
	{ "ack_unseen_data", SEV_INFO, "capture",
	  "an ACK for bytes the capture never saw" },
	{ "seq_out_of_window", SEV_WARNING, "data",
	  "a segment beyond the receiver's advertised window" },
	{ "data_after_fin", SEV_ERROR, "data",
	  "payload beyond the sender's own FIN" },
	{ "segment_after_rst", SEV_WARNING, "data",
	  "traffic from an endpoint after a valid RST closed it" },
	{ "fin_unacked", SEV_WARNING, "teardown",
	  "a FIN never acknowledged (closer left in FIN_WAIT_1/CLOSING)" },
	{ "last_ack_unacked", SEV_WARNING, "teardown",
	  "the passive closer's FIN never acknowledged (LAST_ACK)" },
	{ "fin_retransmitted", SEV_INFO, "teardown",
	  "a FIN was sent more than once: its ACK was lost or late" },
	{ "half_closed", SEV_WARNING, "teardown",
	  "one side closed, the other never did (CLOSE_WAIT)" },
	{ "simultaneous_close", SEV_INFO, "teardown",
	  "both endpoints sent a FIN before receiving the other's" },
	{ "rst_after_fin", SEV_INFO, "teardown",
	  "an abortive close (RST) during the teardown" },
	{ "premature_time_wait_exit", SEV_ERROR, "teardown",
	  "an endpoint left TIME_WAIT before 2 x MSL" },
	{ "time_wait_reuse", SEV_INFO, "teardown",
	  "a 4-tuple reused during TIME_WAIT, as RFC 6191 allows" },
	{ "time_wait_assassination", SEV_WARNING, "teardown",
	  "a RST reached an endpoint in TIME_WAIT (RFC 1337)" },
	{ "rst_out_of_window", SEV_WARNING, "reset",
	  "a RST outside the receive window (possible injection)" },
	{ "rst_in_handshake", SEV_INFO, "reset",
	  "a RST during the handshake" },
	{ "invalid_flags", SEV_ERROR, "packet",
	  "flags no TCP sends together (SYN+FIN, FIN+RST, none, Xmas...)" },
	{ "bad_tcp_option", SEV_WARNING, "packet",
	  "a TCP option whose length is impossible for its kind" },
	{ "bad_checksum", SEV_WARNING, "packet",
	  "a bad TCP checksum (with --verify-checksums)" },
	{ "midstream", SEV_INFO, "capture",
	  "the capture started after the handshake" },
	{ "one_sided", SEV_INFO, "capture",
	  "the capture saw one direction of the connection only" },
};

static const char *const severity_names[SEV_NSEVS] = {
	"info", "warning", "error"
};

static const char *const who_names[] = {
	"client", "server", "both", "capture"
};

const struct anomaly_def *
anomaly_def(enum anomaly_id id)
{
	return ((unsigned)id < AN_NIDS ? &catalogue[id] : NULL);
}

int
anomaly_lookup(const char *name)
{
	int i;

	for (i = 0; i < AN_NIDS; i++)
		if (strcmp(catalogue[i].name, name) == 0)
			return (i);
	return (-1);
}

const char *
anomaly_severity_name(enum anomaly_severity s)
{
	return ((unsigned)s < SEV_NSEVS ? severity_names[s] : "unknown");
}

int
anomaly_severity_lookup(const char *name)
{
	int i;

	for (i = 0; i < SEV_NSEVS; i++)
		if (strcmp(severity_names[i], name) == 0)
			return (i);
	return (-1);
}

const char *
anomaly_who_name(enum anomaly_who w)
{
	return ((unsigned)w <= WHO_CAPTURE ? who_names[w] : "unknown");
}

int
anomaly_has(const struct anomaly_list *list, enum anomaly_id id)
{
	return ((list->mask >> id) & 1);
}

struct anomaly *
anomaly_raise(struct anomaly_list *list, enum anomaly_id id, int sev,
    enum anomaly_who who, uint64_t frame, int64_t ts)
{
	struct anomaly	*a;
	uint16_t	 i;

	if (anomaly_has(list, id)) {
		for (i = 0; i < list->n; i++) {
			if (list->v[i].id == id) {
				if (list->v[i].count < UINT32_MAX)
					list->v[i].count++;
				break;
			}
		}
		return (NULL);
	}
	if (list->n == list->cap) {
		list->cap = list->cap == 0 ? 2 : list->cap * 2;
		list->v = xreallocarray(list->v, list->cap, sizeof(*list->v));
	}
	a = &list->v[list->n++];
	memset(a, 0, sizeof(*a));
	a->id = (uint8_t)id;
	a->sev = (uint8_t)(sev < 0 ? catalogue[id].sev : sev);
	a->who = (uint8_t)who;
	a->count = 1;
	a->frame = frame;
	a->ts = ts;
	list->mask |= UINT64_C(1) << id;
	return (a);
}

void
anomaly_list_clear(struct anomaly_list *list)
{
	free(list->v);
	memset(list, 0, sizeof(*list));
}

/* The other endpoint's name. */
static const char *
other(const struct anomaly *a)
{
	return (a->who == WHO_CLIENT ? "server" : "client");
}

char *
anomaly_sentence(char *buf, size_t len, const struct anomaly *a)
{
	const char	*who = anomaly_who_name(a->who);
	uint64_t	 d0 = a->detail[0], d1 = a->detail[1];

	switch (a->id) {
	case AN_SYN_UNANSWERED:
		snprintf(buf, len, "the client's SYN (sent %" PRIu64 " time%s) "
		    "got neither a SYN-ACK nor a RST", d0, d0 == 1 ? "" : "s");
		break;
	case AN_SYNACK_UNACKED:
		snprintf(buf, len, "the server's SYN-ACK (sent %" PRIu64
		    " time%s) was never acknowledged; the server is left in "
		    "SYN_RECEIVED", d0, d0 == 1 ? "" : "s");
		break;
	case AN_SYN_RETRANSMITTED:
	case AN_SYNACK_RETRANSMITTED:
		snprintf(buf, len, "the %s sent its %s %" PRIu32 " more time%s",
		    who, a->id == AN_SYN_RETRANSMITTED ? "SYN" : "SYN-ACK",
		    a->count, a->count == 1 ? "" : "s");
		break;
	case AN_SYNACK_BAD_ACK:
		snprintf(buf, len, "the %s's SYN-ACK acknowledges %" PRIu64
		    ", not the %s's ISN+1 (%" PRIu64 ")", who, d0, other(a), d1);
		break;
	case AN_HANDSHAKE_ACK_BAD:
		snprintf(buf, len, "the %s's handshake ACK acknowledges %"
		    PRIu64 ", not the %s's ISN+1 (%" PRIu64 ")", who, d0,
		    other(a), d1);
		break;
	case AN_ACK_INSTEAD_OF_SYNACK:
		snprintf(buf, len, "the server answered the SYN with a bare "
		    "ACK of %" PRIu64 ": an older connection on this 4-tuple "
		    "still lives there", d0);
		break;
	case AN_DATA_BEFORE_ESTABLISHED:
		snprintf(buf, len, "the %s sent %" PRIu64 " payload bytes "
		    "before the connection was established%s", who, d0,
		    a->sev == SEV_INFO ? " (TCP Fast Open)" : "");
		break;
	case AN_SYN_ON_ESTABLISHED:
		snprintf(buf, len, "the %s sent a SYN with a new ISN (%" PRIu64
		    ") on the open connection", who, d0);
		break;
	case AN_SIMULTANEOUS_OPEN:
		snprintf(buf, len, "both endpoints sent a SYN and answered the "
		    "other's: a simultaneous open");
		break;
	case AN_SPLIT_HANDSHAKE:
		snprintf(buf, len, "the server answered the SYN with a SYN and "
		    "an ACK apart, not a SYN-ACK: a split handshake");
		break;
	case AN_ACK_UNSEEN_DATA:
		snprintf(buf, len, "the %s acknowledged %" PRIu64 " bytes of "
		    "the %s's that the capture never saw", who, d0, other(a));
		break;
	case AN_SEQ_OUT_OF_WINDOW:
		snprintf(buf, len, "the %s sent data up to %" PRIu64 ", beyond "
		    "the %s's window edge %" PRIu64, who, d0, other(a), d1);
		break;
	case AN_DATA_AFTER_FIN:
		snprintf(buf, len, "the %s sent payload after its own FIN", who);
		break;
	case AN_SEGMENT_AFTER_RST:
		snprintf(buf, len, "the %s kept sending after a RST closed the "
		    "connection", who);
		break;
	case AN_FIN_UNACKED:
		snprintf(buf, len, "the %s's FIN was never acknowledged; it is "
		    "left in %s", who, tcpstate_name((enum tcp_state)d0));
		break;
	case AN_LAST_ACK_UNACKED:
		snprintf(buf, len, "the %s's FIN, the passive close, was never "
		    "acknowledged; it is left in LAST_ACK", who);
		break;
	case AN_FIN_RETRANSMITTED:
		snprintf(buf, len, "the %s sent its FIN %" PRIu32 " more time%s",
		    who, a->count, a->count == 1 ? "" : "s");
		break;
	case AN_HALF_CLOSED:
		snprintf(buf, len, "the %s closed and the %s never did: %s "
		    "left in CLOSE_WAIT (an application that never calls "
		    "close()?)", other(a), who, who);
		break;
	case AN_SIMULTANEOUS_CLOSE:
		snprintf(buf, len, "both endpoints sent a FIN before receiving "
		    "the other's: a simultaneous close");
		break;
	case AN_RST_AFTER_FIN:
		snprintf(buf, len, "the %s reset the connection during its "
		    "close", who);
		break;
	case AN_PREMATURE_TIME_WAIT_EXIT:
		if (a->related_uid[0] != '\0')
			snprintf(buf, len, "the %s, in TIME_WAIT since "
			    "connection %s, acted as if it had left it %.3f s "
			    "early", who, a->related_uid, (double)d0 / 1e6);
		else
			snprintf(buf, len, "the %s answered a retransmitted "
			    "FIN with a RST, as if it had left TIME_WAIT %.3f "
			    "s early", who, (double)d0 / 1e6);
		break;
	case AN_TIME_WAIT_REUSE:
		snprintf(buf, len, "a new connection reused the 4-tuple of %s "
		    "while the %s was in TIME_WAIT, with a %s (RFC 6191)",
		    a->related_uid, who, d0 ? "greater timestamp" :
		    "greater ISN");
		break;
	case AN_TIME_WAIT_ASSASSINATION:
		snprintf(buf, len, "a RST from the %s reached the %s in "
		    "TIME_WAIT (RFC 1337)", other(a), who);
		break;
	case AN_RST_OUT_OF_WINDOW:
		snprintf(buf, len, "the %s sent a RST with sequence number %"
		    PRIu64 ", outside the %s's window: ignored, possibly "
		    "injected", who, d0, other(a));
		break;
	case AN_RST_IN_HANDSHAKE:
		snprintf(buf, len, "the %s reset the connection during the "
		    "handshake", who);
		break;
	case AN_INVALID_FLAGS:
		snprintf(buf, len, "the %s sent a segment with invalid flags "
		    "(0x%03" PRIx64 ")", who, d0);
		break;
	case AN_BAD_TCP_OPTION:
		snprintf(buf, len, "the %s sent a TCP option of kind %" PRIu64
		    " with an impossible length", who, d0);
		break;
	case AN_BAD_CHECKSUM:
		snprintf(buf, len, "the %s sent a segment with a bad TCP "
		    "checksum", who);
		break;
	case AN_MIDSTREAM:
		snprintf(buf, len, "the capture started after the handshake; "
		    "the client is guessed from the ports");
		break;
	case AN_ONE_SIDED:
		snprintf(buf, len, "the capture saw only the %s's segments",
		    d0 == 0 ? "client" : "server");
		break;
	default:
		snprintf(buf, len, "anomaly %u", a->id);
		break;
	}
	return (buf);
}
