/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Structured logging: each file defines WB_LOG_MODULE before including this header. Messages
 * carry "[module]" and the fields WB_MODULE= and, where there is one, WB_WATCH=<address>.
 * debug: for developers; info: what --verbose shows; message/warning: the user's journal.
 */
#ifndef WB_LOG_MODULE
#error "define WB_LOG_MODULE before including wb-log.h"
#endif

void wb_log(GLogLevelFlags level, const gchar *module, const gchar *watch, const gchar *format, ...)
	G_GNUC_PRINTF(4, 5);
void wb_log_set_verbose(gboolean verbose);
void wb_log_install_writer(void);

#define wb_debug(...)            wb_log(G_LOG_LEVEL_DEBUG, WB_LOG_MODULE, NULL, __VA_ARGS__)
#define wb_info(...)             wb_log(G_LOG_LEVEL_INFO, WB_LOG_MODULE, NULL, __VA_ARGS__)
#define wb_message(...)          wb_log(G_LOG_LEVEL_MESSAGE, WB_LOG_MODULE, NULL, __VA_ARGS__)
#define wb_warning(...)          wb_log(G_LOG_LEVEL_WARNING, WB_LOG_MODULE, NULL, __VA_ARGS__)
#define wb_watch_debug(w, ...)   wb_log(G_LOG_LEVEL_DEBUG, WB_LOG_MODULE, (w), __VA_ARGS__)
#define wb_watch_info(w, ...)    wb_log(G_LOG_LEVEL_INFO, WB_LOG_MODULE, (w), __VA_ARGS__)
#define wb_watch_message(w, ...) wb_log(G_LOG_LEVEL_MESSAGE, WB_LOG_MODULE, (w), __VA_ARGS__)
#define wb_watch_warning(w, ...) wb_log(G_LOG_LEVEL_WARNING, WB_LOG_MODULE, (w), __VA_ARGS__)

G_END_DECLS
