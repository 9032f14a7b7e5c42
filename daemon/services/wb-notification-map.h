/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "wb-desktop-notification.h"
#include "wb-timeline.h"
#include "wb-uuid.h"

G_BEGIN_DECLS

/* What the watch shows at most (pebbleos-rendering.md §5); we cut first, with an ellipsis. */
#define WB_NOTIFICATION_TITLE_MAX   64
#define WB_NOTIFICATION_BODY_MAX    512
#define WB_NOTIFICATION_LABEL_MAX   32
#define WB_NOTIFICATION_MAX_ACTIONS 8
#define WB_NOTIFICATION_MAX_REPLIES 8
/* only with this parent does a Dismiss (0x04) action reach the phone (rendering §3) */
#define WB_NOTIFICATION_PARENT_UUID "ed429c16-f674-4220-95da-454f303f15e2"

/* Action ids on the watch: 0 is Dismiss, 1 Reply (API only), then the desktop actions. */
#define WB_NOTIFICATION_ACTION_DISMISS 0
#define WB_NOTIFICATION_ACTION_REPLY   1
#define WB_NOTIFICATION_ACTION_FIRST   2

gchar *wb_notification_clean_text(const gchar *text, gboolean markup);
gchar *wb_notification_truncate(const gchar *text, gsize max_bytes);
guint32 wb_notification_icon_for(const WbDesktopNotification *n);
const gchar *wb_notification_app_display_name(const WbDesktopNotification *n);

/**
 * WbNotificationMapOptions:
 * @privacy: send the app and the summary only, never the body
 * @actions: (element-type utf8) (nullable): ids of the desktop actions that can really be
 *   carried out, in the order they are offered; others are left off the watch
 */
typedef struct {
	gboolean privacy;
	GPtrArray *actions;
} WbNotificationMapOptions;

gboolean wb_notification_map(const WbDesktopNotification *n, const WbUuid *id,
			     const WbNotificationMapOptions *options, WbTimelineItem *out,
			     GError **error);
GBytes *wb_notification_map_to_bytes(const WbDesktopNotification *n, const WbUuid *id,
				     const WbNotificationMapOptions *options, GError **error);

G_END_DECLS
