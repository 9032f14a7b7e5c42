/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * JSON helpers of the simulated watch: how BlobDB records, timeline items and their attributes
 * look in the answers of the control interface (docs/watchsim.md). Names are stable: tests and
 * scripts read them.
 */

#include "wb-sim-json.h"

#include <string.h>

#include "wb-sim-watch.h"

/**
 * wb_sim_hex:
 * @data: (array length=len) (nullable): bytes
 * @len: their number
 *
 * Returns: (transfer full): the bytes as lower-case hex without separators
 */
gchar *
wb_sim_hex(const guint8 *data, gsize len)
{
	static const gchar digits[] = "0123456789abcdef";
	gchar *s = g_new(gchar, len * 2 + 1);

	for (gsize i = 0; i < len; i++) {
		s[2 * i] = digits[data[i] >> 4];
		s[2 * i + 1] = digits[data[i] & 0xf];
	}
	s[len * 2] = '\0';
	return s;
}

/**
 * wb_sim_hex_parse:
 * @hex: hex digits; spaces, colons and dashes between bytes are ignored
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL with a %WB_SIM_ERROR_INVALID_ARGS
 */
GByteArray *
wb_sim_hex_parse(const gchar *hex, GError **error)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	gint hi = -1;

	for (const gchar *p = hex; *p != '\0'; p++) {
		gint v;

		if (*p == ' ' || *p == ':' || *p == '-') {
			if (hi >= 0) {
				g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
					    "'%s': a separator splits a byte", hex);
				return NULL;
			}
			continue;
		}
		v = g_ascii_xdigit_value(*p);
		if (v < 0) {
			g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
				    "'%s' is not hex", hex);
			return NULL;
		}
		if (hi < 0) {
			hi = v;
		} else {
			wb_put_u8(out, (guint8)(hi << 4 | v));
			hi = -1;
		}
	}
	if (hi >= 0) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "'%s' has an odd number of hex digits", hex);
		return NULL;
	}
	return g_steal_pointer(&out);
}

/**
 * wb_sim_attribute_name:
 * @id: a timeline attribute id
 *
 * Returns: (nullable): the JSON name of the attribute (§3.6, snake case), or %NULL if unknown
 */
const gchar *
wb_sim_attribute_name(guint8 id)
{
	switch ((WbTimelineAttributeId)id) {
	case WB_TIMELINE_ATTR_TITLE:
		return "title";
	case WB_TIMELINE_ATTR_SUBTITLE:
		return "subtitle";
	case WB_TIMELINE_ATTR_BODY:
		return "body";
	case WB_TIMELINE_ATTR_TINY_ICON:
		return "tiny_icon";
	case WB_TIMELINE_ATTR_SMALL_ICON:
		return "small_icon";
	case WB_TIMELINE_ATTR_LARGE_ICON:
		return "large_icon";
	case WB_TIMELINE_ATTR_ANCS_ACTION:
		return "ancs_action";
	case WB_TIMELINE_ATTR_CANNED_RESPONSES:
		return "canned_responses";
	case WB_TIMELINE_ATTR_SHORT_TITLE:
		return "short_title";
	case WB_TIMELINE_ATTR_PIN_ICON:
		return "pin_icon";
	case WB_TIMELINE_ATTR_LOCATION_NAME:
		return "location_name";
	case WB_TIMELINE_ATTR_SENDER:
		return "sender";
	case WB_TIMELINE_ATTR_LAUNCH_CODE:
		return "launch_code";
	case WB_TIMELINE_ATTR_LAST_UPDATED:
		return "last_updated";
	case WB_TIMELINE_ATTR_RANK_AWAY:
		return "rank_away";
	case WB_TIMELINE_ATTR_RANK_HOME:
		return "rank_home";
	case WB_TIMELINE_ATTR_NAME_AWAY:
		return "name_away";
	case WB_TIMELINE_ATTR_NAME_HOME:
		return "name_home";
	case WB_TIMELINE_ATTR_RECORD_AWAY:
		return "record_away";
	case WB_TIMELINE_ATTR_RECORD_HOME:
		return "record_home";
	case WB_TIMELINE_ATTR_SCORE_AWAY:
		return "score_away";
	case WB_TIMELINE_ATTR_SCORE_HOME:
		return "score_home";
	case WB_TIMELINE_ATTR_SPORTS_GAME_STATE:
		return "sports_game_state";
	case WB_TIMELINE_ATTR_BROADCASTER:
		return "broadcaster";
	case WB_TIMELINE_ATTR_HEADINGS:
		return "headings";
	case WB_TIMELINE_ATTR_PARAGRAPHS:
		return "paragraphs";
	case WB_TIMELINE_ATTR_PRIMARY_COLOR:
		return "primary_color";
	case WB_TIMELINE_ATTR_BG_COLOR:
		return "bg_color";
	case WB_TIMELINE_ATTR_SECONDARY_COLOR:
		return "secondary_color";
	case WB_TIMELINE_ATTR_APP_NAME:
		return "app_name";
	case WB_TIMELINE_ATTR_DISPLAY_RECURRING:
		return "display_recurring";
	case WB_TIMELINE_ATTR_IOS_APP_IDENTIFIER:
		return "ios_app_identifier";
	case WB_TIMELINE_ATTR_EMOJI_SUPPORTED:
		return "emoji_supported";
	case WB_TIMELINE_ATTR_ANCS_ID:
		return "ancs_id";
	case WB_TIMELINE_ATTR_HEALTH_INSIGHT_TYPE:
		return "health_insight_type";
	case WB_TIMELINE_ATTR_SHORT_SUBTITLE:
		return "short_subtitle";
	case WB_TIMELINE_ATTR_TIMESTAMP:
		return "timestamp";
	case WB_TIMELINE_ATTR_DISPLAY_TIME:
		return "display_time";
	case WB_TIMELINE_ATTR_ADDRESS:
		return "address";
	case WB_TIMELINE_ATTR_MUTE_DAY_OF_WEEK:
		return "mute_day_of_week";
	case WB_TIMELINE_ATTR_METRIC_NAMES:
		return "metric_names";
	case WB_TIMELINE_ATTR_METRIC_VALUES:
		return "metric_values";
	case WB_TIMELINE_ATTR_METRIC_ICONS:
		return "metric_icons";
	case WB_TIMELINE_ATTR_HEALTH_ACTIVITY_TYPE:
		return "health_activity_type";
	case WB_TIMELINE_ATTR_ALARM_KIND:
		return "alarm_kind";
	case WB_TIMELINE_ATTR_AUTH_CODE:
		return "auth_code";
	case WB_TIMELINE_ATTR_SUBTITLE_TEMPLATE_STRING:
		return "subtitle_template_string";
	case WB_TIMELINE_ATTR_ICON:
		return "icon";
	case WB_TIMELINE_ATTR_VIBRATION_PATTERN:
		return "vibration_pattern";
	case WB_TIMELINE_ATTR_MUTE_EXPIRATION:
		return "mute_expiration";
	case WB_TIMELINE_ATTR_NOTIFICATION_FILTERING_RULES:
		return "notification_filtering_rules";
	case WB_TIMELINE_ATTR_IMAGE_ASPECT_RATIO:
		return "image_aspect_ratio";
	}
	return NULL;
}

/**
 * wb_sim_action_type_name:
 * @type: a timeline action type
 *
 * Returns: the JSON name of the action type (§3.8), or "unknown"
 */
const gchar *
wb_sim_action_type_name(guint type)
{
	switch ((WbTimelineActionType)type) {
	case WB_TIMELINE_ACTION_TYPE_ANCS_NEGATIVE:
		return "ancs_negative";
	case WB_TIMELINE_ACTION_TYPE_GENERIC:
		return "generic";
	case WB_TIMELINE_ACTION_TYPE_RESPONSE:
		return "response";
	case WB_TIMELINE_ACTION_TYPE_DISMISS:
		return "dismiss";
	case WB_TIMELINE_ACTION_TYPE_HTTP:
		return "http";
	case WB_TIMELINE_ACTION_TYPE_SNOOZE:
		return "snooze";
	case WB_TIMELINE_ACTION_TYPE_OPEN_WATCH_APP:
		return "open_watch_app";
	case WB_TIMELINE_ACTION_TYPE_EMPTY:
		return "empty";
	case WB_TIMELINE_ACTION_TYPE_REMOVE:
		return "remove";
	case WB_TIMELINE_ACTION_TYPE_OPEN_PIN:
		return "open_pin";
	case WB_TIMELINE_ACTION_TYPE_ANCS_POSITIVE:
		return "ancs_positive";
	case WB_TIMELINE_ACTION_TYPE_ANCS_DIAL:
		return "ancs_dial";
	case WB_TIMELINE_ACTION_TYPE_ANCS_RESPONSE:
		return "ancs_response";
	case WB_TIMELINE_ACTION_TYPE_INSIGHT_RESPONSE:
		return "insight_response";
	case WB_TIMELINE_ACTION_TYPE_ANCS_DELETE:
		return "ancs_delete";
	case WB_TIMELINE_ACTION_TYPE_COMPLETE:
		return "complete";
	case WB_TIMELINE_ACTION_TYPE_POSTPONE:
		return "postpone";
	case WB_TIMELINE_ACTION_TYPE_REMOTE_REMOVE:
		return "remote_remove";
	case WB_TIMELINE_ACTION_TYPE_ANCS_GENERIC:
		return "ancs_generic";
	case WB_TIMELINE_ACTION_TYPE_BLE_HRM_STOP_SHARING:
		return "ble_hrm_stop_sharing";
	}
	return "unknown";
}

/**
 * wb_sim_item_type_name:
 * @type: a timeline item type byte
 *
 * Returns: "notification", "pin", "reminder" or "unknown"
 */
const gchar *
wb_sim_item_type_name(guint type)
{
	switch ((WbTimelineItemType)type) {
	case WB_TIMELINE_ITEM_TYPE_NOTIFICATION:
		return "notification";
	case WB_TIMELINE_ITEM_TYPE_PIN:
		return "pin";
	case WB_TIMELINE_ITEM_TYPE_REMINDER:
		return "reminder";
	}
	return "unknown";
}

/**
 * wb_sim_json_add_uuid:
 * @builder: a builder inside an object
 * @member: the member name
 * @uuid: the UUID
 *
 * Adds @member with the UUID in its textual form.
 */
void
wb_sim_json_add_uuid(JsonBuilder *builder, const gchar *member, const WbUuid *uuid)
{
	g_autofree gchar *s = wb_uuid_to_string(uuid);

	json_builder_set_member_name(builder, member);
	json_builder_add_string_value(builder, s);
}

static void
add_raw_value(JsonBuilder *builder, const WbTimelineAttribute *attr)
{
	gsize len;
	const guint8 *data = wb_timeline_attribute_get_data(attr, &len);
	g_autofree gchar *hex = wb_sim_hex(data, len);

	json_builder_add_string_value(builder, hex);
}

/* One attribute value, typed as the firmware reads it (§3.6); raw hex when it does not fit */
static void
add_attribute_value(JsonBuilder *builder, const WbTimelineAttribute *attr)
{
	guint8 u8;
	guint32 u32;

	switch (wb_timeline_attribute_type_for_id(attr->id)) {
	case WB_TIMELINE_ATTRIBUTE_TYPE_STRING: {
		g_autofree gchar *s = wb_timeline_attribute_dup_string(attr);
		json_builder_add_string_value(builder, s);
		return;
	}
	case WB_TIMELINE_ATTRIBUTE_TYPE_U8:
		if (!wb_timeline_attribute_get_u8(attr, &u8))
			break;
		json_builder_add_int_value(builder, u8);
		return;
	case WB_TIMELINE_ATTRIBUTE_TYPE_U32:
	case WB_TIMELINE_ATTRIBUTE_TYPE_RESOURCE:
		if (!wb_timeline_attribute_get_u32(attr, &u32))
			break;
		json_builder_add_int_value(builder, u32);
		return;
	case WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST: {
		g_auto(GStrv) strv = wb_timeline_attribute_dup_string_list(attr);
		json_builder_begin_array(builder);
		for (guint i = 0; strv[i] != NULL; i++)
			json_builder_add_string_value(builder, strv[i]);
		json_builder_end_array(builder);
		return;
	}
	case WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST: {
		g_autoptr(GArray) values = wb_timeline_attribute_dup_u32_list(attr);
		if (values == NULL)
			break;
		json_builder_begin_array(builder);
		for (guint i = 0; i < values->len; i++)
			json_builder_add_int_value(builder, g_array_index(values, guint32, i));
		json_builder_end_array(builder);
		return;
	}
	case WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN:
		break;
	}
	add_raw_value(builder, attr);
}

/**
 * wb_sim_json_add_attributes:
 * @builder: a builder expecting a value
 * @attributes: (element-type WbTimelineAttribute) (nullable): attributes
 *
 * Adds an object mapping attribute names to typed values: strings, numbers (u8, u32, icons),
 * arrays (string and u32 lists). Unknown ids appear as `attr_<id>` with hex values.
 */
void
wb_sim_json_add_attributes(JsonBuilder *builder, const GPtrArray *attributes)
{
	json_builder_begin_object(builder);
	for (guint i = 0; attributes != NULL && i < attributes->len; i++) {
		const WbTimelineAttribute *attr = g_ptr_array_index(attributes, i);
		const gchar *name = wb_sim_attribute_name(attr->id);
		g_autofree gchar *fallback = NULL;

		if (name == NULL)
			name = fallback = g_strdup_printf("attr_%u", attr->id);
		json_builder_set_member_name(builder, name);
		add_attribute_value(builder, attr);
	}
	json_builder_end_object(builder);
}

/**
 * wb_sim_json_add_action:
 * @builder: a builder expecting a value
 * @action: an action of an item
 *
 * Adds `{"id", "type", "type_id", "title", "attributes"}`; "title" is null without a Title.
 */
void
wb_sim_json_add_action(JsonBuilder *builder, const WbTimelineAction *action)
{
	const WbTimelineAttribute *title =
		wb_timeline_attributes_find(action->attributes, WB_TIMELINE_ATTR_TITLE);

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "id");
	json_builder_add_int_value(builder, action->id);
	json_builder_set_member_name(builder, "type");
	json_builder_add_string_value(builder, wb_sim_action_type_name(action->type));
	json_builder_set_member_name(builder, "type_id");
	json_builder_add_int_value(builder, action->type);
	json_builder_set_member_name(builder, "title");
	if (title != NULL) {
		g_autofree gchar *s = wb_timeline_attribute_dup_string(title);
		json_builder_add_string_value(builder, s);
	} else {
		json_builder_add_null_value(builder);
	}
	json_builder_set_member_name(builder, "attributes");
	wb_sim_json_add_attributes(builder, action->attributes);
	json_builder_end_object(builder);
}

/**
 * wb_sim_json_add_timeline_item:
 * @builder: a builder inside an object
 * @item: a decoded timeline item
 *
 * Adds the members of an item (§3.5): "id", "parent", "timestamp", "duration", "type",
 * "flags", "status", "layout", "attributes" and "actions".
 */
void
wb_sim_json_add_timeline_item(JsonBuilder *builder, const WbTimelineItem *item)
{
	wb_sim_json_add_uuid(builder, "id", &item->id);
	wb_sim_json_add_uuid(builder, "parent", &item->parent_id);
	json_builder_set_member_name(builder, "timestamp");
	json_builder_add_int_value(builder, item->timestamp);
	json_builder_set_member_name(builder, "duration");
	json_builder_add_int_value(builder, item->duration);
	json_builder_set_member_name(builder, "type");
	json_builder_add_string_value(builder, wb_sim_item_type_name(item->type));
	json_builder_set_member_name(builder, "flags");
	json_builder_add_int_value(builder, item->flags);
	json_builder_set_member_name(builder, "status");
	json_builder_add_int_value(builder, item->status);
	json_builder_set_member_name(builder, "layout");
	json_builder_add_int_value(builder, item->layout);
	json_builder_set_member_name(builder, "attributes");
	wb_sim_json_add_attributes(builder, item->attributes);
	json_builder_set_member_name(builder, "actions");
	json_builder_begin_array(builder);
	for (guint i = 0; item->actions != NULL && i < item->actions->len; i++)
		wb_sim_json_add_action(builder, g_ptr_array_index(item->actions, i));
	json_builder_end_array(builder);
}

/**
 * wb_sim_json_to_line:
 * @builder: a builder holding one complete value
 *
 * Returns: (transfer full): the value as compact JSON on one line (no newline)
 */
gchar *
wb_sim_json_to_line(JsonBuilder *builder)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(builder);

	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, FALSE);
	return json_generator_to_data(gen, NULL);
}
