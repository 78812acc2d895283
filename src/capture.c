/*
 * capture.c - capture files through libpcap.
 */
#include <config.h>

#include "capture.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap.h>

#include "util.h"

struct capture {
	pcap_t		*p;
	FILE		*fp;		/* owned by p once pcap_fopen_offline took it */
	enum decode_link link;
	capture_cb	 cb;		/* valid during capture_dispatch() */
	void		*arg;
};

/*
 * libpcap link types the decoder reads.  Anything else is refused when the
 * file is opened, by name: a silent zero would look like "no TCP here".
 */
static bool
capture_map_link(int dlt, enum decode_link *link)
{
	switch (dlt) {
	case DLT_EN10MB:
		*link = LINK_ETHERNET;
		return (true);
	case DLT_NULL:
		*link = LINK_NULL;
		return (true);
	case DLT_LOOP:
		*link = LINK_LOOP;
		return (true);
	case DLT_RAW:
		*link = LINK_RAW;
		return (true);
#ifdef DLT_IPV4
	case DLT_IPV4:
		*link = LINK_IPV4;
		return (true);
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
		*link = LINK_IPV6;
		return (true);
#endif
	case DLT_LINUX_SLL:
		*link = LINK_SLL;
		return (true);
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		*link = LINK_SLL2;
		return (true);
#endif
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		*link = LINK_PPP;
		return (true);
	case DLT_PPP_ETHER:
		*link = LINK_PPP_ETHER;
		return (true);
	case DLT_C_HDLC:
		*link = LINK_C_HDLC;
		return (true);
	case DLT_FDDI:
		*link = LINK_FDDI;
		return (true);
	default:
		return (false);
	}
}

struct capture *
capture_open_file(const char *path, char *err, size_t errlen)
{
	char		 ebuf[PCAP_ERRBUF_SIZE];
	struct capture	*cap;
	struct stat	 st;
	FILE		*fp;
	const char	*name, *desc;
	int		 dlt;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return (NULL);
	}
	/* fopen() opens a directory for reading on Linux; reads then fail. */
	if (fstat(fileno(fp), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s", strerror(EISDIR));
			goto fail;
		}
		if (S_ISREG(st.st_mode) && st.st_size == 0) {
			snprintf(err, errlen, "empty file, not a capture");
			goto fail;
		}
	}

	ebuf[0] = '\0';
	cap = xcalloc(1, sizeof(*cap));
	cap->p = pcap_fopen_offline(fp, ebuf);
	if (cap->p == NULL) {
		free(cap);
		snprintf(err, errlen, "%s", ebuf[0] != '\0' ? ebuf :
		    "not a pcap or pcapng capture");
		goto fail;
	}
	cap->fp = fp;
	dlt = pcap_datalink(cap->p);
	if (!capture_map_link(dlt, &cap->link)) {
		name = pcap_datalink_val_to_name(dlt);
		desc = pcap_datalink_val_to_description(dlt);
		snprintf(err, errlen, "unsupported link type %s (%s, DLT %d)",
		    name != NULL ? name : "unknown",
		    desc != NULL ? desc : "no description", dlt);
		capture_close(cap);
		return (NULL);
	}
	return (cap);

fail:
	if (fp != stdin)
		fclose(fp);
	return (NULL);
}

/* libpcap's callback: translate the record header and pass the frame on. */
static void
capture_handler(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture		*cap = (struct capture *)(void *)user;
	struct tcpfsm_pkt	 pkt;

	pkt.ts = (int64_t)h->ts.tv_sec * 1000000 + (int64_t)h->ts.tv_usec;
	pkt.caplen = h->caplen;
	pkt.len = h->len;
	pkt.data = bytes;
	pkt.link = cap->link;
	cap->cb(cap->arg, &pkt);
}

int
capture_dispatch(struct capture *cap, int cnt, capture_cb cb, void *arg,
    char *err, size_t errlen)
{
	int n;

	cap->cb = cb;
	cap->arg = arg;
	n = pcap_dispatch(cap->p, cnt, capture_handler, (u_char *)(void *)cap);
	if (n >= 0)
		return (n);
	if (n == PCAP_ERROR_BREAK)
		return (CAPTURE_BREAK);
	snprintf(err, errlen, "%s", pcap_geterr(cap->p));
	return (CAPTURE_ERROR);
}

void
capture_breakloop(struct capture *cap)
{
	pcap_breakloop(cap->p);
}

long long
capture_offset(const struct capture *cap)
{
	long off;

	if (cap->fp == NULL || cap->fp == stdin)
		return (-1);
	off = ftell(cap->fp);
	return (off < 0 ? -1 : (long long)off);
}

const char *
capture_link_name(const struct capture *cap)
{
	const char *name;

	name = pcap_datalink_val_to_name(pcap_datalink(cap->p));
	return (name != NULL ? name : "unknown");
}

void
capture_close(struct capture *cap)
{
	if (cap == NULL)
		return;
	/* pcap_close() closes the FILE it was given, stdin included. */
	if (cap->p != NULL)
		pcap_close(cap->p);
	free(cap);
}
