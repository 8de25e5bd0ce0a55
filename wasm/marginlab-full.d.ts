// SPDX-License-Identifier: MIT
// marginlab-full.js: the same API as marginlab.js plus the risk lab and options accounts (MarginLabFull).
export * from './marginlab.js';
import type { MarginLabFull, MarginLabOptions, OptionsScenario, Scenario } from './marginlab.js';

export const defaultScenario: Readonly<Scenario>;
/** The ready options account (wasm/options.mjs): BTC, coin-settled, a short strangle and a long perpetual. */
export const defaultOptionsScenario: Readonly<OptionsScenario>;
export default function createMarginLab(options?: MarginLabOptions): Promise<MarginLabFull>;
