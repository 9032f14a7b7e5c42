/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-frame.h"
#include "wb-test-util.h"
#include "wb-timeline.h"

#define ITEM_UUID   "6f1c1e0a-3b1d-4b6e-9a4b-2f6a1e0c9d11"
#define PARENT_UUID "ed429c16-f674-4220-95da-454f303f15e2"
#define ITEM_HEX    "6f1c1e0a3b1d4b6e9a4b2f6a1e0c9d11"

/*
 * golden: the §3.11 worked notification. Header layout per FW timeline/item.h
 * (CommonTimelineItemHeader + SerializedTimelineItemHeader, packed, LE), attributes and actions
 * per FW attribute_private.h / attribute_group.c, in the order GB PebbleProtocol.java
 * encodeNotification writes them; parent = LP3's Android notifications UUID.
 * ts 1700000000 = 0x6553f100, type 1, flags 1 (visible), status 0, layout 4, payload 69.
 */
static const gchar *notification_hex = ITEM_HEX
	"ed429c16f674422095da454f303f15e2"
	"00f15365 0000 01 01 00 04 4500 05 02"
	/* Title "Mail", Subtitle "Hi", Body "See you", TinyIcon 0x80000013, BgColor 0xf0 */
	"01 0400 4d61696c"
	"02 0200 4869"
	"03 0700 53656520796f75"
	"04 0400 13000080"
	"1c 0100 f0"
	/* {0, Dismiss, Title "Dismiss"}, {1, Response, Title "Reply", Canned "Yes\0No\0OK"} */
	"00 04 01 01 0700 4469736d697373"
	"01 03 02 01 0500 5265706c79 08 0900 596573004e6f004f4b";

/* golden: the reply InvokeAction captured from PebbleOS 4.9 in pebbleos-rendering.md §3
 * (`02 <id> 02 02 01 0200 "No" 0C 1100 "alice@example.com"`), layout per FW
 * timeline/actions_endpoint.c InvokeActionMsg */
static const gchar *invoke_reply_hex =
	"02" ITEM_HEX "02 02 01 0200 4e6f 0c 1100 616c696365406578616d706c652e636f6d";

/* golden: InvokeAction 0x03 of an ANCS item, no attributes (FW
 * timeline_action_endpoint_invoke_action for AncsResponse actions) */
static const gchar *invoke_ancs_hex = "03" ITEM_HEX "07 00";

/* golden: ActionResponse 0x11 ACK, Subtitle "Dismissed", LargeIcon 0x80000033
 * (RESULT_DISMISSED) as GB encodeActionResponse sends it; layout per FW actions_endpoint.c
 * PhoneResponseMsg */
static const gchar *response_dismissed_hex =
	"11" ITEM_HEX "00 02 02 0900 4469736d6973736564 06 0400 33000080";

/* golden: ActionResponse 0x12 (FW PhoneActionResponseMsg: num_attributes then num_actions),
 * NACK contact ambiguity, Subtitle "Which?", one follow-up Generic action titled "Alice" */
static const gchar *response_chain_hex =
	"12" ITEM_HEX "10 01 01 02 0600 5768696368 3f 05 02 01 01 0500 416c696365";

/* golden: a calendar-style pin exercising the list types: Title "Run", Headings
 * "A\0B" (no trailing NUL, §3.6), MetricIcons [0x80000001, 2] (u16 count, 2 padding bytes),
 * LaunchCode 7, an action of unknown type 0x16 (CFW AccessoryResponse) without attributes */
static const gchar *pin_hex = ITEM_HEX "00000000000000000000000000000000"
				       "80969865 1e00 02 07 20 02 2500 04 01"
				       "01 0300 52756e"
				       "19 0300 410042"
				       "2b 0c00 0200 0000 01000080 02000000"
				       "0d 0400 07000000"
				       "09 16 00";

static void
fill_notification(WbTimelineItem *item)
{
	const gchar *canned[] = {"Yes", "No", "OK", NULL};
	WbTimelineAction *dismiss;
	WbTimelineAction *reply;

	g_assert_true(wb_uuid_parse(ITEM_UUID, &item->id));
	g_assert_true(wb_uuid_parse(PARENT_UUID, &item->parent_id));
	item->timestamp = 1700000000;
	item->type = WB_TIMELINE_ITEM_TYPE_NOTIFICATION;
	item->flags = WB_TIMELINE_FLAG_VISIBLE;
	item->layout = WB_TIMELINE_LAYOUT_NOTIFICATION;
	wb_timeline_item_add_string(item, WB_TIMELINE_ATTR_TITLE, "Mail");
	wb_timeline_item_add_string(item, WB_TIMELINE_ATTR_SUBTITLE, "Hi");
	wb_timeline_item_add_string(item, WB_TIMELINE_ATTR_BODY, "See you");
	wb_timeline_item_add_u32(item, WB_TIMELINE_ATTR_TINY_ICON,
				 WB_TIMELINE_SYSTEM_ICON(WB_TIMELINE_ICON_GENERIC_EMAIL));
	wb_timeline_item_add_u8(item, WB_TIMELINE_ATTR_BG_COLOR, 0xf0);
	dismiss = wb_timeline_action_new(0, WB_TIMELINE_ACTION_TYPE_DISMISS);
	wb_timeline_action_add_string(dismiss, WB_TIMELINE_ATTR_TITLE, "Dismiss");
	wb_timeline_item_add_action(item, dismiss);
	reply = wb_timeline_action_new(1, WB_TIMELINE_ACTION_TYPE_RESPONSE);
	wb_timeline_action_add_string(reply, WB_TIMELINE_ATTR_TITLE, "Reply");
	wb_timeline_action_add_string_list(reply, WB_TIMELINE_ATTR_CANNED_RESPONSES, canned);
	wb_timeline_item_add_action(item, reply);
}

static gchar *
item_string(const WbTimelineItem *item, guint8 id)
{
	const WbTimelineAttribute *attr = wb_timeline_item_find_attribute(item, id);
	g_assert_nonnull(attr);
	return wb_timeline_attribute_dup_string(attr);
}

/* Decoder adapters with one signature, for the truncation and corruption loops. */
typedef gboolean (*DecodeFunc)(const guint8 *buf, gsize len, GError **error);

static gboolean
decode_item(const guint8 *buf, gsize len, GError **error)
{
	g_auto(WbTimelineItem) item = {0};
	return wb_timeline_item_decode(buf, len, &item, error);
}

static gboolean
decode_invoke(const guint8 *buf, gsize len, GError **error)
{
	g_auto(WbTimelineInvokeAction) msg = {0};
	return wb_timeline_invoke_action_decode(buf, len, &msg, error);
}

static gboolean
decode_response(const guint8 *buf, gsize len, GError **error)
{
	g_auto(WbTimelineActionResponse) msg = {0};
	return wb_timeline_action_response_decode(buf, len, &msg, error);
}

static void
assert_decode_error(DecodeFunc decode, const gchar *hex, gint code)
{
	g_autoptr(GByteArray) buf = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;

	g_assert_false(decode(buf->data, buf->len, &error));
	g_assert_error(error, WB_PROTO_ERROR, code);
}

static void
assert_decode_ok(DecodeFunc decode, const gchar *hex)
{
	g_autoptr(GByteArray) buf = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;

	g_assert_true(decode(buf->data, buf->len, &error));
	g_assert_no_error(error);
}

/* Every proper prefix must fail cleanly (a private copy per length so ASan sees overreads). */
static void
assert_prefixes_fail(DecodeFunc decode, const gchar *hex)
{
	g_autoptr(GByteArray) buf = wb_test_hex(hex);

	g_assert_true(decode(buf->data, buf->len, NULL));
	for (guint n = 0; n < buf->len; n++) {
		g_autofree guint8 *copy = g_memdup2(buf->data, n);
		g_autoptr(GError) error = NULL;

		g_assert_false(decode(copy, n, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}
}

static void
test_notification_golden(void)
{
	g_auto(WbTimelineItem) item = {0};
	g_auto(WbTimelineItem) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *title = NULL;
	g_autofree gchar *body = NULL;
	g_auto(GStrv) canned = NULL;
	const WbTimelineAction *reply;
	WbUuid parent;
	guint32 icon = 0;
	guint8 color = 0;

	fill_notification(&item);
	g_assert_true(wb_timeline_item_encode(&item, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, notification_hex);
	g_assert_cmpuint(out->len, ==, WB_TIMELINE_ITEM_HEADER_LEN + 69);

	g_assert_true(wb_timeline_item_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_true(wb_uuid_equal(&back.id, &item.id));
	g_assert_true(wb_uuid_parse(PARENT_UUID, &parent));
	g_assert_true(wb_uuid_equal(&back.parent_id, &parent));
	g_assert_cmpuint(back.timestamp, ==, 1700000000);
	g_assert_cmpuint(back.duration, ==, 0);
	g_assert_cmpint(back.type, ==, WB_TIMELINE_ITEM_TYPE_NOTIFICATION);
	g_assert_cmpuint(back.flags, ==, WB_TIMELINE_FLAG_VISIBLE);
	g_assert_cmpuint(back.status, ==, 0);
	g_assert_cmpint(back.layout, ==, WB_TIMELINE_LAYOUT_NOTIFICATION);
	g_assert_cmpuint(back.attributes->len, ==, 5);
	g_assert_cmpuint(back.actions->len, ==, 2);
	title = item_string(&back, WB_TIMELINE_ATTR_TITLE);
	g_assert_cmpstr(title, ==, "Mail");
	body = item_string(&back, WB_TIMELINE_ATTR_BODY);
	g_assert_cmpstr(body, ==, "See you");
	g_assert_true(wb_timeline_attribute_get_u32(
		wb_timeline_item_find_attribute(&back, WB_TIMELINE_ATTR_TINY_ICON), &icon));
	g_assert_cmphex(icon, ==, 0x80000013);
	g_assert_true(wb_timeline_attribute_get_u8(
		wb_timeline_item_find_attribute(&back, WB_TIMELINE_ATTR_BG_COLOR), &color));
	g_assert_cmphex(color, ==, 0xf0);
	g_assert_null(wb_timeline_item_find_attribute(&back, WB_TIMELINE_ATTR_SENDER));

	reply = wb_timeline_item_find_action(&back, 1);
	g_assert_nonnull(reply);
	g_assert_cmpint(reply->type, ==, WB_TIMELINE_ACTION_TYPE_RESPONSE);
	canned = wb_timeline_attribute_dup_string_list(
		wb_timeline_attributes_find(reply->attributes, WB_TIMELINE_ATTR_CANNED_RESPONSES));
	g_assert_cmpuint(g_strv_length(canned), ==, 3);
	g_assert_cmpstr(canned[0], ==, "Yes");
	g_assert_cmpstr(canned[2], ==, "OK");
	g_assert_null(wb_timeline_item_find_action(&back, 2));
}

static void
test_pin_golden(void)
{
	const gchar *headings[] = {"A", "B", NULL};
	const guint32 icons[] = {WB_TIMELINE_SYSTEM_ICON(1), 2};
	g_auto(WbTimelineItem) item = {0};
	g_auto(WbTimelineItem) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GArray) values = NULL;
	g_autoptr(GError) error = NULL;
	guint32 code = 0;

	g_assert_true(wb_uuid_parse(ITEM_UUID, &item.id));
	item.timestamp = 0x65989680;
	item.duration = 30;
	item.type = WB_TIMELINE_ITEM_TYPE_PIN;
	item.flags =
		WB_TIMELINE_FLAG_VISIBLE | WB_TIMELINE_FLAG_FLOATING | WB_TIMELINE_FLAG_ALL_DAY;
	item.status = WB_TIMELINE_STATUS_PERSISTENT;
	item.layout = WB_TIMELINE_LAYOUT_CALENDAR;
	wb_timeline_item_add_string(&item, WB_TIMELINE_ATTR_TITLE, "Run");
	wb_timeline_item_add_string_list(&item, WB_TIMELINE_ATTR_HEADINGS, headings);
	wb_timeline_item_add_u32_list(&item, WB_TIMELINE_ATTR_METRIC_ICONS, icons, 2);
	wb_timeline_item_add_u32(&item, WB_TIMELINE_ATTR_LAUNCH_CODE, 7);
	wb_timeline_item_add_action(&item, wb_timeline_action_new(9, 0x16));
	g_assert_true(wb_timeline_item_encode(&item, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, pin_hex);

	g_assert_true(wb_timeline_item_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(back.status, ==, 0x20);
	g_assert_cmpuint(back.flags, ==, 0x07);
	values = wb_timeline_attribute_dup_u32_list(
		wb_timeline_item_find_attribute(&back, WB_TIMELINE_ATTR_METRIC_ICONS));
	g_assert_nonnull(values);
	g_assert_cmpuint(values->len, ==, 2);
	g_assert_cmphex(g_array_index(values, guint32, 0), ==, 0x80000001);
	g_assert_cmphex(g_array_index(values, guint32, 1), ==, 2);
	g_assert_true(wb_timeline_attribute_get_u32(
		wb_timeline_item_find_attribute(&back, WB_TIMELINE_ATTR_LAUNCH_CODE), &code));
	g_assert_cmpuint(code, ==, 7);
	/* §3.8: an unknown action type survives */
	g_assert_cmpuint(((WbTimelineAction *)g_ptr_array_index(back.actions, 0))->type, ==, 0x16);
	g_assert_null(((WbTimelineAction *)g_ptr_array_index(back.actions, 0))->attributes);
}

static void
test_invoke_golden(void)
{
	g_auto(WbTimelineInvokeAction) msg = {0};
	g_auto(WbTimelineInvokeAction) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *reply = NULL;
	g_autofree gchar *sender = NULL;

	msg.command = WB_TIMELINE_ACTION_COMMAND_INVOKE;
	g_assert_true(wb_uuid_parse(ITEM_UUID, &msg.item_id));
	msg.action_id = 2;
	wb_timeline_invoke_action_add_attribute(
		&msg, wb_timeline_attribute_new_string(WB_TIMELINE_ATTR_TITLE, "No"));
	wb_timeline_invoke_action_add_attribute(
		&msg,
		wb_timeline_attribute_new_string(WB_TIMELINE_ATTR_SENDER, "alice@example.com"));
	g_assert_true(wb_timeline_invoke_action_encode(&msg, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, invoke_reply_hex);

	g_assert_true(wb_timeline_invoke_action_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_cmpint(back.command, ==, WB_TIMELINE_ACTION_COMMAND_INVOKE);
	g_assert_true(wb_uuid_equal(&back.item_id, &msg.item_id));
	g_assert_cmpuint(back.action_id, ==, 2);
	reply = wb_timeline_attribute_dup_string(
		wb_timeline_attributes_find(back.attributes, WB_TIMELINE_ATTR_TITLE));
	g_assert_cmpstr(reply, ==, "No");
	sender = wb_timeline_attribute_dup_string(
		wb_timeline_attributes_find(back.attributes, WB_TIMELINE_ATTR_SENDER));
	g_assert_cmpstr(sender, ==, "alice@example.com");
}

static void
test_invoke_ancs_golden(void)
{
	g_auto(WbTimelineInvokeAction) msg = {0};
	g_autoptr(GByteArray) in = wb_test_hex(invoke_ancs_hex);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_timeline_invoke_action_decode(in->data, in->len, &msg, &error));
	g_assert_no_error(error);
	g_assert_cmpint(msg.command, ==, WB_TIMELINE_ACTION_COMMAND_INVOKE_ANCS);
	g_assert_cmpuint(msg.action_id, ==, 7);
	g_assert_null(msg.attributes);
	g_assert_true(wb_timeline_invoke_action_encode(&msg, out, &error));
	wb_assert_hex(out->data, out->len, invoke_ancs_hex);
}

static void
test_response_golden(void)
{
	g_auto(WbTimelineActionResponse) msg = {0};
	g_auto(WbTimelineActionResponse) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;
	guint32 icon = 0;

	msg.command = WB_TIMELINE_ACTION_COMMAND_RESPONSE;
	g_assert_true(wb_uuid_parse(ITEM_UUID, &msg.item_id));
	msg.response = WB_TIMELINE_RESPONSE_ACK;
	wb_timeline_action_response_add_attribute(
		&msg, wb_timeline_attribute_new_string(WB_TIMELINE_ATTR_SUBTITLE, "Dismissed"));
	wb_timeline_action_response_add_attribute(
		&msg, wb_timeline_attribute_new_u32(
			      WB_TIMELINE_ATTR_LARGE_ICON,
			      WB_TIMELINE_SYSTEM_ICON(WB_TIMELINE_ICON_RESULT_DISMISSED)));
	g_assert_true(wb_timeline_action_response_encode(&msg, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, response_dismissed_hex);

	g_assert_true(wb_timeline_action_response_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_cmpint(back.command, ==, WB_TIMELINE_ACTION_COMMAND_RESPONSE);
	g_assert_cmpint(back.response, ==, WB_TIMELINE_RESPONSE_ACK);
	g_assert_null(back.actions);
	text = wb_timeline_attribute_dup_string(
		wb_timeline_attributes_find(back.attributes, WB_TIMELINE_ATTR_SUBTITLE));
	g_assert_cmpstr(text, ==, "Dismissed");
	g_assert_true(wb_timeline_attribute_get_u32(
		wb_timeline_attributes_find(back.attributes, WB_TIMELINE_ATTR_LARGE_ICON), &icon));
	g_assert_cmphex(icon, ==, 0x80000033);
}

static void
test_response_chain_golden(void)
{
	g_auto(WbTimelineActionResponse) msg = {0};
	g_auto(WbTimelineActionResponse) back = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbTimelineAction *alice;

	msg.command = WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS;
	g_assert_true(wb_uuid_parse(ITEM_UUID, &msg.item_id));
	msg.response = WB_TIMELINE_RESPONSE_NACK_CONTACT_AMBIGUITY;
	wb_timeline_action_response_add_attribute(
		&msg, wb_timeline_attribute_new_string(WB_TIMELINE_ATTR_SUBTITLE, "Which?"));
	alice = wb_timeline_action_new(5, WB_TIMELINE_ACTION_TYPE_GENERIC);
	wb_timeline_action_add_string(alice, WB_TIMELINE_ATTR_TITLE, "Alice");
	wb_timeline_action_response_add_action(&msg, alice);
	g_assert_true(wb_timeline_action_response_encode(&msg, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, response_chain_hex);

	g_assert_true(wb_timeline_action_response_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_cmpint(back.response, ==, WB_TIMELINE_RESPONSE_NACK_CONTACT_AMBIGUITY);
	g_assert_cmpuint(back.actions->len, ==, 1);
	g_assert_cmpuint(((WbTimelineAction *)g_ptr_array_index(back.actions, 0))->id, ==, 5);

	/* an empty chaining response still carries its (zero) action count */
	g_clear_pointer(&msg.actions, g_ptr_array_unref);
	g_clear_pointer(&msg.attributes, g_ptr_array_unref);
	g_byte_array_set_size(out, 0);
	g_assert_true(wb_timeline_action_response_encode(&msg, out, &error));
	wb_assert_hex(out->data, out->len, "12" ITEM_HEX "10 00 00");
}

static void
test_truncations(void)
{
	assert_prefixes_fail(decode_item, notification_hex);
	assert_prefixes_fail(decode_item, pin_hex);
	assert_prefixes_fail(decode_invoke, invoke_reply_hex);
	assert_prefixes_fail(decode_invoke, invoke_ancs_hex);
	assert_prefixes_fail(decode_response, response_dismissed_hex);
	assert_prefixes_fail(decode_response, response_chain_hex);
}

/* Header of an item with the given payload_length / counts, for the corruption cases. */
#define HDR(payload, nattr, nact)                                                                  \
	ITEM_HEX "00000000000000000000000000000000 00f15365 0000 01 01 00 04 " payload " " nattr   \
		 " " nact " "

static void
test_item_corrupted(void)
{
	/* count says 3 attributes but only 2 are there (payload_length matches the 2) */
	assert_decode_error(decode_item, HDR("0a00", "03", "00") "01 0200 4869 02 0200 4869",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* attribute length runs past payload_length (the buffer is consistent with the field) */
	assert_decode_error(decode_item, HDR("0500", "01", "00") "01 0500 4869",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* payload_length larger than the bytes present */
	assert_decode_error(decode_item, HDR("0600", "01", "00") "01 0200 4869",
			    WB_PROTO_ERROR_TRUNCATED);
	/* payload_length smaller than the bytes present */
	assert_decode_error(decode_item, HDR("0400", "01", "00") "01 0200 4869",
			    WB_PROTO_ERROR_TRAILING_DATA);
	/* payload_length covers more than the attributes use */
	assert_decode_error(decode_item, HDR("0600", "01", "00") "01 0200 4869 00",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* action count says 1 but the payload ends */
	assert_decode_error(decode_item, HDR("0500", "01", "01") "01 0200 4869",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* action attribute count past the payload */
	assert_decode_error(decode_item, HDR("0300", "00", "01") "00 02 01",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* fixed-size attributes of the wrong size: u8 BgColor of 2, TinyIcon of 3, u32 list */
	assert_decode_error(decode_item, HDR("0500", "01", "00") "1c 0200 f0f0",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_item, HDR("0600", "01", "00") "04 0300 130000",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_item, HDR("0700", "01", "00") "2b 0400 0100 0000",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_item, HDR("0500", "01", "00") "2b 0200 0000",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* inside an action too: EmojiSupported (u8) of 2 bytes */
	assert_decode_error(decode_item, HDR("0800", "00", "01") "00 02 01 21 0200 0101",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_ok(decode_item, HDR("0700", "00", "01") "00 02 01 21 0100 01");
	/* type 0 and 4, layout 0x0A and 0x7F (pebbleos-rendering.md §2: the watch crashes) */
	assert_decode_error(decode_item,
			    ITEM_HEX "00000000000000000000000000000000 00f15365 0000 00 01 00 04 "
				     "0000 00 00",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_item,
			    ITEM_HEX "00000000000000000000000000000000 00f15365 0000 04 01 00 04 "
				     "0000 00 00",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_item,
			    ITEM_HEX "00000000000000000000000000000000 00f15365 0000 01 01 00 0a "
				     "0000 00 00",
			    WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_item,
			    ITEM_HEX "00000000000000000000000000000000 00f15365 0000 01 01 00 7f "
				     "0000 00 00",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* layout 0 and 9 are the limits that are accepted */
	assert_decode_ok(decode_item, ITEM_HEX "00000000000000000000000000000000 00f15365 0000 "
					       "01 01 00 09 0000 00 00");
	assert_decode_ok(decode_item, ITEM_HEX "00000000000000000000000000000000 00f15365 0000 "
					       "03 ff ff 00 0000 00 00");
}

static void
test_unknown_attribute_kept(void)
{
	g_autoptr(GByteArray) in = wb_test_hex(HDR("0500", "01", "00") "7f 0200 abcd");
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbTimelineItem) item = {0};
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_timeline_item_decode(in->data, in->len, &item, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(((WbTimelineAttribute *)g_ptr_array_index(item.attributes, 0))->id, ==,
			 0x7f);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(0x7f), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN);
	g_assert_true(wb_timeline_item_encode(&item, out, &error));
	g_assert_cmpmem(out->data, out->len, in->data, in->len);
}

static void
test_item_encode_refused(void)
{
	g_auto(WbTimelineItem) item = {0};
	g_autoptr(GByteArray) out = wb_test_hex("aa bb");
	g_autoptr(GError) error = NULL;
	g_autofree guint8 *big = g_malloc0(40000);

	fill_notification(&item);

	/* layout 0x0A is refused by the encoder, and the buffer is left as it was */
	item.layout = 0x0a;
	g_assert_false(wb_timeline_item_encode(&item, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "aa bb");
	g_clear_error(&error);
	item.layout = WB_TIMELINE_LAYOUT_NOTIFICATION;

	item.type = 0;
	g_assert_false(wb_timeline_item_encode(&item, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	item.type = WB_TIMELINE_ITEM_TYPE_REMINDER;

	/* a u8 attribute holding 2 bytes */
	wb_timeline_item_add_attribute(
		&item, wb_timeline_attribute_new_u32(WB_TIMELINE_ATTR_EMOJI_SUPPORTED, 1));
	g_assert_false(wb_timeline_item_encode(&item, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	wb_assert_hex(out->data, out->len, "aa bb");
	g_clear_error(&error);
	g_ptr_array_remove_index(item.attributes, item.attributes->len - 1);

	/* two 40000-byte attributes overflow payload_length (the check runs after writing) */
	wb_timeline_item_add_attribute(&item, wb_timeline_attribute_new(200, big, 40000));
	wb_timeline_item_add_attribute(&item, wb_timeline_attribute_new(201, big, 40000));
	g_assert_false(wb_timeline_item_encode(&item, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa bb");
	g_clear_error(&error);
	g_ptr_array_set_size(item.attributes, 5);

	/* an attribute over 65535 bytes */
	{
		g_autofree guint8 *huge = g_malloc0(70000);
		wb_timeline_item_add_attribute(&item, wb_timeline_attribute_new(202, huge, 70000));
		g_assert_false(wb_timeline_item_encode(&item, out, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
		g_clear_error(&error);
		g_ptr_array_set_size(item.attributes, 5);
	}

	/* 256 attributes, 256 actions */
	for (guint i = 0; i < 251; i++)
		wb_timeline_item_add_u8(&item, WB_TIMELINE_ATTR_BG_COLOR, (guint8)i);
	g_assert_false(wb_timeline_item_encode(&item, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	g_ptr_array_set_size(item.attributes, 255);
	g_assert_true(wb_timeline_item_encode(&item, out, &error));
	g_assert_no_error(error);
	g_byte_array_set_size(out, 2);
	for (guint i = 0; i < 254; i++)
		wb_timeline_item_add_action(&item, wb_timeline_action_new((guint8)i, 2));
	g_assert_false(wb_timeline_item_encode(&item, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa bb");
}

static void
test_action_endpoint_corrupted(void)
{
	/* wrong direction / unknown command bytes */
	assert_decode_error(decode_invoke, "11" ITEM_HEX "00 00", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_invoke, "04" ITEM_HEX "00 00", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_response, "02" ITEM_HEX "00 00", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error(decode_response, "13" ITEM_HEX "00 00", WB_PROTO_ERROR_UNKNOWN_TYPE);
	/* response code not in §3.9 */
	assert_decode_error(decode_response, "11" ITEM_HEX "02 00", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error(decode_response, "11" ITEM_HEX "16 00", WB_PROTO_ERROR_BAD_VALUE);
	/* trailing bytes after the last attribute */
	assert_decode_error(decode_invoke, "02" ITEM_HEX "00 00 ff", WB_PROTO_ERROR_TRAILING_DATA);
	assert_decode_error(decode_response, "11" ITEM_HEX "00 00 ff",
			    WB_PROTO_ERROR_TRAILING_DATA);
	/* 0x11 has no action count: a byte there is trailing data */
	assert_decode_error(decode_response, "11" ITEM_HEX "00 00 00",
			    WB_PROTO_ERROR_TRAILING_DATA);
	/* attribute count 2 with one attribute, attribute length past the end */
	assert_decode_error(decode_invoke, "02" ITEM_HEX "00 02 01 0100 41",
			    WB_PROTO_ERROR_TRUNCATED);
	assert_decode_error(decode_invoke, "02" ITEM_HEX "00 01 01 0500 41",
			    WB_PROTO_ERROR_TRUNCATED);
	/* a Timestamp attribute (u32) of 2 bytes in a Postpone InvokeAction */
	assert_decode_error(decode_invoke, "02" ITEM_HEX "00 01 25 0200 0102",
			    WB_PROTO_ERROR_BAD_VALUE);
	/* the Postpone form is fine */
	assert_decode_ok(decode_invoke, "02" ITEM_HEX "03 01 25 0400 00f15365");
}

static void
test_action_endpoint_limits(void)
{
	g_auto(WbTimelineActionResponse) msg = {0};
	g_autoptr(GByteArray) out = wb_test_hex("01");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = g_strnfill(2040, 'x');
	g_autoptr(GByteArray) big = NULL;

	msg.command = WB_TIMELINE_ACTION_COMMAND_RESPONSE;
	msg.response = WB_TIMELINE_RESPONSE_NACK;
	wb_timeline_action_response_add_action(&msg, wb_timeline_action_new(0, 2));
	g_assert_false(wb_timeline_action_response_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	g_clear_pointer(&msg.actions, g_ptr_array_unref);

	msg.response = 0x42;
	g_assert_false(wb_timeline_action_response_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.response = WB_TIMELINE_RESPONSE_NACK;

	msg.command = WB_TIMELINE_ACTION_COMMAND_INVOKE;
	g_assert_false(wb_timeline_action_response_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.command = WB_TIMELINE_ACTION_COMMAND_RESPONSE;

	/* 19 + 3 + 2040 > 2044: refused by the encoder */
	wb_timeline_action_response_add_attribute(
		&msg, wb_timeline_attribute_new_string(WB_TIMELINE_ATTR_SUBTITLE, text));
	g_assert_false(wb_timeline_action_response_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "01");
	g_clear_error(&error);

	/* and by the decoder */
	big = wb_test_hex("11" ITEM_HEX "01 01 02 f807");
	g_byte_array_set_size(big, big->len + 2040);
	memset(big->data + big->len - 2040, 'x', 2040);
	g_assert_false(decode_response(big->data, big->len, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	/* at exactly 2044 it is fine */
	g_byte_array_set_size(big, WB_FRAME_MAX_WATCH_INBOUND);
	big->data[20] = (guint8)(WB_FRAME_MAX_WATCH_INBOUND - 22);
	big->data[21] = (guint8)((WB_FRAME_MAX_WATCH_INBOUND - 22) >> 8);
	g_assert_true(decode_response(big->data, big->len, &error));
	g_assert_no_error(error);

	{
		g_auto(WbTimelineInvokeAction) inv = {0};
		inv.command = WB_TIMELINE_ACTION_COMMAND_RESPONSE;
		g_assert_false(wb_timeline_invoke_action_encode(&inv, out, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	}
}

static void
test_attribute_helpers(void)
{
	const gchar *empty[] = {NULL};
	const gchar *one_empty[] = {"", "x", NULL};
	g_autoptr(WbTimelineAttribute) list = NULL;
	g_autoptr(WbTimelineAttribute) trailing = NULL;
	g_autoptr(WbTimelineAttribute) bad = NULL;
	g_autoptr(WbTimelineAttribute) u32 = NULL;
	g_autoptr(WbTimelineAttribute) copy = NULL;
	g_autoptr(WbTimelineAttribute) empty_list = NULL;
	g_autoptr(WbTimelineAttribute) u32_list = NULL;
	g_autoptr(GArray) values = NULL;
	g_auto(GStrv) strv = NULL;
	g_autofree gchar *s = NULL;
	const guint8 *data;
	gsize len = 0;
	guint8 v8 = 0;
	guint32 v32 = 0;

	empty_list =
		wb_timeline_attribute_new_string_list(WB_TIMELINE_ATTR_CANNED_RESPONSES, empty);
	(void)wb_timeline_attribute_get_data(empty_list, &len);
	g_assert_cmpuint(len, ==, 0);
	strv = wb_timeline_attribute_dup_string_list(empty_list);
	g_assert_cmpuint(g_strv_length(strv), ==, 0);
	g_clear_pointer(&strv, g_strfreev);

	list = wb_timeline_attribute_new_string_list(WB_TIMELINE_ATTR_CANNED_RESPONSES, one_empty);
	data = wb_timeline_attribute_get_data(list, &len);
	wb_assert_hex(data, len, "00 78");
	strv = wb_timeline_attribute_dup_string_list(list);
	g_assert_cmpuint(g_strv_length(strv), ==, 2);
	g_assert_cmpstr(strv[0], ==, "");
	g_clear_pointer(&strv, g_strfreev);

	/* GB: a trailing NUL adds an empty entry; invalid UTF-8 is repaired */
	trailing = wb_timeline_attribute_new(WB_TIMELINE_ATTR_CANNED_RESPONSES,
					     (const guint8 *)"ok\0\xff\0", 5);
	strv = wb_timeline_attribute_dup_string_list(trailing);
	g_assert_cmpuint(g_strv_length(strv), ==, 3);
	g_assert_cmpstr(strv[0], ==, "ok");
	g_assert_true(g_utf8_validate(strv[1], -1, NULL));
	g_assert_cmpstr(strv[2], ==, "");

	bad = wb_timeline_attribute_new(WB_TIMELINE_ATTR_TITLE, (const guint8 *)"a\xc3", 2);
	s = wb_timeline_attribute_dup_string(bad);
	g_assert_true(g_utf8_validate(s, -1, NULL));
	g_assert_false(wb_timeline_attribute_get_u8(bad, &v8));
	g_assert_false(wb_timeline_attribute_get_u32(bad, &v32));
	g_assert_null(wb_timeline_attribute_dup_u32_list(bad));

	u32 = wb_timeline_attribute_new_u32(WB_TIMELINE_ATTR_TIMESTAMP, 0x01020304);
	data = wb_timeline_attribute_get_data(u32, &len);
	wb_assert_hex(data, len, "04 03 02 01");
	copy = wb_timeline_attribute_copy(u32);
	g_assert_true(wb_timeline_attribute_get_u32(copy, &v32));
	g_assert_cmphex(v32, ==, 0x01020304);
	g_assert_cmpuint(copy->id, ==, WB_TIMELINE_ATTR_TIMESTAMP);

	u32_list = wb_timeline_attribute_new_u32_list(WB_TIMELINE_ATTR_VIBRATION_PATTERN, NULL, 0);
	data = wb_timeline_attribute_get_data(u32_list, &len);
	wb_assert_hex(data, len, "0000 0000");
	values = wb_timeline_attribute_dup_u32_list(u32_list);
	g_assert_cmpuint(values->len, ==, 0);
	g_assert_true(wb_timeline_attribute_check(u32_list, NULL));

	g_assert_cmpuint(wb_timeline_attribute_max_len(WB_TIMELINE_ATTR_TITLE), ==, 64);
	g_assert_cmpuint(wb_timeline_attribute_max_len(WB_TIMELINE_ATTR_SUBTITLE), ==, 64);
	g_assert_cmpuint(wb_timeline_attribute_max_len(WB_TIMELINE_ATTR_BODY), ==, 512);
	g_assert_cmpuint(wb_timeline_attribute_max_len(WB_TIMELINE_ATTR_CANNED_RESPONSES), ==, 512);
	g_assert_cmpuint(wb_timeline_attribute_max_len(WB_TIMELINE_ATTR_SUBTITLE_TEMPLATE_STRING),
			 ==, 150);
	g_assert_cmpuint(wb_timeline_attribute_max_len(WB_TIMELINE_ATTR_APP_NAME), ==, 0);
	g_assert_cmpuint(wb_timeline_attribute_max_len(WB_TIMELINE_ATTR_TINY_ICON), ==, 0);
}

static void
test_attribute_types(void)
{
	/* §3.6 table, spot checks of every type including the CFW additions */
	g_assert_cmpint(wb_timeline_attribute_type_for_id(1), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_STRING);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(4), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_RESOURCE);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(7), ==, WB_TIMELINE_ATTRIBUTE_TYPE_U8);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(8), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(13), ==, WB_TIMELINE_ATTRIBUTE_TYPE_U32);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(28), ==, WB_TIMELINE_ATTRIBUTE_TYPE_U8);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(37), ==, WB_TIMELINE_ATTRIBUTE_TYPE_U32);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(43), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(48), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_RESOURCE);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(49), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(50), ==, WB_TIMELINE_ATTRIBUTE_TYPE_U32);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(51), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(52), ==, WB_TIMELINE_ATTRIBUTE_TYPE_U8);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(0), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN);
	g_assert_cmpint(wb_timeline_attribute_type_for_id(53), ==,
			WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN);
	g_assert_cmphex(WB_TIMELINE_SYSTEM_ICON(WB_TIMELINE_ICON_RESULT_DISMISSED), ==, 0x80000033);
	g_assert_cmphex(WB_TIMELINE_SYSTEM_ICON(WB_TIMELINE_ICON_NOTIFICATION_SLACK), ==,
			0x80000074);
}

static WbTimelineAttribute *
random_attribute(guint64 *seed)
{
	guint8 id = (guint8)(1 + wb_test_rand_next(seed) % 60);
	guint8 bytes[40];
	gsize len = wb_test_rand_next(seed) % sizeof(bytes);

	for (gsize i = 0; i < len; i++)
		bytes[i] = (guint8)wb_test_rand_next(seed);
	switch (wb_timeline_attribute_type_for_id(id)) {
	case WB_TIMELINE_ATTRIBUTE_TYPE_U8:
		return wb_timeline_attribute_new_u8(id, (guint8)wb_test_rand_next(seed));
	case WB_TIMELINE_ATTRIBUTE_TYPE_U32:
	case WB_TIMELINE_ATTRIBUTE_TYPE_RESOURCE:
		return wb_timeline_attribute_new_u32(id, wb_test_rand_next(seed));
	case WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST: {
		guint32 values[4];
		gsize n = wb_test_rand_next(seed) % 5;
		for (gsize i = 0; i < n; i++)
			values[i] = wb_test_rand_next(seed);
		return wb_timeline_attribute_new_u32_list(id, values, n);
	}
	case WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN:
	case WB_TIMELINE_ATTRIBUTE_TYPE_STRING:
	case WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST:
		break;
	}
	return wb_timeline_attribute_new(id, bytes, len);
}

static void
test_round_trip_random(void)
{
	guint64 seed = 0x7431;

	for (guint iter = 0; iter < 500; iter++) {
		g_auto(WbTimelineItem) item = {0};
		g_auto(WbTimelineItem) back = {0};
		g_auto(WbTimelineActionResponse) resp = {0};
		g_auto(WbTimelineActionResponse) resp_back = {0};
		g_autoptr(GByteArray) out = g_byte_array_new();
		g_autoptr(GByteArray) again = g_byte_array_new();
		g_autoptr(GError) error = NULL;
		guint n_attrs = wb_test_rand_next(&seed) % 7;
		guint n_actions = wb_test_rand_next(&seed) % 4;

		for (guint i = 0; i < 16; i++) {
			item.id.b[i] = (guint8)wb_test_rand_next(&seed);
			item.parent_id.b[i] = (guint8)wb_test_rand_next(&seed);
		}
		item.timestamp = wb_test_rand_next(&seed);
		item.duration = (guint16)wb_test_rand_next(&seed);
		item.type = 1 + wb_test_rand_next(&seed) % 3;
		item.flags = (guint8)wb_test_rand_next(&seed);
		item.status = (guint8)wb_test_rand_next(&seed);
		item.layout = wb_test_rand_next(&seed) % WB_TIMELINE_LAYOUT_COUNT;
		for (guint i = 0; i < n_attrs; i++)
			wb_timeline_item_add_attribute(&item, random_attribute(&seed));
		for (guint i = 0; i < n_actions; i++) {
			WbTimelineAction *action =
				wb_timeline_action_new((guint8)i, (guint8)wb_test_rand_next(&seed));
			guint n = wb_test_rand_next(&seed) % 3;
			for (guint j = 0; j < n; j++)
				wb_timeline_action_add_attribute(action, random_attribute(&seed));
			wb_timeline_item_add_action(&item, action);
		}
		g_assert_true(wb_timeline_item_encode(&item, out, &error));
		g_assert_no_error(error);
		g_assert_true(wb_timeline_item_decode(out->data, out->len, &back, &error));
		g_assert_no_error(error);
		g_assert_true(wb_uuid_equal(&item.id, &back.id));
		g_assert_cmpuint(item.timestamp, ==, back.timestamp);
		g_assert_cmpuint(item.layout, ==, back.layout);
		g_assert_cmpuint(n_attrs, ==, back.attributes != NULL ? back.attributes->len : 0);
		g_assert_cmpuint(n_actions, ==, back.actions != NULL ? back.actions->len : 0);
		g_assert_true(wb_timeline_item_encode(&back, again, &error));
		g_assert_cmpmem(out->data, out->len, again->data, again->len);

		/* the same attribute/action lists in a chaining ActionResponse */
		resp.command = WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS;
		resp.item_id = item.id;
		resp.response = WB_TIMELINE_RESPONSE_NACK_ADDRESS_AMBIGUITY;
		resp.attributes = g_steal_pointer(&back.attributes);
		resp.actions = g_steal_pointer(&back.actions);
		g_byte_array_set_size(out, 0);
		g_byte_array_set_size(again, 0);
		g_assert_true(wb_timeline_action_response_encode(&resp, out, &error));
		g_assert_true(wb_timeline_action_response_decode(out->data, out->len, &resp_back,
								 &error));
		g_assert_no_error(error);
		g_assert_true(wb_timeline_action_response_encode(&resp_back, again, &error));
		g_assert_cmpmem(out->data, out->len, again->data, again->len);
	}
}

static void
test_clear(void)
{
	WbTimelineItem item = {0};
	WbTimelineInvokeAction inv = {0};
	WbTimelineActionResponse resp = {0};

	/* zeroed structs are fine, and clear twice is fine */
	wb_timeline_item_clear(&item);
	fill_notification(&item);
	wb_timeline_item_clear(&item);
	wb_timeline_item_clear(&item);
	g_assert_null(item.attributes);
	wb_timeline_invoke_action_clear(&inv);
	wb_timeline_action_response_clear(&resp);
	wb_timeline_attribute_free(NULL);
	wb_timeline_action_free(NULL);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/timeline/notification-golden", test_notification_golden);
	g_test_add_func("/wearbridge/timeline/pin-golden", test_pin_golden);
	g_test_add_func("/wearbridge/timeline/invoke-golden", test_invoke_golden);
	g_test_add_func("/wearbridge/timeline/invoke-ancs-golden", test_invoke_ancs_golden);
	g_test_add_func("/wearbridge/timeline/response-golden", test_response_golden);
	g_test_add_func("/wearbridge/timeline/response-chain-golden", test_response_chain_golden);
	g_test_add_func("/wearbridge/timeline/truncations", test_truncations);
	g_test_add_func("/wearbridge/timeline/item-corrupted", test_item_corrupted);
	g_test_add_func("/wearbridge/timeline/unknown-attribute-kept", test_unknown_attribute_kept);
	g_test_add_func("/wearbridge/timeline/item-encode-refused", test_item_encode_refused);
	g_test_add_func("/wearbridge/timeline/action-endpoint-corrupted",
			test_action_endpoint_corrupted);
	g_test_add_func("/wearbridge/timeline/action-endpoint-limits", test_action_endpoint_limits);
	g_test_add_func("/wearbridge/timeline/attribute-helpers", test_attribute_helpers);
	g_test_add_func("/wearbridge/timeline/attribute-types", test_attribute_types);
	g_test_add_func("/wearbridge/timeline/round-trip-random", test_round_trip_random);
	g_test_add_func("/wearbridge/timeline/clear", test_clear);
	return g_test_run();
}
