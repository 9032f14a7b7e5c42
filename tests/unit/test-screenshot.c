/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-screenshot.h"
#include "wb-test-util.h"

/* golden: layout per FW services/common/compositor/screenshot_pp.c (ScreenshotHeader packed,
 * htonl() version/width/height; error headers {code, 1, 0, 0}), as libpebble2
 * protocol/screenshots.py ScreenshotHeader parses it */
#define HEADER_APLITE "00 00 00 00 01 00 00 00 90 00 00 00 a8" /* 144x168, 1 bpp */
#define HEADER_CHALK  "00 00 00 00 02 00 00 00 b4 00 00 00 b4" /* 180x180, 8 bpp */
#define HEADER_BUSY   "03 00 00 00 01 00 00 00 00 00 00 00 00"

/* ---- request ---- */

static void
test_request(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	static const guint8 ok[] = {0x00};
	static const guint8 extra[] = {0x00, 0x01};
	static const guint8 bad[] = {0x01};

	/* golden: libpebble2 protocol/screenshots.py ScreenshotRequest, a single 00 */
	g_assert_true(wb_screenshot_request_encode(out, NULL));
	wb_assert_hex(out->data, out->len, "00");
	g_assert_true(wb_screenshot_request_decode(ok, sizeof(ok), NULL));
	/* the firmware looks only at the first byte */
	g_assert_true(wb_screenshot_request_decode(extra, sizeof(extra), NULL));
	g_assert_false(wb_screenshot_request_decode(bad, sizeof(bad), &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	g_clear_error(&error);
	g_assert_false(wb_screenshot_request_decode(ok, 0, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
}

/* ---- header ---- */

static void
test_header_golden(void)
{
	const struct {
		const gchar *hex;
		WbScreenshotHeader h;
		gsize image_size;
	} v[] = {
		{HEADER_APLITE, {WB_SCREENSHOT_OK, 1, 144, 168}, 144 * 168 / 8},
		{HEADER_CHALK, {WB_SCREENSHOT_OK, 2, 180, 180}, 180 * 180},
		{HEADER_BUSY, {WB_SCREENSHOT_ALREADY_IN_PROGRESS, 1, 0, 0}, 0},
		{"01 00 00 00 01 00 00 00 00 00 00 00 00",
		 {WB_SCREENSHOT_MALFORMED_COMMAND, 1, 0, 0},
		 0},
		{"02 00 00 00 01 00 00 00 00 00 00 00 00",
		 {WB_SCREENSHOT_OUT_OF_MEMORY, 1, 0, 0},
		 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbScreenshotHeader h;

		g_assert_true(wb_screenshot_header_decode(in->data, in->len, &h, NULL));
		g_assert_cmpint(h.response_code, ==, v[i].h.response_code);
		g_assert_cmpuint(h.version, ==, v[i].h.version);
		g_assert_cmpuint(h.width, ==, v[i].h.width);
		g_assert_cmpuint(h.height, ==, v[i].h.height);
		g_assert_cmpuint(wb_screenshot_header_image_size(&h), ==, v[i].image_size);
		g_assert_true(wb_screenshot_header_encode(&v[i].h, out, NULL));
		wb_assert_hex(out->data, out->len, v[i].hex);

		for (gsize n = 0; n < in->len; n++) {
			g_autoptr(GError) error = NULL;
			g_autofree guint8 *copy = g_memdup2(in->data, n);
			g_assert_false(wb_screenshot_header_decode(copy, n, &h, &error));
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		}
	}
}

static void
test_header_bad_values(void)
{
	const gchar *bad[] = {
		"04 00 00 00 01 00 00 00 90 00 00 00 a8", /* response code */
		"00 00 00 00 00 00 00 00 90 00 00 00 a8", /* version 0 */
		"00 00 00 00 03 00 00 00 90 00 00 00 a8", /* version 3 */
		"00 00 00 00 01 00 00 00 00 00 00 00 a8", /* width 0 */
		"00 00 00 00 01 00 00 00 90 00 00 00 00", /* height 0 */
		"00 00 00 00 02 00 00 04 01 00 00 00 a8", /* width 1025 */
		"00 00 00 00 02 00 00 00 90 00 00 04 01", /* height 1025 */
		"00 00 00 00 02 ff ff ff ff ff ff ff ff", /* absurd */
		"00 00 00 00 01 00 00 00 8f 00 00 00 a8", /* 1 bpp, width 143 */
	};
	g_autoptr(GByteArray) out = wb_test_hex("dd");

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(bad[i]);
		g_autoptr(GError) error = NULL;
		WbScreenshotHeader h;

		g_assert_false(wb_screenshot_header_decode(in->data, in->len, &h, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	}
	{
		/* the largest accepted image, 8 bpp */
		g_autoptr(GByteArray) in = wb_test_hex("00 00 00 00 02 00 00 04 00 00 00 04 00");
		WbScreenshotHeader h;
		g_assert_true(wb_screenshot_header_decode(in->data, in->len, &h, NULL));
		g_assert_cmpuint(wb_screenshot_header_image_size(&h), ==, 1024 * 1024);
	}
	{
		/* encoding refuses what decoding refuses, and leaves the buffer alone */
		g_autoptr(GError) error = NULL;
		WbScreenshotHeader h = {WB_SCREENSHOT_OK, 2, 0, 10};
		g_assert_false(wb_screenshot_header_encode(&h, out, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
		g_assert_cmpuint(wb_screenshot_header_image_size(&h), ==, 0);
		wb_assert_hex(out->data, out->len, "dd");
	}
}

/* ---- images ---- */

static GByteArray *
make_pixels(gsize len, guint64 seed)
{
	GByteArray *p = g_byte_array_sized_new((guint)len);

	for (gsize i = 0; i < len; i++) {
		guint8 b = (guint8)wb_test_rand_next(&seed);
		g_byte_array_append(p, &b, 1);
	}
	return p;
}

static void
test_rgba_1bpp(void)
{
	/* 16x2: row 0 = 01 80 (pixel 0 and pixel 15 white), row 1 = fe 7f */
	WbScreenshotHeader h = {WB_SCREENSHOT_OK, WB_SCREENSHOT_VERSION_1BPP, 16, 2};
	static const guint8 px[] = {0x01, 0x80, 0xfe, 0x7f};
	g_autoptr(GBytes) rgba = wb_screenshot_to_rgba(&h, px, sizeof(px), NULL);
	const guint8 *p;

	g_assert_nonnull(rgba);
	g_assert_cmpuint(g_bytes_get_size(rgba), ==, 16 * 2 * 4);
	p = g_bytes_get_data(rgba, NULL);
	for (guint y = 0; y < 2; y++) {
		for (guint x = 0; x < 16; x++) {
			const guint8 *q = p + (y * 16 + x) * 4;
			gboolean white = y == 0 ? (x == 0 || x == 15) : (x != 0 && x != 15);
			guint8 v = white ? 0xff : 0x00;

			g_assert_cmpuint(q[0], ==, v);
			g_assert_cmpuint(q[1], ==, v);
			g_assert_cmpuint(q[2], ==, v);
			g_assert_cmpuint(q[3], ==, 0xff);
		}
	}
}

static void
test_rgba_8bpp(void)
{
	WbScreenshotHeader h = {WB_SCREENSHOT_OK, WB_SCREENSHOT_VERSION_8BPP, 6, 1};
	/* GColorBlack, GColorWhite, GColorClear, GColorRed, GColorGreen, 1/3 alpha blue */
	static const guint8 px[] = {0xc0, 0xff, 0x00, 0xf0, 0xcc, 0x43};
	static const guint8 want[] = {
		0,   0, 0, 255, 255, 255, 255, 255, 0, 0, 0,   0,
		255, 0, 0, 255, 0,   255, 0,   255, 0, 0, 255, 85,
	};
	g_autoptr(GBytes) rgba = wb_screenshot_to_rgba(&h, px, sizeof(px), NULL);

	g_assert_nonnull(rgba);
	g_assert_cmpmem(g_bytes_get_data(rgba, NULL), g_bytes_get_size(rgba), want, sizeof(want));
}

static void
test_rgba_errors(void)
{
	WbScreenshotHeader h = {WB_SCREENSHOT_OK, WB_SCREENSHOT_VERSION_8BPP, 2, 2};
	WbScreenshotHeader refused = {WB_SCREENSHOT_OUT_OF_MEMORY, 1, 0, 0};
	static const guint8 px[5] = {0};
	g_autoptr(GError) error = NULL;

	g_assert_null(wb_screenshot_to_rgba(&h, px, 3, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	g_clear_error(&error);
	g_assert_null(wb_screenshot_to_rgba(&h, px, 5, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
	g_clear_error(&error);
	g_assert_null(wb_screenshot_to_rgba(&refused, px, 0, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE);
}

/* ---- assembler ---- */

/* Feeds header + pixels as the watch would: the first payload is the header and the first
 * @chunk pixel bytes, then payloads of @chunk bytes. Checks progress after every payload. */
static void
assemble(const gchar *header_hex, const GByteArray *pixels, gsize chunk)
{
	g_autoptr(WbScreenshotAssembler) a = wb_screenshot_assembler_new();
	g_autoptr(GByteArray) first = wb_test_hex(header_hex);
	g_autoptr(GBytes) got = NULL;
	g_autoptr(GBytes) rgba = NULL;
	g_autoptr(GBytes) want_rgba = NULL;
	gsize sent = MIN(chunk, pixels->len);
	const WbScreenshotHeader *h;

	g_assert_cmpint(wb_screenshot_assembler_get_state(a), ==, WB_SCREENSHOT_ASSEMBLER_WAITING);
	g_assert_null(wb_screenshot_assembler_get_header(a));
	g_assert_cmpuint(wb_screenshot_assembler_get_expected(a), ==, 0);

	g_byte_array_append(first, pixels->data, (guint)sent);
	g_assert_true(wb_screenshot_assembler_feed(a, first->data, first->len, NULL));
	h = wb_screenshot_assembler_get_header(a);
	g_assert_nonnull(h);
	g_assert_cmpuint(wb_screenshot_assembler_get_expected(a), ==, pixels->len);
	g_assert_cmpuint(wb_screenshot_assembler_get_received(a), ==, sent);

	while (sent < pixels->len) {
		gsize n = MIN(chunk, pixels->len - sent);

		g_assert_false(wb_screenshot_assembler_is_complete(a));
		g_assert_cmpint(wb_screenshot_assembler_get_state(a), ==,
				WB_SCREENSHOT_ASSEMBLER_RECEIVING);
		g_assert_true(wb_screenshot_assembler_feed(a, pixels->data + sent, n, NULL));
		sent += n;
		g_assert_cmpuint(wb_screenshot_assembler_get_received(a), ==, sent);
	}
	g_assert_true(wb_screenshot_assembler_is_complete(a));
	g_assert_cmpint(wb_screenshot_assembler_get_state(a), ==, WB_SCREENSHOT_ASSEMBLER_COMPLETE);
	g_assert_cmpint(wb_screenshot_assembler_get_response_code(a), ==, WB_SCREENSHOT_OK);

	got = wb_screenshot_assembler_get_pixels(a, NULL);
	g_assert_cmpmem(g_bytes_get_data(got, NULL), g_bytes_get_size(got), pixels->data,
			pixels->len);
	rgba = wb_screenshot_assembler_to_rgba(a, NULL);
	want_rgba = wb_screenshot_to_rgba(h, pixels->data, pixels->len, NULL);
	g_assert_nonnull(rgba);
	g_assert_cmpuint(g_bytes_get_size(rgba), ==, (gsize)h->width * h->height * 4);
	g_assert_true(g_bytes_equal(rgba, want_rgba));

	/* a frame after the end */
	{
		g_autoptr(GError) error = NULL;
		g_assert_false(wb_screenshot_assembler_feed(a, pixels->data, 1, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE);
		g_assert_cmpint(wb_screenshot_assembler_get_state(a), ==,
				WB_SCREENSHOT_ASSEMBLER_FAILED);
	}
}

static void
test_assembler_chunkings(void)
{
	/* the same image in every chunking: byte by byte, 7, 100, a BLE-ish 500, all at once */
	const gsize chunks[] = {1, 7, 100, 500, G_MAXSIZE};
	g_autoptr(GByteArray) mono = make_pixels(144 * 168 / 8, 1);
	g_autoptr(GByteArray) color = make_pixels(180 * 180, 2);

	for (guint i = 0; i < G_N_ELEMENTS(chunks); i++) {
		assemble(HEADER_APLITE, mono, chunks[i]);
		assemble(HEADER_CHALK, color, chunks[i]);
	}
}

static void
test_assembler_overflow(void)
{
	g_autoptr(GByteArray) pixels = make_pixels(144 * 168 / 8 + 1, 3);

	/* one byte too many, in the last frame */
	for (guint whole = 0; whole < 2; whole++) {
		g_autoptr(WbScreenshotAssembler) a = wb_screenshot_assembler_new();
		g_autoptr(GByteArray) first = wb_test_hex(HEADER_APLITE);
		g_autoptr(GError) error = NULL;
		gboolean ok;

		if (whole) {
			g_byte_array_append(first, pixels->data, pixels->len);
			ok = wb_screenshot_assembler_feed(a, first->data, first->len, &error);
		} else {
			g_byte_array_append(first, pixels->data, 1000);
			g_assert_true(
				wb_screenshot_assembler_feed(a, first->data, first->len, NULL));
			ok = wb_screenshot_assembler_feed(a, pixels->data + 1000,
							  pixels->len - 1000, &error);
		}
		g_assert_false(ok);
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
		g_assert_cmpint(wb_screenshot_assembler_get_state(a), ==,
				WB_SCREENSHOT_ASSEMBLER_FAILED);
		g_assert_false(wb_screenshot_assembler_is_complete(a));
		g_assert_cmpuint(wb_screenshot_assembler_get_received(a), ==, 0);
		g_clear_error(&error);
		g_assert_null(wb_screenshot_assembler_to_rgba(a, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE);
	}
}

static void
test_assembler_absurd_header(void)
{
	const gchar *bad[] = {
		"00 00 00 00 02 ff ff ff ff ff ff ff ff",
		"00 00 00 00 02 00 10 00 00 00 10 00 00",
		"00 00 00 00 07 00 00 00 90 00 00 00 a8",
		"09 00 00 00 01 00 00 00 00 00 00 00 00",
	};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(WbScreenshotAssembler) a = wb_screenshot_assembler_new();
		g_autoptr(GByteArray) in = wb_test_hex(bad[i]);
		g_autoptr(GError) error = NULL;

		g_assert_false(wb_screenshot_assembler_feed(a, in->data, in->len, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
		g_assert_cmpint(wb_screenshot_assembler_get_state(a), ==,
				WB_SCREENSHOT_ASSEMBLER_FAILED);
		g_assert_cmpuint(wb_screenshot_assembler_get_expected(a), ==, 0);
		g_assert_null(wb_screenshot_assembler_get_header(a));
	}
	{
		/* a first payload shorter than the header */
		g_autoptr(WbScreenshotAssembler) a = wb_screenshot_assembler_new();
		g_autoptr(GByteArray) in = wb_test_hex(HEADER_APLITE);
		g_autoptr(GError) error = NULL;

		g_assert_false(wb_screenshot_assembler_feed(a, in->data, 12, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		g_assert_cmpint(wb_screenshot_assembler_get_state(a), ==,
				WB_SCREENSHOT_ASSEMBLER_FAILED);
	}
}

static void
test_assembler_refused(void)
{
	g_autoptr(WbScreenshotAssembler) a = wb_screenshot_assembler_new();
	g_autoptr(GByteArray) in = wb_test_hex(HEADER_BUSY);
	g_autoptr(GError) error = NULL;

	/* a well-formed refusal is a result, not an error */
	g_assert_true(wb_screenshot_assembler_feed(a, in->data, in->len, NULL));
	g_assert_cmpint(wb_screenshot_assembler_get_state(a), ==, WB_SCREENSHOT_ASSEMBLER_REFUSED);
	g_assert_cmpint(wb_screenshot_assembler_get_response_code(a), ==,
			WB_SCREENSHOT_ALREADY_IN_PROGRESS);
	g_assert_nonnull(wb_screenshot_assembler_get_header(a));
	g_assert_cmpuint(wb_screenshot_assembler_get_expected(a), ==, 0);
	g_assert_false(wb_screenshot_assembler_is_complete(a));
	g_assert_null(wb_screenshot_assembler_get_pixels(a, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE);
	g_clear_error(&error);
	g_assert_false(wb_screenshot_assembler_feed(a, in->data, 1, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE);
	g_clear_error(&error);

	{
		/* an error header followed by pixels is malformed */
		g_autoptr(WbScreenshotAssembler) b = wb_screenshot_assembler_new();
		g_autoptr(GByteArray) more = wb_test_hex(HEADER_BUSY " 00");
		g_assert_false(wb_screenshot_assembler_feed(b, more->data, more->len, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
	}
}

static void
test_assembler_empty_frames(void)
{
	g_autoptr(WbScreenshotAssembler) a = wb_screenshot_assembler_new();
	g_autoptr(GByteArray) in = wb_test_hex("00 00 00 00 02 00 00 00 02 00 00 00 01");
	static const guint8 px[] = {0xc0, 0xff};

	/* header alone, an empty frame, then the pixels */
	g_assert_true(wb_screenshot_assembler_feed(a, in->data, in->len, NULL));
	g_assert_true(wb_screenshot_assembler_feed(a, px, 0, NULL));
	g_assert_cmpuint(wb_screenshot_assembler_get_received(a), ==, 0);
	g_assert_true(wb_screenshot_assembler_feed(a, px, sizeof(px), NULL));
	g_assert_true(wb_screenshot_assembler_is_complete(a));

	wb_screenshot_assembler_free(NULL);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/screenshot/request", test_request);
	g_test_add_func("/wearbridge/screenshot/header-golden", test_header_golden);
	g_test_add_func("/wearbridge/screenshot/header-bad-values", test_header_bad_values);
	g_test_add_func("/wearbridge/screenshot/rgba-1bpp", test_rgba_1bpp);
	g_test_add_func("/wearbridge/screenshot/rgba-8bpp", test_rgba_8bpp);
	g_test_add_func("/wearbridge/screenshot/rgba-errors", test_rgba_errors);
	g_test_add_func("/wearbridge/screenshot/assembler-chunkings", test_assembler_chunkings);
	g_test_add_func("/wearbridge/screenshot/assembler-overflow", test_assembler_overflow);
	g_test_add_func("/wearbridge/screenshot/assembler-absurd-header",
			test_assembler_absurd_header);
	g_test_add_func("/wearbridge/screenshot/assembler-refused", test_assembler_refused);
	g_test_add_func("/wearbridge/screenshot/assembler-empty-frames",
			test_assembler_empty_frames);
	return g_test_run();
}
