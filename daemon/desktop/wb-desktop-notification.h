/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * WbDesktopSource:
 * @WB_DESKTOP_SOURCE_FDO: org.freedesktop.Notifications.Notify
 * @WB_DESKTOP_SOURCE_GTK: org.gtk.Notifications.AddNotification (GNotification, the portal)
 * @WB_DESKTOP_SOURCE_API: org.wearbridge.Watch1.SendNotification
 */
typedef enum {
	WB_DESKTOP_SOURCE_FDO,
	WB_DESKTOP_SOURCE_GTK,
	WB_DESKTOP_SOURCE_API,
} WbDesktopSource;

/**
 * WbDesktopAction:
 * @id: the action's key (fdo action key, gtk action name "app.foo", or the API's id)
 * @label: what a person reads
 * @target: (nullable): gtk only: the action's target parameter
 */
typedef struct {
	gchar *id;
	gchar *label;
	GVariant *target;
} WbDesktopAction;

/**
 * WbDesktopNotification:
 * @source: where it came from
 * @key: stable identity across replaces and closes: "fdo:<server id>", "gtk:<app id>/<id>"
 *   or "api:<id>"
 * @server_id: fdo: the id the notification server answered (0 while unknown)
 * @replaces_id: fdo: the replaces_id argument (0 for a new notification)
 * @app_id: who sent it, never guessed from the text: the desktop-entry hint, else the gtk
 *   application id, else the sender's well-known name, else its process name; may be ""
 * @app_name: the app's display name (fdo app_name argument, or the desktop entry's Name)
 * @summary: raw summary (may carry markup for fdo)
 * @body: raw body (may carry markup for fdo)
 * @icon: icon name or path, may be ""
 * @category: the category hint, may be ""
 * @urgency: 0 low, 1 normal, 2 critical
 * @timestamp_us: real time when it was seen
 * @actions: (element-type WbDesktopAction): actions other than "default"
 * @default_action: (nullable): fdo "default" action key or gtk default-action
 * @default_target: (nullable): gtk default-action-target
 * @sender: unique bus name of the caller
 * @transient: the transient hint
 * @from_self: posted by wearbridged itself (its own hint or pid): never mirrored
 * @reemitted: a GNOME Shell re-emission (x-shell-sender hints) of another notification
 * @canned_replies: (element-type utf8) (nullable): API only
 *
 * One desktop notification as the monitor saw it. Everything in it is untrusted.
 */
typedef struct {
	gint ref_count;
	WbDesktopSource source;
	gchar *key;
	guint32 server_id;
	guint32 replaces_id;
	gchar *app_id;
	gchar *app_name;
	gchar *summary;
	gchar *body;
	gchar *icon;
	gchar *category;
	guint8 urgency;
	gint64 timestamp_us;
	GPtrArray *actions;
	gchar *default_action;
	GVariant *default_target;
	gchar *sender;
	gboolean transient;
	gboolean from_self;
	gboolean reemitted;
	GPtrArray *canned_replies;
} WbDesktopNotification;

/* Our own hint: notifications carrying it are never mirrored. */
#define WB_DESKTOP_HINT_SELF "x-wearbridge-self"

WbDesktopNotification *wb_desktop_notification_new(WbDesktopSource source);
WbDesktopNotification *wb_desktop_notification_ref(WbDesktopNotification *n);
void wb_desktop_notification_unref(WbDesktopNotification *n);
void wb_desktop_notification_add_action(WbDesktopNotification *n, const gchar *id,
					const gchar *label, GVariant *target);
const WbDesktopAction *wb_desktop_notification_find_action(const WbDesktopNotification *n,
							   const gchar *id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbDesktopNotification, wb_desktop_notification_unref)

G_END_DECLS
