/*
 * pcap-loop.c - the bare libpcap read loop: the physical limit of any
 * libpcap tool over the same file, which the benchmark measures tcpfsm
 * against.  It reads every packet with pcap_dispatch() and touches
 * nothing but the record header.
 *
 * usage: pcap-loop file.pcap
 */
#include <config.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap.h>

struct count {
	uint64_t	packets;
	uint64_t	bytes;
};

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct count *c = (struct count *)(void *)user;

	(void)bytes;
	c->packets++;
	c->bytes += h->caplen;
}

int
main(int argc, char **argv)
{
	char		errbuf[PCAP_ERRBUF_SIZE];
	struct count	c = { 0, 0 };
	pcap_t		*p;
	int		n;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap-loop file.pcap\n");
		return (2);
	}
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL) {
		fprintf(stderr, "pcap-loop: %s\n", errbuf);
		return (1);
	}
	while ((n = pcap_dispatch(p, 4096, on_packet, (u_char *)&c)) > 0)
		;
	if (n == PCAP_ERROR) {
		fprintf(stderr, "pcap-loop: %s\n", pcap_geterr(p));
		return (1);
	}
	pcap_close(p);
	printf("%" PRIu64 " packets %" PRIu64 " bytes\n", c.packets, c.bytes);
	return (0);
}
