/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The phone's GATT application for normal-mode PPoGATT (reference §10.3, §10.8, §10.16): the
 * PPoGATT service with its data and meta characteristics, plus the dummy service GB and LP3
 * add, exported with a GDBusObjectManagerServer and registered with GattManager1. It only
 * moves packets: the PPoGATT state machine lives in WbLinkBle.
 */
#include <errno.h>
#include <gio/gunixfdlist.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WB_LOG_MODULE "bluez"
#include "wb-bluez-client.h"
#include "wb-bluez-gatt-app.h"
#include "wb-bluez-gen.h"
#include "wb-error.h"
#include "wb-log.h"

/* A characteristic value is at most 512 bytes (Core spec Vol 3 Part F §3.2.9). */
#define MAX_VALUE 512

struct _WbBluezGattApp {
	GObject parent_instance;
	GDBusConnection *connection;
	gchar *path;
	gchar *adapter_path;
	GDBusObjectManagerServer *manager;
	WbBluezGattCharacteristic1 *data_chr;
	WbBluezGattCharacteristic1 *meta_chr;
	WbBluezGattCharacteristic1 *dummy_chr;
	gboolean registered;
	guint bluez_watch;
	gchar *bluez_owner; /* the unique name owning org.bluez, NULL while it is away */
	/* AcquireWrite: our end of the socket bluetoothd writes the watch's packets to */
	gint write_fd;
	guint write_source;
	gint notify_fd; /* AcquireNotify: one datagram per notification, -1 if not acquired */
	guint notify_source;
	gchar *write_device;
	guint write_mtu;
};

G_DEFINE_FINAL_TYPE(WbBluezGattApp, wb_bluez_gatt_app, G_TYPE_OBJECT)

enum { SIGNAL_PACKET, SIGNAL_NOTIFYING_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static GVariant *
bytes_variant(const guint8 *data, gsize len)
{
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1);
}

/* §10.8: min_version 0, max_version 1, a zero app UUID (the system session), session type 1
 * (hybrid), as GB and LP3-Android serve it. */
static GVariant *
meta_value(void)
{
	guint8 meta[19] = {0};

	meta[1] = 1;
	meta[18] = 1;
	return bytes_variant(meta, sizeof(meta));
}

/* Only bluetoothd may call the application: anyone on the system bus can reach our objects,
 * and a write is a packet from the watch. */
static gboolean
check_sender(WbBluezGattApp *self, GDBusMethodInvocation *invocation)
{
	return wb_bluez_check_sender(invocation, self->bluez_owner,
				     "org.bluez.Error.NotAuthorized");
}

/* gatt-api.txt: ReadValue may carry "offset"; a long read continues from it. */
static gboolean
on_read_value(WbBluezGattCharacteristic1 *chr, GDBusMethodInvocation *invocation, GVariant *options,
	      gpointer user_data)
{
	WbBluezGattApp *self = user_data;
	g_autoptr(GVariant) value = NULL;
	const guint8 *data;
	guint16 offset = 0;
	gsize len;

	if (!check_sender(self, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;

	if (chr == self->meta_chr)
		value = g_variant_ref_sink(meta_value());
	else
		value = g_variant_ref_sink(bytes_variant(NULL, 0));
	(void)g_variant_lookup(options, "offset", "q", &offset);
	data = g_variant_get_fixed_array(value, &len, 1);
	if (offset > len) {
		g_dbus_method_invocation_return_dbus_error(
			invocation, "org.bluez.Error.InvalidOffset", "offset beyond the value");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_bluez_gatt_characteristic1_complete_read_value(
		chr, invocation, bytes_variant(data + offset, len - offset));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* gatt-api.txt: WriteValue(ay value, a{sv} options) with "device" (o) and "mtu" (q); every
 * write is one PPoGATT packet from the watch. */
static gboolean
on_write_value(WbBluezGattCharacteristic1 *chr, GDBusMethodInvocation *invocation, GVariant *value,
	       GVariant *options, gpointer user_data)
{
	WbBluezGattApp *self = user_data;
	g_autoptr(GBytes) packet = NULL;
	const gchar *device = NULL;
	const guint8 *data;
	guint16 mtu = 0;
	guint16 offset = 0;
	gsize len;

	if (!check_sender(self, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;

	if (chr != self->data_chr) {
		g_dbus_method_invocation_return_dbus_error(invocation,
							   "org.bluez.Error.NotPermitted",
							   "the characteristic is read-only");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	(void)g_variant_lookup(options, "device", "&o", &device);
	(void)g_variant_lookup(options, "mtu", "q", &mtu);
	(void)g_variant_lookup(options, "offset", "q", &offset);
	if (!g_variant_is_of_type(value, G_VARIANT_TYPE_BYTESTRING)) {
		g_dbus_method_invocation_return_dbus_error(invocation, "org.bluez.Error.Failed",
							   "value is not a byte array");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	if (offset != 0) {
		/* a PPoGATT packet always fits one write: prepared writes are not ours */
		g_dbus_method_invocation_return_dbus_error(invocation,
							   "org.bluez.Error.NotSupported",
							   "offset writes are not supported");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	data = g_variant_get_fixed_array(value, &len, 1);
	packet = g_bytes_new(data, len);
	/* answer first: the watch writes without response, nothing waits on our handling */
	wb_bluez_gatt_characteristic1_complete_write_value(chr, invocation);
	g_signal_emit(self, signals[SIGNAL_PACKET], 0, device != NULL ? device : "", (guint)mtu,
		      packet);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* StartNotify and StopNotify: only the data characteristic notifies */
static gboolean
set_notifying(WbBluezGattApp *self, WbBluezGattCharacteristic1 *chr,
	      GDBusMethodInvocation *invocation, gboolean notifying)
{
	gboolean was = wb_bluez_gatt_characteristic1_get_notifying(chr);

	if (!check_sender(self, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	if (chr != self->data_chr) {
		g_dbus_method_invocation_return_dbus_error(invocation,
							   "org.bluez.Error.NotSupported",
							   "the characteristic does not notify");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_bluez_gatt_characteristic1_set_notifying(chr, notifying);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(chr));
	g_dbus_method_invocation_return_value(invocation, NULL);
	if (was != notifying)
		g_signal_emit(self, signals[SIGNAL_NOTIFYING_CHANGED], 0, notifying);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_start_notify(WbBluezGattCharacteristic1 *chr, GDBusMethodInvocation *invocation,
		gpointer user_data)
{
	return set_notifying(user_data, chr, invocation, TRUE);
}

static gboolean
on_stop_notify(WbBluezGattCharacteristic1 *chr, GDBusMethodInvocation *invocation,
	       gpointer user_data)
{
	return set_notifying(user_data, chr, invocation, FALSE);
}

static void
release_notify(WbBluezGattApp *self)
{
	gboolean was = self->notify_fd >= 0;

	g_clear_handle_id(&self->notify_source, g_source_remove);
	if (self->notify_fd >= 0) {
		(void)close(self->notify_fd);
		self->notify_fd = -1;
	}
	if (self->data_chr != NULL &&
	    wb_bluez_gatt_characteristic1_get_notify_acquired(self->data_chr)) {
		wb_bluez_gatt_characteristic1_set_notify_acquired(self->data_chr, FALSE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->data_chr));
	}
	if (was && self->data_chr != NULL &&
	    !wb_bluez_gatt_characteristic1_get_notifying(self->data_chr))
		g_signal_emit(self, signals[SIGNAL_NOTIFYING_CHANGED], 0, FALSE);
}

/* bluetoothd closes the AcquireNotify socket when the watch unsubscribes or disconnects */
static gboolean
on_notify_fd(gint fd, GIOCondition condition, gpointer user_data)
{
	WbBluezGattApp *self = user_data;
	g_autoptr(GObject) keep = g_object_ref(G_OBJECT(self)); /* handlers may drop theirs */

	wb_debug("AcquireNotify socket closed");
	self->notify_source = 0;
	release_notify(self);
	return G_SOURCE_REMOVE;
}

/* A connected pair of SEQPACKET sockets; @out_list gets the peer's end. */
static gint
socket_for_bluez(GUnixFDList **out_list, GError **error)
{
	g_autoptr(GUnixFDList) list = NULL;
	gint fds[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0) {
		g_set_error_literal(error, G_IO_ERROR, g_io_error_from_errno(errno),
				    g_strerror(errno));
		return -1;
	}
	list = g_unix_fd_list_new();
	if (g_unix_fd_list_append(list, fds[1], error) < 0) {
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -1;
	}
	(void)close(fds[1]); /* the list holds a duplicate */
	*out_list = g_steal_pointer(&list);
	return fds[0];
}

/* gatt-api.txt AcquireNotify (server): with NotifyAcquired exposed, bluetoothd asks for a
 * socket when the watch subscribes; every datagram we send on it is one notification. */
static gboolean
on_acquire_notify(WbBluezGattCharacteristic1 *chr, GDBusMethodInvocation *invocation,
		  GUnixFDList *fd_list, GVariant *options, gpointer user_data)
{
	WbBluezGattApp *self = user_data;
	g_autoptr(GUnixFDList) out_fds = NULL;
	g_autoptr(GError) error = NULL;
	gboolean was = wb_bluez_gatt_app_get_notifying(self);
	guint16 mtu = 0;
	gint fd;

	if (!check_sender(self, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	if (chr != self->data_chr) {
		g_dbus_method_invocation_return_dbus_error(invocation,
							   "org.bluez.Error.NotSupported",
							   "the characteristic does not notify");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	(void)g_variant_lookup(options, "mtu", "q", &mtu);
	fd = socket_for_bluez(&out_fds, &error);
	if (fd < 0) {
		g_dbus_method_invocation_return_dbus_error(invocation, "org.bluez.Error.Failed",
							   error->message);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_clear_handle_id(&self->notify_source, g_source_remove);
	if (self->notify_fd >= 0)
		(void)close(self->notify_fd);
	self->notify_fd = fd;
	self->notify_source =
		g_unix_fd_add(self->notify_fd, G_IO_HUP | G_IO_ERR, on_notify_fd, self);
	wb_bluez_gatt_characteristic1_set_notify_acquired(chr, TRUE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(chr));
	wb_bluez_gatt_characteristic1_complete_acquire_notify(chr, invocation, out_fds,
							      g_variant_new_handle(0), mtu);
	if (!was)
		g_signal_emit(self, signals[SIGNAL_NOTIFYING_CHANGED], 0, TRUE);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
release_write(WbBluezGattApp *self)
{
	g_clear_handle_id(&self->write_source, g_source_remove);
	if (self->write_fd >= 0) {
		(void)close(self->write_fd);
		self->write_fd = -1;
	}
	g_clear_pointer(&self->write_device, g_free);
	if (self->data_chr != NULL &&
	    wb_bluez_gatt_characteristic1_get_write_acquired(self->data_chr)) {
		wb_bluez_gatt_characteristic1_set_write_acquired(self->data_chr, FALSE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->data_chr));
	}
}

/* Each datagram on the AcquireWrite socket is one value the watch wrote. */
static gboolean
on_write_fd(gint fd, GIOCondition condition, gpointer user_data)
{
	WbBluezGattApp *self = user_data;
	g_autoptr(GObject) keep = g_object_ref(G_OBJECT(self)); /* handlers may drop theirs */
	g_autofree gchar *device = g_strdup(self->write_device);
	guint mtu = self->write_mtu;

	for (;;) {
		guint8 buf[MAX_VALUE];
		g_autoptr(GBytes) packet = NULL;
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			/* bluetoothd closes it when the watch disconnects; it acquires again */
			wb_debug("AcquireWrite socket closed");
			self->write_source = 0;
			release_write(self);
			return G_SOURCE_REMOVE;
		}
		packet = g_bytes_new(buf, (gsize)n);
		g_signal_emit(self, signals[SIGNAL_PACKET], 0, device, mtu, packet);
		if (self->write_fd != fd)
			return G_SOURCE_REMOVE; /* released meanwhile */
	}
	if (condition & (G_IO_HUP | G_IO_ERR)) {
		self->write_source = 0;
		release_write(self);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* gatt-api.txt AcquireWrite (server): with WriteAcquired exposed, bluetoothd acquires a
 * socket on the first write and sends every later write through it, without a D-Bus call
 * per packet. Options "device" and "mtu" come once, here. */
static gboolean
on_acquire_write(WbBluezGattCharacteristic1 *chr, GDBusMethodInvocation *invocation,
		 GUnixFDList *fd_list, GVariant *options, gpointer user_data)
{
	WbBluezGattApp *self = user_data;
	g_autoptr(GUnixFDList) out_fds = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *device = NULL;
	guint16 mtu = 0;
	gint fd;

	if (!check_sender(self, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;

	if (chr != self->data_chr) {
		g_dbus_method_invocation_return_dbus_error(invocation,
							   "org.bluez.Error.NotSupported",
							   "the characteristic is read-only");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	(void)g_variant_lookup(options, "device", "&o", &device);
	(void)g_variant_lookup(options, "mtu", "q", &mtu);
	fd = socket_for_bluez(&out_fds, &error);
	if (fd < 0) {
		g_dbus_method_invocation_return_dbus_error(invocation, "org.bluez.Error.Failed",
							   error->message);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	release_write(self);
	self->write_fd = fd;
	self->write_device = g_strdup(device != NULL ? device : "");
	self->write_mtu = mtu;
	self->write_source =
		g_unix_fd_add(self->write_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_write_fd, self);
	wb_bluez_gatt_characteristic1_set_write_acquired(chr, TRUE);
	g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(chr));
	wb_bluez_gatt_characteristic1_complete_acquire_write(chr, invocation, out_fds,
							     g_variant_new_handle(0), mtu);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
export_service(WbBluezGattApp *self, const gchar *path, const gchar *uuid)
{
	g_autoptr(WbBluezObjectSkeleton) object = wb_bluez_object_skeleton_new(path);
	g_autoptr(WbBluezGattService1) service = wb_bluez_gatt_service1_skeleton_new();

	wb_bluez_gatt_service1_set_uuid(service, uuid);
	wb_bluez_gatt_service1_set_primary(service, TRUE);
	wb_bluez_object_skeleton_set_gatt_service1(object, service);
	g_dbus_object_manager_server_export(self->manager, G_DBUS_OBJECT_SKELETON(object));
}

static WbBluezGattCharacteristic1 *
export_characteristic(WbBluezGattApp *self, const gchar *path, const gchar *service_path,
		      const gchar *uuid, const gchar *const *flags)
{
	g_autoptr(WbBluezObjectSkeleton) object = wb_bluez_object_skeleton_new(path);
	WbBluezGattCharacteristic1 *chr = wb_bluez_gatt_characteristic1_skeleton_new();

	wb_bluez_gatt_characteristic1_set_uuid(chr, uuid);
	wb_bluez_gatt_characteristic1_set_service(chr, service_path);
	wb_bluez_gatt_characteristic1_set_flags(chr, flags);
	wb_bluez_gatt_characteristic1_set_notifying(chr, FALSE);
	/* exposed on every characteristic (one interface); bluetoothd only acquires writable
	 * ones */
	wb_bluez_gatt_characteristic1_set_write_acquired(chr, FALSE);
	wb_bluez_gatt_characteristic1_set_notify_acquired(chr, FALSE);
	wb_bluez_gatt_characteristic1_set_value(chr, bytes_variant(NULL, 0));
	g_signal_connect_object(chr, "handle-read-value", G_CALLBACK(on_read_value), self, 0);
	g_signal_connect_object(chr, "handle-write-value", G_CALLBACK(on_write_value), self, 0);
	g_signal_connect_object(chr, "handle-start-notify", G_CALLBACK(on_start_notify), self, 0);
	g_signal_connect_object(chr, "handle-stop-notify", G_CALLBACK(on_stop_notify), self, 0);
	g_signal_connect_object(chr, "handle-acquire-write", G_CALLBACK(on_acquire_write), self, 0);
	g_signal_connect_object(chr, "handle-acquire-notify", G_CALLBACK(on_acquire_notify), self,
				0);
	wb_bluez_object_skeleton_set_gatt_characteristic1(object, chr);
	g_dbus_object_manager_server_export(self->manager, G_DBUS_OBJECT_SKELETON(object));
	return chr;
}

static void
on_bluez_appeared(GDBusConnection *connection, const gchar *name, const gchar *owner,
		  gpointer user_data)
{
	WbBluezGattApp *self = user_data;

	g_free(self->bluez_owner);
	self->bluez_owner = g_strdup(owner);
}

/* bluetoothd forgets applications when it exits: register again when it is back. */
static void
on_bluez_vanished(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	WbBluezGattApp *self = user_data;

	g_clear_pointer(&self->bluez_owner, g_free);

	if (self->registered)
		wb_debug("BlueZ left the bus: GATT application %s is no longer registered",
			 self->path);
	self->registered = FALSE;
	release_write(self);
	release_notify(self);
	if (wb_bluez_gatt_characteristic1_get_notifying(self->data_chr)) {
		wb_bluez_gatt_characteristic1_set_notifying(self->data_chr, FALSE);
		g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self->data_chr));
		g_signal_emit(self, signals[SIGNAL_NOTIFYING_CHANGED], 0, FALSE);
	}
}

/**
 * wb_bluez_gatt_app_new:
 * @connection: the system bus connection bluetoothd is on
 * @path: (nullable): the application's object path; %NULL for
 *   %WB_BLUEZ_GATT_APP_DEFAULT_PATH
 *
 * Exports the application's objects on @connection at once; register it with
 * wb_bluez_gatt_app_register_async() so bluetoothd serves it.
 *
 * Returns: (transfer full): a new #WbBluezGattApp
 */
WbBluezGattApp *
wb_bluez_gatt_app_new(GDBusConnection *connection, const gchar *path)
{
	static const gchar *const data_flags[] = {"write-without-response", "notify", NULL};
	static const gchar *const read_flags[] = {"read", NULL};
	WbBluezGattApp *self;
	g_autofree gchar *svc0 = NULL;
	g_autofree gchar *svc1 = NULL;
	g_autofree gchar *chr = NULL;

	g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);
	g_return_val_if_fail(path == NULL || g_variant_is_object_path(path), NULL);

	self = g_object_new(WB_TYPE_BLUEZ_GATT_APP, NULL);
	self->connection = g_object_ref(connection);
	self->path = g_strdup(path != NULL ? path : WB_BLUEZ_GATT_APP_DEFAULT_PATH);
	self->manager = g_dbus_object_manager_server_new(self->path);

	/* §10.16 step 1: the PPoGATT service first, then the dummy service (GB, LP3) */
	svc0 = g_strdup_printf("%s/service0", self->path);
	export_service(self, svc0, WB_BLUEZ_PPOGATT_SERVICE_UUID);
	chr = g_strdup_printf("%s/char0", svc0);
	self->data_chr =
		export_characteristic(self, chr, svc0, WB_BLUEZ_PPOGATT_DATA_UUID, data_flags);
	g_free(chr);
	chr = g_strdup_printf("%s/char1", svc0);
	self->meta_chr =
		export_characteristic(self, chr, svc0, WB_BLUEZ_PPOGATT_META_UUID, read_flags);
	g_free(chr);
	svc1 = g_strdup_printf("%s/service1", self->path);
	export_service(self, svc1, WB_BLUEZ_DUMMY_UUID);
	chr = g_strdup_printf("%s/char0", svc1);
	self->dummy_chr = export_characteristic(self, chr, svc1, WB_BLUEZ_DUMMY_UUID, read_flags);

	g_dbus_object_manager_server_set_connection(self->manager, connection);
	self->bluez_watch = g_bus_watch_name_on_connection(
		connection, "org.bluez", G_BUS_NAME_WATCHER_FLAGS_NONE, on_bluez_appeared,
		on_bluez_vanished, self, NULL);
	return self;
}

/**
 * wb_bluez_gatt_app_get_path:
 * @self: a #WbBluezGattApp
 *
 * Returns: the application's object path
 */
const gchar *
wb_bluez_gatt_app_get_path(WbBluezGattApp *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_GATT_APP(self), NULL);
	return self->path;
}

/**
 * wb_bluez_gatt_app_get_connection:
 * @self: a #WbBluezGattApp
 *
 * Returns: (transfer none): the bus connection the application is exported on
 */
GDBusConnection *
wb_bluez_gatt_app_get_connection(WbBluezGattApp *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_GATT_APP(self), NULL);
	return self->connection;
}

static void
register_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	WbBluezGattApp *self = g_task_get_source_object(task);
	g_autoptr(GVariant) ret = NULL;
	g_autoptr(GError) error = NULL;

	ret = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	if (ret == NULL) {
		g_autofree gchar *remote = g_dbus_error_get_remote_error(error);
		g_dbus_error_strip_remote_error(error);
		/* gatt-api.txt: AlreadyExists means it is registered already */
		if (g_strcmp0(remote, "org.bluez.Error.AlreadyExists") == 0) {
			self->registered = TRUE;
			g_task_return_boolean(task, TRUE);
			return;
		}
		/* NOT_SUPPORTED: the adapter has no GattManager1 (yet) */
		g_task_return_new_error(task, WB_ERROR,
					g_str_has_prefix(remote != NULL ? remote : "",
							 "org.freedesktop.DBus.Error.Unknown")
						? WB_ERROR_NOT_SUPPORTED
						: WB_ERROR_FAILED,
					"BlueZ refused the GATT application: %s", error->message);
		return;
	}
	self->registered = TRUE;
	wb_debug("GATT application %s registered on %s", self->path, self->adapter_path);
	g_task_return_boolean(task, TRUE);
}

/**
 * wb_bluez_gatt_app_register_async:
 * @self: a #WbBluezGattApp
 * @adapter_path: the adapter's object path, e.g. "/org/bluez/hci0"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when BlueZ answers
 * @user_data: data for @callback
 *
 * Calls GattManager1.RegisterApplication. Always asynchronous: bluetoothd reads the
 * application (GetManagedObjects) before it replies, so a blocking call would deadlock
 * (test-infra.md §3).
 */
void
wb_bluez_gatt_app_register_async(WbBluezGattApp *self, const gchar *adapter_path,
				 GCancellable *cancellable, GAsyncReadyCallback callback,
				 gpointer user_data)
{
	GTask *task;

	g_return_if_fail(WB_IS_BLUEZ_GATT_APP(self));
	g_return_if_fail(g_variant_is_object_path(adapter_path));

	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, wb_bluez_gatt_app_register_async);
	g_free(self->adapter_path);
	self->adapter_path = g_strdup(adapter_path);
	g_dbus_connection_call(self->connection, "org.bluez", adapter_path,
			       "org.bluez.GattManager1", "RegisterApplication",
			       g_variant_new("(oa{sv})", self->path, NULL), G_VARIANT_TYPE_UNIT,
			       G_DBUS_CALL_FLAGS_NONE, -1, cancellable, register_cb, task);
}

/**
 * wb_bluez_gatt_app_register_finish:
 * @self: a #WbBluezGattApp
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if BlueZ serves the application now
 */
gboolean
wb_bluez_gatt_app_register_finish(WbBluezGattApp *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * wb_bluez_gatt_app_is_registered:
 * @self: a #WbBluezGattApp
 *
 * Returns: whether RegisterApplication succeeded and neither an unregister nor bluetoothd
 * leaving the bus followed
 */
gboolean
wb_bluez_gatt_app_is_registered(WbBluezGattApp *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_GATT_APP(self), FALSE);
	return self->registered;
}

/**
 * wb_bluez_gatt_app_unregister:
 * @self: a #WbBluezGattApp
 *
 * Calls GattManager1.UnregisterApplication without waiting for the answer (BlueZ also drops
 * the application by itself when our connection goes away).
 */
void
wb_bluez_gatt_app_unregister(WbBluezGattApp *self)
{
	g_return_if_fail(WB_IS_BLUEZ_GATT_APP(self));
	if (!self->registered)
		return;
	self->registered = FALSE;
	g_dbus_connection_call(self->connection, "org.bluez", self->adapter_path,
			       "org.bluez.GattManager1", "UnregisterApplication",
			       g_variant_new("(o)", self->path), NULL, G_DBUS_CALL_FLAGS_NONE, -1,
			       NULL, NULL, NULL);
}

/**
 * wb_bluez_gatt_app_get_notifying:
 * @self: a #WbBluezGattApp
 *
 * Returns: whether the watch subscribed to the data characteristic (StartNotify)
 */
gboolean
wb_bluez_gatt_app_get_notifying(WbBluezGattApp *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_GATT_APP(self), FALSE);
	return wb_bluez_gatt_characteristic1_get_notifying(self->data_chr) || self->notify_fd >= 0;
}

/**
 * wb_bluez_gatt_app_notify:
 * @self: a #WbBluezGattApp
 * @packet: one PPoGATT packet, 1 to 512 bytes
 * @error: return location for a #GError
 *
 * Sends @packet to the watch as a notification of the data characteristic: sets Value and
 * flushes the skeleton at once, because GDBus coalesces property changes made in one main
 * loop iteration and back-to-back packets would otherwise merge into one notification
 * (test-infra.md §3).
 *
 * Returns: %TRUE if it went out; %WB_ERROR_NOT_CONNECTED when the watch is not subscribed,
 * %WB_ERROR_INVALID_ARGS when @packet is empty or too long
 */
gboolean
wb_bluez_gatt_app_notify(WbBluezGattApp *self, GBytes *packet, GError **error)
{
	GVariantBuilder changed;
	const guint8 *data;
	gsize len;

	g_return_val_if_fail(WB_IS_BLUEZ_GATT_APP(self), FALSE);
	g_return_val_if_fail(packet != NULL, FALSE);

	data = g_bytes_get_data(packet, &len);
	if (len == 0 || len > MAX_VALUE) {
		g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
			    "a notification carries 1 to %d bytes, not %zu", MAX_VALUE, len);
		return FALSE;
	}
	if (self->notify_fd >= 0) {
		ssize_t n;

		do
			n = send(self->notify_fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			/* a full socket drops this packet; PPoGATT sends it again */
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
				    "AcquireNotify socket: %s", g_strerror(errno));
			return FALSE;
		}
		return TRUE;
	}
	if (!wb_bluez_gatt_characteristic1_get_notifying(self->data_chr)) {
		g_set_error_literal(error, WB_ERROR, WB_ERROR_NOT_CONNECTED,
				    "the watch has not subscribed to PPoGATT notifications");
		return FALSE;
	}
	/* PropertiesChanged by hand, one per packet: the generated setter sends nothing when the
	 * value equals the previous one, and PPoGATT repeats packets on purpose (a go-back-N
	 * resend of the only packet in flight, a repeated Ack) */
	g_variant_builder_init(&changed, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&changed, "{sv}", "Value", bytes_variant(data, len));
	return g_dbus_connection_emit_signal(
		self->connection, NULL,
		g_dbus_interface_skeleton_get_object_path(
			G_DBUS_INTERFACE_SKELETON(self->data_chr)),
		"org.freedesktop.DBus.Properties", "PropertiesChanged",
		g_variant_new("(sa{sv}as)", "org.bluez.GattCharacteristic1", &changed, NULL),
		error);
}

static void
wb_bluez_gatt_app_dispose(GObject *object)
{
	WbBluezGattApp *self = WB_BLUEZ_GATT_APP(object);

	g_clear_handle_id(&self->bluez_watch, g_bus_unwatch_name);
	release_write(self);
	g_clear_handle_id(&self->notify_source, g_source_remove);
	if (self->notify_fd >= 0) {
		(void)close(self->notify_fd);
		self->notify_fd = -1;
	}
	wb_bluez_gatt_app_unregister(self);
	if (self->manager != NULL)
		g_dbus_object_manager_server_set_connection(self->manager, NULL);
	g_clear_object(&self->manager);
	g_clear_object(&self->data_chr);
	g_clear_object(&self->meta_chr);
	g_clear_object(&self->dummy_chr);
	g_clear_object(&self->connection);
	G_OBJECT_CLASS(wb_bluez_gatt_app_parent_class)->dispose(object);
}

static void
wb_bluez_gatt_app_finalize(GObject *object)
{
	WbBluezGattApp *self = WB_BLUEZ_GATT_APP(object);

	g_free(self->path);
	g_free(self->adapter_path);
	g_free(self->bluez_owner);
	G_OBJECT_CLASS(wb_bluez_gatt_app_parent_class)->finalize(object);
}

static void
wb_bluez_gatt_app_class_init(WbBluezGattAppClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = wb_bluez_gatt_app_dispose;
	object_class->finalize = wb_bluez_gatt_app_finalize;

	/**
	 * WbBluezGattApp::packet:
	 * @self: the application
	 * @device: the writing device's object path ("" if BlueZ did not say)
	 * @mtu: the negotiated ATT MTU (0 if BlueZ did not say)
	 * @packet: the value written: one PPoGATT packet
	 *
	 * The watch wrote the data characteristic.
	 */
	signals[SIGNAL_PACKET] =
		g_signal_new("packet", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
			     NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_BYTES);
	/**
	 * WbBluezGattApp::notifying-changed:
	 * @self: the application
	 * @notifying: whether the watch is subscribed to the data characteristic now
	 */
	signals[SIGNAL_NOTIFYING_CHANGED] =
		g_signal_new("notifying-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
wb_bluez_gatt_app_init(WbBluezGattApp *self)
{
	self->write_fd = -1;
	self->notify_fd = -1;
}
