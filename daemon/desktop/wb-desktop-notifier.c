/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The daemon's own desktop notifications, through libnotify (docs/desktop.md).
 *
 * notify_notification_show() is synchronous in libnotify 0.8 (a g_dbus_proxy_call_sync() that
 * waits up to the D-Bus default timeout if the notification server hangs): every show happens
 * from an idle callback or a timer of this module, never from a caller's path (and never from a
 * D-Bus request handler), and there are few of them by design: "lost" only after the grace
 * period, "connected" only after a "lost", one battery and one install bubble per watch, each
 * replacing its previous one. Closing a bubble (also synchronous) is never done: a bubble that
 * changes meaning is updated in place instead.
 */
#include <libnotify/notify.h>

#define WB_LOG_MODULE "desktop"
#include "wb-desktop-notification.h"
#include "wb-desktop-notifier.h"
#include "wb-log.h"

#define APP_NAME       "wearbridge"
#define ICON_WATCH     "phone" /* the Icon Naming Spec has no watch; "phone" is its device */
#define ICON_BATTERY   "battery-caution"
#define ICON_INSTALLED "system-software-install"
#define ICON_FAILED    "dialog-error"
#define MAX_NAME       64 /* bytes of a watch or app name put in a bubble */

typedef struct {
	WbDesktopNotifier *self; /* unowned: the state dies with it */
	gchar *watch_id;
	gchar *name;
	guint lost_timer;
	gboolean lost_shown;
	NotifyNotification *status; /* "lost", then updated in place to "connected" */
	NotifyNotification *battery;
	NotifyNotification *install;
} WatchState;

struct _WbDesktopNotifier {
	GObject parent_instance;
	guint lost_grace_s;
	GHashTable *watches; /* watch id → WatchState */
	GQueue to_show;      /* of NotifyNotification (owned) */
	guint show_id;
	gboolean warned;
};

G_DEFINE_FINAL_TYPE(WbDesktopNotifier, wb_desktop_notifier, G_TYPE_OBJECT)

enum { SIGNAL_ACTION, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
watch_state_free(gpointer data)
{
	WatchState *state = data;

	g_clear_handle_id(&state->lost_timer, g_source_remove);
	g_free(state->watch_id);
	g_free(state->name);
	g_clear_object(&state->status);
	g_clear_object(&state->battery);
	g_clear_object(&state->install);
	g_free(state);
}

/* Text from the watch or an app, made fit for a bubble: valid UTF-8, bounded, no control
 * characters. @markup escapes it for a body (servers may read bodies as markup). */
static gchar *
clean_text(const gchar *s, gboolean markup)
{
	g_autofree gchar *valid = NULL;
	g_autofree gchar *cut = NULL;
	const gchar *end;

	if (s == NULL)
		s = "";
	valid = g_utf8_make_valid(s, -1);
	end = valid;
	while (*end != '\0' && (gsize)(g_utf8_next_char(end) - valid) <= MAX_NAME)
		end = g_utf8_next_char(end);
	cut = g_strndup(valid, (gsize)(end - valid));
	for (gchar *p = cut; *p != '\0'; p++) {
		if ((guchar)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	return markup ? g_markup_escape_text(cut, -1) : g_steal_pointer(&cut);
}

static WatchState *
watch_state(WbDesktopNotifier *self, const gchar *watch_id, const gchar *name)
{
	WatchState *state = g_hash_table_lookup(self->watches, watch_id);

	if (state == NULL) {
		state = g_new0(WatchState, 1);
		state->self = self;
		state->watch_id = g_strdup(watch_id);
		g_hash_table_insert(self->watches, g_strdup(watch_id), state);
	}
	if (name != NULL && *name != '\0') {
		g_free(state->name);
		state->name = clean_text(name, FALSE);
	}
	if (state->name == NULL)
		state->name = clean_text(watch_id, FALSE);
	return state;
}

static gboolean
show_pending_cb(gpointer user_data)
{
	WbDesktopNotifier *self = user_data;
	NotifyNotification *notification;

	self->show_id = 0;
	while ((notification = g_queue_pop_head(&self->to_show)) != NULL) {
		g_autoptr(GObject) owned = G_OBJECT(notification);
		g_autoptr(GError) error = NULL;

		/* synchronous (libnotify 0.8): see the top of this file */
		if (notify_notification_show(notification, &error))
			continue;
		if (!self->warned)
			wb_warning("showing a desktop notification: %s, ignoring", error->message);
		else
			wb_debug("showing a desktop notification: %s", error->message);
		self->warned = TRUE;
	}
	return G_SOURCE_REMOVE;
}

/* Shows @notification soon, from an idle callback (once, however often it is queued). */
static void
queue_show(WbDesktopNotifier *self, NotifyNotification *notification)
{
	if (g_queue_find(&self->to_show, notification) == NULL)
		g_queue_push_tail(&self->to_show, g_object_ref(notification));
	if (self->show_id == 0) {
		self->show_id = g_idle_add(show_pending_cb, self);
		g_source_set_static_name(g_main_context_find_source_by_id(NULL, self->show_id),
					 "[wearbridge] desktop notifier");
	}
}

/* Creates @slot's notification, or updates it in place (the server replaces the bubble). */
static NotifyNotification *
prepare(NotifyNotification **slot, const gchar *summary, const gchar *body, const gchar *icon,
	const gchar *category, NotifyUrgency urgency)
{
	if (*slot == NULL) {
		*slot = notify_notification_new(summary, body, icon);
		notify_notification_set_app_name(*slot, APP_NAME);
		/* never mirrored to the watch (wb-notification-monitor.c) */
		notify_notification_set_hint(*slot, WB_DESKTOP_HINT_SELF,
					     g_variant_new_boolean(TRUE));
	} else {
		notify_notification_update(*slot, summary, body, icon);
		notify_notification_clear_actions(*slot);
	}
	notify_notification_set_category(*slot, category);
	notify_notification_set_urgency(*slot, urgency);
	return *slot;
}

typedef struct {
	GWeakRef notifier;
	gchar *watch_id;
} ActionData;

static void
action_data_free(gpointer data)
{
	ActionData *action = data;

	g_weak_ref_clear(&action->notifier);
	g_free(action->watch_id);
	g_free(action);
}

static void
reconnect_cb(NotifyNotification *notification, char *action, gpointer user_data)
{
	ActionData *data = user_data;
	g_autoptr(WbDesktopNotifier) self = g_weak_ref_get(&data->notifier);

	if (self == NULL)
		return;
	wb_info("'Reconnect' chosen on the desktop for '%s'", data->watch_id);
	g_signal_emit(self, signals[SIGNAL_ACTION], 0, data->watch_id, "reconnect");
}

static gboolean
lost_timeout_cb(gpointer user_data)
{
	WatchState *state = user_data;
	WbDesktopNotifier *self = state->self;
	g_autofree gchar *summary = g_strdup_printf("%s is disconnected", state->name);
	g_autofree gchar *body =
		g_strdup_printf("Away for more than %u s. Notifications wait until it is back.",
				self->lost_grace_s);
	NotifyNotification *notification;
	ActionData *data = g_new0(ActionData, 1);

	state->lost_timer = 0;
	state->lost_shown = TRUE;
	notification = prepare(&state->status, summary, body, ICON_WATCH, "device.removed",
			       NOTIFY_URGENCY_NORMAL);
	g_weak_ref_init(&data->notifier, self);
	data->watch_id = g_strdup(state->watch_id);
	notify_notification_add_action(notification, "reconnect", "Reconnect", reconnect_cb, data,
				       action_data_free);
	wb_watch_debug(state->watch_id, "showing 'disconnected' on the desktop");
	queue_show(self, notification);
	return G_SOURCE_REMOVE;
}

/**
 * wb_desktop_notifier_new:
 * @lost_grace_s: how long a watch must stay away before "disconnected" is shown
 *
 * Calls notify_init("wearbridge") if nobody has.
 *
 * Returns: (transfer full): a notifier
 */
WbDesktopNotifier *
wb_desktop_notifier_new(guint lost_grace_s)
{
	WbDesktopNotifier *self = g_object_new(WB_TYPE_DESKTOP_NOTIFIER, NULL);

	self->lost_grace_s = lost_grace_s;
	if (!notify_is_initted())
		notify_init(APP_NAME); /* only records the name: no D-Bus traffic */
	return self;
}

/**
 * wb_desktop_notifier_watch_connected:
 * @self: the notifier
 * @watch_id: the watch's id
 * @name: (nullable): its display name
 *
 * A watch connected. If it was away for less than the grace period nothing is shown (no
 * flapping); if "disconnected" was shown, that bubble becomes "connected again". A first
 * connection shows nothing.
 */
void
wb_desktop_notifier_watch_connected(WbDesktopNotifier *self, const gchar *watch_id,
				    const gchar *name)
{
	WatchState *state;
	g_autofree gchar *summary = NULL;

	g_return_if_fail(WB_IS_DESKTOP_NOTIFIER(self));
	g_return_if_fail(watch_id != NULL);
	state = watch_state(self, watch_id, name);
	if (state->lost_timer != 0) {
		g_clear_handle_id(&state->lost_timer, g_source_remove);
		wb_watch_debug(watch_id, "back within the grace period: nothing shown");
		return;
	}
	if (!state->lost_shown)
		return;
	state->lost_shown = FALSE;
	summary = g_strdup_printf("%s is connected again", state->name);
	queue_show(self, prepare(&state->status, summary, NULL, ICON_WATCH, "device.added",
				 NOTIFY_URGENCY_LOW));
}

/**
 * wb_desktop_notifier_watch_lost:
 * @self: the notifier
 * @watch_id: the watch's id
 * @name: (nullable): its display name
 *
 * A watch went away: "disconnected", with a "Reconnect" action, is shown if it is still away
 * after the grace period (a one-shot timer, cancelled when it comes back).
 */
void
wb_desktop_notifier_watch_lost(WbDesktopNotifier *self, const gchar *watch_id, const gchar *name)
{
	WatchState *state;

	g_return_if_fail(WB_IS_DESKTOP_NOTIFIER(self));
	g_return_if_fail(watch_id != NULL);
	state = watch_state(self, watch_id, name);
	if (state->lost_timer != 0 || state->lost_shown)
		return;
	state->lost_timer = g_timeout_add_seconds(self->lost_grace_s, lost_timeout_cb, state);
	g_source_set_static_name(g_main_context_find_source_by_id(NULL, state->lost_timer),
				 "[wearbridge] watch lost grace");
}

/**
 * wb_desktop_notifier_battery_low:
 * @self: the notifier
 * @watch_id: the watch's id
 * @name: (nullable): its display name
 * @percent: the charge left
 *
 * Shows (or updates) the watch's "battery low" bubble. The caller decides when the level is
 * low and calls this once per crossing.
 */
void
wb_desktop_notifier_battery_low(WbDesktopNotifier *self, const gchar *watch_id, const gchar *name,
				guint percent)
{
	WatchState *state;
	g_autofree gchar *summary = NULL;
	g_autofree gchar *body = NULL;

	g_return_if_fail(WB_IS_DESKTOP_NOTIFIER(self));
	g_return_if_fail(watch_id != NULL);
	state = watch_state(self, watch_id, name);
	summary = g_strdup_printf("%s battery low", state->name);
	body = g_strdup_printf("%u%% left.", MIN(percent, 100u));
	queue_show(self, prepare(&state->battery, summary, body, ICON_BATTERY, "device",
				 percent <= 5 ? NOTIFY_URGENCY_CRITICAL : NOTIFY_URGENCY_NORMAL));
}

/**
 * wb_desktop_notifier_install_finished:
 * @self: the notifier
 * @watch_id: the watch's id
 * @name: (nullable): its display name
 * @app: the app or watchface installed
 * @ok: whether it worked
 *
 * Shows (or updates) the watch's "install finished" bubble.
 */
void
wb_desktop_notifier_install_finished(WbDesktopNotifier *self, const gchar *watch_id,
				     const gchar *name, const gchar *app, gboolean ok)
{
	WatchState *state;
	g_autofree gchar *app_text = NULL;
	g_autofree gchar *summary = NULL;

	g_return_if_fail(WB_IS_DESKTOP_NOTIFIER(self));
	g_return_if_fail(watch_id != NULL);
	state = watch_state(self, watch_id, name);
	app_text = clean_text(app, FALSE);
	if (ok)
		summary = g_strdup_printf("%s installed on %s", app_text, state->name);
	else
		summary = g_strdup_printf("Could not install %s on %s", app_text, state->name);
	queue_show(self,
		   prepare(&state->install, summary, NULL, ok ? ICON_INSTALLED : ICON_FAILED,
			   ok ? "transfer.complete" : "transfer.error", NOTIFY_URGENCY_NORMAL));
}

static void
wb_desktop_notifier_dispose(GObject *object)
{
	WbDesktopNotifier *self = WB_DESKTOP_NOTIFIER(object);

	g_clear_handle_id(&self->show_id, g_source_remove);
	g_queue_clear_full(&self->to_show, g_object_unref);
	/* bubbles stay on the desktop: closing them would block */
	g_hash_table_remove_all(self->watches);
	G_OBJECT_CLASS(wb_desktop_notifier_parent_class)->dispose(object);
}

static void
wb_desktop_notifier_finalize(GObject *object)
{
	WbDesktopNotifier *self = WB_DESKTOP_NOTIFIER(object);

	g_hash_table_unref(self->watches);
	G_OBJECT_CLASS(wb_desktop_notifier_parent_class)->finalize(object);
}

static void
wb_desktop_notifier_class_init(WbDesktopNotifierClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = wb_desktop_notifier_dispose;
	object_class->finalize = wb_desktop_notifier_finalize;

	/**
	 * WbDesktopNotifier::action:
	 * @watch_id: the watch the bubble was about
	 * @action: what the person chose: "reconnect"
	 */
	signals[SIGNAL_ACTION] =
		g_signal_new("action", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
			     NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
wb_desktop_notifier_init(WbDesktopNotifier *self)
{
	self->watches = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, watch_state_free);
	g_queue_init(&self->to_show);
}
