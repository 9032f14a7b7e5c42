/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "wb-datalog.h"
#include "wb-system.h"
#include "wb-uuid.h"

G_BEGIN_DECLS

#define WB_SIM_ERROR (wb_sim_error_quark())

/**
 * WbSimError:
 * @WB_SIM_ERROR_INVALID_ARGS: a control command's arguments are wrong
 * @WB_SIM_ERROR_NOT_CONNECTED: the watch has no phone session
 * @WB_SIM_ERROR_NOT_FOUND: no such item, action or session
 * @WB_SIM_ERROR_NOT_SUPPORTED: the watch cannot do that (here)
 * @WB_SIM_ERROR_FAILED: anything else
 *
 * Errors of the simulated watch's control operations.
 */
typedef enum {
	WB_SIM_ERROR_INVALID_ARGS,
	WB_SIM_ERROR_NOT_CONNECTED,
	WB_SIM_ERROR_NOT_FOUND,
	WB_SIM_ERROR_NOT_SUPPORTED,
	WB_SIM_ERROR_FAILED,
} WbSimError;

GQuark wb_sim_error_quark(void);

/* TicToc, the default watchface of PebbleOS (FW `apps/system_apps/timeline/tictoc`). */
#define WB_SIM_TICTOC_UUID "8f3c8686-31a1-4f5f-91f5-01600c9bdc59"

/* The largest payload the watch sends in one frame (§1.2, FW COMM_MAX_OUTBOUND_PAYLOAD_SIZE). */
#define WB_SIM_MAX_OUTBOUND_PAYLOAD 656

/**
 * WbSimIdentity:
 * @hw_platform: the hardware platform byte (§13.2)
 * @board: hardware revision string, at most 9 bytes
 * @firmware: running firmware version tag, e.g. "v4.3"
 * @firmware_timestamp: its build time, Unix seconds
 * @git_hash: its short git hash, at most 7 characters
 * @recovery_firmware: the recovery firmware's version tag
 * @serial: serial number, at most 12 bytes
 * @bt_address: Bluetooth address in wire order (octet 0 least significant)
 * @language: ISO locale, at most 5 bytes
 * @language_version: language pack version
 * @capabilities: the watch's `WB_CAP_*` bits
 * @color: the factory colour code (§2.10)
 *
 * Who the simulated watch says it is.
 */
typedef struct {
	guint8 hw_platform;
	gchar *board;
	gchar *firmware;
	guint32 firmware_timestamp;
	gchar *git_hash;
	gchar *recovery_firmware;
	gchar *serial;
	guint8 bt_address[6];
	gchar *language;
	guint16 language_version;
	guint64 capabilities;
	guint32 color;
} WbSimIdentity;

void wb_sim_identity_init(WbSimIdentity *identity);
void wb_sim_identity_clear(WbSimIdentity *identity);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbSimIdentity, wb_sim_identity_clear)
gboolean wb_sim_identity_set_model(WbSimIdentity *identity, const gchar *model, GError **error);
gboolean wb_sim_identity_set_address(WbSimIdentity *identity, const gchar *address, GError **error);
gchar *wb_sim_identity_dup_address(const WbSimIdentity *identity);
gboolean wb_sim_identity_check(const WbSimIdentity *identity, GError **error);
const gchar *wb_sim_identity_default_board(guint8 hw_platform);

/**
 * WbSimWatchCallbacks:
 * @send_frame: send one whole Pebble Protocol frame (header included) to the phone
 * @drop_link: the watch goes away (reboot): close the link to the phone; the host calls
 *   wb_sim_watch_disconnected() once it is closed (it may already have been told)
 * @print: (nullable): one line of what the watch received or sent, as a person reads it
 *
 * How the watch reaches its host. Callbacks are never called after wb_sim_watch_free().
 */
typedef struct {
	void (*send_frame)(const guint8 *frame, gsize len, gpointer user_data);
	void (*drop_link)(const gchar *reason, gpointer user_data);
	void (*print)(const gchar *line, gpointer user_data);
} WbSimWatchCallbacks;

typedef struct _WbSimWatch WbSimWatch;

/**
 * WbSimCorruption:
 * @WB_SIM_CORRUPT_CRC: the SendData checksum is wrong, the data is intact
 * @WB_SIM_CORRUPT_RECORD: the last item of the chunk is broken (unknown minute record version,
 *   activity type 99, legacy sleep version 2, protobuf garbage; the first byte flipped for
 *   other tags); the checksum matches the broken data
 * @WB_SIM_CORRUPT_TRUNCATE: the last item is cut short, so the data is not whole items; the
 *   checksum matches what is sent
 * @WB_SIM_CORRUPT_RANGE: every item's time is moved to 2097 (0xF0000000 onwards); checksum
 *   matches
 * @WB_SIM_CORRUPT_OFFSET: every item's local offset is out of range (+31:45 for minute
 *   records, +200000 s for the others); checksum matches
 *
 * How dlog corrupt-next breaks a SendData (docs/watchsim.md). The watch's stored data is never
 * touched: only the bytes on the air are.
 */
typedef enum {
	WB_SIM_CORRUPT_CRC,
	WB_SIM_CORRUPT_RECORD,
	WB_SIM_CORRUPT_TRUNCATE,
	WB_SIM_CORRUPT_RANGE,
	WB_SIM_CORRUPT_OFFSET,
} WbSimCorruption;

gboolean wb_sim_corruption_from_string(const gchar *name, WbSimCorruption *out);
const gchar *wb_sim_corruption_to_string(WbSimCorruption kind);

WbSimWatch *wb_sim_watch_new(const WbSimIdentity *identity, const WbSimWatchCallbacks *callbacks,
			     gpointer user_data);
void wb_sim_watch_free(WbSimWatch *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbSimWatch, wb_sim_watch_free)

const WbSimIdentity *wb_sim_watch_get_identity(const WbSimWatch *self);
void wb_sim_watch_set_seed(WbSimWatch *self, guint32 seed);
void wb_sim_watch_set_rtc(WbSimWatch *self, gint64 utc_seconds, gint64 now_us);
gint64 wb_sim_watch_get_utc(const WbSimWatch *self, gint64 now_us);

void wb_sim_watch_connected(WbSimWatch *self, gint64 now_us);
void wb_sim_watch_disconnected(WbSimWatch *self, gint64 now_us);
gboolean wb_sim_watch_is_connected(const WbSimWatch *self);
void wb_sim_watch_feed(WbSimWatch *self, const guint8 *data, gsize len, gint64 now_us);
void wb_sim_watch_receive_frame(WbSimWatch *self, guint16 endpoint, const guint8 *payload,
				gsize len, gint64 now_us);
gint64 wb_sim_watch_get_next_deadline(const WbSimWatch *self);
void wb_sim_watch_tick(WbSimWatch *self, gint64 now_us);

gboolean wb_sim_watch_ping(WbSimWatch *self, guint32 *out_cookie, GError **error);
void wb_sim_watch_reboot(WbSimWatch *self, const gchar *reason, gint64 now_us);
gboolean wb_sim_watch_press(WbSimWatch *self, const WbUuid *item_id, guint8 action_id,
			    const gchar *reply, gint64 now_us, JsonBuilder *result, GError **error);
gint wb_sim_watch_dlog_open(WbSimWatch *self, guint32 tag, WbDatalogItemType item_type,
			    guint16 item_size, const WbUuid *app_uuid, gint64 now_us,
			    GError **error);
gboolean wb_sim_watch_dlog_send(WbSimWatch *self, guint8 session_id, const guint8 *data, gsize len,
				gint64 now_us, GError **error);
gboolean wb_sim_watch_dlog_close(WbSimWatch *self, guint8 session_id, gint64 now_us,
				 GError **error);

void wb_sim_watch_set_dlog_timeout(WbSimWatch *self, gint64 timeout_us);
void wb_sim_watch_dlog_drop_acks(WbSimWatch *self, guint count);
void wb_sim_watch_dlog_corrupt_next(WbSimWatch *self, WbSimCorruption kind, guint count,
				    guint32 tag);
void wb_sim_watch_disconnect_after_frames(WbSimWatch *self, gint frames);

gboolean wb_sim_watch_health_set_version(WbSimWatch *self, guint version, GError **error);
void wb_sim_watch_health_set_enabled(WbSimWatch *self, gboolean enabled);
void wb_sim_watch_health_set_hold(WbSimWatch *self, gboolean hold, gint64 now_us);
gboolean wb_sim_watch_health_generate(WbSimWatch *self, gdouble days, const guint32 *seed,
				      gint64 end_utc, const gint *offset_minutes, gint64 now_us,
				      JsonBuilder *result, GError **error);
void wb_sim_watch_health_add_state(WbSimWatch *self, JsonBuilder *builder);
void wb_sim_watch_health_add_truth(WbSimWatch *self, JsonBuilder *builder);

void wb_sim_watch_add_state(WbSimWatch *self, JsonBuilder *builder, gint64 now_us);
void wb_sim_watch_add_datalog(WbSimWatch *self, JsonBuilder *builder);
gboolean wb_sim_watch_add_blobdb(WbSimWatch *self, JsonBuilder *builder, const gchar *database,
				 GError **error);

G_END_DECLS
