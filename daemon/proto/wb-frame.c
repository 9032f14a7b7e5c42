/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-frame.h"

/**
 * wb_endpoint_to_string:
 * @endpoint: an endpoint ID
 *
 * Returns: (transfer none): a short name, or "unknown"
 */
const gchar *
wb_endpoint_to_string(guint16 endpoint)
{
	switch ((WbEndpoint)endpoint) {
	case WB_ENDPOINT_META:
		return "meta";
	case WB_ENDPOINT_TIME:
		return "time";
	case WB_ENDPOINT_WATCH_VERSION:
		return "watch-version";
	case WB_ENDPOINT_PHONE_APP_VERSION:
		return "phone-app-version";
	case WB_ENDPOINT_SYSTEM_MESSAGE:
		return "system-message";
	case WB_ENDPOINT_MUSIC_CONTROL:
		return "music-control";
	case WB_ENDPOINT_PHONE_CONTROL:
		return "phone-control";
	case WB_ENDPOINT_APP_MESSAGE:
		return "app-message";
	case WB_ENDPOINT_LAUNCHER:
		return "launcher";
	case WB_ENDPOINT_BLE_CONTROL:
		return "ble-control";
	case WB_ENDPOINT_APP_RUN_STATE:
		return "app-run-state";
	case WB_ENDPOINT_HEALTH_SYNC:
		return "health-sync";
	case WB_ENDPOINT_LOGS:
		return "logs";
	case WB_ENDPOINT_PING:
		return "ping";
	case WB_ENDPOINT_LOG_DUMP:
		return "log-dump";
	case WB_ENDPOINT_RESET:
		return "reset";
	case WB_ENDPOINT_APP_LOGS:
		return "app-logs";
	case WB_ENDPOINT_NOTIFICATION:
		return "notification";
	case WB_ENDPOINT_FACTORY_REGISTRY:
		return "factory-registry";
	case WB_ENDPOINT_APP_FETCH:
		return "app-fetch";
	case WB_ENDPOINT_DATA_LOGGING:
		return "data-logging";
	case WB_ENDPOINT_SCREENSHOT:
		return "screenshot";
	case WB_ENDPOINT_GET_BYTES:
		return "get-bytes";
	case WB_ENDPOINT_TIMELINE_ACTION:
		return "timeline-action";
	case WB_ENDPOINT_APP_ORDER:
		return "app-order";
	case WB_ENDPOINT_BLOBDB:
		return "blobdb";
	case WB_ENDPOINT_BLOBDB_V2:
		return "blobdb2";
	case WB_ENDPOINT_PUT_BYTES:
		return "put-bytes";
	}
	return "unknown";
}

/**
 * wb_frame_begin:
 * @out: the buffer to append to
 * @endpoint: the endpoint ID
 *
 * Appends a frame header with a length still to be filled in. Append the payload, then call
 * wb_frame_end(). This encodes a message in place, without a copy.
 *
 * Returns: the offset of the header, to pass to wb_frame_end()
 */
gsize
wb_frame_begin(GByteArray *out, guint16 endpoint)
{
	gsize start = out->len;
	wb_put_u16_be(out, 0);
	wb_put_u16_be(out, endpoint);
	return start;
}

/**
 * wb_frame_end:
 * @out: the buffer given to wb_frame_begin()
 * @start: what wb_frame_begin() returned
 * @error: return location for a #GError
 *
 * Fills in the length of the frame begun at @start. If the payload is longer than
 * %WB_FRAME_MAX_PAYLOAD the whole frame is removed from @out again.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_frame_end(GByteArray *out, gsize start, GError **error)
{
	gsize len;

	g_return_val_if_fail(start + WB_FRAME_HEADER_LEN <= out->len, FALSE);
	len = out->len - start - WB_FRAME_HEADER_LEN;
	if (len > WB_FRAME_MAX_PAYLOAD) {
		g_byte_array_set_size(out, (guint)start);
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "frame: payload of %" G_GSIZE_FORMAT " bytes, the most is %d", len,
			    WB_FRAME_MAX_PAYLOAD);
		return FALSE;
	}
	wb_set_u16_be(out, start, (guint16)len);
	return TRUE;
}

/**
 * wb_frame_encode:
 * @out: the buffer to append to
 * @endpoint: the endpoint ID
 * @payload: (array length=len) (nullable): the payload
 * @len: its length
 * @error: return location for a #GError
 *
 * Appends one whole frame.
 *
 * Returns: %TRUE on success; %FALSE with %WB_PROTO_ERROR_TOO_LONG leaves @out unchanged
 */
gboolean
wb_frame_encode(GByteArray *out, guint16 endpoint, const guint8 *payload, gsize len, GError **error)
{
	gsize start;

	if (len > WB_FRAME_MAX_PAYLOAD) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "frame: payload of %" G_GSIZE_FORMAT " bytes, the most is %d", len,
			    WB_FRAME_MAX_PAYLOAD);
		return FALSE;
	}
	start = wb_frame_begin(out, endpoint);
	wb_put_bytes(out, payload, len);
	return wb_frame_end(out, start, error);
}

/**
 * wb_frame_parse:
 * @buf: (array length=len): exactly one frame
 * @len: its length
 * @out_frame: (out): the frame, pointing into @buf
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @buf holds exactly one frame of at most %WB_FRAME_MAX_PAYLOAD bytes
 */
gboolean
wb_frame_parse(const guint8 *buf, gsize len, WbFrame *out_frame, GError **error)
{
	WbReader r;
	guint16 plen, endpoint;
	const guint8 *payload;

	wb_reader_init(&r, buf, len);
	plen = wb_reader_u16_be(&r);
	endpoint = wb_reader_u16_be(&r);
	if (!wb_reader_check(&r, "frame header", error))
		return FALSE;
	if (plen > WB_FRAME_MAX_PAYLOAD) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "frame: length %u exceeds %d", plen, WB_FRAME_MAX_PAYLOAD);
		return FALSE;
	}
	payload = wb_reader_bytes(&r, plen);
	if (!wb_reader_check_end(&r, "frame", error))
		return FALSE;
	out_frame->endpoint = endpoint;
	out_frame->payload = payload;
	out_frame->len = plen;
	return TRUE;
}

struct _WbFrameDecoder {
	WbByteQueue queue;
	gsize max_payload;
};

/**
 * wb_frame_decoder_new:
 * @max_payload: the largest payload to accept, at most 65535; 0 means %WB_FRAME_MAX_PAYLOAD
 *
 * Returns: (transfer full): a decoder for a byte stream of frames
 */
WbFrameDecoder *
wb_frame_decoder_new(gsize max_payload)
{
	WbFrameDecoder *self = g_new0(WbFrameDecoder, 1);
	wb_byte_queue_init(&self->queue);
	self->max_payload = max_payload != 0 ? MIN(max_payload, G_MAXUINT16) : WB_FRAME_MAX_PAYLOAD;
	return self;
}

void
wb_frame_decoder_free(WbFrameDecoder *self)
{
	if (self == NULL)
		return;
	wb_byte_queue_clear(&self->queue);
	g_free(self);
}

/**
 * wb_frame_decoder_reset:
 * @self: the decoder
 *
 * Forgets any partial frame, as after the link was re-established.
 */
void
wb_frame_decoder_reset(WbFrameDecoder *self)
{
	wb_byte_queue_reset(&self->queue);
}

/**
 * wb_frame_decoder_pending:
 * @self: the decoder
 *
 * Returns: how many received bytes are not yet part of a returned frame
 */
gsize
wb_frame_decoder_pending(const WbFrameDecoder *self)
{
	return wb_byte_queue_length(&self->queue);
}

/**
 * wb_frame_decoder_push:
 * @self: the decoder
 * @buf: (array length=len): received bytes, any chunking
 * @len: their number
 *
 * Adds received bytes. Frames previously returned by wb_frame_decoder_next() become invalid.
 */
void
wb_frame_decoder_push(WbFrameDecoder *self, const guint8 *buf, gsize len)
{
	wb_byte_queue_push(&self->queue, buf, len);
}

/**
 * wb_frame_decoder_next:
 * @self: the decoder
 * @out_frame: (out): the next frame; its payload stays valid until the next push
 * @error: return location for a #GError
 *
 * Takes the next whole frame. When the header in front announces more than the maximum
 * payload, one byte is dropped so that decoding resynchronises on the following bytes, and
 * %WB_PROTO_ERROR_TOO_LONG is returned; call again to go on.
 *
 * Returns: %TRUE with a frame; %FALSE with @error unset when more bytes are needed
 */
gboolean
wb_frame_decoder_next(WbFrameDecoder *self, WbFrame *out_frame, GError **error)
{
	gsize avail;
	const guint8 *p = wb_byte_queue_peek(&self->queue, &avail);
	gsize plen;

	if (avail < WB_FRAME_HEADER_LEN)
		return FALSE;
	plen = ((gsize)p[0] << 8) | p[1];
	if (plen > self->max_payload) {
		wb_byte_queue_consume(&self->queue, 1);
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "frame: length %" G_GSIZE_FORMAT " exceeds %" G_GSIZE_FORMAT
			    ", resynchronising",
			    plen, self->max_payload);
		return FALSE;
	}
	if (avail < WB_FRAME_HEADER_LEN + plen)
		return FALSE;
	out_frame->endpoint = (guint16)((p[2] << 8) | p[3]);
	out_frame->payload = p + WB_FRAME_HEADER_LEN;
	out_frame->len = plen;
	wb_byte_queue_consume(&self->queue, WB_FRAME_HEADER_LEN + plen);
	return TRUE;
}
