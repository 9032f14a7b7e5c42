/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The daemon's own desktop notifications, through libnotify, from this one module and never
 * from a request path. Each carries the WB_DESKTOP_HINT_SELF hint so it is never mirrored.
 */
#define WB_TYPE_DESKTOP_NOTIFIER (wb_desktop_notifier_get_type())
G_DECLARE_FINAL_TYPE(WbDesktopNotifier, wb_desktop_notifier, WB, DESKTOP_NOTIFIER, GObject)

/* "action" signal: (const gchar *watch_id, const gchar *action) e.g. "reconnect" */

WbDesktopNotifier *wb_desktop_notifier_new(guint lost_grace_s);
/* A watch connected: shown unless it was away for less than the grace period (no flapping). */
void wb_desktop_notifier_watch_connected(WbDesktopNotifier *self, const gchar *watch_id,
					 const gchar *name);
/* A watch went away: shown only if it is still away after the grace period, with a
 * "Reconnect" action. */
void wb_desktop_notifier_watch_lost(WbDesktopNotifier *self, const gchar *watch_id,
				    const gchar *name);
void wb_desktop_notifier_battery_low(WbDesktopNotifier *self, const gchar *watch_id,
				     const gchar *name, guint percent);
void wb_desktop_notifier_install_finished(WbDesktopNotifier *self, const gchar *watch_id,
					  const gchar *name, const gchar *app, gboolean ok);

G_END_DECLS
