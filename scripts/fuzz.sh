#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/fuzz.sh [seconds]: builds the libFuzzer targets (preset fuzz: clang++, ASan + UBSan),
# writes the seed corpus from the venue examples (fuzz_seeds), fuzzes a fresh copy of it in
# build/fuzz/corpus for that many seconds (default 60), and prints executions and coverage. Then the
# JS boundary's packed reader (packed_fuzz, wasm/packed.cpp) for FUZZ_PACKED_SECONDS (default: the same,
# at most 60), from the same seeds read as scenarios to pack (a 0x01 byte in front) and two raw ones.
# Exits nonzero if a fuzzer found a crash or a broken invariant; the input that did it is in
# build/fuzz/artifacts/ (rerun it: build/fuzz/tests/fuzz/scenario_fuzz build/fuzz/artifacts/crash-...;
# packed_fuzz's in build/fuzz/packed-artifacts/).
# FUZZ_KEEP_CORPUS=1 keeps build/fuzz/corpus from the last run instead of starting from the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
jobs=$(nproc)
dir=build/fuzz

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs"  # scenario_fuzz, packed_fuzz, fuzz_seeds

rm -rf "$dir/seeds" "$dir/artifacts"
mkdir -p "$dir/seeds" "$dir/artifacts"
"$dir/tests/fuzz/fuzz_seeds" "$dir/seeds"
if [ "${FUZZ_KEEP_CORPUS:-0}" != 1 ]; then rm -rf "$dir/corpus"; fi
mkdir -p "$dir/corpus"
cp "$dir/seeds"/* "$dir/corpus/"

# The steps allocate many small strings: a smaller quarantine and no allocation stacks make ASan
# about twice as fast here. Rerun an artifact without these options for full heap reports.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16:malloc_context_size=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log="$dir/fuzz.log"
status=0
# -max_len 4096 with no length ramp: 16 positions and 64-row tier tables take a few KB.
"$dir/tests/fuzz/scenario_fuzz" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -len_control=0 -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$log" 2>&1 || status=$?

last=$(grep -E "^#[0-9]+\s.*cov: " "$log" | tail -1 || true)
stat() { grep -E "^stat::$1:" "$log" | awk '{print $2}'; }
echo "fuzz: $seconds s, $(stat number_of_executed_units) executions, $(stat average_exec_per_sec) exec/s," \
  "cov $(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$last"), ft $(sed -E 's/.*ft: ([0-9]+).*/\1/' <<<"$last")," \
  "corpus $(sed -E 's/.*corp: ([0-9]+\/[0-9A-Za-z]+).*/\1/' <<<"$last") ($(ls "$dir/corpus" | wc -l) files), peak RSS $(stat peak_rss_mb) MB"
echo "fuzz: last status line: $last"
if [ "$status" -ne 0 ] || ls "$dir/artifacts"/* >/dev/null 2>&1; then
  echo "fuzz: FAILED (exit $status); the log's end ($log):"
  grep -E "invariant failed|ERROR: |runtime error|SUMMARY|Test unit written|^(rules|  )" "$log" | head -40
  exit 1
fi

# The packed reader: the scenario seeds behind a 0x01 byte (packed as transfer.js packs them), and two
# raw inputs (0x00: slots of any kind; 0x02: a batch request's).
packed_seconds=${FUZZ_PACKED_SECONDS:-$((seconds < 60 ? seconds : 60))}
rm -rf "$dir/packed-corpus" "$dir/packed-artifacts"
mkdir -p "$dir/packed-corpus" "$dir/packed-artifacts"
for seed in "$dir/seeds"/*; do { printf '\001'; cat "$seed"; } >"$dir/packed-corpus/$(basename "$seed")"; done
printf '\000\010BTCUSDT\005\000\002\001' >"$dir/packed-corpus/raw-scenario"
printf '\002\000\005\000\006\001\005\000' >"$dir/packed-corpus/raw-batch"
plog="$dir/packed-fuzz.log"
pstatus=0
"$dir/tests/fuzz/packed_fuzz" -max_total_time="$packed_seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -artifact_prefix="$dir/packed-artifacts/" "$dir/packed-corpus" >"$plog" 2>&1 || pstatus=$?
plast=$(grep -E "^#[0-9]+\s.*cov: " "$plog" | tail -1 || true)
pstat() { grep -E "^stat::$1:" "$plog" | awk '{print $2}'; }
echo "packed fuzz: $packed_seconds s, $(pstat number_of_executed_units) executions, $(pstat average_exec_per_sec) exec/s," \
  "cov $(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$plast"), corpus $(ls "$dir/packed-corpus" | wc -l) files, peak RSS $(pstat peak_rss_mb) MB"
if [ "$pstatus" -ne 0 ] || ls "$dir/packed-artifacts"/* >/dev/null 2>&1; then
  echo "packed fuzz: FAILED (exit $pstatus); the log's end ($plog):"
  grep -E "invariant failed|ERROR: |runtime error|SUMMARY|Test unit written" "$plog" | head -40
  exit 1
fi
