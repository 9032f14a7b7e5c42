/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-link.h"

G_BEGIN_DECLS

#define WB_TYPE_LINK_RFCOMM (wb_link_rfcomm_get_type())
G_DECLARE_FINAL_TYPE(WbLinkRfcomm, wb_link_rfcomm, WB, LINK_RFCOMM, WbLink)

WbLink *wb_link_rfcomm_new(const gchar *address, GSocket *socket);

G_END_DECLS
