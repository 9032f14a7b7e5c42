/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Whether the person is at the computer (docs/desktop.md). Sources, first that answers wins:
 *   1. org.gnome.ScreenSaver, then org.freedesktop.ScreenSaver on the session bus: GetActive
 *      once, then the ActiveChanged signal;
 *   2. logind on the system bus: our session's IdleHint || LockedHint, followed through
 *      PropertiesChanged. "session/auto" names the caller's session (or the user's display
 *      session) but signals come from the real path, so the real path is asked for first.
 * Nothing polls. With no source, idle stays FALSE and one info line says so.
 */
#define WB_LOG_MODULE "idle"
#include "wb-idle-monitor.h"
#include "wb-log.h"

#define CALL_TIMEOUT_MS 5000
#define LOGIND_NAME     "org.freedesktop.login1"
#define LOGIND_SESSION  "org.freedesktop.login1.Session"

typedef struct {
	const gchar *name;
	const gchar *path;
	const gchar *iface;
} ScreenSaver;

static const ScreenSaver screensavers[] = {
	{"org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"},
	{"org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
	 "org.freedesktop.ScreenSaver"},
};

struct _WbIdleMonitor {
	GObject parent_instance;
	GDBusConnection *session; /* nullable */
	GDBusConnection *system;  /* nullable until fetched; injectable for tests */
	GCancellable *cancellable;
	gboolean started;
	gboolean idle;
	guint subscription; /* ActiveChanged of the screensaver in use */
	gsize screensaver;  /* index being tried */
	GDBusProxy *logind; /* our session */
};

G_DEFINE_FINAL_TYPE(WbIdleMonitor, wb_idle_monitor, G_TYPE_OBJECT)

enum { PROP_0, PROP_IDLE, N_PROPS };
static GParamSpec *props[N_PROPS];

static void try_screensaver(WbIdleMonitor *self);

static void
set_idle(WbIdleMonitor *self, gboolean idle)
{
	if (self->idle == idle)
		return;
	self->idle = idle;
	wb_debug("session %s", idle ? "idle" : "in use");
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_IDLE]);
}

static void
no_source(WbIdleMonitor *self)
{
	wb_info("no screensaver and no logind session found: the session counts as in use");
	set_idle(self, FALSE);
}

/* ---- logind -------------------------------------------------------------------------------- */

static gboolean
proxy_bool(GDBusProxy *proxy, const gchar *name)
{
	g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property(proxy, name);

	return v != NULL && g_variant_is_of_type(v, G_VARIANT_TYPE_BOOLEAN) &&
	       g_variant_get_boolean(v);
}

static void
logind_update(WbIdleMonitor *self)
{
	set_idle(self,
		 proxy_bool(self->logind, "IdleHint") || proxy_bool(self->logind, "LockedHint"));
}

static void
logind_changed_cb(GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
	logind_update(WB_IDLE_MONITOR(user_data));
}

static void
logind_proxy_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbIdleMonitor) self = user_data;
	g_autoptr(GError) error = NULL;
	GDBusProxy *proxy = g_dbus_proxy_new_finish(result, &error);

	if (proxy == NULL) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			wb_debug("logind session: %s", error->message);
			no_source(self);
		}
		return;
	}
	self->logind = proxy;
	g_signal_connect(proxy, "g-properties-changed", G_CALLBACK(logind_changed_cb), self);
	wb_info("following idle and lock state through logind (%s)",
		g_dbus_proxy_get_object_path(proxy));
	logind_update(self);
}

static void
get_session_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbIdleMonitor) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	const gchar *path = NULL;

	if (ret == NULL) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			wb_debug("logind GetSession: %s", error->message);
			no_source(self);
		}
		return;
	}
	g_variant_get(ret, "(&o)", &path);
	g_dbus_proxy_new(self->system, G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS, NULL, LOGIND_NAME,
			 path, LOGIND_SESSION, self->cancellable, logind_proxy_cb,
			 g_object_ref(self));
}

static void
session_id_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbIdleMonitor) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	g_autoptr(GVariant) value = NULL;

	if (ret == NULL) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			wb_debug("logind session/auto: %s", error->message);
			no_source(self);
		}
		return;
	}
	g_variant_get(ret, "(v)", &value);
	if (!g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
		no_source(self);
		return;
	}
	g_dbus_connection_call(self->system, LOGIND_NAME, "/org/freedesktop/login1",
			       "org.freedesktop.login1.Manager", "GetSession",
			       g_variant_new("(s)", g_variant_get_string(value, NULL)),
			       G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS,
			       self->cancellable, get_session_cb, g_object_ref(self));
}

static void
try_logind(WbIdleMonitor *self)
{
	g_dbus_connection_call(self->system, LOGIND_NAME, "/org/freedesktop/login1/session/auto",
			       "org.freedesktop.DBus.Properties", "Get",
			       g_variant_new("(ss)", LOGIND_SESSION, "Id"), G_VARIANT_TYPE("(v)"),
			       G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, self->cancellable,
			       session_id_cb, g_object_ref(self));
}

static void
system_bus_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbIdleMonitor) self = user_data;
	g_autoptr(GError) error = NULL;
	GDBusConnection *system = g_bus_get_finish(result, &error);

	if (system == NULL) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			wb_debug("system bus: %s", error->message);
			no_source(self);
		}
		return;
	}
	self->system = system;
	try_logind(self);
}

/* ---- screensaver --------------------------------------------------------------------------- */

static void
active_changed_cb(GDBusConnection *connection, const gchar *sender, const gchar *path,
		  const gchar *iface, const gchar *signal, GVariant *parameters, gpointer user_data)
{
	gboolean active = FALSE;

	if (!g_variant_is_of_type(parameters, G_VARIANT_TYPE("(b)")))
		return;
	g_variant_get(parameters, "(b)", &active);
	set_idle(WB_IDLE_MONITOR(user_data), active);
}

static void
get_active_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbIdleMonitor) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	gboolean active = FALSE;

	if (ret == NULL) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		wb_debug("%s: %s", screensavers[self->screensaver].name, error->message);
		g_dbus_connection_signal_unsubscribe(self->session, self->subscription);
		self->subscription = 0;
		self->screensaver++;
		try_screensaver(self);
		return;
	}
	g_variant_get(ret, "(b)", &active);
	wb_info("following idle and lock state through %s", screensavers[self->screensaver].name);
	set_idle(self, active);
}

static void
try_screensaver(WbIdleMonitor *self)
{
	const ScreenSaver *ss;

	if (self->session == NULL || self->screensaver >= G_N_ELEMENTS(screensavers)) {
		if (self->system != NULL) {
			try_logind(self);
			return;
		}
		g_bus_get(G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, g_object_ref(self));
		return;
	}
	ss = &screensavers[self->screensaver];
	/* subscribe first so that a change between the answer and the subscription is not
	 * missed; unsubscribed if this screensaver does not answer */
	self->subscription = g_dbus_connection_signal_subscribe(
		self->session, ss->name, ss->iface, "ActiveChanged", ss->path, NULL,
		G_DBUS_SIGNAL_FLAGS_NONE, active_changed_cb, self, NULL);
	g_dbus_connection_call(self->session, ss->name, ss->path, ss->iface, "GetActive", NULL,
			       G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
			       CALL_TIMEOUT_MS, self->cancellable, get_active_cb,
			       g_object_ref(self));
}

/**
 * wb_idle_monitor_new:
 * @session: (nullable): the session bus connection
 *
 * Returns: (transfer full): an idle monitor; it reports "not idle" until started
 */
WbIdleMonitor *
wb_idle_monitor_new(GDBusConnection *session)
{
	WbIdleMonitor *self = g_object_new(WB_TYPE_IDLE_MONITOR, NULL);

	if (session != NULL)
		self->session = g_object_ref(session);
	return self;
}

/**
 * wb_idle_monitor_set_system_bus:
 * @self: the monitor
 * @system: the system bus connection to use for logind (tests); by default the monitor gets
 *   it with g_bus_get() when it needs it
 *
 * Call before wb_idle_monitor_start().
 */
void
wb_idle_monitor_set_system_bus(WbIdleMonitor *self, GDBusConnection *system)
{
	g_return_if_fail(WB_IS_IDLE_MONITOR(self));
	g_return_if_fail(!self->started);
	g_set_object(&self->system, system);
}

/**
 * wb_idle_monitor_start:
 * @self: the monitor
 *
 * Finds a source (asynchronously) and follows it. Calling it again does nothing.
 */
void
wb_idle_monitor_start(WbIdleMonitor *self)
{
	g_return_if_fail(WB_IS_IDLE_MONITOR(self));
	if (self->started)
		return;
	self->started = TRUE;
	try_screensaver(self);
}

/**
 * wb_idle_monitor_get_idle:
 * @self: the monitor
 *
 * Returns: %TRUE if the session is idle or locked
 */
gboolean
wb_idle_monitor_get_idle(WbIdleMonitor *self)
{
	g_return_val_if_fail(WB_IS_IDLE_MONITOR(self), FALSE);
	return self->idle;
}

static void
wb_idle_monitor_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	WbIdleMonitor *self = WB_IDLE_MONITOR(object);

	switch (prop_id) {
	case PROP_IDLE:
		g_value_set_boolean(value, self->idle);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
wb_idle_monitor_dispose(GObject *object)
{
	WbIdleMonitor *self = WB_IDLE_MONITOR(object);

	g_cancellable_cancel(self->cancellable);
	if (self->subscription != 0 && self->session != NULL)
		g_dbus_connection_signal_unsubscribe(self->session, self->subscription);
	self->subscription = 0;
	if (self->logind != NULL)
		g_signal_handlers_disconnect_by_data(self->logind, self);
	g_clear_object(&self->logind);
	g_clear_object(&self->session);
	g_clear_object(&self->system);
	g_clear_object(&self->cancellable);
	G_OBJECT_CLASS(wb_idle_monitor_parent_class)->dispose(object);
}

static void
wb_idle_monitor_class_init(WbIdleMonitorClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = wb_idle_monitor_get_property;
	object_class->dispose = wb_idle_monitor_dispose;

	/**
	 * WbIdleMonitor:idle:
	 *
	 * The session is idle or locked.
	 */
	props[PROP_IDLE] = g_param_spec_boolean("idle", NULL, NULL, FALSE,
						G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
							G_PARAM_EXPLICIT_NOTIFY);
	g_object_class_install_properties(object_class, N_PROPS, props);
}

static void
wb_idle_monitor_init(WbIdleMonitor *self)
{
	self->cancellable = g_cancellable_new();
}
