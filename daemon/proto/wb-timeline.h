/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

G_END_DECLS
