#!/usr/bin/python3
# Copyright 2026 The wearbridge authors
# SPDX-License-Identifier: GPL-2.0-or-later
"""Health sync end to end: the simulated watch generates days of health data (its ground truth
is in `health truth`, docs/watchsim.md), the daemon syncs them through data logging, and what
org.wearbridge.Health1 serves must equal the truth exactly: no reading lost, none twice.

Days are local days of the daemon's time zone (TZ); the watch gets the same offset from the
daemon's SetUTC, so its truth's "local_days" are the daemon's days."""

import json
import random
import time

from wbtest import HEALTH, WbTestCase, main, subscribe_signals

DAY = 86400
# A zone with a half-hour offset and no DST: local days are not UTC days
TZ = "Asia/Kolkata"
# 2026-10-31 12:00 UTC (17:30 in TZ), a Saturday: a fixed end makes every run generate the
# same days; a range ending there holds whole nights
END = 1793448000
QUALITY_FROM_MINUTE = 255


class HealthTest(WbTestCase):

    # ---- setup ----
    def setup_watch(self, sim_args=(), tz=TZ):
        self.env["TZ"] = tz
        sim = self.start_sim(args=list(sim_args))
        self.start_daemon()
        path = self.connect_emulator(sim)
        self.wait_connected(path)
        # the generator takes the local offset the daemon set on the watch
        self.assert_eventually(lambda: sim.state()["clock"]["set_count"] >= 1,
                               message="the daemon did not set the watch's clock")
        # the sync a connection starts (HealthSync request) is over before the test begins
        self.assert_eventually(
            lambda: sim.control("health state")["health"]["sync_requests"] >= 1 and
            not self.prop(path, "Syncing", HEALTH),
            message="the daemon did not sync on connect (HealthSync request)")
        return sim, path

    def generate(self, sim, days, end=END, seed=None):
        answer = sim.control("health generate %s %s %d" % (days, "-" if seed is None else seed,
                                                            end))
        self.assertTrue(answer["ok"], answer)
        return answer

    def sync(self, path):
        self.call(path, HEALTH, "Sync", timeout=120000)

    def wait_done(self, sim, timeout=50):
        """Until the watch has nothing left: all its health data acknowledged (or
        discarded) and no message waiting for an answer."""
        self.assert_eventually(lambda: sim.control("health state")["health"]["done"],
                               timeout=timeout,
                               message="the watch still holds health data: %s" %
                               json.dumps(sim.control("health state")["health"]))

    def sync_until_done(self, sim, path, attempts=4):
        """Health1.Sync() until the watch has nothing left (a session that timed out waits
        for the next HealthSync, as on a real watch)."""
        for _ in range(attempts):
            self.sync(path)
            if sim.control("health state")["health"]["done"]:
                return
        self.wait_done(sim, timeout=10)

    # ---- the comparison ----
    def assert_store_equals_truth(self, sim, path, which="generated"):
        """Health1's per-day totals equal the watch's ground truth (`which`: "generated"
        when nothing was lost, "acked" when the watch discarded data), exactly."""
        truth = sim.control("health truth")
        part = truth[which]
        days = part["local_days"]
        self.assertTrue(days, "nothing was generated")
        self.assertEqual(truth["pending"]["bytes"], 0, "the watch still holds data")
        first = min(d["day_start"] for d in days.values())
        last = max(d["day_start"] for d in days.values()) + DAY

        # every day: the daily summary, a one-day step bucket, the heart-rate samples
        for date, day in days.items():
            start = day["day_start"]
            summary = self.call(path, HEALTH, "GetDailySummary", "t", start + 3600)[0]
            got = {k: summary[k] for k in ("day_start", "steps", "sleep_seconds",
                                            "deep_sleep_seconds", "active_minutes",
                                            "distance_m", "max_heart_rate")}
            want = {"day_start": start, "steps": day["steps"],
                    "sleep_seconds": day["sleep_seconds"],
                    "deep_sleep_seconds": day["deep_sleep_seconds"],
                    "active_minutes": day["active_minutes"],
                    "distance_m": day["distance_cm"] // 100, "max_heart_rate": day["max_hr"]}
            self.assertEqual(got, want, "daily summary of %s" % date)
            buckets = self.call(path, HEALTH, "GetSteps", "ttu", start, start + DAY, DAY)[0]
            self.assertEqual(buckets, [(start, day["steps"])], "steps of %s" % date)
            samples = self.call(path, HEALTH, "GetHeartRate", "tt", start, start + DAY)[0]
            logged = [s for s in samples if s[2] != QUALITY_FROM_MINUTE]
            minutes = [s for s in samples if s[2] == QUALITY_FROM_MINUTE]
            self.assertEqual((len(logged), len(minutes)), (day["hr_samples"], day["hr_minutes"]),
                             "heart-rate samples (log, minutes) of %s" % date)

        # the whole range at once: buckets, no duplicate samples, the sessions
        totals = part["totals"]
        buckets = self.call(path, HEALTH, "GetSteps", "ttu", first, last, DAY)[0]
        self.assertEqual([b[0] for b in buckets], list(range(first, last, DAY)))
        self.assertEqual(sum(b[1] for b in buckets), totals["steps"])
        self.assertEqual([b[1] for b in buckets], [d["steps"] for d in days.values()])
        samples = self.call(path, HEALTH, "GetHeartRate", "tt", first, last)[0]
        self.assertEqual(len(samples), totals["hr_samples"] + totals["hr_minutes"])
        self.assertEqual(len({(s[0], s[2] == QUALITY_FROM_MINUTE) for s in samples}),
                         len(samples), "a heart-rate sample is stored twice")
        sleep = self.call(path, HEALTH, "GetSleep", "tt", first - DAY, last + DAY)[0]
        self.assertEqual(len(set(sleep)), len(sleep), "a sleep session is stored twice")
        nights = [s for s in sleep if s[2] in (1, 3)]
        deep = [s for s in sleep if s[2] in (2, 4)]
        self.assertEqual((len(nights), sum(s[1] for s in nights)),
                         (totals["sleep_sessions"], totals["sleep_seconds"]))
        self.assertEqual(len(deep), totals["deep_sleep_sessions"])
        if totals["legacy_sleep_records"] == 0:
            self.assertEqual(sum(s[1] for s in deep), totals["deep_sleep_seconds"])
        return truth

    # ---- the tests ----
    def test_sync_7_days(self):
        """Health1.Sync() brings 7 days over; per-day totals equal the truth exactly."""
        sim, path = self.setup_watch(["--seed", "7", "--health-hold"])
        progress = subscribe_signals(self, HEALTH, "SyncProgress")
        added = subscribe_signals(self, HEALTH, "ReadingsAdded")
        gen = self.generate(sim, 7)
        self.assertEqual(gen["utc_offset_minutes"], 330)
        # held: nothing moves until the phone asks
        time.sleep(0.5)
        self.assertEqual(sim.control("health state")["health"]["bytes"]["acked"], 0)
        self.sync(path)
        self.wait_done(sim, timeout=30)
        truth = self.assert_store_equals_truth(sim, path)
        # one HealthSync on connect, one for Sync(): held data moves only when asked
        self.assertGreaterEqual(sim.control("health state")["health"]["sync_requests"], 2)
        self.assertEqual(len(truth["generated"]["local_days"]), 8)
        self.assertGreater(truth["generated"]["totals"]["steps"], 20000)
        self.assertEqual(truth["acked"]["totals"], truth["generated"]["totals"])
        # properties and signals
        props = self.props(path, HEALTH)
        self.assertGreater(props["LastSync"], time.time() - 120)
        self.assertFalse(props["Syncing"])
        self.assert_eventually(lambda: progress and added)
        kinds = {a[1][0] for a in added}
        self.assertTrue({"steps", "sleep", "activity", "heart-rate"} <= kinds, kinds)
        # a second sync finds nothing new and changes nothing
        before = len(added)
        self.sync(path)
        self.assert_store_equals_truth(sim, path)
        self.assertEqual(len(added), before)

    def test_api_validation_reprocess_export(self):
        """Bad ranges answer InvalidArgs; Reprocess re-derives the same readings from the raw
        payloads; wearctl exports what the API serves."""
        sim, path = self.setup_watch(["--seed", "5", "--health-hold"])
        self.generate(sim, 2)
        self.sync(path)
        self.wait_done(sim, timeout=30)
        before = self.assert_store_equals_truth(sim, path)
        for args in [(END, END - DAY, 3600), (END - DAY, END, 59), (END - DAY, END, 31622401),
                     (0, 100000 * 60 + 60, 60), (END - DAY, 253402300800, 86400)]:
            self.assert_dbus_error("org.wearbridge.Error.InvalidArgs", self.call, path, HEALTH,
                                   "GetSteps", "ttu", *args)
        self.assert_dbus_error("org.wearbridge.Error.InvalidArgs", self.call, path, HEALTH,
                               "GetHeartRate", "tt", END, END - 1)
        self.assert_dbus_error("org.wearbridge.Error.InvalidArgs", self.call, path, HEALTH,
                               "GetSleep", "tt", END, END - 1)
        steps = self.call(path, HEALTH, "GetSteps", "ttu", END - 2 * DAY, END, DAY)[0]
        records = self.call(path, HEALTH, "Reprocess", timeout=120000)[0]
        self.assertGreater(records, 0)
        self.assertEqual(self.call(path, HEALTH, "GetSteps", "ttu", END - 2 * DAY, END, DAY)[0], steps)
        after = self.assert_store_equals_truth(sim, path)
        self.assertEqual(before["generated"]["totals"], after["generated"]["totals"])
        # wearctl export: CSV with a header, and JSON, both matching the store's steps
        out = self.wearctl("health", "export", "--format", "json", "--from",
                           time.strftime("%Y-%m-%d", time.gmtime(END - 3 * DAY)),
                           "--to", time.strftime("%Y-%m-%d", time.gmtime(END + DAY))).stdout
        exported = json.loads(out)
        self.assertIsInstance(exported, (dict, list))
        csv = self.wearctl("health", "export", "--format", "csv").stdout.splitlines()
        self.assertGreater(len(csv), 1)
        self.assertIn(",", csv[0])

    def test_drop_link_mid_batch(self):
        """The link drops in the middle of a batch, twice; the resumed sync is exact."""
        sim, path = self.setup_watch(["--seed", "11"])
        self.generate(sim, 7)
        for frames in (120, 120):
            self.assertTrue(sim.control("disconnect-after-frames %d" % frames)["ok"])
            dropped = sim.control("health state")["health"]["faults"]["links_dropped"]
            self.assert_eventually(
                lambda: sim.control("health state")["health"]["faults"]["links_dropped"] >
                dropped, timeout=30)
            self.wait_connected(path, timeout=30)
        st = sim.control("health state")["health"]
        self.assertEqual(st["faults"]["links_dropped"], 2)
        self.wait_done(sim)
        self.sync(path)
        self.assert_store_equals_truth(sim, path)

    def test_lost_acks_replayed(self):
        """ACKs lost on the way: the watch times out and sends the same data again; the
        replay is stored once."""
        sim, path = self.setup_watch(["--seed", "3", "--dlog-timeout-ms", "700",
                                      "--health-hold"])
        self.assertTrue(sim.control("dlog drop-acks 3")["ok"])
        self.generate(sim, 3)
        self.sync_until_done(sim, path)
        st = sim.control("health state")["health"]
        self.assertEqual(st["faults"]["acks_dropped"], 3)
        self.assertGreaterEqual(sum(s["timeouts"] for s in st["sessions"]), 1)
        self.assert_store_equals_truth(sim, path)
        self.assertIsNone(self.daemon.poll())

    def corrupt_once(self, kind, end):
        """Days ending at end - 3 days .. end: one intact, then one per tag with a broken
        SendData of that tag."""
        sim, path = self.setup_watch(["--seed", "5"])
        self.generate(sim, 1, end=end - 3 * DAY)
        self.sync(path)
        self.wait_done(sim)
        nacks = {s["tag"]: s["nacks"] for s in sim.control("health state")["health"]["sessions"]}
        for i, tag in enumerate((81, 84, 85)):
            self.assertTrue(sim.control("dlog corrupt-next %s 1 %d" % (kind, tag))["ok"])
            self.generate(sim, 1, end=end - (2 - i) * DAY)
            self.sync_until_done(sim, path)
            st = sim.control("health state")["health"]
            session = [s for s in st["sessions"] if s["tag"] == tag][0]
            self.assertEqual(session["corrupted_sent"], 1)
            self.assertEqual(session["nacks"], nacks.get(tag, 0) + 1,
                             "the %s SendData of tag %d was not NACKed" % (kind, tag))
            self.assertIsNone(self.daemon.poll(), "wearbridged died")
        # the intact data came again and is stored exactly once
        self.assert_store_equals_truth(sim, path)
        return sim, path

    def test_malformed_record_nacked(self):
        """A broken record (unknown minute version, activity type 99, protobuf garbage) in
        the last item of a SendData: NACKed, the batch stores nothing, the resent intact data
        is stored once."""
        self.corrupt_once("record", END)

    def test_truncated_record_nacked(self):
        """A SendData whose last item is cut short: NACKed."""
        self.corrupt_once("truncate", END)

    def test_bad_checksum_nacked(self):
        """A SendData whose checksum does not match its data (§6.5): NACKed."""
        self.corrupt_once("crc", END)

    def test_out_of_range_nacked(self):
        """Records dated 2097 and records with a local offset of +31:45 or +55 h: NACKed,
        nothing stored at those times."""
        sim, path = self.corrupt_once("range", END - 3 * DAY)
        far = 0xF0000000
        self.assertEqual(self.call(path, HEALTH, "GetHeartRate", "tt", far, far + 2 * DAY)[0], [])
        self.assertEqual(self.call(path, HEALTH, "GetSleep", "tt", far, far + 2 * DAY)[0], [])
        buckets = self.call(path, HEALTH, "GetSteps", "ttu", far, far + 2 * DAY, DAY)[0]
        self.assertEqual(sum(b[1] for b in buckets), 0)
        for i, tag in enumerate((81, 84, 85)):
            self.assertTrue(sim.control("dlog corrupt-next offset 1 %d" % tag)["ok"])
            self.generate(sim, 1, end=END - (2 - i) * DAY)
            self.sync_until_done(sim, path)
            session = [s for s in sim.control("health state")["health"]["sessions"]
                       if s["tag"] == tag][0]
            self.assertEqual(session["corrupted_sent"], 2)
            self.assertEqual(session["nacks"], 2, "the bad offset of tag %d was not NACKed" % tag)
        self.assert_store_equals_truth(sim, path)

    def test_too_many_nacks_discarded(self):
        """21 broken SendData in a row: the daemon NACKs each and keeps running; the watch
        then discards the whole minute session (§6.4). Asserted: the store holds exactly what
        the watch got ACKed (the discarded minutes are gone from both), every other session
        is complete."""
        sim, path = self.setup_watch(["--seed", "9"])
        self.generate(sim, 1, end=END - DAY)
        self.sync(path)
        self.wait_done(sim)
        self.assertTrue(sim.control("dlog corrupt-next record 21 81")["ok"])
        self.generate(sim, 1, end=END)
        self.sync_until_done(sim, path)
        st = sim.control("health state")["health"]
        minute = [s for s in st["sessions"] if s["tag"] == 81][0]
        self.assertEqual(minute["nacks"], 21)
        self.assertGreater(minute["bytes_discarded"], 0)
        self.assertIsNone(self.daemon.poll())
        truth = self.assert_store_equals_truth(sim, path, which="acked")
        discarded = truth["discarded"]["totals"]
        self.assertEqual(discarded["minute_records"], 96)
        self.assertEqual(discarded["activity_records"] + discarded["hr_items"], 0)
        self.assertEqual(truth["generated"]["totals"]["minute_records"],
                         truth["acked"]["totals"]["minute_records"] + 96)

    def sync_version(self, version, days=2):
        sim, path = self.setup_watch(["--seed", str(version), "--health-version", str(version)])
        self.generate(sim, days)
        self.sync(path)
        self.wait_done(sim)
        truth = self.assert_store_equals_truth(sim, path)
        totals = truth["generated"]["totals"]
        self.assertGreater(totals["sleep_seconds"], 0)
        self.assertGreater(totals["deep_sleep_seconds"], 0)
        return totals

    def test_version_5(self):
        totals = self.sync_version(5)
        self.assertEqual(totals["hr_samples"] + totals["hr_minutes"], 0)

    def test_version_6(self):
        self.sync_version(6)

    def test_version_7(self):
        totals = self.sync_version(7)
        self.assertGreater(totals["hr_minutes"], 0)

    def test_version_12(self):
        self.sync_version(12)

    def test_version_13(self):
        self.sync_version(13)

    def test_version_legacy_sleep_83(self):
        """Firmware before 3.11: v5 minute records and tag-83 nights (deep sleep as a total,
        spread evenly over the night per day, as the truth defines it)."""
        totals = self.sync_version(83)
        self.assertGreater(totals["legacy_sleep_records"], 0)
        self.assertEqual(totals["activity_records"], 0)

    def test_health_disabled(self):
        """A watch without health tracking: Sync() fails with NotSupported."""
        sim, path = self.setup_watch(["--no-health"])
        self.assert_dbus_error("org.wearbridge.Error.NotSupported", self.sync, path)
        self.assertGreaterEqual(sim.control("health state")["health"]["sync_nacks"], 1)

    def test_third_party_datalog(self):
        """A watch app's data logging session (its own UUID) is not health data: the daemon
        announces it with DataLogged(app, tag, bytes), then acknowledges it."""
        sim, path = self.setup_watch()
        logged = subscribe_signals(self, HEALTH, "DataLogged")
        app = "3af858c3-16cb-4561-91e7-f1ad2df8725f"
        answer = sim.control("dlog open 81 bytes 6 %s" % app)
        self.assertTrue(answer["ok"], answer)
        session = answer["session"]
        data = bytes(range(1, 25))
        self.assertTrue(sim.control("dlog send %d %s" % (session, data.hex()))["ok"])
        self.assert_eventually(lambda: logged, timeout=10, message="no DataLogged signal")
        got_path, (got_app, tag, payload) = logged[0]
        self.assertEqual(got_path, path)
        self.assertEqual((got_app, tag, bytes(payload)), (app, 81, data))

        def acked():
            sessions = sim.control("dump datalog")["datalog"]["sessions"]
            return [s["bytes_acked"] for s in sessions if s["id"] == session] == [len(data)]
        self.assert_eventually(acked, message="the app's data was not acknowledged")
        # nothing of it became health data
        self.assertEqual(self.call(path, HEALTH, "GetHeartRate", "tt", 0, 2 ** 32)[0], [])

    def test_wearctl(self):
        """wearctl health sync works; `wearctl --json health steps --days 7` parses and its
        days match GetSteps."""
        sim, path = self.setup_watch(["--seed", "4", "--health-hold"])
        now = int(time.time())
        self.generate(sim, 8, end=now)
        r = self.wearctl("health", "sync")
        self.assertEqual(r.returncode, 0)
        self.wait_done(sim, timeout=30)
        out = json.loads(self.wearctl("--json", "health", "steps", "--days", "7").stdout)
        days = out["days"] if isinstance(out, dict) and "days" in out else out
        self.assertEqual(len(days), 7, out)
        for day in days:
            start = day["start"]
            want = self.call(path, HEALTH, "GetSteps", "ttu", start, start + DAY, DAY)[0]
            self.assertEqual([(start, day["steps"])], want, day)
        truth = sim.control("health truth")["generated"]["local_days"]
        by_start = {d["day_start"]: d["steps"] for d in truth.values()}
        self.assertEqual([by_start.get(d["start"]) for d in days], [d["steps"] for d in days])


def _kill9(seed):
    def test(self):
        """kill -9 the daemon at random points of a 30-day sync, restart it, let it
        finish: the store equals the truth exactly."""
        rng = random.Random(seed)
        sim, path = self.setup_watch(["--seed", str(seed)])
        gen = self.generate(sim, 30, seed=seed)
        total = gen["bytes"]
        kills = rng.randint(1, 3)
        points = sorted(rng.uniform(0.02, 0.95) for _ in range(kills))
        for point in points:
            self.assert_eventually(
                lambda: sim.control("health state")["health"]["bytes"]["acked"] >= point * total,
                timeout=40, message="the sync stalled before %.0f %%" % (point * 100))
            # a random moment within the next batches
            time.sleep(rng.uniform(0, 0.05))
            self.kill_daemon()
            self.start_daemon()
            self.wait_connected(path, timeout=20)
        self.wait_done(sim, timeout=50)
        self.sync(path)
        truth = self.assert_store_equals_truth(sim, path)
        self.assertEqual(truth["acked"]["totals"], truth["generated"]["totals"])
        self.assertEqual(self.daemon_runs, kills + 1)
    test.__name__ = "test_kill9_seed_%02d" % seed
    test.__doc__ = test.__doc__ + " (seed %d)" % seed
    return test


for _seed in range(1, 11):
    setattr(HealthTest, "test_kill9_seed_%02d" % _seed, _kill9(_seed))


if __name__ == "__main__":
    main()
