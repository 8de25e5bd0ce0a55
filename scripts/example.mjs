// SPDX-License-Identifier: MIT
// Evaluates the example scenario with the built module and prints both margin modes.
import { readFileSync } from 'node:fs';
import createMarginLab, { defaultScenario } from '../web/dist/marginlab.js';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../web/dist/marginlab.wasm', import.meta.url)) });
const report = lab.evaluate(defaultScenario);
if (report.errors.length) {
  for (const e of report.errors) console.error(`${e.path}: ${e.message}`);
  process.exit(1);
}
const fmt = (x) => (x === null ? 'none' : x.toLocaleString('en-US', { maximumFractionDigits: 2 }));
console.log(`MarginLab ${lab.version}: ${defaultScenario.rules} rules, wallet ${defaultScenario.walletBalance} USDT`);
for (const mode of ['isolated', 'cross']) {
  const outcome = report[mode];
  console.log(`\n${mode}`);
  defaultScenario.positions.forEach((p, i) => {
    const o = outcome.positions[i];
    console.log(`  ${p.symbol} ${p.side} ${p.quantity} @ ${p.entryPrice} (mark ${p.markPrice}, ${p.leverage}x): ` +
      `liquidation ${fmt(o.liquidationPrice)}, bankruptcy ${fmt(o.bankruptcyPrice)}, ` +
      `MM ${fmt(o.maintenanceMargin)} (tier ${o.tier}), PnL ${fmt(o.unrealizedPnl)}, ` +
      `distance ${o.distanceToLiquidation === null ? 'none' : (o.distanceToLiquidation * 100).toFixed(2) + '%'}, ` +
      `at risk ${fmt(o.maxLoss)}`);
  });
  const a = outcome.account;
  console.log(`  account: equity ${fmt(a.equity)}, maintenance ${fmt(a.maintenanceMargin)}, ` +
    `margin ratio ${a.marginRatio === null ? 'none' : (a.marginRatio * 100).toFixed(2) + '%'}, at risk ${fmt(a.maxLoss)}`);
}
