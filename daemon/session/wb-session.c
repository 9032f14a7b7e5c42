/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One connected watch: frames in and out of a link, the handshake, endpoint dispatch,
 * request/response with timeouts, and a send queue that holds services' frames until the
 * session is open. No timer is armed while the session is open and idle.
 */
#include <string.h>

#define WB_LOG_MODULE "session"
#include "wb-error.h"
#include "wb-frame.h"
#include "wb-log.h"
#include "wb-session.h"

typedef struct {
	guint id;
	guint16 endpoint;
	WbSessionHandler handler;
	gpointer user_data;
	GDestroyNotify destroy;
} Handler;

typedef struct {
	WbSession *session; /* unowned: requests never outlive their session's list */
	GTask *task;        /* owned while pending */
	guint16 reply_endpoint;
	WbSessionMatch match;
	gpointer match_data;
	GDestroyNotify match_data_free;
	guint timeout_id;
} Request;

struct _WbSession {
	GObject parent_instance;
	WbLink *link;
	WbConfig config;
	gchar *log_name;
	WbSessionState state;
	WbFrameDecoder *decoder;
	GPtrArray *handlers; /* of Handler */
	guint next_handler_id;
	GPtrArray *requests;  /* of Request */
	GQueue pending_sends; /* of GBytes (whole frames), held until the session is open */
	gulong received_id;
	gulong closed_id;
	guint first_frame_id;
	gboolean seen_frame;
	gboolean resyncing;
	gboolean version_requested;
	WbWatchVersion version;
	gboolean has_version;
};

G_DEFINE_FINAL_TYPE(WbSession, wb_session, G_TYPE_OBJECT)

enum { SIGNAL_OPENED, SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
handler_free(Handler *h)
{
	if (h->destroy != NULL)
		h->destroy(h->user_data);
	g_free(h);
}

static void
request_free(Request *r)
{
	g_clear_handle_id(&r->timeout_id, g_source_remove);
	if (r->match_data_free != NULL)
		r->match_data_free(r->match_data);
	g_clear_object(&r->task);
	g_free(r);
}

/* Takes the request out of the list and completes it with @bytes or @error. */
static void
request_complete(Request *r, GBytes *bytes, GError *error)
{
	WbSession *self = r->session;
	g_autoptr(GTask) task = g_steal_pointer(&r->task);

	g_ptr_array_remove(self->requests, r);
	if (error != NULL)
		g_task_return_error(task, error);
	else
		g_task_return_pointer(task, g_bytes_ref(bytes), (GDestroyNotify)g_bytes_unref);
}

static void
send_frame_now(WbSession *self, GBytes *frame)
{
	wb_link_send(self->link, frame);
}

static GBytes *
build_frame(guint16 endpoint, const guint8 *payload, gsize len, GError **error)
{
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (len > WB_FRAME_MAX_WATCH_INBOUND) {
		g_set_error(error, WB_ERROR, WB_ERROR_FAILED,
			    "a %s message of %" G_GSIZE_FORMAT " bytes is over the watch's limit "
			    "of %d",
			    wb_endpoint_to_string(endpoint), len, WB_FRAME_MAX_WATCH_INBOUND);
		return NULL;
	}
	if (!wb_frame_encode(out, endpoint, payload, len, error))
		return NULL;
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

/* System frames of the handshake go out at once; services' frames wait for the session. */
static gboolean
session_send(WbSession *self, guint16 endpoint, const guint8 *payload, gsize len, gboolean system,
	     GError **error)
{
	g_autoptr(GBytes) frame = NULL;

	if (self->state == WB_SESSION_STATE_CLOSED) {
		g_set_error(error, WB_ERROR, WB_ERROR_NOT_CONNECTED, "%s is not connected",
			    self->log_name);
		return FALSE;
	}
	frame = build_frame(endpoint, payload, len, error);
	if (frame == NULL)
		return FALSE;
	wb_watch_debug(self->log_name, "→ %s, %" G_GSIZE_FORMAT " bytes",
		       wb_endpoint_to_string(endpoint), len);
	if (system || self->state == WB_SESSION_STATE_OPEN)
		send_frame_now(self, frame);
	else
		g_queue_push_tail(&self->pending_sends, g_steal_pointer(&frame));
	return TRUE;
}

/**
 * wb_session_send:
 * @self: the session
 * @endpoint: the endpoint
 * @payload: (array length=len): the payload
 * @len: at most %WB_FRAME_MAX_WATCH_INBOUND
 * @error: return location for a #GError
 *
 * Sends a frame. Before the session is open, frames are queued and go out in order once it
 * opens.
 *
 * Returns: %TRUE if sent or queued
 */
gboolean
wb_session_send(WbSession *self, guint16 endpoint, const guint8 *payload, gsize len, GError **error)
{
	g_return_val_if_fail(WB_IS_SESSION(self), FALSE);
	return session_send(self, endpoint, payload, len, FALSE, error);
}

guint
wb_session_add_handler(WbSession *self, guint16 endpoint, WbSessionHandler handler,
		       gpointer user_data, GDestroyNotify destroy)
{
	Handler *h = g_new0(Handler, 1);
	h->id = ++self->next_handler_id;
	h->endpoint = endpoint;
	h->handler = handler;
	h->user_data = user_data;
	h->destroy = destroy;
	g_ptr_array_add(self->handlers, h);
	return h->id;
}

void
wb_session_remove_handler(WbSession *self, guint id)
{
	for (guint i = 0; i < self->handlers->len; i++) {
		Handler *h = g_ptr_array_index(self->handlers, i);
		if (h->id == id) {
			g_ptr_array_remove_index(self->handlers, i);
			return;
		}
	}
}

static void
session_finish(WbSession *self, const GError *error)
{
	g_autoptr(WbSession) keep = g_object_ref(self);

	if (self->state == WB_SESSION_STATE_CLOSED)
		return;
	self->state = WB_SESSION_STATE_CLOSED;
	g_clear_handle_id(&self->first_frame_id, g_source_remove);
	g_clear_signal_handler(&self->received_id, self->link);
	g_clear_signal_handler(&self->closed_id, self->link);
	g_queue_clear_full(&self->pending_sends, (GDestroyNotify)g_bytes_unref);
	while (self->requests->len > 0) {
		Request *r = g_ptr_array_index(self->requests, 0);
		request_complete(r, NULL,
				 g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED, "%s disconnected",
					     self->log_name));
	}
	if (wb_link_is_open(self->link))
		wb_link_close(self->link);
	g_signal_emit(self, signals[SIGNAL_CLOSED], 0, error);
}

/**
 * wb_session_close:
 * @self: the session
 *
 * Closes the session and its link. #WbSession::closed is emitted with no error.
 */
void
wb_session_close(WbSession *self)
{
	session_finish(self, NULL);
}

static void
session_fail(WbSession *self, GError *error)
{
	g_autoptr(GError) owned = error;
	wb_watch_message(self->log_name, "closing the session: %s", error->message);
	session_finish(self, owned);
}

static void
session_open(WbSession *self)
{
	self->state = WB_SESSION_STATE_OPEN;
	while (!g_queue_is_empty(&self->pending_sends)) {
		g_autoptr(GBytes) frame = g_queue_pop_head(&self->pending_sends);
		send_frame_now(self, frame);
	}
	g_signal_emit(self, signals[SIGNAL_OPENED], 0);
}

static gboolean
match_watch_version(const guint8 *payload, gsize len, gpointer user_data)
{
	return len > 0 && payload[0] == WB_WATCH_VERSION_RESPONSE;
}

static void
watch_version_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbSession) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) reply = wb_session_request_finish(self, result, &error);
	g_auto(WbWatchVersion) v = {0};

	if (self->state != WB_SESSION_STATE_HANDSHAKING)
		return;
	if (reply == NULL) {
		g_prefix_error(&error, "asking the watch version: ");
		session_fail(self, g_steal_pointer(&error));
		return;
	}
	if (!wb_watch_version_decode(g_bytes_get_data(reply, NULL), g_bytes_get_size(reply), &v,
				     &error)) {
		g_autoptr(GError) e = g_error_new(WB_ERROR, WB_ERROR_FAILED,
						  "bad watch version answer: %s", error->message);
		session_fail(self, g_steal_pointer(&e));
		return;
	}
	wb_watch_info(self->log_name, "watch version: %s on %s (hw %u), serial '%s'",
		      v.running.version_tag, wb_hw_platform_to_platform(v.running.hw_platform),
		      v.running.hw_platform, v.serial);
	self->version = v;
	memset(&v, 0, sizeof(v));
	self->has_version = TRUE;
	session_open(self);
}

static void
request_watch_version(WbSession *self)
{
	g_autoptr(GByteArray) payload = g_byte_array_new();
	g_autoptr(GBytes) bytes = NULL;

	if (self->version_requested || self->state != WB_SESSION_STATE_HANDSHAKING)
		return;
	self->version_requested = TRUE;
	g_clear_handle_id(&self->first_frame_id, g_source_remove);
	wb_watch_version_request_encode(payload, NULL);
	bytes = g_byte_array_free_to_bytes(g_steal_pointer(&payload));
	/* the request bypasses the queue: it is part of opening the session */
	wb_session_request_async(self, WB_ENDPOINT_WATCH_VERSION, bytes, WB_ENDPOINT_WATCH_VERSION,
				 match_watch_version, GINT_TO_POINTER(1), NULL,
				 self->config.request_timeout_s * 1000, NULL, watch_version_cb,
				 g_object_ref(self));
}

static gboolean
first_frame_timeout_cb(gpointer user_data)
{
	WbSession *self = user_data;
	self->first_frame_id = 0;
	wb_watch_debug(self->log_name, "the watch did not speak first; going on");
	request_watch_version(self);
	return G_SOURCE_REMOVE;
}

static gboolean
first_frame_seen_cb(gpointer user_data)
{
	request_watch_version(WB_SESSION(user_data));
	return G_SOURCE_REMOVE;
}

static void
handle_phone_app_version(WbSession *self, const guint8 *payload, gsize len, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbPhoneAppVersion answer;

	if (!wb_phone_app_version_request_decode(payload, len, &error)) {
		wb_watch_debug(self->log_name, "phone app version: %s, ignoring", error->message);
		return;
	}
	wb_phone_app_version_init_wearbridge(&answer);
	wb_phone_app_version_encode(&answer, out, NULL);
	if (!session_send(self, WB_ENDPOINT_PHONE_APP_VERSION, out->data, out->len, TRUE, &error))
		wb_watch_debug(self->log_name, "answering the version request: %s", error->message);
}

static void
handle_ping(WbSession *self, const guint8 *payload, gsize len, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) out = g_byte_array_new();
	WbPing ping;
	WbPing pong = {.is_pong = TRUE};

	if (!wb_ping_decode(payload, len, &ping, &error)) {
		wb_watch_debug(self->log_name, "ping: %s, ignoring", error->message);
		return;
	}
	if (ping.is_pong)
		return; /* unsolicited or late pong */
	pong.cookie = ping.cookie;
	wb_ping_encode(&pong, out, NULL);
	(void)session_send(self, WB_ENDPOINT_PING, out->data, out->len, TRUE, NULL);
}

static void
handle_meta(WbSession *self, const guint8 *payload, gsize len, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	WbMetaError m;

	if (!wb_meta_error_decode(payload, len, &m, &error)) {
		wb_watch_debug(self->log_name, "meta: %s, ignoring", error->message);
		return;
	}
	if (m.has_endpoint)
		wb_watch_info(self->log_name, "the watch refused endpoint %s (0x%04x): code 0x%02x",
			      wb_endpoint_to_string(m.endpoint), m.endpoint, m.code);
	else
		wb_watch_info(self->log_name, "the watch says a message was corrupted");
}

static void
dispatch_frame(WbSession *self, const WbFrame *frame)
{
	g_autoptr(WbSession) keep = g_object_ref(self);
	gboolean handled = FALSE;

	wb_watch_debug(self->log_name, "← %s, %" G_GSIZE_FORMAT " bytes",
		       wb_endpoint_to_string(frame->endpoint), frame->len);
	if (!self->seen_frame) {
		self->seen_frame = TRUE;
		/* the watch has spoken: its receive side is ready (see wb_session_start) */
		if (self->state == WB_SESSION_STATE_HANDSHAKING)
			g_idle_add_full(G_PRIORITY_DEFAULT, first_frame_seen_cb, g_object_ref(self),
					g_object_unref);
	}
	/* the watch drops zero-length payloads; so do we (reference §1.1) */
	if (frame->len == 0)
		return;

	for (guint i = 0; i < self->requests->len; i++) {
		Request *r = g_ptr_array_index(self->requests, i);
		if (r->reply_endpoint == frame->endpoint &&
		    r->match(frame->payload, frame->len, r->match_data)) {
			g_autoptr(GBytes) bytes = g_bytes_new(frame->payload, frame->len);
			request_complete(r, bytes, NULL);
			return;
		}
	}
	for (guint i = 0; i < self->handlers->len && self->state != WB_SESSION_STATE_CLOSED; i++) {
		Handler *h = g_ptr_array_index(self->handlers, i);
		if (h->endpoint == frame->endpoint) {
			h->handler(self, frame->payload, frame->len, h->user_data);
			handled = TRUE;
		}
	}
	if (!handled)
		wb_watch_debug(self->log_name, "no handler for %s (0x%04x), ignoring",
			       wb_endpoint_to_string(frame->endpoint), frame->endpoint);
}

static void
link_received_cb(WbLink *link, GBytes *bytes, gpointer user_data)
{
	WbSession *self = user_data;
	g_autoptr(WbSession) keep = g_object_ref(self);

	wb_frame_decoder_push(self->decoder, g_bytes_get_data(bytes, NULL),
			      g_bytes_get_size(bytes));
	while (self->state != WB_SESSION_STATE_CLOSED) {
		g_autoptr(GError) error = NULL;
		WbFrame frame;
		if (!wb_frame_decoder_next(self->decoder, &frame, &error)) {
			if (error == NULL)
				break;
			/* one line per run of garbage, not one per byte skipped */
			if (!self->resyncing)
				wb_watch_message(self->log_name, "bad frame: %s", error->message);
			else
				wb_watch_debug(self->log_name, "bad frame: %s", error->message);
			self->resyncing = TRUE;
			continue;
		}
		self->resyncing = FALSE;
		dispatch_frame(self, &frame);
	}
}

static void
link_closed_cb(WbLink *link, const GError *error, gpointer user_data)
{
	WbSession *self = user_data;
	if (error != NULL)
		wb_watch_info(self->log_name, "link down: %s", error->message);
	session_finish(self, error);
}

/**
 * wb_session_new:
 * @link: an open link
 * @config: the daemon's configuration (copied)
 * @log_name: how log lines name the watch
 *
 * Returns: (transfer full): a session on @link; call wb_session_start()
 */
WbSession *
wb_session_new(WbLink *link, const WbConfig *config, const gchar *log_name)
{
	WbSession *self = g_object_new(WB_TYPE_SESSION, NULL);
	self->link = g_object_ref(link);
	wb_config_copy(&self->config, config);
	self->log_name = g_strdup(log_name);
	return self;
}

/**
 * wb_session_start:
 * @self: a new session
 *
 * Opens the session. The watch speaks first (its PhoneAppVersion request); the real emulator
 * wedges its receive side if it gets bytes in its first second of boot, and a client that
 * attaches later never sees that first request. So wait for the watch's first frame for a
 * short while, then ask for the watch version either way. #WbSession::opened follows the
 * answer.
 */
void
wb_session_start(WbSession *self)
{
	g_return_if_fail(self->state == WB_SESSION_STATE_NEW);
	self->state = WB_SESSION_STATE_HANDSHAKING;
	self->received_id =
		g_signal_connect(self->link, "received", G_CALLBACK(link_received_cb), self);
	self->closed_id = g_signal_connect(self->link, "closed", G_CALLBACK(link_closed_cb), self);
	wb_session_add_handler(self, WB_ENDPOINT_PHONE_APP_VERSION, handle_phone_app_version, NULL,
			       NULL);
	wb_session_add_handler(self, WB_ENDPOINT_PING, handle_ping, NULL, NULL);
	wb_session_add_handler(self, WB_ENDPOINT_META, handle_meta, NULL, NULL);
	if (self->config.first_frame_wait_ms == 0)
		request_watch_version(self);
	else
		self->first_frame_id = g_timeout_add(self->config.first_frame_wait_ms,
						     first_frame_timeout_cb, self);
}

WbSessionState
wb_session_get_state(WbSession *self)
{
	return self->state;
}

/**
 * wb_session_get_watch_version:
 * @self: the session
 *
 * Returns: (transfer none) (nullable): what the watch said in the handshake
 */
const WbWatchVersion *
wb_session_get_watch_version(WbSession *self)
{
	return self->has_version ? &self->version : NULL;
}

WbLink *
wb_session_get_link(WbSession *self)
{
	return self->link;
}

const gchar *
wb_session_get_log_name(WbSession *self)
{
	return self->log_name;
}

static gboolean
request_timeout_cb(gpointer user_data)
{
	Request *r = user_data;
	r->timeout_id = 0;
	request_complete(r, NULL,
			 g_error_new(WB_ERROR, WB_ERROR_TIMEOUT, "%s did not answer on %s in time",
				     r->session->log_name,
				     wb_endpoint_to_string(r->reply_endpoint)));
	return G_SOURCE_REMOVE;
}

/**
 * wb_session_request_async:
 * @self: the session
 * @endpoint: where to send @payload
 * @payload: the request
 * @reply_endpoint: where the answer comes
 * @match: recognises the answer among frames on @reply_endpoint
 * @match_data: for @match
 * @match_data_free: (nullable): frees @match_data
 * @timeout_ms: how long to wait for the answer
 * @cancellable: (nullable): checked when the answer arrives
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Sends a request and waits for the frame that answers it. The answer is not passed to the
 * endpoint's handlers. Fails with %WB_ERROR_TIMEOUT or, if the session closes,
 * %WB_ERROR_NOT_CONNECTED.
 */
void
wb_session_request_async(WbSession *self, guint16 endpoint, GBytes *payload, guint16 reply_endpoint,
			 WbSessionMatch match, gpointer match_data, GDestroyNotify match_data_free,
			 guint timeout_ms, GCancellable *cancellable, GAsyncReadyCallback callback,
			 gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GError) error = NULL;
	Request *r;
	gboolean system = endpoint == WB_ENDPOINT_WATCH_VERSION;

	g_task_set_source_tag(task, wb_session_request_async);
	if (!session_send(self, endpoint, g_bytes_get_data(payload, NULL),
			  g_bytes_get_size(payload), system, &error)) {
		if (match_data_free != NULL)
			match_data_free(match_data);
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	r = g_new0(Request, 1);
	r->session = self;
	r->task = g_steal_pointer(&task);
	r->reply_endpoint = reply_endpoint;
	r->match = match;
	r->match_data = match_data;
	r->match_data_free = match_data_free;
	r->timeout_id = g_timeout_add(timeout_ms, request_timeout_cb, r);
	g_ptr_array_add(self->requests, r);
}

/**
 * wb_session_request_finish:
 * @self: the session
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the answer's payload
 */
GBytes *
wb_session_request_finish(WbSession *self, GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

typedef struct {
	guint32 cookie;
	gint64 sent_us;
} PingData;

static gboolean
match_pong(const guint8 *payload, gsize len, gpointer user_data)
{
	PingData *data = user_data;
	WbPing pong;
	return wb_ping_decode(payload, len, &pong, NULL) && pong.is_pong &&
	       pong.cookie == data->cookie;
}

static void
ping_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	PingData *data = g_task_get_task_data(task);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) reply = wb_session_request_finish(WB_SESSION(source), result, &error);

	if (reply == NULL) {
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	g_task_return_int(task, MAX(0, g_get_monotonic_time() - data->sent_us));
}

/**
 * wb_session_ping_async:
 * @self: the session
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the round-trip time
 * @user_data: for @callback
 *
 * Sends a Ping with a random cookie and waits for its Pong.
 */
void
wb_session_ping_async(WbSession *self, GCancellable *cancellable, GAsyncReadyCallback callback,
		      gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GBytes) payload = NULL;
	PingData *data = g_new0(PingData, 1);
	WbPing ping = {0};

	g_task_set_source_tag(task, wb_session_ping_async);
	data->cookie = g_random_int();
	ping.cookie = data->cookie;
	wb_ping_encode(&ping, out, NULL);
	payload = g_byte_array_free_to_bytes(g_steal_pointer(&out));
	data->sent_us = g_get_monotonic_time();
	g_task_set_task_data(task, data, g_free);
	wb_session_request_async(self, WB_ENDPOINT_PING, payload, WB_ENDPOINT_PING, match_pong,
				 data, NULL, self->config.request_timeout_s * 1000, cancellable,
				 ping_cb, g_object_ref(task));
}

/**
 * wb_session_ping_finish:
 * @self: the session
 * @result: the result
 * @out_rtt_us: (out): the round-trip time in microseconds
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the watch answered
 */
gboolean
wb_session_ping_finish(WbSession *self, GAsyncResult *result, guint64 *out_rtt_us, GError **error)
{
	gssize rtt = g_task_propagate_int(G_TASK(result), error);
	if (rtt < 0)
		return FALSE;
	*out_rtt_us = (guint64)rtt;
	return TRUE;
}

static void
wb_session_dispose(GObject *object)
{
	WbSession *self = WB_SESSION(object);

	g_clear_handle_id(&self->first_frame_id, g_source_remove);
	if (self->link != NULL) {
		g_clear_signal_handler(&self->received_id, self->link);
		g_clear_signal_handler(&self->closed_id, self->link);
	}
	if (self->requests != NULL) {
		while (self->requests->len > 0) {
			Request *r = g_ptr_array_index(self->requests, 0);
			request_complete(
				r, NULL,
				g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED, "session finished"));
		}
	}
	g_queue_clear_full(&self->pending_sends, (GDestroyNotify)g_bytes_unref);
	g_clear_pointer(&self->handlers, g_ptr_array_unref);
	g_clear_object(&self->link);
	G_OBJECT_CLASS(wb_session_parent_class)->dispose(object);
}

static void
wb_session_finalize(GObject *object)
{
	WbSession *self = WB_SESSION(object);
	wb_config_clear(&self->config);
	wb_frame_decoder_free(self->decoder);
	g_ptr_array_unref(self->requests);
	wb_watch_version_clear(&self->version);
	g_free(self->log_name);
	G_OBJECT_CLASS(wb_session_parent_class)->finalize(object);
}

static void
wb_session_class_init(WbSessionClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->dispose = wb_session_dispose;
	object_class->finalize = wb_session_finalize;

	/**
	 * WbSession::opened:
	 *
	 * The handshake is done; wb_session_get_watch_version() has the identity.
	 */
	signals[SIGNAL_OPENED] = g_signal_new("opened", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
					      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
	/**
	 * WbSession::closed:
	 * @error: (nullable): why, %NULL when closed on purpose
	 */
	signals[SIGNAL_CLOSED] = g_signal_new("closed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
					      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
wb_session_init(WbSession *self)
{
	self->decoder = wb_frame_decoder_new(0);
	self->handlers = g_ptr_array_new_with_free_func((GDestroyNotify)handler_free);
	self->requests = g_ptr_array_new_with_free_func((GDestroyNotify)request_free);
	g_queue_init(&self->pending_sends);
}
