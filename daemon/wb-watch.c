/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A known watch: its identity, its link target and the policy that keeps it connected.
 * While it is wanted (auto-connect) and away, it retries with exponential backoff
 * (ReconnectMinSeconds doubling to ReconnectMaxSeconds, reset after a session opens). Once
 * connected and idle it arms no timer at all.
 */
#include <string.h>

#define WB_LOG_MODULE "watch"
#include "wb-error.h"
#include "wb-link-ble.h"
#include "wb-link-emulator.h"
#include "wb-log.h"
#include "wb-watch.h"

struct _WbWatch {
	GObject parent_instance;
	WbConfig config;
	gchar *id;
	gchar *transport;
	gchar *target;
	gchar *host;
	guint16 port;
	/* identity, as the watch last reported it */
	gchar *name;
	gchar *address;
	gchar *model;
	gchar *platform;
	gchar *firmware;
	gchar *serial;
	gboolean auto_connect;
	gint64 last_connected;
	gchar *last_error;
	/* the open link, as Watch1.LinkMode/LinkMtu/LinkWindow show it */
	gchar *link_mode;
	guint link_mtu;
	guint link_tx_window;
	guint link_rx_window;

	WbBluetooth *bluetooth; /* NULL for an emulator watch */
	gulong wake_id;
	gboolean stale; /* the watch lost our bond: wait for the user, do not retry */

	WbWatchState state;
	WbLink *link;
	WbSession *session;
	GCancellable *cancellable;
	guint retry_id;
	guint backoff_s;
	GPtrArray *services;
	gboolean shut_down;
};

G_DEFINE_FINAL_TYPE(WbWatch, wb_watch, G_TYPE_OBJECT)

enum {
	PROP_0,
	PROP_NAME,
	PROP_ADDRESS,
	PROP_MODEL,
	PROP_PLATFORM,
	PROP_FIRMWARE_VERSION,
	PROP_SERIAL,
	PROP_TRANSPORT,
	PROP_TARGET,
	PROP_STATE,
	PROP_CONNECTED,
	PROP_AUTO_CONNECT,
	PROP_LAST_CONNECTED,
	PROP_LAST_ERROR,
	PROP_LINK_MODE,
	PROP_LINK_MTU,
	PROP_LINK_TX_WINDOW,
	PROP_LINK_RX_WINDOW,
	N_PROPS
};
static GParamSpec *props[N_PROPS];

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

const gchar *
wb_watch_state_to_string(WbWatchState state)
{
	switch (state) {
	case WB_WATCH_STATE_DISCONNECTED:
		return "disconnected";
	case WB_WATCH_STATE_CONNECTING:
		return "connecting";
	case WB_WATCH_STATE_HANDSHAKING:
		return "handshaking";
	case WB_WATCH_STATE_CONNECTED:
		return "connected";
	}
	return "disconnected";
}

static void attempt(WbWatch *self);

static void
set_state(WbWatch *self, WbWatchState state)
{
	gboolean was_connected = self->state == WB_WATCH_STATE_CONNECTED;
	if (self->state == state)
		return;
	self->state = state;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STATE]);
	if (was_connected != (state == WB_WATCH_STATE_CONNECTED))
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_CONNECTED]);
}

/* Replaces a string property, notifying only on a real change. */
static void
set_string(WbWatch *self, gchar **field, const gchar *value, guint prop)
{
	if (g_strcmp0(*field, value) == 0)
		return;
	g_free(*field);
	*field = g_strdup(value);
	g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

static void
set_uint(WbWatch *self, guint *field, guint value, guint prop)
{
	if (*field == value)
		return;
	*field = value;
	g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

/* What Watch1 shows of the link: filled when a session opens, cleared when it ends. */
static void
set_link_info(WbWatch *self, WbLink *link)
{
	WbBluetoothLinkInfo info = {0};

	if (link != NULL && self->bluetooth != NULL)
		wb_bluetooth_get_link_info(link, &info);
	else if (link != NULL)
		info.mode = wb_link_get_transport(link);
	set_string(self, &self->link_mode, info.mode != NULL ? info.mode : "", PROP_LINK_MODE);
	set_uint(self, &self->link_mtu, info.mtu, PROP_LINK_MTU);
	set_uint(self, &self->link_tx_window, info.tx_window, PROP_LINK_TX_WINDOW);
	set_uint(self, &self->link_rx_window, info.rx_window, PROP_LINK_RX_WINDOW);
}

static gboolean
retry_cb(gpointer user_data)
{
	WbWatch *self = user_data;
	self->retry_id = 0;
	attempt(self);
	return G_SOURCE_REMOVE;
}

static void
schedule_retry(WbWatch *self)
{
	if (!self->auto_connect || self->shut_down || self->retry_id != 0)
		return;
	wb_watch_info(self->id, "retrying in %u s", self->backoff_s);
	self->retry_id = g_timeout_add_seconds(self->backoff_s, retry_cb, self);
	self->backoff_s = MIN(self->backoff_s * 2, self->config.reconnect_max_s);
}

static void
drop_link(WbWatch *self)
{
	g_cancellable_cancel(self->cancellable);
	g_clear_object(&self->cancellable);
	if (self->session != NULL) {
		g_signal_handlers_disconnect_by_data(self->session, self);
		wb_session_close(self->session);
		g_clear_object(&self->session);
	}
	if (self->link != NULL) {
		wb_link_close(self->link);
		g_clear_object(&self->link);
	}
}

static void
detach_services(WbWatch *self)
{
	for (guint i = 0; i < self->services->len; i++)
		wb_service_detach(g_ptr_array_index(self->services, i));
}

static gchar *
name_from_address(const guint8 *bt_address)
{
	/* as the watch names itself: the two least significant octets, octet 1 then 0 (§10.3) */
	return g_strdup_printf("Pebble %02X%02X", bt_address[1], bt_address[0]);
}

static void open_cb(GObject *source, GAsyncResult *result, gpointer user_data);

static void
session_opened_cb(WbSession *session, gpointer user_data)
{
	WbWatch *self = user_data;
	const WbWatchVersion *v = wb_session_get_watch_version(session);
	g_autofree gchar *address = wb_watch_version_address_to_string(v);
	g_autofree gchar *name = name_from_address(v->bt_address);

	g_object_freeze_notify(G_OBJECT(self));
	set_string(self, &self->address, address, PROP_ADDRESS);
	set_string(self, &self->name, name, PROP_NAME);
	set_string(self, &self->model, wb_hw_platform_to_model(v->running.hw_platform), PROP_MODEL);
	set_string(self, &self->platform, wb_hw_platform_to_platform(v->running.hw_platform),
		   PROP_PLATFORM);
	set_string(self, &self->firmware, v->running.version_tag, PROP_FIRMWARE_VERSION);
	set_string(self, &self->serial, v->serial, PROP_SERIAL);
	set_string(self, &self->last_error, "", PROP_LAST_ERROR);
	self->last_connected = g_get_real_time() / G_USEC_PER_SEC;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_CONNECTED]);
	set_state(self, WB_WATCH_STATE_CONNECTED);
	set_link_info(self, self->link);
	g_object_thaw_notify(G_OBJECT(self));

	self->backoff_s = self->config.reconnect_min_s;
	wb_watch_message(self->id, "connected: %s %s, firmware %s", self->model, self->address,
			 self->firmware);
	g_signal_emit(self, signals[SIGNAL_CHANGED], 0);
	for (guint i = 0; i < self->services->len; i++)
		wb_service_attach(g_ptr_array_index(self->services, i), session);
}

static void
session_closed_cb(WbSession *session, const GError *error, gpointer user_data)
{
	WbWatch *self = user_data;
	g_autoptr(WbWatch) keep = g_object_ref(self);
	gboolean was_connected = self->state == WB_WATCH_STATE_CONNECTED;

	detach_services(self);
	g_signal_handlers_disconnect_by_data(session, self);
	g_clear_object(&self->session);
	set_link_info(self, NULL);
	if (error != NULL)
		set_string(self, &self->last_error, error->message, PROP_LAST_ERROR);
	if (was_connected)
		wb_watch_message(self->id, "disconnected%s%s", error != NULL ? ": " : "",
				 error != NULL ? error->message : "");
	/* a PPoGATT reset ends the session, not the link: the watch's next session opens on it
	 * (docs/ppogatt.md) */
	if (self->link != NULL && WB_IS_LINK_BLE(self->link) &&
	    wb_link_ble_is_listening(WB_LINK_BLE(self->link)) && !self->shut_down) {
		set_state(self, WB_WATCH_STATE_CONNECTING);
		g_clear_object(&self->cancellable);
		self->cancellable = g_cancellable_new();
		wb_link_open_async(self->link, self->cancellable, open_cb, g_object_ref(self));
		return;
	}
	g_clear_object(&self->link);
	set_state(self, WB_WATCH_STATE_DISCONNECTED);
	schedule_retry(self);
}

static void
start_session(WbWatch *self)
{
	set_state(self, WB_WATCH_STATE_HANDSHAKING);
	self->session = wb_session_new(self->link, &self->config, self->id);
	g_signal_connect(self->session, "opened", G_CALLBACK(session_opened_cb), self);
	g_signal_connect(self->session, "closed", G_CALLBACK(session_closed_cb), self);
	wb_session_start(self->session);
}

static void
open_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbWatch) self = user_data;
	g_autoptr(GError) error = NULL;
	WbLink *link = WB_LINK(source);

	if (!wb_link_open_finish(link, result, &error)) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		wb_watch_info(self->id, "cannot connect: %s", error->message);
		set_string(self, &self->last_error, error->message, PROP_LAST_ERROR);
		if (self->link == link)
			g_clear_object(&self->link);
		set_state(self, WB_WATCH_STATE_DISCONNECTED);
		schedule_retry(self);
		return;
	}
	if (self->link != link || self->shut_down) {
		wb_link_close(link);
		return;
	}
	start_session(self);
}

/* Whether waiting for a backoff is pointless: only an event (Bluetooth on, the watch back in
 * BlueZ, resume) can help, and it wakes the watch. */
static gboolean
error_waits_for_event(const GError *error)
{
	return error->domain == WB_ERROR &&
	       (error->code == WB_ERROR_BLUETOOTH_UNAVAILABLE ||
		error->code == WB_ERROR_NO_ADAPTER || error->code == WB_ERROR_ADAPTER_OFF ||
		error->code == WB_ERROR_DEVICE_NOT_FOUND);
}

static void
bluetooth_open_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbWatch) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(WbLink) link = wb_bluetooth_connect_finish(WB_BLUETOOTH(source), result, &error);

	if (link == NULL) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		set_string(self, &self->last_error, error->message, PROP_LAST_ERROR);
		set_state(self, WB_WATCH_STATE_DISCONNECTED);
		if (g_error_matches(error, WB_ERROR, WB_ERROR_STALE_BOND)) {
			/* retrying cannot help; Connect() or pairing again clears it */
			self->stale = TRUE;
			wb_watch_warning(self->id, "%s", error->message);
			return;
		}
		if (error_waits_for_event(error)) {
			wb_watch_info(self->id, "cannot connect: %s; waiting for Bluetooth",
				      error->message);
			return;
		}
		wb_watch_info(self->id, "cannot connect: %s", error->message);
		schedule_retry(self);
		return;
	}
	if (self->shut_down || self->state != WB_WATCH_STATE_CONNECTING) {
		wb_link_close(link);
		return;
	}
	self->link = g_steal_pointer(&link);
	start_session(self);
}

static void
attempt(WbWatch *self)
{
	if (self->shut_down || self->state != WB_WATCH_STATE_DISCONNECTED)
		return;
	g_clear_handle_id(&self->retry_id, g_source_remove);
	if (self->stale)
		return;
	set_state(self, WB_WATCH_STATE_CONNECTING);
	wb_watch_debug(self->id, "connecting to %s over %s", self->target, self->transport);
	g_clear_object(&self->cancellable);
	self->cancellable = g_cancellable_new();
	if (self->bluetooth != NULL) {
		wb_bluetooth_connect_async(self->bluetooth, self->target, self->transport,
					   self->cancellable, bluetooth_open_cb,
					   g_object_ref(self));
		return;
	}
	self->link = wb_link_emulator_new(self->host, self->port);
	wb_link_open_async(self->link, self->cancellable, open_cb, g_object_ref(self));
}

static void
wake_cb(WbBluetooth *bluetooth, const gchar *address, gpointer user_data)
{
	WbWatch *self = user_data;

	if (address != NULL && g_ascii_strcasecmp(address, self->target) != 0)
		return;
	if (!self->auto_connect || self->stale || self->shut_down ||
	    self->state != WB_WATCH_STATE_DISCONNECTED)
		return;
	self->backoff_s = self->config.reconnect_min_s;
	attempt(self);
}

/**
 * wb_watch_start:
 * @self: the watch
 *
 * Starts connecting if the watch is wanted (at daemon start).
 */
void
wb_watch_start(WbWatch *self)
{
	if (self->auto_connect)
		attempt(self);
}

/**
 * wb_watch_connect:
 * @self: the watch
 *
 * Wants the watch connected: connects now, with the backoff reset.
 */
void
wb_watch_connect(WbWatch *self)
{
	if (!self->auto_connect) {
		self->auto_connect = TRUE;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_AUTO_CONNECT]);
		g_signal_emit(self, signals[SIGNAL_CHANGED], 0);
	}
	self->backoff_s = self->config.reconnect_min_s;
	self->stale = FALSE;
	g_clear_handle_id(&self->retry_id, g_source_remove);
	attempt(self);
}

/**
 * wb_watch_disconnect:
 * @self: the watch
 *
 * Closes the session and stops reconnecting until wb_watch_connect().
 */
void
wb_watch_disconnect(WbWatch *self)
{
	if (self->auto_connect) {
		self->auto_connect = FALSE;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_AUTO_CONNECT]);
		g_signal_emit(self, signals[SIGNAL_CHANGED], 0);
	}
	g_clear_handle_id(&self->retry_id, g_source_remove);
	detach_services(self);
	drop_link(self);
	set_link_info(self, NULL);
	set_state(self, WB_WATCH_STATE_DISCONNECTED);
	set_string(self, &self->last_error, "", PROP_LAST_ERROR);
}

/**
 * wb_watch_shutdown:
 * @self: the watch
 *
 * Closes everything for good (daemon exit or Forget), without changing what is stored.
 */
void
wb_watch_shutdown(WbWatch *self)
{
	self->shut_down = TRUE;
	g_clear_handle_id(&self->retry_id, g_source_remove);
	detach_services(self);
	drop_link(self);
	set_state(self, WB_WATCH_STATE_DISCONNECTED);
}

void
wb_watch_add_service(WbWatch *self, WbService *service)
{
	g_ptr_array_add(self->services, g_object_ref(service));
	if (self->session != NULL && wb_session_get_state(self->session) == WB_SESSION_STATE_OPEN)
		wb_service_attach(service, self->session);
}

/**
 * wb_watch_get_service:
 * @self: the watch
 * @type: a #WbService subtype
 *
 * Returns: (transfer none) (nullable): the watch's service of that type
 */
WbService *
wb_watch_get_service(WbWatch *self, GType type)
{
	for (guint i = 0; i < self->services->len; i++) {
		WbService *s = g_ptr_array_index(self->services, i);
		if (G_TYPE_CHECK_INSTANCE_TYPE(s, type))
			return s;
	}
	return NULL;
}

const gchar *
wb_watch_get_id(WbWatch *self)
{
	return self->id;
}

const gchar *
wb_watch_get_transport(WbWatch *self)
{
	return self->transport;
}

const gchar *
wb_watch_get_target(WbWatch *self)
{
	return self->target;
}

WbWatchState
wb_watch_get_state(WbWatch *self)
{
	return self->state;
}

gboolean
wb_watch_get_auto_connect(WbWatch *self)
{
	return self->auto_connect;
}

/**
 * wb_watch_get_session:
 * @self: the watch
 *
 * Returns: (transfer none) (nullable): the open session, or %NULL
 */
WbSession *
wb_watch_get_session(WbWatch *self)
{
	if (self->session == NULL || wb_session_get_state(self->session) != WB_SESSION_STATE_OPEN)
		return NULL;
	return self->session;
}

static WbWatch *
watch_new(const gchar *host, guint16 port, const WbConfig *config)
{
	WbWatch *self = g_object_new(WB_TYPE_WATCH, NULL);
	g_autoptr(WbLink) probe = wb_link_emulator_new(host, port);

	wb_config_copy(&self->config, config);
	self->backoff_s = config->reconnect_min_s;
	self->host = g_strdup(host);
	self->port = port;
	self->transport = g_strdup("emulator");
	self->target = g_strdup(wb_link_get_target(probe));
	self->id = wb_emulator_target_to_id(host, port);
	self->auto_connect = TRUE;
	return self;
}

/**
 * wb_watch_new_emulator:
 * @host: the emulator's host
 * @port: its port
 * @config: the daemon's configuration
 *
 * Returns: (transfer full): a new watch reached through the emulator link
 */
WbWatch *
wb_watch_new_emulator(const gchar *host, guint16 port, const WbConfig *config)
{
	return watch_new(host, port, config);
}

/**
 * wb_watch_new_bluetooth:
 * @address: the watch's Bluetooth address
 * @transport: "ble" or "rfcomm"
 * @bluetooth: the daemon's Bluetooth
 * @config: the daemon's configuration
 *
 * Returns: (transfer full): a new watch reached over Bluetooth
 */
WbWatch *
wb_watch_new_bluetooth(const gchar *address, const gchar *transport, WbBluetooth *bluetooth,
		       const WbConfig *config)
{
	WbWatch *self = g_object_new(WB_TYPE_WATCH, NULL);

	g_return_val_if_fail(wb_bluetooth_address_is_valid(address), NULL);
	wb_config_copy(&self->config, config);
	self->backoff_s = config->reconnect_min_s;
	self->transport = g_strdup(transport);
	self->target = g_ascii_strup(address, -1);
	self->address = g_strdup(self->target);
	self->id = wb_bluetooth_address_to_id(address);
	self->auto_connect = TRUE;
	self->bluetooth = g_object_ref(bluetooth);
	self->wake_id = g_signal_connect(bluetooth, "wake", G_CALLBACK(wake_cb), self);
	return self;
}

/**
 * wb_watch_new_from_stored:
 * @stored: a watch from the store
 * @config: the daemon's configuration
 * @bluetooth: the daemon's Bluetooth, for Bluetooth watches
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the watch, or %NULL if the stored row is unusable
 */
WbWatch *
wb_watch_new_from_stored(const WbStoredWatch *stored, const WbConfig *config,
			 WbBluetooth *bluetooth, GError **error)
{
	g_autofree gchar *host = NULL;
	guint16 port = 0;
	WbWatch *self;

	if (g_strcmp0(stored->transport, "ble") == 0 ||
	    g_strcmp0(stored->transport, "rfcomm") == 0) {
		if (!wb_bluetooth_address_is_valid(stored->target)) {
			g_set_error(error, WB_ERROR, WB_ERROR_FAILED,
				    "stored target '%s' is not a Bluetooth address",
				    stored->target);
			return NULL;
		}
		self = wb_watch_new_bluetooth(stored->target, stored->transport, bluetooth, config);
	} else if (g_strcmp0(stored->transport, "emulator") == 0) {
		if (!wb_emulator_address_parse(stored->target, &host, &port, error))
			return NULL;
		self = watch_new(host, port, config);
	} else {
		g_set_error(error, WB_ERROR, WB_ERROR_NOT_SUPPORTED,
			    "transport '%s' is not supported by this build", stored->transport);
		return NULL;
	}
	if (g_strcmp0(self->id, stored->id) != 0) {
		g_set_error(error, WB_ERROR, WB_ERROR_FAILED, "stored id '%s' does not match '%s'",
			    stored->id, stored->target);
		g_object_unref(self);
		return NULL;
	}
	g_free(self->address);
	self->name = g_strdup(stored->name);
	self->address = g_strdup(stored->address);
	self->model = g_strdup(stored->model);
	self->platform = g_strdup(stored->platform);
	self->firmware = g_strdup(stored->firmware);
	self->serial = g_strdup(stored->serial);
	self->auto_connect = stored->auto_connect;
	self->last_connected = stored->last_connected;
	return self;
}

/**
 * wb_watch_to_stored:
 * @self: the watch
 *
 * Returns: (transfer full): what the store keeps of the watch
 */
WbStoredWatch *
wb_watch_to_stored(WbWatch *self)
{
	WbStoredWatch *w = g_new0(WbStoredWatch, 1);
	w->id = g_strdup(self->id);
	w->transport = g_strdup(self->transport);
	w->target = g_strdup(self->target);
	w->name = g_strdup(self->name);
	w->address = g_strdup(self->address);
	w->model = g_strdup(self->model);
	w->platform = g_strdup(self->platform);
	w->firmware = g_strdup(self->firmware);
	w->serial = g_strdup(self->serial);
	w->auto_connect = self->auto_connect;
	w->last_connected = self->last_connected;
	return w;
}

static void
wb_watch_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	WbWatch *self = WB_WATCH(object);
	switch (prop_id) {
	case PROP_NAME:
		g_value_set_string(value, self->name != NULL ? self->name : "");
		break;
	case PROP_ADDRESS:
		g_value_set_string(value, self->address != NULL ? self->address : "");
		break;
	case PROP_MODEL:
		g_value_set_string(value, self->model != NULL ? self->model : "");
		break;
	case PROP_PLATFORM:
		g_value_set_string(value, self->platform != NULL ? self->platform : "");
		break;
	case PROP_FIRMWARE_VERSION:
		g_value_set_string(value, self->firmware != NULL ? self->firmware : "");
		break;
	case PROP_SERIAL:
		g_value_set_string(value, self->serial != NULL ? self->serial : "");
		break;
	case PROP_TRANSPORT:
		g_value_set_string(value, self->transport);
		break;
	case PROP_TARGET:
		g_value_set_string(value, self->target);
		break;
	case PROP_STATE:
		g_value_set_string(value, wb_watch_state_to_string(self->state));
		break;
	case PROP_CONNECTED:
		g_value_set_boolean(value, self->state == WB_WATCH_STATE_CONNECTED);
		break;
	case PROP_AUTO_CONNECT:
		g_value_set_boolean(value, self->auto_connect);
		break;
	case PROP_LAST_CONNECTED:
		g_value_set_uint64(value, (guint64)MAX(self->last_connected, 0));
		break;
	case PROP_LAST_ERROR:
		g_value_set_string(value, self->last_error != NULL ? self->last_error : "");
		break;
	case PROP_LINK_MODE:
		g_value_set_string(value, self->link_mode != NULL ? self->link_mode : "");
		break;
	case PROP_LINK_MTU:
		g_value_set_uint(value, self->link_mtu);
		break;
	case PROP_LINK_TX_WINDOW:
		g_value_set_uint(value, self->link_tx_window);
		break;
	case PROP_LINK_RX_WINDOW:
		g_value_set_uint(value, self->link_rx_window);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
wb_watch_dispose(GObject *object)
{
	WbWatch *self = WB_WATCH(object);
	self->shut_down = TRUE;
	g_clear_handle_id(&self->retry_id, g_source_remove);
	if (self->services != NULL)
		detach_services(self);
	drop_link(self);
	g_clear_pointer(&self->services, g_ptr_array_unref);
	if (self->bluetooth != NULL)
		g_clear_signal_handler(&self->wake_id, self->bluetooth);
	g_clear_object(&self->bluetooth);
	G_OBJECT_CLASS(wb_watch_parent_class)->dispose(object);
}

static void
wb_watch_finalize(GObject *object)
{
	WbWatch *self = WB_WATCH(object);
	wb_config_clear(&self->config);
	g_free(self->id);
	g_free(self->transport);
	g_free(self->target);
	g_free(self->host);
	g_free(self->name);
	g_free(self->address);
	g_free(self->model);
	g_free(self->platform);
	g_free(self->firmware);
	g_free(self->serial);
	g_free(self->last_error);
	g_free(self->link_mode);
	G_OBJECT_CLASS(wb_watch_parent_class)->finalize(object);
}

static GParamSpec *
string_prop(const gchar *name)
{
	return g_param_spec_string(name, NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
wb_watch_class_init(WbWatchClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = wb_watch_get_property;
	object_class->dispose = wb_watch_dispose;
	object_class->finalize = wb_watch_finalize;

	/* names match the D-Bus properties' (hyphenated) so the API binds them one to one */
	props[PROP_NAME] = string_prop("name");
	props[PROP_ADDRESS] = string_prop("address");
	props[PROP_MODEL] = string_prop("model");
	props[PROP_PLATFORM] = string_prop("platform");
	props[PROP_FIRMWARE_VERSION] = string_prop("firmware-version");
	props[PROP_SERIAL] = string_prop("serial");
	props[PROP_TRANSPORT] = string_prop("transport");
	props[PROP_TARGET] = string_prop("target");
	props[PROP_STATE] = string_prop("state");
	props[PROP_CONNECTED] = g_param_spec_boolean("connected", NULL, NULL, FALSE,
						     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_AUTO_CONNECT] = g_param_spec_boolean("auto-connect", NULL, NULL, FALSE,
							G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_LAST_CONNECTED] =
		g_param_spec_uint64("last-connected", NULL, NULL, 0, G_MAXUINT64, 0,
				    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_LAST_ERROR] = string_prop("last-error");
	props[PROP_LINK_MODE] = string_prop("link-mode");
	props[PROP_LINK_MTU] = g_param_spec_uint("link-mtu", NULL, NULL, 0, G_MAXUINT16, 0,
						 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_LINK_TX_WINDOW] =
		g_param_spec_uint("link-tx-window", NULL, NULL, 0, G_MAXUINT8, 0,
				  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	props[PROP_LINK_RX_WINDOW] =
		g_param_spec_uint("link-rx-window", NULL, NULL, 0, G_MAXUINT8, 0,
				  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(object_class, N_PROPS, props);

	/**
	 * WbWatch::changed:
	 *
	 * Something the store keeps changed (identity, auto-connect, last connected).
	 */
	signals[SIGNAL_CHANGED] =
		g_signal_new("changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
			     NULL, G_TYPE_NONE, 0);
}

static void
wb_watch_init(WbWatch *self)
{
	self->services = g_ptr_array_new_with_free_func(g_object_unref);
}
