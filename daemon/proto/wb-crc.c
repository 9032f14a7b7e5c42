/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The STM32 hardware-CRC behaviour that Pebble firmware calls "legacy_defective_checksum"
 * (reference §6.5; FW src/fw/util/legacy_checksum.c, LP2 util/stm32_crc.py): CRC-32 polynomial
 * 0x04C11DB7, initial value 0xFFFFFFFF, no reflection, no final XOR. Data is consumed as 32-bit
 * little-endian words, each fed most significant byte first, so bytes b0 b1 b2 b3 are processed
 * in the order b3 b2 b1 b0. A trailing partial word of k bytes is processed as (4 - k) zero
 * bytes followed by the k bytes in their original order.
 *
 * Bitwise rather than table driven: a firmware image is a few hundred KiB, so speed does not
 * matter and there is no table to get wrong.
 */
#include <string.h>

#include "wb-crc.h"

#define WB_CRC_STM32_POLY 0x04C11DB7u

static guint32
wb_crc_stm32_byte(guint32 reg, guint8 b)
{
	reg ^= (guint32)b << 24;
	for (guint i = 0; i < 8; i++)
		reg = (reg & 0x80000000u) != 0 ? (reg << 1) ^ WB_CRC_STM32_POLY : reg << 1;
	return reg;
}

/* One complete little-endian word, most significant byte (the last one) first. */
static guint32
wb_crc_stm32_word(guint32 reg, const guint8 *w)
{
	reg = wb_crc_stm32_byte(reg, w[3]);
	reg = wb_crc_stm32_byte(reg, w[2]);
	reg = wb_crc_stm32_byte(reg, w[1]);
	return wb_crc_stm32_byte(reg, w[0]);
}

/**
 * wb_crc_stm32_init:
 * @crc: (out caller-allocates): the state to reset
 *
 * Starts a new checksum.
 */
void
wb_crc_stm32_init(WbCrcStm32 *crc)
{
	memset(crc, 0, sizeof(*crc));
	crc->reg = WB_CRC_STM32_INIT;
}

/**
 * wb_crc_stm32_update:
 * @crc: the state
 * @buf: (array length=len) (nullable): the next bytes; may be %NULL when @len is 0
 * @len: how many bytes
 *
 * Adds @len bytes. Chunks may have any size; a partial trailing word is kept in @crc until a
 * later call completes it, so chunked and one-shot computations agree.
 */
void
wb_crc_stm32_update(WbCrcStm32 *crc, const guint8 *buf, gsize len)
{
	gsize i = 0;

	if (len == 0)
		return;
	/* first complete a word left over from the previous chunk */
	if (crc->n_pending > 0) {
		guint8 w[4];

		memcpy(w, crc->pending, crc->n_pending);
		while (crc->n_pending < 4 && i < len)
			w[crc->n_pending++] = buf[i++];
		if (crc->n_pending < 4) {
			memcpy(crc->pending, w, crc->n_pending);
			return;
		}
		crc->reg = wb_crc_stm32_word(crc->reg, w);
		crc->n_pending = 0;
	}
	for (; len - i >= 4; i += 4)
		crc->reg = wb_crc_stm32_word(crc->reg, buf + i);
	crc->n_pending = (guint8)(len - i);
	memcpy(crc->pending, buf + i, crc->n_pending);
}

/**
 * wb_crc_stm32_finish:
 * @crc: the state; not modified, so more data may still be added afterwards
 *
 * Returns: the checksum of everything added so far, with a partial last word zero-padded
 * as §6.5 describes
 */
guint32
wb_crc_stm32_finish(const WbCrcStm32 *crc)
{
	guint32 reg = crc->reg;

	if (crc->n_pending == 0)
		return reg;
	/* §6.5: the (4 - k) zero bytes first, then the k remaining bytes in their own order */
	for (guint i = crc->n_pending; i < 4; i++)
		reg = wb_crc_stm32_byte(reg, 0);
	for (guint i = 0; i < crc->n_pending; i++)
		reg = wb_crc_stm32_byte(reg, crc->pending[i]);
	return reg;
}

/**
 * wb_crc_stm32:
 * @buf: (array length=len) (nullable): the bytes; may be %NULL when @len is 0
 * @len: how many bytes
 *
 * One-shot form of the §6.5 checksum, as the watch puts it in SendData and expects it in the
 * PutBytes commit.
 *
 * Returns: the checksum; %WB_CRC_STM32_INIT for no data
 */
guint32
wb_crc_stm32(const guint8 *buf, gsize len)
{
	WbCrcStm32 crc;

	wb_crc_stm32_init(&crc);
	wb_crc_stm32_update(&crc, buf, len);
	return wb_crc_stm32_finish(&crc);
}
