"""Fresh variants over real HTTP (issue 17): two attempts at a code question whose tasks vary get different example
tasks, each result carries the seed that chose its variant, and its messages and timeline are those of that variant
(computed here from the question's data and the seed, as the grader does). The same holds for a question served from
a bank folder, graded from its data alone: the question's own `vary` reaches the grader with the rest of its
grading data."""
import json
import os
import shutil
import sys

import pytest

from live_server import REPO, Server

sys.path.insert(0, os.path.join(REPO, 'grader'))
from grader_judge import load_bank  # noqa: E402

BUILTIN = os.path.join(REPO, 'bank', 'builtin')
FOLDER_ID = 'variant-first-result'


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    bank = tmp_path_factory.mktemp('bank')
    shutil.copytree(os.path.join(BUILTIN, 'code-first-result'), bank / FOLDER_ID)
    q = json.loads((bank / FOLDER_ID / 'question.json').read_text())
    assert 'vary' in q, 'code-first-result declares its own draws (the item pool)'
    q['id'] = FOLDER_ID
    (bank / FOLDER_ID / 'question.json').write_text(json.dumps(q))
    (bank / 'bank.json').write_text(json.dumps({'questions': [FOLDER_ID]}))
    s = Server(['--questions', 'questions.json', '--questions', str(bank),
                '--anonymous-code-attempts-per-minute', '100000'])
    try:
        yield s
        assert s.stop() == 0, s.log_tail()
    finally:
        s.cleanup()


def solution():
    with open(os.path.join(BUILTIN, 'code-first-result', 'solution.py')) as f:
        return f.read()


def attempt(server, qid, code):
    status, _, body = server.request('POST', '/api/v1/questions/%s/attempts' % qid, {'code': code}, timeout=60)
    assert status == 200, body
    return json.loads(body)


def expected(qid, seed):
    """What the variant of `seed` says for each task: the winner's passed message and the trace's calls and ends."""
    with open(os.path.join(BUILTIN, 'code-first-result', 'question.json')) as f:
        data = dict(json.load(f), id=qid)
    q = load_bank(json.dumps({'questions': [data]}))[qid].variant(seed)
    out = []
    for t in q.tasks:
        fetch = t.d['helpers']['fetch']
        first = min(fetch['delays'])
        winner = fetch['items'][fetch['delays'].index(first)]
        calls = ['fetch(%d)' % i for i in t.d['args'][1]]
        out.append((t.name, 'Returned the result of fetch(%d)' % winner, '%s s' % first, sorted(calls)))
    return out


@pytest.mark.parametrize('qid', ['code-first-result', FOLDER_ID])
def test_two_attempts_meet_different_tasks(server, qid):
    a, b = attempt(server, qid, solution()), attempt(server, qid, solution())
    assert a['verdict'] == b['verdict'] == 'passed', (a, b)
    assert isinstance(a['seed'], int) and isinstance(b['seed'], int) and a['seed'] != b['seed']
    for r in (a, b):
        want = expected(qid, r['seed'])
        assert [t['name'] for t in r['tasks']] == [w[0] for w in want]
        for t, (name, starts, at, calls) in zip(r['tasks'], want):
            assert t['message'].startswith(starts) and (' at %s' % at) in t['message'], (t, starts, at)
            assert sorted(x['call'] for x in t['trace']) == calls, t
    assert [t['message'] for t in a['tasks']] != [t['message'] for t in b['tasks']]
    assert [t['trace'] for t in a['tasks']] != [t['trace'] for t in b['tasks']]


def test_the_public_question_shows_no_task_values(server):
    """Before answering, a student sees the prompt and the starter: nothing of the tasks, so nothing that one
    variant would contradict."""
    status, _, body = server.request('GET', '/api/v1/questions/code-first-result')
    q = json.loads(body)
    assert status == 200 and not {'tasks', 'vary', 'helpers', 'solution', 'wrong_solutions'} & set(q), sorted(q)
