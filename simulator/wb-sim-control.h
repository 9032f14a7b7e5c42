/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "wb-sim-watch.h"

G_BEGIN_DECLS

/**
 * WbSimControlHost:
 * @add_state: (nullable): add the transport's members to the `state` answer ("connected",
 *   "peer", …)
 * @disconnect: (nullable): close the link to the phone and stop accepting a new one
 * @reconnect: (nullable): accept a link again
 * @quit: (nullable): end the program after this answer
 *
 * What the control interface needs from the program that hosts the watch. A %NULL operation
 * answers "not supported".
 */
typedef struct {
	void (*add_state)(JsonBuilder *builder, gpointer user_data);
	gboolean (*disconnect)(gpointer user_data, GError **error);
	gboolean (*reconnect)(gpointer user_data, GError **error);
	void (*quit)(gpointer user_data);
} WbSimControlHost;

gchar *wb_sim_control_execute(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data,
			      const gchar *line, gint64 now_us);

G_END_DECLS
