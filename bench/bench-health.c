/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * bench-health: one year of minute records (525,600 minutes, v13, 2 records per SendData as
 * the firmware packs them) through the daemon's data logging path: frames into a WbSession
 * over an in-memory link, the health service's decode, checksum, parse, range checks, one
 * durable transaction per batch (raw payload + readings) and the ACK. Beside it, the sqlite3
 * command-line tool importing the same minute rows from a CSV into the same schema in one
 * transaction, as the baseline. Then the size of the database, and a year of daily step
 * buckets asked of wearbridged over D-Bus (Health1.GetSteps) on a private bus.
 *
 * Usage: bench-health [DAYS]   (default 365)
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wb-crc.h"
#include "wb-datalog.h"
#include "wb-frame.h"
#include "wb-health-service.h"
#include "wb-health.h"
#include "wb-session.h"
#include "wb-store-health.h"

/* the id wearbridged derives from an emulator target, so that it loads the stored watch */
#define WATCH_ID         "emulator_127_0_0_1_9"
#define RECORDS_PER_SEND 2 /* 2 × 249 bytes fit in a SendData (646) */

/* ---- an in-memory link ---- */

#define BENCH_TYPE_LINK (bench_link_get_type())
G_DECLARE_FINAL_TYPE(BenchLink, bench_link, BENCH, LINK, WbLink)

struct _BenchLink {
	WbLink parent_instance;
	GByteArray *sent;
};

G_DEFINE_FINAL_TYPE(BenchLink, bench_link, WB_TYPE_LINK)

static void
bench_link_send(WbLink *link, GBytes *bytes)
{
	g_byte_array_append(BENCH_LINK(link)->sent, g_bytes_get_data(bytes, NULL),
			    (guint)g_bytes_get_size(bytes));
}

static void
bench_link_close(WbLink *link)
{
	wb_link_emit_closed(link, NULL);
}

static void
bench_link_finalize(GObject *o)
{
	g_byte_array_unref(BENCH_LINK(o)->sent);
	G_OBJECT_CLASS(bench_link_parent_class)->finalize(o);
}

static void
bench_link_class_init(BenchLinkClass *k)
{
	G_OBJECT_CLASS(k)->finalize = bench_link_finalize;
	WB_LINK_CLASS(k)->send = bench_link_send;
	WB_LINK_CLASS(k)->close = bench_link_close;
}

static void
bench_link_init(BenchLink *self)
{
	self->sent = g_byte_array_new();
	wb_link_set_open(WB_LINK(self), TRUE);
}

/* WatchVersion answer, firmware v4.4.2 (as tests/unit/test-session.c) */
static const gchar *watch_version_hex =
	"009b0010"
	"015a0b1c2d76342e342e32000000000000000000000000000000000000000000"
	"00000000006131623263336400000e015900000076342e302d70726600000000"
	"00000000000000000000000000000000000000003031323361626300010e0100"
	"00004273696c6b0000000000513430323434354530304142efcdab8967451122"
	"334455667788656e5f5553000001af290000000000000000010055";

static GBytes *
hex_bytes(const gchar *hex)
{
	gsize n = strlen(hex) / 2;
	guint8 *b = g_malloc(n);

	for (gsize i = 0; i < n; i++)
		b[i] = (guint8)(g_ascii_xdigit_value(hex[2 * i]) << 4 |
				g_ascii_xdigit_value(hex[2 * i + 1]));
	return g_bytes_new_take(b, n);
}

static GBytes *
frame_of(const WbDatalogMessage *msg)
{
	g_autoptr(GByteArray) payload = g_byte_array_new();
	g_autoptr(GByteArray) frame = g_byte_array_new();

	if (!wb_datalog_encode(msg, payload, NULL) ||
	    !wb_frame_encode(frame, WB_ENDPOINT_DATA_LOGGING, payload->data, payload->len, NULL))
		g_assert_not_reached();
	return g_byte_array_free_to_bytes(g_steal_pointer(&frame));
}

/* ---- a year of a person's minutes, deterministic ---- */

static guint32
rand_next(guint64 *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (guint32)(*state >> 33);
}

static void
fill_sample(WbHealthMinuteSample *s, gint64 t, guint64 *rng)
{
	gint hour = (gint)((t / 3600) % 24);
	gboolean awake = hour >= 7 && hour < 23;
	guint r = rand_next(rng) % 100;

	memset(s, 0, sizeof(*s));
	s->steps = awake ? (guint8)(r < 20 ? 60 + r : r % 12) : 0;
	s->orientation = (guint8)(rand_next(rng) & 0xff);
	s->vmc = (guint16)(s->steps * 37 + r);
	s->light = (guint8)(awake ? 40 + r % 50 : r % 3);
	s->flags = s->steps > 60 ? WB_HEALTH_MINUTE_FLAG_ACTIVE : 0;
	s->resting_calories = 1100;
	s->active_calories = (guint16)(s->steps * 4);
	s->distance_cm = (guint16)(s->steps * 71);
	s->heart_rate_bpm = (guint8)(awake ? 62 + s->steps / 3 + r % 8 : 50 + r % 5);
	s->heart_rate_weight_x100 = 100;
	s->heart_rate_zone = s->heart_rate_bpm > 110 ? 1 : 0;
}

static void
csv_row(GString *csv, gint64 t, gint offset_s, const WbHealthMinuteSample *s)
{
	/* the columns of health_minutes, watch key 1 */
	g_string_append_printf(
		csv, "1,%" G_GINT64_FORMAT ",%d,13,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,0,0\n", t,
		offset_s, s->steps, s->orientation, s->vmc, s->light, s->flags, s->resting_calories,
		s->active_calories, s->distance_cm, s->heart_rate_bpm, s->heart_rate_weight_x100,
		s->heart_rate_zone);
}

/* ---- helpers ---- */

static gchar *
read_line(gint fd)
{
	GString *s = g_string_new(NULL);
	gchar c;

	while (read(fd, &c, 1) == 1 && c != '\n')
		g_string_append_c(s, c);
	return g_string_free(s, FALSE);
}

/* what we started, stopped however we leave */
static GPid children[2];

static void
stop_children(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(children); i++) {
		if (children[i] <= 0)
			continue;
		kill(children[i], SIGTERM);
		waitpid(children[i], NULL, 0);
		children[i] = 0;
	}
}

static GPid
spawn(gchar **argv, gchar **envp, gint *out_stdout)
{
	g_autoptr(GError) error = NULL;
	GPid pid;

	if (!g_spawn_async_with_pipes(NULL, argv, envp,
				      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
					      G_SPAWN_STDERR_TO_DEV_NULL,
				      NULL, NULL, &pid, NULL, out_stdout, NULL, &error)) {
		g_printerr("spawning %s: %s\n", argv[0], error->message);
		exit(1);
	}
	return pid;
}

static gboolean
name_has_owner(GDBusConnection *bus, const gchar *name)
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

static goffset
file_size(const gchar *path)
{
	GStatBuf st;

	return g_stat(path, &st) == 0 ? (goffset)st.st_size : 0;
}

static int
cmp_double(const void *a, const void *b)
{
	gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;
	return x < y ? -1 : x > y;
}

static void
remove_tree(const gchar *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, name, NULL);

		if (g_file_test(child, G_FILE_TEST_IS_DIR))
			remove_tree(child);
		else
			g_unlink(child);
	}
	g_rmdir(path);
}

/* Runs the sqlite3 tool with @script on standard input; returns the seconds it took. */
static gdouble
run_sqlite3(const gchar *db, const gchar *script, gchar **out_stdout)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) proc = NULL;
	g_autofree gchar *err = NULL;
	gint64 t0 = g_get_monotonic_time();

	proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					G_SUBPROCESS_FLAGS_STDERR_PIPE,
				&error, "sqlite3", db, NULL);
	if (proc == NULL ||
	    !g_subprocess_communicate_utf8(proc, script, NULL, out_stdout, &err, &error)) {
		g_printerr("sqlite3: %s\n", error->message);
		exit(1);
	}
	if (!g_subprocess_get_successful(proc) || (err != NULL && err[0] != '\0')) {
		g_printerr("sqlite3 failed: %s\n", err != NULL ? err : "");
		exit(1);
	}
	return (gdouble)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
}

int
main(int argc, char **argv)
{
	guint days = argc > 1 ? (guint)atoi(argv[1]) : 365;
	g_autofree gchar *tmp = g_dir_make_tmp("wb-bench-health-XXXXXX", NULL);
	g_autofree gchar *data_home = g_build_filename(tmp, "data", NULL);
	g_autofree gchar *config_home = g_build_filename(tmp, "config", NULL);
	g_autofree gchar *db = g_build_filename(data_home, "wearbridge", "wearbridge.db", NULL);
	g_autofree gchar *db2 = g_build_filename(tmp, "baseline.db", NULL);
	g_autofree gchar *csv_path = g_build_filename(tmp, "minutes.csv", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GString) csv = g_string_new(NULL);
	guint64 rng = 0x5eed;
	guint64 total_steps = 0;
	guint n_minutes, n_records;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gint64 start;
	gdouble ingest_s, import_s;
	goffset db_bytes;

	if (days == 0)
		days = 1;
	n_minutes = days * 24 * 60;
	n_records = n_minutes / WB_HEALTH_MINUTES_PER_RECORD;
	/* whole UTC days ending at the last midnight: every reading in the past */
	start = (now / 86400 - days) * 86400;

	/* ---- the watch's side, prepared beforehand: OpenSession, then SendData frames ---- */
	{
		WbDatalogMessage open = {.command = WB_DATALOG_CMD_OPEN_SESSION, .session_id = 7};

		open.open.timestamp = (guint32)start;
		open.open.tag = WB_HEALTH_TAG_MINUTE_DATA;
		open.open.item_type = WB_DATALOG_ITEM_BYTE_ARRAY;
		open.open.item_size = WB_HEALTH_MINUTE_V13_ITEM_SIZE;
		g_ptr_array_add(frames, frame_of(&open));
	}
	for (guint rec = 0; rec < n_records; rec += RECORDS_PER_SEND) {
		g_autoptr(GByteArray) items = g_byte_array_new();
		g_autoptr(GBytes) data = NULL;
		WbDatalogMessage send = {.command = WB_DATALOG_CMD_SEND_DATA, .session_id = 7};

		for (guint k = 0; k < RECORDS_PER_SEND && rec + k < n_records; k++) {
			WbHealthMinuteSample samples[WB_HEALTH_MINUTES_PER_RECORD];
			WbHealthMinuteRecord r = {
				.version = 13,
				.time_utc = (guint32)(start + (gint64)(rec + k) * 15 * 60),
				.local_offset_15min = 4,
				.sample_size = 16,
				.num_samples = WB_HEALTH_MINUTES_PER_RECORD,
				.samples = samples,
			};
			for (guint j = 0; j < WB_HEALTH_MINUTES_PER_RECORD; j++) {
				gint64 t = (gint64)r.time_utc + 60 * j;

				fill_sample(&samples[j], t, &rng);
				total_steps += samples[j].steps;
				csv_row(csv, t, 3600, &samples[j]);
			}
			if (!wb_health_minute_record_encode(&r, WB_HEALTH_MINUTE_V13_ITEM_SIZE,
							    items, &error)) {
				g_printerr("encoding: %s\n", error->message);
				return 1;
			}
		}
		data = g_bytes_new(items->data, items->len);
		send.send.items_left = WB_DATALOG_ITEMS_LEFT_UNKNOWN;
		send.send.crc = wb_crc_stm32(items->data, items->len);
		send.send.data = data;
		g_ptr_array_add(frames, frame_of(&send));
	}

	/* ---- the daemon's side ---- */
	{
		g_autoptr(WbStore) store = NULL;
		g_autoptr(BenchLink) link = NULL;
		g_autoptr(WbSession) session = NULL;
		g_autoptr(WbHealthService) service = NULL;
		g_autoptr(GBytes) version = hex_bytes(watch_version_hex);
		WbStoredWatch watch = {.id = WATCH_ID,
				       .transport = "emulator",
				       .target = "127.0.0.1:9",
				       .name = "Bench",
				       .auto_connect = FALSE};
		WbConfig config;
		guint acks = 0;
		gint64 t0;

		store = wb_store_open(db, &error);
		if (store == NULL || !wb_store_save_watch(store, &watch, &error)) {
			g_printerr("store: %s\n", error->message);
			return 1;
		}
		wb_config_init_defaults(&config);
		config.first_frame_wait_ms = 0;
		link = g_object_new(BENCH_TYPE_LINK, "transport", "bench", "target", "mem", NULL);
		session = wb_session_new(WB_LINK(link), &config, WATCH_ID);
		service = wb_health_service_new(store, &config, WATCH_ID);
		wb_session_start(session);
		wb_link_emit_received(WB_LINK(link), version);
		while (wb_session_get_state(session) != WB_SESSION_STATE_OPEN)
			g_main_context_iteration(NULL, TRUE);
		wb_service_attach(WB_SERVICE(service), session);
		g_byte_array_set_size(link->sent, 0);

		t0 = g_get_monotonic_time();
		for (guint i = 0; i < frames->len; i++) {
			GBytes *frame = g_ptr_array_index(frames, i);

			wb_link_emit_received(WB_LINK(link), frame);
			/* every frame is answered at once, with an ACK (0x85) once committed */
			if (link->sent->len != 6 || link->sent->data[4] != WB_DATALOG_CMD_ACK) {
				g_printerr("frame %u was not acknowledged\n", i);
				return 1;
			}
			acks++;
			g_byte_array_set_size(link->sent, 0);
		}
		ingest_s = (gdouble)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
		wb_service_detach(WB_SERVICE(service));
		g_clear_object(&service);
		g_clear_object(&session);
		wb_config_clear(&config);
		if (acks != frames->len)
			return 1;
	}
	/* the store is closed: the WAL is checkpointed into the file */
	db_bytes = file_size(db);

	/* ---- the baseline: the sqlite3 tool imports the same rows into the same schema ---- */
	{
		g_autoptr(WbStore) baseline = wb_store_open(db2, &error);
		g_autofree gchar *script = NULL;
		g_autofree gchar *count = NULL;

		if (baseline == NULL) {
			g_printerr("baseline store: %s\n", error->message);
			return 1;
		}
		g_clear_pointer(&baseline, wb_store_free);
		if (!g_file_set_contents(csv_path, csv->str, (gssize)csv->len, &error)) {
			g_printerr("%s\n", error->message);
			return 1;
		}
		script = g_strdup_printf(".mode csv\n.import %s health_minutes\n", csv_path);
		import_s = run_sqlite3(db2, script, NULL);
		(void)run_sqlite3(db2, "SELECT COUNT(*) FROM health_minutes;", &count);
		if (count == NULL || (guint)atoi(count) != n_minutes) {
			g_printerr("the baseline imported '%s' rows\n", count != NULL ? count : "");
			return 1;
		}
	}

	g_print("bench-health (%u days = %u minutes, %u minute records in %u SendData)\n", days,
		n_minutes, n_records, frames->len - 1);
	g_print("%-44s %9.2f s  %9.0f records/s\n", "ingest via data logging (commit, then ACK)",
		ingest_s, n_minutes / ingest_s);
	g_print("%-44s %9.2f s  %9.0f records/s\n", "sqlite3 CLI .import of the same rows (CSV)",
		import_s, n_minutes / import_s);
	g_print("%-44s %9.2f\n", "ratio (ingest rate / sqlite3 import rate)", import_s / ingest_s);
	g_print("%-44s %9.1f MiB  (%.1f bytes/minute)\n", "database size, readings + raw payloads",
		(gdouble)db_bytes / (1024 * 1024), (gdouble)db_bytes / n_minutes);
	{
		g_autofree gchar *out = NULL;
		g_auto(GStrv) lines = NULL;

		/* dbstat is in Debian's sqlite3; without it the breakdown is left out */
		(void)run_sqlite3(db,
				  ".mode list\n.separator ' '\n"
				  "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name "
				  "ORDER BY 2 DESC LIMIT 6;\n",
				  &out);
		lines = g_strsplit(out != NULL ? out : "", "\n", -1);
		for (guint i = 0; lines[i] != NULL; i++) {
			g_auto(GStrv) f = g_strsplit(lines[i], " ", 2);

			if (g_strv_length(f) == 2)
				g_print("  %-42s %9.1f MiB\n", f[0],
					g_ascii_strtod(f[1], NULL) / (1024 * 1024));
		}
		g_print("%-44s %9.1f MiB\n", "baseline database (minute rows only)",
			(gdouble)file_size(db2) / (1024 * 1024));
	}

	/* ---- a year of daily buckets over D-Bus, from wearbridged on a private bus ---- */
	{
		gchar *bus_argv[] = {"dbus-daemon", "--session", "--nofork", "--print-address=1",
				     NULL};
		gchar *daemon_argv[] = {WB_DAEMON_PATH, NULL};
		g_autofree gchar *bus_address = NULL;
		g_autoptr(GDBusConnection) bus = NULL;
		g_autofree gdouble *ms = g_new0(gdouble, 21);
		gchar **envp = g_get_environ();
		GPid bus_pid, daemon_pid;
		gint bus_out;
		guint64 sum = 0;
		guint n_buckets = 0;

		atexit(stop_children);
		bus_pid = spawn(bus_argv, NULL, &bus_out);
		children[1] = bus_pid;
		bus_address = read_line(bus_out);
		envp = g_environ_setenv(envp, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
		envp = g_environ_setenv(envp, "XDG_DATA_HOME", data_home, TRUE);
		envp = g_environ_setenv(envp, "XDG_CONFIG_HOME", config_home, TRUE);
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
		daemon_pid = spawn(daemon_argv, envp, NULL);
		children[0] = daemon_pid;
		for (guint i = 0; i < 50000 && !name_has_owner(bus, "org.wearbridge"); i++)
			g_usleep(200);
		for (guint i = 0; i < 21; i++) {
			gint64 t0 = g_get_monotonic_time();
			g_autoptr(GVariant) r = g_dbus_connection_call_sync(
				bus, "org.wearbridge", "/org/wearbridge/watch/" WATCH_ID,
				"org.wearbridge.Health1", "GetSteps",
				g_variant_new("(ttu)", (guint64)start,
					      (guint64)(start + (gint64)days * 86400), 86400u),
				G_VARIANT_TYPE("(a(tu))"), G_DBUS_CALL_FLAGS_NONE, 60000, NULL,
				&error);
			g_autoptr(GVariant) buckets = NULL;
			GVariantIter iter;
			guint64 t;
			guint32 steps;

			if (r == NULL) {
				g_printerr("GetSteps: %s\n", error->message);
				return 1;
			}
			ms[i] = (gdouble)(g_get_monotonic_time() - t0) / 1000.0;
			if (i > 0)
				continue;
			buckets = g_variant_get_child_value(r, 0);
			g_variant_iter_init(&iter, buckets);
			while (g_variant_iter_next(&iter, "(tu)", &t, &steps)) {
				sum += steps;
				n_buckets++;
			}
		}
		if (sum != total_steps || n_buckets != days) {
			g_printerr("GetSteps: %u buckets, %" G_GUINT64_FORMAT
				   " steps; expected %u, "
				   "%" G_GUINT64_FORMAT "\n",
				   n_buckets, sum, days, total_steps);
			return 1;
		}
		qsort(ms + 1, 20, sizeof(gdouble), cmp_double);
		g_print("%-44s %9.1f ms first, %.1f ms median of 20 (%u buckets)\n",
			"GetSteps over D-Bus, a year of daily buckets", ms[0], ms[10], n_buckets);
		stop_children();
		g_strfreev(envp);
	}
	remove_tree(tmp);
	return 0;
}
