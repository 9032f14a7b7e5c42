/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-blobdb.h"
#include "wb-frame.h"
#include "wb-test-util.h"
#include "wb-timeline.h"

#define ITEM_UUID "6f1c1e0a-3b1d-4b6e-9a4b-2f6a1e0c9d11"
#define ITEM_HEX  "6f1c1e0a3b1d4b6e9a4b2f6a1e0c9d11"

/* The §3.11 notification as in test-timeline.c (115 bytes, see there for the breakdown). */
#define NOTIFICATION_HEX                                                                           \
	ITEM_HEX                                                                                   \
	"ed429c16f674422095da454f303f15e2"                                                         \
	"00f15365 0000 01 01 00 04 4500 05 02"                                                     \
	"01 0400 4d61696c 02 0200 4869 03 0700 53656520796f75 04 0400 13000080 1c 0100 f0"         \
	"00 04 01 01 0700 4469736d697373"                                                          \
	"01 03 02 01 0500 5265706c79 08 0900 596573004e6f004f4b"

/* golden: the §3.11 insert, byte for byte: BlobDB Insert into Notifications (db 4), key = item
 * id, value = the TimelineItem. Layout per FW blob_db/endpoint.c (token and value_len LE), as
 * LP2 protocol/blobdb.py InsertCommand and GB encodeBlobdb build it. Token 0x1234. */
static const gchar *insert_hex = "01 3412 04 10" ITEM_HEX "7300" NOTIFICATION_HEX;

/* golden: Delete of the same key (FW endpoint.c DELETE, LP2 DeleteCommand), token 0x1235 */
static const gchar *delete_hex = "04 3512 04 10" ITEM_HEX;

/* golden: Clear of Notifications (FW endpoint.c CLEAR, LP2 ClearCommand), token 0x1236 */
static const gchar *clear_hex = "05 3612 04";

/* golden: CFW InsertWithTimestamp into Settings (CFW blob_db/endpoint.c: token, db, u32 LE
 * timestamp, then key/value as Insert): key "theme", value 01, ts 1700000000 */
static const gchar *insert_ts_hex = "0d 3712 0c 00f15365 05 7468656d65 0100 01";

/* golden: Read / Update: the firmware reads only the token, then answers InvalidOperation */
static const gchar *read_hex = "02 3812";
static const gchar *update_hex = "03 3912";

/* golden: responses (FW endpoint.c BlobDBResponseMsg: token, status; no command byte) */
static const gchar *response_ok_hex = "3412 01";
static const gchar *response_invalid_hex = "3412 05";

typedef gboolean (*DecodeFunc)(const guint8 *buf, gsize len, GError **error);

static gboolean
decode_command(const guint8 *buf, gsize len, GError **error)
{
	g_auto(WbBlobdbCommand) msg = {0};
	return wb_blobdb_command_decode(buf, len, &msg, error);
}

static gboolean
decode_response(const guint8 *buf, gsize len, GError **error)
{
	WbBlobdbResponse msg;
	return wb_blobdb_response_decode(buf, len, &msg, error);
}

static void
assert_decode_error(DecodeFunc decode, const gchar *hex, gint code)
{
	g_autoptr(GByteArray) buf = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;

	g_assert_false(decode(buf->data, buf->len, &error));
	g_assert_error(error, WB_PROTO_ERROR, code);
}

static void
assert_prefixes_fail(DecodeFunc decode, const gchar *hex)
{
	g_autoptr(GByteArray) buf = wb_test_hex(hex);

	g_assert_true(decode(buf->data, buf->len, NULL));
	for (guint n = 0; n < buf->len; n++) {
		g_autofree guint8 *copy = g_memdup2(buf->data, n);
		g_autoptr(GError) error = NULL;

		g_assert_false(decode(copy, n, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}
}

/* Decodes @hex, re-encodes it and checks the bytes come back as @want_hex. */
static void
assert_command_round_trip(const gchar *hex, const gchar *want_hex)
{
	g_autoptr(GByteArray) in = wb_test_hex(hex);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbBlobdbCommand) msg = {0};
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_blobdb_command_decode(in->data, in->len, &msg, &error));
	g_assert_no_error(error);
	g_assert_true(wb_blobdb_command_encode(&msg, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, want_hex);
}

static void
test_insert_notification_golden(void)
{
	const gchar *canned[] = {"Yes", "No", "OK", NULL};
	g_auto(WbTimelineItem) item = {0};
	g_auto(WbBlobdbCommand) cmd = {0};
	g_auto(WbBlobdbCommand) back = {0};
	g_auto(WbTimelineItem) item_back = {0};
	g_autoptr(GByteArray) value = g_byte_array_new();
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbTimelineAction *action;
	const guint8 *data;
	gsize len;

	/* built exactly as §3.11 describes, with a fixed UUID and time */
	g_assert_true(wb_uuid_parse(ITEM_UUID, &item.id));
	g_assert_true(wb_uuid_parse("ed429c16-f674-4220-95da-454f303f15e2", &item.parent_id));
	item.timestamp = 1700000000;
	item.type = WB_TIMELINE_ITEM_TYPE_NOTIFICATION;
	item.flags = WB_TIMELINE_FLAG_VISIBLE;
	item.status = 0;
	item.layout = WB_TIMELINE_LAYOUT_NOTIFICATION;
	wb_timeline_item_add_string(&item, WB_TIMELINE_ATTR_TITLE, "Mail");
	wb_timeline_item_add_string(&item, WB_TIMELINE_ATTR_SUBTITLE, "Hi");
	wb_timeline_item_add_string(&item, WB_TIMELINE_ATTR_BODY, "See you");
	wb_timeline_item_add_u32(&item, WB_TIMELINE_ATTR_TINY_ICON, 0x80000013);
	wb_timeline_item_add_u8(&item, WB_TIMELINE_ATTR_BG_COLOR, 0xf0);
	action = wb_timeline_action_new(0, WB_TIMELINE_ACTION_TYPE_DISMISS);
	wb_timeline_action_add_string(action, WB_TIMELINE_ATTR_TITLE, "Dismiss");
	wb_timeline_item_add_action(&item, action);
	action = wb_timeline_action_new(1, WB_TIMELINE_ACTION_TYPE_RESPONSE);
	wb_timeline_action_add_string(action, WB_TIMELINE_ATTR_TITLE, "Reply");
	wb_timeline_action_add_string_list(action, WB_TIMELINE_ATTR_CANNED_RESPONSES, canned);
	wb_timeline_item_add_action(&item, action);
	g_assert_true(wb_timeline_item_encode(&item, value, &error));

	cmd.command = WB_BLOBDB_COMMAND_INSERT;
	cmd.token = 0x1234;
	cmd.database = WB_BLOBDB_DATABASE_NOTIFICATIONS;
	cmd.key = g_bytes_new(item.id.b, sizeof(item.id.b));
	cmd.value = g_byte_array_free_to_bytes(g_steal_pointer(&value));
	g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, insert_hex);
	g_assert_cmpuint(out->len, ==, 138);

	g_assert_true(wb_blobdb_command_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_cmpint(back.command, ==, WB_BLOBDB_COMMAND_INSERT);
	g_assert_cmpuint(back.token, ==, 0x1234);
	g_assert_cmpint(back.database, ==, WB_BLOBDB_DATABASE_NOTIFICATIONS);
	g_assert_true(g_bytes_equal(back.key, cmd.key));
	data = g_bytes_get_data(back.value, &len);
	g_assert_true(wb_timeline_item_decode(data, len, &item_back, &error));
	g_assert_no_error(error);
	g_assert_true(wb_uuid_equal(&item_back.id, &item.id));
}

static void
test_command_goldens(void)
{
	g_auto(WbBlobdbCommand) cmd = {0};
	g_autoptr(GByteArray) in = NULL;
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbUuid id;

	g_assert_true(wb_uuid_parse(ITEM_UUID, &id));
	cmd.command = WB_BLOBDB_COMMAND_DELETE;
	cmd.token = 0x1235;
	cmd.database = WB_BLOBDB_DATABASE_NOTIFICATIONS;
	cmd.key = g_bytes_new(id.b, 16);
	cmd.value = g_bytes_new("ignored", 7); /* not used by Delete */
	g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, delete_hex);
	wb_blobdb_command_clear(&cmd);

	g_byte_array_set_size(out, 0);
	cmd.command = WB_BLOBDB_COMMAND_CLEAR;
	cmd.token = 0x1236;
	cmd.database = WB_BLOBDB_DATABASE_NOTIFICATIONS;
	g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
	wb_assert_hex(out->data, out->len, clear_hex);

	g_byte_array_set_size(out, 0);
	cmd.command = WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP;
	cmd.token = 0x1237;
	cmd.database = WB_BLOBDB_DATABASE_SETTINGS;
	cmd.timestamp = 1700000000;
	cmd.key = g_bytes_new("theme", 5);
	cmd.value = g_bytes_new("\x01", 1);
	g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
	wb_assert_hex(out->data, out->len, insert_ts_hex);
	wb_blobdb_command_clear(&cmd);

	g_byte_array_set_size(out, 0);
	cmd.command = WB_BLOBDB_COMMAND_READ;
	cmd.token = 0x1238;
	g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
	wb_assert_hex(out->data, out->len, read_hex);
	g_byte_array_set_size(out, 0);
	cmd.command = WB_BLOBDB_COMMAND_UPDATE;
	cmd.token = 0x1239;
	g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
	wb_assert_hex(out->data, out->len, update_hex);

	/* decoded fields */
	in = wb_test_hex(insert_ts_hex);
	g_assert_true(wb_blobdb_command_decode(in->data, in->len, &cmd, &error));
	g_assert_cmpint(cmd.command, ==, WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP);
	g_assert_cmpuint(cmd.timestamp, ==, 1700000000);
	g_assert_cmpint(cmd.database, ==, WB_BLOBDB_DATABASE_SETTINGS);
	g_assert_cmpmem(g_bytes_get_data(cmd.key, NULL), g_bytes_get_size(cmd.key), "theme", 5);
	wb_blobdb_command_clear(&cmd);
	g_byte_array_unref(in);

	in = wb_test_hex(clear_hex);
	g_assert_true(wb_blobdb_command_decode(in->data, in->len, &cmd, &error));
	g_assert_cmpint(cmd.command, ==, WB_BLOBDB_COMMAND_CLEAR);
	g_assert_cmpuint(cmd.token, ==, 0x1236);
	g_assert_null(cmd.key);
	g_assert_null(cmd.value);

	assert_command_round_trip(insert_hex, insert_hex);
	assert_command_round_trip(delete_hex, delete_hex);
	assert_command_round_trip(clear_hex, clear_hex);
	assert_command_round_trip(insert_ts_hex, insert_ts_hex);
	assert_command_round_trip(read_hex, read_hex);
	assert_command_round_trip(update_hex, update_hex);
	/* what the firmware ignores is dropped: bytes after Clear's db, Read's db/key */
	assert_command_round_trip("05 3612 04 ffff", clear_hex);
	assert_command_round_trip("02 3812 04 01 aa", read_hex);
	/* 1-byte key delete: fine for CFW (the original firmware wanted 6 bytes) */
	assert_command_round_trip("04 0100 07 01 41", "04 0100 07 01 41");
}

static void
test_response_golden(void)
{
	WbBlobdbResponse msg = {0x1234, WB_BLOBDB_STATUS_SUCCESS};
	WbBlobdbResponse back;
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) in = wb_test_hex(response_invalid_hex);
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_blobdb_response_encode(&msg, out, &error));
	wb_assert_hex(out->data, out->len, response_ok_hex);
	g_assert_true(wb_blobdb_response_decode(out->data, out->len, &back, &error));
	g_assert_cmpuint(back.token, ==, 0x1234);
	g_assert_cmpint(back.status, ==, WB_BLOBDB_STATUS_SUCCESS);
	g_assert_true(wb_blobdb_response_decode(in->data, in->len, &back, &error));
	g_assert_cmpint(back.status, ==, WB_BLOBDB_STATUS_INVALID_DATA);

	/* an unknown status still delivers its token */
	g_byte_array_unref(in);
	in = wb_test_hex("0700 42");
	g_assert_true(wb_blobdb_response_decode(in->data, in->len, &back, &error));
	g_assert_cmpuint(back.token, ==, 7);
	g_assert_cmpuint(back.status, ==, 0x42);
	g_assert_cmpstr(wb_blobdb_status_to_string(back.status), ==, "unknown");

	msg.status = 0x100;
	g_byte_array_set_size(out, 0);
	g_assert_false(wb_blobdb_response_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_assert_cmpuint(out->len, ==, 0);
}

static void
test_status_strings(void)
{
	static const gchar *names[] = {
		NULL,
		"Success",
		"GeneralFailure",
		"InvalidOperation",
		"InvalidDatabaseID",
		"InvalidData",
		"KeyDoesNotExist",
		"DatabaseFull",
		"DataStale",
		"NotSupported",
		"Locked",
		"TryLater",
	};

	for (guint i = 1; i < G_N_ELEMENTS(names); i++)
		g_assert_cmpstr(wb_blobdb_status_to_string(i), ==, names[i]);
	g_assert_cmpstr(wb_blobdb_status_to_string(0), ==, "unknown");
	g_assert_cmpstr(wb_blobdb_database_to_string(WB_BLOBDB_DATABASE_NOTIFICATIONS), ==,
			"notifications");
	g_assert_cmpstr(wb_blobdb_database_to_string(WB_BLOBDB_DATABASE_SETTINGS), ==, "settings");
	g_assert_cmpstr(wb_blobdb_database_to_string(0x0d), ==, "unknown");
	g_assert_true(wb_blobdb_database_is_valid(0x0c));
	g_assert_false(wb_blobdb_database_is_valid(0x0d));
}

static void
test_truncations(void)
{
	assert_prefixes_fail(decode_command, insert_hex);
	assert_prefixes_fail(decode_command, delete_hex);
	assert_prefixes_fail(decode_command, clear_hex);
	assert_prefixes_fail(decode_command, insert_ts_hex);
	assert_prefixes_fail(decode_command, read_hex);
	assert_prefixes_fail(decode_command, update_hex);
	assert_prefixes_fail(decode_response, response_ok_hex);
}

static void
test_command_corrupted(void)
{
	/* unknown command bytes (0x0B/0x0C belong to BlobDB v2 or CFW variants) */
	assert_decode_error(decode_command, "00 0100 04", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_command, "06 0100 04", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_command, "81 0100", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_command, "0b", WB_PROTO_ERROR_UNKNOWN_TYPE);
	/* database outside §3.2 */
	assert_decode_error(decode_command, "05 0100 0d", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_command, "01 0100 ff 01 41 0100 42", WB_PROTO_ERROR_BAD_VALUE);
	/* empty key, empty value (FW prv_read_ptr refuses zero lengths) */
	assert_decode_error(decode_command, "01 0100 04 00 0100 42", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_command, "04 0100 04 00", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_command, "01 0100 04 01 41 0000", WB_PROTO_ERROR_BAD_VALUE);
	/* value must end exactly at the end of the payload */
	assert_decode_error(decode_command, "01 0100 04 01 41 0100 42 43",
			    WB_PROTO_ERROR_TRAILING_DATA);
	assert_decode_error(decode_command, "01 0100 04 01 41 0300 42 43",
			    WB_PROTO_ERROR_TRUNCATED);
	/* key length past the end */
	assert_decode_error(decode_command, "04 0100 04 05 41 42", WB_PROTO_ERROR_TRUNCATED);
	/* delete must end after its key */
	assert_decode_error(decode_command, "04 0100 04 01 41 42", WB_PROTO_ERROR_TRAILING_DATA);
	/* response: exactly 3 bytes */
	assert_decode_error(decode_response, "3412 01 00", WB_PROTO_ERROR_TRAILING_DATA);
	assert_decode_error(decode_response, "3412", WB_PROTO_ERROR_TRUNCATED);
}

static void
test_command_limits(void)
{
	g_autoptr(GByteArray) big = wb_test_hex("01 0100 04 10" ITEM_HEX "e607");
	g_autoptr(GByteArray) out = wb_test_hex("ee");
	g_auto(WbBlobdbCommand) cmd = {0};
	g_autoptr(GError) error = NULL;
	g_autofree guint8 *zeros = g_malloc0(70000);

	/* 23 + 2022 = 2045 bytes: one more than the watch takes */
	g_byte_array_set_size(big, big->len + 2022);
	memset(big->data + 23, 0xab, 2022);
	assert_decode_error(decode_command, "01", WB_PROTO_ERROR_TRUNCATED);
	g_assert_false(decode_command(big->data, big->len, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	/* 2044 is fine */
	big->data[21] = 0xe5;
	g_byte_array_set_size(big, WB_FRAME_MAX_WATCH_INBOUND);
	g_assert_true(wb_blobdb_command_decode(big->data, big->len, &cmd, &error));
	g_assert_no_error(error);
	g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_cmpuint(out->len, ==, 1 + WB_FRAME_MAX_WATCH_INBOUND);
	g_byte_array_set_size(out, 1);

	/* the encoder refuses one byte more and leaves the buffer alone */
	g_bytes_unref(cmd.value);
	cmd.value = g_bytes_new(zeros, 2022);
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "ee");
	g_clear_error(&error);

	/* value over 65535 */
	g_bytes_unref(cmd.value);
	cmd.value = g_bytes_new(zeros, 70000);
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);

	/* empty / missing value */
	g_clear_pointer(&cmd.value, g_bytes_unref);
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	cmd.value = g_bytes_new(NULL, 0);
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	g_bytes_unref(cmd.value);
	cmd.value = g_bytes_new("v", 1);

	/* key of 256 bytes, empty key, missing key */
	g_bytes_unref(cmd.key);
	cmd.key = g_bytes_new(zeros, 256);
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	g_clear_pointer(&cmd.key, g_bytes_unref);
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	cmd.command = WB_BLOBDB_COMMAND_DELETE;
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	cmd.key = g_bytes_new(zeros, 255);
	g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
	g_byte_array_set_size(out, 1);

	/* unknown database, unknown command */
	cmd.database = 0x0d;
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	cmd.database = WB_BLOBDB_DATABASE_PINS;
	cmd.command = 0x06;
	g_assert_false(wb_blobdb_command_encode(&cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "ee");
}

static void
test_peek_token(void)
{
	g_autoptr(GByteArray) in = wb_test_hex("77 3412 ff ff");
	guint16 token = 99;

	g_assert_true(wb_blobdb_command_peek_token(in->data, in->len, &token));
	g_assert_cmpuint(token, ==, 0x1234);
	g_assert_false(wb_blobdb_command_peek_token(in->data, 2, &token));
	g_assert_cmpuint(token, ==, 0);
	g_assert_false(wb_blobdb_command_peek_token(NULL, 0, &token));
}

static void
test_round_trip_random(void)
{
	static const WbBlobdbCommandType commands[] = {
		WB_BLOBDB_COMMAND_INSERT, WB_BLOBDB_COMMAND_READ,
		WB_BLOBDB_COMMAND_UPDATE, WB_BLOBDB_COMMAND_DELETE,
		WB_BLOBDB_COMMAND_CLEAR,  WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP,
	};
	guint64 seed = 0xb1db;

	for (guint iter = 0; iter < 1000; iter++) {
		g_auto(WbBlobdbCommand) cmd = {0};
		g_auto(WbBlobdbCommand) back = {0};
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GByteArray) again = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		guint8 buf[300];
		gsize key_len = 1 + wb_test_rand_next(&seed) % 255;
		gsize value_len = 1 + wb_test_rand_next(&seed) % 300;

		for (gsize i = 0; i < sizeof(buf); i++)
			buf[i] = (guint8)wb_test_rand_next(&seed);
		cmd.command = commands[wb_test_rand_next(&seed) % G_N_ELEMENTS(commands)];
		cmd.token = (guint16)wb_test_rand_next(&seed);
		cmd.database = wb_test_rand_next(&seed) % (WB_BLOBDB_DATABASE_SETTINGS + 1);
		cmd.timestamp = wb_test_rand_next(&seed);
		cmd.key = g_bytes_new(buf, key_len);
		cmd.value = g_bytes_new(buf, value_len);
		g_assert_true(wb_blobdb_command_encode(&cmd, out, &error));
		g_assert_no_error(error);
		g_assert_true(wb_blobdb_command_decode(out->data, out->len, &back, &error));
		g_assert_no_error(error);
		g_assert_cmpint(back.command, ==, cmd.command);
		g_assert_cmpuint(back.token, ==, cmd.token);
		g_assert_true(wb_blobdb_command_encode(&back, again, &error));
		g_assert_cmpmem(out->data, out->len, again->data, again->len);
	}
}

/* golden: BlobDB v2 messages, layouts per CFW blob_db/endpoint2.c (DirtyDatabasesResponseMsg,
 * StartSyncResponseMsg, WritebackMetadata + key/value, SyncDoneMsg, BlobDBVersionResponseMsg,
 * DirtyAllResponseMsg) and §3.4; all LE */
static const gchar *v2_goldens[] = {
	"06 0100",                                   /* DirtyDatabases */
	"86 0100 01 02 0c07",                        /* … Success, Settings + Prefs */
	"07 0200 0c",                                /* StartSync Settings */
	"87 0200 01",                                /* … Success */
	"08 0100 0c 00f15365 05 7468656d65 0100 01", /* Write "theme" = 01 */
	"09 0200 0c 00f15365 05 7468656d65 0000",    /* WriteBack, empty value */
	"88 0100 01",                                /* Write response */
	"89 0200 05",                                /* WriteBack response InvalidData */
	"0a 0300 0c",                                /* SyncDone Settings */
	"8a 0300 01",                                /* … response */
	"0b 0400",                                   /* Version (CFW) */
	"8b 0400 01 01",                             /* … Success, version 1 */
	"0c 0500 0c",                                /* DirtyAll (CFW) */
	"8c 0500 09",                                /* … NotSupported */
};

static gboolean
decode_v2(const guint8 *buf, gsize len, GError **error)
{
	g_auto(WbBlobdb2Message) msg = {0};
	return wb_blobdb2_message_decode(buf, len, &msg, error);
}

static void
test_v2_goldens(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(v2_goldens); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v2_goldens[i]);
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_auto(WbBlobdb2Message) msg = {0};
		g_autoptr(GError) error = NULL;

		g_assert_true(wb_blobdb2_message_decode(in->data, in->len, &msg, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(msg.command, ==, in->data[0]);
		g_assert_true(wb_blobdb2_message_encode(&msg, out, &error));
		g_assert_no_error(error);
		wb_assert_hex(out->data, out->len, v2_goldens[i]);
		assert_prefixes_fail(decode_v2, v2_goldens[i]);
	}
}

static void
test_v2_fields(void)
{
	g_auto(WbBlobdb2Message) msg = {0};
	g_autoptr(GByteArray) in = wb_test_hex(v2_goldens[1]);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_blobdb2_message_decode(in->data, in->len, &msg, &error));
	g_assert_cmpint(msg.command, ==, WB_BLOBDB2_COMMAND_DIRTY_DATABASES_RESPONSE);
	g_assert_cmpuint(msg.token, ==, 1);
	g_assert_cmpint(msg.status, ==, WB_BLOBDB_STATUS_SUCCESS);
	g_assert_cmpuint(msg.dirty_databases->len, ==, 2);
	g_assert_cmpuint(msg.dirty_databases->data[0], ==, WB_BLOBDB_DATABASE_SETTINGS);
	wb_blobdb2_message_clear(&msg);
	g_byte_array_unref(in);

	in = wb_test_hex(v2_goldens[4]);
	g_assert_true(wb_blobdb2_message_decode(in->data, in->len, &msg, &error));
	g_assert_cmpint(msg.command, ==, WB_BLOBDB2_COMMAND_WRITE);
	g_assert_cmpint(msg.database, ==, WB_BLOBDB_DATABASE_SETTINGS);
	g_assert_cmpuint(msg.last_updated, ==, 1700000000);
	g_assert_cmpmem(g_bytes_get_data(msg.key, NULL), g_bytes_get_size(msg.key), "theme", 5);
	g_assert_cmpuint(g_bytes_get_size(msg.value), ==, 1);
	wb_blobdb2_message_clear(&msg);

	/* built from scratch: a phone's answer to a Write, and an empty dirty list */
	msg.command = WB_BLOBDB2_COMMAND_WRITE_RESPONSE;
	msg.token = 1;
	msg.status = WB_BLOBDB_STATUS_SUCCESS;
	g_assert_true(wb_blobdb2_message_encode(&msg, out, &error));
	wb_assert_hex(out->data, out->len, "88 0100 01");
	g_byte_array_set_size(out, 0);
	msg.command = WB_BLOBDB2_COMMAND_DIRTY_DATABASES_RESPONSE;
	g_assert_true(wb_blobdb2_message_encode(&msg, out, &error));
	wb_assert_hex(out->data, out->len, "86 0100 01 00");
}

static void
test_v2_corrupted(void)
{
	g_auto(WbBlobdb2Message) msg = {0};
	g_autoptr(GByteArray) out = wb_test_hex("ee");
	g_autoptr(GError) error = NULL;
	g_autofree guint8 *zeros = g_malloc0(256);

	assert_decode_error(decode_v2, "01 0100 04", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_v2, "0d 0100", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_v2, "8d 0100 01", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_v2, "07 0200 0d", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_v2, "86 0100 01 02 0c0d", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_v2, "86 0100 01 03 0c07", WB_PROTO_ERROR_TRUNCATED);
	assert_decode_error(decode_v2, "86 0100 01 01 0c07", WB_PROTO_ERROR_TRAILING_DATA);
	assert_decode_error(decode_v2, "08 0100 0c 00f15365 00 0100 01", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_v2, "08 0100 0c 00f15365 01 41 0100 01 02",
			    WB_PROTO_ERROR_TRAILING_DATA);
	assert_decode_error(decode_v2, "0a 0300 0c 00", WB_PROTO_ERROR_TRAILING_DATA);
	assert_decode_error(decode_v2, "8b 0400 01 01 00", WB_PROTO_ERROR_TRAILING_DATA);
	/* what the watch parses may carry bytes it ignores */
	{
		g_autoptr(GByteArray) a = wb_test_hex("88 0100 01 ff");
		g_autoptr(GByteArray) b = wb_test_hex("07 0200 0c ff");
		g_assert_true(decode_v2(a->data, a->len, NULL));
		g_assert_true(decode_v2(b->data, b->len, NULL));
	}

	msg.command = 0x42;
	g_assert_false(wb_blobdb2_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.command = WB_BLOBDB2_COMMAND_WRITE;
	msg.database = WB_BLOBDB_DATABASE_SETTINGS;
	g_assert_false(wb_blobdb2_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.key = g_bytes_new(zeros, 256);
	g_assert_false(wb_blobdb2_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	g_bytes_unref(msg.key);
	msg.key = g_bytes_new(zeros, 1);
	msg.database = 0x0d;
	g_assert_false(wb_blobdb2_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.command = WB_BLOBDB2_COMMAND_DIRTY_DATABASES_RESPONSE;
	msg.dirty_databases = g_byte_array_new();
	g_byte_array_append(msg.dirty_databases, zeros, 256);
	g_assert_false(wb_blobdb2_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	g_byte_array_set_size(msg.dirty_databases, 1);
	msg.dirty_databases->data[0] = 0x0d;
	g_assert_false(wb_blobdb2_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.dirty_databases->data[0] = 0x01;
	msg.status = 0x100;
	g_assert_false(wb_blobdb2_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "ee");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/blobdb/insert-notification-golden",
			test_insert_notification_golden);
	g_test_add_func("/wearbridge/blobdb/command-goldens", test_command_goldens);
	g_test_add_func("/wearbridge/blobdb/response-golden", test_response_golden);
	g_test_add_func("/wearbridge/blobdb/status-strings", test_status_strings);
	g_test_add_func("/wearbridge/blobdb/truncations", test_truncations);
	g_test_add_func("/wearbridge/blobdb/command-corrupted", test_command_corrupted);
	g_test_add_func("/wearbridge/blobdb/command-limits", test_command_limits);
	g_test_add_func("/wearbridge/blobdb/peek-token", test_peek_token);
	g_test_add_func("/wearbridge/blobdb/round-trip-random", test_round_trip_random);
	g_test_add_func("/wearbridge/blobdb/v2-goldens", test_v2_goldens);
	g_test_add_func("/wearbridge/blobdb/v2-fields", test_v2_fields);
	g_test_add_func("/wearbridge/blobdb/v2-corrupted", test_v2_corrupted);
	return g_test_run();
}
