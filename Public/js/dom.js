// Tiny DOM helpers: every string becomes a text node, never HTML.

/** h('p', {class: 'x', onclick: fn}, 'text', child) builds an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements (createElementNS). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'hidden') { el[k] = !!v; if (v) el.setAttribute(k, ''); }
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Loads a classic script once (the vendored libraries are not modules). */
const loaded = new Map();
export function loadScript(src) {
  if (!loaded.has(src)) {
    loaded.set(src, new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = src;
      el.async = false; // keep the order of dependent scripts
      el.onload = resolve;
      el.onerror = () => { loaded.delete(src); reject(new Error(`Could not load ${src}`)); };
      document.head.append(el);
    }));
  }
  return loaded.get(src);
}

export function loadStyle(href, media) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  document.head.append(h('link', { rel: 'stylesheet', href, media }));
}

/** Formats seconds: 3 → "3 s", 0.25 → "0.25 s". */
export function secs(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  const r = Math.round(x * 1000) / 1000;
  return `${r} s`;
}

export function pct(score) {
  return `${Math.round((score || 0) * 100)}%`;
}

/**
 * A block that may scroll sideways (code, output) is reachable with the keyboard while it does: then it is a
 * focusable, named region (Tab to it, arrows scroll it); when it fits, it is left out of the tab order.
 */
const scrollWatch = typeof ResizeObserver === 'function' ? new ResizeObserver((entries) => entries.forEach((e) => fitCheck(e.target))) : null;
function fitCheck(el) {
  const overflows = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  if (overflows && !el.hasAttribute('tabindex')) {
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', `${el.dataset.label || 'Code'} (scrolls)`);
  } else if (!overflows && el.getAttribute('role') === 'region') {
    el.removeAttribute('tabindex');
    el.removeAttribute('role');
    el.removeAttribute('aria-label');
  }
}
export function keyboardScrollable(el) {
  if (el.dataset.scrollWatch) return el;
  el.dataset.scrollWatch = '1';
  if (el.isConnected) fitCheck(el);
  scrollWatch?.observe(el);
  return el;
}
