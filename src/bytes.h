/*
 * bytes.h - a bounds-checked cursor over captured packet bytes.
 *
 * Every read of packet memory in tcpfsm goes through a struct bytes: a
 * pointer and the number of bytes that remain.  Readers compare lengths,
 * never pointers past the end (compilers may delete pointer-overflow
 * checks), and a failed read leaves the cursor where it was, so a caller can
 * tell "cut off by the snaplen" from "read it".  Multi-byte values are built
 * from single bytes, so alignment and host byte order never matter.
 */
#ifndef TCPFSM_BYTES_H
#define TCPFSM_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bytes {
	const uint8_t	*p;		/* next unread byte */
	size_t		 len;		/* bytes left after p */
};

/* A cursor over len bytes at p. */
static inline struct bytes
bytes_init(const uint8_t *p, size_t len)
{
	struct bytes b;

	b.p = p;
	b.len = (p == NULL) ? 0 : len;
	return (b);
}

/* True when at least n bytes remain. */
static inline bool
bytes_has(const struct bytes *b, size_t n)
{
	return (b->len >= n);
}

/* Skip n bytes.  On a short buffer, false is returned and b is unchanged. */
static inline bool
bytes_skip(struct bytes *b, size_t n)
{
	if (b->len < n)
		return (false);
	b->p += n;
	b->len -= n;
	return (true);
}

/* Read one byte.  On a short buffer, false is returned and b is unchanged. */
static inline bool
bytes_get_u8(struct bytes *b, uint8_t *v)
{
	if (b->len < 1)
		return (false);
	*v = b->p[0];
	b->p += 1;
	b->len -= 1;
	return (true);
}

/* Read a big-endian 16-bit value; false and no change on a short buffer. */
static inline bool
bytes_get_be16(struct bytes *b, uint16_t *v)
{
	if (b->len < 2)
		return (false);
	*v = (uint16_t)((unsigned)b->p[0] << 8 | b->p[1]);
	b->p += 2;
	b->len -= 2;
	return (true);
}

/* Read a little-endian 16-bit value; false and no change on a short buffer. */
static inline bool
bytes_get_le16(struct bytes *b, uint16_t *v)
{
	if (b->len < 2)
		return (false);
	*v = (uint16_t)((unsigned)b->p[1] << 8 | b->p[0]);
	b->p += 2;
	b->len -= 2;
	return (true);
}

/* Read a big-endian 32-bit value; false and no change on a short buffer. */
static inline bool
bytes_get_be32(struct bytes *b, uint32_t *v)
{
	if (b->len < 4)
		return (false);
	*v = (uint32_t)b->p[0] << 24 | (uint32_t)b->p[1] << 16 |
	    (uint32_t)b->p[2] << 8 | (uint32_t)b->p[3];
	b->p += 4;
	b->len -= 4;
	return (true);
}

/* Read a little-endian 32-bit value; false and no change on a short buffer. */
static inline bool
bytes_get_le32(struct bytes *b, uint32_t *v)
{
	if (b->len < 4)
		return (false);
	*v = (uint32_t)b->p[3] << 24 | (uint32_t)b->p[2] << 16 |
	    (uint32_t)b->p[1] << 8 | (uint32_t)b->p[0];
	b->p += 4;
	b->len -= 4;
	return (true);
}

/* Copy n bytes out; false and no change on a short buffer. */
static inline bool
bytes_get_mem(struct bytes *b, void *dst, size_t n)
{
	const uint8_t	*s;
	uint8_t		*d;
	size_t		 i;

	if (b->len < n)
		return (false);
	s = b->p;
	d = dst;
	for (i = 0; i < n; i++)
		d[i] = s[i];
	b->p += n;
	b->len -= n;
	return (true);
}

/*
 * Carve the next n bytes out as a cursor of their own (an options area, a
 * header) and advance past them.  On a short buffer, false is returned and
 * neither cursor changes.
 */
static inline bool
bytes_sub(struct bytes *b, size_t n, struct bytes *child)
{
	if (b->len < n)
		return (false);
	child->p = b->p;
	child->len = n;
	b->p += n;
	b->len -= n;
	return (true);
}

/* Look at the byte at offset off without moving; false if it is not there. */
static inline bool
bytes_peek_u8(const struct bytes *b, size_t off, uint8_t *v)
{
	if (b->len <= off)
		return (false);
	*v = b->p[off];
	return (true);
}

/* Look at the big-endian 16-bit value at offset off without moving. */
static inline bool
bytes_peek_be16(const struct bytes *b, size_t off, uint16_t *v)
{
	if (b->len < 2 || b->len - 2 < off)
		return (false);
	*v = (uint16_t)((unsigned)b->p[off] << 8 | b->p[off + 1]);
	return (true);
}

/* Look at the big-endian 32-bit value at offset off without moving. */
static inline bool
bytes_peek_be32(const struct bytes *b, size_t off, uint32_t *v)
{
	if (b->len < 4 || b->len - 4 < off)
		return (false);
	*v = (uint32_t)b->p[off] << 24 | (uint32_t)b->p[off + 1] << 16 |
	    (uint32_t)b->p[off + 2] << 8 | b->p[off + 3];
	return (true);
}

/* Keep at most n bytes (an IP total length trims Ethernet padding). */
static inline void
bytes_trim(struct bytes *b, size_t n)
{
	if (b->len > n)
		b->len = n;
}

#endif /* TCPFSM_BYTES_H */
