/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-buf.h"

/**
 * wb_reader_init:
 * @r: the reader
 * @data: (array length=len) (nullable): the bytes; may be %NULL when @len is 0
 * @len: number of bytes
 *
 * Starts reading @data from its first byte.
 */
void
wb_reader_init(WbReader *r, const guint8 *data, gsize len)
{
	static const guint8 empty[1] = {0};

	/* never keep NULL: pointer arithmetic on NULL is undefined even with offset 0 */
	r->data = data != NULL ? data : empty;
	r->len = data != NULL ? len : 0;
	r->pos = 0;
	r->failed = FALSE;
}

/**
 * wb_reader_remaining:
 * @r: the reader
 *
 * Returns: how many unread bytes are left (0 once the reader has failed)
 */
gsize
wb_reader_remaining(const WbReader *r)
{
	if (r->failed)
		return 0;
	return r->len - r->pos;
}

/**
 * wb_reader_ok:
 * @r: the reader
 *
 * Returns: %TRUE if no read so far ran past the end
 */
gboolean
wb_reader_ok(const WbReader *r)
{
	return !r->failed;
}

/* Returns a pointer to @n readable bytes and advances, or NULL and fails. */
static const guint8 *
wb_reader_take(WbReader *r, gsize n)
{
	const guint8 *p;

	if (r->failed || n > r->len - r->pos) {
		r->failed = TRUE;
		return NULL;
	}
	p = r->data + r->pos;
	r->pos += n;
	return p;
}

guint8
wb_reader_u8(WbReader *r)
{
	const guint8 *p = wb_reader_take(r, 1);
	return p != NULL ? p[0] : 0;
}

gint8
wb_reader_i8(WbReader *r)
{
	return (gint8)wb_reader_u8(r);
}

guint16
wb_reader_u16_be(WbReader *r)
{
	const guint8 *p = wb_reader_take(r, 2);
	return p != NULL ? (guint16)((p[0] << 8) | p[1]) : 0;
}

guint16
wb_reader_u16_le(WbReader *r)
{
	const guint8 *p = wb_reader_take(r, 2);
	return p != NULL ? (guint16)((p[1] << 8) | p[0]) : 0;
}

gint16
wb_reader_i16_be(WbReader *r)
{
	return (gint16)wb_reader_u16_be(r);
}

gint16
wb_reader_i16_le(WbReader *r)
{
	return (gint16)wb_reader_u16_le(r);
}

guint32
wb_reader_u32_be(WbReader *r)
{
	const guint8 *p = wb_reader_take(r, 4);
	if (p == NULL)
		return 0;
	return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

guint32
wb_reader_u32_le(WbReader *r)
{
	const guint8 *p = wb_reader_take(r, 4);
	if (p == NULL)
		return 0;
	return ((guint32)p[3] << 24) | ((guint32)p[2] << 16) | ((guint32)p[1] << 8) | p[0];
}

gint32
wb_reader_i32_be(WbReader *r)
{
	return (gint32)wb_reader_u32_be(r);
}

gint32
wb_reader_i32_le(WbReader *r)
{
	return (gint32)wb_reader_u32_le(r);
}

guint64
wb_reader_u64_le(WbReader *r)
{
	guint64 lo = wb_reader_u32_le(r);
	guint64 hi = wb_reader_u32_le(r);
	return (hi << 32) | lo;
}

/**
 * wb_reader_bytes:
 * @r: the reader
 * @n: how many bytes
 *
 * Returns: (transfer none) (nullable): a pointer into the buffer to @n bytes, or %NULL (and
 * the reader fails) if fewer are left. Zero bytes at the end give a valid pointer-or-%NULL
 * without failing.
 */
const guint8 *
wb_reader_bytes(WbReader *r, gsize n)
{
	return wb_reader_take(r, n);
}

/**
 * wb_reader_rest:
 * @r: the reader
 * @out_len: (out): number of bytes returned
 *
 * Takes every remaining byte.
 *
 * Returns: (transfer none) (nullable): the remaining bytes
 */
const guint8 *
wb_reader_rest(WbReader *r, gsize *out_len)
{
	gsize n = wb_reader_remaining(r);
	*out_len = n;
	return wb_reader_take(r, n);
}

gboolean
wb_reader_skip(WbReader *r, gsize n)
{
	(void)wb_reader_take(r, n);
	return !r->failed;
}

gboolean
wb_reader_copy(WbReader *r, void *dest, gsize n)
{
	const guint8 *p = wb_reader_take(r, n);
	if (p == NULL)
		return FALSE;
	if (n > 0)
		memcpy(dest, p, n);
	return TRUE;
}

/**
 * wb_proto_string_from_bytes:
 * @buf: (array length=len) (nullable): raw bytes of a text field
 * @len: the field's length
 *
 * Turns an untrusted fixed or counted text field into a string: it ends at the first NUL
 * inside the field (or at its end) and invalid UTF-8 is replaced, so the result is always
 * valid UTF-8.
 *
 * Returns: (transfer full): a newly allocated string
 */
gchar *
wb_proto_string_from_bytes(const guint8 *buf, gsize len)
{
	const guint8 *nul;

	if (buf == NULL || len == 0)
		return g_strdup("");
	nul = memchr(buf, 0, len);
	if (nul != NULL)
		len = (gsize)(nul - buf);
	return g_utf8_make_valid((const gchar *)buf, (gssize)len);
}

/**
 * wb_reader_string:
 * @r: the reader
 * @n: the field's length in bytes
 *
 * Reads a text field of @n bytes (see wb_proto_string_from_bytes()).
 *
 * Returns: (transfer full) (nullable): the text, or %NULL if the buffer is too short
 */
gchar *
wb_reader_string(WbReader *r, gsize n)
{
	const guint8 *p = wb_reader_take(r, n);
	if (p == NULL)
		return NULL;
	return wb_proto_string_from_bytes(p, n);
}

/**
 * wb_reader_pascal_string:
 * @r: the reader
 *
 * Reads a length byte and that many bytes of text.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL if the buffer is too short
 */
gchar *
wb_reader_pascal_string(WbReader *r)
{
	guint8 n = wb_reader_u8(r);
	if (r->failed)
		return NULL;
	return wb_reader_string(r, n);
}

/**
 * wb_reader_check:
 * @r: the reader
 * @what: the structure being decoded, for the message
 * @error: return location for a #GError
 *
 * Returns: %TRUE if no read ran past the end, otherwise sets %WB_PROTO_ERROR_TRUNCATED
 */
gboolean
wb_reader_check(const WbReader *r, const gchar *what, GError **error)
{
	if (!r->failed)
		return TRUE;
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED,
		    "%s: truncated (%" G_GSIZE_FORMAT " bytes)", what, r->len);
	return FALSE;
}

/**
 * wb_reader_check_end:
 * @r: the reader
 * @what: the structure being decoded, for the message
 * @error: return location for a #GError
 *
 * Like wb_reader_check(), and also fails with %WB_PROTO_ERROR_TRAILING_DATA if bytes are left.
 *
 * Returns: %TRUE if the buffer was consumed exactly
 */
gboolean
wb_reader_check_end(const WbReader *r, const gchar *what, GError **error)
{
	if (!wb_reader_check(r, what, error))
		return FALSE;
	if (r->pos != r->len) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA,
			    "%s: %" G_GSIZE_FORMAT " unexpected trailing bytes", what,
			    r->len - r->pos);
		return FALSE;
	}
	return TRUE;
}

void
wb_put_u8(GByteArray *out, guint8 v)
{
	g_byte_array_append(out, &v, 1);
}

void
wb_put_u16_be(GByteArray *out, guint16 v)
{
	guint8 b[2] = {(guint8)(v >> 8), (guint8)v};
	g_byte_array_append(out, b, sizeof(b));
}

void
wb_put_u16_le(GByteArray *out, guint16 v)
{
	guint8 b[2] = {(guint8)v, (guint8)(v >> 8)};
	g_byte_array_append(out, b, sizeof(b));
}

void
wb_put_u32_be(GByteArray *out, guint32 v)
{
	guint8 b[4] = {(guint8)(v >> 24), (guint8)(v >> 16), (guint8)(v >> 8), (guint8)v};
	g_byte_array_append(out, b, sizeof(b));
}

void
wb_put_u32_le(GByteArray *out, guint32 v)
{
	guint8 b[4] = {(guint8)v, (guint8)(v >> 8), (guint8)(v >> 16), (guint8)(v >> 24)};
	g_byte_array_append(out, b, sizeof(b));
}

void
wb_put_u64_le(GByteArray *out, guint64 v)
{
	wb_put_u32_le(out, (guint32)v);
	wb_put_u32_le(out, (guint32)(v >> 32));
}

void
wb_put_bytes(GByteArray *out, const void *buf, gsize len)
{
	if (len > 0)
		g_byte_array_append(out, buf, (guint)len);
}

void
wb_put_zeros(GByteArray *out, gsize len)
{
	gsize old = out->len;
	g_byte_array_set_size(out, (guint)(old + len));
	memset(out->data + old, 0, len);
}

/**
 * wb_utf8_truncate_len:
 * @s: valid UTF-8
 * @max_bytes: the most bytes allowed
 *
 * Returns: the length of the longest prefix of @s that fits in @max_bytes without splitting
 * a character
 */
gsize
wb_utf8_truncate_len(const gchar *s, gsize max_bytes)
{
	gsize len = strlen(s);

	if (len <= max_bytes)
		return len;
	len = max_bytes;
	/* step back over continuation bytes to the start of the cut character */
	while (len > 0 && ((guchar)s[len] & 0xC0) == 0x80)
		len--;
	return len;
}

/**
 * wb_put_fixed_string:
 * @out: the buffer
 * @s: (nullable): valid UTF-8 text
 * @field_len: the field's size
 *
 * Writes @s into a NUL-padded field of exactly @field_len bytes, cut on a character boundary
 * if it is longer. The field is not necessarily NUL-terminated when @s fills it.
 */
void
wb_put_fixed_string(GByteArray *out, const gchar *s, gsize field_len)
{
	gsize n = s != NULL ? wb_utf8_truncate_len(s, field_len) : 0;
	wb_put_bytes(out, s, n);
	wb_put_zeros(out, field_len - n);
}

/**
 * wb_put_pascal_string:
 * @out: the buffer
 * @s: (nullable): valid UTF-8 text; %NULL is written as empty
 * @what: the field, for the message
 * @error: return location for a #GError
 *
 * Writes a length byte and the text.
 *
 * Returns: %TRUE, or %FALSE with %WB_PROTO_ERROR_TOO_LONG if @s is longer than 255 bytes
 */
gboolean
wb_put_pascal_string(GByteArray *out, const gchar *s, const gchar *what, GError **error)
{
	gsize n = s != NULL ? strlen(s) : 0;

	if (n > G_MAXUINT8) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "%s: %" G_GSIZE_FORMAT " bytes, the most is 255", what, n);
		return FALSE;
	}
	wb_put_u8(out, (guint8)n);
	wb_put_bytes(out, s, n);
	return TRUE;
}

void
wb_set_u16_le(GByteArray *out, gsize offset, guint16 v)
{
	g_return_if_fail(offset + 2 <= out->len);
	out->data[offset] = (guint8)v;
	out->data[offset + 1] = (guint8)(v >> 8);
}

void
wb_set_u16_be(GByteArray *out, gsize offset, guint16 v)
{
	g_return_if_fail(offset + 2 <= out->len);
	out->data[offset] = (guint8)(v >> 8);
	out->data[offset + 1] = (guint8)v;
}

/* ---------------------------------------------------------------- WbByteQueue */

void
wb_byte_queue_init(WbByteQueue *q)
{
	q->buf = g_byte_array_new();
	q->off = 0;
}

void
wb_byte_queue_clear(WbByteQueue *q)
{
	g_clear_pointer(&q->buf, g_byte_array_unref);
	q->off = 0;
}

/**
 * wb_byte_queue_reset:
 * @q: the queue
 *
 * Forgets every unconsumed byte.
 */
void
wb_byte_queue_reset(WbByteQueue *q)
{
	g_byte_array_set_size(q->buf, 0);
	q->off = 0;
}

/**
 * wb_byte_queue_push:
 * @q: the queue
 * @data: (array length=len): received bytes
 * @len: their number
 *
 * Appends bytes. Pointers from an earlier wb_byte_queue_peek() become invalid.
 */
void
wb_byte_queue_push(WbByteQueue *q, const guint8 *data, gsize len)
{
	if (q->off == q->buf->len) {
		g_byte_array_set_size(q->buf, 0);
		q->off = 0;
	} else if (q->off >= 4096 || q->off * 2 >= q->buf->len) {
		g_byte_array_remove_range(q->buf, 0, (guint)q->off);
		q->off = 0;
	}
	wb_put_bytes(q->buf, data, len);
}

/**
 * wb_byte_queue_peek:
 * @q: the queue
 * @out_len: (out): how many bytes are there
 *
 * Returns: (transfer none) (nullable): the unconsumed bytes, or %NULL when there are none
 */
const guint8 *
wb_byte_queue_peek(const WbByteQueue *q, gsize *out_len)
{
	*out_len = q->buf->len - q->off;
	return *out_len > 0 ? q->buf->data + q->off : NULL;
}

/**
 * wb_byte_queue_consume:
 * @q: the queue
 * @n: how many bytes, at most wb_byte_queue_length()
 *
 * Marks bytes as used.
 */
void
wb_byte_queue_consume(WbByteQueue *q, gsize n)
{
	g_return_if_fail(n <= q->buf->len - q->off);
	q->off += n;
}

gsize
wb_byte_queue_length(const WbByteQueue *q)
{
	return q->buf->len - q->off;
}
