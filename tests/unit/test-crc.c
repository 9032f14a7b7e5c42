/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-crc.h"
#include "wb-test-util.h"

typedef struct {
	const gchar *data;
	gsize len;
	guint32 want;
} CrcVector;

/*
 * Published vectors: the firmware's own unit test of legacy_defective_checksum
 * (coredevices/PebbleOS tests/fw/util/test_legacy_checksum.c, also in the google/pebble
 * release). Every value was also recomputed with an independent Python implementation written
 * from reference §6.5 (two formulations: "zeros then tail" and LP2 util/stm32_crc.py's
 * "pad front, reverse, LE word"); all agree.
 */
static const CrcVector published[] = {
	{"", 0, 0xffffffffu},
	{"A", 1, 0xf743b0bbu},
	{"123456789", 9, 0xaff19057u},
	{"1234", 4, 0xc2091428u},
	{"1111", 4, 0x13cbc447u},
	{"abcdefgh", 8, 0x18c4859cu},
	{"12345", 5, 0xec5baa37u},
	{"12345678", 8, 0xfefc54f9u},
	{"1234567890abcdefghijklmnopqrstuvwxyz", 36, 0x586c447du},
};

/* Computed only with the independent Python implementation (no published source). */
static const CrcVector computed[] = {
	{"\x00", 1, 0xc704dd7bu},
	{"\x00\x00\x00\x00", 4, 0xc704dd7bu}, /* a zero tail pads to the same word */
	{"\xff\xff\xff\xff", 4, 0x00000000u},
	{"12", 2, 0xf85fe76cu},
	{"123", 3, 0xa932511fu},
};

static void
check_vectors(const CrcVector *v, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		WbCrcStm32 crc;

		g_assert_cmphex(wb_crc_stm32((const guint8 *)v[i].data, v[i].len), ==, v[i].want);
		wb_crc_stm32_init(&crc);
		wb_crc_stm32_update(&crc, (const guint8 *)v[i].data, v[i].len);
		g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, v[i].want);
	}
}

static void
test_crc_published(void)
{
	check_vectors(published, G_N_ELEMENTS(published));
}

static void
test_crc_computed(void)
{
	check_vectors(computed, G_N_ELEMENTS(computed));
}

static void
test_crc_empty_null(void)
{
	WbCrcStm32 crc;

	g_assert_cmphex(wb_crc_stm32(NULL, 0), ==, WB_CRC_STM32_INIT);
	wb_crc_stm32_init(&crc);
	wb_crc_stm32_update(&crc, NULL, 0);
	g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, WB_CRC_STM32_INIT);
}

/* The firmware test's chunked cases, split exactly as it splits them. */
static void
test_crc_published_chunks(void)
{
	WbCrcStm32 crc;

	wb_crc_stm32_init(&crc);
	wb_crc_stm32_update(&crc, (const guint8 *)"abcd", 4);
	wb_crc_stm32_update(&crc, (const guint8 *)"efgh", 4);
	g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, 0x18c4859cu);

	wb_crc_stm32_init(&crc);
	wb_crc_stm32_update(&crc, (const guint8 *)"123", 3);
	wb_crc_stm32_update(&crc, (const guint8 *)"4", 1);
	g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, 0xc2091428u);

	wb_crc_stm32_init(&crc);
	wb_crc_stm32_update(&crc, (const guint8 *)"123", 3);
	wb_crc_stm32_update(&crc, (const guint8 *)"4567", 4);
	wb_crc_stm32_update(&crc, (const guint8 *)"8", 1);
	g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, 0xfefc54f9u);

	wb_crc_stm32_init(&crc);
	wb_crc_stm32_update(&crc, (const guint8 *)"12", 2);
	wb_crc_stm32_update(&crc, (const guint8 *)"3456", 4);
	wb_crc_stm32_update(&crc, (const guint8 *)"78", 2);
	g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, 0xfefc54f9u);
}

/* finish() does not consume the state: peeking and continuing gives the one-shot value. */
static void
test_crc_finish_peek(void)
{
	WbCrcStm32 crc;

	wb_crc_stm32_init(&crc);
	wb_crc_stm32_update(&crc, (const guint8 *)"12345", 5);
	g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, 0xec5baa37u);
	wb_crc_stm32_update(&crc, (const guint8 *)"6789", 4);
	g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, 0xaff19057u);
}

/* Every split into two chunks, and into three chunks, equals the one-shot value. */
static void
test_crc_all_split_points(void)
{
	guint8 buf[67];
	guint64 seed = 42;

	for (gsize i = 0; i < sizeof(buf); i++)
		buf[i] = (guint8)wb_test_rand_next(&seed);
	for (gsize len = 0; len <= sizeof(buf); len++) {
		guint32 want = wb_crc_stm32(buf, len);

		for (gsize a = 0; a <= len; a++) {
			WbCrcStm32 crc;

			wb_crc_stm32_init(&crc);
			wb_crc_stm32_update(&crc, buf, a);
			wb_crc_stm32_update(&crc, buf + a, len - a);
			g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, want);

			for (gsize b = a; b <= len; b++) {
				wb_crc_stm32_init(&crc);
				wb_crc_stm32_update(&crc, buf, a);
				wb_crc_stm32_update(&crc, buf + a, b - a);
				wb_crc_stm32_update(&crc, buf + b, len - b);
				g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, want);
			}
		}
	}
}

/* Byte-at-a-time, random chunk sizes over a PutBytes-sized object. */
static void
test_crc_random_chunks(void)
{
	gsize len = 5003;
	g_autofree guint8 *buf = g_malloc(len);
	guint64 seed = 7;
	guint32 want;

	for (gsize i = 0; i < len; i++)
		buf[i] = (guint8)wb_test_rand_next(&seed);
	want = wb_crc_stm32(buf, len);
	for (guint round = 0; round < 50; round++) {
		WbCrcStm32 crc;
		gsize pos = 0;

		wb_crc_stm32_init(&crc);
		while (pos < len) {
			gsize n = wb_test_rand_next(&seed) % 23;

			n = MIN(n, len - pos);
			wb_crc_stm32_update(&crc, buf + pos, n);
			pos += n;
		}
		g_assert_cmphex(wb_crc_stm32_finish(&crc), ==, want);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/crc/published-vectors", test_crc_published);
	g_test_add_func("/wearbridge/crc/computed-vectors", test_crc_computed);
	g_test_add_func("/wearbridge/crc/empty-null", test_crc_empty_null);
	g_test_add_func("/wearbridge/crc/published-chunks", test_crc_published_chunks);
	g_test_add_func("/wearbridge/crc/finish-peek", test_crc_finish_peek);
	g_test_add_func("/wearbridge/crc/all-split-points", test_crc_all_split_points);
	g_test_add_func("/wearbridge/crc/random-chunks", test_crc_random_chunks);
	return g_test_run();
}
