"""Hints taken by a student of a class are noted and shown to their teacher beside the score (`hints` in a results
cell); hints fetched without a token, or with a teacher's, are given and noted nowhere; an unknown token gets 401."""
import json
import os

from live_server import REPO, TEACHER_TOKEN
from live_server import server  # noqa: F401 - `server` is a fixture
from test_classroom import call, join, new_teacher, ok


def hinted_question():
    with open(os.path.join(REPO, 'questions.json')) as f:
        bank = json.load(f)['questions']
    found = [q for q in bank if len(q.get('hints') or []) >= 2 and q['kind'] == 'code']
    assert found, 'the bank has no code question with two hints'
    return found[0]


def hint(server, question, n, token=None):
    return call(server, 'GET', '/api/v1/questions/%s/hints/%d' % (question, n), token=token)


def test_a_students_hints_show_in_their_teachers_results(server):
    question = hinted_question()
    teacher = new_teacher(server, 'Hints T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Hints'}, teacher['token'], 201)['code']
    ada, bob = join(server, code, 'Ada Hints'), join(server, code, 'Bob Hints')
    # Ada takes two hints (the first twice), then answers; Bob answers with none.
    for n in (1, 1, 2):
        status, body, _ = hint(server, question['id'], n, ada['token'])
        assert status == 200 and body['n'] == n
    for student in (ada, bob):
        status, _, _ = call(server, 'POST', '/api/v1/questions/%s/attempts' % question['id'], {'code': 'x = 1'},
                            student['token'])
        assert status == 200
    # Without a token, or with the teacher's, the hint is given and noted nowhere.
    assert hint(server, question['id'], 3 if len(question['hints']) >= 3 else 2)[0] == 200
    assert hint(server, question['id'], 1, teacher['token'])[0] == 200
    assert hint(server, question['id'], 1, TEACHER_TOKEN)[0] == 200

    results = ok(server, 'GET', '/api/v1/classes/%s/results' % code, token=teacher['token'])
    cells = {s['name']: s['results'][question['id']] for s in results['students']}
    assert cells['Ada Hints']['hints'] == 2
    assert 'hints' not in cells['Bob Hints']


def test_an_unknown_token_on_a_hint_is_401_and_an_unknown_hint_404(server):
    question = hinted_question()
    status, problem, _ = hint(server, question['id'], 1, 'not-a-token')
    assert status == 401 and problem['status'] == 401
    assert hint(server, question['id'], len(question['hints']) + 1)[0] == 404
    assert hint(server, 'no-such-question', 1)[0] == 404
