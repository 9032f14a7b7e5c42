/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Health: the data logging endpoint (reference §6) and HealthSync (§7.6).
 *
 * The watch deletes logged data once it is acknowledged (§6.4), so the rule is: commit, then
 * ACK. Per SendData:
 *   - unknown session, partial items or a bad checksum: NACK (the watch keeps the data,
 *     re-opens the session and sends it again);
 *   - a system health session (all-zero app UUID, tags 81, 83, 84, 85): parse and check every
 *     record; malformed or out of range: NACK and store nothing; otherwise commit the raw
 *     payload and its readings in one transaction, then ACK;
 *   - another system tag (analytics, accelerometer samples, crash chunks): ACK and drop, or
 *     the watch would send it forever;
 *   - a third-party app's session: store the payload raw, ACK, announce it (DataLogged).
 * OpenSession is always ACKed (a NACK makes the firmware re-open it in a loop).
 *
 * A sync starts when the watch connects (ReportOpenSessions, then a HealthSync request), when a
 * client asks, or when the watch opens a session by itself, and ends when the watch has been
 * quiet for WB_HEALTH_SYNC_QUIET_MS. Its timers exist only while it runs.
 */
#include <string.h>

#define WB_LOG_MODULE "health"
#include "wb-datalog.h"
#include "wb-error.h"
#include "wb-frame.h"
#include "wb-health-service.h"
#include "wb-health.h"
#include "wb-log.h"
#include "wb-store-health.h"

/* Readings before the first Pebble shipped (2013-01-01) come from an unset clock. */
#define HEALTH_MIN_TIME G_GINT64_CONSTANT(1356998400)
/* Readings further ahead of the desktop's clock than this are out of range. */
#define HEALTH_MAX_AHEAD_S (2 * 24 * 60 * 60)
/* No time zone is further from UTC. */
#define HEALTH_MAX_OFFSET_S (16 * 60 * 60)

typedef struct {
	WbDatalogOpenSession open;
	gboolean warned; /* a malformed batch of this session was logged already */
} DlsSession;

struct _WbHealthService {
	WbService parent_instance;
	WbStore *store; /* unowned: main() owns it and outlives the daemon */
	gchar *watch_id;
	WbStoreHealthWriter *writer; /* made on first use */
	GHashTable *sessions;        /* session id -> DlsSession */
	guint datalog_handler;
	guint sync_handler;

	/* the sync in progress */
	gboolean syncing;
	gboolean sync_requested; /* a HealthSync request went out in this sync */
	gboolean sync_heard;     /* the watch said anything since it started */
	guint sync_records;
	guint quiet_id;
	guint deadline_id;
	GTask *sync_task; /* a client's Sync() */

	/* reprocess */
	gboolean reprocessing;
	GQueue deferred; /* of GBytes: data logging frames that came meanwhile */

	/* properties */
	guint64 last_sync;
	guint steps_today;
	gint64 today_start;
	gint64 today_end;
	gint64 last_hr_time;
	guint8 last_hr_bpm;
};

G_DEFINE_FINAL_TYPE(WbHealthService, wb_health_service, WB_TYPE_SERVICE)

enum {
	PROP_0,
	PROP_SYNCING,
	PROP_LAST_SYNC,
	PROP_STEPS_TODAY,
	PROP_LAST_HEART_RATE,
	N_PROPS,
};
static GParamSpec *props[N_PROPS];

enum { SIGNAL_SYNC_PROGRESS, SIGNAL_READINGS_ADDED, SIGNAL_DATA_LOGGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const gchar *
log_name(WbHealthService *self)
{
	return self->watch_id;
}

static gint64
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/**
 * wb_health_day_bounds:
 * @tz: the time zone that decides where days start
 * @time: a time within the day, UTC seconds (year 1..9999)
 * @out_start: (out): the day's local midnight, UTC seconds
 * @out_end: (out): the next day's local midnight (23 or 25 hours later across a DST change)
 *
 * Returns: %FALSE if @time is outside what #GDateTime represents
 */
gboolean
wb_health_day_bounds(GTimeZone *tz, gint64 time, gint64 *out_start, gint64 *out_end)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(time);
	g_autoptr(GDateTime) local = NULL;
	g_autoptr(GDateTime) start = NULL;
	g_autoptr(GDateTime) end = NULL;
	gint y, m, d;

	if (utc == NULL || (local = g_date_time_to_timezone(utc, tz)) == NULL)
		return FALSE;
	g_date_time_get_ymd(local, &y, &m, &d);
	start = g_date_time_new(tz, y, m, d, 0, 0, 0);
	end = start != NULL ? g_date_time_add_days(start, 1) : NULL;
	if (start == NULL || end == NULL)
		return FALSE;
	*out_start = g_date_time_to_unix(start);
	*out_end = g_date_time_to_unix(end);
	return TRUE;
}

/* ---- Properties ---- */

static void
refresh_steps_today(WbHealthService *self)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_local();
	g_autoptr(GError) error = NULL;
	guint64 steps = 0;

	if (!wb_health_day_bounds(tz, now_s(), &self->today_start, &self->today_end))
		return;
	if (!wb_store_health_sum_steps(self->store, self->watch_id, self->today_start,
				       self->today_end, &steps, &error)) {
		wb_watch_warning(log_name(self), "counting today's steps: %s", error->message);
		return;
	}
	if (steps > G_MAXUINT)
		steps = G_MAXUINT;
	if (self->steps_today == (guint)steps)
		return;
	self->steps_today = (guint)steps;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STEPS_TODAY]);
}

static void
set_last_heart_rate(WbHealthService *self, gint64 time, guint8 bpm)
{
	if (time == self->last_hr_time && bpm == self->last_hr_bpm)
		return;
	self->last_hr_time = time;
	self->last_hr_bpm = bpm;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_HEART_RATE]);
}

static void
load_state(WbHealthService *self)
{
	g_autoptr(GError) error = NULL;
	gint64 last_sync = 0;
	gint64 hr_time = 0;
	guint8 hr_bpm = 0;

	if (!wb_store_health_get_last_sync(self->store, self->watch_id, &last_sync, &error) ||
	    !wb_store_health_get_last_heart_rate(self->store, self->watch_id, &hr_time, &hr_bpm,
						 &error)) {
		wb_watch_warning(log_name(self), "reading the health state: %s", error->message);
		return;
	}
	self->last_sync = (guint64)MAX(last_sync, 0);
	set_last_heart_rate(self, hr_time, hr_bpm);
	refresh_steps_today(self);
}

/* ---- Talking to the watch ---- */

static void
send_datalog(WbHealthService *self, WbDatalogCommand command, guint8 session_id)
{
	WbSession *session = wb_service_get_session(WB_SERVICE(self));
	WbDatalogMessage msg = {.command = command, .session_id = session_id};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	if (session == NULL)
		return;
	if (!wb_datalog_encode(&msg, out, &error) ||
	    !wb_session_send(session, WB_ENDPOINT_DATA_LOGGING, out->data, out->len, &error))
		/* the link is going down; the watch keeps what was not acknowledged */
		wb_watch_debug(log_name(self), "sending %s: %s",
			       wb_datalog_command_to_string(command), error->message);
}

static void
ack(WbHealthService *self, guint8 session_id)
{
	send_datalog(self, WB_DATALOG_CMD_ACK, session_id);
}

static void
nack(WbHealthService *self, guint8 session_id)
{
	send_datalog(self, WB_DATALOG_CMD_NACK, session_id);
}

static gboolean
send_health_sync_request(WbHealthService *self, GError **error)
{
	WbSession *session = wb_service_get_session(WB_SERVICE(self));
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbHealthSyncMessage msg = {.command = WB_HEALTH_SYNC_CMD_SYNC};
	gint64 since = self->last_sync > 0 ? now_s() - (gint64)self->last_sync : 0;

	msg.seconds_since_last_sync = (guint32)CLAMP(since, 0, G_MAXUINT32);
	return wb_health_sync_encode(&msg, out, error) &&
	       wb_session_send(session, WB_ENDPOINT_HEALTH_SYNC, out->data, out->len, error);
}

/* ---- The sync state ---- */

static void
sync_finish(WbHealthService *self, GError *error_owned)
{
	g_autoptr(GError) error = error_owned;
	g_autoptr(GTask) task = g_steal_pointer(&self->sync_task);
	g_autoptr(GError) local = NULL;
	guint records = self->sync_records;

	if (!self->syncing)
		return;
	g_clear_handle_id(&self->quiet_id, g_source_remove);
	g_clear_handle_id(&self->deadline_id, g_source_remove);
	self->syncing = FALSE;
	self->sync_requested = FALSE;
	self->sync_heard = FALSE;
	self->sync_records = 0;
	if (error == NULL) {
		gint64 now = now_s();

		if (!wb_store_health_set_last_sync(self->store, self->watch_id, now, &local))
			wb_watch_warning(log_name(self), "saving the sync time: %s, ignoring",
					 local->message);
		self->last_sync = (guint64)now;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_LAST_SYNC]);
		wb_watch_info(log_name(self), "health sync done: %u readings", records);
	} else {
		wb_watch_info(log_name(self), "health sync ended: %s", error->message);
	}
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SYNCING]);
	if (task == NULL)
		return;
	if (error != NULL)
		g_task_return_error(task, g_steal_pointer(&error));
	else
		g_task_return_int(task, records);
}

static gboolean
quiet_cb(gpointer user_data)
{
	WbHealthService *self = user_data;

	self->quiet_id = 0;
	sync_finish(self, NULL);
	return G_SOURCE_REMOVE;
}

static gboolean
deadline_cb(gpointer user_data)
{
	WbHealthService *self = user_data;

	self->deadline_id = 0;
	sync_finish(self, g_error_new(WB_ERROR, WB_ERROR_TIMEOUT,
				      "the watch sent no health data within %d s",
				      WB_HEALTH_SYNC_TIMEOUT_S));
	return G_SOURCE_REMOVE;
}

static void
sync_start(WbHealthService *self)
{
	if (self->syncing)
		return;
	self->syncing = TRUE;
	self->sync_requested = FALSE;
	self->sync_heard = FALSE;
	self->sync_records = 0;
	self->deadline_id = g_timeout_add_seconds(WB_HEALTH_SYNC_TIMEOUT_S, deadline_cb, self);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SYNCING]);
}

/* Asks the watch for everything it has; the sync must be running. */
static gboolean
sync_request(WbHealthService *self, GError **error)
{
	if (self->sync_requested)
		return TRUE;
	if (!send_health_sync_request(self, error))
		return FALSE;
	self->sync_requested = TRUE;
	/* a sync that was already quiet waits for the answer to this request again */
	g_clear_handle_id(&self->quiet_id, g_source_remove);
	if (self->deadline_id == 0)
		self->deadline_id =
			g_timeout_add_seconds(WB_HEALTH_SYNC_TIMEOUT_S, deadline_cb, self);
	return TRUE;
}

/* The watch said something about health: the sync is alive until it is quiet. */
static void
sync_heard(WbHealthService *self, gboolean may_start)
{
	if (!self->syncing) {
		if (!may_start)
			return;
		sync_start(self);
	}
	self->sync_heard = TRUE;
	g_clear_handle_id(&self->deadline_id, g_source_remove);
	g_clear_handle_id(&self->quiet_id, g_source_remove);
	self->quiet_id = g_timeout_add(WB_HEALTH_SYNC_QUIET_MS, quiet_cb, self);
}

/* ---- Data logging ---- */

static gboolean
in_range(gint64 time, gint64 now)
{
	return time >= HEALTH_MIN_TIME && time <= now + HEALTH_MAX_AHEAD_S;
}

static gboolean
offset_ok(gint64 offset_s)
{
	return offset_s >= -HEALTH_MAX_OFFSET_S && offset_s <= HEALTH_MAX_OFFSET_S;
}

/* The decoders check the wire format; times and durations are judged here. A record outside
 * these bounds comes from an unset clock or a corrupted store, and storing it would put
 * readings in 1970 or next year. */
static gboolean
check_items(const WbHealthItems *items, gint64 now, GError **error)
{
	for (guint i = 0; items->minute_records != NULL && i < items->minute_records->len; i++) {
		const WbHealthMinuteRecord *r =
			&g_array_index(items->minute_records, WbHealthMinuteRecord, i);
		gint64 last = wb_health_minute_record_sample_time(r, MAX(r->num_samples, 1) - 1);

		if (!in_range(r->time_utc, now) || !in_range(last, now))
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "minute record at '%u' is out of range", r->time_utc);
		if (!offset_ok((gint64)r->local_offset_15min * 15 * 60))
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "minute record: UTC offset '%d' × 15 min",
					     r->local_offset_15min);
	}
	for (guint i = 0; items->activity_sessions != NULL && i < items->activity_sessions->len;
	     i++) {
		const WbHealthActivitySession *s =
			&g_array_index(items->activity_sessions, WbHealthActivitySession, i);

		if (!in_range(s->start_utc, now) || s->elapsed_sec > WB_HEALTH_MAX_SESSION_S ||
		    !in_range((gint64)s->start_utc + s->elapsed_sec, now) ||
		    !offset_ok(s->utc_to_local))
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "%s session at '%u' for %u s is out of range",
					     wb_health_activity_type_to_string(s->type),
					     s->start_utc, s->elapsed_sec);
	}
	for (guint i = 0; items->legacy_sleep != NULL && i < items->legacy_sleep->len; i++) {
		const WbHealthLegacySleep *s =
			&g_array_index(items->legacy_sleep, WbHealthLegacySleep, i);

		if (!in_range(s->start_utc, now) || !in_range(s->end_utc, now) ||
		    s->end_utc < s->start_utc ||
		    s->end_utc - s->start_utc > WB_HEALTH_MAX_SESSION_S ||
		    s->restful_secs > s->end_utc - s->start_utc || !offset_ok(s->utc_to_local))
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "sleep record '%u'..'%u' is out of range",
					     s->start_utc, s->end_utc);
	}
	for (guint i = 0; items->hr_samples != NULL && i < items->hr_samples->len; i++) {
		const WbHealthHrSample *s = &g_array_index(items->hr_samples, WbHealthHrSample, i);

		if (!in_range(s->time_utc, now) || !offset_ok(s->utc_to_local))
			return wb_proto_fail(error, WB_PROTO_ERROR_BAD_VALUE,
					     "heart-rate sample at '%u' is out of range",
					     s->time_utc);
	}
	return TRUE;
}

static gboolean
is_health_tag(guint32 tag)
{
	return tag == WB_HEALTH_TAG_MINUTE_DATA || tag == WB_HEALTH_TAG_LEGACY_SLEEP ||
	       tag == WB_HEALTH_TAG_ACTIVITY_SESSION || tag == WB_HEALTH_TAG_PROTOBUF_LOG;
}

static gboolean
ensure_writer(WbHealthService *self, GError **error)
{
	if (self->writer == NULL)
		self->writer = wb_store_health_writer_new(self->store, self->watch_id, error);
	return self->writer != NULL;
}

/* Logs a refused batch: the first per session at message level, the rest at debug. */
static void
log_refused(WbHealthService *self, DlsSession *s, guint8 id, const GError *error)
{
	if (s == NULL || s->warned) {
		wb_watch_debug(log_name(self), "data logging session %u: %s; NACK", id,
			       error->message);
		return;
	}
	s->warned = TRUE;
	wb_watch_message(log_name(self),
			 "data logging session %u: %s; refused (the watch keeps the data)", id,
			 error->message);
}

static void
after_commit(WbHealthService *self, const WbHealthItems *items, const WbHealthCommitStats *stats)
{
	gint64 hr_time = self->last_hr_time;
	guint8 hr_bpm = self->last_hr_bpm;

	if (self->syncing) {
		self->sync_records += stats->readings;
		g_signal_emit(self, signals[SIGNAL_SYNC_PROGRESS], 0, self->sync_records);
	}
	for (guint k = 0; k < WB_HEALTH_N_KINDS; k++) {
		if (stats->added[k] == 0)
			continue;
		g_signal_emit(self, signals[SIGNAL_READINGS_ADDED], 0,
			      wb_health_kind_to_string((WbHealthKind)k), (guint64)stats->from[k],
			      (guint64)stats->to[k], stats->added[k]);
	}

	/* StepsToday: only a batch that reaches into today can change it */
	if (items->minute_records != NULL &&
	    (stats->added[WB_HEALTH_KIND_STEPS] > 0 || stats->changed > 0)) {
		gboolean today = now_s() >= self->today_end;

		for (guint i = 0; !today && i < items->minute_records->len; i++) {
			const WbHealthMinuteRecord *r =
				&g_array_index(items->minute_records, WbHealthMinuteRecord, i);
			today = wb_health_minute_record_sample_time(
					r, MAX(r->num_samples, 1) - 1) >= self->today_start;
		}
		if (today)
			refresh_steps_today(self);
	}

	/* LastHeartRate: the latest of what came, if it is later than what we have */
	for (guint i = 0; items->minute_records != NULL && i < items->minute_records->len; i++) {
		const WbHealthMinuteRecord *r =
			&g_array_index(items->minute_records, WbHealthMinuteRecord, i);
		for (guint j = 0; j < r->num_samples; j++) {
			gint64 t = wb_health_minute_record_sample_time(r, j);
			if (r->samples[j].heart_rate_bpm > 0 && t >= hr_time) {
				hr_time = t;
				hr_bpm = r->samples[j].heart_rate_bpm;
			}
		}
	}
	for (guint i = 0; items->hr_samples != NULL && i < items->hr_samples->len; i++) {
		const WbHealthHrSample *s = &g_array_index(items->hr_samples, WbHealthHrSample, i);
		if (s->bpm > 0 && (gint64)s->time_utc >= hr_time) {
			hr_time = s->time_utc;
			hr_bpm = s->bpm;
		}
	}
	set_last_heart_rate(self, hr_time, hr_bpm);
}

static void
handle_health_data(WbHealthService *self, DlsSession *s, guint8 id, const WbHealthRaw *raw)
{
	g_auto(WbHealthItems) items = {0};
	g_autoptr(GError) error = NULL;
	WbHealthCommitStats stats = {0};

	if (!wb_health_parse_items(raw->tag, raw->item_size, raw->data, raw->len, &items, &error) ||
	    !check_items(&items, raw->received, &error)) {
		log_refused(self, s, id, error);
		nack(self, id);
		return;
	}
	if (!ensure_writer(self, &error) ||
	    !wb_store_health_writer_commit(self->writer, raw, &items, &stats, &error)) {
		/* not stored, so not acknowledged: the watch sends it again later */
		wb_watch_warning(log_name(self), "storing health data: %s; NACK", error->message);
		nack(self, id);
		return;
	}
	ack(self, id);
	wb_watch_debug(log_name(self),
		       "session %u (tag %u): %u readings, %u new, %u changed%s; ACK", id, raw->tag,
		       stats.readings,
		       stats.added[0] + stats.added[1] + stats.added[2] + stats.added[3],
		       stats.changed, stats.replay ? " (sent before)" : "");
	after_commit(self, &items, &stats);
}

static void
handle_app_data(WbHealthService *self, guint8 id, const WbHealthRaw *raw)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *app = wb_uuid_to_string(&raw->app_uuid);
	g_autoptr(GBytes) bytes = NULL;

	if (!ensure_writer(self, &error) ||
	    !wb_store_health_writer_save_app_data(self->writer, raw, &error)) {
		wb_watch_warning(log_name(self), "storing data of app %s: %s; NACK", app,
				 error->message);
		nack(self, id);
		return;
	}
	ack(self, id);
	wb_watch_debug(log_name(self), "session %u: %" G_GSIZE_FORMAT " bytes of app %s tag %u", id,
		       raw->len, app, raw->tag);
	bytes = g_bytes_new(raw->data, raw->len);
	g_signal_emit(self, signals[SIGNAL_DATA_LOGGED], 0, app, raw->tag, bytes);
}

static void
handle_send_data(WbHealthService *self, const WbDatalogMessage *msg)
{
	DlsSession *s = g_hash_table_lookup(self->sessions, GUINT_TO_POINTER(msg->session_id));
	g_autoptr(GError) error = NULL;
	WbHealthRaw raw = {0};
	gsize len = 0;

	if (s == NULL) {
		/* we were not there when it opened (a restart): the NACK makes the watch open it
		 * again and resend (§6.4) */
		wb_watch_debug(log_name(self), "data for unknown session %u; NACK so it re-opens",
			       msg->session_id);
		nack(self, msg->session_id);
		return;
	}
	raw.data = g_bytes_get_data(msg->send.data, &len);
	raw.len = len;
	raw.app_uuid = s->open.app_uuid;
	raw.tag = s->open.tag;
	raw.item_type = (guint8)s->open.item_type;
	raw.item_size = s->open.item_size;
	raw.session_time = s->open.timestamp;
	raw.received = now_s();
	if (!wb_datalog_check_items(len, s->open.item_size, &error) ||
	    !wb_datalog_send_data_check_crc(&msg->send, &error)) {
		log_refused(self, s, msg->session_id, error);
		nack(self, msg->session_id);
		return;
	}
	if (!wb_uuid_is_zero(&s->open.app_uuid)) {
		handle_app_data(self, msg->session_id, &raw);
		return;
	}
	if (!is_health_tag(s->open.tag)) {
		/* analytics and debugging data of the firmware itself: nobody here wants it,
		 * and unacknowledged it would be sent again forever */
		wb_watch_debug(log_name(self),
			       "session %u: system tag %u, %" G_GSIZE_FORMAT " bytes; ACK and drop",
			       msg->session_id, s->open.tag, len);
		ack(self, msg->session_id);
		return;
	}
	handle_health_data(self, s, msg->session_id, &raw);
}

static gboolean
same_session(const WbDatalogOpenSession *a, const WbDatalogOpenSession *b)
{
	return wb_uuid_equal(&a->app_uuid, &b->app_uuid) && a->timestamp == b->timestamp &&
	       a->tag == b->tag && a->item_type == b->item_type && a->item_size == b->item_size;
}

static void
process_datalog(WbHealthService *self, const guint8 *payload, gsize len)
{
	g_auto(WbDatalogMessage) msg = {0};
	g_autoptr(GError) error = NULL;
	DlsSession *s;

	if (!wb_datalog_decode(payload, len, &msg, &error)) {
		if (len >= 2 && payload[0] == WB_DATALOG_CMD_SEND_DATA) {
			/* a SendData we cannot read: refuse it, the watch keeps the data */
			sync_heard(self, TRUE);
			log_refused(self,
				    g_hash_table_lookup(self->sessions,
							GUINT_TO_POINTER((guint)payload[1])),
				    payload[1], error);
			nack(self, payload[1]);
			return;
		}
		/* an OpenSession we cannot read stays unanswered: the watch times out and
		 * tries again, and its data waits on the watch */
		wb_watch_message(log_name(self), "data logging: %s, ignoring", error->message);
		return;
	}
	switch (msg.command) {
	case WB_DATALOG_CMD_OPEN_SESSION:
		sync_heard(self, TRUE);
		s = g_hash_table_lookup(self->sessions, GUINT_TO_POINTER((guint)msg.session_id));
		/* the watch re-opens a session after each NACK: the same session, still warned
		 * about */
		if (s == NULL || !same_session(&s->open, &msg.open)) {
			s = g_new0(DlsSession, 1);
			g_hash_table_replace(self->sessions,
					     GUINT_TO_POINTER((guint)msg.session_id), s);
		}
		s->open = msg.open;
		wb_watch_debug(log_name(self), "session %u open: tag %u, item size %u",
			       msg.session_id, msg.open.tag, msg.open.item_size);
		ack(self, msg.session_id);
		return;
	case WB_DATALOG_CMD_SEND_DATA:
		sync_heard(self, TRUE);
		handle_send_data(self, &msg);
		return;
	case WB_DATALOG_CMD_CLOSE_SESSION:
		sync_heard(self, FALSE);
		g_hash_table_remove(self->sessions, GUINT_TO_POINTER((guint)msg.session_id));
		wb_watch_debug(log_name(self), "session %u closed", msg.session_id);
		/* the firmware ignores it; phones send it anyway (§6.4) */
		ack(self, msg.session_id);
		return;
	case WB_DATALOG_CMD_TIMEOUT:
		/* the session stays open on the watch, idle with its data kept (§6.4); keep
		 * knowing it, or its next SendData would be NACKed as unknown */
		sync_heard(self, FALSE);
		wb_watch_debug(log_name(self), "session %u timed out", msg.session_id);
		return;
	case WB_DATALOG_CMD_SEND_ENABLE_RESPONSE:
		wb_watch_debug(log_name(self), "data logging sending %s",
			       msg.enabled ? "enabled" : "disabled");
		return;
	case WB_DATALOG_CMD_REPORT_OPEN_SESSIONS:
	case WB_DATALOG_CMD_ACK:
	case WB_DATALOG_CMD_NACK:
	case WB_DATALOG_CMD_EMPTY_SESSION:
	case WB_DATALOG_CMD_GET_SEND_ENABLE:
	case WB_DATALOG_CMD_SET_SEND_ENABLE:
		break;
	}
	wb_watch_debug(log_name(self), "data logging: the watch sent '%s', ignoring",
		       wb_datalog_command_to_string(msg.command));
}

static void
handle_datalog(WbSession *session, const guint8 *payload, gsize len, gpointer user_data)
{
	WbHealthService *self = user_data;

	if (self->reprocessing) {
		/* answered when the readings are rebuilt; the watch waits up to 30 s (§6.4) */
		g_queue_push_tail(&self->deferred, g_bytes_new(payload, len));
		return;
	}
	process_datalog(self, payload, len);
}

static void
handle_health_sync(WbSession *session, const guint8 *payload, gsize len, gpointer user_data)
{
	WbHealthService *self = user_data;
	g_autoptr(GError) error = NULL;
	WbHealthSyncMessage msg;

	if (!wb_health_sync_decode(payload, len, &msg, &error)) {
		wb_watch_debug(log_name(self), "health sync: %s, ignoring", error->message);
		return;
	}
	if (msg.command != WB_HEALTH_SYNC_CMD_ACK) {
		wb_watch_debug(log_name(self),
			       "health sync: command 0x%02x from the watch, "
			       "ignoring",
			       msg.command);
		return;
	}
	if (msg.ack) {
		sync_heard(self, FALSE);
		return;
	}
	wb_watch_info(log_name(self), "the watch has no health tracking (HealthSync NACK)");
	sync_finish(self, g_error_new_literal(WB_ERROR, WB_ERROR_NOT_SUPPORTED,
					      "the watch has no health tracking"));
}

/* ---- WbService ---- */

static gboolean
has_health(WbSession *session)
{
	const WbWatchVersion *v = wb_session_get_watch_version(session);
	gint major = v != NULL ? wb_firmware_version_major(&v->running) : -1;

	/* health arrived with firmware 3.x; an unknown tag gets the benefit of the doubt */
	return major < 0 || major >= 3;
}

static void
wb_health_service_attach(WbService *service, WbSession *session)
{
	WbHealthService *self = WB_HEALTH_SERVICE(service);
	WbDatalogMessage report = {.command = WB_DATALOG_CMD_REPORT_OPEN_SESSIONS};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	self->datalog_handler = wb_session_add_handler(session, WB_ENDPOINT_DATA_LOGGING,
						       handle_datalog, self, NULL);
	self->sync_handler = wb_session_add_handler(session, WB_ENDPOINT_HEALTH_SYNC,
						    handle_health_sync, self, NULL);
	refresh_steps_today(self);

	/* "I know of no open sessions": the watch opens each of its sessions again and sends
	 * what they hold (§6.4) */
	if (!wb_datalog_encode(&report, out, &error) ||
	    !wb_session_send(session, WB_ENDPOINT_DATA_LOGGING, out->data, out->len, &error)) {
		wb_watch_warning(log_name(self), "asking for the data logging sessions: %s",
				 error->message);
		return;
	}
	if (!has_health(session))
		return;
	sync_start(self);
	if (!sync_request(self, &error))
		sync_finish(self, g_steal_pointer(&error));
}

static void
wb_health_service_detach(WbService *service)
{
	WbHealthService *self = WB_HEALTH_SERVICE(service);
	WbSession *session = wb_service_get_session(service);

	if (session != NULL) {
		if (self->datalog_handler != 0)
			wb_session_remove_handler(session, self->datalog_handler);
		if (self->sync_handler != 0)
			wb_session_remove_handler(session, self->sync_handler);
	}
	self->datalog_handler = 0;
	self->sync_handler = 0;
	g_hash_table_remove_all(self->sessions);
	/* unanswered: the watch still has them */
	g_queue_clear_full(&self->deferred, (GDestroyNotify)g_bytes_unref);
	sync_finish(self, g_error_new_literal(WB_ERROR, WB_ERROR_NOT_CONNECTED,
					      "the watch disconnected during the sync"));
}

/* ---- Public API ---- */

/**
 * wb_health_service_new:
 * @store: the store; must outlive the service
 * @config: the daemon's configuration
 * @watch_id: the watch's id
 *
 * Returns: (transfer full): the health service of one watch
 */
WbHealthService *
wb_health_service_new(WbStore *store, const WbConfig *config, const gchar *watch_id)
{
	WbHealthService *self = g_object_new(WB_TYPE_HEALTH_SERVICE, NULL);

	self->store = store;
	self->watch_id = g_strdup(watch_id);
	load_state(self);
	return self;
}

WbStore *
wb_health_service_get_store(WbHealthService *self)
{
	return self->store;
}

const gchar *
wb_health_service_get_watch_id(WbHealthService *self)
{
	return self->watch_id;
}

gboolean
wb_health_service_get_syncing(WbHealthService *self)
{
	return self->syncing;
}

guint64
wb_health_service_get_last_sync(WbHealthService *self)
{
	return self->last_sync;
}

guint
wb_health_service_get_steps_today(WbHealthService *self)
{
	return self->steps_today;
}

/**
 * wb_health_service_sync_async:
 * @self: the service
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the sync is over
 * @user_data: for @callback
 *
 * Asks the watch for all its health data and completes when it has gone quiet (everything
 * is committed by then). A sync the daemon started by itself is joined, and a HealthSync
 * request is sent if that sync did not send one. Fails with %WB_ERROR_NOT_CONNECTED,
 * %WB_ERROR_BUSY (another client's sync, or a reprocess, is running), %WB_ERROR_TIMEOUT or
 * %WB_ERROR_NOT_SUPPORTED.
 */
void
wb_health_service_sync_async(WbHealthService *self, GCancellable *cancellable,
			     GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	WbSession *session = wb_service_get_session(WB_SERVICE(self));
	g_autoptr(GError) error = NULL;

	g_task_set_source_tag(task, wb_health_service_sync_async);
	if (session == NULL || wb_session_get_state(session) != WB_SESSION_STATE_OPEN) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_NOT_CONNECTED,
					"the watch is not connected");
		return;
	}
	if (!has_health(session)) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_NOT_SUPPORTED,
					"firmware '%s' has no health tracking",
					wb_session_get_watch_version(session)->running.version_tag);
		return;
	}
	if (self->sync_task != NULL || self->reprocessing) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_BUSY,
					self->reprocessing ? "reprocessing the stored data"
							   : "a sync is running");
		return;
	}
	sync_start(self);
	/* a client's Sync() always asks the watch again, also when it joins the daemon's own
	 * sync: data logged since that sync's request would otherwise wait */
	self->sync_requested = FALSE;
	if (!sync_request(self, &error)) {
		sync_finish(self, g_error_copy(error));
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	self->sync_task = g_steal_pointer(&task);
}

/**
 * wb_health_service_sync_finish:
 * @self: the service
 * @result: the result
 * @out_records: (out) (optional): readings committed during the sync
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the sync completed
 */
gboolean
wb_health_service_sync_finish(WbHealthService *self, GAsyncResult *result, guint *out_records,
			      GError **error)
{
	gssize n = g_task_propagate_int(G_TASK(result), error);

	if (n < 0)
		return FALSE;
	if (out_records != NULL)
		*out_records = (guint)n;
	return TRUE;
}

typedef struct {
	WbStore *store; /* the service's; only its path is used in the thread */
	gchar *watch_id;
	guint readings;
	guint skipped;
} ReprocessData;

static void
reprocess_data_free(ReprocessData *data)
{
	g_free(data->watch_id);
	g_free(data);
}

static void
reprocess_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
	ReprocessData *data = task_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(WbStore) conn = wb_store_health_open_another(data->store, &error);

	if (conn == NULL || !wb_store_health_reprocess(conn, data->watch_id, &data->readings,
						       &data->skipped, &error)) {
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	g_task_return_boolean(task, TRUE);
}

static void
reprocess_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	WbHealthService *self = WB_HEALTH_SERVICE(source);
	g_autoptr(GTask) outer = user_data;
	ReprocessData *data = g_task_get_task_data(G_TASK(result));
	g_autoptr(GError) error = NULL;
	gint64 hr_time = 0;
	guint8 hr_bpm = 0;

	self->reprocessing = FALSE;
	if (!g_task_propagate_boolean(G_TASK(result), &error)) {
		wb_watch_warning(log_name(self), "reprocessing: %s", error->message);
	} else {
		wb_watch_info(log_name(self), "reprocessed: %u readings%s", data->readings,
			      data->skipped > 0 ? ", some payloads unreadable" : "");
		refresh_steps_today(self);
		if (wb_store_health_get_last_heart_rate(self->store, self->watch_id, &hr_time,
							&hr_bpm, NULL))
			set_last_heart_rate(self, hr_time, hr_bpm);
	}
	/* what the watch sent meanwhile */
	while (!self->reprocessing && !g_queue_is_empty(&self->deferred)) {
		g_autoptr(GBytes) frame = g_queue_pop_head(&self->deferred);
		gsize len = 0;
		const guint8 *p = g_bytes_get_data(frame, &len);

		process_datalog(self, p, len);
	}
	if (error != NULL)
		g_task_return_error(outer, g_steal_pointer(&error));
	else
		g_task_return_int(outer, data->readings);
}

/**
 * wb_health_service_reprocess_async:
 * @self: the service
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Derives every reading again from the stored raw payloads, in a thread on a connection of
 * its own. Data logging frames that arrive meanwhile are answered afterwards. Fails with
 * %WB_ERROR_BUSY while a sync or another reprocess runs.
 */
void
wb_health_service_reprocess_async(WbHealthService *self, GCancellable *cancellable,
				  GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) outer = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GTask) inner = NULL;
	ReprocessData *data;

	g_task_set_source_tag(outer, wb_health_service_reprocess_async);
	if (self->syncing || self->reprocessing) {
		g_task_return_new_error(outer, WB_ERROR, WB_ERROR_BUSY, "%s",
					self->syncing ? "a sync is running"
						      : "already reprocessing");
		return;
	}
	/* the writer's cached statements must not hold the database while the other
	 * connection rewrites it */
	g_clear_pointer(&self->writer, wb_store_health_writer_free);
	self->reprocessing = TRUE;
	data = g_new0(ReprocessData, 1);
	data->store = self->store;
	data->watch_id = g_strdup(self->watch_id);
	inner = g_task_new(self, NULL, reprocess_done_cb, g_steal_pointer(&outer));
	g_task_set_source_tag(inner, reprocess_thread);
	g_task_set_task_data(inner, data, (GDestroyNotify)reprocess_data_free);
	g_task_run_in_thread(inner, reprocess_thread);
}

/**
 * wb_health_service_reprocess_finish:
 * @self: the service
 * @result: the result
 * @out_readings: (out) (optional): how many readings the raw payloads yielded
 * @error: return location for a #GError
 *
 * Returns: %TRUE once the rebuilt readings are committed
 */
gboolean
wb_health_service_reprocess_finish(WbHealthService *self, GAsyncResult *result, guint *out_readings,
				   GError **error)
{
	gssize n = g_task_propagate_int(G_TASK(result), error);

	if (n < 0)
		return FALSE;
	if (out_readings != NULL)
		*out_readings = (guint)n;
	return TRUE;
}

/* ---- GObject ---- */

static void
wb_health_service_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	WbHealthService *self = WB_HEALTH_SERVICE(object);

	switch (prop_id) {
	case PROP_SYNCING:
		g_value_set_boolean(value, self->syncing);
		break;
	case PROP_LAST_SYNC:
		g_value_set_uint64(value, self->last_sync);
		break;
	case PROP_STEPS_TODAY:
		g_value_set_uint(value, self->steps_today);
		break;
	case PROP_LAST_HEART_RATE:
		g_value_set_variant(value,
				    g_variant_new("(ty)", (guint64)MAX(self->last_hr_time, 0),
						  self->last_hr_bpm));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
wb_health_service_dispose(GObject *object)
{
	WbHealthService *self = WB_HEALTH_SERVICE(object);

	g_clear_handle_id(&self->quiet_id, g_source_remove);
	g_clear_handle_id(&self->deadline_id, g_source_remove);
	if (self->sync_task != NULL) {
		g_autoptr(GTask) task = g_steal_pointer(&self->sync_task);
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_NOT_CONNECTED,
					"the watch is gone");
	}
	g_queue_clear_full(&self->deferred, (GDestroyNotify)g_bytes_unref);
	g_clear_pointer(&self->writer, wb_store_health_writer_free);
	G_OBJECT_CLASS(wb_health_service_parent_class)->dispose(object);
}

static void
wb_health_service_finalize(GObject *object)
{
	WbHealthService *self = WB_HEALTH_SERVICE(object);

	g_hash_table_unref(self->sessions);
	g_free(self->watch_id);
	G_OBJECT_CLASS(wb_health_service_parent_class)->finalize(object);
}

static void
wb_health_service_class_init(WbHealthServiceClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = wb_health_service_get_property;
	object_class->dispose = wb_health_service_dispose;
	object_class->finalize = wb_health_service_finalize;
	WB_SERVICE_CLASS(klass)->attach = wb_health_service_attach;
	WB_SERVICE_CLASS(klass)->detach = wb_health_service_detach;

	props[PROP_SYNCING] = g_param_spec_boolean("syncing", NULL, NULL, FALSE,
						   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
							   G_PARAM_EXPLICIT_NOTIFY);
	props[PROP_LAST_SYNC] = g_param_spec_uint64("last-sync", NULL, NULL, 0, G_MAXUINT64, 0,
						    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
							    G_PARAM_EXPLICIT_NOTIFY);
	props[PROP_STEPS_TODAY] = g_param_spec_uint("steps-today", NULL, NULL, 0, G_MAXUINT, 0,
						    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
							    G_PARAM_EXPLICIT_NOTIFY);
	props[PROP_LAST_HEART_RATE] = g_param_spec_variant(
		"last-heart-rate", NULL, NULL, G_VARIANT_TYPE("(ty)"),
		g_variant_new("(ty)", (guint64)0, (guint8)0),
		G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
	g_object_class_install_properties(object_class, N_PROPS, props);

	/**
	 * WbHealthService::sync-progress:
	 * @records: readings committed so far in this sync
	 */
	signals[SIGNAL_SYNC_PROGRESS] =
		g_signal_new("sync-progress", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
	/**
	 * WbHealthService::readings-added:
	 * @kind: a #WbHealthKind name
	 * @from: the earliest new reading, UTC seconds
	 * @to: the latest
	 * @count: how many were new
	 */
	signals[SIGNAL_READINGS_ADDED] = g_signal_new(
		"readings-added", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
		G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64, G_TYPE_UINT);
	/**
	 * WbHealthService::data-logged:
	 * @app: the app's UUID
	 * @tag: its data logging tag
	 * @data: the items
	 */
	signals[SIGNAL_DATA_LOGGED] =
		g_signal_new("data-logged", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_BYTES);
}

static void
wb_health_service_init(WbHealthService *self)
{
	self->sessions = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	g_queue_init(&self->deferred);
}
