/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * bench-session: the daemon's start time (exec to name on the bus), the round-trip time of
 * 10,000 pings over the emulator link to the simulated watch (p50/p99/max, as the daemon
 * measures it and as a D-Bus client sees it), and the daemon's resident memory while idle
 * with one watch connected. Runs everything on a private session bus.
 *
 * Usage: bench-session [N_PINGS]
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wb-bench.h"

static gchar *
read_line(gint fd)
{
	GString *s = g_string_new(NULL);
	gchar c;
	while (read(fd, &c, 1) == 1 && c != '\n')
		g_string_append_c(s, c);
	return g_string_free(s, FALSE);
}

static int
cmp_u64(const void *a, const void *b)
{
	guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
	return x < y ? -1 : x > y;
}

static void
print_percentiles(const gchar *what, guint64 *v, guint n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	g_print("%-34s p50 %7.1f us   p99 %7.1f us   max %8.1f us\n", what, (gdouble)v[n / 2],
		(gdouble)v[(gsize)((n - 1) * 0.99)], (gdouble)v[n - 1]);
}

static glong
rss_kib(GPid pid)
{
	g_autofree gchar *path = g_strdup_printf("/proc/%d/status", pid);
	g_autofree gchar *text = NULL;
	const gchar *p;
	if (!g_file_get_contents(path, &text, NULL, NULL) || (p = strstr(text, "VmRSS:")) == NULL)
		return -1;
	return strtol(p + 6, NULL, 10);
}

int
main(int argc, char **argv)
{
	guint n_pings = argc > 1 ? (guint)atoi(argv[1]) : 10000;
	g_autofree gchar *tmp = g_dir_make_tmp("wb-bench-XXXXXX", NULL);
	g_autofree gchar *data = g_build_filename(tmp, "data", NULL);
	g_autofree gchar *config = g_build_filename(tmp, "config", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) bus = NULL;
	g_autofree gchar *bus_address = NULL;
	g_autofree gchar *sim_line = NULL;
	g_autofree gchar *path = NULL;
	g_autofree guint64 *link_rtt = NULL;
	g_autofree guint64 *call_rtt = NULL;
	gchar *bus_argv[] = {"dbus-daemon", "--session", "--nofork", "--print-address=1", NULL};
	gchar *sim_argv[] = {WB_SIM_PATH, "--port", "0", "--no-stdin", NULL};
	gchar *daemon_argv[] = {WB_DAEMON_PATH, NULL};
	gchar **envp;
	GPid bus_pid, sim_pid, daemon_pid;
	gint bus_out, sim_out;
	gint64 t0, t_name;
	gboolean connected = FALSE;

	if (n_pings == 0)
		n_pings = 1;
	bus_pid = wb_bench_spawn(bus_argv, NULL, &bus_out);
	bus_address = read_line(bus_out);
	envp = g_get_environ();
	envp = g_environ_setenv(envp, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
	envp = g_environ_setenv(envp, "XDG_DATA_HOME", data, TRUE);
	envp = g_environ_setenv(envp, "XDG_CONFIG_HOME", config, TRUE);
	envp = g_environ_unsetenv(envp, "G_MESSAGES_DEBUG");

	sim_pid = wb_bench_spawn(sim_argv, envp, &sim_out);
	sim_line = read_line(sim_out);
	if (!g_str_has_prefix(sim_line, "listening on ")) {
		g_printerr("simulator: %s\n", sim_line);
		return 1;
	}
	bus = g_dbus_connection_new_for_address_sync(
		bus_address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	if (bus == NULL) {
		g_printerr("bus: %s\n", error->message);
		return 1;
	}

	/* start to name: polled every 0.2 ms, which is the resolution of the figure */
	t0 = g_get_monotonic_time();
	daemon_pid = wb_bench_spawn(daemon_argv, envp, NULL);
	while (!wb_bench_name_has_owner(bus, "org.wearbridge"))
		g_usleep(200);
	t_name = g_get_monotonic_time();

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
	for (guint i = 0; i < 2000 && !connected; i++) {
		g_autoptr(GVariant) r = g_dbus_connection_call_sync(
			bus, "org.wearbridge", path, "org.freedesktop.DBus.Properties", "Get",
			g_variant_new("(ss)", "org.wearbridge.Watch1", "Connected"),
			G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
		g_autoptr(GVariant) v = NULL;
		if (r != NULL) {
			g_variant_get(r, "(v)", &v);
			connected = g_variant_get_boolean(v);
		}
		if (!connected)
			g_usleep(5000);
	}
	if (!connected) {
		g_printerr("the watch did not connect\n");
		return 1;
	}

	link_rtt = g_new0(guint64, n_pings);
	call_rtt = g_new0(guint64, n_pings);
	for (guint i = 0; i < n_pings; i++) {
		gint64 start = g_get_monotonic_time();
		g_autoptr(GVariant) r = g_dbus_connection_call_sync(
			bus, "org.wearbridge", path, "org.wearbridge.Watch1", "Ping", NULL,
			G_VARIANT_TYPE("(t)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
		if (r == NULL) {
			g_printerr("Ping %u: %s\n", i, error->message);
			return 1;
		}
		call_rtt[i] = (guint64)(g_get_monotonic_time() - start);
		g_variant_get(r, "(t)", &link_rtt[i]);
	}

	g_usleep(G_USEC_PER_SEC);
	g_print("bench-session (%u pings, emulator link over loopback TCP)\n", n_pings);
	g_print("%-34s %.1f ms\n", "start to name on the bus", (t_name - t0) / 1000.0);
	print_percentiles("ping rtt, daemon<->watch", link_rtt, n_pings);
	print_percentiles("Watch1.Ping, client<->watch", call_rtt, n_pings);
	g_print("%-34s %ld KiB\n", "daemon RSS, idle, 1 watch", rss_kib(daemon_pid));

	kill(daemon_pid, SIGTERM);
	kill(sim_pid, SIGTERM);
	kill(bus_pid, SIGTERM);
	g_spawn_close_pid(daemon_pid);
	g_strfreev(envp);
	return 0;
}
