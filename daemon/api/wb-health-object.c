/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * org.wearbridge.Health1 for one watch.
 */
#define WB_LOG_MODULE "api"
#include "wb-error.h"
#include "wb-health-object.h"
#include "wb-log.h"

struct _WbHealthObject {
	WbDBusHealth1Skeleton parent_instance;
	WbWatch *watch;
	WbHealthService *service;
};

static void wb_health_object_iface_init(WbDBusHealth1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(WbHealthObject, wb_health_object, WB_DBUS_TYPE_HEALTH1_SKELETON,
			      G_IMPLEMENT_INTERFACE(WB_DBUS_TYPE_HEALTH1,
						    wb_health_object_iface_init))

static void
wb_health_object_iface_init(WbDBusHealth1Iface *iface)
{
}

WbHealthObject *
wb_health_object_new(WbWatch *watch, WbHealthService *service)
{
	WbHealthObject *self = g_object_new(WB_TYPE_HEALTH_OBJECT, NULL);
	self->watch = g_object_ref(watch);
	self->service = g_object_ref(service);
	return self;
}

static void
wb_health_object_dispose(GObject *object)
{
	WbHealthObject *self = WB_HEALTH_OBJECT(object);
	g_clear_object(&self->watch);
	g_clear_object(&self->service);
	G_OBJECT_CLASS(wb_health_object_parent_class)->dispose(object);
}

static void
wb_health_object_class_init(WbHealthObjectClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = wb_health_object_dispose;
}

static void
wb_health_object_init(WbHealthObject *self)
{
}
