/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-service.h"

G_BEGIN_DECLS

#define WB_TYPE_TIME_SERVICE (wb_time_service_get_type())
G_DECLARE_FINAL_TYPE(WbTimeService, wb_time_service, WB, TIME_SERVICE, WbService)

WbTimeService *wb_time_service_new(const WbConfig *config);
gboolean wb_time_service_sync(WbTimeService *self, GError **error);
gchar *wb_time_zone_name_for_watch(GTimeZone *tz);

G_END_DECLS
