/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-putbytes.h"

#include <string.h>

/* resume info: u32 magic, u32 append offset (§8.2) */
#define RESUME_LEN 8

/**
 * wb_put_bytes_message_clear:
 * @msg: a message; may be zeroed
 *
 * Frees the members of @msg and leaves it zeroed.
 */
void
wb_put_bytes_message_clear(WbPutBytesMessage *msg)
{
	g_clear_pointer(&msg->filename, g_free);
	g_clear_pointer(&msg->data, g_bytes_unref);
	memset(msg, 0, sizeof(*msg));
}

/**
 * wb_put_bytes_object_type_to_string:
 * @type: an object type
 *
 * Returns: a short name for logs; "unknown" for values outside the enum
 */
const gchar *
wb_put_bytes_object_type_to_string(WbPutBytesObjectType type)
{
	switch (type) {
	case WB_PUT_BYTES_OBJECT_FIRMWARE:
		return "firmware";
	case WB_PUT_BYTES_OBJECT_RECOVERY:
		return "recovery";
	case WB_PUT_BYTES_OBJECT_SYSTEM_RESOURCES:
		return "system-resources";
	case WB_PUT_BYTES_OBJECT_APP_RESOURCES:
		return "app-resources";
	case WB_PUT_BYTES_OBJECT_APP_BINARY:
		return "app-binary";
	case WB_PUT_BYTES_OBJECT_FILE:
		return "file";
	case WB_PUT_BYTES_OBJECT_WORKER:
		return "worker";
	}
	return "unknown";
}

static gboolean
object_type_is_valid(guint type)
{
	return type >= WB_PUT_BYTES_OBJECT_FIRMWARE && type <= WB_PUT_BYTES_OBJECT_WORKER;
}

static gboolean
put_bytes_init_decode(const guint8 *buf, gsize len, WbPutBytesMessage *out, GError **error)
{
	WbReader r;
	guint8 type_byte;
	gsize pos;

	wb_reader_init(&r, buf, len);
	wb_reader_skip(&r, 1);
	out->object_size = wb_reader_u32_be(&r);
	type_byte = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "PutBytes Init", error))
		return FALSE;

	/* §8.2: bits 0-6 are the object type, bit 7 says the target is an install id */
	out->has_cookie = (type_byte & WB_PUT_BYTES_TYPE_HAS_COOKIE) != 0;
	if (!object_type_is_valid(type_byte & 0x7F)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "PutBytes Init: object type '%u' is not 1..7", type_byte & 0x7Fu);
		return FALSE;
	}
	out->object_type = (WbPutBytesObjectType)(type_byte & 0x7F);

	if (out->has_cookie) {
		out->cookie = wb_reader_u32_be(&r);
	} else {
		out->bank = wb_reader_u8(&r);
	}
	if (!wb_reader_check(&r, "PutBytes Init", error))
		return FALSE;
	pos = r.pos;

	if (!out->has_cookie && out->object_type == WB_PUT_BYTES_OBJECT_FILE) {
		/* a named object: NUL-terminated filename after the bank (the firmware strcpy()s
		 * it, so it must be terminated inside the message) */
		const guint8 *name = buf + pos;
		gsize avail = len - pos;
		const guint8 *nul = memchr(name, 0, avail);
		gsize name_len;

		if (nul == NULL) {
			if (avail > WB_PUT_BYTES_FILENAME_MAX) {
				g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
					    "PutBytes Init: filename longer than %u bytes",
					    (guint)WB_PUT_BYTES_FILENAME_MAX);
			} else {
				g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED,
					    "PutBytes Init: filename not NUL-terminated");
			}
			return FALSE;
		}
		name_len = (gsize)(nul - name);
		if (name_len == 0) {
			g_set_error_literal(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
					    "PutBytes Init: empty filename for a File object");
			return FALSE;
		}
		if (name_len > WB_PUT_BYTES_FILENAME_MAX) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
				    "PutBytes Init: filename of %" G_GSIZE_FORMAT
				    " bytes is longer than %u",
				    name_len, (guint)WB_PUT_BYTES_FILENAME_MAX);
			return FALSE;
		}
		out->filename = wb_proto_string_from_bytes(name, name_len);
		pos += name_len + 1;
	}

	/* §8.2: the resume info is the message's last 8 bytes, recognised only by its magic
	 * (the firmware looks there whatever the target). Bytes between the target and the end
	 * are ignored, as the firmware does: libpebble2 sends an empty filename after the bank of
	 * every object type, other clients send names the firmware never reads. */
	if (len >= pos + RESUME_LEN) {
		WbReader tail;

		wb_reader_init(&tail, buf + len - RESUME_LEN, RESUME_LEN);
		if (wb_reader_u32_be(&tail) == WB_PUT_BYTES_RESUME_MAGIC) {
			out->has_resume = TRUE;
			out->append_offset = wb_reader_u32_be(&tail);
		}
	}
	return TRUE;
}

static gboolean
put_bytes_put_decode(const guint8 *buf, gsize len, WbPutBytesMessage *out, GError **error)
{
	WbReader r;
	guint32 data_len;
	const guint8 *data;

	wb_reader_init(&r, buf, len);
	wb_reader_skip(&r, 1);
	out->token = wb_reader_u32_be(&r);
	data_len = wb_reader_u32_be(&r);
	if (!wb_reader_check(&r, "PutBytes Put", error))
		return FALSE;
	if (data_len > WB_PUT_BYTES_MAX_CHUNK) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "PutBytes Put: length %u exceeds %u", data_len,
			    (guint)WB_PUT_BYTES_MAX_CHUNK);
		return FALSE;
	}
	/* The firmware only refuses a length larger than the data; we also refuse a shorter
	 * one, since no client sends padding and a mismatch means a framing bug. */
	data = wb_reader_bytes(&r, data_len);
	if (!wb_reader_check_end(&r, "PutBytes Put", error))
		return FALSE;
	out->data = g_bytes_new(data, data_len);
	return TRUE;
}

/**
 * wb_put_bytes_message_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes a PutBytes command. Init, Commit, Abort and Install accept bytes after their
 * fields, which the firmware ignores too; a Put's length must match its data exactly.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_put_bytes_message_decode(const guint8 *buf, gsize len, WbPutBytesMessage *out, GError **error)
{
	WbReader r;
	guint8 command;
	gboolean ok = FALSE;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "PutBytes", error))
		return FALSE;

	switch (command) {
	case WB_PUT_BYTES_INIT:
		out->command = WB_PUT_BYTES_INIT;
		ok = put_bytes_init_decode(buf, len, out, error);
		break;
	case WB_PUT_BYTES_PUT:
		out->command = WB_PUT_BYTES_PUT;
		ok = put_bytes_put_decode(buf, len, out, error);
		break;
	case WB_PUT_BYTES_COMMIT:
		out->command = WB_PUT_BYTES_COMMIT;
		out->token = wb_reader_u32_be(&r);
		out->crc = wb_reader_u32_be(&r);
		ok = wb_reader_check(&r, "PutBytes Commit", error);
		break;
	case WB_PUT_BYTES_ABORT:
		out->command = WB_PUT_BYTES_ABORT;
		out->token = wb_reader_u32_be(&r);
		ok = wb_reader_check(&r, "PutBytes Abort", error);
		break;
	case WB_PUT_BYTES_INSTALL:
		out->command = WB_PUT_BYTES_INSTALL;
		out->token = wb_reader_u32_be(&r);
		ok = wb_reader_check(&r, "PutBytes Install", error);
		break;
	default:
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "PutBytes: unknown command '0x%02x'", command);
		break;
	}
	if (!ok)
		wb_put_bytes_message_clear(out);
	return ok;
}

static gboolean
put_bytes_init_encode(const WbPutBytesMessage *msg, GByteArray *out, GError **error)
{
	if (!object_type_is_valid(msg->object_type)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "PutBytes Init: object type '%u' is not 1..7", (guint)msg->object_type);
		return FALSE;
	}
	wb_put_u8(out, WB_PUT_BYTES_INIT);
	wb_put_u32_be(out, msg->object_size);
	wb_put_u8(out, (guint8)(msg->object_type |
				(msg->has_cookie ? WB_PUT_BYTES_TYPE_HAS_COOKIE : 0)));
	if (msg->has_cookie) {
		wb_put_u32_be(out, msg->cookie);
	} else {
		wb_put_u8(out, msg->bank);
		if (msg->object_type == WB_PUT_BYTES_OBJECT_FILE) {
			gsize name_len = msg->filename != NULL ? strlen(msg->filename) : 0;

			if (name_len == 0) {
				g_set_error_literal(
					error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
					"PutBytes Init: a File object needs a filename");
				return FALSE;
			}
			if (name_len > WB_PUT_BYTES_FILENAME_MAX) {
				g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
					    "PutBytes Init: filename of %" G_GSIZE_FORMAT
					    " bytes is longer than %u",
					    name_len, (guint)WB_PUT_BYTES_FILENAME_MAX);
				return FALSE;
			}
			wb_put_bytes(out, msg->filename, name_len + 1);
		}
	}
	if (msg->has_resume) {
		wb_put_u32_be(out, WB_PUT_BYTES_RESUME_MAGIC);
		wb_put_u32_be(out, msg->append_offset);
	}
	return TRUE;
}

/**
 * wb_put_bytes_message_encode:
 * @msg: the command
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Encodes a PutBytes command. Fails with %WB_PROTO_ERROR_BAD_VALUE for an object type outside
 * 1..7 or a File without filename, %WB_PROTO_ERROR_TOO_LONG for a filename over
 * %WB_PUT_BYTES_FILENAME_MAX bytes or a chunk over %WB_PUT_BYTES_MAX_CHUNK bytes.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_put_bytes_message_encode(const WbPutBytesMessage *msg, GByteArray *out, GError **error)
{
	guint start = out->len;
	gboolean ok = TRUE;

	switch (msg->command) {
	case WB_PUT_BYTES_INIT:
		ok = put_bytes_init_encode(msg, out, error);
		break;
	case WB_PUT_BYTES_PUT: {
		gsize data_len = msg->data != NULL ? g_bytes_get_size(msg->data) : 0;

		if (data_len > WB_PUT_BYTES_MAX_CHUNK) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
				    "PutBytes Put: %" G_GSIZE_FORMAT " bytes exceed %u", data_len,
				    (guint)WB_PUT_BYTES_MAX_CHUNK);
			ok = FALSE;
			break;
		}
		wb_put_u8(out, WB_PUT_BYTES_PUT);
		wb_put_u32_be(out, msg->token);
		wb_put_u32_be(out, (guint32)data_len);
		if (data_len > 0)
			wb_put_bytes(out, g_bytes_get_data(msg->data, NULL), data_len);
		break;
	}
	case WB_PUT_BYTES_COMMIT:
		wb_put_u8(out, WB_PUT_BYTES_COMMIT);
		wb_put_u32_be(out, msg->token);
		wb_put_u32_be(out, msg->crc);
		break;
	case WB_PUT_BYTES_ABORT:
	case WB_PUT_BYTES_INSTALL:
		wb_put_u8(out, (guint8)msg->command);
		wb_put_u32_be(out, msg->token);
		break;
	default:
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "PutBytes: unknown command '%u'", (guint)msg->command);
		ok = FALSE;
		break;
	}
	if (!ok)
		g_byte_array_set_size(out, start);
	return ok;
}

/**
 * wb_put_bytes_response_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the response; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes the watch's 5-byte response: result (ACK/NACK) and token, big-endian.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_put_bytes_response_decode(const guint8 *buf, gsize len, WbPutBytesResponse *out, GError **error)
{
	WbReader r;
	guint8 result;
	guint32 token;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	result = wb_reader_u8(&r);
	token = wb_reader_u32_be(&r);
	/* the watch sends exactly these 5 bytes */
	if (!wb_reader_check_end(&r, "PutBytes response", error))
		return FALSE;
	if (result != WB_PUT_BYTES_ACK && result != WB_PUT_BYTES_NACK) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "PutBytes response: result '0x%02x' is neither ACK nor NACK", result);
		return FALSE;
	}
	out->result = (WbPutBytesResult)result;
	out->token = token;
	return TRUE;
}

/**
 * wb_put_bytes_response_encode:
 * @msg: the response
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Encodes the watch's response to a PutBytes command.
 *
 * Returns: %TRUE on success; on failure (a result other than ACK/NACK) @out is unchanged
 */
gboolean
wb_put_bytes_response_encode(const WbPutBytesResponse *msg, GByteArray *out, GError **error)
{
	switch (msg->result) {
	case WB_PUT_BYTES_ACK:
	case WB_PUT_BYTES_NACK:
		break;
	default:
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "PutBytes response: result '%u' is neither ACK nor NACK",
			    (guint)msg->result);
		return FALSE;
	}
	wb_put_u8(out, (guint8)msg->result);
	wb_put_u32_be(out, msg->token);
	return TRUE;
}
