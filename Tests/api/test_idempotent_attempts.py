"""`Idempotency-Key` on every kind of attempt a student records: on an assignment's question (with its lateness and
attempt limit) as well as on a free one, and the version and seed of a code attempt kept on both paths (a regrade
reads them)."""
import os
import sqlite3

from live_server import REPO
from live_server import server  # noqa: F401 - `server` is a fixture
from test_classroom import call, choice_questions, create_assignment, join, new_teacher, ok, rfc3339


def keyed_attempt(server, question, body, token, key):
    headers = {'Authorization': 'Bearer ' + token, 'Idempotency-Key': key}
    status, response_headers, raw = server.request('POST', '/api/v1/questions/%s/attempts' % question, body, headers)
    return status, response_headers, raw


def recorded(server, teacher, code, student, question):
    path = '/api/v1/classes/%s/students/%s/attempts?question=%s' % (code, student['id'], question)
    return ok(server, 'GET', path, token=teacher['token'])['attempts']


def test_a_resent_attempt_on_an_assignments_question_is_recorded_once_and_not_counted_twice(server):
    teacher = new_teacher(server, 'Keyed T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Keyed'}, teacher['token'], 201)['code']
    (question, right, wrong), = choice_questions(1)
    assert create_assignment(server, teacher, code, questions=[question], max_attempts=2)[0] == 201
    student = join(server, code, 'Keyed S')

    first = keyed_attempt(server, question, {'choices': [wrong]}, student['token'], 'attempt-1')
    again = keyed_attempt(server, question, {'choices': [wrong]}, student['token'], 'attempt-1')
    assert first[0] == again[0] == 200
    assert again[2] == first[2] and again[1]['Idempotent-Replayed'] == 'true'
    assert 'Idempotent-Replayed' not in first[1]
    assert len(recorded(server, teacher, code, student, question)) == 1

    # The second attempt reaches the limit of 2; its key replayed after that is answered, not refused with 409.
    second = keyed_attempt(server, question, {'choices': [right]}, student['token'], 'attempt-2')
    assert second[0] == 200
    replayed = keyed_attempt(server, question, {'choices': [right]}, student['token'], 'attempt-2')
    assert replayed[0] == 200 and replayed[2] == second[2]
    third = keyed_attempt(server, question, {'choices': [right]}, student['token'], 'attempt-3')
    assert third[0] == 409
    assert len(recorded(server, teacher, code, student, question)) == 2


def test_a_resent_late_attempt_stays_one_late_attempt(server):
    teacher = new_teacher(server, 'Late keyed T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Late keyed'}, teacher['token'], 201)['code']
    (question, right, _), = choice_questions(1)
    assert create_assignment(server, teacher, code, questions=[question], opens_at=rfc3339(-7200),
                             due_at=rfc3339(-3600))[0] == 201
    student = join(server, code, 'Late keyed S')
    for _ in range(3):
        assert keyed_attempt(server, question, {'choices': [right]}, student['token'], 'late-1')[0] == 200
    attempts = recorded(server, teacher, code, student, question)
    assert len(attempts) == 1 and attempts[0]['late'] is True


def test_a_code_attempt_keeps_its_version_and_seed_with_or_without_a_key(server):
    teacher = new_teacher(server, 'Version T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Version'}, teacher['token'], 201)['code']
    student = join(server, code, 'Version S')
    with open(os.path.join(REPO, 'bank', 'builtin', 'code-fetch-all', 'solution.py')) as f:
        solution = f.read()
    keyed = keyed_attempt(server, 'code-fetch-all', {'code': solution}, student['token'], 'code-1')
    assert keyed[0] == 200
    status, result, _ = call(server, 'POST', '/api/v1/questions/code-fetch-all/attempts', {'code': solution},
                             student['token'])
    assert status == 200 and result['verdict'] == 'passed'
    with sqlite3.connect(os.path.join(server.data_dir, 'quiz.sqlite'), timeout=10) as db:
        rows = db.execute('SELECT version, seed FROM attempts WHERE student_id = ? ORDER BY id',
                          (student['id'],)).fetchall()
    assert len(rows) == 2
    for version, seed in rows:
        assert version == result['version'] and isinstance(seed, int)
