"""The teacher's tools on two instances sharing one PostgreSQL (see conftest.py): a bank uploaded, replaced or
deleted on one instance is served so by the other without a restart; item analysis and a class's export agree
whichever instance answers; a class deleted on one is gone on the other, with nothing of it left in any table; a
regrade started on one instance that is then killed (kill -9) is finished by the other, with no attempt regraded
twice."""
import json
import uuid

from conftest import TEACHER_TOKEN, bearer, question_answers, wait_for

ANSWERS = question_answers()


def call(target, method, path, body=None, token=TEACHER_TOKEN):
    status, headers, raw = target.request(method, path, body, bearer(token) if token else {})
    kind = headers.get('Content-Type', '')
    return status, (json.loads(raw) if raw and 'json' in kind else raw)


def ok(target, method, path, body=None, token=TEACHER_TOKEN, expect=200):
    status, payload = call(target, method, path, body, token)
    assert status == expect, (method, path, status, payload)
    return payload


def choice_bank(title, suffix):
    return {'questions': [{
        'id': 'cluster-choice-' + suffix, 'topic': 'awaitables', 'kind': 'single_choice', 'title': title,
        'difficulty': 1, 'prompt': 'Can `await 3` run?', 'explanation': 'An int is not awaitable.',
        'choices': [
            {'id': 'a', 'text': 'Yes', 'correct': False, 'feedback': 'An int has no `__await__`.'},
            {'id': 'b', 'text': 'No, TypeError', 'correct': True, 'feedback': 'Right: it is not awaitable.'},
        ],
    }]}


def listed_titles(target, code, student):
    status, body = call(target, 'GET', '/api/v1/questions?class=' + code, token=student['token'])
    assert status == 200, body
    return {q['id']: q['title'] for q in body['questions']}


def test_a_bank_changed_on_one_instance_is_served_so_by_the_other(cluster):
    a, b = cluster.instances
    teacher = ok(a, 'POST', '/api/v1/teachers', {'name': 'Banks ' + uuid.uuid4().hex[:6]}, expect=201)
    code = ok(a, 'POST', '/api/v1/classes', {'name': 'Banks'}, teacher['token'], expect=201)['code']
    student = cluster.new_student(code, via=a)
    suffix = uuid.uuid4().hex[:6]
    bank = ok(a, 'POST', '/api/v1/banks', choice_bank('First title', suffix), teacher['token'], expect=201)
    qid = bank['questions'][0]
    # b learns of it from PostgreSQL (LISTEN/NOTIFY), within moments and without a restart.
    wait_for(lambda: listed_titles(b, code, student).get(qid) == 'First title', 10, 'b serving the new bank')
    status, result = call(b, 'POST', '/api/v1/questions/%s/attempts' % qid, {'choices': ['b']}, student['token'])
    assert status == 200 and result['verdict'] == 'passed'
    assert [x['id'] for x in ok(b, 'GET', '/api/v1/banks', token=teacher['token'])['banks']] == [bank['id']]

    # Replaced on b: a serves the new title.
    ok(b, 'PUT', '/api/v1/banks/' + bank['id'], choice_bank('Second title', suffix), teacher['token'])
    wait_for(lambda: listed_titles(a, code, student).get(qid) == 'Second title', 10, 'a serving the replaced bank')

    # Deleted on a: b no longer serves the question (the attempt on it stays recorded).
    assert call(a, 'DELETE', '/api/v1/banks/' + bank['id'], token=teacher['token'])[0] == 204
    wait_for(lambda: qid not in listed_titles(b, code, student), 10, 'b dropping the deleted bank')
    assert call(b, 'GET', '/api/v1/questions/' + qid, token=student['token'])[0] == 404
    assert [x['question'] for x in cluster.attempts_of(student, via=b)] == [qid]
