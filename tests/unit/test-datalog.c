/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-crc.h"
#include "wb-datalog.h"
#include "wb-frame.h"
#include "wb-test-util.h"

/*
 * Golden vectors, written by hand from reference §6.1–6.3. Layout per FW
 * services/normal/data_logging/dls_endpoint.c and dls_private.h (packed little-endian structs);
 * bytes as LP2 protocol/data_logging.py (endianness '<') builds them.
 */
typedef struct {
	const gchar *name;
	const gchar *hex;
	/* every shorter prefix must fail; longer prefixes of a variable tail may succeed */
	gsize min_len;
} Golden;

static const Golden goldens[] = {
	/* OpenSession: id 5, system uuid, timestamp 0x5f5e1000, tag 81 (minute data), byte
	 * array, item_size 249 (a v13 minute record) */
	{"open-system", "01 05 00000000 00000000 00000000 00000000 00105e5f 51000000 00 f900", 29},
	/* OpenSession: id 0x2a, app uuid 12345678-9abc-def0-1122-334455667788, tag 0xdeadbeef,
	 * unsigned int, item_size 4 */
	{"open-app-uint", "01 2a 12345678 9abcdef0 11223344 55667788 01000000 efbeadde 02 0400",
	 29},
	/* SendData: id 5, items_left 0x0000ffff (firmware constant), crc of "12345" = 0xec5baa37
	 * (FW test_legacy_checksum vector), data "12345" */
	{"send-data", "02 05 ffff0000 37aa5bec 3132333435", 11},
	{"close", "03 05", 2},
	{"timeout", "07 05", 2},
	{"send-enable-response", "0a 01", 2},
	{"report-three", "84 01 02 05", 1},
	{"report-empty", "84", 1},
	{"ack", "85 05", 2},
	{"nack", "86 05", 2},
	{"empty-session", "88 05", 2},
	{"get-send-enable", "89", 1},
	{"set-send-enable-off", "8b 00", 2},
};

static void
decode_hex(const gchar *hex, WbDatalogMessage *out)
{
	g_autoptr(GByteArray) b = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_datalog_decode(b->data, b->len, out, &error));
	g_assert_no_error(error);
}

static void
assert_encodes_to(const WbDatalogMessage *m, const gchar *hex)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_datalog_encode(m, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, hex);
}

static void
assert_decode_fails(const gchar *hex, WbProtoError code)
{
	g_autoptr(GByteArray) b = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;
	WbDatalogMessage m;

	memset(&m, 0xa5, sizeof(m));
	g_assert_false(wb_datalog_decode(b->data, b->len, &m, &error));
	g_assert_error(error, WB_PROTO_ERROR, (gint)code);
	/* the output is left zeroed */
	g_assert_cmpint(m.command, ==, 0);
	g_assert_null(m.send.data);
	g_assert_null(m.session_ids);
}

static void
assert_encode_fails(const WbDatalogMessage *m, WbProtoError code)
{
	g_autoptr(GByteArray) out = wb_test_hex("aa bb");
	g_autoptr(GError) error = NULL;

	g_assert_false(wb_datalog_encode(m, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, (gint)code);
	wb_assert_hex(out->data, out->len, "aa bb");
}

static gboolean
bytes_equal0(GBytes *a, GBytes *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return g_bytes_equal(a, b);
}

static void
assert_messages_equal(const WbDatalogMessage *a, const WbDatalogMessage *b)
{
	g_assert_cmpint(a->command, ==, b->command);
	g_assert_cmpuint(a->session_id, ==, b->session_id);
	g_assert_true(wb_uuid_equal(&a->open.app_uuid, &b->open.app_uuid));
	g_assert_cmpuint(a->open.timestamp, ==, b->open.timestamp);
	g_assert_cmpuint(a->open.tag, ==, b->open.tag);
	g_assert_cmpint(a->open.item_type, ==, b->open.item_type);
	g_assert_cmpuint(a->open.item_size, ==, b->open.item_size);
	g_assert_cmpuint(a->send.items_left, ==, b->send.items_left);
	g_assert_cmphex(a->send.crc, ==, b->send.crc);
	g_assert_true(bytes_equal0(a->send.data, b->send.data));
	g_assert_cmpint(a->enabled, ==, b->enabled);
	g_assert_true(bytes_equal0(a->session_ids, b->session_ids));
}

static void
test_datalog_open_session(void)
{
	g_auto(WbDatalogMessage) m = {0};
	g_auto(WbDatalogMessage) app = {0};
	g_autofree gchar *uuid = NULL;

	decode_hex(goldens[0].hex, &m);
	g_assert_cmpint(m.command, ==, WB_DATALOG_CMD_OPEN_SESSION);
	g_assert_cmpuint(m.session_id, ==, 5);
	g_assert_true(wb_uuid_is_zero(&m.open.app_uuid));
	g_assert_cmphex(m.open.timestamp, ==, 0x5f5e1000u);
	g_assert_cmpuint(m.open.tag, ==, 81);
	g_assert_cmpint(m.open.item_type, ==, WB_DATALOG_ITEM_BYTE_ARRAY);
	g_assert_cmpuint(m.open.item_size, ==, 249);
	assert_encodes_to(&m, goldens[0].hex);

	decode_hex(goldens[1].hex, &app);
	uuid = wb_uuid_to_string(&app.open.app_uuid);
	g_assert_cmpstr(uuid, ==, "12345678-9abc-def0-1122-334455667788");
	g_assert_cmpuint(app.session_id, ==, 0x2a);
	g_assert_cmpuint(app.open.timestamp, ==, 1);
	g_assert_cmphex(app.open.tag, ==, 0xdeadbeefu);
	g_assert_cmpint(app.open.item_type, ==, WB_DATALOG_ITEM_UINT);
	g_assert_cmpuint(app.open.item_size, ==, 4);
	assert_encodes_to(&app, goldens[1].hex);
}

static void
test_datalog_send_data(void)
{
	g_auto(WbDatalogMessage) m = {0};
	g_auto(WbDatalogMessage) built = {0};
	g_autoptr(GError) error = NULL;
	gsize n = 0;
	const guint8 *p;

	decode_hex(goldens[2].hex, &m);
	g_assert_cmpint(m.command, ==, WB_DATALOG_CMD_SEND_DATA);
	g_assert_cmpuint(m.session_id, ==, 5);
	g_assert_cmphex(m.send.items_left, ==, WB_DATALOG_ITEMS_LEFT_UNKNOWN);
	g_assert_cmphex(m.send.crc, ==, 0xec5baa37u);
	p = g_bytes_get_data(m.send.data, &n);
	g_assert_cmpmem(p, n, "12345", 5);
	g_assert_true(wb_datalog_send_data_check_crc(&m.send, &error));
	g_assert_no_error(error);
	assert_encodes_to(&m, goldens[2].hex);

	/* the simulated watch builds it the way the firmware does */
	built.command = WB_DATALOG_CMD_SEND_DATA;
	built.session_id = 5;
	built.send.items_left = WB_DATALOG_ITEMS_LEFT_UNKNOWN;
	built.send.data = g_bytes_new_static("12345", 5);
	built.send.crc = wb_crc_stm32((const guint8 *)"12345", 5);
	assert_encodes_to(&built, goldens[2].hex);
}

static void
test_datalog_send_data_bad_crc(void)
{
	g_auto(WbDatalogMessage) m = {0};
	g_autoptr(GError) error = NULL;
	WbDatalogSendData none = {0};

	/* one data bit flipped: the message decodes, the checksum check fails */
	decode_hex("02 05 ffff0000 37aa5bec 3132333436", &m);
	g_assert_false(wb_datalog_send_data_check_crc(&m.send, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_CHECKSUM);
	g_clear_error(&error);

	/* a NULL data is the empty checksum */
	none.crc = WB_CRC_STM32_INIT;
	g_assert_true(wb_datalog_send_data_check_crc(&none, &error));
	g_assert_no_error(error);
}

static void
test_datalog_short_messages(void)
{
	struct {
		const gchar *hex;
		WbDatalogCommand command;
		guint8 session_id;
		gboolean enabled;
	} cases[] = {
		{"03 05", WB_DATALOG_CMD_CLOSE_SESSION, 5, FALSE},
		{"07 05", WB_DATALOG_CMD_TIMEOUT, 5, FALSE},
		{"0a 01", WB_DATALOG_CMD_SEND_ENABLE_RESPONSE, 0, TRUE},
		{"0a 00", WB_DATALOG_CMD_SEND_ENABLE_RESPONSE, 0, FALSE},
		{"85 05", WB_DATALOG_CMD_ACK, 5, FALSE},
		{"86 ff", WB_DATALOG_CMD_NACK, 255, FALSE},
		{"88 05", WB_DATALOG_CMD_EMPTY_SESSION, 5, FALSE},
		{"89", WB_DATALOG_CMD_GET_SEND_ENABLE, 0, FALSE},
		{"8b 00", WB_DATALOG_CMD_SET_SEND_ENABLE, 0, FALSE},
		{"8b 01", WB_DATALOG_CMD_SET_SEND_ENABLE, 0, TRUE},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_auto(WbDatalogMessage) m = {0};

		decode_hex(cases[i].hex, &m);
		g_assert_cmpint(m.command, ==, cases[i].command);
		g_assert_cmpuint(m.session_id, ==, cases[i].session_id);
		g_assert_cmpint(m.enabled, ==, cases[i].enabled);
		g_assert_null(m.send.data);
		g_assert_null(m.session_ids);
		assert_encodes_to(&m, cases[i].hex);
	}
}

static void
test_datalog_report(void)
{
	g_auto(WbDatalogMessage) m = {0};
	g_auto(WbDatalogMessage) empty = {0};
	WbDatalogMessage null_ids = {.command = WB_DATALOG_CMD_REPORT_OPEN_SESSIONS};
	const guint8 *p;
	gsize n = 0;

	decode_hex("84 01 02 05", &m);
	g_assert_cmpint(m.command, ==, WB_DATALOG_CMD_REPORT_OPEN_SESSIONS);
	p = g_bytes_get_data(m.session_ids, &n);
	g_assert_cmpmem(p, n, "\x01\x02\x05", 3);
	assert_encodes_to(&m, "84 01 02 05");

	/* LP3 sends an empty report right after connecting (§6.4) */
	decode_hex("84", &empty);
	g_assert_nonnull(empty.session_ids);
	g_assert_cmpuint(g_bytes_get_size(empty.session_ids), ==, 0);
	assert_encodes_to(&empty, "84");
	assert_encodes_to(&null_ids, "84");
}

/* Every prefix shorter than the fixed part fails cleanly; longer ones never crash. */
static void
test_datalog_truncations(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(goldens); i++) {
		g_autoptr(GByteArray) b = wb_test_hex(goldens[i].hex);

		for (gsize n = 0; n <= b->len; n++) {
			g_autofree guint8 *copy = g_memdup2(b->data, n);
			g_auto(WbDatalogMessage) m = {0};
			g_autoptr(GError) error = NULL;
			gboolean ok = wb_datalog_decode(copy, n, &m, &error);

			if (n < goldens[i].min_len) {
				g_assert_false(ok);
				g_assert_nonnull(error);
				g_assert_true(error->domain == WB_PROTO_ERROR);
				/* SendData at exactly its header is "no data", else truncated */
				if (!(n == 10 && b->data[0] == WB_DATALOG_CMD_SEND_DATA))
					g_assert_error(error, WB_PROTO_ERROR,
						       WB_PROTO_ERROR_TRUNCATED);
				g_assert_cmpint(m.command, ==, 0);
			} else {
				g_assert_true(ok);
				g_assert_no_error(error);
			}
		}
	}
}

/* Extra bytes after a fixed layout are ignored, as the firmware and phone parsers do. */
static void
test_datalog_trailing_ignored(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(goldens); i++) {
		g_autoptr(GByteArray) b = wb_test_hex(goldens[i].hex);
		g_auto(WbDatalogMessage) m = {0};
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		guint8 cmd = b->data[0];

		if (cmd == WB_DATALOG_CMD_SEND_DATA || cmd == WB_DATALOG_CMD_REPORT_OPEN_SESSIONS)
			continue; /* their last field takes the rest */
		g_byte_array_append(b, (const guint8 *)"\x00\xee", 2);
		g_assert_true(wb_datalog_decode(b->data, b->len, &m, &error));
		g_assert_no_error(error);
		g_assert_true(wb_datalog_encode(&m, out, &error));
		/* re-encoding gives the canonical message without the extra bytes */
		g_assert_cmpuint(out->len, ==, b->len - 2);
		g_assert_cmpmem(out->data, out->len, b->data, b->len - 2);
	}
}

static void
test_datalog_bad_values(void)
{
	/* unknown commands, including a watch command with bit 7 and a phone one without */
	assert_decode_fails("", WB_PROTO_ERROR_TRUNCATED);
	assert_decode_fails("00", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("04 05", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("05 05", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("81 05", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("87 05", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("8a 01", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_fails("ff", WB_PROTO_ERROR_UNKNOWN_TYPE);

	/* item type 1 is unused; 4 does not exist */
	assert_decode_fails("01 05 00000000000000000000000000000000 00000000 51000000 01 0100",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_fails("01 05 00000000000000000000000000000000 00000000 51000000 04 0100",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* integers are 1, 2 or 4 bytes */
	assert_decode_fails("01 05 00000000000000000000000000000000 00000000 51000000 02 0300",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_fails("01 05 00000000000000000000000000000000 00000000 51000000 03 0800",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_fails("01 05 00000000000000000000000000000000 00000000 51000000 03 0000",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* a byte array item can't be empty */
	assert_decode_fails("01 05 00000000000000000000000000000000 00000000 51000000 00 0000",
			    WB_PROTO_ERROR_BAD_VALUE);

	/* booleans are 0 or 1 */
	assert_decode_fails("0a 02", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_fails("8b ff", WB_PROTO_ERROR_BAD_VALUE);

	/* SendData without data */
	assert_decode_fails("02 05 ffff0000 ffffffff", WB_PROTO_ERROR_BAD_VALUE);
}

static void
test_datalog_send_data_limit(void)
{
	g_autoptr(GByteArray) b = wb_test_hex("02 05 ffff0000 00000000");
	g_autoptr(GError) error = NULL;
	g_auto(WbDatalogMessage) m = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();

	g_byte_array_set_size(b, 10 + WB_DATALOG_MAX_DATA_LEN);
	memset(b->data + 10, 0x5a, WB_DATALOG_MAX_DATA_LEN);
	g_assert_true(wb_datalog_decode(b->data, b->len, &m, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(g_bytes_get_size(m.send.data), ==, WB_DATALOG_MAX_DATA_LEN);
	g_assert_true(wb_datalog_encode(&m, out, &error));
	g_assert_cmpmem(out->data, out->len, b->data, b->len);
	wb_datalog_message_clear(&m);

	g_byte_array_append(b, (const guint8 *)"\x5a", 1);
	g_assert_false(wb_datalog_decode(b->data, b->len, &m, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_assert_null(m.send.data);
}

static void
test_datalog_encode_errors(void)
{
	WbDatalogMessage m = {0};
	g_autofree guint8 *big = g_malloc0(WB_FRAME_MAX_WATCH_INBOUND);

	m.command = WB_DATALOG_CMD_OPEN_SESSION;
	m.open.item_type = WB_DATALOG_ITEM_INT;
	m.open.item_size = 3;
	assert_encode_fails(&m, WB_PROTO_ERROR_BAD_VALUE);
	m.open.item_type = (WbDatalogItemType)1;
	m.open.item_size = 1;
	assert_encode_fails(&m, WB_PROTO_ERROR_BAD_VALUE);
	m.open.item_type = WB_DATALOG_ITEM_BYTE_ARRAY;
	m.open.item_size = 0;
	assert_encode_fails(&m, WB_PROTO_ERROR_BAD_VALUE);

	memset(&m, 0, sizeof(m));
	m.command = WB_DATALOG_CMD_SEND_DATA;
	assert_encode_fails(&m, WB_PROTO_ERROR_BAD_VALUE); /* no data */
	m.send.data = g_bytes_new_static(big, WB_DATALOG_MAX_DATA_LEN + 1);
	assert_encode_fails(&m, WB_PROTO_ERROR_TOO_LONG);
	g_clear_pointer(&m.send.data, g_bytes_unref);

	memset(&m, 0, sizeof(m));
	m.command = WB_DATALOG_CMD_REPORT_OPEN_SESSIONS;
	m.session_ids = g_bytes_new_static(big, WB_FRAME_MAX_WATCH_INBOUND);
	assert_encode_fails(&m, WB_PROTO_ERROR_TOO_LONG);
	g_clear_pointer(&m.session_ids, g_bytes_unref);

	memset(&m, 0, sizeof(m));
	m.command = (WbDatalogCommand)0x04;
	assert_encode_fails(&m, WB_PROTO_ERROR_UNKNOWN_TYPE);
}

static void
test_datalog_check_items(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_datalog_check_items(249, 249, &error));
	g_assert_true(wb_datalog_check_items(498, 249, &error));
	g_assert_true(wb_datalog_check_items(4, 1, &error));
	g_assert_no_error(error);

	g_assert_false(wb_datalog_check_items(250, 249, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	g_assert_false(wb_datalog_check_items(0, 249, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	g_assert_false(wb_datalog_check_items(10, 0, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
}

static void
test_datalog_direction(void)
{
	static const WbDatalogCommand from_watch[] = {
		WB_DATALOG_CMD_OPEN_SESSION,         WB_DATALOG_CMD_SEND_DATA,
		WB_DATALOG_CMD_CLOSE_SESSION,        WB_DATALOG_CMD_TIMEOUT,
		WB_DATALOG_CMD_SEND_ENABLE_RESPONSE,
	};
	static const WbDatalogCommand from_phone[] = {
		WB_DATALOG_CMD_REPORT_OPEN_SESSIONS,
		WB_DATALOG_CMD_ACK,
		WB_DATALOG_CMD_NACK,
		WB_DATALOG_CMD_EMPTY_SESSION,
		WB_DATALOG_CMD_GET_SEND_ENABLE,
		WB_DATALOG_CMD_SET_SEND_ENABLE,
	};

	for (gsize i = 0; i < G_N_ELEMENTS(from_watch); i++) {
		g_assert_false(wb_datalog_command_is_from_phone(from_watch[i]));
		g_assert_cmpstr(wb_datalog_command_to_string(from_watch[i]), !=, "unknown");
	}
	for (gsize i = 0; i < G_N_ELEMENTS(from_phone); i++) {
		g_assert_true(wb_datalog_command_is_from_phone(from_phone[i]));
		g_assert_cmpstr(wb_datalog_command_to_string(from_phone[i]), !=, "unknown");
	}
	g_assert_cmpstr(wb_datalog_command_to_string(WB_DATALOG_CMD_ACK), ==, "ack");
	g_assert_cmpstr(wb_datalog_command_to_string((WbDatalogCommand)0x42), ==, "unknown");
}

/* Random valid messages of every command survive encode → decode → encode unchanged. */
static void
test_datalog_round_trip(void)
{
	static const WbDatalogCommand commands[] = {
		WB_DATALOG_CMD_OPEN_SESSION,
		WB_DATALOG_CMD_SEND_DATA,
		WB_DATALOG_CMD_CLOSE_SESSION,
		WB_DATALOG_CMD_TIMEOUT,
		WB_DATALOG_CMD_SEND_ENABLE_RESPONSE,
		WB_DATALOG_CMD_REPORT_OPEN_SESSIONS,
		WB_DATALOG_CMD_ACK,
		WB_DATALOG_CMD_NACK,
		WB_DATALOG_CMD_EMPTY_SESSION,
		WB_DATALOG_CMD_GET_SEND_ENABLE,
		WB_DATALOG_CMD_SET_SEND_ENABLE,
	};
	static const guint16 int_sizes[] = {1, 2, 4};
	guint64 seed = 1;

	for (guint round = 0; round < 2000; round++) {
		g_auto(WbDatalogMessage) m = {0};
		g_auto(WbDatalogMessage) back = {0};
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GByteArray) again = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		guint8 buf[WB_DATALOG_MAX_DATA_LEN];
		gsize n;

		m.command = commands[wb_test_rand_next(&seed) % G_N_ELEMENTS(commands)];
		switch (m.command) {
		case WB_DATALOG_CMD_OPEN_SESSION:
			m.session_id = (guint8)wb_test_rand_next(&seed);
			for (gsize i = 0; i < 16; i++)
				m.open.app_uuid.b[i] = (guint8)wb_test_rand_next(&seed);
			m.open.timestamp = wb_test_rand_next(&seed);
			m.open.tag = wb_test_rand_next(&seed);
			switch (wb_test_rand_next(&seed) % 3) {
			case 0:
				m.open.item_type = WB_DATALOG_ITEM_BYTE_ARRAY;
				m.open.item_size = (guint16)(1 + wb_test_rand_next(&seed) % 646);
				break;
			case 1:
				m.open.item_type = WB_DATALOG_ITEM_UINT;
				m.open.item_size = int_sizes[wb_test_rand_next(&seed) % 3];
				break;
			default:
				m.open.item_type = WB_DATALOG_ITEM_INT;
				m.open.item_size = int_sizes[wb_test_rand_next(&seed) % 3];
				break;
			}
			break;
		case WB_DATALOG_CMD_SEND_DATA:
			m.session_id = (guint8)wb_test_rand_next(&seed);
			n = 1 + wb_test_rand_next(&seed) % WB_DATALOG_MAX_DATA_LEN;
			for (gsize i = 0; i < n; i++)
				buf[i] = (guint8)wb_test_rand_next(&seed);
			m.send.items_left = wb_test_rand_next(&seed);
			m.send.crc = wb_crc_stm32(buf, n);
			m.send.data = g_bytes_new(buf, n);
			break;
		case WB_DATALOG_CMD_REPORT_OPEN_SESSIONS:
			n = wb_test_rand_next(&seed) % 40;
			for (gsize i = 0; i < n; i++)
				buf[i] = (guint8)wb_test_rand_next(&seed);
			m.session_ids = g_bytes_new(buf, n);
			break;
		case WB_DATALOG_CMD_SEND_ENABLE_RESPONSE:
		case WB_DATALOG_CMD_SET_SEND_ENABLE:
			m.enabled = wb_test_rand_next(&seed) % 2;
			break;
		case WB_DATALOG_CMD_GET_SEND_ENABLE:
			break;
		case WB_DATALOG_CMD_CLOSE_SESSION:
		case WB_DATALOG_CMD_TIMEOUT:
		case WB_DATALOG_CMD_ACK:
		case WB_DATALOG_CMD_NACK:
		case WB_DATALOG_CMD_EMPTY_SESSION:
			m.session_id = (guint8)wb_test_rand_next(&seed);
			break;
		}
		g_assert_true(wb_datalog_encode(&m, out, &error));
		g_assert_no_error(error);
		g_assert_true(wb_datalog_decode(out->data, out->len, &back, &error));
		g_assert_no_error(error);
		assert_messages_equal(&m, &back);
		g_assert_true(wb_datalog_encode(&back, again, &error));
		g_assert_cmpmem(out->data, out->len, again->data, again->len);
		if (m.command == WB_DATALOG_CMD_SEND_DATA)
			g_assert_true(wb_datalog_send_data_check_crc(&back.send, NULL));
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/datalog/open-session", test_datalog_open_session);
	g_test_add_func("/wearbridge/datalog/send-data", test_datalog_send_data);
	g_test_add_func("/wearbridge/datalog/send-data-bad-crc", test_datalog_send_data_bad_crc);
	g_test_add_func("/wearbridge/datalog/short-messages", test_datalog_short_messages);
	g_test_add_func("/wearbridge/datalog/report", test_datalog_report);
	g_test_add_func("/wearbridge/datalog/truncations", test_datalog_truncations);
	g_test_add_func("/wearbridge/datalog/trailing-ignored", test_datalog_trailing_ignored);
	g_test_add_func("/wearbridge/datalog/bad-values", test_datalog_bad_values);
	g_test_add_func("/wearbridge/datalog/send-data-limit", test_datalog_send_data_limit);
	g_test_add_func("/wearbridge/datalog/encode-errors", test_datalog_encode_errors);
	g_test_add_func("/wearbridge/datalog/check-items", test_datalog_check_items);
	g_test_add_func("/wearbridge/datalog/direction", test_datalog_direction);
	g_test_add_func("/wearbridge/datalog/round-trip", test_datalog_round_trip);
	return g_test_run();
}
