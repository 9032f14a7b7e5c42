/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Whether the person is at the computer: the session is idle or locked according to
 * org.freedesktop.ScreenSaver / org.gnome.ScreenSaver (GetActive, ActiveChanged) on the
 * session bus, or logind's IdleHint/LockedHint of our session on the system bus. Follows
 * changes by signal; never polls. With no source available it reports "not idle" and says so
 * once in the log.
 * Property "idle" (gboolean), notify::idle on change.
 */
#define WB_TYPE_IDLE_MONITOR (wb_idle_monitor_get_type())
G_DECLARE_FINAL_TYPE(WbIdleMonitor, wb_idle_monitor, WB, IDLE_MONITOR, GObject)

WbIdleMonitor *wb_idle_monitor_new(GDBusConnection *session);
void wb_idle_monitor_set_system_bus(WbIdleMonitor *self, GDBusConnection *system);
void wb_idle_monitor_start(WbIdleMonitor *self);
gboolean wb_idle_monitor_get_idle(WbIdleMonitor *self);

G_END_DECLS
