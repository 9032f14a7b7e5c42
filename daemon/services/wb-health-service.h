/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-service.h"
#include "wb-store.h"

G_BEGIN_DECLS

#define WB_TYPE_HEALTH_SERVICE (wb_health_service_get_type())
G_DECLARE_FINAL_TYPE(WbHealthService, wb_health_service, WB, HEALTH_SERVICE, WbService)

WbHealthService *wb_health_service_new(WbStore *store, const WbConfig *config,
				       const gchar *watch_id);

G_END_DECLS
