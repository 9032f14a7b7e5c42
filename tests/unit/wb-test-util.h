/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GByteArray *wb_test_hex(const gchar *hex);
gchar *wb_test_to_hex(const guint8 *buf, gsize len);
void wb_test_assert_bytes(const gchar *where, const guint8 *got, gsize got_len,
			  const gchar *want_hex);
guint32 wb_test_rand_next(guint64 *state);

/* Assert that @got (buffer + length) equals the hex string @want (spaces ignored). */
#define wb_assert_hex(got, got_len, want) wb_test_assert_bytes(G_STRLOC, got, got_len, want)

G_END_DECLS
