/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-screenshot.h"

#include <string.h>

/**
 * wb_screenshot_request_decode:
 * @buf: (array length=len): the payload
 * @len: its length
 * @error: return location for a #GError
 *
 * Checks a screenshot request: the single byte `00`. The firmware reads only the first
 * byte, so later bytes are ignored; any other first byte is %WB_PROTO_ERROR_UNKNOWN_TYPE
 * (the watch answers it with %WB_SCREENSHOT_MALFORMED_COMMAND).
 *
 * Returns: %TRUE if @buf is a screenshot request
 */
gboolean
wb_screenshot_request_decode(const guint8 *buf, gsize len, GError **error)
{
	WbReader r;
	guint8 command;

	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "Screenshot request", error))
		return FALSE;
	if (command != WB_SCREENSHOT_REQUEST) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "Screenshot request: unknown command '0x%02x'", command);
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_screenshot_request_encode:
 * @out: the buffer to append the payload to
 * @error: return location for a #GError
 *
 * Appends a screenshot request (`00`).
 *
 * Returns: %TRUE
 */
gboolean
wb_screenshot_request_encode(GByteArray *out, GError **error)
{
	wb_put_u8(out, WB_SCREENSHOT_REQUEST);
	return TRUE;
}

static guint
version_bpp(guint32 version)
{
	switch (version) {
	case WB_SCREENSHOT_VERSION_1BPP:
		return 1;
	case WB_SCREENSHOT_VERSION_8BPP:
		return 8;
	default:
		return 0;
	}
}

/* Validates what a header says. Error headers (not OK) carry placeholders we don't check. */
static gboolean
header_validate(const WbScreenshotHeader *msg, GError **error)
{
	switch (msg->response_code) {
	case WB_SCREENSHOT_OK:
		break;
	case WB_SCREENSHOT_MALFORMED_COMMAND:
	case WB_SCREENSHOT_OUT_OF_MEMORY:
	case WB_SCREENSHOT_ALREADY_IN_PROGRESS:
		return TRUE;
	default:
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "Screenshot header: response code '%u' is not 0..3",
			    (guint)msg->response_code);
		return FALSE;
	}
	if (version_bpp(msg->version) == 0) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "Screenshot header: version '%u' is neither 1 nor 2", msg->version);
		return FALSE;
	}
	/* §9: bound the size before anyone allocates for it */
	if (msg->width == 0 || msg->width > WB_SCREENSHOT_MAX_DIMENSION || msg->height == 0 ||
	    msg->height > WB_SCREENSHOT_MAX_DIMENSION) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "Screenshot header: size '%ux%u' is outside 1..%u", msg->width,
			    msg->height, (guint)WB_SCREENSHOT_MAX_DIMENSION);
		return FALSE;
	}
	/* §9: 1 bpp rows are width/8 whole bytes (the firmware's are 18 for 144 px) */
	if (msg->version == WB_SCREENSHOT_VERSION_1BPP && msg->width % 8 != 0) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "Screenshot header: 1 bpp width '%u' is not a multiple of 8",
			    msg->width);
		return FALSE;
	}
	return TRUE;
}

/**
 * wb_screenshot_header_decode:
 * @buf: (array length=len): the first screenshot payload
 * @len: its length
 * @out: (out caller-allocates): the header; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes the 13-byte header at the start of the watch's first screenshot payload. The
 * bytes after it are the first pixels, so they are not an error here. An OK header must
 * describe a plausible image (see #WbScreenshotHeader); otherwise %WB_PROTO_ERROR_BAD_VALUE.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_screenshot_header_decode(const guint8 *buf, gsize len, WbScreenshotHeader *out, GError **error)
{
	WbReader r;
	WbScreenshotHeader h;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	h.response_code = (WbScreenshotResponseCode)wb_reader_u8(&r);
	h.version = wb_reader_u32_be(&r);
	h.width = wb_reader_u32_be(&r);
	h.height = wb_reader_u32_be(&r);
	if (!wb_reader_check(&r, "Screenshot header", error))
		return FALSE;
	if (!header_validate(&h, error))
		return FALSE;
	*out = h;
	return TRUE;
}

/**
 * wb_screenshot_header_encode:
 * @msg: the header
 * @out: the buffer to append the 13 bytes to
 * @error: return location for a #GError
 *
 * Encodes a screenshot header (the simulated watch sends it, then the pixels).
 *
 * Returns: %TRUE on success; on failure (a header that would not decode) @out is unchanged
 */
gboolean
wb_screenshot_header_encode(const WbScreenshotHeader *msg, GByteArray *out, GError **error)
{
	if (!header_validate(msg, error))
		return FALSE;
	wb_put_u8(out, (guint8)msg->response_code);
	wb_put_u32_be(out, msg->version);
	wb_put_u32_be(out, msg->width);
	wb_put_u32_be(out, msg->height);
	return TRUE;
}

/**
 * wb_screenshot_header_image_size:
 * @msg: a header that decoded
 *
 * Returns: how many pixel bytes follow the header: width × height × bpp / 8; 0 for an error
 *   header or one that does not validate
 */
gsize
wb_screenshot_header_image_size(const WbScreenshotHeader *msg)
{
	if (msg->response_code != WB_SCREENSHOT_OK || !header_validate(msg, NULL))
		return 0;
	/* at most 1024 × 1024 × 8 bits: no overflow */
	return (gsize)msg->width * msg->height * version_bpp(msg->version) / 8;
}

/**
 * wb_screenshot_to_rgba:
 * @header: an OK header
 * @pixels: (array length=len): exactly wb_screenshot_header_image_size() bytes
 * @len: their length
 * @error: return location for a #GError
 *
 * Converts a screenshot to RGBA8888, rows top to bottom, 4 bytes per pixel. 1 bpp: pixel x of
 * a row is bit x % 8 of byte x / 8 (LSB first), 1 = white, always opaque. 8 bpp: GColor8
 * `0bAARRGGBB`, each 2-bit channel (alpha too) scaled by 85, so GColorClear (the corners of a
 * chalk screenshot) becomes fully transparent.
 *
 * Returns: (transfer full): the RGBA pixels, or %NULL with @error set
 */
GBytes *
wb_screenshot_to_rgba(const WbScreenshotHeader *header, const guint8 *pixels, gsize len,
		      GError **error)
{
	gsize want;
	gsize n_pixels;
	guint8 *rgba;

	if (header->response_code != WB_SCREENSHOT_OK) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE,
			    "Screenshot: the watch refused (response code %u)",
			    (guint)header->response_code);
		return NULL;
	}
	if (!header_validate(header, error))
		return NULL;
	want = wb_screenshot_header_image_size(header);
	if (len != want) {
		g_set_error(error, WB_PROTO_ERROR,
			    len < want ? WB_PROTO_ERROR_TRUNCATED : WB_PROTO_ERROR_TRAILING_DATA,
			    "Screenshot: %" G_GSIZE_FORMAT
			    " pixel bytes, expected %" G_GSIZE_FORMAT,
			    len, want);
		return NULL;
	}

	n_pixels = (gsize)header->width * header->height;
	rgba = g_malloc(n_pixels * 4);
	if (header->version == WB_SCREENSHOT_VERSION_1BPP) {
		gsize stride = header->width / 8;

		for (gsize y = 0; y < header->height; y++) {
			for (gsize x = 0; x < header->width; x++) {
				guint8 byte = pixels[y * stride + x / 8];
				guint8 v = ((byte >> (x % 8)) & 1) ? 0xFF : 0x00;
				guint8 *p = rgba + (y * header->width + x) * 4;

				p[0] = v;
				p[1] = v;
				p[2] = v;
				p[3] = 0xFF;
			}
		}
	} else {
		for (gsize i = 0; i < n_pixels; i++) {
			guint8 c = pixels[i];
			guint8 *p = rgba + i * 4;

			p[0] = (guint8)(((c >> 4) & 3) * 85);
			p[1] = (guint8)(((c >> 2) & 3) * 85);
			p[2] = (guint8)((c & 3) * 85);
			p[3] = (guint8)(((c >> 6) & 3) * 85);
		}
	}
	return g_bytes_new_take(rgba, n_pixels * 4);
}

/**
 * WbScreenshotAssembler:
 *
 * Collects the screenshot endpoint's payloads into one image: the first payload starts with
 * the header, the following ones carry only pixels, until width × height × bpp / 8 bytes have
 * arrived (reference §9). Pure: no I/O, no clock; the session feeds it and decides timeouts.
 */
struct _WbScreenshotAssembler {
	WbScreenshotAssemblerState state;
	WbScreenshotHeader header;
	GByteArray *pixels;
	gsize expected;
};

/**
 * wb_screenshot_assembler_new:
 *
 * Returns: (transfer full): an assembler waiting for the header
 */
WbScreenshotAssembler *
wb_screenshot_assembler_new(void)
{
	return g_new0(WbScreenshotAssembler, 1);
}

/**
 * wb_screenshot_assembler_free:
 * @self: (nullable): an assembler
 *
 * Frees @self and what it collected.
 */
void
wb_screenshot_assembler_free(WbScreenshotAssembler *self)
{
	if (self == NULL)
		return;
	if (self->pixels != NULL)
		g_byte_array_unref(self->pixels);
	g_free(self);
}

static gboolean
assembler_fail(WbScreenshotAssembler *self)
{
	self->state = WB_SCREENSHOT_ASSEMBLER_FAILED;
	g_clear_pointer(&self->pixels, g_byte_array_unref);
	return FALSE;
}

static gboolean
assembler_append(WbScreenshotAssembler *self, const guint8 *buf, gsize len, GError **error)
{
	if (len > self->expected - self->pixels->len) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA,
			    "Screenshot: %" G_GSIZE_FORMAT " bytes more than the %" G_GSIZE_FORMAT
			    " the header announced",
			    len - (self->expected - self->pixels->len), self->expected);
		return assembler_fail(self);
	}
	if (len > 0)
		g_byte_array_append(self->pixels, buf, (guint)len);
	if (self->pixels->len == self->expected)
		self->state = WB_SCREENSHOT_ASSEMBLER_COMPLETE;
	return TRUE;
}

/**
 * wb_screenshot_assembler_feed:
 * @self: an assembler
 * @buf: (array length=len): one screenshot endpoint payload
 * @len: its length
 * @error: return location for a #GError
 *
 * Takes the next payload. The first one is parsed as header plus pixels: a header that does
 * not validate fails with %WB_PROTO_ERROR_BAD_VALUE before anything is allocated. A well-formed
 * error header (the watch refused: out of memory, already in progress…) is not an error of
 * this function: it returns %TRUE and the state becomes %WB_SCREENSHOT_ASSEMBLER_REFUSED, with
 * the code in wb_screenshot_assembler_get_response_code(). More pixel bytes than announced
 * fail with %WB_PROTO_ERROR_TRAILING_DATA; feeding a finished assembler fails with
 * %WB_PROTO_ERROR_BAD_STATE. After any failure the state is %WB_SCREENSHOT_ASSEMBLER_FAILED.
 *
 * Returns: %TRUE if the payload was consumed
 */
gboolean
wb_screenshot_assembler_feed(WbScreenshotAssembler *self, const guint8 *buf, gsize len,
			     GError **error)
{
	switch (self->state) {
	case WB_SCREENSHOT_ASSEMBLER_WAITING:
		if (!wb_screenshot_header_decode(buf, len, &self->header, error))
			return assembler_fail(self);
		if (self->header.response_code != WB_SCREENSHOT_OK) {
			/* the firmware sends an error header alone */
			if (len > WB_SCREENSHOT_HEADER_LEN) {
				g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRAILING_DATA,
					    "Screenshot: %" G_GSIZE_FORMAT
					    " bytes after an error header",
					    len - WB_SCREENSHOT_HEADER_LEN);
				return assembler_fail(self);
			}
			self->state = WB_SCREENSHOT_ASSEMBLER_REFUSED;
			return TRUE;
		}
		self->expected = wb_screenshot_header_image_size(&self->header);
		self->pixels = g_byte_array_sized_new((guint)self->expected);
		self->state = WB_SCREENSHOT_ASSEMBLER_RECEIVING;
		return assembler_append(self, buf + WB_SCREENSHOT_HEADER_LEN,
					len - WB_SCREENSHOT_HEADER_LEN, error);
	case WB_SCREENSHOT_ASSEMBLER_RECEIVING:
		return assembler_append(self, buf, len, error);
	case WB_SCREENSHOT_ASSEMBLER_COMPLETE:
	case WB_SCREENSHOT_ASSEMBLER_REFUSED:
	case WB_SCREENSHOT_ASSEMBLER_FAILED:
		break;
	}
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE,
		    "Screenshot: %" G_GSIZE_FORMAT " bytes after the screenshot ended", len);
	return assembler_fail(self);
}

/**
 * wb_screenshot_assembler_get_state:
 * @self: an assembler
 *
 * Returns: where @self is
 */
WbScreenshotAssemblerState
wb_screenshot_assembler_get_state(const WbScreenshotAssembler *self)
{
	return self->state;
}

/**
 * wb_screenshot_assembler_is_complete:
 * @self: an assembler
 *
 * Returns: %TRUE once every pixel byte arrived
 */
gboolean
wb_screenshot_assembler_is_complete(const WbScreenshotAssembler *self)
{
	return self->state == WB_SCREENSHOT_ASSEMBLER_COMPLETE;
}

/**
 * wb_screenshot_assembler_get_response_code:
 * @self: an assembler
 *
 * Returns: the header's response code; %WB_SCREENSHOT_OK before the header arrived
 */
WbScreenshotResponseCode
wb_screenshot_assembler_get_response_code(const WbScreenshotAssembler *self)
{
	return self->header.response_code;
}

/**
 * wb_screenshot_assembler_get_header:
 * @self: an assembler
 *
 * Returns: (transfer none) (nullable): the header once it arrived, else %NULL
 */
const WbScreenshotHeader *
wb_screenshot_assembler_get_header(const WbScreenshotAssembler *self)
{
	switch (self->state) {
	case WB_SCREENSHOT_ASSEMBLER_RECEIVING:
	case WB_SCREENSHOT_ASSEMBLER_COMPLETE:
	case WB_SCREENSHOT_ASSEMBLER_REFUSED:
		return &self->header;
	case WB_SCREENSHOT_ASSEMBLER_WAITING:
	case WB_SCREENSHOT_ASSEMBLER_FAILED:
		break;
	}
	return NULL;
}

/**
 * wb_screenshot_assembler_get_received:
 * @self: an assembler
 *
 * Returns: pixel bytes received so far (for progress)
 */
gsize
wb_screenshot_assembler_get_received(const WbScreenshotAssembler *self)
{
	return self->pixels != NULL ? self->pixels->len : 0;
}

/**
 * wb_screenshot_assembler_get_expected:
 * @self: an assembler
 *
 * Returns: pixel bytes the header announced; 0 before it (or after a refusal)
 */
gsize
wb_screenshot_assembler_get_expected(const WbScreenshotAssembler *self)
{
	return self->expected;
}

/**
 * wb_screenshot_assembler_get_pixels:
 * @self: a complete assembler
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the raw pixel bytes in the header's format, or %NULL
 *   with %WB_PROTO_ERROR_BAD_STATE if the image is not complete
 */
GBytes *
wb_screenshot_assembler_get_pixels(const WbScreenshotAssembler *self, GError **error)
{
	if (self->state != WB_SCREENSHOT_ASSEMBLER_COMPLETE) {
		g_set_error_literal(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE,
				    "Screenshot: not complete");
		return NULL;
	}
	return g_bytes_new(self->pixels->data, self->pixels->len);
}

/**
 * wb_screenshot_assembler_to_rgba:
 * @self: a complete assembler
 * @error: return location for a #GError
 *
 * Converts the collected image with wb_screenshot_to_rgba().
 *
 * Returns: (transfer full) (nullable): width × height × 4 bytes of RGBA, or %NULL with
 *   %WB_PROTO_ERROR_BAD_STATE if the image is not complete
 */
GBytes *
wb_screenshot_assembler_to_rgba(const WbScreenshotAssembler *self, GError **error)
{
	if (self->state != WB_SCREENSHOT_ASSEMBLER_COMPLETE) {
		g_set_error_literal(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_STATE,
				    "Screenshot: not complete");
		return NULL;
	}
	return wb_screenshot_to_rgba(&self->header, self->pixels->data, self->pixels->len, error);
}
