/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-health.h"
#include "wb-store.h"
#include "wb-uuid.h"

G_BEGIN_DECLS

gboolean wb_store_health_migrate_to_3(WbStore *self, GError **error);

/**
 * WbHealthKind:
 * @WB_HEALTH_KIND_STEPS: minute samples (steps, activity, light, heart rate of the minute)
 * @WB_HEALTH_KIND_SLEEP: sleep, deep sleep, nap and deep nap sessions
 * @WB_HEALTH_KIND_ACTIVITY: walks, runs, workouts
 * @WB_HEALTH_KIND_HEART_RATE: samples of the heart-rate log
 * @WB_HEALTH_N_KINDS: the number of kinds
 *
 * The kinds of reading, as org.wearbridge.Health1.ReadingsAdded names them.
 */
typedef enum {
	WB_HEALTH_KIND_STEPS,
	WB_HEALTH_KIND_SLEEP,
	WB_HEALTH_KIND_ACTIVITY,
	WB_HEALTH_KIND_HEART_RATE,
	WB_HEALTH_N_KINDS /*< skip >*/
} WbHealthKind;

const gchar *wb_health_kind_to_string(WbHealthKind kind);

/* No session lasts longer: the service refuses longer ones, and queries rely on it. */
#define WB_HEALTH_MAX_SESSION_S (7 * 24 * 60 * 60)

/* GetHeartRate's quality for readings taken from minute records (they carry none) */
#define WB_HEALTH_QUALITY_FROM_MINUTE 255

/**
 * WbHealthRaw:
 * @app_uuid: the data logging session's app; all zero for the system's own sessions
 * @tag: the session's tag
 * @item_type: the session's item type (§6.2)
 * @item_size: the session's item size
 * @session_time: the session's creation time (OpenSession timestamp), UTC seconds
 * @received: when the daemon received the data, UTC seconds
 * @data: (array length=len): the SendData's items, as the watch sent them
 * @len: their length
 *
 * One data logging payload as it arrived, kept beside what was parsed from it.
 */
typedef struct {
	WbUuid app_uuid;
	guint32 tag;
	guint8 item_type;
	guint16 item_size;
	guint32 session_time;
	gint64 received;
	const guint8 *data;
	gsize len;
} WbHealthRaw;

/**
 * WbHealthCommitStats:
 * @readings: readings in the batch (new, changed or already stored alike)
 * @added: per #WbHealthKind, readings that were not stored before
 * @changed: readings that were stored before with other values (the newer ones win)
 * @from: per kind, the earliest time of an added reading (valid where @added is non-zero)
 * @to: per kind, the latest time of an added reading
 * @replay: the payload itself was stored before (the watch sent it again)
 *
 * What one committed batch did.
 */
typedef struct {
	guint readings;
	guint added[WB_HEALTH_N_KINDS];
	guint changed;
	gint64 from[WB_HEALTH_N_KINDS];
	gint64 to[WB_HEALTH_N_KINDS];
	gboolean replay;
} WbHealthCommitStats;

typedef struct _WbStoreHealthWriter WbStoreHealthWriter;

WbStoreHealthWriter *wb_store_health_writer_new(WbStore *store, const gchar *watch_id,
						GError **error);
void wb_store_health_writer_free(WbStoreHealthWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbStoreHealthWriter, wb_store_health_writer_free)

gboolean wb_store_health_writer_commit(WbStoreHealthWriter *writer, const WbHealthRaw *raw,
				       const WbHealthItems *items, WbHealthCommitStats *out_stats,
				       GError **error);
gboolean wb_store_health_writer_save_app_data(WbStoreHealthWriter *writer, const WbHealthRaw *raw,
					      GError **error);

WbStore *wb_store_health_open_another(WbStore *store, GError **error);
gboolean wb_store_health_reprocess(WbStore *store, const gchar *watch_id, guint *out_readings,
				   guint *out_skipped, GError **error);

gboolean wb_store_health_set_last_sync(WbStore *store, const gchar *watch_id, gint64 time,
				       GError **error);
gboolean wb_store_health_get_last_sync(WbStore *store, const gchar *watch_id, gint64 *out_time,
				       GError **error);

/**
 * WbHealthStepBucket:
 * @start: the bucket's start, UTC seconds
 * @steps: steps of the minutes that start within the bucket
 */
typedef struct {
	gint64 start;
	guint32 steps;
} WbHealthStepBucket;

/**
 * WbHealthHeartRate:
 * @time: UTC seconds
 * @bpm: beats per minute
 * @quality: a #WbHealthHrQuality, or %WB_HEALTH_QUALITY_FROM_MINUTE
 */
typedef struct {
	gint64 time;
	guint8 bpm;
	guint8 quality;
} WbHealthHeartRate;

/**
 * WbHealthSleep:
 * @start: UTC seconds
 * @duration: seconds
 * @kind: a sleep #WbHealthActivityType (1 sleep, 2 deep sleep, 3 nap, 4 deep nap)
 */
typedef struct {
	gint64 start;
	guint32 duration;
	guint8 kind;
} WbHealthSleep;

/**
 * WbHealthDailySummary:
 * @steps: steps of the minutes within the day
 * @active_minutes: minutes the watch marked active
 * @distance_m: distance in metres
 * @sleep_seconds: sleep and naps that end within the day
 * @deep_sleep_seconds: deep sleep within those
 * @resting_heart_rate: the 10th percentile of the per-minute heart rates of minutes without
 *   steps; 0 if there are none
 * @max_heart_rate: the highest heart rate of the day (minute records, and heart-rate log
 *   samples of quality "worst" or better); 0 if none
 *
 * The totals of one day, [day_start, day_end).
 */
typedef struct {
	guint32 steps;
	guint32 active_minutes;
	guint32 distance_m;
	guint32 sleep_seconds;
	guint32 deep_sleep_seconds;
	guint8 resting_heart_rate;
	guint8 max_heart_rate;
} WbHealthDailySummary;

GArray *wb_store_health_get_steps(WbStore *store, const gchar *watch_id, gint64 from, gint64 to,
				  guint bucket_seconds, GError **error);
GArray *wb_store_health_get_heart_rate(WbStore *store, const gchar *watch_id, gint64 from,
				       gint64 to, guint limit, GError **error);
GArray *wb_store_health_get_sleep(WbStore *store, const gchar *watch_id, gint64 from, gint64 to,
				  guint limit, GError **error);
gboolean wb_store_health_get_daily_summary(WbStore *store, const gchar *watch_id, gint64 day_start,
					   gint64 day_end, WbHealthDailySummary *out_summary,
					   GError **error);
gboolean wb_store_health_sum_steps(WbStore *store, const gchar *watch_id, gint64 from, gint64 to,
				   guint64 *out_steps, GError **error);
gboolean wb_store_health_get_last_heart_rate(WbStore *store, const gchar *watch_id,
					     gint64 *out_time, guint8 *out_bpm, GError **error);

G_END_DECLS
