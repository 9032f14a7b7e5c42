/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/* Pebble Protocol frame: u16 BE payload length, u16 BE endpoint, payload (reference §1.1). */
#define WB_FRAME_HEADER_LEN 4
/* The largest payload we accept from a peer. The length field allows 65535; the watch never
 * sends more than 656 (§1.2) and Gadgetbridge rejects anything over 8192, which leaves room
 * for 8 KiB AppMessage. Anything longer is garbage and makes the decoder resynchronise. */
#define WB_FRAME_MAX_PAYLOAD 8192
/* The largest payload the watch accepts on system endpoints (§1.2). Sessions keep to it. */
#define WB_FRAME_MAX_WATCH_INBOUND 2044

/**
 * WbEndpoint:
 *
 * Endpoint IDs (reference §1.3).
 */
typedef enum {
	WB_ENDPOINT_META = 0x0000,
	WB_ENDPOINT_TIME = 0x000B,
	WB_ENDPOINT_WATCH_VERSION = 0x0010,
	WB_ENDPOINT_PHONE_APP_VERSION = 0x0011,
	WB_ENDPOINT_SYSTEM_MESSAGE = 0x0012,
	WB_ENDPOINT_MUSIC_CONTROL = 0x0020,
	WB_ENDPOINT_PHONE_CONTROL = 0x0021,
	WB_ENDPOINT_APP_MESSAGE = 0x0030,
	WB_ENDPOINT_LAUNCHER = 0x0031,
	WB_ENDPOINT_BLE_CONTROL = 0x0033,
	WB_ENDPOINT_APP_RUN_STATE = 0x0034,
	WB_ENDPOINT_HEALTH_SYNC = 0x038F,
	WB_ENDPOINT_LOGS = 0x07D0,
	WB_ENDPOINT_PING = 0x07D1,
	WB_ENDPOINT_LOG_DUMP = 0x07D2,
	WB_ENDPOINT_RESET = 0x07D3,
	WB_ENDPOINT_APP_LOGS = 0x07D6,
	WB_ENDPOINT_NOTIFICATION = 0x0BB8,
	WB_ENDPOINT_FACTORY_REGISTRY = 0x1389,
	WB_ENDPOINT_APP_FETCH = 0x1771,
	WB_ENDPOINT_DATA_LOGGING = 0x1A7A,
	WB_ENDPOINT_SCREENSHOT = 0x1F40,
	WB_ENDPOINT_GET_BYTES = 0x2328,
	WB_ENDPOINT_TIMELINE_ACTION = 0x2CB0,
	WB_ENDPOINT_APP_ORDER = 0xABCD,
	WB_ENDPOINT_BLOBDB = 0xB1DB,
	WB_ENDPOINT_BLOBDB_V2 = 0xB2DB,
	WB_ENDPOINT_PUT_BYTES = 0xBEEF,
} WbEndpoint;

const gchar *wb_endpoint_to_string(guint16 endpoint);

/**
 * WbFrame:
 * @endpoint: the endpoint ID
 * @payload: (array length=len): the payload; borrowed from the buffer it was decoded from
 * @len: payload length
 */
typedef struct {
	guint16 endpoint;
	const guint8 *payload;
	gsize len;
} WbFrame;

gsize wb_frame_begin(GByteArray *out, guint16 endpoint);
gboolean wb_frame_end(GByteArray *out, gsize start, GError **error);
gboolean wb_frame_encode(GByteArray *out, guint16 endpoint, const guint8 *payload, gsize len,
			 GError **error);
gboolean wb_frame_parse(const guint8 *buf, gsize len, WbFrame *out_frame, GError **error);

typedef struct _WbFrameDecoder WbFrameDecoder;

WbFrameDecoder *wb_frame_decoder_new(gsize max_payload);
void wb_frame_decoder_free(WbFrameDecoder *self);
void wb_frame_decoder_push(WbFrameDecoder *self, const guint8 *buf, gsize len);
gboolean wb_frame_decoder_next(WbFrameDecoder *self, WbFrame *out_frame, GError **error);
gsize wb_frame_decoder_pending(const WbFrameDecoder *self);
void wb_frame_decoder_reset(WbFrameDecoder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbFrameDecoder, wb_frame_decoder_free)

G_END_DECLS
