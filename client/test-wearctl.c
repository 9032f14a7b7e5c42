/* Tests for wearctl: the command line, the WATCH lookup, the formatting, and every command
 * against a stand-in for wearbridged on a private bus.
 *
 * The stand-in is made from the same gdbus-codegen skeletons the daemon uses, so it speaks
 * exactly the API in dbus/org.wearbridge.*.xml. It runs in a thread with its own main context and
 * bus connection, because wearctl makes synchronous calls from the main thread.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-ctl.h"

#include <string.h>

#define WATCH_PREFIX "/org/wearbridge/watch/"
#define PATH_A       WATCH_PREFIX "emulator_127_0_0_1_12344"
#define PATH_B       WATCH_PREFIX "B0_B4_48_78_9A_BC"
#define LAST_A       G_GUINT64_CONSTANT(1732790100)
/* Bluetooth addresses the stand-in's Pair() knows: paired with a code and connected soon after;
 * rejected on the watch; busy; timed out; adopted (no code) and never connected */
#define ADDR_PAIR    "C0:00:00:00:00:01"
#define ADDR_REJECT  "C0:00:00:00:00:02"
#define ADDR_BUSY    "C0:00:00:00:00:03"
#define ADDR_TIMEOUT "C0:00:00:00:00:04"
#define ADDR_ADOPT   "C0:00:00:00:00:05"
#define ADDR_UNKNOWN "C0:00:00:00:00:09"
#define PATH_PAIR    WATCH_PREFIX "C0_00_00_00_00_01"
#define PASSKEY      4271

/* what StartDiscovery() fails with: FakeBluetooth */
typedef enum {
	FAKE_BLUETOOTH_ON,
	FAKE_BLUETOOTH_OFF,
	FAKE_BLUETOOTH_UNAVAILABLE,
	FAKE_BLUETOOTH_NO_ADAPTER,
} FakeBluetooth;

/* --- the stand-in daemon --- */

typedef struct {
	GThread *thread;
	GMainContext *context;
	GMainLoop *loop;
	GDBusConnection *connection;
	GDBusObjectManagerServer *om;
	WbDBusManager1 *manager;
	GPtrArray *paths;
	guint owner_id;

	GMutex mutex;
	GCond cond;
	gboolean ready;

	/* read by the tests after a command returned; written in the daemon thread */
	gint ping_calls;
	gint sync_time_calls;
	gint connect_calls;
	gint start_discovery_calls;
	gint stop_discovery_calls;
	gint pair_calls;
	/* set by the tests before a command runs; read in the daemon thread */
	gint bluetooth; /* FakeBluetooth */
	gint doctor_clean;
} Fake;

typedef struct {
	Fake *fake;
	gchar *path;
} FakeLater;

static void
fake_update_watches(Fake *fake)
{
	g_ptr_array_add(fake->paths, NULL);
	wb_dbus_manager1_set_watches(fake->manager, (const gchar *const *)fake->paths->pdata);
	g_ptr_array_remove_index(fake->paths, fake->paths->len - 1);
}

static void
fake_return_error(GDBusMethodInvocation *invocation, const gchar *code, const gchar *message)
{
	g_autofree gchar *name = g_strconcat("org.wearbridge.Error.", code, NULL);

	g_dbus_method_invocation_return_dbus_error(invocation, name, message);
}

static void
fake_set_connected(WbDBusWatch1 *watch, gboolean connected)
{
	wb_dbus_watch1_set_connected(watch, connected);
	wb_dbus_watch1_set_state(watch, connected ? "connected" : "disconnected");
	if (connected)
		wb_dbus_watch1_set_last_connected(watch,
						  (guint64)(g_get_real_time() / G_USEC_PER_SEC));
}

static gboolean
on_ping(WbDBusWatch1 *watch, GDBusMethodInvocation *invocation, gpointer user_data)
{
	Fake *fake = user_data;

	if (!wb_dbus_watch1_get_connected(watch)) {
		fake_return_error(invocation, "NotConnected", "the watch is not connected");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_atomic_int_inc(&fake->ping_calls);
	/* 1234, 1334, 1434 ... microseconds */
	wb_dbus_watch1_complete_ping(
		watch, invocation, 1234 + 100 * (guint64)(g_atomic_int_get(&fake->ping_calls) - 1));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_sync_time(WbDBusWatch1 *watch, GDBusMethodInvocation *invocation, gpointer user_data)
{
	Fake *fake = user_data;

	if (!wb_dbus_watch1_get_connected(watch)) {
		fake_return_error(invocation, "NotConnected", "the watch is not connected");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_atomic_int_inc(&fake->sync_time_calls);
	wb_dbus_watch1_complete_sync_time(watch, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_connect(WbDBusWatch1 *watch, GDBusMethodInvocation *invocation, gpointer user_data)
{
	Fake *fake = user_data;

	g_atomic_int_inc(&fake->connect_calls);
	/* a target on port 1 never answers */
	if (g_str_has_suffix(wb_dbus_watch1_get_target(watch), ":1")) {
		wb_dbus_watch1_set_state(watch, "connecting");
		fake_return_error(invocation, "Timeout", "not connected within 30 s");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	wb_dbus_watch1_set_auto_connect(watch, TRUE);
	wb_dbus_watch1_set_link_mode(watch, wb_dbus_watch1_get_transport(watch));
	fake_set_connected(watch, TRUE);
	wb_dbus_watch1_complete_connect(watch, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_disconnect(WbDBusWatch1 *watch, GDBusMethodInvocation *invocation, gpointer user_data)
{
	wb_dbus_watch1_set_auto_connect(watch, FALSE);
	fake_set_connected(watch, FALSE);
	wb_dbus_watch1_complete_disconnect(watch, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static WbDBusWatch1 *
fake_add_watch(Fake *fake, const gchar *path, const gchar *transport, const gchar *target)
{
	g_autoptr(WbDBusObjectSkeleton) object = wb_dbus_object_skeleton_new(path);
	g_autoptr(WbDBusWatch1) watch = wb_dbus_watch1_skeleton_new();

	wb_dbus_watch1_set_transport(watch, transport);
	wb_dbus_watch1_set_target(watch, target);
	wb_dbus_watch1_set_state(watch, "disconnected");
	g_signal_connect(watch, "handle-ping", G_CALLBACK(on_ping), fake);
	g_signal_connect(watch, "handle-sync-time", G_CALLBACK(on_sync_time), fake);
	g_signal_connect(watch, "handle-connect", G_CALLBACK(on_connect), fake);
	g_signal_connect(watch, "handle-disconnect", G_CALLBACK(on_disconnect), fake);
	wb_dbus_object_skeleton_set_watch1(object, watch);
	g_dbus_object_manager_server_export(fake->om, G_DBUS_OBJECT_SKELETON(object));
	g_ptr_array_add(fake->paths, g_strdup(path));
	fake_update_watches(fake);
	return watch; /* the object manager keeps the object, and the object the interface */
}

static void
fake_set_identity(WbDBusWatch1 *watch, const gchar *name, const gchar *address)
{
	wb_dbus_watch1_set_name(watch, name);
	wb_dbus_watch1_set_address(watch, address);
	wb_dbus_watch1_set_model(watch, "Pebble Time");
	wb_dbus_watch1_set_platform(watch, "basalt");
	wb_dbus_watch1_set_firmware_version(watch, "v4.4.2");
	wb_dbus_watch1_set_serial(watch, "Q402445E009A");
}

static gboolean
on_emulator_up(gpointer user_data)
{
	FakeLater *later = user_data;
	g_autoptr(GDBusInterface) iface = g_dbus_object_manager_get_interface(
		G_DBUS_OBJECT_MANAGER(later->fake->om), later->path, "org.wearbridge.Watch1");
	WbDBusWatch1 *watch = WB_DBUS_WATCH1(iface);

	/* as the daemon does: the handshake fills in the identity, then Connected turns true */
	wb_dbus_watch1_set_state(watch, "handshaking");
	fake_set_identity(watch, "Pebble 12AB", "B0:B4:48:00:12:AB");
	fake_set_connected(watch, TRUE);
	return G_SOURCE_REMOVE;
}

static gboolean
on_leave_bus(gpointer user_data)
{
	FakeLater *later = user_data;

	g_clear_handle_id(&later->fake->owner_id, g_bus_unown_name);
	return G_SOURCE_REMOVE;
}

static void
fake_later_free(gpointer data)
{
	FakeLater *later = data;

	g_free(later->path);
	g_free(later);
}

static void
fake_schedule(Fake *fake, const gchar *path, guint ms, GSourceFunc func)
{
	g_autoptr(GSource) source = g_timeout_source_new(ms);
	FakeLater *later = g_new0(FakeLater, 1);

	later->fake = fake;
	later->path = g_strdup(path);
	g_source_set_callback(source, func, later, fake_later_free);
	g_source_attach(source, fake->context);
}

static gboolean
on_connect_emulator(WbDBusManager1 *manager, GDBusMethodInvocation *invocation,
		    const gchar *address, gpointer user_data)
{
	Fake *fake = user_data;
	g_autofree gchar *id = NULL;
	g_autofree gchar *path = NULL;
	const gchar *colon = strrchr(address, ':');
	WbDBusWatch1 *watch;

	if (colon == NULL || colon == address || colon[1] == '\0') {
		fake_return_error(invocation, "InvalidArgs", "malformed address");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	id = g_strdup_printf("emulator_%s", address);
	g_strcanon(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", '_');
	path = g_strconcat(WATCH_PREFIX, id, NULL);

	/* a known emulator: the same object, retried at once */
	if (g_ptr_array_find_with_equal_func(fake->paths, path, g_str_equal, NULL)) {
		wb_dbus_manager1_complete_connect_emulator(manager, invocation, path);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	watch = fake_add_watch(fake, path, "emulator", address);
	wb_dbus_watch1_set_state(watch, "connecting");
	wb_dbus_watch1_set_auto_connect(watch, TRUE);
	if (g_str_has_suffix(address, ":2"))
		fake_schedule(fake, path, 100, on_leave_bus); /* the daemon goes away */
	else if (!g_str_has_suffix(address, ":1"))
		fake_schedule(fake, path, 50, on_emulator_up);
	wb_dbus_manager1_complete_connect_emulator(manager, invocation, path);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_forget(WbDBusManager1 *manager, GDBusMethodInvocation *invocation, const gchar *path,
	  gpointer user_data)
{
	Fake *fake = user_data;

	for (guint i = 0; i < fake->paths->len; i++) {
		if (g_strcmp0(g_ptr_array_index(fake->paths, i), path) != 0)
			continue;
		g_dbus_object_manager_server_unexport(fake->om, path);
		g_ptr_array_remove_index(fake->paths, i);
		fake_update_watches(fake);
		wb_dbus_manager1_complete_forget(manager, invocation);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	fake_return_error(invocation, "InvalidArgs", "not a known watch");
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- the stand-in's Bluetooth --- */

/* Discovered as a scan goes on: the paired watch B at once, then one watch, then its signal
 * changes and another one appears */
static void
fake_set_discovered(Fake *fake, guint stage)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a(sssnb)"));
	g_variant_builder_add(&b, "(sssnb)", "B0:B4:48:78:9A:BC", "Pebble 9ABC", "Pebble",
			      (gint16)0, TRUE);
	if (stage >= 1)
		g_variant_builder_add(&b, "(sssnb)", ADDR_PAIR, "Pebble Time 0001", "Pebble Time",
				      (gint16)(stage >= 2 ? -55 : -70), FALSE);
	if (stage >= 2)
		g_variant_builder_add(&b, "(sssnb)", ADDR_REJECT, "Pebble 2 0002", "Pebble 2",
				      (gint16)-80, FALSE);
	wb_dbus_manager1_set_discovered(fake->manager, g_variant_builder_end(&b));
}

static gboolean
on_scan_stage1(gpointer user_data)
{
	FakeLater *later = user_data;

	fake_set_discovered(later->fake, 1);
	return G_SOURCE_REMOVE;
}

static gboolean
on_scan_stage2(gpointer user_data)
{
	FakeLater *later = user_data;

	fake_set_discovered(later->fake, 2);
	return G_SOURCE_REMOVE;
}

static gboolean
on_start_discovery(WbDBusManager1 *manager, GDBusMethodInvocation *invocation, gpointer user_data)
{
	Fake *fake = user_data;

	switch ((FakeBluetooth)g_atomic_int_get(&fake->bluetooth)) {
	case FAKE_BLUETOOTH_ON:
		break;
	case FAKE_BLUETOOTH_OFF:
		fake_return_error(invocation, "AdapterOff", "hci0 is powered off");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	case FAKE_BLUETOOTH_UNAVAILABLE:
		fake_return_error(invocation, "BluetoothUnavailable",
				  "org.bluez is not on the bus");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	case FAKE_BLUETOOTH_NO_ADAPTER:
		fake_return_error(invocation, "NoAdapter", "no adapter");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_atomic_int_inc(&fake->start_discovery_calls);
	wb_dbus_manager1_set_discovering(manager, TRUE);
	fake_schedule(fake, "", 100, on_scan_stage1);
	fake_schedule(fake, "", 300, on_scan_stage2);
	wb_dbus_manager1_complete_start_discovery(manager, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_stop_discovery(WbDBusManager1 *manager, GDBusMethodInvocation *invocation, gpointer user_data)
{
	Fake *fake = user_data;

	g_atomic_int_inc(&fake->stop_discovery_calls);
	wb_dbus_manager1_set_discovering(manager, FALSE);
	wb_dbus_manager1_complete_stop_discovery(manager, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* as the daemon does once the LE session is up */
static gboolean
on_ble_up(gpointer user_data)
{
	FakeLater *later = user_data;
	g_autoptr(GDBusInterface) iface = g_dbus_object_manager_get_interface(
		G_DBUS_OBJECT_MANAGER(later->fake->om), later->path, "org.wearbridge.Watch1");
	WbDBusWatch1 *watch = WB_DBUS_WATCH1(iface);

	fake_set_identity(watch, "Pebble 0001", ADDR_PAIR);
	wb_dbus_watch1_set_model(watch, "Pebble 2");
	wb_dbus_watch1_set_platform(watch, "diorite");
	wb_dbus_watch1_set_link_mode(watch, "ppogatt");
	wb_dbus_watch1_set_link_mtu(watch, 185);
	wb_dbus_watch1_set_link_window(watch, g_variant_new("(yy)", 24, 24));
	fake_set_connected(watch, TRUE);
	return G_SOURCE_REMOVE;
}

static gboolean
on_pair(WbDBusManager1 *manager, GDBusMethodInvocation *invocation, const gchar *address,
	gpointer user_data)
{
	Fake *fake = user_data;
	g_autofree gchar *id = g_strdup(address);
	g_autofree gchar *path = NULL;
	WbDBusWatch1 *watch;

	g_atomic_int_inc(&fake->pair_calls);
	if (g_ascii_strcasecmp(address, ADDR_REJECT) == 0) {
		fake_return_error(invocation, "PairingRejected", "cancelled on the watch");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	if (g_ascii_strcasecmp(address, ADDR_BUSY) == 0) {
		fake_return_error(invocation, "Busy", "pairing with C0:00:00:00:00:01");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	if (g_ascii_strcasecmp(address, ADDR_TIMEOUT) == 0) {
		fake_return_error(invocation, "Timeout", "no answer within 60 s");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	if (g_ascii_strcasecmp(address, ADDR_PAIR) != 0 &&
	    g_ascii_strcasecmp(address, ADDR_ADOPT) != 0) {
		fake_return_error(invocation, "DeviceNotFound", "not seen by a scan");
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}

	g_strcanon(id, "0123456789ABCDEFabcdef", '_');
	path = g_strconcat(WATCH_PREFIX, id, NULL);
	/* the code first, while Pair() waits; an adopted bond needs none */
	if (g_ascii_strcasecmp(address, ADDR_PAIR) == 0)
		wb_dbus_manager1_emit_pairing_confirmation(manager, address, PASSKEY);
	if (!g_ptr_array_find_with_equal_func(fake->paths, path, g_str_equal, NULL)) {
		watch = fake_add_watch(fake, path, "ble", address);
		wb_dbus_watch1_set_state(watch, "connecting");
		wb_dbus_watch1_set_auto_connect(watch, TRUE);
		if (g_ascii_strcasecmp(address, ADDR_PAIR) == 0)
			fake_schedule(fake, path, 50, on_ble_up);
	}
	wb_dbus_manager1_complete_pair(manager, invocation, path);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_doctor(WbDBusManager1 *manager, GDBusMethodInvocation *invocation, gpointer user_data)
{
	Fake *fake = user_data;
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a(ssss)"));
	g_variant_builder_add(&b, "(ssss)", "bluetoothd", "ok", "bluetoothd 5.72 is running", "");
	g_variant_builder_add(&b, "(ssss)", "le-roles", "warning",
			      "BlueZ does not say whether hci0 can be an LE central",
			      "update BlueZ to 5.56 or later");
	if (!g_atomic_int_get(&fake->doctor_clean))
		g_variant_builder_add(&b, "(ssss)", "gatt-application", "error",
				      "the GATT application is not registered",
				      "systemctl --user restart wearbridged");
	wb_dbus_manager1_complete_doctor(manager, invocation, g_variant_builder_end(&b));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_name_acquired(GDBusConnection *connection, const gchar *name, gpointer user_data)
{
	Fake *fake = user_data;

	g_mutex_lock(&fake->mutex);
	fake->ready = TRUE;
	g_cond_signal(&fake->cond);
	g_mutex_unlock(&fake->mutex);
}

static gpointer
fake_thread(gpointer data)
{
	Fake *fake = data;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *address = NULL;
	WbDBusWatch1 *watch;

	g_main_context_push_thread_default(fake->context);

	address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SESSION, NULL, &error);
	g_assert_no_error(error);
	fake->connection = g_dbus_connection_new_for_address_sync(
		address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);

	fake->manager = wb_dbus_manager1_skeleton_new();
	wb_dbus_manager1_set_version(fake->manager, "9.9.9");
	g_signal_connect(fake->manager, "handle-connect-emulator", G_CALLBACK(on_connect_emulator),
			 fake);
	g_signal_connect(fake->manager, "handle-forget", G_CALLBACK(on_forget), fake);
	g_signal_connect(fake->manager, "handle-start-discovery", G_CALLBACK(on_start_discovery),
			 fake);
	g_signal_connect(fake->manager, "handle-stop-discovery", G_CALLBACK(on_stop_discovery),
			 fake);
	g_signal_connect(fake->manager, "handle-pair", G_CALLBACK(on_pair), fake);
	g_signal_connect(fake->manager, "handle-doctor", G_CALLBACK(on_doctor), fake);
	wb_dbus_manager1_set_bluetooth(fake->manager, "on");
	fake_set_discovered(fake, 0);
	g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(fake->manager), fake->connection,
					 "/org/wearbridge", &error);
	g_assert_no_error(error);

	fake->om = g_dbus_object_manager_server_new("/org/wearbridge");
	/* A: a connected emulator; B: a Bluetooth watch that is off and not reconnecting */
	watch = fake_add_watch(fake, PATH_A, "emulator", "127.0.0.1:12344");
	fake_set_identity(watch, "Pebble 3456", "B0:B4:48:12:34:56");
	wb_dbus_watch1_set_connected(watch, TRUE);
	wb_dbus_watch1_set_state(watch, "connected");
	wb_dbus_watch1_set_auto_connect(watch, TRUE);
	wb_dbus_watch1_set_last_connected(watch, LAST_A);
	wb_dbus_watch1_set_link_mode(watch, "emulator");
	watch = fake_add_watch(fake, PATH_B, "rfcomm", "B0:B4:48:78:9A:BC");
	fake_set_identity(watch, "Pebble 9ABC", "B0:B4:48:78:9A:BC");
	wb_dbus_watch1_set_model(watch, "Pebble Steel");
	wb_dbus_watch1_set_platform(watch, "aplite");
	g_dbus_object_manager_server_set_connection(fake->om, fake->connection);

	/* objects first, name last, as a daemon must */
	fake->owner_id = g_bus_own_name_on_connection(fake->connection, "org.wearbridge",
						      G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired,
						      NULL, fake, NULL);
	g_main_loop_run(fake->loop);

	g_clear_handle_id(&fake->owner_id, g_bus_unown_name);
	g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(fake->manager));
	g_dbus_object_manager_server_set_connection(fake->om, NULL);
	g_clear_object(&fake->om);
	g_clear_object(&fake->manager);
	g_dbus_connection_close_sync(fake->connection, NULL, NULL);
	g_clear_object(&fake->connection);
	g_main_context_pop_thread_default(fake->context);
	return NULL;
}

static void
fake_start(Fake *fake)
{
	fake->context = g_main_context_new();
	fake->loop = g_main_loop_new(fake->context, FALSE);
	fake->paths = g_ptr_array_new_with_free_func(g_free);
	g_mutex_init(&fake->mutex);
	g_cond_init(&fake->cond);
	fake->thread = g_thread_new("fake-wearbridged", fake_thread, fake);

	g_mutex_lock(&fake->mutex);
	while (!fake->ready)
		g_cond_wait(&fake->cond, &fake->mutex);
	g_mutex_unlock(&fake->mutex);
}

static gboolean
on_quit(gpointer user_data)
{
	Fake *fake = user_data;

	g_main_loop_quit(fake->loop);
	return G_SOURCE_REMOVE;
}

static void
fake_stop(Fake *fake)
{
	if (fake->thread == NULL)
		return;
	g_main_context_invoke(fake->context, on_quit, fake);
	g_thread_join(fake->thread);
	fake->thread = NULL;
	g_clear_pointer(&fake->loop, g_main_loop_unref);
	g_clear_pointer(&fake->context, g_main_context_unref);
	g_clear_pointer(&fake->paths, g_ptr_array_unref);
	g_mutex_clear(&fake->mutex);
	g_cond_clear(&fake->cond);
}

/* --- running wearctl --- */

typedef struct {
	Fake fake;
	GString *out;
	GString *err;
} Fixture;

static void
fixture_setup(Fixture *fixture, gconstpointer data)
{
	fixture->out = g_string_new(NULL);
	fixture->err = g_string_new(NULL);
	if (data == NULL)
		fake_start(&fixture->fake);
}

static void
fixture_teardown(Fixture *fixture, gconstpointer data)
{
	fake_stop(&fixture->fake);
	g_string_free(fixture->out, TRUE);
	g_string_free(fixture->err, TRUE);
}

/* runs wearctl with the arguments up to NULL; stdout and stderr land in the fixture */
static WbCtlExit
ctl(Fixture *fixture, ...)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	const gchar *arg;
	WbCtlExit status;
	va_list args;

	g_ptr_array_add(argv, (gpointer) "wearctl");
	va_start(args, fixture);
	while ((arg = va_arg(args, const gchar *)) != NULL)
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);

	g_string_truncate(fixture->out, 0);
	g_string_truncate(fixture->err, 0);
	status = wb_ctl_run((gint)argv->len - 1, (gchar **)argv->pdata, fixture->out, fixture->err);
	g_test_message("exit %d\nstdout:\n%s\nstderr:\n%s", status, fixture->out->str,
		       fixture->err->str);
	return status;
}

static JsonObject *
parse_json(Fixture *fixture, JsonNode **out_root)
{
	g_autoptr(GError) error = NULL;
	JsonNode *root = json_from_string(fixture->out->str, &error);

	g_assert_no_error(error);
	g_assert_nonnull(root);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
	*out_root = root;
	return json_node_get_object(root);
}

static gsize
count_lines(const gchar *text)
{
	gsize n = 0;

	for (const gchar *p = text; *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

/* the keys of a watch in --json output, as wearctl(1) documents them */
static const gchar *const watch_keys[] = {
	"id",           "path",           "name",      "address",  "model",       "platform",
	"firmware",     "serial",         "transport", "target",   "state",       "connected",
	"auto_connect", "last_connected", "link_mode", "link_mtu", "link_window", NULL,
};

/* the keys of the other documents this test checks, as wearctl(1) documents them */
static const gchar *const scan_keys[] = {"address", "name", "model", "rssi", "paired", NULL};
static const gchar *const doctor_keys[] = {"check", "status", "finding", "fix", NULL};
static const gchar *const other_keys[] = {"bluetooth", "passkey", NULL};

static void
assert_watch_keys(JsonObject *watch)
{
	g_autoptr(GList) members = json_object_get_members(watch);

	for (gsize i = 0; watch_keys[i] != NULL; i++)
		g_assert_true(json_object_has_member(watch, watch_keys[i]));
	/* and nothing undocumented */
	for (GList *l = members; l != NULL; l = l->next) {
		gboolean known = g_strv_contains((const gchar *const *)watch_keys, l->data) ||
				 g_strcmp0(l->data, "ping_us") == 0 ||
				 g_strcmp0(l->data, "ping_error") == 0;

		if (!known)
			g_error("undocumented watch key '%s'", (const gchar *)l->data);
	}
}

/* exactly @keys: all of them, and nothing undocumented */
static void
assert_exact_keys(JsonObject *object, const gchar *const *keys)
{
	g_autoptr(GList) members = json_object_get_members(object);

	for (gsize i = 0; keys[i] != NULL; i++)
		g_assert_true(json_object_has_member(object, keys[i]));
	g_assert_cmpuint(g_list_length(members), ==, g_strv_length((gchar **)keys));
}

/* --- tests without a daemon --- */

static void
test_not_running(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonObject *doc;

	g_test_summary("No owner and no activation: one clear message, exit status 1");
	g_assert_cmpint(ctl(fixture, "status", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: wearbridged is not running; start it with systemctl --user "
			"start wearbridged\n");
	g_assert_cmpstr(fixture->out->str, ==, "");

	/* --json: the same on stderr, and a JSON error document on stdout */
	g_assert_cmpint(ctl(fixture, "ping", "--json", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_nonnull(strstr(fixture->err->str, "wearbridged is not running"));
	doc = parse_json(fixture, &root);
	doc = json_object_get_object_member(doc, "error");
	g_assert_cmpint(json_object_get_int_member(doc, "exit_status"), ==, 1);
	g_assert_nonnull(strstr(json_object_get_string_member(doc, "message"), "not running"));
	g_assert_true(json_object_has_member(doc, "dbus_error"));
	json_node_unref(root);
}

static void
test_help(Fixture *fixture, gconstpointer data)
{
	const WbCtlCommand *commands;
	gsize n_commands;

	g_test_summary("--help on the tool and on every command, help CMD, usage errors");
	g_assert_cmpint(ctl(fixture, "--help", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str, "Usage: wearctl"));
	g_assert_cmpint(ctl(fixture, "help", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str, "Usage: wearctl"));

	commands = wb_ctl_commands(&n_commands);
	for (gsize i = 0; i < n_commands; i++) {
		g_auto(GStrv) words = g_strsplit(commands[i].name, " ", -1);
		g_autofree gchar *usage = g_strdup_printf("Usage: wearctl %s", commands[i].name);
		g_autofree gchar *via_help = NULL;
		g_autoptr(GPtrArray) argv = g_ptr_array_new();

		/* every command is in the overview, with its summary */
		g_assert_cmpint(ctl(fixture, "--help", NULL), ==, WB_CTL_EXIT_OK);
		g_assert_nonnull(strstr(fixture->out->str, commands[i].summary));

		/* wearctl help CMD ... */
		g_ptr_array_add(argv, (gpointer) "wearctl");
		g_ptr_array_add(argv, (gpointer) "help");
		for (guint j = 0; words[j] != NULL; j++)
			g_ptr_array_add(argv, words[j]);
		g_ptr_array_add(argv, NULL);
		g_string_truncate(fixture->out, 0);
		g_assert_cmpint(wb_ctl_run((gint)argv->len - 1, (gchar **)argv->pdata, fixture->out,
					   fixture->err),
				==, WB_CTL_EXIT_OK);
		g_assert_true(g_str_has_prefix(fixture->out->str, usage));
		via_help = g_strdup(fixture->out->str);

		/* ... says what wearctl CMD --help says */
		g_ptr_array_remove_index(argv, 1);
		g_ptr_array_insert(argv, (gint)argv->len - 1, (gpointer) "--help");
		g_string_truncate(fixture->out, 0);
		g_assert_cmpint(wb_ctl_run((gint)argv->len - 1, (gchar **)argv->pdata, fixture->out,
					   fixture->err),
				==, WB_CTL_EXIT_OK);
		g_assert_cmpstr(fixture->out->str, ==, via_help);
	}

	g_assert_cmpint(ctl(fixture, "--version", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str, "wearctl "));

	g_assert_cmpint(ctl(fixture, "frobnicate", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_nonnull(strstr(fixture->err->str, "unknown command 'frobnicate'"));
	g_assert_cmpint(ctl(fixture, "time", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_nonnull(strstr(fixture->err->str, "wearctl time sync"));
	g_assert_cmpint(ctl(fixture, "help", "frobnicate", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "ping", "a", "b", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "forget", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "connect", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "ping", "--frobnicate", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "status", "--count", "3", NULL), ==, WB_CTL_EXIT_USAGE);
	/* each error is printed once */
	g_assert_cmpuint(count_lines(fixture->err->str), ==, 1);
}

static void
test_man_page(Fixture *fixture, gconstpointer data)
{
	const gchar *const *documented[] = {watch_keys, scan_keys, doctor_keys, other_keys};
	g_autofree gchar *path = g_test_build_filename(G_TEST_DIST, "wearctl.1", NULL);
	g_autofree gchar *man = NULL;
	g_autoptr(GError) error = NULL;
	const WbCtlCommand *commands;
	gsize n_commands;

	g_test_summary("wearctl(1) documents every command and every JSON key");
	g_file_get_contents(path, &man, NULL, &error);
	g_assert_no_error(error);

	commands = wb_ctl_commands(&n_commands);
	for (gsize i = 0; i < n_commands; i++) {
		g_autofree gchar *tag = g_strdup_printf("\n\\fB%s\\fR", commands[i].name);

		if (strstr(man, tag) == NULL)
			g_error("wearctl.1 has no entry for '%s'", commands[i].name);
	}
	for (gsize k = 0; k < G_N_ELEMENTS(documented); k++) {
		for (gsize i = 0; documented[k][i] != NULL; i++) {
			g_autofree gchar *key = g_strdup_printf("\\fB%s\\fR", documented[k][i]);

			if (strstr(man, key) == NULL)
				g_error("wearctl.1 does not document the JSON key '%s'",
					documented[k][i]);
		}
	}
}

static void
test_format(void)
{
	g_autofree gchar *rtt1 = wb_ctl_format_rtt(420);
	g_autofree gchar *rtt2 = wb_ctl_format_rtt(1234);
	g_autofree gchar *rtt3 = wb_ctl_format_rtt(130000);
	g_autofree gchar *ago1 = wb_ctl_format_ago(0);
	g_autofree gchar *ago2 = wb_ctl_format_ago(42);
	g_autofree gchar *ago3 = wb_ctl_format_ago(3 * 60 + 10);
	g_autofree gchar *ago4 = wb_ctl_format_ago(5 * 3600);
	g_autofree gchar *ago5 = wb_ctl_format_ago(12 * 86400);
	g_autofree gchar *ago6 = wb_ctl_format_ago(-5);
	g_autofree gchar *never = wb_ctl_format_when(0, 1000);
	g_autofree gchar *when = wb_ctl_format_when(LAST_A, (gint64)LAST_A + 180);
	WbCtl plain = {0};
	WbCtl colour = {.color = TRUE};
	g_autofree gchar *s1 = wb_ctl_style(&plain, WB_CTL_STYLE_GOOD, "connected");
	g_autofree gchar *s2 = wb_ctl_style_state(&colour, "connected");

	g_assert_cmpstr(rtt1, ==, "0.42 ms");
	g_assert_cmpstr(rtt2, ==, "1.2 ms");
	g_assert_cmpstr(rtt3, ==, "130 ms");
	g_assert_cmpstr(ago1, ==, "just now");
	g_assert_cmpstr(ago2, ==, "42 s ago");
	g_assert_cmpstr(ago3, ==, "3 min ago");
	g_assert_cmpstr(ago4, ==, "5 h ago");
	g_assert_cmpstr(ago5, ==, "12 days ago");
	g_assert_cmpstr(ago6, ==, "in the future");
	g_assert_cmpstr(never, ==, "never");
	/* TZ=UTC in the test environment */
	g_assert_cmpstr(when, ==, "2024-11-28 10:35 (3 min ago)");
	g_assert_cmpstr(s1, ==, "connected");
	g_assert_cmpstr(s2, ==, "\033[32mconnected\033[0m");
}

/* watches made from skeletons, without a bus: the lookup only reads properties */
static GPtrArray *
make_watches(void)
{
	const struct {
		const gchar *id;
		const gchar *name;
		const gchar *address;
		const gchar *transport;
		const gchar *target;
	} rows[] = {
		{"emulator_127_0_0_1_12344", "Pebble 3456", "B0:B4:48:12:34:56", "emulator",
		 "127.0.0.1:12344"},
		{"B0_B4_48_78_9A_BC", "Pebble 9ABC", "B0:B4:48:78:9A:BC", "rfcomm",
		 "B0:B4:48:78:9A:BC"},
		{"B0_B4_48_00_00_01", "Twin", "B0:B4:48:00:00:01", "ble", "B0:B4:48:00:00:01"},
		{"B0_B4_48_00_00_02", "twin", "B0:B4:48:00:00:02", "ble", "B0:B4:48:00:00:02"},
		{"emulator_localhost_12344", "", "", "emulator", "localhost:12344"},
	};
	GPtrArray *watches = g_ptr_array_new_with_free_func((GDestroyNotify)wb_ctl_watch_free);

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(WbDBusWatch1) skeleton = wb_dbus_watch1_skeleton_new();
		g_autofree gchar *path = g_strconcat(WATCH_PREFIX, rows[i].id, NULL);

		wb_dbus_watch1_set_name(skeleton, rows[i].name);
		wb_dbus_watch1_set_address(skeleton, rows[i].address);
		wb_dbus_watch1_set_transport(skeleton, rows[i].transport);
		wb_dbus_watch1_set_target(skeleton, rows[i].target);
		g_ptr_array_add(watches, wb_ctl_watch_new(path, skeleton));
	}
	return watches;
}

static void
assert_lookup(GPtrArray *watches, const gchar *spec, const gchar *expected_id)
{
	g_autoptr(GError) error = NULL;
	WbCtlWatch *watch = wb_ctl_watch_lookup(watches, spec, &error);

	g_assert_no_error(error);
	g_assert_nonnull(watch);
	g_assert_cmpstr(wb_ctl_watch_get_id(watch), ==, expected_id);
}

static void
test_lookup(void)
{
	g_autoptr(GPtrArray) watches = make_watches();
	g_autoptr(GPtrArray) one = g_ptr_array_new();
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *display = NULL;

	g_test_summary("WATCH by path, id, address, name, HOST:PORT; ambiguity; defaults");
	assert_lookup(watches, WATCH_PREFIX "B0_B4_48_78_9A_BC", "B0_B4_48_78_9A_BC");
	assert_lookup(watches, "B0_B4_48_78_9A_BC", "B0_B4_48_78_9A_BC");
	assert_lookup(watches, "b0:b4:48:78:9a:bc", "B0_B4_48_78_9A_BC");
	assert_lookup(watches, "pebble 3456", "emulator_127_0_0_1_12344");
	assert_lookup(watches, "127.0.0.1:12344", "emulator_127_0_0_1_12344");
	assert_lookup(watches, "emulator:127.0.0.1:12344", "emulator_127_0_0_1_12344");
	assert_lookup(watches, "localhost:12344", "emulator_localhost_12344");

	/* a watch without a name yet is called after its link */
	display = wb_ctl_watch_dup_display_name(g_ptr_array_index(watches, 4));
	g_assert_cmpstr(display, ==, "emulator localhost:12344");

	/* "Twin" and "twin": ambiguous, and the message lists both */
	g_assert_null(wb_ctl_watch_lookup(watches, "TWIN", &error));
	g_assert_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE);
	g_assert_nonnull(strstr(error->message, "B0_B4_48_00_00_01"));
	g_assert_nonnull(strstr(error->message, "B0_B4_48_00_00_02"));
	g_assert_cmpint(wb_ctl_exit_for_error(error), ==, WB_CTL_EXIT_USAGE);
	g_clear_error(&error);

	g_assert_null(wb_ctl_watch_lookup(watches, "Pebble 0000", &error));
	g_assert_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND);
	g_assert_cmpint(wb_ctl_exit_for_error(error), ==, WB_CTL_EXIT_NOT_FOUND);
	g_clear_error(&error);
	g_assert_null(wb_ctl_watch_lookup(watches, WATCH_PREFIX "nope", &error));
	g_assert_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND);
	g_clear_error(&error);
	g_assert_null(wb_ctl_watch_lookup(watches, "", &error));
	g_assert_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND);
	g_clear_error(&error);

	/* left out: fine with one watch, an error listing them with several, not found with none */
	g_assert_null(wb_ctl_watch_lookup(watches, NULL, &error));
	g_assert_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE);
	g_assert_nonnull(strstr(error->message, "emulator_localhost_12344"));
	g_clear_error(&error);
	g_ptr_array_add(one, g_ptr_array_index(watches, 1));
	g_assert_true(wb_ctl_watch_lookup(one, NULL, &error) == g_ptr_array_index(watches, 1));
	g_assert_null(wb_ctl_watch_lookup(none, NULL, &error));
	g_assert_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND);
}

/* --- tests against the stand-in --- */

static void
test_status(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonObject *doc;
	JsonArray *watches;
	JsonObject *a;
	JsonObject *b;

	g_assert_cmpint(ctl(fixture, NULL), ==, WB_CTL_EXIT_OK); /* no command: status */
	g_assert_true(g_str_has_prefix(fixture->out->str,
				       "wearbridged 9.9.9, 2 watches\nBluetooth on\n"));
	g_assert_nonnull(strstr(fixture->out->str, "Pebble 3456 (emulator_127_0_0_1_12344)\n"));
	g_assert_nonnull(strstr(fixture->out->str, "connected, ping 1.2 ms\n"));
	g_assert_nonnull(strstr(fixture->out->str, "Pebble Time (basalt)\n"));
	g_assert_nonnull(strstr(fixture->out->str, "emulator 127.0.0.1:12344\n"));
	g_assert_nonnull(strstr(fixture->out->str, "since 2024-11-28 10:35 ("));
	g_assert_nonnull(strstr(fixture->out->str, "disconnected, not reconnecting\n"));
	g_assert_nonnull(strstr(fixture->out->str, "rfcomm B0:B4:48:78:9A:BC\n"));
	g_assert_nonnull(strstr(fixture->out->str, "connected  never\n"));
	g_assert_null(strstr(fixture->out->str, "\033"));
	g_assert_cmpstr(fixture->err->str, ==, "");
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.ping_calls), ==, 1);

	g_assert_cmpint(ctl(fixture, "status", "--no-ping", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_null(strstr(fixture->out->str, "ping"));
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.ping_calls), ==, 1);

	g_assert_cmpint(ctl(fixture, "--json", "status", NULL), ==, WB_CTL_EXIT_OK);
	doc = parse_json(fixture, &root);
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(doc, "daemon"),
						      "version"),
			==, "9.9.9");
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(doc, "daemon"),
						      "bluetooth"),
			==, "on");
	watches = json_object_get_array_member(doc, "watches");
	g_assert_cmpuint(json_array_get_length(watches), ==, 2);
	a = json_array_get_object_element(watches, 0);
	b = json_array_get_object_element(watches, 1);
	assert_watch_keys(a);
	assert_watch_keys(b);
	g_assert_cmpstr(json_object_get_string_member(a, "id"), ==, "emulator_127_0_0_1_12344");
	g_assert_cmpstr(json_object_get_string_member(a, "path"), ==, PATH_A);
	g_assert_cmpstr(json_object_get_string_member(a, "firmware"), ==, "v4.4.2");
	g_assert_cmpstr(json_object_get_string_member(a, "target"), ==, "127.0.0.1:12344");
	g_assert_true(json_object_get_boolean_member(a, "connected"));
	g_assert_cmpint(json_object_get_int_member(a, "last_connected"), ==, (gint64)LAST_A);
	g_assert_cmpint(json_object_get_int_member(a, "ping_us"), ==, 1334);
	g_assert_true(json_object_get_null_member(a, "ping_error"));
	g_assert_cmpstr(json_object_get_string_member(a, "link_mode"), ==, "emulator");
	g_assert_cmpint(json_object_get_int_member(a, "link_mtu"), ==, 0);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(a, "link_window")), ==,
			 2);
	g_assert_cmpstr(json_object_get_string_member(b, "link_mode"), ==, "");
	g_assert_cmpstr(json_object_get_string_member(b, "state"), ==, "disconnected");
	g_assert_false(json_object_get_boolean_member(b, "auto_connect"));
	g_assert_true(json_object_get_null_member(b, "last_connected"));
	g_assert_true(json_object_get_null_member(b, "ping_us"));
	json_node_unref(root);
}

static void
test_watches(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonObject *doc;

	g_assert_cmpint(ctl(fixture, "watches", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_cmpstr(fixture->out->str, ==,
			"emulator_127_0_0_1_12344  Pebble 3456  Pebble Time   connected\n"
			"B0_B4_48_78_9A_BC         Pebble 9ABC  Pebble Steel  disconnected\n");

	g_assert_cmpint(ctl(fixture, "watches", "--json", NULL), ==, WB_CTL_EXIT_OK);
	doc = parse_json(fixture, &root);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(doc, "watches")), ==,
			 2);
	assert_watch_keys(
		json_array_get_object_element(json_object_get_array_member(doc, "watches"), 1));
	json_node_unref(root);
}

static void
test_ping(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonObject *doc;
	JsonArray *rtts;

	/* two watches known: WATCH is needed, and the message lists them */
	g_assert_cmpint(ctl(fixture, "ping", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_nonnull(strstr(fixture->err->str, "2 watches are known"));
	g_assert_nonnull(strstr(fixture->err->str, "B0_B4_48_78_9A_BC"));

	g_assert_cmpint(ctl(fixture, "ping", "Pebble 3456", "--count", "3", NULL), ==,
			WB_CTL_EXIT_OK);
	g_assert_cmpstr(fixture->out->str, ==,
			"Pebble 3456: seq=1 time=1.2 ms\n"
			"Pebble 3456: seq=2 time=1.3 ms\n"
			"Pebble 3456: seq=3 time=1.4 ms\n"
			"3 pings: min 1.2 ms, avg 1.3 ms, max 1.4 ms\n");

	g_assert_cmpint(ctl(fixture, "--json", "ping", "-c", "2", "127.0.0.1:12344", NULL), ==,
			WB_CTL_EXIT_OK);
	doc = parse_json(fixture, &root);
	rtts = json_object_get_array_member(doc, "rtt_us");
	g_assert_cmpuint(json_array_get_length(rtts), ==, 2);
	g_assert_cmpint(json_array_get_int_element(rtts, 0), ==, 1534);
	g_assert_cmpint(json_object_get_int_member(doc, "min_us"), ==, 1534);
	g_assert_cmpint(json_object_get_int_member(doc, "avg_us"), ==, 1584);
	g_assert_cmpint(json_object_get_int_member(doc, "max_us"), ==, 1634);
	assert_watch_keys(json_object_get_object_member(doc, "watch"));
	json_node_unref(root);

	/* the daemon's NotConnected, in words */
	g_assert_cmpint(ctl(fixture, "ping", "b0:b4:48:78:9a:bc", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->err->str, ==, "wearctl: Pebble 9ABC is not connected\n");
	g_assert_cmpint(ctl(fixture, "ping", "--json", "B0_B4_48_78_9A_BC", NULL), ==,
			WB_CTL_EXIT_FAILURE);
	doc = parse_json(fixture, &root);
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(doc, "error"),
						      "dbus_error"),
			==, "org.wearbridge.Error.NotConnected");
	json_node_unref(root);

	g_assert_cmpint(ctl(fixture, "ping", "Pebble 0000", NULL), ==, WB_CTL_EXIT_NOT_FOUND);
	g_assert_cmpint(ctl(fixture, "ping", "--count", "0", "Pebble 3456", NULL), ==,
			WB_CTL_EXIT_USAGE);
}

static void
test_time_sync(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonObject *doc;

	g_assert_cmpint(ctl(fixture, "time", "sync", PATH_A, NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str, "Pebble 3456: clock set to "));
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.sync_time_calls), ==, 1);

	g_assert_cmpint(ctl(fixture, "--json", "time", "sync", PATH_A, NULL), ==, WB_CTL_EXIT_OK);
	doc = parse_json(fixture, &root);
	g_assert_true(json_object_has_member(doc, "time"));
	g_assert_cmpint(json_object_get_int_member(doc, "utc_offset"), ==, 0);
	g_assert_true(json_object_has_member(doc, "timezone"));
	json_node_unref(root);

	g_assert_cmpint(ctl(fixture, "time", "sync", "Pebble 9ABC", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->err->str, ==, "wearctl: Pebble 9ABC is not connected\n");
}

static void
test_connect_emulator(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonObject *doc;
	JsonObject *watch;

	g_test_summary("ConnectEmulator, then wait for PropertiesChanged to say Connected");
	g_assert_cmpint(ctl(fixture, "connect", "emulator:127.0.0.1:12399", NULL), ==,
			WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str, "Pebble 12AB (emulator_127_0_0_1_12399)\n"
							  "  state      connected\n"));

	g_assert_cmpint(ctl(fixture, "connect", "--json", "emulator:127.0.0.1:12398", NULL), ==,
			WB_CTL_EXIT_OK);
	doc = parse_json(fixture, &root);
	watch = json_object_get_object_member(doc, "watch");
	g_assert_true(json_object_get_boolean_member(watch, "connected"));
	g_assert_cmpstr(json_object_get_string_member(watch, "name"), ==, "Pebble 12AB");
	json_node_unref(root);

	/* never connects: a timeout, exit 1, and the daemon keeps trying */
	g_assert_cmpint(ctl(fixture, "connect", "emulator:127.0.0.1:1", "--timeout", "0.3", NULL),
			==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: emulator 127.0.0.1:1 did not connect within 0.3 s (state: "
			"connecting); wearbridged keeps retrying in the background, see wearctl "
			"status\n");
	g_assert_cmpint(
		ctl(fixture, "--json", "connect", "emulator:127.0.0.1:1", "-t", "0.2", NULL), ==,
		WB_CTL_EXIT_FAILURE);
	doc = parse_json(fixture, &root);
	g_assert_true(json_object_has_member(doc, "error"));
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(doc, "watch"),
						      "target"),
			==, "127.0.0.1:1");
	json_node_unref(root);

	/* the known watch, by its emulator target: Connect() times out on the daemon's side */
	g_assert_cmpint(ctl(fixture, "connect", "127.0.0.1:1", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_nonnull(strstr(fixture->err->str, "did not connect within 15 s"));

	g_assert_cmpint(ctl(fixture, "connect", "emulator:nonsense", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_nonnull(strstr(fixture->err->str, "'nonsense' is not an emulator address"));
	g_assert_cmpint(ctl(fixture, "connect", "emulator:", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "connect", "emulator:h:3", "--timeout", "-1", NULL), ==,
			WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "connect", "10.0.0.1:5555", NULL), ==, WB_CTL_EXIT_NOT_FOUND);
	g_assert_nonnull(strstr(fixture->err->str, "wearctl connect emulator:10.0.0.1:5555"));
}

static void
test_daemon_leaves(Fixture *fixture, gconstpointer data)
{
	g_test_summary("The daemon leaves the bus while wearctl waits for a connection");
	g_assert_cmpint(ctl(fixture, "connect", "emulator:127.0.0.1:2", NULL), ==,
			WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: wearbridged stopped while the watch was connecting\n");
}

static void
test_connect_disconnect(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonObject *doc;

	g_assert_cmpint(ctl(fixture, "connect", "Pebble 9ABC", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str, "Pebble 9ABC (B0_B4_48_78_9A_BC)\n"
							  "  state      connected\n"));

	g_assert_cmpint(ctl(fixture, "disconnect", "Pebble 9ABC", "--json", NULL), ==,
			WB_CTL_EXIT_OK);
	doc = parse_json(fixture, &root);
	/* what the daemon says now, not what was cached before the call */
	g_assert_false(json_object_get_boolean_member(json_object_get_object_member(doc, "watch"),
						      "connected"));
	json_node_unref(root);

	g_assert_cmpint(ctl(fixture, "disconnect", "Pebble 9ABC", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: Pebble 9ABC is not connected; nothing to do\n");

	g_assert_cmpint(ctl(fixture, "disconnect", "pebble 3456", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_cmpstr(
		fixture->out->str, ==,
		"Pebble 3456 disconnected; wearbridged will not reconnect it until wearctl connect "
		"emulator_127_0_0_1_12344\n");
}

static void
test_forget(Fixture *fixture, gconstpointer data)
{
	g_assert_cmpint(ctl(fixture, "forget", "Pebble 9ABC", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_cmpstr(fixture->out->str, ==,
			"Forgot Pebble 9ABC (B0_B4_48_78_9A_BC)\n"
			"To pair it again, also forget this computer on the watch (Settings, "
			"Bluetooth).\n");
	g_assert_cmpint(ctl(fixture, "forget", "Pebble 9ABC", NULL), ==, WB_CTL_EXIT_NOT_FOUND);

	/* one watch left: it is the default now, except for forget */
	g_assert_cmpint(ctl(fixture, "ping", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_cmpint(ctl(fixture, "forget", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "forget", "emulator_127_0_0_1_12344", NULL), ==,
			WB_CTL_EXIT_OK);
	g_assert_cmpint(ctl(fixture, "status", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_nonnull(strstr(fixture->out->str, "no watches yet"));
	g_assert_cmpint(ctl(fixture, "ping", NULL), ==, WB_CTL_EXIT_NOT_FOUND);
	g_assert_nonnull(strstr(fixture->err->str, "no watch is known yet"));
}

/* --- Bluetooth --- */

/* a line of `wearctl scan` without a terminal */
static gchar *
scan_line(const gchar *address, const gchar *name, const gchar *model, const gchar *signal,
	  gboolean paired)
{
	return g_strdup_printf("%-17s  %-20s  %-18s  %7s%s\n", address, name, model, signal,
			       paired ? "  paired" : "");
}

static void
test_scan(Fixture *fixture, gconstpointer data)
{
	g_autofree gchar *line_b =
		scan_line("B0:B4:48:78:9A:BC", "Pebble 9ABC", "Pebble", "-", TRUE);
	g_autofree gchar *line_1 =
		scan_line(ADDR_PAIR, "Pebble Time 0001", "Pebble Time", "-70 dBm", FALSE);
	g_autofree gchar *line_2 =
		scan_line(ADDR_REJECT, "Pebble 2 0002", "Pebble 2", "-80 dBm", FALSE);
	g_autofree gchar *expected = g_strconcat(line_b, line_1, line_2, NULL);
	JsonNode *root = NULL;
	JsonObject *doc;
	JsonArray *found;
	JsonObject *w;

	g_test_summary("scan: one line per new watch without a terminal, --json at the end, "
		       "StopDiscovery always, Bluetooth errors with their fix");
	/* the known watch at once, each new one as it appears; a new RSSI is no new line */
	g_assert_cmpint(ctl(fixture, "scan", "--timeout", "1", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_cmpstr(fixture->out->str, ==, expected);
	g_assert_cmpstr(fixture->err->str, ==, "");
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.start_discovery_calls), ==, 1);
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.stop_discovery_calls), ==, 1);

	g_assert_cmpint(ctl(fixture, "--json", "scan", "-t", "0.5", NULL), ==, WB_CTL_EXIT_OK);
	doc = parse_json(fixture, &root);
	found = json_object_get_array_member(doc, "discovered");
	g_assert_cmpuint(json_array_get_length(found), ==, 3);
	w = json_array_get_object_element(found, 0);
	assert_exact_keys(w, scan_keys);
	g_assert_cmpstr(json_object_get_string_member(w, "address"), ==, "B0:B4:48:78:9A:BC");
	g_assert_true(json_object_get_null_member(w, "rssi"));
	g_assert_true(json_object_get_boolean_member(w, "paired"));
	w = json_array_get_object_element(found, 1);
	assert_exact_keys(w, scan_keys);
	g_assert_cmpstr(json_object_get_string_member(w, "name"), ==, "Pebble Time 0001");
	g_assert_cmpstr(json_object_get_string_member(w, "model"), ==, "Pebble Time");
	g_assert_cmpint(json_object_get_int_member(w, "rssi"), ==, -55); /* the last one */
	g_assert_false(json_object_get_boolean_member(w, "paired"));
	json_node_unref(root);
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.stop_discovery_calls), ==, 2);

	/* Bluetooth cannot scan: a line with the fix, status 1, nothing to stop */
	g_atomic_int_set(&fixture->fake.bluetooth, FAKE_BLUETOOTH_OFF);
	g_assert_cmpint(ctl(fixture, "scan", "--timeout", "1", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: Bluetooth is off: turn it on with 'bluetoothctl power on' or in "
			"Settings (if rfkill blocks it: rfkill unblock bluetooth)\n");
	g_assert_cmpstr(fixture->out->str, ==, "");
	g_assert_cmpint(ctl(fixture, "--json", "scan", NULL), ==, WB_CTL_EXIT_FAILURE);
	doc = parse_json(fixture, &root);
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(doc, "error"),
						      "dbus_error"),
			==, "org.wearbridge.Error.AdapterOff");
	json_node_unref(root);
	g_atomic_int_set(&fixture->fake.bluetooth, FAKE_BLUETOOTH_UNAVAILABLE);
	g_assert_cmpint(ctl(fixture, "scan", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: bluetoothd is not running: sudo systemctl start bluetooth\n");
	g_atomic_int_set(&fixture->fake.bluetooth, FAKE_BLUETOOTH_NO_ADAPTER);
	g_assert_cmpint(ctl(fixture, "scan", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_true(g_str_has_prefix(fixture->err->str,
				       "wearctl: there is no Bluetooth adapter: plug one in"));
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.start_discovery_calls), ==, 2);
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.stop_discovery_calls), ==, 2);

	g_assert_cmpint(ctl(fixture, "scan", "--timeout", "0", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "scan", "extra", NULL), ==, WB_CTL_EXIT_USAGE);
}

static void
test_pair(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonObject *doc;
	JsonObject *watch;

	g_test_summary("pair: the code zero-padded, the watch, the wait for Connected; errors");
	g_assert_cmpint(ctl(fixture, "pair", "c0:00:00:00:00:01", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_cmpstr(fixture->out->str, ==,
			"Confirm on the watch that it shows 004271\n"
			"Paired with ble " ADDR_PAIR " (" PATH_PAIR ")\n"
			"Pebble 0001 is connected: ble " ADDR_PAIR
			" (ppogatt), MTU 185, window 24/24\n");
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.pair_calls), ==, 1);

	/* --json: the code is a prompt, on stderr; the document has it too */
	g_assert_cmpint(ctl(fixture, "--json", "pair", ADDR_PAIR, "--no-wait", NULL), ==,
			WB_CTL_EXIT_OK);
	g_assert_cmpstr(fixture->err->str, ==, "Confirm on the watch that it shows 004271\n");
	doc = parse_json(fixture, &root);
	g_assert_cmpint(json_object_get_int_member(doc, "passkey"), ==, PASSKEY);
	watch = json_object_get_object_member(doc, "watch");
	assert_watch_keys(watch);
	g_assert_cmpstr(json_object_get_string_member(watch, "path"), ==, PATH_PAIR);
	g_assert_cmpstr(json_object_get_string_member(watch, "link_mode"), ==, "ppogatt");
	g_assert_cmpint(json_object_get_int_member(watch, "link_mtu"), ==, 185);
	json_node_unref(root);

	/* an adopted bond asks no code; --no-wait does not wait for a watch that never comes */
	g_assert_cmpint(ctl(fixture, "--json", "pair", ADDR_ADOPT, "--no-wait", NULL), ==,
			WB_CTL_EXIT_OK);
	doc = parse_json(fixture, &root);
	g_assert_true(json_object_get_null_member(doc, "passkey"));
	g_assert_false(json_object_get_boolean_member(json_object_get_object_member(doc, "watch"),
						      "connected"));
	json_node_unref(root);
	g_assert_cmpint(ctl(fixture, "pair", ADDR_ADOPT, "--timeout", "0.2", NULL), ==,
			WB_CTL_EXIT_FAILURE);
	g_assert_true(g_str_has_prefix(fixture->err->str, "wearctl: paired, but ble " ADDR_ADOPT
							  " did not connect within 0.2 s"));

	g_assert_cmpint(ctl(fixture, "pair", ADDR_REJECT, NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: pairing was rejected on the watch: cancelled on the watch\n");
	g_assert_cmpint(ctl(fixture, "--json", "pair", ADDR_REJECT, NULL), ==, WB_CTL_EXIT_FAILURE);
	doc = json_object_get_object_member(parse_json(fixture, &root), "error");
	g_assert_cmpstr(json_object_get_string_member(doc, "dbus_error"), ==,
			"org.wearbridge.Error.PairingRejected");
	g_assert_cmpint(json_object_get_int_member(doc, "exit_status"), ==, 1);
	json_node_unref(root);

	g_assert_cmpint(ctl(fixture, "pair", ADDR_UNKNOWN, NULL), ==, WB_CTL_EXIT_NOT_FOUND);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: " ADDR_UNKNOWN " not found: run 'wearctl scan' first, with the "
			"watch in pairing mode\n");
	g_assert_cmpint(ctl(fixture, "pair", ADDR_BUSY, NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_true(
		g_str_has_prefix(fixture->err->str, "wearctl: another pairing is in progress"));
	g_assert_cmpint(ctl(fixture, "pair", ADDR_TIMEOUT, NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_true(g_str_has_prefix(fixture->err->str,
				       "wearctl: pairing with " ADDR_TIMEOUT " timed out"));
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.pair_calls), ==, 9);

	/* checked before asking the daemon */
	g_assert_cmpint(ctl(fixture, "pair", "C0:00:00:00:00", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "pair", "C0-00-00-00-00-01", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(ctl(fixture, "pair", "G0:00:00:00:00:01", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_nonnull(strstr(fixture->err->str, "is not a Bluetooth address"));
	g_assert_cmpint(ctl(fixture, "pair", NULL), ==, WB_CTL_EXIT_USAGE);
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.pair_calls), ==, 9);

	/* a watch that never had a session is forgotten by its address (Target), in any case */
	g_assert_cmpint(ctl(fixture, "forget", "c0:00:00:00:00:05", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str,
				       "Forgot ble " ADDR_ADOPT " (C0_00_00_00_00_05)\n"));
	g_assert_cmpint(ctl(fixture, "forget", "c0:00:00:00:00:05", NULL), ==,
			WB_CTL_EXIT_NOT_FOUND);
}

static void
test_status_link(Fixture *fixture, gconstpointer data)
{
	JsonNode *root = NULL;
	JsonArray *watches;
	JsonObject *c;
	JsonArray *window;

	g_test_summary("status shows the LE link: mode, MTU and windows");
	g_assert_cmpint(ctl(fixture, "pair", ADDR_PAIR, NULL), ==, WB_CTL_EXIT_OK);
	g_assert_cmpint(ctl(fixture, "status", "--no-ping", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_nonnull(strstr(fixture->out->str, "wearbridged 9.9.9, 3 watches\nBluetooth on\n"));
	g_assert_nonnull(strstr(fixture->out->str, "Pebble 0001 (C0_00_00_00_00_01)\n"));
	g_assert_nonnull(strstr(fixture->out->str, "  link       ble " ADDR_PAIR
						   " (ppogatt), MTU 185, window 24/24\n"));
	g_assert_nonnull(strstr(fixture->out->str, "  link       emulator 127.0.0.1:12344\n"));

	g_assert_cmpint(ctl(fixture, "status", "--no-ping", "--json", NULL), ==, WB_CTL_EXIT_OK);
	watches = json_object_get_array_member(parse_json(fixture, &root), "watches");
	c = json_array_get_object_element(watches, 2);
	assert_watch_keys(c);
	g_assert_cmpstr(json_object_get_string_member(c, "transport"), ==, "ble");
	g_assert_cmpstr(json_object_get_string_member(c, "link_mode"), ==, "ppogatt");
	g_assert_cmpint(json_object_get_int_member(c, "link_mtu"), ==, 185);
	window = json_object_get_array_member(c, "link_window");
	g_assert_cmpuint(json_array_get_length(window), ==, 2);
	g_assert_cmpint(json_array_get_int_element(window, 0), ==, 24);
	g_assert_cmpint(json_array_get_int_element(window, 1), ==, 24);
	json_node_unref(root);
}

static void
test_connect_address(Fixture *fixture, gconstpointer data)
{
	g_test_summary("connect ADDRESS: Watch1.Connect for a known address, else Pair()");
	/* B's target, in lower case: its Connect(), no Pair() */
	g_assert_cmpint(ctl(fixture, "connect", "b0:b4:48:78:9a:bc", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str, "Pebble 9ABC (B0_B4_48_78_9A_BC)\n"
							  "  state      connected\n"));
	g_assert_nonnull(strstr(fixture->out->str, "  link       rfcomm B0:B4:48:78:9A:BC\n"));
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.connect_calls), ==, 1);
	/* the address the emulator A reports */
	g_assert_cmpint(ctl(fixture, "connect", "B0:B4:48:12:34:56", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(
		g_str_has_prefix(fixture->out->str, "Pebble 3456 (emulator_127_0_0_1_12344)\n"));
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.connect_calls), ==, 2);
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.pair_calls), ==, 0);

	/* unknown: Pair(), the code, then the watch as connect prints it */
	g_assert_cmpint(ctl(fixture, "connect", ADDR_PAIR, NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_prefix(fixture->out->str,
				       "Confirm on the watch that it shows 004271\n"
				       "Pebble 0001 (C0_00_00_00_00_01)\n"
				       "  state      connected\n"));
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.pair_calls), ==, 1);
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.connect_calls), ==, 2);
	/* known now */
	g_assert_cmpint(ctl(fixture, "connect", ADDR_PAIR, NULL), ==, WB_CTL_EXIT_OK);
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.pair_calls), ==, 1);
	g_assert_cmpint(g_atomic_int_get(&fixture->fake.connect_calls), ==, 3);

	g_assert_cmpint(ctl(fixture, "connect", ADDR_UNKNOWN, NULL), ==, WB_CTL_EXIT_NOT_FOUND);
	g_assert_nonnull(strstr(fixture->err->str, "run 'wearctl scan' first"));
	g_assert_cmpint(ctl(fixture, "connect", ADDR_REJECT, NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_nonnull(strstr(fixture->err->str, "pairing was rejected on the watch"));
}

static void
test_doctor(Fixture *fixture, gconstpointer data)
{
	gboolean utf8 = wb_ctl_use_utf8();
	g_autofree gchar *expected = NULL;
	JsonNode *root = NULL;
	JsonArray *findings;
	JsonObject *f;

	g_test_summary("doctor: wearctl's own check, then Manager1.Doctor(); exit 1 on an error");
	expected = g_strdup_printf(
		"%s  wearbridged 9.9.9 is running\n"
		"%s  bluetoothd 5.72 is running\n"
		"%s  BlueZ does not say whether hci0 can be an LE central %s update BlueZ to 5.56 "
		"or later\n"
		"%s  the GATT application is not registered %s systemctl --user restart "
		"wearbridged\n",
		utf8 ? "✓" : "ok  ", utf8 ? "✓" : "ok  ", utf8 ? "!" : "warn", utf8 ? "—" : "-",
		utf8 ? "✗" : "FAIL", utf8 ? "—" : "-");
	g_assert_cmpint(ctl(fixture, "doctor", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->out->str, ==, expected);
	g_assert_cmpstr(fixture->err->str, ==,
			"wearctl: 1 check failed; the fix follows each one\n");

	/* --json: the findings, and no error document after them */
	g_assert_cmpint(ctl(fixture, "--json", "doctor", NULL), ==, WB_CTL_EXIT_FAILURE);
	findings = json_object_get_array_member(parse_json(fixture, &root), "findings");
	g_assert_cmpuint(json_array_get_length(findings), ==, 4);
	f = json_array_get_object_element(findings, 0);
	assert_exact_keys(f, doctor_keys);
	g_assert_cmpstr(json_object_get_string_member(f, "check"), ==, "wearbridged");
	g_assert_cmpstr(json_object_get_string_member(f, "status"), ==, "ok");
	g_assert_cmpstr(json_object_get_string_member(f, "fix"), ==, "");
	f = json_array_get_object_element(findings, 3);
	assert_exact_keys(f, doctor_keys);
	g_assert_cmpstr(json_object_get_string_member(f, "check"), ==, "gatt-application");
	g_assert_cmpstr(json_object_get_string_member(f, "status"), ==, "error");
	json_node_unref(root);

	/* warnings alone do not fail */
	g_atomic_int_set(&fixture->fake.doctor_clean, TRUE);
	g_assert_cmpint(ctl(fixture, "doctor", NULL), ==, WB_CTL_EXIT_OK);
	g_assert_true(g_str_has_suffix(fixture->out->str, "No errors, 1 warning.\n"));
	g_assert_cmpstr(fixture->err->str, ==, "");
}

static void
test_doctor_not_running(Fixture *fixture, gconstpointer data)
{
	gboolean utf8 = wb_ctl_use_utf8();
	g_autofree gchar *expected = NULL;
	JsonNode *root = NULL;
	JsonObject *f;

	g_test_summary("doctor without wearbridged: the finding and its fix, exit status 1");
	expected = g_strdup_printf("%s  wearbridged is not running %s start it with systemctl "
				   "--user start wearbridged\n",
				   utf8 ? "✗" : "FAIL", utf8 ? "—" : "-");
	g_assert_cmpint(ctl(fixture, "doctor", NULL), ==, WB_CTL_EXIT_FAILURE);
	g_assert_cmpstr(fixture->out->str, ==, expected);
	g_assert_cmpint(ctl(fixture, "doctor", "--json", NULL), ==, WB_CTL_EXIT_FAILURE);
	f = json_array_get_object_element(
		json_object_get_array_member(parse_json(fixture, &root), "findings"), 0);
	g_assert_cmpstr(json_object_get_string_member(f, "check"), ==, "wearbridged");
	g_assert_cmpstr(json_object_get_string_member(f, "status"), ==, "error");
	json_node_unref(root);
}

int
main(int argc, char **argv)
{
	g_autoptr(GTestDBus) bus = NULL;
	gint status;

	/* dates in the output are local: make them predictable */
	g_setenv("TZ", "UTC", TRUE);
	g_test_init(&argc, &argv, NULL);

	bus = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(bus);

#define ADD(name, func, no_daemon)                                                                 \
	g_test_add("/wearbridge/wearctl/" name, Fixture, no_daemon, fixture_setup, func,           \
		   fixture_teardown)
	ADD("not-running", test_not_running, "no daemon");
	ADD("help", test_help, "no daemon");
	ADD("man-page", test_man_page, "no daemon");
	ADD("status", test_status, NULL);
	ADD("watches", test_watches, NULL);
	ADD("ping", test_ping, NULL);
	ADD("time-sync", test_time_sync, NULL);
	ADD("connect-emulator", test_connect_emulator, NULL);
	ADD("daemon-leaves", test_daemon_leaves, NULL);
	ADD("connect-disconnect", test_connect_disconnect, NULL);
	ADD("forget", test_forget, NULL);
	ADD("scan", test_scan, NULL);
	ADD("pair", test_pair, NULL);
	ADD("status-link", test_status_link, NULL);
	ADD("connect-address", test_connect_address, NULL);
	ADD("doctor", test_doctor, NULL);
	ADD("doctor-not-running", test_doctor_not_running, "no daemon");
#undef ADD
	g_test_add_func("/wearbridge/wearctl/format", test_format);
	g_test_add_func("/wearbridge/wearctl/lookup", test_lookup);

	status = g_test_run();
	g_test_dbus_down(bus);
	return status;
}
