/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-blobdb.h"
#include "wb-frame.h"

/**
 * wb_blobdb_status_to_string:
 * @status: a status byte
 *
 * Returns: (transfer none): the §3.3 name, e.g. "InvalidData", or "unknown"
 */
const gchar *
wb_blobdb_status_to_string(WbBlobdbStatus status)
{
	switch (status) {
	case WB_BLOBDB_STATUS_SUCCESS:
		return "Success";
	case WB_BLOBDB_STATUS_GENERAL_FAILURE:
		return "GeneralFailure";
	case WB_BLOBDB_STATUS_INVALID_OPERATION:
		return "InvalidOperation";
	case WB_BLOBDB_STATUS_INVALID_DATABASE_ID:
		return "InvalidDatabaseID";
	case WB_BLOBDB_STATUS_INVALID_DATA:
		return "InvalidData";
	case WB_BLOBDB_STATUS_KEY_DOES_NOT_EXIST:
		return "KeyDoesNotExist";
	case WB_BLOBDB_STATUS_DATABASE_FULL:
		return "DatabaseFull";
	case WB_BLOBDB_STATUS_DATA_STALE:
		return "DataStale";
	case WB_BLOBDB_STATUS_NOT_SUPPORTED:
		return "NotSupported";
	case WB_BLOBDB_STATUS_LOCKED:
		return "Locked";
	case WB_BLOBDB_STATUS_TRY_LATER:
		return "TryLater";
	}
	return "unknown";
}

/**
 * wb_blobdb_database_to_string:
 * @database: a database id
 *
 * Returns: (transfer none): the §3.2 name, e.g. "notifications", or "unknown"
 */
const gchar *
wb_blobdb_database_to_string(WbBlobdbDatabase database)
{
	switch (database) {
	case WB_BLOBDB_DATABASE_TEST:
		return "test";
	case WB_BLOBDB_DATABASE_PINS:
		return "pins";
	case WB_BLOBDB_DATABASE_APPS:
		return "apps";
	case WB_BLOBDB_DATABASE_REMINDERS:
		return "reminders";
	case WB_BLOBDB_DATABASE_NOTIFICATIONS:
		return "notifications";
	case WB_BLOBDB_DATABASE_WEATHER:
		return "weather";
	case WB_BLOBDB_DATABASE_IOS_NOTIF_PREFS:
		return "ios-notif-prefs";
	case WB_BLOBDB_DATABASE_PREFS:
		return "prefs";
	case WB_BLOBDB_DATABASE_CONTACTS:
		return "contacts";
	case WB_BLOBDB_DATABASE_WATCH_APP_PREFS:
		return "watch-app-prefs";
	case WB_BLOBDB_DATABASE_HEALTH:
		return "health";
	case WB_BLOBDB_DATABASE_APP_GLANCES:
		return "app-glances";
	case WB_BLOBDB_DATABASE_SETTINGS:
		return "settings";
	}
	return "unknown";
}

/**
 * wb_blobdb_database_is_valid:
 * @database: a database id byte
 *
 * Returns: %TRUE if @database is in table §3.2
 */
gboolean
wb_blobdb_database_is_valid(guint database)
{
	return database <= WB_BLOBDB_DATABASE_SETTINGS;
}

/**
 * wb_blobdb_command_clear:
 * @msg: a command
 *
 * Frees the key and value and zeroes @msg. Accepts a zeroed struct.
 */
void
wb_blobdb_command_clear(WbBlobdbCommand *msg)
{
	g_clear_pointer(&msg->key, g_bytes_unref);
	g_clear_pointer(&msg->value, g_bytes_unref);
	memset(msg, 0, sizeof(*msg));
}

static gboolean
wb_blobdb_command_type_is_valid(guint command)
{
	switch ((WbBlobdbCommandType)command) {
	case WB_BLOBDB_COMMAND_INSERT:
	case WB_BLOBDB_COMMAND_READ:
	case WB_BLOBDB_COMMAND_UPDATE:
	case WB_BLOBDB_COMMAND_DELETE:
	case WB_BLOBDB_COMMAND_CLEAR:
	case WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP:
		return TRUE;
	}
	return FALSE;
}

static gboolean
wb_blobdb_check_database(guint database, GError **error)
{
	if (wb_blobdb_database_is_valid(database))
		return TRUE;
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
		    "blobdb command: unknown database id '%u'", database);
	return FALSE;
}

/* Reads `u8 len, bytes` (§3.1: the firmware refuses an empty key). */
static gboolean
wb_blobdb_read_key(WbReader *r, const gchar *what, GBytes **out_key, GError **error)
{
	guint8 key_len = wb_reader_u8(r);
	const guint8 *key;

	if (!wb_reader_check(r, what, error))
		return FALSE;
	if (key_len == 0) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE, "%s: empty key", what);
		return FALSE;
	}
	key = wb_reader_bytes(r, key_len);
	if (!wb_reader_check(r, what, error))
		return FALSE;
	*out_key = g_bytes_new(key, key_len);
	return TRUE;
}

/* Reads `u16 LE len, bytes`; v1 values must not be empty (§3.1). The caller checks that the
 * value ends the payload. */
static gboolean
wb_blobdb_read_value(WbReader *r, gboolean allow_empty, const gchar *what, GBytes **out_value,
		     GError **error)
{
	guint16 value_len = wb_reader_u16_le(r);
	const guint8 *value;

	if (!wb_reader_check(r, what, error))
		return FALSE;
	if (value_len == 0 && !allow_empty) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE, "%s: empty value",
			    what);
		return FALSE;
	}
	value = wb_reader_bytes(r, value_len);
	if (!wb_reader_check(r, what, error))
		return FALSE;
	*out_value = g_bytes_new(value, value_len);
	return TRUE;
}

/**
 * wb_blobdb_command_decode:
 * @buf: (array length=len): an endpoint 0xB1DB payload from the phone
 * @len: its length
 * @out: (out caller-allocates): the command; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes a BlobDB v1 command the way the firmware parses it (FW/CFW `blob_db/endpoint.c`):
 * - Insert (and CFW InsertWithTimestamp): key 1–255 bytes, value at least 1 byte, and the value
 *   must end exactly at the end of the payload (else TRAILING_DATA);
 * - Delete: key 1–255 bytes ending the payload. CFW accepts a 1-byte key; the original firmware
 *   wants at least 6 bytes after the command byte, so it refuses 1-byte-key deletes with
 *   InvalidData. No database uses 1-byte keys;
 * - Clear: bytes after the database id are ignored, as the firmware does;
 * - Read and Update are decoded as far as their token, which is all the firmware reads before it
 *   answers InvalidOperation; the rest is ignored.
 * A database id outside §3.2 is BAD_VALUE (wb_blobdb_command_peek_token() still gives the token
 * to answer with), an unknown command UNKNOWN_TYPE, and a payload longer than the watch's
 * %WB_FRAME_MAX_WATCH_INBOUND TOO_LONG.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_blobdb_command_decode(const guint8 *buf, gsize len, WbBlobdbCommand *out, GError **error)
{
	g_auto(WbBlobdbCommand) msg = {0};
	WbReader r;
	guint8 command;
	guint8 database;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "blobdb command", error))
		return FALSE;
	if (!wb_blobdb_command_type_is_valid(command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "blobdb command: unknown command 0x%02x", command);
		return FALSE;
	}
	if (len > WB_FRAME_MAX_WATCH_INBOUND) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "blobdb command: %" G_GSIZE_FORMAT " bytes, the watch takes at most %d",
			    len, WB_FRAME_MAX_WATCH_INBOUND);
		return FALSE;
	}
	msg.command = (WbBlobdbCommandType)command;
	msg.token = wb_reader_u16_le(&r);
	if (!wb_reader_check(&r, "blobdb command", error))
		return FALSE;

	switch (msg.command) {
	case WB_BLOBDB_COMMAND_READ:
	case WB_BLOBDB_COMMAND_UPDATE:
		break;
	case WB_BLOBDB_COMMAND_INSERT:
	case WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP:
	case WB_BLOBDB_COMMAND_DELETE:
	case WB_BLOBDB_COMMAND_CLEAR:
		database = wb_reader_u8(&r);
		if (msg.command == WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP)
			msg.timestamp = wb_reader_u32_le(&r);
		if (!wb_reader_check(&r, "blobdb command", error))
			return FALSE;
		if (!wb_blobdb_check_database(database, error))
			return FALSE;
		msg.database = (WbBlobdbDatabase)database;
		if (msg.command == WB_BLOBDB_COMMAND_CLEAR)
			break;
		if (!wb_blobdb_read_key(&r, "blobdb command", &msg.key, error))
			return FALSE;
		if (msg.command != WB_BLOBDB_COMMAND_DELETE &&
		    !wb_blobdb_read_value(&r, FALSE, "blobdb command", &msg.value, error))
			return FALSE;
		if (!wb_reader_check_end(&r, "blobdb command", error))
			return FALSE;
		break;
	}
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

/* Checks an optional byte blob against its §3.1 bounds. */
static gboolean
wb_blobdb_check_blob(GBytes *blob, gboolean allow_empty, gsize max, const gchar *what,
		     GError **error)
{
	gsize len = blob != NULL ? g_bytes_get_size(blob) : 0;

	if (len == 0 && !allow_empty) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "blobdb: the %s must not be empty", what);
		return FALSE;
	}
	if (len > max) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "blobdb: %s of %" G_GSIZE_FORMAT " bytes, the most is %" G_GSIZE_FORMAT,
			    what, len, max);
		return FALSE;
	}
	return TRUE;
}

static void
wb_blobdb_put_blob8(GByteArray *out, GBytes *blob)
{
	gsize len = 0;
	const guint8 *data = blob != NULL ? g_bytes_get_data(blob, &len) : NULL;

	wb_put_u8(out, (guint8)len);
	wb_put_bytes(out, data, len);
}

static void
wb_blobdb_put_blob16(GByteArray *out, GBytes *blob)
{
	gsize len = 0;
	const guint8 *data = blob != NULL ? g_bytes_get_data(blob, &len) : NULL;

	wb_put_u16_le(out, (guint16)len);
	wb_put_bytes(out, data, len);
}

/**
 * wb_blobdb_command_encode:
 * @msg: the command
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends a BlobDB v1 command (§3.1). The command must be known and the database in §3.2
 * (BAD_VALUE), keys 1–255 bytes and values 1–65535 bytes (BAD_VALUE when empty, TOO_LONG when
 * longer), and the whole payload must fit %WB_FRAME_MAX_WATCH_INBOUND (TOO_LONG): a longer
 * BlobDB message wedges the watch's link (pebbleos-rendering.md §5). Read and Update are written
 * as command and token only, which is all the firmware reads of them.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_blobdb_command_encode(const WbBlobdbCommand *msg, GByteArray *out, GError **error)
{
	gsize start = out->len;

	if (!wb_blobdb_command_type_is_valid(msg->command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "blobdb command: unknown command 0x%02x", (guint)msg->command);
		return FALSE;
	}
	switch (msg->command) {
	case WB_BLOBDB_COMMAND_READ:
	case WB_BLOBDB_COMMAND_UPDATE:
		break;
	case WB_BLOBDB_COMMAND_INSERT:
	case WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP:
		if (!wb_blobdb_check_blob(msg->value, FALSE, WB_BLOBDB_VALUE_MAX_LEN, "value",
					  error))
			return FALSE;
		G_GNUC_FALLTHROUGH;
	case WB_BLOBDB_COMMAND_DELETE:
		if (!wb_blobdb_check_blob(msg->key, FALSE, WB_BLOBDB_KEY_MAX_LEN, "key", error))
			return FALSE;
		G_GNUC_FALLTHROUGH;
	case WB_BLOBDB_COMMAND_CLEAR:
		if (!wb_blobdb_check_database(msg->database, error))
			return FALSE;
		break;
	}

	wb_put_u8(out, (guint8)msg->command);
	wb_put_u16_le(out, msg->token);
	switch (msg->command) {
	case WB_BLOBDB_COMMAND_READ:
	case WB_BLOBDB_COMMAND_UPDATE:
		break;
	case WB_BLOBDB_COMMAND_INSERT:
	case WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP:
		wb_put_u8(out, (guint8)msg->database);
		if (msg->command == WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP)
			wb_put_u32_le(out, msg->timestamp);
		wb_blobdb_put_blob8(out, msg->key);
		wb_blobdb_put_blob16(out, msg->value);
		break;
	case WB_BLOBDB_COMMAND_DELETE:
		wb_put_u8(out, (guint8)msg->database);
		wb_blobdb_put_blob8(out, msg->key);
		break;
	case WB_BLOBDB_COMMAND_CLEAR:
		wb_put_u8(out, (guint8)msg->database);
		break;
	}
	if (out->len - start > WB_FRAME_MAX_WATCH_INBOUND) {
		gsize len = out->len - start;

		g_byte_array_set_size(out, (guint)start);
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "blobdb command: %" G_GSIZE_FORMAT " bytes, the watch takes at most %d",
			    len, WB_FRAME_MAX_WATCH_INBOUND);
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_blobdb_command_peek_token:
 * @buf: (array length=len): an endpoint 0xB1DB payload, possibly malformed
 * @len: its length
 * @out_token: (out): the token
 *
 * The token the firmware echoes when it refuses a malformed or unsupported command: bytes 1–2
 * when the payload has at least 3 bytes (FW `prv_try_read_token`). A payload shorter than that
 * is answered with token 0.
 *
 * Returns: %TRUE if the payload holds a token; otherwise @out_token is set to 0
 */
gboolean
wb_blobdb_command_peek_token(const guint8 *buf, gsize len, guint16 *out_token)
{
	if (len < 3) {
		*out_token = 0;
		return FALSE;
	}
	*out_token = (guint16)(buf[1] | (buf[2] << 8));
	return TRUE;
}

/**
 * wb_blobdb_response_decode:
 * @buf: (array length=len): an endpoint 0xB1DB payload from the watch
 * @len: its length
 * @out: (out caller-allocates): the response; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes `token u16 LE, status u8` (exactly 3 bytes). The status is not checked against
 * §3.3: the response is the only carrier of the token, so an unknown status must still reach
 * the command waiting for it (treat it as a failure).
 *
 * Returns: %TRUE on success
 */
gboolean
wb_blobdb_response_decode(const guint8 *buf, gsize len, WbBlobdbResponse *out, GError **error)
{
	WbBlobdbResponse msg = {0};
	WbReader r;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	msg.token = wb_reader_u16_le(&r);
	msg.status = (WbBlobdbStatus)wb_reader_u8(&r);
	if (!wb_reader_check_end(&r, "blobdb response", error))
		return FALSE;
	*out = msg;
	return TRUE;
}

/**
 * wb_blobdb_response_encode:
 * @msg: the response
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends a response as the watch sends it (used by the simulated watch).
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_blobdb_response_encode(const WbBlobdbResponse *msg, GByteArray *out, GError **error)
{
	if ((guint)msg->status > G_MAXUINT8) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "blobdb response: status %u is not a byte", (guint)msg->status);
		return FALSE;
	}
	wb_put_u16_le(out, msg->token);
	wb_put_u8(out, (guint8)msg->status);
	return TRUE;
}

/* -------------------------------------------------------------------------------------------- */
/* BlobDB v2, endpoint 0xB2DB (§3.4) */

/**
 * wb_blobdb2_message_clear:
 * @msg: a message
 *
 * Frees the key, value and database list and zeroes @msg. Accepts a zeroed struct.
 */
void
wb_blobdb2_message_clear(WbBlobdb2Message *msg)
{
	g_clear_pointer(&msg->key, g_bytes_unref);
	g_clear_pointer(&msg->value, g_bytes_unref);
	g_clear_pointer(&msg->dirty_databases, g_byte_array_unref);
	memset(msg, 0, sizeof(*msg));
}

static gboolean
wb_blobdb2_command_is_valid(guint command)
{
	switch ((WbBlobdb2Command)command) {
	case WB_BLOBDB2_COMMAND_DIRTY_DATABASES:
	case WB_BLOBDB2_COMMAND_START_SYNC:
	case WB_BLOBDB2_COMMAND_WRITE:
	case WB_BLOBDB2_COMMAND_WRITEBACK:
	case WB_BLOBDB2_COMMAND_SYNC_DONE:
	case WB_BLOBDB2_COMMAND_VERSION:
	case WB_BLOBDB2_COMMAND_DIRTY_ALL:
	case WB_BLOBDB2_COMMAND_DIRTY_DATABASES_RESPONSE:
	case WB_BLOBDB2_COMMAND_START_SYNC_RESPONSE:
	case WB_BLOBDB2_COMMAND_WRITE_RESPONSE:
	case WB_BLOBDB2_COMMAND_WRITEBACK_RESPONSE:
	case WB_BLOBDB2_COMMAND_SYNC_DONE_RESPONSE:
	case WB_BLOBDB2_COMMAND_VERSION_RESPONSE:
	case WB_BLOBDB2_COMMAND_DIRTY_ALL_RESPONSE:
		return TRUE;
	}
	return FALSE;
}

static gboolean
wb_blobdb2_check_database(guint database, GError **error)
{
	if (wb_blobdb_database_is_valid(database))
		return TRUE;
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
		    "blobdb2 message: unknown database id '%u'", database);
	return FALSE;
}

/* Reads and checks a database id byte. */
static gboolean
wb_blobdb2_read_database(WbReader *r, WbBlobdbDatabase *out_database, GError **error)
{
	guint8 database = wb_reader_u8(r);

	if (!wb_reader_check(r, "blobdb2 message", error))
		return FALSE;
	if (!wb_blobdb2_check_database(database, error))
		return FALSE;
	*out_database = (WbBlobdbDatabase)database;
	return TRUE;
}

/* 0x86: status, u8 count, count database ids (FW DirtyDatabasesResponseMsg) */
static gboolean
wb_blobdb2_read_dirty_list(WbReader *r, WbBlobdb2Message *msg, GError **error)
{
	guint8 count = wb_reader_u8(r);
	const guint8 *ids = wb_reader_bytes(r, count);

	if (!wb_reader_check(r, "blobdb2 dirty databases", error))
		return FALSE;
	for (guint i = 0; i < count; i++) {
		if (!wb_blobdb2_check_database(ids[i], error))
			return FALSE;
	}
	msg->dirty_databases = g_byte_array_sized_new(count);
	wb_put_bytes(msg->dirty_databases, ids, count);
	return TRUE;
}

/**
 * wb_blobdb2_message_decode:
 * @buf: (array length=len): an endpoint 0xB2DB payload
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes a BlobDB v2 message of either direction (§3.4, CFW `blob_db/endpoint2.c`). Every
 * message starts with command and token. Database ids must be in §3.2 (BAD_VALUE). The
 * messages the watch parses (DirtyDatabases, StartSync, Version, DirtyAll and the Write,
 * WriteBack and SyncDone responses) may carry bytes after their fields, which the firmware
 * ignores; the watch's own messages (Write, WriteBack, SyncDone and the responses to the
 * phone's commands) must end with their last field (TRAILING_DATA). Write keys are 1–255 bytes;
 * values may be empty. An unknown command is UNKNOWN_TYPE.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_blobdb2_message_decode(const guint8 *buf, gsize len, WbBlobdb2Message *out, GError **error)
{
	g_auto(WbBlobdb2Message) msg = {0};
	WbReader r;
	guint8 command;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "blobdb2 message", error))
		return FALSE;
	if (!wb_blobdb2_command_is_valid(command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "blobdb2 message: unknown command 0x%02x", command);
		return FALSE;
	}
	msg.command = (WbBlobdb2Command)command;
	msg.token = wb_reader_u16_le(&r);
	if (!wb_reader_check(&r, "blobdb2 message", error))
		return FALSE;

	switch (msg.command) {
	case WB_BLOBDB2_COMMAND_DIRTY_DATABASES:
	case WB_BLOBDB2_COMMAND_VERSION:
		break;
	case WB_BLOBDB2_COMMAND_START_SYNC:
	case WB_BLOBDB2_COMMAND_DIRTY_ALL:
		if (!wb_blobdb2_read_database(&r, &msg.database, error))
			return FALSE;
		break;
	case WB_BLOBDB2_COMMAND_SYNC_DONE:
		if (!wb_blobdb2_read_database(&r, &msg.database, error))
			return FALSE;
		if (!wb_reader_check_end(&r, "blobdb2 message", error))
			return FALSE;
		break;
	case WB_BLOBDB2_COMMAND_WRITE:
	case WB_BLOBDB2_COMMAND_WRITEBACK:
		if (!wb_blobdb2_read_database(&r, &msg.database, error))
			return FALSE;
		msg.last_updated = wb_reader_u32_le(&r);
		if (!wb_blobdb_read_key(&r, "blobdb2 write", &msg.key, error))
			return FALSE;
		if (!wb_blobdb_read_value(&r, TRUE, "blobdb2 write", &msg.value, error))
			return FALSE;
		if (!wb_reader_check_end(&r, "blobdb2 write", error))
			return FALSE;
		break;
	case WB_BLOBDB2_COMMAND_DIRTY_DATABASES_RESPONSE:
		msg.status = (WbBlobdbStatus)wb_reader_u8(&r);
		if (!wb_blobdb2_read_dirty_list(&r, &msg, error))
			return FALSE;
		if (!wb_reader_check_end(&r, "blobdb2 message", error))
			return FALSE;
		break;
	case WB_BLOBDB2_COMMAND_START_SYNC_RESPONSE:
	case WB_BLOBDB2_COMMAND_DIRTY_ALL_RESPONSE:
		msg.status = (WbBlobdbStatus)wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, "blobdb2 message", error))
			return FALSE;
		break;
	case WB_BLOBDB2_COMMAND_WRITE_RESPONSE:
	case WB_BLOBDB2_COMMAND_WRITEBACK_RESPONSE:
	case WB_BLOBDB2_COMMAND_SYNC_DONE_RESPONSE:
		msg.status = (WbBlobdbStatus)wb_reader_u8(&r);
		if (!wb_reader_check(&r, "blobdb2 message", error))
			return FALSE;
		break;
	case WB_BLOBDB2_COMMAND_VERSION_RESPONSE:
		msg.status = (WbBlobdbStatus)wb_reader_u8(&r);
		msg.version = wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, "blobdb2 message", error))
			return FALSE;
		break;
	}
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

/* Checks what the encoder would otherwise write blindly. */
static gboolean
wb_blobdb2_check(const WbBlobdb2Message *msg, GError **error)
{
	if (!wb_blobdb2_command_is_valid(msg->command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "blobdb2 message: unknown command 0x%02x", (guint)msg->command);
		return FALSE;
	}
	if ((msg->command & WB_BLOBDB2_RESPONSE_FLAG) != 0 && (guint)msg->status > G_MAXUINT8) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "blobdb2 message: status %u is not a byte", (guint)msg->status);
		return FALSE;
	}
	switch (msg->command) {
	case WB_BLOBDB2_COMMAND_WRITE:
	case WB_BLOBDB2_COMMAND_WRITEBACK:
		if (!wb_blobdb_check_blob(msg->key, FALSE, WB_BLOBDB_KEY_MAX_LEN, "key", error) ||
		    !wb_blobdb_check_blob(msg->value, TRUE, WB_BLOBDB_VALUE_MAX_LEN, "value",
					  error))
			return FALSE;
		G_GNUC_FALLTHROUGH;
	case WB_BLOBDB2_COMMAND_START_SYNC:
	case WB_BLOBDB2_COMMAND_DIRTY_ALL:
	case WB_BLOBDB2_COMMAND_SYNC_DONE:
		return wb_blobdb2_check_database(msg->database, error);
	case WB_BLOBDB2_COMMAND_DIRTY_DATABASES_RESPONSE:
		if (msg->dirty_databases == NULL)
			return TRUE;
		if (msg->dirty_databases->len > G_MAXUINT8) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
				    "blobdb2 dirty databases: %u ids, the most is 255",
				    msg->dirty_databases->len);
			return FALSE;
		}
		for (guint i = 0; i < msg->dirty_databases->len; i++) {
			if (!wb_blobdb2_check_database(msg->dirty_databases->data[i], error))
				return FALSE;
		}
		return TRUE;
	case WB_BLOBDB2_COMMAND_DIRTY_DATABASES:
	case WB_BLOBDB2_COMMAND_VERSION:
	case WB_BLOBDB2_COMMAND_START_SYNC_RESPONSE:
	case WB_BLOBDB2_COMMAND_WRITE_RESPONSE:
	case WB_BLOBDB2_COMMAND_WRITEBACK_RESPONSE:
	case WB_BLOBDB2_COMMAND_SYNC_DONE_RESPONSE:
	case WB_BLOBDB2_COMMAND_VERSION_RESPONSE:
	case WB_BLOBDB2_COMMAND_DIRTY_ALL_RESPONSE:
		break;
	}
	return TRUE;
}

/**
 * wb_blobdb2_message_encode:
 * @msg: the message
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends a BlobDB v2 message: command, token, then the fields of that command (§3.4). Fails
 * with BAD_VALUE for an unknown command or database id or an empty Write key, and with
 * TOO_LONG for a key over 255 bytes, a value over 65535 bytes or more than 255 dirty ids.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_blobdb2_message_encode(const WbBlobdb2Message *msg, GByteArray *out, GError **error)
{
	if (!wb_blobdb2_check(msg, error))
		return FALSE;
	wb_put_u8(out, (guint8)msg->command);
	wb_put_u16_le(out, msg->token);
	switch (msg->command) {
	case WB_BLOBDB2_COMMAND_DIRTY_DATABASES:
	case WB_BLOBDB2_COMMAND_VERSION:
		break;
	case WB_BLOBDB2_COMMAND_START_SYNC:
	case WB_BLOBDB2_COMMAND_DIRTY_ALL:
	case WB_BLOBDB2_COMMAND_SYNC_DONE:
		wb_put_u8(out, (guint8)msg->database);
		break;
	case WB_BLOBDB2_COMMAND_WRITE:
	case WB_BLOBDB2_COMMAND_WRITEBACK:
		wb_put_u8(out, (guint8)msg->database);
		wb_put_u32_le(out, msg->last_updated);
		wb_blobdb_put_blob8(out, msg->key);
		wb_blobdb_put_blob16(out, msg->value);
		break;
	case WB_BLOBDB2_COMMAND_DIRTY_DATABASES_RESPONSE:
		wb_put_u8(out, (guint8)msg->status);
		if (msg->dirty_databases != NULL) {
			wb_put_u8(out, (guint8)msg->dirty_databases->len);
			wb_put_bytes(out, msg->dirty_databases->data, msg->dirty_databases->len);
		} else {
			wb_put_u8(out, 0);
		}
		break;
	case WB_BLOBDB2_COMMAND_START_SYNC_RESPONSE:
	case WB_BLOBDB2_COMMAND_WRITE_RESPONSE:
	case WB_BLOBDB2_COMMAND_WRITEBACK_RESPONSE:
	case WB_BLOBDB2_COMMAND_SYNC_DONE_RESPONSE:
	case WB_BLOBDB2_COMMAND_DIRTY_ALL_RESPONSE:
		wb_put_u8(out, (guint8)msg->status);
		break;
	case WB_BLOBDB2_COMMAND_VERSION_RESPONSE:
		wb_put_u8(out, (guint8)msg->status);
		wb_put_u8(out, msg->version);
		break;
	}
	return TRUE;
}
