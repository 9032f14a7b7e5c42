/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A desktop notification as a watch notification: pure, so it is tested byte for byte. The
 * mapping follows what real PebbleOS firmware does with each attribute
 * (reference/pebbleos-rendering.md §7) and is written up in docs/notifications.md.
 */
#include <string.h>

#include "wb-error.h"
#include "wb-notification-map.h"

/* ---- text ---- */

static gboolean
decode_entity(const gchar *p, gsize *out_len, GString *out)
{
	static const struct {
		const gchar *name;
		const gchar *text;
	} named[] = {{"amp;", "&"},   {"lt;", "<"},   {"gt;", ">"},
		     {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", " "}};

	for (guint i = 0; i < G_N_ELEMENTS(named); i++) {
		gsize n = strlen(named[i].name);
		if (strncmp(p, named[i].name, n) == 0) {
			g_string_append(out, named[i].text);
			*out_len = n;
			return TRUE;
		}
	}
	if (p[0] == '#') {
		const gchar *q = p + 1;
		gboolean hex = *q == 'x' || *q == 'X';
		guint64 v = 0;
		gsize digits = 0;
		if (hex)
			q++;
		while (digits < 8 && (hex ? g_ascii_isxdigit(*q) : g_ascii_isdigit(*q))) {
			v = v * (hex ? 16 : 10) +
			    (guint64)(hex ? g_ascii_xdigit_value(*q) : *q - '0');
			q++;
			digits++;
		}
		if (digits > 0 && *q == ';' && v > 0 && v <= 0x10FFFF &&
		    g_unichar_validate((gunichar)v)) {
			g_string_append_unichar(out, (gunichar)v);
			*out_len = (gsize)(q + 1 - p);
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * wb_notification_clean_text:
 * @text: (nullable): untrusted text from a notification
 * @markup: whether @text may carry the notification spec's body markup
 *
 * Makes text read well on the wrist: valid UTF-8; markup tags removed and entities decoded
 * (only when @markup); tabs and other control characters become spaces (the watch drops
 * tabs); CR LF becomes LF; runs of blank lines collapse to one; leading and trailing white
 * space is trimmed.
 *
 * Returns: (transfer full): the clean text, possibly empty
 */
gchar *
wb_notification_clean_text(const gchar *text, gboolean markup)
{
	g_autofree gchar *valid = NULL;
	g_autoptr(GString) a = NULL;
	g_autoptr(GString) b = NULL;
	guint newlines = 0;

	if (text == NULL)
		return g_strdup("");
	valid = g_utf8_make_valid(text, -1);
	a = g_string_sized_new(strlen(valid));
	for (const gchar *p = valid; *p != '\0';) {
		gsize n = 0;
		if (markup && *p == '<' && (g_ascii_isalpha(p[1]) || p[1] == '/' || p[1] == '!')) {
			/* a tag ends within a bounded distance; scanning the rest of a huge body
			 * for every '<' would be quadratic */
			const gchar *end = p + 1;
			while (*end != '\0' && *end != '>' && end - p < 1024)
				end++;
			if (*end == '>') {
				/* a line break tag keeps its line break */
				if (g_ascii_strncasecmp(p, "<br", 3) == 0)
					g_string_append_c(a, '\n');
				p = end + 1;
				continue;
			}
		}
		if (markup && *p == '&' && decode_entity(p + 1, &n, a)) {
			p += 1 + n;
			continue;
		}
		g_string_append_c(a, *p);
		p++;
	}

	/* control characters, CR LF, blank-line runs */
	b = g_string_sized_new(a->len);
	for (const gchar *p = a->str; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\n' || c == '\r') {
			if (++newlines <= 2)
				g_string_append_c(b, '\n');
			continue;
		}
		if (c == 0x2028 || c == 0x2029) {
			if (++newlines <= 2)
				g_string_append_c(b, '\n');
			continue;
		}
		/* the watch drops tabs: every other control character becomes a space */
		if (g_unichar_iscntrl(c) || c == 0xFEFF)
			c = ' ';
		/* spaces after a line break would indent the next line */
		if (c == ' ' && newlines > 0)
			continue;
		newlines = 0;
		g_string_append_unichar(b, c);
	}
	return g_strstrip(g_string_free(g_steal_pointer(&b), FALSE));
}

/**
 * wb_notification_truncate:
 * @text: valid UTF-8
 * @max_bytes: the field's limit on the watch
 *
 * Returns: (transfer full): @text, or its longest prefix that fits with "…" on a character
 *   boundary (trailing white space before the ellipsis is dropped)
 */
gchar *
wb_notification_truncate(const gchar *text, gsize max_bytes)
{
	static const gchar ellipsis[] = "…"; /* 3 bytes */
	gsize len = strlen(text);
	gsize cut;
	g_autoptr(GString) out = NULL;

	if (len <= max_bytes)
		return g_strdup(text);
	if (max_bytes < sizeof(ellipsis) - 1)
		return g_strndup(text, wb_utf8_truncate_len(text, max_bytes));
	cut = wb_utf8_truncate_len(text, max_bytes - (sizeof(ellipsis) - 1));
	while (cut > 0 && g_ascii_isspace(text[cut - 1]))
		cut--;
	out = g_string_new_len(text, (gssize)cut);
	g_string_append(out, ellipsis);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* ---- icons ---- */

typedef struct {
	const gchar *match; /* substring of the app id (lower case), or "cat:" + category prefix */
	guint32 icon;
} IconRule;

/* The first rule that matches wins; see docs/notifications.md. */
static const IconRule icon_rules[] = {
	{"cat:email", WB_TIMELINE_ICON_GENERIC_EMAIL},
	{"cat:im", WB_TIMELINE_ICON_GENERIC_SMS},
	{"cat:call.incoming", WB_TIMELINE_ICON_INCOMING_PHONE_CALL},
	{"cat:call.unanswered", WB_TIMELINE_ICON_TIMELINE_MISSED_CALL},
	{"cat:call", WB_TIMELINE_ICON_DURING_PHONE_CALL},
	{"cat:x-gnome.calendar", WB_TIMELINE_ICON_TIMELINE_CALENDAR},
	{"cat:calendar", WB_TIMELINE_ICON_TIMELINE_CALENDAR},
	{"cat:transfer.complete", WB_TIMELINE_ICON_GENERIC_CONFIRMATION},
	{"cat:transfer.error", WB_TIMELINE_ICON_GENERIC_WARNING},
	{"cat:device.error", WB_TIMELINE_ICON_GENERIC_WARNING},
	{"cat:network.error", WB_TIMELINE_ICON_CHECK_INTERNET_CONNECTION},
	{"slack", WB_TIMELINE_ICON_NOTIFICATION_SLACK},
	{"telegram", WB_TIMELINE_ICON_NOTIFICATION_TELEGRAM},
	{"whatsapp", WB_TIMELINE_ICON_NOTIFICATION_WHATSAPP},
	{"skype", WB_TIMELINE_ICON_NOTIFICATION_SKYPE},
	{"outlook", WB_TIMELINE_ICON_NOTIFICATION_OUTLOOK},
	{"thunderbird", WB_TIMELINE_ICON_GENERIC_EMAIL},
	{"evolution", WB_TIMELINE_ICON_GENERIC_EMAIL},
	{"geary", WB_TIMELINE_ICON_GENERIC_EMAIL},
	{"mail", WB_TIMELINE_ICON_GENERIC_EMAIL},
	{"calendar", WB_TIMELINE_ICON_TIMELINE_CALENDAR},
	{"signal", WB_TIMELINE_ICON_GENERIC_SMS},
	{"element", WB_TIMELINE_ICON_GENERIC_SMS},
	{"discord", WB_TIMELINE_ICON_GENERIC_SMS},
	{"chat", WB_TIMELINE_ICON_GENERIC_SMS},
	{"polari", WB_TIMELINE_ICON_GENERIC_SMS},
	{"spotify", WB_TIMELINE_ICON_AUDIO_CASSETTE},
	{"rhythmbox", WB_TIMELINE_ICON_AUDIO_CASSETTE},
	{"lollypop", WB_TIMELINE_ICON_AUDIO_CASSETTE},
	{"clocks", WB_TIMELINE_ICON_ALARM_CLOCK},
	{"alarm", WB_TIMELINE_ICON_ALARM_CLOCK},
	{"weather", WB_TIMELINE_ICON_TIMELINE_WEATHER},
	{"settings", WB_TIMELINE_ICON_SETTINGS},
};

/* Names callers of SendNotification may use for "icon". */
static const struct {
	const gchar *name;
	guint32 icon;
} icon_names[] = {
	{"email", WB_TIMELINE_ICON_GENERIC_EMAIL},
	{"chat", WB_TIMELINE_ICON_GENERIC_SMS},
	{"sms", WB_TIMELINE_ICON_GENERIC_SMS},
	{"calendar", WB_TIMELINE_ICON_TIMELINE_CALENDAR},
	{"call", WB_TIMELINE_ICON_INCOMING_PHONE_CALL},
	{"missed-call", WB_TIMELINE_ICON_TIMELINE_MISSED_CALL},
	{"warning", WB_TIMELINE_ICON_GENERIC_WARNING},
	{"confirmation", WB_TIMELINE_ICON_GENERIC_CONFIRMATION},
	{"alarm", WB_TIMELINE_ICON_ALARM_CLOCK},
	{"music", WB_TIMELINE_ICON_AUDIO_CASSETTE},
	{"weather", WB_TIMELINE_ICON_TIMELINE_WEATHER},
	{"settings", WB_TIMELINE_ICON_SETTINGS},
	{"heart", WB_TIMELINE_ICON_HEART},
	{"reminder", WB_TIMELINE_ICON_NOTIFICATION_REMINDER},
	{"flag", WB_TIMELINE_ICON_NOTIFICATION_FLAG},
};

/**
 * wb_notification_icon_for:
 * @n: a notification
 *
 * Returns: the system icon id for @n (without the system flag), or 0 for the default bell
 */
guint32
wb_notification_icon_for(const WbDesktopNotification *n)
{
	g_autofree gchar *app = g_ascii_strdown(n->app_id != NULL ? n->app_id : "", -1);
	g_autofree gchar *category = g_ascii_strdown(n->category != NULL ? n->category : "", -1);

	if (n->source == WB_DESKTOP_SOURCE_API) {
		for (guint i = 0; i < G_N_ELEMENTS(icon_names); i++) {
			if (g_strcmp0(n->icon, icon_names[i].name) == 0)
				return icon_names[i].icon;
		}
		return 0;
	}
	for (guint i = 0; i < G_N_ELEMENTS(icon_rules); i++) {
		const gchar *m = icon_rules[i].match;
		if (g_str_has_prefix(m, "cat:")) {
			if (*category != '\0' && g_str_has_prefix(category, m + 4))
				return icon_rules[i].icon;
		} else if (*app != '\0' && strstr(app, m) != NULL) {
			return icon_rules[i].icon;
		}
	}
	return 0;
}

/**
 * wb_notification_app_display_name:
 * @n: a notification
 *
 * Returns: (transfer none): the name to show for the app: the app name, else the last
 *   element of the app id ("org.gnome.Evolution" → "Evolution"), else ""
 */
const gchar *
wb_notification_app_display_name(const WbDesktopNotification *n)
{
	const gchar *dot;

	/* an app name that is just the app id (no desktop entry) reads better shortened */
	if (n->app_name != NULL && *n->app_name != '\0' && g_strcmp0(n->app_name, n->app_id) != 0)
		return n->app_name;
	if (n->app_id == NULL)
		return "";
	dot = strrchr(n->app_id, '.');
	return dot != NULL && dot[1] != '\0' ? dot + 1 : n->app_id;
}

static void
add_text(WbTimelineItem *item, WbTimelineAttributeId id, const gchar *raw, gboolean markup,
	 gsize max)
{
	g_autofree gchar *clean = wb_notification_clean_text(raw, markup);
	g_autofree gchar *cut = NULL;

	/* a zero-length attribute counts as absent on the watch; leave it out */
	if (*clean == '\0')
		return;
	cut = wb_notification_truncate(clean, max);
	wb_timeline_item_add_string(item, id, cut);
}

static WbTimelineAction *
labelled_action(guint8 id, WbTimelineActionType type, const gchar *label)
{
	WbTimelineAction *action = wb_timeline_action_new(id, type);
	g_autofree gchar *clean = wb_notification_clean_text(label, FALSE);
	g_autofree gchar *cut = wb_notification_truncate(*clean != '\0' ? clean : "Action",
							 WB_NOTIFICATION_LABEL_MAX);
	wb_timeline_action_add_string(action, WB_TIMELINE_ATTR_TITLE, cut);
	return action;
}

static const WbDesktopAction *
find_action(const WbDesktopNotification *n, const gchar *id)
{
	for (guint i = 0; n->actions != NULL && i < n->actions->len; i++) {
		const WbDesktopAction *a = g_ptr_array_index(n->actions, i);
		if (g_strcmp0(a->id, id) == 0)
			return a;
	}
	return NULL;
}

/**
 * wb_notification_map:
 * @n: the desktop notification
 * @id: the item id (also the BlobDB key)
 * @options: what to include
 * @out: (out caller-allocates): the timeline item; clear it with wb_timeline_item_clear()
 * @error: return location for a #GError
 *
 * Maps a desktop notification to a watch notification (docs/notifications.md): Title = the
 * app, Subtitle = the summary, Body = the cleaned body, a system TinyIcon where one fits,
 * Dismiss first, then Reply with canned replies (API), then each action that can be carried
 * out as a Generic action.
 *
 * Returns: %TRUE
 */
gboolean
wb_notification_map(const WbDesktopNotification *n, const WbUuid *id,
		    const WbNotificationMapOptions *options, WbTimelineItem *out, GError **error)
{
	WbUuid parent;
	guint32 icon = wb_notification_icon_for(n);
	guint n_actions = 0;

	memset(out, 0, sizeof(*out));
	(void)wb_uuid_parse(WB_NOTIFICATION_PARENT_UUID, &parent);
	out->id = *id;
	out->parent_id = parent;
	out->timestamp = (guint32)CLAMP(n->timestamp_us / G_USEC_PER_SEC, 0, G_MAXUINT32);
	out->type = WB_TIMELINE_ITEM_TYPE_NOTIFICATION;
	out->flags = WB_TIMELINE_FLAG_VISIBLE;
	out->status = 0; /* must be 0 for a new notification (§3.5) */
	out->layout = WB_TIMELINE_LAYOUT_NOTIFICATION;

	/* AppName (30) would repeat the app above the title: the app is the Title instead */
	add_text(out, WB_TIMELINE_ATTR_TITLE, wb_notification_app_display_name(n), FALSE,
		 WB_NOTIFICATION_TITLE_MAX);
	add_text(out, WB_TIMELINE_ATTR_SUBTITLE, n->summary, FALSE, WB_NOTIFICATION_TITLE_MAX);
	if (options == NULL || !options->privacy)
		add_text(out, WB_TIMELINE_ATTR_BODY, n->body, n->source == WB_DESKTOP_SOURCE_FDO,
			 WB_NOTIFICATION_BODY_MAX);
	if (icon != 0)
		wb_timeline_item_add_u32(out, WB_TIMELINE_ATTR_TINY_ICON,
					 WB_TIMELINE_SYSTEM_ICON(icon));

	wb_timeline_item_add_action(out,
				    labelled_action(WB_NOTIFICATION_ACTION_DISMISS,
						    WB_TIMELINE_ACTION_TYPE_DISMISS, "Dismiss"));
	if (n->canned_replies != NULL && n->canned_replies->len > 0) {
		WbTimelineAction *reply = labelled_action(
			WB_NOTIFICATION_ACTION_REPLY, WB_TIMELINE_ACTION_TYPE_RESPONSE, "Reply");
		g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func(g_free);
		for (guint i = 0; i < n->canned_replies->len && i < WB_NOTIFICATION_MAX_REPLIES;
		     i++) {
			g_autofree gchar *clean = wb_notification_clean_text(
				g_ptr_array_index(n->canned_replies, i), FALSE);
			/* the list is NUL-separated: a reply cannot be empty */
			if (*clean != '\0')
				g_ptr_array_add(replies, wb_notification_truncate(
								 clean, WB_NOTIFICATION_LABEL_MAX));
		}
		g_ptr_array_add(replies, NULL);
		if (replies->len > 1)
			wb_timeline_action_add_string_list(reply, WB_TIMELINE_ATTR_CANNED_RESPONSES,
							   (const gchar *const *)replies->pdata);
		wb_timeline_item_add_action(out, reply);
	}
	for (guint i = 0; options != NULL && options->actions != NULL && i < options->actions->len;
	     i++) {
		const gchar *action_id = g_ptr_array_index(options->actions, i);
		const WbDesktopAction *a = find_action(n, action_id);
		if (a == NULL || n_actions >= WB_NOTIFICATION_MAX_ACTIONS)
			continue;
		wb_timeline_item_add_action(
			out, labelled_action((guint8)(WB_NOTIFICATION_ACTION_FIRST + i),
					     WB_TIMELINE_ACTION_TYPE_GENERIC, a->label));
		n_actions++;
	}
	return TRUE;
}

/**
 * wb_notification_map_to_bytes:
 * @n: the desktop notification
 * @id: the item id
 * @options: what to include
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the encoded timeline item, the BlobDB value
 */
GBytes *
wb_notification_map_to_bytes(const WbDesktopNotification *n, const WbUuid *id,
			     const WbNotificationMapOptions *options, GError **error)
{
	g_auto(WbTimelineItem) item = {0};
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (!wb_notification_map(n, id, options, &item, error))
		return NULL;
	if (!wb_timeline_item_encode(&item, out, error))
		return NULL;
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}
