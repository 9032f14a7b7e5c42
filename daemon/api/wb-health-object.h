/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-dbus.h"
#include "wb-health-service.h"
#include "wb-watch.h"

G_BEGIN_DECLS

#define WB_TYPE_HEALTH_OBJECT (wb_health_object_get_type())
G_DECLARE_FINAL_TYPE(WbHealthObject, wb_health_object, WB, HEALTH_OBJECT, WbDBusHealth1Skeleton)

WbHealthObject *wb_health_object_new(WbWatch *watch, WbHealthService *service);

G_END_DECLS
