/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * For the store's own files only (store/wb-store-*.c): the handle and small helpers.
 */
#pragma once

#include <sqlite3.h>

#include "wb-error.h"
#include "wb-store.h"

G_BEGIN_DECLS

struct _WbStore {
	sqlite3 *db;
	gchar *path;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

/* Sets a WB_ERROR_FAILED error "what: sqlite3_errmsg()" and returns FALSE. */
gboolean store_fail(WbStore *self, GError **error, const gchar *what);
/* Runs SQL without results. */
gboolean store_exec(WbStore *self, const gchar *sql, GError **error);
/* Prepares a statement, or returns NULL with an error. */
sqlite3_stmt *store_prepare(WbStore *self, const gchar *sql, GError **error);

G_END_DECLS
