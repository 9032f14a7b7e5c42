/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-service.h"

typedef struct {
	WbSession *session;
} WbServicePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(WbService, wb_service, G_TYPE_OBJECT)

/**
 * wb_service_attach:
 * @self: the service
 * @session: a session that just opened
 */
void
wb_service_attach(WbService *self, WbSession *session)
{
	WbServicePrivate *priv = wb_service_get_instance_private(self);
	g_set_object(&priv->session, session);
	if (WB_SERVICE_GET_CLASS(self)->attach != NULL)
		WB_SERVICE_GET_CLASS(self)->attach(self, session);
}

/**
 * wb_service_detach:
 * @self: the service
 */
void
wb_service_detach(WbService *self)
{
	WbServicePrivate *priv = wb_service_get_instance_private(self);
	if (priv->session == NULL)
		return;
	if (WB_SERVICE_GET_CLASS(self)->detach != NULL)
		WB_SERVICE_GET_CLASS(self)->detach(self);
	g_clear_object(&priv->session);
}

/**
 * wb_service_get_session:
 * @self: the service
 *
 * Returns: (transfer none) (nullable): the open session, or %NULL while the watch is away
 */
WbSession *
wb_service_get_session(WbService *self)
{
	WbServicePrivate *priv = wb_service_get_instance_private(self);
	return priv->session;
}

static void
wb_service_dispose(GObject *object)
{
	WbServicePrivate *priv = wb_service_get_instance_private(WB_SERVICE(object));
	g_clear_object(&priv->session);
	G_OBJECT_CLASS(wb_service_parent_class)->dispose(object);
}

static void
wb_service_class_init(WbServiceClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = wb_service_dispose;
}

static void
wb_service_init(WbService *self)
{
}
