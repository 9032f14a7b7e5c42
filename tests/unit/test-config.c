/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-config.h"

/* GLib 2.74's g_test_expect_message() does not see structured logging; collect instead */
static GPtrArray *logged;

static GLogWriterOutput
capture_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
	if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0)
		return G_LOG_WRITER_HANDLED;
	for (gsize i = 0; i < n_fields; i++) {
		if (g_str_equal(fields[i].key, "MESSAGE"))
			g_ptr_array_add(logged, g_strdup(fields[i].value));
	}
	return G_LOG_WRITER_HANDLED;
}

static void
assert_logged(guint i, const gchar *pattern)
{
	g_assert_cmpuint(i, <, logged->len);
	if (!g_pattern_match_simple(pattern, g_ptr_array_index(logged, i)))
		g_error("message %u '%s' does not match '%s'", i,
			(const gchar *)g_ptr_array_index(logged, i), pattern);
}

static void
test_defaults(void)
{
	WbConfig c;
	wb_config_load(&c, "/nonexistent/wearbridge.conf");
	g_assert_cmpuint(c.reconnect_min_s, ==, 1);
	g_assert_cmpuint(c.reconnect_max_s, ==, 60);
	g_assert_cmpuint(c.first_frame_wait_ms, ==, 2000);
	g_assert_cmpuint(c.request_timeout_s, ==, 10);
	g_assert_true(c.time_sync_on_connect);
	g_assert_true(c.notifications_enabled);
	g_assert_cmpuint(c.outbox_max_count, ==, 200);
	g_assert_cmpint(c.quiet_start_min, ==, -1);
	wb_config_clear(&c);
}

static void
test_shipped_file_is_defaults(void)
{
	/* data/wearbridge.conf lists every key commented out at its default */
	g_autofree gchar *path =
		g_test_build_filename(G_TEST_DIST, "..", "..", "data", "wearbridge.conf", NULL);
	g_autofree gchar *text = NULL;
	g_autoptr(GString) uncommented = g_string_new(NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_auto(GStrv) lines = NULL;
	WbConfig c, d;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *l = lines[i];
		if (l[0] == '#' && l[1] != ' ' && l[1] != '\0')
			l++;
		g_string_append_printf(uncommented, "%s\n", l);
	}
	g_assert_true(g_key_file_load_from_data(kf, uncommented->str, -1, 0, NULL));
	wb_config_init_defaults(&c);
	wb_config_init_defaults(&d);
	/* every key is known and valid: nothing is logged */
	g_ptr_array_set_size(logged, 0);
	wb_config_load_keyfile(&c, kf, "shipped");
	g_assert_cmpuint(logged->len, ==, 0);
	g_assert_true(g_strv_equal((const gchar *const *)c.muted_apps,
				   (const gchar *const *)d.muted_apps));
	g_strfreev(c.muted_apps);
	g_strfreev(d.muted_apps);
	c.muted_apps = d.muted_apps = NULL;
	g_assert_cmpmem(&c, sizeof(c), &d, sizeof(d));
}

static void
test_notification_keys(void)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	WbConfig c;

	g_assert_true(g_key_file_load_from_data(kf,
						"[Notifications]\n"
						"MutedApps=org.gnome.Software; Steam ;;\n"
						"MinimumUrgency=Normal\n"
						"QuietHours=22:30-07:00\n"
						"Privacy=true\n",
						-1, 0, NULL));
	wb_config_init_defaults(&c);
	g_ptr_array_set_size(logged, 0);
	wb_config_load_keyfile(&c, kf, "test");
	g_assert_cmpuint(logged->len, ==, 0);
	g_assert_cmpuint(g_strv_length(c.muted_apps), ==, 2);
	g_assert_true(wb_config_app_is_muted(&c, "ORG.GNOME.SOFTWARE", NULL));
	g_assert_true(wb_config_app_is_muted(&c, "com.valvesoftware.Steam", "steam"));
	g_assert_false(wb_config_app_is_muted(&c, "org.gnome.Evolution", "Evolution"));
	g_assert_false(wb_config_app_is_muted(&c, "", ""));
	g_assert_cmpuint(c.minimum_urgency, ==, 1);
	g_assert_true(c.privacy);
	/* across midnight */
	g_assert_true(wb_config_in_quiet_hours(&c, 23 * 60));
	g_assert_true(wb_config_in_quiet_hours(&c, 22 * 60 + 30));
	g_assert_true(wb_config_in_quiet_hours(&c, 6 * 60 + 59));
	g_assert_false(wb_config_in_quiet_hours(&c, 7 * 60));
	g_assert_false(wb_config_in_quiet_hours(&c, 12 * 60));
	c.quiet_start_min = 9 * 60;
	c.quiet_end_min = 17 * 60;
	g_assert_true(wb_config_in_quiet_hours(&c, 12 * 60));
	g_assert_false(wb_config_in_quiet_hours(&c, 18 * 60));
	wb_config_clear(&c);

	g_assert_true(g_key_file_load_from_data(kf,
						"[Notifications]\n"
						"MinimumUrgency=loud\n"
						"QuietHours=25:00-07:00\n",
						-1, 0, NULL));
	wb_config_init_defaults(&c);
	g_ptr_array_set_size(logged, 0);
	wb_config_load_keyfile(&c, kf, "test");
	g_assert_cmpuint(logged->len, ==, 2);
	assert_logged(0, "*MinimumUrgency='loud'*");
	assert_logged(1, "*QuietHours='25:00-07:00'*");
	g_assert_cmpuint(c.minimum_urgency, ==, 0);
	g_assert_false(wb_config_in_quiet_hours(&c, 0));
	wb_config_clear(&c);
}

static void
test_values_and_bad_values(void)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	WbConfig c;

	g_assert_true(g_key_file_load_from_data(kf,
						"[Connection]\n"
						"ReconnectMinSeconds=5\n"
						"ReconnectMaxSeconds=nonsense\n"
						"RequestTimeoutSeconds=0\n"
						"Bogus=1\n"
						"[Time]\nSyncOnConnect=false\n"
						"[Nope]\nx=1\n",
						-1, 0, NULL));
	wb_config_init_defaults(&c);
	g_ptr_array_set_size(logged, 0);
	wb_config_load_keyfile(&c, kf, "test");
	/* in file order, each once */
	g_assert_cmpuint(logged->len, ==, 4);
	assert_logged(0, "*ReconnectMaxSeconds='nonsense'*using the default 60*");
	assert_logged(1, "*RequestTimeoutSeconds='0'*");
	assert_logged(2, "*unknown key 'Bogus'*");
	assert_logged(3, "*'[Nope]'*");
	g_assert_cmpuint(c.reconnect_min_s, ==, 5);
	g_assert_cmpuint(c.reconnect_max_s, ==, 60);
	g_assert_cmpuint(c.request_timeout_s, ==, 10);
	g_assert_false(c.time_sync_on_connect);
	wb_config_clear(&c);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	logged = g_ptr_array_new_with_free_func(g_free);
	g_log_set_writer_func(capture_writer, NULL, NULL);
	g_test_add_func("/wearbridge/config/defaults", test_defaults);
	g_test_add_func("/wearbridge/config/shipped-file-is-defaults",
			test_shipped_file_is_defaults);
	g_test_add_func("/wearbridge/config/values-and-bad-values", test_values_and_bad_values);
	g_test_add_func("/wearbridge/config/notification-keys", test_notification_keys);
	return g_test_run();
}
