// What the browser remembers: progress and drafts (localStorage), the class membership (localStorage),
// the teacher's token (sessionStorage, gone when the tab closes).

const P = 'asyncquiz.';

function read(storage, key, fallback) {
  try {
    const v = storage.getItem(P + key);
    return v === null ? fallback : JSON.parse(v);
  } catch { return fallback; }
}
function write(storage, key, value) {
  try {
    if (value === undefined || value === null) storage.removeItem(P + key);
    else storage.setItem(P + key, JSON.stringify(value));
  } catch { /* storage full or disabled: the app still works for this visit */ }
}

export const progress = {
  all: () => read(localStorage, 'progress', {}),
  best: (id) => progress.all()[id],
  /** Keeps the best score per question id; returns true when it improved. */
  record(id, score) {
    const all = progress.all();
    if (all[id] === undefined || score > all[id]) {
      all[id] = score;
      write(localStorage, 'progress', all);
      return true;
    }
    return false;
  },
  clear: () => write(localStorage, 'progress', null),
};

export const drafts = {
  get: (id) => read(localStorage, `draft.${id}`, null),
  set: (id, text) => write(localStorage, `draft.${id}`, text),
  clear: (id) => write(localStorage, `draft.${id}`, null),
};

const listeners = new Set();
export const student = {
  /** {token, name, class, id} or null */
  get: () => read(localStorage, 'student', null),
  set(v) { write(localStorage, 'student', v); listeners.forEach((f) => f(v)); },
  leave() { student.set(null); },
  onChange(f) { listeners.add(f); },
};
// Another tab joined or left: keep the header honest.
window.addEventListener('storage', (e) => {
  if (e.key === P + 'student') listeners.forEach((f) => f(student.get()));
});

export const teacher = {
  token: () => read(sessionStorage, 'teacher', null),
  setToken: (t) => write(sessionStorage, 'teacher', t || null),
  classes: () => read(sessionStorage, 'teacher.classes', []),
  addClass(c) {
    const list = teacher.classes().filter((x) => x.code !== c.code);
    list.unshift(c);
    write(sessionStorage, 'teacher.classes', list.slice(0, 20));
  },
  /** {id, name} of a teacher signed in with a password; the session itself is an HttpOnly cookie no script reads. */
  session: () => read(sessionStorage, 'teacher.session', null),
  setSession: (s) => write(sessionStorage, 'teacher.session', s || null),
  lastCode: () => read(sessionStorage, 'teacher.last', ''),
  setLastCode: (c) => write(sessionStorage, 'teacher.last', c),
};
