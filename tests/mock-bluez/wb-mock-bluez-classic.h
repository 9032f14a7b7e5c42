/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

/* Internal to wb-mock-bluez: the classic (BR/EDR) Pebble Time and BlueZ's Profile API
 * (reference §11, docs/mock-bluez.md). This part owns ProfileManager1 on /org/bluez, the second
 * device object, its WbSimWatch behind an RFCOMM-like stream socket, and the Classic* knobs.
 * It follows the adapter's Powered and Discovering properties by itself; wb-mock-bluez.c tells
 * it about bluetoothd vanishing and returning and about RemoveDevice. */

#include <gio/gio.h>

#include "mock-bluez-gen.h"

G_BEGIN_DECLS

/* What the classic part reads of the rest of the mock: pointers into its state, valid for the
 * life of the program */
typedef struct {
	GDBusConnection *conn;
	GDBusObjectManagerServer *om;
	MockBluezAdapter1 *adapter;
	MockBluezControl1 *control;
	gchar *const *agent_owner; /* the registered Agent1, NULL when there is none */
	gchar *const *agent_path;
	const gboolean *vanished;       /* bluetoothd is "not running" */
	const gboolean *reject_pairing; /* the RejectPairing knob applies to both watches */
} WbMockClassicHost;

typedef struct _WbMockClassic WbMockClassic;

WbMockClassic *wb_mock_classic_new(const WbMockClassicHost *host);
void wb_mock_classic_free(WbMockClassic *self);
void wb_mock_classic_vanish(WbMockClassic *self);
void wb_mock_classic_return(WbMockClassic *self);
gboolean wb_mock_classic_remove_device(WbMockClassic *self, const gchar *path);

G_END_DECLS
