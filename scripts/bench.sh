#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The benchmarks, one command: the core kernels natively (Google Benchmark), the same kernels as
# wasm under node and in headless Chromium, the peers (@orderly.network/perp, a plain-JS formula),
# the page (gzipped sizes, first result, interactive, one edit). Prints one table with medians,
# spreads, ratios and each target met or not (tests/bench/report.mjs); writes it to
# build/bench-results/report.txt with the raw JSON beside it. Not part of scripts/test.sh.
# Uses the built web/dist (builds it only when it is missing). About 3-5 minutes.
#   scripts/bench.sh --node    wasm under node and the peers only (no native build, no Chromium)
#   scripts/bench.sh --quick   the same, evaluate, the stress grid and the peers' same-position calls only
#                              (about a minute: a check while working on the boundary or a kernel)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
scripts/deps.sh
if [ ! -f /usr/include/benchmark/benchmark.h ]; then
  echo "bench: installing libbenchmark-dev"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libbenchmark-dev >/dev/null
fi
if [ ! -f web/dist/marginlab.wasm ] || [ ! -f web/dist/marginlab-full.wasm ] || [ ! -f web/dist/index.html ]; then
  echo "== web/dist is missing: building it (wasm, then the page)"
  cmake --preset wasm >/dev/null
  cmake --build --preset wasm -j"$(nproc)"
  node web/build.mjs
fi
# 0.1.0 (the last commit before the numbers-first work), built once into build/baseline-0.1.0: the node
# figures measure its evaluate in the same process, the reference of evaluate with { explain: true }.
# Skipped when the clone lacks that commit (a shallow clone): the report then uses 0.1.0's figure of the
# day the work started.
baseline_commit=23d3662
baseline=build/baseline-0.1.0
if [ ! -f "$baseline/src/web/dist/marginlab.wasm" ] && git cat-file -e "$baseline_commit^{commit}" 2>/dev/null; then
  echo "== building 0.1.0 ($baseline_commit) once, into $baseline (a few minutes)"
  rm -rf "$baseline" && mkdir -p "$baseline/src"
  git archive "$baseline_commit" | tar -x -C "$baseline/src"
  if ! (cd "$baseline/src" && cmake --preset wasm >../build.log 2>&1 && cmake --build --preset wasm --target marginlab_wasm -j"$(nproc)" >>../build.log 2>&1); then
    echo "0.1.0 did not build (the report uses its recorded figure):"; tail -5 "$baseline/build.log"
  fi
fi
out=build/bench-results
mkdir -p "$out"
rm -f "$out"/native.json "$out"/node.json "$out"/browser.json

if [ "$mode" = --node ] || [ "$mode" = --quick ]; then
  echo "== wasm under node, and the peers ($mode)"
  node --no-experimental-fetch tests/bench/bench.mjs --json "$out/node.json" $([ "$mode" = --quick ] && echo --quick)
  echo "== report"
  node tests/bench/report.mjs --node "$out/node.json" --markdown "$out/report.txt"
  exit 0
fi

echo "== native: cmake --preset bench, build, run (5 repetitions)"
native=()
if cmake --preset bench >"$out/native-build.log" 2>&1 && cmake --build --preset bench -j2 >>"$out/native-build.log" 2>&1; then
  if ./build/bench/tests/bench/marginlab_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
      --benchmark_format=json >"$out/native.json" 2>"$out/native.err"; then
    native=(--native "$out/native.json")
  else
    echo "native benchmark failed (the native column stays empty):"; tail -5 "$out/native.err"
  fi
else
  echo "native benchmark did not build (the native column stays empty):"; tail -20 "$out/native-build.log"
fi

echo "== wasm under node, and the peers"
node --no-experimental-fetch tests/bench/bench.mjs --json "$out/node.json"
echo "== wasm and the page in headless Chromium"
node tests/bench/browser.mjs --json "$out/browser.json"

echo "== report"
node tests/bench/report.mjs "${native[@]}" --node "$out/node.json" --browser "$out/browser.json" --markdown "$out/report.txt"
