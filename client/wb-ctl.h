/* wearctl: the command-line client of wearbridged.
 *
 * wearctl speaks only the public D-Bus API (dbus/org.wearbridge.*.xml) through the proxies that
 * gdbus-codegen generates from it, so anything it does a script or a graphical client can do too.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "wb-dbus.h"

G_BEGIN_DECLS

#define WB_CTL_BUS_NAME  "org.wearbridge"
#define WB_CTL_ROOT_PATH "/org/wearbridge"

/* Call timeouts. Ping() answers within 10 s (dbus/org.wearbridge.Watch1.xml), so waiting 15 s lets
 * the daemon's named Timeout error arrive before our own gives up; the other calls answer at once,
 * except Connect(), which `wearctl connect --timeout` bounds. */
#define WB_CTL_CALL_TIMEOUT_MS 25000
#define WB_CTL_PING_TIMEOUT_MS 15000

#define WB_CTL_DEFAULT_CONNECT_TIMEOUT 15.0

/* Pair() takes up to 60 s while the watch waits for the person (dbus/org.wearbridge.Manager1.xml);
 * 90 s lets the daemon's own Timeout arrive first. Then `wearctl pair` waits this long by default
 * for the session to open. */
#define WB_CTL_PAIR_CALL_TIMEOUT_MS      90000
#define WB_CTL_DEFAULT_PAIR_WAIT_TIMEOUT 30.0

/**
 * WbCtlExit:
 * @WB_CTL_EXIT_OK: success
 * @WB_CTL_EXIT_FAILURE: the operation failed (daemon not running, watch not connected, timeout…)
 * @WB_CTL_EXIT_USAGE: a usage problem (bad arguments, ambiguous watch) or nothing to do
 * @WB_CTL_EXIT_NOT_FOUND: no watch matches
 *
 * The exit status of wearctl, as documented in wearctl(1); fwupdmgr uses the same numbers.
 */
typedef enum {
	WB_CTL_EXIT_OK = 0,
	WB_CTL_EXIT_FAILURE = 1,
	WB_CTL_EXIT_USAGE = 2,
	WB_CTL_EXIT_NOT_FOUND = 3,
} WbCtlExit;

#define WB_CTL_ERROR (wb_ctl_error_quark())

/**
 * WbCtlError:
 * @WB_CTL_ERROR_FAILED: exit status 1
 * @WB_CTL_ERROR_USAGE: a usage problem, exit status 2
 * @WB_CTL_ERROR_NOTHING_TO_DO: nothing to do, exit status 2
 * @WB_CTL_ERROR_NOT_FOUND: exit status 3
 *
 * Every failure a command reports is in this domain, already in words for the user; the code
 * picks the exit status.
 */
typedef enum {
	WB_CTL_ERROR_FAILED,
	WB_CTL_ERROR_USAGE,
	WB_CTL_ERROR_NOTHING_TO_DO,
	WB_CTL_ERROR_NOT_FOUND,
} WbCtlError;

GQuark wb_ctl_error_quark(void);
WbCtlExit wb_ctl_exit_for_error(const GError *error);

/**
 * WbCtlWatch:
 * @path: the watch's object path
 * @proxy: its org.wearbridge.Watch1 proxy
 *
 * One known watch, as the daemon publishes it.
 */
typedef struct {
	gchar *path;
	WbDBusWatch1 *proxy;
} WbCtlWatch;

WbCtlWatch *wb_ctl_watch_new(const gchar *path, WbDBusWatch1 *proxy);
void wb_ctl_watch_free(WbCtlWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WbCtlWatch, wb_ctl_watch_free)

const gchar *wb_ctl_watch_get_id(const WbCtlWatch *watch);
gchar *wb_ctl_watch_dup_display_name(const WbCtlWatch *watch);
WbCtlWatch *wb_ctl_watch_lookup(GPtrArray *watches, const gchar *spec, GError **error);

typedef enum {
	WB_CTL_STYLE_BOLD,
	WB_CTL_STYLE_DIM,
	WB_CTL_STYLE_GOOD,
	WB_CTL_STYLE_BUSY,
	WB_CTL_STYLE_BAD,
} WbCtlStyle;

/**
 * WbCtl:
 *
 * The state of one wearctl run: options, where output goes, and the connection to the daemon.
 */
typedef struct {
	/* global options */
	gboolean json;
	gboolean help;
	gboolean version;
	/* command options */
	gint count;
	gdouble timeout; /* NAN until --timeout is given: each command has its own default */
	gboolean no_ping;
	gboolean no_wait;
	/* health command options (wb-ctl-health.c); strings freed by wb_ctl_health_clear() */
	gint days;
	gchar *from;
	gchar *to;
	gboolean hourly;
	gchar *format;
	gchar *output;

	gboolean color;
	gboolean progress; /* progress lines on stderr: only on a terminal, never with --json */
	GString *out;      /* when set (tests), stdout goes here instead */
	GString *err;      /* when set (tests), stderr goes here instead */

	GDBusConnection *connection;
	WbDBusManager1 *manager;
	GDBusObjectManager *object_manager;
	GPtrArray *watches; /* of WbCtlWatch, in the order of Manager1.Watches */

	/* the D-Bus name of the last remote error, for the --json error document */
	gchar *dbus_error;
	/* a watch that an error is about, for the --json error document */
	WbCtlWatch *error_watch;
	/* the command printed its --json document although it fails (doctor): no error document */
	gboolean json_printed;
} WbCtl;

/* wb-ctl.c */
WbCtlExit wb_ctl_run(gint argc, gchar **argv, GString *out, GString *err);
gboolean wb_ctl_show_help(WbCtl *ctl, gchar **words, GError **error);
gboolean wb_ctl_check_timeout(WbCtl *ctl, gdouble fallback, GError **error);

/* wb-ctl-bus.c */
gboolean wb_ctl_connect(WbCtl *ctl, GError **error);
gboolean wb_ctl_load_watches(WbCtl *ctl, GError **error);
WbCtlWatch *wb_ctl_find_watch(WbCtl *ctl, const gchar *spec, GError **error);
void wb_ctl_translate_error(WbCtl *ctl, GError **error, const WbCtlWatch *watch,
			    const gchar *action);

/* wb-ctl-output.c */
void wb_ctl_print(WbCtl *ctl, const gchar *format, ...) G_GNUC_PRINTF(2, 3);
void wb_ctl_printerr(WbCtl *ctl, const gchar *format, ...) G_GNUC_PRINTF(2, 3);
void wb_ctl_progress(WbCtl *ctl, const gchar *format, ...) G_GNUC_PRINTF(2, 3);
gchar *wb_ctl_style(const WbCtl *ctl, WbCtlStyle style, const gchar *text);
gchar *wb_ctl_style_state(const WbCtl *ctl, const gchar *state);
gchar *wb_ctl_format_rtt(guint64 rtt_us);
gchar *wb_ctl_format_ago(gint64 seconds);
gchar *wb_ctl_format_when(guint64 unix_seconds, gint64 now);
void wb_ctl_print_watch(WbCtl *ctl, const WbCtlWatch *watch, const gchar *ping);
gchar *wb_ctl_format_link(const WbCtlWatch *watch);
gboolean wb_ctl_use_utf8(void);
void wb_ctl_json_add_watch(JsonBuilder *builder, const WbCtlWatch *watch);
void wb_ctl_print_json(WbCtl *ctl, JsonBuilder *builder);

/* wb-ctl-commands.c */

/**
 * WbCtlOption:
 *
 * Options a command accepts besides the global ones; see wb_ctl_command_entries().
 */
typedef enum {
	WB_CTL_OPTION_COUNT = 1 << 0,
	WB_CTL_OPTION_TIMEOUT = 1 << 1,
	WB_CTL_OPTION_NO_PING = 1 << 2,
	WB_CTL_OPTION_DAYS = 1 << 3,
	WB_CTL_OPTION_RANGE = 1 << 4,
	WB_CTL_OPTION_HOURLY = 1 << 5,
	WB_CTL_OPTION_FORMAT = 1 << 6,
	WB_CTL_OPTION_OUTPUT = 1 << 7,
	WB_CTL_OPTION_SCAN_TIMEOUT = 1 << 8,
	WB_CTL_OPTION_PAIR_TIMEOUT = 1 << 9,
	WB_CTL_OPTION_NO_WAIT = 1 << 10,
} WbCtlOption;

typedef gboolean (*WbCtlCommandFunc)(WbCtl *ctl, gchar **args, GError **error);

gboolean wb_ctl_wait_connected(WbCtl *ctl, const WbCtlWatch *watch, gdouble seconds,
			       GError **error);
gboolean wb_ctl_connect_watch(WbCtl *ctl, const WbCtlWatch *watch, GError **error);

/* wb-ctl-bluetooth.c */
gboolean wb_ctl_is_bluetooth_address(const gchar *s);
WbCtlWatch *wb_ctl_find_bluetooth_watch(WbCtl *ctl, const gchar *address, GError **error);
void wb_ctl_translate_bluetooth_error(WbCtl *ctl, GError **error, const WbCtlWatch *watch,
				      const gchar *action, const gchar *address);
gboolean wb_ctl_connect_address(WbCtl *ctl, const gchar *address, GError **error);
void wb_ctl_print_bluetooth_state(WbCtl *ctl);
gboolean wb_ctl_cmd_scan(WbCtl *ctl, gchar **args, GError **error);
gboolean wb_ctl_cmd_pair(WbCtl *ctl, gchar **args, GError **error);
gboolean wb_ctl_cmd_doctor(WbCtl *ctl, gchar **args, GError **error);

/* wb-ctl-notify.c */
gboolean wb_ctl_cmd_notify(WbCtl *ctl, gchar **args, GError **error);
gboolean wb_ctl_cmd_notifications_log(WbCtl *ctl, gchar **args, GError **error);

/**
 * WbCtlCommand:
 * @name: one or more words, e.g. "time sync"
 * @args: the positional arguments for the usage line, e.g. "[WATCH]"
 * @summary: one line of help
 * @description: (nullable): more help, shown by `wearctl help CMD`
 * @options: the #WbCtlOption flags it takes
 * @min_args: positional arguments it needs
 * @max_args: positional arguments it takes
 * @needs_daemon: whether it talks to wearbridged
 * @func: runs the command
 *
 * One entry of the command table.
 */
typedef struct {
	const gchar *name;
	const gchar *args;
	const gchar *summary;
	const gchar *description;
	guint options;
	guint min_args;
	guint max_args;
	gboolean needs_daemon;
	WbCtlCommandFunc func;
} WbCtlCommand;

/* wb-ctl-health.c */
gboolean wb_ctl_cmd_health_steps(WbCtl *ctl, gchar **args, GError **error);
gboolean wb_ctl_cmd_health_sleep(WbCtl *ctl, gchar **args, GError **error);
gboolean wb_ctl_cmd_health_hr(WbCtl *ctl, gchar **args, GError **error);
gboolean wb_ctl_cmd_health_export(WbCtl *ctl, gchar **args, GError **error);
gboolean wb_ctl_cmd_health_sync(WbCtl *ctl, gchar **args, GError **error);
gboolean wb_ctl_cmd_health_reprocess(WbCtl *ctl, gchar **args, GError **error);
void wb_ctl_health_clear(WbCtl *ctl);

const WbCtlCommand *wb_ctl_commands(gsize *n_commands);
const WbCtlCommand *wb_ctl_command_find(gchar **words, guint *n_words);
GArray *wb_ctl_command_entries(WbCtl *ctl, const WbCtlCommand *command);

G_END_DECLS
