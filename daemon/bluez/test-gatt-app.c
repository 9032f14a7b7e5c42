/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The BlueZ layer against a private "system" bus (GTestDBus) with python3-dbusmock's bluez5
 * template extended by mock_bluez_gatt.py (the project's reference prototype from
 * shared/reference/test-infra-prototypes, copied unchanged; its path is argv[1]). The mock
 * plays the watch's GATT client against our GATT application: it reads the application when
 * we register it, writes PPoGATT packets to the data characteristic and reports our
 * notifications as org.bluez.Mock.GattServerNotified signals.
 *
 * Exits 77 (skipped) when dbusmock is missing. The cases run in order and share state.
 */
#include <string.h>

#include "wb-bluez-client.h"
#include "wb-bluez-gatt-app.h"
#include "wb-error.h"
#include "wb-link-ble.h"
#include "wb-ppogatt.h"

#define PYTHON  "/usr/bin/python3"
#define ADDRESS "AA:BB:CC:DD:EE:FF"
#define DEVICE  "/org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF"
#define ADAPTER "/org/bluez/hci0"
#define MTU     185

static struct {
	GTestDBus *bus;
	gchar *address;
	GDBusConnection *conn;   /* the daemon's system bus connection */
	GDBusConnection *driver; /* the test's own, to drive the mock */
	GSubprocess *mock;
	const gchar *template_path;
	WbBluezClient *client;
	WbBluezGattApp *app;
	WbLink *link;
	GPtrArray *notified; /* of GBytes, in order */
	GByteArray *received;
	guint closed;
	GError *closed_error;
	gboolean opened;
	GError *open_error;
	guint8 watch_sn; /* next Data sn the watch sends */
} t;

static gboolean
wait_until(gboolean (*done)(gpointer), gpointer data, guint timeout_ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	while (!done(data)) {
		if (g_get_monotonic_time() > end)
			return FALSE;
		g_main_context_iteration(NULL, FALSE);
		g_usleep(1000);
	}
	return TRUE;
}

static void
spin(guint ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;

	while (g_get_monotonic_time() < end) {
		g_main_context_iteration(NULL, FALSE);
		g_usleep(1000);
	}
}

typedef struct {
	GVariant *ret;
	GError *error;
	gboolean done;
} Call;

static void
call_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Call *c = user_data;

	c->ret = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &c->error);
	c->done = TRUE;
}

static gboolean
call_done(gpointer data)
{
	return ((Call *)data)->done;
}

/* An asynchronous call while the main context spins: the mock calls back into our
 * application before it answers. */
static GVariant *
mock_call(const gchar *path, const gchar *iface, const gchar *method, GVariant *args,
	  GError **error)
{
	Call c = {0};

	g_dbus_connection_call(t.driver, "org.bluez", path, iface, method, args, NULL,
			       G_DBUS_CALL_FLAGS_NONE, 10000, NULL, call_cb, &c);
	g_assert_true(wait_until(call_done, &c, 15000));
	if (c.error != NULL)
		g_propagate_error(error, c.error);
	return c.ret;
}

static void
mock(const gchar *method, GVariant *args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = mock_call("/", "org.bluez.Mock", method, args, &error);

	g_assert_no_error(error);
}

static GVariant *
bytes_variant(const guint8 *data, gsize len)
{
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1);
}

/* The watch writes one packet to our data characteristic. */
static void
watch_write(const guint8 *data, gsize len)
{
	GVariantBuilder options;

	g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&options, "{sv}", "mtu", g_variant_new_uint16(MTU));
	g_variant_builder_add(&options, "{sv}", "device", g_variant_new_object_path(DEVICE));
	mock("GattServerWrite", g_variant_new("(s@aya{sv})", WB_BLUEZ_PPOGATT_DATA_UUID,
					      bytes_variant(data, len), &options));
}

static void
on_notified(GDBusConnection *connection, const gchar *sender, const gchar *path, const gchar *iface,
	    const gchar *signal, GVariant *parameters, gpointer user_data)
{
	g_autoptr(GVariant) value = NULL;
	const gchar *uuid;
	const guint8 *data;
	gsize len;

	g_variant_get(parameters, "(&s@ay)", &uuid, &value);
	if (g_ascii_strcasecmp(uuid, WB_BLUEZ_PPOGATT_DATA_UUID) != 0)
		return;
	data = g_variant_get_fixed_array(value, &len, 1);
	g_ptr_array_add(t.notified, g_bytes_new(data, len));
}

static gboolean
have_n_notified(gpointer data)
{
	return t.notified->len >= GPOINTER_TO_UINT(data);
}

/* Waits for the next notification and returns it. */
static GBytes *
next_notification(guint *index)
{
	g_assert_true(wait_until(have_n_notified, GUINT_TO_POINTER(*index + 1), 5000));
	return g_bytes_ref(g_ptr_array_index(t.notified, (*index)++));
}

/* ---- cases -------------------------------------------------------------------------------- */

static gboolean
client_available(gpointer data)
{
	return wb_bluez_client_is_available(t.client);
}

static void
device_changed_cb(WbBluezClient *client, WbBluezDevice1 *device, gpointer user_data)
{
	if (g_strcmp0(wb_bluez_device1_get_address(device), ADDRESS) == 0)
		(*(guint *)user_data)++;
}

static gboolean
device_connected(gpointer data)
{
	return wb_bluez_device1_get_connected(data);
}

static void
test_client(void)
{
	g_autoptr(WbBluezAdapter1) adapter = NULL;
	g_autoptr(WbBluezDevice1) device = NULL;
	g_autoptr(WbBluezDevice1) none = NULL;
	guint changes = 0;

	t.client = wb_bluez_client_new(t.conn);
	g_assert_true(wait_until(client_available, NULL, 5000));
	adapter = wb_bluez_client_get_adapter(t.client);
	g_assert_nonnull(adapter);
	g_assert_cmpstr(g_dbus_proxy_get_object_path(G_DBUS_PROXY(adapter)), ==, ADAPTER);
	g_assert_true(wb_bluez_adapter1_get_powered(adapter));
	/* addresses match in any case */
	device = wb_bluez_client_find_device(t.client, "aa:bb:cc:dd:ee:ff");
	g_assert_nonnull(device);
	g_assert_cmpstr(g_dbus_proxy_get_object_path(G_DBUS_PROXY(device)), ==, DEVICE);
	none = wb_bluez_client_find_device(t.client, "11:22:33:44:55:66");
	g_assert_null(none);
	g_assert_false(wb_bluez_device1_get_connected(device));
	g_assert_false(wb_bluez_device_is_ready(device));

	g_signal_connect(t.client, "device-changed", G_CALLBACK(device_changed_cb), &changes);
	mock("ConnectDevice", g_variant_new("(ss)", "hci0", ADDRESS));
	g_assert_true(wait_until(device_connected, device, 5000));
	g_assert_cmpuint(changes, >, 0);
	/* the mock never resolves services: connected is not ready */
	g_assert_false(wb_bluez_device_is_ready(device));
	g_signal_handlers_disconnect_by_data(t.client, &changes);
}

static void
register_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Call *c = user_data;

	c->done = wb_bluez_gatt_app_register_finish(WB_BLUEZ_GATT_APP(source), result, &c->error);
	if (!c->done)
		c->done = TRUE;
}

static void
test_register(void)
{
	static const guint8 meta[19] = {0x00, 0x01, [18] = 0x01};
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) list = NULL;
	g_autoptr(GVariant) value = NULL;
	g_autoptr(GVariant) r = NULL;
	Call c = {0};
	const guint8 *data;
	gsize len;

	t.app = wb_bluez_gatt_app_new(t.conn, NULL);
	g_assert_false(wb_bluez_gatt_app_is_registered(t.app));
	/* the mock, like bluetoothd, reads the application before it answers: this only
	 * completes because the call is asynchronous */
	wb_bluez_gatt_app_register_async(t.app, ADAPTER, NULL, register_cb, &c);
	g_assert_true(wait_until(call_done, &c, 10000));
	g_assert_no_error(c.error);
	g_assert_true(wb_bluez_gatt_app_is_registered(t.app));

	list = mock_call("/", "org.bluez.Mock", "GattServerList", NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_variant_n_children(g_variant_get_child_value(list, 0)), ==, 3);

	/* §10.8: the meta characteristic reads 00 01, a zero UUID, 01 */
	value = mock_call("/", "org.bluez.Mock", "GattServerRead",
			  g_variant_new("(sa{sv})", WB_BLUEZ_PPOGATT_META_UUID, NULL), &error);
	g_assert_no_error(error);
	{
		g_autoptr(GVariant) ay = g_variant_get_child_value(value, 0);
		data = g_variant_get_fixed_array(ay, &len, 1);
		g_assert_cmpmem(data, len, meta, sizeof(meta));
	}
	g_clear_pointer(&value, g_variant_unref);
	value = mock_call("/", "org.bluez.Mock", "GattServerRead",
			  g_variant_new("(sa{sv})", WB_BLUEZ_DUMMY_UUID, NULL), &error);
	g_assert_no_error(error);

	/* the meta characteristic is read-only; nothing notifies before StartNotify */
	r = mock_call("/", "org.bluez.Mock", "GattServerWrite",
		      g_variant_new("(s@aya{sv})", WB_BLUEZ_PPOGATT_META_UUID,
				    bytes_variant((const guint8 *)"x", 1), NULL),
		      &error);
	g_assert_nonnull(error);
	g_assert_null(r);
	g_clear_error(&error);
	g_assert_false(wb_bluez_gatt_app_get_notifying(t.app));
	{
		g_autoptr(GBytes) pkt = g_bytes_new_static("\x01", 1);
		g_assert_false(wb_bluez_gatt_app_notify(t.app, pkt, &error));
		g_assert_nonnull(error);
		g_clear_error(&error);
	}
	g_clear_pointer(&c.ret, g_variant_unref);
}

static void
open_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	t.opened = wb_link_open_finish(WB_LINK(source), result, &t.open_error);
	if (!t.opened && t.open_error == NULL)
		g_assert_not_reached();
}

static void
received_cb(WbLink *link, GBytes *bytes, gpointer user_data)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	/* bytes only ever come up on an open link, after its open callback */
	g_assert_true(t.opened);
	g_assert_true(wb_link_is_open(link));
	g_byte_array_append(t.received, data, (guint)len);
}

static void
closed_cb(WbLink *link, const GError *error, gpointer user_data)
{
	t.closed++;
	g_clear_error(&t.closed_error);
	if (error != NULL)
		t.closed_error = g_error_copy(error);
}

static gboolean
link_opened(gpointer data)
{
	return t.opened || t.open_error != NULL;
}

static gboolean
received_n(gpointer data)
{
	return t.received->len >= GPOINTER_TO_UINT(data);
}

static void
decode(GBytes *bytes, WbPpogattPacket *pkt)
{
	g_autoptr(GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	g_assert_true(wb_ppogatt_packet_decode(data, len, pkt, &error));
	g_assert_no_error(error);
}

static void
watch_data(const gchar *payload)
{
	g_autoptr(GByteArray) pkt = g_byte_array_new();

	g_byte_array_append(pkt, (const guint8[]){(guint8)(t.watch_sn << 3)}, 1);
	g_byte_array_append(pkt, (const guint8 *)payload, (guint)strlen(payload));
	t.watch_sn = (t.watch_sn + 1) % WB_PPOGATT_SN_MOD;
	watch_write(pkt->data, pkt->len);
}

static void
test_handshake(void)
{
	/* §10.9: the watch's Reset Request: version 1 and its 12-byte serial */
	static const guint8 reset_request[] = {0x02, 0x01, 'Q', '1', '2', '3', '4',
					       '5',  '6',  '7', '8', '9', '0', 'A'};
	/* the watch's Reset Complete: v1 windows rx 13, tx 4 (§10.10) */
	static const guint8 reset_complete[] = {0x03, 0x0d, 0x04};
	g_autoptr(GBytes) answer = NULL;
	WbPpogattPacket pkt;
	guint index = 0;

	t.link = wb_link_ble_new(t.app, DEVICE, ADDRESS);
	g_assert_cmpstr(wb_link_get_transport(t.link), ==, "ble");
	g_assert_cmpstr(wb_link_get_target(t.link), ==, ADDRESS);
	g_signal_connect(t.link, "received", G_CALLBACK(received_cb), NULL);
	g_signal_connect(t.link, "closed", G_CALLBACK(closed_cb), NULL);
	wb_link_open_async(t.link, NULL, open_cb, NULL);
	spin(50);
	g_assert_false(link_opened(NULL));

	mock("GattServerStartNotify", g_variant_new("(s)", WB_BLUEZ_PPOGATT_DATA_UUID));
	g_assert_true(wb_bluez_gatt_app_get_notifying(t.app));
	watch_write(reset_request, sizeof(reset_request));
	/* our Reset Complete, as a notification: v1 windows 25/25 (§10.10, GB answers 03 19 19) */
	answer = next_notification(&index);
	g_assert_cmpmem(g_bytes_get_data(answer, NULL), g_bytes_get_size(answer), "\x03\x19\x19",
			3);
	g_assert_false(link_opened(NULL));

	watch_write(reset_complete, sizeof(reset_complete));
	g_assert_true(wait_until(link_opened, NULL, 5000));
	g_assert_no_error(t.open_error);
	g_assert_true(wb_link_is_open(t.link));
	g_assert_cmpuint(wb_link_ble_get_version(WB_LINK_BLE(t.link)), ==, 1);
	g_assert_cmpuint(wb_link_ble_get_tx_window(WB_LINK_BLE(t.link)), ==, 13);
	g_assert_cmpuint(wb_link_ble_get_rx_window(WB_LINK_BLE(t.link)), ==, 4);
	/* §10.9: payload = MTU - 4 from the write's options */
	g_assert_cmpuint(wb_link_ble_get_max_payload(WB_LINK_BLE(t.link)), ==, MTU - 4);

	/* a Data packet's payload comes up as stream bytes, and is acknowledged */
	watch_data("hello, phone");
	g_assert_true(wait_until(received_n, GUINT_TO_POINTER(12), 5000));
	g_assert_cmpmem(t.received->data, t.received->len, "hello, phone", 12);
	g_clear_pointer(&answer, g_bytes_unref);
	answer = next_notification(&index);
	decode(answer, &pkt);
	g_assert_cmpint(pkt.type, ==, WB_PPOGATT_TYPE_ACK);
	g_assert_cmpuint(pkt.sn, ==, 0);

	/* packets from another device are not ours */
	{
		GVariantBuilder options;
		static const guint8 other[] = {0x08, 'x'};

		g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
		g_variant_builder_add(&options, "{sv}", "device",
				      g_variant_new_object_path("/org/bluez/hci0/dev_11_22"));
		mock("GattServerWrite",
		     g_variant_new("(s@aya{sv})", WB_BLUEZ_PPOGATT_DATA_UUID,
				   bytes_variant(other, sizeof(other)), &options));
		spin(300);
		g_assert_cmpuint(t.received->len, ==, 12);
		g_assert_cmpuint(t.notified->len, ==, index);
	}
	/* hostile values: empty, a bad type, longer than any attribute value; dropped */
	{
		g_autofree guint8 *big = g_malloc0(600);
		static const guint8 bad_type[] = {0x07, 0x00};

		watch_write(NULL, 0);
		watch_write(bad_type, sizeof(bad_type));
		watch_write(big, 600);
		spin(100);
		g_assert_true(wb_link_is_open(t.link));
		g_assert_cmpuint(t.received->len, ==, 12);
		g_assert_cmpuint(t.closed, ==, 0);
	}
	g_ptr_array_set_size(t.notified, 0);
}

static void
test_send(void)
{
	g_autoptr(GByteArray) sent = g_byte_array_new();
	g_autoptr(GByteArray) got = g_byte_array_new();
	guint8 expect_sn = 0;
	guint data_packets = 0;
	guint64 state = 1;

	/* 1000 bytes: six packets of at most MTU - 4 bytes, all inside the window of 13 */
	for (guint i = 0; i < 1000; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		g_byte_array_append(sent, (const guint8[]){(guint8)(state >> 56)}, 1);
	}
	{
		g_autoptr(GBytes) bytes = g_bytes_new(sent->data, sent->len);
		wb_link_send(t.link, bytes);
	}
	for (guint i = 0; got->len < sent->len; i++) {
		WbPpogattPacket pkt;
		GBytes *b;

		g_assert_true(wait_until(have_n_notified, GUINT_TO_POINTER(i + 1), 5000));
		b = g_ptr_array_index(t.notified, i);
		decode(b, &pkt);
		if (pkt.type != WB_PPOGATT_TYPE_DATA)
			continue;
		g_assert_cmpuint(pkt.sn, ==, expect_sn);
		g_assert_cmpuint(pkt.len, <=, MTU - 4);
		expect_sn++;
		data_packets++;
		g_byte_array_append(got, pkt.payload, (guint)pkt.len);
	}
	g_assert_cmpmem(got->data, got->len, sent->data, sent->len);
	g_assert_cmpuint(data_packets, ==, (1000 + MTU - 5) / (MTU - 4));
	/* the watch acknowledges them (cumulative Ack of the last sn) */
	{
		guint8 ack = (guint8)((expect_sn - 1) << 3 | 0x01);
		watch_write(&ack, 1);
	}

	/* back to back, in one main loop iteration: two notifications, not one merged value
	 * (the skeleton is flushed after each Value change) */
	g_ptr_array_set_size(t.notified, 0);
	{
		g_autoptr(GBytes) a = g_bytes_new_static("ab", 2);
		g_autoptr(GBytes) b = g_bytes_new_static("cd", 2);
		wb_link_send(t.link, a);
		wb_link_send(t.link, b);
	}
	g_assert_true(wait_until(have_n_notified, GUINT_TO_POINTER(2), 5000));
	spin(100);
	g_assert_cmpuint(t.notified->len, ==, 2);
	{
		WbPpogattPacket p0, p1;

		decode(g_ptr_array_index(t.notified, 0), &p0);
		decode(g_ptr_array_index(t.notified, 1), &p1);
		g_assert_cmpint(p0.type, ==, WB_PPOGATT_TYPE_DATA);
		g_assert_cmpint(p1.type, ==, WB_PPOGATT_TYPE_DATA);
		g_assert_cmpuint(p0.sn, ==, expect_sn);
		g_assert_cmpuint(p1.sn, ==, (guint8)(expect_sn + 1));
		g_assert_cmpmem(p0.payload, p0.len, "ab", 2);
		g_assert_cmpmem(p1.payload, p1.len, "cd", 2);
	}
	/* unacknowledged, they go again after the retransmission timeout (go-back-N, the
	 * state machine's timer armed with g_timeout) */
	g_assert_true(wait_until(have_n_notified, GUINT_TO_POINTER(4), 8000));
	{
		WbPpogattPacket p2, p3;

		decode(g_ptr_array_index(t.notified, 2), &p2);
		decode(g_ptr_array_index(t.notified, 3), &p3);
		g_assert_cmpuint(p2.sn, ==, expect_sn);
		g_assert_cmpmem(p2.payload, p2.len, "ab", 2);
		g_assert_cmpuint(p3.sn, ==, (guint8)(expect_sn + 1));
		g_assert_cmpmem(p3.payload, p3.len, "cd", 2);
	}

	/* bluetoothd sends writes through an AcquireWrite socket when the application exposes
	 * WriteAcquired: the packets come up the same way */
	{
		guint8 pkt[] = {(guint8)(t.watch_sn << 3), 'v', 'i', 'a', ' ', 'f', 'd'};

		t.watch_sn++;
		mock("GattServerAcquireWriteAndSend",
		     g_variant_new("(s@ay)", WB_BLUEZ_PPOGATT_DATA_UUID,
				   bytes_variant(pkt, sizeof(pkt))));
		g_assert_true(wait_until(received_n, GUINT_TO_POINTER(12 + 6), 5000));
		g_assert_cmpmem(t.received->data + 12, t.received->len - 12, "via fd", 6);
	}
	/* the watch acknowledges everything: the link has nothing left to retransmit */
	{
		guint8 ack = (guint8)(((expect_sn + 1) % WB_PPOGATT_SN_MOD) << 3 | 0x01);
		watch_write(&ack, 1);
	}
	g_assert_cmpuint(t.closed, ==, 0);
}

/* A Reset Request from the watch on an open link ends the session: "closed", and the link
 * keeps listening, so opening it again completes with the watch's new session. */
static void
test_reset(void)
{
	static const guint8 reset_request[] = {0x02, 0x01, 'Q', '1', '2', '3', '4',
					       '5',  '6',  '7', '8', '9', '0', 'A'};
	static const guint8 reset_complete[] = {0x03, 0x0d, 0x04};
	g_autoptr(GBytes) answer = NULL;
	guint index = 0;

	g_ptr_array_set_size(t.notified, 0);
	g_byte_array_set_size(t.received, 0);
	watch_write(reset_request, sizeof(reset_request));
	g_assert_cmpuint(t.closed, ==, 1);
	g_assert_error(t.closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_link_is_open(t.link));
	answer = next_notification(&index);
	g_assert_cmpmem(g_bytes_get_data(answer, NULL), g_bytes_get_size(answer), "\x03\x19\x19",
			3);
	/* sending on a closed link does nothing */
	{
		g_autoptr(GBytes) b = g_bytes_new_static("zz", 2);
		wb_link_send(t.link, b);
	}

	/* the watch completes its new session and talks before the owner reopens the link */
	t.opened = FALSE;
	t.watch_sn = 0;
	watch_write(reset_complete, sizeof(reset_complete));
	watch_data("new session");
	spin(50);
	g_assert_cmpuint(t.received->len, ==, 0);
	wb_link_open_async(t.link, NULL, open_cb, NULL);
	g_assert_true(wait_until(link_opened, NULL, 5000));
	g_assert_no_error(t.open_error);
	g_assert_true(wait_until(received_n, GUINT_TO_POINTER(11), 5000));
	g_assert_cmpmem(t.received->data, t.received->len, "new session", 11);
	/* nothing of the old session (the "zz" above) went out as Data */
	spin(300);
	for (guint i = 0; i < t.notified->len; i++) {
		WbPpogattPacket pkt;

		decode(g_ptr_array_index(t.notified, i), &pkt);
		g_assert_cmpint(pkt.type, !=, WB_PPOGATT_TYPE_DATA);
	}
	/* opening an open link is an error */
	t.opened = FALSE;
	wb_link_open_async(t.link, NULL, open_cb, NULL);
	g_assert_true(wait_until(link_opened, NULL, 5000));
	g_assert_error(t.open_error, WB_ERROR, WB_ERROR_BUSY);
	g_clear_error(&t.open_error);
	t.opened = TRUE;
	t.closed = 0;
}

static gboolean
link_closed(gpointer data)
{
	return t.closed > 0;
}

static void
test_disconnect(void)
{
	mock("DisconnectDevice", g_variant_new("(ss)", "hci0", ADDRESS));
	g_assert_true(wait_until(link_closed, NULL, 5000));
	g_assert_cmpuint(t.closed, ==, 1);
	g_assert_error(t.closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_link_is_open(t.link));
	/* closed is emitted once; closing again is harmless */
	wb_link_close(t.link);
	g_assert_cmpuint(t.closed, ==, 1);
}

/* ---- setup -------------------------------------------------------------------------------- */

static gboolean
have_dbusmock(void)
{
	gint status = -1;

	if (!g_spawn_sync(NULL, (gchar *[]){PYTHON, "-c", "import dbusmock", NULL}, NULL,
			  G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
			  NULL, &status, NULL))
		return FALSE;
	return g_spawn_check_wait_status(status, NULL);
}

static void
name_appeared_cb(GDBusConnection *connection, const gchar *name, const gchar *owner,
		 gpointer user_data)
{
	*(gboolean *)user_data = TRUE;
}

static gboolean
flag_set(gpointer data)
{
	return *(gboolean *)data;
}

static GDBusConnection *
connect_bus(void)
{
	g_autoptr(GError) error = NULL;
	GDBusConnection *conn = g_dbus_connection_new_for_address_sync(
		t.address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);

	g_assert_no_error(error);
	g_dbus_connection_set_exit_on_close(conn, FALSE);
	return conn;
}

static void
open_any_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GError **error = user_data;

	if (!wb_link_open_finish(WB_LINK(source), result, error))
		g_assert_nonnull(*error);
	else
		g_assert_not_reached();
}

static gboolean
error_set(gpointer data)
{
	return *(GError **)data != NULL;
}

static void
test_cancel(void)
{
	g_autoptr(WbLink) link = wb_link_ble_new(t.app, DEVICE, ADDRESS);
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autoptr(GError) error = NULL;

	wb_link_open_async(link, cancellable, open_any_cb, &error);
	spin(20);
	g_cancellable_cancel(cancellable);
	g_assert_true(wait_until(error_set, &error, 5000));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
available_cb(WbBluezClient *client, gboolean available, gpointer user_data)
{
	g_ptr_array_add(user_data, GINT_TO_POINTER(available ? 1 : 2));
}

static gboolean
have_n(gpointer data)
{
	return ((GPtrArray *)data)->len >= 2;
}

static void
start_mock(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	gboolean appeared = FALSE;
	guint watch;

	/* silenced: dbusmock logs every call on stdout, and a full pipe would stall it */
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_subprocess_launcher_setenv(launcher, "DBUS_SYSTEM_BUS_ADDRESS", t.address, TRUE);
	t.mock = g_subprocess_launcher_spawn(launcher, &error, PYTHON, "-m", "dbusmock", "--system",
					     "-t", t.template_path, NULL);
	g_assert_no_error(error);
	watch = g_bus_watch_name_on_connection(t.driver, "org.bluez", G_BUS_NAME_WATCHER_FLAGS_NONE,
					       name_appeared_cb, NULL, &appeared, NULL);
	g_assert_true(wait_until(flag_set, &appeared, 20000));
	g_bus_unwatch_name(watch);
	mock("AddAdapter", g_variant_new("(ss)", "hci0", "wearbridge-test"));
	mock("AddDevice", g_variant_new("(sss)", "hci0", ADDRESS, "Pebble Time 1234"));
}

static void
stop_mock(void)
{
	g_subprocess_send_signal(t.mock, SIGTERM);
	(void)g_subprocess_wait(t.mock, NULL, NULL);
	g_clear_object(&t.mock);
}

/* bluetoothd restarts: a pending open fails, the application must register again, the client
 * rebuilds its view. */
static void
test_bluez_restart(void)
{
	g_autoptr(WbLink) link = wb_link_ble_new(t.app, DEVICE, ADDRESS);
	g_autoptr(GPtrArray) changes = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(WbBluezAdapter1) adapter = NULL;
	Call c = {0};

	g_signal_connect(t.client, "available-changed", G_CALLBACK(available_cb), changes);
	wb_link_open_async(link, NULL, open_any_cb, &error);
	spin(20);
	stop_mock();
	g_assert_true(wait_until(error_set, &error, 5000));
	g_assert_error(error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_bluez_gatt_app_is_registered(t.app));
	g_assert_false(wb_bluez_client_is_available(t.client));
	g_assert_null(wb_bluez_client_get_adapter(t.client));

	start_mock();
	g_assert_true(wait_until(have_n, changes, 5000));
	g_assert_cmpint(GPOINTER_TO_INT(changes->pdata[0]), ==, 2);
	g_assert_cmpint(GPOINTER_TO_INT(changes->pdata[1]), ==, 1);
	g_assert_true(wait_until(client_available, NULL, 5000));
	/* the adapter may come in a moment after the manager: wait for it */
	for (guint i = 0; i < 500 && adapter == NULL; i++) {
		adapter = wb_bluez_client_get_adapter(t.client);
		if (adapter == NULL)
			spin(10);
	}
	g_assert_nonnull(adapter);

	wb_bluez_gatt_app_register_async(t.app, ADAPTER, NULL, register_cb, &c);
	g_assert_true(wait_until(call_done, &c, 10000));
	g_assert_no_error(c.error);
	g_assert_true(wb_bluez_gatt_app_is_registered(t.app));
	g_signal_handlers_disconnect_by_data(t.client, changes);
}

int
main(int argc, char **argv)
{
	int ret;

	if (argc < 2 || !have_dbusmock()) {
		g_printerr("skipped: needs " PYTHON " with dbusmock and the mock template path\n");
		return 77;
	}
	t.template_path = argv[1];
	g_test_init(&argc, &argv, NULL);
	/* dbusmock's bluez5 template publishes ManufacturerData as aa{qv}: our typed proxies drop
	 * a mistyped property with a warning (the daemon's answer to a hostile BlueZ); criticals
	 * stay fatal */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

	t.bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(t.bus);
	t.address = g_strdup(g_test_dbus_get_bus_address(t.bus));
	t.conn = connect_bus();
	t.driver = connect_bus();
	t.notified = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	t.received = g_byte_array_new();

	g_dbus_connection_signal_subscribe(t.driver, NULL, "org.bluez.Mock", "GattServerNotified",
					   "/", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_notified, NULL,
					   NULL);
	start_mock();

	g_test_add_func("/wearbridge/bluez/client", test_client);
	g_test_add_func("/wearbridge/bluez/register", test_register);
	g_test_add_func("/wearbridge/bluez/handshake", test_handshake);
	g_test_add_func("/wearbridge/bluez/send", test_send);
	g_test_add_func("/wearbridge/bluez/reset", test_reset);
	g_test_add_func("/wearbridge/bluez/disconnect", test_disconnect);
	g_test_add_func("/wearbridge/bluez/cancel", test_cancel);
	g_test_add_func("/wearbridge/bluez/bluez-restart", test_bluez_restart);
	ret = g_test_run();

	g_clear_object(&t.link);
	g_clear_object(&t.app);
	g_clear_object(&t.client);
	stop_mock();
	g_clear_error(&t.closed_error);
	g_clear_error(&t.open_error);
	g_ptr_array_unref(t.notified);
	g_byte_array_unref(t.received);
	g_dbus_connection_close_sync(t.conn, NULL, NULL);
	g_dbus_connection_close_sync(t.driver, NULL, NULL);
	g_clear_object(&t.conn);
	g_clear_object(&t.driver);
	g_test_dbus_down(t.bus);
	g_clear_object(&t.bus);
	g_free(t.address);
	return ret;
}
