"""Fresh variants (issue 17): code questions whose example tasks vary per grading, drawn from the `vary` of their data
with the grading's seed (grader/grader_vary.py). Graded for real, in the sandbox, over many seeds: the model solution
passes and every wrong solution gets its declared status in every variant; the same seed grades the same way (the
whole answer, messages included); other seeds give other tasks; an answer hard-coded from a classmate's variant
fails the others."""
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

import client
from conftest import GRADER, sandbox_processes, wait_no_leftovers
from grader_judge import load_bank

BANK = {q['id']: q for q in json.load(open(os.path.join(GRADER, 'code_questions.json')))['questions']}
QUESTIONS = load_bank(open(os.path.join(GRADER, 'code_questions.json')).read())
# what each one varies (the issue: delays, items, which call fails, and the limit)
VARIED = {
    'code-fetch-all': 'items and delays; where the slow call is',
    'code-bounded-fetch': 'items, delays and the limit',
    'code-fetch-all-or-fail': 'which call fails first, and when; the order of the items',
    'code-fetch-all-settled': 'which call fails; delays',
    'code-retry': 'the attempts allowed, the base delay, how long an attempt takes',
    'code-first-result': 'which call finishes first, and when',
    'code-fetch-or-default': 'the item, the timeout, how long the call takes (just under or over the timeout)',
    'code-fetch-with-deadline': 'items, delays, the deadline, which call is too slow',
}
SEEDS = range(1000, 1040)           # 40 variants of each
STATUSES = {'passed', 'wrong_answer', 'not_concurrent', 'blocked_loop', 'not_cancelled', 'timeout', 'runtime_error'}

CASES = []
for qid in VARIED:
    CASES.append((qid, 'solution', 'passed', BANK[qid]['solution']))
    for k, w in enumerate(BANK[qid]['wrong_solutions']):
        CASES.append((qid, 'wrong%d' % k, w['status'], w['code']))


@pytest.fixture(scope='module')
def pool():
    p = client.ZygotePool(2)
    yield p
    p.close()


def grade(pool, qid, code, seed):
    return pool.request({'mode': 'grade', 'question': qid, 'code': code, 'seed': seed}, 60)


def as_declared(r, want):
    statuses = [t['status'] for t in r['tasks']]
    if want == 'passed':
        return r['verdict'] == 'passed' and r['score'] == 1
    if want == 'not_gradable':
        return r['verdict'] == 'not_gradable'
    return r['verdict'] == 'failed' and want in statuses


# Judged on the real clock: a loop blocked for 0.1 s of its own CPU time. On a machine this loaded (2 cores, several
# test runs), a right answer is now and then starved into blocked_loop; the server grades a model solution once more
# before refusing a bank for the same reason. Only that status earns a second grading, with the same seed.
TIME_JUDGED = ('blocked_loop',)


@pytest.fixture(scope='module')
def results(pool):
    jobs = [(c, seed) for c in CASES for seed in SEEDS]

    def one(j):
        (qid, _, want, code), seed = j
        r = grade(pool, qid, code, seed)
        if not as_declared(r, want) and any(t['status'] in TIME_JUDGED for t in r['tasks']) \
                and want not in TIME_JUDGED:
            again = grade(pool, qid, code, seed)
            again['graded_twice'] = r['message']
            return again
        return r
    with ThreadPoolExecutor(2) as ex:
        out = list(ex.map(one, jobs))
    by = {}
    for (c, seed), r in zip(jobs, out):
        by.setdefault((c[0], c[1]), []).append((seed, r))
    return by


def variant(qid, seed):
    """The tasks of that seed's variant, as the grader resolves them: [(name, data)]."""
    return [(t.name, t.d) for t in QUESTIONS[qid].variant(seed).tasks]


def test_the_questions_vary():
    assert len(VARIED) >= 8 and len(CASES) >= 8 * 4
    for qid in VARIED:
        assert 'vary' in BANK[qid] or any('vary' in t for t in BANK[qid]['tasks']), qid
        variants = {json.dumps(variant(qid, seed), sort_keys=True) for seed in SEEDS}
        assert len(variants) == len(SEEDS), qid
        # the task names stay: results and item analysis count statuses per task name
        assert {tuple(n for n, _ in variant(qid, seed)) for seed in SEEDS} == {tuple(t['name'] for t in BANK[qid]['tasks'])}


@pytest.mark.parametrize('qid,name,want,code', CASES, ids=['%s-%s' % (c[0], c[1]) for c in CASES])
def test_every_variant_gets_the_declared_status(results, qid, name, want, code):
    rs = results[(qid, name)]
    assert [seed for seed, _ in rs] == list(SEEDS)
    for seed, r in rs:
        statuses = [t['status'] for t in r['tasks']]
        assert r['seed'] == seed and r['version'] == BANK[qid]['version'], r
        assert set(statuses) <= STATUSES and all(t['message'] for t in r['tasks']), r
        assert '{$' not in r['message'] and all('{$' not in t['message'] for t in r['tasks']), r
        assert as_declared(r, want), (seed, r)
    twice = [(seed, r['graded_twice']) for seed, r in rs if 'graded_twice' in r]
    assert len(twice) <= 2, twice          # a starved grading is rare; more would be the variant's fault


def test_messages_name_the_values_of_the_variant(results):
    for seed, r in results[('code-first-result', 'solution')]:
        tasks = dict(variant('code-first-result', seed))
        d = tasks['three calls']
        delays = d['helpers']['fetch']['delays']
        winner = d['helpers']['fetch']['items'][delays.index(min(delays))]
        assert r['tasks'][0]['message'] == 'Returned the result of fetch(%s) at %s s and cancelled the others.' % (
            winner, min(delays)), r
    for seed, r in results[('code-fetch-all-or-fail', 'wrong2')]:     # raises after every call finished
        d = dict(variant('code-fetch-all-or-fail', seed))['one failure']
        fetch = d['helpers']['fetch']
        failing = fetch['fail'][0]
        first = fetch['delays'][fetch['items'].index(failing)]
        assert first == min(fetch['delays'])
        t = next(t for t in r['tasks'] if t['name'] == 'one failure')
        assert t['status'] == 'wrong_answer' and 'fetch(%s) failed first, at %s s' % (failing, first) in t['message'], t
    limits = set()
    for seed, r in results[('code-bounded-fetch', 'solution')]:
        d = dict(variant('code-bounded-fetch', seed))['a limit from 2 to 4, eight items']
        limit = d['args'][2]
        limits.add(limit)
        assert 'with at most %d calls in flight' % limit in r['tasks'][3]['message'], r
        assert max(_in_flight(r['tasks'][3]['trace'])) == limit
    assert limits == {2, 3, 4}


def _in_flight(trace):
    """How many calls were running at each start of one."""
    return [sum(1 for y in trace if y['start'] <= x['start'] < y['end']) for x in trace]


def test_same_seed_same_answer(pool):
    """A regrade grades with the recorded seed: the same variant, the same verdict and the very same messages."""
    for qid, k in [('code-fetch-all', None), ('code-fetch-all', 1), ('code-first-result', 0), ('code-retry', 3),
                   ('code-fetch-all-or-fail', 2), ('code-bounded-fetch', 0)]:
        code = BANK[qid]['solution'] if k is None else BANK[qid]['wrong_solutions'][k]['code']
        a, b = grade(pool, qid, code, 77), grade(pool, qid, code, 77)
        assert a == b, (qid, k)
        c = grade(pool, qid, code, 78)
        assert [t['message'] for t in a['tasks']] != [t['message'] for t in c['tasks']] or \
            [t['trace'] for t in a['tasks']] != [t['trace'] for t in c['tasks']], (qid, k)


# A classmate's passing answer, with the items of their variant written in: it ignores `items`.
HARD_CODED = '''import asyncio

CLASSMATE = %s

async def fetch_all(fetch, items):
    return list(await asyncio.gather(*(fetch(i) for i in CLASSMATE[len(items)])))
'''


def test_a_hard_coded_answer_fails_other_variants(pool):
    mine = 1000
    theirs = {len(d['args'][1]): d['args'][1] for _, d in variant('code-fetch-all', mine)}
    code = HARD_CODED % repr(theirs)
    r = grade(pool, 'code-fetch-all', code, mine)
    assert r['verdict'] == 'passed', r
    others = range(2000, 2012)
    for seed, r in zip(others, [grade(pool, 'code-fetch-all', code, s) for s in others]):
        items = {len(d['args'][1]): d['args'][1] for _, d in variant('code-fetch-all', seed)}
        assert items[3] != theirs[3] and items[6] != theirs[6]
        assert r['verdict'] == 'failed', r
        bad = [t for t in r['tasks'] if t['status'] != 'passed']
        assert [t['name'] for t in bad] == ['three calls with different delays', 'six calls, one slow',
                                            'twelve calls of 1 s'], r
        assert all(t['status'] == 'wrong_answer' and 'made a call the grader did not expect: fetch(' in t['message']
                   for t in bad), r


def test_variants_do_not_follow_the_submissions_seed():
    """The draws come from (seed, question, task name, draw name) through a hash, not from the task seed the
    submission's `random` is seeded with: knowing one does not give the other."""
    import random
    import grader_engine as GE
    import grader_vary as GV
    task = 'three calls with different delays'
    a = GV.rng_for(5, 'code-fetch-all', task, 'items').random()
    assert a != GV.rng_for(5, 'code-fetch-all', 'six calls, one slow', 'items').random()
    assert a != GV.rng_for(5, 'code-fetch-alls', task, 'items').random()
    assert a != GV.rng_for(6, 'code-fetch-all', task, 'items').random()
    assert a != GV.rng_for(5, 'code-fetch-all', task, 'delays').random()
    assert all(random.Random(GE.task_seed(5, k)).random() != a for k in range(4))


def test_the_order_of_the_keys_does_not_matter():
    """A server may send the data with its keys in another order (the Swift server's JSON objects have none): every
    draw has its own RNG and those it uses are made first, so the variant of a seed stays the same."""
    import grader_vary as GV

    def reverse(v):
        if type(v) is dict:
            return {k: reverse(v[k]) for k in reversed(list(v))}
        if type(v) is list:
            return [reverse(x) for x in v]
        return v
    for qid in VARIED:
        for seed in (1, 2, 3):
            assert GV.resolve_question(reverse(BANK[qid]), seed) == reverse(GV.resolve_question(BANK[qid], seed)), qid


def test_no_process_left(results):
    assert wait_no_leftovers(), sandbox_processes()
