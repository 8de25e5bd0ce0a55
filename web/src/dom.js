// SPDX-License-Identifier: MIT
// A tiny DOM builder. Text always goes in as text nodes: nothing a user or a link supplies is
// ever parsed as HTML.

/** h('p', { class: 'x' }, 'text', child, null) -> element. Attributes with null are left out. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'value' && (tag === 'input' || tag === 'textarea')) el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}
