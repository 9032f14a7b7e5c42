/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/* Pairing through the agent, for both of the mock's watches (wb-mock-bluez-pairing.h). */

#include "wb-mock-bluez-pairing.h"

#define IFACE_AGENT "org.bluez.Agent1"
/* the passkey the mock shows for numeric comparison */
#define PAIRING_PASSKEY 123456
/* the pairing latency of the simulated radio */
#define PAIR_DELAY_MS    20
#define AGENT_TIMEOUT_MS 30000
#define DBUS_TIMEOUT_MS  10000

void
mock_pairing_init(MockPairing *p, const MockPairingOps *ops, gpointer owner, GDBusConnection *conn,
		  gchar *const *device_path, gchar *const *agent_owner, gchar *const *agent_path)
{
	*p = (MockPairing){
		.ops = ops,
		.owner = owner,
		.conn = conn,
		.device_path = device_path,
		.agent_owner = agent_owner,
		.agent_path = agent_path,
	};
}

/* Ends the pairing, if one is running: with @error_name, it failed */
void
mock_pairing_finish(MockPairing *p, const gchar *error_name, const gchar *message)
{
	GDBusMethodInvocation *inv = g_steal_pointer(&p->inv);

	if (!p->active)
		return;
	p->active = FALSE;
	g_clear_handle_id(&p->timer, g_source_remove);
	if (p->cancellable != NULL)
		g_cancellable_cancel(p->cancellable);
	g_clear_object(&p->cancellable);
	if (error_name != NULL)
		g_message("mock-bluez: %spairing failed: %s", p->ops->label, error_name);
	p->ops->settle(p->owner, error_name);
	if (inv != NULL && error_name != NULL)
		g_dbus_method_invocation_return_dbus_error(inv, error_name, message);
	else if (inv != NULL)
		g_dbus_method_invocation_return_value(inv, NULL);
	if (p->ops->done != NULL)
		p->ops->done(p->owner, error_name, message);
}

static void
confirmation_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	MockPairing *p = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &error);
	g_autofree gchar *remote = NULL;

	if (ret == NULL && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (ret != NULL) {
		mock_pairing_finish(p, NULL, NULL);
		return;
	}
	remote = g_dbus_error_get_remote_error(error);
	g_message("mock-bluez: agent refused the %spairing: %s", p->ops->label, error->message);
	if (g_strcmp0(remote, "org.bluez.Error.Canceled") == 0)
		mock_pairing_finish(p, "org.bluez.Error.AuthenticationCanceled",
				    "Authentication Canceled");
	else
		mock_pairing_finish(p, "org.bluez.Error.AuthenticationRejected",
				    "Authentication Rejected");
}

static gboolean
pair_step(gpointer user_data)
{
	MockPairing *p = user_data;
	const gchar *message = NULL;
	const gchar *error_name = p->ops->refuse(p->owner, &message);

	p->timer = 0;
	if (error_name != NULL) {
		mock_pairing_finish(p, error_name, message);
		return G_SOURCE_REMOVE;
	}
	if (*p->agent_path == NULL) {
		/* no agent: NoInputNoOutput, Just Works */
		mock_pairing_finish(p, NULL, NULL);
		return G_SOURCE_REMOVE;
	}
	p->cancellable = g_cancellable_new();
	g_dbus_connection_call(
		p->conn, *p->agent_owner, *p->agent_path, IFACE_AGENT, "RequestConfirmation",
		g_variant_new("(ou)", *p->device_path, (guint32)PAIRING_PASSKEY), NULL,
		G_DBUS_CALL_FLAGS_NONE, AGENT_TIMEOUT_MS, p->cancellable, confirmation_done, p);
	return G_SOURCE_REMOVE;
}

/* Device1.Pair()'s errors before a pairing starts; TRUE if it answered @inv with one */
gboolean
mock_pairing_refuse_pair(MockPairing *p, GDBusMethodInvocation *inv, gboolean powered,
			 gboolean paired)
{
	if (!powered) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.NotReady",
							   "Resource Not Ready");
		return TRUE;
	}
	if (p->active) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.InProgress",
							   "In Progress");
		return TRUE;
	}
	if (paired) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.AlreadyExists",
							   "Already Exists");
		return TRUE;
	}
	return FALSE;
}

/* Device1.Pair() (@inv), or a pairing the mock starts by itself (@inv %NULL: the LE watch's
 * Security Request, §10.5; a ConnectProfile that needs authentication) */
void
mock_pairing_start(MockPairing *p, GDBusMethodInvocation *inv)
{
	p->active = TRUE;
	p->inv = inv;
	p->timer = g_timeout_add(PAIR_DELAY_MS, pair_step, p);
}

/* Device1.CancelPairing() */
void
mock_pairing_cancel(MockPairing *p, MockBluezDevice1 *dev, GDBusMethodInvocation *inv)
{
	if (!p->active) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.DoesNotExist",
							   "Does Not Exist");
		return;
	}
	if (p->cancellable != NULL && *p->agent_path != NULL)
		g_dbus_connection_call(p->conn, *p->agent_owner, *p->agent_path, IFACE_AGENT,
				       "Cancel", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
				       DBUS_TIMEOUT_MS, NULL, NULL, NULL);
	mock_pairing_finish(p, "org.bluez.Error.AuthenticationCanceled", "Authentication Canceled");
	mock_bluez_device1_complete_cancel_pairing(dev, inv);
}
