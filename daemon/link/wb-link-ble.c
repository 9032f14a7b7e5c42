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
#include "wb-ppogatt-driver.h"

struct _WbLinkBle {
	WbLink parent_instance;
	WbBluezGattApp *app;
	gchar *device_path;
	WbPpogattDriver *driver; /* the state machine, its timer and the open */
	gulong packet_id;
	gulong notifying_id;
	gsize max_payload;
};

G_DEFINE_FINAL_TYPE(WbLinkBle, wb_link_ble, WB_TYPE_LINK)

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
	return wb_ppogatt_driver_get_version(self->driver);
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
	return wb_ppogatt_driver_get_tx_window(self->driver);
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
	return wb_ppogatt_driver_get_rx_window(self->driver);
}

/**
 * wb_link_ble_get_stats:
 * @self: a #WbLinkBle
 * @out_stats: (out caller-allocates): the PPoGATT counters, zero when not running
 *
 * The counters survive PPoGATT resets, not a device disconnect (benchmarks, diagnostics).
 */
void
wb_link_ble_get_stats(WbLinkBle *self, WbPpogattStats *out_stats)
{
	WbPpogatt *ppogatt;

	memset(out_stats, 0, sizeof(*out_stats));
	g_return_if_fail(WB_IS_LINK_BLE(self));
	ppogatt = wb_ppogatt_driver_get_ppogatt(self->driver);
	if (ppogatt != NULL)
		wb_ppogatt_get_stats(ppogatt, out_stats);
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
	return wb_ppogatt_driver_get_ppogatt(self->driver) != NULL &&
	       !wb_link_is_open(WB_LINK(self));
}

/* ---- the driver's callbacks ----------------------------------------------------------------- */

/* packets wait in the state machine until the watch subscribes; its timers recover */
static gboolean
can_send(WbLink *link)
{
	return wb_bluez_gatt_app_get_notifying(WB_LINK_BLE(link)->app);
}

static void
send_packet(WbLink *link, GBytes *packet)
{
	g_autoptr(GError) error = NULL;

	if (!wb_bluez_gatt_app_notify(WB_LINK_BLE(link)->app, packet, &error))
		wb_debug("%s: %s", wb_link_get_target(link), error->message);
}

static void
opened(WbLink *link)
{
	WbLinkBle *self = WB_LINK_BLE(link);

	wb_debug("%s: PPoGATT v%u open, windows tx %u rx %u, %zu bytes per packet",
		 wb_link_get_target(link), wb_ppogatt_driver_get_version(self->driver),
		 wb_ppogatt_driver_get_tx_window(self->driver),
		 wb_ppogatt_driver_get_rx_window(self->driver), self->max_payload);
}

/* Stops everything; fails a pending open; with @emit, emits "closed" (with @error) if the link
 * was open. */
static void
teardown(WbLinkBle *self, const GError *error, gboolean emit)
{
	gboolean was_running = wb_ppogatt_driver_get_ppogatt(self->driver) != NULL;

	g_clear_signal_handler(&self->packet_id, self->app);
	g_clear_signal_handler(&self->notifying_id, self->app);
	wb_ppogatt_driver_stop(self->driver, error, emit, was_running);
}

static void
close_link(WbLink *link, const GError *error)
{
	teardown(WB_LINK_BLE(link), error, TRUE);
}

static const WbPpogattDriverOps driver_ops = {
	.can_send = can_send,
	.send_packet = send_packet,
	.opened = opened,
	.close = close_link,
};

/* ---- inputs -----------------------------------------------------------------------------------
 */

static void
on_packet(WbBluezGattApp *app, const gchar *device, guint mtu, GBytes *packet, gpointer user_data)
{
	WbLinkBle *self = user_data;
	WbPpogatt *ppogatt = wb_ppogatt_driver_get_ppogatt(self->driver);
	const guint8 *data;
	gsize len;

	/* one application serves every connected device; take only our watch's packets */
	if (ppogatt == NULL || (*device != '\0' && g_strcmp0(device, self->device_path) != 0))
		return;
	if (mtu > 4) {
		/* §10.9: payload = ATT MTU - 3 (ATT header) - 1 (PPoGATT header) */
		gsize max_payload = MIN((gsize)mtu - 4, (gsize)WB_PPOGATT_MAX_PAYLOAD);
		if (max_payload != self->max_payload) {
			self->max_payload = max_payload;
			wb_ppogatt_set_max_payload(ppogatt, max_payload);
		}
	}
	data = g_bytes_get_data(packet, &len);
	wb_ppogatt_driver_receive(self->driver, data, len);
}

static void
on_notifying_changed(WbBluezGattApp *app, gboolean notifying, gpointer user_data)
{
	WbLinkBle *self = user_data;

	if (notifying)
		wb_ppogatt_driver_pump(self->driver);
}

static void
start(WbLinkBle *self)
{
	WbPpogattConfig config;

	wb_ppogatt_config_init(&config, WB_PPOGATT_ROLE_PHONE);
	/* normal mode: the watch sends the first Reset Request (docs/ppogatt.md) */
	config.initiator = FALSE;
	self->max_payload = config.max_payload;
	self->packet_id = g_signal_connect(self->app, "packet", G_CALLBACK(on_packet), self);
	self->notifying_id = g_signal_connect(self->app, "notifying-changed",
					      G_CALLBACK(on_notifying_changed), self);
	/* device-api.txt: Connected turns false when the LE link drops */
	wb_ppogatt_driver_follow_device(self->driver, wb_bluez_gatt_app_get_connection(self->app),
					self->device_path, FALSE);
	wb_ppogatt_driver_start(self->driver, &config, 0);
}

static void
wb_link_ble_open_async(WbLink *link, GCancellable *cancellable, GAsyncReadyCallback callback,
		       gpointer user_data)
{
	WbLinkBle *self = WB_LINK_BLE(link);
	GTask *task = g_task_new(self, cancellable, callback, user_data);

	g_task_set_source_tag(task, wb_link_ble_open_async);
	/* a session the watch opened after a reset completes the open at once */
	if (wb_ppogatt_driver_open(self->driver, task))
		start(self);
}

static void
wb_link_ble_send(WbLink *link, GBytes *bytes)
{
	/* an overflow resets the PPoGATT session and emits "closed"; the link keeps listening */
	wb_ppogatt_driver_send(WB_LINK_BLE(link)->driver, bytes);
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
	wb_ppogatt_driver_free(self->driver);
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
	link_class->open_finish = wb_ppogatt_driver_open_finish;
	link_class->send = wb_link_ble_send;
	link_class->close = wb_link_ble_close;
}

static void
wb_link_ble_init(WbLinkBle *self)
{
	/* normal mode: a reset of an open link ends the session, not the link */
	self->driver = wb_ppogatt_driver_new(WB_LINK(self), &driver_ops, TRUE);
}
