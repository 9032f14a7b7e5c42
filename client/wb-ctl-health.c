/* wearctl: the health commands (org.wearbridge.Health1): steps, sleep and heart-rate charts,
 * export, sync and reprocess.
 *
 * Charts are drawn with Unicode block elements, or ASCII when the locale's character set is not
 * UTF-8. Days are local days of this computer's time zone.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* the daemon's limit on results per call (dbus/org.wearbridge.Health1.xml) */
#define HEALTH_MAX_RESULTS 100000
/* ranges wearctl accepts: ten years */
#define HEALTH_MAX_DAYS 3660
#define CHART_HEIGHT    8
/* sleep timelines: 20:00 the evening before to 14:00, 20-minute cells */
#define NIGHT_START_H  (-4)
#define NIGHT_HOURS    18
#define NIGHT_CELL_MIN 20
#define NIGHT_CELLS    (NIGHT_HOURS * 60 / NIGHT_CELL_MIN)
/* heart-rate sparklines: half-hour cells */
#define HR_CELLS 48
/* Sync() may take minutes on a slow link; the daemon has its own timeouts */
#define HEALTH_SYNC_TIMEOUT_MS      (30 * 60 * 1000)
#define HEALTH_REPROCESS_TIMEOUT_MS (30 * 60 * 1000)

/* lowest to highest: an eighth of a cell up to a full one */
static const gchar *const blocks_utf8[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const gchar *const blocks_ascii[] = {" ", ".", ".", ":", ":", "|", "|", "#", "#"};
static const gchar *const spark_ascii[] = {"_", ".", "-", "~", "=", "+", "*", "#"};

/**
 * wb_ctl_health_clear:
 * @ctl: a #WbCtl
 *
 * Frees the health commands' option strings.
 */
void
wb_ctl_health_clear(WbCtl *ctl)
{
	g_clear_pointer(&ctl->from, g_free);
	g_clear_pointer(&ctl->to, g_free);
	g_clear_pointer(&ctl->format, g_free);
	g_clear_pointer(&ctl->output, g_free);
}

/* The option strings are freed as soon as a command has read them. */
typedef struct {
	gchar *from;
	gchar *to;
	gchar *format;
	gchar *output;
} HealthOptions;

static void
health_options_take(WbCtl *ctl, HealthOptions *o)
{
	o->from = g_steal_pointer(&ctl->from);
	o->to = g_steal_pointer(&ctl->to);
	o->format = g_steal_pointer(&ctl->format);
	o->output = g_steal_pointer(&ctl->output);
}

static void
health_options_clear(HealthOptions *o)
{
	g_clear_pointer(&o->from, g_free);
	g_clear_pointer(&o->to, g_free);
	g_clear_pointer(&o->format, g_free);
	g_clear_pointer(&o->output, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HealthOptions, health_options_clear)

static gboolean
use_utf8(void)
{
	return g_get_charset(NULL);
}

static guint
terminal_width(WbCtl *ctl)
{
	const gchar *columns = g_getenv("COLUMNS");
	struct winsize ws;

	if (columns != NULL && atoi(columns) >= 40)
		return (guint)MIN(atoi(columns), 400);
	if (ctl->out == NULL && isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return MIN(ws.ws_col, 400);
	return 80;
}

/* 12345 -> "12,345" (the same in every locale, so scripts and tests can read it) */
static gchar *
format_count(guint64 n)
{
	g_autofree gchar *digits = g_strdup_printf("%" G_GUINT64_FORMAT, n);
	GString *s = g_string_new(NULL);
	gsize len = strlen(digits);

	for (gsize i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			g_string_append_c(s, ',');
		g_string_append_c(s, digits[i]);
	}
	return g_string_free(s, FALSE);
}

/* 27120 -> "7h32" */
static gchar *
format_duration(guint64 seconds)
{
	return g_strdup_printf("%" G_GUINT64_FORMAT "h%02" G_GUINT64_FORMAT, seconds / 3600,
			       seconds % 3600 / 60);
}

static gchar *
format_local(gint64 t, const gchar *format)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);

	return dt != NULL ? g_date_time_format(dt, format) : g_strdup("?");
}

/* Appends @text and pads it with blanks to @width characters (not bytes). */
static void
append_padded(GString *s, const gchar *text, guint width)
{
	glong len = g_utf8_strlen(text, -1);

	g_string_append(s, text);
	for (glong i = len; i < (glong)width; i++)
		g_string_append_c(s, ' ');
}

/* ---- the watch and its Health1 proxy ---- */

typedef struct {
	WbCtlWatch *watch; /* unowned: in ctl->watches */
	WbDBusHealth1 *proxy;
	gchar *name;
} HealthTarget;

static void
health_target_clear(HealthTarget *t)
{
	g_clear_object(&t->proxy);
	g_clear_pointer(&t->name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HealthTarget, health_target_clear)

static gboolean
health_target_find(WbCtl *ctl, const gchar *spec, HealthTarget *out, GError **error)
{
	g_autoptr(GError) local = NULL;

	if (!wb_ctl_load_watches(ctl, error))
		return FALSE;
	out->watch = wb_ctl_find_watch(ctl, spec, error);
	if (out->watch == NULL)
		return FALSE;
	out->name = wb_ctl_watch_dup_display_name(out->watch);
	out->proxy = wb_dbus_health1_proxy_new_sync(
		ctl->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, WB_CTL_BUS_NAME,
		out->watch->path, NULL, &local);
	if (out->proxy == NULL) {
		wb_ctl_translate_error(ctl, &local, out->watch, "read the health data of");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(out->proxy), WB_CTL_CALL_TIMEOUT_MS);
	return TRUE;
}

static void
json_add_watch(JsonBuilder *b, const HealthTarget *t)
{
	json_builder_set_member_name(b, "watch");
	json_builder_begin_object(b);
	wb_ctl_json_add_watch(b, t->watch);
	json_builder_end_object(b);
}

static void
json_add_int(JsonBuilder *b, const gchar *key, gint64 v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_int_value(b, v);
}

/* ---- ranges ---- */

typedef struct {
	gint64 from;
	gint64 to;
	/* the local days the range touches: starts[i] .. starts[i + 1] */
	GArray *starts; /* of gint64, n_days + 1 entries */
} Range;

static void
range_clear(Range *r)
{
	g_clear_pointer(&r->starts, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Range, range_clear)

static guint
range_days(const Range *r)
{
	return r->starts->len - 1;
}

static gint64
range_day(const Range *r, guint i)
{
	return g_array_index(r->starts, gint64, i);
}

static GDateTime *
local_midnight(GDateTime *dt)
{
	gint y, m, d;

	g_date_time_get_ymd(dt, &y, &m, &d);
	return g_date_time_new_local(y, m, d, 0, 0, 0);
}

/* DATE: YYYY-MM-DD (a local day), today, yesterday, or an ISO 8601 time. @end: the end of
 * the range, where a day means up to the next midnight. */
static gboolean
parse_date(const gchar *s, const gchar *what, gboolean end, gint64 *out, GError **error)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_local();
	g_autoptr(GDateTime) now = g_date_time_new_now(tz);
	g_autoptr(GDateTime) day = NULL;
	g_autoptr(GDateTime) exact = NULL;
	gint y = 0, m = 0, d = 0;
	gchar tail = 0;

	if (g_strcmp0(s, "today") == 0) {
		day = local_midnight(now);
	} else if (g_strcmp0(s, "yesterday") == 0) {
		g_autoptr(GDateTime) today = local_midnight(now);
		day = g_date_time_add_days(today, -1);
	} else if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && strlen(s) == 10) {
		day = g_date_time_new_local(y, m, d, 0, 0, 0);
	} else {
		exact = g_date_time_new_from_iso8601(s, tz);
	}
	if (day == NULL && exact == NULL) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
			    "--%s '%s' is not a date: use YYYY-MM-DD, today, yesterday or an "
			    "ISO 8601 time such as 2025-01-31T08:00",
			    what, s);
		return FALSE;
	}
	if (exact != NULL) {
		*out = g_date_time_to_unix(exact);
		return TRUE;
	}
	if (end) {
		g_autoptr(GDateTime) next = g_date_time_add_days(day, 1);
		*out = g_date_time_to_unix(next);
		return TRUE;
	}
	*out = g_date_time_to_unix(day);
	return TRUE;
}

/* The range of a health command: --from/--to, or the last --days days (today included, up to
 * the coming midnight), or @default_days. */
static gboolean
range_resolve(WbCtl *ctl, const HealthOptions *o, guint default_days, Range *out, GError **error)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autoptr(GDateTime) today = local_midnight(now);
	g_autoptr(GDateTime) day = NULL;
	gint64 from, to;

	if (ctl->days < 0 || ctl->days > HEALTH_MAX_DAYS) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
			    "--days must be between 1 and %d, not '%d'", HEALTH_MAX_DAYS,
			    ctl->days);
		return FALSE;
	}
	if (ctl->days > 0 && (o->from != NULL || o->to != NULL)) {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
				    "use either --days or --from/--to");
		return FALSE;
	}
	if (o->to != NULL && o->from == NULL) {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE, "--to needs --from");
		return FALSE;
	}
	if (o->from != NULL) {
		if (!parse_date(o->from, "from", FALSE, &from, error))
			return FALSE;
		if (o->to != NULL) {
			if (!parse_date(o->to, "to", TRUE, &to, error))
				return FALSE;
		} else {
			to = g_date_time_to_unix(now);
		}
		if (from >= to) {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
				    "--from '%s' is not before --to '%s'", o->from,
				    o->to != NULL ? o->to : "now");
			return FALSE;
		}
		if (to - from > (gint64)HEALTH_MAX_DAYS * 86400) {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
				    "the range is longer than %d days", HEALTH_MAX_DAYS);
			return FALSE;
		}
	} else {
		guint n = ctl->days > 0 ? (guint)ctl->days : default_days;
		g_autoptr(GDateTime) first = g_date_time_add_days(today, -(gint)(n - 1));
		g_autoptr(GDateTime) next = g_date_time_add_days(today, 1);

		from = g_date_time_to_unix(first);
		to = g_date_time_to_unix(next);
	}

	out->from = from;
	out->to = to;
	out->starts = g_array_new(FALSE, FALSE, sizeof(gint64));
	{
		g_autoptr(GDateTime) f = g_date_time_new_from_unix_local(from);
		day = local_midnight(f);
	}
	while (g_date_time_to_unix(day) < to) {
		GDateTime *next = g_date_time_add_days(day, 1);
		gint64 start = g_date_time_to_unix(day);

		g_array_append_val(out->starts, start);
		g_date_time_unref(day);
		day = next;
	}
	{
		gint64 end = g_date_time_to_unix(day);
		g_array_append_val(out->starts, end);
	}
	return TRUE;
}

/* ---- bar charts ---- */

typedef struct {
	guint64 value;
	gchar *label1; /* e.g. "Mo" or "08"; may be NULL */
	gchar *label2; /* e.g. "06"; may be NULL */
} Bar;

static void
bar_clear(gpointer p)
{
	Bar *b = p;
	g_free(b->label1);
	g_free(b->label2);
}

/* Places labels left-aligned under their bars, skipping one that would touch the previous. */
static void
append_labels(GString *s, GArray *bars, gboolean second, guint axis, guint col)
{
	GString *line = g_string_new(NULL);
	guint at = 0; /* columns used */

	for (guint i = 0; i < bars->len; i++) {
		const Bar *b = &g_array_index(bars, Bar, i);
		const gchar *label = second ? b->label2 : b->label1;
		guint pos = axis + i * col;
		guint len;

		if (label == NULL)
			continue;
		len = (guint)g_utf8_strlen(label, -1);
		if (pos < at + (at > 0 ? 1 : 0))
			continue;
		while (at < pos) {
			g_string_append_c(line, ' ');
			at++;
		}
		g_string_append(line, label);
		at += len;
	}
	if (line->len > 0)
		g_string_append_printf(s, "%s\n", line->str);
	g_string_free(line, TRUE);
}

/* A vertical bar chart, CHART_HEIGHT rows of eighth blocks, as many bars per chart as fit;
 * more bars continue in another chart below. */
static void
append_bar_chart(WbCtl *ctl, GString *s, GArray *bars)
{
	gboolean utf8 = use_utf8();
	const gchar *const *blocks = utf8 ? blocks_utf8 : blocks_ascii;
	guint64 max = 0;
	g_autofree gchar *max_label = NULL;
	guint axis, avail, bar_w, gap, per_chart;

	for (guint i = 0; i < bars->len; i++)
		max = MAX(max, g_array_index(bars, Bar, i).value);
	max_label = format_count(max);
	axis = (guint)strlen(max_label) + 2; /* "12,345 ┤" */
	avail = terminal_width(ctl) > axis + 1 ? terminal_width(ctl) - axis - 1 : 20;
	if (bars->len * 4 <= avail) {
		bar_w = 3;
		gap = 1;
	} else if (bars->len * 3 <= avail) {
		bar_w = 2;
		gap = 1;
	} else if (bars->len * 2 <= avail) {
		bar_w = 1;
		gap = 1;
	} else {
		bar_w = 1;
		gap = 0;
	}
	per_chart = MAX(avail / (bar_w + gap), 1);

	for (guint first = 0; first < bars->len; first += per_chart) {
		g_autoptr(GArray) part = g_array_new(FALSE, FALSE, sizeof(Bar));
		guint n = MIN(per_chart, bars->len - first);

		g_array_append_vals(part, &g_array_index(bars, Bar, first), n);
		for (gint row = CHART_HEIGHT - 1; row >= 0; row--) {
			g_autofree gchar *label = NULL;

			if (row == CHART_HEIGHT - 1)
				label = g_strdup(max_label);
			else if (row == CHART_HEIGHT / 2 - 1 && max > 0)
				label = format_count(max / 2);
			g_string_append_printf(
				s, "%*s %s", (int)(axis - 2), label != NULL ? label : "",
				label != NULL ? (utf8 ? "┤" : "+") : (utf8 ? "│" : "|"));
			for (guint i = 0; i < n; i++) {
				const Bar *b = &g_array_index(part, Bar, i);
				/* height in eighths; anything above zero shows */
				guint64 h =
					max > 0 ? (b->value * CHART_HEIGHT * 8 + max / 2) / max : 0;
				guint64 base = (guint64)row * 8;
				guint level;

				if (b->value > 0 && h == 0)
					h = 1;
				level = h >= base + 8 ? 8 : h > base ? (guint)(h - base) : 0;
				for (guint k = 0; k < bar_w; k++)
					g_string_append(s, blocks[level]);
				for (guint k = 0; k < gap; k++)
					g_string_append_c(s, ' ');
			}
			/* no trailing blanks */
			while (s->len > 0 && s->str[s->len - 1] == ' ')
				g_string_truncate(s, s->len - 1);
			g_string_append_c(s, '\n');
		}
		g_string_append_printf(s, "%*s %s", (int)(axis - 2), "0", utf8 ? "└" : "+");
		for (guint i = 0; i < n * (bar_w + gap); i++)
			g_string_append(s, utf8 ? "─" : "-");
		g_string_append_c(s, '\n');
		append_labels(s, part, FALSE, axis, bar_w + gap);
		append_labels(s, part, TRUE, axis, bar_w + gap);
		/* the labels are the parts' own; the caller's array frees them */
		g_array_set_size(part, 0);
	}
}

/* ---- health steps ---- */

static gboolean
call_get_steps(WbCtl *ctl, const HealthTarget *t, gint64 from, gint64 to, guint bucket,
	       GVariant **out, GError **error)
{
	g_autoptr(GError) local = NULL;

	if (wb_dbus_health1_call_get_steps_sync(t->proxy, (guint64)from, (guint64)to, bucket, out,
						NULL, &local))
		return TRUE;
	wb_ctl_translate_error(ctl, &local, t->watch, "read the steps of");
	g_propagate_error(error, g_steal_pointer(&local));
	return FALSE;
}

/* Steps per hour over the range, fetched in pieces the daemon accepts. */
static gboolean
fetch_hourly_steps(WbCtl *ctl, const HealthTarget *t, const Range *r, GArray *starts, GArray *steps,
		   GError **error)
{
	const gint64 chunk = (gint64)HEALTH_MAX_RESULTS / 2 * 3600;

	for (gint64 from = r->from; from < r->to; from += chunk) {
		g_autoptr(GVariant) buckets = NULL;
		GVariantIter iter;
		guint64 start;
		guint32 n;

		if (!call_get_steps(ctl, t, from, MIN(from + chunk, r->to), 3600, &buckets, error))
			return FALSE;
		g_variant_iter_init(&iter, buckets);
		while (g_variant_iter_next(&iter, "(tu)", &start, &n)) {
			gint64 s = (gint64)start;
			guint64 v = n;
			g_array_append_val(starts, s);
			g_array_append_val(steps, v);
		}
	}
	return TRUE;
}

static gboolean
steps_print_json(WbCtl *ctl, const HealthTarget *t, const Range *r, GArray *starts, GArray *steps,
		 const guint64 *per_day)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	guint64 total = 0;

	for (guint i = 0; i < range_days(r); i++)
		total += per_day[i];
	json_builder_begin_object(b);
	json_add_watch(b, t);
	json_add_int(b, "from", r->from);
	json_add_int(b, "to", r->to);
	json_builder_set_member_name(b, "days");
	json_builder_begin_array(b);
	for (guint i = 0; i < range_days(r); i++) {
		g_autofree gchar *date = format_local(range_day(r, i), "%Y-%m-%d");

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "date");
		json_builder_add_string_value(b, date);
		json_add_int(b, "start", range_day(r, i));
		json_add_int(b, "steps", (gint64)per_day[i]);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	if (ctl->hourly) {
		json_builder_set_member_name(b, "hours");
		json_builder_begin_array(b);
		for (guint i = 0; i < starts->len; i++) {
			json_builder_begin_object(b);
			json_add_int(b, "start", g_array_index(starts, gint64, i));
			json_add_int(b, "steps", (gint64)g_array_index(steps, guint64, i));
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
	}
	json_add_int(b, "total", (gint64)total);
	json_add_int(b, "daily_average", (gint64)(total / MAX(range_days(r), 1)));
	json_builder_end_object(b);
	wb_ctl_print_json(ctl, b);
	return TRUE;
}

gboolean
wb_ctl_cmd_health_steps(WbCtl *ctl, gchar **args, GError **error)
{
	g_auto(HealthOptions) o = {0};
	g_auto(HealthTarget) t = {0};
	g_auto(Range) r = {0};
	g_autoptr(GArray) starts = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GArray) steps = g_array_new(FALSE, FALSE, sizeof(guint64));
	g_autofree guint64 *per_day = NULL;
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree gchar *title_from = NULL;
	g_autofree gchar *title_to = NULL;
	g_autofree gchar *total_s = NULL;
	g_autofree gchar *avg_s = NULL;
	guint64 total = 0, best = 0;
	guint best_day = 0;

	health_options_take(ctl, &o);
	if (!range_resolve(ctl, &o, ctl->hourly ? 1 : 7, &r, error) ||
	    !health_target_find(ctl, args[0], &t, error) ||
	    !fetch_hourly_steps(ctl, &t, &r, starts, steps, error))
		return FALSE;
	per_day = g_new0(guint64, range_days(&r));
	for (guint i = 0, d = 0; i < starts->len; i++) {
		gint64 start = g_array_index(starts, gint64, i);

		while (d + 1 < range_days(&r) && start >= range_day(&r, d + 1))
			d++;
		per_day[d] += g_array_index(steps, guint64, i);
	}
	if (ctl->json)
		return steps_print_json(ctl, &t, &r, starts, steps, per_day);

	for (guint d = 0; d < range_days(&r); d++) {
		total += per_day[d];
		if (per_day[d] > best) {
			best = per_day[d];
			best_day = d;
		}
	}
	title_from = format_local(range_day(&r, 0), "%a %-d %b");
	title_to = format_local(range_day(&r, range_days(&r) - 1), "%a %-d %b %Y");
	if (range_days(&r) == 1)
		g_string_append_printf(s, "Steps of %s\n\n", t.name);
	else
		g_string_append_printf(s, "Steps of %s, %s – %s\n\n", t.name, title_from, title_to);

	if (ctl->hourly) {
		for (guint d = 0; d < range_days(&r); d++) {
			g_autoptr(GArray) bars = g_array_new(FALSE, TRUE, sizeof(Bar));
			g_autofree gchar *day = format_local(range_day(&r, d), "%a %-d %b");
			g_autofree gchar *count = format_count(per_day[d]);

			g_array_set_clear_func(bars, bar_clear);
			for (guint i = 0; i < starts->len; i++) {
				gint64 start = g_array_index(starts, gint64, i);
				Bar b = {0};

				if (start < range_day(&r, d) || start >= range_day(&r, d + 1))
					continue;
				b.value = g_array_index(steps, guint64, i);
				b.label1 = format_local(start, "%H");
				g_array_append_val(bars, b);
			}
			g_string_append_printf(s, "%s: %s steps\n", day, count);
			append_bar_chart(ctl, s, bars);
			g_string_append_c(s, '\n');
		}
	} else {
		g_autoptr(GArray) bars = g_array_new(FALSE, TRUE, sizeof(Bar));

		g_array_set_clear_func(bars, bar_clear);
		for (guint d = 0; d < range_days(&r); d++) {
			Bar b = {.value = per_day[d]};
			g_autofree gchar *weekday = format_local(range_day(&r, d), "%a");

			/* two letters of the weekday, one when bars are narrow */
			b.label1 = g_utf8_substring(weekday, 0, 2);
			b.label2 = format_local(range_day(&r, d), "%d");
			g_array_append_val(bars, b);
		}
		append_bar_chart(ctl, s, bars);
		g_string_append_c(s, '\n');
	}
	total_s = format_count(total);
	avg_s = format_count(total / MAX(range_days(&r), 1));
	g_string_append_printf(s, "Total %s steps in %u day%s, %s a day on average", total_s,
			       range_days(&r), range_days(&r) == 1 ? "" : "s", avg_s);
	if (best > 0 && range_days(&r) > 1) {
		g_autofree gchar *best_s = format_count(best);
		g_autofree gchar *best_when = format_local(range_day(&r, best_day), "%a %-d %b");
		g_string_append_printf(s, "; most on %s (%s)", best_when, best_s);
	}
	g_string_append(s, "\n");
	wb_ctl_print(ctl, "%s", s->str);
	return TRUE;
}

/* ---- health sleep ---- */

typedef struct {
	gint64 start;
	guint32 duration;
	guint32 kind;
} SleepSession;

static const gchar *
sleep_kind_name(guint32 kind)
{
	switch (kind) {
	case 1:
		return "sleep";
	case 2:
		return "deep_sleep";
	case 3:
		return "nap";
	case 4:
		return "deep_nap";
	default:
		return "unknown";
	}
}

static gboolean
is_deep(guint32 kind)
{
	return kind == 2 || kind == 4;
}

static gboolean
fetch_sleep(WbCtl *ctl, const HealthTarget *t, gint64 from, gint64 to, GArray *out, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GVariant) sessions = NULL;
	GVariantIter iter;
	SleepSession x;

	if (!wb_dbus_health1_call_get_sleep_sync(t->proxy, (guint64)from, (guint64)to, &sessions,
						 NULL, &local)) {
		wb_ctl_translate_error(ctl, &local, t->watch, "read the sleep of");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	g_variant_iter_init(&iter, sessions);
	while (g_variant_iter_next(&iter, "(tuu)", &x.start, &x.duration, &x.kind))
		g_array_append_val(out, x);
	return TRUE;
}

static guint64
overlap(gint64 a0, gint64 a1, gint64 b0, gint64 b1)
{
	gint64 lo = MAX(a0, b0), hi = MIN(a1, b1);
	return hi > lo ? (guint64)(hi - lo) : 0;
}

gboolean
wb_ctl_cmd_health_sleep(WbCtl *ctl, gchar **args, GError **error)
{
	g_auto(HealthOptions) o = {0};
	g_auto(HealthTarget) t = {0};
	g_auto(Range) r = {0};
	g_autoptr(GArray) sessions = g_array_new(FALSE, FALSE, sizeof(SleepSession));
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(JsonBuilder) b = json_builder_new();
	gboolean utf8 = use_utf8();
	const gchar *deep_c = utf8 ? "█" : "#";
	const gchar *light_c = utf8 ? "▒" : "=";
	const gchar *awake_c = utf8 ? "·" : ".";
	guint64 sum = 0;
	guint nights = 0;

	health_options_take(ctl, &o);
	if (!range_resolve(ctl, &o, 7, &r, error) || !health_target_find(ctl, args[0], &t, error))
		return FALSE;
	if (!fetch_sleep(ctl, &t, range_day(&r, 0) + NIGHT_START_H * 3600,
			 range_day(&r, range_days(&r)), sessions, error))
		return FALSE;

	json_builder_begin_object(b);
	json_add_watch(b, &t);
	json_builder_set_member_name(b, "nights");
	json_builder_begin_array(b);

	if (!ctl->json) {
		g_autofree gchar *from = format_local(range_day(&r, 0), "%a %-d %b");
		g_autofree gchar *to = format_local(range_day(&r, range_days(&r) - 1), "%a %-d %b");

		g_string_append_printf(s, "Sleep of %s, the nights before %s – %s\n\n", t.name,
				       from, to);
		/* hour ticks every 2 hours (6 cells) */
		g_string_append_printf(s, "%-12s", "");
		for (guint c = 0; c < NIGHT_CELLS; c += 6) {
			gint h = ((NIGHT_START_H + (gint)(c * NIGHT_CELL_MIN / 60)) + 24) % 24;
			g_string_append_printf(s, "%02d    ", h);
		}
		while (s->str[s->len - 1] == ' ')
			g_string_truncate(s, s->len - 1);
		g_string_append_c(s, '\n');
	}

	for (guint d = 0; d < range_days(&r); d++) {
		gint64 w0 = range_day(&r, d) + NIGHT_START_H * 3600;
		gint64 w1 = w0 + NIGHT_HOURS * 3600;
		gint64 first = G_MAXINT64, last = G_MININT64;
		guint64 total = 0, deep = 0;
		g_autofree gchar *label = format_local(range_day(&r, d), "%a %d %b");
		g_autofree gchar *date = format_local(range_day(&r, d), "%Y-%m-%d");
		GString *line = g_string_new(NULL);

		for (guint i = 0; i < sessions->len; i++) {
			const SleepSession *x = &g_array_index(sessions, SleepSession, i);
			guint64 o_s = overlap(x->start, x->start + x->duration, w0, w1);

			if (o_s == 0)
				continue;
			if (is_deep(x->kind)) {
				deep += o_s;
			} else {
				total += o_s;
				first = MIN(first, MAX(x->start, w0));
				last = MAX(last, MIN(x->start + (gint64)x->duration, w1));
			}
		}
		for (guint c = 0; c < NIGHT_CELLS; c++) {
			gint64 mid = w0 + (gint64)c * NIGHT_CELL_MIN * 60 + NIGHT_CELL_MIN * 30;
			gboolean in_sleep = FALSE, in_deep = FALSE;

			for (guint i = 0; i < sessions->len; i++) {
				const SleepSession *x = &g_array_index(sessions, SleepSession, i);

				if (mid < x->start || mid >= x->start + (gint64)x->duration)
					continue;
				if (is_deep(x->kind))
					in_deep = TRUE;
				else
					in_sleep = TRUE;
			}
			if (in_deep)
				g_string_append(line, deep_c);
			else if (in_sleep)
				g_string_append(line, light_c);
			else if (mid > first && mid < last)
				g_string_append(line, awake_c);
			else
				g_string_append_c(line, ' ');
		}
		if (total > 0) {
			sum += total;
			nights++;
		}
		if (ctl->json) {
			json_builder_begin_object(b);
			json_builder_set_member_name(b, "date");
			json_builder_add_string_value(b, date);
			json_add_int(b, "window_start", w0);
			json_add_int(b, "window_end", w1);
			json_add_int(b, "sleep_seconds", (gint64)total);
			json_add_int(b, "deep_sleep_seconds", (gint64)deep);
			json_builder_end_object(b);
		} else {
			g_autofree gchar *tot = format_duration(total);
			g_autofree gchar *dp = format_duration(deep);

			while (line->len > 0 && line->str[line->len - 1] == ' ')
				g_string_truncate(line, line->len - 1);
			if (total > 0) {
				append_padded(s, label, 12);
				append_padded(s, line->str, NIGHT_CELLS);
				g_string_append_printf(s, "  %s (deep %s)\n", tot, dp);
			} else
				g_string_append_printf(s, "%-12s%s-\n", label,
						       line->len > 0 ? line->str : "");
		}
		g_string_free(line, TRUE);
	}
	json_builder_end_array(b);

	if (ctl->json) {
		json_builder_set_member_name(b, "sessions");
		json_builder_begin_array(b);
		for (guint i = 0; i < sessions->len; i++) {
			const SleepSession *x = &g_array_index(sessions, SleepSession, i);

			json_builder_begin_object(b);
			json_add_int(b, "start", x->start);
			json_add_int(b, "duration", x->duration);
			json_add_int(b, "kind", x->kind);
			json_builder_set_member_name(b, "kind_name");
			json_builder_add_string_value(b, sleep_kind_name(x->kind));
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
		wb_ctl_print_json(ctl, b);
		return TRUE;
	}
	json_builder_end_object(b);
	g_string_append_printf(s, "\n%s deep sleep   %s light sleep   %s awake\n", deep_c, light_c,
			       awake_c);
	if (nights > 0) {
		g_autofree gchar *avg = format_duration(sum / nights);
		g_string_append_printf(s, "%u night%s with sleep, %s a night on average\n", nights,
				       nights == 1 ? "" : "s", avg);
	} else {
		g_string_append(s, "No sleep recorded in this range\n");
	}
	wb_ctl_print(ctl, "%s", s->str);
	return TRUE;
}

/* ---- health hr ---- */

typedef struct {
	gint64 time;
	guint8 bpm;
	guint8 quality;
} HrSample;

/* the watch's own verdict: no accelerometer, off the wrist, no signal */
static gboolean
hr_usable(const HrSample *x)
{
	return x->bpm > 0 && x->quality > 2;
}

static gboolean
fetch_hr(WbCtl *ctl, const HealthTarget *t, gint64 from, gint64 to, GArray *out, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GVariant) samples = NULL;
	GVariantIter iter;
	guint64 time;
	guint8 bpm, quality;

	if (!wb_dbus_health1_call_get_heart_rate_sync(t->proxy, (guint64)from, (guint64)to,
						      &samples, NULL, &local)) {
		wb_ctl_translate_error(ctl, &local, t->watch, "read the heart rate of");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	g_variant_iter_init(&iter, samples);
	while (g_variant_iter_next(&iter, "(tyy)", &time, &bpm, &quality)) {
		HrSample x = {(gint64)time, bpm, quality};
		g_array_append_val(out, x);
	}
	return TRUE;
}

/* Heart-rate samples of the range, a day per call (a day is far below the daemon's limit). */
static gboolean
fetch_hr_range(WbCtl *ctl, const HealthTarget *t, const Range *r, GArray *out, GError **error)
{
	for (guint d = 0; d < range_days(r); d++) {
		gint64 from = MAX(range_day(r, d), r->from);
		gint64 to = MIN(range_day(r, d + 1), r->to);

		if (from < to && !fetch_hr(ctl, t, from, to, out, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
wb_ctl_cmd_health_hr(WbCtl *ctl, gchar **args, GError **error)
{
	g_auto(HealthOptions) o = {0};
	g_auto(HealthTarget) t = {0};
	g_auto(Range) r = {0};
	g_autoptr(GArray) samples = g_array_new(FALSE, FALSE, sizeof(HrSample));
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(JsonBuilder) b = NULL;
	gboolean utf8 = use_utf8();
	guint lo = 255, hi = 0, n = 0;
	guint64 sum = 0;
	g_autofree gdouble *cell_sum = NULL;
	g_autofree guint *cell_n = NULL;
	guint cell_lo = 255, cell_hi = 0;

	health_options_take(ctl, &o);
	if (!range_resolve(ctl, &o, 1, &r, error) || !health_target_find(ctl, args[0], &t, error) ||
	    !fetch_hr_range(ctl, &t, &r, samples, error))
		return FALSE;

	for (guint i = 0; i < samples->len; i++) {
		const HrSample *x = &g_array_index(samples, HrSample, i);

		if (!hr_usable(x))
			continue;
		lo = MIN(lo, x->bpm);
		hi = MAX(hi, x->bpm);
		sum += x->bpm;
		n++;
	}

	if (ctl->json) {
		b = json_builder_new();
		json_builder_begin_object(b);
		json_add_watch(b, &t);
		json_add_int(b, "from", r.from);
		json_add_int(b, "to", r.to);
		json_builder_set_member_name(b, "samples");
		json_builder_begin_array(b);
		for (guint i = 0; i < samples->len; i++) {
			const HrSample *x = &g_array_index(samples, HrSample, i);

			json_builder_begin_object(b);
			json_add_int(b, "time", x->time);
			json_add_int(b, "bpm", x->bpm);
			json_add_int(b, "quality", x->quality);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_add_int(b, "count", n);
		json_builder_set_member_name(b, "min");
		if (n > 0)
			json_builder_add_int_value(b, lo);
		else
			json_builder_add_null_value(b);
		json_builder_set_member_name(b, "avg");
		if (n > 0)
			json_builder_add_int_value(b, (gint64)((sum + n / 2) / n));
		else
			json_builder_add_null_value(b);
		json_builder_set_member_name(b, "max");
		if (n > 0)
			json_builder_add_int_value(b, hi);
		else
			json_builder_add_null_value(b);
		json_builder_end_object(b);
		wb_ctl_print_json(ctl, b);
		return TRUE;
	}

	/* cell averages, then one scale for every day */
	cell_sum = g_new0(gdouble, (gsize)range_days(&r) * HR_CELLS);
	cell_n = g_new0(guint, (gsize)range_days(&r) * HR_CELLS);
	for (guint i = 0, d = 0; i < samples->len; i++) {
		const HrSample *x = &g_array_index(samples, HrSample, i);
		gint64 day_len;
		guint c;

		if (!hr_usable(x))
			continue;
		while (d + 1 < range_days(&r) && x->time >= range_day(&r, d + 1))
			d++;
		/* a 23- or 25-hour day still has 48 cells */
		day_len = range_day(&r, d + 1) - range_day(&r, d);
		c = (guint)CLAMP((x->time - range_day(&r, d)) * HR_CELLS / day_len, 0,
				 HR_CELLS - 1);
		cell_sum[d * HR_CELLS + c] += x->bpm;
		cell_n[d * HR_CELLS + c]++;
	}
	for (guint i = 0; i < range_days(&r) * HR_CELLS; i++) {
		guint avg;

		if (cell_n[i] == 0)
			continue;
		avg = (guint)(cell_sum[i] / cell_n[i] + 0.5);
		cell_lo = MIN(cell_lo, avg);
		cell_hi = MAX(cell_hi, avg);
	}

	{
		g_autofree gchar *from = format_local(range_day(&r, 0), "%a %-d %b");
		g_autofree gchar *to = format_local(range_day(&r, range_days(&r) - 1), "%a %-d %b");

		if (range_days(&r) == 1)
			g_string_append_printf(s, "Heart rate of %s, %s\n\n", t.name, from);
		else
			g_string_append_printf(s, "Heart rate of %s, %s – %s\n\n", t.name, from,
					       to);
	}
	g_string_append_printf(s, "%-12s", "");
	for (guint c = 0; c < HR_CELLS; c += 6)
		g_string_append_printf(s, "%02u    ", c / 2);
	while (s->str[s->len - 1] == ' ')
		g_string_truncate(s, s->len - 1);
	g_string_append_c(s, '\n');

	for (guint d = 0; d < range_days(&r); d++) {
		g_autofree gchar *label = format_local(range_day(&r, d), "%a %d %b");
		guint dlo = 255, dhi = 0, dn = 0;
		guint64 dsum = 0;
		GString *line = g_string_new(NULL);

		for (guint c = 0; c < HR_CELLS; c++) {
			guint i = d * HR_CELLS + c;
			guint avg, level;

			if (cell_n[i] == 0) {
				g_string_append_c(line, ' ');
				continue;
			}
			avg = (guint)(cell_sum[i] / cell_n[i] + 0.5);
			level = cell_hi > cell_lo ? (avg - cell_lo) * 7 / (cell_hi - cell_lo) : 3;
			g_string_append(line, utf8 ? blocks_utf8[level + 1] : spark_ascii[level]);
		}
		for (guint i = 0; i < samples->len; i++) {
			const HrSample *x = &g_array_index(samples, HrSample, i);

			if (!hr_usable(x) || x->time < range_day(&r, d) ||
			    x->time >= range_day(&r, d + 1))
				continue;
			dlo = MIN(dlo, x->bpm);
			dhi = MAX(dhi, x->bpm);
			dsum += x->bpm;
			dn++;
		}
		while (line->len > 0 && line->str[line->len - 1] == ' ')
			g_string_truncate(line, line->len - 1);
		if (dn > 0) {
			append_padded(s, label, 12);
			append_padded(s, line->str, HR_CELLS);
			g_string_append_printf(s, "  %u/%u/%u\n", dlo,
					       (guint)((dsum + dn / 2) / dn), dhi);
		} else
			g_string_append_printf(s, "%-12s-\n", label);
		g_string_free(line, TRUE);
	}
	if (n > 0) {
		g_autofree gchar *count = format_count(n);
		g_string_append_printf(
			s,
			"\nmin/avg/max per day, bpm. Overall: min %u, avg %u, max %u "
			"(%s readings)\n",
			lo, (guint)((sum + n / 2) / n), hi, count);
	} else {
		g_string_append(s, "\nNo heart-rate readings in this range\n");
	}
	wb_ctl_print(ctl, "%s", s->str);
	return TRUE;
}

/* ---- health export ---- */

static gchar *
iso_local(gint64 t)
{
	return format_local(t, "%Y-%m-%dT%H:%M:%S%:z");
}

typedef struct {
	gint64 time;
	guint32 steps;
} MinuteRow;

static gboolean
write_output(WbCtl *ctl, const gchar *path, const gchar *text, GError **error)
{
	g_autoptr(GError) local = NULL;

	if (path == NULL || g_strcmp0(path, "-") == 0) {
		wb_ctl_print(ctl, "%s", text);
		return TRUE;
	}
	/* health data is private: never readable by others, also while being written */
	if (!g_file_set_contents_full(path, text, -1,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      0600, &local)) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_FAILED, "cannot write '%s': %s", path,
			    local->message);
		return FALSE;
	}
	return TRUE;
}

gboolean
wb_ctl_cmd_health_export(WbCtl *ctl, gchar **args, GError **error)
{
	g_auto(HealthOptions) o = {0};
	g_auto(HealthTarget) t = {0};
	g_auto(Range) r = {0};
	g_autoptr(GArray) minutes = g_array_new(FALSE, FALSE, sizeof(MinuteRow));
	g_autoptr(GArray) hr = g_array_new(FALSE, FALSE, sizeof(HrSample));
	g_autoptr(GArray) sleep = g_array_new(FALSE, FALSE, sizeof(SleepSession));
	g_autoptr(GString) text = g_string_new(NULL);
	const gchar *format;
	const gint64 chunk = 7 * 86400; /* 10,080 minute buckets per call */
	guint64 n_steps = 0;

	health_options_take(ctl, &o);
	format = o.format != NULL ? o.format : (ctl->json && o.output == NULL ? "json" : "csv");
	if (g_strcmp0(format, "csv") != 0 && g_strcmp0(format, "json") != 0) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
			    "--format must be csv or json, not '%s'", format);
		return FALSE;
	}
	if (ctl->json && o.output == NULL && g_strcmp0(format, "csv") == 0) {
		g_set_error_literal(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
				    "--json prints JSON: use --format json, or write the CSV to a "
				    "file with -o");
		return FALSE;
	}
	if (!range_resolve(ctl, &o, 30, &r, error) || !health_target_find(ctl, args[0], &t, error))
		return FALSE;

	for (gint64 from = r.from; from < r.to; from += chunk) {
		g_autoptr(GVariant) buckets = NULL;
		GVariantIter iter;
		guint64 start;
		guint32 n;

		if (!call_get_steps(ctl, &t, from, MIN(from + chunk, r.to), 60, &buckets, error))
			return FALSE;
		g_variant_iter_init(&iter, buckets);
		while (g_variant_iter_next(&iter, "(tu)", &start, &n)) {
			MinuteRow row = {(gint64)start, n};

			if (n == 0)
				continue;
			g_array_append_val(minutes, row);
			n_steps += n;
		}
	}
	if (!fetch_hr_range(ctl, &t, &r, hr, error) ||
	    !fetch_sleep(ctl, &t, r.from, r.to, sleep, error))
		return FALSE;

	if (g_strcmp0(format, "csv") == 0) {
		g_string_append(text, "kind,start,start_local,duration_s,value,quality\n");
		for (guint i = 0; i < minutes->len; i++) {
			const MinuteRow *row = &g_array_index(minutes, MinuteRow, i);
			g_autofree gchar *local = iso_local(row->time);

			g_string_append_printf(text, "steps,%" G_GINT64_FORMAT ",%s,60,%u,\n",
					       row->time, local, row->steps);
		}
		for (guint i = 0; i < hr->len; i++) {
			const HrSample *x = &g_array_index(hr, HrSample, i);
			g_autofree gchar *local = iso_local(x->time);

			g_string_append_printf(text, "heart_rate,%" G_GINT64_FORMAT ",%s,,%u,%u\n",
					       x->time, local, x->bpm, x->quality);
		}
		for (guint i = 0; i < sleep->len; i++) {
			const SleepSession *x = &g_array_index(sleep, SleepSession, i);
			g_autofree gchar *local = iso_local(x->start);

			g_string_append_printf(text, "%s,%" G_GINT64_FORMAT ",%s,%u,,\n",
					       sleep_kind_name(x->kind), x->start, local,
					       x->duration);
		}
	} else {
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonGenerator) gen = json_generator_new();
		g_autoptr(JsonNode) root = NULL;
		g_autofree gchar *json = NULL;

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "watch");
		json_builder_add_string_value(b, wb_ctl_watch_get_id(t.watch));
		json_add_int(b, "from", r.from);
		json_add_int(b, "to", r.to);
		json_builder_set_member_name(b, "steps");
		json_builder_begin_array(b);
		for (guint i = 0; i < minutes->len; i++) {
			const MinuteRow *row = &g_array_index(minutes, MinuteRow, i);
			json_builder_begin_object(b);
			json_add_int(b, "time", row->time);
			json_add_int(b, "steps", row->steps);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_set_member_name(b, "heart_rate");
		json_builder_begin_array(b);
		for (guint i = 0; i < hr->len; i++) {
			const HrSample *x = &g_array_index(hr, HrSample, i);
			json_builder_begin_object(b);
			json_add_int(b, "time", x->time);
			json_add_int(b, "bpm", x->bpm);
			json_add_int(b, "quality", x->quality);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_set_member_name(b, "sleep");
		json_builder_begin_array(b);
		for (guint i = 0; i < sleep->len; i++) {
			const SleepSession *x = &g_array_index(sleep, SleepSession, i);
			json_builder_begin_object(b);
			json_add_int(b, "start", x->start);
			json_add_int(b, "duration", x->duration);
			json_builder_set_member_name(b, "kind");
			json_builder_add_string_value(b, sleep_kind_name(x->kind));
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
		root = json_builder_get_root(b);
		json_generator_set_root(gen, root);
		json_generator_set_pretty(gen, TRUE);
		json_generator_set_indent(gen, 2);
		json = json_generator_to_data(gen, NULL);
		g_string_append_printf(text, "%s\n", json);
	}

	if (!write_output(ctl, o.output, text->str, error))
		return FALSE;
	if (o.output != NULL && g_strcmp0(o.output, "-") != 0) {
		if (ctl->json) {
			g_autoptr(JsonBuilder) b = json_builder_new();

			json_builder_begin_object(b);
			json_add_watch(b, &t);
			json_builder_set_member_name(b, "output");
			json_builder_add_string_value(b, o.output);
			json_builder_set_member_name(b, "format");
			json_builder_add_string_value(b, format);
			json_add_int(b, "steps_minutes", minutes->len);
			json_add_int(b, "heart_rate_samples", hr->len);
			json_add_int(b, "sleep_sessions", sleep->len);
			json_builder_end_object(b);
			wb_ctl_print_json(ctl, b);
		} else {
			g_autofree gchar *steps_s = format_count(n_steps);

			wb_ctl_print(ctl,
				     "Wrote %u minutes with steps (%s steps), %u heart-rate "
				     "readings and %u sleep sessions to %s\n",
				     minutes->len, steps_s, hr->len, sleep->len, o.output);
		}
	}
	return TRUE;
}

/* ---- health sync ---- */

typedef struct {
	WbCtl *ctl;
	GMainLoop *loop;
	GAsyncResult *result;
	guint records;
	gint64 expected; /* readings a sync since LastSync brings, roughly; 0 if unknown */
	guint tick;
} SyncWait;

static void
draw_progress(SyncWait *w, gboolean done)
{
	gboolean utf8 = use_utf8();
	const guint width = 24;
	g_autoptr(GString) bar = g_string_new(NULL);
	g_autofree gchar *count = format_count(w->records);
	guint filled;

	if (!w->ctl->progress)
		return;
	if (done)
		filled = width;
	else if (w->expected > 0)
		filled = (guint)MIN((gint64)width - 1, (gint64)w->records * width / w->expected);
	else
		filled = G_MAXUINT; /* unknown: a moving block */
	for (guint i = 0; i < width; i++) {
		gboolean on = filled == G_MAXUINT ? (i + width - w->tick % width) % width < 4
						  : i < filled;
		g_string_append(bar, on ? (utf8 ? "█" : "#") : (utf8 ? "░" : "."));
	}
	wb_ctl_printerr(w->ctl, "\rSyncing [%s] %s readings%s", bar->str, count, done ? "\n" : "");
}

static void
on_sync_progress(WbDBusHealth1 *proxy, guint records, gpointer user_data)
{
	SyncWait *w = user_data;

	w->records = records;
	w->tick++;
	draw_progress(w, FALSE);
}

static void
on_sync_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
	SyncWait *w = user_data;

	w->result = g_object_ref(result);
	g_main_loop_quit(w->loop);
}

gboolean
wb_ctl_cmd_health_sync(WbCtl *ctl, gchar **args, GError **error)
{
	g_auto(HealthTarget) t = {0};
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autoptr(GError) local = NULL;
	SyncWait w = {.ctl = ctl, .loop = loop};
	guint64 last;
	gint64 started = g_get_monotonic_time();
	gulong id;
	gboolean ok;

	if (!health_target_find(ctl, args[0], &t, error))
		return FALSE;
	last = wb_dbus_health1_get_last_sync(t.proxy);
	if (last > 0 && (gint64)last < g_get_real_time() / G_USEC_PER_SEC)
		/* a minute record per minute since the last sync, and as many other readings */
		w.expected = (g_get_real_time() / G_USEC_PER_SEC - (gint64)last) / 60 * 2;
	id = g_signal_connect(t.proxy, "sync-progress", G_CALLBACK(on_sync_progress), &w);
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(t.proxy), HEALTH_SYNC_TIMEOUT_MS);
	draw_progress(&w, FALSE);
	wb_dbus_health1_call_sync(t.proxy, NULL, on_sync_done, &w);
	g_main_loop_run(loop);
	g_signal_handler_disconnect(t.proxy, id);
	ok = wb_dbus_health1_call_sync_finish(t.proxy, w.result, &local);
	g_clear_object(&w.result);
	if (!ok) {
		if (ctl->progress)
			wb_ctl_printerr(ctl, "\n");
		wb_ctl_translate_error(ctl, &local, t.watch, "sync the health data of");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	draw_progress(&w, TRUE);
	if (ctl->json) {
		g_autoptr(JsonBuilder) b = json_builder_new();

		json_builder_begin_object(b);
		json_add_watch(b, &t);
		json_add_int(b, "records", w.records);
		json_add_int(b, "duration_ms", (g_get_monotonic_time() - started) / 1000);
		json_builder_end_object(b);
		wb_ctl_print_json(ctl, b);
	} else {
		g_autofree gchar *count = format_count(w.records);

		wb_ctl_print(ctl, "Synced %s: %s readings in %.1f s\n", t.name, count,
			     (gdouble)(g_get_monotonic_time() - started) / G_USEC_PER_SEC);
	}
	return TRUE;
}

/* ---- health reprocess ---- */

gboolean
wb_ctl_cmd_health_reprocess(WbCtl *ctl, gchar **args, GError **error)
{
	g_auto(HealthTarget) t = {0};
	g_autoptr(GError) local = NULL;
	guint records = 0;

	if (!health_target_find(ctl, args[0], &t, error))
		return FALSE;
	wb_ctl_progress(ctl, "Reprocessing the stored health data of %s...\n", t.name);
	g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(t.proxy), HEALTH_REPROCESS_TIMEOUT_MS);
	if (!wb_dbus_health1_call_reprocess_sync(t.proxy, &records, NULL, &local)) {
		wb_ctl_translate_error(ctl, &local, t.watch, "reprocess the health data of");
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	if (ctl->json) {
		g_autoptr(JsonBuilder) b = json_builder_new();

		json_builder_begin_object(b);
		json_add_watch(b, &t);
		json_add_int(b, "records", records);
		json_builder_end_object(b);
		wb_ctl_print_json(ctl, b);
		return TRUE;
	}
	{
		g_autofree gchar *count = format_count(records);
		wb_ctl_print(ctl, "%s: %s readings derived again from the stored data\n", t.name,
			     count);
	}
	return TRUE;
}
