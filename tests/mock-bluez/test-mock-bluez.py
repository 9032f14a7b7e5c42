#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
'''Tests of wb-mock-bluez (docs/mock-bluez.md): a private dbus-daemon as the system bus, the
mock, and a small Gio client in this process that plays the phone: an agent, a GATT
application with the PPoGATT service (reference §10.2, §10.8) and a minimal phone-side
PPoGATT (§10.9-10.11) to talk to the simulated watch behind the mock.

Run one test:  test-mock-bluez.py NAME   (NAME from --list); WB_MOCK_BLUEZ names the binary.
'''

import socket
import struct
import sys
import time

from gi.repository import Gio, GLib

from mockbluez import (ADAPTER, DEVICE, EP_PHONE_APP_VERSION, EP_PING, EP_WATCH_VERSION,
                       MockBluezCase, Phone, frame, main)

APP = '/test/app'
SVC = APP + '/service0'
DATA = SVC + '/char0'
META = SVC + '/char1'
AGENT = '/test/agent'
UUID_SVC = '10000000-328e-0fbb-c642-1aa6699bdada'
UUID_DATA = '10000001-328e-0fbb-c642-1aa6699bdada'
UUID_META = '10000002-328e-0fbb-c642-1aa6699bdada'
# §10.8: GB and LP3-Android: versions 0..1, system app UUID, hybrid session
META_VALUE = bytes([0, 1]) + bytes(16) + bytes([1])
SERIAL = b'WBSIM0000001'


XML = '''<node>
 <interface name="org.freedesktop.DBus.ObjectManager">
  <method name="GetManagedObjects"><arg type="a{oa{sa{sv}}}" direction="out"/></method>
 </interface>
 <interface name="org.bluez.GattService1">
  <property name="UUID" type="s" access="read"/><property name="Primary" type="b" access="read"/>
 </interface>
 <interface name="org.bluez.GattCharacteristic1">
  <method name="ReadValue"><arg type="a{sv}" direction="in"/><arg type="ay" direction="out"/></method>
  <method name="WriteValue"><arg type="ay" direction="in"/><arg type="a{sv}" direction="in"/></method>
  <method name="AcquireWrite"><arg type="a{sv}" direction="in"/><arg type="h" direction="out"/><arg type="q" direction="out"/></method>
  <method name="AcquireNotify"><arg type="a{sv}" direction="in"/><arg type="h" direction="out"/><arg type="q" direction="out"/></method>
  <method name="StartNotify"/><method name="StopNotify"/>
  <property name="UUID" type="s" access="read"/><property name="Service" type="o" access="read"/>
  <property name="Flags" type="as" access="read"/><property name="Value" type="ay" access="read"/>
  <property name="Notifying" type="b" access="read"/>
 </interface>
 <interface name="org.bluez.Agent1">
  <method name="Release"/>
  <method name="RequestConfirmation"><arg type="o" direction="in"/><arg type="u" direction="in"/></method>
  <method name="Cancel"/>
 </interface>
</node>'''
NODE = Gio.DBusNodeInfo.new_for_xml(XML)
IFACES = {i.name: i for i in NODE.interfaces}


class MockBluezTest(MockBluezCase):

    def setUp(self):
        self.phone = Phone(self.notify)
        super().setUp()
        self.data_writes = []
        self.notifying = False
        self.stop_notify_calls = 0
        self.confirmations = []
        self.reject_confirmation = False
        self.acquire = False     # the data characteristic offers AcquireNotify/AcquireWrite
        self.notify_sock = None
        self.write_sock = None

    def tick(self):
        self.phone.tick()

    # -------------------------------------------------------------- the phone's objects

    def on_call(self, conn, sender, path, iface, method, params, inv):
        if method == 'GetManagedObjects':
            inv.return_value(GLib.Variant('(a{oa{sa{sv}}})', (
                {p: self.props_of(p) for p in (SVC, DATA, META)},)))
        elif method == 'ReadValue' and path == META:
            inv.return_value(GLib.Variant('(ay)', (META_VALUE,)))
        elif method == 'WriteValue' and path == DATA:
            value, options = params.unpack()
            self.data_writes.append((bytes(value), options))
            inv.return_value(None)
            self.phone.receive(bytes(value))
        elif method == 'AcquireNotify' and path == DATA and self.acquire:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            self.notify_sock = ours
            self.notifying = True
            fds = Gio.UnixFDList.new_from_array([theirs.detach()])
            inv.return_value_with_unix_fd_list(GLib.Variant('(hq)', (0, 185)), fds)
        elif method == 'AcquireWrite' and path == DATA and self.acquire:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            self.write_sock = ours
            GLib.io_add_watch(ours.fileno(), GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP,
                              self.on_write_sock)
            fds = Gio.UnixFDList.new_from_array([theirs.detach()])
            inv.return_value_with_unix_fd_list(GLib.Variant('(hq)', (0, 185)), fds)
        elif method == 'StartNotify':
            self.notifying = True
            inv.return_value(None)
        elif method == 'StopNotify':
            self.notifying = False
            self.stop_notify_calls += 1
            inv.return_value(None)
        elif method == 'RequestConfirmation':
            self.confirmations.append(params.unpack())
            if self.reject_confirmation:
                inv.return_dbus_error('org.bluez.Error.Rejected', 'no')
            else:
                inv.return_value(None)
        elif method in ('Release', 'Cancel'):
            inv.return_value(None)
        else:
            inv.return_dbus_error('org.bluez.Error.NotSupported', method)

    def on_write_sock(self, fd, cond):
        try:
            data = self.write_sock.recv(1024)
        except OSError:
            return False
        if not data:
            return False
        self.phone.receive(data)
        return True

    def props_of(self, path):
        if path == SVC:
            return {'org.bluez.GattService1': {'UUID': GLib.Variant('s', UUID_SVC),
                                               'Primary': GLib.Variant('b', True)}}
        if path == DATA:
            props = {
                'UUID': GLib.Variant('s', UUID_DATA), 'Service': GLib.Variant('o', SVC),
                'Flags': GLib.Variant('as', ['write-without-response', 'notify']),
                'Value': GLib.Variant('ay', b''),
                'Notifying': GLib.Variant('b', self.notifying)}
            if self.acquire:
                props['NotifyAcquired'] = GLib.Variant('b', False)
                props['WriteAcquired'] = GLib.Variant('b', False)
            return {'org.bluez.GattCharacteristic1': props}
        if path == META:
            return {'org.bluez.GattCharacteristic1': {
                'UUID': GLib.Variant('s', UUID_META), 'Service': GLib.Variant('o', SVC),
                'Flags': GLib.Variant('as', ['read'])}}
        return {}

    def get_prop(self, conn, sender, path, iface, prop):
        return self.props_of(path)[iface][prop]

    def notify(self, packet):
        '''the phone's GATT server notifies one PPoGATT packet (PropertiesChanged(Value))'''
        self.assertTrue(self.notifying, 'notification before the watch subscribed')
        if self.notify_sock is not None:
            self.notify_sock.send(packet)
            return
        self.conn.emit_signal(None, DATA, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
                              GLib.Variant('(sa{sv}as)', ('org.bluez.GattCharacteristic1',
                                                          {'Value': GLib.Variant('ay', packet)},
                                                          [])))

    def export(self):
        reg = self.registrations
        reg.append(self.conn.register_object(AGENT, IFACES['org.bluez.Agent1'], self.on_call,
                                             None, None))
        reg.append(self.conn.register_object(APP, IFACES['org.freedesktop.DBus.ObjectManager'],
                                             self.on_call, None, None))
        reg.append(self.conn.register_object(SVC, IFACES['org.bluez.GattService1'], self.on_call,
                                             self.get_prop, None))
        for p in (DATA, META):
            reg.append(self.conn.register_object(p, IFACES['org.bluez.GattCharacteristic1'],
                                                 self.on_call, self.get_prop, None))

    # -------------------------------------------------------------- scenarios

    def discover(self):
        self.assertNotIn(DEVICE, self.objects())
        self.bluez(ADAPTER, 'org.bluez.Adapter1', 'SetDiscoveryFilter', '(a{sv})',
                   ({'Transport': GLib.Variant('s', 'le'),
                     'UUIDs': GLib.Variant('as', ['0000fed9-0000-1000-8000-00805f9b34fb'])},))
        self.bluez(ADAPTER, 'org.bluez.Adapter1', 'StartDiscovery')
        self.wait_until(lambda: DEVICE in self.objects(), 5, 'the watch in the scan')
        dev = self.objects()[DEVICE]['org.bluez.Device1']
        self.bluez(ADAPTER, 'org.bluez.Adapter1', 'StopDiscovery')
        return dev

    def pair_and_open(self):
        '''scan, pair through the agent, connect, register the app: the watch opens PPoGATT'''
        self.export()
        self.bluez('/org/bluez', 'org.bluez.AgentManager1', 'RegisterAgent', '(os)',
                   (AGENT, 'DisplayYesNo'))
        self.bluez('/org/bluez', 'org.bluez.AgentManager1', 'RequestDefaultAgent', '(o)',
                   (AGENT,))
        self.discover()
        self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        self.assertEqual(self.confirmations, [(DEVICE, 123456)])
        self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')
        self.assertTrue(self.device_prop('Connected'))
        self.assertTrue(self.device_prop('ServicesResolved'))
        # async, as the daemon must: the mock reads the app before it replies
        self.bluez(ADAPTER, 'org.bluez.GattManager1', 'RegisterApplication', '(oa{sv})',
                   (APP, {}))
        self.wait_until(lambda: self.phone.opened, 10, 'PPoGATT open')
        self.wait_until(lambda: self.phone.frames, 5, 'the first frame')

    def test_scan_pair_connect_ppogatt(self):
        self.export()
        self.bluez('/org/bluez', 'org.bluez.AgentManager1', 'RegisterAgent', '(os)',
                   (AGENT, 'DisplayYesNo'))
        dev = self.discover()
        self.assertEqual(dev['Name'], 'Pebble 3456')
        self.assertEqual(dev['Address'], 'B0:B4:48:57:34:56')
        self.assertIn('0000fed9-0000-1000-8000-00805f9b34fb', dev['UUIDs'])
        mfr = bytes(dev['ManufacturerData'][0x0154])
        self.assertEqual(len(mfr), 19)
        self.assertEqual(mfr[1:13], SERIAL)
        self.assertFalse(dev['Paired'])
        self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        self.assertEqual(self.confirmations, [(DEVICE, 123456)])
        self.assertTrue(self.device_prop('Paired'))
        self.assertTrue(self.device_prop('Bonded'))
        self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')
        # the watch's own pairing service after service discovery
        objs = self.objects()
        uuids = {o['org.bluez.GattCharacteristic1']['UUID']: p for p, o in objs.items()
                 if 'org.bluez.GattCharacteristic1' in o}
        status = uuids['00000001-328e-0fbb-c642-1aa6699bdada']
        value = self.bluez(status, 'org.bluez.GattCharacteristic1', 'ReadValue', '(a{sv})', ({},))
        self.assertEqual(bytes(value[0])[0] & 0x07, 0x07)  # connected, bonded, encrypted

        self.bluez(ADAPTER, 'org.bluez.GattManager1', 'RegisterApplication', '(oa{sv})',
                   (APP, {}))
        self.wait_until(lambda: self.phone.opened, 10, 'PPoGATT open')
        # §10.10: the watch's Reset Request (version 1, serial), then its Reset Complete
        self.assertEqual(self.phone.log[0][0], 2)
        self.assertEqual(self.phone.reset_requests[0], bytes([1]) + SERIAL)
        self.assertEqual(self.phone.log[1][0], 3)
        value, options = self.data_writes[0]
        self.assertEqual(options['device'], DEVICE)
        self.assertEqual(options['mtu'], 185)
        self.assertEqual(options['link'], 'LE')
        self.assertEqual(options['type'], 'command')
        # step 5: the first Data packet (sn 0) carries the PhoneAppVersion request
        self.wait_until(lambda: self.phone.frames, 5, 'the first frame')
        data = [entry for entry in self.phone.log if entry[0] == 0]
        self.assertEqual(data[0][1], 0)
        self.assertEqual(self.phone.frames[0], (EP_PHONE_APP_VERSION, b'\x00'))

        self.phone.write(frame(EP_WATCH_VERSION, b'\x00'))
        self.wait_until(lambda: any(e == EP_WATCH_VERSION for e, _ in self.phone.frames), 5,
                        'WatchVersion response')
        reply = next(p for e, p in self.phone.frames if e == EP_WATCH_VERSION)
        self.assertEqual(reply[0], 1)
        self.assertIn(b'v4.3', reply)
        self.assertIn(SERIAL, reply)
        state = eval_json(self.control('WatchState')[0])
        self.assertTrue(state['ok'])
        self.assertEqual(state['watch_version_requests'], 1)

    def test_loss_delivers_in_order(self):
        self.control('SetRetransmitTimeout', '(u)', (300,))
        self.pair_and_open()
        self.control('SetLoss', '(du)', (5.0, 7))
        cookies = list(range(1000, 1060))
        for c in cookies:
            self.phone.write(frame(EP_PING, b'\x00' + struct.pack('>I', c)))
        self.wait_until(lambda: sum(1 for e, _ in self.phone.frames if e == EP_PING) >= 60, 40,
                        'every pong')
        pongs = [struct.unpack('>I', p[1:5])[0] for e, p in self.phone.frames if e == EP_PING]
        self.assertEqual(pongs, cookies)
        link = eval_json(self.control('LinkState')[0])
        self.assertGreater(link['lost_to_phone'] + link['lost_to_watch'], 0)
        self.assertEqual(len(self.phone.reset_requests), 1, 'no reset under 5 % loss')

    def test_acquired_fds(self):
        self.acquire = True
        self.pair_and_open()
        self.assertEqual(self.data_writes, [], 'packets went over the AcquireWrite fd')
        self.assertIsNotNone(self.notify_sock)
        self.assertEqual(self.phone.frames[0], (EP_PHONE_APP_VERSION, b'\x00'))
        self.phone.write(frame(EP_WATCH_VERSION, b'\x00'))
        self.wait_until(lambda: any(e == EP_WATCH_VERSION for e, _ in self.phone.frames), 5,
                        'WatchVersion response')
        link = eval_json(self.control('LinkState')[0])
        self.assertTrue(link['notify_fd'])
        self.assertTrue(link['write_fd'])
        self.assertEqual(link['state'], 'open')

    def test_shaped_link(self):
        # MTU 23 (19 payload bytes a packet), 4 packets per 15 ms interval, 10 ms latency
        self.control('SetMtu', '(q)', (23,))
        self.control('SetPacketsPerInterval', '(uu)', (4, 15))
        self.control('SetPacketDelay', '(u)', (10,))
        self.phone = Phone(self.notify, mtu=23)
        self.pair_and_open()
        self.assertEqual(self.data_writes[0][1]['mtu'], 23)
        start = time.monotonic()
        self.phone.write(frame(EP_WATCH_VERSION, b'\x00'))
        self.wait_until(lambda: any(e == EP_WATCH_VERSION for e, _ in self.phone.frames), 5,
                        'WatchVersion response')
        elapsed = time.monotonic() - start
        self.assertTrue(all(len(v) <= 20 for v, _ in self.data_writes), 'ATT MTU 23 honoured')
        self.assertGreater(sum(1 for v, _ in self.data_writes if v[0] & 7 == 0), 5)
        self.assertGreater(elapsed, 0.02, 'the delay applies in both directions')

    def test_drop_link(self):
        self.pair_and_open()
        self.removed.clear()
        self.control('DropLink')
        self.wait_until(lambda: not self.device_prop('Connected'), 5, 'Connected false')
        self.assertFalse(self.device_prop('ServicesResolved'))
        self.wait_until(lambda: any(p.startswith(DEVICE + '/service') for p in self.removed), 5,
                        'InterfacesRemoved of the GATT objects')
        self.wait_until(lambda: self.stop_notify_calls == 1, 5, 'StopNotify')
        self.assertFalse(any(p.startswith(DEVICE + '/') for p in self.objects()))
        self.assertFalse(eval_json(self.control('WatchState')[0])['session_open'])
        # the phone connects again: a new handshake
        self.phone = Phone(self.notify)
        self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')
        self.wait_until(lambda: self.phone.opened and self.phone.frames, 10, 'reopened')
        self.assertEqual(self.phone.frames[0], (EP_PHONE_APP_VERSION, b'\x00'))

    def test_pairing_rejected(self):
        self.export()
        self.bluez('/org/bluez', 'org.bluez.AgentManager1', 'RegisterAgent', '(os)',
                   (AGENT, 'DisplayYesNo'))
        self.discover()
        self.control('RejectPairing', '(b)', (True,))
        with self.assertRaises(GLib.Error) as cm:
            self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        self.assertIn('org.bluez.Error.AuthenticationFailed', cm.exception.message)
        self.assertFalse(self.device_prop('Paired'))
        self.control('RejectPairing', '(b)', (False,))
        self.reject_confirmation = True
        with self.assertRaises(GLib.Error) as cm:
            self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        self.assertIn('org.bluez.Error.AuthenticationRejected', cm.exception.message)
        self.reject_confirmation = False
        self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')
        self.assertTrue(self.device_prop('Paired'))

    def test_pairing_trigger(self):
        # §10.5: writing the trigger without "phone will bond" makes the watch ask for
        # security; bluetoothd pairs through the agent without a Pair() call
        self.export()
        self.bluez('/org/bluez', 'org.bluez.AgentManager1', 'RegisterAgent', '(os)',
                   (AGENT, 'DisplayYesNo'))
        self.discover()
        self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')
        chars = {o['org.bluez.GattCharacteristic1']['UUID']: p
                 for p, o in self.objects().items() if 'org.bluez.GattCharacteristic1' in o}
        trigger = chars['00000002-328e-0fbb-c642-1aa6699bdada']
        self.bluez(trigger, 'org.bluez.GattCharacteristic1', 'WriteValue', '(aya{sv})',
                   (bytes([0x09]), {}))
        self.wait_until(lambda: self.device_prop('Paired'), 5, 'Paired')
        self.assertEqual(self.confirmations, [(DEVICE, 123456)])
        status = chars['00000001-328e-0fbb-c642-1aa6699bdada']
        value = self.bluez(status, 'org.bluez.GattCharacteristic1', 'ReadValue', '(a{sv})', ({},))
        self.assertEqual(bytes(value[0])[0] & 0x0f, 0x0f)

    def test_power_and_vanish(self):
        self.pair_and_open()
        self.control('SetPowered', '(b)', (False,))
        self.wait_until(lambda: not self.device_prop('Connected'), 5, 'Connected false')
        with self.assertRaises(GLib.Error) as cm:
            self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')
        self.assertIn('org.bluez.Error.NotReady', cm.exception.message)
        self.bluez(ADAPTER, 'org.freedesktop.DBus.Properties', 'Set', '(ssv)',
                   ('org.bluez.Adapter1', 'Powered', GLib.Variant('b', True)))
        self.control('Vanish')
        self.wait_until(lambda: not self.has_owner('org.bluez'), 5, 'org.bluez gone')
        self.control('Return')
        self.wait_until(lambda: self.has_owner('org.bluez'), 5, 'org.bluez back')
        objs = self.objects()
        self.assertIn(DEVICE, objs)  # bonded devices survive a bluetoothd restart
        self.assertTrue(objs[DEVICE]['org.bluez.Device1']['Paired'])
        # registrations were forgotten: register again, connect, and the watch is back
        self.phone = Phone(self.notify)
        self.bluez(ADAPTER, 'org.bluez.GattManager1', 'RegisterApplication', '(oa{sv})',
                   (APP, {}))
        self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')
        self.wait_until(lambda: self.phone.opened and self.phone.frames, 10, 'reopened')

    def test_watch_control_passthrough(self):
        answer = eval_json(self.control('WatchControl', '(s)', ('dump blobdb',))[0])
        self.assertTrue(answer['ok'])
        answer = eval_json(self.control('WatchControl', '(s)', ('no-such-command',))[0])
        self.assertFalse(answer['ok'])


def eval_json(text):
    import json
    return json.loads(text)


if __name__ == '__main__':
    sys.exit(main(MockBluezTest))
