/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One desktop notification as the monitor saw it (or as our API received it). Refcounted with
 * atomic operations: the monitor builds it on the GDBus worker thread and hands it over to the
 * main context.
 */
#include "wb-desktop-notification.h"

static void
wb_desktop_action_free(gpointer data)
{
	WbDesktopAction *action = data;

	g_free(action->id);
	g_free(action->label);
	g_clear_pointer(&action->target, g_variant_unref);
	g_free(action);
}

/**
 * wb_desktop_notification_new:
 * @source: where it comes from
 *
 * Returns: (transfer full): an empty notification: every string "", urgency normal, no
 *   actions, #WbDesktopNotification.timestamp_us set to now
 */
WbDesktopNotification *
wb_desktop_notification_new(WbDesktopSource source)
{
	WbDesktopNotification *n = g_new0(WbDesktopNotification, 1);

	n->ref_count = 1;
	n->source = source;
	n->key = g_strdup("");
	n->app_id = g_strdup("");
	n->app_name = g_strdup("");
	n->summary = g_strdup("");
	n->body = g_strdup("");
	n->icon = g_strdup("");
	n->category = g_strdup("");
	n->sender = g_strdup("");
	n->urgency = 1;
	n->timestamp_us = g_get_real_time();
	n->actions = g_ptr_array_new_with_free_func(wb_desktop_action_free);
	return n;
}

/**
 * wb_desktop_notification_ref:
 * @n: a notification
 *
 * Returns: (transfer full): @n
 */
WbDesktopNotification *
wb_desktop_notification_ref(WbDesktopNotification *n)
{
	g_return_val_if_fail(n != NULL, NULL);
	g_atomic_int_inc(&n->ref_count);
	return n;
}

/**
 * wb_desktop_notification_unref:
 * @n: (nullable): a notification
 *
 * Drops a reference; frees @n with the last one.
 */
void
wb_desktop_notification_unref(WbDesktopNotification *n)
{
	if (n == NULL)
		return;
	if (!g_atomic_int_dec_and_test(&n->ref_count))
		return;
	g_free(n->key);
	g_free(n->app_id);
	g_free(n->app_name);
	g_free(n->summary);
	g_free(n->body);
	g_free(n->icon);
	g_free(n->category);
	g_clear_pointer(&n->actions, g_ptr_array_unref);
	g_free(n->default_action);
	g_clear_pointer(&n->default_target, g_variant_unref);
	g_free(n->sender);
	g_clear_pointer(&n->canned_replies, g_ptr_array_unref);
	g_free(n);
}

/**
 * wb_desktop_notification_add_action:
 * @n: a notification
 * @id: the action's key
 * @label: what a person reads
 * @target: (nullable): gtk only: the target parameter; a floating reference is sunk
 *
 * Appends an action (copies @id and @label).
 */
void
wb_desktop_notification_add_action(WbDesktopNotification *n, const gchar *id, const gchar *label,
				   GVariant *target)
{
	WbDesktopAction *action;

	g_return_if_fail(n != NULL);
	g_return_if_fail(id != NULL);
	action = g_new0(WbDesktopAction, 1);
	action->id = g_strdup(id);
	action->label = g_strdup(label != NULL ? label : "");
	action->target = target != NULL ? g_variant_ref_sink(target) : NULL;
	g_ptr_array_add(n->actions, action);
}

/**
 * wb_desktop_notification_find_action:
 * @n: a notification
 * @id: an action key
 *
 * Returns: (transfer none) (nullable): the action with that key, if any
 */
const WbDesktopAction *
wb_desktop_notification_find_action(const WbDesktopNotification *n, const gchar *id)
{
	g_return_val_if_fail(n != NULL, NULL);
	if (id == NULL)
		return NULL;
	for (guint i = 0; i < n->actions->len; i++) {
		const WbDesktopAction *action = g_ptr_array_index(n->actions, i);
		if (g_strcmp0(action->id, id) == 0)
			return action;
	}
	return NULL;
}
