/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-desktop-notification.h"

G_BEGIN_DECLS

/**
 * WbMonitorMode:
 * @WB_MONITOR_MODE_NONE: not capturing
 * @WB_MONITOR_MODE_MONITOR: a BecomeMonitor connection (sees everything)
 * @WB_MONITOR_MODE_EAVESDROP: the bus refused monitoring; eavesdropping match rules
 */
typedef enum {
	WB_MONITOR_MODE_NONE,
	WB_MONITOR_MODE_MONITOR,
	WB_MONITOR_MODE_EAVESDROP,
} WbMonitorMode;

#define WB_TYPE_NOTIFICATION_MONITOR (wb_notification_monitor_get_type())
G_DECLARE_FINAL_TYPE(WbNotificationMonitor, wb_notification_monitor, WB, NOTIFICATION_MONITOR,
		     GObject)

/*
 * Signals (all emitted in the main context of the thread that called _start_async):
 *
 * "notification-posted" (WbDesktopNotification *n): a desktop notification was shown or
 *   replaced. fdo notifications are emitted once the server's reply gives their id (so
 *   n->key and n->server_id are set; a replace carries the same key as the one it replaces).
 *   Notifications from ourselves are emitted too, with from_self set, so the caller can
 *   record the decision; GNOME Shell re-emissions with reemitted set.
 * "notification-closed" (const gchar *key, guint reason): closed on the desktop
 *   (NotificationClosed, a CloseNotification call, RemoveNotification, the app withdrew it).
 * "notification-action-invoked" (const gchar *key, const gchar *action): the notification
 *   server reported an action chosen on the desktop (ActionInvoked; fdo only).
 */

WbNotificationMonitor *wb_notification_monitor_new(GDBusConnection *session);
void wb_notification_monitor_start_async(WbNotificationMonitor *self, GCancellable *cancellable,
					 GAsyncReadyCallback callback, gpointer user_data);
gboolean wb_notification_monitor_start_finish(WbNotificationMonitor *self, GAsyncResult *result,
					      GError **error);
void wb_notification_monitor_set_bus_address(WbNotificationMonitor *self, const gchar *address);
WbMonitorMode wb_notification_monitor_get_mode(WbNotificationMonitor *self);
void wb_notification_monitor_stop(WbNotificationMonitor *self);

/* Acting on the desktop (through the normal session connection given to _new):
 * close: fdo → CloseNotification(server_id); gtk → org.gtk.Notifications.RemoveNotification.
 * activate: gtk → org.freedesktop.Application.ActivateAction on the app (as the shell does);
 *   fdo → not possible (only the notification server emits ActionInvoked): NOT_SUPPORTED. */
void wb_notification_monitor_close_async(WbNotificationMonitor *self, WbDesktopNotification *n,
					 GCancellable *cancellable, GAsyncReadyCallback callback,
					 gpointer user_data);
gboolean wb_notification_monitor_close_finish(WbNotificationMonitor *self, GAsyncResult *result,
					      GError **error);
gboolean wb_notification_monitor_can_activate(WbNotificationMonitor *self, WbDesktopNotification *n,
					      const gchar *action_id);
void wb_notification_monitor_activate_async(WbNotificationMonitor *self, WbDesktopNotification *n,
					    const gchar *action_id, GCancellable *cancellable,
					    GAsyncReadyCallback callback, gpointer user_data);
gboolean wb_notification_monitor_activate_finish(WbNotificationMonitor *self, GAsyncResult *result,
						 GError **error);

G_END_DECLS
