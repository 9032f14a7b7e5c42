/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-sysmsg.h"
#include "wb-test-util.h"

/* golden: layout per CFW kernel/system_message.c/.h (SystemMessageType,
 * SysMsgSmoothFirmwareStartPayload, the packed FirmwareStartResponse and FirmwareStatusResponse
 * structs, native little-endian), as libpebble2 protocol/system.py SystemMessage frames them
 * (kind 0x00, message_type, extra data) */
#define START_COUNTS_HEX "00 01 00 10 00 00 00 00 02 00"
#define STATUS_RESP_HEX  "00 0c 00 00 00 10 00 00 44 33 22 11 00 00 02 00 dd cc bb aa"

static void
test_golden_simple(void)
{
	const struct {
		const gchar *hex;
		WbSystemMessageType type;
		const gchar *name;
	} v[] = {
		{"00 00", WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE, "firmware-available"},
		{"00 01", WB_SYSTEM_MESSAGE_FIRMWARE_START, "firmware-start"},
		{"00 02", WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE, "firmware-complete"},
		{"00 03", WB_SYSTEM_MESSAGE_FIRMWARE_FAIL, "firmware-fail"},
		{"00 04", WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE, "firmware-up-to-date"},
		{"00 06", WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP, "reconnect-request-stop"},
		{"00 07", WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START, "reconnect-request-start"},
		{"00 08", WB_SYSTEM_MESSAGE_MAP_RETRY, "map-retry"},
		{"00 09", WB_SYSTEM_MESSAGE_MAP_CONNECTED, "map-connected"},
		{"00 0b", WB_SYSTEM_MESSAGE_FIRMWARE_STATUS, "firmware-status"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbSystemMessage msg;
		WbSystemMessage enc = {.type = v[i].type};

		g_assert_true(wb_system_message_decode(in->data, in->len, &msg, NULL));
		g_assert_cmpint(msg.type, ==, v[i].type);
		g_assert_false(msg.has_byte_counts);
		g_assert_true(wb_system_message_encode(&enc, out, NULL));
		wb_assert_hex(out->data, out->len, v[i].hex);
		g_assert_cmpstr(wb_system_message_type_to_string(v[i].type), ==, v[i].name);
		for (gsize n = 0; n < in->len; n++) {
			g_autoptr(GError) error = NULL;
			g_autofree guint8 *copy = g_memdup2(in->data, n);
			g_assert_false(wb_system_message_decode(copy, n, &msg, &error));
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		}
	}
	g_assert_cmpstr(wb_system_message_type_to_string(0x05), ==, "unknown");
}

static void
test_trailing(void)
{
	/* what the watch receives, it parses like the firmware (extra bytes ignored); what it
	 * sends has an exact length */
	const struct {
		const gchar *hex;
		gboolean ok;
	} v[] = {
		{"00 00 ff", TRUE},  {"00 02 ff", TRUE},     {"00 03 ff", TRUE},
		{"00 04 ff", TRUE},  {"00 0b ff", TRUE},     {START_COUNTS_HEX " ff", TRUE},
		{"00 06 ff", FALSE}, {"00 07 ff", FALSE},    {"00 08 ff", FALSE},
		{"00 09 ff", FALSE}, {"00 0a 01 ff", FALSE}, {STATUS_RESP_HEX " ff", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GError) error = NULL;
		WbSystemMessage msg;
		gboolean ok = wb_system_message_decode(in->data, in->len, &msg, &error);

		g_assert_cmpint(ok, ==, v[i].ok);
		if (!ok)
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
	}
}

static void
test_golden_firmware_start(void)
{
	g_autoptr(GByteArray) in = wb_test_hex(START_COUNTS_HEX);
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbSystemMessage msg;
	WbSystemMessage enc = {
		.type = WB_SYSTEM_MESSAGE_FIRMWARE_START,
		.has_byte_counts = TRUE,
		.bytes_already_transferred = 4096,
		.bytes_to_transfer = 0x20000,
	};

	g_assert_true(wb_system_message_decode(in->data, in->len, &msg, NULL));
	g_assert_cmpint(msg.type, ==, WB_SYSTEM_MESSAGE_FIRMWARE_START);
	g_assert_true(msg.has_byte_counts);
	g_assert_cmpuint(msg.bytes_already_transferred, ==, 4096);
	g_assert_cmpuint(msg.bytes_to_transfer, ==, 0x20000);
	g_assert_true(wb_system_message_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, START_COUNTS_HEX);

	/* the firmware reads the counts only from 10 bytes on; shorter is a plain start */
	for (gsize n = 0; n < in->len; n++) {
		g_autoptr(GError) error = NULL;
		g_autofree guint8 *copy = g_memdup2(in->data, n);
		gboolean ok = wb_system_message_decode(copy, n, &msg, &error);

		if (n < 2) {
			g_assert_false(ok);
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		} else {
			g_assert_true(ok);
			g_assert_cmpint(msg.type, ==, WB_SYSTEM_MESSAGE_FIRMWARE_START);
			g_assert_false(msg.has_byte_counts);
			g_assert_cmpuint(msg.bytes_to_transfer, ==, 0);
		}
	}
}

static void
test_golden_start_response(void)
{
	const struct {
		const gchar *hex;
		WbFirmwareStartStatus status;
	} v[] = {
		{"00 0a 00", WB_FIRMWARE_START_STOPPED},
		{"00 0a 01", WB_FIRMWARE_START_STARTED},
		{"00 0a 02", WB_FIRMWARE_START_CANCELLED},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbSystemMessage msg;
		WbSystemMessage enc = {.type = WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE,
				       .status = v[i].status};

		g_assert_true(wb_system_message_decode(in->data, in->len, &msg, NULL));
		g_assert_cmpint(msg.type, ==, WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE);
		g_assert_cmpint(msg.status, ==, v[i].status);
		g_assert_true(wb_system_message_encode(&enc, out, NULL));
		wb_assert_hex(out->data, out->len, v[i].hex);
		for (gsize n = 0; n < in->len; n++) {
			g_autoptr(GError) error = NULL;
			g_assert_false(wb_system_message_decode(in->data, n, &msg, &error));
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		}
	}
}

static void
test_golden_status_response(void)
{
	g_autoptr(GByteArray) in = wb_test_hex(STATUS_RESP_HEX);
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbSystemMessage msg;
	WbSystemMessage enc = {
		.type = WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE,
		.resource_bytes_written = 0x1000,
		.resource_crc = 0x11223344,
		.firmware_bytes_written = 0x20000,
		.firmware_crc = 0xaabbccdd,
	};

	g_assert_true(wb_system_message_decode(in->data, in->len, &msg, NULL));
	g_assert_cmpint(msg.type, ==, WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE);
	g_assert_cmpuint(msg.resource_bytes_written, ==, 0x1000);
	g_assert_cmpuint(msg.resource_crc, ==, 0x11223344);
	g_assert_cmpuint(msg.firmware_bytes_written, ==, 0x20000);
	g_assert_cmpuint(msg.firmware_crc, ==, 0xaabbccdd);
	g_assert_true(wb_system_message_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, STATUS_RESP_HEX);
	for (gsize n = 0; n < in->len; n++) {
		g_autoptr(GError) error = NULL;
		g_autofree guint8 *copy = g_memdup2(in->data, n);
		g_assert_false(wb_system_message_decode(copy, n, &msg, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		g_assert_cmpuint(msg.firmware_crc, ==, 0);
	}

	/* the reserved bytes are not checked */
	in->data[2] = 0x5a;
	g_assert_true(wb_system_message_decode(in->data, in->len, &msg, NULL));
}

static void
test_bad_values(void)
{
	const struct {
		const gchar *hex;
		gint code;
	} v[] = {
		{"01 01", WB_PROTO_ERROR_BAD_VALUE},    {"ff 02", WB_PROTO_ERROR_BAD_VALUE},
		{"00 05", WB_PROTO_ERROR_UNKNOWN_TYPE}, {"00 0d", WB_PROTO_ERROR_UNKNOWN_TYPE},
		{"00 ff", WB_PROTO_ERROR_UNKNOWN_TYPE}, {"00 0a 03", WB_PROTO_ERROR_BAD_VALUE},
		{"00 0a ff", WB_PROTO_ERROR_BAD_VALUE},
	};
	g_autoptr(GByteArray) out = wb_test_hex("77");
	g_autoptr(GError) error = NULL;
	WbSystemMessage bad_type = {.type = 0x05};
	WbSystemMessage bad_status = {.type = WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE,
				      .status = 3};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		WbSystemMessage msg;

		g_assert_false(wb_system_message_decode(in->data, in->len, &msg, &error));
		g_assert_error(error, WB_PROTO_ERROR, v[i].code);
		g_clear_error(&error);
		g_assert_cmpint(msg.type, ==, 0);
	}
	g_assert_false(wb_system_message_encode(&bad_type, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	g_clear_error(&error);
	g_assert_false(wb_system_message_encode(&bad_status, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "77");
}

static void
test_random_roundtrip(void)
{
	const WbSystemMessageType types[] = {
		WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE,
		WB_SYSTEM_MESSAGE_FIRMWARE_START,
		WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE,
		WB_SYSTEM_MESSAGE_FIRMWARE_FAIL,
		WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE,
		WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP,
		WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START,
		WB_SYSTEM_MESSAGE_MAP_RETRY,
		WB_SYSTEM_MESSAGE_MAP_CONNECTED,
		WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE,
		WB_SYSTEM_MESSAGE_FIRMWARE_STATUS,
		WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE,
	};
	guint64 seed = 0x5eed;

	for (guint i = 0; i < 1000; i++) {
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GByteArray) out2 = g_byte_array_new();
		WbSystemMessage msg;
		WbSystemMessage enc = {
			.type = types[wb_test_rand_next(&seed) % G_N_ELEMENTS(types)],
			.has_byte_counts = wb_test_rand_next(&seed) % 2,
			.bytes_already_transferred = wb_test_rand_next(&seed),
			.bytes_to_transfer = wb_test_rand_next(&seed),
			.status = wb_test_rand_next(&seed) % 3,
			.resource_bytes_written = wb_test_rand_next(&seed),
			.resource_crc = wb_test_rand_next(&seed),
			.firmware_bytes_written = wb_test_rand_next(&seed),
			.firmware_crc = wb_test_rand_next(&seed),
		};

		g_assert_true(wb_system_message_encode(&enc, out, NULL));
		g_assert_true(wb_system_message_decode(out->data, out->len, &msg, NULL));
		g_assert_cmpint(msg.type, ==, enc.type);
		switch (enc.type) {
		case WB_SYSTEM_MESSAGE_FIRMWARE_START:
			g_assert_cmpint(msg.has_byte_counts, ==, enc.has_byte_counts);
			if (enc.has_byte_counts) {
				g_assert_cmpuint(msg.bytes_already_transferred, ==,
						 enc.bytes_already_transferred);
				g_assert_cmpuint(msg.bytes_to_transfer, ==, enc.bytes_to_transfer);
			}
			break;
		case WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE:
			g_assert_cmpint(msg.status, ==, enc.status);
			break;
		case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE:
			g_assert_cmpuint(msg.resource_bytes_written, ==,
					 enc.resource_bytes_written);
			g_assert_cmpuint(msg.resource_crc, ==, enc.resource_crc);
			g_assert_cmpuint(msg.firmware_bytes_written, ==,
					 enc.firmware_bytes_written);
			g_assert_cmpuint(msg.firmware_crc, ==, enc.firmware_crc);
			break;
		case WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE:
		case WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE:
		case WB_SYSTEM_MESSAGE_FIRMWARE_FAIL:
		case WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE:
		case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP:
		case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START:
		case WB_SYSTEM_MESSAGE_MAP_RETRY:
		case WB_SYSTEM_MESSAGE_MAP_CONNECTED:
		case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS:
			g_assert_cmpuint(out->len, ==, 2);
			break;
		}
		g_assert_true(wb_system_message_encode(&msg, out2, NULL));
		g_assert_cmpmem(out2->data, out2->len, out->data, out->len);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/sysmsg/golden-simple", test_golden_simple);
	g_test_add_func("/wearbridge/sysmsg/trailing", test_trailing);
	g_test_add_func("/wearbridge/sysmsg/golden-firmware-start", test_golden_firmware_start);
	g_test_add_func("/wearbridge/sysmsg/golden-start-response", test_golden_start_response);
	g_test_add_func("/wearbridge/sysmsg/golden-status-response", test_golden_status_response);
	g_test_add_func("/wearbridge/sysmsg/bad-values", test_bad_values);
	g_test_add_func("/wearbridge/sysmsg/random-roundtrip", test_random_roundtrip);
	return g_test_run();
}
