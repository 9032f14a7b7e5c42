/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Fuzz target for data logging, health records and HealthSync (wb-datalog, wb-health, wb-crc).
 * The first byte picks a decoder, the rest is its input. Whenever a decode succeeds, the value
 * is encoded, decoded again and compared: any difference, or a failing re-encode, aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "wb-crc.h"
#include "wb-datalog.h"
#include "wb-health.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	SEL_DATALOG,
	SEL_MINUTE,
	SEL_SESSION,
	SEL_LEGACY_SLEEP,
	SEL_HR_LOG,
	SEL_ITEMS,
	SEL_PROTOBUF,
	SEL_HEALTH_SYNC,
	SEL_CRC,
	SEL_COUNT,
};

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static gboolean
bytes_equal0(GBytes *a, GBytes *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return g_bytes_equal(a, b);
}

static void
fuzz_datalog(const guint8 *buf, gsize len)
{
	g_auto(WbDatalogMessage) m = {0};
	g_auto(WbDatalogMessage) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (!wb_datalog_decode(buf, len, &m, NULL))
		return;
	if (m.command == WB_DATALOG_CMD_SEND_DATA) {
		(void)wb_datalog_send_data_check_crc(&m.send, NULL);
		(void)wb_datalog_check_items(g_bytes_get_size(m.send.data), (guint16)(len % 300),
					     NULL);
	}
	(void)wb_datalog_command_to_string(m.command);
	CHECK(wb_datalog_encode(&m, out, NULL));
	CHECK(wb_datalog_decode(out->data, out->len, &back, NULL));
	CHECK(m.command == back.command);
	CHECK(m.session_id == back.session_id);
	CHECK(wb_uuid_equal(&m.open.app_uuid, &back.open.app_uuid));
	CHECK(m.open.timestamp == back.open.timestamp && m.open.tag == back.open.tag);
	CHECK(m.open.item_type == back.open.item_type && m.open.item_size == back.open.item_size);
	CHECK(m.send.items_left == back.send.items_left && m.send.crc == back.send.crc);
	CHECK(bytes_equal0(m.send.data, back.send.data));
	CHECK(m.enabled == back.enabled);
	CHECK(bytes_equal0(m.session_ids, back.session_ids));
	/* canonical form: a re-encode is a prefix of the input (trailing bytes are dropped) */
	CHECK(out->len <= len && fuzz_same_bytes(out->data, buf, out->len));
}

static gboolean
minute_samples_equal(const WbHealthMinuteSample *a, const WbHealthMinuteSample *b)
{
	return a->steps == b->steps && a->orientation == b->orientation && a->vmc == b->vmc &&
	       a->light == b->light && a->flags == b->flags &&
	       a->resting_calories == b->resting_calories &&
	       a->active_calories == b->active_calories && a->distance_cm == b->distance_cm &&
	       a->heart_rate_bpm == b->heart_rate_bpm &&
	       a->heart_rate_weight_x100 == b->heart_rate_weight_x100 &&
	       a->heart_rate_zone == b->heart_rate_zone && a->spo2_percent == b->spo2_percent &&
	       a->spo2_quality == b->spo2_quality;
}

static gboolean
minute_records_equal(const WbHealthMinuteRecord *a, const WbHealthMinuteRecord *b)
{
	if (a->version != b->version || a->time_utc != b->time_utc ||
	    a->local_offset_15min != b->local_offset_15min || a->sample_size != b->sample_size ||
	    a->num_samples != b->num_samples)
		return FALSE;
	for (guint i = 0; i < a->num_samples; i++) {
		if (!minute_samples_equal(&a->samples[i], &b->samples[i]))
			return FALSE;
	}
	return TRUE;
}

static void
fuzz_minute(const guint8 *buf, gsize len)
{
	g_auto(WbHealthMinuteRecord) rec = {0};
	g_auto(WbHealthMinuteRecord) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (len > G_MAXUINT16 || !wb_health_minute_record_decode(buf, len, &rec, NULL))
		return;
	for (guint i = 0; i < rec.num_samples; i++)
		(void)wb_health_minute_record_sample_time(&rec, i);
	CHECK(wb_health_minute_record_encode(&rec, (guint16)len, out, NULL));
	CHECK(out->len == len);
	CHECK(wb_health_minute_record_decode(out->data, out->len, &back, NULL));
	CHECK(minute_records_equal(&rec, &back));
}

static gboolean
sessions_equal(const WbHealthActivitySession *a, const WbHealthActivitySession *b)
{
	return a->version == b->version && a->type == b->type &&
	       a->utc_to_local == b->utc_to_local && a->start_utc == b->start_utc &&
	       a->elapsed_sec == b->elapsed_sec && a->steps == b->steps &&
	       a->active_kcal == b->active_kcal && a->resting_kcal == b->resting_kcal &&
	       a->distance_m == b->distance_m;
}

static void
fuzz_session(const guint8 *buf, gsize len)
{
	WbHealthActivitySession s, back;
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (len > G_MAXUINT16 || !wb_health_activity_session_decode(buf, len, &s, NULL))
		return;
	(void)wb_health_activity_type_to_string(s.type);
	(void)wb_health_activity_type_is_sleep(s.type);
	CHECK(wb_health_activity_session_encode(&s, (guint16)len, out, NULL));
	CHECK(out->len == len);
	CHECK(wb_health_activity_session_decode(out->data, out->len, &back, NULL));
	CHECK(sessions_equal(&s, &back));
}

static void
fuzz_legacy_sleep(const guint8 *buf, gsize len)
{
	WbHealthLegacySleep s, back;
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (len > G_MAXUINT16 || !wb_health_legacy_sleep_decode(buf, len, &s, NULL))
		return;
	CHECK(wb_health_legacy_sleep_encode(&s, (guint16)len, out, NULL));
	CHECK(wb_health_legacy_sleep_decode(out->data, out->len, &back, NULL));
	CHECK(s.version == back.version && s.utc_to_local == back.utc_to_local &&
	      s.start_utc == back.start_utc && s.end_utc == back.end_utc &&
	      s.restful_secs == back.restful_secs);
}

static gboolean
hr_samples_equal(GArray *a, GArray *b)
{
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		const WbHealthHrSample *x = &g_array_index(a, WbHealthHrSample, i);
		const WbHealthHrSample *y = &g_array_index(b, WbHealthHrSample, i);

		if (x->time_utc != y->time_utc || x->utc_to_local != y->utc_to_local ||
		    x->bpm != y->bpm || x->quality != y->quality)
			return FALSE;
	}
	return TRUE;
}

static void
fuzz_hr_log(const guint8 *buf, gsize len)
{
	g_auto(WbHealthHrLog) log = {0};
	g_auto(WbHealthHrLog) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (!wb_health_hr_log_decode(buf, len, &log, NULL))
		return;
	CHECK(log.samples != NULL);
	/* our encoding may be larger than the input's (a set per sample, fixed sender): give it
	 * the largest item; inputs are small enough for that never to be too little */
	CHECK(wb_health_hr_log_encode(&log, G_MAXUINT16, out, NULL));
	CHECK(wb_health_hr_log_decode(out->data, out->len, &back, NULL));
	CHECK(log.send_time_utc == back.send_time_utc);
	CHECK(g_strcmp0(log.sender_id != NULL ? log.sender_id : "", back.sender_id) == 0);
	CHECK(hr_samples_equal(log.samples, back.samples));
}

static void
fuzz_items(const guint8 *buf, gsize len)
{
	static const guint32 tags[] = {
		WB_HEALTH_TAG_MINUTE_DATA,      WB_HEALTH_TAG_LEGACY_SLEEP,
		WB_HEALTH_TAG_ACTIVITY_SESSION, WB_HEALTH_TAG_PROTOBUF_LOG,
		WB_HEALTH_TAG_ACCEL_SAMPLES,
	};
	g_auto(WbHealthItems) items = {0};
	g_auto(WbHealthItems) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	guint32 tag;
	guint16 item_size;

	if (len < 3)
		return;
	tag = tags[buf[0] % G_N_ELEMENTS(tags)];
	item_size = (guint16)(buf[1] | (buf[2] << 8));
	if (!wb_health_parse_items(tag, item_size, buf + 3, len - 3, &items, NULL))
		return;
	if (!wb_health_items_encode(&items, item_size, out, &error)) {
		/* heart-rate items re-encode with a fixed sender and a uuid per set, which may not
		 * fit an item size the original just fitted; nothing else may fail */
		CHECK(tag == WB_HEALTH_TAG_PROTOBUF_LOG &&
		      g_error_matches(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG));
		return;
	}
	CHECK(wb_health_parse_items(tag, item_size, out->data, out->len, &back, NULL));
	CHECK(items.tag == back.tag);
	switch (items.tag) {
	case WB_HEALTH_TAG_MINUTE_DATA:
		CHECK(out->len == len - 3);
		CHECK(items.minute_records->len == back.minute_records->len);
		for (guint i = 0; i < items.minute_records->len; i++)
			CHECK(minute_records_equal(
				&g_array_index(items.minute_records, WbHealthMinuteRecord, i),
				&g_array_index(back.minute_records, WbHealthMinuteRecord, i)));
		break;
	case WB_HEALTH_TAG_ACTIVITY_SESSION:
		CHECK(items.activity_sessions->len == back.activity_sessions->len);
		for (guint i = 0; i < items.activity_sessions->len; i++)
			CHECK(sessions_equal(
				&g_array_index(items.activity_sessions, WbHealthActivitySession, i),
				&g_array_index(back.activity_sessions, WbHealthActivitySession,
					       i)));
		break;
	case WB_HEALTH_TAG_LEGACY_SLEEP:
		CHECK(items.legacy_sleep->len == back.legacy_sleep->len);
		break;
	case WB_HEALTH_TAG_PROTOBUF_LOG:
		CHECK(hr_samples_equal(items.hr_samples, back.hr_samples));
		break;
	case WB_HEALTH_TAG_ANALYTICS_DEVICE_HEARTBEAT:
	case WB_HEALTH_TAG_ANALYTICS_APP_HEARTBEAT:
	case WB_HEALTH_TAG_ANALYTICS_EVENT:
	case WB_HEALTH_TAG_ACCEL_SAMPLES:
	case WB_HEALTH_TAG_MEMFAULT_CHUNKS:
	case WB_HEALTH_TAG_ANALYTICS_NATIVE_HEARTBEAT:
		abort(); /* parse_items never succeeds for these */
	}
}

/* Reads a message's fields, or FALSE if it is not well-formed protobuf. */
static gboolean
pb_walk(const guint8 *buf, gsize len, GArray *fields)
{
	WbHealthPbReader r;

	wb_health_pb_reader_init(&r, buf, len);
	while (!wb_health_pb_reader_at_end(&r)) {
		WbHealthPbField f;

		if (!wb_health_pb_read_field(&r, &f, NULL))
			return FALSE;
		CHECK(r.pos <= r.len);
		if (f.wire_type == WB_HEALTH_PB_LEN) {
			WbHealthPbReader packed;
			WbHealthPbReader nested;
			guint64 v;

			CHECK(f.data >= buf && f.data + f.len <= buf + len);
			/* the same bytes seen as packed varints and as a nested message */
			wb_health_pb_reader_init(&packed, f.data, f.len);
			while (!wb_health_pb_reader_at_end(&packed) &&
			       wb_health_pb_read_varint(&packed, &v, NULL))
				;
			wb_health_pb_reader_init(&nested, f.data, f.len);
			while (!wb_health_pb_reader_at_end(&nested)) {
				WbHealthPbField g;

				if (!wb_health_pb_read_field(&nested, &g, NULL))
					break;
			}
		}
		g_array_append_val(fields, f);
	}
	return TRUE;
}

static void
fuzz_protobuf(const guint8 *buf, gsize len)
{
	g_autoptr(GArray) first = g_array_new(FALSE, FALSE, sizeof(WbHealthPbField));
	g_autoptr(GArray) second = g_array_new(FALSE, FALSE, sizeof(WbHealthPbField));
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (!pb_walk(buf, len, first))
		return;
	for (guint i = 0; i < first->len; i++) {
		const WbHealthPbField *f = &g_array_index(first, WbHealthPbField, i);

		switch (f->wire_type) {
		case WB_HEALTH_PB_VARINT:
			wb_health_pb_put_varint_field(out, f->number, f->value);
			break;
		case WB_HEALTH_PB_I64:
			wb_health_pb_put_i64_field(out, f->number, f->value);
			break;
		case WB_HEALTH_PB_LEN:
			wb_health_pb_put_len_field(out, f->number, f->data, f->len);
			break;
		case WB_HEALTH_PB_I32:
			wb_health_pb_put_i32_field(out, f->number, (guint32)f->value);
			break;
		}
	}
	/* minimal varints: never longer than the input */
	CHECK(out->len <= len);
	CHECK(pb_walk(out->data, out->len, second));
	CHECK(first->len == second->len);
	for (guint i = 0; i < first->len; i++) {
		const WbHealthPbField *a = &g_array_index(first, WbHealthPbField, i);
		const WbHealthPbField *b = &g_array_index(second, WbHealthPbField, i);

		CHECK(a->number == b->number && a->wire_type == b->wire_type &&
		      a->value == b->value && a->len == b->len);
		CHECK(fuzz_same_bytes(a->data, b->data, a->len));
	}
	for (gsize i = 0; i + 4 <= len; i += 4) {
		guint32 v = (guint32)buf[i] | ((guint32)buf[i + 1] << 8) |
			    ((guint32)buf[i + 2] << 16) | ((guint32)buf[i + 3] << 24);
		CHECK(wb_health_pb_zigzag32_encode(wb_health_pb_zigzag32_decode(v)) == v);
	}
}

static void
fuzz_health_sync(const guint8 *buf, gsize len)
{
	WbHealthSyncMessage m, back;
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (!wb_health_sync_decode(buf, len, &m, NULL))
		return;
	CHECK(wb_health_sync_encode(&m, out, NULL));
	CHECK(wb_health_sync_decode(out->data, out->len, &back, NULL));
	CHECK(m.command == back.command && m.ack == back.ack &&
	      m.seconds_since_last_sync == back.seconds_since_last_sync);
	CHECK(out->len <= len && fuzz_same_bytes(out->data, buf, out->len));
}

static void
fuzz_crc(const guint8 *buf, gsize len)
{
	guint32 want = wb_crc_stm32(buf, len);
	WbCrcStm32 crc;
	gsize pos = 0;

	/* chunk sizes 0..6 taken from the data itself, then the rest in one go */
	wb_crc_stm32_init(&crc);
	for (gsize k = 0; k < len && pos < len; k++) {
		gsize n = MIN((gsize)(buf[k] % 7), len - pos);

		wb_crc_stm32_update(&crc, buf + pos, n);
		pos += n;
	}
	wb_crc_stm32_update(&crc, buf + pos, len - pos);
	CHECK(wb_crc_stm32_finish(&crc) == want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const guint8 *buf;
	gsize len;

	/* bounded so that a heart-rate log re-encoded with one set per sample (about 48 bytes,
	 * from 6 input bytes) always fits the largest item */
	if (size < 1 || size > 4096)
		return 0;
	buf = data + 1;
	len = size - 1;
	switch (data[0] % SEL_COUNT) {
	case SEL_DATALOG:
		fuzz_datalog(buf, len);
		break;
	case SEL_MINUTE:
		fuzz_minute(buf, len);
		break;
	case SEL_SESSION:
		fuzz_session(buf, len);
		break;
	case SEL_LEGACY_SLEEP:
		fuzz_legacy_sleep(buf, len);
		break;
	case SEL_HR_LOG:
		fuzz_hr_log(buf, len);
		break;
	case SEL_ITEMS:
		fuzz_items(buf, len);
		break;
	case SEL_PROTOBUF:
		fuzz_protobuf(buf, len);
		break;
	case SEL_HEALTH_SYNC:
		fuzz_health_sync(buf, len);
		break;
	case SEL_CRC:
		fuzz_crc(buf, len);
		break;
	default:
		break;
	}
	return 0;
}
