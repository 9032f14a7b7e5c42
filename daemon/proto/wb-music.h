/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/**
 * WbMusicCommand:
 * @WB_MUSIC_COMMAND_PLAY_PAUSE: W→P toggle play/pause
 * @WB_MUSIC_COMMAND_PAUSE: W→P pause
 * @WB_MUSIC_COMMAND_PLAY: W→P play
 * @WB_MUSIC_COMMAND_NEXT_TRACK: W→P next track
 * @WB_MUSIC_COMMAND_PREVIOUS_TRACK: W→P previous track
 * @WB_MUSIC_COMMAND_VOLUME_UP: W→P volume up
 * @WB_MUSIC_COMMAND_VOLUME_DOWN: W→P volume down
 * @WB_MUSIC_COMMAND_GET_ALL_INFO: W→P, sent on connection: answer with 0x10, 0x11, 0x12, 0x13
 * @WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK: P→W now playing (#WbMusicTrack)
 * @WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO: P→W play state (#WbMusicPlayStateInfo)
 * @WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO: P→W volume percent
 * @WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO: P→W player (#WbMusicPlayerInfo)
 *
 * First byte on the music endpoint 0x0020 (§4, FW `music_endpoint_types.h`).
 */
typedef enum {
	WB_MUSIC_COMMAND_PLAY_PAUSE = 0x01,
	WB_MUSIC_COMMAND_PAUSE = 0x02,
	WB_MUSIC_COMMAND_PLAY = 0x03,
	WB_MUSIC_COMMAND_NEXT_TRACK = 0x04,
	WB_MUSIC_COMMAND_PREVIOUS_TRACK = 0x05,
	WB_MUSIC_COMMAND_VOLUME_UP = 0x06,
	WB_MUSIC_COMMAND_VOLUME_DOWN = 0x07,
	WB_MUSIC_COMMAND_GET_ALL_INFO = 0x08,
	WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK = 0x10,
	WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO = 0x11,
	WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO = 0x12,
	WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO = 0x13,
} WbMusicCommand;

/* §4 0x11 */
typedef enum {
	WB_MUSIC_PLAY_STATE_PAUSED = 0,
	WB_MUSIC_PLAY_STATE_PLAYING = 1,
	WB_MUSIC_PLAY_STATE_REWINDING = 2,
	WB_MUSIC_PLAY_STATE_FAST_FORWARDING = 3,
	WB_MUSIC_PLAY_STATE_UNKNOWN = 4,
} WbMusicPlayState;

typedef enum {
	WB_MUSIC_SHUFFLE_UNKNOWN = 0,
	WB_MUSIC_SHUFFLE_OFF = 1,
	WB_MUSIC_SHUFFLE_ON = 2,
} WbMusicShuffle;

typedef enum {
	WB_MUSIC_REPEAT_UNKNOWN = 0,
	WB_MUSIC_REPEAT_OFF = 1,
	WB_MUSIC_REPEAT_ONE = 2,
	WB_MUSIC_REPEAT_ALL = 3,
} WbMusicRepeat;

/* §4 0x11 optional CFW flags byte: the skip buttons seek within the track */
#define WB_MUSIC_FLAG_SKIP_SEEKS (1u << 0)

#define WB_MUSIC_VOLUME_MAX 100

/**
 * WbMusicTrack:
 * @artist: artist (≤ 255 bytes; %NULL is written as empty)
 * @album: album (≤ 255 bytes)
 * @title: title (≤ 255 bytes)
 * @has_track_length: whether @track_length_ms is on the wire
 * @track_length_ms: track length in milliseconds (read by the firmware only with capability
 *   bit 2, extended music service)
 * @has_track_count: whether @track_count is on the wire (needs @has_track_length)
 * @track_count: tracks in the queue (u16; ignored by the firmware)
 * @has_current_track: whether @current_track is on the wire (needs @has_track_count)
 * @current_track: index of the current track (u16; ignored by the firmware)
 *
 * Body of 0x10 UpdateCurrentTrack. The optional fields can only be present in order. Firmware
 * 2.x understands the three strings only.
 */
typedef struct {
	gchar *artist;
	gchar *album;
	gchar *title;
	gboolean has_track_length;
	guint32 track_length_ms;
	gboolean has_track_count;
	guint16 track_count;
	gboolean has_current_track;
	guint16 current_track;
} WbMusicTrack;

/**
 * WbMusicPlayStateInfo:
 * @state: playing, paused…
 * @track_position_ms: position in milliseconds; negative = the player does not report progress
 * @play_rate: percent, 100 = normal speed
 * @shuffle: shuffle mode
 * @repeat: repeat mode
 * @has_flags: whether the CFW @flags byte is on the wire
 * @flags: `WB_MUSIC_FLAG_*` bits (CFW)
 *
 * Body of 0x11 UpdatePlayStateInfo.
 */
typedef struct {
	WbMusicPlayState state;
	gint32 track_position_ms;
	gint32 play_rate;
	WbMusicShuffle shuffle;
	WbMusicRepeat repeat;
	gboolean has_flags;
	guint8 flags;
} WbMusicPlayStateInfo;

/**
 * WbMusicPlayerInfo:
 * @package: package name of the player (ignored by the firmware; ≤ 255 bytes)
 * @name: display name of the player (≤ 255 bytes)
 *
 * Body of 0x13 UpdatePlayerInfo.
 */
typedef struct {
	gchar *package;
	gchar *name;
} WbMusicPlayerInfo;

/**
 * WbMusicMessage:
 * @command: the command; the other members are used only by their command
 * @track: for %WB_MUSIC_COMMAND_UPDATE_CURRENT_TRACK
 * @play_state: for %WB_MUSIC_COMMAND_UPDATE_PLAY_STATE_INFO
 * @volume: for %WB_MUSIC_COMMAND_UPDATE_VOLUME_INFO, percent 0–100
 * @player: for %WB_MUSIC_COMMAND_UPDATE_PLAYER_INFO
 *
 * One message on the music endpoint, either direction (§4, little-endian).
 */
typedef struct {
	WbMusicCommand command;
	WbMusicTrack track;
	WbMusicPlayStateInfo play_state;
	guint8 volume;
	WbMusicPlayerInfo player;
} WbMusicMessage;

gboolean wb_music_command_is_from_watch(WbMusicCommand command);

void wb_music_message_clear(WbMusicMessage *msg);
gboolean wb_music_message_decode(const guint8 *buf, gsize len, WbMusicMessage *out, GError **error);
gboolean wb_music_message_encode(const WbMusicMessage *msg, GByteArray *out, GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbMusicMessage, wb_music_message_clear)

G_END_DECLS
