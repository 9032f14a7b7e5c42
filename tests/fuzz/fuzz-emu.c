/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The emulator framing decoder, fed in chunks; every packet it yields is decoded as a
 * control message in both directions and, where that works, re-encoded and decoded again.
 * Input: byte 0 = chunking seed, then the stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "wb-emu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_control(const WbEmuPacket *p, gboolean from_watch)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) out2 = g_byte_array_new();
	WbEmuControl m, m2;

	if (!wb_emu_control_decode(p->protocol, from_watch, p->payload, p->len, &m, NULL))
		return;
	/* what decodes re-encodes, same length, and that encoding is a fixed point (the
	 * watch's vibration byte is any non-zero value, so the input itself need not be) */
	if (!wb_emu_control_encode(&m, out, NULL) || out->len != p->len)
		abort();
	if (!wb_emu_control_decode(p->protocol, from_watch, out->data, out->len, &m2, NULL) ||
	    !wb_emu_control_encode(&m2, out2, NULL))
		abort();
	if (out2->len != out->len || !fuzz_same_bytes(out2->data, out->data, out->len))
		abort();
}

static void
drain(WbEmuDecoder *dec, guint *packets)
{
	for (;;) {
		g_autoptr(GError) error = NULL;
		WbEmuPacket p;
		if (wb_emu_decoder_next(dec, &p, &error)) {
			if (p.len > WB_EMU_MAX_PAYLOAD)
				abort();
			check_control(&p, FALSE);
			check_control(&p, TRUE);
			(*packets)++;
			continue;
		}
		if (error == NULL)
			return;
		if (error->domain != WB_PROTO_ERROR)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(WbEmuDecoder) a = wb_emu_decoder_new();
	g_autoptr(WbEmuDecoder) b = wb_emu_decoder_new();
	guint32 seed;
	guint na = 0, nb = 0;

	if (size < 1)
		return 0;
	seed = data[0];
	data++;
	size--;
	wb_emu_decoder_push(a, data, size);
	drain(a, &na);
	for (size_t off = 0; off < size;) {
		size_t n = MIN((size_t)1 + (seed % 11), size - off);
		seed = seed * 1103515245u + 12345u;
		wb_emu_decoder_push(b, data + off, n);
		drain(b, &nb);
		off += n;
	}
	/* garbage skipping may report differently per chunking, but packets must agree */
	if (na != nb)
		abort();
	return 0;
}
