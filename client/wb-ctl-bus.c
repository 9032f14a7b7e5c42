/* wearctl: reaching wearbridged, finding watches, and saying what went wrong.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-ctl.h"

#include <string.h>

#define WB_CTL_WATCH_IFACE  "org.wearbridge.Watch1"
#define WB_CTL_ERROR_PREFIX "org.wearbridge.Error."
#define WB_CTL_NOT_RUNNING                                                                         \
	"wearbridged is not running; start it with systemctl --user start wearbridged"
#define WB_CTL_START_TIMEOUT_MS 60000

/* G_DEFINE_QUARK() stringifies its first argument as written */
/* clang-format off */
G_DEFINE_QUARK(wb-ctl-error-quark, wb_ctl_error)
/* clang-format on */

/**
 * wb_ctl_exit_for_error:
 * @error: an error in any domain
 *
 * Returns: the exit status wearctl(1) documents for @error
 */
WbCtlExit
wb_ctl_exit_for_error(const GError *error)
{
	if (error->domain != WB_CTL_ERROR)
		return WB_CTL_EXIT_FAILURE;
	switch ((WbCtlError)error->code) {
	case WB_CTL_ERROR_FAILED:
		return WB_CTL_EXIT_FAILURE;
	case WB_CTL_ERROR_USAGE:
	case WB_CTL_ERROR_NOTHING_TO_DO:
		return WB_CTL_EXIT_USAGE;
	case WB_CTL_ERROR_NOT_FOUND:
		return WB_CTL_EXIT_NOT_FOUND;
	}
	return WB_CTL_EXIT_FAILURE;
}

/**
 * wb_ctl_watch_new:
 * @path: the object path
 * @proxy: (transfer none): its Watch1 interface
 *
 * Returns: (transfer full): a new #WbCtlWatch
 */
WbCtlWatch *
wb_ctl_watch_new(const gchar *path, WbDBusWatch1 *proxy)
{
	WbCtlWatch *watch = g_new0(WbCtlWatch, 1);

	watch->path = g_strdup(path);
	watch->proxy = g_object_ref(proxy);
	return watch;
}

/**
 * wb_ctl_watch_free:
 * @watch: (nullable): a #WbCtlWatch
 */
void
wb_ctl_watch_free(WbCtlWatch *watch)
{
	if (watch == NULL)
		return;
	g_free(watch->path);
	g_clear_object(&watch->proxy);
	g_free(watch);
}

/**
 * wb_ctl_watch_get_id:
 * @watch: a #WbCtlWatch
 *
 * Returns: the last element of the watch's object path, e.g. "B0_B4_48_12_34_56"
 */
const gchar *
wb_ctl_watch_get_id(const WbCtlWatch *watch)
{
	const gchar *slash = strrchr(watch->path, '/');

	return slash != NULL ? slash + 1 : watch->path;
}

static const gchar *
nonempty(const gchar *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/**
 * wb_ctl_watch_dup_display_name:
 * @watch: a #WbCtlWatch
 *
 * A watch that never completed a handshake has no name yet; it is then called after its link
 * ("emulator 127.0.0.1:12344") so that messages still say which one is meant.
 *
 * Returns: (transfer full): the name to show for @watch
 */
gchar *
wb_ctl_watch_dup_display_name(const WbCtlWatch *watch)
{
	const gchar *name = nonempty(wb_dbus_watch1_get_name(watch->proxy));
	const gchar *transport = nonempty(wb_dbus_watch1_get_transport(watch->proxy));
	const gchar *target = nonempty(wb_dbus_watch1_get_target(watch->proxy));

	if (name != NULL)
		return g_strdup(name);
	if (transport != NULL && target != NULL)
		return g_strdup_printf("%s %s", transport, target);
	if (target != NULL)
		return g_strdup(target);
	return g_strdup(wb_ctl_watch_get_id(watch));
}

static gboolean
str_equal_casefold(const gchar *a, const gchar *b)
{
	g_autofree gchar *fa = NULL;
	g_autofree gchar *fb = NULL;

	if (a == NULL || b == NULL || a[0] == '\0')
		return FALSE;
	fa = g_utf8_casefold(a, -1);
	fb = g_utf8_casefold(b, -1);
	return g_strcmp0(fa, fb) == 0;
}

static gboolean
watch_matches(const WbCtlWatch *watch, const gchar *spec)
{
	const gchar *target = nonempty(wb_dbus_watch1_get_target(watch->proxy));

	if (g_strcmp0(wb_ctl_watch_get_id(watch), spec) == 0)
		return TRUE;
	if (str_equal_casefold(wb_dbus_watch1_get_address(watch->proxy), spec))
		return TRUE;
	if (str_equal_casefold(wb_dbus_watch1_get_name(watch->proxy), spec))
		return TRUE;
	if (target != NULL && g_strcmp0(target, spec) == 0)
		return TRUE;
	/* what `wearctl connect emulator:HOST:PORT` was given */
	if (target != NULL && g_str_has_prefix(spec, "emulator:") &&
	    g_strcmp0(wb_dbus_watch1_get_transport(watch->proxy), "emulator") == 0 &&
	    g_strcmp0(target, spec + strlen("emulator:")) == 0)
		return TRUE;
	return FALSE;
}

/* "  ID  NAME  TARGET" lines for a message that lists watches to choose from */
static gchar *
candidates_to_string(GPtrArray *watches)
{
	GString *s = g_string_new(NULL);
	gsize id_width = 0;
	gsize name_width = 0;

	for (guint i = 0; i < watches->len; i++) {
		const WbCtlWatch *watch = g_ptr_array_index(watches, i);
		g_autofree gchar *name = wb_ctl_watch_dup_display_name(watch);

		id_width = MAX(id_width, strlen(wb_ctl_watch_get_id(watch)));
		name_width = MAX(name_width, (gsize)g_utf8_strlen(name, -1));
	}
	for (guint i = 0; i < watches->len; i++) {
		const WbCtlWatch *watch = g_ptr_array_index(watches, i);
		g_autofree gchar *name = wb_ctl_watch_dup_display_name(watch);
		const gchar *where = nonempty(wb_dbus_watch1_get_target(watch->proxy));

		g_string_append_printf(s, "\n  %-*s  %s%*s  %s", (int)id_width,
				       wb_ctl_watch_get_id(watch), name,
				       (int)(name_width - (gsize)g_utf8_strlen(name, -1)), "",
				       where != NULL ? where : "");
		/* no trailing blanks when there is no target */
		while (s->len > 0 && s->str[s->len - 1] == ' ')
			g_string_truncate(s, s->len - 1);
	}
	return g_string_free(s, FALSE);
}

/**
 * wb_ctl_watch_lookup:
 * @watches: (element-type WbCtlWatch): the known watches
 * @spec: (nullable): what the user typed: an object path, its last element, an address, a name
 *   or an emulator's "HOST:PORT"; %NULL when the user named no watch
 * @error: return location for a #WB_CTL_ERROR
 *
 * Finds the one watch @spec means. When @spec is %NULL, that is the only known watch.
 *
 * Returns: (transfer none): the watch, or %NULL with @error set: %WB_CTL_ERROR_NOT_FOUND when
 *   nothing matches, %WB_CTL_ERROR_USAGE (listing the candidates) when several do
 */
WbCtlWatch *
wb_ctl_watch_lookup(GPtrArray *watches, const gchar *spec, GError **error)
{
	g_autoptr(GPtrArray) matches = g_ptr_array_new();
	g_autofree gchar *list = NULL;

	if (spec == NULL) {
		if (watches->len == 1)
			return g_ptr_array_index(watches, 0);
		if (watches->len == 0) {
			g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND,
					    "no watch is known yet; add an emulator with "
					    "wearctl connect emulator:HOST:PORT");
			return NULL;
		}
		list = candidates_to_string(watches);
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
			    "%u watches are known; say which one:%s", watches->len, list);
		return NULL;
	}

	/* an object path names exactly one watch, or none */
	if (spec[0] == '/') {
		for (guint i = 0; i < watches->len; i++) {
			WbCtlWatch *watch = g_ptr_array_index(watches, i);

			if (g_strcmp0(watch->path, spec) == 0)
				return watch;
		}
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND,
			    "there is no watch at '%s'; wearctl watches lists the known ones",
			    spec);
		return NULL;
	}

	for (guint i = 0; i < watches->len; i++) {
		WbCtlWatch *watch = g_ptr_array_index(watches, i);

		if (watch_matches(watch, spec))
			g_ptr_array_add(matches, watch);
	}
	if (matches->len == 1)
		return g_ptr_array_index(matches, 0);
	if (matches->len == 0) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND,
			    "no known watch matches '%s'; wearctl watches lists them", spec);
		return NULL;
	}
	list = candidates_to_string(matches);
	g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
		    "'%s' matches %u watches; name one by its id:%s", spec, matches->len, list);
	return NULL;
}

/* Has the bus start wearbridged if it is not running and can be activated. */
static gboolean
start_daemon(WbCtl *ctl, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GVariant) reply = NULL;
	g_autofree gchar *name = NULL;
	gboolean has_owner = FALSE;

	/* dbus-daemon answers StartServiceByName with ServiceUnknown for a name without an
	 * activation file even while the name is owned: only ask it to start an absent one */
	reply = g_dbus_connection_call_sync(ctl->connection, "org.freedesktop.DBus",
					    "/org/freedesktop/DBus", "org.freedesktop.DBus",
					    "NameHasOwner", g_variant_new("(s)", WB_CTL_BUS_NAME),
					    G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NONE,
					    WB_CTL_CALL_TIMEOUT_MS, NULL, &local);
	if (reply == NULL) {
		g_dbus_error_strip_remote_error(local);
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "cannot ask the session bus about wearbridged: %s", local->message);
		return FALSE;
	}
	g_variant_get(reply, "(b)", &has_owner);
	if (has_owner)
		return TRUE;
	g_clear_pointer(&reply, g_variant_unref);

	/* Asking the bus ourselves, rather than letting a proxy do it, tells "nothing can start
	 * it" (ServiceUnknown) apart from "it was started and failed", and keeps the reason. */
	reply = g_dbus_connection_call_sync(
		ctl->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "StartServiceByName",
		g_variant_new("(su)", WB_CTL_BUS_NAME, (guint32)0), G_VARIANT_TYPE("(u)"),
		G_DBUS_CALL_FLAGS_NONE, WB_CTL_START_TIMEOUT_MS, NULL, &local);
	if (reply != NULL)
		return TRUE;
	name = g_dbus_error_get_remote_error(local);
	if (g_strcmp0(name, "org.freedesktop.DBus.Error.ServiceUnknown") == 0) {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, WB_CTL_NOT_RUNNING);
		return FALSE;
	}
	g_dbus_error_strip_remote_error(local);
	g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
		    "wearbridged is not running and could not be started (%s); see "
		    "journalctl --user -u wearbridged",
		    local->message);
	return FALSE;
}

/**
 * wb_ctl_connect:
 * @ctl: a #WbCtl
 * @error: return location for a #WB_CTL_ERROR
 *
 * Connects to the session bus, has the bus start wearbridged if it is not running and can be
 * activated, and makes the Manager1 proxy and the object manager client.
 *
 * Returns: %TRUE when wearbridged answers
 */
gboolean
wb_ctl_connect(WbCtl *ctl, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree gchar *owner = NULL;

	ctl->connection = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &local);
	if (ctl->connection == NULL) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "cannot reach the session bus (%s); wearbridged runs on the session "
			    "bus of a desktop login",
			    local->message);
		return FALSE;
	}

	if (!start_daemon(ctl, error))
		return FALSE;

	ctl->manager = wb_dbus_manager1_proxy_new_sync(
		ctl->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, WB_CTL_BUS_NAME,
		WB_CTL_ROOT_PATH, NULL, &local);
	if (ctl->manager == NULL) {
		g_dbus_error_strip_remote_error(local);
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "cannot talk to wearbridged: %s", local->message);
		return FALSE;
	}
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(ctl->manager), WB_CTL_CALL_TIMEOUT_MS);

	/* it may have exited between being started and now */
	owner = g_dbus_proxy_get_name_owner(G_DBUS_PROXY(ctl->manager));
	if (owner == NULL) {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, WB_CTL_NOT_RUNNING);
		return FALSE;
	}
	/* The proxy loads the properties when it is made; none means GetAll failed, i.e. whatever
	 * owns the name has no Manager1 at the root. */
	if (wb_dbus_manager1_get_version(ctl->manager) == NULL) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "the owner of %s on the session bus (%s) has no "
			    "org.wearbridge.Manager1 at %s; is it wearbridged?",
			    WB_CTL_BUS_NAME, owner, WB_CTL_ROOT_PATH);
		return FALSE;
	}

	ctl->object_manager = wb_dbus_object_manager_client_new_sync(
		ctl->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
		WB_CTL_BUS_NAME, WB_CTL_ROOT_PATH, NULL, &local);
	if (ctl->object_manager == NULL) {
		g_dbus_error_strip_remote_error(local);
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "cannot list wearbridged's watches: %s", local->message);
		return FALSE;
	}
	return TRUE;
}

static gint
compare_objects_by_path(gconstpointer a, gconstpointer b)
{
	GDBusObject *oa = *(GDBusObject *const *)a;
	GDBusObject *ob = *(GDBusObject *const *)b;

	return g_strcmp0(g_dbus_object_get_object_path(oa), g_dbus_object_get_object_path(ob));
}

static void
add_watch(WbCtl *ctl, const gchar *path, WbDBusWatch1 *proxy)
{
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(proxy), WB_CTL_CALL_TIMEOUT_MS);
	g_ptr_array_add(ctl->watches, wb_ctl_watch_new(path, proxy));
}

static gboolean
have_watch(WbCtl *ctl, const gchar *path)
{
	for (guint i = 0; i < ctl->watches->len; i++) {
		const WbCtlWatch *watch = g_ptr_array_index(ctl->watches, i);

		if (g_strcmp0(watch->path, path) == 0)
			return TRUE;
	}
	return FALSE;
}

/**
 * wb_ctl_load_watches:
 * @ctl: a connected #WbCtl
 * @error: return location for a #WB_CTL_ERROR
 *
 * Fills @ctl->watches: first in the order of Manager1.Watches, then any other object with
 * Watch1 that the object manager knows, by path.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_ctl_load_watches(WbCtl *ctl, GError **error)
{
	const gchar *const *paths = wb_dbus_manager1_get_watches(ctl->manager);
	g_autolist(GDBusObject) objects = NULL;
	g_autoptr(GPtrArray) sorted = g_ptr_array_new();

	for (guint i = 0; paths != NULL && paths[i] != NULL; i++) {
		g_autoptr(GDBusInterface) iface = NULL;
		g_autoptr(WbDBusWatch1) direct = NULL;
		g_autoptr(GError) local = NULL;

		if (have_watch(ctl, paths[i]))
			continue;
		iface = g_dbus_object_manager_get_interface(ctl->object_manager, paths[i],
							    WB_CTL_WATCH_IFACE);
		if (iface != NULL) {
			add_watch(ctl, paths[i], WB_DBUS_WATCH1(iface));
			continue;
		}
		/* listed but not (yet) announced through the object manager: ask it directly */
		direct = wb_dbus_watch1_proxy_new_sync(ctl->connection,
						       G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
						       WB_CTL_BUS_NAME, paths[i], NULL, &local);
		if (direct == NULL) {
			g_debug("skipping watch '%s': %s", paths[i], local->message);
			continue;
		}
		add_watch(ctl, paths[i], direct);
	}

	objects = g_dbus_object_manager_get_objects(ctl->object_manager);
	for (GList *l = objects; l != NULL; l = l->next)
		g_ptr_array_add(sorted, l->data);
	g_ptr_array_sort(sorted, compare_objects_by_path);
	for (guint i = 0; i < sorted->len; i++) {
		GDBusObject *object = g_ptr_array_index(sorted, i);
		const gchar *path = g_dbus_object_get_object_path(object);
		g_autoptr(GDBusInterface) iface = NULL;

		if (have_watch(ctl, path))
			continue;
		iface = g_dbus_object_get_interface(object, WB_CTL_WATCH_IFACE);
		if (iface != NULL)
			add_watch(ctl, path, WB_DBUS_WATCH1(iface));
	}
	(void)error; /* nothing here fails today; the signature leaves room */
	return TRUE;
}

/**
 * wb_ctl_find_watch:
 * @ctl: a connected #WbCtl
 * @spec: (nullable): what the user typed, see wb_ctl_watch_lookup()
 * @error: return location for a #WB_CTL_ERROR
 *
 * Returns: (transfer none): the watch @spec names
 */
WbCtlWatch *
wb_ctl_find_watch(WbCtl *ctl, const gchar *spec, GError **error)
{
	if (ctl->watches->len == 0 && !wb_ctl_load_watches(ctl, error))
		return NULL;
	return wb_ctl_watch_lookup(ctl->watches, spec, error);
}

/**
 * wb_ctl_translate_error:
 * @ctl: a #WbCtl
 * @error: (inout): an error from a D-Bus call, replaced by a #WB_CTL_ERROR in words
 * @watch: (nullable): the watch the call was about
 * @action: what was being done, e.g. "ping"
 *
 * Maps the daemon's named errors (org.wearbridge.Error.*) and the bus's own to sentences for
 * the user, after g_dbus_error_strip_remote_error(); the D-Bus name is kept for --json.
 */
void
wb_ctl_translate_error(WbCtl *ctl, GError **error, const WbCtlWatch *watch, const gchar *action)
{
	g_autoptr(GError) in = g_steal_pointer(error);
	g_autofree gchar *remote = g_dbus_error_get_remote_error(in);
	g_autofree gchar *who =
		watch != NULL ? wb_ctl_watch_dup_display_name(watch) : g_strdup("wearbridged");
	const gchar *name = remote;
	const gchar *msg;

	g_dbus_error_strip_remote_error(in);
	msg = in->message;
	g_free(ctl->dbus_error);
	ctl->dbus_error = g_strdup(remote);

	if (g_error_matches(in, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "wearbridged did not answer in time (%s %s)", action, who);
		return;
	}
	if (name == NULL) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, "cannot %s %s: %s", action,
			    who, msg);
		return;
	}

	if (g_str_has_prefix(name, WB_CTL_ERROR_PREFIX)) {
		const gchar *code = name + strlen(WB_CTL_ERROR_PREFIX);

		if (g_strcmp0(code, "NotConnected") == 0) {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, "%s is not connected",
				    who);
		} else if (g_strcmp0(code, "Timeout") == 0) {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
				    "%s did not answer in time (%s: %s)", who, action, msg);
		} else if (g_strcmp0(code, "Busy") == 0) {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
				    "%s is busy (%s); try again in a moment", who, msg);
		} else if (g_strcmp0(code, "NotSupported") == 0) {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, "%s cannot %s: %s",
				    who, action, msg);
		} else {
			/* InvalidArgs, Failed and anything newer than this wearctl */
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, "cannot %s %s: %s",
				    action, who, msg);
		}
		return;
	}

	if (g_strcmp0(name, "org.freedesktop.DBus.Error.ServiceUnknown") == 0 ||
	    g_strcmp0(name, "org.freedesktop.DBus.Error.NameHasNoOwner") == 0) {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, WB_CTL_NOT_RUNNING);
	} else if (g_strcmp0(name, "org.freedesktop.DBus.Error.NoReply") == 0) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "wearbridged did not answer (%s); it may have stopped", msg);
	} else if (g_strcmp0(name, "org.freedesktop.DBus.Error.UnknownObject") == 0) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_NOT_FOUND,
			    "%s is no longer known to wearbridged", who);
	} else if (g_strcmp0(name, "org.freedesktop.DBus.Error.UnknownMethod") == 0) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED,
			    "this wearbridged cannot %s (%s); is it older than wearctl?", action,
			    msg);
	} else {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, "cannot %s %s: %s", action,
			    who, msg);
	}
}
