/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Data logging, endpoint 6778 (reference §6): every message of table 6.1, both directions, all
 * little-endian. Layouts follow FW services/normal/data_logging/dls_endpoint.c and
 * dls_private.h (packed structs), cross-checked with LP2 protocol/data_logging.py.
 *
 * Trailing bytes after a fixed-layout message are ignored, not an error: the firmware's
 * receive handler reads only the bytes it needs (data[1]) and the phone-side parsers (GB
 * decodeDatalog, LP2) read fields without checking the end, so a longer message from a newer
 * peer is still understood. SendData and ReportOpenSessions have no fixed end: their last field
 * takes the rest of the payload.
 */
#include <string.h>

#include "wb-crc.h"
#include "wb-datalog.h"
#include "wb-frame.h"

/* §6.2: command, session id, uuid, timestamp, tag, item type, item size */
#define OPEN_SESSION_LEN (1 + 1 + 16 + 4 + 4 + 1 + 2)

/**
 * wb_datalog_message_clear:
 * @msg: a message; may be zeroed
 *
 * Frees the members of @msg and leaves it zeroed.
 */
void
wb_datalog_message_clear(WbDatalogMessage *msg)
{
	g_clear_pointer(&msg->send.data, g_bytes_unref);
	g_clear_pointer(&msg->session_ids, g_bytes_unref);
	memset(msg, 0, sizeof(*msg));
}

/**
 * wb_datalog_command_is_from_phone:
 * @command: a command
 *
 * Returns: %TRUE for the commands the phone sends (bit 7 set, §6)
 */
gboolean
wb_datalog_command_is_from_phone(WbDatalogCommand command)
{
	return ((guint)command & WB_DATALOG_CMD_FROM_PHONE) != 0;
}

/**
 * wb_datalog_command_to_string:
 * @command: a command
 *
 * Returns: a short name for logs; "unknown" for values outside the enum
 */
const gchar *
wb_datalog_command_to_string(WbDatalogCommand command)
{
	switch (command) {
	case WB_DATALOG_CMD_OPEN_SESSION:
		return "open-session";
	case WB_DATALOG_CMD_SEND_DATA:
		return "send-data";
	case WB_DATALOG_CMD_CLOSE_SESSION:
		return "close-session";
	case WB_DATALOG_CMD_TIMEOUT:
		return "timeout";
	case WB_DATALOG_CMD_SEND_ENABLE_RESPONSE:
		return "send-enable-response";
	case WB_DATALOG_CMD_REPORT_OPEN_SESSIONS:
		return "report-open-sessions";
	case WB_DATALOG_CMD_ACK:
		return "ack";
	case WB_DATALOG_CMD_NACK:
		return "nack";
	case WB_DATALOG_CMD_EMPTY_SESSION:
		return "empty-session";
	case WB_DATALOG_CMD_GET_SEND_ENABLE:
		return "get-send-enable";
	case WB_DATALOG_CMD_SET_SEND_ENABLE:
		return "set-send-enable";
	}
	return "unknown";
}

/* §6.2 / FW dls_create(): integers are 1, 2 or 4 bytes; no item may be empty. */
static gboolean
check_item_format(guint type, guint16 item_size, GError **error)
{
	switch (type) {
	case WB_DATALOG_ITEM_BYTE_ARRAY:
		if (item_size == 0)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "data logging OpenSession: item_size '0'");
		return TRUE;
	case WB_DATALOG_ITEM_UINT:
	case WB_DATALOG_ITEM_INT:
		if (item_size != 1 && item_size != 2 && item_size != 4)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "data logging OpenSession: integer item_size '%u' is "
					     "not 1, 2 or 4",
					     item_size);
		return TRUE;
	default:
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "data logging OpenSession: item_type '%u' is not 0, 2 or 3",
				     type);
	}
}

static gboolean
check_enabled(guint8 v, const gchar *what, GError **error)
{
	/* a bool on the wire (FW struct PACKED { uint8_t command; uint8_t enabled; }) */
	if (v > 1)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "data logging %s: enabled '%u' is not 0 or 1", what, v);
	return TRUE;
}

static gboolean
check_send_data_len(gsize n, GError **error)
{
	/* FW dls_endpoint_send_data() never sends an empty chunk */
	if (n == 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "data logging SendData: no data");
	if (n > WB_DATALOG_MAX_DATA_LEN)
		return wb_proto_fail(error, WB_PROTO_ERROR_TOO_LONG,
				     "data logging SendData: %" G_GSIZE_FORMAT
				     " data bytes, more than %d",
				     n, WB_DATALOG_MAX_DATA_LEN);
	return TRUE;
}

static gboolean
check_report_len(gsize n, GError **error)
{
	/* one id per byte of a phone-to-watch payload (§1.2) */
	if (n > WB_FRAME_MAX_WATCH_INBOUND - 1)
		return wb_proto_fail(error, WB_PROTO_ERROR_TOO_LONG,
				     "data logging ReportOpenSessions: %" G_GSIZE_FORMAT
				     " ids, more than %d",
				     n, WB_FRAME_MAX_WATCH_INBOUND - 1);
	return TRUE;
}

static gboolean
decode_body(guint8 cmd, WbReader *r, WbDatalogMessage *m, GError **error)
{
	const guint8 *p;
	gsize n = 0;
	guint8 type, v;

	switch (cmd) {
	case WB_DATALOG_CMD_OPEN_SESSION:
		m->session_id = wb_reader_u8(r);
		wb_reader_uuid(r, &m->open.app_uuid);
		m->open.timestamp = wb_reader_u32_le(r);
		m->open.tag = wb_reader_u32_le(r);
		type = wb_reader_u8(r);
		m->open.item_size = wb_reader_u16_le(r);
		if (!wb_reader_check(r, "data logging OpenSession", error))
			return FALSE;
		if (!check_item_format(type, m->open.item_size, error))
			return FALSE;
		m->open.item_type = (WbDatalogItemType)type;
		return TRUE;
	case WB_DATALOG_CMD_SEND_DATA:
		m->session_id = wb_reader_u8(r);
		m->send.items_left = wb_reader_u32_le(r);
		m->send.crc = wb_reader_u32_le(r);
		if (!wb_reader_check(r, "data logging SendData", error))
			return FALSE;
		p = wb_reader_rest(r, &n);
		if (!check_send_data_len(n, error))
			return FALSE;
		m->send.data = g_bytes_new(p, n);
		return TRUE;
	case WB_DATALOG_CMD_CLOSE_SESSION:
	case WB_DATALOG_CMD_TIMEOUT:
	case WB_DATALOG_CMD_ACK:
	case WB_DATALOG_CMD_NACK:
	case WB_DATALOG_CMD_EMPTY_SESSION:
		/* §6.1: Timeout carries the id (FW send_timeout_msg); LP2's model omits it */
		m->session_id = wb_reader_u8(r);
		return wb_reader_check(r, "data logging session message", error);
	case WB_DATALOG_CMD_SEND_ENABLE_RESPONSE:
	case WB_DATALOG_CMD_SET_SEND_ENABLE:
		v = wb_reader_u8(r);
		if (!wb_reader_check(r, "data logging send-enable", error))
			return FALSE;
		if (!check_enabled(v, "send-enable", error))
			return FALSE;
		m->enabled = v == 1;
		return TRUE;
	case WB_DATALOG_CMD_GET_SEND_ENABLE:
		return TRUE;
	case WB_DATALOG_CMD_REPORT_OPEN_SESSIONS:
		p = wb_reader_rest(r, &n);
		if (!check_report_len(n, error))
			return FALSE;
		m->session_ids = g_bytes_new(p, n);
		return TRUE;
	default:
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
				     "data logging: unknown command 0x%02x", cmd);
	}
}

/**
 * wb_datalog_decode:
 * @buf: (array length=len): the payload of an endpoint 6778 frame
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes any data-logging message (§6.1), whichever side sent it. Unknown command bytes,
 * including a phone command without bit 7, fail with %WB_PROTO_ERROR_UNKNOWN_TYPE; an item
 * type outside 0/2/3, an impossible item size, or an enabled flag other than 0/1 with
 * %WB_PROTO_ERROR_BAD_VALUE; SendData without data with %WB_PROTO_ERROR_BAD_VALUE and with more
 * than %WB_DATALOG_MAX_DATA_LEN bytes with %WB_PROTO_ERROR_TOO_LONG. Extra bytes after a
 * fixed-layout message are ignored.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_datalog_decode(const guint8 *buf, gsize len, WbDatalogMessage *out, GError **error)
{
	WbDatalogMessage m = {0};
	WbReader r;
	guint8 cmd;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	cmd = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "data logging message", error))
		return FALSE;
	m.command = (WbDatalogCommand)cmd;
	if (!decode_body(cmd, &r, &m, error)) {
		wb_datalog_message_clear(&m);
		return FALSE;
	}
	*out = m;
	return TRUE;
}

/**
 * wb_datalog_encode:
 * @msg: the message
 * @out: the payload is appended here
 * @error: return location for a #GError
 *
 * Encodes @msg (§6.1). Only the fields of @msg->command are written. SendData writes
 * @msg->send.crc as given: compute it with wb_crc_stm32() over the data.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_datalog_encode(const WbDatalogMessage *msg, GByteArray *out, GError **error)
{
	const guint8 *p;
	gsize n = 0;

	switch (msg->command) {
	case WB_DATALOG_CMD_OPEN_SESSION:
		if (!check_item_format(msg->open.item_type, msg->open.item_size, error))
			return FALSE;
		wb_put_u8(out, msg->command);
		wb_put_u8(out, msg->session_id);
		wb_put_uuid(out, &msg->open.app_uuid);
		wb_put_u32_le(out, msg->open.timestamp);
		wb_put_u32_le(out, msg->open.tag);
		wb_put_u8(out, msg->open.item_type);
		wb_put_u16_le(out, msg->open.item_size);
		return TRUE;
	case WB_DATALOG_CMD_SEND_DATA:
		p = msg->send.data != NULL ? g_bytes_get_data(msg->send.data, &n) : NULL;
		if (!check_send_data_len(n, error))
			return FALSE;
		wb_put_u8(out, msg->command);
		wb_put_u8(out, msg->session_id);
		wb_put_u32_le(out, msg->send.items_left);
		wb_put_u32_le(out, msg->send.crc);
		wb_put_bytes(out, p, n);
		return TRUE;
	case WB_DATALOG_CMD_CLOSE_SESSION:
	case WB_DATALOG_CMD_TIMEOUT:
	case WB_DATALOG_CMD_ACK:
	case WB_DATALOG_CMD_NACK:
	case WB_DATALOG_CMD_EMPTY_SESSION:
		wb_put_u8(out, msg->command);
		wb_put_u8(out, msg->session_id);
		return TRUE;
	case WB_DATALOG_CMD_SEND_ENABLE_RESPONSE:
	case WB_DATALOG_CMD_SET_SEND_ENABLE:
		wb_put_u8(out, msg->command);
		wb_put_u8(out, msg->enabled ? 1 : 0);
		return TRUE;
	case WB_DATALOG_CMD_GET_SEND_ENABLE:
		wb_put_u8(out, msg->command);
		return TRUE;
	case WB_DATALOG_CMD_REPORT_OPEN_SESSIONS:
		p = msg->session_ids != NULL ? g_bytes_get_data(msg->session_ids, &n) : NULL;
		if (!check_report_len(n, error))
			return FALSE;
		wb_put_u8(out, msg->command);
		wb_put_bytes(out, p, n);
		return TRUE;
	}
	return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
			     "data logging: cannot encode unknown command 0x%02x",
			     (guint)msg->command);
}

/**
 * wb_datalog_check_items:
 * @data_len: length of a SendData's data
 * @item_size: the item size from the session's OpenSession
 * @error: return location for a #GError
 *
 * Checks that SendData carries whole items only (§6.3). SendData itself does not say the item
 * size, so the service calls this with the size the session was opened with.
 *
 * Returns: %TRUE if @data_len is a non-zero multiple of a non-zero @item_size; otherwise
 * %FALSE with %WB_PROTO_ERROR_BAD_VALUE
 */
gboolean
wb_datalog_check_items(gsize data_len, guint16 item_size, GError **error)
{
	if (item_size == 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "data logging: item size '0'");
	if (data_len == 0 || data_len % item_size != 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "data logging: %" G_GSIZE_FORMAT
				     " data bytes are not whole items of %u bytes",
				     data_len, item_size);
	return TRUE;
}

/**
 * wb_datalog_send_data_check_crc:
 * @send: a decoded SendData
 * @error: return location for a #GError
 *
 * Verifies the SendData checksum (§6.5). The phone libraries do not check it; a mismatch is
 * worth a NACK, after which the watch keeps the data and sends it again.
 *
 * Returns: %TRUE if @send->crc matches the data; otherwise %FALSE with
 * %WB_PROTO_ERROR_BAD_CHECKSUM
 */
gboolean
wb_datalog_send_data_check_crc(const WbDatalogSendData *send, GError **error)
{
	gsize n = 0;
	const guint8 *p = send->data != NULL ? g_bytes_get_data(send->data, &n) : NULL;
	guint32 crc = wb_crc_stm32(p, n);

	if (crc != send->crc)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_CHECKSUM,
				     "data logging SendData: checksum 0x%08x, data gives 0x%08x",
				     send->crc, crc);
	return TRUE;
}
