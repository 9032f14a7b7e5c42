/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * WbBluezProfile and WbLinkRfcomm on a private "system" bus (GTestDBus):
 *  - against wb-mock-bluez (env WB_MOCK_BLUEZ; skipped without it): register the SPP profile,
 *    pair (no agent: Just Works), connect_async → socket → rfcomm link → the classic watch's
 *    PhoneAppVersion request and a WatchVersion answer; the link going down both ways; hostile
 *    Profile1 calls from a client that is not org.bluez are rejected;
 *  - against a fake bluetoothd in this process (a second connection that owns org.bluez):
 *    NewConnection before and after the ConnectProfile reply, an error reply, cancellation,
 *    validation of the fd and the device path, unsolicited connections ("incoming"),
 *    RequestDisconnection and Release.
 */
#include <gio/gunixfdlist.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wb-bluez-profile.h"
#include "wb-error.h"
#include "wb-link-rfcomm.h"

#define ADAPTER "/org/bluez/hci0"
/* the mock's classic watch */
#define CLASSIC_DEVICE  ADAPTER "/dev_B0_B4_48_12_C1_A5"
#define CLASSIC_ADDRESS "B0:B4:48:12:C1:A5"
/* the fake bluetoothd's device */
#define FAKE_DEVICE ADAPTER "/dev_00_11_22_33_44_55"

#define CONTROL_NAME  "org.wearbridge.MockBluez"
#define CONTROL_PATH  "/org/wearbridge/mock"
#define CONTROL_IFACE "org.wearbridge.MockBluez1"

typedef struct {
	GTestDBus *bus;
	GDBusConnection *conn;
	GSubprocess *mock;
	WbBluezProfile *profile;
	/* fake bluetoothd */
	GDBusConnection *fake;
	guint fake_regs[2];
	guint fake_name;
	const gchar *fake_mode; /* "before", "after", "error", "never" */
	gint fake_fd_index;     /* what NewConnection carries */
	gint fake_fd_type;      /* SOCK_STREAM, SOCK_DGRAM, or -1 for a pipe */
	gchar *fake_device;     /* the device path NewConnection names */
	gchar *fake_profile_owner;
	gchar *fake_reply_error; /* NewConnection's reply */
	gboolean fake_replied;
	guint fake_pending; /* NewConnection calls in flight */
	gint fake_peer;     /* our end of what we handed over */
	/* results */
	GSocket *socket;
	GError *error;
	gboolean done;
	GByteArray *received;
	guint closed;
	GError *closed_error;
	gchar *incoming_device;
	GSocket *incoming_socket;
	gboolean take_incoming;
} Fixture;

static void
spin_until(Fixture *f, gboolean *flag, const gchar *what)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (!*flag) {
		if (g_get_monotonic_time() > end)
			g_error("timed out waiting for %s", what);
		g_main_context_iteration(NULL, TRUE);
	}
}

static void
spin_ms(guint ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;

	while (g_get_monotonic_time() < end) {
		if (!g_main_context_iteration(NULL, FALSE))
			g_usleep(1000);
	}
}

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

typedef struct {
	GVariant *ret;
	GError *error;
	gboolean done;
} CallResult;

static void
call_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CallResult *r = user_data;

	r->ret = g_dbus_connection_call_with_unix_fd_list_finish(G_DBUS_CONNECTION(source), NULL,
								 result, &r->error);
	r->done = TRUE;
}

/* An asynchronous call spun to completion: the callee may call back into this process */
static GVariant *
call(Fixture *f, GDBusConnection *conn, const gchar *dest, const gchar *path, const gchar *iface,
     const gchar *method, GVariant *args, GUnixFDList *fds, GError **error)
{
	CallResult r = {0};

	g_dbus_connection_call_with_unix_fd_list(conn, dest, path, iface, method, args, NULL,
						 G_DBUS_CALL_FLAGS_NONE, 10000, fds, NULL, call_cb,
						 &r);
	spin_until(f, &r.done, method);
	if (r.error != NULL)
		g_propagate_error(error, r.error);
	return r.ret;
}

static gchar *
control(Fixture *f, const gchar *method, GVariant *args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = call(f, f->conn, CONTROL_NAME, CONTROL_PATH, CONTROL_IFACE,
				       method, args, NULL, &error);
	gchar *json = NULL;

	g_assert_no_error(error);
	if (g_variant_is_of_type(ret, G_VARIANT_TYPE("(s)")))
		g_variant_get(ret, "(s)", &json);
	return json;
}

static GDBusConnection *
connect_bus(Fixture *f)
{
	g_autoptr(GError) error = NULL;
	GDBusConnection *conn = g_dbus_connection_new_for_address_sync(
		g_test_dbus_get_bus_address(f->bus),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);

	g_assert_no_error(error);
	g_dbus_connection_set_exit_on_close(conn, FALSE);
	return conn;
}

static gboolean
on_incoming(WbBluezProfile *profile, const gchar *device, GSocket *socket, gpointer user_data)
{
	Fixture *f = user_data;

	g_free(f->incoming_device);
	f->incoming_device = g_strdup(device);
	if (!f->take_incoming)
		return FALSE;
	g_clear_object(&f->incoming_socket);
	f->incoming_socket = g_object_ref(socket);
	return TRUE;
}

static void
setup_bus(Fixture *f)
{
	f->bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(f->bus);
	f->conn = connect_bus(f);
	f->received = g_byte_array_new();
	f->fake_peer = -1;
}

static void
setup_profile(Fixture *f)
{
	f->profile = wb_bluez_profile_new(f->conn);
	g_signal_connect(f->profile, "incoming", G_CALLBACK(on_incoming), f);
}

static void
register_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *f = user_data;

	g_assert_true(
		wb_bluez_profile_register_finish(WB_BLUEZ_PROFILE(source), result, &f->error));
	f->done = TRUE;
}

static void
register_profile(Fixture *f)
{
	f->done = FALSE;
	g_clear_error(&f->error);
	wb_bluez_profile_register_async(f->profile, NULL, register_cb, f);
	spin_until(f, &f->done, "RegisterProfile");
	g_assert_no_error(f->error);
	g_assert_true(wb_bluez_profile_is_registered(f->profile));
}

static void
connect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *f = user_data;

	g_clear_object(&f->socket);
	g_clear_error(&f->error);
	f->socket = wb_bluez_profile_connect_finish(WB_BLUEZ_PROFILE(source), result, &f->error);
	g_assert_true((f->socket == NULL) != (f->error == NULL));
	f->done = TRUE;
}

static void
profile_connect(Fixture *f, const gchar *device, GCancellable *cancellable)
{
	f->done = FALSE;
	wb_bluez_profile_connect_async(f->profile, device, cancellable, connect_cb, f);
	spin_until(f, &f->done, "connect");
}

static void
teardown(Fixture *f, gconstpointer data)
{
	/* no callback may outlive the fixture */
	while (f->fake_pending > 0)
		g_main_context_iteration(NULL, TRUE);
	g_clear_object(&f->profile);
	if (f->mock != NULL) {
		g_subprocess_send_signal(f->mock, SIGTERM);
		g_assert_true(g_subprocess_wait(f->mock, NULL, NULL));
		g_clear_object(&f->mock);
	}
	for (guint i = 0; i < G_N_ELEMENTS(f->fake_regs); i++) {
		if (f->fake_regs[i] != 0)
			g_dbus_connection_unregister_object(f->fake, f->fake_regs[i]);
	}
	g_clear_handle_id(&f->fake_name, g_bus_unown_name);
	if (f->fake != NULL)
		g_dbus_connection_close_sync(f->fake, NULL, NULL);
	g_clear_object(&f->fake);
	g_free(f->fake_device);
	g_free(f->fake_profile_owner);
	g_free(f->fake_reply_error);
	if (f->fake_peer >= 0)
		close(f->fake_peer);
	g_clear_object(&f->socket);
	g_clear_object(&f->incoming_socket);
	g_free(f->incoming_device);
	g_clear_error(&f->error);
	g_clear_error(&f->closed_error);
	g_byte_array_unref(f->received);
	g_dbus_connection_close_sync(f->conn, NULL, NULL);
	g_clear_object(&f->conn);
	g_test_dbus_down(f->bus);
	g_clear_object(&f->bus);
}

/* ------------------------------------------------------------------ against wb-mock-bluez */

static gboolean
setup_mock(Fixture *f)
{
	const gchar *mock = g_getenv("WB_MOCK_BLUEZ");
	g_autoptr(GSubprocessLauncher) launcher = NULL;
	g_autoptr(GError) error = NULL;
	gint64 end;

	setup_bus(f);
	if (mock == NULL || !g_file_test(mock, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("WB_MOCK_BLUEZ does not name the wb-mock-bluez binary");
		return FALSE;
	}
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_setenv(launcher, "DBUS_SYSTEM_BUS_ADDRESS",
				     g_test_dbus_get_bus_address(f->bus), TRUE);
	f->mock = g_subprocess_launcher_spawn(launcher, &error, mock, NULL);
	g_assert_no_error(error);
	end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (!has_owner(f->conn, "org.bluez") || !has_owner(f->conn, CONTROL_NAME)) {
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_usleep(10000);
	}
	setup_profile(f);
	return TRUE;
}

static void
mock_setup(Fixture *f, gconstpointer data)
{
	setup_mock(f);
}

static void
on_received(WbLink *link, GBytes *bytes, gpointer user_data)
{
	Fixture *f = user_data;
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	g_byte_array_append(f->received, data, (guint)len);
}

static void
on_closed(WbLink *link, const GError *error, gpointer user_data)
{
	Fixture *f = user_data;

	f->closed++;
	g_clear_error(&f->closed_error);
	if (error != NULL)
		f->closed_error = g_error_copy(error);
}

static void
open_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *f = user_data;

	g_assert_true(wb_link_open_finish(WB_LINK(source), result, &f->error));
	f->done = TRUE;
}

/* Takes the next whole frame (§11: 4-byte header, then the payload); FALSE if none yet */
static gboolean
take_frame(Fixture *f, guint16 *endpoint, GByteArray *payload)
{
	gsize len;

	if (f->received->len < 4)
		return FALSE;
	len = ((gsize)f->received->data[0] << 8) | f->received->data[1];
	if (f->received->len < 4 + len)
		return FALSE;
	*endpoint = (guint16)((f->received->data[2] << 8) | f->received->data[3]);
	g_byte_array_set_size(payload, 0);
	g_byte_array_append(payload, f->received->data + 4, (guint)len);
	g_byte_array_remove_range(f->received, 0, (guint)(4 + len));
	return TRUE;
}

static void
wait_frame(Fixture *f, guint16 want, GByteArray *payload)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	guint16 endpoint;

	for (;;) {
		while (take_frame(f, &endpoint, payload)) {
			if (endpoint == want)
				return;
		}
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_main_context_iteration(NULL, TRUE);
	}
}

static void
assert_remote_error(const GError *error, const gchar *name)
{
	g_autofree gchar *remote = NULL;

	g_assert_nonnull(error);
	g_assert_true(g_dbus_error_is_remote_error(error));
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, name);
}

static gboolean
json_has(const gchar *json, const gchar *member)
{
	return strstr(json, member) != NULL;
}

static WbLink *
pair_and_connect(Fixture *f)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = NULL;
	g_autofree gchar *ignored = NULL;
	WbLink *link;

	register_profile(f);
	/* the watch in range at once, then Pair() with no agent: Just Works */
	ignored = control(f, "SetClassicVisible", g_variant_new("(b)", TRUE));
	ret = call(f, f->conn, "org.bluez", CLASSIC_DEVICE, "org.bluez.Device1", "Pair", NULL, NULL,
		   &error);
	g_assert_no_error(error);

	profile_connect(f, CLASSIC_DEVICE, NULL);
	g_assert_no_error(f->error);
	g_assert_true(G_IS_SOCKET(f->socket));
	link = wb_link_rfcomm_new(CLASSIC_ADDRESS, f->socket);
	g_signal_connect(link, "received", G_CALLBACK(on_received), f);
	g_signal_connect(link, "closed", G_CALLBACK(on_closed), f);
	f->done = FALSE;
	wb_link_open_async(link, NULL, open_cb, f);
	spin_until(f, &f->done, "link open");
	g_assert_true(wb_link_is_open(link));
	return link;
}

static void
test_mock_connect(Fixture *f, gconstpointer data)
{
	static const guint8 watch_version_request[] = {0x00, 0x01, 0x00, 0x10, 0x00};
	g_autoptr(WbLink) link = NULL;
	g_autoptr(GByteArray) payload = g_byte_array_new();
	g_autoptr(GBytes) out = NULL;
	g_autofree gchar *state = NULL;

	if (f->mock == NULL)
		return;
	link = pair_and_connect(f);
	g_assert_cmpstr(wb_link_get_transport(link), ==, "rfcomm");
	g_assert_cmpstr(wb_link_get_target(link), ==, CLASSIC_ADDRESS);
	/* §2.1: the watch's PhoneAppVersion request is the first frame */
	wait_frame(f, 0x0011, payload);
	g_assert_cmpuint(payload->len, ==, 1);
	g_assert_cmpuint(payload->data[0], ==, 0x00);
	/* §2.5/§2.6: WatchVersion: the classic watch's identity */
	out = g_bytes_new_static(watch_version_request, sizeof(watch_version_request));
	wb_link_send(link, out);
	wait_frame(f, 0x0010, payload);
	g_assert_cmpuint(payload->data[0], ==, 0x01);
	g_assert_nonnull(memmem(payload->data, payload->len, "WBSIM0000002", 12));

	state = control(f, "ClassicLinkState", NULL);
	g_assert_true(json_has(state, "\"connected\":true"));
	g_assert_true(json_has(state, "\"rfcomm\":\"open\""));
	g_assert_true(json_has(state, "\"bytes_to_watch\":5"));

	/* we hang up: the watch's channel closes, then the ACL */
	wb_link_close(link);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_null(f->closed_error);
	for (gint i = 0; i < 500; i++) {
		g_free(state);
		state = control(f, "ClassicLinkState", NULL);
		if (json_has(state, "\"rfcomm\":\"none\""))
			break;
		spin_ms(10);
	}
	g_assert_true(json_has(state, "\"connected\":false"));
}

static void
test_mock_watch_drops(Fixture *f, gconstpointer data)
{
	g_autoptr(WbLink) link = NULL;
	g_autoptr(GByteArray) payload = g_byte_array_new();
	g_autofree gchar *ignored = NULL;

	if (f->mock == NULL)
		return;
	link = pair_and_connect(f);
	wait_frame(f, 0x0011, payload);
	ignored = control(f, "DropClassicLink", NULL);
	while (f->closed == 0)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(f->closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_link_is_open(link));

	/* connect again: a new socket, a new session */
	g_clear_object(&link);
	g_byte_array_set_size(f->received, 0);
	f->closed = 0;
	profile_connect(f, CLASSIC_DEVICE, NULL);
	g_assert_no_error(f->error);
	link = wb_link_rfcomm_new(CLASSIC_ADDRESS, f->socket);
	g_signal_connect(link, "received", G_CALLBACK(on_received), f);
	g_signal_connect(link, "closed", G_CALLBACK(on_closed), f);
	f->done = FALSE;
	wb_link_open_async(link, NULL, open_cb, f);
	spin_until(f, &f->done, "link open");
	wait_frame(f, 0x0011, payload);

	/* Device1.Disconnect: bluetoothd calls RequestDisconnection, the link sees EOF */
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(GVariant) ret =
			call(f, f->conn, "org.bluez", CLASSIC_DEVICE, "org.bluez.Device1",
			     "Disconnect", NULL, NULL, &error);
		g_assert_no_error(error);
	}
	while (f->closed == 0)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(f->closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
}

static void
test_mock_errors(Fixture *f, gconstpointer data)
{
	g_autofree gchar *ignored = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = NULL;

	if (f->mock == NULL)
		return;
	/* not registered: refused before BlueZ is asked */
	ignored = control(f, "SetClassicVisible", g_variant_new("(b)", TRUE));
	profile_connect(f, CLASSIC_DEVICE, NULL);
	g_assert_error(f->error, WB_ERROR, WB_ERROR_FAILED);
	register_profile(f);
	/* registering again is fine (already registered) */
	register_profile(f);
	/* out of range, paired: "Host is down" */
	ret = call(f, f->conn, "org.bluez", CLASSIC_DEVICE, "org.bluez.Device1", "Pair", NULL, NULL,
		   &error);
	g_assert_no_error(error);
	g_free(ignored);
	ignored = control(f, "SetClassicVisible", g_variant_new("(b)", FALSE));
	profile_connect(f, CLASSIC_DEVICE, NULL);
	g_assert_error(f->error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_nonnull(strstr(f->error->message, "Host is down"));
	/* adapter off */
	g_free(ignored);
	ignored = control(f, "SetPowered", g_variant_new("(b)", FALSE));
	profile_connect(f, CLASSIC_DEVICE, NULL);
	g_assert_error(f->error, WB_ERROR, WB_ERROR_ADAPTER_OFF);
	/* no such device */
	profile_connect(f, ADAPTER "/dev_00_00_00_00_00_00", NULL);
	g_assert_error(f->error, WB_ERROR, WB_ERROR_DEVICE_NOT_FOUND);
	/* bluetoothd exits: the profile is no longer registered */
	g_free(ignored);
	ignored = control(f, "Vanish", NULL);
	while (wb_bluez_profile_is_registered(f->profile))
		g_main_context_iteration(NULL, TRUE);
}

/* Profile1 calls from a client that is not org.bluez's owner */
static void
test_mock_hostile(Fixture *f, gconstpointer data)
{
	g_autoptr(GDBusConnection) hostile = NULL;
	g_autoptr(GUnixFDList) fds = g_unix_fd_list_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = NULL;
	gint sv[2];

	if (f->mock == NULL)
		return;
	register_profile(f);
	hostile = connect_bus(f);
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	g_assert_cmpint(g_unix_fd_list_append(fds, sv[1], NULL), ==, 0);
	ret = call(f, hostile, g_dbus_connection_get_unique_name(f->conn), WB_BLUEZ_PROFILE_PATH,
		   "org.bluez.Profile1", "NewConnection",
		   g_variant_new("(oh@a{sv})", CLASSIC_DEVICE, 0,
				 g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
		   fds, &error);
	g_assert_null(ret);
	assert_remote_error(error, "org.bluez.Error.Rejected");
	g_assert_null(f->incoming_device);
	g_clear_error(&error);

	ret = call(f, hostile, g_dbus_connection_get_unique_name(f->conn), WB_BLUEZ_PROFILE_PATH,
		   "org.bluez.Profile1", "Release", NULL, NULL, &error);
	g_assert_null(ret);
	assert_remote_error(error, "org.bluez.Error.Rejected");
	g_clear_error(&error);
	ret = call(f, hostile, g_dbus_connection_get_unique_name(f->conn), WB_BLUEZ_PROFILE_PATH,
		   "org.bluez.Profile1", "RequestDisconnection",
		   g_variant_new("(o)", CLASSIC_DEVICE), NULL, &error);
	g_assert_null(ret);
	assert_remote_error(error, "org.bluez.Error.Rejected");
	g_assert_true(wb_bluez_profile_is_registered(f->profile));
	close(sv[0]);
	close(sv[1]);
	g_dbus_connection_close_sync(hostile, NULL, NULL);
}

/* ------------------------------------------------------------------ against a fake bluetoothd */

static const gchar fake_xml[] =
	"<node>"
	" <interface name='org.bluez.ProfileManager1'>"
	"  <method name='RegisterProfile'><arg type='o' direction='in'/>"
	"   <arg type='s' direction='in'/><arg type='a{sv}' direction='in'/></method>"
	"  <method name='UnregisterProfile'><arg type='o' direction='in'/></method>"
	" </interface>"
	" <interface name='org.bluez.Device1'>"
	"  <method name='ConnectProfile'><arg type='s' direction='in'/></method>"
	" </interface>"
	"</node>";

static void fake_new_connection(Fixture *f, GDBusMethodInvocation *reply_after);

static void
new_connection_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *f = g_object_get_data(G_OBJECT(source), "fixture");
	GDBusMethodInvocation *inv = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) ret = g_dbus_connection_call_with_unix_fd_list_finish(
		G_DBUS_CONNECTION(source), NULL, result, &error);

	g_free(f->fake_reply_error);
	f->fake_reply_error = ret == NULL ? g_dbus_error_get_remote_error(error) : NULL;
	f->fake_replied = TRUE;
	f->fake_pending--;
	if (inv != NULL)
		g_dbus_method_invocation_return_value(inv, NULL);
}

/* bluetoothd hands over one end of a fresh socket (or whatever the test asks for) */
static void
fake_new_connection(Fixture *f, GDBusMethodInvocation *reply_after)
{
	g_autoptr(GUnixFDList) fds = g_unix_fd_list_new();
	gint sv[2];

	if (f->fake_fd_type < 0)
		g_assert_cmpint(pipe(sv), ==, 0);
	else
		g_assert_cmpint(socketpair(AF_UNIX, f->fake_fd_type | SOCK_CLOEXEC, 0, sv), ==, 0);
	g_assert_cmpint(g_unix_fd_list_append(fds, sv[1], NULL), ==, 0);
	close(sv[1]);
	if (f->fake_peer >= 0)
		close(f->fake_peer);
	f->fake_peer = sv[0];
	f->fake_replied = FALSE;
	f->fake_pending++;
	g_dbus_connection_call_with_unix_fd_list(
		f->fake, f->fake_profile_owner, WB_BLUEZ_PROFILE_PATH, "org.bluez.Profile1",
		"NewConnection",
		g_variant_new("(oh@a{sv})", f->fake_device, f->fake_fd_index,
			      g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)),
		NULL, G_DBUS_CALL_FLAGS_NONE, 10000, fds, NULL, new_connection_cb, reply_after);
}

static gboolean
late_new_connection(gpointer user_data)
{
	fake_new_connection(user_data, NULL);
	return G_SOURCE_REMOVE;
}

static void
fake_method(GDBusConnection *conn, const gchar *sender, const gchar *path, const gchar *iface,
	    const gchar *method, GVariant *params, GDBusMethodInvocation *inv, gpointer user_data)
{
	Fixture *f = user_data;

	if (g_str_equal(method, "RegisterProfile")) {
		const gchar *profile, *uuid;

		g_variant_get(params, "(&o&s@a{sv})", &profile, &uuid, NULL);
		g_assert_cmpstr(profile, ==, WB_BLUEZ_PROFILE_PATH);
		g_assert_cmpstr(uuid, ==, WB_BLUEZ_SPP_UUID);
		g_free(f->fake_profile_owner);
		f->fake_profile_owner = g_strdup(sender);
		g_dbus_method_invocation_return_value(inv, NULL);
	} else if (g_str_equal(method, "UnregisterProfile")) {
		g_dbus_method_invocation_return_value(inv, NULL);
	} else if (g_str_equal(f->fake_mode, "before")) {
		/* bluetoothd's order: NewConnection, its reply, then the ConnectProfile reply */
		fake_new_connection(f, g_object_ref(inv));
		g_object_unref(inv);
	} else if (g_str_equal(f->fake_mode, "after")) {
		g_dbus_method_invocation_return_value(inv, NULL);
		g_timeout_add(50, late_new_connection, f);
	} else if (g_str_equal(f->fake_mode, "error")) {
		g_dbus_method_invocation_return_dbus_error(inv, "org.bluez.Error.Failed",
							   "Host is down");
	} else {
		/* "never": the reply, and no connection */
		g_dbus_method_invocation_return_value(inv, NULL);
	}
}

static void
fake_setup(Fixture *f, gconstpointer data)
{
	static const GDBusInterfaceVTable vtable = {.method_call = fake_method};
	g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml(fake_xml, NULL);
	g_autoptr(GError) error = NULL;
	gint64 end;

	setup_bus(f);
	f->fake = connect_bus(f);
	g_object_set_data(G_OBJECT(f->fake), "fixture", f);
	f->fake_mode = "before";
	f->fake_fd_type = SOCK_STREAM;
	f->fake_device = g_strdup(FAKE_DEVICE);
	f->fake_regs[0] = g_dbus_connection_register_object(
		f->fake, "/org/bluez",
		g_dbus_node_info_lookup_interface(node, "org.bluez.ProfileManager1"), &vtable, f,
		NULL, &error);
	g_assert_no_error(error);
	f->fake_regs[1] = g_dbus_connection_register_object(
		f->fake, FAKE_DEVICE, g_dbus_node_info_lookup_interface(node, "org.bluez.Device1"),
		&vtable, f, NULL, &error);
	g_assert_no_error(error);
	f->fake_name = g_bus_own_name_on_connection(
		f->fake, "org.bluez", G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
	end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (!has_owner(f->conn, "org.bluez")) {
		g_assert_cmpint(g_get_monotonic_time(), <, end);
		g_main_context_iteration(NULL, FALSE);
	}
	setup_profile(f);
	/* let the profile learn org.bluez's owner */
	spin_ms(20);
	register_profile(f);
}

static void
assert_socket_works(Fixture *f, GSocket *socket)
{
	gchar buf[4];

	g_assert_cmpint(g_socket_get_socket_type(socket), ==, G_SOCKET_TYPE_STREAM);
	g_assert_cmpint(write(f->fake_peer, "ping", 4), ==, 4);
	g_assert_cmpint(g_socket_receive_with_blocking(socket, buf, 4, TRUE, NULL, NULL), ==, 4);
	g_assert_cmpmem(buf, 4, "ping", 4);
}

static void
test_fake_before_reply(Fixture *f, gconstpointer data)
{
	profile_connect(f, FAKE_DEVICE, NULL);
	g_assert_no_error(f->error);
	g_assert_true(f->fake_replied);
	g_assert_null(f->fake_reply_error);
	assert_socket_works(f, f->socket);
	g_assert_null(f->incoming_device);
}

static void
test_fake_after_reply(Fixture *f, gconstpointer data)
{
	f->fake_mode = "after";
	profile_connect(f, FAKE_DEVICE, NULL);
	g_assert_no_error(f->error);
	assert_socket_works(f, f->socket);
	g_assert_null(f->incoming_device);
}

static void
test_fake_error_reply(Fixture *f, gconstpointer data)
{
	f->fake_mode = "error";
	profile_connect(f, FAKE_DEVICE, NULL);
	g_assert_error(f->error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_nonnull(strstr(f->error->message, "Host is down"));
}

static void
test_fake_busy_and_cancel(Fixture *f, gconstpointer data)
{
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	gboolean second_done = FALSE;

	f->fake_mode = "never";
	f->done = FALSE;
	wb_bluez_profile_connect_async(f->profile, FAKE_DEVICE, cancellable, connect_cb, f);
	spin_ms(50);
	g_assert_false(f->done);
	/* one connect per device at a time */
	{
		Fixture other = {0};

		wb_bluez_profile_connect_async(f->profile, FAKE_DEVICE, NULL, connect_cb, &other);
		spin_until(&other, &other.done, "second connect");
		g_assert_error(other.error, WB_ERROR, WB_ERROR_BUSY);
		g_clear_error(&other.error);
		second_done = TRUE;
	}
	g_assert_true(second_done);
	g_cancellable_cancel(cancellable);
	spin_until(f, &f->done, "cancelled connect");
	g_assert_error(f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	/* bluetoothd finishes after all: an unsolicited connection nobody takes is closed */
	fake_new_connection(f, NULL);
	spin_until(f, &f->fake_replied, "NewConnection reply");
	g_assert_null(f->fake_reply_error);
	g_assert_cmpstr(f->incoming_device, ==, FAKE_DEVICE);
	{
		gchar c;
		g_assert_cmpint(read(f->fake_peer, &c, 1), ==, 0); /* EOF: closed */
	}
}

static void
test_fake_incoming(Fixture *f, gconstpointer data)
{
	gchar c;

	f->take_incoming = TRUE;
	fake_new_connection(f, NULL);
	spin_until(f, &f->fake_replied, "NewConnection reply");
	g_assert_null(f->fake_reply_error);
	g_assert_cmpstr(f->incoming_device, ==, FAKE_DEVICE);
	g_assert_nonnull(f->incoming_socket);
	assert_socket_works(f, f->incoming_socket);

	/* RequestDisconnection: the socket is shut down, the peer sees EOF */
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(GVariant) ret =
			call(f, f->fake, f->fake_profile_owner, WB_BLUEZ_PROFILE_PATH,
			     "org.bluez.Profile1", "RequestDisconnection",
			     g_variant_new("(o)", FAKE_DEVICE), NULL, &error);
		g_assert_no_error(error);
	}
	g_assert_cmpint(read(f->fake_peer, &c, 1), ==, 0);

	/* Release: bluetoothd forgets us */
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(GVariant) ret =
			call(f, f->fake, f->fake_profile_owner, WB_BLUEZ_PROFILE_PATH,
			     "org.bluez.Profile1", "Release", NULL, NULL, &error);
		g_assert_no_error(error);
	}
	g_assert_false(wb_bluez_profile_is_registered(f->profile));
}

static void
expect_rejected(Fixture *f, const gchar *why)
{
	spin_until(f, &f->fake_replied, "NewConnection reply");
	if (g_strcmp0(f->fake_reply_error, "org.bluez.Error.InvalidArguments") != 0)
		g_error("%s: got %s", why, f->fake_reply_error);
	g_assert_null(f->incoming_device);
}

static void
test_fake_validation(Fixture *f, gconstpointer data)
{
	/* fd index outside the list */
	f->fake_fd_index = 1;
	fake_new_connection(f, NULL);
	expect_rejected(f, "fd index 1");
	f->fake_fd_index = -1;
	fake_new_connection(f, NULL);
	expect_rejected(f, "fd index -1");
	f->fake_fd_index = 0;
	/* not a stream socket */
	f->fake_fd_type = SOCK_DGRAM;
	fake_new_connection(f, NULL);
	expect_rejected(f, "datagram socket");
	f->fake_fd_type = SOCK_SEQPACKET;
	fake_new_connection(f, NULL);
	expect_rejected(f, "seqpacket socket");
	f->fake_fd_type = -1;
	fake_new_connection(f, NULL);
	expect_rejected(f, "pipe");
	f->fake_fd_type = SOCK_STREAM;
	/* not a BlueZ device path */
	g_free(f->fake_device);
	f->fake_device = g_strdup("/org/wearbridge/profile/spp");
	fake_new_connection(f, NULL);
	expect_rejected(f, "device path");
	/* and a good one still works */
	g_free(f->fake_device);
	f->fake_device = g_strdup(FAKE_DEVICE);
	fake_new_connection(f, NULL);
	spin_until(f, &f->fake_replied, "NewConnection reply");
	g_assert_null(f->fake_reply_error);
	g_assert_cmpstr(f->incoming_device, ==, FAKE_DEVICE);
}

static void
test_fake_bluez_leaves(Fixture *f, gconstpointer data)
{
	f->fake_mode = "never";
	f->done = FALSE;
	wb_bluez_profile_connect_async(f->profile, FAKE_DEVICE, NULL, connect_cb, f);
	spin_ms(50);
	g_clear_handle_id(&f->fake_name, g_bus_unown_name);
	spin_until(f, &f->done, "connect failing");
	g_assert_error(f->error, WB_ERROR, WB_ERROR_BLUETOOTH_UNAVAILABLE);
	g_assert_false(wb_bluez_profile_is_registered(f->profile));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

#define MOCK(path, fn)                                                                             \
	g_test_add("/wearbridge/link-rfcomm-mock/mock/" path, Fixture, NULL, mock_setup, fn,       \
		   teardown)
#define FAKE(path, fn)                                                                             \
	g_test_add("/wearbridge/link-rfcomm-mock/fake/" path, Fixture, NULL, fake_setup, fn,       \
		   teardown)
	MOCK("connect", test_mock_connect);
	MOCK("watch-drops", test_mock_watch_drops);
	MOCK("errors", test_mock_errors);
	MOCK("hostile", test_mock_hostile);
	FAKE("before-reply", test_fake_before_reply);
	FAKE("after-reply", test_fake_after_reply);
	FAKE("error-reply", test_fake_error_reply);
	FAKE("busy-and-cancel", test_fake_busy_and_cancel);
	FAKE("incoming", test_fake_incoming);
	FAKE("validation", test_fake_validation);
	FAKE("bluez-leaves", test_fake_bluez_leaves);
#undef MOCK
#undef FAKE
	return g_test_run();
}
