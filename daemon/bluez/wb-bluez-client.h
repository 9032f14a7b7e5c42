/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wb-bluez-gen.h"

G_BEGIN_DECLS

#define WB_TYPE_BLUEZ_CLIENT (wb_bluez_client_get_type())
G_DECLARE_FINAL_TYPE(WbBluezClient, wb_bluez_client, WB, BLUEZ_CLIENT, GObject)

WbBluezClient *wb_bluez_client_new(GDBusConnection *connection);
GDBusConnection *wb_bluez_client_get_connection(WbBluezClient *self);
gboolean wb_bluez_client_is_available(WbBluezClient *self);
gboolean wb_bluez_client_is_settled(WbBluezClient *self);
GDBusObjectManager *wb_bluez_client_get_manager(WbBluezClient *self);
WbBluezAdapter1 *wb_bluez_client_get_adapter(WbBluezClient *self);
WbBluezDevice1 *wb_bluez_client_find_device(WbBluezClient *self, const gchar *address);
gboolean wb_bluez_device_is_ready(WbBluezDevice1 *device);
gboolean wb_bluez_check_sender(GDBusMethodInvocation *invocation, const gchar *bluez_owner,
			       const gchar *error_name);
void wb_bluez_client_wait_ready_async(WbBluezClient *self, const gchar *device_path,
				      guint timeout_s, GCancellable *cancellable,
				      GAsyncReadyCallback callback, gpointer user_data);
gboolean wb_bluez_client_wait_ready_finish(WbBluezClient *self, GAsyncResult *result,
					   GError **error);

G_END_DECLS
