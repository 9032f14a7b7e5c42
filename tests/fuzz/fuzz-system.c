/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every decoder of wb-system.h. Byte 0 selects the decoder, the rest is the payload. A
 * successful decode is re-encoded, decoded again, and the two encodings must agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "wb-system.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same(const GByteArray *a, const GByteArray *b)
{
	if (a->len != b->len || !fuzz_same_bytes(a->data, b->data, a->len))
		abort();
}

static void
fuzz_watch_version(const guint8 *d, gsize n)
{
	g_auto(WbWatchVersion) m = {0};
	g_auto(WbWatchVersion) m2 = {0};
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();
	g_autofree gchar *addr = NULL;

	if (!wb_watch_version_decode(d, n, &m, NULL))
		return;
	addr = wb_watch_version_address_to_string(&m);
	(void)wb_firmware_version_major(&m.running);
	(void)wb_hw_platform_to_model(m.running.hw_platform);
	/* decoded strings may be longer than the encoder allows (a 32-byte tag without NUL
	 * decodes, the firmware would blank it): then the encoder must refuse cleanly */
	if (!wb_watch_version_encode(&m, e1, NULL)) {
		if (e1->len != 0)
			abort();
		return;
	}
	if (!wb_watch_version_decode(e1->data, e1->len, &m2, NULL) ||
	    !wb_watch_version_encode(&m2, e2, NULL))
		abort();
	same(e1, e2);
}

static void
fuzz_phone_app_version(const guint8 *d, gsize n)
{
	WbPhoneAppVersion m, m2;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();

	if (!wb_phone_app_version_decode(d, n, &m, NULL))
		return;
	if (!wb_phone_app_version_encode(&m, e1, NULL) ||
	    !wb_phone_app_version_decode(e1->data, e1->len, &m2, NULL) ||
	    !wb_phone_app_version_encode(&m2, e2, NULL))
		abort();
	same(e1, e2);
	if (m2.protocol_caps != m.protocol_caps)
		abort();
}

static void
fuzz_time(const guint8 *d, gsize n)
{
	g_auto(WbTimeMessage) m = {0};
	g_auto(WbTimeMessage) m2 = {0};
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();

	if (!wb_time_message_decode(d, n, &m, NULL))
		return;
	if (!wb_time_message_encode(&m, e1, NULL)) {
		/* a repaired zone name can grow past 32 bytes */
		if (e1->len != 0)
			abort();
		return;
	}
	if (!wb_time_message_decode(e1->data, e1->len, &m2, NULL) ||
	    !wb_time_message_encode(&m2, e2, NULL))
		abort();
	same(e1, e2);
}

#define SIMPLE_ROUND_TRIP(type, dec, enc)                                                          \
	do {                                                                                       \
		type m, m2;                                                                        \
		g_autoptr(GByteArray) e1 = g_byte_array_new();                                     \
		g_autoptr(GByteArray) e2 = g_byte_array_new();                                     \
		if (!dec(d, n, &m, NULL))                                                          \
			return;                                                                    \
		if (!enc(&m, e1, NULL) || !dec(e1->data, e1->len, &m2, NULL) ||                    \
		    !enc(&m2, e2, NULL))                                                           \
			abort();                                                                   \
		same(e1, e2);                                                                      \
	} while (0)

static void
fuzz_ping(const guint8 *d, gsize n)
{
	SIMPLE_ROUND_TRIP(WbPing, wb_ping_decode, wb_ping_encode);
}

static void
fuzz_meta(const guint8 *d, gsize n)
{
	SIMPLE_ROUND_TRIP(WbMetaError, wb_meta_error_decode, wb_meta_error_encode);
}

static void
fuzz_ble(const guint8 *d, gsize n)
{
	SIMPLE_ROUND_TRIP(WbBleControl, wb_ble_control_decode, wb_ble_control_encode);
}

static void
fuzz_small(const guint8 *d, gsize n)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbResetKind k;
	guint32 color;

	(void)wb_phone_app_version_request_decode(d, n, NULL);
	(void)wb_watch_version_request_decode(d, n, NULL);
	(void)wb_watch_color_request_decode(d, n, NULL);
	if (wb_reset_decode(d, n, &k, NULL) && !wb_reset_encode(k, out, NULL))
		abort();
	if (wb_watch_color_response_decode(d, n, &color, NULL) &&
	    !wb_watch_color_response_encode(color, out, NULL))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 8) {
	case 0:
		fuzz_watch_version(data + 1, size - 1);
		break;
	case 1:
		fuzz_phone_app_version(data + 1, size - 1);
		break;
	case 2:
		fuzz_time(data + 1, size - 1);
		break;
	case 3:
		fuzz_ping(data + 1, size - 1);
		break;
	case 4:
		fuzz_meta(data + 1, size - 1);
		break;
	case 5:
		fuzz_ble(data + 1, size - 1);
		break;
	default:
		fuzz_small(data + 1, size - 1);
		break;
	}
	return 0;
}
