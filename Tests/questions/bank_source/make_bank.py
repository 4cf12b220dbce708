"""Writes <repo>/questions.json from the readable sources in this folder, plus grader/code_questions.json.

The questions live in part1.py … part7.py as triple-quoted strings (helpers.py: S = single_choice,
M = multiple_choice, P = predict_output); topics.json holds the 13 topics. After a change run
`python3 Tests/questions/bank_source/make_bank.py`, then `python3 -m pytest Tests/questions`
(which checks the structure and runs every snippet, in the sandbox when grader/launch exists).
"""
import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from helpers import Q  # noqa: E402

for part in ("part1", "part2", "part3", "part4", "part5", "part6", "part7"):
    importlib.import_module(part)

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
print(f"wrote {out}: {len(Q)} questions and {len(code)} code questions")
