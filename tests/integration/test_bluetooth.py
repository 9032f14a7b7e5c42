#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Bluetooth end to end: the real daemon with wb-mock-bluez as bluetoothd on a private system
bus (docs/mock-bluez.md) and the simulated watch behind PPoGATT. Everything goes through the
daemon's D-Bus API; what arrives is checked on the simulated watch."""

import json
import os
import subprocess

from wbtest import (BUILD_DIR, MANAGER, ROOT, WATCH, NotificationServer, SystemBusTestCase, main)

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

MOCK = os.path.join(BUILD_DIR, "tests", "mock-bluez", "wb-mock-bluez")
WATCH_ADDR = "B0:B4:48:57:34:56"
WATCH_PATH = "/org/wearbridge/watch/B0_B4_48_57_34_56"
MOCK_NAME = "org.wearbridge.MockBluez"
MOCK_PATH = "/org/wearbridge/mock"
MOCK_IFACE = "org.wearbridge.MockBluez1"
DEVICE_PATH = "/org/bluez/hci0/dev_B0_B4_48_57_34_56"


class BluetoothTestCase(SystemBusTestCase):
    """A private system bus with wb-mock-bluez on it, and the daemon pointed at it."""

    def setUp(self):
        super().setUp()
        self.mock_log = open(os.path.join(self.tmp, "mock-bluez.log"), "w")
        mock_env = dict(self.env)
        mock_env["G_MESSAGES_DEBUG"] = ""
        self.mock = subprocess.Popen([MOCK], env=mock_env, stdout=self.mock_log,
                                     stderr=subprocess.STDOUT)
        self.assert_eventually(lambda: self.sys_has_owner(MOCK_NAME) and self.sys_has_owner("org.bluez"),
                               message="wb-mock-bluez did not start")

    def tearDown(self):
        try:
            if self.daemon is not None and self.daemon.poll() is None:
                self.stop_daemon()
        except AssertionError:
            self.dump_logs()
            raise
        finally:
            self.stop_system_bus()
            super().tearDown()

    def stop_system_bus(self):
        if self.mock.poll() is None:
            self.mock.terminate()
            self.mock.wait(timeout=10)
        self.mock_log.close()
        super().stop_system_bus()
        failed = any(e for _, e in (getattr(self._outcome, "errors", None) or []) if e)
        if failed:
            with open(os.path.join(self.tmp, "mock-bluez.log"), errors="replace") as f:
                print("---- mock-bluez log ----\n" + f.read()[-8000:])

    # ---- the mock ----
    def knob(self, method, signature=None, *args):
        params = GLib.Variant("(%s)" % signature, args) if signature else None
        r = self.sys.call_sync(MOCK_NAME, MOCK_PATH, MOCK_IFACE, method, params, None,
                               Gio.DBusCallFlags.NONE, 20000, None)
        return r.unpack() if r is not None else ()

    def watch_control(self, command):
        return json.loads(self.knob("WatchControl", "s", command)[0])

    def link_state(self):
        return json.loads(self.knob("LinkState")[0])

    def device_props(self):
        r = self.sys.call_sync("org.bluez", DEVICE_PATH, "org.freedesktop.DBus.Properties", "GetAll",
                               GLib.Variant("(s)", ("org.bluez.Device1",)), None,
                               Gio.DBusCallFlags.NONE, 5000, None)
        return r.unpack()[0]

    def watch_notifications(self):
        return self.watch_control("dump blobdb notifications")["blobdb"]["notifications"]

    # ---- the daemon ----
    def start_daemon(self, args=(), wait_bluetooth=True):
        proc = super().start_daemon(args)
        if wait_bluetooth:
            self.assert_eventually(lambda: self.manager("Bluetooth") == "on",
                                   message="the daemon did not find the mock's adapter")
        return proc

    def scan(self):
        self.call(ROOT, MANAGER, "StartDiscovery")
        self.assert_eventually(lambda: any(d[0] == WATCH_ADDR for d in self.manager("Discovered")),
                               message="the watch was not discovered")

    def pair(self):
        self.scan()
        path = self.call(ROOT, MANAGER, "Pair", "s", WATCH_ADDR.lower(), timeout=90000)[0]
        self.call(ROOT, MANAGER, "StopDiscovery")
        self.assertEqual(path, WATCH_PATH)
        self.wait_connected(path, timeout=30)
        return path

    def notify(self, summary, body="body"):
        r = self.bus.call_sync("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                               "org.freedesktop.Notifications", "Notify",
                               GLib.Variant("(susssasa{sv}i)", ("Chat", 0, "", summary, body, [],
                                                                {"desktop-entry": GLib.Variant("s", "org.example.Chat")},
                                                                -1)),
                               None, Gio.DBusCallFlags.NONE, 10000, None)
        return r.unpack()[0]

    def subtitles(self):
        return [n["attributes"].get("subtitle") for n in self.watch_notifications()]


class BluetoothTest(BluetoothTestCase):

    def test_scan_pair_connect_notification(self):
        self.start_daemon()
        self.assertEqual(self.manager("Bluetooth"), "on")
        self.scan()
        self.assertTrue(self.manager("Discovering"))
        entry = [d for d in self.manager("Discovered") if d[0] == WATCH_ADDR][0]
        ident = self.watch_control("state")
        self.assertEqual(entry[1], "Pebble 3456")
        # the model comes from the hardware platform in the manufacturer data (§10.3)
        self.assertEqual(entry[2], ident["identity"]["model"])
        self.assertLess(entry[3], 0)
        self.assertFalse(entry[4])

        path = self.call(ROOT, MANAGER, "Pair", "s", WATCH_ADDR, timeout=90000)[0]
        self.assertEqual(path, WATCH_PATH)
        # the mock's watch shows 123456; our agent confirmed it and told the caller
        self.assert_eventually(lambda: (WATCH_ADDR, 123456) in self.confirmations,
                               message="no PairingConfirmation")
        dev = self.device_props()
        self.assertTrue(dev["Paired"])
        self.assertTrue(dev["Trusted"])
        self.wait_connected(path, timeout=30)
        props = self.props(path)
        self.assertEqual(props["Transport"], "ble")
        self.assertEqual(props["Target"], WATCH_ADDR)
        self.assertEqual(props["LinkMode"], "ppogatt")
        self.assertEqual(props["LinkMtu"], 185)
        self.assertGreater(props["LinkWindow"][0], 0)
        self.assertGreater(props["LinkWindow"][1], 0)
        self.assertEqual(props["Address"], WATCH_ADDR)
        self.assertEqual(props["Name"], "Pebble 3456")
        self.call(ROOT, MANAGER, "StopDiscovery")
        self.assert_eventually(lambda: not self.manager("Discovering"))

        # a desktop notification reaches the watch over PPoGATT
        server = NotificationServer(self)
        self.addCleanup(server.stop)
        self.notify("over the air")
        self.assert_eventually(lambda: "over the air" in self.subtitles(),
                               message="the notification did not reach the watch")
        self.assertGreaterEqual(self.call(path, WATCH, "Ping", timeout=20000)[0], 0)
        state = self.link_state()
        self.assertEqual(state["connected"], True)
        # bluetoothd's sockets carry the packets (AcquireNotify/AcquireWrite), not D-Bus calls
        self.assertTrue(state["notify_fd"], state)
        self.assertTrue(state["write_fd"], state)

    def test_scan_ends_with_its_caller(self):
        self.start_daemon()
        # a client that leaves the bus without StopDiscovery: the scan must not stay on
        client = Gio.DBusConnection.new_for_address_sync(
            self.bus_address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        client.call_sync("org.wearbridge", ROOT, MANAGER, "StartDiscovery", None, None,
                         Gio.DBusCallFlags.NONE, 10000, None)
        self.assert_eventually(lambda: self.manager("Discovering"))
        client.close_sync(None)
        self.assert_eventually(lambda: not self.manager("Discovering"),
                               message="the scan outlived its caller")

    def test_pairing_rejected(self):
        self.start_daemon()
        self.scan()
        self.knob("RejectPairing", "b", True)
        err = self.assert_dbus_error("org.wearbridge.Error.PairingRejected", self.call, ROOT,
                                     MANAGER, "Pair", "s", WATCH_ADDR, timeout=90000)
        self.assertIn(WATCH_ADDR, err.message)
        self.assertEqual(self.manager("Watches"), [])
        self.assertFalse(self.device_props()["Paired"])
        # and it works once the watch accepts
        self.knob("RejectPairing", "b", False)
        self.assertEqual(self.call(ROOT, MANAGER, "Pair", "s", WATCH_ADDR, timeout=90000)[0],
                         WATCH_PATH)
        self.wait_connected(WATCH_PATH, timeout=30)

    def test_bad_calls(self):
        self.start_daemon()
        self.assert_dbus_error("org.wearbridge.Error.InvalidArgs", self.call, ROOT, MANAGER,
                               "Pair", "s", "B0:B4:48:57:34")
        self.assert_dbus_error("org.wearbridge.Error.InvalidArgs", self.call, ROOT, MANAGER,
                               "Pair", "s", "not an address at all")
        self.assert_dbus_error("org.wearbridge.Error.DeviceNotFound", self.call, ROOT, MANAGER,
                               "Pair", "s", "00:11:22:33:44:55")
        self.call(ROOT, MANAGER, "StopDiscovery")  # not scanning: fine
        self.knob("SetPowered", "b", False)
        self.assert_eventually(lambda: self.manager("Bluetooth") == "off")
        self.assert_dbus_error("org.wearbridge.Error.AdapterOff", self.call, ROOT, MANAGER,
                               "StartDiscovery")
        self.assert_dbus_error("org.wearbridge.Error.AdapterOff", self.call, ROOT, MANAGER,
                               "Pair", "s", WATCH_ADDR)
        self.knob("SetPowered", "b", True)
        self.knob("Vanish")
        self.assert_eventually(lambda: self.manager("Bluetooth") == "unavailable")
        self.assert_dbus_error("org.wearbridge.Error.BluetoothUnavailable", self.call, ROOT,
                               MANAGER, "StartDiscovery")
        findings = self.call(ROOT, MANAGER, "Doctor")[0]
        self.assertEqual(findings[0][0:2], ("bluetoothd", "error"))
        self.assertIn("systemctl", findings[0][3])
        self.assertIsNone(self.daemon.poll())

    def test_doctor(self):
        self.start_daemon()
        self.pair()
        findings = {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}
        for check in ("bluetoothd", "adapter", "powered", "le-roles", "gatt-application",
                      "agent", "bond:" + WATCH_ADDR):
            self.assertIn(check, findings)
            self.assertEqual(findings[check][1], "ok", findings[check])
        self.knob("SetPowered", "b", False)
        self.assert_eventually(lambda: self.manager("Bluetooth") == "off")
        findings = {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}
        self.assertEqual(findings["powered"][1], "error")
        self.assertIn("power on", findings["powered"][3])

    def test_adapter_off_and_on(self):
        self.start_daemon()
        path = self.pair()
        server = NotificationServer(self)
        self.addCleanup(server.stop)
        self.knob("SetPowered", "b", False)
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        self.assertEqual(self.prop(path, "LinkMode"), "")
        self.notify("while off")
        self.knob("SetPowered", "b", True)
        self.wait_connected(path, timeout=20)
        self.assert_eventually(lambda: "while off" in self.subtitles(),
                               message="the notification queued while off was not delivered")
        self.assertEqual(self.subtitles().count("while off"), 1)

    def test_out_of_range_and_back(self):
        self.start_daemon()
        path = self.pair()
        self.knob("SetDeviceVisible", "b", False)
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        self.assert_eventually(lambda: "le-connection-abort-by-local" in self.prop(path, "LastError"),
                               message="LastError does not say why")
        self.knob("SetDeviceVisible", "b", True)
        self.wait_connected(path, timeout=20)

    def test_bluez_vanishes_and_returns(self):
        self.start_daemon()
        path = self.pair()
        server = NotificationServer(self)
        self.addCleanup(server.stop)
        self.notify("before")
        self.assert_eventually(lambda: "before" in self.subtitles())
        self.knob("Vanish")
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        self.assertEqual(self.manager("Bluetooth"), "unavailable")
        self.notify("while gone")
        self.knob("Return")
        # the daemon registers its agent and GATT application again and reconnects
        self.wait_connected(path, timeout=20)
        self.assertTrue(self.link_state()["app"])
        self.assert_eventually(lambda: "while gone" in self.subtitles())
        self.assertEqual(self.subtitles().count("before"), 1)
        self.assertEqual(self.subtitles().count("while gone"), 1)

    def test_watch_drops_the_link(self):
        self.start_daemon()
        path = self.pair()
        for _ in range(3):
            self.knob("DropLink")
            self.assert_eventually(lambda: not self.prop(path, "Connected"))
            self.wait_connected(path, timeout=20)
        self.assertGreaterEqual(self.call(path, WATCH, "Ping", timeout=20000)[0], 0)

    def test_drop_mid_transfer_is_a_reset_not_a_hang(self):
        self.start_daemon()
        path = self.pair()
        server = NotificationServer(self)
        self.addCleanup(server.stop)
        # a slow link so that the drop lands while notifications are in flight
        self.knob("SetPacketsPerInterval", "uu", 1, 30)
        for i in range(40):
            self.notify("burst %02d" % i)
        self.assert_eventually(lambda: any(s.startswith("burst") for s in self.subtitles()),
                               message="nothing arrived before the drop")
        self.knob("DropLink")
        before = len([s for s in self.subtitles() if s.startswith("burst")])
        self.assertLess(before, 40, "the drop came after the transfer")
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        self.knob("SetPacketsPerInterval", "uu", 0, 0)
        self.wait_connected(path, timeout=30)
        self.assert_eventually(lambda: len([s for s in self.subtitles() if s.startswith("burst")]) == 40,
                               timeout=60, message="not every notification arrived after the drop")
        burst = [s for s in self.subtitles() if s.startswith("burst")]
        self.assertEqual(sorted(burst), ["burst %02d" % i for i in range(40)])

    def test_loss_delivers_everything_in_order(self):
        self.start_daemon()
        path = self.pair()
        server = NotificationServer(self)
        self.addCleanup(server.stop)
        self.knob("SetRetransmitTimeout", "u", 300)
        self.knob("SetLoss", "du", 5.0, 7)
        # the watch's timeouts apply to links opened from now on
        self.knob("DropLink")
        self.wait_connected(path, timeout=30)
        for i in range(30):
            self.notify("lossy %02d" % i)
        self.assert_eventually(lambda: len([s for s in self.subtitles() if s.startswith("lossy")]) == 30,
                               timeout=90, message="not every notification arrived")
        # in order and each exactly once, whatever the retransmissions and resets did
        lossy = [s for s in self.subtitles() if s.startswith("lossy")]
        self.assertEqual(lossy, ["lossy %02d" % i for i in range(30)])
        state = self.link_state()
        self.assertGreater(state.get("lost_to_watch", 0) + state.get("lost_to_phone", 0), 0, state)

    def test_restart_reconnects_from_store(self):
        self.start_daemon()
        path = self.pair()
        self.stop_daemon()
        self.assert_eventually(lambda: not self.link_state()["connected"] or True)
        self.start_daemon()
        self.wait_connected(path, timeout=30)
        self.assertEqual(self.prop(path, "Transport"), "ble")

    def test_forget_removes_the_bond(self):
        self.start_daemon()
        path = self.pair()
        self.call(ROOT, MANAGER, "Forget", "o", path)
        self.assertEqual(self.manager("Watches"), [])
        # RemoveDevice: the device object goes away from BlueZ (or at least its bond)

        def gone():
            try:
                return not self.device_props()["Paired"]
            except GLib.Error:
                return True
        self.assert_eventually(gone, message="the bond is still in BlueZ")

    def test_stale_bond_is_reported_not_retried(self):
        self.start_daemon()
        path = self.pair()
        # the watch was reset: BlueZ keeps its keys, the watch no longer knows us
        self.knob("ForgetBond")
        self.assert_eventually(lambda: "pair again" in self.prop(path, "LastError"),
                               timeout=30, message="the stale bond was not reported")
        self.assertFalse(self.prop(path, "Connected"))
        self.assertIn("forget", self.prop(path, "LastError"))
        self.assertEqual(self.prop(path, "State"), "disconnected")
        # the fix the message gives: forget, scan, pair again
        self.call(ROOT, MANAGER, "Forget", "o", path)
        self.assert_eventually(lambda: WATCH_ADDR not in [d[0] for d in self.manager("Discovered") if d[4]])
        self.pair()
        self.assertEqual(self.prop(path, "LastError"), "")

    def test_disconnect_stays_disconnected(self):
        self.start_daemon()
        path = self.pair()
        self.call(path, WATCH, "Disconnect")
        self.assertFalse(self.prop(path, "Connected"))
        self.knob("DropLink")
        self.knob("SetPowered", "b", False)
        self.knob("SetPowered", "b", True)
        # Powered on wakes every wanted watch; this one is not wanted
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        self.assertFalse(self.prop(path, "AutoConnect"))
        self.assertEqual(self.prop(path, "State"), "disconnected")
        self.call(path, WATCH, "Connect")
        self.wait_connected(path, timeout=20)


class WearctlBluetoothTest(BluetoothTestCase):
    """wearctl's Bluetooth commands against the real daemon and the mock."""

    def test_scan_pair_status_doctor(self):
        self.start_daemon()
        r = self.wearctl("--json", "scan", "--timeout", "1")
        found = json.loads(r.stdout)["discovered"]
        self.assertIn(WATCH_ADDR, [d["address"] for d in found])
        self.assert_eventually(lambda: not self.manager("Discovering"),
                               message="wearctl scan left the scan running")
        r = self.wearctl("pair", WATCH_ADDR.lower())
        self.assertIn("123456", r.stdout + r.stderr)
        self.wait_connected(WATCH_PATH, timeout=30)
        status = json.loads(self.wearctl("--json", "status").stdout)
        text = json.dumps(status)
        self.assertIn('"link_mode": "ppogatt"', text)
        self.assertIn('"link_mtu": 185', text)
        r = self.wearctl("status")
        self.assertIn("ppogatt", r.stdout)
        self.assertIn("MTU 185", r.stdout)
        r = self.wearctl("doctor")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(WATCH_ADDR + ": paired and trusted", r.stdout)
        # an error finding makes doctor fail, with the fix on the line
        self.knob("SetPowered", "b", False)
        self.assert_eventually(lambda: self.manager("Bluetooth") == "off")
        r = self.wearctl("doctor", check=False)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("power on", r.stdout)
        # connect by address goes to the known watch
        self.knob("SetPowered", "b", True)
        self.call(WATCH_PATH, WATCH, "Disconnect")
        self.wearctl("connect", WATCH_ADDR)
        self.wait_connected(WATCH_PATH, timeout=30)
        # forget by address removes the watch and the bond
        self.wearctl("forget", WATCH_ADDR)
        self.assertEqual(self.manager("Watches"), [])

    def test_pair_rejected_exit_code(self):
        self.start_daemon()
        self.scan()
        self.knob("RejectPairing", "b", True)
        r = self.wearctl("pair", WATCH_ADDR, check=False)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("rejected", (r.stdout + r.stderr).lower())
        r = self.wearctl("pair", "00:11:22:33:44:55", check=False)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("wearctl scan", r.stdout + r.stderr)


class ReversedModeTest(BluetoothTestCase):
    """The watch hosts the PPoGATT service and the daemon is its GATT client (§10.13, §10.14)."""

    def check_mode(self, knob_mode, link_mode, acquire):
        self.knob("SetPpogattMode", "s", knob_mode)
        self.knob("SetReversedAcquire", "b", acquire)
        self.start_daemon()
        path = self.pair()
        self.assertEqual(self.prop(path, "LinkMode"), link_mode)
        state = self.link_state()
        self.assertEqual(state["connected"], True)
        # the watch's sockets when bluetoothd offers them, D-Bus calls and signals otherwise
        self.assertEqual(state["reversed_notify_fd"], acquire, state)
        self.assertEqual(state["reversed_write_fd"], acquire, state)
        self.assertGreater(self.prop(path, "LinkMtu"), 0)
        server = NotificationServer(self)
        self.addCleanup(server.stop)
        self.notify("reversed")
        self.assert_eventually(lambda: "reversed" in self.subtitles())
        self.knob("DropLink")
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        self.wait_connected(path, timeout=40)
        self.assertEqual(self.prop(path, "LinkMode"), link_mode)

    def test_v2_is_preferred(self):
        # the watch offers V2 and would also use our server: V2 wins
        self.check_mode("reversed-v2", "ppogatt-reversed-v2", True)

    def test_v1_after_normal_mode_fails(self):
        # the watch never starts normal mode: the daemon falls back to the watch's V1 service
        self.check_mode("reversed-only", "ppogatt-reversed", False)


class ClassicTest(BluetoothTestCase):
    """A classic Pebble Time over RFCOMM, through BlueZ's Profile API (docs/rfcomm.md)."""

    CLASSIC_ADDR = "B0:B4:48:12:C1:A5"

    def test_pair_connect_notification_over_rfcomm(self):
        self.start_daemon()
        self.knob("SetClassicVisible", "b", True)
        self.call(ROOT, MANAGER, "StartDiscovery")
        self.assert_eventually(lambda: any(d[0] == self.CLASSIC_ADDR for d in self.manager("Discovered")),
                               message="the classic watch was not discovered")
        path = self.call(ROOT, MANAGER, "Pair", "s", self.CLASSIC_ADDR, timeout=90000)[0]
        self.call(ROOT, MANAGER, "StopDiscovery")
        self.wait_connected(path, timeout=30)
        props = self.props(path)
        self.assertEqual(props["Transport"], "rfcomm")
        self.assertEqual(props["LinkMode"], "rfcomm")
        self.assertEqual(props["LinkMtu"], 0)
        self.assertEqual(props["Address"], self.CLASSIC_ADDR)
        server = NotificationServer(self)
        self.addCleanup(server.stop)
        self.notify("classic")

        def classic_subtitles():
            r = json.loads(self.knob("ClassicWatchControl", "s", "dump blobdb notifications")[0])
            return [n["attributes"].get("subtitle") for n in r["blobdb"]["notifications"]]
        self.assert_eventually(lambda: "classic" in classic_subtitles(),
                               message="the notification did not reach the classic watch")
        # the RFCOMM channel drops; the daemon opens a new one
        self.knob("DropClassicLink")
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        self.wait_connected(path, timeout=20)


class ResumeTest(BluetoothTestCase):
    """logind's PrepareForSleep(false) reconnects at once, not at the end of the backoff."""

    def start_logind(self):
        env = dict(self.env)
        env["DBUS_SYSTEM_BUS_ADDRESS"] = self.sys_address
        self.logind = subprocess.Popen(["/usr/bin/python3", "-m", "dbusmock", "--system",
                                        "--template", "logind"],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (self.logind.terminate(), self.logind.wait()))
        self.assert_eventually(lambda: self.sys_has_owner("org.freedesktop.login1"),
                               message="the logind mock did not start")

    def prepare_for_sleep(self, sleeping):
        self.sys.call_sync("org.freedesktop.login1", "/org/freedesktop/login1",
                           "org.freedesktop.DBus.Mock", "EmitSignal",
                           GLib.Variant("(sssav)", ("org.freedesktop.login1.Manager",
                                                    "PrepareForSleep", "b",
                                                    [GLib.Variant("b", sleeping)])),
                           None, Gio.DBusCallFlags.NONE, 5000, None)

    def test_resume_reconnects_at_once(self):
        self.start_logind()
        conf = os.path.join(self.tmp, "config", "wearbridge")
        os.makedirs(conf, exist_ok=True)
        with open(os.path.join(conf, "wearbridge.conf"), "w") as f:
            # the first retry after a failure would come after 300 s
            f.write("[Connection]\nReconnectMinSeconds=300\nReconnectMaxSeconds=600\n")
        self.start_daemon()
        path = self.pair()
        # suspend: the link goes down and the watch is out of reach for a while
        self.prepare_for_sleep(True)
        self.knob("SetDeviceVisible", "b", False)
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        # the next attempt is 300 s away
        self.assert_eventually(lambda: "retrying in 300 s" in self.daemon_log(),
                               message="the daemon did not schedule its retry")
        self.knob("SetDeviceVisible", "b", True)
        self.prepare_for_sleep(False)
        # well inside the 300 s backoff
        self.wait_connected(path, timeout=20)


if __name__ == "__main__":
    main()
