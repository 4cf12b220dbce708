// Assignments: the teacher's card (the class's assignments, a new one, an assignment's results with late marks)
// and the student's list (open ones first, how many questions are done).
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { teacher } from '../store.js';
import { allQuestions } from '../data.js';

/** A `datetime-local` value (to the minute or the second) as RFC 3339 with this browser's offset
 * (`2026-03-02T09:00:00+01:00`). */
export function rfc3339(local) {
  const d = new Date(local);
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
    + `${offset >= 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** An RFC 3339 time as a `datetime-local` value in this browser's time zone, to the second. */
export function localValue(text) {
  const d = new Date(text);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const when = (text) => new Date(text).toLocaleString();
const error = (e) => h('p', { class: 'alert error', role: 'alert' }, e.message);

export function assignmentsCard() {
  const code = h('input', { id: 'assign-code', autocomplete: 'off', spellcheck: 'false', value: teacher.lastCode(), class: 'code-input' });
  const list = h('div', { class: 'assignments', 'aria-live': 'polite' });
  const results = h('div', { class: 'assignment-results', 'aria-live': 'polite' });
  const made = h('div', { 'aria-live': 'polite' });
  const base = () => `/api/v1/classes/${encodeURIComponent(code.value.trim())}/assignments`;

  const load = async () => {
    if (!code.value.trim()) { replace(list, h('p', { class: 'alert error', role: 'alert' }, 'Enter a class code.')); return; }
    list.setAttribute('aria-busy', 'true');
    try {
      const { assignments } = await api(base(), { token: teacher.token() });
      replace(list, assignments.length ? table(assignments) : h('p', {}, 'No assignments yet.'));
    } catch (e) {
      replace(list, error(e));
    }
    list.removeAttribute('aria-busy');
  };

  const showResults = async (a) => {
    results.setAttribute('aria-busy', 'true');
    try {
      replace(results, resultsTable(await api(`${base()}/${encodeURIComponent(a.id)}/results`, { token: teacher.token() })));
    } catch (e) {
      replace(results, error(e));
    }
    results.removeAttribute('aria-busy');
  };

  const table = (assignments) => h('div', { class: 'table-wrap' }, h('table', { id: 'assignments-table', class: 'roster-table' },
    h('caption', { class: 'sr-only' }, 'The class’s assignments, by due time'),
    h('thead', {}, h('tr', {}, ['Assignment', 'Opens', 'Due', 'Questions', 'Rules', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, assignments.map((a) => h('tr', { dataset: { assignment: a.title } },
      h('th', { scope: 'row' }, a.title),
      h('td', {}, when(a.opens_at)),
      h('td', {}, when(a.due_at)),
      h('td', { class: 'num' }, String(a.questions.length)),
      h('td', {}, `${a.max_attempts ? `${a.max_attempts} attempts, ` : ''}counts the ${a.counts}; key ${a.key === 'now' ? 'shown at once' : 'after the due time'}`
        + (a.time_limit_minutes ? `; ${a.time_limit_minutes} min from first opening` : '')),
      h('td', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary results-button', onclick: () => showResults(a) }, `Results of ${a.title}`),
        h('button', { type: 'button', class: 'secondary edit-assignment', onclick: () => edit(a) }, `Edit ${a.title}`),
        h('button', { type: 'button', class: 'secondary delete-assignment', onclick: () => remove(a) }, `Delete ${a.title}`)))))));

  // Deleting keeps the students' attempts (the server says so too); the browser's own dialog asks first.
  const remove = async (a) => {
    if (!window.confirm(`Delete the assignment “${a.title}”? The students’ attempts stay; only the assignment goes.`)) return;
    try {
      await api(`${base()}/${encodeURIComponent(a.id)}`, { method: 'DELETE', token: teacher.token() });
      replace(made, h('p', { id: 'assignment-made' }, `“${a.title}” deleted. Its attempts stay.`));
      if (editing?.id === a.id) stopEditing();
      await load();
    } catch (e) {
      replace(list, error(e));
    }
  };

  // The new assignment's form: questions picked from the bank, times in this browser's time zone.
  const title = h('input', { id: 'assign-title', autocomplete: 'off', maxlength: 120 });
  const questions = h('select', { id: 'assign-questions', multiple: true, size: 6 });
  // The class's list when a class code is given (the built-in questions and its teachers' own), else the public one.
  const fill = (qs) => replace(questions, qs.map((q) => h('option', { value: q.id }, `${q.title} (${q.id})`)));
  const loadQuestions = () => {
    const c = code.value.trim();
    const own = c ? api(`/api/v1/questions?class=${encodeURIComponent(c)}`, { token: teacher.token() }).then((d) => d.questions) : Promise.reject();
    return own.catch(() => allQuestions()).then(fill).catch(() => {});
  };
  loadQuestions();
  // `step: 1`: a time may be given to the second (a short quiz in class), not only to the minute.
  const opens = h('input', { id: 'assign-opens', type: 'datetime-local', step: 1 });
  const due = h('input', { id: 'assign-due', type: 'datetime-local', step: 1 });
  const max = h('input', { id: 'assign-max', type: 'number', min: 1, max: 1000, inputmode: 'numeric' });
  const limit = h('input', { id: 'assign-limit', type: 'number', min: 1, max: 1440, step: 1, inputmode: 'numeric' });
  const counts = h('select', { id: 'assign-counts' }, ['best', 'first', 'last'].map((c) => h('option', { value: c }, c)));
  const key = h('select', { id: 'assign-key' }, h('option', { value: 'after_due' }, 'after the due time'), h('option', { value: 'now' }, 'at once'));
  const field = (id, label, control, hint) => h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'form-hint' }, hint) : null);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create assignment');
  const cancel = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Cancel editing');
  const form = h('form', { class: 'new-assignment', novalidate: true },
    field('assign-title', 'Title', title),
    field('assign-questions', 'Questions', questions, 'Hold Ctrl (or ⌘) to pick several.'),
    h('div', { class: 'inline-form' }, field('assign-opens', 'Opens', opens), field('assign-due', 'Due', due),
      field('assign-max', 'Attempts per question (empty: no limit)', max)),
    h('div', { class: 'inline-form' }, field('assign-counts', 'Counts the attempt', counts), field('assign-key', 'Shows the key', key),
      field('assign-limit', 'Time limit in minutes (empty: none)', limit, 'Counted from when each student first opens it; never past the due time.')),
    h('div', { class: 'actions' }, submit, cancel));
  // Editing an assignment fills this same form and sends `PUT` with the new terms; the late marks follow on the server.
  let editing = null;
  const stopEditing = () => {
    editing = null;
    replace(submit, 'Create assignment');
    cancel.hidden = true;
    form.reset();
  };
  cancel.addEventListener('click', () => { stopEditing(); title.focus(); });
  const edit = (a) => {
    editing = a;
    box.open = true;
    title.value = a.title;
    for (const id of a.questions) {
      if (![...questions.options].some((o) => o.value === id)) questions.append(h('option', { value: id }, id));
    }
    for (const o of questions.options) o.selected = a.questions.includes(o.value);
    opens.value = localValue(a.opens_at);
    due.value = localValue(a.due_at);
    max.value = a.max_attempts ?? '';
    counts.value = a.counts;
    key.value = a.key;
    limit.value = a.time_limit_minutes ?? '';
    replace(submit, `Save changes to ${a.title}`);
    cancel.hidden = false;
    replace(made, h('p', {}, `Editing “${a.title}”: attempts already made stay, and whether each was late follows the new times.`));
    title.focus();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const picked = [...questions.selectedOptions].map((o) => o.value);
    const missing = !title.value.trim() ? [title, 'Enter a title.'] : !picked.length ? [questions, 'Pick at least one question.']
      : !opens.value ? [opens, 'Enter when it opens.'] : !due.value ? [due, 'Enter when it is due.'] : null;
    if (missing) { replace(made, h('p', { class: 'alert error', role: 'alert' }, missing[1])); missing[0].focus(); return; }
    const body = { title: title.value.trim(), questions: picked, opens_at: rfc3339(opens.value), due_at: rfc3339(due.value), counts: counts.value, key: key.value };
    if (max.value) body.max_attempts = Number(max.value);
    if (limit.value) body.time_limit_minutes = Number(limit.value);
    try {
      if (editing) {
        const a = await api(`${base()}/${encodeURIComponent(editing.id)}`, { method: 'PUT', body, token: teacher.token() });
        stopEditing();
        replace(made, h('p', { id: 'assignment-made' }, `“${a.title}” saved.`));
      } else {
        const a = await api(base(), { method: 'POST', body, token: teacher.token() });
        replace(made, h('p', { id: 'assignment-made' }, `“${a.title}” created.`));
        title.value = '';
        limit.value = '';
      }
      await load();
    } catch (e) {
      replace(made, error(e));
    }
  });
  const pick = h('form', { class: 'inline-form', novalidate: true },
    field('assign-code', 'Class code', code), h('button', { type: 'submit', class: 'primary' }, 'Show assignments'));
  pick.addEventListener('submit', (ev) => { ev.preventDefault(); load(); loadQuestions(); });
  const box = h('details', { class: 'new-assignment-box' }, h('summary', {}, 'New assignment'), form, made);
  return h('section', { class: 'card', 'aria-labelledby': 'assignments-h' },
    h('h2', { id: 'assignments-h' }, 'Assignments'), pick, list, results, box);
}

function resultsTable(r) {
  const late = r.assignment.time_limit_minutes ? 'after the due time or the end of the student’s time limit' : 'after the due time';
  const head = h('p', { class: 'results-head' }, h('strong', {}, r.assignment.title), ` · due ${when(r.assignment.due_at)} · counts the ${r.assignment.counts} attempt; “late”: that attempt came ${late}`);
  if (!r.students.length) return [head, h('p', {}, 'No students in the class yet.')];
  return [head, h('div', { class: 'table-wrap' }, h('table', { id: 'assignment-results-table', class: 'matrix' },
    h('caption', { class: 'sr-only' }, `Results of ${r.assignment.title}: the counted score per student and question`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Student'), h('th', { scope: 'col', class: 'num' }, 'Total'),
      r.questions.map((q) => h('th', { scope: 'col', class: 'q-col' }, h('span', {}, q))))),
    h('tbody', {}, r.students.map((st) => h('tr', { dataset: { student: st.name } },
      h('th', { scope: 'row' }, st.name),
      h('td', { class: 'num total' }, String(Math.round(st.total * 100) / 100)),
      r.questions.map((q) => {
        const c = st.results[q];
        return h('td', { class: 'cell', dataset: { q, late: c?.late ? 'true' : 'false' } },
          c ? `${Math.round(c.score * 100) / 100}${c.late ? ' late' : ''}` : '—',
          h('span', { class: 'sr-only' }, c ? `, ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}` : 'not tried'));
      }))))))];
}

/** The student's assignments, on their class page. A timed one is started with its button (or by a first attempt on
 * one of its questions); once started it shows the time left as text, and announces it politely only at a few
 * thresholds (10, 5 and 1 minutes left, and time up), never every second. */
export function myAssignments(token) {
  const box = h('div', { class: 'my-assignments', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading your assignments…'));
  const render = () => api('/api/v1/me/assignments', { token }).then(({ assignments }) => {
    replace(box, assignments.length ? h('ul', { class: 'assignment-list' }, assignments.map((a) => h('li', { dataset: { assignment: a.title, state: a.state } },
      h('strong', {}, a.title), ` — ${a.done} of ${a.total} done · `,
      a.state === 'open' ? `due ${when(a.due_at)}` : a.state === 'upcoming' ? `opens ${when(a.opens_at)}` : `was due ${when(a.due_at)}`,
      a.time_limit_minutes ? ` · ${a.time_limit_minutes} min from when you start` : '',
      ' · ', a.questions.map((q, i) => [i ? ', ' : '', h('a', { href: `#/q/${encodeURIComponent(q)}` }, q)]),
      timer(a, token, render))))
      : h('p', {}, 'No assignments.'));
  }).catch((e) => replace(box, error(e)));
  render();
  return box;
}

const announceAt = [600, 300, 60, 0];   // seconds left at which the time left is said aloud

/** Seconds as `12 min 05 s` (or `1 h 02 min`). */
function left(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} min`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** The start button of a timed assignment not started yet, or the time left on one started. */
function timer(a, token, rerender) {
  if (!a.time_limit_minutes || a.state === 'upcoming') return null;
  if (!a.started_at) {
    if (a.state !== 'open') return null;
    const msg = h('span', {});
    const button = h('button', { type: 'button', class: 'secondary small start-assignment' }, `Start ${a.title} (${a.time_limit_minutes} min)`);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api(`/api/v1/me/assignments/${encodeURIComponent(a.id)}/start`, { method: 'POST', token });
        await rerender();
      } catch (e) {
        replace(msg, error(e));
        button.disabled = false;
      }
    });
    return h('div', { class: 'assignment-timer' }, button, msg);
  }
  const ends = new Date(a.ends_at);
  // The visible clock is not a live region (it changes every second); the announcer speaks at thresholds only.
  const clock = h('span', { class: 'time-left', 'aria-live': 'off' });
  const announcer = h('span', { class: 'sr-only time-left-announcement', role: 'status', 'aria-live': 'polite' });
  const said = new Set(announceAt.filter((t) => (ends - Date.now()) / 1000 <= t));   // nothing old said at once
  let shown = false;   // stops once the list is redrawn or left (the clock was on the page, and is not any more)
  const tick = () => {
    if (clock.isConnected) shown = true;
    else if (shown) return;
    const secs = (ends - Date.now()) / 1000;
    if (secs <= 0) {
      replace(clock, `Time is up (ended ${when(a.ends_at)}). Answers now are recorded as late.`);
      clock.dataset.over = 'true';
    } else {
      replace(clock, `Time left: ${left(secs)} (ends ${when(a.ends_at)})`);
      clock.dataset.over = 'false';
    }
    const due = announceAt.find((t) => secs <= t && !said.has(t));
    if (due !== undefined) {
      said.add(due);
      replace(announcer, due === 0 ? `${a.title}: time is up.` : `${a.title}: ${Math.round(due / 60)} minute${due === 60 ? '' : 's'} left.`);
    }
    if (secs > 0) setTimeout(tick, 1000);
  };
  tick();
  return h('div', { class: 'assignment-timer' }, clock, announcer);
}
