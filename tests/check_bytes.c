/*
 * check_bytes.c - the bounds-checked cursor of bytes.h.
 *
 * Every buffer a reader is pointed at is malloc'd at exactly its length, so
 * AddressSanitizer or valgrind (CK_FORK=no) report any read past it.
 */
#include <config.h>

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"

/* Big-endian fe dc ba 98 ...: high bits set, to catch sign extension. */
static const uint8_t sample[6] = { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54 };

/* A malloc'd copy of the first n sample bytes; NULL only for n 0. */
static uint8_t *
sample_dup(size_t n)
{
	uint8_t *b;

	ck_assert_uint_le(n, sizeof(sample));
	b = malloc(n);
	if (n > 0) {
		ck_assert_ptr_nonnull(b);
		memcpy(b, sample, n);
	}
	return (b);
}

/* Each fixed-width reader, returning what it read widened to 32 bits. */
static bool
read_u8(struct bytes *b, uint32_t *v)
{
	uint8_t x;

	if (!bytes_get_u8(b, &x))
		return (false);
	*v = x;
	return (true);
}

static bool
read_be16(struct bytes *b, uint32_t *v)
{
	uint16_t x;

	if (!bytes_get_be16(b, &x))
		return (false);
	*v = x;
	return (true);
}

static bool
read_le16(struct bytes *b, uint32_t *v)
{
	uint16_t x;

	if (!bytes_get_le16(b, &x))
		return (false);
	*v = x;
	return (true);
}

static bool
read_be32(struct bytes *b, uint32_t *v)
{
	return (bytes_get_be32(b, v));
}

static bool
read_le32(struct bytes *b, uint32_t *v)
{
	return (bytes_get_le32(b, v));
}

static const struct reader {
	const char	*name;
	size_t		 width;		/* bytes one read takes */
	bool		(*read)(struct bytes *, uint32_t *);
	uint32_t	 first;		/* value of the first read of sample */
	uint32_t	 second;	/* value of the second read */
} readers[] = {
	{ "u8", 1, read_u8, 0xfe, 0xdc },
	{ "be16", 2, read_be16, 0xfedc, 0xba98 },
	{ "le16", 2, read_le16, 0xdcfe, 0x98ba },
	{ "be32", 4, read_be32, 0xfedcba98U, 0 },
	{ "le32", 4, read_le32, 0x98badcfeU, 0 },
};

#define NREADERS	(sizeof(readers) / sizeof(readers[0]))

START_TEST(test_init)
{
	struct bytes	b;
	uint8_t		one = 1;

	b = bytes_init(&one, 1);
	ck_assert_ptr_eq(b.p, &one);
	ck_assert_uint_eq(b.len, 1);
	/* No memory, no bytes, whatever the length says. */
	b = bytes_init(NULL, 100);
	ck_assert_uint_eq(b.len, 0);
	ck_assert(bytes_has(&b, 0));
	ck_assert(!bytes_has(&b, 1));
}
END_TEST

START_TEST(test_has)
{
	struct bytes	 b;
	uint8_t		*buf = sample_dup(4);

	b = bytes_init(buf, 4);
	ck_assert(bytes_has(&b, 0));
	ck_assert(bytes_has(&b, 4));
	ck_assert(!bytes_has(&b, 5));
	ck_assert(!bytes_has(&b, SIZE_MAX));
	free(buf);
}
END_TEST

/* A read of exactly the bytes there are succeeds and empties the cursor. */
START_TEST(test_reader_exact)
{
	const struct reader	*r = &readers[_i];
	struct bytes		 b;
	uint8_t			*buf = sample_dup(r->width);
	uint32_t		 v = 0;

	b = bytes_init(buf, r->width);
	ck_assert_msg(r->read(&b, &v), "%s: exact read failed", r->name);
	ck_assert_uint_eq(v, r->first);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_eq(b.p, buf + r->width);
	/* And the next read finds nothing. */
	ck_assert_msg(!r->read(&b, &v), "%s: read past the end", r->name);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_eq(b.p, buf + r->width);
	free(buf);
}
END_TEST

/* Reads advance by their width and go on from there. */
START_TEST(test_reader_advances)
{
	const struct reader	*r = &readers[_i];
	struct bytes		 b;
	uint8_t			*buf = sample_dup(sizeof(sample));
	uint32_t		 v = 0;

	b = bytes_init(buf, sizeof(sample));
	ck_assert(r->read(&b, &v));
	ck_assert_uint_eq(v, r->first);
	ck_assert_ptr_eq(b.p, buf + r->width);
	ck_assert_uint_eq(b.len, sizeof(sample) - r->width);
	if (2 * r->width <= sizeof(sample)) {
		ck_assert(r->read(&b, &v));
		ck_assert_uint_eq(v, r->second);
		ck_assert_uint_eq(b.len, sizeof(sample) - 2 * r->width);
	} else {
		/* 2 bytes left for a 4-byte read: refused, nothing moved. */
		ck_assert(!r->read(&b, &v));
		ck_assert_ptr_eq(b.p, buf + r->width);
		ck_assert_uint_eq(b.len, sizeof(sample) - r->width);
	}
	free(buf);
}
END_TEST

/* One byte short: the read fails and leaves the cursor where it was. */
START_TEST(test_reader_short)
{
	const struct reader	*r = &readers[_i];
	struct bytes		 b;
	uint8_t			*buf = sample_dup(r->width - 1);
	uint32_t		 v = 0;

	b = bytes_init(buf, r->width - 1);
	ck_assert_msg(!r->read(&b, &v), "%s: short read succeeded", r->name);
	ck_assert_ptr_eq(b.p, buf);
	ck_assert_uint_eq(b.len, r->width - 1);
	free(buf);
}
END_TEST

START_TEST(test_reader_empty)
{
	const struct reader	*r = &readers[_i];
	struct bytes		 b;
	uint8_t			*buf = sample_dup(sizeof(sample));
	uint32_t		 v = 0;

	/* An empty cursor over real memory must not touch it. */
	b = bytes_init(buf, 0);
	ck_assert(!r->read(&b, &v));
	ck_assert_ptr_eq(b.p, buf);
	ck_assert_uint_eq(b.len, 0);
	b = bytes_init(NULL, 0);
	ck_assert(!r->read(&b, &v));
	ck_assert_uint_eq(b.len, 0);
	free(buf);
}
END_TEST

START_TEST(test_skip)
{
	struct bytes	 b;
	uint8_t		*buf = sample_dup(4);

	b = bytes_init(buf, 4);
	ck_assert(!bytes_skip(&b, 5));
	ck_assert_ptr_eq(b.p, buf);
	ck_assert_uint_eq(b.len, 4);
	ck_assert(!bytes_skip(&b, SIZE_MAX));
	ck_assert_uint_eq(b.len, 4);
	ck_assert(bytes_skip(&b, 0));
	ck_assert_ptr_eq(b.p, buf);
	ck_assert(bytes_skip(&b, 1));
	ck_assert_ptr_eq(b.p, buf + 1);
	ck_assert_uint_eq(b.len, 3);
	ck_assert(bytes_skip(&b, 3));
	ck_assert_uint_eq(b.len, 0);
	ck_assert(bytes_skip(&b, 0));
	ck_assert(!bytes_skip(&b, 1));
	ck_assert_ptr_eq(b.p, buf + 4);
	free(buf);
}
END_TEST

START_TEST(test_get_mem)
{
	struct bytes	 b;
	uint8_t		*buf = sample_dup(4);
	uint8_t		 out[4];

	memset(out, 0, sizeof(out));
	b = bytes_init(buf, 4);
	ck_assert(!bytes_get_mem(&b, out, 5));
	ck_assert_ptr_eq(b.p, buf);
	ck_assert_uint_eq(b.len, 4);
	ck_assert(bytes_get_mem(&b, out, 0));
	ck_assert_uint_eq(b.len, 4);
	ck_assert(bytes_get_mem(&b, out, 3));
	ck_assert_mem_eq(out, sample, 3);
	ck_assert_ptr_eq(b.p, buf + 3);
	ck_assert_uint_eq(b.len, 1);
	ck_assert(!bytes_get_mem(&b, out, 2));
	ck_assert_uint_eq(b.len, 1);
	ck_assert(bytes_get_mem(&b, out, 1));
	ck_assert_uint_eq(out[0], sample[3]);
	ck_assert_uint_eq(b.len, 0);
	free(buf);
}
END_TEST

START_TEST(test_sub_exact)
{
	struct bytes	 b, child;
	uint8_t		*buf = sample_dup(6);
	uint16_t	 v;

	b = bytes_init(buf, 6);
	ck_assert(bytes_skip(&b, 2));
	ck_assert(bytes_sub(&b, 4, &child));
	ck_assert_ptr_eq(child.p, buf + 2);
	ck_assert_uint_eq(child.len, 4);
	ck_assert_ptr_eq(b.p, buf + 6);
	ck_assert_uint_eq(b.len, 0);
	ck_assert(bytes_get_be16(&child, &v));
	ck_assert_uint_eq(v, 0xba98);
	free(buf);
}
END_TEST

/* A sub-cursor ends where it was told to, whatever follows it. */
START_TEST(test_sub_bounds_child)
{
	struct bytes	 b, child;
	uint8_t		*buf = sample_dup(6);
	uint32_t	 v32;
	uint16_t	 v16;

	b = bytes_init(buf, 6);
	ck_assert(bytes_sub(&b, 3, &child));
	ck_assert_ptr_eq(b.p, buf + 3);
	ck_assert_uint_eq(b.len, 3);
	ck_assert(!bytes_get_be32(&child, &v32));
	ck_assert_uint_eq(child.len, 3);
	ck_assert(bytes_get_be16(&child, &v16));
	ck_assert_uint_eq(v16, 0xfedc);
	ck_assert(!bytes_get_be16(&child, &v16));
	ck_assert_uint_eq(child.len, 1);
	/* Reading the child did not move the parent. */
	ck_assert_ptr_eq(b.p, buf + 3);
	ck_assert(bytes_get_be16(&b, &v16));
	ck_assert_uint_eq(v16, 0x9876);
	free(buf);
}
END_TEST

START_TEST(test_sub_short)
{
	struct bytes	 b, child;
	uint8_t		*buf = sample_dup(4);
	uint8_t		 marker = 0;

	b = bytes_init(buf, 4);
	child.p = &marker;
	child.len = 77;
	ck_assert(!bytes_sub(&b, 5, &child));
	/* Neither cursor changes. */
	ck_assert_ptr_eq(b.p, buf);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_ptr_eq(child.p, &marker);
	ck_assert_uint_eq(child.len, 77);
	ck_assert(!bytes_sub(&b, SIZE_MAX, &child));
	ck_assert_uint_eq(b.len, 4);
	ck_assert_uint_eq(child.len, 77);
	free(buf);
}
END_TEST

START_TEST(test_sub_empty)
{
	struct bytes	 b, child;
	uint8_t		*buf = sample_dup(2);
	uint8_t		 v;

	b = bytes_init(buf, 2);
	ck_assert(bytes_sub(&b, 0, &child));
	ck_assert_ptr_eq(child.p, buf);
	ck_assert_uint_eq(child.len, 0);
	ck_assert(!bytes_get_u8(&child, &v));
	ck_assert_ptr_eq(b.p, buf);
	ck_assert_uint_eq(b.len, 2);
	ck_assert(bytes_skip(&b, 2));
	ck_assert(bytes_sub(&b, 0, &child));
	ck_assert_uint_eq(child.len, 0);
	ck_assert(!bytes_sub(&b, 1, &child));
	ck_assert_uint_eq(child.len, 0);
	free(buf);
}
END_TEST

START_TEST(test_peek_u8)
{
	struct bytes	 b;
	uint8_t		*buf = sample_dup(3);
	uint8_t		 v = 0;

	b = bytes_init(buf, 3);
	ck_assert(bytes_peek_u8(&b, 0, &v));
	ck_assert_uint_eq(v, 0xfe);
	ck_assert(bytes_peek_u8(&b, 2, &v));
	ck_assert_uint_eq(v, 0xba);
	ck_assert(!bytes_peek_u8(&b, 3, &v));
	ck_assert(!bytes_peek_u8(&b, SIZE_MAX, &v));
	/* Peeking never moves the cursor. */
	ck_assert_ptr_eq(b.p, buf);
	ck_assert_uint_eq(b.len, 3);
	b = bytes_init(buf, 0);
	ck_assert(!bytes_peek_u8(&b, 0, &v));
	free(buf);
}
END_TEST

START_TEST(test_peek_be16)
{
	struct bytes	 b;
	uint8_t		*buf = sample_dup(4);
	uint16_t	 v = 0;

	b = bytes_init(buf, 4);
	ck_assert(bytes_peek_be16(&b, 0, &v));
	ck_assert_uint_eq(v, 0xfedc);
	ck_assert(bytes_peek_be16(&b, 2, &v));	/* the last two bytes */
	ck_assert_uint_eq(v, 0xba98);
	ck_assert(!bytes_peek_be16(&b, 3, &v));	/* one byte of two */
	ck_assert(!bytes_peek_be16(&b, 4, &v));
	/* An offset near SIZE_MAX must not wrap around into the buffer. */
	ck_assert(!bytes_peek_be16(&b, SIZE_MAX, &v));
	ck_assert(!bytes_peek_be16(&b, SIZE_MAX - 1, &v));
	ck_assert_ptr_eq(b.p, buf);
	ck_assert_uint_eq(b.len, 4);
	b = bytes_init(buf, 1);
	ck_assert(!bytes_peek_be16(&b, 0, &v));
	b = bytes_init(buf, 0);
	ck_assert(!bytes_peek_be16(&b, 0, &v));
	free(buf);
}
END_TEST

/* The boundary peeks on exactly-sized buffers of every short length. */
START_TEST(test_peek_exact_sizes)
{
	struct bytes	 b;
	uint8_t		*buf = sample_dup((size_t)_i);
	size_t		 n = (size_t)_i, off;
	uint8_t		 v8;
	uint16_t	 v16;

	b = bytes_init(buf, n);
	for (off = 0; off <= n + 2; off++) {
		ck_assert_msg(bytes_peek_u8(&b, off, &v8) == (off < n),
		    "peek_u8 at %zu of %zu", off, n);
		if (off < n)
			ck_assert_uint_eq(v8, sample[off]);
		ck_assert_msg(bytes_peek_be16(&b, off, &v16) == (off + 2 <= n),
		    "peek_be16 at %zu of %zu", off, n);
		if (off + 2 <= n)
			ck_assert_uint_eq(v16,
			    (unsigned)sample[off] << 8 | sample[off + 1]);
	}
	free(buf);
}
END_TEST

START_TEST(test_trim)
{
	struct bytes	 b;
	uint8_t		*buf = sample_dup(6);

	b = bytes_init(buf, 6);
	bytes_trim(&b, 10);		/* longer than what is there: no-op */
	ck_assert_uint_eq(b.len, 6);
	bytes_trim(&b, 6);
	ck_assert_uint_eq(b.len, 6);
	bytes_trim(&b, 4);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_ptr_eq(b.p, buf);
	ck_assert(!bytes_skip(&b, 5));	/* the trimmed bytes are gone */
	bytes_trim(&b, 5);		/* and cannot come back */
	ck_assert_uint_eq(b.len, 4);
	bytes_trim(&b, 0);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_eq(b.p, buf);
	free(buf);
}
END_TEST

static Suite *
bytes_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("bytes");

	tc = tcase_create("init");
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_has);
	suite_add_tcase(s, tc);

	tc = tcase_create("readers");
	tcase_add_loop_test(tc, test_reader_exact, 0, NREADERS);
	tcase_add_loop_test(tc, test_reader_advances, 0, NREADERS);
	tcase_add_loop_test(tc, test_reader_short, 0, NREADERS);
	tcase_add_loop_test(tc, test_reader_empty, 0, NREADERS);
	suite_add_tcase(s, tc);

	tc = tcase_create("skip");
	tcase_add_test(tc, test_skip);
	tcase_add_test(tc, test_get_mem);
	suite_add_tcase(s, tc);

	tc = tcase_create("sub");
	tcase_add_test(tc, test_sub_exact);
	tcase_add_test(tc, test_sub_bounds_child);
	tcase_add_test(tc, test_sub_short);
	tcase_add_test(tc, test_sub_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("peek");
	tcase_add_test(tc, test_peek_u8);
	tcase_add_test(tc, test_peek_be16);
	tcase_add_loop_test(tc, test_peek_exact_sizes, 0, sizeof(sample) + 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("trim");
	tcase_add_test(tc, test_trim);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(bytes_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
