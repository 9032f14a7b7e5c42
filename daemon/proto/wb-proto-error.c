/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-proto-error.h"

G_DEFINE_QUARK(wb - proto - error - quark, wb_proto_error)

/**
 * wb_proto_fail:
 * @error: return location for a #GError
 * @code: the error code
 * @format: printf-style message
 * @...: its arguments
 *
 * Sets a %WB_PROTO_ERROR; for decoders and encoders that return %FALSE in one line.
 *
 * Returns: %FALSE, always
 */
gboolean
wb_proto_fail(GError **error, WbProtoError code, const gchar *format, ...)
{
	g_autofree gchar *message = NULL;
	va_list args;

	va_start(args, format);
	message = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error_literal(error, WB_PROTO_ERROR, (gint)code, message);
	return FALSE;
}
