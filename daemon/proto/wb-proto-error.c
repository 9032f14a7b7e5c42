/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-proto-error.h"

G_DEFINE_QUARK(wb-proto-error-quark, wb_proto_error)
