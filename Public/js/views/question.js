// One question at a time: the prompt, the answer form by kind, the result with explanation and feedback.
import { h, replace, pct } from '../dom.js';
import { renderText, inline, codeBlock } from '../md.js';
import { api, ApiError } from '../api.js';
import { progress, student } from '../store.js';
import { topics, questionsOf, question, KIND, DIFFICULTY } from '../data.js';
import { highlightAll } from '../vendor.js';
import { codeForm } from './code.js';
import { shuffled } from '../shuffle.js';
import { statusOf } from './topics.js';
import { recordAttempt } from '../study.js';
import { RATING_NAME } from '../fsrs.js';
import { relative, nextDue } from './review.js';
import { hintsPanel, hintsTaken } from '../hints.js';

export async function questionView(id) {
  const q = await question(id);
  const [list, siblings] = await Promise.all([topics().catch(() => []), questionsOf(q.topic).catch(() => [q])]);
  const topic = list.find((t) => t.id === q.topic);
  const i = siblings.findIndex((x) => x.id === q.id);
  const prev = siblings[i - 1], next = siblings[i + 1];

  // Not a live region: the result's heading takes the focus when it is shown, and that alone announces it (once).
  const result = h('div', { class: 'result-region' });
  const best = statusOf(q.id);
  const prompt = h('div', { class: 'prose prompt' }, renderText(q.prompt));

  let form;
  if (q.kind === 'single_choice' || q.kind === 'multiple_choice') form = choiceForm(q, result);
  else if (q.kind === 'predict_output') form = predictForm(q, result);
  else if (q.kind === 'code') form = codeForm(q, result, { submit, showResult });
  else form = h('p', { class: 'alert' }, `This kind of question (${q.kind}) cannot be answered here yet.`);

  const page = h('article', { class: `question kind-${q.kind}` },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/topics' }, 'Topics'), ' › ',
      h('a', { href: `#/topic/${encodeURIComponent(q.topic)}` }, topic ? topic.title : q.topic),
      i >= 0 ? ` › Question ${i + 1} of ${siblings.length}` : ''),
    h('h1', {}, inline(q.title)),
    h('p', { class: 'q-meta' },
      h('span', { class: 'kind' }, KIND[q.kind] || q.kind),
      q.difficulty ? h('span', { class: `diff d${q.difficulty}` },
        h('span', { 'aria-hidden': 'true' }, '●'.repeat(q.difficulty) + '○'.repeat(Math.max(0, 3 - q.difficulty)), ' '),
        DIFFICULTY[q.difficulty] || `Level ${q.difficulty}`) : null,
      h('span', { class: `status ${best.cls}` }, h('span', { 'aria-hidden': 'true' }, best.icon, ' '), best.text)),
    prompt,
    hintsPanel(q),
    form,
    result,
    h('nav', { class: 'pager', 'aria-label': 'Questions in this topic' },
      prev ? h('a', { class: 'button', href: `#/q/${encodeURIComponent(prev.id)}`, rel: 'prev' }, '← Previous') : h('span'),
      h('a', { href: `#/topic/${encodeURIComponent(q.topic)}` }, 'All questions'),
      next ? h('a', { class: 'button', href: `#/q/${encodeURIComponent(next.id)}`, rel: 'next' }, 'Next →') : h('span')));
  highlightAll(page);
  return page;
}

/**
 * Posts an answer; with a class token when joined. A token the server no longer knows is not a reason
 * to lose the answer: it is graded without recording, and the student is told.
 */
export async function submit(q, body, opts = {}) {
  const who = student.get();
  const path = `/api/v1/questions/${encodeURIComponent(q.id)}/attempts`;
  try {
    const r = await api(path, { method: 'POST', body, token: who?.token, signal: opts.signal });
    r._recorded = !!who?.token;
    return r;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403) && who?.token) {
      const r = await api(path, { method: 'POST', body, signal: opts.signal });
      r._recorded = false;
      r._tokenRejected = e.message;
      return r;
    }
    throw e;
  }
}

const VERDICT = {
  passed: ['✓', 'Correct'],
  failed: ['✗', 'Not quite'],
  not_gradable: ['!', 'Could not be graded'],
  error: ['!', 'The grader had a problem'],
};

/** The common part of every result: verdict, score, message, the extra per kind, the explanation. */
export function showResult(region, q, r, extra = []) {
  progress.record(q.id, Number(r.score) || 0);
  const review = recordAttempt(q, r, { hints: hintsTaken(q.id) });
  const hints = region.closest('article')?.querySelector('section.hints');
  const following = nextDue(q.id);
  const pill = region.closest('article')?.querySelector('.q-meta .status');
  if (pill) {
    const st = statusOf(q.id);
    pill.className = `status ${st.cls}`;
    replace(pill, h('span', { 'aria-hidden': 'true' }, st.icon, ' '), st.text);
  }
  const partial = r.verdict === 'failed' && r.score > 0;
  const [icon, word] = partial ? ['◐', 'Partly right'] : VERDICT[r.verdict] || ['?', r.verdict];
  const who = student.get();
  const section = h('section', { class: `result verdict-${r.verdict}${partial ? ' partial' : ''}`, 'aria-labelledby': 'result-heading' },
    h('h2', { id: 'result-heading', tabindex: '-1' }, h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, icon), ' ', word,
      h('span', { class: 'score' }, ` · score ${pct(r.score)}`)),
    r.message && !sameWords(r.message, word) ? h('p', { class: 'message' }, inline(r.message)) : null,
    r._tokenRejected ? h('p', { class: 'alert warn' }, `Not recorded: your class token was not accepted (${r._tokenRejected}). `,
      h('a', { href: '#/class' }, 'Join again')) : null,
    r._recorded && who ? h('p', { class: 'recorded' }, `Recorded to class ${who.class}.`) : null,
    review ? h('p', { class: 'schedule' }, h('span', { class: 'rating' }, RATING_NAME[review.rating]), ' — ',
      review.rating === 1 ? 'this question comes back ' : 'next review ', relative(Date.parse(review.card.due)), '.',
      following ? [' ', h('a', { href: `#/q/${encodeURIComponent(following.id)}`, class: 'next-due' }, 'Next due question →')] : null) : null,
    r.verdict !== 'passed' && hints && hints.remaining() > 0
      ? h('p', { class: 'stuck' }, 'Stuck? ', h('button', { type: 'button', class: 'hint-button', onclick: () => hints.reveal() },
        hintsTaken(q.id) ? 'Show the next hint' : 'Show a hint'))
      : null,
    extra,
    r.explanation ? h('div', { class: 'explanation' }, h('h3', {}, 'Why'), h('div', { class: 'prose' }, renderText(r.explanation))) : null);
  replace(region, section);
  highlightAll(section);
  // the code page scrolls to its (long) result itself, smoothly; elsewhere the focus brings the heading into view
  section.querySelector('#result-heading').focus({ preventScroll: q.kind === 'code' });
  return section;
}

const sameWords = (a, b) => a.replace(/[^\w]+/g, ' ').trim().toLowerCase() === b.replace(/[^\w]+/g, ' ').trim().toLowerCase();

export function showError(region, e) {
  replace(region, h('p', { class: 'alert error', role: 'alert' }, e instanceof ApiError ? e.message : `Something went wrong: ${e.message}`));
}

function choiceForm(q, region) {
  const multi = q.kind === 'multiple_choice';
  const name = `choice-${q.id}`;
  // Shown in this browser's own order for this question (stable across reloads); the letter shown is the place on
  // screen, while the id sent and the feedback keep the option's real id.
  const items = shuffled(q.choices || [], q.id).map((c, place) => {
    const id = `${name}-${c.id}`;
    return h('li', { class: 'choice', dataset: { choice: c.id } },
      h('input', { type: multi ? 'checkbox' : 'radio', name, id, value: c.id }),
      h('label', { for: id }, h('span', { class: 'choice-id', 'aria-hidden': 'true' }, 'abcdefghij'[place] || `${place + 1}`), h('span', { class: 'choice-text' }, inline(c.text))));
  });
  const hint = h('p', { class: 'form-hint', id: `${name}-hint`, 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Check answer');
  const form = h('form', { class: 'answer choices', novalidate: true },
    h('fieldset', { 'aria-describedby': `${name}-hint` },
      h('legend', {}, multi ? 'Select all that apply' : 'Choose one answer'),
      h('ul', { class: 'choice-list' }, items)),
    hint,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = [...form.querySelectorAll('input:checked')].map((x) => x.value);
    if (!chosen.length) { hint.textContent = multi ? 'Select at least one answer first.' : 'Choose an answer first.'; return; }
    hint.textContent = '';
    button.disabled = true;
    try {
      const r = await submit(q, { choices: chosen });
      annotateChoices(form, r.feedback || []);
      showResult(region, q, r);
    } catch (e) {
      showError(region, e);
    } finally {
      button.disabled = false;
    }
  });
  form.addEventListener('change', () => { hint.textContent = ''; });
  return form;
}

/** Marks each option: chosen or not, correct or not, and shows what it means. */
function annotateChoices(form, feedback) {
  const byId = new Map(feedback.map((f) => [String(f.choice), f]));
  form.querySelectorAll('li.choice').forEach((li) => {
    li.classList.remove('is-correct', 'is-chosen', 'is-wrong');
    li.querySelector('.choice-feedback')?.remove();
    const f = byId.get(li.dataset.choice);
    if (!f) return;
    if (f.correct) li.classList.add('is-correct');
    if (f.chosen) li.classList.add('is-chosen');
    if (f.chosen && !f.correct) li.classList.add('is-wrong');
    let tag;
    if (f.chosen && f.correct) tag = ['✓', 'Your choice — right'];
    else if (f.chosen) tag = ['✗', 'Your choice — not right'];
    else if (f.correct) tag = ['✓', 'A right answer you did not choose'];
    else tag = ['', 'Not a right answer'];
    li.append(h('div', { class: 'choice-feedback' },
      h('span', { class: 'tag' }, tag[0] ? h('span', { 'aria-hidden': 'true' }, `${tag[0]} `) : null, tag[1]),
      f.feedback ? h('span', { class: 'fb-text' }, ' ', inline(f.feedback)) : null));
  });
}

const HINT = 'One line per printed line. Trailing spaces do not matter.';
/** "Variant 2 of 4": shown with a program that has variants (numbered from 1 for people; the API counts from 0). */
const variantLabel = (q) => (q.variant_count ? `Variant ${q.variant + 1} of ${q.variant_count}` : '');

function predictForm(q, region) {
  const id = `out-${q.id}`;
  let served = q;  // the variant on show; "Try again" may fetch another
  const area = h('textarea', {
    id, rows: Math.min(12, Math.max(4, (q.code || '').split('\n').length / 2 | 0)), spellcheck: 'false',
    autocapitalize: 'off', autocomplete: 'off', class: 'mono', 'aria-describedby': `${id}-hint`,
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Check answer');
  const hint = h('p', { class: 'form-hint', id: `${id}-hint`, 'aria-live': 'polite' }, HINT);
  const variant = h('span', { class: 'variant-label' }, variantLabel(q));
  const program = h('div', { class: 'code-wrap' },
    h('p', { class: 'code-caption', id: `${id}-code` }, 'The program', q.variant_count ? [' · ', variant] : null),
    withLineNumbers(q.code || ''));
  const form = h('form', { class: 'answer predict', novalidate: true, dataset: { variant: q.variant ?? '' } },
    program,
    h('label', { for: id }, 'What does it print?'),
    area, hint,
    h('div', { class: 'actions' }, button, h('span', { class: 'kbd-hint' }, 'Ctrl+Enter checks')));
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });

  /** A fresh fetch: the variant for the next attempt (a student's may differ now; an anonymous one is random). */
  async function tryAgain() {
    try {
      const fresh = await question(q.id);
      const changed = fresh.variant !== served.variant;
      served = fresh;
      program.querySelector('pre')?.replaceWith(withLineNumbers(fresh.code || ''));
      highlightAll(program);
      replace(variant, variantLabel(fresh));
      form.dataset.variant = fresh.variant ?? '';
      area.value = '';
      replace(region);
      hint.textContent = changed ? `A new program: ${variantLabel(fresh).toLowerCase()}. Read it again before you answer.`
        : `The same program as before. ${HINT}`;
      program.scrollIntoView({ block: 'nearest' });
      area.focus();
    } catch (e) {
      showError(region, e);
    }
  }
  const again = () => (served.variant_count
    ? h('p', { class: 'try-again' }, h('button', { type: 'button', class: 'secondary try-again-button', onclick: tryAgain },
      'Try again'), ' ', h('span', { class: 'form-hint' }, 'You may get the program with other numbers.'))
    : null);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      const body = { output: area.value };
      if (served.variant_count) body.variant = served.variant;
      const r = await submit(served, body);
      showResult(region, served, r, [
        r.expected !== undefined ? compareOutputs(area.value, r.expected) : [],
        r.verdict !== 'passed' ? again() : null]);
    } catch (e) {
      showError(region, e);
      // the served variant is no longer this attempt's (answered in another tab, say): offer the current one
      if (e instanceof ApiError && e.status === 422 && served.variant_count) region.append(again());
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function withLineNumbers(code) {
  const block = codeBlock(code.replace(/\n$/, ''));
  block.classList.add('program');
  block.dataset.label = 'The program';
  return block;
}

const norm = (t) => String(t).replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/\s+$/, '')).join('\n').replace(/\s+$/, '');

/** The student's lines beside the real ones; differing lines are marked in text, not only in colour. */
function compareOutputs(mine, expected) {
  const a = norm(mine).split('\n'), b = norm(expected).split('\n');
  const n = Math.max(a.length, b.length);
  const col = (title, lines, other) => h('div', { class: 'out-col' }, h('h3', {}, title),
    h('pre', { class: 'output', dataset: { label: title } }, lines.length === 1 && lines[0] === '' ? h('span', { class: 'empty' }, '(nothing)') :
      // the line break after each line's box, not in it: two marked (inline-block) lines in a row would otherwise sit
      // side by side and widen the page
      Array.from({ length: n }, (_, k) => k < lines.length || k < other.length ? [h('span', {
        class: `line${(lines[k] ?? null) !== (other[k] ?? null) ? ' diff' : ''}`,
      }, (lines[k] ?? null) !== (other[k] ?? null) ? h('span', { class: 'sr-only' }, 'differs: ') : null, lines[k] ?? ''), '\n'] : null)));
  return h('div', { class: 'compare' }, col('Your output', a, b), col('Real output', b, a));
}
