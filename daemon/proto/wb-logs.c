/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-logs.h"

#include <string.h>

/**
 * wb_log_record_clear:
 * @msg: a record; may be zeroed
 *
 * Frees the members of @msg and leaves it zeroed.
 */
void
wb_log_record_clear(WbLogRecord *msg)
{
	g_clear_pointer(&msg->filename, g_free);
	g_clear_pointer(&msg->message, g_free);
	memset(msg, 0, sizeof(*msg));
}

/* Reads a record that must fill the rest of the reader: the firmware sends the header plus
 * exactly message-length bytes (pbl_log_binary_format), so anything after is an error. */
static gboolean
log_record_read(WbReader *r, WbLogRecord *out, const gchar *what, GError **error)
{
	guint8 message_len;
	const guint8 *message;

	/* §8.7: timestamp and line are big-endian (the firmware htonl()s them) */
	out->timestamp = wb_reader_u32_be(r);
	out->level = wb_reader_u8(r);
	message_len = wb_reader_u8(r);
	out->line = wb_reader_u16_be(r);
	out->filename = wb_reader_string(r, WB_LOG_RECORD_FILENAME_LEN);
	message = wb_reader_bytes(r, message_len);
	if (!wb_reader_check_end(r, what, error)) {
		wb_log_record_clear(out);
		return FALSE;
	}
	out->message = wb_proto_string_from_bytes(message, message_len);
	return TRUE;
}

static gboolean
log_record_write(const WbLogRecord *msg, GByteArray *out, const gchar *what, GError **error)
{
	gsize filename_len = msg->filename != NULL ? strlen(msg->filename) : 0;
	gsize message_len = msg->message != NULL ? strlen(msg->message) : 0;

	if (filename_len > WB_LOG_RECORD_FILENAME_LEN) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "%s: filename of %" G_GSIZE_FORMAT " bytes is longer than %u", what,
			    filename_len, (guint)WB_LOG_RECORD_FILENAME_LEN);
		return FALSE;
	}
	if (message_len > WB_LOG_RECORD_MESSAGE_MAX) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "%s: message of %" G_GSIZE_FORMAT " bytes is longer than %u", what,
			    message_len, (guint)WB_LOG_RECORD_MESSAGE_MAX);
		return FALSE;
	}
	wb_put_u32_be(out, msg->timestamp);
	wb_put_u8(out, msg->level);
	wb_put_u8(out, (guint8)message_len);
	wb_put_u16_be(out, msg->line);
	wb_put_fixed_string(out, msg->filename, WB_LOG_RECORD_FILENAME_LEN);
	wb_put_bytes(out, msg->message, message_len);
	return TRUE;
}

/**
 * wb_app_logs_control_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out_enable: (out): whether app log streaming is switched on; written only on success
 * @error: return location for a #GError
 *
 * Decodes the phone's AppLogs command: `01` enable, `00` disable. Later bytes are ignored, as
 * the firmware does; other commands are %WB_PROTO_ERROR_UNKNOWN_TYPE.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_app_logs_control_decode(const guint8 *buf, gsize len, gboolean *out_enable, GError **error)
{
	WbReader r;
	guint8 command;

	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "AppLogs command", error))
		return FALSE;
	switch (command) {
	case WB_APP_LOGS_ENABLE:
		*out_enable = TRUE;
		return TRUE;
	case WB_APP_LOGS_DISABLE:
		*out_enable = FALSE;
		return TRUE;
	default:
		break;
	}
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
		    "AppLogs command: unknown command '0x%02x'", command);
	return FALSE;
}

/**
 * wb_app_logs_control_encode:
 * @enable: switch app log streaming on or off
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Returns: %TRUE
 */
gboolean
wb_app_logs_control_encode(gboolean enable, GByteArray *out, GError **error)
{
	wb_put_u8(out, enable ? WB_APP_LOGS_ENABLE : WB_APP_LOGS_DISABLE);
	return TRUE;
}

/**
 * wb_app_log_message_clear:
 * @msg: a message; may be zeroed
 *
 * Frees the members of @msg and leaves it zeroed.
 */
void
wb_app_log_message_clear(WbAppLogMessage *msg)
{
	wb_log_record_clear(&msg->record);
	memset(msg, 0, sizeof(*msg));
}

/**
 * wb_app_log_message_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes an app log line: UUID, then a log record. The message length byte must match the
 * bytes that follow exactly.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_app_log_message_decode(const guint8 *buf, gsize len, WbAppLogMessage *out, GError **error)
{
	WbReader r;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	wb_reader_uuid(&r, &out->uuid);
	if (!log_record_read(&r, &out->record, "AppLogs message", error)) {
		memset(out, 0, sizeof(*out));
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_app_log_message_encode:
 * @msg: the message
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Encodes an app log line (the simulated watch sends it).
 *
 * Returns: %TRUE on success; on failure (filename over 16 or message over 255 bytes) @out is
 *   unchanged
 */
gboolean
wb_app_log_message_encode(const WbAppLogMessage *msg, GByteArray *out, GError **error)
{
	guint start = out->len;

	wb_put_uuid(out, &msg->uuid);
	if (!log_record_write(&msg->record, out, "AppLogs message", error)) {
		g_byte_array_set_size(out, start);
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_log_dump_message_clear:
 * @msg: a message; may be zeroed
 *
 * Frees the members of @msg and leaves it zeroed.
 */
void
wb_log_dump_message_clear(WbLogDumpMessage *msg)
{
	wb_log_record_clear(&msg->record);
	memset(msg, 0, sizeof(*msg));
}

/**
 * wb_log_dump_message_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes a LogDump message. Every message has an exact length (the firmware ignores a
 * request of any other length than 6), so extra bytes are %WB_PROTO_ERROR_TRAILING_DATA. The
 * firmware also knows the 1.x requests 0x00/0x01 (generation 0/1); nobody sends them since
 * 2.x, so they are %WB_PROTO_ERROR_UNKNOWN_TYPE here like any other command.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_log_dump_message_decode(const guint8 *buf, gsize len, WbLogDumpMessage *out, GError **error)
{
	WbReader r;
	guint8 command;
	gboolean ok = FALSE;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "LogDump", error))
		return FALSE;

	switch (command) {
	case WB_LOG_DUMP_REQUEST:
		out->generation = wb_reader_u8(&r);
		/* the cookie is opaque: the firmware copies the 4 bytes from its packed struct
		 * into every answer, so we read it in the watch's (little-endian) order */
		out->cookie = wb_reader_u32_le(&r);
		ok = wb_reader_check_end(&r, "LogDump request", error);
		break;
	case WB_LOG_DUMP_RECORD:
		out->cookie = wb_reader_u32_le(&r);
		ok = log_record_read(&r, &out->record, "LogDump record", error);
		break;
	case WB_LOG_DUMP_DONE:
	case WB_LOG_DUMP_NO_LOGS:
		out->cookie = wb_reader_u32_le(&r);
		ok = wb_reader_check_end(&r, "LogDump", error);
		break;
	default:
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "LogDump: unknown command '0x%02x'", command);
		break;
	}
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return FALSE;
	}
	out->command = (WbLogDumpCommand)command;
	return TRUE;
}

/**
 * wb_log_dump_message_encode:
 * @msg: the message
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Encodes a LogDump message.
 *
 * Returns: %TRUE on success; on failure (unknown command, filename over 16 or message over
 *   255 bytes) @out is unchanged
 */
gboolean
wb_log_dump_message_encode(const WbLogDumpMessage *msg, GByteArray *out, GError **error)
{
	guint start = out->len;

	switch (msg->command) {
	case WB_LOG_DUMP_REQUEST:
		wb_put_u8(out, WB_LOG_DUMP_REQUEST);
		wb_put_u8(out, msg->generation);
		wb_put_u32_le(out, msg->cookie);
		return TRUE;
	case WB_LOG_DUMP_RECORD:
		wb_put_u8(out, WB_LOG_DUMP_RECORD);
		wb_put_u32_le(out, msg->cookie);
		if (!log_record_write(&msg->record, out, "LogDump record", error)) {
			g_byte_array_set_size(out, start);
			return FALSE;
		}
		return TRUE;
	case WB_LOG_DUMP_DONE:
	case WB_LOG_DUMP_NO_LOGS:
		wb_put_u8(out, (guint8)msg->command);
		wb_put_u32_le(out, msg->cookie);
		return TRUE;
	default:
		break;
	}
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
		    "LogDump: unknown command '%u'", (guint)msg->command);
	return FALSE;
}
