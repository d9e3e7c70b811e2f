#!/usr/bin/env bash
# Builds and runs the side-by-side comparison (bedrock-wire vs aws-sdk-bedrockruntime) and the
# footprint measurements, and prints one markdown report on stdout (progress goes to stderr).
#
#   bench/run.sh                 # everything (the clean builds take several minutes each)
#   RUNS=20 bench/run.sh         # more runs per process (default 10; each process reports medians)
#   REPEATS=5 bench/run.sh       # processes per library and workload (default 5; median over them)
#   SKIP_FOOTPRINT=1 bench/run.sh
#   SKIP_CALLGRIND=1 bench/run.sh    (also SKIP_WORKLOADS=1, SKIP_LATENCY=1; RESULTS=dir keeps the raw figures there)
#   BENCH_GAP_US=2000 bench/run.sh   (an idle pause before every timed request, for every client)
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$PWD
export AWS_EC2_METADATA_DISABLED=true
RUNS=${RUNS:-10}
TARGET=${CARGO_TARGET_DIR:-$BENCH_DIR/target}
export CARGO_TARGET_DIR=$TARGET
OUT=${RESULTS:-$(mktemp -d)}
mkdir -p "$OUT"
log() { echo "[run.sh] $*" >&2; }

# Three binaries from one source: bench-ours links only bedrock-wire, bench-sdk only the SDK,
# bench-server the replay server; neither library's code is in the other's process.
log "building the harness (release): bench-ours, bench-sdk, bench-server"
for f in ours sdk server; do
  cargo build --release --quiet --features "$f" >&2
  cp "$TARGET/release/bedrock-wire-bench" "$TARGET/release/bench-$f"
done
BIN=$TARGET/release/bench-ours
bin_for() { if [ "$1" = sdk ]; then echo "$TARGET/release/bench-sdk"; else echo "$BIN"; fi; }

# ---------------------------------------------------------------- workloads
if [ -z "${SKIP_WORKLOADS:-}" ]; then
# Each library and workload runs in REPEATS separate processes (the report takes the median over
# them of each process's median): times to first event differ by process (thread placement on the
# VM's cores) far more than between the calls of one process.
REPEATS=${REPEATS:-5}
for w in 1 2 3 4; do
  for r in $(seq "$REPEATS"); do
    for lib in raw raw-keepalive ours sdk; do
      log "workload $w, $lib, $RUNS runs (process $r of $REPEATS)"
      "$(bin_for "$lib")" --lib "$lib" --workload "$w" --runs "$RUNS" >> "$OUT/runs.jsonl"
    done
  done
done
fi

# ---------------------------------------------------------------- time to first event, split
# `--paired`: each library call is followed, in the same process, by one raw request on a
# kept-alive connection, so each pair shares thread placement and machine state; the latency
# shim (LD_PRELOAD, bench/latency/shim.c) timestamps every socket read and write and the
# harness's marks, so each request splits into client work before the write, the wire and
# server, and client work after the last read (bench/latency/analyze.py).
if [ -z "${SKIP_LATENCY:-}" ] && command -v cc >/dev/null; then
  cc -O2 -shared -fPIC -o "$OUT/shim.so" "$BENCH_DIR/latency/shim.c" -ldl
  for w in 1 2 4; do
    for r in $(seq "${REPEATS:-5}"); do
      for lib in ours sdk; do
        log "latency: workload $w, $lib paired with raw, $RUNS pairs (process $r)"
        rm -f "$OUT"/trace.*
        BENCH_MARKS=1 SHIM_OUT="$OUT/trace" LD_PRELOAD="$OUT/shim.so" \
          "$(bin_for "$lib")" --lib "$lib" --workload "$w" --runs "$RUNS" --paired >> "$OUT/paired.jsonl"
        python3 "$BENCH_DIR/latency/analyze.py" "$lib" "$w" "$OUT"/trace.* >> "$OUT/latency.jsonl"
      done
    done
  done
  rm -f "$OUT"/trace.*
fi

# ---------------------------------------------------------------- hot path (callgrind, ours only)
# Instructions per streamed event = (Ir of 11 streams - Ir of 1 stream) / (10 * frames per stream):
# the difference removes process start, client construction and the first connection.
if [ -z "${SKIP_CALLGRIND:-}" ] && command -v valgrind >/dev/null; then
  ir() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1; exit}'; }
  for w in 1 4; do
    for n in 1 11; do
      log "callgrind: workload $w, ours, $n stream(s)"
      valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.w$w.$n" "$BIN" --lib ours --workload "$w" --runs "$n" --warmup 0 >/dev/null 2>"$OUT/cg.w$w.$n.log"
    done
    echo "{\"workload\": $w, \"ir1\": $(ir "$OUT/cg.w$w.1"), \"ir11\": $(ir "$OUT/cg.w$w.11")}" >> "$OUT/callgrind.jsonl"
    callgrind_annotate --inclusive=yes "$OUT/cg.w$w.11" > "$OUT/callgrind.w$w.top" 2>/dev/null || true
  done
  # Instructions per call, ours and the SDK's, all threads of the client process: CPU work that
  # does not depend on the machine's load (CPU time on this VM varies by tens of percent).
  for w in 1 2 4; do
    for lib in ours sdk; do
      for n in 1 11; do
        log "callgrind: workload $w, $lib, $n call(s)"
        valgrind --tool=callgrind --callgrind-out-file="$OUT/cgc.$lib.w$w.$n" "$(bin_for "$lib")" --lib "$lib" --workload "$w" --runs "$n" --warmup 0 >/dev/null 2>&1
      done
      echo "{\"lib\": \"$lib\", \"workload\": $w, \"ir1\": $(ir "$OUT/cgc.$lib.w$w.1"), \"ir11\": $(ir "$OUT/cgc.$lib.w$w.11")}" >> "$OUT/callgrind-calls.jsonl"
    done
  done
fi

# ---------------------------------------------------------------- footprint
if [ -z "${SKIP_FOOTPRINT:-}" ]; then
  SERVER="$TARGET/release/bench-server" "$BENCH_DIR/footprint.sh" "$OUT/footprint.jsonl"
fi

# ---------------------------------------------------------------- report
python3 "$BENCH_DIR/report.py" "$OUT" "$RUNS"
