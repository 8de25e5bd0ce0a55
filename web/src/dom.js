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

/**
 * Makes `target`'s children the same as `source`'s (a freshly built tree), keeping the nodes
 * that already match: same node type and tag, same `data-metric`. Text and attributes are
 * updated in place, so an edit re-lays out the numbers that changed instead of the whole
 * results. Listeners stay on the kept nodes: they must read their data at event time.
 */
export function patch(target, source) {
  let o = target.firstChild;
  let n = source.firstChild;
  while (n) {
    const nextSource = n.nextSibling;
    if (!o) {
      target.appendChild(n);
    } else if (o.nodeType !== n.nodeType || o.nodeName !== n.nodeName ||
        (n.nodeType === 1 && o.getAttribute('data-metric') !== n.getAttribute('data-metric'))) {
      target.replaceChild(n, o);
      o = n;
    } else if (n.nodeType === 3) {
      if (o.data !== n.data) o.data = n.data;
    } else if (n.nodeType === 1) {
      const names = n.getAttributeNames();
      for (let i = 0; i < names.length; i++) {
        const value = n.getAttribute(names[i]);
        if (o.getAttribute(names[i]) !== value) o.setAttribute(names[i], value);
      }
      if (o.attributes.length !== names.length) {
        for (const name of o.getAttributeNames()) if (!n.hasAttribute(name)) o.removeAttribute(name);
      }
      patch(o, n);
    }
    o = o ? o.nextSibling : null;
    n = nextSource;
  }
  while (o) {
    const next = o.nextSibling;
    target.removeChild(o);
    o = next;
  }
}
