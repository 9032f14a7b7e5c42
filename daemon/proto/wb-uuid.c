/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-uuid.h"

/**
 * wb_uuid_parse:
 * @str: text form, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, either case
 * @out_uuid: (out): the UUID, written only on success
 *
 * Returns: %TRUE if @str is a well-formed UUID
 */
gboolean
wb_uuid_parse(const gchar *str, WbUuid *out_uuid)
{
	WbUuid u;
	gsize j = 0;

	if (str == NULL || strlen(str) != WB_UUID_STRING_LEN)
		return FALSE;
	for (gsize i = 0; i < WB_UUID_STRING_LEN;) {
		gint hi, lo;
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (str[i] != '-')
				return FALSE;
			i++;
			continue;
		}
		hi = g_ascii_xdigit_value(str[i]);
		lo = g_ascii_xdigit_value(str[i + 1]);
		if (hi < 0 || lo < 0)
			return FALSE;
		u.b[j++] = (guint8)((hi << 4) | lo);
		i += 2;
	}
	*out_uuid = u;
	return TRUE;
}

/**
 * wb_uuid_to_string:
 * @uuid: a UUID
 *
 * Returns: (transfer full): the lower-case text form
 */
gchar *
wb_uuid_to_string(const WbUuid *uuid)
{
	const guint8 *b = uuid->b;
	return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			       "%02x%02x%02x%02x%02x%02x",
			       b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
			       b[11], b[12], b[13], b[14], b[15]);
}

gboolean
wb_uuid_is_zero(const WbUuid *uuid)
{
	for (gsize i = 0; i < sizeof(uuid->b); i++) {
		if (uuid->b[i] != 0)
			return FALSE;
	}
	return TRUE;
}

gboolean
wb_uuid_equal(const WbUuid *a, const WbUuid *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

/**
 * wb_reader_uuid:
 * @r: the reader
 * @out_uuid: (out): the UUID; zeroed if the buffer is too short
 *
 * Returns: %TRUE if 16 bytes were there
 */
gboolean
wb_reader_uuid(WbReader *r, WbUuid *out_uuid)
{
	if (!wb_reader_copy(r, out_uuid->b, sizeof(out_uuid->b))) {
		memset(out_uuid->b, 0, sizeof(out_uuid->b));
		return FALSE;
	}
	return TRUE;
}

void
wb_put_uuid(GByteArray *out, const WbUuid *uuid)
{
	wb_put_bytes(out, uuid->b, sizeof(uuid->b));
}
