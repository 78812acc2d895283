/*
 * pcap-loop.c - the bare libpcap read loop: the physical limit of any
 * libpcap tool over the same file, which the benchmark measures tcpfsm
 * against.  It reads every packet with pcap_dispatch() and touches
 * nothing but the record header.
 *
 * With -m the file is opened as tcpfsm opens it (src/capture.c): fopen()
 * with glibc's "m", which reads through mmap(2), then pcap_fopen_offline().
 * The plain loop, pcap_open_offline(), is what any libpcap tool does and
 * is the benchmark's base; -m shows how much of tcpfsm's lead over it is
 * only the way the file is read.
 *
 * usage: pcap-loop [-m] file.pcap
 */
#include <config.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
	FILE		*fp;
	int		n;

	if (argc == 3 && strcmp(argv[1], "-m") == 0) {
		if ((fp = fopen(argv[2], "rbm")) == NULL) {
			perror(argv[2]);
			return (1);
		}
		p = pcap_fopen_offline(fp, errbuf);
	} else if (argc == 2)
		p = pcap_open_offline(argv[1], errbuf);
	else {
		fprintf(stderr, "usage: pcap-loop [-m] file.pcap\n");
		return (2);
	}
	if (p == NULL) {
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
