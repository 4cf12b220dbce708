// A class's roster on the teacher's page: who joined, renaming or removing a student (their attempts stay),
// approving one who waits, adding one by name, and a one-time code for a student who lost their token (or was added
// by name).
import { h, replace } from '../dom.js';
import { api, ApiError } from '../api.js';
import { teacher } from '../store.js';

const stateText = (s) => (s.removed ? 'removed' : s.pending ? 'waiting for approval' : 'in the class');

export function rosterCard() {
  const code = h('input', { id: 'roster-code', autocomplete: 'off', spellcheck: 'false', value: teacher.lastCode(), class: 'code-input' });
  const addName = h('input', { id: 'roster-add-name', autocomplete: 'off', maxlength: 60 });
  const area = h('div', { class: 'roster', 'aria-live': 'polite' });
  const added = h('div', { 'aria-live': 'polite' });
  const codes = new Map(); // student id → the one-time code shown in their row until the roster is loaded again
  let loads = 0;

  const path = (suffix = '') => `/api/v1/classes/${encodeURIComponent(code.value.trim())}/students${suffix}`;
  const fail = (e) => h('p', { class: 'alert error', role: 'alert' },
    e instanceof ApiError && e.status === 403 ? `This class is not one of yours (${e.message})` : e.message);

  const load = async () => {
    const mine = ++loads;
    if (!code.value.trim()) { replace(area, h('p', { class: 'alert error', role: 'alert' }, 'Enter a class code.')); return; }
    area.setAttribute('aria-busy', 'true');
    let content;
    try {
      const { students } = await api(path(), { token: teacher.token() });
      if (mine !== loads) return;
      content = table(students);
    } catch (e) {
      if (mine !== loads) return;
      content = fail(e);
    }
    replace(area, content);
    area.removeAttribute('aria-busy');
  };

  const act = async (fn) => {
    try { await fn(); } catch (e) { replace(area, fail(e)); return; }
    await load();
  };

  const row = (s) => {
    const actions = [];
    if (s.pending) {
      actions.push(h('button', { type: 'button', class: 'secondary approve', onclick: () => act(() => api(path(`/${encodeURIComponent(s.id)}/approve`), { method: 'POST', token: teacher.token() })) }, `Approve ${s.name}`));
    }
    if (!s.removed) {
      actions.push(h('button', {
        type: 'button', class: 'secondary remove', onclick: () => {
          if (!window.confirm(`Remove ${s.name} from the class? Their attempts are kept; their token stops working.`)) return;
          codes.delete(s.id);
          act(() => api(path(`/${encodeURIComponent(s.id)}`), { method: 'DELETE', token: teacher.token() }));
        },
      }, `Remove ${s.name}`));
    }
    actions.push(h('button', {
      type: 'button', class: 'secondary readmit', onclick: () => act(async () => {
        codes.set(s.id, await api(path(`/${encodeURIComponent(s.id)}/readmit`), { method: 'POST', token: teacher.token() }));
      }),
    }, `One-time code for ${s.name}`));
    const nameCell = h('th', { scope: 'row' }, s.name);
    // Rename in place (a name taken by the wrong person, a typo): the token and the attempts stay the student's.
    actions.push(h('button', {
      type: 'button', class: 'secondary rename', onclick: () => {
        const input = h('input', { class: 'rename-input', value: s.name, maxlength: 60, 'aria-label': `New name for ${s.name}` });
        const note = h('span', { class: 'rename-note', 'aria-live': 'polite' });
        const edit = h('form', { class: 'rename-form', novalidate: true }, input,
          h('button', { type: 'submit', class: 'secondary' }, 'Save'),
          h('button', { type: 'button', class: 'secondary', onclick: () => load() }, 'Cancel'), note);
        edit.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          try {
            await api(path(`/${encodeURIComponent(s.id)}`), { method: 'PATCH', body: { name: input.value.trim() }, token: teacher.token() });
            await load();
          } catch (e) {
            note.textContent = e instanceof ApiError && e.status === 409 ? 'Another student of the class has that name.' : e.message;
            input.focus();
          }
        });
        replace(nameCell, edit);
        input.focus();
        input.select();
      },
    }, `Rename ${s.name}`));
    const issued = codes.get(s.id);
    return h('tr', { dataset: { student: s.name, state: stateText(s) } },
      nameCell,
      h('td', { class: 'state' }, stateText(s)),
      h('td', { class: 'actions-cell' }, actions,
        issued ? h('p', { class: 'readmit-code' }, 'Code: ', h('strong', { class: 'big-inline' }, issued.code),
          ` (works once, until ${new Date(issued.expires_at).toLocaleString()}; the student enters it under Class)`) : null));
  };

  const table = (students) => {
    if (!students.length) return h('p', {}, 'No students yet.');
    return h('div', { class: 'table-wrap' }, h('table', { id: 'roster-table', class: 'roster-table' },
      h('caption', { class: 'sr-only' }, 'Students of the class, with what you can do for each'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Student'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Actions'))),
      h('tbody', {}, students.map(row))));
  };

  const form = h('form', { class: 'inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'roster-code' }, 'Class code'), code),
    h('button', { type: 'submit', class: 'primary' }, 'Show students'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });

  const addForm = h('form', { class: 'inline-form add-student', novalidate: true },
    h('div', { class: 'field grow' }, h('label', { for: 'roster-add-name' }, 'Add a student by name'), addName),
    h('button', { type: 'submit', class: 'secondary' }, 'Add student'));
  addForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!addName.value.trim()) { replace(added, h('p', { class: 'alert error', role: 'alert' }, 'Enter the student’s name.')); addName.focus(); return; }
    try {
      const s = await api(path(), { method: 'POST', body: { name: addName.value.trim() }, token: teacher.token() });
      codes.set(s.id, s);
      replace(added, h('p', { id: 'roster-added' }, `${s.name} added. Their one-time code: `, h('strong', {}, s.code)));
      addName.value = '';
      await load();
    } catch (e) {
      replace(added, fail(e));
    }
  });

  return h('section', { class: 'card', 'aria-labelledby': 'roster-h' },
    h('h2', { id: 'roster-h' }, 'Students'),
    form, addForm, added, area);
}
