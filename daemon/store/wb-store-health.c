/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Health readings and the raw data logging payloads they came from (schema version 3).
 *
 * Readings are keyed by watch and UTC time (and kind, for sessions), so a batch the watch sends
 * again after a lost ACK is an upsert that changes nothing. Each batch is one transaction: the
 * raw payload and every reading parsed from it, committed before the service ACKs it. The raw
 * payloads make `Reprocess` possible: every reading can be derived again without the watch.
 */
#include <string.h>

#include "wb-store-health.h"
#include "wb-store-private.h"

/* migration 2 -> 3: health readings and raw data logging payloads */
gboolean
wb_store_health_migrate_to_3(WbStore *self, GError **error)
{
	/* A small integer stands for the watch in the big tables (a year is 525,600 minute
	 * rows; the watch id is ~25 bytes). WITHOUT ROWID: the primary key is the table's
	 * B-tree, so a range of minutes is one sequential scan and no second index exists. */
	return store_exec(
		self,
		"CREATE TABLE health_watch ("
		" key INTEGER PRIMARY KEY,"
		" watch_id TEXT NOT NULL UNIQUE,"
		" last_sync INTEGER NOT NULL DEFAULT 0);"

		"CREATE TABLE health_minutes ("
		" watch INTEGER NOT NULL,"
		" time INTEGER NOT NULL,"
		" utc_offset INTEGER NOT NULL,"
		" version INTEGER NOT NULL,"
		" steps INTEGER NOT NULL,"
		" orientation INTEGER NOT NULL,"
		" vmc INTEGER NOT NULL,"
		" light INTEGER NOT NULL,"
		" flags INTEGER NOT NULL,"
		" resting_cal INTEGER NOT NULL,"
		" active_cal INTEGER NOT NULL,"
		" distance_cm INTEGER NOT NULL,"
		" heart_rate INTEGER NOT NULL,"
		" hr_weight INTEGER NOT NULL,"
		" hr_zone INTEGER NOT NULL,"
		" spo2 INTEGER NOT NULL,"
		" spo2_quality INTEGER NOT NULL,"
		" PRIMARY KEY (watch, time)) WITHOUT ROWID;"

		/* steps per quarter hour, kept with the minutes in the same transaction: a year of
		 * daily buckets reads 35,040 rows instead of 525,600. Every time zone's midnight is
		 * on a quarter hour. */
		"CREATE TABLE health_steps_quarter ("
		" watch INTEGER NOT NULL,"
		" quarter INTEGER NOT NULL,"
		" steps INTEGER NOT NULL,"
		" PRIMARY KEY (watch, quarter)) WITHOUT ROWID;"

		"CREATE TABLE health_sessions ("
		" watch INTEGER NOT NULL,"
		" start INTEGER NOT NULL,"
		" kind INTEGER NOT NULL,"
		" duration INTEGER NOT NULL,"
		" steps INTEGER NOT NULL,"
		" active_kcal INTEGER NOT NULL,"
		" resting_kcal INTEGER NOT NULL,"
		" distance_m INTEGER NOT NULL,"
		" deep_seconds INTEGER NOT NULL,"
		" utc_offset INTEGER NOT NULL,"
		" version INTEGER NOT NULL,"
		" PRIMARY KEY (watch, start, kind)) WITHOUT ROWID;"

		"CREATE TABLE health_heart_rate ("
		" watch INTEGER NOT NULL,"
		" time INTEGER NOT NULL,"
		" bpm INTEGER NOT NULL,"
		" quality INTEGER NOT NULL,"
		" utc_offset INTEGER NOT NULL,"
		" PRIMARY KEY (watch, time)) WITHOUT ROWID;"

		/* digest: the first 16 bytes of SHA-256 over tag, item size, app and
		 * data; a payload the watch sends again is recognised and kept once */
		"CREATE TABLE health_raw ("
		" id INTEGER PRIMARY KEY,"
		" watch INTEGER NOT NULL,"
		" digest BLOB NOT NULL,"
		" tag INTEGER NOT NULL,"
		" item_size INTEGER NOT NULL,"
		" session_time INTEGER NOT NULL,"
		" received INTEGER NOT NULL,"
		" data BLOB NOT NULL,"
		" UNIQUE (watch, digest));"
		"CREATE INDEX health_raw_by_watch ON health_raw (watch, id);"

		/* third-party watch apps' data logging, as received (not health data) */
		"CREATE TABLE datalog_app ("
		" id INTEGER PRIMARY KEY,"
		" watch INTEGER NOT NULL,"
		" app_uuid TEXT NOT NULL,"
		" tag INTEGER NOT NULL,"
		" item_type INTEGER NOT NULL,"
		" item_size INTEGER NOT NULL,"
		" session_time INTEGER NOT NULL,"
		" received INTEGER NOT NULL,"
		" data BLOB NOT NULL);"
		"CREATE INDEX datalog_app_by_app ON datalog_app (watch, app_uuid, tag, id);",
		error);
}

/**
 * wb_health_kind_to_string:
 * @kind: a kind of reading
 *
 * Returns: its name in org.wearbridge.Health1.ReadingsAdded
 */
const gchar *
wb_health_kind_to_string(WbHealthKind kind)
{
	switch (kind) {
	case WB_HEALTH_KIND_STEPS:
		return "steps";
	case WB_HEALTH_KIND_SLEEP:
		return "sleep";
	case WB_HEALTH_KIND_ACTIVITY:
		return "activity";
	case WB_HEALTH_KIND_HEART_RATE:
		return "heart-rate";
	case WB_HEALTH_N_KINDS:
		break;
	}
	return "unknown";
}

/* Finds (or creates) the small integer that stands for @watch_id. */
static gboolean
watch_key(WbStore *self, const gchar *watch_id, gboolean create, gint64 *out_key, GError **error)
{
	g_autoptr(sqlite3_stmt) insert = NULL;
	g_autoptr(sqlite3_stmt) select = NULL;
	int rc;

	if (create) {
		insert = store_prepare(
			self, "INSERT OR IGNORE INTO health_watch (watch_id) VALUES (?1)", error);
		if (insert == NULL)
			return FALSE;
		sqlite3_bind_text(insert, 1, watch_id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(insert) != SQLITE_DONE)
			return store_fail(self, error, "adding a watch to the health tables");
	}
	select = store_prepare(self, "SELECT key FROM health_watch WHERE watch_id = ?1", error);
	if (select == NULL)
		return FALSE;
	sqlite3_bind_text(select, 1, watch_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(select);
	if (rc == SQLITE_ROW) {
		*out_key = sqlite3_column_int64(select, 0);
		return TRUE;
	}
	if (rc != SQLITE_DONE)
		return store_fail(self, error, "looking up a watch in the health tables");
	*out_key = -1; /* no readings yet: every query comes back empty */
	return TRUE;
}

/* ---- Writing ---- */

struct _WbStoreHealthWriter {
	WbStore *store; /* unowned: outlives the writer */
	gint64 key;
	sqlite3_stmt *raw_insert;
	sqlite3_stmt *app_insert;
	sqlite3_stmt *minute_insert;
	sqlite3_stmt *minute_update;
	sqlite3_stmt *minute_steps;
	sqlite3_stmt *quarter_add;
	sqlite3_stmt *session_insert;
	sqlite3_stmt *session_update;
	sqlite3_stmt *hr_insert;
	sqlite3_stmt *hr_update;
};

/* Each table's INSERT and UPDATE take the same parameters: ?1 is the watch, then the key
 * columns, then the values. The UPDATE only touches a row whose values differ, so
 * sqlite3_changes() tells "new", "changed" and "already there" apart. */
static const gchar minute_insert_sql[] =
	"INSERT OR IGNORE INTO health_minutes (watch, time, utc_offset, version, steps, "
	"orientation, vmc, light, flags, resting_cal, active_cal, distance_cm, heart_rate, "
	"hr_weight, hr_zone, spo2, spo2_quality) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
static const gchar minute_update_sql[] =
	"UPDATE health_minutes SET utc_offset = ?3, version = ?4, steps = ?5, orientation = ?6, "
	"vmc = ?7, light = ?8, flags = ?9, resting_cal = ?10, active_cal = ?11, "
	"distance_cm = ?12, heart_rate = ?13, hr_weight = ?14, hr_zone = ?15, spo2 = ?16, "
	"spo2_quality = ?17 "
	"WHERE watch = ?1 AND time = ?2 AND (utc_offset IS NOT ?3 OR version IS NOT ?4 OR "
	"steps IS NOT ?5 OR orientation IS NOT ?6 OR vmc IS NOT ?7 OR light IS NOT ?8 OR "
	"flags IS NOT ?9 OR resting_cal IS NOT ?10 OR active_cal IS NOT ?11 OR "
	"distance_cm IS NOT ?12 OR heart_rate IS NOT ?13 OR hr_weight IS NOT ?14 OR "
	"hr_zone IS NOT ?15 OR spo2 IS NOT ?16 OR spo2_quality IS NOT ?17)";
#define MINUTE_N_PARAMS 17

static const gchar session_insert_sql[] =
	"INSERT OR IGNORE INTO health_sessions (watch, start, kind, duration, steps, active_kcal, "
	"resting_kcal, distance_m, deep_seconds, utc_offset, version) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const gchar session_update_sql[] =
	"UPDATE health_sessions SET duration = ?4, steps = ?5, active_kcal = ?6, "
	"resting_kcal = ?7, distance_m = ?8, deep_seconds = ?9, utc_offset = ?10, version = ?11 "
	"WHERE watch = ?1 AND start = ?2 AND kind = ?3 AND (duration IS NOT ?4 OR "
	"steps IS NOT ?5 OR active_kcal IS NOT ?6 OR resting_kcal IS NOT ?7 OR "
	"distance_m IS NOT ?8 OR deep_seconds IS NOT ?9 OR utc_offset IS NOT ?10 OR "
	"version IS NOT ?11)";
#define SESSION_N_PARAMS 11

static const gchar hr_insert_sql[] =
	"INSERT OR IGNORE INTO health_heart_rate (watch, time, bpm, quality, utc_offset) "
	"VALUES (?1, ?2, ?3, ?4, ?5)";
static const gchar hr_update_sql[] =
	"UPDATE health_heart_rate SET bpm = ?3, quality = ?4, utc_offset = ?5 "
	"WHERE watch = ?1 AND time = ?2 AND (bpm IS NOT ?3 OR quality IS NOT ?4 OR "
	"utc_offset IS NOT ?5)";
#define HR_N_PARAMS 5

/**
 * wb_store_health_writer_new:
 * @store: the store; must outlive the writer
 * @watch_id: the watch whose readings it writes
 * @error: return location for a #GError
 *
 * Prepares the statements that store one watch's data logging batches.
 *
 * Returns: (transfer full) (nullable): the writer
 */
WbStoreHealthWriter *
wb_store_health_writer_new(WbStore *store, const gchar *watch_id, GError **error)
{
	g_autoptr(WbStoreHealthWriter) self = g_new0(WbStoreHealthWriter, 1);

	self->store = store;
	if (!watch_key(store, watch_id, TRUE, &self->key, error))
		return NULL;
	if ((self->raw_insert = store_prepare(
		     store,
		     "INSERT OR IGNORE INTO health_raw (watch, digest, tag, item_size, "
		     "session_time, received, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		     error)) == NULL ||
	    (self->app_insert = store_prepare(
		     store,
		     "INSERT INTO datalog_app (watch, app_uuid, tag, item_type, item_size, "
		     "session_time, received, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		     error)) == NULL ||
	    (self->minute_insert = store_prepare(store, minute_insert_sql, error)) == NULL ||
	    (self->minute_update = store_prepare(store, minute_update_sql, error)) == NULL ||
	    (self->minute_steps = store_prepare(store,
						"SELECT steps FROM health_minutes "
						"WHERE watch = ?1 AND time = ?2",
						error)) == NULL ||
	    (self->quarter_add = store_prepare(
		     store,
		     "INSERT INTO health_steps_quarter (watch, quarter, steps) VALUES (?1, ?2, ?3) "
		     "ON CONFLICT(watch, quarter) DO UPDATE SET steps = steps + ?3",
		     error)) == NULL ||
	    (self->session_insert = store_prepare(store, session_insert_sql, error)) == NULL ||
	    (self->session_update = store_prepare(store, session_update_sql, error)) == NULL ||
	    (self->hr_insert = store_prepare(store, hr_insert_sql, error)) == NULL ||
	    (self->hr_update = store_prepare(store, hr_update_sql, error)) == NULL)
		return NULL;
	return g_steal_pointer(&self);
}

/**
 * wb_store_health_writer_free:
 * @writer: (nullable): a writer
 */
void
wb_store_health_writer_free(WbStoreHealthWriter *writer)
{
	if (writer == NULL)
		return;
	sqlite3_finalize(writer->raw_insert);
	sqlite3_finalize(writer->app_insert);
	sqlite3_finalize(writer->minute_insert);
	sqlite3_finalize(writer->minute_update);
	sqlite3_finalize(writer->minute_steps);
	sqlite3_finalize(writer->quarter_add);
	sqlite3_finalize(writer->session_insert);
	sqlite3_finalize(writer->session_update);
	sqlite3_finalize(writer->hr_insert);
	sqlite3_finalize(writer->hr_update);
	g_free(writer);
}

typedef enum {
	UPSERT_SAME,
	UPSERT_ADDED,
	UPSERT_CHANGED,
} UpsertResult;

static gboolean
bind_and_step(WbStore *store, sqlite3_stmt *stmt, const gint64 *values, guint n, GError **error)
{
	sqlite3_reset(stmt);
	for (guint i = 0; i < n; i++)
		sqlite3_bind_int64(stmt, (int)i + 1, values[i]);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		sqlite3_reset(stmt);
		return store_fail(store, error, "storing a reading");
	}
	sqlite3_reset(stmt);
	return TRUE;
}

static gboolean
upsert(WbStore *store, sqlite3_stmt *insert, sqlite3_stmt *update, const gint64 *values, guint n,
       UpsertResult *out, GError **error)
{
	if (!bind_and_step(store, insert, values, n, error))
		return FALSE;
	if (sqlite3_changes(store->db) > 0) {
		*out = UPSERT_ADDED;
		return TRUE;
	}
	if (!bind_and_step(store, update, values, n, error))
		return FALSE;
	*out = sqlite3_changes(store->db) > 0 ? UPSERT_CHANGED : UPSERT_SAME;
	return TRUE;
}

static void
stats_note(WbHealthCommitStats *stats, WbHealthKind kind, gint64 time, UpsertResult result)
{
	stats->readings++;
	switch (result) {
	case UPSERT_SAME:
		return;
	case UPSERT_CHANGED:
		stats->changed++;
		return;
	case UPSERT_ADDED:
		break;
	}
	if (stats->added[kind] == 0 || time < stats->from[kind])
		stats->from[kind] = time;
	if (stats->added[kind] == 0 || time > stats->to[kind])
		stats->to[kind] = time;
	stats->added[kind]++;
}

#define QUARTER_S 900

typedef struct {
	gint64 quarter;
	gint64 delta;
} QuarterDelta;

static void
quarter_note(GArray *deltas, gint64 time, gint64 delta)
{
	gint64 quarter = time - ((time % QUARTER_S) + QUARTER_S) % QUARTER_S;
	QuarterDelta d = {quarter, delta};

	if (delta == 0)
		return;
	for (guint i = 0; i < deltas->len; i++) {
		QuarterDelta *x = &g_array_index(deltas, QuarterDelta, i);
		if (x->quarter == quarter) {
			x->delta += delta;
			return;
		}
	}
	g_array_append_val(deltas, d);
}

/* The steps a minute had before this batch (for a minute that is stored already). */
static gboolean
minute_old_steps(WbStoreHealthWriter *self, gint64 time, gint64 *out_steps, GError **error)
{
	sqlite3_stmt *stmt = self->minute_steps;
	int rc;

	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, self->key);
	sqlite3_bind_int64(stmt, 2, time);
	rc = sqlite3_step(stmt);
	*out_steps = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(self->store, error, "reading a minute");
	return TRUE;
}

static gboolean
apply_minutes(WbStoreHealthWriter *self, GArray *records, WbHealthCommitStats *stats,
	      GError **error)
{
	g_autoptr(GArray) deltas = g_array_new(FALSE, FALSE, sizeof(QuarterDelta));

	for (guint i = 0; records != NULL && i < records->len; i++) {
		const WbHealthMinuteRecord *rec = &g_array_index(records, WbHealthMinuteRecord, i);

		for (guint j = 0; j < rec->num_samples; j++) {
			const WbHealthMinuteSample *s = &rec->samples[j];
			gint64 time = wb_health_minute_record_sample_time(rec, j);
			gint64 v[MINUTE_N_PARAMS] = {
				self->key,
				time,
				(gint64)rec->local_offset_15min * 15 * 60,
				rec->version,
				s->steps,
				s->orientation,
				s->vmc,
				s->light,
				s->flags,
				s->resting_calories,
				s->active_calories,
				s->distance_cm,
				s->heart_rate_bpm,
				s->heart_rate_weight_x100,
				s->heart_rate_zone,
				s->spo2_percent,
				s->spo2_quality,
			};
			gint64 old = 0;
			UpsertResult r;

			if (!bind_and_step(self->store, self->minute_insert, v, MINUTE_N_PARAMS,
					   error))
				return FALSE;
			if (sqlite3_changes(self->store->db) > 0) {
				r = UPSERT_ADDED;
				quarter_note(deltas, time, s->steps);
			} else {
				/* stored before: the quarter-hour total moves by the difference */
				if (!minute_old_steps(self, time, &old, error) ||
				    !bind_and_step(self->store, self->minute_update, v,
						   MINUTE_N_PARAMS, error))
					return FALSE;
				r = sqlite3_changes(self->store->db) > 0 ? UPSERT_CHANGED
									 : UPSERT_SAME;
				quarter_note(deltas, time, (gint64)s->steps - old);
			}
			stats_note(stats, WB_HEALTH_KIND_STEPS, time, r);
		}
	}
	for (guint i = 0; i < deltas->len; i++) {
		const QuarterDelta *d = &g_array_index(deltas, QuarterDelta, i);
		gint64 v[3] = {self->key, d->quarter, d->delta};

		if (!bind_and_step(self->store, self->quarter_add, v, 3, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
apply_session(WbStoreHealthWriter *self, const gint64 *v, WbHealthCommitStats *stats,
	      GError **error)
{
	WbHealthKind kind = wb_health_activity_type_is_sleep((WbHealthActivityType)v[2])
				    ? WB_HEALTH_KIND_SLEEP
				    : WB_HEALTH_KIND_ACTIVITY;
	UpsertResult r;

	if (!upsert(self->store, self->session_insert, self->session_update, v, SESSION_N_PARAMS,
		    &r, error))
		return FALSE;
	stats_note(stats, kind, v[1], r);
	return TRUE;
}

static gboolean
apply_items(WbStoreHealthWriter *self, const WbHealthItems *items, WbHealthCommitStats *stats,
	    GError **error)
{
	if (!apply_minutes(self, items->minute_records, stats, error))
		return FALSE;
	for (guint i = 0; items->activity_sessions != NULL && i < items->activity_sessions->len;
	     i++) {
		const WbHealthActivitySession *s =
			&g_array_index(items->activity_sessions, WbHealthActivitySession, i);
		gint64 v[SESSION_N_PARAMS] = {
			self->key,
			s->start_utc,
			s->type,
			s->elapsed_sec,
			s->steps,
			s->active_kcal,
			s->resting_kcal,
			s->distance_m,
			0 /* deep_seconds: nested deep sessions carry it */,
			s->utc_to_local,
			s->version,
		};
		if (!apply_session(self, v, stats, error))
			return FALSE;
	}
	for (guint i = 0; items->legacy_sleep != NULL && i < items->legacy_sleep->len; i++) {
		const WbHealthLegacySleep *s =
			&g_array_index(items->legacy_sleep, WbHealthLegacySleep, i);
		/* §7.4: one night with its deep-sleep total but not where it lies; the service
		 * checked end >= start */
		gint64 v[SESSION_N_PARAMS] = {
			self->key,
			s->start_utc,
			WB_HEALTH_ACTIVITY_SLEEP,
			(gint64)s->end_utc - s->start_utc,
			0,
			0,
			0,
			0,
			s->restful_secs,
			s->utc_to_local,
			s->version,
		};
		if (!apply_session(self, v, stats, error))
			return FALSE;
	}
	for (guint i = 0; items->hr_samples != NULL && i < items->hr_samples->len; i++) {
		const WbHealthHrSample *s = &g_array_index(items->hr_samples, WbHealthHrSample, i);
		gint64 v[HR_N_PARAMS] = {self->key, s->time_utc, s->bpm, s->quality,
					 s->utc_to_local};
		UpsertResult r;

		if (!upsert(self->store, self->hr_insert, self->hr_update, v, HR_N_PARAMS, &r,
			    error))
			return FALSE;
		stats_note(stats, WB_HEALTH_KIND_HEART_RATE, s->time_utc, r);
	}
	return TRUE;
}

static void
raw_digest(const WbHealthRaw *raw, guint8 out[16])
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 head[6];
	guint8 full[32];
	gsize full_len = sizeof(full);

	head[0] = (guint8)raw->tag;
	head[1] = (guint8)(raw->tag >> 8);
	head[2] = (guint8)(raw->tag >> 16);
	head[3] = (guint8)(raw->tag >> 24);
	head[4] = (guint8)raw->item_size;
	head[5] = (guint8)(raw->item_size >> 8);
	g_checksum_update(sum, head, sizeof(head));
	g_checksum_update(sum, raw->app_uuid.b, sizeof(raw->app_uuid.b));
	g_checksum_update(sum, raw->data, (gssize)raw->len);
	g_checksum_get_digest(sum, full, &full_len);
	memcpy(out, full, 16);
}

static gboolean
insert_raw(WbStoreHealthWriter *self, const WbHealthRaw *raw, gboolean *out_replay, GError **error)
{
	sqlite3_stmt *stmt = self->raw_insert;
	guint8 digest[16];

	raw_digest(raw, digest);
	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, self->key);
	sqlite3_bind_blob(stmt, 2, digest, sizeof(digest), SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, raw->tag);
	sqlite3_bind_int64(stmt, 4, raw->item_size);
	sqlite3_bind_int64(stmt, 5, raw->session_time);
	sqlite3_bind_int64(stmt, 6, raw->received);
	sqlite3_bind_blob64(stmt, 7, raw->data, raw->len, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		sqlite3_reset(stmt);
		return store_fail(self->store, error, "storing a raw payload");
	}
	*out_replay = sqlite3_changes(self->store->db) == 0;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt); /* drop the SQLITE_STATIC pointer */
	return TRUE;
}

/* Every batch is committed with a synced WAL: once acknowledged, the watch deletes the data,
 * and this store is the only copy, so a power cut must not take back a commit. The store's
 * other writes keep synchronous = NORMAL. */
static gboolean
begin_durable(WbStore *store, GError **error)
{
	if (!store_exec(store, "PRAGMA synchronous = FULL", error))
		return FALSE;
	if (!store_exec(store, "BEGIN IMMEDIATE", error)) {
		(void)store_exec(store, "PRAGMA synchronous = NORMAL", NULL);
		return FALSE;
	}
	return TRUE;
}

static gboolean
end_durable(WbStore *store, gboolean ok, GError **error)
{
	if (ok && !store_exec(store, "COMMIT", error))
		ok = FALSE;
	if (!ok)
		(void)store_exec(store, "ROLLBACK", NULL); /* the error is already set */
	/* only the pace of later writes depends on it */
	(void)store_exec(store, "PRAGMA synchronous = NORMAL", NULL);
	return ok;
}

/**
 * wb_store_health_writer_commit:
 * @writer: the writer
 * @raw: the payload as received
 * @items: the readings parsed from it
 * @out_stats: (out caller-allocates) (optional): what the batch added
 * @error: return location for a #GError
 *
 * Stores one batch in one transaction: the raw payload (once, however often the watch sends
 * it) and its readings (upserts keyed by time). When this returns %TRUE, the batch is on
 * disk and the watch may be told so.
 *
 * Returns: %TRUE once committed; on failure nothing of the batch is stored
 */
gboolean
wb_store_health_writer_commit(WbStoreHealthWriter *writer, const WbHealthRaw *raw,
			      const WbHealthItems *items, WbHealthCommitStats *out_stats,
			      GError **error)
{
	WbHealthCommitStats stats = {0};
	gboolean ok;

	if (!begin_durable(writer->store, error))
		return FALSE;
	ok = insert_raw(writer, raw, &stats.replay, error) &&
	     apply_items(writer, items, &stats, error);
	if (!end_durable(writer->store, ok, error)) {
		g_prefix_error(error, "committing a health batch: ");
		return FALSE;
	}
	if (out_stats != NULL)
		*out_stats = stats;
	return TRUE;
}

/**
 * wb_store_health_writer_save_app_data:
 * @writer: the writer
 * @raw: a third-party app's data logging payload
 * @error: return location for a #GError
 *
 * Keeps a payload of a watch app's own data logging session, as received. These are not
 * health readings and are not deduplicated: the protocol cannot tell a repeated item from a
 * resent one.
 *
 * Returns: %TRUE once committed
 */
gboolean
wb_store_health_writer_save_app_data(WbStoreHealthWriter *writer, const WbHealthRaw *raw,
				     GError **error)
{
	sqlite3_stmt *stmt = writer->app_insert;
	g_autofree gchar *uuid = wb_uuid_to_string(&raw->app_uuid);
	gboolean ok;

	if (!begin_durable(writer->store, error))
		return FALSE;
	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, writer->key);
	sqlite3_bind_text(stmt, 2, uuid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, raw->tag);
	sqlite3_bind_int64(stmt, 4, raw->item_type);
	sqlite3_bind_int64(stmt, 5, raw->item_size);
	sqlite3_bind_int64(stmt, 6, raw->session_time);
	sqlite3_bind_int64(stmt, 7, raw->received);
	sqlite3_bind_blob64(stmt, 8, raw->data, raw->len, SQLITE_STATIC);
	ok = sqlite3_step(stmt) == SQLITE_DONE;
	if (!ok)
		store_fail(writer->store, error, "storing app data");
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return end_durable(writer->store, ok, error);
}

/**
 * wb_store_health_open_another:
 * @store: the store
 * @error: return location for a #GError
 *
 * Opens a second connection to the same database, for bounded work in a thread (reprocess).
 *
 * Returns: (transfer full) (nullable): the other connection
 */
WbStore *
wb_store_health_open_another(WbStore *store, GError **error)
{
	return wb_store_open(store->path, error);
}

/**
 * wb_store_health_reprocess:
 * @store: the store (may be a connection of its own, in a thread)
 * @watch_id: the watch
 * @out_readings: (out): how many readings the raw payloads yielded
 * @out_skipped: (out): how many raw payloads this parser cannot read (kept, not used)
 * @error: return location for a #GError
 *
 * Derives every reading of @watch_id again from the stored raw payloads, in the order they
 * arrived, in one transaction: the readings are deleted and rebuilt, so what a fixed parser no
 * longer produces disappears too. If it fails, nothing changes.
 *
 * Returns: %TRUE once committed
 */
gboolean
wb_store_health_reprocess(WbStore *store, const gchar *watch_id, guint *out_readings,
			  guint *out_skipped, GError **error)
{
	g_autoptr(WbStoreHealthWriter) writer = NULL;
	g_autoptr(sqlite3_stmt) select = NULL;
	g_autoptr(sqlite3_stmt) del = NULL;
	const gchar *const deletes[] = {
		"DELETE FROM health_minutes WHERE watch = ?1",
		"DELETE FROM health_steps_quarter WHERE watch = ?1",
		"DELETE FROM health_sessions WHERE watch = ?1",
		"DELETE FROM health_heart_rate WHERE watch = ?1",
	};
	WbHealthCommitStats stats = {0};
	guint skipped = 0;
	gboolean ok = TRUE;
	int rc = SQLITE_DONE;

	writer = wb_store_health_writer_new(store, watch_id, error);
	if (writer == NULL)
		return FALSE;
	select = store_prepare(store,
			       "SELECT tag, item_size, data FROM health_raw WHERE watch = ?1 "
			       "ORDER BY id",
			       error);
	if (select == NULL)
		return FALSE;
	sqlite3_bind_int64(select, 1, writer->key);
	if (!begin_durable(store, error))
		return FALSE;
	for (gsize i = 0; ok && i < G_N_ELEMENTS(deletes); i++) {
		g_clear_pointer(&del, sqlite3_finalize);
		del = store_prepare(store, deletes[i], error);
		ok = del != NULL;
		if (ok) {
			sqlite3_bind_int64(del, 1, writer->key);
			ok = sqlite3_step(del) == SQLITE_DONE ||
			     store_fail(store, error, "clearing the readings");
		}
	}
	while (ok && (rc = sqlite3_step(select)) == SQLITE_ROW) {
		g_auto(WbHealthItems) items = {0};
		const guint8 *data = sqlite3_column_blob(select, 2);
		gsize len = (gsize)sqlite3_column_bytes(select, 2);
		gint64 tag = sqlite3_column_int64(select, 0);
		gint64 item_size = sqlite3_column_int64(select, 1);

		if (tag < 0 || tag > G_MAXUINT32 || item_size <= 0 || item_size > G_MAXUINT16 ||
		    !wb_health_parse_items((guint32)tag, (guint16)item_size, data, len, &items,
					   NULL)) {
			/* the parser's verdict on data it accepted before: keep the payload for
			 * the next fix, use none of it */
			skipped++;
			continue;
		}
		ok = apply_items(writer, &items, &stats, error);
	}
	if (ok && rc != SQLITE_DONE)
		ok = store_fail(store, error, "reading the raw payloads");
	g_clear_pointer(&select, sqlite3_finalize);
	g_clear_pointer(&del, sqlite3_finalize);
	if (!end_durable(store, ok, error)) {
		g_prefix_error(error, "reprocessing: ");
		return FALSE;
	}
	*out_readings = stats.readings;
	*out_skipped = skipped;
	return TRUE;
}

/**
 * wb_store_health_set_last_sync:
 * @store: the store
 * @watch_id: the watch
 * @time: when its last sync finished, UTC seconds
 * @error: return location for a #GError
 *
 * Returns: %TRUE once committed
 */
gboolean
wb_store_health_set_last_sync(WbStore *store, const gchar *watch_id, gint64 time, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = store_prepare(store,
			     "INSERT INTO health_watch (watch_id, last_sync) VALUES (?1, ?2) "
			     "ON CONFLICT(watch_id) DO UPDATE SET last_sync = ?2",
			     error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, time);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return store_fail(store, error, "saving the last sync time");
	return TRUE;
}

/**
 * wb_store_health_get_last_sync:
 * @store: the store
 * @watch_id: the watch
 * @out_time: (out): when its last sync finished, 0 if never
 * @error: return location for a #GError
 *
 * Returns: %TRUE unless the store could not be read
 */
gboolean
wb_store_health_get_last_sync(WbStore *store, const gchar *watch_id, gint64 *out_time,
			      GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	int rc;

	stmt = store_prepare(store, "SELECT last_sync FROM health_watch WHERE watch_id = ?1",
			     error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the last sync time");
	*out_time = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	return TRUE;
}

/* ---- Queries ---- */

/* Prepares @sql and binds ?1 = the watch's key (or an impossible one), ?2 = from, ?3 = to. */
static sqlite3_stmt *
prepare_range(WbStore *store, const gchar *sql, const gchar *watch_id, gint64 from, gint64 to,
	      GError **error)
{
	sqlite3_stmt *stmt;
	gint64 key;

	if (!watch_key(store, watch_id, FALSE, &key, error))
		return NULL;
	stmt = store_prepare(store, sql, error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64(stmt, 1, key);
	sqlite3_bind_int64(stmt, 2, from);
	sqlite3_bind_int64(stmt, 3, to);
	return stmt;
}

/* Runs @sql (?1 watch, ?2..?3 the range, ?4 the first bucket's start, ?5 the bucket size;
 * rows: bucket index, steps) and adds the sums to @out. */
static gboolean
add_step_sums(WbStore *store, const gchar *sql, const gchar *watch_id, gint64 from, gint64 to,
	      gint64 origin, guint bucket_seconds, GArray *out, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = prepare_range(store, sql, watch_id, from, to, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64(stmt, 4, origin);
	sqlite3_bind_int64(stmt, 5, bucket_seconds);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		gint64 i = sqlite3_column_int64(stmt, 0);
		gint64 steps = sqlite3_column_int64(stmt, 1);
		WbHealthStepBucket *b;

		if (i < 0 || i >= out->len)
			continue;
		b = &g_array_index(out, WbHealthStepBucket, i);
		b->steps = (guint32)CLAMP((gint64)b->steps + steps, 0, G_MAXUINT32);
	}
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "reading steps");
	return TRUE;
}

/**
 * wb_store_health_get_steps:
 * @store: the store
 * @watch_id: the watch
 * @from: start, UTC seconds
 * @to: end (exclusive), not before @from
 * @bucket_seconds: bucket size, at least 1; the caller bounds the number of buckets
 * @error: return location for a #GError
 *
 * A minute belongs to the bucket its start falls in; the last bucket may reach past @to, but
 * only minutes before @to count.
 *
 * Returns: (transfer full) (element-type WbHealthStepBucket) (nullable): every bucket of
 *   [@from, @to) in order, empty ones included
 */
GArray *
wb_store_health_get_steps(WbStore *store, const gchar *watch_id, gint64 from, gint64 to,
			  guint bucket_seconds, GError **error)
{
	g_autoptr(GArray) out = g_array_new(FALSE, TRUE, sizeof(WbHealthStepBucket));
	gint64 split = from;
	guint64 n;

	g_return_val_if_fail(bucket_seconds > 0 && from <= to, NULL);
	n = ((guint64)(to - from) + bucket_seconds - 1) / bucket_seconds;
	g_array_set_size(out, (guint)n);
	for (guint i = 0; i < out->len; i++)
		g_array_index(out, WbHealthStepBucket, i).start = from + (gint64)i * bucket_seconds;

	/* quarter hours that lie whole within one bucket come from their totals; the minutes of
	 * the rest (an unaligned range or bucket, a partial last quarter) are added up */
	if (from % QUARTER_S == 0 && bucket_seconds % QUARTER_S == 0) {
		split = from + (to - from) / QUARTER_S * QUARTER_S;
		if (!add_step_sums(
			    store,
			    "SELECT (quarter - ?4) / ?5, SUM(steps) FROM health_steps_quarter "
			    "WHERE watch = ?1 AND quarter >= ?2 AND quarter < ?3 GROUP BY 1",
			    watch_id, from, split, from, bucket_seconds, out, error))
			return NULL;
	}
	if (split < to && !add_step_sums(store,
					 "SELECT (time - ?4) / ?5, SUM(steps) FROM health_minutes "
					 "WHERE watch = ?1 AND time >= ?2 AND time < ?3 GROUP BY 1",
					 watch_id, split, to, from, bucket_seconds, out, error))
		return NULL;
	return g_steal_pointer(&out);
}

/**
 * wb_store_health_get_heart_rate:
 * @store: the store
 * @watch_id: the watch
 * @from: start, UTC seconds
 * @to: end (exclusive)
 * @limit: return at most @limit + 1 readings, so that the caller can tell "more than @limit"
 * @error: return location for a #GError
 *
 * The samples of the heart-rate log and the heart rates of the minute records (quality
 * %WB_HEALTH_QUALITY_FROM_MINUTE), in time order.
 *
 * Returns: (transfer full) (element-type WbHealthHeartRate) (nullable): the readings
 */
GArray *
wb_store_health_get_heart_rate(WbStore *store, const gchar *watch_id, gint64 from, gint64 to,
			       guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(WbHealthHeartRate));
	int rc;

	stmt = prepare_range(store,
			     "SELECT time, bpm, quality FROM health_heart_rate "
			     "WHERE watch = ?1 AND time >= ?2 AND time < ?3 "
			     "UNION ALL "
			     "SELECT time, heart_rate, 255 FROM health_minutes "
			     "WHERE watch = ?1 AND time >= ?2 AND time < ?3 AND heart_rate > 0 "
			     "ORDER BY 1, 3 LIMIT ?4",
			     watch_id, from, to, error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64(stmt, 4, (gint64)limit + 1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		WbHealthHeartRate r = {
			.time = sqlite3_column_int64(stmt, 0),
			.bpm = (guint8)sqlite3_column_int(stmt, 1),
			.quality = (guint8)sqlite3_column_int(stmt, 2),
		};
		g_array_append_val(out, r);
	}
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "reading heart rates");
		return NULL;
	}
	return g_steal_pointer(&out);
}

/**
 * wb_store_health_get_sleep:
 * @store: the store
 * @watch_id: the watch
 * @from: start, UTC seconds
 * @to: end (exclusive)
 * @limit: return at most @limit + 1 sessions
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type WbHealthSleep) (nullable): the sleep, deep sleep, nap
 *   and deep nap sessions that overlap [@from, @to) (or start in it), by start
 */
GArray *
wb_store_health_get_sleep(WbStore *store, const gchar *watch_id, gint64 from, gint64 to,
			  guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(WbHealthSleep));
	int rc;

	stmt = prepare_range(store,
			     "SELECT start, duration, kind FROM health_sessions "
			     "WHERE watch = ?1 AND start < ?3 AND start >= ?2 - ?5 "
			     "AND kind BETWEEN 1 AND 4 AND (start + duration > ?2 OR start >= ?2) "
			     "ORDER BY start, kind LIMIT ?4",
			     watch_id, from, to, error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64(stmt, 4, (gint64)limit + 1);
	sqlite3_bind_int64(stmt, 5, WB_HEALTH_MAX_SESSION_S);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		WbHealthSleep s = {
			.start = sqlite3_column_int64(stmt, 0),
			.duration = (guint32)CLAMP(sqlite3_column_int64(stmt, 1), 0, G_MAXUINT32),
			.kind = (guint8)sqlite3_column_int(stmt, 2),
		};
		g_array_append_val(out, s);
	}
	if (rc != SQLITE_DONE) {
		store_fail(store, error, "reading sleep");
		return NULL;
	}
	return g_steal_pointer(&out);
}

static guint32
clamp_u32(gint64 v)
{
	return (guint32)CLAMP(v, 0, G_MAXUINT32);
}

static int
cmp_u8(gconstpointer a, gconstpointer b)
{
	return (int)*(const guint8 *)a - (int)*(const guint8 *)b;
}

/**
 * wb_store_health_get_daily_summary:
 * @store: the store
 * @watch_id: the watch
 * @day_start: the day's first second (local midnight), UTC seconds
 * @day_end: the next day's first second
 * @out_summary: (out caller-allocates): the totals
 * @error: return location for a #GError
 *
 * Sleep counts the part of each sleep or nap session within the day (a night across midnight
 * counts on both sides), so that days add up. The deep sleep of a legacy record (which says
 * how much, not where) is spread evenly over its night.
 *
 * Returns: %TRUE unless the store could not be read
 */
gboolean
wb_store_health_get_daily_summary(WbStore *store, const gchar *watch_id, gint64 day_start,
				  gint64 day_end, WbHealthDailySummary *out_summary, GError **error)
{
	g_autoptr(sqlite3_stmt) minutes = NULL;
	g_autoptr(sqlite3_stmt) sleep = NULL;
	g_autoptr(sqlite3_stmt) resting = NULL;
	g_autoptr(sqlite3_stmt) max = NULL;
	g_autoptr(GArray) rates = g_array_new(FALSE, FALSE, sizeof(guint8));
	WbHealthDailySummary s = {0};
	int rc;

	minutes = prepare_range(store,
				"SELECT SUM(steps), SUM((flags & 2) != 0), SUM(distance_cm) "
				"FROM health_minutes WHERE watch = ?1 AND time >= ?2 AND time < ?3",
				watch_id, day_start, day_end, error);
	if (minutes == NULL)
		return FALSE;
	if (sqlite3_step(minutes) != SQLITE_ROW)
		return store_fail(store, error, "summing the day's minutes");
	s.steps = clamp_u32(sqlite3_column_int64(minutes, 0));
	s.active_minutes = clamp_u32(sqlite3_column_int64(minutes, 1));
	s.distance_m = clamp_u32(sqlite3_column_int64(minutes, 2) / 100);

	sleep = prepare_range(
		store,
		"SELECT "
		" SUM(CASE WHEN kind IN (1, 3) THEN MIN(start + duration, ?3) - MAX(start, ?2) "
		"END),"
		" SUM(CASE WHEN kind IN (2, 4) THEN MIN(start + duration, ?3) - MAX(start, ?2)"
		"     WHEN duration > 0 THEN deep_seconds * (MIN(start + duration, ?3) -"
		"      MAX(start, ?2)) / duration END) "
		"FROM health_sessions WHERE watch = ?1 AND kind BETWEEN 1 AND 4 AND start < ?3 "
		"AND start >= ?2 - ?4 AND start + duration > ?2",
		watch_id, day_start, day_end, error);
	if (sleep == NULL)
		return FALSE;
	sqlite3_bind_int64(sleep, 4, WB_HEALTH_MAX_SESSION_S);
	if (sqlite3_step(sleep) != SQLITE_ROW)
		return store_fail(store, error, "summing the day's sleep");
	s.sleep_seconds = clamp_u32(sqlite3_column_int64(sleep, 0));
	s.deep_sleep_seconds = clamp_u32(sqlite3_column_int64(sleep, 1));

	resting = prepare_range(store,
				"SELECT heart_rate FROM health_minutes WHERE watch = ?1 AND "
				"time >= ?2 AND time < ?3 AND heart_rate > 0 AND steps = 0",
				watch_id, day_start, day_end, error);
	if (resting == NULL)
		return FALSE;
	while ((rc = sqlite3_step(resting)) == SQLITE_ROW) {
		guint8 bpm = (guint8)sqlite3_column_int(resting, 0);
		g_array_append_val(rates, bpm);
	}
	if (rc != SQLITE_DONE)
		return store_fail(store, error, "reading the day's heart rates");
	if (rates->len > 0) {
		g_array_sort(rates, cmp_u8);
		s.resting_heart_rate = g_array_index(rates, guint8, rates->len / 10);
	}

	max = prepare_range(store,
			    "SELECT MAX(m) FROM ("
			    " SELECT MAX(heart_rate) AS m FROM health_minutes WHERE watch = ?1 AND "
			    " time >= ?2 AND time < ?3"
			    " UNION ALL"
			    " SELECT MAX(bpm) FROM health_heart_rate WHERE watch = ?1 AND "
			    " time >= ?2 AND time < ?3 AND quality >= 3)",
			    watch_id, day_start, day_end, error);
	if (max == NULL)
		return FALSE;
	if (sqlite3_step(max) != SQLITE_ROW)
		return store_fail(store, error, "reading the day's highest heart rate");
	s.max_heart_rate = (guint8)CLAMP(sqlite3_column_int64(max, 0), 0, G_MAXUINT8);

	*out_summary = s;
	return TRUE;
}

/**
 * wb_store_health_sum_steps:
 * @store: the store
 * @watch_id: the watch
 * @from: start, UTC seconds
 * @to: end (exclusive)
 * @out_steps: (out): the steps of the minutes in [@from, @to)
 * @error: return location for a #GError
 *
 * Returns: %TRUE unless the store could not be read
 */
gboolean
wb_store_health_sum_steps(WbStore *store, const gchar *watch_id, gint64 from, gint64 to,
			  guint64 *out_steps, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = prepare_range(store,
			     "SELECT SUM(steps) FROM health_minutes WHERE watch = ?1 AND "
			     "time >= ?2 AND time < ?3",
			     watch_id, from, to, error);
	if (stmt == NULL)
		return FALSE;
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return store_fail(store, error, "summing steps");
	*out_steps = (guint64)MAX(sqlite3_column_int64(stmt, 0), 0);
	return TRUE;
}

/**
 * wb_store_health_get_last_heart_rate:
 * @store: the store
 * @watch_id: the watch
 * @out_time: (out): the latest heart-rate reading's time, 0 if none
 * @out_bpm: (out): its value, 0 if none
 * @error: return location for a #GError
 *
 * Returns: %TRUE unless the store could not be read
 */
gboolean
wb_store_health_get_last_heart_rate(WbStore *store, const gchar *watch_id, gint64 *out_time,
				    guint8 *out_bpm, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	int rc;

	stmt = prepare_range(store,
			     "SELECT time, bpm FROM ("
			     " SELECT * FROM (SELECT time, bpm FROM health_heart_rate"
			     "  WHERE watch = ?1 AND bpm > 0 ORDER BY time DESC LIMIT 1)"
			     " UNION ALL"
			     " SELECT * FROM (SELECT time, heart_rate FROM health_minutes"
			     "  WHERE watch = ?1 AND heart_rate > 0 ORDER BY time DESC LIMIT 1))"
			     "ORDER BY time DESC LIMIT 1",
			     watch_id, 0, 0, error);
	if (stmt == NULL)
		return FALSE;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, error, "reading the last heart rate");
	*out_time = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	*out_bpm = rc == SQLITE_ROW ? (guint8)sqlite3_column_int(stmt, 1) : 0;
	return TRUE;
}
