/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The desktop → watch mapping, byte for byte (docs/notifications.md).
 */
#include <string.h>

#include "wb-notification-map.h"
#include "wb-notification-service.h"
#include "wb-test-util.h"

/* fields start as "" (wb_desktop_notification_new); replace without leaking */
#define SET(field, value) (g_free(field), (field) = g_strdup(value))

static WbDesktopNotification *
email(void)
{
	WbDesktopNotification *n = wb_desktop_notification_new(WB_DESKTOP_SOURCE_FDO);
	SET(n->key, "fdo:7");
	SET(n->app_id, "org.mozilla.Thunderbird");
	SET(n->app_name, "Thunderbird");
	SET(n->summary, "Ada Lovelace");
	SET(n->body, "<b>Line one</b>\r\n\tLine &amp; two\n\n\n");
	SET(n->category, "email.arrived");
	n->urgency = 1;
	n->timestamp_us = G_GINT64_CONSTANT(1764324000) * G_USEC_PER_SEC;
	wb_desktop_notification_add_action(n, "archive", "Archive", NULL);
	wb_desktop_notification_add_action(n, "spam", "Spam", NULL);
	return n;
}

/* golden: computed independently in Python from the mapping in docs/notifications.md and the
 * TimelineItem layout of reference §3.5 (FW timeline/item.h): Title = app, Subtitle = summary,
 * Body = cleaned body, TinyIcon = 0x80000013 (email), Dismiss (0x04) id 0, Generic "Archive"
 * id 2 (the only action allowed), parent ed429c16-… */
static const gchar *email_golden =
	"000102030405060708090a0b0c0d0e0fed429c16f674422095da454f303f15e2"
	"a072296900000101000454000402010b005468756e64657262697264020c0041"
	"6461204c6f76656c6163650313004c696e65206f6e650a4c696e652026207477"
	"6f040400130000800004010107004469736d6973730202010107004172636869"
	"7665";

static void
test_email_golden(void)
{
	g_autoptr(WbDesktopNotification) n = email();
	g_autoptr(GPtrArray) allowed = g_ptr_array_new();
	g_autoptr(GBytes) bytes = NULL;
	WbNotificationMapOptions options = {.actions = allowed};
	WbUuid id;

	for (guint i = 0; i < 16; i++)
		id.b[i] = (guint8)i;
	g_ptr_array_add(allowed, "archive");
	bytes = wb_notification_map_to_bytes(n, &id, &options, NULL);
	g_assert_nonnull(bytes);
	wb_assert_hex(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), email_golden);
}

static void
test_privacy(void)
{
	g_autoptr(WbDesktopNotification) n = email();
	WbNotificationMapOptions options = {.privacy = TRUE};
	g_auto(WbTimelineItem) item = {0};
	WbUuid id = {{0}};

	g_assert_true(wb_notification_map(n, &id, &options, &item, NULL));
	g_assert_null(wb_timeline_item_find_attribute(&item, WB_TIMELINE_ATTR_BODY));
	g_assert_nonnull(wb_timeline_item_find_attribute(&item, WB_TIMELINE_ATTR_SUBTITLE));
	/* no allowed actions: only Dismiss */
	g_assert_cmpuint(item.actions->len, ==, 1);
}

static void
test_clean_text(void)
{
	struct {
		const gchar *in;
		gboolean markup;
		const gchar *out;
	} cases[] = {
		{"<b>bold</b> &lt;tag&gt; &amp; &#8364; &#x263A;", TRUE, "bold <tag> & € ☺"},
		{"<b>bold</b>", FALSE, "<b>bold</b>"},
		{"a\tb", FALSE, "a b"},
		{"a\r\nb", FALSE, "a\nb"},
		{"a\n\n\n\n\nb", FALSE, "a\n\nb"},
		{"  x  ", FALSE, "x"},
		{"line<br/>next", TRUE, "line\nnext"},
		{"1 < 2 & 3 > 2", TRUE, "1 < 2 & 3 > 2"},
		{"&bogus; &#0; &#xFFFFFFFF;", TRUE, "&bogus; &#0; &#xFFFFFFFF;"},
		{"\xff\xfe ok", FALSE, "\xef\xbf\xbd\xef\xbf\xbd ok"},
		{NULL, FALSE, ""},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *got = wb_notification_clean_text(cases[i].in, cases[i].markup);
		g_assert_cmpstr(got, ==, cases[i].out);
	}
}

static void
test_truncate(void)
{
	g_autofree gchar *a = wb_notification_truncate("short", 64);
	g_autofree gchar *long_text = g_strnfill(100, 'x');
	g_autofree gchar *b = wb_notification_truncate(long_text, 64);
	/* 30 × "中" (3 bytes each): cut on a character boundary, then "…" */
	g_autoptr(GString) cjk = g_string_new(NULL);
	g_autofree gchar *c = NULL;

	g_assert_cmpstr(a, ==, "short");
	g_assert_cmpuint(strlen(b), ==, 64);
	g_assert_true(g_str_has_suffix(b, "…"));
	for (guint i = 0; i < 30; i++)
		g_string_append(cjk, "中");
	c = wb_notification_truncate(cjk->str, 64);
	g_assert_true(g_utf8_validate(c, -1, NULL));
	g_assert_cmpuint(strlen(c), <=, 64);
	g_assert_cmpuint(strlen(c), ==, 20 * 3 + 3);
	g_assert_true(g_str_has_suffix(c, "…"));
}

static void
test_hostile(void)
{
	/* huge body, invalid UTF-8, markup, 100 actions, empty summary: bounded and sensible */
	g_autoptr(WbDesktopNotification) n = wb_desktop_notification_new(WB_DESKTOP_SOURCE_FDO);
	g_autoptr(GPtrArray) allowed = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) body = g_string_new(NULL);
	g_autoptr(GBytes) bytes = NULL;
	g_auto(WbTimelineItem) item = {0};
	WbNotificationMapOptions options = {.actions = allowed};
	WbUuid id = {{0}};
	const WbTimelineAttribute *a;
	g_autofree gchar *text = NULL;

	for (guint i = 0; i < 100000; i++)
		g_string_append(body, "<i>w\xc3</i> ");
	SET(n->body, body->str);
	SET(n->summary, "");
	SET(n->app_id, "weird.app");
	for (guint i = 0; i < 100; i++) {
		g_autofree gchar *aid = g_strdup_printf("a%u", i);
		g_autofree gchar *label = g_strnfill(200, 'L');
		wb_desktop_notification_add_action(n, aid, label, NULL);
		g_ptr_array_add(allowed, g_strdup(aid));
	}
	bytes = wb_notification_map_to_bytes(n, &id, &options, NULL);
	g_assert_nonnull(bytes);
	g_assert_cmpuint(g_bytes_get_size(bytes), <, 2044 - 30);
	g_assert_true(wb_notification_map(n, &id, &options, &item, NULL));
	g_assert_null(wb_timeline_item_find_attribute(&item, WB_TIMELINE_ATTR_SUBTITLE));
	a = wb_timeline_item_find_attribute(&item, WB_TIMELINE_ATTR_TITLE);
	text = wb_timeline_attribute_dup_string(a);
	g_assert_cmpstr(text, ==, "app");
	a = wb_timeline_item_find_attribute(&item, WB_TIMELINE_ATTR_BODY);
	g_assert_cmpuint(g_bytes_get_size(a->value), <=, WB_NOTIFICATION_BODY_MAX);
	g_assert_cmpuint(item.actions->len, ==, 1 + WB_NOTIFICATION_MAX_ACTIONS);
}

static void
test_icons(void)
{
	g_autoptr(WbDesktopNotification) n = wb_desktop_notification_new(WB_DESKTOP_SOURCE_FDO);
	g_assert_cmpuint(wb_notification_icon_for(n), ==, 0);
	SET(n->app_id, "com.slack.Slack");
	g_assert_cmpuint(wb_notification_icon_for(n), ==, WB_TIMELINE_ICON_NOTIFICATION_SLACK);
	SET(n->category, "im.received");
	/* a category says more than a name */
	g_assert_cmpuint(wb_notification_icon_for(n), ==, WB_TIMELINE_ICON_GENERIC_SMS);
	n->source = WB_DESKTOP_SOURCE_API;
	SET(n->icon, "calendar");
	g_assert_cmpuint(wb_notification_icon_for(n), ==, WB_TIMELINE_ICON_TIMELINE_CALENDAR);
}

static void
test_serialize_round_trip(void)
{
	g_autoptr(WbDesktopNotification) n = email();
	g_autoptr(GVariant) v = g_variant_ref_sink(wb_desktop_notification_serialize(n));
	g_autoptr(WbDesktopNotification) back = wb_desktop_notification_deserialize(v);

	g_assert_cmpstr(back->key, ==, "fdo:7");
	g_assert_cmpstr(back->app_id, ==, n->app_id);
	g_assert_cmpuint(back->actions->len, ==, 2);
	g_assert_cmpstr(((WbDesktopAction *)g_ptr_array_index(back->actions, 1))->label, ==,
			"Spam");
	/* a hostile stored blob (wrong types) gives an empty notification, not a crash */
	{
		g_autoptr(GVariant) bad = g_variant_ref_sink(g_variant_new_parsed(
			"{'source': <'x'>, 'action_ids': <['a']>, "
			"'action_labels': <@as []>, 'action_targets': <@av []>}"));
		g_autoptr(WbDesktopNotification) e = wb_desktop_notification_deserialize(bad);
		g_assert_true(e->key == NULL || *e->key == '\0');
		g_assert_cmpuint(e->actions != NULL ? e->actions->len : 0, ==, 0);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/notification-map/email-golden", test_email_golden);
	g_test_add_func("/wearbridge/notification-map/privacy", test_privacy);
	g_test_add_func("/wearbridge/notification-map/clean-text", test_clean_text);
	g_test_add_func("/wearbridge/notification-map/truncate", test_truncate);
	g_test_add_func("/wearbridge/notification-map/hostile", test_hostile);
	g_test_add_func("/wearbridge/notification-map/icons", test_icons);
	g_test_add_func("/wearbridge/notification-map/serialize", test_serialize_round_trip);
	return g_test_run();
}
