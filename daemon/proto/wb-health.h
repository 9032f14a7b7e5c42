/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/**
 * WbHealthTag:
 * @WB_HEALTH_TAG_ANALYTICS_DEVICE_HEARTBEAT: analytics (not parsed here)
 * @WB_HEALTH_TAG_ANALYTICS_APP_HEARTBEAT: analytics (not parsed here)
 * @WB_HEALTH_TAG_ANALYTICS_EVENT: analytics (not parsed here)
 * @WB_HEALTH_TAG_MINUTE_DATA: per-minute health records, #WbHealthMinuteRecord
 * @WB_HEALTH_TAG_ACCEL_SAMPLES: raw accelerometer samples (not parsed here)
 * @WB_HEALTH_TAG_LEGACY_SLEEP: sleep sessions of firmware before 3.11, #WbHealthLegacySleep
 * @WB_HEALTH_TAG_ACTIVITY_SESSION: activity and sleep sessions, #WbHealthActivitySession
 * @WB_HEALTH_TAG_PROTOBUF_LOG: protobuf payloads carrying heart-rate samples, #WbHealthHrSample
 * @WB_HEALTH_TAG_MEMFAULT_CHUNKS: crash/metrics chunks of the Core Devices firmware (not parsed)
 * @WB_HEALTH_TAG_ANALYTICS_NATIVE_HEARTBEAT: analytics of the Core Devices firmware (not parsed)
 *
 * The data-logging tags the firmware itself logs under the all-zero app UUID (reference §7.1).
 * A third-party app may use the same numbers with its own UUID: only system sessions are
 * health data.
 */
typedef enum {
	WB_HEALTH_TAG_ANALYTICS_DEVICE_HEARTBEAT = 78,
	WB_HEALTH_TAG_ANALYTICS_APP_HEARTBEAT = 79,
	WB_HEALTH_TAG_ANALYTICS_EVENT = 80,
	WB_HEALTH_TAG_MINUTE_DATA = 81,
	WB_HEALTH_TAG_ACCEL_SAMPLES = 82,
	WB_HEALTH_TAG_LEGACY_SLEEP = 83,
	WB_HEALTH_TAG_ACTIVITY_SESSION = 84,
	WB_HEALTH_TAG_PROTOBUF_LOG = 85,
	WB_HEALTH_TAG_MEMFAULT_CHUNKS = 86,
	WB_HEALTH_TAG_ANALYTICS_NATIVE_HEARTBEAT = 87,
} WbHealthTag;

/* ---- Minute records (tag 81, §7.2) ---- */

/* version u16, time_utc u32, local offset i8, sample_size u8, num_samples u8 */
#define WB_HEALTH_MINUTE_HEADER_LEN  9
#define WB_HEALTH_MINUTES_PER_RECORD 15
/* the firmware's current record: version 13, 16-byte samples, 9 + 15 × 16 bytes */
#define WB_HEALTH_MINUTE_V13_ITEM_SIZE 249

/* WbHealthMinuteSample.flags bits (v5+; "active" is set from v6) */
#define WB_HEALTH_MINUTE_FLAG_PLUGGED_IN (1u << 0)
#define WB_HEALTH_MINUTE_FLAG_ACTIVE     (1u << 1)

/**
 * WbHealthMinuteFields:
 * @WB_HEALTH_MINUTE_HAS_FLAGS: @flags (v5)
 * @WB_HEALTH_MINUTE_HAS_CALORIES_DISTANCE: @resting_calories, @active_calories, @distance_cm (v6)
 * @WB_HEALTH_MINUTE_HAS_HEART_RATE: @heart_rate_bpm (v7)
 * @WB_HEALTH_MINUTE_HAS_HR_WEIGHT: @heart_rate_weight_x100 (v12)
 * @WB_HEALTH_MINUTE_HAS_HR_ZONE: @heart_rate_zone (v13)
 * @WB_HEALTH_MINUTE_HAS_SPO2: @spo2_percent, @spo2_quality (v14, Core Devices firmware)
 *
 * Which #WbHealthMinuteSample fields a record version carries beyond the v4 base (steps,
 * orientation, vmc, light). Absent fields decode as zero.
 */
typedef enum {
	WB_HEALTH_MINUTE_HAS_FLAGS = 1 << 0,
	WB_HEALTH_MINUTE_HAS_CALORIES_DISTANCE = 1 << 1,
	WB_HEALTH_MINUTE_HAS_HEART_RATE = 1 << 2,
	WB_HEALTH_MINUTE_HAS_HR_WEIGHT = 1 << 3,
	WB_HEALTH_MINUTE_HAS_HR_ZONE = 1 << 4,
	WB_HEALTH_MINUTE_HAS_SPO2 = 1 << 5,
} WbHealthMinuteFields;

/**
 * WbHealthMinuteSample:
 * @steps: steps in the minute
 * @orientation: average watch orientation (high nibble: angle to Z, low: angle in X-Y)
 * @vmc: vector magnitude counts (activity intensity)
 * @light: ambient light reading divided by the firmware's divisor
 * @flags: %WB_HEALTH_MINUTE_FLAG_PLUGGED_IN, %WB_HEALTH_MINUTE_FLAG_ACTIVE
 * @resting_calories: resting calories (firmware unit: small calories)
 * @active_calories: active calories (same unit)
 * @distance_cm: distance in centimetres
 * @heart_rate_bpm: weighted median heart rate, 0 = none
 * @heart_rate_weight_x100: total weight of the minute's heart-rate samples × 100
 * @heart_rate_zone: heart-rate zone (0..3 in the firmware)
 * @spo2_percent: blood oxygen saturation, 0 = none
 * @spo2_quality: SpO2 signal quality (a #WbHealthHrQuality value), 0 = none
 *
 * One minute of a minute record (§7.2 sample table). Which fields are present depends on the
 * record's version, see wb_health_minute_fields().
 */
typedef struct {
	guint8 steps;
	guint8 orientation;
	guint16 vmc;
	guint8 light;
	guint8 flags;
	guint16 resting_calories;
	guint16 active_calories;
	guint16 distance_cm;
	guint8 heart_rate_bpm;
	guint16 heart_rate_weight_x100;
	guint8 heart_rate_zone;
	guint8 spo2_percent;
	guint8 spo2_quality;
} WbHealthMinuteSample;

/**
 * WbHealthMinuteRecord:
 * @version: record version: 4, 5, 6, 7, 12, 13 or 14
 * @time_utc: UTC seconds of the first sample; sample i covers time_utc + 60 × i
 * @local_offset_15min: local time − UTC, in 15-minute units
 * @sample_size: bytes per sample on the wire (at least the version's minimum)
 * @num_samples: how many samples follow (15 in a full record)
 * @samples: (array length=num_samples): the samples; %NULL when @num_samples is 0
 *
 * One tag-81 data-logging item (§7.2). Times are not sanity-checked: a watch with an unset
 * clock logs 1970-based times, and judging them is the health service's job.
 */
typedef struct {
	guint16 version;
	guint32 time_utc;
	gint8 local_offset_15min;
	guint8 sample_size;
	guint8 num_samples;
	WbHealthMinuteSample *samples;
} WbHealthMinuteRecord;

void wb_health_minute_record_clear(WbHealthMinuteRecord *rec);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbHealthMinuteRecord, wb_health_minute_record_clear)

guint wb_health_minute_sample_size_min(guint16 version);
WbHealthMinuteFields wb_health_minute_fields(guint16 version);
gint64 wb_health_minute_record_sample_time(const WbHealthMinuteRecord *rec, guint index);
gboolean wb_health_minute_record_decode(const guint8 *buf, gsize len, WbHealthMinuteRecord *out,
					GError **error);
gboolean wb_health_minute_record_encode(const WbHealthMinuteRecord *rec, guint16 item_size,
					GByteArray *out, GError **error);

/* ---- Activity sessions (tag 84, §7.3) ---- */

#define WB_HEALTH_ACTIVITY_SESSION_LEN 26
/* version 1 records end after elapsed_sec */
#define WB_HEALTH_ACTIVITY_SESSION_V1_LEN 18

/**
 * WbHealthActivityType:
 * @WB_HEALTH_ACTIVITY_NONE: no activity
 * @WB_HEALTH_ACTIVITY_SLEEP: a night's sleep (contains light and deep sleep)
 * @WB_HEALTH_ACTIVITY_RESTFUL_SLEEP: deep sleep, nested in a sleep session
 * @WB_HEALTH_ACTIVITY_NAP: a nap
 * @WB_HEALTH_ACTIVITY_RESTFUL_NAP: deep sleep, nested in a nap
 * @WB_HEALTH_ACTIVITY_WALK: a walk
 * @WB_HEALTH_ACTIVITY_RUN: a run
 * @WB_HEALTH_ACTIVITY_OPEN_WORKOUT: a generic workout
 *
 * ActivitySessionType of the firmware (§7.3; FW services/normal/activity/activity.h).
 */
typedef enum {
	WB_HEALTH_ACTIVITY_NONE = 0,
	WB_HEALTH_ACTIVITY_SLEEP = 1,
	WB_HEALTH_ACTIVITY_RESTFUL_SLEEP = 2,
	WB_HEALTH_ACTIVITY_NAP = 3,
	WB_HEALTH_ACTIVITY_RESTFUL_NAP = 4,
	WB_HEALTH_ACTIVITY_WALK = 5,
	WB_HEALTH_ACTIVITY_RUN = 6,
	WB_HEALTH_ACTIVITY_OPEN_WORKOUT = 7,
} WbHealthActivityType;

/**
 * WbHealthActivitySession:
 * @version: record version; bit 0 set (3 in current firmware, 1 in early ones)
 * @type: the activity
 * @utc_to_local: seconds to add to UTC for local time
 * @start_utc: start, UTC seconds
 * @elapsed_sec: duration in seconds
 * @steps: steps (walk, run, open workout; 0 otherwise and in version 1)
 * @active_kcal: active kilocalories (same)
 * @resting_kcal: resting kilocalories (same)
 * @distance_m: distance in metres (same)
 *
 * One tag-84 item (§7.3).
 */
typedef struct {
	guint16 version;
	WbHealthActivityType type;
	gint32 utc_to_local;
	guint32 start_utc;
	guint32 elapsed_sec;
	guint16 steps;
	guint16 active_kcal;
	guint16 resting_kcal;
	guint16 distance_m;
} WbHealthActivitySession;

const gchar *wb_health_activity_type_to_string(WbHealthActivityType type);
gboolean wb_health_activity_type_is_sleep(WbHealthActivityType type);
gboolean wb_health_activity_session_decode(const guint8 *buf, gsize len,
					   WbHealthActivitySession *out, GError **error);
gboolean wb_health_activity_session_encode(const WbHealthActivitySession *session,
					   guint16 item_size, GByteArray *out, GError **error);

/* ---- Legacy sleep sessions (tag 83, §7.4) ---- */

#define WB_HEALTH_LEGACY_SLEEP_LEN 18

/**
 * WbHealthLegacySleep:
 * @version: record version; bit 0 set (1)
 * @utc_to_local: seconds to add to UTC for local time
 * @start_utc: start, UTC seconds
 * @end_utc: end, UTC seconds
 * @restful_secs: seconds of deep sleep within
 *
 * One tag-83 item, logged by firmware before 3.11 (§7.4).
 */
typedef struct {
	guint16 version;
	gint32 utc_to_local;
	guint32 start_utc;
	guint32 end_utc;
	guint32 restful_secs;
} WbHealthLegacySleep;

gboolean wb_health_legacy_sleep_decode(const guint8 *buf, gsize len, WbHealthLegacySleep *out,
				       GError **error);
gboolean wb_health_legacy_sleep_encode(const WbHealthLegacySleep *sleep, guint16 item_size,
				       GByteArray *out, GError **error);

/* ---- Heart-rate samples in protobuf log items (tag 85, §7.5) ---- */

/* FW PLOG_DLS_RECORD_SIZE: u16 msg_size + Payload + zero padding */
#define WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE 300

/**
 * WbHealthHrQuality:
 * @WB_HEALTH_HR_QUALITY_NO_ACCEL: no accelerometer data
 * @WB_HEALTH_HR_QUALITY_OFF_WRIST: watch not worn
 * @WB_HEALTH_HR_QUALITY_NO_SIGNAL: no signal
 * @WB_HEALTH_HR_QUALITY_WORST: worst
 * @WB_HEALTH_HR_QUALITY_POOR: poor
 * @WB_HEALTH_HR_QUALITY_ACCEPTABLE: acceptable
 * @WB_HEALTH_HR_QUALITY_GOOD: good
 * @WB_HEALTH_HR_QUALITY_EXCELLENT: excellent
 * @WB_HEALTH_HR_QUALITY_UNKNOWN: the measurement set carried no quality column
 *
 * MeasurementSet.HeartRateQuality (§7.5; FW src/idl/nanopb/measurements.proto).
 */
typedef enum {
	WB_HEALTH_HR_QUALITY_NO_ACCEL = 0,
	WB_HEALTH_HR_QUALITY_OFF_WRIST = 1,
	WB_HEALTH_HR_QUALITY_NO_SIGNAL = 2,
	WB_HEALTH_HR_QUALITY_WORST = 3,
	WB_HEALTH_HR_QUALITY_POOR = 4,
	WB_HEALTH_HR_QUALITY_ACCEPTABLE = 5,
	WB_HEALTH_HR_QUALITY_GOOD = 6,
	WB_HEALTH_HR_QUALITY_EXCELLENT = 7,
	WB_HEALTH_HR_QUALITY_UNKNOWN = 255,
} WbHealthHrQuality;

/**
 * WbHealthHrSample:
 * @time_utc: UTC seconds of the sample
 * @utc_to_local: seconds to add to UTC for local time, from the sample's measurement set
 * @bpm: heart rate in beats per minute
 * @quality: signal quality
 *
 * One heart-rate reading.
 */
typedef struct {
	guint32 time_utc;
	gint32 utc_to_local;
	guint8 bpm;
	WbHealthHrQuality quality;
} WbHealthHrSample;

/**
 * WbHealthHrLog:
 * @send_time_utc: Payload.send_time_utc (0 if absent)
 * @sender_id: Payload.sender.id, the watch's serial number (valid UTF-8), or %NULL
 * @samples: (element-type WbHealthHrSample): the heart-rate samples, in wire order; never
 *   %NULL after a successful decode
 *
 * The heart-rate content of one tag-85 item. Measurement sets without a BPM column (other
 * measurement kinds) and events are checked for well-formedness and skipped.
 */
typedef struct {
	guint32 send_time_utc;
	gchar *sender_id;
	GArray *samples;
} WbHealthHrLog;

void wb_health_hr_log_clear(WbHealthHrLog *log);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbHealthHrLog, wb_health_hr_log_clear)

gboolean wb_health_hr_log_decode(const guint8 *buf, gsize len, WbHealthHrLog *out, GError **error);
gboolean wb_health_hr_log_encode(const WbHealthHrLog *log, guint16 item_size, GByteArray *out,
				 GError **error);

/* ---- A SendData of a system session, any of the kinds above ---- */

/**
 * WbHealthItems:
 * @tag: the session's tag; decides which array is set
 * @minute_records: (element-type WbHealthMinuteRecord): tag 81, else %NULL
 * @legacy_sleep: (element-type WbHealthLegacySleep): tag 83, else %NULL
 * @activity_sessions: (element-type WbHealthActivitySession): tag 84, else %NULL
 * @hr_samples: (element-type WbHealthHrSample): tag 85, all items' samples in order, else %NULL
 *
 * The typed readings of one SendData. Free with wb_health_items_clear().
 */
typedef struct {
	WbHealthTag tag;
	GArray *minute_records;
	GArray *legacy_sleep;
	GArray *activity_sessions;
	GArray *hr_samples;
} WbHealthItems;

void wb_health_items_clear(WbHealthItems *items);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbHealthItems, wb_health_items_clear)

gboolean wb_health_parse_items(guint32 tag, guint16 item_size, const guint8 *data, gsize len,
			       WbHealthItems *out, GError **error);
gboolean wb_health_items_encode(const WbHealthItems *items, guint16 item_size, GByteArray *out,
				GError **error);

/* ---- HealthSync, endpoint 911 (§7.6) ---- */

/**
 * WbHealthSyncCommand:
 * @WB_HEALTH_SYNC_CMD_SYNC: P→W, flush health data now
 * @WB_HEALTH_SYNC_CMD_ACK: W→P, the flush was queued (@ack) or health is unsupported
 *
 * The command byte of endpoint 911 (FW services/normal/health_sync_endpoint.c).
 */
typedef enum {
	WB_HEALTH_SYNC_CMD_SYNC = 0x01,
	WB_HEALTH_SYNC_CMD_ACK = 0x11,
} WbHealthSyncCommand;

/**
 * WbHealthSyncMessage:
 * @command: which message
 * @seconds_since_last_sync: Sync: seconds since the phone last synced (the firmware ignores it)
 * @ack: Ack: %TRUE for ACK (0x01), %FALSE for NACK (0x02, no health tracking)
 *
 * A HealthSync message (§7.6).
 */
typedef struct {
	WbHealthSyncCommand command;
	guint32 seconds_since_last_sync;
	gboolean ack;
} WbHealthSyncMessage;

gboolean wb_health_sync_decode(const guint8 *buf, gsize len, WbHealthSyncMessage *out,
			       GError **error);
gboolean wb_health_sync_encode(const WbHealthSyncMessage *msg, GByteArray *out, GError **error);

/* ---- Minimal protobuf wire format (used for tag 85; public for the tests and fuzzer) ---- */

/**
 * WbHealthPbWireType:
 * @WB_HEALTH_PB_VARINT: varint
 * @WB_HEALTH_PB_I64: 8 bytes little-endian
 * @WB_HEALTH_PB_LEN: length-delimited
 * @WB_HEALTH_PB_I32: 4 bytes little-endian
 *
 * The protobuf wire types this reader accepts; the deprecated group types (3, 4) and the
 * undefined 6 and 7 are rejected.
 */
typedef enum {
	WB_HEALTH_PB_VARINT = 0,
	WB_HEALTH_PB_I64 = 1,
	WB_HEALTH_PB_LEN = 2,
	WB_HEALTH_PB_I32 = 5,
} WbHealthPbWireType;

/**
 * WbHealthPbField:
 * @number: field number (1 .. 2^29 − 1)
 * @wire_type: how the value is encoded
 * @value: the value of VARINT, I64 and I32 fields
 * @data: (array length=len): LEN fields: the bytes, pointing into the reader's buffer
 * @len: LEN fields: their length
 *
 * One field read by wb_health_pb_read_field().
 */
typedef struct {
	guint32 number;
	WbHealthPbWireType wire_type;
	guint64 value;
	const guint8 *data;
	gsize len;
} WbHealthPbField;

/**
 * WbHealthPbReader:
 * @data: the message
 * @len: its length; nothing beyond is ever read
 * @pos: the next byte
 *
 * A cursor over one protobuf message (or one LEN field's contents).
 */
typedef struct {
	const guint8 *data;
	gsize len;
	gsize pos;
} WbHealthPbReader;

void wb_health_pb_reader_init(WbHealthPbReader *r, const guint8 *data, gsize len);
gboolean wb_health_pb_reader_at_end(const WbHealthPbReader *r);
gboolean wb_health_pb_read_varint(WbHealthPbReader *r, guint64 *out_value, GError **error);
gboolean wb_health_pb_read_field(WbHealthPbReader *r, WbHealthPbField *out_field, GError **error);
gint32 wb_health_pb_zigzag32_decode(guint32 v);
guint32 wb_health_pb_zigzag32_encode(gint32 v);

void wb_health_pb_put_varint(GByteArray *out, guint64 v);
void wb_health_pb_put_tag(GByteArray *out, guint32 number, WbHealthPbWireType wire_type);
void wb_health_pb_put_varint_field(GByteArray *out, guint32 number, guint64 v);
void wb_health_pb_put_len_field(GByteArray *out, guint32 number, const guint8 *data, gsize len);
void wb_health_pb_put_i32_field(GByteArray *out, guint32 number, guint32 v);
void wb_health_pb_put_i64_field(GByteArray *out, guint32 number, guint64 v);

G_END_DECLS
