/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * bench-ppogatt: PPoGATT throughput through the daemon's own BLE code (WbBluezGattApp +
 * WbLinkBle) against wb-mock-bluez's shaped link model (docs/mock-bluez.md): 1 MiB of Pebble
 * Protocol frames phone → watch at ATT MTU 185 and 247, 4 and 6 packets per 15 ms connection
 * interval, without loss and with 2 % loss, as bytes/s and as a fraction of what the link model
 * carries at most: packets per interval × (MTU − 4) payload bytes (§10.9) per 15 ms. Then the
 * same amount watch → phone, as screenshots (the simulated watch sends a whole framebuffer per
 * request, without application-level acks).
 *
 * Each configuration gets its own private dbus-daemon (as the "system bus") and wb-mock-bluez;
 * this process plays the phone: it registers the GATT application, scans, pairs (Just Works: no
 * agent), connects and opens a WbLinkBle, which completes when the watch's PPoGATT handshake
 * does. Phone → watch: 2048-byte frames to endpoint 0x0032 (app customization, which the
 * simulated watch takes without answering), a Ping after every 8 frames; PPoGATT delivers in
 * order, so the Pong of the last Ping means every byte has arrived. The Pings also keep what
 * is queued in WbLinkBle under WbPpogatt's 64 KiB limit (a write beyond it resets the session):
 * at most 3 batches of 8 frames wait for their Pong. Time: first byte queued → last Pong.
 *
 * Retransmission timeouts: the daemon's end uses WbPpogatt's default (5 s, docs/ppogatt.md
 * "Timers"); the watch's is set to the same 5 s, the middle of the firmware's 4-6 s (§10.11).
 * Loss is switched on once the link is open (the handshake is not measured). A PPoGATT reset
 * ends the session: the transfer resumes from the first batch without a Pong once the watch
 * opens the next one, and the reset is counted.
 *
 * No figure is asserted. Exit status 1 only if something fails (setup, or a transfer that does
 * not complete within --limit seconds).
 *
 * Usage: bench-ppogatt [--size BYTES] [--quick] [--json] [--mtu N] [--per-interval N]
 *                      [--loss PERCENT] [--no-reverse] [--seed N] [--limit SECONDS] [--verbose]
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wb-bench.h"
#include "wb-bluez-gatt-app.h"
#include "wb-frame.h"
#include "wb-link-ble.h"
#include "wb-ppogatt.h"
#include "wb-screenshot.h"
#include "wb-system.h"

#define ADAPTER_PATH  "/org/bluez/hci0"
#define DEVICE_PATH   ADAPTER_PATH "/dev_B0_B4_48_57_34_56"
#define WATCH_ADDRESS "B0:B4:48:57:34:56"
#define MOCK_NAME     "org.wearbridge.MockBluez"
#define MOCK_PATH     "/org/wearbridge/mock"
#define MOCK_IFACE    "org.wearbridge.MockBluez1"

#define INTERVAL_MS 15
/* the watch's retransmission timeout: FW's 4-6 s (§10.11), as WbPpogatt's default */
#define WATCH_RETRANSMIT_MS 5000
/* 4-byte header + 2044-byte payload (§1.2: the watch's inbound limit) */
#define FRAME_BYTES 2048
/* app customization (§1.3): taken by the simulated watch without an answer */
#define BULK_ENDPOINT 0x0032
#define BATCH_FRAMES  8
/* 3 × (8 × 2048 + 9) plus one window of unacknowledged packets stays under 64 KiB */
#define MAX_BATCHES_OUT 3
/* screenshots in flight: what the watch has queued stays under its 64 KiB */
#define SCREENSHOT_BUDGET (48 * 1024)
#define SETUP_TIMEOUT_S   30

typedef struct {
	guint mtu;
	guint per_interval;
	gdouble loss;
} Config;

typedef struct {
	gboolean measured;
	guint64 bytes;
	gdouble seconds;
	guint64 data_packets; /* the sender's Data packets, first transmissions */
	guint64 retransmits;  /* the sender's */
	guint64 lost_data;    /* packets the mock lost in the data direction */
	guint64 lost_acks;    /* and in the other (acks) */
	guint resets;
} Direction;

typedef struct {
	Config cfg;
	guint version;
	guint tx_window; /* the phone's */
	guint rx_window;
	guint watch_tx_window;
	guint watch_rx_window;
	gsize payload;
	Direction to_watch;
	Direction to_phone;
} Result;

typedef struct {
	GDBusConnection *bus;
	WbBluezGattApp *app;
	WbLink *link;
	WbFrameDecoder *decoder;
	gboolean verbose;

	/* link */
	gboolean open_pending;
	gboolean open_done;
	GError *open_error;
	gboolean session_lost;
	guint resets;

	/* phone → watch */
	guint n_frames;
	gsize last_payload;
	guint n_batches;
	guint next_batch;
	guint confirmed;
	gboolean tx_done;

	/* watch → phone */
	gboolean rx_active;
	guint64 rx_target;
	guint64 rx_done_bytes;
	guint64 shot_bytes; /* frame bytes of one screenshot, once known */
	gsize shot_image;   /* pixel bytes of one screenshot */
	guint shots_out;
	guint64 cur_bytes;
	gsize cur_pixels;
	gboolean cur_started;
	gboolean rx_done;
	gchar *failure;

	gint64 t_end;
} Bench;

static GPid children[2];

/* ---- child processes --------------------------------------------------------------------- */

static void
stop_child(GPid *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (guint i = 0; i < 200; i++) {
		if (waitpid(*pid, NULL, WNOHANG) != 0)
			goto done;
		g_usleep(10000);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
done:
	g_spawn_close_pid(*pid);
	*pid = 0;
}

/* mock first, then its bus */
static void
stop_children(void)
{
	for (gint i = (gint)G_N_ELEMENTS(children) - 1; i >= 0; i--)
		stop_child(&children[i]);
}

static gboolean
on_signal(gpointer user_data)
{
	g_printerr("bench-ppogatt: interrupted\n");
	exit(130); /* atexit stops the children */
	return G_SOURCE_REMOVE;
}

static gchar *
read_line(gint fd)
{
	GString *s = g_string_new(NULL);
	gchar c;

	while (read(fd, &c, 1) == 1 && c != '\n')
		g_string_append_c(s, c);
	return g_string_free(s, FALSE);
}

/* ---- main loop helpers ------------------------------------------------------------------- */

static gboolean
set_flag(gpointer user_data)
{
	*(gboolean *)user_data = TRUE;
	return G_SOURCE_REMOVE;
}

/* Runs the main loop until *@done or @timeout_ms; returns *@done. Never nested: callbacks only
 * set flags and queue bytes. */
static gboolean
spin_until(const gboolean *done, guint timeout_ms)
{
	gboolean expired = FALSE;
	guint timer = g_timeout_add(timeout_ms, set_flag, &expired);

	while (!*done && !expired)
		g_main_context_iteration(NULL, TRUE);
	if (!expired)
		g_source_remove(timer);
	return *done;
}

typedef struct {
	gboolean done;
	GVariant *reply;
	GError *error;
} Call;

static void
call_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Call *c = user_data;

	c->reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &c->error);
	c->done = TRUE;
}

/* A method call that lets the main loop run meanwhile: the mock calls back into our GATT
 * application while it handles some of them. */
static GVariant *
call(Bench *b, const gchar *dest, const gchar *path, const gchar *iface, const gchar *method,
     GVariant *params, GError **error)
{
	Call c = {0};

	g_dbus_connection_call(b->bus, dest, path, iface, method, params, NULL,
			       G_DBUS_CALL_FLAGS_NONE, SETUP_TIMEOUT_S * 1000, NULL, call_done, &c);
	while (!c.done)
		g_main_context_iteration(NULL, TRUE);
	if (c.reply == NULL)
		g_propagate_prefixed_error(error, c.error, "%s.%s: ", iface, method);
	return c.reply;
}

static gboolean
knob(Bench *b, const gchar *method, GVariant *params, GError **error)
{
	g_autoptr(GVariant) r = call(b, MOCK_NAME, MOCK_PATH, MOCK_IFACE, method, params, error);

	return r != NULL;
}

/* ---- the mock's LinkState ---------------------------------------------------------------- */

typedef struct {
	guint64 retransmits;
	guint64 packets_sent;
	guint64 lost_to_phone;
	guint64 lost_to_watch;
	guint64 resets;
	guint tx_window;
	guint rx_window;
} LinkState;

/* The mock's LinkState is flat JSON of numbers and strings: enough to find "key": N. */
static guint64
json_uint(const gchar *json, const gchar *key)
{
	g_autofree gchar *needle = g_strdup_printf("\"%s\"", key);
	const gchar *p = strstr(json, needle);

	if (p == NULL)
		return 0;
	p += strlen(needle);
	while (*p == ' ' || *p == ':')
		p++;
	return g_ascii_strtoull(p, NULL, 10);
}

static gboolean
link_state(Bench *b, LinkState *out, GError **error)
{
	g_autoptr(GVariant) r = call(b, MOCK_NAME, MOCK_PATH, MOCK_IFACE, "LinkState", NULL, error);
	const gchar *json;

	if (r == NULL)
		return FALSE;
	g_variant_get(r, "(&s)", &json);
	out->retransmits = json_uint(json, "retransmits");
	out->packets_sent = json_uint(json, "packets_sent");
	out->lost_to_phone = json_uint(json, "lost_to_phone");
	out->lost_to_watch = json_uint(json, "lost_to_watch");
	out->resets = json_uint(json, "resets");
	out->tx_window = (guint)json_uint(json, "tx_window");
	out->rx_window = (guint)json_uint(json, "rx_window");
	return TRUE;
}

/* ---- the link ---------------------------------------------------------------------------- */

static void send_batches(Bench *b);
static void request_screenshots(Bench *b);

static void
on_opened(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Bench *b = user_data;

	b->open_pending = FALSE;
	g_clear_error(&b->open_error);
	if (!wb_link_open_finish(WB_LINK(source), result, &b->open_error))
		return;
	b->open_done = TRUE;
	if (b->verbose && b->resets > 0)
		g_printerr("  session reopened\n");
	/* resume where the last session's Pongs / screenshots stopped */
	send_batches(b);
	request_screenshots(b);
}

static void
open_link(Bench *b)
{
	b->open_done = FALSE;
	b->open_pending = TRUE;
	wb_link_open_async(b->link, NULL, on_opened, b);
}

static void
on_closed(WbLink *link, GError *error, gpointer user_data)
{
	Bench *b = user_data;

	/* a PPoGATT reset ends the Pebble Protocol session; what was not confirmed is resent */
	b->resets++;
	b->session_lost = TRUE;
	b->open_done = FALSE;
	wb_frame_decoder_reset(b->decoder);
	b->next_batch = b->confirmed;
	b->shots_out = 0;
	b->cur_bytes = 0;
	b->cur_pixels = 0;
	b->cur_started = FALSE;
	if (b->verbose)
		g_printerr("  session closed: %s\n", error != NULL ? error->message : "on purpose");
}

static void
send_frame(Bench *b, guint16 endpoint, const guint8 *payload, gsize len)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	g_autoptr(GBytes) bytes = NULL;

	if (!wb_frame_encode(out, endpoint, payload, len, &error))
		g_error("frame: %s", error->message);
	bytes = g_byte_array_free_to_bytes(g_steal_pointer(&out));
	wb_link_send(b->link, bytes);
}

static void
send_batches(Bench *b)
{
	static const guint8 zeros[FRAME_BYTES];

	while (b->open_done && !b->tx_done && b->next_batch < b->n_batches &&
	       b->next_batch - b->confirmed < MAX_BATCHES_OUT) {
		g_autoptr(GByteArray) ping = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		WbPing msg = {.cookie = b->next_batch};
		guint first = b->next_batch * BATCH_FRAMES;
		guint end = MIN(first + BATCH_FRAMES, b->n_frames);

		for (guint f = first; f < end; f++)
			send_frame(b, BULK_ENDPOINT, zeros,
				   f + 1 == b->n_frames ? b->last_payload : FRAME_BYTES - 4);
		if (!wb_ping_encode(&msg, ping, &error))
			g_error("ping: %s", error->message);
		send_frame(b, WB_ENDPOINT_PING, ping->data, ping->len);
		b->next_batch++;
	}
}

static void
request_screenshots(Bench *b)
{
	while (b->open_done && b->rx_active && !b->rx_done) {
		guint64 planned = b->rx_done_bytes + b->shots_out * b->shot_bytes;
		guint64 unreceived = b->shots_out * b->shot_bytes - b->cur_bytes;
		g_autoptr(GByteArray) req = g_byte_array_new();
		g_autoptr(GError) error = NULL;

		/* one at a time until the size of a screenshot is known */
		if (b->shot_bytes == 0 ? b->shots_out > 0
				       : planned >= b->rx_target ||
						 unreceived + b->shot_bytes > SCREENSHOT_BUDGET)
			break;
		if (!wb_screenshot_request_encode(req, &error))
			g_error("screenshot request: %s", error->message);
		send_frame(b, WB_ENDPOINT_SCREENSHOT, req->data, req->len);
		b->shots_out++;
	}
}

static void
on_screenshot_frame(Bench *b, const WbFrame *frame)
{
	gsize pixels = frame->len;

	if (!b->rx_active || b->rx_done || b->shots_out == 0)
		return;
	if (!b->cur_started) {
		WbScreenshotHeader h = {0};
		g_autoptr(GError) error = NULL;

		if (!wb_screenshot_header_decode(frame->payload, frame->len, &h, &error) ||
		    h.response_code != WB_SCREENSHOT_OK) {
			g_free(b->failure);
			b->failure = g_strdup_printf("screenshot refused: %s",
						     error != NULL ? error->message : "error code");
			return;
		}
		b->cur_started = TRUE;
		b->shot_image = wb_screenshot_header_image_size(&h);
		pixels -= WB_SCREENSHOT_HEADER_LEN;
	}
	b->cur_bytes += frame->len + 4;
	b->cur_pixels += pixels;
	if (b->cur_pixels < b->shot_image)
		return;
	b->shot_bytes = b->cur_bytes;
	b->rx_done_bytes += b->cur_bytes;
	b->shots_out--;
	b->cur_bytes = 0;
	b->cur_pixels = 0;
	b->cur_started = FALSE;
	if (b->rx_done_bytes >= b->rx_target) {
		b->rx_done = TRUE;
		b->t_end = g_get_monotonic_time();
		return;
	}
	request_screenshots(b);
}

static void
on_received(WbLink *link, GBytes *bytes, gpointer user_data)
{
	Bench *b = user_data;
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);
	WbFrame frame;
	g_autoptr(GError) error = NULL;

	wb_frame_decoder_push(b->decoder, data, len);
	while (wb_frame_decoder_next(b->decoder, &frame, &error)) {
		WbPing ping = {0};

		if (frame.endpoint == WB_ENDPOINT_SCREENSHOT) {
			on_screenshot_frame(b, &frame);
			continue;
		}
		if (frame.endpoint != WB_ENDPOINT_PING ||
		    !wb_ping_decode(frame.payload, frame.len, &ping, NULL) || !ping.is_pong ||
		    b->tx_done)
			continue;
		/* in order: this Pong confirms every batch up to its cookie */
		b->confirmed = MAX(b->confirmed, MIN(ping.cookie + 1, b->n_batches));
		if (b->confirmed == b->n_batches) {
			b->tx_done = TRUE;
			b->t_end = g_get_monotonic_time();
		} else {
			send_batches(b);
		}
	}
	if (error != NULL)
		g_printerr("bench-ppogatt: bad frame from the watch: %s\n", error->message);
}

static void
on_registered(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Call *c = user_data;

	wb_bluez_gatt_app_register_finish(WB_BLUEZ_GATT_APP(source), result, &c->error);
	c->done = TRUE;
}

/* ---- one configuration ------------------------------------------------------------------- */

static gboolean
start_mock(Bench *b, GError **error)
{
	gchar *bus_argv[] = {"dbus-daemon", "--session", "--nofork", "--print-address=1", NULL};
	gchar *mock_argv[] = {WB_MOCK_BLUEZ_PATH, NULL};
	g_autofree gchar *address = NULL;
	g_auto(GStrv) envp = NULL;
	gint bus_out;

	children[0] = wb_bench_spawn(bus_argv, NULL, &bus_out);
	address = read_line(bus_out);
	close(bus_out);
	if (*address == '\0') {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "dbus-daemon failed");
		return FALSE;
	}
	envp = g_get_environ();
	envp = g_environ_setenv(envp, "DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
	envp = g_environ_unsetenv(envp, "G_MESSAGES_DEBUG");
	children[1] = wb_bench_spawn(mock_argv, envp, NULL);

	b->bus = g_dbus_connection_new_for_address_sync(
		address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, error);
	if (b->bus == NULL)
		return FALSE;
	g_dbus_connection_set_exit_on_close(b->bus, FALSE);
	for (guint i = 0; i < 1000; i++) {
		if (wb_bench_name_has_owner(b->bus, "org.bluez") &&
		    wb_bench_name_has_owner(b->bus, MOCK_NAME))
			return TRUE;
		if (waitpid(children[1], NULL, WNOHANG) != 0) {
			children[1] = 0;
			break;
		}
		g_usleep(10000);
	}
	g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "wb-mock-bluez did not come up on the bus");
	return FALSE;
}

/* §10.12: the application before connecting, scan, pair, connect; the watch then opens
 * PPoGATT, which completes the link's open. */
static gboolean
connect_watch(Bench *b, const Config *cfg, GError **error)
{
	Call reg = {0};
	gboolean found = FALSE;

	if (!knob(b, "SetMtu", g_variant_new("(q)", (guint16)cfg->mtu), error) ||
	    !knob(b, "SetPacketsPerInterval", g_variant_new("(uu)", cfg->per_interval, INTERVAL_MS),
		  error) ||
	    !knob(b, "SetRetransmitTimeout", g_variant_new("(u)", WATCH_RETRANSMIT_MS), error))
		return FALSE;

	b->app = wb_bluez_gatt_app_new(b->bus, WB_BLUEZ_GATT_APP_DEFAULT_PATH);
	wb_bluez_gatt_app_register_async(b->app, ADAPTER_PATH, NULL, on_registered, &reg);
	while (!reg.done)
		g_main_context_iteration(NULL, TRUE);
	if (reg.error != NULL) {
		g_propagate_prefixed_error(error, reg.error, "RegisterApplication: ");
		return FALSE;
	}
	b->link = wb_link_ble_new(b->app, DEVICE_PATH, WATCH_ADDRESS);
	g_signal_connect(b->link, "received", G_CALLBACK(on_received), b);
	g_signal_connect(b->link, "closed", G_CALLBACK(on_closed), b);
	open_link(b);

	{
		g_autoptr(GVariant) r = call(b, "org.bluez", ADAPTER_PATH, "org.bluez.Adapter1",
					     "StartDiscovery", NULL, error);
		if (r == NULL)
			return FALSE;
	}
	for (guint i = 0; i < 250 && !found; i++) {
		g_autoptr(GVariant) r =
			call(b, "org.bluez", DEVICE_PATH, "org.freedesktop.DBus.Properties", "Get",
			     g_variant_new("(ss)", "org.bluez.Device1", "Address"), NULL);
		gboolean tick = FALSE;

		found = r != NULL;
		if (!found) {
			g_timeout_add(20, set_flag, &tick);
			spin_until(&tick, 1000);
		}
	}
	if (!found) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "the scan found no watch");
		return FALSE;
	}
	{
		g_autoptr(GVariant) r1 = call(b, "org.bluez", ADAPTER_PATH, "org.bluez.Adapter1",
					      "StopDiscovery", NULL, error);
		g_autoptr(GVariant) r2 = NULL;
		g_autoptr(GVariant) r3 = NULL;

		if (r1 == NULL)
			return FALSE;
		/* no agent registered: Just Works */
		r2 = call(b, "org.bluez", DEVICE_PATH, "org.bluez.Device1", "Pair", NULL, error);
		if (r2 == NULL)
			return FALSE;
		r3 = call(b, "org.bluez", DEVICE_PATH, "org.bluez.Device1", "Connect", NULL, error);
		if (r3 == NULL)
			return FALSE;
	}
	if (!spin_until(&b->open_done, SETUP_TIMEOUT_S * 1000)) {
		if (b->open_error != NULL)
			g_propagate_prefixed_error(error, g_steal_pointer(&b->open_error),
						   "opening the link: ");
		else
			g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
					    "the PPoGATT handshake did not complete");
		return FALSE;
	}
	return TRUE;
}

/* Runs the main loop until *@done; reopens the link after a session reset; fails after
 * @limit_s seconds. */
static gboolean
run_transfer(Bench *b, const gboolean *done, const gchar *what, guint limit_s, GError **error)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)limit_s * G_USEC_PER_SEC;
	gint64 next_report = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

	while (!*done && b->failure == NULL) {
		gboolean tick = FALSE;
		gint64 now = g_get_monotonic_time();

		if (now >= deadline) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
				    "%s did not complete within %u s", what, limit_s);
			return FALSE;
		}
		if (b->session_lost && !b->open_pending) {
			b->session_lost = FALSE;
			open_link(b);
		}
		if (b->verbose && now >= next_report) {
			next_report = now + 30 * G_USEC_PER_SEC;
			g_printerr("  %s: %u/%u batches confirmed, %" G_GUINT64_FORMAT
				   " bytes received, %u resets\n",
				   what, b->confirmed, b->n_batches, b->rx_done_bytes, b->resets);
		}
		g_timeout_add(1000, set_flag, &tick);
		spin_until(&tick, 2000);
	}
	if (b->failure != NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, b->failure);
		return FALSE;
	}
	return TRUE;
}

static gboolean
measure_to_watch(Bench *b, gsize size, guint limit_s, Direction *out, GError **error)
{
	LinkState before, after;
	WbPpogattStats stats_before, stats_after;
	gint64 t0;
	gsize tail;

	b->n_frames = (guint)((size + FRAME_BYTES - 1) / FRAME_BYTES);
	tail = size - (gsize)(b->n_frames - 1) * FRAME_BYTES;
	b->last_payload = tail > 4 ? tail - 4 : 1; /* a frame carries at least one byte */
	b->n_batches = (b->n_frames + BATCH_FRAMES - 1) / BATCH_FRAMES;
	b->next_batch = b->confirmed = 0;
	b->tx_done = FALSE;
	b->resets = 0;
	if (!link_state(b, &before, error))
		return FALSE;
	wb_link_ble_get_stats(WB_LINK_BLE(b->link), &stats_before);

	t0 = g_get_monotonic_time();
	send_batches(b);
	if (!run_transfer(b, &b->tx_done, "phone -> watch", limit_s, error))
		return FALSE;
	if (!link_state(b, &after, error))
		return FALSE;
	out->measured = TRUE;
	out->bytes = (guint64)(b->n_frames - 1) * FRAME_BYTES + b->last_payload + 4;
	out->seconds = (gdouble)(b->t_end - t0) / G_USEC_PER_SEC;
	/* the link's own counters: the packets go over bluetoothd's AcquireNotify socket */
	wb_link_ble_get_stats(WB_LINK_BLE(b->link), &stats_after);
	out->retransmits = stats_after.retransmits - stats_before.retransmits;
	out->data_packets = stats_after.packets_sent - stats_before.packets_sent - out->retransmits;
	out->lost_data = after.lost_to_watch - before.lost_to_watch;
	out->lost_acks = after.lost_to_phone - before.lost_to_phone;
	out->resets = b->resets;
	return TRUE;
}

static gboolean
measure_to_phone(Bench *b, gsize size, guint limit_s, Direction *out, GError **error)
{
	LinkState before, after;
	gint64 t0;

	b->rx_active = TRUE;
	b->rx_target = size;
	b->rx_done_bytes = 0;
	b->rx_done = FALSE;
	b->resets = 0;
	if (!link_state(b, &before, error))
		return FALSE;
	t0 = g_get_monotonic_time();
	request_screenshots(b);
	if (!run_transfer(b, &b->rx_done, "watch -> phone", limit_s, error))
		return FALSE;
	if (!link_state(b, &after, error))
		return FALSE;
	out->measured = TRUE;
	out->bytes = b->rx_done_bytes;
	out->seconds = (gdouble)(b->t_end - t0) / G_USEC_PER_SEC;
	out->retransmits = after.retransmits - before.retransmits;
	out->data_packets = after.packets_sent - before.packets_sent - out->retransmits;
	out->lost_data = after.lost_to_phone - before.lost_to_phone;
	out->lost_acks = after.lost_to_watch - before.lost_to_watch;
	out->resets = b->resets;
	return TRUE;
}

static void
bench_clear(Bench *b)
{
	if (b->link != NULL) {
		g_signal_handlers_disconnect_by_data(b->link, b);
		wb_link_close(b->link);
	}
	g_clear_object(&b->link);
	if (b->app != NULL)
		wb_bluez_gatt_app_unregister(b->app);
	g_clear_object(&b->app);
	if (b->bus != NULL)
		g_dbus_connection_close_sync(b->bus, NULL, NULL);
	g_clear_object(&b->bus);
	g_clear_pointer(&b->decoder, wb_frame_decoder_free);
	g_clear_error(&b->open_error);
	g_clear_pointer(&b->failure, g_free);
	/* the open callback may still be queued */
	while (g_main_context_iteration(NULL, FALSE))
		;
	stop_children();
}

static gboolean
run_config(const Config *cfg, gsize size, gboolean reverse, guint seed, guint limit_s,
	   gboolean verbose, Result *out, GError **error)
{
	Bench b = {.verbose = verbose};
	gboolean ok = FALSE;

	memset(out, 0, sizeof(*out));
	out->cfg = *cfg;
	b.decoder = wb_frame_decoder_new(0);
	if (!start_mock(&b, error))
		goto out;
	if (!connect_watch(&b, cfg, error))
		goto out;
	out->version = wb_link_ble_get_version(WB_LINK_BLE(b.link));
	out->tx_window = wb_link_ble_get_tx_window(WB_LINK_BLE(b.link));
	out->rx_window = wb_link_ble_get_rx_window(WB_LINK_BLE(b.link));
	out->payload = wb_link_ble_get_max_payload(WB_LINK_BLE(b.link));
	if (cfg->loss > 0 && !knob(&b, "SetLoss", g_variant_new("(du)", cfg->loss, seed), error))
		goto out;
	{
		LinkState st;

		if (!link_state(&b, &st, error))
			goto out;
		out->watch_tx_window = st.tx_window;
		out->watch_rx_window = st.rx_window;
	}
	if (!measure_to_watch(&b, size, limit_s, &out->to_watch, error))
		goto out;
	if (reverse && !measure_to_phone(&b, size, limit_s, &out->to_phone, error))
		goto out;
	ok = TRUE;
out:
	bench_clear(&b);
	return ok;
}

/* ---- output ------------------------------------------------------------------------------ */

/* §10.9: payload per Data packet = ATT MTU - 3 - 1; the model carries at most per_interval
 * packets per connection interval in each direction */
static gdouble
ceiling(const Config *cfg)
{
	return cfg->per_interval * (gdouble)(cfg->mtu - 4) * 1000.0 / INTERVAL_MS;
}

static void
print_table(const Result *results, guint n, gboolean to_phone)
{
	g_print("%s\n", to_phone
				? "watch -> phone (screenshots; the watch's Data, the phone's Acks)"
				: "phone -> watch (frames + final Ping; the phone's Data, the "
				  "watch's Acks)");
	g_print("  MTU  pkt/int  loss    bytes     seconds     bytes/s    ceiling  fraction"
		"  data pkts  retx  lost d/a  resets  win tx/rx\n");
	for (guint i = 0; i < n; i++) {
		const Result *r = &results[i];
		const Direction *d = to_phone ? &r->to_phone : &r->to_watch;
		gdouble rate = d->seconds > 0 ? d->bytes / d->seconds : 0;

		if (!d->measured)
			continue;
		/* windows: the sender's tx / the receiver's rx */
		g_print("  %3u  %7u  %3.0f%%  %8" G_GUINT64_FORMAT
			"  %10.2f  %10.0f  %9.0f  %7.1f%%"
			"  %9" G_GUINT64_FORMAT "  %4" G_GUINT64_FORMAT "  %4" G_GUINT64_FORMAT
			"/%-3" G_GUINT64_FORMAT "  %6u  %5u/%-3u\n",
			r->cfg.mtu, r->cfg.per_interval, r->cfg.loss, d->bytes, d->seconds, rate,
			ceiling(&r->cfg), 100.0 * rate / ceiling(&r->cfg), d->data_packets,
			d->retransmits, d->lost_data, d->lost_acks, d->resets,
			to_phone ? r->watch_tx_window : r->tx_window,
			to_phone ? r->rx_window : r->watch_rx_window);
	}
}

static void
json_direction(GString *s, const gchar *name, const Result *r, const Direction *d)
{
	gdouble rate = d->seconds > 0 ? d->bytes / d->seconds : 0;

	g_string_append_printf(s,
			       "\"%s\": {\"bytes\": %" G_GUINT64_FORMAT ", \"seconds\": %.3f, "
			       "\"bytes_per_second\": %.0f, \"fraction\": %.4f, \"data_packets\": "
			       "%" G_GUINT64_FORMAT ", \"retransmits\": %" G_GUINT64_FORMAT
			       ", \"lost_data\": %" G_GUINT64_FORMAT
			       ", \"lost_acks\": %" G_GUINT64_FORMAT ", \"resets\": %u}",
			       name, d->bytes, d->seconds, rate, rate / ceiling(&r->cfg),
			       d->data_packets, d->retransmits, d->lost_data, d->lost_acks,
			       d->resets);
}

static void
print_json(const Result *results, guint n)
{
	g_autoptr(GString) s = g_string_new("[\n");

	for (guint i = 0; i < n; i++) {
		const Result *r = &results[i];

		g_string_append_printf(
			s,
			"  {\"mtu\": %u, \"packets_per_interval\": %u, \"interval_ms\": %d, "
			"\"loss_percent\": %.1f, \"payload\": %zu, \"ceiling_bytes_per_second\": "
			"%.0f, "
			"\"version\": %u, \"phone_tx_window\": %u, \"phone_rx_window\": %u, "
			"\"watch_tx_window\": %u, \"watch_rx_window\": %u, ",
			r->cfg.mtu, r->cfg.per_interval, INTERVAL_MS, r->cfg.loss, r->payload,
			ceiling(&r->cfg), r->version, r->tx_window, r->rx_window,
			r->watch_tx_window, r->watch_rx_window);
		json_direction(s, "phone_to_watch", r, &r->to_watch);
		if (r->to_phone.measured) {
			g_string_append(s, ", ");
			json_direction(s, "watch_to_phone", r, &r->to_phone);
		}
		g_string_append_printf(s, "}%s\n", i + 1 < n ? "," : "");
	}
	g_string_append(s, "]\n");
	g_print("%s", s->str);
}

int
main(int argc, char **argv)
{
	gint64 size = 1024 * 1024;
	gboolean quick = FALSE, json = FALSE, no_reverse = FALSE, verbose = FALSE;
	gint only_mtu = 0, only_ppi = 0, seed = 1, limit_s = 30 * 60;
	gdouble only_loss = -1;
	GOptionEntry entries[] = {
		{"size", 0, 0, G_OPTION_ARG_INT64, &size, "Bytes per direction (1 MiB)", "BYTES"},
		{"quick", 0, 0, G_OPTION_ARG_NONE, &quick, "Only MTU 185, 4 packets, no loss",
		 NULL},
		{"json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON instead of a table", NULL},
		{"mtu", 0, 0, G_OPTION_ARG_INT, &only_mtu, "Only this ATT MTU", "N"},
		{"per-interval", 0, 0, G_OPTION_ARG_INT, &only_ppi, "Only this many packets", "N"},
		{"loss", 0, 0, G_OPTION_ARG_DOUBLE, &only_loss, "Only this loss", "PERCENT"},
		{"no-reverse", 0, 0, G_OPTION_ARG_NONE, &no_reverse, "Skip watch -> phone", NULL},
		{"seed", 0, 0, G_OPTION_ARG_INT, &seed, "The mock's loss seed (1)", "N"},
		{"limit", 0, 0, G_OPTION_ARG_INT, &limit_s, "Seconds per transfer (1800)", "S"},
		{"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Progress on stderr", NULL},
		{NULL},
	};
	static const guint mtus[] = {185, 247};
	static const guint ppis[] = {4, 6};
	static const gdouble losses[] = {0.0, 2.0};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- PPoGATT throughput on the mock");
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) configs = g_array_new(FALSE, FALSE, sizeof(Config));
	g_autofree Result *results = NULL;
	gint64 t_start = g_get_monotonic_time();

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("bench-ppogatt: %s\n", error->message);
		return 2;
	}
	if (size < 5 || limit_s <= 0) {
		g_printerr(
			"bench-ppogatt: --size needs at least 5 bytes, --limit a positive time\n");
		return 2;
	}
	for (guint l = 0; l < G_N_ELEMENTS(losses); l++) {
		for (guint m = 0; m < G_N_ELEMENTS(mtus); m++) {
			for (guint p = 0; p < G_N_ELEMENTS(ppis); p++) {
				Config c = {mtus[m], ppis[p], losses[l]};

				if (quick && (c.mtu != 185 || c.per_interval != 4 || c.loss > 0))
					continue;
				if ((only_mtu > 0 && c.mtu != (guint)only_mtu) ||
				    (only_ppi > 0 && c.per_interval != (guint)only_ppi) ||
				    (only_loss >= 0 && c.loss != only_loss))
					continue;
				g_array_append_val(configs, c);
			}
		}
	}
	if (configs->len == 0 && only_mtu > 0) {
		/* any other MTU / packet count / loss on its own */
		Config c = {(guint)only_mtu, only_ppi > 0 ? (guint)only_ppi : 4,
			    only_loss >= 0 ? only_loss : 0};
		g_array_append_val(configs, c);
	}
	if (configs->len == 0) {
		g_printerr("bench-ppogatt: no configuration matches\n");
		return 2;
	}

	atexit(stop_children);
	g_unix_signal_add(SIGINT, on_signal, NULL);
	g_unix_signal_add(SIGTERM, on_signal, NULL);

	results = g_new0(Result, configs->len);
	for (guint i = 0; i < configs->len; i++) {
		const Config *c = &g_array_index(configs, Config, i);

		if (verbose)
			g_printerr("MTU %u, %u packets per %d ms, %.0f%% loss\n", c->mtu,
				   c->per_interval, INTERVAL_MS, c->loss);
		if (!run_config(c, (gsize)size, !no_reverse, (guint)seed, (guint)limit_s, verbose,
				&results[i], &error)) {
			g_printerr(
				"bench-ppogatt: MTU %u, %u packets per interval, %.0f%% loss: %s\n",
				c->mtu, c->per_interval, c->loss, error->message);
			return 1;
		}
	}

	if (json) {
		print_json(results, configs->len);
		return 0;
	}
	g_print("bench-ppogatt: PPoGATT throughput, daemon (WbBluezGattApp + WbLinkBle) <-> "
		"wb-mock-bluez's simulated watch\n");
	g_print("  %" G_GINT64_FORMAT " bytes each way, %d ms connection interval; ceiling = "
		"packets per interval x (MTU - 4) / %d ms in the data direction;\n",
		size, INTERVAL_MS, INTERVAL_MS);
	g_print("  retransmission timeout 5 s at both ends, loss (seed %d) on both directions "
		"once the link is open; wall time %.0f s\n\n",
		seed, (g_get_monotonic_time() - t_start) / (gdouble)G_USEC_PER_SEC);
	print_table(results, configs->len, FALSE);
	if (!no_reverse) {
		g_print("\n");
		print_table(results, configs->len, TRUE);
	}
	g_print("\n  retx: Data packets sent again (go-back-N); lost d/a: packets the mock lost "
		"in the data / ack direction;\n  resets: PPoGATT sessions lost (the transfer "
		"resumed after the watch reopened); win: sender tx / receiver rx window\n");
	return 0;
}
