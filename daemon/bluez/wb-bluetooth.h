/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wb-link.h"

G_BEGIN_DECLS

/* Serial Port Profile: classic Pebbles speak the Pebble Protocol over RFCOMM on it (§11) */
#define WB_BLUETOOTH_SPP_UUID "00001101-0000-1000-8000-00805f9b34fb"

/**
 * WbBluetoothState:
 * @WB_BLUETOOTH_UNAVAILABLE: bluetoothd is not on the system bus
 * @WB_BLUETOOTH_NO_ADAPTER: no adapter
 * @WB_BLUETOOTH_OFF: the adapter is powered off (or rfkill-blocked)
 * @WB_BLUETOOTH_ON: usable
 */
typedef enum {
	WB_BLUETOOTH_UNAVAILABLE,
	WB_BLUETOOTH_NO_ADAPTER,
	WB_BLUETOOTH_OFF,
	WB_BLUETOOTH_ON,
} WbBluetoothState;

const gchar *wb_bluetooth_state_to_string(WbBluetoothState state);

/**
 * WbBluetoothLinkInfo:
 * @mode: "ppogatt", "ppogatt-reversed", "ppogatt-reversed-v2" or "rfcomm"
 * @mtu: the ATT MTU (LE), 0 otherwise
 * @tx_window: PPoGATT transmit window (LE), 0 otherwise
 * @rx_window: PPoGATT receive window (LE), 0 otherwise
 */
typedef struct {
	const gchar *mode;
	guint16 mtu;
	guint8 tx_window;
	guint8 rx_window;
} WbBluetoothLinkInfo;

#define WB_TYPE_BLUETOOTH (wb_bluetooth_get_type())
G_DECLARE_FINAL_TYPE(WbBluetooth, wb_bluetooth, WB, BLUETOOTH, GObject)

WbBluetooth *wb_bluetooth_new(GDBusConnection *system_bus);
WbBluetoothState wb_bluetooth_get_state(WbBluetooth *self);
gboolean wb_bluetooth_is_discovering(WbBluetooth *self);
GVariant *wb_bluetooth_dup_discovered(WbBluetooth *self);

gboolean wb_bluetooth_address_is_valid(const gchar *address);
gchar *wb_bluetooth_address_to_id(const gchar *address);

void wb_bluetooth_start_discovery_async(WbBluetooth *self, const gchar *owner,
					GCancellable *cancellable, GAsyncReadyCallback callback,
					gpointer user_data);
gboolean wb_bluetooth_start_discovery_finish(WbBluetooth *self, GAsyncResult *result,
					     GError **error);
void wb_bluetooth_stop_discovery(WbBluetooth *self, const gchar *owner);

void wb_bluetooth_pair_async(WbBluetooth *self, const gchar *address, GCancellable *cancellable,
			     GAsyncReadyCallback callback, gpointer user_data);
gchar *wb_bluetooth_pair_finish(WbBluetooth *self, GAsyncResult *result, gchar **out_name,
				GError **error);

void wb_bluetooth_connect_async(WbBluetooth *self, const gchar *address, const gchar *transport,
				GCancellable *cancellable, GAsyncReadyCallback callback,
				gpointer user_data);
WbLink *wb_bluetooth_connect_finish(WbBluetooth *self, GAsyncResult *result, GError **error);
void wb_bluetooth_get_link_info(WbLink *link, WbBluetoothLinkInfo *info);

void wb_bluetooth_remove_device(WbBluetooth *self, const gchar *address);
GVariant *wb_bluetooth_doctor(WbBluetooth *self, const gchar *const *known_addresses);

G_END_DECLS
