#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
"""The daemon and the simulated watch over the emulator link, driven only through D-Bus and
wearctl, asserting on what the simulator received."""

import json
import os
import signal

from wbtest import MANAGER, ROOT, WATCH, WbTestCase, free_port, main

IDENTITY = ["--address", "B0:B4:48:12:34:56", "--serial", "Q402445E00AB",
            "--firmware", "v4.4.2", "--hw-platform", "8"]


class DaemonTest(WbTestCase):
    def test_identity(self):
        """The D-Bus view of a connected watch equals the simulator's identity."""
        sim = self.start_sim(args=IDENTITY)
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.assertEqual(path, "/org/wearbridge/watch/emulator_127_0_0_1_%d" % sim.port)
        self.wait_connected(path)
        p = self.props(path)
        self.assertEqual(p["Address"], "B0:B4:48:12:34:56")
        self.assertEqual(p["Name"], "Pebble 3456")
        self.assertEqual(p["Serial"], "Q402445E00AB")
        self.assertEqual(p["FirmwareVersion"], "v4.4.2")
        self.assertEqual(p["Platform"], "basalt")
        self.assertEqual(p["Model"], "Pebble Time")
        self.assertEqual(p["Transport"], "emulator")
        self.assertEqual(p["Target"], sim.address)
        self.assertEqual(p["State"], "connected")
        self.assertTrue(p["AutoConnect"])
        self.assertGreater(p["LastConnected"], 1700000000)
        self.assertEqual(self.prop(ROOT, "Watches", MANAGER), [path])
        # the watch got our PhoneAppVersion answer with our capability bits
        state = sim.state()
        self.assertTrue(state["connected"])
        self.assertEqual(state["phone"]["platform_flags"] & 7, 2)
        self.assertTrue(state["phone"]["capabilities"] & 1)

    def test_time_sync(self):
        """Time is set on connect and again on SyncTime, as SetUTC with offset and zone."""
        sim = self.start_sim()
        self.env["TZ"] = "Europe/Berlin"
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        self.assert_eventually(lambda: sim.state()["clock"]["set_count"] >= 1)
        self.call(path, WATCH, "SyncTime")
        self.assert_eventually(lambda: sim.state()["clock"]["set_count"] >= 2)
        clock = sim.state()["clock"]
        self.assertEqual(clock["tz_name"], "Europe/Berlin")
        self.assertIn(clock["utc_offset_minutes"], (60, 120))
        import time
        self.assertLess(abs(clock["utc_time"] - time.time()), 30)

    def test_ping(self):
        sim = self.start_sim()
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        before = sim.state()["pings_answered"]
        rtt = self.call(path, WATCH, "Ping")[0]
        self.assertGreater(rtt, 0)
        self.assertLess(rtt, 5_000_000)
        self.assertEqual(sim.state()["pings_answered"], before + 1)

    def test_reconnect_after_watch_restart(self):
        """Kill the simulator and start it again: Connected goes false then true, with
        PropertiesChanged both times."""
        port = free_port()
        sim = self.start_sim(port=port)
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        sim.kill()
        self.assert_eventually(lambda: not self.prop(path, "Connected"))
        self.start_sim(port=port)
        self.wait_connected(path, timeout=20)
        self.assert_eventually(lambda: self.changes(path, "Connected")[-3:] == [True, False, True])

    def test_daemon_restart_remembers_watch(self):
        sim = self.start_sim()
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        self.stop_daemon()
        self.assert_eventually(lambda: not sim.state()["connected"])
        self.start_daemon()
        self.assertEqual(self.prop(ROOT, "Watches", MANAGER), [path])
        # identity is remembered before the watch is back
        self.assertEqual(self.prop(path, "Serial"), sim.state()["identity"]["serial"])
        self.wait_connected(path)

    def test_disconnect_and_connect(self):
        sim = self.start_sim()
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        self.call(path, WATCH, "Disconnect")
        p = self.props(path)
        self.assertFalse(p["Connected"])
        self.assertFalse(p["AutoConnect"])
        self.assert_eventually(lambda: not sim.state()["connected"])
        # it stays disconnected across a restart
        self.stop_daemon()
        self.start_daemon()
        self.assertFalse(self.prop(path, "AutoConnect"))
        self.call(path, WATCH, "Connect")
        self.assertTrue(self.prop(path, "Connected"))
        self.assertTrue(self.prop(path, "AutoConnect"))

    def test_forget(self):
        sim = self.start_sim()
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        self.call(ROOT, MANAGER, "Forget", "o", path)
        self.assertEqual(self.prop(ROOT, "Watches", MANAGER), [])
        self.assert_eventually(lambda: not sim.state()["connected"])
        self.stop_daemon()
        self.start_daemon()
        self.assertEqual(self.prop(ROOT, "Watches", MANAGER), [])

    def test_bad_calls(self):
        """Bad input gets a named error and the daemon keeps running."""
        self.start_daemon()
        for bad in ["", "host:0", "host:65536", "host:x", "a b:1", "::1:5", "[::1", "h" * 300,
                    "[nothost]:1"]:
            self.assert_dbus_error("org.wearbridge.Error.InvalidArgs",
                                   self.call, ROOT, MANAGER, "ConnectEmulator", "s", bad)
        self.assert_dbus_error("org.wearbridge.Error.InvalidArgs",
                               self.call, ROOT, MANAGER, "Forget", "o", "/org/wearbridge/watch/nope")
        self.assert_dbus_error("org.wearbridge.Error.InvalidArgs",
                               self.call, ROOT, MANAGER, "Forget", "o", "/")
        # GDBus answers a call on a path with no object as UnknownMethod ("Object does not
        # exist"); either standard name is fine, the point is that nothing breaks
        with self.assertRaises(Exception) as ctx:
            self.call("/org/wearbridge/watch/nope", WATCH, "Ping")
        self.assertRegex(str(ctx.exception), "UnknownMethod|UnknownObject")
        # a watch that is known but away
        port = free_port()
        path = self.call(ROOT, MANAGER, "ConnectEmulator", "s", "127.0.0.1:%d" % port)[0]
        self.assert_dbus_error("org.wearbridge.Error.NotConnected", self.call, path, WATCH, "Ping")
        self.assert_dbus_error("org.wearbridge.Error.NotConnected", self.call, path, WATCH, "SyncTime")
        self.assertEqual(self.prop(path, "State") in ("connecting", "disconnected"), True)
        self.assertIsNone(self.daemon.poll())

    def test_idle_connected_has_no_wakeups(self):
        """Connected and idle, the daemon sends nothing to the watch (no polling)."""
        sim = self.start_sim()
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        self.assert_eventually(lambda: sim.state()["clock"]["set_count"] >= 1)
        before = sim.state()["frames_in"]
        import time
        time.sleep(2)
        self.assertEqual(sim.state()["frames_in"], before)

    def test_wearctl_json(self):
        sim = self.start_sim(args=IDENTITY)
        self.start_daemon()
        r = self.wearctl("--json", "connect", "emulator:" + sim.address)
        self.assertEqual(json.loads(r.stdout)["watch"]["connected"], True, r.stdout + r.stderr)
        status = json.loads(self.wearctl("--json", "status").stdout)
        self.assertIsInstance(status, dict)
        text = json.dumps(status)
        self.assertIn("Q402445E00AB", text)
        watches = json.loads(self.wearctl("--json", "watches").stdout)
        self.assertIn("B0:B4:48:12:34:56", json.dumps(watches))
        json.loads(self.wearctl("--json", "ping").stdout)
        self.wearctl("time", "sync")
        r = self.wearctl("ping", "nope", check=False)
        self.assertNotEqual(r.returncode, 0)


if __name__ == "__main__":
    main()
