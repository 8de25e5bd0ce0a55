// SPDX-License-Identifier: MIT
// The three cases of the portfolio-margin issue as lab.marginByVenue answers them (every venue,
// IM and MM in its currency, the components with their scenario and leg): ten short BTC puts
// 30% out of the money; long 100 / short 100 BTC of two futures with a basis; short-dated
// options (the vega power by tenor, the down-shock floored at 0); the accounts are in
// tests/fixtures/pm-cases.json. Usage: node scripts/pm-cases.mjs [--json]
import { readFileSync } from 'node:fs';
import createMarginLab from '../web/dist/marginlab-full.js';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../web/dist/marginlab-full.wasm', import.meta.url)) });

const { cases } = JSON.parse(readFileSync(new URL('../tests/fixtures/pm-cases.json', import.meta.url), 'utf8'));

const out = {};
for (const [name, { account, request }] of Object.entries(cases)) {
  const r = lab.marginByVenue(account, request);
  if (r.errors.length) throw new Error(`${name}: ${JSON.stringify(r.errors)}`);
  out[name] = r.venues.map((v) => (v.supported === false ? { venue: v.venue, kind: v.kind, reason: v.reason }
    : { venue: v.venue, kind: v.kind, set: v.parameterSet, currency: v.currency, IM: v.initialMargin, MM: v.maintenanceMargin,
      components: v.components.map((c) => `${c.name} ${c.value}${c.scenario ? ` at move ${c.scenario.priceMove}, vol ${c.scenario.volShock}` : ''}${c.leg ? ` (${c.leg})` : ''}`) }));
}
if (process.argv.includes('--json')) console.log(JSON.stringify(out, null, 1));
else {
  for (const [name, venues] of Object.entries(out)) {
    console.log(`\n${name}`);
    for (const v of venues) {
      if (v.reason) console.log(`  ${v.venue}/${v.kind}: not supported: ${v.reason}`);
      else console.log(`  ${v.venue}/${v.kind} [${v.set}]: IM ${v.IM.toPrecision(6)} MM ${v.MM.toPrecision(6)} ${v.currency}\n    ${v.components.join('\n    ')}`);
    }
  }
}
