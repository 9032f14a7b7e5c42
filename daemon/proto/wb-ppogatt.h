/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/* PPoGATT, Pebble Protocol over GATT (reference §10.9-10.14): a go-back-N link layer with
 * 5-bit sequence numbers that carries the Pebble Protocol byte stream in GATT writes and
 * notifications. */

/* Sequence numbers are 5 bits (§10.9). */
#define WB_PPOGATT_SN_MOD 32
/* The largest window the protocol can express: 31 packets in flight out of 32 sequence
 * numbers (§10.10). */
#define WB_PPOGATT_MAX_WINDOW 31
/* Version 0 has fixed windows of 4 in both directions (§10.10). */
#define WB_PPOGATT_V0_WINDOW 4
/* The highest PPoGATT version (§10.8: the watch uses min(max_version, 1)). */
#define WB_PPOGATT_MAX_VERSION 1
/* Length of the serial number in the watch's Reset Request (§10.9). */
#define WB_PPOGATT_SERIAL_LEN 12
/* A packet is one GATT attribute value, which the Core spec caps at 512 bytes. */
#define WB_PPOGATT_MAX_PACKET 512
/* Payload bytes per packet at most: one byte goes to the header. */
#define WB_PPOGATT_MAX_PAYLOAD (WB_PPOGATT_MAX_PACKET - 1)
/* Payload per packet at the default ATT MTU of 23: 23 - 3 (ATT header) - 1 (§10.9). */
#define WB_PPOGATT_DEFAULT_PAYLOAD 19

/**
 * WbPpogattType:
 * @WB_PPOGATT_TYPE_DATA: a slice of the Pebble Protocol stream
 * @WB_PPOGATT_TYPE_ACK: cumulative acknowledgement of Data up to and including sn
 * @WB_PPOGATT_TYPE_RESET_REQUEST: starts the reset handshake
 * @WB_PPOGATT_TYPE_RESET_COMPLETE: answers a Reset Request, or confirms one
 *
 * Packet types, the low 3 bits of the header (§10.9). Types 4-7 are invalid.
 */
typedef enum {
	WB_PPOGATT_TYPE_DATA = 0,
	WB_PPOGATT_TYPE_ACK = 1,
	WB_PPOGATT_TYPE_RESET_REQUEST = 2,
	WB_PPOGATT_TYPE_RESET_COMPLETE = 3,
} WbPpogattType;

const gchar *wb_ppogatt_type_to_string(WbPpogattType type);

/**
 * WbPpogattPacket:
 * @type: the packet type
 * @sn: sequence number 0-31; always 0 for Reset Request and Reset Complete
 * @payload: (array length=len): Data only: the stream bytes, borrowed from the buffer the
 *   packet was decoded from
 * @len: Data only: payload length
 * @version: Reset Request only: the PPoGATT version the sender wants (0 or 1)
 * @has_serial: Reset Request only: whether @serial follows the version (the watch sends it,
 *   a phone-initiated request has only the version)
 * @serial: Reset Request only: the watch's serial number, ASCII, not NUL-terminated
 * @has_windows: Reset Complete only: whether the v1 window fields are present
 * @max_rx_window: Reset Complete v1: the most packets the sender accepts in flight, 1-31
 * @max_tx_window: Reset Complete v1: the most packets the sender puts in flight, 1-31
 *
 * One PPoGATT packet (§10.9). It owns no memory.
 */
typedef struct {
	WbPpogattType type;
	guint8 sn;
	const guint8 *payload;
	gsize len;
	guint8 version;
	gboolean has_serial;
	guint8 serial[WB_PPOGATT_SERIAL_LEN];
	gboolean has_windows;
	guint8 max_rx_window;
	guint8 max_tx_window;
} WbPpogattPacket;

gboolean wb_ppogatt_packet_decode(const guint8 *buf, gsize len, WbPpogattPacket *out,
				  GError **error);
gboolean wb_ppogatt_packet_encode(const WbPpogattPacket *packet, GByteArray *out, GError **error);

/**
 * WbPpogattRole:
 * @WB_PPOGATT_ROLE_PHONE: the phone end (the daemon)
 * @WB_PPOGATT_ROLE_WATCH: the watch end (the simulator)
 *
 * Which end a #WbPpogatt plays. The protocol is symmetric once open; the role only chooses
 * defaults in wb_ppogatt_config_init() (windows, whether a serial goes into the Reset
 * Request).
 */
typedef enum {
	WB_PPOGATT_ROLE_PHONE,
	WB_PPOGATT_ROLE_WATCH,
} WbPpogattRole;

/**
 * WbPpogattConfig:
 * @role: which end this is
 * @initiator: %TRUE if this end sends the first Reset Request when started: the watch in
 *   normal mode and in FW/DA reversed mode, the phone in CFW reversed mode and reversed V2
 *   (§10.10, §10.13, §10.14). It also breaks the tie when both ends send a Reset Request at
 *   once: the initiator ignores the crossing request, the other end yields to it.
 * @version: the highest version this end speaks, 0 or 1. An initiator offers it; a responder
 *   uses min(@version, the version in the peer's Reset Request).
 * @max_payload: payload bytes per packet, ATT MTU - 4, 1..%WB_PPOGATT_MAX_PAYLOAD; change it
 *   later with wb_ppogatt_set_max_payload()
 * @rx_window: v1: the most packets we accept in flight, 1-31, or 0 for the role's default
 * @tx_window: v1: the most packets we put in flight, 1-31, or 0 for the role's default
 * @retransmit_timeout_us: how long a Data packet waits for its Ack before go-back-N, and how
 *   long a reset waits for its Reset Complete; 0 for the default
 * @ack_delay_us: v1: the longest an Ack is held back for coalescing; 0 for the default
 * @max_timeouts: consecutive retransmission timeouts without progress that start a reset;
 *   0 for the default (2, as the watch)
 * @max_resets: consecutive self-initiated resets without a completed handshake after which
 *   the link gives up (%WB_PPOGATT_EVENT_FAILED); 0 for the default
 * @max_queue: the most stream bytes wb_ppogatt_write() holds (unsent plus unacknowledged);
 *   0 for the default
 * @has_serial: whether @serial goes into our Reset Requests (the watch sends its serial)
 * @serial: the serial number, ASCII
 *
 * Configuration of a #WbPpogatt. Fill it with wb_ppogatt_config_init() and change fields.
 */
typedef struct {
	WbPpogattRole role;
	gboolean initiator;
	guint8 version;
	gsize max_payload;
	guint8 rx_window;
	guint8 tx_window;
	gint64 retransmit_timeout_us;
	gint64 ack_delay_us;
	guint max_timeouts;
	guint max_resets;
	gsize max_queue;
	gboolean has_serial;
	guint8 serial[WB_PPOGATT_SERIAL_LEN];
} WbPpogattConfig;

/* Phone-side default windows: LP3 caps both at 25, GB answers `03 19 19` (§10.10). */
#define WB_PPOGATT_PHONE_WINDOW 25
/* Watch-side default receive window: min(4500 / (339 - 3), 31) on the DA14681 (§10.10). The
 * watch's transmit window is chosen at each reset: 31 below 23 payload bytes, else 4. */
#define WB_PPOGATT_WATCH_RX_WINDOW 13
/* See docs/ppogatt.md "Timers" for why. */
#define WB_PPOGATT_DEFAULT_RETRANSMIT_TIMEOUT_US (5 * G_USEC_PER_SEC)
#define WB_PPOGATT_DEFAULT_ACK_DELAY_US          (200 * 1000)
#define WB_PPOGATT_DEFAULT_MAX_TIMEOUTS          2
#define WB_PPOGATT_DEFAULT_MAX_RESETS            10
#define WB_PPOGATT_DEFAULT_MAX_QUEUE             (64 * 1024)

void wb_ppogatt_config_init(WbPpogattConfig *config, WbPpogattRole role);

/**
 * WbPpogattState:
 * @WB_PPOGATT_STATE_CLOSED: not started, waiting for the peer's Reset Request, or given up
 * @WB_PPOGATT_STATE_RESETTING: a reset handshake is under way; Data and Ack are ignored
 * @WB_PPOGATT_STATE_OPEN: the stream flows
 */
typedef enum {
	WB_PPOGATT_STATE_CLOSED,
	WB_PPOGATT_STATE_RESETTING,
	WB_PPOGATT_STATE_OPEN,
} WbPpogattState;

const gchar *wb_ppogatt_state_to_string(WbPpogattState state);

/**
 * WbPpogattEvent:
 * @WB_PPOGATT_EVENT_NONE: nothing happened
 * @WB_PPOGATT_EVENT_OPENED: the handshake completed: a new Pebble Protocol session starts
 *   with the next byte in each direction
 * @WB_PPOGATT_EVENT_RESET: an open link was reset: the session is over. Bytes written before
 *   this event and not yet acknowledged, and received bytes not yet read, were discarded.
 *   Everything written from now on belongs to the next session.
 * @WB_PPOGATT_EVENT_FAILED: too many resets did not complete (#WbPpogattConfig.max_resets);
 *   the link is %WB_PPOGATT_STATE_CLOSED with no timer armed and the owner should disconnect
 *
 * Flags returned by wb_ppogatt_take_events().
 */
typedef enum {
	WB_PPOGATT_EVENT_NONE = 0,
	WB_PPOGATT_EVENT_OPENED = 1 << 0,
	WB_PPOGATT_EVENT_RESET = 1 << 1,
	WB_PPOGATT_EVENT_FAILED = 1 << 2,
} WbPpogattEvent;

/**
 * WbPpogattStats:
 * @packets_sent: packets returned by wb_ppogatt_pop_tx()
 * @packets_received: well-formed packets given to wb_ppogatt_receive()
 * @bytes_sent: stream bytes acknowledged by the peer
 * @bytes_received: stream bytes delivered in order
 * @retransmits: Data packets sent again after a timeout
 * @timeouts: retransmission and handshake timeouts
 * @resets: reset handshakes entered, by either side
 * @dups_dropped: Data packets dropped because they were duplicates or out of order
 * @acks_ignored: repeated or stale Acks ignored
 * @ignored: well-formed packets not valid in the state they arrived in
 * @bad_packets: malformed packets rejected by wb_ppogatt_receive()
 *
 * Counters for `wearctl status` and benchmarks. They survive resets.
 */
typedef struct {
	guint64 packets_sent;
	guint64 packets_received;
	guint64 bytes_sent;
	guint64 bytes_received;
	guint64 retransmits;
	guint64 timeouts;
	guint64 resets;
	guint64 dups_dropped;
	guint64 acks_ignored;
	guint64 ignored;
	guint64 bad_packets;
} WbPpogattStats;

/**
 * WbPpogatt:
 *
 * One end of a PPoGATT link as a pure state machine: no clock, no I/O. The owner feeds it
 * received packets and the time, takes packets to transmit and delivered stream bytes, and
 * arms one timer at wb_ppogatt_next_deadline().
 *
 * After every call to wb_ppogatt_start(), wb_ppogatt_reset(), wb_ppogatt_receive(),
 * wb_ppogatt_write() and wb_ppogatt_tick(), the owner must
 * 1. take the events (wb_ppogatt_take_events()) before writing again: a reset is a session
 *    boundary, and bytes written after it belong to the next session;
 * 2. read the delivered bytes (wb_ppogatt_read()): unread bytes are discarded by a reset;
 * 3. transmit every packet wb_ppogatt_pop_tx() returns, until it returns %NULL;
 * 4. re-arm its timer at wb_ppogatt_next_deadline() (%G_MAXINT64: no timer; an idle,
 *    fully acknowledged link has none).
 */
typedef struct _WbPpogatt WbPpogatt;

WbPpogatt *wb_ppogatt_new(const WbPpogattConfig *config);
void wb_ppogatt_free(WbPpogatt *self);

void wb_ppogatt_start(WbPpogatt *self, gint64 now_us);
void wb_ppogatt_reset(WbPpogatt *self, gint64 now_us);
gboolean wb_ppogatt_receive(WbPpogatt *self, const guint8 *pkt, gsize len, gint64 now_us,
			    GError **error);
gboolean wb_ppogatt_write(WbPpogatt *self, const guint8 *bytes, gsize len);
void wb_ppogatt_tick(WbPpogatt *self, gint64 now_us);
gint64 wb_ppogatt_next_deadline(const WbPpogatt *self);
GBytes *wb_ppogatt_pop_tx(WbPpogatt *self, gint64 now_us);
gsize wb_ppogatt_read(WbPpogatt *self, guint8 *buf, gsize cap);
guint wb_ppogatt_take_events(WbPpogatt *self);

void wb_ppogatt_set_max_payload(WbPpogatt *self, gsize max_payload);
gsize wb_ppogatt_get_max_payload(const WbPpogatt *self);
WbPpogattState wb_ppogatt_get_state(const WbPpogatt *self);
guint8 wb_ppogatt_get_version(const WbPpogatt *self);
guint8 wb_ppogatt_get_tx_window(const WbPpogatt *self);
guint8 wb_ppogatt_get_rx_window(const WbPpogatt *self);
gsize wb_ppogatt_get_queued(const WbPpogatt *self);
gsize wb_ppogatt_get_readable(const WbPpogatt *self);
void wb_ppogatt_get_stats(const WbPpogatt *self, WbPpogattStats *out_stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbPpogatt, wb_ppogatt_free)

G_END_DECLS
