// The options of a choice question are shown in a shuffled order, so that their place in the bank tells nothing.
// The order is stable for one browser and one question (a reload shows the same order): the seed is a random id
// this browser keeps in localStorage, plus the question id. The option ids (what is sent) never change.

const KEY = 'asyncquiz.shuffle-seed';
let memorySeed = null; // storage disabled: one seed for this visit

/** This browser's random id, made once and kept. */
export function browserSeed() {
  try {
    const kept = localStorage.getItem(KEY);
    if (kept) return kept;
  } catch { /* storage disabled */ }
  if (!memorySeed) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    memorySeed = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  try { localStorage.setItem(KEY, memorySeed); } catch { /* the order holds for this visit only */ }
  return memorySeed;
}

/** A 32-bit hash of a string (FNV-1a). */
function hash(text) {
  let x = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    x ^= text.charCodeAt(i);
    x = Math.imul(x, 0x01000193) >>> 0;
  }
  return x;
}

/** A small seeded generator (mulberry32): numbers in [0, 1). */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of items in an order fixed by (seed, key): Fisher-Yates with the seeded generator. */
export function shuffled(items, key, seed = browserSeed()) {
  const out = [...items];
  const random = generator(hash(`${seed}\u0000${key}`));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
