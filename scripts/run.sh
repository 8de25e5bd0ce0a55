#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the calculator into web/dist (core -> wasm, then the page) and serves it on
# http://127.0.0.1:8000 with the page's CSP header.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$(nproc)" --target marginlab_wasm marginlab_wasm_full
node web/build.mjs
node --no-experimental-fetch scripts/example.mjs
exec node scripts/serve.mjs "${PORT:-8000}"
