/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Fuzz target for PPoGATT: the input is a script that drives two state machines, A and its
 * peer B, joined by a link the script controls (deliver or drop each packet), while also
 * injecting raw packets, writing, reading, resetting and moving the clock. Every raw packet
 * also goes through a decode/encode round trip.
 *
 * Byte 0 chooses the configuration: bit 0 A's role (0 phone, 1 watch; B has the other),
 * bit 1 A's version, bit 2 B's version, bit 3 who initiates (0 the watch), bits 4-5 the
 * payload size (19, 1, 155, 335), bit 6 a small send queue, bit 7 few resets before giving
 * up. Then each op is one byte (op % 14) followed by its arguments.
 *
 * Invariants checked (abort() on violation): packets we send decode and re-encode to the
 * same bytes and fit the largest payload; a tick leaves no deadline in the past; the send
 * queue stays within its limit; and as long as nothing was injected and neither end saw a
 * second session, what each end reads is a prefix of what the other wrote.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "wb-ppogatt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	WbPpogatt *pg;
	GByteArray *sent; /* everything written */
	GByteArray *got;  /* everything read */
	gsize max_queue;
	guint opened;
	guint resets;
} End;

typedef struct {
	const guint8 *data;
	gsize size;
	gsize pos;
	gint64 now;
	gboolean injected;
	End end[2];
} Script;

static guint8
next_u8(Script *s)
{
	return s->pos < s->size ? s->data[s->pos++] : 0;
}

static void
check_roundtrip(const guint8 *buf, gsize len)
{
	g_autoptr(GByteArray) first = g_byte_array_new();
	g_autoptr(GByteArray) second = g_byte_array_new();
	WbPpogattPacket p;

	if (!wb_ppogatt_packet_decode(buf, len, &p, NULL))
		return;
	if (!wb_ppogatt_packet_encode(&p, first, NULL))
		abort();
	if (!wb_ppogatt_packet_decode(first->data, first->len, &p, NULL))
		abort();
	if (!wb_ppogatt_packet_encode(&p, second, NULL))
		abort();
	if (first->len != second->len || !fuzz_same_bytes(first->data, second->data, first->len))
		abort();
}

/* Takes events and delivered bytes after every call, as the owner must. */
static void
service(Script *s, guint i)
{
	End *e = &s->end[i];
	guint ev = wb_ppogatt_take_events(e->pg);
	guint8 buf[256];
	gsize n;

	if (ev & WB_PPOGATT_EVENT_OPENED)
		e->opened++;
	if (ev & (WB_PPOGATT_EVENT_RESET | WB_PPOGATT_EVENT_FAILED))
		e->resets++;
	while ((n = wb_ppogatt_read(e->pg, buf, sizeof(buf))) > 0)
		g_byte_array_append(e->got, buf, (guint)n);
	if (wb_ppogatt_get_queued(e->pg) > e->max_queue)
		abort();
	if (wb_ppogatt_get_readable(e->pg) != 0)
		abort();
}

static void
inject(Script *s, guint i)
{
	gsize len = next_u8(s) % 40;
	const guint8 *pkt = s->data + s->pos;

	len = MIN(len, s->size - s->pos);
	s->pos += len;
	check_roundtrip(pkt, len);
	/* a private copy, so ASan sees any read past the packet */
	{
		g_autofree guint8 *copy = g_memdup2(pkt, len);
		(void)wb_ppogatt_receive(s->end[i].pg, copy, len, s->now, NULL);
	}
	s->injected = TRUE;
	service(s, i);
}

static void
write_stream(Script *s, guint i)
{
	End *e = &s->end[i];
	gsize len = (gsize)next_u8(s) * 8;
	g_autofree guint8 *buf = g_malloc(len + 1);

	/* a pattern that differs at every offset within a few KB */
	for (gsize k = 0; k < len; k++) {
		gsize off = e->sent->len + k;
		buf[k] = (guint8)(off ^ (off >> 8) ^ (i * 0x5a));
	}
	if (wb_ppogatt_write(e->pg, buf, len))
		g_byte_array_append(e->sent, buf, (guint)len);
	service(s, i);
}

static void
tick_both(Script *s)
{
	for (guint i = 0; i < 2; i++) {
		gint64 deadline;

		wb_ppogatt_tick(s->end[i].pg, s->now);
		deadline = wb_ppogatt_next_deadline(s->end[i].pg);
		if (deadline != G_MAXINT64 && deadline <= s->now)
			abort();
		service(s, i);
	}
}

/* Pops every packet of end @i; each is delivered to the peer unless the script's mask drops
 * it. */
static void
pump(Script *s, guint i)
{
	guint8 mask = next_u8(s);
	guint k = 0;
	GBytes *b;

	while ((b = wb_ppogatt_pop_tx(s->end[i].pg, s->now)) != NULL) {
		gsize len;
		const guint8 *pkt = g_bytes_get_data(b, &len);
		g_autoptr(GByteArray) again = g_byte_array_new();
		WbPpogattPacket p;

		/* what we send is well formed and canonical */
		if (!wb_ppogatt_packet_decode(pkt, len, &p, NULL))
			abort();
		if (!wb_ppogatt_packet_encode(&p, again, NULL))
			abort();
		if (again->len != len || !fuzz_same_bytes(again->data, pkt, len))
			abort();
		if (p.type == WB_PPOGATT_TYPE_DATA &&
		    (p.len == 0 || p.len > WB_PPOGATT_MAX_PAYLOAD))
			abort();
		if ((mask & (1u << (k++ % 8))) == 0) {
			if (!wb_ppogatt_receive(s->end[1 - i].pg, pkt, len, s->now, NULL))
				abort();
			service(s, 1 - i);
		}
		g_bytes_unref(b);
		service(s, i);
		if (k > 4096)
			abort(); /* pop_tx must run dry */
	}
}

static void
check_prefixes(Script *s)
{
	if (s->injected)
		return;
	for (guint i = 0; i < 2; i++) {
		End *e = &s->end[i];
		End *peer = &s->end[1 - i];

		if (e->opened > 1 || e->resets > 0 || peer->opened > 1 || peer->resets > 0)
			return;
	}
	for (guint i = 0; i < 2; i++) {
		End *e = &s->end[i];
		End *peer = &s->end[1 - i];

		if (peer->got->len > e->sent->len)
			abort();
		if (peer->got->len > 0 &&
		    !fuzz_same_bytes(peer->got->data, e->sent->data, peer->got->len))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const gsize payloads[] = {WB_PPOGATT_DEFAULT_PAYLOAD, 1, 155, 335};
	Script s = {.data = data, .size = size};
	guint8 cfg;

	if (size < 1)
		return 0;
	cfg = next_u8(&s);
	for (guint i = 0; i < 2; i++) {
		/* end 0 is A; bit 0 says whether A is the watch */
		gboolean is_watch = (i == 0) == ((cfg & 1) != 0);
		WbPpogattConfig c;

		wb_ppogatt_config_init(&c,
				       is_watch ? WB_PPOGATT_ROLE_WATCH : WB_PPOGATT_ROLE_PHONE);
		c.version = (cfg >> (1 + i)) & 1;
		c.initiator = is_watch == ((cfg & 8) == 0);
		c.max_payload = payloads[(cfg >> 4) & 3];
		c.max_queue = cfg & 0x40 ? 64 : 0;
		c.max_resets = cfg & 0x80 ? 2 : 0;
		c.has_serial = is_watch;
		memcpy(c.serial, "Q302345E0ABC", WB_PPOGATT_SERIAL_LEN);
		s.end[i].pg = wb_ppogatt_new(&c);
		s.end[i].max_queue = c.max_queue != 0 ? c.max_queue : WB_PPOGATT_DEFAULT_MAX_QUEUE;
		s.end[i].sent = g_byte_array_new();
		s.end[i].got = g_byte_array_new();
	}

	while (s.pos < s.size) {
		guint op = next_u8(&s) % 14;

		switch (op) {
		case 0:
		case 1:
			inject(&s, op);
			break;
		case 2:
		case 3:
			write_stream(&s, op - 2);
			break;
		case 4: {
			gint64 step = (gint64)next_u8(&s) * 1000;
			s.now = s.now > G_MAXINT64 - step ? G_MAXINT64 : s.now + step;
			tick_both(&s);
			break;
		}
		case 5: {
			gint64 next = MIN(wb_ppogatt_next_deadline(s.end[0].pg),
					  wb_ppogatt_next_deadline(s.end[1].pg));
			if (next != G_MAXINT64 && next > s.now)
				s.now = next;
			tick_both(&s);
			break;
		}
		case 6:
		case 7:
			pump(&s, op - 6);
			break;
		case 8:
		case 9:
			wb_ppogatt_reset(s.end[op - 8].pg, s.now);
			service(&s, op - 8);
			break;
		case 10:
		case 11:
			wb_ppogatt_start(s.end[op - 10].pg, s.now);
			service(&s, op - 10);
			break;
		case 12: {
			guint which = next_u8(&s) & 1;
			wb_ppogatt_set_max_payload(s.end[which].pg, next_u8(&s) * 2u);
			break;
		}
		case 13: {
			/* the far end of time: deadlines must saturate, not wrap */
			gint64 end = G_MAXINT64 - (gint64)next_u8(&s) * 1000000;
			s.now = MAX(s.now, end);
			tick_both(&s);
			break;
		}
		default:
			abort();
		}
		check_prefixes(&s);
	}

	for (guint i = 0; i < 2; i++) {
		wb_ppogatt_free(s.end[i].pg);
		g_byte_array_unref(s.end[i].sent);
		g_byte_array_unref(s.end[i].got);
	}
	return 0;
}
