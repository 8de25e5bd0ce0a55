// SPDX-License-Identifier: MIT
// Vertical markers on a uPlot chart, for the calculator's chart and the options account's: a line
// at each marked price (liquidation, bankruptcy, tier boundaries, entry, mark, index), its label
// beside it on a row of its own, kept inside the plot. The prices come from the core's answers.

/** A colour custom property of the page (light or dark). */
export function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * A uPlot draw hook for `marks`: [{ x, label, color (a custom property), dash: [px], width = 1.5,
 * bold = false }], an empty label drawing the line alone. Labels take `rows` rows `rowHeight` px
 * apart from the top, in price order; `backing` puts the page's background behind each label so
 * it reads over the curves.
 */
export function markerHook(marks, { rows = 5, rowHeight = 13, backing = false } = {}) {
  const sorted = [...marks].sort((a, b) => a.x - b.x);
  return (u) => {
    const ctx = u.ctx;
    const { top, height, left, width } = u.bbox;
    const dpr = devicePixelRatio;
    const bg = backing ? css('--c-bg') : null;
    ctx.save();
    ctx.textAlign = 'left';  // uPlot leaves the axes' alignment behind
    ctx.textBaseline = 'alphabetic';
    let row = 0;
    for (const m of sorted) {
      const x = Math.round(u.valToPos(m.x, 'x', true));
      const color = css(m.color);
      ctx.strokeStyle = color;
      ctx.setLineDash(m.dash.map((d) => d * dpr));
      ctx.lineWidth = (m.width ?? 1.5) * dpr;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      if (!m.label) continue;
      ctx.font = `${m.bold ? '700 ' : ''}${Math.round(11 * dpr)}px system-ui, sans-serif`;
      const y = top + (12 + rowHeight * (row++ % rows)) * dpr;
      const w = ctx.measureText(m.label).width;
      // Right of the line when it fits, else left of it; never outside the plot.
      const at = Math.max(left + 2 * dpr, Math.min(x + 4 * dpr + w <= left + width ? x + 4 * dpr : x - 4 * dpr - w, left + width - w));
      if (bg) {
        ctx.globalAlpha = 0.85;
        ctx.fillStyle = bg;
        ctx.fillRect(at - 2 * dpr, y - 11 * dpr, w + 4 * dpr, 14 * dpr);
        ctx.globalAlpha = 1;
      }
      ctx.fillStyle = color;
      ctx.fillText(m.label, at, y);
    }
    ctx.restore();
  };
}
