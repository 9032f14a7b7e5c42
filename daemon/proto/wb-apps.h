/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"
#include "wb-uuid.h"

G_BEGIN_DECLS

/* ---- AppRunState, endpoint 52 (0x0034) (reference §8.5) ---- */

/**
 * WbAppRunStateCommand:
 * @WB_APP_RUN_STATE_START: P→W launch the app; W→P the app is now running
 * @WB_APP_RUN_STATE_STOP: P→W stop the app; W→P the app stopped
 * @WB_APP_RUN_STATE_REQUEST: P→W which app is running? (the watch answers with Start)
 *
 * AppRunState commands; Start and Stop mean different things in each direction.
 */
typedef enum {
	WB_APP_RUN_STATE_START = 0x01,
	WB_APP_RUN_STATE_STOP = 0x02,
	WB_APP_RUN_STATE_REQUEST = 0x03,
} WbAppRunStateCommand;

/**
 * WbAppRunState:
 * @command: which command
 * @has_uuid: always %TRUE for Start and Stop; the UUID is optional in a status request
 * @uuid: the app
 *
 * An AppRunState message, either direction.
 */
typedef struct {
	WbAppRunStateCommand command;
	gboolean has_uuid;
	WbUuid uuid;
} WbAppRunState;

gboolean wb_app_run_state_decode(const guint8 *buf, gsize len, WbAppRunState *out, GError **error);
gboolean wb_app_run_state_encode(const WbAppRunState *msg, GByteArray *out, GError **error);

/* ---- AppFetch, endpoint 6001 (0x1771), little-endian (reference §8.3) ---- */
#define WB_APP_FETCH_COMMAND 0x01

/**
 * WbAppFetchRequest:
 * @uuid: the app whose binaries the watch lacks
 * @install_id: the watch's install id for the app; the phone echoes it as the PutBytes cookie
 *   (little-endian here, big-endian there)
 *
 * The watch's request for an app's binaries (watch to phone).
 */
typedef struct {
	WbUuid uuid;
	gint32 install_id;
} WbAppFetchRequest;

gboolean wb_app_fetch_request_decode(const guint8 *buf, gsize len, WbAppFetchRequest *out,
				     GError **error);
gboolean wb_app_fetch_request_encode(const WbAppFetchRequest *msg, GByteArray *out, GError **error);

/**
 * WbAppFetchStatus:
 * @WB_APP_FETCH_START: the phone will send the binaries
 * @WB_APP_FETCH_BUSY: the phone is busy
 * @WB_APP_FETCH_INVALID_UUID: the phone does not know the app
 * @WB_APP_FETCH_NO_DATA: the phone has no binaries for the app
 *
 * The phone's answer to an AppFetch request (reference §8.3).
 */
typedef enum {
	WB_APP_FETCH_START = 0x01,
	WB_APP_FETCH_BUSY = 0x02,
	WB_APP_FETCH_INVALID_UUID = 0x03,
	WB_APP_FETCH_NO_DATA = 0x04,
} WbAppFetchStatus;

gboolean wb_app_fetch_response_decode(const guint8 *buf, gsize len, WbAppFetchStatus *out_status,
				      GError **error);
gboolean wb_app_fetch_response_encode(WbAppFetchStatus status, GByteArray *out, GError **error);

/* ---- AppMetadata: the value of a BlobDB Apps record (reference §8.4) ---- */
#define WB_APP_METADATA_LEN      126
#define WB_APP_METADATA_NAME_LEN 96

/* process info flags, from the PBW binary header (§8.4) */
#define WB_APP_FLAG_WATCHFACE              (1u << 0)
#define WB_APP_FLAG_HIDDEN                 (1u << 1)
#define WB_APP_FLAG_SHOWN_ON_COMMUNICATION (1u << 2)
#define WB_APP_FLAG_JS                     (1u << 3)
#define WB_APP_FLAG_HAS_WORKER             (1u << 4)
#define WB_APP_FLAG_ROCKY                  (1u << 5)
#define WB_APP_FLAG_PLATFORM_SHIFT         6
#define WB_APP_FLAG_PLATFORM_MASK          (0xFu << WB_APP_FLAG_PLATFORM_SHIFT)

/**
 * WbAppPlatform:
 * @WB_APP_PLATFORM_UNKNOWN: SDK older than 4.2 stored no platform
 * @WB_APP_PLATFORM_APLITE: aplite
 * @WB_APP_PLATFORM_BASALT: basalt
 * @WB_APP_PLATFORM_CHALK: chalk
 * @WB_APP_PLATFORM_DIORITE: diorite
 * @WB_APP_PLATFORM_EMERY: emery
 * @WB_APP_PLATFORM_FLINT: flint
 * @WB_APP_PLATFORM_GABBRO: gabbro
 *
 * The platform an app binary was built for: bits 6-9 of the process flags (§8.4).
 */
typedef enum {
	WB_APP_PLATFORM_UNKNOWN = 0,
	WB_APP_PLATFORM_APLITE = 1,
	WB_APP_PLATFORM_BASALT = 2,
	WB_APP_PLATFORM_CHALK = 3,
	WB_APP_PLATFORM_DIORITE = 4,
	WB_APP_PLATFORM_EMERY = 5,
	WB_APP_PLATFORM_FLINT = 6,
	WB_APP_PLATFORM_GABBRO = 7,
} WbAppPlatform;

/**
 * WbAppMetadata:
 * @uuid: the app's UUID (also the BlobDB key)
 * @flags: process info flags: `WB_APP_FLAG_*` and the platform in bits 6-9
 * @icon_resource_id: resource id of the menu icon
 * @app_version_major: app version
 * @app_version_minor: app version
 * @sdk_version_major: SDK version the app was built with
 * @sdk_version_minor: SDK version the app was built with
 * @app_face_bg_color: GColor8 of the app face background (0 in practice)
 * @app_face_template_id: unused by the firmware (0)
 * @name: the app's name, at most %WB_APP_METADATA_NAME_LEN bytes
 *
 * The 126-byte value of a BlobDB Apps record, little-endian.
 */
typedef struct {
	WbUuid uuid;
	guint32 flags;
	guint32 icon_resource_id;
	guint8 app_version_major;
	guint8 app_version_minor;
	guint8 sdk_version_major;
	guint8 sdk_version_minor;
	guint8 app_face_bg_color;
	guint8 app_face_template_id;
	gchar *name;
} WbAppMetadata;

void wb_app_metadata_clear(WbAppMetadata *msg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbAppMetadata, wb_app_metadata_clear)
gboolean wb_app_metadata_decode(const guint8 *buf, gsize len, WbAppMetadata *out, GError **error);
gboolean wb_app_metadata_encode(const WbAppMetadata *msg, GByteArray *out, GError **error);
guint wb_app_metadata_get_platform(const WbAppMetadata *msg);
void wb_app_metadata_set_platform(WbAppMetadata *msg, guint platform);

G_END_DECLS
