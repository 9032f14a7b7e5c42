/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The BLE link in the reversed modes (reference §10.13, §10.14, docs/ppogatt.md "Reversed
 * modes"): the watch hosts the PPoGATT service and we are its GATT client. We subscribe to the
 * watch's data characteristic (each notification is one PPoGATT packet, §10.9) and write ours
 * to its other data characteristic with Write Without Response. A WbPpogatt in the phone role
 * turns the packets into the Pebble Protocol byte stream. V2: we send the first Reset Request
 * right after subscribing (§10.14). V1: FW/DA watches send it, CFW watches wait for ours, so we
 * wait a second for the watch's and then send our own, as LP3 does (§10.13).
 *
 * Lifetime: open_async() completes when the PPoGATT handshake does. Unlike the normal-mode
 * link, a PPoGATT reset of an open link tears everything down (LP3 treats it as fatal too,
 * §10.11): the owner reconnects. So do a device disconnect, ServicesResolved turning false,
 * the characteristics going away, org.bluez vanishing, PPoGATT giving up, and
 * wb_link_close(). Opening again starts afresh.
 */
#include <gio/gunixfdlist.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WB_LOG_MODULE "ble"
#include "wb-error.h"
#include "wb-link-ble-client.h"
#include "wb-log.h"
#include "wb-ppogatt-driver.h"

#define IFACE_DEVICE "org.bluez.Device1"
#define IFACE_SVC    "org.bluez.GattService1"
#define IFACE_CHR    "org.bluez.GattCharacteristic1"
#define IFACE_PROPS  "org.freedesktop.DBus.Properties"

/* §10.2, §10.14 */
#define UUID_V1_SERVICE "30000003-328e-0fbb-c642-1aa6699bdada"
#define UUID_V1_NOTIFY  "30000004-328e-0fbb-c642-1aa6699bdada"
#define UUID_V1_WRITE   "30000006-328e-0fbb-c642-1aa6699bdada"
#define UUID_V2_SERVICE "40000000-328e-0fbb-c642-1aa6699bdada"
#define UUID_V2_NOTIFY  "40000001-328e-0fbb-c642-1aa6699bdada"
#define UUID_V2_WRITE   "40000003-328e-0fbb-c642-1aa6699bdada"

/* ATT: the default MTU, and the largest BlueZ negotiates */
#define ATT_DEFAULT_MTU 23
#define ATT_MAX_MTU     517
/* §10.13: how long a V1 link waits for an FW/DA watch's Reset Request before sending its own
 * (CFW watches only answer). LP3 waits 12 s; the FW/DA watch sends its request as soon as we
 * subscribe, so a second is plenty and keeps CFW connects quick. */
#define V1_INITIATE_DELAY_US (1 * G_USEC_PER_SEC)
#define CALL_TIMEOUT_MS      10000
/* larger than any packet, so a hostile over-long datagram arrives whole and is rejected */
#define SOCK_BUF (WB_PPOGATT_MAX_PACKET * 2)

struct _WbLinkBleClient {
	WbLink parent_instance;
	GDBusObjectManager *bluez;
	GDBusConnection *connection;
	gchar *device_path;
	WbLinkBleClientVariant variant;
	gint64 retransmit_timeout_us; /* 0: the WbPpogatt default */

	/* while running (between start() and teardown()) */
	gboolean running;
	GCancellable *ops; /* our D-Bus calls of this run */
	gchar *notify_path;
	gchar *write_path;
	gboolean write_command; /* the write characteristic takes Write Without Response */
	gboolean want_acquire_write;
	gboolean started_notify;
	guint notify_sub;
	gulong removed_id;
	GSocket *notify_sock;
	GSource *notify_source;
	GSocket *write_sock;
	guint16 mtu;
	WbPpogattDriver *driver; /* the state machine once subscribed, its timer and the open */
};

G_DEFINE_FINAL_TYPE(WbLinkBleClient, wb_link_ble_client, WB_TYPE_LINK)

static void teardown(WbLinkBleClient *self, const GError *error, gboolean emit);

/* ---- the watch's GATT database -------------------------------------------------------------- */

typedef struct {
	const gchar *service;
	const gchar *notify;
	const gchar *write;
} Uuids;

static const Uuids *
uuids_of(WbLinkBleClientVariant variant)
{
	static const Uuids v1 = {UUID_V1_SERVICE, UUID_V1_NOTIFY, UUID_V1_WRITE};
	static const Uuids v2 = {UUID_V2_SERVICE, UUID_V2_NOTIFY, UUID_V2_WRITE};

	switch (variant) {
	case WB_LINK_BLE_CLIENT_V1:
		return &v1;
	case WB_LINK_BLE_CLIENT_V2:
		return &v2;
	case WB_LINK_BLE_CLIENT_NONE:
		break;
	}
	return NULL;
}

/* A cached property of @iface on @object, only if it has @type (bluetoothd is a peer we do
 * not trust to get types right). Transfer full. */
static GVariant *
cached_property(GDBusObject *object, const gchar *iface, const gchar *name,
		const GVariantType *type)
{
	g_autoptr(GDBusInterface) interface = g_dbus_object_get_interface(object, iface);
	GVariant *value;

	if (interface == NULL || !G_IS_DBUS_PROXY(interface))
		return NULL;
	value = g_dbus_proxy_get_cached_property(G_DBUS_PROXY(interface), name);
	if (value != NULL && !g_variant_is_of_type(value, type))
		g_clear_pointer(&value, g_variant_unref);
	return value;
}

static gboolean
cached_bool(GDBusObject *object, const gchar *iface, const gchar *name, gboolean fallback)
{
	g_autoptr(GVariant) v = cached_property(object, iface, name, G_VARIANT_TYPE_BOOLEAN);

	return v != NULL ? g_variant_get_boolean(v) : fallback;
}

static gboolean
has_uuid(GDBusObject *object, const gchar *iface, const gchar *uuid)
{
	g_autoptr(GVariant) v = cached_property(object, iface, "UUID", G_VARIANT_TYPE_STRING);

	return v != NULL && g_ascii_strcasecmp(g_variant_get_string(v, NULL), uuid) == 0;
}

static gboolean
has_flag(GDBusObject *object, const gchar *flag)
{
	g_autoptr(GVariant) v = cached_property(object, IFACE_CHR, "Flags", G_VARIANT_TYPE("as"));
	g_autofree const gchar **flags = NULL;

	if (v == NULL)
		return FALSE;
	flags = g_variant_get_strv(v, NULL);
	return g_strv_contains(flags, flag);
}

static gboolean
path_is_under(const gchar *path, const gchar *parent)
{
	gsize n = strlen(parent);

	return strncmp(path, parent, n) == 0 && path[n] == '/';
}

/* The characteristic @uuid of the service at @service_path (device-api.txt: BlueZ puts it
 * under the service's path, and its Service property names the service). */
static GDBusObject *
find_characteristic(GList *objects, const gchar *service_path, const gchar *uuid)
{
	for (GList *l = objects; l != NULL; l = l->next) {
		const gchar *path = g_dbus_object_get_object_path(l->data);
		g_autoptr(GVariant) service = NULL;

		if (!path_is_under(path, service_path) || !has_uuid(l->data, IFACE_CHR, uuid))
			continue;
		service =
			cached_property(l->data, IFACE_CHR, "Service", G_VARIANT_TYPE_OBJECT_PATH);
		if (service != NULL && g_strcmp0(g_variant_get_string(service, NULL), service_path))
			continue;
		return l->data;
	}
	return NULL;
}

/* Finds @variant's service and data characteristics under @device_path. Returns the
 * characteristic objects (transfer none: they belong to @objects) or FALSE with an error
 * naming what is missing. */
static gboolean
find_endpoints(GList *objects, const gchar *device_path, WbLinkBleClientVariant variant,
	       GDBusObject **out_notify, GDBusObject **out_write, GError **error)
{
	const Uuids *uuids = uuids_of(variant);
	const gchar *service_path = NULL;

	if (uuids == NULL) {
		g_set_error_literal(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
				    "no reversed PPoGATT variant given");
		return FALSE;
	}
	for (GList *l = objects; l != NULL && service_path == NULL; l = l->next) {
		const gchar *path = g_dbus_object_get_object_path(l->data);

		if (path_is_under(path, device_path) &&
		    has_uuid(l->data, IFACE_SVC, uuids->service))
			service_path = path;
	}
	if (service_path == NULL) {
		g_set_error(error, WB_ERROR, WB_ERROR_NOT_SUPPORTED,
			    "the watch offers no reversed PPoGATT service %s", uuids->service);
		return FALSE;
	}
	*out_notify = find_characteristic(objects, service_path, uuids->notify);
	*out_write = find_characteristic(objects, service_path, uuids->write);
	if (*out_notify == NULL || *out_write == NULL) {
		g_set_error(
			error, WB_ERROR, WB_ERROR_NOT_SUPPORTED,
			"the watch's reversed PPoGATT service %s lacks its %s characteristic %s",
			uuids->service, *out_notify == NULL ? "watch-to-phone" : "phone-to-watch",
			*out_notify == NULL ? uuids->notify : uuids->write);
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_link_ble_client_detect:
 * @bluez: the object manager of org.bluez
 * @device_path: the watch's org.bluez.Device1 object path
 *
 * Which reversed PPoGATT service the watch's resolved GATT database offers, with both data
 * characteristics. V2 wins when both are there (reference §10.14).
 *
 * Returns: the variant to use, %WB_LINK_BLE_CLIENT_NONE if neither is offered
 */
WbLinkBleClientVariant
wb_link_ble_client_detect(GDBusObjectManager *bluez, const gchar *device_path)
{
	g_autolist(GDBusObject) objects = NULL;
	GDBusObject *notify = NULL;
	GDBusObject *write = NULL;

	g_return_val_if_fail(bluez == NULL || G_IS_DBUS_OBJECT_MANAGER(bluez),
			     WB_LINK_BLE_CLIENT_NONE);
	if (bluez == NULL || device_path == NULL)
		return WB_LINK_BLE_CLIENT_NONE;
	objects = g_dbus_object_manager_get_objects(bluez);
	if (find_endpoints(objects, device_path, WB_LINK_BLE_CLIENT_V2, &notify, &write, NULL))
		return WB_LINK_BLE_CLIENT_V2;
	if (find_endpoints(objects, device_path, WB_LINK_BLE_CLIENT_V1, &notify, &write, NULL))
		return WB_LINK_BLE_CLIENT_V1;
	return WB_LINK_BLE_CLIENT_NONE;
}

/**
 * wb_link_ble_client_variant_to_mode:
 * @v: a variant
 *
 * Returns: the mode's name as the daemon reports it: "ppogatt-reversed" (V1),
 * "ppogatt-reversed-v2", or %NULL for %WB_LINK_BLE_CLIENT_NONE
 */
const gchar *
wb_link_ble_client_variant_to_mode(WbLinkBleClientVariant v)
{
	switch (v) {
	case WB_LINK_BLE_CLIENT_V1:
		return "ppogatt-reversed";
	case WB_LINK_BLE_CLIENT_V2:
		return "ppogatt-reversed-v2";
	case WB_LINK_BLE_CLIENT_NONE:
		break;
	}
	return NULL;
}

/* ---- construction and getters --------------------------------------------------------------- */

/**
 * wb_link_ble_client_new:
 * @bluez: the object manager client of org.bluez (the one #WbBluezClient keeps)
 * @device_path: the watch's org.bluez.Device1 object path
 * @address: the watch's Bluetooth address, the link's target
 * @variant: which reversed service to use, from wb_link_ble_client_detect()
 *
 * Returns: (transfer full): a new "ble" link in which we are the watch's GATT client
 */
WbLink *
wb_link_ble_client_new(GDBusObjectManager *bluez, const gchar *device_path, const gchar *address,
		       WbLinkBleClientVariant variant)
{
	WbLinkBleClient *self;

	g_return_val_if_fail(G_IS_DBUS_OBJECT_MANAGER_CLIENT(bluez), NULL);
	g_return_val_if_fail(g_variant_is_object_path(device_path), NULL);
	g_return_val_if_fail(address != NULL, NULL);
	g_return_val_if_fail(variant == WB_LINK_BLE_CLIENT_V1 || variant == WB_LINK_BLE_CLIENT_V2,
			     NULL);

	self = g_object_new(WB_TYPE_LINK_BLE_CLIENT, "transport", "ble", "target", address, NULL);
	self->bluez = g_object_ref(bluez);
	self->connection = g_object_ref(
		g_dbus_object_manager_client_get_connection(G_DBUS_OBJECT_MANAGER_CLIENT(bluez)));
	self->device_path = g_strdup(device_path);
	self->variant = variant;
	return WB_LINK(self);
}

/**
 * wb_link_ble_client_get_variant:
 * @self: a #WbLinkBleClient
 *
 * Returns: the reversed variant this link uses
 */
WbLinkBleClientVariant
wb_link_ble_client_get_variant(WbLinkBleClient *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE_CLIENT(self), WB_LINK_BLE_CLIENT_NONE);
	return self->variant;
}

/**
 * wb_link_ble_client_get_mtu:
 * @self: a #WbLinkBleClient
 *
 * Returns: the ATT MTU in use, 0 when not subscribed
 */
guint16
wb_link_ble_client_get_mtu(WbLinkBleClient *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE_CLIENT(self), 0);
	return wb_ppogatt_driver_get_ppogatt(self->driver) != NULL ? self->mtu : 0;
}

/**
 * wb_link_ble_client_get_tx_window:
 * @self: a #WbLinkBleClient
 *
 * Returns: the negotiated transmit window, 0 when not running
 */
guint8
wb_link_ble_client_get_tx_window(WbLinkBleClient *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE_CLIENT(self), 0);
	return wb_ppogatt_driver_get_tx_window(self->driver);
}

/**
 * wb_link_ble_client_get_rx_window:
 * @self: a #WbLinkBleClient
 *
 * Returns: the negotiated receive window, 0 when not running
 */
guint8
wb_link_ble_client_get_rx_window(WbLinkBleClient *self)
{
	g_return_val_if_fail(WB_IS_LINK_BLE_CLIENT(self), 0);
	return wb_ppogatt_driver_get_rx_window(self->driver);
}

/**
 * wb_link_ble_client_set_retransmit_timeout:
 * @self: a #WbLinkBleClient
 * @ms: the PPoGATT retransmission and handshake timeout, 0 for the default (5 s)
 *
 * For tests on lossy simulated links; takes effect at the next open.
 */
void
wb_link_ble_client_set_retransmit_timeout(WbLinkBleClient *self, guint ms)
{
	g_return_if_fail(WB_IS_LINK_BLE_CLIENT(self));
	self->retransmit_timeout_us = (gint64)ms * 1000;
}

/* ---- the driver's callbacks ----------------------------------------------------------------- */

static void
write_value_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	/* a lost write is PPoGATT's to recover */
	if (ret == NULL && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		wb_debug("WriteValue on the watch's PPoGATT characteristic: %s", error->message);
}

/* one packet to the watch's phone-to-watch data characteristic */
static void
write_packet(WbLink *link, GBytes *packet)
{
	WbLinkBleClient *self = WB_LINK_BLE_CLIENT(link);
	gsize len;
	const guint8 *data = g_bytes_get_data(packet, &len);
	GVariantBuilder options;

	if (self->write_sock != NULL) {
		g_autoptr(GError) error = NULL;

		if (g_socket_send(self->write_sock, (const gchar *)data, len, NULL, &error) >= 0)
			return;
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			return; /* the controller's queue is full: as a lost packet */
		/* gatt-api.txt: the fd is gone (bluetoothd closed it); WriteValue still works */
		wb_debug("%s: AcquireWrite socket: %s, falling back to WriteValue",
			 wb_link_get_target(WB_LINK(self)), error->message);
		g_socket_close(self->write_sock, NULL);
		g_clear_object(&self->write_sock);
	}
	g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
	/* gatt-api.txt: "command" is Write Without Response, "request" a Write Request */
	g_variant_builder_add(&options, "{sv}", "type",
			      g_variant_new_string(self->write_command ? "command" : "request"));
	g_dbus_connection_call(
		self->connection, "org.bluez", self->write_path, IFACE_CHR, "WriteValue",
		g_variant_new("(@aya{sv})",
			      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1),
			      &options),
		NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS, self->ops, write_value_done,
		NULL);
}

static void
opened(WbLink *link)
{
	WbLinkBleClient *self = WB_LINK_BLE_CLIENT(link);

	wb_debug("%s: reversed PPoGATT (%s) v%u open, windows tx %u rx %u, ATT MTU %u",
		 wb_link_get_target(link), wb_link_ble_client_variant_to_mode(self->variant),
		 wb_ppogatt_driver_get_version(self->driver),
		 wb_ppogatt_driver_get_tx_window(self->driver),
		 wb_ppogatt_driver_get_rx_window(self->driver), self->mtu);
}

static void
close_link(WbLink *link, const GError *error)
{
	teardown(WB_LINK_BLE_CLIENT(link), error, TRUE);
}

/* Unlike the normal-mode link, a reset ends the link (see the top of the file). */
static const WbPpogattDriverOps driver_ops = {
	.send_packet = write_packet,
	.opened = opened,
	.close = close_link,
};

/* ---- inputs --------------------------------------------------------------------------------- */

/* One notification from the watch: one PPoGATT packet (§10.9), of any length a hostile peer
 * likes; wb_ppogatt_receive() checks it. */
static void
receive_packet(WbLinkBleClient *self, const guint8 *data, gsize len)
{
	if (wb_ppogatt_driver_get_ppogatt(self->driver) == NULL)
		return;
	if (len == 0) {
		wb_debug("%s: empty notification ignored", wb_link_get_target(WB_LINK(self)));
		return;
	}
	wb_ppogatt_driver_receive(self->driver, data, len);
}

/* StartNotify: each notification is a PropertiesChanged(Value) on the characteristic */
static void
on_notify_properties(GDBusConnection *connection, const gchar *sender, const gchar *path,
		     const gchar *interface, const gchar *signal, GVariant *parameters,
		     gpointer user_data)
{
	WbLinkBleClient *self = user_data;
	g_autoptr(GVariant) changed = NULL;
	g_autoptr(GVariant) value = NULL;
	const gchar *iface = NULL;
	const guint8 *data;
	gsize len;

	if (!self->started_notify ||
	    !g_variant_is_of_type(parameters, G_VARIANT_TYPE("(sa{sv}as)")))
		return;
	g_variant_get(parameters, "(&s@a{sv}@as)", &iface, &changed, NULL);
	if (g_strcmp0(iface, IFACE_CHR) != 0)
		return;
	value = g_variant_lookup_value(changed, "Value", G_VARIANT_TYPE_BYTESTRING);
	if (value == NULL)
		return;
	data = g_variant_get_fixed_array(value, &len, 1);
	receive_packet(self, data, len);
}

/* AcquireNotify: each notification is one datagram on the socket */
static gboolean
on_notify_socket(GSocket *socket, GIOCondition condition, gpointer user_data)
{
	WbLinkBleClient *self = user_data;
	g_autoptr(WbLinkBleClient) keep = g_object_ref(self);
	guint8 buf[SOCK_BUF];

	for (;;) {
		g_autoptr(GError) error = NULL;
		gssize n = g_socket_receive(socket, (gchar *)buf, sizeof(buf), NULL, &error);

		if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			return G_SOURCE_CONTINUE;
		/* SEQPACKET: 0 is an empty datagram unless the peer has hung up */
		if (n < 0 ||
		    (n == 0 && g_socket_condition_check(socket, G_IO_HUP | G_IO_ERR) != 0)) {
			g_autoptr(GError) closed =
				g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED,
					    "bluetoothd closed the notification socket of %s",
					    wb_link_get_target(WB_LINK(self)));
			/* the source is destroyed by teardown() */
			teardown(self, closed, TRUE);
			return G_SOURCE_REMOVE;
		}
		receive_packet(self, buf, (gsize)n);
		if (self->notify_sock != socket)
			return G_SOURCE_REMOVE; /* torn down meanwhile */
	}
}

/* device-api.txt: Connected or ServicesResolved turn false when the LE link drops */
static void
on_object_removed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
	WbLinkBleClient *self = user_data;
	const gchar *path = g_dbus_object_get_object_path(object);

	if (g_strcmp0(path, self->notify_path) == 0 || g_strcmp0(path, self->write_path) == 0 ||
	    g_strcmp0(path, self->device_path) == 0) {
		g_autoptr(GError) error =
			g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED,
				    "the reversed PPoGATT characteristics of %s went away",
				    wb_link_get_target(WB_LINK(self)));
		teardown(self, error, TRUE);
	}
}

/* ---- teardown ------------------------------------------------------------------------------- */

/* Stops everything; fails a pending open; with @emit, emits "closed" (with @error) if the link
 * was open. */
static void
teardown(WbLinkBleClient *self, const GError *error, gboolean emit)
{
	gboolean was_running = self->running;

	if (self->started_notify && self->ops != NULL && !g_cancellable_is_cancelled(self->ops))
		/* gatt-api.txt: StopNotify; bluetoothd also drops it if we leave the bus */
		g_dbus_connection_call(self->connection, "org.bluez", self->notify_path, IFACE_CHR,
				       "StopNotify", NULL, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
				       CALL_TIMEOUT_MS, NULL, NULL, NULL);
	self->running = FALSE;
	self->started_notify = FALSE;
	if (self->ops != NULL)
		g_cancellable_cancel(self->ops);
	g_clear_object(&self->ops);
	if (self->notify_sub != 0) {
		g_dbus_connection_signal_unsubscribe(self->connection, self->notify_sub);
		self->notify_sub = 0;
	}
	g_clear_signal_handler(&self->removed_id, self->bluez);
	if (self->notify_source != NULL) {
		g_source_destroy(self->notify_source);
		g_clear_pointer(&self->notify_source, g_source_unref);
	}
	if (self->notify_sock != NULL)
		g_socket_close(self->notify_sock, NULL);
	g_clear_object(&self->notify_sock);
	if (self->write_sock != NULL)
		g_socket_close(self->write_sock, NULL);
	g_clear_object(&self->write_sock);
	g_clear_pointer(&self->notify_path, g_free);
	g_clear_pointer(&self->write_path, g_free);
	self->mtu = 0;
	wb_ppogatt_driver_stop(self->driver, error, emit, was_running);
}

/* ---- start ---------------------------------------------------------------------------------- */

/* Subscribed, and the write path chosen: the PPoGATT handshake starts. */
static void
begin_ppogatt(WbLinkBleClient *self)
{
	WbPpogattConfig config;

	wb_ppogatt_config_init(&config, WB_PPOGATT_ROLE_PHONE);
	/* §10.14: V2, the phone sends the first Reset Request right after subscribing. §10.13:
	 * V1, an FW/DA watch sends it, a CFW watch waits for ours; as responder we take the
	 * watch's, and send our own if none came (wb-ppogatt-driver.c) */
	config.initiator = self->variant == WB_LINK_BLE_CLIENT_V2;
	/* §10.9: ATT MTU - 3 (ATT header) - 1 (PPoGATT header) */
	config.max_payload = MIN((gsize)self->mtu - 4, (gsize)WB_PPOGATT_MAX_PAYLOAD);
	if (self->retransmit_timeout_us > 0)
		config.retransmit_timeout_us = self->retransmit_timeout_us;
	wb_debug("%s: subscribed to %s (%s), writing %s (%s), ATT MTU %u",
		 wb_link_get_target(WB_LINK(self)), self->notify_path,
		 self->notify_sock != NULL ? "AcquireNotify" : "StartNotify", self->write_path,
		 self->write_sock != NULL ? "AcquireWrite" : "WriteValue", self->mtu);
	wb_ppogatt_driver_start(self->driver, &config, config.initiator ? 0 : V1_INITIATE_DELAY_US);
}

static void
set_mtu(WbLinkBleClient *self, guint mtu)
{
	/* only a plausible MTU replaces the one we have */
	if (mtu >= ATT_DEFAULT_MTU && mtu <= ATT_MAX_MTU)
		self->mtu = (guint16)mtu;
}

/* gatt-api.txt AcquireNotify/AcquireWrite: "(hq)", a SEQPACKET socket and the MTU. Anything
 * else is refused (and its fd closed): the caller falls back. Returns the socket, or NULL. */
static GSocket *
socket_from_reply(WbLinkBleClient *self, GVariant *ret, GUnixFDList *fds, const gchar *what)
{
	g_autoptr(GError) error = NULL;
	GSocket *sock;
	gint32 handle = -1;
	guint16 mtu = 0;
	gint fd;
	gint type = 0;
	socklen_t type_len = sizeof(type);

	g_variant_get(ret, "(hq)", &handle, &mtu);
	if (fds == NULL || handle < 0 || handle >= g_unix_fd_list_get_length(fds)) {
		wb_debug("%s: %s returned no fd", wb_link_get_target(WB_LINK(self)), what);
		return NULL;
	}
	fd = g_unix_fd_list_get(fds, handle, &error);
	if (fd < 0) {
		wb_debug("%s: %s: %s", wb_link_get_target(WB_LINK(self)), what, error->message);
		return NULL;
	}
	/* a packet per datagram needs a SEQPACKET (or datagram) socket */
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) < 0 ||
	    (type != SOCK_SEQPACKET && type != SOCK_DGRAM)) {
		wb_debug("%s: %s returned an fd that is not a packet socket",
			 wb_link_get_target(WB_LINK(self)), what);
		close(fd);
		return NULL;
	}
	sock = g_socket_new_from_fd(fd, &error);
	if (sock == NULL) {
		wb_debug("%s: %s: %s", wb_link_get_target(WB_LINK(self)), what, error->message);
		return NULL;
	}
	g_socket_set_blocking(sock, FALSE);
	set_mtu(self, mtu);
	return sock;
}

static void
acquire_write_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbLinkBleClient) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GUnixFDList) fds = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_with_unix_fd_list_finish(
		G_DBUS_CONNECTION(source), &fds, result, &error);

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
		return;
	if (ret != NULL)
		self->write_sock = socket_from_reply(self, ret, fds, "AcquireWrite");
	else
		wb_debug("%s: AcquireWrite: %s, using WriteValue",
			 wb_link_get_target(WB_LINK(self)), error->message);
	begin_ppogatt(self);
}

static void
choose_write(WbLinkBleClient *self)
{
	if (!self->want_acquire_write) {
		begin_ppogatt(self);
		return;
	}
	g_dbus_connection_call_with_unix_fd_list(
		self->connection, "org.bluez", self->write_path, IFACE_CHR, "AcquireWrite",
		g_variant_new_parsed("(@a{sv} {},)"), G_VARIANT_TYPE("(hq)"),
		G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS, NULL, self->ops,
		acquire_write_done, g_object_ref(self));
}

static void
start_notify_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbLinkBleClient) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
		return;
	if (ret == NULL) {
		g_autoptr(GError) failed = NULL;

		g_dbus_error_strip_remote_error(error);
		failed = g_error_new(WB_ERROR, WB_ERROR_FAILED,
				     "cannot subscribe to the watch's PPoGATT characteristic: %s",
				     error->message);
		teardown(self, failed, TRUE);
		return;
	}
	self->started_notify = TRUE;
	choose_write(self);
}

static void
start_notify(WbLinkBleClient *self)
{
	/* notifications arrive as PropertiesChanged(Value): listen before subscribing */
	self->notify_sub = g_dbus_connection_signal_subscribe(
		self->connection, "org.bluez", IFACE_PROPS, "PropertiesChanged", self->notify_path,
		IFACE_CHR, G_DBUS_SIGNAL_FLAGS_NONE, on_notify_properties, self, NULL);
	g_dbus_connection_call(self->connection, "org.bluez", self->notify_path, IFACE_CHR,
			       "StartNotify", NULL, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
			       CALL_TIMEOUT_MS, self->ops, start_notify_done, g_object_ref(self));
}

static void
acquire_notify_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbLinkBleClient) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GUnixFDList) fds = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_with_unix_fd_list_finish(
		G_DBUS_CONNECTION(source), &fds, result, &error);

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
		return;
	if (ret != NULL)
		self->notify_sock = socket_from_reply(self, ret, fds, "AcquireNotify");
	else
		wb_debug("%s: AcquireNotify: %s", wb_link_get_target(WB_LINK(self)),
			 error->message);
	if (self->notify_sock == NULL) {
		start_notify(self);
		return;
	}
	self->notify_source =
		g_socket_create_source(self->notify_sock, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
	g_source_set_callback(self->notify_source, G_SOURCE_FUNC(on_notify_socket), self, NULL);
	g_source_attach(self->notify_source, NULL);
	choose_write(self);
}

/* Finds the characteristics and subscribes; FALSE with an error if the watch cannot do it. */
static gboolean
start(WbLinkBleClient *self, GError **error)
{
	g_autolist(GDBusObject) objects = NULL;
	g_autoptr(GDBusObject) device = NULL;
	g_autoptr(GVariant) mtu = NULL;
	g_autofree gchar *owner = g_dbus_object_manager_client_get_name_owner(
		G_DBUS_OBJECT_MANAGER_CLIENT(self->bluez));
	GDBusObject *notify = NULL;
	GDBusObject *write = NULL;
	gboolean acquire_notify;

	if (owner == NULL) {
		g_set_error_literal(error, WB_ERROR, WB_ERROR_BLUETOOTH_UNAVAILABLE,
				    "bluetoothd is not on the bus");
		return FALSE;
	}
	device = g_dbus_object_manager_get_object(self->bluez, self->device_path);
	if (device == NULL) {
		g_set_error(error, WB_ERROR, WB_ERROR_DEVICE_NOT_FOUND, "BlueZ does not know %s",
			    self->device_path);
		return FALSE;
	}
	if (!cached_bool(device, IFACE_DEVICE, "Connected", FALSE) ||
	    !cached_bool(device, IFACE_DEVICE, "ServicesResolved", FALSE)) {
		g_set_error(error, WB_ERROR, WB_ERROR_NOT_CONNECTED,
			    "%s is not connected with its services resolved",
			    wb_link_get_target(WB_LINK(self)));
		return FALSE;
	}
	objects = g_dbus_object_manager_get_objects(self->bluez);
	if (!find_endpoints(objects, self->device_path, self->variant, &notify, &write, error))
		return FALSE;

	self->running = TRUE;
	self->ops = g_cancellable_new();
	self->notify_path = g_strdup(g_dbus_object_get_object_path(notify));
	self->write_path = g_strdup(g_dbus_object_get_object_path(write));
	/* §10.13: the data characteristics take Write Without Response; a watch that offers
	 * only Write Request gets requests */
	self->write_command =
		has_flag(write, "write-without-response") || !has_flag(write, "write");
	/* gatt-api.txt: the Acquire* methods exist when the NotifyAcquired/WriteAcquired
	 * properties do; AcquireWrite only for Write Without Response */
	acquire_notify = has_flag(notify, "notify") &&
			 !cached_bool(notify, IFACE_CHR, "NotifyAcquired", TRUE);
	self->want_acquire_write = has_flag(write, "write-without-response") &&
				   !cached_bool(write, IFACE_CHR, "WriteAcquired", TRUE);
	/* BlueZ 5.62+ publishes the MTU; the Acquire* replies override it */
	self->mtu = ATT_DEFAULT_MTU;
	mtu = cached_property(notify, IFACE_CHR, "MTU", G_VARIANT_TYPE_UINT16);
	if (mtu != NULL)
		set_mtu(self, g_variant_get_uint16(mtu));

	/* device-api.txt: Connected or ServicesResolved turn false when the LE link drops */
	wb_ppogatt_driver_follow_device(self->driver, self->connection, self->device_path, TRUE);
	self->removed_id = g_signal_connect(self->bluez, "object-removed",
					    G_CALLBACK(on_object_removed), self);
	if (acquire_notify)
		g_dbus_connection_call_with_unix_fd_list(
			self->connection, "org.bluez", self->notify_path, IFACE_CHR,
			"AcquireNotify", g_variant_new_parsed("(@a{sv} {},)"),
			G_VARIANT_TYPE("(hq)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS,
			NULL, self->ops, acquire_notify_done, g_object_ref(self));
	else
		start_notify(self);
	return TRUE;
}

static void
wb_link_ble_client_open_async(WbLink *link, GCancellable *cancellable, GAsyncReadyCallback callback,
			      gpointer user_data)
{
	WbLinkBleClient *self = WB_LINK_BLE_CLIENT(link);
	GTask *task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GError) error = NULL;

	g_task_set_source_tag(task, wb_link_ble_client_open_async);
	if (wb_ppogatt_driver_open(self->driver, task) && !start(self, &error))
		teardown(self, error, FALSE);
}

static void
wb_link_ble_client_send(WbLink *link, GBytes *bytes)
{
	/* an overflow tears the link down */
	wb_ppogatt_driver_send(WB_LINK_BLE_CLIENT(link)->driver, bytes);
}

static void
wb_link_ble_client_close(WbLink *link)
{
	teardown(WB_LINK_BLE_CLIENT(link), NULL, TRUE);
}

static void
wb_link_ble_client_dispose(GObject *object)
{
	WbLinkBleClient *self = WB_LINK_BLE_CLIENT(object);

	if (self->bluez != NULL)
		teardown(self, NULL, FALSE);
	g_clear_object(&self->bluez);
	g_clear_object(&self->connection);
	G_OBJECT_CLASS(wb_link_ble_client_parent_class)->dispose(object);
}

static void
wb_link_ble_client_finalize(GObject *object)
{
	WbLinkBleClient *self = WB_LINK_BLE_CLIENT(object);

	g_free(self->device_path);
	wb_ppogatt_driver_free(self->driver);
	G_OBJECT_CLASS(wb_link_ble_client_parent_class)->finalize(object);
}

static void
wb_link_ble_client_class_init(WbLinkBleClientClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	WbLinkClass *link_class = WB_LINK_CLASS(klass);

	object_class->dispose = wb_link_ble_client_dispose;
	object_class->finalize = wb_link_ble_client_finalize;
	link_class->open_async = wb_link_ble_client_open_async;
	link_class->open_finish = wb_ppogatt_driver_open_finish;
	link_class->send = wb_link_ble_client_send;
	link_class->close = wb_link_ble_client_close;
}

static void
wb_link_ble_client_init(WbLinkBleClient *self)
{
	/* reversed modes: a reset of an open link ends the link */
	self->driver = wb_ppogatt_driver_new(WB_LINK(self), &driver_ops, FALSE);
}
