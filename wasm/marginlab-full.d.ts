// SPDX-License-Identifier: MIT
// marginlab-full.js: the same API as marginlab.js plus the risk lab (MarginLabFull).
export * from './marginlab.js';
import type { MarginLabFull, MarginLabOptions, Scenario } from './marginlab.js';

export const defaultScenario: Readonly<Scenario>;
export default function createMarginLab(options?: MarginLabOptions): Promise<MarginLabFull>;
