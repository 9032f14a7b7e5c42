#!/usr/bin/env python3
"""Counts test cases in meson's testlog.json: each TAP 'ok'/'not ok' line of a TAP test, or
the whole test for other protocols. Prints 'passed failed' for the caller to add up."""
import json
import re
import sys

passed = failed = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        t = json.loads(line)
        result = t.get("result")
        out = t.get("stdout") or ""
        oks = len(re.findall(r"^ok \d+", out, re.M))
        not_oks = len(re.findall(r"^not ok \d+", out, re.M))
        # meson's log does not say the protocol: a TAP plan line marks a TAP test
        if re.search(r"^1\.\.\d+", out, re.M) and oks + not_oks > 0:
            passed += oks
            failed += not_oks
            if result not in ("OK", "SKIP", "EXPECTEDFAIL") and not_oks == 0:
                failed += 1  # crashed after its last subtest
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            pass
        else:
            failed += 1
print(passed, failed)
