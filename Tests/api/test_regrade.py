"""Regrades over real HTTP with the real sandbox: a bank in a temp folder (`serve --questions PATH`), attempts recorded
by students (one that passes, one that fails), the question's tasks changed in the file and reloaded with SIGHUP,
then `POST /api/v1/classes/{code}/regrades` and its report of the changed scores. A server killed (SIGKILL) in the
middle of a regrade resumes it at the next start on the same data dir and finishes it, no attempt graded twice.
Also who may start and read a regrade (401, 403, 404)."""
import copy
import json
import os
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from live_server import BINARY, HOST, REPO, TEACHER_TOKEN, Server, free_port, wait_for_regrade

QID = 'bootcamp-wait-random'
BOOTCAMP = os.path.join(REPO, 'examples', 'async-bootcamp')
with open(os.path.join(BOOTCAMP, QID, 'solution.py'), encoding='utf-8') as f:
    RIGHT = f.read()
# Waits a random delay but returns max_delay: only the task with max_delay 0 passes (score 1/4).
RETURNS_MAX = ('import asyncio\nimport random\n\n\nasync def wait_random(max_delay: int = 10) -> float:\n'
               '    await asyncio.sleep(random.uniform(0, max_delay))\n    return max_delay\n')
# The same, after 0.2 s of work at import: each grading takes a while, so a regrade can be caught mid-way.
SLOW_RETURNS_MAX = ('import time\n_t = time.process_time()\nwhile time.process_time() - _t < 0.2:\n    pass\n'
                    + RETURNS_MAX)


def admin():
    return {'Authorization': 'Bearer ' + TEACHER_TOKEN}


def original_question():
    with open(os.path.join(BOOTCAMP, 'bank.built.json'), encoding='utf-8') as f:
        [q] = [q for q in json.load(f)['questions'] if q['id'] == QID]
    q.pop('version', None)      # the grader computes it from the data
    return q


def lenient_question():
    """The question with the check "returns the delay it waited" dropped from every task: returning max_delay
    (which is within 0..max_delay) now passes. The title changes too, so a test can see the reload happen."""
    q = copy.deepcopy(original_question())
    for task in q['tasks']:
        task['checks'] = [c for c in task['checks'] if not (c.get('check') == 'returns' and c.get('relation') == 'close')]
    q['title'] = 'wait_random (lenient)'
    return q


def write_bank(path, question):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump({'questions': [question]}, f)


class BankServer(Server):
    """A server on a bank file of its own, on a data dir that may be reused (to restart on the same data)."""

    def __init__(self, bank, data_dir=None):
        self.bank = bank
        self.data_dir = data_dir or tempfile.mkdtemp(prefix='quiz-regrade-test-')
        self.log_path = os.path.join(self.data_dir, 'server.log')
        self.port = free_port()
        self.base = 'http://%s:%d' % (HOST, self.port)
        self._log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(
            [BINARY, 'serve', '--host', HOST, '--port', str(self.port), '--data-dir', self.data_dir,
             '--questions', 'questions.json', '--questions', bank, '--code-attempts-per-minute', '100000'],
            cwd=REPO, env=dict(os.environ, QUIZ_TEACHER_TOKEN=TEACHER_TOKEN), stdout=self._log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.wait_until_serving()

    def call(self, method, path, body=None, headers=None, timeout=30):
        status, _, raw = self.request(method, path, body, headers, timeout=timeout)
        return status, (json.loads(raw) if raw else None)

    def reload_with(self, question):
        """Writes the bank and sends SIGHUP; returns once the server serves the new title."""
        write_bank(self.bank, question)
        self.proc.send_signal(signal.SIGHUP)
        end = time.monotonic() + 30
        while time.monotonic() < end:
            status, served = self.call('GET', '/api/v1/questions/' + QID)
            if status == 200 and served['title'] == question['title']:
                return
            time.sleep(0.05)
        pytest.fail('the reloaded bank was not served within 30 s:\n' + self.log_tail())


@pytest.fixture()
def bank_server(tmp_path):
    bank = str(tmp_path / 'bank.json')
    write_bank(bank, original_question())
    s = BankServer(bank)
    try:
        yield s
        assert s.stop() == 0, s.log_tail()
    finally:
        s.cleanup()


def new_class(server, name='Regrade class'):
    status, made = server.call('POST', '/api/v1/classes', {'name': name}, admin())
    assert status == 201, made
    return made['code']


def join(server, code, name):
    status, student = server.call('POST', '/api/v1/students', {'name': name, 'class': code})
    assert status == 201, student
    return student


def answer(server, student, code_text):
    status, result = server.call('POST', '/api/v1/questions/%s/attempts' % QID, {'code': code_text},
                                 {'Authorization': 'Bearer ' + student['token']}, timeout=60)
    assert status == 200, result
    return result


def attempts_of(server, code, student):
    status, body = server.call('GET', '/api/v1/classes/%s/students/%s/attempts?question=%s' % (code, student['id'], QID),
                               headers=admin())
    assert status == 200, body
    return body['attempts']


def finished(server, code, regrade_id, timeout=120):
    return wait_for_regrade(server, code, regrade_id, timeout=timeout)


def test_a_regrade_reports_whose_score_changed_and_writes_the_new_grades(bank_server):
    s = bank_server
    code = new_class(s)
    ada, bob = join(s, code, 'Ada'), join(s, code, 'Bob')
    right, wrong = answer(s, ada, RIGHT), answer(s, bob, RETURNS_MAX)
    assert (right['verdict'], right['score']) == ('passed', 1)
    assert (wrong['verdict'], wrong['score']) == ('failed', 0.25), wrong
    old_version = right['version']
    [ada_before] = attempts_of(s, code, ada)
    [bob_before] = attempts_of(s, code, bob)

    s.reload_with(lenient_question())
    status, started = s.call('POST', '/api/v1/classes/%s/regrades' % code, {'question': QID}, admin())
    assert status == 202, started
    assert started['running'] is False
    report = finished(s, code, started['id'])

    assert report['question'] == QID and report['total'] == 2 and report['done'] == 2
    assert (report['regraded'], report['unchanged'], report['failed']) == (2, 0, 0), report
    assert report['version_to'] != old_version
    assert report['changes'] == [{'student': bob['id'], 'attempt': bob_before['id'], 'from': 0.25, 'to': 1.0,
                                  'from_verdict': 'failed', 'to_verdict': 'passed'}]

    # The attempts carry their new grades and version; Ada's, graded with her seed again, waited the same delays.
    [ada_after] = attempts_of(s, code, ada)
    [bob_after] = attempts_of(s, code, bob)
    assert (bob_after['verdict'], bob_after['score']) == ('passed', 1.0)
    assert {t['status'] for t in bob_after['tasks']} == {'passed'}
    assert (ada_after['verdict'], ada_after['score']) == ('passed', 1.0)
    assert [t['message'] for t in ada_after['tasks']] == [t['message'] for t in ada_before['tasks']]
    # The class's results follow (they read a summary row the regrade keeps up to date).
    status, results = s.call('GET', '/api/v1/classes/%s/results' % code, headers=admin())
    assert status == 200
    rows = {row['id']: row['results'][QID] for row in results['students']}
    assert (rows[bob['id']]['best'], rows[bob['id']]['last_verdict']) == (1.0, 'passed'), rows
    assert rows[ada['id']]['best'] == 1.0, rows

    status, listed = s.call('GET', '/api/v1/classes/%s/regrades' % code, headers=admin())
    assert status == 200
    assert [(r['id'], r['question'], r['status'], r['done'], r['total'], r['changed']) for r in listed['regrades']] == [
        (started['id'], QID, 'finished', 2, 2, 1)]

    # Again, now that every attempt has the current version: nothing graded, nothing changed.
    status, again = s.call('POST', '/api/v1/classes/%s/regrades' % code, {'question': QID}, admin())
    assert status == 202 and again['id'] != started['id'], again
    second = finished(s, code, again['id'])
    assert (second['total'], second['done'], second['unchanged'], second['regraded']) == (2, 2, 2, 0), second
    assert second['changes'] == []
    assert [a['score'] for a in attempts_of(s, code, bob)] == [1.0]


@pytest.mark.parametrize('stop', ['SIGKILL', 'SIGTERM'])
def test_a_regrade_cut_short_resumes_at_the_next_start_and_grades_each_attempt_once(tmp_path, stop):
    """SIGKILL: nothing is finished properly. SIGTERM: the server stops cleanly (exit 0) although a regrade runs;
    the gradings it had asked for are refused by the closing pool, and the job is left to the next start."""
    bank = str(tmp_path / 'bank.json')
    write_bank(bank, original_question())
    first = BankServer(bank)
    data_dir = first.data_dir
    second = None
    try:
        code = new_class(first, 'Killed mid-regrade')
        students = [join(first, code, 'Student %02d' % i) for i in range(24)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda st: answer(first, st, SLOW_RETURNS_MAX), students))
        assert {(r['verdict'], r['score']) for r in results} == {('failed', 0.25)}, results[0]
        first.reload_with(lenient_question())

        status, started = first.call('POST', '/api/v1/classes/%s/regrades' % code, {'question': QID}, admin())
        assert status == 202, started
        path = '/api/v1/classes/%s/regrades/%s' % (code, started['id'])
        end = time.monotonic() + 60
        while True:
            status, report = first.call('GET', path, headers=admin())
            assert status == 200 and report['status'] == 'running', report
            if report['done'] >= 3:
                break
            assert time.monotonic() < end, first.log_tail()
            time.sleep(0.02)
        # The class's list shows it running (a page opened again finds it there).
        status, listed = first.call('GET', '/api/v1/classes/%s/regrades' % code, headers=admin())
        assert status == 200 and [(r['id'], r['status']) for r in listed['regrades']] == [(started['id'], 'running')]
        # While it runs, asking again starts nothing: the answer is the running one's id.
        status, same = first.call('POST', '/api/v1/classes/%s/regrades' % code, {'question': QID}, admin())
        assert (status, same) == (202, {'id': started['id'], 'running': True})
        first.proc.send_signal(getattr(signal, stop))
        code_on_exit = first.proc.wait(timeout=60)
        first._log.close()
        if stop == 'SIGTERM':
            assert code_on_exit == 0, first.log_tail()
        assert report['done'] < report['total'] == 24, report
        before = {c['attempt']: c for c in report['changes']}

        second = BankServer(bank, data_dir=data_dir)
        # The second server reads the lenient bank at start-up; it resumes the job without being asked.
        report = finished(second, code, started['id'])
        assert (report['total'], report['done'], report['failed']) == (24, 24, 0), report
        assert report['regraded'] + report['unchanged'] == 24
        attempts = [c['attempt'] for c in report['changes']]
        assert len(attempts) == len(set(attempts)) == 24, report['changes']
        assert {(c['from'], c['to']) for c in report['changes']} == {(0.25, 1.0)}
        for attempt_id, change in before.items():
            assert {k: v for k, v in change.items()} in report['changes']
        for st in students:
            [a] = attempts_of(second, code, st)
            assert (a['verdict'], a['score']) == ('passed', 1.0), a
        # The whole log: the server logs a line per request and one per recorded item (`regrade item recorded`).
        assert 'resuming a regrade' in second.log_tail(10 ** 6)
        assert second.stop() == 0, second.log_tail()
    finally:
        if second is not None:
            second.cleanup()
        first.cleanup()


def test_who_may_start_and_read_a_regrade(bank_server):
    s = bank_server
    code = new_class(s, 'Mine')
    other_code = new_class(s, 'Another')
    status, teacher = s.call('POST', '/api/v1/teachers', {'name': 'Other teacher'}, admin())
    assert status == 201, teacher
    other = {'Authorization': 'Bearer ' + teacher['token']}
    start = '/api/v1/classes/%s/regrades' % code
    status, started = s.call('POST', start, {'question': QID}, admin())
    assert status == 202, started
    show = '/api/v1/classes/%s/regrades/%s' % (code, started['id'])

    def problem(status_code, method, path, body=None, headers=None):
        status, _, raw = s.request(method, path, body, headers)
        assert status == status_code, (method, path, raw)
        doc = json.loads(raw)
        assert doc['status'] == status_code and doc['detail'], doc
        return doc

    problem(401, 'POST', start, {'question': QID})
    problem(401, 'GET', show)
    problem(401, 'GET', start)
    problem(403, 'GET', start, headers=other)
    problem(404, 'GET', '/api/v1/classes/NOSUCH/regrades', headers=admin())
    problem(401, 'POST', start, {'question': QID}, {'Authorization': 'Bearer not-a-token'})
    problem(401, 'GET', show, headers={'Authorization': 'Bearer not-a-token'})
    problem(403, 'POST', start, {'question': QID}, other)
    problem(403, 'GET', show, headers=other)
    problem(404, 'POST', '/api/v1/classes/NOSUCH/regrades', {'question': QID}, admin())
    problem(404, 'GET', '/api/v1/classes/NOSUCH/regrades/%s' % started['id'], headers=admin())
    assert 'no question "nope"' in problem(404, 'POST', start, {'question': 'nope'}, admin())['detail']
    problem(404, 'GET', '/api/v1/classes/%s/regrades/no-such-regrade' % code, headers=admin())
    # A regrade belongs to its class: another class's code does not open it.
    problem(404, 'GET', '/api/v1/classes/%s/regrades/%s' % (other_code, started['id']), headers=admin())
    assert 'question' in problem(400, 'POST', start, {'questions': QID}, admin())['detail']
    status, _, raw = s.request('POST', start, headers=dict(admin(), **{'Content-Type': 'text/plain'}))
    assert status == 415, raw
    # The owner's co-teacher may.
    status, _, raw = s.request('POST', '/api/v1/classes/%s/teachers' % code, {'teacher': teacher['id']}, admin())
    assert status == 204, raw
    status, report = s.call('GET', show, headers=other)
    assert status == 200 and report['id'] == started['id'], report


def test_a_choice_question_is_checked_against_its_current_key(tmp_path):
    """Choice attempts have no version: a regrade checks each against the key the bank has now."""
    with open(os.path.join(REPO, 'questions.json'), encoding='utf-8') as f:
        builtin = json.load(f)
    choice = next(q for q in builtin['questions'] if q['kind'] == 'single_choice')
    right = next(c['id'] for c in choice['choices'] if c['correct'])
    other = next(c['id'] for c in choice['choices'] if not c['correct'])
    mine = dict(choice, id='regrade-choice', title='Before')
    bank = str(tmp_path / 'choice.json')
    with open(bank, 'w', encoding='utf-8') as f:
        json.dump({'questions': [original_question(), mine]}, f)
    s = BankServer(bank)
    try:
        code = new_class(s)
        ada, bob = join(s, code, 'Ada'), join(s, code, 'Bob')
        for student, pick in ((ada, right), (bob, other)):
            status, result = s.call('POST', '/api/v1/questions/regrade-choice/attempts', {'choices': [pick]},
                                    {'Authorization': 'Bearer ' + student['token']})
            assert status == 200, result
        # The key is changed: the other choice is now the right one.
        swapped = dict(mine, title='After', choices=[dict(c, correct=(c['id'] == other)) for c in mine['choices']])
        with open(bank, 'w', encoding='utf-8') as f:
            json.dump({'questions': [original_question(), swapped]}, f)
        s.proc.send_signal(signal.SIGHUP)
        end = time.monotonic() + 30
        while s.call('GET', '/api/v1/questions/regrade-choice')[1]['title'] != 'After':
            assert time.monotonic() < end, s.log_tail()
            time.sleep(0.05)
        status, started = s.call('POST', '/api/v1/classes/%s/regrades' % code, {'question': 'regrade-choice'}, admin())
        assert status == 202, started
        report = finished(s, code, started['id'])
        assert report['total'] == 2 and report.get('version_to') is None
        assert sorted((c['student'], c['from'], c['to']) for c in report['changes']) == sorted(
            [(ada['id'], 1.0, 0.0), (bob['id'], 0.0, 1.0)])
        assert s.stop() == 0, s.log_tail()
    finally:
        s.cleanup()
