"""Writes <repo>/questions.json from the readable sources in this folder, plus grader/code_questions.json.

The questions live in part1.py … part7.py as triple-quoted strings (helpers.py: S = single_choice,
M = multiple_choice, P = predict_output); topics.json holds the 13 topics. variants.py gives some
predict-output questions variants (the same program with other numbers): their answers are computed here by
running each variant with /usr/bin/python3, and Tests/questions runs them all again and compares. After a change run
`python3 Tests/questions/bank_source/make_bank.py`, then `python3 -m pytest Tests/questions`
(which checks the structure and runs every snippet, in the sandbox when grader/launch exists).
"""
import importlib
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from helpers import Q  # noqa: E402

for part in ("part1", "part2", "part3", "part4", "part5", "part6", "part7"):
    importlib.import_module(part)
from variants import VARIED  # noqa: E402


def printed(code):
    """What the program prints, trailing white space trimmed on each line and at the end (the grading rule)."""
    run = subprocess.run(["/usr/bin/python3", "-I", "-c", code], capture_output=True, text=True, timeout=20,
                         cwd="/tmp", check=False)
    if run.returncode != 0 or run.stderr.strip():
        sys.exit(f"a variant failed (exit {run.returncode}): {run.stderr.strip()}\n{code}")
    return "\n".join(line.rstrip() for line in run.stdout.split("\n")).rstrip() + "\n"


for q in Q:
    if q["id"] not in VARIED:
        continue
    q["variants"] = [{"code": code, "answer": printed(code), "explanation": explanation}
                     for code, explanation in VARIED[q["id"]]]
    if q["variants"][0]["answer"] != q["answer"]:
        sys.exit(f"{q['id']}: today's program prints {q['variants'][0]['answer']!r}, its key is {q['answer']!r}")
    answers = [v["answer"] for v in q["variants"]]
    if len(set(answers)) != len(answers):
        sys.exit(f"{q['id']}: two variants print the same ({answers}); a copied answer would pass")

topics = json.loads((HERE / "topics.json").read_text(encoding="utf-8"))
root = HERE.parents[2]
# The code questions' sources are in bank/builtin (built into grader/code_questions.json by bank/build.py, with
# their grading data); the bank carries their public and secret fields, so that questions.json stays the one bank
# the server loads. The grading data stays with the grader.
CODE_FIELDS = ("id", "topic", "kind", "title", "difficulty", "prompt", "starter", "solution", "explanation",
               "wrong_solutions")
code = [{k: q[k] for k in CODE_FIELDS + ("hints",) if k in q}
        for q in json.loads((root / "grader" / "code_questions.json").read_text(encoding="utf-8"))["questions"]]
out = root / "questions.json"
out.write_text(json.dumps({"version": 1, "topics": topics, "questions": Q + code}, indent=2,
                          ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {out}: {len(Q)} questions ({len(VARIED)} with variants) and {len(code)} code questions")
