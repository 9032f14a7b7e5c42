#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
'''Tests of wb-mock-bluez's classic (BR/EDR) watch (docs/mock-bluez.md, docs/rfcomm.md): a
private dbus-daemon as the system bus, the mock, and a small Gio client in this process that
plays the phone: an Agent1 and an org.bluez.Profile1 for the Serial Port Profile, registered
with ProfileManager1. Device1.ConnectProfile(SPP) hands it one end of the "RFCOMM" stream;
raw Pebble Protocol frames (reference §11) flow on it.

Run one test:  test-mock-bluez-classic.py NAME   (NAME from --list); WB_MOCK_BLUEZ names the
binary.
'''

import json
import os
import socket
import struct
import sys

from gi.repository import Gio, GLib

from mockbluez import ADAPTER, EP_PHONE_APP_VERSION, EP_PING, EP_WATCH_VERSION, MockBluezCase
from mockbluez import DEVICE as LE_DEVICE
from mockbluez import frame, main

DEVICE = ADAPTER + '/dev_B0_B4_48_12_C1_A5'
PROFILE = '/test/profile'
AGENT = '/test/agent'
SPP = '00001101-0000-1000-8000-00805f9b34fb'
SERIAL = b'WBSIM0000002'

XML = '''<node>
 <interface name="org.bluez.Profile1">
  <method name="Release"/>
  <method name="NewConnection"><arg type="o" direction="in"/><arg type="h" direction="in"/>
   <arg type="a{sv}" direction="in"/></method>
  <method name="RequestDisconnection"><arg type="o" direction="in"/></method>
 </interface>
 <interface name="org.bluez.Agent1">
  <method name="Release"/>
  <method name="RequestConfirmation"><arg type="o" direction="in"/><arg type="u" direction="in"/></method>
  <method name="Cancel"/>
 </interface>
</node>'''
NODE = Gio.DBusNodeInfo.new_for_xml(XML)
IFACES = {i.name: i for i in NODE.interfaces}


# §2.3: PhoneAppVersion response, 25 bytes: Linux, response version 2, app 4.4.2, no caps
PHONE_APP_VERSION = (b'\x01' + struct.pack('>III', 0xFFFFFFFF, 0, 4) + bytes([2, 4, 4, 2]) +
                     struct.pack('<Q', 0))


class ClassicTest(MockBluezCase):

    device_path = DEVICE

    def setUp(self):
        super().setUp()
        self.confirmations = []
        self.connections = []    # (device, socket, props) from NewConnection
        self.disconnections = []
        self.refuse_connection = False
        self.stream = b''

    def stop_mock(self):
        for _, sock, _ in self.connections:
            sock.close()
        super().stop_mock()

    def link_state(self):
        return json.loads(self.control('ClassicLinkState')[0])

    def assert_bluez_error(self, name, fn, *args):
        with self.assertRaises(GLib.Error) as cm:
            fn(*args)
        self.assertIn(name, cm.exception.message)
        return cm.exception

    # -------------------------------------------------------------- the phone's objects

    def on_call(self, conn, sender, path, iface, method, params, inv):
        if method == 'NewConnection':
            device, index, props = params.unpack()
            fds = inv.get_message().get_unix_fd_list()
            if self.refuse_connection:
                for fd in fds.steal_fds():
                    os.close(fd)
                inv.return_dbus_error('org.bluez.Error.Rejected', 'not now')
                return
            # take the fds out of the message: a copy left there would keep the channel open
            # after we close ours
            taken = fds.steal_fds()
            sock = socket.socket(fileno=taken.pop(index))
            for fd in taken:
                os.close(fd)
            sock.setblocking(False)
            self.connections.append((device, sock, props))
            inv.return_value(None)
        elif method == 'RequestDisconnection':
            self.disconnections.append(params.unpack()[0])
            inv.return_value(None)
        elif method == 'RequestConfirmation':
            self.confirmations.append(params.unpack())
            inv.return_value(None)
        elif method in ('Release', 'Cancel'):
            inv.return_value(None)
        else:
            inv.return_dbus_error('org.bluez.Error.NotSupported', method)

    def export(self):
        self.registrations.append(self.conn.register_object(
            AGENT, IFACES['org.bluez.Agent1'], self.on_call, None, None))
        self.registrations.append(self.conn.register_object(
            PROFILE, IFACES['org.bluez.Profile1'], self.on_call, None, None))
        self.bluez('/org/bluez', 'org.bluez.AgentManager1', 'RegisterAgent', '(os)',
                   (AGENT, 'DisplayYesNo'))

    def register_profile(self, **options):
        opts = {'Name': GLib.Variant('s', 'wearbridge Pebble'),
                'Role': GLib.Variant('s', 'client'),
                'RequireAuthentication': GLib.Variant('b', True),
                'RequireAuthorization': GLib.Variant('b', False),
                'AutoConnect': GLib.Variant('b', False)}
        opts.update(options)
        self.bluez('/org/bluez', 'org.bluez.ProfileManager1', 'RegisterProfile', '(osa{sv})',
                   (PROFILE, SPP, opts))

    def discover(self):
        self.bluez(ADAPTER, 'org.bluez.Adapter1', 'SetDiscoveryFilter', '(a{sv})',
                   ({'Transport': GLib.Variant('s', 'bredr')},))
        self.bluez(ADAPTER, 'org.bluez.Adapter1', 'StartDiscovery')
        self.wait_until(lambda: DEVICE in self.objects(), 5, 'the classic watch in the scan')
        dev = self.objects()[DEVICE]['org.bluez.Device1']
        self.bluez(ADAPTER, 'org.bluez.Adapter1', 'StopDiscovery')
        return dev

    def sock(self):
        return self.connections[-1][1]

    def read_frame(self, timeout=5):
        '''the next whole frame from the stream (§11: header, then length bytes)'''
        def have():
            try:
                data = self.sock().recv(65536)
                self.stream += data
                if not data:
                    raise EOFError
            except BlockingIOError:
                pass
            return (len(self.stream) >= 4 and
                    len(self.stream) >= 4 + struct.unpack('>H', self.stream[:2])[0])
        self.wait_until(have, timeout, 'a frame from the watch')
        length, endpoint = struct.unpack('>HH', self.stream[:4])
        payload = self.stream[4:4 + length]
        self.stream = self.stream[4 + length:]
        return endpoint, payload

    def read_until(self, endpoint):
        '''the next frame for @endpoint; the watch sends others unasked (AppRunState…)'''
        while True:
            got, payload = self.read_frame()
            if got == endpoint:
                return payload

    def wait_eof(self, sock):
        def eof():
            try:
                return sock.recv(65536) == b''
            except BlockingIOError:
                return False
            except ConnectionResetError:
                return True
        self.wait_until(eof, 5, 'EOF on the RFCOMM socket')

    def connect_profile(self):
        self.bluez(DEVICE, 'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        self.assertTrue(self.device_prop('Connected'))
        self.stream = b''

    def pair_and_connect(self):
        self.export()
        self.register_profile()
        self.discover()
        self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        self.connect_profile()
        # §2.1, §11: the watch speaks first, the PhoneAppVersion request
        self.assertEqual(self.read_frame(), (EP_PHONE_APP_VERSION, b'\x00'))

    # -------------------------------------------------------------- tests

    def test_classic_scan_pair_connect_profile(self):
        self.export()
        dev = self.discover()
        self.assertEqual(dev['Name'], 'Pebble Time C1A5')  # §10.3 classic name
        self.assertEqual(dev['Address'], 'B0:B4:48:12:C1:A5')
        self.assertEqual(dev['AddressType'], 'public')
        self.assertEqual(dev['Class'], 0x240704)
        self.assertIn(SPP, dev['UUIDs'])
        self.assertEqual(dev.get('ManufacturerData', {}), {})
        self.assertFalse(dev['Paired'])
        self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        self.assertEqual(self.confirmations, [(DEVICE, 123456)])
        self.assertTrue(self.device_prop('Paired'))
        self.assertTrue(self.device_prop('Bonded'))
        self.assertFalse(self.device_prop('Connected'))

        self.register_profile()
        self.bluez(DEVICE, 'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        # NewConnection came before the reply, for the classic device, with a stream socket
        self.assertEqual(len(self.connections), 1)
        device, sock, props = self.connections[0]
        self.assertEqual(device, DEVICE)
        self.assertEqual(sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM)
        self.assertEqual(props, {})
        self.assertTrue(self.device_prop('Connected'))
        self.assertEqual(self.read_frame(), (EP_PHONE_APP_VERSION, b'\x00'))

        sock.send(frame(EP_PHONE_APP_VERSION, PHONE_APP_VERSION))
        sock.send(frame(EP_WATCH_VERSION, b'\x00'))
        reply = self.read_until(EP_WATCH_VERSION)
        self.assertEqual(reply[0], 1)
        self.assertIn(b'v4.3', reply)
        self.assertIn(SERIAL, reply)
        state = json.loads(self.control('ClassicWatchControl', '(s)', ('state',))[0])
        self.assertTrue(state['ok'])
        self.assertEqual(state['watch_version_requests'], 1)
        self.assertEqual(state['rfcomm'], 'open')
        self.assertTrue(state['connected'])
        link = self.link_state()
        self.assertTrue(link['connected'])
        self.assertTrue(link['paired'])
        self.assertTrue(link['profile'])
        self.assertEqual(link['rfcomm'], 'open')
        self.assertEqual(link['bytes_to_watch'], 4 + 25 + 5)
        self.assertGreaterEqual(link['bytes_to_phone'], 5 + 4 + len(reply))
        # the LE watch is a separate device, untouched
        self.assertFalse(self.device_prop('Connected', LE_DEVICE))

    def test_classic_ping_both_ways(self):
        self.pair_and_connect()
        for cookie in range(20):
            self.sock().send(frame(EP_PING, b'\x00' + struct.pack('>I', cookie)))
        pongs = [self.read_until(EP_PING) for _ in range(20)]
        self.assertEqual(pongs, [b'\x01' + struct.pack('>I', c) for c in range(20)])
        answer = json.loads(self.control('ClassicWatchControl', '(s)', ('ping',))[0])
        self.assertTrue(answer['ok'])
        self.assertEqual(self.read_until(EP_PING)[0], 0)  # the watch's own Ping

    def test_classic_drop_link(self):
        self.pair_and_connect()
        sock = self.sock()
        self.control('DropClassicLink')
        self.wait_eof(sock)
        self.wait_until(lambda: not self.device_prop('Connected'), 5, 'Connected false')
        self.assertEqual(self.disconnections, [], 'a link loss is no RequestDisconnection')
        self.assertEqual(self.link_state()['rfcomm'], 'none')
        state = json.loads(self.control('ClassicWatchControl', '(s)', ('state',))[0])
        self.assertFalse(state['session_open'])
        # the phone connects again: a new channel, a new session
        self.connect_profile()
        self.assertEqual(len(self.connections), 2)
        self.assertEqual(self.read_frame(), (EP_PHONE_APP_VERSION, b'\x00'))

    def test_classic_phone_closes(self):
        self.pair_and_connect()
        self.sock().close()
        self.wait_until(lambda: not self.device_prop('Connected'), 5, 'Connected false')
        self.assertEqual(self.link_state()['rfcomm'], 'none')

    def test_classic_disconnect_requests_disconnection(self):
        self.pair_and_connect()
        sock = self.sock()
        self.bluez(DEVICE, 'org.bluez.Device1', 'Disconnect')
        self.assertEqual(self.disconnections, [DEVICE])
        self.wait_eof(sock)
        self.assertFalse(self.device_prop('Connected'))
        self.assert_bluez_error('org.bluez.Error.NotConnected', self.bluez, DEVICE,
                                'org.bluez.Device1', 'Disconnect')
        # DisconnectProfile does the same
        self.connect_profile()
        self.read_frame()
        sock = self.sock()
        self.bluez(DEVICE, 'org.bluez.Device1', 'DisconnectProfile', '(s)', (SPP,))
        self.assertEqual(self.disconnections, [DEVICE, DEVICE])
        self.wait_eof(sock)
        self.assert_bluez_error('org.bluez.Error.NotConnected', self.bluez, DEVICE,
                                'org.bluez.Device1', 'DisconnectProfile', '(s)', (SPP,))

    def test_classic_profile_manager_errors(self):
        self.export()
        self.register_profile()
        self.assert_bluez_error('org.bluez.Error.AlreadyExists', self.register_profile)
        self.assert_bluez_error('org.bluez.Error.InvalidArguments', self.bluez, '/org/bluez',
                                'org.bluez.ProfileManager1', 'RegisterProfile', '(osa{sv})',
                                ('/test/other', 'not-a-uuid', {}))
        self.assert_bluez_error('org.bluez.Error.InvalidArguments', self.bluez, '/org/bluez',
                                'org.bluez.ProfileManager1', 'RegisterProfile', '(osa{sv})',
                                ('/test/other', SPP, {'AutoConnect': GLib.Variant('s', 'no')}))
        self.assert_bluez_error('org.bluez.Error.DoesNotExist', self.bluez, '/org/bluez',
                                'org.bluez.ProfileManager1', 'UnregisterProfile', '(o)',
                                ('/test/other',))
        self.bluez('/org/bluez', 'org.bluez.ProfileManager1', 'UnregisterProfile', '(o)',
                   (PROFILE,))
        self.assertFalse(self.link_state()['profile'])
        # another client's registration is not ours to remove
        other = self.connect_bus()
        self.call('org.bluez', '/org/bluez', 'org.bluez.ProfileManager1', 'RegisterProfile',
                  '(osa{sv})', (PROFILE, SPP, {}), conn=other)
        self.assert_bluez_error('org.bluez.Error.DoesNotExist', self.bluez, '/org/bluez',
                                'org.bluez.ProfileManager1', 'UnregisterProfile', '(o)',
                                (PROFILE,))
        self.assertTrue(self.link_state()['profile'])
        # a client that leaves loses its profiles
        other.close_sync(None)
        self.wait_until(lambda: not self.link_state()['profile'], 5, 'profile forgotten')

    def test_classic_connect_profile_errors(self):
        self.export()
        self.discover()
        self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        # no profile registered for SPP
        self.assert_bluez_error('org.bluez.Error.NotAvailable', self.bluez, DEVICE,
                                'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        self.register_profile()
        self.assert_bluez_error('org.bluez.Error.NotAvailable', self.bluez, DEVICE,
                                'org.bluez.Device1', 'ConnectProfile', '(s)',
                                ('0000110a-0000-1000-8000-00805f9b34fb',))
        self.assert_bluez_error('org.bluez.Error.InvalidArguments', self.bluez, DEVICE,
                                'org.bluez.Device1', 'ConnectProfile', '(s)', ('spp',))
        # BR/EDR Connect() with no auto-connect profile has nothing to connect
        self.assert_bluez_error('org.bluez.Error.NotAvailable', self.bluez, DEVICE,
                                'org.bluez.Device1', 'Connect')
        # out of range: the page times out
        self.control('SetClassicVisible', '(b)', (False,))
        self.assertIn(DEVICE, self.objects(), 'a paired device stays')
        err = self.assert_bluez_error('org.bluez.Error.Failed', self.bluez, DEVICE,
                                      'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        self.assertIn('Host is down', err.message)
        self.control('SetClassicVisible', '(b)', (True,))
        # adapter off
        self.control('SetPowered', '(b)', (False,))
        self.assert_bluez_error('org.bluez.Error.NotReady', self.bluez, DEVICE,
                                'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        self.control('SetPowered', '(b)', (True,))
        # the profile refuses the connection
        self.refuse_connection = True
        self.assert_bluez_error('org.bluez.Error.Failed', self.bluez, DEVICE,
                                'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        self.assertFalse(self.device_prop('Connected'))
        self.refuse_connection = False
        self.connect_profile()
        self.assert_bluez_error('org.bluez.Error.AlreadyConnected', self.bluez, DEVICE,
                                'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        self.assertEqual(len(self.connections), 1)

    def test_classic_connect_pairs_first(self):
        # RequireAuthentication on an unpaired watch: bluetoothd pairs through the agent
        self.export()
        self.register_profile()
        self.discover()
        self.connect_profile()
        self.assertEqual(self.confirmations, [(DEVICE, 123456)])
        self.assertTrue(self.device_prop('Paired'))
        self.assertEqual(self.read_frame(), (EP_PHONE_APP_VERSION, b'\x00'))

    def test_classic_pairing_rejected(self):
        self.export()
        self.discover()
        self.control('RejectPairing', '(b)', (True,))
        self.assert_bluez_error('org.bluez.Error.AuthenticationFailed', self.bluez, DEVICE,
                                'org.bluez.Device1', 'Pair')
        self.register_profile()
        self.assert_bluez_error('org.bluez.Error.AuthenticationFailed', self.bluez, DEVICE,
                                'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        self.assertFalse(self.device_prop('Paired'))
        self.assertEqual(self.connections, [])

    def test_classic_auto_connect_profile(self):
        self.export()
        self.register_profile(AutoConnect=GLib.Variant('b', True))
        self.discover()
        self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')
        self.assertEqual(len(self.connections), 1)
        self.assertEqual(self.read_frame(), (EP_PHONE_APP_VERSION, b'\x00'))

    def test_classic_visibility(self):
        self.control('SetClassicVisible', '(b)', (False,))
        self.bluez(ADAPTER, 'org.bluez.Adapter1', 'StartDiscovery')
        self.wait_until(lambda: LE_DEVICE in self.objects(), 5, 'the LE watch')
        self.spin(0.3)
        self.assertNotIn(DEVICE, self.objects())
        self.control('SetClassicVisible', '(b)', (True,))
        self.assertIn(DEVICE, self.objects())
        self.control('SetClassicVisible', '(b)', (False,))
        self.assertNotIn(DEVICE, self.objects(), 'an unpaired device goes out of range')
        self.control('SetClassicVisible', '(b)', (True,))
        self.bluez(ADAPTER, 'org.bluez.Adapter1', 'RemoveDevice', '(o)', (DEVICE,))
        self.assertNotIn(DEVICE, self.objects())
        self.assertIn(LE_DEVICE, self.objects())

    def test_classic_power_and_vanish(self):
        self.pair_and_connect()
        sock = self.sock()
        self.control('SetPowered', '(b)', (False,))
        self.wait_eof(sock)
        self.assertFalse(self.device_prop('Connected'))
        self.assertTrue(self.device_prop('Paired'))
        self.control('SetPowered', '(b)', (True,))
        self.connect_profile()
        sock = self.sock()
        self.control('Vanish')
        self.wait_eof(sock)
        self.wait_until(lambda: not self.has_owner('org.bluez'), 5, 'org.bluez gone')
        self.control('Return')
        self.wait_until(lambda: self.has_owner('org.bluez'), 5, 'org.bluez back')
        objs = self.objects()
        self.assertIn(DEVICE, objs)  # bonded, survives the restart
        self.assertFalse(objs[DEVICE]['org.bluez.Device1']['Connected'])
        self.assertIn('org.bluez.ProfileManager1', objs['/org/bluez'])
        # registrations were forgotten
        self.assert_bluez_error('org.bluez.Error.NotAvailable', self.bluez, DEVICE,
                                'org.bluez.Device1', 'ConnectProfile', '(s)', (SPP,))
        self.register_profile()
        self.connect_profile()
        self.assertEqual(self.read_frame(), (EP_PHONE_APP_VERSION, b'\x00'))


if __name__ == '__main__':
    sys.exit(main(ClassicTest))
