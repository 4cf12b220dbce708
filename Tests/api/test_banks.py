"""Several banks at once (`serve --questions PATH`, repeatable): the built-in bank and the bootcamp curriculum, a
teacher's bank folder graded from its data alone, over real HTTP with the real sandbox. Every model solution (and
every other right shape the bank lists) passes; every wrong solution fails with the status that names its mistake;
the result says which version of the question and which seed graded it. Two banks that define one id do not
start."""
import json
import os
import shutil
import subprocess

import pytest

from live_server import BINARY, REPO, Server

BOOTCAMP = os.path.join(REPO, 'examples', 'async-bootcamp')
IDS = ['bootcamp-wait-random', 'bootcamp-wait-n', 'bootcamp-measure-time', 'bootcamp-task-wait-random',
       'bootcamp-task-wait-n', 'bootcamp-async-generator', 'bootcamp-async-comprehension', 'bootcamp-measure-runtime']


def exercise(qid):
    folder = os.path.join(BOOTCAMP, qid)
    with open(os.path.join(folder, 'question.json'), encoding='utf-8') as f:
        q = json.load(f)

    def read(name):
        with open(os.path.join(folder, name), encoding='utf-8') as f:
            return f.read()
    right = [('model', read('solution.py'))] + [('more: ' + m['why'], read(m['file'])) for m in q.get('more_solutions', [])]
    wrong = [(w['why'], w['status'], read(w['file'])) for w in q.get('wrong_solutions', [])]
    return right, wrong


RIGHT = [(qid, name, code) for qid in IDS for name, code in exercise(qid)[0]]
WRONG = [(qid, why, status, code) for qid in IDS for why, status, code in exercise(qid)[1]]


@pytest.fixture(scope='module')
def banks():
    s = Server(['--questions', 'questions.json', '--questions', 'examples/async-bootcamp/',
                '--anonymous-code-attempts-per-minute', '100000'])
    try:
        yield s
        assert s.stop() == 0, s.log_tail()
    finally:
        s.cleanup()


def attempt(server, qid, code):
    status, _, body = server.request('POST', '/api/v1/questions/%s/attempts' % qid, {'code': code}, timeout=60)
    assert status == 200, body
    return json.loads(body)


def test_every_bank_is_served(banks):
    status, _, body = banks.request('GET', '/api/v1/questions?kind=code')
    assert status == 200
    ids = {q['id'] for q in json.loads(body)['questions']}
    assert set(IDS) <= ids and 'code-fetch-all' in ids
    status, _, body = banks.request('GET', '/api/v1/questions/bootcamp-wait-n')
    q = json.loads(body)
    assert status == 200 and '1-concurrent_coroutines' in q['prompt']
    assert not {'tasks', 'helpers', 'solution', 'wrong_solutions', 'modules'} & set(q), sorted(q)


@pytest.mark.parametrize('qid,name,code', RIGHT, ids=['%s: %s' % (c[0], c[1]) for c in RIGHT])
def test_right_solutions_pass(banks, qid, name, code):
    r = attempt(banks, qid, code)
    assert r['verdict'] == 'passed', r
    assert isinstance(r['version'], str) and len(r['version']) >= 8, r
    assert isinstance(r['seed'], int), r


@pytest.mark.parametrize('qid,why,status,code', WRONG, ids=['%s: %s' % (c[0], c[1]) for c in WRONG])
def test_wrong_solutions_fail_with_their_status(banks, qid, why, status, code):
    r = attempt(banks, qid, code)
    if status == 'not_gradable':
        assert r['verdict'] == 'not_gradable', r
    else:
        assert r['verdict'] == 'failed', r
        assert status in [t['status'] for t in r['tasks']], r


def test_a_typing_annotation_only_313_accepts_is_explained(banks):
    r = attempt(banks, 'bootcamp-async-generator', '''
import asyncio
import random
from typing import Generator


async def async_generator() -> Generator[float, None]:
    for _ in range(10):
        await asyncio.sleep(1)
        yield random.uniform(0, 10)
''')
    assert r['verdict'] == 'not_gradable', r
    assert 'TypeError' in r['message'] and 'Python 3.11' in r['message'], r['message']


def test_two_banks_with_one_id_do_not_start(tmp_path):
    with open(os.path.join(REPO, 'questions.json'), encoding='utf-8') as f:
        builtin = json.load(f)
    mine = tmp_path / 'mine.json'
    mine.write_text(json.dumps({'questions': [q for q in builtin['questions'] if q['id'] == 'code-fetch-all']}))
    run = subprocess.run([BINARY, 'serve', '--port', '0', '--data-dir', str(tmp_path / 'data'),
                          '--questions', 'questions.json', '--questions', str(mine)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run
    assert 'question "code-fetch-all" is already defined in questions.json' in run.stderr, run.stderr
    assert run.stderr.startswith('mine.json: question "code-fetch-all"'), run.stderr


def test_validate_names_a_wrong_solution_that_passes(tmp_path):
    src = os.path.join(BOOTCAMP, 'bootcamp-wait-random')
    dst = tmp_path / 'bank'
    (dst / 'bootcamp-wait-random').mkdir(parents=True)
    (dst / 'bank.json').write_text(json.dumps({'questions': ['bootcamp-wait-random']}))
    shutil.copytree(src, dst / 'bootcamp-wait-random', dirs_exist_ok=True)
    q = json.load(open(os.path.join(src, 'question.json'), encoding='utf-8'))
    q['wrong_solutions'][0] = {'file': 'solution.py', 'status': 'wrong_answer', 'why': 'not wrong at all'}
    (dst / 'bootcamp-wait-random' / 'question.json').write_text(json.dumps(q))
    run = subprocess.run([BINARY, 'validate', str(dst)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run
    assert ('bank/bank.json: question "bootcamp-wait-random": wrong solution 1 (not wrong at all) passes: it should '
            'fail with wrong_answer') in run.stdout, run.stdout


def test_sighup_reloads_the_banks_and_keeps_attempts_in_flight(tmp_path):
    import signal
    import threading
    import time
    mine = tmp_path / 'bootcamp'
    shutil.copytree(BOOTCAMP, mine)
    s = Server(['--questions', 'questions.json', '--questions', str(mine)])
    try:
        prompt = mine / 'bootcamp-wait-random' / 'prompt.md'
        prompt.write_text(prompt.read_text(encoding='utf-8') + '\n\nEdited after start-up.', encoding='utf-8')
        code = (mine / 'bootcamp-wait-random' / 'solution.py').read_text(encoding='utf-8')
        answers = []

        def burst():
            for _ in range(20):
                answers.append(attempt(s, 'bootcamp-wait-random', code)['verdict'])
        workers = [threading.Thread(target=burst) for _ in range(3)]
        for w in workers:
            w.start()
        os.kill(s.pid, signal.SIGHUP)
        end = time.monotonic() + 60
        while True:
            status, _, body = s.request('GET', '/api/v1/questions/bootcamp-wait-random')
            if 'Edited after start-up.' in json.loads(body)['prompt']:
                break
            assert time.monotonic() < end, 'the edit was not served after SIGHUP:\n' + s.log_tail()
            time.sleep(0.05)
        for w in workers:
            w.join()
        assert answers == ['passed'] * 60, answers
        # a broken bank on SIGHUP: the served one stays, and the log says why
        (mine / 'bootcamp-wait-random' / 'question.json').write_text('{not json', encoding='utf-8')
        os.kill(s.pid, signal.SIGHUP)
        end = time.monotonic() + 60
        while 'banks not reloaded' not in s.log_tail():
            assert time.monotonic() < end, s.log_tail()
            time.sleep(0.05)
        status, _, body = s.request('GET', '/api/v1/questions/bootcamp-wait-random')
        assert status == 200 and 'Edited after start-up.' in json.loads(body)['prompt']
        assert s.stop() == 0, s.log_tail()
    finally:
        s.cleanup()
