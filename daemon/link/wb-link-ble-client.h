/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-link.h"

G_BEGIN_DECLS

/**
 * WbLinkBleClientVariant:
 * @WB_LINK_BLE_CLIENT_NONE: the watch hosts no reversed PPoGATT service
 * @WB_LINK_BLE_CLIENT_V1: service `30000003-…` (reference §10.13)
 * @WB_LINK_BLE_CLIENT_V2: service `40000000-…` (reference §10.14)
 *
 * The reversed PPoGATT modes, where the watch hosts the service and we are its GATT client.
 */
typedef enum {
	WB_LINK_BLE_CLIENT_NONE,
	WB_LINK_BLE_CLIENT_V1,
	WB_LINK_BLE_CLIENT_V2,
} WbLinkBleClientVariant;

WbLinkBleClientVariant wb_link_ble_client_detect(GDBusObjectManager *bluez,
						 const gchar *device_path);
const gchar *wb_link_ble_client_variant_to_mode(WbLinkBleClientVariant v);

#define WB_TYPE_LINK_BLE_CLIENT (wb_link_ble_client_get_type())
G_DECLARE_FINAL_TYPE(WbLinkBleClient, wb_link_ble_client, WB, LINK_BLE_CLIENT, WbLink)

WbLink *wb_link_ble_client_new(GDBusObjectManager *bluez, const gchar *device_path,
			       const gchar *address, WbLinkBleClientVariant variant);
WbLinkBleClientVariant wb_link_ble_client_get_variant(WbLinkBleClient *self);
guint16 wb_link_ble_client_get_mtu(WbLinkBleClient *self);
guint8 wb_link_ble_client_get_tx_window(WbLinkBleClient *self);
guint8 wb_link_ble_client_get_rx_window(WbLinkBleClient *self);
void wb_link_ble_client_set_retransmit_timeout(WbLinkBleClient *self, guint ms);

G_END_DECLS
