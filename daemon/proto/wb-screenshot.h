/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/* Screenshot, endpoint 8000 (0x1F40): the header is big-endian (reference §9). */
#define WB_SCREENSHOT_REQUEST    0x00
#define WB_SCREENSHOT_HEADER_LEN 13
/* Our bound on either side of an image. Pebble screens are at most 200x228 (emery); the
 * bound keeps a corrupt header from making us allocate gigabytes. */
#define WB_SCREENSHOT_MAX_DIMENSION 1024

/**
 * WbScreenshotResponseCode:
 * @WB_SCREENSHOT_OK: a screenshot follows
 * @WB_SCREENSHOT_MALFORMED_COMMAND: the request was not `00`
 * @WB_SCREENSHOT_OUT_OF_MEMORY: the watch ran out of memory
 * @WB_SCREENSHOT_ALREADY_IN_PROGRESS: another screenshot is being sent
 *
 * The first byte of the screenshot header (reference §9).
 */
typedef enum {
	WB_SCREENSHOT_OK = 0,
	WB_SCREENSHOT_MALFORMED_COMMAND = 1,
	WB_SCREENSHOT_OUT_OF_MEMORY = 2,
	WB_SCREENSHOT_ALREADY_IN_PROGRESS = 3,
} WbScreenshotResponseCode;

/**
 * WbScreenshotVersion:
 * @WB_SCREENSHOT_VERSION_1BPP: 1 bit per pixel, LSB first, 1 = white (aplite, diorite, flint)
 * @WB_SCREENSHOT_VERSION_8BPP: 8 bits per pixel, GColor8 `0bAARRGGBB` (basalt, chalk, emery…)
 *
 * The pixel format named by the header's version field (reference §9).
 */
typedef enum {
	WB_SCREENSHOT_VERSION_1BPP = 1,
	WB_SCREENSHOT_VERSION_8BPP = 2,
} WbScreenshotVersion;

/**
 * WbScreenshotHeader:
 * @response_code: OK, or why the watch refused
 * @version: the pixel format (a #WbScreenshotVersion when @response_code is OK; error
 *   headers carry 1)
 * @width: pixels (0 in error headers)
 * @height: pixels (0 in error headers)
 *
 * The 13-byte header at the start of the watch's first screenshot frame. Width, height and
 * version are validated only when @response_code is %WB_SCREENSHOT_OK: 1..1024 each, version
 * 1 or 2, and for 1 bpp a width that is a multiple of 8 (rows are whole bytes).
 */
typedef struct {
	WbScreenshotResponseCode response_code;
	guint32 version;
	guint32 width;
	guint32 height;
} WbScreenshotHeader;

gboolean wb_screenshot_request_decode(const guint8 *buf, gsize len, GError **error);
gboolean wb_screenshot_request_encode(GByteArray *out, GError **error);
gboolean wb_screenshot_header_decode(const guint8 *buf, gsize len, WbScreenshotHeader *out,
				     GError **error);
gboolean wb_screenshot_header_encode(const WbScreenshotHeader *msg, GByteArray *out,
				     GError **error);
gsize wb_screenshot_header_image_size(const WbScreenshotHeader *msg);
GBytes *wb_screenshot_to_rgba(const WbScreenshotHeader *header, const guint8 *pixels, gsize len,
			      GError **error);

/**
 * WbScreenshotAssemblerState:
 * @WB_SCREENSHOT_ASSEMBLER_WAITING: no payload fed yet; the next one starts with the header
 * @WB_SCREENSHOT_ASSEMBLER_RECEIVING: header seen, pixels still missing
 * @WB_SCREENSHOT_ASSEMBLER_COMPLETE: every pixel byte arrived
 * @WB_SCREENSHOT_ASSEMBLER_REFUSED: the watch answered with an error response code (see
 *   wb_screenshot_assembler_get_response_code()); no pixels follow
 * @WB_SCREENSHOT_ASSEMBLER_FAILED: a payload was malformed; the assembler takes no more
 *
 * Where a #WbScreenshotAssembler is.
 */
typedef enum {
	WB_SCREENSHOT_ASSEMBLER_WAITING,
	WB_SCREENSHOT_ASSEMBLER_RECEIVING,
	WB_SCREENSHOT_ASSEMBLER_COMPLETE,
	WB_SCREENSHOT_ASSEMBLER_REFUSED,
	WB_SCREENSHOT_ASSEMBLER_FAILED,
} WbScreenshotAssemblerState;

typedef struct _WbScreenshotAssembler WbScreenshotAssembler;

WbScreenshotAssembler *wb_screenshot_assembler_new(void);
void wb_screenshot_assembler_free(WbScreenshotAssembler *self);
gboolean wb_screenshot_assembler_feed(WbScreenshotAssembler *self, const guint8 *buf, gsize len,
				      GError **error);
WbScreenshotAssemblerState wb_screenshot_assembler_get_state(const WbScreenshotAssembler *self);
gboolean wb_screenshot_assembler_is_complete(const WbScreenshotAssembler *self);
WbScreenshotResponseCode
wb_screenshot_assembler_get_response_code(const WbScreenshotAssembler *self);
const WbScreenshotHeader *wb_screenshot_assembler_get_header(const WbScreenshotAssembler *self);
gsize wb_screenshot_assembler_get_received(const WbScreenshotAssembler *self);
gsize wb_screenshot_assembler_get_expected(const WbScreenshotAssembler *self);
GBytes *wb_screenshot_assembler_get_pixels(const WbScreenshotAssembler *self, GError **error);
GBytes *wb_screenshot_assembler_to_rgba(const WbScreenshotAssembler *self, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbScreenshotAssembler, wb_screenshot_assembler_free)

G_END_DECLS
