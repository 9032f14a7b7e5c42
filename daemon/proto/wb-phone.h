/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/**
 * WbPhoneCommand:
 * @WB_PHONE_COMMAND_ANSWER: W→P the user answered (cookie)
 * @WB_PHONE_COMMAND_HANGUP: W→P the user hung up or declined (cookie)
 * @WB_PHONE_COMMAND_GET_STATE: W→P asks for the call state (no cookie)
 * @WB_PHONE_COMMAND_INCOMING: P→W incoming call (cookie, number, name)
 * @WB_PHONE_COMMAND_OUTGOING: P→W outgoing call (cookie; ignored by 3.x firmware)
 * @WB_PHONE_COMMAND_MISSED: P→W missed call (cookie, optionally number and name; ignored)
 * @WB_PHONE_COMMAND_RING: P→W ring (cookie; ignored, the watch rings by itself)
 * @WB_PHONE_COMMAND_START: P→W the call was answered (cookie)
 * @WB_PHONE_COMMAND_END: P→W the call ended (cookie)
 * @WB_PHONE_COMMAND_STATE_RESPONSE: P→W answer to GET_STATE: a list of call messages
 *
 * First byte on the phone control endpoint 0x0021 (§5, FW `services/common/phone_pp.c`).
 */
typedef enum {
	WB_PHONE_COMMAND_ANSWER = 0x01,
	WB_PHONE_COMMAND_HANGUP = 0x02,
	WB_PHONE_COMMAND_GET_STATE = 0x03,
	WB_PHONE_COMMAND_INCOMING = 0x04,
	WB_PHONE_COMMAND_OUTGOING = 0x05,
	WB_PHONE_COMMAND_MISSED = 0x06,
	WB_PHONE_COMMAND_RING = 0x07,
	WB_PHONE_COMMAND_START = 0x08,
	WB_PHONE_COMMAND_END = 0x09,
	WB_PHONE_COMMAND_STATE_RESPONSE = 0x83,
} WbPhoneCommand;

/* §5: the watch keeps at most 31 bytes of the number and of the name */
#define WB_PHONE_CALLER_MAX_LEN 31

/**
 * WbPhoneMessage:
 * @command: the command
 * @cookie: identifies the call; every command but GET_STATE and STATE_RESPONSE carries it. The
 *   firmware treats it as a native (LE) u32 and echoes the same 4 bytes in Answer/Hangup, so it
 *   is read and written little-endian here (LP2/GB write big-endian: the bytes are opaque).
 * @number: (nullable): INCOMING (and optionally MISSED): the caller's number (≤ 255 bytes)
 * @name: (nullable): INCOMING (and optionally MISSED): the caller's name (≤ 255 bytes)
 * @items: (element-type WbPhoneMessage) (nullable): STATE_RESPONSE only: the current calls,
 *   each a P→W call message (INCOMING … END); empty means no call (the watch closes its call UI)
 *
 * One message on the phone control endpoint, either direction (§5).
 */
typedef struct {
	WbPhoneCommand command;
	guint32 cookie;
	gchar *number;
	gchar *name;
	GPtrArray *items;
} WbPhoneMessage;

WbPhoneMessage *wb_phone_message_new(WbPhoneCommand command, guint32 cookie);
void wb_phone_message_free(WbPhoneMessage *msg);
void wb_phone_message_add_item(WbPhoneMessage *msg, WbPhoneMessage *item);

void wb_phone_message_clear(WbPhoneMessage *msg);
gboolean wb_phone_message_decode(const guint8 *buf, gsize len, WbPhoneMessage *out, GError **error);
gboolean wb_phone_message_encode(const WbPhoneMessage *msg, GByteArray *out, GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbPhoneMessage, wb_phone_message_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbPhoneMessage, wb_phone_message_free)

G_END_DECLS
