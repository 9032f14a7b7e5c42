/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"
#include "wb-uuid.h"

G_BEGIN_DECLS

/* The firmware's log levels (a log record's level byte; other values do occur). */
#define WB_LOG_LEVEL_ALWAYS  0
#define WB_LOG_LEVEL_ERROR   1
#define WB_LOG_LEVEL_WARNING 50
#define WB_LOG_LEVEL_INFO    100
#define WB_LOG_LEVEL_DEBUG   200
#define WB_LOG_LEVEL_VERBOSE 255

/* A log record: u32 BE timestamp, level, message length, u16 BE line, char[16] filename,
 * message (reference §8.7; the firmware's binary log message). */
#define WB_LOG_RECORD_HEADER_LEN   24
#define WB_LOG_RECORD_FILENAME_LEN 16
#define WB_LOG_RECORD_MESSAGE_MAX  255

/**
 * WbLogRecord:
 * @timestamp: when, Unix seconds (watch local time)
 * @level: a `WB_LOG_LEVEL_*` value
 * @line: source line
 * @filename: source file, at most 16 bytes (the firmware keeps the last 15 characters)
 * @message: the text, at most 255 bytes
 *
 * One line of a watch log: the body of an AppLogs message after the UUID, and of a LogDump
 * record after the cookie.
 */
typedef struct {
	guint32 timestamp;
	guint8 level;
	guint16 line;
	gchar *filename;
	gchar *message;
} WbLogRecord;

void wb_log_record_clear(WbLogRecord *msg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbLogRecord, wb_log_record_clear)

/* ---- AppLogs, endpoint 2006 (0x07D6) (reference §8.7) ---- */
#define WB_APP_LOGS_DISABLE 0x00
#define WB_APP_LOGS_ENABLE  0x01

gboolean wb_app_logs_control_decode(const guint8 *buf, gsize len, gboolean *out_enable,
				    GError **error);
gboolean wb_app_logs_control_encode(gboolean enable, GByteArray *out, GError **error);

/**
 * WbAppLogMessage:
 * @uuid: the app that logged
 * @record: the line
 *
 * An app's `APP_LOG` line, streamed by the watch while app logging is enabled.
 */
typedef struct {
	WbUuid uuid;
	WbLogRecord record;
} WbAppLogMessage;

void wb_app_log_message_clear(WbAppLogMessage *msg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbAppLogMessage, wb_app_log_message_clear)
gboolean wb_app_log_message_decode(const guint8 *buf, gsize len, WbAppLogMessage *out,
				   GError **error);
gboolean wb_app_log_message_encode(const WbAppLogMessage *msg, GByteArray *out, GError **error);

/* ---- LogDump, endpoint 2002 (0x07D2) (reference §8.7) ---- */

/**
 * WbLogDumpCommand:
 * @WB_LOG_DUMP_REQUEST: P→W dump one generation of the flash log
 * @WB_LOG_DUMP_RECORD: W→P one log line
 * @WB_LOG_DUMP_DONE: W→P the dump is over
 * @WB_LOG_DUMP_NO_LOGS: W→P the generation does not exist (sent only if the phone set the
 *   infinite-log-dumping capability)
 *
 * LogDump commands.
 */
typedef enum {
	WB_LOG_DUMP_REQUEST = 0x10,
	WB_LOG_DUMP_RECORD = 0x80,
	WB_LOG_DUMP_DONE = 0x81,
	WB_LOG_DUMP_NO_LOGS = 0x82,
} WbLogDumpCommand;

/**
 * WbLogDumpMessage:
 * @command: which message
 * @generation: Request: which flash log generation (0 = the most recent)
 * @cookie: chosen by the phone in its Request, echoed in every answer; the firmware treats it
 *   as 4 opaque bytes, we read them little-endian as it stores them
 * @record: Record: the line
 *
 * A LogDump message, either direction.
 */
typedef struct {
	WbLogDumpCommand command;
	guint8 generation;
	guint32 cookie;
	WbLogRecord record;
} WbLogDumpMessage;

void wb_log_dump_message_clear(WbLogDumpMessage *msg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbLogDumpMessage, wb_log_dump_message_clear)
gboolean wb_log_dump_message_decode(const guint8 *buf, gsize len, WbLogDumpMessage *out,
				    GError **error);
gboolean wb_log_dump_message_encode(const WbLogDumpMessage *msg, GByteArray *out, GError **error);

G_END_DECLS
