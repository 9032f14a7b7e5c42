/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-health.h"
#include "wb-test-util.h"

#define T0 1700000000u /* 2023-11-14T22:13:20Z */

/*
 * Golden minute record, version 13, written from the reference §7.2 tables (layout per FW
 * services/normal/activity/activity_algorithm.h AlgMinuteRecordHdr + AlgMinuteDLSSample; field
 * order as GB DatalogSessionHealthSteps.java reads it). Header: version 0x000d, time_utc T0
 * (0x6553f100), local offset +4 quarter hours, sample_size 16, 15 samples. Sample i has
 * steps 10+i, orientation 0x40+i, vmc 1000+100i, light i, flags i%4, resting 1200+i,
 * active 300+7i, distance 500i cm, hr 60+i, hr weight 100i, zone i%4.
 */
static const gchar v13_record[] =
	"0d 00 00 f1 53 65 04 10 0f"
	/* steps orient vmc   light flags rest  act   dist  hr weight zone */
	"  0a 40 e8 03 00 00 b0 04 2c 01 00 00 3c 00 00 00"
	"  0b 41 4c 04 01 01 b1 04 33 01 f4 01 3d 64 00 01"
	"  0c 42 b0 04 02 02 b2 04 3a 01 e8 03 3e c8 00 02"
	"  0d 43 14 05 03 03 b3 04 41 01 dc 05 3f 2c 01 03"
	"  0e 44 78 05 04 00 b4 04 48 01 d0 07 40 90 01 00"
	"  0f 45 dc 05 05 01 b5 04 4f 01 c4 09 41 f4 01 01"
	"  10 46 40 06 06 02 b6 04 56 01 b8 0b 42 58 02 02"
	"  11 47 a4 06 07 03 b7 04 5d 01 ac 0d 43 bc 02 03"
	"  12 48 08 07 08 00 b8 04 64 01 a0 0f 44 20 03 00"
	"  13 49 6c 07 09 01 b9 04 6b 01 94 11 45 84 03 01"
	"  14 4a d0 07 0a 02 ba 04 72 01 88 13 46 e8 03 02"
	"  15 4b 34 08 0b 03 bb 04 79 01 7c 15 47 4c 04 03"
	"  16 4c 98 08 0c 00 bc 04 80 01 70 17 48 b0 04 00"
	"  17 4d fc 08 0d 01 bd 04 87 01 64 19 49 14 05 01"
	"  18 4e 60 09 0e 02 be 04 8e 01 58 1b 4a 78 05 02";

/*
 * Older versions are prefixes of the v13 sample (§7.2; GB reads v5..v13 the same way). Three
 * samples each, same values as above cut to the version's sample size; item = 9 + 3 × size.
 * v14 (Core Devices firmware, coredevices/pebbleos activity_algorithm.h) appends spo2_percent
 * 95+i%5 and spo2_quality 5+i%3.
 */
static const struct {
	guint16 version;
	guint sample_size;
	const gchar *hex;
} old_records[] = {
	{4, 5,
	 "04 00 00 f1 53 65 04 05 03"
	 " 0a 40 e8 03 00  0b 41 4c 04 01  0c 42 b0 04 02"},
	{5, 6,
	 "05 00 00 f1 53 65 04 06 03"
	 " 0a 40 e8 03 00 00  0b 41 4c 04 01 01  0c 42 b0 04 02 02"},
	{6, 12,
	 "06 00 00 f1 53 65 04 0c 03"
	 " 0a 40 e8 03 00 00 b0 04 2c 01 00 00"
	 " 0b 41 4c 04 01 01 b1 04 33 01 f4 01"
	 " 0c 42 b0 04 02 02 b2 04 3a 01 e8 03"},
	{7, 13,
	 "07 00 00 f1 53 65 04 0d 03"
	 " 0a 40 e8 03 00 00 b0 04 2c 01 00 00 3c"
	 " 0b 41 4c 04 01 01 b1 04 33 01 f4 01 3d"
	 " 0c 42 b0 04 02 02 b2 04 3a 01 e8 03 3e"},
	{12, 15,
	 "0c 00 00 f1 53 65 04 0f 03"
	 " 0a 40 e8 03 00 00 b0 04 2c 01 00 00 3c 00 00"
	 " 0b 41 4c 04 01 01 b1 04 33 01 f4 01 3d 64 00"
	 " 0c 42 b0 04 02 02 b2 04 3a 01 e8 03 3e c8 00"},
	{14, 18,
	 "0e 00 00 f1 53 65 04 12 03"
	 " 0a 40 e8 03 00 00 b0 04 2c 01 00 00 3c 00 00 00 5f 05"
	 " 0b 41 4c 04 01 01 b1 04 33 01 f4 01 3d 64 00 01 60 06"
	 " 0c 42 b0 04 02 02 b2 04 3a 01 e8 03 3e c8 00 02 61 07"},
};

/* golden: activity session v3, §7.3 (FW activity_private.h ActivitySessionDataLoggingRecord):
 * version 3, size 26, walk (5), utc_to_local +3600, start T0, 1800 s, 2500 steps, 120 active
 * kcal, 40 resting kcal, 1900 m */
static const gchar walk_session[] = "0300 1a00 0500 100e0000 00f15365 08070000 c409 7800 2800 6c07";
/* golden: sleep session, type 1, utc_to_local -18000, start T0, 8 h; step data zero */
static const gchar sleep_session[] =
	"0300 1a00 0100 b0b9ffff 00f15365 80700000 0000 0000 0000 0000";
/* golden: legacy sleep, §7.4 (FW ActivityLegacySleepSessionDataLoggingRecord; GB
 * DatalogSessionHealthSleep.java): version 1, utc_to_local +7200, start 1600000000,
 * end 1600028800, 5400 s restful */
static const gchar legacy_sleep[] = "0100 201c0000 00105e5f 80805e5f 18150000";

/*
 * golden: a tag-85 item built by hand, byte by byte (§7.5; field numbers checked against
 * google/pebble src/idl/nanopb/payload.proto, measurements.proto, common.proto; the whole
 * Payload was cross-checked with `protoc --decode=...Payload` on a schema written from those
 * files and with `protoc --decode_raw`). msg_size 0x004e = 78, then:
 *   12 0d                Payload.sender (2, LEN) 13 bytes: Tier
 *     0a 05 "watch"        Tier.type (1, LEN)
 *     12 04 "Q123"         Tier.id (2, LEN)
 *   18 e4 e2 cf aa 06    Payload.send_time_utc (3, VARINT) = 1700000100
 *   62 37                Payload.measurement_sets (12, LEN) 55 bytes: MeasurementSet
 *     0a 10 00..0f         uuid (1, LEN) 16 bytes
 *     18 80 e2 cf aa 06    time_utc (3, VARINT) = 1700000000
 *     20 a0 38             utc_to_local (4, sint32 VARINT) zigzag 7200 = +3600
 *     38 07                types (7, VARINT, unpacked as the firmware writes it) = BPM
 *     38 0c                types (7) = HRQuality
 *     42 06 08 00 12 02 48 06   measurements (8, LEN): offset_sec (1) 0, data (2, packed) 72, 6
 *     42 06 08 3c 12 02 4b 05   offset 60: 75 bpm, quality 5 (Acceptable)
 *     42 06 08 78 12 02 50 07   offset 120: 80 bpm, quality 7 (Excellent)
 * then zero padding to 300 bytes (FW prv_dls_transport()).
 */
static const gchar hr_item_payload[] = "4e 00"
				       "12 0d 0a 05 77 61 74 63 68 12 04 51 31 32 33"
				       "18 e4 e2 cf aa 06"
				       "62 37"
				       "  0a 10 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"
				       "  18 80 e2 cf aa 06"
				       "  20 a0 38"
				       "  38 07 38 0c"
				       "  42 06 08 00 12 02 48 06"
				       "  42 06 08 3c 12 02 4b 05"
				       "  42 06 08 78 12 02 50 07";

/* What our encoder writes for the same samples: identical but for the all-zero set uuid. */
static const gchar hr_item_encoded[] = "4e 00"
				       "12 0d 0a 05 77 61 74 63 68 12 04 51 31 32 33"
				       "18 e4 e2 cf aa 06"
				       "62 37"
				       "  0a 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
				       "  18 80 e2 cf aa 06"
				       "  20 a0 38"
				       "  38 07 38 0c"
				       "  42 06 08 00 12 02 48 06"
				       "  42 06 08 3c 12 02 4b 05"
				       "  42 06 08 78 12 02 50 07";

static GByteArray *
hex_padded(const gchar *hex, guint size)
{
	GByteArray *b = wb_test_hex(hex);
	guint n = b->len;

	g_assert_cmpuint(n, <=, size);
	g_byte_array_set_size(b, size);
	memset(b->data + n, 0, size - n);
	return b;
}

/* ---- minute records ---- */

static void
assert_v13_sample(const WbHealthMinuteSample *s, guint i, WbHealthMinuteFields f)
{
	g_assert_cmpuint(s->steps, ==, 10 + i);
	g_assert_cmpuint(s->orientation, ==, 0x40 + i);
	g_assert_cmpuint(s->vmc, ==, 1000 + 100 * i);
	g_assert_cmpuint(s->light, ==, i);
	g_assert_cmpuint(s->flags, ==, (f & WB_HEALTH_MINUTE_HAS_FLAGS) ? i % 4 : 0);
	if (f & WB_HEALTH_MINUTE_HAS_CALORIES_DISTANCE) {
		g_assert_cmpuint(s->resting_calories, ==, 1200 + i);
		g_assert_cmpuint(s->active_calories, ==, 300 + 7 * i);
		g_assert_cmpuint(s->distance_cm, ==, 500 * i);
	} else {
		g_assert_cmpuint(s->resting_calories, ==, 0);
		g_assert_cmpuint(s->active_calories, ==, 0);
		g_assert_cmpuint(s->distance_cm, ==, 0);
	}
	g_assert_cmpuint(s->heart_rate_bpm, ==, (f & WB_HEALTH_MINUTE_HAS_HEART_RATE) ? 60 + i : 0);
	g_assert_cmpuint(s->heart_rate_weight_x100, ==,
			 (f & WB_HEALTH_MINUTE_HAS_HR_WEIGHT) ? 100 * i : 0);
	g_assert_cmpuint(s->heart_rate_zone, ==, (f & WB_HEALTH_MINUTE_HAS_HR_ZONE) ? i % 4 : 0);
	g_assert_cmpuint(s->spo2_percent, ==, (f & WB_HEALTH_MINUTE_HAS_SPO2) ? 95 + i % 5 : 0);
	g_assert_cmpuint(s->spo2_quality, ==, (f & WB_HEALTH_MINUTE_HAS_SPO2) ? 5 + i % 3 : 0);
}

static void
assert_minute_samples_equal(const WbHealthMinuteSample *a, const WbHealthMinuteSample *b)
{
	g_assert_cmpuint(a->steps, ==, b->steps);
	g_assert_cmpuint(a->orientation, ==, b->orientation);
	g_assert_cmpuint(a->vmc, ==, b->vmc);
	g_assert_cmpuint(a->light, ==, b->light);
	g_assert_cmpuint(a->flags, ==, b->flags);
	g_assert_cmpuint(a->resting_calories, ==, b->resting_calories);
	g_assert_cmpuint(a->active_calories, ==, b->active_calories);
	g_assert_cmpuint(a->distance_cm, ==, b->distance_cm);
	g_assert_cmpuint(a->heart_rate_bpm, ==, b->heart_rate_bpm);
	g_assert_cmpuint(a->heart_rate_weight_x100, ==, b->heart_rate_weight_x100);
	g_assert_cmpuint(a->heart_rate_zone, ==, b->heart_rate_zone);
	g_assert_cmpuint(a->spo2_percent, ==, b->spo2_percent);
	g_assert_cmpuint(a->spo2_quality, ==, b->spo2_quality);
}

static void
test_health_minute_v13(void)
{
	g_autoptr(GByteArray) b = wb_test_hex(v13_record);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbHealthMinuteRecord) rec = {0};
	g_autoptr(GError) error = NULL;

	g_assert_cmpuint(b->len, ==, WB_HEALTH_MINUTE_V13_ITEM_SIZE);
	g_assert_true(wb_health_minute_record_decode(b->data, b->len, &rec, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(rec.version, ==, 13);
	g_assert_cmpuint(rec.time_utc, ==, T0);
	g_assert_cmpint(rec.local_offset_15min, ==, 4);
	g_assert_cmpuint(rec.sample_size, ==, 16);
	g_assert_cmpuint(rec.num_samples, ==, WB_HEALTH_MINUTES_PER_RECORD);
	for (guint i = 0; i < rec.num_samples; i++)
		assert_v13_sample(&rec.samples[i], i, wb_health_minute_fields(13));
	g_assert_cmpint(wb_health_minute_record_sample_time(&rec, 0), ==, T0);
	g_assert_cmpint(wb_health_minute_record_sample_time(&rec, 14), ==, T0 + 14 * 60);

	g_assert_true(
		wb_health_minute_record_encode(&rec, WB_HEALTH_MINUTE_V13_ITEM_SIZE, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, v13_record);
}

static void
test_health_minute_old_versions(void)
{
	for (gsize k = 0; k < G_N_ELEMENTS(old_records); k++) {
		g_autoptr(GByteArray) b = wb_test_hex(old_records[k].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_auto(WbHealthMinuteRecord) rec = {0};
		g_autoptr(GError) error = NULL;
		WbHealthMinuteFields f = wb_health_minute_fields(old_records[k].version);

		g_assert_cmpuint(wb_health_minute_sample_size_min(old_records[k].version), ==,
				 old_records[k].sample_size);
		g_assert_cmpuint(b->len, ==, 9 + 3 * old_records[k].sample_size);
		g_assert_true(wb_health_minute_record_decode(b->data, b->len, &rec, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(rec.version, ==, old_records[k].version);
		g_assert_cmpuint(rec.sample_size, ==, old_records[k].sample_size);
		g_assert_cmpuint(rec.num_samples, ==, 3);
		for (guint i = 0; i < 3; i++)
			assert_v13_sample(&rec.samples[i], i, f);
		g_assert_true(wb_health_minute_record_encode(&rec, (guint16)b->len, out, &error));
		g_assert_cmpmem(out->data, out->len, b->data, b->len);
	}
}

static void
test_health_minute_fields_table(void)
{
	g_assert_cmpuint(wb_health_minute_fields(4), ==, 0);
	g_assert_cmpuint(wb_health_minute_fields(5), ==, WB_HEALTH_MINUTE_HAS_FLAGS);
	g_assert_cmpuint(wb_health_minute_fields(6), ==,
			 WB_HEALTH_MINUTE_HAS_FLAGS | WB_HEALTH_MINUTE_HAS_CALORIES_DISTANCE);
	g_assert_true(wb_health_minute_fields(7) & WB_HEALTH_MINUTE_HAS_HEART_RATE);
	g_assert_false(wb_health_minute_fields(7) & WB_HEALTH_MINUTE_HAS_HR_WEIGHT);
	g_assert_true(wb_health_minute_fields(12) & WB_HEALTH_MINUTE_HAS_HR_WEIGHT);
	g_assert_false(wb_health_minute_fields(12) & WB_HEALTH_MINUTE_HAS_HR_ZONE);
	g_assert_true(wb_health_minute_fields(13) & WB_HEALTH_MINUTE_HAS_HR_ZONE);
	g_assert_false(wb_health_minute_fields(13) & WB_HEALTH_MINUTE_HAS_SPO2);
	g_assert_true(wb_health_minute_fields(14) & WB_HEALTH_MINUTE_HAS_SPO2);
	/* GB accepts an 8 that no firmware ever logged; we know no layout for it */
	for (guint v = 0; v < 20; v++) {
		gboolean known =
			v == 4 || v == 5 || v == 6 || v == 7 || v == 12 || v == 13 || v == 14;
		g_assert_cmpuint(wb_health_minute_sample_size_min((guint16)v) != 0, ==, known);
	}
	g_assert_cmpuint(wb_health_minute_sample_size_min(0xffff), ==, 0);
	g_assert_cmpuint(wb_health_minute_fields(8), ==, 0);
}

/* A sample_size above the version's minimum: each sample is read at i × sample_size and only the
 * version's fields are taken (§7.2 "parse by the record's own sample_size"). */
static void
test_health_minute_large_samples(void)
{
	g_autoptr(GByteArray) b = wb_test_hex(v13_record);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbHealthMinuteRecord) rec = {0};
	g_auto(WbHealthMinuteRecord) again = {0};
	g_autoptr(GError) error = NULL;

	b->data[0] = 5; /* a v5 header over 16-byte samples */
	g_assert_true(wb_health_minute_record_decode(b->data, b->len, &rec, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(rec.sample_size, ==, 16);
	for (guint i = 0; i < rec.num_samples; i++)
		assert_v13_sample(&rec.samples[i], i, wb_health_minute_fields(5));

	/* re-encoding zero-fills the bytes v5 does not define */
	g_assert_true(wb_health_minute_record_encode(&rec, 249, out, &error));
	g_assert_cmpuint(out->len, ==, 249);
	wb_assert_hex(out->data, 25,
		      "05 00 00 f1 53 65 04 10 0f 0a 40 e8 03 00 00 00 00 00 00 00 00 00 00 00 00");
	g_assert_true(wb_health_minute_record_decode(out->data, out->len, &again, &error));
	for (guint i = 0; i < again.num_samples; i++)
		assert_v13_sample(&again.samples[i], i, wb_health_minute_fields(5));
}

/* A record flushed early (HealthSync) has fewer samples; the rest of the item is padding. */
static void
test_health_minute_partial(void)
{
	g_autoptr(GByteArray) b = wb_test_hex("0d 00 00 f1 53 65 fc 10 02"
					      "0a 40 e8 03 00 00 b0 04 2c 01 00 00 3c 00 00 00"
					      "0b 41 4c 04 01 01 b1 04 33 01 f4 01 3d 64 00 01");
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbHealthMinuteRecord) rec = {0};
	g_autoptr(GError) error = NULL;
	guint n = b->len;

	g_byte_array_set_size(b, 249);
	memset(b->data + n, 0xee, 249 - n); /* whatever follows is not read */
	g_assert_true(wb_health_minute_record_decode(b->data, b->len, &rec, &error));
	g_assert_no_error(error);
	g_assert_cmpint(rec.local_offset_15min, ==, -4);
	g_assert_cmpuint(rec.num_samples, ==, 2);
	assert_v13_sample(&rec.samples[1], 1, wb_health_minute_fields(13));
	g_assert_true(wb_health_minute_record_encode(&rec, 249, out, &error));
	g_assert_cmpuint(out->len, ==, 249);
	g_assert_cmpmem(out->data, n, b->data, n);
	for (guint i = n; i < 249; i++)
		g_assert_cmpuint(out->data[i], ==, 0);
}

static void
minute_decode_fails(const GByteArray *b, WbProtoError code)
{
	g_autoptr(GError) error = NULL;
	WbHealthMinuteRecord rec;

	memset(&rec, 0x5a, sizeof(rec));
	g_assert_false(wb_health_minute_record_decode(b->data, b->len, &rec, &error));
	g_assert_error(error, WB_PROTO_ERROR, (gint)code);
	g_assert_null(rec.samples);
	g_assert_cmpuint(rec.num_samples, ==, 0);
}

static void
test_health_minute_rejects(void)
{
	static const guint16 bad_versions[] = {0, 1, 2, 3, 8, 9, 11, 15, 20, 0x0d00, 0xffff};
	g_autoptr(GByteArray) b = wb_test_hex(v13_record);

	for (gsize i = 0; i < G_N_ELEMENTS(bad_versions); i++) {
		g_autoptr(GByteArray) c = g_byte_array_new();

		g_byte_array_append(c, b->data, b->len);
		c->data[0] = (guint8)bad_versions[i];
		c->data[1] = (guint8)(bad_versions[i] >> 8);
		minute_decode_fails(c, WB_PROTO_ERROR_BAD_VALUE);
	}

	/* sample_size below the version's minimum */
	b->data[7] = 15;
	minute_decode_fails(b, WB_PROTO_ERROR_BAD_VALUE);
	b->data[7] = 0;
	minute_decode_fails(b, WB_PROTO_ERROR_BAD_VALUE);
	b->data[7] = 16;

	/* 16 samples of 16 bytes + 9 do not fit in 249 */
	b->data[8] = 16;
	minute_decode_fails(b, WB_PROTO_ERROR_TRUNCATED);
	b->data[8] = 15;
	/* 15 samples of 17 bytes neither */
	b->data[7] = 17;
	minute_decode_fails(b, WB_PROTO_ERROR_TRUNCATED);
}

static void
test_health_minute_truncations(void)
{
	g_autoptr(GByteArray) b = wb_test_hex(v13_record);

	for (gsize n = 0; n < b->len; n++) {
		g_autofree guint8 *copy = g_memdup2(b->data, n);
		g_autoptr(GByteArray) c = g_byte_array_new();

		g_byte_array_append(c, copy, n);
		minute_decode_fails(c, WB_PROTO_ERROR_TRUNCATED);
	}
	for (gsize k = 0; k < G_N_ELEMENTS(old_records); k++) {
		g_autoptr(GByteArray) o = wb_test_hex(old_records[k].hex);

		for (gsize n = 0; n < o->len; n++) {
			g_autoptr(GByteArray) c = g_byte_array_new();

			g_byte_array_append(c, o->data, n);
			minute_decode_fails(c, WB_PROTO_ERROR_TRUNCATED);
		}
	}
}

static void
test_health_minute_encode_errors(void)
{
	WbHealthMinuteSample samples[15] = {0};
	WbHealthMinuteRecord rec = {
		.version = 13, .sample_size = 16, .num_samples = 15, .samples = samples};
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;

	g_assert_false(wb_health_minute_record_encode(&rec, 248, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	g_clear_error(&error);
	rec.version = 8;
	g_assert_false(wb_health_minute_record_encode(&rec, 249, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	rec.version = 13;
	rec.sample_size = 15;
	g_assert_false(wb_health_minute_record_encode(&rec, 249, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	rec.sample_size = 16;
	rec.samples = NULL;
	g_assert_false(wb_health_minute_record_encode(&rec, 249, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "aa");
}

static void
test_health_minute_round_trip(void)
{
	static const guint16 versions[] = {4, 5, 6, 7, 12, 13, 14};
	guint64 seed = 3;

	for (guint round = 0; round < 500; round++) {
		WbHealthMinuteSample samples[WB_HEALTH_MINUTES_PER_RECORD] = {0};
		WbHealthMinuteRecord rec = {0};
		g_auto(WbHealthMinuteRecord) back = {0};
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		WbHealthMinuteFields f;
		guint min;
		guint16 item;

		rec.version = versions[wb_test_rand_next(&seed) % G_N_ELEMENTS(versions)];
		min = wb_health_minute_sample_size_min(rec.version);
		f = wb_health_minute_fields(rec.version);
		rec.sample_size = (guint8)(min + wb_test_rand_next(&seed) % 4);
		rec.num_samples = (guint8)(wb_test_rand_next(&seed) % 16);
		rec.time_utc = wb_test_rand_next(&seed);
		rec.local_offset_15min = (gint8)wb_test_rand_next(&seed);
		rec.samples = samples;
		for (guint i = 0; i < rec.num_samples; i++) {
			WbHealthMinuteSample *s = &samples[i];

			s->steps = (guint8)wb_test_rand_next(&seed);
			s->orientation = (guint8)wb_test_rand_next(&seed);
			s->vmc = (guint16)wb_test_rand_next(&seed);
			s->light = (guint8)wb_test_rand_next(&seed);
			if (f & WB_HEALTH_MINUTE_HAS_FLAGS)
				s->flags = (guint8)wb_test_rand_next(&seed);
			if (f & WB_HEALTH_MINUTE_HAS_CALORIES_DISTANCE) {
				s->resting_calories = (guint16)wb_test_rand_next(&seed);
				s->active_calories = (guint16)wb_test_rand_next(&seed);
				s->distance_cm = (guint16)wb_test_rand_next(&seed);
			}
			if (f & WB_HEALTH_MINUTE_HAS_HEART_RATE)
				s->heart_rate_bpm = (guint8)wb_test_rand_next(&seed);
			if (f & WB_HEALTH_MINUTE_HAS_HR_WEIGHT)
				s->heart_rate_weight_x100 = (guint16)wb_test_rand_next(&seed);
			if (f & WB_HEALTH_MINUTE_HAS_HR_ZONE)
				s->heart_rate_zone = (guint8)wb_test_rand_next(&seed);
			if (f & WB_HEALTH_MINUTE_HAS_SPO2) {
				s->spo2_percent = (guint8)wb_test_rand_next(&seed);
				s->spo2_quality = (guint8)wb_test_rand_next(&seed);
			}
		}
		item = (guint16)(9 + 15 * rec.sample_size + wb_test_rand_next(&seed) % 3);
		g_assert_true(wb_health_minute_record_encode(&rec, item, out, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(out->len, ==, item);
		g_assert_true(wb_health_minute_record_decode(out->data, out->len, &back, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(back.version, ==, rec.version);
		g_assert_cmpuint(back.time_utc, ==, rec.time_utc);
		g_assert_cmpint(back.local_offset_15min, ==, rec.local_offset_15min);
		g_assert_cmpuint(back.sample_size, ==, rec.sample_size);
		g_assert_cmpuint(back.num_samples, ==, rec.num_samples);
		for (guint i = 0; i < rec.num_samples; i++)
			assert_minute_samples_equal(&back.samples[i], &samples[i]);
		if (rec.num_samples == 0)
			g_assert_null(back.samples);
	}
}

/* ---- activity sessions and legacy sleep ---- */

static void
test_health_session_walk(void)
{
	g_autoptr(GByteArray) b = wb_test_hex(walk_session);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbHealthActivitySession s;

	g_assert_cmpuint(b->len, ==, WB_HEALTH_ACTIVITY_SESSION_LEN);
	g_assert_true(wb_health_activity_session_decode(b->data, b->len, &s, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(s.version, ==, 3);
	g_assert_cmpint(s.type, ==, WB_HEALTH_ACTIVITY_WALK);
	g_assert_cmpint(s.utc_to_local, ==, 3600);
	g_assert_cmpuint(s.start_utc, ==, T0);
	g_assert_cmpuint(s.elapsed_sec, ==, 1800);
	g_assert_cmpuint(s.steps, ==, 2500);
	g_assert_cmpuint(s.active_kcal, ==, 120);
	g_assert_cmpuint(s.resting_kcal, ==, 40);
	g_assert_cmpuint(s.distance_m, ==, 1900);
	g_assert_false(wb_health_activity_type_is_sleep(s.type));
	g_assert_true(wb_health_activity_session_encode(&s, 26, out, &error));
	wb_assert_hex(out->data, out->len, walk_session);
}

static void
test_health_session_sleep(void)
{
	g_autoptr(GByteArray) b = wb_test_hex(sleep_session);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbHealthActivitySession s;

	g_assert_true(wb_health_activity_session_decode(b->data, b->len, &s, &error));
	g_assert_no_error(error);
	g_assert_cmpint(s.type, ==, WB_HEALTH_ACTIVITY_SLEEP);
	g_assert_cmpint(s.utc_to_local, ==, -18000);
	g_assert_cmpuint(s.elapsed_sec, ==, 8 * 3600);
	g_assert_cmpuint(s.steps, ==, 0);
	g_assert_true(wb_health_activity_type_is_sleep(s.type));
	g_assert_true(wb_health_activity_session_encode(&s, 26, out, &error));
	wb_assert_hex(out->data, out->len, sleep_session);
}

static void
test_health_session_types(void)
{
	static const gchar *names[] = {"none",        "sleep", "restful-sleep", "nap",
				       "restful-nap", "walk",  "run",           "open-workout"};

	for (guint t = 0; t < G_N_ELEMENTS(names); t++) {
		g_autoptr(GByteArray) b = wb_test_hex(walk_session);
		g_autoptr(GError) error = NULL;
		WbHealthActivitySession s;

		b->data[4] = (guint8)t;
		g_assert_true(wb_health_activity_session_decode(b->data, b->len, &s, &error));
		g_assert_cmpint(s.type, ==, t);
		g_assert_cmpstr(wb_health_activity_type_to_string(s.type), ==, names[t]);
		g_assert_cmpint(wb_health_activity_type_is_sleep(s.type), ==, t >= 1 && t <= 4);
	}
	g_assert_cmpstr(wb_health_activity_type_to_string((WbHealthActivityType)8), ==, "unknown");
}

/* Version 1 ends after elapsed_sec; a later odd version may append fields (bit 0 contract). */
static void
test_health_session_versions(void)
{
	g_autoptr(GByteArray) v1 = wb_test_hex("0100 1200 0200 00000000 00f15365 100e0000");
	g_autoptr(GByteArray) v5 = wb_test_hex(walk_session);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbHealthActivitySession s;

	g_assert_true(wb_health_activity_session_decode(v1->data, v1->len, &s, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(s.version, ==, 1);
	g_assert_cmpint(s.type, ==, WB_HEALTH_ACTIVITY_RESTFUL_SLEEP);
	g_assert_cmpuint(s.elapsed_sec, ==, 3600);
	g_assert_true(wb_health_activity_session_encode(&s, 18, out, &error));
	g_assert_cmpmem(out->data, out->len, v1->data, v1->len);

	/* version 5, 30 bytes (size field 30): the 4 appended bytes are ignored */
	v5->data[0] = 5;
	v5->data[2] = 30;
	g_byte_array_append(v5, (const guint8 *)"\x01\x02\x03\x04", 4);
	g_assert_true(wb_health_activity_session_decode(v5->data, v5->len, &s, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(s.version, ==, 5);
	g_assert_cmpuint(s.distance_m, ==, 1900);
	g_byte_array_set_size(out, 0);
	g_assert_true(wb_health_activity_session_encode(&s, 30, out, &error));
	g_assert_cmpmem(out->data, 26, v5->data, 26);
	wb_assert_hex(out->data + 26, 4, "00000000");
}

static void
session_decode_fails(const GByteArray *b, WbProtoError code)
{
	g_autoptr(GError) error = NULL;
	WbHealthActivitySession s;

	memset(&s, 0x5a, sizeof(s));
	g_assert_false(wb_health_activity_session_decode(b->data, b->len, &s, &error));
	g_assert_error(error, WB_PROTO_ERROR, (gint)code);
	g_assert_cmpuint(s.version, ==, 0);
	g_assert_cmpuint(s.start_utc, ==, 0);
}

static void
test_health_session_rejects(void)
{
	g_autoptr(GByteArray) b = wb_test_hex(walk_session);
	g_autoptr(GByteArray) longer = wb_test_hex(walk_session);
	g_autoptr(GByteArray) v1_short = wb_test_hex("0300 1200 0200 00000000 00f15365 100e0000");

	for (gsize n = 0; n < b->len; n++) {
		g_autoptr(GByteArray) c = g_byte_array_new();

		g_byte_array_append(c, b->data, n);
		session_decode_fails(c, WB_PROTO_ERROR_TRUNCATED);
	}
	/* a v3 record cut to the v1 size, with a matching size field */
	session_decode_fails(v1_short, WB_PROTO_ERROR_TRUNCATED);

	/* bit 0 clear: the firmware's "do not parse" signal */
	b->data[0] = 2;
	session_decode_fails(b, WB_PROTO_ERROR_BAD_VALUE);
	b->data[0] = 0;
	session_decode_fails(b, WB_PROTO_ERROR_BAD_VALUE);
	b->data[0] = 3;
	/* activity type outside 0..7 */
	b->data[4] = 8;
	session_decode_fails(b, WB_PROTO_ERROR_BAD_VALUE);
	b->data[4] = 5;
	b->data[5] = 1;
	session_decode_fails(b, WB_PROTO_ERROR_BAD_VALUE);
	b->data[5] = 0;
	/* size field disagrees with the item */
	b->data[2] = 25;
	session_decode_fails(b, WB_PROTO_ERROR_BAD_VALUE);
	g_byte_array_append(longer, (const guint8 *)"\x00", 1);
	session_decode_fails(longer, WB_PROTO_ERROR_BAD_VALUE);
}

static void
test_health_session_encode_errors(void)
{
	WbHealthActivitySession s = {.version = 3, .type = WB_HEALTH_ACTIVITY_RUN};
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;

	g_assert_false(wb_health_activity_session_encode(&s, 25, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	s.version = 2;
	g_assert_false(wb_health_activity_session_encode(&s, 26, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	s.version = 3;
	s.type = (WbHealthActivityType)9;
	g_assert_false(wb_health_activity_session_encode(&s, 26, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "aa");
}

static void
test_health_legacy_sleep(void)
{
	g_autoptr(GByteArray) b = wb_test_hex(legacy_sleep);
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;
	WbHealthLegacySleep s;

	g_assert_cmpuint(b->len, ==, WB_HEALTH_LEGACY_SLEEP_LEN);
	g_assert_true(wb_health_legacy_sleep_decode(b->data, b->len, &s, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(s.version, ==, 1);
	g_assert_cmpint(s.utc_to_local, ==, 7200);
	g_assert_cmpuint(s.start_utc, ==, 1600000000u);
	g_assert_cmpuint(s.end_utc, ==, 1600028800u);
	g_assert_cmpuint(s.restful_secs, ==, 5400);
	g_assert_true(wb_health_legacy_sleep_encode(&s, 18, out, &error));
	g_assert_cmpmem(out->data + 1, out->len - 1, b->data, b->len);

	/* appended bytes of a later version are ignored */
	g_byte_array_append(b, (const guint8 *)"\xff\xff", 2);
	g_assert_true(wb_health_legacy_sleep_decode(b->data, b->len, &s, &error));
	g_assert_cmpuint(s.restful_secs, ==, 5400);

	for (gsize n = 0; n < WB_HEALTH_LEGACY_SLEEP_LEN; n++) {
		g_autoptr(GError) e = NULL;
		WbHealthLegacySleep t;

		memset(&t, 0x5a, sizeof(t));
		g_assert_false(wb_health_legacy_sleep_decode(b->data, n, &t, &e));
		g_assert_error(e, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		g_assert_cmpuint(t.version, ==, 0);
	}

	b->data[0] = 2;
	g_assert_false(wb_health_legacy_sleep_decode(b->data, b->len, &s, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);

	/* encoder errors leave the output alone */
	g_byte_array_set_size(out, 1);
	s.version = 1;
	g_assert_false(wb_health_legacy_sleep_encode(&s, 17, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	s.version = 4;
	g_assert_false(wb_health_legacy_sleep_encode(&s, 18, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "aa");
}

/* ---- protobuf reader / writer ---- */

static void
pb_varint_ok(const gchar *hex, guint64 want)
{
	g_autoptr(GByteArray) b = wb_test_hex(hex);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbHealthPbReader r;
	guint64 v = 0;

	wb_health_pb_reader_init(&r, b->data, b->len);
	g_assert_true(wb_health_pb_read_varint(&r, &v, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(v, ==, want);
	g_assert_true(wb_health_pb_reader_at_end(&r));
	wb_health_pb_put_varint(out, want);
	wb_assert_hex(out->data, out->len, hex);
}

static void
pb_varint_fails(const gchar *hex, WbProtoError code)
{
	g_autoptr(GByteArray) b = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;
	WbHealthPbReader r;
	guint64 v = 12345;

	wb_health_pb_reader_init(&r, b->data, b->len);
	g_assert_false(wb_health_pb_read_varint(&r, &v, &error));
	g_assert_error(error, WB_PROTO_ERROR, (gint)code);
	g_assert_cmpuint(v, ==, 12345);
	g_assert_cmpuint(r.pos, <=, r.len);
}

static void
test_health_pb_varint(void)
{
	pb_varint_ok("00", 0);
	pb_varint_ok("01", 1);
	pb_varint_ok("7f", 127);
	pb_varint_ok("80 01", 128);
	pb_varint_ok("ac 02", 300);
	pb_varint_ok("80 e2 cf aa 06", 1700000000);
	pb_varint_ok("ff ff ff ff 0f", G_MAXUINT32);
	pb_varint_ok("ff ff ff ff ff ff ff ff ff 01", G_MAXUINT64);

	pb_varint_fails("", WB_PROTO_ERROR_TRUNCATED);
	pb_varint_fails("80", WB_PROTO_ERROR_TRUNCATED);
	pb_varint_fails("ff ff ff", WB_PROTO_ERROR_TRUNCATED);
	/* a 10th byte above 1 overflows 64 bits; an 11th byte is never allowed */
	pb_varint_fails("ff ff ff ff ff ff ff ff ff 02", WB_PROTO_ERROR_BAD_VALUE);
	pb_varint_fails("ff ff ff ff ff ff ff ff ff 81 00", WB_PROTO_ERROR_BAD_VALUE);
	pb_varint_fails("80 80 80 80 80 80 80 80 80 80 00", WB_PROTO_ERROR_BAD_VALUE);

	/* non-minimal encodings are legal protobuf */
	{
		g_autoptr(GByteArray) b = wb_test_hex("81 80 80 00");
		WbHealthPbReader r;
		guint64 v = 0;

		wb_health_pb_reader_init(&r, b->data, b->len);
		g_assert_true(wb_health_pb_read_varint(&r, &v, NULL));
		g_assert_cmpuint(v, ==, 1);
	}
}

static void
test_health_pb_zigzag(void)
{
	static const gint32 values[] = {0, -1, 1, -2, 2, 3600, -18000, G_MAXINT32, G_MININT32};
	static const guint32 encoded[] = {0, 1, 2, 3, 4, 7200, 35999, 0xfffffffeu, 0xffffffffu};

	for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
		g_assert_cmpuint(wb_health_pb_zigzag32_encode(values[i]), ==, encoded[i]);
		g_assert_cmpint(wb_health_pb_zigzag32_decode(encoded[i]), ==, values[i]);
	}
}

static void
test_health_pb_fields(void)
{
	/* one field of each wire type, then the writer reproduces the bytes */
	g_autoptr(GByteArray) b = wb_test_hex("08 96 01"                   /* 1 VARINT 150 */
					      "11 01 02 03 04 05 06 07 08" /* 2 I64 */
					      "1a 03 61 62 63"             /* 3 LEN "abc" */
					      "25 0a 0b 0c 0d"             /* 4 I32 */
					      "f8 ff ff ff 0f 00");        /* 2^29-1 VARINT 0 */
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbHealthPbReader r;
	WbHealthPbField f;

	wb_health_pb_reader_init(&r, b->data, b->len);
	g_assert_true(wb_health_pb_read_field(&r, &f, NULL));
	g_assert_cmpuint(f.number, ==, 1);
	g_assert_cmpint(f.wire_type, ==, WB_HEALTH_PB_VARINT);
	g_assert_cmpuint(f.value, ==, 150);
	wb_health_pb_put_varint_field(out, f.number, f.value);
	g_assert_true(wb_health_pb_read_field(&r, &f, NULL));
	g_assert_cmpint(f.wire_type, ==, WB_HEALTH_PB_I64);
	g_assert_cmphex(f.value, ==, 0x0807060504030201ull);
	wb_health_pb_put_i64_field(out, f.number, f.value);
	g_assert_true(wb_health_pb_read_field(&r, &f, NULL));
	g_assert_cmpint(f.wire_type, ==, WB_HEALTH_PB_LEN);
	g_assert_cmpmem(f.data, f.len, "abc", 3);
	wb_health_pb_put_len_field(out, f.number, f.data, f.len);
	g_assert_true(wb_health_pb_read_field(&r, &f, NULL));
	g_assert_cmpint(f.wire_type, ==, WB_HEALTH_PB_I32);
	g_assert_cmphex(f.value, ==, 0x0d0c0b0au);
	wb_health_pb_put_i32_field(out, f.number, (guint32)f.value);
	g_assert_true(wb_health_pb_read_field(&r, &f, NULL));
	g_assert_cmpuint(f.number, ==, (1u << 29) - 1);
	wb_health_pb_put_varint_field(out, f.number, f.value);
	g_assert_true(wb_health_pb_reader_at_end(&r));
	g_assert_cmpmem(out->data, out->len, b->data, b->len);
}

static void
pb_field_fails(const gchar *hex, WbProtoError code)
{
	g_autoptr(GByteArray) b = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;
	WbHealthPbReader r;
	WbHealthPbField f;

	wb_health_pb_reader_init(&r, b->data, b->len);
	g_assert_false(wb_health_pb_read_field(&r, &f, &error));
	g_assert_error(error, WB_PROTO_ERROR, (gint)code);
}

static void
test_health_pb_field_errors(void)
{
	pb_field_fails("", WB_PROTO_ERROR_TRUNCATED);
	pb_field_fails("08", WB_PROTO_ERROR_TRUNCATED);
	pb_field_fails("11 01 02 03 04 05 06 07", WB_PROTO_ERROR_TRUNCATED);
	pb_field_fails("25 01 02 03", WB_PROTO_ERROR_TRUNCATED);
	pb_field_fails("1a", WB_PROTO_ERROR_TRUNCATED);
	pb_field_fails("1a 04 61 62 63", WB_PROTO_ERROR_TRUNCATED);
	/* a length that would wrap around */
	pb_field_fails("1a ff ff ff ff ff ff ff ff ff 01", WB_PROTO_ERROR_TRUNCATED);
	/* field number 0, keys above 32 bits */
	pb_field_fails("00 00", WB_PROTO_ERROR_BAD_VALUE);
	pb_field_fails("02 00", WB_PROTO_ERROR_BAD_VALUE);
	pb_field_fails("80 80 80 80 10 00", WB_PROTO_ERROR_BAD_VALUE);
	/* groups (3, 4) and the undefined wire types 6, 7 */
	pb_field_fails("0b", WB_PROTO_ERROR_BAD_VALUE);
	pb_field_fails("0c", WB_PROTO_ERROR_BAD_VALUE);
	pb_field_fails("0e 00", WB_PROTO_ERROR_BAD_VALUE);
	pb_field_fails("0f 00", WB_PROTO_ERROR_BAD_VALUE);
}

/* ---- heart-rate protobuf log (tag 85) ---- */

static void
assert_hr_sample(const WbHealthHrLog *log, guint i, guint32 t, gint32 local, guint8 bpm,
		 WbHealthHrQuality q)
{
	const WbHealthHrSample *s = &g_array_index(log->samples, WbHealthHrSample, i);

	g_assert_cmpuint(s->time_utc, ==, t);
	g_assert_cmpint(s->utc_to_local, ==, local);
	g_assert_cmpuint(s->bpm, ==, bpm);
	g_assert_cmpint(s->quality, ==, q);
}

static void
test_health_hr_golden(void)
{
	g_autoptr(GByteArray) b = hex_padded(hr_item_payload, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE);
	g_autoptr(GByteArray) enc = hex_padded(hr_item_encoded, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbHealthHrLog) log = {0};
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_health_hr_log_decode(b->data, b->len, &log, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(log.send_time_utc, ==, T0 + 100);
	g_assert_cmpstr(log.sender_id, ==, "Q123");
	g_assert_cmpuint(log.samples->len, ==, 3);
	assert_hr_sample(&log, 0, T0, 3600, 72, WB_HEALTH_HR_QUALITY_GOOD);
	assert_hr_sample(&log, 1, T0 + 60, 3600, 75, WB_HEALTH_HR_QUALITY_ACCEPTABLE);
	assert_hr_sample(&log, 2, T0 + 120, 3600, 80, WB_HEALTH_HR_QUALITY_EXCELLENT);

	g_assert_true(wb_health_hr_log_encode(&log, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE, out, &error));
	g_assert_no_error(error);
	g_assert_cmpmem(out->data, out->len, enc->data, enc->len);
}

static void
test_health_hr_truncations(void)
{
	g_autoptr(GByteArray) b = hex_padded(hr_item_payload, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE);

	/* every item shorter than its msg_size */
	for (gsize n = 0; n < 2 + 78; n++) {
		g_autofree guint8 *copy = g_memdup2(b->data, n);
		g_autoptr(GError) error = NULL;
		WbHealthHrLog log;

		memset(&log, 0x5a, sizeof(log));
		g_assert_false(wb_health_hr_log_decode(copy, n, &log, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
		g_assert_null(log.samples);
		g_assert_null(log.sender_id);
	}
	/* every msg_size cutting the protobuf short: fails cleanly or stops at a field boundary */
	for (guint m = 0; m < 78; m++) {
		g_auto(WbHealthHrLog) log = {0};
		g_autoptr(GError) error = NULL;

		b->data[0] = (guint8)m;
		if (wb_health_hr_log_decode(b->data, b->len, &log, &error)) {
			g_assert_cmpuint(log.samples->len, <=, 3);
		} else {
			g_assert_true(error->domain == WB_PROTO_ERROR);
			g_assert_null(log.samples);
		}
	}
	/* msg_size beyond the item */
	{
		g_autoptr(GError) error = NULL;
		WbHealthHrLog log;

		b->data[0] = 0x2b; /* 299 > 300 - 2 */
		b->data[1] = 0x01;
		g_assert_true(wb_health_hr_log_decode(b->data, b->len, &log, &error) == FALSE);
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}
}

/* Decodes "<u16 len><payload>" built from @payload_hex. */
static gboolean
hr_decode_payload(const gchar *payload_hex, WbHealthHrLog *log, GError **error)
{
	g_autoptr(GByteArray) p = wb_test_hex(payload_hex);
	g_autoptr(GByteArray) item = g_byte_array_new();

	wb_put_u16_le(item, (guint16)p->len);
	g_byte_array_append(item, p->data, p->len);
	return wb_health_hr_log_decode(item->data, item->len, log, error);
}

static void
hr_payload_fails(const gchar *payload_hex, WbProtoError code)
{
	g_autoptr(GError) error = NULL;
	WbHealthHrLog log;

	memset(&log, 0x5a, sizeof(log));
	g_assert_false(hr_decode_payload(payload_hex, &log, &error));
	g_assert_error(error, WB_PROTO_ERROR, (gint)code);
	g_assert_null(log.samples);
	g_assert_null(log.sender_id);
}

/* A MeasurementSet "62 <len> <body>" with time_utc T0 and types BPM, HRQuality. */
#define MSET_HEAD "18 80 e2 cf aa 06 38 07 38 0c"

static void
test_health_hr_alternative_encodings(void)
{
	g_auto(WbHealthHrLog) a = {0};
	g_auto(WbHealthHrLog) b = {0};
	g_auto(WbHealthHrLog) c = {0};
	g_autoptr(GError) error = NULL;

	/* packed types, unpacked data, measurements before the types, no uuid/sender */
	g_assert_true(hr_decode_payload("62 14"
					"  42 06 08 05 10 41 10 02" /* offset 5: 65, 2 */
					"  18 80 e2 cf aa 06"       /* time_utc */
					"  3a 02 07 0c"             /* types packed */
					"  20 03",                  /* utc_to_local -2 */
					&a, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(a.samples->len, ==, 1);
	assert_hr_sample(&a, 0, T0 + 5, -2, 65, WB_HEALTH_HR_QUALITY_NO_SIGNAL);
	g_assert_null(a.sender_id);
	g_assert_cmpuint(a.send_time_utc, ==, 0);

	/* BPM only: quality unknown; unknown fields of every wire type skipped everywhere */
	g_assert_true(hr_decode_payload("79 01 02 03 04 05 06 07 08" /* 15 I64 */
					"7d 01 02 03 04"             /* 15 I32 */
					"5a 02 08 01"                /* events (11) */
					"62 19"
					"  18 80 e2 cf aa 06 38 07"
					"  48 90 e3 cf aa 06"           /* time_end_utc */
					"  2a 00"                       /* sensor_settings */
					"  42 07 08 01 12 01 3c 50 00", /* offset 1: 60; field 10 */
					&b, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(b.samples->len, ==, 1);
	assert_hr_sample(&b, 0, T0 + 1, 0, 60, WB_HEALTH_HR_QUALITY_UNKNOWN);

	/* a set without a BPM column (steps) carries no heart-rate samples */
	g_assert_true(
		hr_decode_payload("62 0e 18 80 e2 cf aa 06 38 03 42 04 08 00 10 07", &c, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(c.samples->len, ==, 0);

	/* 32 type columns are accepted (PB_MAX_TYPES; the firmware uses 2) */
	{
		g_auto(WbHealthHrLog) d = {0};

		g_assert_true(hr_decode_payload("62 22 3a 20"
						" 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07"
						" 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07",
						&d, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(d.samples->len, ==, 0);
	}
}

static void
test_health_hr_rejects(void)
{
	/* the measurement set as a varint */
	hr_payload_fails("60 01", WB_PROTO_ERROR_BAD_VALUE);
	/* sender as a varint; send_time_utc as LEN; events as a varint */
	hr_payload_fails("10 01", WB_PROTO_ERROR_BAD_VALUE);
	hr_payload_fails("1a 00", WB_PROTO_ERROR_BAD_VALUE);
	hr_payload_fails("58 00", WB_PROTO_ERROR_BAD_VALUE);
	/* send_time_utc above 32 bits */
	hr_payload_fails("18 80 80 80 80 10", WB_PROTO_ERROR_BAD_VALUE);
	/* a Tier id as a varint */
	hr_payload_fails("12 02 10 01", WB_PROTO_ERROR_BAD_VALUE);
	/* a group inside the set */
	hr_payload_fails("62 02 0b 0c", WB_PROTO_ERROR_BAD_VALUE);
	/* uuid of 15 bytes */
	hr_payload_fails("62 11 0a 0f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
			 WB_PROTO_ERROR_BAD_VALUE);
	/* one value for two types */
	hr_payload_fails("62 10 " MSET_HEAD " 42 04 08 00 10 48", WB_PROTO_ERROR_BAD_VALUE);
	/* three values for two types */
	hr_payload_fails("62 13 " MSET_HEAD " 42 07 08 00 12 03 48 06 01",
			 WB_PROTO_ERROR_BAD_VALUE);
	/* no offset_sec */
	hr_payload_fails("62 10 " MSET_HEAD " 42 04 12 02 48 06", WB_PROTO_ERROR_BAD_VALUE);
	/* no time_utc */
	hr_payload_fails("62 0c 38 07 38 0c 42 06 08 00 12 02 48 06", WB_PROTO_ERROR_BAD_VALUE);
	/* quality 8 */
	hr_payload_fails("62 12 " MSET_HEAD " 42 06 08 00 12 02 48 08", WB_PROTO_ERROR_BAD_VALUE);
	/* 300 bpm */
	hr_payload_fails("62 13 " MSET_HEAD " 42 07 08 00 12 03 ac 02 06",
			 WB_PROTO_ERROR_BAD_VALUE);
	/* time_utc + offset_sec past 2^32 */
	hr_payload_fails("62 16 " MSET_HEAD " 42 0a 08 ff ff ff ff 0f 12 02 48 06",
			 WB_PROTO_ERROR_BAD_VALUE);
	/* a packed data list with a truncated varint */
	hr_payload_fails("62 12 " MSET_HEAD " 42 06 08 00 12 02 48 86", WB_PROTO_ERROR_TRUNCATED);
	/* a measurement longer than its set */
	hr_payload_fails("62 0d " MSET_HEAD " 42 09 08", WB_PROTO_ERROR_TRUNCATED);
	/* utc_to_local above 32 bits */
	hr_payload_fails("62 06 20 80 80 80 80 10", WB_PROTO_ERROR_BAD_VALUE);
	/* more types than we track (32 is the limit, see the alternative-encodings test) */
	hr_payload_fails("62 23 3a 21"
			 " 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07"
			 " 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07 07",
			 WB_PROTO_ERROR_BAD_VALUE);
}

static void
hr_round_trip(const WbHealthHrSample *samples, guint n, guint16 item_size)
{
	g_auto(WbHealthHrLog) log = {0};
	g_auto(WbHealthHrLog) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	log.send_time_utc = 42;
	log.sender_id = g_strdup("serial");
	log.samples = g_array_new(FALSE, FALSE, sizeof(WbHealthHrSample));
	g_array_append_vals(log.samples, samples, n);
	g_assert_true(wb_health_hr_log_encode(&log, item_size, out, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(out->len, ==, item_size);
	g_assert_true(wb_health_hr_log_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(back.send_time_utc, ==, 42);
	g_assert_cmpstr(back.sender_id, ==, "serial");
	g_assert_cmpuint(back.samples->len, ==, n);
	for (guint i = 0; i < n; i++)
		assert_hr_sample(&back, i, samples[i].time_utc, samples[i].utc_to_local,
				 samples[i].bpm, samples[i].quality);
}

static void
test_health_hr_round_trip(void)
{
	/* time going backwards, a local offset change and a missing quality split the sets */
	static const WbHealthHrSample mixed[] = {
		{T0, 3600, 60, WB_HEALTH_HR_QUALITY_GOOD},
		{T0 + 600, 3600, 61, WB_HEALTH_HR_QUALITY_POOR},
		{T0 - 600, 3600, 62, WB_HEALTH_HR_QUALITY_WORST},
		{T0 + 1200, 7200, 63, WB_HEALTH_HR_QUALITY_OFF_WRIST},
		{T0 + 1800, 7200, 64, WB_HEALTH_HR_QUALITY_UNKNOWN},
		{T0 + 1800, 7200, 255, WB_HEALTH_HR_QUALITY_NO_ACCEL},
		{0, G_MININT32, 0, WB_HEALTH_HR_QUALITY_EXCELLENT},
		{G_MAXUINT32, G_MAXINT32, 1, WB_HEALTH_HR_QUALITY_ACCEPTABLE},
	};
	guint64 seed = 11;

	hr_round_trip(mixed, G_N_ELEMENTS(mixed), 1000);
	hr_round_trip(NULL, 0, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE);
	for (guint round = 0; round < 200; round++) {
		WbHealthHrSample s[20];
		guint n = wb_test_rand_next(&seed) % G_N_ELEMENTS(s);
		guint32 t = wb_test_rand_next(&seed) % 2000000000u;

		for (guint i = 0; i < n; i++) {
			guint q = wb_test_rand_next(&seed) % 9;

			t += wb_test_rand_next(&seed) % 300;
			s[i].time_utc = t;
			s[i].utc_to_local = (wb_test_rand_next(&seed) % 4 == 0) ? -3600 : 3600;
			s[i].bpm = (guint8)wb_test_rand_next(&seed);
			s[i].quality = q == 8 ? WB_HEALTH_HR_QUALITY_UNKNOWN : (WbHealthHrQuality)q;
		}
		hr_round_trip(s, n, 1000);
	}
}

static void
test_health_hr_encode_errors(void)
{
	static const WbHealthHrSample many[20] = {{T0, 0, 70, WB_HEALTH_HR_QUALITY_GOOD}};
	static const WbHealthHrSample bad[] = {{T0, 0, 70, (WbHealthHrQuality)9}};
	g_auto(WbHealthHrLog) log = {0};
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;

	log.samples = g_array_new(FALSE, FALSE, sizeof(WbHealthHrSample));
	g_array_append_vals(log.samples, many, G_N_ELEMENTS(many));
	g_assert_false(wb_health_hr_log_encode(&log, 100, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	g_assert_false(wb_health_hr_log_encode(&log, 1, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	g_array_set_size(log.samples, 0);
	g_array_append_vals(log.samples, bad, 1);
	g_assert_false(wb_health_hr_log_encode(&log, 300, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "aa");
}

/* ---- the SendData dispatcher ---- */

static void
test_health_items_minutes(void)
{
	g_autoptr(GByteArray) data = wb_test_hex(v13_record);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbHealthItems) items = {0};
	g_autoptr(GError) error = NULL;
	const WbHealthMinuteRecord *second;

	/* two records in one SendData, the second a minute later in time */
	g_autoptr(GByteArray) one = wb_test_hex(v13_record);

	g_byte_array_append(data, one->data, one->len);
	data->data[249 + 2] = 0x84; /* time_utc 0x6553f184 */
	g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_MINUTE_DATA, 249, data->data, data->len,
					    &items, &error));
	g_assert_no_error(error);
	g_assert_cmpint(items.tag, ==, WB_HEALTH_TAG_MINUTE_DATA);
	g_assert_null(items.hr_samples);
	g_assert_null(items.activity_sessions);
	g_assert_null(items.legacy_sleep);
	g_assert_cmpuint(items.minute_records->len, ==, 2);
	second = &g_array_index(items.minute_records, WbHealthMinuteRecord, 1);
	g_assert_cmphex(second->time_utc, ==, 0x6553f184u);
	assert_v13_sample(&second->samples[14], 14, wb_health_minute_fields(13));

	g_assert_true(wb_health_items_encode(&items, 249, out, &error));
	g_assert_cmpmem(out->data, out->len, data->data, data->len);
}

static void
test_health_items_sessions_and_sleep(void)
{
	g_autoptr(GByteArray) sessions = wb_test_hex(walk_session);
	g_autoptr(GByteArray) sleeps = wb_test_hex(legacy_sleep);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbHealthItems) a = {0};
	g_auto(WbHealthItems) b = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) sl = wb_test_hex(sleep_session);

	g_byte_array_append(sessions, sl->data, sl->len);
	g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_ACTIVITY_SESSION, 26, sessions->data,
					    sessions->len, &a, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(a.activity_sessions->len, ==, 2);
	g_assert_cmpint(g_array_index(a.activity_sessions, WbHealthActivitySession, 1).type, ==,
			WB_HEALTH_ACTIVITY_SLEEP);
	g_assert_true(wb_health_items_encode(&a, 26, out, &error));
	g_assert_cmpmem(out->data, out->len, sessions->data, sessions->len);

	g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_LEGACY_SLEEP, 18, sleeps->data,
					    sleeps->len, &b, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(b.legacy_sleep->len, ==, 1);
	g_byte_array_set_size(out, 0);
	g_assert_true(wb_health_items_encode(&b, 18, out, &error));
	g_assert_cmpmem(out->data, out->len, sleeps->data, sleeps->len);
}

static void
test_health_items_hr(void)
{
	g_autoptr(GByteArray) data = hex_padded(hr_item_payload, 300);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbHealthItems) items = {0};
	g_auto(WbHealthItems) back = {0};
	g_auto(WbHealthItems) many = {0};
	g_auto(WbHealthItems) many_back = {0};
	g_autoptr(GError) error = NULL;

	/* two items: their samples are concatenated */
	g_autoptr(GByteArray) one = hex_padded(hr_item_payload, 300);

	g_byte_array_append(data, one->data, one->len);
	g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_PROTOBUF_LOG, 300, data->data, data->len,
					    &items, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(items.hr_samples->len, ==, 6);
	g_assert_cmpuint(g_array_index(items.hr_samples, WbHealthHrSample, 5).bpm, ==, 80);

	/* six samples fit one item again */
	g_assert_true(wb_health_items_encode(&items, 300, out, &error));
	g_assert_cmpuint(out->len, ==, 300);
	g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_PROTOBUF_LOG, 300, out->data, out->len,
					    &back, &error));
	g_assert_cmpuint(back.hr_samples->len, ==, 6);

	/* 500 samples need several 300-byte items; order and values survive */
	many.tag = WB_HEALTH_TAG_PROTOBUF_LOG;
	many.hr_samples = g_array_new(FALSE, FALSE, sizeof(WbHealthHrSample));
	for (guint i = 0; i < 500; i++) {
		WbHealthHrSample s = {T0 + 10 * i, 0, (guint8)(50 + i % 100),
				      (WbHealthHrQuality)(i % 8)};
		g_array_append_val(many.hr_samples, s);
	}
	g_byte_array_set_size(out, 0);
	g_assert_true(wb_health_items_encode(&many, 300, out, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(out->len % 300, ==, 0);
	g_assert_cmpuint(out->len, >, 300 * 5);
	g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_PROTOBUF_LOG, 300, out->data, out->len,
					    &many_back, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(many_back.hr_samples->len, ==, 500);
	for (guint i = 0; i < 500; i++) {
		const WbHealthHrSample *s =
			&g_array_index(many_back.hr_samples, WbHealthHrSample, i);

		g_assert_cmpuint(s->time_utc, ==, T0 + 10 * i);
		g_assert_cmpuint(s->bpm, ==, 50 + i % 100);
		g_assert_cmpint(s->quality, ==, i % 8);
	}
}

static void
items_fail(guint32 tag, guint16 item_size, const GByteArray *data, WbProtoError code)
{
	g_autoptr(GError) error = NULL;
	WbHealthItems items;

	memset(&items, 0x5a, sizeof(items));
	g_assert_false(wb_health_parse_items(tag, item_size, data != NULL ? data->data : NULL,
					     data != NULL ? data->len : 0, &items, &error));
	g_assert_error(error, WB_PROTO_ERROR, (gint)code);
	g_assert_null(items.minute_records);
	g_assert_null(items.hr_samples);
	g_assert_null(items.activity_sessions);
	g_assert_null(items.legacy_sleep);
}

static void
test_health_items_rejects(void)
{
	static const guint32 other_tags[] = {0, 1, 77, 78, 79, 80, 82, 86, 87, 88, 0xffffffffu};
	g_autoptr(GByteArray) rec = wb_test_hex(v13_record);
	g_autoptr(GByteArray) two = wb_test_hex(v13_record);
	g_auto(WbHealthItems) none = {0};
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS(other_tags); i++)
		items_fail(other_tags[i], 249, rec, WB_PROTO_ERROR_UNKNOWN_TYPE);
	/* not whole items, no items, item size 0 */
	items_fail(WB_HEALTH_TAG_MINUTE_DATA, 248, rec, WB_PROTO_ERROR_BAD_VALUE);
	items_fail(WB_HEALTH_TAG_MINUTE_DATA, 249, NULL, WB_PROTO_ERROR_BAD_VALUE);
	items_fail(WB_HEALTH_TAG_MINUTE_DATA, 0, rec, WB_PROTO_ERROR_BAD_VALUE);
	/* one bad item fails the whole SendData (the service NACKs it) */
	g_byte_array_append(two, rec->data, rec->len);
	two->data[249] = 8;
	items_fail(WB_HEALTH_TAG_MINUTE_DATA, 249, two, WB_PROTO_ERROR_BAD_VALUE);
	/* an item size too small for the kind */
	items_fail(WB_HEALTH_TAG_MINUTE_DATA, 3, rec, WB_PROTO_ERROR_TRUNCATED);
	items_fail(WB_HEALTH_TAG_LEGACY_SLEEP, 3, rec, WB_PROTO_ERROR_TRUNCATED);
	items_fail(WB_HEALTH_TAG_ACTIVITY_SESSION, 3, rec, WB_PROTO_ERROR_TRUNCATED);
	items_fail(WB_HEALTH_TAG_PROTOBUF_LOG, 1, rec, WB_PROTO_ERROR_TRUNCATED);

	/* encoding: tags without records; a failing element leaves the output alone */
	none.tag = WB_HEALTH_TAG_ACCEL_SAMPLES;
	g_assert_false(wb_health_items_encode(&none, 249, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	g_clear_error(&error);
	{
		g_auto(WbHealthItems) items = {0};

		g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_MINUTE_DATA, 249, rec->data,
						    rec->len, &items, &error));
		g_array_index(items.minute_records, WbHealthMinuteRecord, 0).version = 8;
		g_assert_false(wb_health_items_encode(&items, 249, out, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	}
	wb_assert_hex(out->data, out->len, "aa");
}

/* ---- HealthSync ---- */

static void
test_health_sync(void)
{
	/* golden: §7.6, FW services/normal/health_sync_endpoint.c HealthSyncEndpointSyncMsg /
	 * HealthSyncEndpointAckMsg (packed, native little-endian) */
	static const struct {
		const gchar *hex;
		WbHealthSyncCommand command;
		guint32 seconds;
		gboolean ack;
	} cases[] = {
		{"01 10 0e 00 00", WB_HEALTH_SYNC_CMD_SYNC, 3600, FALSE},
		{"01 00 00 00 00", WB_HEALTH_SYNC_CMD_SYNC, 0, FALSE},
		{"11 01", WB_HEALTH_SYNC_CMD_ACK, 0, TRUE},
		{"11 02", WB_HEALTH_SYNC_CMD_ACK, 0, FALSE},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GByteArray) b = wb_test_hex(cases[i].hex);
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		WbHealthSyncMessage m;

		g_assert_true(wb_health_sync_decode(b->data, b->len, &m, &error));
		g_assert_no_error(error);
		g_assert_cmpint(m.command, ==, cases[i].command);
		g_assert_cmpuint(m.seconds_since_last_sync, ==, cases[i].seconds);
		g_assert_cmpint(m.ack, ==, cases[i].ack);
		g_assert_true(wb_health_sync_encode(&m, out, &error));
		wb_assert_hex(out->data, out->len, cases[i].hex);

		/* every prefix fails as truncated */
		for (gsize n = 0; n < b->len; n++) {
			g_autoptr(GError) e = NULL;

			g_assert_false(wb_health_sync_decode(b->data, n, &m, &e));
			g_assert_error(e, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
			g_assert_cmpint(m.command, ==, 0);
		}
		/* trailing bytes are ignored, as the firmware does */
		g_byte_array_append(b, (const guint8 *)"\x99", 1);
		g_assert_true(wb_health_sync_decode(b->data, b->len, &m, &error));
		g_assert_cmpint(m.command, ==, cases[i].command);
	}
}

static void
test_health_sync_rejects(void)
{
	static const gchar *unknown[] = {"00", "02 00 00 00 00", "10 01", "12 01", "81", "ff"};
	static const gchar *bad[] = {"11 00", "11 03", "11 ff"};
	WbHealthSyncMessage m = {.command = (WbHealthSyncCommand)0x42};
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS(unknown); i++) {
		g_autoptr(GByteArray) b = wb_test_hex(unknown[i]);
		g_autoptr(GError) e = NULL;
		WbHealthSyncMessage d;

		g_assert_false(wb_health_sync_decode(b->data, b->len, &d, &e));
		g_assert_error(e, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GByteArray) b = wb_test_hex(bad[i]);
		g_autoptr(GError) e = NULL;
		WbHealthSyncMessage d;

		g_assert_false(wb_health_sync_decode(b->data, b->len, &d, &e));
		g_assert_error(e, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	}
	g_assert_false(wb_health_sync_encode(&m, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
	wb_assert_hex(out->data, out->len, "aa");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/health/minute-v13", test_health_minute_v13);
	g_test_add_func("/wearbridge/health/minute-old-versions", test_health_minute_old_versions);
	g_test_add_func("/wearbridge/health/minute-fields-table", test_health_minute_fields_table);
	g_test_add_func("/wearbridge/health/minute-large-samples",
			test_health_minute_large_samples);
	g_test_add_func("/wearbridge/health/minute-partial", test_health_minute_partial);
	g_test_add_func("/wearbridge/health/minute-rejects", test_health_minute_rejects);
	g_test_add_func("/wearbridge/health/minute-truncations", test_health_minute_truncations);
	g_test_add_func("/wearbridge/health/minute-encode-errors",
			test_health_minute_encode_errors);
	g_test_add_func("/wearbridge/health/minute-round-trip", test_health_minute_round_trip);
	g_test_add_func("/wearbridge/health/session-walk", test_health_session_walk);
	g_test_add_func("/wearbridge/health/session-sleep", test_health_session_sleep);
	g_test_add_func("/wearbridge/health/session-types", test_health_session_types);
	g_test_add_func("/wearbridge/health/session-versions", test_health_session_versions);
	g_test_add_func("/wearbridge/health/session-rejects", test_health_session_rejects);
	g_test_add_func("/wearbridge/health/session-encode-errors",
			test_health_session_encode_errors);
	g_test_add_func("/wearbridge/health/legacy-sleep", test_health_legacy_sleep);
	g_test_add_func("/wearbridge/health/pb-varint", test_health_pb_varint);
	g_test_add_func("/wearbridge/health/pb-zigzag", test_health_pb_zigzag);
	g_test_add_func("/wearbridge/health/pb-fields", test_health_pb_fields);
	g_test_add_func("/wearbridge/health/pb-field-errors", test_health_pb_field_errors);
	g_test_add_func("/wearbridge/health/hr-golden", test_health_hr_golden);
	g_test_add_func("/wearbridge/health/hr-truncations", test_health_hr_truncations);
	g_test_add_func("/wearbridge/health/hr-alternative-encodings",
			test_health_hr_alternative_encodings);
	g_test_add_func("/wearbridge/health/hr-rejects", test_health_hr_rejects);
	g_test_add_func("/wearbridge/health/hr-round-trip", test_health_hr_round_trip);
	g_test_add_func("/wearbridge/health/hr-encode-errors", test_health_hr_encode_errors);
	g_test_add_func("/wearbridge/health/items-minutes", test_health_items_minutes);
	g_test_add_func("/wearbridge/health/items-sessions-and-sleep",
			test_health_items_sessions_and_sleep);
	g_test_add_func("/wearbridge/health/items-hr", test_health_items_hr);
	g_test_add_func("/wearbridge/health/items-rejects", test_health_items_rejects);
	g_test_add_func("/wearbridge/health/sync", test_health_sync);
	g_test_add_func("/wearbridge/health/sync-rejects", test_health_sync_rejects);
	return g_test_run();
}
