/*
 * util.h - allocation that cannot fail, and small formatting helpers.
 */
#ifndef TCPFSM_UTIL_H
#define TCPFSM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * For the few helpers of the per-packet path that the compiler would
 * otherwise call: a call there costs more than the work.
 */
#if defined(__GNUC__) || defined(__clang__)
#define HOT_INLINE	inline __attribute__((always_inline))
#else
#define HOT_INLINE	inline
#endif

/* What two threads' data are kept apart by (x86-64, arm64). */
#define CACHE_LINE	64

/*
 * malloc/calloc/realloc that never return NULL: running out of memory, or
 * a size that overflows, ends the program with a message (tmux xmalloc.c).
 */
void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);

/* Say that size bytes could not be had, and exit 1 (what the above do). */
void	 xoom(size_t size);

/* Longest text addr_fmt() writes, NUL included (INET6_ADDRSTRLEN). */
#define ADDR_FMT_LEN	46

/*
 * Write the address of IP version ipv (4 or 6) at addr into buf, as
 * inet_ntop() does.  Returns buf.
 */
char	*addr_fmt(char *buf, size_t len, int ipv, const uint8_t *addr);

#endif /* TCPFSM_UTIL_H */
