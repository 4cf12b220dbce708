// A student's attempts on one question, as their teacher opens them from a cell of the results matrix: each
// attempt's time, verdict, score and lateness, the answer exactly as sent (code highlighted), and for code each
// task's status, message and timeline in the same rendering the student saw (tasksView). A modal <dialog>: focus
// moves into it, Escape closes it, and focus goes back to the cell that opened it.
import { h, replace, pct, keyboardScrollable } from '../dom.js';
import { api, ApiError } from '../api.js';
import { codeBlock } from '../md.js';
import { highlightAll } from '../vendor.js';
import { tasksView } from './code.js';

const VERDICT = { passed: 'Passed', failed: 'Failed', not_gradable: 'Could not be graded', error: 'Grader error' };

/** Opens the dialog for `student` ({id, name}) on `question` (an id) of class `code`, with the teacher's token. */
export function openAttempts({ code, student, question, title, token, opener }) {
  const body = h('div', { class: 'attempts-body', 'aria-live': 'polite', 'aria-busy': 'true' },
    h('p', { class: 'loading' }, 'Loading attempts…'));
  const close = h('button', { type: 'button', class: 'secondary', id: 'attempts-close' }, 'Close');
  const dialog = h('dialog', { class: 'attempts-dialog', id: 'attempts-dialog', 'aria-labelledby': 'attempts-h' },
    h('div', { class: 'dialog-head' },
      h('h2', { id: 'attempts-h' }, `${student.name}: ${title || question}`),
      close),
    body);
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => { dialog.remove(); opener?.focus(); });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  load(body, { code, student, question, token });
  return dialog;
}

async function load(body, { code, student, question, token }) {
  const path = `/api/v1/classes/${encodeURIComponent(code)}/students/${encodeURIComponent(student.id)}/attempts`
    + `?question=${encodeURIComponent(question)}`;
  let content;
  try {
    const data = await api(path, { token });
    const attempts = Array.isArray(data?.attempts) ? data.attempts : [];
    const programs = await variantPrograms(question, attempts, token);
    content = attempts.length
      ? h('ol', { class: 'attempt-list', reversed: true }, attempts.map((a, i) => attemptItem(a, attempts.length - i, programs)))
      : h('p', {}, `${student.name} has no attempts on this question.`);
  } catch (e) {
    content = h('p', { class: 'alert error', role: 'alert' },
      e instanceof ApiError ? e.message : 'The attempts could not be loaded; try again.');
  }
  replace(body, content);
  body.removeAttribute('aria-busy');
  body.querySelectorAll('pre').forEach(keyboardScrollable);
  highlightAll(body);
}

/**
 * The programs of the variants the attempts answered (a predict-output question with variants records `variant` in
 * the answer), read with the teacher's token: variant number → code, or null when it could not be read.
 */
async function variantPrograms(question, attempts, token) {
  const wanted = [...new Set(attempts.map((a) => a.answer?.variant).filter((v) => Number.isInteger(v)))];
  const read = await Promise.all(wanted.map((v) =>
    api(`/api/v1/questions/${encodeURIComponent(question)}?variant=${v}`, { token }).then((q) => q.code ?? null, () => null)));
  return new Map(wanted.map((v, i) => [v, read[i]]));
}

function attemptItem(a, n, programs = new Map()) {
  const when = new Date(a.created_at);
  const verdict = VERDICT[a.verdict] || String(a.verdict || '').replace(/_/g, ' ');
  const good = a.verdict === 'passed';
  return h('li', { class: 'attempt', dataset: { attempt: String(a.id) } },
    h('div', { class: 'attempt-head' },
      h('h3', {}, `Attempt ${n}`),
      h('time', { datetime: a.created_at }, Number.isNaN(when.getTime()) ? a.created_at : when.toLocaleString()),
      h('span', { class: `badge ${good ? 'ok' : 'bad'}` }, h('span', { 'aria-hidden': 'true' }, good ? '✓ ' : '✗ '), verdict),
      h('span', { class: 'attempt-score' }, `score ${pct(a.score)}`),
      a.late ? h('span', { class: 'badge late' }, 'late') : null),
    answerView(a.answer || {}, programs),
    Array.isArray(a.tasks) && a.tasks.length ? tasksView({ tasks: a.tasks }, `attempt-${a.id}-tasks`) : null);
}

function answerView(answer, programs) {
  if (typeof answer.code === 'string') {
    return h('div', { class: 'attempt-answer' }, h('p', { class: 'answer-label' }, 'Code as sent'), codeBlock(answer.code));
  }
  if (Array.isArray(answer.choices)) {
    return h('p', { class: 'attempt-answer' }, 'Chose ', answer.choices.length
      ? answer.choices.map((c, i) => [i ? ', ' : '', h('code', {}, String(c))])
      : 'nothing');
  }
  if (typeof answer.output === 'string') {
    const variant = Number.isInteger(answer.variant) ? answer.variant : null;
    const program = variant === null ? null : programs.get(variant);
    return h('div', { class: 'attempt-answer' },
      variant === null ? null : [
        h('p', { class: 'answer-label' }, `The program it answered (variant ${variant + 1})`),
        program ? codeBlock(program) : h('p', { class: 'alert' }, 'That variant\'s program could not be read.')],
      h('p', { class: 'answer-label' }, 'Predicted output'),
      h('pre', { class: 'output' }, answer.output));
  }
  return null;
}
