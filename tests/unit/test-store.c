/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "wb-error.h"
#include "wb-store.h"

static gchar *
tmp_db(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("wb-store-XXXXXX", NULL);
	return g_build_filename(dir, "sub", "wearbridge.db", NULL);
}

static void
remove_db(const gchar *path)
{
	g_autofree gchar *wal = g_strconcat(path, "-wal", NULL);
	g_autofree gchar *shm = g_strconcat(path, "-shm", NULL);
	g_autofree gchar *sub = g_path_get_dirname(path);
	g_autofree gchar *dir = g_path_get_dirname(sub);
	g_unlink(wal);
	g_unlink(shm);
	g_unlink(path);
	g_rmdir(sub);
	g_rmdir(dir);
}

static void
test_create(void)
{
	g_autofree gchar *path = tmp_db();
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) store = wb_store_open(path, &error);
	g_autofree gchar *dir = g_path_get_dirname(path);
	struct stat st;

	g_assert_no_error(error);
	g_assert_nonnull(store);
	g_assert_cmpint(wb_store_get_schema_version(store), ==, 3);
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);
	g_assert_cmpint(g_stat(dir, &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0700);
	g_clear_pointer(&store, wb_store_free);
	remove_db(path);
}

static void
test_watches_round_trip(void)
{
	g_autofree gchar *path = tmp_db();
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) store = wb_store_open(path, &error);
	g_autoptr(GPtrArray) list = NULL;
	WbStoredWatch a = {.id = "emulator_127_0_0_1_1",
			   .transport = "emulator",
			   .target = "127.0.0.1:1",
			   .name = "Pebble 3456",
			   .address = "B0:B4:48:12:34:56",
			   .serial = "Q1",
			   .auto_connect = TRUE,
			   .last_connected = 1764324000};
	WbStoredWatch b = {
		.id = "emulator_127_0_0_1_2", .transport = "emulator", .target = "127.0.0.1:2"};
	const WbStoredWatch *got;

	g_assert_true(wb_store_save_watch(store, &a, &error));
	g_assert_true(wb_store_save_watch(store, &b, &error));
	/* an update keeps the row's place */
	a.firmware = "v4.4.2";
	a.auto_connect = FALSE;
	g_assert_true(wb_store_save_watch(store, &a, &error));

	/* reopen: it survives */
	g_clear_pointer(&store, wb_store_free);
	store = wb_store_open(path, &error);
	g_assert_no_error(error);
	list = wb_store_list_watches(store, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 2);
	got = g_ptr_array_index(list, 0);
	g_assert_cmpstr(got->id, ==, a.id);
	g_assert_cmpstr(got->name, ==, "Pebble 3456");
	g_assert_cmpstr(got->firmware, ==, "v4.4.2");
	g_assert_cmpstr(got->model, ==, "");
	g_assert_false(got->auto_connect);
	g_assert_cmpint(got->last_connected, ==, 1764324000);
	g_assert_cmpstr(((WbStoredWatch *)g_ptr_array_index(list, 1))->id, ==, b.id);

	g_assert_true(wb_store_delete_watch(store, a.id, &error));
	g_assert_true(wb_store_delete_watch(store, "nope", &error));
	g_clear_pointer(&list, g_ptr_array_unref);
	list = wb_store_list_watches(store, &error);
	g_assert_cmpuint(list->len, ==, 1);
	g_clear_pointer(&store, wb_store_free);
	remove_db(path);
}

static void
test_newer_schema_refused(void)
{
	/* a database from a newer wearbridge is left alone, and the daemon refuses to start */
	g_autofree gchar *path = tmp_db();
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) store = wb_store_open(path, &error);
	sqlite3 *db = NULL;
	struct stat before, after;

	g_clear_pointer(&store, wb_store_free);
	g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
			SQLITE_OK);
	sqlite3_close(db);
	g_assert_cmpint(g_stat(path, &before), ==, 0);
	store = wb_store_open(path, &error);
	g_assert_null(store);
	g_assert_error(error, WB_ERROR, WB_ERROR_FAILED);
	g_assert_nonnull(strstr(error->message, "newer"));
	g_assert_cmpint(g_stat(path, &after), ==, 0);
	g_assert_cmpint(before.st_size, ==, after.st_size);
	remove_db(path);
}

static void
test_migrations_from_0(void)
{
	/* an empty file (version 0) is migrated to the current version, one transaction per step */
	g_autofree gchar *path = tmp_db();
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) store = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	g_assert_true(g_file_set_contents(path, "", 0, NULL));
	store = wb_store_open(path, &error);
	g_assert_no_error(error);
	g_assert_cmpint(wb_store_get_schema_version(store), ==, 3);
	g_clear_pointer(&store, wb_store_free);
	remove_db(path);
}

static void
test_not_a_database(void)
{
	g_autofree gchar *path = tmp_db();
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) store = NULL;
	g_autofree gchar *contents = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	g_assert_true(g_file_set_contents(path, "this is not sqlite, and it stays", -1, NULL));
	store = wb_store_open(path, &error);
	g_assert_null(store);
	g_assert_error(error, WB_ERROR, WB_ERROR_FAILED);
	g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, "this is not sqlite, and it stays");
	remove_db(path);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/store/create", test_create);
	g_test_add_func("/wearbridge/store/watches-round-trip", test_watches_round_trip);
	g_test_add_func("/wearbridge/store/newer-schema-refused", test_newer_schema_refused);
	g_test_add_func("/wearbridge/store/migrations-from-0", test_migrations_from_0);
	g_test_add_func("/wearbridge/store/not-a-database", test_not_a_database);
	return g_test_run();
}
