/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * wearctl scan, pair and doctor, and what Bluetooth addresses mean to connect and forget.
 *
 * Everything goes through Manager1 (dbus/org.wearbridge.Manager1.xml): wearctl never talks to
 * BlueZ itself, so a scan or a pairing looks the same from a script or a graphical client.
 */
#include "wb-ctl.h"

#include <glib-unix.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define WB_CTL_ERROR_PREFIX "org.wearbridge.Error."

/* The daemon ends a caller's scan after 5 minutes; asking again restarts them. */
#define SCAN_RENEW_SECONDS 240

/* Without a terminal the lines are printed as watches appear, before the widths are known. */
#define SCAN_NAME_WIDTH  20
#define SCAN_MODEL_WIDTH 18

#define FIX_BLUETOOTHD  "sudo systemctl start bluetooth"
#define FIX_POWER       "turn it on with 'bluetoothctl power on' or in Settings"
#define MSG_UNAVAILABLE "bluetoothd is not running: " FIX_BLUETOOTHD
#define MSG_NO_ADAPTER                                                                             \
	"there is no Bluetooth adapter: plug one in ('bluetoothctl list' shows the ones BlueZ "    \
	"sees)"
#define MSG_OFF "Bluetooth is off: " FIX_POWER " (if rfkill blocks it: rfkill unblock bluetooth)"

/**
 * wb_ctl_is_bluetooth_address:
 * @s: (nullable): what the user typed
 *
 * Returns: whether @s is "AA:BB:CC:DD:EE:FF", in any case
 */
gboolean
wb_ctl_is_bluetooth_address(const gchar *s)
{
	if (s == NULL || strlen(s) != 17)
		return FALSE;
	for (guint i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !g_ascii_isxdigit(s[i]))
			return FALSE;
	}
	return TRUE;
}

static gboolean
address_equal(const gchar *a, const gchar *b)
{
	return a != NULL && b != NULL && a[0] != '\0' && g_ascii_strcasecmp(a, b) == 0;
}

/**
 * wb_ctl_find_bluetooth_watch:
 * @ctl: a connected #WbCtl
 * @address: a Bluetooth address, see wb_ctl_is_bluetooth_address()
 * @error: return location for a #WB_CTL_ERROR
 *
 * Finds the known watch whose link goes to @address (Target), else the one that reports
 * @address as its own (Address: an emulator reports one too). A watch that never finished a
 * handshake has no Address yet, but its Target is the address it was paired with.
 *
 * Returns: (transfer none) (nullable): the watch; %NULL without an error when none has
 *   @address, %NULL with %WB_CTL_ERROR_USAGE when several report it
 */
WbCtlWatch *
wb_ctl_find_bluetooth_watch(WbCtl *ctl, const gchar *address, GError **error)
{
	g_autoptr(GPtrArray) reported = g_ptr_array_new();
	g_autoptr(GString) ids = g_string_new(NULL);

	if (ctl->watches->len == 0 && !wb_ctl_load_watches(ctl, error))
		return NULL;
	for (guint i = 0; i < ctl->watches->len; i++) {
		WbCtlWatch *watch = g_ptr_array_index(ctl->watches, i);

		if (address_equal(wb_dbus_watch1_get_target(watch->proxy), address))
			return watch;
		if (address_equal(wb_dbus_watch1_get_address(watch->proxy), address))
			g_ptr_array_add(reported, watch);
	}
	if (reported->len <= 1)
		return reported->len == 1 ? g_ptr_array_index(reported, 0) : NULL;
	for (guint i = 0; i < reported->len; i++)
		g_string_append_printf(ids, "\n  %s",
				       wb_ctl_watch_get_id(g_ptr_array_index(reported, i)));
	g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
		    "%u watches report the address %s; name one by its id:%s", reported->len,
		    address, ids->str);
	return NULL;
}

/**
 * wb_ctl_translate_bluetooth_error:
 * @ctl: a #WbCtl
 * @error: (inout): an error from a D-Bus call, replaced by a #WB_CTL_ERROR in words
 * @watch: (nullable): the watch the call was about
 * @action: what was being done, e.g. "connect"
 * @address: (nullable): the address being paired, for Pair()
 *
 * Like wb_ctl_translate_error(), and for the Bluetooth errors (dbus/org.wearbridge.Manager1.xml)
 * it says how to fix them. DeviceNotFound exits with status 3 (not found) like an unknown
 * watch; the others with status 1.
 */
void
wb_ctl_translate_bluetooth_error(WbCtl *ctl, GError **error, const WbCtlWatch *watch,
				 const gchar *action, const gchar *address)
{
	g_autofree gchar *remote = g_dbus_error_get_remote_error(*error);
	g_autofree gchar *who = NULL;
	g_autoptr(GError) in = NULL;
	WbCtlError kind = WB_CTL_ERROR_FAILED;
	g_autofree gchar *message = NULL;
	const gchar *code;

	if (address != NULL)
		who = g_strdup(address);
	else if (watch != NULL)
		who = wb_ctl_watch_dup_display_name(watch);
	else
		who = g_strdup("the watch");

	/* our own 90 s ran out before the daemon's 60 s: it is stuck, or gone */
	if (address != NULL && g_error_matches(*error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
		g_clear_error(error);
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "wearbridged did not finish pairing with %s within %d s; see "
			    "journalctl --user -u wearbridged",
			    who, WB_CTL_PAIR_CALL_TIMEOUT_MS / 1000);
		return;
	}
	if (g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownMethod") == 0) {
		g_clear_error(error);
		g_free(ctl->dbus_error);
		ctl->dbus_error = g_steal_pointer(&remote);
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "wearbridged %s cannot use Bluetooth yet: update it to 0.2.0 or later, "
			    "then systemctl --user restart wearbridged",
			    wb_dbus_manager1_get_version(ctl->manager));
		return;
	}
	if (remote == NULL || !g_str_has_prefix(remote, WB_CTL_ERROR_PREFIX)) {
		wb_ctl_translate_error(ctl, error, watch, action);
		return;
	}
	code = remote + strlen(WB_CTL_ERROR_PREFIX);
	in = g_error_copy(*error);
	g_dbus_error_strip_remote_error(in);

	if (g_strcmp0(code, "BluetoothUnavailable") == 0) {
		message = g_strdup(MSG_UNAVAILABLE);
	} else if (g_strcmp0(code, "NoAdapter") == 0) {
		message = g_strdup(MSG_NO_ADAPTER);
	} else if (g_strcmp0(code, "AdapterOff") == 0) {
		message = g_strdup(MSG_OFF);
	} else if (g_strcmp0(code, "DeviceNotFound") == 0) {
		kind = WB_CTL_ERROR_NOT_FOUND;
		message = g_strdup_printf("%s not found: run 'wearctl scan' first, with the watch "
					  "in pairing mode",
					  who);
	} else if (g_strcmp0(code, "PairingRejected") == 0) {
		message = g_strdup_printf("pairing was rejected on the watch: %s", in->message);
	} else if (g_strcmp0(code, "StaleBond") == 0) {
		message = g_strdup_printf(
			"%s no longer knows this computer (%s): wearctl forget it, forget this "
			"computer on the watch too, then pair again",
			who, in->message);
	} else if (address != NULL && g_strcmp0(code, "Timeout") == 0) {
		message = g_strdup_printf("pairing with %s timed out (%s); wake the watch, keep "
					  "it close and try again",
					  who, in->message);
	} else if (address != NULL && g_strcmp0(code, "Busy") == 0) {
		message = g_strdup_printf("another pairing is in progress (%s); wait for it to "
					  "finish, then try again",
					  in->message);
	} else if (address != NULL && g_strcmp0(code, "InvalidArgs") == 0) {
		kind = WB_CTL_ERROR_USAGE;
		message = g_strdup_printf("'%s' is not a Bluetooth address (%s)", who, in->message);
	} else {
		wb_ctl_translate_error(ctl, error, watch, action);
		return;
	}
	g_clear_error(error);
	g_free(ctl->dbus_error);
	ctl->dbus_error = g_steal_pointer(&remote);
	g_set_error_literal(error, WB_CTL_ERROR, kind, message);
}

/**
 * wb_ctl_print_bluetooth_state:
 * @ctl: a connected #WbCtl
 *
 * Prints Manager1.Bluetooth as a line of `wearctl status`, with the fix when it is not on;
 * nothing for a daemon too old to have it.
 */
void
wb_ctl_print_bluetooth_state(WbCtl *ctl)
{
	const gchar *state = wb_dbus_manager1_get_bluetooth(ctl->manager);
	g_autofree gchar *styled = NULL;
	const gchar *fix = NULL;

	if (state == NULL || state[0] == '\0')
		return;
	if (g_strcmp0(state, "on") == 0) {
		styled = wb_ctl_style(ctl, WB_CTL_STYLE_GOOD, state);
	} else {
		styled = wb_ctl_style(ctl, WB_CTL_STYLE_BAD, state);
		if (g_strcmp0(state, "off") == 0)
			fix = FIX_POWER;
		else if (g_strcmp0(state, "unavailable") == 0)
			fix = "bluetoothd is not running: " FIX_BLUETOOTHD;
		else if (g_strcmp0(state, "no-adapter") == 0)
			fix = "plug in a Bluetooth adapter";
	}
	wb_ctl_print(ctl, "Bluetooth %s%s%s\n", styled, fix != NULL ? "; " : "",
		     fix != NULL ? fix : "");
}

/* --- scan --- */

typedef struct {
	WbCtl *ctl;
	GMainLoop *loop;
	GHashTable *printed; /* addresses already printed, without a terminal */
	guint lines;         /* lines of the table drawn last, on a terminal */
	gboolean tty;
	gboolean vanished;
} Scan;

static gchar *
format_signal(gint16 rssi)
{
	/* 0 is "unknown" in Discovered */
	return rssi != 0 ? g_strdup_printf("%d dBm", rssi) : g_strdup("-");
}

static void
append_padded(GString *s, const gchar *text, gsize width)
{
	gsize len = (gsize)g_utf8_strlen(text, -1);

	g_string_append(s, text);
	for (gsize i = len; i < width; i++)
		g_string_append_c(s, ' ');
}

static void
append_row(GString *s, const gchar *address, const gchar *name, const gchar *model,
	   const gchar *signal, const gchar *paired, gsize name_width, gsize model_width)
{
	g_string_append_printf(s, "%-17s  ", address);
	append_padded(s, name[0] != '\0' ? name : "-", name_width);
	g_string_append(s, "  ");
	append_padded(s, model[0] != '\0' ? model : "-", model_width);
	g_string_append_printf(s, "  %7s", signal);
	if (paired[0] != '\0')
		g_string_append_printf(s, "  %s", paired);
	g_string_append_c(s, '\n');
}

/* on a terminal: the whole table again, over the one drawn before */
static void
scan_redraw(Scan *scan, GVariant *list)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree gchar *header = NULL;
	gsize name_width = strlen("NAME");
	gsize model_width = strlen("MODEL");
	GVariantIter iter;
	const gchar *address;
	const gchar *name;
	const gchar *model;
	gint16 rssi;
	gboolean paired;
	guint rows = 0;

	g_variant_iter_init(&iter, list);
	while (g_variant_iter_next(&iter, "(&s&s&snb)", &address, &name, &model, &rssi, &paired)) {
		name_width = MAX(name_width, (gsize)g_utf8_strlen(name, -1));
		model_width = MAX(model_width, (gsize)g_utf8_strlen(model, -1));
	}
	if (scan->lines > 0)
		g_string_append_printf(s, "\033[%uA", scan->lines);
	g_string_append(s, "\r\033[J");
	append_row(s, "ADDRESS", "NAME", "MODEL", "SIGNAL", "", name_width, model_width);
	g_variant_iter_init(&iter, list);
	while (g_variant_iter_next(&iter, "(&s&s&snb)", &address, &name, &model, &rssi, &paired)) {
		g_autofree gchar *signal = format_signal(rssi);
		g_autofree gchar *bonded =
			paired ? wb_ctl_style(scan->ctl, WB_CTL_STYLE_GOOD, "paired")
			       : g_strdup("");

		append_row(s, address, name, model, signal, bonded, name_width, model_width);
		rows++;
	}
	scan->lines = rows + 1;
	wb_ctl_print(scan->ctl, "%s", s->str);
}

static void
scan_update(Scan *scan)
{
	GVariant *list = wb_dbus_manager1_get_discovered(scan->ctl->manager);
	GVariantIter iter;
	const gchar *address;
	const gchar *name;
	const gchar *model;
	gint16 rssi;
	gboolean paired;

	if (scan->ctl->json || list == NULL)
		return;
	if (scan->tty) {
		scan_redraw(scan, list);
		return;
	}
	/* one line per new watch, for a pipe or a file */
	g_variant_iter_init(&iter, list);
	while (g_variant_iter_next(&iter, "(&s&s&snb)", &address, &name, &model, &rssi, &paired)) {
		g_autoptr(GString) line = g_string_new(NULL);
		g_autofree gchar *signal = NULL;

		if (g_hash_table_contains(scan->printed, address))
			continue;
		g_hash_table_add(scan->printed, g_strdup(address));
		signal = format_signal(rssi);
		append_row(line, address, name, model, signal, paired ? "paired" : "",
			   SCAN_NAME_WIDTH, SCAN_MODEL_WIDTH);
		wb_ctl_print(scan->ctl, "%s", line->str);
	}
}

static void
on_scan_properties_changed(GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
			   gpointer user_data)
{
	Scan *scan = user_data;
	g_autoptr(GVariant) discovered = g_variant_lookup_value(changed, "Discovered", NULL);

	if (discovered != NULL ||
	    (invalidated != NULL &&
	     g_strv_contains((const gchar *const *)invalidated, "Discovered")))
		scan_update(scan);
}

static void
on_scan_name_owner(GObject *object, GParamSpec *pspec, gpointer user_data)
{
	Scan *scan = user_data;
	g_autofree gchar *owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(object));

	if (owner != NULL)
		return;
	scan->vanished = TRUE;
	g_main_loop_quit(scan->loop);
}

static gboolean
on_scan_stop(gpointer user_data)
{
	Scan *scan = user_data;

	g_main_loop_quit(scan->loop);
	return G_SOURCE_CONTINUE; /* removed after the loop */
}

static gboolean
on_scan_renew(gpointer user_data)
{
	Scan *scan = user_data;

	wb_dbus_manager1_call_start_discovery(scan->ctl->manager, NULL, NULL, NULL);
	return G_SOURCE_CONTINUE;
}

/* Discovered as the daemon has it now: its PropertiesChanged may still be on the way */
static GVariant *
fetch_discovered(WbCtl *ctl)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GVariant) value = NULL;
	g_autoptr(GError) local = NULL;
	GVariant *cached;

	reply = g_dbus_connection_call_sync(
		ctl->connection, WB_CTL_BUS_NAME, WB_CTL_ROOT_PATH,
		"org.freedesktop.DBus.Properties", "Get",
		g_variant_new("(ss)", "org.wearbridge.Manager1", "Discovered"),
		G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, WB_CTL_CALL_TIMEOUT_MS,
		NULL, &local);
	if (reply != NULL) {
		g_variant_get(reply, "(v)", &value);
		if (g_variant_is_of_type(value, G_VARIANT_TYPE("a(sssnb)")))
			return g_steal_pointer(&value);
	} else {
		g_debug("reading Discovered: %s", local->message);
	}
	cached = wb_dbus_manager1_get_discovered(ctl->manager);
	return cached != NULL ? g_variant_ref(cached)
			      : g_variant_ref_sink(
					g_variant_new_array(G_VARIANT_TYPE("(sssnb)"), NULL, 0));
}

static void
print_discovered_json(WbCtl *ctl, GVariant *list)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	GVariantIter iter;
	const gchar *address;
	const gchar *name;
	const gchar *model;
	gint16 rssi;
	gboolean paired;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "discovered");
	json_builder_begin_array(builder);
	g_variant_iter_init(&iter, list);
	while (g_variant_iter_next(&iter, "(&s&s&snb)", &address, &name, &model, &rssi, &paired)) {
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "address");
		json_builder_add_string_value(builder, address);
		json_builder_set_member_name(builder, "name");
		json_builder_add_string_value(builder, name);
		json_builder_set_member_name(builder, "model");
		json_builder_add_string_value(builder, model);
		json_builder_set_member_name(builder, "rssi");
		if (rssi != 0)
			json_builder_add_int_value(builder, rssi);
		else
			json_builder_add_null_value(builder);
		json_builder_set_member_name(builder, "paired");
		json_builder_add_boolean_value(builder, paired);
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
}

/**
 * wb_ctl_cmd_scan:
 * @ctl: a connected #WbCtl
 * @args: none
 * @error: return location for a #WB_CTL_ERROR
 *
 * `wearctl scan`: StartDiscovery(), follow Discovered until Ctrl-C, SIGTERM or --timeout, then
 * StopDiscovery(). The daemon also stops the scan when wearctl leaves the bus.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_ctl_cmd_scan(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	g_autoptr(GHashTable) printed =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GVariant) final = NULL;
	Scan scan = {0};
	gulong changed_id;
	gulong owner_id;
	guint timeout_id = 0;
	guint renew_id;
	guint sigint_id;
	guint sigterm_id;
	gsize found;

	if (!wb_ctl_check_timeout(ctl, NAN, error))
		return FALSE;

	loop = g_main_loop_new(NULL, FALSE);
	scan.ctl = ctl;
	scan.loop = loop;
	scan.printed = printed;
	scan.tty = !ctl->json && ctl->out == NULL && isatty(STDOUT_FILENO) &&
		   g_strcmp0(g_getenv("TERM"), "dumb") != 0;

	if (!wb_dbus_manager1_call_start_discovery_sync(ctl->manager, NULL, &local)) {
		wb_ctl_translate_bluetooth_error(ctl, &local, NULL, "scan with", NULL);
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	if (isnan(ctl->timeout))
		wb_ctl_progress(ctl, "Scanning for watches; press Ctrl-C to stop.\n");
	else
		wb_ctl_progress(ctl, "Scanning for watches for %g s; press Ctrl-C to stop.\n",
				ctl->timeout);

	changed_id = g_signal_connect(ctl->manager, "g-properties-changed",
				      G_CALLBACK(on_scan_properties_changed), &scan);
	owner_id = g_signal_connect(ctl->manager, "notify::g-name-owner",
				    G_CALLBACK(on_scan_name_owner), &scan);
	sigint_id = g_unix_signal_add(SIGINT, on_scan_stop, &scan);
	sigterm_id = g_unix_signal_add(SIGTERM, on_scan_stop, &scan);
	renew_id = g_timeout_add_seconds(SCAN_RENEW_SECONDS, on_scan_renew, &scan);
	if (!isnan(ctl->timeout))
		timeout_id = g_timeout_add((guint)(ctl->timeout * 1000), on_scan_stop, &scan);

	/* what BlueZ already knows (paired watches, an earlier scan) shows at once */
	scan_update(&scan);
	g_main_loop_run(loop);

	g_clear_signal_handler(&changed_id, ctl->manager);
	g_clear_signal_handler(&owner_id, ctl->manager);
	g_clear_handle_id(&sigint_id, g_source_remove);
	g_clear_handle_id(&sigterm_id, g_source_remove);
	g_clear_handle_id(&renew_id, g_source_remove);
	g_clear_handle_id(&timeout_id, g_source_remove);

	if (scan.vanished) {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
				    "wearbridged stopped while scanning");
		return FALSE;
	}
	if (!wb_dbus_manager1_call_stop_discovery_sync(ctl->manager, NULL, &local)) {
		/* the daemon stops it anyway once we leave the bus */
		g_debug("StopDiscovery: %s", local->message);
		g_clear_error(&local);
	}

	final = fetch_discovered(ctl);
	if (ctl->json) {
		print_discovered_json(ctl, final);
		return TRUE;
	}
	found = g_variant_n_children(final);
	if (found == 0)
		wb_ctl_progress(ctl, "No watches found; put the watch in pairing mode (Settings, "
				     "Bluetooth on the watch) and scan again.\n");
	else
		wb_ctl_progress(ctl,
				"%" G_GSIZE_FORMAT " watch%s found; pair with wearctl pair "
				"ADDRESS.\n",
				found, found == 1 ? "" : "es");
	return TRUE;
}

/* --- pair --- */

typedef struct {
	WbCtl *ctl;
	GMainLoop *loop;
	const gchar *address;
	gint64 passkey; /* -1 until PairingConfirmation */
	gchar *path;
	GError *error;
} Pairing;

static void
on_pairing_confirmation(WbDBusManager1 *manager, const gchar *address, guint passkey,
			gpointer user_data)
{
	Pairing *pairing = user_data;

	/* another client may be pairing another watch */
	if (g_ascii_strcasecmp(address, pairing->address) != 0)
		return;
	pairing->passkey = passkey;
	/* a prompt for the person: on standard error with --json, where stdout is the document */
	if (pairing->ctl->json)
		wb_ctl_printerr(pairing->ctl, "Confirm on the watch that it shows %06u\n", passkey);
	else
		wb_ctl_print(pairing->ctl, "Confirm on the watch that it shows %06u\n", passkey);
}

static void
on_pair_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Pairing *pairing = user_data;

	wb_dbus_manager1_call_pair_finish(WB_DBUS_MANAGER1(source), &pairing->path, result,
					  &pairing->error);
	g_main_loop_quit(pairing->loop);
}

/* Pair(), in a main loop so that PairingConfirmation arrives while it runs. */
static gboolean
pair_address(WbCtl *ctl, const gchar *address, gchar **out_path, gint64 *out_passkey,
	     GError **error)
{
	g_autofree gchar *upper = g_ascii_strup(address, -1);
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	Pairing pairing = {0};
	gulong signal_id;

	pairing.ctl = ctl;
	pairing.loop = loop;
	pairing.address = upper;
	pairing.passkey = -1;
	signal_id = g_signal_connect(ctl->manager, "pairing-confirmation",
				     G_CALLBACK(on_pairing_confirmation), &pairing);
	wb_ctl_progress(ctl, "Pairing with %s; the watch may ask to confirm a code...\n", upper);
	g_dbus_proxy_call(G_DBUS_PROXY(ctl->manager), "Pair", g_variant_new("(s)", upper),
			  G_DBUS_CALL_FLAGS_NO_AUTO_START, WB_CTL_PAIR_CALL_TIMEOUT_MS, NULL,
			  on_pair_done, &pairing);
	g_main_loop_run(loop);
	g_clear_signal_handler(&signal_id, ctl->manager);

	if (pairing.error != NULL) {
		wb_ctl_translate_bluetooth_error(ctl, &pairing.error, NULL, "pair with", upper);
		g_propagate_error(error, pairing.error);
		return FALSE;
	}
	*out_path = pairing.path;
	*out_passkey = pairing.passkey;
	return TRUE;
}

/* a proxy of our own: the object manager may not have seen InterfacesAdded yet */
static WbCtlWatch *
watch_for_path(WbCtl *ctl, const gchar *path, GError **error)
{
	g_autoptr(WbDBusWatch1) proxy = NULL;
	g_autoptr(GError) local = NULL;

	proxy = wb_dbus_watch1_proxy_new_sync(ctl->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
					      WB_CTL_BUS_NAME, path, NULL, &local);
	if (proxy == NULL) {
		wb_ctl_translate_error(ctl, &local, NULL, "follow the paired watch on");
		g_propagate_error(error, g_steal_pointer(&local));
		return NULL;
	}
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(proxy), WB_CTL_CALL_TIMEOUT_MS);
	return wb_ctl_watch_new(path, proxy);
}

static gboolean
check_address(const gchar *address, GError **error)
{
	if (wb_ctl_is_bluetooth_address(address))
		return TRUE;
	g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
		    "'%s' is not a Bluetooth address; use AA:BB:CC:DD:EE:FF as wearctl scan "
		    "shows it",
		    address);
	return FALSE;
}

/**
 * wb_ctl_cmd_pair:
 * @ctl: a connected #WbCtl
 * @args: ADDRESS
 * @error: return location for a #WB_CTL_ERROR
 *
 * `wearctl pair ADDRESS`: Manager1.Pair(), showing the code to confirm, then waits for the
 * watch to connect unless --no-wait.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_ctl_cmd_pair(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(WbCtlWatch) watch = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *name = NULL;
	gint64 passkey = -1;

	if (!check_address(args[0], error) ||
	    !wb_ctl_check_timeout(ctl, WB_CTL_DEFAULT_PAIR_WAIT_TIMEOUT, error))
		return FALSE;
	if (!pair_address(ctl, args[0], &path, &passkey, error))
		return FALSE;
	watch = watch_for_path(ctl, path, error);
	if (watch == NULL)
		return FALSE;
	name = wb_ctl_watch_dup_display_name(watch);
	if (!ctl->json)
		wb_ctl_print(ctl, "Paired with %s (%s)\n", name, path);

	if (!ctl->no_wait) {
		if (!wb_dbus_watch1_get_connected(watch->proxy))
			wb_ctl_progress(ctl, "Waiting for %s to connect...\n", name);
		if (!wb_ctl_wait_connected(ctl, watch, ctl->timeout, error)) {
			g_prefix_error(error, "paired, but ");
			return FALSE;
		}
		if (!ctl->json) {
			g_autofree gchar *now = wb_ctl_watch_dup_display_name(watch);
			g_autofree gchar *link = wb_ctl_format_link(watch);

			wb_ctl_print(ctl, "%s is connected: %s\n", now, link);
		}
	}
	if (!ctl->json)
		return TRUE;
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "watch");
	json_builder_begin_object(builder);
	wb_ctl_json_add_watch(builder, watch);
	json_builder_end_object(builder);
	json_builder_set_member_name(builder, "passkey");
	if (passkey >= 0)
		json_builder_add_int_value(builder, passkey);
	else
		json_builder_add_null_value(builder);
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
	return TRUE;
}

/**
 * wb_ctl_connect_address:
 * @ctl: a connected #WbCtl, with --timeout applied
 * @address: a Bluetooth address no known watch has
 * @error: return location for a #WB_CTL_ERROR
 *
 * `wearctl connect ADDRESS` for a watch wearbridged does not know yet: Pair() (which adopts a
 * bond BlueZ already has without pairing again), then waits for the session and prints the
 * watch as `wearctl connect` does.
 *
 * Returns: %TRUE once the watch is connected
 */
gboolean
wb_ctl_connect_address(WbCtl *ctl, const gchar *address, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(WbCtlWatch) watch = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *name = NULL;
	gint64 passkey = -1;

	if (!pair_address(ctl, address, &path, &passkey, error))
		return FALSE;
	watch = watch_for_path(ctl, path, error);
	if (watch == NULL)
		return FALSE;
	name = wb_ctl_watch_dup_display_name(watch);
	if (!wb_dbus_watch1_get_connected(watch->proxy))
		wb_ctl_progress(ctl, "Connecting to %s...\n", name);
	if (!wb_ctl_wait_connected(ctl, watch, ctl->timeout, error))
		return FALSE;
	if (!ctl->json) {
		wb_ctl_print_watch(ctl, watch, NULL);
		return TRUE;
	}
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "watch");
	json_builder_begin_object(builder);
	wb_ctl_json_add_watch(builder, watch);
	json_builder_end_object(builder);
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
	return TRUE;
}

/* --- doctor --- */

static void
add_finding(GVariantBuilder *findings, const gchar *check, const gchar *status,
	    const gchar *finding, const gchar *fix)
{
	g_variant_builder_add(findings, "(ssss)", check, status, finding, fix);
}

static gboolean
bus_name_is_activatable(GDBusConnection *connection)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) local = NULL;
	g_autofree const gchar **names = NULL;

	reply = g_dbus_connection_call_sync(
		connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"ListActivatableNames", NULL, G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NONE,
		WB_CTL_CALL_TIMEOUT_MS, NULL, &local);
	if (reply == NULL) {
		g_debug("ListActivatableNames: %s", local->message);
		return FALSE;
	}
	g_variant_get(reply, "(^a&s)", &names);
	return g_strv_contains(names, WB_CTL_BUS_NAME);
}

/* The checks wearctl makes itself: can it reach wearbridged at all? */
static gboolean
doctor_daemon(WbCtl *ctl, GVariantBuilder *findings)
{
	g_autoptr(GDBusConnection) connection = NULL;
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) local = NULL;
	g_autofree gchar *what = NULL;
	gboolean running = FALSE;

	connection = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &local);
	if (connection == NULL) {
		what = g_strdup_printf("cannot reach the session bus: %s", local->message);
		add_finding(findings, "session-bus", "error", what,
			    "run wearctl in a desktop login, where DBUS_SESSION_BUS_ADDRESS is "
			    "set");
		return FALSE;
	}
	reply = g_dbus_connection_call_sync(
		connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"NameHasOwner", g_variant_new("(s)", WB_CTL_BUS_NAME), G_VARIANT_TYPE("(b)"),
		G_DBUS_CALL_FLAGS_NONE, WB_CTL_CALL_TIMEOUT_MS, NULL, &local);
	if (reply != NULL)
		g_variant_get(reply, "(b)", &running);
	if (!running && !bus_name_is_activatable(connection)) {
		add_finding(findings, "wearbridged", "error", "wearbridged is not running",
			    "start it with systemctl --user start wearbridged");
		return FALSE;
	}
	g_clear_error(&local);
	if (!wb_ctl_connect(ctl, &local)) {
		add_finding(findings, "wearbridged", "error", local->message,
			    "see journalctl --user -u wearbridged");
		return FALSE;
	}
	what = g_strdup_printf(running ? "wearbridged %s is running"
				       : "wearbridged %s was started by D-Bus activation",
			       wb_dbus_manager1_get_version(ctl->manager));
	add_finding(findings, "wearbridged", "ok", what, "");
	return TRUE;
}

static void
doctor_bluetooth(WbCtl *ctl, GVariantBuilder *findings)
{
	g_autoptr(GVariant) result = NULL;
	g_autoptr(GError) local = NULL;
	g_autofree gchar *remote = NULL;
	g_autofree gchar *what = NULL;
	GVariantIter iter;
	const gchar *check;
	const gchar *status;
	const gchar *finding;
	const gchar *fix;

	if (wb_dbus_manager1_call_doctor_sync(ctl->manager, &result, NULL, &local)) {
		g_variant_iter_init(&iter, result);
		while (g_variant_iter_next(&iter, "(&s&s&s&s)", &check, &status, &finding, &fix))
			add_finding(findings, check, status, finding, fix);
		return;
	}
	remote = g_dbus_error_get_remote_error(local);
	g_dbus_error_strip_remote_error(local);
	if (g_strcmp0(remote, "org.freedesktop.DBus.Error.UnknownMethod") == 0) {
		what = g_strdup_printf("wearbridged %s cannot check Bluetooth (no Manager1.Doctor)",
				       wb_dbus_manager1_get_version(ctl->manager));
		add_finding(findings, "doctor", "warning", what,
			    "update wearbridged to 0.2.0 or later, then systemctl --user restart "
			    "wearbridged");
		return;
	}
	what = g_strdup_printf("wearbridged could not run its checks: %s", local->message);
	add_finding(findings, "doctor", "error", what, "see journalctl --user -u wearbridged");
}

static gchar *
finding_mark(WbCtl *ctl, const gchar *status, gboolean utf8)
{
	if (g_strcmp0(status, "ok") == 0)
		return wb_ctl_style(ctl, WB_CTL_STYLE_GOOD, utf8 ? "✓" : "ok  ");
	if (g_strcmp0(status, "warning") == 0)
		return wb_ctl_style(ctl, WB_CTL_STYLE_BUSY, utf8 ? "!" : "warn");
	if (g_strcmp0(status, "error") == 0)
		return wb_ctl_style(ctl, WB_CTL_STYLE_BAD, utf8 ? "✗" : "FAIL");
	/* a status newer than this wearctl */
	return g_strdup(utf8 ? "?" : "?   ");
}

static void
print_findings_json(WbCtl *ctl, GVariant *findings)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	const gchar *const keys[] = {"check", "status", "finding", "fix"};
	const gchar *values[4];
	GVariantIter iter;

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "findings");
	json_builder_begin_array(builder);
	g_variant_iter_init(&iter, findings);
	while (g_variant_iter_next(&iter, "(&s&s&s&s)", &values[0], &values[1], &values[2],
				   &values[3])) {
		json_builder_begin_object(builder);
		for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
			json_builder_set_member_name(builder, keys[i]);
			json_builder_add_string_value(builder, values[i]);
		}
		json_builder_end_object(builder);
	}
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
}

/**
 * wb_ctl_cmd_doctor:
 * @ctl: a #WbCtl, not connected yet
 * @args: none
 * @error: return location for a #WB_CTL_ERROR
 *
 * `wearctl doctor`: whether wearbridged can be reached, then Manager1.Doctor(). One line per
 * finding, "✓", "!" or "✗" (ASCII "ok", "warn", "FAIL" when the locale is not UTF-8), what was
 * found and the fix.
 *
 * Returns: %FALSE (exit status 1) when any finding is an error
 */
gboolean
wb_ctl_cmd_doctor(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GVariant) findings = NULL;
	GVariantBuilder builder;
	gboolean utf8 = wb_ctl_use_utf8();
	GVariantIter iter;
	const gchar *check;
	const gchar *status;
	const gchar *finding;
	const gchar *fix;
	guint errors = 0;
	guint warnings = 0;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a(ssss)"));
	if (doctor_daemon(ctl, &builder))
		doctor_bluetooth(ctl, &builder);
	findings = g_variant_ref_sink(g_variant_builder_end(&builder));

	g_variant_iter_init(&iter, findings);
	while (g_variant_iter_next(&iter, "(&s&s&s&s)", &check, &status, &finding, &fix)) {
		g_autofree gchar *mark = finding_mark(ctl, status, utf8);

		errors += g_strcmp0(status, "error") == 0;
		warnings += g_strcmp0(status, "warning") == 0;
		if (ctl->json)
			continue;
		if (fix[0] != '\0')
			wb_ctl_print(ctl, "%s  %s %s %s\n", mark, finding, utf8 ? "—" : "-", fix);
		else
			wb_ctl_print(ctl, "%s  %s\n", mark, finding);
	}
	if (ctl->json) {
		print_findings_json(ctl, findings);
		ctl->json_printed = TRUE;
	}
	if (errors > 0) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "%u check%s failed; the fix follows each one", errors,
			    errors == 1 ? "" : "s");
		return FALSE;
	}
	if (!ctl->json) {
		if (warnings > 0)
			wb_ctl_print(ctl, "No errors, %u warning%s.\n", warnings,
				     warnings == 1 ? "" : "s");
		else
			wb_ctl_print(ctl, "No problems found.\n");
	}
	return TRUE;
}
