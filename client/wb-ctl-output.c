/* wearctl: human output (colour, times, the watch block) and --json output.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-ctl.h"

#include <stdio.h>
#include <string.h>

static void
emit(GString *capture, FILE *stream, const gchar *text)
{
	if (capture != NULL) {
		g_string_append(capture, text);
		return;
	}
	fputs(text, stream);
	fflush(stream);
}

/**
 * wb_ctl_print:
 * @ctl: a #WbCtl
 * @format: printf() format
 *
 * Writes to standard output (or to @ctl->out in tests).
 */
void
wb_ctl_print(WbCtl *ctl, const gchar *format, ...)
{
	g_autofree gchar *text = NULL;
	va_list args;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	emit(ctl->out, stdout, text);
}

/**
 * wb_ctl_printerr:
 * @ctl: a #WbCtl
 * @format: printf() format
 *
 * Writes to standard error (or to @ctl->err in tests).
 */
void
wb_ctl_printerr(WbCtl *ctl, const gchar *format, ...)
{
	g_autofree gchar *text = NULL;
	va_list args;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	emit(ctl->err, stderr, text);
}

/**
 * wb_ctl_progress:
 * @ctl: a #WbCtl
 * @format: printf() format
 *
 * Tells a person at a terminal what wearctl is waiting for; says nothing to scripts.
 */
void
wb_ctl_progress(WbCtl *ctl, const gchar *format, ...)
{
	g_autofree gchar *text = NULL;
	va_list args;

	if (!ctl->progress)
		return;
	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	emit(ctl->err, stderr, text);
}

/**
 * wb_ctl_style:
 * @ctl: a #WbCtl
 * @style: how to show @text
 * @text: the text
 *
 * Returns: (transfer full): @text with SGR escapes when colour is on, else a copy of @text
 */
gchar *
wb_ctl_style(const WbCtl *ctl, WbCtlStyle style, const gchar *text)
{
	const gchar *sgr = "";

	if (!ctl->color)
		return g_strdup(text);
	switch (style) {
	case WB_CTL_STYLE_BOLD:
		sgr = "1";
		break;
	case WB_CTL_STYLE_DIM:
		sgr = "2";
		break;
	case WB_CTL_STYLE_GOOD:
		sgr = "32";
		break;
	case WB_CTL_STYLE_BUSY:
		sgr = "33";
		break;
	case WB_CTL_STYLE_BAD:
		sgr = "31";
		break;
	}
	return g_strdup_printf("\033[%sm%s\033[0m", sgr, text);
}

/**
 * wb_ctl_style_state:
 * @ctl: a #WbCtl
 * @state: a Watch1.State value
 *
 * Returns: (transfer full): @state, coloured by how good it is
 */
gchar *
wb_ctl_style_state(const WbCtl *ctl, const gchar *state)
{
	if (g_strcmp0(state, "connected") == 0)
		return wb_ctl_style(ctl, WB_CTL_STYLE_GOOD, state);
	if (g_strcmp0(state, "connecting") == 0 || g_strcmp0(state, "handshaking") == 0)
		return wb_ctl_style(ctl, WB_CTL_STYLE_BUSY, state);
	if (g_strcmp0(state, "disconnected") == 0)
		return wb_ctl_style(ctl, WB_CTL_STYLE_DIM, state);
	return g_strdup(state != NULL && state[0] != '\0' ? state : "unknown");
}

/**
 * wb_ctl_format_rtt:
 * @rtt_us: a round-trip time in microseconds
 *
 * Returns: (transfer full): e.g. "0.42 ms", "1.2 ms", "130 ms"
 */
gchar *
wb_ctl_format_rtt(guint64 rtt_us)
{
	gdouble ms = (gdouble)rtt_us / 1000.0;

	if (rtt_us < 1000)
		return g_strdup_printf("%.2f ms", ms);
	if (rtt_us < 100000)
		return g_strdup_printf("%.1f ms", ms);
	return g_strdup_printf("%.0f ms", ms);
}

/**
 * wb_ctl_format_ago:
 * @seconds: how long ago
 *
 * Returns: (transfer full): e.g. "just now", "42 s ago", "3 min ago", "5 h ago", "12 days ago"
 */
gchar *
wb_ctl_format_ago(gint64 seconds)
{
	if (seconds < 0)
		return g_strdup("in the future");
	if (seconds < 2)
		return g_strdup("just now");
	if (seconds < 60)
		return g_strdup_printf("%" G_GINT64_FORMAT " s ago", seconds);
	if (seconds < 60 * 60)
		return g_strdup_printf("%" G_GINT64_FORMAT " min ago", seconds / 60);
	if (seconds < 48 * 60 * 60)
		return g_strdup_printf("%" G_GINT64_FORMAT " h ago", seconds / (60 * 60));
	return g_strdup_printf("%" G_GINT64_FORMAT " days ago", seconds / (24 * 60 * 60));
}

/**
 * wb_ctl_format_when:
 * @unix_seconds: a time from the API (Unix seconds, UTC), 0 for never
 * @now: the current time in Unix seconds
 *
 * Returns: (transfer full): local time and age, e.g. "2025-11-28 10:55 (3 min ago)", or "never"
 */
gchar *
wb_ctl_format_when(guint64 unix_seconds, gint64 now)
{
	g_autoptr(GDateTime) dt = NULL;
	g_autofree gchar *date = NULL;
	g_autofree gchar *ago = NULL;

	if (unix_seconds == 0)
		return g_strdup("never");
	if (unix_seconds > (guint64)G_MAXINT64)
		return g_strdup_printf("%" G_GUINT64_FORMAT, unix_seconds);
	dt = g_date_time_new_from_unix_local((gint64)unix_seconds);
	if (dt == NULL) /* beyond year 9999 */
		return g_strdup_printf("%" G_GUINT64_FORMAT, unix_seconds);
	date = g_date_time_format(dt, "%Y-%m-%d %H:%M");
	ago = wb_ctl_format_ago(now - (gint64)unix_seconds);
	return g_strdup_printf("%s (%s)", date, ago);
}

static const gchar *
or_dash(const gchar *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static void
print_field(WbCtl *ctl, const gchar *label, const gchar *value)
{
	g_autofree gchar *styled = wb_ctl_style(ctl, WB_CTL_STYLE_DIM, label);

	/* pad by the plain label's width: escapes take no columns */
	wb_ctl_print(ctl, "  %s%*s %s\n", styled, (int)(10 - strlen(label)), "", value);
}

/**
 * wb_ctl_use_utf8:
 *
 * Returns: whether the locale's character set is UTF-8, so that symbols such as "✓" show
 */
gboolean
wb_ctl_use_utf8(void)
{
	return g_get_charset(NULL);
}

/* LinkWindow as (transmit, receive); (0, 0) from a daemon older than 0.2.0 */
static void
get_link_window(WbDBusWatch1 *w, guint8 *tx, guint8 *rx)
{
	GVariant *window = wb_dbus_watch1_get_link_window(w);

	*tx = 0;
	*rx = 0;
	if (window != NULL && g_variant_is_of_type(window, G_VARIANT_TYPE("(yy)")))
		g_variant_get(window, "(yy)", tx, rx);
}

/**
 * wb_ctl_format_link:
 * @watch: the watch
 *
 * Returns: (transfer full): the transport, target and open link, e.g.
 *   "ble B0:B4:48:12:34:56 (ppogatt), MTU 185, window 24/24" or "emulator 127.0.0.1:12344"
 */
gchar *
wb_ctl_format_link(const WbCtlWatch *watch)
{
	WbDBusWatch1 *w = watch->proxy;
	const gchar *transport = wb_dbus_watch1_get_transport(w);
	const gchar *target = wb_dbus_watch1_get_target(w);
	const gchar *mode = wb_dbus_watch1_get_link_mode(w);
	guint mtu = wb_dbus_watch1_get_link_mtu(w);
	GString *s = g_string_new(or_dash(transport));
	guint8 tx;
	guint8 rx;

	if (target != NULL && target[0] != '\0')
		g_string_append_printf(s, " %s", target);
	/* "emulator" and "rfcomm" links are named as their transport: no news */
	if (mode != NULL && mode[0] != '\0' && g_strcmp0(mode, transport) != 0)
		g_string_append_printf(s, " (%s)", mode);
	if (mtu != 0)
		g_string_append_printf(s, ", MTU %u", mtu);
	get_link_window(w, &tx, &rx);
	if (tx != 0 || rx != 0)
		g_string_append_printf(s, ", window %u/%u", tx, rx);
	return g_string_free(s, FALSE);
}

/**
 * wb_ctl_print_watch:
 * @ctl: a #WbCtl
 * @watch: the watch
 * @ping: (nullable): what to say after the state, e.g. "ping 1.2 ms"
 *
 * Prints the block that `wearctl status` shows per watch.
 */
void
wb_ctl_print_watch(WbCtl *ctl, const WbCtlWatch *watch, const gchar *ping)
{
	WbDBusWatch1 *w = watch->proxy;
	g_autofree gchar *name = wb_ctl_watch_dup_display_name(watch);
	g_autofree gchar *bold = wb_ctl_style(ctl, WB_CTL_STYLE_BOLD, name);
	g_autofree gchar *state = wb_ctl_style_state(ctl, wb_dbus_watch1_get_state(w));
	g_autofree gchar *when = NULL;
	g_autoptr(GString) line = g_string_new(state);
	const gchar *model = wb_dbus_watch1_get_model(w);
	const gchar *platform = wb_dbus_watch1_get_platform(w);
	gboolean connected = wb_dbus_watch1_get_connected(w);

	wb_ctl_print(ctl, "%s (%s)\n", bold, wb_ctl_watch_get_id(watch));

	if (!connected && wb_dbus_watch1_get_auto_connect(w) &&
	    g_strcmp0(wb_dbus_watch1_get_state(w), "disconnected") == 0)
		g_string_append(line, ", will reconnect");
	if (!connected && !wb_dbus_watch1_get_auto_connect(w))
		g_string_append(line, ", not reconnecting");
	if (ping != NULL)
		g_string_append_printf(line, ", %s", ping);
	print_field(ctl, "state", line->str);

	g_string_assign(line, or_dash(model));
	if (platform != NULL && platform[0] != '\0' && g_strcmp0(platform, "unknown") != 0)
		g_string_append_printf(line, " (%s)", platform);
	print_field(ctl, "model", line->str);
	print_field(ctl, "firmware", or_dash(wb_dbus_watch1_get_firmware_version(w)));
	print_field(ctl, "serial", or_dash(wb_dbus_watch1_get_serial(w)));
	print_field(ctl, "address", or_dash(wb_dbus_watch1_get_address(w)));

	{
		g_autofree gchar *link = wb_ctl_format_link(watch);

		print_field(ctl, "link", link);
	}

	/* LastConnected is when the last session opened */
	when = wb_ctl_format_when(wb_dbus_watch1_get_last_connected(w),
				  g_get_real_time() / G_USEC_PER_SEC);
	if (wb_dbus_watch1_get_last_connected(w) == 0)
		g_string_assign(line, when);
	else
		g_string_printf(line, "%s %s", connected ? "since" : "last", when);
	print_field(ctl, "connected", line->str);
}

static void
add_string(JsonBuilder *builder, const gchar *key, const gchar *value)
{
	json_builder_set_member_name(builder, key);
	json_builder_add_string_value(builder, value != NULL ? value : "");
}

/**
 * wb_ctl_json_add_watch:
 * @builder: a #JsonBuilder inside an object
 * @watch: the watch
 *
 * Adds the watch's members (the stable keys documented in wearctl(1)) to the current object.
 */
void
wb_ctl_json_add_watch(JsonBuilder *builder, const WbCtlWatch *watch)
{
	WbDBusWatch1 *w = watch->proxy;
	guint64 last = wb_dbus_watch1_get_last_connected(w);
	guint8 tx;
	guint8 rx;

	add_string(builder, "id", wb_ctl_watch_get_id(watch));
	add_string(builder, "path", watch->path);
	add_string(builder, "name", wb_dbus_watch1_get_name(w));
	add_string(builder, "address", wb_dbus_watch1_get_address(w));
	add_string(builder, "model", wb_dbus_watch1_get_model(w));
	add_string(builder, "platform", wb_dbus_watch1_get_platform(w));
	add_string(builder, "firmware", wb_dbus_watch1_get_firmware_version(w));
	add_string(builder, "serial", wb_dbus_watch1_get_serial(w));
	add_string(builder, "transport", wb_dbus_watch1_get_transport(w));
	add_string(builder, "target", wb_dbus_watch1_get_target(w));
	add_string(builder, "state", wb_dbus_watch1_get_state(w));
	json_builder_set_member_name(builder, "connected");
	json_builder_add_boolean_value(builder, wb_dbus_watch1_get_connected(w));
	json_builder_set_member_name(builder, "auto_connect");
	json_builder_add_boolean_value(builder, wb_dbus_watch1_get_auto_connect(w));
	json_builder_set_member_name(builder, "last_connected");
	if (last == 0 || last > (guint64)G_MAXINT64)
		json_builder_add_null_value(builder);
	else
		json_builder_add_int_value(builder, (gint64)last);
	add_string(builder, "link_mode", wb_dbus_watch1_get_link_mode(w));
	json_builder_set_member_name(builder, "link_mtu");
	json_builder_add_int_value(builder, wb_dbus_watch1_get_link_mtu(w));
	get_link_window(w, &tx, &rx);
	json_builder_set_member_name(builder, "link_window");
	json_builder_begin_array(builder);
	json_builder_add_int_value(builder, tx);
	json_builder_add_int_value(builder, rx);
	json_builder_end_array(builder);
}

/**
 * wb_ctl_print_json:
 * @ctl: a #WbCtl
 * @builder: a #JsonBuilder holding one finished document
 *
 * Prints the document, indented, with a final newline.
 */
void
wb_ctl_print_json(WbCtl *ctl, JsonBuilder *builder)
{
	g_autoptr(JsonNode) root = json_builder_get_root(builder);
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autofree gchar *text = NULL;

	json_generator_set_pretty(generator, TRUE);
	json_generator_set_indent(generator, 2);
	json_generator_set_root(generator, root);
	text = json_generator_to_data(generator, NULL);
	wb_ctl_print(ctl, "%s\n", text);
}
