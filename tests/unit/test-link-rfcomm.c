/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * WbLinkRfcomm over a socketpair (the RFCOMM socket bluetoothd hands over is a connected
 * stream socket too): bytes both ways, a 1 MiB write to a slow reader (partial writes, no
 * timeout), the peer closing (one "closed" with an error), close() twice, closing from a
 * handler, and sockets that cannot be a link.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wb-error.h"
#include "wb-link-rfcomm.h"

#define ADDRESS "B0:B4:48:12:C1:A5"

typedef struct {
	WbLink *link;
	GSocket *peer;
	GByteArray *received;
	guint closed;
	GError *closed_error;
	gboolean opened;
	GError *open_error;
	gboolean close_in_handler;
} Fixture;

static GSocket *
socket_from_fd(gint fd)
{
	g_autoptr(GError) error = NULL;
	GSocket *s = g_socket_new_from_fd(fd, &error);

	g_assert_no_error(error);
	return s;
}

static void
on_received(WbLink *link, GBytes *bytes, gpointer user_data)
{
	Fixture *f = user_data;
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);

	g_assert_cmpuint(len, >, 0);
	g_byte_array_append(f->received, data, (guint)len);
	if (f->close_in_handler)
		wb_link_close(link);
}

static void
on_closed(WbLink *link, const GError *error, gpointer user_data)
{
	Fixture *f = user_data;

	f->closed++;
	g_clear_error(&f->closed_error);
	if (error != NULL)
		f->closed_error = g_error_copy(error);
	g_assert_false(wb_link_is_open(link));
}

static void
open_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	Fixture *f = user_data;

	f->opened = wb_link_open_finish(WB_LINK(source), result, &f->open_error);
	if (!f->opened)
		g_assert_nonnull(f->open_error);
}

static void
spin_until(gboolean *flag, const gchar *what)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (!*flag) {
		if (g_get_monotonic_time() > end)
			g_error("timed out waiting for %s", what);
		g_main_context_iteration(NULL, TRUE);
	}
}

static void
spin(guint ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;

	while (g_get_monotonic_time() < end) {
		if (!g_main_context_iteration(NULL, FALSE))
			g_usleep(1000);
	}
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
	gint fds[2];
	g_autoptr(GSocket) ours = NULL;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
	ours = socket_from_fd(fds[0]);
	f->peer = socket_from_fd(fds[1]);
	g_socket_set_blocking(f->peer, FALSE);
	f->received = g_byte_array_new();
	f->link = wb_link_rfcomm_new(ADDRESS, ours);
	g_signal_connect(f->link, "received", G_CALLBACK(on_received), f);
	g_signal_connect(f->link, "closed", G_CALLBACK(on_closed), f);
}

static void
fixture_open(Fixture *f)
{
	wb_link_open_async(f->link, NULL, open_cb, f);
	/* completes from the main loop, not under the caller */
	g_assert_false(f->opened);
	g_assert_false(wb_link_is_open(f->link));
	spin_until(&f->opened, "open");
	g_assert_no_error(f->open_error);
	g_assert_true(wb_link_is_open(f->link));
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	g_clear_object(&f->link);
	g_socket_close(f->peer, NULL);
	g_clear_object(&f->peer);
	g_byte_array_unref(f->received);
	g_clear_error(&f->closed_error);
	g_clear_error(&f->open_error);
	/* nothing may fire after the link is gone */
	spin(20);
}

/* Reads what is there from the peer, appending to @out; FALSE at EOF */
static gboolean
peer_read(Fixture *f, GByteArray *out, gsize max)
{
	g_autoptr(GError) error = NULL;
	guint8 buf[65536];
	gssize n = g_socket_receive(f->peer, (gchar *)buf, MIN(max, sizeof(buf)), NULL, &error);

	if (n < 0) {
		g_assert_error(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
		return TRUE;
	}
	g_byte_array_append(out, buf, (guint)n);
	return n > 0;
}

static void
peer_write(Fixture *f, const gchar *data)
{
	g_autoptr(GError) error = NULL;
	gssize n = g_socket_send(f->peer, data, strlen(data), NULL, &error);

	g_assert_no_error(error);
	g_assert_cmpint(n, ==, (gssize)strlen(data));
}

static void
test_properties(Fixture *f, gconstpointer data)
{
	g_assert_true(WB_IS_LINK_RFCOMM(f->link));
	g_assert_cmpstr(wb_link_get_transport(f->link), ==, "rfcomm");
	g_assert_cmpstr(wb_link_get_target(f->link), ==, ADDRESS);
	g_assert_false(wb_link_is_open(f->link));
}

static void
test_bytes_both_ways(Fixture *f, gconstpointer data)
{
	/* §2.1 and §11: the watch's PhoneAppVersion request, then the phone's WatchVersion
	 * request; the link passes them through untouched */
	static const guint8 from_watch[] = {0x00, 0x01, 0x00, 0x11, 0x00};
	static const guint8 to_watch[] = {0x00, 0x01, 0x00, 0x10, 0x00};
	g_autoptr(GByteArray) got = g_byte_array_new();
	g_autoptr(GBytes) out = g_bytes_new_static(to_watch, sizeof(to_watch));
	gint64 end;

	fixture_open(f);
	g_assert_cmpint(
		g_socket_send(f->peer, (const gchar *)from_watch, sizeof(from_watch), NULL, NULL),
		==, sizeof(from_watch));
	while (f->received->len < sizeof(from_watch))
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpmem(f->received->data, f->received->len, from_watch, sizeof(from_watch));

	wb_link_send(f->link, out);
	wb_link_send(f->link, out);
	end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (got->len < 2 * sizeof(to_watch) && g_get_monotonic_time() < end) {
		g_main_context_iteration(NULL, FALSE);
		peer_read(f, got, sizeof(to_watch) * 2);
	}
	g_assert_cmpuint(got->len, ==, 2 * sizeof(to_watch));
	g_assert_cmpmem(got->data, sizeof(to_watch), to_watch, sizeof(to_watch));
	g_assert_cmpmem(got->data + sizeof(to_watch), sizeof(to_watch), to_watch, sizeof(to_watch));

	/* several writes arrive as one stream, in order */
	peer_write(f, "abc");
	peer_write(f, "def");
	while (f->received->len < sizeof(from_watch) + 6)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpmem(f->received->data + sizeof(from_watch), 6, "abcdef", 6);
	g_assert_cmpuint(f->closed, ==, 0);
}

static void
test_send_before_open(Fixture *f, gconstpointer data)
{
	g_autoptr(GBytes) out = g_bytes_new_static("x", 1);
	g_autoptr(GByteArray) got = g_byte_array_new();

	/* wb_link_send() drops bytes on a link that is not open */
	wb_link_send(f->link, out);
	fixture_open(f);
	spin(20);
	peer_read(f, got, 16);
	g_assert_cmpuint(got->len, ==, 0);
}

static void
test_big_write_slow_reader(Fixture *f, gconstpointer data)
{
	const gsize total = 1024 * 1024;
	g_autoptr(GByteArray) want = g_byte_array_sized_new((guint)total);
	g_autoptr(GByteArray) got = g_byte_array_sized_new((guint)total);
	guint32 x = 0x12345678;
	gsize sent = 0;
	gint64 end;

	for (gsize i = 0; i < total; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		g_byte_array_append(want, (const guint8 *)&x, 1);
	}
	fixture_open(f);
	/* one huge buffer and many small ones: both need many partial writes */
	while (sent < total) {
		gsize n = sent == 0 ? total / 2 : MIN(total - sent, 4093);
		g_autoptr(GBytes) b = g_bytes_new(want->data + sent, n);

		wb_link_send(f->link, b);
		sent += n;
	}
	/* the reader is away for a while: the socket buffer fills, the link waits */
	spin(300);
	g_assert_true(wb_link_is_open(f->link));
	g_assert_cmpuint(f->closed, ==, 0);
	end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
	while (got->len < total && g_get_monotonic_time() < end) {
		/* slow: 16 KiB a millisecond at most */
		g_main_context_iteration(NULL, FALSE);
		peer_read(f, got, 16384);
		g_usleep(1000);
	}
	g_assert_cmpuint(got->len, ==, total);
	g_assert_true(memcmp(got->data, want->data, total) == 0);
	g_assert_true(wb_link_is_open(f->link));
	g_assert_cmpuint(f->closed, ==, 0);
}

static void
test_peer_close(Fixture *f, gconstpointer data)
{
	fixture_open(f);
	peer_write(f, "last words");
	g_socket_close(f->peer, NULL);
	while (f->closed == 0)
		g_main_context_iteration(NULL, TRUE);
	/* what came before the EOF was delivered first */
	g_assert_cmpmem(f->received->data, f->received->len, "last words", 10);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_error(f->closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_nonnull(strstr(f->closed_error->message, ADDRESS));
	g_assert_false(wb_link_is_open(f->link));
	spin(20);
	wb_link_close(f->link);
	wb_link_close(f->link);
	g_assert_cmpuint(f->closed, ==, 1);
}

static void
test_peer_close_while_writing(Fixture *f, gconstpointer data)
{
	g_autoptr(GBytes) big = NULL;
	guint8 *buf = g_malloc0(4 * 1024 * 1024);

	big = g_bytes_new_take(buf, 4 * 1024 * 1024);
	fixture_open(f);
	wb_link_send(f->link, big);
	spin(50);
	/* the peer goes away with most of it unread: EPIPE/ECONNRESET, no SIGPIPE */
	g_socket_close(f->peer, NULL);
	while (f->closed == 0)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_error(f->closed_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	/* sending on the closed link is a no-op */
	wb_link_send(f->link, big);
	spin(20);
	g_assert_cmpuint(f->closed, ==, 1);
}

static void
test_close_twice(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) got = g_byte_array_new();
	gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

	fixture_open(f);
	wb_link_close(f->link);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_null(f->closed_error);
	wb_link_close(f->link);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_false(wb_link_is_open(f->link));
	/* the peer sees the socket closed */
	while (peer_read(f, got, 16) && g_get_monotonic_time() < end)
		g_usleep(1000);
	g_assert_cmpuint(got->len, ==, 0);
	/* the socket is gone: it cannot be opened again */
	f->opened = FALSE;
	wb_link_open_async(f->link, NULL, open_cb, f);
	while (!f->opened && f->open_error == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(f->open_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
}

static void
test_close_while_opening(Fixture *f, gconstpointer data)
{
	wb_link_open_async(f->link, NULL, open_cb, f);
	wb_link_close(f->link);
	g_assert_cmpuint(f->closed, ==, 0);
	while (!f->opened && f->open_error == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(f->open_error, WB_ERROR, WB_ERROR_NOT_CONNECTED);
	g_assert_false(wb_link_is_open(f->link));
}

static void
test_open_twice(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	fixture_open(f);
	f->opened = FALSE;
	wb_link_open_async(f->link, NULL, open_cb, f);
	while (!f->opened && f->open_error == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(f->open_error, WB_ERROR, WB_ERROR_BUSY);
	g_assert_true(wb_link_is_open(f->link));
}

static void
test_open_cancelled(Fixture *f, gconstpointer data)
{
	g_autoptr(GCancellable) cancellable = g_cancellable_new();

	wb_link_open_async(f->link, cancellable, open_cb, f);
	g_cancellable_cancel(cancellable);
	while (!f->opened && f->open_error == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(f->open_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_false(wb_link_is_open(f->link));
}

static void
test_close_in_handler(Fixture *f, gconstpointer data)
{
	fixture_open(f);
	f->close_in_handler = TRUE;
	peer_write(f, "x");
	while (f->closed == 0)
		g_main_context_iteration(NULL, TRUE);
	g_assert_cmpuint(f->closed, ==, 1);
	g_assert_null(f->closed_error);
	/* more bytes from the peer are never delivered */
	spin(20);
	g_assert_cmpuint(f->received->len, ==, 1);
}

static void
unref_in_handler(WbLink *link, GBytes *bytes, gpointer user_data)
{
	WbLink **slot = user_data;

	/* the owner drops the link from "received": the link must survive its own dispatch */
	g_clear_object(slot);
}

static void
test_unref_in_handler(Fixture *f, gconstpointer data)
{
	fixture_open(f);
	g_signal_connect(f->link, "received", G_CALLBACK(unref_in_handler), &f->link);
	peer_write(f, "x");
	while (f->link != NULL)
		g_main_context_iteration(NULL, TRUE);
	spin(20);
}

static void
test_not_a_stream(void)
{
	gint fds[2];
	g_autoptr(GSocket) ours = NULL;
	g_autoptr(GSocket) peer = NULL;
	g_autoptr(WbLink) link = NULL;
	Fixture f = {0};

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), ==, 0);
	ours = socket_from_fd(fds[0]);
	peer = socket_from_fd(fds[1]);
	link = wb_link_rfcomm_new(ADDRESS, ours);
	wb_link_open_async(link, NULL, open_cb, &f);
	while (!f.opened && f.open_error == NULL)
		g_main_context_iteration(NULL, TRUE);
	g_assert_error(f.open_error, WB_ERROR, WB_ERROR_INVALID_ARGS);
	g_clear_error(&f.open_error);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

#define ADD(path, fn)                                                                              \
	g_test_add("/wearbridge/link-rfcomm/" path, Fixture, NULL, fixture_setup, fn,              \
		   fixture_teardown)
	ADD("properties", test_properties);
	ADD("bytes-both-ways", test_bytes_both_ways);
	ADD("send-before-open", test_send_before_open);
	ADD("big-write-slow-reader", test_big_write_slow_reader);
	ADD("peer-close", test_peer_close);
	ADD("peer-close-while-writing", test_peer_close_while_writing);
	ADD("close-twice", test_close_twice);
	ADD("close-while-opening", test_close_while_opening);
	ADD("open-twice", test_open_twice);
	ADD("open-cancelled", test_open_cancelled);
	ADD("close-in-handler", test_close_in_handler);
	ADD("unref-in-handler", test_unref_in_handler);
#undef ADD
	g_test_add_func("/wearbridge/link-rfcomm/not-a-stream", test_not_a_stream);
	return g_test_run();
}
