"""Hostile submissions over real HTTP (issue: the grader, round 2): one of each kind, posted to the real server
with its real sandboxes. Each gets 200 with a clear verdict (never `error`, never `passed`), the status that names
what it did, within its budget, and the server stays healthy and grades a correct answer right afterwards."""
import json
import time

import pytest

from live_server import server  # noqa: F401 - `server` is a fixture

GOOD = '''
import asyncio
async def fetch_all(fetch, items):
    return await asyncio.gather(*(fetch(i) for i in items))
'''

KINDS = {
    'forged idle, then time.sleep on the loop': ('code-fetch-all', '''
import asyncio, time, os
async def fetch_all(fetch, items):
    os.write(3, b'{"k":"idle","ack":0,"next":null,"busy":true,"th":2}')
    time.sleep(1.0)
    return await asyncio.gather(*(fetch(i) for i in items))
''', {'blocked_loop'}),
    'closed channel at import, then sleep': ('code-fetch-all', '''
import os, time
os.close(3)
while True:
    time.sleep(1)
''', {'killed'}),
    'closed channel inside, then sleep': ('code-fetch-all', '''
import os, time
async def fetch_all(fetch, items):
    os.close(3)
    while True:
        time.sleep(1)
''', {'killed'}),
    'lone surrogates': ('code-fetch-all', '''
import os
async def fetch_all(fetch, items):
    os.write(3, b'{"k":"emit","v":"\\\\ud800"}')
    raise ValueError('bad \\ud800 text')
''', {'runtime_error'}),
    'a flood of large values': ('code-fetch-all', '''
import asyncio, os, select
async def fetch_all(fetch, items):
    big = b'{"k":"emit","v":"' + b'y' * 60000 + b'"}'
    for _ in range(200):
        select.select([], [3], [])
        os.write(3, big)
    return await asyncio.gather(*(fetch(i) for i in items))
''', {'output_limit'}),
    'a direct blocking call with a forged thread id': ('code-run-blocking', '''
import os
async def run_blocking(func, *args):
    os.write(3, b'{"k":"bstart","id":999,"a":[],"tid":1}')
    return func(*args)
''', {'blocked_loop'}),
}


def attempt(server, question, code, timeout=30):
    t0 = time.monotonic()
    status, _, body = server.request('POST', '/api/v1/questions/%s/attempts' % question, {'code': code},
                                     timeout=timeout)
    return status, json.loads(body), time.monotonic() - t0


@pytest.mark.parametrize('name', sorted(KINDS))
def test_hostile_kind_over_http(server, name):  # noqa: F811 - the fixture
    question, code, want = KINDS[name]
    status, result, took = attempt(server, question, code)
    assert status == 200, result
    assert result['verdict'] == 'failed', result
    got = {t['status'] for t in result['tasks']}
    assert got == want, result
    assert took < 10.0, took
    h_status, _, h_body = server.request('GET', '/healthz')
    assert h_status == 200 and json.loads(h_body)['status'] == 'ok'
    status, result, _ = attempt(server, 'code-fetch-all', GOOD)
    assert status == 200 and result['verdict'] == 'passed', result
