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
#include "wb-notification-map.h"
#include "wb-notification-service.h"
#include "wb-time-service.h"
#include "wb-watch-object.h"

#define CONNECT_TIMEOUT_S 30

struct _WbWatchObject {
	WbDBusWatch1Skeleton parent_instance;
	WbWatch *watch;
	gulong api_action_id;
};

static void wb_watch_object_iface_init(WbDBusWatch1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(WbWatchObject, wb_watch_object, WB_DBUS_TYPE_WATCH1_SKELETON,
			      G_IMPLEMENT_INTERFACE(WB_DBUS_TYPE_WATCH1,
						    wb_watch_object_iface_init))

static const gchar *bound_properties[] = {
	"name",         "address",        "model",      "platform",  "firmware-version",
	"serial",       "transport",      "target",     "state",     "connected",
	"auto-connect", "last-connected", "last-error", "link-mode", "link-mtu",
};

/* LinkWindow is one (yy) for two properties of the watch */
static void
link_window_cb(WbWatch *watch, GParamSpec *pspec, gpointer user_data)
{
	guint tx = 0;
	guint rx = 0;

	g_object_get(watch, "link-tx-window", &tx, "link-rx-window", &rx, NULL);
	wb_dbus_watch1_set_link_window(WB_DBUS_WATCH1(user_data),
				       g_variant_new("(yy)", (guint8)tx, (guint8)rx));
}

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

static gboolean bad_args(GDBusMethodInvocation *invocation, const gchar *format, ...)
	G_GNUC_PRINTF(2, 3);

static gboolean
bad_args(GDBusMethodInvocation *invocation, const gchar *format, ...)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *message = NULL;
	va_list args;

	va_start(args, format);
	message = g_strdup_vprintf(format, args);
	va_end(args);
	error = g_error_new_literal(WB_ERROR, WB_ERROR_INVALID_ARGS, message);
	wb_dbus_return_error(invocation, error);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static WbNotificationService *
notification_service(WbWatchObject *self)
{
	WbService *s = wb_watch_get_service(self->watch, WB_TYPE_NOTIFICATION_SERVICE);
	return s != NULL ? WB_NOTIFICATION_SERVICE(s) : NULL;
}

static gboolean
handle_send_notification(WbDBusWatch1 *iface, GDBusMethodInvocation *invocation,
			 GVariant *notification)
{
	WbWatchObject *self = WB_WATCH_OBJECT(iface);
	WbNotificationService *service = notification_service(self);
	g_autoptr(WbDesktopNotification) n = wb_desktop_notification_new(WB_DESKTOP_SOURCE_API);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *id = NULL;
	GVariantIter iter;
	const gchar *key;
	GVariant *value;

	if (service == NULL)
		return bad_args(invocation, "notifications are not available");
	g_variant_iter_init(&iter, notification);
	while (g_variant_iter_loop(&iter, "{&sv}", &key, &value)) {
		gboolean is_string = g_variant_is_of_type(value, G_VARIANT_TYPE_STRING);
		gboolean is_strv = g_variant_is_of_type(value, G_VARIANT_TYPE_STRING_ARRAY);
		gchar **field = g_str_equal(key, "title")  ? &n->summary
				: g_str_equal(key, "body") ? &n->body
				: g_str_equal(key, "app")  ? &n->app_name
				: g_str_equal(key, "icon") ? &n->icon
							   : NULL;
		if (field != NULL) {
			if (!is_string) {
				g_variant_unref(value);
				return bad_args(invocation, "'%s' must be a string (s)", key);
			}
			g_free(*field);
			*field = g_variant_dup_string(value, NULL);
		} else if (g_str_equal(key, "actions") || g_str_equal(key, "replies")) {
			g_autofree const gchar **list = NULL;
			gsize n_items = 0;
			if (!is_strv) {
				g_variant_unref(value);
				return bad_args(invocation, "'%s' must be a string array (as)",
						key);
			}
			list = g_variant_get_strv(value, &n_items);
			if (n_items > (g_str_equal(key, "actions") ? WB_NOTIFICATION_MAX_ACTIONS
								   : WB_NOTIFICATION_MAX_REPLIES)) {
				g_variant_unref(value);
				return bad_args(invocation, "at most %d %s", 8, key);
			}
			for (gsize i = 0; i < n_items; i++) {
				if (g_str_equal(key, "actions")) {
					g_autofree gchar *index =
						g_strdup_printf("%" G_GSIZE_FORMAT, i);
					wb_desktop_notification_add_action(n, index, list[i], NULL);
				} else {
					if (n->canned_replies == NULL)
						n->canned_replies =
							g_ptr_array_new_with_free_func(g_free);
					g_ptr_array_add(n->canned_replies, g_strdup(list[i]));
				}
			}
		} else {
			g_autofree gchar *k = g_strdup(key);
			g_variant_unref(value);
			return bad_args(
				invocation,
				"unknown key '%s' (title, body, app, icon, actions, replies)", k);
		}
	}
	if ((n->summary == NULL || *n->summary == '\0') && (n->body == NULL || *n->body == '\0'))
		return bad_args(invocation, "a notification needs a title or a body");
	g_free(n->sender);
	n->sender = g_strdup(g_dbus_method_invocation_get_sender(invocation));
	n->timestamp_us = g_get_real_time();
	n->urgency = 1;
	id = wb_notification_service_send(service, n, &error);
	if (id == NULL) {
		wb_dbus_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_dbus_watch1_complete_send_notification(iface, invocation, id);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_dismiss_notification(WbDBusWatch1 *iface, GDBusMethodInvocation *invocation, const gchar *id)
{
	WbWatchObject *self = WB_WATCH_OBJECT(iface);
	WbNotificationService *service = notification_service(self);
	g_autoptr(GError) error = NULL;

	if (service == NULL)
		return bad_args(invocation, "notifications are not available");
	if (!wb_notification_service_dismiss(service, id, &error)) {
		wb_dbus_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_dbus_watch1_complete_dismiss_notification(iface, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The signal goes to the caller that sent the notification, not to everyone. */
static void
api_action_cb(WbNotificationService *service, const gchar *id, const gchar *action,
	      const gchar *text, const gchar *sender, gpointer user_data)
{
	WbWatchObject *self = user_data;
	GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON(self);
	GDBusConnection *connection = g_dbus_interface_skeleton_get_connection(skeleton);
	g_autoptr(GError) error = NULL;

	if (connection == NULL || sender == NULL || *sender == '\0')
		return;
	if (!g_dbus_connection_emit_signal(connection, sender,
					   g_dbus_interface_skeleton_get_object_path(skeleton),
					   "org.wearbridge.Watch1", "NotificationAction",
					   g_variant_new("(sss)", id, action, text), &error))
		wb_debug("NotificationAction: %s", error->message);
}

static void
wb_watch_object_iface_init(WbDBusWatch1Iface *iface)
{
	iface->handle_send_notification = handle_send_notification;
	iface->handle_dismiss_notification = handle_dismiss_notification;
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
	g_signal_connect_object(watch, "notify::link-tx-window", G_CALLBACK(link_window_cb), self,
				0);
	g_signal_connect_object(watch, "notify::link-rx-window", G_CALLBACK(link_window_cb), self,
				0);
	link_window_cb(watch, NULL, self);
	if (notification_service(self) != NULL)
		self->api_action_id = g_signal_connect(notification_service(self), "api-action",
						       G_CALLBACK(api_action_cb), self);
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
	if (self->watch != NULL && notification_service(self) != NULL)
		g_clear_signal_handler(&self->api_action_id, notification_service(self));
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
