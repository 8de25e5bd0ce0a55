#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the calculator (web/dist/marginlab.js + marginlab.wasm) and evaluates the example
# scenario with it. The page and its local server come with the page's issue.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j"$(nproc)"
node --no-experimental-fetch scripts/example.mjs
