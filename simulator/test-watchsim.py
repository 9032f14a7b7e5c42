#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Integration test of wearbridge-watchsim on its own.

Plays the phone against the simulated watch over TCP with the emulator framing (reference
§12.2) and checks the watch's answers and its control interface (docs/watchsim.md).

Usage: test-watchsim.py PATH/TO/wearbridge-watchsim
"""

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

SIM = None

EP_META = 0x0000
EP_TIME = 0x000B
EP_WATCH_VERSION = 0x0010
EP_PHONE_APP_VERSION = 0x0011
EP_APP_RUN_STATE = 0x0034
EP_PING = 0x07D1
EP_RESET = 0x07D3
EP_DATA_LOGGING = 0x1A7A
EP_SCREENSHOT = 0x1F40
EP_TIMELINE_ACTION = 0x2CB0
EP_BLOBDB = 0xB1DB
EP_PUT_BYTES = 0xBEEF

TIMEOUT = float(os.environ.get("WB_SIM_TIMEOUT", "5"))


def stm32_crc(data):
    """The §6.5 checksum, written from the reference's description."""
    crc = 0xFFFFFFFF

    def feed(crc, word):
        crc ^= word
        for _ in range(32):
            if crc & 0x80000000:
                crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF
            else:
                crc = (crc << 1) & 0xFFFFFFFF
        return crc

    whole = len(data) // 4 * 4
    for i in range(0, whole, 4):
        crc = feed(crc, int.from_bytes(data[i:i + 4], "little"))
    rest = data[whole:]
    if rest:
        crc = feed(crc, int.from_bytes(b"\0" * (4 - len(rest)) + rest, "big"))
    return crc


def attribute(attr_id, value):
    if isinstance(value, str):
        value = value.encode()
    return struct.pack("<BH", attr_id, len(value)) + value


def timeline_item(item_id, attrs, actions=(), layout=4, status=0, parent=None,
                  item_type=1):
    """A TimelineItem (§3.5); attrs: [(id, value)], actions: [(id, type, [(id, value)])]."""
    payload = b"".join(attribute(i, v) for i, v in attrs)
    for action_id, action_type, action_attrs in actions:
        payload += struct.pack("<BBB", action_id, action_type, len(action_attrs))
        payload += b"".join(attribute(i, v) for i, v in action_attrs)
    parent = parent or uuid.UUID(int=0)
    header = item_id.bytes + parent.bytes + struct.pack(
        "<IHBBBBHBB", 1764324000, 0, item_type, 1, status, layout, len(payload), len(attrs),
        len(actions))
    return header + payload


def blobdb_insert(token, db, key, value):
    return struct.pack("<BHBB", 0x01, token, db, len(key)) + key + \
        struct.pack("<H", len(value)) + value


def blobdb_delete(token, db, key):
    return struct.pack("<BHBB", 0x04, token, db, len(key)) + key


class Phone:
    """The phone's end of the emulator link."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buf = b""      # emulator framing not yet decoded
        self.stream = b""   # Pebble Protocol stream

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, endpoint, payload):
        frame = struct.pack(">HH", len(payload), endpoint) + payload
        self.send_raw(struct.pack(">HHH", 0xFEED, 1, len(frame)) + frame +
                      struct.pack(">H", 0xBEEF))

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no frame from the watch")
        ready, _, _ = select.select([self.sock], [], [], remaining)
        if not ready:
            raise TimeoutError("no frame from the watch")
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("the watch closed the link")
        self.buf += data
        while len(self.buf) >= 6:
            sig, proto, length = struct.unpack(">HHH", self.buf[:6])
            assert sig == 0xFEED, self.buf[:6].hex()
            if len(self.buf) < 8 + length:
                break
            assert self.buf[6 + length:8 + length] == b"\xbe\xef"
            if proto == 1:
                self.stream += self.buf[6:6 + length]
            self.buf = self.buf[8 + length:]

    def recv(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            if len(self.stream) >= 4:
                length, endpoint = struct.unpack(">HH", self.stream[:4])
                if len(self.stream) >= 4 + length:
                    payload = self.stream[4:4 + length]
                    self.stream = self.stream[4 + length:]
                    return endpoint, payload
            self._fill(deadline)

    def expect(self, endpoint, timeout=TIMEOUT):
        """The next frame on @endpoint, skipping AppRunState reports."""
        while True:
            ep, payload = self.recv(timeout)
            if ep == endpoint:
                return payload
            if ep != EP_APP_RUN_STATE:
                raise AssertionError("expected endpoint 0x%04x, got 0x%04x %s" %
                                     (endpoint, ep, payload.hex()))

    def wait_closed(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        try:
            while True:
                self._fill(deadline)
        except EOFError:
            return True
        except ConnectionResetError:
            return True


class WatchsimTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.control_path = os.path.join(cls.tmp.name, "control")
        cls.proc = subprocess.Popen(
            [SIM, "--port", "0", "--control", cls.control_path, "--serial", "TEST00000042",
             "--address", "12:34:56:78:9A:BC", "--model", "pebble-time", "--firmware",
             "v4.4.2", "--seed", "7"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        first = cls.proc.stdout.readline().strip()
        assert first.startswith("listening on 127.0.0.1:"), first
        cls.port = int(first.rsplit(":", 1)[1])
        cls.control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        cls.control.settimeout(TIMEOUT)
        cls.control.connect(cls.control_path)
        cls.control_file = cls.control.makefile("rw")

    @classmethod
    def tearDownClass(cls):
        cls.control_file.close()
        cls.control.close()
        if cls.proc.poll() is None:
            cls.proc.send_signal(signal.SIGTERM)
            cls.proc.wait(TIMEOUT)
        cls.tmp.cleanup()

    def command(self, line):
        self.control_file.write(line + "\n")
        self.control_file.flush()
        return json.loads(self.control_file.readline())

    def state(self):
        answer = self.command("state")
        self.assertTrue(answer["ok"], answer)
        return answer

    def wait_for(self, predicate, what):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            st = self.state()
            if predicate(st):
                return st
            time.sleep(0.02)
        self.fail("timed out waiting for " + what)

    def connect(self):
        """A new link; checks that the watch opens the session (§2.1) and answers it."""
        self.wait_for(lambda st: not st["connected"], "the previous link to go")
        phone = Phone(self.port)
        endpoint, payload = phone.recv()
        self.assertEqual(endpoint, EP_PHONE_APP_VERSION)
        self.assertEqual(payload, b"\x00")
        # Linux 0.1.0, capabilities run state + extended notifications (LE, §2.3)
        phone.send(EP_PHONE_APP_VERSION,
                   b"\x01" + struct.pack(">III", 0xFFFFFFFF, 0, 4) + bytes([2, 0, 1, 0]) +
                   struct.pack("<Q", 0x9))
        self.wait_for(lambda st: st["phone"] is not None and st["phone"]["this_session"],
                      "the phone's version")
        return phone

    def test_01_session_start_and_version(self):
        phone = Phone(self.port)
        # the very first frame is the PhoneAppVersion request, 00 01 00 11 00
        self.assertEqual(phone.stream, b"")
        phone._fill(time.monotonic() + TIMEOUT)
        self.assertEqual(phone.stream[:5], bytes.fromhex("0001001100"))
        endpoint, _ = phone.recv()
        self.assertEqual(endpoint, EP_PHONE_APP_VERSION)
        # the emulator also reports the running watchface (TicToc)
        endpoint, payload = phone.recv()
        self.assertEqual(endpoint, EP_APP_RUN_STATE)
        self.assertEqual(payload, b"\x01" + uuid.UUID("8f3c8686-31a1-4f5f-91f5-01600c9bdc59")
                         .bytes)
        phone.send(EP_PHONE_APP_VERSION,
                   b"\x01" + struct.pack(">III", 0xFFFFFFFF, 0, 4) + bytes([2, 0, 1, 0]) +
                   struct.pack("<Q", 0x9))
        phone.send(EP_WATCH_VERSION, b"\x00")
        v = phone.expect(EP_WATCH_VERSION)
        self.assertEqual(len(v), 155)
        self.assertEqual(v[0], 0x01)
        self.assertEqual(v[5:37].rstrip(b"\0"), b"v4.4.2")
        self.assertEqual(v[46], 8)                      # hw platform: SnowyDVT
        self.assertEqual(v[99:108].rstrip(b"\0"), b"snowy_dvt")
        self.assertEqual(v[108:120].rstrip(b"\0"), b"TEST00000042")
        self.assertEqual(v[120:126], bytes.fromhex("bc9a78563412"))  # LE on the wire
        st = self.state()
        self.assertTrue(st["connected"])
        self.assertTrue(st["session_open"])
        self.assertEqual(st["phone"]["version"], "0.1.0")
        self.assertEqual(st["phone"]["os"], "linux")
        self.assertEqual(st["phone"]["capabilities"], 0x9)
        self.assertEqual(st["phone"]["capability_names"],
                         ["app_run_state", "extended_notification_service"])
        self.assertEqual(st["identity"]["serial"], "TEST00000042")
        self.assertEqual(st["identity"]["address"], "12:34:56:78:9A:BC")
        self.assertEqual(st["identity"]["model"], "Pebble Time")
        self.assertEqual(st["identity"]["platform"], "basalt")
        self.assertEqual(st["watch_version_requests"], 1)

        # one phone at a time: a second link is closed at once
        second = Phone(self.port)
        self.assertTrue(second.wait_closed())
        second.close()
        self.assertEqual(self.state()["refused"], 1)
        phone.close()

    def test_02_ping_time_unknown(self):
        phone = self.connect()
        phone.send(EP_PING, b"\x00" + struct.pack(">I", 42) + b"\x01")
        self.assertEqual(phone.expect(EP_PING), b"\x01" + struct.pack(">I", 42))
        tz = b"Europe/Berlin"
        phone.send(EP_TIME, b"\x03" + struct.pack(">Ih", 1764324000, 60) + bytes([len(tz)]) + tz)
        phone.send(EP_TIME, b"\x00")
        answer = phone.expect(EP_TIME)
        self.assertEqual(answer[0], 0x01)
        self.assertLess(abs(struct.unpack(">I", answer[1:5])[0] - 1764324000), 3)
        st = self.state()
        self.assertEqual(st["pings_answered"], 1)
        self.assertEqual(st["last_ping_cookie"], 42)
        self.assertTrue(st["clock"]["set"])
        self.assertEqual(st["clock"]["utc_time"], 1764324000)
        self.assertEqual(st["clock"]["utc_offset_minutes"], 60)
        self.assertEqual(st["clock"]["tz_name"], "Europe/Berlin")
        # legacy endpoints are unknown to a 3.x+ watch: meta 0xDC + endpoint (§1.1)
        phone.send(0x0BB8, b"\x00\x01")
        self.assertEqual(phone.expect(EP_META), bytes.fromhex("dc0bb8"))
        phone.send(0x4242, b"\x01")
        self.assertEqual(phone.expect(EP_META), bytes.fromhex("dc4242"))
        # malformed frames are dropped; the watch keeps going
        phone.send(EP_TIME, b"\x03\x00")
        phone.send(EP_PING, b"\x07")
        phone.send_raw(b"\x12\x34garbage")
        phone.send(EP_PING, b"\x00" + struct.pack(">I", 43))
        self.assertEqual(phone.expect(EP_PING), b"\x01" + struct.pack(">I", 43))
        self.assertGreaterEqual(self.state()["malformed"], 2)
        # the watch pings the phone
        answer = self.command("ping")
        self.assertTrue(answer["ok"])
        cookie = answer["cookie"]
        ping = phone.expect(EP_PING)
        self.assertEqual(ping[:5], b"\x00" + struct.pack(">I", cookie))
        phone.send(EP_PING, b"\x01" + struct.pack(">I", cookie))
        self.wait_for(lambda st: st["last_pong_cookie"] == cookie, "the pong")
        phone.close()

    def test_03_blobdb(self):
        phone = self.connect()
        item = uuid.uuid4()
        value = timeline_item(item, [(1, "Title"), (3, "Body text"), (30, "Mail")],
                              [(0, 0x02, [(1, "Open")]), (1, 0x03, [(1, "Reply")])])
        phone.send(EP_BLOBDB, blobdb_insert(5, 0x04, item.bytes, value))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("050001"))
        dump = self.command("dump blobdb notifications")
        self.assertTrue(dump["ok"], dump)
        records = dump["blobdb"]["notifications"]
        self.assertEqual(len(records), 1)
        self.assertEqual(records[0]["id"], str(item))
        self.assertEqual(records[0]["attributes"]["title"], "Title")
        self.assertEqual(records[0]["attributes"]["app_name"], "Mail")
        self.assertEqual(records[0]["layout"], 4)
        self.assertEqual([(a["id"], a["type"], a["title"]) for a in records[0]["actions"]],
                         [(0, "generic", "Open"), (1, "response", "Reply")])
        # re-inserting a known id only takes the status byte (§3.5 notif_db)
        phone.send(EP_BLOBDB, blobdb_insert(6, 0x04, item.bytes,
                                            timeline_item(item, [(1, "New")], status=0x10)))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("060001"))
        record = self.command("dump blobdb notifications")["blobdb"]["notifications"][0]
        self.assertEqual(record["attributes"]["title"], "Title")
        self.assertEqual(record["status"], 0x10)
        # bad key length: InvalidData; unknown database: InvalidDatabaseID
        phone.send(EP_BLOBDB, blobdb_insert(7, 0x04, b"short", value))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("070005"))
        phone.send(EP_BLOBDB, blobdb_insert(8, 0x42, item.bytes, value))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("080004"))
        # Read is answered InvalidOperation
        phone.send(EP_BLOBDB, bytes.fromhex("0209000401aa"))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("090003"))
        # a pin without a title: InvalidData; a missing pin: KeyDoesNotExist
        pin = uuid.uuid4()
        phone.send(EP_BLOBDB, blobdb_insert(10, 0x01, pin.bytes,
                                            timeline_item(pin, [(3, "x")], layout=1,
                                                          item_type=2)))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("0a0005"))
        phone.send(EP_BLOBDB, blobdb_delete(11, 0x01, pin.bytes))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("0b0006"))
        # pressing an action sends an InvokeAction (§3.9)
        answer = self.command("press %s 0" % item)
        self.assertTrue(answer["ok"], answer)
        self.assertTrue(answer["sent"])
        invoke = phone.expect(EP_TIMELINE_ACTION)
        self.assertEqual(invoke, b"\x02" + item.bytes + b"\x00\x00")
        answer = self.command("press %s 1 On my way" % item)
        self.assertEqual(answer["reply"], "On my way")
        invoke = phone.expect(EP_TIMELINE_ACTION)
        self.assertEqual(invoke, b"\x02" + item.bytes + b"\x01\x01" + attribute(1, "On my way"))
        self.assertFalse(self.command("press %s 9" % item)["ok"])
        # deleting works by id; a notification that is not there still answers Success
        phone.send(EP_BLOBDB, blobdb_delete(12, 0x04, item.bytes))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("0c0001"))
        phone.send(EP_BLOBDB, blobdb_delete(13, 0x04, item.bytes))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("0d0001"))
        self.assertEqual(self.state()["blobdb"]["notifications"], 0)
        phone.close()

    def test_04_datalog_putbytes_screenshot(self):
        phone = self.connect()
        answer = self.command("dlog open 81 bytes 4")
        self.assertTrue(answer["ok"], answer)
        session = answer["session"]
        opened = phone.expect(EP_DATA_LOGGING)
        self.assertEqual(opened[:2], bytes([0x01, session]))
        self.assertEqual(struct.unpack("<IBH", opened[22:29]), (81, 0, 4))
        phone.send(EP_DATA_LOGGING, bytes([0x85, session]))
        data = bytes(range(40))
        self.assertTrue(self.command("dlog send %d %s" % (session, data.hex()))["ok"])
        sent = phone.expect(EP_DATA_LOGGING)
        self.assertEqual(sent[:2], bytes([0x02, session]))
        self.assertEqual(struct.unpack("<I", sent[6:10])[0], stm32_crc(data))
        self.assertEqual(sent[10:], data)
        # NACK: the watch re-opens the session and sends the data again
        phone.send(EP_DATA_LOGGING, bytes([0x86, session]))
        self.assertEqual(phone.expect(EP_DATA_LOGGING)[0], 0x01)
        phone.send(EP_DATA_LOGGING, bytes([0x85, session]))
        self.assertEqual(phone.expect(EP_DATA_LOGGING)[10:], data)
        phone.send(EP_DATA_LOGGING, bytes([0x85, session]))
        st = self.wait_for(lambda st: st["datalog"]["sessions"][0]["bytes_acked"] == 40,
                           "the data to be acknowledged")
        s = st["datalog"]["sessions"][0]
        self.assertEqual((s["acks"], s["nacks"], s["pending_bytes"]), (3, 1, 0))
        self.assertTrue(self.command("dlog close %d" % session)["ok"])
        self.assertEqual(phone.expect(EP_DATA_LOGGING), bytes([0x03, session]))

        # PutBytes: Init, Put, Commit (CRC checked), Install
        blob = os.urandom(3001)
        phone.send(EP_PUT_BYTES, b"\x01" + struct.pack(">IBB", len(blob), 0x06, 0) + b"lang\0")
        ack = phone.expect(EP_PUT_BYTES)
        self.assertEqual(ack[0], 0x01)
        token = struct.unpack(">I", ack[1:5])[0]
        self.assertNotEqual(token, 0)
        for off in range(0, len(blob), 2000):
            chunk = blob[off:off + 2000]
            phone.send(EP_PUT_BYTES, b"\x02" + struct.pack(">II", token, len(chunk)) + chunk)
            self.assertEqual(phone.expect(EP_PUT_BYTES), b"\x01" + struct.pack(">I", token))
        phone.send(EP_PUT_BYTES, b"\x03" + struct.pack(">II", token, stm32_crc(blob) ^ 1))
        self.assertEqual(phone.expect(EP_PUT_BYTES)[0], 0x02)   # wrong CRC: NACK
        phone.send(EP_PUT_BYTES, b"\x01" + struct.pack(">IBB", len(blob), 0x06, 0) + b"lang\0")
        token = struct.unpack(">I", phone.expect(EP_PUT_BYTES)[1:5])[0]
        phone.send(EP_PUT_BYTES, b"\x02" + struct.pack(">II", token, 2000) + blob[:2000])
        phone.expect(EP_PUT_BYTES)
        phone.send(EP_PUT_BYTES, b"\x02" + struct.pack(">II", token, 1001) + blob[2000:])
        phone.expect(EP_PUT_BYTES)
        phone.send(EP_PUT_BYTES, b"\x03" + struct.pack(">II", token, stm32_crc(blob)))
        self.assertEqual(phone.expect(EP_PUT_BYTES), b"\x01" + struct.pack(">I", token))
        phone.send(EP_PUT_BYTES, b"\x05" + struct.pack(">I", token))
        self.assertEqual(phone.expect(EP_PUT_BYTES), b"\x01" + struct.pack(">I", token))
        objects = self.state()["putbytes"]["objects"]
        self.assertEqual([(o["state"], o["size"], o["crc_ok"]) for o in objects],
                         [("failed", 3001, False), ("installed", 3001, True)])

        # screenshot: a 144x168 8-bpp image in frames of at most 656 bytes
        phone.send(EP_SCREENSHOT, b"\x00")
        first = phone.expect(EP_SCREENSHOT)
        code, version, width, height = struct.unpack(">BIII", first[:13])
        self.assertEqual((code, version, width, height), (0, 2, 144, 168))
        pixels = first[13:]
        while len(pixels) < width * height:
            chunk = phone.expect(EP_SCREENSHOT)
            self.assertLessEqual(len(chunk), 656)
            pixels += chunk
        self.assertEqual(len(pixels), width * height)
        phone.close()

    def test_05_disconnect_reconnect_reset(self):
        phone = self.connect()
        self.assertTrue(self.command("disconnect")["ok"])
        self.assertTrue(phone.wait_closed())
        phone.close()
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        self.assertFalse(self.state()["accepting"])
        self.assertTrue(self.command("reconnect")["ok"])
        phone = self.connect()
        # Reset: the watch reboots and drops the link
        phone.send(EP_RESET, b"\x00")
        self.assertTrue(phone.wait_closed())
        phone.close()
        st = self.wait_for(lambda st: not st["connected"], "the reboot")
        self.assertEqual(st["resets"], 1)
        self.assertEqual(st["last_reset"], "reboot")
        # a notification with layout >= 10 is accepted, wipes the notifications, and the
        # watch crashes about 3 s later (pebbleos-rendering.md §2)
        phone = self.connect()
        keep = uuid.uuid4()
        phone.send(EP_BLOBDB, blobdb_insert(1, 0x04, keep.bytes, timeline_item(keep, [(1, "a")])))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("010001"))
        bad = uuid.uuid4()
        phone.send(EP_BLOBDB, blobdb_insert(2, 0x04, bad.bytes,
                                            timeline_item(bad, [(1, "b")], layout=0x0A)))
        self.assertEqual(phone.expect(EP_BLOBDB), bytes.fromhex("020001"))
        self.assertEqual(self.state()["blobdb"]["notifications"], 0)
        self.assertTrue(phone.wait_closed(timeout=6))
        phone.close()

    def test_06_stdin_control_and_quit(self):
        self.proc.stdin.write("bogus\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        self.assertFalse(answer["ok"])
        self.assertIn("unknown command", answer["error"])
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.assertEqual(json.loads(self.proc.stdout.readline()), {"ok": True})
        self.assertEqual(self.proc.wait(TIMEOUT), 0)
        self.assertFalse(os.path.exists(self.control_path))


EP_HEALTH_SYNC = 0x038F


def minute_steps(item):
    """Steps and HR minutes of one tag-81 record, parsed from §7.2 on its own."""
    version, t, offset, sample_size, num = struct.unpack("<HIbBB", item[:9])
    steps = hr = 0
    for i in range(num):
        sample = item[9 + i * sample_size:9 + (i + 1) * sample_size]
        steps += sample[0]
        if version >= 7 and sample[12]:
            hr += 1
    return version, steps, hr


class HealthPhone(Phone):
    """A phone that runs data logging (§6.4) and keeps what the watch sent per session."""

    def __init__(self, port):
        super().__init__(port)
        self.sessions = {}      # id -> (tag, item_size)
        self.items = {}         # tag -> {item: None}, in order; a resent item is kept once
        self.timeouts = []
        self.health_sync = []
        self.nack_policy = None  # fn(session_id, payload) -> True to NACK
        self.resent = 0         # SendData whose items the phone had already

    def handshake(self):
        endpoint, payload = self.recv()
        assert (endpoint, payload) == (EP_PHONE_APP_VERSION, b"\x00"), (endpoint, payload)
        self.send(EP_PHONE_APP_VERSION,
                  b"\x01" + struct.pack(">III", 0xFFFFFFFF, 0, 4) + bytes([2, 0, 1, 0]) +
                  struct.pack("<Q", 0x9))

    def pump(self, until, timeout=TIMEOUT):
        """Answers data logging until until() is true; returns the frames seen."""
        deadline = time.monotonic() + timeout
        while not until():
            try:
                ep, payload = self.recv(max(0.05, min(0.2, deadline - time.monotonic())))
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
                continue
            self.handle(ep, payload)

    def handle(self, ep, payload):
        if ep == EP_HEALTH_SYNC:
            self.health_sync.append(payload)
            return
        if ep != EP_DATA_LOGGING:
            return
        cmd, sid = payload[0], payload[1]
        if cmd == 0x01:
            tag, item_type, item_size = struct.unpack("<IBH", payload[22:29])
            assert payload[2:18] == bytes(16)
            self.sessions[sid] = (tag, item_size)
            self.send(EP_DATA_LOGGING, bytes([0x85, sid]))
        elif cmd == 0x02:
            tag, item_size = self.sessions[sid]
            data = payload[10:]
            assert len(data) <= 646
            if self.nack_policy is not None and self.nack_policy(sid, payload):
                self.send(EP_DATA_LOGGING, bytes([0x86, sid]))
                return
            assert len(data) % item_size == 0, (len(data), item_size)
            assert struct.unpack("<I", payload[6:10])[0] == stm32_crc(data)
            items = self.items.setdefault(tag, {})
            if data[:item_size] in items:
                self.resent += 1
            for off in range(0, len(data), item_size):
                items[data[off:off + item_size]] = None
            self.send(EP_DATA_LOGGING, bytes([0x85, sid]))
        elif cmd == 0x07:
            self.timeouts.append(sid)


class HealthSimTest(unittest.TestCase):
    """The health generator and the watch's side of data logging (docs/watchsim.md), played
    against a phone written from the reference."""

    def start(self, *args):
        self.proc = subprocess.Popen([SIM, "--port", "0", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline().strip()
        self.port = int(first.rsplit(":", 1)[1])
        self.addCleanup(self.stop)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(TIMEOUT)
        self.proc.stdin.close()
        self.proc.stdout.close()

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        while True:
            out = self.proc.stdout.readline()
            if out.startswith("{"):
                return json.loads(out)

    def health(self):
        return self.command("health state")["health"]

    def phone(self):
        phone = HealthPhone(self.port)
        phone.handshake()
        self.addCleanup(phone.close)
        return phone

    def assert_exact(self, phone):
        """What the phone acknowledged is what was generated, and the truths agree."""
        truth = self.command("health truth")
        gen, acked = truth["generated"], truth["acked"]
        self.assertEqual(gen["totals"], acked["totals"])
        self.assertEqual(gen["local_days"], acked["local_days"])
        self.assertEqual(truth["pending"]["bytes"], 0)
        records = list(phone.items.get(81, {}))
        steps = hr = 0
        for item in records:
            _, s, h = minute_steps(item)
            steps += s
            hr += h
        self.assertEqual(steps, gen["totals"]["steps"])
        self.assertEqual(hr, gen["totals"]["hr_minutes"])
        self.assertEqual(len(records), gen["totals"]["minute_records"])
        return truth

    def test_generate_and_sync(self):
        self.start("--seed", "5")
        gen = self.command("health generate 2 - 1764324000 60")
        self.assertTrue(gen["ok"], gen)
        self.assertEqual((gen["from"], gen["to"], gen["seed"]), (1764324000 - 2 * 86400,
                                                                1764324000, 5))
        self.assertEqual(gen["items"]["minute"], 2 * 96)
        # the same calendar days whatever the range
        again = self.command("health generate 1 - 1764324000")
        self.assertFalse(again["ok"])
        self.assertIn("generated up to 1764324000", again["error"])
        phone = self.phone()
        phone.pump(lambda: self.health()["done"])
        truth = self.assert_exact(phone)
        days = truth["generated"]["local_days"]
        self.assertEqual(list(days), ["2025-11-26", "2025-11-27", "2025-11-28"])
        self.assertEqual(sum(d["minutes"] for d in days.values()), 2 * 1440)
        self.assertGreater(days["2025-11-27"]["steps"], 2000)
        self.assertGreater(days["2025-11-27"]["sleep_minutes"], 300)
        self.assertGreater(days["2025-11-27"]["deep_sleep_minutes"], 30)
        self.assertGreater(truth["generated"]["totals"]["hr_samples"], 200)
        # HealthSync: ACK; a watch without health answers NACK
        phone.send(EP_HEALTH_SYNC, b"\x01" + struct.pack("<I", 3600))
        phone.pump(lambda: phone.health_sync)
        self.assertEqual(phone.health_sync, [b"\x11\x01"])
        self.command("health disable")
        phone.send(EP_HEALTH_SYNC, b"\x01" + struct.pack("<I", 3600))
        phone.pump(lambda: len(phone.health_sync) == 2)
        self.assertEqual(phone.health_sync[1], b"\x11\x02")

    def test_hold_until_health_sync(self):
        self.start("--health-hold")
        phone = self.phone()
        self.assertTrue(self.command("health generate 0.5")["ok"])
        # sessions open, but nothing is sent until the phone asks
        phone.pump(lambda: len(phone.sessions) == 3)
        time.sleep(0.3)
        phone.pump(lambda: True)
        self.assertEqual(self.health()["bytes"]["acked"], 0)
        phone.send(EP_HEALTH_SYNC, b"\x01" + struct.pack("<I", 0))
        phone.pump(lambda: self.health()["done"])
        self.assert_exact(phone)

    def test_lost_ack_is_resent(self):
        self.start("--dlog-timeout-ms", "300")
        phone = self.phone()
        self.assertTrue(self.command("dlog drop-acks 1")["ok"])
        self.assertTrue(self.command("health generate 0.25")["ok"])
        phone.pump(lambda: phone.timeouts, timeout=5)
        st = self.health()
        self.assertEqual(st["faults"]["acks_dropped"], 1)
        self.assertFalse(st["done"])
        stalled = [s for s in st["sessions"] if s["stalled"]]
        self.assertEqual([s["id"] for s in stalled], phone.timeouts)
        # the resent chunk duplicates what the phone already has
        phone.send(EP_HEALTH_SYNC, b"\x01" + struct.pack("<I", 0))
        phone.pump(lambda: self.health()["done"])
        truth = self.command("health truth")
        self.assertEqual(truth["generated"]["totals"], truth["acked"]["totals"])
        self.assertEqual(phone.resent, 1)

    def test_corrupt_next(self):
        self.start()
        phone = self.phone()
        seen = []

        def nack_broken(sid, payload):
            tag, item_size = phone.sessions[sid]
            data = payload[10:]
            crc_ok = struct.unpack("<I", payload[6:10])[0] == stm32_crc(data)
            whole = len(data) % item_size == 0
            bad_version = tag == 81 and whole and minute_steps(data[-item_size:])[0] == 0xFF
            future = tag == 81 and whole and struct.unpack("<I", data[2:6])[0] >= 0xF0000000
            if not crc_ok or not whole or bad_version or future:
                seen.append((crc_ok, whole, bad_version, future))
                return True
            return False

        phone.nack_policy = nack_broken
        end = 1764324000
        for kind in ("crc", "record", "truncate", "range"):
            end += 7200
            self.assertTrue(self.command("dlog corrupt-next %s 1 81" % kind)["ok"])
            self.assertTrue(self.command("health generate 0.1 - %d" % end)["ok"])
            phone.pump(lambda: self.health()["done"])
        self.assertEqual(seen, [(False, True, False, False), (True, True, True, False),
                                (True, False, False, False), (True, True, False, True)])
        self.assert_exact(phone)
        # more than 20 NACKs in a row: the watch throws the session's data away
        self.assertTrue(self.command("dlog corrupt-next record 21 81")["ok"])
        self.assertTrue(self.command("health generate 0.1 - %d" % (end + 7200))["ok"])
        phone.pump(lambda: self.health()["done"])
        st = self.health()
        minute = [s for s in st["sessions"] if s["tag"] == 81][0]
        self.assertEqual(minute["nacks"], 4 + 21)
        self.assertGreater(minute["bytes_discarded"], 0)
        truth = self.command("health truth")
        self.assertEqual(truth["discarded"]["totals"]["minute_records"], 8)
        for key in ("steps", "minute_records", "hr_minutes"):
            self.assertEqual(truth["generated"]["totals"][key],
                             truth["acked"]["totals"][key] + truth["discarded"]["totals"][key])

    def test_disconnect_mid_batch(self):
        self.start()
        self.assertTrue(self.command("health generate 1")["ok"])
        self.assertTrue(self.command("disconnect-after-frames 20")["ok"])
        phone = self.phone()
        with self.assertRaises((EOFError, ConnectionResetError, BrokenPipeError)):
            phone.pump(lambda: False)
        st = self.health()
        self.assertEqual(st["faults"]["links_dropped"], 1)
        self.assertGreater(st["bytes"]["pending"], 0)
        self.assertGreater(st["bytes"]["acked"], 0)
        first = phone.items
        phone.close()
        deadline = time.monotonic() + TIMEOUT
        while self.command("state")["connected"] and time.monotonic() < deadline:
            time.sleep(0.02)
        phone = self.phone()
        phone.items = first
        phone.pump(lambda: self.health()["done"])
        self.assert_exact(phone)

    def test_deterministic_days(self):
        """The same seed gives the same calendar days, whatever range they are generated in."""
        midnight = 1764284400   # 2025-11-28 00:00 at UTC+1
        self.start()
        a = self.command("health generate 3 42 %d 60" % midnight)
        wide = self.command("health truth")["generated"]["local_days"]
        self.stop()
        self.start()
        self.assertTrue(self.command("health generate 1 42 %d 60" % midnight)["ok"])
        narrow = self.command("health truth")["generated"]["local_days"]
        self.assertEqual(list(narrow), ["2025-11-27"])
        day = "2025-11-27"
        self.assertEqual(narrow[day]["minutes"], 1440)
        # the minutes and the workouts of the day are the same; the night that began the
        # evening before is outside the narrow range
        for key in ("steps", "hr_minutes", "hr_samples", "distance_cm", "walks", "runs",
                    "max_hr", "active_minutes"):
            self.assertEqual(narrow[day][key], wide[day][key], key)
        self.stop()
        self.start()
        self.assertEqual(self.command("health generate 3 42 %d 60" % midnight), a)
        self.assertEqual(self.command("health truth")["generated"]["local_days"], wide)
        self.stop()
        self.start()
        self.assertTrue(self.command("health generate 3 43 %d 60" % midnight)["ok"])
        other = self.command("health truth")["generated"]["local_days"]
        self.assertNotEqual(other[day]["steps"], wide[day]["steps"])

    def test_record_versions(self):
        for version, size in ((5, 99), (6, 189), (7, 204), (12, 234), (13, 249), (83, 99)):
            with self.subTest(version=version):
                self.start("--health-version", str(version))
                phone = self.phone()
                self.assertTrue(self.command("health generate 1.5")["ok"])
                phone.pump(lambda: self.health()["done"])
                truth = self.assert_exact(phone)
                self.assertEqual(self.health()["minute_item_size"], size)
                totals = truth["generated"]["totals"]
                self.assertEqual(set(phone.items), {81, 83} if version == 83 else
                                 {81, 84} if version < 7 else {81, 84, 85})
                self.assertEqual(totals["hr_samples"] > 0, version not in (5, 6, 83))
                self.assertGreater(totals["sleep_minutes"], 300)
                self.assertGreater(totals["deep_sleep_minutes"], 30)
                phone.close()
                self.stop()
                self._cleanups.clear()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test-watchsim.py PATH/TO/wearbridge-watchsim")
    SIM = sys.argv.pop(1)
    unittest.main(verbosity=2)
