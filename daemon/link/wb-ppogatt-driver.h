/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wb-link.h"
#include "wb-ppogatt.h"

G_BEGIN_DECLS

/*
 * Internal to the BLE links (WbLinkBle, WbLinkBleClient): what both do around a WbPpogatt.
 * The driver owns the state machine, its one timer, the stream bytes held until the owner's
 * open callback has run, the pending open's GTask, and the watches on the device and on
 * org.bluez. The owner moves the packets (WbPpogattDriverOps) and tears itself down.
 */

/**
 * WbPpogattDriverOps:
 * @can_send: (nullable): whether the transport takes packets now; while it does not they wait
 *   in the state machine (its timers recover). %NULL: always.
 * @send_packet: passes one PPoGATT packet to the watch
 * @opened: (nullable): the handshake completed and the link is open (for logging)
 * @close: tears the owner down, fails a pending open with @error and emits "closed" with it
 *   if the link was open (the owner's teardown with emit)
 */
typedef struct {
	gboolean (*can_send)(WbLink *link);
	void (*send_packet)(WbLink *link, GBytes *packet);
	void (*opened)(WbLink *link);
	void (*close)(WbLink *link, const GError *error);
} WbPpogattDriverOps;

typedef struct _WbPpogattDriver WbPpogattDriver;

WbPpogattDriver *wb_ppogatt_driver_new(WbLink *link, const WbPpogattDriverOps *ops,
				       gboolean keep_listening);
void wb_ppogatt_driver_free(WbPpogattDriver *d);

WbPpogatt *wb_ppogatt_driver_get_ppogatt(WbPpogattDriver *d);
guint8 wb_ppogatt_driver_get_version(WbPpogattDriver *d);
guint8 wb_ppogatt_driver_get_tx_window(WbPpogattDriver *d);
guint8 wb_ppogatt_driver_get_rx_window(WbPpogattDriver *d);

gboolean wb_ppogatt_driver_open(WbPpogattDriver *d, GTask *task);
gboolean wb_ppogatt_driver_open_finish(WbLink *link, GAsyncResult *result, GError **error);

void wb_ppogatt_driver_follow_device(WbPpogattDriver *d, GDBusConnection *connection,
				     const gchar *device_path, gboolean services_resolved);
void wb_ppogatt_driver_start(WbPpogattDriver *d, const WbPpogattConfig *config,
			     gint64 initiate_delay_us);
void wb_ppogatt_driver_receive(WbPpogattDriver *d, const guint8 *data, gsize len);
void wb_ppogatt_driver_send(WbPpogattDriver *d, GBytes *bytes);
void wb_ppogatt_driver_pump(WbPpogattDriver *d);
void wb_ppogatt_driver_stop(WbPpogattDriver *d, const GError *error, gboolean emit,
			    gboolean was_running);

G_END_DECLS
