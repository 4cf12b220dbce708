"""Fuzzing the child -> parent protocol with Hypothesis, against the real parent in the real sandbox.

The submission is a scripted child: it speaks the grader's protocol itself on its channel (fd 3) and its blocking
channel (fd 4), sending random, malformed, oversized, out-of-order and forged messages, closing the channels,
exiting and forking at random points, at import or inside the graded function, from the loop's thread or another.
It never computes the right answer, so for every script:
- the answer comes within the grading's budget (8 s of real time, plus slack for a loaded machine);
- it parses, as UTF-8 JSON, with every task's status one the contract names;
- the verdict is never `error` (the grader's own fault) and never `passed`.

`make test` runs a short, fixed search (FUZZ_EXAMPLES, default 300); `make fuzz` runs thousands.
"""
import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import client

EXAMPLES = int(os.environ.get('FUZZ_EXAMPLES', '300'))
BUDGET = 8.0
SLACK = 3.0
STATUSES = {'passed', 'wrong_answer', 'not_concurrent', 'blocked_loop', 'not_cancelled', 'timeout', 'runtime_error',
            'memory_limit', 'output_limit', 'killed'}
KINDS = ['idle', 'call', 'cancel', 'bstart', 'bend', 'emit', 'done', 'clean', 'tick', 'pong', 'syntax', 'loaded',
         'loaderr', 'adv', 'verdict']

SCRIPT = r'''
import os, json, time, asyncio, threading, socket
ACTIONS = %r
WHERE = %r

def act(a):
    k = a[0]
    try:
        if k == 'raw':
            os.write(a[1], a[2])
        elif k == 'close':
            os.close(a[1])
        elif k == 'dup':
            os.dup2(os.open('/dev/null', os.O_RDWR), a[1])
        elif k == 'exit':
            os._exit(a[1])
        elif k == 'sleep':
            time.sleep(a[1])
        elif k == 'read':
            os.set_blocking(a[1], False)
            os.read(a[1], 65536)
        elif k == 'fork':
            pid = os.fork()
            if pid == 0:
                for b in a[2]:
                    act(b)
                if a[1] == 'child exits':
                    os._exit(0)
            elif a[1] == 'parent exits':
                os._exit(0)
        elif k == 'thread':
            threading.Thread(target=lambda: [act(b) for b in a[1]], daemon=True).start()
        elif k == 'raise':
            raise ValueError(a[1])
    except OSError:
        pass

if WHERE == 'import':
    for a in ACTIONS:
        act(a)

async def fetch_all(fetch, items):
    got = []
    if WHERE == 'inside':
        for a in ACTIONS:
            if a[0] == 'asleep':
                await asyncio.sleep(a[1])
            elif a[0] == 'call':
                try:
                    got.append(await asyncio.wait_for(fetch(items[0] if items else a[1]), 5))
                except Exception:
                    pass
            else:
                act(a)
    return [None] * (len(items) + 1)
'''

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2 ** 70, max_value=2 ** 70),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                           max_leaves=12)


@st.composite
def messages(draw):
    """A message of a kind the parent knows (or not), with fields that may be right, wrong or missing."""
    msg = {'k': draw(st.sampled_from(KINDS))}
    for field in draw(st.lists(st.sampled_from(['id', 'fn', 'a', 'v', 'e', 'ok', 'next', 'busy', 'th', 'ack', 'tid',
                                                'dirty', 'problem', 't', 'd', 'msg', 'line']), max_size=5)):
        msg[field] = draw(st.one_of(json_values, st.integers(0, 40), st.sampled_from(['fetch', 'close', 'x']),
                                    st.just({'$exc': 'ValueError', 'msg': 'boom', 'line': 3})))
    text = json.dumps(msg)
    if draw(st.booleans()):
        text = text.replace('"', '"\\ud800', 1) if draw(st.booleans()) else text + ' '
    return text.encode()


raw_bytes = st.one_of(
    messages(),
    st.binary(max_size=64),
    st.sampled_from([b'', b'{', b'null', b'[1,2]', b'{"k":"idle","next":NaN}', b'{"k":"emit","v":1e999}',
                     b'{"k":"done","ok":true,"v":' + b'[' * 3000 + b']' * 3000 + b'}',
                     b'{"k":"emit","v":"' + b'x' * 70000 + b'"}', b'{"k":"emit","v":"\\udfff"}']),
)

simple_actions = st.one_of(
    st.tuples(st.just('raw'), st.sampled_from([3, 3, 3, 4]), raw_bytes),
    st.tuples(st.just('close'), st.sampled_from([3, 4])),
    st.tuples(st.just('dup'), st.sampled_from([3, 4])),
    st.tuples(st.just('exit'), st.sampled_from([0, 1, 86, 255])),
    st.tuples(st.just('sleep'), st.sampled_from([0.0, 0.01, 0.05, 0.15])),
    st.tuples(st.just('read'), st.sampled_from([3, 4])),
    st.tuples(st.just('raise'), st.text(max_size=20)),
)

actions = st.one_of(
    simple_actions,
    st.tuples(st.just('asleep'), st.sampled_from([0, 0.5, 1, 2.5])),
    st.tuples(st.just('call'), st.integers(0, 3)),
    st.tuples(st.just('fork'), st.sampled_from(['child exits', 'parent exits', 'both go on']),
              st.lists(simple_actions, max_size=3)),
    st.tuples(st.just('thread'), st.lists(simple_actions, max_size=3)),
)


@pytest.fixture(scope='module')
def pool():
    p = client.ZygotePool(2)
    yield p
    p.close()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get('FUZZ_RANDOM') is None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(script=st.lists(actions, min_size=1, max_size=8), where=st.sampled_from(['import', 'inside', 'inside']))
def test_no_script_makes_the_parent_fail_stall_or_pass(pool, script, where):
    code = SCRIPT % (script, where)
    t0 = time.monotonic()
    r = pool.request({'mode': 'grade', 'question': 'code-fetch-all', 'code': code}, timeout=60)
    took = time.monotonic() - t0
    json.dumps(r, ensure_ascii=False).encode('utf-8')
    assert took < BUDGET + SLACK, (took, script, where)
    assert r['verdict'] in ('failed', 'not_gradable'), (r, script, where)
    for t in r['tasks']:
        assert t['status'] in STATUSES and t['status'] != 'passed', (t, script, where)
        assert isinstance(t['message'], str) and t['message'], t


def test_the_pool_still_grades_after_fuzzing(pool):
    r = pool.request({'mode': 'grade', 'question': 'code-fetch-all', 'code': '''
import asyncio
async def fetch_all(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in items))
'''}, timeout=60)
    assert r['verdict'] == 'passed', r
