/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wb-session.h"

G_BEGIN_DECLS

#define WB_TYPE_SERVICE (wb_service_get_type())
G_DECLARE_DERIVABLE_TYPE(WbService, wb_service, WB, SERVICE, GObject)

/**
 * WbServiceClass:
 * @attach: a session with the watch opened; register endpoint handlers on it
 * @detach: the session closed; forget it (its handlers go with it)
 *
 * One feature of the companion (time, notifications, health, …). A service registers the
 * endpoints it handles with the session and never touches a link.
 */
struct _WbServiceClass {
	GObjectClass parent_class;

	void (*attach)(WbService *self, WbSession *session);
	void (*detach)(WbService *self);
};

void wb_service_attach(WbService *self, WbSession *session);
void wb_service_detach(WbService *self);
WbSession *wb_service_get_session(WbService *self);

G_END_DECLS
