// The student's class: join with a code and a name, see whether attempts are recorded, my attempts, leave.
import { h, replace, pct } from '../dom.js';
import { api, ApiError } from '../api.js';
import { student } from '../store.js';
import { allQuestions } from '../data.js';
import { myAssignments } from './assignments.js';

export function classView(prefillCode = '') {
  const who = student.get();
  return who?.token ? joinedView(who) : joinForm(prefillCode);
}

function joinForm(prefillCode) {
  const code = h('input', { id: 'join-code', name: 'class', required: true, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', value: prefillCode, class: 'code-input' });
  const name = h('input', { id: 'join-name', name: 'name', required: true, autocomplete: 'name', maxlength: 80 });
  const msg = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Join class');
  const form = h('form', { class: 'card join', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'join-code' }, 'Class code'), code,
      h('p', { class: 'form-hint' }, 'Your teacher shows it on the screen.')),
    h('div', { class: 'field' }, h('label', { for: 'join-name' }, 'Your name'), name,
      h('p', { class: 'form-hint' }, 'As your teacher should see it.')),
    msg,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const c = code.value.trim(), n = name.value.trim();
    if (!c || !n) {
      replace(msg, h('p', { class: 'alert error', role: 'alert' }, !c ? 'Enter the class code.' : 'Enter your name.'));
      (!c ? code : name).focus();
      return;
    }
    button.disabled = true;
    try {
      const r = await api('/api/v1/students', { method: 'POST', body: { name: n, class: c } });
      student.set({ token: r.token, name: r.name ?? n, class: r.class ?? c, id: r.id });
      // one render of the joined page: changing the hash fires hashchange; on #/class already, fire it ourselves
      if (location.hash === '#/class') window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = '#/class';
    } catch (e) {
      const detail = e instanceof ApiError && e.status === 404 && /nothing at|no endpoint/i.test(e.message)
        ? 'Joining a class is not available on this server yet.' : e.message;
      replace(msg, h('p', { class: 'alert error', role: 'alert' }, detail));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'class-page' },
    h('h1', {}, 'Join a class'),
    h('p', { class: 'lead' }, 'Join your teacher’s class to have your answers recorded. You can study without joining: your progress then stays in this browser only.'),
    form,
    readmitForm());
}

/** A one-time code from the teacher (a lost token, or added by name): back into the class as the same student. */
function readmitForm() {
  const code = h('input', { id: 'readmit-code', name: 'code', required: true, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', class: 'code-input' });
  const msg = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'secondary' }, 'Use the code');
  const form = h('form', { class: 'card readmit', novalidate: true },
    h('h2', { id: 'readmit-h' }, 'A code from your teacher?'),
    h('div', { class: 'field' }, h('label', { for: 'readmit-code' }, 'One-time code'), code,
      h('p', { class: 'form-hint' }, 'Like ABCDE-FGHJK. It brings you back into your class under your name; it works once.')),
    msg,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!code.value.trim()) { replace(msg, h('p', { class: 'alert error', role: 'alert' }, 'Enter the code.')); code.focus(); return; }
    button.disabled = true;
    try {
      const r = await api('/api/v1/students/readmit', { method: 'POST', body: { code: code.value.trim() } });
      student.set({ token: r.token, name: r.name, class: r.class, id: r.id });
      if (location.hash === '#/class') window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = '#/class';
    } catch (e) {
      replace(msg, h('p', { class: 'alert error', role: 'alert' }, e.message));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function joinedView(who) {
  const list = h('div', { class: 'attempts', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading your attempts…'));
  const load = async () => {
    try {
      const [data, qs] = await Promise.all([api('/api/v1/me/attempts', { token: who.token }), allQuestions().catch(() => [])]);
      replace(list, attemptsTable(mapAttempts(data), qs));
    } catch (e) {
      let detail = e.message;
      if (e instanceof ApiError && e.status === 401) detail = `Your class token was not accepted (${e.message}). Leave the class, then join again or enter a one-time code from your teacher.`;
      else if (e instanceof ApiError && e.status === 404) detail = 'Your attempts cannot be listed on this server yet.';
      replace(list, h('p', { class: 'alert error' }, detail));
    }
  };
  load();
  return h('section', { class: 'class-page' },
    h('h1', {}, 'My class'),
    h('div', { class: 'card joined' },
      h('p', {}, 'You are in class ', h('strong', { class: 'class-code' }, who.class), ' as ', h('strong', {}, who.name), '. Your answers are recorded for your teacher.'),
      h('div', { class: 'actions' },
        h('a', { class: 'button primary', href: '#/topics' }, 'Study'),
        h('button', {
          type: 'button', class: 'secondary', onclick: () => {
            if (!confirm(`Leave class ${who.class}? Your answers will no longer be recorded.`)) return;
            student.leave();
            window.dispatchEvent(new HashChangeEvent('hashchange'));
          },
        }, 'Leave class'))),
    h('div', { class: 'section-head' }, h('h2', {}, 'My assignments')),
    myAssignments(who.token),
    h('div', { class: 'section-head' }, h('h2', {}, 'My attempts'),
      h('button', { type: 'button', class: 'secondary small', onclick: load }, 'Refresh')),
    list);
}

/** The attempts list, whatever its exact field names turn out to be. Small on purpose: adjust here. */
export function mapAttempts(data) {
  const list = Array.isArray(data) ? data : data?.attempts || [];
  return list.map((a) => ({
    question: a.question ?? a.question_id ?? a.questionId,
    verdict: a.verdict ?? a.result?.verdict,
    score: a.score ?? a.result?.score,
    at: a.at ?? a.created_at ?? a.createdAt ?? a.submitted_at ?? a.time ?? a.timestamp,
  }));
}

function when(at) {
  if (at === undefined || at === null) return '';
  const d = typeof at === 'number' ? new Date(at < 1e12 ? at * 1000 : at) : new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : d.toLocaleString();
}

function attemptsTable(rows, qs) {
  if (!rows.length) return h('p', {}, 'No attempts recorded yet. ', h('a', { href: '#/topics' }, 'Answer a question'), ' and it shows here.');
  const title = new Map(qs.map((q) => [q.id, q.title]));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
    h('caption', { class: 'sr-only' }, 'My attempts, newest first'),
    h('thead', {}, h('tr', {}, ['When', 'Question', 'Verdict', 'Score'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {},
      h('td', {}, when(r.at)),
      h('th', { scope: 'row' }, h('a', { href: `#/q/${encodeURIComponent(r.question)}` }, title.get(r.question) || r.question)),
      h('td', {}, h('span', { class: `verdict-tag v-${r.verdict}` }, String(r.verdict ?? '').replace(/_/g, ' '))),
      h('td', { class: 'num' }, r.score === undefined ? '' : pct(r.score)))))));
}
