/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Keeps the watch's clock right: SetUTC with the offset and the zone name on 3.x+ firmware,
 * SetLocaltime on older ones (reference §2.8; Gadgetbridge does the same split).
 */
#include <string.h>

#define WB_LOG_MODULE "time"
#include "wb-error.h"
#include "wb-frame.h"
#include "wb-log.h"
#include "wb-time-service.h"

struct _WbTimeService {
	WbService parent_instance;
	WbConfig config;
};

G_DEFINE_FINAL_TYPE(WbTimeService, wb_time_service, WB_TYPE_SERVICE)

/**
 * wb_time_zone_name_for_watch:
 * @tz: a time zone
 *
 * Returns: (transfer full): the Olson name the watch can look up ("Europe/Berlin"), or "" when
 * the zone has none that fits (a path, a POSIX TZ string); the offset still applies then
 */
gchar *
wb_time_zone_name_for_watch(GTimeZone *tz)
{
	const gchar *id = g_time_zone_get_identifier(tz);
	static const gchar *prefix = "/usr/share/zoneinfo/";

	if (id == NULL)
		return g_strdup("");
	if (*id == ':')
		id++;
	if (g_str_has_prefix(id, prefix))
		id += strlen(prefix);
	if (*id == '/' || strlen(id) > WB_TIME_TZ_NAME_MAX || strchr(id, ',') != NULL ||
	    !g_utf8_validate(id, -1, NULL))
		return g_strdup("");
	return g_strdup(id);
}

/**
 * wb_time_service_sync:
 * @self: the service
 * @error: return location for a #GError
 *
 * Sets the watch's clock to the desktop's now.
 *
 * Returns: %TRUE once the message is on its way; %WB_ERROR_NOT_CONNECTED without a session
 */
gboolean
wb_time_service_sync(WbTimeService *self, GError **error)
{
	WbSession *session = wb_service_get_session(WB_SERVICE(self));
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbTimeMessage) msg = {0};
	g_autofree gchar *zone = NULL;
	const WbWatchVersion *version;
	gint offset_s;

	if (session == NULL || wb_session_get_state(session) != WB_SESSION_STATE_OPEN) {
		g_set_error_literal(error, WB_ERROR, WB_ERROR_NOT_CONNECTED,
				    "the watch is not connected");
		return FALSE;
	}
	version = wb_session_get_watch_version(session);
	offset_s = (gint)(g_date_time_get_utc_offset(now) / G_USEC_PER_SEC);
	zone = wb_time_zone_name_for_watch(g_date_time_get_timezone(now));

	if (version != NULL && wb_firmware_version_major(&version->running) >= 0 &&
	    wb_firmware_version_major(&version->running) < 3) {
		msg.command = WB_TIME_SET_LOCALTIME;
		msg.time = (guint32)(g_date_time_to_unix(now) + offset_s);
	} else if (!wb_time_set_utc_init(&msg, g_date_time_to_unix(now), offset_s, zone, error)) {
		return FALSE;
	}
	if (!wb_time_message_encode(&msg, out, error) ||
	    !wb_session_send(session, WB_ENDPOINT_TIME, out->data, out->len, error))
		return FALSE;
	wb_watch_info(wb_session_get_log_name(session), "clock set: UTC%+d min '%s'", offset_s / 60,
		      zone);
	return TRUE;
}

static void
wb_time_service_attach(WbService *service, WbSession *session)
{
	WbTimeService *self = WB_TIME_SERVICE(service);
	g_autoptr(GError) error = NULL;

	if (!self->config.time_sync_on_connect)
		return;
	if (!wb_time_service_sync(self, &error))
		wb_watch_warning(wb_session_get_log_name(session), "setting the clock: %s",
				 error->message);
}

WbTimeService *
wb_time_service_new(const WbConfig *config)
{
	WbTimeService *self = g_object_new(WB_TYPE_TIME_SERVICE, NULL);
	wb_config_copy(&self->config, config);
	return self;
}

static void
wb_time_service_finalize(GObject *object)
{
	wb_config_clear(&WB_TIME_SERVICE(object)->config);
	G_OBJECT_CLASS(wb_time_service_parent_class)->finalize(object);
}

static void
wb_time_service_class_init(WbTimeServiceClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = wb_time_service_finalize;
	WB_SERVICE_CLASS(klass)->attach = wb_time_service_attach;
}

static void
wb_time_service_init(WbTimeService *self)
{
}
