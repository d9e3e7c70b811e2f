#!/usr/bin/env python3
"""Turns the raw figures run.sh collected into one markdown report."""
import json
import os
import sys

out, runs = sys.argv[1], sys.argv[2]
runs_path = os.path.join(out, "runs.jsonl")
rows = [json.loads(l) for l in open(runs_path)] if os.path.exists(runs_path) else []


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


# One row per (library, workload): for every numeric field, the median over the processes that
# ran it (each process reports the median of its own runs).
groups = {}
for r in rows:
    groups.setdefault((r["lib"], r["workload"]), []).append(r)
by = {}
for key, rs in groups.items():
    merged = dict(rs[0])
    for k, v in rs[0].items():
        if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in ("workload", "runs"):
            merged[k] = median([x[k] for x in rs])
    merged["processes"] = len(rs)
    merged["ttfe_all"] = sorted(x["ttfe_us"] for x in rs)
    by[key] = merged
repeats = max((len(rs) for rs in groups.values()), default=1)
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


print(f"Each figure is the median over {repeats} processes of each process's median of {runs} runs (after 2 warm-up runs); one library and workload per process.\n")
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
    k = by.get(("raw-keepalive", w))
    base = k["ttfe_us"] if k else (r["ttfe_us"] if r else 0)
    what = "server's own time to first event on a kept-alive connection" if streamed else "server's own time to first byte, kept-alive connection"
    extra = f" ({what} {base:.0f} µs; ours +{o['ttfe_us'] - base:.0f} µs, SDK +{s['ttfe_us'] - base:.0f} µs)"
    target = f"≤ server + 100 µs: {met(o['ttfe_us'] - base <= 100)}" if streamed and w != 3 else ""
    print(f"| | {label}{extra} | {o['ttfe_us']:.0f} µs | {s['ttfe_us']:.0f} µs | {ratio(o['ttfe_us'], s['ttfe_us'])} | {target} |")
    print(f"| | time to first event per process (µs, sorted) | {', '.join(str(x) for x in o['ttfe_all'])} | {', '.join(str(x) for x in s['ttfe_all'])} | | |")
    unit = "allocations per streamed event (frame)" if streamed else "allocations per call"
    print(f"| | {unit} | {o['allocs_per_event']:.1f} | {s['allocs_per_event']:.1f} | {ratio(o['allocs_per_event'], s['allocs_per_event'])} | |")
    if streamed:
        print(f"| | events delivered per stream / frames on the wire | {o['events_seen'] // (100 if w == 3 else 1)} / {o['frames'] // (100 if w == 3 else 1)} | {s['events_seen'] // (100 if w == 3 else 1)} / {s['frames'] // (100 if w == 3 else 1)} | | |")

print()
print("Replay server baselines (a pre-signed request on a bare TCP socket, timed to the whole first event frame; workload 2: to the first byte): ", end="")
print("; ".join(f"workload {w}: fresh connection (`--lib raw`) {by[('raw', w)]['ttfe_us']:.0f} µs"
                + (f", kept-alive connection (`--lib raw-keepalive`, second request) {by[('raw-keepalive', w)]['ttfe_us']:.0f} µs (per process: {', '.join(str(x) for x in by[('raw-keepalive', w)]['ttfe_all'])})" if ("raw-keepalive", w) in by else "")
                for w in (1, 2, 3, 4) if ("raw", w) in by) + ".")

lat = os.path.join(out, "latency.jsonl")
if os.path.exists(lat):
    lrows = [json.loads(l) for l in open(lat)]
    prows = [json.loads(l) for l in open(os.path.join(out, "paired.jsonl"))]
    print()
    print("Time to first event, split at the socket (`--paired` runs under the latency shim; each figure the median over "
          f"{repeats} processes of each process's median of {runs} pairs). *Client* is the library's own work: from the call to "
          "its request write, plus from the last socket read to the event returned (workload 2: the parsed response). "
          "*Wire + server* is from the write to the read that completed the first event. The raw client is the server's own time.\n")
    print("| Workload | | bedrock-wire | aws-sdk-bedrockruntime | raw client (server's own) | Target: ours ≤ server + 100 µs |")
    print("|---|---|---:|---:|---:|---|")
    for w in (1, 2, 4):
        lo = [r for r in lrows if r["lib"] == "ours" and r["workload"] == w and r.get("lib_calls")]
        ls = [r for r in lrows if r["lib"] == "sdk" and r["workload"] == w and r.get("lib_calls")]
        po = [r for r in prows if r["lib"] == "ours" and r["workload"] == w]
        ps = [r for r in prows if r["lib"] == "sdk" and r["workload"] == w]
        if not (lo and ls and po and ps):
            continue
        m = lambda rs, k: median([r[k] for r in rs])
        raw_total = median([r["raw_total_us"] for r in lo + ls])
        streamed = w != 2
        ok_client = m(lo, "lib_client_us") <= 100
        ok_pair = m(po, "diff_us") <= 100
        target = (f"client {m(lo, 'lib_client_us'):.0f} µs: {met(ok_client)}; end to end +{m(po, 'diff_us'):.0f} µs: {met(ok_pair)}") if streamed else "(not a streamed response)"
        print(f"| {names[w]} | time to first event (shim-traced calls) | {m(lo, 'lib_total_us'):.0f} µs | {m(ls, 'lib_total_us'):.0f} µs | {raw_total:.0f} µs | |")
        print(f"| | client: before the write + after the last read | {m(lo, 'lib_pre_us'):.0f} + {m(lo, 'lib_post_us'):.0f} = **{m(lo, 'lib_client_us'):.0f} µs** | {m(ls, 'lib_pre_us'):.0f} + {m(ls, 'lib_post_us'):.0f} = {m(ls, 'lib_client_us'):.0f} µs | {median([r['raw_client_us'] for r in lo + ls]):.0f} µs | {target} |")
        print(f"| | wire + server | {m(lo, 'lib_wire_us'):.0f} µs | {m(ls, 'lib_wire_us'):.0f} µs | {median([r['raw_wire_us'] for r in lo + ls]):.0f} µs | |")
        print(f"| | end to end minus the raw request right after it (median of per-pair differences) | +{m(po, 'diff_us'):.0f} µs | +{m(ps, 'diff_us'):.0f} µs | | |")
        per = lambda rs, ps_: ", ".join("%.0f" % r["lib_client_us"] for r in rs) + " / " + ", ".join(str(r["diff_us"]) for r in ps_)
        print(f"| | per process: client µs / pair difference µs | {per(lo, po)} | {per(ls, ps)} | | |")

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

cc = os.path.join(out, "callgrind-calls.jsonl")
if os.path.exists(cc):
    per = {}
    for c in (json.loads(l) for l in open(cc)):
        per[(c["lib"], c["workload"])] = (c["ir11"] - c["ir1"]) / 10
    print()
    print("| Instructions per call (callgrind, client process, all threads) | bedrock-wire | aws-sdk-bedrockruntime | ours / SDK | Target (CPU ≤ ½) |")
    print("|---|---:|---:|---:|---|")
    for w in (1, 2, 4):
        if ("ours", w) in per and ("sdk", w) in per:
            o, s_ = per[("ours", w)], per[("sdk", w)]
            print(f"| {names[w]} | {o:,.0f} | {s_:,.0f} | {ratio(o, s_)} | {met(o <= s_ / 2)} |")

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
    if o.get("rss_kb") and s.get("rss_kb"):
        fr = fl.get("rss_kb") or 0
        print(f"| peak RSS of the program, one call against the replay server (median of 5; the floor: one unsigned POST, answered 403) | {fr/1024:.1f} MiB ({ratio(fr, s['rss_kb'])} of the SDK's) | {o['rss_kb']/1024:.1f} MiB | {s['rss_kb']/1024:.1f} MiB | {ratio(o['rss_kb'], s['rss_kb'])} | ≤ 0.50: {met(o['rss_kb'] <= s['rss_kb'] / 2)} |")
    print()
    print("Load average (1/5/15 min) when each clean build started: " +
          "; ".join(f"{k}: {v['load']} (after: {v['load_after']})" for k, v in f.items()) + ".")
