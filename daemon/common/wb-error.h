/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WB_ERROR (wb_error_quark())

/**
 * WbError:
 * @WB_ERROR_NOT_CONNECTED: the watch is not connected (org.wearbridge.Error.NotConnected)
 * @WB_ERROR_INVALID_ARGS: a caller passed a bad value (org.wearbridge.Error.InvalidArgs)
 * @WB_ERROR_TIMEOUT: the watch or a peer did not answer in time (org.wearbridge.Error.Timeout)
 * @WB_ERROR_BUSY: the operation is already in progress (org.wearbridge.Error.Busy)
 * @WB_ERROR_NOT_SUPPORTED: the watch or this build cannot do it (org.wearbridge.Error.NotSupported)
 * @WB_ERROR_FAILED: anything else (org.wearbridge.Error.Failed)
 * @WB_ERROR_BLUETOOTH_UNAVAILABLE: bluetoothd is not on the system bus
 *   (org.wearbridge.Error.BluetoothUnavailable)
 * @WB_ERROR_NO_ADAPTER: there is no Bluetooth adapter (org.wearbridge.Error.NoAdapter)
 * @WB_ERROR_ADAPTER_OFF: the adapter is powered off or rfkill-blocked
 *   (org.wearbridge.Error.AdapterOff)
 * @WB_ERROR_DEVICE_NOT_FOUND: BlueZ does not know that device (org.wearbridge.Error.DeviceNotFound)
 * @WB_ERROR_PAIRING_REJECTED: the watch or the user refused or cancelled pairing
 *   (org.wearbridge.Error.PairingRejected)
 * @WB_ERROR_STALE_BOND: the watch no longer has our bond (org.wearbridge.Error.StaleBond)
 *
 * The daemon's one error domain; each code is a named D-Bus error.
 */
typedef enum {
	WB_ERROR_NOT_CONNECTED,
	WB_ERROR_INVALID_ARGS,
	WB_ERROR_TIMEOUT,
	WB_ERROR_BUSY,
	WB_ERROR_NOT_SUPPORTED,
	WB_ERROR_FAILED,
	WB_ERROR_BLUETOOTH_UNAVAILABLE,
	WB_ERROR_NO_ADAPTER,
	WB_ERROR_ADAPTER_OFF,
	WB_ERROR_DEVICE_NOT_FOUND,
	WB_ERROR_PAIRING_REJECTED,
	WB_ERROR_STALE_BOND,
	WB_ERROR_LAST /*< skip >*/
} WbError;

GQuark wb_error_quark(void);
GError *wb_error_convert(const GError *error);
void wb_dbus_return_error(GDBusMethodInvocation *invocation, const GError *error);

G_END_DECLS
