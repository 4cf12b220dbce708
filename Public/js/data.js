// Cached reads of the question bank (it does not change while the server runs). A student who joined a class
// reads the class's list (`?class=CODE` with their token): the built-in questions and their teachers' own ones.
import { api } from './api.js';
import { student } from './store.js';

const cache = new Map();
function cached(key, load) {
  if (!cache.has(key)) {
    const p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return cache.get(key);
}
// Joining or leaving a class changes which questions there are.
student.onChange(() => cache.clear());

/** The joined student ({token, class}) or null. */
function member() {
  const s = student.get();
  return s && s.token && s.class ? s : null;
}

/** The question list for `query` (`topic=…`): the class's when joined, else (or when the class's is refused) the public one. */
function list(query) {
  const s = member();
  const plain = () => api(`/api/v1/questions${query ? `?${query}` : ''}`).then((d) => d.questions || []);
  if (!s) return plain();
  const withClass = `${query ? `${query}&` : ''}class=${encodeURIComponent(s.class)}`;
  return api(`/api/v1/questions?${withClass}`, { token: s.token }).then((d) => d.questions || []).catch(plain);
}

/** The token to read a question (or its hints) with: a teacher's question is shown only to its classes. */
export const readToken = () => member()?.token;
const scope = () => member()?.class || '';

export const topics = () => cached('topics', () => api('/api/v1/topics').then((d) => d.topics || []));
export const questionsOf = (topic) => cached(`t:${scope()}:${topic}`, () => list(`topic=${encodeURIComponent(topic)}`));
export const allQuestions = () => cached(`all:${scope()}`, () => list(''));
/**
 * One question. A predict-output question with variants (`variant_count`) is never kept: each fetch is served the
 * variant for the attempt to come (a student's next attempt may show another program), so it is read afresh.
 */
export const question = (id) => {
  const key = `q:${scope()}:${id}`;
  const p = cached(key, () => api(`/api/v1/questions/${encodeURIComponent(id)}`, { token: readToken() }));
  p.then((q) => { if (q && q.variant_count) cache.delete(key); }, () => {});
  return p;
};

export const KIND = {
  single_choice: 'One answer',
  multiple_choice: 'Several answers',
  predict_output: 'Predict the output',
  code: 'Write code',
};
export const DIFFICULTY = { 1: 'Warm-up', 2: 'Medium', 3: 'Hard' };
