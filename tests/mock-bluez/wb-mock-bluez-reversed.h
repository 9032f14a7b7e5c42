/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

/* Internal to wb-mock-bluez: the watch-hosted (reversed) PPoGATT services, reference §10.13 and
 * §10.14. This part owns the GATT objects and the SetPpogattMode / InjectNotification knobs;
 * wb-mock-bluez.c runs the PPoGATT link behind them through WbMockReversedHost. */

#include <gio/gio.h>

#include "mock-bluez-gen.h"

G_BEGIN_DECLS

typedef enum {
	WB_MOCK_REVERSED_NONE, /* normal mode: the phone hosts 10000000 */
	WB_MOCK_REVERSED_V1,   /* the watch hosts 30000003 (§10.13) */
	WB_MOCK_REVERSED_V2,   /* the watch hosts 40000000 (§10.14) */
} WbMockReversedVariant;

typedef struct {
	/* the phone subscribed to the watch's data characteristic of @variant */
	void (*subscribed)(WbMockReversedVariant variant, gpointer user_data);
	/* the phone unsubscribed */
	void (*unsubscribed)(gpointer user_data);
	/* the phone wrote one PPoGATT packet to the watch (transfer none) */
	void (*written)(GBytes *packet, gpointer user_data);
} WbMockReversedHost;

typedef struct _WbMockReversed WbMockReversed;

WbMockReversed *wb_mock_reversed_new(GDBusObjectManagerServer *om, MockBluezControl1 *control,
				     const WbMockReversedHost *host, gpointer user_data);
void wb_mock_reversed_free(WbMockReversed *self);
const gchar *wb_mock_reversed_get_mode(WbMockReversed *self);
const gchar *wb_mock_reversed_variant_to_mode(WbMockReversedVariant variant);
gboolean wb_mock_reversed_normal_allowed(WbMockReversed *self);
void wb_mock_reversed_add_objects(WbMockReversed *self, const gchar *device_path, guint16 mtu);
void wb_mock_reversed_remove_objects(WbMockReversed *self);
void wb_mock_reversed_set_mtu(WbMockReversed *self, guint16 mtu);
gboolean wb_mock_reversed_notify(WbMockReversed *self, GBytes *packet);
gboolean wb_mock_reversed_has_fd(WbMockReversed *self, gboolean notify);

G_END_DECLS
