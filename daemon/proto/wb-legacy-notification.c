/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-legacy-notification.h"

/* G_MAXUINT64 has 20 decimal digits */
#define WB_LEGACY_TIMESTAMP_MAX_DIGITS 20

/**
 * wb_legacy_notification_clear:
 * @msg: a notification
 *
 * Frees the strings and zeroes @msg. Accepts a zeroed struct.
 */
void
wb_legacy_notification_clear(WbLegacyNotification *msg)
{
	g_clear_pointer(&msg->sender, g_free);
	g_clear_pointer(&msg->body, g_free);
	g_clear_pointer(&msg->subject, g_free);
	memset(msg, 0, sizeof(*msg));
}

static gboolean
wb_legacy_notification_source_is_valid(guint source)
{
	switch ((WbLegacyNotificationSource)source) {
	case WB_LEGACY_NOTIFICATION_SOURCE_EMAIL:
	case WB_LEGACY_NOTIFICATION_SOURCE_SMS:
	case WB_LEGACY_NOTIFICATION_SOURCE_FACEBOOK:
	case WB_LEGACY_NOTIFICATION_SOURCE_TWITTER:
		return TRUE;
	}
	return FALSE;
}

/* Parses the decimal timestamp field: ASCII digits only, no sign or space, fits 64 bits. */
static gboolean
wb_legacy_parse_timestamp(const guint8 *data, gsize len, guint64 *out_value, GError **error)
{
	guint64 v = 0;

	if (len == 0 || len > WB_LEGACY_TIMESTAMP_MAX_DIGITS) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "legacy notification: timestamp of %" G_GSIZE_FORMAT " digits", len);
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		guint digit;

		if (!g_ascii_isdigit(data[i])) {
			g_set_error_literal(
				error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				"legacy notification: timestamp is not a decimal number");
			return FALSE;
		}
		digit = (guint)(data[i] - '0');
		if (v > (G_MAXUINT64 - digit) / 10) {
			g_set_error_literal(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
					    "legacy notification: timestamp does not fit 64 bits");
			return FALSE;
		}
		v = v * 10 + digit;
	}
	*out_value = v;
	return TRUE;
}

/**
 * wb_legacy_notification_decode:
 * @buf: (array length=len): an endpoint 3000 payload
 * @len: its length
 * @out: (out caller-allocates): the notification; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes `source, sender, body, timestamp[, subject]` (§3.12, LP2 `protocol/legacy2.py`). The
 * subject is optional: the Sailfish client sends it only for e-mail. The source must be 0–3 and
 * the timestamp a decimal number (BAD_VALUE); bytes after the subject are TRAILING_DATA.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_legacy_notification_decode(const guint8 *buf, gsize len, WbLegacyNotification *out,
			      GError **error)
{
	g_auto(WbLegacyNotification) msg = {0};
	WbReader r;
	guint8 source;
	guint8 ts_len;
	const guint8 *ts;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	source = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "legacy notification", error))
		return FALSE;
	if (!wb_legacy_notification_source_is_valid(source)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "legacy notification: unknown source '%u'", source);
		return FALSE;
	}
	msg.source = (WbLegacyNotificationSource)source;
	msg.sender = wb_reader_pascal_string(&r);
	msg.body = wb_reader_pascal_string(&r);
	ts_len = wb_reader_u8(&r);
	ts = wb_reader_bytes(&r, ts_len);
	if (!wb_reader_check(&r, "legacy notification", error))
		return FALSE;
	if (!wb_legacy_parse_timestamp(ts, ts_len, &msg.timestamp_ms, error))
		return FALSE;
	if (wb_reader_remaining(&r) > 0) {
		msg.subject = wb_reader_pascal_string(&r);
		if (!wb_reader_check_end(&r, "legacy notification", error))
			return FALSE;
	}
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

/**
 * wb_legacy_notification_encode:
 * @msg: the notification
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends a legacy notification; the timestamp is written in decimal and the subject only when
 * it is not %NULL. A field longer than 255 bytes is TOO_LONG (the caller cuts text first, on a
 * character boundary); an unknown source is BAD_VALUE.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_legacy_notification_encode(const WbLegacyNotification *msg, GByteArray *out, GError **error)
{
	gsize start = out->len;
	gchar ts[WB_LEGACY_TIMESTAMP_MAX_DIGITS + 1];

	if (!wb_legacy_notification_source_is_valid(msg->source)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "legacy notification: unknown source '%u'", (guint)msg->source);
		return FALSE;
	}
	g_snprintf(ts, sizeof(ts), "%" G_GUINT64_FORMAT, msg->timestamp_ms);
	wb_put_u8(out, (guint8)msg->source);
	if (!wb_put_pascal_string(out, msg->sender, "legacy notification sender", error) ||
	    !wb_put_pascal_string(out, msg->body, "legacy notification body", error) ||
	    !wb_put_pascal_string(out, ts, "legacy notification timestamp", error) ||
	    (msg->subject != NULL &&
	     !wb_put_pascal_string(out, msg->subject, "legacy notification subject", error))) {
		g_byte_array_set_size(out, (guint)start);
		return FALSE;
	}
	return TRUE;
}
