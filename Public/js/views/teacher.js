// The teacher: a token for this tab, new classes (the code shown large for a projector), the results matrix,
// and the CSV download.
import { h, replace } from '../dom.js';
import { api, ApiError } from '../api.js';
import { teacher } from '../store.js';
import { rosterCard } from './roster.js';
import { classSettingsCard } from './classSettings.js';
import { assignmentsCard } from './assignments.js';
import { banksCard } from './banks.js';
import { openAttempts } from './attempts.js';
import { regradeCard } from './regrade.js';
import { analysisCard, endOfTermCard } from './analysis.js';
import { signInForm, signedInLine, passwordBox } from './signin.js';

export function teacherView() {
  const page = h('section', { class: 'teacher-page' }, h('h1', {}, 'Teacher'));
  const token = teacher.token();
  if (!token && !teacher.session()) {
    page.append(tokenForm(), signInForm(rerender));
    return page;
  }
  page.append(
    token
      ? h('p', { class: 'token-line' }, 'Teacher token saved for this tab only. ',
        h('button', { type: 'button', class: 'link-button', onclick: () => { teacher.setToken(null); rerender(); } }, 'Forget it'))
      : signedInLine(rerender),
    token ? passwordBox() : null,
    createClassCard(),
    resultsCard(),
    classSettingsCard(),
    rosterCard(),
    banksCard(),
    assignmentsCard(),
    analysisCard(),
    regradeCard(),
    endOfTermCard());
  return page;
}

function rerender() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function tokenForm(problem) {
  const input = h('input', { id: 'teacher-token', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const msg = h('div', { 'aria-live': 'polite' }, problem ? h('p', { class: 'alert error', role: 'alert' }, problem) : null);
  const form = h('form', { class: 'card', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'teacher-token' }, 'Teacher token'), input,
      h('p', { class: 'form-hint' }, 'Printed by the server at start-up (or set in QUIZ_TEACHER_TOKEN). Kept only while this tab is open.')),
    msg,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Continue')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!input.value.trim()) { replace(msg, h('p', { class: 'alert error', role: 'alert' }, 'Enter the token.')); input.focus(); return; }
    teacher.setToken(input.value.trim());
    rerender();
  });
  return form;
}

/** A 401 means the saved token is wrong: forget it and ask again. */
function explain(e) {
  if (e instanceof ApiError && e.status === 401) {
    teacher.setToken(null);
    teacher.setSession(null);
    return h('p', { class: 'alert error', role: 'alert' }, `The teacher token was not accepted (${e.message}). `,
      h('button', { type: 'button', class: 'link-button', onclick: rerender }, 'Enter it again'));
  }
  if (e instanceof ApiError && e.status === 404 && /nothing at|no endpoint/i.test(e.message)) {
    return h('p', { class: 'alert error', role: 'alert' }, 'Classes are not available on this server yet.');
  }
  return h('p', { class: 'alert error', role: 'alert' }, e.message);
}

function createClassCard() {
  const name = h('input', { id: 'class-name', required: true, maxlength: 100, autocomplete: 'off', placeholder: 'e.g. Period 3, Tuesday' });
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Create class');
  const form = h('form', { class: 'inline-form', novalidate: true },
    h('div', { class: 'field grow' }, h('label', { for: 'class-name' }, 'Class name'), name),
    button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) { replace(out, h('p', { class: 'alert error', role: 'alert' }, 'Enter a name for the class.')); name.focus(); return; }
    button.disabled = true;
    try {
      const c = await api('/api/v1/classes', { method: 'POST', body: { name: name.value.trim() }, token: teacher.token() });
      teacher.addClass({ code: c.code, name: c.name });
      teacher.setLastCode(c.code);
      replace(out, projector(c));
      const pick = document.getElementById('results-code');
      if (pick) { pick.value = c.code; refreshDatalist(); }
      name.value = '';
    } catch (e) {
      replace(out, explain(e));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'create-h' }, h('h2', { id: 'create-h' }, 'Create a class'), form, out);
}

/** The code, very large, for a projector. */
function projector(c) {
  const joinUrl = `${location.origin}${location.pathname}#/class/${encodeURIComponent(c.code)}`;
  const copied = h('span', { class: 'copied', 'aria-live': 'polite' });
  return h('div', { class: 'projector' },
    h('p', { class: 'projector-label' }, `Class “${c.name}” — students join with the code`),
    h('p', { class: 'big-code', id: 'class-code', 'aria-label': `Class code ${[...String(c.code)].join(' ')}` }, c.code),
    h('p', { class: 'projector-url' }, 'at ', h('a', { href: joinUrl }, joinUrl)),
    h('div', { class: 'actions center' },
      h('button', {
        type: 'button', class: 'secondary', onclick: async () => {
          try { await navigator.clipboard.writeText(c.code); copied.textContent = 'Copied.'; } catch {
            const r = document.createRange(); r.selectNodeContents(document.getElementById('class-code'));
            const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
            copied.textContent = 'Selected: press Ctrl+C to copy.';
          }
        },
      }, 'Copy code'), copied));
}

function refreshDatalist() {
  const dl = document.getElementById('class-codes');
  if (dl) replace(dl, teacher.classes().map((c) => h('option', { value: c.code }, c.name)));
}

function resultsCard() {
  const code = h('input', { id: 'results-code', list: 'class-codes', autocomplete: 'off', spellcheck: 'false', value: teacher.lastCode(), class: 'code-input' });
  const dl = h('datalist', { id: 'class-codes' }, teacher.classes().map((c) => h('option', { value: c.code }, c.name)));
  const area = h('div', { class: 'results', 'aria-live': 'polite' });
  const onlyTried = h('input', { type: 'checkbox', id: 'only-tried', checked: true });
  const auto = h('input', { type: 'checkbox', id: 'auto-refresh' });
  const csvOut = h('span', { class: 'csv-out', 'aria-live': 'polite' });
  let last = null, timer = null, loads = 0;

  // Loads can overlap (the automatic first load, Show results, Refresh, the 10 s timer): only the newest
  // one may draw, so an older answer never replaces a newer table, and the area stays busy until it is done.
  const load = async () => {
    const c = code.value.trim();
    const mine = ++loads;
    if (!c) { area.removeAttribute('aria-busy'); replace(area, h('p', { class: 'alert error', role: 'alert' }, 'Enter a class code.')); return; }
    teacher.setLastCode(c);
    area.setAttribute('aria-busy', 'true');
    let content;
    try {
      const r = mapResults(await api(`/api/v1/classes/${encodeURIComponent(c)}/results`, { token: teacher.token() }), c);
      if (mine !== loads) return;
      last = r;
      content = matrix(last, onlyTried.checked);
    } catch (e) {
      if (mine !== loads) return;
      last = null;
      content = explain(e);
    }
    replace(area, content);
    area.removeAttribute('aria-busy');
  };
  const download = async () => {
    const c = code.value.trim();
    if (!c) return;
    try {
      const blob = await api(`/api/v1/classes/${encodeURIComponent(c)}/results.csv`, { token: teacher.token(), as: 'blob' });
      const text = await blob.text();
      const old = csvOut.querySelector('a');
      if (old) URL.revokeObjectURL(old.href);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const file = `class-${c}-results.csv`;
      const a = h('a', { href: url, download: file, id: 'csv-link', dataset: { rows: String(Math.max(0, text.trim().split('\n').length - 1)) } }, `Save ${file} again`);
      replace(csvOut, `Downloaded ${file} (${a.dataset.rows} student rows). `, a);
      a.click();
    } catch (e) {
      replace(csvOut, explain(e));
    }
  };
  const form = h('form', { class: 'inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'results-code' }, 'Class code'), code, dl),
    h('button', { type: 'submit', class: 'primary' }, 'Show results'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  onlyTried.addEventListener('change', () => { if (last) replace(area, matrix(last, onlyTried.checked)); });
  auto.addEventListener('change', () => {
    clearInterval(timer);
    if (auto.checked) timer = setInterval(() => { if (!area.isConnected) clearInterval(timer); else load(); }, 10000);
  });
  if (code.value) queueMicrotask(load);
  return h('section', { class: 'card', 'aria-labelledby': 'results-h' },
    h('h2', { id: 'results-h' }, 'Results'),
    form,
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'secondary', onclick: load }, 'Refresh'),
      h('button', { type: 'button', class: 'secondary', id: 'csv-button', onclick: download }, 'Download CSV'),
      h('label', { class: 'check' }, onlyTried, ' Only questions someone tried'),
      h('label', { class: 'check' }, auto, ' Refresh every 10 s')),
    csvOut,
    area);
}

/**
 * The results JSON → {name, code, questions: [{id, title}], students: [{id, name, total, cells: {qid: cell}}]}.
 * Kept small: the exact server shape is adjusted here and nowhere else.
 */
export function mapResults(data, code) {
  const cls = data.class || {};
  const students = (data.students || []).map((st) => {
    const cells = {};
    for (const [qid, c] of Object.entries(st.results || {})) {
      if (c) cells[qid] = { best: num(c.best ?? c.best_score ?? c.score), attempts: c.attempts ?? 0, last: c.last_verdict ?? c.lastVerdict, hints: c.hints ?? 0 };
    }
    const total = num(st.total) ?? Object.values(cells).reduce((a, c) => a + (c.best || 0), 0);
    return { id: st.id, name: st.name ?? `student ${st.id}`, total, cells };
  });
  let questions = (data.questions || []).map((q) => (typeof q === 'string' ? { id: q, title: q } : { id: q.id, title: q.title || q.id }));
  if (!questions.length) {
    const ids = new Set(students.flatMap((st) => Object.keys(st.cells)));
    questions = [...ids].map((id) => ({ id, title: id }));
  }
  return { name: cls.name ?? '', code: cls.code ?? code, questions, students };
}

function num(x) {
  const n = typeof x === 'string' ? Number(x) : x;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

const fmtScore = (b) => (b === null || b === undefined ? '—' : String(Math.round(b * 100) / 100));

function band(cell) {
  if (!cell || !cell.attempts && cell.best === null) return 'none';
  if (cell.best >= 1) return 'full';
  if (cell.best >= 0.5) return 'mid';
  if (cell.best > 0) return 'low';
  return 'zero';
}

function matrix(r, onlyTried) {
  const qs = onlyTried ? r.questions.filter((q) => r.students.some((st) => st.cells[q.id]?.attempts || st.cells[q.id]?.best !== undefined && st.cells[q.id]?.best !== null)) : r.questions;
  const head = h('p', { class: 'results-head' }, h('strong', {}, r.name || r.code), ` · code ${r.code} · ${r.students.length} student${r.students.length === 1 ? '' : 's'}`,
    r.students.length ? ` · best score per student and question (1 = fully right)${onlyTried && qs.length < r.questions.length ? `; ${qs.length} of ${r.questions.length} questions tried so far` : ''}` : '');
  if (!r.students.length) return [head, h('p', {}, 'No students have joined yet.')];
  const table = h('table', { class: 'matrix', id: 'results-table' },
    h('caption', { class: 'sr-only' }, `Results of ${r.name || r.code}: best score per student and question, 1 = fully right`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'sticky' }, 'Student'),
      h('th', { scope: 'col', class: 'num' }, 'Total'),
      qs.map((q) => h('th', { scope: 'col', class: 'q-col', title: q.title }, h('span', {}, q.id))))),
    h('tbody', {}, r.students.map((st) => h('tr', { dataset: { student: st.name } },
      h('th', { scope: 'row', class: 'sticky' }, st.name),
      h('td', { class: 'num total' }, st.total === null ? '—' : String(Math.round(st.total * 100) / 100)),
      qs.map((q) => {
        const c = st.cells[q.id];
        const b = band(c);
        const hinted = c?.hints ? `, ${c.hints} hint${c.hints === 1 ? '' : 's'} taken` : '';
        const said = c ? `, ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}${c.last ? `, last ${String(c.last).replace(/_/g, ' ')}` : ''}${hinted}` : '';
        const mark = c?.hints ? h('sup', { class: 'hint-mark', 'aria-hidden': 'true' }, `${c.hints}h`) : null;
        // A tried cell opens that student's attempts on that question: their code, tasks and timelines.
        const content = c && c.attempts
          ? h('button', { type: 'button', class: 'cell-open', 'aria-label': `${fmtScore(c.best)}${said}: open ${st.name}'s attempts on ${q.id}`,
            onclick: (ev) => openAttempts({ code: r.code, student: st, question: q.id, title: q.title, token: teacher.token(), opener: ev.currentTarget }) },
            fmtScore(c.best), mark)
          : [fmtScore(c?.best), mark, h('span', { class: 'sr-only' }, c ? said : 'not tried')];
        return h('td', { class: `cell s-${b}`, dataset: { q: q.id }, title: c ? `${q.id}: best ${fmtScore(c.best)}, ${c.attempts} attempt(s)${c.last ? `, last ${c.last}` : ''}${hinted}` : `${q.id}: not tried` },
          content);
      })))));
  const key = h('p', { class: 'matrix-key' }, 'Key: ',
    [['full', '1 fully right'], ['mid', '0.5–0.99'], ['low', 'under 0.5'], ['zero', '0'], ['none', '— not tried']].map(([k, t]) =>
      h('span', { class: `key cell s-${k}` }, t)), ' ', h('span', { class: 'key' }, h('sup', { class: 'hint-mark' }, '2h'), ' 2 hints taken'));
  return [head, h('div', { class: 'table-wrap matrix-wrap', tabindex: '0', role: 'region', 'aria-label': 'Results table, scrolls sideways' }, table), key];
}
