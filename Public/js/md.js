// The bank's Markdown (prompts, explanations, feedback, titles) rendered with markdown-it from Debian
// (libjs-markdown-it, served at /vendor/markdown-it/), loaded once before the first page is drawn.
//
// No HTML from a bank can reach the page: markdown-it runs with `html: false` (raw HTML is escaped as text), and
// its output is then rebuilt element by element from an allow-list of tags and attributes, so even a bug in the
// parser could not bring in a script, an event handler or a javascript: link. When the library cannot load, the
// text is shown as plain paragraphs.
import { h, loadScript } from './dom.js';

const SRC = '/vendor/markdown-it/markdown-it.js';
let md = null;

/** Loads markdown-it; resolves (never rejects) once rendering is ready, with or without the library. */
export function ready() {
  if (md) return Promise.resolve(md);
  return loadScript(SRC).then(() => {
    md = window.markdownit({ html: false, linkify: false, typographer: false, breaks: false });
    md.disable(['image']); // a bank has no business loading images from elsewhere
    return md;
  }).catch(() => null);
}

// what may come out of markdown-it, and with which attributes
const ALLOWED = {
  p: [], em: [], strong: [], s: [], code: ['class'], pre: [], ul: [], ol: ['start'], li: [], blockquote: [],
  h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], hr: [], br: [], a: ['href', 'title'],
  table: [], thead: [], tbody: [], tr: [], th: ['style'], td: ['style'],
};
// block headings inside a question would break the page's outline: shown as strong paragraphs instead
const DEMOTE = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

function safeHref(href) {
  try {
    const u = new URL(href, location.href);
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? href : null;
  } catch { return null; }
}

/** Rebuilds parsed nodes with h(): allowed tags only, allowed attributes only, every text a text node. */
function rebuild(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = node.tagName.toLowerCase();
  const kids = [...node.childNodes].map(rebuild).filter(Boolean);
  if (!(tag in ALLOWED)) return kids.length ? kids : null; // unknown element: keep its text only
  if (DEMOTE.has(tag)) return h('p', {}, h('strong', {}, kids));
  const attrs = {};
  for (const name of ALLOWED[tag]) {
    const v = node.getAttribute(name);
    if (v === null) continue;
    if (name === 'href') { const ok = safeHref(v); if (ok) attrs.href = ok; continue; }
    if (name === 'class' && !/^language-[\w+-]+$/.test(v)) continue;
    if (name === 'style' && !/^text-align:(left|right|center)$/.test(v)) continue;
    if (name === 'start' && !/^\d+$/.test(v)) continue;
    attrs[name] = v;
  }
  if (tag === 'a') attrs.rel = 'noopener noreferrer';
  return h(tag, attrs, kids);
}

function parse(html) {
  // a <template> parses without running anything or loading anything
  const t = document.createElement('template');
  t.innerHTML = html;
  return [...t.content.childNodes].map(rebuild).flat(Infinity).filter(Boolean);
}

/** Block-level rendering: returns a DocumentFragment. Fenced code without a language is Python. */
export function renderText(text) {
  const frag = document.createDocumentFragment();
  const src = String(text ?? '');
  if (!md) {
    src.replace(/\r\n?/g, '\n').split(/\n\s*\n/).filter((p) => p.trim()).forEach((p) => frag.append(h('p', {}, p.trim())));
    return frag;
  }
  frag.append(...parse(md.render(src)));
  frag.querySelectorAll('pre').forEach((pre) => {
    pre.classList.add('code');
    const code = pre.querySelector('code');
    if (code && !/\blanguage-/.test(code.className)) code.className = 'language-python';
  });
  return frag;
}

/** A <pre><code> whose text is set as text; highlighted later by highlightAll() when hljs is there. */
export function codeBlock(code, lang = 'python') {
  return h('pre', { class: 'code' }, h('code', { class: `language-${lang}` }, code));
}

/** Inline rendering (titles, options, feedback): returns an array of nodes. */
export function inline(text) {
  const src = String(text ?? '');
  if (!md) return [document.createTextNode(src)];
  return parse(md.renderInline(src));
}
