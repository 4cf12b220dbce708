// Hints: up to three per question, from a nudge to nearly the answer, fetched one at a time
// (GET /api/v1/questions/{id}/hints/{n}) on request or after a failed attempt. The number taken on this page is
// passed with the next answer to the study record: each hint lowers that answer's FSRS rating one step (study.js).
import { h } from './dom.js';
import { renderText } from './md.js';
import { api, ApiError } from './api.js';
import { student } from './store.js';

const taken = new Map();

/** How many hints of question `id` were shown on this page. */
export const hintsTaken = (id) => taken.get(id) || 0;

const label = (n, count) => (n === 1 ? `Show a hint (${count} in all)` : `Show hint ${n} of ${count}`);

/** The hints section of a question page, or null when the question has none. */
export function hintsPanel(q) {
  const count = q.hint_count | 0;
  if (!count) return null;
  taken.set(q.id, 0);
  const list = h('ol', { class: 'hint-list' });
  const status = h('p', { class: 'form-hint' });
  const button = h('button', { type: 'button', class: 'hint-button' }, label(1, count));
  const panel = h('section', { class: 'hints', 'aria-label': 'Hints' }, list, status, button);

  async function reveal() {
    const n = hintsTaken(q.id) + 1;
    if (n > count) return;
    button.disabled = true;
    status.textContent = '';
    try {
      // A student of a class sends their token: the hint taken is noted for their teacher.
      const r = await api(`/api/v1/questions/${encodeURIComponent(q.id)}/hints/${n}`, { token: student.get()?.token });
      taken.set(q.id, n);
      const item = h('li', { class: 'hint', tabindex: '-1' },
        h('span', { class: 'hint-label' }, `Hint ${n} of ${count}`), h('div', { class: 'prose' }, renderText(r.hint)));
      list.append(item);
      item.focus();
      if (n >= count) button.remove();
      else button.textContent = label(n + 1, count);
    } catch (e) {
      status.textContent = e instanceof ApiError ? e.message : `The hint could not be loaded: ${e.message}`;
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener('click', reveal);
  panel.reveal = reveal;
  panel.remaining = () => count - hintsTaken(q.id);
  return panel;
}
