/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "wb-bench.h"

/**
 * wb_bench_spawn:
 * @argv: the command (searched in PATH)
 * @envp: (nullable): its environment
 * @out_stdout: (out) (optional): a pipe from its standard output; without it, /dev/null
 *
 * Starts a process (stderr to /dev/null, not reaped) or exits the benchmark.
 *
 * Returns: its pid
 */
GPid
wb_bench_spawn(gchar **argv, gchar **envp, gint *out_stdout)
{
	g_autoptr(GError) error = NULL;
	GSpawnFlags flags =
		G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL;
	GPid pid;

	if (out_stdout == NULL)
		flags |= G_SPAWN_STDOUT_TO_DEV_NULL;
	if (!g_spawn_async_with_pipes(NULL, argv, envp, flags, NULL, NULL, &pid, NULL, out_stdout,
				      NULL, &error)) {
		g_printerr("spawning %s: %s\n", argv[0], error->message);
		exit(1);
	}
	return pid;
}

/**
 * wb_bench_name_has_owner:
 * @bus: a connection
 * @name: a well-known name
 *
 * Returns: whether someone owns @name now
 */
gboolean
wb_bench_name_has_owner(GDBusConnection *bus, const gchar *name)
{
	g_autoptr(GVariant) r = g_dbus_connection_call_sync(
		bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"NameHasOwner", g_variant_new("(s)", name), G_VARIANT_TYPE("(b)"),
		G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
	gboolean owned = FALSE;

	if (r != NULL)
		g_variant_get(r, "(b)", &owned);
	return owned;
}
