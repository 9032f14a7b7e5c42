# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
'''python3-dbusmock template for test_hostile_bluez.py: the stock "bluez5" template plus knobs
on org.bluez.Mock ("/") that publish objects with whatever (malformed) properties a test gives,
and that call into other bus clients *as org.bluez* (from the connection owning the name):

  AddRaw(o path, a{sa{sv}} interfaces, a(sssss) methods)   object + InterfacesAdded, as given
  RemoveRaw(o path)                                        object + InterfacesRemoved
  HangMethod(o path, s iface, s name)                      a method that never replies
  CallAs(s dest, o path, s iface, s method, s sig, av args) -> (s error, s message, s json)

Run: python3 -m dbusmock --system -t tests/integration/hostile_bluez.py
'''

import json

import dbus
import dbus.service

from dbusmock import OBJECT_MANAGER_IFACE, mockobject
from dbusmock.templates import bluez5
# re-exported: AddTemplate() installs every module-level symbol with _dbus_interface
from dbusmock.templates.bluez5 import (  # noqa: F401  pylint: disable=unused-import
    BUS_NAME, MAIN_OBJ, SYSTEM_BUS, IS_OBJECT_MANAGER, BLUEZ_MOCK_IFACE, AddAdapter, AddDevice,
    RemoveAdapter, RemoveAdapterWithDevices, PairDevice, ConnectDevice, DisconnectDevice)

HUNG = []  # (ok, err) callbacks of calls that never get an answer, kept alive


def load(mock, parameters):
    HUNG.clear()
    bluez5.load(mock, parameters)


@dbus.service.method(BLUEZ_MOCK_IFACE, in_signature='oa{sa{sv}}a(sssss)', out_signature='')
def AddRaw(self, path, interfaces, methods):
    ifaces = list(interfaces.items())
    by_iface = {}
    for iface, name, in_sig, out_sig, code in methods:
        by_iface.setdefault(str(iface), []).append((name, in_sig, out_sig, code))
    first, props = ifaces[0]
    self.AddObject(path, first, props, by_iface.pop(str(first), []))
    obj = mockobject.objects[str(path)]
    for iface, iprops in ifaces[1:]:
        obj.props[str(iface)] = dict(iprops)
    for iface, ms in by_iface.items():
        obj.AddMethods(iface, ms)
    self.EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesAdded', 'oa{sa{sv}}', [path, interfaces])


@dbus.service.method(BLUEZ_MOCK_IFACE, in_signature='o', out_signature='')
def RemoveRaw(self, path):
    obj = mockobject.objects[str(path)]
    ifaces = list(obj.props.keys())
    self.RemoveObject(path)
    self.EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesRemoved', 'oas', [path, ifaces])


def _hanging(name):
    def hang(_obj, ok_cb=None, err_cb=None):
        HUNG.append((ok_cb, err_cb))
    hang.__name__ = name  # the name GetMethodCalls() knows the call by
    return hang


@dbus.service.method(BLUEZ_MOCK_IFACE, in_signature='oss', out_signature='')
def HangMethod(_self, path, iface, name):
    '''Makes path's iface.name (no arguments) a method that never replies.'''
    obj = mockobject.objects[str(path)]
    fn = dbus.service.method(str(iface), in_signature='', out_signature='',
                             async_callbacks=('ok_cb', 'err_cb'))(_hanging(str(name)))
    # written into obj.methods directly: AddMethod() would drop the async keywords
    obj.methods.setdefault(str(iface), {})[str(name)] = ('', '', '', mockobject.loggedmethod(obj, fn))


def _plain(value):
    if isinstance(value, dbus.types.UnixFd):
        fd = value.take()
        import os
        os.close(fd)
        return 'fd'
    if isinstance(value, (dbus.Array, list, tuple, dbus.Struct)):
        if isinstance(value, dbus.Array) and value.signature == 'y':
            return [int(b) for b in value]
        return [_plain(v) for v in value]
    if isinstance(value, (dbus.Dictionary, dict)):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (int, float)):
        return value if not isinstance(value, float) else float(value)
    return str(value)


@dbus.service.method(BLUEZ_MOCK_IFACE, in_signature='sosssav', out_signature='sss',
                     async_callbacks=('ok_cb', 'err_cb'))
def CallAs(self, dest, path, iface, method, sig, args, ok_cb=None, err_cb=None):
    '''Calls dest's method from org.bluez's own connection, as bluetoothd would; answers
    ("", "", json of the reply) or (error name, message, "").'''
    def reply(*values):
        ok_cb('', '', json.dumps([_plain(v) for v in values]))

    def error(e):
        ok_cb(e.get_dbus_name() or 'unknown', str(e.get_dbus_message()), '')

    self.connection.call_async(str(dest), str(path), str(iface), str(method), str(sig),
                               tuple(args), reply, error, timeout=10)
