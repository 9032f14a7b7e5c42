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
 *
 * The daemon's configuration, read once from wearbridge.conf (see data/wearbridge.conf).
 */
typedef struct {
	guint reconnect_min_s;
	guint reconnect_max_s;
	guint first_frame_wait_ms;
	guint request_timeout_s;
	gboolean time_sync_on_connect;
} WbConfig;

void wb_config_init_defaults(WbConfig *config);
void wb_config_load_keyfile(WbConfig *config, GKeyFile *kf, const gchar *origin);
void wb_config_load(WbConfig *config, const gchar *path);
gchar *wb_config_default_path(void);

G_END_DECLS
