/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-apps.h"
#include "wb-test-util.h"

#define UUID_HEX    "6b f6 21 5b c9 7f 40 9e 8c 31 4f 55 65 72 22 b4"
#define UUID_STRING "6bf6215b-c97f-409e-8c31-4f55657222b4"

static WbUuid
test_uuid(void)
{
	WbUuid u;
	g_assert_true(wb_uuid_parse(UUID_STRING, &u));
	return u;
}

/* ---- AppRunState ----
 * golden: layout per FW process_management/app_run_state.c (AppStateMessage {u8 command; Uuid},
 * and the AppRunState struct it sends back): command byte, then the UUID in wire order */

static void
test_run_state_golden(void)
{
	const struct {
		const gchar *hex;
		WbAppRunStateCommand command;
		gboolean has_uuid;
	} v[] = {
		{"01 " UUID_HEX, WB_APP_RUN_STATE_START, TRUE},
		{"02 " UUID_HEX, WB_APP_RUN_STATE_STOP, TRUE},
		{"03", WB_APP_RUN_STATE_REQUEST, FALSE},
		{"03 " UUID_HEX, WB_APP_RUN_STATE_REQUEST, TRUE},
	};
	WbUuid uuid = test_uuid();

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbAppRunState msg;
		WbAppRunState enc = {.command = v[i].command, .has_uuid = v[i].has_uuid};

		if (v[i].has_uuid)
			enc.uuid = uuid;
		g_assert_true(wb_app_run_state_decode(in->data, in->len, &msg, NULL));
		g_assert_cmpint(msg.command, ==, v[i].command);
		g_assert_cmpint(msg.has_uuid, ==, v[i].has_uuid);
		if (v[i].has_uuid)
			g_assert_true(wb_uuid_equal(&msg.uuid, &uuid));
		g_assert_true(wb_app_run_state_encode(&enc, out, NULL));
		wb_assert_hex(out->data, out->len, v[i].hex);

		/* every prefix: Start/Stop need the whole UUID; a request is fine with 0 or 16 */
		for (gsize n = 0; n < in->len; n++) {
			g_autoptr(GError) error = NULL;
			g_autofree guint8 *copy = g_memdup2(in->data, n);
			gboolean ok = wb_app_run_state_decode(copy, n, &msg, &error);

			if (v[i].command == WB_APP_RUN_STATE_REQUEST && n == 1) {
				g_assert_true(ok);
				g_assert_false(msg.has_uuid);
				continue;
			}
			g_assert_false(ok);
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		}
	}
}

static void
test_run_state_errors(void)
{
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;
	WbAppRunState msg;
	WbAppRunState bad = {.command = 4};
	const gchar *unknown[] = {"00 " UUID_HEX, "04 " UUID_HEX, "ff"};

	for (guint i = 0; i < G_N_ELEMENTS(unknown); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(unknown[i]);
		g_assert_false(wb_app_run_state_decode(in->data, in->len, &msg, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
		g_clear_error(&error);
	}
	/* the firmware ignores bytes after the UUID */
	{
		g_autoptr(GByteArray) in = wb_test_hex("01 " UUID_HEX " 00 11");
		g_assert_true(wb_app_run_state_decode(in->data, in->len, &msg, NULL));
		g_assert_cmpint(msg.command, ==, WB_APP_RUN_STATE_START);
	}
	g_assert_false(wb_app_run_state_encode(&bad, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	wb_assert_hex(out->data, out->len, "aa");
}

/* ---- AppFetch ----
 * golden: layout per FW services/normal/app_fetch_endpoint.c (AppFetchInstallRequest packed,
 * AppInstallId native little-endian; AppFetchResponseData {command, result_code}), bytes as
 * Gadgetbridge PebbleProtocol.java decodes/encodes them (`01 01` start) */

static void
test_fetch_request_golden(void)
{
	const gchar *hex = "01 " UUID_HEX " 2a 00 00 00";
	g_autoptr(GByteArray) in = wb_test_hex(hex);
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbAppFetchRequest msg;
	WbAppFetchRequest enc = {.uuid = test_uuid(), .install_id = 42};

	g_assert_true(wb_app_fetch_request_decode(in->data, in->len, &msg, NULL));
	g_assert_true(wb_uuid_equal(&msg.uuid, &enc.uuid));
	g_assert_cmpint(msg.install_id, ==, 42);
	g_assert_true(wb_app_fetch_request_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, hex);

	for (gsize n = 0; n < in->len; n++) {
		g_autoptr(GError) error = NULL;
		g_autofree guint8 *copy = g_memdup2(in->data, n);
		g_assert_false(wb_app_fetch_request_decode(copy, n, &msg, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}

	/* negative install ids survive */
	g_byte_array_set_size(out, 0);
	enc.install_id = -2;
	g_assert_true(wb_app_fetch_request_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, "01 " UUID_HEX " fe ff ff ff");
	g_assert_true(wb_app_fetch_request_decode(out->data, out->len, &msg, NULL));
	g_assert_cmpint(msg.install_id, ==, -2);
}

static void
test_fetch_request_errors(void)
{
	g_autoptr(GError) error = NULL;
	WbAppFetchRequest msg;
	g_autoptr(GByteArray) cmd = wb_test_hex("02 " UUID_HEX " 2a 00 00 00");
	g_autoptr(GByteArray) trailing = wb_test_hex("01 " UUID_HEX " 2a 00 00 00 00");

	g_assert_false(wb_app_fetch_request_decode(cmd->data, cmd->len, &msg, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	g_clear_error(&error);
	g_assert_false(wb_app_fetch_request_decode(trailing->data, trailing->len, &msg, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
	g_assert_true(wb_uuid_is_zero(&msg.uuid));
}

static void
test_fetch_response_golden(void)
{
	const struct {
		const gchar *hex;
		WbAppFetchStatus status;
	} v[] = {
		{"01 01", WB_APP_FETCH_START},
		{"01 02", WB_APP_FETCH_BUSY},
		{"01 03", WB_APP_FETCH_INVALID_UUID},
		{"01 04", WB_APP_FETCH_NO_DATA},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbAppFetchStatus status = 0;

		g_assert_true(wb_app_fetch_response_decode(in->data, in->len, &status, NULL));
		g_assert_cmpint(status, ==, v[i].status);
		g_assert_true(wb_app_fetch_response_encode(v[i].status, out, NULL));
		wb_assert_hex(out->data, out->len, v[i].hex);
		for (gsize n = 0; n < in->len; n++) {
			g_autoptr(GError) error = NULL;
			g_assert_false(wb_app_fetch_response_decode(in->data, n, &status, &error));
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		}
	}
}

static void
test_fetch_response_errors(void)
{
	g_autoptr(GByteArray) out = wb_test_hex("bb");
	g_autoptr(GError) error = NULL;
	WbAppFetchStatus status = WB_APP_FETCH_BUSY;
	const struct {
		const gchar *hex;
		gint code;
	} v[] = {
		{"01 00", WB_PROTO_ERROR_BAD_VALUE},
		{"01 05", WB_PROTO_ERROR_BAD_VALUE},
		{"02 01", WB_PROTO_ERROR_UNKNOWN_TYPE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_assert_false(wb_app_fetch_response_decode(in->data, in->len, &status, &error));
		g_assert_error(error, WB_PROTO_ERROR, v[i].code);
		g_clear_error(&error);
		/* not written on failure */
		g_assert_cmpint(status, ==, WB_APP_FETCH_BUSY);
	}
	{
		/* the firmware reads two bytes and ignores the rest */
		g_autoptr(GByteArray) in = wb_test_hex("01 01 ff");
		g_assert_true(wb_app_fetch_response_decode(in->data, in->len, &status, NULL));
		g_assert_cmpint(status, ==, WB_APP_FETCH_START);
	}
	g_assert_false(wb_app_fetch_response_encode(5, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "bb");
}

/* ---- AppMetadata ----
 * golden: layout per FW services/normal/blob_db/app_db.h (AppDBEntry, packed, little-endian,
 * 126 bytes; Version = {major, minor}); flag bits per FW pebble_process_info.h. Flags 0x91 =
 * watchface | has worker | platform basalt (2 << 6). Bytes written by hand from that struct. */
#define METADATA_HEX                                                                               \
	UUID_HEX " 91 00 00 00"                                                                    \
		 " 05 00 00 00"                                                                    \
		 " 02 01 05 56 00 00 54 69 6d 65"

static GByteArray *
metadata_golden(void)
{
	GByteArray *in = wb_test_hex(METADATA_HEX);
	g_byte_array_set_size(in, WB_APP_METADATA_LEN);
	memset(in->data + 34, 0, WB_APP_METADATA_LEN - 34);
	return in;
}

static void
test_metadata_golden(void)
{
	g_autoptr(GByteArray) in = metadata_golden();
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbAppMetadata) msg = {0};
	WbUuid uuid = test_uuid();
	WbAppMetadata enc = {
		.uuid = uuid,
		.flags = WB_APP_FLAG_WATCHFACE | WB_APP_FLAG_HAS_WORKER,
		.icon_resource_id = 5,
		.app_version_major = 2,
		.app_version_minor = 1,
		.sdk_version_major = 5,
		.sdk_version_minor = 0x56,
		.name = (gchar *)"Time",
	};

	wb_app_metadata_set_platform(&enc, WB_APP_PLATFORM_BASALT);
	g_assert_cmpuint(enc.flags, ==, 0x91);
	g_assert_true(wb_app_metadata_decode(in->data, in->len, &msg, NULL));
	g_assert_true(wb_uuid_equal(&msg.uuid, &uuid));
	g_assert_cmpuint(msg.flags, ==, 0x91);
	g_assert_cmpuint(wb_app_metadata_get_platform(&msg), ==, WB_APP_PLATFORM_BASALT);
	g_assert_true(msg.flags & WB_APP_FLAG_WATCHFACE);
	g_assert_true(msg.flags & WB_APP_FLAG_HAS_WORKER);
	g_assert_cmpuint(msg.icon_resource_id, ==, 5);
	g_assert_cmpuint(msg.app_version_major, ==, 2);
	g_assert_cmpuint(msg.app_version_minor, ==, 1);
	g_assert_cmpuint(msg.sdk_version_major, ==, 5);
	g_assert_cmpuint(msg.sdk_version_minor, ==, 0x56);
	g_assert_cmpuint(msg.app_face_bg_color, ==, 0);
	g_assert_cmpuint(msg.app_face_template_id, ==, 0);
	g_assert_cmpstr(msg.name, ==, "Time");

	g_assert_true(wb_app_metadata_encode(&enc, out, NULL));
	g_assert_cmpmem(out->data, out->len, in->data, in->len);

	for (gsize n = 0; n < in->len; n++) {
		g_autoptr(GError) error = NULL;
		g_auto(WbAppMetadata) m = {0};
		g_autofree guint8 *copy = g_memdup2(in->data, n);
		g_assert_false(wb_app_metadata_decode(copy, n, &m, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		g_assert_null(m.name);
	}
}

static void
test_metadata_platforms(void)
{
	WbAppMetadata m = {.flags = 0xFFFFFFFF};

	for (guint p = WB_APP_PLATFORM_UNKNOWN; p <= WB_APP_PLATFORM_GABBRO; p++) {
		wb_app_metadata_set_platform(&m, p);
		g_assert_cmpuint(wb_app_metadata_get_platform(&m), ==, p);
		/* the other bits are untouched */
		g_assert_cmpuint(m.flags | WB_APP_FLAG_PLATFORM_MASK, ==, 0xFFFFFFFF);
	}
	m.flags = 7u << 6;
	g_assert_cmpuint(wb_app_metadata_get_platform(&m), ==, WB_APP_PLATFORM_GABBRO);
	m.flags = 0xFu << 6;
	g_assert_cmpuint(wb_app_metadata_get_platform(&m), ==, 15);
}

static void
test_metadata_name(void)
{
	g_autoptr(GByteArray) out = wb_test_hex("cc");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *full = g_strnfill(WB_APP_METADATA_NAME_LEN, 'n');
	g_autofree gchar *over = g_strnfill(WB_APP_METADATA_NAME_LEN + 1, 'n');
	g_auto(WbAppMetadata) msg = {0};
	WbAppMetadata enc = {.name = full};

	/* exactly 96 bytes fill the field without terminator, and decode back */
	g_assert_true(wb_app_metadata_encode(&enc, out, NULL));
	g_assert_cmpuint(out->len, ==, 1 + WB_APP_METADATA_LEN);
	g_assert_true(wb_app_metadata_decode(out->data + 1, out->len - 1, &msg, NULL));
	g_assert_cmpstr(msg.name, ==, full);

	g_byte_array_set_size(out, 1);
	enc.name = over;
	g_assert_false(wb_app_metadata_encode(&enc, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "cc");

	/* a NULL name is an empty one */
	enc.name = NULL;
	g_byte_array_set_size(out, 0);
	g_assert_true(wb_app_metadata_encode(&enc, out, NULL));
	wb_app_metadata_clear(&msg);
	g_assert_true(wb_app_metadata_decode(out->data, out->len, &msg, NULL));
	g_assert_cmpstr(msg.name, ==, "");

	/* invalid UTF-8 in the name comes out valid */
	out->data[30] = 0xff;
	wb_app_metadata_clear(&msg);
	g_assert_true(wb_app_metadata_decode(out->data, out->len, &msg, NULL));
	g_assert_true(g_utf8_validate(msg.name, -1, NULL));
}

static void
test_metadata_trailing(void)
{
	g_autoptr(GByteArray) in = metadata_golden();
	g_autoptr(GError) error = NULL;
	g_auto(WbAppMetadata) msg = {0};
	guint8 extra = 0;

	g_byte_array_append(in, &extra, 1);
	g_assert_false(wb_app_metadata_decode(in->data, in->len, &msg, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
	g_assert_null(msg.name);
}

static void
test_metadata_random_roundtrip(void)
{
	guint64 seed = 0xa99;

	for (guint i = 0; i < 500; i++) {
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GByteArray) out2 = g_byte_array_new();
		g_autofree gchar *name = g_strnfill(wb_test_rand_next(&seed) % 97, 'a' + i % 26);
		g_auto(WbAppMetadata) msg = {0};
		WbAppMetadata enc = {
			.flags = wb_test_rand_next(&seed),
			.icon_resource_id = wb_test_rand_next(&seed),
			.app_version_major = (guint8)wb_test_rand_next(&seed),
			.app_version_minor = (guint8)wb_test_rand_next(&seed),
			.sdk_version_major = (guint8)wb_test_rand_next(&seed),
			.sdk_version_minor = (guint8)wb_test_rand_next(&seed),
			.app_face_bg_color = (guint8)wb_test_rand_next(&seed),
			.app_face_template_id = (guint8)wb_test_rand_next(&seed),
			.name = name,
		};
		for (guint j = 0; j < 16; j++)
			enc.uuid.b[j] = (guint8)wb_test_rand_next(&seed);

		g_assert_true(wb_app_metadata_encode(&enc, out, NULL));
		g_assert_cmpuint(out->len, ==, WB_APP_METADATA_LEN);
		g_assert_true(wb_app_metadata_decode(out->data, out->len, &msg, NULL));
		g_assert_true(wb_uuid_equal(&msg.uuid, &enc.uuid));
		g_assert_cmpuint(msg.flags, ==, enc.flags);
		g_assert_cmpuint(msg.icon_resource_id, ==, enc.icon_resource_id);
		g_assert_cmpuint(msg.app_face_bg_color, ==, enc.app_face_bg_color);
		g_assert_cmpstr(msg.name, ==, name);
		g_assert_true(wb_app_metadata_encode(&msg, out2, NULL));
		g_assert_cmpmem(out2->data, out2->len, out->data, out->len);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/apps/run-state-golden", test_run_state_golden);
	g_test_add_func("/wearbridge/apps/run-state-errors", test_run_state_errors);
	g_test_add_func("/wearbridge/apps/fetch-request-golden", test_fetch_request_golden);
	g_test_add_func("/wearbridge/apps/fetch-request-errors", test_fetch_request_errors);
	g_test_add_func("/wearbridge/apps/fetch-response-golden", test_fetch_response_golden);
	g_test_add_func("/wearbridge/apps/fetch-response-errors", test_fetch_response_errors);
	g_test_add_func("/wearbridge/apps/metadata-golden", test_metadata_golden);
	g_test_add_func("/wearbridge/apps/metadata-platforms", test_metadata_platforms);
	g_test_add_func("/wearbridge/apps/metadata-name", test_metadata_name);
	g_test_add_func("/wearbridge/apps/metadata-trailing", test_metadata_trailing);
	g_test_add_func("/wearbridge/apps/metadata-random-roundtrip",
			test_metadata_random_roundtrip);
	return g_test_run();
}
