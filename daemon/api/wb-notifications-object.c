/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * org.wearbridge.Notifications1 for one watch: the decision history and the outbox.
 */
#define WB_LOG_MODULE "api"
#include "wb-error.h"
#include "wb-log.h"
#include "wb-notifications-object.h"
#include "wb-store-notifications.h"

struct _WbNotificationsObject {
	WbDBusNotifications1Skeleton parent_instance;
	WbNotificationService *service;
	gulong outbox_id;
};

static void wb_notifications_object_iface_init(WbDBusNotifications1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(WbNotificationsObject, wb_notifications_object,
			      WB_DBUS_TYPE_NOTIFICATIONS1_SKELETON,
			      G_IMPLEMENT_INTERFACE(WB_DBUS_TYPE_NOTIFICATIONS1,
						    wb_notifications_object_iface_init))

static gboolean
handle_history(WbDBusNotifications1 *iface, GDBusMethodInvocation *invocation, guint limit)
{
	WbNotificationsObject *self = WB_NOTIFICATIONS_OBJECT(iface);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	GVariantBuilder b;

	if (limit < 1 || limit > WB_HISTORY_MAX) {
		error = g_error_new(WB_ERROR, WB_ERROR_INVALID_ARGS,
				    "limit %u is not between 1 and %d", limit, WB_HISTORY_MAX);
		wb_dbus_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	entries = wb_notification_service_history(self->service, limit, &error);
	if (entries == NULL) {
		wb_dbus_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
	for (guint i = 0; i < entries->len; i++) {
		const WbHistoryEntry *e = g_ptr_array_index(entries, i);
		g_variant_builder_open(&b, G_VARIANT_TYPE_VARDICT);
		g_variant_builder_add(&b, "{sv}", "time", g_variant_new_uint64((guint64)e->time));
		g_variant_builder_add(&b, "{sv}", "id", g_variant_new_string(e->key));
		g_variant_builder_add(&b, "{sv}", "app", g_variant_new_string(e->app));
		g_variant_builder_add(&b, "{sv}", "summary", g_variant_new_string(e->summary));
		g_variant_builder_add(&b, "{sv}", "decision", g_variant_new_string(e->decision));
		g_variant_builder_add(&b, "{sv}", "detail", g_variant_new_string(e->detail));
		g_variant_builder_close(&b);
	}
	wb_dbus_notifications1_complete_history(iface, invocation, g_variant_builder_end(&b));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
wb_notifications_object_iface_init(WbDBusNotifications1Iface *iface)
{
	iface->handle_history = handle_history;
}

static void
outbox_changed_cb(WbNotificationService *service, gpointer user_data)
{
	WbNotificationsObject *self = user_data;
	guint n = wb_notification_service_outbox_length(service);
	if (n != wb_dbus_notifications1_get_outbox_length(WB_DBUS_NOTIFICATIONS1(self)))
		wb_dbus_notifications1_set_outbox_length(WB_DBUS_NOTIFICATIONS1(self), n);
}

WbNotificationsObject *
wb_notifications_object_new(WbNotificationService *service)
{
	WbNotificationsObject *self = g_object_new(WB_TYPE_NOTIFICATIONS_OBJECT, NULL);
	self->service = g_object_ref(service);
	self->outbox_id =
		g_signal_connect(service, "outbox-changed", G_CALLBACK(outbox_changed_cb), self);
	outbox_changed_cb(service, self);
	return self;
}

static void
wb_notifications_object_dispose(GObject *object)
{
	WbNotificationsObject *self = WB_NOTIFICATIONS_OBJECT(object);
	if (self->service != NULL)
		g_clear_signal_handler(&self->outbox_id, self->service);
	g_clear_object(&self->service);
	G_OBJECT_CLASS(wb_notifications_object_parent_class)->dispose(object);
}

static void
wb_notifications_object_class_init(WbNotificationsObjectClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = wb_notifications_object_dispose;
}

static void
wb_notifications_object_init(WbNotificationsObject *self)
{
}
