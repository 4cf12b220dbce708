// Teachers with an account may sign in with a name and a password instead of pasting their token: the server
// answers with an HttpOnly, SameSite=Strict cookie that the browser sends with every API call of this site.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { teacher } from '../store.js';

const alert = (text) => h('p', { class: 'alert error', role: 'alert' }, text);

export function signInForm(rerender) {
  const login = h('input', { id: 'signin-login', autocomplete: 'username', spellcheck: 'false', required: true });
  const password = h('input', { id: 'signin-password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card signin', novalidate: true },
    h('h2', { id: 'signin-h' }, 'Or sign in'),
    h('div', { class: 'field' }, h('label', { for: 'signin-login' }, 'Sign-in name'), login),
    h('div', { class: 'field' }, h('label', { for: 'signin-password' }, 'Password'), password,
      h('p', { class: 'form-hint' }, 'For teachers who set a password with their token. You stay signed in for 12 hours.')),
    msg,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!login.value.trim() || !password.value) { replace(msg, alert('Enter your sign-in name and password.')); return; }
    try {
      const s = await api('/api/v1/sessions', { method: 'POST', body: { login: login.value.trim(), password: password.value } });
      teacher.setSession({ id: s.id, name: s.name });
      rerender();
    } catch (e) {
      replace(msg, alert(e.message));
      password.value = '';
      password.focus();
    }
  });
  return form;
}

export function signedInLine(rerender) {
  const who = teacher.session();
  return h('p', { class: 'token-line', id: 'signed-in' }, `Signed in as ${who.name}. `,
    h('button', {
      type: 'button', class: 'link-button', onclick: async () => {
        try { await api('/api/v1/sessions', { method: 'DELETE' }); } catch { /* signed out here either way */ }
        teacher.setSession(null);
        rerender();
      },
    }, 'Sign out'));
}

/** With a teacher's token: choose a sign-in name and a password for next time. */
export function passwordBox() {
  const login = h('input', { id: 'set-login', autocomplete: 'username', spellcheck: 'false' });
  const password = h('input', { id: 'set-password', type: 'password', autocomplete: 'new-password', minlength: 10 });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'set-password', novalidate: true },
    h('div', { class: 'inline-form' },
      h('div', { class: 'field' }, h('label', { for: 'set-login' }, 'Sign-in name'), login),
      h('div', { class: 'field' }, h('label', { for: 'set-password' }, 'Password (10 characters or more)'), password),
      h('button', { type: 'submit', class: 'secondary' }, 'Save')),
    msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('/api/v1/teachers/me/password', { method: 'PUT', body: { login: login.value.trim(), password: password.value }, token: teacher.token() });
      replace(msg, h('p', { id: 'password-saved' }, `Saved: next time, sign in as ${login.value.trim().toLowerCase()}.`));
      password.value = '';
    } catch (e) {
      replace(msg, alert(e.message));
    }
  });
  return h('details', { class: 'password-box' }, h('summary', {}, 'Sign in with a password next time'), form);
}
