/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* §11: classic Pebbles serve the Serial Port Profile */
#define WB_BLUEZ_SPP_UUID "00001101-0000-1000-8000-00805f9b34fb"
/* Where the daemon exports its org.bluez.Profile1 */
#define WB_BLUEZ_PROFILE_PATH "/org/wearbridge/profile/spp"
/* How long a ConnectProfile may take, NewConnection included (bluetoothd's own page and
 * SDP timeouts are shorter) */
#define WB_BLUEZ_PROFILE_CONNECT_TIMEOUT_S 30

#define WB_TYPE_BLUEZ_PROFILE (wb_bluez_profile_get_type())
G_DECLARE_FINAL_TYPE(WbBluezProfile, wb_bluez_profile, WB, BLUEZ_PROFILE, GObject)

WbBluezProfile *wb_bluez_profile_new(GDBusConnection *system_bus);
void wb_bluez_profile_register_async(WbBluezProfile *self, GCancellable *cancellable,
				     GAsyncReadyCallback callback, gpointer user_data);
gboolean wb_bluez_profile_register_finish(WbBluezProfile *self, GAsyncResult *result,
					  GError **error);
gboolean wb_bluez_profile_is_registered(WbBluezProfile *self);
void wb_bluez_profile_unregister(WbBluezProfile *self);
void wb_bluez_profile_connect_async(WbBluezProfile *self, const gchar *device_path,
				    GCancellable *cancellable, GAsyncReadyCallback callback,
				    gpointer user_data);
GSocket *wb_bluez_profile_connect_finish(WbBluezProfile *self, GAsyncResult *result,
					 GError **error);

G_END_DECLS
