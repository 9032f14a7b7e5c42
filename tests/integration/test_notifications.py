#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Desktop notifications on the simulated watch and the watch's answers back, through a mock
notification server (python3-dbusmock), notify-send, a GNotification app and the API."""

import json
import os
import shutil
import subprocess
import unittest

from wbtest import (MANAGER, ROOT, WATCH, NotificationServer, WbTestCase, main,
                    notifications)

import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

NOTIFY_SEND = shutil.which("notify-send")


class NotificationsTest(WbTestCase):
    def setUp(self):
        super().setUp()
        self.server = NotificationServer(self)

    def tearDown(self):
        self.server.stop()
        super().tearDown()

    def connected_watch(self, sim=None, config=None):
        if config:
            os.makedirs(os.path.join(self.tmp, "config", "wearbridge"), exist_ok=True)
            with open(os.path.join(self.tmp, "config", "wearbridge", "wearbridge.conf"), "w") as f:
                f.write(config)
        sim = sim or self.start_sim()
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        return sim, path

    def notify_send(self, *args):
        self.assertIsNotNone(NOTIFY_SEND, "notify-send (libnotify-bin) is missing")
        env = dict(self.env)
        env.pop("G_MESSAGES_DEBUG", None)
        r = subprocess.run([NOTIFY_SEND, "-p", *args], env=env, capture_output=True,
                           text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        return int(r.stdout.strip())

    def notify(self, app, summary, body, actions=(), hints=None, replaces=0):
        """A Notify call as an app makes it (libnotify waits for actions, so not notify-send)."""
        r = self.bus.call_sync("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                               "org.freedesktop.Notifications", "Notify",
                               GLib.Variant("(susssasa{sv}i)", (app, replaces, "", summary, body,
                                                                list(actions), hints or {}, -1)),
                               None, Gio.DBusCallFlags.NONE, 10000, None)
        return r.unpack()[0]

    def history(self, path, limit=50):
        return self.call(path, "org.wearbridge.Notifications1", "History", "u", limit)[0]

    def test_notify_send_arrives_exactly(self):
        sim, path = self.connected_watch()
        server_id = self.notify("Thunderbird", "Ada Lovelace", "<b>Line one</b>\n\tLine &amp; two",
                                actions=["archive", "Archive"],
                                hints={"desktop-entry": GLib.Variant("s", "org.mozilla.Thunderbird"),
                                       "category": GLib.Variant("s", "email.arrived")})
        self.assert_eventually(lambda: len(notifications(sim)) == 1)
        n = notifications(sim)[0]
        self.assertEqual(n["parent"], "ed429c16-f674-4220-95da-454f303f15e2")
        self.assertEqual(n["layout"], 4)
        self.assertEqual(n["status"], 0)
        self.assertEqual(n["key"], n["id"])
        a = n["attributes"]
        self.assertEqual(a["title"], "Thunderbird")
        self.assertEqual(a["subtitle"], "Ada Lovelace")
        self.assertEqual(a["body"], "Line one\nLine & two")
        self.assertEqual(a["tiny_icon"], 0x80000013)
        self.assertNotIn("app_name", a)
        # an fdo action cannot be carried out by anyone but the server: only Dismiss
        self.assertEqual([(x["id"], x["type"], x["title"]) for x in n["actions"]],
                         [(0, "dismiss", "Dismiss")])
        h = self.history(path)
        self.assertEqual(h[0]["decision"], "forwarded")
        self.assertEqual(h[0]["id"], "fdo:%d" % server_id)

    def test_replace_updates_in_place(self):
        sim, path = self.connected_watch()
        server_id = self.notify_send("-a", "Chat", "first", "one")
        self.assert_eventually(lambda: len(notifications(sim)) == 1)
        first = notifications(sim)[0]["id"]
        self.notify_send("-a", "Chat", "-r", str(server_id), "second", "two")
        self.assert_eventually(lambda: [n["attributes"]["subtitle"] for n in notifications(sim)] == ["second"])
        self.assertNotEqual(notifications(sim)[0]["id"], first)
        self.assertEqual(self.history(path)[0]["decision"], "updated")

    def test_dismiss_on_watch_closes_on_desktop(self):
        sim, path = self.connected_watch()
        server_id = self.notify_send("-a", "Mail", "hello", "there")
        self.assert_eventually(lambda: len(notifications(sim)) == 1)
        item = notifications(sim)[0]["id"]
        r = sim.control("press %s 0" % item)
        self.assertTrue(r["ok"], r)
        self.assert_eventually(lambda: [tuple(c) for c in self.server.calls("CloseNotification")] == [(server_id,)])
        self.assert_eventually(lambda: sim.state()["action_responses"] >= 1)
        resp = sim.state()["last_action_response"]
        self.assertEqual(resp["result"], "ack", resp)
        self.assertEqual(resp["attributes"].get("subtitle"), "Dismissed", resp)

    def test_closed_on_desktop_removed_from_watch(self):
        sim, path = self.connected_watch()
        server_id = self.notify_send("-a", "Mail", "bye", "soon")
        self.assert_eventually(lambda: len(notifications(sim)) == 1)
        self.server.emit_closed(server_id)
        self.assert_eventually(lambda: notifications(sim) == [])

    def test_muted_app_never_arrives(self):
        sim, path = self.connected_watch(config="[Notifications]\nMutedApps=Noisy;\n")
        self.notify_send("-a", "Noisy", "spam", "spam")
        self.notify_send("-a", "Quiet", "ham", "ham")
        self.assert_eventually(lambda: len(notifications(sim)) == 1)
        self.assertEqual(notifications(sim)[0]["attributes"]["title"], "Quiet")
        decisions = {e["app"]: e["decision"] for e in self.history(path)}
        self.assertEqual(decisions["Noisy"], "muted-app")

    def test_rules_idle_and_quiet_hours(self):
        """OnlyWhenIdle with nobody idle, quiet hours all day: recorded, not forwarded;
        a critical notification passes quiet hours."""
        sim, path = self.connected_watch(config="[Notifications]\nQuietHours=00:00-23:59\n")
        self.notify("Calendar", "standup", "in 5 minutes")
        self.notify("Alarm", "fire", "leave now", hints={"urgency": GLib.Variant("y", 2)})
        self.assert_eventually(lambda: len(self.history(path)) == 2)
        decisions = {e["app"]: e["decision"] for e in self.history(path)}
        self.assertEqual(decisions, {"Calendar": "quiet-hours", "Alarm": "forwarded"})
        self.assert_eventually(lambda: [n["attributes"]["title"] for n in notifications(sim)] == ["Alarm"])
        log = json.loads(self.wearctl("--json", "notifications", "log").stdout)
        self.assertEqual([e["decision"] for e in log["entries"]], ["quiet-hours", "forwarded"])

    def test_only_when_idle(self):
        sim, path = self.connected_watch(config="[Notifications]\nOnlyWhenIdle=true\n")
        self.notify("Chat", "hi", "there")
        self.assert_eventually(lambda: len(self.history(path)) == 1)
        self.assertEqual(self.history(path)[0]["decision"], "not-idle")
        self.assertEqual(notifications(sim), [])

    def test_firmware_2x_gets_legacy_notifications(self):
        """A 2.x watch has no BlobDB: it gets the legacy notification endpoint, and its clock
        is set in local time."""
        sim = self.start_sim(args=["--firmware", "v2.9.1"])
        sim, path = self.connected_watch(sim=sim)
        self.notify("Mail", "Lunch?", "At noon, the usual place")
        self.assert_eventually(lambda: sim.state()["legacy_notifications"] == 1)
        last = sim.state()["last_legacy_notification"]
        self.assertEqual(last["sender"], "Mail")
        self.assertEqual(last["body"], "Lunch?\nAt noon, the usual place")
        self.assertEqual(notifications(sim), [])
        self.assertGreaterEqual(sim.state()["clock"]["localtime_count"], 1)
        self.assertEqual(self.history(path)[0]["decision"], "forwarded")

    def test_gnotification_app(self):
        """A GNotification app (org.gtk.Notifications) arrives with its buttons."""
        sim, path = self.connected_watch()
        # GLib sends through org.gtk.Notifications when someone owns it, as GNOME Shell does
        gtk = subprocess.Popen(["/usr/bin/python3", "-m", "dbusmock", "--session", "org.gtk.Notifications",
                                "/org/gtk/Notifications", "org.gtk.Notifications"],
                               env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (gtk.terminate(), gtk.wait()))
        self.assert_eventually(lambda: self.name_has_owner("org.gtk.Notifications"))
        self.bus.call_sync("org.gtk.Notifications", "/org/gtk/Notifications", "org.freedesktop.DBus.Mock",
                           "AddMethods", GLib.Variant("(sa(ssss))", ("org.gtk.Notifications", [
                               ("AddNotification", "ssa{sv}", "", ""),
                               ("RemoveNotification", "ss", "", "")])),
                           None, Gio.DBusCallFlags.NONE, 5000, None)
        script = (
            "import gi\n"
            "gi.require_version('Gio', '2.0')\n"
            "from gi.repository import Gio\n"
            "app = Gio.Application(application_id='org.example.Reminders', flags=0)\n"
            "app.register(None)\n"
            "n = Gio.Notification.new('Stand up')\n"
            "n.set_body('You have been sitting for an hour')\n"
            "n.add_button('Snooze', 'app.snooze')\n"
            "app.send_notification('stand', n)\n"
            "Gio.DBusConnection.flush_sync(app.get_dbus_connection(), None)\n")
        env = dict(self.env)
        env.pop("G_MESSAGES_DEBUG", None)
        subprocess.run(["/usr/bin/python3", "-c", script], env=env, check=True, timeout=20)
        self.assert_eventually(lambda: len(notifications(sim)) == 1)
        n = notifications(sim)[0]
        self.assertEqual(n["attributes"]["subtitle"], "Stand up")
        self.assertEqual(n["attributes"]["body"], "You have been sitting for an hour")
        self.assertEqual(n["attributes"]["title"], "Reminders")
        self.assertEqual([x["title"] for x in n["actions"]], ["Dismiss", "Snooze"])
        self.assertEqual(self.history(path)[0]["id"], "gtk:org.example.Reminders/stand")

    def test_api_send_and_action(self):
        sim, path = self.connected_watch()
        got = []
        self.bus.signal_subscribe("org.wearbridge", WATCH, "NotificationAction", path, None,
                                  Gio.DBusSignalFlags.NONE,
                                  lambda *a: got.append(a[5].unpack()))
        nid = self.call(path, WATCH, "SendNotification", "a{sv}",
                        {"title": GLib.Variant("s", "Build finished"),
                         "body": GLib.Variant("s", "all green"),
                         "app": GLib.Variant("s", "CI"),
                         "icon": GLib.Variant("s", "confirmation"),
                         "actions": GLib.Variant("as", ["Open log"]),
                         "replies": GLib.Variant("as", ["Thanks", "Ship it"])})[0]
        self.assertTrue(nid.startswith("api:"))
        self.assert_eventually(lambda: len(notifications(sim)) == 1)
        n = notifications(sim)[0]
        self.assertEqual([(x["id"], x["type"]) for x in n["actions"]],
                         [(0, "dismiss"), (1, "response"), (2, "generic")])
        self.assertEqual(n["actions"][1]["attributes"]["canned_responses"], ["Thanks", "Ship it"])
        self.assertEqual(n["attributes"]["tiny_icon"], 0x80000037)
        sim.control("press %s 2" % n["id"])
        self.assert_eventually(lambda: (nid, "0", "") in got)
        sim.control("press %s 1 Ship it" % n["id"])
        self.assert_eventually(lambda: (nid, "reply", "Ship it") in got)
        self.call(path, WATCH, "DismissNotification", "s", nid)
        self.assert_eventually(lambda: notifications(sim) == [])
        self.assert_dbus_error("org.wearbridge.Error.InvalidArgs", self.call, path, WATCH,
                               "DismissNotification", "s", "api:nope")
        for bad in [{"bogus": GLib.Variant("s", "x")}, {"title": GLib.Variant("u", 1)}, {},
                    {"title": GLib.Variant("s", "x"), "actions": GLib.Variant("as", ["a"] * 9)}]:
            self.assert_dbus_error("org.wearbridge.Error.InvalidArgs", self.call, path, WATCH,
                                   "SendNotification", "a{sv}", bad)

    def test_outbox_survives_sigkill(self):
        """Watch away, 20 notifications, daemon killed and restarted, watch back: all 20
        arrive once, in order; the ones closed meanwhile do not."""
        from wbtest import free_port
        port = free_port()
        sim = self.start_sim(port=port)
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        sim.kill()
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        ids = [self.notify_send("-a", "Outbox", "n%02d" % i, "body") for i in range(20)]
        self.assert_eventually(lambda: self.prop(path, "OutboxLength", "org.wearbridge.Notifications1") == 20)
        for i in (3, 11):
            self.server.emit_closed(ids[i])
        self.assert_eventually(lambda: self.prop(path, "OutboxLength", "org.wearbridge.Notifications1") == 18)
        self.kill_daemon()
        self.start_daemon()
        sim = self.start_sim(port=port)
        self.wait_connected(path, timeout=20)
        want = ["n%02d" % i for i in range(20) if i not in (3, 11)]
        self.assert_eventually(lambda: [n["attributes"]["subtitle"] for n in notifications(sim)] == want, timeout=20)
        self.assert_eventually(lambda: self.prop(path, "OutboxLength", "org.wearbridge.Notifications1") == 0)
        # delivered once: nothing more comes after a reconnect
        self.assertEqual(sim.state()["blobdb_commands"], 18)

    def test_burst_1000(self):
        sim, path = self.connected_watch()
        conn = self.bus
        for i in range(1000):
            conn.call("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                      "org.freedesktop.Notifications", "Notify",
                      GLib.Variant("(susssasa{sv}i)", ("Burst", 0, "", "b%04d" % i, "", [], {}, -1)),
                      None, Gio.DBusCallFlags.NONE, 30000, None, None)
        self.assert_eventually(lambda: len(notifications(sim)) == 1000, timeout=90)
        got = [n["attributes"]["subtitle"] for n in notifications(sim)]
        self.assertEqual(got, ["b%04d" % i for i in range(1000)])

    def test_hostile_input(self):
        sim, path = self.connected_watch()
        conn = self.bus
        huge = "x" * 200000
        calls = [
            ("susssasa{sv}i", ("Huge", 0, "", "s", huge, [], {}, -1)),
            ("susssasa{sv}i", ("Markup", 0, "", "<b>s</b>", "<a href='x'>link</a> &lt;", [], {}, -1)),
            ("susssasa{sv}i", ("Actions", 0, "", "many", "", sum([["k%d" % i, "L%d" % i] for i in range(100)], []), {}, -1)),
            ("susssasa{sv}i", ("", 0, "", "", "", [], {}, -1)),
            ("susssasa{sv}i", ("Hints", 0, "", "h", "b", [], {"urgency": GLib.Variant("s", "nope"),
                                                             "desktop-entry": GLib.Variant("u", 5)}, -1)),
        ]
        for sig, args in calls:
            conn.call_sync("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                           "org.freedesktop.Notifications", "Notify", GLib.Variant("(%s)" % sig, args),
                           None, Gio.DBusCallFlags.NONE, 30000, None)
        # a Notify with the wrong signature goes to the server and fails there; it must not
        # hurt the daemon
        try:
            conn.call_sync("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                           "org.freedesktop.Notifications", "Notify", GLib.Variant("(s)", ("bad",)),
                           None, Gio.DBusCallFlags.NONE, 5000, None)
        except GLib.Error:
            pass
        self.assert_eventually(lambda: len(notifications(sim)) == 5, timeout=20)
        for n in notifications(sim):
            self.assertLessEqual(n["size"], 2044)
            body = n["attributes"].get("body", "")
            self.assertLessEqual(len(body.encode()), 512)
        self.assertIsNone(self.daemon.poll())
        self.call(path, WATCH, "Ping")


if __name__ == "__main__":
    main()
