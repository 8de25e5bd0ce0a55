// SPDX-License-Identifier: MIT
// Output of the CLI: tables, CSV and JSON of what the core returned. No number is computed here:
// each is written as the core gave it (the shortest text that reads back the same double).

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(value) {
  if (typeof value === 'number') return String(value);
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (values) => values.map(csvField).join(',') + '\n';

/** Rows (arrays of strings) as columns padded to their widest cell; numbers right-aligned. */
export function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((v) => (v === null || v === undefined ? '-' : String(v))));
  const width = header.map((_, j) => Math.max(...cells.map((r) => (r[j] || '').length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || r[j] === null));
  return cells.map((r) => r.map((v, j) => (numeric[j] ? v.padStart(width[j]) : v.padEnd(width[j]))).join('  ').trimEnd()).join('\n') + '\n';
}

/** Steps ("show the math") as indented lines. */
export function stepLines(steps, indent = '    ') {
  return (steps || []).map((s) => `${indent}${s.label}: ${s.formula} = ${s.substituted}${s.value === null ? '' : ` = ${s.value}`}\n`).join('');
}

const POSITION_COLUMNS = ['liquidationPrice', 'bankruptcyPrice', 'notional', 'initialMargin', 'maintenanceMargin', 'marginRatio', 'distanceToLiquidation', 'unrealizedPnl'];
const ACCOUNT_COLUMNS = ['equity', 'maintenanceMargin', 'marginRatio', 'availableBalance', 'maxLoss', 'pastLiquidation'];

/** The outcomes of a Report (scenario version 1), one line a position and mode. */
function reportRows(scenario, report) {
  const rows = [];
  for (const name of ['isolated', 'cross', 'asGiven']) {
    const outcome = report[name];
    if (!outcome) continue;
    outcome.positions.forEach((p, i) => rows.push({ outcome: name, p, index: i, symbol: scenario.positions[i].symbol, side: scenario.positions[i].side }));
  }
  return rows;
}

/** A version-1 Report as table or CSV text (JSON is the report itself). */
export function formatReport(scenario, report, format, explain) {
  const rows = reportRows(scenario, report);
  const header = ['outcome', 'position', 'symbol', 'side', 'mode', ...POSITION_COLUMNS];
  const line = (r) => [r.outcome, r.index, r.symbol, r.side, r.p.mode, ...POSITION_COLUMNS.map((c) => r.p[c])];
  const accounts = ['isolated', 'cross', 'asGiven'].filter((n) => report[n]).map((n) => [n, ...ACCOUNT_COLUMNS.map((c) => report[n].account[c])]);
  if (format === 'csv') {
    return csvLine(header) + rows.map((r) => csvLine(line(r))).join('') + '\n' + csvLine(['account', ...ACCOUNT_COLUMNS]) + accounts.map(csvLine).join('');
  }
  let text = `Amounts in ${report.settlementAsset}\n\n`;
  if (!explain) text += table(header, rows.map(line));
  else for (const r of rows) text += table(header, [line(r)]) + stepLines(r.p.steps) + '\n';
  text += '\n' + table(['account', ...ACCOUNT_COLUMNS], accounts);
  if (explain) {
    for (const n of ['isolated', 'cross', 'asGiven']) if (report[n]) text += `\n${n} account:\n` + stepLines(report[n].account.steps);
    for (const c of report.comparisons || []) text += `\ncomparison, position ${c.position}:\n` + stepLines(c.steps);
  }
  return text;
}

/** An options account (scenario version 2) as table or CSV text: the account views. */
export function formatOptionsAccount(result, format, explain) {
  const columns = ['equity', 'initialMargin', 'maintenanceMargin', 'availableBalance', 'marginRatio', 'maxLoss', 'liquidated'];
  const views = [['now', result.now], ['later', result.later], ...result.volShifted.map((v) => [`volShift ${v.volShift}`, v])];
  const rows = views.map(([name, v]) => [name, v.days, ...columns.map((c) => v[c]), v.liquidationPrices.map((l) => `${l.price}${l.liquidatedBelow ? ' (below)' : ' (above)'}`).join(' ')]);
  const header = ['view', 'days', ...columns, 'liquidationPrices'];
  if (format === 'csv') return csvLine(header) + rows.map(csvLine).join('');
  return table(header, rows) + (explain ? '\n' + stepLines(result.steps, '  ') : '');
}
