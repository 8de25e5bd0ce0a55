#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every test: the Catch2 core suite natively, with ASan + UBSan, and as wasm under node (ctest), the JS API tests
# against the built module, the hand-written d.ts checked by tsc, the page's size budget, and
# the browser tests (playwright-core driving Debian's Chromium against the page on loopback), and the npm
# package packed and installed into a fresh project.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

# ctest once, verbose into a log; print Catch2's counts, or the whole log on failure.
run_ctest() {
  local log="build/$1/ctest.log"
  if ctest --preset "$1" -V >"$log" 2>&1; then
    grep -E "assertions in|tests passed" "$log" | sed 's/\x1b\[[0-9;]*m//g' || true
  else
    cat "$log"
    return 1
  fi
}

echo "== native: configure, build, ctest"
cmake --preset native >/dev/null
cmake --build --preset native -j"$jobs"
run_ctest native

echo "== native with AddressSanitizer and UndefinedBehaviorSanitizer (clang): the same suite"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j"$jobs" --target marginlab_tests
run_ctest sanitize

echo "== fuzz smoke run (libFuzzer, 60 s)"
scripts/fuzz.sh 60

echo "== wasm: configure, build (web/dist/marginlab.js + .wasm), ctest under node"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$jobs"
run_ctest wasm

echo "== page: build web/dist (esbuild) and check the size budget"
node web/build.mjs
node scripts/size.mjs

echo "== npm package: assemble build/npm/marginlab, npm pack, install the tarball offline into a fresh project, run it"
node scripts/package.mjs
node --test tests/package/

echo "== venue data files (core/data/venues): shape, sources, tier order"
node scripts/check-venue-data.mjs

echo "== JS API tests (node --test)"
node --no-experimental-fetch --test tests/js/

echo "== d.ts check (tsc --noEmit)"
node web/node_modules/typescript/bin/tsc -p tests/js/tsconfig.json

echo "== browser tests (node --test, headless Chromium)"
node --test tests/browser/  # playwright-core needs the fetch globals: no --no-experimental-fetch here
echo "== all tests passed"
