/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * org.wearbridge.Health1 for one watch. Queries go to the store; Sync and Reprocess to the
 * health service, whose state properties are bound one to one and whose signals are relayed.
 */
#define WB_LOG_MODULE "api"
#include "wb-error.h"
#include "wb-health-object.h"
#include "wb-log.h"
#include "wb-store-health.h"

/* dbus/org.wearbridge.Health1.xml: results are bounded */
#define HEALTH_MAX_RESULTS 100000
#define HEALTH_BUCKET_MIN  60
#define HEALTH_BUCKET_MAX  31622400 /* a leap year */
/* the last second of year 9999: anything later is not a time a watch can have logged */
#define HEALTH_TIME_MAX G_GUINT64_CONSTANT(253402300799)

struct _WbHealthObject {
	WbDBusHealth1Skeleton parent_instance;
	WbWatch *watch;
	WbHealthService *service;
};

static void wb_health_object_iface_init(WbDBusHealth1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(WbHealthObject, wb_health_object, WB_DBUS_TYPE_HEALTH1_SKELETON,
			      G_IMPLEMENT_INTERFACE(WB_DBUS_TYPE_HEALTH1,
						    wb_health_object_iface_init))

static const gchar *bound_properties[] = {"syncing", "last-sync", "steps-today", "last-heart-rate"};

static gboolean
return_error(GDBusMethodInvocation *invocation, GError *error_owned)
{
	g_autoptr(GError) error = error_owned;

	wb_dbus_return_error(invocation, error);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
check_time(guint64 t, const gchar *what, GError **error)
{
	if (t <= HEALTH_TIME_MAX)
		return TRUE;
	g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
		    "%s '%" G_GUINT64_FORMAT "' is after the year 9999", what, t);
	return FALSE;
}

static gboolean
check_range(guint64 from, guint64 to, GError **error)
{
	if (!check_time(from, "from", error) || !check_time(to, "to", error))
		return FALSE;
	if (from > to) {
		g_set_error(error, WB_ERROR, WB_ERROR_INVALID_ARGS,
			    "the range is reversed: from '%" G_GUINT64_FORMAT
			    "' is after to '%" G_GUINT64_FORMAT "'",
			    from, to);
		return FALSE;
	}
	return TRUE;
}

static GError *
too_many(const gchar *what)
{
	return g_error_new(WB_ERROR, WB_ERROR_INVALID_ARGS,
			   "more than %d %s in the range: narrow it", HEALTH_MAX_RESULTS, what);
}

static gboolean
handle_get_steps(WbDBusHealth1 *iface, GDBusMethodInvocation *invocation, guint64 from, guint64 to,
		 guint bucket_seconds)
{
	WbHealthObject *self = WB_HEALTH_OBJECT(iface);
	GError *error = NULL;
	g_autoptr(GArray) buckets = NULL;
	GVariantBuilder b;
	guint64 n;

	if (!check_range(from, to, &error))
		return return_error(invocation, error);
	if (bucket_seconds < HEALTH_BUCKET_MIN || bucket_seconds > HEALTH_BUCKET_MAX)
		return return_error(invocation,
				    g_error_new(WB_ERROR, WB_ERROR_INVALID_ARGS,
						"bucket size '%u' s is not between %d and %d",
						bucket_seconds, HEALTH_BUCKET_MIN,
						HEALTH_BUCKET_MAX));
	n = (to - from + bucket_seconds - 1) / bucket_seconds;
	if (n > HEALTH_MAX_RESULTS)
		return return_error(invocation,
				    g_error_new(WB_ERROR, WB_ERROR_INVALID_ARGS,
						"%" G_GUINT64_FORMAT " buckets, more than %d: "
						"narrow the range or use larger buckets",
						n, HEALTH_MAX_RESULTS));
	buckets = wb_store_health_get_steps(wb_health_service_get_store(self->service),
					    wb_health_service_get_watch_id(self->service),
					    (gint64)from, (gint64)to, bucket_seconds, &error);
	if (buckets == NULL)
		return return_error(invocation, error);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(tu)"));
	for (guint i = 0; i < buckets->len; i++) {
		const WbHealthStepBucket *x = &g_array_index(buckets, WbHealthStepBucket, i);
		g_variant_builder_add(&b, "(tu)", (guint64)x->start, x->steps);
	}
	wb_dbus_health1_complete_get_steps(iface, invocation, g_variant_builder_end(&b));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_heart_rate(WbDBusHealth1 *iface, GDBusMethodInvocation *invocation, guint64 from,
		      guint64 to)
{
	WbHealthObject *self = WB_HEALTH_OBJECT(iface);
	GError *error = NULL;
	g_autoptr(GArray) samples = NULL;
	GVariantBuilder b;

	if (!check_range(from, to, &error))
		return return_error(invocation, error);
	samples = wb_store_health_get_heart_rate(wb_health_service_get_store(self->service),
						 wb_health_service_get_watch_id(self->service),
						 (gint64)from, (gint64)to, HEALTH_MAX_RESULTS,
						 &error);
	if (samples == NULL)
		return return_error(invocation, error);
	if (samples->len > HEALTH_MAX_RESULTS)
		return return_error(invocation, too_many("heart-rate samples"));
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(tyy)"));
	for (guint i = 0; i < samples->len; i++) {
		const WbHealthHeartRate *x = &g_array_index(samples, WbHealthHeartRate, i);
		g_variant_builder_add(&b, "(tyy)", (guint64)x->time, x->bpm, x->quality);
	}
	wb_dbus_health1_complete_get_heart_rate(iface, invocation, g_variant_builder_end(&b));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_sleep(WbDBusHealth1 *iface, GDBusMethodInvocation *invocation, guint64 from, guint64 to)
{
	WbHealthObject *self = WB_HEALTH_OBJECT(iface);
	GError *error = NULL;
	g_autoptr(GArray) sessions = NULL;
	GVariantBuilder b;

	if (!check_range(from, to, &error))
		return return_error(invocation, error);
	sessions = wb_store_health_get_sleep(wb_health_service_get_store(self->service),
					     wb_health_service_get_watch_id(self->service),
					     (gint64)from, (gint64)to, HEALTH_MAX_RESULTS, &error);
	if (sessions == NULL)
		return return_error(invocation, error);
	if (sessions->len > HEALTH_MAX_RESULTS)
		return return_error(invocation, too_many("sleep sessions"));
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(tuu)"));
	for (guint i = 0; i < sessions->len; i++) {
		const WbHealthSleep *x = &g_array_index(sessions, WbHealthSleep, i);
		g_variant_builder_add(&b, "(tuu)", (guint64)x->start, x->duration,
				      (guint32)x->kind);
	}
	wb_dbus_health1_complete_get_sleep(iface, invocation, g_variant_builder_end(&b));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_daily_summary(WbDBusHealth1 *iface, GDBusMethodInvocation *invocation, guint64 day)
{
	WbHealthObject *self = WB_HEALTH_OBJECT(iface);
	g_autoptr(GTimeZone) tz = g_time_zone_new_local();
	GError *error = NULL;
	WbHealthDailySummary s;
	GVariantBuilder b;
	gint64 start, end;

	if (!check_time(day, "day", &error))
		return return_error(invocation, error);
	if (!wb_health_day_bounds(tz, (gint64)day, &start, &end))
		return return_error(invocation,
				    g_error_new(WB_ERROR, WB_ERROR_INVALID_ARGS,
						"day '%" G_GUINT64_FORMAT "' has no local date",
						day));
	if (!wb_store_health_get_daily_summary(wb_health_service_get_store(self->service),
					       wb_health_service_get_watch_id(self->service), start,
					       end, &s, &error))
		return return_error(invocation, error);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&b, "{sv}", "steps", g_variant_new_uint32(s.steps));
	g_variant_builder_add(&b, "{sv}", "active_minutes", g_variant_new_uint32(s.active_minutes));
	g_variant_builder_add(&b, "{sv}", "sleep_seconds", g_variant_new_uint32(s.sleep_seconds));
	g_variant_builder_add(&b, "{sv}", "deep_sleep_seconds",
			      g_variant_new_uint32(s.deep_sleep_seconds));
	g_variant_builder_add(&b, "{sv}", "resting_heart_rate",
			      g_variant_new_byte(s.resting_heart_rate));
	g_variant_builder_add(&b, "{sv}", "max_heart_rate", g_variant_new_byte(s.max_heart_rate));
	g_variant_builder_add(&b, "{sv}", "distance_m", g_variant_new_uint32(s.distance_m));
	g_variant_builder_add(&b, "{sv}", "day_start", g_variant_new_uint64((guint64)start));
	wb_dbus_health1_complete_get_daily_summary(iface, invocation, g_variant_builder_end(&b));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
sync_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GDBusMethodInvocation *invocation = user_data;
	g_autoptr(GError) error = NULL;

	if (!wb_health_service_sync_finish(WB_HEALTH_SERVICE(source), result, NULL, &error)) {
		wb_dbus_return_error(invocation, error);
		return;
	}
	wb_dbus_health1_complete_sync(NULL, invocation);
}

static gboolean
handle_sync(WbDBusHealth1 *iface, GDBusMethodInvocation *invocation)
{
	WbHealthObject *self = WB_HEALTH_OBJECT(iface);

	wb_health_service_sync_async(self->service, NULL, sync_cb, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
reprocess_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GDBusMethodInvocation *invocation = user_data;
	g_autoptr(GError) error = NULL;
	guint readings = 0;

	if (!wb_health_service_reprocess_finish(WB_HEALTH_SERVICE(source), result, &readings,
						&error)) {
		wb_dbus_return_error(invocation, error);
		return;
	}
	wb_dbus_health1_complete_reprocess(NULL, invocation, readings);
}

static gboolean
handle_reprocess(WbDBusHealth1 *iface, GDBusMethodInvocation *invocation)
{
	WbHealthObject *self = WB_HEALTH_OBJECT(iface);

	wb_health_service_reprocess_async(self->service, NULL, reprocess_cb, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
wb_health_object_iface_init(WbDBusHealth1Iface *iface)
{
	iface->handle_get_steps = handle_get_steps;
	iface->handle_get_heart_rate = handle_get_heart_rate;
	iface->handle_get_sleep = handle_get_sleep;
	iface->handle_get_daily_summary = handle_get_daily_summary;
	iface->handle_sync = handle_sync;
	iface->handle_reprocess = handle_reprocess;
}

static void
sync_progress_cb(WbHealthService *service, guint records, gpointer user_data)
{
	wb_dbus_health1_emit_sync_progress(WB_DBUS_HEALTH1(user_data), records);
}

static void
readings_added_cb(WbHealthService *service, const gchar *kind, guint64 from, guint64 to,
		  guint count, gpointer user_data)
{
	wb_dbus_health1_emit_readings_added(WB_DBUS_HEALTH1(user_data), kind, from, to, count);
}

static void
data_logged_cb(WbHealthService *service, const gchar *app, guint tag, GBytes *data,
	       gpointer user_data)
{
	gsize len = 0;
	const guint8 *p = g_bytes_get_data(data, &len);

	wb_dbus_health1_emit_data_logged(
		WB_DBUS_HEALTH1(user_data), app, tag,
		g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, p != NULL ? p : (const guint8 *)"",
					  len, 1));
}

/**
 * wb_health_object_new:
 * @watch: the watch
 * @service: its health service
 *
 * Returns: (transfer full): the interface skeleton, its properties bound to @service's
 */
WbHealthObject *
wb_health_object_new(WbWatch *watch, WbHealthService *service)
{
	WbHealthObject *self = g_object_new(WB_TYPE_HEALTH_OBJECT, NULL);

	self->watch = g_object_ref(watch);
	self->service = g_object_ref(service);
	for (guint i = 0; i < G_N_ELEMENTS(bound_properties); i++)
		g_object_bind_property(service, bound_properties[i], self, bound_properties[i],
				       G_BINDING_SYNC_CREATE);
	g_signal_connect_object(service, "sync-progress", G_CALLBACK(sync_progress_cb), self, 0);
	g_signal_connect_object(service, "readings-added", G_CALLBACK(readings_added_cb), self, 0);
	g_signal_connect_object(service, "data-logged", G_CALLBACK(data_logged_cb), self, 0);
	return self;
}

static void
wb_health_object_dispose(GObject *object)
{
	WbHealthObject *self = WB_HEALTH_OBJECT(object);

	if (self->service != NULL)
		g_signal_handlers_disconnect_by_data(self->service, self);
	g_clear_object(&self->watch);
	g_clear_object(&self->service);
	G_OBJECT_CLASS(wb_health_object_parent_class)->dispose(object);
}

static void
wb_health_object_class_init(WbHealthObjectClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = wb_health_object_dispose;
}

static void
wb_health_object_init(WbHealthObject *self)
{
}
