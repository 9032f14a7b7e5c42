/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-putbytes.h"
#include "wb-test-util.h"

/* ---- helpers ---- */

static void
assert_decode_fails(const gchar *hex, gint code)
{
	g_autoptr(GByteArray) in = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;
	g_auto(WbPutBytesMessage) msg = {0};
	WbPutBytesMessage zero;

	memset(&zero, 0, sizeof(zero));
	g_assert_false(wb_put_bytes_message_decode(in->data, in->len, &msg, &error));
	g_assert_error(error, WB_PROTO_ERROR, code);
	g_assert_cmpmem(&msg, sizeof(msg), &zero, sizeof(zero));
}

static void
assert_roundtrip(const gchar *hex)
{
	g_autoptr(GByteArray) in = wb_test_hex(hex);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_auto(WbPutBytesMessage) msg = {0};

	g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, &error));
	g_assert_no_error(error);
	g_assert_true(wb_put_bytes_message_encode(&msg, out, &error));
	g_assert_no_error(error);
	g_assert_cmpmem(out->data, out->len, in->data, in->len);
}

/* Every prefix shorter than @min_ok must fail cleanly; longer ones may decode (Init tolerates
 * what the firmware ignores) and must then re-encode. */
static void
check_prefixes(const gchar *hex, gsize min_ok)
{
	g_autoptr(GByteArray) in = wb_test_hex(hex);

	for (gsize n = 0; n < in->len; n++) {
		g_autofree guint8 *copy = g_memdup2(in->data, n);
		g_autoptr(GError) error = NULL;
		g_auto(WbPutBytesMessage) msg = {0};
		gboolean ok = wb_put_bytes_message_decode(copy, n, &msg, &error);

		if (n < min_ok) {
			g_assert_false(ok);
			g_assert_nonnull(error);
			g_assert_true(error->domain == WB_PROTO_ERROR);
		}
		if (ok) {
			g_autoptr(GByteArray) out = g_byte_array_new();
			g_assert_true(wb_put_bytes_message_encode(&msg, out, NULL));
		}
	}
}

/* ---- golden vectors ----
 * golden: layout per FW put_bytes.c (InitRequest, PutRequest…, all fields ntohl()'d), bytes as
 * libpebble2 protocol/transfers.py (PutBytesAppInit, PutBytesInit, PutBytesPut…) builds them */
#define INIT_APP_COOKIE    "01 00 00 10 00 85 00 00 00 07"
#define INIT_FW_RESUME     "01 00 01 00 00 01 00 be 43 54 ef 00 00 08 00"
#define INIT_FILE_LANG     "01 00 00 30 00 06 00 6c 61 6e 67 00"
#define INIT_RES_COOKIE    "01 00 00 02 00 84 00 00 00 07"
#define INIT_WORKER_COOKIE "01 00 00 00 40 87 00 00 00 07"
#define INIT_COOKIE_RESUME "01 00 00 10 00 85 00 00 00 07 be 43 54 ef 00 00 01 00"
#define PUT_3              "02 12 34 56 78 00 00 00 03 aa bb cc"
#define COMMIT             "03 12 34 56 78 de ad be ef"
#define ABORT              "04 12 34 56 78"
#define INSTALL            "05 12 34 56 78"

static void
test_golden_init_app(void)
{
	g_autoptr(GByteArray) in = wb_test_hex(INIT_APP_COOKIE);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbPutBytesMessage) msg = {0};
	WbPutBytesMessage enc = {
		.command = WB_PUT_BYTES_INIT,
		.object_size = 4096,
		.object_type = WB_PUT_BYTES_OBJECT_APP_BINARY,
		.has_cookie = TRUE,
		.cookie = 7,
	};

	g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, NULL));
	g_assert_cmpint(msg.command, ==, WB_PUT_BYTES_INIT);
	g_assert_cmpuint(msg.object_size, ==, 4096);
	g_assert_cmpint(msg.object_type, ==, WB_PUT_BYTES_OBJECT_APP_BINARY);
	g_assert_true(msg.has_cookie);
	g_assert_cmpuint(msg.cookie, ==, 7);
	g_assert_null(msg.filename);
	g_assert_false(msg.has_resume);

	g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, INIT_APP_COOKIE);
	check_prefixes(INIT_APP_COOKIE, 10);
}

static void
test_golden_init_parts(void)
{
	/* the three parts of an app install (§8.3) */
	const struct {
		const gchar *hex;
		WbPutBytesObjectType type;
		guint32 size;
	} parts[] = {
		{INIT_APP_COOKIE, WB_PUT_BYTES_OBJECT_APP_BINARY, 0x1000},
		{INIT_RES_COOKIE, WB_PUT_BYTES_OBJECT_APP_RESOURCES, 0x200},
		{INIT_WORKER_COOKIE, WB_PUT_BYTES_OBJECT_WORKER, 0x40},
	};

	for (guint i = 0; i < G_N_ELEMENTS(parts); i++) {
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbPutBytesMessage enc = {
			.command = WB_PUT_BYTES_INIT,
			.object_size = parts[i].size,
			.object_type = parts[i].type,
			.has_cookie = TRUE,
			.cookie = 7,
		};
		g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
		wb_assert_hex(out->data, out->len, parts[i].hex);
		assert_roundtrip(parts[i].hex);
		check_prefixes(parts[i].hex, 10);
	}
}

static void
test_golden_init_resume(void)
{
	g_autoptr(GByteArray) in = wb_test_hex(INIT_FW_RESUME);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbPutBytesMessage) msg = {0};
	WbPutBytesMessage enc = {
		.command = WB_PUT_BYTES_INIT,
		.object_size = 0x10000,
		.object_type = WB_PUT_BYTES_OBJECT_FIRMWARE,
		.bank = 0,
		.has_resume = TRUE,
		.append_offset = 0x800,
	};

	g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, NULL));
	g_assert_cmpint(msg.object_type, ==, WB_PUT_BYTES_OBJECT_FIRMWARE);
	g_assert_false(msg.has_cookie);
	g_assert_cmpuint(msg.bank, ==, 0);
	g_assert_true(msg.has_resume);
	g_assert_cmpuint(msg.append_offset, ==, 0x800);
	g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, INIT_FW_RESUME);
	/* a cut resume info is ignored, as by the firmware: every prefix from 7 bytes decodes */
	check_prefixes(INIT_FW_RESUME, 7);
	assert_roundtrip(INIT_COOKIE_RESUME);
	check_prefixes(INIT_COOKIE_RESUME, 10);
}

static void
test_golden_init_file(void)
{
	g_autoptr(GByteArray) in = wb_test_hex(INIT_FILE_LANG);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbPutBytesMessage) msg = {0};
	WbPutBytesMessage enc = {
		.command = WB_PUT_BYTES_INIT,
		.object_size = 0x3000,
		.object_type = WB_PUT_BYTES_OBJECT_FILE,
		.filename = (gchar *)"lang",
	};

	g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, NULL));
	g_assert_cmpint(msg.object_type, ==, WB_PUT_BYTES_OBJECT_FILE);
	g_assert_cmpstr(msg.filename, ==, "lang");
	g_assert_false(msg.has_resume);
	g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, INIT_FILE_LANG);
	check_prefixes(INIT_FILE_LANG, in->len);

	/* with resume info after the name */
	assert_roundtrip("01 00 00 30 00 06 00 6c 61 6e 67 00 be 43 54 ef 00 00 00 10");
}

static void
test_init_tolerated_tail(void)
{
	/* libpebble2 sends an empty filename after the bank of every object; rockwork sends a
	 * name for firmware/resources. The firmware ignores both, and so do we. */
	const gchar *vectors[] = {
		"01 00 01 00 00 01 00 00",
		"01 00 01 00 00 03 00 73 79 73 00",
		"01 00 00 10 00 85 00 00 00 07 ff",
	};

	for (guint i = 0; i < G_N_ELEMENTS(vectors); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(vectors[i]);
		g_auto(WbPutBytesMessage) msg = {0};
		g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, NULL));
		g_assert_null(msg.filename);
		g_assert_false(msg.has_resume);
	}
	{
		/* the resume magic is what identifies resume info, not the length */
		g_autoptr(GByteArray) in =
			wb_test_hex("01 00 01 00 00 01 00 be 43 54 ee 00 00 08 00");
		g_auto(WbPutBytesMessage) msg = {0};
		g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, NULL));
		g_assert_false(msg.has_resume);
	}
	{
		/* the magic inside a filename's bytes is not resume info: it overlaps the name */
		g_autoptr(GByteArray) in =
			wb_test_hex("01 00 00 00 10 06 00 61 62 be 43 54 ef 00 00 00 00 00");
		g_auto(WbPutBytesMessage) msg = {0};
		g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, NULL));
		g_assert_false(msg.has_resume);
		g_assert_true(g_str_has_prefix(msg.filename, "ab"));
	}
}

static void
test_golden_put(void)
{
	g_autoptr(GByteArray) in = wb_test_hex(PUT_3);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbPutBytesMessage) msg = {0};
	static const guint8 data[] = {0xaa, 0xbb, 0xcc};
	g_autoptr(GBytes) bytes = g_bytes_new_static(data, sizeof(data));
	WbPutBytesMessage enc = {.command = WB_PUT_BYTES_PUT, .token = 0x12345678, .data = bytes};

	g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, NULL));
	g_assert_cmpint(msg.command, ==, WB_PUT_BYTES_PUT);
	g_assert_cmpuint(msg.token, ==, 0x12345678);
	g_assert_cmpmem(g_bytes_get_data(msg.data, NULL), g_bytes_get_size(msg.data), data,
			sizeof(data));
	g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, PUT_3);
	check_prefixes(PUT_3, in->len);

	/* an empty Put is legal */
	assert_roundtrip("02 00 00 00 01 00 00 00 00");
}

static void
test_put_max_chunk(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree guint8 *big = g_malloc0(WB_PUT_BYTES_MAX_CHUNK + 1);
	g_autoptr(GBytes) max = g_bytes_new(big, WB_PUT_BYTES_MAX_CHUNK);
	g_autoptr(GBytes) over = g_bytes_new(big, WB_PUT_BYTES_MAX_CHUNK + 1);
	WbPutBytesMessage enc = {.command = WB_PUT_BYTES_PUT, .token = 1, .data = max};
	g_auto(WbPutBytesMessage) msg = {0};

	g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
	g_assert_cmpuint(out->len, ==, 9 + WB_PUT_BYTES_MAX_CHUNK);
	g_assert_true(wb_put_bytes_message_decode(out->data, out->len, &msg, NULL));
	g_assert_cmpuint(g_bytes_get_size(msg.data), ==, WB_PUT_BYTES_MAX_CHUNK);

	g_byte_array_set_size(out, 0);
	enc.data = over;
	g_assert_false(wb_put_bytes_message_encode(&enc, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_assert_cmpuint(out->len, ==, 0);

	/* a length field over 2044 is refused before looking for the data */
	assert_decode_fails("02 00 00 00 01 00 00 07 fd", WB_PROTO_ERROR_TOO_LONG);
}

static void
test_put_length_mismatch(void)
{
	/* more announced than present */
	assert_decode_fails("02 12 34 56 78 00 00 00 04 aa bb cc", WB_PROTO_ERROR_TRUNCATED);
	/* less announced than present */
	assert_decode_fails("02 12 34 56 78 00 00 00 02 aa bb cc", WB_PROTO_ERROR_TRAILING_DATA);
}

static void
test_golden_commit_abort_install(void)
{
	const struct {
		const gchar *hex;
		WbPutBytesCommand command;
	} v[] = {
		{COMMIT, WB_PUT_BYTES_COMMIT},
		{ABORT, WB_PUT_BYTES_ABORT},
		{INSTALL, WB_PUT_BYTES_INSTALL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_auto(WbPutBytesMessage) msg = {0};
		WbPutBytesMessage enc = {
			.command = v[i].command,
			.token = 0x12345678,
			.crc = v[i].command == WB_PUT_BYTES_COMMIT ? 0xdeadbeef : 0,
		};

		g_assert_true(wb_put_bytes_message_decode(in->data, in->len, &msg, NULL));
		g_assert_cmpint(msg.command, ==, v[i].command);
		g_assert_cmpuint(msg.token, ==, 0x12345678);
		if (v[i].command == WB_PUT_BYTES_COMMIT)
			g_assert_cmpuint(msg.crc, ==, 0xdeadbeef);
		g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
		wb_assert_hex(out->data, out->len, v[i].hex);
		check_prefixes(v[i].hex, in->len);
	}
}

static void
test_bad_values(void)
{
	/* unknown commands */
	assert_decode_fails("00 12 34 56 78", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("06 12 34 56 78", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("ff", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("", WB_PROTO_ERROR_TRUNCATED);
	/* object types 0 and 8, with and without the cookie bit */
	assert_decode_fails("01 00 00 10 00 00 00", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_fails("01 00 00 10 00 08 00", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_fails("01 00 00 10 00 80 00 00 00 07", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_fails("01 00 00 10 00 ff 00 00 00 07", WB_PROTO_ERROR_BAD_VALUE);
	/* File without a filename, with an empty one, with an unterminated one */
	assert_decode_fails("01 00 00 30 00 06 00", WB_PROTO_ERROR_TRUNCATED);
	assert_decode_fails("01 00 00 30 00 06 00 00", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_fails("01 00 00 30 00 06 00 6c 61 6e 67", WB_PROTO_ERROR_TRUNCATED);
}

static void
test_filename_bound(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *name = g_strnfill(WB_PUT_BYTES_FILENAME_MAX, 'a');
	g_autofree gchar *too_long = g_strnfill(WB_PUT_BYTES_FILENAME_MAX + 1, 'a');
	WbPutBytesMessage enc = {
		.command = WB_PUT_BYTES_INIT,
		.object_size = 1,
		.object_type = WB_PUT_BYTES_OBJECT_FILE,
		.filename = name,
	};
	g_auto(WbPutBytesMessage) msg = {0};

	g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
	g_assert_true(wb_put_bytes_message_decode(out->data, out->len, &msg, NULL));
	g_assert_cmpstr(msg.filename, ==, name);

	/* one byte more: the encoder refuses, and so does the decoder (terminated or not) */
	g_byte_array_set_size(out, 0);
	enc.filename = too_long;
	g_assert_false(wb_put_bytes_message_encode(&enc, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_assert_cmpuint(out->len, ==, 0);
	g_clear_error(&error);

	for (guint terminated = 0; terminated < 2; terminated++) {
		g_auto(WbPutBytesMessage) m = {0};
		g_autoptr(GByteArray) in = wb_test_hex("01 00 00 00 01 06 00");
		g_byte_array_append(in, (const guint8 *)too_long,
				    (guint)strlen(too_long) + terminated);
		g_assert_false(wb_put_bytes_message_decode(in->data, in->len, &m, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
		g_clear_error(&error);
	}

	/* a File needs a name when it has no cookie */
	enc.filename = NULL;
	g_assert_false(wb_put_bytes_message_encode(&enc, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_assert_cmpuint(out->len, ==, 0);
	g_clear_error(&error);

	/* … but not with one: the cookie is the target */
	enc.has_cookie = TRUE;
	enc.cookie = 3;
	g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
	wb_assert_hex(out->data, out->len, "01 00 00 00 01 86 00 00 00 03");
}

static void
test_encode_errors_leave_buffer(void)
{
	g_autoptr(GByteArray) out = wb_test_hex("ee");
	g_autoptr(GError) error = NULL;
	WbPutBytesMessage bad_type = {.command = WB_PUT_BYTES_INIT, .object_type = 9};
	WbPutBytesMessage bad_cmd = {.command = 0x42};
	WbPutBytesResponse bad_resp = {.result = 3};

	g_assert_false(wb_put_bytes_message_encode(&bad_type, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	g_assert_false(wb_put_bytes_message_encode(&bad_cmd, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	g_clear_error(&error);
	g_assert_false(wb_put_bytes_response_encode(&bad_resp, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "ee");
}

static void
test_golden_response(void)
{
	/* golden: FW put_bytes.c prv_send_response() {u8 code, htonl(token)}; libpebble2
	 * protocol/transfers.py PutBytesResponse */
	const struct {
		const gchar *hex;
		WbPutBytesResult result;
		guint32 token;
	} v[] = {
		{"01 12 34 56 78", WB_PUT_BYTES_ACK, 0x12345678},
		{"02 00 00 00 00", WB_PUT_BYTES_NACK, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
		g_autoptr(GByteArray) in = wb_test_hex(v[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbPutBytesResponse resp;
		WbPutBytesResponse enc = {.result = v[i].result, .token = v[i].token};

		g_assert_true(wb_put_bytes_response_decode(in->data, in->len, &resp, NULL));
		g_assert_cmpint(resp.result, ==, v[i].result);
		g_assert_cmpuint(resp.token, ==, v[i].token);
		g_assert_true(wb_put_bytes_response_encode(&enc, out, NULL));
		wb_assert_hex(out->data, out->len, v[i].hex);
		for (gsize n = 0; n < in->len; n++) {
			g_autoptr(GError) error = NULL;
			g_autofree guint8 *copy = g_memdup2(in->data, n);
			g_assert_false(wb_put_bytes_response_decode(copy, n, &resp, &error));
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		}
	}
	{
		g_autoptr(GByteArray) in = wb_test_hex("03 00 00 00 01");
		g_autoptr(GError) error = NULL;
		WbPutBytesResponse resp;
		g_assert_false(wb_put_bytes_response_decode(in->data, in->len, &resp, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	}
	{
		g_autoptr(GByteArray) in = wb_test_hex("01 00 00 00 01 00");
		g_autoptr(GError) error = NULL;
		WbPutBytesResponse resp;
		g_assert_false(wb_put_bytes_response_decode(in->data, in->len, &resp, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA);
	}
}

static void
test_random_roundtrip(void)
{
	guint64 seed = 0xbeef;

	for (guint i = 0; i < 2000; i++) {
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GByteArray) out2 = g_byte_array_new();
		g_autofree gchar *name = NULL;
		g_autoptr(GBytes) data = NULL;
		g_auto(WbPutBytesMessage) msg = {0};
		WbPutBytesMessage enc = {0};
		guint8 chunk[64];

		enc.command = (WbPutBytesCommand)(1 + wb_test_rand_next(&seed) % 5);
		enc.token = wb_test_rand_next(&seed);
		enc.object_size = wb_test_rand_next(&seed);
		enc.object_type = (WbPutBytesObjectType)(1 + wb_test_rand_next(&seed) % 7);
		enc.has_cookie = wb_test_rand_next(&seed) % 2;
		enc.cookie = wb_test_rand_next(&seed);
		enc.bank = (guint8)wb_test_rand_next(&seed);
		enc.has_resume = wb_test_rand_next(&seed) % 2;
		enc.append_offset = wb_test_rand_next(&seed);
		enc.crc = wb_test_rand_next(&seed);
		name = g_strnfill(1 + wb_test_rand_next(&seed) % 40, 'f');
		enc.filename = name;
		for (guint j = 0; j < sizeof(chunk); j++)
			chunk[j] = (guint8)wb_test_rand_next(&seed);
		data = g_bytes_new(chunk, wb_test_rand_next(&seed) % sizeof(chunk));
		enc.data = data;

		g_assert_true(wb_put_bytes_message_encode(&enc, out, NULL));
		g_assert_true(wb_put_bytes_message_decode(out->data, out->len, &msg, NULL));
		g_assert_cmpint(msg.command, ==, enc.command);
		switch (enc.command) {
		case WB_PUT_BYTES_INIT:
			g_assert_cmpuint(msg.object_size, ==, enc.object_size);
			g_assert_cmpint(msg.object_type, ==, enc.object_type);
			g_assert_cmpint(msg.has_cookie, ==, enc.has_cookie);
			if (enc.has_cookie)
				g_assert_cmpuint(msg.cookie, ==, enc.cookie);
			else
				g_assert_cmpuint(msg.bank, ==, enc.bank);
			g_assert_cmpint(msg.has_resume, ==, enc.has_resume);
			if (enc.has_resume)
				g_assert_cmpuint(msg.append_offset, ==, enc.append_offset);
			if (!enc.has_cookie && enc.object_type == WB_PUT_BYTES_OBJECT_FILE)
				g_assert_cmpstr(msg.filename, ==, name);
			else
				g_assert_null(msg.filename);
			break;
		case WB_PUT_BYTES_PUT:
			g_assert_true(g_bytes_equal(msg.data, data));
			/* fall through */
		case WB_PUT_BYTES_COMMIT:
		case WB_PUT_BYTES_ABORT:
		case WB_PUT_BYTES_INSTALL:
			g_assert_cmpuint(msg.token, ==, enc.token);
			if (enc.command == WB_PUT_BYTES_COMMIT)
				g_assert_cmpuint(msg.crc, ==, enc.crc);
			break;
		}
		g_assert_true(wb_put_bytes_message_encode(&msg, out2, NULL));
		g_assert_cmpmem(out2->data, out2->len, out->data, out->len);
	}
}

static void
test_clear(void)
{
	g_auto(WbPutBytesMessage) msg = {0};

	/* clear accepts a zeroed struct, twice */
	wb_put_bytes_message_clear(&msg);
	msg.filename = g_strdup("x");
	msg.data = g_bytes_new("ab", 2);
	wb_put_bytes_message_clear(&msg);
	g_assert_null(msg.filename);
	g_assert_null(msg.data);
	g_assert_cmpstr(wb_put_bytes_object_type_to_string(WB_PUT_BYTES_OBJECT_FILE), ==, "file");
	g_assert_cmpstr(wb_put_bytes_object_type_to_string(0), ==, "unknown");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/putbytes/golden-init-app", test_golden_init_app);
	g_test_add_func("/wearbridge/putbytes/golden-init-parts", test_golden_init_parts);
	g_test_add_func("/wearbridge/putbytes/golden-init-resume", test_golden_init_resume);
	g_test_add_func("/wearbridge/putbytes/golden-init-file", test_golden_init_file);
	g_test_add_func("/wearbridge/putbytes/init-tolerated-tail", test_init_tolerated_tail);
	g_test_add_func("/wearbridge/putbytes/golden-put", test_golden_put);
	g_test_add_func("/wearbridge/putbytes/put-max-chunk", test_put_max_chunk);
	g_test_add_func("/wearbridge/putbytes/put-length-mismatch", test_put_length_mismatch);
	g_test_add_func("/wearbridge/putbytes/golden-commit-abort-install",
			test_golden_commit_abort_install);
	g_test_add_func("/wearbridge/putbytes/bad-values", test_bad_values);
	g_test_add_func("/wearbridge/putbytes/filename-bound", test_filename_bound);
	g_test_add_func("/wearbridge/putbytes/encode-errors-leave-buffer",
			test_encode_errors_leave_buffer);
	g_test_add_func("/wearbridge/putbytes/golden-response", test_golden_response);
	g_test_add_func("/wearbridge/putbytes/random-roundtrip", test_random_roundtrip);
	g_test_add_func("/wearbridge/putbytes/clear", test_clear);
	return g_test_run();
}
