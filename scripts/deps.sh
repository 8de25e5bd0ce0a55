#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what the build and the tests need and the machine lacks (Debian 12), then the
# pinned npm tree. Safe to run again: it installs nothing that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v em++ >/dev/null || need+=(emscripten)
[ -f /usr/include/catch2/catch.hpp ] || need+=(catch2)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v clang++ >/dev/null || need+=(clang)  # the AddressSanitizer + UBSan build
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.asan-x86_64.a >/dev/null 2>&1 || need+=(libclang-rt-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

# npm ci when the installed tree is missing or older than the lock file.
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi

# Vite and webpack for tests/browser/bundlers.test.mjs (the packed package in their apps): their own pinned tree.
if [ ! -f tests/package/bundlers/node_modules/.package-lock.json ] || [ tests/package/bundlers/package-lock.json -nt tests/package/bundlers/node_modules/.package-lock.json ]; then
  (cd tests/package/bundlers && npm ci --no-audit --no-fund --loglevel=error)
fi
