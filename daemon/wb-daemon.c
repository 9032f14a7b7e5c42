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
#include "wb-time-service.h"

struct _WbDaemon {
	GObject parent_instance;
	WbConfig config;
	WbStore *store; /* unowned: main() owns it and outlives the daemon */
	GPtrArray *watches;
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
add_watch(WbDaemon *self, WbWatch *watch)
{
	g_autoptr(WbTimeService) time = wb_time_service_new(&self->config);
	g_autoptr(WbHealthService) health =
		wb_health_service_new(self->store, &self->config, wb_watch_get_id(watch));

	wb_watch_add_service(watch, WB_SERVICE(time));
	wb_watch_add_service(watch, WB_SERVICE(health));
	g_signal_connect(watch, "changed", G_CALLBACK(watch_changed_cb), self);
	g_ptr_array_add(self->watches, g_object_ref(watch));
	g_signal_emit(self, signals[SIGNAL_WATCH_ADDED], 0, watch);
}

WbDaemon *
wb_daemon_new(const WbConfig *config, WbStore *store)
{
	WbDaemon *self = g_object_new(WB_TYPE_DAEMON, NULL);
	self->config = *config;
	self->store = store;
	return self;
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
		g_autoptr(WbWatch) watch = wb_watch_new_from_stored(s, &self->config, &local);
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
	G_OBJECT_CLASS(wb_daemon_parent_class)->dispose(object);
}

static void
wb_daemon_class_init(WbDaemonClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = wb_daemon_dispose;

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
