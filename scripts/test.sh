#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every test: the Catch2 core suite natively and as wasm under node (ctest), the JS API tests
# against the built module, and the hand-written d.ts checked by tsc.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

echo "== native: configure, build, ctest"
cmake --preset native >/dev/null
cmake --build --preset native -j"$jobs"
ctest --preset native -V | grep -E "test cases|All tests passed|tests passed|FAILED|Failed" || true
ctest --preset native

echo "== wasm: configure, build (web/dist/marginlab.js + .wasm), ctest under node"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$jobs"
ctest --preset wasm -V | grep -E "test cases|All tests passed|tests passed|FAILED|Failed" || true
ctest --preset wasm

echo "== JS API tests (node --test)"
node --no-experimental-fetch --test tests/js/

echo "== d.ts check (tsc --noEmit)"
node web/node_modules/typescript/bin/tsc -p tests/js/tsconfig.json
echo "== all tests passed"
