// Item analysis and the end of a term on the teacher's page: per question, how the class did (a table with small
// bar charts: every bar has its value written beside it, the bars themselves are only decoration), filtered by
// assignment; the class exported as JSON or CSV; the class deleted, after a confirmation that names it.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { teacher } from '../store.js';

const error = (e) => h('p', { class: 'alert error', role: 'alert' }, e.message);
const share = (x) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`);
const fixed = (x) => (x === null || x === undefined ? '—' : (Math.round(x * 100) / 100).toFixed(2));

/** A bar 0..1 wide, hidden from screen readers: the text beside it says the same. */
function bar(fraction, kind = '') {
  const width = Math.max(0, Math.min(1, fraction || 0)) * 100;
  return h('span', { class: `mini-bar ${kind}`, 'aria-hidden': 'true' }, h('span', { style: `width: ${width}%` }));
}

/** A measure: its value as text, then its bar. */
function measure(value, text, kind) {
  return [h('span', { class: 'measure-value' }, text), bar(value, kind)];
}

/** Discrimination runs from -1 to 1: the bar grows from the middle, to the right for positive values. */
function discrimination(r) {
  if (r === null || r === undefined) return h('span', { class: 'measure-value' }, '—');
  const width = Math.min(1, Math.abs(r)) * 50;
  const side = r >= 0 ? `left: 50%; width: ${width}%` : `left: ${50 - width}%; width: ${width}%`;
  return [h('span', { class: 'measure-value' }, fixed(r)),
    h('span', { class: `mini-bar centred${r < 0.2 ? ' weak' : ''}`, 'aria-hidden': 'true' }, h('span', { style: side }))];
}

function counts(entries, label) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h('ul', { class: 'count-list', 'aria-label': label },
    entries.map(([name, n]) => h('li', {}, h('span', { class: 'count-name' }, `${name}: `), h('span', { class: 'count-value' }, String(n)), bar(n / max))));
}

function details(q) {
  if (q.options) {
    return counts(Object.entries(q.options).sort(([a], [b]) => a.localeCompare(b)), `Choices picked on the first attempt, ${q.id}`);
  }
  if (q.task_statuses) {
    const tasks = Object.entries(q.task_statuses);
    if (!tasks.length) return '—';
    return h('ul', { class: 'task-list' }, tasks.map(([task, statuses]) => h('li', {},
      h('span', { class: 'task-label' }, task), ' — ',
      Object.entries(statuses).sort(([, a], [, b]) => b - a).map(([status, n], i) => [i ? ', ' : '',
        h('span', { class: `status-count${status === 'passed' ? ' ok' : ''}` }, `${status.replace(/_/g, ' ')} ${n}`)]))));
  }
  return '—';
}

function analysisTable(data) {
  const scope = data.assignment ? `assignment “${data.assignment.title}”` : 'the whole class';
  if (!data.questions.length) return h('p', {}, `No attempts yet in ${scope}.`);
  return [
    h('p', { class: 'results-head' }, `Item analysis of ${scope}: students of the class who attempted each question. `,
      '“Right first time”: their first attempt passed. “Discrimination”: how well the question separates students strong on the other questions from weak ones (−1 to 1; under 0.2 is weak).'),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Item analysis, scrolls sideways' },
      h('table', { id: 'analysis-table', class: 'roster-table analysis-table' },
        h('caption', { class: 'sr-only' }, `Item analysis of ${scope}`),
        h('thead', {}, h('tr', {}, ['Question', 'Students', 'Attempts', 'Right first time', 'Mean best score', 'Discrimination', 'Choices or task statuses']
          .map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, data.questions.map((q) => h('tr', { dataset: { q: q.id } },
          h('th', { scope: 'row' }, q.title ? [q.title, h('br'), h('code', {}, q.id)] : h('code', {}, q.id)),
          h('td', { class: 'num', dataset: { m: 'students' } }, String(q.students)),
          h('td', { class: 'num', dataset: { m: 'attempts' } }, String(q.attempts)),
          h('td', { dataset: { m: 'first' } }, measure(q.first_try_right, share(q.first_try_right), 'ok')),
          h('td', { dataset: { m: 'mean' } }, measure(q.mean_best, fixed(q.mean_best))),
          h('td', { dataset: { m: 'discrimination' } }, discrimination(q.discrimination)),
          h('td', { class: 'details' }, details(q))))))),
  ];
}

export function analysisCard() {
  const code = h('input', { id: 'analysis-code', autocomplete: 'off', spellcheck: 'false', value: teacher.lastCode(), class: 'code-input' });
  const scope = h('select', { id: 'analysis-assignment' }, h('option', { value: '' }, 'The whole class'));
  const area = h('div', { class: 'analysis', 'aria-live': 'polite' });
  const base = () => `/api/v1/classes/${encodeURIComponent(code.value.trim())}`;
  let loads = 0;

  const loadAssignments = async () => {
    const keep = scope.value;
    try {
      const { assignments } = await api(`${base()}/assignments`, { token: teacher.token() });
      replace(scope, h('option', { value: '' }, 'The whole class'), assignments.map((a) => h('option', { value: a.id }, a.title)));
      if (assignments.some((a) => a.id === keep)) scope.value = keep;
    } catch { /* the analysis below says what is wrong */ }
  };
  const load = async () => {
    const mine = ++loads;
    if (!code.value.trim()) { replace(area, h('p', { class: 'alert error', role: 'alert' }, 'Enter a class code.')); return; }
    area.setAttribute('aria-busy', 'true');
    let content;
    try {
      const query = scope.value ? `?assignment=${encodeURIComponent(scope.value)}` : '';
      const data = await api(`${base()}/analysis${query}`, { token: teacher.token() });
      content = analysisTable(data);
    } catch (e) {
      content = error(e);
    }
    if (mine !== loads) return;
    replace(area, content);
    area.removeAttribute('aria-busy');
  };
  const form = h('form', { class: 'inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'analysis-code' }, 'Class code'), code),
    h('div', { class: 'field' }, h('label', { for: 'analysis-assignment' }, 'Questions of'), scope),
    h('button', { type: 'submit', class: 'primary', id: 'analysis-button' }, 'Show analysis'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!scope.options.length || scope.dataset.code !== code.value.trim()) {
      scope.dataset.code = code.value.trim();
      await loadAssignments();
    }
    load();
  });
  scope.addEventListener('change', load);
  return h('section', { class: 'card', 'aria-labelledby': 'analysis-h' }, h('h2', { id: 'analysis-h' }, 'Analysis'), form, area);
}

export function endOfTermCard() {
  const code = h('input', { id: 'term-code', autocomplete: 'off', spellcheck: 'false', value: teacher.lastCode(), class: 'code-input' });
  const out = h('div', { class: 'term-out', 'aria-live': 'polite' });
  const confirmBox = h('div', { class: 'confirm-box', hidden: true });
  const base = () => `/api/v1/classes/${encodeURIComponent(code.value.trim())}`;
  const links = new Map(); // format → the object URL of the last download

  const exportAs = async (format) => {
    const c = code.value.trim();
    if (!c) { replace(out, h('p', { class: 'alert error', role: 'alert' }, 'Enter a class code.')); return; }
    try {
      const blob = await api(`${base()}/export?format=${format}`, { token: teacher.token(), as: 'blob' });
      if (links.has(format)) URL.revokeObjectURL(links.get(format));
      const url = URL.createObjectURL(blob);
      links.set(format, url);
      const file = `class-${c}.${format}`;
      const a = h('a', { href: url, download: file, id: `export-${format}-link`, dataset: { bytes: String(blob.size) } }, `Save ${file}`);
      replace(out, h('p', {}, `Exported ${file} (${blob.size.toLocaleString()} bytes). `, a));
      a.click();
    } catch (e) {
      replace(out, error(e));
    }
  };

  const typed = h('input', { id: 'delete-confirm-code', autocomplete: 'off', spellcheck: 'false', class: 'code-input' });
  const ask = () => {
    const c = code.value.trim();
    if (!c) { replace(out, h('p', { class: 'alert error', role: 'alert' }, 'Enter a class code.')); return; }
    typed.value = '';
    replace(confirmBox,
      h('p', { class: 'alert warn', id: 'delete-warning' }, `This deletes the class ${c.toUpperCase()} for good: its students, every attempt, its assignments. Export it first if you want to keep anything. Students’ tokens stop working at once.`),
      h('div', { class: 'field' }, h('label', { for: 'delete-confirm-code' }, `Type the class code (${c.toUpperCase()}) to confirm`), typed),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'danger', id: 'delete-confirm' }, 'Delete the class for good'),
        h('button', { type: 'button', class: 'secondary', id: 'delete-cancel', onclick: () => { confirmBox.hidden = true; replace(out); } }, 'Cancel')));
    confirmBox.hidden = false;
    confirmBox.querySelector('#delete-confirm').addEventListener('click', () => remove(c));
    typed.focus();
  };
  const remove = async (c) => {
    if (typed.value.trim().toUpperCase() !== c.toUpperCase()) {
      replace(out, h('p', { class: 'alert error', role: 'alert' }, `Type ${c.toUpperCase()} to confirm.`));
      typed.focus();
      return;
    }
    try {
      await api(base(), { method: 'DELETE', token: teacher.token() });
      confirmBox.hidden = true;
      replace(out, h('p', { id: 'class-deleted', role: 'status' }, `Class ${c.toUpperCase()} deleted.`));
    } catch (e) {
      replace(out, error(e));
    }
  };

  return h('section', { class: 'card', 'aria-labelledby': 'term-h' },
    h('h2', { id: 'term-h' }, 'End of term'),
    h('div', { class: 'inline-form' }, h('div', { class: 'field' }, h('label', { for: 'term-code' }, 'Class code'), code)),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'secondary', id: 'export-json', onclick: () => exportAs('json') }, 'Export JSON'),
      h('button', { type: 'button', class: 'secondary', id: 'export-csv', onclick: () => exportAs('csv') }, 'Export CSV'),
      h('button', { type: 'button', class: 'danger', id: 'delete-class', onclick: ask }, 'Delete class…')),
    confirmBox, out);
}
