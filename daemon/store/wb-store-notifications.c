/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The notification outbox (queued for an absent watch; survives restarts), the notifications
 * on the watch (to map desktop closes and watch actions), and the decision history.
 */
#include <string.h>

#include "wb-store-notifications.h"
#include "wb-store-private.h"

/* migration 1 -> 2: the notification outbox and decision history */
gboolean
wb_store_notifications_migrate_to_2(WbStore *self, GError **error)
{
	return store_exec(
		self,
		"CREATE TABLE notifications ("
		" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
		" watch_id TEXT NOT NULL,"
		" key TEXT NOT NULL,"
		" uuid BLOB NOT NULL,"
		" state INTEGER NOT NULL,"
		" created INTEGER NOT NULL,"
		" item BLOB NOT NULL,"
		" meta BLOB NOT NULL,"
		" UNIQUE (watch_id, uuid));"
		"CREATE INDEX notifications_by_key ON notifications (watch_id, key);"
		"CREATE INDEX notifications_by_state ON notifications (watch_id, state, seq);"
		"CREATE TABLE notification_history ("
		" id INTEGER PRIMARY KEY AUTOINCREMENT,"
		" watch_id TEXT NOT NULL,"
		" time INTEGER NOT NULL,"
		" key TEXT NOT NULL,"
		" app TEXT NOT NULL,"
		" summary TEXT NOT NULL,"
		" decision TEXT NOT NULL,"
		" detail TEXT NOT NULL);"
		"CREATE INDEX notification_history_by_watch ON notification_history "
		"(watch_id, id);",
		error);
}

void
wb_stored_notification_free(WbStoredNotification *n)
{
	if (n == NULL)
		return;
	g_free(n->key);
	g_clear_pointer(&n->item, g_bytes_unref);
	g_clear_pointer(&n->meta, g_bytes_unref);
	g_free(n);
}

void
wb_history_entry_free(WbHistoryEntry *e)
{
	if (e == NULL)
		return;
	g_free(e->key);
	g_free(e->app);
	g_free(e->summary);
	g_free(e->decision);
	g_free(e->detail);
	g_free(e);
}

static void
bind_bytes(sqlite3_stmt *stmt, int col, GBytes *bytes)
{
	gsize n = 0;
	const void *p = bytes != NULL ? g_bytes_get_data(bytes, &n) : "";
	sqlite3_bind_blob(stmt, col, p, (int)n, SQLITE_TRANSIENT);
}

static GBytes *
column_bytes(sqlite3_stmt *stmt, int col)
{
	return g_bytes_new(sqlite3_column_blob(stmt, col), (gsize)sqlite3_column_bytes(stmt, col));
}

static gchar *
column_string(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);
	return t != NULL ? g_utf8_make_valid((const gchar *)t, -1) : g_strdup("");
}

/**
 * wb_store_notification_add:
 * @self: the store
 * @watch_id: the watch
 * @n: the notification (its @seq is ignored)
 * @out_seq: (out) (optional): its place in the order of arrival
 * @error: return location for a #GError
 *
 * Returns: %TRUE once committed
 */
gboolean
wb_store_notification_add(WbStore *self, const gchar *watch_id, const WbStoredNotification *n,
			  gint64 *out_seq, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = store_prepare(
		self,
		"INSERT OR REPLACE INTO notifications (watch_id, key, uuid, state, created, item, "
		"meta) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, n->key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 3, n->uuid, sizeof(n->uuid), SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 4, (int)n->state);
	sqlite3_bind_int64(stmt, 5, n->created);
	bind_bytes(stmt, 6, n->item);
	bind_bytes(stmt, 7, n->meta);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return store_fail(self, error, "storing a notification");
	if (out_seq != NULL)
		*out_seq = sqlite3_last_insert_rowid(self->db);
	return TRUE;
}

gboolean
wb_store_notification_set_state(WbStore *self, const gchar *watch_id, const guint8 *uuid,
				WbNotificationState state, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = store_prepare(
		self, "UPDATE notifications SET state = ?3 WHERE watch_id = ?1 AND uuid = ?2",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 2, uuid, 16, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 3, (int)state);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return store_fail(self, error, "updating a notification");
	return TRUE;
}

gboolean
wb_store_notification_delete(WbStore *self, const gchar *watch_id, const guint8 *uuid,
			     GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = store_prepare(
		self, "DELETE FROM notifications WHERE watch_id = ?1 AND uuid = ?2", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(stmt, 2, uuid, 16, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return store_fail(self, error, "deleting a notification");
	return TRUE;
}

static WbStoredNotification *
row_to_notification(sqlite3_stmt *stmt)
{
	WbStoredNotification *n = g_new0(WbStoredNotification, 1);
	n->seq = sqlite3_column_int64(stmt, 0);
	n->key = column_string(stmt, 1);
	if (sqlite3_column_bytes(stmt, 2) == 16)
		memcpy(n->uuid, sqlite3_column_blob(stmt, 2), 16);
	n->state = sqlite3_column_int(stmt, 3) == 1 ? WB_NOTIFICATION_STATE_DELIVERED
						    : WB_NOTIFICATION_STATE_QUEUED;
	n->created = sqlite3_column_int64(stmt, 4);
	n->item = column_bytes(stmt, 5);
	n->meta = column_bytes(stmt, 6);
	return n;
}

#define NOTIFICATION_COLUMNS "seq, key, uuid, state, created, item, meta"

/**
 * wb_store_notification_list:
 * @self: the store
 * @watch_id: the watch
 * @state: which ones
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type WbStoredNotification): in order of arrival
 */
GPtrArray *
wb_store_notification_list(WbStore *self, const gchar *watch_id, WbNotificationState state,
			   GError **error)
{
	g_autoptr(GPtrArray) out =
		g_ptr_array_new_with_free_func((GDestroyNotify)wb_stored_notification_free);
	g_autoptr(sqlite3_stmt) stmt =
		store_prepare(self,
			      "SELECT " NOTIFICATION_COLUMNS " FROM notifications "
			      "WHERE watch_id = ?1 AND state = ?2 ORDER BY seq",
			      error);
	int rc;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, (int)state);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(out, row_to_notification(stmt));
	if (rc != SQLITE_DONE) {
		store_fail(self, error, "listing notifications");
		return NULL;
	}
	return g_steal_pointer(&out);
}

/**
 * wb_store_notification_find:
 * @self: the store
 * @watch_id: the watch
 * @key: (nullable): find the newest with this desktop key…
 * @uuid: (nullable): …or the one with this item id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the notification, or %NULL (with @error unset) if none
 */
WbStoredNotification *
wb_store_notification_find(WbStore *self, const gchar *watch_id, const gchar *key,
			   const guint8 *uuid, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	int rc;

	if (key != NULL) {
		stmt = store_prepare(self,
				     "SELECT " NOTIFICATION_COLUMNS " FROM notifications "
				     "WHERE watch_id = ?1 AND key = ?2 ORDER BY seq DESC LIMIT 1",
				     error);
		if (stmt == NULL)
			return NULL;
		sqlite3_bind_text(stmt, 2, key, -1, SQLITE_TRANSIENT);
	} else {
		stmt = store_prepare(self,
				     "SELECT " NOTIFICATION_COLUMNS " FROM notifications "
				     "WHERE watch_id = ?1 AND uuid = ?2",
				     error);
		if (stmt == NULL)
			return NULL;
		sqlite3_bind_blob(stmt, 2, uuid, 16, SQLITE_TRANSIENT);
	}
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return row_to_notification(stmt);
	if (rc != SQLITE_DONE)
		store_fail(self, error, "finding a notification");
	return NULL;
}

guint
wb_store_notification_count(WbStore *self, const gchar *watch_id, WbNotificationState state)
{
	g_autoptr(sqlite3_stmt) stmt = store_prepare(
		self, "SELECT count(*) FROM notifications WHERE watch_id = ?1 AND state = ?2",
		NULL);
	if (stmt == NULL)
		return 0;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, (int)state);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		return 0;
	return (guint)sqlite3_column_int64(stmt, 0);
}

/**
 * wb_store_notification_trim_delivered:
 * @self: the store
 * @watch_id: the watch
 * @keep: how many delivered notifications to remember
 * @error: return location for a #GError
 *
 * Forgets the oldest delivered notifications beyond @keep.
 *
 * Returns: %TRUE once committed
 */
gboolean
wb_store_notification_trim_delivered(WbStore *self, const gchar *watch_id, guint keep,
				     GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = store_prepare(
		self,
		"DELETE FROM notifications WHERE watch_id = ?1 AND state = 1 AND seq NOT IN "
		"(SELECT seq FROM notifications WHERE watch_id = ?1 AND state = 1 "
		"ORDER BY seq DESC LIMIT ?2)",
		error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, (int)keep);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return store_fail(self, error, "trimming notifications");
	return TRUE;
}

/**
 * wb_store_history_add:
 * @self: the store
 * @watch_id: the watch
 * @e: the entry
 * @error: return location for a #GError
 *
 * Records a decision, keeping the newest %WB_HISTORY_MAX per watch.
 *
 * Returns: %TRUE once committed
 */
gboolean
wb_store_history_add(WbStore *self, const gchar *watch_id, const WbHistoryEntry *e, GError **error)
{
	g_autoptr(sqlite3_stmt) ins = store_prepare(
		self,
		"INSERT INTO notification_history (watch_id, time, key, app, summary, decision, "
		"detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		error);
	g_autoptr(sqlite3_stmt) trim = NULL;

	if (ins == NULL)
		return FALSE;
	sqlite3_bind_text(ins, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 2, e->time);
	sqlite3_bind_text(ins, 3, e->key != NULL ? e->key : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 4, e->app != NULL ? e->app : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 5, e->summary != NULL ? e->summary : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 6, e->decision, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 7, e->detail != NULL ? e->detail : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return store_fail(self, error, "recording a decision");
	/* trim only now and then: the bound is loose by design, the query stays cheap */
	if (sqlite3_last_insert_rowid(self->db) % 64 != 0)
		return TRUE;
	trim = store_prepare(self,
			     "DELETE FROM notification_history WHERE watch_id = ?1 AND id <= "
			     "(SELECT id FROM notification_history WHERE watch_id = ?1 "
			     "ORDER BY id DESC LIMIT 1 OFFSET ?2)",
			     error);
	if (trim == NULL)
		return FALSE;
	sqlite3_bind_text(trim, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(trim, 2, WB_HISTORY_MAX);
	if (sqlite3_step(trim) != SQLITE_DONE)
		return store_fail(self, error, "trimming the history");
	return TRUE;
}

/**
 * wb_store_history_list:
 * @self: the store
 * @watch_id: the watch
 * @limit: at most this many
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type WbHistoryEntry): newest first
 */
GPtrArray *
wb_store_history_list(WbStore *self, const gchar *watch_id, guint limit, GError **error)
{
	g_autoptr(GPtrArray) out =
		g_ptr_array_new_with_free_func((GDestroyNotify)wb_history_entry_free);
	g_autoptr(sqlite3_stmt) stmt =
		store_prepare(self,
			      "SELECT time, key, app, summary, decision, detail FROM "
			      "notification_history WHERE watch_id = ?1 ORDER BY id DESC LIMIT ?2",
			      error);
	int rc;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text(stmt, 1, watch_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, (int)MIN(limit, (guint)WB_HISTORY_MAX));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		WbHistoryEntry *e = g_new0(WbHistoryEntry, 1);
		e->time = sqlite3_column_int64(stmt, 0);
		e->key = column_string(stmt, 1);
		e->app = column_string(stmt, 2);
		e->summary = column_string(stmt, 3);
		e->decision = column_string(stmt, 4);
		e->detail = column_string(stmt, 5);
		g_ptr_array_add(out, e);
	}
	if (rc != SQLITE_DONE) {
		store_fail(self, error, "listing the history");
		return NULL;
	}
	return g_steal_pointer(&out);
}
