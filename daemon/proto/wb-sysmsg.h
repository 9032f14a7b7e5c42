/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/* SystemMessage, endpoint 18 (0x0012): `00`, type, extra payload (reference §2.11). */

/**
 * WbSystemMessageType:
 * @WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE: P→W, deprecated, ignored by the watch
 * @WB_SYSTEM_MESSAGE_FIRMWARE_START: P→W a firmware update begins; optional byte counts
 * @WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE: P→W all parts installed; the watch reboots ~3 s later
 * @WB_SYSTEM_MESSAGE_FIRMWARE_FAIL: P→W the update failed
 * @WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE: P→W no update needed
 * @WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP: W→P
 * @WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START: W→P
 * @WB_SYSTEM_MESSAGE_MAP_RETRY: unused (MAP is gone)
 * @WB_SYSTEM_MESSAGE_MAP_CONNECTED: unused (MAP is gone)
 * @WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE: W→P answer to FirmwareStart with a status
 * @WB_SYSTEM_MESSAGE_FIRMWARE_STATUS: P→W what of a firmware is already on the watch?
 * @WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE: W→P bytes written and CRCs so far
 *
 * The SystemMessage types (reference §2.11; 0x05 was retired before 2.0).
 */
typedef enum {
	WB_SYSTEM_MESSAGE_FIRMWARE_AVAILABLE = 0x00,
	WB_SYSTEM_MESSAGE_FIRMWARE_START = 0x01,
	WB_SYSTEM_MESSAGE_FIRMWARE_COMPLETE = 0x02,
	WB_SYSTEM_MESSAGE_FIRMWARE_FAIL = 0x03,
	WB_SYSTEM_MESSAGE_FIRMWARE_UP_TO_DATE = 0x04,
	WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_STOP = 0x06,
	WB_SYSTEM_MESSAGE_RECONNECT_REQUEST_START = 0x07,
	WB_SYSTEM_MESSAGE_MAP_RETRY = 0x08,
	WB_SYSTEM_MESSAGE_MAP_CONNECTED = 0x09,
	WB_SYSTEM_MESSAGE_FIRMWARE_START_RESPONSE = 0x0A,
	WB_SYSTEM_MESSAGE_FIRMWARE_STATUS = 0x0B,
	WB_SYSTEM_MESSAGE_FIRMWARE_STATUS_RESPONSE = 0x0C,
} WbSystemMessageType;

/**
 * WbFirmwareStartStatus:
 * @WB_FIRMWARE_START_STOPPED: the watch is not updating
 * @WB_FIRMWARE_START_STARTED: the watch entered update mode; send the parts
 * @WB_FIRMWARE_START_CANCELLED: the update was cancelled
 *
 * The status in a FirmwareStartResponse (the firmware's FirmwareUpdateStatus).
 */
typedef enum {
	WB_FIRMWARE_START_STOPPED = 0,
	WB_FIRMWARE_START_STARTED = 1,
	WB_FIRMWARE_START_CANCELLED = 2,
} WbFirmwareStartStatus;

/**
 * WbSystemMessage:
 * @type: which message
 * @has_byte_counts: FirmwareStart: the two byte counts are present (the watch reads them only
 *   if the phone set capability bit 14)
 * @bytes_already_transferred: FirmwareStart: bytes sent in an earlier, interrupted attempt
 * @bytes_to_transfer: FirmwareStart: bytes still to send (firmware and resources together)
 * @status: FirmwareStartResponse: whether the watch started the update
 * @resource_bytes_written: FirmwareStatusResponse: system resources bytes already stored
 * @resource_crc: FirmwareStatusResponse: CRC of those bytes
 * @firmware_bytes_written: FirmwareStatusResponse: firmware bytes already stored
 * @firmware_crc: FirmwareStatusResponse: CRC of those bytes
 *
 * A SystemMessage, either direction. Counts and CRCs are little-endian on the wire.
 */
typedef struct {
	WbSystemMessageType type;
	gboolean has_byte_counts;
	guint32 bytes_already_transferred;
	guint32 bytes_to_transfer;
	WbFirmwareStartStatus status;
	guint32 resource_bytes_written;
	guint32 resource_crc;
	guint32 firmware_bytes_written;
	guint32 firmware_crc;
} WbSystemMessage;

gboolean wb_system_message_decode(const guint8 *buf, gsize len, WbSystemMessage *out,
				  GError **error);
gboolean wb_system_message_encode(const WbSystemMessage *msg, GByteArray *out, GError **error);
const gchar *wb_system_message_type_to_string(WbSystemMessageType type);

G_END_DECLS
