/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-emu.h"
#include "wb-test-util.h"

/* golden: the framing as LP2 communication/transports/qemu/protocol.py and CFW
 * drivers/qemu/qemu_serial_util.c build it (reference §12.2): SPP carrying the watch's first
 * frame, then a battery message (85 %, charging) and a button press (Select). */
static const gchar *stream_hex = "feed 0001 0005 0001001100 beef"
				 "feed 0005 0002 5501 beef"
				 "feed 0008 0001 04 beef";

static void
check_stream(WbEmuDecoder *dec, guint *n, guint *errors)
{
	for (;;) {
		g_autoptr(GError) error = NULL;
		WbEmuPacket p;
		if (!wb_emu_decoder_next(dec, &p, &error)) {
			if (error == NULL)
				return;
			(*errors)++;
			continue;
		}
		switch (*n) {
		case 0:
			g_assert_cmpuint(p.protocol, ==, WB_EMU_PROTOCOL_SPP);
			wb_assert_hex(p.payload, p.len, "0001001100");
			break;
		case 1:
			g_assert_cmpuint(p.protocol, ==, WB_EMU_PROTOCOL_BATTERY);
			wb_assert_hex(p.payload, p.len, "5501");
			break;
		case 2:
			g_assert_cmpuint(p.protocol, ==, WB_EMU_PROTOCOL_BUTTON);
			wb_assert_hex(p.payload, p.len, "04");
			break;
		default:
			g_assert_not_reached();
		}
		(*n)++;
	}
}

static void
test_encode(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	const guint8 frame[] = {0x00, 0x01, 0x00, 0x11, 0x00};
	WbEmuControl battery = {.protocol = WB_EMU_PROTOCOL_BATTERY,
				.battery = {.percent = 85, .charging = TRUE}};
	WbEmuControl button = {.protocol = WB_EMU_PROTOCOL_BUTTON, .buttons = WB_EMU_BUTTON_SELECT};
	g_autoptr(GByteArray) payload = g_byte_array_new();

	wb_emu_spp_encode(out, frame, sizeof(frame));
	g_assert_true(wb_emu_control_encode(&battery, payload, NULL));
	g_assert_true(wb_emu_packet_encode(out, WB_EMU_PROTOCOL_BATTERY, payload->data,
					   payload->len, NULL));
	g_byte_array_set_size(payload, 0);
	g_assert_true(wb_emu_control_encode(&button, payload, NULL));
	g_assert_true(wb_emu_packet_encode(out, WB_EMU_PROTOCOL_BUTTON, payload->data, payload->len,
					   NULL));
	wb_assert_hex(out->data, out->len, stream_hex);
}

static void
test_spp_split(void)
{
	/* a 5000-byte slice of the stream becomes 2048 + 2048 + 904 */
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(WbEmuDecoder) dec = wb_emu_decoder_new();
	g_autofree guint8 *big = g_malloc(5000);
	gsize lens[] = {2048, 2048, 904}, total = 0;
	WbEmuPacket p;
	guint n = 0;

	for (guint i = 0; i < 5000; i++)
		big[i] = (guint8)i;
	wb_emu_spp_encode(out, big, 5000);
	g_assert_cmpuint(out->len, ==, 5000 + 3 * 8);
	wb_emu_decoder_push(dec, out->data, out->len);
	while (wb_emu_decoder_next(dec, &p, NULL)) {
		g_assert_cmpuint(p.len, ==, lens[n]);
		g_assert_cmpmem(p.payload, p.len, big + total, p.len);
		total += p.len;
		n++;
	}
	g_assert_cmpuint(n, ==, 3);
}

static void
test_every_chunking(void)
{
	g_autoptr(GByteArray) s = wb_test_hex(stream_hex);

	for (gsize chunk = 1; chunk <= s->len; chunk++) {
		g_autoptr(WbEmuDecoder) dec = wb_emu_decoder_new();
		guint n = 0, errors = 0;
		for (gsize off = 0; off < s->len; off += chunk) {
			wb_emu_decoder_push(dec, s->data + off, MIN(chunk, s->len - off));
			check_stream(dec, &n, &errors);
		}
		g_assert_cmpuint(n, ==, 3);
		g_assert_cmpuint(errors, ==, 0);
	}
}

static void
test_resync(void)
{
	/* garbage, a lone FE, a packet with a bad footer, an over-long length: each is
	 * reported and skipped, and every good packet behind them still arrives */
	g_autoptr(GByteArray) s = wb_test_hex("00 11 fe 22"
					      "feed 0001 0005 0001001100 beef"
					      "feed 0005 0002 5501 dead"
					      "feed 0005 0002 5501 beef"
					      "feed 0001 ffff"
					      "feed 0008 0001 04 beef");
	g_autoptr(WbEmuDecoder) dec = wb_emu_decoder_new();
	guint n = 0, errors = 0, protocols[3] = {0};

	for (gsize i = 0; i < s->len; i++) {
		wb_emu_decoder_push(dec, s->data + i, 1);
		for (;;) {
			g_autoptr(GError) error = NULL;
			WbEmuPacket p;
			if (wb_emu_decoder_next(dec, &p, &error)) {
				g_assert_cmpuint(n, <, 3);
				protocols[n++] = p.protocol;
				continue;
			}
			if (error == NULL)
				break;
			g_assert_true(error->domain == WB_PROTO_ERROR);
			errors++;
		}
	}
	g_assert_cmpuint(n, ==, 3);
	g_assert_cmpuint(protocols[0], ==, WB_EMU_PROTOCOL_SPP);
	g_assert_cmpuint(protocols[1], ==, WB_EMU_PROTOCOL_BATTERY);
	g_assert_cmpuint(protocols[2], ==, WB_EMU_PROTOCOL_BUTTON);
	g_assert_cmpuint(errors, >=, 3);
	g_assert_cmpuint(wb_emu_decoder_pending(dec), ==, 0);
}

static void
test_too_long(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autofree guint8 *big = g_malloc0(WB_EMU_MAX_PAYLOAD + 1);
	g_autoptr(GError) error = NULL;

	g_assert_false(wb_emu_packet_encode(out, 1, big, WB_EMU_MAX_PAYLOAD + 1, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_assert_cmpuint(out->len, ==, 0);
}

typedef struct {
	guint16 protocol;
	gboolean from_watch;
	const gchar *hex;
} ControlVector;

/* golden: payloads per CFW include/pbl/drivers/qemu/qemu_serial.h and LP2 qemu/protocol.py
 * (reference §12.3), all big-endian */
static const ControlVector controls[] = {
	{WB_EMU_PROTOCOL_TAP, FALSE, "02 ff"},
	{WB_EMU_PROTOCOL_BLUETOOTH_CONNECTION, FALSE, "01"},
	{WB_EMU_PROTOCOL_COMPASS, FALSE, "00004000 02"},
	{WB_EMU_PROTOCOL_BATTERY, FALSE, "64 00"},
	{WB_EMU_PROTOCOL_ACCEL, FALSE, "02 0001 fffe 03e8 0000 0000 fc18"},
	{WB_EMU_PROTOCOL_ACCEL, TRUE, "0010"},
	{WB_EMU_PROTOCOL_VIBRATION, TRUE, "01"},
	{WB_EMU_PROTOCOL_BUTTON, FALSE, "0f"},
	{WB_EMU_PROTOCOL_TIME_FORMAT, FALSE, "01"},
	{WB_EMU_PROTOCOL_TIMELINE_PEEK, FALSE, "00"},
	{WB_EMU_PROTOCOL_CONTENT_SIZE, FALSE, "03"},
	{WB_EMU_PROTOCOL_HEALTH_METRIC, FALSE, "00 00002710"},
	{WB_EMU_PROTOCOL_HEART_RATE, FALSE, "48 05"},
};

static void
test_controls(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(controls); i++) {
		g_autoptr(GByteArray) b = wb_test_hex(controls[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		WbEmuControl m;

		g_assert_true(wb_emu_control_decode(controls[i].protocol, controls[i].from_watch,
						    b->data, b->len, &m, &error));
		g_assert_no_error(error);
		g_assert_true(wb_emu_control_encode(&m, out, NULL));
		wb_assert_hex(out->data, out->len, controls[i].hex);
		for (gsize n = 0; n < b->len; n++)
			g_assert_false(wb_emu_control_decode(controls[i].protocol,
							     controls[i].from_watch, b->data, n, &m,
							     NULL));
		g_byte_array_append(b, (const guint8 *)"x", 1);
		g_assert_false(wb_emu_control_decode(controls[i].protocol, controls[i].from_watch,
						     b->data, b->len, &m, NULL));
	}
}

static void
test_controls_bad_values(void)
{
	static const ControlVector bad[] = {
		{WB_EMU_PROTOCOL_TAP, FALSE, "03 01"},
		{WB_EMU_PROTOCOL_TAP, FALSE, "00 02"},
		{WB_EMU_PROTOCOL_BATTERY, FALSE, "65 00"},
		{WB_EMU_PROTOCOL_BATTERY, FALSE, "50 02"},
		{WB_EMU_PROTOCOL_COMPASS, FALSE, "00010001 00"},
		{WB_EMU_PROTOCOL_COMPASS, FALSE, "00000000 03"},
		{WB_EMU_PROTOCOL_BUTTON, FALSE, "10"},
		{WB_EMU_PROTOCOL_CONTENT_SIZE, FALSE, "04"},
		{WB_EMU_PROTOCOL_HEALTH_METRIC, FALSE, "07 00000000"},
		{WB_EMU_PROTOCOL_HEART_RATE, FALSE, "48 06"},
		{WB_EMU_PROTOCOL_SPP, FALSE, "00"},
		{WB_EMU_PROTOCOL_BATTERY, TRUE, "50 00"},
		{999, FALSE, "00"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GByteArray) b = wb_test_hex(bad[i].hex);
		g_autoptr(GError) error = NULL;
		WbEmuControl m;
		g_assert_false(wb_emu_control_decode(bad[i].protocol, bad[i].from_watch, b->data,
						     b->len, &m, &error));
		g_assert_true(error->domain == WB_PROTO_ERROR);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/emu/encode", test_encode);
	g_test_add_func("/wearbridge/emu/spp-split", test_spp_split);
	g_test_add_func("/wearbridge/emu/every-chunking", test_every_chunking);
	g_test_add_func("/wearbridge/emu/resync", test_resync);
	g_test_add_func("/wearbridge/emu/too-long", test_too_long);
	g_test_add_func("/wearbridge/emu/controls", test_controls);
	g_test_add_func("/wearbridge/emu/controls-bad-values", test_controls_bad_values);
	return g_test_run();
}
