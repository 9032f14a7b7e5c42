/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wb-config.h"
#include "wb-store.h"
#include "wb-watch.h"

G_BEGIN_DECLS

#define WB_TYPE_DAEMON (wb_daemon_get_type())
G_DECLARE_FINAL_TYPE(WbDaemon, wb_daemon, WB, DAEMON, GObject)

WbDaemon *wb_daemon_new(const WbConfig *config, WbStore *store, GDBusConnection *session,
			GDBusConnection *system);
gboolean wb_daemon_load(WbDaemon *self, GError **error);
void wb_daemon_start(WbDaemon *self);
void wb_daemon_shutdown(WbDaemon *self);
GPtrArray *wb_daemon_get_watches(WbDaemon *self);
WbWatch *wb_daemon_lookup(WbDaemon *self, const gchar *id);
WbWatch *wb_daemon_add_emulator(WbDaemon *self, const gchar *address, GError **error);
WbBluetooth *wb_daemon_get_bluetooth(WbDaemon *self);
WbWatch *wb_daemon_add_bluetooth(WbDaemon *self, const gchar *address, const gchar *transport,
				 const gchar *name);
gboolean wb_daemon_forget(WbDaemon *self, const gchar *id, GError **error);

G_END_DECLS
