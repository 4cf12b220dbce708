"""Every model solution passes; every wrong solution gets its expected status (grader/code_questions.json)."""
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import GRADER, sandbox_processes, wait_no_leftovers

BANK = json.load(open(os.path.join(GRADER, 'code_questions.json')))['questions']
CANONICAL = ['code-fetch-all', 'code-bounded-fetch', 'code-fetch-or-default', 'code-first-result', 'code-retry',
             'code-safe-counter', 'code-run-blocking', 'code-managed-connection', 'code-ticker',
             'code-fetch-all-settled']
TOPICS = {'awaitables', 'coroutines', 'event-loop', 'non-blocking', 'single-threaded', 'tasks',
          'cancellation-timeouts', 'error-handling', 'synchronization', 'nested-async', 'async-iteration',
          'async-oop', 'async-libraries'}
STATUSES = {'passed', 'wrong_answer', 'not_concurrent', 'blocked_loop', 'not_cancelled', 'timeout',
            'runtime_error', 'memory_limit', 'output_limit', 'killed'}

CASES = []
for q in BANK:
    CASES.append((q['id'], 'solution', 'passed', q['solution']))
    for k, w in enumerate(q['wrong_solutions']):
        CASES.append((q['id'], 'wrong%d' % k, w['status'], w['code']))


@pytest.fixture(scope='module')
def results(backend):
    with ThreadPoolExecutor(2) as ex:
        return dict(zip([(c[0], c[1]) for c in CASES], ex.map(lambda c: backend.grade(c[0], c[3]), CASES)))


def test_bank_shape(backend):
    ids = [q['id'] for q in BANK]
    assert len(ids) == len(set(ids)) and len(ids) >= 15
    assert set(CANONICAL) <= set(ids)
    listed = backend.request({'mode': 'list'})['questions']
    assert set(ids) == set(listed)
    for q in BANK:
        assert q['kind'] == 'code' and q['topic'] in TOPICS and 1 <= q['difficulty'] <= 3
        for f in ('title', 'prompt', 'starter', 'explanation', 'solution'):
            assert q[f].strip(), (q['id'], f)
        assert len(q['wrong_solutions']) >= 3, q['id']
        for w in q['wrong_solutions']:
            assert w['why'] and (w['status'] in STATUSES or w['status'] == 'not_gradable')


@pytest.mark.parametrize('qid,name,want,code', CASES, ids=['%s-%s' % (c[0], c[1]) for c in CASES])
def test_case(results, qid, name, want, code):
    r = results[(qid, name)]
    statuses = [t['status'] for t in r['tasks']]
    assert set(statuses) <= STATUSES
    for t in r['tasks']:
        assert t['message'] and isinstance(t['elapsed'], (int, float, type(None)))
    if want == 'passed':
        assert r['verdict'] == 'passed' and r['score'] == 1, r
        assert len(r['tasks']) >= 3
    elif want == 'not_gradable':
        assert r['verdict'] == 'not_gradable' and r['score'] == 0, r
        assert r['message']
    else:
        assert r['verdict'] == 'failed', r
        assert want in statuses, r
        assert r['score'] == pytest.approx(statuses.count('passed') / len(statuses), abs=1e-3)


def test_no_process_left(results):
    assert wait_no_leftovers(), sandbox_processes()


def _variant_task(qid, seed, k):
    """Task k of the variant a seed gives (code-fetch-all and others draw their items and delays: grader_vary)."""
    from grader_judge import load_bank
    q = load_bank(json.dumps({'questions': [next(q for q in BANK if q['id'] == qid)]}))[qid]
    return q.variant(seed).tasks[k].d


def test_teaching_message(results, backend):
    q = next(q for q in BANK if q['id'] == 'code-fetch-all')
    r = backend.request({'mode': 'grade', 'question': 'code-fetch-all', 'code': q['wrong_solutions'][0]['code'],
                         'seed': 11})
    d = _variant_task('code-fetch-all', 11, 0)
    items, delays = d['args'][1], d['helpers']['fetch']['delays']
    t = r['tasks'][0]
    assert t['status'] == 'not_concurrent'
    total = round(sum(delays), 6)
    assert 'took %s s for delays [%s]: the calls ran one after another' % (total, ', '.join(map(str, delays))) in \
        t['message'], t['message']
    assert 'the longest, %s s' % max(delays) in t['message']
    ends = [round(sum(delays[:k + 1]), 6) for k in range(3)]
    assert [(x['call'], x['start'], x['end']) for x in t['trace']] == [
        ('fetch(%d)' % items[k], ([0.0] + ends)[k], ends[k]) for k in range(3)]


def test_syntax_error_names_the_line(backend):
    r = backend.grade('code-fetch-all', 'import asyncio\n\nasync def fetch_all(fetch, items)\n    pass\n')
    assert r['verdict'] == 'not_gradable' and 'line 3' in r['message']


def test_missing_function(backend):
    r = backend.grade('code-fetch-all', 'async def fetch_everything(fetch, items):\n    return []\n')
    assert r['verdict'] == 'not_gradable' and '`fetch_all`' in r['message']


def test_unknown_question(backend):
    r = backend.grade('code-nope', 'pass')
    assert r['verdict'] == 'error' and 'code-nope' in r['message']


def test_cancel_trace_marked(backend):
    q = next(q for q in BANK if q['id'] == 'code-first-result')
    r = backend.request({'mode': 'grade', 'question': 'code-first-result', 'code': q['solution'], 'seed': 5})
    d = _variant_task('code-first-result', 5, 0)
    items, delays = d['args'][1], d['helpers']['fetch']['delays']
    first = min(delays)
    assert delays.count(first) == 1
    tr = r['tasks'][0]['trace']
    assert {x['call']: x.get('cancelled', False) for x in tr} == {
        'fetch(%d)' % i: dl != first for i, dl in zip(items, delays)}
    assert all(x['end'] == first for x in tr)
