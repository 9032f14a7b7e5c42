/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wb-config.h"
#include "wb-link.h"
#include "wb-system.h"

G_BEGIN_DECLS

/**
 * WbSessionState:
 * @WB_SESSION_STATE_NEW: not started
 * @WB_SESSION_STATE_HANDSHAKING: the link is up, the session is being opened
 * @WB_SESSION_STATE_OPEN: the watch answered; services may talk
 * @WB_SESSION_STATE_CLOSED: the link went down; the session is finished
 */
typedef enum {
	WB_SESSION_STATE_NEW,
	WB_SESSION_STATE_HANDSHAKING,
	WB_SESSION_STATE_OPEN,
	WB_SESSION_STATE_CLOSED,
} WbSessionState;

#define WB_TYPE_SESSION (wb_session_get_type())
G_DECLARE_FINAL_TYPE(WbSession, wb_session, WB, SESSION, GObject)

/**
 * WbSessionHandler:
 * @session: the session
 * @payload: (array length=len): the frame's payload (untrusted)
 * @len: its length
 * @user_data: what was given to wb_session_add_handler()
 *
 * Handles a frame received on an endpoint.
 */
typedef void (*WbSessionHandler)(WbSession *session, const guint8 *payload, gsize len,
				 gpointer user_data);

/**
 * WbSessionMatch:
 * @payload: (array length=len): a received payload on the reply endpoint
 * @len: its length
 * @user_data: the match data
 *
 * Returns: %TRUE if the payload answers the request
 */
typedef gboolean (*WbSessionMatch)(const guint8 *payload, gsize len, gpointer user_data);

WbSession *wb_session_new(WbLink *link, const WbConfig *config, const gchar *log_name);
void wb_session_start(WbSession *self);
void wb_session_close(WbSession *self);
WbSessionState wb_session_get_state(WbSession *self);
const WbWatchVersion *wb_session_get_watch_version(WbSession *self);
WbLink *wb_session_get_link(WbSession *self);
const gchar *wb_session_get_log_name(WbSession *self);

guint wb_session_add_handler(WbSession *self, guint16 endpoint, WbSessionHandler handler,
			     gpointer user_data, GDestroyNotify destroy);
void wb_session_remove_handler(WbSession *self, guint id);

gboolean wb_session_send(WbSession *self, guint16 endpoint, const guint8 *payload, gsize len,
			 GError **error);

void wb_session_request_async(WbSession *self, guint16 endpoint, GBytes *payload,
			      guint16 reply_endpoint, WbSessionMatch match, gpointer match_data,
			      GDestroyNotify match_data_free, guint timeout_ms,
			      GCancellable *cancellable, GAsyncReadyCallback callback,
			      gpointer user_data);
GBytes *wb_session_request_finish(WbSession *self, GAsyncResult *result, GError **error);

void wb_session_ping_async(WbSession *self, GCancellable *cancellable, GAsyncReadyCallback callback,
			   gpointer user_data);
gboolean wb_session_ping_finish(WbSession *self, GAsyncResult *result, guint64 *out_rtt_us,
				GError **error);

G_END_DECLS
