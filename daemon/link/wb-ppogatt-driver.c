/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * What the two BLE links share around their WbPpogatt (docs/ppogatt.md): the one timer, the
 * open's GTask and its cancellation, the stream bytes held until the owner's open callback has
 * run, turning the state machine's events into the link's, and the device and org.bluez
 * watches that end the link. The owner (a WbLink subclass) keeps the driver from init to
 * finalize, moves the packets and tears itself down (WbPpogattDriverOps).
 *
 * @keep_listening picks what a PPoGATT reset of an open link does: in normal mode (the watch
 * writes to our GATT server) it ends the Pebble Protocol session only, and the link emits
 * "closed" but keeps following the watch; in the reversed modes it ends the link (LP3 treats
 * it as fatal too, §10.11).
 */
#define WB_LOG_MODULE "ble"
#include "wb-error.h"
#include "wb-log.h"
#include "wb-ppogatt-driver.h"

#define READ_CHUNK 4096

struct _WbPpogattDriver {
	WbLink *link; /* the owner; it owns us */
	const WbPpogattDriverOps *ops;
	gboolean keep_listening;
	WbPpogatt *ppogatt; /* NULL when not running */
	gint64 initiate_at; /* when we send our own Reset Request, 0 if not waiting */
	guint timer;
	guint flush_idle;
	GByteArray *held;       /* stream bytes of a session the owner has not seen opened yet */
	gboolean session_ready; /* a session opened while no open was pending */
	GTask *open_task;
	gulong cancel_id;
	GDBusConnection *connection; /* while following the device */
	guint device_sub;
	guint bluez_watch;
	gboolean watch_services_resolved;
};

/**
 * wb_ppogatt_driver_new:
 * @link: the owner, which keeps the driver until it is finalized
 * @ops: the owner's callbacks (static; not copied)
 * @keep_listening: whether a reset of an open link keeps it listening (normal mode)
 *
 * Returns: (transfer full): a new driver, not running
 */
WbPpogattDriver *
wb_ppogatt_driver_new(WbLink *link, const WbPpogattDriverOps *ops, gboolean keep_listening)
{
	WbPpogattDriver *d = g_new0(WbPpogattDriver, 1);

	d->link = link;
	d->ops = ops;
	d->keep_listening = keep_listening;
	d->held = g_byte_array_new();
	return d;
}

static void
unfollow_device(WbPpogattDriver *d)
{
	if (d->device_sub != 0) {
		g_dbus_connection_signal_unsubscribe(d->connection, d->device_sub);
		d->device_sub = 0;
	}
	g_clear_handle_id(&d->bluez_watch, g_bus_unwatch_name);
	g_clear_object(&d->connection);
}

/**
 * wb_ppogatt_driver_free:
 * @d: a driver
 *
 * From the owner's finalize (its dispose has stopped the driver).
 */
void
wb_ppogatt_driver_free(WbPpogattDriver *d)
{
	if (d == NULL)
		return;
	unfollow_device(d);
	g_clear_handle_id(&d->timer, g_source_remove);
	g_clear_handle_id(&d->flush_idle, g_source_remove);
	g_clear_pointer(&d->ppogatt, wb_ppogatt_free);
	g_byte_array_unref(d->held);
	g_free(d);
}

/**
 * wb_ppogatt_driver_get_ppogatt:
 * @d: a driver
 *
 * Returns: (transfer none) (nullable): the state machine, %NULL when not running
 */
WbPpogatt *
wb_ppogatt_driver_get_ppogatt(WbPpogattDriver *d)
{
	return d->ppogatt;
}

/**
 * wb_ppogatt_driver_get_version:
 * @d: a driver
 *
 * Returns: the PPoGATT version in use, 0 when not running
 */
guint8
wb_ppogatt_driver_get_version(WbPpogattDriver *d)
{
	return d->ppogatt != NULL ? wb_ppogatt_get_version(d->ppogatt) : 0;
}

/**
 * wb_ppogatt_driver_get_tx_window:
 * @d: a driver
 *
 * Returns: the negotiated transmit window, 0 when not running
 */
guint8
wb_ppogatt_driver_get_tx_window(WbPpogattDriver *d)
{
	return d->ppogatt != NULL ? wb_ppogatt_get_tx_window(d->ppogatt) : 0;
}

/**
 * wb_ppogatt_driver_get_rx_window:
 * @d: a driver
 *
 * Returns: the negotiated receive window, 0 when not running
 */
guint8
wb_ppogatt_driver_get_rx_window(WbPpogattDriver *d)
{
	return d->ppogatt != NULL ? wb_ppogatt_get_rx_window(d->ppogatt) : 0;
}

/* ---- timer ---------------------------------------------------------------------------------- */

static gboolean
on_timer(gpointer user_data)
{
	WbPpogattDriver *d = user_data;
	gint64 now = g_get_monotonic_time();

	d->timer = 0;
	if (d->ppogatt == NULL)
		return G_SOURCE_REMOVE;
	if (d->initiate_at != 0 && now >= d->initiate_at) {
		d->initiate_at = 0;
		/* §10.13: no Reset Request from the watch: a CFW watch waits for ours */
		if (wb_ppogatt_get_state(d->ppogatt) == WB_PPOGATT_STATE_CLOSED) {
			wb_debug("%s: no Reset Request from the watch, sending ours",
				 wb_link_get_target(d->link));
			wb_ppogatt_reset(d->ppogatt, now);
		}
	}
	wb_ppogatt_tick(d->ppogatt, now);
	wb_ppogatt_driver_pump(d);
	return G_SOURCE_REMOVE;
}

/* One timer, armed only while the state machine (or the wait for the watch's Reset Request)
 * has a deadline (docs/ppogatt.md "Timers"). */
static void
rearm(WbPpogattDriver *d)
{
	gint64 deadline;
	gint64 delay_us;

	g_clear_handle_id(&d->timer, g_source_remove);
	if (d->ppogatt == NULL)
		return;
	deadline = wb_ppogatt_next_deadline(d->ppogatt);
	if (d->initiate_at != 0)
		deadline = MIN(deadline, d->initiate_at);
	if (deadline == G_MAXINT64)
		return;
	delay_us = MAX(deadline - g_get_monotonic_time(), 0);
	/* round up: firing early would only re-arm */
	d->timer =
		g_timeout_add((guint)MIN((delay_us + 999) / 1000, (gint64)G_MAXUINT), on_timer, d);
}

/* ---- open ----------------------------------------------------------------------------------- */

static void
finish_open(WbPpogattDriver *d, const GError *error)
{
	g_autoptr(GTask) task = g_steal_pointer(&d->open_task);

	if (task == NULL)
		return;
	if (d->cancel_id != 0) {
		g_cancellable_disconnect(g_task_get_cancellable(task), d->cancel_id);
		d->cancel_id = 0;
	}
	if (error != NULL)
		g_task_return_error(task, g_error_copy(error));
	else
		g_task_return_boolean(task, TRUE);
}

static gboolean
flush_held(gpointer user_data)
{
	WbPpogattDriver *d = user_data;
	g_autoptr(GBytes) bytes = NULL;

	d->flush_idle = 0;
	if (!wb_link_is_open(d->link) || d->held->len == 0)
		return G_SOURCE_REMOVE;
	bytes = g_bytes_new(d->held->data, d->held->len);
	g_byte_array_set_size(d->held, 0);
	wb_link_emit_received(d->link, bytes);
	return G_SOURCE_REMOVE;
}

/* The session the PPoGATT handshake opened becomes the link's. */
static void
become_open(WbPpogattDriver *d)
{
	d->session_ready = FALSE;
	d->initiate_at = 0;
	wb_link_set_open(d->link, TRUE);
	if (d->ops->opened != NULL)
		d->ops->opened(d->link);
	/* bytes that came before the owner opened go up after its open callback has run */
	if (d->held->len > 0 && d->flush_idle == 0)
		d->flush_idle = g_idle_add(flush_held, d);
	finish_open(d, NULL);
}

static gboolean
cancel_idle(gpointer user_data)
{
	WbPpogattDriver *d = user_data;

	/* the handshake may have completed since: then the open stands */
	if (d->open_task != NULL)
		d->ops->close(d->link, NULL);
	return G_SOURCE_REMOVE;
}

static void
unref_owner(gpointer user_data)
{
	WbPpogattDriver *d = user_data;

	/* the owner's last reference frees @d */
	g_object_unref(d->link);
}

static void
on_cancelled(GCancellable *cancellable, gpointer user_data)
{
	WbPpogattDriver *d = user_data;

	/* from an idle: the cancellable's lock is held here. The idle keeps the owner, and with
	 * it @d, alive. */
	g_object_ref(d->link);
	g_idle_add_full(G_PRIORITY_DEFAULT, cancel_idle, d, unref_owner);
}

/**
 * wb_ppogatt_driver_open:
 * @d: a driver
 * @task: (transfer full): the owner's open_async() task
 *
 * Takes the open: fails it at once if the link is open or opening, or if it is cancelled;
 * completes it at once if a session opened meanwhile (normal mode, after a reset); otherwise
 * keeps it until the handshake completes.
 *
 * Returns: whether the owner must start its transport (the open is pending and the driver is
 * not running)
 */
gboolean
wb_ppogatt_driver_open(WbPpogattDriver *d, GTask *task)
{
	g_autoptr(GTask) owned = task;
	GCancellable *cancellable = g_task_get_cancellable(task);

	if (d->open_task != NULL || wb_link_is_open(d->link)) {
		g_task_return_new_error(owned, WB_ERROR, WB_ERROR_BUSY, "the link is already %s",
					d->open_task != NULL ? "opening" : "open");
		return FALSE;
	}
	if (g_task_return_error_if_cancelled(owned))
		return FALSE;
	d->open_task = g_steal_pointer(&owned);
	if (cancellable != NULL)
		d->cancel_id =
			g_cancellable_connect(cancellable, G_CALLBACK(on_cancelled), d, NULL);
	if (d->ppogatt == NULL)
		return TRUE;
	if (d->session_ready)
		become_open(d);
	return FALSE;
}

/**
 * wb_ppogatt_driver_open_finish:
 * @link: the owner
 * @result: the result passed to the open callback
 * @error: return location for a #GError
 *
 * The owner's #WbLinkClass.open_finish.
 *
 * Returns: whether the link opened
 */
gboolean
wb_ppogatt_driver_open_finish(WbLink *link, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, link), FALSE);
	return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- the device ----------------------------------------------------------------------------- */

/* device-api.txt: Connected (and in the reversed modes, where the watch's GATT database goes
 * with it, ServicesResolved) turns false when the LE link drops. */
static void
on_device_properties(GDBusConnection *connection, const gchar *sender, const gchar *path,
		     const gchar *interface, const gchar *signal, GVariant *parameters,
		     gpointer user_data)
{
	WbPpogattDriver *d = user_data;
	g_autoptr(GVariant) changed = NULL;
	g_autoptr(GVariant) connected = NULL;
	g_autoptr(GVariant) resolved = NULL;
	const gchar *iface = NULL;

	if (!g_variant_is_of_type(parameters, G_VARIANT_TYPE("(sa{sv}as)")))
		return;
	g_variant_get(parameters, "(&s@a{sv}@as)", &iface, &changed, NULL);
	if (g_strcmp0(iface, "org.bluez.Device1") != 0)
		return;
	connected = g_variant_lookup_value(changed, "Connected", G_VARIANT_TYPE_BOOLEAN);
	if (d->watch_services_resolved)
		resolved =
			g_variant_lookup_value(changed, "ServicesResolved", G_VARIANT_TYPE_BOOLEAN);
	if ((connected != NULL && !g_variant_get_boolean(connected)) ||
	    (resolved != NULL && !g_variant_get_boolean(resolved))) {
		g_autoptr(GError) error =
			g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED, "%s disconnected",
				    wb_link_get_target(d->link));
		d->ops->close(d->link, error);
	}
}

static void
on_bluez_vanished(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	WbPpogattDriver *d = user_data;
	g_autoptr(GError) error =
		g_error_new_literal(WB_ERROR, WB_ERROR_NOT_CONNECTED, "bluetoothd went away");

	d->ops->close(d->link, error);
}

/**
 * wb_ppogatt_driver_follow_device:
 * @d: a driver
 * @connection: the bus of org.bluez
 * @device_path: the watch's org.bluez.Device1 object path
 * @services_resolved: whether ServicesResolved turning false ends the link too
 *
 * Until wb_ppogatt_driver_stop(), closes the owner (#WbPpogattDriverOps.close) when the
 * device disconnects or org.bluez leaves the bus.
 */
void
wb_ppogatt_driver_follow_device(WbPpogattDriver *d, GDBusConnection *connection,
				const gchar *device_path, gboolean services_resolved)
{
	unfollow_device(d);
	d->connection = g_object_ref(connection);
	d->watch_services_resolved = services_resolved;
	d->device_sub = g_dbus_connection_signal_subscribe(
		connection, "org.bluez", "org.freedesktop.DBus.Properties", "PropertiesChanged",
		device_path, "org.bluez.Device1", G_DBUS_SIGNAL_FLAGS_NONE, on_device_properties, d,
		NULL);
	d->bluez_watch = g_bus_watch_name_on_connection(connection, "org.bluez",
							G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
							on_bluez_vanished, d, NULL);
}

/* ---- the state machine ---------------------------------------------------------------------- */

/**
 * wb_ppogatt_driver_start:
 * @d: a driver, not running
 * @config: the state machine's configuration
 * @initiate_delay_us: as a responder, send our own Reset Request if the watch has sent none
 *   after this long (§10.13, V1); 0 never
 *
 * Creates the state machine and starts the handshake.
 */
void
wb_ppogatt_driver_start(WbPpogattDriver *d, const WbPpogattConfig *config, gint64 initiate_delay_us)
{
	gint64 now = g_get_monotonic_time();

	g_return_if_fail(d->ppogatt == NULL);
	d->ppogatt = wb_ppogatt_new(config);
	d->initiate_at = initiate_delay_us > 0 ? now + initiate_delay_us : 0;
	wb_ppogatt_start(d->ppogatt, now);
	wb_ppogatt_driver_pump(d);
}

static void
take_events(WbPpogattDriver *d)
{
	guint events = wb_ppogatt_take_events(d->ppogatt);

	if (events & WB_PPOGATT_EVENT_RESET) {
		g_autoptr(GError) error = g_error_new_literal(WB_ERROR, WB_ERROR_NOT_CONNECTED,
							      "the PPoGATT link was reset");

		if (!d->keep_listening) {
			/* the session is over; simplest correct answer: the owner reconnects */
			d->ops->close(d->link, error);
			return;
		}
		/* §10.12: a reset ends the Pebble Protocol session; bytes held for it are stale */
		g_byte_array_set_size(d->held, 0);
		d->session_ready = FALSE;
		if (wb_link_is_open(d->link)) {
			wb_link_emit_closed(d->link, error);
			if (d->ppogatt == NULL)
				return; /* a "closed" handler closed the link */
		}
	}
	if (events & WB_PPOGATT_EVENT_FAILED) {
		g_autoptr(GError) error = g_error_new_literal(
			WB_ERROR, WB_ERROR_TIMEOUT, "the PPoGATT handshake with the watch failed");
		d->ops->close(d->link, error);
		return;
	}
	if (events & WB_PPOGATT_EVENT_OPENED) {
		if (d->open_task != NULL)
			become_open(d);
		else
			d->session_ready = TRUE;
	}
}

/**
 * wb_ppogatt_driver_pump:
 * @d: a driver
 *
 * Acts on the state machine's events, passes the stream bytes up, the packets down (while
 * #WbPpogattDriverOps.can_send says so) and re-arms the timer. After every input.
 */
void
wb_ppogatt_driver_pump(WbPpogattDriver *d)
{
	/* signal handlers may drop the owner's reference */
	g_autoptr(GObject) keep = g_object_ref(G_OBJECT(d->link));
	guint8 chunk[READ_CHUNK];
	gsize n;

	if (d->ppogatt == NULL)
		return;
	take_events(d);
	if (d->ppogatt == NULL)
		return;
	while ((n = wb_ppogatt_read(d->ppogatt, chunk, sizeof(chunk))) > 0) {
		if (wb_link_is_open(d->link) && d->held->len == 0 && d->flush_idle == 0) {
			g_autoptr(GBytes) bytes = g_bytes_new(chunk, n);

			wb_link_emit_received(d->link, bytes);
			if (d->ppogatt == NULL)
				return;
		} else {
			/* the owner's open callback has not run yet: keep the order */
			g_byte_array_append(d->held, chunk, (guint)n);
			if (wb_link_is_open(d->link) && d->flush_idle == 0)
				d->flush_idle = g_idle_add(flush_held, d);
		}
	}
	while (d->ops->can_send == NULL || d->ops->can_send(d->link)) {
		g_autoptr(GBytes) packet = wb_ppogatt_pop_tx(d->ppogatt, g_get_monotonic_time());

		if (packet == NULL)
			break;
		d->ops->send_packet(d->link, packet);
	}
	rearm(d);
}

/**
 * wb_ppogatt_driver_receive:
 * @d: a driver
 * @data: (array length=len): one PPoGATT packet from the watch, of any length
 * @len: its length
 *
 * Feeds the packet to the state machine (which checks it) and pumps.
 */
void
wb_ppogatt_driver_receive(WbPpogattDriver *d, const guint8 *data, gsize len)
{
	g_autoptr(GError) error = NULL;

	if (d->ppogatt == NULL)
		return;
	if (!wb_ppogatt_receive(d->ppogatt, data, len, g_get_monotonic_time(), &error))
		wb_debug("%s: dropped a packet of %zu bytes: %s", wb_link_get_target(d->link), len,
			 error->message);
	wb_ppogatt_driver_pump(d);
}

/**
 * wb_ppogatt_driver_send:
 * @d: a driver
 * @bytes: Pebble Protocol stream bytes for the watch
 *
 * The owner's #WbLinkClass.send. Bytes the state machine cannot queue end the session.
 */
void
wb_ppogatt_driver_send(WbPpogattDriver *d, GBytes *bytes)
{
	g_autoptr(GObject) keep = g_object_ref(G_OBJECT(d->link)); /* "closed" handlers */
	const guint8 *data;
	gsize len;

	if (d->ppogatt == NULL)
		return;
	data = g_bytes_get_data(bytes, &len);
	if (!wb_ppogatt_write(d->ppogatt, data, len)) {
		/* dropping bytes would corrupt the stream: end the session instead */
		g_autoptr(GError) error = g_error_new(WB_ERROR, WB_ERROR_BUSY,
						      "more than %zu bytes queued for the watch",
						      (gsize)WB_PPOGATT_DEFAULT_MAX_QUEUE);
		if (!d->keep_listening) {
			d->ops->close(d->link, error);
			return;
		}
		wb_ppogatt_reset(d->ppogatt, g_get_monotonic_time());
		g_byte_array_set_size(d->held, 0);
		wb_link_emit_closed(d->link, error);
	}
	wb_ppogatt_driver_pump(d);
}

/**
 * wb_ppogatt_driver_stop:
 * @d: a driver
 * @error: (nullable): why, %NULL for a deliberate close
 * @emit: whether to emit "closed" (%FALSE from dispose)
 * @was_running: whether the owner's link was running before its teardown began
 *
 * The end of the owner's teardown: stops everything, fails a pending open (with @error, or
 * as cancelled), emits "closed" with @error if @emit and the link was running and open, and
 * marks the link closed.
 */
void
wb_ppogatt_driver_stop(WbPpogattDriver *d, const GError *error, gboolean emit, gboolean was_running)
{
	/* "closed" handlers and the open's callback may drop the owner's reference (not from
	 * dispose: emit is FALSE) */
	g_autoptr(GObject) keep = emit ? g_object_ref(G_OBJECT(d->link)) : NULL;
	g_autoptr(GError) cancelled = NULL;

	unfollow_device(d);
	g_clear_handle_id(&d->timer, g_source_remove);
	g_clear_handle_id(&d->flush_idle, g_source_remove);
	g_clear_pointer(&d->ppogatt, wb_ppogatt_free);
	g_byte_array_set_size(d->held, 0);
	d->session_ready = FALSE;
	d->initiate_at = 0;
	if (d->open_task != NULL) {
		if (error == NULL)
			error = cancelled = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED,
								"the link was closed");
		finish_open(d, error);
	}
	if (emit && was_running && wb_link_is_open(d->link))
		wb_link_emit_closed(d->link, error);
	wb_link_set_open(d->link, FALSE);
}
