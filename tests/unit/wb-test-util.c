/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-test-util.h"

/**
 * wb_test_hex:
 * @hex: hex digits; spaces, newlines and ':' are ignored
 *
 * Returns: (transfer full): the bytes; aborts the test on a malformed string
 */
GByteArray *
wb_test_hex(const gchar *hex)
{
	GByteArray *out = g_byte_array_new();
	gint hi = -1;

	for (const gchar *p = hex; *p != '\0'; p++) {
		gint v;
		if (*p == ' ' || *p == '\n' || *p == ':' || *p == '\t')
			continue;
		v = g_ascii_xdigit_value(*p);
		g_assert_cmpint(v, >=, 0);
		if (hi < 0) {
			hi = v;
		} else {
			guint8 b = (guint8)((hi << 4) | v);
			g_byte_array_append(out, &b, 1);
			hi = -1;
		}
	}
	g_assert_cmpint(hi, ==, -1);
	return out;
}

gchar *
wb_test_to_hex(const guint8 *buf, gsize len)
{
	GString *s = g_string_new(NULL);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf(s, "%s%02x", i > 0 ? " " : "", buf[i]);
	return g_string_free(s, FALSE);
}

void
wb_test_assert_bytes(const gchar *where, const guint8 *got, gsize got_len, const gchar *want_hex)
{
	g_autoptr(GByteArray) want = wb_test_hex(want_hex);
	if (got_len != want->len || (got_len > 0 && memcmp(got, want->data, got_len) != 0)) {
		g_autofree gchar *g = wb_test_to_hex(got, got_len);
		g_autofree gchar *w = wb_test_to_hex(want->data, want->len);
		g_error("%s: bytes differ\n  got  (%" G_GSIZE_FORMAT "): %s\n  want (%u): %s",
			where, got_len, g, want->len, w);
	}
}

/* A small deterministic PRNG (splitmix64) so tests with seeds replay exactly everywhere. */
guint32
wb_test_rand_next(guint64 *state)
{
	guint64 z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (guint32)((z ^ (z >> 31)) >> 32);
}
