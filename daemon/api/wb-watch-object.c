/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * org.wearbridge.Watch1 for one WbWatch. Properties are bound one to one to the watch's, so
 * PropertiesChanged carries exactly what changed; methods map to the watch and its services.
 */
#define WB_LOG_MODULE "api"
#include "wb-error.h"
#include "wb-log.h"
#include "wb-time-service.h"
#include "wb-watch-object.h"

#define CONNECT_TIMEOUT_S 30

struct _WbWatchObject {
	WbDBusWatch1Skeleton parent_instance;
	WbWatch *watch;
};

static void wb_watch_object_iface_init(WbDBusWatch1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(WbWatchObject, wb_watch_object, WB_DBUS_TYPE_WATCH1_SKELETON,
			      G_IMPLEMENT_INTERFACE(WB_DBUS_TYPE_WATCH1,
						    wb_watch_object_iface_init))

static const gchar *bound_properties[] = {
	"name",         "address",        "model",      "platform", "firmware-version",
	"serial",       "transport",      "target",     "state",    "connected",
	"auto-connect", "last-connected", "last-error",
};

/**
 * wb_watch_object_path_for:
 * @watch: a watch
 *
 * Returns: (transfer full): its object path
 */
gchar *
wb_watch_object_path_for(WbWatch *watch)
{
	return g_strdup_printf("/org/wearbridge/watch/%s", wb_watch_get_id(watch));
}

/* ---- Connect: completes when Connected turns true, or after CONNECT_TIMEOUT_S ---- */
typedef struct {
	GDBusMethodInvocation *invocation;
	WbWatch *watch;
	gulong notify_id;
	guint timeout_id;
} ConnectData;

static void
connect_data_finish(ConnectData *data, const GError *error)
{
	g_clear_signal_handler(&data->notify_id, data->watch);
	g_clear_handle_id(&data->timeout_id, g_source_remove);
	if (error != NULL)
		wb_dbus_return_error(data->invocation, error);
	else
		wb_dbus_watch1_complete_connect(NULL, data->invocation);
	g_object_unref(data->watch);
	g_free(data);
}

static void
connect_notify_cb(WbWatch *watch, GParamSpec *pspec, gpointer user_data)
{
	if (wb_watch_get_state(watch) == WB_WATCH_STATE_CONNECTED)
		connect_data_finish(user_data, NULL);
}

static gboolean
connect_timeout_cb(gpointer user_data)
{
	ConnectData *data = user_data;
	g_autoptr(GError) error = NULL;

	data->timeout_id = 0;
	error = g_error_new(WB_ERROR, WB_ERROR_TIMEOUT, "not connected within %d s; still trying",
			    CONNECT_TIMEOUT_S);
	connect_data_finish(data, error);
	return G_SOURCE_REMOVE;
}

static gboolean
handle_connect(WbDBusWatch1 *iface, GDBusMethodInvocation *invocation)
{
	WbWatchObject *self = WB_WATCH_OBJECT(iface);
	ConnectData *data;

	wb_watch_connect(self->watch);
	if (wb_watch_get_state(self->watch) == WB_WATCH_STATE_CONNECTED) {
		wb_dbus_watch1_complete_connect(iface, invocation);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	data = g_new0(ConnectData, 1);
	data->invocation = invocation;
	data->watch = g_object_ref(self->watch);
	data->notify_id =
		g_signal_connect(self->watch, "notify::state", G_CALLBACK(connect_notify_cb), data);
	data->timeout_id = g_timeout_add_seconds(CONNECT_TIMEOUT_S, connect_timeout_cb, data);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_disconnect(WbDBusWatch1 *iface, GDBusMethodInvocation *invocation)
{
	WbWatchObject *self = WB_WATCH_OBJECT(iface);
	wb_watch_disconnect(self->watch);
	wb_dbus_watch1_complete_disconnect(iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
ping_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GDBusMethodInvocation *invocation = user_data;
	g_autoptr(GError) error = NULL;
	guint64 rtt = 0;

	if (!wb_session_ping_finish(WB_SESSION(source), result, &rtt, &error)) {
		wb_dbus_return_error(invocation, error);
		return;
	}
	wb_dbus_watch1_complete_ping(NULL, invocation, rtt);
}

static gboolean
not_connected(WbWatchObject *self, GDBusMethodInvocation *invocation)
{
	g_autoptr(GError) error = NULL;
	const gchar *name = wb_dbus_watch1_get_name(WB_DBUS_WATCH1(self));

	error = g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED, "'%s' is not connected",
			    name != NULL && *name != '\0' ? name
							  : wb_watch_get_target(self->watch));
	wb_dbus_return_error(invocation, error);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_ping(WbDBusWatch1 *iface, GDBusMethodInvocation *invocation)
{
	WbWatchObject *self = WB_WATCH_OBJECT(iface);
	WbSession *session = wb_watch_get_session(self->watch);

	if (session == NULL)
		return not_connected(self, invocation);
	wb_session_ping_async(session, NULL, ping_cb, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_sync_time(WbDBusWatch1 *iface, GDBusMethodInvocation *invocation)
{
	WbWatchObject *self = WB_WATCH_OBJECT(iface);
	WbService *time = wb_watch_get_service(self->watch, WB_TYPE_TIME_SERVICE);
	g_autoptr(GError) error = NULL;

	if (wb_watch_get_session(self->watch) == NULL)
		return not_connected(self, invocation);
	if (time == NULL || !wb_time_service_sync(WB_TIME_SERVICE(time), &error)) {
		if (error == NULL)
			error = g_error_new_literal(WB_ERROR, WB_ERROR_NOT_SUPPORTED,
						    "no time service");
		wb_dbus_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_dbus_watch1_complete_sync_time(iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
wb_watch_object_iface_init(WbDBusWatch1Iface *iface)
{
	iface->handle_connect = handle_connect;
	iface->handle_disconnect = handle_disconnect;
	iface->handle_ping = handle_ping;
	iface->handle_sync_time = handle_sync_time;
}

/**
 * wb_watch_object_new:
 * @watch: the watch to publish
 *
 * Returns: (transfer full): the interface skeleton, its properties bound to @watch's
 */
WbWatchObject *
wb_watch_object_new(WbWatch *watch)
{
	WbWatchObject *self = g_object_new(WB_TYPE_WATCH_OBJECT, NULL);
	self->watch = g_object_ref(watch);
	for (guint i = 0; i < G_N_ELEMENTS(bound_properties); i++)
		g_object_bind_property(watch, bound_properties[i], self, bound_properties[i],
				       G_BINDING_SYNC_CREATE);
	return self;
}

WbWatch *
wb_watch_object_get_watch(WbWatchObject *self)
{
	return self->watch;
}

static void
wb_watch_object_dispose(GObject *object)
{
	WbWatchObject *self = WB_WATCH_OBJECT(object);
	g_clear_object(&self->watch);
	G_OBJECT_CLASS(wb_watch_object_parent_class)->dispose(object);
}

static void
wb_watch_object_class_init(WbWatchObjectClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = wb_watch_object_dispose;
}

static void
wb_watch_object_init(WbWatchObject *self)
{
}
