// SPDX-License-Identifier: MIT
// Gzipped size of every file the page loads to paint, and the budget (DESIGN.md: < 120 KB in
// all). The risk lab (when its section comes near the screen), the lessons, the options account and a
// venue's tables load on first use and are listed apart.
// Exits 1 when the total passes the budget. Usage: node scripts/size.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 120 * 1024;
const dist = new URL('../web/dist/', import.meta.url);
const PAGE = ['index.html', 'app.js', 'app.css', 'marginlab.js', 'marginlab.wasm', 'favicon.svg', 'venues.js'];
const ON_DEMAND = ['marginlab-full.js', 'marginlab-full.wasm', 'mc-worker.js'];
const rows = [];
let total = 0;
for (const name of readdirSync(dist).sort()) {
  const raw = readFileSync(new URL(name, dist));
  const gz = gzipSync(raw, { level: 9 }).length;
  const lesson = name.startsWith('chunk-learn-');  // learn mode and its lessons: when a lesson is opened
  const options = name.startsWith('chunk-options-') || name === 'options.css';  // the options account: when it is opened
  const account = name.startsWith('chunk-account-') || name === 'account.css';  // the account (version 3): when it is opened
  const messages = name.startsWith('chunk-messages-');
  const language = /^chunk-(translate|en|zh-CN|es|ru|ja|ko|tr|vi)-/.test(name);  // a page language other than English
  const risk = name.startsWith('chunk-risk-');  // the risk lab: when its section comes near the screen  // errors, steps and past-liquidation notes in words: when first needed
  const venue = /^venue-.*\.js$/.test(name);  // a venue's tier tables: when the venue is chosen
  const importer = name.startsWith('chunk-import-panel-') || name === 'marginlab-import.js';  // Import from exchange: when opened
  const reconcile = name.startsWith('chunk-reconcile-view-');  // a reconciliation's layout: an import's panels or a "Venue shows" tool
  const venuesPm = name.startsWith('chunk-pm-panel-');  // portfolio margin by venue: with the options account's first result, or a lesson on it
  const loaded = PAGE.includes(name) || (name.startsWith('chunk-') && !lesson && !options && !account && !messages && !risk && !importer && !reconcile && !language && !venuesPm);  // chunks: chart and risk-lab forms, after the first result
  if (loaded) total += gz;
  const note = loaded ? '' : ON_DEMAND.includes(name)
    ? `  (loaded when the risk lab${name.startsWith('marginlab-full') ? ' or the options account' : ''} is first used)`
    : lesson ? '  (loaded when a lesson is opened)' : options ? '  (loaded when the options account is opened, with marginlab-full)'
    : account ? '  (loaded when the account is opened, with marginlab-full)'
    : venue ? '  (loaded when its venue is chosen)'
    : importer ? '  (loaded when "Import from exchange" is opened and used)'
    : reconcile ? '  (loaded when an import gives a venue figure or a "Venue shows" tool computes)'
    : venuesPm ? '  (loaded with the options account\'s first result, or a lesson on portfolio margin)'
    : risk ? '  (loaded when the risk lab comes near the screen)'
    : messages ? '  (loaded on the first input error, position past liquidation or use of the risk lab)'
    : language ? '  (loaded when the page is in a language other than English)'
    : '  (not loaded by the page)';
  rows.push(`${name.padEnd(28)} ${String(raw.length).padStart(9)} B ${String(gz).padStart(8)} B gz${note}`);
}
console.log(rows.join('\n'));
console.log(`page total ${total} B gzipped (${(total / 1024).toFixed(1)} KB); budget ${BUDGET / 1024} KB`);
if (total > BUDGET) {
  console.error(`over budget by ${total - BUDGET} B`);
  process.exit(1);
}
