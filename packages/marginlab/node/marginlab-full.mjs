// SPDX-License-Identifier: MIT
// `marginlab/full` under node: the calculator, the risk lab and options accounts, its .wasm read with fs.
import create from '../dist/marginlab-full.js';
import { nodeFactory } from './load.mjs';

export * from '../dist/marginlab-full.js';
export default nodeFactory(create, 'marginlab-full.wasm');
