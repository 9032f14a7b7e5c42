/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/**
 * WB_CRC_STM32_INIT:
 *
 * The checksum of no data: the register's initial value (reference §6.5).
 */
#define WB_CRC_STM32_INIT 0xFFFFFFFFu

/**
 * WbCrcStm32:
 * @reg: the CRC register after every complete 32-bit word seen so far
 * @pending: the bytes of an incomplete word, in arrival order
 * @n_pending: how many of @pending are used (0..3)
 *
 * Incremental state of the STM32 "legacy defective" checksum used by data logging SendData and
 * the PutBytes commit (reference §6.5). Data may arrive in chunks of any size: a partial word is
 * held back until the next update completes it or wb_crc_stm32_finish() pads it, so
 * update(a); update(b) always gives the same result as one update(a + b).
 * Initialise with wb_crc_stm32_init(); plain struct, no allocation.
 */
typedef struct {
	guint32 reg;
	guint8 pending[3];
	guint8 n_pending;
} WbCrcStm32;

guint32 wb_crc_stm32(const guint8 *buf, gsize len);

void wb_crc_stm32_init(WbCrcStm32 *crc);
void wb_crc_stm32_update(WbCrcStm32 *crc, const guint8 *buf, gsize len);
guint32 wb_crc_stm32_finish(const WbCrcStm32 *crc);

G_END_DECLS
