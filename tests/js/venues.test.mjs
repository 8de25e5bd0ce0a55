// SPDX-License-Identifier: MIT
// The shipped venue data (core/data/venues/*.json) through the API: defaultTiers lists every
// contract with its aliases, source and date; loadVenue loads and checks a venue's tier tables;
// a broken file is refused with the problem named; tickPrice and wholeLots answer from the core.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab.js';
import createFullLab from '../../web/dist/marginlab-full.js';
import { venueProblems, continuityProblems, tiersForPosition } from '../../wasm/venue-data.mjs';
import { parseTiers, transcribed } from '../../scripts/venue-src/okx-tiers.mjs';
import { parseRiskLimits, parseInverseRiskLimits, transcribed as bybitTranscribed, transcribedInverse } from '../../scripts/venue-src/bybit-tiers.mjs';
import { parseBrackets, coinmTranscribed } from '../../scripts/venue-src/binance-coinm-tiers.mjs';

const wasmBinary = readFileSync(new URL('../../web/dist/marginlab.wasm', import.meta.url));
const lab = await createMarginLab({ wasmBinary });
// tickPrice and wholeLots are marginlab-full's (marginlab.wasm's size cap is for evaluate's code).
const full = await createFullLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
const dataDir = new URL('../../core/data/venues/', import.meta.url);
const files = readdirSync(dataDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(new URL(f, dataDir), 'utf8')));
const clone = (x) => JSON.parse(JSON.stringify(x));

describe('defaultTiers lists every shipped venue table', () => {
  test('every file is shipped, one table per contract, with its source and snapshot date', () => {
    assert.ok(files.length >= 3, 'binance-usdm, dydx and hyperliquid at least');
    assert.deepEqual(lab.venues().sort(), files.map((f) => f.venue).sort());
    for (const f of files) {
      const listed = lab.defaultTiers(f.rules).filter((t) => t.venue === f.venue);
      assert.equal(listed.length, f.symbols.length, `${f.venue}: ${f.symbols.length} contracts`);
      for (const t of listed) {
        assert.equal(t.date, f.source.snapshotDate);
        assert.ok(t.source.includes(f.source.url || f.source.repository), `${f.venue}: source names the file's source`);
        assert.ok(t.spec.tickSize > 0 && t.spec.lotSize > 0 && t.spec.contractSize > 0);
      }
    }
  });

  test('the counts the README states: 50 Binance USD-M, 32 Bybit USDT, 1 Bybit inverse, 33 dYdX, 40 Hyperliquid contracts', () => {
    const count = (rules, venue) => lab.defaultTiers(rules).filter((t) => t.venue === venue).length;
    assert.equal(count('binance', 'binance-usdm'), 50);
    assert.equal(count('bybit', 'bybit-linear'), 32);
    assert.equal(count('bybit', 'bybit-inverse'), 1);
    assert.equal(count('dydx', 'dydx'), 33);
    assert.equal(count('hyperliquid', 'hyperliquid'), 40);
    assert.equal(count('binance', 'binance-coinm'), 1);
  });

  test("a symbol is found by the venue's name or an alias, in any case", () => {
    const first = (rules, name) => lab.defaultTiers(rules, name).find((t) => t.venue)?.symbols[0];
    assert.equal(first('binance', 'BTCUSDT'), 'BTCUSDT');
    assert.equal(first('binance', 'btcusdt'), 'BTCUSDT');
    assert.equal(first('binance', 'BTC-USDT-SWAP'), 'BTCUSDT');  // OKX's style
    assert.equal(first('binance', 'btc/usdt:usdt'), 'BTCUSDT');  // ccxt's, from the file
    assert.equal(first('binance', ' solusdt '), 'SOLUSDT');
    assert.equal(first('dydx', 'ethusd'), 'ETH-USD');
    assert.equal(first('dydx', 'eth-usd-swap'), 'ETH-USD');
    assert.equal(first('hyperliquid', 'sol-perp'), 'SOL');
    assert.equal(first('hyperliquid', 'solusdc'), 'SOL');
    assert.equal(first('bybit', 'BTCUSDT'), 'BTCUSDT');
    assert.equal(first('bybit', 'BTC-USDT-SWAP'), 'BTCUSDT');  // OKX's style, on Bybit's table
    assert.equal(first('bybit', 'xrp/usdt:usdt'), 'XRPUSDT');
    assert.equal(first('binance', 'thetausd_perp'), 'THETAUSD_PERP');  // COIN-M, inverse
    assert.equal(first('binance', 'THETAUSD'), 'THETAUSD_PERP');
    assert.equal(first('binance', 'theta/usd:theta'), 'THETAUSD_PERP');
    assert.equal(first('bybit', 'btcusd'), 'BTCUSD');         // Bybit's inverse perpetual, from bybit-inverse.json
    assert.equal(first('bybit', 'BTC/USD:BTC'), 'BTCUSD');    // ccxt's
    assert.equal(first('bybit', 'btc-usd-swap'), 'BTCUSD');   // OKX's style, on Bybit's inverse table
    assert.equal(first('bybit', '1000pepeusdt'), '1000PEPEUSDT');
    assert.equal(first('binance', 'NOSUCHCOIN'), undefined);
    // The built-in table stays first, as today.
    assert.equal(lab.defaultTiers('binance', 'btcusdt')[0].venue, undefined);
  });

  test('no name serves two contracts of one venue', () => {
    for (const f of files) {
      const names = lab.defaultTiers(f.rules).filter((t) => t.venue === f.venue).flatMap((t) => t.symbols.map((n) => n.toUpperCase()));
      assert.equal(new Set(names).size, names.length, f.venue);
    }
  });
});

describe('loadVenue', () => {
  test('before loading a venue its tables are listed without rows', () => {
    const t = lab.defaultTiers('hyperliquid', 'AVAX').find((x) => x.venue);
    assert.equal(t.loaded, false);
    assert.deepEqual(t.tiers, []);
  });

  for (const f of files) {
    test(`${f.venue}: every table is a valid tier table of the ${f.rules} profile, and evaluates`, async () => {
      const tables = await lab.loadVenue(f.venue);
      assert.equal(tables.length, f.symbols.length);
      for (const t of tables) {
        assert.equal(t.loaded, true);
        const source = f.symbols.find((s) => s.symbol === t.symbols[0]);
        assert.equal(t.tiers.length, source.tiers.length, `${t.symbols[0]}: every row`);
        // A small long inside the first row (its notional, quantity x contract size x price, is half the first cap,
        // or less): the core checks the whole table (tiers.cpp) on every evaluate.
        const price = 100;
        const first = t.tiers[0];
        const quantity = Math.min(1, first.notionalCap / price / 2 / t.spec.contractSize);
        const scenario = { version: 1, rules: f.rules, walletBalance: 1000, tiers: { [t.symbols[0]]: t.tiers },
          positions: [{ symbol: t.symbols[0], contract: t.contract, contractSize: t.spec.contractSize, side: 'long', quantity,
            entryPrice: price, leverage: Math.min(2, first.maxLeverage) }] };
        const report = lab.evaluate(scenario);
        assert.deepEqual(report.errors, [], `${f.venue} ${t.symbols[0]}`);
        assert.ok(report.isolated.positions[0].liquidationPrice > 0 && report.isolated.positions[0].liquidationPrice < price);
      }
    });
  }

  test('an open last cap (null in the file) becomes 1e15, the largest notional the core accepts', async () => {
    const [btc] = (await lab.loadVenue('dydx')).filter((t) => t.symbols[0] === 'BTC-USD');
    assert.deepEqual(btc.tiers, [{ notionalCap: 1e15, maxLeverage: 20, maintenanceMarginRate: 0.03 }]);
  });

  test('an unknown venue is refused, naming the shipped ones', async () => {
    await assert.rejects(lab.loadVenue('ftx'), (e) => e instanceof TypeError && /no such venue; shipped: .*dydx/.test(e.message));
  });
});

describe('Bybit USDT perpetuals (bybit-linear.json): the shipped risk limits in a liquidation price', () => {
  // Bybit help, Liquidation Price (USDT contract), classic account, isolated (VENUES.md 2.1):
  // LP_long = EP - (IM - MM) / Q, IM = Q x EP / L, MM = Q x EP x MMR - mmDeduction (on the entry value).
  const scenarioFor = (table, quantity, entryPrice, leverage) => ({ version: 1, rules: 'bybit', walletBalance: 1e6,
    tiers: { BTCUSDT: table.tiers }, positions: [{ symbol: 'BTCUSDT', side: 'long', quantity, entryPrice, leverage, marginMode: 'isolated' }] });
  const btc = async () => (await lab.loadVenue('bybit-linear')).find((t) => t.symbols[0] === 'BTCUSDT');

  test("Bybit's own example (BY-1): long 1 BTC at 20,000, 50x, first row (MMR 0.5%) -> 19,700", async () => {
    const r = lab.evaluate(scenarioFor(await btc(), 1, 20000, 50));
    assert.deepEqual(r.errors, []);
    // IM = 20,000 / 50 = 400; MM = 20,000 x 0.005 - 0 = 100; LP = 20,000 - (400 - 100) / 1 = 19,700.
    assert.ok(Math.abs(r.isolated.positions[0].liquidationPrice - 19700) < 1e-6, String(r.isolated.positions[0].liquidationPrice));
  });

  test('a 3,000,000 USDT long sits on the third row, whose deduction enters the price (by hand: 57,317.6)', async () => {
    const table = await btc();
    // Row 3 of the snapshot: cap 3,200,000, MMR 0.63%, deduction 3,020 (as Bybit's margin-parameters page, VENUES.md BY-14).
    assert.deepEqual(table.tiers[2], { notionalCap: 3200000, maxLeverage: 80, maintenanceMarginRate: 0.0063, maintenanceAmount: 3020 });
    const r = lab.evaluate(scenarioFor(table, 50, 60000, 20));
    assert.deepEqual(r.errors, []);
    // PV = 50 x 60,000 = 3,000,000; IM = 150,000; MM = 3,000,000 x 0.0063 - 3,020 = 15,880;
    // LP = 60,000 - (150,000 - 15,880) / 50 = 60,000 - 2,682.4 = 57,317.6.
    assert.ok(Math.abs(r.isolated.positions[0].liquidationPrice - 57317.6) < 1e-6, String(r.isolated.positions[0].liquidationPrice));
  });

  test('every transcribed table (scripts/venue-src/bybit-*.txt) is shipped as transcribed, spot-checked against the cache', () => {
    const doc = files.find((f) => f.venue === 'bybit-linear');
    const coins = readdirSync(new URL('../../scripts/venue-src/', import.meta.url)).map((f) => /^bybit-(\w+)\.txt$/.exec(f)?.[1]).filter(Boolean);
    assert.ok(coins.length >= 7, coins.join());
    for (const coin of coins) {
      const sym = doc.symbols.find((x) => x.symbol === `${coin}USDT`);
      assert.deepEqual({ initialMarginRate: sym.raw.initialMarginRate, tiers: sym.tiers }, bybitTranscribed(coin), coin);
    }
    // Rows read in erikubingf-del/tradingtest leverage_tiers_USDT.json @ 30f37205 (Bybit info riskLimitValue /
    // maxLeverage / maintenanceMargin / mmDeduction): INJUSDT id 1 200000 / 50.00 / 0.01 / "", id 25 7400000 / 3.85 /
    // 0.156 / 521400, id 30 15000000 / 1.50 / 0.4002 / 2670780; SEIUSDT id 18 3900000 / 5.26 / 0.095 / 153000.
    const row = (coin, i) => doc.symbols.find((x) => x.symbol === `${coin}USDT`).tiers[i];
    assert.deepEqual(row('INJ', 0), { notionalCap: 200000, maxLeverage: 50, maintenanceMarginRate: 0.01, maintenanceAmount: 0 });
    assert.deepEqual(row('INJ', 24), { notionalCap: 7400000, maxLeverage: 3.85, maintenanceMarginRate: 0.156, maintenanceAmount: 521400 });
    assert.deepEqual(row('INJ', 29), { notionalCap: 15000000, maxLeverage: 1.5, maintenanceMarginRate: 0.4002, maintenanceAmount: 2670780 });
    assert.deepEqual(row('SEI', 17), { notionalCap: 3900000, maxLeverage: 5.26, maintenanceMarginRate: 0.095, maintenanceAmount: 153000 });
    // The converter refuses a typo in any column.
    const two = (second) => `1 200000 0.01 0.02 50.00 -\n${second}`;
    assert.throws(() => parseRiskLimits(two('2 400000 0.015 0.03 33.33 1100')), /id 2: mmDeduction 1100 is not the continuity amount 1000/);
    assert.throws(() => parseRiskLimits(two('2 400000 0.015 0.03 3.33 1000')), /id 2: maxLeverage 3.33 is not within 5% of 1\/0.03/);
    assert.throws(() => parseRiskLimits(two('2 100000 0.015 0.03 33.33 1000')), /id 2: riskLimitValue 100000 not above 200000/);
    assert.throws(() => parseRiskLimits(two('3 400000 0.015 0.03 33.33 1000')), /id 3: expected id 2/);
    assert.throws(() => parseRiskLimits(two('2 400000 0.005 0.03 33.33 -1000')), /id 2: maintenanceMargin 0.005 not above 0.01/);
  });

  test('the nine tables added by open interest rank: rows as the cache prints them', () => {
    const doc = files.find((f) => f.venue === 'bybit-linear');
    const row = (symbol, i) => doc.symbols.find((x) => x.symbol === symbol).tiers[i];
    // Rows read in erikubingf-del/tradingtest leverage_tiers_USDT.json @ 30f37205 (Bybit info riskLimitValue /
    // maxLeverage / maintenanceMargin / mmDeduction): WLDUSDT id 29 "7500000" / "1.50" / "0.33" / "1013185";
    // COMPUSDT id 379 (its 24th row) "6000000" / "1.85" / "0.27" / "682500"; 1000PEPEUSDT id 25 "7400000" / "3.85" /
    // "0.156" / "521400"; AXSUSDT id 371 (first row) "40000" / "50.00" / "0.008" / ""; SNXUSDT id 1120 (last row)
    // "10000000" / "1.00" / "0.6" / "3297500".
    assert.deepEqual(row('WLDUSDT', 28), { notionalCap: 7500000, maxLeverage: 1.5, maintenanceMarginRate: 0.33, maintenanceAmount: 1013185 });
    assert.deepEqual(row('COMPUSDT', 23), { notionalCap: 6000000, maxLeverage: 1.85, maintenanceMarginRate: 0.27, maintenanceAmount: 682500 });
    assert.deepEqual(row('1000PEPEUSDT', 24), { notionalCap: 7400000, maxLeverage: 3.85, maintenanceMarginRate: 0.156, maintenanceAmount: 521400 });
    assert.deepEqual(row('AXSUSDT', 0), { notionalCap: 40000, maxLeverage: 50, maintenanceMarginRate: 0.008, maintenanceAmount: 0 });
    assert.deepEqual(row('SNXUSDT', 29), { notionalCap: 10000000, maxLeverage: 1, maintenanceMarginRate: 0.6, maintenanceAmount: 3297500 });
    for (const symbol of ['ARBUSDT', 'APTUSDT', '1000PEPEUSDT', 'OPUSDT', 'COMPUSDT', 'WLDUSDT', 'SANDUSDT', 'SNXUSDT', 'AXSUSDT']) {
      const s = doc.symbols.find((x) => x.symbol === symbol);
      assert.ok(s && s.tiers.length === 30 && /gocryptotrader/.test(s.specFrom), symbol);
    }
  });

  test('WLDUSDT: a 150,000 USDT short on the seventh row, whose deduction enters the price (by hand: 1.29948)', async () => {
    const [table] = (await lab.loadVenue('bybit-linear')).filter((t) => t.symbols[0] === 'WLDUSDT');
    const r = lab.evaluate({ version: 1, rules: 'bybit', walletBalance: 1e6, tiers: { WLDUSDT: table.tiers },
      positions: [{ symbol: 'WLDUSDT', side: 'short', quantity: 125000, entryPrice: 1.2, leverage: 10, marginMode: 'isolated' }] });
    assert.deepEqual(r.errors, []);
    // Row 7 (100,000 < 150,000 <= 200,000): MMR 2.5%, deduction 1,185. PV = 125,000 x 1.2 = 150,000; IM = 15,000;
    // MM = 150,000 x 0.025 - 1,185 = 2,565; LP_short = EP + (IM - MM) / Q = 1.2 + 12,435 / 125,000 = 1.29948.
    assert.ok(Math.abs(r.isolated.positions[0].liquidationPrice - 1.29948) < 1e-9, String(r.isolated.positions[0].liquidationPrice));
  });

  test('INJUSDT: a 500,000 USDT long sits on the third row, whose deduction enters the price (by hand: 9.64)', async () => {
    const [table] = (await lab.loadVenue('bybit-linear')).filter((t) => t.symbols[0] === 'INJUSDT');
    assert.ok(lab.defaultTiers('bybit', 'inj-usdt-swap').some((x) => x.venue === 'bybit-linear'), 'OKX-style alias, any case');
    const r = lab.evaluate({ version: 1, rules: 'bybit', walletBalance: 1e6, tiers: { INJUSDT: table.tiers },
      positions: [{ symbol: 'INJUSDT', side: 'long', quantity: 50000, entryPrice: 10, leverage: 20, marginMode: 'isolated' }] });
    assert.deepEqual(r.errors, []);
    // Row 3 (400,000 < 500,000 <= 600,000): MMR 2%, deduction 3,000. PV = 50,000 x 10 = 500,000; IM = 500,000 / 20
    // = 25,000; MM = 500,000 x 0.02 - 3,000 = 7,000; LP = 10 - (25,000 - 7,000) / 50,000 = 10 - 0.36 = 9.64.
    assert.ok(Math.abs(r.isolated.positions[0].liquidationPrice - 9.64) < 1e-9, String(r.isolated.positions[0].liquidationPrice));
  });

  test('every published deduction is the continuity amount; a changed one is named', () => {
    const bybit = files.find((f) => f.venue === 'bybit-linear');
    for (const f of files) assert.deepEqual(continuityProblems(f, f.venue), []);
    const d = clone(bybit);
    d.symbols[0].tiers[2].maintenanceAmount = 3000;
    // The next row, measured from the changed amount, is named too.
    assert.deepEqual(continuityProblems(d, 'bybit-linear'),
      ['bybit-linear: BTCUSDT.tiers[2].maintenanceAmount: 3000, but continuity at the previous cap needs 3020',
        'bybit-linear: BTCUSDT.tiers[3].maintenanceAmount: 4300, but continuity at the previous cap needs 4280']);
  });
});

describe('Bybit inverse perpetuals (bybit-inverse.json): BTCUSD, settled in BTC', () => {
  // Bybit help, inverse contract, classic account, isolated (VENUES.md 2.1): MM on the entry value, so
  // LP_short = Q / [PV - (IM - MM)], PV = Q / EP (BTC), IM = PV / L, MM = PV x MMR - deduction; with no deduction
  // this is EP x L / (L - 1 + MMR x L), the old help page's closed form. Q in USD contracts of 1 USD.
  const shortBtcUsd = (tiers, quantity, entryPrice, leverage) => ({ version: 1, rules: 'bybit', walletBalance: 1000,
    ...(tiers && { tiers: { BTCUSD: tiers } }),
    positions: [{ symbol: 'BTCUSD', contract: 'inverse', side: 'short', quantity, entryPrice, leverage, marginMode: 'isolated' }] });
  const btcUsd = async () => (await lab.loadVenue('bybit-inverse')).find((t) => t.symbols[0] === 'BTCUSD');

  test('defaultTiers lists BTCUSD with its spec, source and date before loading; the loader gives its ten rows', async () => {
    const listed = lab.defaultTiers('bybit', 'btcusd').find((t) => t.venue);
    assert.equal(listed.venue, 'bybit-inverse');
    assert.equal(listed.contract, 'inverse');
    assert.equal(listed.settleAsset, 'BTC');
    assert.equal(listed.date, '2023-08-16');
    assert.match(listed.source, /thrasher-corp\/gocryptotrader/);
    assert.deepEqual(listed.spec, { contractSize: 1, tickSize: 0.5, lotSize: 1, minQty: 1 });
    const table = await btcUsd();
    assert.equal(table.tiers.length, 10);
    assert.equal(lab.defaultTiers('bybit-uta', 'BTCUSD').some((t) => t.venue), false, 'the classic profile only');
  });

  test('the rows are the checked transcription; spot checks against the recorded response; typos refused', async () => {
    const doc = files.find((f) => f.venue === 'bybit-inverse');
    const sym = doc.symbols.find((x) => x.symbol === 'BTCUSD');
    assert.deepEqual({ initialMarginRate: sym.raw.initialMarginRate, tiers: sym.tiers }, transcribedInverse('BTC'));
    // /v2/public/risk-limit/list?symbol=BTCUSD in gocryptotrader's mock @ c7b3ace7 (limit / maintain_margin % /
    // starting_margin % / max_leverage): id 1 150 / "0.5" / "1" / "100"; id 5 750 / "2.5" / "3" / "33.34"; id 10 1500 /
    // "5" / "5.5" / "18.19". Caps are BTC (the coin), as the core reads an inverse cap.
    assert.deepEqual(sym.tiers[0], { notionalCap: 150, maxLeverage: 100, maintenanceMarginRate: 0.005 });
    assert.deepEqual(sym.tiers[4], { notionalCap: 750, maxLeverage: 33.34, maintenanceMarginRate: 0.025 });
    assert.deepEqual(sym.tiers[9], { notionalCap: 1500, maxLeverage: 18.19, maintenanceMarginRate: 0.05 });
    assert.equal(sym.raw.initialMarginRate[9], 0.055);
    const two = (second) => `1 150 0.5 1 100\n${second}`;
    assert.throws(() => parseInverseRiskLimits(two('2 300 1 1.5 6.67')), /id 2: maxLeverage 6.67 is not within 5% of 1\/0.015/);
    assert.throws(() => parseInverseRiskLimits(two('2 100 1 1.5 66.67')), /id 2: limit 100 not above 150/);
    assert.throws(() => parseInverseRiskLimits(two('2 300 0.4 1.5 66.67')), /id 2: maintain_margin 0.4 not above 0.5/);
    assert.throws(() => parseInverseRiskLimits(two('2 300 1 1.5')), /id 2: expected 5 columns/);
  });

  test('without a table the core says so (the issue\'s example); with the shipped one a short computes (by hand: 32,240.88)', async () => {
    const bare = lab.evaluate(shortBtcUsd(undefined, 10000, 29178, 10));
    assert.equal(bare.errors[0].code, 'tierMissing');
    const r = lab.evaluate(shortBtcUsd((await btcUsd()).tiers, 10000, 29178, 10));
    assert.deepEqual(r.errors, []);
    // Short 10,000 USD at 29,178 (BTCUSD's last price in the same recording), 10x: PV = 10,000 / 29,178 = 0.3427 BTC,
    // inside row 1 (cap 150 BTC): MMR 0.5%, no deduction. LP = 29,178 x 10 / (10 - 1 + 0.005 x 10) = 291,780 / 9.05
    // = 32,240.88398. On Bybit's 0.5 tick, toward the entry for a short (VENUES.md 2.4): 32,240.5.
    const lp = r.isolated.positions[0].liquidationPrice;
    assert.ok(Math.abs(lp - 291780 / 9.05) < 1e-6 && Math.abs(lp - 32240.88398) < 1e-5, String(lp));
    assert.equal(full.tickPrice({ rules: 'bybit', side: 'short', price: lp, tickSize: 0.5 }).price, 32240.5);
  });

  test('a 200 BTC short sits on row 2; the profile keeps maintenance continuous at 150 BTC (by hand: 33,103.45)', async () => {
    const r = lab.evaluate(shortBtcUsd((await btcUsd()).tiers, 6000000, 30000, 10));
    assert.deepEqual(r.errors, []);
    // PV = 6,000,000 / 30,000 = 200 BTC: row 2 (150 < 200 <= 300), MMR 1%. The response has no deduction column, so the
    // bybit profile derives it: 150 x (0.01 - 0.005) = 0.75 BTC. IM = 200 / 10 = 20 BTC; MM = 200 x 0.01 - 0.75 =
    // 1.25 BTC; LP_short = 6,000,000 / (200 - (20 - 1.25)) = 6,000,000 / 181.25 = 33,103.448276.
    const lp = r.isolated.positions[0].liquidationPrice;
    assert.ok(Math.abs(lp - 6000000 / 181.25) < 1e-6, String(lp));
  });
});

describe('a broken venue file is refused with its problem named', () => {
  const dydx = files.find((f) => f.venue === 'dydx');

  test('the shipped files pass the check', () => {
    for (const f of files) assert.deepEqual(venueProblems(f, f.venue), []);
  });

  test('each broken field is named at its place', () => {
    const cases = [
      [(d) => { d.symbols[0].tickSize = 0; }, /dydx: BTC-USD\.tickSize: not > 0/],
      [(d) => { d.symbols[1].tiers[0].maxLeverage = -5; }, /ETH-USD\.tiers\[0\]\.maxLeverage: not a positive number/],
      [(d) => { d.symbols[0].tiers = [{ notionalCap: null, maxLeverage: 20, maintenanceMarginRate: 0.03 }, { notionalCap: 5, maxLeverage: 10, maintenanceMarginRate: 0.05 }]; },
        /tiers\[0\]\.notionalCap: null \(unbounded\) is only allowed on the last row/],
      [(d) => { d.symbols[0].tiers[0].maintenanceMarginRate = 0.2; }, /not below the initial rate 1\/20/],
      [(d) => { d.symbols[1].aliases = ['btcusd']; }, /"btcusd" \(ETH-USD\) already names BTC-USD/],
      [(d) => { d.symbols[0].symbol = 'X'.repeat(5000); }, /symbols\[0\]\.symbol: missing or not a name of 1 to 40/],
      [(d) => { d.rules = 'ftx'; }, /rules "ftx" is not a MarginLab profile/],
      [(d) => { delete d.source.terms; }, /source\.terms: missing/],
      [(d) => { d.symbols = {}; }, /symbols must be an array of 1 to 2000 contracts/],
      [(d) => { d.symbols[2].contract = 'quanto'; }, /contract: "quanto" is not linear or inverse/],
    ];
    for (const [breakIt, expected] of cases) {
      const d = clone(dydx);
      breakIt(d);
      const problems = venueProblems(d, 'dydx');
      assert.ok(problems.some((p) => expected.test(p)), `${expected}: ${problems.join(' | ')}`);
    }
    assert.deepEqual(venueProblems(null, 'x.json'), ['x.json: not an object']);
  });

  test('installVenue refuses a tier file that does not match the index, and keeps the good tables', async () => {
    const good = await lab.loadVenue('hyperliquid');
    const tiers = Object.fromEntries(good.map((t) => [t.symbols[0], clone(t.tiers)]));
    const missing = clone(tiers);
    delete missing.ETH;
    await assert.rejects(lab.installVenue('hyperliquid', missing), (e) => e instanceof TypeError &&
      /the venue data file venue-hyperliquid\.js is malformed: venue-hyperliquid\.js: ETH\.tiers: empty/.test(e.message));
    const rising = clone(tiers);
    rising.BTC[1].maxLeverage = 1000;
    await assert.rejects(lab.installVenue('hyperliquid', rising), /BTC\.tiers\[1\]\.maxLeverage: 1000 rises above 40/);
    await assert.rejects(lab.installVenue('hyperliquid', [1, 2]), /not an object of tier tables/);
    // The loaded tables stay as they were.
    assert.deepEqual(lab.defaultTiers('hyperliquid', 'BTC').find((t) => t.venue).tiers, good.find((t) => t.symbols[0] === 'BTC').tiers);
  });
});

describe('tickPrice and wholeLots (venue.h)', () => {
  test("a liquidation price on Binance BTCUSDT's 0.1 tick, to the nearest (by hand: 57,228.44 -> 57,228.4)", () => {
    const spec = lab.defaultTiers('binance', 'BTCUSDT').find((t) => t.venue).spec;
    assert.equal(spec.tickSize, 0.1);
    const r = full.tickPrice({ rules: 'binance', side: 'long', price: 57228.44, tickSize: spec.tickSize });
    assert.deepEqual(r, { errors: [], price: 57228.4, exact: 57228.44, decimals: 1, rounding: 'nearest' });
  });

  test("Bybit's toward the entry: a short's 8,121.83 on a 0.5 tick shows 8,121.5 (VENUES.md BY-8b), with its step", () => {
    const r = full.tickPrice({ rules: 'bybit', side: 'short', price: 8121.83, tickSize: 0.5 }, { explain: true });
    assert.equal(r.price, 8121.5);
    assert.equal(r.rounding, 'conservative');
    assert.equal(r.steps.length, 1);
    assert.equal(r.steps[0].value, 8121.5);
    assert.equal(full.tickPrice({ rules: 'bybit', side: 'short', price: 8121.83, tickSize: 0.5 }).steps, undefined, 'steps only with explain');
  });

  test("Hyperliquid's five significant figures (docs: 1234.56 is not a price; 1234.6 is)", () => {
    const eth = lab.defaultTiers('hyperliquid', 'ETH').find((t) => t.venue).spec;
    const r = full.tickPrice({ rules: 'hyperliquid', price: 1234.56, tickSize: eth.tickSize, priceSigFigs: eth.priceSigFigs });
    assert.equal(r.price, 1234.6);
  });

  test('marginlab.js leaves them out (the wasm cap)', () => {
    assert.equal(lab.tickPrice, undefined);
    assert.equal(lab.wholeLots, undefined);
  });

  test('bad input: errors at their paths, never a number', () => {
    const r = full.tickPrice({ price: 'x', tickSize: -1, side: 'up', priceSigFigs: 2.5 });
    // The request's types first (side, price); the numbers' ranges once they are numbers.
    assert.deepEqual(r.errors.map((e) => [e.path, e.code]), [['side', 'unknownValue'], ['price', 'wrongType']]);
    assert.deepEqual(full.tickPrice({ price: 100, tickSize: -1 }).errors.map((e) => [e.path, e.code]), [['tickSize', 'notPositive']]);
    assert.deepEqual(full.tickPrice({ price: 100, tickSize: 1, priceSigFigs: 2.5 }).errors.map((e) => e.path), ['priceSigFigs']);
    assert.equal(r.price, undefined);
    assert.deepEqual(full.tickPrice({ price: 100 }).errors.map((e) => e.path), ['tickSize']);
    assert.deepEqual(full.tickPrice({ price: Infinity, tickSize: 0.1 }).errors.map((e) => e.path), ['price']);
    assert.throws(() => full.tickPrice(null), TypeError);
    assert.throws(() => full.tickPrice({}, 5), TypeError);
  });

  test('bad input in these calls\' words: null is the wrong type, "a"/"an" before a type, a long string an unknown one', () => {
    const r = full.tickPrice({ rules: null, side: 'y'.repeat(100), price: [1], tickSize: 1 });
    assert.deepEqual(r.errors.map((e) => e.message), ['rules must be a string, not null',
      `side ("${'y'.repeat(32)}") must be one of long, short`, 'price must be a number, not an array']);
    const lots = full.wholeLots({ contract: 'linear', quantity: '1', lotSize: 1, contractSize: null, baseAsset: 7 });
    assert.deepEqual(lots.errors.map((e) => e.message), ['quantity must be a number, not a string',
      'contractSize must be a number, not null', 'baseAsset must be a string, not a number']);
    // A whole number of significant figures is checked once the rest reads.
    assert.deepEqual(full.tickPrice({ price: null, tickSize: 1, priceSigFigs: -1 }).errors.map((e) => e.path), ['price']);
    assert.deepEqual(full.tickPrice({ price: 1, tickSize: 1, priceSigFigs: -1 }).errors.map((e) => e.message),
      ['priceSigFigs (-1) must be a whole number between 0 and 17']);
  });

  test('the largest size in whole lots with its unit (by hand: 748166.6667 contracts -> 748166)', () => {
    assert.deepEqual(full.wholeLots({ contract: 'inverse', quantity: 748166.6667, lotSize: 1, contractSize: 100 }),
      { errors: [], quantity: 748166, lots: 748166, decimals: 0, unit: 'contracts' });
    const btc = full.wholeLots({ quantity: 0.12345, lotSize: 0.001, baseAsset: 'BTC' });
    assert.equal(btc.quantity, 0.123);
    assert.equal(btc.unit, 'BTC');
    assert.deepEqual(full.wholeLots({ quantity: 1, lotSize: 0, baseAsset: 'B'.repeat(100) }).errors.map((e) => e.path), ['lotSize', 'baseAsset']);
  });
});

describe('chained: what the risk lab answers in lots is what the next tool accepts', () => {
  test('maxOpen, floored to SOLUSDT\'s whole lots, is a size adjust accepts with the balance to fund it; one lot more is not funded', async () => {
    const [table] = (await lab.loadVenue('binance-usdm')).filter((t) => t.symbols.includes('SOLUSDT'));
    const scenario = { version: 1, rules: 'binance', walletBalance: 5000, tiers: { SOLUSDT: table.tiers },
      positions: [{ symbol: 'SOLUSDT', side: 'long', quantity: 10, entryPrice: 150, markPrice: 150, leverage: 10 }] };
    const open = full.maxOpen(scenario, { symbol: 'SOLUSDT', side: 'long', price: 150, leverage: 10 });
    assert.deepEqual(open.errors, []);
    const lots = full.wholeLots({ quantity: open.quantity, lotSize: table.spec.lotSize, baseAsset: 'SOL' });
    assert.deepEqual(lots.errors, []);
    assert.ok(lots.quantity <= open.quantity && lots.quantity > open.quantity - table.spec.lotSize, `${lots.quantity} of ${open.quantity}`);
    // adjust is a what-if: it answers past the wallet too, with a negative available balance.
    const fits = full.adjust(scenario, { position: 0, price: 150, quantityDelta: lots.quantity });
    assert.deepEqual(fits.errors, []);
    assert.ok(fits.report.cross.account.availableBalance >= 0, `available ${fits.report.cross.account.availableBalance}`);
    const more = full.adjust(scenario, { position: 0, price: 150, quantityDelta: lots.quantity + table.spec.lotSize });
    assert.deepEqual(more.errors, []);
    assert.ok(more.report.cross.account.availableBalance < 0, `one lot more: available ${more.report.cross.account.availableBalance}`);
  });
});

describe('the venue-file checker under hostile input', () => {
  // A seeded stream of broken copies of the shipped files: the checker answers every one with a list of
  // problems (never throws, never hangs), and a copy it passes is one splitVenue and the API accept.
  test('10,000 mutated files: problems listed, nothing thrown', async () => {
    const { splitVenue } = await import('../../wasm/venue-data.mjs');
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const junk = [null, undefined, NaN, -1, 0, 1e308, Infinity, '', 'x'.repeat(100), '<img onerror=1>', [], {}, true,
      { __proto__: null }, '__proto__', 'constructor'];
    const pick = (a) => a[Math.floor(random() * a.length)];
    let refused = 0;
    for (let i = 0; i < 10000; i++) {
      const doc = clone(pick(files));
      for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) {
        if (!Array.isArray(doc.symbols) || doc.symbols.length === 0) break;  // a mutation replaced the list
        const s = pick(doc.symbols);
        if (!s || typeof s !== 'object' || !Array.isArray(s.tiers)) break;
        const where = random();
        if (where < 0.3) s[pick(['symbol', 'contract', 'tickSize', 'lotSize', 'contractSize', 'settleAsset', 'aliases'])] = pick(junk);
        else if (where < 0.7 && s.tiers.length) s.tiers[Math.floor(random() * s.tiers.length)][pick(['notionalCap', 'maxLeverage', 'maintenanceMarginRate', 'maintenanceAmount'])] = pick(junk);
        else if (where < 0.85) doc[pick(['venue', 'rules', 'source', 'symbols', 'product'])] = pick(junk);
        else s.tiers = pick([[], null, s.tiers.concat(s.tiers), s.tiers.slice().reverse()]);
      }
      let problems;
      assert.doesNotThrow(() => { problems = venueProblems(doc, 'mutated.json'); }, `mutation ${i}`);
      assert.ok(Array.isArray(problems) && problems.every((p) => typeof p === 'string' && p.length < 400), `mutation ${i}`);
      if (problems.length) refused++;
      else assert.doesNotThrow(() => splitVenue(doc, 'mutated.json'));
    }
    assert.ok(refused > 9000, `${refused} of 10,000 mutated files refused`);
  });
});

describe('OKX position tiers in contracts (capUnit)', () => {
  /** The one row a position's size takes in a shipped size table (checked against `row`), and the isolated
   *  liquidation price the core gives with it (wallet 1e7 USDT, taker fee 0.05%). */
  function isolatedLiquidation(table, position, row) {
    const rows = tiersForPosition(table, [position]);
    assert.deepEqual(rows, [row]);
    const report = lab.evaluate({ version: 1, rules: 'okx', walletBalance: 1e7, takerFeeRate: 0.0005, tiers: { [position.symbol]: rows },
      positions: [position] });
    assert.deepEqual(report.errors, []);
    return report.isolated.positions[0].liquidationPrice;
  }

  test('a size table goes to the core as the row the size falls in; liquidation as OKX\'s formula by hand', async () => {
    const [t] = (await lab.loadVenue('okx-swap')).filter((x) => x.symbols[0] === 'BTC-USDT-SWAP');
    assert.equal(t.capUnit, 'contracts');
    assert.equal(t.spec.contractSize, 0.01);
    assert.ok(lab.defaultTiers('okx', 'btcusdt').some((x) => x.venue === 'okx-swap'), 'BTCUSDT is an alias, any case');
    // 15 BTC long = 1,500 contracts of 0.01 BTC: OKX tier 2 (1,000 < 1,500 <= 5,000 contracts), MMR 0.5%, 66.66x,
    // whatever the price. Read as a notional the same cap would be 5,000 USDT: tier 12 or more at 60,000.
    const position = { symbol: 'BTC-USDT-SWAP', contract: 'linear', contractSize: 0.01, side: 'long', quantity: 1500,
      entryPrice: 60000, leverage: 20, marginMode: 'isolated' };
    const rows = tiersForPosition(t, [position]);
    assert.deepEqual(rows, [{ notionalCap: 1e15, maxLeverage: 66.66, maintenanceMarginRate: 0.005 }]);
    // The same size given as 150,000 contracts of 0.0001 BTC takes the same row.
    assert.deepEqual(tiersForPosition(t, [{ ...position, contractSize: 0.0001, quantity: 150000 }]), rows);
    // Long and short of one symbol sum (OKX cross mode): 1,500 + 4,000 = 5,500 contracts: tier 3.
    assert.equal(tiersForPosition(t, [position, { ...position, side: 'short', quantity: 4000 }])[0].maintenanceMarginRate, 0.0075);
    // Past the last shipped row (XLM ships OKX's rows 1-64 of 93, to 341,000 contracts of 100 XLM): the core refuses the
    // position at the row's cap instead of charging row 64's rate (OKX's later rows charge more).
    const [xlm] = (await lab.loadVenue('okx-swap')).filter((x) => x.symbols[0] === 'XLM-USDT-SWAP');
    const lastRow = xlm.tiers[xlm.tiers.length - 1];
    assert.equal(lastRow.notionalCap, 341000);
    const whale = { symbol: 'XLM-USDT-SWAP', contract: 'linear', contractSize: 100, side: 'long', quantity: 400000, entryPrice: 0.3,
      leverage: 5, marginMode: 'isolated' };
    const past = tiersForPosition(xlm, [whale]);
    // 341,000 contracts x 100 XLM x 0.3 USDT = 10,230,000 USDT, against 400,000 contracts' 12,000,000.
    assert.deepEqual(past, [{ ...lastRow, notionalCap: 10230000 }]);
    const refused = lab.evaluate({ version: 1, rules: 'okx', walletBalance: 1e7, tiers: { [whale.symbol]: past }, positions: [whale] });
    assert.deepEqual(refused.errors.map((e) => `${e.path} ${e.rule} ${e.params.limit}`), ['positions[0].quantity entryAboveLastCap 10230000']);
    // At the last row's cap exactly, the row applies with an open cap.
    assert.equal(tiersForPosition(xlm, [{ ...whale, quantity: 341000 }])[0].notionalCap, 1e15);
    const report = lab.evaluate({ version: 1, rules: 'okx', walletBalance: 100000, takerFeeRate: 0.0005, tiers: { 'BTC-USDT-SWAP': rows },
      positions: [position] });
    assert.deepEqual(report.errors, []);
    // Hand calculation, OKX isolated linear (VENUES.md 3.1): margin M = 15 x 60,000 / 20 = 45,000 USDT;
    // LP = (EP - M/(FV x N)) / (1 - MMR - fee) = (60,000 - 45,000/15) / (1 - 0.005 - 0.0005) = 57,000 / 0.9945
    // = 57,315.2338...
    const lp = report.isolated.positions[0].liquidationPrice;
    assert.ok(Math.abs(lp - 57000 / 0.9945) < 1e-6, `${lp}`);
    assert.equal(report.isolated.positions[0].maintenanceMarginRate, 0.005);
  });

  test('ETH-USDT-SWAP: rows as the cited cache prints them; a size in tier 2 liquidates as OKX\'s formula by hand', async () => {
    const [t] = (await lab.loadVenue('okx-swap')).filter((x) => x.symbols[0] === 'ETH-USDT-SWAP');
    assert.equal(t.capUnit, 'contracts');
    assert.equal(t.spec.contractSize, 0.1);
    assert.ok(lab.defaultTiers('okx', 'ethusdt').some((x) => x.venue === 'okx-swap'), 'ETHUSDT is an alias, any case');
    // Spot checks against VanJames/freqtrade user_data/data/okx/futures/leverage_tiers_USDT.json @ 51df7fe4 (OKX's
    // info fields, read at characters 2,906,600 to 2,932,000): tier 1 maxSz 5000 mmr 0.004 maxLever 100; tier 4
    // 50000 / 0.0125 / 40; tier 29 675000 / 0.1375 / 6.66; tier 64 1550000 / 0.3125 / 3.07 (rows 1-64 kept).
    assert.equal(t.tiers.length, 64);
    for (const [i, cap, lev, mmr] of [[0, 5000, 100, 0.004], [3, 50000, 40, 0.0125], [28, 675000, 6.66, 0.1375], [63, 1550000, 3.07, 0.3125]])
      assert.deepEqual(t.tiers[i], { notionalCap: cap, maxLeverage: lev, maintenanceMarginRate: mmr }, `tier ${i + 1}`);
    // 600 ETH long = 6,000 contracts of 0.1 ETH: tier 2 (5,000 < 6,000 <= 10,000 contracts), MMR 0.5%.
    const position = { symbol: 'ETH-USDT-SWAP', contract: 'linear', contractSize: 0.1, side: 'long', quantity: 6000,
      entryPrice: 3000, leverage: 20, marginMode: 'isolated' };
    const lp = isolatedLiquidation(t, position, { notionalCap: 1e15, maxLeverage: 66.66, maintenanceMarginRate: 0.005 });
    // By hand: M = 600 x 3,000 / 20 = 90,000 USDT; LP = (3,000 - 90,000/600) / (1 - 0.005 - 0.0005) = 2,850 / 0.9945
    // = 2,865.7617...
    assert.ok(Math.abs(lp - 2850 / 0.9945) < 1e-6, `${lp}`);
  });

  test('SOL to ICP: the shipped rows are the checked transcriptions, spot-checked against the cache', async () => {
    const doc = JSON.parse(readFileSync(new URL('okx-swap.json', dataDir), 'utf8'));
    for (const coin of ['ETH', 'SOL', 'DOGE', 'XRP', 'LINK', 'DOT', 'LTC', 'ADA', 'TRX', 'UNI', 'ATOM', 'SUI', 'ETC', 'AAVE', 'SUSHI', 'XLM', 'AVAX', 'XTZ', 'LDO', 'BNB', 'BCH', 'TON', 'FIL', 'NEAR', 'OP',
      'APT', 'ARB', 'HBAR', 'ICP']) {
      const sym = doc.symbols.find((x) => x.symbol === `${coin}-USDT-SWAP`);
      assert.deepEqual({ imr: sym.raw.imr, tiers: sym.tiers }, transcribed(coin), coin);
    }
    // Rows read in VanJames/freqtrade leverage_tiers_USDT.json @ 51df7fe4 (OKX info maxSz / mmr / maxLever):
    // SOL tier 3 20000 / 0.015 / 20 and tier 38 720000 / 0.19 / 4.44; DOGE tier 2 3000 / 0.01 / 40 and tier 37
    // 210000 / 0.185 / 4.54; XRP tier 4 20000 / 0.02 / 18.18 and tier 28 260000 / 0.14 / 5.71.
    const row = (coin, i) => doc.symbols.find((x) => x.symbol === `${coin}-USDT-SWAP`).tiers[i];
    assert.deepEqual(row('SOL', 2), { notionalCap: 20000, maxLeverage: 20, maintenanceMarginRate: 0.015 });
    assert.deepEqual(row('SOL', 37), { notionalCap: 720000, maxLeverage: 4.44, maintenanceMarginRate: 0.19 });
    assert.deepEqual(row('DOGE', 1), { notionalCap: 3000, maxLeverage: 40, maintenanceMarginRate: 0.01 });
    assert.deepEqual(row('DOGE', 36), { notionalCap: 210000, maxLeverage: 4.54, maintenanceMarginRate: 0.185 });
    assert.deepEqual(row('XRP', 3), { notionalCap: 20000, maxLeverage: 18.18, maintenanceMarginRate: 0.02 });
    assert.deepEqual(row('XRP', 27), { notionalCap: 260000, maxLeverage: 5.71, maintenanceMarginRate: 0.14 });
    // LINK tier 1 6200 / 0.0065 / 50 and tier 33 775000 / 0.165 / 5; DOT tier 3 68000 / 0.03 / 20 and tier 52
    // 3400000 / 0.275 / 3.38; LTC tier 2 2000 / 0.01 / 40 and tier 48 276000 / 0.24 / 3.63.
    assert.deepEqual(row('LINK', 0), { notionalCap: 6200, maxLeverage: 50, maintenanceMarginRate: 0.0065 });
    assert.deepEqual(row('LINK', 32), { notionalCap: 775000, maxLeverage: 5, maintenanceMarginRate: 0.165 });
    assert.deepEqual(row('DOT', 2), { notionalCap: 68000, maxLeverage: 20, maintenanceMarginRate: 0.03 });
    assert.deepEqual(row('DOT', 51), { notionalCap: 3400000, maxLeverage: 3.38, maintenanceMarginRate: 0.275 });
    assert.deepEqual(row('LTC', 1), { notionalCap: 2000, maxLeverage: 40, maintenanceMarginRate: 0.01 });
    assert.deepEqual(row('LTC', 47), { notionalCap: 276000, maxLeverage: 3.63, maintenanceMarginRate: 0.24 });
    // ADA tier 3 10000 / 0.03 / 20 and tier 41 390000 / 0.22 / 4.16; TRX tier 1 150 / 0.0065 / 50 and tier 52
    // 30000 / 0.26 / 3.38.
    assert.deepEqual(row('ADA', 2), { notionalCap: 10000, maxLeverage: 20, maintenanceMarginRate: 0.03 });
    assert.deepEqual(row('ADA', 40), { notionalCap: 390000, maxLeverage: 4.16, maintenanceMarginRate: 0.22 });
    assert.deepEqual(row('TRX', 0), { notionalCap: 150, maxLeverage: 50, maintenanceMarginRate: 0.0065 });
    assert.deepEqual(row('TRX', 51), { notionalCap: 30000, maxLeverage: 3.38, maintenanceMarginRate: 0.26 });
    // UNI tier 2 12000 / 0.015 / 40 and tier 45 1075000 / 0.24 / 3.84.
    assert.deepEqual(row('UNI', 1), { notionalCap: 12000, maxLeverage: 40, maintenanceMarginRate: 0.015 });
    assert.deepEqual(row('UNI', 44), { notionalCap: 1075000, maxLeverage: 3.84, maintenanceMarginRate: 0.24 });
    // ATOM tier 1 6000 / 0.01 / 50 and tier 54 1300000 / 0.285 / 3.27.
    assert.deepEqual(row('ATOM', 0), { notionalCap: 6000, maxLeverage: 50, maintenanceMarginRate: 0.01 });
    assert.deepEqual(row('ATOM', 53), { notionalCap: 1300000, maxLeverage: 3.27, maintenanceMarginRate: 0.285 });
    // SUI tier 1 60000 / 0.01 / 50 and tier 31 7250000 / 0.17 / 5.26.
    assert.deepEqual(row('SUI', 0), { notionalCap: 60000, maxLeverage: 50, maintenanceMarginRate: 0.01 });
    assert.deepEqual(row('SUI', 30), { notionalCap: 7250000, maxLeverage: 5.26, maintenanceMarginRate: 0.17 });
    // ETC tier 1 220 / 0.01 / 50 and tier 37 30800 / 0.2 / 4.54; AAVE tier 1 2500 / 0.01 / 50 and tier 54 520000 / 0.285 / 3.27.
    assert.deepEqual(row('ETC', 0), { notionalCap: 220, maxLeverage: 50, maintenanceMarginRate: 0.01 });
    assert.deepEqual(row('ETC', 36), { notionalCap: 30800, maxLeverage: 4.54, maintenanceMarginRate: 0.2 });
    assert.deepEqual(row('AAVE', 0), { notionalCap: 2500, maxLeverage: 50, maintenanceMarginRate: 0.01 });
    assert.deepEqual(row('AAVE', 53), { notionalCap: 520000, maxLeverage: 3.27, maintenanceMarginRate: 0.285 });
    // SUSHI tier 3 62000 / 0.03 / 20 and tier 50 2976000 / 0.265 / 3.5 (read at characters 7,868,000-7,900,000);
    // XLM tier 2 2800 / 0.015 / 40, tier 17 82500 / 0.1 / 8.33 (9,026,000-9,042,000) and tier 64 341000 / 0.335 / 2.81
    // (9,055,000-9,071,000, before XPD's key); AVAX tier 1 4800 / 0.01 / 50 and
    // tier 41 702000 / 0.22 / 4.16 (1,026,500-1,042,500); XTZ tier 3 28000 / 0.03 / 20 and tier 42 1120000 / 0.225 / 4.08
    // (9,201,500-9,217,500); LDO tier 1 15000 / 0.0065 / 50, tier 4 120000 / 0.02 / 18.18 and tier 43 2460000 / 0.215 / 4
    // (4,504,200-4,520,200); BNB tier 3 80000 / 0.015 / 20 and tier 43 3280000 / 0.215 / 4 (1,657,200-1,673,200).
    assert.deepEqual(row('SUSHI', 2), { notionalCap: 62000, maxLeverage: 20, maintenanceMarginRate: 0.03 });
    assert.deepEqual(row('SUSHI', 49), { notionalCap: 2976000, maxLeverage: 3.5, maintenanceMarginRate: 0.265 });
    assert.deepEqual(row('XLM', 1), { notionalCap: 2800, maxLeverage: 40, maintenanceMarginRate: 0.015 });
    assert.deepEqual(row('XLM', 16), { notionalCap: 82500, maxLeverage: 8.33, maintenanceMarginRate: 0.1 });
    assert.deepEqual(row('XLM', 63), { notionalCap: 341000, maxLeverage: 2.81, maintenanceMarginRate: 0.335 });
    assert.deepEqual(row('AVAX', 0), { notionalCap: 4800, maxLeverage: 50, maintenanceMarginRate: 0.01 });
    assert.deepEqual(row('AVAX', 40), { notionalCap: 702000, maxLeverage: 4.16, maintenanceMarginRate: 0.22 });
    assert.deepEqual(row('XTZ', 2), { notionalCap: 28000, maxLeverage: 20, maintenanceMarginRate: 0.03 });
    assert.deepEqual(row('XTZ', 41), { notionalCap: 1120000, maxLeverage: 4.08, maintenanceMarginRate: 0.225 });
    assert.deepEqual(row('LDO', 0), { notionalCap: 15000, maxLeverage: 50, maintenanceMarginRate: 0.0065 });
    assert.deepEqual(row('LDO', 3), { notionalCap: 120000, maxLeverage: 18.18, maintenanceMarginRate: 0.02 });
    assert.deepEqual(row('LDO', 42), { notionalCap: 2460000, maxLeverage: 4, maintenanceMarginRate: 0.215 });
    assert.deepEqual(row('BNB', 2), { notionalCap: 80000, maxLeverage: 20, maintenanceMarginRate: 0.015 });
    assert.deepEqual(row('BNB', 42), { notionalCap: 3280000, maxLeverage: 4, maintenanceMarginRate: 0.215 });
    // BCH tier 3 8000 / 0.015 / 20 and tier 42 320000 / 0.21 / 4.08 (read at characters 1,345,000-1,361,000, right after
    // BAT's tier 87) and tier 64 496000 / 0.32 / 2.81 (1,360,500-1,376,500); TON tier 2 15000 / 0.015 / 40 and tier 31
    // 928000 / 0.17 / 5.26 (8,040,000-8,056,000, after TIA's tier 93) and tier 64 1984000 / 0.335 / 2.81
    // (8,055,500-8,071,500); FIL tier 4 2000000 / 0.035 / 18.18 and tier 64 62000000 / 0.335 / 2.81 (3,105,000-3,137,000, after
    // FARTCOIN's tier 87).
    assert.deepEqual(row('BCH', 2), { notionalCap: 8000, maxLeverage: 20, maintenanceMarginRate: 0.015 });
    assert.deepEqual(row('BCH', 41), { notionalCap: 320000, maxLeverage: 4.08, maintenanceMarginRate: 0.21 });
    assert.deepEqual(row('BCH', 63), { notionalCap: 496000, maxLeverage: 2.81, maintenanceMarginRate: 0.32 });
    assert.deepEqual(row('TON', 1), { notionalCap: 15000, maxLeverage: 40, maintenanceMarginRate: 0.015 });
    assert.deepEqual(row('TON', 30), { notionalCap: 928000, maxLeverage: 5.26, maintenanceMarginRate: 0.17 });
    assert.deepEqual(row('TON', 63), { notionalCap: 1984000, maxLeverage: 2.81, maintenanceMarginRate: 0.335 });
    assert.deepEqual(row('FIL', 3), { notionalCap: 2000000, maxLeverage: 18.18, maintenanceMarginRate: 0.035 });
    assert.deepEqual(row('FIL', 63), { notionalCap: 62000000, maxLeverage: 2.81, maintenanceMarginRate: 0.335 });
    // NEAR tier 2 3800 / 0.015 / 40 and tier 64 465000 / 0.335 / 2.81 (read at characters 5,530,000-5,562,000, right after
    // MUBARAK's tier 81); OP tier 1 100000 / 0.01 / 50 and tier 64 24800000 / 0.335 / 2.81 (5,975,000-6,022,000, after ONT's
    // tier 87); APT tier 3 45000 / 0.03 / 20 and tier 64 2790000 / 0.335 / 2.81 (700,000-747,500, after APR's tier 87);
    // ARB tier 4 76000 / 0.035 / 18.18 and tier 64 2356000 / 0.335 / 2.81 (778,500-817,000, after AR's tier 87); HBAR
    // tier 1 1800 / 0.0065 / 50 and tier 64 421600 / 0.32 / 2.81 (3,605,000-3,637,000, after H's tier 87); ICP tier 2
    // 1000000 / 0.015 / 40 and tier 64 111600000 / 0.335 / 2.81 (3,826,000-3,858,000, after HYPE's tier 93).
    assert.deepEqual(row('NEAR', 1), { notionalCap: 3800, maxLeverage: 40, maintenanceMarginRate: 0.015 });
    assert.deepEqual(row('NEAR', 63), { notionalCap: 465000, maxLeverage: 2.81, maintenanceMarginRate: 0.335 });
    assert.deepEqual(row('OP', 0), { notionalCap: 100000, maxLeverage: 50, maintenanceMarginRate: 0.01 });
    assert.deepEqual(row('OP', 63), { notionalCap: 24800000, maxLeverage: 2.81, maintenanceMarginRate: 0.335 });
    assert.deepEqual(row('APT', 2), { notionalCap: 45000, maxLeverage: 20, maintenanceMarginRate: 0.03 });
    assert.deepEqual(row('APT', 63), { notionalCap: 2790000, maxLeverage: 2.81, maintenanceMarginRate: 0.335 });
    assert.deepEqual(row('ARB', 3), { notionalCap: 76000, maxLeverage: 18.18, maintenanceMarginRate: 0.035 });
    assert.deepEqual(row('ARB', 63), { notionalCap: 2356000, maxLeverage: 2.81, maintenanceMarginRate: 0.335 });
    assert.deepEqual(row('HBAR', 0), { notionalCap: 1800, maxLeverage: 50, maintenanceMarginRate: 0.0065 });
    assert.deepEqual(row('HBAR', 63), { notionalCap: 421600, maxLeverage: 2.81, maintenanceMarginRate: 0.32 });
    assert.deepEqual(row('ICP', 1), { notionalCap: 1000000, maxLeverage: 40, maintenanceMarginRate: 0.015 });
    assert.deepEqual(row('ICP', 63), { notionalCap: 111600000, maxLeverage: 2.81, maintenanceMarginRate: 0.335 });
    // Tier 64 of the tables read on to the core's 64 rows (OKX info maxSz / mmr / maxLever, each read on the page that
    // starts 500 characters before the earlier page's end): SOL 1240000 / 0.32 / 2.81 (7,505,700-7,521,700), DOGE 372000 /
    // 0.32 / 2.81 (2,445,500-2,461,500), XRP 620000 / 0.32 / 2.81 (9,178,600-9,194,600), LINK 1550000 / 0.32 / 2.81
    // (4,615,500-4,631,500), DOT 4216000 / 0.335 / 2.81 (2,515,500-2,531,500), LTC 372000 / 0.32 / 2.81 (4,835,500-
    // 4,851,500), ADA 620000 / 0.335 / 2.81 (293,500-309,500), TRX 37200 / 0.32 / 2.81 (8,251,500-8,267,500), UNI 1550000 /
    // 0.335 / 2.81 (8,425,300-8,441,300), ATOM 1550000 / 0.335 / 2.81 (981,000-997,000), SUI 15500000 / 0.335 / 2.81
    // (7,858,500-7,874,500), ETC 54560 / 0.335 / 2.81 (2,885,000-2,901,000), AAVE 620000 / 0.335 / 2.81 (171,500-187,500),
    // SUSHI 3844000 / 0.335 / 2.81 (7,899,500-7,915,500), AVAX 1116000 / 0.335 / 2.81 (1,042,000-1,058,000), XTZ 1736000 /
    // 0.335 / 2.81 (9,217,000-9,233,000), LDO 3720000 / 0.32 / 2.81 (4,519,700-4,535,700), BNB 4960000 / 0.32 / 2.81
    // (1,672,700-1,688,700); and ETC tier 38 31680 / 0.205 / 4.44, XRP tier 29 270000 / 0.145 / 5.55, SOL tier 39
    // 740000 / 0.195 / 4.34 (the first rows after the earlier cut).
    for (const [coin, cap, mmr] of [['SOL', 1240000, 0.32], ['DOGE', 372000, 0.32], ['XRP', 620000, 0.32], ['LINK', 1550000, 0.32],
      ['DOT', 4216000, 0.335], ['LTC', 372000, 0.32], ['ADA', 620000, 0.335], ['TRX', 37200, 0.32], ['UNI', 1550000, 0.335],
      ['ATOM', 1550000, 0.335], ['SUI', 15500000, 0.335], ['ETC', 54560, 0.335], ['AAVE', 620000, 0.335], ['SUSHI', 3844000, 0.335],
      ['AVAX', 1116000, 0.335], ['XTZ', 1736000, 0.335], ['LDO', 3720000, 0.32], ['BNB', 4960000, 0.32]])
      assert.deepEqual(row(coin, 63), { notionalCap: cap, maxLeverage: 2.81, maintenanceMarginRate: mmr }, `${coin} tier 64`);
    assert.deepEqual(row('ETC', 37), { notionalCap: 31680, maxLeverage: 4.44, maintenanceMarginRate: 0.205 });
    assert.deepEqual(row('XRP', 28), { notionalCap: 270000, maxLeverage: 5.55, maintenanceMarginRate: 0.145 });
    assert.deepEqual(row('SOL', 38), { notionalCap: 740000, maxLeverage: 4.34, maintenanceMarginRate: 0.195 });
    for (const sym of doc.symbols) assert.equal(sym.tiers.length, sym.symbol === 'BTC-USDT-SWAP' ? 45 : 64, sym.symbol);
    // Specifications as the OKX contract table (code index file 57441056642) and ccxt's OKX rows (@ 97b64155) give them.
    const spec = (coin) => { const x = doc.symbols.find((y) => y.symbol === `${coin}-USDT-SWAP`); return [x.contractSize, x.tickSize, x.lotSize, x.minQty]; };
    assert.deepEqual(spec('BTC'), [0.01, 0.1, 0.01, 0.01]);
    assert.deepEqual(spec('SUSHI'), [1, 0.0001, 1, 1]);
    assert.deepEqual(spec('ETC'), [10, 0.01, 0.01, 0.01]);
    assert.deepEqual(spec('AAVE'), [0.1, 0.01, 0.1, 0.1]);
    assert.deepEqual(spec('XLM'), [100, 0.00001, 0.1, 0.1]);
    assert.deepEqual(spec('AVAX'), [1, 0.001, 0.1, 0.1]);
    assert.deepEqual(spec('BNB'), [0.01, 0.1, 1, 1]);
    assert.deepEqual(spec('BCH'), [0.1, 0.1, 0.1, 0.1]);
    assert.deepEqual(spec('TON'), [1, 0.001, 1, 1]);
    assert.deepEqual(spec('FIL'), [0.1, 0.001, 1, 1]);
    assert.deepEqual(spec('NEAR'), [10, 0.001, 0.1, 0.1]);
    assert.deepEqual(spec('OP'), [1, 0.0001, 1, 1]);
    assert.deepEqual(spec('APT'), [1, 0.001, 1, 1]);
    assert.deepEqual(spec('ARB'), [10, 0.0001, 0.1, 0.1]);
    assert.deepEqual(spec('HBAR'), [100, 0.00001, 0.1, 0.1]);
    assert.deepEqual(spec('ICP'), [0.01, 0.001, 1, 1]);
    // The converter refuses a typo: 1/0.055 cut to 2 decimals is 18.18, not 18.81.
    assert.throws(() => parseTiers('1 2500 0.0065 0.02 50\n2 5000 0.01 0.055 18.81'), /tier 2: maxLever 18.81/);
    assert.throws(() => parseTiers('1 2500 0.0065 0.02 50\n2 2000 0.01 0.025 40'), /tier 2: maxSz 2000 not above 2500/);
  });

  test('DOGE-USDT-SWAP: 4,000 contracts of 1,000 DOGE take tier 3 whatever the price; liquidation by hand', async () => {
    const [t] = (await lab.loadVenue('okx-swap')).filter((x) => x.symbols[0] === 'DOGE-USDT-SWAP');
    assert.equal(t.spec.contractSize, 1000);
    const position = { symbol: 'DOGE-USDT-SWAP', contract: 'linear', contractSize: 1000, side: 'long', quantity: 4000,
      entryPrice: 0.2, leverage: 10, marginMode: 'isolated' };
    // 3,000 < 4,000 <= 6,000 contracts: tier 3, MMR 1.5%, 20x.
    const lp = isolatedLiquidation(t, position, { notionalCap: 1e15, maxLeverage: 20, maintenanceMarginRate: 0.015 });
    // By hand: 4,000,000 DOGE, notional 800,000 USDT, M = 80,000; LP = (0.2 - 80,000/4,000,000) / (1 - 0.015 - 0.0005)
    // = 0.18 / 0.9845 = 0.182833925...
    assert.ok(Math.abs(lp - 0.18 / 0.9845) < 1e-12, `${lp}`);
  });

  /** A shipped table's spec and alias, and the isolated liquidation of `position` with the row its size takes. */
  async function shipped(coin, alias, spec) {
    const [t] = (await lab.loadVenue('okx-swap')).filter((x) => x.symbols[0] === `${coin}-USDT-SWAP`);
    for (const [k, v] of Object.entries(spec)) assert.equal(t.spec[k], v, `${coin} ${k}`);
    assert.ok(lab.defaultTiers('okx', alias).some((x) => x.venue === 'okx-swap'), `${alias} is an alias, any case`);
    return t;
  }

  // Sizes that take a row whatever the price; liquidation by hand, OKX isolated linear (VENUES.md 3.1):
  // LP = (EP - M/N) / (1 - MMR - fee), M = N x EP / leverage, taker fee 0.05%.
  // LTC: 10,000 contracts of 1 LTC, 6,000 < 10,000 <= 12,000: tier 4 of the cache, MMR 2%, 18.18x; 10,000 LTC at 80,
  //   10x: M = 80,000; LP = (80 - 8) / (1 - 0.02 - 0.0005) = 72 / 0.9795 = 73.5068912...
  // AVAX: 30,000 contracts of 1 AVAX, 18,000 < 30,000 <= 36,000: tier 4, MMR 3.5%, 18.18x; 30,000 AVAX at 20, 10x:
  //   M = 60,000; LP = (20 - 2) / (1 - 0.035 - 0.0005) = 18 / 0.9645 = 18.6625194...
  // TON: 50,000 contracts of 1 TON, 32,000 < 50,000 <= 64,000: tier 4, MMR 3.5%, 18.18x; 50,000 TON at 3, 10x:
  //   M = 15,000; LP = (3 - 0.3) / (1 - 0.035 - 0.0005) = 2.7 / 0.9645 = 2.7993779...
  // APT: 60,000 contracts of 1 APT, 45,000 < 60,000 <= 90,000: tier 4, MMR 3.5%, 18.18x; 60,000 APT at 5, 10x:
  //   M = 30,000; LP = (5 - 0.5) / (1 - 0.035 - 0.0005) = 4.5 / 0.9645 = 4.6656298...
  for (const c of [
    { coin: 'LTC', alias: 'ltcusdt', tick: 0.01, quantity: 10000, entryPrice: 80, mmr: 0.02, lp: 72 / 0.9795 },
    { coin: 'AVAX', alias: 'avax/usdt:usdt', tick: 0.001, quantity: 30000, entryPrice: 20, mmr: 0.035, lp: 18 / 0.9645 },
    { coin: 'TON', alias: 'TONUSDT', tick: 0.001, quantity: 50000, entryPrice: 3, mmr: 0.035, lp: 2.7 / 0.9645 },
    { coin: 'APT', alias: 'apt-usdt-swap', tick: 0.001, quantity: 60000, entryPrice: 5, mmr: 0.035, lp: 4.5 / 0.9645 },
  ]) {
    test(`${c.coin}-USDT-SWAP: ${c.quantity} contracts of 1 ${c.coin} take tier 4 whatever the price; liquidation by hand`, async () => {
      const [t] = (await lab.loadVenue('okx-swap')).filter((x) => x.symbols[0] === `${c.coin}-USDT-SWAP`);
      assert.equal(t.spec.contractSize, 1);
      assert.equal(t.spec.tickSize, c.tick);
      assert.ok(lab.defaultTiers('okx', c.alias).some((x) => x.venue === 'okx-swap'), `${c.alias} is an alias, any case`);
      const position = { symbol: `${c.coin}-USDT-SWAP`, contract: 'linear', contractSize: 1, side: 'long', quantity: c.quantity,
        entryPrice: c.entryPrice, leverage: 10, marginMode: 'isolated' };
      const lp = isolatedLiquidation(t, position, { notionalCap: 1e15, maxLeverage: 18.18, maintenanceMarginRate: c.mmr });
      assert.ok(Math.abs(lp - c.lp) < 1e-9, `${lp}`);
    });
  }

  test('capUnit is checked, and a notional table passes through unchanged', () => {
    const doc = JSON.parse(readFileSync(new URL('okx-swap.json', dataDir), 'utf8'));
    doc.symbols[0].capUnit = 'lots';
    assert.ok(venueProblems(doc, 'okx-swap.json').some((p) => p.includes('BTC-USDT-SWAP.capUnit: "lots" is not quote, contracts, coin')));
    const notional = { tiers: [{ notionalCap: 50000, maxLeverage: 125, maintenanceMarginRate: 0.004 }], spec: { contractSize: 1 } };
    assert.equal(tiersForPosition(notional, [{ quantity: 1e9 }]), notional.tiers);
    // Not a finite size: the first row (the core reports the quantity).
    const t = { capUnit: 'coin', tiers: [{ notionalCap: 10, maxLeverage: 50, maintenanceMarginRate: 0.01 }, { notionalCap: 20, maxLeverage: 20, maintenanceMarginRate: 0.02 }], spec: { contractSize: 1 } };
    assert.equal(tiersForPosition(t, [{ quantity: NaN }])[0].maxLeverage, 50);
    assert.equal(tiersForPosition(t, [{ quantity: 15, contractSize: 1 }])[0].maxLeverage, 20);
    assert.equal(tiersForPosition(t, [{ quantity: 1e6, contractSize: 1 }])[0].maxLeverage, 20, 'above the last cap: the last row');
  });
});

describe('Binance COIN-M brackets (binance-coinm.json): an inverse position on the shipped table', () => {
  // Binance COIN-M FAQ liquidation price (VENUES.md 1.1), one-way, isolated, quantities in contracts of CS USD:
  //   LP = (Q x MMR + side x Q) x CS / (WB + cum + side x Q x CS / EP),
  // the bracket being the one the coin notional Q x CS / LP falls in (iterate when it differs from the entry's).
  const theta = async () => (await lab.loadVenue('binance-coinm')).find((t) => t.symbols[0] === 'THETAUSD_PERP');
  const scenarioFor = (table, side) => ({ version: 1, rules: 'binance', walletBalance: 1e6, tiers: { THETAUSD_PERP: table.tiers },
    positions: [{ symbol: 'THETAUSD_PERP', contract: 'inverse', contractSize: table.spec.contractSize, side, quantity: 1000,
      entryPrice: 1, leverage: 10, marginMode: 'isolated' }] });

  test('the table as the source prints it, and as inverse: caps in THETA, 10 USD contracts', async () => {
    const t = await theta();
    assert.equal(t.contract, 'inverse');
    assert.deepEqual(t.spec, { contractSize: 10, tickSize: 0.001, lotSize: 1, minQty: 1 });
    // ccxt issue #9500, THETAUSD_PERP: bracket 2 {"initialLeverage":10,"qtyCap":20000,"qtyFloor":10000,
    // "maintMarginRatio":0.05,"cum":250.0}; bracket 7 {"initialLeverage":1,"qtyCap":9223372036854775807,
    // "qtyFloor":100000,"maintMarginRatio":0.5,"cum":36250.0}.
    assert.deepEqual(t.tiers[1], { notionalCap: 20000, maxLeverage: 10, maintenanceMarginRate: 0.05, maintenanceAmount: 250 });
    assert.deepEqual(t.tiers[6], { notionalCap: 1e15, maxLeverage: 1, maintenanceMarginRate: 0.5, maintenanceAmount: 36250 });
    assert.deepEqual(files.find((f) => f.venue === 'binance-coinm').symbols[0].tiers, coinmTranscribed('THETA'));
  });

  test('long 1,000 contracts at 1.000, 10x isolated: the second bracket at the liquidation price (by hand 0.933333)', async () => {
    // Notional at entry 1,000 x 10 / 1 = 10,000 THETA, margin WB = 10,000 / 10 = 1,000 THETA.
    // Bracket 1 (MMR 2.5%, cum 0): LP = (25 + 1,000) x 10 / (1,000 + 0 + 10,000) = 0.931818; notional there
    // 10,000 / 0.931818 = 10,731.7 THETA > 10,000: bracket 2. Bracket 2 (MMR 5%, cum 250):
    // LP = (50 + 1,000) x 10 / (1,000 + 250 + 10,000) = 10,500 / 11,250 = 0.9333333; notional 10,714.3: bracket 2 holds.
    const r = lab.evaluate(scenarioFor(await theta(), 'long'));
    assert.deepEqual(r.errors, []);
    assert.ok(Math.abs(r.isolated.positions[0].liquidationPrice - 10500 / 11250) < 1e-9, String(r.isolated.positions[0].liquidationPrice));
  });

  test('short 1,000 contracts at 1.000, 10x isolated: the first bracket (by hand 1.083333)', async () => {
    // LP = (1,000 x 0.025 - 1,000) x 10 / (1,000 + 0 - 10,000) = -9,750 / -9,000 = 1.0833333; notional there
    // 10,000 / 1.083333 = 9,230.8 THETA <= 10,000: bracket 1 holds.
    const r = lab.evaluate(scenarioFor(await theta(), 'short'));
    assert.deepEqual(r.errors, []);
    assert.ok(Math.abs(r.isolated.positions[0].liquidationPrice - 9750 / 9000) < 1e-9, String(r.isolated.positions[0].liquidationPrice));
  });

  test('the converter refuses a transcription that breaks Binance\'s rules', () => {
    const good = '1 20 10000 0 0.025 0.0\n2 10 20000 10000 0.05 250.0\n3 5 - 20000 0.1 1250.0';
    assert.equal(parseBrackets(good).length, 3);
    assert.throws(() => parseBrackets(good.replace('250.0', '25.0')), /bracket 2: cum 25, continuity needs 250/);
    assert.throws(() => parseBrackets(good.replace('2 10 20000 10000', '2 10 20000 15000')), /bracket 2: qtyFloor 15000 is not the previous qtyCap/);
    assert.throws(() => parseBrackets(good.replace('0.025', '0.06')), /bracket 1: maintMarginRatio 0.06 not in/);
    assert.throws(() => parseBrackets(good.replace('2 10 20000', '2 10 -')), /only the last bracket has an open cap/);
  });
});
