"""The classroom, round 2, against the live server: teachers' accounts and who may open which class, the roster and
readmission, a student's attempts as the teacher sees them, assignments (late marks, attempt limits, the key kept
back until the due time). Real HTTP on loopback, a real SQLite file; every status asserted exactly."""
import datetime
import hashlib
import json
import os
import re
import sqlite3

import pytest

from live_server import TEACHER_TOKEN, server  # noqa: F401 - `server` is a fixture

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
GOOD_FETCH_ALL = ('import asyncio\n\nasync def fetch_all(fetch, items):\n'
                  '    return await asyncio.gather(*(fetch(i) for i in items))\n')


def bank():
    with open(os.path.join(REPO, 'questions.json')) as f:
        return json.load(f)['questions']


def choice_questions(n):
    """n single-choice questions, each with its right and a wrong choice."""
    found = []
    for q in bank():
        if q['kind'] == 'single_choice':
            right = next(c['id'] for c in q['choices'] if c['correct'])
            wrong = next(c['id'] for c in q['choices'] if not c['correct'])
            found.append((q['id'], right, wrong))
    assert len(found) >= n
    return found[:n]


def call(server, method, path, body=None, token=None):
    headers = {'Authorization': 'Bearer ' + token} if token else {}
    status, response_headers, raw = server.request(method, path, body, headers)
    if response_headers.get('Content-Type', '').startswith('application/problem+json'):
        problem = json.loads(raw)
        assert problem['status'] == status
        return status, problem, response_headers
    if response_headers.get('Content-Type', '').startswith('application/json'):
        return status, json.loads(raw), response_headers
    return status, raw, response_headers


def ok(server, method, path, body=None, token=None, expect=200):
    status, payload, _ = call(server, method, path, body, token)
    assert status == expect, (method, path, status, payload)
    return payload


def rfc3339(delta_seconds):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return moment.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat(timespec='seconds')


def new_teacher(server, name):
    teacher = ok(server, 'POST', '/api/v1/teachers', {'name': name}, TEACHER_TOKEN, 201)
    assert set(teacher) == {'id', 'name', 'token'} and teacher['name'] == name
    assert re.fullmatch(r'[A-Za-z0-9_-]{43}', teacher['token'])
    return teacher


def join(server, code, name):
    return ok(server, 'POST', '/api/v1/students', {'name': name, 'class': code}, None, 201)


def attempt(server, question, body, token=None):
    return call(server, 'POST', '/api/v1/questions/%s/attempts' % question, body, token)


# ---------------------------------------------------------------------------------------------------------------
# Teachers

def test_the_administrator_manages_teachers_and_a_deleted_teachers_token_stops_at_once(server):
    ada = new_teacher(server, 'Ada Teacher')
    bob = new_teacher(server, 'Bob Teacher')
    listed = ok(server, 'GET', '/api/v1/teachers', token=TEACHER_TOKEN)['teachers']
    assert {'id': ada['id'], 'name': 'Ada Teacher'} in listed and {'id': bob['id'], 'name': 'Bob Teacher'} in listed
    assert all(set(t) == {'id', 'name'} for t in listed)

    # Only the administrator manages accounts: a teacher gets 403, no token or a wrong one 401.
    for method, path, body in (('POST', '/api/v1/teachers', {'name': 'x'}), ('GET', '/api/v1/teachers', None),
                               ('DELETE', '/api/v1/teachers/' + bob['id'], None)):
        assert call(server, method, path, body, ada['token'])[0] == 403
        status, problem, headers = call(server, method, path, body, None)
        assert status == 401 and headers['WWW-Authenticate'] == 'Bearer'
        assert call(server, method, path, body, 'not-a-token')[0] == 401
    assert call(server, 'POST', '/api/v1/teachers', {'name': ''}, TEACHER_TOKEN)[0] == 400
    status, problem, _ = call(server, 'POST', '/api/v1/teachers', {}, TEACHER_TOKEN)
    assert status == 400 and 'name' in problem['detail']

    # Bob's token works, then is deleted: 401 from the very next request.
    ok(server, 'POST', '/api/v1/classes', {'name': 'Bob class'}, bob['token'], 201)
    assert call(server, 'DELETE', '/api/v1/teachers/' + bob['id'], token=TEACHER_TOKEN)[0] == 204
    assert call(server, 'GET', '/api/v1/classes', token=bob['token'])[0] == 401
    assert call(server, 'POST', '/api/v1/classes', {'name': 'again'}, bob['token'])[0] == 401
    assert call(server, 'DELETE', '/api/v1/teachers/' + bob['id'], token=TEACHER_TOKEN)[0] == 404
    assert call(server, 'DELETE', '/api/v1/teachers/no-such-teacher', token=TEACHER_TOKEN)[0] == 404
    listed = ok(server, 'GET', '/api/v1/teachers', token=TEACHER_TOKEN)['teachers']
    assert bob['id'] not in [t['id'] for t in listed] and ada['id'] in [t['id'] for t in listed]


def test_the_store_keeps_only_a_hash_of_a_teachers_token(server):
    teacher = new_teacher(server, 'Hashed')
    with sqlite3.connect(os.path.join(server.data_dir, 'quiz.sqlite')) as db:
        (stored,) = db.execute('SELECT token_hash FROM teachers WHERE id = ?', (teacher['id'],)).fetchone()
    assert stored == hashlib.sha256(teacher['token'].encode()).hexdigest()
    raw = open(os.path.join(server.data_dir, 'quiz.sqlite'), 'rb').read()
    assert teacher['token'].encode() not in raw


def test_each_teacher_lists_only_their_classes_and_the_administrator_all(server):
    ada, bob = new_teacher(server, 'Ada L'), new_teacher(server, 'Bob L')
    a = ok(server, 'POST', '/api/v1/classes', {'name': 'Ada class'}, ada['token'], 201)['code']
    b = ok(server, 'POST', '/api/v1/classes', {'name': 'Bob class'}, bob['token'], 201)['code']
    admin = ok(server, 'POST', '/api/v1/classes', {'name': 'Admin class'}, TEACHER_TOKEN, 201)['code']
    assert [c['code'] for c in ok(server, 'GET', '/api/v1/classes', token=ada['token'])['classes']] == [a]
    assert [c['code'] for c in ok(server, 'GET', '/api/v1/classes', token=bob['token'])['classes']] == [b]
    everything = [c['code'] for c in ok(server, 'GET', '/api/v1/classes', token=TEACHER_TOKEN)['classes']]
    assert {a, b, admin} <= set(everything)

    # The owner makes Bob a co-teacher; then Bob lists and opens it too, but may not add others.
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % a, {'teacher': bob['id']}, bob['token'])[0] == 403
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % a, {'teacher': bob['id']}, ada['token'])[0] == 204
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % a, {'teacher': bob['id']}, ada['token'])[0] == 204
    assert sorted(c['code'] for c in ok(server, 'GET', '/api/v1/classes', token=bob['token'])['classes']) == sorted([a, b])
    ok(server, 'GET', '/api/v1/classes/%s/results' % a, token=bob['token'])
    carol = new_teacher(server, 'Carol L')
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % a, {'teacher': carol['id']}, bob['token'])[0] == 403
    status, problem, _ = call(server, 'POST', '/api/v1/classes/%s/teachers' % a, {'teacher': 'nobody'}, ada['token'])
    assert status == 400 and problem['detail'].startswith('Field "teacher"')
    # The administrator may do what an owner may, on any class.
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % b, {'teacher': carol['id']}, TEACHER_TOKEN)[0] == 204
    assert [c['code'] for c in ok(server, 'GET', '/api/v1/classes', token=carol['token'])['classes']] == [b]


WALK_ASSIGNMENT = {'title': 'Walk', 'questions': ['code-fetch-all'], 'opens_at': '2020-01-01T00:00:00Z',
                   'due_at': '2020-01-02T00:00:00+01:00'}

# Every route of a class, with the status its owner gets. `owner_only`: a co-teacher gets 403 as well.
CLASS_ROUTES = [
    ('GET', '/api/v1/classes/{code}', None, 200, False),
    ('PATCH', '/api/v1/classes/{code}', {'joining': 'open'}, 200, False),
    ('POST', '/api/v1/classes/{code}/students', {'name': 'Added by {who}'}, 201, False),
    ('POST', '/api/v1/classes/{code}/students/{student}/approve', None, 204, False),
    ('GET', '/api/v1/classes/{code}/results', None, 200, False),
    ('GET', '/api/v1/classes/{code}/results.csv', None, 200, False),
    ('POST', '/api/v1/classes/{code}/teachers', {'teacher': '{co}'}, 204, True),
    ('GET', '/api/v1/classes/{code}/students', None, 200, False),
    ('POST', '/api/v1/classes/{code}/students/{student}/readmit', None, 201, False),
    ('GET', '/api/v1/classes/{code}/students/{student}/attempts', None, 200, False),
    ('DELETE', '/api/v1/classes/{code}/students/{student}', None, 204, False),
    ('POST', '/api/v1/classes/{code}/assignments', '{assignment}', 201, False),
    ('GET', '/api/v1/classes/{code}/assignments', None, 200, False),
    ('PUT', '/api/v1/classes/{code}/assignments/{assignment}', '{assignment}', 200, False),
    ('GET', '/api/v1/classes/{code}/assignments/{assignment}/results', None, 200, False),
    ('GET', '/api/v1/classes/{code}/assignments/{assignment}/results.csv', None, 200, False),
    ('PATCH', '/api/v1/classes/{code}/students/{student}', {'name': 'Walker'}, 200, False),
    ('POST', '/api/v1/classes/{code}/regrades', {'question': 'code-fetch-all'}, 202, False),
    ('GET', '/api/v1/classes/{code}/regrades', None, 200, False),
    ('GET', '/api/v1/classes/{code}/regrades/{regrade}', None, 200, False),
    ('GET', '/api/v1/classes/{code}/analysis', None, 200, False),
    ('GET', '/api/v1/classes/{code}/export', None, 200, False),
]
# Deleting the class would end the walk: test_class_end.py walks it with classes of its own.
WALKED_ELSEWHERE = {('DELETE', '/api/v1/classes/{code}'),
                    # deleting the walked assignment would end the walk too: test_assignment_edits.py walks it
                    ('DELETE', '/api/v1/classes/{code}/assignments/{id}')}


@pytest.fixture(scope='module')
def walk(server):
    owner, co, other, gone = (new_teacher(server, n) for n in ('Owner W', 'Co W', 'Other W', 'Gone W'))
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Walked'}, owner['token'], 201)['code']
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % code, {'teacher': co['id']}, owner['token'])[0] == 204
    student = join(server, code, 'Walker')
    assignment = ok(server, 'POST', '/api/v1/classes/%s/assignments' % code,
                    WALK_ASSIGNMENT, owner['token'], 201)['id']
    regrade = ok(server, 'POST', '/api/v1/classes/%s/regrades' % code, {'question': 'code-fetch-all'},
                 owner['token'], 202)['id']
    assert call(server, 'DELETE', '/api/v1/teachers/' + gone['id'], token=TEACHER_TOKEN)[0] == 204
    return {'owner': owner, 'co': co, 'other': other, 'gone': gone, 'code': code, 'student': student,
            'assignment': assignment, 'regrade': regrade}


def test_the_walk_covers_every_class_route_in_the_document(server):
    document = json.loads(server.request('GET', '/openapi.json')[2])
    documented = {(m.upper(), p) for p, item in document['paths'].items() for m in item
                  if m in ('get', 'post', 'delete', 'put', 'patch') and p.startswith('/api/v1/classes/{code}')}
    walked = {(m, re.sub(r'\{(student|assignment|regrade)\}', '{id}', p)) for m, p, *_ in CLASS_ROUTES}
    assert walked | WALKED_ELSEWHERE == documented


@pytest.mark.parametrize('method,template,body,owner_status,owner_only', CLASS_ROUTES,
                         ids=['%s %s' % (r[0], r[1]) for r in CLASS_ROUTES])
def test_every_class_route_is_closed_to_strangers(server, walk, method, template, body, owner_status, owner_only):
    path = template.format(code=walk['code'], student=walk['student']['id'], assignment=walk['assignment'],
                           regrade=walk['regrade'])

    def body_for(who):
        if body == '{assignment}':
            return WALK_ASSIGNMENT
        if body is None:
            return None
        return json.loads(json.dumps(body).replace('{co}', walk['co']['id']).replace('{who}', who))
    for token in (None, 'not-a-token', walk['gone']['token'], walk['student']['token']):
        status, problem, headers = call(server, method, path, body_for('stranger'), token)
        assert status == 401, (token, status, problem)
        assert headers['WWW-Authenticate'] == 'Bearer'
    status, problem, _ = call(server, method, path, body_for('other'), walk['other']['token'])
    assert status == 403, problem
    assert problem['title'] == 'Forbidden'
    # The class's code in any case opens it to no stranger either.
    lower = path.replace(walk['code'], walk['code'].lower())
    assert call(server, method, lower, body_for('other'), walk['other']['token'])[0] == 403
    for who in ('owner', 'co'):
        expected = 403 if (owner_only and who == 'co') else owner_status
        assert call(server, method, path, body_for(who), walk[who]['token'])[0] == expected, who
    assert call(server, method, path, body_for('admin'), TEACHER_TOKEN)[0] == owner_status
    # An unknown class is 404 for anyone with a teacher's token.
    unknown = path.replace(walk['code'], 'ZZZZZZ')
    assert call(server, method, unknown, body_for('other'), walk['other']['token'])[0] == 404


# ---------------------------------------------------------------------------------------------------------------
# Roster and attempts

@pytest.fixture(scope='module')
def roster_class(server):
    teacher = new_teacher(server, 'Roster T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Roster'}, teacher['token'], 201)['code']
    return teacher, code


def test_a_removed_student_leaves_results_keeps_attempts_and_loses_their_token(server, roster_class):
    teacher, code = roster_class
    (qid, right, wrong), = choice_questions(1)
    ada, bob = join(server, code, 'Ada R'), join(server, code, 'Bob R')
    for student in (ada, bob):
        assert attempt(server, qid, {'choices': [right]}, student['token'])[0] == 200
    roster = ok(server, 'GET', '/api/v1/classes/%s/students' % code, token=teacher['token'])['students']
    assert roster == [{'id': ada['id'], 'name': 'Ada R', 'removed': False, 'pending': False},
                      {'id': bob['id'], 'name': 'Bob R', 'removed': False, 'pending': False}]

    assert call(server, 'DELETE', '/api/v1/classes/%s/students/%s' % (code, bob['id']), token=teacher['token'])[0] == 204
    assert call(server, 'GET', '/api/v1/me/attempts', token=bob['token'])[0] == 401
    assert attempt(server, qid, {'choices': [right]}, bob['token'])[0] == 401
    roster = ok(server, 'GET', '/api/v1/classes/%s/students' % code, token=teacher['token'])['students']
    assert {'id': bob['id'], 'name': 'Bob R', 'removed': True, 'pending': False} in roster
    results = ok(server, 'GET', '/api/v1/classes/%s/results' % code, token=teacher['token'])
    assert [s['name'] for s in results['students']] == ['Ada R']
    _, csv, _ = call(server, 'GET', '/api/v1/classes/%s/results.csv' % code, token=teacher['token'])
    assert b'Bob R' not in csv and b'Ada R' in csv
    kept = ok(server, 'GET', '/api/v1/classes/%s/students/%s/attempts' % (code, bob['id']), token=teacher['token'])
    assert len(kept['attempts']) == 1
    # Unknown students, and students of another class, are 404 on every student route.
    other_code = ok(server, 'POST', '/api/v1/classes', {'name': 'Other'}, teacher['token'], 201)['code']
    stranger = join(server, other_code, 'Stranger')
    for student_id in ('no-such-student', stranger['id']):
        for method, suffix in (('DELETE', ''), ('POST', '/readmit'), ('GET', '/attempts')):
            path = '/api/v1/classes/%s/students/%s%s' % (code, student_id, suffix)
            assert call(server, method, path, token=teacher['token'])[0] == 404, path


def test_a_readmission_code_gives_a_new_token_once(server, roster_class):
    teacher, code = roster_class
    cleo = join(server, code, 'Cleo R')
    assert call(server, 'DELETE', '/api/v1/classes/%s/students/%s' % (code, cleo['id']), token=teacher['token'])[0] == 204
    readmit = ok(server, 'POST', '/api/v1/classes/%s/students/%s/readmit' % (code, cleo['id']),
                 token=teacher['token'], expect=201)
    assert set(readmit) == {'code', 'expires_at'}
    assert re.fullmatch(r'[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}', readmit['code'])
    expires = datetime.datetime.fromisoformat(readmit['expires_at'].replace('Z', '+00:00'))
    hours = (expires - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 3600
    assert 23.9 < hours <= 24

    # Case and the dash do not matter; the answer is the same student with a new token.
    back = ok(server, 'POST', '/api/v1/students/readmit', {'code': readmit['code'].lower().replace('-', '')})
    assert {k: back[k] for k in ('id', 'name', 'class')} == {'id': cleo['id'], 'name': 'Cleo R', 'class': code}
    assert back['token'] != cleo['token']
    assert call(server, 'GET', '/api/v1/me/attempts', token=cleo['token'])[0] == 401
    assert ok(server, 'GET', '/api/v1/me/attempts', token=back['token'])['student']['id'] == cleo['id']
    roster = ok(server, 'GET', '/api/v1/classes/%s/students' % code, token=teacher['token'])['students']
    assert {'id': cleo['id'], 'name': 'Cleo R', 'removed': False, 'pending': False} in roster

    status, problem, _ = call(server, 'POST', '/api/v1/students/readmit', {'code': readmit['code']})
    assert status == 409 and 'used' in problem['detail']
    status, problem, _ = call(server, 'POST', '/api/v1/students/readmit', {'code': 'ABCDE-FGHJK'})
    assert status == 404
    status, problem, _ = call(server, 'POST', '/api/v1/students/readmit', {'code': 'short'})
    assert status == 400 and problem['detail'].startswith('Field "code"')
    assert call(server, 'POST', '/api/v1/students/readmit', {})[0] == 400

    # A student who was never removed may be readmitted too (a lost token): the old token stops working.
    dan = join(server, code, 'Dan R')
    again = ok(server, 'POST', '/api/v1/classes/%s/students/%s/readmit' % (code, dan['id']), token=teacher['token'],
               expect=201)
    fresh = ok(server, 'POST', '/api/v1/students/readmit', {'code': again['code']})
    assert call(server, 'GET', '/api/v1/me/attempts', token=dan['token'])[0] == 401
    assert call(server, 'GET', '/api/v1/me/attempts', token=fresh['token'])[0] == 200

    # Removing a student voids the codes handed out before.
    late = ok(server, 'POST', '/api/v1/classes/%s/students/%s/readmit' % (code, dan['id']), token=teacher['token'],
              expect=201)
    assert call(server, 'DELETE', '/api/v1/classes/%s/students/%s' % (code, dan['id']), token=teacher['token'])[0] == 204
    assert call(server, 'POST', '/api/v1/students/readmit', {'code': late['code']})[0] == 409


def test_an_expired_readmission_code_is_gone(server, roster_class):
    teacher, code = roster_class
    eve = join(server, code, 'Eve R')
    # A code that expired a minute ago, written where the server keeps codes (as their hash).
    with sqlite3.connect(os.path.join(server.data_dir, 'quiz.sqlite'), timeout=10) as db:
        db.execute('INSERT INTO readmit_codes (code_hash, student_id, expires_at) VALUES (?, ?, ?)',
                   (hashlib.sha256(b'EXPRDCODE2').hexdigest(), eve['id'],
                    datetime.datetime.now().timestamp() - 60))
    status, problem, _ = call(server, 'POST', '/api/v1/students/readmit', {'code': 'EXPRD-CODE2'})
    assert status == 410 and 'expired' in problem['detail']
    assert call(server, 'GET', '/api/v1/me/attempts', token=eve['token'])[0] == 200


def test_the_teacher_sees_each_attempt_as_sent_with_its_tasks(server, roster_class):
    teacher, code = roster_class
    (qid, right, wrong), = choice_questions(1)
    output_q = next(q for q in bank() if q['kind'] == 'predict_output')
    fay = join(server, code, 'Fay R')
    assert attempt(server, qid, {'choices': [wrong]}, fay['token'])[0] == 200
    assert attempt(server, output_q['id'], {'output': 'a guess\n'}, fay['token'])[0] == 200
    status, graded, _ = attempt(server, 'code-fetch-all', {'code': GOOD_FETCH_ALL}, fay['token'])
    assert status == 200 and graded['verdict'] == 'passed'

    path = '/api/v1/classes/%s/students/%s/attempts' % (code, fay['id'])
    attempts = ok(server, 'GET', path, token=teacher['token'])['attempts']
    assert [a['question'] for a in attempts] == ['code-fetch-all', output_q['id'], qid]
    assert attempts[0]['answer'] == {'code': GOOD_FETCH_ALL}
    assert attempts[1]['answer'] == {'output': 'a guess\n'}
    assert attempts[2]['answer'] == {'choices': [wrong]}
    assert attempts[2]['verdict'] == 'failed' and attempts[2]['score'] == 0
    assert attempts[0]['tasks'] == graded['tasks']     # status, message, elapsed and trace, as graded
    assert all({'name', 'status', 'message'} <= set(t) for t in attempts[0]['tasks'])
    assert any(t.get('trace') for t in attempts[0]['tasks'])
    assert all('late' not in a for a in attempts)
    assert ids_descending(attempts)
    only = ok(server, 'GET', path + '?question=' + qid, token=teacher['token'])['attempts']
    assert [a['id'] for a in only] == [attempts[2]['id']]
    assert ok(server, 'GET', path + '?question=nothing-like-it', token=teacher['token'])['attempts'] == []
    # The student's own history keeps its shape: name and status per task.
    mine = ok(server, 'GET', '/api/v1/me/attempts', token=fay['token'])['attempts']
    assert all(set(t) == {'name', 'status'} for t in mine[0]['tasks'])


def ids_descending(attempts):
    ids = [a['id'] for a in attempts]
    return ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)


# ---------------------------------------------------------------------------------------------------------------
# Assignments

@pytest.fixture(scope='module')
def assignment_class(server):
    teacher = new_teacher(server, 'Assign T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Assignments'}, teacher['token'], 201)['code']
    return teacher, code


def create_assignment(server, teacher, code, expect=201, **fields):
    body = {'title': 'Week', 'questions': ['code-fetch-all'], 'opens_at': rfc3339(-3600), 'due_at': rfc3339(3600)}
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    return call(server, 'POST', '/api/v1/classes/%s/assignments' % code, body, teacher['token'])


@pytest.mark.parametrize('fields,field', [
    ({'title': None}, 'title'),
    ({'title': '  '}, 'title'),
    ({'questions': []}, 'questions'),
    ({'questions': ['code-fetch-all', 'no-such-question']}, 'questions[1]'),
    ({'questions': ['code-fetch-all', 'code-fetch-all']}, 'questions[1]'),
    ({'questions': 'code-fetch-all'}, 'questions'),
    ({'opens_at': '2026-03-01T09:00:00'}, 'opens_at'),
    ({'opens_at': 'next tuesday'}, 'opens_at'),
    ({'due_at': '2026-13-01T09:00:00Z'}, 'due_at'),
    ({'opens_at': '2026-03-02T09:00:00Z', 'due_at': '2026-03-02T10:00:00+02:00'}, 'due_at'),
    ({'max_attempts': 0}, 'max_attempts'),
    ({'max_attempts': 'three'}, 'max_attempts'),
    ({'counts': 'worst'}, 'counts'),
    ({'key': 'never'}, 'key'),
])
def test_an_invalid_assignment_is_refused_naming_the_field(server, assignment_class, fields, field):
    teacher, code = assignment_class
    status, problem, _ = create_assignment(server, teacher, code, **fields)
    assert status == 400, problem
    assert '"%s"' % field in problem['detail'], problem['detail']


def test_an_assignment_echoes_its_fields_with_defaults_and_is_listed(server, assignment_class):
    teacher, code = assignment_class
    status, made, _ = create_assignment(server, teacher, code, title='Defaults', opens_at='2020-03-01T09:00:00+01:00',
                                        due_at='2020-03-08T09:00:00.5Z')
    assert status == 201
    assert made == {'id': made['id'], 'title': 'Defaults', 'questions': ['code-fetch-all'],
                    'opens_at': '2020-03-01T09:00:00+01:00', 'due_at': '2020-03-08T09:00:00.5Z',
                    'counts': 'best', 'key': 'after_due'}
    status, full, _ = create_assignment(server, teacher, code, title='Full', max_attempts=3, counts='last', key='now',
                                        opens_at='2020-03-01T09:00:00Z', due_at='2020-03-02T09:00:00Z')
    assert status == 201 and full['max_attempts'] == 3 and full['counts'] == 'last' and full['key'] == 'now'
    listed = ok(server, 'GET', '/api/v1/classes/%s/assignments' % code, token=teacher['token'])['assignments']
    assert made in listed and full in listed
    status, problem, _ = call(server, 'GET', '/api/v1/classes/%s/assignments/nope/results' % code,
                              token=teacher['token'])
    assert status == 404


@pytest.fixture(scope='module')
def course(server):
    """A class with three assignments on three choice questions: one open (key after the due time, at most 2
    attempts), one past due (key after the due time, counts the first), one open with the key now."""
    teacher = new_teacher(server, 'Course T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Course'}, teacher['token'], 201)['code']
    (q_open, r_open, w_open), (q_past, r_past, w_past), (q_now, r_now, w_now) = choice_questions(3)
    open_one = create_assignment(server, teacher, code, title='Open', questions=[q_open], max_attempts=2)[1]
    past = create_assignment(server, teacher, code, title='Past', questions=[q_past], counts='first',
                             opens_at=rfc3339(-7200), due_at=rfc3339(-3600))[1]
    keyed = create_assignment(server, teacher, code, title='Keyed', questions=[q_now], key='now',
                              due_at=rfc3339(7200))[1]
    upcoming = create_assignment(server, teacher, code, title='Upcoming', questions=[q_now],
                                 opens_at=rfc3339(3600), due_at=rfc3339(7200), key='now')[1]
    return {'teacher': teacher, 'code': code, 'open': (open_one, q_open, r_open, w_open),
            'past': (past, q_past, r_past, w_past), 'now': (keyed, q_now, r_now, w_now), 'upcoming': upcoming}


def test_the_key_is_kept_back_until_the_due_time(server, course):
    _, q_open, right, wrong = course['open']
    student = join(server, course['code'], 'Key S')
    for token in (student['token'], None):          # the student, and anyone without a token
        status, result, headers = attempt(server, q_open, {'choices': [wrong]}, token)
        assert status == 200
        assert result['verdict'] == 'failed' and result['score'] == 0 and result['correct'] is False
        assert 'feedback' not in result and 'expected' not in result and result['explanation'] == ''
        assert 'X-Key-Hidden-Until' in headers
    # The key is given where the assignment says `now`, and once the due time has passed.
    _, q_now, right_now, _ = course['now']
    status, result, headers = attempt(server, q_now, {'choices': [right_now]}, student['token'])
    assert status == 200 and 'feedback' in result and result['explanation'] and 'X-Key-Hidden-Until' not in headers
    _, q_past, right_past, _ = course['past']
    status, result, headers = attempt(server, q_past, {'choices': [right_past]}, student['token'])
    assert status == 200 and any(f['correct'] for f in result['feedback'])


def test_attempts_past_max_attempts_get_409_and_are_not_recorded(server, course):
    _, q_open, right, wrong = course['open']
    student = join(server, course['code'], 'Limit S')
    assert attempt(server, q_open, {'choices': [wrong]}, student['token'])[0] == 200
    assert attempt(server, q_open, {'choices': [right]}, student['token'])[0] == 200
    status, problem, headers = attempt(server, q_open, {'choices': [right]}, student['token'])
    assert status == 409 and headers['Content-Type'] == 'application/problem+json'
    assert '2 attempts' in problem['detail']
    path = '/api/v1/classes/%s/students/%s/attempts' % (course['code'], student['id'])
    recorded = ok(server, 'GET', path, token=course['teacher']['token'])['attempts']
    assert len(recorded) == 2 and all(a['late'] is False for a in recorded)
    # Anyone else (another student, no token) is not limited by this student's count.
    assert attempt(server, q_open, {'choices': [right]}, None)[0] == 200


def test_late_attempts_are_recorded_as_late_and_counted_in_the_results(server, course):
    past, q_past, right, wrong = course['past']
    student = join(server, course['code'], 'Late S')
    on_time = join(server, course['code'], 'Other S')
    assert attempt(server, q_past, {'choices': [wrong]}, student['token'])[0] == 200
    assert attempt(server, q_past, {'choices': [right]}, student['token'])[0] == 200
    path = '/api/v1/classes/%s/students/%s/attempts' % (course['code'], student['id'])
    recorded = ok(server, 'GET', path, token=course['teacher']['token'])['attempts']
    assert [a['late'] for a in recorded] == [True, True]

    report = ok(server, 'GET', '/api/v1/classes/%s/assignments/%s/results' % (course['code'], past['id']),
                token=course['teacher']['token'])
    assert report['assignment'] == past and report['questions'] == [q_past]
    assert report['class']['code'] == course['code']
    rows = {row['name']: row for row in report['students']}
    cell = rows['Late S']['results'][q_past]
    # `counts: first`: the first attempt (wrong) counts; both came after the due time.
    assert cell == {'attempts': 2, 'best': 1, 'score': 0, 'last_verdict': 'passed', 'late': True, 'late_attempts': 2}
    assert rows['Late S']['total'] == 0
    assert rows['Other S']['results'] == {} and on_time['id'] == rows['Other S']['id']


def test_a_students_assignments_open_first_with_progress(server, course):
    student = join(server, course['code'], 'Mine S')
    _, q_now, right, _ = course['now']
    assert attempt(server, q_now, {'choices': [right]}, student['token'])[0] == 200
    mine = ok(server, 'GET', '/api/v1/me/assignments', token=student['token'])['assignments']
    assert [a['title'] for a in mine] == ['Open', 'Keyed', 'Upcoming', 'Past']
    assert [a['state'] for a in mine] == ['open', 'open', 'upcoming', 'closed']
    keyed = mine[1]
    assert keyed['id'] == course['now'][0]['id'] and keyed['done'] == 1 and keyed['total'] == 1
    assert mine[0]['done'] == 0 and mine[0]['questions'] == [course['open'][1]]
    assert set(keyed) == {'id', 'title', 'questions', 'opens_at', 'due_at', 'done', 'total', 'state'}
    assert call(server, 'GET', '/api/v1/me/assignments')[0] == 401
    assert call(server, 'GET', '/api/v1/me/assignments', token='nobody')[0] == 401
    assert call(server, 'GET', '/api/v1/me/assignments', token=course['teacher']['token'])[0] == 401


def test_a_teachers_token_on_an_attempt_is_answered_and_not_recorded(server):
    teacher = new_teacher(server, 'Trying T')
    (qid, right, _), = choice_questions(1)
    status, result, headers = attempt(server, qid, {'choices': [right]}, teacher['token'])
    assert status == 200 and result['verdict'] == 'passed'
    assert headers['X-Attempt-Recorded'] == 'false'
    assert call(server, 'GET', '/api/v1/me/attempts', token=teacher['token'])[0] == 401


# ---------------------------------------------------------------------------------------------------------------
# How students join: open, on approval, or only as the teacher adds them

def test_a_class_on_approval_lets_a_student_in_once_a_teacher_approves(server):
    teacher = new_teacher(server, 'Approval T')
    made = ok(server, 'POST', '/api/v1/classes', {'name': 'Vetted', 'joining': 'approval'}, teacher['token'], 201)
    code = made['code']
    assert made['joining'] == 'approval'
    assert ok(server, 'GET', '/api/v1/classes/' + code, token=teacher['token'])['joining'] == 'approval'
    (qid, right, _), = choice_questions(1)
    waiting = ok(server, 'POST', '/api/v1/students', {'name': 'Wanda', 'class': code}, None, 201)
    assert waiting['status'] == 'pending' and waiting['class'] == code
    # Until approved: the token is refused (403, saying why), and the student is in no results.
    status, problem, _ = attempt(server, qid, {'choices': [right]}, waiting['token'])
    assert status == 403 and 'approved' in problem['detail']
    assert call(server, 'GET', '/api/v1/me/attempts', token=waiting['token'])[0] == 403
    assert call(server, 'GET', '/api/v1/me/assignments', token=waiting['token'])[0] == 403
    roster = ok(server, 'GET', '/api/v1/classes/%s/students' % code, token=teacher['token'])['students']
    assert roster == [{'id': waiting['id'], 'name': 'Wanda', 'removed': False, 'pending': True}]
    assert ok(server, 'GET', '/api/v1/classes/%s/results' % code, token=teacher['token'])['students'] == []

    approve = '/api/v1/classes/%s/students/%s/approve' % (code, waiting['id'])
    assert call(server, 'POST', approve, token=teacher['token'])[0] == 204
    assert call(server, 'POST', approve, token=teacher['token'])[0] == 204          # again: nothing changes
    status, _, headers = attempt(server, qid, {'choices': [right]}, waiting['token'])
    assert status == 200 and headers['X-Attempt-Recorded'] == 'true'
    roster = ok(server, 'GET', '/api/v1/classes/%s/students' % code, token=teacher['token'])['students']
    assert roster == [{'id': waiting['id'], 'name': 'Wanda', 'removed': False, 'pending': False}]
    assert [s['name'] for s in ok(server, 'GET', '/api/v1/classes/%s/results' % code,
                                  token=teacher['token'])['students']] == ['Wanda']
    assert call(server, 'POST', '/api/v1/classes/%s/students/nobody/approve' % code, token=teacher['token'])[0] == 404
    # Rejecting is removing: the waiting token never works.
    other = ok(server, 'POST', '/api/v1/students', {'name': 'Xavier', 'class': code}, None, 201)
    assert call(server, 'DELETE', '/api/v1/classes/%s/students/%s' % (code, other['id']), token=teacher['token'])[0] == 204
    assert call(server, 'GET', '/api/v1/me/attempts', token=other['token'])[0] == 401
    # An open class's join answer has no status, as before.
    assert 'status' not in join(server, ok(server, 'POST', '/api/v1/classes', {'name': 'Open'}, teacher['token'],
                                           201)['code'], 'Yara')


def test_a_roster_class_takes_only_the_students_its_teacher_adds(server):
    teacher = new_teacher(server, 'Roster-only T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Closed', 'joining': 'roster'}, teacher['token'], 201)['code']
    status, problem, _ = call(server, 'POST', '/api/v1/students', {'name': 'Zed', 'class': code})
    assert status == 403 and 'adds you' in problem['detail']
    added = ok(server, 'POST', '/api/v1/classes/%s/students' % code, {'name': 'Zed'}, teacher['token'], 201)
    assert set(added) == {'id', 'name', 'code', 'expires_at'} and added['name'] == 'Zed'
    assert call(server, 'POST', '/api/v1/classes/%s/students' % code, {'name': 'zed'}, teacher['token'])[0] == 409
    assert call(server, 'POST', '/api/v1/classes/%s/students' % code, {'name': ''}, teacher['token'])[0] == 400
    roster = ok(server, 'GET', '/api/v1/classes/%s/students' % code, token=teacher['token'])['students']
    assert roster == [{'id': added['id'], 'name': 'Zed', 'removed': False, 'pending': False}]
    me = ok(server, 'POST', '/api/v1/students/readmit', {'code': added['code']})
    assert {k: me[k] for k in ('id', 'name', 'class')} == {'id': added['id'], 'name': 'Zed', 'class': code}
    (qid, right, _), = choice_questions(1)
    status, _, headers = attempt(server, qid, {'choices': [right]}, me['token'])
    assert status == 200 and headers['X-Attempt-Recorded'] == 'true'


def test_teachers_change_how_a_class_is_joined(server):
    teacher = new_teacher(server, 'Policy T')
    made = ok(server, 'POST', '/api/v1/classes', {'name': 'Changing'}, teacher['token'], 201)
    assert made['joining'] == 'open'
    code = made['code']
    path = '/api/v1/classes/' + code
    assert ok(server, 'PATCH', path, {'joining': 'roster'}, teacher['token']) == dict(made, joining='roster')
    assert call(server, 'POST', '/api/v1/students', {'name': 'Late', 'class': code})[0] == 403
    assert ok(server, 'PATCH', path, {'joining': 'open'}, teacher['token'])['joining'] == 'open'
    join(server, code, 'Late')
    status, problem, _ = call(server, 'PATCH', path, {'joining': 'sometimes'}, teacher['token'])
    assert status == 400 and problem['detail'].startswith('Field "joining"')
    status, problem, _ = call(server, 'POST', '/api/v1/classes', {'name': 'x', 'joining': 'maybe'}, teacher['token'])
    assert status == 400 and problem['detail'].startswith('Field "joining"')
