/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-store.h"

G_BEGIN_DECLS

gboolean wb_store_notifications_migrate_to_2(WbStore *self, GError **error);

/**
 * WbNotificationState:
 * @WB_NOTIFICATION_STATE_QUEUED: in the outbox, waiting for the watch
 * @WB_NOTIFICATION_STATE_DELIVERED: on the watch (kept to map closes and actions)
 */
typedef enum {
	WB_NOTIFICATION_STATE_QUEUED = 0,
	WB_NOTIFICATION_STATE_DELIVERED = 1,
} WbNotificationState;

/**
 * WbStoredNotification:
 * @seq: order of arrival
 * @key: the desktop key ("fdo:12", "gtk:app/id", "api:…")
 * @uuid: the watch item id, 16 bytes
 * @state: queued or delivered
 * @created: Unix seconds when it was seen
 * @item: the encoded timeline item (the BlobDB value)
 * @meta: the serialized desktop notification (a{sv}), for acting on it later
 */
typedef struct {
	gint64 seq;
	gchar *key;
	guint8 uuid[16];
	WbNotificationState state;
	gint64 created;
	GBytes *item;
	GBytes *meta;
} WbStoredNotification;

void wb_stored_notification_free(WbStoredNotification *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbStoredNotification, wb_stored_notification_free)

gboolean wb_store_notification_add(WbStore *self, const gchar *watch_id,
				   const WbStoredNotification *n, gint64 *out_seq, GError **error);
gboolean wb_store_notification_set_state(WbStore *self, const gchar *watch_id, const guint8 *uuid,
					 WbNotificationState state, GError **error);
gboolean wb_store_notification_delete(WbStore *self, const gchar *watch_id, const guint8 *uuid,
				      GError **error);
GPtrArray *wb_store_notification_list(WbStore *self, const gchar *watch_id,
				      WbNotificationState state, GError **error);
WbStoredNotification *wb_store_notification_find(WbStore *self, const gchar *watch_id,
						 const gchar *key, const guint8 *uuid,
						 GError **error);
guint wb_store_notification_count(WbStore *self, const gchar *watch_id, WbNotificationState state);
gboolean wb_store_notification_trim_delivered(WbStore *self, const gchar *watch_id, guint keep,
					      GError **error);

/**
 * WbHistoryEntry:
 * @time: Unix seconds
 * @key: the desktop key
 * @app: the app
 * @summary: the summary (cut to 128 bytes)
 * @decision: the decision's word (see Notifications1.History)
 * @detail: words for a person
 */
typedef struct {
	gint64 time;
	gchar *key;
	gchar *app;
	gchar *summary;
	gchar *decision;
	gchar *detail;
} WbHistoryEntry;

void wb_history_entry_free(WbHistoryEntry *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbHistoryEntry, wb_history_entry_free)

#define WB_HISTORY_MAX 1000

gboolean wb_store_history_add(WbStore *self, const gchar *watch_id, const WbHistoryEntry *e,
			      GError **error);
GPtrArray *wb_store_history_list(WbStore *self, const gchar *watch_id, guint limit, GError **error);

G_END_DECLS
