/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/* PutBytes, endpoint 0xBEEF: every multi-byte field is BIG-endian (reference §8.1). */

/* The most data one Put may carry: the firmware's receive buffer is 2044 bytes plus the Put
 * header, and every client hard-codes this chunk size (§8.1). */
#define WB_PUT_BYTES_MAX_CHUNK 2044
/* Our bound on the filename of a named (File, type 6) object. The firmware copies the name
 * with strcpy() and has no bound but its receive buffer; real names are short ("lang"). */
#define WB_PUT_BYTES_FILENAME_MAX 255
/* The magic that marks the optional resume info at the end of an Init (§8.2, cap bit 21). */
#define WB_PUT_BYTES_RESUME_MAGIC 0xBE4354EFu
/* The type byte's bit 7: the target is an app install id rather than a bank (§8.2). */
#define WB_PUT_BYTES_TYPE_HAS_COOKIE 0x80u

/**
 * WbPutBytesCommand:
 * @WB_PUT_BYTES_INIT: start an object transfer; the watch answers with a new token
 * @WB_PUT_BYTES_PUT: one chunk of data
 * @WB_PUT_BYTES_COMMIT: all data sent; carries the CRC of the whole object
 * @WB_PUT_BYTES_ABORT: give up the transfer
 * @WB_PUT_BYTES_INSTALL: install a committed object
 *
 * The phone's PutBytes commands (reference §8.1).
 */
typedef enum {
	WB_PUT_BYTES_INIT = 0x01,
	WB_PUT_BYTES_PUT = 0x02,
	WB_PUT_BYTES_COMMIT = 0x03,
	WB_PUT_BYTES_ABORT = 0x04,
	WB_PUT_BYTES_INSTALL = 0x05,
} WbPutBytesCommand;

/**
 * WbPutBytesObjectType:
 * @WB_PUT_BYTES_OBJECT_FIRMWARE: firmware image
 * @WB_PUT_BYTES_OBJECT_RECOVERY: recovery firmware (PRF)
 * @WB_PUT_BYTES_OBJECT_SYSTEM_RESOURCES: system resources (pbpack)
 * @WB_PUT_BYTES_OBJECT_APP_RESOURCES: an app's resources
 * @WB_PUT_BYTES_OBJECT_APP_BINARY: an app's executable
 * @WB_PUT_BYTES_OBJECT_FILE: a named file (e.g. the language pack "lang")
 * @WB_PUT_BYTES_OBJECT_WORKER: an app's background worker
 *
 * What an Init transfers (the low 7 bits of its type byte, reference §8.1).
 */
typedef enum {
	WB_PUT_BYTES_OBJECT_FIRMWARE = 0x01,
	WB_PUT_BYTES_OBJECT_RECOVERY = 0x02,
	WB_PUT_BYTES_OBJECT_SYSTEM_RESOURCES = 0x03,
	WB_PUT_BYTES_OBJECT_APP_RESOURCES = 0x04,
	WB_PUT_BYTES_OBJECT_APP_BINARY = 0x05,
	WB_PUT_BYTES_OBJECT_FILE = 0x06,
	WB_PUT_BYTES_OBJECT_WORKER = 0x07,
} WbPutBytesObjectType;

/**
 * WbPutBytesMessage:
 * @command: which command
 * @token: Put, Commit, Abort, Install: the token the watch assigned in its Init ACK
 * @object_size: Init: size of the whole object in bytes
 * @object_type: Init: what is transferred
 * @has_cookie: Init: the target is @cookie (an app install id) rather than @bank
 * @cookie: Init with @has_cookie: the app install id the watch sent in its AppFetch request
 * @bank: Init without @has_cookie: the bank index
 * @filename: Init of a %WB_PUT_BYTES_OBJECT_FILE without cookie: the file's name (non-empty,
 *   at most %WB_PUT_BYTES_FILENAME_MAX bytes); %NULL otherwise
 * @has_resume: Init: the optional resume info is present
 * @append_offset: Init with @has_resume: where to continue an interrupted upload
 * @data: Put: the chunk (at most %WB_PUT_BYTES_MAX_CHUNK bytes); %NULL means empty
 * @crc: Commit: the checksum of the whole object (reference §6.5)
 *
 * A PutBytes command (phone to watch). The simulated watch decodes it.
 */
typedef struct {
	WbPutBytesCommand command;
	guint32 token;
	guint32 object_size;
	WbPutBytesObjectType object_type;
	gboolean has_cookie;
	guint32 cookie;
	guint8 bank;
	gchar *filename;
	gboolean has_resume;
	guint32 append_offset;
	GBytes *data;
	guint32 crc;
} WbPutBytesMessage;

void wb_put_bytes_message_clear(WbPutBytesMessage *msg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbPutBytesMessage, wb_put_bytes_message_clear)
gboolean wb_put_bytes_message_decode(const guint8 *buf, gsize len, WbPutBytesMessage *out,
				     GError **error);
gboolean wb_put_bytes_message_encode(const WbPutBytesMessage *msg, GByteArray *out, GError **error);
const gchar *wb_put_bytes_object_type_to_string(WbPutBytesObjectType type);

/**
 * WbPutBytesResult:
 * @WB_PUT_BYTES_ACK: the command succeeded
 * @WB_PUT_BYTES_NACK: the command failed; the transfer is over
 *
 * The watch's answer to every PutBytes command (reference §8.1).
 */
typedef enum {
	WB_PUT_BYTES_ACK = 0x01,
	WB_PUT_BYTES_NACK = 0x02,
} WbPutBytesResult;

/**
 * WbPutBytesResponse:
 * @result: ACK or NACK
 * @token: the transfer's token; the ACK of an Init carries the new token, a NACKed Init 0
 *
 * The watch's response to a PutBytes command (watch to phone).
 */
typedef struct {
	WbPutBytesResult result;
	guint32 token;
} WbPutBytesResponse;

gboolean wb_put_bytes_response_decode(const guint8 *buf, gsize len, WbPutBytesResponse *out,
				      GError **error);
gboolean wb_put_bytes_response_encode(const WbPutBytesResponse *msg, GByteArray *out,
				      GError **error);

G_END_DECLS
