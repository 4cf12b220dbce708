// Markdown-ish text of the bank (paragraphs, `code`, ``code``, **bold**, *italic*, fenced code blocks)
// rendered as DOM nodes. Nothing here ever assigns HTML: every piece of text is a text node.
import { h } from './dom.js';

/** Block-level rendering: returns a DocumentFragment. */
export function renderText(text) {
  const frag = document.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  let para = [];
  let list = null;
  const flush = () => {
    if (para.length) frag.append(h('p', {}, inline(para.join(' '))));
    para = [];
  };
  const flushList = () => {
    if (list) frag.append(list);
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = line.match(/^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$/);
    if (fence) {
      flush(); flushList();
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      frag.append(codeBlock(body.join('\n'), fence[2] || 'python'));
      continue;
    }
    const item = line.match(/^\s*(?:[-*]|\d+[.)])\s+(.*)$/);
    if (item) {
      flush();
      if (!list) list = h(/^\s*\d/.test(line) ? 'ol' : 'ul');
      list.append(h('li', {}, inline(item[1])));
      continue;
    }
    if (line.trim() === '') { flush(); flushList(); continue; }
    if (list && /^\s+/.test(line)) { list.lastChild.append(' ', inline(line.trim())); continue; }
    flushList();
    para.push(line.trim());
  }
  flush(); flushList();
  return frag;
}

/** A <pre><code> whose text is set as text; highlighted later by highlightAll() when hljs is there. */
export function codeBlock(code, lang = 'python') {
  return h('pre', { class: 'code' }, h('code', { class: `language-${lang}` }, code));
}

/** Inline rendering: returns an array of nodes. */
export function inline(text) {
  const out = [];
  const s = String(text ?? '');
  let i = 0, buf = '';
  while (i < s.length) {
    if (s[i] === '`') {
      let n = 0;
      while (s[i + n] === '`') n++;
      const ticks = '`'.repeat(n);
      let j = s.indexOf(ticks, i + n);
      // the closing run must be exactly n back-ticks long
      while (j !== -1 && s[j + n] === '`') j = s.indexOf(ticks, j + n + 1);
      if (j !== -1) {
        if (buf) out.push(...emphasis(buf));
        buf = '';
        let code = s.slice(i + n, j);
        if (n > 1 && code.startsWith(' ') && code.endsWith(' ') && code.trim()) code = code.slice(1, -1);
        out.push(h('code', {}, code));
        i = j + n;
        continue;
      }
      buf += ticks;
      i += n;
      continue;
    }
    buf += s[i++];
  }
  if (buf) out.push(...emphasis(buf));
  return out;
}

function emphasis(text) {
  const out = [];
  const re = /\*\*(?=\S)([\s\S]+?)\*\*|(?<![\w*])\*(?=[^\s*])([^*]+?)\*(?![\w*])/g;
  let last = 0, m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    out.push(m[1] !== undefined ? h('strong', {}, m[1]) : h('em', {}, m[2]));
    last = re.lastIndex;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}
