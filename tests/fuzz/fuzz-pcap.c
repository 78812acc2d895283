/*
 * fuzz-pcap.c - libFuzzer target: the whole pipeline fed a byte string as
 * a capture file.  The bytes are written to a file, read through libpcap
 * (pcap or pcapng), decoded, replayed through the flow table with small
 * timers and a small --max-conns, and every record is written as JSON and
 * as text to /dev/null, ending with the summary: what tcpfsm -r does.
 */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "flow.h"
#include "output.h"
#include "output-text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_run {
	struct flow_table	*flow;
	struct output		*json;
	struct output		*text;
	struct decode_stats	 stats;
	uint64_t		 frame;
	char			 line[OUTPUT_SEGMENT_LEN];
};

static void
on_segment(void *arg, const struct flow_segment_view *v,
    const struct tcpfsm_seg *seg)
{
	struct fuzz_run *run = arg;

	(void)output_text_replay(run->line, sizeof(run->line), seg, v);
}

static void
on_conn(void *arg, const struct conn *c)
{
	struct fuzz_run *run = arg;

	run->json->ops->conn(run->json, c);
	run->text->ops->conn(run->text, c);
}

static void
on_anomaly(void *arg, const struct conn_ident *id, const struct anomaly *a)
{
	struct fuzz_run *run = arg;

	run->json->ops->anomaly(run->json, id, a);
	run->text->ops->anomaly(run->text, id, a);
}

static void
on_packet(void *arg, const struct tcpfsm_pkt *pkt)
{
	struct fuzz_run		*run = arg;
	struct tcpfsm_seg	 seg;
	enum decode_result	 r;

	r = decode_frame(pkt->link, pkt->data, pkt->caplen, pkt->len, &seg);
	decode_stats_add(&run->stats, r, &seg, pkt->len);
	if (r != DECODE_OK)
		return;
	seg.ts = pkt->ts;
	seg.frame = ++run->frame;
	flow_segment(run->flow, &seg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*devnull;
	char			 path[] = "/tmp/tcpfsm-fuzz.XXXXXX";
	char			 err[512];
	struct fuzz_run		 run;
	struct flow_config	 cfg;
	struct flow_sink	 sink;
	struct capture		*cap;
	int			 fd, n;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		return (0);
	if ((fd = mkstemp(path)) == -1)
		return (0);
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return (0);
	}
	close(fd);

	memset(&run, 0, sizeof(run));
	flow_config_default(&cfg);
	cfg.seed = 1;
	cfg.max_conns = 8;
	cfg.handshake_timeout = 1000;
	cfg.fin_timeout = 1000;
	cfg.idle_timeout = 100000;
	cfg.msl = 5000;
	memset(&sink, 0, sizeof(sink));
	sink.arg = &run;
	sink.segment = on_segment;
	sink.conn = on_conn;
	sink.anomaly = on_anomaly;
	run.flow = flow_new(&cfg, &sink);
	run.json = output_json_new(devnull, OUTPUT_EVENTS);
	run.text = output_text_new(devnull, OUTPUT_EVENTS);

	if ((cap = capture_open_file(path, err, sizeof(err))) != NULL) {
		while ((n = capture_dispatch(cap, 64, on_packet, &run, err,
		    sizeof(err))) > 0)
			;
		capture_close(cap);
	}
	unlink(path);
	flow_finish(run.flow);
	run.json->ops->summary(run.json, &run.stats, flow_stats(run.flow));
	output_free(run.json);
	output_free(run.text);
	flow_free(run.flow);
	return (0);
}
