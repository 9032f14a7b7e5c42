/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Fuzz target for the notification-side codecs: BlobDB v1 and v2, TimelineItem, the timeline
 * action endpoint, legacy notifications, music and phone control. The first byte picks the decoder
 * (modulo the number of decoders); the rest is its payload. Whenever a decode succeeds the
 * result is encoded, decoded again and encoded again: the second decode must succeed and both
 * encodings must be identical (the first decode may drop bytes the firmware ignores, so the
 * input itself is not compared).
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "wb-blobdb.h"
#include "wb-legacy-notification.h"
#include "wb-music.h"
#include "wb-phone.h"
#include "wb-timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Checks the round-trip property for one codec. ENCODE may only fail with TOO_LONG, and only
 * for codecs carrying text: repairing invalid UTF-8 replaces a byte by three, so a decoded
 * string can outgrow its length field.
 */
#define ROUND_TRIP(Type, decode_fn, encode_fn, clear_fn, text)                                     \
	do {                                                                                       \
		Type first = {0};                                                                  \
		Type second = {0};                                                                 \
		g_autoptr(GByteArray) out1 = g_byte_array_new();                                   \
		g_autoptr(GByteArray) out2 = g_byte_array_new();                                   \
		g_autoptr(GError) error = NULL;                                                    \
                                                                                                   \
		if (!decode_fn(buf, len, &first, &error)) {                                        \
			if (error == NULL || error->domain != WB_PROTO_ERROR)                      \
				abort();                                                           \
			break;                                                                     \
		}                                                                                  \
		if (!encode_fn(&first, out1, &error)) {                                            \
			if (!(text) ||                                                             \
			    !g_error_matches(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG) ||    \
			    out1->len != 0)                                                        \
				abort();                                                           \
			clear_fn(&first);                                                          \
			break;                                                                     \
		}                                                                                  \
		if (!decode_fn(out1->data, out1->len, &second, NULL))                              \
			abort();                                                                   \
		if (!encode_fn(&second, out2, NULL))                                               \
			abort();                                                                   \
		if (out1->len != out2->len || !fuzz_same_bytes(out1->data, out2->data, out1->len)) \
			abort();                                                                   \
		clear_fn(&first);                                                                  \
		clear_fn(&second);                                                                 \
	} while (0)

static void
fuzz_blobdb_response(const guint8 *buf, gsize len)
{
	WbBlobdbResponse first;
	WbBlobdbResponse second;
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (!wb_blobdb_response_decode(buf, len, &first, NULL))
		return;
	if (!wb_blobdb_response_encode(&first, out, NULL) || out->len != len ||
	    !fuzz_same_bytes(out->data, buf, len))
		abort();
	if (!wb_blobdb_response_decode(out->data, out->len, &second, NULL) ||
	    second.token != first.token || second.status != first.status)
		abort();
}

/* Also exercises the typed getters on every decoded attribute (they must never crash). */
static void
poke_attributes(const GPtrArray *attributes)
{
	for (guint i = 0; attributes != NULL && i < attributes->len; i++) {
		const WbTimelineAttribute *attr = g_ptr_array_index(attributes, i);
		g_autofree gchar *s = wb_timeline_attribute_dup_string(attr);
		g_auto(GStrv) strv = wb_timeline_attribute_dup_string_list(attr);
		g_autoptr(GArray) list = wb_timeline_attribute_dup_u32_list(attr);
		guint8 v8;
		guint32 v32;

		if (!g_utf8_validate(s, -1, NULL))
			abort();
		for (guint j = 0; strv[j] != NULL; j++) {
			if (!g_utf8_validate(strv[j], -1, NULL))
				abort();
		}
		if (list != NULL &&
		    wb_timeline_attribute_type_for_id(attr->id) ==
			    WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST &&
		    g_bytes_get_size(attr->value) != 4 + 4 * (gsize)list->len)
			abort();
		(void)wb_timeline_attribute_get_u8(attr, &v8);
		(void)wb_timeline_attribute_get_u32(attr, &v32);
		if (!wb_timeline_attribute_check(attr, NULL))
			abort();
	}
}

static void
fuzz_item_getters(const guint8 *buf, gsize len)
{
	g_auto(WbTimelineItem) item = {0};

	if (!wb_timeline_item_decode(buf, len, &item, NULL))
		return;
	poke_attributes(item.attributes);
	for (guint i = 0; item.actions != NULL && i < item.actions->len; i++) {
		const WbTimelineAction *action = g_ptr_array_index(item.actions, i);
		poke_attributes(action->attributes);
		if (wb_timeline_item_find_action(&item, action->id) == NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const guint8 *buf;
	gsize len;

	if (size < 1)
		return 0;
	buf = data + 1;
	len = size - 1;

	switch (data[0] % 9) {
	case 0:
		ROUND_TRIP(WbBlobdbCommand, wb_blobdb_command_decode, wb_blobdb_command_encode,
			   wb_blobdb_command_clear, FALSE);
		break;
	case 1:
		fuzz_blobdb_response(buf, len);
		break;
	case 2:
		ROUND_TRIP(WbTimelineItem, wb_timeline_item_decode, wb_timeline_item_encode,
			   wb_timeline_item_clear, FALSE);
		fuzz_item_getters(buf, len);
		break;
	case 3:
		ROUND_TRIP(WbTimelineInvokeAction, wb_timeline_invoke_action_decode,
			   wb_timeline_invoke_action_encode, wb_timeline_invoke_action_clear,
			   FALSE);
		break;
	case 4:
		ROUND_TRIP(WbTimelineActionResponse, wb_timeline_action_response_decode,
			   wb_timeline_action_response_encode, wb_timeline_action_response_clear,
			   FALSE);
		break;
	case 5:
		ROUND_TRIP(WbLegacyNotification, wb_legacy_notification_decode,
			   wb_legacy_notification_encode, wb_legacy_notification_clear, TRUE);
		break;
	case 6:
		ROUND_TRIP(WbMusicMessage, wb_music_message_decode, wb_music_message_encode,
			   wb_music_message_clear, TRUE);
		break;
	case 7:
		ROUND_TRIP(WbPhoneMessage, wb_phone_message_decode, wb_phone_message_encode,
			   wb_phone_message_clear, TRUE);
		break;
	case 8:
		ROUND_TRIP(WbBlobdb2Message, wb_blobdb2_message_decode, wb_blobdb2_message_encode,
			   wb_blobdb2_message_clear, FALSE);
		break;
	default:
		break;
	}
	return 0;
}
