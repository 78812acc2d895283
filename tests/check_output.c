/*
 * check_output.c - the text output: one line per segment, and the decode
 * counters.
 *
 * Segments come from frames built with testutil.c and decoded, so they
 * are what the formatter sees in a real run; the timestamp is set by hand.
 */
#include <config.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "output-text.h"
#include "testutil.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define TS	1700000000123456LL	/* 2023-11-14, microseconds */

/*
 * Decode the Ethernet frame in p (IP version ipv, TCP segment tcp) into
 * seg, stamped TS.  seg points into p, so p must outlive it.
 */
static void
make_seg(struct tu_pkt *p, int ipv, const struct tu_tcp *tcp,
    struct tcpfsm_seg *seg)
{
	tu_pkt_init(p);
	tu_eth(p, tu_ethertype(ipv));
	tu_ip_tcp(p, ipv, tcp);
	memset(seg, 0, sizeof(*seg));
	ck_assert_int_eq(decode_frame(LINK_ETHERNET, p->data, (uint32_t)p->len,
	    (uint32_t)p->len, seg), DECODE_OK);
	seg->ts = TS;
	seg->frame = 1;
}

/* Format seg into a roomy buffer and compare with want, whole. */
static void
assert_line(const struct tcpfsm_seg *seg, const char *want)
{
	char	buf[OUTPUT_SEGMENT_LEN];
	size_t	n;

	n = output_text_segment(buf, sizeof(buf), seg);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(n, strlen(want));
}

/* TU_SEQ and TU_ACK in decimal. */
#define SEQ	"2712847316"
#define ACK	"16909060"
#define V4	"1700000000.123456 IP 192.0.2.1.40000 > 198.51.100.2.80: "
#define V6	"1700000000.123456 IP6 2001:db8::1.40000 > 2001:db8::2.80: "

static const struct flags_case {
	const char	*name;
	uint16_t	 flags;
	size_t		 payload_len;
	const char	*want;
} flags_cases[] = {
	{ "syn", TCPF_SYN, 0,
	    V4 "Flags [S], seq " SEQ ", win 29200, length 0\n" },
	{ "syn-ack", TCPF_SYN | TCPF_ACK, 0,
	    V4 "Flags [S.], seq " SEQ ", ack " ACK ", win 29200, length 0\n" },
	{ "fin-psh-ack", TCPF_FIN | TCPF_PSH | TCPF_ACK, 12,
	    V4 "Flags [FP.], seq " SEQ ", ack " ACK
	    ", win 29200, length 12\n" },
	{ "rst", TCPF_RST, 0,
	    V4 "Flags [R], seq " SEQ ", win 29200, length 0\n" },
	{ "rst-ack", TCPF_RST | TCPF_ACK, 0,
	    V4 "Flags [R.], seq " SEQ ", ack " ACK ", win 29200, length 0\n" },
	{ "no flags", 0, 5,
	    V4 "Flags [none], seq " SEQ ", win 29200, length 5\n" },
	{ "ack", TCPF_ACK, 0,
	    V4 "Flags [.], seq " SEQ ", ack " ACK ", win 29200, length 0\n" },
	{ "syn ece cwr", TCPF_SYN | TCPF_ECE | TCPF_CWR, 0,
	    V4 "Flags [SEW], seq " SEQ ", win 29200, length 0\n" },
	{ "every flag", 0x1ff, 1,
	    V4 "Flags [FSRP.UEWe], seq " SEQ ", ack " ACK
	    ", win 29200, urg 0, length 1\n" },
};

START_TEST(test_flags)
{
	const struct flags_case	*c = &flags_cases[_i];
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;

	tu_tcp_init(&tcp);
	tcp.flags = c->flags;
	tcp.payload_len = c->payload_len;
	make_seg(&p, 4, &tcp, &seg);
	assert_line(&seg, c->want);
}
END_TEST

START_TEST(test_ipv6)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;

	tu_tcp_init(&tcp);
	tcp.flags = TCPF_SYN | TCPF_ACK;
	tcp.payload_len = 0;
	make_seg(&p, 6, &tcp, &seg);
	assert_line(&seg, V6 "Flags [S.], seq " SEQ ", ack " ACK
	    ", win 29200, length 0\n");
}
END_TEST

/* A segment with an ack number but no ACK flag: the number is noise. */
START_TEST(test_ack_needs_flag)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	char			 buf[OUTPUT_SEGMENT_LEN];

	tu_tcp_init(&tcp);
	tcp.flags = TCPF_PSH;
	tcp.ack = 12345;
	make_seg(&p, 4, &tcp, &seg);
	(void)output_text_segment(buf, sizeof(buf), &seg);
	ck_assert_ptr_null(strstr(buf, "ack"));
	ck_assert_ptr_null(strstr(buf, " 12345,"));
	seg.flags |= TCPF_ACK;
	(void)output_text_segment(buf, sizeof(buf), &seg);
	ck_assert_ptr_nonnull(strstr(buf, ", ack 12345, "));
}
END_TEST

START_TEST(test_urgent)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;

	tu_tcp_init(&tcp);
	tcp.flags = TCPF_URG | TCPF_ACK;
	tcp.urp = 7;
	tcp.payload_len = 8;
	make_seg(&p, 4, &tcp, &seg);
	assert_line(&seg, V4 "Flags [.U], seq " SEQ ", ack " ACK
	    ", win 29200, urg 7, length 8\n");
}
END_TEST

/* Timestamps print as seconds and six digits of microseconds. */
START_TEST(test_timestamp)
{
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	char			 buf[OUTPUT_SEGMENT_LEN];

	make_seg(&p, 4, NULL, &seg);
	seg.ts = 0;
	(void)output_text_segment(buf, sizeof(buf), &seg);
	ck_assert_int_eq(strncmp(buf, "0.000000 IP ", 12), 0);
	seg.ts = 1000001;
	(void)output_text_segment(buf, sizeof(buf), &seg);
	ck_assert_int_eq(strncmp(buf, "1.000001 IP ", 12), 0);
}
END_TEST

static const struct opts_case {
	const char	*name;
	uint8_t		 opts[40];
	size_t		 optlen;
	const char	*want;		/* the options part of the line */
} opts_cases[] = {
	{ "none", { 0 }, 0, ", win 29200, length 0\n" },
	{ "linux syn", { TU_OPT_MSS(1460), TU_OPT_SACK_PERM, TU_OPT_TS(11, 22),
	    TU_OPT_NOP, TU_OPT_WSCALE(7) }, 20,
	    ", options [mss 1460,sackOK,TS val 11 ecr 22,wscale 7], length 0\n" },
	{ "sack blocks", { TU_OPT_NOP, TU_OPT_NOP, TU_OPT_SACK(2),
	    TU_SACK_BLOCK(1000, 2000), TU_SACK_BLOCK(3000, 4000) }, 20,
	    ", options [sack 2 {1000:2000} {3000:4000}], length 0\n" },
	{ "tfo cookie", { TU_OPT_TFO(8), 1, 2, 3, 4, 5, 6, 7, 8, TU_OPT_NOP,
	    TU_OPT_NOP }, 12, ", options [tfo cookie 8], length 0\n" },
	{ "tfo cookie request", { TU_OPT_MSS(1460), TU_OPT_EXP_TFO_REQ }, 8,
	    ", options [mss 1460,tfo cookiereq], length 0\n" },
	{ "unknown kind", { TU_OPT_RAW(99, 4), 0, 0 }, 4,
	    ", options [other], length 0\n" },
	{ "bad option", { TU_OPT_RAW(2, 3), 0, TU_OPT_NOP }, 4,
	    ", options [bad-opt 2], length 0\n" },
	{ "good and bad", { TU_OPT_WSCALE(3), TU_OPT_RAW(8, 8), 0, 0, 0, 0,
	    0, 0, TU_OPT_NOP }, 12,
	    ", options [wscale 3,bad-opt 8], length 0\n" },
	{ "nops only", { TU_OPT_NOP, TU_OPT_NOP, TU_OPT_NOP, TU_OPT_NOP }, 4,
	    ", win 29200, length 0\n" },
};

START_TEST(test_options)
{
	const struct opts_case	*c = &opts_cases[_i];
	const char		*head = V4 "Flags [S], seq " SEQ ", win 29200";
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	char			 buf[OUTPUT_SEGMENT_LEN];
	size_t			 n, wlen = strlen(c->want);

	tu_tcp_init(&tcp);
	tcp.flags = TCPF_SYN;
	tcp.opts = c->opts;
	tcp.optlen = c->optlen;
	tcp.payload_len = 0;
	make_seg(&p, 4, &tcp, &seg);
	n = output_text_segment(buf, sizeof(buf), &seg);
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_uint_ge(n, wlen);
	ck_assert_msg(strcmp(buf + n - wlen, c->want) == 0,
	    "%s: line \"%s\" does not end in \"%s\"", c->name, buf, c->want);
	ck_assert_int_eq(strncmp(buf, head, strlen(head)), 0);
}
END_TEST

/* The longest line there can be still fits OUTPUT_SEGMENT_LEN. */
START_TEST(test_longest_line_fits)
{
	static const uint8_t	 opts[] = {
		TU_OPT_MSS(65535), TU_OPT_SACK_PERM, TU_OPT_WSCALE(14),
		TU_OPT_NOP, TU_OPT_NOP, TU_OPT_SACK(3),
		TU_SACK_BLOCK(4294967295U, 4294967295U),
		TU_SACK_BLOCK(4294967295U, 4294967295U),
		TU_SACK_BLOCK(4294967295U, 4294967295U),
	};
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	char			 buf[OUTPUT_SEGMENT_LEN];
	size_t			 n;
	static const uint8_t	 addr[16] = {
		0xfe, 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
		0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc
	};

	tu_tcp_init(&tcp);
	tcp.flags = 0x1ff;
	tcp.seq = tcp.ack = 4294967295U;
	tcp.win = tcp.urp = 65535;
	tcp.opts = opts;
	tcp.optlen = sizeof(opts);
	make_seg(&p, 6, &tcp, &seg);
	/* Every option at once, as no real segment carries them. */
	seg.opt.present |= TCPO_TIMESTAMP | TCPO_TFO | TCPO_OTHER;
	seg.opt.tsval = seg.opt.tsecr = 4294967295U;
	seg.opt.tfo_len = 16;
	seg.opt.bad = TCPO_BAD_SIZE;
	seg.opt.bad_kind = 255;
	seg.opt.nsack = TCP_MAX_SACK;
	seg.payload_len = 4294967295U;
	seg.ts = INT64_MAX;
	memcpy(seg.src, addr, sizeof(addr));
	memcpy(seg.dst, addr, sizeof(addr));
	seg.sport = seg.dport = 65535;
	n = output_text_segment(buf, sizeof(buf), &seg);
	ck_assert_uint_lt(n, sizeof(buf) - 1);
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_int_eq(buf[n - 1], '\n');
}
END_TEST

/*
 * A buffer too short for the line gets as much of it as fits, NUL
 * terminated, and not a byte more: every length from 0 to past the line.
 * The buffer is malloc'd at exactly that length (valgrind, ASan) and also
 * checked against a canary for builds without either.
 */
START_TEST(test_short_buffer)
{
	struct tu_pkt		 p;
	struct tu_tcp		 tcp;
	struct tcpfsm_seg	 seg;
	char			 full[OUTPUT_SEGMENT_LEN];
	char			 guarded[OUTPUT_SEGMENT_LEN + 16];
	char			*exact;
	size_t			 flen, len, n, want, i;

	tu_tcp_init(&tcp);
	tcp.flags = TCPF_SYN | TCPF_ACK;
	tcp.opts = (const uint8_t []){ TU_OPT_MSS(1460), TU_OPT_NOP,
	    TU_OPT_WSCALE(7) };
	tcp.optlen = 8;
	make_seg(&p, 6, &tcp, &seg);
	flen = output_text_segment(full, sizeof(full), &seg);
	ck_assert_uint_gt(flen, 100);
	for (len = 0; len <= flen + 2; len++) {
		want = len == 0 ? 0 : (flen < len - 1 ? flen : len - 1);

		memset(guarded, '#', sizeof(guarded));
		n = output_text_segment(guarded, len, &seg);
		ck_assert_msg(n == want, "len %zu: returned %zu, want %zu",
		    len, n, want);
		for (i = len; i < sizeof(guarded); i++)
			ck_assert_msg(guarded[i] == '#',
			    "len %zu: byte %zu written", len, i);
		if (len > 0) {
			ck_assert_int_eq(guarded[n], '\0');
			ck_assert_int_eq(memcmp(guarded, full, n), 0);
		}

		exact = malloc(len);
		if (len > 0)
			ck_assert_ptr_nonnull(exact);
		n = output_text_segment(exact, len, &seg);
		ck_assert_uint_eq(n, want);
		if (len > 0) {
			ck_assert_int_eq(exact[n], '\0');
			ck_assert_int_eq(memcmp(exact, full, n), 0);
		}
		free(exact);
	}
}
END_TEST

/* Read back what was written to fp. */
static void
slurp(FILE *fp, char *buf, size_t len)
{
	size_t n;

	ck_assert_int_eq(fflush(fp), 0);
	rewind(fp);
	n = fread(buf, 1, len - 1, fp);
	ck_assert_int_eq(ferror(fp), 0);
	buf[n] = '\0';
}

START_TEST(test_counters_zero)
{
	struct decode_stats	 st;
	FILE			*fp;
	char			 buf[2048];

	memset(&st, 0, sizeof(st));
	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(output_text_counters(fp, &st), 0);
	slurp(fp, buf, sizeof(buf));
	ck_assert_str_eq(buf,
	    "packets 0\n"
	    "bytes 0\n"
	    "tcp 0\n"
	    "not_ip 0\n"
	    "not_tcp 0\n"
	    "fragment 0\n"
	    "truncated 0\n"
	    "malformed 0\n"
	    "bad_tcp_option 0\n"
	    "first_fragment 0\n"
	    "ip_len_over_frame 0\n"
	    "tcp_options_truncated 0\n"
	    "other_shard 0\n");
	fclose(fp);
}
END_TEST

/* Counters from decoded frames, with the failures broken down by layer. */
START_TEST(test_counters)
{
	struct decode_stats	 st;
	struct tu_pkt		 p;
	struct tcpfsm_seg	 seg;
	FILE			*fp;
	char			 buf[2048];

	memset(&st, 0, sizeof(st));
	make_seg(&p, 4, NULL, &seg);
	decode_stats_add(&st, DECODE_OK, &seg, 66);
	seg.hdr_truncated = true;
	seg.opt.bad = TCPO_BAD_LENGTH;
	decode_stats_add(&st, DECODE_OK, &seg, 66);
	seg.layer = LAYER_TCP;
	decode_stats_add(&st, DECODE_TRUNCATED, &seg, 66);
	seg.layer = LAYER_IPV4;
	decode_stats_add(&st, DECODE_TRUNCATED, &seg, 66);
	decode_stats_add(&st, DECODE_TRUNCATED, &seg, 66);
	seg.layer = LAYER_LINK;
	decode_stats_add(&st, DECODE_NOT_IP, &seg, 60);
	seg.layer = LAYER_IPV6;
	decode_stats_add(&st, DECODE_NOT_TCP, &seg, 100);
	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(output_text_counters(fp, &st), 0);
	slurp(fp, buf, sizeof(buf));
	ck_assert_str_eq(buf,
	    "packets 7\n"
	    "bytes 490\n"
	    "tcp 2\n"
	    "not_ip 1 (link 1)\n"
	    "not_tcp 1\n"
	    "fragment 0\n"
	    "truncated 3 (ipv4 2, tcp 1)\n"
	    "malformed 0\n"
	    "bad_tcp_option 1\n"
	    "first_fragment 0\n"
	    "ip_len_over_frame 0\n"
	    "tcp_options_truncated 1\n"
	    "other_shard 0\n");
	fclose(fp);
}
END_TEST

static Suite *
output_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("output");

	tc = tcase_create("segment_line");
	tcase_add_loop_test(tc, test_flags, 0, NITEMS(flags_cases));
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_ack_needs_flag);
	tcase_add_test(tc, test_urgent);
	tcase_add_test(tc, test_timestamp);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_loop_test(tc, test_options, 0, NITEMS(opts_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("buffer_size");
	tcase_add_test(tc, test_longest_line_fits);
	tcase_add_test(tc, test_short_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("counters");
	tcase_add_test(tc, test_counters_zero);
	tcase_add_test(tc, test_counters);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(output_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
