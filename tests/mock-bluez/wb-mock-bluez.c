/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * wb-mock-bluez: a mock BlueZ for tests. It owns org.bluez on the bus named by
 * DBUS_SYSTEM_BUS_ADDRESS and serves one adapter (hci0) with one simulated Pebble LE watch.
 * Once the daemon has registered its PPoGATT GATT application and the watch is connected and
 * paired, the mock plays the watch's GATT client against that application (reference §10.12
 * steps 8-9) and relays the PPoGATT stream to a WbSimWatch, so that the daemon talks to a
 * simulated watch exactly as to a real one. Knobs on org.wearbridge.MockBluez1 shape the
 * link. See docs/mock-bluez.md.
 */

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mock-bluez-gen.h"
#include "wb-mock-bluez-classic.h"
#include "wb-mock-bluez-pairing.h"
#include "wb-mock-bluez-reversed.h"
#include "wb-ppogatt.h"
#include "wb-sim-control.h"
#include "wb-sim-watch.h"

#define BLUEZ_NAME   "org.bluez"
#define CONTROL_NAME "org.wearbridge.MockBluez"
#define CONTROL_PATH "/org/wearbridge/mock"
#define BLUEZ_PATH   "/org/bluez"
#define ADAPTER_PATH "/org/bluez/hci0"
#define ADAPTER_ADDR "00:AA:01:00:00:01"
#define WATCH_ADDR   "B0:B4:48:57:34:56"
#define IFACE_CHR    "org.bluez.GattCharacteristic1"
#define IFACE_SVC    "org.bluez.GattService1"
#define IFACE_PROPS  "org.freedesktop.DBus.Properties"
#define IFACE_OM     "org.freedesktop.DBus.ObjectManager"

/* §10.2 */
#define UUID_PAIRING_SERVICE "0000fed9-0000-1000-8000-00805f9b34fb"
#define UUID_CONNECTIVITY    "00000001-328e-0fbb-c642-1aa6699bdada"
#define UUID_PAIRING_TRIGGER "00000002-328e-0fbb-c642-1aa6699bdada"
#define UUID_PPOGATT_SERVICE "10000000-328e-0fbb-c642-1aa6699bdada"
#define UUID_PPOGATT_DATA    "10000001-328e-0fbb-c642-1aa6699bdada"
#define UUID_PPOGATT_META    "10000002-328e-0fbb-c642-1aa6699bdada"

/* §10.3: Pebble Technology's company identifier in the scan response */
#define PEBBLE_COMPANY_ID 0x0154
/* §10.8: CFW retries a failed meta read 3 times, 500 ms apart */
#define META_TRIES    4
#define META_RETRY_MS 500
/* How long a scan takes to see the advertising watch */
#define DISCOVERY_DELAY_MS 100
/* The connection latency of the simulated radio (pairing: wb-mock-bluez-pairing.c) */
#define CONNECT_DELAY_MS 20
/* The default ATT MTU of the link: what a Pebble Time and BlueZ agree on (§10.6) */
#define DEFAULT_MTU     185
#define DBUS_TIMEOUT_MS 10000

typedef struct _Mock Mock;

/* One direction of the simulated radio: packets wait here for their connection-interval slot
 * plus the configured delay, in order */
typedef struct {
	GQueue queue; /* of Packet */
	guint timer;
	gint64 slot_start;
	guint slot_count;
	void (*deliver)(Mock *m, GBytes *packet);
} Pipe;

typedef struct {
	gint64 due;
	GBytes *bytes;
} Packet;

/* The daemon's registered GATT application */
typedef struct {
	gchar *owner;
	gchar *path;
	gchar *data_path;
	gchar *meta_path;
	gboolean data_notify_acquired;
	gboolean data_write_acquired;
	guint props_sub;
} App;

/* The watch's GATT client session against the app: lives while connected */
typedef struct {
	GCancellable *cancellable;
	WbPpogatt *ppo;
	guint meta_tries;
	guint meta_timer;
	gboolean notifying;
	gboolean started_notify; /* StartNotify (not AcquireNotify) was used */
	GSocket *notify_sock;
	GSource *notify_source;
	GSocket *write_sock;
	gboolean write_acquiring;
	GQueue pending_writes; /* of GBytes, while AcquireWrite is under way */
	guint8 version;
	WbMockReversedVariant reversed; /* NONE: normal mode, against the phone's app */
	guint64 to_phone_lost;
	guint64 to_watch_lost;
} Link;

struct _Mock {
	GMainLoop *loop;
	GDBusConnection *conn;
	guint bluez_owner;
	guint control_owner;
	gboolean vanished;
	GDBusObjectManagerServer *om;
	MockBluezControl1 *control;

	MockBluezAgentManager1 *agent_manager;
	MockBluezAdapter1 *adapter;
	MockBluezGattManager1 *gatt_manager;

	gchar *device_path;
	MockBluezObjectSkeleton *device_obj;
	MockBluezDevice1 *device;
	gchar *svc_path;
	gchar *status_path;
	gchar *trigger_path;
	MockBluezGattCharacteristic1 *status_chr;
	MockBluezGattCharacteristic1 *trigger_chr;
	guint discovery_timer;
	gboolean device_visible;

	gchar *agent_owner;
	gchar *agent_path;
	MockPairing pairing;
	guint8 last_pairing_result;

	App *app;
	Link *link;
	WbMockReversed *rev;    /* the watch-hosted PPoGATT services */
	WbMockClassic *classic; /* the BR/EDR watch and ProfileManager1 */
	Pipe to_phone;
	Pipe to_watch;

	WbSimIdentity identity;
	WbSimWatch *watch;
	guint timer;
	gint64 timer_deadline;
	gboolean pumping;
	guint drop_idle;

	/* knobs */
	guint16 mtu;
	gdouble loss_percent;
	guint32 rng;
	guint delay_ms;
	guint per_interval;
	guint interval_ms;
	guint retransmit_ms;
	gboolean reject_pairing;
	gboolean watch_forgot_bond; /* ForgetBond(): BlueZ still has the keys, the watch does not */
};

static void link_stop(Mock *m, const gchar *reason);
static void set_connected(Mock *m, gboolean connected);
static void link_pump(Mock *m);
static void maybe_start_link(Mock *m);
static void rearm_timer(Mock *m);

/* ------------------------------------------------------------------ helpers */

static gint64
now_us(void)
{
	return g_get_monotonic_time();
}

static guint32
rng_next(Mock *m)
{
	/* xorshift32: deterministic loss for a given seed */
	guint32 x = m->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	m->rng = x != 0 ? x : 0x9e3779b9u;
	return m->rng;
}

static gboolean
roll_loss(Mock *m)
{
	if (m->loss_percent <= 0.0)
		return FALSE;
	return (rng_next(m) % 1000000u) < (guint32)(m->loss_percent * 10000.0);
}

static GVariant *
bytes_variant(const guint8 *data, gsize len)
{
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1);
}

/* The options bluetoothd passes to a GATT application's methods (test-infra.md §3) */
static GVariant *
server_options(Mock *m, gboolean command)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	if (m->device_path != NULL)
		g_variant_builder_add(&b, "{sv}", "device",
				      g_variant_new_object_path(m->device_path));
	g_variant_builder_add(&b, "{sv}", "mtu", g_variant_new_uint16(m->mtu));
	g_variant_builder_add(&b, "{sv}", "link", g_variant_new_string("LE"));
	if (command)
		g_variant_builder_add(&b, "{sv}", "type", g_variant_new_string("command"));
	return g_variant_builder_end(&b);
}

static gsize
max_payload(Mock *m)
{
	/* §10.9: ATT MTU - 3 (ATT header) - 1 (PPoGATT header) */
	gsize p = m->mtu > 4 ? (gsize)m->mtu - 4 : 1;

	return MIN(p, (gsize)WB_PPOGATT_MAX_PAYLOAD);
}

static gboolean
device_connected(Mock *m)
{
	return m->device != NULL && mock_bluez_device1_get_connected(m->device);
}

static gboolean
device_paired(Mock *m)
{
	return m->device != NULL && mock_bluez_device1_get_paired(m->device);
}

/* ------------------------------------------------------------------ the radio */

static void pipe_schedule(Mock *m, Pipe *p);

static void
packet_free(gpointer data)
{
	Packet *pkt = data;

	g_bytes_unref(pkt->bytes);
	g_free(pkt);
}

static void
pipe_clear(Pipe *p)
{
	g_clear_handle_id(&p->timer, g_source_remove);
	g_queue_clear_full(&p->queue, packet_free);
	p->slot_start = 0;
	p->slot_count = 0;
}

typedef struct {
	Mock *m;
	Pipe *p;
} PipeTimer;

static gboolean
pipe_timer_cb(gpointer user_data)
{
	PipeTimer *pt = user_data;
	Mock *m = pt->m;
	Pipe *p = pt->p;
	gint64 now = now_us();

	p->timer = 0;
	while (!g_queue_is_empty(&p->queue)) {
		Packet *pkt = g_queue_peek_head(&p->queue);

		if (pkt->due > now)
			break;
		g_queue_pop_head(&p->queue);
		p->deliver(m, pkt->bytes);
		packet_free(pkt);
		if (p->timer != 0 || m->link == NULL)
			break;
	}
	pipe_schedule(m, p);
	return G_SOURCE_REMOVE;
}

static void
pipe_schedule(Mock *m, Pipe *p)
{
	Packet *head = g_queue_peek_head(&p->queue);
	PipeTimer *pt;
	gint64 now;

	if (p->timer != 0 || head == NULL)
		return;
	now = now_us();
	pt = g_new(PipeTimer, 1);
	pt->m = m;
	pt->p = p;
	p->timer = g_timeout_add_full(G_PRIORITY_DEFAULT,
				      head->due > now ? (guint)((head->due - now + 999) / 1000) : 0,
				      pipe_timer_cb, pt, g_free);
}

/* Queues @bytes for delivery, or loses it. Transfer none. */
static void
pipe_push(Mock *m, Pipe *p, GBytes *bytes, guint64 *lost)
{
	gint64 now = now_us();
	gint64 slot = now;
	Packet *tail = g_queue_peek_tail(&p->queue);
	Packet *pkt;

	if (roll_loss(m)) {
		(*lost)++;
		return;
	}
	if (m->per_interval > 0 && m->interval_ms > 0) {
		/* at most per_interval packets per connection interval in each direction */
		gint64 interval = (gint64)m->interval_ms * 1000;

		if (p->slot_start + interval <= now && p->slot_start <= now) {
			p->slot_start = now;
			p->slot_count = 0;
		}
		if (p->slot_count >= m->per_interval) {
			p->slot_start += interval;
			p->slot_count = 0;
		}
		p->slot_count++;
		slot = MAX(now, p->slot_start);
	}
	pkt = g_new(Packet, 1);
	pkt->due = slot + (gint64)m->delay_ms * 1000;
	if (tail != NULL && tail->due > pkt->due)
		pkt->due = tail->due;
	pkt->bytes = g_bytes_ref(bytes);
	if (m->delay_ms == 0 && m->per_interval == 0 && g_queue_is_empty(&p->queue) &&
	    p == &m->to_watch && !m->pumping) {
		/* no shaping: deliver now */
		packet_free(pkt);
		p->deliver(m, bytes);
		return;
	}
	g_queue_push_tail(&p->queue, pkt);
	pipe_schedule(m, p);
}

/* ------------------------------------------------------------------ to the daemon */

static void
write_value_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

	if (ret == NULL && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		g_message("mock-bluez: WriteValue on the daemon's data characteristic: %s",
			  error->message);
}

static void
send_on_write_sock(Mock *m, GBytes *bytes)
{
	Link *l = m->link;
	g_autoptr(GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	if (g_socket_send(l->write_sock, (const gchar *)data, len, NULL, &error) < 0)
		g_message("mock-bluez: AcquireWrite socket: %s", error->message);
}

static void
acquire_write_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	Mock *m = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GUnixFDList) fds = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_with_unix_fd_list_finish(
		G_DBUS_CONNECTION(source), &fds, res, &error);
	Link *l;
	GBytes *b;
	gint32 handle;
	guint16 mtu;
	gint fd;

	if (ret == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	l = m->link;
	l->write_acquiring = FALSE;
	if (ret != NULL) {
		g_variant_get(ret, "(hq)", &handle, &mtu);
		fd = fds != NULL ? g_unix_fd_list_get(fds, handle, &error) : -1;
		if (fd >= 0) {
			l->write_sock = g_socket_new_from_fd(fd, &error);
			if (l->write_sock == NULL)
				close(fd);
		}
	}
	if (l->write_sock == NULL) {
		/* fall back to WriteValue, as bluetoothd does when AcquireWrite fails */
		g_message("mock-bluez: AcquireWrite failed (%s), using WriteValue",
			  error != NULL ? error->message : "no fd");
		m->app->data_write_acquired = FALSE;
	}
	while ((b = g_queue_pop_head(&l->pending_writes)) != NULL) {
		if (l->write_sock != NULL)
			send_on_write_sock(m, b);
		else
			g_dbus_connection_call(
				m->conn, m->app->owner, m->app->data_path, IFACE_CHR, "WriteValue",
				g_variant_new("(@ay@a{sv})",
					      bytes_variant(g_bytes_get_data(b, NULL),
							    g_bytes_get_size(b)),
					      server_options(m, TRUE)),
				NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, l->cancellable,
				write_value_done, m);
		g_bytes_unref(b);
	}
}

/* Pipe delivery: one PPoGATT packet from the watch reaches the daemon's data characteristic
 * (a Write Without Response, §10.9) */
static void
deliver_to_phone(Mock *m, GBytes *bytes)
{
	Link *l = m->link;
	gsize len;
	const guint8 *data;

	if (l != NULL && l->reversed != WB_MOCK_REVERSED_NONE) {
		/* reversed modes: a notification on the watch's own characteristic */
		wb_mock_reversed_notify(m->rev, bytes);
		return;
	}
	if (l == NULL || m->app == NULL)
		return;
	if (l->write_sock != NULL) {
		send_on_write_sock(m, bytes);
		return;
	}
	if (m->app->data_write_acquired) {
		/* bluetoothd acquires lazily, at the first write of the ATT client */
		g_queue_push_tail(&l->pending_writes, g_bytes_ref(bytes));
		if (!l->write_acquiring) {
			l->write_acquiring = TRUE;
			g_dbus_connection_call_with_unix_fd_list(
				m->conn, m->app->owner, m->app->data_path, IFACE_CHR,
				"AcquireWrite", g_variant_new("(@a{sv})", server_options(m, FALSE)),
				G_VARIANT_TYPE("(hq)"), G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS,
				NULL, l->cancellable, acquire_write_done, m);
		}
		return;
	}
	data = g_bytes_get_data(bytes, &len);
	g_dbus_connection_call(
		m->conn, m->app->owner, m->app->data_path, IFACE_CHR, "WriteValue",
		g_variant_new("(@ay@a{sv})", bytes_variant(data, len), server_options(m, TRUE)),
		NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, l->cancellable, write_value_done, m);
}

/* Pipe delivery: one packet from the daemon reaches the watch */
static void
deliver_to_watch(Mock *m, GBytes *bytes)
{
	g_autoptr(GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	if (m->link == NULL || m->link->ppo == NULL)
		return;
	if (!wb_ppogatt_receive(m->link->ppo, data, len, now_us(), &error))
		g_message("mock-bluez: bad PPoGATT packet from the daemon: %s", error->message);
	link_pump(m);
}

/* ------------------------------------------------------------------ the watch */

static void
watch_send_frame(const guint8 *frame, gsize len, gpointer user_data)
{
	Mock *m = user_data;

	if (m->link == NULL || m->link->ppo == NULL ||
	    wb_ppogatt_get_state(m->link->ppo) != WB_PPOGATT_STATE_OPEN) {
		g_debug("mock-bluez: frame of %" G_GSIZE_FORMAT " bytes while not linked, dropped",
			len);
		return;
	}
	if (!wb_ppogatt_write(m->link->ppo, frame, len))
		g_message("mock-bluez: PPoGATT queue full, watch frame dropped");
	/* the caller pumps (feed, connected, tick, control) */
}

static gboolean
drop_idle_cb(gpointer user_data)
{
	Mock *m = user_data;

	m->drop_idle = 0;
	set_connected(m, FALSE);
	return G_SOURCE_REMOVE;
}

static void
watch_drop_link(const gchar *reason, gpointer user_data)
{
	Mock *m = user_data;

	g_message("mock-bluez: the watch drops the link: %s", reason);
	if (m->drop_idle == 0)
		m->drop_idle = g_idle_add(drop_idle_cb, m);
}

static void
watch_print(const gchar *line, gpointer user_data)
{
	g_debug("watch: %s", line);
}

/* ------------------------------------------------------------------ the PPoGATT link */

static void
link_pump(Mock *m)
{
	Link *l = m->link;
	gint64 now = now_us();
	GBytes *pkt;
	guint8 buf[2048];

	if (l == NULL || l->ppo == NULL || m->pumping)
		return;
	m->pumping = TRUE;
	for (;;) {
		guint ev = wb_ppogatt_take_events(l->ppo);
		gsize n;
		gboolean more = FALSE;

		if (ev & WB_PPOGATT_EVENT_RESET)
			wb_sim_watch_disconnected(m->watch, now);
		if (ev & WB_PPOGATT_EVENT_OPENED) {
			g_message("mock-bluez: PPoGATT open (v%u, tx window %u, rx window %u)",
				  wb_ppogatt_get_version(l->ppo), wb_ppogatt_get_tx_window(l->ppo),
				  wb_ppogatt_get_rx_window(l->ppo));
			wb_sim_watch_connected(m->watch, now);
			more = TRUE;
		}
		if (ev & WB_PPOGATT_EVENT_FAILED) {
			watch_drop_link("PPoGATT resets did not complete", m);
			break;
		}
		while ((n = wb_ppogatt_read(l->ppo, buf, sizeof(buf))) > 0) {
			wb_sim_watch_feed(m->watch, buf, n, now);
			more = TRUE;
		}
		if (!more)
			break;
	}
	while ((pkt = wb_ppogatt_pop_tx(l->ppo, now)) != NULL) {
		pipe_push(m, &m->to_phone, pkt, &l->to_phone_lost);
		g_bytes_unref(pkt);
	}
	m->pumping = FALSE;
	/* deliveries held back while pumping */
	pipe_schedule(m, &m->to_watch);
	rearm_timer(m);
}

static gboolean
on_timer(gpointer user_data)
{
	Mock *m = user_data;
	gint64 now = now_us();

	m->timer = 0;
	m->timer_deadline = -1;
	if (m->link != NULL && m->link->ppo != NULL)
		wb_ppogatt_tick(m->link->ppo, now);
	wb_sim_watch_tick(m->watch, now);
	if (m->link != NULL && m->link->ppo != NULL)
		link_pump(m);
	else
		rearm_timer(m);
	return G_SOURCE_REMOVE;
}

/* One timer for the earliest of the PPoGATT and watch deadlines, none while nothing is due */
static void
rearm_timer(Mock *m)
{
	gint64 deadline = wb_sim_watch_get_next_deadline(m->watch);
	gint64 now;

	if (m->link != NULL && m->link->ppo != NULL) {
		gint64 d = wb_ppogatt_next_deadline(m->link->ppo);

		if (d != G_MAXINT64 && (deadline < 0 || d < deadline))
			deadline = d;
	}
	if (m->timer != 0 && deadline == m->timer_deadline)
		return;
	g_clear_handle_id(&m->timer, g_source_remove);
	m->timer_deadline = deadline;
	if (deadline < 0)
		return;
	now = now_us();
	m->timer = g_timeout_add_full(G_PRIORITY_DEFAULT,
				      deadline > now ? (guint)((deadline - now + 999) / 1000) : 0,
				      on_timer, m, NULL);
}

static void
link_stop(Mock *m, const gchar *reason)
{
	Link *l = m->link;
	GBytes *b;

	if (l == NULL)
		return;
	g_message("mock-bluez: watch GATT client stops: %s", reason);
	m->link = NULL;
	g_cancellable_cancel(l->cancellable);
	if (l->started_notify && m->app != NULL && !m->vanished)
		/* bluetoothd calls StopNotify when the last subscriber goes away */
		g_dbus_connection_call(m->conn, m->app->owner, m->app->data_path, IFACE_CHR,
				       "StopNotify", NULL, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
				       DBUS_TIMEOUT_MS, NULL, NULL, NULL);
	g_clear_handle_id(&l->meta_timer, g_source_remove);
	if (l->notify_source != NULL) {
		g_source_destroy(l->notify_source);
		g_clear_pointer(&l->notify_source, g_source_unref);
	}
	if (l->notify_sock != NULL)
		g_socket_close(l->notify_sock, NULL);
	g_clear_object(&l->notify_sock);
	if (l->write_sock != NULL)
		g_socket_close(l->write_sock, NULL);
	g_clear_object(&l->write_sock);
	while ((b = g_queue_pop_head(&l->pending_writes)) != NULL)
		g_bytes_unref(b);
	g_clear_pointer(&l->ppo, wb_ppogatt_free);
	g_clear_object(&l->cancellable);
	g_free(l);
	pipe_clear(&m->to_phone);
	pipe_clear(&m->to_watch);
	wb_sim_watch_disconnected(m->watch, now_us());
	rearm_timer(m);
}

/* §10.10 step 1: meta read, subscription done; the watch resets and sends its Reset Request */
static void
link_open(Mock *m)
{
	Link *l = m->link;
	WbPpogattConfig config;
	const gchar *serial = m->identity.serial;

	wb_ppogatt_config_init(&config, WB_PPOGATT_ROLE_WATCH);
	/* reversed modes: as a CFW watch, wait for the phone's Reset Request (§10.13, §10.14) */
	config.initiator = l->reversed == WB_MOCK_REVERSED_NONE;
	config.version = l->version;
	config.max_payload = max_payload(m);
	if (m->retransmit_ms > 0)
		config.retransmit_timeout_us = (gint64)m->retransmit_ms * 1000;
	config.has_serial = TRUE;
	memset(config.serial, 0, sizeof(config.serial));
	memcpy(config.serial, serial, MIN(strlen(serial), sizeof(config.serial)));
	l->ppo = wb_ppogatt_new(&config);
	wb_ppogatt_start(l->ppo, now_us());
	link_pump(m);
}

static gboolean
notify_sock_readable(GSocket *socket, GIOCondition cond, gpointer user_data)
{
	Mock *m = user_data;
	Link *l = m->link;
	guint8 buf[WB_PPOGATT_MAX_PACKET + 16];

	for (;;) {
		g_autoptr(GError) error = NULL;
		gssize n = g_socket_receive(socket, (gchar *)buf, sizeof(buf), NULL, &error);

		if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			return G_SOURCE_CONTINUE;
		if (n <= 0) {
			/* the daemon closed its notify fd: as a CCC unsubscribe */
			g_message("mock-bluez: AcquireNotify socket closed by the daemon");
			l->notifying = FALSE;
			g_clear_pointer(&l->notify_source, g_source_unref);
			return G_SOURCE_REMOVE;
		}
		{
			g_autoptr(GBytes) b = g_bytes_new(buf, (gsize)n);

			pipe_push(m, &m->to_watch, b, &l->to_watch_lost);
		}
		if (m->link != l)
			return G_SOURCE_REMOVE;
	}
}

static void
acquire_notify_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	Mock *m = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GUnixFDList) fds = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_with_unix_fd_list_finish(
		G_DBUS_CONNECTION(source), &fds, res, &error);
	Link *l;
	gint32 handle;
	guint16 mtu;
	gint fd = -1;

	if (ret == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	l = m->link;
	if (ret != NULL) {
		g_variant_get(ret, "(hq)", &handle, &mtu);
		fd = fds != NULL ? g_unix_fd_list_get(fds, handle, &error) : -1;
	}
	if (fd >= 0)
		l->notify_sock = g_socket_new_from_fd(fd, &error);
	if (l->notify_sock == NULL) {
		if (fd >= 0)
			close(fd);
		g_message("mock-bluez: AcquireNotify on the daemon's data characteristic: %s",
			  error != NULL ? error->message : "no fd");
		return;
	}
	g_socket_set_blocking(l->notify_sock, FALSE);
	l->notify_source = g_socket_create_source(l->notify_sock, G_IO_IN | G_IO_HUP, NULL);
	g_source_set_callback(l->notify_source, G_SOURCE_FUNC(notify_sock_readable), m, NULL);
	g_source_attach(l->notify_source, NULL);
	l->notifying = TRUE;
	link_open(m);
}

static void
start_notify_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	Mock *m = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

	if (ret == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (ret == NULL) {
		g_message("mock-bluez: StartNotify on the daemon's data characteristic: %s",
			  error->message);
		return;
	}
	m->link->notifying = TRUE;
	m->link->started_notify = TRUE;
	link_open(m);
}

static void read_meta(Mock *m);

static gboolean
meta_retry_cb(gpointer user_data)
{
	Mock *m = user_data;

	m->link->meta_timer = 0;
	read_meta(m);
	return G_SOURCE_REMOVE;
}

/* §10.8: checks the meta value; returns the version to use, or -1 */
static gint
check_meta(const guint8 *v, gsize len, GString *why)
{
	gboolean all_ff = TRUE;

	if (len < 18) {
		g_string_printf(why, "%" G_GSIZE_FORMAT " bytes, fewer than 18", len);
		return -1;
	}
	if (v[0] > WB_PPOGATT_MAX_VERSION) {
		g_string_printf(why, "min_version %u > 1", v[0]);
		return -1;
	}
	for (guint i = 2; i < 18; i++)
		all_ff = all_ff && v[i] == 0xff;
	if (all_ff) {
		g_string_assign(why, "app UUID all FF");
		return -1;
	}
	if (len >= 19 && v[18] >= 2) {
		g_string_printf(why, "session type %u", v[18]);
		return -1;
	}
	return MIN(v[1], WB_PPOGATT_MAX_VERSION);
}

static void
read_meta_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	Mock *m = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
	g_autoptr(GVariant) value = NULL;
	g_autoptr(GString) why = g_string_new(NULL);
	Link *l;
	const guint8 *v;
	gsize len;
	gint version;

	if (ret == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	l = m->link;
	if (ret == NULL) {
		g_message("mock-bluez: meta read failed: %s", error->message);
		if (++l->meta_tries < META_TRIES)
			l->meta_timer = g_timeout_add(META_RETRY_MS, meta_retry_cb, m);
		return;
	}
	value = g_variant_get_child_value(ret, 0);
	v = g_variant_get_fixed_array(value, &len, 1);
	version = check_meta(v, len, why);
	if (version < 0) {
		/* the watch rejects this server and drops its client (§10.8) */
		g_message("mock-bluez: the watch rejects the daemon's meta: %s", why->str);
		return;
	}
	l->version = (guint8)version;
	if (m->app->data_notify_acquired)
		g_dbus_connection_call_with_unix_fd_list(
			m->conn, m->app->owner, m->app->data_path, IFACE_CHR, "AcquireNotify",
			g_variant_new("(@a{sv})", server_options(m, FALSE)), G_VARIANT_TYPE("(hq)"),
			G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, NULL, l->cancellable,
			acquire_notify_done, m);
	else
		g_dbus_connection_call(m->conn, m->app->owner, m->app->data_path, IFACE_CHR,
				       "StartNotify", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
				       DBUS_TIMEOUT_MS, l->cancellable, start_notify_done, m);
}

static void
read_meta(Mock *m)
{
	g_dbus_connection_call(m->conn, m->app->owner, m->app->meta_path, IFACE_CHR, "ReadValue",
			       g_variant_new("(@a{sv})", server_options(m, FALSE)),
			       G_VARIANT_TYPE("(ay)"), G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS,
			       m->link->cancellable, read_meta_done, m);
}

/* §10.12 step 8: on a connected, bonded link the watch's kernel LE client finds the phone's
 * PPoGATT service, reads meta and subscribes */
static void
maybe_start_link(Mock *m)
{
	if ((m->link != NULL && m->link->reversed == WB_MOCK_REVERSED_NONE) || m->vanished ||
	    m->app == NULL || m->app->data_path == NULL || m->app->meta_path == NULL ||
	    !device_connected(m) || !device_paired(m) || !wb_mock_reversed_normal_allowed(m->rev))
		return;
	/* a watch that lost the bond does not talk to us over the (unencrypted) link */
	if (m->watch_forgot_bond)
		return;
	/* one PPoGATT session at a time: the most recent wins (§11, last bullet) */
	link_stop(m, "normal mode starts");
	m->link = g_new0(Link, 1);
	m->link->cancellable = g_cancellable_new();
	g_queue_init(&m->link->pending_writes);
	g_message("mock-bluez: watch GATT client starts against %s%s", m->app->owner, m->app->path);
	read_meta(m);
}

/* The phone subscribed to the watch's reversed data characteristic: the watch's PPoGATT
 * waits for its Reset Request (wb-mock-bluez-reversed.c) */
static void
reversed_subscribed(WbMockReversedVariant variant, gpointer user_data)
{
	Mock *m = user_data;

	/* one PPoGATT session at a time: the most recent wins (§11, last bullet) */
	link_stop(m, "reversed mode starts");
	m->link = g_new0(Link, 1);
	m->link->cancellable = g_cancellable_new();
	g_queue_init(&m->link->pending_writes);
	m->link->reversed = variant;
	m->link->notifying = TRUE;
	m->link->version = 1; /* §10.13: CFW always uses v1 */
	link_open(m);
}

static void
reversed_unsubscribed(gpointer user_data)
{
	Mock *m = user_data;

	if (m->link != NULL && m->link->reversed != WB_MOCK_REVERSED_NONE)
		link_stop(m, "the phone unsubscribed");
}

static void
reversed_written(GBytes *packet, gpointer user_data)
{
	Mock *m = user_data;

	if (m->link != NULL && m->link->reversed != WB_MOCK_REVERSED_NONE)
		pipe_push(m, &m->to_watch, packet, &m->link->to_watch_lost);
}

static const WbMockReversedHost reversed_host = {
	.subscribed = reversed_subscribed,
	.unsubscribed = reversed_unsubscribed,
	.written = reversed_written,
};

/* ------------------------------------------------------------------ the watch's GATT objects */

static void
update_status(Mock *m)
{
	guint8 v[4] = {0};

	if (m->status_chr == NULL)
		return;
	/* §10.4: connected, bonded, encrypted, has_bonded_gateway, supports pinning */
	v[0] = 0x01 | 0x10;
	if (device_paired(m) && !m->watch_forgot_bond)
		v[0] |= 0x02 | 0x04 | 0x08;
	v[3] = m->last_pairing_result;
	mock_bluez_gatt_characteristic1_set_value(m->status_chr, bytes_variant(v, sizeof(v)));
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(m->status_chr));
}

static void
watch_security_request(Mock *m)
{
	if (device_paired(m) || m->pairing.active)
		return;
	g_message("mock-bluez: the watch asks for security");
	/* the watch's Security Request (§10.5): bluetoothd pairs through the agent */
	mock_pairing_start(&m->pairing, NULL);
}

static gboolean
on_chr_read(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv, GVariant *options,
	    gpointer user_data)
{
	Mock *m = user_data;
	GVariant *v = mock_bluez_gatt_characteristic1_get_value(chr);

	/* §10.5: reading the trigger starts pairing with default flags */
	if (chr == m->trigger_chr)
		watch_security_request(m);

	mock_bluez_gatt_characteristic1_complete_read_value(chr, inv,
							    v != NULL ? v : bytes_variant(NULL, 0));
	return TRUE;
}

static gboolean
on_chr_write(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv, GVariant *value,
	     GVariant *options, gpointer user_data)
{
	Mock *m = user_data;
	gsize len;
	const guint8 *v = g_variant_get_fixed_array(value, &len, 1);

	if (chr != m->trigger_chr) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotPermitted",
							   "Write not permitted");
		return TRUE;
	}
	if (len != 1) {
		g_dbus_method_invocation_return_dbus_error(
			inv, "org.bluez.Error.InvalidValueLength", "Invalid Length");
		return TRUE;
	}
	g_message("mock-bluez: pairing trigger written: 0x%02x", v[0]);
	mock_bluez_gatt_characteristic1_set_value(chr, bytes_variant(v, len));
	mock_bluez_gatt_characteristic1_complete_write_value(chr, inv);
	/* §10.5: unless bit 1 says the phone will bond itself, the watch sends a Security
	 * Request, and bluetoothd pairs through the agent */
	if (!(v[0] & 0x02))
		watch_security_request(m);
	return TRUE;
}

static gboolean
on_chr_start_notify(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv,
		    gpointer user_data)
{
	Mock *m = user_data;

	if (chr != m->status_chr) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotSupported",
							   "Notify not supported");
		return TRUE;
	}
	mock_bluez_gatt_characteristic1_set_notifying(chr, TRUE);
	mock_bluez_gatt_characteristic1_complete_start_notify(chr, inv);
	return TRUE;
}

static gboolean
on_chr_stop_notify(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv,
		   gpointer user_data)
{
	mock_bluez_gatt_characteristic1_set_notifying(chr, FALSE);
	mock_bluez_gatt_characteristic1_complete_stop_notify(chr, inv);
	return TRUE;
}

static MockBluezGattCharacteristic1 *
add_chr(Mock *m, const gchar *path, const gchar *uuid, guint16 handle, const gchar *const *flags)
{
	g_autoptr(MockBluezObjectSkeleton) obj = mock_bluez_object_skeleton_new(path);
	g_autoptr(MockBluezGattCharacteristic1) chr =
		mock_bluez_gatt_characteristic1_skeleton_new();

	mock_bluez_gatt_characteristic1_set_uuid(chr, uuid);
	mock_bluez_gatt_characteristic1_set_service(chr, m->svc_path);
	mock_bluez_gatt_characteristic1_set_value(chr, bytes_variant(NULL, 0));
	mock_bluez_gatt_characteristic1_set_notifying(chr, FALSE);
	mock_bluez_gatt_characteristic1_set_flags(chr, flags);
	mock_bluez_gatt_characteristic1_set_handle(chr, handle);
	mock_bluez_gatt_characteristic1_set_mtu(chr, m->mtu);
	g_signal_connect(chr, "handle-read-value", G_CALLBACK(on_chr_read), m);
	g_signal_connect(chr, "handle-write-value", G_CALLBACK(on_chr_write), m);
	g_signal_connect(chr, "handle-start-notify", G_CALLBACK(on_chr_start_notify), m);
	g_signal_connect(chr, "handle-stop-notify", G_CALLBACK(on_chr_stop_notify), m);
	mock_bluez_object_skeleton_set_gatt_characteristic1(obj, chr);
	g_dbus_object_manager_server_export(m->om, G_DBUS_OBJECT_SKELETON(obj));
	return g_steal_pointer(&chr);
}

/* Service discovery on connect: the watch's Pebble Pairing Service (§10.2) */
static void
add_gatt_objects(Mock *m)
{
	static const gchar *const status_flags[] = {"read", "notify", NULL};
	static const gchar *const trigger_flags[] = {"read", "write", NULL};
	g_autoptr(MockBluezObjectSkeleton) obj = NULL;
	g_autoptr(MockBluezGattService1) svc = NULL;

	if (m->svc_path != NULL)
		return;
	m->svc_path = g_strdup_printf("%s/service000c", m->device_path);
	m->status_path = g_strdup_printf("%s/char000d", m->svc_path);
	m->trigger_path = g_strdup_printf("%s/char0010", m->svc_path);
	obj = mock_bluez_object_skeleton_new(m->svc_path);
	svc = mock_bluez_gatt_service1_skeleton_new();
	mock_bluez_gatt_service1_set_uuid(svc, UUID_PAIRING_SERVICE);
	mock_bluez_gatt_service1_set_primary(svc, TRUE);
	mock_bluez_gatt_service1_set_device(svc, m->device_path);
	mock_bluez_gatt_service1_set_includes(svc, (const gchar *const[]){NULL});
	mock_bluez_gatt_service1_set_handle(svc, 0x000c);
	mock_bluez_object_skeleton_set_gatt_service1(obj, svc);
	g_dbus_object_manager_server_export(m->om, G_DBUS_OBJECT_SKELETON(obj));
	m->status_chr = add_chr(m, m->status_path, UUID_CONNECTIVITY, 0x000d, status_flags);
	m->trigger_chr = add_chr(m, m->trigger_path, UUID_PAIRING_TRIGGER, 0x0010, trigger_flags);
	mock_bluez_gatt_characteristic1_set_value(m->trigger_chr, bytes_variant((guint8[]){0}, 1));
	update_status(m);
	wb_mock_reversed_add_objects(m->rev, m->device_path, m->mtu);
}

static void
remove_gatt_objects(Mock *m)
{
	wb_mock_reversed_remove_objects(m->rev);
	if (m->svc_path == NULL)
		return;
	/* children first, as bluetoothd does */
	g_dbus_object_manager_server_unexport(m->om, m->trigger_path);
	g_dbus_object_manager_server_unexport(m->om, m->status_path);
	g_dbus_object_manager_server_unexport(m->om, m->svc_path);
	g_clear_object(&m->status_chr);
	g_clear_object(&m->trigger_chr);
	g_clear_pointer(&m->svc_path, g_free);
	g_clear_pointer(&m->status_path, g_free);
	g_clear_pointer(&m->trigger_path, g_free);
}

/* ------------------------------------------------------------------ the device */

static void
set_connected(Mock *m, gboolean connected)
{
	if (m->device == NULL || device_connected(m) == connected)
		return;
	if (connected) {
		mock_bluez_device1_set_connected(m->device, TRUE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(m->device));
		add_gatt_objects(m);
		mock_bluez_device1_set_services_resolved(m->device, TRUE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(m->device));
		maybe_start_link(m);
	} else {
		mock_pairing_finish(&m->pairing, "org.bluez.Error.AuthenticationCanceled",
				    "Authentication Canceled");
		link_stop(m, "disconnected");
		mock_bluez_device1_set_services_resolved(m->device, FALSE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(m->device));
		remove_gatt_objects(m);
		mock_bluez_device1_set_connected(m->device, FALSE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(m->device));
	}
}

static gboolean
adapter_powered(Mock *m)
{
	return mock_bluez_adapter1_get_powered(m->adapter);
}

typedef struct {
	Mock *m;
	GDBusMethodInvocation *inv;
} Pending;

static gboolean
connect_done(gpointer user_data)
{
	Pending *p = user_data;
	Mock *m = p->m;

	if (m->device == NULL || !adapter_powered(m) || m->vanished) {
		g_dbus_method_invocation_return_dbus_error(p->inv, "org.bluez.Error.Failed",
							   "Connection attempt failed");
	} else {
		set_connected(m, TRUE);
		mock_bluez_device1_complete_connect(m->device, p->inv);
	}
	g_free(p);
	return G_SOURCE_REMOVE;
}

#define OUT_OF_RANGE_CONNECT_MS 300

static gboolean
connect_out_of_range(gpointer user_data)
{
	Pending *p = user_data;

	g_dbus_method_invocation_return_dbus_error(p->inv, "org.bluez.Error.Failed",
						   "le-connection-abort-by-local");
	g_free(p);
	return G_SOURCE_REMOVE;
}

static gboolean
on_device_connect(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;
	Pending *p;

	if (!adapter_powered(m)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotReady",
							   "Resource Not Ready");
		return TRUE;
	}
	if (!m->device_visible) {
		/* out of range: bluetoothd's LE connection attempt times out (shortened here) */
		p = g_new(Pending, 1);
		p->m = m;
		p->inv = inv;
		g_timeout_add(OUT_OF_RANGE_CONNECT_MS, connect_out_of_range, p);
		return TRUE;
	}
	p = g_new(Pending, 1);
	p->m = m;
	p->inv = inv;
	g_timeout_add(CONNECT_DELAY_MS, connect_done, p);
	return TRUE;
}

static gboolean
on_device_disconnect(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;

	if (!device_connected(m)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotConnected",
							   "Not Connected");
		return TRUE;
	}
	set_connected(m, FALSE);
	mock_bluez_device1_complete_disconnect(dev, inv);
	return TRUE;
}

/* What a pairing's result does to the watch (MockPairingOps) */
static const gchar *
pairing_refuse(gpointer owner, const gchar **message)
{
	Mock *m = owner;

	/* m->reject_pairing: the user declined on the watch, SMP Pairing Failed */
	if (m->device == NULL || m->vanished || m->reject_pairing) {
		*message = "Authentication Failed";
		return "org.bluez.Error.AuthenticationFailed";
	}
	return NULL;
}

static void
pairing_settle(gpointer owner, const gchar *error_name)
{
	Mock *m = owner;

	if (error_name != NULL) {
		/* §10.4: the SMP "Pairing Failed" reason (0x05 pairing not supported) shows in
		 * the connectivity status */
		m->last_pairing_result = 0x05;
		update_status(m);
		return;
	}
	m->last_pairing_result = 0;
	mock_bluez_device1_set_paired(m->device, TRUE);
	m->watch_forgot_bond = FALSE;
	/* the mock keeps every pairing: paired and bonded go together */
	mock_bluez_device1_set_bonded(m->device, TRUE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(m->device));
	update_status(m);
	g_message("mock-bluez: paired");
}

static void
pairing_done(gpointer owner, const gchar *error_name, const gchar *message)
{
	if (error_name == NULL)
		maybe_start_link(owner);
}

static const MockPairingOps pairing_ops = {
	.label = "",
	.refuse = pairing_refuse,
	.settle = pairing_settle,
	.done = pairing_done,
};

static gboolean
on_device_pair(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;

	if (mock_pairing_refuse_pair(&m->pairing, inv, adapter_powered(m), device_paired(m)))
		return TRUE;
	/* pairing an LE device connects it first */
	set_connected(m, TRUE);
	mock_pairing_start(&m->pairing, inv);
	return TRUE;
}

static gboolean
on_device_cancel_pairing(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;

	mock_pairing_cancel(&m->pairing, dev, inv);
	return TRUE;
}

/* §10.3: the scan response's manufacturer data */
static GVariant *
manufacturer_data(Mock *m)
{
	guint8 p[19] = {0};
	guint major = 0, minor = 0, patch = 0;
	const gchar *serial = m->identity.serial;
	GVariantBuilder b;

	p[0] = 0; /* payload type */
	memcpy(p + 1, serial, MIN(strlen(serial), 12));
	p[13] = m->identity.hw_platform;
	p[14] = (guint8)m->identity.color;
	if (sscanf(m->identity.firmware, "v%u.%u.%u", &major, &minor, &patch) < 2)
		major = minor = patch = 0;
	p[15] = (guint8)major;
	p[16] = (guint8)minor;
	p[17] = (guint8)patch;
	p[18] = 0;
	g_variant_builder_init(&b, G_VARIANT_TYPE("a{qv}"));
	g_variant_builder_add(&b, "{qv}", (guint16)PEBBLE_COMPANY_ID, bytes_variant(p, sizeof(p)));
	return g_variant_builder_end(&b);
}

static void
add_device(Mock *m)
{
	static const gchar *const uuids[] = {
		"00001800-0000-1000-8000-00805f9b34fb",
		"00001801-0000-1000-8000-00805f9b34fb",
		UUID_PAIRING_SERVICE,
		NULL,
	};
	g_autoptr(MockBluezObjectSkeleton) obj = NULL;
	const guint8 *a = m->identity.bt_address;
	g_autofree gchar *name = g_strdup_printf("Pebble %02X%02X", a[1], a[0]);

	if (m->device != NULL)
		return;
	obj = mock_bluez_object_skeleton_new(m->device_path);
	m->device = mock_bluez_device1_skeleton_new();
	mock_bluez_device1_set_address(m->device, WATCH_ADDR);
	mock_bluez_device1_set_address_type(m->device, "public");
	mock_bluez_device1_set_name(m->device, name);
	mock_bluez_device1_set_alias(m->device, name);
	mock_bluez_device1_set_appearance(m->device, 0x00c0); /* generic watch */
	mock_bluez_device1_set_icon(m->device, "");
	mock_bluez_device1_set_paired(m->device, FALSE);
	mock_bluez_device1_set_bonded(m->device, FALSE);
	mock_bluez_device1_set_trusted(m->device, FALSE);
	mock_bluez_device1_set_blocked(m->device, FALSE);
	mock_bluez_device1_set_legacy_pairing(m->device, FALSE);
	mock_bluez_device1_set_connected(m->device, FALSE);
	mock_bluez_device1_set_services_resolved(m->device, FALSE);
	mock_bluez_device1_set_rssi(m->device, -52);
	mock_bluez_device1_set_tx_power(m->device, 0);
	mock_bluez_device1_set_uuids(m->device, uuids);
	mock_bluez_device1_set_adapter(m->device, ADAPTER_PATH);
	mock_bluez_device1_set_manufacturer_data(m->device, manufacturer_data(m));
	g_signal_connect(m->device, "handle-connect", G_CALLBACK(on_device_connect), m);
	g_signal_connect(m->device, "handle-disconnect", G_CALLBACK(on_device_disconnect), m);
	g_signal_connect(m->device, "handle-pair", G_CALLBACK(on_device_pair), m);
	g_signal_connect(m->device, "handle-cancel-pairing", G_CALLBACK(on_device_cancel_pairing),
			 m);
	mock_bluez_object_skeleton_set_device1(obj, m->device);
	m->device_obj = g_object_ref(obj);
	g_dbus_object_manager_server_export(m->om, G_DBUS_OBJECT_SKELETON(obj));
	g_message("mock-bluez: device %s (%s) appears", WATCH_ADDR, name);
}

static void
remove_device(Mock *m)
{
	if (m->device == NULL)
		return;
	set_connected(m, FALSE);
	mock_pairing_finish(&m->pairing, "org.bluez.Error.AuthenticationCanceled",
			    "Authentication Canceled");
	g_dbus_object_manager_server_unexport(m->om, m->device_path);
	g_clear_object(&m->device);
	g_clear_object(&m->device_obj);
}

/* ------------------------------------------------------------------ the adapter */

static gboolean
discovery_found(gpointer user_data)
{
	Mock *m = user_data;

	m->discovery_timer = 0;
	if (m->device_visible && mock_bluez_adapter1_get_discovering(m->adapter))
		add_device(m);
	return G_SOURCE_REMOVE;
}

static gboolean
on_start_discovery(MockBluezAdapter1 *ad, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;

	if (!adapter_powered(m)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotReady",
							   "Resource Not Ready");
		return TRUE;
	}
	mock_bluez_adapter1_set_discovering(ad, TRUE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(ad));
	mock_bluez_adapter1_complete_start_discovery(ad, inv);
	if (m->discovery_timer == 0)
		m->discovery_timer = g_timeout_add(DISCOVERY_DELAY_MS, discovery_found, m);
	return TRUE;
}

static void
stop_discovery(Mock *m)
{
	g_clear_handle_id(&m->discovery_timer, g_source_remove);
	mock_bluez_adapter1_set_discovering(m->adapter, FALSE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(m->adapter));
}

static gboolean
on_stop_discovery(MockBluezAdapter1 *ad, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;

	if (!mock_bluez_adapter1_get_discovering(ad)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.Failed",
							   "No discovery started");
		return TRUE;
	}
	stop_discovery(m);
	mock_bluez_adapter1_complete_stop_discovery(ad, inv);
	return TRUE;
}

static gboolean
on_set_discovery_filter(MockBluezAdapter1 *ad, GDBusMethodInvocation *inv, GVariant *filter,
			gpointer user_data)
{
	static const gchar *const known[] = {
		"UUIDs",         "RSSI",         "Pathloss", "Transport",
		"DuplicateData", "Discoverable", "Pattern",  NULL};
	GVariantIter iter;
	const gchar *key;
	GVariant *value;

	g_variant_iter_init(&iter, filter);
	while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
		gboolean ok = g_strv_contains(known, key);

		if (ok && g_str_equal(key, "Transport")) {
			const gchar *t = g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)
						 ? g_variant_get_string(value, NULL)
						 : "";
			ok = g_str_equal(t, "auto") || g_str_equal(t, "bredr") ||
			     g_str_equal(t, "le");
		}
		g_variant_unref(value);
		if (!ok) {
			g_dbus_method_invocation_return_dbus_error(
				inv, "org.bluez.Error.InvalidArguments", "Invalid Arguments");
			return TRUE;
		}
	}
	mock_bluez_adapter1_complete_set_discovery_filter(ad, inv);
	return TRUE;
}

static gboolean
on_get_discovery_filters(MockBluezAdapter1 *ad, GDBusMethodInvocation *inv, gpointer user_data)
{
	static const gchar *const filters[] = {
		"UUIDs",         "RSSI",         "Pathloss", "Transport",
		"DuplicateData", "Discoverable", "Pattern",  NULL};

	mock_bluez_adapter1_complete_get_discovery_filters(ad, inv, filters);
	return TRUE;
}

static gboolean
on_remove_device(MockBluezAdapter1 *ad, GDBusMethodInvocation *inv, const gchar *path,
		 gpointer user_data)
{
	Mock *m = user_data;

	if (wb_mock_classic_remove_device(m->classic, path)) {
		mock_bluez_adapter1_complete_remove_device(ad, inv);
		return TRUE;
	}
	if (m->device == NULL || g_strcmp0(path, m->device_path) != 0) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.DoesNotExist",
							   "Does Not Exist");
		return TRUE;
	}
	remove_device(m);
	mock_bluez_adapter1_complete_remove_device(ad, inv);
	return TRUE;
}

static void
on_powered_changed(GObject *obj, GParamSpec *pspec, gpointer user_data)
{
	Mock *m = user_data;

	if (adapter_powered(m))
		return;
	g_message("mock-bluez: adapter powered off");
	stop_discovery(m);
	if (m->device != NULL && !device_paired(m))
		remove_device(m); /* temporary devices go with the power */
	else
		set_connected(m, FALSE);
}

/* ------------------------------------------------------------------ agent manager */

static gboolean
on_register_agent(MockBluezAgentManager1 *am, GDBusMethodInvocation *inv, const gchar *path,
		  const gchar *capability, gpointer user_data)
{
	Mock *m = user_data;

	if (m->agent_path != NULL) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.AlreadyExists",
							   "Already Exists");
		return TRUE;
	}
	m->agent_owner = g_strdup(g_dbus_method_invocation_get_sender(inv));
	m->agent_path = g_strdup(path);
	g_message("mock-bluez: agent %s%s registered (%s)", m->agent_owner, path, capability);
	mock_bluez_agent_manager1_complete_register_agent(am, inv);
	return TRUE;
}

static gboolean
on_unregister_agent(MockBluezAgentManager1 *am, GDBusMethodInvocation *inv, const gchar *path,
		    gpointer user_data)
{
	Mock *m = user_data;

	if (m->agent_path == NULL || g_strcmp0(path, m->agent_path) != 0 ||
	    g_strcmp0(g_dbus_method_invocation_get_sender(inv), m->agent_owner) != 0) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.DoesNotExist",
							   "Does Not Exist");
		return TRUE;
	}
	g_clear_pointer(&m->agent_owner, g_free);
	g_clear_pointer(&m->agent_path, g_free);
	mock_bluez_agent_manager1_complete_unregister_agent(am, inv);
	return TRUE;
}

static gboolean
on_request_default_agent(MockBluezAgentManager1 *am, GDBusMethodInvocation *inv, const gchar *path,
			 gpointer user_data)
{
	Mock *m = user_data;

	if (m->agent_path == NULL || g_strcmp0(path, m->agent_path) != 0) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.DoesNotExist",
							   "Does Not Exist");
		return TRUE;
	}
	mock_bluez_agent_manager1_complete_request_default_agent(am, inv);
	return TRUE;
}

/* ------------------------------------------------------------------ GATT manager */

static void
app_free(Mock *m)
{
	App *app = m->app;

	if (app == NULL)
		return;
	link_stop(m, "application unregistered");
	m->app = NULL;
	if (app->props_sub != 0)
		g_dbus_connection_signal_unsubscribe(m->conn, app->props_sub);
	g_free(app->owner);
	g_free(app->path);
	g_free(app->data_path);
	g_free(app->meta_path);
	g_free(app);
}

/* PropertiesChanged(Value) on the daemon's data characteristic is a notification */
static void
on_app_props_changed(GDBusConnection *conn, const gchar *sender, const gchar *path,
		     const gchar *iface, const gchar *signal, GVariant *params, gpointer user_data)
{
	Mock *m = user_data;
	const gchar *changed_iface;
	g_autoptr(GVariant) changed = NULL;
	g_autoptr(GVariant) value = NULL;
	g_autoptr(GBytes) bytes = NULL;
	const guint8 *data;
	gsize len;

	if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
		return;
	g_variant_get(params, "(&s@a{sv}@as)", &changed_iface, &changed, NULL);
	if (!g_str_equal(changed_iface, IFACE_CHR) || m->link == NULL || !m->link->notifying ||
	    m->link->notify_sock != NULL || m->link->reversed != WB_MOCK_REVERSED_NONE)
		return;
	value = g_variant_lookup_value(changed, "Value", G_VARIANT_TYPE_BYTESTRING);
	if (value == NULL)
		return;
	data = g_variant_get_fixed_array(value, &len, 1);
	/* bluetoothd truncates notifications to BT_ATT_MAX_VALUE_LEN and to the MTU */
	len = MIN(len, MIN((gsize)WB_PPOGATT_MAX_PACKET, (gsize)m->mtu - 3));
	bytes = g_bytes_new(data, len);
	pipe_push(m, &m->to_watch, bytes, &m->link->to_watch_lost);
}

typedef struct {
	Mock *m;
	GDBusMethodInvocation *inv;
	gchar *owner;
	gchar *path;
} RegisterCall;

static void
register_call_free(RegisterCall *rc)
{
	g_object_unref(rc->inv);
	g_free(rc->owner);
	g_free(rc->path);
	g_free(rc);
}

static gboolean
path_under(const gchar *path, const gchar *root)
{
	gsize n = strlen(root);

	if (g_str_equal(root, "/"))
		return TRUE;
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void
got_app_objects(GObject *source, GAsyncResult *res, gpointer user_data)
{
	RegisterCall *rc = user_data;
	Mock *m = rc->m;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
	g_autoptr(GVariant) objects = NULL;
	g_autofree gchar *svc_path = NULL;
	GVariantIter iter;
	const gchar *path;
	GVariant *ifaces;
	guint n_services = 0;
	App *app;

	if (ret == NULL) {
		g_dbus_method_invocation_return_dbus_error(rc->inv, "org.bluez.Error.Failed",
							   "No object received");
		register_call_free(rc);
		return;
	}
	if (m->app != NULL || m->vanished) {
		g_dbus_method_invocation_return_dbus_error(rc->inv, "org.bluez.Error.AlreadyExists",
							   "Already Exists");
		register_call_free(rc);
		return;
	}
	objects = g_variant_get_child_value(ret, 0);
	app = g_new0(App, 1);
	/* first the PPoGATT service, then its characteristics */
	g_variant_iter_init(&iter, objects);
	while (g_variant_iter_next(&iter, "{&o@a{sa{sv}}}", &path, &ifaces)) {
		g_autoptr(GVariant) svc = g_variant_lookup_value(ifaces, IFACE_SVC, NULL);
		const gchar *uuid = NULL;

		if (path_under(path, rc->path) && svc != NULL) {
			n_services++;
			if (g_variant_lookup(svc, "UUID", "&s", &uuid) &&
			    g_ascii_strcasecmp(uuid, UUID_PPOGATT_SERVICE) == 0)
				svc_path = g_strdup(path);
		}
		g_variant_unref(ifaces);
	}
	g_variant_iter_init(&iter, objects);
	while (svc_path != NULL && g_variant_iter_next(&iter, "{&o@a{sa{sv}}}", &path, &ifaces)) {
		g_autoptr(GVariant) chr = g_variant_lookup_value(ifaces, IFACE_CHR, NULL);
		const gchar *uuid = NULL;
		const gchar *service = NULL;

		if (chr != NULL && g_variant_lookup(chr, "UUID", "&s", &uuid) &&
		    g_variant_lookup(chr, "Service", "&o", &service) &&
		    g_str_equal(service, svc_path)) {
			if (g_ascii_strcasecmp(uuid, UUID_PPOGATT_DATA) == 0) {
				g_autoptr(GVariant) na =
					g_variant_lookup_value(chr, "NotifyAcquired", NULL);
				g_autoptr(GVariant) wa =
					g_variant_lookup_value(chr, "WriteAcquired", NULL);

				g_free(app->data_path);
				app->data_path = g_strdup(path);
				app->data_notify_acquired = na != NULL;
				app->data_write_acquired = wa != NULL;
			} else if (g_ascii_strcasecmp(uuid, UUID_PPOGATT_META) == 0) {
				g_free(app->meta_path);
				app->meta_path = g_strdup(path);
			}
		}
		g_variant_unref(ifaces);
	}
	if (n_services == 0) {
		g_free(app->data_path);
		g_free(app->meta_path);
		g_free(app);
		g_dbus_method_invocation_return_dbus_error(rc->inv, "org.bluez.Error.Failed",
							   "No valid service object found");
		register_call_free(rc);
		return;
	}
	app->owner = g_strdup(rc->owner);
	app->path = g_strdup(rc->path);
	if (app->data_path != NULL)
		app->props_sub = g_dbus_connection_signal_subscribe(
			m->conn, app->owner, IFACE_PROPS, "PropertiesChanged", app->data_path, NULL,
			G_DBUS_SIGNAL_FLAGS_NONE, on_app_props_changed, m, NULL);
	m->app = app;
	g_message("mock-bluez: GATT application %s%s registered: PPoGATT %s (data %s%s%s, meta %s)",
		  app->owner, app->path, svc_path != NULL ? "found" : "absent",
		  app->data_path != NULL ? app->data_path : "-",
		  app->data_notify_acquired ? " notify-acquired" : "",
		  app->data_write_acquired ? " write-acquired" : "",
		  app->meta_path != NULL ? app->meta_path : "-");
	mock_bluez_gatt_manager1_complete_register_application(m->gatt_manager, rc->inv);
	register_call_free(rc);
	maybe_start_link(m);
}

static gboolean
on_register_application(MockBluezGattManager1 *gm, GDBusMethodInvocation *inv, const gchar *path,
			GVariant *options, gpointer user_data)
{
	Mock *m = user_data;
	RegisterCall *rc;

	if (m->app != NULL) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.AlreadyExists",
							   "Already Exists");
		return TRUE;
	}
	rc = g_new0(RegisterCall, 1);
	rc->m = m;
	rc->inv = g_object_ref(inv);
	rc->owner = g_strdup(g_dbus_method_invocation_get_sender(inv));
	rc->path = g_strdup(path);
	/* test-infra.md §3: bluetoothd reads the application before it replies */
	g_dbus_connection_call(m->conn, rc->owner, path, IFACE_OM, "GetManagedObjects", NULL,
			       G_VARIANT_TYPE("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE,
			       DBUS_TIMEOUT_MS, NULL, got_app_objects, rc);
	return TRUE;
}

static gboolean
on_unregister_application(MockBluezGattManager1 *gm, GDBusMethodInvocation *inv, const gchar *path,
			  gpointer user_data)
{
	Mock *m = user_data;

	if (m->app == NULL || g_strcmp0(path, m->app->path) != 0 ||
	    g_strcmp0(g_dbus_method_invocation_get_sender(inv), m->app->owner) != 0) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.DoesNotExist",
							   "Does Not Exist");
		return TRUE;
	}
	app_free(m);
	mock_bluez_gatt_manager1_complete_unregister_application(gm, inv);
	return TRUE;
}

/* A client that goes away loses its agent and its application, as in bluetoothd */
static void
on_name_owner_changed(GDBusConnection *conn, const gchar *sender, const gchar *path,
		      const gchar *iface, const gchar *signal, GVariant *params, gpointer user_data)
{
	Mock *m = user_data;
	const gchar *name, *old_owner, *new_owner;

	g_variant_get(params, "(&s&s&s)", &name, &old_owner, &new_owner);
	if (*new_owner != '\0' || *old_owner == '\0')
		return;
	if (m->agent_owner != NULL && g_str_equal(name, m->agent_owner)) {
		g_clear_pointer(&m->agent_owner, g_free);
		g_clear_pointer(&m->agent_path, g_free);
	}
	if (m->app != NULL && g_str_equal(name, m->app->owner))
		app_free(m);
}

/* ------------------------------------------------------------------ the bus */

static void
export_root_objects(Mock *m)
{
	g_autoptr(MockBluezObjectSkeleton) bluez = mock_bluez_object_skeleton_new(BLUEZ_PATH);
	g_autoptr(MockBluezObjectSkeleton) hci = mock_bluez_object_skeleton_new(ADAPTER_PATH);

	mock_bluez_object_skeleton_set_agent_manager1(bluez, m->agent_manager);
	g_dbus_object_manager_server_export(m->om, G_DBUS_OBJECT_SKELETON(bluez));
	mock_bluez_object_skeleton_set_adapter1(hci, m->adapter);
	mock_bluez_object_skeleton_set_gatt_manager1(hci, m->gatt_manager);
	g_dbus_object_manager_server_export(m->om, G_DBUS_OBJECT_SKELETON(hci));
}

static void
on_bluez_acquired(GDBusConnection *conn, const gchar *name, gpointer user_data)
{
	g_message("mock-bluez: %s acquired", name);
}

static void
on_bluez_lost(GDBusConnection *conn, const gchar *name, gpointer user_data)
{
	Mock *m = user_data;

	if (!m->vanished && conn != NULL && !g_dbus_connection_is_closed(conn)) {
		g_printerr("wb-mock-bluez: cannot own %s\n", name);
		g_main_loop_quit(m->loop);
	}
}

static void
own_bluez(Mock *m)
{
	m->bluez_owner = g_bus_own_name_on_connection(m->conn, BLUEZ_NAME,
						      G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
						      on_bluez_acquired, on_bluez_lost, m, NULL);
}

/* bluetoothd exits: every client registration is forgotten, every object goes */
static void
vanish(Mock *m)
{
	if (m->vanished)
		return;
	set_connected(m, FALSE);
	wb_mock_classic_vanish(m->classic);
	mock_pairing_finish(&m->pairing, "org.bluez.Error.Failed", "Terminated");
	app_free(m);
	g_clear_pointer(&m->agent_owner, g_free);
	g_clear_pointer(&m->agent_path, g_free);
	stop_discovery(m);
	m->vanished = TRUE;
	g_clear_handle_id(&m->bluez_owner, g_bus_unown_name);
	g_dbus_object_manager_server_set_connection(m->om, NULL);
}

/* bluetoothd starts again: known (paired) devices come back, others do not */
static void
come_back(Mock *m)
{
	if (!m->vanished)
		return;
	m->vanished = FALSE;
	if (m->device != NULL && !device_paired(m))
		remove_device(m);
	wb_mock_classic_return(m->classic);
	g_dbus_object_manager_server_set_connection(m->om, m->conn);
	own_bluez(m);
}

/* ------------------------------------------------------------------ control */

static void
host_add_state(JsonBuilder *b, gpointer user_data)
{
	Mock *m = user_data;

	json_builder_set_member_name(b, "connected");
	json_builder_add_boolean_value(b, device_connected(m));
	json_builder_set_member_name(b, "ppogatt");
	json_builder_add_string_value(
		b, m->link != NULL && m->link->ppo != NULL
			   ? wb_ppogatt_state_to_string(wb_ppogatt_get_state(m->link->ppo))
			   : "none");
}

static gboolean
host_disconnect(gpointer user_data, GError **error)
{
	Mock *m = user_data;

	set_connected(m, FALSE);
	return TRUE;
}

static const WbSimControlHost control_host = {
	.add_state = host_add_state,
	.disconnect = host_disconnect,
};

static gchar *
watch_control(Mock *m, const gchar *line)
{
	gchar *answer = wb_sim_control_execute(m->watch, &control_host, m, line, now_us());

	link_pump(m);
	rearm_timer(m);
	return answer;
}

static gboolean
on_set_mtu(MockBluezControl1 *c, GDBusMethodInvocation *inv, guint16 mtu, gpointer user_data)
{
	Mock *m = user_data;

	if (mtu < 23 || mtu > 517) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.InvalidArguments",
							   "MTU must be 23-517");
		return TRUE;
	}
	m->mtu = mtu;
	if (m->link != NULL && m->link->ppo != NULL)
		wb_ppogatt_set_max_payload(m->link->ppo, max_payload(m));
	wb_mock_reversed_set_mtu(m->rev, mtu);
	if (m->status_chr != NULL) {
		mock_bluez_gatt_characteristic1_set_mtu(m->status_chr, mtu);
		mock_bluez_gatt_characteristic1_set_mtu(m->trigger_chr, mtu);
	}
	mock_bluez_control1_complete_set_mtu(c, inv);
	return TRUE;
}

static gboolean
on_set_loss(MockBluezControl1 *c, GDBusMethodInvocation *inv, gdouble percent, guint seed,
	    gpointer user_data)
{
	Mock *m = user_data;

	if (!(percent >= 0.0 && percent <= 100.0)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.InvalidArguments",
							   "percent must be 0-100");
		return TRUE;
	}
	m->loss_percent = percent;
	m->rng = seed != 0 ? seed : 1;
	mock_bluez_control1_complete_set_loss(c, inv);
	return TRUE;
}

static gboolean
on_set_packet_delay(MockBluezControl1 *c, GDBusMethodInvocation *inv, guint ms, gpointer user_data)
{
	Mock *m = user_data;

	m->delay_ms = ms;
	mock_bluez_control1_complete_set_packet_delay(c, inv);
	return TRUE;
}

static gboolean
on_set_packets_per_interval(MockBluezControl1 *c, GDBusMethodInvocation *inv, guint n,
			    guint interval_ms, gpointer user_data)
{
	Mock *m = user_data;

	m->per_interval = interval_ms > 0 ? n : 0;
	m->interval_ms = interval_ms;
	mock_bluez_control1_complete_set_packets_per_interval(c, inv);
	return TRUE;
}

static gboolean
on_set_retransmit_timeout(MockBluezControl1 *c, GDBusMethodInvocation *inv, guint ms,
			  gpointer user_data)
{
	Mock *m = user_data;

	m->retransmit_ms = ms;
	mock_bluez_control1_complete_set_retransmit_timeout(c, inv);
	return TRUE;
}

static gboolean
on_set_device_visible(MockBluezControl1 *c, GDBusMethodInvocation *inv, gboolean visible,
		      gpointer user_data)
{
	Mock *m = user_data;

	m->device_visible = visible;
	if (visible && !m->vanished)
		add_device(m);
	else if (!visible && m->device != NULL && !device_paired(m))
		remove_device(m);
	else if (!visible)
		set_connected(m, FALSE); /* out of range */
	mock_bluez_control1_complete_set_device_visible(c, inv);
	return TRUE;
}

static gboolean
on_drop_link(MockBluezControl1 *c, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;

	set_connected(m, FALSE);
	mock_bluez_control1_complete_drop_link(c, inv);
	return TRUE;
}

static gboolean
on_set_powered(MockBluezControl1 *c, GDBusMethodInvocation *inv, gboolean powered,
	       gpointer user_data)
{
	Mock *m = user_data;

	mock_bluez_adapter1_set_powered(m->adapter, powered);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(m->adapter));
	mock_bluez_control1_complete_set_powered(c, inv);
	return TRUE;
}

static gboolean
on_vanish(MockBluezControl1 *c, GDBusMethodInvocation *inv, gpointer user_data)
{
	vanish(user_data);
	mock_bluez_control1_complete_vanish(c, inv);
	return TRUE;
}

static gboolean
on_return(MockBluezControl1 *c, GDBusMethodInvocation *inv, gpointer user_data)
{
	come_back(user_data);
	mock_bluez_control1_complete_return(c, inv);
	return TRUE;
}

static gboolean
on_forget_bond(MockBluezControl1 *c, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;

	m->watch_forgot_bond = TRUE;
	update_status(m);
	set_connected(m, FALSE);
	mock_bluez_control1_complete_forget_bond(c, inv);
	return TRUE;
}

static gboolean
on_reject_pairing(MockBluezControl1 *c, GDBusMethodInvocation *inv, gboolean reject,
		  gpointer user_data)
{
	Mock *m = user_data;

	m->reject_pairing = reject;
	mock_bluez_control1_complete_reject_pairing(c, inv);
	return TRUE;
}

static gboolean
on_watch_state(MockBluezControl1 *c, GDBusMethodInvocation *inv, gpointer user_data)
{
	g_autofree gchar *json = watch_control(user_data, "state");

	mock_bluez_control1_complete_watch_state(c, inv, json);
	return TRUE;
}

static gboolean
on_watch_control(MockBluezControl1 *c, GDBusMethodInvocation *inv, const gchar *command,
		 gpointer user_data)
{
	g_autofree gchar *json = watch_control(user_data, command);

	mock_bluez_control1_complete_watch_control(c, inv, json);
	return TRUE;
}

static gboolean
on_link_state(MockBluezControl1 *c, GDBusMethodInvocation *inv, gpointer user_data)
{
	Mock *m = user_data;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *json = NULL;
	Link *l = m->link;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "connected");
	json_builder_add_boolean_value(b, device_connected(m));
	json_builder_set_member_name(b, "paired");
	json_builder_add_boolean_value(b, device_paired(m));
	json_builder_set_member_name(b, "app");
	json_builder_add_boolean_value(b, m->app != NULL);
	json_builder_set_member_name(b, "mtu");
	json_builder_add_int_value(b, m->mtu);
	/* the knob, and the mode of the PPoGATT link in use */
	json_builder_set_member_name(b, "ppogatt_mode");
	json_builder_add_string_value(b, wb_mock_reversed_get_mode(m->rev));
	json_builder_set_member_name(b, "mode");
	json_builder_add_string_value(b, l != NULL ? wb_mock_reversed_variant_to_mode(l->reversed)
						   : "none");
	json_builder_set_member_name(b, "state");
	json_builder_add_string_value(
		b, l != NULL && l->ppo != NULL
			   ? wb_ppogatt_state_to_string(wb_ppogatt_get_state(l->ppo))
			   : "none");
	if (l != NULL && l->ppo != NULL) {
		WbPpogattStats st;

		wb_ppogatt_get_stats(l->ppo, &st);
		json_builder_set_member_name(b, "version");
		json_builder_add_int_value(b, wb_ppogatt_get_version(l->ppo));
		json_builder_set_member_name(b, "tx_window");
		json_builder_add_int_value(b, wb_ppogatt_get_tx_window(l->ppo));
		json_builder_set_member_name(b, "rx_window");
		json_builder_add_int_value(b, wb_ppogatt_get_rx_window(l->ppo));
		json_builder_set_member_name(b, "packets_sent");
		json_builder_add_int_value(b, (gint64)st.packets_sent);
		json_builder_set_member_name(b, "packets_received");
		json_builder_add_int_value(b, (gint64)st.packets_received);
		json_builder_set_member_name(b, "retransmits");
		json_builder_add_int_value(b, (gint64)st.retransmits);
		json_builder_set_member_name(b, "resets");
		json_builder_add_int_value(b, (gint64)st.resets);
		json_builder_set_member_name(b, "lost_to_phone");
		json_builder_add_int_value(b, (gint64)l->to_phone_lost);
		json_builder_set_member_name(b, "lost_to_watch");
		json_builder_add_int_value(b, (gint64)l->to_watch_lost);
		json_builder_set_member_name(b, "notify_fd");
		json_builder_add_boolean_value(b, l->notify_sock != NULL);
		json_builder_set_member_name(b, "write_fd");
		json_builder_add_boolean_value(b, l->write_sock != NULL);
	}
	/* the phone's sockets on the watch's reversed characteristics (AcquireNotify/Write) */
	json_builder_set_member_name(b, "reversed_notify_fd");
	json_builder_add_boolean_value(b, wb_mock_reversed_has_fd(m->rev, TRUE));
	json_builder_set_member_name(b, "reversed_write_fd");
	json_builder_add_boolean_value(b, wb_mock_reversed_has_fd(m->rev, FALSE));
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json = json_generator_to_data(gen, NULL);
	mock_bluez_control1_complete_link_state(c, inv, json);
	return TRUE;
}

static void
setup_control(Mock *m)
{
	g_autoptr(GError) error = NULL;

	m->control = mock_bluez_control1_skeleton_new();
	g_signal_connect(m->control, "handle-set-mtu", G_CALLBACK(on_set_mtu), m);
	g_signal_connect(m->control, "handle-set-loss", G_CALLBACK(on_set_loss), m);
	g_signal_connect(m->control, "handle-set-packet-delay", G_CALLBACK(on_set_packet_delay), m);
	g_signal_connect(m->control, "handle-set-packets-per-interval",
			 G_CALLBACK(on_set_packets_per_interval), m);
	g_signal_connect(m->control, "handle-set-retransmit-timeout",
			 G_CALLBACK(on_set_retransmit_timeout), m);
	g_signal_connect(m->control, "handle-set-device-visible", G_CALLBACK(on_set_device_visible),
			 m);
	g_signal_connect(m->control, "handle-drop-link", G_CALLBACK(on_drop_link), m);
	g_signal_connect(m->control, "handle-set-powered", G_CALLBACK(on_set_powered), m);
	g_signal_connect(m->control, "handle-vanish", G_CALLBACK(on_vanish), m);
	g_signal_connect(m->control, "handle-return", G_CALLBACK(on_return), m);
	g_signal_connect(m->control, "handle-reject-pairing", G_CALLBACK(on_reject_pairing), m);
	g_signal_connect(m->control, "handle-forget-bond", G_CALLBACK(on_forget_bond), m);
	g_signal_connect(m->control, "handle-watch-state", G_CALLBACK(on_watch_state), m);
	g_signal_connect(m->control, "handle-watch-control", G_CALLBACK(on_watch_control), m);
	g_signal_connect(m->control, "handle-link-state", G_CALLBACK(on_link_state), m);
	if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(m->control), m->conn,
					      CONTROL_PATH, &error))
		g_error("cannot export %s: %s", CONTROL_PATH, error->message);
}

static void
setup_bluez(Mock *m)
{
	static const gchar *const adapter_uuids[] = {
		"00001800-0000-1000-8000-00805f9b34fb",
		"00001801-0000-1000-8000-00805f9b34fb",
		NULL,
	};
	static const gchar *const roles[] = {"central", "peripheral", NULL};

	m->agent_manager = mock_bluez_agent_manager1_skeleton_new();
	g_signal_connect(m->agent_manager, "handle-register-agent", G_CALLBACK(on_register_agent),
			 m);
	g_signal_connect(m->agent_manager, "handle-unregister-agent",
			 G_CALLBACK(on_unregister_agent), m);
	g_signal_connect(m->agent_manager, "handle-request-default-agent",
			 G_CALLBACK(on_request_default_agent), m);

	m->adapter = mock_bluez_adapter1_skeleton_new();
	mock_bluez_adapter1_set_address(m->adapter, ADAPTER_ADDR);
	mock_bluez_adapter1_set_address_type(m->adapter, "public");
	mock_bluez_adapter1_set_name(m->adapter, "wb-mock");
	mock_bluez_adapter1_set_alias(m->adapter, "wb-mock");
	mock_bluez_adapter1_set_class(m->adapter, 0x7c010c);
	mock_bluez_adapter1_set_powered(m->adapter, TRUE);
	mock_bluez_adapter1_set_discoverable(m->adapter, FALSE);
	mock_bluez_adapter1_set_discoverable_timeout(m->adapter, 180);
	mock_bluez_adapter1_set_pairable(m->adapter, TRUE);
	mock_bluez_adapter1_set_pairable_timeout(m->adapter, 0);
	mock_bluez_adapter1_set_discovering(m->adapter, FALSE);
	mock_bluez_adapter1_set_uuids(m->adapter, adapter_uuids);
	mock_bluez_adapter1_set_modalias(m->adapter, "usb:v1D6Bp0246d0542");
	mock_bluez_adapter1_set_roles(m->adapter, roles);
	g_signal_connect(m->adapter, "handle-start-discovery", G_CALLBACK(on_start_discovery), m);
	g_signal_connect(m->adapter, "handle-stop-discovery", G_CALLBACK(on_stop_discovery), m);
	g_signal_connect(m->adapter, "handle-set-discovery-filter",
			 G_CALLBACK(on_set_discovery_filter), m);
	g_signal_connect(m->adapter, "handle-get-discovery-filters",
			 G_CALLBACK(on_get_discovery_filters), m);
	g_signal_connect(m->adapter, "handle-remove-device", G_CALLBACK(on_remove_device), m);
	g_signal_connect(m->adapter, "notify::powered", G_CALLBACK(on_powered_changed), m);

	m->gatt_manager = mock_bluez_gatt_manager1_skeleton_new();
	g_signal_connect(m->gatt_manager, "handle-register-application",
			 G_CALLBACK(on_register_application), m);
	g_signal_connect(m->gatt_manager, "handle-unregister-application",
			 G_CALLBACK(on_unregister_application), m);

	m->om = g_dbus_object_manager_server_new("/");
	export_root_objects(m);
	g_dbus_object_manager_server_set_connection(m->om, m->conn);
}

static gboolean
on_signal(gpointer user_data)
{
	Mock *m = user_data;

	g_main_loop_quit(m->loop);
	return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
	static const WbSimWatchCallbacks callbacks = {
		.send_frame = watch_send_frame,
		.drop_link = watch_drop_link,
		.print = watch_print,
	};
	g_autoptr(GError) error = NULL;
	Mock mock = {0};
	Mock *m = &mock;
	const gchar *address;

	setlocale(LC_ALL, "");
	if (argc > 1) {
		g_printerr("usage: wb-mock-bluez (no arguments; see docs/mock-bluez.md)\n");
		return 2;
	}
	address = g_getenv("DBUS_SYSTEM_BUS_ADDRESS");
	if (address == NULL || *address == '\0') {
		/* never take over the real system bus's org.bluez by accident */
		g_printerr("wb-mock-bluez: DBUS_SYSTEM_BUS_ADDRESS is not set\n");
		return 2;
	}
	m->conn = g_dbus_connection_new_for_address_sync(
		address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	if (m->conn == NULL) {
		g_printerr("wb-mock-bluez: %s: %s\n", address, error->message);
		return 1;
	}
	g_dbus_connection_set_exit_on_close(m->conn, TRUE);
	mock_pairing_init(&m->pairing, &pairing_ops, m, m->conn, &m->device_path, &m->agent_owner,
			  &m->agent_path);

	m->loop = g_main_loop_new(NULL, FALSE);
	m->mtu = DEFAULT_MTU;
	m->rng = 1;
	m->device_visible = TRUE;
	m->timer_deadline = -1;
	m->to_phone.deliver = deliver_to_phone;
	m->to_watch.deliver = deliver_to_watch;
	g_queue_init(&m->to_phone.queue);
	g_queue_init(&m->to_watch.queue);

	wb_sim_identity_init(&m->identity);
	if (!wb_sim_identity_set_address(&m->identity, WATCH_ADDR, &error))
		g_error("%s", error->message);
	m->device_path = g_strdup_printf("%s/dev_%s", ADAPTER_PATH, WATCH_ADDR);
	g_strdelimit(m->device_path + strlen(ADAPTER_PATH), ":", '_');
	m->watch = wb_sim_watch_new(&m->identity, &callbacks, m);

	g_dbus_connection_signal_subscribe(m->conn, "org.freedesktop.DBus", "org.freedesktop.DBus",
					   "NameOwnerChanged", "/org/freedesktop/DBus", NULL,
					   G_DBUS_SIGNAL_FLAGS_NONE, on_name_owner_changed, m,
					   NULL);
	setup_bluez(m);
	setup_control(m);
	m->rev = wb_mock_reversed_new(m->om, m->control, &reversed_host, m);
	m->classic = wb_mock_classic_new(&(WbMockClassicHost){
		.conn = m->conn,
		.om = m->om,
		.adapter = m->adapter,
		.control = m->control,
		.agent_owner = &m->agent_owner,
		.agent_path = &m->agent_path,
		.vanished = &m->vanished,
		.reject_pairing = &m->reject_pairing,
	});
	own_bluez(m);
	m->control_owner = g_bus_own_name_on_connection(
		m->conn, CONTROL_NAME, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, NULL, NULL, NULL, NULL);

	g_unix_signal_add(SIGINT, on_signal, m);
	g_unix_signal_add(SIGTERM, on_signal, m);
	g_main_loop_run(m->loop);

	link_stop(m, "exiting");
	remove_device(m);
	g_clear_pointer(&m->rev, wb_mock_reversed_free);
	g_clear_pointer(&m->classic, wb_mock_classic_free);
	app_free(m);
	g_clear_pointer(&m->agent_owner, g_free);
	g_clear_pointer(&m->agent_path, g_free);
	g_clear_handle_id(&m->bluez_owner, g_bus_unown_name);
	g_clear_handle_id(&m->control_owner, g_bus_unown_name);
	g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(m->control));
	g_clear_object(&m->om);
	g_clear_object(&m->control);
	g_clear_object(&m->agent_manager);
	g_clear_object(&m->adapter);
	g_clear_object(&m->gatt_manager);
	g_free(m->device_path);
	g_clear_handle_id(&m->timer, g_source_remove);
	g_clear_handle_id(&m->discovery_timer, g_source_remove);
	g_clear_handle_id(&m->drop_idle, g_source_remove);
	pipe_clear(&m->to_phone);
	pipe_clear(&m->to_watch);
	wb_sim_watch_free(m->watch);
	wb_sim_identity_clear(&m->identity);
	g_main_loop_unref(m->loop);
	g_object_unref(m->conn);
	return 0;
}
