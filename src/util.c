/*
 * util.c - allocation that cannot fail, and small formatting helpers.
 */
#include <config.h>

#include "util.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Out of memory is not an error tcpfsm can recover from: say so, and stop. */
static void
util_oom(size_t size)
{
	fprintf(stderr, "tcpfsm: out of memory allocating %zu bytes\n", size);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		util_oom(size);
	return (p);
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (SIZE_MAX / nmemb < size) {
		fprintf(stderr, "tcpfsm: xcalloc: %zu * %zu overflows\n",
		    nmemb, size);
		exit(1);
	}
	if ((p = calloc(nmemb, size)) == NULL)
		util_oom(nmemb * size);
	return (p);
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (SIZE_MAX / nmemb < size) {
		fprintf(stderr, "tcpfsm: xreallocarray: %zu * %zu overflows\n",
		    nmemb, size);
		exit(1);
	}
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		util_oom(nmemb * size);
	return (p);
}

char *
addr_fmt(char *buf, size_t len, int ipv, const uint8_t *addr)
{
	if (inet_ntop(ipv == 6 ? AF_INET6 : AF_INET, addr, buf,
	    (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
	return (buf);
}
