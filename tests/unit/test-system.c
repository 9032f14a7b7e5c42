/*
 * Copyright 2026 The wearbridge authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "wb-system.h"
#include "wb-test-util.h"

/* Every prefix shorter than @hex must fail to decode with an error, never crash. */
typedef gboolean (*DecodeFn)(const guint8 *buf, gsize len, gpointer out, GError **error);

static void
assert_every_truncation_fails(const gchar *hex, DecodeFn fn, gsize min_ok, gsize out_size,
			      GDestroyNotify clear)
{
	g_autoptr(GByteArray) b = wb_test_hex(hex);
	for (gsize n = 0; n < b->len; n++) {
		g_autoptr(GError) error = NULL;
		g_autofree guint8 *copy = g_memdup2(b->data, n);
		g_autofree gpointer out = g_malloc0(out_size);
		gboolean ok = fn(copy, n, out, &error);
		if (ok) {
			/* only prefixes that end at an optional field may decode */
			g_assert_cmpuint(n, >=, min_ok);
			if (clear != NULL)
				clear(out);
		} else {
			g_assert_nonnull(error);
			g_assert_true(error->domain == WB_PROTO_ERROR);
		}
	}
}

/* golden: PhoneAppVersion response layout per FW comm_session/session_remote_version.c;
 * the constant fields as libpebble2 and Gadgetbridge send them (protocol_version 0xffffffff),
 * caps little-endian as FW/LP3/GB do (reference §2.3, §14 #1). */
static const gchar *pav_hex = "01 ffffffff 00000000 00000082 02 04 04 00 0f40000000000000";

static void
test_phone_app_version(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) b = wb_test_hex(pav_hex);
	WbPhoneAppVersion m, d;

	wb_phone_app_version_init_wearbridge(&m);
	g_assert_true(wb_phone_app_version_encode(&m, out, NULL));
	g_assert_cmpuint(out->len, ==, 25);
	wb_assert_hex(out->data, out->len, pav_hex);
	g_assert_cmpuint(m.platform_flags & WB_PLATFORM_FLAG_OS_MASK, ==, WB_PHONE_OS_ANDROID);

	g_assert_true(wb_phone_app_version_decode(b->data, b->len, &d, NULL));
	g_assert_true(d.has_protocol_caps);
	g_assert_cmpuint(d.protocol_caps, ==, WB_CAP_WEARBRIDGE);
	g_assert_cmpuint(d.response_version, ==, 2);
	g_assert_cmpuint(d.major, ==, 4);

	/* a V1 response (12 bytes after the command) is valid, partial V2 is not */
	g_assert_true(wb_phone_app_version_decode(b->data, 13, &d, NULL));
	g_assert_false(d.has_protocol_caps);
	g_assert_false(wb_phone_app_version_decode(b->data, 15, &d, NULL));
	/* the FW's 2-byte caps enum */
	g_assert_true(wb_phone_app_version_decode(b->data, 19, &d, NULL));
	g_assert_cmpuint(d.protocol_caps, ==, 0x400f);
	/* more than 8 capability bytes */
	g_byte_array_append(b, (const guint8 *)"x", 1);
	g_assert_false(wb_phone_app_version_decode(b->data, b->len, &d, NULL));
	b->data[0] = 0x00;
	g_assert_false(wb_phone_app_version_decode(b->data, 25, &d, NULL));
}

static void
test_requests(void)
{
	/* golden: the firmware's first frame `00 01 00 11 00` and LP3's `00 01 00 10 00` (§2.1) */
	g_autoptr(GByteArray) out = g_byte_array_new();
	const guint8 zero[] = {0x00}, one[] = {0x01}, two[] = {0x00, 0x00};

	g_assert_true(wb_phone_app_version_request_encode(out, NULL));
	g_assert_true(wb_watch_version_request_encode(out, NULL));
	wb_assert_hex(out->data, out->len, "00 00");
	g_assert_true(wb_phone_app_version_request_decode(zero, 1, NULL));
	g_assert_true(wb_watch_version_request_decode(zero, 1, NULL));
	g_assert_false(wb_watch_version_request_decode(one, 1, NULL));
	g_assert_false(wb_watch_version_request_decode(two, 2, NULL));
	g_assert_false(wb_watch_version_request_decode(zero, 0, NULL));
}

/* golden: layout per FW kernel/system_versions.c and firmware_metadata.h, field by field as
 * libpebble2 protocol/system.py WatchVersionResponse reads it (reference §2.6): a Pebble 2
 * (hw 0x0e, Silk PVT) on v4.4.2 with every optional tail field. */
static const gchar *wv_hex = "015a0b1c2d76342e342e32000000000000000000000000000000000000000000"
			     "00000000006131623263336400000e015900000076342e302d70726600000000"
			     "00000000000000000000000000000000000000003031323361626300010e0100"
			     "00004273696c6b0000000000513430323434354530304142efcdab8967451122"
			     "334455667788656e5f5553000001af290000000000000000010055";

static gboolean
wv_decode(const guint8 *buf, gsize len, gpointer out, GError **error)
{
	return wb_watch_version_decode(buf, len, out, error);
}

static void
wv_clear(gpointer p)
{
	wb_watch_version_clear(p);
}

static void
test_watch_version(void)
{
	g_autoptr(GByteArray) b = wb_test_hex(wv_hex);
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_auto(WbWatchVersion) v = {0};
	g_auto(WbWatchVersion) v2 = {0};
	g_autofree gchar *addr = NULL;

	g_assert_cmpuint(b->len, ==, WB_WATCH_VERSION_FULL_LEN);
	g_assert_true(wb_watch_version_decode(b->data, b->len, &v, NULL));
	g_assert_cmpuint(v.running.timestamp, ==, 0x5a0b1c2d);
	g_assert_cmpstr(v.running.version_tag, ==, "v4.4.2");
	g_assert_cmpstr(v.running.git_hash, ==, "a1b2c3d");
	g_assert_cmpuint(v.running.hw_platform, ==, 0x0e);
	g_assert_cmpint(wb_firmware_version_major(&v.running), ==, 4);
	g_assert_cmpstr(v.recovery.version_tag, ==, "v4.0-prf");
	g_assert_cmpuint(v.recovery.flags, ==, WB_FIRMWARE_FLAG_RECOVERY);
	g_assert_cmpstr(v.board, ==, "silk");
	/* the serial fills its 12 bytes without a NUL */
	g_assert_cmpstr(v.serial, ==, "Q402445E00AB");
	addr = wb_watch_version_address_to_string(&v);
	g_assert_cmpstr(addr, ==, "45:67:89:AB:CD:EF");
	g_assert_cmpstr(v.language, ==, "en_US");
	g_assert_cmpuint(v.capabilities, ==, 0x29af);
	g_assert_true(v.has_is_unfaithful && !v.is_unfaithful);
	g_assert_true(v.has_insights_version);
	g_assert_cmpuint(v.insights_version, ==, 1);
	g_assert_true(v.has_js_version);
	g_assert_cmpuint(v.js_version, ==, 0x55);
	g_assert_cmpstr(wb_hw_platform_to_platform(v.running.hw_platform), ==, "diorite");
	g_assert_cmpstr(wb_hw_platform_to_model(v.running.hw_platform), ==, "Pebble 2");

	/* round trip to the same bytes */
	g_assert_true(wb_watch_version_encode(&v, out, NULL));
	wb_assert_hex(out->data, out->len, wv_hex);

	/* optional tails: 150 (no tail), 151, 153 decode; 152 and 154 are cut fields */
	g_assert_true(wb_watch_version_decode(b->data, 150, &v2, NULL));
	g_assert_false(v2.has_is_unfaithful);
	wb_watch_version_clear(&v2);
	g_assert_true(wb_watch_version_decode(b->data, 153, &v2, NULL));
	g_assert_true(v2.has_insights_version && !v2.has_js_version);
	wb_watch_version_clear(&v2);
	g_assert_false(wb_watch_version_decode(b->data, 152, &v2, NULL));
	g_assert_false(wb_watch_version_decode(b->data, 154, &v2, NULL));
	assert_every_truncation_fails(wv_hex, wv_decode, 150, sizeof(WbWatchVersion), wv_clear);

	/* a version tag that would not be NUL-terminated is refused by the encoder */
	g_free(v.running.version_tag);
	v.running.version_tag = g_strnfill(32, 'v');
	g_byte_array_set_size(out, 0);
	g_assert_false(wb_watch_version_encode(&v, out, NULL));
	g_assert_cmpuint(out->len, ==, 0);
}

static void
test_platforms(void)
{
	g_assert_cmpstr(wb_hw_platform_to_platform(0xf6), ==, "flint");
	g_assert_cmpstr(wb_hw_platform_to_platform(11), ==, "chalk");
	g_assert_cmpstr(wb_hw_platform_to_platform(0xf2), ==, "gabbro");
	g_assert_cmpstr(wb_hw_platform_to_platform(0), ==, "unknown");
	g_assert_cmpstr(wb_hw_platform_to_model(10), ==, "Pebble Time Steel");
	g_assert_cmpstr(wb_hw_platform_to_model(8), ==, "Pebble Time");
	g_assert_cmpstr(wb_hw_platform_to_model(0xf5), ==, "Pebble Time 2 (emulator)");
}

static gboolean
time_decode(const guint8 *buf, gsize len, gpointer out, GError **error)
{
	return wb_time_message_decode(buf, len, out, error);
}

static void
time_clear(gpointer p)
{
	wb_time_message_clear(p);
}

/* golden: SetUTC per FW services/common/clock.c (reference §2.8): 2025-11-28 10:00:00 UTC,
 * +60 minutes, "Europe/Berlin" without a terminator */
static const gchar *set_utc_hex = "03 6929 72a0 003c 0d 4575726f70652f4265726c696e";

static void
test_time(void)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) b = wb_test_hex(set_utc_hex);
	g_auto(WbTimeMessage) m = {0};
	g_auto(WbTimeMessage) d = {0};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *long_zone = g_strnfill(33, 'z');
	WbTimeMessage get = {.command = WB_TIME_GET_REQUEST};
	WbTimeMessage resp = {.command = WB_TIME_GET_RESPONSE, .time = 0x692972a0};

	g_assert_true(wb_time_set_utc_init(&m, 1764324000, 3600, "Europe/Berlin", NULL));
	g_assert_true(wb_time_message_encode(&m, out, NULL));
	wb_assert_hex(out->data, out->len, set_utc_hex);
	g_assert_true(wb_time_message_decode(b->data, b->len, &d, NULL));
	g_assert_cmpuint(d.command, ==, WB_TIME_SET_UTC);
	g_assert_cmpuint(d.time, ==, 1764324000);
	g_assert_cmpint(d.utc_offset_minutes, ==, 60);
	g_assert_cmpstr(d.tz_name, ==, "Europe/Berlin");
	assert_every_truncation_fails(set_utc_hex, time_decode, G_MAXSIZE, sizeof(WbTimeMessage),
				      time_clear);
	/* the length must be exactly 8 + name length */
	g_byte_array_append(b, (const guint8 *)"x", 1);
	wb_time_message_clear(&d);
	g_assert_false(wb_time_message_decode(b->data, b->len, &d, NULL));

	/* negative offsets are signed big-endian minutes */
	wb_time_message_clear(&m);
	g_byte_array_set_size(out, 0);
	g_assert_true(wb_time_set_utc_init(&m, 1764324000, -5 * 3600, "", NULL));
	g_assert_true(wb_time_message_encode(&m, out, NULL));
	wb_assert_hex(out->data, out->len, "03 692972a0 fed4 00");

	g_byte_array_set_size(out, 0);
	g_assert_true(wb_time_message_encode(&get, out, NULL));
	g_assert_true(wb_time_message_encode(&resp, out, NULL));
	wb_assert_hex(out->data, out->len, "00 01 692972a0");

	wb_time_message_clear(&m);
	g_assert_false(wb_time_set_utc_init(&m, 1764324000, 0, long_zone, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	g_assert_false(wb_time_set_utc_init(&m, G_GINT64_CONSTANT(1) << 33, 0, NULL, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);
	g_assert_false(wb_time_set_utc_init(&m, 0, 20 * 3600, NULL, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_BAD_VALUE);
	g_clear_error(&error);

	/* a name length byte over 32 is refused before reading it */
	b = (g_byte_array_unref(b), wb_test_hex("03 00000000 0000 21"));
	g_assert_false(wb_time_message_decode(b->data, b->len, &d, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_TOO_LONG);
	g_clear_error(&error);
	b = (g_byte_array_unref(b), wb_test_hex("07"));
	g_assert_false(wb_time_message_decode(b->data, b->len, &d, &error));
	g_assert_error(error, WB_PROTO_ERROR, WB_PROTO_ERROR_UNKNOWN_TYPE);
}

static void
test_ping(void)
{
	/* golden: LP2 protocol/system.py PingPong (big-endian cookie, idle byte on ping) */
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) ping = wb_test_hex("00 0000002a 01");
	g_autoptr(GByteArray) pong = wb_test_hex("01 0000002a");
	WbPing m = {.cookie = 42, .has_idle = TRUE, .idle = TRUE};
	WbPing p = {.is_pong = TRUE, .cookie = 42};
	WbPing d;

	g_assert_true(wb_ping_encode(&m, out, NULL));
	g_assert_true(wb_ping_encode(&p, out, NULL));
	wb_assert_hex(out->data, out->len, "00 0000002a 01 01 0000002a");
	g_assert_true(wb_ping_decode(ping->data, ping->len, &d, NULL));
	g_assert_true(!d.is_pong && d.has_idle && d.idle && d.cookie == 42);
	g_assert_true(wb_ping_decode(ping->data, 5, &d, NULL));
	g_assert_false(d.has_idle);
	g_assert_true(wb_ping_decode(pong->data, pong->len, &d, NULL));
	g_assert_true(d.is_pong && d.cookie == 42);
	for (gsize n = 0; n < 5; n++)
		g_assert_false(wb_ping_decode(ping->data, n, &d, NULL));
	g_byte_array_append(pong, (const guint8 *)"x", 1);
	g_assert_false(wb_ping_decode(pong->data, pong->len, &d, NULL));
	ping->data[0] = 7;
	g_assert_false(wb_ping_decode(ping->data, ping->len, &d, NULL));
	p.has_idle = TRUE;
	g_assert_false(wb_ping_encode(&p, out, NULL));
}

static void
test_reset(void)
{
	/* golden: FW kernel/util/fw_reset.c values, not LP2's (reference §2.9, §14 #2) */
	g_autoptr(GByteArray) out = g_byte_array_new();
	const guint8 prf[] = {0xff}, lp2_prf[] = {0x03};
	WbResetKind k;

	g_assert_true(wb_reset_encode(WB_RESET_FACTORY, out, NULL));
	g_assert_true(wb_reset_encode(WB_RESET_REBOOT, out, NULL));
	wb_assert_hex(out->data, out->len, "fe 00");
	g_assert_true(wb_reset_decode(prf, 1, &k, NULL));
	g_assert_cmpuint(k, ==, WB_RESET_RECOVERY);
	g_assert_false(wb_reset_decode(lp2_prf, 1, &k, NULL));
	g_assert_false(wb_reset_decode(prf, 0, &k, NULL));
	g_assert_false(wb_reset_encode((WbResetKind)3, out, NULL));
}

static void
test_meta(void)
{
	/* golden: FW comm_session/meta_endpoint.c: unhandled endpoint 0xb2db */
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) b = wb_test_hex("dc b2db");
	const guint8 corrupted[] = {0xd0}, bad[] = {0x42};
	WbMetaError m;

	g_assert_true(wb_meta_error_decode(b->data, b->len, &m, NULL));
	g_assert_cmpuint(m.code, ==, WB_META_UNHANDLED_ENDPOINT);
	g_assert_cmpuint(m.endpoint, ==, 0xb2db);
	g_assert_true(wb_meta_error_encode(&m, out, NULL));
	wb_assert_hex(out->data, out->len, "dc b2db");
	g_assert_false(wb_meta_error_decode(b->data, 2, &m, NULL));
	g_assert_true(wb_meta_error_decode(corrupted, 1, &m, NULL));
	g_assert_false(m.has_endpoint);
	g_assert_false(wb_meta_error_decode(bad, 1, &m, NULL));
}

static void
test_color_and_ble(void)
{
	/* golden: FW services/common/registry_endpoint.c (reference §2.10) and
	 * pp_ble_control.c (§2.12, LE duration) */
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autoptr(GByteArray) resp = wb_test_hex("01 04 0000001b");
	WbBleControl ble = {.discoverable = TRUE, .duration_s = 300}, d;
	guint32 color = 0;

	g_assert_true(wb_watch_color_request_encode(out, NULL));
	wb_assert_hex(out->data, out->len, "00 09 6d66675f636f6c6f72");
	g_assert_true(wb_watch_color_request_decode(out->data, out->len, NULL));
	g_assert_false(wb_watch_color_request_decode(out->data, out->len - 1, NULL));
	g_assert_true(wb_watch_color_response_decode(resp->data, resp->len, &color, NULL));
	g_assert_cmpuint(color, ==, 27);
	g_assert_false(wb_watch_color_response_decode(resp->data, 5, &color, NULL));
	resp->data[1] = 3;
	g_assert_false(wb_watch_color_response_decode(resp->data, resp->len, &color, NULL));

	g_byte_array_set_size(out, 0);
	g_assert_true(wb_ble_control_encode(&ble, out, NULL));
	wb_assert_hex(out->data, out->len, "04 01 2c01");
	g_assert_true(wb_ble_control_decode(out->data, out->len, &d, NULL));
	g_assert_true(d.discoverable && d.duration_s == 300);
	out->data[0] = 3;
	g_assert_false(wb_ble_control_decode(out->data, out->len, &d, NULL));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/wearbridge/system/phone-app-version", test_phone_app_version);
	g_test_add_func("/wearbridge/system/requests", test_requests);
	g_test_add_func("/wearbridge/system/watch-version", test_watch_version);
	g_test_add_func("/wearbridge/system/platforms", test_platforms);
	g_test_add_func("/wearbridge/system/time", test_time);
	g_test_add_func("/wearbridge/system/ping", test_ping);
	g_test_add_func("/wearbridge/system/reset", test_reset);
	g_test_add_func("/wearbridge/system/meta", test_meta);
	g_test_add_func("/wearbridge/system/color-and-ble", test_color_and_ble);
	return g_test_run();
}
