/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-apps.h"

#include <string.h>

/**
 * wb_app_run_state_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes an AppRunState message. Start and Stop need a UUID; a status request may carry
 * one. Bytes after the UUID are ignored, as the firmware does.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_app_run_state_decode(const guint8 *buf, gsize len, WbAppRunState *out, GError **error)
{
	WbReader r;
	guint8 command;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "AppRunState", error))
		return FALSE;

	switch (command) {
	case WB_APP_RUN_STATE_START:
	case WB_APP_RUN_STATE_STOP:
		wb_reader_uuid(&r, &out->uuid);
		if (!wb_reader_check(&r, "AppRunState", error)) {
			memset(out, 0, sizeof(*out));
			return FALSE;
		}
		out->has_uuid = TRUE;
		break;
	case WB_APP_RUN_STATE_REQUEST:
		/* §8.5: the UUID is optional; the firmware ignores it anyway */
		if (wb_reader_remaining(&r) > 0) {
			wb_reader_uuid(&r, &out->uuid);
			if (!wb_reader_check(&r, "AppRunState request", error)) {
				memset(out, 0, sizeof(*out));
				return FALSE;
			}
			out->has_uuid = TRUE;
		}
		break;
	default:
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "AppRunState: unknown command '0x%02x'", command);
		return FALSE;
	}
	out->command = (WbAppRunStateCommand)command;
	return TRUE;
}

/**
 * wb_app_run_state_encode:
 * @msg: the message
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Encodes an AppRunState message. Start and Stop always carry the UUID (@has_uuid is
 * ignored for them); a status request carries it only if @has_uuid is set.
 *
 * Returns: %TRUE on success; on failure (unknown command) @out is unchanged
 */
gboolean
wb_app_run_state_encode(const WbAppRunState *msg, GByteArray *out, GError **error)
{
	switch (msg->command) {
	case WB_APP_RUN_STATE_START:
	case WB_APP_RUN_STATE_STOP:
		wb_put_u8(out, (guint8)msg->command);
		wb_put_uuid(out, &msg->uuid);
		return TRUE;
	case WB_APP_RUN_STATE_REQUEST:
		wb_put_u8(out, WB_APP_RUN_STATE_REQUEST);
		if (msg->has_uuid)
			wb_put_uuid(out, &msg->uuid);
		return TRUE;
	default:
		break;
	}
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
		    "AppRunState: unknown command '%u'", (guint)msg->command);
	return FALSE;
}

/**
 * wb_app_fetch_request_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the request; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes the watch's AppFetch request: `01`, UUID, install id (i32 LE). The watch sends
 * exactly these 21 bytes.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_app_fetch_request_decode(const guint8 *buf, gsize len, WbAppFetchRequest *out, GError **error)
{
	WbReader r;
	guint8 command;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "AppFetch request", error))
		return FALSE;
	if (command != WB_APP_FETCH_COMMAND) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "AppFetch request: unknown command '0x%02x'", command);
		return FALSE;
	}
	wb_reader_uuid(&r, &out->uuid);
	out->install_id = wb_reader_i32_le(&r);
	if (!wb_reader_check_end(&r, "AppFetch request", error)) {
		memset(out, 0, sizeof(*out));
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_app_fetch_request_encode:
 * @msg: the request
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Encodes an AppFetch request (the simulated watch sends it).
 *
 * Returns: %TRUE
 */
gboolean
wb_app_fetch_request_encode(const WbAppFetchRequest *msg, GByteArray *out, GError **error)
{
	wb_put_u8(out, WB_APP_FETCH_COMMAND);
	wb_put_uuid(out, &msg->uuid);
	wb_put_u32_le(out, (guint32)msg->install_id);
	return TRUE;
}

static gboolean
app_fetch_status_is_valid(guint status)
{
	return status >= WB_APP_FETCH_START && status <= WB_APP_FETCH_NO_DATA;
}

/**
 * wb_app_fetch_response_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out_status: (out): the status; written only on success
 * @error: return location for a #GError
 *
 * Decodes the phone's AppFetch response `01 SS`. Bytes after it are ignored, as the
 * firmware does.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_app_fetch_response_decode(const guint8 *buf, gsize len, WbAppFetchStatus *out_status,
			     GError **error)
{
	WbReader r;
	guint8 command;
	guint8 status;

	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	status = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "AppFetch response", error))
		return FALSE;
	if (command != WB_APP_FETCH_COMMAND) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "AppFetch response: unknown command '0x%02x'", command);
		return FALSE;
	}
	if (!app_fetch_status_is_valid(status)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "AppFetch response: status '0x%02x' is not 1..4", status);
		return FALSE;
	}
	*out_status = (WbAppFetchStatus)status;
	return TRUE;
}

/**
 * wb_app_fetch_response_encode:
 * @status: the status
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Encodes an AppFetch response.
 *
 * Returns: %TRUE on success; on failure (a status outside 1..4) @out is unchanged
 */
gboolean
wb_app_fetch_response_encode(WbAppFetchStatus status, GByteArray *out, GError **error)
{
	if (!app_fetch_status_is_valid(status)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "AppFetch response: status '%u' is not 1..4", (guint)status);
		return FALSE;
	}
	wb_put_u8(out, WB_APP_FETCH_COMMAND);
	wb_put_u8(out, (guint8)status);
	return TRUE;
}

/**
 * wb_app_metadata_clear:
 * @msg: metadata; may be zeroed
 *
 * Frees the members of @msg and leaves it zeroed.
 */
void
wb_app_metadata_clear(WbAppMetadata *msg)
{
	g_clear_pointer(&msg->name, g_free);
	memset(msg, 0, sizeof(*msg));
}

/**
 * wb_app_metadata_decode:
 * @buf: (array length=len): the BlobDB value
 * @len: its length; must be exactly %WB_APP_METADATA_LEN
 * @out: (out caller-allocates): the metadata; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes an AppMetadata record (reference §8.4). The platform bits are not validated:
 * newer SDKs add platforms.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_app_metadata_decode(const guint8 *buf, gsize len, WbAppMetadata *out, GError **error)
{
	WbReader r;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	wb_reader_uuid(&r, &out->uuid);
	out->flags = wb_reader_u32_le(&r);
	out->icon_resource_id = wb_reader_u32_le(&r);
	out->app_version_major = wb_reader_u8(&r);
	out->app_version_minor = wb_reader_u8(&r);
	out->sdk_version_major = wb_reader_u8(&r);
	out->sdk_version_minor = wb_reader_u8(&r);
	out->app_face_bg_color = wb_reader_u8(&r);
	out->app_face_template_id = wb_reader_u8(&r);
	out->name = wb_reader_string(&r, WB_APP_METADATA_NAME_LEN);
	/* the firmware's record is a fixed 126-byte struct */
	if (!wb_reader_check_end(&r, "AppMetadata", error)) {
		wb_app_metadata_clear(out);
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_app_metadata_encode:
 * @msg: the metadata
 * @out: the buffer to append the 126-byte value to
 * @error: return location for a #GError
 *
 * Encodes an AppMetadata record. The name is NUL-padded to 96 bytes; a name of exactly 96
 * bytes fills the field without a terminator, as in the firmware's struct.
 *
 * Returns: %TRUE on success; on failure (a name over 96 bytes) @out is unchanged
 */
gboolean
wb_app_metadata_encode(const WbAppMetadata *msg, GByteArray *out, GError **error)
{
	gsize name_len = msg->name != NULL ? strlen(msg->name) : 0;

	if (name_len > WB_APP_METADATA_NAME_LEN) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "AppMetadata: name of %" G_GSIZE_FORMAT " bytes is longer than %u",
			    name_len, (guint)WB_APP_METADATA_NAME_LEN);
		return FALSE;
	}
	wb_put_uuid(out, &msg->uuid);
	wb_put_u32_le(out, msg->flags);
	wb_put_u32_le(out, msg->icon_resource_id);
	wb_put_u8(out, msg->app_version_major);
	wb_put_u8(out, msg->app_version_minor);
	wb_put_u8(out, msg->sdk_version_major);
	wb_put_u8(out, msg->sdk_version_minor);
	wb_put_u8(out, msg->app_face_bg_color);
	wb_put_u8(out, msg->app_face_template_id);
	wb_put_fixed_string(out, msg->name, WB_APP_METADATA_NAME_LEN);
	return TRUE;
}

/**
 * wb_app_metadata_get_platform:
 * @msg: the metadata
 *
 * Returns: the platform bits 6-9 of the flags: a #WbAppPlatform, or 8..15 for platforms this
 *   code does not know
 */
guint
wb_app_metadata_get_platform(const WbAppMetadata *msg)
{
	return (msg->flags & WB_APP_FLAG_PLATFORM_MASK) >> WB_APP_FLAG_PLATFORM_SHIFT;
}

/**
 * wb_app_metadata_set_platform:
 * @msg: the metadata
 * @platform: a #WbAppPlatform (0..15)
 *
 * Replaces the platform bits of the flags.
 */
void
wb_app_metadata_set_platform(WbAppMetadata *msg, guint platform)
{
	g_return_if_fail(platform <= 0xF);
	msg->flags = (msg->flags & ~WB_APP_FLAG_PLATFORM_MASK) |
		     (platform << WB_APP_FLAG_PLATFORM_SHIFT);
}
