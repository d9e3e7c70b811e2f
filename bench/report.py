#!/usr/bin/env python3
"""Turns the raw figures run.sh collected into one markdown report."""
import json
import os
import sys

out, runs = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(os.path.join(out, "runs.jsonl"))]
by = {(r["lib"], r["workload"]): r for r in rows}
names = {
    1: "1. ConverseStream, 2,000 text deltas",
    2: "2. Converse, 50 KB body",
    3: "3. 100 concurrent ConverseStreams (workload 1)",
    4: "4. InvokeModelWithResponseStream, 2,000 Anthropic chunks",
}


def ratio(a, b):
    return f"{a / b:.2f}" if b else "n/a"


def met(ok):
    return "met" if ok else "**not met**"


print(f"Each figure is the median of {runs} runs (after 2 warm-up runs) in a fresh process per library and workload.\n")
print("| Workload | Figure | bedrock-wire | aws-sdk-bedrockruntime | ours / SDK | Target |")
print("|---|---|---:|---:|---:|---|")
for w in (1, 2, 3, 4):
    o, s, r = by.get(("ours", w)), by.get(("sdk", w)), by.get(("raw", w))
    if not (o and s):
        continue
    n = names[w]
    streamed = w != 2
    print(f"| {n} | wall time | {o['wall_us']/1000:.2f} ms | {s['wall_us']/1000:.2f} ms | {ratio(o['wall_us'], s['wall_us'])} | |")
    print(f"| | CPU time (user+sys) | {o['cpu_us']/1000:.2f} ms | {s['cpu_us']/1000:.2f} ms | {ratio(o['cpu_us'], s['cpu_us'])} | ≤ 0.50: {met(o['cpu_us'] <= s['cpu_us'] / 2)} |")
    print(f"| | peak RSS (VmHWM, whole process) | {o['rss_kb']/1024:.1f} MiB | {s['rss_kb']/1024:.1f} MiB | {ratio(o['rss_kb'], s['rss_kb'])} | ≤ 0.50: {met(o['rss_kb'] <= s['rss_kb'] / 2)} |")
    if "peak_live_heap_kb" in o and "peak_live_heap_kb" in s:
        print(f"| | peak live heap (counting allocator) | {o['peak_live_heap_kb']/1024:.1f} MiB | {s['peak_live_heap_kb']/1024:.1f} MiB | {ratio(o['peak_live_heap_kb'], s['peak_live_heap_kb'])} | |")
    label = "time to first event" if streamed else "time to parsed response"
    base = r["ttfe_us"] if r else 0
    extra = f" (server TTFB {base} µs; ours +{o['ttfe_us'] - base} µs, SDK +{s['ttfe_us'] - base} µs)"
    target = f"≤ TTFB + 100 µs: {met(o['ttfe_us'] - base <= 100)}" if streamed else ""
    print(f"| | {label}{extra} | {o['ttfe_us']} µs | {s['ttfe_us']} µs | {ratio(o['ttfe_us'], s['ttfe_us'])} | {target} |")
    unit = "allocations per streamed event (frame)" if streamed else "allocations per call"
    print(f"| | {unit} | {o['allocs_per_event']:.1f} | {s['allocs_per_event']:.1f} | {ratio(o['allocs_per_event'], s['allocs_per_event'])} | |")
    if streamed:
        print(f"| | events delivered per stream / frames on the wire | {o['events_seen'] // (100 if w == 3 else 1)} / {o['frames'] // (100 if w == 3 else 1)} | {s['events_seen'] // (100 if w == 3 else 1)} / {s['frames'] // (100 if w == 3 else 1)} | | |")

print()
print("Replay server baseline (a pre-signed request on a bare TCP socket, `--lib raw`): ", end="")
print(", ".join(f"workload {w}: TTFB {by[('raw', w)]['ttfe_us']} µs, whole response {by[('raw', w)]['wall_us']/1000:.2f} ms"
                for w in (1, 2, 3, 4) if ("raw", w) in by) + ".")

cg = os.path.join(out, "callgrind.jsonl")
if os.path.exists(cg):
    frames = {1: 2004, 4: 2005}
    print()
    for c in (json.loads(l) for l in open(cg)):
        w = c["workload"]
        per = (c["ir11"] - c["ir1"]) / (10 * frames[w])
        print(f"Hot path (callgrind, bedrock-wire only, workload {w}): {c['ir1']:,} instructions for 1 stream, "
              f"{c['ir11']:,} for 11 streams; **{per:,.0f} instructions per streamed event** "
              f"((Ir₁₁ − Ir₁) / (10 × {frames[w]:,} frames); includes HTTP/chunked decoding, frame CRCs, JSON and the harness loop).  ")

fp = os.path.join(out, "footprint.jsonl")
if os.path.exists(fp):
    f = {d["name"]: d for d in (json.loads(l) for l in open(fp))}
    print()
    print("| Footprint (one streamed Converse call) | reqwest + rustls floor | bedrock-wire | aws-sdk-bedrockruntime | ours / SDK | Target |")
    print("|---|---:|---:|---:|---:|---|")
    fl, o, s = f.get("floor", {}), f["ours"], f["sdk"]
    print(f"| unique crates, normal dependency graph | {fl.get('crates', 'n/a')} | {o['crates']} | {s['crates']} | {ratio(o['crates'], s['crates'])} | ≤ floor + 12 = {fl.get('crates', 0) + 12}: {met(o['crates'] <= fl.get('crates', 0) + 12)} |")
    print(f"| clean `cargo build --release -j 2`, wall | {fl.get('build_s', 0):.0f} s | {o['build_s']:.0f} s | {s['build_s']:.0f} s | {ratio(o['build_s'], s['build_s'])} | ≤ 0.50: {met(o['build_s'] <= s['build_s'] / 2)} |")
    print(f"| clean `cargo build --release -j 2`, CPU (user+sys) | {fl.get('build_cpu_s', 0):.0f} s | {o['build_cpu_s']:.0f} s | {s['build_cpu_s']:.0f} s | {ratio(o['build_cpu_s'], s['build_cpu_s'])} | ≤ 0.50: {met(o['build_cpu_s'] <= s['build_cpu_s'] / 2)} |")
    print(f"| stripped binary | {fl.get('bytes', 0)/1e6:.2f} MB | {o['bytes']/1e6:.2f} MB | {s['bytes']/1e6:.2f} MB | {ratio(o['bytes'], s['bytes'])} | ≤ 0.40: {met(o['bytes'] <= s['bytes'] * 0.4)} |")
    print()
    print("Load average (1/5/15 min) when each clean build started: " +
          "; ".join(f"{k}: {v['load']} (after: {v['load_after']})" for k, v in f.items()) + ".")
