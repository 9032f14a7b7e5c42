/* wearctl: the command line, help, and how a run ends.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "wb-ctl.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#ifndef WEARCTL_VERSION
#error "WEARCTL_VERSION must be defined by the build"
#endif

#define HELP_WIDTH 80

static void
wb_ctl_clear(WbCtl *ctl)
{
	g_clear_pointer(&ctl->watches, g_ptr_array_unref);
	g_clear_object(&ctl->object_manager);
	g_clear_object(&ctl->manager);
	g_clear_object(&ctl->connection);
	g_clear_pointer(&ctl->dbus_error, g_free);
	g_clear_pointer(&ctl->error_watch, wb_ctl_watch_free);
	wb_ctl_health_clear(ctl);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(WbCtl, wb_ctl_clear)

/* Appends @text wrapped at HELP_WIDTH, every line indented by @indent spaces. */
static void
append_wrapped(GString *s, const gchar *text, guint indent)
{
	g_auto(GStrv) words = g_strsplit(text, " ", -1);
	guint col = 0;

	for (guint i = 0; words[i] != NULL; i++) {
		guint len = (guint)g_utf8_strlen(words[i], -1);

		if (words[i][0] == '\0')
			continue;
		if (col > 0 && col + 1 + len > HELP_WIDTH) {
			g_string_append_c(s, '\n');
			col = 0;
		}
		if (col == 0) {
			g_string_append_printf(s, "%*s%s", (int)indent, "", words[i]);
			col = indent + len;
		} else {
			g_string_append_printf(s, " %s", words[i]);
			col += 1 + len;
		}
	}
	g_string_append_c(s, '\n');
}

static gchar *
entry_label(const GOptionEntry *entry)
{
	GString *s = g_string_new(NULL);

	if (entry->short_name != '\0')
		g_string_append_printf(s, "-%c, ", entry->short_name);
	else
		g_string_append(s, "    ");
	g_string_append_printf(s, "--%s", entry->long_name);
	if (entry->arg_description != NULL)
		g_string_append_printf(s, "=%s", entry->arg_description);
	return g_string_free(s, FALSE);
}

static void
append_entries(GString *s, const gchar *title, const GOptionEntry *entries, guint n)
{
	gsize width = 0;

	if (n == 0)
		return;
	for (guint i = 0; i < n; i++) {
		g_autofree gchar *label = entry_label(&entries[i]);

		width = MAX(width, strlen(label));
	}
	g_string_append_printf(s, "\n%s:\n", title);
	for (guint i = 0; i < n; i++) {
		g_autofree gchar *label = entry_label(&entries[i]);

		g_string_append_printf(s, "  %-*s  %s\n", (int)width, label,
				       entries[i].description);
	}
}

static const gchar *const watch_help =
	"WATCH is the watch's object path, the path's last element (its id), its Bluetooth "
	"address, its name, or an emulator's HOST:PORT; it may be left out when exactly one "
	"watch is known.";

static gchar *
top_help(WbCtl *ctl)
{
	g_autoptr(GArray) entries = wb_ctl_command_entries(ctl, NULL);
	GString *s = g_string_new(NULL);
	const WbCtlCommand *commands;
	gsize n_commands;

	commands = wb_ctl_commands(&n_commands);
	g_string_append(s, "Usage: wearctl [--json] [COMMAND] [ARGUMENTS]\n\n");
	append_wrapped(s,
		       "Controls wearbridged, the daemon that keeps a Pebble smartwatch "
		       "connected to this desktop. Without a COMMAND, runs status.",
		       0);
	g_string_append(s, "\nCommands:\n");
	for (gsize i = 0; i < n_commands; i++) {
		g_autofree gchar *left =
			g_strstrip(g_strdup_printf("%s %s", commands[i].name, commands[i].args));

		if (strlen(left) > 20)
			g_string_append_printf(s, "  %s\n  %20s  %s\n", left, "",
					       commands[i].summary);
		else
			g_string_append_printf(s, "  %-20s  %s\n", left, commands[i].summary);
	}
	append_entries(s, "Options", (const GOptionEntry *)(gpointer)entries->data,
		       entries->len - 1);
	g_string_append_c(s, '\n');
	append_wrapped(s, watch_help, 0);
	g_string_append_c(s, '\n');
	append_wrapped(s,
		       "Exit status: 0 success, 1 failure, 2 usage problem or nothing to do, "
		       "3 no such watch or Bluetooth device. 'wearctl help COMMAND' shows a "
		       "command's options; see wearctl(1) for more.",
		       0);
	return g_string_free(s, FALSE);
}

static gchar *
command_help(WbCtl *ctl, const WbCtlCommand *command)
{
	g_autoptr(GArray) entries = wb_ctl_command_entries(ctl, command);
	g_autoptr(GArray) global = wb_ctl_command_entries(ctl, NULL);
	const GOptionEntry *all = (const GOptionEntry *)(gpointer)entries->data;
	guint n_own = entries->len - global->len;
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "Usage: wearctl %s", command->name);
	if (command->args[0] != '\0')
		g_string_append_printf(s, " %s", command->args);
	for (guint i = 0; i < n_own; i++) {
		if (all[i].arg_description != NULL)
			g_string_append_printf(s, " [--%s %s]", all[i].long_name,
					       all[i].arg_description);
		else
			g_string_append_printf(s, " [--%s]", all[i].long_name);
	}
	g_string_append(s, "\n\n");
	g_string_append_printf(s, "%s.\n", command->summary);
	if (command->description != NULL) {
		g_string_append_c(s, '\n');
		append_wrapped(s, command->description, 0);
	}
	append_entries(s, "Options", all, n_own);
	append_entries(s, "Global options", all + n_own, global->len - 1);
	if (strstr(command->args, "WATCH") != NULL) {
		g_string_append_c(s, '\n');
		append_wrapped(s, watch_help, 0);
	}
	return g_string_free(s, FALSE);
}

static void
set_unknown_command_error(const gchar *word, GError **error)
{
	const WbCtlCommand *commands;
	gsize n_commands;

	/* the first word of a command with several, e.g. "time" */
	commands = wb_ctl_commands(&n_commands);
	for (gsize i = 0; i < n_commands; i++) {
		gsize len = strlen(word);

		if (strncmp(commands[i].name, word, len) == 0 && commands[i].name[len] == ' ') {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
				    "'%s' needs a subcommand: wearctl %s %s", word,
				    commands[i].name, commands[i].args);
			return;
		}
	}
	g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
		    "unknown command '%s'; wearctl --help lists the commands", word);
}

/**
 * wb_ctl_show_help:
 * @ctl: a #WbCtl
 * @words: (array zero-terminated=1): a command's words, or none for the overview
 * @error: return location for a #WB_CTL_ERROR
 *
 * The `help` command: prints the overview, or a command's help.
 *
 * Returns: %FALSE if @words name no command
 */
gboolean
wb_ctl_show_help(WbCtl *ctl, gchar **words, GError **error)
{
	const WbCtlCommand *command = NULL;
	g_autofree gchar *text = NULL;
	guint n_words = 0;

	if (words != NULL && words[0] != NULL) {
		command = wb_ctl_command_find(words, &n_words);
		if (command == NULL) {
			set_unknown_command_error(words[0], error);
			return FALSE;
		}
		if (words[n_words] != NULL) {
			g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
				    "unexpected '%s' after 'help %s'", words[n_words],
				    command->name);
			return FALSE;
		}
	}
	text = command != NULL ? command_help(ctl, command) : top_help(ctl);
	wb_ctl_print(ctl, "%s", text);
	return TRUE;
}

/* the options that take a value as the next word: that word is not the command */
static gboolean
takes_value(const gchar *arg)
{
	const gchar *const with_value[] = {"--count", "-c",   "--timeout", "-t", "--days",   "-d",
					   "--from",  "--to", "--format",  "-f", "--output", "-o"};

	for (gsize i = 0; i < G_N_ELEMENTS(with_value); i++) {
		if (g_strcmp0(arg, with_value[i]) == 0)
			return TRUE;
	}
	return FALSE;
}

/**
 * wb_ctl_check_timeout:
 * @ctl: a #WbCtl after option parsing
 * @fallback: the command's default in seconds, or NAN for none (wait until interrupted)
 * @error: return location for a #WB_CTL_ERROR
 *
 * Applies the command's default when --timeout was not given (@ctl->timeout is then NAN) and
 * checks the range of one that was.
 *
 * Returns: %FALSE with a usage error when --timeout is out of range
 */
gboolean
wb_ctl_check_timeout(WbCtl *ctl, gdouble fallback, GError **error)
{
	if (isnan(ctl->timeout)) {
		ctl->timeout = fallback;
		return TRUE;
	}
	if (ctl->timeout > 0 && ctl->timeout <= 24 * 60 * 60)
		return TRUE;
	g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
		    "--timeout must be between 0 and 86400 seconds, not '%g'", ctl->timeout);
	return FALSE;
}

static gboolean
env_is_set(const gchar *name)
{
	const gchar *value = g_getenv(name);

	return value != NULL && value[0] != '\0';
}

static gboolean
run(WbCtl *ctl, gint argc, gchar **argv, GError **error)
{
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GArray) entries = NULL;
	g_autoptr(GPtrArray) rest = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) strv = NULL;
	g_autoptr(GError) local = NULL;
	const WbCtlCommand *command = NULL;
	gchar **args;
	guint n_words = 0;
	guint n_args;
	gint index = -1;

	/* The command is the first word that is not an option (the global options take no
	 * value); it can have several words ("time sync"). */
	for (gint i = 1; i < argc; i++) {
		if (g_strcmp0(argv[i], "--") == 0) {
			if (i + 1 < argc)
				index = i + 1;
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (takes_value(argv[i]))
				i++;
			continue;
		}
		index = i;
		break;
	}
	if (index >= 0) {
		g_autoptr(GPtrArray) words = g_ptr_array_new();

		for (gint i = index; i < argc; i++)
			g_ptr_array_add(words, argv[i]);
		g_ptr_array_add(words, NULL);
		command = wb_ctl_command_find((gchar **)words->pdata, &n_words);
		if (command == NULL) {
			set_unknown_command_error(argv[index], error);
			return FALSE;
		}
	}
	for (gint i = 0; i < argc; i++) {
		if (index >= 0 && i >= index && i < index + (gint)n_words)
			continue;
		g_ptr_array_add(rest, g_strdup(argv[i]));
	}
	g_ptr_array_add(rest, NULL);
	strv = (gchar **)g_ptr_array_free(g_steal_pointer(&rest), FALSE);

	entries = wb_ctl_command_entries(ctl, command);
	context = g_option_context_new(NULL);
	g_option_context_set_help_enabled(context, FALSE);
	g_option_context_add_main_entries(context, (const GOptionEntry *)(gpointer)entries->data,
					  NULL);
	if (!g_option_context_parse_strv(context, &strv, &local)) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE, "%s; see wearctl %s%s--help",
			    local->message, command != NULL ? command->name : "",
			    command != NULL ? " " : "");
		return FALSE;
	}

	/* colour only for a person: a terminal, no NO_COLOR (https://no-color.org), no --json */
	ctl->color = !ctl->json && ctl->out == NULL && isatty(STDOUT_FILENO) &&
		     !env_is_set("NO_COLOR") && g_strcmp0(g_getenv("TERM"), "dumb") != 0;
	ctl->progress = !ctl->json && ctl->err == NULL && isatty(STDERR_FILENO);

	if (ctl->version) {
		g_autoptr(JsonBuilder) builder = json_builder_new();

		if (!ctl->json) {
			wb_ctl_print(ctl, "wearctl %s\n", WEARCTL_VERSION);
			return TRUE;
		}
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "version");
		json_builder_add_string_value(builder, WEARCTL_VERSION);
		json_builder_end_object(builder);
		wb_ctl_print_json(ctl, builder);
		return TRUE;
	}
	if (ctl->help) {
		g_autofree gchar *text =
			command != NULL ? command_help(ctl, command) : top_help(ctl);

		wb_ctl_print(ctl, "%s", text);
		return TRUE;
	}
	if (command == NULL) {
		gchar *status[] = {(gchar *)"status", NULL};

		command = wb_ctl_command_find(status, &n_words);
	}

	args = strv + 1;
	if (args[0] != NULL && g_strcmp0(args[0], "--") == 0)
		args++;
	n_args = g_strv_length(args);
	if (n_args < command->min_args || n_args > command->max_args) {
		g_set_error(error, WB_CTL_ERROR, WB_CTL_ERROR_USAGE,
			    "usage: wearctl %s%s%s (see wearctl help %s)", command->name,
			    command->args[0] != '\0' ? " " : "", command->args, command->name);
		return FALSE;
	}

	if (command->needs_daemon) {
		ctl->watches = g_ptr_array_new_with_free_func((GDestroyNotify)wb_ctl_watch_free);
		if (!wb_ctl_connect(ctl, error))
			return FALSE;
	}
	return command->func(ctl, args, error);
}

static void
print_error_document(WbCtl *ctl, const GError *error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "error");
	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "message");
	json_builder_add_string_value(builder, error->message);
	json_builder_set_member_name(builder, "exit_status");
	json_builder_add_int_value(builder, wb_ctl_exit_for_error(error));
	json_builder_set_member_name(builder, "dbus_error");
	if (ctl->dbus_error != NULL)
		json_builder_add_string_value(builder, ctl->dbus_error);
	else
		json_builder_add_null_value(builder);
	json_builder_end_object(builder);
	if (ctl->error_watch != NULL) {
		json_builder_set_member_name(builder, "watch");
		json_builder_begin_object(builder);
		wb_ctl_json_add_watch(builder, ctl->error_watch);
		json_builder_end_object(builder);
	}
	json_builder_end_object(builder);
	wb_ctl_print_json(ctl, builder);
}

/**
 * wb_ctl_run:
 * @argc: the number of arguments
 * @argv: (array length=argc): the command line, %NULL-terminated
 * @out: (nullable): where standard output goes instead of stdout (for tests)
 * @err: (nullable): where standard error goes instead of stderr (for tests)
 *
 * Runs wearctl. An error is printed once, on standard error; with --json an error document is
 * printed on standard output as well, so that a script always gets JSON.
 *
 * Returns: the exit status
 */
WbCtlExit
wb_ctl_run(gint argc, gchar **argv, GString *out, GString *err)
{
	g_auto(WbCtl) ctl = {0};
	g_autoptr(GError) error = NULL;

	ctl.out = out;
	ctl.err = err;
	ctl.count = 1;
	ctl.timeout = NAN; /* not given: see wb_ctl_check_timeout() */

	if (run(&ctl, argc, argv, &error))
		return WB_CTL_EXIT_OK;
	wb_ctl_printerr(&ctl, "wearctl: %s\n", error->message);
	if (ctl.json && !ctl.json_printed)
		print_error_document(&ctl, error);
	return wb_ctl_exit_for_error(error);
}
