/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WB_TYPE_LINK (wb_link_get_type())
G_DECLARE_DERIVABLE_TYPE(WbLink, wb_link, WB, LINK, GObject)

/**
 * WbLinkClass:
 * @open_async: bring the transport up
 * @open_finish: finish @open_async
 * @send: queue Pebble Protocol stream bytes for the watch
 * @close: take the transport down; emits #WbLink::closed once
 *
 * A link only moves the Pebble Protocol byte stream and reports up/down; it knows nothing of
 * frames or endpoints. Subclasses: emulator (TCP), ble (PPoGATT), rfcomm.
 */
struct _WbLinkClass {
	GObjectClass parent_class;

	void (*open_async)(WbLink *self, GCancellable *cancellable, GAsyncReadyCallback callback,
			   gpointer user_data);
	gboolean (*open_finish)(WbLink *self, GAsyncResult *result, GError **error);
	void (*send)(WbLink *self, GBytes *bytes);
	void (*close)(WbLink *self);
};

void wb_link_open_async(WbLink *self, GCancellable *cancellable, GAsyncReadyCallback callback,
			gpointer user_data);
gboolean wb_link_open_finish(WbLink *self, GAsyncResult *result, GError **error);
void wb_link_send(WbLink *self, GBytes *bytes);
void wb_link_close(WbLink *self);
gboolean wb_link_is_open(WbLink *self);
const gchar *wb_link_get_transport(WbLink *self);
const gchar *wb_link_get_target(WbLink *self);

/* for subclasses */
void wb_link_emit_received(WbLink *self, GBytes *bytes);
void wb_link_emit_closed(WbLink *self, const GError *error);
void wb_link_set_open(WbLink *self, gboolean open);

G_END_DECLS
