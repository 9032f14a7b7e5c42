/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The incremental frame decoder must give the same frames and errors however the stream is
 * chunked, never read outside its buffer, and never stall with a whole frame pending.
 * Input: byte 0 = chunking seed, byte 1 = max payload selector, then the stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "wb-frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
drain(WbFrameDecoder *dec, GByteArray *log)
{
	for (;;) {
		g_autoptr(GError) error = NULL;
		WbFrame f;
		if (wb_frame_decoder_next(dec, &f, &error)) {
			g_autoptr(GByteArray) again = g_byte_array_new();
			WbFrame g;
			/* a decoded frame re-encodes and parses back to itself */
			if (!wb_frame_encode(again, f.endpoint, f.payload, f.len, NULL) ||
			    !wb_frame_parse(again->data, again->len, &g, NULL) ||
			    g.endpoint != f.endpoint || g.len != f.len)
				abort();
			if (!fuzz_same_bytes(g.payload, f.payload, f.len))
				abort();
			wb_put_u8(log, 'F');
			wb_put_u16_be(log, f.endpoint);
			wb_put_u16_be(log, (guint16)f.len);
			wb_put_bytes(log, f.payload, f.len);
			continue;
		}
		if (error == NULL)
			return;
		if (error->domain != WB_PROTO_ERROR)
			abort();
		wb_put_u8(log, 'E');
		wb_put_u8(log, (guint8)error->code);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GByteArray) whole = g_byte_array_new();
	g_autoptr(GByteArray) chunked = g_byte_array_new();
	g_autoptr(WbFrameDecoder) a = NULL;
	g_autoptr(WbFrameDecoder) b = NULL;
	guint32 seed;
	gsize max;

	if (size < 2)
		return 0;
	seed = data[0];
	max = data[1] < 128 ? 0 : (gsize)data[1] * 16;
	data += 2;
	size -= 2;

	a = wb_frame_decoder_new(max);
	wb_frame_decoder_push(a, data, size);
	drain(a, whole);

	b = wb_frame_decoder_new(max);
	for (size_t off = 0; off < size;) {
		size_t n = 1 + (seed % 13);
		seed = seed * 1103515245u + 12345u;
		n = MIN(n, size - off);
		wb_frame_decoder_push(b, data + off, n);
		drain(b, chunked);
		off += n;
	}
	if (whole->len != chunked->len || !fuzz_same_bytes(whole->data, chunked->data, whole->len))
		abort();
	if (wb_frame_decoder_pending(a) != wb_frame_decoder_pending(b))
		abort();
	/* what is left is never a whole frame */
	if (wb_frame_decoder_pending(a) >= WB_FRAME_HEADER_LEN + WB_FRAME_MAX_PAYLOAD)
		abort();
	return 0;
}
