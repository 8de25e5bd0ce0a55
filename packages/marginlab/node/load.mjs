// SPDX-License-Identifier: MIT
// Under node the Emscripten modules (built for web and worker) cannot fetch a file path: read the
// .wasm beside them with fs once and hand it over as wasmBinary. The caller's options win.
import { readFileSync } from 'node:fs';

/** createMarginLab for node: `create` is the module's factory, `file` its .wasm in ../dist. */
export function nodeFactory(create, file) {
  let binary = null;
  return function createMarginLab(options = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) return create(options);  // its TypeError
    if (options.wasmBinary !== undefined || options.locateFile !== undefined || options.instantiateWasm !== undefined) return create(options);
    binary ??= readFileSync(new URL(`../dist/${file}`, import.meta.url));
    return create({ ...options, wasmBinary: binary });
  };
}
