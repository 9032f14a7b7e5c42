/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-dbus.h"
#include "wb-notification-service.h"

G_BEGIN_DECLS

#define WB_TYPE_NOTIFICATIONS_OBJECT (wb_notifications_object_get_type())
G_DECLARE_FINAL_TYPE(WbNotificationsObject, wb_notifications_object, WB, NOTIFICATIONS_OBJECT,
		     WbDBusNotifications1Skeleton)

WbNotificationsObject *wb_notifications_object_new(WbNotificationService *service);

G_END_DECLS
