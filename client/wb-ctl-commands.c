/* wearctl: the command table and the commands.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-ctl.h"

#include <string.h>

#define WB_CTL_MAX_PINGS 100000

/* Re-reads a watch's properties. The daemon's skeletons send PropertiesChanged from an idle
 * callback, which can come after the reply to the call that changed them; GetAll answers with
 * what is true now, and the bus keeps one sender's messages in order. */
static void
refresh_properties(WbCtl *ctl, const WbCtlWatch *watch)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GVariant) props = NULL;
	g_autoptr(GError) local = NULL;
	GVariantIter iter;
	const gchar *key;
	GVariant *value;

	reply = g_dbus_connection_call_sync(
		ctl->connection, WB_CTL_BUS_NAME, watch->path, "org.freedesktop.DBus.Properties",
		"GetAll", g_variant_new("(s)", "org.wearbridge.Watch1"), G_VARIANT_TYPE("(a{sv})"),
		G_DBUS_CALL_FLAGS_NO_AUTO_START, WB_CTL_CALL_TIMEOUT_MS, NULL, &local);
	if (reply == NULL) {
		/* what is cached is still a fair picture; the caller already succeeded */
		g_debug("refreshing '%s': %s", watch->path, local->message);
		return;
	}
	props = g_variant_get_child_value(reply, 0);
	g_variant_iter_init(&iter, props);
	while (g_variant_iter_loop(&iter, "{&sv}", &key, &value))
		g_dbus_proxy_set_cached_property(G_DBUS_PROXY(watch->proxy), key, value);
}

static void
set_error_watch(WbCtl *ctl, const WbCtlWatch *watch)
{
	g_clear_pointer(&ctl->error_watch, wb_ctl_watch_free);
	ctl->error_watch = wb_ctl_watch_new(watch->path, watch->proxy);
}

static void
print_watch_document(WbCtl *ctl, const WbCtlWatch *watch)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "watch");
	json_builder_begin_object(builder);
	wb_ctl_json_add_watch(builder, watch);
	json_builder_end_object(builder);
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
}

/* --- status, watches --- */

static gboolean
cmd_status(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	const gchar *version = wb_dbus_manager1_get_version(ctl->manager);
	g_autofree gchar *daemon = NULL;

	if (!wb_ctl_load_watches(ctl, error))
		return FALSE;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "daemon");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "version");
	json_builder_add_string_value(builder, version);
	/* null from a wearbridged older than 0.2.0 */
	json_builder_set_member_name(builder, "bluetooth");
	if (wb_dbus_manager1_get_bluetooth(ctl->manager) != NULL)
		json_builder_add_string_value(builder,
					      wb_dbus_manager1_get_bluetooth(ctl->manager));
	else
		json_builder_add_null_value(builder);
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "watches");
	json_builder_begin_array(builder);

	daemon = wb_ctl_style(ctl, WB_CTL_STYLE_BOLD, "wearbridged");
	if (!ctl->json) {
		if (ctl->watches->len == 0)
			wb_ctl_print(ctl,
				     "%s %s, no watches yet; find one with wearctl scan and "
				     "wearctl pair ADDRESS, or add an emulator with "
				     "wearctl connect emulator:HOST:PORT\n",
				     daemon, version);
		else
			wb_ctl_print(ctl, "%s %s, %u watch%s\n", daemon, version, ctl->watches->len,
				     ctl->watches->len == 1 ? "" : "es");
		wb_ctl_print_bluetooth_state(ctl);
	}

	for (guint i = 0; i < ctl->watches->len; i++) {
		const WbCtlWatch *watch = g_ptr_array_index(ctl->watches, i);
		g_autoptr(GError) ping_error = NULL;
		g_autofree gchar *ping = NULL;
		guint64 rtt = 0;
		gboolean pinged = FALSE;

		if (!ctl->no_ping && wb_dbus_watch1_get_connected(watch->proxy)) {
			pinged = wb_dbus_watch1_call_ping_sync(watch->proxy, &rtt, NULL,
							       &ping_error);
			if (pinged) {
				g_autofree gchar *ms = wb_ctl_format_rtt(rtt);

				ping = g_strdup_printf("ping %s", ms);
			} else {
				/* shown as part of the status; status itself succeeded */
				g_dbus_error_strip_remote_error(ping_error);
				ping = g_strdup_printf("ping failed: %s", ping_error->message);
			}
		}

		json_builder_begin_object(builder);
		wb_ctl_json_add_watch(builder, watch);
		json_builder_set_member_name(builder, "ping_us");
		if (pinged)
			json_builder_add_int_value(builder, (gint64)MIN(rtt, (guint64)G_MAXINT64));
		else
			json_builder_add_null_value(builder);
		json_builder_set_member_name(builder, "ping_error");
		if (ping_error != NULL)
			json_builder_add_string_value(builder, ping_error->message);
		else
			json_builder_add_null_value(builder);
		json_builder_end_object(builder);

		if (!ctl->json) {
			wb_ctl_print(ctl, "\n");
			wb_ctl_print_watch(ctl, watch, ping);
		}
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	if (ctl->json)
		wb_ctl_print_json(ctl, builder);
	return TRUE;
}

static gsize
text_width(const gchar *s)
{
	return (gsize)g_utf8_strlen(s, -1);
}

static gboolean
cmd_watches(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	gsize widths[3] = {0, 0, 0};

	if (!wb_ctl_load_watches(ctl, error))
		return FALSE;

	if (ctl->json) {
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "watches");
		json_builder_begin_array(builder);
		for (guint i = 0; i < ctl->watches->len; i++) {
			json_builder_begin_object(builder);
			wb_ctl_json_add_watch(builder, g_ptr_array_index(ctl->watches, i));
			json_builder_end_object(builder);
		}
		json_builder_end_array(builder);
		json_builder_end_object(builder);
		wb_ctl_print_json(ctl, builder);
		return TRUE;
	}

	if (ctl->watches->len == 0) {
		wb_ctl_print(ctl, "No watches yet; find one with wearctl scan and wearctl pair "
				  "ADDRESS, or add an emulator with wearctl connect "
				  "emulator:HOST:PORT\n");
		return TRUE;
	}
	for (guint i = 0; i < ctl->watches->len; i++) {
		const WbCtlWatch *watch = g_ptr_array_index(ctl->watches, i);
		g_autofree gchar *name = wb_ctl_watch_dup_display_name(watch);
		const gchar *model = wb_dbus_watch1_get_model(watch->proxy);

		widths[0] = MAX(widths[0], text_width(wb_ctl_watch_get_id(watch)));
		widths[1] = MAX(widths[1], text_width(name));
		widths[2] = MAX(widths[2], text_width(model != NULL && model[0] ? model : "-"));
	}
	for (guint i = 0; i < ctl->watches->len; i++) {
		const WbCtlWatch *watch = g_ptr_array_index(ctl->watches, i);
		const gchar *id = wb_ctl_watch_get_id(watch);
		g_autofree gchar *name = wb_ctl_watch_dup_display_name(watch);
		const gchar *model = wb_dbus_watch1_get_model(watch->proxy);
		g_autofree gchar *bold = wb_ctl_style(ctl, WB_CTL_STYLE_BOLD, name);
		g_autofree gchar *state =
			wb_ctl_style_state(ctl, wb_dbus_watch1_get_state(watch->proxy));

		if (model == NULL || model[0] == '\0')
			model = "-";
		/* pad by the text's width: escape sequences take no columns */
		wb_ctl_print(ctl, "%s%*s  %s%*s  %s%*s  %s\n", id,
			     (int)(widths[0] - text_width(id)), "", bold,
			     (int)(widths[1] - text_width(name)), "", model,
			     (int)(widths[2] - text_width(model)), "", state);
	}
	return TRUE;
}

/* --- connect --- */

typedef struct {
	GMainLoop *loop;
	WbDBusWatch1 *proxy;
	gboolean vanished;
} WbCtlWait;

static void
on_properties_changed(GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
	WbCtlWait *wait = user_data;

	if (wb_dbus_watch1_get_connected(wait->proxy))
		g_main_loop_quit(wait->loop);
}

static void
on_name_owner(GObject *object, GParamSpec *pspec, gpointer user_data)
{
	WbCtlWait *wait = user_data;
	g_autofree gchar *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(object));

	if (owner != NULL)
		return;
	wait->vanished = TRUE;
	g_main_loop_quit(wait->loop);
}

static gboolean
on_wait_timeout(gpointer user_data)
{
	WbCtlWait *wait = user_data;

	g_main_loop_quit(wait->loop);
	return G_SOURCE_CONTINUE; /* removed by wb_ctl_wait_connected() */
}

static void
set_connect_timeout_error(WbCtl *ctl, const WbCtlWatch *watch, gdouble seconds, GError **error)
{
	g_autofree gchar *name = wb_ctl_watch_dup_display_name(watch);
	const gchar *state = wb_dbus_watch1_get_state(watch->proxy);

	set_error_watch(ctl, watch);
	g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
		    "%s did not connect within %g s (state: %s); wearbridged keeps retrying "
		    "in the background, see wearctl status",
		    name, seconds, state != NULL && state[0] != '\0' ? state : "unknown");
}

/**
 * wb_ctl_wait_connected:
 * @ctl: a connected #WbCtl
 * @watch: the watch
 * @seconds: how long to wait at most
 * @error: return location for a #WB_CTL_ERROR
 *
 * Waits, in a main loop, until PropertiesChanged says Connected, the daemon leaves the bus,
 * or @seconds pass.
 *
 * Returns: %TRUE once the watch is connected
 */
gboolean
wb_ctl_wait_connected(WbCtl *ctl, const WbCtlWatch *watch, gdouble seconds, GError **error)
{
	g_autoptr(GMainLoop) loop = NULL;
	WbCtlWait wait = {0};
	gulong changed_id;
	gulong owner_id;
	guint timeout_id;

	if (wb_dbus_watch1_get_connected(watch->proxy))
		return TRUE;

	loop = g_main_loop_new(NULL, FALSE);
	wait.loop = loop;
	wait.proxy = watch->proxy;
	changed_id = g_signal_connect(watch->proxy, "g-properties-changed",
				      G_CALLBACK(on_properties_changed), &wait);
	owner_id = g_signal_connect(watch->proxy, "notify::g-name-owner", G_CALLBACK(on_name_owner),
				    &wait);
	timeout_id = g_timeout_add((guint)(seconds * 1000), on_wait_timeout, &wait);

	g_main_loop_run(loop);

	g_clear_signal_handler(&changed_id, watch->proxy);
	g_clear_signal_handler(&owner_id, watch->proxy);
	g_clear_handle_id(&timeout_id, g_source_remove);

	if (wb_dbus_watch1_get_connected(watch->proxy))
		return TRUE;
	if (wait.vanished) {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
				    "wearbridged stopped while the watch was connecting");
		return FALSE;
	}
	set_connect_timeout_error(ctl, watch, seconds, error);
	return FALSE;
}

static void
print_connected(WbCtl *ctl, const WbCtlWatch *watch)
{
	if (ctl->json) {
		print_watch_document(ctl, watch);
		return;
	}
	wb_ctl_print_watch(ctl, watch, NULL);
}

static gboolean
connect_emulator(WbCtl *ctl, const gchar *address, GError **error)
{
	g_autofree gchar *path = NULL;
	g_autoptr(GError) local = NULL;
	g_autoptr(WbDBusWatch1) proxy = NULL;
	g_autoptr(WbCtlWatch) watch = NULL;
	g_autofree gchar *remote = NULL;

	if (address[0] == '\0') {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
				    "'emulator:' needs HOST or HOST:PORT, "
				    "e.g. emulator:127.0.0.1:12344");
		return FALSE;
	}
	if (!wb_dbus_manager1_call_connect_emulator_sync(ctl->manager, address, &path, NULL,
							 &local)) {
		remote = g_dbus_error_get_remote_error(local);
		if (g_strcmp0(remote, "org.wearbridge.Error.InvalidArgs") == 0) {
			g_dbus_error_strip_remote_error(local);
			g_free(ctl->dbus_error);
			ctl->dbus_error = g_steal_pointer(&remote);
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
				    "'%s' is not an emulator address (%s); use HOST:PORT or HOST",
				    address, local->message);
			return FALSE;
		}
		wb_ctl_translate_error(ctl, &local, NULL, "connect to an emulator with");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}

	/* A proxy of our own: the object manager may not have seen InterfacesAdded yet, and this
	 * one loads the properties now and follows PropertiesChanged from here on. */
	proxy = wb_dbus_watch1_proxy_new_sync(ctl->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
					      WB_CTL_BUS_NAME, path, NULL, &local);
	if (proxy == NULL) {
		wb_ctl_translate_error(ctl, &local, NULL, "follow the new watch on");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(proxy), WB_CTL_CALL_TIMEOUT_MS);
	watch = wb_ctl_watch_new(path, proxy);

	if (!wb_dbus_watch1_get_connected(proxy))
		wb_ctl_progress(ctl, "Connecting to emulator %s...\n", address);
	if (!wb_ctl_wait_connected(ctl, watch, ctl->timeout, error))
		return FALSE;
	print_connected(ctl, watch);
	return TRUE;
}

/**
 * wb_ctl_connect_watch:
 * @ctl: a connected #WbCtl, with --timeout applied
 * @watch: a known watch
 * @error: return location for a #WB_CTL_ERROR
 *
 * Calls Watch1.Connect(), bounded by --timeout, and prints the watch once it is connected.
 *
 * Returns: %TRUE once the watch is connected
 */
gboolean
wb_ctl_connect_watch(WbCtl *ctl, const WbCtlWatch *watch, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree gchar *name = wb_ctl_watch_dup_display_name(watch);
	gint64 deadline = g_get_monotonic_time() + (gint64)(ctl->timeout * G_USEC_PER_SEC);
	gint64 left;
	gboolean ok;

	if (!wb_dbus_watch1_get_connected(watch->proxy))
		wb_ctl_progress(ctl, "Connecting to %s...\n", name);

	/* Connect() returns once the session is open; our own deadline bounds the wait */
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(watch->proxy),
					 (gint)(ctl->timeout * 1000) + 1);
	ok = wb_dbus_watch1_call_connect_sync(watch->proxy, NULL, &local);
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(watch->proxy), WB_CTL_CALL_TIMEOUT_MS);
	if (!ok) {
		g_autofree gchar *remote = g_dbus_error_get_remote_error(local);

		if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
		    g_strcmp0(remote, "org.wearbridge.Error.Timeout") == 0) {
			g_free(ctl->dbus_error);
			ctl->dbus_error = g_steal_pointer(&remote);
			refresh_properties(ctl, watch);
			set_connect_timeout_error(ctl, watch, ctl->timeout, error);
			return FALSE;
		}
		/* a Bluetooth watch fails with the adapter's state too (AdapterOff...) */
		wb_ctl_translate_bluetooth_error(ctl, &local, watch, "connect", NULL);
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}

	refresh_properties(ctl, watch);
	/* the session opened and may already have dropped again: wait out what is left */
	left = deadline - g_get_monotonic_time();
	if (!wb_ctl_wait_connected(ctl, watch, MAX((gdouble)left / G_USEC_PER_SEC, 0.001), error)) {
		g_prefix_error(error, "the session opened and closed again: ");
		return FALSE;
	}
	print_connected(ctl, watch);
	return TRUE;
}

/* "HOST:PORT" or "[v6]:PORT", but not a Bluetooth address */
static gboolean
looks_like_host_port(const gchar *s)
{
	const gchar *colon = strrchr(s, ':');

	if (colon == NULL || colon == s || colon[1] == '\0')
		return FALSE;
	if (strlen(s) == 17 && s[2] == ':' && s[5] == ':')
		return FALSE;
	for (const gchar *p = colon + 1; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
	}
	return TRUE;
}

static gboolean
cmd_connect(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GError) local = NULL;
	WbCtlWatch *watch;

	if (!wb_ctl_check_timeout(ctl, WB_CTL_DEFAULT_CONNECT_TIMEOUT, error))
		return FALSE;
	if (g_str_has_prefix(args[0], "emulator:"))
		return connect_emulator(ctl, args[0] + strlen("emulator:"), error);

	/* a Bluetooth address: the known watch linked to it, else Pair(), which adopts a bond
	 * BlueZ already has */
	if (wb_ctl_is_bluetooth_address(args[0])) {
		watch = wb_ctl_find_bluetooth_watch(ctl, args[0], &local);
		if (watch != NULL)
			return wb_ctl_connect_watch(ctl, watch, error);
		if (local != NULL) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		return wb_ctl_connect_address(ctl, args[0], error);
	}

	watch = wb_ctl_find_watch(ctl, args[0], &local);
	if (watch == NULL) {
		if (g_error_matches(local, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND) &&
		    looks_like_host_port(args[0])) {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND,
				    "no known watch is at '%s'; to add an emulator there, use "
				    "wearctl connect emulator:%s",
				    args[0], args[0]);
			return FALSE;
		}
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	return wb_ctl_connect_watch(ctl, watch, error);
}

/* --- disconnect, forget --- */

static gboolean
cmd_disconnect(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree gchar *name = NULL;
	WbCtlWatch *watch = wb_ctl_find_watch(ctl, args[0], error);

	if (watch == NULL)
		return FALSE;
	name = wb_ctl_watch_dup_display_name(watch);

	/* Disconnect() would succeed, but there is nothing for it to stop */
	if (!wb_dbus_watch1_get_connected(watch->proxy) &&
	    !wb_dbus_watch1_get_auto_connect(watch->proxy) &&
	    g_strcmp0(wb_dbus_watch1_get_state(watch->proxy), "disconnected") == 0) {
		set_error_watch(ctl, watch);
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOTHING_TO_DO,
			    "%s is not connected; nothing to do", name);
		return FALSE;
	}

	if (!wb_dbus_watch1_call_disconnect_sync(watch->proxy, NULL, &local)) {
		wb_ctl_translate_error(ctl, &local, watch, "disconnect");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	refresh_properties(ctl, watch);
	if (ctl->json) {
		print_watch_document(ctl, watch);
		return TRUE;
	}
	wb_ctl_print(
		ctl,
		"%s disconnected; wearbridged will not reconnect it until wearctl connect %s\n",
		name, wb_ctl_watch_get_id(watch));
	return TRUE;
}

static gboolean
cmd_forget(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *transport = NULL;
	WbCtlWatch *watch;

	/* a Bluetooth address also names a watch that never finished a handshake (Address is
	 * still empty; Target has it) */
	if (wb_ctl_is_bluetooth_address(args[0])) {
		watch = wb_ctl_find_bluetooth_watch(ctl, args[0], &local);
		if (watch == NULL && local == NULL)
			g_set_error(&local, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND,
				    "no known watch has the address %s; wearctl watches lists them",
				    args[0]);
		if (watch == NULL) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
	} else {
		watch = wb_ctl_find_watch(ctl, args[0], error);
		if (watch == NULL)
			return FALSE;
	}
	name = wb_ctl_watch_dup_display_name(watch);
	transport = wb_dbus_watch1_dup_transport(watch->proxy);

	if (!wb_dbus_manager1_call_forget_sync(ctl->manager, watch->path, NULL, &local)) {
		g_autofree gchar *remote = g_dbus_error_get_remote_error(local);

		/* the only InvalidArgs Forget() has: it does not know the watch (any more) */
		if (g_strcmp0(remote, "org.wearbridge.Error.InvalidArgs") == 0) {
			g_free(ctl->dbus_error);
			ctl->dbus_error = g_steal_pointer(&remote);
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND,
				    "wearbridged does not know %s (any more)", name);
			return FALSE;
		}
		wb_ctl_translate_error(ctl, &local, watch, "forget");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	if (ctl->json) {
		/* the watch as it was before it went */
		print_watch_document(ctl, watch);
		return TRUE;
	}
	wb_ctl_print(ctl, "Forgot %s (%s)\n", name, wb_ctl_watch_get_id(watch));
	/* wearbridged removed the bond from BlueZ; the watch keeps its half */
	if (g_strcmp0(transport, "ble") == 0 || g_strcmp0(transport, "rfcomm") == 0)
		wb_ctl_print(ctl, "To pair it again, also forget this computer on the watch "
				  "(Settings, Bluetooth).\n");
	return TRUE;
}

/* --- ping, time sync --- */

static gboolean
cmd_ping(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(GArray) rtts = g_array_new(FALSE, FALSE, sizeof(guint64));
	g_autofree gchar *name = NULL;
	guint64 min = G_MAXUINT64;
	guint64 max = 0;
	guint64 sum = 0;
	WbCtlWatch *watch;

	if (ctl->count < 1 || ctl->count > WB_CTL_MAX_PINGS) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
			    "--count must be between 1 and %d, not '%d'", WB_CTL_MAX_PINGS,
			    ctl->count);
		return FALSE;
	}
	watch = wb_ctl_find_watch(ctl, args[0], error);
	if (watch == NULL)
		return FALSE;
	name = wb_ctl_watch_dup_display_name(watch);

	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(watch->proxy), WB_CTL_PING_TIMEOUT_MS);
	for (gint i = 0; i < ctl->count; i++) {
		g_autoptr(GError) local = NULL;
		g_autofree gchar *ms = NULL;
		guint64 rtt = 0;

		if (!wb_dbus_watch1_call_ping_sync(watch->proxy, &rtt, NULL, &local)) {
			wb_ctl_translate_error(ctl, &local, watch, "ping");
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		rtt = MIN(rtt, (guint64)G_MAXINT64);
		g_array_append_val(rtts, rtt);
		min = MIN(min, rtt);
		max = MAX(max, rtt);
		sum += rtt;
		if (!ctl->json) {
			ms = wb_ctl_format_rtt(rtt);
			wb_ctl_print(ctl, "%s: seq=%d time=%s\n", name, i + 1, ms);
		}
	}

	if (!ctl->json) {
		if (ctl->count > 1) {
			g_autofree gchar *smin = wb_ctl_format_rtt(min);
			g_autofree gchar *savg = wb_ctl_format_rtt(sum / rtts->len);
			g_autofree gchar *smax = wb_ctl_format_rtt(max);

			wb_ctl_print(ctl, "%u pings: min %s, avg %s, max %s\n", rtts->len, smin,
				     savg, smax);
		}
		return TRUE;
	}
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "watch");
	json_builder_begin_object(builder);
	wb_ctl_json_add_watch(builder, watch);
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "rtt_us");
	json_builder_begin_array(builder);
	for (guint i = 0; i < rtts->len; i++)
		json_builder_add_int_value(builder, (gint64)g_array_index(rtts, guint64, i));
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "min_us");
	json_builder_add_int_value(builder, (gint64)min);
	json_builder_set_member_name(builder, "avg_us");
	json_builder_add_int_value(builder, (gint64)((sum + rtts->len / 2) / rtts->len));
	json_builder_set_member_name(builder, "max_us");
	json_builder_add_int_value(builder, (gint64)max);
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
	return TRUE;
}

static gboolean
cmd_time_sync(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GDateTime) now = NULL;
	g_autoptr(GTimeZone) tz = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree gchar *name = NULL;
	g_autofree gchar *when = NULL;
	WbCtlWatch *watch = wb_ctl_find_watch(ctl, args[0], error);

	if (watch == NULL)
		return FALSE;
	name = wb_ctl_watch_dup_display_name(watch);
	if (!wb_dbus_watch1_call_sync_time_sync(watch->proxy, NULL, &local)) {
		wb_ctl_translate_error(ctl, &local, watch, "set the clock of");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}

	/* what the daemon sent: this desktop's clock and zone, read the same way */
	tz = g_time_zone_new_local();
	now = g_date_time_new_now(tz);
	if (!ctl->json) {
		when = g_date_time_format(now, "%Y-%m-%d %H:%M:%S %Z (UTC%:z)");
		wb_ctl_print(ctl, "%s: clock set to %s\n", name, when);
		return TRUE;
	}
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "watch");
	json_builder_begin_object(builder);
	wb_ctl_json_add_watch(builder, watch);
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "time");
	json_builder_add_int_value(builder, g_date_time_to_unix(now));
	json_builder_set_member_name(builder, "utc_offset");
	json_builder_add_int_value(builder, g_date_time_get_utc_offset(now) / G_USEC_PER_SEC);
	json_builder_set_member_name(builder, "timezone");
	json_builder_add_string_value(builder, g_time_zone_get_identifier(tz));
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
	return TRUE;
}

/* --- the table --- */

static const WbCtlCommand wb_ctl_command_table[] = {
	{"status", "", "Show the daemon and every known watch, with a ping time",
	 "Shows wearbridged's version and, for each known watch, its name, model, platform, "
	 "firmware, serial number, address, link, state and when it last connected. Each "
	 "connected watch is pinged once (real watches show a short \"Ping\" dialog; "
	 "--no-ping skips it).",
	 WB_CTL_OPTION_NO_PING, 0, 0, TRUE, cmd_status},
	{"watches", "", "List the known watches, one per line",
	 "Prints, for each known watch: its id (the last element of its object path), name, "
	 "model and state.",
	 0, 0, 0, TRUE, cmd_watches},
	{"scan", "", "Look for Pebble watches over Bluetooth",
	 "Scans (Manager1.StartDiscovery) and prints each watch as it appears: address, name, "
	 "model, signal strength and \"paired\" when BlueZ has a bond with it; on a terminal the "
	 "list is redrawn as names and signal strengths change. Runs until Ctrl-C or --timeout, "
	 "then stops the scan. Put the watch in pairing mode first (Settings, Bluetooth on the "
	 "watch).",
	 WB_CTL_OPTION_SCAN_TIMEOUT, 0, 0, TRUE, wb_ctl_cmd_scan},
	{"pair", "ADDRESS", "Pair with a watch that a scan found, and connect it",
	 "ADDRESS is the watch's Bluetooth address as wearctl scan shows it (AA:BB:CC:DD:EE:FF). "
	 "The watch asks to confirm a six-digit code; wearctl shows the code it should show. A "
	 "watch BlueZ has already bonded is adopted without pairing again. Then wearctl waits "
	 "for the watch to connect (--no-wait skips that).",
	 WB_CTL_OPTION_PAIR_TIMEOUT | WB_CTL_OPTION_NO_WAIT, 1, 1, TRUE, wb_ctl_cmd_pair},
	{"connect", "emulator:HOST[:PORT] | ADDRESS | WATCH", "Add an emulator, or connect a watch",
	 "With emulator:HOST:PORT (port 12344 if left out), wearbridged adds the Pebble SDK "
	 "emulator or wearbridge-watchsim there as a known watch and starts connecting; "
	 "wearctl waits until the watch is connected and prints it. With a Bluetooth ADDRESS, "
	 "the known watch with that address is connected; an unknown one is paired as with "
	 "wearctl pair. With a known WATCH, wearbridged connects to it now and keeps it "
	 "connected. If the watch is not connected within the timeout, wearctl exits with "
	 "status 1; wearbridged keeps retrying.",
	 WB_CTL_OPTION_TIMEOUT, 1, 1, TRUE, cmd_connect},
	{"disconnect", "[WATCH]", "Disconnect a watch and stop reconnecting to it",
	 "The watch stays known and disconnected until wearctl connect. Exits with status 2 if "
	 "it was not connected and not being connected.",
	 0, 0, 1, TRUE, cmd_disconnect},
	{"forget", "WATCH", "Disconnect a watch and remove it from wearbridged",
	 "wearbridged stops reconnecting to the watch and deletes what it stored about it; for "
	 "a Bluetooth watch it also removes the bond from BlueZ. The watch must be named, even "
	 "when it is the only one.",
	 0, 1, 1, TRUE, cmd_forget},
	{"ping", "[WATCH]", "Measure the round-trip time to a watch",
	 "Sends Pebble Protocol pings one after the other and prints each round-trip time, then "
	 "the minimum, average and maximum. Real watches show a short \"Ping\" dialog.",
	 WB_CTL_OPTION_COUNT, 0, 1, TRUE, cmd_ping},
	{"time sync", "[WATCH]", "Set the watch's clock from this computer's",
	 "Sends the current UTC time, UTC offset and time-zone name. wearbridged also does this "
	 "on every connect.",
	 0, 0, 1, TRUE, cmd_time_sync},
	{"notify", "TITLE [BODY [WATCH]]", "Show a notification on the watch",
	 "Sends a notification through wearbridged (Watch1.SendNotification) with wearctl as the "
	 "app. If the watch is away it waits in the outbox and arrives when the watch is back.",
	 0, 1, 3, TRUE, wb_ctl_cmd_notify},
	{"notifications log", "[WATCH]", "Show what happened to recent desktop notifications",
	 "For each recent desktop notification, oldest first: when it was seen, the decision "
	 "(forwarded, queued, muted-app, quiet-hours, not-idle, duplicate, ...), the app, the "
	 "summary and why. --count N shows the last N (default 30, at most 1000).",
	 WB_CTL_OPTION_COUNT, 0, 1, TRUE, wb_ctl_cmd_notifications_log},
	{"health steps", "[WATCH]", "Draw the steps per day (or hour) as a bar chart",
	 "One bar per local day (with --hourly, one chart per day with a bar per hour), then the "
	 "total and the daily average. The range is the last --days days including today "
	 "(default 7; 1 with --hourly), or --from DATE --to DATE (both days included; DATE is "
	 "YYYY-MM-DD, today, yesterday or an ISO 8601 time). Charts use Unicode blocks, or ASCII "
	 "when the locale's character set is not UTF-8.",
	 WB_CTL_OPTION_DAYS | WB_CTL_OPTION_RANGE | WB_CTL_OPTION_HOURLY, 0, 1, TRUE,
	 wb_ctl_cmd_health_steps},
	{"health sleep", "[WATCH]", "Draw the nights as timelines of light and deep sleep",
	 "One line per night, from 20:00 the evening before to 14:00, in 20-minute cells: deep "
	 "sleep, light sleep and awake moments each have their own character (a legend "
	 "follows), then the night's total. Default: the last 7 nights (--days).",
	 WB_CTL_OPTION_DAYS | WB_CTL_OPTION_RANGE, 0, 1, TRUE, wb_ctl_cmd_health_sleep},
	{"health hr", "[WATCH]", "Draw the heart rate as sparklines, with min/avg/max",
	 "One sparkline per day in half-hour cells, scaled from the lowest to the highest "
	 "heart rate shown, with the day's minimum, average and maximum. Readings the watch "
	 "marks as off the wrist, without signal or without accelerometer are left out of the "
	 "chart and the figures (--json lists them all). Default: today (--days).",
	 WB_CTL_OPTION_DAYS | WB_CTL_OPTION_RANGE, 0, 1, TRUE, wb_ctl_cmd_health_hr},
	{"health export", "[WATCH]", "Export steps, heart rate and sleep as CSV or JSON",
	 "Writes every minute with steps, every heart-rate reading and every sleep session of "
	 "the range (default: the last 30 days) to FILE (mode 0600) or standard output. The "
	 "columns are described in wearctl(1).",
	 WB_CTL_OPTION_DAYS | WB_CTL_OPTION_RANGE | WB_CTL_OPTION_FORMAT | WB_CTL_OPTION_OUTPUT, 0,
	 1, TRUE, wb_ctl_cmd_health_export},
	{"health sync", "[WATCH]", "Fetch the watch's health data now, with a progress bar",
	 "Asks the watch for everything it has logged and waits until it is stored; a sync the "
	 "daemon already runs is joined. The watch deletes what wearbridged has stored.",
	 0, 0, 1, TRUE, wb_ctl_cmd_health_sync},
	{"health reprocess", "[WATCH]", "Derive every reading again from the stored raw data",
	 "wearbridged keeps the data logging payloads as the watch sent them; this parses them "
	 "again (after an update that fixed the parser) and replaces the readings. The watch is "
	 "not needed.",
	 0, 0, 1, TRUE, wb_ctl_cmd_health_reprocess},
	{"doctor", "", "Find what keeps watches from connecting, with fixes",
	 "First checks that wearbridged is on the session bus (or can be started), then asks it "
	 "(Manager1.Doctor) to check bluetoothd, the adapter, rfkill, the LE roles, its GATT "
	 "application and agent, and the bond of each Bluetooth watch. Prints one line per "
	 "check, with the fix for each problem. Exits with status 1 if any check failed "
	 "(warnings do not count).",
	 0, 0, 0, FALSE, wb_ctl_cmd_doctor},
	{"help", "[COMMAND]", "Show help for a command", NULL, 0, 0, 2, FALSE, wb_ctl_show_help},
};

/**
 * wb_ctl_commands:
 * @n_commands: (out): the number of commands
 *
 * Returns: (array length=n_commands): the command table
 */
const WbCtlCommand *
wb_ctl_commands(gsize *n_commands)
{
	*n_commands = G_N_ELEMENTS(wb_ctl_command_table);
	return wb_ctl_command_table;
}

/**
 * wb_ctl_command_find:
 * @words: (array zero-terminated=1): the command line from the command's first word on
 * @n_words: (out): how many words the command's name has
 *
 * Returns: (nullable): the command whose (possibly several) words start @words
 */
const WbCtlCommand *
wb_ctl_command_find(gchar **words, guint *n_words)
{
	for (gsize i = 0; i < G_N_ELEMENTS(wb_ctl_command_table); i++) {
		g_auto(GStrv) name = g_strsplit(wb_ctl_command_table[i].name, " ", -1);
		guint n = g_strv_length(name);
		guint j;

		for (j = 0; j < n; j++) {
			if (words[j] == NULL || g_strcmp0(words[j], name[j]) != 0)
				break;
		}
		if (j == n) {
			*n_words = n;
			return &wb_ctl_command_table[i];
		}
	}
	return NULL;
}

/**
 * wb_ctl_command_entries:
 * @ctl: the #WbCtl the options are stored in
 * @command: (nullable): a command, or %NULL for the global options only
 *
 * The command's own options first, then the global ones, so that they can be given before or
 * after the command.
 *
 * Returns: (transfer full) (element-type GOptionEntry): entries ending with an empty one
 */
GArray *
wb_ctl_command_entries(WbCtl *ctl, const WbCtlCommand *command)
{
	const GOptionEntry options[] = {
		{"count", 'c', 0, G_OPTION_ARG_INT, &ctl->count,
		 "Send N pings, one after the other (default 1)", "N"},
		{"timeout", 't', 0, G_OPTION_ARG_DOUBLE, &ctl->timeout,
		 "Wait at most S seconds for the watch to connect (default 15)", "S"},
		{"timeout", 't', 0, G_OPTION_ARG_DOUBLE, &ctl->timeout,
		 "Stop scanning after S seconds (default: at Ctrl-C)", "S"},
		{"timeout", 't', 0, G_OPTION_ARG_DOUBLE, &ctl->timeout,
		 "Wait at most S seconds for it to connect (default 30)", "S"},
		{"no-wait", 0, 0, G_OPTION_ARG_NONE, &ctl->no_wait,
		 "Do not wait for the watch to connect once paired", NULL},
		{"no-ping", 0, 0, G_OPTION_ARG_NONE, &ctl->no_ping,
		 "Do not ping the connected watches", NULL},
		{"days", 'd', 0, G_OPTION_ARG_INT, &ctl->days, "The last N days, today included",
		 "N"},
		{"from", 0, 0, G_OPTION_ARG_STRING, &ctl->from,
		 "From DATE (YYYY-MM-DD, today, yesterday or ISO 8601)", "DATE"},
		{"to", 0, 0, G_OPTION_ARG_STRING, &ctl->to, "To DATE, that day included", "DATE"},
		{"hourly", 0, 0, G_OPTION_ARG_NONE, &ctl->hourly, "One bar per hour", NULL},
		{"format", 'f', 0, G_OPTION_ARG_STRING, &ctl->format, "csv (default) or json",
		 "FORMAT"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &ctl->output,
		 "Write to FILE instead of standard output", "FILE"},
	};
	const guint flags[] = {
		WB_CTL_OPTION_COUNT,        WB_CTL_OPTION_TIMEOUT, WB_CTL_OPTION_SCAN_TIMEOUT,
		WB_CTL_OPTION_PAIR_TIMEOUT, WB_CTL_OPTION_NO_WAIT, WB_CTL_OPTION_NO_PING,
		WB_CTL_OPTION_DAYS,         WB_CTL_OPTION_RANGE,   WB_CTL_OPTION_RANGE,
		WB_CTL_OPTION_HOURLY,       WB_CTL_OPTION_FORMAT,  WB_CTL_OPTION_OUTPUT};
	const GOptionEntry global[] = {
		{"json", 0, 0, G_OPTION_ARG_NONE, &ctl->json,
		 "Print one JSON document for scripts (no colour, no prompts)", NULL},
		{"help", 'h', 0, G_OPTION_ARG_NONE, &ctl->help, "Show help", NULL},
		{"version", 0, 0, G_OPTION_ARG_NONE, &ctl->version, "Show wearctl's version", NULL},
		{NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
	};
	GArray *entries = g_array_new(FALSE, FALSE, sizeof(GOptionEntry));

	G_STATIC_ASSERT(G_N_ELEMENTS(options) == G_N_ELEMENTS(flags));
	for (gsize i = 0; command != NULL && i < G_N_ELEMENTS(options); i++) {
		if ((command->options & flags[i]) != 0)
			g_array_append_val(entries, options[i]);
	}
	g_array_append_vals(entries, global, G_N_ELEMENTS(global));
	return entries;
}
