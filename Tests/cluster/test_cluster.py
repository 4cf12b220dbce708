"""Two instances on one PostgreSQL behind nginx (see conftest.py): what one instance records, every instance shows;
a classroom burst spread over both loses nothing; `kill -9` of one instance in the middle of a burst loses no
answered attempt and records none twice; PostgreSQL restarting while idle is survived without a manual step;
rate limits are global; TLS at nginx; backup and restore while serving."""
import json
import os
import re
import subprocess
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import (BINARY, CODE_ATTEMPTS_PER_MINUTE, REPO, TEACHER_TOKEN, Instance, bearer, question_answers,
                      wait_for)

ANSWERS = question_answers()


def attempt(target, student, kind='choice', key=None, timeout=60):
    question, body = ANSWERS[kind]
    headers = bearer(student['token'])
    if key is not None:
        headers['Idempotency-Key'] = key
    return target.request('POST', '/api/v1/questions/%s/attempts' % question, body, headers, timeout=timeout)


def route_count(instance, route, status='200'):
    """How many requests this instance answered on `route` with `status` (from its own /metrics)."""
    code, _, body = instance.request('GET', '/metrics')
    assert code == 200
    total = 0
    for line in body.decode().splitlines():
        if line.startswith('http_requests_total{') and 'route="%s"' % route in line and 'status="%s"' % status in line:
            total += int(float(line.rsplit(' ', 1)[1]))
    return total


ATTEMPTS_ROUTE = '/api/v1/questions/{id}/attempts'


def test_both_instances_and_the_balancer_are_ready(cluster):
    for instance in cluster.instances:
        assert instance.request('GET', '/healthz')[:1] == (200,)
        status, _, body = instance.request('GET', '/readyz')
        assert (status, json.loads(body)) == (200, {'status': 'ready', 'database': 'ok'})
    status, _, body = cluster.balancer.request('GET', '/healthz')
    assert (status, json.loads(body)) == (200, {'status': 'ok'})


def test_a_students_attempts_are_visible_whichever_instance_answers(cluster):
    a, b = cluster.instances
    code = cluster.new_class()
    student = cluster.new_student(code, via=a)
    # The token made on a works on b, and what b records a shows at once.
    status, headers, _ = attempt(b, student)
    assert status == 200 and headers['X-Attempt-Recorded'] == 'true'
    status, _, _ = attempt(a, student, 'code')
    assert status == 200
    for target in (a, b):
        attempts = cluster.attempts_of(student, via=target)
        assert [x['kind'] for x in attempts] == ['code', 'single_choice']
    # Through the balancer, whichever instance answers, the same two.
    before = [route_count(i, '/api/v1/me/attempts') for i in (a, b)]
    for _ in range(8):
        assert len(cluster.attempts_of(student)) == 2
    after = [route_count(i, '/api/v1/me/attempts') for i in (a, b)]
    assert all(y > x for x, y in zip(before, after)), 'the balancer used one instance only: %s -> %s' % (before, after)
    # The teacher's results agree, from either instance.
    for target in (a, b):
        status, _, body = target.request('GET', '/api/v1/classes/%s/results' % code, headers=bearer(TEACHER_TOKEN))
        assert status == 200
        row = json.loads(body)['students'][0]
        assert {q: r['attempts'] for q, r in row['results'].items()} == {ANSWERS['choice'][0]: 1, ANSWERS['code'][0]: 1}


@pytest.mark.parametrize('key', ['', 'x' * 65, 'has space', 'tab\there', 'caf\u00e9'])
def test_a_malformed_idempotency_key_is_400(cluster, key):
    student = cluster.new_student(cluster.new_class())
    status, headers, body = attempt(cluster.instances[0], student, key=key)
    assert status == 400, body
    assert headers['Content-Type'].startswith('application/problem+json')
    assert 'Idempotency-Key' in json.loads(body)['detail']
    assert cluster.attempts_of(student) == []


def test_the_same_idempotency_key_answers_the_first_answer_on_every_instance(cluster):
    a, b = cluster.instances
    code = cluster.new_class()
    ada, bob = cluster.new_student(code), cluster.new_student(code)
    key = 'k-' + uuid.uuid4().hex + '~!'          # 36 visible characters, punctuation included
    status, headers, first = attempt(a, ada, 'choice', key=key)
    assert status == 200 and headers['X-Attempt-Recorded'] == 'true' and headers['Idempotent-Replayed'] is None
    # Again, on the other instance, even with another answer: the first answer, nothing recorded.
    question, _ = ANSWERS['choice']
    status, headers, again = b.request('POST', '/api/v1/questions/%s/attempts' % question, {'choices': ['zz']},
                                       dict(bearer(ada['token']), **{'Idempotency-Key': key}))
    assert (status, headers['Idempotent-Replayed'], again) == (200, 'true', first)
    assert len(cluster.attempts_of(ada)) == 1
    # The same key from another student is theirs; a 64-character key is accepted.
    assert attempt(b, bob, key=key)[0] == 200
    assert attempt(b, bob, key='y' * 64)[0] == 200
    assert len(cluster.attempts_of(bob)) == 2


def test_rate_limits_are_global_across_instances(cluster):
    a, b = cluster.instances
    student = cluster.new_student(cluster.new_class())
    for i in range(CODE_ATTEMPTS_PER_MINUTE):
        assert attempt((a, b)[i % 2], student, 'code')[0] == 200
    # Either instance now refuses: the count is in the database, not in one process.
    for target in (a, b):
        status, headers, body = attempt(target, student, 'code')
        assert status == 429, body
        assert 1 <= int(headers['Retry-After']) <= 60
    assert len(cluster.attempts_of(student)) == CODE_ATTEMPTS_PER_MINUTE


def call(target, method, path, body=None, token=None, cookie=None):
    headers = bearer(token) if token else {}
    if cookie:
        headers['Cookie'] = cookie
    status, response_headers, raw = target.request(method, path, body, headers)
    kind = response_headers.get('Content-Type', '')
    return status, (json.loads(raw) if raw and 'json' in kind else raw), response_headers


def test_the_classroom_is_one_on_every_instance(cluster):
    """Teachers, their classes and co-teachers, sign-in sessions, rosters, readmission codes and assignments with
    their attempt limits live in PostgreSQL: what one instance makes, the other enforces."""
    a, b = cluster.instances
    status, ada, _ = call(a, 'POST', '/api/v1/teachers', {'name': 'Ada C'}, TEACHER_TOKEN)
    assert status == 201
    status, bob, _ = call(b, 'POST', '/api/v1/teachers', {'name': 'Bob C'}, TEACHER_TOKEN)
    assert status == 201
    status, made, _ = call(b, 'POST', '/api/v1/classes', {'name': 'Shared'}, ada['token'])
    assert status == 201
    code = made['code']
    assert call(a, 'GET', '/api/v1/classes/%s/results' % code, token=bob['token'])[0] == 403
    assert call(a, 'POST', '/api/v1/classes/%s/teachers' % code, {'teacher': bob['id']}, ada['token'])[0] == 204
    assert call(b, 'GET', '/api/v1/classes/%s/results' % code, token=bob['token'])[0] == 200
    assert [c['code'] for c in call(b, 'GET', '/api/v1/classes', token=bob['token'])[1]['classes']] == [code]

    # A session made on a opens the class on b; signing out on b ends it on a.
    login = 'ada-%s@school.example' % uuid.uuid4().hex[:6]
    assert call(a, 'PUT', '/api/v1/teachers/me/password', {'login': login, 'password': 'correct horse battery'},
                ada['token'])[0] == 204
    status, _, headers = call(a, 'POST', '/api/v1/sessions', {'login': login, 'password': 'correct horse battery'})
    assert status == 201
    cookie = headers['Set-Cookie'].split(';')[0]
    assert call(b, 'GET', '/api/v1/classes/%s/results' % code, cookie=cookie)[0] == 200
    assert call(b, 'DELETE', '/api/v1/sessions', cookie=cookie)[0] == 204
    assert call(a, 'GET', '/api/v1/classes/%s/results' % code, cookie=cookie)[0] == 401

    # An assignment made on a limits attempts on b, and a removed student's token stops on both.
    question, body = ANSWERS['choice']
    status, _, _ = call(a, 'POST', '/api/v1/classes/%s/assignments' % code,
                        {'title': 'Week', 'questions': [question], 'opens_at': '2020-01-01T00:00:00Z',
                         'due_at': '2099-01-01T00:00:00Z', 'max_attempts': 1}, ada['token'])
    assert status == 201
    student = cluster.new_student(code, via=b)
    assert attempt(a, student)[0] == 200
    assert attempt(b, student)[0] == 409
    status, mine, _ = call(b, 'GET', '/api/v1/me/assignments', token=student['token'])
    assert status == 200 and [x['title'] for x in mine['assignments']] == ['Week']
    assert call(b, 'DELETE', '/api/v1/classes/%s/students/%s' % (code, student['id']), token=ada['token'])[0] == 204
    for target in (a, b):
        assert call(target, 'GET', '/api/v1/me/attempts', token=student['token'])[0] == 401
    # A readmission code made on b works once, on a.
    status, readmit, _ = call(b, 'POST', '/api/v1/classes/%s/students/%s/readmit' % (code, student['id']),
                              token=ada['token'])
    assert status == 201
    status, back, _ = call(a, 'POST', '/api/v1/students/readmit', {'code': readmit['code']})
    assert status == 200 and back['id'] == student['id']
    status, problem, _ = call(b, 'POST', '/api/v1/students/readmit', {'code': readmit['code']})
    assert status == 409 and 'used' in problem['detail']
    assert call(b, 'GET', '/api/v1/me/attempts', token=back['token'])[0] == 200


def burst(cluster, students, kinds, keyed):
    """Every student sends each kind of attempt at once, through the balancer; returns [(student, status, headers)]."""
    jobs = [(s, kind, ('burst-%s-%s' % (kind, s['id'])) if keyed(i) else None)
            for i, s in enumerate(students) for kind in kinds]

    def send(job):
        student, kind, key = job
        status, headers, body = attempt(cluster.balancer, student, kind, key=key, timeout=90)
        return student, status, headers, body

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(send, jobs))


def test_a_classroom_burst_over_both_instances_loses_no_attempt(cluster):
    a, b = cluster.instances
    code = cluster.new_class()
    students = [cluster.new_student(code) for _ in range(40)]
    before = [route_count(i, ATTEMPTS_ROUTE) for i in (a, b)]
    answers = burst(cluster, students, ['code', 'choice'], keyed=lambda i: i % 2 == 0)
    statuses = sorted({status for _, status, _, _ in answers})
    assert statuses == [200], [(s, body[:200]) for _, s, _, body in answers if s != 200][:5]
    after = [route_count(i, ATTEMPTS_ROUTE) for i in (a, b)]
    served = [y - x for x, y in zip(before, after)]
    assert sum(served) == 80 and min(served) > 0, 'attempts per instance: %s' % served
    for student in students:
        assert sorted(x['kind'] for x in cluster.attempts_of(student)) == ['code', 'single_choice']
    results = cluster.results(code)
    assert len(results['students']) == 40
    assert all(sum(r['attempts'] for r in row['results'].values()) == 2 for row in results['students'])


def test_kill_9_of_an_instance_mid_burst_loses_no_answered_attempt_and_records_none_twice(cluster):
    a, b = cluster.instances
    code = cluster.new_class()
    students = [cluster.new_student(code) for _ in range(40)]
    error_log = os.path.join(cluster.balancer.dir, 'error.log')
    log_before = os.path.getsize(error_log) if os.path.exists(error_log) else 0
    answers = []
    sender = threading.Thread(target=lambda: answers.extend(
        burst(cluster, students, ['code'], keyed=lambda i: i % 2 == 0)))
    sender.start()
    try:
        # The moment: instance a holds submissions that it is grading or that wait for a grader.
        wait_for(lambda: a.metric('grading_active') + a.metric('grading_queue_length') >= 2, 60,
                 'instance a busy with the burst')
        a.kill9()
    finally:
        sender.join(timeout=180)
    assert not sender.is_alive()
    assert len(answers) == 40
    statuses = sorted({status for _, status, _, _ in answers})
    assert statuses == [200], [(s, body[:200]) for _, s, _, body in answers if s != 200][:5]
    # nginx saw a's connections die with requests on them, and sent those requests to b.
    with open(error_log) as f:
        f.seek(log_before)
        log = f.read()
    assert re.search(r'(prematurely closed|reset by peer|Connection refused).*upstream', log), log[-2000:]
    # Every answered attempt is recorded, once: retries replayed the first answer or recorded it on b.
    replays = 0
    for student, status, headers, _ in answers:
        assert len(cluster.attempts_of(student)) == 1, student
        replays += headers['Idempotent-Replayed'] == 'true'
    results = cluster.results(code)
    assert all(sum(r['attempts'] for r in row['results'].values()) == 1 for row in results['students'])
    print('kill -9 mid-burst: 40 answered 200, %d of them replays of an answer a had recorded' % replays)

    # a comes back on its port; the balancer sends it work again after its fail_timeout.
    a.start()
    wait_for(lambda: a.ready() == 200, 60, 'instance a ready again')
    before = route_count(a, '/api/v1/topics')
    wait_for(lambda: cluster.balancer.request('GET', '/api/v1/topics')[0] == 200 and route_count(a, '/api/v1/topics') > before,
             30, 'the balancer sending requests to a again', interval=0.2)


def test_postgresql_restarting_while_idle_is_survived_without_a_manual_step(cluster):
    a, b = cluster.instances
    code = cluster.new_class()
    student = cluster.new_student(code)
    assert attempt(a, student)[0] == 200
    cluster.pg.stop('fast')
    try:
        for instance in (a, b):
            wait_for(lambda: instance.ready() == 503, 15, '%s not ready without its database' % instance.name)
            # Liveness is apart from readiness: the process answers.
            assert instance.request('GET', '/healthz')[0] == 200
        status, headers, body = attempt(b, student)
        assert status == 503, body
        assert headers['Content-Type'].startswith('application/problem+json') and headers['Retry-After'] == '1'
    finally:
        cluster.pg.start()
    for instance in (a, b):
        wait_for(lambda: instance.ready() == 200, 30, '%s ready again after PostgreSQL restarted' % instance.name)
    # The same processes, reconnected by themselves: records and reads on both.
    assert attempt(b, student)[0] == 200
    assert attempt(a, student)[0] == 200
    assert len(cluster.attempts_of(student, via=a)) == 3
    assert len(cluster.attempts_of(student, via=b)) == 3


def test_tls_at_the_balancer(cluster):
    import ssl
    balancer = cluster.balancer
    status, headers, body = balancer.tls_request('GET', '/healthz')
    assert (status, json.loads(body)) == (200, {'status': 'ok'})
    assert headers['Strict-Transport-Security'] == 'max-age=31536000'
    code = cluster.new_class()
    status, _, body = balancer.tls_request('POST', '/api/v1/students', {'name': 'Tess', 'class': code})
    assert status == 201, body
    student = json.loads(body)
    question, answer = ANSWERS['choice']
    status, headers, _ = balancer.tls_request('POST', '/api/v1/questions/%s/attempts' % question, answer,
                                              bearer(student['token']))
    assert status == 200 and headers['X-Attempt-Recorded'] == 'true'
    assert len(cluster.attempts_of(student)) == 1
    # Without the certificate's CA the client refuses the connection; plain HTTP on the TLS port is refused.
    import urllib.request
    with pytest.raises(urllib.error.URLError) as refused:
        urllib.request.urlopen(balancer.tls_base + '/healthz', timeout=10, context=ssl.create_default_context())
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
    from conftest import request
    assert request('http://127.0.0.1:%d' % balancer.tls_port, 'GET', '/healthz')[0] == 400


def quiz_server(*args):
    return subprocess.run([BINARY, *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def backup_and_restore_while_serving(cluster, target, store_args):
    """Attempts before a backup stay after a restore; those after it are gone; the servers serve throughout."""
    code = cluster.new_class()
    students = [cluster.new_student(code) for _ in range(5)]
    for s in students:
        assert attempt(target, s)[0] == 200
    busy = cluster.new_student(code)
    stop = threading.Event()
    written = []

    def keep_writing():
        while not stop.is_set():
            written.append(attempt(target, busy)[0])

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        wait_for(lambda: len(written) >= 5, 30, 'writes under way')
        path = os.path.join(tempfile.mkdtemp(prefix='quiz-backup-'), 'backup')
        done = quiz_server('backup', *store_args, path)
        assert done.returncode == 0, done.stderr
        wait_for(lambda: len(written) >= 10, 30, 'writes after the backup')
    finally:
        stop.set()
        writer.join(timeout=60)
    assert set(written) == {200}
    for s in students:
        assert attempt(target, s)[0] == 200
        assert len(cluster.attempts_of(s, via=target)) == 2
    done = quiz_server('restore', *store_args, path)
    assert done.returncode == 0, done.stderr
    for s in students:
        assert len(cluster.attempts_of(s, via=target)) == 1
    # The backup is one moment: the busy student's history and the summary agree.
    kept = len(cluster.attempts_of(busy, via=target))
    assert 5 <= kept < len(written)
    status, _, body = target.request('GET', '/api/v1/classes/%s/results' % code, headers=bearer(TEACHER_TOKEN))
    assert status == 200
    rows = {row['id']: row for row in json.loads(body)['students']}
    assert sum(r['attempts'] for r in rows[busy['id']]['results'].values()) == kept
    # Still serving, and recording.
    assert target.request('GET', '/readyz')[0] == 200
    assert attempt(target, students[0])[0] == 200
    assert len(cluster.attempts_of(students[0], via=target)) == 2


def test_postgresql_backup_and_restore_while_serving(cluster):
    backup_and_restore_while_serving(cluster, cluster.balancer, ['--database', cluster.pg.url])
    assert all(i.ready() == 200 for i in cluster.instances)


class SingleSQLite:
    """One instance on SQLite, with the cluster's helpers (they only need `request`)."""

    def __init__(self, instance):
        self.balancer = instance

    def new_class(self):
        status, _, body = self.balancer.request('POST', '/api/v1/classes', {'name': 'sqlite'}, bearer(TEACHER_TOKEN))
        assert status == 201
        return json.loads(body)['code']

    def new_student(self, code):
        status, _, body = self.balancer.request('POST', '/api/v1/students', {'name': uuid.uuid4().hex[:8], 'class': code})
        assert status == 201
        return json.loads(body)

    def attempts_of(self, student, via=None):
        status, _, body = self.balancer.request('GET', '/api/v1/me/attempts', headers=bearer(student['token']))
        assert status == 200
        return json.loads(body)['attempts']


def test_sqlite_backup_and_restore_while_serving():
    instance = Instance('sqlite', None)
    try:
        backup_and_restore_while_serving(SingleSQLite(instance), instance, ['--data-dir', instance.data_dir])
        assert instance.stop() == 0
    finally:
        instance.cleanup()
