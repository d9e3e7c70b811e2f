#!/usr/bin/env python3
"""Splits each timed request of a `--paired` run traced by shim.c into client and server time.

usage: analyze.py LIB WORKLOAD TRACE...   (prints one JSON line)

For every library call (marks 1 → 2) and raw request (marks 3 → 4) in the traces:
  pre  = first socket write after the start mark − start   (client work before the request is sent)
  wire = last socket read before the end mark − that write (loopback, server, wake-ups)
  post = end mark − that last read                          (client work from the bytes to the event)
The first two calls of each kind (the warm-up) are skipped; the figures are medians.
"""
import json
import sys


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


lib, workload, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
segments = {"lib": [], "raw": []}
for path in paths:
    events = []
    for line in open(path):
        ns, ev, value = line.split()
        events.append((int(ns), ev, int(value)))
    events.sort(key=lambda e: e[0])
    start = None
    for ns, ev, value in events:
        if ev == "mark" and value in (1, 3):
            start = (ns, "lib" if value == 1 else "raw", None, None)
        elif start and ev == "write" and start[2] is None:
            start = (start[0], start[1], ns, None)
        elif start and ev == "read" and start[2] is not None:
            start = (start[0], start[1], start[2], ns)
        elif start and ev == "mark" and value in (2, 4):
            t0, kind, wrote, last_read = start
            if wrote is not None and last_read is not None:
                segments[kind].append({
                    "pre": (wrote - t0) / 1000,
                    "wire": (last_read - wrote) / 1000,
                    "post": (ns - last_read) / 1000,
                    "total": (ns - t0) / 1000,
                })
            start = None

out = {"lib": lib, "workload": workload}
for kind, segs in segments.items():
    segs = segs[2:]
    out[f"{kind}_calls"] = len(segs)
    if not segs:
        continue
    for k in ("pre", "wire", "post", "total"):
        out[f"{kind}_{k}_us"] = round(median([s[k] for s in segs]), 1)
    out[f"{kind}_client_us"] = round(median([s["pre"] + s["post"] for s in segs]), 1)
print(json.dumps(out))
