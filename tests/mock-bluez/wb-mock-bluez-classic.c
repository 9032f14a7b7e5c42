/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The classic (BR/EDR) half of wb-mock-bluez: a dual-mode Pebble Time that a phone reaches
 * over RFCOMM (reference §11), and the part of BlueZ's Profile API (doc/profile-api.txt) that
 * hands the RFCOMM socket to a registered Profile1. Device1.ConnectProfile(SPP) makes a
 * socketpair, gives one end to the profile's NewConnection and serves a second WbSimWatch on
 * the other end: raw Pebble Protocol frames both ways, no extra framing. See
 * docs/mock-bluez.md and docs/rfcomm.md.
 */

#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wb-mock-bluez-classic.h"
#include "wb-mock-bluez-pairing.h"
#include "wb-sim-control.h"
#include "wb-sim-watch.h"

#define BLUEZ_PATH     "/org/bluez"
#define ADAPTER_PATH   "/org/bluez/hci0"
#define CLASSIC_ADDR   "B0:B4:48:12:C1:A5"
#define CLASSIC_SERIAL "WBSIM0000002"
#define IFACE_PROFILE  "org.bluez.Profile1"
#define UUID_SPP       "00001101-0000-1000-8000-00805f9b34fb"
#define UUID_PNP       "00001200-0000-1000-8000-00805f9b34fb"
/* Class of Device: service classes Audio (bit 21) and Rendering (bit 18), major class
 * Wearable (0x07), minor class Wrist Watch (0x01) */
#define CLASS_OF_DEVICE    0x240704
#define DISCOVERY_DELAY_MS 100
/* paging, SDP and the RFCOMM handshake */
#define CONNECT_DELAY_MS 30
#define DBUS_TIMEOUT_MS  10000
#define READ_CHUNK       4096

/* A ProfileManager1 registration */
typedef struct {
	gchar *owner;
	gchar *path;
	gchar *uuid;
	gboolean auto_connect;
	gboolean require_authentication;
} Profile;

/* The RFCOMM channel: our end of the socketpair */
typedef struct {
	GSocket *sock;
	GSource *in_source;
	GSource *out_source;
	GByteArray *out;
	gchar *profile_owner;
	gchar *profile_path;
	gboolean open; /* NewConnection was answered */
} Channel;

struct _WbMockClassic {
	WbMockClassicHost host;
	MockBluezProfileManager1 *profile_manager;
	GList *profiles; /* of Profile */
	guint name_sub;
	gulong powered_handler;
	gulong discovering_handler;
	gulong control_handlers[4];

	gchar *device_path;
	MockBluezDevice1 *device;
	gboolean visible;
	guint discovery_timer;

	MockPairing pairing; /* Device1.Pair, or a ConnectProfile's */

	GDBusMethodInvocation *connect_inv; /* ConnectProfile or Connect in progress */
	gboolean connect_pairing;           /* ... waiting for the pairing it started */
	guint connect_timer;
	GCancellable *connect_cancellable;

	Channel *chan;
	guint64 bytes_to_phone;
	guint64 bytes_to_watch;
	guint drop_idle;

	WbSimIdentity identity;
	WbSimWatch *watch;
	guint timer;
	gint64 timer_deadline;
};

static void channel_close(WbMockClassic *self, const gchar *reason);
static void connect_after_pairing(WbMockClassic *self, const gchar *error_name,
				  const gchar *message);

/* ------------------------------------------------------------------ helpers */

static gint64
now_us(void)
{
	return g_get_monotonic_time();
}

static gboolean
vanished(WbMockClassic *self)
{
	return *self->host.vanished;
}

static gboolean
powered(WbMockClassic *self)
{
	return mock_bluez_adapter1_get_powered(self->host.adapter);
}

static gboolean
paired(WbMockClassic *self)
{
	return self->device != NULL && mock_bluez_device1_get_paired(self->device);
}

static gboolean
connected(WbMockClassic *self)
{
	return self->device != NULL && mock_bluez_device1_get_connected(self->device);
}

static void
set_connected(WbMockClassic *self, gboolean value)
{
	if (self->device == NULL || connected(self) == value)
		return;
	/* BR/EDR: no GATT, so ServicesResolved follows the ACL (SDP was done on connect) */
	mock_bluez_device1_set_connected(self->device, value);
	mock_bluez_device1_set_services_resolved(self->device, value);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->device));
}

static Profile *
find_profile(WbMockClassic *self, const gchar *owner, const gchar *path, const gchar *uuid)
{
	for (GList *l = self->profiles; l != NULL; l = l->next) {
		Profile *p = l->data;

		if (owner != NULL && !g_str_equal(p->owner, owner))
			continue;
		if (path != NULL && !g_str_equal(p->path, path))
			continue;
		if (uuid != NULL && g_ascii_strcasecmp(p->uuid, uuid) != 0)
			continue;
		return p;
	}
	return NULL;
}

static void
profile_free(gpointer data)
{
	Profile *p = data;

	g_free(p->owner);
	g_free(p->path);
	g_free(p->uuid);
	g_free(p);
}

/* ------------------------------------------------------------------ the watch */

static void rearm_timer(WbMockClassic *self);

static gboolean
on_timer(gpointer user_data)
{
	WbMockClassic *self = user_data;

	self->timer = 0;
	self->timer_deadline = -1;
	wb_sim_watch_tick(self->watch, now_us());
	rearm_timer(self);
	return G_SOURCE_REMOVE;
}

static void
rearm_timer(WbMockClassic *self)
{
	gint64 deadline = wb_sim_watch_get_next_deadline(self->watch);
	gint64 now;

	if (self->timer != 0 && deadline == self->timer_deadline)
		return;
	g_clear_handle_id(&self->timer, g_source_remove);
	self->timer_deadline = deadline;
	if (deadline < 0)
		return;
	now = now_us();
	self->timer = g_timeout_add_full(
		G_PRIORITY_DEFAULT, deadline > now ? (guint)((deadline - now + 999) / 1000) : 0,
		on_timer, self, NULL);
}

static gboolean
on_writable(GSocket *sock, GIOCondition cond, gpointer user_data)
{
	WbMockClassic *self = user_data;
	Channel *ch = self->chan;

	while (ch->out->len > 0) {
		g_autoptr(GError) error = NULL;
		gssize n = g_socket_send(sock, (const gchar *)ch->out->data, ch->out->len, NULL,
					 &error);

		if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			return G_SOURCE_CONTINUE;
		if (n < 0) {
			g_message("mock-bluez: classic RFCOMM write: %s", error->message);
			g_clear_pointer(&ch->out_source, g_source_unref);
			channel_close(self, "write failed");
			return G_SOURCE_REMOVE;
		}
		g_byte_array_remove_range(ch->out, 0, (guint)n);
	}
	g_clear_pointer(&ch->out_source, g_source_unref);
	return G_SOURCE_REMOVE;
}

/* §11: one whole frame, straight onto the stream */
static void
watch_send_frame(const guint8 *frame, gsize len, gpointer user_data)
{
	WbMockClassic *self = user_data;
	Channel *ch = self->chan;

	if (ch == NULL || !ch->open) {
		g_debug("mock-bluez: classic frame of %" G_GSIZE_FORMAT
			" bytes while not linked, dropped",
			len);
		return;
	}
	g_byte_array_append(ch->out, frame, (guint)len);
	self->bytes_to_phone += len;
	if (ch->out_source == NULL) {
		ch->out_source = g_socket_create_source(ch->sock, G_IO_OUT, NULL);
		g_source_set_callback(ch->out_source, G_SOURCE_FUNC(on_writable), self, NULL);
		g_source_attach(ch->out_source, NULL);
	}
}

static gboolean
drop_idle_cb(gpointer user_data)
{
	WbMockClassic *self = user_data;

	self->drop_idle = 0;
	channel_close(self, "the watch dropped the link");
	set_connected(self, FALSE);
	return G_SOURCE_REMOVE;
}

static void
watch_drop_link(const gchar *reason, gpointer user_data)
{
	WbMockClassic *self = user_data;

	g_message("mock-bluez: the classic watch drops the link: %s", reason);
	if (self->drop_idle == 0)
		self->drop_idle = g_idle_add(drop_idle_cb, self);
}

static void
watch_print(const gchar *line, gpointer user_data)
{
	g_debug("classic watch: %s", line);
}

/* ------------------------------------------------------------------ the RFCOMM channel */

static gboolean
on_readable(GSocket *sock, GIOCondition cond, gpointer user_data)
{
	WbMockClassic *self = user_data;
	g_autoptr(GError) error = NULL;
	guint8 buf[READ_CHUNK];
	gssize n = g_socket_receive(sock, (gchar *)buf, sizeof(buf), NULL, &error);

	if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		/* the phone closed its end: the RFCOMM channel goes, then the ACL */
		g_clear_pointer(&self->chan->in_source, g_source_unref);
		channel_close(self, n == 0 ? "closed by the phone" : error->message);
		set_connected(self, FALSE);
		return G_SOURCE_REMOVE;
	}
	self->bytes_to_watch += (guint64)n;
	wb_sim_watch_feed(self->watch, buf, (gsize)n, now_us());
	rearm_timer(self);
	return G_SOURCE_CONTINUE;
}

static void
channel_close(WbMockClassic *self, const gchar *reason)
{
	Channel *ch = self->chan;

	if (ch == NULL)
		return;
	g_message("mock-bluez: classic RFCOMM channel closes: %s", reason);
	self->chan = NULL;
	if (ch->in_source != NULL) {
		g_source_destroy(ch->in_source);
		g_source_unref(ch->in_source);
	}
	if (ch->out_source != NULL) {
		g_source_destroy(ch->out_source);
		g_source_unref(ch->out_source);
	}
	g_socket_close(ch->sock, NULL);
	g_object_unref(ch->sock);
	g_byte_array_unref(ch->out);
	g_free(ch->profile_owner);
	g_free(ch->profile_path);
	g_free(ch);
	wb_sim_watch_disconnected(self->watch, now_us());
	rearm_timer(self);
}

/* ------------------------------------------------------------------ ConnectProfile */

static void
connect_reply(WbMockClassic *self, const gchar *error_name, const gchar *message)
{
	GDBusMethodInvocation *inv = g_steal_pointer(&self->connect_inv);

	g_clear_handle_id(&self->connect_timer, g_source_remove);
	self->connect_pairing = FALSE;
	if (self->connect_cancellable != NULL)
		g_cancellable_cancel(self->connect_cancellable);
	g_clear_object(&self->connect_cancellable);
	if (inv == NULL)
		return;
	if (error_name != NULL) {
		g_message("mock-bluez: classic connect fails: %s", error_name);
		g_dbus_method_invocation_return_dbus_error(inv, error_name, message);
	} else {
		g_dbus_method_invocation_return_value(inv, NULL);
	}
}

static void
new_connection_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	WbMockClassic *self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

	if (ret == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (self->chan == NULL)
		return;
	if (ret == NULL) {
		/* bluetoothd drops the channel when the profile refuses it */
		g_message("mock-bluez: the profile refused NewConnection: %s", error->message);
		channel_close(self, "NewConnection failed");
		set_connected(self, FALSE);
		connect_reply(self, "org.bluez.Error.Failed", "Connection refused (111)");
		return;
	}
	self->chan->open = TRUE;
	self->chan->in_source = g_socket_create_source(self->chan->sock, G_IO_IN, NULL);
	g_source_set_callback(self->chan->in_source, G_SOURCE_FUNC(on_readable), self, NULL);
	g_source_attach(self->chan->in_source, NULL);
	connect_reply(self, NULL, NULL);
	/* §11, §2.1: the channel is up, the watch opens its session and asks first */
	g_message("mock-bluez: classic RFCOMM channel open to %s%s", self->chan->profile_owner,
		  self->chan->profile_path);
	wb_sim_watch_connected(self->watch, now_us());
	rearm_timer(self);
}

/* The page, SDP and RFCOMM connect are done: hand one end to the profile */
static gboolean
connect_step(gpointer user_data)
{
	WbMockClassic *self = user_data;
	g_autoptr(GUnixFDList) fds = g_unix_fd_list_new();
	g_autoptr(GError) error = NULL;
	Profile *p;
	gint sv[2];

	self->connect_timer = 0;
	if (self->device == NULL || vanished(self)) {
		connect_reply(self, "org.bluez.Error.Failed", "Connection attempt failed");
		return G_SOURCE_REMOVE;
	}
	if (!powered(self)) {
		connect_reply(self, "org.bluez.Error.NotReady", "Resource Not Ready");
		return G_SOURCE_REMOVE;
	}
	if (!self->visible) {
		/* page timeout: nobody answered */
		connect_reply(self, "org.bluez.Error.Failed", "Host is down");
		return G_SOURCE_REMOVE;
	}
	p = find_profile(self, NULL, NULL, UUID_SPP);
	if (p == NULL) {
		connect_reply(self, "org.bluez.Error.NotAvailable",
			      "Operation currently not available");
		return G_SOURCE_REMOVE;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		connect_reply(self, "org.bluez.Error.Failed", "socketpair failed");
		return G_SOURCE_REMOVE;
	}
	if (g_unix_fd_list_append(fds, sv[1], &error) < 0)
		g_error("mock-bluez: %s", error->message);
	close(sv[1]);
	self->chan = g_new0(Channel, 1);
	self->chan->sock = g_socket_new_from_fd(sv[0], &error);
	if (self->chan->sock == NULL)
		g_error("mock-bluez: %s", error->message);
	g_socket_set_blocking(self->chan->sock, FALSE);
	self->chan->out = g_byte_array_new();
	self->chan->profile_owner = g_strdup(p->owner);
	self->chan->profile_path = g_strdup(p->path);
	self->bytes_to_phone = 0;
	self->bytes_to_watch = 0;
	set_connected(self, TRUE);
	self->connect_cancellable = g_cancellable_new();
	/* bluetoothd replies to ConnectProfile once the profile has answered NewConnection */
	g_dbus_connection_call_with_unix_fd_list(
		self->host.conn, p->owner, p->path, IFACE_PROFILE, "NewConnection",
		g_variant_new("(oh@a{sv})", self->device_path, 0,
			      g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
		NULL, G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, fds, self->connect_cancellable,
		new_connection_done, self);
	return G_SOURCE_REMOVE;
}

static void
start_connect(WbMockClassic *self)
{
	Profile *p = find_profile(self, NULL, NULL, UUID_SPP);

	/* security level medium: an unpaired watch pairs first, through the agent */
	if (p != NULL && p->require_authentication && !paired(self)) {
		g_message("mock-bluez: the SPP profile needs authentication: pairing first");
		self->connect_pairing = TRUE;
		mock_pairing_start(&self->pairing, NULL);
		return;
	}
	self->connect_timer = g_timeout_add(CONNECT_DELAY_MS, connect_step, self);
}

static void
connect_after_pairing(WbMockClassic *self, const gchar *error_name, const gchar *message)
{
	if (self->connect_inv == NULL || !self->connect_pairing)
		return;
	self->connect_pairing = FALSE;
	if (error_name != NULL) {
		connect_reply(self, error_name, message);
		return;
	}
	self->connect_timer = g_timeout_add(CONNECT_DELAY_MS, connect_step, self);
}

/* Checks common to Connect and ConnectProfile; FALSE if @inv was answered */
static gboolean
connect_precheck(WbMockClassic *self, GDBusMethodInvocation *inv, const gchar *uuid)
{
	if (!powered(self)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotReady",
							   "Resource Not Ready");
		return FALSE;
	}
	if (uuid != NULL && !g_uuid_string_is_valid(uuid)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.InvalidArguments",
							   "Invalid arguments in method call");
		return FALSE;
	}
	if (uuid != NULL && (g_ascii_strcasecmp(uuid, UUID_SPP) != 0 ||
			     find_profile(self, NULL, NULL, uuid) == NULL)) {
		/* the watch serves SPP only; without a registered profile nobody takes it */
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotAvailable",
							   "Operation currently not available");
		return FALSE;
	}
	if (self->connect_inv != NULL || self->pairing.active) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.InProgress",
							   "In Progress");
		return FALSE;
	}
	if (self->chan != NULL) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.AlreadyConnected",
							   "Already Connected");
		return FALSE;
	}
	return TRUE;
}

static gboolean
on_connect_profile(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, const gchar *uuid,
		   gpointer user_data)
{
	WbMockClassic *self = user_data;

	if (!connect_precheck(self, inv, uuid))
		return TRUE;
	self->connect_inv = inv;
	start_connect(self);
	return TRUE;
}

static gboolean
on_connect(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, gpointer user_data)
{
	WbMockClassic *self = user_data;
	Profile *p = find_profile(self, NULL, NULL, UUID_SPP);

	/* BR/EDR Connect() connects the auto-connect profiles; with none there is nothing to
	 * connect (bluetoothd 5.66: br-connection-profile-unavailable) */
	if (p == NULL || !p->auto_connect) {
		if (!powered(self))
			g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotReady",
								   "Resource Not Ready");
		else
			g_dbus_method_invocation_return_dbus_error(
				inv, "org.bluez.Error.NotAvailable",
				"br-connection-profile-unavailable");
		return TRUE;
	}
	if (!connect_precheck(self, inv, NULL))
		return TRUE;
	self->connect_inv = inv;
	start_connect(self);
	return TRUE;
}

/* ------------------------------------------------------------------ disconnect */

typedef struct {
	WbMockClassic *self;
	GDBusMethodInvocation *inv;
} DisconnectCall;

static void
request_disconnection_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	DisconnectCall *dc = user_data;
	WbMockClassic *self = dc->self;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);

	if (ret == NULL)
		g_message("mock-bluez: RequestDisconnection: %s", error->message);
	/* bluetoothd closes the channel whatever the profile answered */
	channel_close(self, "disconnected by the phone");
	set_connected(self, FALSE);
	g_dbus_method_invocation_return_value(dc->inv, NULL);
	g_free(dc);
}

static void
disconnect_channel(WbMockClassic *self, GDBusMethodInvocation *inv)
{
	DisconnectCall *dc;

	if (self->chan == NULL || !self->chan->open) {
		channel_close(self, "disconnected by the phone");
		set_connected(self, FALSE);
		g_dbus_method_invocation_return_value(inv, NULL);
		return;
	}
	dc = g_new0(DisconnectCall, 1);
	dc->self = self;
	dc->inv = inv;
	/* profile-api.txt: bluetoothd asks the profile to let go before it disconnects */
	g_dbus_connection_call(
		self->host.conn, self->chan->profile_owner, self->chan->profile_path, IFACE_PROFILE,
		"RequestDisconnection", g_variant_new("(o)", self->device_path), NULL,
		G_DBUS_CALL_FLAGS_NONE, DBUS_TIMEOUT_MS, NULL, request_disconnection_done, dc);
}

static gboolean
on_disconnect(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, gpointer user_data)
{
	WbMockClassic *self = user_data;

	if (!connected(self)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotConnected",
							   "Not Connected");
		return TRUE;
	}
	disconnect_channel(self, inv);
	return TRUE;
}

static gboolean
on_disconnect_profile(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, const gchar *uuid,
		      gpointer user_data)
{
	WbMockClassic *self = user_data;

	if (!g_uuid_string_is_valid(uuid)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.InvalidArguments",
							   "Invalid arguments in method call");
		return TRUE;
	}
	if (g_ascii_strcasecmp(uuid, UUID_SPP) != 0) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotSupported",
							   "Not Supported");
		return TRUE;
	}
	if (self->chan == NULL) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotConnected",
							   "Not Connected");
		return TRUE;
	}
	disconnect_channel(self, inv);
	return TRUE;
}

/* ------------------------------------------------------------------ pairing */

/* As the LE watch's (wb-mock-bluez-pairing.c), and the RejectPairing knob; a ConnectProfile
 * waiting for the pairing goes on after it (MockPairingOps) */
static const gchar *
pairing_refuse(gpointer owner, const gchar **message)
{
	WbMockClassic *self = owner;

	if (self->device == NULL || vanished(self) || *self->host.reject_pairing) {
		*message = "Authentication Failed";
		return "org.bluez.Error.AuthenticationFailed";
	}
	if (!self->visible) {
		*message = "Page Timeout";
		return "org.bluez.Error.ConnectionAttemptFailed";
	}
	return NULL;
}

static void
pairing_settle(gpointer owner, const gchar *error_name)
{
	WbMockClassic *self = owner;

	if (error_name != NULL)
		return;
	if (self->device != NULL) {
		mock_bluez_device1_set_paired(self->device, TRUE);
		mock_bluez_device1_set_bonded(self->device, TRUE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->device));
	}
	g_message("mock-bluez: classic watch paired");
}

static void
pairing_done(gpointer owner, const gchar *error_name, const gchar *message)
{
	connect_after_pairing(owner, error_name, message);
}

static const MockPairingOps pairing_ops = {
	.label = "classic ",
	.refuse = pairing_refuse,
	.settle = pairing_settle,
	.done = pairing_done,
};

static gboolean
on_pair(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, gpointer user_data)
{
	WbMockClassic *self = user_data;

	if (!mock_pairing_refuse_pair(&self->pairing, inv, powered(self), paired(self)))
		mock_pairing_start(&self->pairing, inv);
	return TRUE;
}

static gboolean
on_cancel_pairing(MockBluezDevice1 *dev, GDBusMethodInvocation *inv, gpointer user_data)
{
	WbMockClassic *self = user_data;

	mock_pairing_cancel(&self->pairing, dev, inv);
	return TRUE;
}

/* ------------------------------------------------------------------ the device */

static void
add_device(WbMockClassic *self)
{
	static const gchar *const uuids[] = {UUID_SPP, UUID_PNP, NULL};
	g_autoptr(MockBluezObjectSkeleton) obj = NULL;
	const guint8 *a = self->identity.bt_address;
	/* §10.3: the classic name of the Pebble Time family */
	g_autofree gchar *name = g_strdup_printf("Pebble Time %02X%02X", a[1], a[0]);

	if (self->device != NULL || vanished(self))
		return;
	obj = mock_bluez_object_skeleton_new(self->device_path);
	self->device = mock_bluez_device1_skeleton_new();
	mock_bluez_device1_set_address(self->device, CLASSIC_ADDR);
	mock_bluez_device1_set_address_type(self->device, "public");
	mock_bluez_device1_set_name(self->device, name);
	mock_bluez_device1_set_alias(self->device, name);
	mock_bluez_device1_set_class(self->device, CLASS_OF_DEVICE);
	mock_bluez_device1_set_icon(self->device, "");
	mock_bluez_device1_set_paired(self->device, FALSE);
	mock_bluez_device1_set_bonded(self->device, FALSE);
	mock_bluez_device1_set_trusted(self->device, FALSE);
	mock_bluez_device1_set_blocked(self->device, FALSE);
	mock_bluez_device1_set_legacy_pairing(self->device, FALSE);
	mock_bluez_device1_set_connected(self->device, FALSE);
	mock_bluez_device1_set_services_resolved(self->device, FALSE);
	mock_bluez_device1_set_rssi(self->device, -60);
	mock_bluez_device1_set_tx_power(self->device, 0);
	mock_bluez_device1_set_uuids(self->device, uuids);
	mock_bluez_device1_set_adapter(self->device, ADAPTER_PATH);
	/* an inquiry result has no manufacturer data (§10.3 is the LE scan response) */
	mock_bluez_device1_set_manufacturer_data(
		self->device, g_variant_new_array(G_VARIANT_TYPE("{qv}"), NULL, 0));
	g_signal_connect(self->device, "handle-connect", G_CALLBACK(on_connect), self);
	g_signal_connect(self->device, "handle-disconnect", G_CALLBACK(on_disconnect), self);
	g_signal_connect(self->device, "handle-pair", G_CALLBACK(on_pair), self);
	g_signal_connect(self->device, "handle-cancel-pairing", G_CALLBACK(on_cancel_pairing),
			 self);
	g_signal_connect(self->device, "handle-connect-profile", G_CALLBACK(on_connect_profile),
			 self);
	g_signal_connect(self->device, "handle-disconnect-profile",
			 G_CALLBACK(on_disconnect_profile), self);
	mock_bluez_object_skeleton_set_device1(obj, self->device);
	g_dbus_object_manager_server_export(self->host.om, G_DBUS_OBJECT_SKELETON(obj));
	g_message("mock-bluez: classic device %s (%s) appears", CLASSIC_ADDR, name);
}

/* The link goes without RequestDisconnection: radio loss, power, bluetoothd exiting */
static void
drop_link(WbMockClassic *self, const gchar *reason)
{
	connect_reply(self, "org.bluez.Error.Failed", "Connection attempt failed");
	mock_pairing_finish(&self->pairing, "org.bluez.Error.AuthenticationCanceled",
			    "Authentication Canceled");
	channel_close(self, reason);
	set_connected(self, FALSE);
}

static void
remove_device(WbMockClassic *self)
{
	if (self->device == NULL)
		return;
	drop_link(self, "device removed");
	g_signal_handlers_disconnect_by_data(self->device, self);
	g_dbus_object_manager_server_unexport(self->host.om, self->device_path);
	g_clear_object(&self->device);
}

/**
 * wb_mock_classic_remove_device:
 * @self: the classic part
 * @path: the path Adapter1.RemoveDevice was given
 *
 * Returns: %TRUE if @path was the classic device (now removed, bond and all)
 */
gboolean
wb_mock_classic_remove_device(WbMockClassic *self, const gchar *path)
{
	if (self->device == NULL || g_strcmp0(path, self->device_path) != 0)
		return FALSE;
	remove_device(self);
	return TRUE;
}

/* ------------------------------------------------------------------ the adapter */

static gboolean
discovery_found(gpointer user_data)
{
	WbMockClassic *self = user_data;

	self->discovery_timer = 0;
	/* an inquiry finds the watch while it is discoverable, i.e. in range here */
	if (self->visible && mock_bluez_adapter1_get_discovering(self->host.adapter))
		add_device(self);
	return G_SOURCE_REMOVE;
}

static void
on_discovering_changed(GObject *obj, GParamSpec *pspec, gpointer user_data)
{
	WbMockClassic *self = user_data;

	if (!mock_bluez_adapter1_get_discovering(self->host.adapter)) {
		g_clear_handle_id(&self->discovery_timer, g_source_remove);
		return;
	}
	if (self->discovery_timer == 0)
		self->discovery_timer = g_timeout_add(DISCOVERY_DELAY_MS, discovery_found, self);
}

static void
on_powered_changed(GObject *obj, GParamSpec *pspec, gpointer user_data)
{
	WbMockClassic *self = user_data;

	if (powered(self))
		return;
	g_clear_handle_id(&self->discovery_timer, g_source_remove);
	if (self->device != NULL && !paired(self))
		remove_device(self);
	else
		drop_link(self, "adapter powered off");
}

/* ------------------------------------------------------------------ ProfileManager1 */

/* doc/profile-api.txt options, with the types bluetoothd's ext_set_options() insists on */
static gboolean
parse_options(GVariant *options, Profile *p)
{
	static const struct {
		const gchar *key;
		const gchar *type;
	} known[] = {
		{"Name", "s"},
		{"Service", "s"},
		{"Role", "s"},
		{"Channel", "q"},
		{"PSM", "q"},
		{"RequireAuthentication", "b"},
		{"RequireAuthorization", "b"},
		{"AutoConnect", "b"},
		{"ServiceRecord", "s"},
		{"Version", "q"},
		{"Features", "q"},
	};
	GVariantIter iter;
	const gchar *key;
	GVariant *value;
	gboolean ok = TRUE;

	g_variant_iter_init(&iter, options);
	while (ok && g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
		for (guint i = 0; i < G_N_ELEMENTS(known); i++) {
			if (!g_str_equal(key, known[i].key))
				continue;
			ok = g_variant_is_of_type(value, G_VARIANT_TYPE(known[i].type));
			break;
		}
		if (ok && g_str_equal(key, "Role")) {
			const gchar *role = g_variant_get_string(value, NULL);
			ok = g_str_equal(role, "client") || g_str_equal(role, "server");
		} else if (ok && g_str_equal(key, "AutoConnect")) {
			p->auto_connect = g_variant_get_boolean(value);
		} else if (ok && g_str_equal(key, "RequireAuthentication")) {
			p->require_authentication = g_variant_get_boolean(value);
		}
		g_variant_unref(value);
	}
	return ok;
}

static gboolean
on_register_profile(MockBluezProfileManager1 *pm, GDBusMethodInvocation *inv, const gchar *path,
		    const gchar *uuid, GVariant *options, gpointer user_data)
{
	WbMockClassic *self = user_data;
	const gchar *sender = g_dbus_method_invocation_get_sender(inv);
	Profile *p;

	if (find_profile(self, sender, path, NULL) != NULL) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.AlreadyExists",
							   "Already Exists");
		return TRUE;
	}
	p = g_new0(Profile, 1);
	/* bluetoothd's defaults for an external profile */
	p->auto_connect = TRUE;
	p->require_authentication = TRUE;
	if (!g_uuid_string_is_valid(uuid) || !parse_options(options, p)) {
		profile_free(p);
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.InvalidArguments",
							   "Invalid arguments in method call");
		return TRUE;
	}
	p->owner = g_strdup(sender);
	p->path = g_strdup(path);
	p->uuid = g_ascii_strdown(uuid, -1);
	self->profiles = g_list_append(self->profiles, p);
	g_message("mock-bluez: profile %s%s registered for %s%s", p->owner, p->path, p->uuid,
		  p->auto_connect ? " (auto-connect)" : "");
	mock_bluez_profile_manager1_complete_register_profile(pm, inv);
	return TRUE;
}

static gboolean
on_unregister_profile(MockBluezProfileManager1 *pm, GDBusMethodInvocation *inv, const gchar *path,
		      gpointer user_data)
{
	WbMockClassic *self = user_data;
	Profile *p = find_profile(self, g_dbus_method_invocation_get_sender(inv), path, NULL);

	if (p == NULL) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.DoesNotExist",
							   "Does Not Exist");
		return TRUE;
	}
	self->profiles = g_list_remove(self->profiles, p);
	profile_free(p);
	mock_bluez_profile_manager1_complete_unregister_profile(pm, inv);
	return TRUE;
}

/* A client that leaves loses its profiles, as in bluetoothd (connections stay up) */
static void
on_name_owner_changed(GDBusConnection *conn, const gchar *sender, const gchar *path,
		      const gchar *iface, const gchar *signal, GVariant *params, gpointer user_data)
{
	WbMockClassic *self = user_data;
	const gchar *name, *old_owner, *new_owner;
	GList *l = self->profiles;

	g_variant_get(params, "(&s&s&s)", &name, &old_owner, &new_owner);
	if (*new_owner != '\0' || *old_owner == '\0')
		return;
	while (l != NULL) {
		GList *next = l->next;
		Profile *p = l->data;

		if (g_str_equal(p->owner, name)) {
			self->profiles = g_list_delete_link(self->profiles, l);
			profile_free(p);
		}
		l = next;
	}
}

/* ------------------------------------------------------------------ knobs */

static void
host_add_state(JsonBuilder *b, gpointer user_data)
{
	WbMockClassic *self = user_data;

	json_builder_set_member_name(b, "connected");
	json_builder_add_boolean_value(b, connected(self));
	json_builder_set_member_name(b, "rfcomm");
	json_builder_add_string_value(b, self->chan == NULL ? "none"
					 : self->chan->open ? "open"
							    : "connecting");
}

static gboolean
host_disconnect(gpointer user_data, GError **error)
{
	drop_link(user_data, "watch control");
	return TRUE;
}

static const WbSimControlHost control_host = {
	.add_state = host_add_state,
	.disconnect = host_disconnect,
};

static gboolean
on_set_classic_visible(MockBluezControl1 *c, GDBusMethodInvocation *inv, gboolean visible,
		       gpointer user_data)
{
	WbMockClassic *self = user_data;

	self->visible = visible;
	if (visible)
		add_device(self);
	else if (self->device != NULL && !paired(self))
		remove_device(self);
	else
		drop_link(self, "out of range");
	mock_bluez_control1_complete_set_classic_visible(c, inv);
	return TRUE;
}

static gboolean
on_drop_classic_link(MockBluezControl1 *c, GDBusMethodInvocation *inv, gpointer user_data)
{
	drop_link(user_data, "link loss");
	mock_bluez_control1_complete_drop_classic_link(c, inv);
	return TRUE;
}

static gboolean
on_classic_watch_control(MockBluezControl1 *c, GDBusMethodInvocation *inv, const gchar *command,
			 gpointer user_data)
{
	WbMockClassic *self = user_data;
	g_autofree gchar *json =
		wb_sim_control_execute(self->watch, &control_host, self, command, now_us());

	rearm_timer(self);
	mock_bluez_control1_complete_classic_watch_control(c, inv, json);
	return TRUE;
}

static gboolean
on_classic_link_state(MockBluezControl1 *c, GDBusMethodInvocation *inv, gpointer user_data)
{
	WbMockClassic *self = user_data;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree gchar *json = NULL;
	Profile *p = find_profile(self, NULL, NULL, UUID_SPP);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "device");
	json_builder_add_boolean_value(b, self->device != NULL);
	json_builder_set_member_name(b, "visible");
	json_builder_add_boolean_value(b, self->visible);
	json_builder_set_member_name(b, "connected");
	json_builder_add_boolean_value(b, connected(self));
	json_builder_set_member_name(b, "paired");
	json_builder_add_boolean_value(b, paired(self));
	json_builder_set_member_name(b, "profile");
	json_builder_add_boolean_value(b, p != NULL);
	json_builder_set_member_name(b, "profile_owner");
	json_builder_add_string_value(b, p != NULL ? p->owner : "");
	json_builder_set_member_name(b, "rfcomm");
	json_builder_add_string_value(b, self->chan == NULL ? "none"
					 : self->chan->open ? "open"
							    : "connecting");
	json_builder_set_member_name(b, "bytes_to_phone");
	json_builder_add_int_value(b, (gint64)self->bytes_to_phone);
	json_builder_set_member_name(b, "bytes_to_watch");
	json_builder_add_int_value(b, (gint64)self->bytes_to_watch);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json = json_generator_to_data(gen, NULL);
	mock_bluez_control1_complete_classic_link_state(c, inv, json);
	return TRUE;
}

/* ------------------------------------------------------------------ life cycle */

/**
 * wb_mock_classic_vanish:
 * @self: the classic part
 *
 * bluetoothd exits: the channel drops (no RequestDisconnection), profiles are forgotten. The
 * device object goes with the object manager's connection.
 */
void
wb_mock_classic_vanish(WbMockClassic *self)
{
	drop_link(self, "bluetoothd exits");
	g_clear_handle_id(&self->discovery_timer, g_source_remove);
	g_list_free_full(g_steal_pointer(&self->profiles), profile_free);
}

/**
 * wb_mock_classic_return:
 * @self: the classic part
 *
 * bluetoothd starts again: a paired watch is still known, an unpaired one is gone.
 */
void
wb_mock_classic_return(WbMockClassic *self)
{
	if (self->device != NULL && !paired(self))
		remove_device(self);
}

/**
 * wb_mock_classic_new:
 * @host: the rest of the mock (copied; its pointers must outlive the result)
 *
 * Adds ProfileManager1 to /org/bluez (already exported), connects the Classic* knobs and
 * starts following the adapter.
 *
 * Returns: (transfer full): the classic part
 */
WbMockClassic *
wb_mock_classic_new(const WbMockClassicHost *host)
{
	static const WbSimWatchCallbacks callbacks = {
		.send_frame = watch_send_frame,
		.drop_link = watch_drop_link,
		.print = watch_print,
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusObject) bluez = NULL;
	WbMockClassic *self = g_new0(WbMockClassic, 1);

	self->host = *host;
	mock_pairing_init(&self->pairing, &pairing_ops, self, host->conn, &self->device_path,
			  host->agent_owner, host->agent_path);
	self->visible = TRUE;
	self->timer_deadline = -1;

	wb_sim_identity_init(&self->identity);
	if (!wb_sim_identity_set_model(&self->identity, "pebble-time", &error) ||
	    !wb_sim_identity_set_address(&self->identity, CLASSIC_ADDR, &error))
		g_error("mock-bluez: %s", error->message);
	g_free(self->identity.serial);
	self->identity.serial = g_strdup(CLASSIC_SERIAL);
	self->watch = wb_sim_watch_new(&self->identity, &callbacks, self);
	self->device_path = g_strdup_printf("%s/dev_%s", ADAPTER_PATH, CLASSIC_ADDR);
	g_strdelimit(self->device_path + strlen(ADAPTER_PATH), ":", '_');

	self->profile_manager = mock_bluez_profile_manager1_skeleton_new();
	g_signal_connect(self->profile_manager, "handle-register-profile",
			 G_CALLBACK(on_register_profile), self);
	g_signal_connect(self->profile_manager, "handle-unregister-profile",
			 G_CALLBACK(on_unregister_profile), self);
	bluez = g_dbus_object_manager_get_object(G_DBUS_OBJECT_MANAGER(host->om), BLUEZ_PATH);
	if (bluez == NULL)
		g_error("mock-bluez: %s is not exported", BLUEZ_PATH);
	mock_bluez_object_skeleton_set_profile_manager1(MOCK_BLUEZ_OBJECT_SKELETON(bluez),
							self->profile_manager);

	self->powered_handler = g_signal_connect(host->adapter, "notify::powered",
						 G_CALLBACK(on_powered_changed), self);
	self->discovering_handler = g_signal_connect(host->adapter, "notify::discovering",
						     G_CALLBACK(on_discovering_changed), self);
	self->control_handlers[0] = g_signal_connect(host->control, "handle-set-classic-visible",
						     G_CALLBACK(on_set_classic_visible), self);
	self->control_handlers[1] = g_signal_connect(host->control, "handle-drop-classic-link",
						     G_CALLBACK(on_drop_classic_link), self);
	self->control_handlers[2] = g_signal_connect(host->control, "handle-classic-watch-control",
						     G_CALLBACK(on_classic_watch_control), self);
	self->control_handlers[3] = g_signal_connect(host->control, "handle-classic-link-state",
						     G_CALLBACK(on_classic_link_state), self);
	self->name_sub = g_dbus_connection_signal_subscribe(
		host->conn, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
		"/org/freedesktop/DBus", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_name_owner_changed,
		self, NULL);
	return self;
}

void
wb_mock_classic_free(WbMockClassic *self)
{
	if (self == NULL)
		return;
	remove_device(self);
	g_list_free_full(g_steal_pointer(&self->profiles), profile_free);
	g_dbus_connection_signal_unsubscribe(self->host.conn, self->name_sub);
	g_signal_handler_disconnect(self->host.adapter, self->powered_handler);
	g_signal_handler_disconnect(self->host.adapter, self->discovering_handler);
	for (guint i = 0; i < G_N_ELEMENTS(self->control_handlers); i++)
		g_signal_handler_disconnect(self->host.control, self->control_handlers[i]);
	g_clear_handle_id(&self->discovery_timer, g_source_remove);
	g_clear_handle_id(&self->timer, g_source_remove);
	g_clear_handle_id(&self->drop_idle, g_source_remove);
	g_clear_object(&self->profile_manager);
	wb_sim_watch_free(self->watch);
	wb_sim_identity_clear(&self->identity);
	g_free(self->device_path);
	g_free(self);
}
