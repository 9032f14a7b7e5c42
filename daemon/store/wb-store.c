/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The store owns the daemon's only sqlite3 handle. Schema versions (PRAGMA user_version):
 *   1: watches (the known watches and their last identity)
 *   2: notification outbox and decision history (wb-store-notifications.c)
 *   3: health readings and raw data logging payloads (wb-store-health.c)
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#define WB_LOG_MODULE "store"
#include "wb-error.h"
#include "wb-log.h"
#include "wb-store.h"

#include "wb-store-health.h"
#include "wb-store-notifications.h"
#include "wb-store-private.h"

#define WB_STORE_SCHEMA_VERSION 3

gboolean
store_fail(WbStore *self, GError **error, const gchar *what)
{
	g_set_error(error, WB_ERROR, WB_ERROR_FAILED, "%s: %s", what, sqlite3_errmsg(self->db));
	return FALSE;
}

gboolean
store_exec(WbStore *self, const gchar *sql, GError **error)
{
	gchar *msg = NULL;
	if (sqlite3_exec(self->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		g_set_error(error, WB_ERROR, WB_ERROR_FAILED, "'%s': %s", sql,
			    msg != NULL ? msg : "unknown error");
		sqlite3_free(msg);
		return FALSE;
	}
	return TRUE;
}

sqlite3_stmt *
store_prepare(WbStore *self, const gchar *sql, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(self->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_fail(self, error, "preparing a statement");
		return NULL;
	}
	return stmt;
}

/* migration 0 -> 1: the known watches */
static gboolean
migrate_to_1(WbStore *self, GError **error)
{
	return store_exec(self,
			  "CREATE TABLE watches ("
			  " id TEXT PRIMARY KEY NOT NULL,"
			  " transport TEXT NOT NULL,"
			  " target TEXT NOT NULL,"
			  " name TEXT NOT NULL DEFAULT '',"
			  " address TEXT NOT NULL DEFAULT '',"
			  " model TEXT NOT NULL DEFAULT '',"
			  " platform TEXT NOT NULL DEFAULT '',"
			  " firmware TEXT NOT NULL DEFAULT '',"
			  " serial TEXT NOT NULL DEFAULT '',"
			  " auto_connect INTEGER NOT NULL DEFAULT 1,"
			  " last_connected INTEGER NOT NULL DEFAULT 0,"
			  " added INTEGER NOT NULL DEFAULT (strftime('%s','now')))",
			  error);
}

static gboolean
store_migrate(WbStore *self, GError **error)
{
	gint version = wb_store_get_schema_version(self);

	if (version > WB_STORE_SCHEMA_VERSION) {
		g_set_error(error, WB_ERROR, WB_ERROR_FAILED,
			    "'%s' has schema version %d, newer than this wearbridge (%d); "
			    "refusing to touch it",
			    self->path, version, WB_STORE_SCHEMA_VERSION);
		return FALSE;
	}
	if (version == WB_STORE_SCHEMA_VERSION)
		return TRUE;
	/* each step in its own transaction; a failure rolls back and leaves the file as it
	 * was: the daemon refuses to start rather than lose data */
	while (version < WB_STORE_SCHEMA_VERSION) {
		gboolean ok = FALSE;
		g_autofree gchar *set = NULL;

		if (!store_exec(self, "BEGIN IMMEDIATE", error))
			return FALSE;
		switch (version) {
		case 0:
			ok = migrate_to_1(self, error);
			break;
		case 1:
			ok = wb_store_notifications_migrate_to_2(self, error);
			break;
		case 2:
			ok = wb_store_health_migrate_to_3(self, error);
			break;
		default:
			g_set_error(error, WB_ERROR, WB_ERROR_FAILED, "no migration from %d",
				    version);
			break;
		}
		set = g_strdup_printf("PRAGMA user_version = %d", version + 1);
		if (!ok || !store_exec(self, set, error) || !store_exec(self, "COMMIT", NULL)) {
			store_exec(self, "ROLLBACK", NULL);
			g_prefix_error(error, "migrating '%s' to schema %d: ", self->path,
				       version + 1);
			return FALSE;
		}
		wb_info("migrated '%s' to schema %d", self->path, version + 1);
		version++;
	}
	return TRUE;
}

/**
 * wb_store_default_path:
 *
 * Returns: (transfer full): $XDG_DATA_HOME/wearbridge/wearbridge.db
 */
gchar *
wb_store_default_path(void)
{
	return g_build_filename(g_get_user_data_dir(), "wearbridge", "wearbridge.db", NULL);
}

/**
 * wb_store_open:
 * @path: the database file; created (mode 0600, its folder 0700) if missing
 * @error: return location for a #GError
 *
 * Opens the store in WAL mode and brings its schema up to date.
 *
 * Returns: (transfer full) (nullable): the store
 */
WbStore *
wb_store_open(const gchar *path, GError **error)
{
	g_autoptr(WbStore) self = g_new0(WbStore, 1);
	g_autofree gchar *dir = g_path_get_dirname(path);
	int fd;

	self->path = g_strdup(path);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, WB_ERROR, WB_ERROR_FAILED, "creating '%s': %s", dir,
			    g_strerror(errno));
		return NULL;
	}
	/* create it 0600 ourselves: sqlite would honour the umask; the WAL and shm files take
	 * the database file's mode */
	fd = g_open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		g_set_error(error, WB_ERROR, WB_ERROR_FAILED, "opening '%s': %s", path,
			    g_strerror(errno));
		return NULL;
	}
	close(fd);
	if (sqlite3_open_v2(path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		store_fail(self, error, "opening the database");
		return NULL;
	}
	sqlite3_busy_timeout(self->db, 5000);
	if (!store_exec(self, "PRAGMA journal_mode = WAL", error) ||
	    !store_exec(self, "PRAGMA synchronous = NORMAL", error) ||
	    !store_exec(self, "PRAGMA foreign_keys = ON", error) || !store_migrate(self, error))
		return NULL;
	return g_steal_pointer(&self);
}

void
wb_store_free(WbStore *self)
{
	if (self == NULL)
		return;
	if (self->db != NULL)
		sqlite3_close(self->db);
	g_free(self->path);
	g_free(self);
}

/**
 * wb_store_get_schema_version:
 * @self: the store
 *
 * Returns: the schema version of the open database
 */
gint
wb_store_get_schema_version(WbStore *self)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	if (sqlite3_prepare_v2(self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		return -1;
	return sqlite3_column_int(stmt, 0);
}

void
wb_stored_watch_free(WbStoredWatch *w)
{
	if (w == NULL)
		return;
	g_free(w->id);
	g_free(w->transport);
	g_free(w->target);
	g_free(w->name);
	g_free(w->address);
	g_free(w->model);
	g_free(w->platform);
	g_free(w->firmware);
	g_free(w->serial);
	g_free(w);
}

static gchar *
column_text(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);
	/* the file is untrusted too: keep only valid UTF-8 */
	return t != NULL ? g_utf8_make_valid((const gchar *)t, -1) : g_strdup("");
}

/**
 * wb_store_list_watches:
 * @self: the store
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type WbStoredWatch): the known watches in the order
 * they were added
 */
GPtrArray *
wb_store_list_watches(WbStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) out =
		g_ptr_array_new_with_free_func((GDestroyNotify)wb_stored_watch_free);
	int rc;

	stmt = store_prepare(self,
			     "SELECT id, transport, target, name, address, model, platform, "
			     "firmware, serial, auto_connect, last_connected FROM watches "
			     "ORDER BY added, rowid",
			     error);
	if (stmt == NULL)
		return NULL;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		WbStoredWatch *w = g_new0(WbStoredWatch, 1);
		w->id = column_text(stmt, 0);
		w->transport = column_text(stmt, 1);
		w->target = column_text(stmt, 2);
		w->name = column_text(stmt, 3);
		w->address = column_text(stmt, 4);
		w->model = column_text(stmt, 5);
		w->platform = column_text(stmt, 6);
		w->firmware = column_text(stmt, 7);
		w->serial = column_text(stmt, 8);
		w->auto_connect = sqlite3_column_int(stmt, 9) != 0;
		w->last_connected = sqlite3_column_int64(stmt, 10);
		g_ptr_array_add(out, w);
	}
	if (rc != SQLITE_DONE) {
		store_fail(self, error, "listing watches");
		return NULL;
	}
	return g_steal_pointer(&out);
}

static void
bind_text(sqlite3_stmt *stmt, int col, const gchar *s)
{
	sqlite3_bind_text(stmt, col, s != NULL ? s : "", -1, SQLITE_TRANSIENT);
}

/**
 * wb_store_save_watch:
 * @self: the store
 * @w: the watch; inserted or updated by id
 * @error: return location for a #GError
 *
 * Returns: %TRUE once committed
 */
gboolean
wb_store_save_watch(WbStore *self, const WbStoredWatch *w, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = store_prepare(
		self,
		"INSERT INTO watches (id, transport, target, name, address, model, "
		"platform, firmware, serial, auto_connect, last_connected) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
		"ON CONFLICT(id) DO UPDATE SET transport = ?2, target = ?3, name = ?4, "
		"address = ?5, model = ?6, platform = ?7, firmware = ?8, serial = ?9, "
		"auto_connect = ?10, last_connected = ?11",
		error);
	if (stmt == NULL)
		return FALSE;
	bind_text(stmt, 1, w->id);
	bind_text(stmt, 2, w->transport);
	bind_text(stmt, 3, w->target);
	bind_text(stmt, 4, w->name);
	bind_text(stmt, 5, w->address);
	bind_text(stmt, 6, w->model);
	bind_text(stmt, 7, w->platform);
	bind_text(stmt, 8, w->firmware);
	bind_text(stmt, 9, w->serial);
	sqlite3_bind_int(stmt, 10, w->auto_connect ? 1 : 0);
	sqlite3_bind_int64(stmt, 11, w->last_connected);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return store_fail(self, error, "saving a watch");
	return TRUE;
}

/**
 * wb_store_delete_watch:
 * @self: the store
 * @id: the watch's id
 * @error: return location for a #GError
 *
 * Returns: %TRUE once committed (also when there was no such watch)
 */
gboolean
wb_store_delete_watch(WbStore *self, const gchar *id, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt =
		store_prepare(self, "DELETE FROM watches WHERE id = ?1", error);
	if (stmt == NULL)
		return FALSE;
	bind_text(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return store_fail(self, error, "deleting a watch");
	return TRUE;
}
