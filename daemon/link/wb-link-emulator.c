/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The emulator link: TCP to the Pebble SDK emulator (QEMU) or wearbridge-watchsim, with the
 * emulator's FE ED framing; SPP packets carry the Pebble Protocol stream (reference §12).
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#define WB_LOG_MODULE "emulator"
#include "wb-emu.h"
#include "wb-error.h"
#include "wb-link-emulator.h"
#include "wb-log.h"

#define READ_CHUNK        8192
#define CONNECT_TIMEOUT_S 10

struct _WbLinkEmulator {
	WbLink parent_instance;
	gchar *host;
	guint16 port;
	GSocketConnection *connection;
	GCancellable *cancellable;
	WbEmuDecoder *decoder;
	GQueue out_queue; /* of GBytes, the head is being written */
	gboolean writing;
	gboolean resyncing;
};

G_DEFINE_FINAL_TYPE(WbLinkEmulator, wb_link_emulator, WB_TYPE_LINK)

/**
 * wb_emulator_address_parse:
 * @address: "HOST:PORT", "HOST", "[IPv6]:PORT" or "[IPv6]"
 * @out_host: (out) (transfer full): the host
 * @out_port: (out): the port; 12344 when none is given
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @address is well formed; otherwise %WB_ERROR_INVALID_ARGS
 */
gboolean
wb_emulator_address_parse(const gchar *address, gchar **out_host, guint16 *out_port, GError **error)
{
	g_autofree gchar *host = NULL;
	const gchar *port_str = NULL;
	guint64 port = WB_EMU_DEFAULT_PORT;

	if (address == NULL || *address == '\0' || strlen(address) > 255 ||
	    !g_utf8_validate(address, -1, NULL)) {
		g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
			    "'%s' is not an emulator address (HOST:PORT)",
			    address != NULL && g_utf8_validate(address, -1, NULL) ? address : "");
		return FALSE;
	}
	if (address[0] == '[') {
		const gchar *end = strchr(address, ']');
		if (end == NULL || end == address + 1 || (end[1] != '\0' && end[1] != ':')) {
			g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
				    "'%s' is not an emulator address ([IPv6]:PORT)", address);
			return FALSE;
		}
		host = g_strndup(address + 1, (gsize)(end - address - 1));
		if (end[1] == ':')
			port_str = end + 2;
		if (!g_hostname_is_ip_address(host)) {
			g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
				    "'%s' is not an IPv6 address", host);
			return FALSE;
		}
	} else {
		const gchar *colon = strrchr(address, ':');
		if (colon != NULL && strchr(address, ':') != colon) {
			g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
				    "'%s': put an IPv6 address in brackets, [ADDRESS]:PORT",
				    address);
			return FALSE;
		}
		host = colon != NULL ? g_strndup(address, (gsize)(colon - address))
				     : g_strdup(address);
		if (colon != NULL)
			port_str = colon + 1;
	}
	for (const gchar *p = host; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-' && *p != ':' && *p != '_') {
			g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
				    "'%s' is not a host name", host);
			return FALSE;
		}
	}
	if (*host == '\0') {
		g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS, "'%s' has no host", address);
		return FALSE;
	}
	if (port_str != NULL && !g_ascii_string_to_unsigned(port_str, 10, 1, 65535, &port, NULL)) {
		g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
			    "'%s' is not a port (1 to 65535)", port_str);
		return FALSE;
	}
	*out_host = g_steal_pointer(&host);
	*out_port = (guint16)port;
	return TRUE;
}

/**
 * wb_emulator_target_to_id:
 * @host: the host
 * @port: the port
 *
 * Returns: (transfer full): the object path element for an emulator watch:
 * "emulator_" + host and port with every character outside [A-Za-z0-9] as "_"
 */
gchar *
wb_emulator_target_to_id(const gchar *host, guint16 port)
{
	g_autofree gchar *raw = g_strdup_printf("emulator_%s_%u", host, port);
	for (gchar *p = raw; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p))
			*p = '_';
	}
	return g_steal_pointer(&raw);
}

WbLink *
wb_link_emulator_new(const gchar *host, guint16 port)
{
	g_autofree gchar *target = NULL;
	WbLinkEmulator *self;

	if (strchr(host, ':') != NULL)
		target = g_strdup_printf("[%s]:%u", host, port);
	else
		target = g_strdup_printf("%s:%u", host, port);
	self = g_object_new(WB_TYPE_LINK_EMULATOR, "transport", "emulator", "target", target, NULL);
	self->host = g_strdup(host);
	self->port = port;
	return WB_LINK(self);
}

static void
drop_connection(WbLinkEmulator *self)
{
	g_cancellable_cancel(self->cancellable);
	g_clear_object(&self->cancellable);
	if (self->connection != NULL) {
		/* closing a socket does not block; errors here change nothing */
		(void)g_io_stream_close(G_IO_STREAM(self->connection), NULL, NULL);
		g_clear_object(&self->connection);
	}
	g_queue_clear_full(&self->out_queue, (GDestroyNotify)g_bytes_unref);
	self->writing = FALSE;
	wb_emu_decoder_reset(self->decoder);
}

static void
fail(WbLinkEmulator *self, const GError *error)
{
	drop_connection(self);
	wb_link_emit_closed(WB_LINK(self), error);
}

static void start_read(WbLinkEmulator *self);
static void start_write(WbLinkEmulator *self);

static void
handle_packets(WbLinkEmulator *self)
{
	for (;;) {
		g_autoptr(GError) error = NULL;
		WbEmuPacket packet;

		if (!wb_emu_decoder_next(self->decoder, &packet, &error)) {
			if (error == NULL)
				return;
			/* one line per run of garbage, not one per byte skipped */
			if (!self->resyncing)
				wb_message("%s: %s", wb_link_get_target(WB_LINK(self)),
					   error->message);
			else
				wb_debug("%s: %s", wb_link_get_target(WB_LINK(self)),
					 error->message);
			self->resyncing = TRUE;
			continue;
		}
		self->resyncing = FALSE;
		if (packet.protocol == WB_EMU_PROTOCOL_SPP) {
			g_autoptr(GBytes) bytes = g_bytes_new(packet.payload, packet.len);
			wb_link_emit_received(WB_LINK(self), bytes);
			/* a handler may have closed the link */
			if (self->connection == NULL)
				return;
		} else {
			wb_debug("%s: %s packet of %" G_GSIZE_FORMAT " bytes, ignoring",
				 wb_link_get_target(WB_LINK(self)),
				 wb_emu_protocol_to_string(packet.protocol), packet.len);
		}
	}
}

static void
read_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbLinkEmulator) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) bytes = NULL;

	bytes = g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (self->connection == NULL)
		return;
	if (bytes == NULL) {
		fail(self, error);
		return;
	}
	if (g_bytes_get_size(bytes) == 0) {
		g_autoptr(GError) eof =
			g_error_new(WB_ERROR, WB_ERROR_NOT_CONNECTED, "%s closed the connection",
				    wb_link_get_target(WB_LINK(self)));
		fail(self, eof);
		return;
	}
	wb_emu_decoder_push(self->decoder, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
	handle_packets(self);
	if (self->connection != NULL)
		start_read(self);
}

static void
start_read(WbLinkEmulator *self)
{
	GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(self->connection));
	g_input_stream_read_bytes_async(in, READ_CHUNK, G_PRIORITY_DEFAULT, self->cancellable,
					read_cb, g_object_ref(self));
}

static void
write_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(WbLinkEmulator) self = user_data;
	g_autoptr(GError) error = NULL;

	if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), result, NULL, &error)) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
		    self->connection == NULL)
			return;
		fail(self, error);
		return;
	}
	g_bytes_unref(g_queue_pop_head(&self->out_queue));
	self->writing = FALSE;
	start_write(self);
}

static void
start_write(WbLinkEmulator *self)
{
	GOutputStream *out;
	GBytes *head;

	if (self->writing || self->connection == NULL)
		return;
	head = g_queue_peek_head(&self->out_queue);
	if (head == NULL)
		return;
	self->writing = TRUE;
	out = g_io_stream_get_output_stream(G_IO_STREAM(self->connection));
	g_output_stream_write_all_async(out, g_bytes_get_data(head, NULL), g_bytes_get_size(head),
					G_PRIORITY_DEFAULT, self->cancellable, write_cb,
					g_object_ref(self));
}

static void
wb_link_emulator_send(WbLink *link, GBytes *bytes)
{
	WbLinkEmulator *self = WB_LINK_EMULATOR(link);
	g_autoptr(GByteArray) framed = g_byte_array_new();

	wb_emu_spp_encode(framed, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
	g_queue_push_tail(&self->out_queue, g_byte_array_free_to_bytes(g_steal_pointer(&framed)));
	start_write(self);
}

static void
connect_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(GTask) task = user_data;
	WbLinkEmulator *self = g_task_get_source_object(task);
	g_autoptr(GError) error = NULL;
	GSocketConnection *conn;

	conn = g_socket_client_connect_finish(G_SOCKET_CLIENT(source), result, &error);
	if (conn == NULL) {
		g_prefix_error(&error, "%s: ", wb_link_get_target(WB_LINK(self)));
		g_task_return_error(task, g_steal_pointer(&error));
		return;
	}
	if (g_task_return_error_if_cancelled(task)) {
		g_object_unref(conn);
		return;
	}
	self->connection = conn;
	/* the client's timeout was for connecting; a watch that is slow to read must not make
	 * writes fail (requests have their own timeouts) */
	g_socket_set_timeout(g_socket_connection_get_socket(conn), 0);
	if (G_IS_TCP_CONNECTION(conn)) {
		GSocket *sock = g_socket_connection_get_socket(conn);
		/* small frames, latency matters: no Nagle */
		if (!g_socket_set_option(sock, IPPROTO_TCP, TCP_NODELAY, 1, &error)) {
			wb_debug("TCP_NODELAY: %s, ignoring", error->message);
			g_clear_error(&error);
		}
	}
	g_clear_object(&self->cancellable);
	self->cancellable = g_cancellable_new();
	wb_link_set_open(WB_LINK(self), TRUE);
	start_read(self);
	g_task_return_boolean(task, TRUE);
}

static void
wb_link_emulator_open_async(WbLink *link, GCancellable *cancellable, GAsyncReadyCallback callback,
			    gpointer user_data)
{
	WbLinkEmulator *self = WB_LINK_EMULATOR(link);
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnectable) addr = g_network_address_new(self->host, self->port);

	g_task_set_source_tag(task, wb_link_emulator_open_async);
	if (self->connection != NULL) {
		g_task_return_new_error(task, WB_ERROR, WB_ERROR_BUSY, "already open");
		return;
	}
	g_socket_client_set_timeout(client, CONNECT_TIMEOUT_S);
	g_socket_client_connect_async(client, addr, cancellable, connect_cb,
				      g_steal_pointer(&task));
}

static gboolean
wb_link_emulator_open_finish(WbLink *link, GAsyncResult *result, GError **error)
{
	return g_task_propagate_boolean(G_TASK(result), error);
}

static void
wb_link_emulator_close(WbLink *link)
{
	WbLinkEmulator *self = WB_LINK_EMULATOR(link);
	gboolean was_open = self->connection != NULL;

	drop_connection(self);
	if (was_open)
		wb_link_emit_closed(link, NULL);
}

static void
wb_link_emulator_dispose(GObject *object)
{
	WbLinkEmulator *self = WB_LINK_EMULATOR(object);
	drop_connection(self);
	G_OBJECT_CLASS(wb_link_emulator_parent_class)->dispose(object);
}

static void
wb_link_emulator_finalize(GObject *object)
{
	WbLinkEmulator *self = WB_LINK_EMULATOR(object);
	g_free(self->host);
	wb_emu_decoder_free(self->decoder);
	G_OBJECT_CLASS(wb_link_emulator_parent_class)->finalize(object);
}

static void
wb_link_emulator_class_init(WbLinkEmulatorClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	WbLinkClass *link_class = WB_LINK_CLASS(klass);

	object_class->dispose = wb_link_emulator_dispose;
	object_class->finalize = wb_link_emulator_finalize;
	link_class->open_async = wb_link_emulator_open_async;
	link_class->open_finish = wb_link_emulator_open_finish;
	link_class->send = wb_link_emulator_send;
	link_class->close = wb_link_emulator_close;
}

static void
wb_link_emulator_init(WbLinkEmulator *self)
{
	self->decoder = wb_emu_decoder_new();
	g_queue_init(&self->out_queue);
}
