/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The firmware variant of old watches (before 3.11): version-5 minute records and sleep in
 * legacy tag-83 records instead of tag-84 activity sessions, no heart rate. Used where a
 * minute record version is expected (--health-version 83). */
#define WB_SIM_HEALTH_LEGACY 83

/* The default firmware variant: 4.x with a heart-rate sensor (minute records v13) */
#define WB_SIM_HEALTH_DEFAULT_VERSION 13

/**
 * WbSimHealthParams:
 * @version: the firmware variant: a minute record version (4, 5, 6, 7, 12, 13, 14) or
 *   %WB_SIM_HEALTH_LEGACY
 * @seed: the seed; the same seed gives the same calendar days
 * @start_utc: the first minute generated, UTC seconds (a multiple of 900)
 * @end_utc: the end of the range (exclusive), a multiple of 900, after @start_utc
 * @utc_to_local: the watch's local time minus UTC, seconds (a multiple of 900)
 * @serial: (nullable): the watch's serial number, the sender of heart-rate payloads
 *
 * What to generate: every minute of [@start_utc, @end_utc) and the sessions lying wholly
 * inside it.
 */
typedef struct {
	guint version;
	guint32 seed;
	gint64 start_utc;
	gint64 end_utc;
	gint32 utc_to_local;
	const gchar *serial;
} WbSimHealthParams;

/**
 * WbSimHealthBatch:
 * @minute_item_size: the item size of @minute_items (9 + 15 × sample size)
 * @minute_items: tag-81 minute records, in time order
 * @session_items: tag-84 activity sessions (26 bytes each), in the order they end; empty for
 *   the legacy variant
 * @legacy_sleep_items: tag-83 legacy sleep records (18 bytes each); only the legacy variant
 * @hr_items: tag-85 protobuf log items (300 bytes each); only variants with heart rate (v7+)
 *
 * The items the watch logs for a generated range, per data-logging tag. Free with
 * wb_sim_health_batch_clear().
 */
typedef struct {
	guint16 minute_item_size;
	GByteArray *minute_items;
	GByteArray *session_items;
	GByteArray *legacy_sleep_items;
	GByteArray *hr_items;
} WbSimHealthBatch;

void wb_sim_health_batch_clear(WbSimHealthBatch *batch);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbSimHealthBatch, wb_sim_health_batch_clear)

gboolean wb_sim_health_version_is_valid(guint version);
guint16 wb_sim_health_minute_version(guint version);
guint16 wb_sim_health_minute_item_size(guint version);
gboolean wb_sim_health_has_heart_rate(guint version);

gboolean wb_sim_health_generate(const WbSimHealthParams *params, WbSimHealthBatch *out,
				GError **error);

/* ---- ground truth ---- */

typedef struct _WbSimHealthTruth WbSimHealthTruth;

WbSimHealthTruth *wb_sim_health_truth_new(void);
void wb_sim_health_truth_free(WbSimHealthTruth *truth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbSimHealthTruth, wb_sim_health_truth_free)
void wb_sim_health_truth_reset(WbSimHealthTruth *truth);
gboolean wb_sim_health_truth_add(WbSimHealthTruth *truth, guint32 tag, guint16 item_size,
				 const guint8 *data, gsize len, GError **error);
guint64 wb_sim_health_truth_get_bytes(const WbSimHealthTruth *truth);
void wb_sim_health_truth_add_json(const WbSimHealthTruth *truth, JsonBuilder *builder,
				  gboolean per_day);

G_END_DECLS
