// Cached reads of the question bank (it does not change while the server runs).
import { api } from './api.js';

const cache = new Map();
function cached(key, load) {
  if (!cache.has(key)) {
    const p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return cache.get(key);
}

export const topics = () => cached('topics', () => api('/api/v1/topics').then((d) => d.topics || []));
export const questionsOf = (topic) =>
  cached(`t:${topic}`, () => api(`/api/v1/questions?topic=${encodeURIComponent(topic)}`).then((d) => d.questions || []));
export const allQuestions = () => cached('all', () => api('/api/v1/questions').then((d) => d.questions || []));
export const question = (id) => cached(`q:${id}`, () => api(`/api/v1/questions/${encodeURIComponent(id)}`));

export const KIND = {
  single_choice: 'One answer',
  multiple_choice: 'Several answers',
  predict_output: 'Predict the output',
  code: 'Write code',
};
export const DIFFICULTY = { 1: 'Warm-up', 2: 'Medium', 3: 'Hard' };
