/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WB_PROTO_ERROR (wb_proto_error_quark())

/**
 * WbProtoError:
 * @WB_PROTO_ERROR_TRUNCATED: the buffer ends before the message does
 * @WB_PROTO_ERROR_TOO_LONG: a length field or the whole message exceeds a protocol limit
 * @WB_PROTO_ERROR_BAD_VALUE: a field holds a value the protocol does not allow
 * @WB_PROTO_ERROR_UNKNOWN_TYPE: an unknown command, type or tag byte
 * @WB_PROTO_ERROR_TRAILING_DATA: bytes left over after a complete message
 * @WB_PROTO_ERROR_BAD_CHECKSUM: a checksum or framing signature did not match
 * @WB_PROTO_ERROR_BAD_STATE: the message is not valid in the current protocol state
 *
 * Precise decode and encode errors of the pure protocol library. They never reach D-Bus
 * unconverted.
 */
typedef enum {
	WB_PROTO_ERROR_TRUNCATED,
	WB_PROTO_ERROR_TOO_LONG,
	WB_PROTO_ERROR_BAD_VALUE,
	WB_PROTO_ERROR_UNKNOWN_TYPE,
	WB_PROTO_ERROR_TRAILING_DATA,
	WB_PROTO_ERROR_BAD_CHECKSUM,
	WB_PROTO_ERROR_BAD_STATE,
} WbProtoError;

GQuark wb_proto_error_quark(void);
gboolean wb_proto_fail(GError **error, WbProtoError code, const gchar *format, ...)
	G_GNUC_PRINTF(3, 4);

G_END_DECLS
