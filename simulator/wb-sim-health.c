/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * Health data of the simulated watch: a deterministic generator of the records a Pebble logs
 * (reference §7) and the ground truth of what they contain.
 *
 * The model (docs/watchsim.md, "Health data"). Every local calendar day gets its own random
 * stream, seeded from (seed, day number), so a day looks the same whatever range it is
 * generated in. A day is: the night ending that morning (bed 22:30-00:45, wake 06:15-07:45,
 * 3-5 deep phases of 20-50 minutes, the first 20-40 minutes after falling asleep); on
 * weekdays a commute walk, a desk day with small bursts of steps, a lunch walk on half the
 * days, a walk home on most days and an evening run on about a third; at weekends a long
 * morning walk and a run on half the days; the rest is time at home with bursts. Heart rate
 * follows the activity with inertia around a daily resting rate; the watch measures it every
 * ten minutes and every minute of a walk or run (as 4.x firmware does during workouts).
 *
 * The truth is computed by decoding the very bytes the watch logs (and later deletes after an
 * ACK), with the codecs of daemon/proto, so "generated", "acknowledged" and "pending" are
 * always consistent with what went over the air.
 */

#include "wb-sim-health.h"

#include <string.h>

#include "wb-health.h"
#include "wb-proto-error.h"
#include "wb-sim-watch.h"

#define MINUTES_PER_DAY 1440
#define SECONDS_PER_DAY 86400
#define RECORD_SECONDS  (WB_HEALTH_MINUTES_PER_RECORD * 60)
/* §7.3: the activity session record version of current firmware */
#define ACTIVITY_SESSION_VERSION 3
/* §7.4 */
#define LEGACY_SLEEP_VERSION 1

/* What the wearer does in a minute */
typedef enum {
	ACT_HOME,
	ACT_DESK,
	ACT_SLEEP,
	ACT_DEEP,
	ACT_WALK,
	ACT_RUN,
} Activity;

/* A session in local minutes of the plan */
typedef struct {
	WbHealthActivityType type;
	gint64 start; /* plan minute */
	gint64 end;   /* exclusive */
	gint parent;  /* deep phases: index of the night; else -1 */
} PlanSession;

typedef struct {
	gint64 first_minute; /* local minute (minutes since the epoch in local time) of index 0 */
	gsize n;
	guint8 *activity;
	guint8 *steps;
	guint8 *bpm;
	guint8 *hr_measured; /* 0, or the second within the minute of the HR reading + 1 */
	guint8 *quality;
	GArray *sessions; /* of PlanSession */
} Plan;

static void
plan_clear(Plan *p)
{
	g_free(p->activity);
	g_free(p->steps);
	g_free(p->bpm);
	g_free(p->hr_measured);
	g_free(p->quality);
	g_clear_pointer(&p->sessions, g_array_unref);
}

/* ------------------------------------------------------------------ variants */

/**
 * wb_sim_health_version_is_valid:
 * @version: a firmware variant
 *
 * Returns: %TRUE for the minute record versions of §7.2 (4, 5, 6, 7, 12, 13, and 14 of the Core
 *   Devices firmware) and %WB_SIM_HEALTH_LEGACY
 */
gboolean
wb_sim_health_version_is_valid(guint version)
{
	if (version == WB_SIM_HEALTH_LEGACY)
		return TRUE;
	return version <= G_MAXUINT16 && wb_health_minute_sample_size_min((guint16)version) > 0;
}

/**
 * wb_sim_health_minute_version:
 * @version: a valid firmware variant
 *
 * Returns: the minute record version it logs (5 for the legacy variant)
 */
guint16
wb_sim_health_minute_version(guint version)
{
	return version == WB_SIM_HEALTH_LEGACY ? 5 : (guint16)version;
}

/**
 * wb_sim_health_minute_item_size:
 * @version: a valid firmware variant
 *
 * Returns: the tag-81 item size: 9 + 15 × the version's sample size (249 for v13)
 */
guint16
wb_sim_health_minute_item_size(guint version)
{
	guint ss = wb_health_minute_sample_size_min(wb_sim_health_minute_version(version));

	return (guint16)(WB_HEALTH_MINUTE_HEADER_LEN + WB_HEALTH_MINUTES_PER_RECORD * ss);
}

/**
 * wb_sim_health_has_heart_rate:
 * @version: a valid firmware variant
 *
 * Returns: %TRUE if the variant measures heart rate (minute records v7 and later carry it,
 *   and such firmware logs tag-85 heart-rate samples)
 */
gboolean
wb_sim_health_has_heart_rate(guint version)
{
	return version != WB_SIM_HEALTH_LEGACY &&
	       (wb_health_minute_fields(wb_sim_health_minute_version(version)) &
		WB_HEALTH_MINUTE_HAS_HEART_RATE) != 0;
}

/**
 * wb_sim_health_batch_clear:
 * @batch: a batch; may be zeroed
 *
 * Frees the item arrays and leaves @batch zeroed.
 */
void
wb_sim_health_batch_clear(WbSimHealthBatch *batch)
{
	g_clear_pointer(&batch->minute_items, g_byte_array_unref);
	g_clear_pointer(&batch->session_items, g_byte_array_unref);
	g_clear_pointer(&batch->legacy_sleep_items, g_byte_array_unref);
	g_clear_pointer(&batch->hr_items, g_byte_array_unref);
	memset(batch, 0, sizeof(*batch));
}

/* ------------------------------------------------------------------ the plan */

static gint64
floor_div(gint64 a, gint64 b)
{
	gint64 q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static gint32
rnd(GRand *r, gint32 lo, gint32 hi_inclusive)
{
	return g_rand_int_range(r, lo, hi_inclusive + 1);
}

static gboolean
chance(GRand *r, gdouble p)
{
	return g_rand_double(r) < p;
}

static void
paint(Plan *p, gint64 start, gint64 end, Activity a)
{
	for (gint64 m = MAX(start, p->first_minute); m < end; m++) {
		gint64 i = m - p->first_minute;
		if (i >= (gint64)p->n)
			break;
		p->activity[i] = (guint8)a;
	}
}

static gint
add_session(Plan *p, WbHealthActivityType type, gint64 start, gint64 end, gint parent)
{
	PlanSession s = {.type = type, .start = start, .end = end, .parent = parent};

	g_array_append_val(p->sessions, s);
	return (gint)p->sessions->len - 1;
}

/* Paints a walk or a run and records it as a session */
static void
plan_workout(Plan *p, Activity a, gint64 start, gint64 minutes)
{
	paint(p, start, start + minutes, a);
	add_session(p, a == ACT_RUN ? WB_HEALTH_ACTIVITY_RUN : WB_HEALTH_ACTIVITY_WALK, start,
		    start + minutes, -1);
}

/* The night that ends on the morning of @day (local day number), and that day */
static void
plan_day(Plan *p, guint32 seed, gint64 day)
{
	guint32 key[4] = {seed, (guint32)day, (guint32)(day >> 32), 0x48454c54 /* "HELT" */};
	g_autoptr(GRand) r = g_rand_new_with_seed_array(key, G_N_ELEMENTS(key));
	gint64 midnight = day * MINUTES_PER_DAY;
	/* 1970-01-01 (day 0) was a Thursday: Monday = 0 */
	gint weekday = (gint)(((day % 7) + 7 + 3) % 7);
	gboolean weekend = weekday >= 5;
	gint64 bed = midnight + rnd(r, -90, 45);
	gint64 asleep = bed + rnd(r, 5, 20);
	gint64 wake = midnight + rnd(r, 375, 465) + (weekend ? rnd(r, 0, 60) : 0);
	gint night;
	gint64 m;

	/* the night: light sleep with deep phases, more of them early in the night */
	paint(p, asleep, wake, ACT_SLEEP);
	night = add_session(p, WB_HEALTH_ACTIVITY_SLEEP, asleep, wake, -1);
	m = asleep + rnd(r, 20, 40);
	for (gint phase = 0; phase < 5; phase++) {
		gint64 len = rnd(r, 20, 50) - phase * 4;

		if (m + len > wake - 30)
			break;
		paint(p, m, m + len, ACT_DEEP);
		add_session(p, WB_HEALTH_ACTIVITY_RESTFUL_SLEEP, m, m + len, night);
		m += len + rnd(r, 40, 80);
	}

	if (!weekend) {
		gint64 commute = wake + rnd(r, 35, 65);
		gint64 commute_len = rnd(r, 15, 30);
		gint64 home_time = midnight + 17 * 60 + 30 + rnd(r, 0, 15);

		plan_workout(p, ACT_WALK, commute, commute_len);
		paint(p, commute + commute_len, home_time, ACT_DESK);
		if (chance(r, 0.5))
			plan_workout(p, ACT_WALK, midnight + 12 * 60 + rnd(r, 0, 40),
				     rnd(r, 10, 25));
		if (chance(r, 0.6))
			plan_workout(p, ACT_WALK, home_time, rnd(r, 15, 30));
		if (chance(r, 0.35))
			plan_workout(p, ACT_RUN, midnight + 18 * 60 + 30 + rnd(r, 0, 90),
				     rnd(r, 20, 50));
	} else {
		if (chance(r, 0.75))
			plan_workout(p, ACT_WALK, midnight + 10 * 60 + rnd(r, 0, 90),
				     rnd(r, 30, 75));
		if (chance(r, 0.5))
			plan_workout(p, ACT_RUN, midnight + 17 * 60 + rnd(r, 0, 90),
				     rnd(r, 25, 60));
	}
}

/* Steps, heart rate and HR readings for every minute, from the activities. Each day's
 * minutes draw from that day's stream, so the values do not depend on the range either. */
static void
plan_minutes(Plan *p, guint32 seed)
{
	gdouble hr = 60;
	g_autoptr(GRand) r = NULL;
	gint64 day = G_MININT64;
	gint resting = 58;
	gint pace = 110;
	gint64 since_wake = 0;

	for (gsize i = 0; i < p->n; i++) {
		gint64 minute = p->first_minute + (gint64)i;
		Activity a = (Activity)p->activity[i];
		Activity prev = i > 0 ? (Activity)p->activity[i - 1] : a;
		gboolean edge =
			i == 0 || i + 1 == p->n || prev != a || (Activity)p->activity[i + 1] != a;
		gdouble target, rate;
		gint steps = 0;

		if (floor_div(minute, MINUTES_PER_DAY) != day) {
			guint32 key[4];

			day = floor_div(minute, MINUTES_PER_DAY);
			key[0] = seed;
			key[1] = (guint32)day;
			key[2] = (guint32)(day >> 32);
			key[3] = 0x4d494e53; /* "MINS" */
			g_clear_pointer(&r, g_rand_free);
			r = g_rand_new_with_seed_array(key, G_N_ELEMENTS(key));
			resting = rnd(r, 52, 62);
		}
		if (a != prev && (a == ACT_WALK || a == ACT_RUN))
			pace = a == ACT_RUN ? rnd(r, 150, 172) : rnd(r, 98, 120);
		since_wake = (a == ACT_SLEEP || a == ACT_DEEP) ? 0 : since_wake + 1;

		switch (a) {
		case ACT_SLEEP:
			target = resting - 3 + rnd(r, -2, 2);
			rate = 0.3;
			break;
		case ACT_DEEP:
			target = resting - 7 + rnd(r, -2, 2);
			rate = 0.3;
			break;
		case ACT_WALK:
			steps = edge ? rnd(r, 55, 90) : pace + rnd(r, -8, 8);
			target = 70 + steps / 3.0 + rnd(r, -3, 3);
			rate = 0.45;
			break;
		case ACT_RUN:
			steps = edge ? rnd(r, 110, 140) : pace + rnd(r, -6, 6);
			target = 60 + steps * 0.6 + rnd(r, -4, 4);
			rate = 0.45;
			break;
		case ACT_DESK:
			if (chance(r, 0.06))
				steps = rnd(r, 8, 60);
			target = resting + 8 + steps / 3.0 + rnd(r, -4, 4);
			rate = 0.3;
			break;
		case ACT_HOME:
		default:
			if (chance(r, since_wake < 30 ? 0.35 : 0.15))
				steps = rnd(r, 5, 45);
			target = resting + 10 + steps / 3.0 + rnd(r, -5, 5);
			rate = 0.3;
			break;
		}
		hr += (target - hr) * rate + rnd(r, -1, 1);
		hr = CLAMP(hr, 38, 195);
		p->steps[i] = (guint8)CLAMP(steps, 0, 255);
		p->bpm[i] = (guint8)(hr + 0.5);
		/* every ten minutes, and every minute of a workout */
		if (a == ACT_WALK || a == ACT_RUN || minute % 10 == 0) {
			p->hr_measured[i] = (guint8)(rnd(r, 20, 50) + 1);
			if (a == ACT_RUN)
				p->quality[i] =
					(guint8)(chance(r, 0.3) ? WB_HEALTH_HR_QUALITY_ACCEPTABLE
								: WB_HEALTH_HR_QUALITY_GOOD);
			else if (a == ACT_SLEEP || a == ACT_DEEP)
				p->quality[i] = WB_HEALTH_HR_QUALITY_EXCELLENT;
			else
				p->quality[i] =
					(guint8)(chance(r, 0.5) ? WB_HEALTH_HR_QUALITY_GOOD
								: WB_HEALTH_HR_QUALITY_EXCELLENT);
		}
	}
}

static void
plan_build(Plan *p, const WbSimHealthParams *params)
{
	gint64 first_day = floor_div(params->start_utc + params->utc_to_local, SECONDS_PER_DAY);
	gint64 last_day = floor_div(params->end_utc - 1 + params->utc_to_local, SECONDS_PER_DAY);

	/* one day of margin each side: the night before the first day starts the evening
	 * before, and the last evening belongs to the next day's night */
	p->first_minute = (first_day - 1) * MINUTES_PER_DAY;
	p->n = (gsize)(last_day - first_day + 3) * MINUTES_PER_DAY;
	p->activity = g_new0(guint8, p->n); /* ACT_HOME */
	p->steps = g_new0(guint8, p->n);
	p->bpm = g_new0(guint8, p->n);
	p->hr_measured = g_new0(guint8, p->n);
	p->quality = g_new0(guint8, p->n);
	p->sessions = g_array_new(FALSE, FALSE, sizeof(PlanSession));
	for (gint64 day = first_day - 1; day <= last_day + 2; day++)
		plan_day(p, params->seed, day);
	plan_minutes(p, params->seed);
}

/* ------------------------------------------------------------------ records */

static gsize
plan_index(const Plan *p, gint64 utc, gint32 utc_to_local)
{
	return (gsize)(floor_div(utc + utc_to_local, 60) - p->first_minute);
}

static void
fill_sample(const Plan *p, gsize i, WbHealthMinuteSample *s)
{
	Activity a = (Activity)p->activity[i];
	gboolean asleep = a == ACT_SLEEP || a == ACT_DEEP;
	guint steps = p->steps[i];
	guint stride_cm = a == ACT_RUN ? 110 : 72;
	/* a cheap deterministic jitter from the values themselves */
	guint jitter =
		(guint)((((guint64)(p->first_minute + (gint64)i)) * 2654435761u) >> 7) & 0xff;

	s->steps = (guint8)steps;
	/* high nibble: angle to Z, low: angle in X-Y (§7.2); flat on the wrist at night */
	s->orientation = asleep ? (guint8)(0x80 | (jitter & 0x3)) : (guint8)(jitter & 0x7f);
	s->vmc = (guint16)(asleep ? (a == ACT_DEEP ? jitter % 20 : jitter % 160)
				  : steps * 38 + jitter % 120);
	s->light = asleep ? 0 : (guint8)(8 + jitter % 60);
	s->flags = steps >= 40 ? WB_HEALTH_MINUTE_FLAG_ACTIVE : 0;
	s->resting_calories = 830; /* ~1200 kcal a day, in calories */
	s->active_calories = (guint16)(steps * (a == ACT_RUN ? 70 : 40));
	s->distance_cm = (guint16)(steps * stride_cm);
	if (p->hr_measured[i] != 0) {
		s->heart_rate_bpm = p->bpm[i];
		s->heart_rate_weight_x100 = 100;
		s->heart_rate_zone = p->bpm[i] < 100   ? 0
				     : p->bpm[i] < 130 ? 1
				     : p->bpm[i] < 150 ? 2
						       : 3;
	}
}

static gboolean
emit_minutes(const Plan *p, const WbSimHealthParams *params, WbSimHealthBatch *out, GError **error)
{
	guint16 version = wb_sim_health_minute_version(params->version);
	WbHealthMinuteSample samples[WB_HEALTH_MINUTES_PER_RECORD];

	for (gint64 t = params->start_utc; t < params->end_utc; t += RECORD_SECONDS) {
		WbHealthMinuteRecord rec = {
			.version = version,
			.time_utc = (guint32)t,
			.local_offset_15min = (gint8)(params->utc_to_local / 900),
			.sample_size = (guint8)wb_health_minute_sample_size_min(version),
			.num_samples = WB_HEALTH_MINUTES_PER_RECORD,
			.samples = samples,
		};

		memset(samples, 0, sizeof(samples));
		for (guint k = 0; k < WB_HEALTH_MINUTES_PER_RECORD; k++)
			fill_sample(p, plan_index(p, t + 60 * k, params->utc_to_local),
				    &samples[k]);
		/* fields a version does not have are simply not written (§7.2) */
		if (!wb_health_minute_record_encode(&rec, out->minute_item_size, out->minute_items,
						    error))
			return FALSE;
	}
	return TRUE;
}

static gint64
session_utc(const WbSimHealthParams *params, gint64 plan_minute)
{
	return plan_minute * 60 - params->utc_to_local;
}

static gboolean
session_included(const WbSimHealthParams *params, const PlanSession *s)
{
	return session_utc(params, s->start) >= params->start_utc &&
	       session_utc(params, s->end) <= params->end_utc;
}

static gint
compare_by_end(gconstpointer a, gconstpointer b)
{
	const PlanSession *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static gboolean
emit_sessions(const Plan *p, const WbSimHealthParams *params, WbSimHealthBatch *out, GError **error)
{
	g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(PlanSession));

	for (guint i = 0; i < p->sessions->len; i++) {
		PlanSession s = g_array_index(p->sessions, PlanSession, i);

		/* a deep phase goes with its night */
		if (s.parent >= 0 &&
		    !session_included(params, &g_array_index(p->sessions, PlanSession, s.parent)))
			continue;
		if (!session_included(params, &s))
			continue;
		/* the watch logs a session when it has ended */
		s.parent = s.parent >= 0 ? s.parent : (gint)i;
		g_array_append_val(list, s);
	}
	g_array_sort(list, compare_by_end);

	for (guint i = 0; i < list->len; i++) {
		const PlanSession *s = &g_array_index(list, PlanSession, i);
		gint64 start = session_utc(params, s->start);
		gint64 end = session_utc(params, s->end);

		if (params->version == WB_SIM_HEALTH_LEGACY) {
			WbHealthLegacySleep rec = {
				.version = LEGACY_SLEEP_VERSION,
				.utc_to_local = params->utc_to_local,
				.start_utc = (guint32)start,
				.end_utc = (guint32)end,
			};

			/* old firmware logs whole nights only, with the deep total */
			if (s->type != WB_HEALTH_ACTIVITY_SLEEP)
				continue;
			for (guint j = 0; j < p->sessions->len; j++) {
				const PlanSession *d = &g_array_index(p->sessions, PlanSession, j);
				if (d->type == WB_HEALTH_ACTIVITY_RESTFUL_SLEEP &&
				    d->parent == s->parent)
					rec.restful_secs += (guint32)((d->end - d->start) * 60);
			}
			if (!wb_health_legacy_sleep_encode(&rec, WB_HEALTH_LEGACY_SLEEP_LEN,
							   out->legacy_sleep_items, error))
				return FALSE;
		} else {
			WbHealthActivitySession rec = {
				.version = ACTIVITY_SESSION_VERSION,
				.type = s->type,
				.utc_to_local = params->utc_to_local,
				.start_utc = (guint32)start,
				.elapsed_sec = (guint32)(end - start),
			};

			if (!wb_health_activity_type_is_sleep(s->type)) {
				guint steps = 0, active = 0, dist = 0;

				for (gint64 m = s->start; m < s->end; m++) {
					WbHealthMinuteSample smp = {0};
					fill_sample(p, (gsize)(m - p->first_minute), &smp);
					steps += smp.steps;
					active += smp.active_calories;
					dist += smp.distance_cm;
				}
				rec.steps = (guint16)MIN(steps, G_MAXUINT16);
				rec.active_kcal = (guint16)(active / 1000);
				rec.resting_kcal = (guint16)((s->end - s->start) * 830 / 1000);
				rec.distance_m = (guint16)MIN(dist / 100, G_MAXUINT16);
			}
			if (!wb_health_activity_session_encode(&rec, WB_HEALTH_ACTIVITY_SESSION_LEN,
							       out->session_items, error))
				return FALSE;
		}
	}
	return TRUE;
}

/* Packs @samples[0..n) into as few tag-85 items as fit, one hour's readings at a time */
static gboolean
emit_hr_hour(const WbSimHealthParams *params, const WbHealthHrSample *samples, guint n,
	     guint32 send_time, GByteArray *out, GError **error)
{
	guint start = 0;

	while (start < n) {
		guint lo = 1, hi = n - start;
		g_autoptr(GArray) arr = g_array_new(FALSE, FALSE, sizeof(WbHealthHrSample));
		WbHealthHrLog log = {
			.send_time_utc = send_time,
			.sender_id = (gchar *)(params->serial != NULL ? params->serial : ""),
			.samples = arr,
		};

		/* the encoded size grows with every sample: the largest prefix that fits */
		while (lo < hi) {
			g_autoptr(GByteArray) probe = g_byte_array_new();
			guint mid = lo + (hi - lo + 1) / 2;

			g_array_set_size(arr, 0);
			g_array_append_vals(arr, samples + start, mid);
			if (wb_health_hr_log_encode(&log, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE, probe,
						    NULL))
				lo = mid;
			else
				hi = mid - 1;
		}
		g_array_set_size(arr, 0);
		g_array_append_vals(arr, samples + start, lo);
		if (!wb_health_hr_log_encode(&log, WB_HEALTH_PROTOBUF_LOG_ITEM_SIZE, out, error))
			return FALSE;
		start += lo;
	}
	return TRUE;
}

static gboolean
emit_heart_rate(const Plan *p, const WbSimHealthParams *params, WbSimHealthBatch *out,
		GError **error)
{
	g_autoptr(GArray) hour = g_array_new(FALSE, FALSE, sizeof(WbHealthHrSample));

	for (gint64 h = params->start_utc; h < params->end_utc; h += 3600) {
		gint64 h_end = MIN(h + 3600, params->end_utc);

		g_array_set_size(hour, 0);
		for (gint64 t = h; t < h_end; t += 60) {
			gsize i = plan_index(p, t, params->utc_to_local);
			WbHealthHrSample s;

			if (p->hr_measured[i] == 0)
				continue;
			/* the reading's own second, never the minute's start: the minute
			 * record's median and the logged sample are two readings */
			s.time_utc = (guint32)(t + p->hr_measured[i] - 1);
			s.utc_to_local = params->utc_to_local;
			s.bpm = p->bpm[i];
			s.quality = (WbHealthHrQuality)p->quality[i];
			g_array_append_val(hour, s);
		}
		if (hour->len > 0 &&
		    !emit_hr_hour(params, (const WbHealthHrSample *)(void *)hour->data, hour->len,
				  (guint32)h_end, out->hr_items, error))
			return FALSE;
	}
	return TRUE;
}

/**
 * wb_sim_health_generate:
 * @params: what to generate
 * @out: (out caller-allocates): the items, per tag; zeroed on failure
 * @error: return location for a #GError
 *
 * Generates the health records of a range of time as the firmware variant @params->version
 * logs them: minute records for every 15 minutes, activity sessions (or legacy sleep records)
 * for the sleep, walks and runs wholly inside the range, heart-rate items (variants with
 * heart rate) packed per hour. Deterministic: the same parameters give the same bytes.
 *
 * Returns: %TRUE on success; %FALSE with %WB_SIM_ERROR_INVALID_ARGS for bad parameters
 */
gboolean
wb_sim_health_generate(const WbSimHealthParams *params, WbSimHealthBatch *out, GError **error)
{
	WbSimHealthBatch batch = {0};
	Plan plan = {0};
	g_autoptr(GError) local = NULL;
	gboolean ok;

	memset(out, 0, sizeof(*out));
	if (!wb_sim_health_version_is_valid(params->version) ||
	    params->start_utc % RECORD_SECONDS != 0 || params->end_utc % RECORD_SECONDS != 0 ||
	    params->start_utc < 0 || params->end_utc <= params->start_utc ||
	    params->end_utc > G_MAXUINT32 || params->utc_to_local % 900 != 0 ||
	    params->utc_to_local < -16 * 3600 || params->utc_to_local > 16 * 3600) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "cannot generate health data: version %u, range %" G_GINT64_FORMAT
			    "..%" G_GINT64_FORMAT ", local offset %d s",
			    params->version, params->start_utc, params->end_utc,
			    params->utc_to_local);
		return FALSE;
	}
	batch.minute_item_size = wb_sim_health_minute_item_size(params->version);
	batch.minute_items = g_byte_array_new();
	batch.session_items = g_byte_array_new();
	batch.legacy_sleep_items = g_byte_array_new();
	batch.hr_items = g_byte_array_new();

	plan_build(&plan, params);
	ok = emit_minutes(&plan, params, &batch, &local) &&
	     emit_sessions(&plan, params, &batch, &local) &&
	     (!wb_sim_health_has_heart_rate(params->version) ||
	      emit_heart_rate(&plan, params, &batch, &local));
	plan_clear(&plan);
	if (!ok) {
		/* our own records failed to encode: a bug here */
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_FAILED,
			    "cannot encode health records: %s", local->message);
		wb_sim_health_batch_clear(&batch);
		return FALSE;
	}
	*out = batch;
	return TRUE;
}

/* ------------------------------------------------------------------ ground truth */

typedef struct {
	guint64 minute_records;
	guint64 minutes;
	guint64 steps;
	guint64 active_minutes;
	guint64 distance_cm;
	guint64 sleep_seconds;
	guint64 deep_sleep_seconds;
	guint64 sleep_sessions;
	guint64 deep_sleep_sessions;
	guint64 walks;
	guint64 runs;
	guint64 walk_seconds;
	guint64 run_seconds;
	guint64 workout_steps;
	guint64 hr_samples;
	guint64 hr_minutes;
	guint max_hr;
	guint64 activity_records;
	guint64 legacy_sleep_records;
	guint64 hr_items;
} Totals;

typedef struct {
	gint64 day_start; /* UTC seconds of the day's (local) midnight */
	gint32 utc_to_local;
	Totals t;
} DayTotals;

struct _WbSimHealthTruth {
	Totals totals;
	GTree *local_days; /* gint64 day number (boxed) → DayTotals */
	GTree *utc_days;
	guint64 bytes;
};

static gint
compare_day(gconstpointer a, gconstpointer b, gpointer user_data)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * wb_sim_health_truth_new:
 *
 * Returns: (transfer full): an empty ground truth
 */
WbSimHealthTruth *
wb_sim_health_truth_new(void)
{
	WbSimHealthTruth *t = g_new0(WbSimHealthTruth, 1);

	t->local_days = g_tree_new_full(compare_day, NULL, g_free, g_free);
	t->utc_days = g_tree_new_full(compare_day, NULL, g_free, g_free);
	return t;
}

void
wb_sim_health_truth_free(WbSimHealthTruth *truth)
{
	if (truth == NULL)
		return;
	g_tree_unref(truth->local_days);
	g_tree_unref(truth->utc_days);
	g_free(truth);
}

/**
 * wb_sim_health_truth_reset:
 * @truth: a ground truth
 *
 * Forgets everything counted.
 */
void
wb_sim_health_truth_reset(WbSimHealthTruth *truth)
{
	g_tree_unref(truth->local_days);
	g_tree_unref(truth->utc_days);
	truth->local_days = g_tree_new_full(compare_day, NULL, g_free, g_free);
	truth->utc_days = g_tree_new_full(compare_day, NULL, g_free, g_free);
	memset(&truth->totals, 0, sizeof(truth->totals));
	truth->bytes = 0;
}

/**
 * wb_sim_health_truth_get_bytes:
 * @truth: a ground truth
 *
 * Returns: how many item bytes were counted
 */
guint64
wb_sim_health_truth_get_bytes(const WbSimHealthTruth *truth)
{
	return truth->bytes;
}

static Totals *
day_of(GTree *tree, gint64 utc, gint32 utc_to_local)
{
	gint64 day = floor_div(utc + utc_to_local, SECONDS_PER_DAY);
	DayTotals *d = g_tree_lookup(tree, &day);

	if (d == NULL) {
		gint64 *key = g_new(gint64, 1);

		*key = day;
		d = g_new0(DayTotals, 1);
		d->day_start = day * SECONDS_PER_DAY - utc_to_local;
		d->utc_to_local = utc_to_local;
		g_tree_insert(tree, key, d);
	}
	return &d->t;
}

/* Calls @fn on the totals of the whole truth, the local day and the UTC day of @utc */
#define FOR_EACH_TOTALS(truth, utc, off, var, body)                                                \
	do {                                                                                       \
		Totals *var##_all[3] = {&(truth)->totals, day_of((truth)->local_days, utc, off),   \
					day_of((truth)->utc_days, utc, 0)};                        \
		for (guint var##_i = 0; var##_i < 3; var##_i++) {                                  \
			Totals *var = var##_all[var##_i];                                          \
			body;                                                                      \
		}                                                                                  \
	} while (0)

/* Adds the seconds of [start, end) that fall in each day to *field (offset of the field) */
static void
add_clipped(WbSimHealthTruth *truth, gint64 start, gint64 end, gint32 off, gsize field)
{
	G_STATIC_ASSERT(sizeof(guint64) == 8);
	*(guint64 *)((guint8 *)&truth->totals + field) += (guint64)(end - start);
	for (guint pass = 0; pass < 2; pass++) {
		GTree *tree = pass == 0 ? truth->local_days : truth->utc_days;
		gint32 o = pass == 0 ? off : 0;
		gint64 t = start;

		while (t < end) {
			gint64 next = (floor_div(t + o, SECONDS_PER_DAY) + 1) * SECONDS_PER_DAY - o;
			gint64 stop = MIN(next, end);
			Totals *d = day_of(tree, t, o);

			*(guint64 *)((guint8 *)d + field) += (guint64)(stop - t);
			t = stop;
		}
	}
}

static void
truth_minute_record(WbSimHealthTruth *truth, const WbHealthMinuteRecord *rec)
{
	gint32 off = rec->local_offset_15min * 900;

	FOR_EACH_TOTALS(truth, rec->time_utc, off, t, t->minute_records++);
	for (guint i = 0; i < rec->num_samples; i++) {
		const WbHealthMinuteSample *s = &rec->samples[i];
		gint64 when = wb_health_minute_record_sample_time(rec, i);

		FOR_EACH_TOTALS(truth, when, off, t, {
			t->minutes++;
			t->steps += s->steps;
			t->distance_cm += s->distance_cm;
			if (s->flags & WB_HEALTH_MINUTE_FLAG_ACTIVE)
				t->active_minutes++;
			if (s->heart_rate_bpm != 0) {
				t->hr_minutes++;
				t->max_hr = MAX(t->max_hr, s->heart_rate_bpm);
			}
		});
	}
}

static void
truth_activity_session(WbSimHealthTruth *truth, const WbHealthActivitySession *s)
{
	gint64 start = s->start_utc, end = (gint64)s->start_utc + s->elapsed_sec;

	FOR_EACH_TOTALS(truth, start, s->utc_to_local, t, t->activity_records++);
	switch (s->type) {
	case WB_HEALTH_ACTIVITY_SLEEP:
	case WB_HEALTH_ACTIVITY_NAP:
		FOR_EACH_TOTALS(truth, start, s->utc_to_local, t, t->sleep_sessions++);
		add_clipped(truth, start, end, s->utc_to_local,
			    G_STRUCT_OFFSET(Totals, sleep_seconds));
		return;
	case WB_HEALTH_ACTIVITY_RESTFUL_SLEEP:
	case WB_HEALTH_ACTIVITY_RESTFUL_NAP:
		FOR_EACH_TOTALS(truth, start, s->utc_to_local, t, t->deep_sleep_sessions++);
		add_clipped(truth, start, end, s->utc_to_local,
			    G_STRUCT_OFFSET(Totals, deep_sleep_seconds));
		return;
	case WB_HEALTH_ACTIVITY_WALK:
		FOR_EACH_TOTALS(truth, start, s->utc_to_local, t, {
			t->walks++;
			t->walk_seconds += s->elapsed_sec;
			t->workout_steps += s->steps;
		});
		return;
	case WB_HEALTH_ACTIVITY_RUN:
	case WB_HEALTH_ACTIVITY_OPEN_WORKOUT:
		FOR_EACH_TOTALS(truth, start, s->utc_to_local, t, {
			t->runs++;
			t->run_seconds += s->elapsed_sec;
			t->workout_steps += s->steps;
		});
		return;
	case WB_HEALTH_ACTIVITY_NONE:
		return;
	}
}

static void
truth_legacy_sleep(WbSimHealthTruth *truth, const WbHealthLegacySleep *s)
{
	FOR_EACH_TOTALS(truth, s->start_utc, s->utc_to_local, t, {
		t->legacy_sleep_records++;
		t->sleep_sessions++;
	});
	if (s->end_utc <= s->start_utc)
		return;
	add_clipped(truth, s->start_utc, s->end_utc, s->utc_to_local,
		    G_STRUCT_OFFSET(Totals, sleep_seconds));
	/* where in the night the deep sleep was is unknown: it is spread evenly over the
	 * night, each day getting floor(restful × its part of the night / the night) */
	truth->totals.deep_sleep_seconds += s->restful_secs;
	for (guint pass = 0; pass < 2; pass++) {
		GTree *tree = pass == 0 ? truth->local_days : truth->utc_days;
		gint32 o = pass == 0 ? s->utc_to_local : 0;
		gint64 start = s->start_utc, end = s->end_utc, t = start;

		while (t < end) {
			gint64 next = (floor_div(t + o, SECONDS_PER_DAY) + 1) * SECONDS_PER_DAY - o;
			gint64 stop = MIN(next, end);

			day_of(tree, t, o)->deep_sleep_seconds += (guint64)s->restful_secs *
								  (guint64)(stop - t) /
								  (guint64)(end - start);
			t = stop;
		}
	}
}

static void
truth_hr_sample(WbSimHealthTruth *truth, const WbHealthHrSample *s)
{
	FOR_EACH_TOTALS(truth, s->time_utc, s->utc_to_local, t, {
		t->hr_samples++;
		t->max_hr = MAX(t->max_hr, s->bpm);
	});
}

/**
 * wb_sim_health_truth_add:
 * @truth: a ground truth
 * @tag: the data-logging session's tag (81, 83, 84 or 85)
 * @item_size: its item size
 * @data: (array length=len): whole items, as logged
 * @len: their length
 * @error: return location for a #GError
 *
 * Decodes items with the daemon's own codecs (wb_health_parse_items()) and counts what they
 * hold, per local day (the records' own offsets), per UTC day and in total.
 *
 * Returns: %TRUE if the items decoded (nothing is counted otherwise)
 */
gboolean
wb_sim_health_truth_add(WbSimHealthTruth *truth, guint32 tag, guint16 item_size, const guint8 *data,
			gsize len, GError **error)
{
	g_auto(WbHealthItems) items = {0};

	if (len == 0)
		return TRUE;
	if (!wb_health_parse_items(tag, item_size, data, len, &items, error))
		return FALSE;
	truth->bytes += len;
	if (items.minute_records != NULL) {
		for (guint i = 0; i < items.minute_records->len; i++)
			truth_minute_record(truth, &g_array_index(items.minute_records,
								  WbHealthMinuteRecord, i));
	}
	if (items.activity_sessions != NULL) {
		for (guint i = 0; i < items.activity_sessions->len; i++)
			truth_activity_session(truth, &g_array_index(items.activity_sessions,
								     WbHealthActivitySession, i));
	}
	if (items.legacy_sleep != NULL) {
		for (guint i = 0; i < items.legacy_sleep->len; i++)
			truth_legacy_sleep(
				truth, &g_array_index(items.legacy_sleep, WbHealthLegacySleep, i));
	}
	if (items.hr_samples != NULL) {
		guint64 n_items = len / item_size;

		truth->totals.hr_items += n_items;
		for (guint i = 0; i < items.hr_samples->len; i++)
			truth_hr_sample(truth,
					&g_array_index(items.hr_samples, WbHealthHrSample, i));
	}
	return TRUE;
}

static void
member_int(JsonBuilder *b, const gchar *name, gint64 v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, v);
}

static void
add_totals_members(JsonBuilder *b, const Totals *t)
{
	member_int(b, "steps", (gint64)t->steps);
	member_int(b, "minutes", (gint64)t->minutes);
	member_int(b, "minute_records", (gint64)t->minute_records);
	member_int(b, "active_minutes", (gint64)t->active_minutes);
	member_int(b, "distance_cm", (gint64)t->distance_cm);
	member_int(b, "sleep_seconds", (gint64)t->sleep_seconds);
	member_int(b, "sleep_minutes", (gint64)(t->sleep_seconds / 60));
	member_int(b, "deep_sleep_seconds", (gint64)t->deep_sleep_seconds);
	member_int(b, "deep_sleep_minutes", (gint64)(t->deep_sleep_seconds / 60));
	member_int(b, "sleep_sessions", (gint64)t->sleep_sessions);
	member_int(b, "deep_sleep_sessions", (gint64)t->deep_sleep_sessions);
	member_int(b, "walks", (gint64)t->walks);
	member_int(b, "runs", (gint64)t->runs);
	member_int(b, "walk_minutes", (gint64)(t->walk_seconds / 60));
	member_int(b, "run_minutes", (gint64)(t->run_seconds / 60));
	member_int(b, "workout_steps", (gint64)t->workout_steps);
	member_int(b, "hr_samples", (gint64)t->hr_samples);
	member_int(b, "hr_minutes", (gint64)t->hr_minutes);
	member_int(b, "max_hr", t->max_hr);
	member_int(b, "activity_records", (gint64)t->activity_records);
	member_int(b, "legacy_sleep_records", (gint64)t->legacy_sleep_records);
	member_int(b, "hr_items", (gint64)t->hr_items);
}

static gboolean
add_day_json(gpointer key, gpointer value, gpointer user_data)
{
	JsonBuilder *b = user_data;
	const DayTotals *d = value;
	g_autoptr(GDateTime) dt =
		g_date_time_new_from_unix_utc(*(const gint64 *)key * SECONDS_PER_DAY);
	g_autofree gchar *date = dt != NULL ? g_date_time_format(dt, "%Y-%m-%d") : g_strdup("?");

	json_builder_set_member_name(b, date);
	json_builder_begin_object(b);
	member_int(b, "day_start", d->day_start);
	member_int(b, "utc_offset_minutes", d->utc_to_local / 60);
	add_totals_members(b, &d->t);
	json_builder_end_object(b);
	return FALSE;
}

/**
 * wb_sim_health_truth_add_json:
 * @truth: a ground truth
 * @builder: a builder expecting a value
 * @per_day: also list the days
 *
 * Adds `{"bytes", "totals": {…}, "local_days": {DATE: {…}}, "utc_days": {DATE: {…}}}`
 * (docs/watchsim.md lists the members); without @per_day only "bytes" and "totals".
 */
void
wb_sim_health_truth_add_json(const WbSimHealthTruth *truth, JsonBuilder *builder, gboolean per_day)
{
	JsonBuilder *b = builder;

	json_builder_begin_object(b);
	member_int(b, "bytes", (gint64)truth->bytes);
	json_builder_set_member_name(b, "totals");
	json_builder_begin_object(b);
	add_totals_members(b, &truth->totals);
	json_builder_end_object(b);
	if (per_day) {
		json_builder_set_member_name(b, "local_days");
		json_builder_begin_object(b);
		g_tree_foreach(truth->local_days, add_day_json, b);
		json_builder_end_object(b);
		json_builder_set_member_name(b, "utc_days");
		json_builder_begin_object(b);
		g_tree_foreach(truth->utc_days, add_day_json, b);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}
