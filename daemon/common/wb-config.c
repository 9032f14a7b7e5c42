/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <string.h>

#define WB_LOG_MODULE "config"
#include "wb-config.h"
#include "wb-log.h"

/* One row per key: where it lives in WbConfig, its bounds and its default. */
typedef enum {
	KEY_UINT,
	KEY_BOOL,
	KEY_STRV,
	KEY_URGENCY,
	KEY_TIME_RANGE,
} KeyType;

typedef struct {
	const gchar *group;
	const gchar *key;
	KeyType type;
	gsize offset;
	guint min;
	guint max;
	guint def;
} KeyInfo;

static const KeyInfo keys[] = {
	{"Connection", "ReconnectMinSeconds", KEY_UINT, G_STRUCT_OFFSET(WbConfig, reconnect_min_s),
	 1, 3600, 1},
	{"Connection", "ReconnectMaxSeconds", KEY_UINT, G_STRUCT_OFFSET(WbConfig, reconnect_max_s),
	 1, 86400, 60},
	{"Connection", "FirstFrameWaitMilliseconds", KEY_UINT,
	 G_STRUCT_OFFSET(WbConfig, first_frame_wait_ms), 0, 30000, 2000},
	{"Connection", "RequestTimeoutSeconds", KEY_UINT,
	 G_STRUCT_OFFSET(WbConfig, request_timeout_s), 1, 600, 10},
	{"Time", "SyncOnConnect", KEY_BOOL, G_STRUCT_OFFSET(WbConfig, time_sync_on_connect), 0, 1,
	 1},
	{"Notifications", "Enabled", KEY_BOOL, G_STRUCT_OFFSET(WbConfig, notifications_enabled), 0,
	 1, 1},
	{"Notifications", "MutedApps", KEY_STRV, G_STRUCT_OFFSET(WbConfig, muted_apps), 0, 0, 0},
	{"Notifications", "OnlyWhenIdle", KEY_BOOL, G_STRUCT_OFFSET(WbConfig, only_when_idle), 0, 1,
	 0},
	{"Notifications", "MinimumUrgency", KEY_URGENCY, G_STRUCT_OFFSET(WbConfig, minimum_urgency),
	 0, 2, 0},
	{"Notifications", "QuietHours", KEY_TIME_RANGE, G_STRUCT_OFFSET(WbConfig, quiet_start_min),
	 0, 0, 0},
	{"Notifications", "Privacy", KEY_BOOL, G_STRUCT_OFFSET(WbConfig, privacy), 0, 1, 0},
	{"Notifications", "OutboxMaxCount", KEY_UINT, G_STRUCT_OFFSET(WbConfig, outbox_max_count),
	 1, 10000, 200},
	{"Notifications", "OutboxMaxAgeHours", KEY_UINT,
	 G_STRUCT_OFFSET(WbConfig, outbox_max_age_h), 1, 720, 12},
	{"Notifications", "WatchLostGraceSeconds", KEY_UINT,
	 G_STRUCT_OFFSET(WbConfig, lost_grace_s), 0, 3600, 60},
};

static const gchar *urgency_names[] = {"low", "normal", "critical"};

void
wb_config_init_defaults(WbConfig *config)
{
	memset(config, 0, sizeof(*config));
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		gpointer field = G_STRUCT_MEMBER_P(config, keys[i].offset);
		switch (keys[i].type) {
		case KEY_UINT:
		case KEY_URGENCY:
			*(guint *)field = keys[i].def;
			break;
		case KEY_BOOL:
			*(gboolean *)field = keys[i].def != 0;
			break;
		case KEY_STRV:
			*(gchar ***)field = g_new0(gchar *, 1);
			break;
		case KEY_TIME_RANGE:
			((gint *)field)[0] = -1;
			((gint *)field)[1] = -1;
			break;
		}
	}
}

/**
 * wb_config_clear:
 * @config: a configuration
 *
 * Frees what the configuration owns.
 */
void
wb_config_clear(WbConfig *config)
{
	g_clear_pointer(&config->muted_apps, g_strfreev);
}

/**
 * wb_config_copy:
 * @dest: (out caller-allocates): the copy; clear it with wb_config_clear()
 * @src: the configuration
 */
void
wb_config_copy(WbConfig *dest, const WbConfig *src)
{
	*dest = *src;
	dest->muted_apps = g_strdupv(src->muted_apps);
}

/**
 * wb_config_app_is_muted:
 * @config: the configuration
 * @app_id: (nullable): the app's id
 * @app_name: (nullable): the app's name
 *
 * Returns: %TRUE if MutedApps names the app (by id or name, case-insensitively)
 */
gboolean
wb_config_app_is_muted(const WbConfig *config, const gchar *app_id, const gchar *app_name)
{
	for (guint i = 0; config->muted_apps != NULL && config->muted_apps[i] != NULL; i++) {
		const gchar *m = config->muted_apps[i];
		if ((app_id != NULL && *app_id != '\0' && g_ascii_strcasecmp(m, app_id) == 0) ||
		    (app_name != NULL && *app_name != '\0' && g_ascii_strcasecmp(m, app_name) == 0))
			return TRUE;
	}
	return FALSE;
}

/**
 * wb_config_in_quiet_hours:
 * @config: the configuration
 * @minute_of_day: local minutes after midnight
 *
 * Returns: %TRUE inside QuietHours (a range may cross midnight)
 */
gboolean
wb_config_in_quiet_hours(const WbConfig *config, gint minute_of_day)
{
	gint s = config->quiet_start_min, e = config->quiet_end_min;
	if (s < 0 || e < 0 || s == e)
		return FALSE;
	if (s < e)
		return minute_of_day >= s && minute_of_day < e;
	return minute_of_day >= s || minute_of_day < e;
}

static gboolean
parse_hhmm(const gchar *s, gint *out)
{
	guint64 h, m;
	g_auto(GStrv) parts = g_strsplit(s, ":", 2);
	if (g_strv_length(parts) != 2 ||
	    !g_ascii_string_to_unsigned(g_strstrip(parts[0]), 10, 0, 23, &h, NULL) ||
	    !g_ascii_string_to_unsigned(g_strstrip(parts[1]), 10, 0, 59, &m, NULL))
		return FALSE;
	*out = (gint)(h * 60 + m);
	return TRUE;
}

static const KeyInfo *
find_key(const gchar *group, const gchar *key)
{
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (g_str_equal(keys[i].group, group) && g_str_equal(keys[i].key, key))
			return &keys[i];
	}
	return NULL;
}

static gboolean
group_known(const gchar *group)
{
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (g_str_equal(keys[i].group, group))
			return TRUE;
	}
	return FALSE;
}

static void
load_key(WbConfig *config, GKeyFile *kf, const KeyInfo *k, const gchar *origin)
{
	g_autofree gchar *raw = g_key_file_get_value(kf, k->group, k->key, NULL);
	gpointer field = G_STRUCT_MEMBER_P(config, k->offset);

	if (raw == NULL)
		return;
	g_strstrip(raw);
	if (k->type == KEY_STRV) {
		g_auto(GStrv) list = g_key_file_get_string_list(kf, k->group, k->key, NULL, NULL);
		g_autoptr(GPtrArray) clean = g_ptr_array_new_with_free_func(g_free);
		for (guint i = 0; list != NULL && list[i] != NULL; i++) {
			g_strstrip(list[i]);
			if (*list[i] != '\0' && g_utf8_validate(list[i], -1, NULL))
				g_ptr_array_add(clean, g_strdup(list[i]));
		}
		g_ptr_array_add(clean, NULL);
		g_strfreev(*(gchar ***)field);
		*(gchar ***)field = (gchar **)g_ptr_array_free(g_steal_pointer(&clean), FALSE);
		return;
	}
	if (k->type == KEY_URGENCY) {
		for (guint i = 0; i < G_N_ELEMENTS(urgency_names); i++) {
			if (g_ascii_strcasecmp(raw, urgency_names[i]) == 0) {
				*(guint *)field = i;
				return;
			}
		}
		wb_warning("%s: [%s] %s='%s' is not low, normal or critical, using the default, "
			   "ignoring",
			   origin, k->group, k->key, raw);
		return;
	}
	if (k->type == KEY_TIME_RANGE) {
		g_auto(GStrv) ends = g_strsplit(raw, "-", 2);
		gint a, b;
		if (*raw == '\0') {
			((gint *)field)[0] = ((gint *)field)[1] = -1;
			return;
		}
		if (g_strv_length(ends) != 2 || !parse_hhmm(ends[0], &a) ||
		    !parse_hhmm(ends[1], &b)) {
			wb_warning("%s: [%s] %s='%s' is not HH:MM-HH:MM, using none, ignoring",
				   origin, k->group, k->key, raw);
			return;
		}
		((gint *)field)[0] = a;
		((gint *)field)[1] = b;
		return;
	}
	if (k->type == KEY_BOOL) {
		if (g_ascii_strcasecmp(raw, "true") == 0 || g_str_equal(raw, "1"))
			*(gboolean *)field = TRUE;
		else if (g_ascii_strcasecmp(raw, "false") == 0 || g_str_equal(raw, "0"))
			*(gboolean *)field = FALSE;
		else
			wb_warning("%s: [%s] %s='%s' is not true or false, using the default, "
				   "ignoring",
				   origin, k->group, k->key, raw);
		return;
	} else {
		guint64 v = 0;
		g_autoptr(GError) error = NULL;
		if (!g_ascii_string_to_unsigned(raw, 10, k->min, k->max, &v, &error)) {
			wb_warning("%s: [%s] %s='%s': %s; using the default %u, ignoring", origin,
				   k->group, k->key, raw, error->message, k->def);
			return;
		}
		*(guint *)field = (guint)v;
	}
}

/**
 * wb_config_load_keyfile:
 * @config: the configuration, already holding defaults
 * @kf: a loaded key file
 * @origin: where it came from, for messages
 *
 * Takes every known key from @kf. A bad value is reported and leaves the default; an unknown
 * group or key gets one warning.
 */
void
wb_config_load_keyfile(WbConfig *config, GKeyFile *kf, const gchar *origin)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);

	for (guint i = 0; groups[i] != NULL; i++) {
		g_auto(GStrv) names = NULL;
		if (!group_known(groups[i])) {
			wb_warning("%s: unknown group '[%s]', ignoring", origin, groups[i]);
			continue;
		}
		names = g_key_file_get_keys(kf, groups[i], NULL, NULL);
		for (guint j = 0; names != NULL && names[j] != NULL; j++) {
			const KeyInfo *k = find_key(groups[i], names[j]);
			if (k == NULL) {
				wb_warning("%s: unknown key '%s' in [%s], ignoring", origin,
					   names[j], groups[i]);
				continue;
			}
			load_key(config, kf, k, origin);
		}
	}
	if (config->reconnect_max_s < config->reconnect_min_s) {
		wb_warning("%s: ReconnectMaxSeconds %u is below ReconnectMinSeconds %u, using %u, "
			   "ignoring",
			   origin, config->reconnect_max_s, config->reconnect_min_s,
			   config->reconnect_min_s);
		config->reconnect_max_s = config->reconnect_min_s;
	}
}

/**
 * wb_config_default_path:
 *
 * Returns: (transfer full): $XDG_CONFIG_HOME/wearbridge/wearbridge.conf
 */
gchar *
wb_config_default_path(void)
{
	return g_build_filename(g_get_user_config_dir(), "wearbridge", "wearbridge.conf", NULL);
}

/**
 * wb_config_load:
 * @config: (out caller-allocates): the configuration
 * @path: the file; a missing file means the defaults
 *
 * Reads the configuration once. Errors never stop the daemon: they are reported and the
 * defaults stay.
 */
void
wb_config_load(WbConfig *config, const gchar *path)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) error = NULL;

	wb_config_init_defaults(config);
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error)) {
		if (g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			wb_debug("no configuration at '%s', using defaults", path);
		else
			wb_warning("cannot read '%s': %s; using defaults, ignoring", path,
				   error->message);
		return;
	}
	wb_config_load_keyfile(config, kf, path);
}
