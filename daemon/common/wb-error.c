/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-error.h"
#include "wb-proto-error.h"

static const GDBusErrorEntry wb_error_entries[] = {
	{WB_ERROR_NOT_CONNECTED, "org.wearbridge.Error.NotConnected"},
	{WB_ERROR_INVALID_ARGS, "org.wearbridge.Error.InvalidArgs"},
	{WB_ERROR_TIMEOUT, "org.wearbridge.Error.Timeout"},
	{WB_ERROR_BUSY, "org.wearbridge.Error.Busy"},
	{WB_ERROR_NOT_SUPPORTED, "org.wearbridge.Error.NotSupported"},
	{WB_ERROR_FAILED, "org.wearbridge.Error.Failed"},
	{WB_ERROR_BLUETOOTH_UNAVAILABLE, "org.wearbridge.Error.BluetoothUnavailable"},
	{WB_ERROR_NO_ADAPTER, "org.wearbridge.Error.NoAdapter"},
	{WB_ERROR_ADAPTER_OFF, "org.wearbridge.Error.AdapterOff"},
	{WB_ERROR_DEVICE_NOT_FOUND, "org.wearbridge.Error.DeviceNotFound"},
	{WB_ERROR_PAIRING_REJECTED, "org.wearbridge.Error.PairingRejected"},
	{WB_ERROR_STALE_BOND, "org.wearbridge.Error.StaleBond"},
};

G_STATIC_ASSERT(G_N_ELEMENTS(wb_error_entries) == WB_ERROR_LAST);

/**
 * wb_error_quark:
 *
 * Returns: the #WbError domain, registered with GDBus so that each code travels as its
 * org.wearbridge.Error.* name
 */
GQuark
wb_error_quark(void)
{
	static gsize quark = 0;
	g_dbus_error_register_error_domain("wb-error-quark", &quark, wb_error_entries,
					   G_N_ELEMENTS(wb_error_entries));
	return (GQuark)quark;
}

/**
 * wb_error_convert:
 * @error: any error
 *
 * Maps an error from another domain onto #WbError, keeping its message.
 *
 * Returns: (transfer full): a #WbError
 */
GError *
wb_error_convert(const GError *error)
{
	WbError code = WB_ERROR_FAILED;

	if (error->domain == WB_ERROR)
		return g_error_copy(error);
	if (error->domain == G_IO_ERROR) {
		switch (error->code) {
		case G_IO_ERROR_TIMED_OUT:
			code = WB_ERROR_TIMEOUT;
			break;
		case G_IO_ERROR_INVALID_ARGUMENT:
		case G_IO_ERROR_INVALID_DATA:
			code = WB_ERROR_INVALID_ARGS;
			break;
		case G_IO_ERROR_NOT_SUPPORTED:
			code = WB_ERROR_NOT_SUPPORTED;
			break;
		case G_IO_ERROR_BUSY:
		case G_IO_ERROR_PENDING:
			code = WB_ERROR_BUSY;
			break;
		case G_IO_ERROR_NOT_CONNECTED:
		case G_IO_ERROR_CLOSED:
		case G_IO_ERROR_CANCELLED:
		case G_IO_ERROR_BROKEN_PIPE:
			code = WB_ERROR_NOT_CONNECTED;
			break;
		default:
			code = WB_ERROR_FAILED;
			break;
		}
	} else if (error->domain == WB_PROTO_ERROR) {
		code = WB_ERROR_FAILED;
	} else if (error->domain == G_DBUS_ERROR && error->code == G_DBUS_ERROR_INVALID_ARGS) {
		code = WB_ERROR_INVALID_ARGS;
	} else if (error->domain == G_DBUS_ERROR) {
		code = WB_ERROR_FAILED;
	} else {
		/* every domain that reaches D-Bus is mapped on purpose; a new one is a bug */
		g_critical("unmapped error domain %s: %s", g_quark_to_string(error->domain),
			   error->message);
	}
	return g_error_new_literal(WB_ERROR, code, error->message);
}

/**
 * wb_dbus_return_error:
 * @invocation: (transfer full): the method call to answer
 * @error: what went wrong
 *
 * Answers a method call with the org.wearbridge.Error.* error for @error.
 */
void
wb_dbus_return_error(GDBusMethodInvocation *invocation, const GError *error)
{
	g_autoptr(GError) converted = wb_error_convert(error);
	g_dbus_method_invocation_return_gerror(invocation, converted);
}
