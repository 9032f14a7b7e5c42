/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/**
 * WbBlobdbCommandType:
 * @WB_BLOBDB_COMMAND_INSERT: insert or replace a key
 * @WB_BLOBDB_COMMAND_READ: defined by the firmware but answered with InvalidOperation
 * @WB_BLOBDB_COMMAND_UPDATE: defined by the firmware but answered with InvalidOperation
 * @WB_BLOBDB_COMMAND_DELETE: delete a key
 * @WB_BLOBDB_COMMAND_CLEAR: delete every key of a database
 * @WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP: CFW only: insert unless the watch's copy is newer
 *
 * First byte of a BlobDB v1 command (§3.1, FW `blob_db/endpoint.c`).
 */
typedef enum {
	WB_BLOBDB_COMMAND_INSERT = 0x01,
	WB_BLOBDB_COMMAND_READ = 0x02,
	WB_BLOBDB_COMMAND_UPDATE = 0x03,
	WB_BLOBDB_COMMAND_DELETE = 0x04,
	WB_BLOBDB_COMMAND_CLEAR = 0x05,
	WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP = 0x0D,
} WbBlobdbCommandType;

/**
 * WbBlobdbDatabase:
 *
 * Database ids (§3.2, FW `blob_db/api.h`; Settings is CFW only).
 */
typedef enum {
	WB_BLOBDB_DATABASE_TEST = 0x00,
	WB_BLOBDB_DATABASE_PINS = 0x01,
	WB_BLOBDB_DATABASE_APPS = 0x02,
	WB_BLOBDB_DATABASE_REMINDERS = 0x03,
	WB_BLOBDB_DATABASE_NOTIFICATIONS = 0x04,
	WB_BLOBDB_DATABASE_WEATHER = 0x05,
	WB_BLOBDB_DATABASE_IOS_NOTIF_PREFS = 0x06,
	WB_BLOBDB_DATABASE_PREFS = 0x07,
	WB_BLOBDB_DATABASE_CONTACTS = 0x08,
	WB_BLOBDB_DATABASE_WATCH_APP_PREFS = 0x09,
	WB_BLOBDB_DATABASE_HEALTH = 0x0A,
	WB_BLOBDB_DATABASE_APP_GLANCES = 0x0B,
	WB_BLOBDB_DATABASE_SETTINGS = 0x0C,
} WbBlobdbDatabase;

/**
 * WbBlobdbStatus:
 *
 * Status byte of a BlobDB response (§3.3, FW `blob_db/endpoint_private.h`).
 */
typedef enum {
	WB_BLOBDB_STATUS_SUCCESS = 0x01,
	WB_BLOBDB_STATUS_GENERAL_FAILURE = 0x02,
	WB_BLOBDB_STATUS_INVALID_OPERATION = 0x03,
	WB_BLOBDB_STATUS_INVALID_DATABASE_ID = 0x04,
	WB_BLOBDB_STATUS_INVALID_DATA = 0x05,
	WB_BLOBDB_STATUS_KEY_DOES_NOT_EXIST = 0x06,
	WB_BLOBDB_STATUS_DATABASE_FULL = 0x07,
	WB_BLOBDB_STATUS_DATA_STALE = 0x08,
	WB_BLOBDB_STATUS_NOT_SUPPORTED = 0x09,
	WB_BLOBDB_STATUS_LOCKED = 0x0A,
	WB_BLOBDB_STATUS_TRY_LATER = 0x0B,
} WbBlobdbStatus;

/* §3.1: u8 key length, at least 1 */
#define WB_BLOBDB_KEY_MAX_LEN 255
/* §3.1: u16 value length, at least 1 (the whole command must also fit the watch's 2044) */
#define WB_BLOBDB_VALUE_MAX_LEN 65535

/**
 * WbBlobdbCommand:
 * @command: the command
 * @token: echoed in the response; 0 is best avoided
 * @database: the database (not used by Read/Update)
 * @timestamp: Unix seconds, only for %WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP
 * @key: (nullable): 1–255 bytes for Insert, InsertWithTimestamp and Delete
 * @value: (nullable): at least 1 byte for Insert and InsertWithTimestamp
 *
 * A P→W BlobDB v1 command (§3.1). Fields a command does not use are ignored by the encoder and
 * left zero/%NULL by the decoder.
 */
typedef struct {
	WbBlobdbCommandType command;
	guint16 token;
	WbBlobdbDatabase database;
	guint32 timestamp;
	GBytes *key;
	GBytes *value;
} WbBlobdbCommand;

/**
 * WbBlobdbResponse:
 * @token: the token of the command answered
 * @status: the result; may hold a value not listed in #WbBlobdbStatus
 *
 * The W→P answer to every BlobDB v1 command (§3.1); it has no command byte.
 */
typedef struct {
	guint16 token;
	WbBlobdbStatus status;
} WbBlobdbResponse;

#define WB_BLOBDB_RESPONSE_LEN 3

/**
 * WbBlobdb2Command:
 *
 * First byte of a BlobDB v2 message on endpoint 0xB2DB (§3.4, FW/CFW `blob_db/endpoint2.c`):
 * watch-initiated sync. A response is its command with bit 7 set. Version and DirtyAll are CFW
 * only.
 */
typedef enum {
	WB_BLOBDB2_COMMAND_DIRTY_DATABASES = 0x06,
	WB_BLOBDB2_COMMAND_START_SYNC = 0x07,
	WB_BLOBDB2_COMMAND_WRITE = 0x08,
	WB_BLOBDB2_COMMAND_WRITEBACK = 0x09,
	WB_BLOBDB2_COMMAND_SYNC_DONE = 0x0A,
	WB_BLOBDB2_COMMAND_VERSION = 0x0B,
	WB_BLOBDB2_COMMAND_DIRTY_ALL = 0x0C,
	WB_BLOBDB2_COMMAND_DIRTY_DATABASES_RESPONSE = 0x86,
	WB_BLOBDB2_COMMAND_START_SYNC_RESPONSE = 0x87,
	WB_BLOBDB2_COMMAND_WRITE_RESPONSE = 0x88,
	WB_BLOBDB2_COMMAND_WRITEBACK_RESPONSE = 0x89,
	WB_BLOBDB2_COMMAND_SYNC_DONE_RESPONSE = 0x8A,
	WB_BLOBDB2_COMMAND_VERSION_RESPONSE = 0x8B,
	WB_BLOBDB2_COMMAND_DIRTY_ALL_RESPONSE = 0x8C,
} WbBlobdb2Command;

#define WB_BLOBDB2_RESPONSE_FLAG 0x80

/**
 * WbBlobdb2Message:
 * @command: the command
 * @token: the token (the watch numbers its own messages from 1)
 * @status: responses only; not checked against §3.3 (see wb_blobdb_response_decode())
 * @database: START_SYNC, WRITE, WRITEBACK, SYNC_DONE, DIRTY_ALL
 * @last_updated: WRITE, WRITEBACK: Unix seconds of the watch's copy
 * @key: (nullable): WRITE, WRITEBACK: 1–255 bytes
 * @value: (nullable): WRITE, WRITEBACK: 0–65535 bytes
 * @dirty_databases: (nullable): DIRTY_DATABASES_RESPONSE: the dirty database ids
 * @version: VERSION_RESPONSE: the protocol version (1)
 *
 * One BlobDB v2 message, either direction (§3.4). Members a command does not use are ignored by
 * the encoder and left zero/%NULL by the decoder.
 */
typedef struct {
	WbBlobdb2Command command;
	guint16 token;
	WbBlobdbStatus status;
	WbBlobdbDatabase database;
	guint32 last_updated;
	GBytes *key;
	GBytes *value;
	GByteArray *dirty_databases;
	guint8 version;
} WbBlobdb2Message;

void wb_blobdb2_message_clear(WbBlobdb2Message *msg);
gboolean wb_blobdb2_message_decode(const guint8 *buf, gsize len, WbBlobdb2Message *out,
				   GError **error);
gboolean wb_blobdb2_message_encode(const WbBlobdb2Message *msg, GByteArray *out, GError **error);

const gchar *wb_blobdb_status_to_string(WbBlobdbStatus status);
const gchar *wb_blobdb_database_to_string(WbBlobdbDatabase database);
gboolean wb_blobdb_database_is_valid(guint database);

void wb_blobdb_command_clear(WbBlobdbCommand *msg);
gboolean wb_blobdb_command_decode(const guint8 *buf, gsize len, WbBlobdbCommand *out,
				  GError **error);
gboolean wb_blobdb_command_encode(const WbBlobdbCommand *msg, GByteArray *out, GError **error);
gboolean wb_blobdb_command_peek_token(const guint8 *buf, gsize len, guint16 *out_token);

gboolean wb_blobdb_response_decode(const guint8 *buf, gsize len, WbBlobdbResponse *out,
				   GError **error);
gboolean wb_blobdb_response_encode(const WbBlobdbResponse *msg, GByteArray *out, GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbBlobdbCommand, wb_blobdb_command_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbBlobdb2Message, wb_blobdb2_message_clear)

G_END_DECLS
