/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/**
 * WbUuid:
 * @b: the 16 bytes in RFC 4122 network order, exactly as on the wire
 *
 * A UUID as every Pebble endpoint carries it (reference §0).
 */
typedef struct {
	guint8 b[16];
} WbUuid;

#define WB_UUID_STRING_LEN 36

gboolean wb_uuid_parse(const gchar *str, WbUuid *out_uuid);
gchar *wb_uuid_to_string(const WbUuid *uuid);
gboolean wb_uuid_is_zero(const WbUuid *uuid);
gboolean wb_uuid_equal(const WbUuid *a, const WbUuid *b);
gboolean wb_reader_uuid(WbReader *r, WbUuid *out_uuid);
void wb_put_uuid(GByteArray *out, const WbUuid *uuid);

G_END_DECLS
