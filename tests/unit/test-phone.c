/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-phone.h"
#include "wb-test-util.h"

/* Cookie 0x12345678, written as the firmware reads it: a native (LE) u32 (FW phone_pp.c
 * get_call_info_from_msg; echoed unchanged by pp_answer_call / pp_decline_call). */
#define COOKIE     0x12345678u
#define COOKIE_HEX "78563412"

/* golden: Incoming call per FW phone_pp.c get_call_info_from_msg and LP2 protocol/phone.py
 * IncomingCall: cookie, Pascal number "+15551234567", Pascal name "Alice" */
#define INCOMING_BODY "04" COOKIE_HEX "0c 2b3135353531323334353637 05 416c696365"
static const gchar *incoming_hex = INCOMING_BODY;

/* golden: GetStateResponse per FW phone_protocol_msg_callback: no cookie after 0x83, then
 * `u8 len` + a call message per call (LP2 CallStateItem): the incoming call (24 bytes) and a
 * Start for it (5 bytes) */
static const gchar *state_hex = "83 18 " INCOMING_BODY " 05 08" COOKIE_HEX;

static gboolean
decode(const guint8 *buf, gsize len, GError **error)
{
	g_auto(WbPhoneMessage) msg = {0};
	return wb_phone_message_decode(buf, len, &msg, error);
}

static void
assert_decode_error(const gchar *hex, gint code)
{
	g_autoptr(GByteArray) buf = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;

	g_assert_false(decode(buf->data, buf->len, &error));
	g_assert_error(error, WB_PROTO_ERROR, code);
}

static void
assert_prefixes_fail(const gchar *hex)
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

static void
assert_encodes_to(const WbPhoneMessage *msg, const gchar *hex)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) again = g_byte_array_new();
	g_auto(WbPhoneMessage) back = {0};
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_phone_message_encode(msg, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, hex);
	g_assert_true(wb_phone_message_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_cmpint(back.command, ==, msg->command);
	g_assert_cmpuint(back.cookie, ==, msg->cookie);
	g_assert_true(wb_phone_message_encode(&back, again, &error));
	g_assert_cmpmem(out->data, out->len, again->data, again->len);
}

static void
test_cookie_goldens(void)
{
	/* golden: every cookie-only message, FW phone_pp.c PhoneCmd numbering */
	static const struct {
		WbPhoneCommand command;
		const gchar *hex;
	} cases[] = {
		{WB_PHONE_COMMAND_ANSWER, "01" COOKIE_HEX},
		{WB_PHONE_COMMAND_HANGUP, "02" COOKIE_HEX},
		{WB_PHONE_COMMAND_OUTGOING, "05" COOKIE_HEX},
		{WB_PHONE_COMMAND_MISSED, "06" COOKIE_HEX},
		{WB_PHONE_COMMAND_RING, "07" COOKIE_HEX},
		{WB_PHONE_COMMAND_START, "08" COOKIE_HEX},
		{WB_PHONE_COMMAND_END, "09" COOKIE_HEX},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		WbPhoneMessage msg = {.command = cases[i].command, .cookie = COOKIE};
		assert_encodes_to(&msg, cases[i].hex);
		assert_prefixes_fail(cases[i].hex);
	}
}

static void
test_get_state_golden(void)
{
	WbPhoneMessage msg = {.command = WB_PHONE_COMMAND_GET_STATE, .cookie = COOKIE};
	g_auto(WbPhoneMessage) back = {0};
	g_autoptr(GByteArray) lp2 = wb_test_hex("03" COOKIE_HEX);

	/* golden: FW pp_get_phone_state sends the command byte alone (the cookie is not sent) */
	g_assert_true(wb_phone_message_encode(&msg, lp2, NULL));
	wb_assert_hex(lp2->data, lp2->len, "03" COOKIE_HEX "03");
	/* LP2 puts a cookie after every command byte: accepted and ignored */
	g_assert_true(wb_phone_message_decode(lp2->data, 5, &back, NULL));
	g_assert_cmpint(back.command, ==, WB_PHONE_COMMAND_GET_STATE);
	g_assert_cmpuint(back.cookie, ==, 0);
}

static void
test_incoming_golden(void)
{
	g_auto(WbPhoneMessage) msg = {0};
	g_auto(WbPhoneMessage) back = {0};
	g_autoptr(GByteArray) in = wb_test_hex(incoming_hex);

	msg.command = WB_PHONE_COMMAND_INCOMING;
	msg.cookie = COOKIE;
	msg.number = g_strdup("+15551234567");
	msg.name = g_strdup("Alice");
	assert_encodes_to(&msg, incoming_hex);
	g_assert_true(wb_phone_message_decode(in->data, in->len, &back, NULL));
	g_assert_cmpstr(back.number, ==, "+15551234567");
	g_assert_cmpstr(back.name, ==, "Alice");
	assert_prefixes_fail(incoming_hex);

	/* missed call with number and name (LP2 MissedCall) */
	msg.command = WB_PHONE_COMMAND_MISSED;
	assert_encodes_to(&msg, "06" COOKIE_HEX "0c 2b3135353531323334353637 05 416c696365");
	/* NULL strings are written as empty on Incoming */
	g_clear_pointer(&msg.number, g_free);
	g_clear_pointer(&msg.name, g_free);
	msg.command = WB_PHONE_COMMAND_INCOMING;
	assert_encodes_to(&msg, "04" COOKIE_HEX "00 00");
}

static void
test_state_response_golden(void)
{
	g_auto(WbPhoneMessage) msg = {0};
	g_auto(WbPhoneMessage) back = {0};
	g_autoptr(GByteArray) in = wb_test_hex(state_hex);
	WbPhoneMessage *incoming;
	WbPhoneMessage *item;

	msg.command = WB_PHONE_COMMAND_STATE_RESPONSE;
	incoming = wb_phone_message_new(WB_PHONE_COMMAND_INCOMING, COOKIE);
	incoming->number = g_strdup("+15551234567");
	incoming->name = g_strdup("Alice");
	wb_phone_message_add_item(&msg, incoming);
	wb_phone_message_add_item(&msg, wb_phone_message_new(WB_PHONE_COMMAND_START, COOKIE));
	assert_encodes_to(&msg, state_hex);

	g_assert_true(wb_phone_message_decode(in->data, in->len, &back, NULL));
	g_assert_cmpint(back.command, ==, WB_PHONE_COMMAND_STATE_RESPONSE);
	g_assert_cmpuint(back.items->len, ==, 2);
	item = g_ptr_array_index(back.items, 0);
	g_assert_cmpint(item->command, ==, WB_PHONE_COMMAND_INCOMING);
	g_assert_cmpuint(item->cookie, ==, COOKIE);
	g_assert_cmpstr(item->name, ==, "Alice");
	item = g_ptr_array_index(back.items, 1);
	g_assert_cmpint(item->command, ==, WB_PHONE_COMMAND_START);

	/* golden: no call at all = the bare command byte (the watch closes its call UI) */
	wb_phone_message_clear(&msg);
	msg.command = WB_PHONE_COMMAND_STATE_RESPONSE;
	assert_encodes_to(&msg, "83");

	/* prefixes: every cut inside an item fails; the cut between the items is a valid
	 * one-item list */
	for (guint n = 0; n < in->len; n++) {
		g_autofree guint8 *copy = g_memdup2(in->data, n);
		g_auto(WbPhoneMessage) part = {0};
		g_autoptr(GError) error = NULL;
		gboolean ok = wb_phone_message_decode(copy, n, &part, &error);

		if (n == 1 || n == 26) {
			g_assert_true(ok);
			g_assert_cmpuint(part.items != NULL ? part.items->len : 0, ==,
					 n == 1 ? 0 : 1);
			continue;
		}
		g_assert_false(ok);
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}
}

static void
test_corrupted(void)
{
	assert_decode_error("00" COOKIE_HEX, WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error("0a" COOKIE_HEX, WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error("84", WB_PROTO_ERROR_UNKNOWN_TYPE);
	/* W→P Answer/Hangup are exact */
	assert_decode_error("01" COOKIE_HEX "00", WB_PROTO_ERROR_TRAILING_DATA);
	/* state items must be call messages, and not nested lists */
	assert_decode_error("83 05 01" COOKIE_HEX, WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("83 01 83", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("83 01 03", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("83 01 42", WB_PROTO_ERROR_UNKNOWN_TYPE);
	/* an item past the end, an empty item, a short item */
	assert_decode_error("83 06 08" COOKIE_HEX, WB_PROTO_ERROR_TRUNCATED);
	assert_decode_error("83 00", WB_PROTO_ERROR_TRUNCATED);
	assert_decode_error("83 03 08 7856", WB_PROTO_ERROR_TRUNCATED);
	/* Incoming whose name runs past the end */
	assert_decode_error("04" COOKIE_HEX "00 05 4142", WB_PROTO_ERROR_TRUNCATED);
	/* P→W messages: bytes the firmware does not read are ignored, also inside an item */
	{
		g_autoptr(GByteArray) a = wb_test_hex("08" COOKIE_HEX "ffff");
		g_autoptr(GByteArray) b = wb_test_hex("83 07 09" COOKIE_HEX "ffff");
		g_auto(WbPhoneMessage) msg = {0};

		g_assert_true(decode(a->data, a->len, NULL));
		g_assert_true(wb_phone_message_decode(b->data, b->len, &msg, NULL));
		g_assert_cmpuint(((WbPhoneMessage *)g_ptr_array_index(msg.items, 0))->cookie, ==,
				 COOKIE);
	}
}

static void
test_encode_refused(void)
{
	g_auto(WbPhoneMessage) msg = {0};
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;
	WbPhoneMessage *item;

	msg.command = 0x0a;
	g_assert_false(wb_phone_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);

	msg.command = WB_PHONE_COMMAND_INCOMING;
	msg.number = g_strnfill(256, '1');
	g_assert_false(wb_phone_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa");
	g_clear_error(&error);
	wb_phone_message_clear(&msg);

	/* an item of 1 + 4 + 2 × 201 bytes does not fit its length byte */
	msg.command = WB_PHONE_COMMAND_STATE_RESPONSE;
	wb_phone_message_add_item(&msg, wb_phone_message_new(WB_PHONE_COMMAND_START, 1));
	item = wb_phone_message_new(WB_PHONE_COMMAND_INCOMING, 2);
	item->number = g_strnfill(200, '1');
	item->name = g_strnfill(200, 'n');
	wb_phone_message_add_item(&msg, item);
	g_assert_false(wb_phone_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa");
	g_clear_error(&error);
	g_ptr_array_set_size(msg.items, 1);

	/* non-call items */
	wb_phone_message_add_item(&msg, wb_phone_message_new(WB_PHONE_COMMAND_ANSWER, 3));
	g_assert_false(wb_phone_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "aa");
	g_clear_error(&error);
	g_ptr_array_set_size(msg.items, 1);

	/* 409 five-byte items + 1 = 2455 bytes > 2044 */
	for (guint i = 0; i < 408; i++)
		wb_phone_message_add_item(&msg, wb_phone_message_new(WB_PHONE_COMMAND_END, i));
	g_assert_false(wb_phone_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa");
	g_clear_error(&error);
	/* and the decoder refuses a payload over 2044 too */
	g_ptr_array_set_size(msg.items, 340);
	g_assert_true(wb_phone_message_encode(&msg, out, &error));
	g_assert_cmpuint(out->len, ==, 1 + 1 + 340 * 6);
	g_assert_true(decode(out->data + 1, out->len - 1, NULL));
	g_byte_array_set_size(out, 2046);
	g_assert_false(decode(out->data + 1, 2045, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
}

static void
test_free(void)
{
	wb_phone_message_free(NULL);
	wb_phone_message_free(wb_phone_message_new(WB_PHONE_COMMAND_RING, 1));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/phone/cookie-goldens", test_cookie_goldens);
	g_test_add_func("/wearbridge/phone/get-state-golden", test_get_state_golden);
	g_test_add_func("/wearbridge/phone/incoming-golden", test_incoming_golden);
	g_test_add_func("/wearbridge/phone/state-response-golden", test_state_response_golden);
	g_test_add_func("/wearbridge/phone/corrupted", test_corrupted);
	g_test_add_func("/wearbridge/phone/encode-refused", test_encode_refused);
	g_test_add_func("/wearbridge/phone/free", test_free);
	return g_test_run();
}
