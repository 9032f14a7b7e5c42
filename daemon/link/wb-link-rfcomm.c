/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The rfcomm link: a classic (BR/EDR) Pebble's RFCOMM channel, an already connected stream
 * socket (bluetoothd hands it over through Profile1.NewConnection, docs/rfcomm.md). The
 * stream carries raw Pebble Protocol frames back to back (reference §11); this link only
 * moves the bytes, WbSession does the framing. Nothing here knows about BlueZ, so the link
 * works on any connected stream socket (the unit test uses a socketpair).
 */
#include <string.h>

#define WB_LOG_MODULE "rfcomm"
#include "wb-error.h"
#include "wb-link-rfcomm.h"
#include "wb-log.h"

#define READ_CHUNK 8192

struct _WbLinkRfcomm {
	WbLink parent_instance;
	GSocket *socket;
	GSource *read_source;
	GSource *write_source;
	GQueue out_queue;  /* of GBytes, the head is being written */
	gsize head_offset; /* bytes of the head already written */
	gboolean opening;
};

G_DEFINE_FINAL_TYPE(WbLinkRfcomm, wb_link_rfcomm, WB_TYPE_LINK)

/**
 * wb_link_rfcomm_new:
 * @address: the watch's Bluetooth address, the link's target
 * @socket: a connected stream socket (the RFCOMM channel)
 *
 * The link takes over @socket: it makes it non-blocking, drops any timeout and closes it when
 * the link closes. wb_link_open_async() completes (from the main loop) at once.
 *
 * Returns: (transfer full): a new "rfcomm" #WbLink
 */
WbLink *
wb_link_rfcomm_new(const gchar *address, GSocket *socket)
{
	WbLinkRfcomm *self;

	g_return_val_if_fail(address != NULL, NULL);
	g_return_val_if_fail(G_IS_SOCKET(socket), NULL);

	self = g_object_new(WB_TYPE_LINK_RFCOMM, "transport", "rfcomm", "target", address, NULL);
	self->socket = g_object_ref(socket);
	g_socket_set_blocking(socket, FALSE);
	/* a GSocket's timeout makes a slow reader fail our writes with TIMED_OUT (the emulator
	 * link's GSocketClient bug): writes wait for G_IO_OUT as long as the link is up */
	g_socket_set_timeout(socket, 0);
	return WB_LINK(self);
}

static void
drop_socket(WbLinkRfcomm *self)
{
	if (self->read_source != NULL) {
		g_source_destroy(self->read_source);
		g_clear_pointer(&self->read_source, g_source_unref);
	}
	if (self->write_source != NULL) {
		g_source_destroy(self->write_source);
		g_clear_pointer(&self->write_source, g_source_unref);
	}
	if (self->socket != NULL) {
		/* closing a socket does not block; errors here change nothing */
		(void)g_socket_close(self->socket, NULL);
		g_clear_object(&self->socket);
	}
	g_queue_clear_full(&self->out_queue, (GDestroyNotify)g_bytes_unref);
	self->head_offset = 0;
}

/* The link went down under us: @error says why (never %NULL here) */
static void
fail(WbLinkRfcomm *self, GError *error)
{
	g_autoptr(GError) closed =
		g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED, "RFCOMM link to %s: %s",
			    wb_link_get_target(WB_LINK(self)), error->message);

	wb_debug("%s", closed->message);
	drop_socket(self);
	wb_link_emit_closed(WB_LINK(self), closed);
}

static gboolean
on_readable(GSocket *socket, GIOCondition condition, gpointer user_data)
{
	WbLinkRfcomm *self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) bytes = NULL;
	guint8 buf[READ_CHUNK];
	gssize n;

	n = g_socket_receive(socket, (gchar *)buf, sizeof(buf), NULL, &error);
	if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
		return G_SOURCE_CONTINUE;
	if (n < 0) {
		fail(self, error);
		return G_SOURCE_REMOVE;
	}
	if (n == 0) {
		g_autoptr(GError) eof = g_error_new_literal(WB_ERROR, WB_ERROR_NOT_CONNECTED,
							    "the watch closed the connection");
		fail(self, eof);
		return G_SOURCE_REMOVE;
	}
	bytes = g_bytes_new(buf, (gsize)n);
	/* a handler may close the link or drop the last reference */
	g_object_ref(self);
	wb_link_emit_received(WB_LINK(self), bytes);
	if (self->socket != socket) {
		g_object_unref(self);
		return G_SOURCE_REMOVE;
	}
	g_object_unref(self);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_writable(GSocket *socket, GIOCondition condition, gpointer user_data)
{
	WbLinkRfcomm *self = user_data;
	GBytes *head;

	/* partial writes are normal on a stream: keep the offset into the head and wait for
	 * G_IO_OUT again; there is no timeout, a dead peer shows as HUP or an error */
	while ((head = g_queue_peek_head(&self->out_queue)) != NULL) {
		g_autoptr(GError) error = NULL;
		gsize len;
		const guint8 *data = g_bytes_get_data(head, &len);
		gssize n = g_socket_send(socket, (const gchar *)data + self->head_offset,
					 len - self->head_offset, NULL, &error);

		if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			return G_SOURCE_CONTINUE;
		if (n < 0) {
			fail(self, error);
			return G_SOURCE_REMOVE;
		}
		self->head_offset += (gsize)n;
		if (self->head_offset == len) {
			g_bytes_unref(g_queue_pop_head(&self->out_queue));
			self->head_offset = 0;
		}
	}
	g_clear_pointer(&self->write_source, g_source_unref);
	return G_SOURCE_REMOVE;
}

static void
start_write(WbLinkRfcomm *self)
{
	if (self->write_source != NULL || self->socket == NULL ||
	    g_queue_is_empty(&self->out_queue))
		return;
	/* writes always go through the main loop, so send() never emits "closed" under its
	 * caller */
	self->write_source = g_socket_create_source(self->socket, G_IO_OUT, NULL);
	g_source_set_callback(self->write_source, G_SOURCE_FUNC(on_writable), self, NULL);
	g_source_attach(self->write_source, NULL);
}

static void
wb_link_rfcomm_send(WbLink *link, GBytes *bytes)
{
	WbLinkRfcomm *self = WB_LINK_RFCOMM(link);

	if (self->socket == NULL || g_bytes_get_size(bytes) == 0)
		return;
	g_queue_push_tail(&self->out_queue, g_bytes_ref(bytes));
	start_write(self);
}

static gboolean
open_idle_cb(gpointer user_data)
{
	GTask *task = user_data;
	WbLinkRfcomm *self = g_task_get_source_object(task);

	self->opening = FALSE;
	if (g_task_return_error_if_cancelled(task))
		return G_SOURCE_REMOVE;
	if (self->socket == NULL || g_socket_is_closed(self->socket)) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_NOT_CONNECTED,
					"RFCOMM link to %s is closed",
					wb_link_get_target(WB_LINK(self)));
		return G_SOURCE_REMOVE;
	}
	/* reading starts with the open: "received" never comes before the open callback */
	wb_link_set_open(WB_LINK(self), TRUE);
	self->read_source = g_socket_create_source(self->socket, G_IO_IN, NULL);
	g_source_set_callback(self->read_source, G_SOURCE_FUNC(on_readable), self, NULL);
	g_source_attach(self->read_source, NULL);
	start_write(self);
	g_task_return_boolean(task, TRUE);
	return G_SOURCE_REMOVE;
}

static void
wb_link_rfcomm_open_async(WbLink *link, GCancellable *cancellable, GAsyncReadyCallback callback,
			  gpointer user_data)
{
	WbLinkRfcomm *self = WB_LINK_RFCOMM(link);
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GSource) idle = NULL;

	g_task_set_source_tag(task, wb_link_rfcomm_open_async);
	if (self->read_source != NULL || self->opening) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_BUSY, "already open");
		return;
	}
	if (self->socket != NULL &&
	    g_socket_get_socket_type(self->socket) != G_SOCKET_TYPE_STREAM) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_INVALID_ARGS,
					"RFCOMM link to %s: not a stream socket",
					wb_link_get_target(link));
		return;
	}
	/* the socket is connected already: complete from the main loop, as every open does */
	self->opening = TRUE;
	idle = g_idle_source_new();
	g_task_attach_source(task, idle, open_idle_cb);
}

static gboolean
wb_link_rfcomm_open_finish(WbLink *link, GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, link), FALSE);
	return g_task_propagate_boolean(G_TASK(result), error);
}

static void
wb_link_rfcomm_close(WbLink *link)
{
	WbLinkRfcomm *self = WB_LINK_RFCOMM(link);
	gboolean was_open = wb_link_is_open(link);

	drop_socket(self);
	if (was_open)
		wb_link_emit_closed(link, NULL);
}

static void
wb_link_rfcomm_dispose(GObject *object)
{
	drop_socket(WB_LINK_RFCOMM(object));
	G_OBJECT_CLASS(wb_link_rfcomm_parent_class)->dispose(object);
}

static void
wb_link_rfcomm_class_init(WbLinkRfcommClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	WbLinkClass *link_class = WB_LINK_CLASS(klass);

	object_class->dispose = wb_link_rfcomm_dispose;
	link_class->open_async = wb_link_rfcomm_open_async;
	link_class->open_finish = wb_link_rfcomm_open_finish;
	link_class->send = wb_link_rfcomm_send;
	link_class->close = wb_link_rfcomm_close;
}

static void
wb_link_rfcomm_init(WbLinkRfcomm *self)
{
	g_queue_init(&self->out_queue);
}
