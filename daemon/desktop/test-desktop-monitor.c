/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The desktop layer against a private session bus (GTestDBus) with python3-dbusmock's
 * notification_daemon template as the notification server and notify-send as a client.
 * Exits 77 (skipped) when dbusmock or notify-send is missing. The cases run in order and share
 * the bus, the mock and one monitor.
 */
#include <glib/gstdio.h>
#include <libnotify/notify.h>
#include <string.h>
#include <unistd.h>

#include "wb-desktop-notifier.h"
#include "wb-error.h"
#include "wb-idle-monitor.h"
#include "wb-notification-monitor.h"

#define PYTHON    "/usr/bin/python3"
#define FDO_NAME  "org.freedesktop.Notifications"
#define FDO_PATH  "/org/freedesktop/Notifications"
#define FDO_IFACE "org.freedesktop.Notifications"
#define MOCK      "org.freedesktop.DBus.Mock"
#define GTK_APP   "org.example.GtkApp"

typedef struct {
	gchar *key;
	guint reason;
} Closed;

static struct {
	GTestDBus *bus;
	gchar *address; /* of the bus the clients use */
	GSubprocess *mock;
	GDBusConnection *conn;   /* the daemon's "normal" connection */
	GDBusConnection *client; /* plays an app */
	WbNotificationMonitor *monitor;
	GPtrArray *posted;      /* of WbDesktopNotification */
	guint seen;             /* how many of them wait_posted() returned */
	GPtrArray *closed;      /* of Closed */
	GPtrArray *invoked;     /* of gchar* "key action" */
	GPtrArray *activations; /* of gchar* "name target" received by the fake app */
} t;

static void
closed_free(gpointer data)
{
	Closed *c = data;

	g_free(c->key);
	g_free(c);
}

static gboolean
timeout_cb(gpointer user_data)
{
	*(gboolean *)user_data = TRUE;
	return G_SOURCE_REMOVE;
}

/* Iterates the main context until @cond holds or @ms pass. */
static gboolean
wait_until(gboolean (*cond)(gpointer), gpointer data, guint ms)
{
	gboolean expired = FALSE;
	guint id = g_timeout_add(ms, timeout_cb, &expired);

	while (!cond(data) && !expired)
		g_main_context_iteration(NULL, TRUE);
	if (!expired)
		g_source_remove(id);
	return cond(data);
}

static gboolean
posted_at_least(gpointer data)
{
	return t.posted->len >= GPOINTER_TO_UINT(data);
}

static gboolean
closed_at_least(gpointer data)
{
	return t.closed->len >= GPOINTER_TO_UINT(data);
}

static void
spin(guint ms)
{
	gboolean expired = FALSE;

	g_timeout_add(ms, timeout_cb, &expired);
	while (!expired)
		g_main_context_iteration(NULL, TRUE);
}

/* The next notification posted (in order), waiting for it if need be. */
static WbDesktopNotification *
wait_posted(void)
{
	guint want = t.seen + 1;

	g_assert_true(wait_until(posted_at_least, GUINT_TO_POINTER(want), 5000));
	return g_ptr_array_index(t.posted, t.seen++);
}

static void
posted_cb(WbNotificationMonitor *monitor, WbDesktopNotification *n, gpointer user_data)
{
	g_assert_true(g_utf8_validate(n->summary, -1, NULL));
	g_assert_true(g_utf8_validate(n->body, -1, NULL));
	g_assert_true(g_utf8_validate(n->app_name, -1, NULL));
	g_assert_true(g_utf8_validate(n->app_id, -1, NULL));
	g_assert_cmpuint(strlen(n->body), <=, 16384);
	g_assert_cmpuint(strlen(n->summary), <=, 1024);
	g_assert_cmpuint(n->actions->len, <=, 32);
	g_ptr_array_add(t.posted, wb_desktop_notification_ref(n));
}

static void
closed_cb(WbNotificationMonitor *monitor, const gchar *key, guint reason, gpointer user_data)
{
	Closed *c = g_new0(Closed, 1);

	c->key = g_strdup(key);
	c->reason = reason;
	g_ptr_array_add(t.closed, c);
}

static void
invoked_cb(WbNotificationMonitor *monitor, const gchar *key, const gchar *action,
	   gpointer user_data)
{
	g_ptr_array_add(t.invoked, g_strdup_printf("%s %s", key, action));
}

static GSubprocess *
spawn(GError **error, ...)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	/* silenced: dbusmock logs every call on stdout, and a full pipe would stall it */
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	va_list args;
	const gchar *arg;

	va_start(args, error);
	while ((arg = va_arg(args, const gchar *)) != NULL)
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	g_subprocess_launcher_setenv(launcher, "DBUS_SESSION_BUS_ADDRESS", t.address, TRUE);
	return g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, error);
}

static guint32
notify_send_id(const gchar *first, ...)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);
	g_autofree gchar *out = NULL;
	va_list args;
	const gchar *arg;

	g_ptr_array_add(argv, (gpointer) "notify-send");
	g_ptr_array_add(argv, (gpointer) "-p");
	g_ptr_array_add(argv, (gpointer)first);
	va_start(args, first);
	while ((arg = va_arg(args, const gchar *)) != NULL)
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	g_subprocess_launcher_setenv(launcher, "DBUS_SESSION_BUS_ADDRESS", t.address, TRUE);
	proc = g_subprocess_launcher_spawnv(launcher, (const gchar *const *)argv->pdata, &error);
	g_assert_no_error(error);
	/* blocks this loop, which notify-send does not need; the monitor queues meanwhile */
	g_subprocess_communicate_utf8(proc, NULL, NULL, &out, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(g_subprocess_get_successful(proc));
	return (guint32)g_ascii_strtoull(out, NULL, 10);
}

static guint32
client_notify(const gchar *summary, const gchar *body, guint32 replaces_id, GVariant *hints)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = NULL;
	const gchar *actions[] = {NULL};
	guint32 id = 0;

	if (hints == NULL)
		hints = g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
	ret = g_dbus_connection_call_sync(t.client, FDO_NAME, FDO_PATH, FDO_IFACE, "Notify",
					  g_variant_new("(susss^as@a{sv}i)", "Client", replaces_id,
							"", summary, body, actions, hints, -1),
					  G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
					  &error);
	g_assert_no_error(error);
	g_variant_get(ret, "(u)", &id);
	return id;
}

static GVariant *
mock_calls(const gchar *method)
{
	g_autoptr(GError) error = NULL;
	GVariant *ret = g_dbus_connection_call_sync(
		t.client, FDO_NAME, FDO_PATH, MOCK, "GetMethodCalls", g_variant_new("(s)", method),
		G_VARIANT_TYPE("(a(tav))"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
	g_assert_no_error(error);
	return ret;
}

static void
mock_emit(const gchar *signal, const gchar *sig, GVariant *args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_sync(t.client, FDO_NAME, FDO_PATH, MOCK, "EmitSignal",
					    g_variant_new("(sss@av)", FDO_IFACE, signal, sig, args),
					    NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
	g_assert_no_error(error);
}

static const WbDesktopAction *
action_at(WbDesktopNotification *n, guint i)
{
	g_assert_cmpuint(i, <, n->actions->len);
	return g_ptr_array_index(n->actions, i);
}

/* ---- cases --------------------------------------------------------------------------------- */

static void
start_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_notification_monitor_start_finish(WB_NOTIFICATION_MONITOR(source), result,
							   &error));
	g_assert_no_error(error);
	*(gboolean *)user_data = TRUE;
}

static gboolean
is_true(gpointer data)
{
	return *(gboolean *)data;
}

static void
test_start(void)
{
	gboolean done = FALSE;

	wb_notification_monitor_start_async(t.monitor, NULL, start_cb, &done);
	g_assert_true(wait_until(is_true, &done, 10000));
	g_assert_cmpint(wb_notification_monitor_get_mode(t.monitor), ==, WB_MONITOR_MODE_MONITOR);
}

static GSubprocess *waiting_send; /* notify-send -A waits for its notification to close */
static WbDesktopNotification *first;

static void
test_notify_send(void)
{
	g_autoptr(GError) error = NULL;
	WbDesktopNotification *n;
	guint32 next_id;

	waiting_send = spawn(&error, "notify-send", "-a", "App", "-u", "critical", "-c",
			     "im.received", "-i", "mail-unread", "-h",
			     "string:desktop-entry:org.example.App", "-A", "yes=Yes", "-A", "no=No",
			     "-A", "default=Open", "Hello", "World <b>bold</b>", NULL);
	g_assert_no_error(error);
	n = wait_posted();
	first = n;
	g_assert_cmpint(n->source, ==, WB_DESKTOP_SOURCE_FDO);
	g_assert_cmpstr(n->app_name, ==, "App");
	g_assert_cmpstr(n->app_id, ==, "org.example.App");
	g_assert_cmpstr(n->summary, ==, "Hello");
	g_assert_cmpstr(n->body, ==, "World <b>bold</b>");
	g_assert_cmpstr(n->icon, ==, "mail-unread");
	g_assert_cmpstr(n->category, ==, "im.received");
	g_assert_cmpuint(n->urgency, ==, 2);
	g_assert_cmpuint(n->replaces_id, ==, 0);
	g_assert_cmpuint(n->actions->len, ==, 2);
	g_assert_cmpstr(action_at(n, 0)->id, ==, "yes");
	g_assert_cmpstr(action_at(n, 0)->label, ==, "Yes");
	g_assert_cmpstr(action_at(n, 1)->id, ==, "no");
	g_assert_cmpstr(action_at(n, 1)->label, ==, "No");
	g_assert_cmpstr(n->default_action, ==, "default");
	g_assert_false(n->from_self);
	g_assert_false(n->reemitted);
	g_assert_cmpstr(n->sender, !=, "");
	g_assert_cmpint(n->timestamp_us, >, 0);
	g_assert_cmpuint(n->server_id, !=, 0);

	/* the mock counts up: the next notification gets the next id, so this one's key is the
	 * id the mock returned */
	next_id = notify_send_id("-a", "App", "Next", NULL);
	g_assert_cmpuint(next_id, ==, n->server_id + 1);
	{
		g_autofree gchar *key = g_strdup_printf("fdo:%u", next_id - 1);
		g_assert_cmpstr(n->key, ==, key);
	}
	n = wait_posted();
	{
		g_autofree gchar *key = g_strdup_printf("fdo:%u", next_id);
		g_assert_cmpstr(n->key, ==, key);
	}
	/* no desktop-entry hint: the sender (notify-send) has no well-known name, its process
	 * name is what is left (if it had not exited yet) */
	g_assert_true(g_strcmp0(n->app_id, "notify-send") == 0 || *n->app_id == '\0');
}

static void
test_replace(void)
{
	guint32 id = notify_send_id("-a", "App", "Original", NULL);
	g_autofree gchar *rid = g_strdup_printf("%u", id);
	g_autofree gchar *key = g_strdup_printf("fdo:%u", id);
	WbDesktopNotification *n = wait_posted();
	guint32 id2;

	g_assert_cmpstr(n->key, ==, key);
	id2 = notify_send_id("-a", "App", "-r", rid, "Replaced", NULL);
	g_assert_cmpuint(id2, ==, id);
	n = wait_posted();
	g_assert_cmpstr(n->summary, ==, "Replaced");
	g_assert_cmpuint(n->replaces_id, ==, id);
	g_assert_cmpstr(n->key, ==, key);
}

static void
test_reemitted(void)
{
	GVariantDict hints;
	WbDesktopNotification *n;

	g_variant_dict_init(&hints, NULL);
	g_variant_dict_insert(&hints, "x-shell-sender", "s", ":1.999");
	g_variant_dict_insert(&hints, "x-shell-sender-pid", "u", 4242u);
	g_variant_dict_insert(&hints, "desktop-entry", "s", "org.example.Shelled.desktop");
	client_notify("Shell copy", "", 0, g_variant_dict_end(&hints));
	n = wait_posted();
	g_assert_true(n->reemitted);
	g_assert_cmpstr(n->app_id, ==, "org.example.Shelled");
	g_assert_false(n->from_self);
}

static void
test_self_hint(void)
{
	GVariantDict hints;
	WbDesktopNotification *n;

	g_variant_dict_init(&hints, NULL);
	g_variant_dict_insert(&hints, WB_DESKTOP_HINT_SELF, "b", TRUE);
	client_notify("Mine", "", 0, g_variant_dict_end(&hints));
	n = wait_posted();
	g_assert_true(n->from_self);

	/* libnotify's sender-pid hint with our pid */
	g_variant_dict_init(&hints, NULL);
	g_variant_dict_insert(&hints, "sender-pid", "x", (gint64)getpid());
	client_notify("Mine too", "", 0, g_variant_dict_end(&hints));
	n = wait_posted();
	g_assert_true(n->from_self);
}

static void
notifier_action_cb(WbDesktopNotifier *notifier, const gchar *watch_id, const gchar *action,
		   gpointer user_data)
{
	g_ptr_array_add(user_data, g_strdup_printf("%s %s", watch_id, action));
}

static gboolean
array_nonempty(gpointer data)
{
	return ((GPtrArray *)data)->len > 0;
}

static void
test_notifier(void)
{
	g_autoptr(WbDesktopNotifier) quick = wb_desktop_notifier_new(0);
	g_autoptr(WbDesktopNotifier) slow = wb_desktop_notifier_new(1);
	g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func(g_free);
	WbDesktopNotification *n;
	guint before;
	g_autofree gchar *key = NULL;

	g_signal_connect(quick, "action", G_CALLBACK(notifier_action_cb), actions);

	/* a brief drop shows nothing, and a first connection neither */
	before = t.posted->len;
	wb_desktop_notifier_watch_connected(slow, "w2", "Brief");
	wb_desktop_notifier_watch_lost(slow, "w2", "Brief");
	spin(300);
	wb_desktop_notifier_watch_connected(slow, "w2", "Brief");
	spin(1300);
	g_assert_cmpuint(t.posted->len, ==, before);

	/* lost past the grace period: shown, ours, with "Reconnect" */
	wb_desktop_notifier_watch_lost(quick, "w1", "Pebble Time");
	n = wait_posted();
	g_assert_true(n->from_self);
	g_assert_cmpstr(n->app_name, ==, "wearbridge");
	g_assert_cmpstr(n->summary, ==, "Pebble Time is disconnected");
	g_assert_cmpstr(n->category, ==, "device.removed");
	g_assert_cmpuint(n->actions->len, ==, 1);
	g_assert_cmpstr(action_at(n, 0)->id, ==, "reconnect");
	key = g_strdup(n->key);

	/* the person clicks "Reconnect" on the desktop */
	mock_emit("ActionInvoked", "us",
		  g_variant_new_parsed("[<%u>, <'reconnect'>]", n->server_id));
	g_assert_true(wait_until(array_nonempty, actions, 5000));
	g_assert_cmpstr(g_ptr_array_index(actions, 0), ==, "w1 reconnect");
	g_assert_true(wait_until(array_nonempty, t.invoked, 5000));
	{
		g_autofree gchar *want = g_strdup_printf("%s reconnect", key);
		g_assert_cmpstr(g_ptr_array_index(t.invoked, 0), ==, want);
	}

	/* back: the same bubble says so */
	wb_desktop_notifier_watch_connected(quick, "w1", "Pebble Time");
	n = wait_posted();
	g_assert_true(n->from_self);
	g_assert_cmpstr(n->key, ==, key);
	g_assert_cmpstr(n->summary, ==, "Pebble Time is connected again");
	g_assert_cmpstr(n->category, ==, "device.added");

	wb_desktop_notifier_battery_low(quick, "w1", "Pebble Time", 9);
	n = wait_posted();
	g_assert_cmpstr(n->summary, ==, "Pebble Time battery low");
	g_assert_cmpstr(n->category, ==, "device");
	g_assert_true(n->from_self);

	wb_desktop_notifier_install_finished(quick, "w1", NULL, "Tiny <Face>", TRUE);
	n = wait_posted();
	g_assert_cmpstr(n->summary, ==, "Tiny <Face> installed on Pebble Time");
	g_assert_cmpstr(n->category, ==, "transfer.complete");
}

static void
test_closed(void)
{
	guint32 id = client_notify("To close", "", 0, NULL);
	g_autofree gchar *key = g_strdup_printf("fdo:%u", id);
	guint32 id2;
	g_autofree gchar *key2 = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = NULL;
	Closed *c;
	guint before;

	wait_posted();
	before = t.closed->len;
	/* an app closes its notification: the call, then the server's NotificationClosed; one
	 * close is reported */
	ret = g_dbus_connection_call_sync(t.client, FDO_NAME, FDO_PATH, FDO_IFACE,
					  "CloseNotification", g_variant_new("(u)", id), NULL,
					  G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(wait_until(closed_at_least, GUINT_TO_POINTER(before + 1), 5000));
	spin(200);
	g_assert_cmpuint(t.closed->len, ==, before + 1);
	c = g_ptr_array_index(t.closed, before);
	g_assert_cmpstr(c->key, ==, key);
	g_assert_cmpuint(c->reason, ==, 3);

	/* the server closes one (expired) */
	id2 = client_notify("Expires", "", 0, NULL);
	key2 = g_strdup_printf("fdo:%u", id2);
	wait_posted();
	mock_emit("NotificationClosed", "uu", g_variant_new_parsed("[<%u>, <%u>]", id2, 1u));
	g_assert_true(wait_until(closed_at_least, GUINT_TO_POINTER(before + 2), 5000));
	c = g_ptr_array_index(t.closed, before + 1);
	g_assert_cmpstr(c->key, ==, key2);
	g_assert_cmpuint(c->reason, ==, 1);
}

/* A GApplication stand-in: owns GTK_APP and records ActivateAction calls. */
static void
app_method_cb(GDBusConnection *connection, const gchar *sender, const gchar *path,
	      const gchar *iface, const gchar *method, GVariant *parameters,
	      GDBusMethodInvocation *invocation, gpointer user_data)
{
	if (g_strcmp0(method, "ActivateAction") == 0) {
		const gchar *name = NULL;
		g_autoptr(GVariantIter) params = NULL;
		g_autoptr(GVariant) platform = NULL;
		g_autoptr(GVariant) target = NULL;
		g_autofree gchar *printed = NULL;

		g_variant_get(parameters, "(&sav@a{sv})", &name, &params, &platform);
		if (!g_variant_iter_next(params, "v", &target))
			target = NULL;
		printed = target != NULL ? g_variant_print(target, TRUE) : g_strdup("-");
		g_ptr_array_add(t.activations, g_strdup_printf("%s %s", name, printed));
	} else {
		g_ptr_array_add(t.activations, g_strdup("Activate"));
	}
	g_dbus_method_invocation_return_value(invocation, NULL);
}

static const gchar app_xml[] = "<node><interface name='org.freedesktop.Application'>"
			       "<method name='Activate'><arg type='a{sv}' direction='in'/></method>"
			       "<method name='ActivateAction'><arg type='s' direction='in'/>"
			       "<arg type='av' direction='in'/><arg type='a{sv}' direction='in'/>"
			       "</method></interface></node>";

static void
done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GAsyncResult **out = user_data;

	*out = g_object_ref(result);
}

static gboolean
result_set(gpointer data)
{
	return *(GAsyncResult **)data != NULL;
}

static void
test_gtk(void)
{
	g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml(app_xml, NULL);
	static const GDBusInterfaceVTable vtable = {app_method_cb, NULL, NULL, {0}};
	g_autoptr(GError) error = NULL;
	g_autoptr(GAsyncResult) result = NULL;
	GVariantBuilder buttons;
	GVariantDict dict;
	WbDesktopNotification *n;
	guint registration;
	guint before;
	Closed *c;

	g_variant_builder_init(&buttons, G_VARIANT_TYPE("aa{sv}"));
	g_variant_builder_add_parsed(&buttons, "{'label': <'Reply'>, 'action': <'app.reply'>, "
					       "'target': <'thread-7'>}");
	g_variant_builder_add_parsed(&buttons, "{'label': <'Mark read'>, 'action': <'app.read'>}");
	g_variant_builder_add_parsed(&buttons, "{'label': <'Window'>, 'action': <'win.show'>}");
	g_variant_dict_init(&dict, NULL);
	g_variant_dict_insert(&dict, "title", "s", "New message");
	g_variant_dict_insert(&dict, "body", "s", "Hi there");
	g_variant_dict_insert_value(&dict, "icon",
				    g_variant_new_parsed("('themed', <['mail-message-new', "
							 "'mail-message-new-symbolic']>)"));
	g_variant_dict_insert(&dict, "priority", "s", "urgent");
	g_variant_dict_insert(&dict, "default-action", "s", "app.open-thread");
	g_variant_dict_insert_value(&dict, "default-action-target", g_variant_new_uint32(7));
	g_variant_dict_insert_value(&dict, "buttons", g_variant_builder_end(&buttons));
	g_variant_dict_insert(&dict, "category", "s", "im.received");

	/* nobody serves org.gtk.Notifications here: the call fails, the monitor sees it */
	g_dbus_connection_call(
		t.client, "org.gtk.Notifications", "/org/gtk/Notifications",
		"org.gtk.Notifications", "AddNotification",
		g_variant_new("(ss@a{sv})", GTK_APP, "msg-1", g_variant_dict_end(&dict)), NULL,
		G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, NULL, NULL);
	n = wait_posted();
	g_assert_cmpint(n->source, ==, WB_DESKTOP_SOURCE_GTK);
	g_assert_cmpstr(n->key, ==, "gtk:" GTK_APP "/msg-1");
	g_assert_cmpstr(n->app_id, ==, GTK_APP);
	g_assert_cmpstr(n->app_name, ==, GTK_APP); /* no desktop entry for it */
	g_assert_cmpstr(n->summary, ==, "New message");
	g_assert_cmpstr(n->body, ==, "Hi there");
	g_assert_cmpstr(n->icon, ==, "mail-message-new");
	g_assert_cmpstr(n->category, ==, "im.received");
	g_assert_cmpuint(n->urgency, ==, 2);
	g_assert_cmpstr(n->default_action, ==, "app.open-thread");
	g_assert_nonnull(n->default_target);
	g_assert_cmpuint(n->actions->len, ==, 3);
	g_assert_cmpstr(action_at(n, 0)->id, ==, "app.reply");
	g_assert_cmpstr(action_at(n, 0)->label, ==, "Reply");
	g_assert_cmpstr(g_variant_get_string(action_at(n, 0)->target, NULL), ==, "thread-7");
	g_assert_null(action_at(n, 1)->target);

	g_assert_true(wb_notification_monitor_can_activate(t.monitor, n, "app.reply"));
	g_assert_true(wb_notification_monitor_can_activate(t.monitor, n, "default"));
	g_assert_false(wb_notification_monitor_can_activate(t.monitor, n, "win.show"));
	g_assert_false(wb_notification_monitor_can_activate(t.monitor, n, "app.nonexistent"));
	g_assert_false(wb_notification_monitor_can_activate(t.monitor, first, "yes"));

	/* activation reaches the app as GNOME Shell would send it */
	registration = g_dbus_connection_register_object(
		t.client, "/org/example/GtkApp", info->interfaces[0], &vtable, NULL, NULL, &error);
	g_assert_no_error(error);
	{
		g_autoptr(GVariant) ret = g_dbus_connection_call_sync(
			t.client, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			"org.freedesktop.DBus", "RequestName", g_variant_new("(su)", GTK_APP, 0u),
			NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
		g_assert_no_error(error);
	}
	wb_notification_monitor_activate_async(t.monitor, n, "app.reply", NULL, done_cb, &result);
	g_assert_true(wait_until(result_set, &result, 6000));
	g_assert_true(wb_notification_monitor_activate_finish(t.monitor, result, &error));
	g_assert_no_error(error);
	g_clear_object(&result);
	wb_notification_monitor_activate_async(t.monitor, n, "default", NULL, done_cb, &result);
	g_assert_true(wait_until(result_set, &result, 6000));
	g_assert_true(wb_notification_monitor_activate_finish(t.monitor, result, &error));
	g_clear_object(&result);
	g_assert_cmpuint(t.activations->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(t.activations, 0), ==, "reply 'thread-7'");
	g_assert_cmpstr(g_ptr_array_index(t.activations, 1), ==, "open-thread uint32 7");

	/* an fdo action cannot be carried out */
	wb_notification_monitor_activate_async(t.monitor, first, "yes", NULL, done_cb, &result);
	g_assert_true(wait_until(result_set, &result, 6000));
	g_assert_false(wb_notification_monitor_activate_finish(t.monitor, result, &error));
	g_assert_error(error, WB_ERROR, WB_ERROR_NOT_SUPPORTED);
	g_clear_error(&error);
	g_clear_object(&result);
	g_dbus_connection_unregister_object(t.client, registration);

	/* RemoveNotification from the app: closed */
	before = t.closed->len;
	g_dbus_connection_call(t.client, "org.gtk.Notifications", "/org/gtk/Notifications",
			       "org.gtk.Notifications", "RemoveNotification",
			       g_variant_new("(ss)", GTK_APP, "msg-1"), NULL,
			       G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, NULL, NULL);
	g_assert_true(wait_until(closed_at_least, GUINT_TO_POINTER(before + 1), 5000));
	c = g_ptr_array_index(t.closed, before);
	g_assert_cmpstr(c->key, ==, "gtk:" GTK_APP "/msg-1");

	/* close_async of a gtk notification calls RemoveNotification (nobody serves it here:
	 * the error comes back as a WbError) */
	wb_notification_monitor_close_async(t.monitor, n, NULL, done_cb, &result);
	g_assert_true(wait_until(result_set, &result, 6000));
	g_assert_false(wb_notification_monitor_close_finish(t.monitor, result, &error));
	g_assert_error(error, WB_ERROR, WB_ERROR_FAILED);
}

static void
exited_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
	*(gboolean *)user_data = TRUE;
}

static void
test_close_async(void)
{
	g_autoptr(GAsyncResult) result = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) calls = NULL;
	g_autoptr(GVariant) call = NULL;
	g_autoptr(GVariant) args = NULL;
	g_autoptr(GVariant) arg = NULL;
	g_autoptr(GVariant) id = NULL;
	g_autoptr(WbDesktopNotification) unknown =
		wb_desktop_notification_new(WB_DESKTOP_SOURCE_FDO);
	gsize count;
	gboolean exited = FALSE;

	g_subprocess_wait_async(waiting_send, NULL, exited_cb, &exited);
	/* the notification notify-send -A waits on: closing it on the desktop lets it exit */
	wb_notification_monitor_close_async(t.monitor, first, NULL, done_cb, &result);
	g_assert_true(wait_until(result_set, &result, 6000));
	g_assert_true(wb_notification_monitor_close_finish(t.monitor, result, &error));
	g_assert_no_error(error);
	g_clear_object(&result);

	calls = mock_calls("CloseNotification");
	g_variant_get(calls, "(@a(tav))", &call);
	count = g_variant_n_children(call);
	g_assert_cmpuint(count, >=, 1);
	args = g_variant_get_child_value(call, count - 1); /* (t timestamp, av args) */
	arg = g_variant_get_child_value(args, 1);
	id = g_variant_get_child_value(arg, 0);
	{
		/* recorded with the mock's in_signature, which says i where the spec says u */
		g_autoptr(GVariant) value = g_variant_get_variant(id);
		gint64 got = g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32)
				     ? (gint64)g_variant_get_uint32(value)
				     : g_variant_get_int32(value);
		g_assert_cmpint(got, ==, first->server_id);
	}
	g_assert_true(wait_until(is_true, &exited, 5000));

	/* without the server's id there is nothing to close */
	wb_notification_monitor_close_async(t.monitor, unknown, NULL, done_cb, &result);
	g_assert_true(wait_until(result_set, &result, 6000));
	g_assert_false(wb_notification_monitor_close_finish(t.monitor, result, &error));
	g_assert_error(error, WB_ERROR, WB_ERROR_NOT_SUPPORTED);
}

static void
test_hostile(void)
{
	g_autoptr(GString) huge = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = NULL;
	GVariantBuilder actions;
	GVariantDict hints;
	WbDesktopNotification *n;
	const guint8 bad[] = {'o', 'r', 'g', 0xff, 0xfe, 0xc3, '.', 'x', 0};

	/* wrong argument types: the server refuses it; nothing crashes */
	g_dbus_connection_call(t.client, FDO_NAME, FDO_PATH, FDO_IFACE, "Notify",
			       g_variant_new("(ssssss)", "a", "b", "c", "d", "e", "f"), NULL,
			       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL, NULL);
	g_dbus_connection_call(t.client, FDO_NAME, FDO_PATH, FDO_IFACE, "Notify", NULL, NULL,
			       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL, NULL);
	g_dbus_connection_call(t.client, FDO_NAME, FDO_PATH, FDO_IFACE, "Notify",
			       g_variant_new("(su)", "only two", 0u), NULL, G_DBUS_CALL_FLAGS_NONE,
			       5000, NULL, NULL, NULL);
	g_dbus_connection_call(t.client, FDO_NAME, FDO_PATH, FDO_IFACE, "CloseNotification",
			       g_variant_new("(s)", "not an id"), NULL, G_DBUS_CALL_FLAGS_NONE,
			       5000, NULL, NULL, NULL);
	g_dbus_connection_call(t.client, "org.gtk.Notifications", "/org/gtk/Notifications",
			       "org.gtk.Notifications", "AddNotification",
			       g_variant_new("(ss)", "not/an/app", "x"), NULL,
			       G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, NULL, NULL);

	/* a 1 MB body, 200 actions with huge labels, hints of the wrong types, invalid UTF-8
	 * where bytes are allowed */
	for (guint i = 0; i < 1024 * 1024 / 8; i++)
		g_string_append(huge, "\xc3\xa9"
				      "abc\x01\t\n");
	g_variant_builder_init(&actions, G_VARIANT_TYPE("as"));
	for (guint i = 0; i < 200; i++) {
		g_autofree gchar *key = g_strdup_printf("a%u", i);
		g_autofree gchar *label = g_strndup(huge->str, 2000); /* whole characters */
		g_variant_builder_add(&actions, "s", key);
		g_variant_builder_add(&actions, "s", label);
	}
	g_variant_dict_init(&hints, NULL);
	g_variant_dict_insert_value(&hints, "desktop-entry",
				    g_variant_new_bytestring((const gchar *)bad));
	g_variant_dict_insert(&hints, "urgency", "s", "very");
	g_variant_dict_insert(&hints, "category", "u", 5u);
	g_variant_dict_insert(&hints, "sender-pid", "s", "1");
	ret = g_dbus_connection_call_sync(
		t.client, FDO_NAME, FDO_PATH, FDO_IFACE, "Notify",
		g_variant_new("(susss@as@a{sv}i)", huge->str, 0u, huge->str, huge->str, huge->str,
			      g_variant_builder_end(&actions), g_variant_dict_end(&hints), -1),
		G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
	g_assert_no_error(error);
	/* the malformed calls the server answered anyway come first, with defaults */
	n = NULL;
	for (guint i = 0; i < 10 && (n == NULL || !g_str_has_prefix(n->summary, "\xc3\xa9")); i++) {
		n = wait_posted();
		g_test_message("posted: summary of %zu bytes, body of %zu", strlen(n->summary),
			       strlen(n->body));
	}
	g_assert_true(g_str_has_prefix(n->summary, "\xc3\xa9"));
	g_assert_cmpuint(strlen(n->body), <=, 16384);
	g_assert_cmpuint(strlen(n->body), >, 16000);
	g_assert_cmpuint(strlen(n->summary), <=, 1024);
	g_assert_cmpuint(strlen(n->app_name), <=, 256);
	g_assert_cmpuint(strlen(n->icon), <=, 256);
	g_assert_null(strchr(n->body, '\x01'));
	g_assert_nonnull(strchr(n->body, '\n'));
	g_assert_null(strchr(n->summary, '\n'));
	g_assert_cmpuint(n->actions->len, ==, 32);
	g_assert_cmpuint(strlen(action_at(n, 0)->label), <=, 256);
	g_assert_cmpuint(n->urgency, ==, 1);
	g_assert_cmpstr(n->category, ==, "");
	/* the sender is this process: its pid says so */
	g_assert_true(n->from_self);
	/* the bad desktop-entry was ignored: the sender (this process) was looked up instead */
	g_assert_true(g_utf8_validate(n->app_id, -1, NULL));

	/* still working: the refused ones produced nothing, the next one arrives */
	client_notify("After", "", 0, NULL);
	n = wait_posted();
	g_assert_cmpstr(n->summary, ==, "After");
	g_assert_cmpint(wb_notification_monitor_get_mode(t.monitor), ==, WB_MONITOR_MODE_MONITOR);
}

static void
test_idle(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) saver =
		spawn(&error, PYTHON, "-m", "dbusmock", "--template", "gnome_screensaver", NULL);
	g_autoptr(WbIdleMonitor) idle = NULL;
	g_autoptr(GVariant) ret = NULL;
	gboolean notified = FALSE;

	g_assert_no_error(error);
	/* wait for the name */
	for (guint i = 0; i < 100; i++) {
		g_autoptr(GVariant) has = g_dbus_connection_call_sync(
			t.client, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			"org.freedesktop.DBus", "NameHasOwner",
			g_variant_new("(s)", "org.gnome.ScreenSaver"), G_VARIANT_TYPE("(b)"),
			G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
		gboolean owned = FALSE;
		if (has != NULL)
			g_variant_get(has, "(b)", &owned);
		if (owned)
			break;
		spin(100);
	}
	idle = wb_idle_monitor_new(t.conn);
	g_signal_connect_swapped(idle, "notify::idle", G_CALLBACK(timeout_cb), &notified);
	wb_idle_monitor_start(idle);
	spin(300);
	g_assert_false(wb_idle_monitor_get_idle(idle));
	ret = g_dbus_connection_call_sync(t.client, "org.gnome.ScreenSaver",
					  "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
					  "SetActive", g_variant_new("(b)", TRUE), NULL,
					  G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(wait_until(is_true, &notified, 5000));
	g_assert_true(wb_idle_monitor_get_idle(idle));
	g_subprocess_force_exit(saver);
	g_subprocess_wait(saver, NULL, NULL);
}

/* A bus that refuses BecomeMonitor (policy) but allows eavesdropping, like an older or
 * stricter dbus-daemon: the monitor falls back. */
static const gchar eaves_conf[] =
	"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
	"\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">"
	"<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>"
	"<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
	"<allow eavesdrop=\"true\"/><allow own=\"*\"/>"
	"<deny send_destination=\"org.freedesktop.DBus\" "
	"send_interface=\"org.freedesktop.DBus.Monitoring\"/></policy></busconfig>";

static gboolean name_owned(gpointer data);
static void name_appeared_cb(GDBusConnection *connection, const gchar *name, const gchar *owner,
			     gpointer user_data);

static void
test_eavesdrop(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = g_dir_make_tmp("wb-desktop-XXXXXX", &error);
	g_autofree gchar *conf = NULL;
	g_autofree gchar *conf_arg = NULL;
	g_autofree gchar *line = NULL;
	g_autofree gchar *saved = t.address;
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
	g_autoptr(GSubprocess) daemon = NULL;
	g_autoptr(GSubprocess) mock = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	g_autoptr(GDBusConnection) conn = NULL;
	g_autoptr(WbNotificationMonitor) monitor = NULL;
	g_autoptr(GVariant) ret = NULL;
	g_autofree gchar *key = NULL;
	WbDesktopNotification *n;
	gboolean appeared = FALSE;
	gboolean done = FALSE;
	guint watch;
	guint before;
	guint32 id;

	g_assert_no_error(error);
	conf = g_build_filename(dir, "bus.conf", NULL);
	g_assert_true(g_file_set_contents(conf, eaves_conf, -1, &error));
	conf_arg = g_strconcat("--config-file=", conf, NULL);
	daemon = g_subprocess_launcher_spawn(launcher, &error, "dbus-daemon", conf_arg, "--nofork",
					     "--print-address=1", NULL);
	g_assert_no_error(error);
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(daemon));
	line = g_data_input_stream_read_line(out, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(line);
	t.address = g_strdup(g_strstrip(line));

	conn = g_dbus_connection_new_for_address_sync(
		t.address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
	mock = spawn(&error, PYTHON, "-m", "dbusmock", "--template", "notification_daemon", NULL);
	g_assert_no_error(error);
	watch = g_bus_watch_name_on_connection(conn, FDO_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
					       name_appeared_cb, NULL, &appeared, NULL);
	g_assert_true(wait_until(name_owned, &appeared, 20000));
	g_bus_unwatch_name(watch);

	monitor = wb_notification_monitor_new(conn);
	wb_notification_monitor_set_bus_address(monitor, t.address);
	g_signal_connect(monitor, "notification-posted", G_CALLBACK(posted_cb), NULL);
	g_signal_connect(monitor, "notification-closed", G_CALLBACK(closed_cb), NULL);
	wb_notification_monitor_start_async(monitor, NULL, start_cb, &done);
	g_assert_true(wait_until(is_true, &done, 10000));
	g_assert_cmpint(wb_notification_monitor_get_mode(monitor), ==, WB_MONITOR_MODE_EAVESDROP);

	/* the call and (with this permissive policy) the reply are both seen */
	id = notify_send_id("-a", "Eaves", "-h", "string:desktop-entry:org.example.Eaves",
			    "Eavesdropped", "body", NULL);
	n = wait_posted();
	key = g_strdup_printf("fdo:%u", id);
	g_assert_cmpstr(n->summary, ==, "Eavesdropped");
	g_assert_cmpstr(n->app_id, ==, "org.example.Eaves");
	g_assert_cmpstr(n->key, ==, key);

	before = t.closed->len;
	ret = g_dbus_connection_call_sync(
		conn, FDO_NAME, FDO_PATH, MOCK, "EmitSignal",
		g_variant_new("(sss@av)", FDO_IFACE, "NotificationClosed", "uu",
			      g_variant_new_parsed("[<%u>, <%u>]", id, 2u)),
		NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(wait_until(closed_at_least, GUINT_TO_POINTER(before + 1), 5000));
	g_assert_cmpstr(((Closed *)g_ptr_array_index(t.closed, before))->key, ==, key);

	/* the eavesdropper did not answer calls meant for the server: the client's call above
	 * got the mock's answer, and the connection is still up */
	g_assert_cmpint(wb_notification_monitor_get_mode(monitor), ==, WB_MONITOR_MODE_EAVESDROP);

	wb_notification_monitor_stop(monitor);
	g_subprocess_force_exit(mock);
	g_subprocess_wait(mock, NULL, NULL);
	g_dbus_connection_close_sync(conn, NULL, NULL);
	g_subprocess_force_exit(daemon);
	g_subprocess_wait(daemon, NULL, NULL);
	g_free(t.address);
	t.address = g_steal_pointer(&saved);
	g_unlink(conf);
	g_rmdir(dir);
}

/* ---- setup --------------------------------------------------------------------------------- */

static gboolean
have_tools(void)
{
	g_autofree gchar *notify_send = g_find_program_in_path("notify-send");
	gint status = -1;

	if (notify_send == NULL)
		return FALSE;
	if (!g_spawn_sync(NULL, (gchar *[]){PYTHON, "-c", "import dbusmock", NULL}, NULL,
			  G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
			  NULL, &status, NULL))
		return FALSE;
	return g_spawn_check_wait_status(status, NULL);
}

static gboolean
name_owned(gpointer data)
{
	return *(gboolean *)data;
}

static void
name_appeared_cb(GDBusConnection *connection, const gchar *name, const gchar *owner,
		 gpointer user_data)
{
	*(gboolean *)user_data = TRUE;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	gboolean appeared = FALSE;
	guint watch;
	int ret;

	if (!have_tools()) {
		g_printerr("skipped: needs notify-send and " PYTHON " with dbusmock\n");
		return 77;
	}
	g_test_init(&argc, &argv, NULL);

	t.bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(t.bus);
	t.address = g_strdup(g_test_dbus_get_bus_address(t.bus));
	t.conn = g_dbus_connection_new_for_address_sync(
		g_test_dbus_get_bus_address(t.bus),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
	t.client = g_dbus_connection_new_for_address_sync(
		g_test_dbus_get_bus_address(t.bus),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);

	t.mock = spawn(&error, PYTHON, "-m", "dbusmock", "--template", "notification_daemon", "-p",
		       "{\"capabilities\": \"body actions\"}", NULL);
	g_assert_no_error(error);
	watch = g_bus_watch_name_on_connection(t.conn, FDO_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
					       name_appeared_cb, NULL, &appeared, NULL);
	g_assert_true(wait_until(name_owned, &appeared, 20000));
	g_bus_unwatch_name(watch);

	t.posted = g_ptr_array_new_with_free_func((GDestroyNotify)wb_desktop_notification_unref);
	t.closed = g_ptr_array_new_with_free_func(closed_free);
	t.invoked = g_ptr_array_new_with_free_func(g_free);
	t.activations = g_ptr_array_new_with_free_func(g_free);
	t.monitor = wb_notification_monitor_new(t.conn);
	g_signal_connect(t.monitor, "notification-posted", G_CALLBACK(posted_cb), NULL);
	g_signal_connect(t.monitor, "notification-closed", G_CALLBACK(closed_cb), NULL);
	g_signal_connect(t.monitor, "notification-action-invoked", G_CALLBACK(invoked_cb), NULL);

	g_test_add_func("/wearbridge/desktop/monitor-start", test_start);
	g_test_add_func("/wearbridge/desktop/monitor-notify-send", test_notify_send);
	g_test_add_func("/wearbridge/desktop/monitor-replace", test_replace);
	g_test_add_func("/wearbridge/desktop/monitor-reemitted", test_reemitted);
	g_test_add_func("/wearbridge/desktop/monitor-self-hint", test_self_hint);
	g_test_add_func("/wearbridge/desktop/notifier", test_notifier);
	g_test_add_func("/wearbridge/desktop/monitor-closed", test_closed);
	g_test_add_func("/wearbridge/desktop/monitor-gtk", test_gtk);
	g_test_add_func("/wearbridge/desktop/monitor-close-async", test_close_async);
	g_test_add_func("/wearbridge/desktop/monitor-hostile", test_hostile);
	g_test_add_func("/wearbridge/desktop/idle-screensaver", test_idle);
	g_test_add_func("/wearbridge/desktop/monitor-eavesdrop", test_eavesdrop);
	ret = g_test_run();

	wb_notification_monitor_stop(t.monitor);
	g_clear_object(&t.monitor);
	if (waiting_send != NULL) {
		g_subprocess_force_exit(waiting_send);
		g_clear_object(&waiting_send);
	}
	g_subprocess_force_exit(t.mock);
	g_subprocess_wait(t.mock, NULL, NULL);
	g_clear_object(&t.mock);
	g_ptr_array_unref(t.posted);
	g_ptr_array_unref(t.closed);
	g_ptr_array_unref(t.invoked);
	g_ptr_array_unref(t.activations);
	g_dbus_connection_close_sync(t.client, NULL, NULL);
	g_dbus_connection_close_sync(t.conn, NULL, NULL);
	g_clear_object(&t.client);
	g_clear_object(&t.conn);
	notify_uninit(); /* drops libnotify's proxy on the session singleton */
	g_test_dbus_down(t.bus);
	g_clear_object(&t.bus);
	g_free(t.address);
	return ret;
}
