/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-store-health.h"
#include "wb-store-private.h"

/* migration 2 -> 3: health readings and raw data logging payloads */
gboolean
wb_store_health_migrate_to_3(WbStore *self, GError **error)
{
	return TRUE;
}
