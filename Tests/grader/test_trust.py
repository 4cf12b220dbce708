"""The grader trusts nothing the submission says about itself (issue: the grader, round 2).

Each kind of attack gets real submissions, graded in the real sandbox through both backends (a fresh `launch` per
request, and serving zygotes). For every one: the verdict is never `error` (that is the grader's own fault) and
never `passed` for a wrong answer, the answer comes within the submission's budget, and the sandbox still grades a
correct answer right afterwards.

1. Self-reports cannot fake a pass: forged `idle`, `tick`, `busy` and thread ids, from the loop's thread or another.
2. The parent never waits without a deadline: a closed channel, a forked child holding it, a child that stops reading.
3. What the child sends is bounded and cleaned: huge messages, floods of calls and values, lone surrogates, resets.
4. Messages teach: an exception raised by the student's own code is named, with its line, and explained.
"""
import json
import time

import pytest

from conftest import wait_no_leftovers

GOOD = '''
import asyncio
async def fetch_all(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in items))
'''

# The whole grading of code-fetch-all has 4 tasks of at most 3 s each and 8 s in all (harness.py).
BUDGET = 8.0
SLACK = 2.0


def grade(backend, code, q='code-fetch-all'):
    t0 = time.monotonic()
    r = backend.request({'mode': 'grade', 'question': q, 'code': code}, timeout=40)
    return r, time.monotonic() - t0


def statuses(r):
    return [t['status'] for t in r['tasks']]


def assert_safe(r, took, budget=BUDGET):
    assert r['verdict'] in ('failed', 'not_gradable'), r
    assert took < budget + SLACK, (took, r)
    json.dumps(r, ensure_ascii=False).encode('utf-8')          # the answer is writable as UTF-8


def still_grades(backend):
    r, _ = grade(backend, GOOD)
    assert r['verdict'] == 'passed', r


# -- 1. self-reports ---------------------------------------------------------------------------------------------

FORGED_BLOCKING = {
    # the example: a forged idle saying "busy", then time.sleep on the loop's thread
    'idle busy then sleep': '''
import asyncio, time, os
async def fetch_all(fetch, items):
    os.write(3, b'{"k":"idle","ack":0,"next":null,"busy":true,"th":2}')
    time.sleep(1.0)
    return await asyncio.gather(*(fetch(i) for i in items))
''',
    # acks read off the channel so the forged idle looks current
    'idle with a stolen ack': '''
import asyncio, time, os, json
async def fetch_all(fetch, items):
    for ack in range(0, 6):
        os.write(3, json.dumps({"k": "idle", "ack": ack, "next": None, "busy": True, "th": 3}).encode())
    time.sleep(0.6)
    return await asyncio.gather(*(fetch(i) for i in items))
''',
    # another thread keeps sending ticks and idles while the loop's thread sleeps
    'ticks from a thread': '''
import asyncio, time, os, threading
def forge():
    for _ in range(200):
        try:
            os.write(3, b'{"k":"tick"}')
            os.write(3, b'{"k":"idle","ack":1,"next":null,"busy":true,"th":2}')
        except OSError:
            return
        time.sleep(0.005)
async def fetch_all(fetch, items):
    threading.Thread(target=forge, daemon=True).start()
    time.sleep(0.5)
    return await asyncio.gather(*(fetch(i) for i in items))
''',
    # CPU work on the loop's thread while a thread forges signs of life
    'busy loop with forged ticks': '''
import asyncio, time, os, threading
def forge():
    for _ in range(300):
        try:
            os.write(3, b'{"k":"tick"}')
        except OSError:
            return
        time.sleep(0.003)
async def fetch_all(fetch, items):
    threading.Thread(target=forge, daemon=True).start()
    t0 = time.thread_time()                  # CPU time of this thread: not the virtual clock
    while time.thread_time() - t0 < 0.5:
        pass
    return await asyncio.gather(*(fetch(i) for i in items))
''',
    # the blocking wait is chopped into pieces, each printing: writes on the loop's thread are no sign of a step
    'sleep in slices with prints': '''
import asyncio, time
async def fetch_all(fetch, items):
    for _ in range(40):
        print('.', flush=True)
        time.sleep(0.01)
    return await asyncio.gather(*(fetch(i) for i in items))
''',
    # a busy selector of its own on the loop's thread: not the loop's idle wait
    'own epoll on the loop thread': '''
import asyncio, select, os
async def fetch_all(fetch, items):
    os.write(3, b'{"k":"idle","next":null}')
    ep = select.epoll()
    ep.poll(0.5)
    return await asyncio.gather(*(fetch(i) for i in items))
''',
}


@pytest.mark.parametrize('name', sorted(FORGED_BLOCKING))
def test_forged_signs_of_life_do_not_hide_a_blocked_loop(no_leftovers, backend, name):
    r, took = grade(backend, FORGED_BLOCKING[name])
    assert_safe(r, took)
    assert 'passed' not in statuses(r), r
    assert 'blocked_loop' in statuses(r), r
    still_grades(backend)


FORGED_THREAD = {
    # a bstart naming another thread, then func called on the loop's own thread
    'bstart with a made-up tid': '''
import asyncio, os, threading
async def run_blocking(func, *args):
    os.write(3, b'{"k":"bstart","id":999,"a":[],"tid":1}')
    return func(*args)
''',
    # threading.get_native_id patched to lie about the caller
    'patched get_native_id': '''
import asyncio, threading
threading.get_native_id = lambda: 424242
async def run_blocking(func, *args):
    return func(*args)
''',
}


@pytest.mark.parametrize('name', sorted(FORGED_THREAD))
def test_a_direct_blocking_call_is_seen_whatever_the_child_says(no_leftovers, backend, name):
    r, took = grade(backend, FORGED_THREAD[name], 'code-run-blocking')
    assert_safe(r, took)
    assert set(statuses(r)) == {'blocked_loop'}, r
    still_grades(backend)


def test_to_thread_still_passes_the_blocking_question(no_leftovers, backend):
    r, _ = grade(backend, '''
import asyncio
async def run_blocking(func, *args):
    return await asyncio.to_thread(func, *args)
''', 'code-run-blocking')
    assert r['verdict'] == 'passed', r


def test_a_loop_busy_with_many_short_steps_is_not_blocked(no_leftovers, backend):
    # 30 steps of about 10 ms of CPU each, yielding in between (sleep(0)), before the loop is ever idle: far more
    # than 100 ms in all, but asyncio's own rule (debug mode) is about one step over 100 ms, and so is ours
    r, _ = grade(backend, '''
import asyncio, time
async def busy():
    for _ in range(30):
        t0 = time.thread_time()
        while time.thread_time() - t0 < 0.01:
            pass
        await asyncio.sleep(0)
async def fetch_all(fetch, items):
    results, _ = await asyncio.gather(asyncio.gather(*(fetch(i) for i in items)), busy())
    return results
''')
    assert r['verdict'] == 'passed', r


def test_a_thread_stealing_the_parents_messages_gets_a_clear_answer(no_leftovers, backend):
    # the thread and the loop race for each message: the answer may be right or not, but it comes in time and is
    # never the grader's fault
    r, took = grade(backend, '''
import asyncio, os, threading, select
def steal():
    while True:
        try:
            select.select([3], [], [])
            os.read(3, 65536)
        except OSError:
            pass
async def fetch_all(fetch, items):
    threading.Thread(target=steal, daemon=True).start()
    return await asyncio.gather(*(fetch(i) for i in items))
''')
    assert r['verdict'] in ('passed', 'failed'), r
    assert took < BUDGET + SLACK, took
    still_grades(backend)


# -- 2. no wait without a deadline ---------------------------------------------------------------------------------

STALLS = {
    'close the channel at import, then sleep': '''
import os, time
os.close(3)
while True:
    time.sleep(1)
''',
    'close the channel inside, then sleep': '''
import os, time
async def fetch_all(fetch, items):
    os.close(3)
    while True:
        time.sleep(1)
''',
    'close both channels inside, then sleep': '''
import os, time
async def fetch_all(fetch, items):
    os.close(4)
    os.close(3)
    while True:
        time.sleep(1)
''',
    'dev null over the channel': '''
import os, time
async def fetch_all(fetch, items):
    fd = os.open('/dev/null', os.O_RDONLY)
    os.dup2(fd, 3)
    while True:
        time.sleep(1)
''',
    'shut the channel down': '''
import socket, time
async def fetch_all(fetch, items):
    s = socket.socket(fileno=3)
    s.shutdown(socket.SHUT_RDWR)
    while True:
        time.sleep(1)
''',
    'a forked child keeps the channel, the original exits': '''
import os, time
async def fetch_all(fetch, items):
    if os.fork() == 0:
        while True:
            time.sleep(1)
    os._exit(0)
''',
    'a forked child keeps the channel, the original sleeps': '''
import os, time
async def fetch_all(fetch, items):
    if os.fork() == 0:
        os.close(3)
        while True:
            time.sleep(1)
    os.close(3)
    while True:
        time.sleep(1)
''',
    'stop reading and wait forever': '''
import asyncio, os, threading
async def fetch_all(fetch, items):
    threading.Event().wait()
''',
}


@pytest.mark.parametrize('name', sorted(STALLS))
def test_the_parent_never_waits_without_a_deadline(no_leftovers, backend, name):
    r, took = grade(backend, STALLS[name])
    assert_safe(r, took)
    assert 'passed' not in statuses(r), r
    still_grades(backend)


def test_closing_the_channel_at_import_costs_one_load_not_one_per_task(no_leftovers, backend):
    r, took = grade(backend, STALLS['close the channel at import, then sleep'])
    assert set(statuses(r)) == {'killed'}, r
    assert 'connection to the grader' in r['tasks'][0]['message'], r
    assert took < 3.0, took


# -- 3. bounded and cleaned ---------------------------------------------------------------------------------------

FLOODS = {
    'one message over 64 KB': '''
import asyncio, os
async def fetch_all(fetch, items):
    os.write(3, b'{"k":"emit","v":"' + b'x' * 100000 + b'"}')
    return await asyncio.gather(*(fetch(i) for i in items))
''',
    'many large emits': '''
import asyncio, os
async def fetch_all(fetch, items):
    big = b'{"k":"emit","v":"' + b'y' * 60000 + b'"}'
    for _ in range(200):
        os.write(3, big)
    return await asyncio.gather(*(fetch(i) for i in items))
''',
    'many calls with large arguments': '''
import asyncio
async def fetch_all(fetch, items):
    await asyncio.gather(*(fetch('z' * 2000 + str(i)) for i in range(4000)))
    return await asyncio.gather(*(fetch(i) for i in items))
''',
    'a huge returned value': '''
import asyncio
async def fetch_all(fetch, items):
    return [['w' * 2000] * 200] * 200
''',
    'lone surrogates everywhere': '''
import asyncio, os
async def fetch_all(fetch, items):
    os.write(3, b'{"k":"emit","v":"\\\\ud800"}')
    os.write(3, b'{"k":"call","id":77,"fn":"fe\\\\udfffch","a":["\\\\ud801"]}')
    raise ValueError('bad \\ud800 text')
''',
    'a surrogate in the exception class name': '''
import asyncio
async def fetch_all(fetch, items):
    E = type('Err\\udc80', (Exception,), {})
    raise E('x')
''',
    'a surrogate while loading': '''
raise ValueError('\\udcff at import')
''',
    'closing the channel with messages unread (reset)': '''
import asyncio, os
async def fetch_all(fetch, items):
    futs = [asyncio.ensure_future(fetch(i)) for i in items]
    await asyncio.sleep(0.5)
    os.close(3)
    await asyncio.sleep(5)
''',
    'a read on the channel that fails oddly': '''
import asyncio, os, socket
async def fetch_all(fetch, items):
    s = socket.socket(fileno=os.dup(3))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    s.shutdown(socket.SHUT_WR)
    return await asyncio.gather(*(fetch(i) for i in items))
''',
}


@pytest.mark.parametrize('name', sorted(FLOODS))
def test_what_the_child_sends_is_bounded_and_its_fault(no_leftovers, backend, name):
    r, took = grade(backend, FLOODS[name])
    assert_safe(r, took)
    assert 'passed' not in statuses(r), r
    line = json.dumps(r, ensure_ascii=False).encode('utf-8')
    assert len(line) <= 512 * 1024, len(line)
    for t in r['tasks']:
        assert len(t.get('trace') or []) <= 201, len(t['trace'])
        assert len(t['message']) < 4000, t['message'][:200]
    still_grades(backend)


def test_a_long_trace_keeps_the_first_entries_and_counts_the_rest(no_leftovers, backend):
    r, _ = grade(backend, FLOODS['many calls with large arguments'])
    traces = [t['trace'] for t in r['tasks'] if len(t.get('trace') or []) > 200]
    assert traces, r
    assert traces[0][-1]['call'].startswith('... and '), traces[0][-1]


# -- 4. messages that teach ---------------------------------------------------------------------------------------

def test_an_aexit_without_its_parameters_is_explained(no_leftovers, backend):
    r, _ = grade(backend, '''
class Managed:
    def __init__(self, connect):
        self.connect = connect
    async def __aenter__(self):
        self.conn = await self.connect()
        return self.conn
    async def __aexit__(self):
        await self.conn.close()
''', 'code-managed-connection')
    assert r['verdict'] == 'failed', r
    for t in r['tasks']:
        assert t['status'] == 'runtime_error', t
        assert t['message'].startswith('Your code raised TypeError'), t['message']
        assert 'three arguments' in t['message'], t['message']


@pytest.mark.parametrize('code,words', [
    ('''
import asyncio
async def fetch_all(fetch, items):
    results = [fetch(i) for i in items]
    return [r.upper() for r in results]
''', ["AttributeError", "missing `await`"]),
    ('''
import asyncio
async def fetch_all(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in itemz))
''', ["NameError", "not defined"]),
    ('''
import asyncio
async def fetch_all(fetch, items):
    coro = asyncio.gather(*(fetch(i) for i in items))
    first = await coro
    return first + [len(items) / 0]
''', ["ZeroDivisionError", "line 6"]),
])
def test_a_students_own_exception_is_named_and_explained(no_leftovers, backend, code, words):
    r, _ = grade(backend, code)
    bad = [t for t in r['tasks'] if t['status'] != 'passed']
    assert bad, r
    for t in bad:
        assert t['status'] == 'runtime_error', t
        for w in words:
            assert w in t['message'], (w, t['message'])


def test_nothing_left_behind():
    assert wait_no_leftovers(), 'sandbox processes left behind'
