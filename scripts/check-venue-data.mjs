#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Validates core/data/venues/*.json (the venue tier and contract tables, issue 14) with the checks
// the API runs on load (wasm/venue-data.mjs), that each source says when it was retrieved, and that
// published maintenance amounts keep maintenance margin continuous at every cap (continuityProblems).
// Usage: node scripts/check-venue-data.mjs [dir]. Exits 1 on any problem.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { venueProblems, continuityProblems } from '../wasm/venue-data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? join(here, '..', 'core', 'data', 'venues');
const problems = [];
const counts = [];

const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
if (files.length === 0) problems.push(`${dir}: no .json files`);
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  } catch (e) {
    problems.push(`${f}: not JSON (${e.message})`);
    continue;
  }
  problems.push(...venueProblems(doc, f), ...continuityProblems(doc, f));
  for (const key of ['source', 'specSource'])
    if (doc && doc[key] && typeof doc[key].retrieved !== 'string') problems.push(`${f}: ${key}.retrieved: missing`);
  if (!Array.isArray(doc?.symbols)) continue;
  const withTiers = doc.symbols.filter((s) => Array.isArray(s?.tiers) && s.tiers.length).length;
  counts.push([doc.venue ?? f, doc.symbols.length, withTiers, doc.source?.snapshotDate ?? '?']);
}

for (const [venue, n, t, date] of counts) console.log(`${venue}: ${n} symbols, ${t} with tiers (snapshot ${date})`);
for (const p of problems) console.error(`problem: ${p}`);
const failed = new Set(problems.map((p) => p.split(':')[0])).size;
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(problems.length ? 1 : 0);
