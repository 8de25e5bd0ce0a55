// SPDX-License-Identifier: MIT
// <margin-lab scenario='{...}'>: the calculator in compact embed mode, in an iframe of the
// page next to this script. Attributes: scenario (Scenario JSON), src (the page's URL; default
// index.html beside this file), height (CSS length; without it the iframe follows the page's
// height messages, web/src/embed.js), label (iframe title), lang (the page's language: en, zh-CN, es,
// ru, ja, ko, tr, vi; web/src/i18n.js).
// The attribute is untrusted: it is parsed as JSON only and errors are shown as text. Messages
// count only from the iframe's own window and of the protocol's shape. When the page in the
// iframe does not answer, a link to the full calculator takes its place; the element's own
// children (a link in the snippet) show while this script cannot load at all.
import { encodeJson, MAX_FRAGMENT_CHARS } from './fragment.js';
import { heightOf } from './embed.js';

const MAX_ATTRIBUTE_CHARS = 65536;
const ANSWER_MS = 5000;  // after the iframe's load event, the page's first height message is due

class MarginLabElement extends HTMLElement {
  static get observedAttributes() { return ['scenario', 'src', 'height', 'label', 'lang']; }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.generation = 0;
    this.frame = null;
    this.onMessage = (e) => this.message(e);
  }

  connectedCallback() {
    window.addEventListener('message', this.onMessage);
    this.render();
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.onMessage);
    clearTimeout(this.timer);
  }

  attributeChangedCallback() { if (this.isConnected) this.render(); }

  async render() {
    const generation = ++this.generation;
    const text = this.getAttribute('scenario') || '';
    let fragment = '';
    if (text) {
      if (text.length > MAX_ATTRIBUTE_CHARS) {
        return this.fail(`The scenario attribute is too long (${text.length} characters; at most ${MAX_ATTRIBUTE_CHARS}).`);
      }
      let scenario;
      try {
        scenario = JSON.parse(text);
      } catch {
        return this.fail('The scenario attribute is not valid JSON.');
      }
      if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) return this.fail('The scenario attribute must be a JSON object.');
      // The text goes on as written (the page checks every field): re-serializing would turn 1e999
      // into null and could overflow the stack on deep nesting.
      try {
        fragment = '#' + (await encodeJson(text));
      } catch {
        if (generation === this.generation) this.fail('The scenario attribute could not be compressed.');
        return;
      }
      if (generation !== this.generation) return;
      if (fragment.length - 1 > MAX_FRAGMENT_CHARS) {
        return this.fail(`The scenario attribute is too large: compressed it takes ${fragment.length - 1} characters of the page's link; at most ${MAX_FRAGMENT_CHARS}.`);
      }
    }
    if (generation !== this.generation) return;
    let src;
    try {
      src = new URL(this.getAttribute('src') || './index.html', import.meta.url);
    } catch {
      return this.fail('The src attribute is not a URL.');
    }
    if (src.protocol !== 'https:' && src.protocol !== 'http:' && src.protocol !== 'file:') return this.fail('The src attribute must be an http(s) URL.');
    src.searchParams.set('embed', '1');
    // The page's language (web/src/i18n.js): the element's own lang, else the page's as the browser chose it.
    if (this.getAttribute('lang')) src.searchParams.set('lang', this.getAttribute('lang').slice(0, 35));
    src.hash = fragment;
    this.show(src);
  }

  /** The iframe of the page at `src`, and the link to the full calculator that stands in for it. */
  show(src) {
    const frame = document.createElement('iframe');
    frame.src = src.href;
    frame.title = this.getAttribute('label') || 'MarginLab margin calculator';
    frame.loading = 'lazy';
    frame.referrerPolicy = 'no-referrer';
    frame.style.border = '0';
    frame.style.width = '100%';
    const fixed = /^\d+(\.\d+)?(px|rem|em|vh)$/.test(this.getAttribute('height') || '') ? this.getAttribute('height') : null;
    frame.style.height = fixed || '720px';
    frame.style.display = 'block';
    const full = new URL(src.href);
    full.searchParams.delete('embed');
    this.frame = frame;
    this.frameState = { origin: src.origin, fixed: Boolean(fixed), answered: false, full: full.href };
    clearTimeout(this.timer);
    frame.addEventListener('load', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.unanswered(frame), ANSWER_MS);
    });
    this.shadowRoot.replaceChildren(frame);
  }

  /** A height message from the iframe's page: the page is there, and this is its height. */
  message(e) {
    const frame = this.frame;
    if (!frame || !frame.isConnected || e.source !== frame.contentWindow) return;
    if (this.frameState.origin !== 'null' && e.origin !== this.frameState.origin) return;
    const height = heightOf(e.data);
    if (height === null) return;
    this.frameState.answered = true;
    clearTimeout(this.timer);
    if (frame.style.display === 'none') {
      frame.style.display = 'block';
      this.shadowRoot.replaceChildren(frame);
    }
    if (!this.frameState.fixed) frame.style.height = `${height}px`;
  }

  /** The page did not answer (its server is down, or src is wrong): a link to it instead. */
  unanswered(frame) {
    if (frame !== this.frame || this.frameState.answered) return;
    frame.style.display = 'none';
    const link = document.createElement('a');
    link.href = this.frameState.full;
    link.textContent = 'Open the MarginLab calculator';
    const p = document.createElement('p');
    p.append('The calculator could not load here. ', link, '.');
    this.shadowRoot.append(p);
  }

  fail(message) {
    this.frame = null;
    clearTimeout(this.timer);
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = `MarginLab: ${message}`;
    this.shadowRoot.replaceChildren(p);
  }
}

if (!customElements.get('margin-lab')) customElements.define('margin-lab', MarginLabElement);
