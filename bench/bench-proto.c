/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * bench-proto: encode and decode a mixed stream of realistic Pebble Protocol frames and print
 * frames/s and MB/s, beside the MB/s of a plain memcpy of the same bytes as the ceiling.
 *
 * The mix, per 100 frames, is what a connected watch sees on a busy day: 30 notification
 * inserts (title, subtitle, body, app name, icon, two actions; ~300 bytes), 30 data logging
 * SendData with two v13 minute records (508 bytes), 20 pings, 10 music now-playing, 5 time
 * SetUTC and 5 PutBytes chunks of 2000 bytes. Encoding builds each message with its codec and
 * frames it; decoding runs the incremental frame decoder over the stream in 185-byte chunks
 * (a PPoGATT payload at MTU 189) and decodes every payload with its message decoder, down
 * to the timeline item and the health records.
 *
 * Usage: bench-proto [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wb-blobdb.h"
#include "wb-crc.h"
#include "wb-datalog.h"
#include "wb-frame.h"
#include "wb-health.h"
#include "wb-music.h"
#include "wb-putbytes.h"
#include "wb-system.h"
#include "wb-timeline.h"

#define FRAMES_PER_ROUND 100
#define CHUNK            185

typedef enum {
	KIND_NOTIFICATION,
	KIND_DATALOG,
	KIND_PING,
	KIND_MUSIC,
	KIND_TIME,
	KIND_PUTBYTES,
} Kind;

static Kind
kind_for(guint i)
{
	guint k = i % FRAMES_PER_ROUND;
	if (k < 30)
		return KIND_NOTIFICATION;
	if (k < 60)
		return KIND_DATALOG;
	if (k < 80)
		return KIND_PING;
	if (k < 90)
		return KIND_MUSIC;
	if (k < 95)
		return KIND_TIME;
	return KIND_PUTBYTES;
}

static void
die(const GError *error)
{
	g_printerr("bench-proto: %s\n", error->message);
	exit(1);
}

static void
encode_notification(GByteArray *out, guint i)
{
	g_autoptr(GByteArray) value = g_byte_array_new();
	g_auto(WbTimelineItem) item = {0};
	g_auto(WbBlobdbCommand) cmd = {0};
	g_autoptr(GError) error = NULL;
	const gchar *replies[] = {"Yes", "No", "On my way", NULL};
	WbTimelineAction *dismiss, *reply;
	gsize start;

	for (guint b = 0; b < 16; b++)
		item.id.b[b] = (guint8)(i + b);
	item.timestamp = 1764324000 + i;
	item.type = WB_TIMELINE_ITEM_TYPE_NOTIFICATION;
	item.flags = WB_TIMELINE_FLAG_VISIBLE;
	item.layout = WB_TIMELINE_LAYOUT_NOTIFICATION;
	wb_timeline_item_add_string(&item, WB_TIMELINE_ATTR_APP_NAME, "Thunderbird");
	wb_timeline_item_add_string(&item, WB_TIMELINE_ATTR_TITLE, "Ada Lovelace");
	wb_timeline_item_add_string(&item, WB_TIMELINE_ATTR_SUBTITLE, "Re: the analytical engine");
	wb_timeline_item_add_string(
		&item, WB_TIMELINE_ATTR_BODY,
		"Thanks for the notes on Bernoulli numbers. I have gone through "
		"the table again and the error in step four is mine; a corrected "
		"copy is attached. Shall we meet on Thursday to go over the rest?");
	wb_timeline_item_add_u32(&item, WB_TIMELINE_ATTR_TINY_ICON,
				 WB_TIMELINE_SYSTEM_ICON(WB_TIMELINE_ICON_NOTIFICATION_GENERIC));
	dismiss = wb_timeline_action_new(0, WB_TIMELINE_ACTION_TYPE_GENERIC);
	wb_timeline_action_add_string(dismiss, WB_TIMELINE_ATTR_TITLE, "Dismiss");
	wb_timeline_item_add_action(&item, dismiss);
	reply = wb_timeline_action_new(1, WB_TIMELINE_ACTION_TYPE_RESPONSE);
	wb_timeline_action_add_string(reply, WB_TIMELINE_ATTR_TITLE, "Reply");
	wb_timeline_action_add_string_list(reply, WB_TIMELINE_ATTR_CANNED_RESPONSES, replies);
	wb_timeline_item_add_action(&item, reply);
	if (!wb_timeline_item_encode(&item, value, &error))
		die(error);
	cmd.command = WB_BLOBDB_COMMAND_INSERT;
	cmd.token = (guint16)(i + 1);
	cmd.database = WB_BLOBDB_DATABASE_NOTIFICATIONS;
	cmd.key = g_bytes_new(item.id.b, sizeof(item.id.b));
	cmd.value = g_bytes_new(value->data, value->len);
	start = wb_frame_begin(out, WB_ENDPOINT_BLOBDB);
	if (!wb_blobdb_command_encode(&cmd, out, &error) || !wb_frame_end(out, start, &error))
		die(error);
}

static void
encode_datalog(GByteArray *out, guint i)
{
	g_autoptr(GByteArray) data = g_byte_array_new();
	g_auto(WbDatalogMessage) msg = {0};
	g_autoptr(GError) error = NULL;
	WbHealthMinuteSample samples[15];
	gsize start;

	for (guint r = 0; r < 2; r++) {
		WbHealthMinuteRecord rec = {.version = 13,
					    .time_utc = 1764324000 + (i * 2 + r) * 900,
					    .local_offset_15min = 4,
					    .sample_size = 16,
					    .num_samples = 15,
					    .samples = samples};
		for (guint s = 0; s < 15; s++) {
			memset(&samples[s], 0, sizeof(samples[s]));
			samples[s].steps = (guint8)((i * 7 + s * 13) % 120);
			samples[s].vmc = (guint16)(samples[s].steps * 31);
			samples[s].light = 3;
			samples[s].heart_rate_bpm = (guint8)(60 + s);
			samples[s].distance_cm = (guint16)(samples[s].steps * 70);
		}
		if (!wb_health_minute_record_encode(&rec, 249, data, &error))
			die(error);
	}
	msg.command = WB_DATALOG_CMD_SEND_DATA;
	msg.session_id = 3;
	msg.send.items_left = 0xFFFF;
	msg.send.crc = wb_crc_stm32(data->data, data->len);
	msg.send.data = g_bytes_new(data->data, data->len);
	start = wb_frame_begin(out, WB_ENDPOINT_DATA_LOGGING);
	if (!wb_datalog_encode(&msg, out, &error) || !wb_frame_end(out, start, &error))
		die(error);
}

static void
encode_other(GByteArray *out, Kind kind, guint i)
{
	g_autoptr(GError) error = NULL;
	gsize start = 0;
	gboolean ok = TRUE;

	switch (kind) {
	case KIND_PING: {
		WbPing ping = {.cookie = i};
		start = wb_frame_begin(out, WB_ENDPOINT_PING);
		ok = wb_ping_encode(&ping, out, &error);
		break;
	}
	case KIND_MUSIC: {
		WbMusicMessage m = {.command = WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK};
		m.track.artist = (gchar *)"Kraftwerk";
		m.track.album = (gchar *)"Computer World";
		m.track.title = (gchar *)"Computer Love";
		m.track.has_track_length = TRUE;
		m.track.track_length_ms = 436000;
		start = wb_frame_begin(out, WB_ENDPOINT_MUSIC_CONTROL);
		ok = wb_music_message_encode(&m, out, &error);
		break;
	}
	case KIND_TIME: {
		g_auto(WbTimeMessage) t = {0};
		if (!wb_time_set_utc_init(&t, 1764324000 + i, 3600, "Europe/Berlin", &error))
			die(error);
		start = wb_frame_begin(out, WB_ENDPOINT_TIME);
		ok = wb_time_message_encode(&t, out, &error);
		break;
	}
	case KIND_PUTBYTES: {
		static guint8 chunk[2000];
		g_auto(WbPutBytesMessage) p = {.command = WB_PUT_BYTES_PUT, .token = 0x1234};
		p.data = g_bytes_new_static(chunk, sizeof(chunk));
		start = wb_frame_begin(out, WB_ENDPOINT_PUT_BYTES);
		ok = wb_put_bytes_message_encode(&p, out, &error);
		break;
	}
	case KIND_NOTIFICATION:
	case KIND_DATALOG:
		g_assert_not_reached();
	}
	if (!ok || !wb_frame_end(out, start, &error))
		die(error);
}

static void
encode_frame(GByteArray *out, guint i)
{
	Kind kind = kind_for(i);
	if (kind == KIND_NOTIFICATION)
		encode_notification(out, i);
	else if (kind == KIND_DATALOG)
		encode_datalog(out, i);
	else
		encode_other(out, kind, i);
}

/* Decodes one payload down to its innermost structures; returns FALSE on any error. */
static gboolean
decode_payload(const WbFrame *f)
{
	switch (f->endpoint) {
	case WB_ENDPOINT_BLOBDB: {
		g_auto(WbBlobdbCommand) cmd = {0};
		g_auto(WbTimelineItem) item = {0};
		const guint8 *v;
		gsize n;
		if (!wb_blobdb_command_decode(f->payload, f->len, &cmd, NULL))
			return FALSE;
		v = g_bytes_get_data(cmd.value, &n);
		return wb_timeline_item_decode(v, n, &item, NULL);
	}
	case WB_ENDPOINT_DATA_LOGGING: {
		g_auto(WbDatalogMessage) msg = {0};
		g_auto(WbHealthItems) items = {0};
		const guint8 *d;
		gsize n;
		if (!wb_datalog_decode(f->payload, f->len, &msg, NULL) ||
		    !wb_datalog_send_data_check_crc(&msg.send, NULL))
			return FALSE;
		d = g_bytes_get_data(msg.send.data, &n);
		return wb_health_parse_items(81, 249, d, n, &items, NULL);
	}
	case WB_ENDPOINT_PING: {
		WbPing p;
		return wb_ping_decode(f->payload, f->len, &p, NULL);
	}
	case WB_ENDPOINT_MUSIC_CONTROL: {
		g_auto(WbMusicMessage) m = {0};
		return wb_music_message_decode(f->payload, f->len, &m, NULL);
	}
	case WB_ENDPOINT_TIME: {
		g_auto(WbTimeMessage) t = {0};
		return wb_time_message_decode(f->payload, f->len, &t, NULL);
	}
	case WB_ENDPOINT_PUT_BYTES: {
		g_auto(WbPutBytesMessage) p = {0};
		return wb_put_bytes_message_decode(f->payload, f->len, &p, NULL);
	}
	default:
		return FALSE;
	}
}

static gdouble
now_s(void)
{
	return (gdouble)g_get_monotonic_time() / G_USEC_PER_SEC;
}

int
main(int argc, char **argv)
{
	guint rounds = argc > 1 ? (guint)atoi(argv[1]) : 2000;
	guint n_frames = rounds * FRAMES_PER_ROUND;
	g_autoptr(GByteArray) stream = g_byte_array_new();
	g_autofree guint8 *copy = NULL;
	gdouble t0, t_enc, t_dec, t_cpy, mb;
	guint decoded = 0, reps;

	if (rounds == 0)
		rounds = 1;
	/* encode */
	t0 = now_s();
	for (guint i = 0; i < n_frames; i++)
		encode_frame(stream, i);
	t_enc = now_s() - t0;
	mb = stream->len / 1e6;

	/* decode: incremental framing in transport-sized chunks, then every message */
	t0 = now_s();
	{
		g_autoptr(WbFrameDecoder) dec = wb_frame_decoder_new(0);
		for (gsize off = 0; off < stream->len; off += CHUNK) {
			WbFrame f;
			wb_frame_decoder_push(dec, stream->data + off,
					      MIN(CHUNK, stream->len - off));
			while (wb_frame_decoder_next(dec, &f, NULL)) {
				if (!decode_payload(&f)) {
					g_printerr("frame %u on %s did not decode\n", decoded,
						   wb_endpoint_to_string(f.endpoint));
					return 1;
				}
				decoded++;
			}
		}
	}
	t_dec = now_s() - t0;
	if (decoded != n_frames) {
		g_printerr("decoded %u of %u frames\n", decoded, n_frames);
		return 1;
	}

	/* the ceiling: memcpy the same bytes in the same chunks, repeated for a stable figure */
	copy = g_malloc(CHUNK);
	reps = 20;
	t0 = now_s();
	for (guint r = 0; r < reps; r++) {
		for (gsize off = 0; off < stream->len; off += CHUNK) {
			gsize n = MIN(CHUNK, stream->len - off);
			memcpy(copy, stream->data + off, n);
			__asm__ volatile("" : : "r"(copy) : "memory");
		}
	}
	t_cpy = (now_s() - t0) / reps;

	printf("bench-proto: %u frames, %.2f MB (mixed: notifications, data logging, pings, "
	       "music, time, PutBytes)\n",
	       n_frames, mb);
	printf("%-10s %12.0f frames/s %9.1f MB/s\n", "encode", n_frames / t_enc, mb / t_enc);
	printf("%-10s %12.0f frames/s %9.1f MB/s\n", "decode", n_frames / t_dec, mb / t_dec);
	printf("%-10s %12s          %9.1f MB/s  (ceiling: %u-byte chunks)\n", "memcpy", "",
	       mb / t_cpy, CHUNK);
	return 0;
}
