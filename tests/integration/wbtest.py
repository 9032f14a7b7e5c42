# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Harness for wearbridge's black-box tests: a private session bus, the real daemon binary,
the simulated watch, and helpers to wait for things without fixed sleeps.

Run with Debian's /usr/bin/python3 (it has gi). WB_BUILD_DIR points at the meson build dir.
Set WB_VALGRIND=1 to run the daemon under valgrind (the meson 'valgrind' suite does)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BUILD_DIR = os.environ.get("WB_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
DAEMON = os.path.join(BUILD_DIR, "daemon", "wearbridged")
SIM = os.path.join(BUILD_DIR, "simulator", "wearbridge-watchsim")
WEARCTL = os.path.join(BUILD_DIR, "client", "wearctl")
BUS_NAME = "org.wearbridge"
ROOT = "/org/wearbridge"
MANAGER = "org.wearbridge.Manager1"
WATCH = "org.wearbridge.Watch1"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sim:
    """The simulated watch, driven through its stdin control channel (JSON answers)."""

    def __init__(self, env, port=0, args=(), log=None):
        cmd = [SIM, "--port", str(port), *args]
        # stderr goes to a file: an unread pipe would fill and stall the simulator
        self.log = open(log or os.devnull, "a")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, env=env, text=True, bufsize=1)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError("simulator did not start: %r" % (line,))
        self.port = int(line.rsplit(":", 1)[1])
        self.address = "127.0.0.1:%d" % self.port

    def control(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            if line == "":
                raise RuntimeError("simulator exited")
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)

    def state(self):
        return self.control("state")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.log):
            try:
                f.close()
            except OSError:
                pass

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


class WbTestCase(unittest.TestCase):
    """One private session bus, one data/config home, the daemon and simulators per test."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="wb-test-")
        self.bus_proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.bus_address = self.bus_proc.stdout.readline().strip()
        self.env = dict(os.environ)
        self.env.update({
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "XDG_DATA_HOME": os.path.join(self.tmp, "data"),
            "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"),
            "XDG_RUNTIME_DIR": self.tmp,
            "G_DEBUG": "fatal-criticals",
            "G_MESSAGES_DEBUG": "all",
            "NO_COLOR": "1",
        })
        # hermetic: no test talks to the machine's system bus (Bluetooth tests start their own)
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + os.path.join(self.tmp, "no-system-bus")
        self.bus = Gio.DBusConnection.new_for_address_sync(
            self.bus_address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        self.bus.set_exit_on_close(False)
        self.daemon = None
        self.daemon_runs = 0
        self.sims = []
        self.signals = []
        self.bus.signal_subscribe(BUS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                  None, None, Gio.DBusSignalFlags.NONE, self._on_signal)

    def _on_signal(self, conn, sender, path, iface, name, params):
        self.signals.append((path, params.unpack()))

    def tearDown(self):
        for sim in self.sims:
            sim.stop()
        if self.daemon is not None and self.daemon.poll() is None:
            self.stop_daemon()
        self.bus.close_sync(None)
        self.bus_proc.terminate()
        self.bus_proc.wait()
        self.bus_proc.stdout.close()
        failed = any(e for _, e in (getattr(self._outcome, "errors", None) or []) if e)
        if failed or os.environ.get("WB_KEEP_LOGS"):
            self.dump_logs()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def dump_logs(self):
        for i in range(self.daemon_runs):
            path = os.path.join(self.tmp, "daemon-%d.log" % i)
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    sys.stderr.write("---- daemon log %d ----\n%s\n" % (i, f.read()[-20000:]))

    # ---- processes ----
    def start_sim(self, port=0, args=()):
        sim = Sim(self.env, port, args, log=os.path.join(self.tmp, "sim-%d.log" % len(self.sims)))
        self.sims.append(sim)
        return sim

    def start_daemon(self, args=()):
        log = open(os.path.join(self.tmp, "daemon-%d.log" % self.daemon_runs), "w")
        self.daemon_runs += 1
        cmd = [DAEMON, "-v", *args]
        if os.environ.get("WB_VALGRIND"):
            cmd = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite",
                   "--errors-for-leak-kinds=definite", "--error-exitcode=99", "--num-callers=40",
                   "--suppressions=" + os.path.join(os.path.dirname(__file__), "valgrind.supp"),
                   *cmd]
        self.daemon = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.assert_eventually(lambda: self.name_has_owner(BUS_NAME), timeout=60 if os.environ.get("WB_VALGRIND") else 10,
                               message="wearbridged did not appear on the bus")
        return self.daemon

    def stop_daemon(self, expect_status=0):
        self.daemon.send_signal(signal.SIGTERM)
        rc = self.daemon.wait(timeout=60)
        self.assertEqual(rc, expect_status, "wearbridged exit status after SIGTERM")
        self.assert_eventually(lambda: not self.name_has_owner(BUS_NAME))

    def kill_daemon(self):
        self.daemon.kill()
        self.daemon.wait()
        self.assert_eventually(lambda: not self.name_has_owner(BUS_NAME))

    def wearctl(self, *args, check=True):
        r = subprocess.run([WEARCTL, *args], env=self.env, capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            self.fail("wearctl %s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    # ---- D-Bus ----
    def name_has_owner(self, name):
        r = self.bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", GLib.Variant("(s)", (name,)), GLib.VariantType("(b)"),
                               Gio.DBusCallFlags.NONE, 5000, None)
        return r.unpack()[0]

    def call(self, path, iface, method, signature=None, *args, timeout=40000):
        params = GLib.Variant("(%s)" % signature, args) if signature else None
        r = self.bus.call_sync(BUS_NAME, path, iface, method, params, None,
                               Gio.DBusCallFlags.NO_AUTO_START, timeout, None)
        return r.unpack() if r is not None else ()

    def props(self, path, iface=WATCH):
        return self.call(path, "org.freedesktop.DBus.Properties", "GetAll", "s", iface)[0]

    def prop(self, path, name, iface=WATCH):
        return self.props(path, iface)[name]

    def connect_emulator(self, sim):
        return self.call(ROOT, MANAGER, "ConnectEmulator", "s", sim.address)[0]

    def assert_dbus_error(self, name, fn, *args, **kwargs):
        with self.assertRaises(GLib.Error) as ctx:
            fn(*args, **kwargs)
        remote = Gio.DBusError.get_remote_error(ctx.exception)
        self.assertEqual(remote, name, ctx.exception.message)
        return ctx.exception

    def assert_eventually(self, predicate, timeout=10, message=None):
        ctx = GLib.MainContext.default()
        deadline = time.monotonic() + timeout
        while True:
            while ctx.iteration(False):
                pass
            if predicate():
                return
            if time.monotonic() > deadline:
                self.fail(message or "condition not met within %s s" % timeout)
            if self.daemon is not None and self.daemon.poll() is not None and self.daemon.returncode not in (0, None):
                self.fail("wearbridged died with status %d" % self.daemon.returncode)
            time.sleep(0.01)

    def wait_connected(self, path, timeout=15):
        self.assert_eventually(lambda: self.prop(path, "Connected"), timeout,
                               "%s did not connect" % path)

    def changes(self, path, prop):
        """Values of @prop in PropertiesChanged signals seen for @path, in order."""
        out = []
        for p, (iface, changed, _) in self.signals:
            if p == path and prop in changed:
                out.append(changed[prop])
        return out


class SystemBusTestCase(WbTestCase):
    """WbTestCase plus a private "system bus" for a stand-in bluetoothd (and logind), with the
    daemon pointed at it (DBUS_SYSTEM_BUS_ADDRESS)."""

    def setUp(self):
        super().setUp()
        self.sys_proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.sys_address = self.sys_proc.stdout.readline().strip()
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = self.sys_address
        self.sys = Gio.DBusConnection.new_for_address_sync(
            self.sys_address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        self.sys.set_exit_on_close(False)
        self.confirmations = []  # Manager1.PairingConfirmation (address, passkey)
        self.bus.signal_subscribe(BUS_NAME, MANAGER, "PairingConfirmation", ROOT, None,
                                  Gio.DBusSignalFlags.NONE,
                                  lambda *a: self.confirmations.append(a[5].unpack()))

    def stop_system_bus(self):
        self.sys.close_sync(None)
        self.sys_proc.terminate()
        self.sys_proc.wait()
        self.sys_proc.stdout.close()

    def sys_has_owner(self, name):
        r = self.sys.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", GLib.Variant("(s)", (name,)), GLib.VariantType("(b)"),
                               Gio.DBusCallFlags.NONE, 5000, None)
        return r.unpack()[0]

    def manager(self, name):
        return self.prop(ROOT, name, MANAGER)

    def daemon_log(self):
        with open(os.path.join(self.tmp, "daemon-%d.log" % (self.daemon_runs - 1)), errors="replace") as f:
            return f.read()


def main():
    """Runs one test method (argv[1]) or, with --list, prints the test ids for meson."""
    module = sys.modules["__main__"]
    if len(sys.argv) > 1 and sys.argv[1] == "--list":
        loader = unittest.TestLoader()
        for test in loader.loadTestsFromModule(module):
            for t in test:
                print(t.id().split(".", 1)[1])
        return
    unittest.main(module=module, argv=[sys.argv[0], *sys.argv[1:]], verbosity=2)


class NotificationServer:
    """python3-dbusmock's notification_daemon on the test's session bus."""

    def __init__(self, test, capabilities="body body-markup actions"):
        self.test = test
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", "dbusmock", "--template", "notification_daemon",
             "-p", json.dumps({"capabilities": capabilities})],
            env=test.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        test.assert_eventually(lambda: test.name_has_owner("org.freedesktop.Notifications"),
                               message="the mock notification server did not start")

    def calls(self, method):
        r = self.test.bus.call_sync("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                    "org.freedesktop.DBus.Mock", "GetMethodCalls",
                                    GLib.Variant("(s)", (method,)), None, Gio.DBusCallFlags.NONE,
                                    5000, None)
        return [args for _, args in r.unpack()[0]]

    def emit_closed(self, server_id, reason=2):
        self.test.bus.call_sync("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                "org.freedesktop.DBus.Mock", "EmitSignal",
                                GLib.Variant("(sssav)", ("org.freedesktop.Notifications",
                                                         "NotificationClosed", "uu",
                                                         [GLib.Variant("u", server_id),
                                                          GLib.Variant("u", reason)])),
                                None, Gio.DBusCallFlags.NONE, 5000, None)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


def notifications(sim):
    """The notifications the simulated watch holds, in insertion order."""
    r = sim.control("dump blobdb notifications")
    return r["blobdb"]["notifications"]


# ---- added for test_health.py ----
HEALTH = "org.wearbridge.Health1"


def subscribe_signals(test, iface, member):
    """A list that collects (path, args) of every @iface.@member signal of the daemon while
    @test runs (the list fills as test.assert_eventually() iterates the main context)."""
    seen = []

    def on_signal(conn, sender, path, iface_, name, params):
        seen.append((path, params.unpack()))

    sub = test.bus.signal_subscribe(BUS_NAME, iface, member, None, None,
                                    Gio.DBusSignalFlags.NONE, on_signal)
    test.addCleanup(test.bus.signal_unsubscribe, sub)
    return seen
