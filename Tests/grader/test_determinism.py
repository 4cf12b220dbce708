"""The same submissions graded 20 times with one seed while 2 CPU-burning processes run: identical verdicts and
statuses (the seed fixes the variant of a question whose tasks vary: test_variants.py)."""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from conftest import GRADER

BANK = {q['id']: q for q in json.load(open(os.path.join(GRADER, 'code_questions.json')))['questions']}
PICK = [('code-fetch-all', None), ('code-fetch-all', 0), ('code-retry', 2), ('code-run-blocking', 0),
        ('code-first-result', 0), ('code-safe-counter', 2)]
ROUNDS = 20
SEED = 20261201


def _code(qid, k):
    q = BANK[qid]
    return q['solution'] if k is None else q['wrong_solutions'][k]['code']


def _summary(r):
    return (r['verdict'], tuple((t['name'], t['status'], t['elapsed']) for t in r['tasks']))


def test_same_results_under_load(backend):
    burners = [subprocess.Popen([sys.executable, '-c', 'while True: pass']) for _ in range(2)]
    try:
        jobs = [(qid, k) for _ in range(ROUNDS) for qid, k in PICK]
        with ThreadPoolExecutor(2) as ex:
            res = list(ex.map(lambda j: (j, _summary(backend.request(
            {'mode': 'grade', 'question': j[0], 'code': _code(*j), 'seed': SEED}))), jobs))
    finally:
        for b in burners:
            b.kill()
            b.wait()
    seen = {}
    for j, s in res:
        seen.setdefault(j, set()).add(s)
    for j, ss in seen.items():
        assert len(ss) == 1, (j, ss)
    assert seen[('code-fetch-all', None)].pop()[0] == 'passed'
