/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* §10.3/§10.8: the PPoGATT service the phone hosts in normal mode, its data characteristic
 * (write without response + notify) and its meta characteristic (read). */
#define WB_BLUEZ_PPOGATT_SERVICE_UUID "10000000-328e-0fbb-c642-1aa6699bdada"
#define WB_BLUEZ_PPOGATT_DATA_UUID    "10000001-328e-0fbb-c642-1aa6699bdada"
#define WB_BLUEZ_PPOGATT_META_UUID    "10000002-328e-0fbb-c642-1aa6699bdada"
/* The dummy service (and its read characteristic) GB and LP3 add after the PPoGATT service. */
#define WB_BLUEZ_DUMMY_UUID "badbadba-dbad-badb-adba-badbadbadbad"
/* The object path the daemon exports its GATT application at. */
#define WB_BLUEZ_GATT_APP_DEFAULT_PATH "/org/wearbridge/gatt"

#define WB_TYPE_BLUEZ_GATT_APP (wb_bluez_gatt_app_get_type())
G_DECLARE_FINAL_TYPE(WbBluezGattApp, wb_bluez_gatt_app, WB, BLUEZ_GATT_APP, GObject)

WbBluezGattApp *wb_bluez_gatt_app_new(GDBusConnection *connection, const gchar *path);
const gchar *wb_bluez_gatt_app_get_path(WbBluezGattApp *self);
GDBusConnection *wb_bluez_gatt_app_get_connection(WbBluezGattApp *self);
void wb_bluez_gatt_app_register_async(WbBluezGattApp *self, const gchar *adapter_path,
				      GCancellable *cancellable, GAsyncReadyCallback callback,
				      gpointer user_data);
gboolean wb_bluez_gatt_app_register_finish(WbBluezGattApp *self, GAsyncResult *result,
					   GError **error);
void wb_bluez_gatt_app_unregister(WbBluezGattApp *self);
gboolean wb_bluez_gatt_app_is_registered(WbBluezGattApp *self);
gboolean wb_bluez_gatt_app_get_notifying(WbBluezGattApp *self);
gboolean wb_bluez_gatt_app_notify(WbBluezGattApp *self, GBytes *packet, GError **error);

G_END_DECLS
