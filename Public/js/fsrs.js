// FSRS-6, the open spaced-repetition scheduler used by Anki, ported line for line from the reference implementation
// py-fsrs (PyPI `fsrs`, version pinned in the Makefile; Tests/browser/test_study.py compares the two on thousands of
// random review histories). Fuzzing is not ported: a schedule here is a pure function of the review history.
//
// A card is a plain JSON object with the same fields as py-fsrs's Card.to_dict(), so a server can load it as is:
//   {card_id, state: 1 Learning | 2 Review | 3 Relearning, step: int|null, stability: float|null,
//    difficulty: float|null, due: ISO 8601 UTC, last_review: ISO 8601 UTC|null}

export const Rating = Object.freeze({ Again: 1, Hard: 2, Good: 3, Easy: 4 });
export const State = Object.freeze({ Learning: 1, Review: 2, Relearning: 3 });
export const RATING_NAME = { 1: 'Again', 2: 'Hard', 3: 'Good', 4: 'Easy' };

export const DEFAULT_PARAMETERS = Object.freeze([
  0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
  1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
]);

const STABILITY_MIN = 0.001;
const MIN_DIFFICULTY = 1.0;
const MAX_DIFFICULTY = 10.0;
const DAY = 86400000;
const E = Math.E;

const ms = (t) => (t === null || t === undefined ? null : typeof t === 'number' ? t : Date.parse(t));
const iso = (t) => new Date(t).toISOString();

/** Python's round(): halves go to the even neighbour. */
function pyRound(x) {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** A card never reviewed, due now (py-fsrs's Card()). */
export function newCard(cardId, now = Date.now()) {
  return { card_id: cardId, state: State.Learning, step: 0, stability: null, difficulty: null, due: iso(ms(now)), last_review: null };
}

export class Scheduler {
  /**
   * learningSteps and relearningSteps are in seconds (py-fsrs: timedeltas); the defaults are py-fsrs's.
   */
  constructor({
    parameters = DEFAULT_PARAMETERS, desiredRetention = 0.9, learningSteps = [60, 600], relearningSteps = [600],
    maximumInterval = 36500,
  } = {}) {
    if (parameters.length !== 21) throw new Error(`Expected 21 parameters, got ${parameters.length}.`);
    this.w = [...parameters];
    this.desiredRetention = desiredRetention;
    this.learningSteps = learningSteps.map((s) => s * 1000);
    this.relearningSteps = relearningSteps.map((s) => s * 1000);
    this.maximumInterval = maximumInterval;
    this.DECAY = -this.w[20];
    this.FACTOR = 0.9 ** (1 / this.DECAY) - 1;
  }

  /** The stored form (py-fsrs's Scheduler.to_dict(), fuzzing off). */
  toJSON() {
    return {
      parameters: this.w, desired_retention: this.desiredRetention,
      learning_steps: this.learningSteps.map((x) => x / 1000), relearning_steps: this.relearningSteps.map((x) => x / 1000),
      maximum_interval: this.maximumInterval, enable_fuzzing: false,
    };
  }

  /** The probability of recall now, counted in whole days since the last review as py-fsrs does. */
  retrievability(card, now = Date.now()) {
    if (card.last_review === null || card.last_review === undefined || card.stability === null) return 0;
    const elapsed = Math.max(0, Math.floor((ms(now) - ms(card.last_review)) / DAY));
    return (1 + this.FACTOR * elapsed / card.stability) ** this.DECAY;
  }

  /** The same curve for a fractional number of days (for display and the mastery estimate). */
  forgettingCurve(elapsedDays, stability) {
    return (1 + this.FACTOR * Math.max(0, elapsedDays) / stability) ** this.DECAY;
  }

  /** Returns the card after a review with rating (1..4) at time now (ms or ISO); the input card is not changed. */
  reviewCard(input, rating, now = Date.now()) {
    if (![1, 2, 3, 4].includes(rating)) throw new Error(`Unknown rating: ${rating}`);
    const card = { ...input };
    const t = ms(now);
    const last = ms(card.last_review);
    const daysSince = last === null ? null : Math.floor((t - last) / DAY);
    const retr = () => this.retrievability(card, t);
    let interval; // ms

    if (card.state === State.Learning || card.state === State.Relearning) {
      const steps = card.state === State.Learning ? this.learningSteps : this.relearningSteps;
      if (card.state === State.Learning && (card.stability === null || card.difficulty === null)) {
        card.stability = this.initialStability(rating);
        card.difficulty = this.initialDifficulty(rating, true);
      } else if (daysSince !== null && daysSince < 1) {
        card.stability = this.shortTermStability(card.stability, rating);
        card.difficulty = this.nextDifficulty(card.difficulty, rating);
      } else {
        card.stability = this.nextStability(card.difficulty, card.stability, retr(), rating);
        card.difficulty = this.nextDifficulty(card.difficulty, rating);
      }
      if (steps.length === 0 || (card.step >= steps.length && rating !== Rating.Again)) {
        card.state = State.Review;
        card.step = null;
        interval = this.nextInterval(card.stability) * DAY;
      } else if (rating === Rating.Again) {
        card.step = 0;
        interval = steps[0];
      } else if (rating === Rating.Hard) {
        if (card.step === 0 && steps.length === 1) interval = steps[0] * 1.5;
        else if (card.step === 0 && steps.length >= 2) interval = (steps[0] + steps[1]) / 2.0;
        else interval = steps[card.step];
      } else if (rating === Rating.Good) {
        if (card.step + 1 === steps.length) {
          card.state = State.Review;
          card.step = null;
          interval = this.nextInterval(card.stability) * DAY;
        } else {
          card.step += 1;
          interval = steps[card.step];
        }
      } else {
        card.state = State.Review;
        card.step = null;
        interval = this.nextInterval(card.stability) * DAY;
      }
    } else if (card.state === State.Review) {
      if (daysSince !== null && daysSince < 1) card.stability = this.shortTermStability(card.stability, rating);
      else card.stability = this.nextStability(card.difficulty, card.stability, retr(), rating);
      card.difficulty = this.nextDifficulty(card.difficulty, rating);
      if (rating === Rating.Again && this.relearningSteps.length) {
        card.state = State.Relearning;
        card.step = 0;
        interval = this.relearningSteps[0];
      } else {
        interval = this.nextInterval(card.stability) * DAY;
      }
    } else {
      throw new Error(`Unknown card state: ${card.state}`);
    }
    // timedelta arithmetic keeps microseconds; a Date keeps milliseconds (every step above is a whole number of them)
    card.due = iso(t + Math.round(interval));
    card.last_review = iso(t);
    return card;
  }

  clampDifficulty(d) { return Math.min(Math.max(d, MIN_DIFFICULTY), MAX_DIFFICULTY); }
  clampStability(s) { return Math.max(s, STABILITY_MIN); }

  initialStability(rating) { return this.clampStability(this.w[rating - 1]); }

  initialDifficulty(rating, clamp) {
    const d = this.w[4] - E ** (this.w[5] * (rating - 1)) + 1;
    return clamp ? this.clampDifficulty(d) : d;
  }

  nextInterval(stability) {
    let i = (stability / this.FACTOR) * (this.desiredRetention ** (1 / this.DECAY) - 1);
    i = pyRound(i);
    i = Math.max(i, 1);
    return Math.min(i, this.maximumInterval);
  }

  shortTermStability(stability, rating) {
    let inc = E ** (this.w[17] * (rating - 3 + this.w[18])) * stability ** -this.w[19];
    if (rating !== Rating.Again) inc = Math.max(inc, 1.0);
    return this.clampStability(stability * inc);
  }

  nextDifficulty(difficulty, rating) {
    const arg1 = this.initialDifficulty(Rating.Easy, false);
    const delta = -(this.w[6] * (rating - 3));
    const arg2 = difficulty + (10.0 - difficulty) * delta / 9.0;
    return this.clampDifficulty(this.w[7] * arg1 + (1 - this.w[7]) * arg2);
  }

  nextStability(difficulty, stability, retrievability, rating) {
    const s = rating === Rating.Again
      ? this.nextForgetStability(difficulty, stability, retrievability)
      : this.nextRecallStability(difficulty, stability, retrievability, rating);
    return this.clampStability(s);
  }

  nextForgetStability(difficulty, stability, retrievability) {
    const longTerm = this.w[11] * difficulty ** -this.w[12] * ((stability + 1) ** this.w[13] - 1)
      * E ** ((1 - retrievability) * this.w[14]);
    const shortTerm = stability / E ** (this.w[17] * this.w[18]);
    return Math.min(longTerm, shortTerm);
  }

  nextRecallStability(difficulty, stability, retrievability, rating) {
    const hardPenalty = rating === Rating.Hard ? this.w[15] : 1;
    const easyBonus = rating === Rating.Easy ? this.w[16] : 1;
    return stability * (1 + E ** this.w[8] * (11 - difficulty) * stability ** -this.w[9]
      * (E ** ((1 - retrievability) * this.w[10]) - 1) * hardPenalty * easyBonus);
  }
}
