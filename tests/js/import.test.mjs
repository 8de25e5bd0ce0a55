// SPDX-License-Identifier: MIT
// lab.importPositions: each venue's documented example response (tests/fixtures/import/<venue>/, with
// SOURCES.md naming each file's source and date) becomes a scenario the core accepts, every number
// the venue's as written in the response; hedge mode, builder-deployed markets, pasted tier tables;
// hostile input (size, depth, __proto__, NaN strings, unknown venues and formats) is refused with an
// ImportError at its path; 10,000+ seeded mutations never throw anything else nor yield NaN.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab.js';
import createFullLab from '../../web/dist/marginlab-full.js';
import { importPositions, ImportError, LIMITS, VENUES } from '../../wasm/import.mjs';

const lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab.wasm', import.meta.url)) });
const full = await createFullLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
const text = (f) => readFileSync(new URL(`../fixtures/import/${f}`, import.meta.url), 'utf8');
const json = (f) => JSON.parse(text(f));
const mappedTo = (r, to) => r.mapped.find((m) => m.to === to);

describe('documented example responses import as scenarios the core accepts', () => {
  test('Binance USD-M positionRisk (hedge mode): the LONG leg, the empty SHORT leg ignored', async () => {
    const r = await lab.importPositions('binance', text('binance/positionRisk-v2-hedge.json'));
    // Every number below is the documented response's (developers.binance.com Position Information V2).
    assert.deepEqual(r.scenario.positions, [{ symbol: 'BTCUSDT', contract: 'linear', side: 'long', quantity: 0.001,
      entryPrice: 22185.2, markPrice: 21123.05052574, leverage: 4, marginMode: 'cross' }]);
    assert.equal(r.scenario.rules, 'binance');
    assert.equal(mappedTo(r, 'positions[0].entryPrice').from, '[0].entryPrice');
    assert.ok(r.ignored.some((x) => x.path === '[1]' && /size 0/.test(x.reason)), 'the SHORT leg of size 0');
    assert.deepEqual(r.venueFigures, [{ position: 0, liquidationPrice: 19731.45529116, bankruptcyPrice: null,
      initialMargin: null, maintenanceMargin: null, marginRatio: null }]);
    // A cross account without its wallet: missing, with the stated default 0.
    assert.deepEqual(r.missing.map((m) => [m.path, m.default]), [['walletBalance', 0]]);
    assert.deepEqual(r.errors, []);
  });

  test('Binance hedge mode with both legs open: a long and a short of one symbol both import', async () => {
    const legs = json('binance/positionRisk-v2-hedge.json');
    legs[1] = { ...legs[1], positionAmt: '-0.002', entryPrice: '22000.5' };  // constructed from the documented SHORT row
    const r = await lab.importPositions('binance', { positionRisk: legs, account: json('binance/account-constructed.json') });
    assert.deepEqual(r.scenario.positions.map((p) => [p.symbol, p.side, p.quantity]), [['BTCUSDT', 'long', 0.001], ['BTCUSDT', 'short', 0.002]]);
    assert.equal(mappedTo(r, 'positions[1].side').from, 'positionRisk[1].positionSide');
    assert.equal(r.scenario.walletBalance, 1000);
    assert.equal(mappedTo(r, 'walletBalance').from, 'account.assets[0].walletBalance');
    assert.deepEqual(r.missing, []);
    assert.deepEqual(r.errors, []);
  });

  test('Binance COIN-M positionRisk: an inverse contract, its size from the contract specification', async () => {
    const r = await lab.importPositions('binance', text('binance/dapi-positionRisk.json'));
    const p = r.scenario.positions[0];
    assert.deepEqual([p.symbol, p.contract, p.contractSize, p.side, p.quantity, p.entryPrice], ['BTCUSD_201225', 'inverse', 100, 'long', 1, 11707.70000003]);
    assert.ok(r.missing.some((m) => /contract size/.test(m.path) && m.default === 100));
    assert.equal(r.venueFigures[0].liquidationPrice, 11667.63509587);
    const given = await lab.importPositions('binance', text('binance/dapi-positionRisk.json'), { contractSizes: { BTCUSD_201225: 100 }, walletBalance: 0.01 });
    assert.equal(mappedTo(given, 'positions[0].contractSize').from, 'options.contractSizes.BTCUSD_201225');
    // MarginLab ships no COIN-M table: listed as missing, and the core's error points at the response's field.
    assert.ok(given.missing.some((m) => m.path === 'tiers.BTCUSD_201225' && m.default === null));
    assert.deepEqual(given.errors.map((e) => [e.rule, e.path, e.source]), [['tierMissing', 'positions[0].symbol', '[1].symbol']]);
  });

  test('Binance leverageBracket replaces the tier table of its symbols', async () => {
    const risk = json('binance/positionRisk-v2-hedge.json').map((e) => ({ ...e, symbol: 'ETHUSDT', entryPrice: '1500', markPrice: '1510' }));
    const r = await lab.importPositions('binance', { positionRisk: risk, leverageBracket: json('binance/leverageBracket.json') });
    assert.deepEqual(r.scenario.tiers, { ETHUSDT: [{ notionalCap: 10000, maxLeverage: 75, maintenanceMarginRate: 0.0065, maintenanceAmount: 0 }] });
    assert.equal(mappedTo(r, 'tiers.ETHUSDT[0].maintenanceMarginRate').from, 'leverageBracket[0].brackets[0].maintMarginRatio');
    assert.ok(r.ignored.some((x) => x.path === 'leverageBracket[0].notionalCoef'));
    assert.deepEqual(r.errors, []);
  });

  test('Bybit position list (inverse BTCUSD) with the wallet and the risk limit', async () => {
    const r = await lab.importPositions('bybit', {
      position: json('bybit/position-list-inverse.json'), wallet: json('bybit/wallet-balance.json'), riskLimit: json('bybit/risk-limit-inverse.json'),
    });
    assert.deepEqual(r.scenario.positions, [{ symbol: 'BTCUSD', contract: 'inverse', contractSize: 1, side: 'short', quantity: 300,
      entryPrice: 27464.50441675, markPrice: 28224.5, leverage: 10, marginMode: 'cross' }]);
    assert.equal(r.scenario.walletBalance, 0);
    assert.equal(mappedTo(r, 'walletBalance').from, 'wallet.result.list[0].coin[0].walletBalance');
    // The documented risk limit gives 0.5 and 1 with maxLeverage 100: percent (0.5% = 0.005).
    assert.deepEqual(r.scenario.tiers.BTCUSD, [{ notionalCap: 150, maxLeverage: 100, maintenanceMarginRate: 0.005 }]);
    assert.match(mappedTo(r, 'tiers.BTCUSD[0].maintenanceMarginRate').note, /percent/);
    assert.deepEqual(r.venueFigures[0], { position: 0, liquidationPrice: null, bankruptcyPrice: 999999, initialMargin: 0.00010923,
      maintenanceMargin: 0.0000015, marginRatio: null });
    assert.deepEqual(r.errors, []);
  });

  test('Bybit hedge mode: positionIdx 1 and 2 of one symbol both import', async () => {
    const doc = json('bybit/position-list-inverse.json');
    const row = doc.result.list[0];
    doc.result.list = [{ ...row, positionIdx: 1, side: 'Buy' }, { ...row, positionIdx: 2, side: 'Sell' }];
    const r = await lab.importPositions('bybit', { position: doc, riskLimit: json('bybit/risk-limit-inverse.json') }, { walletBalance: 0.5 });
    assert.deepEqual(r.scenario.positions.map((p) => p.side), ['long', 'short']);
    assert.deepEqual(r.errors, []);
  });

  test('OKX: the documented MARGIN position is not a perpetual: refused with the reason', async () => {
    await assert.rejects(lab.importPositions('okx', text('okx/positions-margin.json')),
      (e) => e.name === 'ImportError' && /MARGIN positions are not imported/.test(e.message));
  });

  test('OKX SWAP position: ctVal from a pasted instruments response, else a stated default', async () => {
    // Without ctVal: MarginLab ships ETH-USDT-SWAP (okx-swap.json, ctVal 0.1 ETH), so its specification stands in.
    const alone = await lab.importPositions('okx', text('okx/signal-positions-swap.json'));
    assert.equal(alone.scenario.positions[0].contractSize, 0.1);
    assert.equal(mappedTo(alone, 'positions[0].contractSize').from, 'shipped contract specification okx-swap ETH-USDT-SWAP');
    assert.ok(!alone.missing.some((m) => /contract value/.test(m.path)));
    // An instrument MarginLab does not ship: the stated default 1, listed as missing.
    const unshipped = await lab.importPositions('okx', text('okx/signal-positions-swap.json').replace('ETH-USDT-SWAP', 'PEPE-USDT-SWAP'));
    assert.ok(unshipped.missing.some((m) => m.path === 'data[0].instId (contract value)' && m.default === 1));
    assert.equal(unshipped.scenario.positions[0].contractSize, 1);
    const r = await lab.importPositions('okx', { positions: json('okx/signal-positions-swap.json'), instruments: json('okx/instruments-constructed.json') }, { walletBalance: 500 });
    assert.deepEqual(r.scenario.positions, [{ symbol: 'ETH-USDT-SWAP', contract: 'linear', contractSize: 0.1, side: 'long', quantity: 15,
      entryPrice: 1597.74, markPrice: 1584.33, leverage: 10, marginMode: 'cross' }]);
    assert.deepEqual(r.venueFigures[0], { position: 0, liquidationPrice: 1438.7380360728976, bankruptcyPrice: null, initialMargin: 23.76495,
      maintenanceMargin: 1.9011959999999997, marginRatio: 11.719278420807477 });
    // The shipped OKX table (okx-swap.json, capUnit contracts) gives the row 15 contracts take: tier 1
    // (<= 5,000 contracts, 100x, MMR 0.4% in OKX's ETH-USDT position tiers).
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.scenario.tiers['ETH-USDT-SWAP'], [{ notionalCap: 1e15, maxLeverage: 100, maintenanceMarginRate: 0.004 }]);
    assert.ok(!r.missing.some((m) => m.path === 'tiers.ETH-USDT-SWAP'));
  });

  test('OKX position-tiers: the documented example (a MARGIN pair\'s tier) is ignored beside a swap position, with the reason', async () => {
    const doc = json('okx/position-tiers.json');
    assert.deepEqual([doc.data[0].instId, doc.data[0].maxSz, doc.data[0].mmr, doc.data[0].maxLever], ['BTC-USDT', '50', '0.03', '10']);
    const r = await lab.importPositions('okx', { positions: json('okx/signal-positions-swap.json'), positionTiers: doc }, { walletBalance: 500 });
    assert.deepEqual(r.ignored.filter((x) => x.path.startsWith('positionTiers')), [
      { path: 'positionTiers.data[0]', reason: 'position tiers of BTC-USDT: no position of this instrument' },
      { path: 'positionTiers.code', reason: 'not used' }, { path: 'positionTiers.msg', reason: 'not used' }]);
    // ETH-USDT-SWAP keeps the shipped table's row.
    assert.match(mappedTo(r, 'tiers.ETH-USDT-SWAP').from, /^shipped table okx-swap/);
    assert.deepEqual(r.errors, []);
    // A BTC-USDT-SWAP position with the BTC-USDT swap family's tiers beside the pair BTC-USDT's: two tables, the pair's ignored.
    const btc = json('okx/signal-positions-swap.json');
    btc.data[0].instId = 'BTC-USDT-SWAP';
    const family = JSON.parse(text('okx/position-tiers-swap-constructed.json').replaceAll('ETH-USDT', 'BTC-USDT'));
    const both = importPositions('okx', { positions: btc, positionTiers: family, margin: doc });
    assert.equal(both.mapped.find((m) => m.to === 'tiers.BTC-USDT-SWAP[0].maintenanceMarginRate').from, 'positionTiers.data[0].mmr');
    assert.ok(both.ignored.some((x) => x.path === 'margin.data[0]' && /BTC-USDT: no position of this instrument$/.test(x.reason)));
    // Alone it imports nothing, and says why.
    await assert.rejects(lab.importPositions('okx', text('okx/position-tiers.json')),
      (e) => e.name === 'ImportError' && /no open position to import in this okx response \(position tiers of BTC-USDT: no position of this instrument\)/.test(e.message));
  });

  test('OKX position-tiers (SWAP, constructed with OKX\'s ETH-USDT rows) replaces the table: the row the size takes; liquidation by hand', async () => {
    // ETH-USDT-SWAP isolated long, 6,000 contracts of 0.1 ETH (600 ETH) at 3,000, 20x, margin 600 x 3,000 / 20 = 90,000 USDT.
    const positions = json('okx/signal-positions-swap.json');
    Object.assign(positions.data[0], { pos: '6000', avgPx: '3000', markPx: '3000', lever: '20', mgnMode: 'isolated', margin: '90000' });
    const tiers = json('okx/position-tiers-swap-constructed.json');
    const r = await lab.importPositions('okx', { positions, instruments: json('okx/instruments-constructed.json'), positionTiers: tiers });
    // OKX's rows (maxSz in contracts): tier 1 <= 5,000 (100x, MMR 0.4%), tier 2 <= 10,000 (66.66x, 0.5%). 5,000 < 6,000 <= 10,000: tier 2.
    assert.deepEqual(r.scenario.tiers, { 'ETH-USDT-SWAP': [{ notionalCap: 1e15, maxLeverage: 66.66, maintenanceMarginRate: 0.005 }] });
    assert.equal(mappedTo(r, 'tiers.ETH-USDT-SWAP[0].maintenanceMarginRate').from, 'positionTiers.data[1].mmr');
    assert.equal(mappedTo(r, 'tiers.ETH-USDT-SWAP[0].maxLeverage').from, 'positionTiers.data[1].maxLever');
    assert.match(mappedTo(r, 'tiers.ETH-USDT-SWAP[0].notionalCap').note, /6000 contracts take tier 2 \(maxSz 10000 contracts\)/);
    assert.ok(!r.mapped.some((m) => /^shipped table/.test(m.from)), 'the pasted table wins over the shipped one');
    assert.deepEqual(r.ignored.filter((x) => /tier \d: not the row/.test(x.reason)).map((x) => x.path),
      ['positionTiers.data[0]', 'positionTiers.data[2]', 'positionTiers.data[3]']);
    assert.ok(r.ignored.some((x) => x.path === 'positionTiers.data[1].imr' && x.reason === 'not used'));
    assert.deepEqual(r.errors, []);
    // By hand, OKX isolated linear (VENUES.md 3.1), taker fee 0.05%: LP = (EP - M/(ctVal x N)) / (1 - MMR - fee)
    // = (3,000 - 90,000/600) / (1 - 0.005 - 0.0005) = 2,850 / 0.9945 = 2,865.7617...
    const report = lab.evaluate({ ...r.scenario, takerFeeRate: 0.0005 });
    assert.deepEqual(report.errors, []);
    assert.ok(Math.abs(report.isolated.positions[0].liquidationPrice - 2850 / 0.9945) < 1e-6, String(report.isolated.positions[0].liquidationPrice));
    // 5,000 contracts are still tier 1 (maxSz inclusive); 10,001 take tier 3 (MMR 0.75%).
    for (const [pos, mmr] of [['5000', 0.004], ['10001', 0.0075]]) {
      positions.data[0].pos = pos;
      const t = await lab.importPositions('okx', { positions, positionTiers: tiers });
      assert.equal(t.scenario.tiers['ETH-USDT-SWAP'][0].maintenanceMarginRate, mmr, pos);
    }
  });

  test('Hyperliquid clearinghouseState: isolated ETH, its maxLeverage wins over the shipped table', async () => {
    const r = await lab.importPositions('hyperliquid', text('hyperliquid/clearinghouseState.json'));
    assert.deepEqual(r.scenario.positions, [{ symbol: 'ETH', contract: 'linear', contractSize: 1, side: 'long', quantity: 0.0335,
      entryPrice: 2986.3, leverage: 20, marginMode: 'isolated', isolatedMargin: 4.967826 }]);
    assert.deepEqual(r.scenario.tiers, { ETH: [{ notionalCap: 1e15, maxLeverage: 50 }] });
    assert.equal(r.scenario.walletBalance, 13104.514502);  // no cross position: the cross account value is the wallet
    assert.equal(r.venueFigures[0].liquidationPrice, 2866.26936529);
    assert.ok(r.missing.some((m) => m.path.endsWith('markPx') && m.default === 2986.3), 'no mark price: the entry stands for it');
    assert.deepEqual(r.errors, []);
  });

  test('Hyperliquid builder-deployed market (dex:COIN) and a cross position', async () => {
    const doc = json('hyperliquid/clearinghouseState.json');
    const q = doc.assetPositions[0].position;
    doc.assetPositions[0].position = { ...q, coin: 'xyz:XYZ100', leverage: { type: 'cross', value: 10 } };  // constructed
    const r = await lab.importPositions('hyperliquid', doc);
    assert.equal(r.scenario.positions[0].symbol, 'xyz:XYZ100');
    assert.match(mappedTo(r, 'positions[0].symbol').note, /builder-deployed/);
    assert.ok(r.missing.some((m) => m.path === 'walletBalance' && /includes it/.test(m.need)));
    assert.deepEqual(r.errors, []);
  });

  test('Deribit get_positions + get_account_summary: a version 3 account the core accepts', async () => {
    const r = await full.importPositions('deribit', { positions: json('deribit/get_positions.json'), summary: json('deribit/get_account_summary.json') });
    const a = r.scenario;
    assert.equal(a.version, 3);
    assert.equal(a.margin, 'deribitStandard');
    assert.deepEqual(a.collateral, [{ asset: 'BTC', balance: 302.60065765, price: 7466.79 }]);
    assert.deepEqual(a.futures, [{ underlying: 'BTC', settlementAsset: 'BTC', symbol: 'BTC-PERPETUAL', contract: 'inverse', contractSize: 1,
      side: 'long', quantity: 50, entryPrice: 7440.18 }]);
    assert.deepEqual(r.venueFigures[0], { position: 0, liquidationPrice: 1.74, bankruptcyPrice: null, initialMargin: 0.000197283,
      maintenanceMargin: 0.000143783, marginRatio: null });
    assert.deepEqual(r.errors, []);
  });

  test('dYdX: the documented schema placeholder is refused at its first field; a subaccount imports', async () => {
    await assert.rejects(lab.importPositions('dydx', text('dydx/subaccount-documented-schema.json')),
      (e) => e.name === 'ImportError' && e.path === 'openPerpetualPositions.property1.size' && /"string" is not a number/.test(e.message));
    const r = await lab.importPositions('dydx', text('dydx/subaccount-constructed.json'));
    assert.deepEqual(r.scenario.positions.map((p) => [p.symbol, p.side, p.quantity, p.entryPrice]), [['BTC-USD', 'long', 0.5, 60000], ['ETH-USD', 'short', 4, 3000]]);
    assert.equal(r.scenario.rules, 'dydx');
    assert.deepEqual(r.errors, []);
  });

  test('dYdX: the documented v4_subaccounts initial message (numbers, no perpetual position) is read and refused as empty', async () => {
    // dydxprotocol/v4-chain websocket-documentation.md: a subaccount of 100,000,000,000 USDC, openPerpetualPositions {}.
    const doc = json('dydx/ws-subaccounts-subscribed.json');
    assert.equal(doc.contents.subaccount.equity, '100000000000.000000');
    await assert.rejects(lab.importPositions('dydx', text('dydx/ws-subaccounts-subscribed.json')),
      (e) => e.name === 'ImportError' && /no open position to import in this dydx response/.test(e.message));
    // Recognised as a subaccount, not refused as an unknown shape: without its subaccount the same message is not one.
    const { subaccount, ...rest } = doc.contents;
    await assert.rejects(lab.importPositions('dydx', { ...doc, contents: rest }),
      (e) => e.name === 'ImportError' && /not a response this importer reads/.test(e.message));
  });

  test('BitMEX (constructed from the documented fields): XBt amounts in XBT, an inverse isolated short', async () => {
    const r = await lab.importPositions('bitmex', { position: json('bitmex/position-constructed.json'), margin: json('bitmex/margin-constructed.json') });
    assert.deepEqual(r.scenario.positions, [{ symbol: 'XBTUSD', contract: 'inverse', contractSize: 1, side: 'short', quantity: 1000,
      entryPrice: 60000, markPrice: 61000, leverage: 10, marginMode: 'isolated', isolatedMargin: 0.0017 }]);
    assert.equal(r.scenario.walletBalance, 0.05);
    assert.match(mappedTo(r, 'walletBalance').note, /XBt -> XBT/);
    assert.deepEqual(r.errors, []);
  });

  test('a core error comes back with the response path of its field', async () => {
    const doc = json('bybit/position-list-inverse.json');
    doc.result.list[0].leverage = '500';
    const r = await lab.importPositions('bybit', { position: doc, riskLimit: json('bybit/risk-limit-inverse.json') }, { walletBalance: 1 });
    const e = r.errors.find((x) => x.path === 'positions[0].leverage');
    assert.ok(e, JSON.stringify(r.errors));
    assert.equal(e.source, 'position.result.list[0].leverage');
  });
});

describe('hostile input: an ImportError at its path, the scenario never polluted', () => {
  const rejects = (venue, input, pattern, path) => assert.throws(() => importPositions(venue, input),
    (e) => e instanceof ImportError && pattern.test(e.message) && (path === undefined || e.path === path));

  test('size, depth and value limits', () => {
    rejects('binance', ' '.repeat(LIMITS.maxChars + 1), /at most 2097152 \(2 MiB\)/, '');
    rejects('binance', '['.repeat(5000) + ']'.repeat(5000), /nested deeper than 32/);
    rejects('binance', JSON.stringify(new Array(LIMITS.maxValues + 1).fill(0)), /more than 200000 values/);
    rejects('binance', '{"a":', /not JSON/, '');
  });

  test('unknown venue, wrong venue and unknown formats name what was expected', () => {
    rejects('kraken', '[]', /unknown venue "kraken"; expected one of binance, bybit, okx, hyperliquid, bitmex, deribit, dydx/, 'venue');
    rejects('bybit', text('binance/positionRisk-v2-hedge.json'), /expected the body of GET \/v5\/position\/list/, '');
    rejects('binance', '{"hello":"world"}', /expected GET \/fapi\/v2 or v3\/positionRisk/, '');
  });

  test('numbers as the venues send them; NaN, Infinity, 1e400 and hex refused at their path', () => {
    for (const bad of ['NaN', 'Infinity', '1e400', '0x10', '1,5', '--1', ' ', '1e16']) {
      const doc = json('binance/positionRisk-v2-hedge.json');
      doc[0].entryPrice = bad;
      rejects('binance', doc, /entryPrice/, '[0].entryPrice');
    }
    const doc = json('binance/positionRisk-v2-hedge.json');
    doc[0].entryPrice = 22185.2;  // a JSON number reads as the string did
    assert.equal(importPositions('binance', doc).scenario.positions[0].entryPrice, 22185.2);
  });

  test('OKX position tiers: a row naming no instrument, or with a bad number, is refused at its path', () => {
    const positions = json('okx/signal-positions-swap.json');
    const tiers = json('okx/position-tiers-swap-constructed.json');
    tiers.data[2].instFamily = '';
    tiers.data[2].uly = '';
    rejects('okx', { positions, positionTiers: tiers }, /missing: the instrument family/, 'positionTiers.data[2].instFamily');
    for (const [key, bad] of [['maxSz', 'NaN'], ['mmr', '-0.1'], ['maxLever', '1e400']]) {
      const t = json('okx/position-tiers-swap-constructed.json');
      t.data[1][key] = bad;
      rejects('okx', { positions, positionTiers: t }, new RegExp(key), `positionTiers.data[1].${key}`);
    }
  });

  test('__proto__, constructor and prototype keys are dropped, listed, and pollute nothing', () => {
    const hostile = `{"__proto__": {"polluted": "yes"}, "positionRisk": ${text('binance/positionRisk-v2-hedge.json').replace('"symbol": "BTCUSDT"', '"symbol": "BTCUSDT", "__proto__": {"isAdmin": true}, "constructor": {"prototype": {"polluted": 1}}')}}`;
    const r = importPositions('binance', hostile);
    assert.equal({}.polluted, undefined);
    assert.equal(Object.prototype.isAdmin, undefined);
    assert.equal(r.scenario.positions[0].isAdmin, undefined);
    assert.equal(Object.getPrototypeOf(r.scenario), Object.prototype);
    assert.deepEqual(r.ignored.filter((x) => /prototype/.test(x.reason)).map((x) => x.path).sort(), ['__proto__', 'positionRisk[0].__proto__', 'positionRisk[0].constructor']);
    rejects('binance', JSON.parse(text('binance/positionRisk-v2-hedge.json').replace('"BTCUSDT"', '"__proto__"')), /not a name/, '[0].symbol');
  });
});

// ---- the seeded fuzz ----------------------------------------------------------------------------

// A fixture is a file, or an object of several responses by endpoint ({ positions: file, positionTiers: file }).
const FIXTURES = [['binance', 'binance/positionRisk-v2-hedge.json'], ['binance', 'binance/dapi-positionRisk.json'],
  ['bybit', 'bybit/position-list-inverse.json'], ['okx', 'okx/signal-positions-swap.json'], ['hyperliquid', 'hyperliquid/clearinghouseState.json'],
  ['deribit', 'deribit/get_positions.json'], ['dydx', 'dydx/subaccount-constructed.json'], ['bitmex', 'bitmex/position-constructed.json'],
  ['okx', { positions: 'okx/signal-positions-swap.json', positionTiers: 'okx/position-tiers-swap-constructed.json', margin: 'okx/position-tiers.json' }]];
const load = (f) => (typeof f === 'string' ? json(f) : Object.fromEntries(Object.entries(f).map(([k, file]) => [k, json(file)])));
const NASTY = ['', 'NaN', '-1', '0', '1e308', '1e-320', '-0', 'Infinity', null, true, [], {}, '__proto__', 'x'.repeat(100), -5, 1e300, 5e-324, '1e15', '１２'];

function finiteEverywhere(x, path = 'scenario') {
  if (typeof x === 'number') assert.ok(Number.isFinite(x), `${path} is ${x}`);
  else if (Array.isArray(x)) x.forEach((e, i) => finiteEverywhere(e, `${path}[${i}]`));
  else if (x && typeof x === 'object') Object.keys(x).forEach((k) => finiteEverywhere(x[k], `${path}.${k}`));
}

function mutate(doc, random) {
  const paths = [];
  const walk = (x, at) => {
    if (x && typeof x === 'object') for (const k of Object.keys(x)) { paths.push([x, k]); walk(x[k], at); }
  };
  walk(doc);
  for (let n = 1 + Math.floor(random() * 3); n > 0 && paths.length; n--) {
    const [parent, key] = paths[Math.floor(random() * paths.length)];
    const r = random();
    if (r < 0.6) parent[key] = NASTY[Math.floor(random() * NASTY.length)];
    else if (r < 0.8) delete parent[key];
    else parent[key] = JSON.parse(JSON.stringify(doc));  // nesting
  }
  return doc;
}

describe('seeded fuzz: only ImportError, never NaN', () => {
  test('12,000 mutated documented responses and 4,000 random JSON values', () => {
    let seed = 17;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    let imported = 0;
    let checked = 0;
    for (let i = 0; i < 12000; i++) {
      const [venue, file] = FIXTURES[i % FIXTURES.length];
      const doc = mutate(load(file), random);
      const asText = random() < 0.5;
      const wrong = random() < 0.05 ? VENUES[Math.floor(random() * VENUES.length)] : venue;
      try {
        const r = importPositions(wrong, asText ? JSON.stringify(doc) : doc);
        finiteEverywhere(r.scenario);
        finiteEverywhere(r.venueFigures, 'venueFigures');
        imported++;
        if (i % 20 === 0 && r.scenario.version === 1) {
          assert.ok(Array.isArray(lab.evaluate(r.scenario).errors));
          checked++;
        }
      } catch (e) {
        assert.ok(e instanceof ImportError, `mutation ${i} (${venue}) threw ${e && e.name}: ${e && e.message}`);
        assert.ok(e.message.length < 600);
      }
    }
    for (let i = 0; i < 4000; i++) {
      const value = randomJson(random, 0);
      try {
        const r = importPositions(VENUES[i % VENUES.length], random() < 0.5 ? JSON.stringify(value) : value);
        finiteEverywhere(r.scenario);
      } catch (e) {
        assert.ok(e instanceof ImportError, `random ${i} threw ${e && e.name}: ${e && e.message}`);
      }
    }
    assert.ok(imported > 1000, `${imported} mutated responses still imported`);
    assert.ok(checked > 50, `${checked} evaluated`);
  });
});

function randomJson(random, depth) {
  const r = random();
  if (depth > 4 || r < 0.3) return NASTY[Math.floor(random() * NASTY.length)];
  if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
  const keys = ['positionAmt', 'entryPrice', 'symbol', 'result', 'list', 'data', 'assetPositions', 'position', 'szi', 'coin',
    'marginSummary', 'openPerpetualPositions', 'currentQty', 'instrument_name', 'direction', 'size', 'maxSz', 'mmr', 'maxLever', 'instFamily', '__proto__'];
  const o = {};
  for (let n = Math.floor(random() * 5); n > 0; n--) Object.defineProperty(o, keys[Math.floor(random() * keys.length)], { value: randomJson(random, depth + 1), enumerable: true, configurable: true, writable: true });
  return o;
}
