// A class's settings on the teacher's page: how students join it (by its code, on the teacher's approval, or only
// from the roster) and sharing it with a colleague, who then co-teaches it.
import { h, replace } from '../dom.js';
import { api, ApiError } from '../api.js';
import { teacher } from '../store.js';

const JOINING = [
  ['open', 'Anyone with the code joins'],
  ['approval', 'Anyone with the code asks; you approve each one'],
  ['roster', 'Only students you add (roster only)'],
];

export function classSettingsCard() {
  const code = h('input', { id: 'settings-code', autocomplete: 'off', spellcheck: 'false', value: teacher.lastCode(), class: 'code-input' });
  const joining = h('select', { id: 'settings-joining' }, JOINING.map(([v, t]) => h('option', { value: v }, t)));
  const colleague = h('input', { id: 'settings-teacher', autocomplete: 'off', spellcheck: 'false' });
  const saved = h('div', { 'aria-live': 'polite' });
  const shared = h('div', { 'aria-live': 'polite' });
  const path = (suffix = '') => `/api/v1/classes/${encodeURIComponent(code.value.trim())}${suffix}`;
  const fail = (e) => h('p', { class: 'alert error', role: 'alert' },
    e instanceof ApiError && e.status === 403 ? `Not allowed: ${e.message}` : e.message);
  const needCode = (out) => {
    if (code.value.trim()) return false;
    replace(out, h('p', { class: 'alert error', role: 'alert' }, 'Enter a class code.'));
    code.focus();
    return true;
  };

  // The class's current policy, read when its code is given.
  const load = async () => {
    if (!code.value.trim()) return;
    try {
      const c = await api(path(), { token: teacher.token() });
      joining.value = c.joining;
      replace(saved, h('p', { class: 'settings-now' }, `“${c.name}”: ${JOINING.find(([v]) => v === c.joining)?.[1] ?? c.joining}.`));
    } catch (e) {
      replace(saved, fail(e));
    }
  };
  code.addEventListener('change', load);

  const joinForm = h('form', { class: 'inline-form class-joining', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'settings-code' }, 'Class code'), code),
    h('div', { class: 'field grow' }, h('label', { for: 'settings-joining' }, 'How students join'), joining),
    h('button', { type: 'submit', class: 'primary' }, 'Save how students join'));
  joinForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (needCode(saved)) return;
    try {
      const c = await api(path(), { method: 'PATCH', body: { joining: joining.value }, token: teacher.token() });
      replace(saved, h('p', { id: 'joining-saved', dataset: { joining: c.joining } },
        `Saved: ${JOINING.find(([v]) => v === c.joining)?.[1] ?? c.joining}.`));
    } catch (e) {
      replace(saved, fail(e));
    }
  });

  const shareForm = h('form', { class: 'inline-form class-share', novalidate: true },
    h('div', { class: 'field grow' }, h('label', { for: 'settings-teacher' }, 'Share with a colleague: their teacher id'), colleague,
      h('p', { class: 'form-hint' }, 'The id the administrator gave them with their account. They co-teach the class: its results, roster and assignments.')),
    h('button', { type: 'submit', class: 'secondary' }, 'Share class'));
  shareForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (needCode(shared)) return;
    if (!colleague.value.trim()) { replace(shared, h('p', { class: 'alert error', role: 'alert' }, 'Enter the colleague’s teacher id.')); colleague.focus(); return; }
    try {
      await api(path('/teachers'), { method: 'POST', body: { teacher: colleague.value.trim() }, token: teacher.token() });
      replace(shared, h('p', { id: 'class-shared' }, `Shared: that teacher now co-teaches ${code.value.trim().toUpperCase()}.`));
      colleague.value = '';
    } catch (e) {
      replace(shared, fail(e));
    }
  });

  if (code.value) queueMicrotask(load);
  return h('section', { class: 'card', 'aria-labelledby': 'settings-h' },
    h('h2', { id: 'settings-h' }, 'Class settings'), joinForm, saved, shareForm, shared);
}
