/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-bluez-gatt-app.h"
#include "wb-link.h"
#include "wb-ppogatt.h"

G_BEGIN_DECLS

#define WB_TYPE_LINK_BLE (wb_link_ble_get_type())
G_DECLARE_FINAL_TYPE(WbLinkBle, wb_link_ble, WB, LINK_BLE, WbLink)

WbLink *wb_link_ble_new(WbBluezGattApp *app, const gchar *device_path, const gchar *address);
const gchar *wb_link_ble_get_device_path(WbLinkBle *self);
gsize wb_link_ble_get_max_payload(WbLinkBle *self);
guint8 wb_link_ble_get_version(WbLinkBle *self);
guint8 wb_link_ble_get_tx_window(WbLinkBle *self);
guint8 wb_link_ble_get_rx_window(WbLinkBle *self);
gboolean wb_link_ble_is_listening(WbLinkBle *self);
void wb_link_ble_get_stats(WbLinkBle *self, WbPpogattStats *out_stats);

G_END_DECLS
