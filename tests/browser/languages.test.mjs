// SPDX-License-Identifier: MIT
// The page in another language (web/src/i18n/): ?lang=ja and <margin-lab lang="es"> show their
// labels translated, an input error in that language at its field, the core's numbers as the
// locale writes them, and read a number typed with the locale's decimal comma. An English page
// fetches no catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lab, defaultScenario, WAIT, ready, withQuantity, hostPage, servedPage, visibleTexts, english } from './helpers.mjs';

const served = await servedPage({ '/host-es.html': hostPage(JSON.stringify(defaultScenario), { lang: 'es' }) });
const withPage = (fn, options) => served.withPage(fn, options);
const LP = (mode, i) => `[data-metric="${mode}:${i}:liquidationPrice"] button.num`;
const SIZE = '#f-positions-0--quantity';
const LEVERAGE = '#f-positions-0--leverage';

/** The core's liquidation price of position 0 in `mode`, as Intl writes a price (web/src/format.js) in `locale`. */
function liquidation(scenario, locale, mode = 'isolated') {
  const x = lab.evaluate(scenario)[mode].positions[0].liquidationPrice;
  const digits = Math.abs(x) >= 1000 ? { minimumFractionDigits: 2, maximumFractionDigits: 2 } : { minimumFractionDigits: 2, maximumFractionDigits: 4 };
  return new Intl.NumberFormat(locale, digits).format(x);
}

test('?lang=ja: Japanese labels, lang attribute, an error in Japanese at its field', async () => {
  await withPage(async (page) => {
    await page.goto(served.base + '?lang=ja');
    await ready(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
    assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
    assert.equal(await page.title(), 'MarginLab：分離マージンとクロスマージンの計算機');
    assert.match(await page.textContent('label[for="f-walletBalance"]'), /^ウォレット残高/);
    assert.equal(await page.textContent('#h-isolated'), '分離マージン');
    assert.equal(await page.textContent('[data-metric="isolated:0:liquidationPrice"] dt'), '強制決済価格');
    assert.equal(await page.textContent(LP('isolated', 0)), liquidation(defaultScenario, 'ja'));
    // The risk lab (drawn by ready()) in Japanese too.
    assert.equal(await page.$eval('#t-stress', (f) => f.closest('details').querySelector('summary').textContent), 'ストレスグリッド');
    await page.fill(LEVERAGE, '0');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent !== '', '#f-positions-0--leverage-err', WAIT);
    assert.equal(await page.textContent('#f-positions-0--leverage-err'), 'レバレッジは0より大きくしてください（入力値：0）。');
    assert.match(await page.textContent('#status'), /^入力エラーが1件あります。/);
  });
});

test('<margin-lab lang="es">: Spanish in the frame, numbers as es writes them, a decimal comma typed is read', async () => {
  await withPage(async (page) => {
    await page.goto(served.base + 'host-es.html');
    const frame = await (await page.locator('margin-lab iframe').elementHandle()).contentFrame();
    await ready(frame);
    assert.match(frame.url(), /[?&]lang=es\b/);
    assert.equal(await frame.getAttribute('html', 'lang'), 'es');
    assert.match(await frame.textContent(`label[for="${SIZE.slice(1)}"]`), /^Tamaño/);
    assert.equal(await frame.textContent('[data-metric="isolated:0:liquidationPrice"] dt'), 'Precio de liquidación');
    const before = liquidation(defaultScenario, 'es');
    assert.match(before, /^\d{2}\.\d{3},\d{2}$/, `es groups with a point and decimals with a comma: ${before}`);
    assert.equal(await frame.textContent(LP('isolated', 0)), before);

    assert.equal(await frame.inputValue(SIZE), '0,5', 'the size as es writes it');
    await frame.fill(SIZE, '1,500');
    await frame.waitForFunction((sel) => document.querySelector(sel).textContent !== '', '#f-positions-0--quantity-err', WAIT);
    assert.equal(await frame.textContent('#f-positions-0--quantity-err'),
      '«1,500» es ambiguo aquí: se lee como 1,5 (coma decimal) o como 1500 (miles). Escribe 1,5 o 1500.');

    // "1,25" is one and a quarter in Spanish: the page asks the core about 1.25 contracts (the cross price depends on the size).
    const larger = liquidation(withQuantity(1.25), 'es', 'cross');
    assert.notEqual(larger, liquidation(defaultScenario, 'es', 'cross'));
    await frame.fill(SIZE, '1,25');
    await frame.waitForFunction(([sel, text]) => document.querySelector(sel)?.textContent === text, [LP('cross', 0), larger], WAIT).catch(() => {});
    assert.equal(await frame.textContent(LP('cross', 0)), larger);

    await frame.fill(SIZE, '-1,5');
    await frame.waitForFunction((sel) => document.querySelector(sel).textContent !== '', '#f-positions-0--quantity-err', WAIT);
    assert.equal(await frame.textContent('#f-positions-0--quantity-err'), 'Tamaño: debe ser mayor que 0 (escribiste -1,5).');
  }, { viewport: { width: 375, height: 812 } });
});

test('English: no catalogue is fetched; the browser\'s language chooses when the link does not', async () => {
  await withPage(async (page, { requests }) => {
    await page.goto(served.base);
    await ready(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('[data-metric="isolated:0:liquidationPrice"] dt'), 'Liquidation price');
    assert.deepEqual(requests.filter((u) => /chunk-(translate|en|zh-CN|es|ru|ja|ko|tr|vi)-/.test(u)), []);
  });
  await withPage(async (page) => {
    await page.goto(served.base);
    await ready(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'ko');
    assert.equal(await page.textContent('[data-metric="isolated:0:liquidationPrice"] dt'), '청산 가격');
  }, { locale: 'ko-KR' });
});

test('a lesson in Korean quotes the core\'s numbers as ko writes them', async () => {
  const { readFileSync } = await import('node:fs');
  const lesson = JSON.parse(readFileSync(new URL('../../web/lessons/04-tiers.json', import.meta.url), 'utf8'));
  const o = lab.evaluate(lesson.scenario).isolated.positions[0];
  await withPage(async (page) => {
    await page.goto(`${served.base}index.html?lang=ko#lesson=tiers`);
    await ready(page);
    await page.waitForSelector('#learn-title', WAIT);
    assert.equal(await page.textContent('#learn-title'), '구간: 큰 포지션이 더 일찍 청산되는 이유');
    const quote = (path) => page.textContent(`#learn .quote[data-path="${path}"]`);
    const ko = (options) => new Intl.NumberFormat('ko', options);
    assert.equal(await quote('report.isolated.positions[0].notional'), ko({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(o.notional));
    assert.equal(await quote('report.isolated.positions[0].maintenanceMarginRate'), ko({ style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(o.maintenanceMarginRate));
    assert.match(await page.textContent('#learn .lesson-text'), /유지 증거금률/);
  });
});

test('?lang=ja: the options account and the import panel show no English label; an options error and a risk-lab tool\'s steps in Japanese', async () => {
  const { default: ja } = await import('../../web/src/i18n/ja.js');
  await withPage(async (page) => {
    await page.goto(served.base + '?lang=ja');
    await ready(page);
    await page.click('#import-open');
    await page.waitForSelector('#import-text', WAIT);
    const panel = await page.evaluate(visibleTexts, '#import-panel');
    assert.ok(panel.includes(ja['import.title']) && panel.includes(ja['import.read']), panel.join(' | '));
    assert.deepEqual(await english(panel), [], 'the import panel in Japanese');

    await page.click('#options-toggle');
    await page.waitForSelector('[data-metric^="cross:now:"]', WAIT);
    await page.waitForFunction(() => !document.querySelector('#opt-results.stale') && document.querySelector('#opt-chart .legend, #opt-chart ul'), null, WAIT);
    await page.waitForSelector('#pmv-venues tbody tr', WAIT);  // portfolio margin by venue, a chunk of its own
    const options = await page.evaluate(visibleTexts, '#options');
    assert.ok(options.length > 100, `${options.length} texts`);
    assert.ok(options.includes(ja['opt.title']) && options.includes(ja['opt.pmTitle']), 'the options account\'s headings in Japanese');
    assert.deepEqual(await english(options), [], 'the options account in Japanese');

    const strike = '[data-opt-path="options[0].strike"]';
    await page.fill(strike, '-5');
    const slot = '[data-opt-error-for="options[0].strike"]';
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.trim(), slot, WAIT);
    assert.equal(await page.textContent(slot), '権利行使価格は0より大きくしてください（入力値：-5）。');
    assert.ok(await page.isVisible(slot));
  });

  // The account (version 3) at a phone's width, where each cell shows its column's name (data-label).
  await withPage(async (page) => {
    await page.goto(served.base + '?lang=ja');
    await ready(page);
    await page.click('#account-toggle');
    await page.waitForSelector('[data-metric="acct:equity"] .num', WAIT);
    const labels = await page.$$eval('#account [data-label]', (cells) => cells.map((c) => c.getAttribute('data-label')).filter(Boolean));
    assert.ok(labels.includes(ja['acct.haircut']) && labels.includes(ja['column.im']), labels.join(' | '));
    // A source is cited by its own title (acct.source: "出典：{source}、{date}。"), which stays as published.
    const cited = new RegExp('^' + ja['acct.source'].split('{source}')[0]);
    const texts = (await page.evaluate(visibleTexts, '#account')).filter((s) => !cited.test(s));
    assert.deepEqual(await english(texts), [], 'the account in Japanese, its cells\' column names too');
  }, { viewport: { width: 375, height: 812 } });

  // The risk lab's "Margin to move the liquidation price": every step said from its code in Japanese.
  const full = await (await import('./helpers.mjs')).fullLab();
  const { steps } = full.marginToTarget(defaultScenario, { position: 0, targetLiquidationPrice: 50000 }, { explain: true });
  const want = steps.map((s) => ja[`step.${s.code}`].replace('{symbol}', s.params.symbol));
  await withPage(async (page) => {
    await page.goto(served.base + '?lang=ja');
    await ready(page);
    const box = page.locator('#t-margin').locator('xpath=..');
    if (!(await box.evaluate((d) => d.open))) await box.locator(':scope > summary').click();
    await page.fill('[id="t-margin-targetLiquidationPrice"]', '50000');
    await page.locator('#t-margin button[type=submit]').click();
    await page.waitForSelector('#t-margin-out details.math > summary', WAIT);
    await page.locator('#t-margin-out details.math > summary').click();
    await page.waitForSelector('#t-margin-out details.math[open] li', WAIT);
    assert.deepEqual(await page.locator('#t-margin-out details.math li .step-label').allTextContents(), want);
  });
});
