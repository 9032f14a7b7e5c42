/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <string.h>

/* memcmp() with a zero length may still not be given NULL (UBSan's nonnull-attribute check):
 * empty buffers compare equal here without touching either pointer. */
static inline int
fuzz_same_bytes(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}
