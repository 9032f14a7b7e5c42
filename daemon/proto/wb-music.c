/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-music.h"

/**
 * wb_music_command_is_from_watch:
 * @command: a command
 *
 * Returns: %TRUE for the single-byte W→P commands 0x01–0x08
 */
gboolean
wb_music_command_is_from_watch(WbMusicCommand command)
{
	switch (command) {
	case WB_MUSIC_COMMAND_PLAY_PAUSE:
	case WB_MUSIC_COMMAND_PAUSE:
	case WB_MUSIC_COMMAND_PLAY:
	case WB_MUSIC_COMMAND_NEXT_TRACK:
	case WB_MUSIC_COMMAND_PREVIOUS_TRACK:
	case WB_MUSIC_COMMAND_VOLUME_UP:
	case WB_MUSIC_COMMAND_VOLUME_DOWN:
	case WB_MUSIC_COMMAND_GET_ALL_INFO:
		return TRUE;
	case WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK:
	case WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO:
	case WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO:
	case WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO:
		return FALSE;
	}
	return FALSE;
}

static gboolean
wb_music_command_is_valid(guint command)
{
	switch ((WbMusicCommand)command) {
	case WB_MUSIC_COMMAND_PLAY_PAUSE:
	case WB_MUSIC_COMMAND_PAUSE:
	case WB_MUSIC_COMMAND_PLAY:
	case WB_MUSIC_COMMAND_NEXT_TRACK:
	case WB_MUSIC_COMMAND_PREVIOUS_TRACK:
	case WB_MUSIC_COMMAND_VOLUME_UP:
	case WB_MUSIC_COMMAND_VOLUME_DOWN:
	case WB_MUSIC_COMMAND_GET_ALL_INFO:
	case WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK:
	case WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO:
	case WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO:
	case WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO:
		return TRUE;
	}
	return FALSE;
}

/**
 * wb_music_message_clear:
 * @msg: a message
 *
 * Frees the strings and zeroes @msg. Accepts a zeroed struct.
 */
void
wb_music_message_clear(WbMusicMessage *msg)
{
	g_clear_pointer(&msg->track.artist, g_free);
	g_clear_pointer(&msg->track.album, g_free);
	g_clear_pointer(&msg->track.title, g_free);
	g_clear_pointer(&msg->player.package, g_free);
	g_clear_pointer(&msg->player.name, g_free);
	memset(msg, 0, sizeof(*msg));
}

/* §4 0x11: the firmware maps unknown values to "invalid"; we refuse them */
static gboolean
wb_music_check_play_state(const WbMusicPlayStateInfo *info, GError **error)
{
	if ((guint)info->state > WB_MUSIC_PLAY_STATE_UNKNOWN) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "music play state: unknown state '%u'", (guint)info->state);
		return FALSE;
	}
	if ((guint)info->shuffle > WB_MUSIC_SHUFFLE_ON) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "music play state: unknown shuffle mode '%u'", (guint)info->shuffle);
		return FALSE;
	}
	if ((guint)info->repeat > WB_MUSIC_REPEAT_ALL) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "music play state: unknown repeat mode '%u'", (guint)info->repeat);
		return FALSE;
	}
	return TRUE;
}

static gboolean
wb_music_check_volume(guint volume, GError **error)
{
	if (volume <= WB_MUSIC_VOLUME_MAX)
		return TRUE;
	g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
		    "music volume: '%u' is not a percentage", volume);
	return FALSE;
}

/*
 * 0x10: three Pascal strings, then the optional length, count and index. The firmware reads the
 * length when 4 bytes are left and never looks further (FW `prv_update_now_playing_info`), so
 * bytes it would not read are ignored here too; that also accepts LP3, which writes the count
 * and index as u32 (§4 disagreement).
 */
static gboolean
wb_music_decode_track(WbReader *r, WbMusicTrack *track, GError **error)
{
	track->artist = wb_reader_pascal_string(r);
	track->album = wb_reader_pascal_string(r);
	track->title = wb_reader_pascal_string(r);
	if (!wb_reader_check(r, "music track", error))
		return FALSE;
	if (wb_reader_remaining(r) >= 4) {
		track->has_track_length = TRUE;
		track->track_length_ms = wb_reader_u32_le(r);
		if (wb_reader_remaining(r) >= 2) {
			track->has_track_count = TRUE;
			track->track_count = wb_reader_u16_le(r);
			if (wb_reader_remaining(r) >= 2) {
				track->has_current_track = TRUE;
				track->current_track = wb_reader_u16_le(r);
			}
		}
	}
	return TRUE;
}

/**
 * wb_music_message_decode:
 * @buf: (array length=len): an endpoint 0x0020 payload
 * @len: its length
 * @out: (out caller-allocates): the message; zeroed on failure
 * @error: return location for a #GError
 *
 * Decodes a music message of either direction. W→P commands are one byte exactly. For P→W
 * messages bytes after the last field this library knows are ignored, as the firmware does
 * (it checks minimum lengths only): the optional fields of 0x10 and the CFW flags of 0x11 are
 * taken when they are complete and marked present. Play state, shuffle and repeat must be in
 * range and the volume at most 100 (BAD_VALUE); an unknown command is UNKNOWN_TYPE.
 *
 * Returns: %TRUE on success
 */
gboolean
wb_music_message_decode(const guint8 *buf, gsize len, WbMusicMessage *out, GError **error)
{
	g_auto(WbMusicMessage) msg = {0};
	WbReader r;
	guint8 command;

	memset(out, 0, sizeof(*out));
	wb_reader_init(&r, buf, len);
	command = wb_reader_u8(&r);
	if (!wb_reader_check(&r, "music message", error))
		return FALSE;
	if (!wb_music_command_is_valid(command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE,
			    "music message: unknown command 0x%02x", command);
		return FALSE;
	}
	msg.command = (WbMusicCommand)command;
	switch (msg.command) {
	case WB_MUSIC_COMMAND_PLAY_PAUSE:
	case WB_MUSIC_COMMAND_PAUSE:
	case WB_MUSIC_COMMAND_PLAY:
	case WB_MUSIC_COMMAND_NEXT_TRACK:
	case WB_MUSIC_COMMAND_PREVIOUS_TRACK:
	case WB_MUSIC_COMMAND_VOLUME_UP:
	case WB_MUSIC_COMMAND_VOLUME_DOWN:
	case WB_MUSIC_COMMAND_GET_ALL_INFO:
		if (!wb_reader_check_end(&r, "music command", error))
			return FALSE;
		break;
	case WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK:
		if (!wb_music_decode_track(&r, &msg.track, error))
			return FALSE;
		break;
	case WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO:
		msg.play_state.state = (WbMusicPlayState)wb_reader_u8(&r);
		msg.play_state.track_position_ms = wb_reader_i32_le(&r);
		msg.play_state.play_rate = wb_reader_i32_le(&r);
		msg.play_state.shuffle = (WbMusicShuffle)wb_reader_u8(&r);
		msg.play_state.repeat = (WbMusicRepeat)wb_reader_u8(&r);
		if (!wb_reader_check(&r, "music play state", error))
			return FALSE;
		if (!wb_music_check_play_state(&msg.play_state, error))
			return FALSE;
		if (wb_reader_remaining(&r) >= 1) {
			msg.play_state.has_flags = TRUE;
			msg.play_state.flags = wb_reader_u8(&r);
		}
		break;
	case WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO:
		msg.volume = wb_reader_u8(&r);
		if (!wb_reader_check(&r, "music volume", error))
			return FALSE;
		if (!wb_music_check_volume(msg.volume, error))
			return FALSE;
		break;
	case WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO:
		msg.player.package = wb_reader_pascal_string(&r);
		msg.player.name = wb_reader_pascal_string(&r);
		if (!wb_reader_check(&r, "music player info", error))
			return FALSE;
		break;
	}
	*out = msg;
	memset(&msg, 0, sizeof(msg));
	return TRUE;
}

static gboolean
wb_music_encode_track(const WbMusicTrack *track, GByteArray *out, GError **error)
{
	if ((track->has_track_count && !track->has_track_length) ||
	    (track->has_current_track && !track->has_track_count)) {
		g_set_error_literal(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
				    "music track: optional fields can only be present in order "
				    "(length, count, current)");
		return FALSE;
	}
	if (!wb_put_pascal_string(out, track->artist, "music track artist", error) ||
	    !wb_put_pascal_string(out, track->album, "music track album", error) ||
	    !wb_put_pascal_string(out, track->title, "music track title", error))
		return FALSE;
	if (track->has_track_length)
		wb_put_u32_le(out, track->track_length_ms);
	if (track->has_track_count)
		wb_put_u16_le(out, track->track_count);
	if (track->has_current_track)
		wb_put_u16_le(out, track->current_track);
	return TRUE;
}

/**
 * wb_music_message_encode:
 * @msg: the message
 * @out: the buffer to append to
 * @error: return location for a #GError
 *
 * Appends a music message. Strings longer than 255 bytes are TOO_LONG; an unknown command, an
 * out-of-range enum or volume, or optional track fields out of order are BAD_VALUE.
 *
 * Returns: %TRUE on success; on failure @out is unchanged
 */
gboolean
wb_music_message_encode(const WbMusicMessage *msg, GByteArray *out, GError **error)
{
	gsize start = out->len;

	if (!wb_music_command_is_valid(msg->command)) {
		g_set_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE,
			    "music message: unknown command 0x%02x", (guint)msg->command);
		return FALSE;
	}
	wb_put_u8(out, (guint8)msg->command);
	switch (msg->command) {
	case WB_MUSIC_COMMAND_PLAY_PAUSE:
	case WB_MUSIC_COMMAND_PAUSE:
	case WB_MUSIC_COMMAND_PLAY:
	case WB_MUSIC_COMMAND_NEXT_TRACK:
	case WB_MUSIC_COMMAND_PREVIOUS_TRACK:
	case WB_MUSIC_COMMAND_VOLUME_UP:
	case WB_MUSIC_COMMAND_VOLUME_DOWN:
	case WB_MUSIC_COMMAND_GET_ALL_INFO:
		break;
	case WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK:
		if (!wb_music_encode_track(&msg->track, out, error)) {
			g_byte_array_set_size(out, (guint)start);
			return FALSE;
		}
		break;
	case WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO:
		if (!wb_music_check_play_state(&msg->play_state, error)) {
			g_byte_array_set_size(out, (guint)start);
			return FALSE;
		}
		wb_put_u8(out, (guint8)msg->play_state.state);
		wb_put_u32_le(out, (guint32)msg->play_state.track_position_ms);
		wb_put_u32_le(out, (guint32)msg->play_state.play_rate);
		wb_put_u8(out, (guint8)msg->play_state.shuffle);
		wb_put_u8(out, (guint8)msg->play_state.repeat);
		if (msg->play_state.has_flags)
			wb_put_u8(out, msg->play_state.flags);
		break;
	case WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO:
		if (!wb_music_check_volume(msg->volume, error)) {
			g_byte_array_set_size(out, (guint)start);
			return FALSE;
		}
		wb_put_u8(out, msg->volume);
		break;
	case WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO:
		if (!wb_put_pascal_string(out, msg->player.package, "music player package",
					  error) ||
		    !wb_put_pascal_string(out, msg->player.name, "music player name", error)) {
			g_byte_array_set_size(out, (guint)start);
			return FALSE;
		}
		break;
	}
	return TRUE;
}
