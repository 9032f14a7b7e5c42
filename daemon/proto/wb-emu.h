/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/* The Pebble SDK emulator's TCP framing (reference §12.2): all big-endian,
 * FE ED | u16 protocol | u16 length | payload | BE EF. */
#define WB_EMU_SIGNATURE    0xFEED
#define WB_EMU_FOOTER       0xBEEF
#define WB_EMU_HEADER_LEN   6
#define WB_EMU_FOOTER_LEN   2
#define WB_EMU_MAX_PAYLOAD  2048
#define WB_EMU_DEFAULT_PORT 12344

/**
 * WbEmuProtocol:
 *
 * Emulator packet protocols (§12.3).
 */
typedef enum {
	WB_EMU_PROTOCOL_SPP = 1,
	WB_EMU_PROTOCOL_TAP = 2,
	WB_EMU_PROTOCOL_BLUETOOTH_CONNECTION = 3,
	WB_EMU_PROTOCOL_COMPASS = 4,
	WB_EMU_PROTOCOL_BATTERY = 5,
	WB_EMU_PROTOCOL_ACCEL = 6,
	WB_EMU_PROTOCOL_VIBRATION = 7,
	WB_EMU_PROTOCOL_BUTTON = 8,
	WB_EMU_PROTOCOL_TIME_FORMAT = 9,
	WB_EMU_PROTOCOL_TIMELINE_PEEK = 10,
	WB_EMU_PROTOCOL_CONTENT_SIZE = 11,
	WB_EMU_PROTOCOL_HEALTH_METRIC = 12,
	WB_EMU_PROTOCOL_HEART_RATE = 13,
} WbEmuProtocol;

const gchar *wb_emu_protocol_to_string(guint16 protocol);

/**
 * WbEmuPacket:
 * @protocol: a #WbEmuProtocol value (unknown ones are passed through)
 * @payload: (array length=len): borrowed from the decoder's buffer
 * @len: payload length
 */
typedef struct {
	guint16 protocol;
	const guint8 *payload;
	gsize len;
} WbEmuPacket;

gboolean wb_emu_packet_encode(GByteArray *out, guint16 protocol, const guint8 *payload, gsize len,
			      GError **error);
void wb_emu_spp_encode(GByteArray *out, const guint8 *stream, gsize len);

typedef struct _WbEmuDecoder WbEmuDecoder;

WbEmuDecoder *wb_emu_decoder_new(void);
void wb_emu_decoder_free(WbEmuDecoder *self);
void wb_emu_decoder_push(WbEmuDecoder *self, const guint8 *buf, gsize len);
gboolean wb_emu_decoder_next(WbEmuDecoder *self, WbEmuPacket *out_packet, GError **error);
void wb_emu_decoder_reset(WbEmuDecoder *self);
gsize wb_emu_decoder_pending(const WbEmuDecoder *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbEmuDecoder, wb_emu_decoder_free)

/* ---- control messages ---- */
typedef enum {
	WB_EMU_AXIS_X = 0,
	WB_EMU_AXIS_Y = 1,
	WB_EMU_AXIS_Z = 2,
} WbEmuAxis;

typedef enum {
	WB_EMU_COMPASS_INVALID = 0,
	WB_EMU_COMPASS_CALIBRATING = 1,
	WB_EMU_COMPASS_CALIBRATED = 2,
} WbEmuCompassStatus;

#define WB_EMU_BUTTON_BACK   0x01
#define WB_EMU_BUTTON_UP     0x02
#define WB_EMU_BUTTON_SELECT 0x04
#define WB_EMU_BUTTON_DOWN   0x08
#define WB_EMU_BUTTON_ALL    0x0F

typedef enum {
	WB_EMU_HEALTH_STEPS = 0,
	WB_EMU_HEALTH_ACTIVE_SECONDS = 1,
	WB_EMU_HEALTH_RESTING_KCAL = 2,
	WB_EMU_HEALTH_ACTIVE_KCAL = 3,
	WB_EMU_HEALTH_DISTANCE_M = 4,
	WB_EMU_HEALTH_SLEEP_SECONDS = 5,
	WB_EMU_HEALTH_SLEEP_RESTFUL_SECONDS = 6,
} WbEmuHealthMetric;

#define WB_EMU_ACCEL_MAX_SAMPLES 255

typedef struct {
	gint16 x;
	gint16 y;
	gint16 z;
} WbEmuAccelSample;

/**
 * WbEmuControl:
 * @protocol: which control message; selects the member of the union
 * @from_watch: the watch→host form (accel response, vibration) rather than host→watch
 *
 * One emulator control message, host→watch unless @from_watch (§12.3).
 */
typedef struct {
	WbEmuProtocol protocol;
	gboolean from_watch;
	union {
		struct {
			WbEmuAxis axis;
			gint8 direction;
		} tap;
		gboolean bluetooth_connected;
		struct {
			guint32 heading;
			WbEmuCompassStatus status;
		} compass;
		struct {
			guint8 percent;
			gboolean charging;
		} battery;
		struct {
			guint8 count;
			WbEmuAccelSample samples[WB_EMU_ACCEL_MAX_SAMPLES];
		} accel;
		guint16 accel_free_slots;
		gboolean vibration_on;
		guint8 buttons;
		gboolean is_24h;
		gboolean timeline_peek;
		guint8 content_size;
		struct {
			WbEmuHealthMetric metric;
			gint32 value;
		} health;
		struct {
			guint8 bpm;
			gint8 quality;
		} heart_rate;
	};
} WbEmuControl;

gboolean wb_emu_control_decode(guint16 protocol, gboolean from_watch, const guint8 *buf, gsize len,
			       WbEmuControl *out, GError **error);
gboolean wb_emu_control_encode(const WbEmuControl *msg, GByteArray *out, GError **error);

G_END_DECLS
