/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The BLE link in normal mode (reference §10.1, §10.16): the phone hosts the PPoGATT service
 * (WbBluezGattApp), the watch writes PPoGATT packets to the data characteristic and we answer
 * with notifications. A WbPpogatt in the phone role turns them into the Pebble Protocol
 * byte stream; the watch initiates the reset (docs/ppogatt.md "Roles and modes").
 *
 * Lifetime: open_async() completes when the PPoGATT handshake does. A PPoGATT reset of an open
 * link ends the Pebble Protocol session, so the link emits "closed" but keeps listening: the
 * watch's next session completes a new wb_link_open_async() on the same object at once, and
 * the bytes it sent meanwhile are delivered after the open. A device disconnect, org.bluez
 * vanishing, PPoGATT giving up, or wb_link_close() tear everything down; opening again starts
 * afresh.
 */
#include <string.h>

#define WB_LOG_MODULE "ble"
#include "wb-error.h"
#include "wb-link-ble.h"
#include "wb-log.h"
#include "wb-ppogatt.h"

#define READ_CHUNK 4096

struct _WbLinkBle {
	WbLink parent_instance;
	WbBluezGattApp *app;
	gchar *device_path;
	WbPpogatt *ppogatt; /* NULL when torn down */
	gulong packet_id;
	gulong notifying_id;
	guint device_sub;
	guint bluez_watch;
	guint timer;
	guint flush_idle;
	GTask *open_task;
	gulong cancel_id;
	GByteArray *held; /* stream bytes of an open PPoGATT session the owner has not opened */
	gboolean session_ready;
	gsize max_payload;
};

G_DEFINE_FINAL_TYPE(WbLinkBle, wb_link_ble, WB_TYPE_LINK)

static void pump(WbLinkBle *self);
static void teardown(WbLinkBle *self, const GError *error, gboolean emit);

/**
 * wb_link_ble_new:
 * @app: the registered GATT application the watch writes to
 * @device_path: the watch's org.bluez.Device1 object path
 * @address: the watch's Bluetooth address, the link's target
 *
 * Returns: (transfer full): a new "ble" link
 */
WbLink *
wb_link_ble_new(WbBluezGattApp *app, const gchar *device_path, const gchar *address)
{
	WbLinkBle *self;

	g_return_val_if_fail(WB_IS_BLUEZ_GATT_APP(app), NULL);
	g_return_val_if_fail(g_variant_is_object_path(device_path), NULL);
	g_return_val_if_fail(address != NULL, NULL);

	self = g_object_new(WB_TYPE_LINK_BLE, "transport", "ble", "target", address, NULL);
	self->app = g_object_ref(app);
	self->device_path = g_strdup(device_path);
	return WB_LINK(self);
}

/**
 * wb_link_ble_get_device_path:
 * @self: a #WbLinkBle
 *
 * Returns: the watch's Device1 object path
 */
const gchar *
wb_link_ble_get_device_path(WbLinkBle *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE(self), NULL);
	return self->device_path;
}

/**
 * wb_link_ble_get_max_payload:
 * @self: a #WbLinkBle
 *
 * Returns: payload bytes per PPoGATT packet, from the ATT MTU in the watch's last write
 */
gsize
wb_link_ble_get_max_payload(WbLinkBle *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE(self), 0);
	return self->max_payload;
}

/**
 * wb_link_ble_get_version:
 * @self: a #WbLinkBle
 *
 * Returns: the PPoGATT version in use, 0 when not running
 */
guint8
wb_link_ble_get_version(WbLinkBle *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE(self), 0);
	return self->ppogatt != NULL ? wb_ppogatt_get_version(self->ppogatt) : 0;
}

/**
 * wb_link_ble_get_tx_window:
 * @self: a #WbLinkBle
 *
 * Returns: the negotiated transmit window, 0 when not running
 */
guint8
wb_link_ble_get_tx_window(WbLinkBle *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE(self), 0);
	return self->ppogatt != NULL ? wb_ppogatt_get_tx_window(self->ppogatt) : 0;
}

/**
 * wb_link_ble_get_rx_window:
 * @self: a #WbLinkBle
 *
 * Returns: the negotiated receive window, 0 when not running
 */
guint8
wb_link_ble_get_rx_window(WbLinkBle *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE(self), 0);
	return self->ppogatt != NULL ? wb_ppogatt_get_rx_window(self->ppogatt) : 0;
}

/**
 * wb_link_ble_is_listening:
 * @self: a #WbLinkBle
 *
 * Returns: whether the link is closed to its owner but still follows the watch, so that the
 * watch's next PPoGATT session completes a new wb_link_open_async() (after a reset)
 */
gboolean
wb_link_ble_is_listening(WbLinkBle *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE(self), FALSE);
	return self->ppogatt != NULL && !wb_link_is_open(WB_LINK(self));
}

/* ---- timer ---------------------------------------------------------------------------------- */

static gboolean
on_timer(gpointer user_data)
{
	WbLinkBle *self = user_data;

	self->timer = 0;
	if (self->ppogatt != NULL) {
		wb_ppogatt_tick(self->ppogatt, g_get_monotonic_time());
		pump(self);
	}
	return G_SOURCE_REMOVE;
}

/* One timer, armed only while the state machine has a deadline (docs/ppogatt.md "Timers"). */
static void
rearm(WbLinkBle *self)
{
	gint64 deadline;
	gint64 delay_us;

	g_clear_handle_id(&self->timer, g_source_remove);
	if (self->ppogatt == NULL)
		return;
	deadline = wb_ppogatt_next_deadline(self->ppogatt);
	if (deadline == G_MAXINT64)
		return;
	delay_us = MAX(deadline - g_get_monotonic_time(), 0);
	/* round up: firing early would only re-arm */
	self->timer = g_timeout_add((guint)MIN((delay_us + 999) / 1000, (gint64)G_MAXUINT),
				    on_timer, self);
}

/* ---- open ----------------------------------------------------------------------------------- */

static void
finish_open(WbLinkBle *self, const GError *error)
{
	g_autoptr(GTask) task = g_steal_pointer(&self->open_task);

	if (task == NULL)
		return;
	if (self->cancel_id != 0) {
		g_cancellable_disconnect(g_task_get_cancellable(task), self->cancel_id);
		self->cancel_id = 0;
	}
	if (error != NULL)
		g_task_return_error(task, g_error_copy(error));
	else
		g_task_return_boolean(task, TRUE);
}

static gboolean
flush_held(gpointer user_data)
{
	WbLinkBle *self = user_data;
	g_autoptr(GBytes) bytes = NULL;

	self->flush_idle = 0;
	if (!wb_link_is_open(WB_LINK(self)) || self->held->len == 0)
		return G_SOURCE_REMOVE;
	bytes = g_bytes_new(self->held->data, self->held->len);
	g_byte_array_set_size(self->held, 0);
	wb_link_emit_received(WB_LINK(self), bytes);
	return G_SOURCE_REMOVE;
}

/* The session the PPoGATT handshake opened becomes the link's. */
static void
become_open(WbLinkBle *self)
{
	self->session_ready = FALSE;
	wb_link_set_open(WB_LINK(self), TRUE);
	wb_debug("%s: PPoGATT v%u open, windows tx %u rx %u, %zu bytes per packet",
		 wb_link_get_target(WB_LINK(self)), wb_ppogatt_get_version(self->ppogatt),
		 wb_ppogatt_get_tx_window(self->ppogatt), wb_ppogatt_get_rx_window(self->ppogatt),
		 self->max_payload);
	/* bytes that came before the owner opened go up after its open callback has run */
	if (self->held->len > 0 && self->flush_idle == 0)
		self->flush_idle = g_idle_add(flush_held, self);
	finish_open(self, NULL);
}

/* ---- the state machine's outputs --------------------------------------------------------------
 */

static void
take_events(WbLinkBle *self)
{
	guint events = wb_ppogatt_take_events(self->ppogatt);

	if (events & WB_PPOGATT_EVENT_RESET) {
		/* §10.12: a reset ends the Pebble Protocol session; bytes held for it are stale */
		g_byte_array_set_size(self->held, 0);
		self->session_ready = FALSE;
		if (wb_link_is_open(WB_LINK(self))) {
			g_autoptr(GError) error = g_error_new_literal(
				WB_ERROR, WB_ERROR_NOT_CONNECTED, "the PPoGATT link was reset");
			wb_link_emit_closed(WB_LINK(self), error);
		}
	}
	if (events & WB_PPOGATT_EVENT_OPENED) {
		if (self->open_task != NULL)
			become_open(self);
		else
			self->session_ready = TRUE;
	}
	if (events & WB_PPOGATT_EVENT_FAILED) {
		g_autoptr(GError) error = g_error_new_literal(
			WB_ERROR, WB_ERROR_TIMEOUT, "the PPoGATT handshake with the watch failed");
		teardown(self, error, TRUE);
	}
}

static void
pump(WbLinkBle *self)
{
	g_autoptr(WbLinkBle) keep = g_object_ref(self); /* signal handlers may drop the owner's */
	guint8 chunk[READ_CHUNK];
	gsize n;

	if (self->ppogatt == NULL)
		return;
	take_events(self);
	if (self->ppogatt == NULL)
		return;
	while ((n = wb_ppogatt_read(self->ppogatt, chunk, sizeof(chunk))) > 0) {
		if (wb_link_is_open(WB_LINK(self))) {
			g_autoptr(GBytes) bytes = g_bytes_new(chunk, n);
			wb_link_emit_received(WB_LINK(self), bytes);
			if (self->ppogatt == NULL)
				return;
		} else {
			g_byte_array_append(self->held, chunk, (guint)n);
		}
	}
	/* packets wait in the state machine until the watch subscribes; its timers recover */
	while (wb_bluez_gatt_app_get_notifying(self->app)) {
		g_autoptr(GBytes) packet = wb_ppogatt_pop_tx(self->ppogatt, g_get_monotonic_time());
		g_autoptr(GError) error = NULL;

		if (packet == NULL)
			break;
		if (!wb_bluez_gatt_app_notify(self->app, packet, &error))
			wb_debug("%s: %s", wb_link_get_target(WB_LINK(self)), error->message);
	}
	rearm(self);
}

/* ---- inputs -----------------------------------------------------------------------------------
 */

static void
on_packet(WbBluezGattApp *app, const gchar *device, guint mtu, GBytes *packet, gpointer user_data)
{
	WbLinkBle *self = user_data;
	g_autoptr(GError) error = NULL;
	const guint8 *data;
	gsize len;

	/* one application serves every connected device; take only our watch's packets */
	if (self->ppogatt == NULL || (*device != '\0' && g_strcmp0(device, self->device_path) != 0))
		return;
	if (mtu > 4) {
		/* §10.9: payload = ATT MTU - 3 (ATT header) - 1 (PPoGATT header) */
		gsize max_payload = MIN((gsize)mtu - 4, (gsize)WB_PPOGATT_MAX_PAYLOAD);
		if (max_payload != self->max_payload) {
			self->max_payload = max_payload;
			wb_ppogatt_set_max_payload(self->ppogatt, max_payload);
		}
	}
	data = g_bytes_get_data(packet, &len);
	if (!wb_ppogatt_receive(self->ppogatt, data, len, g_get_monotonic_time(), &error))
		wb_debug("%s: dropped a packet: %s", wb_link_get_target(WB_LINK(self)),
			 error->message);
	pump(self);
}

static void
on_notifying_changed(WbBluezGattApp *app, gboolean notifying, gpointer user_data)
{
	WbLinkBle *self = user_data;

	if (notifying)
		pump(self);
}

/* device-api.txt: Connected turns false when the LE link drops. */
static void
on_device_properties(GDBusConnection *connection, const gchar *sender, const gchar *path,
		     const gchar *interface, const gchar *signal, GVariant *parameters,
		     gpointer user_data)
{
	WbLinkBle *self = user_data;
	g_autoptr(GVariant) changed = NULL;
	const gchar *iface = NULL;
	gboolean connected = TRUE;

	if (!g_variant_is_of_type(parameters, G_VARIANT_TYPE("(sa{sv}as)")))
		return;
	g_variant_get(parameters, "(&s@a{sv}@as)", &iface, &changed, NULL);
	if (g_strcmp0(iface, "org.bluez.Device1") != 0)
		return;
	if (g_variant_lookup(changed, "Connected", "b", &connected) && !connected) {
		g_autoptr(GError) error =
			g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED, "%s disconnected",
				    wb_link_get_target(WB_LINK(self)));
		teardown(self, error, TRUE);
	}
}

static void
on_bluez_vanished(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	WbLinkBle *self = user_data;
	g_autoptr(GError) error =
		g_error_new_literal(WB_ERROR, WB_ERROR_NOT_CONNECTED, "bluetoothd went away");

	teardown(self, error, TRUE);
}

static gboolean
cancel_idle(gpointer user_data)
{
	WbLinkBle *self = user_data;

	/* the handshake may have completed since: then the open stands */
	if (self->open_task != NULL)
		teardown(self, NULL, TRUE);
	return G_SOURCE_REMOVE;
}

static void
on_cancelled(GCancellable *cancellable, gpointer user_data)
{
	WbLinkBle *self = user_data;

	/* from an idle: the cancellable's lock is held here */
	g_idle_add_full(G_PRIORITY_DEFAULT, cancel_idle, g_object_ref(self), g_object_unref);
}

/* Stops everything; fails a pending open; with @emit, emits "closed" (with @error) if the link
 * was open. */
static void
teardown(WbLinkBle *self, const GError *error, gboolean emit)
{
	/* "closed" handlers may drop the owner's reference (not from dispose: emit is FALSE) */
	g_autoptr(GObject) keep = emit ? g_object_ref(G_OBJECT(self)) : NULL;
	g_autoptr(GError) cancelled = NULL;
	gboolean was_running = self->ppogatt != NULL;

	g_clear_signal_handler(&self->packet_id, self->app);
	g_clear_signal_handler(&self->notifying_id, self->app);
	if (self->device_sub != 0) {
		g_dbus_connection_signal_unsubscribe(wb_bluez_gatt_app_get_connection(self->app),
						     self->device_sub);
		self->device_sub = 0;
	}
	g_clear_handle_id(&self->bluez_watch, g_bus_unwatch_name);
	g_clear_handle_id(&self->timer, g_source_remove);
	g_clear_handle_id(&self->flush_idle, g_source_remove);
	g_clear_pointer(&self->ppogatt, wb_ppogatt_free);
	if (self->held != NULL)
		g_byte_array_set_size(self->held, 0);
	self->session_ready = FALSE;
	if (self->open_task != NULL) {
		if (error == NULL)
			error = cancelled = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED,
								"the link was closed");
		finish_open(self, error);
	}
	if (emit && was_running && wb_link_is_open(WB_LINK(self)))
		wb_link_emit_closed(WB_LINK(self), error);
	wb_link_set_open(WB_LINK(self), FALSE);
}

static void
start(WbLinkBle *self)
{
	GDBusConnection *connection = wb_bluez_gatt_app_get_connection(self->app);
	WbPpogattConfig config;

	wb_ppogatt_config_init(&config, WB_PPOGATT_ROLE_PHONE);
	/* normal mode: the watch sends the first Reset Request (docs/ppogatt.md) */
	config.initiator = FALSE;
	self->ppogatt = wb_ppogatt_new(&config);
	self->max_payload = config.max_payload;
	self->packet_id = g_signal_connect(self->app, "packet", G_CALLBACK(on_packet), self);
	self->notifying_id = g_signal_connect(self->app, "notifying-changed",
					      G_CALLBACK(on_notifying_changed), self);
	self->device_sub = g_dbus_connection_signal_subscribe(
		connection, "org.bluez", "org.freedesktop.DBus.Properties", "PropertiesChanged",
		self->device_path, "org.bluez.Device1", G_DBUS_SIGNAL_FLAGS_NONE,
		on_device_properties, self, NULL);
	self->bluez_watch = g_bus_watch_name_on_connection(connection, "org.bluez",
							   G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
							   on_bluez_vanished, self, NULL);
	wb_ppogatt_start(self->ppogatt, g_get_monotonic_time());
	pump(self);
}

static void
wb_link_ble_open_async(WbLink *link, GCancellable *cancellable, GAsyncReadyCallback callback,
		       gpointer user_data)
{
	WbLinkBle *self = WB_LINK_BLE(link);
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);

	g_task_set_source_tag(task, wb_link_ble_open_async);
	if (self->open_task != NULL || wb_link_is_open(link)) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_BUSY, "the link is already %s",
					self->open_task != NULL ? "opening" : "open");
		return;
	}
	if (g_task_return_error_if_cancelled(task))
		return;
	self->open_task = g_steal_pointer(&task);
	if (cancellable != NULL)
		self->cancel_id =
			g_cancellable_connect(cancellable, G_CALLBACK(on_cancelled), self, NULL);
	if (self->ppogatt == NULL)
		start(self);
	else if (self->session_ready)
		become_open(self);
}

static gboolean
wb_link_ble_open_finish(WbLink *link, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, link), FALSE);
	return g_task_propagate_boolean(G_TASK(result), error);
}

static void
wb_link_ble_send(WbLink *link, GBytes *bytes)
{
	WbLinkBle *self = WB_LINK_BLE(link);
	const guint8 *data;
	gsize len;

	if (self->ppogatt == NULL)
		return;
	data = g_bytes_get_data(bytes, &len);
	if (!wb_ppogatt_write(self->ppogatt, data, len)) {
		/* dropping bytes would corrupt the stream: end the session instead */
		g_autoptr(GError) error = g_error_new(WB_ERROR, WB_ERROR_BUSY,
						      "more than %zu bytes queued for the watch",
						      (gsize)WB_PPOGATT_DEFAULT_MAX_QUEUE);
		wb_ppogatt_reset(self->ppogatt, g_get_monotonic_time());
		g_byte_array_set_size(self->held, 0);
		wb_link_emit_closed(link, error);
	}
	pump(self);
}

static void
wb_link_ble_close(WbLink *link)
{
	teardown(WB_LINK_BLE(link), NULL, TRUE);
}

static void
wb_link_ble_dispose(GObject *object)
{
	WbLinkBle *self = WB_LINK_BLE(object);

	if (self->app != NULL)
		teardown(self, NULL, FALSE);
	g_clear_object(&self->app);
	G_OBJECT_CLASS(wb_link_ble_parent_class)->dispose(object);
}

static void
wb_link_ble_finalize(GObject *object)
{
	WbLinkBle *self = WB_LINK_BLE(object);

	g_free(self->device_path);
	g_byte_array_unref(self->held);
	G_OBJECT_CLASS(wb_link_ble_parent_class)->finalize(object);
}

static void
wb_link_ble_class_init(WbLinkBleClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	WbLinkClass *link_class = WB_LINK_CLASS(klass);

	object_class->dispose = wb_link_ble_dispose;
	object_class->finalize = wb_link_ble_finalize;
	link_class->open_async = wb_link_ble_open_async;
	link_class->open_finish = wb_link_ble_open_finish;
	link_class->send = wb_link_ble_send;
	link_class->close = wb_link_ble_close;
}

static void
wb_link_ble_init(WbLinkBle *self)
{
	self->held = g_byte_array_new();
}
