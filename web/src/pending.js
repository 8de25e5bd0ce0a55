// SPDX-License-Identifier: MIT
// PENDING: values the core is taking over (issue 13, "no number computed in page JS"). The page
// reads the core's fields (report.settlementAsset; a Monte Carlo tally's probability and
// medianDays); each function here fills in one of them, the page's former computation, only when
// the core's answer lacks it. Delete each function, and its one call, once the build the page
// runs on carries the field.

/** report.settlementAsset, until evaluate reports it: guessed from the first position's symbol (was format.js settlementUnit). */
export function settlementAsset(report, scenario) {
  if (typeof report.settlementAsset === 'string' || !report.isolated) return report;
  const p = scenario.positions[0];
  const s = String(p.symbol || '').toUpperCase();
  let asset = 'quote';
  if (p.contract === 'inverse') {
    const m = s.match(/^([A-Z0-9]+?)(USD|USDT|USDC)?([-_].*)?$/);
    asset = m ? m[1] : 'coin';
  } else {
    for (const q of ['USDT', 'USDC', 'FDUSD', 'BUSD', 'USD']) if (s.endsWith(q) || s.includes(q + '-') || s.includes(q + '_')) { asset = q; break; }
  }
  report.settlementAsset = asset;
  return report;
}

/**
 * A Monte Carlo tally's probability.{isolated, cross} (fraction of the paths liquidated) and
 * medianDays.{isolated, cross} (null when none was liquidated), until the core
 * reports them: computed from liquidatedPaths and timeHistogram (was risk.js). Returns the
 * tally to show; the tally itself goes back to the core unchanged.
 */
export function monteCarloSummary(tally, request) {
  if (tally.probability && tally.medianDays) return tally;
  const dt = request.days / request.steps;
  const median = (hist, total) => {
    let seen = 0;
    for (let i = 0; i < hist.length; i++) if ((seen += hist[i]) * 2 >= total && total > 0) return (i + 1) * dt;
    return null;
  };
  const { liquidatedPaths: n, timeHistogram: hist, paths } = tally;
  return {
    ...tally,
    probability: { isolated: n.isolated / paths, cross: n.cross / paths },
    medianDays: { isolated: median(hist.isolated, n.isolated), cross: median(hist.cross, n.cross) },
  };
}
