/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-service.h"
#include "wb-store.h"

G_BEGIN_DECLS

/* A sync is over when no data logging or health-sync frame came for this long. */
#define WB_HEALTH_SYNC_QUIET_MS 1500
/* ... and it fails with Timeout when the watch sends nothing at all for this long. */
#define WB_HEALTH_SYNC_TIMEOUT_S 60

#define WB_TYPE_HEALTH_SERVICE (wb_health_service_get_type())
G_DECLARE_FINAL_TYPE(WbHealthService, wb_health_service, WB, HEALTH_SERVICE, WbService)

WbHealthService *wb_health_service_new(WbStore *store, const WbConfig *config,
				       const gchar *watch_id);

WbStore *wb_health_service_get_store(WbHealthService *self);
const gchar *wb_health_service_get_watch_id(WbHealthService *self);
gboolean wb_health_service_get_syncing(WbHealthService *self);
guint64 wb_health_service_get_last_sync(WbHealthService *self);
guint wb_health_service_get_steps_today(WbHealthService *self);

void wb_health_service_sync_async(WbHealthService *self, GCancellable *cancellable,
				  GAsyncReadyCallback callback, gpointer user_data);
gboolean wb_health_service_sync_finish(WbHealthService *self, GAsyncResult *result,
				       guint *out_records, GError **error);

void wb_health_service_reprocess_async(WbHealthService *self, GCancellable *cancellable,
				       GAsyncReadyCallback callback, gpointer user_data);
gboolean wb_health_service_reprocess_finish(WbHealthService *self, GAsyncResult *result,
					    guint *out_readings, GError **error);

gboolean wb_health_day_bounds(GTimeZone *tz, gint64 time, gint64 *out_start, gint64 *out_end);

G_END_DECLS
