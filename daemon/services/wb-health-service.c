/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WB_LOG_MODULE "health"
#include "wb-health-service.h"
#include "wb-log.h"

struct _WbHealthService {
	WbService parent_instance;
	WbStore *store;
	gchar *watch_id;
};

G_DEFINE_FINAL_TYPE(WbHealthService, wb_health_service, WB_TYPE_SERVICE)

WbHealthService *
wb_health_service_new(WbStore *store, const WbConfig *config, const gchar *watch_id)
{
	WbHealthService *self = g_object_new(WB_TYPE_HEALTH_SERVICE, NULL);
	self->store = store;
	self->watch_id = g_strdup(watch_id);
	return self;
}

static void
wb_health_service_finalize(GObject *object)
{
	WbHealthService *self = WB_HEALTH_SERVICE(object);
	g_free(self->watch_id);
	G_OBJECT_CLASS(wb_health_service_parent_class)->finalize(object);
}

static void
wb_health_service_class_init(WbHealthServiceClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = wb_health_service_finalize;
}

static void
wb_health_service_init(WbHealthService *self)
{
}
