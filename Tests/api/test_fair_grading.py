"""The grading queue under load, against the live server and the real sandbox: clients are served in turn (one
grader each), the queue is capped (429 with Retry-After), anonymous code attempts are limited per address
(X-Forwarded-For believed only from --trusted-proxy), and an over-long answer from the sandbox is the submission's
failure (`output_limit`), never a cut answer, never `error`, never a 5xx.

Every wait is on a condition (the server's own /metrics gauges, or a thread's answer), bounded in time."""
import json
import re
import subprocess
import threading
import time

import pytest

from live_server import REPO, TEACHER_TOKEN, Server

GRADE = '/api/v1/questions/code-fetch-all/attempts'
# Blocks the event loop: each task is stopped after 0.1 s (blocked_loop), so a grading takes a few tenths of a
# second of real time: long enough to see who waits behind whom.
SLOW = 'import time\nasync def fetch_all(fetch, items):\n    time.sleep(1)\n    return []\n'
CORRECT = 'import asyncio\nasync def fetch_all(fetch, items):\n    return await asyncio.gather(*(fetch(i) for i in items))\n'
# Thousands of calls, each cancelled: the harness's trace of them makes an answer line over 1 MiB today.
LONG_ANSWER = '''import asyncio

async def bounded_fetch(fetch, items, limit):
    for _ in range(8):
        tasks = [asyncio.ensure_future(fetch(items[0])) for _ in range(700)]
        await asyncio.sleep(0)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return []
'''
ANSWER_LIMIT = 1 << 20
PROXY = '127.0.0.1'


@pytest.fixture(scope='module')
def server():
    s = Server(extra_args=['--graders', '1', '--grading-queue', '6', '--trusted-proxy', PROXY,
                           '--anonymous-code-attempts-per-minute', '3'])
    try:
        yield s
        code = s.stop()
        assert code == 0, 'the server exited with %s on SIGTERM:\n%s' % (code, s.log_tail())
    finally:
        s.cleanup()


def gauge(server, name):
    status, _, body = server.request('GET', '/metrics')
    assert status == 200
    match = re.search(r'^%s (\S+)$' % name, body.decode(), re.M)
    assert match, 'no %s in /metrics' % name
    return float(match.group(1))


def wait_until(condition, what, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError('timed out waiting until ' + what)


def idle(server):
    wait_until(lambda: gauge(server, 'grading_active') == 0 and gauge(server, 'grading_queue_length') == 0,
               'the graders are idle')


def student(server, code, name):
    status, _, body = server.request('POST', '/api/v1/students', {'name': name, 'class': code})
    assert status == 201, body
    return json.loads(body)['token']


def new_class(server):
    status, _, body = server.request('POST', '/api/v1/classes', {'name': 'fair'},
                                     headers={'Authorization': 'Bearer ' + TEACHER_TOKEN})
    assert status == 201, body
    return json.loads(body)['code']


class Submission(threading.Thread):
    """One POST in a thread of its own; `done_at` is when its answer was in (monotonic seconds)."""

    def __init__(self, server, code, headers, path=GRADE):
        super().__init__(daemon=True)
        self.server, self.code, self.headers, self.path = server, code, headers, path
        self.status = self.body = self.done_at = None
        self.start()

    def run(self):
        self.status, self.response_headers, self.body = self.server.request(
            'POST', self.path, {'code': self.code}, headers=self.headers, timeout=60)
        self.done_at = time.monotonic()

    def result(self):
        self.join(60)
        assert not self.is_alive(), 'no answer in 60 s'
        return self.status, json.loads(self.body)


def test_a_student_with_one_submission_is_served_before_the_later_ones_of_a_student_with_many(server):
    idle(server)
    code = new_class(server)
    a = {'Authorization': 'Bearer ' + student(server, code, 'Many')}
    b = {'Authorization': 'Bearer ' + student(server, code, 'One')}
    first = Submission(server, SLOW, a)
    wait_until(lambda: gauge(server, 'grading_active') == 1, "A's first is being graded")
    later = []
    for n in range(1, 5):
        later.append(Submission(server, SLOW, a))
        wait_until(lambda: gauge(server, 'grading_queue_length') == n, "A's submission %d waits" % (n + 1))
    assert gauge(server, 'grading_active') == 1, "A holds no more than one grader"
    single = Submission(server, CORRECT, b)
    wait_until(lambda: gauge(server, 'grading_queue_length') == 5, "B's submission waits")
    status, result = single.result()
    assert (status, result['verdict']) == (200, 'passed')
    for s in [first] + later:
        status, result = s.result()
        assert (status, result['verdict']) == (200, 'failed'), result
    assert first.done_at < single.done_at
    assert all(single.done_at < s.done_at for s in later), "B's one waited only for A's first"


def test_past_the_waiting_cap_new_submissions_get_429_with_retry_after(server):
    idle(server)
    code = new_class(server)
    tokens = [student(server, code, 'Capped %d' % n) for n in range(10)]
    running = Submission(server, SLOW, {'Authorization': 'Bearer ' + tokens[0]})
    wait_until(lambda: gauge(server, 'grading_active') == 1, 'one is being graded')
    waiting = []
    for n in range(1, 7):
        waiting.append(Submission(server, SLOW, {'Authorization': 'Bearer ' + tokens[n]}))
        wait_until(lambda: gauge(server, 'grading_queue_length') == n, '%d wait' % n)
    for token in tokens[7:]:
        status, headers, body = server.request('POST', GRADE, {'code': CORRECT},
                                               headers={'Authorization': 'Bearer ' + token})
        assert status == 429, body
        assert headers['Content-Type'] == 'application/problem+json'
        assert json.loads(body)['status'] == 429
        assert 1 <= int(headers['Retry-After']) <= 300
    for s in [running] + waiting:
        status, result = s.result()
        assert (status, result['verdict']) == (200, 'failed'), "a waiting submission is graded, not refused"


def test_anonymous_code_attempts_are_limited_per_forwarded_address_from_the_trusted_proxy(server):
    idle(server)
    def send(forwarded):
        return server.request('POST', GRADE, {'code': CORRECT}, headers={'X-Forwarded-For': forwarded}, timeout=30)
    for _ in range(3):
        assert send('198.51.100.1')[0] == 200
    status, headers, body = send('198.51.100.1')
    assert status == 429, body
    assert headers['Content-Type'] == 'application/problem+json'
    assert 1 <= int(headers['Retry-After']) <= 60
    # Another student behind the same proxy has a limit of their own.
    assert send('198.51.100.2')[0] == 200
    # Choice answers are not code attempts: never limited.
    status, _, _ = server.request('GET', '/api/v1/questions?kind=single_choice')
    assert status == 200


def raw_answer_size(question, code):
    """The length of the real sandbox's answer line to this request, measured outside the server."""
    request = json.dumps({'mode': 'grade', 'question': question, 'code': code}) + '\n'
    out = subprocess.run([REPO + '/grader/launch'], input=request.encode(), capture_output=True, timeout=60).stdout
    return len(out.splitlines()[-1])


def test_an_answer_over_the_limit_is_the_submissions_output_limit_never_cut(server):
    idle(server)
    code = new_class(server)
    headers = {'Authorization': 'Bearer ' + student(server, code, 'Verbose')}
    status, _, body = server.request('POST', '/api/v1/questions/code-bounded-fetch/attempts', {'code': LONG_ANSWER},
                                     headers=headers, timeout=60)
    assert status == 200, body
    result = json.loads(body)
    assert result['verdict'] == 'failed' and result['score'] == 0
    size = raw_answer_size('code-bounded-fetch', LONG_ANSWER)
    if size > ANSWER_LIMIT:
        assert [t['status'] for t in result['tasks']] == ['output_limit'], result['tasks']
        assert 'MB' in result['tasks'][0]['message']
    else:
        # The harness has learnt to keep its answer short: then it is read whole, every task in it.
        assert len(result['tasks']) >= 1 and 'output_limit' not in [t['status'] for t in result['tasks']]
    # Recorded like any attempt, and the server goes on grading.
    status, _, body = server.request('GET', '/api/v1/me/attempts', headers=headers)
    assert status == 200 and json.loads(body)['attempts'][0]['verdict'] == 'failed'
    status, _, body = server.request('POST', GRADE, {'code': CORRECT}, headers=headers, timeout=30)
    assert (status, json.loads(body)['verdict']) == (200, 'passed')
