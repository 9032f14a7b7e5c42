/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>

#define WB_LOG_MODULE "config"
#include "wb-config.h"
#include "wb-log.h"

/* One row per key: where it lives in WbConfig, its bounds and its default. */
typedef enum {
	KEY_UINT,
	KEY_BOOL,
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
};

void
wb_config_init_defaults(WbConfig *config)
{
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		gpointer field = G_STRUCT_MEMBER_P(config, keys[i].offset);
		if (keys[i].type == KEY_UINT)
			*(guint *)field = keys[i].def;
		else
			*(gboolean *)field = keys[i].def != 0;
	}
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
