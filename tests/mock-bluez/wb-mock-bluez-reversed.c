/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The simulated watch as GATT server of the reversed PPoGATT services (reference §10.13,
 * §10.14), selected with the SetPpogattMode knob:
 *
 *   "normal"           the phone hosts 10000000 and the watch is its client (the default)
 *   "reversed"         the watch also hosts 30000003: 30000004 notify, 30000005 meta (read),
 *                      30000006 write-without-response; it waits for the phone's Reset
 *                      Request and speaks v1, as a CFW watch does
 *   "reversed-v2"      the watch also hosts 40000000: 40000001 notify, 40000003 write
 *   "reversed-only", "reversed-v2-only"
 *                      the same, but the watch is not a client of the phone's 10000000
 *
 * The objects appear with the other GATT objects on connect and go on disconnect. A mode
 * change applies from the next connection. Each notification is one PropertiesChanged(Value)
 * emitted by hand (the skeleton would coalesce or drop repeated equal values), each
 * WriteValue one packet. wb-mock-bluez.c runs the watch's PPoGATT behind them.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <glib-unix.h>

#include "wb-mock-bluez-reversed.h"

#define IFACE_CHR   "org.bluez.GattCharacteristic1"
#define IFACE_PROPS "org.freedesktop.DBus.Properties"

/* §10.2, §10.14 */
#define UUID_V1_SERVICE "30000003-328e-0fbb-c642-1aa6699bdada"
#define UUID_V1_NOTIFY  "30000004-328e-0fbb-c642-1aa6699bdada"
#define UUID_V1_META    "30000005-328e-0fbb-c642-1aa6699bdada"
#define UUID_V1_WRITE   "30000006-328e-0fbb-c642-1aa6699bdada"
#define UUID_V2_SERVICE "40000000-328e-0fbb-c642-1aa6699bdada"
#define UUID_V2_NOTIFY  "40000001-328e-0fbb-c642-1aa6699bdada"
#define UUID_V2_WRITE   "40000003-328e-0fbb-c642-1aa6699bdada"

/* An attribute value is at most 512 bytes (Core spec Vol 3 Part F 3.2.9) */
#define MAX_ATTRIBUTE 512

struct _WbMockReversed {
	GDBusObjectManagerServer *om;
	MockBluezControl1 *control;
	const WbMockReversedHost *host;
	gpointer user_data;

	WbMockReversedVariant variant; /* from the knob */
	gboolean only;                 /* "-only": no normal-mode client */
	WbMockReversedVariant hosted;  /* what the current connection's objects are */
	guint16 mtu;

	gchar *svc_path;
	gchar *notify_path;
	gchar *write_path;
	gchar *meta_path; /* V1 only */
	MockBluezGattCharacteristic1 *notify_chr;
	MockBluezGattCharacteristic1 *write_chr;
	MockBluezGattCharacteristic1 *meta_chr;

	gboolean acquire; /* offer AcquireNotify/AcquireWrite (bluetoothd does since 5.46) */
	gint notify_fd;   /* our end of an acquired notification socket, or -1 */
	guint notify_src;
	gint write_fd; /* our end of an acquired write socket, or -1 */
	guint write_src;
};

static GVariant *
bytes_variant(const guint8 *data, gsize len)
{
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1);
}

const gchar *
wb_mock_reversed_variant_to_mode(WbMockReversedVariant variant)
{
	switch (variant) {
	case WB_MOCK_REVERSED_V1:
		return "reversed";
	case WB_MOCK_REVERSED_V2:
		return "reversed-v2";
	case WB_MOCK_REVERSED_NONE:
		break;
	}
	return "normal";
}

const gchar *
wb_mock_reversed_get_mode(WbMockReversed *self)
{
	switch (self->variant) {
	case WB_MOCK_REVERSED_V1:
		return self->only ? "reversed-only" : "reversed";
	case WB_MOCK_REVERSED_V2:
		return self->only ? "reversed-v2-only" : "reversed-v2";
	case WB_MOCK_REVERSED_NONE:
		break;
	}
	return "normal";
}

/* Whether the watch acts as a GATT client of the phone's PPoGATT service (normal mode) */
gboolean
wb_mock_reversed_normal_allowed(WbMockReversed *self)
{
	return !self->only;
}

/* ------------------------------------------------------------------ notifications */

static gboolean
emit_value(WbMockReversed *self, const guint8 *data, gsize len)
{
	GDBusConnection *conn = g_dbus_object_manager_server_get_connection(self->om);
	g_autoptr(GError) error = NULL;
	GVariantBuilder changed;
	gboolean ok;

	if (conn == NULL) /* vanished */
		return FALSE;
	g_variant_builder_init(&changed, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&changed, "{sv}", "Value", bytes_variant(data, len));
	ok = g_dbus_connection_emit_signal(
		conn, NULL, self->notify_path, IFACE_PROPS, "PropertiesChanged",
		g_variant_new("(sa{sv}as)", IFACE_CHR, &changed, NULL), &error);
	if (!ok)
		g_message("mock-bluez: reversed notification: %s", error->message);
	g_object_unref(conn);
	return ok;
}

/**
 * wb_mock_reversed_notify:
 * @self: the reversed part
 * @packet: one PPoGATT packet from the watch
 *
 * Sends @packet as a notification on the watch-to-phone characteristic, if the phone is
 * subscribed (bluetoothd truncates values to the MTU and to 512 bytes; so do we).
 *
 * Returns: whether it went out
 */
gboolean
wb_mock_reversed_notify(WbMockReversed *self, GBytes *packet)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(packet, &len);

	len = MIN(len, MIN((gsize)MAX_ATTRIBUTE, (gsize)self->mtu - 3));
	if (self->notify_fd >= 0)
		return send(self->notify_fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL) ==
		       (ssize_t)len;
	if (self->notify_chr == NULL ||
	    !mock_bluez_gatt_characteristic1_get_notifying(self->notify_chr))
		return FALSE;
	return emit_value(self, data, len);
}

/**
 * wb_mock_reversed_has_fd:
 * @self: the reversed part
 * @notify: the notification socket (else the write one)
 *
 * Returns: whether the phone acquired that socket
 */
gboolean
wb_mock_reversed_has_fd(WbMockReversed *self, gboolean notify)
{
	return notify ? self->notify_fd >= 0 : self->write_fd >= 0;
}

/* ------------------------------------------------------------------ GATT methods */

static gboolean
on_read(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv, GVariant *options,
	WbMockReversed *self)
{
	if (chr != self->meta_chr) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotPermitted",
							   "Read not permitted");
		return TRUE;
	}
	mock_bluez_gatt_characteristic1_complete_read_value(
		chr, inv, mock_bluez_gatt_characteristic1_get_value(chr));
	return TRUE;
}

static gboolean
on_write(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv, GVariant *value,
	 GVariant *options, WbMockReversed *self)
{
	g_autoptr(GBytes) packet = NULL;
	gsize len;
	const guint8 *data;

	/* §10.13: a CFW watch takes data only on 30000006 (FW/DA also on 30000004) */
	if (chr != self->write_chr) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotPermitted",
							   "Write not permitted");
		return TRUE;
	}
	data = g_variant_get_fixed_array(value, &len, 1);
	/* a Write Without Response carries at most MTU - 3 bytes */
	if (len == 0 || len > MIN((gsize)MAX_ATTRIBUTE, (gsize)self->mtu - 3)) {
		g_dbus_method_invocation_return_dbus_error(
			inv, "org.bluez.Error.InvalidValueLength", "Invalid Length");
		return TRUE;
	}
	packet = g_bytes_new(data, len);
	mock_bluez_gatt_characteristic1_complete_write_value(chr, inv);
	self->host->written(packet, self->user_data);
	return TRUE;
}

static gboolean
on_start_notify(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv, WbMockReversed *self)
{
	gboolean was;

	if (chr != self->notify_chr) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotSupported",
							   "Notify not supported");
		return TRUE;
	}
	was = mock_bluez_gatt_characteristic1_get_notifying(chr);
	mock_bluez_gatt_characteristic1_set_notifying(chr, TRUE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(chr));
	mock_bluez_gatt_characteristic1_complete_start_notify(chr, inv);
	if (!was) {
		g_message("mock-bluez: the phone subscribed to %s (%s)", self->notify_path,
			  wb_mock_reversed_variant_to_mode(self->hosted));
		self->host->subscribed(self->hosted, self->user_data);
	}
	return TRUE;
}

static gboolean
on_stop_notify(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv, WbMockReversed *self)
{
	gboolean was = mock_bluez_gatt_characteristic1_get_notifying(chr);

	mock_bluez_gatt_characteristic1_set_notifying(chr, FALSE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(chr));
	mock_bluez_gatt_characteristic1_complete_stop_notify(chr, inv);
	if (was && chr == self->notify_chr)
		self->host->unsubscribed(self->user_data);
	return TRUE;
}

/* ------------------------------------------------------------------ acquired sockets */

static void
drop_notify_fd(WbMockReversed *self)
{
	g_clear_handle_id(&self->notify_src, g_source_remove);
	if (self->notify_fd >= 0) {
		(void)close(self->notify_fd);
		self->notify_fd = -1;
	}
	if (self->notify_chr != NULL) {
		mock_bluez_gatt_characteristic1_set_notify_acquired(self->notify_chr, FALSE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->notify_chr));
	}
}

static void
drop_write_fd(WbMockReversed *self)
{
	g_clear_handle_id(&self->write_src, g_source_remove);
	if (self->write_fd >= 0) {
		(void)close(self->write_fd);
		self->write_fd = -1;
	}
	if (self->write_chr != NULL) {
		mock_bluez_gatt_characteristic1_set_write_acquired(self->write_chr, FALSE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->write_chr));
	}
}

/* gatt-api.txt: the client closing its end is its unsubscribe */
static gboolean
on_notify_hup(gint fd, GIOCondition condition, gpointer user_data)
{
	WbMockReversed *self = user_data;

	self->notify_src = 0;
	g_message("mock-bluez: the phone closed its AcquireNotify socket");
	drop_notify_fd(self);
	self->host->unsubscribed(self->user_data);
	return G_SOURCE_REMOVE;
}

/* each datagram is one Write Without Response */
static gboolean
on_write_fd(gint fd, GIOCondition condition, gpointer user_data)
{
	WbMockReversed *self = user_data;
	guint8 buf[MAX_ATTRIBUTE + 1];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		g_autoptr(GBytes) packet = NULL;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return G_SOURCE_CONTINUE;
		if (n <= 0) {
			self->write_src = 0;
			drop_write_fd(self);
			return G_SOURCE_REMOVE;
		}
		if ((gsize)n > MIN((gsize)MAX_ATTRIBUTE, (gsize)self->mtu - 3))
			continue; /* longer than a write can be: dropped, as on the air */
		packet = g_bytes_new(buf, (gsize)n);
		self->host->written(packet, self->user_data);
		if (self->write_fd != fd)
			return G_SOURCE_REMOVE;
	}
}

/* A SEQPACKET pair: returns our end, @out gets a list with the client's. */
static gint
socket_pair(GUnixFDList **out)
{
	g_autoptr(GUnixFDList) list = g_unix_fd_list_new();
	gint fds[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
		return -1;
	if (g_unix_fd_list_append(list, fds[1], NULL) < 0) {
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -1;
	}
	(void)close(fds[1]);
	*out = g_steal_pointer(&list);
	return fds[0];
}

static gboolean
on_acquire_notify(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv, GUnixFDList *fds,
		  GVariant *options, WbMockReversed *self)
{
	g_autoptr(GUnixFDList) out = NULL;

	if (chr != self->notify_chr || !self->acquire) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotSupported",
							   "Notify acquire not supported");
		return TRUE;
	}
	/* gatt-api.txt: NotPermitted while notifying through StartNotify or already acquired */
	if (self->notify_fd >= 0 || mock_bluez_gatt_characteristic1_get_notifying(chr)) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotPermitted",
							   "Notify already enabled");
		return TRUE;
	}
	self->notify_fd = socket_pair(&out);
	if (self->notify_fd < 0) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.Failed",
							   g_strerror(errno));
		return TRUE;
	}
	self->notify_src = g_unix_fd_add(self->notify_fd, G_IO_HUP | G_IO_ERR, on_notify_hup, self);
	mock_bluez_gatt_characteristic1_set_notify_acquired(chr, TRUE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(chr));
	mock_bluez_gatt_characteristic1_complete_acquire_notify(chr, inv, out,
								g_variant_new_handle(0), self->mtu);
	g_message("mock-bluez: the phone acquired notifications on %s (%s)", self->notify_path,
		  wb_mock_reversed_variant_to_mode(self->hosted));
	self->host->subscribed(self->hosted, self->user_data);
	return TRUE;
}

static gboolean
on_acquire_write(MockBluezGattCharacteristic1 *chr, GDBusMethodInvocation *inv, GUnixFDList *fds,
		 GVariant *options, WbMockReversed *self)
{
	g_autoptr(GUnixFDList) out = NULL;

	if (chr != self->write_chr || !self->acquire) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotSupported",
							   "Write acquire not supported");
		return TRUE;
	}
	drop_write_fd(self);
	self->write_fd = socket_pair(&out);
	if (self->write_fd < 0) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.Failed",
							   g_strerror(errno));
		return TRUE;
	}
	self->write_src =
		g_unix_fd_add(self->write_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_write_fd, self);
	mock_bluez_gatt_characteristic1_set_write_acquired(chr, TRUE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(chr));
	mock_bluez_gatt_characteristic1_complete_acquire_write(chr, inv, out,
							       g_variant_new_handle(0), self->mtu);
	return TRUE;
}

/* ------------------------------------------------------------------ objects */

static MockBluezGattCharacteristic1 *
add_chr(WbMockReversed *self, const gchar *path, const gchar *uuid, guint16 handle,
	const gchar *const *flags)
{
	g_autoptr(MockBluezObjectSkeleton) obj = mock_bluez_object_skeleton_new(path);
	g_autoptr(MockBluezGattCharacteristic1) chr =
		mock_bluez_gatt_characteristic1_skeleton_new();

	mock_bluez_gatt_characteristic1_set_uuid(chr, uuid);
	mock_bluez_gatt_characteristic1_set_service(chr, self->svc_path);
	mock_bluez_gatt_characteristic1_set_value(chr, bytes_variant(NULL, 0));
	mock_bluez_gatt_characteristic1_set_notifying(chr, FALSE);
	mock_bluez_gatt_characteristic1_set_flags(chr, flags);
	mock_bluez_gatt_characteristic1_set_handle(chr, handle);
	mock_bluez_gatt_characteristic1_set_mtu(chr, self->mtu);
	g_signal_connect(chr, "handle-read-value", G_CALLBACK(on_read), self);
	g_signal_connect(chr, "handle-write-value", G_CALLBACK(on_write), self);
	g_signal_connect(chr, "handle-start-notify", G_CALLBACK(on_start_notify), self);
	g_signal_connect(chr, "handle-stop-notify", G_CALLBACK(on_stop_notify), self);
	g_signal_connect(chr, "handle-acquire-notify", G_CALLBACK(on_acquire_notify), self);
	g_signal_connect(chr, "handle-acquire-write", G_CALLBACK(on_acquire_write), self);
	mock_bluez_object_skeleton_set_gatt_characteristic1(obj, chr);
	g_dbus_object_manager_server_export(self->om, G_DBUS_OBJECT_SKELETON(obj));
	return g_steal_pointer(&chr);
}

/**
 * wb_mock_reversed_add_objects:
 * @self: the reversed part
 * @device_path: the connected device
 * @mtu: the ATT MTU
 *
 * Service discovery on connect: exports the service of the configured mode, if any.
 */
void
wb_mock_reversed_add_objects(WbMockReversed *self, const gchar *device_path, guint16 mtu)
{
	/* §10.13: the data characteristics need an encrypted link (not enforced here) */
	static const gchar *const notify_flags[] = {"notify", NULL};
	static const gchar *const v1_write_flags[] = {"write-without-response", NULL};
	static const gchar *const v2_write_flags[] = {"write-without-response", "write", NULL};
	static const gchar *const meta_flags[] = {"read", NULL};
	/* §10.8: FW/DA's reversed meta: versions 1..1, the system app UUID, hybrid session */
	static const guint8 meta[19] = {0x01, 0x01, [18] = 0x01};
	g_autoptr(MockBluezObjectSkeleton) obj = NULL;
	g_autoptr(MockBluezGattService1) svc = NULL;
	gboolean v2 = self->variant == WB_MOCK_REVERSED_V2;

	if (self->svc_path != NULL || self->variant == WB_MOCK_REVERSED_NONE)
		return;
	self->hosted = self->variant;
	self->mtu = mtu;
	self->svc_path = g_strdup_printf("%s/service%04x", device_path, v2 ? 0x30 : 0x20);
	self->notify_path = g_strdup_printf("%s/char%04x", self->svc_path, v2 ? 0x31 : 0x21);
	self->write_path = g_strdup_printf("%s/char%04x", self->svc_path, v2 ? 0x34 : 0x26);
	obj = mock_bluez_object_skeleton_new(self->svc_path);
	svc = mock_bluez_gatt_service1_skeleton_new();
	mock_bluez_gatt_service1_set_uuid(svc, v2 ? UUID_V2_SERVICE : UUID_V1_SERVICE);
	mock_bluez_gatt_service1_set_primary(svc, TRUE);
	mock_bluez_gatt_service1_set_device(svc, device_path);
	mock_bluez_gatt_service1_set_includes(svc, (const gchar *const[]){NULL});
	mock_bluez_gatt_service1_set_handle(svc, v2 ? 0x30 : 0x20);
	mock_bluez_object_skeleton_set_gatt_service1(obj, svc);
	g_dbus_object_manager_server_export(self->om, G_DBUS_OBJECT_SKELETON(obj));
	self->notify_chr = add_chr(self, self->notify_path, v2 ? UUID_V2_NOTIFY : UUID_V1_NOTIFY,
				   v2 ? 0x31 : 0x21, notify_flags);
	if (!v2) {
		self->meta_path = g_strdup_printf("%s/char%04x", self->svc_path, 0x24);
		self->meta_chr = add_chr(self, self->meta_path, UUID_V1_META, 0x24, meta_flags);
		mock_bluez_gatt_characteristic1_set_value(self->meta_chr,
							  bytes_variant(meta, sizeof(meta)));
	}
	self->write_chr = add_chr(self, self->write_path, v2 ? UUID_V2_WRITE : UUID_V1_WRITE,
				  v2 ? 0x34 : 0x26, v2 ? v2_write_flags : v1_write_flags);
	/* gatt-api.txt: the properties exist where the methods do */
	if (self->acquire) {
		mock_bluez_gatt_characteristic1_set_notify_acquired(self->notify_chr, FALSE);
		mock_bluez_gatt_characteristic1_set_write_acquired(self->write_chr, FALSE);
	}
}

/**
 * wb_mock_reversed_remove_objects:
 * @self: the reversed part
 *
 * On disconnect: the service goes, children first, as bluetoothd does.
 */
void
wb_mock_reversed_remove_objects(WbMockReversed *self)
{
	if (self->svc_path == NULL)
		return;
	drop_notify_fd(self);
	drop_write_fd(self);
	g_dbus_object_manager_server_unexport(self->om, self->write_path);
	if (self->meta_path != NULL)
		g_dbus_object_manager_server_unexport(self->om, self->meta_path);
	g_dbus_object_manager_server_unexport(self->om, self->notify_path);
	g_dbus_object_manager_server_unexport(self->om, self->svc_path);
	g_clear_object(&self->notify_chr);
	g_clear_object(&self->write_chr);
	g_clear_object(&self->meta_chr);
	g_clear_pointer(&self->svc_path, g_free);
	g_clear_pointer(&self->notify_path, g_free);
	g_clear_pointer(&self->write_path, g_free);
	g_clear_pointer(&self->meta_path, g_free);
	self->hosted = WB_MOCK_REVERSED_NONE;
}

void
wb_mock_reversed_set_mtu(WbMockReversed *self, guint16 mtu)
{
	self->mtu = mtu;
	if (self->notify_chr != NULL)
		mock_bluez_gatt_characteristic1_set_mtu(self->notify_chr, mtu);
	if (self->write_chr != NULL)
		mock_bluez_gatt_characteristic1_set_mtu(self->write_chr, mtu);
	if (self->meta_chr != NULL)
		mock_bluez_gatt_characteristic1_set_mtu(self->meta_chr, mtu);
}

/* ------------------------------------------------------------------ knobs */

static gboolean
on_set_ppogatt_mode(MockBluezControl1 *c, GDBusMethodInvocation *inv, const gchar *mode,
		    WbMockReversed *self)
{
	static const struct {
		const gchar *name;
		WbMockReversedVariant variant;
		gboolean only;
	} modes[] = {
		{"normal", WB_MOCK_REVERSED_NONE, FALSE},
		{"reversed", WB_MOCK_REVERSED_V1, FALSE},
		{"reversed-v2", WB_MOCK_REVERSED_V2, FALSE},
		{"reversed-only", WB_MOCK_REVERSED_V1, TRUE},
		{"reversed-v2-only", WB_MOCK_REVERSED_V2, TRUE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(modes); i++) {
		if (g_strcmp0(mode, modes[i].name) != 0)
			continue;
		self->variant = modes[i].variant;
		self->only = modes[i].only;
		g_message("mock-bluez: PPoGATT mode %s (from the next connection)", mode);
		mock_bluez_control1_complete_set_ppogatt_mode(c, inv);
		return TRUE;
	}
	g_dbus_method_invocation_return_dbus_error(
		inv, "org.bluez.Error.InvalidArguments",
		"mode must be normal, reversed, reversed-v2, reversed-only or reversed-v2-only");
	return TRUE;
}

static gboolean
on_set_reversed_acquire(MockBluezControl1 *c, GDBusMethodInvocation *inv, gboolean acquire,
			WbMockReversed *self)
{
	self->acquire = acquire;
	mock_bluez_control1_complete_set_reversed_acquire(c, inv);
	return TRUE;
}

/* A hostile watch: raw bytes as one notification, whatever their length and content */
static gboolean
on_inject_notification(MockBluezControl1 *c, GDBusMethodInvocation *inv, GVariant *value,
		       WbMockReversed *self)
{
	gsize len;
	const guint8 *data = g_variant_get_fixed_array(value, &len, 1);

	if (self->notify_chr == NULL) {
		g_dbus_method_invocation_return_dbus_error(
			inv, "org.bluez.Error.NotConnected",
			"no reversed service while disconnected");
		return TRUE;
	}
	/* on an acquired socket as bluetoothd would pass it on (a 0-byte datagram reads as the
	 * socket's end: so does it for bluetoothd's clients) */
	if (self->notify_fd >= 0)
		(void)send(self->notify_fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	else
		emit_value(self, data, len);
	mock_bluez_control1_complete_inject_notification(c, inv);
	return TRUE;
}

WbMockReversed *
wb_mock_reversed_new(GDBusObjectManagerServer *om, MockBluezControl1 *control,
		     const WbMockReversedHost *host, gpointer user_data)
{
	WbMockReversed *self = g_new0(WbMockReversed, 1);

	self->om = g_object_ref(om);
	self->control = g_object_ref(control);
	self->host = host;
	self->user_data = user_data;
	self->mtu = 23;
	self->acquire = TRUE;
	self->notify_fd = -1;
	self->write_fd = -1;
	g_signal_connect(control, "handle-set-ppogatt-mode", G_CALLBACK(on_set_ppogatt_mode), self);
	g_signal_connect(control, "handle-set-reversed-acquire",
			 G_CALLBACK(on_set_reversed_acquire), self);
	g_signal_connect(control, "handle-inject-notification", G_CALLBACK(on_inject_notification),
			 self);
	return self;
}

void
wb_mock_reversed_free(WbMockReversed *self)
{
	if (self == NULL)
		return;
	wb_mock_reversed_remove_objects(self);
	g_signal_handlers_disconnect_by_data(self->control, self);
	g_object_unref(self->control);
	g_object_unref(self->om);
	g_free(self);
}
