/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

/* Internal to wb-mock-bluez: how bluetoothd pairs a device, shared by the LE watch
 * (wb-mock-bluez.c) and the classic one (wb-mock-bluez-classic.c), docs/mock-bluez.md "Pair":
 * after PAIR_DELAY_MS, numeric comparison through the registered agent's
 * RequestConfirmation(device, 123456), Just Works without an agent; the agent's Canceled gives
 * AuthenticationCanceled, any other error AuthenticationRejected; CancelPairing calls the
 * agent's Cancel. What a result does to the device is the owner's (MockPairingOps). */

#include <gio/gio.h>

#include "mock-bluez-gen.h"

G_BEGIN_DECLS

/**
 * MockPairingOps:
 * @label: put before "pairing" in the log lines: "" or "classic "
 * @refuse: when the pairing step runs: the D-Bus error name to fail the pairing with (and its
 *   message in @message), or %NULL to go on
 * @settle: before Pair() is answered: what the result (@error_name %NULL: paired) does to the
 *   device
 * @done: (nullable): after Pair() is answered
 */
typedef struct {
	const gchar *label;
	const gchar *(*refuse)(gpointer owner, const gchar **message);
	void (*settle)(gpointer owner, const gchar *error_name);
	void (*done)(gpointer owner, const gchar *error_name, const gchar *message);
} MockPairingOps;

/* One device's pairing; a part of its owner, which passes pointers into the mock's state
 * (valid for the life of the program). */
typedef struct {
	const MockPairingOps *ops;
	gpointer owner;
	GDBusConnection *conn;
	gchar *const *device_path;
	gchar *const *agent_owner; /* the registered Agent1, NULL when there is none */
	gchar *const *agent_path;
	gboolean active;
	GDBusMethodInvocation *inv; /* Device1.Pair, or NULL when the mock started the pairing */
	guint timer;
	GCancellable *cancellable; /* of the agent's RequestConfirmation */
} MockPairing;

void mock_pairing_init(MockPairing *p, const MockPairingOps *ops, gpointer owner,
		       GDBusConnection *conn, gchar *const *device_path, gchar *const *agent_owner,
		       gchar *const *agent_path);
gboolean mock_pairing_refuse_pair(MockPairing *p, GDBusMethodInvocation *inv, gboolean powered,
				  gboolean paired);
void mock_pairing_start(MockPairing *p, GDBusMethodInvocation *inv);
void mock_pairing_finish(MockPairing *p, const gchar *error_name, const gchar *message);
void mock_pairing_cancel(MockPairing *p, MockBluezDevice1 *dev, GDBusMethodInvocation *inv);

G_END_DECLS
