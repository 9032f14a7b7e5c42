/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-legacy-notification.h"
#include "wb-test-util.h"

/* golden: field order per LP2 protocol/legacy2.py LegacyNotification (source, sender, body,
 * timestamp, subject as Pascal strings), timestamp = epoch milliseconds as a decimal string as
 * LP2 services/notifications.py and RockWork notificationendpoint send it:
 * Email from "Alice", body "Lunch?", 1700000000000 ms, subject "Re: plans" */
static const gchar *email_hex = "00 05 416c696365 06 4c756e63683f"
				"0d 31373030303030303030303030"
				"09 52653a20706c616e73";
/* the same without the subject field (the Sailfish client sends subjects only for e-mail):
 * an SMS from "+15551234567", body "ok", timestamp "0" */
static const gchar *sms_hex = "01 0c 2b3135353531323334353637 02 6f6b 01 30";

typedef gboolean (*DecodeFunc)(const guint8 *buf, gsize len, GError **error);

static gboolean
decode(const guint8 *buf, gsize len, GError **error)
{
	g_auto(WbLegacyNotification) msg = {0};
	return wb_legacy_notification_decode(buf, len, &msg, error);
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
test_email_golden(void)
{
	g_auto(WbLegacyNotification) msg = {0};
	g_auto(WbLegacyNotification) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	msg.source = WB_LEGACY_NOTIFICATION_SOURCE_EMAIL;
	msg.sender = g_strdup("Alice");
	msg.body = g_strdup("Lunch?");
	msg.timestamp_ms = G_GUINT64_CONSTANT(1700000000000);
	msg.subject = g_strdup("Re: plans");
	g_assert_true(wb_legacy_notification_encode(&msg, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, email_hex);

	g_assert_true(wb_legacy_notification_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_cmpint(back.source, ==, WB_LEGACY_NOTIFICATION_SOURCE_EMAIL);
	g_assert_cmpstr(back.sender, ==, "Alice");
	g_assert_cmpstr(back.body, ==, "Lunch?");
	g_assert_cmpuint(back.timestamp_ms, ==, G_GUINT64_CONSTANT(1700000000000));
	g_assert_cmpstr(back.subject, ==, "Re: plans");
}

static void
test_sms_golden(void)
{
	g_auto(WbLegacyNotification) msg = {0};
	g_autoptr(GByteArray) in = wb_test_hex(sms_hex);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_legacy_notification_decode(in->data, in->len, &msg, &error));
	g_assert_no_error(error);
	g_assert_cmpint(msg.source, ==, WB_LEGACY_NOTIFICATION_SOURCE_SMS);
	g_assert_cmpstr(msg.sender, ==, "+15551234567");
	g_assert_cmpstr(msg.body, ==, "ok");
	g_assert_cmpuint(msg.timestamp_ms, ==, 0);
	g_assert_null(msg.subject);
	g_assert_true(wb_legacy_notification_encode(&msg, out, &error));
	wb_assert_hex(out->data, out->len, sms_hex);

	/* an empty subject is present, and kept */
	g_free(msg.subject);
	msg.subject = g_strdup("");
	g_byte_array_set_size(out, 0);
	g_assert_true(wb_legacy_notification_encode(&msg, out, &error));
	g_assert_cmpuint(out->len, ==, in->len + 1);
	wb_legacy_notification_clear(&msg);
	g_assert_true(wb_legacy_notification_decode(out->data, out->len, &msg, &error));
	g_assert_cmpstr(msg.subject, ==, "");
}

static void
test_sources(void)
{
	/* §3.12 / §14 #3: Facebook = 2, Twitter = 3 (LP2, RockWork, Sailfish) */
	g_auto(WbLegacyNotification) msg = {0};
	g_autoptr(GByteArray) fb = wb_test_hex("02 00 00 01 31");
	g_autoptr(GByteArray) tw = wb_test_hex("03 00 00 01 31");

	g_assert_true(wb_legacy_notification_decode(fb->data, fb->len, &msg, NULL));
	g_assert_cmpint(msg.source, ==, WB_LEGACY_NOTIFICATION_SOURCE_FACEBOOK);
	g_assert_cmpstr(msg.sender, ==, "");
	wb_legacy_notification_clear(&msg);
	g_assert_true(wb_legacy_notification_decode(tw->data, tw->len, &msg, NULL));
	g_assert_cmpint(msg.source, ==, WB_LEGACY_NOTIFICATION_SOURCE_TWITTER);
	g_assert_cmpuint(msg.timestamp_ms, ==, 1);
}

static void
test_truncations(void)
{
	g_autoptr(GByteArray) email = wb_test_hex(email_hex);
	g_autoptr(GByteArray) sms = wb_test_hex(sms_hex);
	/* the email without its subject is itself a valid message */
	const guint without_subject = email->len - 10;

	for (guint n = 0; n < email->len; n++) {
		g_autofree guint8 *copy = g_memdup2(email->data, n);
		g_autoptr(GError) error = NULL;
		g_auto(WbLegacyNotification) msg = {0};

		if (n == without_subject) {
			g_assert_true(wb_legacy_notification_decode(copy, n, &msg, &error));
			g_assert_null(msg.subject);
			continue;
		}
		g_assert_false(wb_legacy_notification_decode(copy, n, &msg, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		g_assert_null(msg.sender);
	}
	for (guint n = 0; n < sms->len; n++) {
		g_autofree guint8 *copy = g_memdup2(sms->data, n);
		g_autoptr(GError) error = NULL;

		g_assert_false(decode(copy, n, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}
}

static void
test_corrupted(void)
{
	assert_decode_error("04 00 00 01 31", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("ff 00 00 01 31", WB_PROTO_ERROR_BAD_VALUE);
	/* timestamp: empty, not decimal, signed, 21 digits, overflowing 64 bits */
	assert_decode_error("00 00 00 00", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("00 00 00 03 313261", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("00 00 00 02 2d31", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("00 00 00 02 2031", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("00 00 00 15 313131313131313131313131313131313131313131",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("00 00 00 14 3138343436373434303733373039353531363136",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* G_MAXUINT64 itself is fine */
	{
		g_auto(WbLegacyNotification) msg = {0};
		g_autoptr(GByteArray) max =
			wb_test_hex("00 00 00 14 3138343436373434303733373039353531363135");
		g_assert_true(wb_legacy_notification_decode(max->data, max->len, &msg, NULL));
		g_assert_cmpuint(msg.timestamp_ms, ==, G_MAXUINT64);
	}
	/* bytes after the subject */
	assert_decode_error("00 00 00 01 31 00 00", WB_PROTO_ERROR_TRAILING_DATA);
	/* a string length past the end */
	assert_decode_error("00 05 41", WB_PROTO_ERROR_TRUNCATED);
}

static void
test_encode_refused(void)
{
	g_auto(WbLegacyNotification) msg = {0};
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;

	msg.source = WB_LEGACY_NOTIFICATION_SOURCE_SMS;
	msg.body = g_strnfill(256, 'b');
	g_assert_false(wb_legacy_notification_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa");
	g_clear_error(&error);

	g_free(msg.body);
	msg.body = g_strnfill(255, 'b');
	msg.subject = g_strnfill(256, 's');
	g_assert_false(wb_legacy_notification_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa");
	g_clear_error(&error);

	g_clear_pointer(&msg.subject, g_free);
	msg.source = 4;
	g_assert_false(wb_legacy_notification_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);

	/* NULL sender is written as empty */
	msg.source = WB_LEGACY_NOTIFICATION_SOURCE_EMAIL;
	g_clear_pointer(&msg.body, g_free);
	g_assert_true(wb_legacy_notification_encode(&msg, out, &error));
	wb_assert_hex(out->data, out->len, "aa 00 00 00 01 30");
}

static void
test_round_trip_random(void)
{
	guint64 seed = 3000;

	for (guint iter = 0; iter < 500; iter++) {
		g_auto(WbLegacyNotification) msg = {0};
		g_auto(WbLegacyNotification) back = {0};
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GByteArray) again = g_byte_array_new();
		g_autoptr(GError) error = NULL;

		msg.source = wb_test_rand_next(&seed) % 4;
		msg.sender = g_strnfill(wb_test_rand_next(&seed) % 256, 'a');
		msg.body = g_strnfill(wb_test_rand_next(&seed) % 256, 'b');
		msg.timestamp_ms =
			((guint64)wb_test_rand_next(&seed) << 32) | wb_test_rand_next(&seed);
		if (wb_test_rand_next(&seed) % 2)
			msg.subject = g_strnfill(wb_test_rand_next(&seed) % 256, 's');
		g_assert_true(wb_legacy_notification_encode(&msg, out, &error));
		g_assert_no_error(error);
		g_assert_true(wb_legacy_notification_decode(out->data, out->len, &back, &error));
		g_assert_no_error(error);
		g_assert_cmpstr(back.sender, ==, msg.sender);
		g_assert_cmpstr(back.subject, ==, msg.subject);
		g_assert_cmpuint(back.timestamp_ms, ==, msg.timestamp_ms);
		g_assert_true(wb_legacy_notification_encode(&back, again, &error));
		g_assert_cmpmem(out->data, out->len, again->data, again->len);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/legacy-notification/email-golden", test_email_golden);
	g_test_add_func("/wearbridge/legacy-notification/sms-golden", test_sms_golden);
	g_test_add_func("/wearbridge/legacy-notification/sources", test_sources);
	g_test_add_func("/wearbridge/legacy-notification/truncations", test_truncations);
	g_test_add_func("/wearbridge/legacy-notification/corrupted", test_corrupted);
	g_test_add_func("/wearbridge/legacy-notification/encode-refused", test_encode_refused);
	g_test_add_func("/wearbridge/legacy-notification/round-trip-random",
			test_round_trip_random);
	return g_test_run();
}
