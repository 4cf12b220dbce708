// The topic list and one topic's questions, with the student's progress from localStorage.
import { h } from '../dom.js';
import { inline } from '../md.js';
import { progress } from '../store.js';
import { topics, questionsOf, KIND, DIFFICULTY } from '../data.js';
import { load as loadStudy, topicMastery, dueCards, clear as clearStudy } from '../study.js';
import { relative } from './review.js';

export async function topicsView() {
  const [list, all] = [await topics(), progress.all()];
  const study = loadStudy(), now = Date.now();
  const due = dueCards(now, study).length;
  // counts per topic need the question ids; fetch each topic's list in parallel (cached afterwards)
  const perTopic = await Promise.all(list.map((t) => questionsOf(t.id).catch(() => [])));
  let answered = 0, right = 0, total = 0;
  const cards = list.map((t, i) => {
    const ids = perTopic[i].map((q) => q.id);
    const done = ids.filter((id) => all[id] !== undefined).length;
    const full = ids.filter((id) => all[id] >= 1).length;
    const count = t.count ?? ids.length;
    answered += done; right += full; total += count;
    return h('li', { class: 'card topic' },
      h('h2', {}, h('a', { href: `#/topic/${encodeURIComponent(t.id)}` }, t.title)),
      h('p', { class: 'summary' }, inline(firstSentence(t.summary))),
      h('div', { class: 'topic-meta' },
        h('span', {}, `${count} question${count === 1 ? '' : 's'}`),
        h('span', { class: 'progress-text' }, done ? `${done} answered · ${full} fully right` : 'Not started')),
      h('progress', { max: count || 1, value: full, 'aria-label': `${t.title}: ${full} of ${count} fully right` }),
      masteryView(t, topicMastery(t.id, now, study), now));
  });
  return h('section', { class: 'topics' },
    h('div', { class: 'page-head' },
      h('h1', {}, 'Topics'),
      h('p', { class: 'lead' }, 'Learn asyncio one idea at a time: pick a topic, answer its questions, read why.'),
      total ? h('p', { class: 'overall' }, `Your progress: ${answered} of ${total} answered, ${right} fully right.`) : null,
      due ? h('p', { class: 'due-note' }, h('a', { href: '#/review' }, `${due} question${due === 1 ? '' : 's'} due for review`)) : null),
    h('ul', { class: 'cards' }, cards),
    answered ? h('p', { class: 'reset' }, h('button', {
      type: 'button', class: 'link-button',
      onclick: () => { if (confirm('Forget your progress in this browser?')) { progress.clear(); clearStudy(); location.reload(); } },
    }, 'Reset my progress')) : null);
}

/** The mastery estimate of one topic (study.js): a number, a bar, and why it is what it is. */
export function masteryView(t, m, now = Date.now()) {
  const pctText = m ? `${Math.round(m.value * 100)}%` : '—';
  const level = !m ? 'none' : m.value >= 0.8 ? 'high' : m.value >= 0.5 ? 'mid' : 'low';
  const why = !m ? 'not practised yet'
    : `${m.answers} answer${m.answers === 1 ? '' : 's'}, last ${relative(m.last, now)}` +
      (m.recall < 0.995 ? `, fading (recall ${Math.round(m.recall * 100)}%)` : '');
  return h('div', { class: `mastery m-${level}`, dataset: { topic: t.id, mastery: m ? m.value.toFixed(4) : '' } },
    h('span', { class: 'mastery-label' }, 'Mastery ', h('strong', {}, pctText)),
    h('span', { class: 'mastery-bar', 'aria-hidden': 'true' }, h('span', { style: `width: ${m ? Math.round(m.value * 100) : 0}%` })),
    h('span', { class: 'mastery-why' }, why));
}

/** The card shows the summary's first sentence; the topic page shows all of it. */
function firstSentence(text) {
  const m = String(text ?? '').match(/^([\s\S]+?[.!?])\s+(?=[A-Z`])/);
  return m ? m[1] : text;
}

export function statusOf(id) {
  const b = progress.best(id);
  if (b === undefined) return { cls: 'none', text: 'Not tried', icon: '○' };
  if (b >= 1) return { cls: 'right', text: 'Right', icon: '✓' };
  if (b > 0) return { cls: 'partial', text: `Best ${Math.round(b * 100)}%`, icon: '◐' };
  return { cls: 'wrong', text: 'Not yet right', icon: '✗' };
}

export async function topicView(id) {
  const [list, qs] = await Promise.all([topics(), questionsOf(id)]);
  const t = list.find((x) => x.id === id);
  if (!t) return h('section', {}, h('h1', {}, 'Unknown topic'), h('p', {}, h('a', { href: '#/topics' }, 'All topics')));
  const next = qs.find((q) => progress.best(q.id) === undefined) || qs.find((q) => !(progress.best(q.id) >= 1)) || qs[0];
  return h('section', { class: 'topic-page' },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/topics' }, 'Topics'), ' › ', t.title),
    h('h1', {}, t.title),
    h('p', { class: 'lead' }, inline(t.summary)),
    masteryView(t, topicMastery(t.id)),
    next ? h('p', {}, h('a', { class: 'button primary', href: `#/q/${encodeURIComponent(next.id)}` },
      progress.best(next.id) === undefined && next === qs[0] ? 'Start' : 'Continue')) : null,
    h('ol', { class: 'question-list' }, qs.map((q) => {
      const st = statusOf(q.id);
      return h('li', {},
        h('a', { href: `#/q/${encodeURIComponent(q.id)}` }, inline(q.title)),
        h('span', { class: 'q-meta' },
          h('span', { class: 'kind' }, KIND[q.kind] || q.kind),
          q.difficulty ? h('span', { class: `diff d${q.difficulty}` }, DIFFICULTY[q.difficulty] || `Level ${q.difficulty}`) : null,
          h('span', { class: `status ${st.cls}` }, h('span', { 'aria-hidden': 'true' }, st.icon, ' '), st.text)));
    })));
}
