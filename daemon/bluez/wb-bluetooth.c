/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The daemon's Bluetooth: one object that follows bluetoothd (WbBluezClient), keeps our GATT
 * application (normal-mode PPoGATT), our SPP profile (classic) and our pairing agent
 * registered whenever bluetoothd and an adapter are there, runs scans on behalf of clients,
 * pairs, and turns "connect to this watch" into an open WbLink in the right mode
 * (docs/bluetooth.md). It arms no timer unless an operation is in progress and polls nothing:
 * every change comes from a D-Bus signal (BlueZ's, logind's).
 */
#include <errno.h>
#include <string.h>

#define WB_LOG_MODULE "bluetooth"
#include "wb-bluetooth.h"
#include "wb-bluez-client.h"
#include "wb-bluez-gatt-app.h"
#include "wb-bluez-profile.h"
#include "wb-error.h"
#include "wb-link-ble-client.h"
#include "wb-link-ble.h"
#include "wb-link-rfcomm.h"
#include "wb-log.h"
#include "wb-system.h"

#define AGENT_PATH           "/org/wearbridge/agent"
#define PAIRING_SERVICE_UUID "0000fed9-0000-1000-8000-00805f9b34fb"
#define CONNECTIVITY_UUID    "00000001-328e-0fbb-c642-1aa6699bdada"
#define PAIRING_TRIGGER_UUID "00000002-328e-0fbb-c642-1aa6699bdada"
#define DISCOVERY_MAX_S      (5 * 60)
#define CONNECT_TIMEOUT_MS   (30 * 1000)
#define RESOLVE_TIMEOUT_S    20
#define HANDSHAKE_TIMEOUT_S  15
#define PAIR_TIMEOUT_MS      (65 * 1000)
#define PAIR_RESOLVE_S       10

struct _WbBluetooth {
	GObject parent_instance;
	GDBusConnection *bus;
	WbBluezClient *client;
	WbBluezGattApp *app;
	WbBluezProfile *profile;
	WbBluezAgent1 *agent;
	GCancellable *cancellable; /* registrations of the current bluetoothd instance */
	gboolean app_pending;
	gchar *app_error;
	gchar *app_adapter;
	gboolean app_error_transient; /* GattManager1 was not there yet: try at the next change */
	gboolean profile_pending;
	gchar *profile_error;
	gboolean agent_registered;
	gchar *agent_error;
	gchar *access_error;
	WbBluetoothState state;
	GHashTable *discovery_owners; /* owner -> timeout source id */
	gboolean discovering;
	GVariant *discovered;
	guint discovered_idle; /* one rebuild of Discovered for a burst of device changes */
	GTask *pairing;        /* PairOp */
	GHashTable *connected; /* addresses BlueZ says are connected */
	GPtrArray *deferred;   /* Deferred calls made before the client settled */
	GHashTable *reversed;  /* addresses whose watch used reversed V1 after normal mode failed */
	guint sleep_sub;
};

G_DEFINE_FINAL_TYPE(WbBluetooth, wb_bluetooth, G_TYPE_OBJECT)

enum {
	SIGNAL_STATE_CHANGED,
	SIGNAL_DISCOVERED_CHANGED,
	SIGNAL_DISCOVERING_CHANGED,
	SIGNAL_WAKE,
	SIGNAL_PAIRING_CONFIRMATION,
	N_SIGNALS
};
static guint signals[N_SIGNALS];

const gchar *
wb_bluetooth_state_to_string(WbBluetoothState state)
{
	switch (state) {
	case WB_BLUETOOTH_UNAVAILABLE:
		return "unavailable";
	case WB_BLUETOOTH_NO_ADAPTER:
		return "no-adapter";
	case WB_BLUETOOTH_OFF:
		return "off";
	case WB_BLUETOOTH_ON:
		return "on";
	}
	return "unavailable";
}

/**
 * wb_bluetooth_address_is_valid:
 * @address: (nullable): a string
 *
 * Returns: whether @address is "XX:XX:XX:XX:XX:XX" in hex digits of any case
 */
gboolean
wb_bluetooth_address_is_valid(const gchar *address)
{
	if (address == NULL || strlen(address) != 17)
		return FALSE;
	for (guint i = 0; i < 17; i++) {
		if (i % 3 == 2 ? address[i] != ':' : !g_ascii_isxdigit(address[i]))
			return FALSE;
	}
	return TRUE;
}

/**
 * wb_bluetooth_address_to_id:
 * @address: a valid address
 *
 * Returns: (transfer full): the watch id (object path element): upper case, "_" for ":"
 */
gchar *
wb_bluetooth_address_to_id(const gchar *address)
{
	gchar *id = g_ascii_strup(address, -1);
	g_strdelimit(id, ":", '_');
	return id;
}

static gboolean
error_is_dbus(const GError *error, const gchar *name)
{
	g_autofree gchar *remote = g_dbus_error_get_remote_error(error);
	return remote != NULL && g_str_equal(remote, name);
}

/* A BlueZ error as ours, with a message a person can act on. */
static GError *
map_bluez_error(const GError *error, const gchar *what)
{
	g_autofree gchar *remote = g_dbus_error_get_remote_error(error);
	g_autofree gchar *message = g_strdup(error->message);
	WbError code = WB_ERROR_FAILED;

	g_dbus_error_strip_remote_error((GError *)error);
	g_free(message);
	message = g_strdup(error->message);
	if (remote == NULL) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
			code = WB_ERROR_TIMEOUT;
		return g_error_new(WB_ERROR, code, "%s: %s", what, message);
	}
	if (g_str_equal(remote, "org.bluez.Error.NotReady"))
		code = WB_ERROR_ADAPTER_OFF;
	else if (g_str_equal(remote, "org.bluez.Error.AuthenticationFailed") ||
		 g_str_equal(remote, "org.bluez.Error.AuthenticationRejected") ||
		 g_str_equal(remote, "org.bluez.Error.AuthenticationCanceled"))
		code = WB_ERROR_PAIRING_REJECTED;
	else if (g_str_equal(remote, "org.bluez.Error.AuthenticationTimeout") ||
		 g_str_equal(remote, "org.freedesktop.DBus.Error.NoReply"))
		code = WB_ERROR_TIMEOUT;
	else if (g_str_equal(remote, "org.bluez.Error.InProgress"))
		code = WB_ERROR_BUSY;
	else if (g_str_equal(remote, "org.bluez.Error.DoesNotExist") ||
		 g_str_equal(remote, "org.freedesktop.DBus.Error.UnknownObject") ||
		 g_str_equal(remote, "org.freedesktop.DBus.Error.UnknownMethod"))
		code = WB_ERROR_DEVICE_NOT_FOUND;
	else if (g_str_equal(remote, "org.freedesktop.DBus.Error.ServiceUnknown") ||
		 g_str_equal(remote, "org.freedesktop.DBus.Error.NameHasNoOwner"))
		code = WB_ERROR_BLUETOOTH_UNAVAILABLE;
	return g_error_new(WB_ERROR, code, "%s: %s (%s)", what, message, remote);
}

static void
note_access_denied(WbBluetooth *self, const GError *error)
{
	if (error_is_dbus(error, "org.freedesktop.DBus.Error.AccessDenied")) {
		g_free(self->access_error);
		self->access_error = g_strdup(error->message);
	}
}

/* ---- state ---------------------------------------------------------------------------------- */

static void
update_state(WbBluetooth *self)
{
	g_autoptr(WbBluezAdapter1) adapter = NULL;
	WbBluetoothState state = WB_BLUETOOTH_UNAVAILABLE;
	WbBluetoothState old = self->state;

	if (wb_bluez_client_is_available(self->client)) {
		adapter = wb_bluez_client_get_adapter(self->client);
		if (adapter == NULL)
			state = WB_BLUETOOTH_NO_ADAPTER;
		else if (!wb_bluez_adapter1_get_powered(adapter))
			state = WB_BLUETOOTH_OFF;
		else
			state = WB_BLUETOOTH_ON;
	}
	if (state == old)
		return;
	self->state = state;
	wb_info("Bluetooth is %s", wb_bluetooth_state_to_string(state));
	if (state != WB_BLUETOOTH_ON && self->discovering) {
		self->discovering = FALSE;
		g_signal_emit(self, signals[SIGNAL_DISCOVERING_CHANGED], 0);
	}
	g_signal_emit(self, signals[SIGNAL_STATE_CHANGED], 0);
	if (state == WB_BLUETOOTH_ON)
		g_signal_emit(self, signals[SIGNAL_WAKE], 0, NULL);
}

/**
 * wb_bluetooth_get_state:
 * @self: a #WbBluetooth
 *
 * Returns: whether Bluetooth is usable and if not, why
 */
WbBluetoothState
wb_bluetooth_get_state(WbBluetooth *self)
{
	return self->state;
}

static gboolean
check_usable(WbBluetooth *self, GError **error)
{
	switch (self->state) {
	case WB_BLUETOOTH_UNAVAILABLE:
		g_set_error_literal(
			error, WB_ERROR, WB_ERROR_BLUETOOTH_UNAVAILABLE,
			"bluetoothd is not running (start it with 'sudo systemctl start "
			"bluetooth')");
		return FALSE;
	case WB_BLUETOOTH_NO_ADAPTER:
		g_set_error_literal(error, WB_ERROR, WB_ERROR_NO_ADAPTER,
				    "there is no Bluetooth adapter");
		return FALSE;
	case WB_BLUETOOTH_OFF:
		g_set_error_literal(error, WB_ERROR, WB_ERROR_ADAPTER_OFF,
				    "Bluetooth is off (turn it on with 'bluetoothctl power on' or "
				    "in Settings; check 'rfkill list')");
		return FALSE;
	case WB_BLUETOOTH_ON:
		break;
	}
	return TRUE;
}

/* ---- calls made while the daemon is starting ------------------------------------------------- */

/* A call that came before we knew whether bluetoothd is there (D-Bus activation: the client's
 * call is what started us) waits for that instead of failing with "unavailable". */
typedef struct {
	gboolean pair;
	gchar *arg;
	GCancellable *cancellable;
	GAsyncReadyCallback callback;
	gpointer user_data;
} Deferred;

static gboolean
defer(WbBluetooth *self, gboolean pair, const gchar *arg, GCancellable *cancellable,
      GAsyncReadyCallback callback, gpointer user_data)
{
	Deferred *d;

	if (self->client == NULL || wb_bluez_client_is_settled(self->client))
		return FALSE;
	d = g_new0(Deferred, 1);
	d->pair = pair;
	d->arg = g_strdup(arg);
	d->cancellable = cancellable != NULL ? g_object_ref(cancellable) : NULL;
	d->callback = callback;
	d->user_data = user_data;
	g_ptr_array_add(self->deferred, d);
	return TRUE;
}

static void
on_settled(WbBluezClient *client, gpointer user_data)
{
	WbBluetooth *self = user_data;
	g_autoptr(GPtrArray) deferred = g_steal_pointer(&self->deferred);

	self->deferred = g_ptr_array_new();
	if (self->client != NULL)
		update_state(self);
	for (guint i = 0; i < deferred->len; i++) {
		Deferred *d = g_ptr_array_index(deferred, i);
		if (d->pair)
			wb_bluetooth_pair_async(self, d->arg, d->cancellable, d->callback,
						d->user_data);
		else
			wb_bluetooth_start_discovery_async(self, d->arg, d->cancellable,
							   d->callback, d->user_data);
		g_free(d->arg);
		g_clear_object(&d->cancellable);
		g_free(d);
	}
}

/* ---- the objects we keep registered with bluetoothd ------------------------------------------ */

/* A registration bluetoothd refused: kept for Doctor() and not retried until bluetoothd or the
 * adapter changes. Returns FALSE if there was nothing to record (@error is a cancellation). */
static void
registration_failed(WbBluetooth *self, GError *error, const gchar *what, gboolean *pending,
		    gchar **field)
{
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (pending != NULL)
		*pending = FALSE;
	note_access_denied(self, error);
	g_dbus_error_strip_remote_error(error);
	wb_warning("cannot register %s: %s", what, error->message);
	g_free(*field);
	*field = g_strdup(error->message);
}

static void
app_registered_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbBluetooth) self = user_data;
	g_autoptr(GError) error = NULL;

	if (!wb_bluez_gatt_app_register_finish(WB_BLUEZ_GATT_APP(source), result, &error)) {
		self->app_error_transient =
			g_error_matches(error, WB_ERROR, WB_ERROR_NOT_SUPPORTED);
		registration_failed(self, error, "the PPoGATT GATT application", &self->app_pending,
				    &self->app_error);
		return;
	}
	self->app_pending = FALSE;
	g_clear_pointer(&self->app_error, g_free);
	wb_debug("PPoGATT GATT application registered on %s", self->app_adapter);
	g_signal_emit(self, signals[SIGNAL_WAKE], 0, NULL);
}

static void
profile_registered_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbBluetooth) self = user_data;
	g_autoptr(GError) error = NULL;

	if (!wb_bluez_profile_register_finish(WB_BLUEZ_PROFILE(source), result, &error)) {
		registration_failed(self, error, "the Serial Port profile", &self->profile_pending,
				    &self->profile_error);
		return;
	}
	self->profile_pending = FALSE;
	g_clear_pointer(&self->profile_error, g_free);
	wb_debug("Serial Port profile registered");
}

static void
agent_registered_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbBluetooth) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (reply == NULL) {
		registration_failed(self, error, "the pairing agent", NULL, &self->agent_error);
		return;
	}
	self->agent_registered = TRUE;
	g_clear_pointer(&self->agent_error, g_free);
	wb_debug("pairing agent registered");
}

/* Brings our registrations in line with what bluetoothd has now. */
static void
ensure_registrations(WbBluetooth *self)
{
	g_autoptr(WbBluezAdapter1) adapter = NULL;
	const gchar *adapter_path;

	if (!wb_bluez_client_is_available(self->client))
		return;
	if (self->cancellable == NULL)
		self->cancellable = g_cancellable_new();
	if (!self->agent_registered && self->agent_error == NULL) {
		/* agent-api.txt: BlueZ uses the agent of the process that called Pair() */
		g_dbus_connection_call(self->bus, "org.bluez", "/org/bluez",
				       "org.bluez.AgentManager1", "RegisterAgent",
				       g_variant_new("(os)", AGENT_PATH, "DisplayYesNo"), NULL,
				       G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
				       agent_registered_cb, g_object_ref(self));
		self->agent_error = g_strdup("registering");
	}
	if (self->profile != NULL && !wb_bluez_profile_is_registered(self->profile) &&
	    !self->profile_pending && self->profile_error == NULL) {
		self->profile_pending = TRUE;
		wb_bluez_profile_register_async(self->profile, self->cancellable,
						profile_registered_cb, g_object_ref(self));
	}
	adapter = wb_bluez_client_get_adapter(self->client);
	if (adapter == NULL)
		return;
	adapter_path = g_dbus_proxy_get_object_path(G_DBUS_PROXY(adapter));
	if (wb_bluez_gatt_app_is_registered(self->app) &&
	    g_strcmp0(adapter_path, self->app_adapter) == 0)
		return;
	if (self->app_pending ||
	    (self->app_error != NULL && g_strcmp0(adapter_path, self->app_adapter) == 0))
		return;
	if (wb_bluez_gatt_app_is_registered(self->app))
		wb_bluez_gatt_app_unregister(self->app);
	g_free(self->app_adapter);
	self->app_adapter = g_strdup(adapter_path);
	self->app_pending = TRUE;
	/* asynchronous: bluetoothd reads the application before it replies (test-infra §3) */
	wb_bluez_gatt_app_register_async(self->app, adapter_path, self->cancellable,
					 app_registered_cb, g_object_ref(self));
}

static void
forget_registrations(WbBluetooth *self)
{
	g_cancellable_cancel(self->cancellable);
	g_clear_object(&self->cancellable);
	self->app_pending = FALSE;
	self->profile_pending = FALSE;
	self->agent_registered = FALSE;
	g_clear_pointer(&self->app_error, g_free);
	g_clear_pointer(&self->app_adapter, g_free);
	g_clear_pointer(&self->profile_error, g_free);
	g_clear_pointer(&self->agent_error, g_free);
}

/* ---- the agent (agent-api.txt) --------------------------------------------------------------- */

typedef struct {
	gchar *address;
	gchar *device_path;
	gchar *transport;
	gchar *name;
	guint timeout_id;
} PairOp;

static void
pair_op_free(PairOp *op)
{
	g_clear_handle_id(&op->timeout_id, g_source_remove);
	g_free(op->address);
	g_free(op->device_path);
	g_free(op->transport);
	g_free(op->name);
	g_free(op);
}

/* Only the pairing we started is confirmed; anything else BlueZ asks us is refused. */
static PairOp *
pairing_for(WbBluetooth *self, const gchar *device_path)
{
	PairOp *op;

	if (self->pairing == NULL)
		return NULL;
	op = g_task_get_task_data(self->pairing);
	return g_strcmp0(op->device_path, device_path) == 0 ? op : NULL;
}

static void
reject(GDBusMethodInvocation *invocation, const gchar *why)
{
	g_dbus_method_invocation_return_dbus_error(invocation, "org.bluez.Error.Rejected", why);
}

/* Only bluetoothd may talk to the agent (checked in the main thread: a g-authorize-method
 * handler would run in a GDBus worker thread, where the object manager is not safe to use). */
static gboolean
from_bluez(gpointer user_data, GDBusMethodInvocation *invocation)
{
	WbBluetooth *self = user_data;
	GDBusObjectManager *manager = wb_bluez_client_get_manager(self->client);
	g_autofree gchar *owner = NULL;

	if (manager != NULL)
		owner = g_dbus_object_manager_client_get_name_owner(
			G_DBUS_OBJECT_MANAGER_CLIENT(manager));
	return wb_bluez_check_sender(invocation, owner, "org.bluez.Error.Rejected");
}

static gboolean
on_request_confirmation(WbBluezAgent1 *agent, GDBusMethodInvocation *invocation,
			const gchar *device, guint passkey, gpointer user_data)
{
	WbBluetooth *self = user_data;
	PairOp *op = pairing_for(self, device);

	if (!from_bluez(user_data, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;

	if (op == NULL || passkey > 999999) {
		wb_info("refusing a pairing confirmation for %s we did not ask for", device);
		reject(invocation, "not pairing with this device");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	/* the watch shows the number and the user accepts there; we confirm our side */
	wb_message("pairing with %s: confirm %06u on the watch", op->address, passkey);
	g_signal_emit(self, signals[SIGNAL_PAIRING_CONFIRMATION], 0, op->address, passkey);
	wb_bluez_agent1_complete_request_confirmation(agent, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_request_authorization(WbBluezAgent1 *agent, GDBusMethodInvocation *invocation,
			 const gchar *device, gpointer user_data)
{
	if (!from_bluez(user_data, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	if (pairing_for(user_data, device) == NULL) {
		reject(invocation, "not pairing with this device");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_bluez_agent1_complete_request_authorization(agent, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_display_passkey(WbBluezAgent1 *agent, GDBusMethodInvocation *invocation, const gchar *device,
		   guint passkey, guint16 entered, gpointer user_data)
{
	WbBluetooth *self = user_data;
	PairOp *op = pairing_for(self, device);

	if (!from_bluez(user_data, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;

	if (op != NULL && passkey <= 999999 && entered == 0)
		g_signal_emit(self, signals[SIGNAL_PAIRING_CONFIRMATION], 0, op->address, passkey);
	wb_bluez_agent1_complete_display_passkey(agent, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_request_secret(WbBluezAgent1 *agent, GDBusMethodInvocation *invocation, const gchar *device,
		  gpointer user_data)
{
	if (!from_bluez(user_data, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	/* Pebbles pair by numeric comparison or Just Works; we have no PIN to give */
	reject(invocation, "wearbridge has no PIN or passkey to enter");
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_display_pin_code(WbBluezAgent1 *agent, GDBusMethodInvocation *invocation, const gchar *device,
		    const gchar *pin, gpointer user_data)
{
	if (!from_bluez(user_data, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	wb_bluez_agent1_complete_display_pin_code(agent, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_authorize_service(WbBluezAgent1 *agent, GDBusMethodInvocation *invocation, const gchar *device,
		     const gchar *uuid, gpointer user_data)
{
	if (!from_bluez(user_data, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	if (pairing_for(user_data, device) == NULL) {
		reject(invocation, "not pairing with this device");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_bluez_agent1_complete_authorize_service(agent, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_cancel(WbBluezAgent1 *agent, GDBusMethodInvocation *invocation, gpointer user_data)
{
	if (!from_bluez(user_data, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	wb_info("BlueZ cancelled the pairing request");
	wb_bluez_agent1_complete_cancel(agent, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_release(WbBluezAgent1 *agent, GDBusMethodInvocation *invocation, gpointer user_data)
{
	WbBluetooth *self = user_data;

	if (!from_bluez(user_data, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;

	self->agent_registered = FALSE;
	wb_bluez_agent1_complete_release(agent, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---- discovery ------------------------------------------------------------------------------- */

static gboolean
uuids_contain(const gchar *const *uuids, const gchar *uuid)
{
	for (guint i = 0; uuids != NULL && uuids[i] != NULL; i++) {
		if (g_ascii_strcasecmp(uuids[i], uuid) == 0)
			return TRUE;
	}
	return FALSE;
}

/* §10.3: the manufacturer data payload of company 0x0154 (Pebble) or 0x0EEA (Core Devices) */
static gboolean
manufacturer_payload(WbBluezDevice1 *device, guint16 *out_company, GBytes **out_payload)
{
	GVariant *data = wb_bluez_device1_get_manufacturer_data(device);
	static const guint16 companies[] = {0x0154, 0x0EEA};

	if (data == NULL || !g_variant_is_of_type(data, G_VARIANT_TYPE("a{qv}")))
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(companies); i++) {
		g_autoptr(GVariant) boxed = NULL;
		GVariantIter iter;
		guint16 company;
		GVariant *v;

		g_variant_iter_init(&iter, data);
		while (g_variant_iter_next(&iter, "{qv}", &company, &v)) {
			if (company == companies[i] && boxed == NULL)
				boxed = g_variant_ref(v);
			g_variant_unref(v);
		}
		if (boxed == NULL || !g_variant_is_of_type(boxed, G_VARIANT_TYPE_BYTESTRING))
			continue;
		*out_company = companies[i];
		*out_payload = g_variant_get_data_as_bytes(boxed);
		return TRUE;
	}
	return FALSE;
}

static gboolean
device_is_classic(WbBluezDevice1 *device)
{
	const gchar *const *uuids = wb_bluez_device1_get_uuids(device);

	if (uuids_contain(uuids, WB_BLUETOOTH_SPP_UUID))
		return TRUE;
	/* a device with a class of device is BR/EDR; a dual-mode watch's LE side has none */
	return wb_bluez_device1_get_class(device) != 0 &&
	       !uuids_contain(uuids, PAIRING_SERVICE_UUID);
}

static const gchar *
device_name(WbBluezDevice1 *device)
{
	const gchar *name = wb_bluez_device1_get_alias(device);
	if (name == NULL || *name == '\0')
		name = wb_bluez_device1_get_name(device);
	return name != NULL && g_utf8_validate(name, -1, NULL) ? name : "";
}

static gboolean
device_is_pebble(WbBluezDevice1 *device)
{
	g_autoptr(GBytes) payload = NULL;
	const gchar *name = wb_bluez_device1_get_name(device);
	guint16 company;

	if (manufacturer_payload(device, &company, &payload))
		return TRUE;
	if (uuids_contain(wb_bluez_device1_get_uuids(device), PAIRING_SERVICE_UUID))
		return TRUE;
	/* GB matches "Pebble.*" (§10.3); a user may rename it, the Name stays the watch's */
	return name != NULL && g_str_has_prefix(name, "Pebble");
}

static gchar *
model_guess(WbBluezDevice1 *device)
{
	g_autoptr(GBytes) payload = NULL;
	const gchar *name = wb_bluez_device1_get_name(device);
	guint16 company = 0;

	if (manufacturer_payload(device, &company, &payload)) {
		gsize len;
		const guint8 *p = g_bytes_get_data(payload, &len);
		/* payload type 0, 12-byte serial, then hw_platform (3.0+) */
		if (len >= 14 && p[0] == 0 && p[13] != 0)
			return g_strdup(wb_hw_platform_to_model(p[13]));
		if (company == 0x0EEA)
			return g_strdup("Core Devices watch");
	}
	if (name != NULL && g_str_has_prefix(name, "Pebble Time"))
		return g_strdup("Pebble Time");
	if (name != NULL && device_is_classic(device))
		return g_strdup("Pebble");
	return g_strdup("Pebble (unknown model)");
}

static gint
compare_entries(gconstpointer a, gconstpointer b)
{
	const gchar *x = NULL;
	const gchar *y = NULL;
	g_variant_get(*(GVariant *const *)a, "(&s&s&snb)", &x, NULL, NULL, NULL, NULL);
	g_variant_get(*(GVariant *const *)b, "(&s&s&snb)", &y, NULL, NULL, NULL, NULL);
	return g_strcmp0(x, y);
}

static GVariant *
build_discovered(WbBluetooth *self)
{
	/* no system bus, no client: nothing discovered */
	GDBusObjectManager *manager =
		self->client != NULL ? wb_bluez_client_get_manager(self->client) : NULL;
	g_autoptr(GPtrArray) entries =
		g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
	g_autolist(GDBusObject) objects = NULL;
	GVariantBuilder builder;

	if (manager != NULL)
		objects = g_dbus_object_manager_get_objects(manager);
	for (GList *l = objects; l != NULL; l = l->next) {
		WbBluezDevice1 *device = wb_bluez_object_peek_device1(l->data);
		const gchar *address;
		g_autofree gchar *model = NULL;

		if (device == NULL || !device_is_pebble(device))
			continue;
		address = wb_bluez_device1_get_address(device);
		if (!wb_bluetooth_address_is_valid(address))
			continue;
		model = model_guess(device);
		g_ptr_array_add(entries, g_variant_ref_sink(g_variant_new(
						 "(sssnb)", address, device_name(device), model,
						 wb_bluez_device1_get_rssi(device),
						 wb_bluez_device1_get_paired(device))));
	}
	g_ptr_array_sort(entries, compare_entries);
	g_variant_builder_init(&builder, G_VARIANT_TYPE("a(sssnb)"));
	for (guint i = 0; i < entries->len; i++)
		g_variant_builder_add_value(&builder, g_ptr_array_index(entries, i));
	return g_variant_ref_sink(g_variant_builder_end(&builder));
}

static void
update_discovered(WbBluetooth *self)
{
	g_autoptr(GVariant) now = build_discovered(self);

	if (self->discovered != NULL && g_variant_equal(now, self->discovered))
		return;
	g_clear_pointer(&self->discovered, g_variant_unref);
	self->discovered = g_steal_pointer(&now);
	g_signal_emit(self, signals[SIGNAL_DISCOVERED_CHANGED], 0);
}

/**
 * wb_bluetooth_dup_discovered:
 * @self: a #WbBluetooth
 *
 * Returns: (transfer full): the Pebbles BlueZ knows, a(sssnb) as Manager1.Discovered
 */
GVariant *
wb_bluetooth_dup_discovered(WbBluetooth *self)
{
	if (self->discovered == NULL)
		self->discovered = build_discovered(self);
	return g_variant_ref(self->discovered);
}

gboolean
wb_bluetooth_is_discovering(WbBluetooth *self)
{
	return self->discovering;
}

static void
set_discovering(WbBluetooth *self, gboolean discovering)
{
	if (self->discovering == discovering)
		return;
	self->discovering = discovering;
	g_signal_emit(self, signals[SIGNAL_DISCOVERING_CHANGED], 0);
}

static void
stop_discovery_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (reply == NULL)
		wb_debug("StopDiscovery: %s", error->message);
}

static void
bluez_stop_discovery(WbBluetooth *self)
{
	g_autoptr(WbBluezAdapter1) adapter = wb_bluez_client_get_adapter(self->client);

	set_discovering(self, FALSE);
	if (adapter == NULL)
		return;
	wb_info("scan stopped");
	g_dbus_connection_call(self->bus, "org.bluez",
			       g_dbus_proxy_get_object_path(G_DBUS_PROXY(adapter)),
			       "org.bluez.Adapter1", "StopDiscovery", NULL, NULL,
			       G_DBUS_CALL_FLAGS_NONE, -1, NULL, stop_discovery_cb, NULL);
}

typedef struct {
	WbBluetooth *self;
	gchar *owner;
} OwnerTimeout;

static gboolean
owner_timeout_cb(gpointer user_data)
{
	OwnerTimeout *t = user_data;
	wb_info("scan for %s ran %d s: stopping it", t->owner, DISCOVERY_MAX_S);
	gpointer key = NULL;

	/* the table owns the source id: removing the entry would remove the running source */
	if (g_hash_table_steal_extended(t->self->discovery_owners, t->owner, &key, NULL))
		g_free(key);
	if (g_hash_table_size(t->self->discovery_owners) == 0)
		bluez_stop_discovery(t->self);
	return G_SOURCE_REMOVE;
}

static void
owner_timeout_free(gpointer data)
{
	OwnerTimeout *t = data;
	g_free(t->owner);
	g_free(t);
}

static void
remove_source(gpointer data)
{
	g_source_remove(GPOINTER_TO_UINT(data));
}

static void
start_discovery_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	WbBluetooth *self = g_task_get_source_object(task);
	const gchar *owner = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	OwnerTimeout *t;

	/* "InProgress": someone else's scan is on (bluetoothd counts per client) */
	if (reply == NULL && !error_is_dbus(error, "org.bluez.Error.InProgress")) {
		note_access_denied(self, error);
		g_task_return_error(task, map_bluez_error(error, "cannot start a scan"));
		return;
	}
	t = g_new0(OwnerTimeout, 1);
	t->self = self;
	t->owner = g_strdup(owner);
	g_hash_table_replace(self->discovery_owners, g_strdup(owner),
			     GUINT_TO_POINTER(g_timeout_add_seconds_full(
				     G_PRIORITY_DEFAULT, DISCOVERY_MAX_S, owner_timeout_cb, t,
				     owner_timeout_free)));
	if (!self->discovering)
		wb_info("scanning for watches");
	set_discovering(self, TRUE);
	update_discovered(self);
	g_task_return_boolean(task, TRUE);
}

static void
filter_set_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	const gchar *adapter_path = g_object_get_data(G_OBJECT(task), "adapter");

	/* a filter is an optimisation: scan without one if BlueZ refuses it */
	if (reply == NULL)
		wb_debug("SetDiscoveryFilter: %s", error->message);
	g_dbus_connection_call(G_DBUS_CONNECTION(source), "org.bluez", adapter_path,
			       "org.bluez.Adapter1", "StartDiscovery", NULL, NULL,
			       G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable(task),
			       start_discovery_cb, g_object_ref(task));
}

/**
 * wb_bluetooth_start_discovery_async:
 * @self: a #WbBluetooth
 * @owner: who wants the scan (a bus name); the scan runs while any owner wants it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the scan runs or cannot
 * @user_data: for @callback
 *
 * Starts (or keeps) a scan for @owner, for at most 5 minutes.
 */
void
wb_bluetooth_start_discovery_async(WbBluetooth *self, const gchar *owner, GCancellable *cancellable,
				   GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;
	g_autoptr(WbBluezAdapter1) adapter = NULL;
	g_autoptr(GError) error = NULL;
	GVariantBuilder filter;

	if (defer(self, FALSE, owner, cancellable, callback, user_data))
		return;
	task = g_task_new(self, cancellable, callback, user_data);

	g_task_set_source_tag(task, wb_bluetooth_start_discovery_async);
	g_task_set_task_data(task, g_strdup(owner), g_free);
	if (!check_usable(self, &error)) {
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	adapter = wb_bluez_client_get_adapter(self->client);
	g_object_set_data_full(G_OBJECT(task), "adapter",
			       g_strdup(g_dbus_proxy_get_object_path(G_DBUS_PROXY(adapter))),
			       g_free);
	/* adapter-api.txt: "auto" finds LE watches and classic ones (interleaved scan) */
	g_variant_builder_init(&filter, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&filter, "{sv}", "Transport", g_variant_new_string("auto"));
	g_variant_builder_add(&filter, "{sv}", "DuplicateData", g_variant_new_boolean(FALSE));
	g_dbus_connection_call(
		self->bus, "org.bluez", g_dbus_proxy_get_object_path(G_DBUS_PROXY(adapter)),
		"org.bluez.Adapter1", "SetDiscoveryFilter", g_variant_new("(a{sv})", &filter), NULL,
		G_DBUS_CALL_FLAGS_NONE, -1, cancellable, filter_set_cb, g_steal_pointer(&task));
}

gboolean
wb_bluetooth_start_discovery_finish(WbBluetooth *self, GAsyncResult *result, GError **error)
{
	return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * wb_bluetooth_stop_discovery:
 * @self: a #WbBluetooth
 * @owner: who no longer wants the scan
 *
 * The scan stops when its last owner no longer wants it.
 */
void
wb_bluetooth_stop_discovery(WbBluetooth *self, const gchar *owner)
{
	if (!g_hash_table_remove(self->discovery_owners, owner))
		return;
	if (g_hash_table_size(self->discovery_owners) == 0 && self->discovering)
		bluez_stop_discovery(self);
}

/* ---- following BlueZ ------------------------------------------------------------------------- */

static void pair_done(WbBluetooth *self, GError *error);

static void
on_available_changed(WbBluezClient *client, gboolean available, gpointer user_data)
{
	WbBluetooth *self = user_data;

	if (available) {
		ensure_registrations(self);
	} else {
		forget_registrations(self);
		if (self->pairing != NULL)
			pair_done(self,
				  g_error_new_literal(WB_ERROR, WB_ERROR_BLUETOOTH_UNAVAILABLE,
						      "bluetoothd went away while pairing"));
		/* bluetoothd forgot every scan client with it */
		g_hash_table_remove_all(self->discovery_owners);
		g_hash_table_remove_all(self->connected);
		set_discovering(self, FALSE);
	}
	update_state(self);
	update_discovered(self);
}

static void
on_adapter_changed(WbBluezClient *client, WbBluezAdapter1 *adapter, gpointer user_data)
{
	WbBluetooth *self = user_data;
	GDBusObjectManager *manager = wb_bluez_client_get_manager(self->client);
	g_autoptr(GDBusInterface) still = NULL;

	/* the adapter our application was registered on went away (unplugged, or re-created at
	 * the same path): bluetoothd dropped the registration with it */
	if (self->app_adapter != NULL && manager != NULL)
		still = g_dbus_object_manager_get_interface(manager, self->app_adapter,
							    "org.bluez.Adapter1");
	if (self->app_adapter != NULL && still == NULL && !self->app_pending) {
		wb_debug("adapter %s is gone", self->app_adapter);
		if (wb_bluez_gatt_app_is_registered(self->app))
			wb_bluez_gatt_app_unregister(self->app);
		g_clear_pointer(&self->app_error, g_free);
		g_clear_pointer(&self->app_adapter, g_free);
	}
	/* an adapter whose GattManager1 was not exported yet when we asked: ask again */
	if (self->app_error_transient && !self->app_pending) {
		self->app_error_transient = FALSE;
		g_clear_pointer(&self->app_error, g_free);
	}
	update_state(self);
	ensure_registrations(self);
}

static gboolean
discovered_idle_cb(gpointer user_data)
{
	WbBluetooth *self = user_data;

	self->discovered_idle = 0;
	update_discovered(self);
	return G_SOURCE_REMOVE;
}

static void
on_device_changed(WbBluezClient *client, WbBluezDevice1 *device, gpointer user_data)
{
	WbBluetooth *self = user_data;
	const gchar *address = wb_bluez_device1_get_address(device);

	/* a scan can bring hundreds of devices at once: rebuild the list once per burst */
	if (self->discovered_idle == 0)
		self->discovered_idle = g_idle_add(discovered_idle_cb, self);
	if (!wb_bluetooth_address_is_valid(address))
		return;
	/* the watch connected to us by itself (or through another tool): a good moment to open
	 * our link rather than at the end of a backoff */
	if (!wb_bluez_device1_get_connected(device)) {
		g_hash_table_remove(self->connected, address);
	} else if (!g_hash_table_contains(self->connected, address)) {
		g_hash_table_add(self->connected, g_strdup(address));
		g_signal_emit(self, signals[SIGNAL_WAKE], 0, address);
	}
}

static void
on_prepare_for_sleep(GDBusConnection *connection, const gchar *sender, const gchar *path,
		     const gchar *interface, const gchar *signal, GVariant *parameters,
		     gpointer user_data)
{
	WbBluetooth *self = user_data;
	gboolean sleeping = FALSE;

	if (!g_variant_is_of_type(parameters, G_VARIANT_TYPE("(b)")))
		return;
	g_variant_get(parameters, "(b)", &sleeping);
	if (sleeping) {
		wb_info("the system is going to sleep");
		return;
	}
	/* links did not survive the sleep; try every watch now instead of at its backoff */
	wb_info("the system resumed: reconnecting");
	g_signal_emit(self, signals[SIGNAL_WAKE], 0, NULL);
}

/* ---- connecting a watch ---------------------------------------------------------------------- */

typedef struct {
	WbBluetooth *self; /* unowned: the task holds a reference */
	gchar *address;
	gchar *transport;
	gchar *device_path;
	GCancellable *outer;
	gulong outer_id;
	GCancellable *step; /* cancelled by the outer cancellable and by our timeouts */
	guint timer;
	gboolean timed_out;
	WbLink *link;
	gboolean tried_normal;
} ConnectOp;

static void
connect_op_free(ConnectOp *op)
{
	g_clear_handle_id(&op->timer, g_source_remove);
	if (op->outer_id != 0)
		g_cancellable_disconnect(op->outer, op->outer_id);
	g_clear_object(&op->outer);
	g_clear_object(&op->step);
	if (op->link != NULL)
		wb_link_close(op->link);
	g_clear_object(&op->link);
	g_free(op->address);
	g_free(op->transport);
	g_free(op->device_path);
	g_free(op);
}

static void
outer_cancelled(GCancellable *outer, gpointer user_data)
{
	g_cancellable_cancel(user_data);
}

static gboolean
op_timeout_cb(gpointer user_data)
{
	ConnectOp *op = user_data;

	op->timer = 0;
	op->timed_out = TRUE;
	g_cancellable_cancel(op->step);
	return G_SOURCE_REMOVE;
}

static void
op_arm_timeout(ConnectOp *op, guint seconds)
{
	g_clear_handle_id(&op->timer, g_source_remove);
	op->timed_out = FALSE;
	op->timer = g_timeout_add_seconds(seconds, op_timeout_cb, op);
}

/* Fails the operation, turning a cancellation caused by our timeout into @timeout_message. */
static void
op_fail(GTask *task, GError *error, const gchar *timeout_message)
{
	ConnectOp *op = g_task_get_task_data(task);

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && op->timed_out &&
	    !g_cancellable_is_cancelled(op->outer)) {
		g_error_free(error);
		error = g_error_new(WB_ERROR, WB_ERROR_TIMEOUT, "%s: %s", op->address,
				    timeout_message);
	}
	g_task_return_error(task, error);
	g_object_unref(task);
}

/* The object path of the characteristic with @uuid under the device, or NULL. */
static gchar *
find_characteristic(WbBluetooth *self, const gchar *device_path, const gchar *uuid)
{
	GDBusObjectManager *manager = wb_bluez_client_get_manager(self->client);
	g_autolist(GDBusObject) objects = NULL;
	g_autofree gchar *prefix = g_strconcat(device_path, "/", NULL);

	if (manager == NULL)
		return NULL;
	objects = g_dbus_object_manager_get_objects(manager);
	for (GList *l = objects; l != NULL; l = l->next) {
		WbBluezGattCharacteristic1 *chr =
			wb_bluez_object_peek_gatt_characteristic1(l->data);
		const gchar *path = g_dbus_object_get_object_path(l->data);
		const gchar *chr_uuid;

		if (chr == NULL || !g_str_has_prefix(path, prefix))
			continue;
		chr_uuid = wb_bluez_gatt_characteristic1_get_uuid(chr);
		if (chr_uuid != NULL && g_ascii_strcasecmp(chr_uuid, uuid) == 0)
			return g_strdup(path);
	}
	return NULL;
}

static void choose_mode(GTask *task);

static void
link_opened_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	ConnectOp *op = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	gboolean was_normal = WB_IS_LINK_BLE(source);

	g_clear_handle_id(&op->timer, g_source_remove);
	if (!wb_link_open_finish(WB_LINK(source), result, &error)) {
		wb_link_close(WB_LINK(source));
		g_clear_object(&op->link);
		/* the watch never started PPoGATT on our server: try the watch's service */
		if (was_normal && op->timed_out && !g_cancellable_is_cancelled(op->outer)) {
			g_autoptr(GCancellable) fresh = g_cancellable_new();
			wb_info("%s: no PPoGATT session on our GATT server within %d s",
				op->address, HANDSHAKE_TIMEOUT_S);
			/* a new step: the timed-out one stays cancelled */
			g_cancellable_disconnect(op->outer, op->outer_id);
			op->outer_id = 0;
			g_set_object(&op->step, fresh);
			if (op->outer != NULL)
				op->outer_id = g_cancellable_connect(
					op->outer, G_CALLBACK(outer_cancelled), op->step, NULL);
			op->timed_out = FALSE;
			if (wb_link_ble_client_detect(wb_bluez_client_get_manager(op->self->client),
						      op->device_path) != WB_LINK_BLE_CLIENT_NONE) {
				choose_mode(task);
				return;
			}
			op->timed_out = TRUE;
		}
		op_fail(task, g_steal_pointer(&error),
			"the watch did not open a PPoGATT session (is it paired with another "
			"phone? forget it on the watch and pair again)");
		return;
	}
	/* next time, do not wait for a normal-mode handshake this watch will not start */
	if (WB_IS_LINK_BLE_CLIENT(op->link) && op->tried_normal)
		g_hash_table_add(op->self->reversed, g_strdup(op->address));
	g_task_return_pointer(task, g_steal_pointer(&op->link), g_object_unref);
	g_object_unref(task);
}

static void
open_link(GTask *task, WbLink *link)
{
	ConnectOp *op = g_task_get_task_data(task);

	g_set_object(&op->link, link);
	op_arm_timeout(op, HANDSHAKE_TIMEOUT_S);
	wb_link_open_async(link, op->step, link_opened_cb, task);
}

static void
choose_mode(GTask *task)
{
	ConnectOp *op = g_task_get_task_data(task);
	WbBluetooth *self = op->self;
	GDBusObjectManager *manager = wb_bluez_client_get_manager(self->client);
	WbLinkBleClientVariant variant;
	g_autoptr(WbLink) link = NULL;

	if (manager == NULL) {
		op_fail(task,
			g_error_new_literal(WB_ERROR, WB_ERROR_BLUETOOTH_UNAVAILABLE,
					    "bluetoothd went away"),
			"");
		return;
	}
	variant = wb_link_ble_client_detect(manager, op->device_path);
	/* §10.14: a watch that offers the V2 service wants it; otherwise the normal mode (our
	 * server) is what every other watch expects, and V1 the fallback */
	if (variant == WB_LINK_BLE_CLIENT_V2 ||
	    (variant == WB_LINK_BLE_CLIENT_V1 &&
	     (op->tried_normal || !wb_bluez_gatt_app_is_registered(self->app) ||
	      g_hash_table_contains(self->reversed, op->address)))) {
		wb_debug("%s: %s", op->address, wb_link_ble_client_variant_to_mode(variant));
		link = wb_link_ble_client_new(manager, op->device_path, op->address, variant);
		open_link(task, link);
		return;
	}
	if (!op->tried_normal && wb_bluez_gatt_app_is_registered(self->app)) {
		op->tried_normal = TRUE;
		link = wb_link_ble_new(self->app, op->device_path, op->address);
		open_link(task, link);
		return;
	}
	op_fail(task,
		g_error_new(WB_ERROR, WB_ERROR_NOT_SUPPORTED,
			    "%s: no way to reach the watch over LE: our GATT application is not "
			    "registered (%s) and the watch offers no reversed PPoGATT service",
			    op->address, self->app_error != NULL ? self->app_error : "pending"),
		"");
}

static void
status_read_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	ConnectOp *op = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (reply == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		op_fail(task, g_steal_pointer(&error), "");
		return;
	}
	if (reply != NULL && g_variant_is_of_type(reply, G_VARIANT_TYPE("(ay)"))) {
		g_autoptr(GVariant) value = g_variant_get_child_value(reply, 0);
		gsize len = g_variant_n_children(value);
		const guint8 *status = g_variant_get_fixed_array(value, &len, 1);

		/* §10.4: byte 0 bit 1 = the reading device is bonded to the watch */
		if (len >= 1 && (status[0] & 0x02) == 0) {
			op_fail(task,
				g_error_new(
					WB_ERROR, WB_ERROR_STALE_BOND,
					"%s no longer has this computer's bond (it was reset or "
					"paired elsewhere): forget it ('wearctl forget') and pair "
					"again",
					op->address),
				"");
			return;
		}
	} else if (reply == NULL) {
		wb_debug("%s: connectivity status: %s", op->address, error->message);
	}
	choose_mode(task);
}

/* The device is connected and its services are resolved. */
static void
device_ready(GTask *task)
{
	ConnectOp *op = g_task_get_task_data(task);
	g_autofree gchar *status =
		find_characteristic(op->self, op->device_path, CONNECTIVITY_UUID);

	if (status == NULL) {
		choose_mode(task);
		return;
	}
	g_dbus_connection_call(op->self->bus, "org.bluez", status, "org.bluez.GattCharacteristic1",
			       "ReadValue", g_variant_new("(a{sv})", NULL), NULL,
			       G_DBUS_CALL_FLAGS_NONE, 10000, op->step, status_read_cb, task);
}

static void
ready_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	ConnectOp *op = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;

	if (!wb_bluez_client_wait_ready_finish(WB_BLUEZ_CLIENT(source), result, &error)) {
		op_fail(task,
			g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
				? g_steal_pointer(&error)
				: map_bluez_error(error, op->address),
			"");
		return;
	}
	device_ready(task);
}

/* device-api.txt: GATT traffic can start once ServicesResolved is true */
static void
wait_ready(GTask *task)
{
	ConnectOp *op = g_task_get_task_data(task);

	wb_bluez_client_wait_ready_async(op->self->client, op->device_path, RESOLVE_TIMEOUT_S,
					 op->step, ready_cb, task);
}

static void
device_connected_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	ConnectOp *op = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (reply == NULL) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			op_fail(task, g_steal_pointer(&error), "");
			return;
		}
		note_access_denied(op->self, error);
		if (error_is_dbus(error, "org.bluez.Error.AuthenticationFailed") ||
		    error_is_dbus(error, "org.bluez.Error.AuthenticationRejected")) {
			/* the watch refused the encryption with our keys */
			op_fail(task,
				g_error_new(
					WB_ERROR, WB_ERROR_STALE_BOND,
					"%s refused our bond (it was reset or paired elsewhere): "
					"forget it ('wearctl forget') and pair again",
					op->address),
				"");
			return;
		}
		op_fail(task, map_bluez_error(error, op->address), "");
		return;
	}
	wait_ready(task);
}

static void
profile_connected_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GTask *task = user_data;
	ConnectOp *op = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocket) socket =
		wb_bluez_profile_connect_finish(WB_BLUEZ_PROFILE(source), result, &error);
	g_autoptr(WbLink) link = NULL;

	if (socket == NULL) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			op_fail(task, g_steal_pointer(&error), "");
		else
			op_fail(task, map_bluez_error(error, op->address), "");
		return;
	}
	link = wb_link_rfcomm_new(op->address, socket);
	open_link(task, link);
}

/**
 * wb_bluetooth_connect_async:
 * @self: a #WbBluetooth
 * @address: the watch's address
 * @transport: "ble" or "rfcomm"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the open link or an error
 * @user_data: for @callback
 *
 * Connects the device if needed, waits for its services, checks the bond, picks the PPoGATT
 * mode (or opens the RFCOMM channel) and completes when the link is open, so that a
 * #WbSession can start on it.
 */
void
wb_bluetooth_connect_async(WbBluetooth *self, const gchar *address, const gchar *transport,
			   GCancellable *cancellable, GAsyncReadyCallback callback,
			   gpointer user_data)
{
	GTask *task = g_task_new(self, cancellable, callback, user_data);
	ConnectOp *op = g_new0(ConnectOp, 1);
	g_autoptr(WbBluezDevice1) device = NULL;
	g_autoptr(GError) error = NULL;

	g_task_set_source_tag(task, wb_bluetooth_connect_async);
	op->self = self;
	op->address = g_strdup(address);
	op->transport = g_strdup(transport);
	op->step = g_cancellable_new();
	if (cancellable != NULL) {
		op->outer = g_object_ref(cancellable);
		op->outer_id = g_cancellable_connect(cancellable, G_CALLBACK(outer_cancelled),
						     op->step, NULL);
	}
	g_task_set_task_data(task, op, (GDestroyNotify)connect_op_free);
	if (!check_usable(self, &error)) {
		op_fail(task, g_steal_pointer(&error), "");
		return;
	}
	device = wb_bluez_client_find_device(self->client, address);
	if (device == NULL) {
		op_fail(task,
			g_error_new(WB_ERROR, WB_ERROR_DEVICE_NOT_FOUND,
				    "BlueZ does not know %s any more: pair it again ('wearctl pair "
				    "%s')",
				    address, address),
			"");
		return;
	}
	op->device_path = g_strdup(g_dbus_proxy_get_object_path(G_DBUS_PROXY(device)));
	if (!wb_bluez_device1_get_paired(device)) {
		op_fail(task,
			g_error_new(WB_ERROR, WB_ERROR_STALE_BOND,
				    "BlueZ has no bond with %s any more: pair it again ('wearctl "
				    "pair %s')",
				    address, address),
			"");
		return;
	}
	if (g_strcmp0(transport, "rfcomm") == 0) {
		if (self->profile == NULL || !wb_bluez_profile_is_registered(self->profile)) {
			op_fail(task,
				g_error_new(WB_ERROR, WB_ERROR_NOT_SUPPORTED,
					    "the Serial Port profile is not registered with BlueZ "
					    "(%s)",
					    self->profile_error != NULL ? self->profile_error
									: "pending"),
				"");
			return;
		}
		wb_bluez_profile_connect_async(self->profile, op->device_path, op->step,
					       profile_connected_cb, task);
		return;
	}
	if (wb_bluez_device1_get_connected(device)) {
		wait_ready(task);
		return;
	}
	wb_debug("%s: connecting", address);
	g_dbus_connection_call(self->bus, "org.bluez", op->device_path, "org.bluez.Device1",
			       "Connect", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, CONNECT_TIMEOUT_MS,
			       op->step, device_connected_cb, task);
}

/**
 * wb_bluetooth_connect_finish:
 * @self: a #WbBluetooth
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the open link
 */
WbLink *
wb_bluetooth_connect_finish(WbBluetooth *self, GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

/**
 * wb_bluetooth_get_link_info:
 * @link: an open Bluetooth link
 * @info: (out caller-allocates): what it is
 */
void
wb_bluetooth_get_link_info(WbLink *link, WbBluetoothLinkInfo *info)
{
	memset(info, 0, sizeof(*info));
	if (WB_IS_LINK_BLE(link)) {
		gsize payload = wb_link_ble_get_max_payload(WB_LINK_BLE(link));
		info->mode = "ppogatt";
		info->mtu = payload > 0 ? (guint16)MIN(payload + 4, G_MAXUINT16) : 0;
		info->tx_window = wb_link_ble_get_tx_window(WB_LINK_BLE(link));
		info->rx_window = wb_link_ble_get_rx_window(WB_LINK_BLE(link));
	} else if (WB_IS_LINK_BLE_CLIENT(link)) {
		WbLinkBleClient *client = WB_LINK_BLE_CLIENT(link);
		info->mode =
			wb_link_ble_client_variant_to_mode(wb_link_ble_client_get_variant(client));
		info->mtu = wb_link_ble_client_get_mtu(client);
		info->tx_window = wb_link_ble_client_get_tx_window(client);
		info->rx_window = wb_link_ble_client_get_rx_window(client);
	} else if (WB_IS_LINK_RFCOMM(link)) {
		info->mode = "rfcomm";
	} else {
		info->mode = wb_link_get_transport(link);
	}
}

/* ---- pairing --------------------------------------------------------------------------------- */

static void
pair_done(WbBluetooth *self, GError *error)
{
	g_autoptr(GTask) task = g_steal_pointer(&self->pairing);
	PairOp *op = g_task_get_task_data(task);

	g_clear_handle_id(&op->timeout_id, g_source_remove);
	if (error != NULL) {
		wb_info("pairing with %s failed: %s", op->address, error->message);
		g_task_return_error(task, error);
		return;
	}
	wb_message("paired with %s (%s, %s)", op->address, op->name, op->transport);
	g_task_return_pointer(task, g_strdup(op->transport), g_free);
}

static void
trusted_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbBluetooth) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (self->pairing == NULL)
		return;
	/* not fatal: without Trusted, bluetoothd asks the agent to authorize reconnections */
	if (reply == NULL)
		wb_warning("cannot mark the watch trusted: %s", error->message);
	pair_done(self, NULL);
}

static void
bonded(WbBluetooth *self)
{
	PairOp *op = g_task_get_task_data(self->pairing);

	g_dbus_connection_call(
		self->bus, "org.bluez", op->device_path, "org.freedesktop.DBus.Properties", "Set",
		g_variant_new("(ssv)", "org.bluez.Device1", "Trusted", g_variant_new_boolean(TRUE)),
		NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, trusted_cb, g_object_ref(self));
}

static void
paired_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbBluetooth) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (self->pairing == NULL)
		return;
	if (reply == NULL && !error_is_dbus(error, "org.bluez.Error.AlreadyExists")) {
		PairOp *op = g_task_get_task_data(self->pairing);
		note_access_denied(self, error);
		pair_done(self, map_bluez_error(error, op->address));
		return;
	}
	bonded(self);
}

static void
call_pair(WbBluetooth *self)
{
	PairOp *op = g_task_get_task_data(self->pairing);

	wb_info("pairing with %s", op->address);
	g_dbus_connection_call(self->bus, "org.bluez", op->device_path, "org.bluez.Device1", "Pair",
			       NULL, NULL, G_DBUS_CALL_FLAGS_NONE, PAIR_TIMEOUT_MS, NULL, paired_cb,
			       g_object_ref(self));
}

static void
trigger_written_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbBluetooth) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (self->pairing == NULL)
		return;
	if (reply == NULL)
		wb_debug("pairing trigger: %s", error->message);
	call_pair(self);
}

/* §10.5: ask the watch to pin our address and to let us start bonding ourselves (bits 0 and 1,
 * as LP3), so the pairing goes through our agent; CFW honours bit 1 only. */
static void
write_trigger(WbBluetooth *self)
{
	PairOp *op = g_task_get_task_data(self->pairing);
	g_autofree gchar *trigger =
		find_characteristic(self, op->device_path, PAIRING_TRIGGER_UUID);
	static const guint8 flags = 0x03;

	if (trigger == NULL) {
		call_pair(self);
		return;
	}
	g_dbus_connection_call(
		self->bus, "org.bluez", trigger, "org.bluez.GattCharacteristic1", "WriteValue",
		g_variant_new("(@aya{sv})",
			      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, &flags, 1, 1), NULL),
		NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, trigger_written_cb, g_object_ref(self));
}

static void
services_resolved_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) pairing = user_data;
	WbBluetooth *self = g_task_get_source_object(pairing);
	g_autoptr(GError) error = NULL;

	/* that pairing may have ended (timeout, bluetoothd gone) while we waited */
	if (self->pairing != pairing)
		return;
	if (wb_bluez_client_wait_ready_finish(WB_BLUEZ_CLIENT(source), result, &error)) {
		write_trigger(self);
		return;
	}
	/* pair without the trigger: the watch may still ask for security itself */
	wb_debug("pairing without the trigger: %s", error->message);
	call_pair(self);
}

/* The pairing trigger is a characteristic of the watch: wait until BlueZ has resolved the
 * watch's services (device-api.txt ServicesResolved), at most PAIR_RESOLVE_S. */
static void
wait_services(WbBluetooth *self)
{
	PairOp *op = g_task_get_task_data(self->pairing);

	wb_bluez_client_wait_ready_async(self->client, op->device_path, PAIR_RESOLVE_S, NULL,
					 services_resolved_cb, g_object_ref(self->pairing));
}

static void
pair_connect_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbBluetooth) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (self->pairing == NULL)
		return;
	/* not fatal: Pair() connects by itself; the trigger needs the watch's services */
	if (reply == NULL) {
		wb_debug("connect before pairing: %s", error->message);
		call_pair(self);
		return;
	}
	wait_services(self);
}

static gboolean
pair_timeout_cb(gpointer user_data)
{
	WbBluetooth *self = user_data;
	PairOp *op = g_task_get_task_data(self->pairing);

	op->timeout_id = 0;
	g_dbus_connection_call(self->bus, "org.bluez", op->device_path, "org.bluez.Device1",
			       "CancelPairing", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL,
			       NULL);
	pair_done(self,
		  g_error_new(WB_ERROR, WB_ERROR_TIMEOUT,
			      "%s: the watch did not confirm the pairing in time", op->address));
	return G_SOURCE_REMOVE;
}

/**
 * wb_bluetooth_pair_async:
 * @self: a #WbBluetooth
 * @address: the watch's address
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the watch is bonded and trusted, or not
 * @user_data: for @callback
 *
 * Pairs with the watch (Manager1.Pair), or adopts an existing bond.
 */
void
wb_bluetooth_pair_async(WbBluetooth *self, const gchar *address, GCancellable *cancellable,
			GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;
	g_autoptr(WbBluezDevice1) device = NULL;
	g_autoptr(GError) error = NULL;
	PairOp *op;

	if (defer(self, TRUE, address, cancellable, callback, user_data))
		return;
	task = g_task_new(self, cancellable, callback, user_data);

	g_task_set_source_tag(task, wb_bluetooth_pair_async);
	if (!wb_bluetooth_address_is_valid(address)) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_INVALID_ARGS,
					"'%s' is not a Bluetooth address (AA:BB:CC:DD:EE:FF)",
					address);
		return;
	}
	if (!check_usable(self, &error)) {
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	if (self->pairing != NULL) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_BUSY, "already pairing with %s",
					((PairOp *)g_task_get_task_data(self->pairing))->address);
		return;
	}
	device = wb_bluez_client_find_device(self->client, address);
	if (device == NULL) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_DEVICE_NOT_FOUND,
					"%s has not been seen: scan first ('wearctl scan') with "
					"the watch showing its pairing screen",
					address);
		return;
	}
	op = g_new0(PairOp, 1);
	op->address = g_ascii_strup(address, -1);
	op->device_path = g_strdup(g_dbus_proxy_get_object_path(G_DBUS_PROXY(device)));
	op->transport = g_strdup(device_is_classic(device) ? "rfcomm" : "ble");
	op->name = g_strdup(device_name(device));
	g_task_set_task_data(task, op, (GDestroyNotify)pair_op_free);
	self->pairing = g_steal_pointer(&task);
	op->timeout_id = g_timeout_add_seconds(PAIR_TIMEOUT_MS / 1000 + 5, pair_timeout_cb, self);
	if (wb_bluez_device1_get_paired(device)) {
		wb_info("%s is already bonded: adopting it", op->address);
		bonded(self);
	} else if (g_str_equal(op->transport, "rfcomm")) {
		call_pair(self);
	} else if (wb_bluez_device1_get_connected(device)) {
		wait_services(self);
	} else {
		g_dbus_connection_call(self->bus, "org.bluez", op->device_path, "org.bluez.Device1",
				       "Connect", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
				       CONNECT_TIMEOUT_MS, NULL, pair_connect_done,
				       g_object_ref(self));
	}
}

/**
 * wb_bluetooth_pair_finish:
 * @self: a #WbBluetooth
 * @result: the result given to the callback
 * @out_name: (out) (optional): the watch's name as BlueZ knows it
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the transport to reach it, "ble" or "rfcomm"
 */
gchar *
wb_bluetooth_pair_finish(WbBluetooth *self, GAsyncResult *result, gchar **out_name, GError **error)
{
	PairOp *op = g_task_get_task_data(G_TASK(result));

	if (out_name != NULL)
		*out_name = g_strdup(op != NULL ? op->name : NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- forgetting ------------------------------------------------------------------------------ */

static void
removed_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autofree gchar *address = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (reply == NULL)
		wb_warning("cannot remove %s from BlueZ: %s", address, error->message);
	else
		wb_info("removed %s from BlueZ", address);
}

/**
 * wb_bluetooth_remove_device:
 * @self: a #WbBluetooth
 * @address: a watch's address
 *
 * Removes the device and its bond from BlueZ (Forget), in the background.
 */
void
wb_bluetooth_remove_device(WbBluetooth *self, const gchar *address)
{
	g_autoptr(WbBluezDevice1) device = NULL;
	const gchar *adapter;

	if (!wb_bluez_client_is_available(self->client))
		return;
	device = wb_bluez_client_find_device(self->client, address);
	if (device == NULL)
		return;
	adapter = wb_bluez_device1_get_adapter(device);
	if (adapter == NULL || !g_variant_is_object_path(adapter))
		return;
	g_dbus_connection_call(
		self->bus, "org.bluez", adapter, "org.bluez.Adapter1", "RemoveDevice",
		g_variant_new("(o)", g_dbus_proxy_get_object_path(G_DBUS_PROXY(device))), NULL,
		G_DBUS_CALL_FLAGS_NONE, -1, NULL, removed_cb, g_strdup(address));
}

/* ---- doctor ---------------------------------------------------------------------------------- */

static void
add_finding(GVariantBuilder *b, const gchar *check, const gchar *status, const gchar *finding,
	    const gchar *fix)
{
	g_variant_builder_add(b, "(ssss)", check, status, finding, fix != NULL ? fix : "");
}

/* bluetoothd says its version only on its command line */
static gchar *
bluetoothd_version(void)
{
	static const gchar *const paths[] = {"/usr/libexec/bluetooth/bluetoothd",
					     "/usr/lib/bluetooth/bluetoothd",
					     "/usr/sbin/bluetoothd"};

	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		const gchar *argv[] = {paths[i], "--version", NULL};
		g_autofree gchar *out = NULL;
		gint status = 0;

		if (!g_file_test(paths[i], G_FILE_TEST_IS_EXECUTABLE))
			continue;
		if (g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
				 &out, NULL, &status, NULL) &&
		    g_spawn_check_wait_status(status, NULL) && out != NULL)
			return g_strstrip(g_steal_pointer(&out));
	}
	return NULL;
}

static void
check_rfkill(GVariantBuilder *b)
{
	g_autoptr(GDir) dir = g_dir_open("/sys/class/rfkill", 0, NULL);
	const gchar *name;
	gboolean seen = FALSE;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *base = g_build_filename("/sys/class/rfkill", name, NULL);
		g_autofree gchar *type_path = g_build_filename(base, "type", NULL);
		g_autofree gchar *soft_path = g_build_filename(base, "soft", NULL);
		g_autofree gchar *hard_path = g_build_filename(base, "hard", NULL);
		g_autofree gchar *type = NULL;
		g_autofree gchar *soft = NULL;
		g_autofree gchar *hard = NULL;

		if (!g_file_get_contents(type_path, &type, NULL, NULL) ||
		    !g_str_equal(g_strstrip(type), "bluetooth"))
			continue;
		seen = TRUE;
		g_file_get_contents(soft_path, &soft, NULL, NULL);
		g_file_get_contents(hard_path, &hard, NULL, NULL);
		if (hard != NULL && g_str_equal(g_strstrip(hard), "1"))
			add_finding(b, "rfkill", "error",
				    "Bluetooth is blocked by a hardware switch",
				    "turn on the wireless switch or key of the computer");
		else if (soft != NULL && g_str_equal(g_strstrip(soft), "1"))
			add_finding(b, "rfkill", "error", "Bluetooth is blocked by rfkill",
				    "rfkill unblock bluetooth");
		else
			continue;
		return;
	}
	add_finding(b, "rfkill", "ok",
		    seen ? "Bluetooth is not blocked by rfkill" : "no rfkill switch for Bluetooth",
		    NULL);
}

static gboolean
version_at_least(const gchar *version, guint major, guint minor)
{
	guint64 a = 0;
	guint64 b = 0;
	gchar *end = NULL;

	a = g_ascii_strtoull(version, &end, 10);
	if (end == NULL || *end != '.')
		return TRUE; /* unknown format: do not complain */
	b = g_ascii_strtoull(end + 1, NULL, 10);
	return a > major || (a == major && b >= minor);
}

/**
 * wb_bluetooth_doctor:
 * @self: a #WbBluetooth
 * @known_addresses: the addresses of the known Bluetooth watches
 *
 * Returns: (transfer full): the findings, a(ssss) as Manager1.Doctor
 */
GVariant *
wb_bluetooth_doctor(WbBluetooth *self, const gchar *const *known_addresses)
{
	g_autoptr(WbBluezAdapter1) adapter = NULL;
	g_autofree gchar *version = NULL;
	g_autofree gchar *text = NULL;
	const gchar *const *roles;
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a(ssss)"));
	if (self->bus == NULL) {
		add_finding(&b, "bluetoothd", "error", "the daemon cannot reach the system bus",
			    "check that dbus is running and DBUS_SYSTEM_BUS_ADDRESS is right");
		return g_variant_ref_sink(g_variant_builder_end(&b));
	}
	if (!wb_bluez_client_is_available(self->client)) {
		add_finding(&b, "bluetoothd", "error", "bluetoothd is not running",
			    "sudo systemctl enable --now bluetooth");
		return g_variant_ref_sink(g_variant_builder_end(&b));
	}
	version = bluetoothd_version();
	if (version == NULL) {
		add_finding(&b, "bluetoothd", "ok", "bluetoothd is running (version unknown)",
			    NULL);
	} else if (!version_at_least(version, 5, 66)) {
		text = g_strdup_printf("bluetoothd %s is running; wearbridge needs 5.66 or newer",
				       version);
		add_finding(&b, "bluetoothd", "warning", text,
			    "update BlueZ (the bluez package) to 5.66 or newer");
	} else {
		text = g_strdup_printf("bluetoothd %s is running", version);
		add_finding(&b, "bluetoothd", "ok", text, NULL);
	}
	g_clear_pointer(&text, g_free);
	if (self->access_error != NULL)
		add_finding(&b, "permissions", "error", self->access_error,
			    "run wearbridged in your graphical session, or add yourself to the "
			    "'bluetooth' group and log in again");
	else
		add_finding(&b, "permissions", "ok", "BlueZ accepts our calls", NULL);
	check_rfkill(&b);
	adapter = wb_bluez_client_get_adapter(self->client);
	if (adapter == NULL) {
		add_finding(&b, "adapter", "error", "there is no Bluetooth adapter",
			    "plug in an adapter; 'dmesg | grep -i bluetooth' shows driver errors");
	} else {
		const gchar *power_state = wb_bluez_adapter1_get_power_state(adapter);
		text = g_strdup_printf("%s (%s)",
				       g_dbus_proxy_get_object_path(G_DBUS_PROXY(adapter)),
				       wb_bluez_adapter1_get_address(adapter) != NULL
					       ? wb_bluez_adapter1_get_address(adapter)
					       : "no address");
		add_finding(&b, "adapter", "ok", text, NULL);
		g_clear_pointer(&text, g_free);
		if (wb_bluez_adapter1_get_powered(adapter))
			add_finding(&b, "powered", "ok", "the adapter is on", NULL);
		else if (g_strcmp0(power_state, "off-blocked") == 0)
			add_finding(&b, "powered", "error", "the adapter is blocked by rfkill",
				    "rfkill unblock bluetooth");
		else
			add_finding(&b, "powered", "error", "the adapter is off",
				    "bluetoothctl power on (or turn Bluetooth on in Settings)");
		roles = wb_bluez_adapter1_get_roles(adapter);
		if (roles == NULL)
			add_finding(&b, "le-roles", "warning",
				    "BlueZ does not report the adapter's LE roles (5.61+ does)",
				    "update BlueZ");
		else if (!uuids_contain(roles, "central"))
			add_finding(&b, "le-roles", "error", "the adapter cannot be an LE central",
				    "use an adapter with Bluetooth 4.0 (LE) or newer");
		else
			add_finding(&b, "le-roles", "ok", "the adapter can connect to LE watches",
				    NULL);
	}
	if (wb_bluez_gatt_app_is_registered(self->app))
		add_finding(&b, "gatt-application", "ok",
			    "our PPoGATT GATT server is registered with BlueZ", NULL);
	else if (self->app_error != NULL)
		add_finding(&b, "gatt-application", "error", self->app_error,
			    "BlueZ 5.66+ with its GATT server is needed for most watches; see "
			    "'journalctl -u bluetooth'");
	else
		add_finding(&b, "gatt-application", "warning",
			    "our PPoGATT GATT server is not registered yet", NULL);
	if (self->agent_registered)
		add_finding(&b, "agent", "ok", "our pairing agent is registered", NULL);
	else
		add_finding(&b, "agent", "warning",
			    self->agent_error != NULL &&
					    !g_str_equal(self->agent_error, "registering")
				    ? self->agent_error
				    : "our pairing agent is not registered",
			    "pairing will use the desktop's agent: accept its prompt");
	if (self->profile != NULL && wb_bluez_profile_is_registered(self->profile))
		add_finding(&b, "profile", "ok", "the Serial Port profile is registered", NULL);
	else
		add_finding(&b, "profile", "warning",
			    self->profile_error != NULL
				    ? self->profile_error
				    : "the Serial Port profile is not registered",
			    "only classic watches (Pebble, Steel, Time) need it");
	for (guint i = 0; known_addresses != NULL && known_addresses[i] != NULL; i++) {
		g_autoptr(WbBluezDevice1) device =
			wb_bluez_client_find_device(self->client, known_addresses[i]);
		g_autofree gchar *check = g_strconcat("bond:", known_addresses[i], NULL);
		g_autofree gchar *fix = g_strdup_printf("wearctl forget %s, then wearctl pair %s",
							known_addresses[i], known_addresses[i]);
		g_autofree gchar *finding = NULL;
		const gchar *address = known_addresses[i];

		if (device == NULL) {
			finding = g_strdup_printf("%s: BlueZ does not know this watch any more",
						  address);
			add_finding(&b, check, "error", finding, fix);
		} else if (!wb_bluez_device1_get_paired(device)) {
			finding = g_strdup_printf("%s: BlueZ has no bond with this watch", address);
			add_finding(&b, check, "error", finding, fix);
		} else if (!wb_bluez_device1_get_trusted(device)) {
			finding = g_strdup_printf("%s: paired but not trusted", address);
			g_free(fix);
			fix = g_strdup_printf("bluetoothctl trust %s", address);
			add_finding(&b, check, "warning", finding, fix);
		} else {
			finding = g_strdup_printf("%s: paired and trusted", address);
			add_finding(&b, check, "ok", finding, NULL);
		}
	}
	return g_variant_ref_sink(g_variant_builder_end(&b));
}

/* ---- life cycle ------------------------------------------------------------------------------ */

/**
 * wb_bluetooth_new:
 * @system_bus: (nullable): the system bus, %NULL if there is none
 *
 * Returns: (transfer full): the daemon's Bluetooth, following bluetoothd from now on
 */
WbBluetooth *
wb_bluetooth_new(GDBusConnection *system_bus)
{
	WbBluetooth *self = g_object_new(WB_TYPE_BLUETOOTH, NULL);
	g_autoptr(GError) error = NULL;

	if (system_bus == NULL)
		return self;
	self->bus = g_object_ref(system_bus);
	self->app = wb_bluez_gatt_app_new(system_bus, WB_BLUEZ_GATT_APP_DEFAULT_PATH);
	self->profile = wb_bluez_profile_new(system_bus);
	self->agent = WB_BLUEZ_AGENT1(wb_bluez_agent1_skeleton_new());
	g_signal_connect(self->agent, "handle-request-confirmation",
			 G_CALLBACK(on_request_confirmation), self);
	g_signal_connect(self->agent, "handle-request-authorization",
			 G_CALLBACK(on_request_authorization), self);
	g_signal_connect(self->agent, "handle-display-passkey", G_CALLBACK(on_display_passkey),
			 self);
	g_signal_connect(self->agent, "handle-request-pin-code", G_CALLBACK(on_request_secret),
			 self);
	g_signal_connect(self->agent, "handle-request-passkey", G_CALLBACK(on_request_secret),
			 self);
	g_signal_connect(self->agent, "handle-display-pin-code", G_CALLBACK(on_display_pin_code),
			 self);
	g_signal_connect(self->agent, "handle-authorize-service", G_CALLBACK(on_authorize_service),
			 self);
	g_signal_connect(self->agent, "handle-cancel", G_CALLBACK(on_cancel), self);
	g_signal_connect(self->agent, "handle-release", G_CALLBACK(on_release), self);
	if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(self->agent), system_bus,
					      AGENT_PATH, &error))
		wb_warning("cannot export the pairing agent: %s", error->message);
	self->sleep_sub = g_dbus_connection_signal_subscribe(
		system_bus, "org.freedesktop.login1", "org.freedesktop.login1.Manager",
		"PrepareForSleep", "/org/freedesktop/login1", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
		on_prepare_for_sleep, self, NULL);
	self->client = wb_bluez_client_new(system_bus);
	g_signal_connect(self->client, "available-changed", G_CALLBACK(on_available_changed), self);
	g_signal_connect(self->client, "adapter-changed", G_CALLBACK(on_adapter_changed), self);
	g_signal_connect(self->client, "device-changed", G_CALLBACK(on_device_changed), self);
	g_signal_connect(self->client, "settled", G_CALLBACK(on_settled), self);
	return self;
}

static void
wb_bluetooth_dispose(GObject *object)
{
	WbBluetooth *self = WB_BLUETOOTH(object);

	if (self->pairing != NULL)
		pair_done(self, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED,
						    "the daemon is stopping"));
	if (self->discovering && self->client != NULL)
		bluez_stop_discovery(self);
	g_clear_pointer(&self->discovery_owners, g_hash_table_unref);
	g_clear_pointer(&self->connected, g_hash_table_unref);
	g_clear_pointer(&self->reversed, g_hash_table_unref);
	if (self->deferred != NULL && self->deferred->len > 0) {
		/* the daemon stops before bluetoothd was ever checked: fail the waiting calls */
		if (self->client != NULL)
			g_signal_handlers_disconnect_by_data(self->client, self);
		g_clear_object(&self->client);
		on_settled(NULL, self);
	}
	g_clear_pointer(&self->deferred, g_ptr_array_unref);
	forget_registrations(self);
	if (self->sleep_sub != 0) {
		g_dbus_connection_signal_unsubscribe(self->bus, self->sleep_sub);
		self->sleep_sub = 0;
	}
	if (self->client != NULL)
		g_signal_handlers_disconnect_by_data(self->client, self);
	if (self->agent != NULL &&
	    g_dbus_interface_skeleton_get_connection(G_DBUS_INTERFACE_SKELETON(self->agent)))
		g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(self->agent));
	if (self->app != NULL && wb_bluez_gatt_app_is_registered(self->app))
		wb_bluez_gatt_app_unregister(self->app);
	if (self->profile != NULL && wb_bluez_profile_is_registered(self->profile))
		wb_bluez_profile_unregister(self->profile);
	g_clear_object(&self->agent);
	g_clear_object(&self->app);
	g_clear_object(&self->profile);
	g_clear_object(&self->client);
	g_clear_handle_id(&self->discovered_idle, g_source_remove);
	g_clear_pointer(&self->discovered, g_variant_unref);
	g_clear_object(&self->bus);
	G_OBJECT_CLASS(wb_bluetooth_parent_class)->dispose(object);
}

static void
wb_bluetooth_finalize(GObject *object)
{
	WbBluetooth *self = WB_BLUETOOTH(object);

	g_free(self->access_error);
	G_OBJECT_CLASS(wb_bluetooth_parent_class)->finalize(object);
}

static void
wb_bluetooth_class_init(WbBluetoothClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = wb_bluetooth_dispose;
	object_class->finalize = wb_bluetooth_finalize;

	signals[SIGNAL_STATE_CHANGED] =
		g_signal_new("state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 0);
	signals[SIGNAL_DISCOVERED_CHANGED] =
		g_signal_new("discovered-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 0);
	signals[SIGNAL_DISCOVERING_CHANGED] =
		g_signal_new("discovering-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 0);
	/**
	 * WbBluetooth::wake:
	 * @self: the Bluetooth
	 * @address: (nullable): the watch that became reachable, %NULL for all
	 *
	 * A good moment to connect now rather than at the end of a backoff: Bluetooth came on,
	 * bluetoothd (re)appeared, the system resumed, the watch is in range or connected.
	 */
	signals[SIGNAL_WAKE] = g_signal_new("wake", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
					    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
	signals[SIGNAL_PAIRING_CONFIRMATION] =
		g_signal_new("pairing-confirmation", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

static void
wb_bluetooth_init(WbBluetooth *self)
{
	self->discovery_owners =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, remove_source);
	self->connected = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->deferred = g_ptr_array_new();
	self->reversed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}
