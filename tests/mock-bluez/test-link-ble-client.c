/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * WbLinkBleClient (the reversed PPoGATT modes, reference §10.13, §10.14) against wb-mock-bluez
 * (docs/mock-bluez.md) on a private "system" bus (GTestDBus): the mock's simulated watch hosts
 * the reversed service selected with its SetPpogattMode knob, and the link talks Pebble
 * Protocol to it. WB_MOCK_BLUEZ names the mock binary; without it the tests are skipped.
 */
#include <string.h>

#include "wb-bluez-client.h"
#include "wb-error.h"
#include "wb-link-ble-client.h"
#include "wb-ppogatt.h"

#define ADDRESS "B0:B4:48:57:34:56"
#define DEVICE  "/org/bluez/hci0/dev_B0_B4_48_57_34_56"
#define SERIAL  "WBSIM0000001"

#define CONTROL_NAME  "org.wearbridge.MockBluez"
#define CONTROL_PATH  "/org/wearbridge/mock"
#define CONTROL_IFACE "org.wearbridge.MockBluez1"

#define EP_WATCH_VERSION     16
#define EP_PHONE_APP_VERSION 17
#define EP_PING              2001

typedef struct {
	GTestDBus *bus;
	GSubprocess *mock;
	GDBusConnection *conn;
	WbBluezClient *client;
	WbLink *link;
	GByteArray *stream; /* received, not yet parsed */
	GPtrArray *frames;  /* of GBytes: endpoint (2 bytes BE) + payload */
	guint closed;
	GError *closed_error;
	gboolean open_done;
	GError *open_error;
} Fixture;

#define WAIT(f, cond, ms)                                                                          \
	G_STMT_START                                                                               \
	{                                                                                          \
		gint64 end_ = g_get_monotonic_time() + (gint64)(ms)*1000;                          \
		while (!(cond)) {                                                                  \
			if (g_get_monotonic_time() > end_)                                         \
				g_error("timed out waiting for %s", #cond);                        \
			if (!g_main_context_iteration(NULL, FALSE))                                \
				g_usleep(1000);                                                    \
		}                                                                                  \
	}                                                                                          \
	G_STMT_END

static gboolean
has_owner(GDBusConnection *conn, const gchar *name)
{
	g_autoptr(GVariant) ret = g_dbus_connection_call_sync(
		conn, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"NameHasOwner", g_variant_new("(s)", name), G_VARIANT_TYPE("(b)"),
		G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
	gboolean owned = FALSE;

	if (ret != NULL)
		g_variant_get(ret, "(b)", &owned);
	return owned;
}

static void
call(Fixture *f, const gchar *dest, const gchar *path, const gchar *iface, const gchar *method,
     GVariant *params)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret =
		g_dbus_connection_call_sync(f->conn, dest, path, iface, method, params, NULL,
					    G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);

	g_assert_no_error(error);
}

static void
control(Fixture *f, const gchar *method, GVariant *params)
{
	call(f, CONTROL_NAME, CONTROL_PATH, CONTROL_IFACE, method, params);
}

/* What follows "member": in the mock's LinkState() JSON (asserts it is there) */
static gchar *
link_state_value(Fixture *f, const gchar *member)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_sync(
		f->conn, CONTROL_NAME, CONTROL_PATH, CONTROL_IFACE, "LinkState", NULL,
		G_VARIANT_TYPE("(s)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
	g_autofree gchar *key = g_strdup_printf("\"%s\":", member);
	const gchar *json;
	const gchar *at;

	g_assert_no_error(error);
	g_variant_get(ret, "(&s)", &json);
	at = strstr(json, key);
	g_assert_nonnull(at);
	return g_strdup(at + strlen(key));
}

static gboolean
link_state_bool(Fixture *f, const gchar *member)
{
	g_autofree gchar *value = link_state_value(f, member);
	return g_str_has_prefix(value, "true");
}

static gint64
link_state_number(Fixture *f, const gchar *member)
{
	g_autofree gchar *value = link_state_value(f, member);
	return g_ascii_strtoll(value, NULL, 10);
}

static GDBusObjectManager *
manager(Fixture *f)
{
	return wb_bluez_client_get_manager(f->client);
}

static void
setup(Fixture *f, gconstpointer data)
{
	const gchar *mock = g_getenv("WB_MOCK_BLUEZ");
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *address;

	memset(f, 0, sizeof(*f));
	if (mock == NULL) {
		g_test_skip("WB_MOCK_BLUEZ is not set");
		return;
	}
	f->bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(f->bus);
	address = g_test_dbus_get_bus_address(f->bus);
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_setenv(launcher, "DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
	f->mock = g_subprocess_launcher_spawn(launcher, &error, mock, NULL);
	g_assert_no_error(error);
	f->conn = g_dbus_connection_new_for_address_sync(
		address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
	WAIT(f, has_owner(f->conn, "org.bluez") && has_owner(f->conn, CONTROL_NAME), 5000);
	f->client = wb_bluez_client_new(f->conn);
	WAIT(f, wb_bluez_client_is_available(f->client), 5000);
	f->stream = g_byte_array_new();
	f->frames = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
}

static void
teardown(Fixture *f, gconstpointer data)
{
	if (f->bus == NULL)
		return;
	if (f->link != NULL) {
		g_signal_handlers_disconnect_by_data(f->link, f);
		g_clear_object(&f->link);
	}
	g_clear_object(&f->client);
	g_subprocess_send_signal(f->mock, SIGTERM);
	g_subprocess_wait(f->mock, NULL, NULL);
	g_clear_object(&f->mock);
	g_dbus_connection_close_sync(f->conn, NULL, NULL);
	g_clear_object(&f->conn);
	/* let the closed connection's sources go before the bus does */
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_test_dbus_down(f->bus);
	g_clear_object(&f->bus);
	g_byte_array_unref(f->stream);
	g_ptr_array_unref(f->frames);
	g_clear_error(&f->closed_error);
	g_clear_error(&f->open_error);
}

/* Whether BlueZ knows the watch (and, with @ready, it is connected and resolved) */
static gboolean
device_state(Fixture *f, gboolean ready)
{
	g_autoptr(WbBluezDevice1) device = wb_bluez_client_find_device(f->client, ADDRESS);

	return device != NULL && (!ready || wb_bluez_device_is_ready(device));
}

static gboolean
contains(const guint8 *hay, gsize len, const gchar *needle)
{
	gsize n = strlen(needle);

	for (gsize i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return TRUE;
	return FALSE;
}

/* The simulated watch in @mode, paired (Just Works: no agent) and connected. */
static void
connect_watch(Fixture *f, const gchar *mode, WbLinkBleClientVariant expected)
{
	control(f, "SetPpogattMode", g_variant_new("(s)", mode));
	control(f, "SetDeviceVisible", g_variant_new("(b)", TRUE));
	WAIT(f, device_state(f, FALSE), 5000);
	call(f, "org.bluez", DEVICE, "org.bluez.Device1", "Pair", NULL);
	call(f, "org.bluez", DEVICE, "org.bluez.Device1", "Connect", NULL);
	WAIT(f, device_state(f, TRUE), 5000);
	WAIT(f, wb_link_ble_client_detect(manager(f), DEVICE) == expected, 5000);
}

static void
on_received(WbLink *link, GBytes *bytes, Fixture *f)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	g_byte_array_append(f->stream, data, (guint)len);
	while (f->stream->len >= 4) {
		guint16 length = (guint16)(f->stream->data[0] << 8 | f->stream->data[1]);

		if (f->stream->len < 4u + length)
			break;
		g_ptr_array_add(f->frames, g_bytes_new(f->stream->data + 2, 2u + length));
		g_byte_array_remove_range(f->stream, 0, 4u + length);
	}
}

static void
on_closed(WbLink *link, const GError *error, Fixture *f)
{
	f->closed++;
	g_clear_error(&f->closed_error);
	f->closed_error = error != NULL ? g_error_copy(error) : NULL;
}

static void
open_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *f = user_data;

	wb_link_open_finish(WB_LINK(source), result, &f->open_error);
	f->open_done = TRUE;
}

static void
start_link(Fixture *f, WbLinkBleClientVariant variant, guint retransmit_ms,
	   GCancellable *cancellable)
{
	f->link = wb_link_ble_client_new(manager(f), DEVICE, ADDRESS, variant);
	wb_link_ble_client_set_retransmit_timeout(WB_LINK_BLE_CLIENT(f->link), retransmit_ms);
	g_signal_connect(f->link, "received", G_CALLBACK(on_received), f);
	g_signal_connect(f->link, "closed", G_CALLBACK(on_closed), f);
	f->open_done = FALSE;
	wb_link_open_async(f->link, cancellable, open_done, f);
}

static void
open_link(Fixture *f, WbLinkBleClientVariant variant, guint retransmit_ms)
{
	start_link(f, variant, retransmit_ms, NULL);
	WAIT(f, f->open_done, 5000);
	g_assert_no_error(f->open_error);
	g_assert_true(wb_link_is_open(f->link));
	g_assert_cmpstr(wb_link_get_transport(f->link), ==, "ble");
	g_assert_cmpstr(wb_link_get_target(f->link), ==, ADDRESS);
}

static guint
count_frames(Fixture *f, guint16 endpoint)
{
	guint n = 0;

	for (guint i = 0; i < f->frames->len; i++) {
		const guint8 *d = g_bytes_get_data(f->frames->pdata[i], NULL);

		n += (guint16)(d[0] << 8 | d[1]) == endpoint;
	}
	return n;
}

static GBytes *
find_frame(Fixture *f, guint16 endpoint)
{
	for (guint i = 0; i < f->frames->len; i++) {
		const guint8 *d = g_bytes_get_data(f->frames->pdata[i], NULL);

		if ((guint16)(d[0] << 8 | d[1]) == endpoint)
			return f->frames->pdata[i];
	}
	return NULL;
}

static void
send_frame(Fixture *f, guint16 endpoint, const guint8 *payload, gsize len)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	guint8 header[4] = {(guint8)(len >> 8), (guint8)len, (guint8)(endpoint >> 8),
			    (guint8)endpoint};
	g_autoptr(GBytes) bytes = NULL;

	g_byte_array_append(out, header, sizeof(header));
	g_byte_array_append(out, payload, (guint)len);
	bytes = g_byte_array_free_to_bytes(g_steal_pointer(&out));
	wb_link_send(f->link, bytes);
}

/* §2.5/2.6: WatchVersion request and the simulated watch's answer */
static void
watch_version_round_trip(Fixture *f)
{
	GBytes *reply;
	gsize len;
	const guint8 *d;

	/* the watch's first frame after the open is its PhoneAppVersion request (§2.1) */
	WAIT(f, count_frames(f, EP_PHONE_APP_VERSION) > 0, 5000);
	send_frame(f, EP_WATCH_VERSION, (const guint8 *)"\x00", 1);
	WAIT(f, (reply = find_frame(f, EP_WATCH_VERSION)) != NULL, 5000);
	d = g_bytes_get_data(reply, &len);
	g_assert_cmpuint(len, >, 3);
	g_assert_cmpuint(d[2], ==, 1); /* the response command */
	g_assert_true(contains(d, len, SERIAL));
}

static void
test_v2_watch_version(Fixture *f, gconstpointer data)
{
	if (f->bus == NULL)
		return;
	connect_watch(f, "reversed-v2-only", WB_LINK_BLE_CLIENT_V2);
	g_assert_cmpstr(wb_link_ble_client_variant_to_mode(WB_LINK_BLE_CLIENT_V2), ==,
			"ppogatt-reversed-v2");
	open_link(f, WB_LINK_BLE_CLIENT_V2, 0);
	g_assert_cmpint(wb_link_ble_client_get_variant(WB_LINK_BLE_CLIENT(f->link)), ==,
			WB_LINK_BLE_CLIENT_V2);
	/* the mock's default ATT MTU, from the characteristic's MTU property */
	g_assert_cmpuint(wb_link_ble_client_get_mtu(WB_LINK_BLE_CLIENT(f->link)), ==, 185);
	g_assert_cmpuint(wb_link_ble_client_get_tx_window(WB_LINK_BLE_CLIENT(f->link)), >, 0);
	g_assert_cmpuint(wb_link_ble_client_get_rx_window(WB_LINK_BLE_CLIENT(f->link)), >, 0);
	watch_version_round_trip(f);
	wb_link_close(f->link);
	g_assert_false(wb_link_is_open(f->link));
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_null(f->closed_error);
}

static void
test_v1_open(Fixture *f, gconstpointer data)
{
	if (f->bus == NULL)
		return;
	/* the plain mode: the sim watch would also be a client of our (absent) 10000000 */
	connect_watch(f, "reversed", WB_LINK_BLE_CLIENT_V1);
	g_assert_cmpstr(wb_link_ble_client_variant_to_mode(WB_LINK_BLE_CLIENT_V1), ==,
			"ppogatt-reversed");
	/* the CFW-like watch waits for our Reset Request: we send it after ~1 s */
	open_link(f, WB_LINK_BLE_CLIENT_V1, 0);
	watch_version_round_trip(f);
}

static void
test_detect_normal(Fixture *f, gconstpointer data)
{
	if (f->bus == NULL)
		return;
	connect_watch(f, "normal", WB_LINK_BLE_CLIENT_NONE);
	g_assert_null(wb_link_ble_client_variant_to_mode(WB_LINK_BLE_CLIENT_NONE));
	start_link(f, WB_LINK_BLE_CLIENT_V2, 0, NULL);
	WAIT(f, f->open_done, 5000);
	g_assert_error(f->open_error, WB_ERROR, WB_ERROR_NOT_SUPPORTED);
	g_assert_nonnull(strstr(f->open_error->message, "40000000"));
	g_assert_false(wb_link_is_open(f->link));
	g_assert_cmpuint(f->closed, ==, 0);
}

static void
test_device_drop(Fixture *f, gconstpointer data)
{
	if (f->bus == NULL)
		return;
	connect_watch(f, "reversed-v2-only", WB_LINK_BLE_CLIENT_V2);
	open_link(f, WB_LINK_BLE_CLIENT_V2, 0);
	control(f, "DropLink", NULL);
	WAIT(f, f->closed > 0, 5000);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_error(f->closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_link_is_open(f->link));
	g_assert_cmpuint(wb_link_ble_client_get_mtu(WB_LINK_BLE_CLIENT(f->link)), ==, 0);
	/* reconnect, open the same object again */
	call(f, "org.bluez", DEVICE, "org.bluez.Device1", "Connect", NULL);
	WAIT(f, wb_link_ble_client_detect(manager(f), DEVICE) == WB_LINK_BLE_CLIENT_V2, 5000);
	g_ptr_array_set_size(f->frames, 0);
	f->open_done = FALSE;
	wb_link_open_async(f->link, NULL, open_done, f);
	WAIT(f, f->open_done, 5000);
	g_assert_no_error(f->open_error);
	watch_version_round_trip(f);
}

static void
test_bluez_vanishes(Fixture *f, gconstpointer data)
{
	g_autoptr(GDBusObjectManager) old = NULL;

	if (f->bus == NULL)
		return;
	connect_watch(f, "reversed-v2-only", WB_LINK_BLE_CLIENT_V2);
	open_link(f, WB_LINK_BLE_CLIENT_V2, 0);
	old = g_object_ref(manager(f));
	control(f, "Vanish", NULL);
	WAIT(f, f->closed > 0, 5000);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_error(f->closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_link_is_open(f->link));
	/* opening without bluetoothd fails, with a clear error */
	WAIT(f, !wb_bluez_client_is_available(f->client), 5000);
	g_signal_handlers_disconnect_by_data(f->link, f);
	g_clear_object(&f->link);
	f->link = wb_link_ble_client_new(old, DEVICE, ADDRESS, WB_LINK_BLE_CLIENT_V2);
	f->open_done = FALSE;
	wb_link_open_async(f->link, NULL, open_done, f);
	WAIT(f, f->open_done, 5000);
	g_assert_error(f->open_error, WB_ERROR, WB_ERROR_BLUETOOTH_UNAVAILABLE);
}

static void
test_loss_in_order(Fixture *f, gconstpointer data)
{
	guint pongs = 0;

	if (f->bus == NULL)
		return;
	control(f, "SetRetransmitTimeout", g_variant_new("(u)", 300));
	connect_watch(f, "reversed-v2-only", WB_LINK_BLE_CLIENT_V2);
	open_link(f, WB_LINK_BLE_CLIENT_V2, 300);
	control(f, "SetLoss", g_variant_new("(du)", 5.0, 3));
	for (guint32 cookie = 0; cookie < 50; cookie++) {
		guint8 ping[5] = {0, (guint8)(cookie >> 24), (guint8)(cookie >> 16),
				  (guint8)(cookie >> 8), (guint8)cookie};

		send_frame(f, EP_PING, ping, sizeof(ping));
	}
	WAIT(f, count_frames(f, EP_PING) >= 50 || f->closed > 0, 8000);
	for (guint i = 0; i < f->frames->len; i++) {
		gsize len;
		const guint8 *d = g_bytes_get_data(f->frames->pdata[i], &len);

		if ((guint16)(d[0] << 8 | d[1]) != EP_PING)
			continue;
		g_assert_cmpuint(len, >=, 7);
		g_assert_cmpuint((guint32)d[3] << 24 | (guint32)d[4] << 16 | (guint32)d[5] << 8 |
					 d[6],
				 ==, pongs);
		pongs++;
	}
	g_assert_cmpuint(pongs, ==, 50);
	g_test_message("lost %" G_GINT64_FORMAT " to the phone, %" G_GINT64_FORMAT " to the watch",
		       link_state_number(f, "lost_to_phone"),
		       link_state_number(f, "lost_to_watch"));
	g_assert_cmpint(link_state_number(f, "lost_to_phone") +
				link_state_number(f, "lost_to_watch"),
			>, 0);
	g_assert_true(wb_link_is_open(f->link));
	g_assert_cmpuint(f->closed, ==, 0);
}

static void
inject(Fixture *f, const guint8 *data, gsize len)
{
	control(f, "InjectNotification",
		g_variant_new("(@ay)",
			      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1)));
	/* let it arrive */
	for (guint i = 0; i < 20; i++) {
		g_main_context_iteration(NULL, FALSE);
		g_usleep(1000);
	}
}

static void
test_hostile_notifications(Fixture *f, gconstpointer data)
{
	guint8 big[600];
	static const guint8 bad_type[] = {0x07, 0x01};
	static const guint8 reset_request[] = {0x02, 0x01};

	if (f->bus == NULL)
		return;
	/* over PropertiesChanged (no AcquireNotify), where a value of 0 bytes can be sent */
	control(f, "SetReversedAcquire", g_variant_new("(b)", FALSE));
	connect_watch(f, "reversed-v2-only", WB_LINK_BLE_CLIENT_V2);
	open_link(f, WB_LINK_BLE_CLIENT_V2, 0);
	WAIT(f, count_frames(f, EP_PHONE_APP_VERSION) > 0, 5000);
	g_assert_false(link_state_bool(f, "reversed_notify_fd"));
	inject(f, NULL, 0);
	memset(big, 0xa5, sizeof(big));
	big[0] = 0x00; /* a Data packet with sn 0: too long for any MTU */
	inject(f, big, sizeof(big));
	inject(f, big, WB_PPOGATT_MAX_PACKET);
	inject(f, bad_type, sizeof(bad_type));
	g_assert_true(wb_link_is_open(f->link));
	g_assert_cmpuint(f->closed, ==, 0);
	/* still a working link */
	watch_version_round_trip(f);
	/* a Reset Request on an open link ends it: the owner reconnects */
	inject(f, reset_request, sizeof(reset_request));
	WAIT(f, f->closed > 0, 5000);
	g_assert_error(f->closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_link_is_open(f->link));
}

/* The same over bluetoothd's AcquireNotify socket, one datagram per notification */
static void
test_hostile_notifications_fd(Fixture *f, gconstpointer data)
{
	guint8 big[600];
	static const guint8 bad_type[] = {0x07, 0x01};
	static const guint8 reset_request[] = {0x02, 0x01};

	if (f->bus == NULL)
		return;
	connect_watch(f, "reversed-v2-only", WB_LINK_BLE_CLIENT_V2);
	open_link(f, WB_LINK_BLE_CLIENT_V2, 0);
	WAIT(f, count_frames(f, EP_PHONE_APP_VERSION) > 0, 5000);
	g_assert_true(link_state_bool(f, "reversed_notify_fd"));
	g_assert_true(link_state_bool(f, "reversed_write_fd"));
	memset(big, 0xa5, sizeof(big));
	big[0] = 0x00;
	inject(f, big, sizeof(big));
	inject(f, big, WB_PPOGATT_MAX_PACKET);
	inject(f, bad_type, sizeof(bad_type));
	g_assert_true(wb_link_is_open(f->link));
	g_assert_cmpuint(f->closed, ==, 0);
	watch_version_round_trip(f);
	inject(f, reset_request, sizeof(reset_request));
	WAIT(f, f->closed > 0, 5000);
	g_assert_false(wb_link_is_open(f->link));
}

static void
test_cancel(Fixture *f, gconstpointer data)
{
	g_autoptr(GCancellable) cancellable = g_cancellable_new();

	if (f->bus == NULL)
		return;
	connect_watch(f, "reversed-only", WB_LINK_BLE_CLIENT_V1);
	/* V1 waits a second for the watch's Reset Request: cancel meanwhile */
	start_link(f, WB_LINK_BLE_CLIENT_V1, 0, cancellable);
	g_cancellable_cancel(cancellable);
	WAIT(f, f->open_done, 5000);
	g_assert_error(f->open_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_false(wb_link_is_open(f->link));
	g_assert_cmpuint(f->closed, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/wearbridge/link-ble-client/v2-watch-version", Fixture, NULL, setup,
		   test_v2_watch_version, teardown);
	g_test_add("/wearbridge/link-ble-client/v1-open", Fixture, NULL, setup, test_v1_open,
		   teardown);
	g_test_add("/wearbridge/link-ble-client/detect-normal", Fixture, NULL, setup,
		   test_detect_normal, teardown);
	g_test_add("/wearbridge/link-ble-client/device-drop", Fixture, NULL, setup,
		   test_device_drop, teardown);
	g_test_add("/wearbridge/link-ble-client/bluez-vanishes", Fixture, NULL, setup,
		   test_bluez_vanishes, teardown);
	g_test_add("/wearbridge/link-ble-client/loss-in-order", Fixture, NULL, setup,
		   test_loss_in_order, teardown);
	g_test_add("/wearbridge/link-ble-client/hostile-notifications", Fixture, NULL, setup,
		   test_hostile_notifications, teardown);
	g_test_add("/wearbridge/link-ble-client/hostile-notifications-fd", Fixture, NULL, setup,
		   test_hostile_notifications_fd, teardown);
	g_test_add("/wearbridge/link-ble-client/cancel", Fixture, NULL, setup, test_cancel,
		   teardown);
	return g_test_run();
}
