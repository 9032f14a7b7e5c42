/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-link.h"

G_BEGIN_DECLS

#define WB_TYPE_LINK_EMULATOR (wb_link_emulator_get_type())
G_DECLARE_FINAL_TYPE(WbLinkEmulator, wb_link_emulator, WB, LINK_EMULATOR, WbLink)

WbLink *wb_link_emulator_new(const gchar *host, guint16 port);
gboolean wb_emulator_address_parse(const gchar *address, gchar **out_host, guint16 *out_port,
				   GError **error);
gchar *wb_emulator_target_to_id(const gchar *host, guint16 port);

G_END_DECLS
