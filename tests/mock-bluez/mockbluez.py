# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
'''What the tests of wb-mock-bluez share (test-mock-bluez*.py): a private dbus-daemon as the
system bus with the mock on it, a Gio connection to it, D-Bus calls spun to completion (the
mock may call back into the test before it replies), Pebble Protocol frames, and a runner
that makes each test method its own meson test (--list).'''

import os
import struct
import subprocess
import sys
import time
import unittest

from gi.repository import Gio, GLib

MOCK = os.environ.get('WB_MOCK_BLUEZ', 'wb-mock-bluez')
ADAPTER = '/org/bluez/hci0'
DEVICE = ADAPTER + '/dev_B0_B4_48_57_34_56'   # the LE watch
CONTROL = ('org.wearbridge.MockBluez', '/org/wearbridge/mock', 'org.wearbridge.MockBluez1')

EP_PING = 2001
EP_WATCH_VERSION = 16
EP_PHONE_APP_VERSION = 17


def frame(endpoint, payload):
    return struct.pack('>HH', len(payload), endpoint) + payload


class Phone:
    '''The phone end of PPoGATT, just enough for tests: answers the watch's Reset Request, or
    sends its own (start(), the reversed modes) and confirms the watch's Reset Complete; acks
    every Data packet at once; sends with go-back-N and a short retransmission timeout.'''

    def __init__(self, send_packet, mtu=185):
        self.send_packet = send_packet
        self.mtu = mtu
        self.log = []            # (type, sn, payload) of every packet from the watch
        self.reset_requests = []
        self.opened = False
        self.initiated = False   # we sent the Reset Request
        self.stream = b''
        self.frames = []
        self.rx_next = 0
        self.tx_next = 0         # sn of the next new packet
        self.unacked = []        # [(sn, packet)]
        self.pending = []        # payloads not sent yet
        self.window = 4
        self.last_progress = 0.0

    def start(self):
        # §10.9: LP3's phone-initiated Reset Request carries only the version
        self.opened = False
        self.initiated = True
        self.rx_next = self.tx_next = 0
        self.unacked.clear()
        self.send_packet(bytes([0x02, 0x01]))

    def receive(self, pkt):
        if not pkt:
            return
        kind, sn, payload = pkt[0] & 7, pkt[0] >> 3, pkt[1:]
        self.log.append((kind, sn, payload))
        if kind == 2:  # Reset Request: version + serial (§10.10 step 1); answer, then wait
            self.reset_requests.append(payload)
            self.opened = False
            self.initiated = False
            self.rx_next = self.tx_next = 0
            self.unacked.clear()
            version = payload[0] if payload else 0
            self.send_packet(bytes([3, 25, 25]) if version >= 1 else bytes([3]))
        elif kind == 3 and not self.opened:
            # §10.10: the responder's Reset Complete: negotiate, confirm if we initiated, open
            if len(payload) >= 2:
                self.window = min(25, payload[0])
            if self.initiated:
                self.send_packet(bytes([3, 25, 25]))
            self.opened = True
            self.last_progress = time.monotonic()
            self.flush()
        elif kind == 0 and self.opened:
            if sn == self.rx_next:
                self.stream += payload
                self.rx_next = (self.rx_next + 1) % 32
                self.parse()
            self.send_packet(bytes([((self.rx_next - 1) % 32) << 3 | 1]))
        elif kind == 1:
            acked = [s for s, _ in self.unacked]
            if sn in acked:
                self.unacked = self.unacked[acked.index(sn) + 1:]
                self.last_progress = time.monotonic()
                self.flush()

    def parse(self):
        while len(self.stream) >= 4:
            length, endpoint = struct.unpack('>HH', self.stream[:4])
            if len(self.stream) < 4 + length:
                return
            self.frames.append((endpoint, self.stream[4:4 + length]))
            self.stream = self.stream[4 + length:]

    def write(self, data):
        step = self.mtu - 4
        self.pending += [data[i:i + step] for i in range(0, len(data), step)]
        self.flush()

    def flush(self):
        while self.opened and self.pending and len(self.unacked) < self.window:
            pkt = bytes([self.tx_next << 3]) + self.pending.pop(0)
            self.unacked.append((self.tx_next, pkt))
            self.tx_next = (self.tx_next + 1) % 32
            self.send_packet(pkt)
        if not self.unacked:
            self.last_progress = time.monotonic()

    def tick(self, timeout=0.4):
        '''go-back-N: resend everything in flight after @timeout without progress'''
        if self.opened and self.unacked and time.monotonic() - self.last_progress > timeout:
            self.last_progress = time.monotonic()
            for _, pkt in self.unacked:
                self.send_packet(pkt)


class MockBluezCase(unittest.TestCase):
    '''The bus and the mock for one test; subclasses add the phone's side.'''

    device_path = DEVICE  # the watch device_prop() asks about by default

    def setUp(self):
        self.registrations = []  # objects this test exported on self.conn
        out = subprocess.run(['dbus-daemon', '--session', '--fork', '--print-address=1',
                              '--print-pid=1'], check=True, capture_output=True, text=True)
        self.address, pid = out.stdout.split('\n')[:2]
        self.addCleanup(os.kill, int(pid), 15)
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        self.mock_log = open(os.path.join(os.environ.get('TMPDIR', '/tmp'),
                                          f'wb-mock-bluez-{type(self).__name__}-{os.getpid()}.log'),
                             'w+')
        self.addCleanup(self.dump_log)
        self.mock = subprocess.Popen([MOCK], env=env, stdout=self.mock_log,
                                     stderr=subprocess.STDOUT)
        self.addCleanup(self.stop_mock)
        self.conn = self.connect_bus()
        self.wait_until(lambda: self.has_owner('org.bluez') and
                        self.has_owner('org.wearbridge.MockBluez'), 5, 'mock on the bus')
        self.removed = []
        self.conn.signal_subscribe('org.bluez', 'org.freedesktop.DBus.ObjectManager',
                                   'InterfacesRemoved', '/', None, Gio.DBusSignalFlags.NONE,
                                   lambda c, s, p, i, n, params: self.removed.append(
                                       params.unpack()[0]))

    def connect_bus(self):
        conn = Gio.DBusConnection.new_for_address_sync(
            self.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        conn.set_exit_on_close(False)
        self.addCleanup(lambda: conn.is_closed() or conn.close_sync(None))
        return conn

    def stop_mock(self):
        for reg in self.registrations:
            self.conn.unregister_object(reg)
        self.mock.terminate()
        try:
            self.mock.wait(5)
        except subprocess.TimeoutExpired:
            self.mock.kill()
            self.mock.wait()

    def dump_log(self):
        self.mock_log.seek(0)
        log = self.mock_log.read()
        self.mock_log.close()
        os.unlink(self.mock_log.name)
        # meson keeps this in the test log: the mock's side of what happened
        print('\n'.join(log.splitlines()[-80:]), file=sys.stderr)

    # -------------------------------------------------------------- plumbing

    def tick(self):
        '''Called while the main loop spins: the phone's timers (subclasses).'''

    def spin(self, seconds):
        end = time.monotonic() + seconds
        ctx = GLib.MainContext.default()
        while time.monotonic() < end:
            if not ctx.iteration(False):
                time.sleep(0.002)
            self.tick()

    def wait_until(self, pred, timeout, what):
        end = time.monotonic() + timeout
        ctx = GLib.MainContext.default()
        while not pred():
            if time.monotonic() > end:
                self.fail(f'timed out waiting for {what}')
            if not ctx.iteration(False):
                time.sleep(0.002)
            self.tick()

    def has_owner(self, name):
        return self.conn.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                   'org.freedesktop.DBus', 'NameHasOwner',
                                   GLib.Variant('(s)', (name,)), None, 0, -1, None)[0]

    def call(self, dest, path, iface, method, sig=None, args=(), conn=None):
        '''An async call spun to completion (the mock may call back into us before it replies)'''
        box = {}

        def done(c, res):
            try:
                box['ret'] = c.call_finish(res)
            except GLib.Error as e:
                box['err'] = e
        (conn or self.conn).call(dest, path, iface, method,
                                 GLib.Variant(sig, args) if sig else None, None,
                                 Gio.DBusCallFlags.NONE, 10000, None, done)
        self.wait_until(lambda: box, 15, method)
        if 'err' in box:
            raise box['err']
        return box['ret'].unpack()

    def bluez(self, path, iface, method, sig=None, args=()):
        return self.call('org.bluez', path, iface, method, sig, args)

    def control(self, method, sig=None, args=()):
        return self.call(*CONTROL, method, sig, args)

    def device_prop(self, name, path=None):
        return self.bluez(path or self.device_path, 'org.freedesktop.DBus.Properties', 'Get', '(ss)',
                          ('org.bluez.Device1', name))[0]

    def objects(self):
        return self.bluez('/', 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects')[0]


def main(case):
    '''Runs the tests of @case named on the command line (all without names); --list prints
    their names for meson.'''
    names = unittest.TestLoader().getTestCaseNames(case)
    if '--list' in sys.argv[1:]:
        print('\n'.join(names))
        return 0
    wanted = [a for a in sys.argv[1:] if not a.startswith('-')] or names
    suite = unittest.TestSuite(case(n) for n in wanted)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1
