/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-desktop-notification.h"
#include "wb-idle-monitor.h"
#include "wb-notification-monitor.h"
#include "wb-service.h"
#include "wb-store.h"

G_BEGIN_DECLS

#define WB_TYPE_NOTIFICATION_SERVICE (wb_notification_service_get_type())
G_DECLARE_FINAL_TYPE(WbNotificationService, wb_notification_service, WB, NOTIFICATION_SERVICE,
		     WbService)

/*
 * Signals:
 * "api-action" (const gchar *id, const gchar *action, const gchar *text, const gchar *sender):
 *   the person chose an action on the watch for a notification sent through the API.
 * "outbox-changed" (): the number of queued notifications changed.
 */

WbNotificationService *wb_notification_service_new(WbStore *store, const WbConfig *config,
						   const gchar *watch_id,
						   WbNotificationMonitor *monitor,
						   WbIdleMonitor *idle);
void wb_notification_service_post(WbNotificationService *self, WbDesktopNotification *n);
void wb_notification_service_closed(WbNotificationService *self, const gchar *key);
gchar *wb_notification_service_send(WbNotificationService *self, WbDesktopNotification *n,
				    GError **error);
gboolean wb_notification_service_dismiss(WbNotificationService *self, const gchar *id,
					 GError **error);
GPtrArray *wb_notification_service_history(WbNotificationService *self, guint limit,
					   GError **error);
guint wb_notification_service_outbox_length(WbNotificationService *self);

GVariant *wb_desktop_notification_serialize(const WbDesktopNotification *n);
WbDesktopNotification *wb_desktop_notification_deserialize(GVariant *v);

G_END_DECLS
