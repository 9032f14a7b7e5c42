/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>

#define WB_LOG_MODULE "log"
#include "wb-log.h"

static gboolean verbose;

/**
 * wb_log:
 * @level: the level
 * @module: the module name, e.g. "session"
 * @watch: (nullable): the watch the message is about, as its address or id
 * @format: printf-style message
 * @...: arguments
 *
 * Logs through g_log_structured() with "[module]" in front and WB_MODULE/WB_WATCH fields.
 */
void
wb_log(GLogLevelFlags level, const gchar *module, const gchar *watch, const gchar *format, ...)
{
	g_autofree gchar *text = NULL;
	g_autofree gchar *message = NULL;
	va_list args;
	GLogField fields[5];
	gsize n = 0;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	if (watch != NULL)
		message = g_strdup_printf("[%s] %s: %s", module, watch, text);
	else
		message = g_strdup_printf("[%s] %s", module, text);

	fields[n++] = (GLogField){"MESSAGE", message, -1};
	fields[n++] = (GLogField){"GLIB_DOMAIN", G_LOG_DOMAIN, -1};
	fields[n++] = (GLogField){"WB_MODULE", module, -1};
	if (watch != NULL)
		fields[n++] = (GLogField){"WB_WATCH", watch, -1};
	g_log_structured_array(level, fields, n);
}

/**
 * wb_log_set_verbose:
 * @enable: show info messages (--verbose)
 */
void
wb_log_set_verbose(gboolean enable)
{
	verbose = enable;
}

static GLogWriterOutput
wb_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
	/* GLib's default writer hides info unless G_MESSAGES_DEBUG names the domain; --verbose
	 * shows info without turning on the developers' debug output */
	if (verbose && (level & G_LOG_LEVEL_INFO) != 0) {
		if (g_log_writer_is_journald(fileno(stderr)) &&
		    g_log_writer_journald(level, fields, n_fields, user_data) ==
			    G_LOG_WRITER_HANDLED)
			return G_LOG_WRITER_HANDLED;
		return g_log_writer_standard_streams(level, fields, n_fields, user_data);
	}
	return g_log_writer_default(level, fields, n_fields, user_data);
}

/**
 * wb_log_install_writer:
 *
 * Installs the daemon's log writer; call once, first thing in main().
 */
void
wb_log_install_writer(void)
{
	g_log_set_writer_func(wb_log_writer, NULL, NULL);
}
