/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Fuzz target for the maintenance codecs: PutBytes, AppRunState/AppFetch/AppMetadata,
 * screenshots (including the assembler), AppLogs/LogDump and SystemMessage. The first byte
 * picks the decoder (see enum below); the rest is its input. Every successful decode is
 * re-encoded, decoded again and re-encoded, and the two encodings must be identical.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "wb-apps.h"
#include "wb-logs.h"
#include "wb-putbytes.h"
#include "wb-screenshot.h"
#include "wb-sysmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	SEL_PUT_BYTES,
	SEL_PUT_BYTES_RESPONSE,
	SEL_APP_RUN_STATE,
	SEL_APP_FETCH_REQUEST,
	SEL_APP_FETCH_RESPONSE,
	SEL_APP_METADATA,
	SEL_SCREENSHOT_REQUEST,
	SEL_SCREENSHOT_HEADER,
	SEL_SCREENSHOT_ASSEMBLER,
	SEL_APP_LOGS_CONTROL,
	SEL_APP_LOG_MESSAGE,
	SEL_LOG_DUMP,
	SEL_SYSTEM_MESSAGE,
	N_SELECTORS,
};

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* a failed decode must report a proto error */
static void
check_failure(const GError *error)
{
	CHECK(error != NULL);
	CHECK(error->domain == WB_PROTO_ERROR);
}

static gboolean
has_replacement(const gchar *s)
{
	return s != NULL && strstr(s, "\xEF\xBF\xBD") != NULL;
}

/* Re-encoding may only fail if a decoded string grew past its field because invalid UTF-8
 * was replaced by U+FFFD. */
static void
encode_failure_is_ok(const GError *error, gboolean grew)
{
	CHECK(error != NULL);
	CHECK(error->domain == WB_PROTO_ERROR);
	CHECK(error->code == WB_PROTO_ERROR_TOO_LONG && grew);
}

static void
check_same(const GByteArray *a, const GByteArray *b)
{
	CHECK(a->len == b->len);
	CHECK(fuzz_same_bytes(a->data, b->data, a->len));
}

static gboolean
is_zero(const void *p, gsize n)
{
	const guint8 *b = p;
	for (gsize i = 0; i < n; i++) {
		if (b[i] != 0)
			return FALSE;
	}
	return TRUE;
}

static void
fuzz_put_bytes(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();
	g_auto(WbPutBytesMessage) a = {0};
	g_auto(WbPutBytesMessage) b = {0};

	if (!wb_put_bytes_message_decode(buf, len, &a, &error)) {
		check_failure(error);
		CHECK(is_zero(&a, sizeof(a)));
		return;
	}
	CHECK(error == NULL);
	if (a.command == WB_PUT_BYTES_PUT)
		CHECK(g_bytes_get_size(a.data) <= WB_PUT_BYTES_MAX_CHUNK);
	if (!wb_put_bytes_message_encode(&a, e1, &error)) {
		encode_failure_is_ok(error, has_replacement(a.filename));
		CHECK(e1->len == 0);
		return;
	}
	CHECK(wb_put_bytes_message_decode(e1->data, e1->len, &b, NULL));
	CHECK(b.command == a.command && b.object_type == a.object_type &&
	      b.has_resume == a.has_resume && b.append_offset == a.append_offset);
	CHECK(wb_put_bytes_message_encode(&b, e2, NULL));
	check_same(e1, e2);
}

static void
fuzz_put_bytes_response(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	WbPutBytesResponse a, b;

	if (!wb_put_bytes_response_decode(buf, len, &a, &error)) {
		check_failure(error);
		return;
	}
	CHECK(wb_put_bytes_response_encode(&a, e1, NULL));
	/* strict: the encoding is the input */
	CHECK(e1->len == len && fuzz_same_bytes(e1->data, buf, len));
	CHECK(wb_put_bytes_response_decode(e1->data, e1->len, &b, NULL));
	CHECK(a.result == b.result && a.token == b.token);
}

static void
fuzz_app_run_state(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();
	WbAppRunState a, b;

	if (!wb_app_run_state_decode(buf, len, &a, &error)) {
		check_failure(error);
		return;
	}
	CHECK(wb_app_run_state_encode(&a, e1, NULL));
	CHECK(wb_app_run_state_decode(e1->data, e1->len, &b, NULL));
	CHECK(a.command == b.command && a.has_uuid == b.has_uuid &&
	      wb_uuid_equal(&a.uuid, &b.uuid));
	CHECK(wb_app_run_state_encode(&b, e2, NULL));
	check_same(e1, e2);
}

static void
fuzz_app_fetch_request(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	WbAppFetchRequest a, b;

	if (!wb_app_fetch_request_decode(buf, len, &a, &error)) {
		check_failure(error);
		return;
	}
	CHECK(wb_app_fetch_request_encode(&a, e1, NULL));
	CHECK(e1->len == len && fuzz_same_bytes(e1->data, buf, len));
	CHECK(wb_app_fetch_request_decode(e1->data, e1->len, &b, NULL));
	CHECK(a.install_id == b.install_id && wb_uuid_equal(&a.uuid, &b.uuid));
}

static void
fuzz_app_fetch_response(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	WbAppFetchStatus a, b;

	if (!wb_app_fetch_response_decode(buf, len, &a, &error)) {
		check_failure(error);
		return;
	}
	CHECK(wb_app_fetch_response_encode(a, e1, NULL));
	CHECK(e1->len == 2 && fuzz_same_bytes(e1->data, buf, 2));
	CHECK(wb_app_fetch_response_decode(e1->data, e1->len, &b, NULL));
	CHECK(a == b);
}

static void
fuzz_app_metadata(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();
	g_auto(WbAppMetadata) a = {0};
	g_auto(WbAppMetadata) b = {0};

	if (!wb_app_metadata_decode(buf, len, &a, &error)) {
		check_failure(error);
		CHECK(a.name == NULL);
		return;
	}
	if (!wb_app_metadata_encode(&a, e1, &error)) {
		encode_failure_is_ok(error, has_replacement(a.name));
		CHECK(e1->len == 0);
		return;
	}
	CHECK(e1->len == WB_APP_METADATA_LEN);
	CHECK(wb_app_metadata_decode(e1->data, e1->len, &b, NULL));
	CHECK(a.flags == b.flags && g_strcmp0(a.name, b.name) == 0);
	CHECK(wb_app_metadata_encode(&b, e2, NULL));
	check_same(e1, e2);
}

static void
fuzz_screenshot_request(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();

	if (!wb_screenshot_request_decode(buf, len, &error)) {
		check_failure(error);
		return;
	}
	CHECK(wb_screenshot_request_encode(e1, NULL));
	CHECK(wb_screenshot_request_decode(e1->data, e1->len, NULL));
}

static void
fuzz_screenshot_header(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	WbScreenshotHeader a, b;
	gsize size;

	if (!wb_screenshot_header_decode(buf, len, &a, &error)) {
		check_failure(error);
		return;
	}
	CHECK(wb_screenshot_header_encode(&a, e1, NULL));
	CHECK(e1->len == WB_SCREENSHOT_HEADER_LEN && fuzz_same_bytes(e1->data, buf, e1->len));
	CHECK(wb_screenshot_header_decode(e1->data, e1->len, &b, NULL));
	CHECK(fuzz_same_bytes(&a, &b, sizeof(a)));
	size = wb_screenshot_header_image_size(&a);
	CHECK(size <= (gsize)WB_SCREENSHOT_MAX_DIMENSION * WB_SCREENSHOT_MAX_DIMENSION);
	CHECK((a.response_code == WB_SCREENSHOT_OK) == (size > 0));
}

/* buf[0] picks the chunk size, the rest is the stream: the first payload is the 13-byte
 * header plus one chunk, then one chunk per payload. */
static void
fuzz_screenshot_assembler(const guint8 *buf, gsize len)
{
	g_autoptr(WbScreenshotAssembler) a = wb_screenshot_assembler_new();
	g_autoptr(WbScreenshotAssembler) b = NULL;
	g_autoptr(GBytes) pixels = NULL;
	g_autoptr(GBytes) rgba = NULL;
	g_autoptr(GBytes) rgba2 = NULL;
	g_autoptr(GByteArray) stream = NULL;
	const WbScreenshotHeader *h;
	gsize chunk;
	gsize pos;

	if (len < 1)
		return;
	chunk = buf[0] == 0 ? G_MAXSIZE / 2 : buf[0];
	buf++;
	len--;

	pos = MIN(len, WB_SCREENSHOT_HEADER_LEN + chunk);
	for (gsize start = 0;; start = pos, pos = MIN(len, pos + chunk)) {
		g_autoptr(GError) error = NULL;
		WbScreenshotAssemblerState before = wb_screenshot_assembler_get_state(a);
		gsize received = wb_screenshot_assembler_get_received(a);

		if (!wb_screenshot_assembler_feed(a, buf + start, pos - start, &error)) {
			check_failure(error);
			CHECK(wb_screenshot_assembler_get_state(a) ==
			      WB_SCREENSHOT_ASSEMBLER_FAILED);
			CHECK(wb_screenshot_assembler_get_received(a) == 0);
			return;
		}
		CHECK(error == NULL);
		if (before == WB_SCREENSHOT_ASSEMBLER_RECEIVING)
			CHECK(wb_screenshot_assembler_get_received(a) == received + pos - start);
		CHECK(wb_screenshot_assembler_get_received(a) <=
		      wb_screenshot_assembler_get_expected(a));
		if (pos >= len)
			break;
	}

	h = wb_screenshot_assembler_get_header(a);
	switch (wb_screenshot_assembler_get_state(a)) {
	case WB_SCREENSHOT_ASSEMBLER_REFUSED:
		CHECK(h != NULL && h->response_code != WB_SCREENSHOT_OK);
		CHECK(wb_screenshot_assembler_get_response_code(a) == h->response_code);
		CHECK(wb_screenshot_assembler_to_rgba(a, NULL) == NULL);
		return;
	case WB_SCREENSHOT_ASSEMBLER_RECEIVING:
		CHECK(h != NULL);
		CHECK(wb_screenshot_assembler_get_pixels(a, NULL) == NULL);
		return;
	case WB_SCREENSHOT_ASSEMBLER_COMPLETE:
		break;
	case WB_SCREENSHOT_ASSEMBLER_WAITING:
	case WB_SCREENSHOT_ASSEMBLER_FAILED:
		abort();
	}

	/* complete: the pixels and RGBA have the announced sizes */
	CHECK(h != NULL);
	pixels = wb_screenshot_assembler_get_pixels(a, NULL);
	CHECK(pixels != NULL);
	CHECK(g_bytes_get_size(pixels) == wb_screenshot_header_image_size(h));
	CHECK(g_bytes_get_size(pixels) == wb_screenshot_assembler_get_expected(a));
	rgba = wb_screenshot_assembler_to_rgba(a, NULL);
	CHECK(rgba != NULL);
	CHECK(g_bytes_get_size(rgba) == (gsize)h->width * h->height * 4);

	/* round trip: re-encode header + pixels and assemble it in one payload */
	stream = g_byte_array_new();
	CHECK(wb_screenshot_header_encode(h, stream, NULL));
	g_byte_array_append(stream, g_bytes_get_data(pixels, NULL),
			    (guint)g_bytes_get_size(pixels));
	b = wb_screenshot_assembler_new();
	CHECK(wb_screenshot_assembler_feed(b, stream->data, stream->len, NULL));
	CHECK(wb_screenshot_assembler_is_complete(b));
	rgba2 = wb_screenshot_assembler_to_rgba(b, NULL);
	CHECK(rgba2 != NULL && g_bytes_equal(rgba, rgba2));
}

static void
fuzz_app_logs_control(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	gboolean a = FALSE, b = FALSE;

	if (!wb_app_logs_control_decode(buf, len, &a, &error)) {
		check_failure(error);
		return;
	}
	CHECK(wb_app_logs_control_encode(a, e1, NULL));
	CHECK(e1->len == 1 && e1->data[0] == buf[0]);
	CHECK(wb_app_logs_control_decode(e1->data, e1->len, &b, NULL));
	CHECK(a == b);
}

static gboolean
record_grew(const WbLogRecord *r)
{
	return has_replacement(r->filename) || has_replacement(r->message);
}

static void
fuzz_app_log_message(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();
	g_auto(WbAppLogMessage) a = {0};
	g_auto(WbAppLogMessage) b = {0};

	if (!wb_app_log_message_decode(buf, len, &a, &error)) {
		check_failure(error);
		CHECK(is_zero(&a, sizeof(a)));
		return;
	}
	if (!wb_app_log_message_encode(&a, e1, &error)) {
		encode_failure_is_ok(error, record_grew(&a.record));
		CHECK(e1->len == 0);
		return;
	}
	CHECK(wb_app_log_message_decode(e1->data, e1->len, &b, NULL));
	CHECK(a.record.timestamp == b.record.timestamp && a.record.line == b.record.line &&
	      g_strcmp0(a.record.message, b.record.message) == 0);
	CHECK(wb_app_log_message_encode(&b, e2, NULL));
	check_same(e1, e2);
}

static void
fuzz_log_dump(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();
	g_auto(WbLogDumpMessage) a = {0};
	g_auto(WbLogDumpMessage) b = {0};

	if (!wb_log_dump_message_decode(buf, len, &a, &error)) {
		check_failure(error);
		CHECK(is_zero(&a, sizeof(a)));
		return;
	}
	if (!wb_log_dump_message_encode(&a, e1, &error)) {
		encode_failure_is_ok(error, record_grew(&a.record));
		CHECK(e1->len == 0);
		return;
	}
	CHECK(wb_log_dump_message_decode(e1->data, e1->len, &b, NULL));
	CHECK(a.command == b.command && a.cookie == b.cookie && a.generation == b.generation);
	CHECK(wb_log_dump_message_encode(&b, e2, NULL));
	check_same(e1, e2);
}

static void
fuzz_system_message(const guint8 *buf, gsize len)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GByteArray) e1 = g_byte_array_new();
	g_autoptr(GByteArray) e2 = g_byte_array_new();
	WbSystemMessage a, b;

	if (!wb_system_message_decode(buf, len, &a, &error)) {
		check_failure(error);
		CHECK(is_zero(&a, sizeof(a)));
		return;
	}
	CHECK(wb_system_message_encode(&a, e1, NULL));
	/* the encoding is a prefix of the input, but for the reserved bytes we write as 0 */
	CHECK(e1->len <= len);
	if (a.type != WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE)
		CHECK(fuzz_same_bytes(e1->data, buf, e1->len));
	CHECK(wb_system_message_decode(e1->data, e1->len, &b, NULL));
	CHECK(fuzz_same_bytes(&a, &b, sizeof(a)));
	CHECK(wb_system_message_encode(&b, e2, NULL));
	check_same(e1, e2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const guint8 *buf;
	gsize len;

	if (size < 1)
		return 0;
	buf = data + 1;
	len = size - 1;

	switch (data[0] % N_SELECTORS) {
	case SEL_PUT_BYTES:
		fuzz_put_bytes(buf, len);
		break;
	case SEL_PUT_BYTES_RESPONSE:
		fuzz_put_bytes_response(buf, len);
		break;
	case SEL_APP_RUN_STATE:
		fuzz_app_run_state(buf, len);
		break;
	case SEL_APP_FETCH_REQUEST:
		fuzz_app_fetch_request(buf, len);
		break;
	case SEL_APP_FETCH_RESPONSE:
		fuzz_app_fetch_response(buf, len);
		break;
	case SEL_APP_METADATA:
		fuzz_app_metadata(buf, len);
		break;
	case SEL_SCREENSHOT_REQUEST:
		fuzz_screenshot_request(buf, len);
		break;
	case SEL_SCREENSHOT_HEADER:
		fuzz_screenshot_header(buf, len);
		break;
	case SEL_SCREENSHOT_ASSEMBLER:
		fuzz_screenshot_assembler(buf, len);
		break;
	case SEL_APP_LOGS_CONTROL:
		fuzz_app_logs_control(buf, len);
		break;
	case SEL_APP_LOG_MESSAGE:
		fuzz_app_log_message(buf, len);
		break;
	case SEL_LOG_DUMP:
		fuzz_log_dump(buf, len);
		break;
	case SEL_SYSTEM_MESSAGE:
		fuzz_system_message(buf, len);
		break;
	default:
		break;
	}
	return 0;
}
