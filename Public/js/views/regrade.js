// Regrade on the teacher's page: the questions a class has answered, a Regrade button for each, the regrade's
// progress (a <progress> bar with its figures in words) and, once it is done, the report of whose score changed.
import { h, replace } from '../dom.js';
import { api, ApiError } from '../api.js';
import { teacher } from '../store.js';

const POLL_MS = 500;
const score = (x) => String(Math.round(x * 100) / 100);

export function regradeCard() {
  const code = h('input', { id: 'regrade-code', autocomplete: 'off', spellcheck: 'false', value: teacher.lastCode(), class: 'code-input' });
  const area = h('div', { class: 'regrade-questions', 'aria-live': 'polite' });
  let names = new Map(); // student id → name, from the class's results
  let rows = new Map(); // question id → its Regrade button and the place for its progress and report
  let loads = 0;

  const classPath = () => `/api/v1/classes/${encodeURIComponent(code.value.trim())}`;
  const fail = (e) => h('p', { class: 'alert error', role: 'alert' },
    e instanceof ApiError && e.status === 403 ? `This class is not one of yours (${e.message})` : e.message);

  const load = async () => {
    const mine = ++loads;
    if (!code.value.trim()) { replace(area, h('p', { class: 'alert error', role: 'alert' }, 'Enter a class code.')); return; }
    area.setAttribute('aria-busy', 'true');
    let content;
    try {
      const results = await api(`${classPath()}/results`, { token: teacher.token() });
      if (mine !== loads) return;
      names = new Map((results.students || []).map((st) => [st.id, st.name]));
      content = questionsTable(results.questions || []);
    } catch (e) {
      if (mine !== loads) return;
      content = fail(e);
    }
    replace(area, content);
    area.removeAttribute('aria-busy');
    // A regrade still running (started before this page was opened) shows its progress again.
    try {
      const { regrades } = await api(`${classPath()}/regrades`, { token: teacher.token() });
      if (mine !== loads) return;
      for (const r of regrades.filter((x) => x.status === 'running')) {
        const row = rows.get(r.question);
        if (row && !row.button.disabled) start(r.question, row.button, row.out, r.id);
      }
    } catch { /* the questions are shown; the list of regrades is only a help */ }
  };

  const questionsTable = (questions) => {
    rows = new Map();
    if (!questions.length) return h('p', {}, 'No one in this class has answered a question yet: there is nothing to regrade.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'regrade-table' },
      h('caption', { class: 'sr-only' }, 'Questions this class has answered, each with a Regrade button'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Question'), h('th', { scope: 'col' }, 'Regrade'))),
      h('tbody', {}, questions.map((qid) => {
        const out = h('div', { class: 'regrade-out', id: `regrade-out-${qid}` });
        const button = h('button', { type: 'button', class: 'secondary regrade', dataset: { q: qid } }, `Regrade ${qid}`);
        button.addEventListener('click', () => start(qid, button, out));
        rows.set(qid, { button, out });
        return h('tr', { dataset: { q: qid } }, h('th', { scope: 'row' }, qid), h('td', {}, button, out));
      }))));
  };

  /** Starts a regrade of the question (or, given `running`, follows that one) until its report is drawn. */
  const start = async (qid, button, out, running) => {
    button.disabled = true;
    try {
      const id = running
        ?? (await api(`${classPath()}/regrades`, { method: 'POST', body: { question: qid }, token: teacher.token() })).id;
      await follow(qid, id, out);
    } catch (e) {
      replace(out, fail(e));
    } finally {
      button.disabled = false;
    }
  };

  /** Reads the regrade every half second until it is finished, drawing its progress and then its report. */
  const follow = async (qid, id, out) => {
    const bar = h('progress', { id: `regrade-progress-${qid}`, max: '1', value: '0', 'aria-label': `Regrade of ${qid}` });
    const words = h('p', { class: 'regrade-status', role: 'status' }, 'Starting…');
    replace(out, h('div', { class: 'regrade-progress' }, bar, words));
    for (;;) {
      const r = await api(`${classPath()}/regrades/${encodeURIComponent(id)}`, { token: teacher.token() });
      bar.max = Math.max(1, r.total);
      bar.value = r.done;
      bar.setAttribute('aria-valuetext', `${r.done} of ${r.total} attempts`);
      if (r.status === 'finished') {
        replace(out, report(qid, r));
        return;
      }
      words.textContent = `Regrading: ${r.done} of ${r.total} attempts done.`;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!out.isConnected) return;
    }
  };

  const report = (qid, r) => {
    const summary = h('p', { class: 'regrade-status', role: 'status', id: `regrade-done-${qid}` },
      `Regrade finished: ${r.total} attempt${r.total === 1 ? '' : 's'}, ${r.changes.length} score${r.changes.length === 1 ? '' : 's'} changed`
      + (r.failed ? `, ${r.failed} could not be graded again and kept their score.` : '.'));
    if (!r.changes.length) return summary;
    return [summary, h('table', { class: 'data regrade-report', id: `regrade-report-${qid}` },
      h('caption', {}, `Scores the regrade of ${qid} changed`),
      h('thead', {}, h('tr', {}, ['Student', 'Attempt', 'From', 'To'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, r.changes.map((c) => h('tr', { dataset: { student: names.get(c.student) || c.student } },
        h('th', { scope: 'row' }, names.get(c.student) || c.student),
        h('td', { class: 'num' }, `#${c.attempt}`),
        h('td', { class: 'num' }, score(c.from)),
        h('td', { class: 'num' }, score(c.to))))))];
  };

  const form = h('form', { class: 'inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'regrade-code' }, 'Class code'), code),
    h('button', { type: 'submit', class: 'primary' }, 'Show questions'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  return h('section', { class: 'card', 'aria-labelledby': 'regrade-h' },
    h('h2', { id: 'regrade-h' }, 'Regrade'),
    h('p', { class: 'form-hint' }, 'After a question’s tasks change, grade the class’s recorded attempts on it again. It runs in the background; students’ own submissions go first.'),
    form,
    area);
}
