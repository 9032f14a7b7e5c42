/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"
#include "wb-uuid.h"

G_BEGIN_DECLS

/* §3.5: the packed SerializedTimelineItemHeader of the firmware */
#define WB_TIMELINE_ITEM_HEADER_LEN 46
/* §3.5: attribute id (1) + length (2) */
#define WB_TIMELINE_ATTRIBUTE_HEADER_LEN 3

/* §3.5 / pebbleos-rendering.md §5: the watch silently cuts these attributes when it parses
 * them (FW timeline/attribute.c). Callers cut first (and add an ellipsis) if they care. */
#define WB_TIMELINE_TITLE_MAX_LEN           64
#define WB_TIMELINE_SUBTITLE_MAX_LEN        64
#define WB_TIMELINE_BODY_MAX_LEN            512
#define WB_TIMELINE_STRING_LIST_MAX_LEN     512
#define WB_TIMELINE_GLANCE_SUBTITLE_MAX_LEN 150

/**
 * WbTimelineAttributeId:
 *
 * Attribute ids (§3.6, FW `timeline/attribute.h`; 49–52 are CFW only). Numbering follows the
 * firmware: 28 is the *background* colour (LP3 calls it PrimaryColor).
 */
typedef enum {
	WB_TIMELINE_ATTR_TITLE = 1,
	WB_TIMELINE_ATTR_SUBTITLE = 2,
	WB_TIMELINE_ATTR_BODY = 3,
	WB_TIMELINE_ATTR_TINY_ICON = 4,
	WB_TIMELINE_ATTR_SMALL_ICON = 5,
	WB_TIMELINE_ATTR_LARGE_ICON = 6,
	WB_TIMELINE_ATTR_ANCS_ACTION = 7,
	WB_TIMELINE_ATTR_CANNED_RESPONSES = 8,
	WB_TIMELINE_ATTR_SHORT_TITLE = 9,
	WB_TIMELINE_ATTR_PIN_ICON = 10,
	WB_TIMELINE_ATTR_LOCATION_NAME = 11,
	WB_TIMELINE_ATTR_SENDER = 12,
	WB_TIMELINE_ATTR_LAUNCH_CODE = 13,
	WB_TIMELINE_ATTR_LAST_UPDATED = 14,
	WB_TIMELINE_ATTR_RANK_AWAY = 15,
	WB_TIMELINE_ATTR_RANK_HOME = 16,
	WB_TIMELINE_ATTR_NAME_AWAY = 17,
	WB_TIMELINE_ATTR_NAME_HOME = 18,
	WB_TIMELINE_ATTR_RECORD_AWAY = 19,
	WB_TIMELINE_ATTR_RECORD_HOME = 20,
	WB_TIMELINE_ATTR_SCORE_AWAY = 21,
	WB_TIMELINE_ATTR_SCORE_HOME = 22,
	WB_TIMELINE_ATTR_SPORTS_GAME_STATE = 23,
	WB_TIMELINE_ATTR_BROADCASTER = 24,
	WB_TIMELINE_ATTR_HEADINGS = 25,
	WB_TIMELINE_ATTR_PARAGRAPHS = 26,
	WB_TIMELINE_ATTR_PRIMARY_COLOR = 27,
	WB_TIMELINE_ATTR_BG_COLOR = 28,
	WB_TIMELINE_ATTR_SECONDARY_COLOR = 29,
	WB_TIMELINE_ATTR_APP_NAME = 30,
	WB_TIMELINE_ATTR_DISPLAY_RECURRING = 31,
	WB_TIMELINE_ATTR_IOS_APP_IDENTIFIER = 32,
	WB_TIMELINE_ATTR_EMOJI_SUPPORTED = 33,
	WB_TIMELINE_ATTR_ANCS_ID = 34,
	WB_TIMELINE_ATTR_HEALTH_INSIGHT_TYPE = 35,
	WB_TIMELINE_ATTR_SHORT_SUBTITLE = 36,
	WB_TIMELINE_ATTR_TIMESTAMP = 37,
	WB_TIMELINE_ATTR_DISPLAY_TIME = 38,
	WB_TIMELINE_ATTR_ADDRESS = 39,
	WB_TIMELINE_ATTR_MUTE_DAY_OF_WEEK = 40,
	WB_TIMELINE_ATTR_METRIC_NAMES = 41,
	WB_TIMELINE_ATTR_METRIC_VALUES = 42,
	WB_TIMELINE_ATTR_METRIC_ICONS = 43,
	WB_TIMELINE_ATTR_HEALTH_ACTIVITY_TYPE = 44,
	WB_TIMELINE_ATTR_ALARM_KIND = 45,
	WB_TIMELINE_ATTR_AUTH_CODE = 46,
	WB_TIMELINE_ATTR_SUBTITLE_TEMPLATE_STRING = 47,
	WB_TIMELINE_ATTR_ICON = 48,
	WB_TIMELINE_ATTR_VIBRATION_PATTERN = 49,
	WB_TIMELINE_ATTR_MUTE_EXPIRATION = 50,
	WB_TIMELINE_ATTR_NOTIFICATION_FILTERING_RULES = 51,
	WB_TIMELINE_ATTR_IMAGE_ASPECT_RATIO = 52,
} WbTimelineAttributeId;

/**
 * WbTimelineAttributeType:
 * @WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN: an id this library does not know; kept as raw bytes
 * @WB_TIMELINE_ATTRIBUTE_TYPE_STRING: UTF-8 without terminator
 * @WB_TIMELINE_ATTRIBUTE_TYPE_U8: one byte
 * @WB_TIMELINE_ATTRIBUTE_TYPE_U32: u32 LE
 * @WB_TIMELINE_ATTRIBUTE_TYPE_RESOURCE: u32 LE timeline resource id (icon)
 * @WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST: strings separated by NUL, no trailing NUL
 * @WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST: u16 LE count, 2 bytes padding, count × u32 LE
 *
 * How the value of an attribute is encoded (§3.6, FW `timeline/attribute.c`).
 */
typedef enum {
	WB_TIMELINE_ATTRIBUTE_TYPE_UNKNOWN,
	WB_TIMELINE_ATTRIBUTE_TYPE_STRING,
	WB_TIMELINE_ATTRIBUTE_TYPE_U8,
	WB_TIMELINE_ATTRIBUTE_TYPE_U32,
	WB_TIMELINE_ATTRIBUTE_TYPE_RESOURCE,
	WB_TIMELINE_ATTRIBUTE_TYPE_STRING_LIST,
	WB_TIMELINE_ATTRIBUTE_TYPE_U32_LIST,
} WbTimelineAttributeType;

/**
 * WbTimelineLayout:
 *
 * Layout ids (§3.7, FW `timeline/layout_layer.h`). The watch stores any value but faults and
 * reboots when it reads back a notification with a layout of %WB_TIMELINE_LAYOUT_COUNT or more
 * (pebbleos-rendering.md §2), so the codec refuses those in both directions.
 */
typedef enum {
	WB_TIMELINE_LAYOUT_UNKNOWN = 0,
	WB_TIMELINE_LAYOUT_GENERIC = 1,
	WB_TIMELINE_LAYOUT_CALENDAR = 2,
	WB_TIMELINE_LAYOUT_REMINDER = 3,
	WB_TIMELINE_LAYOUT_NOTIFICATION = 4,
	WB_TIMELINE_LAYOUT_COMM_NOTIFICATION = 5,
	WB_TIMELINE_LAYOUT_WEATHER = 6,
	WB_TIMELINE_LAYOUT_SPORTS = 7,
	WB_TIMELINE_LAYOUT_ALARM = 8,
	WB_TIMELINE_LAYOUT_HEALTH = 9,
} WbTimelineLayout;

#define WB_TIMELINE_LAYOUT_COUNT 10

/**
 * WbTimelineItemType:
 *
 * §3.5 byte 38 (FW `TimelineItemType`); 0 and 4+ are refused.
 */
typedef enum {
	WB_TIMELINE_ITEM_TYPE_NOTIFICATION = 1,
	WB_TIMELINE_ITEM_TYPE_PIN = 2,
	WB_TIMELINE_ITEM_TYPE_REMINDER = 3,
} WbTimelineItemType;

/* §3.5 byte 39, bits of the firmware struct's `flags` byte (not LP3's u16 naming) */
#define WB_TIMELINE_FLAG_VISIBLE    (1u << 0)
#define WB_TIMELINE_FLAG_FLOATING   (1u << 1)
#define WB_TIMELINE_FLAG_ALL_DAY    (1u << 2)
#define WB_TIMELINE_FLAG_FROM_WATCH (1u << 3)
#define WB_TIMELINE_FLAG_FROM_ANCS  (1u << 4)

/* §3.5 byte 40, bits of the firmware struct's `status` byte. A new notification must have
 * status 0; re-inserting an existing id only updates this byte (FW blob_db/notif_db.c). */
#define WB_TIMELINE_STATUS_READ       (1u << 0)
#define WB_TIMELINE_STATUS_DELETED    (1u << 1)
#define WB_TIMELINE_STATUS_ACTIONED   (1u << 2)
#define WB_TIMELINE_STATUS_REMINDED   (1u << 3)
#define WB_TIMELINE_STATUS_DISMISSED  (1u << 4)
#define WB_TIMELINE_STATUS_PERSISTENT (1u << 5)

/**
 * WbTimelineActionType:
 *
 * Action types (§3.8, FW `timeline/item.h`). Decoders keep unknown values (CFW has added
 * more), so a #WbTimelineAction's type may hold a value not listed here.
 */
typedef enum {
	WB_TIMELINE_ACTION_TYPE_ANCS_NEGATIVE = 0x01,
	WB_TIMELINE_ACTION_TYPE_GENERIC = 0x02,
	WB_TIMELINE_ACTION_TYPE_RESPONSE = 0x03,
	WB_TIMELINE_ACTION_TYPE_DISMISS = 0x04,
	WB_TIMELINE_ACTION_TYPE_HTTP = 0x05,
	WB_TIMELINE_ACTION_TYPE_SNOOZE = 0x06,
	WB_TIMELINE_ACTION_TYPE_OPEN_WATCH_APP = 0x07,
	WB_TIMELINE_ACTION_TYPE_EMPTY = 0x08,
	WB_TIMELINE_ACTION_TYPE_REMOVE = 0x09,
	WB_TIMELINE_ACTION_TYPE_OPEN_PIN = 0x0A,
	WB_TIMELINE_ACTION_TYPE_ANCS_POSITIVE = 0x0B,
	WB_TIMELINE_ACTION_TYPE_ANCS_DIAL = 0x0C,
	WB_TIMELINE_ACTION_TYPE_ANCS_RESPONSE = 0x0D,
	WB_TIMELINE_ACTION_TYPE_INSIGHT_RESPONSE = 0x0E,
	WB_TIMELINE_ACTION_TYPE_ANCS_DELETE = 0x0F,
	WB_TIMELINE_ACTION_TYPE_COMPLETE = 0x10,
	WB_TIMELINE_ACTION_TYPE_POSTPONE = 0x11,
	WB_TIMELINE_ACTION_TYPE_REMOTE_REMOVE = 0x12,
	WB_TIMELINE_ACTION_TYPE_ANCS_GENERIC = 0x13,
	WB_TIMELINE_ACTION_TYPE_BLE_HRM_STOP_SHARING = 0x14,
} WbTimelineActionType;

/**
 * WbTimelineActionCommand:
 * @WB_TIMELINE_ACTION_COMMAND_INVOKE: W→P InvokeAction
 * @WB_TIMELINE_ACTION_COMMAND_INVOKE_ANCS: W→P InvokeAction of an ANCS item (AncsResponse,
 *   AncsGeneric actions)
 * @WB_TIMELINE_ACTION_COMMAND_RESPONSE: P→W ActionResponse
 * @WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS: P→W ActionResponse carrying follow-up
 *   actions (chaining)
 *
 * First byte on the timeline action endpoint 0x2CB0 (§3.9, FW `timeline/actions_endpoint.c`).
 */
typedef enum {
	WB_TIMELINE_ACTION_COMMAND_INVOKE = 0x02,
	WB_TIMELINE_ACTION_COMMAND_INVOKE_ANCS = 0x03,
	WB_TIMELINE_ACTION_COMMAND_RESPONSE = 0x11,
	WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS = 0x12,
} WbTimelineActionCommand;

/**
 * WbTimelineResponse:
 *
 * ActionResponse codes (§3.9). ACK shows Subtitle/LargeIcon (default "Success"); every NACK
 * shows a failure (default "Failed") except the chaining and start-reply codes.
 */
typedef enum {
	WB_TIMELINE_RESPONSE_ACK = 0x00,
	WB_TIMELINE_RESPONSE_NACK = 0x01,
	WB_TIMELINE_RESPONSE_ACK_ANCS_DISMISS = 0x0F,
	WB_TIMELINE_RESPONSE_NACK_CONTACT_AMBIGUITY = 0x10,
	WB_TIMELINE_RESPONSE_NACK_CONTACT_NOT_FOUND = 0x11,
	WB_TIMELINE_RESPONSE_NACK_ADDRESS_AMBIGUITY = 0x12,
	WB_TIMELINE_RESPONSE_NACK_ADDRESS_NOT_FOUND = 0x13,
	WB_TIMELINE_RESPONSE_NACK_GROUP_SMS_NOT_SUPPORTED = 0x14,
	WB_TIMELINE_RESPONSE_NACK_START_REPLY = 0x15,
} WbTimelineResponse;

/*
 * §3.10: icon ids are u32 LE. In notifications only `WB_TIMELINE_ICON_SYSTEM_FLAG | id` shows a
 * system icon (pebbleos-rendering.md §4); a bare id resolves against the parent app's resources.
 */
#define WB_TIMELINE_ICON_SYSTEM_FLAG 0x80000000u
#define WB_TIMELINE_SYSTEM_ICON(id)  (WB_TIMELINE_ICON_SYSTEM_FLAG | (guint32)(id))

/**
 * WbTimelineIcon:
 *
 * System timeline resource ids (§3.10, FW `resources/normal/base/resource_map.json`; GB
 * `PebbleIconID.java`). Send them as WB_TIMELINE_SYSTEM_ICON(id).
 */
typedef enum {
	WB_TIMELINE_ICON_NOTIFICATION_GENERIC = 1,
	WB_TIMELINE_ICON_TIMELINE_MISSED_CALL = 2,
	WB_TIMELINE_ICON_NOTIFICATION_REMINDER = 3,
	WB_TIMELINE_ICON_NOTIFICATION_FLAG = 4,
	WB_TIMELINE_ICON_NOTIFICATION_WHATSAPP = 5,
	WB_TIMELINE_ICON_NOTIFICATION_TWITTER = 6,
	WB_TIMELINE_ICON_NOTIFICATION_TELEGRAM = 7,
	WB_TIMELINE_ICON_NOTIFICATION_GOOGLE_HANGOUTS = 8,
	WB_TIMELINE_ICON_NOTIFICATION_GMAIL = 9,
	WB_TIMELINE_ICON_NOTIFICATION_FACEBOOK_MESSENGER = 10,
	WB_TIMELINE_ICON_NOTIFICATION_FACEBOOK = 11,
	WB_TIMELINE_ICON_AUDIO_CASSETTE = 12,
	WB_TIMELINE_ICON_ALARM_CLOCK = 13,
	WB_TIMELINE_ICON_TIMELINE_WEATHER = 14,
	WB_TIMELINE_ICON_TIMELINE_SUN = 16,
	WB_TIMELINE_ICON_TIMELINE_SPORTS = 17,
	WB_TIMELINE_ICON_GENERIC_EMAIL = 19,
	WB_TIMELINE_ICON_AMERICAN_FOOTBALL = 20,
	WB_TIMELINE_ICON_TIMELINE_CALENDAR = 21,
	WB_TIMELINE_ICON_TIMELINE_BASEBALL = 22,
	WB_TIMELINE_ICON_BIRTHDAY_EVENT = 23,
	WB_TIMELINE_ICON_CAR_RENTAL = 24,
	WB_TIMELINE_ICON_CLOUDY_DAY = 25,
	WB_TIMELINE_ICON_CRICKET_GAME = 26,
	WB_TIMELINE_ICON_DINNER_RESERVATION = 27,
	WB_TIMELINE_ICON_GENERIC_WARNING = 28,
	WB_TIMELINE_ICON_GLUCOSE_MONITOR = 29,
	WB_TIMELINE_ICON_HOCKEY_GAME = 30,
	WB_TIMELINE_ICON_HOTEL_RESERVATION = 31,
	WB_TIMELINE_ICON_LIGHT_RAIN = 32,
	WB_TIMELINE_ICON_LIGHT_SNOW = 33,
	WB_TIMELINE_ICON_MOVIE_EVENT = 34,
	WB_TIMELINE_ICON_MUSIC_EVENT = 35,
	WB_TIMELINE_ICON_NEWS_EVENT = 36,
	WB_TIMELINE_ICON_PARTLY_CLOUDY = 37,
	WB_TIMELINE_ICON_PAY_BILL = 38,
	WB_TIMELINE_ICON_RADIO_SHOW = 39,
	WB_TIMELINE_ICON_SCHEDULED_EVENT = 40,
	WB_TIMELINE_ICON_SOCCER_GAME = 41,
	WB_TIMELINE_ICON_STOCKS_EVENT = 42,
	WB_TIMELINE_ICON_RESULT_DELETED = 43,
	WB_TIMELINE_ICON_CHECK_INTERNET_CONNECTION = 44,
	WB_TIMELINE_ICON_GENERIC_SMS = 45,
	WB_TIMELINE_ICON_RESULT_MUTE = 46,
	WB_TIMELINE_ICON_RESULT_SENT = 47,
	WB_TIMELINE_ICON_WATCH_DISCONNECTED = 48,
	WB_TIMELINE_ICON_DURING_PHONE_CALL = 49,
	WB_TIMELINE_ICON_TIDE_IS_HIGH = 50,
	WB_TIMELINE_ICON_RESULT_DISMISSED = 51,
	WB_TIMELINE_ICON_HEAVY_RAIN = 52,
	WB_TIMELINE_ICON_HEAVY_SNOW = 53,
	WB_TIMELINE_ICON_SCHEDULED_FLIGHT = 54,
	WB_TIMELINE_ICON_GENERIC_CONFIRMATION = 55,
	WB_TIMELINE_ICON_DAY_SEPARATOR = 56,
	WB_TIMELINE_ICON_NO_EVENTS = 57,
	WB_TIMELINE_ICON_NOTIFICATION_BLACKBERRY_MESSENGER = 58,
	WB_TIMELINE_ICON_NOTIFICATION_INSTAGRAM = 59,
	WB_TIMELINE_ICON_NOTIFICATION_MAILBOX = 60,
	WB_TIMELINE_ICON_NOTIFICATION_GOOGLE_INBOX = 61,
	WB_TIMELINE_ICON_RESULT_FAILED = 62,
	WB_TIMELINE_ICON_GENERIC_QUESTION = 63,
	WB_TIMELINE_ICON_NOTIFICATION_OUTLOOK = 64,
	WB_TIMELINE_ICON_RAINING_AND_SNOWING = 65,
	WB_TIMELINE_ICON_REACHED_FITNESS_GOAL = 66,
	WB_TIMELINE_ICON_NOTIFICATION_LINE = 67,
	WB_TIMELINE_ICON_NOTIFICATION_SKYPE = 68,
	WB_TIMELINE_ICON_NOTIFICATION_SNAPCHAT = 69,
	WB_TIMELINE_ICON_NOTIFICATION_VIBER = 70,
	WB_TIMELINE_ICON_NOTIFICATION_WECHAT = 71,
	WB_TIMELINE_ICON_NOTIFICATION_YAHOO_MAIL = 72,
	WB_TIMELINE_ICON_TV_SHOW = 73,
	WB_TIMELINE_ICON_BASKETBALL = 74,
	WB_TIMELINE_ICON_DISMISSED_PHONE_CALL = 75,
	WB_TIMELINE_ICON_NOTIFICATION_GOOGLE_MESSENGER = 76,
	WB_TIMELINE_ICON_NOTIFICATION_HIPCHAT = 77,
	WB_TIMELINE_ICON_INCOMING_PHONE_CALL = 78,
	WB_TIMELINE_ICON_NOTIFICATION_KAKAOTALK = 79,
	WB_TIMELINE_ICON_NOTIFICATION_KIK = 80,
	WB_TIMELINE_ICON_NOTIFICATION_LIGHTHOUSE = 81,
	WB_TIMELINE_ICON_LOCATION = 82,
	WB_TIMELINE_ICON_SETTINGS = 83,
	WB_TIMELINE_ICON_SUNRISE = 84,
	WB_TIMELINE_ICON_SUNSET = 85,
	WB_TIMELINE_ICON_RESULT_UNMUTE = 86,
	WB_TIMELINE_ICON_RESULT_UNMUTE_ALT = 94,
	WB_TIMELINE_ICON_DURING_PHONE_CALL_CENTERED = 95,
	WB_TIMELINE_ICON_TIMELINE_EMPTY_CALENDAR = 96,
	WB_TIMELINE_ICON_THUMBS_UP = 97,
	WB_TIMELINE_ICON_ARROW_UP = 98,
	WB_TIMELINE_ICON_ARROW_DOWN = 99,
	WB_TIMELINE_ICON_ACTIVITY = 100,
	WB_TIMELINE_ICON_SLEEP = 101,
	WB_TIMELINE_ICON_REWARD_BAD = 102,
	WB_TIMELINE_ICON_REWARD_GOOD = 103,
	WB_TIMELINE_ICON_REWARD_AVERAGE = 104,
	WB_TIMELINE_ICON_CALORIES = 105,
	WB_TIMELINE_ICON_DISTANCE = 106,
	WB_TIMELINE_ICON_DURATION = 107,
	WB_TIMELINE_ICON_PACE = 108,
	WB_TIMELINE_ICON_RUN = 109,
	WB_TIMELINE_ICON_NOTIFICATION_FACETIME = 110,
	WB_TIMELINE_ICON_NOTIFICATION_AMAZON = 111,
	WB_TIMELINE_ICON_NOTIFICATION_GOOGLE_MAPS = 112,
	WB_TIMELINE_ICON_NOTIFICATION_GOOGLE_PHOTOS = 113,
	WB_TIMELINE_ICON_NOTIFICATION_IOS_PHOTOS = 114,
	WB_TIMELINE_ICON_NOTIFICATION_LINKEDIN = 115,
	WB_TIMELINE_ICON_NOTIFICATION_SLACK = 116,
	WB_TIMELINE_ICON_SMART_ALARM = 117,
	WB_TIMELINE_ICON_HEART = 118,
	WB_TIMELINE_ICON_BLE_HRM_SHARING = 119,
} WbTimelineIcon;

/**
 * WbTimelineAttribute:
 * @id: the attribute id (#WbTimelineAttributeId; unknown ids are kept)
 * @value: (nullable): the raw value bytes; %NULL means empty
 *
 * One attribute (§3.5) of an item, an action, an InvokeAction or an ActionResponse. The value is
 * kept as raw bytes; the typed constructors and getters encode and check it.
 */
typedef struct {
	guint8 id;
	GBytes *value;
} WbTimelineAttribute;

/**
 * WbTimelineAction:
 * @id: chosen by the phone, echoed in InvokeAction
 * @type: a #WbTimelineActionType (unknown values are kept)
 * @attributes: (element-type WbTimelineAttribute) (nullable): usually Title = menu label
 *
 * One action of an item (§3.5) or of a chaining ActionResponse (§3.9).
 */
typedef struct {
	guint8 id;
	WbTimelineActionType type;
	GPtrArray *attributes;
} WbTimelineAction;

/**
 * WbTimelineItem:
 * @id: item id; use the same UUID as the BlobDB key
 * @parent_id: owning app or data source (zero allowed)
 * @timestamp: UTC seconds (arrival time for notifications)
 * @duration: minutes (pins)
 * @type: notification, pin or reminder
 * @flags: `WB_TIMELINE_FLAG_*` bits
 * @status: `WB_TIMELINE_STATUS_*` bits; 0 for a new notification
 * @layout: a #WbTimelineLayout below %WB_TIMELINE_LAYOUT_COUNT
 * @attributes: (element-type WbTimelineAttribute) (nullable): the attributes in wire order
 * @actions: (element-type WbTimelineAction) (nullable): the actions in wire order
 *
 * A TimelineItem (§3.5): the value of a Pins, Reminders or Notifications BlobDB record.
 */
typedef struct {
	WbUuid id;
	WbUuid parent_id;
	guint32 timestamp;
	guint16 duration;
	WbTimelineItemType type;
	guint8 flags;
	guint8 status;
	WbTimelineLayout layout;
	GPtrArray *attributes;
	GPtrArray *actions;
} WbTimelineItem;

/**
 * WbTimelineInvokeAction:
 * @command: %WB_TIMELINE_ACTION_COMMAND_INVOKE or %WB_TIMELINE_ACTION_COMMAND_INVOKE_ANCS
 * @item_id: the item whose action was chosen
 * @action_id: the action's id from the item
 * @attributes: (element-type WbTimelineAttribute) (nullable): e.g. Title = reply text plus
 *   Sender for a Response action, Timestamp for Postpone
 *
 * W→P InvokeAction on endpoint 0x2CB0 (§3.9).
 */
typedef struct {
	WbTimelineActionCommand command;
	WbUuid item_id;
	guint8 action_id;
	GPtrArray *attributes;
} WbTimelineInvokeAction;

/**
 * WbTimelineActionResponse:
 * @command: %WB_TIMELINE_ACTION_COMMAND_RESPONSE, or
 *   %WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS to carry @actions
 * @item_id: the item's UUID (all-zero is ignored by the watch as an automatic SMS reply)
 * @response: the result code
 * @attributes: (element-type WbTimelineAttribute) (nullable): Subtitle = result text,
 *   LargeIcon = result icon
 * @actions: (element-type WbTimelineAction) (nullable): follow-up actions; must be empty
 *   unless @command is %WB_TIMELINE_ACTION_COMMAND_RESPONSE_WITH_ACTIONS
 *
 * P→W ActionResponse on endpoint 0x2CB0 (§3.9).
 */
typedef struct {
	WbTimelineActionCommand command;
	WbUuid item_id;
	WbTimelineResponse response;
	GPtrArray *attributes;
	GPtrArray *actions;
} WbTimelineActionResponse;

WbTimelineAttributeType wb_timeline_attribute_type_for_id(guint8 id);
gsize wb_timeline_attribute_max_len(guint8 id);

WbTimelineAttribute *wb_timeline_attribute_new(guint8 id, const guint8 *data, gsize len);
WbTimelineAttribute *wb_timeline_attribute_new_string(guint8 id, const gchar *s);
WbTimelineAttribute *wb_timeline_attribute_new_u8(guint8 id, guint8 v);
WbTimelineAttribute *wb_timeline_attribute_new_u32(guint8 id, guint32 v);
WbTimelineAttribute *wb_timeline_attribute_new_string_list(guint8 id, const gchar *const *strv);
WbTimelineAttribute *wb_timeline_attribute_new_u32_list(guint8 id, const guint32 *values,
							gsize n_values);
WbTimelineAttribute *wb_timeline_attribute_copy(const WbTimelineAttribute *attr);
void wb_timeline_attribute_free(WbTimelineAttribute *attr);

const guint8 *wb_timeline_attribute_get_data(const WbTimelineAttribute *attr, gsize *out_len);
gchar *wb_timeline_attribute_dup_string(const WbTimelineAttribute *attr);
gboolean wb_timeline_attribute_get_u8(const WbTimelineAttribute *attr, guint8 *out_value);
gboolean wb_timeline_attribute_get_u32(const WbTimelineAttribute *attr, guint32 *out_value);
gchar **wb_timeline_attribute_dup_string_list(const WbTimelineAttribute *attr);
GArray *wb_timeline_attribute_dup_u32_list(const WbTimelineAttribute *attr);
gboolean wb_timeline_attribute_check(const WbTimelineAttribute *attr, GError **error);

const WbTimelineAttribute *wb_timeline_attributes_find(const GPtrArray *attributes, guint8 id);

WbTimelineAction *wb_timeline_action_new(guint8 id, WbTimelineActionType type);
void wb_timeline_action_free(WbTimelineAction *action);
void wb_timeline_action_add_attribute(WbTimelineAction *action, WbTimelineAttribute *attr);
void wb_timeline_action_add_string(WbTimelineAction *action, WbTimelineAttributeId id,
				   const gchar *s);
void wb_timeline_action_add_u8(WbTimelineAction *action, WbTimelineAttributeId id, guint8 v);
void wb_timeline_action_add_u32(WbTimelineAction *action, WbTimelineAttributeId id, guint32 v);
void wb_timeline_action_add_string_list(WbTimelineAction *action, WbTimelineAttributeId id,
					const gchar *const *strv);

void wb_timeline_item_add_attribute(WbTimelineItem *item, WbTimelineAttribute *attr);
void wb_timeline_item_add_string(WbTimelineItem *item, WbTimelineAttributeId id, const gchar *s);
void wb_timeline_item_add_u8(WbTimelineItem *item, WbTimelineAttributeId id, guint8 v);
void wb_timeline_item_add_u32(WbTimelineItem *item, WbTimelineAttributeId id, guint32 v);
void wb_timeline_item_add_string_list(WbTimelineItem *item, WbTimelineAttributeId id,
				      const gchar *const *strv);
void wb_timeline_item_add_u32_list(WbTimelineItem *item, WbTimelineAttributeId id,
				   const guint32 *values, gsize n_values);
void wb_timeline_item_add_action(WbTimelineItem *item, WbTimelineAction *action);
const WbTimelineAttribute *wb_timeline_item_find_attribute(const WbTimelineItem *item, guint8 id);
const WbTimelineAction *wb_timeline_item_find_action(const WbTimelineItem *item, guint8 action_id);

void wb_timeline_item_clear(WbTimelineItem *item);
gboolean wb_timeline_item_decode(const guint8 *buf, gsize len, WbTimelineItem *out, GError **error);
gboolean wb_timeline_item_encode(const WbTimelineItem *item, GByteArray *out, GError **error);

void wb_timeline_invoke_action_add_attribute(WbTimelineInvokeAction *msg,
					     WbTimelineAttribute *attr);
void wb_timeline_invoke_action_clear(WbTimelineInvokeAction *msg);
gboolean wb_timeline_invoke_action_decode(const guint8 *buf, gsize len, WbTimelineInvokeAction *out,
					  GError **error);
gboolean wb_timeline_invoke_action_encode(const WbTimelineInvokeAction *msg, GByteArray *out,
					  GError **error);

void wb_timeline_action_response_add_attribute(WbTimelineActionResponse *msg,
					       WbTimelineAttribute *attr);
void wb_timeline_action_response_add_action(WbTimelineActionResponse *msg,
					    WbTimelineAction *action);
void wb_timeline_action_response_clear(WbTimelineActionResponse *msg);
gboolean wb_timeline_action_response_decode(const guint8 *buf, gsize len,
					    WbTimelineActionResponse *out, GError **error);
gboolean wb_timeline_action_response_encode(const WbTimelineActionResponse *msg, GByteArray *out,
					    GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbTimelineAttribute, wb_timeline_attribute_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbTimelineAction, wb_timeline_action_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbTimelineItem, wb_timeline_item_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbTimelineInvokeAction, wb_timeline_invoke_action_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbTimelineActionResponse, wb_timeline_action_response_clear)

G_END_DECLS
