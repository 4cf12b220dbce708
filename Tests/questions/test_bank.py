"""Checks of the question bank `questions.json`.

1. Structure: the rules of docs/questions-format.md and the topic ids of the contract, plus the
   size of the bank (counts per kind, per topic).
2. Truth: every predict_output `code`, every variant's `code` and every choice question's `proof.code`
   is run, and its stdout (trailing white space trimmed on each line and at the end) must equal
   `answer` / the variant's `answer` / `output`; it must print nothing to stderr (no warning, no log line).
   A question's variants (`variants`: [{code, answer, explanation}], variant 0 being `code` and `answer`
   themselves) must print different outputs, so that a classmate's answer to another variant is wrong.
3. Fairness: key positions are spread evenly (chi-square), multiple choice questions have 1 to 4
   right options, varied, and neither a fixed position (set of positions) nor the longest option
   scores more than 10 points away from random picks (`pytest -s` prints the means).

Snippets run in the real sandbox (`<repo>/grader/launch`) when it exists and is executable,
otherwise with `/usr/bin/python3 -I -c` (a warning says so).

Environment:
  QUESTIONS_FILE   another bank to check (default: <repo>/questions.json)
  QB_REPEAT        run every snippet N times (default 1) to look for non-determinism
  QB_WORKERS       parallel snippet runs (default: the number of CPUs, at least 2)
"""

import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BANK = Path(os.environ.get("QUESTIONS_FILE", REPO / "questions.json"))
LAUNCH = REPO / "grader" / "launch"
FALLBACK_PYTHON = "/usr/bin/python3"
SNIPPET_TIMEOUT = 5

TOPIC_IDS = [
    "awaitables", "coroutines", "event-loop", "non-blocking", "single-threaded", "tasks",
    "cancellation-timeouts", "error-handling", "synchronization", "nested-async",
    "async-iteration", "async-oop", "async-libraries",
]
KINDS = {"single_choice", "multiple_choice", "predict_output", "code"}
CHOICE_KINDS = {"single_choice", "multiple_choice"}
MIN_PER_KIND = {"single_choice": 34, "multiple_choice": 17, "predict_output": 24}
MIN_NON_CODE = 75
MIN_NON_CODE_PER_TOPIC = 5
MAX_SNIPPET_LINES = 25
MAX_RIGHT_MULTIPLE = 4          # a multiple choice question has 1 to 4 right options (and at least one wrong)
MIN_VARIANTS = 3                # a question with variants has at least 3 (variant 0 included)
MIN_VARIED_QUESTIONS = 12       # predict-output questions with variants (issue 17)

COMMON_FIELDS = {"id", "topic", "kind", "title", "difficulty", "prompt", "explanation"}
ALLOWED_FIELDS = {
    "single_choice": COMMON_FIELDS | {"choices", "proof", "hints"},
    "multiple_choice": COMMON_FIELDS | {"choices", "proof", "hints"},
    "predict_output": COMMON_FIELDS | {"code", "answer", "hints", "variants"},
    "code": COMMON_FIELDS | {"starter", "solution", "wrong_solutions", "hints"},
}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Idioms that must never appear in code we show or run as good practice.
DEPRECATED = [
    (re.compile(r"\bget_event_loop\s*\("), "asyncio.get_event_loop()"),
    (re.compile(r"asyncio\.coroutine\b"), "@asyncio.coroutine"),
    (re.compile(r"\bloop\s*=\s*loop\b"), "the loop= argument"),
]


# ------------------------------------------------------------------ helpers

def normalize(text):
    """Trim trailing white space on each line and at the end (the grading rule)."""
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip()


def sandbox_available():
    return LAUNCH.is_file() and os.access(LAUNCH, os.X_OK)


def _run_in_sandbox(code):
    proc = subprocess.Popen(
        [str(LAUNCH)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8",
    )
    try:
        ready = proc.stdout.readline()
        try:
            hello = json.loads(ready)
        except ValueError:
            hello = None
        if not (isinstance(hello, dict) and hello.get("ready") is True):
            raise RuntimeError(f"sandbox did not say ready: {ready!r}; stderr: {proc.stderr.read()[-2000:]}")
        request = {"mode": "run", "code": code, "timeout": SNIPPET_TIMEOUT}
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("sandbox closed without an answer; stderr: " + proc.stderr.read()[-2000:])
        result = json.loads(line)
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=SNIPPET_TIMEOUT + 5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return {
        "status": result.get("status"),
        "exit_code": result.get("exit_code"),
        "stdout": result.get("stdout") or "",
        "stderr": result.get("stderr") or "",
        "runner": "sandbox",
    }


def _run_locally(code):
    try:
        proc = subprocess.run(
            [FALLBACK_PYTHON, "-I", "-c", code], capture_output=True, text=True,
            encoding="utf-8", timeout=SNIPPET_TIMEOUT,
        )
    except subprocess.TimeoutExpired as e:
        return {"status": "timeout", "exit_code": None,
                "stdout": (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""),
                "stderr": "", "runner": "local"}
    return {"status": "ok" if proc.returncode == 0 else "error", "exit_code": proc.returncode,
            "stdout": proc.stdout, "stderr": proc.stderr, "runner": "local"}


_warned = []


def run_full(code):
    if sandbox_available():
        return _run_in_sandbox(code)
    if not _warned:
        _warned.append(True)
        msg = f"sandbox {LAUNCH} not found or not executable: snippets run with {FALLBACK_PYTHON} -I -c"
        print("WARNING: " + msg, file=sys.stderr)
        warnings.warn(msg)
    return _run_locally(code)


def run_snippet(code):
    """Run a Python program the way the server would and return its stdout."""
    return run_full(code)["stdout"]


# ------------------------------------------------------------------ loading

def load_bank():
    with open(BANK, encoding="utf-8") as f:
        return json.load(f)


BANK_DATA = load_bank()
QUESTIONS = BANK_DATA.get("questions", []) if isinstance(BANK_DATA, dict) else []


def snippets():
    """(test id, code, expected stdout) for every program in the bank."""
    out = []
    for q in QUESTIONS:
        if not isinstance(q, dict):
            continue
        if q.get("kind") == "predict_output":
            out.append((q.get("id"), q.get("code"), q.get("answer")))
            # variant 0 is the question's own program, run above
            for i, v in enumerate(q.get("variants") or []):
                if i and isinstance(v, dict):
                    out.append((f"{q.get('id')}:variant-{i}", v.get("code"), v.get("answer")))
        elif q.get("kind") in CHOICE_KINDS and isinstance(q.get("proof"), dict):
            out.append((f"{q.get('id')}:proof", q["proof"].get("code"), q["proof"].get("output")))
    return out


SNIPPETS = snippets()


# ------------------------------------------------------------------ structure

def test_top_level():
    assert isinstance(BANK_DATA, dict)
    assert set(BANK_DATA) <= {"version", "topics", "questions"}, set(BANK_DATA)
    assert BANK_DATA.get("version") == 1
    assert isinstance(BANK_DATA.get("topics"), list)
    assert isinstance(BANK_DATA.get("questions"), list)


def test_topics():
    topics = BANK_DATA["topics"]
    ids = [t.get("id") for t in topics]
    assert len(ids) == len(set(ids)), "duplicate topic ids"
    missing = set(TOPIC_IDS) - set(ids)
    assert not missing, f"missing topics {sorted(missing)}"
    for t in topics:
        assert set(t) == {"id", "title", "summary"}, t
        assert KEBAB.match(t["id"]), t["id"]
        assert isinstance(t["title"], str) and t["title"].strip(), t["id"]
        summary = t["summary"]
        assert isinstance(summary, str) and summary.strip(), t["id"]
        sentences = re.findall(r"[.!?](?=\s|$)", summary.strip())
        assert 2 <= len(sentences) <= 3, f"topic {t['id']}: summary has {len(sentences)} sentences"


def _problems(q, topic_ids):
    p = []
    if not isinstance(q, dict):
        return ["not an object"]
    kind = q.get("kind")
    if kind not in KINDS:
        return [f"unknown kind {kind!r}"]
    for field in COMMON_FIELDS:
        if field not in q:
            p.append(f"missing {field}")
    extra = set(q) - ALLOWED_FIELDS[kind]
    if extra:
        p.append(f"unexpected fields {sorted(extra)}")
    qid = q.get("id")
    if not isinstance(qid, str) or not KEBAB.match(qid):
        p.append(f"id {qid!r} is not lower-case kebab")
    elif kind != "code" and qid.startswith("code-"):
        p.append("only code questions may have ids starting with code-")
    if q.get("topic") not in topic_ids:
        p.append(f"unknown topic {q.get('topic')!r}")
    for field in ("title", "prompt", "explanation"):
        if not isinstance(q.get(field), str) or not q.get(field).strip():
            p.append(f"{field} must be a non-empty string")
    d = q.get("difficulty")
    if not (isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 3):
        p.append(f"difficulty {d!r} not in 1..3")

    if kind in CHOICE_KINDS:
        choices = q.get("choices")
        if not isinstance(choices, list) or not 3 <= len(choices) <= 5:
            p.append("choices must be a list of 3 to 5")
            return p
        for i, c in enumerate(choices):
            if not isinstance(c, dict):
                p.append(f"choice {i} is not an object")
                continue
            if set(c) != {"id", "text", "correct", "feedback"}:
                p.append(f"choice {i} has fields {sorted(c)}")
            if c.get("id") != "abcde"[i]:
                p.append(f"choice {i} has id {c.get('id')!r}, expected {'abcde'[i]!r}")
            if not isinstance(c.get("text"), str) or not c.get("text").strip():
                p.append(f"choice {c.get('id')} has no text")
            if not isinstance(c.get("correct"), bool):
                p.append(f"choice {c.get('id')}: correct must be a boolean")
            if not isinstance(c.get("feedback"), str) or not c.get("feedback").strip():
                p.append(f"choice {c.get('id')} has no feedback")
        texts = [c.get("text") for c in choices if isinstance(c, dict)]
        if len(texts) != len(set(texts)):
            p.append("two choices have the same text")
        n_correct = sum(1 for c in choices if isinstance(c, dict) and c.get("correct") is True)
        if kind == "single_choice" and n_correct != 1:
            p.append(f"single_choice needs exactly one correct choice, has {n_correct}")
        if kind == "multiple_choice" and not (1 <= n_correct <= MAX_RIGHT_MULTIPLE
                                              and len(choices) - n_correct >= 1):
            p.append(f"multiple_choice needs 1 to {MAX_RIGHT_MULTIPLE} correct and >= 1 wrong, "
                     f"has {n_correct} of {len(choices)}")
        if "proof" in q:
            proof = q["proof"]
            if not (isinstance(proof, dict) and set(proof) == {"code", "output"}
                    and isinstance(proof.get("code"), str) and proof["code"].strip()
                    and isinstance(proof.get("output"), str) and proof["output"].strip()):
                p.append("proof must be {code, output} with non-empty strings")
    elif kind == "predict_output":
        for field in ("code", "answer"):
            if not isinstance(q.get(field), str) or not q.get(field).strip():
                p.append(f"{field} must be a non-empty string")
        if "variants" in q:
            p.extend(_variant_problems(q))
    elif kind == "code":
        for field in ("starter", "solution"):
            if not isinstance(q.get(field), str) or not q.get(field).strip():
                p.append(f"{field} must be a non-empty string")
        for w in q.get("wrong_solutions", []):
            if not (isinstance(w, dict) and isinstance(w.get("code"), str)
                    and isinstance(w.get("status"), str) and isinstance(w.get("why"), str)):
                p.append("wrong_solutions entries need code, status, why")
    return p


def _variant_problems(q):
    variants = q["variants"]
    if not isinstance(variants, list) or len(variants) < MIN_VARIANTS:
        return [f"variants must be a list of at least {MIN_VARIANTS}"]
    p = []
    for i, v in enumerate(variants):
        if not (isinstance(v, dict) and set(v) <= {"code", "answer", "explanation"} and {"code", "answer"} <= set(v)
                and all(isinstance(x, str) and x.strip() for x in v.values())):
            p.append(f"variant {i} must be {{code, answer, explanation?}} with non-empty strings")
    if p:
        return p
    if (variants[0]["code"], variants[0]["answer"]) != (q.get("code"), q.get("answer")):
        p.append("variant 0 must be the question's own code and answer")
    if len({v["code"] for v in variants}) != len(variants):
        p.append("two variants have the same code")
    answers = [normalize(v["answer"]) for v in variants]
    if len(set(answers)) != len(answers):
        p.append("two variants have the same answer: a copied answer would pass")
    return p


def test_enough_questions_have_variants():
    varied = [q["id"] for q in QUESTIONS if q.get("kind") == "predict_output" and q.get("variants")]
    print(f"predict_output questions with variants: {len(varied)}: {varied}")
    assert len(varied) >= MIN_VARIED_QUESTIONS, varied


def test_questions_structure():
    topic_ids = {t.get("id") for t in BANK_DATA["topics"]}
    problems = []
    for i, q in enumerate(QUESTIONS):
        for prob in _problems(q, topic_ids):
            name = q.get("id") if isinstance(q, dict) else f"#{i}"
            problems.append(f'question "{name}": {prob}')
    assert not problems, "\n".join(problems)


def test_ids_unique():
    ids = [q.get("id") for q in QUESTIONS]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    assert not dups, f"duplicate ids {dups}"


def test_counts():
    per_kind = {}
    per_topic = {t: 0 for t in TOPIC_IDS}
    for q in QUESTIONS:
        per_kind[q["kind"]] = per_kind.get(q["kind"], 0) + 1
        if q["kind"] != "code":
            per_topic[q["topic"]] = per_topic.get(q["topic"], 0) + 1
    for kind, minimum in MIN_PER_KIND.items():
        assert per_kind.get(kind, 0) >= minimum, f"{kind}: {per_kind.get(kind, 0)} < {minimum}"
    assert sum(per_topic.values()) >= MIN_NON_CODE
    thin = {t: n for t, n in per_topic.items() if n < MIN_NON_CODE_PER_TOPIC}
    assert not thin, f"topics with fewer than {MIN_NON_CODE_PER_TOPIC} non-code questions: {thin}"


def test_snippets_are_short_and_modern():
    problems = []
    for name, code, _ in SNIPPETS:
        lines = code.rstrip("\n").split("\n")
        if len(lines) > MAX_SNIPPET_LINES:
            problems.append(f"{name}: {len(lines)} lines > {MAX_SNIPPET_LINES}")
        for pattern, what in DEPRECATED:
            if pattern.search(code):
                problems.append(f"{name}: uses {what}")
        try:
            compile(code, name, "exec")
        except SyntaxError as e:
            problems.append(f"{name}: does not compile: {e}")
    assert not problems, "\n".join(problems)


def test_no_deprecated_idiom_in_correct_choices():
    problems = []
    for q in QUESTIONS:
        for c in q.get("choices", []):
            if c.get("correct"):
                for pattern, what in DEPRECATED:
                    if pattern.search(c.get("text", "")):
                        problems.append(f"{q['id']}:{c['id']} presents {what} as right")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ fairness
# The position or the length of an option must not give the answer away. Scores follow
# Sources/QuizCore/AnswerChecker.swift: single choice 1 or 0; multiple choice
# (right ticks - wrong ticks) / number of right options, floored at 0.

LETTERS = "abcde"
PLAYS = 1000                 # each strategy plays the whole bank this many times
MAX_GAIN_POINTS = 10         # no strategy may score more than 10 points (of 100) away from random
MIN_P_UNIFORM = 0.05         # chi-square of key positions: uniform must not be rejected at 5 %
MAX_SHARE_LONGEST_KEY = 0.35 # single choice: the key is the longest option in at most 35 % of questions


def choice_questions(kind):
    return [q for q in QUESTIONS if q.get("kind") == kind and isinstance(q.get("choices"), list)]


def chi2_sf(x, df):
    """P(X >= x) for a chi-square variable with integer df (no scipy here)."""
    if x <= 0:
        return 1.0
    if df % 2 == 0:
        term = total = math.exp(-x / 2)
        for k in range(1, df // 2):
            term *= (x / 2) / k
            total += term
        return min(1.0, total)
    total = math.erfc(math.sqrt(x / 2))
    term = math.exp(-x / 2) * math.sqrt(2 * x / math.pi)
    for k in range(3, df + 1, 2):
        total += term
        term *= x / (k)
    return min(1.0, total)


def key_position_counts(kind):
    """Right options per position, and how many a uniform spread would put there."""
    seen = [0.0] * len(LETTERS)
    expected = [0.0] * len(LETTERS)
    for q in choice_questions(kind):
        n = len(q["choices"])
        k = sum(1 for c in q["choices"] if c.get("correct"))
        for i, c in enumerate(q["choices"]):
            seen[i] += 1 if c.get("correct") else 0
            expected[i] += k / n
    used = [i for i, e in enumerate(expected) if e > 0]
    return [seen[i] for i in used], [expected[i] for i in used]


def chi_square_uniform(kind):
    seen, expected = key_position_counts(kind)
    stat = sum((o - e) ** 2 / e for o, e in zip(seen, expected))
    return stat, chi2_sf(stat, len(seen) - 1), seen, expected


def score(q, picked):
    right = {c["id"] for c in q["choices"] if c["correct"]}
    picked = set(picked)
    if q["kind"] == "single_choice":
        return 1.0 if len(picked) == 1 and picked == right else 0.0
    good, bad = len(picked & right), len(picked - right)
    return max(0.0, (good - bad) / len(right)) if right else 0.0


def _longest(q, rng, how_many=1, shortest=False):
    ids = [c["id"] for c in q["choices"]]
    length = {c["id"]: len(c["text"]) for c in q["choices"]}
    rng.shuffle(ids)                                    # ties are broken at random
    ids.sort(key=lambda i: length[i], reverse=not shortest)
    return ids[:how_many]


def strategies(kind):
    """name -> function(question, rng) -> the ids the student picks."""
    out = {}
    if kind == "single_choice":
        out["random"] = lambda q, rng: [rng.choice(q["choices"])["id"]]
        for letter in "abcd":
            out[f"always {letter}"] = (lambda L: lambda q, rng: [L] if L in {c["id"] for c in q["choices"]} else [])(letter)
        out["longest"] = lambda q, rng: _longest(q, rng)
        out["shortest"] = lambda q, rng: _longest(q, rng, shortest=True)
    else:
        out["random"] = lambda q, rng: [c["id"] for c in q["choices"] if rng.random() < 0.5]
        for size in range(1, len(LETTERS) + 1):
            for subset in itertools.combinations(LETTERS, size):
                out["tick " + "".join(subset)] = (
                    lambda s: lambda q, rng: [c["id"] for c in q["choices"] if c["id"] in s])(subset)
        for n in (1, 2, 3):
            out[f"{n} longest"] = (lambda n: lambda q, rng: _longest(q, rng, n))(n)
        out["shortest"] = lambda q, rng: _longest(q, rng, shortest=True)
    return out


def strategy_means(kind, plays=PLAYS, seed=20240601):
    """Mean score in points (0..100) of each strategy over `plays` rounds of the whole bank."""
    questions = choice_questions(kind)
    rng = random.Random(seed)
    means = {}
    for name, pick in strategies(kind).items():
        total = 0.0
        for _ in range(plays):
            total += sum(score(q, pick(q, rng)) for q in questions)
        means[name] = 100 * total / (plays * len(questions))
    return means


def test_key_positions_are_uniform():
    problems = []
    for kind in sorted(CHOICE_KINDS):
        stat, p, seen, expected = chi_square_uniform(kind)
        print(f"{kind}: right options per position {[int(s) for s in seen]} "
              f"(uniform: {[round(e, 1) for e in expected]}), chi-square {stat:.2f}, p = {p:.3f}")
        if p < MIN_P_UNIFORM:
            problems.append(f"{kind}: key positions {seen} reject uniform (p = {p:.4f})")
    assert not problems, "\n".join(problems)


def test_multiple_choice_right_counts_vary():
    counts = [sum(1 for c in q["choices"] if c["correct"]) for q in choice_questions("multiple_choice")]
    spread = {k: counts.count(k) for k in sorted(set(counts))}
    print("multiple_choice: questions per number of right options", spread)
    assert set(counts) <= set(range(1, MAX_RIGHT_MULTIPLE + 1)), spread
    assert len(spread) >= 3, f"too little variety in the number of right options: {spread}"
    assert max(spread.values()) <= len(counts) / 2, f"one count dominates: {spread}"


def test_key_is_not_systematically_the_longest():
    questions = choice_questions("single_choice")
    longest = [q["id"] for q in questions
               if max(len(c["text"]) for c in q["choices"] if c["correct"])
               >= max(len(c["text"]) for c in q["choices"])]
    share = len(longest) / len(questions)
    ratios = []
    for q in questions + choice_questions("multiple_choice"):
        right = [len(c["text"]) for c in q["choices"] if c["correct"]]
        wrong = [len(c["text"]) for c in q["choices"] if not c["correct"]]
        ratios.append((sum(right) / len(right)) / (sum(wrong) / len(wrong)))
    mean_ratio = sum(ratios) / len(ratios)
    print(f"single_choice: key is the longest option in {len(longest)} of {len(questions)}; "
          f"mean length of right / wrong options over all choice questions: {mean_ratio:.2f}")
    assert share <= MAX_SHARE_LONGEST_KEY, f"key is the longest in {len(longest)}: {longest}"
    assert 0.8 <= mean_ratio <= 1.25, f"right options are {mean_ratio:.2f} times as long as wrong ones"


@pytest.mark.parametrize("kind", sorted(CHOICE_KINDS))
def test_no_strategy_beats_reading(kind):
    """Always the same position(s), or the longest option, scores within 10 points of random picks.
    For multiple choice every non-empty set of ticked positions is played (ticking nothing scores 0
    by definition and gives nothing away); random ticks each option with probability 1/2."""
    means = strategy_means(kind)
    base = means["random"]
    print(f"\n{kind}: mean score in points over {PLAYS} plays of the bank")
    for name, value in sorted(means.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<14} {value:6.1f}  ({value - base:+.1f})")
    if kind == "multiple_choice":
        print(f"  {'tick nothing':<14} {0.0:6.1f}  ({-base:+.1f}) (not a strategy that uses the options)")
    far = {n: round(v, 1) for n, v in means.items() if abs(v - base) > MAX_GAIN_POINTS}
    assert not far, f"{kind}: random scores {base:.1f}; these strategies are more than {MAX_GAIN_POINTS} points away: {far}"


# ------------------------------------------------------------------ truth

@pytest.fixture(scope="module")
def outputs():
    """Run every snippet (QB_REPEAT times) in parallel; map test id -> list of results."""
    repeat = max(1, int(os.environ.get("QB_REPEAT", "1")))
    workers = max(1, int(os.environ.get("QB_WORKERS", str(max(2, os.cpu_count() or 2)))))
    jobs = [(name, code) for name, code, _ in SNIPPETS for _ in range(repeat)]
    results = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for (name, _), res in zip(jobs, pool.map(lambda job: _safe_run(job[1]), jobs)):
            results.setdefault(name, []).append(res)
    return results


def _safe_run(code):
    try:
        return run_full(code)
    except Exception as e:  # reported by the test that uses it
        return {"status": "harness_error", "exit_code": None, "stdout": "", "stderr": repr(e),
                "runner": "?"}


@pytest.mark.parametrize("name,code,expected", SNIPPETS, ids=[s[0] for s in SNIPPETS])
def test_snippet_output(outputs, name, code, expected):
    for res in outputs[name]:
        got = normalize(res["stdout"])
        detail = (f"runner={res['runner']} status={res['status']} exit_code={res['exit_code']}\n"
                  f"--- stdout\n{res['stdout']}\n--- expected\n{expected}\n--- stderr\n{res['stderr'][-1500:]}")
        assert got == normalize(expected), "wrong output\n" + detail
        assert res["exit_code"] in (0, None) and res["status"] not in ("timeout", "harness_error"), \
            "program did not end cleanly\n" + detail
        assert not res["stderr"].strip(), "printed to stderr (a warning or a log line)\n" + detail
