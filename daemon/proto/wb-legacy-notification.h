/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "wb-buf.h"

G_BEGIN_DECLS

/**
 * WbLegacyNotificationSource:
 *
 * First byte of a legacy notification (§3.12). Numbering of LP2, RockWork and the Sailfish
 * client (Facebook 2, Twitter 3); Gadgetbridge swaps the two but only ever sends Email (§14 #3).
 */
typedef enum {
	WB_LEGACY_NOTIFICATION_SOURCE_EMAIL = 0,
	WB_LEGACY_NOTIFICATION_SOURCE_SMS = 1,
	WB_LEGACY_NOTIFICATION_SOURCE_FACEBOOK = 2,
	WB_LEGACY_NOTIFICATION_SOURCE_TWITTER = 3,
} WbLegacyNotificationSource;

/* §3.12: every text field is a Pascal string */
#define WB_LEGACY_NOTIFICATION_FIELD_MAX_LEN 255

/**
 * WbLegacyNotification:
 * @source: where the notification came from
 * @sender: the sender (≤ 255 bytes)
 * @body: the text (≤ 255 bytes)
 * @timestamp_ms: the time, carried as a decimal string; wearbridge writes milliseconds since
 *   the epoch, as LP2, RockWork and the Sailfish client do (Gadgetbridge writes local-time
 *   seconds, §14 #4). The decoder returns whatever number the sender wrote.
 * @subject: (nullable): the subject; %NULL when the message has no subject field
 *
 * A notification on the firmware 1.x/2.x endpoint 3000 (0x0BB8, §3.12).
 */
typedef struct {
	WbLegacyNotificationSource source;
	gchar *sender;
	gchar *body;
	guint64 timestamp_ms;
	gchar *subject;
} WbLegacyNotification;

void wb_legacy_notification_clear(WbLegacyNotification *msg);
gboolean wb_legacy_notification_decode(const guint8 *buf, gsize len, WbLegacyNotification *out,
				       GError **error);
gboolean wb_legacy_notification_encode(const WbLegacyNotification *msg, GByteArray *out,
				       GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbLegacyNotification, wb_legacy_notification_clear)

G_END_DECLS
