/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * wearbridged: the per-user daemon. One thread, one main context.
 */
#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>

#define WB_LOG_MODULE "main"
#include "config.h"
#include "wb-config.h"
#include "wb-daemon.h"
#include "wb-log.h"
#include "wb-manager-object.h"
#include "wb-store.h"

#define WB_BUS_NAME "org.wearbridge"

typedef struct {
	GMainLoop *loop;
	WbDaemon *daemon;
	gboolean acquired;
	int exit_status;
} State;

static gboolean
quit_cb(gpointer user_data)
{
	State *state = user_data;
	wb_info("exiting on a signal");
	g_main_loop_quit(state->loop);
	return G_SOURCE_CONTINUE;
}

static void
name_acquired_cb(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	State *state = user_data;
	state->acquired = TRUE;
	wb_info("acquired %s", name);
	wb_daemon_start(state->daemon);
}

static void
name_lost_cb(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	State *state = user_data;
	if (connection == NULL) {
		wb_warning("lost the session bus, exiting");
		state->exit_status = EXIT_FAILURE;
	} else if (!state->acquired) {
		g_printerr("%s is already owned by another wearbridged; use --replace to take "
			   "over\n",
			   name);
		state->exit_status = EXIT_FAILURE;
	} else {
		wb_message("replaced by another wearbridged, exiting");
	}
	g_main_loop_quit(state->loop);
}

int
main(int argc, char **argv)
{
	gboolean verbose = FALSE, version = FALSE, replace = FALSE;
	const GOptionEntry entries[] = {
		{"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Show informational messages",
		 NULL},
		{"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL},
		{"replace", 'r', 0, G_OPTION_ARG_NONE, &replace,
		 "Replace a running wearbridged on the bus", NULL},
		{NULL},
	};
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) store = NULL;
	g_autoptr(WbManagerObject) manager = NULL;
	g_autoptr(GDBusConnection) connection = NULL;
	g_autoptr(GDBusConnection) system_bus = NULL;
	g_autoptr(GError) system_error = NULL;
	g_autofree gchar *config_path = NULL;
	g_autofree gchar *store_path = NULL;
	State state = {0};
	WbConfig config;
	guint owner_id;

	setlocale(LC_ALL, "");
	g_log_writer_default_set_use_stderr(TRUE);
	wb_log_install_writer();

	context = g_option_context_new(NULL);
	g_option_context_set_summary(context,
				     "Keeps Pebble watches connected and publishes them on the "
				     "session bus as org.wearbridge.");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("%s\n", error->message);
		return 2;
	}
	if (version) {
		g_print("wearbridged %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	wb_log_set_verbose(verbose);

	config_path = wb_config_default_path();
	wb_config_load(&config, config_path);

	store_path = wb_store_default_path();
	store = wb_store_open(store_path, &error);
	if (store == NULL) {
		wb_warning("cannot open the store: %s", error->message);
		return EXIT_FAILURE;
	}

	connection = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
	if (connection == NULL) {
		wb_warning("cannot connect to the session bus: %s", error->message);
		return EXIT_FAILURE;
	}
	/* we leave on our own terms, after cleaning up */
	g_dbus_connection_set_exit_on_close(connection, FALSE);

	/* Bluetooth lives on the system bus; without one, only emulator watches work */
	system_bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &system_error);
	if (system_bus == NULL)
		wb_info("no system bus, so no Bluetooth: %s", system_error->message);
	else
		g_dbus_connection_set_exit_on_close(system_bus, FALSE);

	state.loop = g_main_loop_new(NULL, FALSE);
	state.daemon = wb_daemon_new(&config, store, connection, system_bus);
	if (!wb_daemon_load(state.daemon, &error)) {
		wb_warning("cannot load the known watches: %s", error->message);
		return EXIT_FAILURE;
	}
	manager = wb_manager_object_new(connection, state.daemon, &error);
	if (manager == NULL) {
		wb_warning("cannot export the D-Bus objects: %s", error->message);
		return EXIT_FAILURE;
	}

	g_unix_signal_add(SIGTERM, quit_cb, &state);
	g_unix_signal_add(SIGINT, quit_cb, &state);
	owner_id = g_bus_own_name_on_connection(
		connection, WB_BUS_NAME,
		G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT |
			(replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : G_BUS_NAME_OWNER_FLAGS_NONE),
		name_acquired_cb, name_lost_cb, &state, NULL);

	g_main_loop_run(state.loop);

	g_bus_unown_name(owner_id);
	wb_daemon_shutdown(state.daemon);
	wb_manager_object_unexport(manager);
	g_clear_object(&manager);
	g_clear_object(&state.daemon);
	(void)g_dbus_connection_flush_sync(connection, NULL, NULL);
	if (system_bus != NULL)
		(void)g_dbus_connection_flush_sync(system_bus, NULL, NULL);
	g_main_loop_unref(state.loop);
	wb_config_clear(&config);
	return state.exit_status;
}
