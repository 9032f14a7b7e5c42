/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * wearbridge-watchsim: a simulated Pebble watch on TCP with the Pebble SDK emulator's framing
 * (reference §12), so anything that talks to the emulator (wearbridged, pebble-tool,
 * libpebble2) talks to it. The watch itself is WbSimWatch; this file is the transport (one
 * phone at a time), the control channels (stdin and a unix socket) and the options.
 * See docs/watchsim.md and wearbridge-watchsim(1).
 */

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <locale.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wb-emu.h"
#include "wb-sim-control.h"
#include "wb-sim-watch.h"

#define READ_CHUNK 4096

typedef struct _Sim Sim;

/* An output stream with a queue: writes go out one after the other, never blocking the loop.
 * Each write in flight holds a reference to the writer's owner (a Client or a ControlClient),
 * whose completion callback continues with writer_pump(). */
typedef struct {
	GOutputStream *stream;
	GCancellable *cancellable;
	GByteArray *pending;
	GBytes *inflight;
	GAsyncReadyCallback done;
	gpointer (*ref_owner)(gpointer owner);
	gpointer owner;
} Writer;

/* The phone's link: one TCP connection at a time */
typedef struct {
	gint refs;
	Sim *sim;
	GSocketConnection *conn;
	GCancellable *cancellable;
	WbEmuDecoder *emu;
	Writer writer;
	gchar *peer;
	gboolean closed;
} Client;

/* One connection to the control socket */
typedef struct {
	gint refs;
	Sim *sim;
	GSocketConnection *conn;
	GDataInputStream *in;
	GCancellable *cancellable;
	Writer writer;
	gboolean closed;
} ControlClient;

struct _Sim {
	GMainLoop *loop;
	WbSimWatch *watch;
	gboolean print;
	gint exit_status;

	/* the phone side */
	gchar *listen_host;
	guint16 port;
	GSocketService *service;
	GSocketAddress *bound;
	gboolean accepting;
	Client *client;
	guint connections;
	guint refused;

	/* control */
	gchar *control_path;
	GSocketService *control_service;
	GList *control_clients;
	GDataInputStream *stdin_in;
	GCancellable *cancellable;

	/* the watch's timer */
	guint timer_id;
	gint64 timer_deadline;
};

static void rearm_timer(Sim *sim);

/* ------------------------------------------------------------------ writer */

static void
writer_init(Writer *w, GOutputStream *stream, GCancellable *cancellable, GAsyncReadyCallback done,
	    gpointer (*ref_owner)(gpointer owner), gpointer owner)
{
	w->stream = g_object_ref(stream);
	w->cancellable = g_object_ref(cancellable);
	w->pending = g_byte_array_new();
	w->done = done;
	w->ref_owner = ref_owner;
	w->owner = owner;
}

static void
writer_clear(Writer *w)
{
	g_clear_object(&w->stream);
	g_clear_object(&w->cancellable);
	g_clear_pointer(&w->pending, g_byte_array_unref);
	g_clear_pointer(&w->inflight, g_bytes_unref);
}

static void
writer_pump(Writer *w)
{
	gsize len;
	const guint8 *data;

	if (w->inflight != NULL || w->pending->len == 0)
		return;
	w->inflight = g_byte_array_free_to_bytes(g_steal_pointer(&w->pending));
	w->pending = g_byte_array_new();
	data = g_bytes_get_data(w->inflight, &len);
	g_output_stream_write_all_async(w->stream, data, len, G_PRIORITY_DEFAULT, w->cancellable,
					w->done, w->ref_owner(w->owner));
}

/* Finishes a write; returns FALSE with @error set (unless cancelled) when it failed */
static gboolean
writer_finish(Writer *w, GAsyncResult *res, GError **error)
{
	gboolean ok = g_output_stream_write_all_finish(w->stream, res, NULL, error);

	g_clear_pointer(&w->inflight, g_bytes_unref);
	return ok;
}

static void
writer_write(Writer *w, const guint8 *data, gsize len)
{
	g_byte_array_append(w->pending, data, (guint)len);
	writer_pump(w);
}

/* ------------------------------------------------------------------ the phone's link */

static Client *
client_ref(Client *client)
{
	client->refs++;
	return client;
}

static gpointer
client_ref_owner(gpointer owner)
{
	return client_ref(owner);
}

static void
client_unref(Client *client)
{
	if (--client->refs > 0)
		return;
	writer_clear(&client->writer);
	g_clear_object(&client->conn);
	g_clear_object(&client->cancellable);
	wb_emu_decoder_free(client->emu);
	g_free(client->peer);
	g_free(client);
}

static void
print_line(Sim *sim, const gchar *line)
{
	fputs(line, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

static void
client_close(Sim *sim, const gchar *reason)
{
	Client *client = sim->client;
	GSocket *socket;

	if (client == NULL)
		return;
	sim->client = NULL;
	client->closed = TRUE;
	g_cancellable_cancel(client->cancellable);
	socket = g_socket_connection_get_socket(client->conn);
	(void)g_socket_close(socket, NULL);
	g_info("[watchsim] link to %s closed: %s", client->peer, reason);
	if (sim->print) {
		g_autofree gchar *line =
			g_strdup_printf("-- link to %s closed: %s", client->peer, reason);
		print_line(sim, line);
	}
	wb_sim_watch_disconnected(sim->watch, g_get_monotonic_time());
	client_unref(client);
	rearm_timer(sim);
}

static void
client_write_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	Client *client = user_data;
	g_autoptr(GError) error = NULL;

	if (client->closed) {
		(void)g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res, NULL, NULL);
	} else if (!writer_finish(&client->writer, res, &error)) {
		client_close(client->sim, error->message);
	} else {
		writer_pump(&client->writer);
	}
	client_unref(client);
}

static void
handle_emu_packet(Sim *sim, const WbEmuPacket *packet)
{
	WbEmuControl ctl = {0};
	g_autoptr(GError) error = NULL;
	gint64 now = g_get_monotonic_time();

	if (packet->protocol == WB_EMU_PROTOCOL_SPP) {
		wb_sim_watch_feed(sim->watch, packet->payload, packet->len, now);
		return;
	}
	if (!wb_emu_control_decode(packet->protocol, FALSE, packet->payload, packet->len, &ctl,
				   &error)) {
		g_message("[watchsim] emulator packet of protocol %u: %s, dropped",
			  packet->protocol, error->message);
		return;
	}
	/* §12.3: protocol 3 toggles the emulated Bluetooth connection, and with it the
	 * session; the others are sensors and buttons, which the simulator only notes */
	if (ctl.protocol == WB_EMU_PROTOCOL_BLUETOOTH_CONNECTION) {
		if (ctl.bluetooth_connected)
			wb_sim_watch_connected(sim->watch, now);
		else
			wb_sim_watch_disconnected(sim->watch, now);
		return;
	}
	if (sim->print) {
		g_autofree gchar *line =
			g_strdup_printf("← emulator: %s (%" G_GSIZE_FORMAT " bytes, not simulated)",
					wb_emu_protocol_to_string(packet->protocol), packet->len);
		print_line(sim, line);
	}
}

static void client_read(Client *client);

static void
client_read_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	Client *client = user_data;
	Sim *sim = client->sim;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) bytes =
		g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), res, &error);

	if (client->closed) {
		client_unref(client);
		return;
	}
	if (bytes == NULL || g_bytes_get_size(bytes) == 0) {
		client_close(sim, bytes == NULL ? error->message : "closed by the phone");
		client_unref(client);
		return;
	}
	wb_emu_decoder_push(client->emu, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
	while (!client->closed) {
		g_autoptr(GError) perr = NULL;
		WbEmuPacket packet;

		if (!wb_emu_decoder_next(client->emu, &packet, &perr)) {
			if (perr == NULL)
				break;
			g_message("[watchsim] emulator framing from %s: %s", client->peer,
				  perr->message);
			continue;
		}
		handle_emu_packet(sim, &packet);
	}
	rearm_timer(sim);
	if (!client->closed)
		client_read(client);
	client_unref(client);
}

static void
client_read(Client *client)
{
	GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(client->conn));

	g_input_stream_read_bytes_async(in, READ_CHUNK, G_PRIORITY_DEFAULT, client->cancellable,
					client_read_done, client_ref(client));
}

static gchar *
address_to_string(GSocketAddress *address)
{
	GInetAddress *inet;
	g_autofree gchar *host = NULL;

	if (!G_IS_INET_SOCKET_ADDRESS(address))
		return g_strdup("?");
	inet = g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(address));
	host = g_inet_address_to_string(inet);
	if (g_inet_address_get_family(inet) == G_SOCKET_FAMILY_IPV6)
		return g_strdup_printf(
			"[%s]:%u", host,
			g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(address)));
	return g_strdup_printf("%s:%u", host,
			       g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(address)));
}

static gboolean
on_incoming(GSocketService *service, GSocketConnection *conn, GObject *source, gpointer user_data)
{
	Sim *sim = user_data;
	g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address(conn, NULL);
	g_autofree gchar *peer = remote != NULL ? address_to_string(remote) : g_strdup("?");
	Client *client;

	if (sim->client != NULL || !sim->accepting) {
		/* one phone at a time, as the emulator's single serial port */
		sim->refused++;
		g_message("[watchsim] refusing %s: %s", peer,
			  sim->client != NULL ? "a phone is already connected" : "not accepting");
		(void)g_socket_close(g_socket_connection_get_socket(conn), NULL);
		return TRUE;
	}
	client = g_new0(Client, 1);
	client->refs = 1;
	client->sim = sim;
	client->conn = g_object_ref(conn);
	client->cancellable = g_cancellable_new();
	client->emu = wb_emu_decoder_new();
	client->peer = g_steal_pointer(&peer);
	writer_init(&client->writer, g_io_stream_get_output_stream(G_IO_STREAM(conn)),
		    client->cancellable, client_write_done, client_ref_owner, client);
	g_socket_set_option(g_socket_connection_get_socket(conn), IPPROTO_TCP, TCP_NODELAY, 1,
			    NULL);
	sim->client = client;
	sim->connections++;
	g_info("[watchsim] phone connected from %s", client->peer);
	if (sim->print) {
		g_autofree gchar *line = g_strdup_printf("-- link from %s", client->peer);
		print_line(sim, line);
	}
	client_read(client);
	wb_sim_watch_connected(sim->watch, g_get_monotonic_time());
	rearm_timer(sim);
	return TRUE;
}

static gboolean on_incoming(GSocketService *service, GSocketConnection *conn, GObject *source,
			    gpointer user_data);

static void
listen_stop(Sim *sim)
{
	if (sim->service == NULL)
		return;
	/* stop first: it cancels the pending accept, which closing alone would fail */
	g_socket_service_stop(sim->service);
	g_socket_listener_close(G_SOCKET_LISTENER(sim->service));
	g_clear_object(&sim->service);
	sim->accepting = FALSE;
}

static gboolean
listen_start(Sim *sim, GError **error)
{
	g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(sim->listen_host);
	g_autoptr(GSocketAddress) address = NULL;
	g_autoptr(GSocketAddress) effective = NULL;

	if (inet == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "'%s' is not an IP address", sim->listen_host);
		return FALSE;
	}
	address = g_inet_socket_address_new(inet, sim->port);
	sim->service = g_socket_service_new();
	g_signal_connect(sim->service, "incoming", G_CALLBACK(on_incoming), sim);
	if (!g_socket_listener_add_address(G_SOCKET_LISTENER(sim->service), address,
					   G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
					   &effective, error)) {
		g_clear_object(&sim->service);
		return FALSE;
	}
	g_socket_service_start(sim->service);
	/* with --port 0, later re-listens (reconnect) keep the port the kernel chose */
	sim->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(effective));
	g_clear_object(&sim->bound);
	sim->bound = g_steal_pointer(&effective);
	sim->accepting = TRUE;
	return TRUE;
}

static void
send_frame_cb(const guint8 *frame, gsize len, gpointer user_data)
{
	Sim *sim = user_data;
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (sim->client == NULL)
		return;
	wb_emu_spp_encode(out, frame, len);
	writer_write(&sim->client->writer, out->data, out->len);
}

static void
drop_link_cb(const gchar *reason, gpointer user_data)
{
	Sim *sim = user_data;

	client_close(sim, reason);
}

static void
print_cb(const gchar *line, gpointer user_data)
{
	Sim *sim = user_data;

	if (sim->print)
		print_line(sim, line);
}

/* ------------------------------------------------------------------ timer */

static gboolean
on_timer(gpointer user_data)
{
	Sim *sim = user_data;

	sim->timer_id = 0;
	sim->timer_deadline = -1;
	wb_sim_watch_tick(sim->watch, g_get_monotonic_time());
	rearm_timer(sim);
	return G_SOURCE_REMOVE;
}

/* One timer for the watch's next deadline; none while nothing is due */
static void
rearm_timer(Sim *sim)
{
	gint64 deadline = wb_sim_watch_get_next_deadline(sim->watch);
	gint64 now;

	if (sim->timer_id != 0 && deadline == sim->timer_deadline)
		return;
	g_clear_handle_id(&sim->timer_id, g_source_remove);
	sim->timer_deadline = deadline;
	if (deadline < 0)
		return;
	now = g_get_monotonic_time();
	sim->timer_id = g_timeout_add_full(
		G_PRIORITY_DEFAULT, deadline > now ? (guint)((deadline - now + 999) / 1000) : 0,
		on_timer, sim, NULL);
}

/* ------------------------------------------------------------------ control */

static void
host_add_state(JsonBuilder *b, gpointer user_data)
{
	Sim *sim = user_data;
	g_autofree gchar *listening = sim->bound != NULL ? address_to_string(sim->bound) : NULL;

	json_builder_set_member_name(b, "connected");
	json_builder_add_boolean_value(b, sim->client != NULL);
	json_builder_set_member_name(b, "peer");
	if (sim->client != NULL)
		json_builder_add_string_value(b, sim->client->peer);
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "listening");
	json_builder_add_string_value(b, listening);
	json_builder_set_member_name(b, "accepting");
	json_builder_add_boolean_value(b, sim->accepting);
	json_builder_set_member_name(b, "connections");
	json_builder_add_int_value(b, sim->connections);
	json_builder_set_member_name(b, "refused");
	json_builder_add_int_value(b, sim->refused);
}

static gboolean
host_disconnect(gpointer user_data, GError **error)
{
	Sim *sim = user_data;

	/* close the listening socket too, so that a reconnecting phone is refused by the
	 * kernel rather than queued in the backlog */
	listen_stop(sim);
	client_close(sim, "disconnect command");
	return TRUE;
}

static gboolean
host_reconnect(gpointer user_data, GError **error)
{
	Sim *sim = user_data;

	if (sim->accepting)
		return TRUE;
	return listen_start(sim, error);
}

static void
host_quit(gpointer user_data)
{
	Sim *sim = user_data;

	g_main_loop_quit(sim->loop);
}

static const WbSimControlHost control_host = {
	.add_state = host_add_state,
	.disconnect = host_disconnect,
	.reconnect = host_reconnect,
	.quit = host_quit,
};

static gchar *
execute(Sim *sim, const gchar *line)
{
	gchar *answer = wb_sim_control_execute(sim->watch, &control_host, sim, line,
					       g_get_monotonic_time());

	rearm_timer(sim);
	return answer;
}

static void stdin_read(Sim *sim);

static void
stdin_read_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	Sim *sim = user_data;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *line = g_data_input_stream_read_line_finish_utf8(
		G_DATA_INPUT_STREAM(source), res, NULL, &error);
	g_autofree gchar *answer = NULL;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (line == NULL) {
		/* end of input (or unreadable): the watch goes on; the socket may still
		 * control it */
		if (error != NULL)
			g_message("[watchsim] stdin: %s, no longer read", error->message);
		return;
	}
	answer = execute(sim, line);
	if (answer != NULL)
		print_line(sim, answer);
	stdin_read(sim);
}

static void
stdin_read(Sim *sim)
{
	g_data_input_stream_read_line_async(sim->stdin_in, G_PRIORITY_DEFAULT, sim->cancellable,
					    stdin_read_done, sim);
}

static ControlClient *
control_client_ref(ControlClient *cc)
{
	cc->refs++;
	return cc;
}

static gpointer
control_client_ref_owner(gpointer owner)
{
	return control_client_ref(owner);
}

static void
control_client_unref(ControlClient *cc)
{
	if (--cc->refs > 0)
		return;
	writer_clear(&cc->writer);
	g_clear_object(&cc->in);
	g_clear_object(&cc->conn);
	g_clear_object(&cc->cancellable);
	g_free(cc);
}

static void
control_client_close(ControlClient *cc)
{
	Sim *sim = cc->sim;

	if (cc->closed)
		return;
	cc->closed = TRUE;
	g_cancellable_cancel(cc->cancellable);
	(void)g_socket_close(g_socket_connection_get_socket(cc->conn), NULL);
	sim->control_clients = g_list_remove(sim->control_clients, cc);
	control_client_unref(cc);
}

static void
control_write_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ControlClient *cc = user_data;
	g_autoptr(GError) error = NULL;

	if (cc->closed) {
		(void)g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), res, NULL, NULL);
	} else if (!writer_finish(&cc->writer, res, &error)) {
		g_debug("[watchsim] control client: %s", error->message);
		control_client_close(cc);
	} else {
		writer_pump(&cc->writer);
	}
	control_client_unref(cc);
}

static void control_client_read(ControlClient *cc);

static void
control_read_done(GObject *source, GAsyncResult *res, gpointer user_data)
{
	ControlClient *cc = user_data;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *line = g_data_input_stream_read_line_finish_utf8(
		G_DATA_INPUT_STREAM(source), res, NULL, &error);
	g_autofree gchar *answer = NULL;

	if (cc->closed) {
		control_client_unref(cc);
		return;
	}
	if (line == NULL) {
		control_client_close(cc);
		control_client_unref(cc);
		return;
	}
	answer = execute(cc->sim, line);
	if (answer != NULL && !cc->closed) {
		writer_write(&cc->writer, (const guint8 *)answer, strlen(answer));
		writer_write(&cc->writer, (const guint8 *)"\n", 1);
	}
	if (!cc->closed)
		control_client_read(cc);
	control_client_unref(cc);
}

static void
control_client_read(ControlClient *cc)
{
	g_data_input_stream_read_line_async(cc->in, G_PRIORITY_DEFAULT, cc->cancellable,
					    control_read_done, control_client_ref(cc));
}

static gboolean
on_control_incoming(GSocketService *service, GSocketConnection *conn, GObject *source,
		    gpointer user_data)
{
	Sim *sim = user_data;
	ControlClient *cc = g_new0(ControlClient, 1);

	cc->refs = 1;
	cc->sim = sim;
	cc->conn = g_object_ref(conn);
	cc->cancellable = g_cancellable_new();
	cc->in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn)));
	g_data_input_stream_set_newline_type(cc->in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
	writer_init(&cc->writer, g_io_stream_get_output_stream(G_IO_STREAM(conn)), cc->cancellable,
		    control_write_done, control_client_ref_owner, cc);
	sim->control_clients = g_list_prepend(sim->control_clients, cc);
	control_client_read(cc);
	return TRUE;
}

static gboolean
control_start(Sim *sim, GError **error)
{
	g_autoptr(GSocketAddress) address = NULL;
	struct stat st;

	/* a socket left behind by a previous run is replaced; any other file is not */
	if (lstat(sim->control_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS,
				    "'%s' exists and is not a socket", sim->control_path);
			return FALSE;
		}
		(void)unlink(sim->control_path);
	}
	address = g_unix_socket_address_new(sim->control_path);
	sim->control_service = g_socket_service_new();
	if (!g_socket_listener_add_address(G_SOCKET_LISTENER(sim->control_service), address,
					   G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL,
					   NULL, error)) {
		g_prefix_error(error, "control socket '%s': ", sim->control_path);
		return FALSE;
	}
	g_signal_connect(sim->control_service, "incoming", G_CALLBACK(on_control_incoming), sim);
	g_socket_service_start(sim->control_service);
	return TRUE;
}

/* ------------------------------------------------------------------ main */

static gboolean
on_signal(gpointer user_data)
{
	Sim *sim = user_data;

	g_info("[watchsim] terminating");
	g_main_loop_quit(sim->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean
parse_byte(const gchar *s, guint8 *out, GError **error)
{
	guint64 v;
	gboolean ok;

	if (g_str_has_prefix(s, "0x") || g_str_has_prefix(s, "0X"))
		ok = g_ascii_string_to_unsigned(s + 2, 16, 0, 255, &v, error);
	else
		ok = g_ascii_string_to_unsigned(s, 10, 0, 255, &v, error);
	if (ok)
		*out = (guint8)v;
	return ok;
}

int
main(int argc, char **argv)
{
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(WbSimIdentity) identity = {0};
	g_autofree gchar *listen = NULL;
	g_autofree gchar *model = NULL;
	g_autofree gchar *hw_platform = NULL;
	g_autofree gchar *firmware = NULL;
	g_autofree gchar *serial = NULL;
	g_autofree gchar *address = NULL;
	g_autofree gchar *board = NULL;
	g_autofree gchar *language = NULL;
	g_autofree gchar *control = NULL;
	g_autofree gchar *bound = NULL;
	gint port = WB_EMU_DEFAULT_PORT;
	gint64 seed = -1;
	gint color = -1;
	gint health_version = -1;
	gint dlog_timeout_ms = -1;
	gboolean no_stdin = FALSE, print = FALSE, verbose = FALSE, version = FALSE;
	gboolean no_health = FALSE, health_hold = FALSE;
	WbSimWatchCallbacks callbacks = {
		.send_frame = send_frame_cb,
		.drop_link = drop_link_cb,
		.print = print_cb,
	};
	const GOptionEntry entries[] = {
		{"port", 'p', 0, G_OPTION_ARG_INT, &port,
		 "TCP port to listen on (default 12344; 0 picks a free one)", "PORT"},
		{"listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
		 "Address to listen on (default 127.0.0.1)", "ADDR"},
		{"model", 'm', 0, G_OPTION_ARG_STRING, &model,
		 "Watch model or platform (default pebble-time)", "MODEL"},
		{"hw-platform", 0, 0, G_OPTION_ARG_STRING, &hw_platform,
		 "Hardware platform byte (default 8, SnowyDVT)", "BYTE"},
		{"firmware", 'f', 0, G_OPTION_ARG_STRING, &firmware,
		 "Firmware version tag (default v4.3)", "TAG"},
		{"serial", 0, 0, G_OPTION_ARG_STRING, &serial,
		 "Serial number (default WBSIM0000001)", "SERIAL"},
		{"address", 'a', 0, G_OPTION_ARG_STRING, &address,
		 "Bluetooth address (default B0:B4:48:57:42:01)", "AA:BB:CC:DD:EE:FF"},
		{"board", 0, 0, G_OPTION_ARG_STRING, &board, "Board / hardware revision string",
		 "BOARD"},
		{"language", 0, 0, G_OPTION_ARG_STRING, &language, "Locale (default en_US)",
		 "LOCALE"},
		{"color", 0, 0, G_OPTION_ARG_INT, &color, "Factory colour code", "N"},
		{"control", 'c', 0, G_OPTION_ARG_FILENAME, &control,
		 "Also take control commands on this unix socket", "PATH"},
		{"no-stdin", 0, 0, G_OPTION_ARG_NONE, &no_stdin, "Do not read commands from stdin",
		 NULL},
		{"print", 0, 0, G_OPTION_ARG_NONE, &print,
		 "Print what the watch receives and sends, readably, on stdout", NULL},
		{"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		 "Like --print, and show debug messages", NULL},
		{"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed for everything random", "N"},
		{"health-version", 0, 0, G_OPTION_ARG_INT, &health_version,
		 "Health records of this firmware: minute record version 4-14, or 83 for "
		 "legacy sleep (default 13)",
		 "N"},
		{"no-health", 0, 0, G_OPTION_ARG_NONE, &no_health,
		 "No health tracking: HealthSync is answered with NACK", NULL},
		{"health-hold", 0, 0, G_OPTION_ARG_NONE, &health_hold,
		 "Send health data only when the phone asks (HealthSync)", NULL},
		{"dlog-timeout-ms", 0, 0, G_OPTION_ARG_INT, &dlog_timeout_ms,
		 "Data logging ACK timeout (default 30000)", "MS"},
		{"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL},
		{NULL},
	};
	Sim sim = {0};

	setlocale(LC_ALL, "");
	/* stdout carries the control answers: log lines go to stderr even at info/debug */
	g_log_writer_default_set_use_stderr(TRUE);
	/* a reader of stdout or a control client that went away must not kill the watch, and
	 * started in the background of a shell it must not stop on reading the terminal (the
	 * read fails instead and stdin is no longer read) */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);

	context = g_option_context_new("- a simulated Pebble watch for wearbridge");
	g_option_context_set_summary(
		context,
		"Listens on TCP with the Pebble SDK emulator's framing and plays the watch side\n"
		"of the Pebble Protocol. Control commands (state, dump blobdb, press, ping, dlog,\n"
		"health, disconnect, reconnect, quit, help) are read line by line from stdin and\n"
		"from --control; each gets one JSON line in answer. See wearbridge-watchsim(1).");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("wearbridge-watchsim: %s\n", error->message);
		return 2;
	}
	if (version) {
		g_print("wearbridge-watchsim %s\n", WB_VERSION);
		return 0;
	}
	if (argc > 1) {
		g_printerr("wearbridge-watchsim: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	if (port < 0 || port > 65535) {
		g_printerr("wearbridge-watchsim: port '%d' is out of range\n", port);
		return 2;
	}

	wb_sim_identity_init(&identity);
	if (model != NULL && !wb_sim_identity_set_model(&identity, model, &error))
		goto bad_option;
	if (hw_platform != NULL) {
		if (!parse_byte(hw_platform, &identity.hw_platform, &error)) {
			g_prefix_error(&error, "--hw-platform: ");
			goto bad_option;
		}
		if (model == NULL && board == NULL &&
		    wb_sim_identity_default_board(identity.hw_platform) != NULL) {
			g_free(identity.board);
			identity.board =
				g_strdup(wb_sim_identity_default_board(identity.hw_platform));
		}
	}
	if (firmware != NULL) {
		g_free(identity.firmware);
		identity.firmware = g_strdup(firmware);
	}
	if (serial != NULL) {
		g_free(identity.serial);
		identity.serial = g_strdup(serial);
	}
	if (board != NULL) {
		g_free(identity.board);
		identity.board = g_strdup(board);
	}
	if (language != NULL) {
		g_free(identity.language);
		identity.language = g_strdup(language);
	}
	if (color >= 0)
		identity.color = (guint32)color;
	if (address != NULL && !wb_sim_identity_set_address(&identity, address, &error))
		goto bad_option;
	if (!wb_sim_identity_check(&identity, &error))
		goto bad_option;

	if (verbose) {
		print = TRUE;
		g_log_set_debug_enabled(TRUE);
	}
	sim.print = print;
	sim.loop = g_main_loop_new(NULL, FALSE);
	sim.cancellable = g_cancellable_new();
	sim.listen_host = g_strdup(listen != NULL ? listen : "127.0.0.1");
	sim.port = (guint16)port;
	sim.timer_deadline = -1;
	sim.watch = wb_sim_watch_new(&identity, &callbacks, &sim);
	wb_sim_watch_set_rtc(sim.watch, g_get_real_time() / G_USEC_PER_SEC, g_get_monotonic_time());
	if (seed >= 0)
		wb_sim_watch_set_seed(sim.watch, (guint32)seed);
	if (health_version >= 0 &&
	    !wb_sim_watch_health_set_version(sim.watch, (guint)health_version, &error)) {
		g_printerr("wearbridge-watchsim: --health-version: %s\n", error->message);
		sim.exit_status = 2;
		goto out;
	}
	if (no_health)
		wb_sim_watch_health_set_enabled(sim.watch, FALSE);
	if (health_hold)
		wb_sim_watch_health_set_hold(sim.watch, TRUE, g_get_monotonic_time());
	if (dlog_timeout_ms > 0)
		wb_sim_watch_set_dlog_timeout(sim.watch, (gint64)dlog_timeout_ms * 1000);
	else if (dlog_timeout_ms == 0 || dlog_timeout_ms < -1) {
		g_printerr("wearbridge-watchsim: --dlog-timeout-ms must be positive\n");
		sim.exit_status = 2;
		goto out;
	}

	if (!listen_start(&sim, &error)) {
		g_printerr("wearbridge-watchsim: cannot listen on %s:%d: %s\n", sim.listen_host,
			   port, error->message);
		sim.exit_status = 1;
		goto out;
	}
	if (control != NULL) {
		sim.control_path = g_strdup(control);
		if (!control_start(&sim, &error)) {
			g_printerr("wearbridge-watchsim: %s\n", error->message);
			g_clear_pointer(&sim.control_path, g_free);
			sim.exit_status = 1;
			goto out;
		}
	}
	/* the first line on stdout, whatever else follows: tests wait for it */
	bound = address_to_string(sim.bound);
	{
		g_autofree gchar *line = g_strdup_printf("listening on %s", bound);
		print_line(&sim, line);
	}
	if (!no_stdin) {
		g_autoptr(GInputStream) in = g_unix_input_stream_new(STDIN_FILENO, FALSE);
		sim.stdin_in = g_data_input_stream_new(in);
		g_data_input_stream_set_newline_type(sim.stdin_in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
		stdin_read(&sim);
	}
	g_unix_signal_add(SIGINT, on_signal, &sim);
	g_unix_signal_add(SIGTERM, on_signal, &sim);

	g_main_loop_run(sim.loop);

out:
	g_cancellable_cancel(sim.cancellable);
	client_close(&sim, "shutting down");
	while (sim.control_clients != NULL)
		control_client_close(sim.control_clients->data);
	if (sim.control_service != NULL) {
		g_socket_service_stop(sim.control_service);
		g_socket_listener_close(G_SOCKET_LISTENER(sim.control_service));
	}
	if (sim.control_path != NULL)
		(void)unlink(sim.control_path);
	listen_stop(&sim);
	g_clear_handle_id(&sim.timer_id, g_source_remove);
	/* let cancelled operations finish so that their references are dropped */
	while (g_main_context_iteration(NULL, FALSE))
		;
	wb_sim_watch_free(sim.watch);
	g_clear_object(&sim.stdin_in);
	g_clear_object(&sim.control_service);
	g_clear_object(&sim.bound);
	g_clear_object(&sim.cancellable);
	g_clear_pointer(&sim.loop, g_main_loop_unref);
	g_free(sim.listen_host);
	g_free(sim.control_path);
	return sim.exit_status;

bad_option:
	g_printerr("wearbridge-watchsim: %s\n", error->message);
	return 2;
}
