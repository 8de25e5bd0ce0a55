// SPDX-License-Identifier: MIT
// `marginlab` under node: the calculator, its .wasm read from the package with fs.
import create from '../dist/marginlab.js';
import { nodeFactory } from './load.mjs';

export * from '../dist/marginlab.js';
export default nodeFactory(create, 'marginlab.wasm');
