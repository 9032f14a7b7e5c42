/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-frame.h"
#include "wb-phone.h"

/**
 * wb_phone_message_new:
 * @command: the command
 * @cookie: the call's cookie
 *
 * Allocates a message, e.g. an item for a STATE_RESPONSE.
 *
 * Returns: (transfer full): a new message without number or name
 */
WbPhoneMessage *
wb_phone_message_new(WbPhoneCommand command, guint32 cookie)
{
	WbPhoneMessage *msg = g_new0(WbPhoneMessage, 1);

	msg->command = command;
	msg->cookie = cookie;
	return msg;
}

/**
 * wb_phone_message_free:
 * @msg: (nullable): a message from wb_phone_message_new()
 *
 * Frees @msg and everything it owns.
 */
void
wb_phone_message_free(WbPhoneMessage *msg)
{
	if (msg == NULL)
		return;
	wb_phone_message_clear(msg);
	g_free(msg);
}

/**
 * wb_phone_message_add_item:
 * @msg: a STATE_RESPONSE message
 * @item: (transfer full): a call message (INCOMING, OUTGOING, START, END…)
 *
 * Appends @item to the list of current calls.
 */
void
wb_phone_message_add_item(WbPhoneMessage *msg, WbPhoneMessage *item)
{
	g_return_if_fail(item != NULL);
	if (msg->items == NULL)
		msg->items = g_ptr_array_new_with_free_func((GDestroyNotify)wb_phone_message_free);
	g_ptr_array_add(msg->items, item);
}

/**
 * wb_phone_message_clear:
 * @msg: a message
 *
 * Frees the strings and items and zeroes @msg. Accepts a zeroed struct.
 */
void
wb_phone_message_clear(WbPhoneMessage *msg)
{
	g_clear_pointer(&msg->number, g_free);
	g_clear_pointer(&msg->name, g_free);
	g_clear_pointer(&msg->items, g_ptr_array_unref);
	memset(msg, 0, sizeof(*msg));
}

static gboolean
wb_phone_command_is_valid(guint command)
{
	switch ((WbPhoneCommand)command) {
	case WB_PHONE_COMMAND_ANSWER:
	case WB_PHONE_COMMAND_HANGUP:
	case WB_PHONE_COMMAND_GET_STATE:
	case WB_PHONE_COMMAND_INCOMING:
	case WB_PHONE_COMMAND_OUTGOING:
	case WB_PHONE_COMMAND_MISSED:
	case WB_PHONE_COMMAND_RING:
	case WB_PHONE_COMMAND_START:
	case WB_PHONE_COMMAND_END:
	case WB_PHONE_COMMAND_STATE_RESPONSE:
		return TRUE;
	}
	return FALSE;
}

/* The P→W call messages, the only ones a STATE_RESPONSE may list (§5; LP2 `CallStateItem`) */
static gboolean
wb_phone_command_is_call(guint command)
{
	return command >= WB_PHONE_COMMAND_INCOMING && command <= WB_PHONE_COMMAND_END;
}

static gboolean wb_phone_decode_body(WbReader *r, gboolean in_list, WbPhoneMessage *msg,
				     GError **error);

/* §5 0x83: `u8 len` + a call message, repeated to the end of the payload; no cookie */
static gboolean
wb_phone_decode_items(WbReader *r, WbPhoneMessage *msg, GError **error)
{
	while (wb_reader_remaining(r) > 0) {
		g_autoptr(WbPhoneMessage) item = g_new0(WbPhoneMessage, 1);
		guint8 item_len = wb_reader_u8(r);
		const guint8 *data = wb_reader_bytes(r, item_len);
		WbReader item_r;

		if (!wb_reader_check(r, "phone state item", error))
			return FALSE;
		wb_reader_init(&item_r, data, item_len);
		if (!wb_phone_decode_body(&item_r, TRUE, item, error)) {
			g_prefix_error(error, "phone state response: ");
			return FALSE;
		}
		wb_phone_message_add_item(msg, g_steal_pointer(&item));
	}
	return TRUE;
}

/*
 * Decodes one message from @r. Bytes after the fields are ignored where the firmware ignores
 * them (every P→W message: it only checks that it does not run off the end, FW
 * `phone_protocol_msg_callback`); the W→P Answer/Hangup must be exact.
 */
static gboolean
wb_phone_decode_body(WbReader *r, gboolean in_list, WbPhoneMessage *msg, GError **error)
{
	guint8 command = wb_reader_u8(r);

	if (!wb_reader_check(r, "phone message", error))
		return FALSE;
	if (!wb_phone_command_is_valid(command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "phone message: unknown command 0x%02x", command);
		return FALSE;
	}
	if (in_list && !wb_phone_command_is_call(command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "phone state item: command 0x%02x is not a call message", command);
		return FALSE;
	}
	msg->command = (WbPhoneCommand)command;
	switch (msg->command) {
	case WB_PHONE_COMMAND_ANSWER:
	case WB_PHONE_COMMAND_HANGUP:
		msg->cookie = wb_reader_u32_le(r);
		return wb_reader_check_end(r, "phone message", error);
	case WB_PHONE_COMMAND_GET_STATE:
		/* FW sends the command byte alone; LP2 would add a cookie: ignore the rest */
		return TRUE;
	case WB_PHONE_COMMAND_INCOMING:
		msg->cookie = wb_reader_u32_le(r);
		msg->number = wb_reader_pascal_string(r);
		msg->name = wb_reader_pascal_string(r);
		return wb_reader_check(r, "phone message", error);
	case WB_PHONE_COMMAND_MISSED:
		/* LP2 gives it a number and a name; the firmware ignores the message */
		msg->cookie = wb_reader_u32_le(r);
		if (wb_reader_remaining(r) > 0) {
			msg->number = wb_reader_pascal_string(r);
			msg->name = wb_reader_pascal_string(r);
		}
		return wb_reader_check(r, "phone message", error);
	case WB_PHONE_COMMAND_OUTGOING:
	case WB_PHONE_COMMAND_RING:
	case WB_PHONE_COMMAND_START:
	case WB_PHONE_COMMAND_END:
		msg->cookie = wb_reader_u32_le(r);
		return wb_reader_check(r, "phone message", error);
	case WB_PHONE_COMMAND_STATE_RESPONSE:
		return wb_phone_decode_items(r, msg, error);
	}
	return TRUE;
}

/**
 * wb_phone_message_decode:
 * @buf: (array length=len): an endpoint 0x0021 payload
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes a phone control message of either direction (§5). Answer and Hangup must be exactly
 * command + cookie; bytes after the known fields of the other messages are ignored, as the
 * firmware does. A STATE_RESPONSE is a list of `u8 len` + call message (INCOMING…END, else
 * BAD_VALUE) running to the end of the payload; an item that runs past the end is TRUNCATED.
 * An unknown command is UNKNOWN_TYPE.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_phone_message_decode(const guint8 *buf, gsize len, WbPhoneMessage *out, GError **error)
{
	g_auto(WbPhoneMessage) msg = {0};
	WbReader r;

	memset(out, 0, sizeof(*out));
	if (len > WB_FRAME_MAX_WATCH_INBOUND) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "phone message: %" G_GSIZE_FORMAT " bytes, the watch takes at most %d",
			    len, WB_FRAME_MAX_WATCH_INBOUND);
		return FALSE;
	}
	wb_reader_init(&r, buf, len);
	if (!wb_phone_decode_body(&r, FALSE, &msg, error))
		return FALSE;
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

/* Appends one message; @in_list restricts it to call messages. Leaves @out as it was on
 * failure. */
static gboolean
wb_phone_encode_body(const WbPhoneMessage *msg, gboolean in_list, GByteArray *out, GError **error)
{
	gsize start = out->len;

	if (!wb_phone_command_is_valid(msg->command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "phone message: unknown command 0x%02x", (guint)msg->command);
		return FALSE;
	}
	if (in_list && !wb_phone_command_is_call(msg->command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "phone state item: command 0x%02x is not a call message",
			    (guint)msg->command);
		return FALSE;
	}
	wb_put_u8(out, (guint8)msg->command);
	switch (msg->command) {
	case WB_PHONE_COMMAND_GET_STATE:
		break;
	case WB_PHONE_COMMAND_ANSWER:
	case WB_PHONE_COMMAND_HANGUP:
	case WB_PHONE_COMMAND_OUTGOING:
	case WB_PHONE_COMMAND_RING:
	case WB_PHONE_COMMAND_START:
	case WB_PHONE_COMMAND_END:
		wb_put_u32_le(out, msg->cookie);
		break;
	case WB_PHONE_COMMAND_INCOMING:
	case WB_PHONE_COMMAND_MISSED:
		wb_put_u32_le(out, msg->cookie);
		if (msg->command == WB_PHONE_COMMAND_MISSED && msg->number == NULL &&
		    msg->name == NULL)
			break;
		if (!wb_put_pascal_string(out, msg->number, "phone caller number", error) ||
		    !wb_put_pascal_string(out, msg->name, "phone caller name", error)) {
			g_byte_array_set_size(out, (guint)start);
			return FALSE;
		}
		break;
	case WB_PHONE_COMMAND_STATE_RESPONSE:
		for (guint i = 0; msg->items != NULL && i < msg->items->len; i++) {
			gsize item_start = out->len;
			gsize item_len;

			wb_put_u8(out, 0); /* length, patched below */
			if (!wb_phone_encode_body(g_ptr_array_index(msg->items, i), TRUE, out,
						  error)) {
				g_byte_array_set_size(out, (guint)start);
				return FALSE;
			}
			item_len = out->len - item_start - 1;
			if (item_len > G_MAXUINT8) {
				g_byte_array_set_size(out, (guint)start);
				g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
					    "phone state item: %" G_GSIZE_FORMAT
					    " bytes, the most is 255",
					    item_len);
				return FALSE;
			}
			out->data[item_start] = (guint8)item_len;
		}
		break;
	}
	return TRUE;
}

/**
 * wb_phone_message_encode:
 * @msg: the message
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends a phone control message. GET_STATE is the command byte alone and STATE_RESPONSE the
 * command byte and its items, as the firmware reads them; MISSED carries number and name only
 * when one of them is set. Numbers and names over 255 bytes, items over 255 bytes and payloads
 * over %WB_FRAME_MAX_WATCH_INBOUND are TOO_LONG; an unknown command or a non-call item is
 * BAD_VALUE.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_phone_message_encode(const WbPhoneMessage *msg, GByteArray *out, GError **error)
{
	gsize start = out->len;

	if (!wb_phone_encode_body(msg, FALSE, out, error))
		return FALSE;
	if (out->len - start > WB_FRAME_MAX_WATCH_INBOUND) {
		gsize len = out->len - start;

		g_byte_array_set_size(out, (guint)start);
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "phone message: %" G_GSIZE_FORMAT " bytes, the watch takes at most %d",
			    len, WB_FRAME_MAX_WATCH_INBOUND);
		return FALSE;
	}
	return TRUE;
}
