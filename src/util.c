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
void
xoom(size_t size)
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
		xoom(size);
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
		xoom(nmemb * size);
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
		xoom(nmemb * size);
	return (p);
}

/* Digits of v (0-255) at p; returns the end. */
static char *
put_octet(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return (p);
}

char *
addr_fmt(char *buf, size_t len, int ipv, const uint8_t *addr)
{
	char	tmp[sizeof("255.255.255.255")], *p = tmp;
	int	i;

	if (ipv != 6) {
		/* inet_ntop()'s dotted quad, without its sprintf(). */
		for (i = 0; i < 4; i++) {
			if (i > 0)
				*p++ = '.';
			p = put_octet(p, addr[i]);
		}
		*p = '\0';
		if ((size_t)(p - tmp) < len)
			memcpy(buf, tmp, (size_t)(p - tmp) + 1);
		else if (len > 0)
			buf[0] = '\0';
		return (buf);
	}
	if (inet_ntop(AF_INET6, addr, buf, (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
	return (buf);
}
