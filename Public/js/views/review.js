// The Review page: the questions FSRS says are due (most overdue first), then what comes up next.
import { h, replace } from '../dom.js';
import { inline } from '../md.js';
import { allQuestions, topics, KIND } from '../data.js';
import { load, dueCards, upcomingCards, scheduler, State } from '../study.js';
import { RATING_NAME } from '../fsrs.js';

const MIN = 60000, HOUR = 3600000, DAY = 86400000;

/** "in 10 min", "3 h ago", "in 2 days", "now", "just now". */
export function relative(t, now = Date.now()) {
  const d = t - now, a = Math.abs(d);
  let s;
  if (a < MIN / 2) return d > 0 ? 'now' : 'just now';
  if (a < HOUR) s = `${Math.max(1, Math.round(a / MIN))} min`;
  else if (a < DAY) s = `${Math.round(a / HOUR)} h`;
  else { const n = Math.round(a / DAY); s = `${n} day${n === 1 ? '' : 's'}`; }
  return d > 0 ? `in ${s}` : `${s} ago`;
}

const STATE = { [State.Learning]: 'Learning', [State.Review]: 'Review', [State.Relearning]: 'Relearning' };

/** The count of due questions beside "Review" in the menu. */
export function renderDueCount() {
  const el = document.getElementById('due-count');
  if (!el) return;
  const n = dueCards().length;
  if (n) replace(el, ' ', h('span', { class: 'count' }, String(n)), h('span', { class: 'sr-only' }, ' due'));
  else replace(el);
}
setInterval(renderDueCount, 60000); // cards fall due while the page is open

/** The first due question other than `except`, or null. */
export function nextDue(except) {
  return dueCards().find((x) => x.id !== except) || null;
}

export async function reviewView() {
  const now = Date.now();
  const v = load();
  const [qs, ts] = await Promise.all([allQuestions(), topics().catch(() => [])]);
  const byId = new Map(qs.map((q) => [q.id, q]));
  const topicTitle = new Map(ts.map((t) => [t.id, t.title]));
  const known = (x) => byId.has(x.id); // a card for a question the bank no longer has is left out
  const due = dueCards(now, v).filter(known);
  const upcoming = upcomingCards(now, v).filter(known);
  const lastOf = new Map(v.attempts.map((a) => [a.question, a]));

  const row = (x) => {
    const q = byId.get(x.id);
    const last = lastOf.get(x.id);
    const recall = x.card.stability ? scheduler.forgettingCurve((now - Date.parse(x.card.last_review)) / DAY, x.card.stability) : 0;
    return h('li', { class: 'review-item', dataset: { question: x.id } },
      h('a', { href: `#/q/${encodeURIComponent(x.id)}` }, inline(q.title)),
      h('span', { class: 'q-meta' },
        h('span', { class: 'kind' }, topicTitle.get(q.topic) || q.topic),
        h('span', { class: 'kind' }, KIND[q.kind] || q.kind),
        last ? h('span', { class: `status ${last.score >= 1 ? 'right' : last.score > 0 ? 'partial' : 'wrong'}` },
          `Last: ${RATING_NAME[last.rating]}`) : null,
        h('span', { class: 'when' }, `due ${relative(x.due, now)}`),
        h('span', { class: 'recall' }, `recall ≈ ${Math.round(recall * 100)}%`),
        h('span', { class: 'state' }, STATE[x.card.state])));
  };

  const body = [];
  if (!due.length && !upcoming.length) {
    body.push(h('p', { class: 'empty-state' }, 'Nothing to review yet: every question you answer is scheduled here. ',
      h('a', { href: '#/topics' }, 'Pick a topic to start.')));
  } else {
    body.push(h('p', { class: 'review-summary', id: 'review-summary' },
      due.length ? `${due.length} question${due.length === 1 ? '' : 's'} due now.` : 'Nothing is due now.',
      upcoming.length ? ` The next one comes back ${relative(upcoming[0].due, now)}.` : ''));
    if (due.length) {
      body.push(h('p', {}, h('a', { class: 'button primary', id: 'start-review', href: `#/q/${encodeURIComponent(due[0].id)}` }, 'Start the review')));
      body.push(h('h2', { id: 'due-h' }, 'Due now'), h('ol', { class: 'review-list due', 'aria-labelledby': 'due-h' }, due.map((x) => row(x))));
    }
    if (upcoming.length) {
      body.push(h('h2', { id: 'upcoming-h' }, 'Coming up'),
        h('ol', { class: 'review-list upcoming', 'aria-labelledby': 'upcoming-h' }, upcoming.slice(0, 20).map((x) => row(x))));
    }
  }
  return h('section', { class: 'review-page' },
    h('h1', {}, 'Review'),
    h('p', { class: 'lead' }, 'Questions come back just before you would forget them, scheduled by FSRS (the algorithm Anki uses). ',
      'A wrong answer brings a question back within minutes; a right one pushes it out by days, then weeks.'),
    body);
}
