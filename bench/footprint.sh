#!/usr/bin/env bash
# Footprint of a minimal program doing one streamed Converse call (bench/footprint/{ours,sdk}) and
# of the floor (bench/footprint/floor: reqwest with the library's features + rustls/ring only).
# Appends one JSON line per crate to $1: unique crates in the normal dependency graph, clean
# `cargo build --release -j 2` wall and CPU (user+sys) time, stripped binary size, load average.
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$PWD
OUT=$1
TARGET=${CARGO_TARGET_DIR:-$BENCH_DIR/target}
TIMEFORMAT='%R %U %S'
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
  echo "{\"name\": \"$fp\", \"crates\": $crates, \"build_s\": $real, \"build_cpu_s\": $(echo "$user + $sys" | bc), \"bytes\": $size, \"load\": \"$load\", \"load_after\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$OUT"
done
