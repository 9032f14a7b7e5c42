/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-ppogatt.h"

/* The header byte: bits 0-2 type, bits 3-7 sequence number (§10.9). */
#define HEADER_TYPE_MASK 0x07
#define HEADER_SN_SHIFT  3
/* Below this many payload bytes per packet the watch asks for the largest transmit window,
 * because at the default MTU its throughput would otherwise be window-bound (§10.10). */
#define WATCH_SMALL_PAYLOAD 23
/* Compact a byte queue once this many consumed bytes sit at its front. */
#define COMPACT_THRESHOLD 4096

/**
 * wb_ppogatt_type_to_string:
 * @type: a packet type
 *
 * Returns: (transfer none): a short name for logs
 */
const gchar *
wb_ppogatt_type_to_string(WbPpogattType type)
{
	switch (type) {
	case WB_PPOGATT_TYPE_DATA:
		return "data";
	case WB_PPOGATT_TYPE_ACK:
		return "ack";
	case WB_PPOGATT_TYPE_RESET_REQUEST:
		return "reset-request";
	case WB_PPOGATT_TYPE_RESET_COMPLETE:
		return "reset-complete";
	}
	return "unknown";
}

/**
 * wb_ppogatt_packet_decode:
 * @buf: (array length=len): one GATT value written or notified on the data characteristic
 * @len: its length
 * @out: (out caller-allocates): the packet; Data payload points into @buf
 * @error: return location for a #GError
 *
 * Decodes one PPoGATT packet (§10.9). Rules, following what the firmware and LP3 accept:
 * - types 4-7 are %WB_PROTO_ERROR_UNKNOWN_TYPE (the watch drops them);
 * - Reset Request and Reset Complete must have sn 0 (every sender writes 0);
 * - Reset Request: a version byte (0 or 1; LP3 rejects others), then either nothing (the
 *   phone-initiated form) or the 12-byte serial; a partial serial is truncated;
 * - Reset Complete: empty (v0) or two window bytes, each 1-31: a window of 0 would stall
 *   the link and more than 31 cannot be told apart with 5-bit sequence numbers;
 * - bytes after the fields of Ack, Reset Request and Reset Complete are ignored, as the
 *   firmware overlays fixed structs and never checks the length beyond them;
 * - nothing is longer than %WB_PPOGATT_MAX_PACKET, the largest GATT value.
 *
 * Returns: %TRUE on success; on failure @out is zeroed
 */
gboolean
wb_ppogatt_packet_decode(const guint8 *buf, gsize len, WbPpogattPacket *out, GError **error)
{
	WbPpogattPacket p = {0};
	WbReader r;
	guint8 header;
	guint type;

	memset(out, 0, sizeof(*out));
	if (len > WB_PPOGATT_MAX_PACKET) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
			    "ppogatt: packet of %" G_GSIZE_FORMAT " bytes, the most is %d", len,
			    WB_PPOGATT_MAX_PACKET);
		return FALSE;
	}
	wb_reader_init(&r, buf, len);
	header = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "ppogatt header", error))
		return FALSE;
	type = header & HEADER_TYPE_MASK;
	p.sn = header >> HEADER_SN_SHIFT;

	switch (type) {
	case WB_PPOGATT_TYPE_DATA:
		p.type = WB_PPOGATT_TYPE_DATA;
		p.payload = wb_reader_rest(&r, &p.len);
		break;
	case WB_PPOGATT_TYPE_ACK:
		p.type = WB_PPOGATT_TYPE_ACK;
		break;
	case WB_PPOGATT_TYPE_RESET_REQUEST:
		p.type = WB_PPOGATT_TYPE_RESET_REQUEST;
		p.version = wb_reader_u8(&r);
		if (!wb_reader_check(&r, "ppogatt reset request", error))
			return FALSE;
		if (wb_reader_remaining(&r) > 0) {
			p.has_serial = TRUE;
			wb_reader_copy(&r, p.serial, sizeof(p.serial));
			if (!wb_reader_check(&r, "ppogatt reset request serial", error))
				return FALSE;
		}
		if (p.version > WB_PPOGATT_MAX_VERSION) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "ppogatt: reset request for version %u, the highest is %d",
				    p.version, WB_PPOGATT_MAX_VERSION);
			return FALSE;
		}
		break;
	case WB_PPOGATT_TYPE_RESET_COMPLETE:
		p.type = WB_PPOGATT_TYPE_RESET_COMPLETE;
		if (wb_reader_remaining(&r) > 0) {
			p.has_windows = TRUE;
			p.max_rx_window = wb_reader_u8(&r);
			p.max_tx_window = wb_reader_u8(&r);
			if (!wb_reader_check(&r, "ppogatt reset complete windows", error))
				return FALSE;
			if (p.max_rx_window < 1 || p.max_rx_window > WB_PPOGATT_MAX_WINDOW ||
			    p.max_tx_window < 1 || p.max_tx_window > WB_PPOGATT_MAX_WINDOW) {
				g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
					    "ppogatt: reset complete windows rx %u tx %u, "
					    "allowed are 1-%d",
					    p.max_rx_window, p.max_tx_window,
					    WB_PPOGATT_MAX_WINDOW);
				return FALSE;
			}
		}
		break;
	default:
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "ppogatt: invalid packet type %u", type);
		return FALSE;
	}

	if ((p.type == WB_PPOGATT_TYPE_RESET_REQUEST || p.type == WB_PPOGATT_TYPE_RESET_COMPLETE) &&
	    p.sn != 0) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "ppogatt: %s with sn %u, must be 0", wb_ppogatt_type_to_string(p.type),
			    p.sn);
		return FALSE;
	}
	*out = p;
	return TRUE;
}

/**
 * wb_ppogatt_packet_encode:
 * @packet: the packet
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends one PPoGATT packet (§10.9). Fails with %WB_PROTO_ERROR_BAD_VALUE for a field the
 * decoder would reject (sn above 31, sn not 0 on a reset packet, version above 1, window
 * outside 1-31, unknown type) and %WB_PROTO_ERROR_TOO_LONG for a Data payload above
 * %WB_PPOGATT_MAX_PAYLOAD.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_ppogatt_packet_encode(const WbPpogattPacket *packet, GByteArray *out, GError **error)
{
	if (packet->sn >= WB_PPOGATT_SN_MOD) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "ppogatt: sn %u does not fit in 5 bits", packet->sn);
		return FALSE;
	}
	switch (packet->type) {
	case WB_PPOGATT_TYPE_DATA:
		if (packet->len > WB_PPOGATT_MAX_PAYLOAD) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG,
				    "ppogatt: data payload of %" G_GSIZE_FORMAT
				    " bytes, the most is %d",
				    packet->len, WB_PPOGATT_MAX_PAYLOAD);
			return FALSE;
		}
		wb_put_u8(out, (guint8)(packet->sn << HEADER_SN_SHIFT | WB_PPOGATT_TYPE_DATA));
		wb_put_bytes(out, packet->payload, packet->len);
		return TRUE;
	case WB_PPOGATT_TYPE_ACK:
		wb_put_u8(out, (guint8)(packet->sn << HEADER_SN_SHIFT | WB_PPOGATT_TYPE_ACK));
		return TRUE;
	case WB_PPOGATT_TYPE_RESET_REQUEST:
		if (packet->sn != 0 || packet->version > WB_PPOGATT_MAX_VERSION) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "ppogatt: reset request with sn %u version %u", packet->sn,
				    packet->version);
			return FALSE;
		}
		wb_put_u8(out, WB_PPOGATT_TYPE_RESET_REQUEST);
		wb_put_u8(out, packet->version);
		if (packet->has_serial)
			wb_put_bytes(out, packet->serial, sizeof(packet->serial));
		return TRUE;
	case WB_PPOGATT_TYPE_RESET_COMPLETE:
		if (packet->sn != 0 ||
		    (packet->has_windows &&
		     (packet->max_rx_window < 1 || packet->max_rx_window > WB_PPOGATT_MAX_WINDOW ||
		      packet->max_tx_window < 1 ||
		      packet->max_tx_window > WB_PPOGATT_MAX_WINDOW))) {
			g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "ppogatt: reset complete with sn %u windows rx %u tx %u",
				    packet->sn, packet->max_rx_window, packet->max_tx_window);
			return FALSE;
		}
		wb_put_u8(out, WB_PPOGATT_TYPE_RESET_COMPLETE);
		if (packet->has_windows) {
			wb_put_u8(out, packet->max_rx_window);
			wb_put_u8(out, packet->max_tx_window);
		}
		return TRUE;
	}
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
		    "ppogatt: cannot encode packet type %d", (gint)packet->type);
	return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* The state machine */

struct _WbPpogatt {
	WbPpogattConfig config;
	WbPpogattState state;
	/* RESETTING: we sent the Reset Request (else we answered the peer's) */
	gboolean self_initiated;
	guint8 version;
	/* our own limits for this handshake, sent in our Reset Complete (v1) */
	guint8 want_rx;
	guint8 want_tx;
	/* negotiated windows */
	guint8 tx_window;
	guint8 rx_window;
	gsize max_payload;
	guint events;
	WbPpogattStats stats;
	guint consecutive_resets;

	/* control packets waiting for wb_ppogatt_pop_tx() */
	gboolean send_rr;
	gboolean send_rc;

	/* receive side */
	guint8 rx_next;   /* next expected Data sn */
	gboolean rx_any;  /* a Data packet was accepted in this session: there is an sn to ack */
	guint rx_unacked; /* accepted Data packets not yet acknowledged */
	gboolean ack_now; /* an Ack is due at the next pop */
	gint64 ack_deadline;
	GByteArray *rx_buf; /* delivered, unread stream bytes from rx_head */
	gsize rx_head;

	/* send side: tx_buf from tx_head holds the bytes of the packets in flight, then the bytes
	 * not yet sent */
	GByteArray *tx_buf;
	gsize tx_head;
	guint8 tx_base;    /* sn of the oldest unacknowledged packet */
	guint tx_inflight; /* packets sent and not acknowledged, from tx_base */
	guint tx_sent;     /* of those, how many went out in the current (re)transmission pass */
	gsize tx_inflight_bytes;
	guint16 tx_len[WB_PPOGATT_SN_MOD]; /* payload length per sn in flight */
	gint64 rto_deadline; /* retransmission timer while open, handshake timer while resetting */
	guint timeouts;      /* consecutive timeouts without progress */
};

static guint8
sn_add(guint8 sn, guint n)
{
	return (guint8)((sn + n) % WB_PPOGATT_SN_MOD);
}

static guint
sn_distance(guint8 from, guint8 to)
{
	return (guint)(WB_PPOGATT_SN_MOD + to - from) % WB_PPOGATT_SN_MOD;
}

static gint64
deadline_after(gint64 now_us, gint64 delay_us)
{
	/* saturate: a deadline past the end of time is no deadline */
	if (now_us > G_MAXINT64 - delay_us)
		return G_MAXINT64;
	return now_us + delay_us;
}

static void
byte_queue_consume(GByteArray *buf, gsize *head, gsize n)
{
	*head += n;
	if (*head == buf->len) {
		g_byte_array_set_size(buf, 0);
		*head = 0;
	} else if (*head >= COMPACT_THRESHOLD && *head >= buf->len / 2) {
		g_byte_array_remove_range(buf, 0, (guint)*head);
		*head = 0;
	}
}

static void
byte_queue_clear(GByteArray *buf, gsize *head)
{
	g_byte_array_set_size(buf, 0);
	*head = 0;
}

/**
 * wb_ppogatt_config_init:
 * @config: (out caller-allocates): the configuration to fill
 * @role: which end
 *
 * Fills @config with the defaults for @role: the watch initiates the reset (normal mode) and
 * sends no serial until one is set; version 1; payload for the default MTU 23; phone windows
 * 25/25, watch receive window 13 and a transmit window chosen from the payload size at each
 * reset (§10.10); 5 s retransmission timeout; 200 ms Ack coalescing; reset after 2
 * timeouts without progress; give up after 10 failed resets; 64 KiB send queue.
 */
void
wb_ppogatt_config_init(WbPpogattConfig *config, WbPpogattRole role)
{
	memset(config, 0, sizeof(*config));
	config->role = role;
	config->initiator = role == WB_PPOGATT_ROLE_WATCH;
	config->version = WB_PPOGATT_MAX_VERSION;
	config->max_payload = WB_PPOGATT_DEFAULT_PAYLOAD;
	config->retransmit_timeout_us = WB_PPOGATT_DEFAULT_RETRANSMIT_TIMEOUT_US;
	config->ack_delay_us = WB_PPOGATT_DEFAULT_ACK_DELAY_US;
	config->max_timeouts = WB_PPOGATT_DEFAULT_MAX_TIMEOUTS;
	config->max_resets = WB_PPOGATT_DEFAULT_MAX_RESETS;
	config->max_queue = WB_PPOGATT_DEFAULT_MAX_QUEUE;
	switch (role) {
	case WB_PPOGATT_ROLE_PHONE:
		config->rx_window = WB_PPOGATT_PHONE_WINDOW;
		config->tx_window = WB_PPOGATT_PHONE_WINDOW;
		break;
	case WB_PPOGATT_ROLE_WATCH:
		config->rx_window = WB_PPOGATT_WATCH_RX_WINDOW;
		config->tx_window = 0;
		break;
	}
}

/**
 * wb_ppogatt_new:
 * @config: the configuration (copied)
 *
 * Creates a link end in %WB_PPOGATT_STATE_CLOSED. Nothing is sent until wb_ppogatt_start().
 *
 * Returns: (transfer full): a new #WbPpogatt
 */
WbPpogatt *
wb_ppogatt_new(const WbPpogattConfig *config)
{
	WbPpogatt *self;

	g_return_val_if_fail(config != NULL, NULL);
	g_return_val_if_fail(config->version <= WB_PPOGATT_MAX_VERSION, NULL);
	g_return_val_if_fail(config->rx_window <= WB_PPOGATT_MAX_WINDOW, NULL);
	g_return_val_if_fail(config->tx_window <= WB_PPOGATT_MAX_WINDOW, NULL);
	g_return_val_if_fail(config->retransmit_timeout_us >= 0, NULL);
	g_return_val_if_fail(config->ack_delay_us >= 0, NULL);

	self = g_new0(WbPpogatt, 1);
	self->config = *config;
	if (self->config.retransmit_timeout_us == 0)
		self->config.retransmit_timeout_us = WB_PPOGATT_DEFAULT_RETRANSMIT_TIMEOUT_US;
	if (self->config.ack_delay_us == 0)
		self->config.ack_delay_us = WB_PPOGATT_DEFAULT_ACK_DELAY_US;
	if (self->config.max_timeouts == 0)
		self->config.max_timeouts = WB_PPOGATT_DEFAULT_MAX_TIMEOUTS;
	if (self->config.max_resets == 0)
		self->config.max_resets = WB_PPOGATT_DEFAULT_MAX_RESETS;
	if (self->config.max_queue == 0)
		self->config.max_queue = WB_PPOGATT_DEFAULT_MAX_QUEUE;
	self->max_payload = CLAMP(config->max_payload, 1, WB_PPOGATT_MAX_PAYLOAD);
	self->state = WB_PPOGATT_STATE_CLOSED;
	self->version = self->config.version;
	self->tx_window = WB_PPOGATT_V0_WINDOW;
	self->rx_window = WB_PPOGATT_V0_WINDOW;
	self->ack_deadline = G_MAXINT64;
	self->rto_deadline = G_MAXINT64;
	self->rx_buf = g_byte_array_new();
	self->tx_buf = g_byte_array_new();
	return self;
}

/**
 * wb_ppogatt_free:
 * @self: (nullable): a #WbPpogatt
 *
 * Frees @self and everything queued in it.
 */
void
wb_ppogatt_free(WbPpogatt *self)
{
	if (self == NULL)
		return;
	g_byte_array_unref(self->rx_buf);
	g_byte_array_unref(self->tx_buf);
	g_free(self);
}

/* Our own window limits for the handshake about to start (§10.10). */
static void
choose_windows(WbPpogatt *self)
{
	if (self->version == 0) {
		self->want_rx = self->want_tx = WB_PPOGATT_V0_WINDOW;
	} else {
		self->want_rx = self->config.rx_window;
		self->want_tx = self->config.tx_window;
		if (self->want_rx == 0)
			self->want_rx = self->config.role == WB_PPOGATT_ROLE_PHONE
						? WB_PPOGATT_PHONE_WINDOW
						: WB_PPOGATT_WATCH_RX_WINDOW;
		if (self->want_tx == 0) {
			if (self->config.role == WB_PPOGATT_ROLE_PHONE)
				self->want_tx = WB_PPOGATT_PHONE_WINDOW;
			else if (self->max_payload < WATCH_SMALL_PAYLOAD)
				self->want_tx = WB_PPOGATT_MAX_WINDOW;
			else
				self->want_tx = WB_PPOGATT_V0_WINDOW;
		}
	}
	self->tx_window = self->want_tx;
	self->rx_window = self->want_rx;
}

/* Forget all sequence state: both directions restart at sn 0 after every reset (§10.9). */
static void
clear_sequence_state(WbPpogatt *self)
{
	self->send_rr = FALSE;
	self->send_rc = FALSE;
	self->rx_next = 0;
	self->rx_any = FALSE;
	self->rx_unacked = 0;
	self->ack_now = FALSE;
	self->ack_deadline = G_MAXINT64;
	self->tx_base = 0;
	self->tx_inflight = 0;
	self->tx_sent = 0;
	self->tx_inflight_bytes = 0;
	memset(self->tx_len, 0, sizeof(self->tx_len));
	self->rto_deadline = G_MAXINT64;
	self->timeouts = 0;
}

/* An open session ends: what it had not delivered is gone (the Pebble Protocol session
 * restarts, as on the watch, which closes its CommSession on every reset). */
static void
end_session(WbPpogatt *self)
{
	if (self->state != WB_PPOGATT_STATE_OPEN)
		return;
	byte_queue_clear(self->tx_buf, &self->tx_head);
	byte_queue_clear(self->rx_buf, &self->rx_head);
	self->events |= WB_PPOGATT_EVENT_RESET;
}

static void
enter_reset(WbPpogatt *self, gboolean self_initiated, gint64 now_us)
{
	if (self_initiated && ++self->consecutive_resets > self->config.max_resets) {
		/* §10.10: the watch disconnects after 10 (CFW 5) resets in a row; we leave that
		 * decision to the owner */
		g_debug("ppogatt: %u resets without a handshake, giving up",
			self->consecutive_resets - 1);
		end_session(self);
		clear_sequence_state(self);
		self->consecutive_resets = 0;
		self->state = WB_PPOGATT_STATE_CLOSED;
		self->events |= WB_PPOGATT_EVENT_FAILED;
		return;
	}
	end_session(self);
	clear_sequence_state(self);
	self->stats.resets++;
	if (self_initiated)
		self->version = self->config.version;
	choose_windows(self);
	self->state = WB_PPOGATT_STATE_RESETTING;
	self->self_initiated = self_initiated;
	/* we ask, or we answer and then wait for the peer's Reset Complete */
	self->send_rr = self_initiated;
	self->send_rc = !self_initiated;
	self->rto_deadline = deadline_after(now_us, self->config.retransmit_timeout_us);
}

/**
 * wb_ppogatt_start:
 * @self: a #WbPpogatt
 * @now_us: the current time
 *
 * Starts the link once the transport is ready (the data characteristic is subscribed). The
 * initiator sends a Reset Request; the other end waits, without a timer, for the peer's.
 */
void
wb_ppogatt_start(WbPpogatt *self, gint64 now_us)
{
	g_return_if_fail(self != NULL);
	if (self->config.initiator)
		enter_reset(self, TRUE, now_us);
}

/**
 * wb_ppogatt_reset:
 * @self: a #WbPpogatt
 * @now_us: the current time
 *
 * Sends a Reset Request now, whatever the state and the role: to recover a stuck session, or
 * as a responder that has waited too long for the peer's request (LP3 falls back to its own
 * after 12 s). An open session ends (%WB_PPOGATT_EVENT_RESET).
 */
void
wb_ppogatt_reset(WbPpogatt *self, gint64 now_us)
{
	g_return_if_fail(self != NULL);
	enter_reset(self, TRUE, now_us);
}

static void
handle_reset_request(WbPpogatt *self, const WbPpogattPacket *p, gint64 now_us)
{
	switch (self->state) {
	case WB_PPOGATT_STATE_RESETTING:
		if (!self->self_initiated) {
			/* The peer repeats its request: our Reset Complete was probably lost.
			 * The watch ignores it; answering again costs nothing (a Reset Complete
			 * while open is ignored) and saves a handshake timeout. The peer is
			 * alive, so our own timer starts again: it should only fire, and send a
			 * request of ours, once the peer has gone quiet. Otherwise our request
			 * could cross the Reset Complete with which the peer confirms our
			 * answer, and the two ends would open different sessions. */
			self->send_rc = TRUE;
			self->rto_deadline =
				deadline_after(now_us, self->config.retransmit_timeout_us);
			self->stats.ignored++;
			return;
		}
		if (self->config.initiator) {
			/* both ends asked at once: the initiator keeps its own request, as the
			 * watch does (§10.10) */
			self->stats.ignored++;
			return;
		}
		/* the other end yields, else the two requests could cross forever */
		break;
	case WB_PPOGATT_STATE_CLOSED:
	case WB_PPOGATT_STATE_OPEN:
		break;
	}
	self->version = MIN(p->version, self->config.version);
	enter_reset(self, FALSE, now_us);
}

static void
handle_reset_complete(WbPpogatt *self, const WbPpogattPacket *p)
{
	switch (self->state) {
	case WB_PPOGATT_STATE_CLOSED:
	case WB_PPOGATT_STATE_OPEN:
		/* §10.10: a Reset Complete while open is ignored */
		self->stats.ignored++;
		return;
	case WB_PPOGATT_STATE_RESETTING:
		break;
	}
	if (self->version == 0) {
		self->tx_window = self->rx_window = WB_PPOGATT_V0_WINDOW;
	} else if (p->has_windows) {
		self->tx_window = MIN(self->want_tx, p->max_rx_window);
		self->rx_window = MIN(self->want_rx, p->max_tx_window);
	} else {
		/* a v1 Reset Complete without windows: the watch falls back to v0's */
		self->tx_window = self->rx_window = WB_PPOGATT_V0_WINDOW;
	}
	/* we asked: confirm with our own Reset Complete (§10.10 step 3) */
	self->send_rc = self->self_initiated;
	self->send_rr = FALSE;
	self->rto_deadline = G_MAXINT64;
	self->timeouts = 0;
	self->consecutive_resets = 0;
	self->state = WB_PPOGATT_STATE_OPEN;
	self->events |= WB_PPOGATT_EVENT_OPENED;
	g_debug("ppogatt: open, version %u, tx window %u, rx window %u", self->version,
		self->tx_window, self->rx_window);
}

static void
handle_data(WbPpogatt *self, const WbPpogattPacket *p, gint64 now_us)
{
	if (p->sn != self->rx_next) {
		/* Duplicate or out of order: drop. Unlike the watch, which stays silent, repeat
		 * our last Ack (as LP3 does): if it was lost the sender would otherwise time out
		 * twice and reset; the sender ignores a repeated Ack (§10.11). */
		self->stats.dups_dropped++;
		if (self->rx_any) {
			self->ack_now = TRUE;
			self->ack_deadline = G_MAXINT64;
		}
		return;
	}
	g_byte_array_append(self->rx_buf, p->payload, (guint)p->len);
	self->stats.bytes_received += p->len;
	self->rx_next = sn_add(self->rx_next, 1);
	self->rx_any = TRUE;
	self->rx_unacked++;
	if (self->version == 0) {
		/* v0: every packet is acknowledged at once */
		self->ack_now = TRUE;
	} else if (self->rx_unacked >= MAX(1u, self->rx_window / 2u)) {
		/* v1: acknowledge before the sender's window can fill */
		self->ack_now = TRUE;
		self->ack_deadline = G_MAXINT64;
	} else if (self->ack_deadline == G_MAXINT64) {
		self->ack_deadline = deadline_after(now_us, self->config.ack_delay_us);
	}
}

static void
handle_ack(WbPpogatt *self, const WbPpogattPacket *p, gint64 now_us)
{
	guint d = sn_distance(self->tx_base, p->sn);
	gsize bytes = 0;

	if (d < self->tx_inflight) {
		/* cumulative: everything up to and including sn */
		guint k = d + 1;

		for (guint i = 0; i < k; i++) {
			guint8 sn = sn_add(self->tx_base, i);
			bytes += self->tx_len[sn];
			self->tx_len[sn] = 0;
		}
		byte_queue_consume(self->tx_buf, &self->tx_head, bytes);
		self->tx_inflight_bytes -= bytes;
		self->stats.bytes_sent += bytes;
		self->tx_inflight -= k;
		self->tx_sent = self->tx_sent > k ? self->tx_sent - k : 0;
		self->tx_base = sn_add(p->sn, 1);
		self->timeouts = 0;
		self->rto_deadline =
			self->tx_inflight > 0
				? deadline_after(now_us, self->config.retransmit_timeout_us)
				: G_MAXINT64;
		return;
	}

	/* §10.11: a repeated Ack for the packet before the oldest in flight means the peer got a
	 * retransmission or a duplicate; ignore it rather than go back at once (the watch's
	 * comment: that would be the Sorcerer's Apprentice bug). Any other Ack is for a packet
	 * we never sent or that was acknowledged long ago: the two ends disagree, reset. An
	 * ordered link (BLE) never delivers an older Ack after a newer one. */
	if (p->sn == sn_add(self->tx_base, WB_PPOGATT_SN_MOD - 1)) {
		self->stats.acks_ignored++;
		return;
	}
	g_debug("ppogatt: ack for sn %u outside [%u, +%u), resetting", p->sn, self->tx_base,
		self->tx_inflight);
	enter_reset(self, TRUE, now_us);
}

/**
 * wb_ppogatt_receive:
 * @self: a #WbPpogatt
 * @pkt: (array length=len): one received GATT value
 * @len: its length
 * @now_us: the current time
 * @error: return location for a #GError
 *
 * Handles one packet from the peer. A malformed packet fails with a %WB_PROTO_ERROR and
 * changes nothing but the @bad_packets counter: the caller logs and drops it. A well-formed
 * packet that the current state does not expect is ignored as the watch does (§10.10): Data
 * and Ack while not open, Reset Complete while open.
 *
 * Returns: %FALSE if the packet was malformed
 */
gboolean
wb_ppogatt_receive(WbPpogatt *self, const guint8 *pkt, gsize len, gint64 now_us, GError **error)
{
	WbPpogattPacket p;

	g_return_val_if_fail(self != NULL, FALSE);
	if (!wb_ppogatt_packet_decode(pkt, len, &p, error)) {
		self->stats.bad_packets++;
		return FALSE;
	}
	self->stats.packets_received++;
	switch (p.type) {
	case WB_PPOGATT_TYPE_RESET_REQUEST:
		handle_reset_request(self, &p, now_us);
		break;
	case WB_PPOGATT_TYPE_RESET_COMPLETE:
		handle_reset_complete(self, &p);
		break;
	case WB_PPOGATT_TYPE_DATA:
		if (self->state == WB_PPOGATT_STATE_OPEN)
			handle_data(self, &p, now_us);
		else
			self->stats.ignored++;
		break;
	case WB_PPOGATT_TYPE_ACK:
		if (self->state == WB_PPOGATT_STATE_OPEN)
			handle_ack(self, &p, now_us);
		else
			self->stats.ignored++;
		break;
	}
	return TRUE;
}

/**
 * wb_ppogatt_write:
 * @self: a #WbPpogatt
 * @bytes: (array length=len): Pebble Protocol stream bytes
 * @len: their number
 *
 * Queues stream bytes for the peer. They are held until acknowledged, and the queue is
 * bounded by #WbPpogattConfig.max_queue: when @len more bytes would not fit, nothing is
 * queued and %FALSE is returned, so the caller applies back-pressure and tries again after
 * the next Ack (wb_ppogatt_get_queued() tells how full it is). Bytes written while the link
 * is not open wait for it to open. A reset discards them (see %WB_PPOGATT_EVENT_RESET).
 *
 * Returns: %TRUE if the bytes were queued
 */
gboolean
wb_ppogatt_write(WbPpogatt *self, const guint8 *bytes, gsize len)
{
	g_return_val_if_fail(self != NULL, FALSE);
	if (len > self->config.max_queue - wb_ppogatt_get_queued(self))
		return FALSE;
	if (len > 0)
		g_byte_array_append(self->tx_buf, bytes, (guint)len);
	return TRUE;
}

/**
 * wb_ppogatt_tick:
 * @self: a #WbPpogatt
 * @now_us: the current time
 *
 * Runs the timers that are due at @now_us: a retransmission timeout goes back to the oldest
 * unacknowledged packet (go-back-N, same fragmentation), or starts a reset after
 * #WbPpogattConfig.max_timeouts in a row without progress; a handshake timeout sends a new
 * Reset Request; a due coalesced Ack is released. Calling it early is harmless.
 */
void
wb_ppogatt_tick(WbPpogatt *self, gint64 now_us)
{
	g_return_if_fail(self != NULL);
	switch (self->state) {
	case WB_PPOGATT_STATE_CLOSED:
		return;
	case WB_PPOGATT_STATE_RESETTING:
		if (now_us >= self->rto_deadline) {
			/* §10.10: no Reset Complete in time, ask again */
			self->stats.timeouts++;
			enter_reset(self, TRUE, now_us);
		}
		return;
	case WB_PPOGATT_STATE_OPEN:
		break;
	}
	if (now_us >= self->rto_deadline) {
		self->stats.timeouts++;
		if (++self->timeouts >= self->config.max_timeouts) {
			g_debug("ppogatt: %u timeouts without progress, resetting", self->timeouts);
			enter_reset(self, TRUE, now_us);
			return;
		}
		self->tx_sent = 0;
		self->rto_deadline = deadline_after(now_us, self->config.retransmit_timeout_us);
	}
	if (now_us >= self->ack_deadline) {
		self->ack_now = TRUE;
		self->ack_deadline = G_MAXINT64;
	}
}

/**
 * wb_ppogatt_next_deadline:
 * @self: a #WbPpogatt
 *
 * Returns: when wb_ppogatt_tick() must be called next, in the clock of the @now_us
 *   arguments, or %G_MAXINT64 if no timer is armed (closed, or open with nothing in flight
 *   and no Ack owed)
 */
gint64
wb_ppogatt_next_deadline(const WbPpogatt *self)
{
	g_return_val_if_fail(self != NULL, G_MAXINT64);
	switch (self->state) {
	case WB_PPOGATT_STATE_CLOSED:
		return G_MAXINT64;
	case WB_PPOGATT_STATE_RESETTING:
		return self->rto_deadline;
	case WB_PPOGATT_STATE_OPEN:
		break;
	}
	return MIN(self->rto_deadline, self->ack_deadline);
}

static GBytes *
make_packet(WbPpogatt *self, guint8 header, const guint8 *payload, gsize len)
{
	guint8 *buf = g_malloc(len + 1);

	buf[0] = header;
	if (len > 0)
		memcpy(buf + 1, payload, len);
	self->stats.packets_sent++;
	return g_bytes_new_take(buf, len + 1);
}

static GBytes *
make_reset_packet(WbPpogatt *self)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	WbPpogattPacket p = {0};

	if (self->send_rr) {
		self->send_rr = FALSE;
		p.type = WB_PPOGATT_TYPE_RESET_REQUEST;
		p.version = self->version;
		p.has_serial = self->config.has_serial;
		memcpy(p.serial, self->config.serial, sizeof(p.serial));
	} else {
		self->send_rc = FALSE;
		p.type = WB_PPOGATT_TYPE_RESET_COMPLETE;
		p.has_windows = self->version >= 1;
		p.max_rx_window = self->want_rx;
		p.max_tx_window = self->want_tx;
	}
	/* cannot fail: every field was validated when it was set */
	if (!wb_ppogatt_packet_encode(&p, buf, NULL))
		g_assert_not_reached();
	self->stats.packets_sent++;
	return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
}

/**
 * wb_ppogatt_pop_tx:
 * @self: a #WbPpogatt
 * @now_us: the current time (a Data packet's retransmission timer starts when it leaves)
 *
 * Takes the next packet to write or notify on the data characteristic, in this order: a
 * Reset Request or Complete, an Ack that is due, a Data packet to retransmit, new Data while
 * the window allows. Call it until it returns %NULL after every other call.
 *
 * Returns: (transfer full) (nullable): one packet, or %NULL if there is nothing to send now
 */
GBytes *
wb_ppogatt_pop_tx(WbPpogatt *self, gint64 now_us)
{
	gsize offset;
	guint8 sn;

	g_return_val_if_fail(self != NULL, NULL);
	if (self->send_rr || self->send_rc)
		return make_reset_packet(self);
	if (self->state != WB_PPOGATT_STATE_OPEN)
		return NULL;

	if (self->ack_now) {
		self->ack_now = FALSE;
		self->ack_deadline = G_MAXINT64;
		self->rx_unacked = 0;
		if (self->rx_any) {
			sn = sn_add(self->rx_next, WB_PPOGATT_SN_MOD - 1);
			return make_packet(self,
					   (guint8)(sn << HEADER_SN_SHIFT | WB_PPOGATT_TYPE_ACK),
					   NULL, 0);
		}
	}

	if (self->tx_sent < self->tx_inflight) {
		/* go-back-N: resend with the fragmentation of the first transmission, so that
		 * each sn always carries the same bytes */
		offset = self->tx_head;
		for (guint i = 0; i < self->tx_sent; i++)
			offset += self->tx_len[sn_add(self->tx_base, i)];
		sn = sn_add(self->tx_base, self->tx_sent);
		self->tx_sent++;
		self->stats.retransmits++;
		return make_packet(self, (guint8)(sn << HEADER_SN_SHIFT | WB_PPOGATT_TYPE_DATA),
				   self->tx_buf->data + offset, self->tx_len[sn]);
	}

	offset = self->tx_head + self->tx_inflight_bytes;
	if (self->tx_inflight < self->tx_window && offset < self->tx_buf->len) {
		gsize len = MIN(self->tx_buf->len - offset, self->max_payload);

		sn = sn_add(self->tx_base, self->tx_inflight);
		self->tx_len[sn] = (guint16)len;
		self->tx_inflight++;
		self->tx_sent++;
		self->tx_inflight_bytes += len;
		if (self->rto_deadline == G_MAXINT64)
			self->rto_deadline =
				deadline_after(now_us, self->config.retransmit_timeout_us);
		return make_packet(self, (guint8)(sn << HEADER_SN_SHIFT | WB_PPOGATT_TYPE_DATA),
				   self->tx_buf->data + offset, len);
	}
	return NULL;
}

/**
 * wb_ppogatt_read:
 * @self: a #WbPpogatt
 * @buf: (array length=cap): where to copy delivered stream bytes
 * @cap: the room in @buf
 *
 * Takes stream bytes delivered in order, exactly once.
 *
 * Returns: the number of bytes copied, 0 if none are waiting
 */
gsize
wb_ppogatt_read(WbPpogatt *self, guint8 *buf, gsize cap)
{
	gsize n;

	g_return_val_if_fail(self != NULL, 0);
	n = MIN(cap, self->rx_buf->len - self->rx_head);
	if (n == 0)
		return 0;
	memcpy(buf, self->rx_buf->data + self->rx_head, n);
	byte_queue_consume(self->rx_buf, &self->rx_head, n);
	return n;
}

/**
 * wb_ppogatt_take_events:
 * @self: a #WbPpogatt
 *
 * Returns: the #WbPpogattEvent flags raised since the last call, and clears them
 */
guint
wb_ppogatt_take_events(WbPpogatt *self)
{
	guint events;

	g_return_val_if_fail(self != NULL, 0);
	events = self->events;
	self->events = WB_PPOGATT_EVENT_NONE;
	return events;
}

/**
 * wb_ppogatt_set_max_payload:
 * @self: a #WbPpogatt
 * @max_payload: payload bytes per packet, ATT MTU - 4
 *
 * Changes the packet size after an MTU exchange. Packets already in flight keep their size
 * (retransmissions must repeat the same fragmentation); new packets use the new one. The
 * value is clamped to 1..%WB_PPOGATT_MAX_PAYLOAD.
 */
void
wb_ppogatt_set_max_payload(WbPpogatt *self, gsize max_payload)
{
	g_return_if_fail(self != NULL);
	self->max_payload = CLAMP(max_payload, 1, WB_PPOGATT_MAX_PAYLOAD);
}

/**
 * wb_ppogatt_get_max_payload:
 * @self: a #WbPpogatt
 *
 * Returns: the payload bytes per new packet
 */
gsize
wb_ppogatt_get_max_payload(const WbPpogatt *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->max_payload;
}

/**
 * wb_ppogatt_get_state:
 * @self: a #WbPpogatt
 *
 * Returns: the current state
 */
WbPpogattState
wb_ppogatt_get_state(const WbPpogatt *self)
{
	g_return_val_if_fail(self != NULL, WB_PPOGATT_STATE_CLOSED);
	return self->state;
}

/**
 * wb_ppogatt_state_to_string:
 * @state: a state
 *
 * Returns: (transfer none): a short name for logs and `wearctl status`
 */
const gchar *
wb_ppogatt_state_to_string(WbPpogattState state)
{
	switch (state) {
	case WB_PPOGATT_STATE_CLOSED:
		return "closed";
	case WB_PPOGATT_STATE_RESETTING:
		return "resetting";
	case WB_PPOGATT_STATE_OPEN:
		return "open";
	}
	return "unknown";
}

/**
 * wb_ppogatt_get_version:
 * @self: a #WbPpogatt
 *
 * Returns: the negotiated version while open; the one being negotiated while resetting
 */
guint8
wb_ppogatt_get_version(const WbPpogatt *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->version;
}

/**
 * wb_ppogatt_get_tx_window:
 * @self: a #WbPpogatt
 *
 * Returns: the most Data packets we put in flight (negotiated while open)
 */
guint8
wb_ppogatt_get_tx_window(const WbPpogatt *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->tx_window;
}

/**
 * wb_ppogatt_get_rx_window:
 * @self: a #WbPpogatt
 *
 * Returns: the receive window (negotiated while open); v1 acknowledges every half of it
 */
guint8
wb_ppogatt_get_rx_window(const WbPpogatt *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->rx_window;
}

/**
 * wb_ppogatt_get_queued:
 * @self: a #WbPpogatt
 *
 * Returns: stream bytes written and not yet acknowledged (in flight plus unsent)
 */
gsize
wb_ppogatt_get_queued(const WbPpogatt *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->tx_buf->len - self->tx_head;
}

/**
 * wb_ppogatt_get_readable:
 * @self: a #WbPpogatt
 *
 * Returns: delivered stream bytes waiting for wb_ppogatt_read()
 */
gsize
wb_ppogatt_get_readable(const WbPpogatt *self)
{
	g_return_val_if_fail(self != NULL, 0);
	return self->rx_buf->len - self->rx_head;
}

/**
 * wb_ppogatt_get_stats:
 * @self: a #WbPpogatt
 * @out_stats: (out caller-allocates): the counters
 *
 * Copies the counters.
 */
void
wb_ppogatt_get_stats(const WbPpogatt *self, WbPpogattStats *out_stats)
{
	g_return_if_fail(self != NULL);
	*out_stats = self->stats;
}
