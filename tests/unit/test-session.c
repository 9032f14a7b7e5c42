/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * WbSession over an in-memory link: the handshake both ways, the send queue, requests and
 * their timeouts, bad frames, and the link going down mid-request.
 */
#include <string.h>

#include "wb-error.h"
#include "wb-frame.h"
#include "wb-session.h"
#include "wb-test-link.h"
#include "wb-test-util.h"

static void
inject_hex(TestLink *link, const gchar *hex)
{
	g_autoptr(GByteArray) b = wb_test_hex(hex);
	g_autoptr(GBytes) bytes = g_bytes_new(b->data, b->len);
	wb_link_emit_received(WB_LINK(link), bytes);
}

/* Takes the next whole frame the session sent, or fails the test. */
static void
take_frame(TestLink *link, guint16 *endpoint, GByteArray *payload)
{
	WbFrame f;
	g_autoptr(GError) error = NULL;
	g_assert_cmpuint(link->sent->len, >=, WB_FRAME_HEADER_LEN);
	gsize len = WB_FRAME_HEADER_LEN + (((gsize)link->sent->data[0] << 8) | link->sent->data[1]);
	g_assert_true(wb_frame_parse(link->sent->data, len, &f, &error));
	*endpoint = f.endpoint;
	g_byte_array_set_size(payload, 0);
	wb_put_bytes(payload, f.payload, f.len);
	g_byte_array_remove_range(link->sent, 0, (guint)len);
}

typedef struct {
	TestLink *link;
	WbSession *session;
	guint opened;
	guint closed;
	GError *closed_error;
} Fixture;

static void
opened_cb(WbSession *s, gpointer data)
{
	((Fixture *)data)->opened++;
}

static void
closed_cb(WbSession *s, const GError *error, gpointer data)
{
	Fixture *f = data;
	f->closed++;
	g_clear_error(&f->closed_error);
	f->closed_error = error != NULL ? g_error_copy(error) : NULL;
}

static void
fixture_setup(Fixture *f, gconstpointer wait_ms)
{
	WbConfig config;
	wb_config_init_defaults(&config);
	config.first_frame_wait_ms = GPOINTER_TO_UINT(wait_ms);
	config.request_timeout_s = 1;
	f->link = test_link_new();
	f->session = wb_session_new(WB_LINK(f->link), &config, "test");
	/* the session keeps its own copy */
	wb_config_clear(&config);
	g_signal_connect(f->session, "opened", G_CALLBACK(opened_cb), f);
	g_signal_connect(f->session, "closed", G_CALLBACK(closed_cb), f);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	g_clear_object(&f->session);
	g_clear_object(&f->link);
	g_clear_error(&f->closed_error);
}

static void
iterate_until(gboolean *flag_or_null, guint *counter, guint want)
{
	gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (g_get_monotonic_time() < deadline) {
		if (counter != NULL && *counter >= want)
			return;
		if (flag_or_null != NULL && *flag_or_null)
			return;
		g_main_context_iteration(NULL, TRUE);
	}
	g_assert_not_reached();
}

/* The watch speaks first: we answer its version request, then ask for its version at once. */
static void
test_handshake_watch_first(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	guint16 ep;

	wb_session_start(f->session);
	g_assert_cmpuint(f->link->sent->len, ==, 0);
	inject_hex(f->link, "0001 0011 00");
	take_frame(f->link, &ep, p);
	g_assert_cmpuint(ep, ==, WB_ENDPOINT_PHONE_APP_VERSION);
	g_assert_cmpuint(p->len, ==, 25);
	g_assert_cmpuint(p->data[0], ==, 0x01);
	/* the version request follows without waiting the full 10 s */
	while (f->link->sent->len == 0)
		g_main_context_iteration(NULL, TRUE);
	take_frame(f->link, &ep, p);
	g_assert_cmpuint(ep, ==, WB_ENDPOINT_WATCH_VERSION);
	wb_assert_hex(p->data, p->len, "00");
	g_assert_cmpuint(wb_session_get_state(f->session), ==, WB_SESSION_STATE_HANDSHAKING);
	/* split the answer in odd chunks */
	{
		g_autoptr(GByteArray) whole = wb_test_hex(wb_test_watch_version_frame);
		for (gsize off = 0; off < whole->len; off += 7) {
			g_autoptr(GBytes) b =
				g_bytes_new(whole->data + off, MIN(7, whole->len - off));
			wb_link_emit_received(WB_LINK(f->link), b);
		}
	}
	/* GTask completes from the main loop */
	iterate_until(NULL, &f->opened, 1);
	g_assert_cmpuint(wb_session_get_state(f->session), ==, WB_SESSION_STATE_OPEN);
	g_assert_cmpstr(wb_session_get_watch_version(f->session)->serial, ==, "Q402445E00AB");
}

/* A silent watch (a client that attached after the emulator booted): ask after the wait. */
static void
test_handshake_silent_watch(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	gint64 start = g_get_monotonic_time();
	guint16 ep;

	wb_session_start(f->session);
	while (f->link->sent->len == 0)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpint(g_get_monotonic_time() - start, >=, 50 * 1000);
	take_frame(f->link, &ep, p);
	g_assert_cmpuint(ep, ==, WB_ENDPOINT_WATCH_VERSION);
	inject_hex(f->link, wb_test_watch_version_frame);
	iterate_until(NULL, &f->opened, 1);
}

static void
open_session(Fixture *f)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	guint16 ep;
	wb_session_start(f->session);
	while (f->link->sent->len == 0)
		g_main_context_iteration(NULL, TRUE);
	take_frame(f->link, &ep, p);
	inject_hex(f->link, wb_test_watch_version_frame);
	iterate_until(NULL, &f->opened, 1);
}

static void
test_queue_until_open(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	const guint8 a[] = {0x01}, b[] = {0x02};
	guint16 ep;

	wb_session_start(f->session);
	g_assert_true(wb_session_send(f->session, 0x1234, a, 1, NULL));
	g_assert_true(wb_session_send(f->session, 0x1234, b, 1, NULL));
	while (f->link->sent->len == 0)
		g_main_context_iteration(NULL, TRUE);
	/* only the handshake went out */
	take_frame(f->link, &ep, p);
	g_assert_cmpuint(ep, ==, WB_ENDPOINT_WATCH_VERSION);
	g_assert_cmpuint(f->link->sent->len, ==, 0);
	inject_hex(f->link, wb_test_watch_version_frame);
	iterate_until(NULL, &f->opened, 1);
	take_frame(f->link, &ep, p);
	g_assert_cmpuint(ep, ==, 0x1234);
	wb_assert_hex(p->data, p->len, "01");
	take_frame(f->link, &ep, p);
	wb_assert_hex(p->data, p->len, "02");
}

static void
test_send_too_long(Fixture *f, gconstpointer data)
{
	g_autofree guint8 *big = g_malloc0(WB_FRAME_MAX_WATCH_INBOUND + 1);
	g_autoptr(GError) error = NULL;
	open_session(f);
	g_assert_false(wb_session_send(f->session, 1, big, WB_FRAME_MAX_WATCH_INBOUND + 1, &error));
	g_assert_error(error, WB_ERROR, WB_ERROR_FAILED);
	g_assert_true(wb_session_send(f->session, 1, big, WB_FRAME_MAX_WATCH_INBOUND, NULL));
}

typedef struct {
	gboolean done;
	guint64 rtt;
	GError *error;
	GBytes *reply;
} Result;

static void
ping_done(GObject *source, GAsyncResult *res, gpointer data)
{
	Result *r = data;
	wb_session_ping_finish(WB_SESSION(source), res, &r->rtt, &r->error);
	r->done = TRUE;
}

static void
test_ping(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	g_autoptr(GByteArray) pong = g_byte_array_new();
	Result r = {0};
	guint16 ep;

	open_session(f);
	wb_session_ping_async(f->session, NULL, ping_done, &r);
	take_frame(f->link, &ep, p);
	g_assert_cmpuint(ep, ==, WB_ENDPOINT_PING);
	g_assert_cmpuint(p->len, ==, 5);
	/* a pong with another cookie does not answer it */
	inject_hex(f->link, "0005 07d1 01 00000000");
	g_assert_false(r.done);
	wb_put_u16_be(pong, 5);
	wb_put_u16_be(pong, WB_ENDPOINT_PING);
	wb_put_u8(pong, 0x01);
	wb_put_bytes(pong, p->data + 1, 4);
	{
		g_autoptr(GBytes) b = g_bytes_new(pong->data, pong->len);
		wb_link_emit_received(WB_LINK(f->link), b);
	}
	iterate_until(&r.done, NULL, 0);
	g_assert_no_error(r.error);
}

static void
test_watch_ping_answered(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	guint16 ep;
	open_session(f);
	/* the watch's hourly ping, cookie 42 (FW services/common/ping.c) */
	inject_hex(f->link, "0006 07d1 00 0000002a 01");
	take_frame(f->link, &ep, p);
	g_assert_cmpuint(ep, ==, WB_ENDPOINT_PING);
	wb_assert_hex(p->data, p->len, "01 0000002a");
}

static void
test_request_timeout(Fixture *f, gconstpointer data)
{
	Result r = {0};
	open_session(f);
	wb_session_ping_async(f->session, NULL, ping_done, &r);
	iterate_until(&r.done, NULL, 0);
	g_assert_error(r.error, WB_ERROR, WB_ERROR_TIMEOUT);
	g_clear_error(&r.error);
}

static void
test_link_down_fails_requests(Fixture *f, gconstpointer data)
{
	Result r = {0};
	open_session(f);
	wb_session_ping_async(f->session, NULL, ping_done, &r);
	{
		g_autoptr(GError) e =
			g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "gone");
		wb_link_emit_closed(WB_LINK(f->link), e);
	}
	iterate_until(&r.done, NULL, 0);
	g_assert_error(r.error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_clear_error(&r.error);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_error(f->closed_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
	g_assert_cmpuint(wb_session_get_state(f->session), ==, WB_SESSION_STATE_CLOSED);
	g_assert_false(wb_session_send(f->session, 1, (const guint8 *)"x", 1, NULL));
}

static void
test_bad_frames_dropped(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	guint16 ep;
	open_session(f);
	/* garbage with an absurd length, a zero-length frame, a bad version answer, an unknown
	 * endpoint: all dropped, then a real ping still gets its pong */
	inject_hex(f->link, "ffff ffff 0000 0010 0003 0010 01 02 03 0002 4242 0000");
	g_assert_cmpuint(wb_session_get_state(f->session), ==, WB_SESSION_STATE_OPEN);
	inject_hex(f->link, "0005 07d1 00 00000007");
	take_frame(f->link, &ep, p);
	wb_assert_hex(p->data, p->len, "01 00000007");
}

static void
test_bad_version_answer_closes(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) p = g_byte_array_new();
	guint16 ep;
	wb_session_start(f->session);
	while (f->link->sent->len == 0)
		g_main_context_iteration(NULL, TRUE);
	take_frame(f->link, &ep, p);
	inject_hex(f->link, "0004 0010 01 02 03 04");
	iterate_until(NULL, &f->closed, 1);
	g_assert_cmpuint(f->opened, ==, 0);
	g_assert_error(f->closed_error, WB_ERROR, WB_ERROR_FAILED);
}

static void
handler_closes(WbSession *session, const guint8 *payload, gsize len, gpointer data)
{
	wb_session_close(session);
}

static void
test_close_from_handler(Fixture *f, gconstpointer data)
{
	open_session(f);
	wb_session_add_handler(f->session, 0x4242, handler_closes, NULL, NULL);
	/* two frames in one chunk: the second is not dispatched after the close */
	inject_hex(f->link, "0001 4242 00 0005 07d1 00 00000007");
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_null(f->closed_error);
	g_assert_cmpuint(f->link->sent->len, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn, wait)                                                                        \
	g_test_add("/wearbridge/session/" path, Fixture, GUINT_TO_POINTER(wait), fixture_setup,    \
		   fn, fixture_teardown)
	ADD("handshake-watch-first", test_handshake_watch_first, 10000);
	ADD("handshake-silent-watch", test_handshake_silent_watch, 50);
	ADD("queue-until-open", test_queue_until_open, 0);
	ADD("send-too-long", test_send_too_long, 0);
	ADD("ping", test_ping, 0);
	ADD("watch-ping-answered", test_watch_ping_answered, 0);
	ADD("request-timeout", test_request_timeout, 0);
	ADD("link-down-fails-requests", test_link_down_fails_requests, 0);
	ADD("bad-frames-dropped", test_bad_frames_dropped, 0);
	ADD("bad-version-answer-closes", test_bad_version_answer_closes, 0);
	ADD("close-from-handler", test_close_from_handler, 0);
	return g_test_run();
}
