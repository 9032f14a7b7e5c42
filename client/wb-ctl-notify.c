/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * wearctl notify and wearctl notifications log.
 */
#include "wb-ctl.h"

#define WB_CTL_LOG_DEFAULT 30

/**
 * wb_ctl_cmd_notify:
 * @ctl: the client
 * @args: TITLE [BODY [WATCH]]
 * @error: return location for a #GError
 *
 * Shows a notification on the watch through Watch1.SendNotification.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_ctl_cmd_notify(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autofree gchar *id = NULL;
	g_autofree gchar *name = NULL;
	GVariantBuilder b;
	WbCtlWatch *watch;

	if (args[0] == NULL || args[1] == NULL) {
		watch = wb_ctl_find_watch(ctl, NULL, error);
	} else {
		watch = wb_ctl_find_watch(ctl, args[2], error);
	}
	if (watch == NULL)
		return FALSE;
	name = wb_ctl_watch_dup_display_name(watch);
	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&b, "{sv}", "title", g_variant_new_string(args[0]));
	if (args[1] != NULL)
		g_variant_builder_add(&b, "{sv}", "body", g_variant_new_string(args[1]));
	g_variant_builder_add(&b, "{sv}", "app", g_variant_new_string("wearctl"));
	if (!wb_dbus_watch1_call_send_notification_sync(watch->proxy, g_variant_builder_end(&b),
							&id, NULL, &local)) {
		wb_ctl_translate_error(ctl, &local, watch, "send a notification to");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	if (!ctl->json) {
		wb_ctl_print(ctl, "%s: notification %s %s\n", name, id,
			     wb_dbus_watch1_get_connected(watch->proxy)
				     ? "sent"
				     : "queued until it is back");
		return TRUE;
	}
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "id");
	json_builder_add_string_value(builder, id);
	json_builder_set_member_name(builder, "watch");
	json_builder_begin_object(builder);
	wb_ctl_json_add_watch(builder, watch);
	json_builder_end_object(builder);
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
	return TRUE;
}

static const gchar *
dict_string(GVariant *entry, const gchar *key)
{
	const gchar *s = NULL;
	if (!g_variant_lookup(entry, key, "&s", &s))
		return "";
	return s;
}

/**
 * wb_ctl_cmd_notifications_log:
 * @ctl: the client
 * @args: [WATCH]
 * @error: return location for a #GError
 *
 * Prints what the daemon decided for the latest desktop notifications, and why.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_ctl_cmd_notifications_log(WbCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GVariant) entries = NULL;
	g_autoptr(WbDBusNotifications1) proxy = NULL;
	g_autoptr(JsonBuilder) builder = json_builder_new();
	guint limit = ctl->count > 1 ? (guint)ctl->count : WB_CTL_LOG_DEFAULT;
	WbCtlWatch *watch = wb_ctl_find_watch(ctl, args[0], error);

	if (watch == NULL)
		return FALSE;
	if (limit > 1000) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
			    "--count must be between 1 and 1000, not '%d'", ctl->count);
		return FALSE;
	}
	proxy = wb_dbus_notifications1_proxy_new_sync(ctl->connection, G_DBUS_PROXY_FLAGS_NONE,
						      WB_CTL_BUS_NAME, watch->path, NULL, &local);
	if (proxy == NULL ||
	    !wb_dbus_notifications1_call_history_sync(proxy, limit, &entries, NULL, &local)) {
		wb_ctl_translate_error(ctl, &local, watch, "read the notification log of");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	if (ctl->json) {
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "entries");
		json_builder_begin_array(builder);
	} else if (g_variant_n_children(entries) == 0) {
		wb_ctl_print(ctl, "No desktop notifications seen yet.\n");
		return TRUE;
	}
	/* oldest first, as a log reads */
	for (gsize i = g_variant_n_children(entries); i > 0; i--) {
		g_autoptr(GVariant) entry = g_variant_get_child_value(entries, i - 1);
		guint64 time = 0;

		g_variant_lookup(entry, "time", "t", &time);
		if (ctl->json) {
			json_builder_begin_object(builder);
			json_builder_set_member_name(builder, "time");
			json_builder_add_int_value(builder, (gint64)time);
			for (guint k = 0; k < 5; k++) {
				static const gchar *keys[] = {"id", "app", "summary", "decision",
							      "detail"};
				json_builder_set_member_name(builder, keys[k]);
				json_builder_add_string_value(builder, dict_string(entry, keys[k]));
			}
			json_builder_end_object(builder);
		} else {
			g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local((gint64)time);
			g_autofree gchar *when =
				dt != NULL ? g_date_time_format(dt, "%H:%M:%S") : g_strdup("?");
			g_autofree gchar *decision = wb_ctl_style(
				ctl,
				g_str_equal(dict_string(entry, "decision"), "forwarded") ||
						g_str_equal(dict_string(entry, "decision"),
							    "updated")
					? WB_CTL_STYLE_GOOD
					: WB_CTL_STYLE_BUSY,
				dict_string(entry, "decision"));
			wb_ctl_print(ctl, "%s  %-18s %s: %s\n          %s\n", when, decision,
				     dict_string(entry, "app"), dict_string(entry, "summary"),
				     dict_string(entry, "detail"));
		}
	}
	if (ctl->json) {
		json_builder_end_array(builder);
		json_builder_end_object(builder);
		wb_ctl_print_json(ctl, builder);
	}
	return TRUE;
}
