/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The health store (schema 3: upserts, one transaction per batch, queries, reprocess, the
 * migration from 2) and the health service over an in-memory link: ACK after commit, NACK and
 * nothing stored for what is malformed, replays, other tags, third-party data, and the sync.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "wb-crc.h"
#include "wb-datalog.h"
#include "wb-error.h"
#include "wb-frame.h"
#include "wb-health-service.h"
#include "wb-health.h"
#include "wb-session.h"
#include "wb-store-health.h"
#include "wb-test-link.h"
#include "wb-test-util.h"

#define WATCH "emulator_127_0_0_1_1"
/* 2025-01-01T00:00:00Z */
#define T0 G_GINT64_CONSTANT(1735689600)

/* ---- temporary stores ---- */

typedef struct {
	gchar *dir;
	gchar *path;
	WbStore *store;
} TmpStore;

static void
tmp_store_open(TmpStore *t)
{
	g_autoptr(GError) error = NULL;

	t->dir = g_dir_make_tmp("wb-store-health-XXXXXX", NULL);
	t->path = g_build_filename(t->dir, "wearbridge.db", NULL);
	t->store = wb_store_open(t->path, &error);
	g_assert_no_error(error);
	g_assert_nonnull(t->store);
}

static void
tmp_store_close(TmpStore *t)
{
	g_autofree gchar *wal = g_strconcat(t->path, "-wal", NULL);
	g_autofree gchar *shm = g_strconcat(t->path, "-shm", NULL);

	g_clear_pointer(&t->store, wb_store_free);
	g_unlink(wal);
	g_unlink(shm);
	g_unlink(t->path);
	g_rmdir(t->dir);
	g_free(t->path);
	g_free(t->dir);
}

/* A count from the database file itself, through a connection of the test's own. */
static gint64
count_rows(const gchar *path, const gchar *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	gint64 n;

	g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

static void
exec_sql(const gchar *path, const gchar *sql)
{
	sqlite3 *db = NULL;

	g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		g_assert_cmpstr(sqlite3_errmsg(db), ==, "no error");
	sqlite3_close(db);
}

/* ---- readings ---- */

static guint8
steps_at(gint64 t)
{
	/* a deterministic pattern: 0..99 steps */
	return (guint8)((t / 60 * 7919) % 100);
}

/* @n_records v13 minute records (15 minutes each) from @start, as the data of one SendData,
 * with the readings they decode to in @out_items. */
static GByteArray *
minute_data(gint64 start, guint n_records, gint8 offset_15min, guint8 hr, WbHealthItems *out_items)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	for (guint i = 0; i < n_records; i++) {
		WbHealthMinuteSample samples[WB_HEALTH_MINUTES_PER_RECORD] = {0};
		WbHealthMinuteRecord rec = {
			.version = 13,
			.time_utc = (guint32)(start + (gint64)i * 15 * 60),
			.local_offset_15min = offset_15min,
			.sample_size = 16,
			.num_samples = WB_HEALTH_MINUTES_PER_RECORD,
			.samples = samples,
		};
		for (guint j = 0; j < WB_HEALTH_MINUTES_PER_RECORD; j++) {
			gint64 t = rec.time_utc + 60 * j;
			samples[j].steps = steps_at(t);
			samples[j].flags = samples[j].steps > 50 ? WB_HEALTH_MINUTE_FLAG_ACTIVE : 0;
			samples[j].distance_cm = (guint16)(samples[j].steps * 70);
			samples[j].heart_rate_bpm = hr;
		}
		g_assert_true(wb_health_minute_record_encode(&rec, WB_HEALTH_MINUTE_V13_ITEM_SIZE,
							     out, &error));
		g_assert_no_error(error);
	}
	if (out_items != NULL) {
		g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_MINUTE_DATA,
						    WB_HEALTH_MINUTE_V13_ITEM_SIZE, out->data,
						    out->len, out_items, &error));
		g_assert_no_error(error);
	}
	return g_steal_pointer(&out);
}

static WbHealthRaw
raw_for(guint32 tag, guint16 item_size, const GByteArray *data)
{
	WbHealthRaw raw = {
		.tag = tag,
		.item_size = item_size,
		.session_time = (guint32)T0,
		.received = T0 + 86400,
		.data = data->data,
		.len = data->len,
	};
	return raw;
}

static guint64
steps_total(gint64 from, gint64 n_minutes)
{
	guint64 sum = 0;
	for (gint64 i = 0; i < n_minutes; i++)
		sum += steps_at(from + 60 * i);
	return sum;
}

static void
commit_minutes(WbStoreHealthWriter *w, gint64 start, guint n_records, gint8 offset, guint8 hr,
	       WbHealthCommitStats *stats)
{
	g_auto(WbHealthItems) items = {0};
	g_autoptr(GByteArray) data = minute_data(start, n_records, offset, hr, &items);
	WbHealthRaw raw = raw_for(WB_HEALTH_TAG_MINUTE_DATA, WB_HEALTH_MINUTE_V13_ITEM_SIZE, data);
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_store_health_writer_commit(w, &raw, &items, stats, &error));
	g_assert_no_error(error);
}

/* ---- store tests ---- */

static void
test_migrate_from_2(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("wb-store-health-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "wearbridge.db", NULL);
	g_autofree gchar *wal = g_strconcat(path, "-wal", NULL);
	g_autofree gchar *shm = g_strconcat(path, "-shm", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) store = NULL;
	g_autoptr(GPtrArray) watches = NULL;

	g_test_summary("a schema-2 database gains the health tables and keeps its watches");
	exec_sql(path, "CREATE TABLE watches ("
		       " id TEXT PRIMARY KEY NOT NULL, transport TEXT NOT NULL,"
		       " target TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',"
		       " address TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',"
		       " platform TEXT NOT NULL DEFAULT '', firmware TEXT NOT NULL DEFAULT '',"
		       " serial TEXT NOT NULL DEFAULT '', auto_connect INTEGER NOT NULL DEFAULT 1,"
		       " last_connected INTEGER NOT NULL DEFAULT 0,"
		       " added INTEGER NOT NULL DEFAULT (strftime('%s','now')));"
		       "INSERT INTO watches (id, transport, target) VALUES ('" WATCH
		       "', 'emulator', '127.0.0.1:1');"
		       "PRAGMA user_version = 2;");
	store = wb_store_open(path, &error);
	g_assert_no_error(error);
	g_assert_cmpint(wb_store_get_schema_version(store), ==, 3);
	watches = wb_store_list_watches(store, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(watches->len, ==, 1);
	g_clear_pointer(&store, wb_store_free);
	g_assert_cmpint(count_rows(path, "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
					 "('health_watch', 'health_minutes', 'health_sessions', "
					 "'health_heart_rate', 'health_raw', 'datalog_app')"),
			==, 6);
	/* the big tables are their own primary-key index */
	g_assert_cmpint(count_rows(path, "SELECT COUNT(*) FROM sqlite_master WHERE "
					 "name = 'health_minutes' AND sql LIKE '%WITHOUT ROWID'"),
			==, 1);
	g_unlink(wal);
	g_unlink(shm);
	g_unlink(path);
	g_rmdir(dir);
}

static void
test_commit_idempotent(void)
{
	TmpStore t = {0};
	g_autoptr(WbStoreHealthWriter) w = NULL;
	g_autoptr(GError) error = NULL;
	WbHealthCommitStats a, b;

	g_test_summary("the same batch twice: the second changes nothing and adds no raw row");
	tmp_store_open(&t);
	w = wb_store_health_writer_new(t.store, WATCH, &error);
	g_assert_no_error(error);
	commit_minutes(w, T0, 2, 4, 60, &a);
	g_assert_cmpuint(a.readings, ==, 30);
	g_assert_cmpuint(a.added[WB_HEALTH_KIND_STEPS], ==, 30);
	g_assert_cmpint(a.from[WB_HEALTH_KIND_STEPS], ==, T0);
	g_assert_cmpint(a.to[WB_HEALTH_KIND_STEPS], ==, T0 + 29 * 60);
	g_assert_false(a.replay);
	commit_minutes(w, T0, 2, 4, 60, &b);
	g_assert_cmpuint(b.readings, ==, 30);
	g_assert_cmpuint(b.added[WB_HEALTH_KIND_STEPS], ==, 0);
	g_assert_cmpuint(b.changed, ==, 0);
	g_assert_true(b.replay);
	/* an overlapping batch: only the new minutes are new */
	commit_minutes(w, T0 + 15 * 60, 2, 4, 60, &b);
	g_assert_cmpuint(b.added[WB_HEALTH_KIND_STEPS], ==, 15);
	/* the same minute with another value: changed, not added */
	commit_minutes(w, T0, 1, 4, 61, &b);
	g_assert_cmpuint(b.added[WB_HEALTH_KIND_STEPS], ==, 0);
	g_assert_cmpuint(b.changed, ==, 15);
	g_clear_pointer(&w, wb_store_health_writer_free);
	g_assert_cmpint(count_rows(t.path, "SELECT COUNT(*) FROM health_minutes"), ==, 45);
	g_assert_cmpint(count_rows(t.path, "SELECT COUNT(*) FROM health_raw"), ==, 3);
	/* the quarter-hour totals followed the changed minutes */
	g_assert_cmpint(count_rows(t.path, "SELECT SUM(steps) FROM health_steps_quarter"), ==,
			count_rows(t.path, "SELECT SUM(steps) FROM health_minutes"));
	tmp_store_close(&t);
}

static void
test_commit_atomic(void)
{
	TmpStore t = {0};
	g_autoptr(WbStoreHealthWriter) w = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(WbHealthItems) items = {0};
	g_autoptr(GByteArray) data = minute_data(T0, 2, 0, 0, &items);
	WbHealthRaw raw = raw_for(WB_HEALTH_TAG_MINUTE_DATA, WB_HEALTH_MINUTE_V13_ITEM_SIZE, data);

	g_test_summary("a batch that fails halfway leaves nothing behind, not even its raw data");
	tmp_store_open(&t);
	exec_sql(t.path, "CREATE TRIGGER fail AFTER INSERT ON health_minutes "
			 "WHEN NEW.time = 1735690800 BEGIN SELECT RAISE(ABORT, 'disk full'); END");
	w = wb_store_health_writer_new(t.store, WATCH, &error);
	g_assert_no_error(error);
	g_assert_false(wb_store_health_writer_commit(w, &raw, &items, NULL, &error));
	g_assert_error(error, WB_ERROR, WB_ERROR_FAILED);
	g_assert_cmpint(count_rows(t.path, "SELECT COUNT(*) FROM health_minutes"), ==, 0);
	g_assert_cmpint(count_rows(t.path, "SELECT COUNT(*) FROM health_raw"), ==, 0);
	/* and the writer still works afterwards */
	g_clear_error(&error);
	exec_sql(t.path, "DROP TRIGGER fail");
	g_assert_true(wb_store_health_writer_commit(w, &raw, &items, NULL, &error));
	g_assert_no_error(error);
	g_clear_pointer(&w, wb_store_health_writer_free);
	g_assert_cmpint(count_rows(t.path, "SELECT COUNT(*) FROM health_minutes"), ==, 30);
	tmp_store_close(&t);
}

static void
test_steps_buckets(void)
{
	TmpStore t = {0};
	g_autoptr(WbStoreHealthWriter) w = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) b = NULL;
	guint64 sum = 0;

	tmp_store_open(&t);
	w = wb_store_health_writer_new(t.store, WATCH, &error);
	/* 2 hours of minutes from T0 + 1 h */
	commit_minutes(w, T0 + 3600, 8, 0, 0, NULL);

	/* hourly over 4 hours: empty, full, full, empty */
	b = wb_store_health_get_steps(t.store, WATCH, T0, T0 + 4 * 3600, 3600, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(b->len, ==, 4);
	g_assert_cmpint(g_array_index(b, WbHealthStepBucket, 0).start, ==, T0);
	g_assert_cmpint(g_array_index(b, WbHealthStepBucket, 3).start, ==, T0 + 3 * 3600);
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 0).steps, ==, 0);
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 1).steps, ==,
			 steps_total(T0 + 3600, 60));
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 2).steps, ==,
			 steps_total(T0 + 7200, 60));
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 3).steps, ==, 0);
	g_clear_pointer(&b, g_array_unref);

	/* a partial last bucket counts only minutes before `to`; buckets start at `from` */
	b = wb_store_health_get_steps(t.store, WATCH, T0 + 3600 + 90, T0 + 3600 + 90 + 7 * 60, 300,
				      &error);
	g_assert_cmpuint(b->len, ==, 2);
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 0).steps, ==,
			 steps_total(T0 + 3600 + 120, 5));
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 1).steps, ==,
			 steps_total(T0 + 3600 + 420, 2));
	g_clear_pointer(&b, g_array_unref);

	/* aligned start, a bucket that is no multiple of a quarter hour, and a `to` inside a
	 * quarter: the quarter totals and the minutes agree */
	b = wb_store_health_get_steps(t.store, WATCH, T0 + 3600, T0 + 3600 + 47 * 60, 600, &error);
	g_assert_cmpuint(b->len, ==, 5);
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 4).steps, ==,
			 steps_total(T0 + 3600 + 40 * 60, 7));
	g_clear_pointer(&b, g_array_unref);
	b = wb_store_health_get_steps(t.store, WATCH, T0 + 3600, T0 + 3600 + 47 * 60, 1800, &error);
	g_assert_cmpuint(b->len, ==, 2);
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 0).steps, ==,
			 steps_total(T0 + 3600, 30));
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 1).steps, ==,
			 steps_total(T0 + 3600 + 1800, 17));
	g_clear_pointer(&b, g_array_unref);

	/* one bucket over everything = the sum; an empty range has no buckets */
	b = wb_store_health_get_steps(t.store, WATCH, T0, T0 + 86400, 86400, &error);
	g_assert_cmpuint(b->len, ==, 1);
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 0).steps, ==,
			 steps_total(T0 + 3600, 120));
	g_assert_true(wb_store_health_sum_steps(t.store, WATCH, T0, T0 + 86400, &sum, &error));
	g_assert_cmpuint(sum, ==, steps_total(T0 + 3600, 120));
	g_clear_pointer(&b, g_array_unref);
	b = wb_store_health_get_steps(t.store, WATCH, T0, T0, 60, &error);
	g_assert_cmpuint(b->len, ==, 0);
	g_clear_pointer(&b, g_array_unref);

	/* another watch sees nothing */
	b = wb_store_health_get_steps(t.store, "other", T0, T0 + 86400, 86400, &error);
	g_assert_cmpuint(g_array_index(b, WbHealthStepBucket, 0).steps, ==, 0);
	g_clear_pointer(&b, g_array_unref);
	g_clear_pointer(&w, wb_store_health_writer_free);
	tmp_store_close(&t);
}

static void
test_timezone_change(void)
{
	TmpStore t = {0};
	g_autoptr(WbStoreHealthWriter) w = NULL;
	g_autoptr(GError) error = NULL;
	guint64 sum = 0;
	WbHealthCommitStats stats;

	g_test_summary("the watch's clock moves an hour back mid-day: minutes are keyed by UTC, "
		       "so the repeated local hour is neither counted twice nor lost");
	tmp_store_open(&t);
	w = wb_store_health_writer_new(t.store, WATCH, &error);
	/* 10:00-12:00 UTC at UTC+2 (local 12:00-14:00), then 12:00-14:00 UTC at UTC+1 (local
	 * 13:00-15:00: the local hour 13:00-14:00 happens twice) */
	commit_minutes(w, T0 + 10 * 3600, 8, 8, 0, &stats);
	g_assert_cmpuint(stats.added[WB_HEALTH_KIND_STEPS], ==, 120);
	commit_minutes(w, T0 + 12 * 3600, 8, 4, 0, &stats);
	g_assert_cmpuint(stats.added[WB_HEALTH_KIND_STEPS], ==, 120);
	g_assert_true(wb_store_health_sum_steps(t.store, WATCH, T0, T0 + 86400, &sum, &error));
	g_assert_cmpuint(sum, ==, steps_total(T0 + 10 * 3600, 240));
	g_clear_pointer(&w, wb_store_health_writer_free);
	g_assert_cmpint(count_rows(t.path, "SELECT COUNT(*) FROM health_minutes WHERE "
					   "utc_offset = 7200"),
			==, 120);
	tmp_store_close(&t);
}

static GByteArray *
sessions_data(const WbHealthActivitySession *s, guint n, WbHealthItems *out_items)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	for (guint i = 0; i < n; i++)
		g_assert_true(wb_health_activity_session_encode(
			&s[i], WB_HEALTH_ACTIVITY_SESSION_LEN, out, &error));
	g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_ACTIVITY_SESSION,
					    WB_HEALTH_ACTIVITY_SESSION_LEN, out->data, out->len,
					    out_items, &error));
	return g_steal_pointer(&out);
}

static void
test_sleep_and_summary(void)
{
	TmpStore t = {0};
	g_autoptr(WbStoreHealthWriter) w = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(WbHealthItems) items = {0};
	g_auto(WbHealthItems) hr_items = {0};
	g_autoptr(GByteArray) data = NULL;
	g_autoptr(GByteArray) hr_data = g_byte_array_new();
	g_autoptr(GArray) sleep = NULL;
	g_autoptr(GArray) hr = NULL;
	g_autoptr(GArray) hr_samples = g_array_new(FALSE, FALSE, sizeof(WbHealthHrSample));
	WbHealthRaw raw;
	WbHealthCommitStats stats;
	WbHealthDailySummary s;
	gint64 day = T0 + 86400; /* 2025-01-02 UTC */
	/* a night 22:00-06:00 UTC across midnight, with deep sleep 01:00-02:00; a walk */
	const WbHealthActivitySession sessions[] = {
		{.version = 3,
		 .type = WB_HEALTH_ACTIVITY_SLEEP,
		 .start_utc = day - 2 * 3600,
		 .elapsed_sec = 8 * 3600},
		{.version = 3,
		 .type = WB_HEALTH_ACTIVITY_RESTFUL_SLEEP,
		 .start_utc = day + 3600,
		 .elapsed_sec = 3600},
		{.version = 3,
		 .type = WB_HEALTH_ACTIVITY_WALK,
		 .start_utc = day + 9 * 3600,
		 .elapsed_sec = 1800,
		 .steps = 3000},
	};
	const WbHealthHrSample samples[] = {
		{.time_utc = day + 3 * 3600, .bpm = 48, .quality = WB_HEALTH_HR_QUALITY_GOOD},
		{.time_utc = day + 9 * 3600 + 600,
		 .bpm = 131,
		 .quality = WB_HEALTH_HR_QUALITY_GOOD},
		/* off the wrist: listed, but no maximum */
		{.time_utc = day + 10 * 3600,
		 .bpm = 190,
		 .quality = WB_HEALTH_HR_QUALITY_OFF_WRIST},
	};

	tmp_store_open(&t);
	w = wb_store_health_writer_new(t.store, WATCH, &error);
	data = sessions_data(sessions, G_N_ELEMENTS(sessions), &items);
	raw = raw_for(WB_HEALTH_TAG_ACTIVITY_SESSION, WB_HEALTH_ACTIVITY_SESSION_LEN, data);
	g_assert_true(wb_store_health_writer_commit(w, &raw, &items, &stats, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(stats.added[WB_HEALTH_KIND_SLEEP], ==, 2);
	g_assert_cmpuint(stats.added[WB_HEALTH_KIND_ACTIVITY], ==, 1);

	g_array_append_vals(hr_samples, samples, G_N_ELEMENTS(samples));
	hr_items.tag = WB_HEALTH_TAG_PROTOBUF_LOG;
	hr_items.hr_samples = g_array_ref(hr_samples);
	g_assert_true(wb_health_items_encode(&hr_items, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE, hr_data,
					     &error));
	wb_health_items_clear(&hr_items);
	g_assert_true(wb_health_parse_items(WB_HEALTH_TAG_PROTOBUF_LOG,
					    WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE, hr_data->data,
					    hr_data->len, &hr_items, &error));
	raw = raw_for(WB_HEALTH_TAG_PROTOBUF_LOG, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE, hr_data);
	g_assert_true(wb_store_health_writer_commit(w, &raw, &hr_items, &stats, &error));
	g_assert_cmpuint(stats.added[WB_HEALTH_KIND_HEART_RATE], ==, 3);

	/* two hours of minutes in the morning, heart rate 55 */
	commit_minutes(w, day + 7 * 3600, 8, 0, 55, NULL);

	/* GetSleep: sessions overlapping the range, by start, the walk left out */
	sleep = wb_store_health_get_sleep(t.store, WATCH, day, day + 86400, 100, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(sleep->len, ==, 2);
	g_assert_cmpint(g_array_index(sleep, WbHealthSleep, 0).start, ==, day - 2 * 3600);
	g_assert_cmpuint(g_array_index(sleep, WbHealthSleep, 0).kind, ==, 1);
	g_assert_cmpuint(g_array_index(sleep, WbHealthSleep, 1).kind, ==, 2);
	g_clear_pointer(&sleep, g_array_unref);
	sleep = wb_store_health_get_sleep(t.store, WATCH, day + 6 * 3600, day + 86400, 100, &error);
	g_assert_cmpuint(sleep->len, ==, 0);
	g_clear_pointer(&sleep, g_array_unref);
	/* the limit: limit + 1 rows come back so that the caller can tell */
	sleep = wb_store_health_get_sleep(t.store, WATCH, 0, day + 86400, 1, &error);
	g_assert_cmpuint(sleep->len, ==, 2);

	/* GetHeartRate: samples and minute rates, in time order */
	hr = wb_store_health_get_heart_rate(t.store, WATCH, day, day + 86400, 1000, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(hr->len, ==, 3 + 120);
	g_assert_cmpuint(g_array_index(hr, WbHealthHeartRate, 0).bpm, ==, 48);
	g_assert_cmpuint(g_array_index(hr, WbHealthHeartRate, 1).quality, ==,
			 WB_HEALTH_QUALITY_FROM_MINUTE);
	for (guint i = 1; i < hr->len; i++)
		g_assert_cmpint(g_array_index(hr, WbHealthHeartRate, i - 1).time, <=,
				g_array_index(hr, WbHealthHeartRate, i).time);

	/* the day: the night's part after midnight (6 h), its deep hour; the previous day
	 * gets the 2 hours before midnight */
	g_assert_true(
		wb_store_health_get_daily_summary(t.store, WATCH, day, day + 86400, &s, &error));
	g_assert_cmpuint(s.sleep_seconds, ==, 6 * 3600);
	g_assert_cmpuint(s.deep_sleep_seconds, ==, 3600);
	g_assert_cmpuint(s.steps, ==, steps_total(day + 7 * 3600, 120));
	g_assert_cmpuint(s.resting_heart_rate, ==, 55);
	g_assert_cmpuint(s.max_heart_rate, ==, 131);
	g_assert_cmpuint(s.distance_m, >, 0);
	g_assert_true(
		wb_store_health_get_daily_summary(t.store, WATCH, day - 86400, day, &s, &error));
	g_assert_cmpuint(s.sleep_seconds, ==, 2 * 3600);
	g_assert_cmpuint(s.deep_sleep_seconds, ==, 0);
	g_assert_cmpuint(s.steps, ==, 0);
	g_assert_cmpuint(s.max_heart_rate, ==, 0);
	g_clear_pointer(&w, wb_store_health_writer_free);
	tmp_store_close(&t);
}

static void
test_reprocess(void)
{
	TmpStore t = {0};
	g_autoptr(WbStoreHealthWriter) w = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) other = NULL;
	guint readings = 0, skipped = 0;

	g_test_summary("readings are rebuilt from the raw payloads: the same rows, no duplicates, "
		       "and a reading no payload yields is gone");
	tmp_store_open(&t);
	w = wb_store_health_writer_new(t.store, WATCH, &error);
	commit_minutes(w, T0, 4, 0, 70, NULL);
	commit_minutes(w, T0, 4, 0, 70, NULL); /* a replay */
	commit_minutes(w, T0 + 3600, 4, 0, 70, NULL);
	g_clear_pointer(&w, wb_store_health_writer_free);
	/* a stray row (as a parser bug would leave) and a damaged payload */
	exec_sql(t.path, "INSERT INTO health_minutes SELECT key, 1, 0, 13, 99, 0, 0, 0, 0, 0, "
			 "0, 0, 0, 0, 0, 0, 0 FROM health_watch;"
			 "INSERT INTO health_raw (watch, digest, tag, item_size, session_time, "
			 "received, data) SELECT key, x'00', 81, 249, 0, 0, x'0102' FROM "
			 "health_watch;");
	other = wb_store_health_open_another(t.store, &error);
	g_assert_no_error(error);
	g_assert_true(wb_store_health_reprocess(other, WATCH, &readings, &skipped, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(readings, ==, 120);
	g_assert_cmpuint(skipped, ==, 1);
	g_clear_pointer(&other, wb_store_free);
	g_assert_cmpint(count_rows(t.path, "SELECT COUNT(*) FROM health_minutes"), ==, 120);
	g_assert_cmpint(count_rows(t.path, "SELECT SUM(steps) FROM health_minutes"), ==,
			(gint64)steps_total(T0, 120));
	g_assert_cmpint(count_rows(t.path, "SELECT SUM(steps) FROM health_steps_quarter"), ==,
			(gint64)steps_total(T0, 120));
	tmp_store_close(&t);
}

static void
test_last_sync_and_hr(void)
{
	TmpStore t = {0};
	g_autoptr(WbStoreHealthWriter) w = NULL;
	g_autoptr(GError) error = NULL;
	gint64 last = -1, hr_time = -1;
	guint8 bpm = 1;

	tmp_store_open(&t);
	g_assert_true(wb_store_health_get_last_sync(t.store, WATCH, &last, &error));
	g_assert_cmpint(last, ==, 0);
	g_assert_true(wb_store_health_get_last_heart_rate(t.store, WATCH, &hr_time, &bpm, &error));
	g_assert_cmpint(hr_time, ==, 0);
	g_assert_cmpuint(bpm, ==, 0);
	g_assert_true(wb_store_health_set_last_sync(t.store, WATCH, T0, &error));
	g_assert_true(wb_store_health_get_last_sync(t.store, WATCH, &last, &error));
	g_assert_cmpint(last, ==, T0);
	w = wb_store_health_writer_new(t.store, WATCH, &error);
	commit_minutes(w, T0, 1, 0, 66, NULL);
	g_assert_true(wb_store_health_get_last_heart_rate(t.store, WATCH, &hr_time, &bpm, &error));
	g_assert_cmpint(hr_time, ==, T0 + 14 * 60);
	g_assert_cmpuint(bpm, ==, 66);
	g_clear_pointer(&w, wb_store_health_writer_free);
	tmp_store_close(&t);
}

static void
test_day_bounds(void)
{
	g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier("Europe/Berlin");
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	gint64 start, end;

	g_assert_true(wb_health_day_bounds(utc, T0 + 5, &start, &end));
	g_assert_cmpint(start, ==, T0);
	g_assert_cmpint(end, ==, T0 + 86400);
	if (berlin == NULL) {
		g_test_skip("no tzdata");
		return;
	}
	/* 2025-03-30 in Berlin has 23 hours: midnight is 23:00 UTC the day before */
	g_assert_true(wb_health_day_bounds(berlin, 1743336000 /* 12:00 UTC */, &start, &end));
	g_assert_cmpint(start, ==, 1743289200);
	g_assert_cmpint(end - start, ==, 23 * 3600);
}

/* ---- the service over an in-memory link ---- */

typedef struct {
	TmpStore t;
	WbConfig config;
	TestLink *link;
	WbSession *session;
	WbHealthService *service;
	guint opened;
	guint progress;
	guint added;
	guint logged;
	gchar *logged_app;
} Fixture;

static void
opened_cb(WbSession *s, gpointer data)
{
	((Fixture *)data)->opened++;
}

static void
progress_cb(WbHealthService *s, guint records, gpointer data)
{
	((Fixture *)data)->progress = records;
}

static void
added_cb(WbHealthService *s, const gchar *kind, guint64 from, guint64 to, guint count,
	 gpointer data)
{
	((Fixture *)data)->added += count;
}

static void
logged_cb(WbHealthService *s, const gchar *app, guint tag, GBytes *bytes, gpointer data)
{
	Fixture *f = data;
	f->logged++;
	g_free(f->logged_app);
	f->logged_app = g_strdup(app);
}

static void
inject(Fixture *f, guint16 endpoint, const guint8 *payload, gsize len)
{
	g_autoptr(GByteArray) frame = g_byte_array_new();
	g_autoptr(GBytes) bytes = NULL;

	g_assert_true(wb_frame_encode(frame, endpoint, payload, len, NULL));
	bytes = g_bytes_new(frame->data, frame->len);
	wb_link_emit_received(WB_LINK(f->link), bytes);
}

/* Takes the next frame the daemon sent; FALSE if there is none. */
static gboolean
take_frame(Fixture *f, guint16 *endpoint, GByteArray *payload)
{
	WbFrame fr;
	gsize len;

	if (f->link->sent->len < WB_FRAME_HEADER_LEN)
		return FALSE;
	len = WB_FRAME_HEADER_LEN + (((gsize)f->link->sent->data[0] << 8) | f->link->sent->data[1]);
	g_assert_true(wb_frame_parse(f->link->sent->data, len, &fr, NULL));
	*endpoint = fr.endpoint;
	g_byte_array_set_size(payload, 0);
	wb_put_bytes(payload, fr.payload, fr.len);
	g_byte_array_remove_range(f->link->sent, 0, (guint)len);
	return TRUE;
}

/* The next data logging reply: "ack 5", "nack 5"; NULL if none was sent. */
static gchar *
take_reply(Fixture *f)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	guint16 ep;

	while (take_frame(f, &ep, p)) {
		g_auto(WbDatalogMessage) m = {0};

		if (ep != WB_ENDPOINT_DATA_LOGGING)
			continue;
		g_assert_true(wb_datalog_decode(p->data, p->len, &m, NULL));
		if (m.command == WB_DATALOG_CMD_REPORT_OPEN_SESSIONS)
			continue;
		return g_strdup_printf("%s %u", wb_datalog_command_to_string(m.command),
				       m.session_id);
	}
	return NULL;
}

static void
assert_reply(Fixture *f, const gchar *want)
{
	g_autofree gchar *got = take_reply(f);
	g_assert_cmpstr(got, ==, want);
}

static void
send_open(Fixture *f, guint8 id, const WbUuid *app, guint32 tag, guint16 item_size)
{
	WbDatalogMessage m = {.command = WB_DATALOG_CMD_OPEN_SESSION, .session_id = id};
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (app != NULL)
		m.open.app_uuid = *app;
	m.open.timestamp = (guint32)T0;
	m.open.tag = tag;
	m.open.item_type = WB_DATALOG_ITEM_BYTE_ARRAY;
	m.open.item_size = item_size;
	g_assert_true(wb_datalog_encode(&m, out, NULL));
	inject(f, WB_ENDPOINT_DATA_LOGGING, out->data, out->len);
}

static void
send_data(Fixture *f, guint8 id, const GByteArray *data, gboolean bad_crc)
{
	WbDatalogMessage m = {.command = WB_DATALOG_CMD_SEND_DATA, .session_id = id};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GBytes) bytes = g_bytes_new(data->data, data->len);

	m.send.items_left = WB_DATALOG_ITEMS_LEFT_UNKNOWN;
	m.send.crc = wb_crc_stm32(data->data, data->len) ^ (bad_crc ? 1 : 0);
	m.send.data = bytes;
	g_assert_true(wb_datalog_encode(&m, out, NULL));
	inject(f, WB_ENDPOINT_DATA_LOGGING, out->data, out->len);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) wv = wb_test_hex(wb_test_watch_version_frame);
	g_autoptr(GBytes) bytes = g_bytes_new(wv->data, wv->len);

	tmp_store_open(&f->t);
	wb_config_init_defaults(&f->config);
	f->config.first_frame_wait_ms = 0;
	f->link = test_link_new();
	f->session = wb_session_new(WB_LINK(f->link), &f->config, "test");
	g_signal_connect(f->session, "opened", G_CALLBACK(opened_cb), f);
	f->service = wb_health_service_new(f->t.store, &f->config, WATCH);
	g_signal_connect(f->service, "sync-progress", G_CALLBACK(progress_cb), f);
	g_signal_connect(f->service, "readings-added", G_CALLBACK(added_cb), f);
	g_signal_connect(f->service, "data-logged", G_CALLBACK(logged_cb), f);
	wb_session_start(f->session);
	wb_link_emit_received(WB_LINK(f->link), bytes);
	while (f->opened == 0)
		g_main_context_iteration(NULL, TRUE);
	g_byte_array_set_size(f->link->sent, 0);
}

static void
attach(Fixture *f)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	guint16 ep;
	gboolean report = FALSE, sync = FALSE;

	wb_service_attach(WB_SERVICE(f->service), f->session);
	/* ReportOpenSessions (empty), then HealthSync */
	while (take_frame(f, &ep, p)) {
		if (ep == WB_ENDPOINT_DATA_LOGGING) {
			wb_assert_hex(p->data, p->len, "84");
			report = TRUE;
		} else if (ep == WB_ENDPOINT_HEALTH_SYNC) {
			g_assert_cmpuint(p->len, ==, 5);
			g_assert_cmpuint(p->data[0], ==, 0x01);
			sync = TRUE;
		}
	}
	g_assert_true(report && sync);
	g_assert_true(wb_health_service_get_syncing(f->service));
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	wb_service_detach(WB_SERVICE(f->service));
	g_clear_object(&f->service);
	g_clear_object(&f->session);
	g_clear_object(&f->link);
	wb_config_clear(&f->config);
	g_free(f->logged_app);
	tmp_store_close(&f->t);
}

static void
wait_sync_done(Fixture *f)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (wb_health_service_get_syncing(f->service)) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_main_context_iteration(NULL, TRUE);
	}
}

static gint64
minutes_stored(Fixture *f)
{
	return count_rows(f->t.path, "SELECT COUNT(*) FROM health_minutes");
}

static void
test_service_ack_after_commit(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) batch = minute_data(T0, 2, 4, 70, NULL);
	g_autoptr(GByteArray) batch2 = minute_data(T0 + 1800, 2, 4, 70, NULL);
	const guint8 ack_sync[] = {0x11, 0x01};
	guint64 before = 0;

	g_test_summary("a sync: open, data, replay after a lost ACK, quiet ends it, LastSync");
	attach(f);
	inject(f, WB_ENDPOINT_HEALTH_SYNC, ack_sync, sizeof(ack_sync));
	send_open(f, 3, NULL, WB_HEALTH_TAG_MINUTE_DATA, WB_HEALTH_MINUTE_V13_ITEM_SIZE);
	assert_reply(f, "ack 3");
	send_data(f, 3, batch, FALSE);
	/* the ACK is out only once the rows are on disk */
	assert_reply(f, "ack 3");
	g_assert_cmpint(minutes_stored(f), ==, 30);
	g_assert_cmpuint(f->progress, ==, 30);
	g_assert_cmpuint(f->added, ==, 30);
	/* the ACK was lost: the watch opens the session again and resends */
	send_open(f, 3, NULL, WB_HEALTH_TAG_MINUTE_DATA, WB_HEALTH_MINUTE_V13_ITEM_SIZE);
	assert_reply(f, "ack 3");
	send_data(f, 3, batch, FALSE);
	assert_reply(f, "ack 3");
	send_data(f, 3, batch2, FALSE);
	assert_reply(f, "ack 3");
	g_assert_cmpint(minutes_stored(f), ==, 60);
	g_assert_cmpuint(f->added, ==, 60);
	g_assert_cmpuint(f->progress, ==, 90);
	g_assert_cmpint(count_rows(f->t.path, "SELECT COUNT(*) FROM health_raw"), ==, 2);
	before = wb_health_service_get_last_sync(f->service);
	wait_sync_done(f);
	g_assert_cmpuint(wb_health_service_get_last_sync(f->service), >, before);
	/* the watch sends by itself later: a sync of its own */
	send_data(f, 3, batch2, FALSE);
	assert_reply(f, "ack 3");
	g_assert_true(wb_health_service_get_syncing(f->service));
	g_assert_cmpuint(f->progress, ==, 30);
	wait_sync_done(f);
}

static void
test_service_refuses(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) good = minute_data(T0, 1, 0, 0, NULL);
	g_autoptr(GByteArray) bad_version = minute_data(T0, 1, 0, 0, NULL);
	g_autoptr(GByteArray) old = minute_data(1000000000, 1, 0, 0, NULL); /* 2001 */
	g_autoptr(GByteArray) future =
		minute_data(g_get_real_time() / G_USEC_PER_SEC + 7 * 86400, 1, 0, 0, NULL);
	g_autoptr(GByteArray) half = g_byte_array_new();
	const guint8 short_send[] = {0x02, 0x03, 0xff};

	g_test_summary("malformed, out-of-range, partial, corrupted or unknown-session data is "
		       "refused and nothing of it is stored");
	attach(f);
	bad_version->data[0] = 9; /* no minute record version 9 */
	wb_put_bytes(half, good->data, 100);

	/* data before the session is known: NACK, so that the watch re-opens it */
	send_data(f, 3, good, FALSE);
	assert_reply(f, "nack 3");
	send_open(f, 3, NULL, WB_HEALTH_TAG_MINUTE_DATA, WB_HEALTH_MINUTE_V13_ITEM_SIZE);
	assert_reply(f, "ack 3");
	send_data(f, 3, bad_version, FALSE);
	assert_reply(f, "nack 3");
	send_data(f, 3, old, FALSE);
	assert_reply(f, "nack 3");
	send_data(f, 3, future, FALSE);
	assert_reply(f, "nack 3");
	send_data(f, 3, half, FALSE);
	assert_reply(f, "nack 3");
	send_data(f, 3, good, TRUE);
	assert_reply(f, "nack 3");
	inject(f, WB_ENDPOINT_DATA_LOGGING, short_send, sizeof(short_send));
	assert_reply(f, "nack 3");
	g_assert_cmpint(minutes_stored(f), ==, 0);
	g_assert_cmpint(count_rows(f->t.path, "SELECT COUNT(*) FROM health_raw"), ==, 0);
	/* and the session still works */
	send_data(f, 3, good, FALSE);
	assert_reply(f, "ack 3");
	g_assert_cmpint(minutes_stored(f), ==, 15);
}

static void
test_service_other_sessions(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) blob = wb_test_hex("01020304 05060708");
	WbUuid app;

	g_test_summary("analytics are ACKed and dropped; a watch app's data is stored, ACKed and "
		       "announced");
	attach(f);
	g_assert_true(wb_uuid_parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", &app));
	send_open(f, 1, NULL, WB_HEALTH_TAG_ANALYTICS_DEVICE_HEARTBEAT, 4);
	assert_reply(f, "ack 1");
	send_data(f, 1, blob, FALSE);
	assert_reply(f, "ack 1");
	send_open(f, 2, &app, WB_HEALTH_TAG_MINUTE_DATA, 4);
	assert_reply(f, "ack 2");
	send_data(f, 2, blob, FALSE);
	assert_reply(f, "ack 2");
	g_assert_cmpuint(f->logged, ==, 1);
	g_assert_cmpstr(f->logged_app, ==, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	g_assert_cmpint(minutes_stored(f), ==, 0);
	g_assert_cmpint(count_rows(f->t.path, "SELECT COUNT(*) FROM health_raw"), ==, 0);
	g_assert_cmpint(count_rows(f->t.path, "SELECT COUNT(*) FROM datalog_app WHERE tag = 81 "
					      "AND length(data) = 8"),
			==, 1);
	/* Close and Timeout forget the session: its next data gets a NACK */
	{
		const guint8 close[] = {0x03, 0x02};
		inject(f, WB_ENDPOINT_DATA_LOGGING, close, sizeof(close));
		assert_reply(f, "ack 2");
		send_data(f, 2, blob, FALSE);
		assert_reply(f, "nack 2");
	}
}

static void
sync_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GError **out = user_data;
	guint records = 0;

	if (!wb_health_service_sync_finish(WB_HEALTH_SERVICE(source), result, &records, out))
		g_assert_nonnull(*out);
	else
		*out = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_EXISTS, "ok"); /* marker */
}

static GError *
run_sync(Fixture *f, gboolean wait)
{
	GError *error = NULL;

	wb_health_service_sync_async(f->service, NULL, sync_done_cb, &error);
	while (wait && error == NULL)
		g_main_context_iteration(NULL, TRUE);
	return error;
}

static void
test_service_sync_api(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) second = NULL;
	const guint8 nack_sync[] = {0x11, 0x02};
	const guint8 ack_sync[] = {0x11, 0x01};

	/* no session */
	error = run_sync(f, TRUE);
	g_assert_error(error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_clear_error(&error);

	/* joins the connect sync; a second client is Busy; quiet completes it */
	attach(f);
	wb_health_service_sync_async(f->service, NULL, sync_done_cb, &error);
	second = run_sync(f, TRUE);
	g_assert_error(second, WB_ERROR, WB_ERROR_BUSY);
	inject(f, WB_ENDPOINT_HEALTH_SYNC, ack_sync, sizeof(ack_sync));
	while (error == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS);
	g_clear_error(&error);
	g_assert_false(wb_health_service_get_syncing(f->service));

	/* a watch without health tracking */
	wb_health_service_sync_async(f->service, NULL, sync_done_cb, &error);
	inject(f, WB_ENDPOINT_HEALTH_SYNC, nack_sync, sizeof(nack_sync));
	while (error == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(error, WB_ERROR, WB_ERROR_NOT_SUPPORTED);
	g_clear_error(&error);

	/* the watch goes away during a sync */
	wb_health_service_sync_async(f->service, NULL, sync_done_cb, &error);
	wb_service_detach(WB_SERVICE(f->service));
	while (error == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_health_service_get_syncing(f->service));
}

static void
reprocess_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	gint *out = user_data;
	guint n = 0;
	g_autoptr(GError) error = NULL;

	g_assert_true(
		wb_health_service_reprocess_finish(WB_HEALTH_SERVICE(source), result, &n, &error));
	g_assert_no_error(error);
	*out = (gint)n;
}

static void
test_service_reprocess(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) batch = minute_data(T0, 2, 0, 0, NULL);
	g_autoptr(GByteArray) batch2 = minute_data(T0 + 1800, 2, 0, 0, NULL);
	gint n = -1;

	attach(f);
	send_open(f, 3, NULL, WB_HEALTH_TAG_MINUTE_DATA, WB_HEALTH_MINUTE_V13_ITEM_SIZE);
	send_data(f, 3, batch, FALSE);
	wait_sync_done(f);
	assert_reply(f, "ack 3");
	assert_reply(f, "ack 3");
	wb_health_service_reprocess_async(f->service, NULL, reprocess_done_cb, &n);
	/* what comes meanwhile waits for the rebuild, then is handled */
	send_data(f, 3, batch2, FALSE);
	while (n < 0)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpint(n, ==, 30);
	assert_reply(f, "ack 3");
	g_assert_cmpint(minutes_stored(f), ==, 60);
	wait_sync_done(f);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/store-health/migrate-from-2", test_migrate_from_2);
	g_test_add_func("/wearbridge/store-health/commit-idempotent", test_commit_idempotent);
	g_test_add_func("/wearbridge/store-health/commit-atomic", test_commit_atomic);
	g_test_add_func("/wearbridge/store-health/steps-buckets", test_steps_buckets);
	g_test_add_func("/wearbridge/store-health/timezone-change", test_timezone_change);
	g_test_add_func("/wearbridge/store-health/sleep-and-summary", test_sleep_and_summary);
	g_test_add_func("/wearbridge/store-health/reprocess", test_reprocess);
	g_test_add_func("/wearbridge/store-health/last-sync-and-hr", test_last_sync_and_hr);
	g_test_add_func("/wearbridge/store-health/day-bounds", test_day_bounds);
	g_test_add("/wearbridge/store-health/service-ack-after-commit", Fixture, NULL,
		   fixture_setup, test_service_ack_after_commit, fixture_teardown);
	g_test_add("/wearbridge/store-health/service-refuses", Fixture, NULL, fixture_setup,
		   test_service_refuses, fixture_teardown);
	g_test_add("/wearbridge/store-health/service-other-sessions", Fixture, NULL, fixture_setup,
		   test_service_other_sessions, fixture_teardown);
	g_test_add("/wearbridge/store-health/service-sync-api", Fixture, NULL, fixture_setup,
		   test_service_sync_api, fixture_teardown);
	g_test_add("/wearbridge/store-health/service-reprocess", Fixture, NULL, fixture_setup,
		   test_service_reprocess, fixture_teardown);
	return g_test_run();
}
