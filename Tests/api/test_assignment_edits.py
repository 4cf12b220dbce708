"""A teacher changes or deletes an assignment, live: `PUT` gives it new terms (a later due time, another attempt
limit, a question more) and `DELETE` removes it. The students' attempts always stay; their `late` marks follow the
new times in the same transaction, as the teacher's views and the assignment's results show."""
import pytest

from live_server import server  # noqa: F401 - `server` is a fixture
from test_classroom import attempt, call, choice_questions, create_assignment, join, new_teacher, ok, rfc3339


def body(questions, **fields):
    out = {'title': 'Week 1', 'questions': questions, 'opens_at': rfc3339(-7200), 'due_at': rfc3339(-3600)}
    out.update(fields)
    return out


def marks(server, teacher, code, student):
    """The `late` mark of each of the student's attempts, oldest first, as the teacher's attempt view shows it."""
    listed = ok(server, 'GET', '/api/v1/classes/%s/students/%s/attempts' % (code, student['id']),
                token=teacher['token'])['attempts']
    return [a.get('late') for a in reversed(listed)]


@pytest.fixture
def week(server):
    teacher = new_teacher(server, 'Editor T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Edited'}, teacher['token'], 201)['code']
    (first, right, wrong), (second, right2, _) = choice_questions(2)
    # Opened two hours ago, due an hour ago: every attempt is late.
    assignment = ok(server, 'POST', '/api/v1/classes/%s/assignments' % code, body([first]), teacher['token'], 201)
    ada = join(server, code, 'Ada')
    for choice in (wrong, right):
        status, _, _ = attempt(server, first, {'choices': [choice]}, ada['token'])
        assert status == 200
    status, _, _ = attempt(server, second, {'choices': [right2]}, ada['token'])
    assert status == 200
    return {'teacher': teacher, 'code': code, 'ada': ada, 'first': first, 'second': second, 'wrong': wrong,
            'assignment': assignment}


def put(server, week, expect=200, **fields):
    path = '/api/v1/classes/%s/assignments/%s' % (week['code'], week['assignment']['id'])
    terms = body([week['first']])
    terms.update(fields)
    return ok(server, 'PUT', path, terms, week['teacher']['token'], expect)


def test_a_later_due_time_makes_the_attempts_made_before_it_on_time_and_back(server, week):
    assert marks(server, week['teacher'], week['code'], week['ada']) == [True, True, None]
    due = rfc3339(3600)
    changed = put(server, week, due_at=due)
    assert changed['id'] == week['assignment']['id']
    assert changed['due_at'] == due and changed['title'] == 'Week 1'
    assert marks(server, week['teacher'], week['code'], week['ada']) == [False, False, None]
    results = ok(server, 'GET', '/api/v1/classes/%s/assignments/%s/results' % (week['code'], changed['id']),
                 token=week['teacher']['token'])
    cell = results['students'][0]['results'][week['first']]
    assert cell['late'] is False and cell['late_attempts'] == 0 and cell['attempts'] == 2
    # Due an hour ago again: late again.
    put(server, week)
    assert marks(server, week['teacher'], week['code'], week['ada']) == [True, True, None]


def test_a_question_added_to_the_assignment_marks_the_attempts_made_since_it_opened(server, week):
    put(server, week, questions=[week['first'], week['second']])
    assert marks(server, week['teacher'], week['code'], week['ada']) == [True, True, True]
    listed = ok(server, 'GET', '/api/v1/classes/%s/assignments' % week['code'], token=week['teacher']['token'])
    assert listed['assignments'][0]['questions'] == [week['first'], week['second']]
    # An opening time after every attempt: none of them was on the assignment.
    put(server, week, opens_at=rfc3339(1800), due_at=rfc3339(3600))
    assert marks(server, week['teacher'], week['code'], week['ada']) == [None, None, None]


def test_a_new_attempt_limit_holds_for_the_next_attempt(server, week):
    put(server, week, due_at=rfc3339(3600), max_attempts=2)
    status, problem, _ = attempt(server, week['first'], {'choices': [week['wrong']]}, week['ada']['token'])
    assert status == 409, problem
    put(server, week, due_at=rfc3339(3600), max_attempts=3)
    status, _, _ = attempt(server, week['first'], {'choices': [week['wrong']]}, week['ada']['token'])
    assert status == 200


def test_deleting_an_assignment_keeps_every_attempt_and_clears_their_marks(server, week):
    path = '/api/v1/classes/%s/assignments/%s' % (week['code'], week['assignment']['id'])
    status, _, _ = call(server, 'DELETE', path, token=week['teacher']['token'])
    assert status == 204
    assert marks(server, week['teacher'], week['code'], week['ada']) == [None, None, None]
    assert ok(server, 'GET', '/api/v1/classes/%s/assignments' % week['code'],
              token=week['teacher']['token'])['assignments'] == []
    assert ok(server, 'GET', '/api/v1/me/assignments', token=week['ada']['token'])['assignments'] == []
    status, problem, _ = call(server, 'GET', path + '/results', token=week['teacher']['token'])
    assert status == 404, problem
    results = ok(server, 'GET', '/api/v1/classes/%s/results' % week['code'], token=week['teacher']['token'])
    assert results['students'][0]['results'][week['first']]['attempts'] == 2
    # Gone is gone: a second delete and a change are 404.
    assert call(server, 'DELETE', path, token=week['teacher']['token'])[0] == 404
    assert call(server, 'PUT', path, body([week['first']]), week['teacher']['token'])[0] == 404


def test_only_the_classes_teachers_change_or_delete_its_assignments(server, week):
    path = '/api/v1/classes/%s/assignments/%s' % (week['code'], week['assignment']['id'])
    stranger = new_teacher(server, 'Stranger T')
    for method, payload in (('PUT', body([week['first']])), ('DELETE', None)):
        for token, expected in ((None, 401), ('not-a-token', 401), (week['ada']['token'], 401),
                                (stranger['token'], 403)):
            status, problem, _ = call(server, method, path, payload, token)
            assert status == expected, (method, token, problem)
            assert problem['status'] == expected
    assert marks(server, week['teacher'], week['code'], week['ada']) == [True, True, None], 'nothing changed'


@pytest.mark.parametrize('fields,field', [
    ({'title': ' '}, 'title'),
    ({'questions': []}, 'questions'),
    ({'questions': ['no-such-question']}, 'questions[0]'),
    ({'due_at': 'tomorrow'}, 'due_at'),
    ({'max_attempts': 0}, 'max_attempts'),
    ({'counts': 'median'}, 'counts'),
    ({'time_limit_minutes': 0}, 'time_limit_minutes'),
])
def test_new_terms_are_checked_as_a_new_assignments_are_and_a_refusal_changes_nothing(server, week, fields, field):
    problem = put(server, week, expect=400, **fields)
    assert field in problem['detail']
    listed = ok(server, 'GET', '/api/v1/classes/%s/assignments' % week['code'], token=week['teacher']['token'])
    assert listed['assignments'][0]['questions'] == [week['first']]
    assert marks(server, week['teacher'], week['code'], week['ada']) == [True, True, None]


def test_an_unknown_assignment_is_404(server, week):
    path = '/api/v1/classes/%s/assignments/no-such-assignment' % week['code']
    assert call(server, 'PUT', path, body([week['first']]), week['teacher']['token'])[0] == 404
    assert call(server, 'DELETE', path, token=week['teacher']['token'])[0] == 404
    # Another class's assignment is not reachable through this class.
    other = ok(server, 'POST', '/api/v1/classes', {'name': 'Other'}, week['teacher']['token'], 201)['code']
    status, _, _ = create_assignment(server, week['teacher'], other)
    assert status == 201
    wrong_class = '/api/v1/classes/%s/assignments/%s' % (other, week['assignment']['id'])
    assert call(server, 'DELETE', wrong_class, token=week['teacher']['token'])[0] == 404
