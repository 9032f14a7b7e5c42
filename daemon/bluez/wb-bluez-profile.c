/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The Serial Port Profile for classic Pebbles through BlueZ's Profile API (BlueZ
 * doc/profile-api.txt, docs/rfcomm.md): we export org.bluez.Profile1, register it with
 * ProfileManager1 as an SPP client, and Device1.ConnectProfile(SPP) makes bluetoothd do the
 * SDP lookup and the RFCOMM connect and hand us the connected socket in NewConnection. No
 * libbluetooth, no AF_BLUETOOTH code of ours.
 */
#include <errno.h>
#include <gio/gunixfdlist.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WB_LOG_MODULE "bluez"
#include "wb-bluez-client.h"
#include "wb-bluez-gen.h"
#include "wb-bluez-profile.h"
#include "wb-error.h"
#include "wb-log.h"

#define BLUEZ_NAME         "org.bluez"
#define BLUEZ_ERROR_REJECT "org.bluez.Error.Rejected"
#define BLUEZ_ERROR_ARGS   "org.bluez.Error.InvalidArguments"

/* One wb_bluez_profile_connect_async() in flight */
typedef struct {
	WbBluezProfile *self; /* not a reference: the task holds one */
	GTask *task;
	gchar *device;
	GSocket *socket;  /* from NewConnection, until the reply is in too */
	gboolean replied; /* ConnectProfile succeeded */
	GSource *timeout;
	GSource *cancel;
} ConnectOp;

struct _WbBluezProfile {
	GObject parent_instance;
	GDBusConnection *connection;
	WbBluezProfile1 *skeleton;
	gboolean exported;
	gboolean registered;
	gchar *bluez_owner; /* the unique name of org.bluez's owner, NULL while it is away */
	guint bluez_watch;
	GList *connects;     /* of ConnectOp */
	GHashTable *sockets; /* device path -> GSocket handed out, for RequestDisconnection */
};

G_DEFINE_FINAL_TYPE(WbBluezProfile, wb_bluez_profile, G_TYPE_OBJECT)

enum { SIGNAL_INCOMING, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ connect operations */

static void remember_socket(WbBluezProfile *self, const gchar *device, GSocket *socket);

static void
connect_op_free(ConnectOp *op)
{
	if (op->timeout != NULL) {
		g_source_destroy(op->timeout);
		g_source_unref(op->timeout);
	}
	if (op->cancel != NULL) {
		g_source_destroy(op->cancel);
		g_source_unref(op->cancel);
	}
	if (op->socket != NULL) {
		(void)g_socket_close(op->socket, NULL);
		g_object_unref(op->socket);
	}
	g_clear_object(&op->task);
	g_free(op->device);
	g_free(op);
}

/* Ends @op with @error (taken), or with its socket when @error is %NULL */
static void
connect_op_finish(ConnectOp *op, GError *error)
{
	WbBluezProfile *self = op->self;
	GTask *task = g_steal_pointer(&op->task);

	self->connects = g_list_remove(self->connects, op);
	if (error != NULL) {
		wb_debug("ConnectProfile(SPP) on %s failed: %s", op->device, error->message);
		g_task_return_error(task, error);
	} else {
		GSocket *socket = g_steal_pointer(&op->socket);

		wb_debug("SPP connected to %s", op->device);
		remember_socket(self, op->device, socket);
		g_task_return_pointer(task, socket, g_object_unref);
	}
	connect_op_free(op);
	g_object_unref(task);
}

static ConnectOp *
find_connect(WbBluezProfile *self, const gchar *device)
{
	for (GList *l = self->connects; l != NULL; l = l->next) {
		ConnectOp *op = l->data;

		if (g_str_equal(op->device, device))
			return op;
	}
	return NULL;
}

static gboolean
connect_timeout_cb(gpointer user_data)
{
	ConnectOp *op = user_data;

	g_clear_pointer(&op->timeout, g_source_unref);
	connect_op_finish(op, g_error_new(WB_ERROR, WB_ERROR_TIMEOUT,
					  "%s did not connect the Serial Port Profile in %u s",
					  op->device, WB_BLUEZ_PROFILE_CONNECT_TIMEOUT_S));
	return G_SOURCE_REMOVE;
}

static gboolean
connect_cancelled_cb(GCancellable *cancellable, gpointer user_data)
{
	ConnectOp *op = user_data;

	g_clear_pointer(&op->cancel, g_source_unref);
	/* bluetoothd may still connect: its NewConnection then counts as "incoming" */
	connect_op_finish(op, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED,
						  "Operation was cancelled"));
	return G_SOURCE_REMOVE;
}

/* bluetoothd's ConnectProfile errors (src/device.c) as the daemon's */
static GError *
connect_error(const gchar *device, GError *error)
{
	g_autofree gchar *remote = g_dbus_error_get_remote_error(error);
	WbError code = WB_ERROR_FAILED;

	g_dbus_error_strip_remote_error(error);
	if (g_strcmp0(remote, "org.bluez.Error.NotReady") == 0)
		code = WB_ERROR_ADAPTER_OFF;
	else if (g_strcmp0(remote, "org.bluez.Error.AlreadyConnected") == 0 ||
		 g_strcmp0(remote, "org.bluez.Error.InProgress") == 0)
		code = WB_ERROR_BUSY;
	else if (g_strcmp0(remote, "org.bluez.Error.NotAvailable") == 0 ||
		 g_strcmp0(remote, "org.bluez.Error.NotSupported") == 0)
		code = WB_ERROR_NOT_SUPPORTED;
	else if (g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownObject") == 0 ||
		 g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownMethod") == 0 ||
		 g_strcmp0(remote, "org.bluez.Error.DoesNotExist") == 0)
		code = WB_ERROR_DEVICE_NOT_FOUND;
	else if (g_strcmp0(remote, "org.bluez.Error.Failed") == 0)
		/* "Host is down", "Connection refused"…: the watch is off or out of range */
		code = WB_ERROR_NOT_CONNECTED;
	else if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
		 g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
		 g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY))
		code = WB_ERROR_BLUETOOTH_UNAVAILABLE;
	return g_error_new(WB_ERROR, code, "cannot connect the Serial Port Profile of %s: %s",
			   device, error->message);
}

typedef struct {
	WbBluezProfile *self; /* a reference */
	ConnectOp *op;        /* compared, not dereferenced, unless still in the list */
} ConnectCall;

static void
connect_call_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	ConnectCall *call = user_data;
	WbBluezProfile *self = call->self;
	ConnectOp *op = g_list_find(self->connects, call->op) != NULL ? call->op : NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	g_free(call);
	if (op == NULL) {
		/* timed out or cancelled meanwhile */
		g_object_unref(self);
		return;
	}
	if (ret == NULL) {
		connect_op_finish(op, connect_error(op->device, error));
	} else {
		op->replied = TRUE;
		/* NewConnection usually comes first (bluetoothd replies once we answered it) */
		if (op->socket != NULL)
			connect_op_finish(op, NULL);
	}
	g_object_unref(self);
}

/**
 * wb_bluez_profile_connect_async:
 * @self: a #WbBluezProfile
 * @device_path: the watch's org.bluez.Device1 object path
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the RFCOMM socket or an error
 * @user_data: data for @callback
 *
 * Calls Device1.ConnectProfile(SPP): bluetoothd pages the watch, finds the SPP channel with SDP
 * and connects RFCOMM, then hands the socket to our NewConnection. Completes once both the
 * reply and the NewConnection for @device_path are in (either order), with a %WB_ERROR on an
 * error reply (%WB_ERROR_NOT_CONNECTED: out of range; %WB_ERROR_ADAPTER_OFF; %WB_ERROR_BUSY:
 * connected already or in progress), or %WB_ERROR_TIMEOUT after
 * %WB_BLUEZ_PROFILE_CONNECT_TIMEOUT_S.
 */
void
wb_bluez_profile_connect_async(WbBluezProfile *self, const gchar *device_path,
			       GCancellable *cancellable, GAsyncReadyCallback callback,
			       gpointer user_data)
{
	g_autoptr(GTask) task = NULL;
	ConnectOp *op;
	ConnectCall *call;

	g_return_if_fail(WB_IS_BLUEZ_PROFILE(self));
	g_return_if_fail(device_path != NULL && g_variant_is_object_path(device_path));

	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, wb_bluez_profile_connect_async);
	if (g_task_return_error_if_cancelled(task))
		return;
	if (!self->registered) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_FAILED,
					"cannot connect %s: the Serial Port Profile is not "
					"registered with BlueZ",
					device_path);
		return;
	}
	if (find_connect(self, device_path) != NULL) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_BUSY,
					"already connecting the Serial Port Profile of %s",
					device_path);
		return;
	}
	op = g_new0(ConnectOp, 1);
	op->self = self;
	op->task = g_steal_pointer(&task);
	op->device = g_strdup(device_path);
	op->timeout = g_timeout_source_new_seconds(WB_BLUEZ_PROFILE_CONNECT_TIMEOUT_S);
	g_source_set_callback(op->timeout, connect_timeout_cb, op, NULL);
	g_source_attach(op->timeout, g_task_get_context(op->task));
	if (cancellable != NULL) {
		op->cancel = g_cancellable_source_new(cancellable);
		g_source_set_callback(op->cancel, G_SOURCE_FUNC(connect_cancelled_cb), op, NULL);
		g_source_attach(op->cancel, g_task_get_context(op->task));
	}
	self->connects = g_list_prepend(self->connects, op);

	call = g_new0(ConnectCall, 1);
	call->self = g_object_ref(self);
	call->op = op;
	wb_debug("ConnectProfile(SPP) on %s", device_path);
	/* no cancellable on the call: bluetoothd goes on connecting anyway, and its answer must
	 * still find (or not find) the operation */
	g_dbus_connection_call(self->connection, BLUEZ_NAME, device_path, "org.bluez.Device1",
			       "ConnectProfile", g_variant_new("(s)", WB_BLUEZ_SPP_UUID),
			       G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE,
			       WB_BLUEZ_PROFILE_CONNECT_TIMEOUT_S * 1000, NULL, connect_call_cb,
			       call);
}

/**
 * wb_bluez_profile_connect_finish:
 * @self: a #WbBluezProfile
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the connected RFCOMM stream socket, ready for
 * wb_link_rfcomm_new(); %NULL on error
 */
GSocket *
wb_bluez_profile_connect_finish(WbBluezProfile *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

/* ------------------------------------------------------------------ Profile1 */

/* Only bluetoothd may hand us connections or take them away (profile-api.txt: the methods
 * are called by bluetoothd); anyone else on the system bus can call our object too */
static gboolean
check_sender(WbBluezProfile *self, GDBusMethodInvocation *invocation)
{
	return wb_bluez_check_sender(invocation, self->bluez_owner, BLUEZ_ERROR_REJECT);
}

static gboolean
is_device_path(const gchar *path)
{
	/* BlueZ's devices live under /org/bluez/hciN/dev_… */
	return path != NULL && g_variant_is_object_path(path) &&
	       g_str_has_prefix(path, "/org/bluez/") && strstr(path, "/dev_") != NULL;
}

/* Returns: (transfer full) (nullable): the fd of @handle as a stream socket, or %NULL with
 * @why set */
static GSocket *
take_stream_socket(GUnixFDList *fd_list, GVariant *handle, const gchar **why)
{
	g_autoptr(GError) error = NULL;
	gint32 index = g_variant_get_handle(handle);
	gint type = 0;
	socklen_t len = sizeof(type);
	GSocket *socket;
	gint fd;

	if (fd_list == NULL || index < 0 || index >= g_unix_fd_list_get_length(fd_list)) {
		*why = "fd index out of range";
		return NULL;
	}
	fd = g_unix_fd_list_get(fd_list, index, &error);
	if (fd < 0) {
		*why = "fd not usable";
		return NULL;
	}
	/* an RFCOMM socket is SOCK_STREAM; anything else (a pipe, a file, a datagram socket)
	 * cannot carry the byte stream of §11 */
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) {
		close(fd);
		*why = "fd is not a stream socket";
		return NULL;
	}
	socket = g_socket_new_from_fd(fd, &error);
	if (socket == NULL) {
		close(fd);
		*why = "fd is not a usable socket";
		return NULL;
	}
	return socket;
}

static void
remember_socket(WbBluezProfile *self, const gchar *device, GSocket *socket)
{
	GSocket *old = g_hash_table_lookup(self->sockets, device);

	/* §11: the most recent connection wins; a stale one must not linger half-open */
	if (old != NULL && old != socket)
		(void)g_socket_shutdown(old, TRUE, TRUE, NULL);
	g_hash_table_replace(self->sockets, g_strdup(device), g_object_ref(socket));
}

static gboolean
on_new_connection(WbBluezProfile1 *skeleton, GDBusMethodInvocation *invocation,
		  GUnixFDList *fd_list, const gchar *device, GVariant *fd, GVariant *fd_properties,
		  gpointer user_data)
{
	WbBluezProfile *self = user_data;
	g_autoptr(GSocket) socket = NULL;
	const gchar *why = NULL;
	ConnectOp *op;
	gboolean taken = FALSE;

	if (!check_sender(self, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	if (!is_device_path(device)) {
		g_dbus_method_invocation_return_dbus_error(invocation, BLUEZ_ERROR_ARGS,
							   "Not a device path");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	socket = take_stream_socket(fd_list, fd, &why);
	if (socket == NULL) {
		wb_message("NewConnection for %s: %s, rejected", device, why);
		g_dbus_method_invocation_return_dbus_error(invocation, BLUEZ_ERROR_ARGS, why);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_bluez_profile1_complete_new_connection(skeleton, invocation, NULL);

	op = find_connect(self, device);
	if (op != NULL) {
		if (op->socket != NULL) {
			/* a second one before the reply: the newest wins */
			(void)g_socket_close(op->socket, NULL);
			g_object_unref(op->socket);
		}
		op->socket = g_steal_pointer(&socket);
		if (op->replied)
			connect_op_finish(op, NULL);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	/* nobody asked: the watch (or another client's ConnectProfile) opened the channel */
	wb_debug("incoming SPP connection from %s", device);
	remember_socket(self, device, socket);
	g_signal_emit(self, signals[SIGNAL_INCOMING], 0, device, socket, &taken);
	if (!taken) {
		wb_debug("nobody takes the SPP connection from %s: closing it", device);
		(void)g_socket_close(socket, NULL);
		g_hash_table_remove(self->sockets, device);
	}
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_request_disconnection(WbBluezProfile1 *skeleton, GDBusMethodInvocation *invocation,
			 const gchar *device, gpointer user_data)
{
	WbBluezProfile *self = user_data;
	GSocket *socket;

	if (!check_sender(self, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	socket = g_hash_table_lookup(self->sockets, device);
	if (socket != NULL) {
		wb_debug("bluetoothd asks to disconnect the SPP channel of %s", device);
		/* shut down, not closed: the link owning the socket sees EOF and goes down
		 * cleanly, and its fd number is not reused under it */
		(void)g_socket_shutdown(socket, TRUE, TRUE, NULL);
		g_hash_table_remove(self->sockets, device);
	}
	wb_bluez_profile1_complete_request_disconnection(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_release(WbBluezProfile1 *skeleton, GDBusMethodInvocation *invocation, gpointer user_data)
{
	WbBluezProfile *self = user_data;

	if (!check_sender(self, invocation))
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	wb_debug("bluetoothd released the SPP profile");
	self->registered = FALSE;
	wb_bluez_profile1_complete_release(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
fail_all_connects(WbBluezProfile *self, WbError code, const gchar *why)
{
	while (self->connects != NULL) {
		ConnectOp *op = self->connects->data;

		connect_op_finish(op,
				  g_error_new(WB_ERROR, code,
					      "cannot connect the Serial Port Profile of %s: %s",
					      op->device, why));
	}
}

static void
on_bluez_appeared(GDBusConnection *connection, const gchar *name, const gchar *owner,
		  gpointer user_data)
{
	WbBluezProfile *self = user_data;

	g_free(self->bluez_owner);
	self->bluez_owner = g_strdup(owner);
}

/* bluetoothd forgets profiles when it exits: register again when it is back */
static void
on_bluez_vanished(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	WbBluezProfile *self = user_data;

	if (self->registered)
		wb_debug("BlueZ left the bus: the SPP profile is no longer registered");
	self->registered = FALSE;
	g_clear_pointer(&self->bluez_owner, g_free);
	fail_all_connects(self, WB_ERROR_BLUETOOTH_UNAVAILABLE, "bluetoothd left the bus");
}

/* ------------------------------------------------------------------ registration */

/**
 * wb_bluez_profile_new:
 * @system_bus: the bus bluetoothd is on
 *
 * Exports org.bluez.Profile1 at %WB_BLUEZ_PROFILE_PATH on @system_bus at once; register it
 * with wb_bluez_profile_register_async().
 *
 * Returns: (transfer full): a new #WbBluezProfile
 */
WbBluezProfile *
wb_bluez_profile_new(GDBusConnection *system_bus)
{
	g_autoptr(GError) error = NULL;
	WbBluezProfile *self;

	g_return_val_if_fail(G_IS_DBUS_CONNECTION(system_bus), NULL);

	self = g_object_new(WB_TYPE_BLUEZ_PROFILE, NULL);
	self->connection = g_object_ref(system_bus);
	self->skeleton = wb_bluez_profile1_skeleton_new();
	g_signal_connect(self->skeleton, "handle-new-connection", G_CALLBACK(on_new_connection),
			 self);
	g_signal_connect(self->skeleton, "handle-request-disconnection",
			 G_CALLBACK(on_request_disconnection), self);
	g_signal_connect(self->skeleton, "handle-release", G_CALLBACK(on_release), self);
	if (g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(self->skeleton), system_bus,
					     WB_BLUEZ_PROFILE_PATH, &error))
		self->exported = TRUE;
	else
		wb_warning("cannot export %s: %s", WB_BLUEZ_PROFILE_PATH, error->message);
	self->bluez_watch = g_bus_watch_name_on_connection(
		system_bus, BLUEZ_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, on_bluez_appeared,
		on_bluez_vanished, self, NULL);
	return self;
}

static void
register_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	WbBluezProfile *self = g_task_get_source_object(task);
	g_autoptr(GVariant) ret = NULL;
	g_autoptr(GError) error = NULL;

	ret = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	if (ret == NULL) {
		g_autofree gchar *remote = g_dbus_error_get_remote_error(error);

		g_dbus_error_strip_remote_error(error);
		/* profile-api.txt: AlreadyExists, ours from before (same path, same bus) */
		if (g_strcmp0(remote, "org.bluez.Error.AlreadyExists") == 0) {
			self->registered = TRUE;
			g_task_return_boolean(task, TRUE);
			return;
		}
		g_task_return_new_error(
			task, WB_ERROR,
			remote == NULL ? WB_ERROR_BLUETOOTH_UNAVAILABLE : WB_ERROR_FAILED,
			"BlueZ refused the Serial Port Profile: %s", error->message);
		return;
	}
	self->registered = TRUE;
	wb_debug("SPP profile %s registered", WB_BLUEZ_PROFILE_PATH);
	g_task_return_boolean(task, TRUE);
}

/**
 * wb_bluez_profile_register_async:
 * @self: a #WbBluezProfile
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when BlueZ answers
 * @user_data: data for @callback
 *
 * Calls ProfileManager1.RegisterProfile for the Serial Port Profile as a client (we connect
 * to the watch; no SDP record, no listening channel), not auto-connected, authenticated
 * links only. Asynchronous: bluetoothd may call the profile before it replies.
 */
void
wb_bluez_profile_register_async(WbBluezProfile *self, GCancellable *cancellable,
				GAsyncReadyCallback callback, gpointer user_data)
{
	GVariantBuilder options;
	GTask *task;

	g_return_if_fail(WB_IS_BLUEZ_PROFILE(self));

	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, wb_bluez_profile_register_async);
	if (self->registered) {
		g_task_return_boolean(task, TRUE);
		g_object_unref(task);
		return;
	}
	g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&options, "{sv}", "Name", g_variant_new_string("wearbridge Pebble"));
	g_variant_builder_add(&options, "{sv}", "Role", g_variant_new_string("client"));
	/* §11: Pebbles bond (SSP) before RFCOMM; never talk to an unauthenticated link */
	g_variant_builder_add(&options, "{sv}", "RequireAuthentication",
			      g_variant_new_boolean(TRUE));
	/* authorization is for connections the remote side opens, which a client does not
	 * accept */
	g_variant_builder_add(&options, "{sv}", "RequireAuthorization",
			      g_variant_new_boolean(FALSE));
	/* the daemon decides when to connect (Device1.Connect must not open SPP) */
	g_variant_builder_add(&options, "{sv}", "AutoConnect", g_variant_new_boolean(FALSE));
	g_dbus_connection_call(
		self->connection, BLUEZ_NAME, "/org/bluez", "org.bluez.ProfileManager1",
		"RegisterProfile",
		g_variant_new("(osa{sv})", WB_BLUEZ_PROFILE_PATH, WB_BLUEZ_SPP_UUID, &options),
		G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE, -1, cancellable, register_cb, task);
}

/**
 * wb_bluez_profile_register_finish:
 * @self: a #WbBluezProfile
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if BlueZ knows the profile now
 */
gboolean
wb_bluez_profile_register_finish(WbBluezProfile *self, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * wb_bluez_profile_is_registered:
 * @self: a #WbBluezProfile
 *
 * Returns: whether RegisterProfile succeeded and neither an unregister, a Release nor
 * bluetoothd leaving the bus followed
 */
gboolean
wb_bluez_profile_is_registered(WbBluezProfile *self)
{
	g_return_val_if_fail(WB_IS_BLUEZ_PROFILE(self), FALSE);
	return self->registered;
}

/**
 * wb_bluez_profile_unregister:
 * @self: a #WbBluezProfile
 *
 * Calls ProfileManager1.UnregisterProfile without waiting for the answer (BlueZ also drops
 * the profile by itself when our connection goes away). Sockets already handed out stay up.
 */
void
wb_bluez_profile_unregister(WbBluezProfile *self)
{
	g_return_if_fail(WB_IS_BLUEZ_PROFILE(self));
	if (!self->registered)
		return;
	self->registered = FALSE;
	g_dbus_connection_call(self->connection, BLUEZ_NAME, "/org/bluez",
			       "org.bluez.ProfileManager1", "UnregisterProfile",
			       g_variant_new("(o)", WB_BLUEZ_PROFILE_PATH), NULL,
			       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static void
wb_bluez_profile_dispose(GObject *object)
{
	WbBluezProfile *self = WB_BLUEZ_PROFILE(object);

	/* no connect is in flight here: each one holds a reference through its task */
	if (self->connection != NULL)
		wb_bluez_profile_unregister(self);
	g_clear_handle_id(&self->bluez_watch, g_bus_unwatch_name);
	if (self->skeleton != NULL) {
		g_signal_handlers_disconnect_by_data(self->skeleton, self);
		if (self->exported)
			g_dbus_interface_skeleton_unexport(
				G_DBUS_INTERFACE_SKELETON(self->skeleton));
		self->exported = FALSE;
		g_clear_object(&self->skeleton);
	}
	g_hash_table_remove_all(self->sockets);
	g_clear_object(&self->connection);
	G_OBJECT_CLASS(wb_bluez_profile_parent_class)->dispose(object);
}

static void
wb_bluez_profile_finalize(GObject *object)
{
	WbBluezProfile *self = WB_BLUEZ_PROFILE(object);

	g_free(self->bluez_owner);
	g_hash_table_unref(self->sockets);
	G_OBJECT_CLASS(wb_bluez_profile_parent_class)->finalize(object);
}

static void
wb_bluez_profile_class_init(WbBluezProfileClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = wb_bluez_profile_dispose;
	object_class->finalize = wb_bluez_profile_finalize;

	/**
	 * WbBluezProfile::incoming:
	 * @self: the profile
	 * @device_path: the Device1 the connection is from
	 * @socket: the connected RFCOMM socket
	 *
	 * bluetoothd handed over an SPP connection nobody is waiting for: a connect that timed
	 * out or was cancelled finished after all, or another client connected the profile.
	 * A handler that keeps @socket (takes a reference) returns %TRUE; when none does, the
	 * socket is closed.
	 *
	 * Returns: %TRUE if the handler took @socket
	 */
	signals[SIGNAL_INCOMING] =
		g_signal_new("incoming", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 2,
			     G_TYPE_STRING, G_TYPE_SOCKET);
}

static void
wb_bluez_profile_init(WbBluezProfile *self)
{
	self->sockets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
}
