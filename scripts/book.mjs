// SPDX-License-Identifier: MIT
// A book of N positions as CSV for `marginlab batch` (its speed): BTCUSDT and ETHUSDT on Binance,
// long and short, sizes, entries and leverages that stay within the shipped tiers.
// Usage: node scripts/book.mjs 1000000 > book.csv && time node build/npm/marginlab/bin/marginlab.mjs batch book.csv > out.csv
const n = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(n) || n < 1 || n > 50_000_000) throw new Error('node scripts/book.mjs N: N is a whole number of rows, 1 to 50,000,000');
const symbols = ['BTCUSDT', 'ETHUSDT'];
let chunk = 'symbol,side,quantity,entryPrice,leverage\n';
for (let i = 0; i < n; i++) {
  chunk += `${symbols[i % 2]},${i % 3 ? 'long' : 'short'},${(0.001 + (i % 977) * 0.01).toFixed(3)},${(1000 + (i % 1000) * 61.7).toFixed(2)},${1 + (i % 20)}\n`;
  if (chunk.length > 1 << 20) { process.stdout.write(chunk); chunk = ''; }
}
process.stdout.write(chunk);
