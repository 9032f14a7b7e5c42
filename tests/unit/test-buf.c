/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-buf.h"
#include "wb-test-util.h"
#include "wb-uuid.h"

static void
test_reader_values(void)
{
	const guint8 buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
			      0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11};
	WbReader r;

	wb_reader_init(&r, buf, sizeof(buf));
	g_assert_cmpuint(wb_reader_u8(&r), ==, 0x01);
	g_assert_cmpuint(wb_reader_u16_be(&r), ==, 0x0203);
	g_assert_cmpuint(wb_reader_u16_le(&r), ==, 0x0504);
	g_assert_cmpuint(wb_reader_u32_be(&r), ==, 0x06070809);
	g_assert_cmpuint(wb_reader_u32_le(&r), ==, 0x0d0c0b0a);
	g_assert_cmpuint(wb_reader_remaining(&r), ==, 4);
	g_assert_true(wb_reader_check(&r, "x", NULL));
	g_assert_false(wb_reader_check_end(&r, "x", NULL));
	g_assert_cmpuint(wb_reader_u32_le(&r), ==, 0x11100f0e);
	g_assert_true(wb_reader_check_end(&r, "x", NULL));
}

static void
test_reader_sticky_failure(void)
{
	const guint8 buf[] = {0xff, 0xfe, 0xfd};
	g_autoptr(GError) error = NULL;
	WbReader r;

	wb_reader_init(&r, buf, sizeof(buf));
	g_assert_cmpint(wb_reader_i8(&r), ==, -1);
	g_assert_cmpuint(wb_reader_u32_le(&r), ==, 0);
	g_assert_false(wb_reader_ok(&r));
	/* once failed, even a read that would fit fails */
	g_assert_cmpuint(wb_reader_u8(&r), ==, 0);
	g_assert_null(wb_reader_bytes(&r, 1));
	g_assert_cmpuint(wb_reader_remaining(&r), ==, 0);
	g_assert_false(wb_reader_check(&r, "thing", &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
}

static void
test_reader_null_and_huge(void)
{
	WbReader r;

	wb_reader_init(&r, NULL, 100);
	g_assert_cmpuint(wb_reader_remaining(&r), ==, 0);
	g_assert_nonnull(wb_reader_bytes(&r, 0));
	g_assert_true(wb_reader_ok(&r));
	g_assert_null(wb_reader_bytes(&r, G_MAXSIZE));
	g_assert_false(wb_reader_ok(&r));
}

static void
test_strings(void)
{
	/* "ab", NUL, garbage: the field ends at the NUL */
	const guint8 fixed[] = {'a', 'b', 0, 'x', 'y'};
	/* invalid UTF-8 is replaced, never passed on */
	const guint8 bad[] = {0x03, 'a', 0xff, 'b'};
	g_autofree gchar *s1 = NULL;
	g_autofree gchar *s2 = NULL;
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *long_str = g_strnfill(256, 'x');
	WbReader r;

	wb_reader_init(&r, fixed, sizeof(fixed));
	s1 = wb_reader_string(&r, sizeof(fixed));
	g_assert_cmpstr(s1, ==, "ab");

	wb_reader_init(&r, bad, sizeof(bad));
	s2 = wb_reader_pascal_string(&r);
	g_assert_true(g_utf8_validate(s2, -1, NULL));
	g_assert_true(g_str_has_prefix(s2, "a"));
	g_assert_true(g_str_has_suffix(s2, "b"));
	g_assert_true(wb_reader_check_end(&r, "s", NULL));

	/* a pascal string longer than its length byte allows is refused, out untouched */
	g_assert_false(wb_put_pascal_string(out, long_str, "name", &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_assert_cmpuint(out->len, ==, 0);
	g_assert_true(wb_put_pascal_string(out, "hé", "name", NULL));
	wb_assert_hex(out->data, out->len, "03 68 c3 a9");
}

static void
test_utf8_truncate(void)
{
	/* "é" is c3 a9: never cut between them */
	g_assert_cmpuint(wb_utf8_truncate_len("aé", 2), ==, 1);
	g_assert_cmpuint(wb_utf8_truncate_len("aé", 3), ==, 3);
	g_assert_cmpuint(wb_utf8_truncate_len("€", 2), ==, 0);
	g_assert_cmpuint(wb_utf8_truncate_len("abc", 10), ==, 3);
}

static void
test_writers(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();

	wb_put_u8(out, 0xab);
	wb_put_u16_be(out, 0x0102);
	wb_put_u16_le(out, 0x0102);
	wb_put_u32_be(out, 0x01020304);
	wb_put_u32_le(out, 0x01020304);
	wb_put_u64_le(out, G_GUINT64_CONSTANT(0x0102030405060708));
	wb_put_fixed_string(out, "héllo", 3);
	/* cut on a character boundary, padded with NULs */
	wb_put_fixed_string(out, "héllo", 2);
	wb_put_fixed_string(out, NULL, 2);
	wb_assert_hex(out->data, out->len,
		      "ab 0102 0201 01020304 04030201 0807060504030201 68c3a9 6800 0000");
}

static void
test_uuid(void)
{
	WbUuid u;
	g_autofree gchar *s = NULL;
	g_autoptr(GByteArray) out = g_byte_array_new();

	g_assert_true(wb_uuid_parse("B2CAE818-10F8-46DF-AD2B-98AD2254A3C1", &u));
	s = wb_uuid_to_string(&u);
	g_assert_cmpstr(s, ==, "b2cae818-10f8-46df-ad2b-98ad2254a3c1");
	/* on the wire in text order (reference §0) */
	wb_put_uuid(out, &u);
	wb_assert_hex(out->data, out->len, "b2cae81810f846dfad2b98ad2254a3c1");
	g_assert_false(wb_uuid_is_zero(&u));
	g_assert_false(wb_uuid_parse("b2cae818-10f8-46df-ad2b-98ad2254a3c", &u));
	g_assert_false(wb_uuid_parse("b2cae818x10f8-46df-ad2b-98ad2254a3c1", &u));
	g_assert_false(wb_uuid_parse("g2cae818-10f8-46df-ad2b-98ad2254a3c1", &u));
	g_assert_false(wb_uuid_parse(NULL, &u));
}

static void
test_byte_queue(void)
{
	WbByteQueue q;
	const guint8 *p;
	gsize n;
	guint8 chunk[3000];

	wb_byte_queue_init(&q);
	g_assert_null(wb_byte_queue_peek(&q, &n));
	g_assert_cmpuint(n, ==, 0);
	wb_byte_queue_push(&q, (const guint8 *)"abcdef", 6);
	wb_byte_queue_consume(&q, 2);
	p = wb_byte_queue_peek(&q, &n);
	g_assert_cmpmem(p, n, "cdef", 4);
	/* compaction keeps the unconsumed bytes, whatever was pushed in between */
	for (guint i = 0; i < sizeof(chunk); i++)
		chunk[i] = (guint8)i;
	for (guint round = 0; round < 10; round++) {
		wb_byte_queue_push(&q, chunk, sizeof(chunk));
		wb_byte_queue_consume(&q, sizeof(chunk) - 1);
	}
	p = wb_byte_queue_peek(&q, &n);
	g_assert_cmpuint(n, ==, 4 + 10);
	g_assert_cmpuint(wb_byte_queue_length(&q), ==, 14);
	wb_byte_queue_reset(&q);
	g_assert_cmpuint(wb_byte_queue_length(&q), ==, 0);
	wb_byte_queue_clear(&q);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/buf/reader-values", test_reader_values);
	g_test_add_func("/wearbridge/buf/reader-sticky-failure", test_reader_sticky_failure);
	g_test_add_func("/wearbridge/buf/reader-null-and-huge", test_reader_null_and_huge);
	g_test_add_func("/wearbridge/buf/strings", test_strings);
	g_test_add_func("/wearbridge/buf/utf8-truncate", test_utf8_truncate);
	g_test_add_func("/wearbridge/buf/writers", test_writers);
	g_test_add_func("/wearbridge/buf/uuid", test_uuid);
	g_test_add_func("/wearbridge/buf/byte-queue", test_byte_queue);
	return g_test_run();
}
