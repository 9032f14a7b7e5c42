/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-sysmsg.h"

#include <string.h>

/* `00`, type, u32 already transferred, u32 to transfer (§2.11) */
#define FIRMWARE_START_FULL_LEN 10

/**
 * wb_system_message_type_to_string:
 * @type: a type
 *
 * Returns: a short name for logs; "unknown" for values outside the enum
 */
const gchar *
wb_system_message_type_to_string(WbSystemMessageType type)
{
	switch (type) {
	case WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE:
		return "firmware-available";
	case WB_SYSTEM_MESSAGE_FIRMWARE_START:
		return "firmware-start";
	case WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE:
		return "firmware-complete";
	case WB_SYSTEM_MESSAGE_FIRMWARE_FAIL:
		return "firmware-fail";
	case WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE:
		return "firmware-up-to-date";
	case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP:
		return "reconnect-request-stop";
	case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START:
		return "reconnect-request-start";
	case WB_SYSTEM_MESSAGE_MAP_RETRY:
		return "map-retry";
	case WB_SYSTEM_MESSAGE_MAP_CONNECTED:
		return "map-connected";
	case WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE:
		return "firmware-start-response";
	case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS:
		return "firmware-status";
	case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE:
		return "firmware-status-response";
	}
	return "unknown";
}

static gboolean
start_status_is_valid(guint status)
{
	return status <= WB_FIRMWARE_START_CANCELLED;
}

/**
 * wb_system_message_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes a SystemMessage. The first byte must be `00` (%WB_PROTO_ERROR_BAD_VALUE otherwise;
 * the firmware does not look at it, but every sender writes 0 and anything else means we are
 * misreading the stream). Messages the watch receives are parsed as the firmware does: bytes
 * after their fields are ignored, and a FirmwareStart carries its byte counts only if it is at
 * least 10 bytes long (a shorter one is a plain start). Messages the watch sends have exact
 * lengths, so their extra bytes are %WB_PROTO_ERROR_TRAILING_DATA.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_system_message_decode(const guint8 *buf, gsize len, WbSystemMessage *out, GError **error)
{
	WbReader r;
	guint8 zero;
	guint8 type;
	gboolean ok = FALSE;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	zero = wb_reader_u8(&r);
	type = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "SystemMessage", error))
		return FALSE;
	if (zero != 0x00) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "SystemMessage: first byte '0x%02x' is not 0", zero);
		return FALSE;
	}

	switch (type) {
	case WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE:
	case WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE:
	case WB_SYSTEM_MESSAGE_FIRMWARE_FAIL:
	case WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE:
	case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS:
		/* P→W without payload: the firmware ignores anything after the type */
		ok = TRUE;
		break;
	case WB_SYSTEM_MESSAGE_FIRMWARE_START:
		/* §2.11: the firmware reads the counts only from a message of at least 10 bytes */
		if (len >= FIRMWARE_START_FULL_LEN) {
			out->has_byte_counts = TRUE;
			out->bytes_already_transferred = wb_reader_u32_le(&r);
			out->bytes_to_transfer = wb_reader_u32_le(&r);
		}
		ok = wb_reader_check(&r, "SystemMessage FirmwareStart", error);
		break;
	case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP:
	case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START:
	case WB_SYSTEM_MESSAGE_MAP_RETRY:
	case WB_SYSTEM_MESSAGE_MAP_CONNECTED:
		ok = wb_reader_check_end(&r, "SystemMessage", error);
		break;
	case WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE: {
		guint8 status = wb_reader_u8(&r);

		if (!wb_reader_check_end(&r, "SystemMessage FirmwareStartResponse", error))
			break;
		if (!start_status_is_valid(status)) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "SystemMessage FirmwareStartResponse: status '%u' is not 0..2",
				    status);
			break;
		}
		out->status = (WbFirmwareStartStatus)status;
		ok = TRUE;
		break;
	}
	case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE:
		/* §2.11: 2 reserved bytes, then 4 × u32 in the watch's (little-endian) order */
		wb_reader_skip(&r, 2);
		out->resource_bytes_written = wb_reader_u32_le(&r);
		out->resource_crc = wb_reader_u32_le(&r);
		out->firmware_bytes_written = wb_reader_u32_le(&r);
		out->firmware_crc = wb_reader_u32_le(&r);
		ok = wb_reader_check_end(&r, "SystemMessage FirmwareStatusResponse", error);
		break;
	default:
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "SystemMessage: unknown type '0x%02x'", type);
		break;
	}
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return FALSE;
	}
	out->type = (WbSystemMessageType)type;
	return TRUE;
}

/**
 * wb_system_message_encode:
 * @msg: the message
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Encodes a SystemMessage. Fields that do not belong to @msg's type are ignored.
 *
 * Returns: %TRUE on success; on failure (unknown type, status outside 0..2) @out is unchanged
 */
gboolean
wb_system_message_encode(const WbSystemMessage *msg, GByteArray *out, GError **error)
{
	switch (msg->type) {
	case WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE:
	case WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE:
	case WB_SYSTEM_MESSAGE_FIRMWARE_FAIL:
	case WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE:
	case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP:
	case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START:
	case WB_SYSTEM_MESSAGE_MAP_RETRY:
	case WB_SYSTEM_MESSAGE_MAP_CONNECTED:
	case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS:
		wb_put_u8(out, 0x00);
		wb_put_u8(out, (guint8)msg->type);
		return TRUE;
	case WB_SYSTEM_MESSAGE_FIRMWARE_START:
		wb_put_u8(out, 0x00);
		wb_put_u8(out, WB_SYSTEM_MESSAGE_FIRMWARE_START);
		if (msg->has_byte_counts) {
			wb_put_u32_le(out, msg->bytes_already_transferred);
			wb_put_u32_le(out, msg->bytes_to_transfer);
		}
		return TRUE;
	case WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE:
		if (!start_status_is_valid(msg->status)) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "SystemMessage FirmwareStartResponse: status '%u' is not 0..2",
				    (guint)msg->status);
			return FALSE;
		}
		wb_put_u8(out, 0x00);
		wb_put_u8(out, WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE);
		wb_put_u8(out, (guint8)msg->status);
		return TRUE;
	case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE:
		wb_put_u8(out, 0x00);
		wb_put_u8(out, WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE);
		wb_put_zeros(out, 2);
		wb_put_u32_le(out, msg->resource_bytes_written);
		wb_put_u32_le(out, msg->resource_crc);
		wb_put_u32_le(out, msg->firmware_bytes_written);
		wb_put_u32_le(out, msg->firmware_crc);
		return TRUE;
	default:
		break;
	}
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
		    "SystemMessage: unknown type '%u'", (guint)msg->type);
	return FALSE;
}
