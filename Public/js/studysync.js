// A student in a class keeps their study record on the server (GET/POST /api/v1/me/study…), so their schedule
// follows them to any device; an anonymous student keeps it in this browser only (study.js).
//   - On joining (or opening the app with a class token): the browser's own record moves to the server once
//     (`handover`: every card, and the newest answers that fit in one request), then the server's record replaces
//     this browser's copy.
//   - After each graded answer: the answer and the question's new card go to the server (`reviews`). Reviews that
//     could not be sent (offline) wait in localStorage and go with the next one, in order.
import { api, ApiError } from './api.js';
import { student } from './store.js';
import { onRecorded, handOverToServer, replaceFromServer } from './study.js';

const PENDING = 'asyncquiz.study.pending';
const BODY_LIMIT = 60000; // the server takes JSON bodies of up to 64 KiB

function pending() {
  try { return JSON.parse(localStorage.getItem(PENDING) || '[]'); } catch { return []; }
}
function setPending(list) {
  try { localStorage.setItem(PENDING, JSON.stringify(list.slice(-500))); } catch { /* storage full or off */ }
}

/** Every card, and the newest answers that fit under the request limit (the cards are the schedule). */
export function fit(record) {
  const out = { cards: record.cards || {}, attempts: [] };
  let size = JSON.stringify(out).length;
  const newestFirst = [...(record.attempts || [])].reverse();
  for (const a of newestFirst) {
    const more = JSON.stringify(a).length + 1;
    if (size + more > BODY_LIMIT) break;
    out.attempts.unshift(a);
    size += more;
  }
  return out;
}

let flushing = null;
async function flush(who) {
  if (flushing) return flushing;
  flushing = (async () => {
    let list = pending();
    while (list.length) {
      try {
        await api('/api/v1/me/study/reviews', { method: 'POST', body: list[0], token: who.token });
      } catch (e) {
        // 400: the server will never take this one; anything else (offline, 401, 503): try again later.
        if (!(e instanceof ApiError && e.status === 400)) break;
      }
      list = pending().slice(1);
      setPending(list);
    }
  })();
  try { await flushing; } finally { flushing = null; }
}

/** Hands the browser's record over (once), sends what waits, and takes the server's record. */
export async function syncStudy(who = student.get()) {
  if (!who?.token) return false;
  try {
    await handOverToServer(who, async (record) => {
      try {
        await api('/api/v1/me/study/handover', { method: 'POST', body: fit(record), token: who.token });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 409)) throw e; // 409: moved before (another browser)
      }
    });
    await flush(who);
    replaceFromServer(await api('/api/v1/me/study', { token: who.token }), who);
    return true;
  } catch {
    return false; // offline, or the token is no longer a student's: this browser's record stays as it is
  }
}

export function startStudySync() {
  onRecorded((review) => {
    const who = student.get();
    if (!who?.token) return;
    setPending([...pending(), review]);
    flush(who);
  });
  student.onChange((who) => { if (who?.token) syncStudy(who); });
  syncStudy();
}
