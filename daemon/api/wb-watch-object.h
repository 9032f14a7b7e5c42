/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-dbus.h"
#include "wb-watch.h"

G_BEGIN_DECLS

#define WB_TYPE_WATCH_OBJECT (wb_watch_object_get_type())
G_DECLARE_FINAL_TYPE(WbWatchObject, wb_watch_object, WB, WATCH_OBJECT, WbDBusWatch1Skeleton)

WbWatchObject *wb_watch_object_new(WbWatch *watch);
WbWatch *wb_watch_object_get_watch(WbWatchObject *self);
gchar *wb_watch_object_path_for(WbWatch *watch);

G_END_DECLS
