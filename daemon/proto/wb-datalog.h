/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"
#include "wb-uuid.h"

G_BEGIN_DECLS

/**
 * WbDatalogCommand:
 * @WB_DATALOG_CMD_OPEN_SESSION: W→P, a session (re)opens; #WbDatalogOpenSession
 * @WB_DATALOG_CMD_SEND_DATA: W→P, whole items of a session; #WbDatalogSendData
 * @WB_DATALOG_CMD_CLOSE_SESSION: W→P, a session is gone (informational)
 * @WB_DATALOG_CMD_TIMEOUT: W→P, the watch gave up waiting for an ACK of @session_id
 * @WB_DATALOG_CMD_SEND_ENABLE_RESPONSE: W→P, answer to GetSendEnable, carries @enabled
 * @WB_DATALOG_CMD_REPORT_OPEN_SESSIONS: P→W, the ids the phone believes are open
 * @WB_DATALOG_CMD_ACK: P→W, accept the last Open/SendData of @session_id
 * @WB_DATALOG_CMD_NACK: P→W, refuse it (the watch keeps the data and re-opens)
 * @WB_DATALOG_CMD_EMPTY_SESSION: P→W, ask for everything @session_id holds now
 * @WB_DATALOG_CMD_GET_SEND_ENABLE: P→W, ask whether the watch sends data at all
 * @WB_DATALOG_CMD_SET_SEND_ENABLE: P→W, switch sending on or off (@enabled)
 *
 * The command byte of endpoint 6778 (reference §6.1). Commands the phone sends have bit 7
 * (%WB_DATALOG_CMD_FROM_PHONE) set, the watch's have it clear; the firmware dispatches phone
 * commands on the low 7 bits and drops any without bit 7, so every value here is the exact
 * byte on the wire.
 */
typedef enum {
	WB_DATALOG_CMD_OPEN_SESSION = 0x01,
	WB_DATALOG_CMD_SEND_DATA = 0x02,
	WB_DATALOG_CMD_CLOSE_SESSION = 0x03,
	WB_DATALOG_CMD_TIMEOUT = 0x07,
	WB_DATALOG_CMD_SEND_ENABLE_RESPONSE = 0x0A,
	WB_DATALOG_CMD_REPORT_OPEN_SESSIONS = 0x84,
	WB_DATALOG_CMD_ACK = 0x85,
	WB_DATALOG_CMD_NACK = 0x86,
	WB_DATALOG_CMD_EMPTY_SESSION = 0x88,
	WB_DATALOG_CMD_GET_SEND_ENABLE = 0x89,
	WB_DATALOG_CMD_SET_SEND_ENABLE = 0x8B,
} WbDatalogCommand;

/* §6: bit 7 of the command byte marks messages sent by the phone. */
#define WB_DATALOG_CMD_FROM_PHONE 0x80

/**
 * WbDatalogItemType:
 * @WB_DATALOG_ITEM_BYTE_ARRAY: opaque items of item_size bytes
 * @WB_DATALOG_ITEM_UINT: unsigned little-endian integers of 1, 2 or 4 bytes
 * @WB_DATALOG_ITEM_INT: signed little-endian integers of 1, 2 or 4 bytes
 *
 * OpenSession item_type (§6.2; FW applib/data_logging.h; value 1 is not used).
 */
typedef enum {
	WB_DATALOG_ITEM_BYTE_ARRAY = 0,
	WB_DATALOG_ITEM_UINT = 2,
	WB_DATALOG_ITEM_INT = 3,
} WbDatalogItemType;

/* §6.3: SendData carries at most 656 - 10 bytes of items (FW COMM_MAX_OUTBOUND_PAYLOAD_SIZE). */
#define WB_DATALOG_MAX_DATA_LEN 646
/* §6.3: the firmware hard-codes items_left_hereafter to this (a FIXME in dls_endpoint.c). */
#define WB_DATALOG_ITEMS_LEFT_UNKNOWN 0xFFFFu

/**
 * WbDatalogOpenSession:
 * @app_uuid: the logging app; all zero for system sessions (health, analytics)
 * @timestamp: session creation time, UTC seconds
 * @tag: app-chosen tag, or a system tag (reference §7.1)
 * @item_type: the type of each item
 * @item_size: bytes per item (1, 2 or 4 for integers; ≥ 1 for byte arrays)
 *
 * Fields of OpenSession (§6.2).
 */
typedef struct {
	WbUuid app_uuid;
	guint32 timestamp;
	guint32 tag;
	WbDatalogItemType item_type;
	guint16 item_size;
} WbDatalogOpenSession;

/**
 * WbDatalogSendData:
 * @items_left: items_left_hereafter; unreliable (firmware sends %WB_DATALOG_ITEMS_LEFT_UNKNOWN)
 * @crc: the §6.5 checksum of @data as the sender computed it (see wb_datalog_send_data_check_crc())
 * @data: 1..%WB_DATALOG_MAX_DATA_LEN bytes of whole items
 *
 * Fields of SendData (§6.3). The message alone does not tell the item size: check @data with
 * wb_datalog_check_items() against the session's OpenSession.
 */
typedef struct {
	guint32 items_left;
	guint32 crc;
	GBytes *data;
} WbDatalogSendData;

/**
 * WbDatalogMessage:
 * @command: which message this is
 * @session_id: for Open, SendData, Close, Timeout, ACK, NACK and EmptySession; else 0
 * @open: for %WB_DATALOG_CMD_OPEN_SESSION; else zero
 * @send: for %WB_DATALOG_CMD_SEND_DATA; else zero
 * @enabled: for %WB_DATALOG_CMD_SEND_ENABLE_RESPONSE and %WB_DATALOG_CMD_SET_SEND_ENABLE
 * @session_ids: for %WB_DATALOG_CMD_REPORT_OPEN_SESSIONS, one byte per session id (may be
 *   empty; %NULL encodes as empty); else %NULL
 *
 * One data-logging message, either direction (§6.1). Fields that do not belong to @command
 * are zero. Free members with wb_datalog_message_clear().
 */
typedef struct {
	WbDatalogCommand command;
	guint8 session_id;
	WbDatalogOpenSession open;
	WbDatalogSendData send;
	gboolean enabled;
	GBytes *session_ids;
} WbDatalogMessage;

void wb_datalog_message_clear(WbDatalogMessage *msg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbDatalogMessage, wb_datalog_message_clear)

gboolean wb_datalog_decode(const guint8 *buf, gsize len, WbDatalogMessage *out, GError **error);
gboolean wb_datalog_encode(const WbDatalogMessage *msg, GByteArray *out, GError **error);

gboolean wb_datalog_check_items(gsize data_len, guint16 item_size, GError **error);
gboolean wb_datalog_send_data_check_crc(const WbDatalogSendData *send, GError **error);

gboolean wb_datalog_command_is_from_phone(WbDatalogCommand command);
const gchar *wb_datalog_command_to_string(WbDatalogCommand command);

G_END_DECLS
