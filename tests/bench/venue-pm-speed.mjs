// SPDX-License-Identifier: MIT
// CPU time of marginByVenue (all five venues, and each alone) on an account of 2 underlyings, 10
// futures and 40 options, under node: `node tests/bench/venue-pm-speed.mjs`. Prints numbers only; then
// the reverse questions (venueReverse) on the same account.
import { readFileSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab-full.js';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
const account = { version: 3, margin: 'deribitStandard', valuationDate: '2025-06-01',
  collateral: [{ asset: 'BTC', balance: 10, price: 100000 }, { asset: 'ETH', balance: 100, price: 2500 }],
  underlyings: [{ name: 'BTC', price: 100000 }, { name: 'ETH', price: 2500 }], futures: [], options: [] };
const expiries = ['27JUN25', '25JUL25', '26SEP25', '26DEC25', '27MAR26'];
for (const [name, u] of [['BTC', 100000], ['ETH', 2500]]) {
  expiries.forEach((e, i) => account.futures.push({ underlying: name, settlementAsset: name, contract: 'inverse', symbol: `${name}-${e}`,
    side: i % 2 ? 'short' : 'long', quantity: 10000 * (i + 1), entryPrice: u, markPrice: u * (1 + 0.01 * i) }));
  for (let i = 0; i < 20; ++i) account.options.push({ underlying: name, settlementAsset: name, contract: 'inverse',
    type: i % 2 ? 'put' : 'call', strike: u * (0.7 + 0.03 * i), expiryDate: expiries[i % 5], side: i % 3 ? 'short' : 'long',
    quantity: 1 + (i % 4), premium: 0.01, volatility: 0.5 + 0.01 * i });
}
const span = [{ underlying: 'BTC', priceScanRange: 0.1, volScanRange: 0.05 }, { underlying: 'ETH', priceScanRange: 0.12, volScanRange: 0.05 }];
const first = lab.marginByVenue(account, { span });
if (first.errors.length) throw new Error(JSON.stringify(first.errors));
const time = (request, n = 200) => {
  for (let i = 0; i < 5; ++i) lab.marginByVenue(account, request);
  const t = process.cpuUsage();
  for (let i = 0; i < n; ++i) lab.marginByVenue(account, request);
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000 / n;
};
console.log(`all five venues: ${time({ span }).toFixed(3)} ms CPU per call`);
for (const venue of ['deribit', 'okx', 'bybit', 'binance', 'span']) console.log(`${venue}: ${time({ span, venue }).toFixed(3)} ms`);
// Every optional component on: Deribit's delta shock, OKX's MR2, MR3, MR5, MR7, MR8, MR9.
const every = { span, deribitDeltaShock: 'excessOverThreshold', okxMr2Days: 1, okxMr3Points: 0.3, okxMr5RateShock: 0.01, okxMr7Rate: 0.0005,
  okxMr8Rate: 0.1, okxMr9Factor: 0.01 };
console.log(`all five venues, every optional component on: ${time(every).toFixed(3)} ms CPU per call`);

// The reverse questions (venueReverse): a new short BTC call's largest size and the liquidating moves,
// every row, then each venue alone; each answer re-evaluates the whole account.
if (lab.venueReverse) {
  const newLeg = { option: { underlying: 'BTC', settlementAsset: 'BTC', contract: 'inverse', type: 'call', strike: 120000,
    expiryDate: '26SEP25', side: 'short', quantity: 1, premium: 0.01, volatility: 0.55 } };
  const reverse = (request, n = 3) => {
    const answer = lab.venueReverse(account, request);
    if (answer.errors.length) throw new Error(JSON.stringify(answer.errors));
    const t = process.cpuUsage();
    for (let i = 0; i < n; ++i) lab.venueReverse(account, request);
    const d = process.cpuUsage(t);
    const evaluations = answer.venues.reduce((sum, v) => sum + v.evaluations, 0);
    return `${((d.user + d.system) / 1000 / n).toFixed(1)} ms CPU per call, ${evaluations} re-evaluations`;
  };
  console.log(`reverse, all five venues: ${reverse({ span, newLeg })}`);
  for (const venue of ['deribit', 'okx', 'bybit', 'binance', 'span']) console.log(`reverse ${venue}: ${reverse({ span, newLeg, venue })}`);
}
