/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-logs.h"
#include "wb-test-util.h"

#define UUID_HEX    "6b f6 21 5b c9 7f 40 9e 8c 31 4f 55 65 72 22 b4"
#define UUID_STRING "6bf6215b-c97f-409e-8c31-4f55657222b4"

/* golden: the record layout per FW kernel/logging (LogBinaryMessage filled by
 * pbl_log_binary_format(): htonl(timestamp), level, message_length, htons(line), char[16]
 * filename, message without NUL), as libpebble2 protocol/logs.py LogMessage/AppLogMessage parse
 * it. 2020-09-13T12:26:40Z, INFO (100), 5 bytes, line 42, "main.c", "hello". */
#define RECORD_HEX                                                                                 \
	"5f 5e 10 00 64 05 00 2a"                                                                  \
	" 6d 61 69 6e 2e 63 00 00 00 00 00 00 00 00 00 00"                                         \
	" 68 65 6c 6c 6f"
/* golden: FW applib/app_logging.c (AppLogBinaryMessage = UUID + LogBinaryMessage) */
#define APP_LOG_HEX UUID_HEX " " RECORD_HEX
/* golden: FW debug/debug.c dump_log_protocol_msg_callback() (command, generation, cookie as
 * 4 raw bytes of a packed native struct) and its BluetoothHeader {command, cookie} answers;
 * cookie 0x12345678 in the watch's little-endian order */
#define DUMP_REQUEST_HEX "10 02 78 56 34 12"
#define DUMP_RECORD_HEX  "80 78 56 34 12 " RECORD_HEX
#define DUMP_DONE_HEX    "81 78 56 34 12"
#define DUMP_NO_LOGS_HEX "82 78 56 34 12"

static void
fill_record(WbLogRecord *r)
{
	r->timestamp = 1600000000;
	r->level = WB_LOG_LEVEL_INFO;
	r->line = 42;
	r->filename = g_strdup("main.c");
	r->message = g_strdup("hello");
}

static void
assert_record(const WbLogRecord *r)
{
	g_assert_cmpuint(r->timestamp, ==, 1600000000);
	g_assert_cmpuint(r->level, ==, WB_LOG_LEVEL_INFO);
	g_assert_cmpuint(r->line, ==, 42);
	g_assert_cmpstr(r->filename, ==, "main.c");
	g_assert_cmpstr(r->message, ==, "hello");
}

/* ---- AppLogs ---- */

static void
test_app_logs_control(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	gboolean enable = FALSE;
	static const guint8 on[] = {0x01, 0x55};
	static const guint8 off[] = {0x00};
	static const guint8 bad[] = {0x02};

	/* golden: libpebble2 protocol/logs.py AppLogShippingControl (Boolean); FW
	 * app_logging.c APP_LOG_COMMAND_{DISABLE,ENABLE}_LOGGING = 0/1 */
	g_assert_true(wb_app_logs_control_encode(TRUE, out, NULL));
	g_assert_true(wb_app_logs_control_encode(FALSE, out, NULL));
	wb_assert_hex(out->data, out->len, "01 00");

	/* extra bytes are ignored, as by the firmware */
	g_assert_true(wb_app_logs_control_decode(on, sizeof(on), &enable, NULL));
	g_assert_true(enable);
	g_assert_true(wb_app_logs_control_decode(off, sizeof(off), &enable, NULL));
	g_assert_false(enable);
	enable = TRUE;
	g_assert_false(wb_app_logs_control_decode(bad, sizeof(bad), &enable, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	g_assert_true(enable);
	g_clear_error(&error);
	g_assert_false(wb_app_logs_control_decode(on, 0, &enable, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
}

static void
test_app_log_message_golden(void)
{
	g_autoptr(GByteArray) in = wb_test_hex(APP_LOG_HEX);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbAppLogMessage) msg = {0};
	g_auto(WbAppLogMessage) enc = {0};
	WbUuid uuid;

	g_assert_true(wb_uuid_parse(UUID_STRING, &uuid));
	g_assert_true(wb_app_log_message_decode(in->data, in->len, &msg, NULL));
	g_assert_true(wb_uuid_equal(&msg.uuid, &uuid));
	assert_record(&msg.record);

	enc.uuid = uuid;
	fill_record(&enc.record);
	g_assert_true(wb_app_log_message_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, APP_LOG_HEX);

	for (gsize n = 0; n < in->len; n++) {
		g_autoptr(GError) error = NULL;
		g_auto(WbAppLogMessage) m = {0};
		g_autofree guint8 *copy = g_memdup2(in->data, n);

		g_assert_false(wb_app_log_message_decode(copy, n, &m, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		g_assert_null(m.record.filename);
		g_assert_null(m.record.message);
	}
}

static void
test_app_log_message_lengths(void)
{
	g_autoptr(GError) error = NULL;
	g_auto(WbAppLogMessage) msg = {0};
	/* length byte 6 for 5 bytes of message, then 4 for 5 */
	g_autoptr(GByteArray) longer = wb_test_hex(APP_LOG_HEX);
	g_autoptr(GByteArray) shorter = wb_test_hex(APP_LOG_HEX);

	longer->data[16 + 5] = 6;
	shorter->data[16 + 5] = 4;
	g_assert_false(wb_app_log_message_decode(longer->data, longer->len, &msg, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	g_clear_error(&error);
	g_assert_false(wb_app_log_message_decode(shorter->data, shorter->len, &msg, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
	g_assert_null(msg.record.message);
}

static void
test_record_fields(void)
{
	g_autoptr(GByteArray) out = wb_test_hex("ee");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *full_name = g_strnfill(WB_LOG_RECORD_FILENAME_LEN, 'f');
	g_autofree gchar *long_name = g_strnfill(WB_LOG_RECORD_FILENAME_LEN + 1, 'f');
	g_autofree gchar *full_msg = g_strnfill(WB_LOG_RECORD_MESSAGE_MAX, 'm');
	g_autofree gchar *long_msg = g_strnfill(WB_LOG_RECORD_MESSAGE_MAX + 1, 'm');
	WbAppLogMessage enc = {0};
	g_auto(WbAppLogMessage) msg = {0};

	/* a 16-byte filename fills its field unterminated; 255 bytes is the longest message */
	enc.record.filename = full_name;
	enc.record.message = full_msg;
	enc.record.level = WB_LOG_LEVEL_VERBOSE;
	g_assert_true(wb_app_log_message_encode(&enc, out, NULL));
	g_assert_cmpuint(out->len, ==, 1 + 16 + WB_LOG_RECORD_HEADER_LEN + 255);
	g_assert_true(wb_app_log_message_decode(out->data + 1, out->len - 1, &msg, NULL));
	g_assert_cmpstr(msg.record.filename, ==, full_name);
	g_assert_cmpstr(msg.record.message, ==, full_msg);
	g_assert_cmpuint(msg.record.level, ==, 255);

	g_byte_array_set_size(out, 1);
	enc.record.filename = long_name;
	g_assert_false(wb_app_log_message_encode(&enc, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	enc.record.filename = NULL;
	enc.record.message = long_msg;
	g_assert_false(wb_app_log_message_encode(&enc, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "ee");

	/* NULL strings are empty */
	enc.record.message = NULL;
	g_assert_true(wb_app_log_message_encode(&enc, out, NULL));
	wb_app_log_message_clear(&msg);
	g_assert_true(wb_app_log_message_decode(out->data + 1, out->len - 1, &msg, NULL));
	g_assert_cmpstr(msg.record.filename, ==, "");
	g_assert_cmpstr(msg.record.message, ==, "");

	/* invalid UTF-8 comes out valid */
	{
		g_autoptr(GByteArray) in = wb_test_hex(APP_LOG_HEX);
		in->data[in->len - 1] = 0xc3;
		wb_app_log_message_clear(&msg);
		g_assert_true(wb_app_log_message_decode(in->data, in->len, &msg, NULL));
		g_assert_true(g_utf8_validate(msg.record.message, -1, NULL));
		g_assert_true(g_str_has_prefix(msg.record.message, "hell"));
	}
}

/* ---- LogDump ---- */

static void
test_log_dump_golden(void)
{
	const struct {
		const gchar *hex;
		WbLogDumpCommand command;
	} v[] = {
		{DUMP_REQUEST_HEX, WB_LOG_DUMP_REQUEST},
		{DUMP_RECORD_HEX, WB_LOG_DUMP_RECORD},
		{DUMP_DONE_HEX, WB_LOG_DUMP_DONE},
		{DUMP_NO_LOGS_HEX, WB_LOG_DUMP_NO_LOGS},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_auto(WbLogDumpMessage) msg = {0};
		g_auto(WbLogDumpMessage) enc = {0};

		g_assert_true(wb_log_dump_message_decode(in->data, in->len, &msg, NULL));
		g_assert_cmpint(msg.command, ==, v[i].command);
		g_assert_cmpuint(msg.cookie, ==, 0x12345678);
		if (v[i].command == WB_LOG_DUMP_REQUEST)
			g_assert_cmpuint(msg.generation, ==, 2);
		if (v[i].command == WB_LOG_DUMP_RECORD)
			assert_record(&msg.record);
		else
			g_assert_null(msg.record.message);

		enc.command = v[i].command;
		enc.cookie = 0x12345678;
		enc.generation = 2;
		if (v[i].command == WB_LOG_DUMP_RECORD)
			fill_record(&enc.record);
		g_assert_true(wb_log_dump_message_encode(&enc, out, NULL));
		wb_assert_hex(out->data, out->len, v[i].hex);

		for (gsize n = 0; n < in->len; n++) {
			g_autoptr(GError) error = NULL;
			g_auto(WbLogDumpMessage) m = {0};
			g_autofree guint8 *copy = g_memdup2(in->data, n);

			g_assert_false(wb_log_dump_message_decode(copy, n, &m, &error));
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
			g_assert_null(m.record.filename);
		}
		{
			/* exact lengths: the firmware drops a request of any other length */
			g_autoptr(GError) error = NULL;
			g_auto(WbLogDumpMessage) m = {0};
			guint8 extra = 0;

			g_byte_array_append(in, &extra, 1);
			g_assert_false(wb_log_dump_message_decode(in->data, in->len, &m, &error));
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
			g_assert_null(m.record.filename);
		}
	}
}

static void
test_log_dump_errors(void)
{
	const gchar *unknown[] = {
		"00 78 56 34 12",    /* 1.x dump generation 0 */
		"01 78 56 34 12",    /* 1.x dump generation 1 */
		"11 00 78 56 34 12", /* ignored by the firmware */
		"83 78 56 34 12",    "ff",
	};
	g_autoptr(GByteArray) out = wb_test_hex("ab");
	g_autoptr(GError) error = NULL;
	WbLogDumpMessage bad = {.command = 0x20};
	g_auto(WbLogDumpMessage) too_long = {0};

	for (guint i = 0; i < G_N_ELEMENTS(unknown); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(unknown[i]);
		g_auto(WbLogDumpMessage) m = {0};

		g_assert_false(wb_log_dump_message_decode(in->data, in->len, &m, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
		g_clear_error(&error);
	}
	g_assert_false(wb_log_dump_message_encode(&bad, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	g_clear_error(&error);

	too_long.command = WB_LOG_DUMP_RECORD;
	too_long.record.message = g_strnfill(300, 'x');
	g_assert_false(wb_log_dump_message_encode(&too_long, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "ab");
}

static void
test_random_roundtrip(void)
{
	guint64 seed = 0x1095;

	for (guint i = 0; i < 1000; i++) {
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GByteArray) out2 = g_byte_array_new();
		g_auto(WbLogDumpMessage) enc = {0};
		g_auto(WbLogDumpMessage) msg = {0};
		const WbLogDumpCommand commands[] = {WB_LOG_DUMP_REQUEST, WB_LOG_DUMP_RECORD,
						     WB_LOG_DUMP_DONE, WB_LOG_DUMP_NO_LOGS};

		enc.command = commands[wb_test_rand_next(&seed) % 4];
		enc.generation = (guint8)wb_test_rand_next(&seed);
		enc.cookie = wb_test_rand_next(&seed);
		enc.record.timestamp = wb_test_rand_next(&seed);
		enc.record.level = (guint8)wb_test_rand_next(&seed);
		enc.record.line = (guint16)wb_test_rand_next(&seed);
		enc.record.filename = g_strnfill(wb_test_rand_next(&seed) % 17, 'f');
		enc.record.message = g_strnfill(wb_test_rand_next(&seed) % 256, 'm');

		g_assert_true(wb_log_dump_message_encode(&enc, out, NULL));
		g_assert_true(wb_log_dump_message_decode(out->data, out->len, &msg, NULL));
		g_assert_cmpint(msg.command, ==, enc.command);
		g_assert_cmpuint(msg.cookie, ==, enc.cookie);
		if (enc.command == WB_LOG_DUMP_RECORD) {
			g_assert_cmpuint(msg.record.timestamp, ==, enc.record.timestamp);
			g_assert_cmpuint(msg.record.level, ==, enc.record.level);
			g_assert_cmpuint(msg.record.line, ==, enc.record.line);
			g_assert_cmpstr(msg.record.filename, ==, enc.record.filename);
			g_assert_cmpstr(msg.record.message, ==, enc.record.message);
		}
		g_assert_true(wb_log_dump_message_encode(&msg, out2, NULL));
		g_assert_cmpmem(out2->data, out2->len, out->data, out->len);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/logs/app-logs-control", test_app_logs_control);
	g_test_add_func("/wearbridge/logs/app-log-message-golden", test_app_log_message_golden);
	g_test_add_func("/wearbridge/logs/app-log-message-lengths", test_app_log_message_lengths);
	g_test_add_func("/wearbridge/logs/record-fields", test_record_fields);
	g_test_add_func("/wearbridge/logs/log-dump-golden", test_log_dump_golden);
	g_test_add_func("/wearbridge/logs/log-dump-errors", test_log_dump_errors);
	g_test_add_func("/wearbridge/logs/random-roundtrip", test_random_roundtrip);
	return g_test_run();
}
