"""Right verdicts under load (issue #11), through the real sandbox (`launch --serve` zygotes).

A small run of Tests/grader/load_measure.py (the full one is `make grader-load`): every built-in question's model
solution must pass, and every declared wrong solution must keep its declared status, while
- the machine is busy: spinning processes, each in a session of its own, on both cores, plus gradings in parallel;
- the sandboxes are starved: they share one core with a real-time process that takes it in bursts of 150 ms, so
  the loop's thread (and the parent) are often runnable for a long time without running. Before the fix about
  6 % of correct gradings got `blocked_loop` this way.
The wrong solutions include every `blocked_loop` and `timeout` (deadlock) one, so a fix that stopped blaming a
starved loop must still blame a loop that sleeps, computes or waits for itself.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_measure  # noqa: E402

QUESTIONS = load_measure.questions()


def _check(r):
    assert r['good'] == len(QUESTIONS) * r['reps'], r
    assert r['wrong'] == sum(len(q['wrong_solutions']) for q in QUESTIONS) * r['wrong_reps'], r
    assert r['good_false'] == 0, r
    assert r['wrong_off'] == 0, r


def test_right_verdicts_on_a_busy_machine(no_leftovers):
    r = load_measure.measure(4, QUESTIONS, reps=1, wrong_reps=1, parallel=3)
    _check(r)


def test_right_verdicts_when_starved(no_leftovers):
    r = load_measure.measure(0, QUESTIONS, reps=2, wrong_reps=1, parallel=2, starve=True)
    _check(r)


# Blocking `fetch_all`s that are not in the question's own wrong list: each must still be blamed while starved.
_GATHER = '    return list(await asyncio.gather(*(fetch(i) for i in items)))\n'
BLOCKERS = {
    'one time.sleep of 0.15 s': 'import asyncio, time\n\nasync def fetch_all(fetch, items):\n'
                                '    time.sleep(0.15)\n' + _GATHER,
    'a busy loop of 0.3 s of CPU': 'import asyncio, time\n\nasync def fetch_all(fetch, items):\n'
                                   '    end = time.thread_time() + 0.3\n'
                                   '    while time.thread_time() < end:\n'
                                   '        pass\n' + _GATHER,
    'sleeps of 3 ms between bits of work': 'import asyncio, time\n\nasync def fetch_all(fetch, items):\n'
                                           '    for _ in range(60):\n'
                                           '        time.sleep(0.003)\n'
                                           '        sum(range(20000))\n' + _GATHER,
    'a blocking read a thread answers after 0.2 s': (
        'import asyncio, os, threading, time\n\nasync def fetch_all(fetch, items):\n'
        '    r, w = os.pipe()\n'
        '    threading.Thread(target=lambda: (time.sleep(0.2), os.write(w, b"x"))).start()\n'
        '    os.read(r, 1)\n' + _GATHER),
}


def test_blocking_still_blamed_when_starved(no_leftovers):
    work = [('wrong', 'code-fetch-all', code, 'blocked_loop') for code in BLOCKERS.values()] * 2
    with load_measure.Burners(0, starve_core=max(os.sched_getaffinity(0))):
        res = load_measure.grade_all(work, 2, core=max(os.sched_getaffinity(0)))
    assert len(res) == len(work)
    got = [(name, load_measure.outcome(ans, 'blocked_loop')[1])
           for (job, ans, _s) in res for name, code in BLOCKERS.items() if code == job[2]]
    assert got and all(what == 'blocked_loop' for _name, what in got), got
