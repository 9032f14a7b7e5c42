/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Follows org.bluez on the system bus (STYLE-EXAMPLES Part B 15): one
 * GDBusObjectManagerClient at "/" with typed proxies, rebuilt whenever bluetoothd (re)appears;
 * state is read from properties and kept current from the manager's signals.
 */
#define WB_LOG_MODULE "bluez"
#include "wb-bluez-client.h"
#include "wb-log.h"

struct _WbBluezClient {
	GObject parent_instance;
	GDBusConnection *connection;
	GDBusObjectManager *manager; /* NULL while org.bluez is not on the bus */
	GCancellable *cancellable;   /* of the manager being created */
	guint name_watch;
	gboolean settled; /* we know whether org.bluez is there (and have its objects if so) */
};

G_DEFINE_FINAL_TYPE(WbBluezClient, wb_bluez_client, G_TYPE_OBJECT)

enum {
	SIGNAL_AVAILABLE_CHANGED,
	SIGNAL_DEVICE_CHANGED,
	SIGNAL_ADAPTER_CHANGED,
	SIGNAL_SETTLED,
	N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
emit_for_interface(WbBluezClient *self, GDBusInterface *interface)
{
	if (WB_BLUEZ_IS_DEVICE1(interface))
		g_signal_emit(self, signals[SIGNAL_DEVICE_CHANGED], 0, interface);
	else if (WB_BLUEZ_IS_ADAPTER1(interface))
		g_signal_emit(self, signals[SIGNAL_ADAPTER_CHANGED], 0, interface);
}

static void
settle(WbBluezClient *self)
{
	if (self->settled)
		return;
	self->settled = TRUE;
	g_signal_emit(self, signals[SIGNAL_SETTLED], 0);
}

static void
on_object_added(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
	WbBluezClient *self = user_data;
	g_autolist(GDBusInterface) interfaces = g_dbus_object_get_interfaces(object);

	for (GList *l = interfaces; l != NULL; l = l->next)
		emit_for_interface(self, l->data);
}

static void
on_interface_added(GDBusObjectManager *manager, GDBusObject *object, GDBusInterface *interface,
		   gpointer user_data)
{
	emit_for_interface(user_data, interface);
}

/* A device or adapter that went away (InterfacesRemoved) changes the state and the list of
 * discovered watches as much as a new one: the manager no longer holds it when this runs. */
static void
on_interface_removed(GDBusObjectManager *manager, GDBusObject *object, GDBusInterface *interface,
		     gpointer user_data)
{
	emit_for_interface(user_data, interface);
}

static void
on_properties_changed(GDBusObjectManagerClient *manager, GDBusObjectProxy *object,
		      GDBusProxy *proxy, GVariant *changed, const gchar *const *invalidated,
		      gpointer user_data)
{
	emit_for_interface(user_data, G_DBUS_INTERFACE(proxy));
}

typedef struct {
	WbBluezClient *self;
	GCancellable *cancellable;
} Pending;

static void
manager_ready(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Pending *pending = user_data;
	g_autoptr(WbBluezClient) self = pending->self;
	g_autoptr(GCancellable) cancellable = pending->cancellable;
	g_autoptr(GError) error = NULL;
	GDBusObjectManager *manager = wb_bluez_object_manager_client_new_finish(result, &error);

	g_free(pending);
	/* cancelled: bluetoothd vanished or restarted meanwhile, or we are going away */
	if (g_cancellable_is_cancelled(cancellable)) {
		g_clear_object(&manager);
		return;
	}
	if (manager == NULL) {
		wb_warning("cannot follow BlueZ: %s", error->message);
		settle(self);
		return;
	}
	g_clear_object(&self->cancellable);
	self->manager = manager;
	g_signal_connect_object(manager, "object-added", G_CALLBACK(on_object_added), self, 0);
	g_signal_connect_object(manager, "interface-added", G_CALLBACK(on_interface_added), self,
				0);
	g_signal_connect_object(manager, "object-removed", G_CALLBACK(on_object_added), self, 0);
	g_signal_connect_object(manager, "interface-removed", G_CALLBACK(on_interface_removed),
				self, 0);
	g_signal_connect_object(manager, "interface-proxy-properties-changed",
				G_CALLBACK(on_properties_changed), self, 0);
	wb_debug("BlueZ is on the bus");
	g_signal_emit(self, signals[SIGNAL_AVAILABLE_CHANGED], 0, TRUE);
	settle(self);
}

static void
drop_manager(WbBluezClient *self)
{
	g_cancellable_cancel(self->cancellable);
	g_clear_object(&self->cancellable);
	if (self->manager != NULL)
		g_signal_handlers_disconnect_by_data(self->manager, self);
	g_clear_object(&self->manager);
}

static void
on_bluez_appeared(GDBusConnection *connection, const gchar *name, const gchar *owner,
		  gpointer user_data)
{
	WbBluezClient *self = user_data;
	Pending *pending = g_new0(Pending, 1);

	drop_manager(self);
	self->cancellable = g_cancellable_new();
	pending->self = g_object_ref(self);
	pending->cancellable = g_object_ref(self->cancellable);
	wb_bluez_object_manager_client_new(
		connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, "org.bluez", "/",
		self->cancellable, manager_ready, pending);
}

static void
on_bluez_vanished(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	WbBluezClient *self = user_data;
	gboolean was = self->manager != NULL;

	drop_manager(self);
	if (was) {
		wb_debug("BlueZ left the bus");
		g_signal_emit(self, signals[SIGNAL_AVAILABLE_CHANGED], 0, FALSE);
	}
	settle(self);
}

/**
 * wb_bluez_client_is_settled:
 * @self: a #WbBluezClient
 *
 * Returns: whether the client knows, since it was created, if org.bluez is on the bus (and
 * has its objects if it is); before that, "not available" means "not known yet"
 */
gboolean
wb_bluez_client_is_settled(WbBluezClient *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_CLIENT(self), FALSE);
	return self->settled;
}

/**
 * wb_bluez_client_new:
 * @connection: the system bus
 *
 * Starts following org.bluez; #WbBluezClient::available-changed tells when it is usable.
 *
 * Returns: (transfer full): a new #WbBluezClient
 */
WbBluezClient *
wb_bluez_client_new(GDBusConnection *connection)
{
	WbBluezClient *self;

	g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);
	self = g_object_new(WB_TYPE_BLUEZ_CLIENT, NULL);
	self->connection = g_object_ref(connection);
	self->name_watch = g_bus_watch_name_on_connection(
		connection, "org.bluez", G_BUS_NAME_WATCHER_FLAGS_NONE, on_bluez_appeared,
		on_bluez_vanished, self, NULL);
	return self;
}

/**
 * wb_bluez_client_get_connection:
 * @self: a #WbBluezClient
 *
 * Returns: (transfer none): the system bus
 */
GDBusConnection *
wb_bluez_client_get_connection(WbBluezClient *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_CLIENT(self), NULL);
	return self->connection;
}

/**
 * wb_bluez_client_is_available:
 * @self: a #WbBluezClient
 *
 * Returns: whether bluetoothd is on the bus and its objects are known
 */
gboolean
wb_bluez_client_is_available(WbBluezClient *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_CLIENT(self), FALSE);
	return self->manager != NULL;
}

/**
 * wb_bluez_client_get_manager:
 * @self: a #WbBluezClient
 *
 * Returns: (transfer none) (nullable): the object manager of org.bluez, %NULL while it is
 * not available
 */
GDBusObjectManager *
wb_bluez_client_get_manager(WbBluezClient *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_CLIENT(self), NULL);
	return self->manager;
}

/**
 * wb_bluez_client_get_adapter:
 * @self: a #WbBluezClient
 *
 * The adapter to use: the first powered one in path order, else the first one.
 *
 * Returns: (transfer full) (nullable): the adapter, %NULL if there is none
 */
WbBluezAdapter1 *
wb_bluez_client_get_adapter(WbBluezClient *self)
{
	g_autolist(GDBusObject) objects = NULL;
	WbBluezAdapter1 *first = NULL;
	const gchar *first_path = NULL;
	WbBluezAdapter1 *powered = NULL;
	const gchar *powered_path = NULL;

	g_return_val_if_fail(WB_IS_BLUEZ_CLIENT(self), NULL);
	if (self->manager == NULL)
		return NULL;
	objects = g_dbus_object_manager_get_objects(self->manager);
	for (GList *l = objects; l != NULL; l = l->next) {
		WbBluezAdapter1 *adapter = wb_bluez_object_peek_adapter1(l->data);
		const gchar *path = g_dbus_object_get_object_path(l->data);

		if (adapter == NULL)
			continue;
		if (first == NULL || g_strcmp0(path, first_path) < 0) {
			first = adapter;
			first_path = path;
		}
		if (wb_bluez_adapter1_get_powered(adapter) &&
		    (powered == NULL || g_strcmp0(path, powered_path) < 0)) {
			powered = adapter;
			powered_path = path;
		}
	}
	if (powered != NULL)
		return g_object_ref(powered);
	return first != NULL ? g_object_ref(first) : NULL;
}

/**
 * wb_bluez_client_find_device:
 * @self: a #WbBluezClient
 * @address: a Bluetooth address, any case
 *
 * Returns: (transfer full) (nullable): the device with that address, %NULL if BlueZ does not
 * know it
 */
WbBluezDevice1 *
wb_bluez_client_find_device(WbBluezClient *self, const gchar *address)
{
	g_autolist(GDBusObject) objects = NULL;

	g_return_val_if_fail(WB_IS_BLUEZ_CLIENT(self), NULL);
	g_return_val_if_fail(address != NULL, NULL);
	if (self->manager == NULL)
		return NULL;
	objects = g_dbus_object_manager_get_objects(self->manager);
	for (GList *l = objects; l != NULL; l = l->next) {
		WbBluezDevice1 *device = wb_bluez_object_peek_device1(l->data);
		const gchar *device_address;

		if (device == NULL)
			continue;
		device_address = wb_bluez_device1_get_address(device);
		if (device_address != NULL && g_ascii_strcasecmp(device_address, address) == 0)
			return g_object_ref(device);
	}
	return NULL;
}

/**
 * wb_bluez_device_is_ready:
 * @device: a device proxy
 *
 * Returns: whether the device is connected and its GATT services are resolved, the point
 * where GATT traffic can start (device-api.txt)
 */
gboolean
wb_bluez_device_is_ready(WbBluezDevice1 *device)
{
	g_return_val_if_fail(WB_BLUEZ_IS_DEVICE1(device), FALSE);
	return wb_bluez_device1_get_connected(device) &&
	       wb_bluez_device1_get_services_resolved(device);
}

/**
 * wb_bluez_check_sender:
 * @invocation: a call to one of our objects on the system bus (agent, GATT application,
 *   profile)
 * @bluez_owner: (nullable): the unique name owning org.bluez, %NULL while it is away
 * @error_name: the D-Bus error to answer anyone else with
 *
 * Only bluetoothd may call the objects we register with it: anyone on the system bus can
 * reach them, and a call is a packet from the watch or a pairing decision. Anyone else gets
 * @error_name and a log line.
 *
 * Returns: %TRUE if the call comes from bluetoothd; otherwise @invocation is answered
 */
gboolean
wb_bluez_check_sender(GDBusMethodInvocation *invocation, const gchar *bluez_owner,
		      const gchar *error_name)
{
	const gchar *sender = g_dbus_method_invocation_get_sender(invocation);

	if (bluez_owner != NULL && g_strcmp0(sender, bluez_owner) == 0)
		return TRUE;
	wb_message("%s.%s on %s from %s, not from bluetoothd (%s): rejected",
		   g_dbus_method_invocation_get_interface_name(invocation),
		   g_dbus_method_invocation_get_method_name(invocation),
		   g_dbus_method_invocation_get_object_path(invocation),
		   sender != NULL ? sender : "(no sender)",
		   bluez_owner != NULL ? bluez_owner : "not on the bus");
	g_dbus_method_invocation_return_dbus_error(invocation, error_name,
						   "Only bluetoothd may call this");
	return FALSE;
}

/* ---- waiting for a device's services ------------------------------------------------------ */

typedef struct {
	gchar *device_path;
	gulong changed_id;
	gulong cancelled_id;
	guint timer;
} WaitReady;

static void
wait_ready_stop(GTask *task)
{
	WaitReady *w = g_task_get_task_data(task);
	GCancellable *cancellable = g_task_get_cancellable(task);

	g_clear_signal_handler(&w->changed_id, g_task_get_source_object(task));
	/* a plain signal handler: it may be removed from inside its own emission, which
	 * g_cancellable_disconnect() may not */
	if (cancellable != NULL)
		g_clear_signal_handler(&w->cancelled_id, cancellable);
	g_clear_handle_id(&w->timer, g_source_remove);
}

static void
wait_ready_free(gpointer data)
{
	WaitReady *w = data;

	g_free(w->device_path);
	g_free(w);
}

static void
wait_ready_changed(WbBluezClient *self, WbBluezDevice1 *device, gpointer user_data)
{
	GTask *task = user_data;
	WaitReady *w = g_task_get_task_data(task);

	if (g_strcmp0(g_dbus_proxy_get_object_path(G_DBUS_PROXY(device)), w->device_path) != 0 ||
	    !wb_bluez_device_is_ready(device))
		return;
	wait_ready_stop(task);
	g_task_return_boolean(task, TRUE);
	g_object_unref(task);
}

static gboolean
wait_ready_timeout(gpointer user_data)
{
	GTask *task = user_data;
	WaitReady *w = g_task_get_task_data(task);

	w->timer = 0;
	wait_ready_stop(task);
	g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
				"the device's GATT services were not resolved in time");
	g_object_unref(task);
	return G_SOURCE_REMOVE;
}

static void
wait_ready_cancelled(GCancellable *cancellable, gpointer user_data)
{
	GTask *task = user_data;

	wait_ready_stop(task);
	g_task_return_error_if_cancelled(task);
	g_object_unref(task);
}

/**
 * wb_bluez_client_wait_ready_async:
 * @self: a #WbBluezClient
 * @device_path: a Device1 object path
 * @timeout_s: how long to wait at most
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the device is connected with its services resolved, or not
 * @user_data: for @callback
 *
 * Waits until wb_bluez_device_is_ready() holds for the device (at once if it does now). Fails
 * with %G_IO_ERROR_TIMED_OUT after @timeout_s, or %G_IO_ERROR_CANCELLED.
 */
void
wb_bluez_client_wait_ready_async(WbBluezClient *self, const gchar *device_path, guint timeout_s,
				 GCancellable *cancellable, GAsyncReadyCallback callback,
				 gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GDBusInterface) device = NULL;
	WaitReady *w;

	g_task_set_source_tag(task, wb_bluez_client_wait_ready_async);
	if (g_task_return_error_if_cancelled(task))
		return;
	if (self->manager != NULL)
		device = g_dbus_object_manager_get_interface(self->manager, device_path,
							     "org.bluez.Device1");
	if (device != NULL && wb_bluez_device_is_ready(WB_BLUEZ_DEVICE1(device))) {
		g_task_return_boolean(task, TRUE);
		return;
	}
	w = g_new0(WaitReady, 1);
	w->device_path = g_strdup(device_path);
	g_task_set_task_data(task, w, wait_ready_free);
	/* one reference for whichever of the three finishes the task first */
	w->changed_id =
		g_signal_connect(self, "device-changed", G_CALLBACK(wait_ready_changed), task);
	w->timer = g_timeout_add_seconds(timeout_s, wait_ready_timeout, task);
	if (cancellable != NULL)
		w->cancelled_id = g_signal_connect(cancellable, "cancelled",
						   G_CALLBACK(wait_ready_cancelled), task);
	g_steal_pointer(&task);
}

gboolean
wb_bluez_client_wait_ready_finish(WbBluezClient *self, GAsyncResult *result, GError **error)
{
	return g_task_propagate_boolean(G_TASK(result), error);
}

static void
wb_bluez_client_dispose(GObject *object)
{
	WbBluezClient *self = WB_BLUEZ_CLIENT(object);

	g_clear_handle_id(&self->name_watch, g_bus_unwatch_name);
	drop_manager(self);
	g_clear_object(&self->connection);
	G_OBJECT_CLASS(wb_bluez_client_parent_class)->dispose(object);
}

static void
wb_bluez_client_class_init(WbBluezClientClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = wb_bluez_client_dispose;

	/**
	 * WbBluezClient::available-changed:
	 * @self: the client
	 * @available: whether org.bluez is usable now; on %TRUE all proxies are new
	 */
	signals[SIGNAL_AVAILABLE_CHANGED] =
		g_signal_new("available-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
	/**
	 * WbBluezClient::device-changed:
	 * @self: the client
	 * @device: a device that appeared or whose properties changed
	 */
	signals[SIGNAL_DEVICE_CHANGED] =
		g_signal_new("device-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 1, WB_BLUEZ_TYPE_DEVICE1);
	/**
	 * WbBluezClient::adapter-changed:
	 * @self: the client
	 * @adapter: an adapter that appeared or whose properties changed (e.g. Powered)
	 */
	/**
	 * WbBluezClient::settled:
	 * @self: the client
	 *
	 * Emitted once, when the client first knows whether org.bluez is there.
	 */
	signals[SIGNAL_SETTLED] =
		g_signal_new("settled", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
			     NULL, G_TYPE_NONE, 0);
	signals[SIGNAL_ADAPTER_CHANGED] =
		g_signal_new("adapter-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 1, WB_BLUEZ_TYPE_ADAPTER1);
}

static void
wb_bluez_client_init(WbBluezClient *self)
{
}
