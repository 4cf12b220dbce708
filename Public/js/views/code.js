// Code questions: a CodeMirror editor (a textarea when it cannot load), grading with a visible state,
// then the verdict and, per task, a badge, the message and the timeline of the calls.
import { h, replace, secs } from '../dom.js';
import { inline } from '../md.js';
import { ApiError } from '../api.js';
import { drafts } from '../store.js';
import { codemirror, prefersDark } from '../vendor.js';
import { timelineFigure } from '../timeline.js';

export const STATUS = {
  passed: 'Passed',
  wrong_answer: 'Wrong answer',
  not_concurrent: 'Not concurrent',
  blocked_loop: 'Blocked the event loop',
  not_cancelled: 'Not cancelled',
  timeout: 'Timed out',
  runtime_error: 'Raised an error',
  memory_limit: 'Used too much memory',
  output_limit: 'Printed too much',
  killed: 'Stopped by the sandbox',
};

export function codeForm(q, region, { submit, showResult }) {
  const edId = `code-${q.id}`;
  const starter = q.starter || '';
  const initial = drafts.get(q.id) ?? starter;
  const area = h('textarea', { id: edId, class: 'mono code-fallback', rows: 14, spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': `${edId}-hint` }, initial);
  area.value = initial;
  let editor = null;
  const getCode = () => (editor ? editor.getValue() : area.value);
  let saveTimer;
  const saveNow = () => {
    clearTimeout(saveTimer);
    const v = getCode();
    if (v === starter) drafts.clear(q.id); else drafts.set(q.id, v);
    draftNote.textContent = v === starter ? '' : 'Draft saved in this browser.';
  };
  const saveDraft = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, 400);
  };
  area.addEventListener('input', saveDraft);

  const button = h('button', { type: 'submit', class: 'primary' }, 'Submit');
  const status = h('div', { class: 'grading-status', 'aria-live': 'polite' });
  const draftNote = h('span', { class: 'draft-note' }, initial !== starter ? 'Your saved draft.' : '');
  const reset = h('button', {
    type: 'button', class: 'secondary', onclick: () => {
      if (getCode() !== starter && !confirm('Replace your code with the starter?')) return;
      if (editor) editor.setValue(starter); else area.value = starter;
      drafts.clear(q.id);
      draftNote.textContent = '';
      (editor || area).focus();
    },
  }, 'Reset to starter');
  const form = h('form', { class: 'answer code', novalidate: true },
    h('label', { for: edId, id: `${edId}-label` }, 'Your code'),
    h('div', { class: 'editor-wrap' }, area),
    h('p', { class: 'form-hint', id: `${edId}-hint` },
      'Tab indents, Shift+Tab dedents, Ctrl+Enter submits, Esc leaves the editor. ', draftNote),
    h('div', { class: 'actions' }, button, reset),
    status);

  // The editor replaces the textarea once the library is there.
  codemirror().then((CodeMirror) => {
    if (!area.isConnected) { requestAnimationFrame(() => mount(CodeMirror)); return; }
    mount(CodeMirror);
  }).catch(() => { /* the textarea stays: still a working answer box */ });

  function mount(CodeMirror) {
    if (editor || !area.parentNode) return;
    editor = CodeMirror.fromTextArea(area, {
      mode: 'python', lineNumbers: true, indentUnit: 4, tabSize: 4, indentWithTabs: false,
      matchBrackets: true, autoCloseBrackets: true,
      // long lines wrap: the editor never scrolls sideways, so nothing in it is out of the keyboard's reach
      lineWrapping: true, styleActiveLine: true, viewportMargin: Infinity,
      theme: prefersDark() ? 'material-darker' : 'default',
      extraKeys: {
        Tab: (cm) => (cm.somethingSelected() ? cm.indentSelection('add') : cm.replaceSelection(' '.repeat(cm.getOption('indentUnit')), 'end')),
        'Shift-Tab': (cm) => cm.indentSelection('subtract'),
        'Ctrl-Enter': () => form.requestSubmit(),
        'Cmd-Enter': () => form.requestSubmit(),
        'Ctrl-/': 'toggleComment',
        'Cmd-/': 'toggleComment',
        Esc: () => button.focus(),
      },
    });
    const input = editor.getInputField();
    input.setAttribute('aria-labelledby', `${edId}-label`);
    input.setAttribute('aria-describedby', `${edId}-hint`);
    input.setAttribute('aria-multiline', 'true');
    editor.on('change', saveDraft);
    editor.getWrapperElement().classList.add('editor');
    window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', (e) => editor.setOption('theme', e.matches ? 'material-darker' : 'default'));
    form.querySelector(`label[for="${edId}"]`).addEventListener('click', () => editor.focus());
    setTimeout(() => editor.refresh(), 0);
  }

  let inFlight = null;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (inFlight) return;
    const code = getCode();
    saveNow();
    if (!code.trim()) { replace(status, h('p', { class: 'alert' }, 'Write some code first.')); return; }
    button.disabled = true;
    region.setAttribute('aria-busy', 'true');
    inFlight = new AbortController();
    try {
      const r = await gradeWithRetry(() => submit(q, { code }, { signal: inFlight.signal }), status);
      replace(status);
      showResult(region, q, r, tasksView(r)); // moves the focus to the result's heading
      region.scrollIntoView({ block: 'start', behavior: window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    } catch (e) {
      replace(status, h('p', { class: 'alert error', role: 'alert' }, e instanceof ApiError ? e.message : `Something went wrong: ${e.message}`));
    } finally {
      inFlight = null;
      button.disabled = false;
      region.removeAttribute('aria-busy');
    }
  });
  return form;
}

/**
 * Shows "grading" with a spinner and the time since the request left (it is one POST: queued and running
 * look the same from here). A 429 shows the Retry-After countdown and retries once by itself.
 */
async function gradeWithRetry(send, status) {
  for (let attempt = 0; ; attempt++) {
    const stop = spinner(status, attempt ? 'Grading again' : 'Grading');
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 429 || attempt > 0) throw e;
      const wait = Math.min(60, Math.max(1, Math.ceil(e.retryAfter ?? 2)));
      stop();
      await countdown(status, wait, e.message);
    } finally {
      stop();
    }
  }
}

function spinner(status, word) {
  const t0 = performance.now();
  const time = h('span', { class: 'elapsed' }, '0.0 s');
  const phase = h('span', { class: 'phase' }, 'queued');
  replace(status, h('p', { class: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `${word}… `, phase, ' · ', time));
  const timer = setInterval(() => {
    const dt = (performance.now() - t0) / 1000;
    time.textContent = `${dt.toFixed(1)} s`;
    // One request: the server does not say when it leaves the queue; after a moment, it is most likely running.
    if (dt > 0.3) phase.textContent = 'queued or running';
  }, 100);
  return () => clearInterval(timer);
}

function countdown(status, seconds, detail) {
  return new Promise((resolve) => {
    let left = seconds;
    const n = h('span', {}, String(left));
    replace(status, h('p', { class: 'alert warn' }, `${detail} Retrying in `, n, ' s (Retry-After)…'));
    const timer = setInterval(() => {
      left -= 1;
      n.textContent = String(Math.max(0, left));
      if (left <= 0) { clearInterval(timer); resolve(); }
    }, 1000);
  });
}

/** The per-task list: name, status badge, message, elapsed time, and the timeline; `headingId` unique per page. */
export function tasksView(r, headingId = 'tasks-heading') {
  const tasks = Array.isArray(r.tasks) ? r.tasks : [];
  if (!tasks.length) return [];
  const passed = tasks.filter((t) => t.status === 'passed').length;
  return h('section', { class: 'tasks', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, `Example tasks: ${passed} of ${tasks.length} passed`),
    h('ol', { class: 'task-list' }, tasks.map((t) => h('li', { class: `task status-${t.status}` },
      h('div', { class: 'task-head' },
        h('span', { class: 'task-name' }, t.name),
        h('span', { class: `badge ${t.status === 'passed' ? 'ok' : 'bad'}` },
          h('span', { 'aria-hidden': 'true' }, t.status === 'passed' ? '✓ ' : '✗ '), STATUS[t.status] || t.status.replace(/_/g, ' ')),
        t.elapsed !== undefined && t.elapsed !== null ? h('span', { class: 'task-elapsed' }, `took ${secs(t.elapsed)}`) : null),
      t.message ? h('p', { class: 'task-message' }, inline(t.message)) : null,
      Array.isArray(t.trace) && t.trace.length ? timelineFigure(t, 640) : null))));
}
