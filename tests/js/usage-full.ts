// SPDX-License-Identifier: MIT
// Type-checks marginlab-full.d.ts: the risk lab on top of the calculator's API.
import createMarginLab, { defaultScenario } from '../../web/dist/marginlab-full.js';
import type { MarginLabFull, Scenario, StressCell, UnwindResult } from '../../web/dist/marginlab-full.js';

export async function riskLab(): Promise<number> {
  const lab: MarginLabFull = await createMarginLab();
  const scenario: Scenario = { ...defaultScenario, positions: [...defaultScenario.positions] };
  const adjusted = lab.adjust(scenario, { position: 0, price: 61000, quantityDelta: -0.8 });
  let flips = 0;
  if (adjusted.errors.length === 0 && 'flipped' in adjusted && adjusted.flipped) flips += 1;
  const grid = lab.stress(scenario, { shocks: [-0.2, 0, 0.2], model: 'oneFactor' });
  const cells: StressCell[] = 'cells' in grid ? grid.cells : [];
  const unwind = lab.unwind(scenario, { position: 0, style: 'iceberg', visibleSize: 0.1, depthPerPercent: 1 });
  const fund: number = 'insuranceFundAfter' in unwind ? (unwind as UnwindResult).insuranceFundAfter : 0;
  const tally = lab.monteCarlo(scenario, { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, years: 0.1, steps: 10, paths: 100 });
  const paths = 'paths' in tally ? tally.paths : 0;
  // @ts-expect-error: style must be market, twap or iceberg
  lab.unwind(scenario, { position: 0, style: 'vwap' });
  // @ts-expect-error: the calculator's own API stays: evaluate needs a scenario
  lab.evaluate();
  return flips + cells.length + fund + paths;
}
