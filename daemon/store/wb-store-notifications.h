/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-store.h"

G_BEGIN_DECLS

gboolean wb_store_notifications_migrate_to_2(WbStore *self, GError **error);

G_END_DECLS
