/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The simulated watch: the watch side of the Pebble Protocol, as PebbleOS plays it. It takes
 * whole frames (or a byte stream) and a monotonic "now", answers through a callback, and keeps
 * what a watch keeps: its identity, its clock, BlobDB, data-logging sessions, PutBytes objects.
 * No I/O and no main loop: the host (TCP with emulator framing in main.c, PPoGATT later) moves
 * the bytes and calls wb_sim_watch_tick() at wb_sim_watch_get_next_deadline().
 */

#include "wb-sim-watch.h"

#include <string.h>

#include "wb-apps.h"
#include "wb-blobdb.h"
#include "wb-crc.h"
#include "wb-frame.h"
#include "wb-health.h"
#include "wb-legacy-notification.h"
#include "wb-logs.h"
#include "wb-putbytes.h"
#include "wb-screenshot.h"
#include "wb-sim-blobdb.h"
#include "wb-sim-health.h"
#include "wb-sim-json.h"
#include "wb-sysmsg.h"
#include "wb-timeline.h"

G_DEFINE_QUARK(wb - sim - error - quark, wb_sim_error)

/* §6.4: the watch waits 30 s for the phone's ACK of an OpenSession or SendData (the default of
 * wb_sim_watch_set_dlog_timeout()) */
#define DLS_ACK_TIMEOUT_US (30 * G_USEC_PER_SEC)
/* Acknowledged bytes at the front of a session's buffer are dropped in one go past this */
#define DLS_COMPACT_BYTES 65536
/* §6.4: more than 20 NACKs in a row make the watch throw the session's data away */
#define DLS_MAX_CONSECUTIVE_NACKS 20
/* A NACKed OpenSession is re-sent; not at once, so a phone that NACKs opens does not make the
 * two sides spin (the firmware re-opens from a later system-task callback) */
#define DLS_REOPEN_DELAY_US (1 * G_USEC_PER_SEC)
/* §8.1: a transfer is aborted when no PutBytes message arrives for 30 s */
#define PUT_BYTES_TIMEOUT_US (30 * G_USEC_PER_SEC)
/* pebbleos-rendering.md §2 and §2.11: the watch faults about 3 s after a corrupt notification,
 * and reboots about 3 s after FirmwareComplete */
#define DELAYED_REBOOT_US (3 * G_USEC_PER_SEC)
/* How many finished PutBytes objects the state keeps */
#define PUT_BYTES_MAX_OBJECTS 64
/* pebbleos-rendering.md §7: with this parent a Dismiss action reaches the phone */
#define NOTIFICATIONS_DATA_SOURCE_UUID "ed429c16-f674-4220-95da-454f303f15e2"

typedef enum {
	DLS_NEEDS_OPEN,
	DLS_OPENING,
	DLS_READY,
	DLS_SENDING,
} DlsState;

/* One data-logging session of the watch (§6) */
typedef struct {
	guint8 id;
	WbDatalogOpenSession open;
	GByteArray *pending; /* logged; bytes before head are acknowledged, not yet dropped */
	gsize head;          /* the unacknowledged data starts here; its first in_flight are sent */
	gsize in_flight;
	gboolean health; /* a session of the health generator: counted in the ground truth */
	gboolean flush;  /* asked to send everything (HealthSync, EmptySession) while held */
	DlsState state;
	gboolean stalled; /* timed out: wait for a reason to try again */
	gint64 deadline;  /* ACK timeout (opening, sending) or re-open time (needs open) */
	guint opens_sent;
	guint data_sent;
	guint acks;
	guint nacks;
	guint consecutive_nacks;
	guint timeouts;
	guint64 bytes_logged;
	guint64 bytes_acked;
	guint64 bytes_discarded;
	guint corrupted_sent;
} Dls;

typedef enum {
	PB_RECEIVING,
	PB_COMMITTED,
	PB_INSTALLED,
	PB_ABORTED,
	PB_FAILED,
} PbState;

/* One PutBytes object (§8.1) */
typedef struct {
	guint32 token;
	WbPutBytesObjectType type;
	gboolean has_cookie;
	guint32 cookie;
	guint8 bank;
	gchar *filename;
	guint32 size;
	guint32 received;
	WbCrcStm32 crc;
	gboolean committed_crc_ok;
	PbState state;
	gchar *why;
} PbObject;

/* An app being fetched (§8.3) */
typedef struct {
	WbUuid uuid;
	gint32 install_id;
	gboolean needs_worker;
	gboolean binary;
	gboolean resources;
	gboolean worker;
} AppFetch;

struct _WbSimWatch {
	WbSimIdentity identity;
	WbSimWatchCallbacks cb;
	gpointer user_data;
	GRand *rand;
	WbFrameDecoder *decoder;

	/* the RTC: UTC seconds at a monotonic instant */
	gint64 rtc_utc;
	gint64 rtc_mono_us;

	/* the session with the phone */
	gboolean connected;
	guint sessions;
	gboolean phone_answered;
	gboolean has_phone;
	WbPhoneAppVersion phone;

	/* the clock as the phone set it */
	gboolean clock_set;
	guint32 set_utc;
	gint16 set_offset_minutes;
	gchar *set_tz;
	guint set_utc_count;
	gboolean has_localtime;
	guint32 last_localtime;
	guint set_localtime_count;
	guint get_time_count;

	/* counters */
	guint64 frames_in;
	guint64 frames_out;
	guint malformed;
	guint unknown_endpoints;
	GHashTable *in_by_endpoint; /* endpoint → count */
	guint pings_answered;
	gboolean has_ping_cookie;
	guint32 last_ping_cookie;
	guint pings_sent;
	guint32 next_ping_cookie;
	guint pongs_received;
	gboolean has_pong_cookie;
	guint32 last_pong_cookie;
	guint watch_version_requests;
	guint resets;
	gchar *last_reset;
	guint reboots;
	gchar *last_reboot;
	gint64 reboot_at;
	gchar *reboot_reason;

	/* BlobDB */
	WbSimBlobdb *blobdb;
	gboolean unfaithful;
	guint blobdb_commands;
	JsonNode *blobdb_last;

	/* apps */
	WbUuid running_app;
	GArray *installed_apps; /* of WbUuid */
	AppFetch *fetch;

	/* data logging */
	GPtrArray *dls; /* of Dls */
	gboolean dls_send_enabled;
	gint64 dls_timeout_us;

	/* health (wb-sim-health.h) */
	gboolean has_seed;
	guint32 seed;
	gboolean health_enabled;
	guint health_version;
	gboolean health_hold;
	gint64 health_from; /* generated range, UTC; -1 before the first generate */
	gint64 health_to;
	gint32 health_offset; /* utc_to_local of the last generate */
	guint32 health_seed;  /* seed of the last generate */
	guint health_generations;
	guint health_sync_requests;
	guint health_sync_nacks;
	WbSimHealthTruth *truth_generated;
	WbSimHealthTruth *truth_acked;
	WbSimHealthTruth *truth_discarded;

	/* fault knobs */
	guint drop_acks;
	guint acks_dropped;
	WbSimCorruption corrupt_kind;
	guint corrupt_count;
	guint32 corrupt_tag; /* 0: any session */
	guint corrupted_sent;
	gint disconnect_after_frames; /* -1: off */
	gboolean link_dropping;       /* frames are swallowed until the link is dropped */
	guint links_dropped;

	/* PutBytes */
	GPtrArray *pb_objects; /* of PbObject */
	PbObject *pb_active;
	gint64 pb_deadline;

	/* misc */
	guint screenshots;
	guint action_responses;
	JsonNode *last_action_response;
	guint invoke_actions;
	guint legacy_notifications;
	JsonNode *last_legacy_notification;
	gboolean app_logs_enabled;
	gboolean ble_discoverable;
	gchar *fw_update;
};

/* ------------------------------------------------------------------ identity */

/* Model presets: what --model picks (§13.2 platform byte, §2.10 colour) */
typedef struct {
	const gchar *names[4];
	guint8 hw_platform;
	const gchar *board;
	const gchar *firmware;
	guint32 color;
} ModelPreset;

static const ModelPreset model_presets[] = {
	{{"pebble", "aplite", NULL}, 5, "v1_5", "v4.3", 1},
	{{"pebble-steel", "steel", NULL}, 6, "v2_0", "v4.3", 7},
	{{"pebble-time", "basalt", "time", NULL}, 8, "snowy_dvt", "v4.3", 12},
	{{"pebble-time-steel", "time-steel", NULL}, 10, "snowy_s3", "v4.3", 15},
	{{"pebble-time-round", "chalk", "round", NULL}, 11, "spalding", "v4.3", 18},
	{{"pebble-2", "diorite", NULL}, 14, "silk", "v4.3", 25},
	{{"pebble-time-2", "emery", NULL}, 13, "robert_evt", "v4.3", 31},
	{{"core-pebble-2-duo", "pebble-2-duo", "flint", NULL}, 15, "asterix", "v4.9.160", 34},
	{{"core-pebble-time-2", "obelix", NULL}, 18, "obelix_pvt", "v4.9.160", 36},
	{{"core-pebble-round-2", "gabbro", NULL}, 21, "getafix", "v4.9.160", 40},
};

/* What a 4.x firmware announces (§2.4): everything up to smooth install progress, the JS
 * bytecode version and resumable firmware installs. */
#define WB_SIM_DEFAULT_CAPABILITIES                                                                \
	(WB_CAP_APP_RUN_STATE | WB_CAP_INFINITE_LOG_DUMPING | WB_CAP_EXTENDED_MUSIC_SERVICE |      \
	 WB_CAP_EXTENDED_NOTIFICATION_SERVICE | WB_CAP_LANGUAGE_PACK_SUPPORT |                     \
	 WB_CAP_APP_MESSAGE_8K | WB_CAP_ACTIVITY_INSIGHTS | WB_CAP_VOICE_API | WB_CAP_SEND_TEXT |  \
	 WB_CAP_NOTIFICATION_FILTERING | WB_CAP_UNREAD_COREDUMP | WB_CAP_WEATHER_APP |             \
	 WB_CAP_REMINDERS_APP | WB_CAP_WORKOUT_APP | WB_CAP_SMOOTH_FW_INSTALL_PROGRESS |           \
	 WB_CAP_JAVASCRIPT_BYTECODE_VERSION | WB_CAP_CONTINUE_FW_INSTALL_ACROSS_DISCONNECT)

/**
 * wb_sim_identity_init:
 * @identity: (out caller-allocates): the identity to fill
 *
 * The default identity: a black Pebble Time (hw 8, SnowyDVT, basalt, board "snowy_dvt")
 * running v4.3, serial "WBSIM0000001", address B0:B4:48:57:42:01, language en_US.
 */
void
wb_sim_identity_init(WbSimIdentity *identity)
{
	static const guint8 address[6] = {0x01, 0x42, 0x57, 0x48, 0xB4, 0xB0};

	memset(identity, 0, sizeof(*identity));
	identity->hw_platform = 8;
	identity->board = g_strdup("snowy_dvt");
	identity->firmware = g_strdup("v4.3");
	identity->firmware_timestamp = 1472515200; /* 2016-08-30 */
	identity->git_hash = g_strdup("7b6b3a1");
	identity->recovery_firmware = g_strdup("v3.0");
	identity->serial = g_strdup("WBSIM0000001");
	memcpy(identity->bt_address, address, sizeof(address));
	identity->language = g_strdup("en_US");
	identity->language_version = 1;
	identity->capabilities = WB_SIM_DEFAULT_CAPABILITIES;
	identity->color = 12;
}

void
wb_sim_identity_clear(WbSimIdentity *identity)
{
	g_free(identity->board);
	g_free(identity->firmware);
	g_free(identity->git_hash);
	g_free(identity->recovery_firmware);
	g_free(identity->serial);
	g_free(identity->language);
	memset(identity, 0, sizeof(*identity));
}

/**
 * wb_sim_identity_default_board:
 * @hw_platform: a hardware platform byte
 *
 * Returns: (nullable): the board string of the model preset with that byte
 */
const gchar *
wb_sim_identity_default_board(guint8 hw_platform)
{
	for (guint i = 0; i < G_N_ELEMENTS(model_presets); i++) {
		if (model_presets[i].hw_platform == hw_platform)
			return model_presets[i].board;
	}
	return NULL;
}

/**
 * wb_sim_identity_set_model:
 * @identity: the identity
 * @model: a model ("pebble-time", "pebble-2", "core-pebble-2-duo"…) or SDK platform name
 *   ("basalt", "diorite", "flint"…)
 * @error: return location for a #GError
 *
 * Sets the platform byte, board, firmware tag and colour of that model.
 *
 * Returns: %TRUE if @model is known
 */
gboolean
wb_sim_identity_set_model(WbSimIdentity *identity, const gchar *model, GError **error)
{
	g_autofree gchar *norm = g_strdelimit(g_ascii_strdown(model, -1), "_ ", '-');
	g_autoptr(GString) known = g_string_new(NULL);

	for (guint i = 0; i < G_N_ELEMENTS(model_presets); i++) {
		const ModelPreset *p = &model_presets[i];
		for (guint j = 0; j < G_N_ELEMENTS(p->names) && p->names[j] != NULL; j++) {
			if (!g_str_equal(norm, p->names[j]))
				continue;
			identity->hw_platform = p->hw_platform;
			g_free(identity->board);
			identity->board = g_strdup(p->board);
			g_free(identity->firmware);
			identity->firmware = g_strdup(p->firmware);
			identity->color = p->color;
			return TRUE;
		}
		g_string_append_printf(known, "%s%s", i > 0 ? ", " : "", p->names[0]);
	}
	g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
		    "unknown model '%s' (known: %s)", model, known->str);
	return FALSE;
}

/**
 * wb_sim_identity_set_address:
 * @identity: the identity
 * @address: `AA:BB:CC:DD:EE:FF`, most significant octet first
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @address is well formed
 */
gboolean
wb_sim_identity_set_address(WbSimIdentity *identity, const gchar *address, GError **error)
{
	guint8 octets[6];

	if (strlen(address) != 17)
		goto bad;
	for (guint i = 0; i < 6; i++) {
		const gchar *p = address + 3 * i;
		gint hi = g_ascii_xdigit_value(p[0]);
		gint lo = g_ascii_xdigit_value(p[1]);
		if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
			goto bad;
		/* §2.6: octet 0 on the wire is the least significant, the last one written */
		octets[5 - i] = (guint8)(hi << 4 | lo);
	}
	memcpy(identity->bt_address, octets, sizeof(octets));
	return TRUE;
bad:
	g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
		    "address '%s' is not of the form AA:BB:CC:DD:EE:FF", address);
	return FALSE;
}

/**
 * wb_sim_identity_dup_address:
 * @identity: the identity
 *
 * Returns: (transfer full): the address as `AA:BB:CC:DD:EE:FF`
 */
gchar *
wb_sim_identity_dup_address(const WbSimIdentity *identity)
{
	const guint8 *a = identity->bt_address;

	return g_strdup_printf("%02X:%02X:%02X:%02X:%02X:%02X", a[5], a[4], a[3], a[2], a[1], a[0]);
}

static void
fill_firmware(WbFirmwareVersion *fw, const gchar *tag, guint32 timestamp, const gchar *git_hash,
	      guint8 flags, guint8 hw_platform)
{
	fw->timestamp = timestamp;
	fw->version_tag = g_strdup(tag);
	fw->git_hash = g_strdup(git_hash);
	fw->flags = flags;
	fw->hw_platform = hw_platform;
	fw->metadata_version = 1;
}

static void
fill_watch_version(const WbSimIdentity *id, gboolean unfaithful, WbWatchVersion *v)
{
	fill_firmware(&v->running, id->firmware, id->firmware_timestamp, id->git_hash, 0,
		      id->hw_platform);
	fill_firmware(&v->recovery, id->recovery_firmware, id->firmware_timestamp - 86400 * 365, "",
		      WB_FIRMWARE_FLAG_RECOVERY, id->hw_platform);
	v->bootloader_timestamp = id->firmware_timestamp - 86400 * 400;
	v->board = g_strdup(id->board);
	v->serial = g_strdup(id->serial);
	memcpy(v->bt_address, id->bt_address, sizeof(v->bt_address));
	v->resource_crc = 0x5e1f0cad;
	v->resource_timestamp = id->firmware_timestamp;
	v->language = g_strdup(id->language);
	v->language_version = id->language_version;
	v->capabilities = id->capabilities;
	/* the full 155-byte form of a 4.x watch (§2.6) */
	v->has_is_unfaithful = TRUE;
	v->is_unfaithful = unfaithful;
	v->has_insights_version = TRUE;
	v->insights_version = 1;
	v->has_js_version = TRUE;
	v->js_version = 1;
}

/**
 * wb_sim_identity_check:
 * @identity: the identity
 * @error: return location for a #GError
 *
 * Returns: %TRUE if every field fits the WatchVersion response (§2.6)
 */
gboolean
wb_sim_identity_check(const WbSimIdentity *identity, GError **error)
{
	g_auto(WbWatchVersion) v = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) local = NULL;

	fill_watch_version(identity, FALSE, &v);
	if (!wb_watch_version_encode(&v, out, &local)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS, "identity: %s",
			    local->message);
		return FALSE;
	}
	return TRUE;
}

/* ------------------------------------------------------------------ helpers */

static void sim_print(WbSimWatch *self, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

static void
sim_print(WbSimWatch *self, const gchar *format, ...)
{
	g_autofree gchar *line = NULL;
	va_list ap;

	if (self->cb.print == NULL)
		return;
	va_start(ap, format);
	line = g_strdup_vprintf(format, ap);
	va_end(ap);
	self->cb.print(line, self->user_data);
}

static gchar *
format_utc(gint64 utc)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(utc);

	if (dt == NULL)
		return g_strdup_printf("@%" G_GINT64_FORMAT, utc);
	return g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
}

static gchar *
uuid_str(const WbUuid *uuid)
{
	return wb_uuid_to_string(uuid);
}

/* Sends one frame with @payload to the phone */
static void
emit(WbSimWatch *self, guint16 endpoint, const GByteArray *payload)
{
	g_autoptr(GByteArray) frame = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	if (!self->connected) {
		g_debug("[watchsim] no session: not sending %u bytes on '%s'", payload->len,
			wb_endpoint_to_string(endpoint));
		return;
	}
	if (self->link_dropping) {
		/* disconnect-after-frames: the link is going down, this frame is lost */
		g_debug("[watchsim] link dropping: %u bytes on '%s' lost", payload->len,
			wb_endpoint_to_string(endpoint));
		return;
	}
	if (!wb_frame_encode(frame, endpoint, payload->data, payload->len, &error)) {
		g_critical("[watchsim] cannot frame a message for '%s': %s",
			   wb_endpoint_to_string(endpoint), error->message);
		return;
	}
	self->frames_out++;
	self->cb.send_frame(frame->data, frame->len, self->user_data);
	if (self->disconnect_after_frames > 0 && --self->disconnect_after_frames == 0) {
		/* dropped from wb_sim_watch_tick(), due at once: the caller may be in the
		 * middle of changing a session */
		self->disconnect_after_frames = -1;
		self->link_dropping = TRUE;
	}
}

/* A message we build ourselves failed to encode: a bug in the simulator */
static void
encode_failed(const gchar *what, const GError *error)
{
	g_critical("[watchsim] cannot encode %s: %s", what, error->message);
}

static void
malformed(WbSimWatch *self, guint16 endpoint, const GError *error)
{
	self->malformed++;
	g_message("[watchsim] malformed message on '%s' from the phone: %s, dropped",
		  wb_endpoint_to_string(endpoint), error->message);
	sim_print(self, "← %s: malformed (%s), dropped", wb_endpoint_to_string(endpoint),
		  error->message);
}

static gint64
watch_utc(const WbSimWatch *self, gint64 now_us)
{
	return self->rtc_utc + (now_us - self->rtc_mono_us) / G_USEC_PER_SEC;
}

static const gchar *
cap_name(guint bit)
{
	static const gchar *const names[] = {
		"app_run_state",
		"infinite_log_dumping",
		"extended_music_service",
		"extended_notification_service",
		"language_pack_support",
		"app_message_8k",
		"activity_insights",
		"voice_api",
		"send_text",
		"notification_filtering",
		"unread_coredump",
		"weather_app",
		"reminders_app",
		"workout_app",
		"smooth_fw_install_progress",
		"custom_vibe_pattern",
		"javascript_bytecode_version",
		"imaging",
		"notification_image",
		NULL,
		NULL,
		"continue_fw_install_across_disconnect",
		"blob_db_version",
		"settings_sync",
		"weather_db_v4",
	};

	return bit < G_N_ELEMENTS(names) ? names[bit] : NULL;
}

static void
add_caps_json(JsonBuilder *builder, guint64 caps)
{
	json_builder_begin_array(builder);
	for (guint bit = 0; bit < 64; bit++) {
		g_autofree gchar *fallback = NULL;
		const gchar *name;

		if ((caps & (G_GUINT64_CONSTANT(1) << bit)) == 0)
			continue;
		name = cap_name(bit);
		if (name == NULL)
			name = fallback = g_strdup_printf("bit_%u", bit);
		json_builder_add_string_value(builder, name);
	}
	json_builder_end_array(builder);
}

static const gchar *
phone_os_name(guint32 platform_flags)
{
	switch ((WbPhoneOs)(platform_flags & WB_PLATFORM_FLAG_OS_MASK)) {
	case WB_PHONE_OS_UNKNOWN:
		return "unknown";
	case WB_PHONE_OS_IOS:
		return "ios";
	case WB_PHONE_OS_ANDROID:
		return "android";
	case WB_PHONE_OS_MACOS:
		return "macos";
	case WB_PHONE_OS_LINUX:
		return "linux";
	case WB_PHONE_OS_WINDOWS:
		return "windows";
	}
	return "unknown";
}

static void
set_member_int(JsonBuilder *b, const gchar *name, gint64 v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, v);
}

static void
set_member_str(JsonBuilder *b, const gchar *name, const gchar *v)
{
	json_builder_set_member_name(b, name);
	if (v != NULL)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void
add_optional_uint(JsonBuilder *b, const gchar *name, gboolean has, guint32 v)
{
	json_builder_set_member_name(b, name);
	if (has)
		json_builder_add_int_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void
set_member_bool(JsonBuilder *b, const gchar *name, gboolean v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_boolean_value(b, v);
}

static void
set_member_uuid(JsonBuilder *b, const gchar *name, const WbUuid *uuid)
{
	wb_sim_json_add_uuid(b, name, uuid);
}

/* ------------------------------------------------------------------ lifecycle */

static void
dls_free(Dls *s)
{
	g_byte_array_unref(s->pending);
	g_free(s);
}

static void
pb_object_free(PbObject *obj)
{
	g_free(obj->filename);
	g_free(obj->why);
	g_free(obj);
}

/**
 * wb_sim_watch_new:
 * @identity: who the watch is (copied)
 * @callbacks: how it reaches its host (copied)
 * @user_data: passed to the callbacks
 *
 * The watch starts with no session, empty databases, TicToc running and its clock at the Unix
 * epoch (set it with wb_sim_watch_set_rtc()).
 *
 * Returns: (transfer full): a new watch
 */
WbSimWatch *
wb_sim_watch_new(const WbSimIdentity *identity, const WbSimWatchCallbacks *callbacks,
		 gpointer user_data)
{
	WbSimWatch *self = g_new0(WbSimWatch, 1);

	self->identity = *identity;
	self->identity.board = g_strdup(identity->board);
	self->identity.firmware = g_strdup(identity->firmware);
	self->identity.git_hash = g_strdup(identity->git_hash);
	self->identity.recovery_firmware = g_strdup(identity->recovery_firmware);
	self->identity.serial = g_strdup(identity->serial);
	self->identity.language = g_strdup(identity->language);
	self->cb = *callbacks;
	self->user_data = user_data;
	self->rand = g_rand_new();
	self->decoder = wb_frame_decoder_new(WB_FRAME_MAX_PAYLOAD);
	self->in_by_endpoint = g_hash_table_new(g_direct_hash, g_direct_equal);
	self->next_ping_cookie = 1;
	self->reboot_at = -1;
	self->blobdb = wb_sim_blobdb_new();
	(void)wb_uuid_parse(WB_SIM_TICTOC_UUID, &self->running_app);
	self->installed_apps = g_array_new(FALSE, FALSE, sizeof(WbUuid));
	self->dls = g_ptr_array_new_with_free_func((GDestroyNotify)dls_free);
	self->dls_send_enabled = TRUE;
	self->dls_timeout_us = DLS_ACK_TIMEOUT_US;
	self->health_enabled = TRUE;
	self->health_version = WB_SIM_HEALTH_DEFAULT_VERSION;
	self->health_from = -1;
	self->health_to = -1;
	self->truth_generated = wb_sim_health_truth_new();
	self->truth_acked = wb_sim_health_truth_new();
	self->truth_discarded = wb_sim_health_truth_new();
	self->disconnect_after_frames = -1;
	self->pb_objects = g_ptr_array_new_with_free_func((GDestroyNotify)pb_object_free);
	self->pb_deadline = -1;
	return self;
}

void
wb_sim_watch_free(WbSimWatch *self)
{
	if (self == NULL)
		return;
	wb_sim_identity_clear(&self->identity);
	g_rand_free(self->rand);
	wb_frame_decoder_free(self->decoder);
	g_hash_table_unref(self->in_by_endpoint);
	g_free(self->set_tz);
	g_free(self->last_reset);
	g_free(self->last_reboot);
	g_free(self->reboot_reason);
	wb_sim_blobdb_free(self->blobdb);
	g_clear_pointer(&self->blobdb_last, json_node_unref);
	g_array_unref(self->installed_apps);
	g_free(self->fetch);
	g_ptr_array_unref(self->dls);
	wb_sim_health_truth_free(self->truth_generated);
	wb_sim_health_truth_free(self->truth_acked);
	wb_sim_health_truth_free(self->truth_discarded);
	g_ptr_array_unref(self->pb_objects);
	g_clear_pointer(&self->last_action_response, json_node_unref);
	g_clear_pointer(&self->last_legacy_notification, json_node_unref);
	g_free(self->fw_update);
	g_free(self);
}

/**
 * wb_sim_watch_get_identity:
 * @self: the watch
 *
 * Returns: (transfer none): who the watch says it is
 */
const WbSimIdentity *
wb_sim_watch_get_identity(const WbSimWatch *self)
{
	return &self->identity;
}

/**
 * wb_sim_watch_set_seed:
 * @self: the watch
 * @seed: the seed of everything random (PutBytes tokens) and the default seed of the health
 *   generator
 */
void
wb_sim_watch_set_seed(WbSimWatch *self, guint32 seed)
{
	g_rand_set_seed(self->rand, seed);
	self->has_seed = TRUE;
	self->seed = seed;
}

/**
 * wb_sim_watch_set_rtc:
 * @self: the watch
 * @utc_seconds: the time of the watch's clock at @now_us
 * @now_us: the monotonic time now
 */
void
wb_sim_watch_set_rtc(WbSimWatch *self, gint64 utc_seconds, gint64 now_us)
{
	self->rtc_utc = utc_seconds;
	self->rtc_mono_us = now_us;
}

/**
 * wb_sim_watch_get_utc:
 * @self: the watch
 * @now_us: the monotonic time now
 *
 * Returns: what the watch's clock says, UTC seconds
 */
gint64
wb_sim_watch_get_utc(const WbSimWatch *self, gint64 now_us)
{
	return watch_utc(self, now_us);
}

/**
 * wb_sim_watch_is_connected:
 * @self: the watch
 *
 * Returns: %TRUE while a session with the phone is open
 */
gboolean
wb_sim_watch_is_connected(const WbSimWatch *self)
{
	return self->connected;
}

/* ------------------------------------------------------------------ session start */

static void
send_app_run_state(WbSimWatch *self, WbAppRunStateCommand command, const WbUuid *uuid)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *s = uuid_str(uuid);
	WbAppRunState msg = {.command = command, .has_uuid = TRUE, .uuid = *uuid};

	if (!wb_app_run_state_encode(&msg, out, &error)) {
		encode_failed("AppRunState", error);
		return;
	}
	sim_print(self, "→ app-run-state: %s %s",
		  command == WB_APP_RUN_STATE_STOP ? "stopped" : "running", s);
	emit(self, WB_ENDPOINT_APP_RUN_STATE, out);
}

static void dls_session_opened(WbSimWatch *self, gint64 now_us);
static void dls_session_closed(WbSimWatch *self);
static const guint8 *dls_data(const Dls *s);
static gsize dls_len(const Dls *s);
static void dls_count(WbSimWatch *self, const Dls *s, WbSimHealthTruth *truth, const guint8 *data,
		      gsize len);

/**
 * wb_sim_watch_connected:
 * @self: the watch
 * @now_us: the monotonic time now
 *
 * A link to the phone is up: the watch opens a session as PebbleOS does (§2.1): it asks for
 * the phone app version first, then reports the running app on AppRunState (the emulator's
 * session has the RunState capability preset, §12.3).
 */
void
wb_sim_watch_connected(WbSimWatch *self, gint64 now_us)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	if (self->connected)
		return;
	self->connected = TRUE;
	self->sessions++;
	self->phone_answered = FALSE;
	wb_frame_decoder_reset(self->decoder);
	sim_print(self, "-- session %u opened", self->sessions);
	if (!wb_phone_app_version_request_encode(out, &error)) {
		encode_failed("PhoneAppVersion request", error);
		return;
	}
	sim_print(self, "→ phone-app-version: request");
	emit(self, WB_ENDPOINT_PHONE_APP_VERSION, out);
	send_app_run_state(self, WB_APP_RUN_STATE_START, &self->running_app);
	dls_session_opened(self, now_us);
}

/**
 * wb_sim_watch_disconnected:
 * @self: the watch
 * @now_us: the monotonic time now
 *
 * The link to the phone is gone. Data-logging sessions go idle and keep their data (§6.4).
 */
void
wb_sim_watch_disconnected(WbSimWatch *self, gint64 now_us)
{
	if (!self->connected)
		return;
	self->connected = FALSE;
	/* a disconnect-after-frames drop still due is overtaken by this one */
	self->link_dropping = FALSE;
	wb_frame_decoder_reset(self->decoder);
	dls_session_closed(self);
	sim_print(self, "-- session %u closed", self->sessions);
}

/**
 * wb_sim_watch_reboot:
 * @self: the watch
 * @reason: why, for the log and the state
 * @now_us: the monotonic time now
 *
 * Reboots the watch: the session ends, the host is asked to drop the link, and TicToc runs
 * again. Stored data (BlobDB, data logging, installed apps) survives, as on flash.
 */
void
wb_sim_watch_reboot(WbSimWatch *self, const gchar *reason, gint64 now_us)
{
	gboolean was_connected = self->connected;

	self->reboots++;
	g_free(self->last_reboot);
	self->last_reboot = g_strdup(reason);
	self->reboot_at = -1;
	g_clear_pointer(&self->reboot_reason, g_free);
	g_message("[watchsim] rebooting: %s", reason);
	sim_print(self, "-- reboot: %s", reason);
	wb_sim_watch_disconnected(self, now_us);
	(void)wb_uuid_parse(WB_SIM_TICTOC_UUID, &self->running_app);
	g_clear_pointer(&self->fetch, g_free);
	if (self->pb_active != NULL) {
		self->pb_active->state = PB_ABORTED;
		self->pb_active->why = g_strdup("watch rebooted");
		self->pb_active = NULL;
		self->pb_deadline = -1;
	}
	if (was_connected && self->cb.drop_link != NULL)
		self->cb.drop_link(reason, self->user_data);
}

static void
schedule_reboot(WbSimWatch *self, const gchar *reason, gint64 now_us)
{
	self->reboot_at = now_us + DELAYED_REBOOT_US;
	g_free(self->reboot_reason);
	self->reboot_reason = g_strdup(reason);
}

/* ------------------------------------------------------------------ system endpoints */

static void
handle_time(WbSimWatch *self, const guint8 *payload, gsize len, gint64 now_us)
{
	g_auto(WbTimeMessage) msg = {0};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *when = NULL;

	if (!wb_time_message_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_TIME, error);
		return;
	}
	switch (msg.command) {
	case WB_TIME_GET_REQUEST: {
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbTimeMessage resp = {.command = WB_TIME_GET_RESPONSE,
				      .time = (guint32)watch_utc(self, now_us)};
		self->get_time_count++;
		if (!wb_time_message_encode(&resp, out, &error)) {
			encode_failed("GetTimeResponse", error);
			return;
		}
		when = format_utc(resp.time);
		sim_print(self, "← time: get");
		sim_print(self, "→ time: %s UTC", when);
		emit(self, WB_ENDPOINT_TIME, out);
		return;
	}
	case WB_TIME_SET_UTC:
		self->clock_set = TRUE;
		self->set_utc = msg.time;
		self->set_offset_minutes = msg.utc_offset_minutes;
		g_free(self->set_tz);
		self->set_tz = g_strdup(msg.tz_name != NULL ? msg.tz_name : "");
		self->set_utc_count++;
		wb_sim_watch_set_rtc(self, msg.time, now_us);
		when = format_utc(msg.time);
		sim_print(self, "← time: set UTC %s %+d min %s", when, msg.utc_offset_minutes,
			  self->set_tz[0] != '\0' ? self->set_tz : "(no zone)");
		return;
	case WB_TIME_SET_LOCALTIME:
		/* §2.8: 3.x converts local time with the zone it already has */
		self->has_localtime = TRUE;
		self->last_localtime = msg.time;
		self->set_localtime_count++;
		wb_sim_watch_set_rtc(self, (gint64)msg.time - (gint64)self->set_offset_minutes * 60,
				     now_us);
		when = format_utc(msg.time);
		sim_print(self, "← time: set local time %s", when);
		return;
	case WB_TIME_GET_RESPONSE:
		sim_print(self, "← time: a GetTimeResponse from the phone, ignored");
		return;
	}
}

static void
send_watch_version(WbSimWatch *self)
{
	g_auto(WbWatchVersion) v = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *address = wb_sim_identity_dup_address(&self->identity);

	fill_watch_version(&self->identity, self->unfaithful, &v);
	if (!wb_watch_version_encode(&v, out, &error)) {
		encode_failed("WatchVersion", error);
		return;
	}
	sim_print(self, "→ watch-version: %s (%s, hw %u, board %s) %s, serial %s, address %s",
		  wb_hw_platform_to_model(self->identity.hw_platform),
		  wb_hw_platform_to_platform(self->identity.hw_platform),
		  self->identity.hw_platform, self->identity.board, self->identity.firmware,
		  self->identity.serial, address);
	emit(self, WB_ENDPOINT_WATCH_VERSION, out);
}

static void
handle_watch_version(WbSimWatch *self, const guint8 *payload, gsize len)
{
	g_autoptr(GError) error = NULL;

	if (!wb_watch_version_request_decode(payload, len, &error)) {
		malformed(self, WB_ENDPOINT_WATCH_VERSION, error);
		return;
	}
	self->watch_version_requests++;
	sim_print(self, "← watch-version: request");
	send_watch_version(self);
}

static void dls_trigger_all(WbSimWatch *self, gint64 now_us, gboolean force_open);

static void
handle_phone_app_version(WbSimWatch *self, const guint8 *payload, gsize len, gint64 now_us)
{
	WbPhoneAppVersion msg = {0};
	g_autoptr(GError) error = NULL;

	if (len >= 1 && payload[0] == WB_PHONE_APP_VERSION_REQUEST) {
		sim_print(self, "← phone-app-version: a request from the phone, ignored");
		return;
	}
	if (!wb_phone_app_version_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_PHONE_APP_VERSION, error);
		return;
	}
	self->phone = msg;
	self->has_phone = TRUE;
	self->phone_answered = TRUE;
	sim_print(self,
		  "← phone-app-version: %s app %u.%u.%u, platform flags 0x%x, capabilities "
		  "0x%" G_GINT64_MODIFIER "x",
		  phone_os_name(msg.platform_flags), msg.major, msg.minor, msg.bugfix,
		  msg.platform_flags, msg.protocol_caps);
	/* the handshake is done: sessions with data to send (re)open (§6.4) */
	dls_trigger_all(self, now_us, FALSE);
}

static void
handle_ping(WbSimWatch *self, const guint8 *payload, gsize len)
{
	WbPing msg = {0};
	g_autoptr(GError) error = NULL;

	if (!wb_ping_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_PING, error);
		return;
	}
	if (msg.is_pong) {
		self->pongs_received++;
		self->has_pong_cookie = TRUE;
		self->last_pong_cookie = msg.cookie;
		sim_print(self, "← pong cookie %u", msg.cookie);
		return;
	} else {
		g_autoptr(GByteArray) out = g_byte_array_new();
		WbPing pong = {.is_pong = TRUE, .cookie = msg.cookie};

		sim_print(self, "← ping cookie %u", msg.cookie);
		self->has_ping_cookie = TRUE;
		self->last_ping_cookie = msg.cookie;
		if (!wb_ping_encode(&pong, out, &error)) {
			encode_failed("Pong", error);
			return;
		}
		self->pings_answered++;
		sim_print(self, "→ pong cookie %u", msg.cookie);
		emit(self, WB_ENDPOINT_PING, out);
	}
}

static const gchar *
reset_kind_name(WbResetKind kind)
{
	switch (kind) {
	case WB_RESET_REBOOT:
		return "reboot";
	case WB_RESET_COREDUMP:
		return "coredump";
	case WB_RESET_FACTORY:
		return "factory";
	case WB_RESET_RECOVERY:
		return "recovery";
	}
	return "unknown";
}

static void
factory_reset(WbSimWatch *self)
{
	wb_sim_blobdb_reset(self->blobdb);
	g_array_set_size(self->installed_apps, 0);
	/* health data still on the watch is lost: count it as discarded */
	for (guint i = 0; i < self->dls->len; i++) {
		const Dls *s = g_ptr_array_index(self->dls, i);
		dls_count(self, s, self->truth_discarded, dls_data(s), dls_len(s));
	}
	g_ptr_array_set_size(self->dls, 0);
	self->pb_active = NULL;
	g_ptr_array_set_size(self->pb_objects, 0);
	self->unfaithful = FALSE;
	self->clock_set = FALSE;
}

static void
handle_reset(WbSimWatch *self, const guint8 *payload, gsize len, gint64 now_us)
{
	WbResetKind kind;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *reason = NULL;

	if (!wb_reset_decode(payload, len, &kind, &error)) {
		malformed(self, WB_ENDPOINT_RESET, error);
		return;
	}
	self->resets++;
	g_free(self->last_reset);
	self->last_reset = g_strdup(reset_kind_name(kind));
	sim_print(self, "← reset: %s", self->last_reset);
	if (kind == WB_RESET_FACTORY)
		factory_reset(self);
	reason = g_strdup_printf("reset (%s) from the phone", self->last_reset);
	wb_sim_watch_reboot(self, reason, now_us);
}

static void
handle_system_message(WbSimWatch *self, const guint8 *payload, gsize len, gint64 now_us)
{
	WbSystemMessage msg = {0};
	WbSystemMessage resp = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	if (!wb_system_message_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_SYSTEM_MESSAGE, error);
		return;
	}
	sim_print(self, "← system-message: %s", wb_system_message_type_to_string(msg.type));
	switch (msg.type) {
	case WB_SYSTEM_MESSAGE_FIRMWARE_START:
		g_free(self->fw_update);
		self->fw_update = g_strdup("started");
		resp.type = WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE;
		resp.status = WB_FIRMWARE_START_STARTED;
		break;
	case WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE:
		g_free(self->fw_update);
		self->fw_update = g_strdup("complete");
		schedule_reboot(self, "firmware update complete", now_us);
		return;
	case WB_SYSTEM_MESSAGE_FIRMWARE_FAIL:
		g_free(self->fw_update);
		self->fw_update = g_strdup("failed");
		return;
	case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS:
		resp.type = WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE;
		break;
	case WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE:
	case WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE:
	case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP:
	case WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START:
	case WB_SYSTEM_MESSAGE_MAP_RETRY:
	case WB_SYSTEM_MESSAGE_MAP_CONNECTED:
	case WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE:
	case WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE:
		return;
	}
	if (!wb_system_message_encode(&resp, out, &error)) {
		encode_failed("SystemMessage", error);
		return;
	}
	sim_print(self, "→ system-message: %s", wb_system_message_type_to_string(resp.type));
	emit(self, WB_ENDPOINT_SYSTEM_MESSAGE, out);
}

static void
handle_factory_registry(WbSimWatch *self, const guint8 *payload, gsize len)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	if (!wb_watch_color_request_decode(payload, len, &error)) {
		/* §2.10: any other request gets FF */
		sim_print(self, "← factory-registry: unknown request (%s)", error->message);
		wb_put_u8(out, 0xFF);
		emit(self, WB_ENDPOINT_FACTORY_REGISTRY, out);
		return;
	}
	if (!wb_watch_color_response_encode(self->identity.color, out, &error)) {
		encode_failed("watch colour", error);
		return;
	}
	sim_print(self, "← factory-registry: colour request");
	sim_print(self, "→ factory-registry: colour %u", self->identity.color);
	emit(self, WB_ENDPOINT_FACTORY_REGISTRY, out);
}

static void
handle_log_dump(WbSimWatch *self, const guint8 *payload, gsize len)
{
	g_auto(WbLogDumpMessage) msg = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbLogDumpMessage resp = {.command = WB_LOG_DUMP_NO_LOGS};

	if (!wb_log_dump_message_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_LOG_DUMP, error);
		return;
	}
	if (msg.command != WB_LOG_DUMP_REQUEST)
		return;
	/* the simulated watch keeps no flash logs */
	resp.cookie = msg.cookie;
	if (!wb_log_dump_message_encode(&resp, out, &error)) {
		encode_failed("LogDump", error);
		return;
	}
	sim_print(self, "← log-dump: request generation %u cookie %u", msg.generation, msg.cookie);
	sim_print(self, "→ log-dump: no logs");
	emit(self, WB_ENDPOINT_LOG_DUMP, out);
}

static void
handle_app_logs(WbSimWatch *self, const guint8 *payload, gsize len)
{
	gboolean enable;
	g_autoptr(GError) error = NULL;

	if (!wb_app_logs_control_decode(payload, len, &enable, &error)) {
		malformed(self, WB_ENDPOINT_APP_LOGS, error);
		return;
	}
	self->app_logs_enabled = enable;
	sim_print(self, "← app-logs: %s", enable ? "enable" : "disable");
}

/* 1.x/2.x firmware shows SMS/e-mail style notifications from endpoint 3000 (§3.12) */
static gboolean
firmware_is_legacy(WbSimWatch *self)
{
	const gchar *tag = self->identity.firmware;
	return tag != NULL && tag[0] == 'v' && g_ascii_isdigit(tag[1]) && tag[1] < '3' &&
	       !g_ascii_isdigit(tag[2]);
}

static void
handle_legacy_notification(WbSimWatch *self, const guint8 *payload, gsize len)
{
	g_auto(WbLegacyNotification) msg = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();

	if (!wb_legacy_notification_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_NOTIFICATION, error);
		return;
	}
	self->legacy_notifications++;
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "source");
	json_builder_add_int_value(b, msg.source);
	json_builder_set_member_name(b, "sender");
	json_builder_add_string_value(b, msg.sender != NULL ? msg.sender : "");
	json_builder_set_member_name(b, "body");
	json_builder_add_string_value(b, msg.body != NULL ? msg.body : "");
	json_builder_set_member_name(b, "timestamp_ms");
	json_builder_add_int_value(b, (gint64)msg.timestamp_ms);
	json_builder_end_object(b);
	g_clear_pointer(&self->last_legacy_notification, json_node_unref);
	self->last_legacy_notification = json_builder_get_root(b);
	sim_print(self, "← notification (legacy): '%s'", msg.sender != NULL ? msg.sender : "");
}

static void
handle_ble_control(WbSimWatch *self, const guint8 *payload, gsize len)
{
	WbBleControl msg = {0};
	g_autoptr(GError) error = NULL;

	if (!wb_ble_control_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_BLE_CONTROL, error);
		return;
	}
	self->ble_discoverable = msg.discoverable;
	sim_print(self, "← ble-control: discoverable %s for %u s", msg.discoverable ? "on" : "off",
		  msg.duration_s);
}

/* ------------------------------------------------------------------ apps */

static gboolean
app_is_installed(WbSimWatch *self, const WbUuid *uuid)
{
	WbUuid tictoc;

	(void)wb_uuid_parse(WB_SIM_TICTOC_UUID, &tictoc);
	if (wb_uuid_equal(uuid, &tictoc))
		return TRUE;
	for (guint i = 0; i < self->installed_apps->len; i++) {
		if (wb_uuid_equal(uuid, &g_array_index(self->installed_apps, WbUuid, i)))
			return TRUE;
	}
	return FALSE;
}

static void
launch_app(WbSimWatch *self, const WbUuid *uuid)
{
	if (wb_uuid_equal(uuid, &self->running_app))
		return;
	send_app_run_state(self, WB_APP_RUN_STATE_STOP, &self->running_app);
	self->running_app = *uuid;
	send_app_run_state(self, WB_APP_RUN_STATE_START, &self->running_app);
}

/* §8.3: an app in the Apps database without binaries makes the watch ask for them */
static void
start_app_fetch(WbSimWatch *self, const WbSimBlobdbRecord *record, const WbUuid *uuid)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_auto(WbAppMetadata) app = {0};
	WbAppFetchRequest req = {.uuid = *uuid, .install_id = record->install_id};
	g_autofree gchar *s = uuid_str(uuid);
	gsize len;
	const guint8 *data = g_bytes_get_data(record->value, &len);

	g_free(self->fetch);
	self->fetch = g_new0(AppFetch, 1);
	self->fetch->uuid = *uuid;
	self->fetch->install_id = record->install_id;
	if (wb_app_metadata_decode(data, len, &app, NULL))
		self->fetch->needs_worker = (app.flags & WB_APP_FLAG_HAS_WORKER) != 0;
	if (!wb_app_fetch_request_encode(&req, out, &error)) {
		encode_failed("AppFetch request", error);
		return;
	}
	sim_print(self, "→ app-fetch: request %s install id %d", s, record->install_id);
	emit(self, WB_ENDPOINT_APP_FETCH, out);
}

static void
handle_app_run_state(WbSimWatch *self, const guint8 *payload, gsize len)
{
	WbAppRunState msg = {0};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *s = NULL;
	const WbSimBlobdbRecord *record;
	WbUuid tictoc;

	if (!wb_app_run_state_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_APP_RUN_STATE, error);
		return;
	}
	s = uuid_str(&msg.uuid);
	switch (msg.command) {
	case WB_APP_RUN_STATE_REQUEST:
		sim_print(self, "← app-run-state: status request");
		send_app_run_state(self, WB_APP_RUN_STATE_START, &self->running_app);
		return;
	case WB_APP_RUN_STATE_START:
		sim_print(self, "← app-run-state: start %s", s);
		if (app_is_installed(self, &msg.uuid)) {
			launch_app(self, &msg.uuid);
			return;
		}
		record = wb_sim_blobdb_lookup(self->blobdb, WB_BLOBDB_DATABASE_APPS, msg.uuid.b,
					      sizeof(msg.uuid.b));
		if (record != NULL) {
			start_app_fetch(self, record, &msg.uuid);
			return;
		}
		sim_print(self, "   (no such app on the watch, ignored)");
		return;
	case WB_APP_RUN_STATE_STOP:
		sim_print(self, "← app-run-state: stop %s", s);
		(void)wb_uuid_parse(WB_SIM_TICTOC_UUID, &tictoc);
		if (wb_uuid_equal(&msg.uuid, &self->running_app) &&
		    !wb_uuid_equal(&msg.uuid, &tictoc))
			launch_app(self, &tictoc);
		return;
	}
}

static void
handle_app_fetch(WbSimWatch *self, const guint8 *payload, gsize len)
{
	WbAppFetchStatus status;
	g_autoptr(GError) error = NULL;

	if (!wb_app_fetch_response_decode(payload, len, &status, &error)) {
		malformed(self, WB_ENDPOINT_APP_FETCH, error);
		return;
	}
	sim_print(self, "← app-fetch: response %u", (guint)status);
	if (status != WB_APP_FETCH_START && self->fetch != NULL) {
		g_clear_pointer(&self->fetch, g_free);
		sim_print(self, "   (fetch given up)");
	}
}

static void
handle_app_message(WbSimWatch *self, const guint8 *payload, gsize len)
{
	g_autoptr(GByteArray) out = g_byte_array_new();

	/* §8.6: the running watchface has no AppMessage handlers, so a Push is refused */
	if (len >= 2 && payload[0] == 0x01) {
		sim_print(self, "← app-message: push, transaction %u", payload[1]);
		wb_put_u8(out, 0x7F);
		wb_put_u8(out, payload[1]);
		sim_print(self, "→ app-message: nack %u (no app listening)", payload[1]);
		emit(self, WB_ENDPOINT_APP_MESSAGE, out);
		return;
	}
	sim_print(self, "← app-message: %" G_GSIZE_FORMAT " bytes, ignored", len);
}

static void
handle_app_order(WbSimWatch *self, const guint8 *payload, gsize len)
{
	g_autoptr(GByteArray) out = g_byte_array_new();

	sim_print(self, "← app-order: %" G_GSIZE_FORMAT " bytes", len);
	/* §8.7: result 1 = ok */
	wb_put_u8(out, 0x01);
	emit(self, WB_ENDPOINT_APP_ORDER, out);
}

/* ------------------------------------------------------------------ BlobDB */

static const gchar *
blobdb_command_name(guint8 command)
{
	switch (command) {
	case WB_BLOBDB_COMMAND_INSERT:
		return "insert";
	case WB_BLOBDB_COMMAND_READ:
		return "read";
	case WB_BLOBDB_COMMAND_UPDATE:
		return "update";
	case WB_BLOBDB_COMMAND_DELETE:
		return "delete";
	case WB_BLOBDB_COMMAND_CLEAR:
		return "clear";
	case WB_BLOBDB_COMMAND_INSERT_WITH_TIMESTAMP:
		return "insert-with-timestamp";
	default:
		return "unknown";
	}
}

static void
handle_blobdb(WbSimWatch *self, const guint8 *payload, gsize len, gint64 now_us)
{
	g_auto(WbSimBlobdbResult) result = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	WbBlobdbResponse resp;

	wb_sim_blobdb_handle(self->blobdb, payload, len, &result);
	self->blobdb_commands++;
	if (result.effect == WB_SIM_BLOBDB_EFFECT_CLEARED)
		self->unfaithful = FALSE; /* §3.1: a successful Clear */

	json_builder_begin_object(b);
	set_member_str(b, "command", blobdb_command_name(result.command));
	set_member_str(b, "database",
		       wb_blobdb_database_is_valid(result.database)
			       ? wb_blobdb_database_to_string(result.database)
			       : NULL);
	set_member_int(b, "token", result.token);
	set_member_str(b, "status", wb_blobdb_status_to_string(result.status));
	set_member_int(b, "status_code", result.status);
	set_member_str(b, "detail", result.summary);
	json_builder_end_object(b);
	g_clear_pointer(&self->blobdb_last, json_node_unref);
	self->blobdb_last = json_builder_get_root(b);

	sim_print(self, "← blobdb: %s %s", blobdb_command_name(result.command),
		  result.summary != NULL ? result.summary : "");
	resp.token = result.token;
	resp.status = result.status;
	if (!wb_blobdb_response_encode(&resp, out, &error)) {
		encode_failed("BlobDB response", error);
		return;
	}
	sim_print(self, "→ blobdb: token %u %s", result.token,
		  wb_blobdb_status_to_string(result.status));
	emit(self, WB_ENDPOINT_BLOBDB, out);
	if (result.effect == WB_SIM_BLOBDB_EFFECT_CORRUPT)
		schedule_reboot(self, "notification storage corrupt (layout >= 10): hard fault",
				now_us);
}

/* ------------------------------------------------------------------ timeline actions */

static void
handle_timeline_action(WbSimWatch *self, const guint8 *payload, gsize len)
{
	g_auto(WbTimelineActionResponse) msg = {0};
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree gchar *id = NULL;
	const WbTimelineAttribute *subtitle;
	g_autofree gchar *text = NULL;

	if (!wb_timeline_action_response_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_TIMELINE_ACTION, error);
		return;
	}
	self->action_responses++;
	id = uuid_str(&msg.item_id);
	json_builder_begin_object(b);
	set_member_str(b, "item", id);
	set_member_int(b, "response", msg.response);
	set_member_str(b, "result",
		       (msg.response == WB_TIMELINE_RESPONSE_ACK ||
			msg.response == WB_TIMELINE_RESPONSE_ACK_ANCS_DISMISS)
			       ? "ack"
			       : "nack");
	json_builder_set_member_name(b, "attributes");
	wb_sim_json_add_attributes(b, msg.attributes);
	json_builder_set_member_name(b, "actions");
	json_builder_begin_array(b);
	for (guint i = 0; msg.actions != NULL && i < msg.actions->len; i++)
		wb_sim_json_add_action(b, g_ptr_array_index(msg.actions, i));
	json_builder_end_array(b);
	json_builder_end_object(b);
	g_clear_pointer(&self->last_action_response, json_node_unref);
	self->last_action_response = json_builder_get_root(b);

	subtitle = wb_timeline_attributes_find(msg.attributes, WB_TIMELINE_ATTR_SUBTITLE);
	if (subtitle != NULL)
		text = wb_timeline_attribute_dup_string(subtitle);
	sim_print(self, "← timeline-action: response 0x%02x '%s' for %s", msg.response,
		  text != NULL ? text : "", id);
	/* pebbleos-rendering.md §3: an ACK marks the item actioned */
	if (msg.response == WB_TIMELINE_RESPONSE_ACK)
		(void)wb_sim_blobdb_set_item_status(self->blobdb, &msg.item_id,
						    WB_TIMELINE_STATUS_ACTIONED);
}

static gboolean
action_takes_reply(guint type)
{
	return type == WB_TIMELINE_ACTION_TYPE_RESPONSE ||
	       type == WB_TIMELINE_ACTION_TYPE_ANCS_RESPONSE;
}

/**
 * wb_sim_watch_press:
 * @self: the watch
 * @item_id: a notification, pin or reminder on the watch
 * @action_id: one of its actions
 * @reply: (nullable): the reply text, for Response actions (default: the first canned response
 *   or "Ok")
 * @now_us: the monotonic time now
 * @result: a builder inside an object: receives "item", "action", "type", "sent", "local"
 *   and "reply"
 * @error: return location for a #GError
 *
 * Chooses an action of an item as a person on the watch does, with what PebbleOS then does
 * (pebbleos-rendering.md §3): most actions send an InvokeAction; Dismiss on a notification
 * whose parent is not the notifications data source is handled on the watch; Snooze,
 * OpenWatchApp, OpenPin and Empty send nothing.
 *
 * Returns: %TRUE if the action was carried out
 */
gboolean
wb_sim_watch_press(WbSimWatch *self, const WbUuid *item_id, guint8 action_id, const gchar *reply,
		   gint64 now_us, JsonBuilder *result, GError **error)
{
	g_auto(WbTimelineItem) item = {0};
	g_auto(WbTimelineInvokeAction) msg = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) local = NULL;
	g_autofree gchar *id = uuid_str(item_id);
	g_autofree gchar *text = NULL;
	const WbSimBlobdbRecord *record;
	const WbTimelineAction *action;
	const gchar *handled_locally = NULL;
	WbUuid data_source;
	guint database = 0;
	gsize len;
	const guint8 *data;

	record = wb_sim_blobdb_find_item(self->blobdb, item_id, &database);
	if (record == NULL) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_NOT_FOUND,
			    "no item '%s' on the watch", id);
		return FALSE;
	}
	data = g_bytes_get_data(record->value, &len);
	if (!wb_timeline_item_decode(data, len, &item, &local)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_FAILED, "item '%s': %s", id,
			    local->message);
		return FALSE;
	}
	action = wb_timeline_item_find_action(&item, action_id);
	if (action == NULL) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_NOT_FOUND,
			    "item '%s' has no action %u", id, action_id);
		return FALSE;
	}
	if (reply != NULL && !action_takes_reply(action->type)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "action %u is a '%s' action, which takes no reply text", action_id,
			    wb_sim_action_type_name(action->type));
		return FALSE;
	}
	if (!self->connected) {
		g_set_error_literal(error, WB_SIM_ERROR, WB_SIM_ERROR_NOT_CONNECTED,
				    "no phone is connected");
		return FALSE;
	}

	(void)wb_uuid_parse(NOTIFICATIONS_DATA_SOURCE_UUID, &data_source);
	switch ((WbTimelineActionType)action->type) {
	case WB_TIMELINE_ACTION_TYPE_DISMISS:
		if (database == WB_BLOBDB_DATABASE_NOTIFICATIONS &&
		    !wb_uuid_equal(&item.parent_id, &data_source)) {
			handled_locally = "dismissed";
			(void)wb_sim_blobdb_set_item_status(self->blobdb, item_id,
							    WB_TIMELINE_STATUS_DISMISSED);
		}
		break;
	case WB_TIMELINE_ACTION_TYPE_SNOOZE:
		handled_locally = "failed (action type not implemented)";
		break;
	case WB_TIMELINE_ACTION_TYPE_OPEN_WATCH_APP:
	case WB_TIMELINE_ACTION_TYPE_OPEN_PIN:
	case WB_TIMELINE_ACTION_TYPE_EMPTY:
		handled_locally = "nothing happens";
		break;
	case WB_TIMELINE_ACTION_TYPE_ANCS_NEGATIVE:
	case WB_TIMELINE_ACTION_TYPE_GENERIC:
	case WB_TIMELINE_ACTION_TYPE_RESPONSE:
	case WB_TIMELINE_ACTION_TYPE_HTTP:
	case WB_TIMELINE_ACTION_TYPE_REMOVE:
	case WB_TIMELINE_ACTION_TYPE_ANCS_POSITIVE:
	case WB_TIMELINE_ACTION_TYPE_ANCS_DIAL:
	case WB_TIMELINE_ACTION_TYPE_ANCS_RESPONSE:
	case WB_TIMELINE_ACTION_TYPE_INSIGHT_RESPONSE:
	case WB_TIMELINE_ACTION_TYPE_ANCS_DELETE:
	case WB_TIMELINE_ACTION_TYPE_COMPLETE:
	case WB_TIMELINE_ACTION_TYPE_POSTPONE:
	case WB_TIMELINE_ACTION_TYPE_REMOTE_REMOVE:
	case WB_TIMELINE_ACTION_TYPE_ANCS_GENERIC:
	case WB_TIMELINE_ACTION_TYPE_BLE_HRM_STOP_SHARING:
		break;
	}

	set_member_str(result, "item", id);
	set_member_int(result, "action", action_id);
	set_member_str(result, "type", wb_sim_action_type_name(action->type));
	if (handled_locally != NULL) {
		set_member_bool(result, "sent", FALSE);
		set_member_str(result, "local", handled_locally);
		set_member_str(result, "reply", NULL);
		sim_print(self, "-- pressed %s action %u (%s): %s on the watch", id, action_id,
			  wb_sim_action_type_name(action->type), handled_locally);
		return TRUE;
	}

	msg.command = (action->type == WB_TIMELINE_ACTION_TYPE_ANCS_RESPONSE ||
		       action->type == WB_TIMELINE_ACTION_TYPE_ANCS_GENERIC)
			      ? WB_TIMELINE_ACTION_COMMAND_INVOKE_ANCS
			      : WB_TIMELINE_ACTION_COMMAND_INVOKE;
	msg.item_id = *item_id;
	msg.action_id = action_id;
	if (action_takes_reply(action->type)) {
		const WbTimelineAttribute *canned = wb_timeline_attributes_find(
			action->attributes, WB_TIMELINE_ATTR_CANNED_RESPONSES);
		const WbTimelineAttribute *sender =
			wb_timeline_item_find_attribute(&item, WB_TIMELINE_ATTR_SENDER);

		if (reply != NULL) {
			text = g_strdup(reply);
		} else if (canned != NULL) {
			g_auto(GStrv) strv = wb_timeline_attribute_dup_string_list(canned);
			text = g_strdup(strv[0] != NULL ? strv[0] : "Ok");
		} else {
			text = g_strdup("Ok");
		}
		/* pebbleos-rendering.md §3: Title = the chosen text, plus the item's Sender */
		wb_timeline_invoke_action_add_attribute(
			&msg, wb_timeline_attribute_new_string(WB_TIMELINE_ATTR_TITLE, text));
		if (sender != NULL)
			wb_timeline_invoke_action_add_attribute(&msg,
								wb_timeline_attribute_copy(sender));
	} else if (action->type == WB_TIMELINE_ACTION_TYPE_POSTPONE) {
		/* the first choice of the submenu: "In 15 minutes" */
		wb_timeline_invoke_action_add_attribute(
			&msg, wb_timeline_attribute_new_u32(
				      WB_TIMELINE_ATTR_TIMESTAMP,
				      (guint32)(watch_utc(self, now_us) + 15 * 60)));
	}
	if (!wb_timeline_invoke_action_encode(&msg, out, &local)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_FAILED, "InvokeAction: %s",
			    local->message);
		return FALSE;
	}
	self->invoke_actions++;
	set_member_bool(result, "sent", TRUE);
	set_member_str(result, "local", NULL);
	set_member_str(result, "reply", text);
	sim_print(self, "→ timeline-action: invoke %s action %u (%s)%s%s%s", id, action_id,
		  wb_sim_action_type_name(action->type), text != NULL ? " reply '" : "",
		  text != NULL ? text : "", text != NULL ? "'" : "");
	emit(self, WB_ENDPOINT_TIMELINE_ACTION, out);
	return TRUE;
}

/* ------------------------------------------------------------------ ping */

/**
 * wb_sim_watch_ping:
 * @self: the watch
 * @out_cookie: (out) (optional): the cookie sent
 * @error: return location for a #GError
 *
 * The watch pings the phone (§2.7); the Pong shows up in the state.
 *
 * Returns: %TRUE if the Ping was sent
 */
gboolean
wb_sim_watch_ping(WbSimWatch *self, guint32 *out_cookie, GError **error)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) local = NULL;
	WbPing ping = {.cookie = self->next_ping_cookie, .has_idle = TRUE, .idle = FALSE};

	if (!self->connected) {
		g_set_error_literal(error, WB_SIM_ERROR, WB_SIM_ERROR_NOT_CONNECTED,
				    "no phone is connected");
		return FALSE;
	}
	if (!wb_ping_encode(&ping, out, &local)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_FAILED, "Ping: %s", local->message);
		return FALSE;
	}
	self->next_ping_cookie++;
	self->pings_sent++;
	sim_print(self, "→ ping cookie %u", ping.cookie);
	emit(self, WB_ENDPOINT_PING, out);
	if (out_cookie != NULL)
		*out_cookie = ping.cookie;
	return TRUE;
}

/* ------------------------------------------------------------------ data logging */

static const gchar *
dls_state_name(DlsState state)
{
	switch (state) {
	case DLS_NEEDS_OPEN:
		return "needs_open";
	case DLS_OPENING:
		return "opening";
	case DLS_READY:
		return "ready";
	case DLS_SENDING:
		return "sending";
	}
	return "unknown";
}

static Dls *
dls_find(WbSimWatch *self, guint8 id)
{
	for (guint i = 0; i < self->dls->len; i++) {
		Dls *s = g_ptr_array_index(self->dls, i);
		if (s->id == id)
			return s;
	}
	return NULL;
}

/* The logged data not yet acknowledged */
static const guint8 *
dls_data(const Dls *s)
{
	return s->pending->data + s->head;
}

static gsize
dls_len(const Dls *s)
{
	return s->pending->len - s->head;
}

/* §6.4: drops @n acknowledged bytes from the front */
static void
dls_consume(Dls *s, gsize n)
{
	s->head += n;
	if (s->head >= s->pending->len) {
		g_byte_array_set_size(s->pending, 0);
		s->head = 0;
	} else if (s->head > DLS_COMPACT_BYTES && s->head > s->pending->len / 2) {
		g_byte_array_remove_range(s->pending, 0, (guint)s->head);
		s->head = 0;
	}
}

static void
dls_emit(WbSimWatch *self, const WbDatalogMessage *msg)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	if (!wb_datalog_encode(msg, out, &error)) {
		encode_failed("data logging message", error);
		return;
	}
	emit(self, WB_ENDPOINT_DATA_LOGGING, out);
}

static void
dls_send_open(WbSimWatch *self, Dls *s, gint64 now_us)
{
	WbDatalogMessage msg = {.command = WB_DATALOG_CMD_OPEN_SESSION, .session_id = s->id};

	msg.open = s->open;
	s->in_flight = 0;
	s->state = DLS_OPENING;
	s->deadline = now_us + self->dls_timeout_us;
	s->opens_sent++;
	sim_print(self, "→ datalog: open session %u tag %u (%u-byte items)", s->id, s->open.tag,
		  s->open.item_size);
	dls_emit(self, &msg);
}

/* Sets the time fields of every item of a health tag to 2097 (range) or the local offsets out
 * of range (offset). FALSE if the tag has no such fields. */
static gboolean
corrupt_items(guint32 tag, guint16 item_size, WbSimCorruption kind, GByteArray *data)
{
	const guint32 future = 0xF0000000u; /* 2097-08-06 */
	const gint32 bad_offset = 200000;   /* +55 h */

	for (gsize off = 0; off + item_size <= data->len; off += item_size) {
		guint8 *p = data->data + off;

		switch (tag) {
		case WB_HEALTH_TAG_MINUTE_DATA: {
			/* §7.2: time_utc at 2, local offset (15-minute units) at 6 */
			if (kind == WB_SIM_CORRUPT_RANGE) {
				guint32 t = future + (guint32)(off / item_size) * 900;
				memcpy(p + 2, (guint32[]){GUINT32_TO_LE(t)}, 4);
			} else {
				p[6] = 127; /* +31:45 */
			}
			break;
		}
		case WB_HEALTH_TAG_ACTIVITY_SESSION:
			/* §7.3: utc_to_local at 6, start_utc at 10 */
			if (kind == WB_SIM_CORRUPT_RANGE)
				memcpy(p + 10, (guint32[]){GUINT32_TO_LE(future)}, 4);
			else
				memcpy(p + 6, (gint32[]){GINT32_TO_LE(bad_offset)}, 4);
			break;
		case WB_HEALTH_TAG_LEGACY_SLEEP:
			/* §7.4: utc_to_local at 2, start at 6, end at 10 */
			if (kind == WB_SIM_CORRUPT_RANGE) {
				memcpy(p + 6, (guint32[]){GUINT32_TO_LE(future)}, 4);
				memcpy(p + 10, (guint32[]){GUINT32_TO_LE(future + 28800)}, 4);
			} else {
				memcpy(p + 2, (gint32[]){GINT32_TO_LE(bad_offset)}, 4);
			}
			break;
		case WB_HEALTH_TAG_PROTOBUF_LOG: {
			g_auto(WbHealthHrLog) log = {0};
			g_autoptr(GByteArray) item = g_byte_array_new();

			if (!wb_health_hr_log_decode(p, item_size, &log, NULL))
				return FALSE;
			for (guint i = 0; i < log.samples->len; i++) {
				WbHealthHrSample *smp =
					&g_array_index(log.samples, WbHealthHrSample, i);
				if (kind == WB_SIM_CORRUPT_RANGE)
					smp->time_utc = future + (smp->time_utc % 86400);
				else
					smp->utc_to_local = bad_offset;
			}
			if (!wb_health_hr_log_encode(&log, item_size, item, NULL))
				return FALSE;
			memcpy(p, item->data, item_size);
			break;
		}
		default:
			return FALSE;
		}
	}
	return TRUE;
}

/* Breaks the last item (record) */
static void
corrupt_last_item(guint32 tag, guint16 item_size, GByteArray *data)
{
	guint8 *p = data->data + data->len - item_size;

	switch (tag) {
	case WB_HEALTH_TAG_MINUTE_DATA:
		/* §7.2: a version no firmware has */
		p[0] = 0xFF;
		p[1] = 0x00;
		return;
	case WB_HEALTH_TAG_ACTIVITY_SESSION:
		/* §7.3: activity type 99 */
		p[4] = 99;
		p[5] = 0;
		return;
	case WB_HEALTH_TAG_LEGACY_SLEEP:
		/* §7.4: version 2: bit 0 clear, not parseable */
		p[0] = 2;
		p[1] = 0;
		return;
	case WB_HEALTH_TAG_PROTOBUF_LOG:
		/* §7.5: the payload is a group-start wire type, then garbage */
		if (item_size > 8)
			memset(p + 2, 0xFB, 6);
		return;
	default:
		p[0] ^= 0xFF;
		return;
	}
}

/* What goes on the air instead of the intact chunk (fault knob dlog corrupt-next) */
static void
dls_corrupt(WbSimWatch *self, const Dls *s, GByteArray *data, guint32 *crc)
{
	WbSimCorruption kind = self->corrupt_kind;
	guint16 item_size = s->open.item_size;

	switch (kind) {
	case WB_SIM_CORRUPT_CRC:
		*crc ^= 0xDEADBEEFu;
		return;
	case WB_SIM_CORRUPT_RECORD:
		corrupt_last_item(s->open.tag, item_size, data);
		break;
	case WB_SIM_CORRUPT_TRUNCATE:
		if (data->len <= 1) {
			*crc ^= 0xDEADBEEFu;
			return;
		}
		g_byte_array_set_size(data, data->len - MAX(item_size / 2, 1));
		break;
	case WB_SIM_CORRUPT_RANGE:
	case WB_SIM_CORRUPT_OFFSET:
		if (!corrupt_items(s->open.tag, item_size, kind, data))
			corrupt_last_item(s->open.tag, item_size, data);
		break;
	}
	*crc = wb_crc_stm32(data->data, data->len);
}

static void
dls_send_data(WbSimWatch *self, Dls *s, gint64 now_us)
{
	gsize max_items = WB_DATALOG_MAX_DATA_LEN / s->open.item_size;
	gsize n = MIN(dls_len(s), max_items * s->open.item_size);
	g_autoptr(GByteArray) air = g_byte_array_new();
	g_autoptr(GBytes) data = NULL;
	WbDatalogMessage msg = {.command = WB_DATALOG_CMD_SEND_DATA, .session_id = s->id};
	const gchar *corrupted = NULL;

	g_byte_array_append(air, dls_data(s), (guint)n);
	msg.send.items_left = WB_DATALOG_ITEMS_LEFT_UNKNOWN;
	msg.send.crc = wb_crc_stm32(air->data, air->len);
	if (self->corrupt_count > 0 &&
	    (self->corrupt_tag == 0 || self->corrupt_tag == s->open.tag)) {
		dls_corrupt(self, s, air, &msg.send.crc);
		self->corrupt_count--;
		self->corrupted_sent++;
		s->corrupted_sent++;
		corrupted = wb_sim_corruption_to_string(self->corrupt_kind);
	}
	data = g_bytes_new(air->data, air->len);
	msg.send.data = data;
	s->in_flight = n;
	s->state = DLS_SENDING;
	s->deadline = now_us + self->dls_timeout_us;
	s->data_sent++;
	sim_print(self, "→ datalog: send data session %u, %" G_GSIZE_FORMAT " bytes%s%s%s", s->id,
		  n, corrupted != NULL ? " (corrupted: " : "", corrupted != NULL ? corrupted : "",
		  corrupted != NULL ? ")" : "");
	dls_emit(self, &msg);
}

/* Held health data waits for a HealthSync or EmptySession (health hold) */
static gboolean
dls_may_send(WbSimWatch *self, const Dls *s)
{
	return dls_len(s) > 0 && self->dls_send_enabled &&
	       !(s->health && self->health_hold && !s->flush);
}

/* Moves a session on if it can: open it, or send its next chunk */
static void
dls_pump(WbSimWatch *self, Dls *s, gint64 now_us)
{
	if (!self->connected || s->stalled || self->link_dropping)
		return;
	switch (s->state) {
	case DLS_NEEDS_OPEN:
		if (s->deadline < 0)
			dls_send_open(self, s, now_us);
		return;
	case DLS_READY:
		if (dls_may_send(self, s))
			dls_send_data(self, s, now_us);
		return;
	case DLS_OPENING:
	case DLS_SENDING:
		return;
	}
}

/* A reason to try again: the handshake, ReportOpenSessions (@force_open), SetSendEnable,
 * HealthSync */
static void
dls_trigger_all(WbSimWatch *self, gint64 now_us, gboolean force_open)
{
	for (guint i = 0; i < self->dls->len; i++) {
		Dls *s = g_ptr_array_index(self->dls, i);

		s->stalled = FALSE;
		if (force_open) {
			if (self->connected && !self->link_dropping)
				dls_send_open(self, s, now_us);
			continue;
		}
		dls_pump(self, s, now_us);
	}
}

static void
dls_session_opened(WbSimWatch *self, gint64 now_us)
{
	/* sessions wait for the phone's PhoneAppVersion answer or ReportOpenSessions */
	for (guint i = 0; i < self->dls->len; i++) {
		Dls *s = g_ptr_array_index(self->dls, i);
		s->state = DLS_NEEDS_OPEN;
		s->deadline = -1;
		s->stalled = FALSE;
	}
}

static void
dls_session_closed(WbSimWatch *self)
{
	/* §6.4: on disconnect all sessions go idle; data persists */
	for (guint i = 0; i < self->dls->len; i++) {
		Dls *s = g_ptr_array_index(self->dls, i);
		s->in_flight = 0;
		s->state = DLS_NEEDS_OPEN;
		s->deadline = -1;
		s->stalled = FALSE;
	}
}

/* Counts bytes the watch deletes in one of the truths (health sessions only) */
static void
dls_count(WbSimWatch *self, const Dls *s, WbSimHealthTruth *truth, const guint8 *data, gsize len)
{
	g_autoptr(GError) error = NULL;

	if (!s->health || len == 0)
		return;
	if (!wb_sim_health_truth_add(truth, s->open.tag, s->open.item_size, data, len, &error))
		g_warning("[watchsim] health session %u: own data does not decode: %s", s->id,
			  error->message);
}

static void
dls_ack(WbSimWatch *self, Dls *s, gint64 now_us)
{
	if (s->state == DLS_SENDING && self->drop_acks > 0) {
		/* dlog drop-acks: as if this ACK was lost on the way */
		self->drop_acks--;
		self->acks_dropped++;
		sim_print(self, "-- datalog: ACK of session %u dropped (fault knob)", s->id);
		return;
	}
	s->acks++;
	switch (s->state) {
	case DLS_OPENING:
		s->state = DLS_READY;
		s->deadline = -1;
		break;
	case DLS_SENDING:
		/* §6.4: the only point where logged data is discarded normally */
		dls_count(self, s, self->truth_acked, dls_data(s), s->in_flight);
		dls_consume(s, s->in_flight);
		s->bytes_acked += s->in_flight;
		s->in_flight = 0;
		s->consecutive_nacks = 0;
		s->state = DLS_READY;
		s->deadline = -1;
		if (dls_len(s) == 0)
			s->flush = FALSE;
		break;
	case DLS_NEEDS_OPEN:
	case DLS_READY:
		/* e.g. the ACK of a CloseSession, which the firmware ignores */
		return;
	}
	dls_pump(self, s, now_us);
}

static void
dls_nack(WbSimWatch *self, Dls *s, gint64 now_us)
{
	s->nacks++;
	switch (s->state) {
	case DLS_OPENING:
		/* §6.4: unexpected; the firmware opens the session again */
		s->state = DLS_NEEDS_OPEN;
		s->deadline = now_us + DLS_REOPEN_DELAY_US;
		return;
	case DLS_SENDING:
		s->in_flight = 0;
		s->consecutive_nacks++;
		if (s->consecutive_nacks > DLS_MAX_CONSECUTIVE_NACKS) {
			gsize n = dls_len(s);

			dls_count(self, s, self->truth_discarded, dls_data(s), n);
			s->bytes_discarded += n;
			dls_consume(s, n);
			s->consecutive_nacks = 0;
			s->flush = FALSE;
			g_message("[watchsim] data logging session %u (tag %u): more than %d NACKs "
				  "in a row, %" G_GSIZE_FORMAT " bytes discarded",
				  s->id, s->open.tag, DLS_MAX_CONSECUTIVE_NACKS, n);
			sim_print(self,
				  "-- datalog: session %u: more than %d NACKs, %" G_GSIZE_FORMAT
				  " bytes discarded",
				  s->id, DLS_MAX_CONSECUTIVE_NACKS, n);
		}
		/* the data is kept and the session re-opened */
		s->state = DLS_NEEDS_OPEN;
		s->deadline = -1;
		dls_pump(self, s, now_us);
		return;
	case DLS_NEEDS_OPEN:
	case DLS_READY:
		return;
	}
}

static void
dls_timeout(WbSimWatch *self, Dls *s)
{
	WbDatalogMessage msg = {.command = WB_DATALOG_CMD_TIMEOUT, .session_id = s->id};

	/* §6.4: no ACK in 30 s: Timeout, and the session goes idle with its data */
	s->timeouts++;
	s->in_flight = 0;
	s->state = s->state == DLS_OPENING ? DLS_NEEDS_OPEN : DLS_READY;
	s->deadline = -1;
	s->stalled = TRUE;
	sim_print(self, "→ datalog: timeout session %u", s->id);
	dls_emit(self, &msg);
}

static void
handle_data_logging(WbSimWatch *self, const guint8 *payload, gsize len, gint64 now_us)
{
	g_auto(WbDatalogMessage) msg = {0};
	g_autoptr(GError) error = NULL;
	Dls *s;

	if (!wb_datalog_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_DATA_LOGGING, error);
		return;
	}
	if (!wb_datalog_command_is_from_phone(msg.command)) {
		/* §6: the firmware drops phone messages without bit 7 */
		sim_print(self, "← datalog: %s from the phone, dropped",
			  wb_datalog_command_to_string(msg.command));
		return;
	}
	switch (msg.command) {
	case WB_DATALOG_CMD_REPORT_OPEN_SESSIONS: {
		gsize n = msg.session_ids != NULL ? g_bytes_get_size(msg.session_ids) : 0;
		const guint8 *ids = n > 0 ? g_bytes_get_data(msg.session_ids, NULL) : NULL;

		sim_print(self, "← datalog: report open sessions (%" G_GSIZE_FORMAT ")", n);
		/* §6.4: close what the phone knows and the watch does not, then re-open all */
		for (gsize i = 0; i < n; i++) {
			if (dls_find(self, ids[i]) == NULL) {
				WbDatalogMessage close = {.command = WB_DATALOG_CMD_CLOSE_SESSION,
							  .session_id = ids[i]};
				sim_print(self, "→ datalog: close session %u", ids[i]);
				dls_emit(self, &close);
			}
		}
		dls_trigger_all(self, now_us, TRUE);
		return;
	}
	case WB_DATALOG_CMD_ACK:
	case WB_DATALOG_CMD_NACK:
		s = dls_find(self, msg.session_id);
		sim_print(self, "← datalog: %s session %u",
			  msg.command == WB_DATALOG_CMD_ACK ? "ack" : "nack", msg.session_id);
		if (s == NULL)
			return;
		if (msg.command == WB_DATALOG_CMD_ACK)
			dls_ack(self, s, now_us);
		else
			dls_nack(self, s, now_us);
		return;
	case WB_DATALOG_CMD_EMPTY_SESSION:
		sim_print(self, "← datalog: empty session %u", msg.session_id);
		s = dls_find(self, msg.session_id);
		if (s != NULL) {
			s->stalled = FALSE;
			s->flush = dls_len(s) > 0;
			dls_pump(self, s, now_us);
		}
		return;
	case WB_DATALOG_CMD_GET_SEND_ENABLE: {
		WbDatalogMessage resp = {.command = WB_DATALOG_CMD_SEND_ENABLE_RESPONSE,
					 .enabled = self->dls_send_enabled};
		sim_print(self, "← datalog: get send enable");
		sim_print(self, "→ datalog: send enable %s", self->dls_send_enabled ? "on" : "off");
		dls_emit(self, &resp);
		return;
	}
	case WB_DATALOG_CMD_SET_SEND_ENABLE:
		self->dls_send_enabled = msg.enabled;
		sim_print(self, "← datalog: set send enable %s", msg.enabled ? "on" : "off");
		if (msg.enabled)
			dls_trigger_all(self, now_us, FALSE);
		return;
	case WB_DATALOG_CMD_OPEN_SESSION:
	case WB_DATALOG_CMD_SEND_DATA:
	case WB_DATALOG_CMD_CLOSE_SESSION:
	case WB_DATALOG_CMD_TIMEOUT:
	case WB_DATALOG_CMD_SEND_ENABLE_RESPONSE:
		return;
	}
}

static Dls *
dls_new_session(WbSimWatch *self, guint32 tag, WbDatalogItemType item_type, guint16 item_size,
		const WbUuid *app_uuid, gint64 now_us, GError **error)
{
	Dls *s;
	guint id;

	for (id = 0; id < 256; id++) {
		if (dls_find(self, (guint8)id) == NULL)
			break;
	}
	if (id == 256) {
		g_set_error_literal(error, WB_SIM_ERROR, WB_SIM_ERROR_FAILED,
				    "all 256 session ids are in use");
		return NULL;
	}
	s = g_new0(Dls, 1);
	s->id = (guint8)id;
	if (app_uuid != NULL)
		s->open.app_uuid = *app_uuid;
	s->open.timestamp = (guint32)watch_utc(self, now_us);
	s->open.tag = tag;
	s->open.item_type = item_type;
	s->open.item_size = item_size;
	s->pending = g_byte_array_new();
	s->state = DLS_NEEDS_OPEN;
	s->deadline = -1;
	g_ptr_array_add(self->dls, s);
	return s;
}

/**
 * wb_sim_watch_dlog_open:
 * @self: the watch
 * @tag: the session tag (§7.1 lists the system ones)
 * @item_type: the item type
 * @item_size: bytes per item, 1..646 (1, 2 or 4 for integers)
 * @app_uuid: (nullable): the logging app; %NULL for a system session (all zero)
 * @now_us: the monotonic time now
 * @error: return location for a #GError
 *
 * Opens a data-logging session as an app on the watch does; OpenSession goes out now if a
 * phone is connected, else after the next handshake.
 *
 * Returns: the session id, or -1 with @error set
 */
gint
wb_sim_watch_dlog_open(WbSimWatch *self, guint32 tag, WbDatalogItemType item_type,
		       guint16 item_size, const WbUuid *app_uuid, gint64 now_us, GError **error)
{
	Dls *s;

	/* §6.2: integers are 1, 2 or 4 bytes; an item must fit one SendData */
	if (item_size == 0 || item_size > WB_DATALOG_MAX_DATA_LEN ||
	    (item_type != WB_DATALOG_ITEM_BYTE_ARRAY && item_size != 1 && item_size != 2 &&
	     item_size != 4)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "item size %u does not fit item type %u", item_size, (guint)item_type);
		return -1;
	}
	s = dls_new_session(self, tag, item_type, item_size, app_uuid, now_us, error);
	if (s == NULL)
		return -1;
	dls_pump(self, s, now_us);
	return (gint)s->id;
}

/* Appends whole items to a session and sends them if it can */
static void
dls_log(WbSimWatch *self, Dls *s, const guint8 *data, gsize len, gint64 now_us)
{
	g_byte_array_append(s->pending, data, (guint)len);
	s->bytes_logged += len;
	s->stalled = FALSE;
	dls_pump(self, s, now_us);
}

/**
 * wb_sim_watch_dlog_send:
 * @self: the watch
 * @session_id: a session of wb_sim_watch_dlog_open()
 * @data: (array length=len): whole items
 * @len: their length, a multiple of the item size
 * @now_us: the monotonic time now
 * @error: return location for a #GError
 *
 * Logs items; they go out in SendData messages of at most 646 bytes, each waiting for its ACK.
 *
 * Returns: %TRUE if the items were logged
 */
gboolean
wb_sim_watch_dlog_send(WbSimWatch *self, guint8 session_id, const guint8 *data, gsize len,
		       gint64 now_us, GError **error)
{
	Dls *s = dls_find(self, session_id);
	g_autoptr(GError) local = NULL;

	if (s == NULL) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_NOT_FOUND, "no session %u",
			    session_id);
		return FALSE;
	}
	if (s->health) {
		/* the ground truth counts only what the generator logged */
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "session %u belongs to the health generator", session_id);
		return FALSE;
	}
	if (len == 0 || !wb_datalog_check_items(len, s->open.item_size, &local)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "%" G_GSIZE_FORMAT " bytes are not whole %u-byte items", len,
			    s->open.item_size);
		return FALSE;
	}
	dls_log(self, s, data, len, now_us);
	return TRUE;
}

/**
 * wb_sim_watch_dlog_close:
 * @self: the watch
 * @session_id: a session
 * @now_us: the monotonic time now
 * @error: return location for a #GError
 *
 * Closes a session: CloseSession goes out (if connected) and the session and any data it still
 * holds are forgotten.
 *
 * Returns: %TRUE if the session existed
 */
gboolean
wb_sim_watch_dlog_close(WbSimWatch *self, guint8 session_id, gint64 now_us, GError **error)
{
	Dls *s = dls_find(self, session_id);
	WbDatalogMessage msg = {.command = WB_DATALOG_CMD_CLOSE_SESSION, .session_id = session_id};

	if (s == NULL) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_NOT_FOUND, "no session %u",
			    session_id);
		return FALSE;
	}
	if (self->connected) {
		sim_print(self, "→ datalog: close session %u", session_id);
		dls_emit(self, &msg);
	}
	/* health data thrown away with its session counts as discarded */
	dls_count(self, s, self->truth_discarded, dls_data(s), dls_len(s));
	g_ptr_array_remove(self->dls, s);
	return TRUE;
}

/**
 * wb_sim_watch_set_dlog_timeout:
 * @self: the watch
 * @timeout_us: how long a session waits for an ACK before it sends Timeout (§6.4: 30 s)
 */
void
wb_sim_watch_set_dlog_timeout(WbSimWatch *self, gint64 timeout_us)
{
	self->dls_timeout_us = MAX(timeout_us, 1);
}

/**
 * wb_sim_watch_dlog_drop_acks:
 * @self: the watch
 * @count: how many ACKs of SendData to ignore, from now on
 *
 * A fault knob: the next @count ACKs of SendData (of any session) are ignored as if lost on
 * the way, so the session times out and sends the same data again later. Replaces any count
 * still pending; 0 switches it off.
 */
void
wb_sim_watch_dlog_drop_acks(WbSimWatch *self, guint count)
{
	self->drop_acks = count;
}

/**
 * wb_sim_watch_dlog_corrupt_next:
 * @self: the watch
 * @kind: how to break them
 * @count: how many SendData messages to break; 0 switches the knob off
 * @tag: only SendData of sessions with this tag; 0 for any
 *
 * A fault knob: the next @count SendData messages carry broken data (#WbSimCorruption). The
 * stored data stays intact, so a NACK makes the watch send the intact data later.
 */
void
wb_sim_watch_dlog_corrupt_next(WbSimWatch *self, WbSimCorruption kind, guint count, guint32 tag)
{
	self->corrupt_kind = kind;
	self->corrupt_count = count;
	self->corrupt_tag = tag;
}

/**
 * wb_sim_watch_disconnect_after_frames:
 * @self: the watch
 * @frames: drop the link after this many more frames sent; -1 (or 0) switches it off
 *
 * A fault knob: the link goes down right after the @frames-th frame from now, wherever the
 * watch is (in the middle of a data-logging batch, typically). Frames the watch would send
 * after it are lost. The host is asked to close the link (the drop_link callback).
 */
void
wb_sim_watch_disconnect_after_frames(WbSimWatch *self, gint frames)
{
	self->disconnect_after_frames = frames > 0 ? frames : -1;
}

/* ------------------------------------------------------------------ health */

static const gchar *const corruption_names[] = {
	[WB_SIM_CORRUPT_CRC] = "crc",           [WB_SIM_CORRUPT_RECORD] = "record",
	[WB_SIM_CORRUPT_TRUNCATE] = "truncate", [WB_SIM_CORRUPT_RANGE] = "range",
	[WB_SIM_CORRUPT_OFFSET] = "offset",
};

/**
 * wb_sim_corruption_from_string:
 * @name: "crc", "record", "truncate", "range" or "offset"
 * @out: (out): the kind
 *
 * Returns: %TRUE if @name is known
 */
gboolean
wb_sim_corruption_from_string(const gchar *name, WbSimCorruption *out)
{
	for (guint i = 0; i < G_N_ELEMENTS(corruption_names); i++) {
		if (g_str_equal(name, corruption_names[i])) {
			*out = (WbSimCorruption)i;
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * wb_sim_corruption_to_string:
 * @kind: a kind
 *
 * Returns: its name
 */
const gchar *
wb_sim_corruption_to_string(WbSimCorruption kind)
{
	if ((guint)kind < G_N_ELEMENTS(corruption_names))
		return corruption_names[kind];
	return "unknown";
}

static void
handle_health_sync(WbSimWatch *self, const guint8 *payload, gsize len, gint64 now_us)
{
	WbHealthSyncMessage msg = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbHealthSyncMessage ack = {.command = WB_HEALTH_SYNC_CMD_ACK};

	if (!wb_health_sync_decode(payload, len, &msg, &error)) {
		malformed(self, WB_ENDPOINT_HEALTH_SYNC, error);
		return;
	}
	if (msg.command != WB_HEALTH_SYNC_CMD_SYNC) {
		sim_print(self, "← health-sync: an ACK from the phone, ignored");
		return;
	}
	self->health_sync_requests++;
	sim_print(self, "← health-sync: sync (%u s since the last)", msg.seconds_since_last_sync);
	/* §7.6: the answer goes out once the flush is queued; NACK without health tracking */
	ack.ack = self->health_enabled;
	if (!ack.ack)
		self->health_sync_nacks++;
	if (!wb_health_sync_encode(&ack, out, &error)) {
		encode_failed("HealthSync ACK", error);
		return;
	}
	sim_print(self, "→ health-sync: %s", ack.ack ? "ack" : "nack (health disabled)");
	emit(self, WB_ENDPOINT_HEALTH_SYNC, out);
	if (!ack.ack)
		return;
	/* FW health_sync_endpoint.c: then every data-logging session sends what it has */
	for (guint i = 0; i < self->dls->len; i++) {
		Dls *s = g_ptr_array_index(self->dls, i);
		s->flush = dls_len(s) > 0;
	}
	dls_trigger_all(self, now_us, FALSE);
}

/**
 * wb_sim_watch_health_set_version:
 * @self: the watch
 * @version: a firmware variant (wb_sim_health_version_is_valid())
 * @error: return location for a #GError
 *
 * Selects the records later wb_sim_watch_health_generate() calls log. Data already logged is
 * sent as it was logged (in its own sessions).
 *
 * Returns: %TRUE if @version is valid
 */
gboolean
wb_sim_watch_health_set_version(WbSimWatch *self, guint version, GError **error)
{
	if (!wb_sim_health_version_is_valid(version)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "health version %u is not one of 4, 5, 6, 7, 12, 13, 14 or 83 (legacy)",
			    version);
		return FALSE;
	}
	self->health_version = version;
	return TRUE;
}

/**
 * wb_sim_watch_health_set_enabled:
 * @self: the watch
 * @enabled: whether the watch tracks health
 *
 * A watch without health tracking answers HealthSync with NACK (§7.6).
 */
void
wb_sim_watch_health_set_enabled(WbSimWatch *self, gboolean enabled)
{
	self->health_enabled = enabled;
}

/**
 * wb_sim_watch_health_set_hold:
 * @self: the watch
 * @hold: hold health data until asked
 * @now_us: the monotonic time now
 *
 * While held, health sessions open but send their data only when the phone asks (HealthSync,
 * or EmptySession for one session), as the firmware holds small amounts of data for its
 * periodic flush; each request sends everything the session has at that point. Not held (the
 * default), data goes out as soon as it is logged.
 */
void
wb_sim_watch_health_set_hold(WbSimWatch *self, gboolean hold, gint64 now_us)
{
	self->health_hold = hold;
	if (!hold)
		dls_trigger_all(self, now_us, FALSE);
}

/* The health session for @tag with @item_size, created if needed */
static Dls *
health_session(WbSimWatch *self, guint32 tag, guint16 item_size, gint64 now_us, GError **error)
{
	Dls *s;

	for (guint i = 0; i < self->dls->len; i++) {
		s = g_ptr_array_index(self->dls, i);
		if (s->health && s->open.tag == tag && s->open.item_size == item_size)
			return s;
	}
	s = dls_new_session(self, tag, WB_DATALOG_ITEM_BYTE_ARRAY, item_size, NULL, now_us, error);
	if (s != NULL)
		s->health = TRUE;
	return s;
}

static gboolean
health_log(WbSimWatch *self, guint32 tag, guint16 item_size, const GByteArray *items, gint64 now_us,
	   JsonBuilder *b, const gchar *name, GError **error)
{
	Dls *s;

	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, items->len / item_size);
	if (items->len == 0)
		return TRUE;
	s = health_session(self, tag, item_size, now_us, error);
	if (s == NULL)
		return FALSE;
	if (!wb_sim_health_truth_add(self->truth_generated, tag, item_size, items->data, items->len,
				     error))
		return FALSE;
	dls_log(self, s, items->data, items->len, now_us);
	return TRUE;
}

/**
 * wb_sim_watch_health_generate:
 * @self: the watch
 * @days: how many days (fractions allowed; rounded down to 15 minutes)
 * @seed: (nullable): the seed; %NULL for the watch's --seed, else 1
 * @end_utc: the end of the range, UTC seconds (rounded down to 15 minutes); -1 for the
 *   watch's clock now
 * @offset_minutes: (nullable): local time − UTC; %NULL for the offset the phone set
 * @now_us: the monotonic time now
 * @result: a builder inside an object: the answer's members are added
 * @error: return location for a #GError
 *
 * Generates @days of health data ending at @end_utc (wb_sim_health_generate()) and logs it
 * in the health sessions. A range overlapping what was generated before starts where that
 * ended, so nothing is generated twice and the ground truth stays exact.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_sim_watch_health_generate(WbSimWatch *self, gdouble days, const guint32 *seed, gint64 end_utc,
			     const gint *offset_minutes, gint64 now_us, JsonBuilder *result,
			     GError **error)
{
	g_auto(WbSimHealthBatch) batch = {0};
	g_autofree gchar *serial = g_strdup(self->identity.serial);
	WbSimHealthParams params = {0};
	JsonBuilder *b = result;
	gint offset = offset_minutes != NULL ? *offset_minutes : self->set_offset_minutes;
	gint64 span;

	if (!(days > 0) || days > 3660) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "days must be above 0 and at most 3660");
		return FALSE;
	}
	if (offset % 15 != 0 || offset < -16 * 60 || offset > 16 * 60) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "local offset %d min is not a multiple of 15 within ±16 h", offset);
		return FALSE;
	}
	if (end_utc < 0)
		end_utc = watch_utc(self, now_us);
	params.end_utc = end_utc - end_utc % 900;
	span = (gint64)(days * 86400) / 900 * 900;
	params.start_utc = params.end_utc - span;
	if (self->health_to > params.start_utc)
		params.start_utc = self->health_to;
	if (span == 0 || params.start_utc >= params.end_utc) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "nothing to generate: data is generated up to %" G_GINT64_FORMAT
			    " already, the range ends at %" G_GINT64_FORMAT,
			    self->health_to, params.end_utc);
		return FALSE;
	}
	params.version = self->health_version;
	params.seed = seed != NULL ? *seed : self->has_seed ? self->seed : 1;
	params.utc_to_local = offset * 60;
	params.serial = serial;
	if (!wb_sim_health_generate(&params, &batch, error))
		return FALSE;

	if (self->health_from < 0)
		self->health_from = params.start_utc;
	self->health_to = params.end_utc;
	self->health_offset = params.utc_to_local;
	self->health_seed = params.seed;
	self->health_generations++;

	json_builder_set_member_name(b, "from");
	json_builder_add_int_value(b, params.start_utc);
	json_builder_set_member_name(b, "to");
	json_builder_add_int_value(b, params.end_utc);
	json_builder_set_member_name(b, "seed");
	json_builder_add_int_value(b, params.seed);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, params.version);
	json_builder_set_member_name(b, "utc_offset_minutes");
	json_builder_add_int_value(b, offset);
	json_builder_set_member_name(b, "items");
	json_builder_begin_object(b);
	/* logged in this order: a watch's minute session is its oldest */
	if (!health_log(self, WB_HEALTH_TAG_MINUTE_DATA, batch.minute_item_size, batch.minute_items,
			now_us, b, "minute", error) ||
	    !health_log(self, WB_HEALTH_TAG_ACTIVITY_SESSION, WB_HEALTH_ACTIVITY_SESSION_LEN,
			batch.session_items, now_us, b, "activity", error) ||
	    !health_log(self, WB_HEALTH_TAG_LEGACY_SLEEP, WB_HEALTH_LEGACY_SLEEP_LEN,
			batch.legacy_sleep_items, now_us, b, "legacy_sleep", error) ||
	    !health_log(self, WB_HEALTH_TAG_PROTOBUF_LOG, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE,
			batch.hr_items, now_us, b, "heart_rate", error))
		return FALSE;
	json_builder_end_object(b);
	json_builder_set_member_name(b, "bytes");
	json_builder_add_int_value(b, batch.minute_items->len + batch.session_items->len +
					      batch.legacy_sleep_items->len + batch.hr_items->len);
	return TRUE;
}

static void
health_pending_truth(WbSimWatch *self, WbSimHealthTruth *truth)
{
	for (guint i = 0; i < self->dls->len; i++) {
		const Dls *s = g_ptr_array_index(self->dls, i);
		dls_count(self, s, truth, dls_data(s), dls_len(s));
	}
}

/**
 * wb_sim_watch_health_add_state:
 * @self: the watch
 * @builder: a builder expecting a value
 *
 * Adds the health object of `state` and `health state` (docs/watchsim.md lists the members).
 */
void
wb_sim_watch_health_add_state(WbSimWatch *self, JsonBuilder *builder)
{
	JsonBuilder *b = builder;
	guint64 pending = 0, in_flight = 0;
	gboolean busy = FALSE;

	json_builder_begin_object(b);
	set_member_bool(b, "enabled", self->health_enabled);
	set_member_int(b, "version", self->health_version);
	set_member_int(b, "minute_version", wb_sim_health_minute_version(self->health_version));
	set_member_int(b, "minute_item_size", wb_sim_health_minute_item_size(self->health_version));
	set_member_bool(b, "hold", self->health_hold);
	add_optional_uint(b, "from", self->health_from >= 0, (guint32)self->health_from);
	add_optional_uint(b, "to", self->health_to >= 0, (guint32)self->health_to);
	set_member_int(b, "utc_offset_minutes", self->health_offset / 60);
	set_member_int(b, "seed", self->health_seed);
	set_member_int(b, "generations", self->health_generations);
	set_member_int(b, "sync_requests", self->health_sync_requests);
	set_member_int(b, "sync_nacks", self->health_sync_nacks);
	json_builder_set_member_name(b, "sessions");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->dls->len; i++) {
		const Dls *s = g_ptr_array_index(self->dls, i);

		if (!s->health)
			continue;
		pending += dls_len(s);
		in_flight += s->in_flight;
		busy = busy || s->state == DLS_OPENING || s->state == DLS_SENDING;
		json_builder_begin_object(b);
		set_member_int(b, "id", s->id);
		set_member_int(b, "tag", s->open.tag);
		set_member_int(b, "item_size", s->open.item_size);
		set_member_str(b, "state", dls_state_name(s->state));
		set_member_bool(b, "stalled", s->stalled);
		set_member_int(b, "pending_bytes", (gint64)dls_len(s));
		set_member_int(b, "in_flight", (gint64)s->in_flight);
		set_member_int(b, "data_sent", s->data_sent);
		set_member_int(b, "acks", s->acks);
		set_member_int(b, "nacks", s->nacks);
		set_member_int(b, "timeouts", s->timeouts);
		set_member_int(b, "corrupted_sent", s->corrupted_sent);
		set_member_int(b, "bytes_acked", (gint64)s->bytes_acked);
		set_member_int(b, "bytes_discarded", (gint64)s->bytes_discarded);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "bytes");
	json_builder_begin_object(b);
	set_member_int(b, "generated",
		       (gint64)wb_sim_health_truth_get_bytes(self->truth_generated));
	set_member_int(b, "acked", (gint64)wb_sim_health_truth_get_bytes(self->truth_acked));
	set_member_int(b, "pending", (gint64)pending);
	set_member_int(b, "in_flight", (gint64)in_flight);
	set_member_int(b, "discarded",
		       (gint64)wb_sim_health_truth_get_bytes(self->truth_discarded));
	json_builder_end_object(b);
	/* everything generated is acknowledged or discarded, nothing waits for an answer */
	set_member_bool(b, "done", pending == 0 && !busy);
	json_builder_set_member_name(b, "faults");
	json_builder_begin_object(b);
	set_member_int(b, "drop_acks", self->drop_acks);
	set_member_int(b, "acks_dropped", self->acks_dropped);
	set_member_str(b, "corrupt_kind", wb_sim_corruption_to_string(self->corrupt_kind));
	set_member_int(b, "corrupt_remaining", self->corrupt_count);
	set_member_int(b, "corrupt_tag", self->corrupt_tag);
	set_member_int(b, "corrupted_sent", self->corrupted_sent);
	add_optional_uint(b, "disconnect_after_frames", self->disconnect_after_frames > 0,
			  (guint32)MAX(self->disconnect_after_frames, 0));
	set_member_int(b, "links_dropped", self->links_dropped);
	json_builder_end_object(b);
	set_member_int(b, "dlog_timeout_ms", self->dls_timeout_us / 1000);
	json_builder_end_object(b);
}

/**
 * wb_sim_watch_health_add_truth:
 * @self: the watch
 * @builder: a builder inside an object
 *
 * Adds the ground truth members of `health truth`: "from", "to", "utc_offset_minutes",
 * "generated" and "acked" (per day), "pending" and "discarded" (totals).
 */
void
wb_sim_watch_health_add_truth(WbSimWatch *self, JsonBuilder *builder)
{
	JsonBuilder *b = builder;
	g_autoptr(WbSimHealthTruth) pending = wb_sim_health_truth_new();

	health_pending_truth(self, pending);
	add_optional_uint(b, "from", self->health_from >= 0, (guint32)self->health_from);
	add_optional_uint(b, "to", self->health_to >= 0, (guint32)self->health_to);
	set_member_int(b, "utc_offset_minutes", self->health_offset / 60);
	json_builder_set_member_name(b, "generated");
	wb_sim_health_truth_add_json(self->truth_generated, b, TRUE);
	json_builder_set_member_name(b, "acked");
	wb_sim_health_truth_add_json(self->truth_acked, b, TRUE);
	json_builder_set_member_name(b, "pending");
	wb_sim_health_truth_add_json(pending, b, FALSE);
	json_builder_set_member_name(b, "discarded");
	wb_sim_health_truth_add_json(self->truth_discarded, b, FALSE);
}

/* ------------------------------------------------------------------ PutBytes */

static const gchar *
pb_state_name(PbState state)
{
	switch (state) {
	case PB_RECEIVING:
		return "receiving";
	case PB_COMMITTED:
		return "committed";
	case PB_INSTALLED:
		return "installed";
	case PB_ABORTED:
		return "aborted";
	case PB_FAILED:
		return "failed";
	}
	return "unknown";
}

static PbObject *
pb_find(WbSimWatch *self, guint32 token)
{
	for (guint i = 0; i < self->pb_objects->len; i++) {
		PbObject *obj = g_ptr_array_index(self->pb_objects, i);
		if (obj->token == token)
			return obj;
	}
	return NULL;
}

static void
pb_respond(WbSimWatch *self, WbPutBytesResult result, guint32 token)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbPutBytesResponse resp = {.result = result, .token = token};

	if (!wb_put_bytes_response_encode(&resp, out, &error)) {
		encode_failed("PutBytes response", error);
		return;
	}
	sim_print(self, "→ putbytes: %s token 0x%08x", result == WB_PUT_BYTES_ACK ? "ack" : "nack",
		  token);
	emit(self, WB_ENDPOINT_PUT_BYTES, out);
}

static void
pb_fail(WbSimWatch *self, PbObject *obj, const gchar *why)
{
	obj->state = PB_FAILED;
	g_free(obj->why);
	obj->why = g_strdup(why);
	if (self->pb_active == obj) {
		self->pb_active = NULL;
		self->pb_deadline = -1;
	}
	sim_print(self, "   (transfer 0x%08x failed: %s)", obj->token, why);
}

static guint32
pb_new_token(WbSimWatch *self)
{
	for (;;) {
		guint32 token = g_rand_int(self->rand);
		if (token != 0 && pb_find(self, token) == NULL)
			return token;
	}
}

/* Keeps the list of objects bounded: drops the oldest finished one */
static void
pb_trim(WbSimWatch *self)
{
	if (self->pb_objects->len < PUT_BYTES_MAX_OBJECTS)
		return;
	for (guint i = 0; i < self->pb_objects->len; i++) {
		PbObject *obj = g_ptr_array_index(self->pb_objects, i);
		if (obj != self->pb_active && obj->state != PB_COMMITTED) {
			g_ptr_array_remove_index(self->pb_objects, i);
			return;
		}
	}
}

/* §8.3: an app is installed once its binary, resources and (if flagged) worker are */
static void
pb_installed(WbSimWatch *self, PbObject *obj)
{
	AppFetch *f = self->fetch;
	g_autofree gchar *s = NULL;

	if (!obj->has_cookie || f == NULL || (guint32)f->install_id != obj->cookie)
		return;
	switch (obj->type) {
	case WB_PUT_BYTES_OBJECT_APP_BINARY:
		f->binary = TRUE;
		break;
	case WB_PUT_BYTES_OBJECT_APP_RESOURCES:
		f->resources = TRUE;
		break;
	case WB_PUT_BYTES_OBJECT_WORKER:
		f->worker = TRUE;
		break;
	case WB_PUT_BYTES_OBJECT_FIRMWARE:
	case WB_PUT_BYTES_OBJECT_RECOVERY:
	case WB_PUT_BYTES_OBJECT_SYSTEM_RESOURCES:
	case WB_PUT_BYTES_OBJECT_FILE:
		return;
	}
	if (!f->binary || !f->resources || (f->needs_worker && !f->worker))
		return;
	s = uuid_str(&f->uuid);
	sim_print(self, "-- app %s installed", s);
	if (!app_is_installed(self, &f->uuid))
		g_array_append_val(self->installed_apps, f->uuid);
	launch_app(self, &f->uuid);
	g_clear_pointer(&self->fetch, g_free);
}

static void
handle_put_bytes(WbSimWatch *self, const guint8 *payload, gsize len, gint64 now_us)
{
	g_auto(WbPutBytesMessage) msg = {0};
	g_autoptr(GError) error = NULL;
	PbObject *obj;

	if (!wb_put_bytes_message_decode(payload, len, &msg, &error)) {
		WbReader r;
		guint32 token;

		malformed(self, WB_ENDPOINT_PUT_BYTES, error);
		/* the firmware NACKs what it cannot parse, with the token if there is one */
		wb_reader_init(&r, payload, len);
		(void)wb_reader_u8(&r);
		token = wb_reader_u32_be(&r);
		pb_respond(self, WB_PUT_BYTES_NACK,
			   wb_reader_ok(&r) && len > 0 && payload[0] != WB_PUT_BYTES_INIT ? token
											  : 0);
		return;
	}
	switch (msg.command) {
	case WB_PUT_BYTES_INIT:
		sim_print(self, "← putbytes: init %s, %u bytes%s",
			  wb_put_bytes_object_type_to_string(msg.object_type), msg.object_size,
			  msg.has_cookie ? " (app part)" : "");
		if (self->pb_active != NULL || msg.object_size == 0) {
			pb_respond(self, WB_PUT_BYTES_NACK, 0);
			return;
		}
		pb_trim(self);
		obj = g_new0(PbObject, 1);
		obj->token = pb_new_token(self);
		obj->type = msg.object_type;
		obj->has_cookie = msg.has_cookie;
		obj->cookie = msg.cookie;
		obj->bank = msg.bank;
		obj->filename = g_strdup(msg.filename);
		obj->size = msg.object_size;
		/* resume info (§8.2) is not simulated: every transfer starts at offset 0 */
		wb_crc_stm32_init(&obj->crc);
		obj->state = PB_RECEIVING;
		g_ptr_array_add(self->pb_objects, obj);
		self->pb_active = obj;
		self->pb_deadline = now_us + PUT_BYTES_TIMEOUT_US;
		pb_respond(self, WB_PUT_BYTES_ACK, obj->token);
		return;
	case WB_PUT_BYTES_PUT: {
		gsize n = msg.data != NULL ? g_bytes_get_size(msg.data) : 0;

		obj = pb_find(self, msg.token);
		if (obj == NULL || obj != self->pb_active) {
			sim_print(self, "← putbytes: put for unknown token 0x%08x", msg.token);
			pb_respond(self, WB_PUT_BYTES_NACK, msg.token);
			return;
		}
		sim_print(self,
			  "← putbytes: put %" G_GSIZE_FORMAT " bytes (%" G_GSIZE_FORMAT "/%u)", n,
			  obj->received + n, obj->size);
		if (obj->received + n > obj->size) {
			pb_fail(self, obj, "more data than announced");
			pb_respond(self, WB_PUT_BYTES_NACK, msg.token);
			return;
		}
		if (n > 0)
			wb_crc_stm32_update(&obj->crc, g_bytes_get_data(msg.data, NULL), n);
		obj->received += (guint32)n;
		self->pb_deadline = now_us + PUT_BYTES_TIMEOUT_US;
		pb_respond(self, WB_PUT_BYTES_ACK, msg.token);
		return;
	}
	case WB_PUT_BYTES_COMMIT:
		obj = pb_find(self, msg.token);
		sim_print(self, "← putbytes: commit token 0x%08x crc 0x%08x", msg.token, msg.crc);
		if (obj == NULL || obj->state != PB_RECEIVING) {
			pb_respond(self, WB_PUT_BYTES_NACK, msg.token);
			return;
		}
		if (obj->received != obj->size) {
			pb_fail(self, obj, "committed before all data arrived");
			pb_respond(self, WB_PUT_BYTES_NACK, msg.token);
			return;
		}
		/* §6.5: the watch verifies the CRC of the whole object */
		if (wb_crc_stm32_finish(&obj->crc) != msg.crc) {
			g_autofree gchar *why = g_strdup_printf(
				"CRC mismatch: received data has 0x%08x, commit says 0x%08x",
				wb_crc_stm32_finish(&obj->crc), msg.crc);
			pb_fail(self, obj, why);
			pb_respond(self, WB_PUT_BYTES_NACK, msg.token);
			return;
		}
		obj->committed_crc_ok = TRUE;
		obj->state = PB_COMMITTED;
		self->pb_active = NULL;
		self->pb_deadline = -1;
		pb_respond(self, WB_PUT_BYTES_ACK, msg.token);
		return;
	case WB_PUT_BYTES_ABORT:
		obj = pb_find(self, msg.token);
		sim_print(self, "← putbytes: abort token 0x%08x", msg.token);
		if (obj == NULL) {
			pb_respond(self, WB_PUT_BYTES_NACK, msg.token);
			return;
		}
		obj->state = PB_ABORTED;
		if (self->pb_active == obj) {
			self->pb_active = NULL;
			self->pb_deadline = -1;
		}
		pb_respond(self, WB_PUT_BYTES_ACK, msg.token);
		return;
	case WB_PUT_BYTES_INSTALL:
		obj = pb_find(self, msg.token);
		sim_print(self, "← putbytes: install token 0x%08x", msg.token);
		if (obj == NULL || obj->state != PB_COMMITTED) {
			pb_respond(self, WB_PUT_BYTES_NACK, msg.token);
			return;
		}
		obj->state = PB_INSTALLED;
		pb_respond(self, WB_PUT_BYTES_ACK, msg.token);
		pb_installed(self, obj);
		return;
	}
}

/* ------------------------------------------------------------------ screenshot */

/* GColor8 0b11RRGGBB: black, white, red, green, blue, yellow, cyan, magenta */
static const guint8 test_colors[] = {0xC0, 0xFF, 0xF0, 0xCC, 0xC3, 0xFC, 0xCF, 0xF3};

/* A test card: 8 vertical colour bars (8 bpp) or 8-pixel checks (1 bpp). On round screens
 * the pixels outside the circle are clear, as on chalk (§9). */
static GByteArray *
make_test_image(guint8 hw_platform, WbScreenshotHeader *header)
{
	const gchar *platform = wb_hw_platform_to_platform(hw_platform);
	gboolean color = TRUE, round = FALSE;
	guint w = 144, h = 168;
	GByteArray *pixels;

	if (g_str_equal(platform, "aplite") || g_str_equal(platform, "diorite") ||
	    g_str_equal(platform, "flint"))
		color = FALSE;
	if (g_str_equal(platform, "chalk")) {
		w = h = 180;
		round = TRUE;
	} else if (g_str_equal(platform, "emery")) {
		w = 200;
		h = 228;
	} else if (g_str_equal(platform, "gabbro")) {
		w = h = 260;
		round = TRUE;
	}
	header->response_code = WB_SCREENSHOT_OK;
	header->version = color ? WB_SCREENSHOT_VERSION_8BPP : WB_SCREENSHOT_VERSION_1BPP;
	header->width = w;
	header->height = h;
	pixels = g_byte_array_sized_new(color ? w * h : w * h / 8);
	for (guint y = 0; y < h; y++) {
		if (!color) {
			for (guint xb = 0; xb < w / 8; xb++)
				wb_put_u8(pixels, ((xb + y / 8) % 2) != 0 ? 0xFF : 0x00);
			continue;
		}
		for (guint x = 0; x < w; x++) {
			gint dx = (gint)(2 * x + 1) - (gint)w, dy = (gint)(2 * y + 1) - (gint)h;
			guint8 c = test_colors[x * G_N_ELEMENTS(test_colors) / w];
			if (round && dx * dx + dy * dy > (gint)(w * w))
				c = 0x00;
			wb_put_u8(pixels, c);
		}
	}
	return pixels;
}

static void
handle_screenshot(WbSimWatch *self, const guint8 *payload, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) pixels = NULL;
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbScreenshotHeader header = {0};
	gsize off = 0, chunks = 0;

	if (!wb_screenshot_request_decode(payload, len, &error)) {
		/* §9: anything but `00` gets an error header with code 1 */
		WbScreenshotHeader bad = {.response_code = WB_SCREENSHOT_MALFORMED_COMMAND,
					  .version = 1};
		sim_print(self, "← screenshot: malformed request");
		if (!wb_screenshot_header_encode(&bad, out, &error)) {
			encode_failed("screenshot header", error);
			return;
		}
		emit(self, WB_ENDPOINT_SCREENSHOT, out);
		return;
	}
	pixels = make_test_image(self->identity.hw_platform, &header);
	if (!wb_screenshot_header_encode(&header, out, &error)) {
		encode_failed("screenshot header", error);
		return;
	}
	sim_print(self, "← screenshot: request");
	/* the first frame carries the header, all frames at most the watch's outbound size */
	while (off < pixels->len) {
		gsize n = MIN(pixels->len - off, WB_SIM_MAX_OUTBOUND_PAYLOAD - out->len);
		wb_put_bytes(out, pixels->data + off, n);
		off += n;
		emit(self, WB_ENDPOINT_SCREENSHOT, out);
		g_byte_array_set_size(out, 0);
		chunks++;
	}
	self->screenshots++;
	sim_print(self, "→ screenshot: %ux%u, %u bpp, %u bytes in %" G_GSIZE_FORMAT " frames",
		  header.width, header.height, header.version == WB_SCREENSHOT_VERSION_8BPP ? 8 : 1,
		  pixels->len, chunks);
}

/* ------------------------------------------------------------------ dispatch */

static void
send_meta_unhandled(WbSimWatch *self, guint16 endpoint)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbMetaError msg = {
		.code = WB_META_UNHANDLED_ENDPOINT, .has_endpoint = TRUE, .endpoint = endpoint};

	self->unknown_endpoints++;
	if (!wb_meta_error_encode(&msg, out, &error)) {
		encode_failed("meta error", error);
		return;
	}
	sim_print(self, "← endpoint 0x%04x (%s): not served by the firmware", endpoint,
		  wb_endpoint_to_string(endpoint));
	sim_print(self, "→ meta: unhandled endpoint 0x%04x", endpoint);
	emit(self, WB_ENDPOINT_META, out);
}

/* Endpoints of the firmware's table (§1.3) that the simulator takes but does not act on */
static gboolean
endpoint_is_quietly_taken(guint16 endpoint)
{
	switch (endpoint) {
	case 0x0032: /* app customization */
	case 0x2710: /* audio stream */
	case 0x2AF8: /* voice control */
	case 0xCAFE: /* comm poll remote */
		return TRUE;
	default:
		return FALSE;
	}
}

/**
 * wb_sim_watch_receive_frame:
 * @self: the watch
 * @endpoint: the frame's endpoint
 * @payload: (array length=len): its payload
 * @len: the payload length
 * @now_us: the monotonic time now
 *
 * Handles one frame from the phone. Malformed messages are logged (g_message) and dropped, or
 * answered with an error where the firmware answers one (BlobDB, PutBytes, screenshot).
 */
void
wb_sim_watch_receive_frame(WbSimWatch *self, guint16 endpoint, const guint8 *payload, gsize len,
			   gint64 now_us)
{
	gpointer count;

	if (!self->connected) {
		g_debug("[watchsim] frame on '%s' without a session, dropped",
			wb_endpoint_to_string(endpoint));
		return;
	}
	self->frames_in++;
	count = g_hash_table_lookup(self->in_by_endpoint, GUINT_TO_POINTER(endpoint));
	g_hash_table_insert(self->in_by_endpoint, GUINT_TO_POINTER(endpoint),
			    GUINT_TO_POINTER(GPOINTER_TO_UINT(count) + 1));
	/* §1.1: the receive router silently drops zero-length payloads */
	if (len == 0)
		return;
	/* §1.2: the watch has 2044 bytes for system endpoints (8 KiB AppMessage aside) */
	if (len > WB_FRAME_MAX_WATCH_INBOUND && endpoint != WB_ENDPOINT_APP_MESSAGE) {
		self->malformed++;
		g_message("[watchsim] %" G_GSIZE_FORMAT "-byte frame on '%s' is larger than the "
			  "watch's %d-byte buffer, dropped",
			  len, wb_endpoint_to_string(endpoint), WB_FRAME_MAX_WATCH_INBOUND);
		sim_print(self, "← %s: %" G_GSIZE_FORMAT " bytes, too large, dropped",
			  wb_endpoint_to_string(endpoint), len);
		return;
	}
	switch ((WbEndpoint)endpoint) {
	case WB_ENDPOINT_TIME:
		handle_time(self, payload, len, now_us);
		return;
	case WB_ENDPOINT_WATCH_VERSION:
		handle_watch_version(self, payload, len);
		return;
	case WB_ENDPOINT_PHONE_APP_VERSION:
		handle_phone_app_version(self, payload, len, now_us);
		return;
	case WB_ENDPOINT_SYSTEM_MESSAGE:
		handle_system_message(self, payload, len, now_us);
		return;
	case WB_ENDPOINT_PING:
		handle_ping(self, payload, len);
		return;
	case WB_ENDPOINT_RESET:
		handle_reset(self, payload, len, now_us);
		return;
	case WB_ENDPOINT_BLOBDB:
		handle_blobdb(self, payload, len, now_us);
		return;
	case WB_ENDPOINT_DATA_LOGGING:
		handle_data_logging(self, payload, len, now_us);
		return;
	case WB_ENDPOINT_PUT_BYTES:
		handle_put_bytes(self, payload, len, now_us);
		return;
	case WB_ENDPOINT_SCREENSHOT:
		handle_screenshot(self, payload, len);
		return;
	case WB_ENDPOINT_APP_RUN_STATE:
		handle_app_run_state(self, payload, len);
		return;
	case WB_ENDPOINT_APP_FETCH:
		handle_app_fetch(self, payload, len);
		return;
	case WB_ENDPOINT_APP_MESSAGE:
		handle_app_message(self, payload, len);
		return;
	case WB_ENDPOINT_APP_ORDER:
		handle_app_order(self, payload, len);
		return;
	case WB_ENDPOINT_TIMELINE_ACTION:
		handle_timeline_action(self, payload, len);
		return;
	case WB_ENDPOINT_FACTORY_REGISTRY:
		handle_factory_registry(self, payload, len);
		return;
	case WB_ENDPOINT_LOG_DUMP:
		handle_log_dump(self, payload, len);
		return;
	case WB_ENDPOINT_APP_LOGS:
		handle_app_logs(self, payload, len);
		return;
	case WB_ENDPOINT_BLE_CONTROL:
		handle_ble_control(self, payload, len);
		return;
	case WB_ENDPOINT_HEALTH_SYNC:
		handle_health_sync(self, payload, len, now_us);
		return;
	case WB_ENDPOINT_META:
	case WB_ENDPOINT_MUSIC_CONTROL:
	case WB_ENDPOINT_PHONE_CONTROL:
	case WB_ENDPOINT_LAUNCHER:
	case WB_ENDPOINT_GET_BYTES:
	case WB_ENDPOINT_BLOBDB_V2:
		/* served by the firmware; not simulated yet (later issues extend these) */
		sim_print(self, "← %s: %" G_GSIZE_FORMAT " bytes (not simulated)",
			  wb_endpoint_to_string(endpoint), len);
		return;
	case WB_ENDPOINT_NOTIFICATION:
		if (firmware_is_legacy(self)) {
			handle_legacy_notification(self, payload, len);
			return;
		}
		/* 1.x/2.x only: a 3.x+ watch answers as for any unknown endpoint */
		send_meta_unhandled(self, endpoint);
		return;
	case WB_ENDPOINT_LOGS:
		send_meta_unhandled(self, endpoint);
		return;
	}
	if (endpoint_is_quietly_taken(endpoint)) {
		sim_print(self, "← endpoint 0x%04x: %" G_GSIZE_FORMAT " bytes (not simulated)",
			  endpoint, len);
		return;
	}
	/* §1.1: unknown endpoint → meta 0xDC with the endpoint */
	send_meta_unhandled(self, endpoint);
}

/**
 * wb_sim_watch_feed:
 * @self: the watch
 * @data: (array length=len): bytes of the Pebble Protocol stream from the phone, any chunking
 * @len: their number
 * @now_us: the monotonic time now
 *
 * Cuts the stream into frames and handles each. A frame header announcing more than 8 KiB is
 * garbage: it is logged and the decoder resynchronises.
 */
void
wb_sim_watch_feed(WbSimWatch *self, const guint8 *data, gsize len, gint64 now_us)
{
	if (!self->connected)
		return;
	wb_frame_decoder_push(self->decoder, data, len);
	while (self->connected) {
		g_autoptr(GError) error = NULL;
		WbFrame frame;

		if (!wb_frame_decoder_next(self->decoder, &frame, &error)) {
			if (error == NULL)
				return;
			self->malformed++;
			g_message("[watchsim] bad frame from the phone: %s", error->message);
			continue;
		}
		wb_sim_watch_receive_frame(self, frame.endpoint, frame.payload, frame.len, now_us);
	}
}

/**
 * wb_sim_watch_get_next_deadline:
 * @self: the watch
 *
 * Returns: the monotonic time at which wb_sim_watch_tick() must be called, or -1 for never
 */
gint64
wb_sim_watch_get_next_deadline(const WbSimWatch *self)
{
	gint64 next = self->reboot_at;

	if (self->pb_deadline >= 0 && (next < 0 || self->pb_deadline < next))
		next = self->pb_deadline;
	if (!self->connected)
		return next;
	if (self->link_dropping)
		return 0;
	for (guint i = 0; i < self->dls->len; i++) {
		const Dls *s = g_ptr_array_index(self->dls, i);
		if (s->deadline >= 0 && (next < 0 || s->deadline < next))
			next = s->deadline;
	}
	return next;
}

/**
 * wb_sim_watch_tick:
 * @self: the watch
 * @now_us: the monotonic time now
 *
 * Runs what is due: data-logging timeouts and re-opens, the PutBytes idle timeout, a delayed
 * reboot.
 */
void
wb_sim_watch_tick(WbSimWatch *self, gint64 now_us)
{
	if (self->pb_deadline >= 0 && now_us >= self->pb_deadline && self->pb_active != NULL) {
		/* §8.1: no message for 30 s aborts the transfer */
		pb_fail(self, self->pb_active, "timed out");
	}
	if (self->link_dropping) {
		/* disconnect-after-frames */
		self->link_dropping = FALSE;
		if (self->connected) {
			self->links_dropped++;
			g_message("[watchsim] dropping the link (disconnect-after-frames)");
			sim_print(self, "-- link dropped (disconnect-after-frames)");
			if (self->cb.drop_link != NULL)
				self->cb.drop_link("disconnect-after-frames", self->user_data);
			wb_sim_watch_disconnected(self, now_us);
		}
	}
	if (self->connected) {
		for (guint i = 0; i < self->dls->len; i++) {
			Dls *s = g_ptr_array_index(self->dls, i);

			if (s->deadline < 0 || now_us < s->deadline)
				continue;
			switch (s->state) {
			case DLS_OPENING:
			case DLS_SENDING:
				dls_timeout(self, s);
				break;
			case DLS_NEEDS_OPEN:
				s->deadline = -1;
				dls_pump(self, s, now_us);
				break;
			case DLS_READY:
				s->deadline = -1;
				break;
			}
		}
	}
	if (self->reboot_at >= 0 && now_us >= self->reboot_at) {
		g_autofree gchar *reason = g_steal_pointer(&self->reboot_reason);
		wb_sim_watch_reboot(self, reason != NULL ? reason : "scheduled", now_us);
	}
}

/* ------------------------------------------------------------------ state */

static void
add_identity_json(WbSimWatch *self, JsonBuilder *b)
{
	g_autofree gchar *address = wb_sim_identity_dup_address(&self->identity);
	const WbSimIdentity *id = &self->identity;

	json_builder_begin_object(b);
	set_member_str(b, "model", wb_hw_platform_to_model(id->hw_platform));
	set_member_str(b, "platform", wb_hw_platform_to_platform(id->hw_platform));
	set_member_int(b, "hw_platform", id->hw_platform);
	set_member_str(b, "board", id->board);
	set_member_str(b, "firmware", id->firmware);
	set_member_str(b, "recovery_firmware", id->recovery_firmware);
	set_member_str(b, "serial", id->serial);
	set_member_str(b, "address", address);
	set_member_str(b, "language", id->language);
	set_member_int(b, "capabilities", (gint64)id->capabilities);
	set_member_int(b, "color", id->color);
	json_builder_end_object(b);
}

static void
add_phone_json(WbSimWatch *self, JsonBuilder *b)
{
	g_autofree gchar *version = NULL;

	if (!self->has_phone) {
		json_builder_add_null_value(b);
		return;
	}
	version = g_strdup_printf("%u.%u.%u", self->phone.major, self->phone.minor,
				  self->phone.bugfix);
	json_builder_begin_object(b);
	set_member_str(b, "version", version);
	set_member_str(b, "os", phone_os_name(self->phone.platform_flags));
	set_member_int(b, "platform_flags", self->phone.platform_flags);
	set_member_int(b, "response_version", self->phone.response_version);
	set_member_int(b, "capabilities", (gint64)self->phone.protocol_caps);
	json_builder_set_member_name(b, "capability_names");
	add_caps_json(b, self->phone.protocol_caps);
	set_member_bool(b, "this_session", self->phone_answered);
	json_builder_end_object(b);
}

static void
add_clock_json(WbSimWatch *self, JsonBuilder *b, gint64 now_us)
{
	json_builder_begin_object(b);
	set_member_bool(b, "set", self->clock_set);
	json_builder_set_member_name(b, "utc_time");
	if (self->clock_set)
		json_builder_add_int_value(b, self->set_utc);
	else
		json_builder_add_null_value(b);
	set_member_int(b, "utc_offset_minutes", self->set_offset_minutes);
	set_member_str(b, "tz_name", self->clock_set ? self->set_tz : NULL);
	set_member_int(b, "set_count", self->set_utc_count);
	json_builder_set_member_name(b, "localtime");
	if (self->has_localtime)
		json_builder_add_int_value(b, self->last_localtime);
	else
		json_builder_add_null_value(b);
	set_member_int(b, "localtime_count", self->set_localtime_count);
	set_member_int(b, "get_count", self->get_time_count);
	set_member_int(b, "watch_time", watch_utc(self, now_us));
	json_builder_end_object(b);
}

static gint
compare_uint(gconstpointer a, gconstpointer b)
{
	guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

	return x < y ? -1 : x > y;
}

static void
add_endpoints_json(WbSimWatch *self, JsonBuilder *b)
{
	GList *keys = g_list_sort(g_hash_table_get_keys(self->in_by_endpoint), compare_uint);

	json_builder_begin_object(b);
	for (GList *l = keys; l != NULL; l = l->next) {
		guint endpoint = GPOINTER_TO_UINT(l->data);
		const gchar *name = wb_endpoint_to_string((guint16)endpoint);
		g_autofree gchar *fallback = NULL;

		if (name == NULL || g_str_equal(name, "unknown"))
			name = fallback = g_strdup_printf("0x%04x", endpoint);
		set_member_int(
			b, name,
			GPOINTER_TO_UINT(g_hash_table_lookup(self->in_by_endpoint, l->data)));
	}
	json_builder_end_object(b);
	g_list_free(keys);
}

/**
 * wb_sim_watch_add_datalog:
 * @self: the watch
 * @builder: a builder expecting a value
 *
 * Adds `{"send_enabled", "sessions": [...]}` (docs/watchsim.md lists the members).
 */
void
wb_sim_watch_add_datalog(WbSimWatch *self, JsonBuilder *builder)
{
	JsonBuilder *b = builder;

	json_builder_begin_object(b);
	set_member_bool(b, "send_enabled", self->dls_send_enabled);
	json_builder_set_member_name(b, "sessions");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->dls->len; i++) {
		const Dls *s = g_ptr_array_index(self->dls, i);

		json_builder_begin_object(b);
		set_member_int(b, "id", s->id);
		set_member_int(b, "tag", s->open.tag);
		set_member_uuid(b, "app_uuid", &s->open.app_uuid);
		set_member_int(b, "item_type", s->open.item_type);
		set_member_int(b, "item_size", s->open.item_size);
		set_member_int(b, "timestamp", s->open.timestamp);
		set_member_str(b, "state", dls_state_name(s->state));
		set_member_bool(b, "stalled", s->stalled);
		set_member_int(b, "pending_bytes", (gint64)dls_len(s));
		set_member_int(b, "in_flight", (gint64)s->in_flight);
		set_member_int(b, "opens_sent", s->opens_sent);
		set_member_int(b, "data_sent", s->data_sent);
		set_member_int(b, "acks", s->acks);
		set_member_int(b, "nacks", s->nacks);
		set_member_int(b, "timeouts", s->timeouts);
		set_member_int(b, "bytes_logged", (gint64)s->bytes_logged);
		set_member_int(b, "bytes_acked", (gint64)s->bytes_acked);
		set_member_int(b, "bytes_discarded", (gint64)s->bytes_discarded);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void
add_putbytes_json(WbSimWatch *self, JsonBuilder *b)
{
	json_builder_begin_object(b);
	add_optional_uint(b, "active_token", self->pb_active != NULL,
			  self->pb_active != NULL ? self->pb_active->token : 0);
	json_builder_set_member_name(b, "objects");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->pb_objects->len; i++) {
		const PbObject *obj = g_ptr_array_index(self->pb_objects, i);

		json_builder_begin_object(b);
		set_member_int(b, "token", obj->token);
		set_member_str(b, "type", wb_put_bytes_object_type_to_string(obj->type));
		set_member_int(b, "size", obj->size);
		set_member_int(b, "received", obj->received);
		set_member_str(b, "state", pb_state_name(obj->state));
		set_member_bool(b, "crc_ok", obj->committed_crc_ok);
		add_optional_uint(b, "cookie", obj->has_cookie, obj->cookie);
		add_optional_uint(b, "bank", !obj->has_cookie, obj->bank);
		set_member_str(b, "filename", obj->filename);
		set_member_str(b, "error", obj->why);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void
add_apps_json(WbSimWatch *self, JsonBuilder *b)
{
	json_builder_begin_object(b);
	set_member_uuid(b, "running", &self->running_app);
	json_builder_set_member_name(b, "installed");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->installed_apps->len; i++) {
		g_autofree gchar *s = uuid_str(&g_array_index(self->installed_apps, WbUuid, i));
		json_builder_add_string_value(b, s);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "fetching");
	if (self->fetch != NULL) {
		g_autofree gchar *s = uuid_str(&self->fetch->uuid);
		json_builder_add_string_value(b, s);
	} else {
		json_builder_add_null_value(b);
	}
	json_builder_end_object(b);
}

/**
 * wb_sim_watch_add_state:
 * @self: the watch
 * @builder: a builder inside an object
 * @now_us: the monotonic time now
 *
 * Adds the watch's state as members of the current object (docs/watchsim.md lists them):
 * "session_open", "sessions", "identity", "phone", "clock", frame counters, "pings_*",
 * "resets", "reboots", "blobdb", "datalog", "putbytes", "apps" and more.
 */
void
wb_sim_watch_add_state(WbSimWatch *self, JsonBuilder *builder, gint64 now_us)
{
	JsonBuilder *b = builder;

	set_member_bool(b, "session_open", self->connected);
	set_member_int(b, "sessions", self->sessions);
	json_builder_set_member_name(b, "identity");
	add_identity_json(self, b);
	json_builder_set_member_name(b, "phone");
	add_phone_json(self, b);
	json_builder_set_member_name(b, "clock");
	add_clock_json(self, b, now_us);
	set_member_int(b, "frames_in", (gint64)self->frames_in);
	set_member_int(b, "frames_out", (gint64)self->frames_out);
	json_builder_set_member_name(b, "frames_in_by_endpoint");
	add_endpoints_json(self, b);
	set_member_int(b, "malformed", self->malformed);
	set_member_int(b, "unknown_endpoints", self->unknown_endpoints);
	set_member_int(b, "watch_version_requests", self->watch_version_requests);
	set_member_int(b, "pings_answered", self->pings_answered);
	add_optional_uint(b, "last_ping_cookie", self->has_ping_cookie, self->last_ping_cookie);
	set_member_int(b, "pings_sent", self->pings_sent);
	set_member_int(b, "pongs_received", self->pongs_received);
	add_optional_uint(b, "last_pong_cookie", self->has_pong_cookie, self->last_pong_cookie);
	set_member_int(b, "resets", self->resets);
	set_member_str(b, "last_reset", self->last_reset);
	set_member_int(b, "reboots", self->reboots);
	set_member_str(b, "last_reboot", self->last_reboot);
	set_member_bool(b, "reboot_pending", self->reboot_at >= 0);
	set_member_bool(b, "unfaithful", self->unfaithful);

	json_builder_set_member_name(b, "blobdb");
	json_builder_begin_object(b);
	for (guint db = 0; db < WB_SIM_BLOBDB_N_DATABASES; db++)
		set_member_int(b, wb_blobdb_database_to_string((WbBlobdbDatabase)db),
			       wb_sim_blobdb_count(self->blobdb, db));
	json_builder_end_object(b);
	set_member_int(b, "blobdb_commands", self->blobdb_commands);
	json_builder_set_member_name(b, "blobdb_last");
	if (self->blobdb_last != NULL)
		json_builder_add_value(b, json_node_copy(self->blobdb_last));
	else
		json_builder_add_null_value(b);

	json_builder_set_member_name(b, "apps");
	add_apps_json(self, b);
	json_builder_set_member_name(b, "datalog");
	wb_sim_watch_add_datalog(self, b);
	json_builder_set_member_name(b, "health");
	wb_sim_watch_health_add_state(self, b);
	json_builder_set_member_name(b, "putbytes");
	add_putbytes_json(self, b);
	set_member_int(b, "screenshots", self->screenshots);
	set_member_int(b, "invoke_actions", self->invoke_actions);
	set_member_int(b, "legacy_notifications", self->legacy_notifications);
	json_builder_set_member_name(b, "last_legacy_notification");
	if (self->last_legacy_notification != NULL)
		json_builder_add_value(b, json_node_copy(self->last_legacy_notification));
	else
		json_builder_add_null_value(b);
	set_member_int(b, "action_responses", self->action_responses);
	json_builder_set_member_name(b, "last_action_response");
	if (self->last_action_response != NULL)
		json_builder_add_value(b, json_node_copy(self->last_action_response));
	else
		json_builder_add_null_value(b);
	set_member_bool(b, "app_logs_enabled", self->app_logs_enabled);
	set_member_bool(b, "ble_discoverable", self->ble_discoverable);
	set_member_str(b, "firmware_update", self->fw_update);
}

/**
 * wb_sim_watch_add_blobdb:
 * @self: the watch
 * @builder: a builder inside an object
 * @database: (nullable): a database name or number (see wb_sim_blobdb_parse_database()), or
 *   %NULL for all
 * @error: return location for a #GError
 *
 * Adds one member per database with its records (wb_sim_blobdb_add_json()).
 *
 * Returns: %TRUE if @database is known
 */
gboolean
wb_sim_watch_add_blobdb(WbSimWatch *self, JsonBuilder *builder, const gchar *database,
			GError **error)
{
	guint db = 0;

	if (database != NULL && !wb_sim_blobdb_parse_database(database, &db)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS, "unknown database '%s'",
			    database);
		return FALSE;
	}
	wb_sim_blobdb_add_json(self->blobdb, builder, database != NULL ? (gint)db : -1);
	return TRUE;
}
