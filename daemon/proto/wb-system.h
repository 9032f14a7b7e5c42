/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/* ---- capability bits, both directions (reference §2.4) ---- */
#define WB_CAP_APP_RUN_STATE                         (G_GUINT64_CONSTANT(1) << 0)
#define WB_CAP_INFINITE_LOG_DUMPING                  (G_GUINT64_CONSTANT(1) << 1)
#define WB_CAP_EXTENDED_MUSIC_SERVICE                (G_GUINT64_CONSTANT(1) << 2)
#define WB_CAP_EXTENDED_NOTIFICATION_SERVICE         (G_GUINT64_CONSTANT(1) << 3)
#define WB_CAP_LANGUAGE_PACK_SUPPORT                 (G_GUINT64_CONSTANT(1) << 4)
#define WB_CAP_APP_MESSAGE_8K                        (G_GUINT64_CONSTANT(1) << 5)
#define WB_CAP_ACTIVITY_INSIGHTS                     (G_GUINT64_CONSTANT(1) << 6)
#define WB_CAP_VOICE_API                             (G_GUINT64_CONSTANT(1) << 7)
#define WB_CAP_SEND_TEXT                             (G_GUINT64_CONSTANT(1) << 8)
#define WB_CAP_NOTIFICATION_FILTERING                (G_GUINT64_CONSTANT(1) << 9)
#define WB_CAP_UNREAD_COREDUMP                       (G_GUINT64_CONSTANT(1) << 10)
#define WB_CAP_WEATHER_APP                           (G_GUINT64_CONSTANT(1) << 11)
#define WB_CAP_REMINDERS_APP                         (G_GUINT64_CONSTANT(1) << 12)
#define WB_CAP_WORKOUT_APP                           (G_GUINT64_CONSTANT(1) << 13)
#define WB_CAP_SMOOTH_FW_INSTALL_PROGRESS            (G_GUINT64_CONSTANT(1) << 14)
#define WB_CAP_CUSTOM_VIBE_PATTERN                   (G_GUINT64_CONSTANT(1) << 15)
#define WB_CAP_JAVASCRIPT_BYTECODE_VERSION           (G_GUINT64_CONSTANT(1) << 16)
#define WB_CAP_IMAGING                               (G_GUINT64_CONSTANT(1) << 17)
#define WB_CAP_NOTIFICATION_IMAGE                    (G_GUINT64_CONSTANT(1) << 18)
#define WB_CAP_CONTINUE_FW_INSTALL_ACROSS_DISCONNECT (G_GUINT64_CONSTANT(1) << 21)
#define WB_CAP_BLOB_DB_VERSION                       (G_GUINT64_CONSTANT(1) << 22)
#define WB_CAP_SETTINGS_SYNC                         (G_GUINT64_CONSTANT(1) << 23)
#define WB_CAP_WEATHER_DB_V4                         (G_GUINT64_CONSTANT(1) << 24)

/* What wearbridge advertises: the message formats it speaks, not features it serves (services
 * decide those): run state on 0x34 instead of launcher AppMessages, the extended music fields,
 * infinite log dumping, two-way dismissal and smooth firmware install progress. Bits that make
 * the watch offer features of the phone (voice, send-text, weather…) stay clear. */
#define WB_CAP_WEARBRIDGE                                                                          \
	(WB_CAP_APP_RUN_STATE | WB_CAP_INFINITE_LOG_DUMPING | WB_CAP_EXTENDED_MUSIC_SERVICE |      \
	 WB_CAP_EXTENDED_NOTIFICATION_SERVICE | WB_CAP_SMOOTH_FW_INSTALL_PROGRESS)

/* ---- PhoneAppVersion, endpoint 0x0011 (§2.2, §2.3) ---- */
#define WB_PHONE_APP_VERSION_REQUEST  0x00
#define WB_PHONE_APP_VERSION_RESPONSE 0x01

/* platform_flags: OS in bits 0-2, then feature bits */
typedef enum {
	WB_PHONE_OS_UNKNOWN = 0,
	WB_PHONE_OS_IOS = 1,
	WB_PHONE_OS_ANDROID = 2,
	WB_PHONE_OS_MACOS = 3,
	WB_PHONE_OS_LINUX = 4,
	WB_PHONE_OS_WINDOWS = 5,
} WbPhoneOs;

#define WB_PLATFORM_FLAG_OS_MASK   0x7u
#define WB_PLATFORM_FLAG_TELEPHONY 0x10u
#define WB_PLATFORM_FLAG_SMS       0x20u
#define WB_PLATFORM_FLAG_GPS       0x40u
#define WB_PLATFORM_FLAG_BTLE      0x80u

/**
 * WbPhoneAppVersion:
 * @protocol_version: unused since 3.0; everyone sends 0xFFFFFFFF
 * @session_caps: unused since 3.0
 * @platform_flags: OS (bits 0-2) and feature bits, BE on the wire
 * @response_version: must be 2
 * @major: phone app version
 * @minor: phone app version
 * @bugfix: phone app version
 * @protocol_caps: the phone's capability bits (`WB_CAP_*`), LE on the wire
 * @has_protocol_caps: %FALSE for a V1 response without the version and capability fields
 *
 * The phone's answer to the watch's PhoneAppVersion request.
 */
typedef struct {
	guint32 protocol_version;
	guint32 session_caps;
	guint32 platform_flags;
	guint8 response_version;
	guint8 major;
	guint8 minor;
	guint8 bugfix;
	guint64 protocol_caps;
	gboolean has_protocol_caps;
} WbPhoneAppVersion;

void wb_phone_app_version_init_wearbridge(WbPhoneAppVersion *msg);
gboolean wb_phone_app_version_request_decode(const guint8 *buf, gsize len, GError **error);
gboolean wb_phone_app_version_request_encode(GByteArray *out, GError **error);
gboolean wb_phone_app_version_decode(const guint8 *buf, gsize len, WbPhoneAppVersion *out,
				     GError **error);
gboolean wb_phone_app_version_encode(const WbPhoneAppVersion *msg, GByteArray *out, GError **error);

/* ---- WatchVersion, endpoint 0x0010 (§2.5, §2.6) ---- */
#define WB_WATCH_VERSION_REQUEST  0x00
#define WB_WATCH_VERSION_RESPONSE 0x01
#define WB_WATCH_VERSION_MIN_LEN  150
#define WB_WATCH_VERSION_FULL_LEN 155
#define WB_FIRMWARE_METADATA_LEN  47
#define WB_FIRMWARE_FLAG_RECOVERY 0x01
#define WB_FIRMWARE_FLAG_BLE      0x02

/**
 * WbFirmwareVersion:
 * @timestamp: build time, Unix seconds
 * @version_tag: e.g. "v4.3" (at most 32 bytes)
 * @git_hash: short git hash (at most 8 bytes)
 * @flags: `WB_FIRMWARE_FLAG_*`
 * @hw_platform: the hardware platform byte (§13.2)
 * @metadata_version: 1
 */
typedef struct {
	guint32 timestamp;
	gchar *version_tag;
	gchar *git_hash;
	guint8 flags;
	guint8 hw_platform;
	guint8 metadata_version;
} WbFirmwareVersion;

/**
 * WbWatchVersion:
 * @running: the running firmware
 * @recovery: the recovery firmware
 * @bootloader_timestamp: bootloader build
 * @board: hardware revision string, at most 9 bytes
 * @serial: serial number, at most 12 bytes
 * @bt_address: BT address as on the wire (octet 0 least significant)
 * @resource_crc: system resources CRC
 * @resource_timestamp: system resources timestamp
 * @language: ISO locale, at most 6 bytes
 * @language_version: language pack version
 * @capabilities: the watch's `WB_CAP_*` bits
 * @has_is_unfaithful: whether the optional byte was present
 * @is_unfaithful: paired with another phone since the last BlobDB clear
 * @has_insights_version: whether the optional field was present
 * @insights_version: activity insights version
 * @has_js_version: whether the optional field was present
 * @js_version: JavaScript bytecode version
 *
 * The watch's answer to a WatchVersion request.
 */
typedef struct {
	WbFirmwareVersion running;
	WbFirmwareVersion recovery;
	guint32 bootloader_timestamp;
	gchar *board;
	gchar *serial;
	guint8 bt_address[6];
	guint32 resource_crc;
	guint32 resource_timestamp;
	gchar *language;
	guint16 language_version;
	guint64 capabilities;
	gboolean has_is_unfaithful;
	gboolean is_unfaithful;
	gboolean has_insights_version;
	guint16 insights_version;
	gboolean has_js_version;
	guint16 js_version;
} WbWatchVersion;

void wb_watch_version_clear(WbWatchVersion *msg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbWatchVersion, wb_watch_version_clear)
gboolean wb_watch_version_request_decode(const guint8 *buf, gsize len, GError **error);
gboolean wb_watch_version_request_encode(GByteArray *out, GError **error);
gboolean wb_watch_version_decode(const guint8 *buf, gsize len, WbWatchVersion *out, GError **error);
gboolean wb_watch_version_encode(const WbWatchVersion *msg, GByteArray *out, GError **error);
gchar *wb_watch_version_address_to_string(const WbWatchVersion *msg);
gint wb_firmware_version_major(const WbFirmwareVersion *fw);

/* ---- platforms and models (§13) ---- */
const gchar *wb_hw_platform_to_platform(guint8 hw_platform);
const gchar *wb_hw_platform_to_model(guint8 hw_platform);

/* ---- Time, endpoint 0x000B, big-endian (§2.8) ---- */
typedef enum {
	WB_TIME_GET_REQUEST = 0x00,
	WB_TIME_GET_RESPONSE = 0x01,
	WB_TIME_SET_LOCALTIME = 0x02,
	WB_TIME_SET_UTC = 0x03,
} WbTimeCommand;

#define WB_TIME_TZ_NAME_MAX 32

/**
 * WbTimeMessage:
 * @command: which message
 * @time: UTC seconds (GetResponse, SetUTC) or local seconds (SetLocaltime); unused in GetRequest
 * @utc_offset_minutes: SetUTC only: local minus UTC, minutes
 * @tz_name: SetUTC only: Olson name, at most 32 bytes, may be empty
 */
typedef struct {
	WbTimeCommand command;
	guint32 time;
	gint16 utc_offset_minutes;
	gchar *tz_name;
} WbTimeMessage;

void wb_time_message_clear(WbTimeMessage *msg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbTimeMessage, wb_time_message_clear)
gboolean wb_time_message_decode(const guint8 *buf, gsize len, WbTimeMessage *out, GError **error);
gboolean wb_time_message_encode(const WbTimeMessage *msg, GByteArray *out, GError **error);
gboolean wb_time_set_utc_init(WbTimeMessage *msg, gint64 utc_seconds, gint utc_offset_seconds,
			      const gchar *tz_name, GError **error);

/* ---- Ping/Pong, endpoint 2001, big-endian (§2.7) ---- */
#define WB_PING_COMMAND_PING 0x00
#define WB_PING_COMMAND_PONG 0x01

/**
 * WbPing:
 * @is_pong: %TRUE for a Pong
 * @cookie: echoed in the Pong
 * @has_idle: Ping only: whether the optional idle byte is present
 * @idle: the watch is idle
 */
typedef struct {
	gboolean is_pong;
	guint32 cookie;
	gboolean has_idle;
	gboolean idle;
} WbPing;

gboolean wb_ping_decode(const guint8 *buf, gsize len, WbPing *out, GError **error);
gboolean wb_ping_encode(const WbPing *msg, GByteArray *out, GError **error);

/* ---- Reset, endpoint 2003 (§2.9) ---- */
typedef enum {
	WB_RESET_REBOOT = 0x00,
	WB_RESET_COREDUMP = 0x01,
	WB_RESET_FACTORY = 0xFE,
	WB_RESET_RECOVERY = 0xFF,
} WbResetKind;

gboolean wb_reset_decode(const guint8 *buf, gsize len, WbResetKind *out, GError **error);
gboolean wb_reset_encode(WbResetKind kind, GByteArray *out, GError **error);

/* ---- Meta endpoint 0x0000: the watch's protocol errors (§1.1) ---- */
typedef enum {
	WB_META_CORRUPTED = 0xD0,
	WB_META_UNHANDLED_ENDPOINT = 0xDC,
	WB_META_DISALLOWED = 0xDD,
} WbMetaCode;

/**
 * WbMetaError:
 * @code: what went wrong
 * @has_endpoint: %FALSE for %WB_META_CORRUPTED
 * @endpoint: the offending endpoint
 */
typedef struct {
	WbMetaCode code;
	gboolean has_endpoint;
	guint16 endpoint;
} WbMetaError;

gboolean wb_meta_error_decode(const guint8 *buf, gsize len, WbMetaError *out, GError **error);
gboolean wb_meta_error_encode(const WbMetaError *msg, GByteArray *out, GError **error);

/* ---- Factory registry: watch colour, endpoint 5001 (§2.10) ---- */
gboolean wb_watch_color_request_decode(const guint8 *buf, gsize len, GError **error);
gboolean wb_watch_color_request_encode(GByteArray *out, GError **error);
gboolean wb_watch_color_response_decode(const guint8 *buf, gsize len, guint32 *out_color,
					GError **error);
gboolean wb_watch_color_response_encode(guint32 color, GByteArray *out, GError **error);

/* ---- BLE control, endpoint 51 (§2.12) ---- */
/**
 * WbBleControl:
 * @discoverable: make the watch discoverable and pairable
 * @duration_s: for how long, seconds
 */
typedef struct {
	gboolean discoverable;
	guint16 duration_s;
} WbBleControl;

gboolean wb_ble_control_decode(const guint8 *buf, gsize len, WbBleControl *out, GError **error);
gboolean wb_ble_control_encode(const WbBleControl *msg, GByteArray *out, GError **error);

G_END_DECLS
