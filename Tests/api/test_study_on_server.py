"""A class student's study record lives on the server: the browser hands its own record over once (409 after), each
review adds an answer and sets the question's card (the newer card wins), and the record reads back the same from
any client. Only a student's token opens it."""
from live_server import TEACHER_TOKEN
from live_server import server  # noqa: F401 - `server` is a fixture
from test_classroom import call, join, ok


def card(question, last, due, stability=3.2):
    return {'card_id': 1, 'state': 2, 'step': None, 'stability': stability, 'difficulty': 5.1, 'due': due,
            'last_review': last}


def answer(question, at, rating=3, score=1):
    return {'question': question, 'topic': 'tasks', 'kind': 'single_choice', 'difficulty': 2, 'verdict': 'passed',
            'score': score, 'hints': 0, 'rating': rating, 'at': at}


def test_the_browser_record_moves_once_and_reviews_follow_the_student(server):
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Study'}, TEACHER_TOKEN, 201)['code']
    ada = join(server, code, 'Ada Study')
    token = ada['token']
    empty = ok(server, 'GET', '/api/v1/me/study', token=token)
    assert empty == {'cards': {}, 'attempts': [], 'handed_over_at': None}

    browser = {'cards': {'q1': card('q1', '2026-11-20T10:00:00.000Z', '2026-11-23T10:00:00.000Z'),
                         'q2': card('q2', '2026-11-21T10:00:00Z', '2026-11-22T10:00:00Z')},
               'attempts': [answer('q1', '2026-11-20T10:00:00.000Z'), answer('q2', '2026-11-21T10:00:00Z', 1, 0)]}
    assert ok(server, 'POST', '/api/v1/me/study/handover', browser, token, 201) == {'cards': 2, 'attempts': 2}
    status, problem, _ = call(server, 'POST', '/api/v1/me/study/handover', browser, token)
    assert status == 409 and 'once' in problem['detail']

    # A review on another device: its answer is added and its card replaces the older one.
    newer = card('q2', '2026-11-30T09:00:00Z', '2026-12-09T09:00:00Z', stability=9.5)
    assert call(server, 'POST', '/api/v1/me/study/reviews',
                {'question': 'q2', 'card': newer, 'answer': answer('q2', '2026-11-30T09:00:00Z')}, token)[0] == 204
    # An older card sent late never undoes it.
    stale = card('q2', '2026-11-25T09:00:00Z', '2026-11-26T09:00:00Z', stability=1.0)
    assert call(server, 'POST', '/api/v1/me/study/reviews',
                {'question': 'q2', 'card': stale, 'answer': answer('q2', '2026-11-25T09:00:00Z', 1, 0)}, token)[0] == 204
    record = ok(server, 'GET', '/api/v1/me/study', token=token)
    assert record['cards']['q2'] == newer and record['cards']['q1'] == browser['cards']['q1']
    assert [a['at'] for a in record['attempts']] == ['2026-11-20T10:00:00.000Z', '2026-11-21T10:00:00Z',
                                                     '2026-11-25T09:00:00Z', '2026-11-30T09:00:00Z']
    assert record['handed_over_at'] is not None

    # Another student's record is theirs alone.
    bob = join(server, code, 'Bob Study')
    assert ok(server, 'GET', '/api/v1/me/study', token=bob['token'])['cards'] == {}


def test_only_a_students_token_opens_a_study_record_and_bad_input_is_400(server):
    for token in (None, 'not-a-token'):
        assert call(server, 'GET', '/api/v1/me/study', token=token)[0] == 401
    # A teacher is not a student.
    assert call(server, 'GET', '/api/v1/me/study', token=TEACHER_TOKEN)[0] == 401
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Study bad'}, TEACHER_TOKEN, 201)['code']
    token = join(server, code, 'Cleo Study')['token']
    good = card('q', '2026-11-20T10:00:00Z', '2026-11-21T10:00:00Z')
    for body, field in (({'question': 'q', 'card': dict(good, due='soon'), 'answer': answer('q', good['due'])},
                         'card.due'),
                        ({'question': 'q', 'card': [1], 'answer': answer('q', good['due'])}, 'card'),
                        ({'question': 'q', 'card': good, 'answer': {'at': good['due']}}, 'answer.question'),
                        ({'question': '', 'card': good, 'answer': answer('q', good['due'])}, 'question')):
        status, problem, _ = call(server, 'POST', '/api/v1/me/study/reviews', body, token)
        assert status == 400 and '"%s"' % field in problem['detail'], (field, problem)
    status, problem, _ = call(server, 'POST', '/api/v1/me/study/handover', {'cards': {}, 'attempts': 'x'}, token)
    assert status == 400
