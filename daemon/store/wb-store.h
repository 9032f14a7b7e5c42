/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * WbStoredWatch:
 * @id: the object path's last element, e.g. "emulator_127_0_0_1_12344"
 * @transport: "emulator", "ble" or "rfcomm"
 * @target: where the link connects to ("HOST:PORT" or a BT address)
 * @name: display name
 * @address: the watch's own BT address
 * @model: watch family
 * @platform: SDK platform
 * @firmware: running firmware version tag
 * @serial: serial number
 * @auto_connect: keep it connected
 * @last_connected: Unix seconds, 0 if never
 *
 * A known watch as the store keeps it.
 */
typedef struct {
	gchar *id;
	gchar *transport;
	gchar *target;
	gchar *name;
	gchar *address;
	gchar *model;
	gchar *platform;
	gchar *firmware;
	gchar *serial;
	gboolean auto_connect;
	gint64 last_connected;
} WbStoredWatch;

void wb_stored_watch_free(WbStoredWatch *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbStoredWatch, wb_stored_watch_free)

typedef struct _WbStore WbStore;

WbStore *wb_store_open(const gchar *path, GError **error);
void wb_store_free(WbStore *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbStore, wb_store_free)

gint wb_store_get_schema_version(WbStore *self);
GPtrArray *wb_store_list_watches(WbStore *self, GError **error);
gboolean wb_store_save_watch(WbStore *self, const WbStoredWatch *w, GError **error);
gboolean wb_store_delete_watch(WbStore *self, const gchar *id, GError **error);
gchar *wb_store_default_path(void);

G_END_DECLS
