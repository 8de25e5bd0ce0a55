// SPDX-License-Identifier: MIT
// The page under attack (issue 7): hostile scenarios, each delivered as the URL fragment (#s1=,
// and raw malformed fragments) and as the scenario attribute of <margin-lab> in a host page served
// with the same CSP. Every one must end in a ready page (no freeze) that says what is wrong in text
// (a notice, an error beside the field, or the element's alert) or shows the core's numbers;
// nothing runs, nothing is injected, no NaN/Infinity/undefined is shown, no dialog, no console
// error, no request off the origin. Also: nothing typed is lost, reload restores the scenario,
// and the element handles a hostile attribute set at run time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './chromium.mjs';
import {
  lab, defaultScenario, WAIT, expectedLiquidation, expectShown, shownLiquidation, ready, fragmentOf, hostPage, withPage as withPageIn,
} from './helpers.mjs';

// ---------------------------------------------------------------------------------------------
// The payloads and the cases.

const PWN = 'window.__pwned=true';
const IMG = `<img src=x onerror="${PWN};alert(1)">`;
const SCRIPT = `</script><script>${PWN};alert(2)</script>`;
const JSURL = `javascript:${PWN};alert(3)`;
const SVG = `"><svg onload="${PWN}">`;
const TAG = `<img/src=x/onerror=${PWN}>`;  // short and without spaces: a symbol the core accepts

const BTC_TIERS = lab.defaultTiers('binance', 'BTCUSDT')[0].tiers.map((t) => ({ ...t }));
const rows = (n) => Array.from({ length: n }, (_, i) => ({ notionalCap: 50000 * (i + 1), maxLeverage: 125, maintenanceMarginRate: 0.004, maintenanceAmount: 0 }));
const position = (i) => ({ symbol: i % 2 ? 'ETHUSDT' : 'BTCUSDT', side: i % 2 ? 'short' : 'long', quantity: 0.01 * (1 + (i % 7)),
  entryPrice: i % 2 ? 3000 : 60000, leverage: 5 + (i % 10) });
const nested = (n, inner = '') => '['.repeat(n) + inner + ']'.repeat(n);

/** The default scenario changed by f, as an object. */
function changed(f) {
  const s = structuredClone(defaultScenario);
  f(s);
  return s;
}
/** ... and as JSON text. */
const J = (f) => JSON.stringify(changed(f));
/** The default scenario's JSON with one piece of text replaced (for what JSON.stringify cannot write). */
const R = (from, to) => {
  const text = JSON.stringify(defaultScenario);
  assert.ok(text.includes(from), from);
  return text.replace(from, to);
};

/** Three positions whose symbols, with their own tier tables, are "__proto__", "constructor" and a tag. */
const symbolKeys = J((s) => {
  s.positions.push({ ...s.positions[0], quantity: 0.1 });
  ['PROTO', 'constructor', TAG].forEach((x, i) => { s.positions[i].symbol = x; });
  s.tiers = { PROTO: BTC_TIERS, constructor: BTC_TIERS, [TAG]: BTC_TIERS };
}).replace(/PROTO/g, '__proto__');

const EXAMPLE = defaultScenario;
/** A pattern for exactly this text: the message a reader sees, word for word. */
const exact = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
const noTable = (symbol) => exact(`There is no Binance tier table for ${symbol} here: add its rows under "Tiers for ${symbol}".`);
const field = (path, re, value) => ({ errors: { [path]: re }, ...(value === undefined ? {} : { values: { [path]: value } }) });
const example = (re) => ({ notice: re, shows: EXAMPLE });
const tooLongAttribute = { alert: /too long \(\d+ characters; at most 65536\)/ };

/**
 * Each case: json (delivered both ways) or fragment (raw, fragment only) or attribute (raw,
 * element only, with more attributes in attrs), and what must be seen: notice (the page's notice;
 * null: none), alert (the element's own), errors (path -> the message beside that field, or in the
 * nearest enclosing slot), general (a message in the list of errors no field holds), values
 * (path -> the field's text), shows (a scenario whose core numbers are shown), positions (how many
 * position cards), texts (shown literally, as text). expect may be { fragment, element } when the
 * two paths differ (the attribute is limited to 65536 characters, the link to 16384 compressed).
 */
const CASES = [
  // Script and HTML in every string field, and in values the messages reflect.
  { name: 'img onerror and svg onload as symbols', json: J((s) => { s.positions[0].symbol = IMG; s.positions[1].symbol = SVG; }),
    expect: { errors: { 'positions[0].symbol': /characters/, 'positions[1].symbol': /characters/ }, values: { 'positions[0].symbol': IMG, 'positions[1].symbol': SVG } } },
  { name: 'javascript: and </script> as symbols', json: J((s) => { s.positions[0].symbol = JSURL; s.positions[1].symbol = SCRIPT; }),
    expect: { errors: { 'positions[0].symbol': noTable(JSURL), 'positions[1].symbol': /characters/ },
      values: { 'positions[0].symbol': JSURL, 'positions[1].symbol': SCRIPT }, texts: [JSURL] } },
  { name: 'img onerror in rules, script as a tier key', json: J((s) => { s.rules = IMG; s.tiers = { [SCRIPT]: BTC_TIERS }; }),
    expect: { errors: { rules: /must be one of/ }, general: /tier table key|symbol/, texts: [SCRIPT] } },
  { name: 'tags in side, contract and marginMode', json: J((s) => { s.positions[0].side = IMG; s.positions[1].contract = SCRIPT; s.positions[1].marginMode = JSURL; }),
    expect: { notice: /positions\[0\]\.side \("<img src=x .*"\) is not long or short; long is used\. positions\[1\]\.contract .* is not linear or inverse; linear is used\. positions\[1\]\.marginMode .* both modes are compared/,
      shows: EXAMPLE } },
  { name: 'tags in four number fields', json: J((s) => { s.positions[0].quantity = IMG; s.walletBalance = SCRIPT; s.takerFeeRate = SVG; s.positions[1].leverage = JSURL; }),
    expect: { errors: { 'positions[0].quantity': /is not a number/, walletBalance: /is not a number/, takerFeeRate: /is not a number/, 'positions[1].leverage': /is not a number/ },
      values: { 'positions[0].quantity': IMG, walletBalance: SCRIPT, takerFeeRate: SVG, 'positions[1].leverage': JSURL } } },
  { name: 'img onerror in a tier cell', json: J((s) => { s.tiers = { BTCUSDT: BTC_TIERS.map((t, i) => (i ? t : { ...t, maxLeverage: IMG })) }; }),
    expect: field('tiers.BTCUSDT[0].maxLeverage', /is not a number/) },
  { name: 'img onerror in version', json: J((s) => { s.version = IMG; }), expect: example(/version "<img src=x onerror=.*this page reads version 1/) },

  // Keys that name the prototype.
  { name: '__proto__ at the top, in a position and in tiers; constructor.prototype; an HTML key',
    json: R('{"version":1', `{"__proto__":{"polluted":true,"walletBalance":1},"constructor":{"prototype":{"polluted":true}},${JSON.stringify(IMG)}:1,"version":1`)
      .replace('{"symbol":"BTCUSDT"', '{"__proto__":{"polluted":true,"markPrice":1},"symbol":"BTCUSDT"')
      .replace('"positions"', '"tiers":{"__proto__":{"polluted":true}},"positions"'),
    expect: example(/tier table for "__proto__" is not a list of rows/) },
  { name: 'symbols "constructor", "__proto__", "toString"', json: J((s) => { s.positions.push({ ...s.positions[0] }); ['constructor', 'PROTO', 'toString'].forEach((x, i) => { s.positions[i].symbol = x; }); }).replace('PROTO', '__proto__'),
    expect: { errors: { 'positions[0].symbol': noTable('constructor'), 'positions[1].symbol': noTable('__proto__'), 'positions[2].symbol': noTable('toString') }, positions: 3 } },
  { name: 'symbols and tier keys "__proto__", "constructor" and a tag', json: symbolKeys, expect: { shows: JSON.parse(symbolKeys), texts: [TAG] } },

  // Numbers: huge, infinite, negative zero, denormal, as strings, of the wrong type.
  { name: 'entryPrice 1e999, quantity -1e999, walletBalance 1e300', json: R('"entryPrice":60000', '"entryPrice":1e999').replace('"quantity":4', '"quantity":-1e999').replace('"walletBalance":10000', '"walletBalance":1e300'),
    expect: { errors: { 'positions[0].entryPrice': /"∞" is not a number/, 'positions[1].quantity': /is not a number/ }, values: { 'positions[0].entryPrice': '∞', 'positions[1].quantity': '-∞' } } },
  { name: 'entryPrice 1e308, quantity "1e999" (a string), quantity 5e-324', json: J((s) => { s.positions[0].entryPrice = 1e308; s.positions[0].quantity = '1e999'; s.positions[1].quantity = 5e-324; }),
    expect: { errors: { 'positions[0].entryPrice': /between/, 'positions[0].quantity': /finite/, 'positions[1].quantity': /between/ }, values: { 'positions[0].quantity': '1e999' } } },
  { name: 'walletBalance -0, numbers as strings, mark price 1e-9',
    json: R('"walletBalance":10000', '"walletBalance":-0').replace('"quantity":0.5', '"quantity":"0.5"').replace('"entryPrice":60000', '"entryPrice":"60,000"').replace('"markPrice":2950', '"markPrice":1e-9'),
    expect: { shows: changed((s) => { s.walletBalance = -0; s.positions[1].markPrice = 1e-9; }) } },
  { name: 'true, [0.5], {}, null and an object where numbers and a symbol go',
    json: J((s) => { Object.assign(s.positions[0], { quantity: true, leverage: {} }); Object.assign(s.positions[1], { quantity: [0.5], symbol: { toString: 1, valueOf: 1 }, leverage: null }); }),
    expect: { errors: { 'positions[0].quantity': /"true" is not a number/, 'positions[0].leverage': /is not a number/, 'positions[1].quantity': /is not a number/,
      'positions[1].leverage': /Required/ },
    values: { 'positions[0].quantity': 'true', 'positions[0].leverage': '{}', 'positions[1].quantity': '[0.5]', 'positions[1].symbol': '{"toString":1,"valueOf":1}', 'positions[1].leverage': '' } } },
  { name: 'extreme but valid (price 1e15, size 1e-9)', json: J((s) => { s.walletBalance = 1e15; Object.assign(s.positions[0], { entryPrice: 1e15, markPrice: 1e15, quantity: 1e-9 }); }),
    expect: { shows: changed((s) => { s.walletBalance = 1e15; Object.assign(s.positions[0], { entryPrice: 1e15, markPrice: 1e15, quantity: 1e-9 }); }) } },

  // What would make NaN: zero price, zero leverage, leverage above the tier's maximum.
  { name: 'leverage 1000', json: J((s) => { s.positions[0].leverage = 1000; }), expect: field('positions[0].leverage', exact('Leverage 1000x is above the 125x maximum for a 30,000 USDT position on this bracket.')) },
  { name: 'zero mark, negative margin, a zero position, fee 100%',
    json: J((s) => { Object.assign(s.positions[0], { markPrice: 0, isolatedMargin: -5 }); Object.assign(s.positions[1], { quantity: 0, entryPrice: 0, leverage: 0, contractSize: 0 }); s.walletBalance = 0; s.takerFeeRate = 1; }),
    expect: { errors: { 'positions[0].markPrice': exact('Mark price must be more than 0 (you typed 0).'),
      'positions[0].isolatedMargin': exact('Isolated margin must be more than 0 (you typed -5).'),
      'positions[1].quantity': exact('Size must be more than 0 (you typed 0).'), 'positions[1].entryPrice': exact('Entry price must be more than 0 (you typed 0).'),
      'positions[1].leverage': exact('Leverage must be more than 0 (you typed 0).'),
      takerFeeRate: exact('A taker fee of 100.00% is not plausible: it must be at least 0% and below 10%.') } } },

  // Many positions: exactly at the page's limit, one over, far over.
  { name: 'exactly 50 positions', json: J((s) => { s.positions = Array.from({ length: 50 }, (_, i) => position(i)); }),
    expect: { shows: changed((s) => { s.positions = Array.from({ length: 50 }, (_, i) => position(i)); }), positions: 50, notice: null } },
  { name: '51 positions', json: J((s) => { s.positions = Array.from({ length: 51 }, (_, i) => position(i)); }),
    expect: { notice: /51 positions; this page edits at most 50, so it shows the first 50/, positions: 50,
      shows: changed((s) => { s.positions = Array.from({ length: 50 }, (_, i) => position(i)); }) } },
  { name: '1000 positions', json: J((s) => { s.positions = Array.from({ length: 1000 }, (_, i) => position(i)); }),
    expect: { fragment: { notice: /1000 positions/, positions: 50 }, element: tooLongAttribute } },
  { name: 'no positions', json: J((s) => { s.positions = []; }), expect: example(/no positions/) },
  { name: 'positions of null, a number, a string', json: J((s) => { s.positions = [null, 7, 'x']; }),
    expect: { errors: { 'positions[0].quantity': /Required/, 'positions[2].entryPrice': /Required/ }, positions: 3 } },

  // Long strings.
  { name: 'symbol of 60,000 characters', json: J((s) => { s.positions[0].symbol = 'B'.repeat(60000); }), expect: field('positions[0].symbol', /characters/) },
  { name: 'symbol of 200,000 characters', json: J((s) => { s.positions[0].symbol = 'B'.repeat(200000); }),
    expect: { fragment: field('positions[0].symbol', /characters/), element: tooLongAttribute } },
  { name: 'symbol of 1 MB', json: J((s) => { s.positions[0].symbol = 'B'.repeat(1 << 20); }),
    expect: { fragment: example(/larger than 262144 bytes once decompressed/), element: tooLongAttribute } },
  { name: 'an incompressible symbol of 48,000 characters', json: J((s) => { s.positions[0].symbol = randomBytes(36000).toString('base64'); }),
    expect: { fragment: example(/too long \(\d+ characters; at most 16384\)/), element: { alert: /too large: compressed it takes \d+ characters/ } } },

  // Deep nesting.
  { name: '100,000 levels of [[[…]]]', json: nested(100000), expect: { fragment: example(/does not hold a scenario object/), element: tooLongAttribute } },
  { name: '30,000 levels of [[[…]]]', json: nested(30000), expect: { fragment: example(/does not hold a scenario object/), element: { alert: /must be a JSON object/ } } },
  { name: 'walletBalance 5,000 objects deep, a tier table and a position 7,000 arrays deep',
    json: R('"walletBalance":10000', `"walletBalance":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`).replace('"positions"', `"tiers":{"BTCUSDT":${nested(7000)}},"positions"`)
      .replace('"positions":[{', `"positions":[${nested(7000)},{`),
    expect: { errors: { walletBalance: /is not a number/, 'tiers.BTCUSDT[0].notionalCap': /Required/, 'positions[0].quantity': /Required/ }, positions: 3 } },

  // Versions.
  // Version 2 is an options account (options.test.mjs): this one has none of its fields.
  { name: 'version 2', json: J((s) => { s.version = 2; }), expect: example(/options account in the link holds no options or futures/) },
  { name: 'no version', json: J((s) => { delete s.version; }), expect: { shows: EXAMPLE, notice: null } },
  { name: 'version -1', json: J((s) => { s.version = -1; }), expect: example(/version -1;/) },
  { name: 'version 1.5', json: J((s) => { s.version = 1.5; }), expect: example(/version 1.5;/) },
  { name: 'version "1"', json: J((s) => { s.version = '1'; }), expect: example(/version "1";/) },
  { name: 'version null', json: J((s) => { s.version = null; }), expect: example(/version null;/) },
  { name: 'version 1e999', json: R('"version":1', '"version":1e999'), expect: example(/version ∞;/) },

  // Tier tables.
  { name: 'a tier table of 10,000 empty rows', json: J((s) => { s.tiers = { BTCUSDT: Array.from({ length: 10000 }, () => ({})) }; }),
    expect: { notice: /"BTCUSDT" has 10000 rows; this page keeps the first 64/, errors: { 'tiers.BTCUSDT[0].notionalCap': /Required/ } } },
  { name: 'a tier table of 600 rows', json: J((s) => { s.tiers = { BTCUSDT: rows(600) }; }),
    expect: { notice: /600 rows; this page keeps the first 64/, shows: changed((s) => { s.tiers = { BTCUSDT: rows(64) }; }) } },
  { name: 'tiers unsorted', json: J((s) => { s.tiers = { BTCUSDT: [BTC_TIERS[1], BTC_TIERS[0], ...BTC_TIERS.slice(2)] }; }),
    expect: field('tiers.BTCUSDT[1].notionalCap', exact('Each notional cap must be larger than the row above it (250,000).')) },
  { name: 'tiers a string', json: J((s) => { s.tiers = IMG; }), expect: example(/tiers is not a table keyed by symbol/) },
  { name: '300 tier tables', json: J((s) => { s.tiers = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`S${i}USDT`, [{ notionalCap: 1e9, maxLeverage: 10, maintenanceMarginRate: 0.01 }]])); }),
    expect: { general: /300 tables/ } },

  // Not an object, not JSON.
  { name: 'JSON string with a tag', json: JSON.stringify(IMG), expect: { fragment: example(/scenario object/), element: { alert: /must be a JSON object/ } } },
  { name: 'a script tag, not JSON', json: `<script>${PWN}</script>`, expect: { fragment: example(/not valid JSON/), element: { alert: /not valid JSON/ } } },
  { name: 'JSON with trailing junk', json: JSON.stringify(defaultScenario) + IMG, expect: { fragment: example(/not valid JSON/), element: { alert: /not valid JSON/ } } },
  { name: 'a byte-order mark before the JSON', json: '\uFEFF' + JSON.stringify(defaultScenario),
    expect: { fragment: { shows: EXAMPLE, notice: null }, element: { alert: /not valid JSON/ } } },

  // Raw fragments: the link itself is broken.
  { name: 'a fragment over the size limit', fragment: '#s1=' + 'A'.repeat(20000), expect: example(/too long \(20003 characters; at most 16384\)/) },
  { name: 'a deflate bomb (8 KB inflating to 8 MB)', fragment: fragmentOf(`{"positions":"${'A'.repeat(8 << 20)}"}`), expect: example(/larger than 262144 bytes/) },
  { name: 'invalid base64 (one character)', fragment: '#s1=A', expect: example(/not valid base64url/) },
  { name: 'a truncated deflate stream', fragment: '#s1=' + deflateRawSync(Buffer.from(JSON.stringify(defaultScenario))).subarray(0, 60).toString('base64url'), expect: example(/does not decompress/) },
  { name: 'junk after the deflate stream', fragment: '#s1=' + Buffer.concat([deflateRawSync(Buffer.from('{}')), Buffer.from(IMG)]).toString('base64url'), expect: example(/does not decompress/) },
  { name: 'not deflate at all', fragment: '#s1=' + Buffer.from(JSON.stringify(defaultScenario)).toString('base64url'), expect: example(/does not decompress/) },
  { name: 'invalid UTF-8', fragment: '#s1=' + deflateRawSync(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d])).toString('base64url'), expect: example(/not UTF-8/) },
  { name: 'an empty "#s1="', fragment: '#s1=', expect: example(/empty scenario/) },
  { name: 'an unknown prefix', fragment: '#s9=' + fragmentOf(defaultScenario).slice(4), expect: example(/expected "#s1=…"/) },
  { name: 'HTML as the fragment', fragment: `#${IMG}`, expect: example(/expected "#s1=…"/) },
  { name: 'a percent-encoded script', fragment: '#s1=%3Cscript%3E' + PWN, expect: example(/characters a scenario never contains/) },
  { name: 'javascript: as the fragment', fragment: '#' + JSURL, expect: example(/expected "#s1=…"/) },
  { name: 'just "#"', fragment: '#', expect: { shows: EXAMPLE, notice: null } },

  // Raw attributes: the element refuses them itself, or shows the example.
  { name: 'attribute: not JSON', attribute: 'not json', expect: { alert: /not valid JSON/ } },
  { name: 'attribute: HTML', attribute: IMG + SCRIPT, expect: { alert: /not valid JSON/ } },
  { name: 'attribute: a JS object literal', attribute: `{version: 1, positions: [], x: function () { ${PWN} }}`, expect: { alert: /not valid JSON/ } },
  { name: 'attribute: 70,000 spaces around {}', attribute: ' '.repeat(35000) + '{}' + ' '.repeat(35000), expect: tooLongAttribute },
  { name: 'attribute: empty', attribute: '', expect: { shows: EXAMPLE, notice: null } },
  { name: 'attribute: src javascript:', attribute: JSON.stringify(defaultScenario), attrs: { src: JSURL }, expect: { alert: /src attribute must be an http\(s\) URL/ } },
  { name: 'attribute: src data:', attribute: JSON.stringify(defaultScenario), attrs: { src: `data:text/html,${SCRIPT}` }, expect: { alert: /src attribute must be an http\(s\) URL/ } },
  { name: 'attribute: CSS in height, HTML in label', attribute: JSON.stringify(defaultScenario),
    attrs: { height: '10px;background:url(http://198.51.100.1/x)', label: IMG }, expect: { shows: EXAMPLE, notice: null, frameHeight: /^\d+px$/, frameTitle: IMG } },
];

const fragmentCases = CASES.filter((c) => c.attribute === undefined);
const elementCases = CASES.filter((c) => c.fragment === undefined);
assert.ok(fragmentCases.length >= 40 && elementCases.length >= 40, 'at least 40 hostile inputs each way');
const expectFor = (c, path) => (c.expect.fragment || c.expect.element ? c.expect[path] : c.expect);

// ---------------------------------------------------------------------------------------------
// The server, the browser, the checks.

let browser;
let server;
let base;
let origin;

before(async () => {
  const extra = {};
  elementCases.forEach((c, i) => { extra[`/hostile/${i}.html`] = hostPage(c.json ?? c.attribute, c.attrs); });
  extra['/runtime.html'] = hostPage(JSON.stringify(defaultScenario), { height: '400px' });
  ({ server, url: base } = await serve({ port: 0, extra }));
  origin = new URL(base).origin;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

const withPage = (fn, options) => withPageIn(browser, origin, fn, options);

/** In the page: everything the checks need, in one round trip. */
function snapshot() {
  const notice = document.getElementById('notice');
  const errors = [...document.querySelectorAll('[data-error-for]')].filter((e) => e.textContent)
    .map((e) => ({ path: e.dataset.errorFor, text: e.textContent, visible: e.checkVisibility(), children: e.childElementCount }));
  const values = Object.fromEntries([...document.querySelectorAll('input[data-path]')].map((i) => [i.dataset.path, i.value]));
  // Elements a payload would bring; the page itself has none of these in its body.
  const injected = [...document.querySelectorAll('body img, body script, body iframe, body object, body embed, body svg, body style, body link,' +
    '[onerror], [onload], [onclick], [onmouseover], a[href]:not([href^="#"]), [src^="javascript" i], [href^="javascript" i]')]
    .map((e) => e.outerHTML.slice(0, 80));
  const text = document.body.innerText;
  return {
    notice: notice.hidden ? null : notice.textContent,
    noticeChildren: notice.childElementCount,
    status: document.getElementById('status').textContent,
    general: [...document.querySelectorAll('#general-errors li')].map((li) => li.textContent),
    generalVisible: document.getElementById('general-errors').checkVisibility(),
    errors, values, injected, text,
    // Quoted text is the user's own (messages quote what was given); outside quotes, no NaN & co.
    words: text.replace(/"[^"\n]*"/g, '""').match(/\b(NaN|Infinity|undefined)\b|\[object \w+\]/g) || [],
    positions: document.querySelectorAll('fieldset.position').length,
    pwned: window.__pwned,
    polluted: Object.prototype.polluted !== undefined || Array.prototype.polluted !== undefined,
  };
}

/** The error shown for a path: in its own slot, or where the page puts it (the nearest enclosing slot). */
function errorFor(errors, path) {
  for (let p = path; p;) {
    const e = errors.find((x) => x.path === p);
    if (e) return e;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}

/** A failure in one line, with what was seen. */
const explain = (e) => (e && 'actual' in e && e.operator ? `${e.message} (seen: ${JSON.stringify(e.actual)?.slice(0, 240)})` : String(e && e.message));

/** Checks the calculator page (top level or in the element's iframe) against one case. */
async function checkPage(target, c, expect, where) {
  const what = `${where} "${c.name}"`;
  await ready(target).catch(async (e) => {
    const notice = await target.evaluate(() => document.getElementById('notice')?.textContent).catch(() => '?');
    throw new Error(`${what}: not ready within ${WAIT.timeout} ms (notice: ${notice})`, { cause: e });
  });
  // The snapshot doubles as the check that the page answers (no freeze after ready).
  const s = await Promise.race([target.evaluate(snapshot), new Promise((resolve) => { setTimeout(() => resolve(null), 5000); })]);
  assert.ok(s, `${what}: the page answers within 5 s`);
  assert.equal(s.pwned, false, `${what}: no script ran`);
  assert.equal(s.polluted, false, `${what}: no prototype was changed`);
  assert.deepEqual(s.injected, [], `${what}: nothing injected`);
  assert.deepEqual(s.words, [], `${what}: no NaN, Infinity, undefined or [object …] shown`);
  assert.equal(s.noticeChildren, 0, `${what}: the notice is text only`);
  for (const e of s.errors) assert.equal(e.children, 0, `${what}: the error for ${e.path} is text only`);
  if (expect.notice === null) assert.equal(s.notice, null, `${what}: no notice`);
  else if (expect.notice) {
    assert.ok(s.notice, `${what}: a notice`);
    assert.match(s.notice, expect.notice, `${what}: the notice`);
  }
  for (const [path, re] of Object.entries(expect.errors || {})) {
    const e = errorFor(s.errors, path);
    assert.ok(e, `${what}: an error for ${path} (errors: ${JSON.stringify(s.errors).slice(0, 300)}; general: ${s.general.join(' | ').slice(0, 200)})`);
    assert.match(e.text, re, `${what}: the error for ${path}`);
    assert.ok(e.visible, `${what}: the error for ${path} is visible (in the slot for ${e.path})`);
    assert.match(s.status, /input error/, `${what}: the status counts the errors`);
  }
  if (expect.general) {
    assert.ok(s.general.some((t) => expect.general.test(t)), `${what}: the errors no field holds are listed (${s.general.join(' | ').slice(0, 200)})`);
    assert.ok(s.generalVisible, `${what}: that list is visible`);
    assert.match(s.status, /input error/, `${what}: the status counts the errors`);
  }
  for (const [path, value] of Object.entries(expect.values || {})) assert.equal(s.values[path], value, `${what}: the field ${path} shows the text given`);
  if (expect.positions !== undefined) assert.equal(s.positions, expect.positions, `${what}: position cards`);
  for (const t of expect.texts || []) assert.ok(s.text.includes(t), `${what}: ${t} shown as text`);
  if (expect.shows) await expectShown(target, expectedLiquidation(expect.shows), `${what}: the core's numbers`);
  assert.ok(s.notice || s.errors.length || s.general.length || expect.shows, `${what}: something is said or shown`);
}

// ---------------------------------------------------------------------------------------------

/** Waits until the element shows its iframe or its alert; returns which. */
async function elementState(page) {
  const handle = await page.waitForFunction(() => {
    const root = document.querySelector('margin-lab')?.shadowRoot;
    if (!root) return null;
    if (root.querySelector('[role="alert"]')) return 'alert';
    return root.querySelector('iframe') ? 'frame' : null;
  }, null, WAIT);
  return handle.jsonValue();
}

async function frameOf(page) {
  const frame = await (await page.locator('margin-lab iframe').elementHandle()).contentFrame();
  assert.ok(frame, 'the iframe has a document');
  return frame;
}

/** Checks the host page and the element's shadow root: an iframe or a text alert, nothing else. */
async function checkHost(page, what) {
  const host = await page.evaluate(() => {
    const root = document.querySelector('margin-lab').shadowRoot;
    return {
      pwned: window.__pwned,
      body: [...document.body.querySelectorAll('*')].map((e) => e.tagName),
      shadow: [...root.querySelectorAll('*')].map((e) => e.tagName),
      alertChildren: root.querySelector('[role="alert"]')?.childElementCount ?? 0,
    };
  });
  assert.equal(host.pwned, false, `${what}: no script ran in the host page`);
  assert.deepEqual(host.body, ['MARGIN-LAB'], `${what}: the host page holds only the element`);
  assert.ok(host.shadow.length === 1 && ['IFRAME', 'P'].includes(host.shadow[0]), `${what}: the element holds one iframe or one alert (${host.shadow})`);
  assert.equal(host.alertChildren, 0, `${what}: the alert is text only`);
}

/** One case through the element: its alert, or the page in its iframe. */
async function checkElement(page, i, c) {
  const expect = expectFor(c, 'element');
  const what = `element "${c.name}"`;
  await page.goto(`${base}hostile/${i}.html`, { waitUntil: 'commit' });
  const state = await elementState(page);
  await checkHost(page, what);
  const text = c.json ?? c.attribute;
  // The host page's escaping gives the element exactly the text of the case.
  assert.ok(await page.evaluate((t) => document.querySelector('margin-lab').getAttribute('scenario') === t, text), `${what}: the attribute arrives intact`);
  if (expect.alert) {
    assert.equal(state, 'alert', `${what}: the element refuses it`);
    assert.match(await page.locator('margin-lab [role="alert"]').textContent(), expect.alert, `${what}: the alert`);
    return;
  }
  assert.equal(state, 'frame', `${what}: the element shows the page`);
  // It hands the page the attribute's text as written: "#s1=" + deflate-raw, base64url.
  const hash = new URL(await page.locator('margin-lab iframe').getAttribute('src')).hash;
  assert.equal(hash === '' ? '' : inflateRawSync(Buffer.from(hash.replace(/^#s1=/, ''), 'base64url')).toString(), text, `${what}: the page gets the text as written`);
  const frame = await frameOf(page);
  await checkPage(frame, c, expect, 'element');
  if (expect.frameHeight) {
    const { height, title } = await page.locator('margin-lab iframe').evaluate((f) => ({ height: f.style.height, title: f.title }));
    // A height that is not a plain length is ignored: the iframe follows its content instead.
    assert.match(height, expect.frameHeight, `${what}: the height is a length or the content's`);
    assert.equal(title, expect.frameTitle, `${what}: the label is the title, as text`);
  }
}

test('hostile scenarios as the URL fragment: a ready page, a message in text, nothing runs', async () => {
  await withPage(async (page, ctx) => {
    await ctx.context.addInitScript(() => { window.__pwned = false; });
    const failures = [];
    for (const [i, c] of fragmentCases.entries()) {
      const fragment = c.fragment ?? fragmentOf(c.json);
      try {
        // A new query each time: a new document, not a hashchange.
        await page.goto(`${base}index.html?case=${i}${fragment}`, { waitUntil: 'commit' });
        await checkPage(page, c, expectFor(c, 'fragment'), 'fragment');
      } catch (e) {
        failures.push(explain(e));
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${fragmentCases.length} fragments`);
    assert.ok(!ctx.requests.some((u) => /\/x$|198\.51\.100/.test(u)), 'no request for an injected image');
  });
});

test('hostile scenarios as the <margin-lab> attribute in a host page with the same CSP', async () => {
  await withPage(async (page, ctx) => {
    await ctx.context.addInitScript(() => { window.__pwned = false; });
    const failures = [];
    for (const [i, c] of elementCases.entries()) {
      try {
        await checkElement(page, i, c);
      } catch (e) {
        failures.push(explain(e));
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${elementCases.length} attributes`);
    assert.ok(!ctx.requests.some((u) => /\/x$|198\.51\.100/.test(u)), 'no request for an injected image or a CSS URL');
  });
});

test('the scenario attribute changed at run time: hostile values are refused, a good one comes back', async () => {
  await withPage(async (page) => {
    await page.addInitScript(() => { window.__pwned = false; });
    await page.goto(`${base}runtime.html`);
    const set = (value) => page.evaluate((v) => {
      const el = document.querySelector('margin-lab');
      if (v === null) el.removeAttribute('scenario'); else el.setAttribute('scenario', v);
    }, value);
    const alertText = async () => {
      await page.locator('margin-lab [role="alert"]').waitFor(WAIT);
      return page.locator('margin-lab [role="alert"]').textContent();
    };
    const framed = async (scenario, where) => {
      await page.locator('margin-lab iframe').waitFor(WAIT);
      const frame = await frameOf(page);
      await ready(frame);
      await checkPage(frame, { name: where }, { shows: scenario }, 'run time');
      return frame;
    };
    assert.equal(await elementState(page), 'frame');
    await framed(defaultScenario, 'the initial attribute');

    const hostile = [
      [`<img src=x onerror="${PWN}">`, /not valid JSON/],
      [nested(30000), /must be a JSON object/],
      ['x'.repeat(70000), /too long/],
      [JSON.stringify({ ...defaultScenario, positions: randomBytes(36000).toString('base64') }), /too large/],
    ];
    for (const [value, re] of hostile) {
      await set(value);
      assert.match(await alertText(), re);
      await checkHost(page, `run time ${re}`);
      assert.equal(page.frames().length, 1, 'the old iframe is gone');
    }
    // A good scenario again: the iframe is back with its numbers; then one the page itself refuses.
    const two = changed((s) => { s.positions[0].quantity = 2; });
    await set(JSON.stringify(two));
    await framed(two, 'a good attribute after hostile ones');
    await set(J((s) => { s.version = 7; }));
    const frame = await framed(defaultScenario, 'version 7');
    assert.match(await frame.textContent('#notice'), /version 7; this page reads version 1/);
    // Quick changes: only the last one counts.
    for (let k = 0; k < 5; k++) await set(k % 2 ? 'nope' : JSON.stringify(two));
    await set(JSON.stringify(two));
    await framed(two, 'the last of quick changes');
    assert.equal(await page.locator('margin-lab [role="alert"]').count(), 0);
    await set(null);
    await framed(defaultScenario, 'no attribute');
  });
});

test('nothing typed is lost: a bad value keeps its text, the last results stay (stale); fixing it updates them', async () => {
  await withPage(async (page) => {
    const good = changed((s) => { s.walletBalance = 12345; });
    await page.goto(base + fragmentOf(good));
    await ready(page);
    await expectShown(page, expectedLiquidation(good));
    const entry = 'input[data-path="positions[1].entryPrice"]';
    const error = '[data-error-for="positions[1].entryPrice"]';
    const shown = expectedLiquidation(good);
    await page.waitForFunction(() => location.hash.startsWith('#s1='), null, WAIT);
    await page.waitForTimeout(300);  // the page writes its own link 150 ms after a result (router.save)
    const validHash = await page.evaluate(() => location.hash);

    for (const [typed, re] of [[IMG, /is not a number/], ['0', exact('Entry price must be more than 0 (you typed 0).')], ['3,000.5.1', /is not a number/], ['1e999', /finite/]]) {
      await page.fill(entry, typed);
      // The words for people replace the core's message once they are loaded: wait for them.
      await page.waitForFunction(([sel, src]) => new RegExp(src).test(document.querySelector(sel).textContent), [error, re.source], WAIT).catch(() => {});
      assert.match(await page.textContent(error), re, `${typed}: the error beside the field`);
      assert.equal(await page.inputValue(entry), typed, `${typed}: the field keeps the text`);
      assert.equal(await page.getAttribute(entry, 'aria-invalid'), 'true');
      // Beside the field: the slot is the next thing in the same field box.
      assert.ok(await page.$eval(error, (e) => e.closest('.field').contains(document.querySelector('input[data-path="positions[1].entryPrice"]')) && e.checkVisibility()));
      assert.ok(await page.$eval('#results', (r) => r.classList.contains('stale')), `${typed}: stale`);
      assert.ok(await page.isVisible('#stale-note'));
      assert.deepEqual(await shownLiquidation(page, Object.keys(shown)), shown, `${typed}: the last valid numbers stay`);
      assert.equal(await page.$$eval('body img', (els) => els.length), 0);
    }
    // The link keeps the last valid scenario while a field is invalid.
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => location.hash), validHash, 'the fragment is the last valid scenario');

    // Reload: the fragment holds only valid scenarios, so the last valid one comes back (the
    // invalid text is not kept across a reload: a link never carries an error to its reader).
    await page.reload();
    await ready(page);
    assert.equal(await page.inputValue(entry), '3000');
    assert.equal(await page.inputValue('input[data-path="walletBalance"]'), '12345');
    assert.equal(await page.textContent(error), '');
    assert.ok(!(await page.$eval('#results', (r) => r.classList.contains('stale'))));
    await expectShown(page, shown);

    // Fix it: the numbers update, the fragment follows, and a reload restores the new scenario.
    await page.fill(entry, 'oops');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent !== '', error, WAIT);
    await page.fill(entry, '3100');
    const fixed = changed((s) => { s.walletBalance = 12345; s.positions[1].entryPrice = 3100; });
    await expectShown(page, expectedLiquidation(fixed));
    assert.equal(await page.textContent(error), '');
    assert.ok(!(await page.$eval('#results', (r) => r.classList.contains('stale'))), 'not stale once fixed');
    await page.waitForFunction((h) => location.hash !== h, validHash, WAIT);
    await page.reload();
    await ready(page);
    assert.equal(await page.inputValue(entry), '3100');
    await expectShown(page, expectedLiquidation(fixed));
  });
});

test('a hostile link pasted into an open page (hashchange) keeps the scenario and says why', async () => {
  await withPage(async (page) => {
    await page.addInitScript(() => { window.__pwned = false; });
    const good = changed((s) => { s.walletBalance = 23456; });
    await page.goto(base + fragmentOf(good));
    await ready(page);
    await expectShown(page, expectedLiquidation(good));
    for (const [fragment, re] of [[`#${IMG}`, /expected "#s1=…"/], [fragmentOf(J((s) => { s.version = 4; })), /version 4/],
      [fragmentOf(nested(100000)), /scenario object/], ['#s1=' + 'A'.repeat(20000), /too long/]]) {
      await page.evaluate((f) => { location.hash = f; }, fragment);
      await page.waitForFunction((r) => new RegExp(r).test(document.getElementById('notice').textContent), re.source, WAIT);
      assert.match(await page.textContent('#notice'), /keeps the scenario it had/);
      assert.equal(await page.inputValue('input[data-path="walletBalance"]'), '23456');
      await expectShown(page, expectedLiquidation(good));
      assert.equal(await page.evaluate(() => window.__pwned), false);
    }
    // A good link clears the notice and loads.
    const other = changed((s) => { s.positions[0].quantity = 2; });
    await page.evaluate((f) => { location.hash = f; }, fragmentOf(other));
    await expectShown(page, expectedLiquidation(other));
    assert.ok(!(await page.isVisible('#notice')), 'the notice is gone');
  });
});
