// SPDX-License-Identifier: MIT
// The shared last step of the tier converters (okx-tiers.mjs, bybit-tiers.mjs): put a checked transcription's
// rows (and its raw column) into one symbol of a venue file, which must already hold the symbol with its spec.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'data', 'venues');

/** Replaces `symbol`'s tiers and merges `raw` into its raw field in core/data/venues/<file>. */
export function writeSymbol(file, symbol, raw, tiers) {
  const path = join(dataDir, file);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  const sym = doc.symbols.find((s) => s.symbol === symbol);
  if (!sym) throw new Error(`${symbol} is not in ${file}: add it with its spec first`);
  sym.raw = { ...sym.raw, ...raw };
  sym.tiers = tiers;
  writeFileSync(path, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`${symbol}: ${tiers.length} rows written`);
}
