#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
'''Tests of wb-mock-bluez's reversed PPoGATT modes (docs/mock-bluez.md, reference §10.13,
§10.14): the simulated watch hosts the PPoGATT service and a small Gio client in this process
plays the phone as its GATT client: it subscribes to the watch's data characteristic, writes
PPoGATT packets to the other one and runs a minimal phone-side PPoGATT that sends the first
Reset Request (§10.10, as LP3 does against CFW and V2 watches).

Run one test:  test-mock-bluez-reversed.py NAME   (NAME from --list); WB_MOCK_BLUEZ names the
binary.
'''

import json
import struct
import sys
import time

from gi.repository import Gio, GLib

from mockbluez import (ADAPTER, DEVICE, EP_PHONE_APP_VERSION, EP_PING, EP_WATCH_VERSION,
                       MockBluezCase, Phone, frame, main)

CHR = 'org.bluez.GattCharacteristic1'
BASE = '-328e-0fbb-c642-1aa6699bdada'
V1 = {'service': '30000003' + BASE, 'notify': '30000004' + BASE, 'write': '30000006' + BASE,
      'meta': '30000005' + BASE}
V2 = {'service': '40000000' + BASE, 'notify': '40000001' + BASE, 'write': '40000003' + BASE}

# the phone's own PPoGATT service for normal mode (§10.2, §10.8), to check the interplay
APP = '/test/app'
APP_SVC = APP + '/service0'
APP_DATA = APP_SVC + '/char0'
APP_META = APP_SVC + '/char1'
APP_XML = '''<node>
 <interface name="org.freedesktop.DBus.ObjectManager">
  <method name="GetManagedObjects"><arg type="a{oa{sa{sv}}}" direction="out"/></method>
 </interface>
 <interface name="org.bluez.GattService1">
  <property name="UUID" type="s" access="read"/><property name="Primary" type="b" access="read"/>
 </interface>
 <interface name="org.bluez.GattCharacteristic1">
  <method name="ReadValue"><arg type="a{sv}" direction="in"/><arg type="ay" direction="out"/></method>
  <method name="WriteValue"><arg type="ay" direction="in"/><arg type="a{sv}" direction="in"/></method>
  <method name="StartNotify"/><method name="StopNotify"/>
  <property name="UUID" type="s" access="read"/><property name="Service" type="o" access="read"/>
  <property name="Flags" type="as" access="read"/>
 </interface>
</node>'''
APP_IFACES = {i.name: i for i in Gio.DBusNodeInfo.new_for_xml(APP_XML).interfaces}

SERIAL = b'WBSIM0000001'


class ReversedTest(MockBluezCase):

    def setUp(self):
        self.phone = Phone(self.write_packet)
        self.write_path = None
        self.write_errors = []
        super().setUp()

    def tick(self):
        self.phone.tick()

    def link_state(self):
        return json.loads(self.control('LinkState')[0])

    def characteristics(self):
        return {o[CHR]['UUID']: (p, o[CHR]) for p, o in self.objects().items() if CHR in o}

    # -------------------------------------------------------------- the phone as GATT client

    def write_packet(self, packet):
        '''one PPoGATT packet to the watch: Write Without Response (gatt-api.txt "command")'''
        def done(conn, res):
            try:
                conn.call_finish(res)
            except GLib.Error as e:
                self.write_errors.append(e.message)
        self.conn.call('org.bluez', self.write_path, CHR, 'WriteValue',
                       GLib.Variant('(aya{sv})', (packet, {'type': GLib.Variant('s', 'command')})),
                       None, Gio.DBusCallFlags.NONE, 10000, None, done)

    def on_notification(self, conn, sender, path, iface, signal, params):
        changed_iface, changed, _ = params.unpack()
        if changed_iface == CHR and 'Value' in changed:
            self.phone.receive(bytes(changed['Value']))

    def connect_watch(self, mode):
        self.control('SetPpogattMode', '(s)', (mode,))
        self.control('SetDeviceVisible', '(b)', (True,))
        self.wait_until(lambda: DEVICE in self.objects(), 5, 'the watch')
        self.bluez(DEVICE, 'org.bluez.Device1', 'Pair')  # no agent: Just Works
        self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')

    def open_reversed(self, uuids):
        chars = self.characteristics()
        notify_path, notify = chars[uuids['notify']]
        self.write_path, write = chars[uuids['write']]
        self.assertIn('notify', notify['Flags'])
        self.assertIn('write-without-response', write['Flags'])
        self.assertEqual(notify['Service'], write['Service'])
        self.conn.signal_subscribe('org.bluez', 'org.freedesktop.DBus.Properties',
                                   'PropertiesChanged', notify_path, CHR,
                                   Gio.DBusSignalFlags.NONE, self.on_notification)
        self.bluez(notify_path, CHR, 'StartNotify')
        self.phone.start()
        self.wait_until(lambda: self.phone.opened, 5, 'PPoGATT open')
        self.wait_until(lambda: self.phone.frames, 5, 'the first frame')
        # §10.10: the watch answered our Reset Request with its windows, no Request of its own
        self.assertEqual(self.phone.log[0][0], 3)
        self.assertEqual(len(self.phone.log[0][2]), 2)
        self.assertFalse(any(k == 2 for k, _, _ in self.phone.log))
        self.assertEqual(self.phone.frames[0], (EP_PHONE_APP_VERSION, b'\x00'))
        return notify_path

    def watch_version(self):
        self.phone.write(frame(EP_WATCH_VERSION, b'\x00'))
        self.wait_until(lambda: any(e == EP_WATCH_VERSION for e, _ in self.phone.frames), 5,
                        'WatchVersion response')
        reply = next(p for e, p in self.phone.frames if e == EP_WATCH_VERSION)
        self.assertEqual(reply[0], 1)
        self.assertIn(SERIAL, reply)

    def register_app(self):
        '''the phone also hosts 10000000 (normal mode): records what the watch's client does'''
        self.app_calls = []
        props = {
            APP_SVC: {'org.bluez.GattService1': {
                'UUID': GLib.Variant('s', '10000000' + BASE), 'Primary': GLib.Variant('b', True)}},
            APP_DATA: {CHR: {'UUID': GLib.Variant('s', '10000001' + BASE),
                             'Service': GLib.Variant('o', APP_SVC),
                             'Flags': GLib.Variant('as', ['write-without-response', 'notify'])}},
            APP_META: {CHR: {'UUID': GLib.Variant('s', '10000002' + BASE),
                             'Service': GLib.Variant('o', APP_SVC),
                             'Flags': GLib.Variant('as', ['read'])}},
        }

        def on_call(conn, sender, path, iface, method, params, inv):
            self.app_calls.append((path, method))
            if method == 'GetManagedObjects':
                inv.return_value(GLib.Variant('(a{oa{sa{sv}}})', (props,)))
            elif method == 'ReadValue':
                inv.return_value(GLib.Variant('(ay)', (bytes([0, 1]) + bytes(16) + bytes([1]),)))
            else:
                inv.return_value(None)

        def get_prop(conn, sender, path, iface, prop):
            return props[path][iface][prop]
        regs = [self.conn.register_object(APP, APP_IFACES['org.freedesktop.DBus.ObjectManager'],
                                          on_call, None, None),
                self.conn.register_object(APP_SVC, APP_IFACES['org.bluez.GattService1'],
                                          on_call, get_prop, None)]
        regs += [self.conn.register_object(p, APP_IFACES[CHR], on_call, get_prop, None)
                 for p in (APP_DATA, APP_META)]
        for reg in regs:
            self.addCleanup(self.conn.unregister_object, reg)
        self.bluez(ADAPTER, 'org.bluez.GattManager1', 'RegisterApplication', '(oa{sv})',
                   (APP, {}))

    # -------------------------------------------------------------- tests

    def test_reversed_v1(self):
        self.connect_watch('reversed')
        chars = self.characteristics()
        self.assertNotIn(V2['notify'], chars)
        # §10.8: FW/DA's emulated meta
        meta = self.bluez(chars[V1['meta']][0], CHR, 'ReadValue', '(a{sv})', ({},))[0]
        self.assertEqual(bytes(meta), bytes([1, 1]) + bytes(16) + bytes([1]))
        # §10.13: a CFW watch takes data only on 30000006
        with self.assertRaises(GLib.Error) as cm:
            self.bluez(chars[V1['notify']][0], CHR, 'WriteValue', '(aya{sv})',
                       (bytes([2, 1]), {}))
        self.assertIn('NotPermitted', cm.exception.message)
        self.open_reversed(V1)
        self.watch_version()
        link = self.link_state()
        self.assertEqual(link['mode'], 'reversed')
        self.assertEqual(link['ppogatt_mode'], 'reversed')
        self.assertEqual(link['state'], 'open')
        self.assertEqual(link['version'], 1)
        self.assertEqual(self.write_errors, [])

    def test_reversed_v2(self):
        self.connect_watch('reversed-v2-only')
        chars = self.characteristics()
        self.assertNotIn(V1['notify'], chars)
        self.open_reversed(V2)
        self.watch_version()
        link = self.link_state()
        self.assertEqual(link['mode'], 'reversed-v2')
        self.assertEqual(link['ppogatt_mode'], 'reversed-v2-only')
        self.assertEqual(link['state'], 'open')

    def test_reversed_loss_in_order(self):
        self.control('SetRetransmitTimeout', '(u)', (300,))
        self.connect_watch('reversed-only')
        self.open_reversed(V1)
        self.control('SetLoss', '(du)', (5.0, 11))
        cookies = list(range(2000, 2040))
        for c in cookies:
            self.phone.write(frame(EP_PING, b'\x00' + struct.pack('>I', c)))
        self.wait_until(lambda: sum(1 for e, _ in self.phone.frames if e == EP_PING) >= 40, 8,
                        'every pong')
        pongs = [struct.unpack('>I', p[1:5])[0] for e, p in self.phone.frames if e == EP_PING]
        self.assertEqual(pongs, cookies)
        link = self.link_state()
        self.assertGreater(link['lost_to_phone'] + link['lost_to_watch'], 0)
        self.assertEqual(link['resets'], 1, 'no reset under 5 % loss')

    def test_normal_mode_hosts_nothing(self):
        self.connect_watch('normal')
        chars = self.characteristics()
        for uuids in (V1, V2):
            self.assertNotIn(uuids['notify'], chars)
            self.assertNotIn(uuids['write'], chars)
        with self.assertRaises(GLib.Error):
            self.control('SetPpogattMode', '(s)', ('sideways',))

    def test_drop_and_reconnect(self):
        self.connect_watch('reversed-v2-only')
        notify_path = self.open_reversed(V2)
        self.removed.clear()
        self.control('DropLink')
        self.wait_until(lambda: notify_path in self.removed, 5, 'InterfacesRemoved')
        self.assertEqual(self.link_state()['state'], 'none')
        self.assertNotIn(V2['notify'], self.characteristics())
        with self.assertRaises(GLib.Error):
            self.control('InjectNotification', '(ay)', (b'\x02\x01',))
        # a new connection: a new service, a new handshake
        self.phone = Phone(self.write_packet)
        self.bluez(DEVICE, 'org.bluez.Device1', 'Connect')
        self.open_reversed(V2)
        self.watch_version()

    def test_most_recent_wins(self):
        # plain "reversed": the watch is also a client of our 10000000, as real watches are
        self.connect_watch('reversed')
        self.register_app()
        self.wait_until(lambda: (APP_DATA, 'WriteValue') in self.app_calls, 5,
                        "the watch's normal-mode Reset Request")
        self.assertEqual(self.link_state()['mode'], 'normal')
        # then we subscribe to the reversed service: that session replaces the other
        self.open_reversed(V1)
        self.assertIn((APP_DATA, 'StopNotify'), self.app_calls)
        self.assertEqual(self.link_state()['mode'], 'reversed')
        self.watch_version()

    def test_only_mode_skips_normal(self):
        self.connect_watch('reversed-v2-only')
        self.register_app()
        end = time.monotonic() + 0.3
        self.wait_until(lambda: time.monotonic() > end, 1, 'a while')
        self.assertNotIn((APP_META, 'ReadValue'), self.app_calls)
        self.assertEqual(self.link_state()['state'], 'none')
        self.open_reversed(V2)

    def test_stop_notify_ends_link(self):
        self.connect_watch('reversed-only')
        notify_path = self.open_reversed(V1)
        self.bluez(notify_path, CHR, 'StopNotify')
        self.wait_until(lambda: self.link_state()['state'] == 'none', 5, 'link stopped')
        self.assertFalse(json.loads(self.control('WatchState')[0])['session_open'])


if __name__ == '__main__':
    sys.exit(main(ReversedTest))
