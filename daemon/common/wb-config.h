/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * WbConfig:
 * @reconnect_min_s: first reconnect delay after a drop, seconds
 * @reconnect_max_s: the backoff's ceiling, seconds
 * @first_frame_wait_ms: how long to wait for the watch to speak first after the link is up
 * @request_timeout_s: how long to wait for the watch to answer a request
 * @time_sync_on_connect: set the watch's clock on every connect
 * @notifications_enabled: mirror desktop notifications at all
 * @muted_apps: (array zero-terminated=1): app ids or names never mirrored (case-insensitive)
 * @only_when_idle: mirror only while the session is idle or locked
 * @minimum_urgency: 0 low, 1 normal, 2 critical: quieter notifications are not mirrored
 * @quiet_start_min: start of quiet hours, minutes after local midnight; -1 for none
 * @quiet_end_min: end of quiet hours (may be before the start: across midnight)
 * @privacy: send the app and the summary only, never the body
 * @outbox_max_count: notifications kept for an absent watch; the oldest go first
 * @outbox_max_age_h: notifications older than this are not delivered late
 * @lost_grace_s: how long a watch must stay away before the desktop is told
 *
 * The daemon's configuration, read once from wearbridge.conf (see data/wearbridge.conf).
 */
typedef struct {
	guint reconnect_min_s;
	guint reconnect_max_s;
	guint first_frame_wait_ms;
	guint request_timeout_s;
	gboolean time_sync_on_connect;
	gboolean notifications_enabled;
	gchar **muted_apps;
	gboolean only_when_idle;
	guint minimum_urgency;
	gint quiet_start_min;
	gint quiet_end_min;
	gboolean privacy;
	guint outbox_max_count;
	guint outbox_max_age_h;
	guint lost_grace_s;
} WbConfig;

void wb_config_init_defaults(WbConfig *config);
void wb_config_clear(WbConfig *config);
void wb_config_copy(WbConfig *dest, const WbConfig *src);
gboolean wb_config_app_is_muted(const WbConfig *config, const gchar *app_id, const gchar *app_name);
gboolean wb_config_in_quiet_hours(const WbConfig *config, gint minute_of_day);
void wb_config_load_keyfile(WbConfig *config, GKeyFile *kf, const gchar *origin);
void wb_config_load(WbConfig *config, const gchar *path);
gchar *wb_config_default_path(void);

G_END_DECLS
