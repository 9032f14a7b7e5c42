/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * bench-notify: latency from a desktop Notify call to the simulated watch holding the
 * notification (p50, p99, max over N notifications sent one after the other), and the
 * throughput of a burst of N sent as fast as possible. Private session bus, python3-dbusmock's
 * notification server, the real daemon, the simulator printing what it receives.
 *
 * Usage: bench-notify [N]
 */
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wb-bench.h"

static gchar *
read_line(GDataInputStream *in)
{
	g_autoptr(GError) error = NULL;
	gchar *line = g_data_input_stream_read_line_utf8(in, NULL, NULL, &error);
	if (line == NULL) {
		g_printerr("simulator output ended: %s\n", error != NULL ? error->message : "EOF");
		exit(1);
	}
	return line;
}

/* Reads the simulator's log until it has received @n notification inserts. */
static void
wait_inserts(GDataInputStream *in, guint n)
{
	while (n > 0) {
		g_autofree gchar *line = read_line(in);
		if (strstr(line, "blobdb: insert notification") != NULL && line[0] != '{')
			n--;
	}
}

static gboolean
call_bool(GDBusConnection *bus, const gchar *path, const gchar *iface, const gchar *prop)
{
	g_autoptr(GVariant) r = g_dbus_connection_call_sync(
		bus, "org.wearbridge", path, "org.freedesktop.DBus.Properties", "Get",
		g_variant_new("(ss)", iface, prop), G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE,
		5000, NULL, NULL);
	g_autoptr(GVariant) v = NULL;
	if (r == NULL)
		return FALSE;
	g_variant_get(r, "(v)", &v);
	return g_variant_get_boolean(v);
}

static GVariant *
notify_args(const gchar *summary)
{
	GVariantBuilder hints;
	g_variant_builder_init(&hints, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&hints, "{sv}", "desktop-entry",
			      g_variant_new_string("org.example.Bench"));
	return g_variant_new("(susssasa{sv}i)", "Bench", 0, "", summary,
			     "A notification body of a realistic length, with a second sentence.",
			     NULL, &hints, -1);
}

static int
cmp_i64(const void *a, const void *b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	guint n = argc > 1 ? (guint)atoi(argv[1]) : 1000;
	g_autofree gchar *tmp = g_dir_make_tmp("wb-bench-XXXXXX", NULL);
	g_autofree gchar *data = g_build_filename(tmp, "data", NULL);
	g_autofree gchar *config = g_build_filename(tmp, "config", NULL);
	gchar *bus_argv[] = {"dbus-daemon", "--session", "--nofork", "--print-address=1", NULL};
	gchar *server_argv[] = {"/usr/bin/python3",    "-m", "dbusmock", "--template",
				"notification_daemon", NULL};
	gchar *sim_argv[] = {WB_SIM_PATH, "--port", "0", "--no-stdin", "--print", NULL};
	gchar *daemon_argv[] = {WB_DAEMON_PATH, NULL};
	g_autoptr(GDataInputStream) bus_out = NULL, sim_out = NULL;
	g_autoptr(GDBusConnection) bus = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *bus_address = NULL, *sim_line = NULL, *path = NULL;
	g_autofree gint64 *lat = NULL;
	GPid pids[4];
	gint fd;
	gchar **envp;
	gint64 t0, elapsed;

	if (n == 0)
		n = 1;
	pids[0] = wb_bench_spawn(bus_argv, NULL, &fd);
	bus_out = g_data_input_stream_new(g_unix_input_stream_new(fd, TRUE));
	bus_address = read_line(bus_out);
	envp = g_get_environ();
	envp = g_environ_setenv(envp, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
	envp = g_environ_setenv(envp, "XDG_DATA_HOME", data, TRUE);
	envp = g_environ_setenv(envp, "XDG_CONFIG_HOME", config, TRUE);
	envp = g_environ_unsetenv(envp, "G_MESSAGES_DEBUG");
	bus = g_dbus_connection_new_for_address_sync(
		bus_address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	if (bus == NULL) {
		g_printerr("bus: %s\n", error->message);
		return 1;
	}
	pids[1] = wb_bench_spawn(server_argv, envp, NULL);
	pids[2] = wb_bench_spawn(sim_argv, envp, &fd);
	sim_out = g_data_input_stream_new(g_unix_input_stream_new(fd, TRUE));
	sim_line = read_line(sim_out);
	pids[3] = wb_bench_spawn(daemon_argv, envp, NULL);
	while (!wb_bench_name_has_owner(bus, "org.wearbridge") ||
	       !wb_bench_name_has_owner(bus, "org.freedesktop.Notifications"))
		g_usleep(1000);
	{
		g_autoptr(GVariant) r = g_dbus_connection_call_sync(
			bus, "org.wearbridge", "/org/wearbridge", "org.wearbridge.Manager1",
			"ConnectEmulator", g_variant_new("(s)", sim_line + strlen("listening on ")),
			G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
		if (r == NULL) {
			g_printerr("ConnectEmulator: %s\n", error->message);
			return 1;
		}
		g_variant_get(r, "(o)", &path);
	}
	while (!call_bool(bus, path, "org.wearbridge.Watch1", "Connected"))
		g_usleep(5000);
	/* the monitor starts once the daemon owns its name; one notification to be sure */
	g_usleep(200 * 1000);
	g_dbus_connection_call_sync(
		bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
		"org.freedesktop.Notifications", "Notify", notify_args("warm-up"), NULL,
		G_DBUS_CALL_FLAGS_NONE, 10000, NULL, NULL);
	wait_inserts(sim_out, 1);

	/* latency, one at a time */
	lat = g_new0(gint64, n);
	for (guint i = 0; i < n; i++) {
		g_autofree gchar *summary = g_strdup_printf("latency %u", i);
		g_autoptr(GVariant) r = NULL;
		t0 = g_get_monotonic_time();
		r = g_dbus_connection_call_sync(
			bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
			"org.freedesktop.Notifications", "Notify", notify_args(summary), NULL,
			G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
		if (r == NULL) {
			g_printerr("Notify: %s\n", error->message);
			return 1;
		}
		wait_inserts(sim_out, 1);
		lat[i] = g_get_monotonic_time() - t0;
	}
	qsort(lat, n, sizeof(*lat), cmp_i64);

	/* burst: all at once, then wait for the last */
	t0 = g_get_monotonic_time();
	for (guint i = 0; i < n; i++) {
		g_autofree gchar *summary = g_strdup_printf("burst %u", i);
		g_dbus_connection_call(
			bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
			"org.freedesktop.Notifications", "Notify", notify_args(summary), NULL,
			G_DBUS_CALL_FLAGS_NONE, 60000, NULL, NULL, NULL);
	}
	g_dbus_connection_flush_sync(bus, NULL, NULL);
	wait_inserts(sim_out, n);
	elapsed = g_get_monotonic_time() - t0;

	printf("bench-notify (%u notifications: Notify call -> item held by the simulated watch)\n",
	       n);
	printf("latency, one at a time   p50 %6.2f ms   p99 %6.2f ms   max %6.2f ms\n",
	       lat[n / 2] / 1000.0, lat[(gsize)((n - 1) * 0.99)] / 1000.0, lat[n - 1] / 1000.0);
	printf("burst of %u             %6.0f notifications/s (%.2f s)\n", n, n / (elapsed / 1e6),
	       elapsed / 1e6);

	for (guint i = 4; i > 0; i--)
		kill(pids[i - 1], SIGTERM);
	g_strfreev(envp);
	return 0;
}
