/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Desktop notifications on the wrist, and the wrist's answers back. Every notification seen
 * gets a recorded decision. What is forwarded is stored first (queued), sent as a BlobDB
 * insert, and marked delivered when the watch answers Success: so a notification waits in
 * the outbox while the watch is away, survives a restart, and is delivered once (a re-sent
 * insert after a crash carries the same item id, which the watch does not show twice).
 */
#include <string.h>

#define WB_LOG_MODULE "notifications"
#include "wb-blobdb.h"
#include "wb-error.h"
#include "wb-frame.h"
#include "wb-legacy-notification.h"
#include "wb-log.h"
#include "wb-notification-map.h"
#include "wb-notification-service.h"
#include "wb-store-notifications.h"

/* how many delivered notifications are remembered to map closes and actions */
#define DELIVERED_KEEP 500

/* in-flight BlobDB requests are keyed by the item id in hex */
static gchar *
uuid_key(const guint8 *uuid)
{
	return g_strdup_printf("%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x",
			       uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6],
			       uuid[7], uuid[8], uuid[9], uuid[10], uuid[11], uuid[12], uuid[13],
			       uuid[14], uuid[15]);
}

struct _WbNotificationService {
	WbService parent_instance;
	WbStore *store;
	WbConfig config;
	gchar *watch_id;
	WbNotificationMonitor *monitor;
	WbIdleMonitor *idle;
	GHashTable *inflight; /* uuid_key() -> NULL: a BlobDB request for that item is pending */
	guint16 next_token;
	gboolean legacy;
	guint api_counter;
};

G_DEFINE_FINAL_TYPE(WbNotificationService, wb_notification_service, WB_TYPE_SERVICE)

enum { SIGNAL_API_ACTION, SIGNAL_OUTBOX_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void flush(WbNotificationService *self);

/* ---------------------------------------------------------------- serialization */

/**
 * wb_desktop_notification_serialize:
 * @n: a notification
 *
 * Returns: (transfer floating): what the store keeps to act on @n later (a{sv})
 */
GVariant *
wb_desktop_notification_serialize(const WbDesktopNotification *n)
{
	GVariantBuilder b, ids, labels, targets, replies;

	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_init(&ids, G_VARIANT_TYPE_STRING_ARRAY);
	g_variant_builder_init(&labels, G_VARIANT_TYPE_STRING_ARRAY);
	g_variant_builder_init(&targets, G_VARIANT_TYPE("av"));
	g_variant_builder_init(&replies, G_VARIANT_TYPE_STRING_ARRAY);
	for (guint i = 0; n->actions != NULL && i < n->actions->len; i++) {
		const WbDesktopAction *a = g_ptr_array_index(n->actions, i);
		g_variant_builder_add(&ids, "s", a->id != NULL ? a->id : "");
		g_variant_builder_add(&labels, "s", a->label != NULL ? a->label : "");
		g_variant_builder_add(&targets, "v",
				      a->target != NULL ? a->target : g_variant_new("()"));
	}
	for (guint i = 0; n->canned_replies != NULL && i < n->canned_replies->len; i++)
		g_variant_builder_add(&replies, "s", g_ptr_array_index(n->canned_replies, i));
#define S(x) g_variant_new_string((x) != NULL ? (x) : "")
	g_variant_builder_add(&b, "{sv}", "source", g_variant_new_uint32(n->source));
	g_variant_builder_add(&b, "{sv}", "key", S(n->key));
	g_variant_builder_add(&b, "{sv}", "server_id", g_variant_new_uint32(n->server_id));
	g_variant_builder_add(&b, "{sv}", "app_id", S(n->app_id));
	g_variant_builder_add(&b, "{sv}", "app_name", S(n->app_name));
	g_variant_builder_add(&b, "{sv}", "summary", S(n->summary));
	g_variant_builder_add(&b, "{sv}", "sender", S(n->sender));
	g_variant_builder_add(&b, "{sv}", "default_action", S(n->default_action));
	g_variant_builder_add(&b, "{sv}", "timestamp", g_variant_new_int64(n->timestamp_us));
	g_variant_builder_add(&b, "{sv}", "action_ids", g_variant_builder_end(&ids));
	g_variant_builder_add(&b, "{sv}", "action_labels", g_variant_builder_end(&labels));
	g_variant_builder_add(&b, "{sv}", "action_targets", g_variant_builder_end(&targets));
	g_variant_builder_add(&b, "{sv}", "replies", g_variant_builder_end(&replies));
#undef S
	return g_variant_builder_end(&b);
}

/* Replaces *field with the dictionary's string, if it has one of that type. */
static void
lookup_string(GVariantDict *d, const gchar *key, gchar **field)
{
	gchar *value = NULL;
	if (!g_variant_dict_lookup(d, key, "s", &value))
		return;
	g_free(*field);
	*field = value;
}

/**
 * wb_desktop_notification_deserialize:
 * @v: what wb_desktop_notification_serialize() made (untrusted: read from a file)
 *
 * Returns: (transfer full): the notification (only what acting on it needs)
 */
WbDesktopNotification *
wb_desktop_notification_deserialize(GVariant *v)
{
	g_autoptr(GVariantDict) d = g_variant_dict_new(v);
	g_autoptr(GVariant) ids = NULL, labels = NULL, targets = NULL, replies = NULL;
	guint32 source = 0;
	WbDesktopNotification *n;

	g_variant_dict_lookup(d, "source", "u", &source);
	n = wb_desktop_notification_new(source <= WB_DESKTOP_SOURCE_API ? (WbDesktopSource)source
									: WB_DESKTOP_SOURCE_FDO);
	lookup_string(d, "key", &n->key);
	g_variant_dict_lookup(d, "server_id", "u", &n->server_id);
	lookup_string(d, "app_id", &n->app_id);
	lookup_string(d, "app_name", &n->app_name);
	lookup_string(d, "summary", &n->summary);
	lookup_string(d, "sender", &n->sender);
	lookup_string(d, "default_action", &n->default_action);
	g_variant_dict_lookup(d, "timestamp", "x", &n->timestamp_us);
	ids = g_variant_dict_lookup_value(d, "action_ids", G_VARIANT_TYPE_STRING_ARRAY);
	labels = g_variant_dict_lookup_value(d, "action_labels", G_VARIANT_TYPE_STRING_ARRAY);
	targets = g_variant_dict_lookup_value(d, "action_targets", G_VARIANT_TYPE("av"));
	replies = g_variant_dict_lookup_value(d, "replies", G_VARIANT_TYPE_STRING_ARRAY);
	if (ids != NULL && labels != NULL && targets != NULL &&
	    g_variant_n_children(ids) == g_variant_n_children(labels) &&
	    g_variant_n_children(ids) == g_variant_n_children(targets)) {
		for (gsize i = 0; i < g_variant_n_children(ids); i++) {
			const gchar *id = NULL, *label = NULL;
			g_autoptr(GVariant) t = NULL;
			g_autoptr(GVariant) boxed = g_variant_get_child_value(targets, i);
			g_variant_get_child(ids, i, "&s", &id);
			g_variant_get_child(labels, i, "&s", &label);
			t = g_variant_get_variant(boxed);
			wb_desktop_notification_add_action(
				n, id, label,
				g_variant_is_of_type(t, G_VARIANT_TYPE_UNIT) ? NULL : t);
		}
	}
	if (replies != NULL && g_variant_n_children(replies) > 0) {
		n->canned_replies = g_ptr_array_new_with_free_func(g_free);
		for (gsize i = 0; i < g_variant_n_children(replies); i++) {
			const gchar *r = NULL;
			g_variant_get_child(replies, i, "&s", &r);
			g_ptr_array_add(n->canned_replies, g_strdup(r));
		}
	}
	return n;
}

/* The desktop notification a stored row was made from (its meta blob is untrusted: read
 * from a file; GVariant checks it as it reads). */
static WbDesktopNotification *
stored_desktop_notification(const WbStoredNotification *s)
{
	g_autoptr(GVariant) meta = g_variant_ref_sink(
		g_variant_new_from_bytes(G_VARIANT_TYPE_VARDICT, s->meta, FALSE));
	return wb_desktop_notification_deserialize(meta);
}

/* ---------------------------------------------------------------- decisions */

static void record(WbNotificationService *self, const WbDesktopNotification *n,
		   const gchar *decision, const gchar *detail_format, ...) G_GNUC_PRINTF(4, 5);

static void
record(WbNotificationService *self, const WbDesktopNotification *n, const gchar *decision,
       const gchar *detail_format, ...)
{
	g_autofree gchar *detail = NULL;
	g_autofree gchar *summary = NULL;
	g_autoptr(GError) error = NULL;
	WbHistoryEntry e = {0};
	va_list args;

	va_start(args, detail_format);
	detail = g_strdup_vprintf(detail_format, args);
	va_end(args);
	{
		g_autofree gchar *valid =
			g_utf8_make_valid(n->summary != NULL ? n->summary : "", -1);
		summary = wb_notification_truncate(valid, 128);
	}
	e.time = g_get_real_time() / G_USEC_PER_SEC;
	e.key = n->key;
	e.app = (gchar *)wb_notification_app_display_name(n);
	e.summary = summary;
	e.decision = (gchar *)decision;
	e.detail = detail;
	/* notification content stays out of the log above debug */
	wb_watch_debug(self->watch_id, "%s %s: %s", n->key, decision, detail);
	if (!wb_store_history_add(self->store, self->watch_id, &e, &error))
		wb_watch_warning(self->watch_id, "recording a decision: %s", error->message);
}

/* Returns NULL to forward, or the decision's word with *detail set. */
static const gchar *
decide(WbNotificationService *self, const WbDesktopNotification *n, gchar **detail)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	const gchar *app = wb_notification_app_display_name(n);
	static const gchar *urgency[] = {"low", "normal", "critical"};

	if (n->from_self) {
		*detail = g_strdup("posted by wearbridge itself");
		return "own-notification";
	}
	if (n->reemitted) {
		*detail = g_strdup("a re-emission of a notification already seen");
		return "duplicate";
	}
	if (!self->config.notifications_enabled) {
		*detail = g_strdup("mirroring is off ([Notifications] Enabled=false)");
		return "muted-app";
	}
	if (wb_config_app_is_muted(&self->config, n->app_id, app)) {
		*detail = g_strdup_printf("'%s' is in MutedApps", *app != '\0' ? app : n->app_id);
		return "muted-app";
	}
	if (n->urgency < self->config.minimum_urgency) {
		*detail = g_strdup_printf("urgency %s is below MinimumUrgency %s",
					  urgency[MIN(n->urgency, 2)],
					  urgency[MIN(self->config.minimum_urgency, 2)]);
		return "urgency";
	}
	if (n->urgency < 2 &&
	    wb_config_in_quiet_hours(&self->config, g_date_time_get_hour(now) * 60 +
							    g_date_time_get_minute(now))) {
		*detail = g_strdup("quiet hours; only critical notifications pass");
		return "quiet-hours";
	}
	if (self->config.only_when_idle && self->idle != NULL &&
	    !wb_idle_monitor_get_idle(self->idle)) {
		*detail = g_strdup("the session is in use (OnlyWhenIdle)");
		return "not-idle";
	}
	return NULL;
}

/* ---------------------------------------------------------------- sending */

static gboolean
match_blobdb_token(const guint8 *payload, gsize len, gpointer user_data)
{
	guint16 token = (guint16)GPOINTER_TO_UINT(user_data);
	return len >= 2 && (guint16)(payload[0] | (payload[1] << 8)) == token;
}

typedef struct {
	WbNotificationService *self;
	guint8 uuid[16];
	gboolean is_delete;
} SendData;

static void
send_data_free(SendData *d)
{
	g_object_unref(d->self);
	g_free(d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SendData, send_data_free)

static void send_blobdb(WbNotificationService *self, WbSession *session, const guint8 *uuid,
			GBytes *value);

static void
blobdb_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(SendData) d = user_data;
	WbNotificationService *self = d->self;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) reply = wb_session_request_finish(WB_SESSION(source), result, &error);
	g_autoptr(WbStoredNotification) stored = NULL;
	g_autofree gchar *ukey = uuid_key(d->uuid);
	WbBlobdbResponse resp;

	g_hash_table_remove(self->inflight, ukey);
	if (reply == NULL) {
		/* still queued: it goes again on the next connect */
		wb_watch_debug(self->watch_id, "notification not confirmed: %s", error->message);
		return;
	}
	if (!wb_blobdb_response_decode(g_bytes_get_data(reply, NULL), g_bytes_get_size(reply),
				       &resp, &error)) {
		wb_watch_message(self->watch_id, "bad BlobDB answer: %s", error->message);
		return;
	}
	if (d->is_delete) {
		if (!wb_store_notification_delete(self->store, self->watch_id, d->uuid, &error))
			wb_watch_warning(self->watch_id, "%s", error->message);
		return;
	}
	stored = wb_store_notification_find(self->store, self->watch_id, NULL, d->uuid, NULL);
	if (stored == NULL) {
		/* retracted (closed on the desktop) while the insert was on its way: take it
		 * off the watch again */
		WbSession *session = wb_service_get_session(WB_SERVICE(self));
		if (resp.status == WB_BLOBDB_STATUS_SUCCESS && session != NULL)
			send_blobdb(self, session, d->uuid, NULL);
		return;
	}
	if (resp.status == WB_BLOBDB_STATUS_SUCCESS) {
		if (!wb_store_notification_set_state(self->store, self->watch_id, d->uuid,
						     WB_NOTIFICATION_STATE_DELIVERED, &error) ||
		    !wb_store_notification_trim_delivered(self->store, self->watch_id,
							  DELIVERED_KEEP, &error))
			wb_watch_warning(self->watch_id, "%s", error->message);
		g_signal_emit(self, signals[SIGNAL_OUTBOX_CHANGED], 0);
		return;
	}
	if (resp.status == WB_BLOBDB_STATUS_TRY_LATER) {
		wb_watch_info(self->watch_id, "the watch asks to try later; keeping the outbox");
		return;
	}
	{
		g_autoptr(WbDesktopNotification) n = stored_desktop_notification(stored);
		record(self, n, "failed", "the watch refused it: %s",
		       wb_blobdb_status_to_string(resp.status));
	}
	(void)wb_store_notification_delete(self->store, self->watch_id, d->uuid, NULL);
	g_signal_emit(self, signals[SIGNAL_OUTBOX_CHANGED], 0);
}

static void
send_blobdb(WbNotificationService *self, WbSession *session, const guint8 *uuid, GBytes *value)
{
	g_auto(WbBlobdbCommand) cmd = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) payload = NULL;
	g_autofree gchar *ukey = uuid_key(uuid);
	SendData *d;

	if (g_hash_table_contains(self->inflight, ukey))
		return;
	/* token 0 is best avoided (§3.1) */
	if (++self->next_token == 0)
		self->next_token = 1;
	cmd.command = value != NULL ? WB_BLOBDB_COMMAND_INSERT : WB_BLOBDB_COMMAND_DELETE;
	cmd.token = self->next_token;
	cmd.database = WB_BLOBDB_DATABASE_NOTIFICATIONS;
	cmd.key = g_bytes_new(uuid, 16);
	cmd.value = value != NULL ? g_bytes_ref(value) : NULL;
	if (!wb_blobdb_command_encode(&cmd, out, &error)) {
		wb_watch_warning(self->watch_id, "encoding a notification: %s", error->message);
		return;
	}
	payload = g_byte_array_free_to_bytes(g_steal_pointer(&out));
	g_hash_table_add(self->inflight, g_steal_pointer(&ukey));
	d = g_new0(SendData, 1);
	d->self = g_object_ref(self);
	memcpy(d->uuid, uuid, 16);
	d->is_delete = value == NULL;
	wb_session_request_async(session, WB_ENDPOINT_BLOBDB, payload, WB_ENDPOINT_BLOBDB,
				 match_blobdb_token, GUINT_TO_POINTER(cmd.token), NULL,
				 self->config.request_timeout_s * 1000, NULL, blobdb_cb, d);
}

static void
send_legacy(WbNotificationService *self, WbSession *session, WbStoredNotification *stored)
{
	g_autoptr(WbDesktopNotification) n = stored_desktop_notification(stored);
	g_auto(WbTimelineItem) item = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;
	WbLegacyNotification legacy = {0};
	const WbTimelineAttribute *body;
	g_autofree gchar *sender = NULL, *text = NULL, *body_text = NULL;

	/* 2.x firmware: sender = app, body = summary and body, from the mapped item */
	if (!wb_timeline_item_decode(g_bytes_get_data(stored->item, NULL),
				     g_bytes_get_size(stored->item), &item, &error))
		return;
	sender = wb_notification_truncate(wb_notification_app_display_name(n), 64);
	body = wb_timeline_item_find_attribute(&item, WB_TIMELINE_ATTR_BODY);
	body_text = body != NULL ? wb_timeline_attribute_dup_string(body) : NULL;
	text = g_strdup_printf("%s%s%s", n->summary != NULL ? n->summary : "",
			       body_text != NULL ? "\n" : "", body_text != NULL ? body_text : "");
	legacy.source = WB_LEGACY_NOTIFICATION_SOURCE_SMS;
	legacy.sender = sender;
	legacy.body = wb_notification_truncate(text, 255);
	legacy.timestamp_ms = (guint64)stored->created * 1000;
	if (wb_legacy_notification_encode(&legacy, out, &error) &&
	    wb_session_send(session, WB_ENDPOINT_NOTIFICATION, out->data, out->len, &error))
		(void)wb_store_notification_set_state(self->store, self->watch_id, stored->uuid,
						      WB_NOTIFICATION_STATE_DELIVERED, NULL);
	else
		wb_watch_warning(self->watch_id, "legacy notification: %s", error->message);
	g_free(legacy.body);
}

/* Sends everything queued, in order of arrival. */
static void
flush(WbNotificationService *self)
{
	WbSession *session = wb_service_get_session(WB_SERVICE(self));
	g_autoptr(GPtrArray) queued = NULL;
	gint64 oldest =
		g_get_real_time() / G_USEC_PER_SEC - (gint64)self->config.outbox_max_age_h * 3600;
	gboolean changed = FALSE;

	if (session == NULL || wb_session_get_state(session) != WB_SESSION_STATE_OPEN)
		return;
	queued = wb_store_notification_list(self->store, self->watch_id,
					    WB_NOTIFICATION_STATE_QUEUED, NULL);
	for (guint i = 0; queued != NULL && i < queued->len; i++) {
		WbStoredNotification *s = g_ptr_array_index(queued, i);
		if (s->created < oldest) {
			g_autoptr(WbDesktopNotification) n = stored_desktop_notification(s);
			record(self, n, "too-old", "waited more than %u h for the watch",
			       self->config.outbox_max_age_h);
			(void)wb_store_notification_delete(self->store, self->watch_id, s->uuid,
							   NULL);
			changed = TRUE;
			continue;
		}
		if (self->legacy)
			send_legacy(self, session, s);
		else
			send_blobdb(self, session, s->uuid, s->item);
	}
	if (changed || self->legacy)
		g_signal_emit(self, signals[SIGNAL_OUTBOX_CHANGED], 0);
}

static gboolean connected(WbNotificationService *self);

/* Keeps the outbox within OutboxMaxCount while the watch is away, dropping the oldest. (While
 * it is connected, queued rows are on their way and wait only for the watch's answer.) */
static void
bound_outbox(WbNotificationService *self)
{
	guint count;
	g_autoptr(GPtrArray) queued = NULL;

	if (connected(self))
		return;
	count = wb_store_notification_count(self->store, self->watch_id,
					    WB_NOTIFICATION_STATE_QUEUED);
	if (count <= self->config.outbox_max_count)
		return;
	queued = wb_store_notification_list(self->store, self->watch_id,
					    WB_NOTIFICATION_STATE_QUEUED, NULL);
	for (guint i = 0;
	     queued != NULL && i < queued->len && count > self->config.outbox_max_count;
	     i++, count--) {
		WbStoredNotification *s = g_ptr_array_index(queued, i);
		g_autoptr(WbDesktopNotification) n = stored_desktop_notification(s);
		record(self, n, "dropped-outbox-full", "more than %u were waiting for the watch",
		       self->config.outbox_max_count);
		(void)wb_store_notification_delete(self->store, self->watch_id, s->uuid, NULL);
	}
}

/* Removes what is stored for @key: from the outbox, or from the watch. Returns TRUE if it
 * was known. */
static gboolean
retract(WbNotificationService *self, const gchar *key, gboolean *out_was_queued)
{
	g_autoptr(WbStoredNotification) s =
		wb_store_notification_find(self->store, self->watch_id, key, NULL, NULL);
	WbSession *session = wb_service_get_session(WB_SERVICE(self));

	if (s == NULL)
		return FALSE;
	if (out_was_queued != NULL)
		*out_was_queued = s->state == WB_NOTIFICATION_STATE_QUEUED;
	if (s->state == WB_NOTIFICATION_STATE_DELIVERED && session != NULL && !self->legacy &&
	    wb_session_get_state(session) == WB_SESSION_STATE_OPEN) {
		/* the row goes once the watch confirms the delete */
		send_blobdb(self, session, s->uuid, NULL);
		return TRUE;
	}
	(void)wb_store_notification_delete(self->store, self->watch_id, s->uuid, NULL);
	g_signal_emit(self, signals[SIGNAL_OUTBOX_CHANGED], 0);
	return TRUE;
}

/* The actions that can really be carried out from the watch. */
static GPtrArray *
allowed_actions(WbNotificationService *self, WbDesktopNotification *n)
{
	GPtrArray *ids = g_ptr_array_new();
	for (guint i = 0; n->actions != NULL && i < n->actions->len; i++) {
		WbDesktopAction *a = g_ptr_array_index(n->actions, i);
		gboolean ok = n->source == WB_DESKTOP_SOURCE_API ||
			      (self->monitor != NULL &&
			       wb_notification_monitor_can_activate(self->monitor, n, a->id));
		if (ok)
			g_ptr_array_add(ids, a->id);
	}
	return ids;
}

static gboolean
enqueue(WbNotificationService *self, WbDesktopNotification *n, GError **error)
{
	g_autoptr(GPtrArray) actions = allowed_actions(self, n);
	WbNotificationMapOptions options = {.privacy = self->config.privacy, .actions = actions};
	g_autoptr(GBytes) item = NULL;
	g_autoptr(GVariant) meta = NULL;
	WbStoredNotification s = {0};
	WbUuid id;

	/* the item id is random, and a new one for every update: re-inserting an id only
	 * updates its status on the watch (pebbleos-rendering.md §6) */
	for (guint i = 0; i < 4; i++) {
		guint32 r = g_random_int();
		memcpy(id.b + i * 4, &r, 4);
	}
	id.b[6] = (guint8)((id.b[6] & 0x0F) | 0x40);
	id.b[8] = (guint8)((id.b[8] & 0x3F) | 0x80);
	item = wb_notification_map_to_bytes(n, &id, &options, error);
	if (item == NULL)
		return FALSE;
	if (g_bytes_get_size(item) + 16 + 8 > WB_FRAME_MAX_WATCH_INBOUND) {
		g_set_error(error, WB_ERROR, WB_ERROR_FAILED,
			    "a notification of %" G_GSIZE_FORMAT " bytes is too large",
			    g_bytes_get_size(item));
		return FALSE;
	}
	meta = g_variant_ref_sink(wb_desktop_notification_serialize(n));
	s.key = n->key;
	memcpy(s.uuid, id.b, 16);
	s.state = WB_NOTIFICATION_STATE_QUEUED;
	s.created = n->timestamp_us / G_USEC_PER_SEC;
	s.item = item;
	s.meta = g_variant_get_data_as_bytes(meta);
	if (!wb_store_notification_add(self->store, self->watch_id, &s, NULL, error)) {
		g_bytes_unref(s.meta);
		return FALSE;
	}
	g_bytes_unref(s.meta);
	bound_outbox(self);
	g_signal_emit(self, signals[SIGNAL_OUTBOX_CHANGED], 0);
	return TRUE;
}

static gboolean
connected(WbNotificationService *self)
{
	WbSession *session = wb_service_get_session(WB_SERVICE(self));
	return session != NULL && wb_session_get_state(session) == WB_SESSION_STATE_OPEN;
}

/**
 * wb_notification_service_post:
 * @self: the service
 * @n: a desktop notification as the monitor saw it
 *
 * Decides what to do with it, records why, and forwards or queues it.
 */
void
wb_notification_service_post(WbNotificationService *self, WbDesktopNotification *n)
{
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *decision = decide(self, n, &detail);
	gboolean replaced;

	if (decision != NULL) {
		record(self, n, decision, "%s", detail);
		return;
	}
	/* a replace: the old item leaves the watch (or the outbox) and the new one comes */
	replaced = retract(self, n->key, NULL);
	if (!enqueue(self, n, &error)) {
		record(self, n, "failed", "%s", error->message);
		return;
	}
	if (connected(self)) {
		record(self, n, replaced ? "updated" : "forwarded", "sent to the watch");
		flush(self);
	} else {
		record(self, n, "queued", "the watch is away; it waits in the outbox");
	}
}

/**
 * wb_notification_service_closed:
 * @self: the service
 * @key: the desktop key of a notification closed on the desktop
 *
 * Removes it from the watch, or from the outbox so it is never delivered.
 */
void
wb_notification_service_closed(WbNotificationService *self, const gchar *key)
{
	g_autoptr(WbStoredNotification) s =
		wb_store_notification_find(self->store, self->watch_id, key, NULL, NULL);
	gboolean was_queued = FALSE;

	if (s == NULL)
		return;
	if (retract(self, key, &was_queued) && was_queued) {
		g_autoptr(WbDesktopNotification) n = stored_desktop_notification(s);
		record(self, n, "closed", "closed on the desktop before the watch came back");
	}
}

/**
 * wb_notification_service_send:
 * @self: the service
 * @n: a notification from the API (source API, sender set)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): its id
 */
gchar *
wb_notification_service_send(WbNotificationService *self, WbDesktopNotification *n, GError **error)
{
	g_free(n->key);
	n->key = g_strdup_printf("api:%" G_GINT64_FORMAT "-%u", g_get_real_time() / 1000,
				 ++self->api_counter);
	if (!enqueue(self, n, error))
		return NULL;
	record(self, n, connected(self) ? "forwarded" : "queued", "sent through the API");
	flush(self);
	return g_strdup(n->key);
}

/**
 * wb_notification_service_dismiss:
 * @self: the service
 * @id: an id from wb_notification_service_send()
 * @error: return location for a #GError
 *
 * Returns: %TRUE, or %FALSE with %WB_ERROR_INVALID_ARGS for an unknown id
 */
gboolean
wb_notification_service_dismiss(WbNotificationService *self, const gchar *id, GError **error)
{
	if (!g_str_has_prefix(id, "api:") || !retract(self, id, NULL)) {
		g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS, "no notification '%s'", id);
		return FALSE;
	}
	return TRUE;
}

GPtrArray *
wb_notification_service_history(WbNotificationService *self, guint limit, GError **error)
{
	return wb_store_history_list(self->store, self->watch_id, limit, error);
}

guint
wb_notification_service_outbox_length(WbNotificationService *self)
{
	return wb_store_notification_count(self->store, self->watch_id,
					   WB_NOTIFICATION_STATE_QUEUED);
}

/* ---------------------------------------------------------------- the watch's answers */

static void
respond(WbNotificationService *self, const WbUuid *item_id, gboolean ok, const gchar *text,
	guint32 icon)
{
	WbSession *session = wb_service_get_session(WB_SERVICE(self));
	g_auto(WbTimelineActionResponse) r = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GError) error = NULL;

	if (session == NULL)
		return;
	r.command = WB_TIMELINE_ACTION_COMMAND_RESPONSE;
	r.item_id = *item_id;
	r.response = ok ? WB_TIMELINE_RESPONSE_ACK : WB_TIMELINE_RESPONSE_NACK;
	wb_timeline_action_response_add_attribute(
		&r, wb_timeline_attribute_new_string(WB_TIMELINE_ATTR_SUBTITLE, text));
	if (icon != 0)
		wb_timeline_action_response_add_attribute(
			&r, wb_timeline_attribute_new_u32(WB_TIMELINE_ATTR_LARGE_ICON,
							  WB_TIMELINE_SYSTEM_ICON(icon)));
	if (!wb_timeline_action_response_encode(&r, out, &error) ||
	    !wb_session_send(session, WB_ENDPOINT_TIMELINE_ACTION, out->data, out->len, &error))
		wb_watch_message(self->watch_id, "answering an action: %s", error->message);
}

typedef struct {
	WbNotificationService *self;
	WbUuid item_id;
	gboolean dismiss;
	gchar *key;
} ActionData;

static void
action_data_free(ActionData *d)
{
	g_object_unref(d->self);
	g_free(d->key);
	g_free(d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ActionData, action_data_free)

static void
desktop_done_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(ActionData) d = user_data;
	g_autoptr(GError) error = NULL;
	gboolean ok = d->dismiss ? wb_notification_monitor_close_finish(
					   WB_NOTIFICATION_MONITOR(source), result, &error)
				 : wb_notification_monitor_activate_finish(
					   WB_NOTIFICATION_MONITOR(source), result, &error);

	if (!ok) {
		wb_watch_info(d->self->watch_id, "acting on the desktop: %s", error->message);
		/* a dismiss still leaves the watch; the desktop copy may already be gone */
		if (!d->dismiss) {
			respond(d->self, &d->item_id, FALSE, "Failed", 0);
			return;
		}
	}
	if (d->dismiss) {
		respond(d->self, &d->item_id, TRUE, "Dismissed", WB_TIMELINE_ICON_RESULT_DISMISSED);
		(void)wb_store_notification_delete(d->self->store, d->self->watch_id, d->item_id.b,
						   NULL);
	} else {
		respond(d->self, &d->item_id, TRUE, "Done on the computer",
			WB_TIMELINE_ICON_RESULT_SENT);
	}
}

static void
handle_invoke(WbNotificationService *self, const WbTimelineInvokeAction *inv)
{
	g_autoptr(WbStoredNotification) s =
		wb_store_notification_find(self->store, self->watch_id, NULL, inv->item_id.b, NULL);
	g_autoptr(WbDesktopNotification) n = NULL;
	g_autoptr(GPtrArray) allowed = NULL;
	ActionData *d;

	if (s == NULL) {
		respond(self, &inv->item_id, FALSE, "No longer on the computer", 0);
		return;
	}
	n = stored_desktop_notification(s);

	if (n->source == WB_DESKTOP_SOURCE_API) {
		const gchar *action = NULL;
		g_autofree gchar *index = NULL;
		g_autofree gchar *text = NULL;
		if (inv->action_id == WB_NOTIFICATION_ACTION_DISMISS) {
			action = "dismiss";
			(void)wb_store_notification_delete(self->store, self->watch_id, s->uuid,
							   NULL);
		} else if (inv->action_id == WB_NOTIFICATION_ACTION_REPLY) {
			for (guint i = 0; inv->attributes != NULL && i < inv->attributes->len;
			     i++) {
				WbTimelineAttribute *a = g_ptr_array_index(inv->attributes, i);
				if (a->id == WB_TIMELINE_ATTR_TITLE)
					text = wb_timeline_attribute_dup_string(a);
			}
			action = "reply";
		} else if (n->actions != NULL &&
			   inv->action_id - WB_NOTIFICATION_ACTION_FIRST < (gint)n->actions->len) {
			index = g_strdup_printf("%d",
						inv->action_id - WB_NOTIFICATION_ACTION_FIRST);
			action = index;
		}
		if (action == NULL) {
			respond(self, &inv->item_id, FALSE, "Unknown action", 0);
			return;
		}
		g_signal_emit(self, signals[SIGNAL_API_ACTION], 0, n->key, action,
			      text != NULL ? text : "", n->sender);
		respond(self, &inv->item_id, TRUE,
			g_str_equal(action, "dismiss") ? "Dismissed"
			: g_str_equal(action, "reply") ? "Sent"
						       : "Done",
			g_str_equal(action, "dismiss") ? WB_TIMELINE_ICON_RESULT_DISMISSED
						       : WB_TIMELINE_ICON_RESULT_SENT);
		return;
	}

	if (self->monitor == NULL) {
		respond(self, &inv->item_id, FALSE, "Not possible", 0);
		return;
	}
	d = g_new0(ActionData, 1);
	d->self = g_object_ref(self);
	d->item_id = inv->item_id;
	d->key = g_strdup(n->key);
	if (inv->action_id == WB_NOTIFICATION_ACTION_DISMISS) {
		d->dismiss = TRUE;
		record(self, n, "dismissed-on-watch", "closed on the desktop from the watch");
		wb_notification_monitor_close_async(self->monitor, n, NULL, desktop_done_cb, d);
		return;
	}
	allowed = allowed_actions(self, n);
	if (inv->action_id >= WB_NOTIFICATION_ACTION_FIRST &&
	    (guint)(inv->action_id - WB_NOTIFICATION_ACTION_FIRST) < allowed->len) {
		const gchar *action_id =
			g_ptr_array_index(allowed, inv->action_id - WB_NOTIFICATION_ACTION_FIRST);
		wb_notification_monitor_activate_async(self->monitor, n, action_id, NULL,
						       desktop_done_cb, d);
		return;
	}
	action_data_free(d);
	respond(self, &inv->item_id, FALSE, "Unknown action", 0);
}

static void
timeline_action_cb(WbSession *session, const guint8 *payload, gsize len, gpointer user_data)
{
	WbNotificationService *self = user_data;
	g_auto(WbTimelineInvokeAction) inv = {0};
	g_autoptr(GError) error = NULL;

	if (!wb_timeline_invoke_action_decode(payload, len, &inv, &error)) {
		wb_watch_message(self->watch_id, "bad action from the watch: %s, dropped",
				 error->message);
		return;
	}
	handle_invoke(self, &inv);
}

static void
blobdb_unsolicited_cb(WbSession *session, const guint8 *payload, gsize len, gpointer user_data)
{
	/* an answer that came after its request timed out */
	wb_watch_debug(WB_NOTIFICATION_SERVICE(user_data)->watch_id,
		       "late BlobDB answer, ignoring");
}

static void
wb_notification_service_attach(WbService *service, WbSession *session)
{
	WbNotificationService *self = WB_NOTIFICATION_SERVICE(service);
	const WbWatchVersion *v = wb_session_get_watch_version(session);
	gint major = v != NULL ? wb_firmware_version_major(&v->running) : -1;

	self->legacy = major >= 0 && major < 3;
	g_hash_table_remove_all(self->inflight);
	wb_session_add_handler(session, WB_ENDPOINT_TIMELINE_ACTION, timeline_action_cb, self,
			       NULL);
	wb_session_add_handler(session, WB_ENDPOINT_BLOBDB, blobdb_unsolicited_cb, self, NULL);
	flush(self);
}

static void
wb_notification_service_detach(WbService *service)
{
	WbNotificationService *self = WB_NOTIFICATION_SERVICE(service);
	/* pending requests fail with NotConnected and stay queued */
	g_hash_table_remove_all(self->inflight);
}

WbNotificationService *
wb_notification_service_new(WbStore *store, const WbConfig *config, const gchar *watch_id,
			    WbNotificationMonitor *monitor, WbIdleMonitor *idle)
{
	WbNotificationService *self = g_object_new(WB_TYPE_NOTIFICATION_SERVICE, NULL);
	self->store = store;
	wb_config_copy(&self->config, config);
	self->watch_id = g_strdup(watch_id);
	self->monitor = monitor != NULL ? g_object_ref(monitor) : NULL;
	self->idle = idle != NULL ? g_object_ref(idle) : NULL;
	return self;
}

static void
wb_notification_service_dispose(GObject *object)
{
	WbNotificationService *self = WB_NOTIFICATION_SERVICE(object);
	g_clear_object(&self->monitor);
	g_clear_object(&self->idle);
	G_OBJECT_CLASS(wb_notification_service_parent_class)->dispose(object);
}

static void
wb_notification_service_finalize(GObject *object)
{
	WbNotificationService *self = WB_NOTIFICATION_SERVICE(object);
	wb_config_clear(&self->config);
	g_hash_table_unref(self->inflight);
	g_free(self->watch_id);
	G_OBJECT_CLASS(wb_notification_service_parent_class)->finalize(object);
}

static void
wb_notification_service_class_init(WbNotificationServiceClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->dispose = wb_notification_service_dispose;
	object_class->finalize = wb_notification_service_finalize;
	WB_SERVICE_CLASS(klass)->attach = wb_notification_service_attach;
	WB_SERVICE_CLASS(klass)->detach = wb_notification_service_detach;

	signals[SIGNAL_API_ACTION] = g_signal_new(
		"api-action", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
		G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
	signals[SIGNAL_OUTBOX_CHANGED] =
		g_signal_new("outbox-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL,
			     NULL, NULL, G_TYPE_NONE, 0);
}

static void
wb_notification_service_init(WbNotificationService *self)
{
	self->inflight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}
