/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The daemon's model: the known watches, their services, and their persistence. The D-Bus
 * objects in api/ follow it through the watch-added and watch-removed signals.
 */
#define WB_LOG_MODULE "daemon"
#include "wb-daemon.h"
#include "wb-error.h"
#include "wb-health-service.h"
#include "wb-link-emulator.h"
#include "wb-log.h"
#include "wb-desktop-notifier.h"
#include "wb-idle-monitor.h"
#include "wb-notification-monitor.h"
#include "wb-notification-service.h"
#include "wb-time-service.h"

struct _WbDaemon {
	GObject parent_instance;
	WbConfig config;
	WbStore *store; /* unowned: main() owns it and outlives the daemon */
	GPtrArray *watches;
	GDBusConnection *session;
	WbNotificationMonitor *monitor;
	WbIdleMonitor *idle;
	WbDesktopNotifier *notifier;
	WbBluetooth *bluetooth;
	GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE(WbDaemon, wb_daemon, G_TYPE_OBJECT)

enum { SIGNAL_WATCH_ADDED, SIGNAL_WATCH_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
save_watch(WbDaemon *self, WbWatch *watch)
{
	g_autoptr(WbStoredWatch) stored = wb_watch_to_stored(watch);
	g_autoptr(GError) error = NULL;

	if (!wb_store_save_watch(self->store, stored, &error))
		wb_watch_warning(wb_watch_get_id(watch), "saving: %s", error->message);
}

static void
watch_changed_cb(WbWatch *watch, gpointer user_data)
{
	save_watch(WB_DAEMON(user_data), watch);
}

static void
watch_state_cb(WbWatch *watch, GParamSpec *pspec, gpointer user_data)
{
	WbDaemon *self = user_data;
	const gchar *name = NULL;
	g_autofree gchar *owned = NULL;

	if (self->notifier == NULL)
		return;
	g_object_get(watch, "name", &owned, NULL);
	name = owned != NULL && *owned != '\0' ? owned : wb_watch_get_target(watch);
	if (wb_watch_get_state(watch) == WB_WATCH_STATE_CONNECTED)
		wb_desktop_notifier_watch_connected(self->notifier, wb_watch_get_id(watch), name);
	else if (wb_watch_get_state(watch) == WB_WATCH_STATE_DISCONNECTED &&
		 wb_watch_get_auto_connect(watch))
		wb_desktop_notifier_watch_lost(self->notifier, wb_watch_get_id(watch), name);
}

static void
add_watch(WbDaemon *self, WbWatch *watch)
{
	g_autoptr(WbTimeService) time = wb_time_service_new(&self->config);
	g_autoptr(WbHealthService) health =
		wb_health_service_new(self->store, &self->config, wb_watch_get_id(watch));
	g_autoptr(WbNotificationService) notifications = wb_notification_service_new(
		self->store, &self->config, wb_watch_get_id(watch), self->monitor, self->idle);

	wb_watch_add_service(watch, WB_SERVICE(time));
	wb_watch_add_service(watch, WB_SERVICE(notifications));
	wb_watch_add_service(watch, WB_SERVICE(health));
	g_signal_connect(watch, "notify::connected", G_CALLBACK(watch_state_cb), self);
	g_signal_connect(watch, "changed", G_CALLBACK(watch_changed_cb), self);
	g_ptr_array_add(self->watches, g_object_ref(watch));
	g_signal_emit(self, signals[SIGNAL_WATCH_ADDED], 0, watch);
}

static void
posted_cb(WbNotificationMonitor *monitor, WbDesktopNotification *n, gpointer user_data)
{
	WbDaemon *self = user_data;
	for (guint i = 0; i < self->watches->len; i++) {
		WbWatch *w = g_ptr_array_index(self->watches, i);
		WbService *s = wb_watch_get_service(w, WB_TYPE_NOTIFICATION_SERVICE);
		if (s != NULL)
			wb_notification_service_post(WB_NOTIFICATION_SERVICE(s), n);
	}
}

static void
closed_cb(WbNotificationMonitor *monitor, const gchar *key, guint reason, gpointer user_data)
{
	WbDaemon *self = user_data;
	for (guint i = 0; i < self->watches->len; i++) {
		WbWatch *w = g_ptr_array_index(self->watches, i);
		WbService *s = wb_watch_get_service(w, WB_TYPE_NOTIFICATION_SERVICE);
		if (s != NULL)
			wb_notification_service_closed(WB_NOTIFICATION_SERVICE(s), key);
	}
}

static void
notifier_action_cb(WbDesktopNotifier *notifier, const gchar *watch_id, const gchar *action,
		   gpointer user_data)
{
	WbWatch *watch = wb_daemon_lookup(WB_DAEMON(user_data), watch_id);
	if (watch != NULL && g_strcmp0(action, "reconnect") == 0)
		wb_watch_connect(watch);
}

/**
 * wb_daemon_new:
 * @config: the configuration
 * @store: the store (outlives the daemon)
 * @session: (nullable): the session bus, for the desktop side (notifications, idle); %NULL
 *   in tests that need none
 *
 * Returns: (transfer full): the daemon
 */
WbDaemon *
wb_daemon_new(const WbConfig *config, WbStore *store, GDBusConnection *session,
	      GDBusConnection *system)
{
	WbDaemon *self = g_object_new(WB_TYPE_DAEMON, NULL);
	wb_config_copy(&self->config, config);
	self->store = store;
	self->cancellable = g_cancellable_new();
	self->bluetooth = wb_bluetooth_new(system);
	if (session != NULL) {
		self->session = g_object_ref(session);
		self->idle = wb_idle_monitor_new(session);
		self->notifier = wb_desktop_notifier_new(config->lost_grace_s);
		g_signal_connect(self->notifier, "action", G_CALLBACK(notifier_action_cb), self);
		if (config->notifications_enabled) {
			self->monitor = wb_notification_monitor_new(session);
			g_signal_connect(self->monitor, "notification-posted",
					 G_CALLBACK(posted_cb), self);
			g_signal_connect(self->monitor, "notification-closed",
					 G_CALLBACK(closed_cb), self);
		}
	}
	return self;
}

static void
monitor_started_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	if (!wb_notification_monitor_start_finish(WB_NOTIFICATION_MONITOR(source), result,
						  &error)) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			wb_warning("desktop notifications will not reach the watch: %s",
				   error->message);
		return;
	}
	wb_info("watching desktop notifications (%s)",
		wb_notification_monitor_get_mode(WB_NOTIFICATION_MONITOR(source)) ==
				WB_MONITOR_MODE_MONITOR
			? "monitor"
			: "eavesdropping");
}

/**
 * wb_daemon_load:
 * @self: the daemon
 * @error: return location for a #GError
 *
 * Loads the known watches from the store. A row this build cannot use is reported and kept.
 *
 * Returns: %TRUE unless the store could not be read
 */
gboolean
wb_daemon_load(WbDaemon *self, GError **error)
{
	g_autoptr(GPtrArray) stored = wb_store_list_watches(self->store, error);

	if (stored == NULL)
		return FALSE;
	for (guint i = 0; i < stored->len; i++) {
		const WbStoredWatch *s = g_ptr_array_index(stored, i);
		g_autoptr(GError) local = NULL;
		g_autoptr(WbWatch) watch =
			wb_watch_new_from_stored(s, &self->config, self->bluetooth, &local);
		if (watch == NULL) {
			wb_warning("stored watch '%s': %s, ignoring", s->id, local->message);
			continue;
		}
		add_watch(self, watch);
	}
	wb_info("%u known watch(es)", self->watches->len);
	return TRUE;
}

/**
 * wb_daemon_start:
 * @self: the daemon
 *
 * Starts connecting every watch that is wanted.
 */
void
wb_daemon_start(WbDaemon *self)
{
	if (self->idle != NULL)
		wb_idle_monitor_start(self->idle);
	if (self->monitor != NULL)
		wb_notification_monitor_start_async(self->monitor, self->cancellable,
						    monitor_started_cb, NULL);
	for (guint i = 0; i < self->watches->len; i++)
		wb_watch_start(g_ptr_array_index(self->watches, i));
}

/**
 * wb_daemon_shutdown:
 * @self: the daemon
 *
 * Closes every session (daemon exit). What is stored stays.
 */
void
wb_daemon_shutdown(WbDaemon *self)
{
	g_cancellable_cancel(self->cancellable);
	if (self->monitor != NULL)
		wb_notification_monitor_stop(self->monitor);
	for (guint i = 0; i < self->watches->len; i++)
		wb_watch_shutdown(g_ptr_array_index(self->watches, i));
}

/**
 * wb_daemon_get_watches:
 * @self: the daemon
 *
 * Returns: (transfer none) (element-type WbWatch): the known watches, in the order added
 */
GPtrArray *
wb_daemon_get_watches(WbDaemon *self)
{
	return self->watches;
}

WbWatch *
wb_daemon_lookup(WbDaemon *self, const gchar *id)
{
	for (guint i = 0; i < self->watches->len; i++) {
		WbWatch *w = g_ptr_array_index(self->watches, i);
		if (g_strcmp0(wb_watch_get_id(w), id) == 0)
			return w;
	}
	return NULL;
}

/**
 * wb_daemon_add_emulator:
 * @self: the daemon
 * @address: "HOST:PORT"
 * @error: return location for a #GError
 *
 * Adds (or finds) the emulator watch, stores it and connects it now.
 *
 * Returns: (transfer none) (nullable): the watch
 */
WbWatch *
wb_daemon_add_emulator(WbDaemon *self, const gchar *address, GError **error)
{
	g_autofree gchar *host = NULL;
	g_autofree gchar *id = NULL;
	g_autoptr(WbWatch) watch = NULL;
	guint16 port;
	WbWatch *known;

	if (!wb_emulator_address_parse(address, &host, &port, error))
		return NULL;
	id = wb_emulator_target_to_id(host, port);
	known = wb_daemon_lookup(self, id);
	if (known != NULL) {
		wb_watch_connect(known);
		return known;
	}
	watch = wb_watch_new_emulator(host, port, &self->config);
	save_watch(self, watch);
	add_watch(self, watch);
	wb_message("added emulator watch %s", wb_watch_get_target(watch));
	wb_watch_connect(watch);
	return watch;
}

/**
 * wb_daemon_get_bluetooth:
 * @self: the daemon
 *
 * Returns: (transfer none): the daemon's Bluetooth
 */
WbBluetooth *
wb_daemon_get_bluetooth(WbDaemon *self)
{
	return self->bluetooth;
}

/**
 * wb_daemon_add_bluetooth:
 * @self: the daemon
 * @address: a paired watch's address
 * @transport: "ble" or "rfcomm"
 * @name: (nullable): its name as BlueZ knows it
 *
 * Adds the watch (or finds it) and connects it.
 *
 * Returns: (transfer none): the watch
 */
WbWatch *
wb_daemon_add_bluetooth(WbDaemon *self, const gchar *address, const gchar *transport,
			const gchar *name)
{
	g_autofree gchar *id = wb_bluetooth_address_to_id(address);
	g_autoptr(WbWatch) watch = NULL;
	WbWatch *known = wb_daemon_lookup(self, id);

	if (known != NULL) {
		wb_watch_connect(known);
		return known;
	}
	watch = wb_watch_new_bluetooth(address, transport, self->bluetooth, &self->config);
	save_watch(self, watch);
	add_watch(self, watch);
	wb_message("added watch %s (%s, %s)", wb_watch_get_target(watch), name != NULL ? name : "",
		   transport);
	wb_watch_connect(watch);
	return watch;
}

/**
 * wb_daemon_forget:
 * @self: the daemon
 * @id: the watch's id
 * @error: return location for a #GError
 *
 * Disconnects the watch, deletes it from the store and drops it.
 *
 * Returns: %TRUE on success; %WB_ERROR_INVALID_ARGS for an unknown watch
 */
gboolean
wb_daemon_forget(WbDaemon *self, const gchar *id, GError **error)
{
	WbWatch *watch = wb_daemon_lookup(self, id);
	g_autoptr(WbWatch) keep = NULL;

	if (watch == NULL) {
		g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS, "no watch '%s'", id);
		return FALSE;
	}
	keep = g_object_ref(watch);
	if (!wb_store_delete_watch(self->store, id, error))
		return FALSE;
	g_signal_handlers_disconnect_by_data(watch, self);
	wb_watch_shutdown(watch);
	/* the bond goes too, as "bluetoothctl remove" (Manager1.Forget) */
	if (g_strcmp0(wb_watch_get_transport(watch), "emulator") != 0)
		wb_bluetooth_remove_device(self->bluetooth, wb_watch_get_target(watch));
	g_ptr_array_remove(self->watches, watch);
	g_signal_emit(self, signals[SIGNAL_WATCH_REMOVED], 0, watch);
	wb_message("forgot watch %s", wb_watch_get_target(watch));
	return TRUE;
}

static void
wb_daemon_dispose(GObject *object)
{
	WbDaemon *self = WB_DAEMON(object);
	if (self->watches != NULL) {
		for (guint i = 0; i < self->watches->len; i++)
			g_signal_handlers_disconnect_by_data(g_ptr_array_index(self->watches, i),
							     self);
	}
	g_clear_pointer(&self->watches, g_ptr_array_unref);
	if (self->monitor != NULL)
		g_signal_handlers_disconnect_by_data(self->monitor, self);
	if (self->notifier != NULL)
		g_signal_handlers_disconnect_by_data(self->notifier, self);
	g_clear_object(&self->monitor);
	g_clear_object(&self->idle);
	g_clear_object(&self->notifier);
	g_clear_object(&self->bluetooth);
	g_clear_object(&self->session);
	g_clear_object(&self->cancellable);
	G_OBJECT_CLASS(wb_daemon_parent_class)->dispose(object);
}

static void
wb_daemon_finalize(GObject *object)
{
	wb_config_clear(&WB_DAEMON(object)->config);
	G_OBJECT_CLASS(wb_daemon_parent_class)->finalize(object);
}

static void
wb_daemon_class_init(WbDaemonClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = wb_daemon_dispose;
	G_OBJECT_CLASS(klass)->finalize = wb_daemon_finalize;

	signals[SIGNAL_WATCH_ADDED] =
		g_signal_new("watch-added", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 1, WB_TYPE_WATCH);
	signals[SIGNAL_WATCH_REMOVED] =
		g_signal_new("watch-removed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 1, WB_TYPE_WATCH);
}

static void
wb_daemon_init(WbDaemon *self)
{
	self->watches = g_ptr_array_new_with_free_func(g_object_unref);
}
