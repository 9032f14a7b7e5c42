/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-sysmsg.h"
