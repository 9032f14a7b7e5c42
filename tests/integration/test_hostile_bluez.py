#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile BlueZ (docs/bluetooth-hostile.md): python3-dbusmock plays bluetoothd on a private
system bus and publishes objects with wrong value types, missing properties and values of any
length, calls our agent and GATT application with bad arguments, and vanishes mid-operation.
Every case ends the same way: the daemon still answers Manager1, logged no critical, and exits
0 on SIGTERM."""

import json
import os
import subprocess

from wbtest import MANAGER, ROOT, WATCH, SystemBusTestCase, main

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile_bluez.py")
MOCK_IFACE = "org.bluez.Mock"
DBUSMOCK_IFACE = "org.freedesktop.DBus.Mock"
DEVICE = "org.bluez.Device1"
ADAPTER = "org.bluez.Adapter1"
CHR = "org.bluez.GattCharacteristic1"
AGENT_PATH = "/org/wearbridge/agent"
AGENT = "org.bluez.Agent1"
CONNECTIVITY_UUID = "00000001-328e-0fbb-c642-1aa6699bdada"
TRIGGER_UUID = "00000002-328e-0fbb-c642-1aa6699bdada"
DATA_UUID = "10000001-328e-0fbb-c642-1aa6699bdada"
META_UUID = "10000002-328e-0fbb-c642-1aa6699bdada"
WATCH_ADDR = "B0:B4:48:57:34:56"
DEV_PATH = "/org/bluez/hci0/dev_B0_B4_48_57_34_56"
WATCH_PATH = "/org/wearbridge/watch/B0_B4_48_57_34_56"

V = GLib.Variant


def ay(data):
    return V("ay", bytes(data))


def dev_path(address, adapter="hci0"):
    return "/org/bluez/%s/dev_%s" % (adapter, address.replace(":", "_"))


class HostileBluezTestCase(SystemBusTestCase):
    """A private system bus with python3-dbusmock (bluez5 + hostile_bluez.py) as org.bluez."""

    def setUp(self):
        super().setUp()
        self.mocks = []

    def tearDown(self):
        outcome_ok = not any(e for _, e in (getattr(self._outcome, "errors", None) or []) if e)
        if self.daemon is not None and self.daemon.poll() is None and outcome_ok:
            # every case ends this way: still answering, no critical, a clean exit
            self.check_alive()
            self.stop_daemon()
            self.assertNotIn("CRITICAL", self.daemon_log())
        elif self.daemon is not None and self.daemon.poll() is None:
            self.daemon.kill()
            self.daemon.wait()
        for proc, log in self.mocks:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
            log.close()
        if not outcome_ok:
            for i in range(len(self.mocks)):
                with open(os.path.join(self.tmp, "bluez-%d.log" % i), errors="replace") as f:
                    print("---- dbusmock log %d ----\n%s" % (i, f.read()[-6000:]))
        self.stop_system_bus()
        super().tearDown()

    # ---- the stand-in bluetoothd ----
    def start_bluez(self, adapter="hci0", gatt_manager=False):
        i = len(self.mocks)
        log = open(os.path.join(self.tmp, "bluez-%d.log" % i), "w")
        env = dict(self.env)
        env["G_DEBUG"] = ""
        proc = subprocess.Popen(["/usr/bin/python3", "-m", "dbusmock", "--system", "-t", TEMPLATE],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
        self.mocks.append((proc, log))
        self.assert_eventually(lambda: self.sys_has_owner("org.bluez"),
                               message="the dbusmock BlueZ did not start")
        if adapter is not None:
            self.mock("AddAdapter", "ss", adapter, "hostile")
            if gatt_manager:
                # registration succeeds (a no-op): the daemon then tries normal-mode PPoGATT
                self.dbusmock("/org/bluez/" + adapter, "AddMethod", "sssss",
                              "org.bluez.GattManager1", "RegisterApplication", "oa{sv}", "", "")
                self.dbusmock("/org/bluez/" + adapter, "AddMethod", "sssss",
                              "org.bluez.GattManager1", "UnregisterApplication", "o", "", "")
        return proc

    def kill_bluez(self):
        proc = self.mocks[-1][0]
        proc.kill()
        proc.wait()
        self.assert_eventually(lambda: not self.sys_has_owner("org.bluez"))

    def sys_call(self, dest, path, iface, method, signature=None, *args, timeout=20000):
        params = V("(%s)" % signature, args) if signature else None
        r = self.sys.call_sync(dest, path, iface, method, params, None, Gio.DBusCallFlags.NONE,
                               timeout, None)
        return r.unpack() if r is not None else ()

    def mock(self, method, signature=None, *args):
        return self.sys_call("org.bluez", "/", MOCK_IFACE, method, signature, *args)

    def dbusmock(self, path, method, signature=None, *args):
        return self.sys_call("org.bluez", path, DBUSMOCK_IFACE, method, signature, *args)

    def add_raw(self, path, interfaces, methods=()):
        """@interfaces: {iface: {name: GLib.Variant}}; @methods: (iface, name, in, out, code)."""
        self.mock("AddRaw", "oa{sa{sv}}a(sssss)", path, interfaces, list(methods))

    def calls(self, path, method):
        return self.dbusmock(path, "GetMethodCalls", "s", method)[0]

    def daemon_unique_name(self):
        names = self.sys_call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "ListNames")[0]
        for name in names:
            if not name.startswith(":"):
                continue
            try:
                pid = self.sys_call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                    "org.freedesktop.DBus", "GetConnectionUnixProcessID", "s",
                                    name)[0]
            except GLib.Error:
                continue
            if pid == self.daemon.pid:
                return name
        self.fail("the daemon is not on the system bus")

    def as_bluez(self, path, iface, method, signature, *args):
        """Calls the daemon from org.bluez's own connection: (error name or "", result)."""
        wrapped = [V(t, a) for t, a in zip(split_signature(signature), args)]
        err, msg, result = self.mock("CallAs", "sosssav", self.daemon_unique_name(), path, iface,
                                     method, signature, wrapped)
        return err, (json.loads(result) if result else msg)

    def as_impostor(self, path, iface, method, signature=None, *args):
        """Calls the daemon from the test's own connection (not org.bluez): the error name."""
        params = V("(%s)" % signature, args) if signature else None
        try:
            self.sys.call_sync(self.daemon_unique_name(), path, iface, method, params, None,
                               Gio.DBusCallFlags.NONE, 10000, None)
        except GLib.Error as e:
            return Gio.DBusError.get_remote_error(e)
        return ""

    # ---- the daemon ----
    def check_alive(self):
        self.assertIsNone(self.daemon.poll(), "wearbridged died")
        findings = self.call(ROOT, MANAGER, "Doctor")[0]
        self.assertGreater(len(findings), 0)
        self.check_discovered(self.manager("Discovered"))
        self.assertIn(self.manager("Bluetooth"), ("unavailable", "no-adapter", "off", "on"))

    def check_discovered(self, discovered):
        addresses = [d[0] for d in discovered]
        self.assertEqual(addresses, sorted(addresses))
        for address, name, model, rssi, paired in discovered:
            self.assertRegex(address, r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")
            self.assertIsInstance(name, str)
            self.assertIsInstance(model, str)

    def call_async(self, path, iface, method, signature=None, *args, timeout=90000):
        """Starts a call to the daemon; returns a dict that gets "error"/"result"."""
        out = {}

        def done(conn, res):
            try:
                out["result"] = conn.call_finish(res).unpack()
            except GLib.Error as e:
                out["error"] = Gio.DBusError.get_remote_error(e) or e.message
                out["message"] = e.message

        params = V("(%s)" % signature, args) if signature else None
        self.bus.call("org.wearbridge", path, iface, method, params, None,
                      Gio.DBusCallFlags.NONE, timeout, None, done)
        return out

    def watch_device(self, address=WATCH_ADDR, paired=False, pair_code=None, chars=()):
        """A connected, resolved Pebble (LE) whose Pair marks it paired; @chars are
        (uuid, methods) characteristics under one service."""
        path = dev_path(address)
        pair_code = pair_code or ("self.UpdateProperties('org.bluez.Device1', "
                                  "{'Paired': dbus.Boolean(True, variant_level=1)})")
        self.add_raw(path, {DEVICE: {
            "Address": V("s", address), "AddressType": V("s", "random"),
            "Name": V("s", "Pebble 3456"), "Alias": V("s", "Pebble 3456"),
            "Adapter": V("o", "/org/bluez/hci0"), "Paired": V("b", paired),
            "Trusted": V("b", False), "Connected": V("b", True),
            "ServicesResolved": V("b", True), "RSSI": V("n", -50),
            "UUIDs": V("as", ["0000fed9-0000-1000-8000-00805f9b34fb"]),
        }}, [(DEVICE, "Pair", "", "", pair_code), (DEVICE, "Connect", "", "", ""),
             (DEVICE, "Disconnect", "", "", ""), (DEVICE, "CancelPairing", "", "", "")])
        if chars:
            self.add_raw(path + "/service0010", {"org.bluez.GattService1": {
                "UUID": V("s", "0000fed9-0000-1000-8000-00805f9b34fb"),
                "Primary": V("b", True), "Device": V("o", path)}})
        out = []
        for i, (uuid, methods) in enumerate(chars):
            cpath = "%s/service0010/char%04x" % (path, 0x11 + i)
            self.add_raw(cpath, {CHR: {
                "UUID": V("s", uuid), "Service": V("o", path + "/service0010"),
                "Flags": V("as", ["read", "write"]), "Value": ay(b"")}},
                [(CHR,) + tuple(m) for m in methods])
            out.append(cpath)
        # the daemon has seen the device (and its characteristics, added before this returns)
        self.assert_eventually(lambda: WATCH_ADDR in [d[0] for d in self.manager("Discovered")],
                               timeout=30)
        return path, out


def split_signature(sig):
    """Splits a D-Bus signature into complete types."""
    out, i = [], 0
    while i < len(sig):
        j = i
        depth = 0
        while True:
            c = sig[j]
            if c in "({":
                depth += 1
            elif c in ")}":
                depth -= 1
            j += 1
            if depth == 0 and c != "a":
                break
        out.append(sig[i:j])
        i = j
    return out


class HostileBluezTest(HostileBluezTestCase):

    def test_malformed_adapters(self):
        self.start_bluez(adapter=None)
        self.start_daemon()
        self.assert_eventually(lambda: self.manager("Bluetooth") == "no-adapter")
        # Powered as a string, no Address, Roles as an int: the proxy drops what does not fit
        self.add_raw("/org/bluez/hci0", {ADAPTER: {
            "Powered": V("s", "yes"), "Roles": V("i", 7), "Name": V("i", 3),
            "Discovering": V("s", "no"), "UUIDs": V("s", "none"), "PowerState": V("b", True)}},
            [(ADAPTER, "StartDiscovery", "", "", ""), (ADAPTER, "StopDiscovery", "", "", ""),
             (ADAPTER, "SetDiscoveryFilter", "a{sv}", "", "")])
        self.assert_eventually(lambda: self.manager("Bluetooth") == "off")
        findings = {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}
        self.assertIn("no address", findings["adapter"][2])
        self.assertEqual(findings["powered"][1], "error")
        self.assertEqual(findings["le-roles"][1], "warning")
        self.assert_dbus_error("org.wearbridge.Error.AdapterOff", self.call, ROOT, MANAGER,
                               "StartDiscovery")
        # a PropertiesChanged of the wrong type changes nothing
        self.dbusmock("/org/bluez/hci0", "EmitSignal", "sssav", "org.freedesktop.DBus.Properties",
                      "PropertiesChanged", "sa{sv}as",
                      [V("s", ADAPTER), V("a{sv}", {"Powered": V("u", 1)}), V("as", [])])
        self.check_alive()
        self.assertEqual(self.manager("Bluetooth"), "off")
        # adapters come and go quickly, some of them broken
        for i in range(1, 40):
            path = "/org/bluez/hci%d" % i
            props = {"Powered": V("b", True), "Address": V("s", "00:11:22:33:44:%02X" % i)}
            if i % 3 == 0:
                props = {"Powered": V("as", ["on"]), "Address": V("i", i)}
            self.add_raw(path, {ADAPTER: props})
            if i % 2 == 0:
                self.mock("RemoveRaw", "o", path)
        for i in range(1, 40, 2):
            try:
                self.mock("RemoveRaw", "o", "/org/bluez/hci%d" % i)
            except GLib.Error:
                pass
        self.mock("RemoveRaw", "o", "/org/bluez/hci0")
        self.assert_eventually(lambda: self.manager("Bluetooth") == "no-adapter")
        self.mock("AddAdapter", "ss", "hci0", "good")
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        self.call(ROOT, MANAGER, "StartDiscovery")
        self.assert_eventually(lambda: self.manager("Discovering"))
        self.call(ROOT, MANAGER, "StopDiscovery")

    def test_adapter_recreated_at_the_same_path(self):
        # unplugged and plugged back: bluetoothd forgot our application with the adapter
        self.start_bluez(gatt_manager=True)
        self.start_daemon()
        self.assert_eventually(lambda: len(self.calls("/org/bluez/hci0", "RegisterApplication")) == 1,
                               message="the GATT application was not registered")
        self.mock("RemoveRaw", "o", "/org/bluez/hci0")
        self.assert_eventually(lambda: self.manager("Bluetooth") == "no-adapter")
        self.mock("AddAdapter", "ss", "hci0", "again")
        self.dbusmock("/org/bluez/hci0", "AddMethod", "sssss", "org.bluez.GattManager1",
                      "RegisterApplication", "oa{sv}", "", "")
        self.dbusmock("/org/bluez/hci0", "AddMethod", "sssss", "org.bluez.GattManager1",
                      "UnregisterApplication", "o", "", "")
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        # the adapter's properties change once more so that the daemon looks again
        self.dbusmock("/org/bluez/hci0", "EmitSignal", "sssav", "org.freedesktop.DBus.Properties",
                      "PropertiesChanged", "sa{sv}as",
                      [V("s", ADAPTER), V("a{sv}", {"Powered": V("b", True)}), V("as", [])])
        self.assert_eventually(lambda: len(self.calls("/org/bluez/hci0", "RegisterApplication")) >= 1,
                               message="the GATT application was not registered again")
        self.check_alive()

    def test_malformed_devices(self):
        self.start_bluez()
        self.start_daemon()
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        base = {"Adapter": V("o", "/org/bluez/hci0")}

        def dev(n, props):
            p = dict(base)
            p.update(props)
            self.add_raw("/org/bluez/hci0/dev_%02d" % n, {DEVICE: p})

        good = []
        # wrong types everywhere: the device stays (its Address and Name are fine)
        dev(1, {"Address": V("s", "00:00:00:00:00:01"), "Name": V("s", "Pebble 0001"),
                "Connected": V("s", "yes"), "RSSI": V("s", "strong"), "UUIDs": V("i", 5),
                "Paired": V("s", "no"), "Class": V("s", "watch"),
                "ManufacturerData": V("a{sv}", {"0154": V("ay", b"\0" * 14)})})
        good.append("00:00:00:00:00:01")
        # company 0x0154 with a string; a name makes it a Pebble anyway
        dev(2, {"Address": V("s", "00:00:00:00:00:02"), "Name": V("s", "Pebble 0002"),
                "ManufacturerData": V("a{qv}", {0x0154: V("s", "pebble")})})
        good.append("00:00:00:00:00:02")
        # nameless, found by manufacturer data of every length
        for n, size in enumerate((0, 1, 13, 14, 300), start=3):
            payload = bytes([0] + [0x41] * 12 + [0xff] + [7] * 300)[:size]
            dev(n, {"Address": V("s", "00:00:00:00:00:%02X" % n),
                    "ManufacturerData": V("a{qv}", {0x0154: ay(payload),
                                                    0x0EEA: V("u", 1)})})
            good.append("00:00:00:00:00:%02X" % n)
        # not addresses: never listed
        dev(10, {"Name": V("s", "Pebble no address")})
        dev(11, {"Address": V("s", "hello"), "Name": V("s", "Pebble hello")})
        dev(12, {"Address": V("s", "ZZ:YY:XX:WW:VV:UU"), "Name": V("s", "Pebble junk")})
        dev(13, {"Address": V("i", 13), "Name": V("s", "Pebble int")})
        dev(14, {"Address": V("s", "00:00:00:00:00:0E"), "Name": V("ay", b"Pebble")})
        # a device with a bad type changing later
        self.dbusmock("/org/bluez/hci0/dev_01", "EmitSignal", "sssav",
                      "org.freedesktop.DBus.Properties", "PropertiesChanged", "sa{sv}as",
                      [V("s", DEVICE), V("a{sv}", {"Connected": V("s", "true"),
                                                   "Address": V("u", 3)}),
                       V("as", ["Alias"])])
        self.assert_eventually(lambda: [d[0] for d in self.manager("Discovered")] == good,
                               message="Discovered is not the valid Pebbles: %r" % (good,))
        self.check_discovered(self.manager("Discovered"))
        models = {d[0]: d[2] for d in self.manager("Discovered")}
        self.assertTrue(all(models.values()))
        # InterfacesRemoved takes a device off the list
        self.mock("RemoveRaw", "o", "/org/bluez/hci0/dev_02")
        good.remove("00:00:00:00:00:02")
        self.assert_eventually(lambda: [d[0] for d in self.manager("Discovered")] == good,
                               message="a removed device is still listed")

        self.call(ROOT, MANAGER, "StartDiscovery")
        self.assert_eventually(lambda: self.manager("Discovering"))
        # 500 Pebbles at once
        for i in range(500):
            address = "10:00:00:00:%02X:%02X" % (i // 256, i % 256)
            self.add_raw(dev_path(address), {DEVICE: {
                "Address": V("s", address), "Name": V("s", "Pebble %04d" % i),
                "RSSI": V("n", -40 - i % 50), "Adapter": V("o", "/org/bluez/hci0")}})
        self.assert_eventually(lambda: len(self.manager("Discovered")) == len(good) + 500,
                               timeout=120, message="not all 500 Pebbles are listed")
        self.check_discovered(self.manager("Discovered"))
        self.call(ROOT, MANAGER, "StopDiscovery")
        self.assert_eventually(lambda: not self.manager("Discovering"))

        # Pair: bad addresses are refused before BlueZ is asked
        for bad in ("hello", "ZZ:YY:XX:WW:VV:UU", "", "00:00:00:00:00:01:02"):
            self.assert_dbus_error("org.wearbridge.Error.InvalidArgs", self.call, ROOT, MANAGER,
                                   "Pair", "s", bad)
        self.assert_dbus_error("org.wearbridge.Error.DeviceNotFound", self.call, ROOT, MANAGER,
                               "Pair", "s", "00:00:00:00:00:99")
        # the malformed device has no methods at all: a clear error, no watch
        with self.assertRaises(GLib.Error) as ctx:
            self.call(ROOT, MANAGER, "Pair", "s", "00:00:00:00:00:01")
        self.assertTrue(Gio.DBusError.get_remote_error(ctx.exception).startswith(
            "org.wearbridge.Error."), ctx.exception.message)
        self.assertEqual(self.manager("Watches"), [])

    def test_connectivity_status_and_trigger(self):
        self.start_bluez()
        self.start_daemon()
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        fail = "raise dbus.exceptions.DBusException('nope', name='org.bluez.Error.Failed')"
        _, (status, trigger) = self.watch_device(chars=[
            (CONNECTIVITY_UUID, [("ReadValue", "a{sv}", "ay", "ret = dbus.Array([2], signature='y')")]),
            (TRIGGER_UUID, [("WriteValue", "aya{sv}", "", fail)]),
        ])
        self.assert_eventually(lambda: WATCH_ADDR in [d[0] for d in self.manager("Discovered")])
        # the trigger write fails: pairing goes on without it
        path = self.call(ROOT, MANAGER, "Pair", "s", WATCH_ADDR, timeout=30000)[0]
        self.assertEqual(path, WATCH_PATH)
        self.assertEqual(len(self.calls(trigger, "WriteValue")), 1)
        self.assertEqual(bytes(self.calls(trigger, "WriteValue")[0][1][0]), b"\x03")
        # the status says bonded; there is no way to carry PPoGATT (no GattManager1)
        self.assert_eventually(lambda: len(self.calls(status, "ReadValue")) >= 1)
        self.assert_eventually(lambda: "no way to reach" in self.prop(path, "LastError"))

        cases = [
            ("ay", "ret = dbus.Array([], signature='y')", "no way to reach"),
            ("ay", "ret = dbus.Array([0], signature='y')", "bond"),
            ("ay", "ret = dbus.Array([0xff] * 600, signature='y')", "no way to reach"),
            ("ay", "ret = dbus.Array([0x00] * 600, signature='y')", "bond"),
            ("s", "ret = 'bonded'", "no way to reach"),
            ("a{sv}", "ret = {'Value': dbus.Array([0], signature='y', variant_level=1)}",
             "no way to reach"),
            ("ay", fail, "no way to reach"),
        ]
        for out_sig, code, expect in cases:
            n = len(self.calls(status, "ReadValue"))
            self.dbusmock(status, "AddMethod", "sssss", CHR, "ReadValue", "a{sv}", out_sig, code)
            self.call(path, WATCH, "Disconnect")
            self.call_async(path, WATCH, "Connect", timeout=2000)
            self.assert_eventually(lambda: len(self.calls(status, "ReadValue")) > n,
                                   message="no status read for %s" % code)
            self.assert_eventually(lambda: expect in self.prop(path, "LastError"),
                                   message="%s: %s" % (code, self.prop(path, "LastError")))
            self.assertFalse(self.prop(path, "Connected"))
        self.call(path, WATCH, "Disconnect")

    def test_agent(self):
        self.start_bluez()
        self.start_daemon()
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        self.assert_eventually(
            lambda: {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}["agent"][1] == "ok",
            message="the agent was not registered")
        dev = dev_path(WATCH_ADDR)
        rejected = "org.bluez.Error.Rejected"
        for method, sig, args in [
                ("RequestConfirmation", "ou", (dev, 123456)),      # not pairing with it
                ("RequestConfirmation", "ou", (dev, 1000000)),
                ("RequestConfirmation", "ou", ("/", 0xffffffff)),
                ("RequestPinCode", "o", (dev,)),
                ("RequestPasskey", "o", (dev,)),
                ("RequestAuthorization", "o", (dev,)),
                ("AuthorizeService", "os", (dev, "00001101-0000-1000-8000-00805f9b34fb"))]:
            err, msg = self.as_bluez(AGENT_PATH, AGENT, method, sig, *args)
            self.assertEqual(err, rejected, "%s%r: %s" % (method, args, msg))
        for method, sig, args in [("DisplayPasskey", "ouq", (dev, 4000000000, 65535)),
                                  ("DisplayPinCode", "os", (dev, "x" * 300)),
                                  ("Cancel", "", ())]:
            err, msg = self.as_bluez(AGENT_PATH, AGENT, method, sig, *args)
            self.assertEqual(err, "", "%s: %s" % (method, msg))
        # arguments of the wrong type never reach our code
        err, _ = self.as_bluez(AGENT_PATH, AGENT, "RequestConfirmation", "su", "x", 1)
        self.assertEqual(err, "org.freedesktop.DBus.Error.InvalidArgs")
        self.assertEqual(self.confirmations, [])
        # an impostor is refused, whatever it asks
        for method, sig, args in [("RequestConfirmation", "ou", (dev, 123456)),
                                  ("DisplayPasskey", "ouq", (dev, 1, 0)),
                                  ("Cancel", None, ()), ("Release", None, ())]:
            self.assertEqual(self.as_impostor(AGENT_PATH, AGENT, method, sig, *args), rejected)
        findings = {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}
        self.assertEqual(findings["agent"][1], "ok")
        # bluetoothd releasing the agent is believed
        err, _ = self.as_bluez(AGENT_PATH, AGENT, "Release", "")
        self.assertEqual(err, "")
        findings = {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}
        self.assertEqual(findings["agent"][1], "warning")

    def gatt_objects(self):
        objs = self.sys_call(self.daemon_unique_name(), "/org/wearbridge/gatt",
                             "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
        by_uuid = {}
        for path, ifaces in objs.items():
            if CHR in ifaces:
                by_uuid.setdefault(ifaces[CHR]["UUID"], path)
        return by_uuid

    def test_gatt_application(self):
        self.start_bluez(gatt_manager=True)
        self.start_daemon()
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        self.assert_eventually(
            lambda: {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}["gatt-application"][1] == "ok")
        chars = self.gatt_objects()
        data, meta = chars[DATA_UUID], chars[META_UUID]
        # a paired watch whose link waits for the watch's PPoGATT session on our server
        self.watch_device()
        self.call(ROOT, MANAGER, "Pair", "s", WATCH_ADDR, timeout=30000)
        self.assert_eventually(lambda: self.prop(WATCH_PATH, "State") == "connecting")
        opts = {"device": V("o", DEV_PATH), "mtu": V("q", 185), "link": V("s", "LE")}
        for value in (b"", b"\x01", b"\x01\x02", bytes(range(256)) * 2 + b"\xff" * 88):
            for options in (opts, {}, {"device": V("s", DEV_PATH), "mtu": V("s", "185")},
                            {"device": V("o", DEV_PATH), "mtu": V("q", 0)},
                            {"device": V("o", DEV_PATH), "mtu": V("q", 65535)},
                            {"device": V("o", "/org/bluez/hci0/dev_00_00_00_00_00_01"),
                             "mtu": V("u", 23), "offset": V("s", "1")}):
                err, msg = self.as_bluez(data, CHR, "WriteValue", "aya{sv}", value, options)
                self.assertEqual(err, "", "%d bytes %r: %s" % (len(value), options, msg))
        # PPoGATT packets that are almost right: a reset request, data out of window, acks
        for value in (b"\x01\x00", b"\x01", b"\x00" + b"x" * 19, b"\x1f\xff", b"\x02\x07",
                      b"\x03" + b"\xff" * 600):
            err, msg = self.as_bluez(data, CHR, "WriteValue", "aya{sv}", value, opts)
            self.assertEqual(err, "", msg)
        err, _ = self.as_bluez(data, CHR, "WriteValue", "sa{sv}", "x", opts)
        self.assertEqual(err, "org.freedesktop.DBus.Error.InvalidArgs")
        err, _ = self.as_bluez(meta, CHR, "WriteValue", "aya{sv}", b"\x01", opts)
        self.assertEqual(err, "org.bluez.Error.NotPermitted")
        err, _ = self.as_bluez(data, CHR, "WriteValue", "aya{sv}", b"\x01",
                               {"offset": V("q", 4)})
        self.assertEqual(err, "org.bluez.Error.NotSupported")
        # reads
        err, value = self.as_bluez(meta, CHR, "ReadValue", "a{sv}", {"offset": V("s", "x"),
                                                                    "device": V("i", 1)})
        self.assertEqual((err, len(value[0])), ("", 19))
        err, value = self.as_bluez(meta, CHR, "ReadValue", "a{sv}", {"offset": V("q", 18)})
        self.assertEqual((err, value[0]), ("", [1]))
        err, _ = self.as_bluez(meta, CHR, "ReadValue", "a{sv}", {"offset": V("q", 65535)})
        self.assertEqual(err, "org.bluez.Error.InvalidOffset")
        # notifications: twice on, twice off, and not on a read-only characteristic
        for method in ("StartNotify", "StartNotify", "StopNotify", "StopNotify", "StopNotify",
                       "StartNotify"):
            err, msg = self.as_bluez(data, CHR, method, "")
            self.assertEqual(err, "", msg)
        for method in ("StartNotify", "StopNotify"):
            err, _ = self.as_bluez(meta, CHR, method, "")
            self.assertEqual(err, "org.bluez.Error.NotSupported")
        # AcquireWrite with bad options still hands out a socket
        for options in ({"mtu": V("s", "x")}, {"device": V("i", 3), "mtu": V("q", 0)},
                        {"mtu": V("q", 65535), "link": V("u", 1)}):
            err, value = self.as_bluez(data, CHR, "AcquireWrite", "a{sv}", options)
            self.assertEqual(err, "", value)
            self.assertEqual(value[0], "fd")
        err, _ = self.as_bluez(meta, CHR, "AcquireWrite", "a{sv}", {})
        self.assertEqual(err, "org.bluez.Error.NotSupported")
        # AcquireNotify hands out a socket too (bad options ignored); not on the meta
        for options in ({}, {"mtu": V("s", "x")}, {"mtu": V("q", 0), "link": V("u", 1)}):
            err, value = self.as_bluez(data, CHR, "AcquireNotify", "a{sv}", options)
            self.assertEqual(err, "", value)
            self.assertEqual(value[0], "fd")
        err, _ = self.as_bluez(meta, CHR, "AcquireNotify", "a{sv}", {})
        self.assertEqual(err, "org.bluez.Error.NotSupported")
        # an impostor gets nothing
        denied = "org.bluez.Error.NotAuthorized"
        self.assertEqual(self.as_impostor(data, CHR, "WriteValue", "aya{sv}", b"\x01\x00", opts),
                         denied)
        self.assertEqual(self.as_impostor(meta, CHR, "ReadValue", "a{sv}", {}), denied)
        self.assertEqual(self.as_impostor(data, CHR, "StartNotify"), denied)
        self.assertEqual(self.as_impostor(data, CHR, "StopNotify"), denied)
        self.assertEqual(self.as_impostor(data, CHR, "AcquireWrite", "a{sv}", {}), denied)
        self.call(WATCH_PATH, WATCH, "Disconnect")

    def test_bluez_vanishes_during_pair(self):
        self.start_bluez()
        self.start_daemon()
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        self.assert_eventually(
            lambda: {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}["agent"][1] == "ok")
        self.watch_device()
        self.mock("HangMethod", "oss", DEV_PATH, DEVICE, "Pair")
        pair = self.call_async(ROOT, MANAGER, "Pair", "s", WATCH_ADDR)
        self.assert_eventually(lambda: len(self.calls(DEV_PATH, "Pair")) == 1, timeout=60)
        # while pairing: an out-of-range passkey is refused, the real one is passed on
        err, _ = self.as_bluez(AGENT_PATH, AGENT, "RequestConfirmation", "ou", DEV_PATH, 1000000)
        self.assertEqual(err, "org.bluez.Error.Rejected")
        err, _ = self.as_bluez(AGENT_PATH, AGENT, "RequestConfirmation", "ou",
                               dev_path("00:00:00:00:00:01"), 123456)
        self.assertEqual(err, "org.bluez.Error.Rejected")
        err, _ = self.as_bluez(AGENT_PATH, AGENT, "RequestConfirmation", "ou", DEV_PATH, 999999)
        self.assertEqual(err, "")
        self.assert_eventually(lambda: (WATCH_ADDR, 999999) in self.confirmations)
        self.assert_dbus_error("org.wearbridge.Error.Busy", self.call, ROOT, MANAGER, "Pair", "s",
                               WATCH_ADDR)
        self.kill_bluez()
        self.assert_eventually(lambda: "error" in pair, message="Pair did not fail")
        self.assertEqual(pair["error"], "org.wearbridge.Error.BluetoothUnavailable", pair)
        self.assert_eventually(lambda: self.manager("Bluetooth") == "unavailable")
        self.assertEqual(self.manager("Watches"), [])
        # back, with another adapter
        self.start_bluez(adapter="hci1")
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        findings = {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}
        self.assertIn("/org/bluez/hci1", findings["adapter"][2])
        self.assert_eventually(
            lambda: {f[0]: f for f in self.call(ROOT, MANAGER, "Doctor")[0]}["agent"][1] == "ok")

    def test_bluez_vanishes_during_scan(self):
        self.start_bluez()
        self.start_daemon()
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        self.call(ROOT, MANAGER, "StartDiscovery")
        self.assert_eventually(lambda: self.manager("Discovering"))
        self.add_raw(dev_path("00:00:00:00:00:01"), {DEVICE: {
            "Address": V("s", "00:00:00:00:00:01"), "Name": V("s", "Pebble 0001")}})
        self.assert_eventually(lambda: len(self.manager("Discovered")) == 1)
        self.kill_bluez()
        self.assert_eventually(lambda: self.manager("Bluetooth") == "unavailable")
        self.assertFalse(self.manager("Discovering"))
        self.assertEqual(self.manager("Discovered"), [])
        self.assert_dbus_error("org.wearbridge.Error.BluetoothUnavailable", self.call, ROOT,
                               MANAGER, "StartDiscovery")
        self.call(ROOT, MANAGER, "StopDiscovery")
        self.start_bluez(adapter="hci1")
        self.assert_eventually(lambda: self.manager("Bluetooth") == "on")
        self.call(ROOT, MANAGER, "StartDiscovery")
        self.assert_eventually(lambda: self.manager("Discovering"))
        self.assertEqual(len(self.calls("/org/bluez/hci1", "StartDiscovery")), 1)
        # and it vanishes again while scanning, then the daemon stops with it gone
        self.kill_bluez()
        self.assert_eventually(lambda: not self.manager("Discovering"))


if __name__ == "__main__":
    main()
