// SPDX-License-Identifier: MIT
// The charts' shared parts, for the calculator's chart and the options account's: vertical markers
// on a uPlot chart (a line at each marked price: liquidation, bankruptcy, tier boundaries, entry,
// mark, index; its label beside it on a row of its own, kept inside the plot) and the plot itself
// (price across, an amount up, the page's colours). The prices come from the core's answers.
import uPlot from 'uplot';

/** A colour custom property of the page (light or dark). */
export function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * A uPlot draw hook for `marks`: [{ x, label, color (a custom property), dash: [px], width = 1.5,
 * bold = false }], an empty label drawing the line alone. Labels take `rows` rows `rowHeight` px
 * apart from the top, in price order, each in the first row where it meets no other label, on
 * the page's background so that it reads over the curves and the other lines. A label that
 * finds no free row is left out (its line stays; the chart's summary names every price): labels
 * never overlap each other. The labels drawn are listed on the chart's root as data-labels
 * ("left,top,width,height;..." in CSS pixels) for tests.
 */
export function markerHook(marks, { rows = 5, rowHeight = 13 } = {}) {
  const sorted = [...marks].sort((a, b) => a.x - b.x);
  return (u) => {
    const ctx = u.ctx;
    const { top, height, left, width } = u.bbox;
    const dpr = devicePixelRatio;
    const bg = css('--c-bg');
    ctx.save();
    ctx.textAlign = 'left';  // uPlot leaves the axes' alignment behind
    ctx.textBaseline = 'alphabetic';
    const ends = Array(rows).fill(-Infinity);  // where the last label of each row ends
    const drawn = [];
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
      const w = ctx.measureText(m.label).width;
      // Right of the line when it fits, else left of it; never outside the plot.
      const at = Math.max(left + 2 * dpr, Math.min(x + 4 * dpr + w <= left + width ? x + 4 * dpr : x - 4 * dpr - w, left + width - w));
      // The first row whose labels end before this one starts; none: the label is left out.
      const row = ends.findIndex((end) => end + 6 * dpr <= at);
      if (row < 0 || 12 + rowHeight * row > height / dpr - 4) continue;
      ends[row] = at + w;
      const y = top + (12 + rowHeight * row) * dpr;
      drawn.push([at - 2 * dpr, y - 11 * dpr, w + 4 * dpr, 14 * dpr].map((z) => Math.round(z / dpr)).join(','));
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = bg;
      ctx.fillRect(at - 2 * dpr, y - 11 * dpr, w + 4 * dpr, 14 * dpr);
      ctx.globalAlpha = 1;
      ctx.fillStyle = color;
      ctx.fillText(m.label, at, y);
    }
    ctx.restore();
    u.root.dataset.labels = drawn.join(';');
  };
}

/**
 * Draws a chart in `container` in place of `previous` (a uPlot or null) and returns it: price
 * across (x: [label, tick text]), an amount up (y: [label, tick text]), `series` and `data` as
 * uPlot takes them, `marks` drawn by markerHook with `markOptions`. Its width is the container's,
 * its height height(width).
 */
export function plotChart(container, previous, { height, x: [xLabel, xTick], y: [yLabel, yTick], series, data, marks, markOptions, legend = true, restIndex = null }) {
  const width = Math.max(280, container.clientWidth || 600);
  const text = css('--c-text'), grid = css('--c-grid');
  const axis = (label, tick, more) => ({ stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, label, values: (_, vals) => vals.map(tick), ...more });
  const opts = {
    width, height: height(width),
    legend: { show: legend },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false } },
    axes: [axis(xLabel, xTick, { space: 70 }), axis(yLabel, yTick, { size: 70 })],
    series,
    hooks: { draw: [markerHook(marks, markOptions)] },
  };
  // The legend's values at `restIndex` (the mark) while the pointer is off the chart, instead of blanks.
  if (restIndex !== null) opts.hooks.setCursor = [(u) => { if (u.cursor.idx == null) u.setLegend({ idx: restIndex }); }];
  if (previous) previous.destroy();
  container.replaceChildren();
  const u = new uPlot(opts, data, container);
  if (restIndex !== null) u.setLegend({ idx: restIndex });
  return u;
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * A legend that reads without hovering: each curve's name beside a sample of its line, in its
 * colour (a custom property) and dash pattern ([] solid), as [{ label, color, dash, width }].
 */
export function lineLegend(items, label) {
  const list = document.createElement('ul');
  list.className = 'line-legend';
  list.setAttribute('aria-label', label);
  for (const it of items) {
    const li = document.createElement('li');
    li.dataset.line = it.label;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', '36');
    svg.setAttribute('height', '10');
    svg.setAttribute('aria-hidden', 'true');
    const line = document.createElementNS(SVG, 'line');
    for (const [k, v] of [['x1', 0], ['y1', 5], ['x2', 36], ['y2', 5], ['stroke', css(it.color)], ['stroke-width', it.width ?? 2],
      ['stroke-dasharray', it.dash.length ? it.dash.join(' ') : 'none']]) line.setAttribute(k, String(v));
    svg.append(line);
    li.append(svg, ' ' + it.label);
    list.append(li);
  }
  return list;
}
