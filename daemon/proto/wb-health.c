/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Health data (reference §7): the records the firmware logs through data logging under system
 * tags, and the HealthSync endpoint. The daemon decodes, the simulated watch encodes. All
 * records are packed little-endian C structs of the firmware.
 *
 * Versioning. Minute records (tag 81) grow by appending sample fields; the record carries its
 * own sample_size, so each sample is read at i × sample_size and only the fields its version
 * defines are read (FW services/normal/activity/activity_algorithm.h, "only appending more
 * properties is allowed"). We accept exactly the versions whose layout we know: 4, 5, 6, 7,
 * 12, 13 (reference §7.2) and 14, which the Core Devices firmware added (coredevices/pebbleos
 * include/pbl/services/activity/activity_algorithm.h: "14: Added SpO2 percent and quality",
 * u8 spo2_percent + u8 spo2_quality after heart_rate_zone). Session (84) and legacy sleep (83)
 * records promise the phone it can parse any version with bit 0 set, extra fields appended
 * (FW activity_private.h, ACTIVITY_SESSION_LOGGING_VERSION comment), so those accept any
 * such version and ignore appended bytes.
 */
#include <string.h>

#include "wb-datalog.h"
#include "wb-health.h"

/* ===================================================================================== */
/* Minute records                                                                        */
/* ===================================================================================== */

/* Sample offsets (§7.2): each version appends to the previous layout. */
#define MINUTE_V4_SIZE  5  /* steps, orientation, vmc u16, light */
#define MINUTE_V5_SIZE  6  /* + flags */
#define MINUTE_V6_SIZE  12 /* + resting_calories, active_calories, distance_cm (u16 each) */
#define MINUTE_V7_SIZE  13 /* + heart_rate_bpm */
#define MINUTE_V12_SIZE 15 /* + heart_rate_total_weight_x100 u16 */
#define MINUTE_V13_SIZE 16 /* + heart_rate_zone */
#define MINUTE_V14_SIZE 18 /* + spo2_percent, spo2_quality (Core Devices firmware) */

/**
 * wb_health_minute_sample_size_min:
 * @version: a minute record version
 *
 * Returns: the smallest sample_size a record of @version can have, or 0 if we do not know
 * @version
 */
guint
wb_health_minute_sample_size_min(guint16 version)
{
	switch (version) {
	case 4:
		return MINUTE_V4_SIZE;
	case 5:
		return MINUTE_V5_SIZE;
	case 6:
		return MINUTE_V6_SIZE;
	case 7:
		return MINUTE_V7_SIZE;
	case 12:
		return MINUTE_V12_SIZE;
	case 13:
		return MINUTE_V13_SIZE;
	case 14:
		return MINUTE_V14_SIZE;
	default:
		return 0;
	}
}

/**
 * wb_health_minute_fields:
 * @version: a minute record version
 *
 * Returns: the optional sample fields @version carries; 0 for v4 and for unknown versions
 */
WbHealthMinuteFields
wb_health_minute_fields(guint16 version)
{
	guint size = wb_health_minute_sample_size_min(version);
	guint f = 0;

	if (size >= MINUTE_V5_SIZE)
		f |= WB_HEALTH_MINUTE_HAS_FLAGS;
	if (size >= MINUTE_V6_SIZE)
		f |= WB_HEALTH_MINUTE_HAS_CALORIES_DISTANCE;
	if (size >= MINUTE_V7_SIZE)
		f |= WB_HEALTH_MINUTE_HAS_HEART_RATE;
	if (size >= MINUTE_V12_SIZE)
		f |= WB_HEALTH_MINUTE_HAS_HR_WEIGHT;
	if (size >= MINUTE_V13_SIZE)
		f |= WB_HEALTH_MINUTE_HAS_HR_ZONE;
	if (size >= MINUTE_V14_SIZE)
		f |= WB_HEALTH_MINUTE_HAS_SPO2;
	return (WbHealthMinuteFields)f;
}

/**
 * wb_health_minute_record_clear:
 * @rec: a record; may be zeroed
 *
 * Frees the samples and leaves @rec zeroed.
 */
void
wb_health_minute_record_clear(WbHealthMinuteRecord *rec)
{
	g_clear_pointer(&rec->samples, g_free);
	memset(rec, 0, sizeof(*rec));
}

/**
 * wb_health_minute_record_sample_time:
 * @rec: a record
 * @index: a sample index
 *
 * Returns: the UTC second at which sample @index starts (§7.2: one sample per minute)
 */
gint64
wb_health_minute_record_sample_time(const WbHealthMinuteRecord *rec, guint index)
{
	return (gint64)rec->time_utc + 60 * (gint64)index;
}

static void
minute_sample_read(const guint8 *p, guint sample_size, WbHealthMinuteFields f,
		   WbHealthMinuteSample *s)
{
	WbReader r;

	/* sample_size is at least the version's minimum (checked by the caller), so every read
	 * below succeeds */
	wb_reader_init(&r, p, sample_size);
	s->steps = wb_reader_u8(&r);
	s->orientation = wb_reader_u8(&r);
	s->vmc = wb_reader_u16_le(&r);
	s->light = wb_reader_u8(&r);
	if (f & WB_HEALTH_MINUTE_HAS_FLAGS)
		s->flags = wb_reader_u8(&r);
	if (f & WB_HEALTH_MINUTE_HAS_CALORIES_DISTANCE) {
		s->resting_calories = wb_reader_u16_le(&r);
		s->active_calories = wb_reader_u16_le(&r);
		s->distance_cm = wb_reader_u16_le(&r);
	}
	if (f & WB_HEALTH_MINUTE_HAS_HEART_RATE)
		s->heart_rate_bpm = wb_reader_u8(&r);
	if (f & WB_HEALTH_MINUTE_HAS_HR_WEIGHT)
		s->heart_rate_weight_x100 = wb_reader_u16_le(&r);
	if (f & WB_HEALTH_MINUTE_HAS_HR_ZONE)
		s->heart_rate_zone = wb_reader_u8(&r);
	if (f & WB_HEALTH_MINUTE_HAS_SPO2) {
		s->spo2_percent = wb_reader_u8(&r);
		s->spo2_quality = wb_reader_u8(&r);
	}
}

/* Checks a header against the version table and the item's length. */
static gboolean
minute_check_header(guint16 version, guint8 sample_size, guint8 num_samples, gsize item_len,
		    GError **error)
{
	guint min = wb_health_minute_sample_size_min(version);

	if (min == 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "minute record: unknown version '%u'", version);
	if (sample_size < min)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "minute record v%u: sample_size '%u' is below %u", version,
				     sample_size, min);
	if (WB_HEALTH_MINUTE_HEADER_LEN + (gsize)num_samples * sample_size > item_len)
		return wb_proto_fail(
			error, WB_PROTO_ERROR_TRUNCATED,
			"minute record: %u samples of %u bytes do not fit in %" G_GSIZE_FORMAT
			" bytes",
			num_samples, sample_size, item_len);
	return TRUE;
}

/**
 * wb_health_minute_record_decode:
 * @buf: (array length=len): one tag-81 item
 * @len: the item size
 * @out: (out caller-allocates): the record; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes one minute record (§7.2), reading each sample at its own sample_size. Bytes after
 * the last sample (a record flushed before its 15 minutes were full) are ignored, as are
 * bytes of a sample beyond the fields of its version.
 *
 * Fails with %WB_PROTO_ERROR_BAD_VALUE for an unknown version or a sample_size below the
 * version's minimum, and with %WB_PROTO_ERROR_TRUNCATED if the header or the samples it
 * announces do not fit in @len.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_health_minute_record_decode(const guint8 *buf, gsize len, WbHealthMinuteRecord *out,
			       GError **error)
{
	WbHealthMinuteRecord rec = {0};
	WbHealthMinuteFields f;
	WbReader r;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	rec.version = wb_reader_u16_le(&r);
	rec.time_utc = wb_reader_u32_le(&r);
	rec.local_offset_15min = wb_reader_i8(&r);
	rec.sample_size = wb_reader_u8(&r);
	rec.num_samples = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "minute record", error))
		return FALSE;
	if (!minute_check_header(rec.version, rec.sample_size, rec.num_samples, len, error))
		return FALSE;

	f = wb_health_minute_fields(rec.version);
	if (rec.num_samples > 0)
		rec.samples = g_new0(WbHealthMinuteSample, rec.num_samples);
	for (guint i = 0; i < rec.num_samples; i++) {
		const guint8 *p = buf + WB_HEALTH_MINUTE_HEADER_LEN + (gsize)i * rec.sample_size;
		minute_sample_read(p, rec.sample_size, f, &rec.samples[i]);
	}
	*out = rec;
	return TRUE;
}

static void
minute_sample_write(GByteArray *out, const WbHealthMinuteSample *s, WbHealthMinuteFields f,
		    guint sample_size)
{
	guint start = out->len;

	wb_put_u8(out, s->steps);
	wb_put_u8(out, s->orientation);
	wb_put_u16_le(out, s->vmc);
	wb_put_u8(out, s->light);
	if (f & WB_HEALTH_MINUTE_HAS_FLAGS)
		wb_put_u8(out, s->flags);
	if (f & WB_HEALTH_MINUTE_HAS_CALORIES_DISTANCE) {
		wb_put_u16_le(out, s->resting_calories);
		wb_put_u16_le(out, s->active_calories);
		wb_put_u16_le(out, s->distance_cm);
	}
	if (f & WB_HEALTH_MINUTE_HAS_HEART_RATE)
		wb_put_u8(out, s->heart_rate_bpm);
	if (f & WB_HEALTH_MINUTE_HAS_HR_WEIGHT)
		wb_put_u16_le(out, s->heart_rate_weight_x100);
	if (f & WB_HEALTH_MINUTE_HAS_HR_ZONE)
		wb_put_u8(out, s->heart_rate_zone);
	if (f & WB_HEALTH_MINUTE_HAS_SPO2) {
		wb_put_u8(out, s->spo2_percent);
		wb_put_u8(out, s->spo2_quality);
	}
	/* a sample_size above the version's minimum: zero the unknown tail */
	wb_put_zeros(out, sample_size - (out->len - start));
}

/**
 * wb_health_minute_record_encode:
 * @rec: the record
 * @item_size: the session's item size; the record is zero-padded to it
 * @out: the item is appended here
 * @error: return location for a #GError
 *
 * Encodes one minute record as the firmware logs it (§7.2). Only the fields of @rec->version
 * are written; the rest of each @rec->sample_size bytes is zero.
 *
 * Returns: %TRUE on success; on failure (unknown version, sample_size too small, or the samples
 * do not fit in @item_size) @out is unchanged
 */
gboolean
wb_health_minute_record_encode(const WbHealthMinuteRecord *rec, guint16 item_size, GByteArray *out,
			       GError **error)
{
	WbHealthMinuteFields f = wb_health_minute_fields(rec->version);

	if (!minute_check_header(rec->version, rec->sample_size, rec->num_samples, item_size,
				 error))
		return FALSE;
	if (rec->num_samples > 0 && rec->samples == NULL)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "minute record: %u samples but no sample array",
				     rec->num_samples);
	wb_put_u16_le(out, rec->version);
	wb_put_u32_le(out, rec->time_utc);
	wb_put_u8(out, (guint8)rec->local_offset_15min);
	wb_put_u8(out, rec->sample_size);
	wb_put_u8(out, rec->num_samples);
	for (guint i = 0; i < rec->num_samples; i++)
		minute_sample_write(out, &rec->samples[i], f, rec->sample_size);
	wb_put_zeros(out, item_size - WB_HEALTH_MINUTE_HEADER_LEN -
				  (gsize)rec->num_samples * rec->sample_size);
	return TRUE;
}

/* ===================================================================================== */
/* Activity sessions and legacy sleep                                                    */
/* ===================================================================================== */

/**
 * wb_health_activity_type_to_string:
 * @type: an activity type
 *
 * Returns: a short name for logs and the store; "unknown" for values outside the enum
 */
const gchar *
wb_health_activity_type_to_string(WbHealthActivityType type)
{
	switch (type) {
	case WB_HEALTH_ACTIVITY_NONE:
		return "none";
	case WB_HEALTH_ACTIVITY_SLEEP:
		return "sleep";
	case WB_HEALTH_ACTIVITY_RESTFUL_SLEEP:
		return "restful-sleep";
	case WB_HEALTH_ACTIVITY_NAP:
		return "nap";
	case WB_HEALTH_ACTIVITY_RESTFUL_NAP:
		return "restful-nap";
	case WB_HEALTH_ACTIVITY_WALK:
		return "walk";
	case WB_HEALTH_ACTIVITY_RUN:
		return "run";
	case WB_HEALTH_ACTIVITY_OPEN_WORKOUT:
		return "open-workout";
	}
	return "unknown";
}

/**
 * wb_health_activity_type_is_sleep:
 * @type: an activity type
 *
 * Returns: %TRUE for the sleep and nap types, whose records carry no step data (§7.3)
 */
gboolean
wb_health_activity_type_is_sleep(WbHealthActivityType type)
{
	switch (type) {
	case WB_HEALTH_ACTIVITY_SLEEP:
	case WB_HEALTH_ACTIVITY_RESTFUL_SLEEP:
	case WB_HEALTH_ACTIVITY_NAP:
	case WB_HEALTH_ACTIVITY_RESTFUL_NAP:
		return TRUE;
	case WB_HEALTH_ACTIVITY_NONE:
	case WB_HEALTH_ACTIVITY_WALK:
	case WB_HEALTH_ACTIVITY_RUN:
	case WB_HEALTH_ACTIVITY_OPEN_WORKOUT:
		return FALSE;
	}
	return FALSE;
}

static gsize
activity_session_min_len(guint16 version)
{
	/* version 1 ends after elapsed_sec; version 3 added the 8-byte step data union */
	return version == 1 ? WB_HEALTH_ACTIVITY_SESSION_V1_LEN : WB_HEALTH_ACTIVITY_SESSION_LEN;
}

/**
 * wb_health_activity_session_decode:
 * @buf: (array length=len): one tag-84 item
 * @len: the item size
 * @out: (out caller-allocates): the session; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes one activity session record (§7.3). The record's own size field must equal @len.
 * Any version with bit 0 set is accepted (the firmware's promise to the phone); fields a newer
 * version appends are ignored. Fails with %WB_PROTO_ERROR_BAD_VALUE for a version without bit
 * 0, a size field other than @len, or an activity type outside 0..7.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_health_activity_session_decode(const guint8 *buf, gsize len, WbHealthActivitySession *out,
				  GError **error)
{
	WbHealthActivitySession s = {0};
	WbReader r;
	guint16 size, type;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	s.version = wb_reader_u16_le(&r);
	size = wb_reader_u16_le(&r);
	type = wb_reader_u16_le(&r);
	s.utc_to_local = wb_reader_i32_le(&r);
	s.start_utc = wb_reader_u32_le(&r);
	s.elapsed_sec = wb_reader_u32_le(&r);
	if (!wb_reader_check(&r, "activity session", error))
		return FALSE;
	if ((s.version & 1) == 0)
		return wb_proto_fail(
			error, WB_PROTO_ERROR_BAD_VALUE,
			"activity session: version '%u' without bit 0 is not parseable", s.version);
	if (len < activity_session_min_len(s.version))
		return wb_proto_fail(error, WB_PROTO_ERROR_TRUNCATED,
				     "activity session v%u: truncated (%" G_GSIZE_FORMAT " bytes)",
				     s.version, len);
	if (size != len)
		return wb_proto_fail(
			error, WB_PROTO_ERROR_BAD_VALUE,
			"activity session: size field '%u' but the item has %" G_GSIZE_FORMAT
			" bytes",
			size, len);
	if (type > WB_HEALTH_ACTIVITY_OPEN_WORKOUT)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "activity session: activity type '%u' is not 0..7", type);
	s.type = (WbHealthActivityType)type;
	if (s.version != 1) {
		/* for sleep types the union is empty and the firmware zero-fills these bytes */
		s.steps = wb_reader_u16_le(&r);
		s.active_kcal = wb_reader_u16_le(&r);
		s.resting_kcal = wb_reader_u16_le(&r);
		s.distance_m = wb_reader_u16_le(&r);
		if (!wb_reader_check(&r, "activity session", error))
			return FALSE;
	}
	*out = s;
	return TRUE;
}

/**
 * wb_health_activity_session_encode:
 * @session: the session
 * @item_size: the session's item size (26 for version 3); written as the record's size field,
 *   the record is zero-padded to it
 * @out: the item is appended here
 * @error: return location for a #GError
 *
 * Encodes one activity session record (§7.3). Version 1 records carry no step data.
 *
 * Returns: %TRUE on success; on failure (version without bit 0, type outside the enum,
 * @item_size too small for the version) @out is unchanged
 */
gboolean
wb_health_activity_session_encode(const WbHealthActivitySession *session, guint16 item_size,
				  GByteArray *out, GError **error)
{
	gsize min = activity_session_min_len(session->version);
	guint start = out->len;

	if ((session->version & 1) == 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "activity session: version '%u' without bit 0",
				     session->version);
	if ((guint)session->type > WB_HEALTH_ACTIVITY_OPEN_WORKOUT)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "activity session: activity type '%u' is not 0..7",
				     (guint)session->type);
	if (item_size < min)
		return wb_proto_fail(
			error, WB_PROTO_ERROR_BAD_VALUE,
			"activity session v%u: item size '%u' is below %" G_GSIZE_FORMAT,
			session->version, item_size, min);
	wb_put_u16_le(out, session->version);
	wb_put_u16_le(out, item_size);
	wb_put_u16_le(out, (guint16)session->type);
	wb_put_u32_le(out, (guint32)session->utc_to_local);
	wb_put_u32_le(out, session->start_utc);
	wb_put_u32_le(out, session->elapsed_sec);
	if (session->version != 1) {
		wb_put_u16_le(out, session->steps);
		wb_put_u16_le(out, session->active_kcal);
		wb_put_u16_le(out, session->resting_kcal);
		wb_put_u16_le(out, session->distance_m);
	}
	wb_put_zeros(out, item_size - (out->len - start));
	return TRUE;
}

/**
 * wb_health_legacy_sleep_decode:
 * @buf: (array length=len): one tag-83 item
 * @len: the item size
 * @out: (out caller-allocates): the record; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes one legacy sleep record (§7.4). Versions with bit 0 set are accepted and bytes after
 * the 18 known ones ignored (FW activity_private.h: fields may be appended while bit 0 stays
 * set). Start/end order is not checked: that is the health service's judgement.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_health_legacy_sleep_decode(const guint8 *buf, gsize len, WbHealthLegacySleep *out,
			      GError **error)
{
	WbHealthLegacySleep s = {0};
	WbReader r;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	s.version = wb_reader_u16_le(&r);
	s.utc_to_local = wb_reader_i32_le(&r);
	s.start_utc = wb_reader_u32_le(&r);
	s.end_utc = wb_reader_u32_le(&r);
	s.restful_secs = wb_reader_u32_le(&r);
	if (!wb_reader_check(&r, "legacy sleep record", error))
		return FALSE;
	if ((s.version & 1) == 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "legacy sleep record: version '%u' without bit 0", s.version);
	*out = s;
	return TRUE;
}

/**
 * wb_health_legacy_sleep_encode:
 * @sleep: the record
 * @item_size: the session's item size (18); the record is zero-padded to it
 * @out: the item is appended here
 * @error: return location for a #GError
 *
 * Encodes one legacy sleep record (§7.4).
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_health_legacy_sleep_encode(const WbHealthLegacySleep *sleep, guint16 item_size, GByteArray *out,
			      GError **error)
{
	if ((sleep->version & 1) == 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "legacy sleep record: version '%u' without bit 0",
				     sleep->version);
	if (item_size < WB_HEALTH_LEGACY_SLEEP_LEN)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "legacy sleep record: item size '%u' is below %d", item_size,
				     WB_HEALTH_LEGACY_SLEEP_LEN);
	wb_put_u16_le(out, sleep->version);
	wb_put_u32_le(out, (guint32)sleep->utc_to_local);
	wb_put_u32_le(out, sleep->start_utc);
	wb_put_u32_le(out, sleep->end_utc);
	wb_put_u32_le(out, sleep->restful_secs);
	wb_put_zeros(out, item_size - WB_HEALTH_LEGACY_SLEEP_LEN);
	return TRUE;
}

/* ===================================================================================== */
/* Protobuf wire format                                                                  */
/* ===================================================================================== */

/**
 * wb_health_pb_reader_init:
 * @r: (out caller-allocates): the reader
 * @data: (array length=len) (nullable): the message; may be %NULL when @len is 0
 * @len: its length
 *
 * Starts reading a protobuf message.
 */
void
wb_health_pb_reader_init(WbHealthPbReader *r, const guint8 *data, gsize len)
{
	static const guint8 empty[1] = {0};

	r->data = data != NULL ? data : empty;
	r->len = data != NULL ? len : 0;
	r->pos = 0;
}

/**
 * wb_health_pb_reader_at_end:
 * @r: the reader
 *
 * Returns: %TRUE once every byte has been read
 */
gboolean
wb_health_pb_reader_at_end(const WbHealthPbReader *r)
{
	return r->pos >= r->len;
}

/**
 * wb_health_pb_read_varint:
 * @r: the reader
 * @out_value: (out): the value, written on success
 * @error: return location for a #GError
 *
 * Reads one base-128 varint of at most 10 bytes. Non-minimal encodings are accepted, as
 * protobuf allows.
 *
 * Returns: %TRUE on success; %WB_PROTO_ERROR_TRUNCATED if the buffer ends inside it,
 * %WB_PROTO_ERROR_BAD_VALUE if it is longer than 10 bytes or overflows 64 bits
 */
gboolean
wb_health_pb_read_varint(WbHealthPbReader *r, guint64 *out_value, GError **error)
{
	guint64 v = 0;

	for (guint i = 0; i < 10; i++) {
		guint8 b;

		if (r->pos >= r->len)
			return wb_proto_fail(error, WB_PROTO_ERROR_TRUNCATED,
					     "protobuf: truncated varint");
		b = r->data[r->pos++];
		/* the 10th byte holds bit 63 only: anything more overflows or continues */
		if (i == 9 && b > 1)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "protobuf: varint longer than 64 bits");
		v |= (guint64)(b & 0x7F) << (7 * i);
		if ((b & 0x80) == 0) {
			*out_value = v;
			return TRUE;
		}
	}
	/* not reached: the 10th byte either ends the varint or fails above */
	return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE, "protobuf: varint too long");
}

/**
 * wb_health_pb_read_field:
 * @r: the reader; must not be at its end
 * @out_field: (out caller-allocates): the field, written on success
 * @error: return location for a #GError
 *
 * Reads one field: its key, then its value. A LEN field's bytes are bounded by the message
 * being read (never by anything beyond @r's buffer). Unknown fields are skipped simply by
 * ignoring the returned field.
 *
 * Returns: %TRUE on success; %WB_PROTO_ERROR_TRUNCATED if the message ends inside the field;
 * %WB_PROTO_ERROR_BAD_VALUE for field number 0, a key above 32 bits, the group wire types 3
 * and 4 or the undefined 6 and 7
 */
gboolean
wb_health_pb_read_field(WbHealthPbReader *r, WbHealthPbField *out_field, GError **error)
{
	WbHealthPbField f = {0};
	guint64 key, v;
	guint wire_type;

	if (!wb_health_pb_read_varint(r, &key, error))
		return FALSE;
	if (key > G_MAXUINT32)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "protobuf: field key 0x%" G_GINT64_MODIFIER "x too large",
				     key);
	f.number = (guint32)(key >> 3);
	wire_type = (guint)(key & 7);
	if (f.number == 0)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE, "protobuf: field number 0");

	switch (wire_type) {
	case WB_HEALTH_PB_VARINT:
		if (!wb_health_pb_read_varint(r, &f.value, error))
			return FALSE;
		break;
	case WB_HEALTH_PB_I64:
	case WB_HEALTH_PB_I32: {
		guint n = wire_type == WB_HEALTH_PB_I64 ? 8 : 4;

		if (r->len - r->pos < n)
			return wb_proto_fail(error, WB_PROTO_ERROR_TRUNCATED,
					     "protobuf: field %u: truncated fixed-size value",
					     f.number);
		for (guint i = 0; i < n; i++)
			f.value |= (guint64)r->data[r->pos + i] << (8 * i);
		r->pos += n;
		break;
	}
	case WB_HEALTH_PB_LEN:
		if (!wb_health_pb_read_varint(r, &v, error))
			return FALSE;
		if (v > r->len - r->pos)
			return wb_proto_fail(error, WB_PROTO_ERROR_TRUNCATED,
					     "protobuf: field %u: length %" G_GUINT64_FORMAT
					     " exceeds the %" G_GSIZE_FORMAT " bytes left",
					     f.number, v, r->len - r->pos);
		f.data = r->data + r->pos;
		f.len = (gsize)v;
		r->pos += f.len;
		break;
	case 3:
	case 4:
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "protobuf: field %u: group wire type %u is not supported",
				     f.number, wire_type);
	default:
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "protobuf: field %u: invalid wire type %u", f.number,
				     wire_type);
	}
	f.wire_type = (WbHealthPbWireType)wire_type;
	*out_field = f;
	return TRUE;
}

/**
 * wb_health_pb_zigzag32_decode:
 * @v: a sint32 field's varint value (low 32 bits)
 *
 * Returns: the signed value
 */
gint32
wb_health_pb_zigzag32_decode(guint32 v)
{
	return (gint32)((v >> 1) ^ (~(v & 1) + 1));
}

/**
 * wb_health_pb_zigzag32_encode:
 * @v: a signed value
 *
 * Returns: its sint32 varint value
 */
guint32
wb_health_pb_zigzag32_encode(gint32 v)
{
	return ((guint32)v << 1) ^ (v < 0 ? 0xFFFFFFFFu : 0);
}

/**
 * wb_health_pb_put_varint:
 * @out: bytes are appended here
 * @v: the value
 *
 * Appends @v as a minimal base-128 varint (1 to 10 bytes).
 */
void
wb_health_pb_put_varint(GByteArray *out, guint64 v)
{
	do {
		guint8 b = v & 0x7F;

		v >>= 7;
		if (v != 0)
			b |= 0x80;
		g_byte_array_append(out, &b, 1);
	} while (v != 0);
}

/**
 * wb_health_pb_put_tag:
 * @out: bytes are appended here
 * @number: the field number (1 .. 2^29 − 1)
 * @wire_type: the field's wire type
 *
 * Appends a field key.
 */
void
wb_health_pb_put_tag(GByteArray *out, guint32 number, WbHealthPbWireType wire_type)
{
	wb_health_pb_put_varint(out, ((guint64)number << 3) | (guint)wire_type);
}

/**
 * wb_health_pb_put_varint_field:
 * @out: bytes are appended here
 * @number: the field number
 * @v: the value (uint32, enum, or a sint32 already zigzag-encoded)
 *
 * Appends a VARINT field.
 */
void
wb_health_pb_put_varint_field(GByteArray *out, guint32 number, guint64 v)
{
	wb_health_pb_put_tag(out, number, WB_HEALTH_PB_VARINT);
	wb_health_pb_put_varint(out, v);
}

/**
 * wb_health_pb_put_len_field:
 * @out: bytes are appended here
 * @number: the field number
 * @data: (array length=len) (nullable): the contents; may be %NULL when @len is 0
 * @len: their length
 *
 * Appends a LEN field: bytes, a string, a nested message or a packed list.
 */
void
wb_health_pb_put_len_field(GByteArray *out, guint32 number, const guint8 *data, gsize len)
{
	wb_health_pb_put_tag(out, number, WB_HEALTH_PB_LEN);
	wb_health_pb_put_varint(out, len);
	wb_put_bytes(out, data, len);
}

/**
 * wb_health_pb_put_i32_field:
 * @out: bytes are appended here
 * @number: the field number
 * @v: the value
 *
 * Appends an I32 (fixed32) field.
 */
void
wb_health_pb_put_i32_field(GByteArray *out, guint32 number, guint32 v)
{
	wb_health_pb_put_tag(out, number, WB_HEALTH_PB_I32);
	wb_put_u32_le(out, v);
}

/**
 * wb_health_pb_put_i64_field:
 * @out: bytes are appended here
 * @number: the field number
 * @v: the value
 *
 * Appends an I64 (fixed64) field.
 */
void
wb_health_pb_put_i64_field(GByteArray *out, guint32 number, guint64 v)
{
	wb_health_pb_put_tag(out, number, WB_HEALTH_PB_I64);
	wb_put_u64_le(out, v);
}

/* ===================================================================================== */
/* Heart-rate protobuf log (tag 85)                                                      */
/* ===================================================================================== */

/*
 * Field numbers, verified against google/pebble src/idl/nanopb/payload.proto,
 * measurements.proto and common.proto (the coredevices/PebbleOS copy of common.proto):
 *   Payload:        sender Tier = 2, send_time_utc uint32 = 3, send_retry_count = 4, user = 6,
 *                   payloads bytes = 10, events = 11, measurement_sets MeasurementSet = 12
 *   Tier:           type string = 1, id string = 2 (watch serial), location = 3, comment = 4,
 *                   version = 5
 *   MeasurementSet: uuid bytes(16) = 1, user = 2, time_utc uint32 = 3, utc_to_local sint32 = 4,
 *                   sensor_settings bytes = 5, types repeated enum = 7, measurements = 8,
 *                   time_end_utc uint32 = 9
 *   Measurement:    offset_sec uint32 = 1, data repeated uint32 [packed] = 2
 *   Type enum:      BPM = 7, HRQuality = 12; HeartRateQuality 0 NoAccel .. 7 Excellent
 * The firmware (services/normal/protobuf_log/protobuf_log.c, protobuf_log_util.c) writes the
 * types unpacked, one key per type, and the data packed; either form is accepted for both.
 * proto2 "required" fields we do not use (uuid, sender, send_time_utc) are not enforced: a
 * rejected item is NACKed and eventually discarded by the watch (§6.4), so only what the
 * samples depend on is required (time_utc, offset_sec, one value per type).
 */
#define PB_PAYLOAD_SENDER          2
#define PB_PAYLOAD_SEND_TIME       3
#define PB_PAYLOAD_RETRY_COUNT     4
#define PB_PAYLOAD_USER            6
#define PB_PAYLOAD_PAYLOADS        10
#define PB_PAYLOAD_EVENTS          11
#define PB_PAYLOAD_MEASUREMENT_SET 12
#define PB_TIER_TYPE               1
#define PB_TIER_ID                 2
#define PB_MSET_UUID               1
#define PB_MSET_USER               2
#define PB_MSET_TIME_UTC           3
#define PB_MSET_UTC_TO_LOCAL       4
#define PB_MSET_SENSOR_SETTINGS    5
#define PB_MSET_TYPES              7
#define PB_MSET_MEASUREMENTS       8
#define PB_MSET_TIME_END_UTC       9
#define PB_MEAS_OFFSET_SEC         1
#define PB_MEAS_DATA               2
#define PB_TYPE_BPM                7
#define PB_TYPE_HR_QUALITY         12

/* More columns than any measurement set the firmware logs (it uses 2). */
#define PB_MAX_TYPES 32

#define PB_TIER_TYPE_WATCH "watch"

typedef struct {
	guint32 time_utc;
	gboolean has_time;
	gint32 utc_to_local;
	guint32 types[PB_MAX_TYPES];
	guint n_types;
} MeasurementSetHeader;

static gboolean
pb_expect(const WbHealthPbField *f, WbHealthPbWireType wire_type, const gchar *what, GError **error)
{
	if (f->wire_type != wire_type)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "protobuf %s: field %u has wire type %u, expected %u", what,
				     f->number, f->wire_type, wire_type);
	return TRUE;
}

/* A uint32 / sint32 / enum value: a varint that fits in 32 bits. */
static gboolean
pb_u32(guint64 v, const gchar *what, guint32 *out, GError **error)
{
	if (v > G_MAXUINT32)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "protobuf %s: value %" G_GUINT64_FORMAT " exceeds 32 bits",
				     what, v);
	*out = (guint32)v;
	return TRUE;
}

static gboolean
pb_u32_field(const WbHealthPbField *f, const gchar *what, guint32 *out, GError **error)
{
	return pb_expect(f, WB_HEALTH_PB_VARINT, what, error) && pb_u32(f->value, what, out, error);
}

/*
 * Appends the uint32 values of a repeated scalar field to @values, in either encoding: one
 * VARINT field per value, or one LEN field holding packed varints.
 */
static gboolean
pb_repeated_u32(const WbHealthPbField *f, const gchar *what, guint32 *values, guint max, guint *n,
		GError **error)
{
	WbHealthPbReader r;

	if (f->wire_type == WB_HEALTH_PB_VARINT) {
		if (*n >= max)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "protobuf %s: more than %u values", what, max);
		return pb_u32(f->value, what, &values[(*n)++], error);
	}
	if (!pb_expect(f, WB_HEALTH_PB_LEN, what, error))
		return FALSE;
	wb_health_pb_reader_init(&r, f->data, f->len);
	while (!wb_health_pb_reader_at_end(&r)) {
		guint64 v;

		if (!wb_health_pb_read_varint(&r, &v, error))
			return FALSE;
		if (*n >= max)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "protobuf %s: more than %u values", what, max);
		if (!pb_u32(v, what, &values[(*n)++], error))
			return FALSE;
	}
	return TRUE;
}

/* First pass over a MeasurementSet: everything but the measurements. */
static gboolean
mset_read_header(const guint8 *buf, gsize len, MeasurementSetHeader *h, GError **error)
{
	WbHealthPbReader r;
	guint32 v;

	wb_health_pb_reader_init(&r, buf, len);
	while (!wb_health_pb_reader_at_end(&r)) {
		WbHealthPbField f;

		if (!wb_health_pb_read_field(&r, &f, error))
			return FALSE;
		switch (f.number) {
		case PB_MSET_UUID:
			if (!pb_expect(&f, WB_HEALTH_PB_LEN, "MeasurementSet", error))
				return FALSE;
			if (f.len != 16)
				return wb_proto_fail(
					error, WB_PROTO_ERROR_BAD_VALUE,
					"protobuf MeasurementSet: uuid of %" G_GSIZE_FORMAT
					" bytes",
					f.len);
			break;
		case PB_MSET_USER:
		case PB_MSET_SENSOR_SETTINGS:
		case PB_MSET_MEASUREMENTS: /* read in the second pass */
			if (!pb_expect(&f, WB_HEALTH_PB_LEN, "MeasurementSet", error))
				return FALSE;
			break;
		case PB_MSET_TIME_UTC:
			if (!pb_u32_field(&f, "MeasurementSet time_utc", &h->time_utc, error))
				return FALSE;
			h->has_time = TRUE;
			break;
		case PB_MSET_UTC_TO_LOCAL:
			if (!pb_u32_field(&f, "MeasurementSet utc_to_local", &v, error))
				return FALSE;
			h->utc_to_local = wb_health_pb_zigzag32_decode(v);
			break;
		case PB_MSET_TYPES:
			if (!pb_repeated_u32(&f, "MeasurementSet types", h->types, PB_MAX_TYPES,
					     &h->n_types, error))
				return FALSE;
			break;
		case PB_MSET_TIME_END_UTC:
			if (!pb_u32_field(&f, "MeasurementSet time_end_utc", &v, error))
				return FALSE;
			break;
		default:
			break; /* unknown field: skipped */
		}
	}
	return TRUE;
}

static gboolean
measurement_decode(const guint8 *buf, gsize len, guint n_types, guint32 *offset_sec,
		   guint32 *values, GError **error)
{
	WbHealthPbReader r;
	gboolean has_offset = FALSE;
	guint n = 0;

	wb_health_pb_reader_init(&r, buf, len);
	while (!wb_health_pb_reader_at_end(&r)) {
		WbHealthPbField f;

		if (!wb_health_pb_read_field(&r, &f, error))
			return FALSE;
		switch (f.number) {
		case PB_MEAS_OFFSET_SEC:
			if (!pb_u32_field(&f, "Measurement offset_sec", offset_sec, error))
				return FALSE;
			has_offset = TRUE;
			break;
		case PB_MEAS_DATA:
			if (!pb_repeated_u32(&f, "Measurement data", values, n_types, &n, error))
				return FALSE;
			break;
		default:
			break;
		}
	}
	if (!has_offset)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "protobuf Measurement: no offset_sec");
	/* FW protobuf_log_session_add_measurements() asserts one value per type */
	if (n != n_types)
		return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
				     "protobuf Measurement: %u values for %u types", n, n_types);
	return TRUE;
}

static gint
find_type(const MeasurementSetHeader *h, guint32 type)
{
	for (guint i = 0; i < h->n_types; i++) {
		if (h->types[i] == type)
			return (gint)i;
	}
	return -1;
}

static gboolean
mset_decode(const guint8 *buf, gsize len, GArray *samples, GError **error)
{
	MeasurementSetHeader h = {0};
	WbHealthPbReader r;
	gint bpm_col, quality_col;

	if (!mset_read_header(buf, len, &h, error))
		return FALSE;
	bpm_col = find_type(&h, PB_TYPE_BPM);
	quality_col = find_type(&h, PB_TYPE_HR_QUALITY);

	wb_health_pb_reader_init(&r, buf, len);
	while (!wb_health_pb_reader_at_end(&r)) {
		WbHealthPbField f;
		guint32 values[PB_MAX_TYPES];
		guint32 offset = 0;
		WbHealthHrSample s = {0};

		if (!wb_health_pb_read_field(&r, &f, error))
			return FALSE;
		if (f.number != PB_MSET_MEASUREMENTS)
			continue; /* checked in the first pass */
		if (!measurement_decode(f.data, f.len, h.n_types, &offset, values, error))
			return FALSE;
		if (bpm_col < 0)
			continue; /* not a heart-rate set */
		if (!h.has_time)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "protobuf MeasurementSet: no time_utc");
		if (offset > G_MAXUINT32 - h.time_utc)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "protobuf Measurement: time %u + %u overflows",
					     h.time_utc, offset);
		if (values[bpm_col] > G_MAXUINT8)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "protobuf Measurement: heart rate '%u'",
					     values[bpm_col]);
		s.time_utc = h.time_utc + offset;
		s.utc_to_local = h.utc_to_local;
		s.bpm = (guint8)values[bpm_col];
		s.quality = WB_HEALTH_HR_QUALITY_UNKNOWN;
		if (quality_col >= 0) {
			if (values[quality_col] > WB_HEALTH_HR_QUALITY_EXCELLENT)
				return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
						     "protobuf Measurement: HR quality '%u' is "
						     "not 0..7",
						     values[quality_col]);
			s.quality = (WbHealthHrQuality)values[quality_col];
		}
		g_array_append_val(samples, s);
	}
	return TRUE;
}

static gboolean
tier_decode(const guint8 *buf, gsize len, gchar **out_id, GError **error)
{
	WbHealthPbReader r;

	wb_health_pb_reader_init(&r, buf, len);
	while (!wb_health_pb_reader_at_end(&r)) {
		WbHealthPbField f;

		if (!wb_health_pb_read_field(&r, &f, error))
			return FALSE;
		if (f.number != PB_TIER_ID)
			continue;
		if (!pb_expect(&f, WB_HEALTH_PB_LEN, "Tier", error))
			return FALSE;
		g_free(*out_id);
		*out_id = wb_proto_string_from_bytes(f.data, f.len);
	}
	return TRUE;
}

static gboolean
payload_decode(const guint8 *buf, gsize len, WbHealthHrLog *log, GError **error)
{
	WbHealthPbReader r;

	wb_health_pb_reader_init(&r, buf, len);
	while (!wb_health_pb_reader_at_end(&r)) {
		WbHealthPbField f;
		guint32 v;

		if (!wb_health_pb_read_field(&r, &f, error))
			return FALSE;
		switch (f.number) {
		case PB_PAYLOAD_SENDER:
			if (!pb_expect(&f, WB_HEALTH_PB_LEN, "Payload", error) ||
			    !tier_decode(f.data, f.len, &log->sender_id, error))
				return FALSE;
			break;
		case PB_PAYLOAD_SEND_TIME:
			if (!pb_u32_field(&f, "Payload send_time_utc", &log->send_time_utc, error))
				return FALSE;
			break;
		case PB_PAYLOAD_RETRY_COUNT:
			if (!pb_u32_field(&f, "Payload send_retry_count", &v, error))
				return FALSE;
			break;
		case PB_PAYLOAD_USER:
		case PB_PAYLOAD_PAYLOADS: /* nested payloads: the watch never sends them */
		case PB_PAYLOAD_EVENTS:
			if (!pb_expect(&f, WB_HEALTH_PB_LEN, "Payload", error))
				return FALSE;
			break;
		case PB_PAYLOAD_MEASUREMENT_SET:
			if (!pb_expect(&f, WB_HEALTH_PB_LEN, "Payload", error) ||
			    !mset_decode(f.data, f.len, log->samples, error))
				return FALSE;
			break;
		default:
			break;
		}
	}
	return TRUE;
}

/**
 * wb_health_hr_log_clear:
 * @log: a log; may be zeroed
 *
 * Frees the members of @log and leaves it zeroed.
 */
void
wb_health_hr_log_clear(WbHealthHrLog *log)
{
	g_clear_pointer(&log->sender_id, g_free);
	g_clear_pointer(&log->samples, g_array_unref);
	memset(log, 0, sizeof(*log));
}

/**
 * wb_health_hr_log_decode:
 * @buf: (array length=len): one tag-85 item: u16 msg_size, a pebble.pipeline.Payload, padding
 * @len: the item size
 * @out: (out caller-allocates): the log; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes the heart-rate samples of one protobuf log item (§7.5). The padding after the
 * message is not checked (the firmware zero-fills it). Fails with %WB_PROTO_ERROR_TRUNCATED
 * if msg_size exceeds the item or the protobuf is cut short, with %WB_PROTO_ERROR_BAD_VALUE for
 * malformed protobuf (see wb_health_pb_read_field()), a known field with the wrong wire type,
 * a measurement whose value count differs from the set's type count, a BPM above 255 or a
 * quality outside 0..7.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_health_hr_log_decode(const guint8 *buf, gsize len, WbHealthHrLog *out, GError **error)
{
	g_auto(WbHealthHrLog) log = {0};
	WbReader r;
	guint16 msg_size;
	const guint8 *msg;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	msg_size = wb_reader_u16_le(&r);
	if (!wb_reader_check(&r, "protobuf log item", error))
		return FALSE;
	msg = wb_reader_bytes(&r, msg_size);
	if (msg == NULL)
		return wb_proto_fail(error, WB_PROTO_ERROR_TRUNCATED,
				     "protobuf log item: msg_size %u exceeds the %" G_GSIZE_FORMAT
				     "-byte item",
				     msg_size, len);
	log.samples = g_array_new(FALSE, FALSE, sizeof(WbHealthHrSample));
	if (!payload_decode(msg, msg_size, &log, error))
		return FALSE;
	*out = log;
	memset(&log, 0, sizeof(log));
	return TRUE;
}

static void
hr_put_mset(GByteArray *out, const WbHealthHrSample *s, guint n)
{
	static const guint8 zero_uuid[16] = {0};
	g_autoptr(GByteArray) set = g_byte_array_new();
	gboolean has_quality = s[0].quality != WB_HEALTH_HR_QUALITY_UNKNOWN;

	/* same field order as the firmware's nanopb encoding: header, then measurements */
	wb_health_pb_put_len_field(set, PB_MSET_UUID, zero_uuid, sizeof(zero_uuid));
	wb_health_pb_put_varint_field(set, PB_MSET_TIME_UTC, s[0].time_utc);
	wb_health_pb_put_varint_field(set, PB_MSET_UTC_TO_LOCAL,
				      wb_health_pb_zigzag32_encode(s[0].utc_to_local));
	wb_health_pb_put_varint_field(set, PB_MSET_TYPES, PB_TYPE_BPM);
	if (has_quality)
		wb_health_pb_put_varint_field(set, PB_MSET_TYPES, PB_TYPE_HR_QUALITY);
	for (guint i = 0; i < n; i++) {
		g_autoptr(GByteArray) m = g_byte_array_new();
		g_autoptr(GByteArray) data = g_byte_array_new();

		wb_health_pb_put_varint_field(m, PB_MEAS_OFFSET_SEC, s[i].time_utc - s[0].time_utc);
		wb_health_pb_put_varint(data, s[i].bpm);
		if (has_quality)
			wb_health_pb_put_varint(data, s[i].quality);
		wb_health_pb_put_len_field(m, PB_MEAS_DATA, data->data, data->len);
		wb_health_pb_put_len_field(set, PB_MSET_MEASUREMENTS, m->data, m->len);
	}
	wb_health_pb_put_len_field(out, PB_PAYLOAD_MEASUREMENT_SET, set->data, set->len);
}

/* Builds the Payload for @samples[0..n): consecutive samples share a MeasurementSet while they
 * have the same local offset and quality column and do not go back in time. */
static gboolean
hr_payload_build(const WbHealthHrLog *log, const WbHealthHrSample *samples, guint n,
		 GByteArray *payload, GError **error)
{
	g_autoptr(GByteArray) tier = g_byte_array_new();
	const gchar *id = log->sender_id != NULL ? log->sender_id : "";
	guint start = 0;

	for (guint i = 0; i < n; i++) {
		guint q = samples[i].quality;

		if (q > WB_HEALTH_HR_QUALITY_EXCELLENT && q != WB_HEALTH_HR_QUALITY_UNKNOWN)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "heart-rate sample: quality '%u'", q);
	}
	wb_health_pb_put_len_field(tier, PB_TIER_TYPE, (const guint8 *)PB_TIER_TYPE_WATCH,
				   strlen(PB_TIER_TYPE_WATCH));
	wb_health_pb_put_len_field(tier, PB_TIER_ID, (const guint8 *)id, strlen(id));
	wb_health_pb_put_len_field(payload, PB_PAYLOAD_SENDER, tier->data, tier->len);
	wb_health_pb_put_varint_field(payload, PB_PAYLOAD_SEND_TIME, log->send_time_utc);
	for (guint i = 1; i <= n; i++) {
		const WbHealthHrSample *a = &samples[start];
		const WbHealthHrSample *b = &samples[i];

		if (i < n && b->utc_to_local == a->utc_to_local && b->time_utc >= a->time_utc &&
		    (b->quality == WB_HEALTH_HR_QUALITY_UNKNOWN) ==
			    (a->quality == WB_HEALTH_HR_QUALITY_UNKNOWN))
			continue;
		hr_put_mset(payload, a, i - start);
		start = i;
	}
	return TRUE;
}

static gboolean
hr_item_write(const WbHealthHrLog *log, const WbHealthHrSample *samples, guint n, guint16 item_size,
	      GByteArray *out, GError **error)
{
	g_autoptr(GByteArray) payload = g_byte_array_new();

	if (!hr_payload_build(log, samples, n, payload, error))
		return FALSE;
	if (item_size < 2 || payload->len > (guint)item_size - 2)
		return wb_proto_fail(error, WB_PROTO_ERROR_TOO_LONG,
				     "protobuf log item: %u-byte payload does not fit in %u bytes",
				     payload->len, item_size);
	wb_put_u16_le(out, (guint16)payload->len);
	wb_put_bytes(out, payload->data, payload->len);
	wb_put_zeros(out, item_size - 2 - payload->len);
	return TRUE;
}

/**
 * wb_health_hr_log_encode:
 * @log: the log
 * @item_size: the session's item size (300); the item is zero-padded to it
 * @out: the item is appended here
 * @error: return location for a #GError
 *
 * Encodes one tag-85 item the way the firmware's heart-rate logger does (§7.5): a Payload with
 * sender {type "watch", id @log->sender_id} and send_time_utc, then one MeasurementSet per run
 * of samples with the same local offset and quality column, with types BPM (and HRQuality),
 * one Measurement of offset_sec + packed data per sample. The set's uuid is all zero (the
 * firmware uses a random one the phone never reads).
 *
 * Returns: %TRUE on success; %WB_PROTO_ERROR_TOO_LONG if it does not fit in @item_size,
 * %WB_PROTO_ERROR_BAD_VALUE for a quality outside the enum; on failure @out is unchanged
 */
gboolean
wb_health_hr_log_encode(const WbHealthHrLog *log, guint16 item_size, GByteArray *out,
			GError **error)
{
	const WbHealthHrSample *s =
		log->samples != NULL ? (const WbHealthHrSample *)(void *)log->samples->data : NULL;
	guint n = log->samples != NULL ? log->samples->len : 0;

	return hr_item_write(log, s, n, item_size, out, error);
}

/* ===================================================================================== */
/* SendData dispatcher                                                                   */
/* ===================================================================================== */

/**
 * wb_health_items_clear:
 * @items: the items; may be zeroed
 *
 * Frees the arrays and leaves @items zeroed.
 */
void
wb_health_items_clear(WbHealthItems *items)
{
	g_clear_pointer(&items->minute_records, g_array_unref);
	g_clear_pointer(&items->legacy_sleep, g_array_unref);
	g_clear_pointer(&items->activity_sessions, g_array_unref);
	g_clear_pointer(&items->hr_samples, g_array_unref);
	memset(items, 0, sizeof(*items));
}

static gboolean
parse_items_of(WbHealthItems *items, guint16 item_size, const guint8 *data, gsize len,
	       GError **error)
{
	for (gsize off = 0; off < len; off += item_size) {
		const guint8 *p = data + off;

		switch (items->tag) {
		case WB_HEALTH_TAG_MINUTE_DATA: {
			WbHealthMinuteRecord rec;

			if (!wb_health_minute_record_decode(p, item_size, &rec, error))
				return FALSE;
			g_array_append_val(items->minute_records, rec);
			break;
		}
		case WB_HEALTH_TAG_LEGACY_SLEEP: {
			WbHealthLegacySleep s;

			if (!wb_health_legacy_sleep_decode(p, item_size, &s, error))
				return FALSE;
			g_array_append_val(items->legacy_sleep, s);
			break;
		}
		case WB_HEALTH_TAG_ACTIVITY_SESSION: {
			WbHealthActivitySession s;

			if (!wb_health_activity_session_decode(p, item_size, &s, error))
				return FALSE;
			g_array_append_val(items->activity_sessions, s);
			break;
		}
		case WB_HEALTH_TAG_PROTOBUF_LOG: {
			g_auto(WbHealthHrLog) log = {0};

			if (!wb_health_hr_log_decode(p, item_size, &log, error))
				return FALSE;
			g_array_append_vals(items->hr_samples, log.samples->data, log.samples->len);
			break;
		}
		case WB_HEALTH_TAG_ANALYTICS_DEVICE_HEARTBEAT:
		case WB_HEALTH_TAG_ANALYTICS_APP_HEARTBEAT:
		case WB_HEALTH_TAG_ANALYTICS_EVENT:
		case WB_HEALTH_TAG_ACCEL_SAMPLES:
		case WB_HEALTH_TAG_MEMFAULT_CHUNKS:
		case WB_HEALTH_TAG_ANALYTICS_NATIVE_HEARTBEAT:
			g_assert_not_reached();
		}
	}
	return TRUE;
}

/**
 * wb_health_parse_items:
 * @tag: the session's tag, from its OpenSession
 * @item_size: the session's item size, from its OpenSession
 * @data: (array length=len): the SendData's data
 * @len: its length
 * @out: (out caller-allocates): the readings; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes every item of a SendData belonging to a system session (all-zero app UUID: the
 * caller checks that) with one of the health tags 81, 83, 84 or 85. @len must be a non-zero
 * multiple of @item_size. The whole SendData fails if any item does: the service then NACKs
 * it (§6.4).
 *
 * Returns: %TRUE on success; %WB_PROTO_ERROR_UNKNOWN_TYPE for any other tag
 */
gboolean
wb_health_parse_items(guint32 tag, guint16 item_size, const guint8 *data, gsize len,
		      WbHealthItems *out, GError **error)
{
	g_auto(WbHealthItems) items = {0};

	memset(out, 0, sizeof(*out));
	switch (tag) {
	case WB_HEALTH_TAG_MINUTE_DATA:
		items.minute_records = g_array_new(FALSE, FALSE, sizeof(WbHealthMinuteRecord));
		g_array_set_clear_func(items.minute_records,
				       (GDestroyNotify)wb_health_minute_record_clear);
		break;
	case WB_HEALTH_TAG_LEGACY_SLEEP:
		items.legacy_sleep = g_array_new(FALSE, FALSE, sizeof(WbHealthLegacySleep));
		break;
	case WB_HEALTH_TAG_ACTIVITY_SESSION:
		items.activity_sessions =
			g_array_new(FALSE, FALSE, sizeof(WbHealthActivitySession));
		break;
	case WB_HEALTH_TAG_PROTOBUF_LOG:
		items.hr_samples = g_array_new(FALSE, FALSE, sizeof(WbHealthHrSample));
		break;
	default:
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
				     "health: data-logging tag '%u' is not a health record tag",
				     tag);
	}
	items.tag = (WbHealthTag)tag;
	if (!wb_datalog_check_items(len, item_size, error))
		return FALSE;
	if (!parse_items_of(&items, item_size, data, len, error))
		return FALSE;
	*out = items;
	memset(&items, 0, sizeof(items));
	return TRUE;
}

/* Packs samples greedily into as few items as possible (at least one). */
static gboolean
hr_items_encode(GArray *samples, guint16 item_size, GByteArray *out, GError **error)
{
	static const WbHealthHrLog empty = {0};
	const WbHealthHrSample *s =
		samples != NULL ? (const WbHealthHrSample *)(void *)samples->data : NULL;
	guint n = samples != NULL ? samples->len : 0;
	guint start = 0;

	if (n == 0)
		return hr_item_write(&empty, NULL, 0, item_size, out, error);
	while (start < n) {
		guint lo = 1, hi = n - start;

		/* the encoded size grows with every sample: binary search the largest fit */
		while (lo < hi) {
			g_autoptr(GByteArray) probe = g_byte_array_new();
			guint mid = lo + (hi - lo + 1) / 2;

			if (hr_item_write(&empty, s + start, mid, item_size, probe, NULL))
				lo = mid;
			else
				hi = mid - 1;
		}
		if (!hr_item_write(&empty, s + start, lo, item_size, out, error))
			return FALSE;
		start += lo;
	}
	return TRUE;
}

/**
 * wb_health_items_encode:
 * @items: the readings; @items->tag selects the array
 * @item_size: the session's item size
 * @out: the SendData data is appended here
 * @error: return location for a #GError
 *
 * Encodes readings as the data of a SendData (the simulated watch's side of
 * wb_health_parse_items()). Heart-rate samples are packed into as few items as fit (always at
 * least one item); the other kinds give one item per element.
 *
 * Returns: %TRUE on success; %WB_PROTO_ERROR_UNKNOWN_TYPE for a tag without a record kind;
 * on failure @out is unchanged
 */
gboolean
wb_health_items_encode(const WbHealthItems *items, guint16 item_size, GByteArray *out,
		       GError **error)
{
	guint start = out->len;
	gboolean ok = TRUE;
	gboolean known = FALSE; /* values outside the enum match no case */

	switch (items->tag) {
	case WB_HEALTH_TAG_MINUTE_DATA:
		for (guint i = 0;
		     ok && items->minute_records != NULL && i < items->minute_records->len; i++)
			ok = wb_health_minute_record_encode(
				&g_array_index(items->minute_records, WbHealthMinuteRecord, i),
				item_size, out, error);
		known = TRUE;
		break;
	case WB_HEALTH_TAG_LEGACY_SLEEP:
		for (guint i = 0; ok && items->legacy_sleep != NULL && i < items->legacy_sleep->len;
		     i++)
			ok = wb_health_legacy_sleep_encode(
				&g_array_index(items->legacy_sleep, WbHealthLegacySleep, i),
				item_size, out, error);
		known = TRUE;
		break;
	case WB_HEALTH_TAG_ACTIVITY_SESSION:
		for (guint i = 0;
		     ok && items->activity_sessions != NULL && i < items->activity_sessions->len;
		     i++)
			ok = wb_health_activity_session_encode(
				&g_array_index(items->activity_sessions, WbHealthActivitySession,
					       i),
				item_size, out, error);
		known = TRUE;
		break;
	case WB_HEALTH_TAG_PROTOBUF_LOG:
		ok = hr_items_encode(items->hr_samples, item_size, out, error);
		known = TRUE;
		break;
	case WB_HEALTH_TAG_ANALYTICS_DEVICE_HEARTBEAT:
	case WB_HEALTH_TAG_ANALYTICS_APP_HEARTBEAT:
	case WB_HEALTH_TAG_ANALYTICS_EVENT:
	case WB_HEALTH_TAG_ACCEL_SAMPLES:
	case WB_HEALTH_TAG_MEMFAULT_CHUNKS:
	case WB_HEALTH_TAG_ANALYTICS_NATIVE_HEARTBEAT:
		break;
	}
	if (!known)
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
				     "health: cannot encode items of tag '%u'", (guint)items->tag);
	if (!ok)
		g_byte_array_set_size(out, start);
	return ok;
}

/* ===================================================================================== */
/* HealthSync, endpoint 911                                                              */
/* ===================================================================================== */

#define HEALTH_SYNC_ACK  0x01
#define HEALTH_SYNC_NACK 0x02

/**
 * wb_health_sync_decode:
 * @buf: (array length=len): the payload of an endpoint 911 frame
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes a HealthSync message (§7.6). Extra bytes after the fields are ignored: the
 * firmware only checks that a Sync is at least 5 bytes long.
 *
 * Returns: %TRUE on success; %WB_PROTO_ERROR_UNKNOWN_TYPE for another command,
 * %WB_PROTO_ERROR_BAD_VALUE for an ack byte other than 1 or 2
 */
gboolean
wb_health_sync_decode(const guint8 *buf, gsize len, WbHealthSyncMessage *out, GError **error)
{
	WbHealthSyncMessage m = {0};
	WbReader r;
	guint8 cmd, v;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	cmd = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "HealthSync", error))
		return FALSE;
	switch (cmd) {
	case WB_HEALTH_SYNC_CMD_SYNC:
		/* "native" order in the firmware's packed struct: little-endian */
		m.seconds_since_last_sync = wb_reader_u32_le(&r);
		if (!wb_reader_check(&r, "HealthSync Sync", error))
			return FALSE;
		break;
	case WB_HEALTH_SYNC_CMD_ACK:
		v = wb_reader_u8(&r);
		if (!wb_reader_check(&r, "HealthSync Ack", error))
			return FALSE;
		if (v != HEALTH_SYNC_ACK && v != HEALTH_SYNC_NACK)
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "HealthSync Ack: value '%u' is not 1 or 2", v);
		m.ack = v == HEALTH_SYNC_ACK;
		break;
	default:
		return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
				     "HealthSync: unknown command 0x%02x", cmd);
	}
	m.command = (WbHealthSyncCommand)cmd;
	*out = m;
	return TRUE;
}

/**
 * wb_health_sync_encode:
 * @msg: the message
 * @out: the payload is appended here
 * @error: return location for a #GError
 *
 * Encodes a HealthSync message (§7.6): `01` + u32 LE, or `11 01` / `11 02`.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_health_sync_encode(const WbHealthSyncMessage *msg, GByteArray *out, GError **error)
{
	switch (msg->command) {
	case WB_HEALTH_SYNC_CMD_SYNC:
		wb_put_u8(out, WB_HEALTH_SYNC_CMD_SYNC);
		wb_put_u32_le(out, msg->seconds_since_last_sync);
		return TRUE;
	case WB_HEALTH_SYNC_CMD_ACK:
		wb_put_u8(out, WB_HEALTH_SYNC_CMD_ACK);
		wb_put_u8(out, msg->ack ? HEALTH_SYNC_ACK : HEALTH_SYNC_NACK);
		return TRUE;
	}
	return wb_proto_fail(error, WB_PROTO_ERROR_UNKNOWN_TYPE,
			     "HealthSync: cannot encode unknown command 0x%02x",
			     (guint)msg->command);
}
