/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-daemon.h"
#include "wb-dbus.h"

G_BEGIN_DECLS

#define WB_TYPE_MANAGER_OBJECT (wb_manager_object_get_type())
G_DECLARE_FINAL_TYPE(WbManagerObject, wb_manager_object, WB, MANAGER_OBJECT, WbDBusManager1Skeleton)

WbManagerObject *wb_manager_object_new(GDBusConnection *connection, WbDaemon *daemon,
				       GError **error);
void wb_manager_object_unexport(WbManagerObject *self);

G_END_DECLS
