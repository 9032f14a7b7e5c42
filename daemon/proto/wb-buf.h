/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-proto-error.h"

G_BEGIN_DECLS

/**
 * WbReader:
 *
 * A bounds-checked cursor over an untrusted buffer. Reads past the end never touch memory
 * outside the buffer: they return zero (or %NULL) and make the reader *failed*; the failure
 * is sticky, so a decoder reads a whole structure and checks once with wb_reader_check() or
 * wb_reader_check_end(). This is the only way protocol decoders read bytes.
 */
typedef struct {
	const guint8 *data;
	gsize len;
	gsize pos;
	gboolean failed;
} WbReader;

void wb_reader_init(WbReader *r, const guint8 *data, gsize len);
gsize wb_reader_remaining(const WbReader *r);
gboolean wb_reader_ok(const WbReader *r);

guint8 wb_reader_u8(WbReader *r);
gint8 wb_reader_i8(WbReader *r);
guint16 wb_reader_u16_be(WbReader *r);
guint16 wb_reader_u16_le(WbReader *r);
gint16 wb_reader_i16_be(WbReader *r);
gint16 wb_reader_i16_le(WbReader *r);
guint32 wb_reader_u32_be(WbReader *r);
guint32 wb_reader_u32_le(WbReader *r);
gint32 wb_reader_i32_be(WbReader *r);
gint32 wb_reader_i32_le(WbReader *r);
guint64 wb_reader_u64_le(WbReader *r);
const guint8 *wb_reader_bytes(WbReader *r, gsize n);
const guint8 *wb_reader_rest(WbReader *r, gsize *out_len);
gboolean wb_reader_skip(WbReader *r, gsize n);
gboolean wb_reader_copy(WbReader *r, void *dest, gsize n);
gchar *wb_reader_string(WbReader *r, gsize n);
gchar *wb_reader_pascal_string(WbReader *r);

gboolean wb_reader_check(const WbReader *r, const gchar *what, GError **error);
gboolean wb_reader_check_end(const WbReader *r, const gchar *what, GError **error);

gchar *wb_proto_string_from_bytes(const guint8 *buf, gsize len);

void wb_put_u8(GByteArray *out, guint8 v);
void wb_put_u16_be(GByteArray *out, guint16 v);
void wb_put_u16_le(GByteArray *out, guint16 v);
void wb_put_u32_be(GByteArray *out, guint32 v);
void wb_put_u32_le(GByteArray *out, guint32 v);
void wb_put_u64_le(GByteArray *out, guint64 v);
void wb_put_bytes(GByteArray *out, const void *buf, gsize len);
void wb_put_zeros(GByteArray *out, gsize len);
void wb_put_fixed_string(GByteArray *out, const gchar *s, gsize field_len);
gboolean wb_put_pascal_string(GByteArray *out, const gchar *s, const gchar *what, GError **error);
void wb_set_u16_le(GByteArray *out, gsize offset, guint16 v);
void wb_set_u16_be(GByteArray *out, gsize offset, guint16 v);

gsize wb_utf8_truncate_len(const gchar *s, gsize max_bytes);

/**
 * WbByteQueue:
 *
 * Received bytes not yet consumed, for the incremental decoders: one buffer with a read
 * offset, so a decoded unit is handed out without copying; the dead prefix is dropped only
 * when it is large, at the next push.
 */
typedef struct {
	GByteArray *buf;
	gsize off;
} WbByteQueue;

void wb_byte_queue_init(WbByteQueue *q);
void wb_byte_queue_clear(WbByteQueue *q);
void wb_byte_queue_reset(WbByteQueue *q);
void wb_byte_queue_push(WbByteQueue *q, const guint8 *data, gsize len);
const guint8 *wb_byte_queue_peek(const WbByteQueue *q, gsize *out_len);
void wb_byte_queue_consume(WbByteQueue *q, gsize n);
gsize wb_byte_queue_length(const WbByteQueue *q);

G_END_DECLS
