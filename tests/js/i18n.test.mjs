// SPDX-License-Identifier: MIT
// The page's languages (web/src/i18n/): every catalogue has exactly the English keys with the same
// placeholders; every input error the core can give (every rule of
// core/include/marginlab/messages.h, read from the header here) has an entry;
// errors the core returns are said in the language with the locale's numbers; and each lesson in
// each language quotes the core's numbers, formatted by Intl in that locale.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import createMarginLab from '../../web/dist/marginlab-full.js';
import en from '../../web/src/i18n/en.js';
import { translator, placeholders, fill } from '../../web/src/i18n/translate.js';
import { LANGUAGES, supported, chooseLanguage, useCatalogue } from '../../web/src/i18n.js';
import * as fmt from '../../web/src/format.js';
import { phrase } from '../../web/src/messages.js';
import { stepText } from '../../web/src/form.js';
import { lessonContext, renderPieces, localizeLesson, lessonTexts, valueAt } from '../../web/src/lessons.js';

const OTHERS = LANGUAGES.filter((l) => l !== 'en');
const catalogues = Object.fromEntries(await Promise.all(OTHERS.map(async (l) => [l, (await import(`../../web/src/i18n/${l}.js`)).default])));
const header = readFileSync(new URL('../../core/include/marginlab/messages.h', import.meta.url), 'utf8');
/** Every row of messages.h: the calculator's, the risk lab's, the options account's, the accounts' and the JS boundary's rules. */
const RULES = [...header.matchAll(/inline constexpr Message \w+\{"(\w+)", ErrorCode::\w+, "((?:[^"\\]|\\.)*)"\}/g)]
  .map(([, rule, text]) => ({ rule, params: new Set(placeholders(text)) }));
/** The rows kAll lists (every row a lookup can find), read apart from the rows themselves. */
const LISTED = [...header.slice(header.indexOf('kAll[]')).matchAll(/&(\w+),/g)].length;

let lab;
before(async () => {
  lab = await createMarginLab({ wasmBinary: readFileSync(new URL('../../web/dist/marginlab-full.wasm', import.meta.url)) });
});
after(() => {
  fmt.setLocale('en');
  useCatalogue(null);
});

test('every catalogue has exactly the English keys, each with the same placeholders', () => {
  assert.ok(Object.keys(en).length > 150, `${Object.keys(en).length} keys`);
  for (const [lang, c] of Object.entries(catalogues)) {
    assert.deepEqual(Object.keys(c).filter((k) => !(k in en)), [], `${lang}: keys English does not have`);
    assert.deepEqual(Object.keys(en).filter((k) => !(k in c)), [], `${lang}: keys missing`);
    for (const k of Object.keys(en)) {
      assert.deepEqual(placeholders(c[k]), placeholders(en[k]), `${lang} ${k}: placeholders`);
      assert.ok(c[k].trim().length > 0, `${lang} ${k}: empty`);
    }
    // Translated, not copied: only names, symbols and loanwords the venues use (tr "Long", "Stop") read as in English.
    const same = Object.keys(en).filter((k) => c[k] === en[k]);
    assert.ok(same.length <= Object.keys(en).length / 20, `${lang}: ${same.length} entries are the English text: ${same.join(', ')}`);
  }
});

test('no catalogue defines a key twice (an object literal keeps the last; esbuild only warns)', () => {
  for (const lang of ['en', ...OTHERS]) {
    const source = readFileSync(new URL(`../../web/src/i18n/${lang}.js`, import.meta.url), 'utf8');
    const keys = [...source.matchAll(/^\s*'((?:[^'\\]|\\.)+)':/gm)].map((m) => m[1]);
    assert.ok(keys.length >= Object.keys(en).length, `${lang}: ${keys.length} keys read`);
    assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], `${lang}: keys defined twice`);
  }
});

test('every input error in messages.h has an entry, with params the core gives', () => {
  assert.ok(RULES.length >= 166, `${RULES.length} rules read from messages.h`);
  assert.equal(RULES.length, LISTED, 'every row of kAll read from messages.h');
  for (const { rule, params } of RULES) {
    const entry = en[`error.${rule}`];
    assert.ok(entry, `error.${rule} in en.js`);
    for (const name of placeholders(entry)) {
      if (name === 'field') assert.ok(params.has('path'), `error.${rule}: {field} names the path, which this rule has`);
      else assert.ok(params.has(name), `error.${rule}: {${name}} is a param of the row in messages.h`);
    }
  }
  const rules = new Set(RULES.map((r) => r.rule));
  assert.deepEqual(Object.keys(en).filter((k) => k.startsWith('error.') && !rules.has(k.slice(6))), [], 'no entry for a rule messages.h does not have');
});

/**
 * Scenarios that between them take every branch of evaluate's explanation (core/src/explain_evaluate.cpp):
 * each rule set with fees, given and initial isolated margins, cross and isolated, inverse, positions
 * past liquidation, one mode or neither liquidating, a pool past bankruptcy.
 */
function explainedScenarios() {
  const rows = [{ notionalCap: 50000, maxLeverage: 100, maintenanceMarginRate: 0.005, maintenanceAmount: 0 },
    { notionalCap: 1e9, maxLeverage: 50, maintenanceMarginRate: 0.01, maintenanceAmount: 250 }];
  const tiers = { BTCUSDT: rows, ETHUSDT: rows, BTCUSD: rows };
  const pos = (o) => ({ symbol: 'BTCUSDT', contract: 'linear', contractSize: 1, side: 'long', quantity: 1, entryPrice: 60000, leverage: 10, ...o });
  const eth = (o) => pos({ symbol: 'ETHUSDT', entryPrice: 3000, ...o });
  const out = [];
  for (const rules of ['binance', 'bybit', 'bybit-uta', 'okx', 'hyperliquid', 'bitmex', 'dydx', 'simple']) {
    const s = (walletBalance, positions, more = {}) => out.push({ version: 1, rules, walletBalance, takerFeeRate: 0.0005, tiers, positions, ...more });
    s(10000, [pos({}), eth({ side: 'short', quantity: 2 })]);
    s(10000, [pos({ isolatedMargin: 9000, leverage: 1 })]);
    s(100, [pos({ markPrice: 40000 }), eth({ marginMode: 'cross', markPrice: 1000 })]);
    s(100000, [pos({ side: 'short', leverage: 1 })], { takerFeeRate: undefined });
    s(100000, [pos({ leverage: 1, quantity: 0.1 }), eth({ marginMode: 'isolated' })]);
    s(100, [pos({ side: 'short', quantity: 0.001 }), eth({ markPrice: 1000 })]);
    s(10000, [pos({ leverage: 1, markPrice: 61000 }), eth({ side: 'short', quantity: 4, markPrice: 2950 })]);
    if (rules !== 'hyperliquid' && rules !== 'dydx') s(1, [pos({ symbol: 'BTCUSD', contract: 'inverse', contractSize: 100, quantity: 10 })]);
  }
  return out;
}

/**
 * Explained answers of every risk-lab tool and of the options account, over requests that take
 * their branches: adding, reducing and flipping; a target by ROE and by PnL; an order on either side
 * of a position held; a stop before and beyond liquidation; the cascade along a path; funding; the
 * odds with and without funding; the value at risk; a TWAP unwind on the depth model and a venue's
 * partial liquidation through a given book; the ADL queue; both size curves; an options account
 * (inverse, two short options and a future) and its portfolio margin; a venue's tick and lots.
 */
function toolAnswers(full) {
  const s = () => structuredClone(full.defaultScenario);
  const E = { explain: true };
  const hyperliquid = { version: 1, rules: 'hyperliquid', walletBalance: 100000,
    positions: [{ symbol: 'BTC', contract: 'linear', side: 'long', quantity: 10, entryPrice: 100000, leverage: 20, marginMode: 'isolated' }] };
  const bitmex = { version: 1, rules: 'bitmex', walletBalance: 10000, takerFeeRate: 0,
    tiers: { EXAMPLE: [{ notionalCap: 1e12, maxLeverage: 100, maintenanceMarginRate: 0.005 }] },
    positions: [{ symbol: 'EXAMPLE', contract: 'linear', side: 'long', quantity: 10, entryPrice: 100, markPrice: 100.5, leverage: 100 }] };
  const curve = (o) => ({ curve: 'orderly', side: 'long', quantity: 1, entryPrice: 60000, markPrice: 60000, collateral: 6000, baseImr: 0.01, baseMmr: 0.006, factor: 0.000000375, ...o });
  return [
    ...[0.5, -0.8, -0.2].map((quantityDelta) => lab.adjust(s(), { position: 0, price: 61000, quantityDelta }, E)),
    lab.targetPrice(s(), { position: 0, kind: 'roe', target: 0.5 }, E), lab.targetPrice(s(), { position: 0, kind: 'pnl', target: 100 }, E),
    ...['long', 'short'].map((side) => lab.maxOpen(s(), { symbol: 'BTCUSDT', side, price: 61000, leverage: 10 }, E)),
    lab.sizeFromStop(s(), { symbol: 'BTCUSDT', side: 'long', entryPrice: 61000, stopPrice: 59000, riskFraction: 0.01, leverage: 10 }, E),
    lab.sizeFromStop(s(), { symbol: 'BTCUSDT', side: 'long', entryPrice: 61000, stopPrice: 30000, riskFraction: 0.01, leverage: 50 }, E),
    lab.marginToTarget(s(), { position: 0, targetLiquidationPrice: 50000 }, E),
    lab.cascade(s(), { path: { move: -0.4, steps: 40 } }, E),
    lab.funding(s(), { position: 0, rate: 0.0001, intervals: 90 }, E),
    lab.odds(s(), { position: 0, volatility: 0.6, years: 30 / 365 }, E), lab.odds(s(), { position: 0, volatility: 0.6, days: 30, fundingRate: 0.0001 }, E),
    lab.valueAtRisk(s(), { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, correlation: [[1, 0.8], [0.8, 1]], years: 30 / 365, steps: 30, paths: 2000, seed: 7 }, E),
    lab.unwind(s(), { position: 0, style: 'twap', depthPerPercent: 0.5, slices: 5, replenishFraction: 0.5, insuranceFund: 100 }, E),
    lab.unwind(hyperliquid, { position: 0, book: [{ price: 96200, size: 1 }, { price: 96000, size: 100 }], partial: 'venue' }, E),
    lab.adlRank(bitmex, { position: 0, pnlQuantiles: [-0.5, 0.5], leverageQuantiles: [10, 10] }, E),
    lab.sizeCurve(curve({}), E), lab.sizeCurve(curve({ curve: 'drift', side: 'short' }), E),
    lab.evaluateOptions(structuredClone(full.defaultOptionsScenario), { days: 7 }, E),
    lab.portfolioMargin(structuredClone(full.defaultOptionsScenario), {}, E),
    lab.tickPrice({ rules: 'binance', side: 'long', price: 57228.91, tickSize: 0.1 }, E),
    lab.wholeLots({ contract: 'linear', quantity: 0.5005, lotSize: 0.001, contractSize: 1, baseAsset: 'BTC' }, E),
    ...moreToolAnswers(full),
  ];
}

/**
 * The tools of marginlab-full beyond the risk lab's first ones, over requests that take their branches:
 * Monte Carlo with jumps (an isolated and a cross account); the tier step-down of an unwind (from the
 * lowest tier, one tier and two tiers down, the fund running out); OKX's assumed ADL ranking; dYdX's
 * size curve; reconciling a venue's figure (BY-1, tests/js/reconcile.test.mjs); the venues' portfolio
 * margins (short puts; a calendar with SPAN); the boundary of two prices; an account under every
 * venue pack, with its liquidation prices and one-factor move.
 */
function moreToolAnswers(full) {
  const s = () => structuredClone(full.defaultScenario);
  const E = { explain: true };
  const big = s();
  big.positions[0].quantity = 20;
  const unwind = (scenario, depthPerPercent, stepDown) => lab.unwind(scenario, { position: 0, style: 'market', depthPerPercent, partial: 'venue', stepDown }, E);
  const okx = { version: 1, rules: 'okx', walletBalance: 10000, takerFeeRate: 0,
    tiers: { EXAMPLE: [{ notionalCap: 1e12, maxLeverage: 100, maintenanceMarginRate: 0.005 }] },
    positions: [{ symbol: 'EXAMPLE', contract: 'linear', side: 'long', quantity: 10, entryPrice: 100, markPrice: 100.5, leverage: 100 }] };
  const by1 = { version: 1, rules: 'binance', walletBalance: 100000, tiers: { BTCUSDT: [{ notionalCap: 1e12, maxLeverage: 125, maintenanceMarginRate: 0.005 }] },
    positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: 1, entryPrice: 20000, leverage: 50 }] };
  const puts = { version: 3, margin: 'deribitStandard', collateral: [{ asset: 'BTC', balance: 5, price: 100000 }], underlyings: [{ name: 'BTC', price: 100000 }],
    options: [{ underlying: 'BTC', settlementAsset: 'BTC', contract: 'inverse', type: 'put', strike: 70000, expiryYears: 30 / 365, side: 'short', quantity: 10, premium: 0.001, volatility: 0.6 }] };
  const calendar = { version: 3, margin: 'deribitStandard', valuationDate: '2024-06-17', collateral: [{ asset: 'USD', balance: 1e6, price: 1 }],
    underlyings: [{ name: 'BTC', price: 100000 }],
    futures: [{ underlying: 'BTC', settlementAsset: 'USD', symbol: 'BTC-28JUN24', side: 'long', quantity: 100, entryPrice: 100000, markPrice: 100000 },
      { underlying: 'BTC', settlementAsset: 'USD', symbol: 'BTC-27SEP24', side: 'short', quantity: 100, entryPrice: 101000, markPrice: 101000 }] };
  // SPAN's spreads: the calendar, a BTC perpetual (net delta +1) and 30 ETH short
  const spanPair = { ...calendar, underlyings: [...calendar.underlyings, { name: 'ETH', price: 3000 }],
    futures: [...calendar.futures, { underlying: 'BTC', settlementAsset: 'USD', symbol: 'BTCPERP', side: 'long', quantity: 1, entryPrice: 100000 },
      { underlying: 'ETH', settlementAsset: 'USD', symbol: 'ETHPERP', side: 'short', quantity: 30, entryPrice: 3000 }] };
  const flat = [{ notionalCap: 1e12, maxLeverage: 100, maintenanceMarginRate: 0.01, maintenanceAmount: 0 }];
  const perps = { rules: 'binance', collateral: [{ asset: 'USDT', balance: 20000, price: 1 }], underlyings: [{ name: 'ETH', price: 3000 }, { name: 'BTC', price: 60000 }],
    futures: [{ underlying: 'ETH', settlementAsset: 'USDT', symbol: 'ETHUSDT', side: 'long', quantity: 10, entryPrice: 3000, leverage: 50 },
      { underlying: 'BTC', settlementAsset: 'USDT', symbol: 'BTCUSDT', side: 'long', quantity: 1, entryPrice: 60000, leverage: 50 }],
    tiers: { ETHUSDT: flat, BTCUSDT: flat } };
  const long = (venue) => ({ rules: 'binance', venue, collateral: [{ asset: 'USDT', balance: 50000, price: 1, beta: 0 }], underlyings: [{ name: 'BTC', price: 100000 }],
    futures: [{ underlying: 'BTC', settlementAsset: 'USDT', symbol: 'BTCUSDT', side: 'long', quantity: 12.5, entryPrice: 100000, leverage: 100 }], tiers: { BTCUSDT: flat } });
  return [
    lab.monteCarlo(s(), { volatility: { BTCUSDT: 0.6, ETHUSDT: 0.7 }, days: 30, steps: 30, paths: 200, seed: 3,
      jumps: { intensity: 4, meanLog: -0.05, stdevLog: 0.1 } }, { end: 200, explain: true }),
    unwind(s(), 1, 'lowerTierAssumed'), unwind(big, 1, 'lowerTierAssumed'), unwind(big, 100, 'twoTiersAssumed'),
    lab.adlRank(okx, { position: 0, pnlQuantiles: [-0.5, 0.5], leverageQuantiles: [10, 10], okxRanking: 'pnlTimesLeverageAssumed' }, E),
    lab.sizeCurve({ curve: 'dydx', side: 'long', quantity: 1, entryPrice: 60000, markPrice: 60000, collateral: 6000, baseImr: 0.01, baseMmr: 0.006, factor: 0.000000375,
      openInterestNotional: 5e6, openInterestLowerCap: 1e6, openInterestUpperCap: 1e7 }, E),
    lab.reconcile(by1, [{ position: 0, liquidationPrice: 19700, tick: 0.5 }], E),
    lab.marginByVenue(puts, { asOf: '2025-06-01' }, E), lab.marginByVenue(calendar, { span: [{ underlying: 'BTC', priceScanRange: 0.1 }] }, E),
    lab.marginByVenue(calendar, { venue: 'okx', okxMr7Rate: 0.0005 }, E),
    lab.marginByVenue(spanPair, { venue: 'span', span: [{ underlying: 'BTC', priceScanRange: 0.1, tiers: [{ maxYears: 0.1 }, { maxYears: 0.5 }],
      intraSpreads: [{ tierA: 0, tierB: 1, charge: 10 }] }, { underlying: 'ETH', priceScanRange: 0.1 }],
    spanInter: [{ first: 'BTC', second: 'ETH', secondDelta: 30, creditRate: 0.5 }] }, E),
    lab.venueReverse(calendar, { venue: 'span', span: [{ underlying: 'BTC', priceScanRange: 0.1 }],
      newLeg: { future: { ...calendar.futures[1], quantity: 1 } } }, E),
    lab.pmParameterDiff('okx', '2024-12-31', '2025-01-10', E),
    lab.accountBoundary(perps, { x: { asset: 'ETH', from: -0.9, to: 0.3 }, y: { asset: 'BTC', from: -0.6, to: 0.3 }, n: 25 }, E),
    ...lab.accountVenues().map((venue) => lab.evaluateAccount(long(venue), undefined, E)),
  ];
}

test('every step evaluate, the risk-lab tools and the options account explain has an entry; every step entry is a step the core gives', async () => {
  const steps = new Map();
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (typeof x.code === 'string' && typeof x.formula === 'string') steps.set(x.code, x);
      Object.values(x).forEach(walk);
    }
  };
  for (const s of explainedScenarios()) {
    const r = lab.evaluate(s, { explain: true });
    assert.deepEqual(r.errors, [], `${s.rules}: the core accepts the scenario`);
    walk(r);
  }
  const evaluated = steps.size;
  for (const [i, a] of toolAnswers(await import('../../web/dist/marginlab-full.js')).entries()) {
    assert.deepEqual(a.errors, [], `tool answer ${i}: the core accepts the request`);
    // Steps at the top, or per position (reconcile's).
    assert.ok([a.steps, ...(a.positions ?? []).map((p) => p.steps)].some((x) => Array.isArray(x) && x.length > 0), `tool answer ${i} has steps`);
    walk(a);
  }
  assert.ok(evaluated >= 45, `${evaluated} step codes of evaluate`);
  assert.ok(steps.size - evaluated >= 140, `${steps.size - evaluated} step codes of the tools and the options account`);
  const verdicts = new Set();
  for (const [code, step] of steps) {
    const entry = en[`step.${code}`];
    assert.ok(entry, `step.${code} in en.js (the core's label: "${step.label}")`);
    const names = new Set(Object.keys(step.params).map((n) => n.replace(/\[0\]$/, '')));
    for (const name of placeholders(entry)) assert.ok(names.has(name), `step.${code}: {${name}} is a param of the step`);
    if (step.params.verdict) verdicts.add(step.params.verdict);
  }
  const keys = Object.keys(en).filter((k) => k.startsWith('step.') && !k.startsWith('step.verdict.'));
  assert.deepEqual(keys.filter((k) => !steps.has(k.slice(5))), [], 'entries for steps the scenarios and requests never gave');
  assert.deepEqual([...verdicts].filter((v) => !en[`step.verdict.${v}`]), [], 'every tier verdict has an entry');

  const mm = steps.get('maintenanceMargin.atMark');
  try {
    useCatalogue(translator(catalogues.ja).t);
    assert.equal(stepText({ ...mm, params: { ...mm.params, tier: 2 } }), 'マーク価格での維持証拠金、ティア2');
    const tier = steps.get('liquidationPrice.tier');
    assert.match(stepText(tier), /^純資産＝維持証拠金となる強制決済価格、ティア\d+：/);
  } finally {
    useCatalogue(null);
  }
  assert.equal(stepText(mm), mm.label, 'English: the core\'s label');
});

test('the language: ?lang= first, then the browser, then English', () => {
  assert.equal(chooseLanguage('?lang=ja', ['ru-RU']), 'ja');
  assert.equal(chooseLanguage('?lang=zh-Hans-CN', []), 'zh-CN');
  assert.equal(chooseLanguage('?lang=zh-TW', ['es']), 'en', 'an asked language without a catalogue is English, not the browser\'s');
  assert.equal(chooseLanguage('', ['de-DE', 'es-MX', 'ja']), 'es');
  assert.equal(chooseLanguage('', ['de-DE']), 'en');
  assert.equal(chooseLanguage('?lang=%3Cscript%3E', ['ko-KR']), 'en');
  assert.equal(supported('TR'), 'tr');
  assert.equal(supported('x'.repeat(100)), null);
  assert.equal(chooseLanguage('?lang=' + 'ja'.repeat(5000), ['ru']), 'en');
});

test('the page translator: exact texts, texts with parts, parts that are entries themselves', () => {
  const { text, t } = translator(catalogues.ja);
  assert.equal(text('Liquidation price'), '強制決済価格');
  assert.equal(text('  Initial margin (USDT) '), '  当初証拠金（USDT） ', 'the spaces around a text stay');
  assert.equal(text('Tiers for BTCUSDT (edited)'), 'BTCUSDTのティア（編集済み）');
  assert.equal(text('BTCUSDT short: neither mode liquidates this position.'), 'BTCUSDT ショート：どちらのモードでもこのポジションは強制決済されません。');
  assert.equal(text('Something the catalogue does not have'), null);
  // A page text longer than any entry with its parts is not looked up (it bounds the patterns' backtracking).
  assert.equal(text('BTCUSDT short: neither mode liquidates this position.'.padStart(401, 'x')), null);
  assert.equal(t('page.tierRate', { tier: 2, rate: '0.65%' }), 'ティア2、0.65%');
  assert.equal(t('no.such.key'), null);
  assert.equal(fill('{a} and {b}', { a: 1 }), '1 and {b}');
});

test('the options account, the import panel, the venues\' notes and the cascade as the page writes them, in the language', () => {
  const ja = translator(catalogues.ja).text, ko = translator(catalogues.ko).text, es = translator(catalogues.es).text;
  assert.equal(ja('BTC-27MAR26-60000-C: short 1 call 60,000.00'), 'BTC-27MAR26-60000-C：ショート 1 コール 60,000.00');
  assert.equal(ja('The account (cross) in 7 days liquidates 38,595.26以下と123,818.91以上.'), '口座（クロス）は7日後、38,595.26以下と123,818.91以上で強制決済されます。');
  assert.equal(es('Quantity (coins), row 2'), 'Cantidad (monedas), fila 2');
  // The risk lab's liquidation select says the style; the cascade's line says it at length (keys of their own).
  assert.equal(es('Tier by tier'), 'Nivel a nivel');
  assert.equal(ja('Whole account'), 'アカウント全体');
  assert.equal(es('Whole account (as requested): every position is closed at the mark as soon as equity <= maintenance'),
    'Cuenta entera (según lo indicado): todas las posiciones se cierran a la marca en cuanto el patrimonio <= mantenimiento');
  assert.equal(ko('Read 3 positions.'), '포지션 3개를 읽었습니다.');
  assert.equal(es('57,228.9 at the venue (tick 0.1, nearest)'), '57,228.9 en la plataforma (tick 0.1, al más cercano)');
  assert.equal(ja('BTCUSDT: MarginLab textbook profile: 0.5% maintenance, up to 125x (2026-11)'), 'BTCUSDT：MarginLabの教科書プロファイル：維持率0.5%、最大125倍（2026-11）');
  assert.equal(es('Step 3, mark 48,000.00: BTCUSDT taken over by the liquidation engine, 0.5 of 0.5 contracts closed'),
    'Paso 3, marca 48,000.00: BTCUSDT tomada por el motor de liquidación, 0.5 de 0.5 contratos cerrados');
});

test('numbers through Intl in the page\'s locale; English as written without Intl', () => {
  try {
    fmt.setLocale('es');
    assert.equal(fmt.price(57228.92), '57.228,92');
    assert.equal(fmt.amount(0.12345678, true), '0,12345678');
    assert.equal(fmt.count(0.5), '0,5');
    fmt.setLocale('ru');
    assert.equal(fmt.price(57228.92), '57\u00a0228,92');
    fmt.setLocale('tr');
    assert.equal(fmt.percent(0.2844), '%28,44');
    fmt.setLocale('vi');
    assert.equal(fmt.amount(10000, false), '10.000,00');
    fmt.setLocale('ja');
    assert.equal(fmt.date(Date.UTC(2026, 11, 7)), '2026/12/07');
    fmt.setLocale('en');
    assert.equal(fmt.price(57228.92), '57,228.92');
    assert.equal(fmt.date(Date.UTC(2026, 11, 7)), '2026-12-07');
  } finally {
    fmt.setLocale('en');
  }
});

test('an error the core returns, said in the language from its rule and params', () => {
  const scenario = { version: 1, rules: 'binance', walletBalance: 1000,
    positions: [{ symbol: 'BTCUSDT', side: 'long', quantity: -1.5, entryPrice: 60000, leverage: 10 }] };
  const [error] = lab.evaluate(scenario).errors;
  assert.equal(error.rule, 'mustBePositive');
  try {
    fmt.setLocale('es');
    useCatalogue(translator(catalogues.es).t);
    assert.equal(phrase(error), 'Tamaño: debe ser mayor que 0 (escribiste -1,5).');
    fmt.setLocale('ja');
    useCatalogue(translator(catalogues.ja).t);
    assert.equal(phrase(error), '数量は0より大きくしてください（入力値：-1.5）。');
  } finally {
    fmt.setLocale('en');
    useCatalogue(null);
  }
  assert.equal(phrase(error), 'Size must be more than 0 (you typed -1.5).', 'English as before');
});

test('a risk-lab tool\'s and an options account\'s errors, said in the language from their rules', async () => {
  const { defaultScenario, defaultOptionsScenario } = await import('../../web/dist/marginlab-full.js');
  const [risk] = lab.sizeFromStop(structuredClone(defaultScenario),
    { symbol: 'BTCUSDT', side: 'long', entryPrice: 61000, stopPrice: 59000, riskFraction: 2, leverage: 10 }).errors;
  const o = structuredClone(defaultOptionsScenario);
  o.options[0].strike = -5;
  o.options[0].expiryDate = '27.03.2026';
  const [strike, date] = lab.evaluateOptions(o).errors;
  assert.deepEqual([risk.rule, strike.rule, date.rule], ['riskFraction', 'mustBePositive', 'optionsDateFormat']);
  try {
    fmt.setLocale('zh-CN');
    useCatalogue(translator(catalogues['zh-CN']).t);
    assert.equal(phrase(risk), '风险必须大于 0% 且不超过 100%（您输入的是 200.00%）。');
    assert.equal(phrase(strike), '行权价必须大于 0（您输入的是 -5）。');
    fmt.setLocale('ru');
    useCatalogue(translator(catalogues.ru).t);
    assert.equal(phrase(date), '«27.03.2026» — не дата: пишите ГГГГ-ММ-ДД, при желании с временем UTC THH:MM.');
  } finally {
    fmt.setLocale('en');
    useCatalogue(null);
  }
  assert.equal(phrase(date), null, 'English: the core\'s own message');
});

// The lesson formats written again with Intl, as the test's own reference (web/src/lessons.js FORMATS).
function reference(lang) {
  const nf = (o) => new Intl.NumberFormat(lang, o);
  const price = (x) => nf(Math.abs(x) >= 1000 ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
    : Math.abs(x) >= 1 ? { minimumFractionDigits: 2, maximumFractionDigits: 4 } : { maximumSignificantDigits: 6 }).format(x);
  return { price, amount: (x) => nf({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x),
    coin: (x) => nf({ maximumFractionDigits: 8 }).format(x),
    percent: (x) => nf({ style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x),
    plain: (x) => nf({ maximumSignificantDigits: 10, useGrouping: false }).format(x),
    int: (x) => nf({ maximumFractionDigits: 0, useGrouping: false }).format(x) };
}

const lessons = (await import('node:fs')).readdirSync(new URL('../../web/lessons/', import.meta.url)).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(new URL(`../../web/lessons/${f}`, import.meta.url), 'utf8')));

test('the English of a lesson in the catalogues is the lesson\'s own text (web/lessons)', () => {
  const ids = new Set(Object.keys(en).filter((k) => k.startsWith('lesson.')).map((k) => k.split('.')[1]));
  assert.ok(ids.size >= 1);
  for (const id of ids) {
    const lesson = lessons.find((l) => l.id === id);
    assert.ok(lesson, `a lesson "${id}" in web/lessons`);
    const entries = Object.fromEntries(Object.entries(en).filter(([k]) => k.startsWith(`lesson.${id}.`)).map(([k, v]) => [k.slice(8 + id.length), v]));
    assert.deepEqual(entries, lessonTexts(lesson), `en.js lesson.${id}.* is web/lessons' text, entry for entry`);
  }
});

test('a lesson in each language quotes the core\'s numbers, in the locale\'s format', () => {
  let checked = 0;
  for (const lesson of lessons) {
    for (const [lang, c] of Object.entries(catalogues)) {
      const local = localizeLesson(lesson, translator(c).t);
      if (local.title === lesson.title) continue;  // not in the catalogues (see the README's Languages)
      const texts = [...local.paragraphs, local.try.prompt, local.try.result];
      const english = [...lesson.paragraphs, lesson.try.prompt, lesson.try.result];
      try {
        fmt.setLocale(lang);
        const ctx = lessonContext(lab, lab, lesson);
        assert.deepEqual(ctx.errors, []);
        const ref = reference(lang);
        texts.forEach((text, i) => {
          assert.deepEqual([...text.matchAll(/\{[^{}]+\}/g)].map(String).sort(), [...english[i].matchAll(/\{[^{}]+\}/g)].map(String).sort(),
            `${lesson.id} ${lang}: the same quotes as the English text`);
          // As in English (tests/js/lessons.test.mjs): the 1 of a formula's 1/x, "per 1%" and the 8-hour funding interval.
          const bare = text.replace(/\{[^{}]*\}/g, '').replace(/1 ?\/|%\s?1(?!\d)|(?<!\d)1 ?%|(?<!\d)8(?!\d)/g, '');
          assert.doesNotMatch(bare, /\d/, `${lesson.id} ${lang}: digits typed instead of quoted: ${bare}`);
          const quotes = renderPieces(text, ctx).filter((p) => p.quote !== undefined).map((p) => p.quote);
          [...text.matchAll(/\{([^{}]+)\}/g)].forEach((m, k) => {
            const [path, format = 'plain'] = m[1].split('|').map((x) => x.trim());
            const x = valueAt(ctx, path);
            if (typeof x === 'string') {  // a name the core gives (a convention's), quoted as the core writes it
              assert.ok(x.length > 0 && m[1] === path, `${lesson.id} ${lang} ${path}: a name, without a format`);
              assert.equal(quotes[k], x, `${lesson.id} ${lang} ${m[1]}`);
            } else {
              assert.equal(typeof x, 'number', `${lesson.id} ${lang} ${path}: a number of the core`);
              assert.equal(quotes[k], ref[format](x), `${lesson.id} ${lang} ${m[1]}`);
            }
            checked++;
          });
        });
      } finally {
        fmt.setLocale('en');
      }
    }
  }
  assert.ok(checked >= OTHERS.length * 8, `${checked} quotes checked`);
});
