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

#include "wb-sim-json.h"

typedef gboolean (*CommandFunc)(WbSimWatch *watch, const WbSimControlHost *host, gpointer user_data,
				gchar **argv, gint64 now_us, JsonBuilder *b, GError **error);

typedef struct {
	const gchar *name;
	const gchar *usage;
	CommandFunc func;
} Command;

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
	static const gchar *usage = "dlog open TAG bytes|uint|int ITEM_SIZE [APP_UUID] | "
				    "dlog send SESSION HEX | dlog close SESSION | dlog list";
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
	{"dlog",
	 "dlog open TAG bytes|uint|int ITEM_SIZE [APP_UUID] | dlog send SESSION HEX | "
	 "dlog close SESSION | dlog list",
	 cmd_dlog},
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
