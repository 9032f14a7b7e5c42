/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The Pebble SDK emulator's TCP framing and control messages (reference §12).
 */
#include <string.h>

#include "wb-emu.h"

/**
 * wb_emu_protocol_to_string:
 * @protocol: a protocol number
 *
 * Returns: (transfer none): a short name, or "unknown"
 */
const gchar *
wb_emu_protocol_to_string(guint16 protocol)
{
	switch ((WbEmuProtocol)protocol) {
	case WB_EMU_PROTOCOL_SPP:
		return "spp";
	case WB_EMU_PROTOCOL_TAP:
		return "tap";
	case WB_EMU_PROTOCOL_BLUETOOTH_CONNECTION:
		return "bluetooth-connection";
	case WB_EMU_PROTOCOL_COMPASS:
		return "compass";
	case WB_EMU_PROTOCOL_BATTERY:
		return "battery";
	case WB_EMU_PROTOCOL_ACCEL:
		return "accel";
	case WB_EMU_PROTOCOL_VIBRATION:
		return "vibration";
	case WB_EMU_PROTOCOL_BUTTON:
		return "button";
	case WB_EMU_PROTOCOL_TIME_FORMAT:
		return "time-format";
	case WB_EMU_PROTOCOL_TIMELINE_PEEK:
		return "timeline-peek";
	case WB_EMU_PROTOCOL_CONTENT_SIZE:
		return "content-size";
	case WB_EMU_PROTOCOL_HEALTH_METRIC:
		return "health-metric";
	case WB_EMU_PROTOCOL_HEART_RATE:
		return "heart-rate";
	}
	return "unknown";
}

/**
 * wb_emu_packet_encode:
 * @out: the buffer to append to
 * @protocol: the protocol number
 * @payload: (array length=len) (nullable): the payload
 * @len: at most %WB_EMU_MAX_PAYLOAD
 * @error: return location for a #GError
 *
 * Returns: %TRUE; %FALSE with %WB_PROTO_ERROR_TOO_LONG (and @out unchanged) for a payload
 * longer than the emulator accepts
 */
gboolean
wb_emu_packet_encode(GByteArray *out, guint16 protocol, const guint8 *payload, gsize len,
		     GError **error)
{
	if (len > WB_EMU_MAX_PAYLOAD)
		return wb_proto_fail(error, WB_PROTO_ERROR_TOO_LONG,
				     "emulator packet: %" G_GSIZE_FORMAT " bytes, the most is %d",
				     len, WB_EMU_MAX_PAYLOAD);
	wb_put_u16_be(out, WB_EMU_SIGNATURE);
	wb_put_u16_be(out, protocol);
	wb_put_u16_be(out, (guint16)len);
	wb_put_bytes(out, payload, len);
	wb_put_u16_be(out, WB_EMU_FOOTER);
	return TRUE;
}

/**
 * wb_emu_spp_encode:
 * @out: the buffer to append to
 * @stream: (array length=len): Pebble Protocol bytes (whole frames or any slice)
 * @len: their number
 *
 * Wraps a slice of the Pebble Protocol stream in SPP packets of at most
 * %WB_EMU_MAX_PAYLOAD bytes each, as hosts do (§12.2).
 */
void
wb_emu_spp_encode(GByteArray *out, const guint8 *stream, gsize len)
{
	for (gsize off = 0; off < len; off += WB_EMU_MAX_PAYLOAD) {
		gsize n = MIN(len - off, (gsize)WB_EMU_MAX_PAYLOAD);
		/* cannot fail: n is within the limit */
		(void)wb_emu_packet_encode(out, WB_EMU_PROTOCOL_SPP, stream + off, n, NULL);
	}
}

struct _WbEmuDecoder {
	WbByteQueue queue;
};

/**
 * wb_emu_decoder_new:
 *
 * Returns: (transfer full): a decoder for the byte stream from (or to) the emulator
 */
WbEmuDecoder *
wb_emu_decoder_new(void)
{
	WbEmuDecoder *self = g_new0(WbEmuDecoder, 1);
	wb_byte_queue_init(&self->queue);
	return self;
}

void
wb_emu_decoder_free(WbEmuDecoder *self)
{
	if (self == NULL)
		return;
	wb_byte_queue_clear(&self->queue);
	g_free(self);
}

void
wb_emu_decoder_reset(WbEmuDecoder *self)
{
	wb_byte_queue_reset(&self->queue);
}

gsize
wb_emu_decoder_pending(const WbEmuDecoder *self)
{
	return wb_byte_queue_length(&self->queue);
}

/**
 * wb_emu_decoder_push:
 * @self: the decoder
 * @buf: (array length=len): received bytes, any chunking
 * @len: their number
 *
 * Adds received bytes. Packets returned earlier become invalid.
 */
void
wb_emu_decoder_push(WbEmuDecoder *self, const guint8 *buf, gsize len)
{
	wb_byte_queue_push(&self->queue, buf, len);
}

/**
 * wb_emu_decoder_next:
 * @self: the decoder
 * @out_packet: (out): the next packet; valid until the next push
 * @error: return location for a #GError
 *
 * Takes the next whole packet, hunting for the `FE ED` signature as the firmware does.
 * Garbage before a signature, an over-long length or a bad footer make the decoder skip
 * ahead and return an error describing what was dropped; call again to go on.
 *
 * Returns: %TRUE with a packet; %FALSE with @error unset when more bytes are needed
 */
gboolean
wb_emu_decoder_next(WbEmuDecoder *self, WbEmuPacket *out_packet, GError **error)
{
	gsize avail;
	const guint8 *p = wb_byte_queue_peek(&self->queue, &avail);
	gsize skipped = 0;
	guint16 protocol, len;

	if (avail < 2)
		return FALSE;
	while (skipped + 1 < avail && !(p[skipped] == 0xFE && p[skipped + 1] == 0xED))
		skipped++;
	if (skipped + 1 >= avail && !(p[skipped] == 0xFE && skipped + 1 == avail)) {
		/* no signature at all; keep nothing */
		skipped = avail;
	}
	if (skipped > 0) {
		wb_byte_queue_consume(&self->queue, skipped);
		return wb_proto_fail(
			error, WB_PROTO_ERROR_BAD_CHECKSUM,
			"emulator: %" G_GSIZE_FORMAT " bytes before a signature dropped", skipped);
	}
	if (avail < WB_EMU_HEADER_LEN)
		return FALSE;
	protocol = (guint16)((p[2] << 8) | p[3]);
	len = (guint16)((p[4] << 8) | p[5]);
	if (len > WB_EMU_MAX_PAYLOAD) {
		wb_byte_queue_consume(&self->queue, 2);
		return wb_proto_fail(error, WB_PROTO_ERROR_TOO_LONG,
				     "emulator: length %u exceeds %d, resynchronising", len,
				     WB_EMU_MAX_PAYLOAD);
	}
	if (avail < (gsize)WB_EMU_HEADER_LEN + len + WB_EMU_FOOTER_LEN)
		return FALSE;
	if (p[WB_EMU_HEADER_LEN + len] != 0xBE || p[WB_EMU_HEADER_LEN + len + 1] != 0xEF) {
		wb_byte_queue_consume(&self->queue, 2);
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_CHECKSUM,
				     "emulator: bad footer after %u bytes of protocol %u, dropped",
				     len, protocol);
	}
	out_packet->protocol = protocol;
	out_packet->payload = p + WB_EMU_HEADER_LEN;
	out_packet->len = len;
	wb_byte_queue_consume(&self->queue, (gsize)WB_EMU_HEADER_LEN + len + WB_EMU_FOOTER_LEN);
	return TRUE;
}

/* ---------------------------------------------------------------- control messages */

static gboolean
bool_byte(guint8 v, gboolean *out, const gchar *what, GError **error)
{
	if (v > 1)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE, "emulator %s: %u", what, v);
	*out = v != 0;
	return TRUE;
}

/**
 * wb_emu_control_decode:
 * @protocol: the packet's protocol (not SPP)
 * @from_watch: %TRUE for the watch→host direction
 * @buf: (array length=len): the payload
 * @len: its length
 * @out: (out caller-allocates): the message
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
wb_emu_control_decode(guint16 protocol, gboolean from_watch, const guint8 *buf, gsize len,
		      WbEmuControl *out, GError **error)
{
	WbEmuControl msg;
	const gchar *what = wb_emu_protocol_to_string(protocol);
	WbReader r;
	guint8 v;

	memset(out, 0, sizeof(*out));
	memset(&msg, 0, sizeof(msg));
	msg.from_watch = from_watch;
	wb_reader_init(&r, buf, len);

	if (from_watch) {
		switch (protocol) {
		case WB_EMU_PROTOCOL_ACCEL:
			msg.accel_free_slots = wb_reader_u16_be(&r);
			break;
		case WB_EMU_PROTOCOL_VIBRATION:
			msg.vibration_on = wb_reader_u8(&r) != 0;
			break;
		default:
			return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
					     "emulator: protocol %u from the watch", protocol);
		}
		if (!wb_reader_check_end(&r, what, error))
			return FALSE;
		msg.protocol = (WbEmuProtocol)protocol;
		*out = msg;
		return TRUE;
	}

	switch (protocol) {
	case WB_EMU_PROTOCOL_TAP: {
		guint8 axis = wb_reader_u8(&r);
		gint8 dir = wb_reader_i8(&r);
		if (!wb_reader_check_end(&r, what, error))
			return FALSE;
		if (axis > WB_EMU_AXIS_Z || (dir != 1 && dir != -1))
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator tap: axis %u direction %d", axis, dir);
		msg.tap.axis = (WbEmuAxis)axis;
		msg.tap.direction = dir;
		break;
	}
	case WB_EMU_PROTOCOL_BLUETOOTH_CONNECTION:
		v = wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, what, error) ||
		    !bool_byte(v, &msg.bluetooth_connected, what, error))
			return FALSE;
		break;
	case WB_EMU_PROTOCOL_COMPASS:
		msg.compass.heading = wb_reader_u32_be(&r);
		v = wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, what, error))
			return FALSE;
		if (v > WB_EMU_COMPASS_CALIBRATED || msg.compass.heading > 0x10000)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator compass: heading %u status %u",
					     msg.compass.heading, v);
		msg.compass.status = (WbEmuCompassStatus)v;
		break;
	case WB_EMU_PROTOCOL_BATTERY:
		msg.battery.percent = wb_reader_u8(&r);
		v = wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, what, error) ||
		    !bool_byte(v, &msg.battery.charging, what, error))
			return FALSE;
		if (msg.battery.percent > 100)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator battery: %u %%", msg.battery.percent);
		break;
	case WB_EMU_PROTOCOL_ACCEL:
		msg.accel.count = wb_reader_u8(&r);
		for (guint i = 0; i < msg.accel.count; i++) {
			msg.accel.samples[i].x = wb_reader_i16_be(&r);
			msg.accel.samples[i].y = wb_reader_i16_be(&r);
			msg.accel.samples[i].z = wb_reader_i16_be(&r);
		}
		if (!wb_reader_check_end(&r, what, error))
			return FALSE;
		break;
	case WB_EMU_PROTOCOL_BUTTON:
		msg.buttons = wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, what, error))
			return FALSE;
		if ((msg.buttons & ~WB_EMU_BUTTON_ALL) != 0)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator button: mask 0x%02x", msg.buttons);
		break;
	case WB_EMU_PROTOCOL_TIME_FORMAT:
		v = wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, what, error) ||
		    !bool_byte(v, &msg.is_24h, what, error))
			return FALSE;
		break;
	case WB_EMU_PROTOCOL_TIMELINE_PEEK:
		v = wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, what, error) ||
		    !bool_byte(v, &msg.timeline_peek, what, error))
			return FALSE;
		break;
	case WB_EMU_PROTOCOL_CONTENT_SIZE:
		msg.content_size = wb_reader_u8(&r);
		if (!wb_reader_check_end(&r, what, error))
			return FALSE;
		if (msg.content_size > 3)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator content size: %u", msg.content_size);
		break;
	case WB_EMU_PROTOCOL_HEALTH_METRIC:
		v = wb_reader_u8(&r);
		msg.health.value = wb_reader_i32_be(&r);
		if (!wb_reader_check_end(&r, what, error))
			return FALSE;
		if (v > WB_EMU_HEALTH_SLEEP_RESTFUL_SECONDS)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator health metric: %u", v);
		msg.health.metric = (WbEmuHealthMetric)v;
		break;
	case WB_EMU_PROTOCOL_HEART_RATE:
		msg.heart_rate.bpm = wb_reader_u8(&r);
		msg.heart_rate.quality = wb_reader_i8(&r);
		if (!wb_reader_check_end(&r, what, error))
			return FALSE;
		if (msg.heart_rate.quality < -2 || msg.heart_rate.quality > 5)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator heart rate: quality %d",
					     msg.heart_rate.quality);
		break;
	default:
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
				     "emulator: protocol %u is not a control message", protocol);
	}
	msg.protocol = (WbEmuProtocol)protocol;
	*out = msg;
	return TRUE;
}

/**
 * wb_emu_control_encode:
 * @msg: the message
 * @out: the buffer to append the *payload* to (wrap it with wb_emu_packet_encode())
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; %FALSE (and @out unchanged) for out-of-range values
 */
gboolean
wb_emu_control_encode(const WbEmuControl *msg, GByteArray *out, GError **error)
{
	if (msg->from_watch) {
		switch (msg->protocol) {
		case WB_EMU_PROTOCOL_ACCEL:
			wb_put_u16_be(out, msg->accel_free_slots);
			return TRUE;
		case WB_EMU_PROTOCOL_VIBRATION:
			wb_put_u8(out, msg->vibration_on ? 1 : 0);
			return TRUE;
		case WB_EMU_PROTOCOL_SPP:
		case WB_EMU_PROTOCOL_TAP:
		case WB_EMU_PROTOCOL_BLUETOOTH_CONNECTION:
		case WB_EMU_PROTOCOL_COMPASS:
		case WB_EMU_PROTOCOL_BATTERY:
		case WB_EMU_PROTOCOL_BUTTON:
		case WB_EMU_PROTOCOL_TIME_FORMAT:
		case WB_EMU_PROTOCOL_TIMELINE_PEEK:
		case WB_EMU_PROTOCOL_CONTENT_SIZE:
		case WB_EMU_PROTOCOL_HEALTH_METRIC:
		case WB_EMU_PROTOCOL_HEART_RATE:
			break;
		}
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
				     "emulator: protocol %u from the watch", (guint)msg->protocol);
	}
	switch (msg->protocol) {
	case WB_EMU_PROTOCOL_TAP:
		if (msg->tap.axis > WB_EMU_AXIS_Z ||
		    (msg->tap.direction != 1 && msg->tap.direction != -1))
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator tap: axis %u direction %d",
					     (guint)msg->tap.axis, msg->tap.direction);
		wb_put_u8(out, (guint8)msg->tap.axis);
		wb_put_u8(out, (guint8)msg->tap.direction);
		return TRUE;
	case WB_EMU_PROTOCOL_BLUETOOTH_CONNECTION:
		wb_put_u8(out, msg->bluetooth_connected ? 1 : 0);
		return TRUE;
	case WB_EMU_PROTOCOL_COMPASS:
		if (msg->compass.status > WB_EMU_COMPASS_CALIBRATED ||
		    msg->compass.heading > 0x10000)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator compass: heading %u status %u",
					     msg->compass.heading, (guint)msg->compass.status);
		wb_put_u32_be(out, msg->compass.heading);
		wb_put_u8(out, (guint8)msg->compass.status);
		return TRUE;
	case WB_EMU_PROTOCOL_BATTERY:
		if (msg->battery.percent > 100)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator battery: %u %%", msg->battery.percent);
		wb_put_u8(out, msg->battery.percent);
		wb_put_u8(out, msg->battery.charging ? 1 : 0);
		return TRUE;
	case WB_EMU_PROTOCOL_ACCEL:
		wb_put_u8(out, msg->accel.count);
		for (guint i = 0; i < msg->accel.count; i++) {
			wb_put_u16_be(out, (guint16)msg->accel.samples[i].x);
			wb_put_u16_be(out, (guint16)msg->accel.samples[i].y);
			wb_put_u16_be(out, (guint16)msg->accel.samples[i].z);
		}
		return TRUE;
	case WB_EMU_PROTOCOL_BUTTON:
		if ((msg->buttons & ~WB_EMU_BUTTON_ALL) != 0)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator button: mask 0x%02x", msg->buttons);
		wb_put_u8(out, msg->buttons);
		return TRUE;
	case WB_EMU_PROTOCOL_TIME_FORMAT:
		wb_put_u8(out, msg->is_24h ? 1 : 0);
		return TRUE;
	case WB_EMU_PROTOCOL_TIMELINE_PEEK:
		wb_put_u8(out, msg->timeline_peek ? 1 : 0);
		return TRUE;
	case WB_EMU_PROTOCOL_CONTENT_SIZE:
		if (msg->content_size > 3)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator content size: %u", msg->content_size);
		wb_put_u8(out, msg->content_size);
		return TRUE;
	case WB_EMU_PROTOCOL_HEALTH_METRIC:
		if (msg->health.metric > WB_EMU_HEALTH_SLEEP_RESTFUL_SECONDS)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator health metric: %u",
					     (guint)msg->health.metric);
		wb_put_u8(out, (guint8)msg->health.metric);
		wb_put_u32_be(out, (guint32)msg->health.value);
		return TRUE;
	case WB_EMU_PROTOCOL_HEART_RATE:
		if (msg->heart_rate.quality < -2 || msg->heart_rate.quality > 5)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "emulator heart rate: quality %d",
					     msg->heart_rate.quality);
		wb_put_u8(out, msg->heart_rate.bpm);
		wb_put_u8(out, (guint8)msg->heart_rate.quality);
		return TRUE;
	case WB_EMU_PROTOCOL_SPP:
	case WB_EMU_PROTOCOL_VIBRATION:
		break;
	}
	return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
			     "emulator: protocol %u is not a host control message",
			     (guint)msg->protocol);
}
