#!/usr/bin/env bash
# Footprint of a minimal program doing one streamed Converse call (bench/footprint/{ours,sdk}) and
# of the floor (bench/footprint/floor: reqwest with the library's features + rustls/ring only).
# Appends one JSON line per crate to $1: unique crates in the normal dependency graph, clean
# `cargo build --release -j 2` wall and CPU (user+sys) time, stripped binary size, load average,
# and, when $SERVER names bench-server, the program's peak RSS (median of 5 runs, `/usr/bin/time
# %M`) doing its one call against the replay server (the floor's POST is unsigned: the server
# answers 403 with a short body, so the floor is a lower bound).
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$PWD
OUT=$1
TARGET=${CARGO_TARGET_DIR:-$BENCH_DIR/target}
TIMEFORMAT='%R %U %S'
ENDPOINT=""
if [ -n "${SERVER:-}" ] && [ -x /usr/bin/time ]; then
  coproc SRV { sleep 3600 | "$SERVER" serve; }
  read -r ENDPOINT <&"${SRV[0]}"
fi
for fp in ${FOOTPRINTS:-floor ours sdk}; do
  dir=$BENCH_DIR/footprint/$fp
  tdir=$TARGET/footprint-$fp
  cd "$dir"
  cargo fetch --quiet >&2
  crates=$(cargo tree -e normal --prefix none 2>/dev/null | sed 's/ (\*)$//; s/ (proc-macro)$//' | sort -u | grep -vc '^footprint-')
  rm -rf "$tdir"
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "[footprint] $fp: clean cargo build --release -j 2 (load $load)" >&2
  t=$( { time CARGO_TARGET_DIR=$tdir cargo build --release -j 2 --offline --quiet >&2; } 2>&1 | tail -1 )
  read -r real user sys <<< "$t"
  cp "$tdir/release/footprint-$fp" "$tdir/stripped"
  strip "$tdir/stripped"
  size=$(stat -c %s "$tdir/stripped")
  rss=null
  if [ -n "$ENDPOINT" ]; then
    rss=$(for _ in 1 2 3 4 5; do
      /usr/bin/time -f '%M' "$tdir/release/footprint-$fp" "$ENDPOINT" 2>&1 >/dev/null | tail -1
    done | sort -n | sed -n 3p)
  fi
  echo "{\"name\": \"$fp\", \"crates\": $crates, \"build_s\": $real, \"build_cpu_s\": $(echo "$user + $sys" | bc), \"bytes\": $size, \"rss_kb\": $rss, \"load\": \"$load\", \"load_after\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$OUT"
done
if [ -n "$ENDPOINT" ]; then
  kill "$SRV_PID" 2>/dev/null || true
  pkill -f "sleep 3600" 2>/dev/null || true
fi
