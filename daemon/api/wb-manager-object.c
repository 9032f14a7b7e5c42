/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * org.wearbridge.Manager1 at /org/wearbridge, and the ObjectManager that publishes one
 * object per watch below it.
 */
#include <string.h>

#define WB_LOG_MODULE "api"
#include "config.h"
#include "wb-error.h"
#include "wb-health-object.h"
#include "wb-log.h"
#include "wb-manager-object.h"
#include "wb-notifications-object.h"
#include "wb-watch-object.h"

#define WB_ROOT_PATH "/org/wearbridge"

struct _WbManagerObject {
	WbDBusManager1Skeleton parent_instance;
	GDBusConnection *connection;
	WbDaemon *daemon;
	GDBusObjectManagerServer *object_manager;
	GHashTable *objects;  /* watch id -> WbWatchObject */
	GHashTable *scanners; /* bus name -> name watch id: who asked for a scan */
};

static void wb_manager_object_iface_init(WbDBusManager1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(WbManagerObject, wb_manager_object, WB_DBUS_TYPE_MANAGER1_SKELETON,
			      G_IMPLEMENT_INTERFACE(WB_DBUS_TYPE_MANAGER1,
						    wb_manager_object_iface_init))

static void
update_watches(WbManagerObject *self)
{
	GPtrArray *watches = wb_daemon_get_watches(self->daemon);
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < watches->len; i++)
		g_ptr_array_add(paths, wb_watch_object_path_for(g_ptr_array_index(watches, i)));
	g_ptr_array_add(paths, NULL);
	wb_dbus_manager1_set_watches(WB_DBUS_MANAGER1(self), (const gchar *const *)paths->pdata);
}

static void
export_watch(WbManagerObject *self, WbWatch *watch)
{
	g_autofree gchar *path = wb_watch_object_path_for(watch);
	g_autoptr(WbDBusObjectSkeleton) object = wb_dbus_object_skeleton_new(path);
	g_autoptr(WbWatchObject) iface = wb_watch_object_new(watch);
	WbService *health = wb_watch_get_service(watch, WB_TYPE_HEALTH_SERVICE);
	WbService *notifications = wb_watch_get_service(watch, WB_TYPE_NOTIFICATION_SERVICE);

	wb_dbus_object_skeleton_set_watch1(object, WB_DBUS_WATCH1(iface));
	if (health != NULL) {
		g_autoptr(WbHealthObject) hiface =
			wb_health_object_new(watch, WB_HEALTH_SERVICE(health));
		wb_dbus_object_skeleton_set_health1(object, WB_DBUS_HEALTH1(hiface));
	}
	if (notifications != NULL) {
		g_autoptr(WbNotificationsObject) niface =
			wb_notifications_object_new(WB_NOTIFICATION_SERVICE(notifications));
		wb_dbus_object_skeleton_set_notifications1(object, WB_DBUS_NOTIFICATIONS1(niface));
	}
	g_dbus_object_manager_server_export(self->object_manager, G_DBUS_OBJECT_SKELETON(object));
	g_hash_table_insert(self->objects, g_strdup(wb_watch_get_id(watch)),
			    g_steal_pointer(&iface));
}

static void
watch_added_cb(WbDaemon *daemon, WbWatch *watch, gpointer user_data)
{
	WbManagerObject *self = user_data;
	export_watch(self, watch);
	update_watches(self);
}

static void
watch_removed_cb(WbDaemon *daemon, WbWatch *watch, gpointer user_data)
{
	WbManagerObject *self = user_data;
	g_autofree gchar *path = wb_watch_object_path_for(watch);

	g_dbus_object_manager_server_unexport(self->object_manager, path);
	g_hash_table_remove(self->objects, wb_watch_get_id(watch));
	update_watches(self);
}

static gboolean
handle_connect_emulator(WbDBusManager1 *iface, GDBusMethodInvocation *invocation,
			const gchar *address)
{
	WbManagerObject *self = WB_MANAGER_OBJECT(iface);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL;
	WbWatch *watch;

	watch = wb_daemon_add_emulator(self->daemon, address, &error);
	if (watch == NULL) {
		wb_dbus_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	path = wb_watch_object_path_for(watch);
	wb_dbus_manager1_complete_connect_emulator(iface, invocation, path);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_forget(WbDBusManager1 *iface, GDBusMethodInvocation *invocation, const gchar *path)
{
	WbManagerObject *self = WB_MANAGER_OBJECT(iface);
	static const gchar *prefix = WB_ROOT_PATH "/watch/";
	g_autoptr(GError) error = NULL;

	if (!g_str_has_prefix(path, prefix) ||
	    g_hash_table_lookup(self->objects, path + strlen(prefix)) == NULL) {
		error = g_error_new(WB_ERROR, WB_ERROR_INVALID_ARGS, "'%s' is not a known watch",
				    path);
		wb_dbus_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	if (!wb_daemon_forget(self->daemon, path + strlen(prefix), &error)) {
		wb_dbus_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_dbus_manager1_complete_forget(iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---- Bluetooth ---- */

static void
unwatch_name(gpointer data)
{
	g_bus_unwatch_name(GPOINTER_TO_UINT(data));
}

static void
bluetooth_state_cb(WbBluetooth *bluetooth, gpointer user_data)
{
	WbDBusManager1 *iface = user_data;

	wb_dbus_manager1_set_bluetooth(
		iface, wb_bluetooth_state_to_string(wb_bluetooth_get_state(bluetooth)));
	wb_dbus_manager1_set_discovering(iface, wb_bluetooth_is_discovering(bluetooth));
}

static void
discovered_cb(WbBluetooth *bluetooth, gpointer user_data)
{
	g_autoptr(GVariant) discovered = wb_bluetooth_dup_discovered(bluetooth);
	wb_dbus_manager1_set_discovered(WB_DBUS_MANAGER1(user_data), discovered);
}

static void
pairing_confirmation_cb(WbBluetooth *bluetooth, const gchar *address, guint passkey,
			gpointer user_data)
{
	wb_dbus_manager1_emit_pairing_confirmation(WB_DBUS_MANAGER1(user_data), address, passkey);
}

/* A scan belongs to its caller: it ends when the caller leaves the bus. */
static void
scanner_vanished_cb(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	WbManagerObject *self = user_data;

	wb_bluetooth_stop_discovery(wb_daemon_get_bluetooth(self->daemon), name);
	g_hash_table_remove(self->scanners, name);
}

static void
discovery_started_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GDBusMethodInvocation *invocation = user_data; /* completing it releases it */
	WbManagerObject *self =
		WB_MANAGER_OBJECT(g_dbus_method_invocation_get_user_data(invocation));
	const gchar *sender = g_dbus_method_invocation_get_sender(invocation);
	g_autoptr(GError) error = NULL;

	if (!wb_bluetooth_start_discovery_finish(WB_BLUETOOTH(source), result, &error)) {
		wb_dbus_return_error(invocation, error);
		return;
	}
	if (sender != NULL && !g_hash_table_contains(self->scanners, sender))
		g_hash_table_insert(self->scanners, g_strdup(sender),
				    GUINT_TO_POINTER(g_bus_watch_name_on_connection(
					    self->connection, sender, G_BUS_NAME_WATCHER_FLAGS_NONE,
					    NULL, scanner_vanished_cb, self, NULL)));
	wb_dbus_manager1_complete_start_discovery(WB_DBUS_MANAGER1(self), invocation);
}

static gboolean
handle_start_discovery(WbDBusManager1 *iface, GDBusMethodInvocation *invocation)
{
	WbManagerObject *self = WB_MANAGER_OBJECT(iface);
	const gchar *sender = g_dbus_method_invocation_get_sender(invocation);

	wb_bluetooth_start_discovery_async(wb_daemon_get_bluetooth(self->daemon),
					   sender != NULL ? sender : "", NULL, discovery_started_cb,
					   invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_stop_discovery(WbDBusManager1 *iface, GDBusMethodInvocation *invocation)
{
	WbManagerObject *self = WB_MANAGER_OBJECT(iface);
	const gchar *sender = g_dbus_method_invocation_get_sender(invocation);

	if (sender != NULL) {
		wb_bluetooth_stop_discovery(wb_daemon_get_bluetooth(self->daemon), sender);
		g_hash_table_remove(self->scanners, sender);
	}
	wb_dbus_manager1_complete_stop_discovery(iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
paired_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GDBusMethodInvocation *invocation = user_data; /* completing it releases it */
	WbManagerObject *self =
		WB_MANAGER_OBJECT(g_dbus_method_invocation_get_user_data(invocation));
	g_autoptr(GError) error = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *transport =
		wb_bluetooth_pair_finish(WB_BLUETOOTH(source), result, &name, &error);
	g_autofree gchar *path = NULL;
	const gchar *address = g_object_get_data(G_OBJECT(invocation), "address");
	WbWatch *watch;

	if (transport == NULL) {
		wb_dbus_return_error(invocation, error);
		return;
	}
	watch = wb_daemon_add_bluetooth(self->daemon, address, transport, name);
	path = wb_watch_object_path_for(watch);
	wb_dbus_manager1_complete_pair(WB_DBUS_MANAGER1(self), invocation, path);
}

static gboolean
handle_pair(WbDBusManager1 *iface, GDBusMethodInvocation *invocation, const gchar *address)
{
	WbManagerObject *self = WB_MANAGER_OBJECT(iface);

	g_object_set_data_full(G_OBJECT(invocation), "address", g_ascii_strup(address, -1), g_free);
	wb_bluetooth_pair_async(wb_daemon_get_bluetooth(self->daemon), address, NULL, paired_cb,
				invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_doctor(WbDBusManager1 *iface, GDBusMethodInvocation *invocation)
{
	WbManagerObject *self = WB_MANAGER_OBJECT(iface);
	GPtrArray *watches = wb_daemon_get_watches(self->daemon);
	g_autoptr(GPtrArray) addresses = g_ptr_array_new();
	g_autoptr(GVariant) findings = NULL;

	for (guint i = 0; i < watches->len; i++) {
		WbWatch *w = g_ptr_array_index(watches, i);
		if (g_strcmp0(wb_watch_get_transport(w), "emulator") != 0)
			g_ptr_array_add(addresses, (gpointer)wb_watch_get_target(w));
	}
	g_ptr_array_add(addresses, NULL);
	findings = wb_bluetooth_doctor(wb_daemon_get_bluetooth(self->daemon),
				       (const gchar *const *)addresses->pdata);
	wb_dbus_manager1_complete_doctor(iface, invocation, findings);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
wb_manager_object_iface_init(WbDBusManager1Iface *iface)
{
	iface->handle_connect_emulator = handle_connect_emulator;
	iface->handle_forget = handle_forget;
	iface->handle_start_discovery = handle_start_discovery;
	iface->handle_stop_discovery = handle_stop_discovery;
	iface->handle_pair = handle_pair;
	iface->handle_doctor = handle_doctor;
}

/**
 * wb_manager_object_new:
 * @connection: the session bus
 * @daemon: the daemon to publish
 * @error: return location for a #GError
 *
 * Exports Manager1 and the ObjectManager at /org/wearbridge, and one object per watch.
 * Failing to export is a construction error.
 *
 * Returns: (transfer full) (nullable): the manager object
 */
WbManagerObject *
wb_manager_object_new(GDBusConnection *connection, WbDaemon *daemon, GError **error)
{
	g_autoptr(WbManagerObject) self = g_object_new(WB_TYPE_MANAGER_OBJECT, NULL);
	GPtrArray *watches = wb_daemon_get_watches(daemon);
	WbBluetooth *bluetooth;

	self->connection = g_object_ref(connection);
	self->daemon = g_object_ref(daemon);
	wb_dbus_manager1_set_version(WB_DBUS_MANAGER1(self), PACKAGE_VERSION);
	self->object_manager = g_dbus_object_manager_server_new(WB_ROOT_PATH);
	for (guint i = 0; i < watches->len; i++)
		export_watch(self, g_ptr_array_index(watches, i));
	update_watches(self);
	g_signal_connect(daemon, "watch-added", G_CALLBACK(watch_added_cb), self);
	g_signal_connect(daemon, "watch-removed", G_CALLBACK(watch_removed_cb), self);
	bluetooth = wb_daemon_get_bluetooth(daemon);
	bluetooth_state_cb(bluetooth, self);
	discovered_cb(bluetooth, self);
	g_signal_connect_object(bluetooth, "state-changed", G_CALLBACK(bluetooth_state_cb), self,
				0);
	g_signal_connect_object(bluetooth, "discovering-changed", G_CALLBACK(bluetooth_state_cb),
				self, 0);
	g_signal_connect_object(bluetooth, "discovered-changed", G_CALLBACK(discovered_cb), self,
				0);
	g_signal_connect_object(bluetooth, "pairing-confirmation",
				G_CALLBACK(pairing_confirmation_cb), self, 0);

	if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(self), connection,
					      WB_ROOT_PATH, error))
		return NULL;
	g_dbus_object_manager_server_set_connection(self->object_manager, connection);
	return g_steal_pointer(&self);
}

/**
 * wb_manager_object_unexport:
 * @self: the manager object
 *
 * Takes every object off the bus (daemon exit).
 */
void
wb_manager_object_unexport(WbManagerObject *self)
{
	g_dbus_object_manager_server_set_connection(self->object_manager, NULL);
	if (g_dbus_interface_skeleton_get_connection(G_DBUS_INTERFACE_SKELETON(self)) != NULL)
		g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(self));
}

static void
wb_manager_object_dispose(GObject *object)
{
	WbManagerObject *self = WB_MANAGER_OBJECT(object);

	if (self->daemon != NULL)
		g_signal_handlers_disconnect_by_data(self->daemon, self);
	g_clear_object(&self->object_manager);
	g_clear_pointer(&self->objects, g_hash_table_unref);
	g_clear_pointer(&self->scanners, g_hash_table_unref);
	g_clear_object(&self->daemon);
	g_clear_object(&self->connection);
	G_OBJECT_CLASS(wb_manager_object_parent_class)->dispose(object);
}

static void
wb_manager_object_class_init(WbManagerObjectClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = wb_manager_object_dispose;
}

static void
wb_manager_object_init(WbManagerObject *self)
{
	self->objects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
	self->scanners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, unwatch_name);
}
