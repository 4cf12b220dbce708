// The Debian-packaged browser libraries, loaded only when a page needs them.
import { loadScript, loadStyle, keyboardScrollable } from './dom.js';

const HL = '/vendor/highlight.js';
const CM = '/vendor/codemirror';

let hl;
/** Loads highlight.js (9.x) and its light and dark styles. */
export function highlighter() {
  if (!hl) {
    loadStyle(`${HL}/styles/github.css`, '(prefers-color-scheme: light), (prefers-color-scheme: no-preference)');
    loadStyle(`${HL}/styles/a11y-dark.css`, '(prefers-color-scheme: dark)');
    hl = loadScript(`${HL}/highlight.min.js`).then(() => {
      window.hljs.configure({ languages: ['python'] });
      return window.hljs;
    });
    hl.catch(() => { hl = undefined; });
  }
  return hl;
}

/** Highlights every <pre><code> under root; the code stays readable when the library cannot load. */
export async function highlightAll(root) {
  root.querySelectorAll('pre').forEach(keyboardScrollable);
  const blocks = root.querySelectorAll('pre code:not(.hljs)');
  if (!blocks.length) return;
  try {
    const hljs = await highlighter();
    // highlightBlock reads textContent and writes the library's escaped markup
    blocks.forEach((b) => (hljs.highlightElement || hljs.highlightBlock).call(hljs, b));
  } catch { /* plain text is fine */ }
}

let cm;
/** Loads CodeMirror 5 with the Python mode and the add-ons the editor uses. */
export function codemirror() {
  if (!cm) {
    loadStyle(`${CM}/lib/codemirror.css`);
    loadStyle(`${CM}/theme/material-darker.css`, '(prefers-color-scheme: dark)');
    cm = loadScript(`${CM}/lib/codemirror.js`)
      .then(() => Promise.all([
        loadScript(`${CM}/mode/python/python.js`),
        loadScript(`${CM}/addon/edit/matchbrackets.js`),
        loadScript(`${CM}/addon/edit/closebrackets.js`),
        loadScript(`${CM}/addon/comment/comment.js`),
        loadScript(`${CM}/addon/selection/active-line.js`),
      ]))
      .then(() => window.CodeMirror);
    cm.catch(() => { cm = undefined; });
  }
  return cm;
}

export const prefersDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches;
