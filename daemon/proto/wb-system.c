/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * System endpoints: PhoneAppVersion, WatchVersion, Time, Ping, Reset, the meta endpoint,
 * the factory registry's colour and BLE control (reference §1.1, §2).
 */
#include <string.h>

#include "wb-system.h"

/* A one-byte request whose only byte is @command. */
static gboolean
decode_single_byte(const guint8 *buf, gsize len, guint8 command, const gchar *what, GError **error)
{
	WbReader r;
	guint8 cmd;

	wb_reader_init(&r, buf, len);
	cmd = wb_reader_u8(&r);
	if (!wb_reader_check(&r, what, error))
		return FALSE;
	if (cmd != command)
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE, "%s: command 0x%02x", what,
				     cmd);
	return wb_reader_check_end(&r, what, error);
}

/* A fixed text field that must fit with room for its NUL (or fill it, where allowed). */
static gboolean
check_field(const gchar *s, gsize max, const gchar *what, GError **error)
{
	gsize n = s != NULL ? strlen(s) : 0;
	if (n > max)
		return wb_proto_fail(error, WB_PROTO_ERROR_TOO_LONG,
				     "%s: %" G_GSIZE_FORMAT " bytes, the most is %" G_GSIZE_FORMAT,
				     what, n, max);
	return TRUE;
}

/* ---------------------------------------------------------------- PhoneAppVersion */

/**
 * wb_phone_app_version_init_wearbridge:
 * @msg: (out caller-allocates): the message to fill
 *
 * Fills in the answer wearbridge gives: a Linux phone app with our capability bits. The OS
 * field says Android (2), because the firmware only serves the Pebble Protocol music endpoint
 * to Android phones and otherwise expects Apple's AMS (§2.3); the feature bits say what a
 * Linux desktop has.
 */
void
wb_phone_app_version_init_wearbridge(WbPhoneAppVersion *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->protocol_version = 0xFFFFFFFF;
	msg->session_caps = 0;
	msg->platform_flags = WB_PHONE_OS_ANDROID | WB_PLATFORM_FLAG_BTLE;
	msg->response_version = 2;
	msg->major = 4;
	msg->minor = 4;
	msg->bugfix = 0;
	msg->protocol_caps = WB_CAP_WEARBRIDGE;
	msg->has_protocol_caps = TRUE;
}

/**
 * wb_phone_app_version_request_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the payload is the watch's request, `00`
 */
gboolean
wb_phone_app_version_request_decode(const guint8 *buf, gsize len, GError **error)
{
	return decode_single_byte(buf, len, WB_PHONE_APP_VERSION_REQUEST,
				  "phone app version request", error);
}

/**
 * wb_phone_app_version_request_encode:
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Returns: %TRUE
 */
gboolean
wb_phone_app_version_request_encode(GByteArray *out, GError **error)
{
	wb_put_u8(out, WB_PHONE_APP_VERSION_REQUEST);
	return TRUE;
}

/**
 * wb_phone_app_version_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the response
 * @error: return location for a #GError
 *
 * Decodes a PhoneAppVersion response as the firmware does, by length: 12 bytes after the
 * command are a V1 response, 16 a V2, and up to 8 more bytes the capability field (§2.3).
 *
 * Returns: %TRUE on success
 */
gboolean
wb_phone_app_version_decode(const guint8 *buf, gsize len, WbPhoneAppVersion *out, GError **error)
{
	WbPhoneAppVersion msg = {0};
	const gchar *what = "phone app version";
	WbReader r;
	guint8 cmd;
	gsize rest;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	cmd = wb_reader_u8(&r);
	if (!wb_reader_check(&r, what, error))
		return FALSE;
	if (cmd != WB_PHONE_APP_VERSION_RESPONSE)
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE, "%s: command 0x%02x", what,
				     cmd);
	msg.protocol_version = wb_reader_u32_be(&r);
	msg.session_caps = wb_reader_u32_be(&r);
	msg.platform_flags = wb_reader_u32_be(&r);
	if (!wb_reader_check(&r, what, error))
		return FALSE;
	rest = wb_reader_remaining(&r);
	if (rest == 0) {
		*out = msg;
		return TRUE;
	}
	msg.response_version = wb_reader_u8(&r);
	msg.major = wb_reader_u8(&r);
	msg.minor = wb_reader_u8(&r);
	msg.bugfix = wb_reader_u8(&r);
	if (!wb_reader_check(&r, what, error))
		return FALSE;
	rest = wb_reader_remaining(&r);
	if (rest > 8)
		return wb_proto_fail(error, WB_PROTO_ERROR_TRAILING_DATA,
				     "%s: %" G_GSIZE_FORMAT " capability bytes, the most is 8",
				     what, rest);
	for (gsize i = 0; i < rest; i++)
		msg.protocol_caps |= (guint64)wb_reader_u8(&r) << (8 * i);
	msg.has_protocol_caps = rest > 0;
	*out = msg;
	return TRUE;
}

/**
 * wb_phone_app_version_encode:
 * @msg: the response
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends the full 25-byte response (with all 8 capability bytes, as the CFW's 4-byte enum
 * and the FW's 2-byte one both read from it).
 *
 * Returns: %TRUE
 */
gboolean
wb_phone_app_version_encode(const WbPhoneAppVersion *msg, GByteArray *out, GError **error)
{
	wb_put_u8(out, WB_PHONE_APP_VERSION_RESPONSE);
	wb_put_u32_be(out, msg->protocol_version);
	wb_put_u32_be(out, msg->session_caps);
	wb_put_u32_be(out, msg->platform_flags);
	wb_put_u8(out, msg->response_version);
	wb_put_u8(out, msg->major);
	wb_put_u8(out, msg->minor);
	wb_put_u8(out, msg->bugfix);
	wb_put_u64_le(out, msg->protocol_caps);
	return TRUE;
}

/* ---------------------------------------------------------------- WatchVersion */

static void
firmware_version_clear(WbFirmwareVersion *fw)
{
	g_clear_pointer(&fw->version_tag, g_free);
	g_clear_pointer(&fw->git_hash, g_free);
	memset(fw, 0, sizeof(*fw));
}

/**
 * wb_watch_version_clear:
 * @msg: a message
 *
 * Frees the members and zeroes the struct.
 */
void
wb_watch_version_clear(WbWatchVersion *msg)
{
	firmware_version_clear(&msg->running);
	firmware_version_clear(&msg->recovery);
	g_free(msg->board);
	g_free(msg->serial);
	g_free(msg->language);
	memset(msg, 0, sizeof(*msg));
}

gboolean
wb_watch_version_request_decode(const guint8 *buf, gsize len, GError **error)
{
	return decode_single_byte(buf, len, WB_WATCH_VERSION_REQUEST, "watch version request",
				  error);
}

gboolean
wb_watch_version_request_encode(GByteArray *out, GError **error)
{
	wb_put_u8(out, WB_WATCH_VERSION_REQUEST);
	return TRUE;
}

static void
read_firmware_version(WbReader *r, WbFirmwareVersion *fw)
{
	fw->timestamp = wb_reader_u32_be(r);
	fw->version_tag = wb_reader_string(r, 32);
	fw->git_hash = wb_reader_string(r, 8);
	fw->flags = wb_reader_u8(r);
	fw->hw_platform = wb_reader_u8(r);
	fw->metadata_version = wb_reader_u8(r);
}

/**
 * wb_watch_version_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the response; clear it with wb_watch_version_clear()
 * @error: return location for a #GError
 *
 * Decodes a WatchVersion response: 150 bytes through the capabilities (libpebble2 requires
 * them too), then the optional unfaithful flag, insights and JS versions (§2.6). Bytes after
 * those are ignored, as newer firmware may append fields.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_watch_version_decode(const guint8 *buf, gsize len, WbWatchVersion *out, GError **error)
{
	g_auto(WbWatchVersion) msg = {0};
	const gchar *what = "watch version";
	WbReader r;
	guint8 cmd;
	gsize rest;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	cmd = wb_reader_u8(&r);
	if (!wb_reader_check(&r, what, error))
		return FALSE;
	if (cmd != WB_WATCH_VERSION_RESPONSE)
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE, "%s: command 0x%02x", what,
				     cmd);
	read_firmware_version(&r, &msg.running);
	read_firmware_version(&r, &msg.recovery);
	msg.bootloader_timestamp = wb_reader_u32_be(&r);
	msg.board = wb_reader_string(&r, 9);
	msg.serial = wb_reader_string(&r, 12);
	wb_reader_copy(&r, msg.bt_address, sizeof(msg.bt_address));
	msg.resource_crc = wb_reader_u32_be(&r);
	msg.resource_timestamp = wb_reader_u32_be(&r);
	msg.language = wb_reader_string(&r, 6);
	msg.language_version = wb_reader_u16_be(&r);
	msg.capabilities = wb_reader_u64_le(&r);
	if (!wb_reader_check(&r, what, error))
		return FALSE;

	rest = wb_reader_remaining(&r);
	if (rest >= 1) {
		msg.has_is_unfaithful = TRUE;
		msg.is_unfaithful = wb_reader_u8(&r) != 0;
	}
	if (rest >= 2) {
		msg.insights_version = wb_reader_u16_be(&r);
		msg.has_insights_version = wb_reader_ok(&r);
	}
	if (rest >= 4) {
		msg.js_version = wb_reader_u16_be(&r);
		msg.has_js_version = wb_reader_ok(&r);
	}
	if (!wb_reader_check(&r, what, error))
		return FALSE;
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

static gboolean
put_firmware_version(GByteArray *out, const WbFirmwareVersion *fw, const gchar *what,
		     GError **error)
{
	/* the firmware blanks a tag that is not NUL-terminated inside its field */
	if (!check_field(fw->version_tag, 31, "version tag", error) ||
	    !check_field(fw->git_hash, 7, "git hash", error)) {
		g_prefix_error(error, "%s: ", what);
		return FALSE;
	}
	wb_put_u32_be(out, fw->timestamp);
	wb_put_fixed_string(out, fw->version_tag, 32);
	wb_put_fixed_string(out, fw->git_hash, 8);
	wb_put_u8(out, fw->flags);
	wb_put_u8(out, fw->hw_platform);
	wb_put_u8(out, fw->metadata_version);
	return TRUE;
}

/**
 * wb_watch_version_encode:
 * @msg: the response
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; %FALSE if a text field does not fit or the optional fields are
 * not a prefix of (unfaithful, insights, JS)
 */
gboolean
wb_watch_version_encode(const WbWatchVersion *msg, GByteArray *out, GError **error)
{
	gsize start = out->len;

	if ((msg->has_insights_version && !msg->has_is_unfaithful) ||
	    (msg->has_js_version && !msg->has_insights_version))
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "watch version: optional fields must be given in order");
	if (!check_field(msg->board, 9, "board", error) ||
	    !check_field(msg->serial, 12, "serial", error) ||
	    !check_field(msg->language, 5, "language", error)) {
		g_prefix_error(error, "watch version: ");
		return FALSE;
	}
	wb_put_u8(out, WB_WATCH_VERSION_RESPONSE);
	if (!put_firmware_version(out, &msg->running, "running firmware", error) ||
	    !put_firmware_version(out, &msg->recovery, "recovery firmware", error)) {
		g_byte_array_set_size(out, (guint)start);
		return FALSE;
	}
	wb_put_u32_be(out, msg->bootloader_timestamp);
	wb_put_fixed_string(out, msg->board, 9);
	wb_put_fixed_string(out, msg->serial, 12);
	wb_put_bytes(out, msg->bt_address, sizeof(msg->bt_address));
	wb_put_u32_be(out, msg->resource_crc);
	wb_put_u32_be(out, msg->resource_timestamp);
	wb_put_fixed_string(out, msg->language, 6);
	wb_put_u16_be(out, msg->language_version);
	wb_put_u64_le(out, msg->capabilities);
	if (msg->has_is_unfaithful)
		wb_put_u8(out, msg->is_unfaithful ? 1 : 0);
	if (msg->has_insights_version)
		wb_put_u16_be(out, msg->insights_version);
	if (msg->has_js_version)
		wb_put_u16_be(out, msg->js_version);
	return TRUE;
}

/**
 * wb_watch_version_address_to_string:
 * @msg: a response
 *
 * Returns: (transfer full): the BT address in display order, `AA:BB:CC:DD:EE:FF` (octet 5
 * first: it is little-endian on the wire)
 */
gchar *
wb_watch_version_address_to_string(const WbWatchVersion *msg)
{
	const guint8 *a = msg->bt_address;
	return g_strdup_printf("%02X:%02X:%02X:%02X:%02X:%02X", a[5], a[4], a[3], a[2], a[1], a[0]);
}

/**
 * wb_firmware_version_major:
 * @fw: a firmware version
 *
 * Returns: the major version from a tag like "v4.3-rc1" (the digits after the `v`, as
 * Gadgetbridge reads it), or -1 when the tag has none
 */
gint
wb_firmware_version_major(const WbFirmwareVersion *fw)
{
	const gchar *p = fw->version_tag;
	gint major = 0;

	if (p == NULL || *p != 'v' || !g_ascii_isdigit(p[1]))
		return -1;
	for (p++; g_ascii_isdigit(*p) && major < 1000; p++)
		major = major * 10 + (*p - '0');
	return major;
}

/**
 * wb_hw_platform_to_platform:
 * @hw_platform: the hardware platform byte of the running firmware
 *
 * Returns: (transfer none): the SDK platform name ("aplite", "basalt", …), or "unknown"
 */
const gchar *
wb_hw_platform_to_platform(guint8 hw_platform)
{
	switch (hw_platform) {
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
	case 0xFF:
	case 0xFE:
		return "aplite";
	case 7:
	case 8:
	case 10:
	case 0xFD:
	case 0xFC:
		return "basalt";
	case 9:
	case 11:
	case 0xFB:
		return "chalk";
	case 12:
	case 14:
	case 0xFA:
	case 0xF8:
		return "diorite";
	case 13:
	case 16:
	case 17:
	case 18:
	case 0xF9:
	case 0xF7:
	case 0xF5:
	case 0xF4:
	case 0xF3:
		return "emery";
	case 15:
	case 0xF6:
		return "flint";
	case 19:
	case 20:
	case 21:
	case 0xF2:
		return "gabbro";
	default:
		return "unknown";
	}
}

/**
 * wb_hw_platform_to_model:
 * @hw_platform: the hardware platform byte of the running firmware
 *
 * Returns: (transfer none): the watch family a person would recognise, or "Pebble"
 */
const gchar *
wb_hw_platform_to_model(guint8 hw_platform)
{
	switch (hw_platform) {
	case 6:
		return "Pebble Steel";
	case 10:
		return "Pebble Time Steel";
	case 13:
		return "Pebble Time 2";
	case 15:
		return "Core Pebble 2 Duo";
	case 16:
	case 17:
	case 18:
		return "Core Pebble Time 2";
	case 19:
	case 20:
	case 21:
		return "Core Pebble Round 2";
	case 0xF6:
		return "Core Pebble 2 Duo (emulator)";
	case 0xF5:
		return "Pebble Time 2 (emulator)";
	case 0xF2:
		return "Core Pebble Round 2 (emulator)";
	default:
		break;
	}
	if (g_str_equal(wb_hw_platform_to_platform(hw_platform), "aplite"))
		return "Pebble";
	if (g_str_equal(wb_hw_platform_to_platform(hw_platform), "basalt"))
		return "Pebble Time";
	if (g_str_equal(wb_hw_platform_to_platform(hw_platform), "chalk"))
		return "Pebble Time Round";
	if (g_str_equal(wb_hw_platform_to_platform(hw_platform), "diorite"))
		return "Pebble 2";
	if (g_str_equal(wb_hw_platform_to_platform(hw_platform), "emery"))
		return "Pebble Time 2";
	return "Pebble";
}

/* ---------------------------------------------------------------- Time */

void
wb_time_message_clear(WbTimeMessage *msg)
{
	g_free(msg->tz_name);
	memset(msg, 0, sizeof(*msg));
}

/**
 * wb_time_message_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the message
 * @error: return location for a #GError
 *
 * SetUTC must be exactly `8 + tz_name_len` bytes long, as the firmware insists (§2.8).
 *
 * Returns: %TRUE on success
 */
gboolean
wb_time_message_decode(const guint8 *buf, gsize len, WbTimeMessage *out, GError **error)
{
	g_auto(WbTimeMessage) msg = {0};
	const gchar *what = "time";
	WbReader r;
	guint8 cmd, n;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	cmd = wb_reader_u8(&r);
	if (!wb_reader_check(&r, what, error))
		return FALSE;
	switch (cmd) {
	case WB_TIME_GET_REQUEST:
		break;
	case WB_TIME_GET_RESPONSE:
	case WB_TIME_SET_LOCALTIME:
		msg.time = wb_reader_u32_be(&r);
		break;
	case WB_TIME_SET_UTC:
		msg.time = wb_reader_u32_be(&r);
		msg.utc_offset_minutes = wb_reader_i16_be(&r);
		n = wb_reader_u8(&r);
		if (wb_reader_ok(&r) && n > WB_TIME_TZ_NAME_MAX)
			return wb_proto_fail(error, WB_PROTO_ERROR_TOO_LONG,
					     "time: zone name of %u bytes, the most is %d", n,
					     WB_TIME_TZ_NAME_MAX);
		msg.tz_name = wb_reader_string(&r, n);
		break;
	default:
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE, "time: command 0x%02x",
				     cmd);
	}
	if (!wb_reader_check_end(&r, what, error))
		return FALSE;
	msg.command = (WbTimeCommand)cmd;
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

/**
 * wb_time_message_encode:
 * @msg: the message
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; %FALSE if the zone name is longer than 32 bytes
 */
gboolean
wb_time_message_encode(const WbTimeMessage *msg, GByteArray *out, GError **error)
{
	gsize n;

	switch (msg->command) {
	case WB_TIME_GET_REQUEST:
		wb_put_u8(out, WB_TIME_GET_REQUEST);
		return TRUE;
	case WB_TIME_GET_RESPONSE:
	case WB_TIME_SET_LOCALTIME:
		wb_put_u8(out, (guint8)msg->command);
		wb_put_u32_be(out, msg->time);
		return TRUE;
	case WB_TIME_SET_UTC:
		n = msg->tz_name != NULL ? strlen(msg->tz_name) : 0;
		if (n > WB_TIME_TZ_NAME_MAX)
			return wb_proto_fail(error, WB_PROTO_ERROR_TOO_LONG,
					     "time: zone name of %" G_GSIZE_FORMAT
					     " bytes, the most is %d",
					     n, WB_TIME_TZ_NAME_MAX);
		wb_put_u8(out, WB_TIME_SET_UTC);
		wb_put_u32_be(out, msg->time);
		wb_put_u16_be(out, (guint16)msg->utc_offset_minutes);
		wb_put_u8(out, (guint8)n);
		wb_put_bytes(out, msg->tz_name, n);
		return TRUE;
	}
	return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE, "time: command 0x%02x",
			     (guint)msg->command);
}

/**
 * wb_time_set_utc_init:
 * @msg: (out caller-allocates): the message to fill; clear it with wb_time_message_clear()
 * @utc_seconds: now, Unix seconds
 * @utc_offset_seconds: local time minus UTC, seconds
 * @tz_name: (nullable): the Olson zone name, e.g. "Europe/Berlin"
 * @error: return location for a #GError
 *
 * Builds a SetUTC message, checking that every value fits its field.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_time_set_utc_init(WbTimeMessage *msg, gint64 utc_seconds, gint utc_offset_seconds,
		     const gchar *tz_name, GError **error)
{
	memset(msg, 0, sizeof(*msg));
	if (utc_seconds < 0 || utc_seconds > G_MAXUINT32)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "time: %" G_GINT64_FORMAT " does not fit 32 bits",
				     utc_seconds);
	/* real offsets are within -12 h .. +14 h; leave margin but refuse nonsense */
	if (utc_offset_seconds < -16 * 3600 || utc_offset_seconds > 16 * 3600)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE, "time: offset of %d s",
				     utc_offset_seconds);
	if (!check_field(tz_name, WB_TIME_TZ_NAME_MAX, "time: zone name", error))
		return FALSE;
	msg->command = WB_TIME_SET_UTC;
	msg->time = (guint32)utc_seconds;
	msg->utc_offset_minutes = (gint16)(utc_offset_seconds / 60);
	msg->tz_name = g_strdup(tz_name != NULL ? tz_name : "");
	return TRUE;
}

/* ---------------------------------------------------------------- Ping */

/**
 * wb_ping_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the message
 * @error: return location for a #GError
 *
 * Returns: %TRUE for a Ping (with or without the idle byte) or a Pong
 */
gboolean
wb_ping_decode(const guint8 *buf, gsize len, WbPing *out, GError **error)
{
	WbPing msg = {0};
	WbReader r;
	guint8 cmd;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	cmd = wb_reader_u8(&r);
	msg.cookie = wb_reader_u32_be(&r);
	if (!wb_reader_check(&r, "ping", error))
		return FALSE;
	if (cmd == WB_PING_COMMAND_PING) {
		if (wb_reader_remaining(&r) > 0) {
			msg.has_idle = TRUE;
			msg.idle = wb_reader_u8(&r) != 0;
		}
	} else if (cmd == WB_PING_COMMAND_PONG) {
		msg.is_pong = TRUE;
	} else {
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE, "ping: command 0x%02x",
				     cmd);
	}
	if (!wb_reader_check_end(&r, "ping", error))
		return FALSE;
	*out = msg;
	return TRUE;
}

gboolean
wb_ping_encode(const WbPing *msg, GByteArray *out, GError **error)
{
	if (msg->is_pong && msg->has_idle)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "ping: a pong has no idle flag");
	wb_put_u8(out, msg->is_pong ? WB_PING_COMMAND_PONG : WB_PING_COMMAND_PING);
	wb_put_u32_be(out, msg->cookie);
	if (msg->has_idle)
		wb_put_u8(out, msg->idle ? 1 : 0);
	return TRUE;
}

/* ---------------------------------------------------------------- Reset */

static gboolean
reset_kind_valid(guint v)
{
	switch ((WbResetKind)v) {
	case WB_RESET_REBOOT:
	case WB_RESET_COREDUMP:
	case WB_RESET_FACTORY:
	case WB_RESET_RECOVERY:
		return TRUE;
	}
	return FALSE;
}

gboolean
wb_reset_decode(const guint8 *buf, gsize len, WbResetKind *out, GError **error)
{
	WbReader r;
	guint8 v;

	wb_reader_init(&r, buf, len);
	v = wb_reader_u8(&r);
	if (!wb_reader_check_end(&r, "reset", error))
		return FALSE;
	/* LP2's 0x02/0x03 are not handled by the firmware (§2.9) */
	if (!reset_kind_valid(v))
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE, "reset: kind 0x%02x", v);
	*out = (WbResetKind)v;
	return TRUE;
}

gboolean
wb_reset_encode(WbResetKind kind, GByteArray *out, GError **error)
{
	if (!reset_kind_valid(kind))
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE, "reset: kind 0x%02x",
				     (guint)kind);
	wb_put_u8(out, (guint8)kind);
	return TRUE;
}

/* ---------------------------------------------------------------- Meta */

gboolean
wb_meta_error_decode(const guint8 *buf, gsize len, WbMetaError *out, GError **error)
{
	WbMetaError msg = {0};
	WbReader r;
	guint8 code;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	code = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "meta", error))
		return FALSE;
	switch (code) {
	case WB_META_CORRUPTED:
		break;
	case WB_META_UNHANDLED_ENDPOINT:
	case WB_META_DISALLOWED:
		msg.has_endpoint = TRUE;
		msg.endpoint = wb_reader_u16_be(&r);
		break;
	default:
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE, "meta: code 0x%02x", code);
	}
	if (!wb_reader_check_end(&r, "meta", error))
		return FALSE;
	msg.code = (WbMetaCode)code;
	*out = msg;
	return TRUE;
}

gboolean
wb_meta_error_encode(const WbMetaError *msg, GByteArray *out, GError **error)
{
	switch (msg->code) {
	case WB_META_CORRUPTED:
		wb_put_u8(out, WB_META_CORRUPTED);
		return TRUE;
	case WB_META_UNHANDLED_ENDPOINT:
	case WB_META_DISALLOWED:
		wb_put_u8(out, (guint8)msg->code);
		wb_put_u16_be(out, msg->endpoint);
		return TRUE;
	}
	return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE, "meta: code 0x%02x",
			     (guint)msg->code);
}

/* ---------------------------------------------------------------- Factory registry */

static const guint8 color_request[] = {0x00, 0x09, 'm', 'f', 'g', '_', 'c', 'o', 'l', 'o', 'r'};

gboolean
wb_watch_color_request_decode(const guint8 *buf, gsize len, GError **error)
{
	/* the firmware accepts only this exact key (§2.10) */
	if (len != sizeof(color_request) || memcmp(buf, color_request, len) != 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "factory registry: not the mfg_color request");
	return TRUE;
}

gboolean
wb_watch_color_request_encode(GByteArray *out, GError **error)
{
	wb_put_bytes(out, color_request, sizeof(color_request));
	return TRUE;
}

gboolean
wb_watch_color_response_decode(const guint8 *buf, gsize len, guint32 *out_color, GError **error)
{
	WbReader r;
	guint8 cmd, n;
	guint32 color;

	wb_reader_init(&r, buf, len);
	cmd = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "factory registry", error))
		return FALSE;
	if (cmd != 0x01)
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
				     "factory registry: response 0x%02x", cmd);
	n = wb_reader_u8(&r);
	if (wb_reader_ok(&r) && n != 4)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "factory registry: value of %u bytes", n);
	color = wb_reader_u32_be(&r);
	if (!wb_reader_check_end(&r, "factory registry", error))
		return FALSE;
	*out_color = color;
	return TRUE;
}

gboolean
wb_watch_color_response_encode(guint32 color, GByteArray *out, GError **error)
{
	wb_put_u8(out, 0x01);
	wb_put_u8(out, 4);
	wb_put_u32_be(out, color);
	return TRUE;
}

/* ---------------------------------------------------------------- BLE control */

gboolean
wb_ble_control_decode(const guint8 *buf, gsize len, WbBleControl *out, GError **error)
{
	WbBleControl msg = {0};
	WbReader r;
	guint8 op, disc;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	op = wb_reader_u8(&r);
	disc = wb_reader_u8(&r);
	msg.duration_s = wb_reader_u16_le(&r);
	if (!wb_reader_check_end(&r, "ble control", error))
		return FALSE;
	/* opcodes 0-3 are deprecated (§2.12) */
	if (op != 0x04)
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
				     "ble control: opcode 0x%02x", op);
	msg.discoverable = disc != 0;
	*out = msg;
	return TRUE;
}

gboolean
wb_ble_control_encode(const WbBleControl *msg, GByteArray *out, GError **error)
{
	wb_put_u8(out, 0x04);
	wb_put_u8(out, msg->discoverable ? 1 : 0);
	wb_put_u16_le(out, msg->duration_s);
	return TRUE;
}
