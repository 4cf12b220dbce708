"""The curriculum bank (examples/async-bootcamp), graded from its data alone: each request carries the question's
`spec`. Every model solution and every other correct shape passes; every wrong solution gets its status. Also: the
answer's version and seed, reproducing a grading with its seed, hidden tasks, style rules."""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import GRADER

ROOT = os.path.abspath(os.path.join(GRADER, '..'))
SRC = os.path.join(ROOT, 'examples', 'async-bootcamp')
sys.path.insert(0, os.path.join(ROOT, 'bank'))
import build  # noqa: E402

BANK = build.build(SRC)
BY_ID = {q['id']: q for q in BANK}
IDS = ['bootcamp-wait-random', 'bootcamp-wait-n', 'bootcamp-measure-time', 'bootcamp-task-wait-random',
       'bootcamp-task-wait-n', 'bootcamp-async-generator', 'bootcamp-async-comprehension', 'bootcamp-measure-runtime']

CASES = []
for q in BANK:
    CASES.append((q['id'], 'solution', 'passed', q['solution']))
    meta = json.load(open(os.path.join(SRC, q['id'], 'question.json')))
    for k, m in enumerate(meta.get('more_solutions', [])):
        CASES.append((q['id'], 'more%d' % k, 'passed', open(os.path.join(SRC, q['id'], m['file'])).read()))
    for k, w in enumerate(q['wrong_solutions']):
        CASES.append((q['id'], 'wrong%d' % k, w['status'], w['code']))


def grade(backend, qid, code, **kw):
    req = {'mode': 'grade', 'question': qid, 'spec': BY_ID[qid], 'code': code}
    req.update(kw)
    return backend.request(req, 40)


@pytest.fixture(scope='module')
def results(backend):
    with ThreadPoolExecutor(2) as ex:
        return dict(zip([(c[0], c[1]) for c in CASES], ex.map(lambda c: grade(backend, c[0], c[3]), CASES)))


def test_bank_shape():
    assert [q['id'] for q in BANK] == IDS
    for q in BANK:
        assert q['module'] and q['tasks'] and len(q['wrong_solutions']) >= 3
        assert any(t.get('hidden') for t in q['tasks']) or q['id'] == 'bootcamp-task-wait-random'


def test_data_only():
    """The bank is data: JSON and the students' files, no Python of its own."""
    for dirpath, _, files in os.walk(SRC):
        for f in files:
            assert f.endswith(('.json', '.md')) or '/wrong' in dirpath or '/more' in dirpath or \
                f in ('starter.py', 'solution.py'), os.path.join(dirpath, f)


@pytest.mark.parametrize('qid,name,want,code', CASES, ids=['%s-%s' % (c[0], c[1]) for c in CASES])
def test_case(results, qid, name, want, code):
    r = results[(qid, name)]
    statuses = [t['status'] for t in r['tasks']]
    if want == 'passed':
        assert r['verdict'] == 'passed' and r['score'] == 1, r
    elif want == 'not_gradable':
        assert r['verdict'] == 'not_gradable', r
    else:
        assert r['verdict'] == 'failed' and want in statuses, r
    assert r['version'] == build.version_of(BY_ID[qid])
    assert type(r['seed']) is int


def test_import_error_names_the_python_version(results):
    r = results[('bootcamp-async-generator', 'wrong2')]
    assert 'TypeError' in r['message'] and 'Python 3.' in r['message'] and 'line 6' in r['message'], r


def test_hidden_tasks_show_only_their_status(results):
    r = results[('bootcamp-wait-n', 'wrong1')]
    hidden = [t for t in r['tasks'] if t.get('hidden')]
    assert hidden and all(t['trace'] == [] and t['elapsed'] is None and t['name'].startswith('hidden task')
                          for t in hidden), r
    assert all('wait_random' not in t['message'] for t in hidden)


def test_style_rules_are_reported_not_scored(results):
    r = results[('bootcamp-wait-n', 'wrong0')]        # sequential, hidden by sorted()
    assert any(not s['ok'] and s['rule'] == 'sorted(' for s in r['style']), r
    r = results[('bootcamp-wait-n', 'solution')]
    assert r['verdict'] == 'passed' and all(s['ok'] for s in r['style'])


def test_a_seed_reproduces_the_grading(backend):
    code = BY_ID['bootcamp-wait-n']['solution']
    a = grade(backend, 'bootcamp-wait-n', code, seed=12345)
    b = grade(backend, 'bootcamp-wait-n', code, seed=12345)
    c = grade(backend, 'bootcamp-wait-n', code, seed=54321)
    assert a['seed'] == b['seed'] == 12345
    trace = lambda r: [t['trace'] for t in r['tasks']]
    assert trace(a) == trace(b) and trace(a) != trace(c)


def test_forty_virtual_seconds_are_fast(backend):
    """Four comprehensions of 10 s one after another: 40 virtual seconds, graded in well under a second of real time
    (the 50 ms budget is checked by grader/bench.py on a quiet machine)."""
    import time
    code = BY_ID['bootcamp-measure-runtime']['wrong_solutions'][0]['code']
    t = time.monotonic()
    r = grade(backend, 'bootcamp-measure-runtime', code)
    assert r['verdict'] == 'failed' and time.monotonic() - t < 2.0


def test_a_bad_spec_is_an_error(backend):
    r = backend.request({'mode': 'grade', 'question': 'x', 'spec': {'entry': 'f', 'tasks': []}, 'code': 'pass'}, 40)
    assert r['verdict'] == 'error' and 'not valid' in r['message']


def test_built_bank_is_current():
    """examples/async-bootcamp/bank.built.json is what bank/build.py makes of the sources."""
    built = json.load(open(os.path.join(SRC, 'bank.built.json')))['questions']
    assert built == BANK
