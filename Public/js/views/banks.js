// The teacher's own question banks: upload a bank file (checked and graded by the server before it is kept), replace
// one, list them with their question ids, delete one. A bank that is not accepted shows the server's problems, one
// line each.
import { h, replace } from '../dom.js';
import { api, ApiError } from '../api.js';
import { teacher } from '../store.js';

const when = (text) => new Date(text).toLocaleString();
const alert = (text) => h('p', { class: 'alert error', role: 'alert' }, text);

/** The server's 422 lines as a list a teacher can work through, or the one message. */
function problems(e) {
  if (e instanceof ApiError && e.errors && e.errors.length) {
    return h('div', { class: 'alert error bank-problems', role: 'alert' },
      h('p', {}, `The bank was not accepted: ${e.errors.length} problem${e.errors.length === 1 ? '' : 's'} to fix.`),
      h('ul', { id: 'bank-problems' }, e.errors.map((line) => h('li', {}, h('code', {}, line)))));
  }
  return alert(e.message);
}

export function banksCard() {
  const file = h('input', { id: 'bank-file', type: 'file', accept: '.json,application/json' });
  const target = h('select', { id: 'bank-target' }, h('option', { value: '' }, 'a new bank'));
  const button = h('button', { type: 'submit', class: 'primary' }, 'Upload bank');
  const out = h('div', { id: 'bank-upload-result', 'aria-live': 'polite' });
  const list = h('div', { id: 'banks-list', 'aria-live': 'polite' });

  const load = async () => {
    list.setAttribute('aria-busy', 'true');
    try {
      const { banks } = await api('/api/v1/banks', { token: teacher.token() });
      replace(target, h('option', { value: '' }, 'a new bank'),
        banks.map((b) => h('option', { value: b.id }, `replace the bank with ${b.questions.length} question${b.questions.length === 1 ? '' : 's'} from ${when(b.created_at)}`)));
      replace(list, banks.length ? table(banks) : h('p', {}, 'No banks yet.'));
    } catch (e) {
      replace(list, alert(e.message));
    }
    list.removeAttribute('aria-busy');
  };

  const remove = async (bank) => {
    try {
      await api(`/api/v1/banks/${encodeURIComponent(bank.id)}`, { method: 'DELETE', token: teacher.token() });
      replace(out, h('p', { id: 'bank-deleted' }, `Bank deleted: its ${bank.questions.length} questions are no longer served (the attempts on them are kept).`));
      await load();
    } catch (e) {
      replace(out, alert(e.message));
    }
  };

  const table = (banks) => h('div', { class: 'table-wrap' }, h('table', { id: 'banks-table', class: 'roster-table' },
    h('caption', { class: 'sr-only' }, 'Your question banks, oldest first'),
    h('thead', {}, h('tr', {}, ['Uploaded', 'Question ids (use them in assignments)', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, banks.map((b, i) => h('tr', { dataset: { bank: b.id } },
      h('th', { scope: 'row' }, when(b.created_at), b.updated_at !== b.created_at ? h('span', { class: 'form-hint' }, ` (replaced ${when(b.updated_at)})`) : null),
      h('td', {}, h('ul', { class: 'bank-questions' }, b.questions.map((q) => h('li', {}, h('code', {}, q))))),
      h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete bank ${i + 1}, uploaded ${when(b.created_at)}`, onclick: () => remove(b) }, 'Delete')))))));

  const form = h('form', { class: 'inline-form', novalidate: true },
    h('div', { class: 'field grow' }, h('label', { for: 'bank-file' }, 'Bank file (JSON)'), file),
    h('div', { class: 'field' }, h('label', { for: 'bank-target' }, 'Upload as'), target),
    button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = file.files && file.files[0];
    if (!chosen) { replace(out, alert('Choose a bank file.')); file.focus(); return; }
    let body;
    try {
      body = JSON.parse(await chosen.text());
    } catch (e) {
      replace(out, alert(`${chosen.name} is not JSON: ${e.message}`));
      return;
    }
    button.disabled = true;
    out.setAttribute('aria-busy', 'true');
    replace(out, h('p', { class: 'loading' }, 'Checking the bank and grading its solutions…'));
    try {
      const replacing = target.value;
      const r = await api(replacing ? `/api/v1/banks/${encodeURIComponent(replacing)}` : '/api/v1/banks',
        { method: replacing ? 'PUT' : 'POST', body, token: teacher.token() });
      const changed = r.changed && r.changed.length ? ` Changed (new version): ${r.changed.join(', ')}.` : '';
      replace(out, h('p', { id: 'bank-accepted' }, `Bank accepted: ${r.questions.length} question${r.questions.length === 1 ? '' : 's'}, served to your classes as `,
        r.questions.map((q, i) => [i ? ', ' : '', h('code', {}, q)]), `.${changed}`));
      file.value = '';
      await load();
    } catch (e) {
      replace(out, problems(e));
    } finally {
      button.disabled = false;
      out.removeAttribute('aria-busy');
    }
  });
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'banks-h' },
    h('h2', { id: 'banks-h' }, 'Your question banks'),
    h('p', { class: 'form-hint' }, 'A bank file as bank/build.py writes it ({"questions": [...]}). The server checks it and grades its model and wrong solutions before it keeps it; its questions are then shown to the students of your classes only.'),
    form, out, list);
}
