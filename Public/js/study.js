// The student-alone study record: every graded answer, one FSRS card per question, the mastery estimate per topic.
// Kept in this browser (localStorage key `asyncquiz.study`) in a shape a server can take over as it is:
//
//   {version: 1,
//    scheduler: {parameters, desired_retention, learning_steps, relearning_steps, maximum_interval, enable_fuzzing},
//    attempts: [{question, topic, kind, difficulty, verdict, score, hints, rating, at}],   oldest first
//    cards: {questionId: {card_id, state, step, stability, difficulty, due, last_review}},   py-fsrs Card.to_dict()
//    handed_over: null | {student, class, at}}
//
// Times are ISO 8601 in UTC. The cards can always be rebuilt from `attempts` (replaying each `rating` at `at`
// through the scheduler), so a server may keep either or both.
import { Scheduler, Rating, State, newCard } from './fsrs.js';

const KEY = 'asyncquiz.study';
const MAX_ATTEMPTS = 5000;
const DAY = 86400000;

export const scheduler = new Scheduler(); // py-fsrs defaults, no fuzzing

/** Parameters of the mastery estimate (README.md, "Mastery per topic"). */
export const MASTERY = Object.freeze({
  halfLifeDays: 7,        // an attempt 7 days older than the topic's newest one counts half as much
  difficultyWeight: { 1: 1, 2: 2, 3: 3 }, // warm-up, medium, hard; a question without a level counts as medium
  priorWeight: 1,         // one imaginary answer scored 0: a single right answer is not mastery yet
});

let memory = null; // when storage is disabled: this visit only

function empty() {
  return { version: 1, scheduler: scheduler.toJSON(), attempts: [], cards: {}, handed_over: null };
}

export function load() {
  let raw;
  try {
    raw = localStorage.getItem(KEY);
  } catch { // storage disabled: what this visit recorded
    return memory ? structuredClone(memory) : empty();
  }
  try {
    const v = raw && JSON.parse(raw);
    if (v && v.version === 1 && Array.isArray(v.attempts) && v.cards) return v;
  } catch { /* unreadable: start again */ }
  return empty();
}

function save(v) {
  memory = v;
  try { localStorage.setItem(KEY, JSON.stringify(v)); } catch { /* full or disabled: kept for this visit */ }
  listeners.forEach((f) => f(v));
}

const listeners = new Set();
export const onChange = (f) => listeners.add(f);

/**
 * The FSRS rating of one graded answer:
 *   score 1 (passed) → Good; Easy instead when it is the first answer ever to a code or predict-output question
 *     (nothing to guess there: the student knew it already);
 *   0.5 ≤ score < 1 (partly right) → Hard;   score < 0.5, failed, or not gradable (a syntax error) → Again;
 *   each hint taken lowers the rating one step, never below Again.
 * A verdict of `error` is the grader's fault: no rating at all (null).
 */
export function ratingFor({ verdict, score, hints = 0, kind, firstSeen = false }) {
  if (verdict === 'error') return null;
  const s = Number(score) || 0;
  let r;
  if (verdict === 'passed' || s >= 1) r = firstSeen && (kind === 'code' || kind === 'predict_output') ? Rating.Easy : Rating.Good;
  else if (verdict === 'not_gradable') r = Rating.Again;
  else if (s >= 0.5) r = Rating.Hard;
  else r = Rating.Again;
  return Math.max(Rating.Again, r - Math.max(0, hints | 0));
}

/** Records a graded answer to question q (needs q.id, q.topic, q.kind, q.difficulty?); returns {rating, card} or null. */
export function recordAttempt(q, result, { hints = 0, now = Date.now() } = {}) {
  const v = load();
  const firstSeen = !v.cards[q.id];
  const rating = ratingFor({ verdict: result.verdict, score: result.score, hints, kind: q.kind, firstSeen });
  if (rating === null) return null;
  const at = new Date(now).toISOString();
  const card = scheduler.reviewCard(v.cards[q.id] || newCard(q.id, now), rating, now);
  v.cards[q.id] = card;
  v.attempts.push({
    question: q.id, topic: q.topic, kind: q.kind, difficulty: q.difficulty ?? null,
    verdict: result.verdict, score: Number(result.score) || 0, hints, rating, at,
  });
  if (v.attempts.length > MAX_ATTEMPTS) v.attempts.splice(0, v.attempts.length - MAX_ATTEMPTS);
  save(v);
  const review = { question: q.id, card, answer: v.attempts[v.attempts.length - 1] };
  recorded.forEach((f) => f(review));
  return { rating, card };
}

const recorded = new Set();
/** f({question, card, answer}) after each graded answer is recorded here (studysync.js sends it to the server). */
export const onRecorded = (f) => recorded.add(f);

/**
 * The server's record of a student in a class (GET /api/v1/me/study) becomes this browser's: the server is where
 * the schedule lives then, and this browser shows what it holds (a review made on another device included).
 */
export function replaceFromServer(server, who) {
  const v = load();
  v.cards = server && typeof server.cards === 'object' && server.cards ? server.cards : {};
  v.attempts = Array.isArray(server?.attempts) ? server.attempts : [];
  if (server?.handed_over_at && !v.handed_over) {
    v.handed_over = { student: who?.id ?? null, class: who?.class ?? null, at: server.handed_over_at };
  }
  save(v);
}

/** The cards due at `now`, most overdue first: [{id, card}]. */
export function dueCards(now = Date.now(), v = load()) {
  return Object.entries(v.cards)
    .map(([id, card]) => ({ id, card, due: Date.parse(card.due) }))
    .filter((x) => x.due <= now)
    .sort((a, b) => a.due - b.due || a.id.localeCompare(b.id));
}

/** The cards not yet due, soonest first. */
export function upcomingCards(now = Date.now(), v = load()) {
  return Object.entries(v.cards)
    .map(([id, card]) => ({ id, card, due: Date.parse(card.due) }))
    .filter((x) => x.due > now)
    .sort((a, b) => a.due - b.due || a.id.localeCompare(b.id));
}

/**
 * Mastery of one topic from 0 to 1, or null when none of its questions was answered:
 *   mastery = R × Σ wᵢ sᵢ / (Σ wᵢ + w₀)
 *   wᵢ = dᵢ · 2^(−(t_last − tᵢ) / H)    each graded answer i of the topic: score sᵢ, difficulty weight dᵢ, time tᵢ
 *   R  = mean over the topic's answered questions of the FSRS retrievability (1 + F·t/S)^(−decay),
 *        t the days since that question's last answer, S its FSRS stability.
 */
export function topicMastery(topic, now = Date.now(), v = load()) {
  const mine = v.attempts.filter((a) => a.topic === topic);
  if (!mine.length) return null;
  const times = mine.map((a) => Date.parse(a.at));
  const newest = Math.max(...times);
  let num = 0, den = MASTERY.priorWeight;
  mine.forEach((a, i) => {
    const d = MASTERY.difficultyWeight[a.difficulty] ?? MASTERY.difficultyWeight[2];
    const w = d * 2 ** (-(newest - times[i]) / DAY / MASTERY.halfLifeDays);
    num += w * a.score;
    den += w;
  });
  const ids = [...new Set(mine.map((a) => a.question))];
  const rs = ids.map((id) => v.cards[id]).filter((c) => c && c.stability)
    .map((c) => scheduler.forgettingCurve((now - Date.parse(c.last_review)) / DAY, c.stability));
  const recall = rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : 1;
  const weighted = num / den;
  return { value: weighted * recall, weighted, recall, answers: mine.length, questions: ids.length, last: newest };
}

/** What a server needs to take this browser's study record over (the stored shape, without the hand-over mark). */
export function exportForServer(v = load()) {
  return { version: v.version, scheduler: v.scheduler, attempts: v.attempts, cards: v.cards };
}

/**
 * Moves this browser's study record to the server, once per student: when a student joins a class, studysync.js
 * passes a `send(record)` that POSTs it to /api/v1/me/study/handover with the student's token and resolves when the
 * server has stored it. On success the record is marked `handed_over` and never sent again; on failure nothing changes
 * and the next call tries again. Returns true when it was sent now, false when it had been already (or was empty).
 */
export async function handOverToServer(who, send) {
  const v = load();
  // Once per student: a browser that joins another class (a new student) hands its record over again.
  if (v.handed_over && (v.handed_over.student ?? null) === (who?.id ?? null)) return false;
  if (!v.attempts.length && !Object.keys(v.cards).length) {
    // Nothing to move: marked all the same, so that a record the server gives back later is not sent back to it.
    v.handed_over = { student: who?.id ?? null, class: who?.class ?? null, at: new Date().toISOString() };
    save(v);
    return false;
  }
  await send(exportForServer(v));
  const after = load();
  after.handed_over = { student: who?.id ?? null, class: who?.class ?? null, at: new Date().toISOString() };
  save(after);
  return true;
}

export function clear() { memory = null; try { localStorage.removeItem(KEY); } catch { /* nothing kept */ } listeners.forEach((f) => f(empty())); }

export { Rating, State };
