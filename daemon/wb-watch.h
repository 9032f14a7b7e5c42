/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wb-bluetooth.h"
#include "wb-config.h"
#include "wb-service.h"
#include "wb-session.h"
#include "wb-store.h"

G_BEGIN_DECLS

/**
 * WbWatchState:
 * @WB_WATCH_STATE_DISCONNECTED: no link (maybe waiting to retry)
 * @WB_WATCH_STATE_CONNECTING: the link is being set up
 * @WB_WATCH_STATE_HANDSHAKING: the link is up, the session is opening
 * @WB_WATCH_STATE_CONNECTED: the session is open
 */
typedef enum {
	WB_WATCH_STATE_DISCONNECTED,
	WB_WATCH_STATE_CONNECTING,
	WB_WATCH_STATE_HANDSHAKING,
	WB_WATCH_STATE_CONNECTED,
} WbWatchState;

const gchar *wb_watch_state_to_string(WbWatchState state);

#define WB_TYPE_WATCH (wb_watch_get_type())
G_DECLARE_FINAL_TYPE(WbWatch, wb_watch, WB, WATCH, GObject)

WbWatch *wb_watch_new_emulator(const gchar *host, guint16 port, const WbConfig *config);
WbWatch *wb_watch_new_bluetooth(const gchar *address, const gchar *transport,
				WbBluetooth *bluetooth, const WbConfig *config);
WbWatch *wb_watch_new_from_stored(const WbStoredWatch *stored, const WbConfig *config,
				  WbBluetooth *bluetooth, GError **error);
const gchar *wb_watch_get_transport(WbWatch *self);
WbStoredWatch *wb_watch_to_stored(WbWatch *self);

const gchar *wb_watch_get_id(WbWatch *self);
const gchar *wb_watch_get_target(WbWatch *self);
WbWatchState wb_watch_get_state(WbWatch *self);
WbSession *wb_watch_get_session(WbWatch *self);
gboolean wb_watch_get_auto_connect(WbWatch *self);

void wb_watch_add_service(WbWatch *self, WbService *service);
WbService *wb_watch_get_service(WbWatch *self, GType type);

void wb_watch_start(WbWatch *self);
void wb_watch_connect(WbWatch *self);
void wb_watch_disconnect(WbWatch *self);
void wb_watch_shutdown(WbWatch *self);

G_END_DECLS
