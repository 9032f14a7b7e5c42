/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * The control interface of the simulated watch: one command per line in, one JSON object per
 * line out ({"ok":true,…} or {"ok":false,"error":"…"}). Every command is documented in
 * docs/watchsim.md and wearbridge-watchsim(1); keep the three in step.
 */

#include "wb-sim-control.h"

#include <string.h>

#include "wb-sim-health.h"
#include "wb-sim-json.h"

typedef gboolean (*CommandFunc)(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data,
				gchar **argv, gint64 now_us, JsonBuilder *b, GError **error);

typedef struct {
	const gchar *name;
	const gchar *usage;
	CommandFunc func;
} Command;

#define DLOG_USAGE                                                                                 \
	"dlog open TAG bytes|uint|int ITEM_SIZE [APP_UUID] | dlog send SESSION HEX | "             \
	"dlog close SESSION | dlog list | dlog drop-acks N | "                                     \
	"dlog corrupt-next [crc|record|truncate|range|offset] [COUNT] [TAG] | dlog timeout MS"
#define HEALTH_USAGE                                                                               \
	"health generate DAYS [SEED] [END_UNIX] [OFFSET_MIN] | health truth | health state | "     \
	"health version 4|5|6|7|12|13|14|83|legacy | health enable | health disable | "            \
	"health hold on|off"

static gboolean
bad_usage(GError **error, const gchar *usage)
{
	g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS, "usage: %s", usage);
	return FALSE;
}

static gboolean
not_supported(GError **error, const gchar *what)
{
	g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_NOT_SUPPORTED, "'%s' is not supported here",
		    what);
	return FALSE;
}

static gboolean
parse_uint(const gchar *s, guint64 max, guint64 *out, GError **error)
{
	if (g_str_has_prefix(s, "0x") || g_str_has_prefix(s, "0X"))
		return g_ascii_string_to_unsigned(s + 2, 16, 0, max, out, error);
	return g_ascii_string_to_unsigned(s, 10, 0, max, out, error);
}

static gboolean
cmd_state(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	  gint64 now_us, JsonBuilder *b, GError **error)
{
	if (argv[1] != NULL)
		return bad_usage(error, "state");
	if (host->add_state != NULL)
		host->add_state(b, user_data);
	wb_sim_watch_add_state(watch, b, now_us);
	return TRUE;
}

static gboolean
cmd_dump(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	 gint64 now_us, JsonBuilder *b, GError **error)
{
	static const gchar *usage = "dump blobdb [DATABASE] | dump datalog";

	if (argv[1] == NULL)
		return bad_usage(error, usage);
	if (g_str_equal(argv[1], "blobdb")) {
		if (argv[2] != NULL && argv[3] != NULL)
			return bad_usage(error, usage);
		json_builder_set_member_name(b, "blobdb");
		json_builder_begin_object(b);
		if (!wb_sim_watch_add_blobdb(watch, b, argv[2], error))
			return FALSE;
		json_builder_end_object(b);
		return TRUE;
	}
	if (g_str_equal(argv[1], "datalog") && argv[2] == NULL) {
		json_builder_set_member_name(b, "datalog");
		wb_sim_watch_add_datalog(watch, b);
		return TRUE;
	}
	return bad_usage(error, usage);
}

static gboolean
cmd_disconnect(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	       gint64 now_us, JsonBuilder *b, GError **error)
{
	if (argv[1] != NULL)
		return bad_usage(error, "disconnect");
	if (host->disconnect == NULL)
		return not_supported(error, "disconnect");
	return host->disconnect(user_data, error);
}

static gboolean
cmd_reconnect(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	      gint64 now_us, JsonBuilder *b, GError **error)
{
	if (argv[1] != NULL)
		return bad_usage(error, "reconnect");
	if (host->reconnect == NULL)
		return not_supported(error, "reconnect");
	return host->reconnect(user_data, error);
}

static gboolean
cmd_reboot(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	   gint64 now_us, JsonBuilder *b, GError **error)
{
	if (argv[1] != NULL)
		return bad_usage(error, "reboot");
	wb_sim_watch_reboot(watch, "control command", now_us);
	return TRUE;
}

static gboolean
cmd_ping(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	 gint64 now_us, JsonBuilder *b, GError **error)
{
	guint32 cookie;

	if (argv[1] != NULL)
		return bad_usage(error, "ping");
	if (!wb_sim_watch_ping(watch, &cookie, error))
		return FALSE;
	json_builder_set_member_name(b, "cookie");
	json_builder_add_int_value(b, cookie);
	return TRUE;
}

static gboolean
cmd_press(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	  gint64 now_us, JsonBuilder *b, GError **error)
{
	static const gchar *usage = "press ITEM_UUID ACTION_ID [REPLY TEXT]";
	g_autofree gchar *reply = NULL;
	WbUuid item;
	guint64 action;

	if (argv[1] == NULL || argv[2] == NULL)
		return bad_usage(error, usage);
	if (!wb_uuid_parse(argv[1], &item)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS, "'%s' is not a UUID",
			    argv[1]);
		return FALSE;
	}
	if (!parse_uint(argv[2], G_MAXUINT8, &action, NULL)) {
		g_set_error(error, WB_SIM_ERROR, WB_SIM_ERROR_INVALID_ARGS,
			    "'%s' is not an action id (0-255)", argv[2]);
		return FALSE;
	}
	if (argv[3] != NULL)
		reply = g_strjoinv(" ", argv + 3);
	return wb_sim_watch_press(watch, &item, (guint8)action, reply, now_us, b, error);
}

static gboolean
parse_item_type(const gchar *s, WbDatalogItemType *out)
{
	guint64 v;

	if (g_str_equal(s, "bytes") || g_str_equal(s, "byte_array")) {
		*out = WB_DATALOG_ITEM_BYTE_ARRAY;
		return TRUE;
	}
	if (g_str_equal(s, "uint")) {
		*out = WB_DATALOG_ITEM_UINT;
		return TRUE;
	}
	if (g_str_equal(s, "int")) {
		*out = WB_DATALOG_ITEM_INT;
		return TRUE;
	}
	if (!parse_uint(s, 3, &v, NULL) || v == 1)
		return FALSE;
	*out = (WbDatalogItemType)v;
	return TRUE;
}

static gboolean
cmd_dlog(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	 gint64 now_us, JsonBuilder *b, GError **error)
{
	static const gchar *usage = DLOG_USAGE;
	guint64 tag, size, session;
	WbDatalogItemType type;
	WbUuid app;
	gint id;

	if (argv[1] == NULL)
		return bad_usage(error, usage);
	if (g_str_equal(argv[1], "open")) {
		if (g_strv_length(argv) < 5 || g_strv_length(argv) > 6 ||
		    !parse_uint(argv[2], G_MAXUINT32, &tag, NULL) ||
		    !parse_item_type(argv[3], &type) ||
		    !parse_uint(argv[4], G_MAXUINT16, &size, NULL) ||
		    (argv[5] != NULL && !wb_uuid_parse(argv[5], &app)))
			return bad_usage(error, usage);
		id = wb_sim_watch_dlog_open(watch, (guint32)tag, type, (guint16)size,
					    argv[5] != NULL ? &app : NULL, now_us, error);
		if (id < 0)
			return FALSE;
		json_builder_set_member_name(b, "session");
		json_builder_add_int_value(b, id);
		return TRUE;
	}
	if (g_str_equal(argv[1], "send")) {
		g_autoptr(GByteArray) data = NULL;

		if (g_strv_length(argv) < 4 || !parse_uint(argv[2], G_MAXUINT8, &session, NULL))
			return bad_usage(error, usage);
		{
			g_autofree gchar *hex = g_strjoinv("", argv + 3);
			data = wb_sim_hex_parse(hex, error);
		}
		if (data == NULL)
			return FALSE;
		if (!wb_sim_watch_dlog_send(watch, (guint8)session, data->data, data->len, now_us,
					    error))
			return FALSE;
		json_builder_set_member_name(b, "bytes");
		json_builder_add_int_value(b, data->len);
		return TRUE;
	}
	if (g_str_equal(argv[1], "close")) {
		if (g_strv_length(argv) != 3 || !parse_uint(argv[2], G_MAXUINT8, &session, NULL))
			return bad_usage(error, usage);
		return wb_sim_watch_dlog_close(watch, (guint8)session, now_us, error);
	}
	if (g_str_equal(argv[1], "list") && argv[2] == NULL) {
		json_builder_set_member_name(b, "datalog");
		wb_sim_watch_add_datalog(watch, b);
		return TRUE;
	}
	if (g_str_equal(argv[1], "drop-acks")) {
		guint64 n;

		if (g_strv_length(argv) != 3 || !parse_uint(argv[2], G_MAXUINT32, &n, NULL))
			return bad_usage(error, usage);
		wb_sim_watch_dlog_drop_acks(watch, (guint)n);
		return TRUE;
	}
	if (g_str_equal(argv[1], "corrupt-next")) {
		WbSimCorruption kind = WB_SIM_CORRUPT_RECORD;
		guint64 count = 1, ctag = 0;

		if (g_strv_length(argv) > 5 ||
		    (argv[2] != NULL && !wb_sim_corruption_from_string(argv[2], &kind)) ||
		    (argv[2] != NULL && argv[3] != NULL &&
		     !parse_uint(argv[3], G_MAXUINT32, &count, NULL)) ||
		    (argv[2] != NULL && argv[3] != NULL && argv[4] != NULL &&
		     !parse_uint(argv[4], G_MAXUINT32, &ctag, NULL)))
			return bad_usage(error, usage);
		wb_sim_watch_dlog_corrupt_next(watch, kind, (guint)count, (guint32)ctag);
		json_builder_set_member_name(b, "kind");
		json_builder_add_string_value(b, wb_sim_corruption_to_string(kind));
		json_builder_set_member_name(b, "count");
		json_builder_add_int_value(b, (gint64)count);
		json_builder_set_member_name(b, "tag");
		json_builder_add_int_value(b, (gint64)ctag);
		return TRUE;
	}
	if (g_str_equal(argv[1], "timeout")) {
		guint64 ms;

		if (g_strv_length(argv) != 3 || !parse_uint(argv[2], 24 * 3600 * 1000, &ms, NULL) ||
		    ms == 0)
			return bad_usage(error, usage);
		wb_sim_watch_set_dlog_timeout(watch, (gint64)ms * 1000);
		return TRUE;
	}
	return bad_usage(error, usage);
}

static gboolean
cmd_disconnect_after_frames(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data,
			    gchar **argv, gint64 now_us, JsonBuilder *b, GError **error)
{
	guint64 n;

	if (g_strv_length(argv) != 2 || !parse_uint(argv[1], G_MAXINT32, &n, NULL))
		return bad_usage(error, "disconnect-after-frames N");
	wb_sim_watch_disconnect_after_frames(watch, (gint)n);
	return TRUE;
}

/* "-" (or nothing) for an optional positional argument left at its default */
static gboolean
arg_given(const gchar *arg)
{
	return arg != NULL && !g_str_equal(arg, "-");
}

static gboolean
cmd_health(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	   gint64 now_us, JsonBuilder *b, GError **error)
{
	static const gchar *usage = HEALTH_USAGE;
	guint n = g_strv_length(argv);

	if (n < 2)
		return bad_usage(error, usage);
	if (g_str_equal(argv[1], "generate")) {
		gdouble days;
		gchar *end = NULL;
		guint64 seed = 0, end_utc = 0;
		gint64 offset = 0;
		guint32 seed32;
		gint offset_min;

		if (n < 3 || n > 6)
			return bad_usage(error, usage);
		days = g_ascii_strtod(argv[2], &end);
		if (end == argv[2] || *end != '\0' ||
		    (arg_given(argv[3]) && !parse_uint(argv[3], G_MAXUINT32, &seed, NULL)) ||
		    (n > 4 && arg_given(argv[4]) &&
		     !parse_uint(argv[4], G_MAXUINT32, &end_utc, NULL)) ||
		    (n > 5 && arg_given(argv[5]) &&
		     !g_ascii_string_to_signed(argv[5], 10, -16 * 60, 16 * 60, &offset, NULL)))
			return bad_usage(error, usage);
		seed32 = (guint32)seed;
		offset_min = (gint)offset;
		return wb_sim_watch_health_generate(
			watch, days, arg_given(argv[3]) ? &seed32 : NULL,
			n > 4 && arg_given(argv[4]) ? (gint64)end_utc : -1,
			n > 5 && arg_given(argv[5]) ? &offset_min : NULL, now_us, b, error);
	}
	if (g_str_equal(argv[1], "truth") && n == 2) {
		wb_sim_watch_health_add_truth(watch, b);
		return TRUE;
	}
	if (g_str_equal(argv[1], "state") && n == 2) {
		json_builder_set_member_name(b, "health");
		wb_sim_watch_health_add_state(watch, b);
		return TRUE;
	}
	if (g_str_equal(argv[1], "version") && n == 3) {
		guint64 v;

		if (g_str_equal(argv[2], "legacy"))
			v = WB_SIM_HEALTH_LEGACY;
		else if (!parse_uint(argv[2], G_MAXUINT16, &v, NULL))
			return bad_usage(error, usage);
		return wb_sim_watch_health_set_version(watch, (guint)v, error);
	}
	if ((g_str_equal(argv[1], "enable") || g_str_equal(argv[1], "disable")) && n == 2) {
		wb_sim_watch_health_set_enabled(watch, g_str_equal(argv[1], "enable"));
		return TRUE;
	}
	if (g_str_equal(argv[1], "hold") && n == 3 &&
	    (g_str_equal(argv[2], "on") || g_str_equal(argv[2], "off"))) {
		wb_sim_watch_health_set_hold(watch, g_str_equal(argv[2], "on"), now_us);
		return TRUE;
	}
	return bad_usage(error, usage);
}

static gboolean
cmd_quit(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	 gint64 now_us, JsonBuilder *b, GError **error)
{
	if (argv[1] != NULL)
		return bad_usage(error, "quit");
	if (host->quit == NULL)
		return not_supported(error, "quit");
	host->quit(user_data);
	return TRUE;
}

static gboolean cmd_help(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data,
			 gchar **argv, gint64 now_us, JsonBuilder *b, GError **error);

static const Command commands[] = {
	{"state", "state", cmd_state},
	{"dump", "dump blobdb [DATABASE] | dump datalog", cmd_dump},
	{"disconnect", "disconnect", cmd_disconnect},
	{"reconnect", "reconnect", cmd_reconnect},
	{"reboot", "reboot", cmd_reboot},
	{"ping", "ping", cmd_ping},
	{"press", "press ITEM_UUID ACTION_ID [REPLY TEXT]", cmd_press},
	{"dlog", DLOG_USAGE, cmd_dlog},
	{"health", HEALTH_USAGE, cmd_health},
	{"disconnect-after-frames", "disconnect-after-frames N", cmd_disconnect_after_frames},
	{"help", "help", cmd_help},
	{"quit", "quit", cmd_quit},
};

static gboolean
cmd_help(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data, gchar **argv,
	 gint64 now_us, JsonBuilder *b, GError **error)
{
	json_builder_set_member_name(b, "commands");
	json_builder_begin_array(b);
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		json_builder_add_string_value(b, commands[i].usage);
	json_builder_end_array(b);
	return TRUE;
}

static gchar *
error_line(const gchar *message)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "ok");
	json_builder_add_boolean_value(b, FALSE);
	json_builder_set_member_name(b, "error");
	json_builder_add_string_value(b, message);
	json_builder_end_object(b);
	return wb_sim_json_to_line(b);
}

/**
 * wb_sim_control_execute:
 * @watch: the watch
 * @host: the host's operations
 * @user_data: passed to @host's operations
 * @line: one command line (words split as by a shell: quotes group)
 * @now_us: the monotonic time now
 *
 * Runs one control command.
 *
 * Returns: (transfer full) (nullable): the answer, one JSON object without a newline; %NULL for
 *   an empty line or a `#` comment, which get no answer
 */
gchar *
wb_sim_control_execute(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data,
		       const gchar *line, gint64 now_us)
{
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *valid = g_utf8_make_valid(line, -1);
	g_autofree gchar *trimmed = g_strstrip(g_strdup(valid));

	if (trimmed[0] == '\0' || trimmed[0] == '#')
		return NULL;
	if (!g_shell_parse_argv(trimmed, NULL, &argv, &error))
		return error_line(error->message);
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		g_autoptr(JsonBuilder) b = NULL;

		if (!g_str_equal(argv[0], commands[i].name))
			continue;
		b = json_builder_new();
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "ok");
		json_builder_add_boolean_value(b, TRUE);
		if (!commands[i].func(watch, host, user_data, argv, now_us, b, &error))
			return error_line(error->message);
		json_builder_end_object(b);
		return wb_sim_json_to_line(b);
	}
	{
		g_autofree gchar *msg =
			g_strdup_printf("unknown command '%s' (try 'help')", argv[0]);
		return error_line(msg);
	}
}
