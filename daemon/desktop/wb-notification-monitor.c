/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Captures what desktop apps show without replacing the notification server (docs/desktop.md).
 *
 * A dedicated second connection to the session bus becomes a bus monitor
 * (org.freedesktop.DBus.Monitoring.BecomeMonitor). A filter on it, which GDBus runs on its worker
 * thread, parses every monitored message into a small event and swallows it: a monitored method
 * call left to GDBus would be answered ("no such object"), and the bus disconnects a monitor
 * that sends anything. The events go, in order, through one queue to the main context captured at
 * start, where a FIFO of items waits for what each needs (the server's reply giving an fdo
 * notification its id, the sender's identity) and emits them in arrival order.
 *
 * Where the bus refuses monitoring, the same connection (still a normal one) adds eavesdropping
 * match rules instead. Lookups and actions (close, activate) always use the normal connection
 * given to _new(): a monitor connection never sends.
 */
#include <gio/gdesktopappinfo.h>
#include <string.h>
#include <unistd.h>

#define WB_LOG_MODULE "desktop"
#include "wb-error.h"
#include "wb-log.h"
#include "wb-notification-monitor.h"

#define FDO_NAME   "org.freedesktop.Notifications"
#define FDO_PATH   "/org/freedesktop/Notifications"
#define FDO_IFACE  "org.freedesktop.Notifications"
#define GTK_NAME   "org.gtk.Notifications"
#define GTK_PATH   "/org/gtk/Notifications"
#define GTK_IFACE  "org.gtk.Notifications"
#define DBUS_NAME  "org.freedesktop.DBus"
#define DBUS_PATH  "/org/freedesktop/DBus"
#define DBUS_IFACE "org.freedesktop.DBus"
#define MONITORING "org.freedesktop.DBus.Monitoring"
#define APP_IFACE  "org.freedesktop.Application"

#define CALL_TIMEOUT_MS   5000                 /* close, activate, BecomeMonitor, AddMatch */
#define LOOKUP_TIMEOUT_MS 2000                 /* who is the sender */
#define REPLY_WAIT_US     (2 * G_USEC_PER_SEC) /* a Notify waits this long for the server's id */

/* Bounds on everything that comes from the bus: nothing a sender does makes us hold more. The
 * watch shows far less (64-byte titles, 512-byte bodies); the mapping cuts again. */
#define MAX_SHORT      256 /* app name, app id, icon, category, action key and label */
#define MAX_SUMMARY    1024
#define MAX_BODY       16384
#define MAX_ACTIONS    32
#define MAX_ITEMS      4096 /* notifications waiting for their reply or sender */
#define MAX_CACHE      512  /* senders and desktop entries remembered */
#define MAX_CLOSED     4096 /* keys remembered as closed (one close event per close) */
#define MAX_CANDIDATES 128  /* well-known names asked about per sender */

/* The rules given to BecomeMonitor. Replies and errors are matched by the server's well-known
 * name (the bus resolves it, verified in test-infra.md §6); they are correlated with the call by
 * (caller, serial). */
static const gchar *const monitor_rules[] = {
	"type='method_call',interface='" FDO_IFACE "',member='Notify'",
	"type='method_call',interface='" FDO_IFACE "',member='CloseNotification'",
	"type='method_return',sender='" FDO_NAME "'",
	"type='error',sender='" FDO_NAME "'",
	"type='signal',interface='" FDO_IFACE "',member='NotificationClosed'",
	"type='signal',interface='" FDO_IFACE "',member='ActionInvoked'",
	"type='method_call',interface='" GTK_IFACE "',member='AddNotification'",
	"type='method_call',interface='" GTK_IFACE "',member='RemoveNotification'",
	NULL,
};

typedef enum {
	EV_NOTIFY,
	EV_RETURN,
	EV_ERROR,
	EV_CLOSE_CALL,
	EV_CLOSED_SIGNAL,
	EV_ACTION_INVOKED,
	EV_GTK_ADD,
	EV_GTK_REMOVE,
} EventKind;

/* What the filter extracted from one message (worker thread → main context). */
typedef struct {
	EventKind kind;
	gchar *peer;              /* NOTIFY, GTK_*: the sender; RETURN, ERROR: the destination */
	guint32 serial;           /* NOTIFY: the call's serial; RETURN, ERROR: reply serial */
	guint32 id;               /* RETURN, CLOSE_CALL, CLOSED_SIGNAL, ACTION_INVOKED */
	guint32 reason;           /* CLOSED_SIGNAL */
	gchar *text;              /* ACTION_INVOKED: the action key; GTK_REMOVE: the key */
	WbDesktopNotification *n; /* NOTIFY, GTK_ADD */
} Event;

/* Shared between the filter (worker thread) and the main context; refcounted because the
 * filter may still run after the monitor is gone. */
typedef struct {
	gint ref_count;
	GMutex lock;
	GQueue events;               /* of Event*, under lock */
	gboolean dispatch_scheduled; /* under lock */
	GMainContext *context;
	GWeakRef monitor;
	gint mode;          /* atomic WbMonitorMode; NONE = swallow, queue nothing */
	gint become_serial; /* atomic: serial of our BecomeMonitor call */
	gint become_done;   /* atomic: its reply has passed the filter */
	gchar *unique_name; /* set before the filter is added, constant afterwards */
} Shared;

typedef enum {
	ITEM_POST,
	ITEM_CLOSE,
	ITEM_ACTION,
} ItemKind;

typedef struct {
	ItemKind kind;
	WbDesktopNotification *n; /* POST */
	gchar *call_key;          /* POST fdo: "sender/serial" while the reply is awaited */
	guint32 serial;
	gint64 deadline_us; /* monotonic */
	gboolean reply_done;
	gboolean have_id;
	guint32 id;
	gboolean failed; /* the server answered with an error: nothing was shown */
	gboolean identity_done;
	gchar *key;    /* CLOSE, ACTION */
	guint reason;  /* CLOSE */
	gchar *action; /* ACTION */
} Item;

typedef struct {
	gboolean done;
	gchar *app_id; /* nullable */
	gint64 pid;    /* -1 unknown */
} SenderInfo;

struct _WbNotificationMonitor {
	GObject parent_instance;
	GDBusConnection *session; /* the normal connection: lookups and actions */
	GDBusConnection *monitor; /* dedicated: monitor or eavesdropper */
	gchar *address;           /* nullable: the session bus's */
	guint filter_id;
	gulong closed_id;
	Shared *shared;
	GMainContext *context;
	GCancellable *cancellable; /* lookups; cancelled by stop */
	WbMonitorMode mode;
	gboolean starting;
	guint generation;    /* bumped by every start and stop: a late callback sees it changed */
	GQueue items;        /* of Item*, in arrival order */
	GHashTable *calls;   /* "sender/serial" → Item* (unowned, in items) */
	GHashTable *senders; /* unique name → SenderInfo* */
	GHashTable *desktop_names; /* app id → display name ("" if no desktop entry) */
	GHashTable *closed;        /* keys closed since their last post */
	GQueue closed_order;       /* the same keys (unowned), oldest first, to bound the set */
	GSource *timer;
};

G_DEFINE_FINAL_TYPE(WbNotificationMonitor, wb_notification_monitor, G_TYPE_OBJECT)

enum { SIGNAL_POSTED, SIGNAL_CLOSED, SIGNAL_ACTION_INVOKED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void drain(WbNotificationMonitor *self);

/* ---- untrusted text ---------------------------------------------------------------------- */

/* Valid UTF-8, at most @max bytes cut on a character boundary, control characters turned into
 * spaces (they would break log lines and the watch's layout); a body (@max == MAX_BODY) keeps
 * its tabs and newlines. */
static gchar *
text_dup(const gchar *s, gsize len, gsize max)
{
	const gboolean multiline = max == MAX_BODY;
	g_autofree gchar *valid = NULL;
	GString *out;
	gsize cut = len;

	if (s == NULL)
		return g_strdup("");
	if (cut > max) {
		cut = max;
		/* do not split a sequence: back up over continuation bytes */
		for (guint i = 0; i < 3 && cut > 0 && ((guchar)s[cut] & 0xC0) == 0x80; i++)
			cut--;
	}
	valid = g_utf8_make_valid(s, (gssize)cut);
	out = g_string_sized_new(MIN(cut, max) + 1);
	for (const gchar *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		gsize clen = (gsize)(g_utf8_next_char(p) - p);

		if (out->len + clen > max)
			break;
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
			g_string_append_c(out, ' ');
		else
			g_string_append_len(out, p, (gssize)clen);
	}
	return g_string_free(out, FALSE);
}

/* A string-typed variant as bounded text, or NULL for any other type. */
static gchar *
variant_text(GVariant *v, gsize max)
{
	const gchar *s;
	gsize len = 0;

	if (v == NULL || !g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
		return NULL;
	s = g_variant_get_string(v, &len);
	return text_dup(s, len, max);
}

/* Child @i of a tuple body as bounded text, or NULL (missing, or another type). */
static gchar *
child_text(GVariant *body, gsize i, gsize max)
{
	g_autoptr(GVariant) child = NULL;

	if (body == NULL || !g_variant_is_container(body) || i >= g_variant_n_children(body))
		return NULL;
	child = g_variant_get_child_value(body, i);
	return variant_text(child, max);
}

static gboolean
child_u32(GVariant *body, gsize i, guint32 *out)
{
	g_autoptr(GVariant) child = NULL;

	if (body == NULL || !g_variant_is_container(body) || i >= g_variant_n_children(body))
		return FALSE;
	child = g_variant_get_child_value(body, i);
	if (g_variant_is_of_type(child, G_VARIANT_TYPE_UINT32)) {
		*out = g_variant_get_uint32(child);
		return TRUE;
	}
	if (g_variant_is_of_type(child, G_VARIANT_TYPE_INT32)) {
		/* the spec says u; some clients (and dbusmock) use i */
		*out = (guint32)g_variant_get_int32(child);
		return TRUE;
	}
	return FALSE;
}

static GVariant *
child_of_type(GVariant *body, gsize i, const GVariantType *type)
{
	GVariant *child;

	if (body == NULL || !g_variant_is_container(body) || i >= g_variant_n_children(body))
		return NULL;
	child = g_variant_get_child_value(body, i);
	if (!g_variant_is_of_type(child, type)) {
		g_variant_unref(child);
		return NULL;
	}
	return child;
}

/* An integer of any width as gint64 (hints like sender-pid and urgency come in several). */
static gboolean
variant_int(GVariant *v, gint64 *out)
{
	if (v == NULL)
		return FALSE;
	if (g_variant_is_of_type(v, G_VARIANT_TYPE_BYTE))
		*out = g_variant_get_byte(v);
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_INT32))
		*out = g_variant_get_int32(v);
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_UINT32))
		*out = g_variant_get_uint32(v);
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_INT64))
		*out = g_variant_get_int64(v);
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_UINT64))
		*out = (gint64)MIN(g_variant_get_uint64(v), (guint64)G_MAXINT64);
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_INT16))
		*out = g_variant_get_int16(v);
	else if (g_variant_is_of_type(v, G_VARIANT_TYPE_UINT16))
		*out = g_variant_get_uint16(v);
	else
		return FALSE;
	return TRUE;
}

/* A desktop file id without ".desktop", restricted to the characters ids use; NULL otherwise
 * (it is looked up as a file name later). */
static gchar *
desktop_id_sanitize(const gchar *s)
{
	g_autofree gchar *id = NULL;

	if (s == NULL || *s == '\0')
		return NULL;
	id = g_strdup(s);
	if (g_str_has_suffix(id, ".desktop"))
		id[strlen(id) - strlen(".desktop")] = '\0';
	if (*id == '\0' || *id == '.' || strlen(id) > 255)
		return NULL;
	for (const gchar *p = id; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-' && *p != '_')
			return NULL;
	}
	return g_steal_pointer(&id);
}

/* ---- parsing (worker thread) -------------------------------------------------------------- */

static GVariant *
hint(GVariant *hints, const gchar *key)
{
	if (hints == NULL)
		return NULL;
	return g_variant_lookup_value(hints, key, NULL);
}

/* Notify(s app_name, u replaces_id, s app_icon, s summary, s body, as actions, a{sv} hints,
 * i expire_timeout): each argument is taken only if it has the right type, so a malformed call
 * yields a notification with defaults (the server's reply decides whether it was shown). */
static WbDesktopNotification *
parse_notify(GVariant *body)
{
	g_autoptr(WbDesktopNotification) n = wb_desktop_notification_new(WB_DESKTOP_SOURCE_FDO);
	g_autoptr(GVariant) actions = child_of_type(body, 5, G_VARIANT_TYPE_STRING_ARRAY);
	g_autoptr(GVariant) hints = child_of_type(body, 6, G_VARIANT_TYPE_VARDICT);
	gchar *s;
	guint32 u = 0;
	gint64 v = 0;
	const gint64 me = getpid();

	if ((s = child_text(body, 0, MAX_SHORT)) != NULL)
		g_free(g_steal_pointer(&n->app_name)), n->app_name = s;
	if (child_u32(body, 1, &u))
		n->replaces_id = u;
	if ((s = child_text(body, 2, MAX_SHORT)) != NULL)
		g_free(g_steal_pointer(&n->icon)), n->icon = s;
	if ((s = child_text(body, 3, MAX_SUMMARY)) != NULL)
		g_free(g_steal_pointer(&n->summary)), n->summary = s;
	if ((s = child_text(body, 4, MAX_BODY)) != NULL)
		g_free(g_steal_pointer(&n->body)), n->body = s;

	if (actions != NULL) {
		/* pairs of (key, label); "default" is the click on the bubble itself */
		gsize count = g_variant_n_children(actions) / 2;
		for (gsize i = 0; i < count && n->actions->len < MAX_ACTIONS; i++) {
			g_autoptr(GVariant) k = g_variant_get_child_value(actions, 2 * i);
			g_autoptr(GVariant) l = g_variant_get_child_value(actions, 2 * i + 1);
			g_autofree gchar *key = variant_text(k, MAX_SHORT);
			g_autofree gchar *label = variant_text(l, MAX_SHORT);

			if (*key == '\0')
				continue;
			if (g_strcmp0(key, "default") == 0) {
				if (n->default_action == NULL)
					n->default_action = g_steal_pointer(&key);
				continue;
			}
			if (wb_desktop_notification_find_action(n, key) == NULL)
				wb_desktop_notification_add_action(n, key, label, NULL);
		}
	}

	if (hints != NULL) {
		g_autoptr(GVariant) entry = hint(hints, "desktop-entry");
		g_autoptr(GVariant) category = hint(hints, "category");
		g_autoptr(GVariant) urgency = hint(hints, "urgency");
		g_autoptr(GVariant) transient = hint(hints, "transient");
		g_autoptr(GVariant) image_path = hint(hints, "image-path");
		g_autoptr(GVariant) image_path_old = hint(hints, "image_path");
		g_autoptr(GVariant) self_hint = hint(hints, WB_DESKTOP_HINT_SELF);
		g_autoptr(GVariant) pid = hint(hints, "sender-pid");
		g_autoptr(GVariant) shell_sender = hint(hints, "x-shell-sender");
		g_autoptr(GVariant) shell_pid = hint(hints, "x-shell-sender-pid");
		g_autofree gchar *entry_text = variant_text(entry, MAX_SHORT);
		g_autofree gchar *id = desktop_id_sanitize(entry_text);

		if (id != NULL)
			g_free(g_steal_pointer(&n->app_id)), n->app_id = g_steal_pointer(&id);
		if ((s = variant_text(category, MAX_SHORT)) != NULL)
			g_free(g_steal_pointer(&n->category)), n->category = s;
		if (variant_int(urgency, &v))
			n->urgency = (guint8)CLAMP(v, 0, 2);
		if (transient != NULL && g_variant_is_of_type(transient, G_VARIANT_TYPE_BOOLEAN))
			n->transient = g_variant_get_boolean(transient);
		else if (variant_int(transient, &v))
			n->transient = v != 0;
		if (*n->icon == '\0') {
			if ((s = variant_text(image_path, MAX_SHORT)) != NULL ||
			    (s = variant_text(image_path_old, MAX_SHORT)) != NULL)
				g_free(g_steal_pointer(&n->icon)), n->icon = s;
		}
		/* ours: the hint whatever its value, or our pid (libnotify adds sender-pid) */
		if (self_hint != NULL)
			n->from_self = TRUE;
		if (variant_int(pid, &v) && v == me)
			n->from_self = TRUE;
		/* GNOME Shell's notification service forwards each Notify to the shell with these
		 * hints added: the same desktop notification a second time */
		if (shell_sender != NULL || shell_pid != NULL)
			n->reemitted = TRUE;
		if (variant_int(shell_pid, &v) && v == me)
			n->from_self = TRUE;
	}
	return g_steal_pointer(&n);
}

/* A serialized GIcon (g_icon_serialize): a plain string, ('themed', <as>), ('file', <s>), or
 * ('bytes', <ay>) which has no name to pass on. */
static gchar *
parse_gicon(GVariant *v)
{
	g_autofree gchar *kind = NULL;
	g_autoptr(GVariant) value = NULL;
	g_autoptr(GVariant) inner = NULL;

	if (v == NULL)
		return NULL;
	if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
		return variant_text(v, MAX_SHORT);
	if (!g_variant_is_of_type(v, G_VARIANT_TYPE("(sv)")))
		return NULL;
	g_variant_get(v, "(sv)", &kind, &value);
	inner = value != NULL && g_variant_is_of_type(value, G_VARIANT_TYPE_VARIANT)
			? g_variant_get_variant(value)
			: g_variant_ref(value);
	if (g_strcmp0(kind, "themed") == 0 &&
	    g_variant_is_of_type(inner, G_VARIANT_TYPE_STRING_ARRAY) &&
	    g_variant_n_children(inner) > 0) {
		g_autoptr(GVariant) first = g_variant_get_child_value(inner, 0);
		return variant_text(first, MAX_SHORT);
	}
	if (g_strcmp0(kind, "file") == 0 && g_variant_is_of_type(inner, G_VARIANT_TYPE_STRING)) {
		g_autofree gchar *uri = variant_text(inner, MAX_SHORT);
		g_autofree gchar *path = g_filename_from_uri(uri, NULL, NULL);
		return path != NULL ? text_dup(path, strlen(path), MAX_SHORT)
				    : g_steal_pointer(&uri);
	}
	return NULL;
}

/* AddNotification(s app_id, s id, a{sv} notification), as GNotification serializes it
 * (gio/gnotification.c): title, body, icon, priority (or the older urgent), default-action,
 * default-action-target, buttons (aa{sv}: label, action, target), category. */
static WbDesktopNotification *
parse_gtk_add(GVariant *body)
{
	g_autoptr(WbDesktopNotification) n = wb_desktop_notification_new(WB_DESKTOP_SOURCE_GTK);
	g_autofree gchar *app_id = child_text(body, 0, MAX_SHORT);
	g_autofree gchar *id = child_text(body, 1, MAX_SHORT);
	g_autoptr(GVariant) dict = child_of_type(body, 2, G_VARIANT_TYPE_VARDICT);
	g_autoptr(GVariant) title = NULL;
	g_autoptr(GVariant) text = NULL;
	g_autoptr(GVariant) icon = NULL;
	g_autoptr(GVariant) priority = NULL;
	g_autoptr(GVariant) urgent = NULL;
	g_autoptr(GVariant) default_action = NULL;
	g_autoptr(GVariant) default_target = NULL;
	g_autoptr(GVariant) buttons = NULL;
	g_autoptr(GVariant) category = NULL;
	gchar *s;

	/* the app id names the bus name and object path activation uses, and the key */
	if (app_id == NULL || id == NULL || !g_application_id_is_valid(app_id))
		return NULL;
	g_free(n->app_id);
	n->app_id = g_steal_pointer(&app_id);
	g_free(n->key);
	n->key = g_strdup_printf("gtk:%s/%s", n->app_id, id);
	if (dict == NULL)
		return g_steal_pointer(&n);

	title = hint(dict, "title");
	text = hint(dict, "body");
	icon = hint(dict, "icon");
	priority = hint(dict, "priority");
	urgent = hint(dict, "urgent");
	default_action = hint(dict, "default-action");
	default_target = hint(dict, "default-action-target");
	buttons = hint(dict, "buttons");
	category = hint(dict, "category");

	if ((s = variant_text(title, MAX_SUMMARY)) != NULL)
		g_free(g_steal_pointer(&n->summary)), n->summary = s;
	if ((s = variant_text(text, MAX_BODY)) != NULL)
		g_free(g_steal_pointer(&n->body)), n->body = s;
	if ((s = parse_gicon(icon)) != NULL)
		g_free(g_steal_pointer(&n->icon)), n->icon = s;
	if ((s = variant_text(category, MAX_SHORT)) != NULL)
		g_free(g_steal_pointer(&n->category)), n->category = s;
	if ((s = variant_text(priority, MAX_SHORT)) != NULL) {
		/* GNotificationPriority: fdo has three levels; "high" stays normal */
		if (g_strcmp0(s, "low") == 0)
			n->urgency = 0;
		else if (g_strcmp0(s, "urgent") == 0)
			n->urgency = 2;
		g_free(s);
	} else if (urgent != NULL && g_variant_is_of_type(urgent, G_VARIANT_TYPE_BOOLEAN) &&
		   g_variant_get_boolean(urgent)) {
		n->urgency = 2;
	}
	n->default_action = variant_text(default_action, MAX_SHORT);
	if (n->default_action != NULL && default_target != NULL)
		n->default_target = g_variant_ref(default_target);

	if (buttons != NULL && g_variant_is_of_type(buttons, G_VARIANT_TYPE("aa{sv}"))) {
		gsize count = g_variant_n_children(buttons);
		for (gsize i = 0; i < count && n->actions->len < MAX_ACTIONS; i++) {
			g_autoptr(GVariant) button = g_variant_get_child_value(buttons, i);
			g_autoptr(GVariant) label = hint(button, "label");
			g_autoptr(GVariant) action = hint(button, "action");
			g_autoptr(GVariant) target = hint(button, "target");
			g_autofree gchar *label_text = variant_text(label, MAX_SHORT);
			g_autofree gchar *action_text = variant_text(action, MAX_SHORT);

			if (action_text == NULL || *action_text == '\0' ||
			    wb_desktop_notification_find_action(n, action_text) != NULL)
				continue;
			wb_desktop_notification_add_action(n, action_text, label_text, target);
		}
	}
	return g_steal_pointer(&n);
}

static void
event_free(Event *ev)
{
	g_free(ev->peer);
	g_free(ev->text);
	wb_desktop_notification_unref(ev->n);
	g_free(ev);
}

static Shared *
shared_ref(Shared *shared)
{
	g_atomic_int_inc(&shared->ref_count);
	return shared;
}

static void
shared_unref(gpointer data)
{
	Shared *shared = data;

	if (!g_atomic_int_dec_and_test(&shared->ref_count))
		return;
	g_queue_clear_full(&shared->events, (GDestroyNotify)event_free);
	g_mutex_clear(&shared->lock);
	g_weak_ref_clear(&shared->monitor);
	g_main_context_unref(shared->context);
	g_free(shared->unique_name);
	g_free(shared);
}

static gboolean dispatch_events(gpointer user_data);

/* worker thread */
static void
queue_event(Shared *shared, Event *ev)
{
	gboolean schedule = FALSE;

	g_mutex_lock(&shared->lock);
	g_queue_push_tail(&shared->events, ev);
	if (!shared->dispatch_scheduled) {
		shared->dispatch_scheduled = TRUE;
		schedule = TRUE;
	}
	g_mutex_unlock(&shared->lock);
	if (schedule) {
		/* one idle drains everything queued so far: the order of events is kept */
		g_autoptr(GSource) source = g_idle_source_new();
		g_source_set_priority(source, G_PRIORITY_DEFAULT);
		g_source_set_callback(source, dispatch_events, shared_ref(shared), shared_unref);
		g_source_set_static_name(source, "[wearbridge] notification monitor");
		g_source_attach(source, shared->context);
	}
}

/* worker thread: one message seen by the monitor (or the eavesdropper) */
static void
parse_message(Shared *shared, GDBusMessage *message)
{
	GDBusMessageType type = g_dbus_message_get_message_type(message);
	const gchar *interface = g_dbus_message_get_interface(message);
	const gchar *member = g_dbus_message_get_member(message);
	const gchar *sender = g_dbus_message_get_sender(message);
	const gchar *destination = g_dbus_message_get_destination(message);
	GVariant *body = g_dbus_message_get_body(message);
	Event *ev = NULL;
	guint32 u = 0;

	switch (type) {
	case G_DBUS_MESSAGE_TYPE_METHOD_CALL:
		if (sender == NULL || member == NULL)
			return;
		if (g_strcmp0(interface, FDO_IFACE) == 0 && strcmp(member, "Notify") == 0) {
			ev = g_new0(Event, 1);
			ev->kind = EV_NOTIFY;
			ev->n = parse_notify(body);
		} else if (g_strcmp0(interface, FDO_IFACE) == 0 &&
			   strcmp(member, "CloseNotification") == 0 && child_u32(body, 0, &u)) {
			ev = g_new0(Event, 1);
			ev->kind = EV_CLOSE_CALL;
			ev->id = u;
		} else if (g_strcmp0(interface, GTK_IFACE) == 0 &&
			   strcmp(member, "AddNotification") == 0) {
			WbDesktopNotification *n = parse_gtk_add(body);
			if (n == NULL)
				return;
			ev = g_new0(Event, 1);
			ev->kind = EV_GTK_ADD;
			ev->n = n;
		} else if (g_strcmp0(interface, GTK_IFACE) == 0 &&
			   strcmp(member, "RemoveNotification") == 0) {
			g_autofree gchar *app_id = child_text(body, 0, MAX_SHORT);
			g_autofree gchar *id = child_text(body, 1, MAX_SHORT);
			if (app_id == NULL || id == NULL || !g_application_id_is_valid(app_id))
				return;
			ev = g_new0(Event, 1);
			ev->kind = EV_GTK_REMOVE;
			ev->text = g_strdup_printf("gtk:%s/%s", app_id, id);
		} else {
			return;
		}
		ev->peer = g_strdup(sender);
		ev->serial = g_dbus_message_get_serial(message);
		break;
	case G_DBUS_MESSAGE_TYPE_METHOD_RETURN:
		/* only a (u) can answer Notify; other replies of the server are dropped here */
		if (destination == NULL || body == NULL ||
		    !g_variant_is_of_type(body, G_VARIANT_TYPE("(u)")))
			return;
		ev = g_new0(Event, 1);
		ev->kind = EV_RETURN;
		ev->peer = g_strdup(destination);
		ev->serial = g_dbus_message_get_reply_serial(message);
		g_variant_get(body, "(u)", &ev->id);
		break;
	case G_DBUS_MESSAGE_TYPE_ERROR:
		if (destination == NULL)
			return;
		ev = g_new0(Event, 1);
		ev->kind = EV_ERROR;
		ev->peer = g_strdup(destination);
		ev->serial = g_dbus_message_get_reply_serial(message);
		break;
	case G_DBUS_MESSAGE_TYPE_SIGNAL:
		if (g_strcmp0(interface, FDO_IFACE) != 0 || member == NULL || body == NULL)
			return;
		if (strcmp(member, "NotificationClosed") == 0 && child_u32(body, 0, &u)) {
			ev = g_new0(Event, 1);
			ev->kind = EV_CLOSED_SIGNAL;
			ev->id = u;
			if (!child_u32(body, 1, &ev->reason))
				ev->reason = 4; /* "undefined/reserved" in the spec */
		} else if (strcmp(member, "ActionInvoked") == 0 && child_u32(body, 0, &u)) {
			g_autofree gchar *action = child_text(body, 1, MAX_SHORT);
			if (action == NULL)
				return;
			ev = g_new0(Event, 1);
			ev->kind = EV_ACTION_INVOKED;
			ev->id = u;
			ev->text = g_steal_pointer(&action);
		} else {
			return;
		}
		break;
	case G_DBUS_MESSAGE_TYPE_INVALID:
	default:
		return;
	}
	if (ev->n != NULL)
		ev->n->timestamp_us = g_get_real_time();
	queue_event(shared, ev);
}

/* worker thread (GDBusMessageFilterFunction) */
static GDBusMessage *
monitor_filter(GDBusConnection *connection, GDBusMessage *message, gboolean incoming,
	       gpointer user_data)
{
	Shared *shared = user_data;
	GDBusMessageType type = g_dbus_message_get_message_type(message);
	gint mode = g_atomic_int_get(&shared->mode);

	if (!incoming) {
		/* filters see outgoing messages too: let them all go, remembering which one is
		 * BecomeMonitor so that its reply (and only it) passes */
		if (type == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
		    g_strcmp0(g_dbus_message_get_member(message), "BecomeMonitor") == 0 &&
		    g_strcmp0(g_dbus_message_get_interface(message), MONITORING) == 0)
			g_atomic_int_set(&shared->become_serial,
					 (gint)g_dbus_message_get_serial(message));
		return message;
	}

	if (g_strcmp0(g_dbus_message_get_destination(message), shared->unique_name) == 0) {
		/* addressed to us: the BecomeMonitor reply, AddMatch replies, NameAcquired. Once
		 * monitoring, nothing is (our unique name is gone), so this cannot let a monitored
		 * message through */
		if ((type == G_DBUS_MESSAGE_TYPE_METHOD_RETURN ||
		     type == G_DBUS_MESSAGE_TYPE_ERROR) &&
		    g_dbus_message_get_reply_serial(message) ==
			    (guint32)g_atomic_int_get(&shared->become_serial))
			g_atomic_int_set(&shared->become_done, 1);
		/* a method call GDBus would answer; on a monitor, answering is fatal */
		if (type != G_DBUS_MESSAGE_TYPE_METHOD_CALL || mode != WB_MONITOR_MODE_MONITOR)
			return message;
	}

	/* everything else is swallowed: a monitor must not answer, and an eavesdropper must
	 * not answer calls meant for someone else */
	if (mode != WB_MONITOR_MODE_NONE)
		parse_message(shared, message);
	g_object_unref(message);
	return NULL;
}

/* ---- main context ------------------------------------------------------------------------- */

static void
item_free(Item *item)
{
	wb_desktop_notification_unref(item->n);
	g_free(item->call_key);
	g_free(item->key);
	g_free(item->action);
	g_free(item);
}

static void
sender_info_free(gpointer data)
{
	SenderInfo *info = data;

	g_free(info->app_id);
	g_free(info);
}

static gchar *
call_key(const gchar *peer, guint32 serial)
{
	return g_strdup_printf("%s/%u", peer, serial);
}

/* The display name of a desktop entry, "" when there is none. GDesktopAppInfo answers from
 * GIO's in-memory index of the application directories (built once, kept current by file
 * monitors); results are cached here too. */
static const gchar *
desktop_name(WbNotificationMonitor *self, const gchar *app_id)
{
	g_autoptr(GDesktopAppInfo) info = NULL;
	g_autofree gchar *desktop_id = NULL;
	g_autofree gchar *safe = desktop_id_sanitize(app_id);
	const gchar *cached;
	const gchar *name = NULL;

	if (safe == NULL)
		return "";
	cached = g_hash_table_lookup(self->desktop_names, safe);
	if (cached != NULL)
		return cached;
	desktop_id = g_strconcat(safe, ".desktop", NULL);
	info = g_desktop_app_info_new(desktop_id);
	if (info != NULL)
		name = g_app_info_get_name(G_APP_INFO(info));
	if (g_hash_table_size(self->desktop_names) >= MAX_CACHE)
		g_hash_table_remove_all(self->desktop_names);
	g_hash_table_insert(self->desktop_names, g_strdup(safe),
			    text_dup(name, name != NULL ? strlen(name) : 0, MAX_SHORT));
	return g_hash_table_lookup(self->desktop_names, safe);
}

static void
remember_closed(WbNotificationMonitor *self, const gchar *key)
{
	gchar *copy = g_strdup(key);

	g_hash_table_add(self->closed, copy);
	g_queue_push_tail(&self->closed_order, copy);
	while (g_queue_get_length(&self->closed_order) > MAX_CLOSED)
		g_hash_table_remove(self->closed, g_queue_pop_head(&self->closed_order));
}

static void
forget_closed(WbNotificationMonitor *self, const gchar *key)
{
	gchar *stored = NULL;

	if (!g_hash_table_lookup_extended(self->closed, key, (gpointer *)&stored, NULL))
		return;
	g_queue_remove(&self->closed_order, stored);
	g_hash_table_remove(self->closed, key);
}

static gboolean
item_ready(const Item *item)
{
	return item->kind != ITEM_POST || (item->reply_done && item->identity_done);
}

/* Completes a notification leaving the FIFO: its key, id and names. */
static void
finish_post(WbNotificationMonitor *self, Item *item)
{
	WbDesktopNotification *n = item->n;

	if (n->source == WB_DESKTOP_SOURCE_FDO) {
		g_free(n->key);
		if (item->have_id) {
			/* a replace answered with the same id keeps the key of the one replaced */
			n->server_id = item->id;
			n->key = g_strdup_printf("fdo:%u", item->id);
		} else if (n->replaces_id != 0) {
			/* no reply seen (eavesdropping, a re-emission, a slow server): a replace
			 * keeps the replaced id per the spec */
			n->server_id = n->replaces_id;
			n->key = g_strdup_printf("fdo:%u", n->replaces_id);
		} else {
			n->server_id = 0;
			n->key = g_strdup_printf("%s:%s/%u",
						 n->reemitted ? "fdo-reemitted" : "fdo-unknown",
						 n->sender, item->serial);
		}
	}
	/* fdo: the app_name argument wins; gtk has none */
	if (*n->app_name == '\0' && *n->app_id != '\0') {
		const gchar *name = desktop_name(self, n->app_id);
		g_free(n->app_name);
		n->app_name = g_strdup(*name != '\0' ? name : n->app_id);
	}
}

static gboolean
timer_cb(gpointer user_data)
{
	WbNotificationMonitor *self = user_data;

	g_clear_pointer(&self->timer, g_source_unref);
	drain(self);
	return G_SOURCE_REMOVE;
}

static void
arm_timer(WbNotificationMonitor *self, gint64 deadline_us)
{
	if (self->timer != NULL) {
		g_source_destroy(self->timer);
		g_clear_pointer(&self->timer, g_source_unref);
	}
	self->timer = g_timeout_source_new(0);
	/* a ready time is absolute (monotonic), so no rounding of intervals */
	g_source_set_ready_time(self->timer, deadline_us);
	g_source_set_callback(self->timer, timer_cb, self, NULL);
	g_source_set_static_name(self->timer, "[wearbridge] notification reply wait");
	g_source_attach(self->timer, self->context);
}

/* Emits, in arrival order, every item at the head of the FIFO that is ready, or whose wait
 * ran out (then with what is known: an fdo notification without the server's reply keeps an
 * unknown id). A notification the server refused is dropped. */
static void
drain(WbNotificationMonitor *self)
{
	g_autoptr(WbNotificationMonitor) keep = g_object_ref(self);
	gint64 now = g_get_monotonic_time();
	Item *head;

	while ((head = g_queue_peek_head(&self->items)) != NULL) {
		if (!item_ready(head)) {
			if (now < head->deadline_us &&
			    g_queue_get_length(&self->items) <= MAX_ITEMS)
				break;
			if (!head->reply_done)
				wb_debug("no reply to Notify from '%s' in time, id unknown",
					 head->n->sender);
			head->reply_done = TRUE;
			head->identity_done = TRUE;
		}
		g_queue_pop_head(&self->items);
		if (head->call_key != NULL)
			g_hash_table_remove(self->calls, head->call_key);

		switch (head->kind) {
		case ITEM_POST:
			if (head->failed) {
				wb_debug("the server refused a notification from '%s'",
					 head->n->sender);
				break;
			}
			finish_post(self, head);
			forget_closed(self, head->n->key);
			g_signal_emit(self, signals[SIGNAL_POSTED], 0, head->n);
			break;
		case ITEM_CLOSE:
			/* CloseNotification is followed by the server's NotificationClosed, and a
			 * GNOME Shell re-emission closes twice: one close per key */
			if (g_hash_table_contains(self->closed, head->key))
				break;
			remember_closed(self, head->key);
			g_signal_emit(self, signals[SIGNAL_CLOSED], 0, head->key, head->reason);
			break;
		case ITEM_ACTION:
			g_signal_emit(self, signals[SIGNAL_ACTION_INVOKED], 0, head->key,
				      head->action);
			break;
		default:
			g_assert_not_reached();
		}
		item_free(head);
		if (self->shared == NULL)
			return; /* a handler stopped us */
	}
	if (head != NULL)
		arm_timer(self, head->deadline_us);
	else if (self->timer != NULL) {
		g_source_destroy(self->timer);
		g_clear_pointer(&self->timer, g_source_unref);
	}
}

/* ---- who sent it -------------------------------------------------------------------------- */

typedef struct {
	WbNotificationMonitor *self;
	GCancellable *cancellable;
	gchar *sender;
	guint pending;
	gint64 pid;
	GPtrArray *names; /* well-known names the sender owns */
} Resolve;

static void
resolve_free(Resolve *r)
{
	g_object_unref(r->self);
	g_object_unref(r->cancellable);
	g_free(r->sender);
	g_ptr_array_unref(r->names);
	g_free(r);
}

/* Names that say nothing about the app: services every app may own. */
static gboolean
name_is_app_like(const gchar *name)
{
	static const gchar *const skip[] = {
		"org.freedesktop.",       "org.gtk.",   "org.a11y.",
		"org.kde.StatusNotifier", "org.mpris.", "com.canonical.",
	};

	if (name[0] == ':' || !g_application_id_is_valid(name))
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS(skip); i++) {
		if (g_str_has_prefix(name, skip[i]))
			return FALSE;
	}
	return TRUE;
}

static gchar *
process_name(gint64 pid)
{
	g_autofree gchar *path = NULL;
	g_autofree gchar *contents = NULL;
	gsize len = 0;

	if (pid <= 0)
		return NULL;
	/* procfs: never blocks on storage */
	path = g_strdup_printf("/proc/%" G_GINT64_FORMAT "/comm", pid);
	if (!g_file_get_contents(path, &contents, &len, NULL))
		return NULL;
	g_strchomp(contents);
	if (*contents == '\0')
		return NULL;
	return text_dup(contents, strlen(contents), MAX_SHORT);
}

static void
resolve_done(Resolve *r)
{
	WbNotificationMonitor *self = r->self;
	SenderInfo *info = g_hash_table_lookup(self->senders, r->sender);
	gchar *app_id = NULL;

	if (r->names->len > 0) {
		/* several names: the smallest, so that the choice does not depend on timing */
		const gchar *best = g_ptr_array_index(r->names, 0);
		for (guint i = 1; i < r->names->len; i++) {
			const gchar *name = g_ptr_array_index(r->names, i);
			if (strcmp(name, best) < 0)
				best = name;
		}
		app_id = g_strdup(best);
	} else {
		app_id = process_name(r->pid);
	}
	if (info == NULL) {
		info = g_new0(SenderInfo, 1);
		g_hash_table_insert(self->senders, g_strdup(r->sender), info);
	}
	info->done = TRUE;
	info->pid = r->pid;
	g_free(info->app_id);
	info->app_id = app_id;
	wb_debug("sender '%s': app '%s', pid %" G_GINT64_FORMAT, r->sender,
		 app_id != NULL ? app_id : "", r->pid);

	for (GList *l = self->items.head; l != NULL; l = l->next) {
		Item *item = l->data;
		if (item->kind != ITEM_POST || item->identity_done ||
		    g_strcmp0(item->n->sender, r->sender) != 0)
			continue;
		item->identity_done = TRUE;
		if (*item->n->app_id == '\0' && info->app_id != NULL) {
			g_free(item->n->app_id);
			item->n->app_id = g_strdup(info->app_id);
		}
		if (info->pid == getpid())
			item->n->from_self = TRUE;
	}
	drain(self);
}

static void
resolve_step_done(Resolve *r)
{
	if (--r->pending > 0)
		return;
	resolve_done(r);
	resolve_free(r);
}

static gboolean
resolve_cancelled(Resolve *r, GError *error)
{
	if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return FALSE;
	if (--r->pending == 0)
		resolve_free(r);
	return TRUE;
}

/* GetNameOwner for one candidate; the name travels in a small closure. */
typedef struct {
	Resolve *r;
	gchar *name;
} OwnerQuery;

static void
owner_query_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	OwnerQuery *q = user_data;
	Resolve *r = q->r;
	g_autofree gchar *name = q->name;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	g_free(q);
	if (ret == NULL && resolve_cancelled(r, error))
		return;
	if (ret != NULL) {
		const gchar *owner = NULL;
		g_variant_get(ret, "(&s)", &owner);
		if (g_strcmp0(owner, r->sender) == 0)
			g_ptr_array_add(r->names, g_steal_pointer(&name));
	}
	resolve_step_done(r);
}

static void
list_names_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Resolve *r = user_data;
	WbNotificationMonitor *self = r->self;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	g_autoptr(GVariantIter) iter = NULL;
	const gchar *name;
	guint asked = 0;

	if (ret == NULL) {
		if (resolve_cancelled(r, error))
			return;
		wb_debug("ListNames: %s", error->message);
		resolve_step_done(r);
		return;
	}
	/* there is no "names owned by X" call: ask the owner of each app-like name */
	g_variant_get(ret, "(as)", &iter);
	while (g_variant_iter_next(iter, "&s", &name) && asked < MAX_CANDIDATES) {
		OwnerQuery *q;

		if (!name_is_app_like(name))
			continue;
		q = g_new0(OwnerQuery, 1);
		q->r = r;
		q->name = g_strdup(name);
		r->pending++;
		asked++;
		g_dbus_connection_call(self->session, DBUS_NAME, DBUS_PATH, DBUS_IFACE,
				       "GetNameOwner", g_variant_new("(s)", name),
				       G_VARIANT_TYPE("(s)"), G_DBUS_CALL_FLAGS_NONE,
				       LOOKUP_TIMEOUT_MS, r->cancellable, owner_query_cb, q);
	}
	resolve_step_done(r);
}

static void
get_pid_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Resolve *r = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (ret == NULL) {
		if (resolve_cancelled(r, error))
			return;
		/* the sender may already be gone (notify-send exits at once) */
		wb_debug("GetConnectionUnixProcessID: %s", error->message);
	} else {
		guint32 pid = 0;
		g_variant_get(ret, "(u)", &pid);
		r->pid = pid;
	}
	resolve_step_done(r);
}

/* Finds out who @sender is, once per sender: its well-known names and its pid. */
static void
resolve_sender(WbNotificationMonitor *self, const gchar *sender)
{
	Resolve *r;
	SenderInfo *info;

	if (g_hash_table_contains(self->senders, sender))
		return; /* done, or under way */
	if (g_hash_table_size(self->senders) >= MAX_CACHE) {
		GHashTableIter iter;
		gpointer value;
		g_hash_table_iter_init(&iter, self->senders);
		while (g_hash_table_iter_next(&iter, NULL, &value)) {
			if (((SenderInfo *)value)->done)
				g_hash_table_iter_remove(&iter);
		}
	}
	info = g_new0(SenderInfo, 1);
	info->pid = -1;
	g_hash_table_insert(self->senders, g_strdup(sender), info);

	r = g_new0(Resolve, 1);
	r->self = g_object_ref(self);
	r->cancellable = g_object_ref(self->cancellable);
	r->sender = g_strdup(sender);
	r->pid = -1;
	r->names = g_ptr_array_new_with_free_func(g_free);
	r->pending = 2;
	g_dbus_connection_call(self->session, DBUS_NAME, DBUS_PATH, DBUS_IFACE,
			       "GetConnectionUnixProcessID", g_variant_new("(s)", sender),
			       G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, LOOKUP_TIMEOUT_MS,
			       r->cancellable, get_pid_cb, r);
	g_dbus_connection_call(self->session, DBUS_NAME, DBUS_PATH, DBUS_IFACE, "ListNames", NULL,
			       G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NONE, LOOKUP_TIMEOUT_MS,
			       r->cancellable, list_names_cb, r);
}

static Item *
push_item(WbNotificationMonitor *self, ItemKind kind)
{
	Item *item = g_new0(Item, 1);

	item->kind = kind;
	item->deadline_us = g_get_monotonic_time() + REPLY_WAIT_US;
	g_queue_push_tail(&self->items, item);
	return item;
}

static void
push_close(WbNotificationMonitor *self, gchar *key, guint reason)
{
	Item *item = push_item(self, ITEM_CLOSE);

	item->key = key;
	item->reason = reason;
}

static void
handle_notify(WbNotificationMonitor *self, Event *ev)
{
	Item *item = push_item(self, ITEM_POST);
	WbDesktopNotification *n = g_steal_pointer(&ev->n);
	const gchar *own =
		self->session != NULL ? g_dbus_connection_get_unique_name(self->session) : NULL;

	item->n = n;
	item->serial = ev->serial;
	g_free(n->sender);
	n->sender = g_strdup(ev->peer);
	if (g_strcmp0(n->sender, own) == 0)
		n->from_self = TRUE;

	/* a re-emission is answered by the shell under another name: no reply to wait for */
	item->reply_done = n->reemitted;
	if (!item->reply_done) {
		item->call_key = call_key(ev->peer, ev->serial);
		g_hash_table_replace(self->calls, g_strdup(item->call_key), item);
	}

	item->identity_done = TRUE;
	if (*n->app_id == '\0' && !n->reemitted) {
		SenderInfo *info = g_hash_table_lookup(self->senders, n->sender);
		if (info != NULL && info->done) {
			if (info->app_id != NULL) {
				g_free(n->app_id);
				n->app_id = g_strdup(info->app_id);
			}
			if (info->pid == getpid())
				n->from_self = TRUE;
		} else {
			item->identity_done = FALSE;
			resolve_sender(self, n->sender);
		}
	}
}

static void
handle_event(WbNotificationMonitor *self, Event *ev)
{
	g_autofree gchar *key = NULL;
	Item *item;

	switch (ev->kind) {
	case EV_NOTIFY:
		handle_notify(self, ev);
		break;
	case EV_RETURN:
	case EV_ERROR:
		key = call_key(ev->peer, ev->serial);
		item = g_hash_table_lookup(self->calls, key);
		if (item == NULL)
			break; /* the reply to something else the server was asked */
		g_hash_table_remove(self->calls, key);
		g_clear_pointer(&item->call_key, g_free);
		item->reply_done = TRUE;
		if (ev->kind == EV_RETURN) {
			item->have_id = TRUE;
			item->id = ev->id;
		} else {
			item->failed = TRUE;
		}
		break;
	case EV_CLOSE_CALL:
		push_close(self, g_strdup_printf("fdo:%u", ev->id), 3);
		break;
	case EV_CLOSED_SIGNAL:
		push_close(self, g_strdup_printf("fdo:%u", ev->id), ev->reason);
		break;
	case EV_ACTION_INVOKED:
		item = push_item(self, ITEM_ACTION);
		item->key = g_strdup_printf("fdo:%u", ev->id);
		item->action = g_steal_pointer(&ev->text);
		break;
	case EV_GTK_ADD:
		item = push_item(self, ITEM_POST);
		item->n = g_steal_pointer(&ev->n);
		g_free(item->n->sender);
		item->n->sender = g_strdup(ev->peer);
		item->reply_done = TRUE;
		item->identity_done = TRUE;
		break;
	case EV_GTK_REMOVE:
		push_close(self, g_steal_pointer(&ev->text), 3);
		break;
	default:
		g_assert_not_reached();
	}
}

/* main context: everything the filter queued, in order */
static gboolean
dispatch_events(gpointer user_data)
{
	Shared *shared = user_data;
	g_autoptr(WbNotificationMonitor) self = g_weak_ref_get(&shared->monitor);
	GQueue events = G_QUEUE_INIT;
	Event *ev;

	g_mutex_lock(&shared->lock);
	events = shared->events;
	g_queue_init(&shared->events);
	shared->dispatch_scheduled = FALSE;
	g_mutex_unlock(&shared->lock);

	while ((ev = g_queue_pop_head(&events)) != NULL) {
		if (self != NULL && self->shared == shared)
			handle_event(self, ev);
		event_free(ev);
	}
	if (self != NULL && self->shared == shared)
		drain(self);
	return G_SOURCE_REMOVE;
}

/* ---- start and stop ----------------------------------------------------------------------- */

static void
monitor_closed_cb(GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
		  gpointer user_data)
{
	WbNotificationMonitor *self = user_data;

	if (self->mode == WB_MONITOR_MODE_NONE)
		return;
	wb_warning("the notification monitor's bus connection closed (%s); desktop "
		   "notifications are no longer captured",
		   error != NULL ? error->message : "no error");
	self->mode = WB_MONITOR_MODE_NONE;
	if (self->shared != NULL)
		g_atomic_int_set(&self->shared->mode, WB_MONITOR_MODE_NONE);
}

/* stop() (or stop() and another start) happened while this start was under way */
static gboolean
start_aborted(GTask *task)
{
	WbNotificationMonitor *self = g_task_get_source_object(task);
	guint generation = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(task), "wb-generation"));

	if (generation == self->generation)
		return FALSE;
	g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
				"the notification monitor was stopped");
	return TRUE;
}

static void
start_failed(GTask *task, GError *error)
{
	WbNotificationMonitor *self = g_task_get_source_object(task);

	wb_notification_monitor_stop(self);
	self->starting = FALSE;
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		g_task_return_error(task, g_error_copy(error));
	else
		g_task_return_error(task, wb_error_convert(error));
}

typedef struct {
	guint pending;
	guint ok;
	GError *error;
} AddMatchState;

static void
add_match_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	WbNotificationMonitor *self = g_task_get_source_object(task);
	AddMatchState *state = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (ret != NULL)
		state->ok++;
	else if (state->error == NULL)
		state->error = g_steal_pointer(&error);
	if (--state->pending > 0)
		return;
	if (start_aborted(task))
		return;
	if (g_task_return_error_if_cancelled(task)) {
		wb_notification_monitor_stop(self);
		self->starting = FALSE;
		return;
	}
	if (state->ok == 0) {
		start_failed(task, state->error);
		return;
	}
	self->starting = FALSE;
	self->mode = WB_MONITOR_MODE_EAVESDROP;
	wb_message("capturing desktop notifications by eavesdropping: Notify, CloseNotification, "
		   "AddNotification and RemoveNotification calls and the NotificationClosed and "
		   "ActionInvoked signals are seen only where the bus policy allows "
		   "eavesdropping; the server's replies may not be, and a notification whose id "
		   "stays unknown cannot be closed from the watch");
	g_task_return_boolean(task, TRUE);
}

static void
add_match_state_free(gpointer data)
{
	AddMatchState *state = data;

	g_clear_error(&state->error);
	g_free(state);
}

static void
start_eavesdropping(GTask *task)
{
	WbNotificationMonitor *self = g_task_get_source_object(task);
	AddMatchState *state = g_new0(AddMatchState, 1);

	g_task_set_task_data(task, state, add_match_state_free);
	g_atomic_int_set(&self->shared->mode, WB_MONITOR_MODE_EAVESDROP);
	for (gsize i = 0; monitor_rules[i] != NULL; i++) {
		g_autofree gchar *rule = g_strconcat("eavesdrop='true',", monitor_rules[i], NULL);
		state->pending++;
		g_dbus_connection_call(self->monitor, DBUS_NAME, DBUS_PATH, DBUS_IFACE, "AddMatch",
				       g_variant_new("(s)", rule), NULL, G_DBUS_CALL_FLAGS_NONE,
				       CALL_TIMEOUT_MS, g_task_get_cancellable(task), add_match_cb,
				       g_object_ref(task));
	}
}

static void
become_monitor_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	WbNotificationMonitor *self = g_task_get_source_object(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (start_aborted(task))
		return;
	if (ret == NULL) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
		    g_dbus_connection_is_closed(self->monitor)) {
			start_failed(task, error);
			return;
		}
		g_dbus_error_strip_remote_error(error);
		wb_message("the session bus refused to make us a monitor ('%s'), trying "
			   "eavesdropping",
			   error->message);
		start_eavesdropping(task);
		return;
	}
	self->starting = FALSE;
	self->mode = WB_MONITOR_MODE_MONITOR;
	wb_info("capturing desktop notifications as a bus monitor");
	g_task_return_boolean(task, TRUE);
}

static void
connected_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	WbNotificationMonitor *self = g_task_get_source_object(task);
	g_autoptr(GError) error = NULL;
	GDBusConnection *connection = g_dbus_connection_new_for_address_finish(result, &error);
	g_autoptr(GVariantBuilder) rules = NULL;
	GCancellable *cancellable;

	if (start_aborted(task)) {
		if (connection != NULL) {
			g_dbus_connection_close(connection, NULL, NULL, NULL);
			g_object_unref(connection);
		}
		return;
	}
	if (connection == NULL) {
		start_failed(task, error);
		return;
	}
	self->monitor = connection;
	g_dbus_connection_set_exit_on_close(connection, FALSE);
	self->closed_id =
		g_signal_connect(connection, "closed", G_CALLBACK(monitor_closed_cb), self);
	if (g_task_return_error_if_cancelled(task)) {
		wb_notification_monitor_stop(self);
		self->starting = FALSE;
		return;
	}

	/* the filter first, then BecomeMonitor (test-infra.md §6) */
	self->shared->unique_name = g_strdup(g_dbus_connection_get_unique_name(connection));
	g_atomic_int_set(&self->shared->mode, WB_MONITOR_MODE_MONITOR);
	self->filter_id = g_dbus_connection_add_filter(connection, monitor_filter,
						       shared_ref(self->shared), shared_unref);

	rules = g_variant_builder_new(G_VARIANT_TYPE_STRING_ARRAY);
	for (gsize i = 0; monitor_rules[i] != NULL; i++)
		g_variant_builder_add(rules, "s", monitor_rules[i]);
	cancellable = g_task_get_cancellable(task);
	g_dbus_connection_call(connection, DBUS_NAME, DBUS_PATH, MONITORING, "BecomeMonitor",
			       g_variant_new("(asu)", rules, 0u), NULL, G_DBUS_CALL_FLAGS_NONE,
			       CALL_TIMEOUT_MS, cancellable, become_monitor_cb,
			       g_steal_pointer(&task));
}

/**
 * wb_notification_monitor_new:
 * @session: the normal session bus connection: sender lookups, close and activate go through
 *   it (the monitor itself opens a second, dedicated connection)
 *
 * Returns: (transfer full): a monitor; nothing is captured before
 *   wb_notification_monitor_start_async()
 */
WbNotificationMonitor *
wb_notification_monitor_new(GDBusConnection *session)
{
	WbNotificationMonitor *self;

	g_return_val_if_fail(G_IS_DBUS_CONNECTION(session), NULL);
	self = g_object_new(WB_TYPE_NOTIFICATION_MONITOR, NULL);
	self->session = g_object_ref(session);
	return self;
}

/**
 * wb_notification_monitor_start_async:
 * @self: the monitor
 * @cancellable: (nullable): cancels the start
 * @callback: called when capturing has started (or failed)
 * @user_data: for @callback
 *
 * Opens the dedicated connection and becomes a monitor, or falls back to eavesdropping. The
 * signals are emitted in the thread-default main context of the caller.
 */
void
wb_notification_monitor_start_async(WbNotificationMonitor *self, GCancellable *cancellable,
				    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *address = NULL;

	g_return_if_fail(WB_IS_NOTIFICATION_MONITOR(self));
	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, wb_notification_monitor_start_async);
	if (self->starting || self->mode != WB_MONITOR_MODE_NONE) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_BUSY,
					"the notification monitor is already running");
		return;
	}
	/* reads DBUS_SESSION_BUS_ADDRESS (or the X11/launchd fallbacks): startup only */
	if (self->address != NULL)
		address = g_strdup(self->address);
	else
		address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SESSION, cancellable, &error);
	if (address == NULL) {
		g_task_return_error(task, wb_error_convert(error));
		return;
	}

	self->starting = TRUE;
	self->generation++;
	g_object_set_data(G_OBJECT(task), "wb-generation", GUINT_TO_POINTER(self->generation));
	g_clear_pointer(&self->context, g_main_context_unref);
	self->context = g_main_context_ref_thread_default();
	self->cancellable = g_cancellable_new();
	self->shared = g_new0(Shared, 1);
	self->shared->ref_count = 1;
	g_mutex_init(&self->shared->lock);
	g_queue_init(&self->shared->events);
	self->shared->context = g_main_context_ref(self->context);
	g_weak_ref_init(&self->shared->monitor, self);
	self->shared->mode = WB_MONITOR_MODE_NONE;

	g_dbus_connection_new_for_address(address,
					  G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
						  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
					  NULL, cancellable, connected_cb, g_steal_pointer(&task));
}

/**
 * wb_notification_monitor_start_finish:
 * @self: the monitor
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if notifications are being captured (see
 *   wb_notification_monitor_get_mode()); otherwise a #WbError, or %G_IO_ERROR_CANCELLED
 */
gboolean
wb_notification_monitor_start_finish(WbNotificationMonitor *self, GAsyncResult *result,
				     GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	return g_task_propagate_boolean(G_TASK(result), error);
}

/**
 * wb_notification_monitor_set_bus_address:
 * @self: the monitor
 * @address: (nullable): the address of the bus to monitor; %NULL (the default) means the
 *   session bus's, from g_dbus_address_get_for_bus_sync()
 *
 * For tests: the bus the dedicated connection goes to. Takes effect at the next start.
 */
void
wb_notification_monitor_set_bus_address(WbNotificationMonitor *self, const gchar *address)
{
	g_return_if_fail(WB_IS_NOTIFICATION_MONITOR(self));
	g_free(self->address);
	self->address = g_strdup(address);
}

/**
 * wb_notification_monitor_get_mode:
 * @self: the monitor
 *
 * Returns: how notifications are being captured
 */
WbMonitorMode
wb_notification_monitor_get_mode(WbNotificationMonitor *self)
{
	g_return_val_if_fail(WB_IS_NOTIFICATION_MONITOR(self), WB_MONITOR_MODE_NONE);
	return self->mode;
}

/**
 * wb_notification_monitor_stop:
 * @self: the monitor
 *
 * Stops capturing: closes the dedicated connection and drops whatever waited (nothing more is
 * emitted). Safe to call from a signal handler and more than once.
 */
void
wb_notification_monitor_stop(WbNotificationMonitor *self)
{
	Item *item;

	g_return_if_fail(WB_IS_NOTIFICATION_MONITOR(self));
	self->mode = WB_MONITOR_MODE_NONE;
	self->starting = FALSE;
	self->generation++;
	if (self->cancellable != NULL) {
		g_cancellable_cancel(self->cancellable);
		g_clear_object(&self->cancellable);
	}
	if (self->shared != NULL) {
		g_atomic_int_set(&self->shared->mode, WB_MONITOR_MODE_NONE);
		g_clear_pointer(&self->shared, shared_unref);
	}
	if (self->monitor != NULL) {
		g_clear_signal_handler(&self->closed_id, self->monitor);
		if (self->filter_id != 0)
			g_dbus_connection_remove_filter(self->monitor, self->filter_id);
		self->filter_id = 0;
		/* closing sends nothing: it only shuts the stream */
		g_dbus_connection_close(self->monitor, NULL, NULL, NULL);
		g_clear_object(&self->monitor);
	}
	if (self->timer != NULL) {
		g_source_destroy(self->timer);
		g_clear_pointer(&self->timer, g_source_unref);
	}
	while ((item = g_queue_pop_head(&self->items)) != NULL)
		item_free(item);
	g_hash_table_remove_all(self->calls);
	g_hash_table_remove_all(self->senders);
}

/* ---- acting on the desktop ---------------------------------------------------------------- */

static void
call_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

	if (ret == NULL) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			g_task_return_error(task, g_steal_pointer(&error));
			return;
		}
		g_dbus_error_strip_remote_error(error);
		g_task_return_error(task, wb_error_convert(error));
		return;
	}
	g_task_return_boolean(task, TRUE);
}

/* "gtk:<app id>/<id>": app ids never contain '/' (parse_gtk_add checked it) */
static gboolean
gtk_key_split(const gchar *key, gchar **out_app_id, gchar **out_id)
{
	const gchar *slash;

	if (key == NULL || !g_str_has_prefix(key, "gtk:"))
		return FALSE;
	slash = strchr(key + 4, '/');
	if (slash == NULL || slash == key + 4)
		return FALSE;
	*out_app_id = g_strndup(key + 4, (gsize)(slash - (key + 4)));
	*out_id = g_strdup(slash + 1);
	return TRUE;
}

/**
 * wb_notification_monitor_close_async:
 * @self: the monitor
 * @n: the notification
 * @cancellable: (nullable): cancels the call
 * @callback: called with the outcome
 * @user_data: for @callback
 *
 * Closes @n on the desktop through the normal connection: fdo → CloseNotification(server id)
 * to org.freedesktop.Notifications; gtk → org.gtk.Notifications.RemoveNotification(app id,
 * id). Times out after 5 s.
 */
void
wb_notification_monitor_close_async(WbNotificationMonitor *self, WbDesktopNotification *n,
				    GCancellable *cancellable, GAsyncReadyCallback callback,
				    gpointer user_data)
{
	g_autoptr(GTask) task = NULL;
	g_autofree gchar *app_id = NULL;
	g_autofree gchar *id = NULL;

	g_return_if_fail(WB_IS_NOTIFICATION_MONITOR(self));
	g_return_if_fail(n != NULL);
	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, wb_notification_monitor_close_async);

	switch (n->source) {
	case WB_DESKTOP_SOURCE_FDO:
		if (n->server_id == 0) {
			g_task_return_new_error(task, WB_ERROR, WB_ERROR_NOT_SUPPORTED,
						"the server's id of '%s' is not known", n->key);
			return;
		}
		g_dbus_connection_call(self->session, FDO_NAME, FDO_PATH, FDO_IFACE,
				       "CloseNotification", g_variant_new("(u)", n->server_id),
				       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS,
				       cancellable, call_done_cb, g_steal_pointer(&task));
		return;
	case WB_DESKTOP_SOURCE_GTK:
		if (!gtk_key_split(n->key, &app_id, &id)) {
			g_task_return_new_error(task, WB_ERROR, WB_ERROR_INVALID_ARGS,
						"'%s' is not a gtk notification key", n->key);
			return;
		}
		g_dbus_connection_call(self->session, GTK_NAME, GTK_PATH, GTK_IFACE,
				       "RemoveNotification", g_variant_new("(ss)", app_id, id),
				       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS,
				       cancellable, call_done_cb, g_steal_pointer(&task));
		return;
	case WB_DESKTOP_SOURCE_API:
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_NOT_SUPPORTED,
					"'%s' is not a desktop notification", n->key);
		return;
	default:
		g_assert_not_reached();
	}
}

/**
 * wb_notification_monitor_close_finish:
 * @self: the monitor
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the server accepted the call; otherwise a #WbError (NOT_SUPPORTED when
 *   the id is unknown, TIMEOUT, FAILED with the server's message) or %G_IO_ERROR_CANCELLED
 */
gboolean
wb_notification_monitor_close_finish(WbNotificationMonitor *self, GAsyncResult *result,
				     GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	return g_task_propagate_boolean(G_TASK(result), error);
}

/* What activating @action_id on @n means: the action name without "app." and its target, or
 * (out_name NULL) the app's Activate() for a default click without a default action. */
static gboolean
resolve_activation(WbDesktopNotification *n, const gchar *action_id, const gchar **out_name,
		   GVariant **out_target)
{
	const WbDesktopAction *action;

	if (n->source != WB_DESKTOP_SOURCE_GTK || action_id == NULL ||
	    !g_application_id_is_valid(n->app_id))
		return FALSE;
	if (g_strcmp0(action_id, "default") == 0 || g_strcmp0(action_id, n->default_action) == 0) {
		if (n->default_action == NULL) {
			/* GNOME Shell activates the app for a click without a default action */
			*out_name = NULL;
			*out_target = NULL;
			return TRUE;
		}
		if (!g_str_has_prefix(n->default_action, "app.") || n->default_action[4] == '\0')
			return FALSE;
		*out_name = n->default_action + 4;
		*out_target = n->default_target;
		return TRUE;
	}
	action = wb_desktop_notification_find_action(n, action_id);
	if (action == NULL || !g_str_has_prefix(action->id, "app.") || action->id[4] == '\0')
		return FALSE;
	*out_name = action->id + 4;
	*out_target = action->target;
	return TRUE;
}

/**
 * wb_notification_monitor_can_activate:
 * @self: the monitor
 * @n: the notification
 * @action_id: an action key of @n, or "default"
 *
 * Returns: %TRUE when wb_notification_monitor_activate_async() can carry the action out: a gtk
 *   notification's "app." action (or its default click). fdo actions cannot be: only the
 *   notification server may emit ActionInvoked.
 */
gboolean
wb_notification_monitor_can_activate(WbNotificationMonitor *self, WbDesktopNotification *n,
				     const gchar *action_id)
{
	const gchar *name = NULL;
	GVariant *target = NULL;

	g_return_val_if_fail(WB_IS_NOTIFICATION_MONITOR(self), FALSE);
	g_return_val_if_fail(n != NULL, FALSE);
	return resolve_activation(n, action_id, &name, &target);
}

/* The object path a GApplication exports for its id (g_application_get_dbus_object_path). */
static gchar *
app_object_path(const gchar *app_id)
{
	gchar *path = g_strconcat("/", app_id, NULL);

	for (gchar *p = path; *p != '\0'; p++) {
		if (*p == '.')
			*p = '/';
		else if (*p == '-')
			*p = '_';
	}
	return path;
}

/**
 * wb_notification_monitor_activate_async:
 * @self: the monitor
 * @n: the notification
 * @action_id: an action key of @n, or "default"
 * @cancellable: (nullable): cancels the call
 * @callback: called with the outcome
 * @user_data: for @callback
 *
 * Carries out an action as GNOME Shell does: org.freedesktop.Application.ActivateAction(name
 * without "app.", [target], {}) on the app's bus name (its id) at the path derived from it;
 * "default" without a default action calls Activate({}). Times out after 5 s.
 */
void
wb_notification_monitor_activate_async(WbNotificationMonitor *self, WbDesktopNotification *n,
				       const gchar *action_id, GCancellable *cancellable,
				       GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = NULL;
	g_autofree gchar *path = NULL;
	const gchar *name = NULL;
	GVariant *target = NULL;
	GVariantBuilder params;
	GVariant *args;

	g_return_if_fail(WB_IS_NOTIFICATION_MONITOR(self));
	g_return_if_fail(n != NULL);
	task = g_task_new(self, cancellable, callback, user_data);
	g_task_set_source_tag(task, wb_notification_monitor_activate_async);

	if (!resolve_activation(n, action_id, &name, &target)) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_NOT_SUPPORTED,
					"action '%s' of '%s' cannot be carried out",
					action_id != NULL ? action_id : "", n->key);
		return;
	}
	path = app_object_path(n->app_id);
	if (!g_variant_is_object_path(path)) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_NOT_SUPPORTED,
					"'%s' gives no object path", n->app_id);
		return;
	}
	if (name == NULL) {
		args = g_variant_new("(@a{sv})",
				     g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
		g_dbus_connection_call(self->session, n->app_id, path, APP_IFACE, "Activate", args,
				       NULL, G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, cancellable,
				       call_done_cb, g_steal_pointer(&task));
		return;
	}
	g_variant_builder_init(&params, G_VARIANT_TYPE("av"));
	if (target != NULL)
		g_variant_builder_add(&params, "v", target);
	args = g_variant_new("(sav@a{sv})", name, &params,
			     g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0));
	/* the app may not run: D-Bus activation starts it, as when the shell activates it */
	g_dbus_connection_call(self->session, n->app_id, path, APP_IFACE, "ActivateAction", args,
			       NULL, G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, cancellable,
			       call_done_cb, g_steal_pointer(&task));
}

/**
 * wb_notification_monitor_activate_finish:
 * @self: the monitor
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the app accepted the call; otherwise a #WbError or %G_IO_ERROR_CANCELLED
 */
gboolean
wb_notification_monitor_activate_finish(WbNotificationMonitor *self, GAsyncResult *result,
					GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
wb_notification_monitor_dispose(GObject *object)
{
	WbNotificationMonitor *self = WB_NOTIFICATION_MONITOR(object);

	wb_notification_monitor_stop(self);
	g_clear_object(&self->session);
	G_OBJECT_CLASS(wb_notification_monitor_parent_class)->dispose(object);
}

static void
wb_notification_monitor_finalize(GObject *object)
{
	WbNotificationMonitor *self = WB_NOTIFICATION_MONITOR(object);

	g_hash_table_unref(self->calls);
	g_hash_table_unref(self->senders);
	g_hash_table_unref(self->desktop_names);
	g_queue_clear(&self->closed_order);
	g_hash_table_unref(self->closed);
	g_clear_pointer(&self->context, g_main_context_unref);
	g_free(self->address);
	G_OBJECT_CLASS(wb_notification_monitor_parent_class)->finalize(object);
}

static void
wb_notification_monitor_class_init(WbNotificationMonitorClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->dispose = wb_notification_monitor_dispose;
	object_class->finalize = wb_notification_monitor_finalize;

	/**
	 * WbNotificationMonitor::notification-posted:
	 * @n: (type gpointer): the WbDesktopNotification (borrowed: ref it to keep it)
	 */
	signals[SIGNAL_POSTED] =
		g_signal_new("notification-posted", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
	/**
	 * WbNotificationMonitor::notification-closed:
	 * @key: the notification's key
	 * @reason: the fdo reason: 1 expired, 2 dismissed, 3 closed by a call, 4 other
	 */
	signals[SIGNAL_CLOSED] =
		g_signal_new("notification-closed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
			     NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
	/**
	 * WbNotificationMonitor::notification-action-invoked:
	 * @key: the notification's key ("fdo:<id>")
	 * @action: the action key the person chose on the desktop
	 *
	 * The notification server reported an action (ActionInvoked); usually followed by
	 * notification-closed.
	 */
	signals[SIGNAL_ACTION_INVOKED] = g_signal_new(
		"notification-action-invoked", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
		NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
wb_notification_monitor_init(WbNotificationMonitor *self)
{
	g_queue_init(&self->items);
	self->calls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	self->senders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, sender_info_free);
	self->desktop_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->closed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_queue_init(&self->closed_order);
}
