/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-music.h"
#include "wb-test-util.h"

/* golden: UpdateCurrentTrack with every optional field, layout per LP2 protocol/music.py
 * MusicControlUpdateCurrentTrack (u32 LE length in ms, u16 LE count and index) and FW
 * music_endpoint.c prv_update_now_playing_info: "Queen" / "Jazz" / "Mustapha", 180000 ms,
 * 12 tracks, current 3 */
#define TRACK_STRINGS_HEX "10 05 517565656e 04 4a617a7a 08 4d75737461706861"
static const gchar *track_hex = TRACK_STRINGS_HEX " 20bf0200 0c00 0300";

/* golden: UpdatePlayStateInfo per FW music_endpoint_types.h MusicEndpointPlayStateInfo (packed,
 * LE): playing, 62000 ms, rate 100 %, shuffle off, repeat all; then the CFW flags byte */
static const gchar *play_state_hex = "11 01 30f20000 64000000 01 03";
static const gchar *play_state_flags_hex = "11 01 30f20000 64000000 01 03 01";
/* paused, position -1 (no progress reporting), unknown modes */
static const gchar *play_state_no_progress_hex = "11 00 ffffffff 64000000 00 00";

/* golden: UpdateVolumeInfo 50 %, UpdatePlayerInfo "vlc" / "VLC media player" (LP2 music.py) */
static const gchar *volume_hex = "12 32";
static const gchar *player_hex = "13 03 766c63 10 564c43206d6564696120706c61796572";

static gboolean
decode(const guint8 *buf, gsize len, GError **error)
{
	g_auto(WbMusicMessage) msg = {0};
	return wb_music_message_decode(buf, len, &msg, error);
}

static void
assert_decode_error(const gchar *hex, gint code)
{
	g_autoptr(GByteArray) buf = wb_test_hex(hex);
	g_autoptr(GError) error = NULL;

	g_assert_false(decode(buf->data, buf->len, &error));
	g_assert_error(error, WB_PROTO_ERROR, code);
}

static void
assert_encodes_to(const WbMusicMessage *msg, const gchar *hex)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) again = g_byte_array_new();
	g_auto(WbMusicMessage) back = {0};
	g_autoptr(GError) error = NULL;

	g_assert_true(wb_music_message_encode(msg, out, &error));
	g_assert_no_error(error);
	wb_assert_hex(out->data, out->len, hex);
	g_assert_true(wb_music_message_decode(out->data, out->len, &back, &error));
	g_assert_no_error(error);
	g_assert_true(wb_music_message_encode(&back, again, &error));
	g_assert_cmpmem(out->data, out->len, again->data, again->len);
}

static void
test_watch_commands(void)
{
	/* golden: single command bytes per FW music_endpoint_types.h / LP2 music.py */
	static const struct {
		WbMusicCommand command;
		const gchar *hex;
	} cases[] = {
		{WB_MUSIC_COMMAND_PLAY_PAUSE, "01"},     {WB_MUSIC_COMMAND_PAUSE, "02"},
		{WB_MUSIC_COMMAND_PLAY, "03"},           {WB_MUSIC_COMMAND_NEXT_TRACK, "04"},
		{WB_MUSIC_COMMAND_PREVIOUS_TRACK, "05"}, {WB_MUSIC_COMMAND_VOLUME_UP, "06"},
		{WB_MUSIC_COMMAND_VOLUME_DOWN, "07"},    {WB_MUSIC_COMMAND_GET_ALL_INFO, "08"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		WbMusicMessage msg = {.command = cases[i].command};
		g_autoptr(GByteArray) in = wb_test_hex(cases[i].hex);
		g_auto(WbMusicMessage) back = {0};

		assert_encodes_to(&msg, cases[i].hex);
		g_assert_true(wb_music_message_decode(in->data, in->len, &back, NULL));
		g_assert_cmpint(back.command, ==, cases[i].command);
		g_assert_true(wb_music_command_is_from_watch(back.command));
	}
	g_assert_false(wb_music_command_is_from_watch(WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO));
	/* W→P commands are exactly one byte */
	assert_decode_error("08 00", WB_PROTO_ERROR_TRAILING_DATA);
}

static void
test_track_golden(void)
{
	g_auto(WbMusicMessage) msg = {0};
	g_auto(WbMusicMessage) back = {0};
	g_autoptr(GByteArray) in = wb_test_hex(TRACK_STRINGS_HEX);

	msg.command = WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK;
	msg.track.artist = g_strdup("Queen");
	msg.track.album = g_strdup("Jazz");
	msg.track.title = g_strdup("Mustapha");
	msg.track.has_track_length = TRUE;
	msg.track.track_length_ms = 180000;
	msg.track.has_track_count = TRUE;
	msg.track.track_count = 12;
	msg.track.has_current_track = TRUE;
	msg.track.current_track = 3;
	assert_encodes_to(&msg, track_hex);

	/* firmware 2.x form: the three strings only */
	msg.track.has_track_length = FALSE;
	msg.track.has_track_count = FALSE;
	msg.track.has_current_track = FALSE;
	assert_encodes_to(&msg, TRACK_STRINGS_HEX);
	g_assert_true(wb_music_message_decode(in->data, in->len, &back, NULL));
	g_assert_cmpstr(back.track.title, ==, "Mustapha");
	g_assert_false(back.track.has_track_length);

	/* length only */
	msg.track.has_track_length = TRUE;
	assert_encodes_to(&msg, TRACK_STRINGS_HEX " 20bf0200");

	/* empty strings */
	wb_music_message_clear(&msg);
	msg.command = WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK;
	assert_encodes_to(&msg, "10 00 00 00");
}

static void
test_track_optional_tail(void)
{
	g_autoptr(GByteArray) full = wb_test_hex(track_hex);
	const guint mandatory = 21;

	g_assert_cmpuint(full->len, ==, mandatory + 8);
	/* every prefix: fails inside the strings, then each optional field appears once complete
	 * (the firmware ignores the rest of a partial field, FW prv_update_now_playing_info) */
	for (guint n = 0; n <= full->len; n++) {
		g_autofree guint8 *copy = g_memdup2(full->data, n);
		g_auto(WbMusicMessage) msg = {0};
		g_autoptr(GError) error = NULL;
		gboolean ok = wb_music_message_decode(copy, n, &msg, &error);

		if (n < mandatory) {
			g_assert_false(ok);
			g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
			continue;
		}
		g_assert_true(ok);
		g_assert_cmpint(msg.track.has_track_length, ==, n >= mandatory + 4);
		g_assert_cmpint(msg.track.has_track_count, ==, n >= mandatory + 6);
		g_assert_cmpint(msg.track.has_current_track, ==, n >= mandatory + 8);
		if (msg.track.has_track_length)
			g_assert_cmpuint(msg.track.track_length_ms, ==, 180000);
		if (msg.track.has_current_track) {
			g_assert_cmpuint(msg.track.track_count, ==, 12);
			g_assert_cmpuint(msg.track.current_track, ==, 3);
		}
	}

	/* LP3 writes count and index as u32 (§4 disagreement): accepted, the rest ignored */
	{
		g_autoptr(GByteArray) lp3 =
			wb_test_hex(TRACK_STRINGS_HEX " 20bf0200 0c000000 03000000");
		g_auto(WbMusicMessage) msg = {0};

		g_assert_true(wb_music_message_decode(lp3->data, lp3->len, &msg, NULL));
		g_assert_cmpuint(msg.track.track_count, ==, 12);
		g_assert_true(msg.track.has_current_track);
		g_assert_cmpuint(msg.track.current_track, ==, 0);
	}
}

static void
test_play_state_golden(void)
{
	g_auto(WbMusicMessage) msg = {0};
	g_autoptr(GByteArray) in = wb_test_hex(play_state_no_progress_hex);
	g_autoptr(GByteArray) flags = wb_test_hex(play_state_flags_hex);

	msg.command = WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO;
	msg.play_state.state = WB_MUSIC_PLAY_STATE_PLAYING;
	msg.play_state.track_position_ms = 62000;
	msg.play_state.play_rate = 100;
	msg.play_state.shuffle = WB_MUSIC_SHUFFLE_OFF;
	msg.play_state.repeat = WB_MUSIC_REPEAT_ALL;
	assert_encodes_to(&msg, play_state_hex);
	msg.play_state.has_flags = TRUE;
	msg.play_state.flags = WB_MUSIC_FLAG_SKIP_SEEKS;
	assert_encodes_to(&msg, play_state_flags_hex);

	wb_music_message_clear(&msg);
	g_assert_true(wb_music_message_decode(in->data, in->len, &msg, NULL));
	g_assert_cmpint(msg.play_state.state, ==, WB_MUSIC_PLAY_STATE_PAUSED);
	g_assert_cmpint(msg.play_state.track_position_ms, ==, -1);
	g_assert_cmpint(msg.play_state.play_rate, ==, 100);
	g_assert_cmpint(msg.play_state.shuffle, ==, WB_MUSIC_SHUFFLE_UNKNOWN);
	g_assert_false(msg.play_state.has_flags);
	wb_music_message_clear(&msg);
	g_assert_true(wb_music_message_decode(flags->data, flags->len, &msg, NULL));
	g_assert_true(msg.play_state.has_flags);
	g_assert_cmpuint(msg.play_state.flags, ==, 1);

	/* prefixes: fail until the 11 mandatory bytes are there */
	for (guint n = 0; n < flags->len; n++) {
		g_autofree guint8 *copy = g_memdup2(flags->data, n);
		g_autoptr(GError) error = NULL;

		if (n == 12) {
			g_assert_true(decode(copy, n, &error));
			continue;
		}
		g_assert_false(decode(copy, n, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}
}

static void
test_volume_player_golden(void)
{
	g_auto(WbMusicMessage) msg = {0};
	g_autoptr(GByteArray) in = wb_test_hex(player_hex);

	msg.command = WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO;
	msg.volume = 50;
	assert_encodes_to(&msg, volume_hex);
	msg.volume = 100;
	assert_encodes_to(&msg, "12 64");
	msg.volume = 0;
	assert_encodes_to(&msg, "12 00");

	msg.command = WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO;
	msg.player.package = g_strdup("vlc");
	msg.player.name = g_strdup("VLC media player");
	assert_encodes_to(&msg, player_hex);
	wb_music_message_clear(&msg);
	g_assert_true(wb_music_message_decode(in->data, in->len, &msg, NULL));
	g_assert_cmpstr(msg.player.package, ==, "vlc");
	g_assert_cmpstr(msg.player.name, ==, "VLC media player");

	for (guint n = 0; n < in->len; n++) {
		g_autofree guint8 *copy = g_memdup2(in->data, n);
		g_autoptr(GError) error = NULL;
		g_assert_false(decode(copy, n, &error));
		g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TRUNCATED);
	}
	assert_decode_error("12", WB_PROTO_ERROR_TRUNCATED);
	assert_decode_error("", WB_PROTO_ERROR_TRUNCATED);
}

static void
test_corrupted(void)
{
	assert_decode_error("00", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error("09", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error("14 00", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error("ff", WB_PROTO_ERROR_UNKNOWN_TYPE);
	assert_decode_error("11 05 30f20000 64000000 01 03", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("11 01 30f20000 64000000 03 03", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("11 01 30f20000 64000000 01 04", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("12 65", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("12 ff", WB_PROTO_ERROR_BAD_VALUE);
	assert_decode_error("10 05 4142", WB_PROTO_ERROR_TRUNCATED);
	/* bytes the firmware does not read are ignored on P→W messages */
	{
		g_autoptr(GByteArray) extra0 = wb_test_hex("12 32 ff");
		g_autoptr(GByteArray) extra = wb_test_hex("13 00 00 ffff");
		g_autoptr(GByteArray) extra2 = wb_test_hex("11 01 30f20000 64000000 01 03 01 ff");
		g_assert_true(decode(extra0->data, extra0->len, NULL));
		g_assert_true(decode(extra->data, extra->len, NULL));
		g_assert_true(decode(extra2->data, extra2->len, NULL));
	}
}

static void
test_encode_refused(void)
{
	g_auto(WbMusicMessage) msg = {0};
	g_autoptr(GByteArray) out = wb_test_hex("aa");
	g_autoptr(GError) error = NULL;

	msg.command = 0x09;
	g_assert_false(wb_music_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);

	msg.command = WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK;
	msg.track.has_track_count = TRUE;
	g_assert_false(wb_music_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.track.has_track_count = FALSE;
	msg.track.has_track_length = TRUE;
	msg.track.has_current_track = TRUE;
	g_assert_false(wb_music_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.track.has_current_track = FALSE;
	msg.track.title = g_strnfill(256, 't');
	g_assert_false(wb_music_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa");
	g_clear_error(&error);

	msg.command = WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO;
	msg.play_state.state = 5;
	g_assert_false(wb_music_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	msg.play_state.state = WB_MUSIC_PLAY_STATE_UNKNOWN;
	msg.play_state.repeat = 4;
	g_assert_false(wb_music_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);

	msg.command = WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO;
	msg.volume = 101;
	g_assert_false(wb_music_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);

	msg.command = WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO;
	msg.player.name = g_strnfill(300, 'n');
	g_assert_false(wb_music_message_encode(&msg, out, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	wb_assert_hex(out->data, out->len, "aa");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/music/watch-commands", test_watch_commands);
	g_test_add_func("/wearbridge/music/track-golden", test_track_golden);
	g_test_add_func("/wearbridge/music/track-optional-tail", test_track_optional_tail);
	g_test_add_func("/wearbridge/music/play-state-golden", test_play_state_golden);
	g_test_add_func("/wearbridge/music/volume-player-golden", test_volume_player_golden);
	g_test_add_func("/wearbridge/music/corrupted", test_corrupted);
	g_test_add_func("/wearbridge/music/encode-refused", test_encode_refused);
	return g_test_run();
}
