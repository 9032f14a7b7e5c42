/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-frame.h"
#include "wb-timeline.h"

/* §3.5: SerializedTimelineItemHeader offset of payload_length */
#define WB_TIMELINE_PAYLOAD_LENGTH_OFFSET 42
/* §3.6: Uint32List = u16 count + 2 bytes padding before the values */
#define WB_TIMELINE_U32_LIST_HEADER_LEN 4

/**
 * wb_timeline_attribute_type_for_id:
 * @id: an attribute id
 *
 * Returns: how the firmware encodes the value of @id (§3.6, FW `prv_attribute_type`), or
 * %WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN
 */
WbTimelineAttributeType
wb_timeline_attribute_type_for_id(guint8 id)
{
	switch ((WbTimelineAttributeId)id) {
	case WB_TIMELINE_ATTR_TITLE:
	case WB_TIMELINE_ATTR_SUBTITLE:
	case WB_TIMELINE_ATTR_BODY:
	case WB_TIMELINE_ATTR_SHORT_TITLE:
	case WB_TIMELINE_ATTR_LOCATION_NAME:
	case WB_TIMELINE_ATTR_SENDER:
	case WB_TIMELINE_ATTR_RANK_AWAY:
	case WB_TIMELINE_ATTR_RANK_HOME:
	case WB_TIMELINE_ATTR_NAME_AWAY:
	case WB_TIMELINE_ATTR_NAME_HOME:
	case WB_TIMELINE_ATTR_RECORD_AWAY:
	case WB_TIMELINE_ATTR_RECORD_HOME:
	case WB_TIMELINE_ATTR_SCORE_AWAY:
	case WB_TIMELINE_ATTR_SCORE_HOME:
	case WB_TIMELINE_ATTR_BROADCASTER:
	case WB_TIMELINE_ATTR_APP_NAME:
	case WB_TIMELINE_ATTR_IOS_APP_IDENTIFIER:
	case WB_TIMELINE_ATTR_SHORT_SUBTITLE:
	case WB_TIMELINE_ATTR_ADDRESS:
	case WB_TIMELINE_ATTR_AUTH_CODE:
	case WB_TIMELINE_ATTR_SUBTITLE_TEMPLATE_STRING:
		return WB_TIMELINE_ATTRIBUTE_TYPE_STRING;
	case WB_TIMELINE_ATTR_ANCS_ACTION:
	case WB_TIMELINE_ATTR_SPORTS_GAME_STATE:
	case WB_TIMELINE_ATTR_PRIMARY_COLOR:
	case WB_TIMELINE_ATTR_BG_COLOR:
	case WB_TIMELINE_ATTR_SECONDARY_COLOR:
	case WB_TIMELINE_ATTR_DISPLAY_RECURRING:
	case WB_TIMELINE_ATTR_EMOJI_SUPPORTED:
	case WB_TIMELINE_ATTR_HEALTH_INSIGHT_TYPE:
	case WB_TIMELINE_ATTR_DISPLAY_TIME:
	case WB_TIMELINE_ATTR_MUTE_DAY_OF_WEEK:
	case WB_TIMELINE_ATTR_HEALTH_ACTIVITY_TYPE:
	case WB_TIMELINE_ATTR_ALARM_KIND:
	case WB_TIMELINE_ATTR_IMAGE_ASPECT_RATIO:
		return WB_TIMELINE_ATTRIBUTE_TYPE_U8;
	case WB_TIMELINE_ATTR_LAUNCH_CODE:
	case WB_TIMELINE_ATTR_LAST_UPDATED:
	case WB_TIMELINE_ATTR_ANCS_ID:
	case WB_TIMELINE_ATTR_TIMESTAMP:
	case WB_TIMELINE_ATTR_MUTE_EXPIRATION:
		return WB_TIMELINE_ATTRIBUTE_TYPE_U32;
	case WB_TIMELINE_ATTR_TINY_ICON:
	case WB_TIMELINE_ATTR_SMALL_ICON:
	case WB_TIMELINE_ATTR_LARGE_ICON:
	case WB_TIMELINE_ATTR_PIN_ICON:
	case WB_TIMELINE_ATTR_ICON:
		return WB_TIMELINE_ATTRIBUTE_TYPE_RESOURCE;
	case WB_TIMELINE_ATTR_CANNED_RESPONSES:
	case WB_TIMELINE_ATTR_HEADINGS:
	case WB_TIMELINE_ATTR_PARAGRAPHS:
	case WB_TIMELINE_ATTR_METRIC_NAMES:
	case WB_TIMELINE_ATTR_METRIC_VALUES:
	case WB_TIMELINE_ATTR_NOTIFICATION_FILTERING_RULES:
		return WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST;
	case WB_TIMELINE_ATTR_METRIC_ICONS:
	case WB_TIMELINE_ATTR_VIBRATION_PATTERN:
		return WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST;
	}
	return WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN;
}

/**
 * wb_timeline_attribute_max_len:
 * @id: an attribute id
 *
 * The watch keeps only this many bytes of the attribute and drops the rest silently (FW
 * `timeline/attribute.c`; pebbleos-rendering.md §5 saw Title/Subtitle cut at 64 bytes and
 * Body at 512). The cut is byte-wise, not on a character boundary.
 *
 * Returns: the cap in bytes, or 0 if the watch keeps the whole value
 */
gsize
wb_timeline_attribute_max_len(guint8 id)
{
	switch (id) {
	case WB_TIMELINE_ATTR_TITLE:
		return WB_TIMELINE_TITLE_MAX_LEN;
	case WB_TIMELINE_ATTR_SUBTITLE:
		return WB_TIMELINE_SUBTITLE_MAX_LEN;
	case WB_TIMELINE_ATTR_BODY:
		return WB_TIMELINE_BODY_MAX_LEN;
	case WB_TIMELINE_ATTR_SUBTITLE_TEMPLATE_STRING:
		return WB_TIMELINE_GLANCE_SUBTITLE_MAX_LEN;
	default:
		break;
	}
	if (wb_timeline_attribute_type_for_id(id) == WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST)
		return WB_TIMELINE_STRING_LIST_MAX_LEN;
	return 0;
}

/**
 * wb_timeline_attribute_new:
 * @id: the attribute id
 * @data: (array length=len) (nullable): the raw value; may be %NULL when @len is 0
 * @len: its length
 *
 * Returns: (transfer full): a new attribute holding a copy of @data
 */
WbTimelineAttribute *
wb_timeline_attribute_new(guint8 id, const guint8 *data, gsize len)
{
	WbTimelineAttribute *attr = g_new0(WbTimelineAttribute, 1);

	attr->id = id;
	attr->value = g_bytes_new(len > 0 ? data : NULL, len);
	return attr;
}

/**
 * wb_timeline_attribute_new_string:
 * @id: a string attribute id
 * @s: (nullable): UTF-8 text; %NULL is empty. Written without a terminator.
 *
 * The text is not cut to wb_timeline_attribute_max_len(): the watch does that itself.
 *
 * Returns: (transfer full): a new attribute
 */
WbTimelineAttribute *
wb_timeline_attribute_new_string(guint8 id, const gchar *s)
{
	if (s == NULL)
		s = "";
	return wb_timeline_attribute_new(id, (const guint8 *)s, strlen(s));
}

/**
 * wb_timeline_attribute_new_u8:
 * @id: a u8 attribute id (a colour, a flag…)
 * @v: the value
 *
 * Returns: (transfer full): a new attribute
 */
WbTimelineAttribute *
wb_timeline_attribute_new_u8(guint8 id, guint8 v)
{
	return wb_timeline_attribute_new(id, &v, 1);
}

/**
 * wb_timeline_attribute_new_u32:
 * @id: a u32 or resource-id attribute id
 * @v: the value, written little-endian (for icons: `WB_TIMELINE_SYSTEM_ICON(id)`)
 *
 * Returns: (transfer full): a new attribute
 */
WbTimelineAttribute *
wb_timeline_attribute_new_u32(guint8 id, guint32 v)
{
	guint8 b[4] = {(guint8)v, (guint8)(v >> 8), (guint8)(v >> 16), (guint8)(v >> 24)};
	return wb_timeline_attribute_new(id, b, sizeof(b));
}

/**
 * wb_timeline_attribute_new_string_list:
 * @id: a string-list attribute id (e.g. CannedResponses)
 * @strv: (nullable) (array zero-terminated=1): the strings; %NULL is an empty list
 *
 * §3.6: the strings are joined with NUL separators and no trailing NUL (a trailing NUL would
 * add an empty entry on the watch).
 *
 * Returns: (transfer full): a new attribute
 */
WbTimelineAttribute *
wb_timeline_attribute_new_string_list(guint8 id, const gchar *const *strv)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	WbTimelineAttribute *attr = g_new0(WbTimelineAttribute, 1);

	for (guint i = 0; strv != NULL && strv[i] != NULL; i++) {
		if (i > 0)
			wb_put_u8(buf, 0);
		wb_put_bytes(buf, strv[i], strlen(strv[i]));
	}
	attr->id = id;
	attr->value = g_byte_array_free_to_bytes(g_steal_pointer(&buf));
	return attr;
}

/**
 * wb_timeline_attribute_new_u32_list:
 * @id: a u32-list attribute id (MetricIcons, VibrationPattern)
 * @values: (array length=n_values) (nullable): the values
 * @n_values: how many; at most 65535
 *
 * §3.6: u16 LE count, two zero padding bytes (the firmware's `Uint32List` struct is not packed),
 * then the values as u32 LE.
 *
 * Returns: (transfer full): a new attribute
 */
WbTimelineAttribute *
wb_timeline_attribute_new_u32_list(guint8 id, const guint32 *values, gsize n_values)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	WbTimelineAttribute *attr;

	g_return_val_if_fail(n_values <= G_MAXUINT16, NULL);
	wb_put_u16_le(buf, (guint16)n_values);
	wb_put_zeros(buf, 2);
	for (gsize i = 0; i < n_values; i++)
		wb_put_u32_le(buf, values[i]);
	attr = g_new0(WbTimelineAttribute, 1);
	attr->id = id;
	attr->value = g_byte_array_free_to_bytes(g_steal_pointer(&buf));
	return attr;
}

/**
 * wb_timeline_attribute_copy:
 * @attr: an attribute
 *
 * Returns: (transfer full): a copy (the value bytes are shared, they are immutable)
 */
WbTimelineAttribute *
wb_timeline_attribute_copy(const WbTimelineAttribute *attr)
{
	WbTimelineAttribute *copy = g_new0(WbTimelineAttribute, 1);

	copy->id = attr->id;
	copy->value = attr->value != NULL ? g_bytes_ref(attr->value) : g_bytes_new(NULL, 0);
	return copy;
}

/**
 * wb_timeline_attribute_free:
 * @attr: (nullable): an attribute
 *
 * Frees @attr and its value.
 */
void
wb_timeline_attribute_free(WbTimelineAttribute *attr)
{
	if (attr == NULL)
		return;
	g_clear_pointer(&attr->value, g_bytes_unref);
	g_free(attr);
}

/**
 * wb_timeline_attribute_get_data:
 * @attr: an attribute
 * @out_len: (out): the value's length
 *
 * Returns: (transfer none) (nullable) (array length=out_len): the raw value bytes
 */
const guint8 *
wb_timeline_attribute_get_data(const WbTimelineAttribute *attr, gsize *out_len)
{
	if (attr->value == NULL) {
		*out_len = 0;
		return NULL;
	}
	return g_bytes_get_data(attr->value, out_len);
}

/**
 * wb_timeline_attribute_dup_string:
 * @attr: a string attribute
 *
 * Returns: (transfer full): the value as valid UTF-8, ending at the first NUL if there is one
 */
gchar *
wb_timeline_attribute_dup_string(const WbTimelineAttribute *attr)
{
	gsize len;
	const guint8 *data = wb_timeline_attribute_get_data(attr, &len);

	return wb_proto_string_from_bytes(data, len);
}

/**
 * wb_timeline_attribute_get_u8:
 * @attr: a u8 attribute
 * @out_value: (out): the value, written only on success
 *
 * Returns: %TRUE if the value is exactly one byte
 */
gboolean
wb_timeline_attribute_get_u8(const WbTimelineAttribute *attr, guint8 *out_value)
{
	gsize len;
	const guint8 *data = wb_timeline_attribute_get_data(attr, &len);

	if (len != 1)
		return FALSE;
	*out_value = data[0];
	return TRUE;
}

/**
 * wb_timeline_attribute_get_u32:
 * @attr: a u32 or resource-id attribute
 * @out_value: (out): the value, written only on success
 *
 * Returns: %TRUE if the value is exactly four bytes
 */
gboolean
wb_timeline_attribute_get_u32(const WbTimelineAttribute *attr, guint32 *out_value)
{
	gsize len;
	const guint8 *data = wb_timeline_attribute_get_data(attr, &len);
	WbReader r;

	if (len != 4)
		return FALSE;
	wb_reader_init(&r, data, len);
	*out_value = wb_reader_u32_le(&r);
	return TRUE;
}

/**
 * wb_timeline_attribute_dup_string_list:
 * @attr: a string-list attribute
 *
 * Splits the value at its NUL separators. An empty value is an empty list; a trailing NUL gives
 * a trailing empty string, as on the watch.
 *
 * Returns: (transfer full) (array zero-terminated=1): the strings, each valid UTF-8
 */
gchar **
wb_timeline_attribute_dup_string_list(const WbTimelineAttribute *attr)
{
	g_autoptr(GPtrArray) strv = g_ptr_array_new_with_free_func(g_free);
	gsize len;
	const guint8 *data = wb_timeline_attribute_get_data(attr, &len);
	gsize start = 0;

	if (len > 0) {
		for (gsize i = 0; i <= len; i++) {
			if (i < len && data[i] != 0)
				continue;
			g_ptr_array_add(strv, wb_proto_string_from_bytes(data + start, i - start));
			start = i + 1;
		}
	}
	g_ptr_array_add(strv, NULL);
	return (gchar **)g_ptr_array_free(g_steal_pointer(&strv), FALSE);
}

/* Length of a well-formed u32 list value with the count found in @data, or 0 if too short. */
static gsize
wb_timeline_u32_list_expected_len(const guint8 *data, gsize len)
{
	if (len < WB_TIMELINE_U32_LIST_HEADER_LEN)
		return 0;
	return WB_TIMELINE_U32_LIST_HEADER_LEN + 4 * (gsize)(data[0] | (data[1] << 8));
}

/**
 * wb_timeline_attribute_dup_u32_list:
 * @attr: a u32-list attribute
 *
 * Returns: (transfer full) (nullable) (element-type guint32): the values, or %NULL if the
 * value is not a well-formed list
 */
GArray *
wb_timeline_attribute_dup_u32_list(const WbTimelineAttribute *attr)
{
	gsize len;
	const guint8 *data = wb_timeline_attribute_get_data(attr, &len);
	GArray *values;
	WbReader r;
	guint16 count;

	if (len < WB_TIMELINE_U32_LIST_HEADER_LEN ||
	    wb_timeline_u32_list_expected_len(data, len) != len)
		return NULL;
	wb_reader_init(&r, data, len);
	count = wb_reader_u16_le(&r);
	wb_reader_skip(&r, 2);
	values = g_array_sized_new(FALSE, FALSE, sizeof(guint32), count);
	for (guint i = 0; i < count; i++) {
		guint32 v = wb_reader_u32_le(&r);
		g_array_append_val(values, v);
	}
	return values;
}

/**
 * wb_timeline_attribute_check:
 * @attr: an attribute
 * @error: return location for a #GError
 *
 * Checks what the wire format constrains: the value fits the 16-bit length, and an attribute
 * of a known fixed-size type has exactly that size (the firmware stops parsing an item's
 * remaining attributes at the first one that does not, FW `prv_deserialize_attribute`).
 * Unknown ids are accepted as they are.
 *
 * Returns: %TRUE if @attr can be sent
 */
gboolean
wb_timeline_attribute_check(const WbTimelineAttribute *attr, GError **error)
{
	gsize len;
	const guint8 *data = wb_timeline_attribute_get_data(attr, &len);
	gsize want = 0;

	if (len > G_MAXUINT16) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "attribute %u: %" G_GSIZE_FORMAT " bytes, the most is %u", attr->id,
			    len, G_MAXUINT16);
		return FALSE;
	}
	switch (wb_timeline_attribute_type_for_id(attr->id)) {
	case WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN:
	case WB_TIMELINE_ATTRIBUTE_TYPE_STRING:
	case WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST:
		return TRUE;
	case WB_TIMELINE_ATTRIBUTE_TYPE_U8:
		want = 1;
		break;
	case WB_TIMELINE_ATTRIBUTE_TYPE_U32:
	case WB_TIMELINE_ATTRIBUTE_TYPE_RESOURCE:
		want = 4;
		break;
	case WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST:
		want = wb_timeline_u32_list_expected_len(data, len);
		if (want == 0) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "attribute %u: a u32 list needs at least 4 bytes, got "
				    "%" G_GSIZE_FORMAT,
				    attr->id, len);
			return FALSE;
		}
		break;
	}
	if (len != want) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "attribute %u: value must be %" G_GSIZE_FORMAT
			    " bytes, got %" G_GSIZE_FORMAT,
			    attr->id, want, len);
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_timeline_attributes_find:
 * @attributes: (nullable) (element-type WbTimelineAttribute): an attribute list
 * @id: the attribute id
 *
 * Returns: (transfer none) (nullable): the first attribute with @id
 */
const WbTimelineAttribute *
wb_timeline_attributes_find(const GPtrArray *attributes, guint8 id)
{
	if (attributes == NULL)
		return NULL;
	for (guint i = 0; i < attributes->len; i++) {
		const WbTimelineAttribute *attr = g_ptr_array_index(attributes, i);
		if (attr->id == id)
			return attr;
	}
	return NULL;
}

/* Appends to a list that may not exist yet. */
static void
wb_timeline_attributes_append(GPtrArray **list, WbTimelineAttribute *attr)
{
	g_return_if_fail(attr != NULL);
	if (*list == NULL)
		*list = g_ptr_array_new_with_free_func((GDestroyNotify)wb_timeline_attribute_free);
	g_ptr_array_add(*list, attr);
}

static void
wb_timeline_actions_append(GPtrArray **list, WbTimelineAction *action)
{
	g_return_if_fail(action != NULL);
	if (*list == NULL)
		*list = g_ptr_array_new_with_free_func((GDestroyNotify)wb_timeline_action_free);
	g_ptr_array_add(*list, action);
}

/**
 * wb_timeline_action_new:
 * @id: the action id, echoed by the watch in InvokeAction
 * @type: the action type
 *
 * Returns: (transfer full): a new action without attributes
 */
WbTimelineAction *
wb_timeline_action_new(guint8 id, WbTimelineActionType type)
{
	WbTimelineAction *action = g_new0(WbTimelineAction, 1);

	action->id = id;
	action->type = type;
	return action;
}

/**
 * wb_timeline_action_free:
 * @action: (nullable): an action
 *
 * Frees @action and its attributes.
 */
void
wb_timeline_action_free(WbTimelineAction *action)
{
	if (action == NULL)
		return;
	g_clear_pointer(&action->attributes, g_ptr_array_unref);
	g_free(action);
}

/**
 * wb_timeline_action_add_attribute:
 * @action: an action
 * @attr: (transfer full): the attribute to append
 *
 * Appends @attr (duplicates are not merged: the wire format allows them).
 */
void
wb_timeline_action_add_attribute(WbTimelineAction *action, WbTimelineAttribute *attr)
{
	wb_timeline_attributes_append(&action->attributes, attr);
}

/**
 * wb_timeline_action_add_string:
 * @action: an action
 * @id: a string attribute id, usually %WB_TIMELINE_ATTR_TITLE (the menu label)
 * @s: (nullable): the text
 *
 * Appends a string attribute.
 */
void
wb_timeline_action_add_string(WbTimelineAction *action, WbTimelineAttributeId id, const gchar *s)
{
	wb_timeline_action_add_attribute(action, wb_timeline_attribute_new_string(id, s));
}

/**
 * wb_timeline_action_add_u8:
 * @action: an action
 * @id: a u8 attribute id (e.g. %WB_TIMELINE_ATTR_EMOJI_SUPPORTED)
 * @v: the value
 *
 * Appends a u8 attribute.
 */
void
wb_timeline_action_add_u8(WbTimelineAction *action, WbTimelineAttributeId id, guint8 v)
{
	wb_timeline_action_add_attribute(action, wb_timeline_attribute_new_u8(id, v));
}

/**
 * wb_timeline_action_add_u32:
 * @action: an action
 * @id: a u32 or resource attribute id (e.g. %WB_TIMELINE_ATTR_LAUNCH_CODE)
 * @v: the value
 *
 * Appends a u32 attribute.
 */
void
wb_timeline_action_add_u32(WbTimelineAction *action, WbTimelineAttributeId id, guint32 v)
{
	wb_timeline_action_add_attribute(action, wb_timeline_attribute_new_u32(id, v));
}

/**
 * wb_timeline_action_add_string_list:
 * @action: an action
 * @id: a string-list attribute id, usually %WB_TIMELINE_ATTR_CANNED_RESPONSES
 * @strv: (nullable) (array zero-terminated=1): the strings
 *
 * Appends a string-list attribute.
 */
void
wb_timeline_action_add_string_list(WbTimelineAction *action, WbTimelineAttributeId id,
				   const gchar *const *strv)
{
	wb_timeline_action_add_attribute(action, wb_timeline_attribute_new_string_list(id, strv));
}

/**
 * wb_timeline_item_add_attribute:
 * @item: an item
 * @attr: (transfer full): the attribute to append
 *
 * Appends @attr. The watch shows the attributes in its own fixed order, whatever their order
 * in the item (pebbleos-rendering.md §1).
 */
void
wb_timeline_item_add_attribute(WbTimelineItem *item, WbTimelineAttribute *attr)
{
	wb_timeline_attributes_append(&item->attributes, attr);
}

/**
 * wb_timeline_item_add_string:
 * @item: an item
 * @id: a string attribute id
 * @s: (nullable): the text
 *
 * Appends a string attribute (see wb_timeline_attribute_new_string()).
 */
void
wb_timeline_item_add_string(WbTimelineItem *item, WbTimelineAttributeId id, const gchar *s)
{
	wb_timeline_item_add_attribute(item, wb_timeline_attribute_new_string(id, s));
}

/**
 * wb_timeline_item_add_u8:
 * @item: an item
 * @id: a u8 attribute id
 * @v: the value
 *
 * Appends a u8 attribute.
 */
void
wb_timeline_item_add_u8(WbTimelineItem *item, WbTimelineAttributeId id, guint8 v)
{
	wb_timeline_item_add_attribute(item, wb_timeline_attribute_new_u8(id, v));
}

/**
 * wb_timeline_item_add_u32:
 * @item: an item
 * @id: a u32 or resource attribute id
 * @v: the value (for icons: `WB_TIMELINE_SYSTEM_ICON(id)`)
 *
 * Appends a u32 attribute.
 */
void
wb_timeline_item_add_u32(WbTimelineItem *item, WbTimelineAttributeId id, guint32 v)
{
	wb_timeline_item_add_attribute(item, wb_timeline_attribute_new_u32(id, v));
}

/**
 * wb_timeline_item_add_string_list:
 * @item: an item
 * @id: a string-list attribute id
 * @strv: (nullable) (array zero-terminated=1): the strings
 *
 * Appends a string-list attribute.
 */
void
wb_timeline_item_add_string_list(WbTimelineItem *item, WbTimelineAttributeId id,
				 const gchar *const *strv)
{
	wb_timeline_item_add_attribute(item, wb_timeline_attribute_new_string_list(id, strv));
}

/**
 * wb_timeline_item_add_u32_list:
 * @item: an item
 * @id: a u32-list attribute id
 * @values: (array length=n_values) (nullable): the values
 * @n_values: how many; at most 65535
 *
 * Appends a u32-list attribute.
 */
void
wb_timeline_item_add_u32_list(WbTimelineItem *item, WbTimelineAttributeId id, const guint32 *values,
			      gsize n_values)
{
	wb_timeline_item_add_attribute(item,
				       wb_timeline_attribute_new_u32_list(id, values, n_values));
}

/**
 * wb_timeline_item_add_action:
 * @item: an item
 * @action: (transfer full): the action to append
 *
 * Appends an action; the watch lists Dismiss-type actions first, then the others in item
 * order (pebbleos-rendering.md §3).
 */
void
wb_timeline_item_add_action(WbTimelineItem *item, WbTimelineAction *action)
{
	wb_timeline_actions_append(&item->actions, action);
}

/**
 * wb_timeline_item_find_attribute:
 * @item: an item
 * @id: the attribute id
 *
 * Returns: (transfer none) (nullable): the item's first attribute with @id
 */
const WbTimelineAttribute *
wb_timeline_item_find_attribute(const WbTimelineItem *item, guint8 id)
{
	return wb_timeline_attributes_find(item->attributes, id);
}

/**
 * wb_timeline_item_find_action:
 * @item: an item
 * @action_id: the action id from an InvokeAction
 *
 * Returns: (transfer none) (nullable): the item's first action with @action_id
 */
const WbTimelineAction *
wb_timeline_item_find_action(const WbTimelineItem *item, guint8 action_id)
{
	if (item->actions == NULL)
		return NULL;
	for (guint i = 0; i < item->actions->len; i++) {
		const WbTimelineAction *action = g_ptr_array_index(item->actions, i);
		if (action->id == action_id)
			return action;
	}
	return NULL;
}

/**
 * wb_timeline_item_clear:
 * @item: an item
 *
 * Frees the attributes and actions and zeroes @item. Accepts a zeroed item.
 */
void
wb_timeline_item_clear(WbTimelineItem *item)
{
	g_clear_pointer(&item->attributes, g_ptr_array_unref);
	g_clear_pointer(&item->actions, g_ptr_array_unref);
	memset(item, 0, sizeof(*item));
}

/* -------------------------------------------------------------------------------------------- */
/* Attribute and action lists (§3.5), shared by items and the action endpoint */

static guint
wb_timeline_list_len(const GPtrArray *list)
{
	return list != NULL ? list->len : 0;
}

/* Checks a list before anything is written, so a failing encoder leaves its buffer alone. */
static gboolean
wb_timeline_check_attributes(const GPtrArray *attributes, const gchar *what, GError **error)
{
	guint n = wb_timeline_list_len(attributes);

	if (n > G_MAXUINT8) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "%s: %u attributes, the most is %u", what, n, G_MAXUINT8);
		return FALSE;
	}
	for (guint i = 0; i < n; i++) {
		if (!wb_timeline_attribute_check(g_ptr_array_index(attributes, i), error)) {
			g_prefix_error(error, "%s: ", what);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
wb_timeline_check_actions(const GPtrArray *actions, const gchar *what, GError **error)
{
	guint n = wb_timeline_list_len(actions);

	if (n > G_MAXUINT8) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "%s: %u actions, the most is %u", what, n, G_MAXUINT8);
		return FALSE;
	}
	for (guint i = 0; i < n; i++) {
		const WbTimelineAction *action = g_ptr_array_index(actions, i);

		if ((guint)action->type > G_MAXUINT8) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "%s: action %u has type %u, not a byte", what, action->id,
				    (guint)action->type);
			return FALSE;
		}
		if (!wb_timeline_check_attributes(action->attributes, "action", error)) {
			g_prefix_error(error, "%s: ", what);
			return FALSE;
		}
	}
	return TRUE;
}

static void
wb_timeline_put_attributes(GByteArray *out, const GPtrArray *attributes)
{
	for (guint i = 0; i < wb_timeline_list_len(attributes); i++) {
		const WbTimelineAttribute *attr = g_ptr_array_index(attributes, i);
		gsize len;
		const guint8 *data = wb_timeline_attribute_get_data(attr, &len);

		wb_put_u8(out, attr->id);
		wb_put_u16_le(out, (guint16)len);
		wb_put_bytes(out, data, len);
	}
}

static void
wb_timeline_put_actions(GByteArray *out, const GPtrArray *actions)
{
	for (guint i = 0; i < wb_timeline_list_len(actions); i++) {
		const WbTimelineAction *action = g_ptr_array_index(actions, i);

		wb_put_u8(out, action->id);
		wb_put_u8(out, (guint8)action->type);
		wb_put_u8(out, (guint8)wb_timeline_list_len(action->attributes));
		wb_timeline_put_attributes(out, action->attributes);
	}
}

/*
 * Reads @n attributes. Running out of bytes is reported with @overrun_code: TRUNCATED when the
 * reader covers the whole message, BAD_VALUE when it covers a payload whose declared length
 * was fully present (then the counts or lengths inside are what is wrong).
 */
static gboolean
wb_timeline_read_attributes(WbReader *r, guint n, GPtrArray **out_list, gint overrun_code,
			    const gchar *what, GError **error)
{
	g_autoptr(GPtrArray) list = NULL;

	for (guint i = 0; i < n; i++) {
		g_autoptr(WbTimelineAttribute) attr = NULL;
		guint8 id = wb_reader_u8(r);
		guint16 len = wb_reader_u16_le(r);
		const guint8 *data = wb_reader_bytes(r, len);

		if (!wb_reader_ok(r)) {
			g_set_error(error, WB_PROTO_ERROR, overrun_code,
				    "%s: attribute %u of %u runs past the end", what, i + 1, n);
			return FALSE;
		}
		attr = wb_timeline_attribute_new(id, data, len);
		if (!wb_timeline_attribute_check(attr, error)) {
			g_prefix_error(error, "%s: ", what);
			return FALSE;
		}
		wb_timeline_attributes_append(&list, g_steal_pointer(&attr));
	}
	*out_list = g_steal_pointer(&list);
	return TRUE;
}

static gboolean
wb_timeline_read_actions(WbReader *r, guint n, GPtrArray **out_list, gint overrun_code,
			 const gchar *what, GError **error)
{
	g_autoptr(GPtrArray) list = NULL;

	for (guint i = 0; i < n; i++) {
		g_autoptr(WbTimelineAction) action = NULL;
		guint8 id = wb_reader_u8(r);
		guint8 type = wb_reader_u8(r);
		guint8 n_attributes = wb_reader_u8(r);

		if (!wb_reader_ok(r)) {
			g_set_error(error, WB_PROTO_ERROR, overrun_code,
				    "%s: action %u of %u runs past the end", what, i + 1, n);
			return FALSE;
		}
		/* §3.8: unknown action types are kept, the firmware stores them too */
		action = wb_timeline_action_new(id, (WbTimelineActionType)type);
		if (!wb_timeline_read_attributes(r, n_attributes, &action->attributes, overrun_code,
						 "action", error)) {
			g_prefix_error(error, "%s: ", what);
			return FALSE;
		}
		wb_timeline_actions_append(&list, g_steal_pointer(&action));
	}
	*out_list = g_steal_pointer(&list);
	return TRUE;
}

/* -------------------------------------------------------------------------------------------- */
/* TimelineItem (§3.5) */

static gboolean
wb_timeline_item_type_is_valid(guint type)
{
	switch ((WbTimelineItemType)type) {
	case WB_TIMELINE_ITEM_TYPE_NOTIFICATION:
	case WB_TIMELINE_ITEM_TYPE_PIN:
	case WB_TIMELINE_ITEM_TYPE_REMINDER:
		return TRUE;
	}
	return FALSE;
}

static gboolean
wb_timeline_item_check_header(guint type, guint layout, GError **error)
{
	if (!wb_timeline_item_type_is_valid(type)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "timeline item: type '%u' is not notification, pin or reminder", type);
		return FALSE;
	}
	/* pebbleos-rendering.md §2: a stored layout >= 10 wipes the notification storage and
	 * makes the watch fault and reboot */
	if (layout >= WB_TIMELINE_LAYOUT_COUNT) {
		g_set_error(
			error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			"timeline item: layout '%u' is out of range (the watch crashes on >= %u)",
			layout, WB_TIMELINE_LAYOUT_COUNT);
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_timeline_item_decode:
 * @buf: (array length=len): a serialized TimelineItem (a BlobDB value)
 * @len: its length
 * @out: (out caller-allocates): the item; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes the 46-byte header, then exactly payload_length bytes of attributes and actions.
 * The buffer must end with the payload (fewer bytes: TRUNCATED, more: TRAILING_DATA); the
 * counts and attribute lengths must fill the payload exactly (else BAD_VALUE), fixed-size
 * attributes must have their size, the type must be 1–3 and the layout below 10.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_timeline_item_decode(const guint8 *buf, gsize len, WbTimelineItem *out, GError **error)
{
	g_auto(WbTimelineItem) item = {0};
	WbReader r;
	WbReader payload;
	guint8 type;
	guint8 layout;
	guint16 payload_len;
	guint8 n_attributes;
	guint8 n_actions;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	wb_reader_uuid(&r, &item.id);
	wb_reader_uuid(&r, &item.parent_id);
	item.timestamp = wb_reader_u32_le(&r);
	item.duration = wb_reader_u16_le(&r);
	type = wb_reader_u8(&r);
	item.flags = wb_reader_u8(&r);
	item.status = wb_reader_u8(&r);
	layout = wb_reader_u8(&r);
	payload_len = wb_reader_u16_le(&r);
	n_attributes = wb_reader_u8(&r);
	n_actions = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "timeline item header", error))
		return FALSE;
	if (!wb_timeline_item_check_header(type, layout, error))
		return FALSE;
	item.type = (WbTimelineItemType)type;
	item.layout = (WbTimelineLayout)layout;

	if (wb_reader_remaining(&r) < payload_len) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED,
			    "timeline item: payload_length is %u but %" G_GSIZE_FORMAT
			    " bytes follow the header",
			    payload_len, wb_reader_remaining(&r));
		return FALSE;
	}
	if (wb_reader_remaining(&r) > payload_len) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA,
			    "timeline item: payload_length is %u but %" G_GSIZE_FORMAT
			    " bytes follow the header",
			    payload_len, wb_reader_remaining(&r));
		return FALSE;
	}
	wb_reader_init(&payload, wb_reader_bytes(&r, payload_len), payload_len);
	if (!wb_timeline_read_attributes(&payload, n_attributes, &item.attributes,
					 WB_PROTO_ERROR_BAD_VALUE, "timeline item", error))
		return FALSE;
	if (!wb_timeline_read_actions(&payload, n_actions, &item.actions, WB_PROTO_ERROR_BAD_VALUE,
				      "timeline item", error))
		return FALSE;
	if (wb_reader_remaining(&payload) != 0) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "timeline item: payload_length is %u but the attributes and actions "
			    "take %" G_GSIZE_FORMAT,
			    payload_len, payload_len - wb_reader_remaining(&payload));
		return FALSE;
	}
	*out = item;
	memset(&item, 0, sizeof(item));
	return TRUE;
}

/**
 * wb_timeline_item_encode:
 * @item: the item
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends the 46-byte header, the attributes and the actions, with payload_length and the
 * counts filled in. Fails with BAD_VALUE for a type outside 1–3, a layout of 10 or more (the
 * watch would crash) or a fixed-size attribute of the wrong size, and with TOO_LONG for more
 * than 255 attributes or actions or a payload over 65535 bytes.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_timeline_item_encode(const WbTimelineItem *item, GByteArray *out, GError **error)
{
	gsize start = out->len;
	gsize payload_start;
	gsize payload_len;

	if (!wb_timeline_item_check_header(item->type, item->layout, error))
		return FALSE;
	if (!wb_timeline_check_attributes(item->attributes, "timeline item", error))
		return FALSE;
	if (!wb_timeline_check_actions(item->actions, "timeline item", error))
		return FALSE;

	wb_put_uuid(out, &item->id);
	wb_put_uuid(out, &item->parent_id);
	wb_put_u32_le(out, item->timestamp);
	wb_put_u16_le(out, item->duration);
	wb_put_u8(out, (guint8)item->type);
	wb_put_u8(out, item->flags);
	wb_put_u8(out, item->status);
	wb_put_u8(out, (guint8)item->layout);
	wb_put_u16_le(out, 0); /* payload_length, patched below */
	wb_put_u8(out, (guint8)wb_timeline_list_len(item->attributes));
	wb_put_u8(out, (guint8)wb_timeline_list_len(item->actions));
	payload_start = out->len;
	wb_timeline_put_attributes(out, item->attributes);
	wb_timeline_put_actions(out, item->actions);

	payload_len = out->len - payload_start;
	if (payload_len > G_MAXUINT16) {
		g_byte_array_set_size(out, (guint)start);
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "timeline item: payload of %" G_GSIZE_FORMAT " bytes, the most is %u",
			    payload_len, G_MAXUINT16);
		return FALSE;
	}
	wb_set_u16_le(out, start + WB_TIMELINE_PAYLOAD_LENGTH_OFFSET, (guint16)payload_len);
	return TRUE;
}

/* -------------------------------------------------------------------------------------------- */
/* Timeline action endpoint 0x2CB0 (§3.9) */

/**
 * wb_timeline_invoke_action_add_attribute:
 * @msg: an InvokeAction
 * @attr: (transfer full): the attribute to append
 *
 * Appends an attribute (e.g. Title = reply text).
 */
void
wb_timeline_invoke_action_add_attribute(WbTimelineInvokeAction *msg, WbTimelineAttribute *attr)
{
	wb_timeline_attributes_append(&msg->attributes, attr);
}

/**
 * wb_timeline_invoke_action_clear:
 * @msg: an InvokeAction
 *
 * Frees the attributes and zeroes @msg. Accepts a zeroed struct.
 */
void
wb_timeline_invoke_action_clear(WbTimelineInvokeAction *msg)
{
	g_clear_pointer(&msg->attributes, g_ptr_array_unref);
	memset(msg, 0, sizeof(*msg));
}

static gboolean
wb_timeline_command_is_invoke(guint command)
{
	return command == WB_TIMELINE_ACTION_COMMAND_INVOKE ||
	       command == WB_TIMELINE_ACTION_COMMAND_INVOKE_ANCS;
}

static gboolean
wb_timeline_command_is_response(guint command)
{
	return command == WB_TIMELINE_ACTION_COMMAND_RESPONSE ||
	       command == WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS;
}

/**
 * wb_timeline_invoke_action_decode:
 * @buf: (array length=len): an endpoint 0x2CB0 payload from the watch
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes an InvokeAction (command 0x02 or 0x03; anything else is UNKNOWN_TYPE). The message
 * must end with its last attribute.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_timeline_invoke_action_decode(const guint8 *buf, gsize len, WbTimelineInvokeAction *out,
				 GError **error)
{
	g_auto(WbTimelineInvokeAction) msg = {0};
	WbReader r;
	guint8 command;
	guint8 n_attributes;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "invoke action", error))
		return FALSE;
	if (!wb_timeline_command_is_invoke(command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "invoke action: unknown command 0x%02x", command);
		return FALSE;
	}
	msg.command = (WbTimelineActionCommand)command;
	wb_reader_uuid(&r, &msg.item_id);
	msg.action_id = wb_reader_u8(&r);
	n_attributes = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "invoke action", error))
		return FALSE;
	if (!wb_timeline_read_attributes(&r, n_attributes, &msg.attributes,
					 WB_PROTO_ERROR_TRUNCATED, "invoke action", error))
		return FALSE;
	if (!wb_reader_check_end(&r, "invoke action", error))
		return FALSE;
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

/**
 * wb_timeline_invoke_action_encode:
 * @msg: the message
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends an InvokeAction as the watch sends it (used by the simulated watch).
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_timeline_invoke_action_encode(const WbTimelineInvokeAction *msg, GByteArray *out, GError **error)
{
	if (!wb_timeline_command_is_invoke(msg->command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "invoke action: command 0x%02x is not an InvokeAction",
			    (guint)msg->command);
		return FALSE;
	}
	if (!wb_timeline_check_attributes(msg->attributes, "invoke action", error))
		return FALSE;
	wb_put_u8(out, (guint8)msg->command);
	wb_put_uuid(out, &msg->item_id);
	wb_put_u8(out, msg->action_id);
	wb_put_u8(out, (guint8)wb_timeline_list_len(msg->attributes));
	wb_timeline_put_attributes(out, msg->attributes);
	return TRUE;
}

/**
 * wb_timeline_action_response_add_attribute:
 * @msg: an ActionResponse
 * @attr: (transfer full): the attribute to append (Subtitle = result text, LargeIcon = icon)
 *
 * Appends an attribute.
 */
void
wb_timeline_action_response_add_attribute(WbTimelineActionResponse *msg, WbTimelineAttribute *attr)
{
	wb_timeline_attributes_append(&msg->attributes, attr);
}

/**
 * wb_timeline_action_response_add_action:
 * @msg: an ActionResponse with command %WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS
 * @action: (transfer full): the follow-up action to append
 *
 * Appends a follow-up action.
 */
void
wb_timeline_action_response_add_action(WbTimelineActionResponse *msg, WbTimelineAction *action)
{
	wb_timeline_actions_append(&msg->actions, action);
}

/**
 * wb_timeline_action_response_clear:
 * @msg: an ActionResponse
 *
 * Frees the attributes and actions and zeroes @msg. Accepts a zeroed struct.
 */
void
wb_timeline_action_response_clear(WbTimelineActionResponse *msg)
{
	g_clear_pointer(&msg->attributes, g_ptr_array_unref);
	g_clear_pointer(&msg->actions, g_ptr_array_unref);
	memset(msg, 0, sizeof(*msg));
}

static gboolean
wb_timeline_response_is_valid(guint response)
{
	switch ((WbTimelineResponse)response) {
	case WB_TIMELINE_RESPONSE_ACK:
	case WB_TIMELINE_RESPONSE_NACK:
	case WB_TIMELINE_RESPONSE_ACK_ANCS_DISMISS:
	case WB_TIMELINE_RESPONSE_NACK_CONTACT_AMBIGUITY:
	case WB_TIMELINE_RESPONSE_NACK_CONTACT_NOT_FOUND:
	case WB_TIMELINE_RESPONSE_NACK_ADDRESS_AMBIGUITY:
	case WB_TIMELINE_RESPONSE_NACK_ADDRESS_NOT_FOUND:
	case WB_TIMELINE_RESPONSE_NACK_GROUP_SMS_NOT_SUPPORTED:
	case WB_TIMELINE_RESPONSE_NACK_START_REPLY:
		return TRUE;
	}
	return FALSE;
}

/**
 * wb_timeline_action_response_decode:
 * @buf: (array length=len): an endpoint 0x2CB0 payload from the phone
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes an ActionResponse (command 0x11, or 0x12 with an action count and actions; anything
 * else is UNKNOWN_TYPE). The response code must be one of §3.9, the message must end with its
 * last attribute or action and fit %WB_FRAME_MAX_WATCH_INBOUND.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_timeline_action_response_decode(const guint8 *buf, gsize len, WbTimelineActionResponse *out,
				   GError **error)
{
	g_auto(WbTimelineActionResponse) msg = {0};
	WbReader r;
	guint8 command;
	guint8 response;
	guint8 n_attributes;
	guint8 n_actions = 0;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "action response", error))
		return FALSE;
	if (!wb_timeline_command_is_response(command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "action response: unknown command 0x%02x", command);
		return FALSE;
	}
	if (len > WB_FRAME_MAX_WATCH_INBOUND) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "action response: %" G_GSIZE_FORMAT
			    " bytes, the watch takes at most %d",
			    len, WB_FRAME_MAX_WATCH_INBOUND);
		return FALSE;
	}
	msg.command = (WbTimelineActionCommand)command;
	wb_reader_uuid(&r, &msg.item_id);
	response = wb_reader_u8(&r);
	n_attributes = wb_reader_u8(&r);
	if (command == WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS)
		n_actions = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "action response", error))
		return FALSE;
	if (!wb_timeline_response_is_valid(response)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "action response: unknown response code 0x%02x", response);
		return FALSE;
	}
	msg.response = (WbTimelineResponse)response;
	if (!wb_timeline_read_attributes(&r, n_attributes, &msg.attributes,
					 WB_PROTO_ERROR_TRUNCATED, "action response", error))
		return FALSE;
	if (!wb_timeline_read_actions(&r, n_actions, &msg.actions, WB_PROTO_ERROR_TRUNCATED,
				      "action response", error))
		return FALSE;
	if (!wb_reader_check_end(&r, "action response", error))
		return FALSE;
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

/**
 * wb_timeline_action_response_encode:
 * @msg: the message
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends an ActionResponse. Actions are only allowed with
 * %WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS (BAD_VALUE otherwise); the whole payload
 * must fit %WB_FRAME_MAX_WATCH_INBOUND (TOO_LONG).
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_timeline_action_response_encode(const WbTimelineActionResponse *msg, GByteArray *out,
				   GError **error)
{
	gsize start = out->len;
	gboolean with_actions = msg->command == WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS;

	if (!wb_timeline_command_is_response(msg->command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "action response: command 0x%02x is not an ActionResponse",
			    (guint)msg->command);
		return FALSE;
	}
	if (!wb_timeline_response_is_valid(msg->response)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "action response: unknown response code 0x%02x", (guint)msg->response);
		return FALSE;
	}
	if (!with_actions && wb_timeline_list_len(msg->actions) > 0) {
		g_set_error_literal(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "action response: actions need command 0x12");
		return FALSE;
	}
	if (!wb_timeline_check_attributes(msg->attributes, "action response", error))
		return FALSE;
	if (!wb_timeline_check_actions(msg->actions, "action response", error))
		return FALSE;

	wb_put_u8(out, (guint8)msg->command);
	wb_put_uuid(out, &msg->item_id);
	wb_put_u8(out, (guint8)msg->response);
	wb_put_u8(out, (guint8)wb_timeline_list_len(msg->attributes));
	if (with_actions)
		wb_put_u8(out, (guint8)wb_timeline_list_len(msg->actions));
	wb_timeline_put_attributes(out, msg->attributes);
	wb_timeline_put_actions(out, msg->actions);
	if (out->len - start > WB_FRAME_MAX_WATCH_INBOUND) {
		gsize len = out->len - start;

		g_byte_array_set_size(out, (guint)start);
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "action response: %" G_GSIZE_FORMAT
			    " bytes, the watch takes at most %d",
			    len, WB_FRAME_MAX_WATCH_INBOUND);
		return FALSE;
	}
	return TRUE;
}
