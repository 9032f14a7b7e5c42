/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-frame.h"
#include "wb-test-util.h"

/* A stream of real frames: golden bytes from the firmware's session start (reference §2.1,
 * FW comm_session/session.c and LP3 Negotiator.kt): PhoneAppVersion request, WatchVersion
 * request, AppRunState status request, DataLogging report-open-sessions; then a ping
 * (LP2 protocol/system.py PingPong, big-endian) and an empty-payload frame. */
static const gchar *stream_hex = "00 01 00 11 00"
				 "00 01 00 10 00"
				 "00 01 00 34 03"
				 "00 01 1a 7a 84"
				 "00 06 07 d1 00 de ad be ef 01"
				 "00 00 00 0b";

typedef struct {
	guint16 endpoint;
	gsize len;
	guint8 first;
} Seen;

static const Seen expected[] = {
	{WB_ENDPOINT_PHONE_APP_VERSION, 1, 0x00},
	{WB_ENDPOINT_WATCH_VERSION, 1, 0x00},
	{WB_ENDPOINT_APP_RUN_STATE, 1, 0x03},
	{WB_ENDPOINT_DATA_LOGGING, 1, 0x84},
	{WB_ENDPOINT_PING, 6, 0x00},
	{WB_ENDPOINT_TIME, 0, 0},
};

static void
check_frame(const WbFrame *f, guint i)
{
	g_assert_cmpuint(i, <, G_N_ELEMENTS(expected));
	g_assert_cmpuint(f->endpoint, ==, expected[i].endpoint);
	g_assert_cmpuint(f->len, ==, expected[i].len);
	if (f->len > 0)
		g_assert_cmpuint(f->payload[0], ==, expected[i].first);
}

static void
test_encode(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	const guint8 ping[] = {0x00, 0xde, 0xad, 0xbe, 0xef, 0x01};
	gsize start;

	g_assert_true(wb_frame_encode(out, WB_ENDPOINT_PING, ping, sizeof(ping), NULL));
	wb_assert_hex(out->data, out->len, "00 06 07 d1 00 de ad be ef 01");

	/* begin/end builds the same bytes in place */
	g_byte_array_set_size(out, 0);
	start = wb_frame_begin(out, WB_ENDPOINT_PING);
	wb_put_bytes(out, ping, sizeof(ping));
	g_assert_true(wb_frame_end(out, start, NULL));
	wb_assert_hex(out->data, out->len, "00 06 07 d1 00 de ad be ef 01");
}

static void
test_encode_too_long(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autofree guint8 *big = g_malloc0(WB_FRAME_MAX_PAYLOAD + 1);
	g_autoptr(GError) error = NULL;
	gsize start;

	wb_put_u8(out, 0x42);
	g_assert_false(wb_frame_encode(out, 1, big, WB_FRAME_MAX_PAYLOAD + 1, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_assert_cmpuint(out->len, ==, 1);
	g_clear_error(&error);

	start = wb_frame_begin(out, 1);
	wb_put_bytes(out, big, WB_FRAME_MAX_PAYLOAD + 1);
	g_assert_false(wb_frame_end(out, start, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_assert_cmpuint(out->len, ==, 1);

	g_assert_true(wb_frame_encode(out, 1, big, WB_FRAME_MAX_PAYLOAD, NULL));
}

static void
test_parse(void)
{
	g_autoptr(GByteArray) f = wb_test_hex("00 06 07 d1 00 de ad be ef 01");
	WbFrame frame;

	g_assert_true(wb_frame_parse(f->data, f->len, &frame, NULL));
	g_assert_cmpuint(frame.endpoint, ==, WB_ENDPOINT_PING);
	g_assert_cmpuint(frame.len, ==, 6);
	for (gsize n = 0; n < f->len; n++) {
		g_autoptr(GError) error = NULL;
		g_assert_false(wb_frame_parse(f->data, n, &frame, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}
	g_byte_array_append(f, (const guint8 *)"x", 1);
	g_assert_false(wb_frame_parse(f->data, f->len, &frame, NULL));
}

/* Feeds @stream in chunks chosen by @chunk (0 = random from @seed) and checks every frame. */
static void
feed_stream(const GByteArray *stream, gsize chunk, guint64 seed)
{
	g_autoptr(WbFrameDecoder) dec = wb_frame_decoder_new(0);
	gsize off = 0;
	guint n = 0;

	while (off < stream->len) {
		gsize c = chunk != 0 ? chunk : 1 + wb_test_rand_next(&seed) % 17;
		WbFrame f;
		c = MIN(c, stream->len - off);
		wb_frame_decoder_push(dec, stream->data + off, c);
		off += c;
		while (wb_frame_decoder_next(dec, &f, NULL))
			check_frame(&f, n++);
	}
	g_assert_cmpuint(n, ==, G_N_ELEMENTS(expected));
	g_assert_cmpuint(wb_frame_decoder_pending(dec), ==, 0);
}

static void
test_decoder_every_chunking(void)
{
	g_autoptr(GByteArray) stream = wb_test_hex(stream_hex);

	for (gsize chunk = 1; chunk <= stream->len; chunk++)
		feed_stream(stream, chunk, 0);
	for (guint64 seed = 1; seed <= 200; seed++)
		feed_stream(stream, 0, seed);
}

static void
test_decoder_every_split(void)
{
	/* every way of cutting the stream in two or three pieces */
	g_autoptr(GByteArray) stream = wb_test_hex(stream_hex);

	for (gsize a = 0; a <= stream->len; a++) {
		for (gsize b = a; b <= stream->len; b++) {
			g_autoptr(WbFrameDecoder) dec = wb_frame_decoder_new(0);
			WbFrame f;
			guint n = 0;
			wb_frame_decoder_push(dec, stream->data, a);
			while (wb_frame_decoder_next(dec, &f, NULL))
				check_frame(&f, n++);
			wb_frame_decoder_push(dec, stream->data + a, b - a);
			while (wb_frame_decoder_next(dec, &f, NULL))
				check_frame(&f, n++);
			wb_frame_decoder_push(dec, stream->data + b, stream->len - b);
			while (wb_frame_decoder_next(dec, &f, NULL))
				check_frame(&f, n++);
			g_assert_cmpuint(n, ==, G_N_ELEMENTS(expected));
		}
	}
}

static void
test_decoder_resync(void)
{
	/* a header announcing 0xffff bytes is garbage: the decoder drops it byte by byte and
	 * finds the frames behind it, instead of waiting for 64 KiB that never come */
	g_autoptr(GByteArray) stream = wb_test_hex("ff ff ff ff"
						   "00 01 00 11 00"
						   "00 01 00 10 00");
	g_autoptr(WbFrameDecoder) dec = wb_frame_decoder_new(0);
	guint errors = 0, frames = 0;

	wb_frame_decoder_push(dec, stream->data, stream->len);
	for (;;) {
		g_autoptr(GError) error = NULL;
		WbFrame f;
		if (wb_frame_decoder_next(dec, &f, &error)) {
			check_frame(&f, frames++);
			continue;
		}
		if (error == NULL)
			break;
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
		errors++;
	}
	g_assert_cmpuint(errors, ==, 4);
	g_assert_cmpuint(frames, ==, 2);
	g_assert_cmpuint(wb_frame_decoder_pending(dec), ==, 0);
}

static void
test_decoder_max_payload(void)
{
	/* a decoder limited to 2 bytes refuses a 3-byte frame but accepts a 2-byte one */
	g_autoptr(GByteArray) stream = wb_test_hex("00 03 00 0b 00 00 00");
	g_autoptr(WbFrameDecoder) dec = wb_frame_decoder_new(2);
	g_autoptr(GError) error = NULL;
	WbFrame f;

	wb_frame_decoder_push(dec, stream->data, stream->len);
	g_assert_false(wb_frame_decoder_next(dec, &f, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_assert_cmpuint(wb_frame_decoder_pending(dec), ==, 6);
	wb_frame_decoder_reset(dec);
	g_assert_cmpuint(wb_frame_decoder_pending(dec), ==, 0);
}

static void
test_decoder_large_stream(void)
{
	/* many frames of every size up to the maximum, pushed in odd chunks: exact payloads */
	g_autoptr(GByteArray) stream = g_byte_array_new();
	g_autoptr(WbFrameDecoder) dec = wb_frame_decoder_new(0);
	guint64 seed = 42;
	gsize off = 0, want = 0;
	guint n = 0;

	for (gsize len = 0; len <= WB_FRAME_MAX_PAYLOAD; len += 97) {
		g_autofree guint8 *p = g_malloc(len + 1);
		for (gsize i = 0; i < len; i++)
			p[i] = (guint8)(len + i);
		g_assert_true(wb_frame_encode(stream, (guint16)len, p, len, NULL));
	}
	while (off < stream->len) {
		gsize c = MIN(1 + wb_test_rand_next(&seed) % 3000, stream->len - off);
		WbFrame f;
		wb_frame_decoder_push(dec, stream->data + off, c);
		off += c;
		while (wb_frame_decoder_next(dec, &f, NULL)) {
			g_assert_cmpuint(f.endpoint, ==, want);
			g_assert_cmpuint(f.len, ==, want);
			for (gsize i = 0; i < f.len; i++)
				g_assert_cmpuint(f.payload[i], ==, (guint8)(want + i));
			want += 97;
			n++;
		}
	}
	g_assert_cmpuint(n, ==, WB_FRAME_MAX_PAYLOAD / 97 + 1);
}

static void
test_endpoint_names(void)
{
	g_assert_cmpstr(wb_endpoint_to_string(0xB1DB), ==, "blobdb");
	g_assert_cmpstr(wb_endpoint_to_string(0x1A7A), ==, "data-logging");
	g_assert_cmpstr(wb_endpoint_to_string(0x4242), ==, "unknown");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/frame/encode", test_encode);
	g_test_add_func("/wearbridge/frame/encode-too-long", test_encode_too_long);
	g_test_add_func("/wearbridge/frame/parse", test_parse);
	g_test_add_func("/wearbridge/frame/decoder-every-chunking", test_decoder_every_chunking);
	g_test_add_func("/wearbridge/frame/decoder-every-split", test_decoder_every_split);
	g_test_add_func("/wearbridge/frame/decoder-resync", test_decoder_resync);
	g_test_add_func("/wearbridge/frame/decoder-max-payload", test_decoder_max_payload);
	g_test_add_func("/wearbridge/frame/decoder-large-stream", test_decoder_large_stream);
	g_test_add_func("/wearbridge/frame/endpoint-names", test_endpoint_names);
	return g_test_run();
}
