"""An assignment's time limit from first opening, on the live server and its real clock: the field is kept and
checked, the student starts the clock once (idempotent, also when starts race), an attempt on one of its questions
starts it too, and the student's own end is the earlier of the due time and the start plus the limit.

Attempts after a student's own end are marked late: that rule needs a clock that has moved on, so it is tested in
process with the clock injected (Tests/QuizServerTests/TimeLimitTests.swift), never here by sleeping."""
import datetime
import threading

import pytest

from live_server import server  # noqa: F401 - `server` is a fixture
from test_classroom import call, choice_questions, create_assignment, join, new_teacher, ok, rfc3339


def moment(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


def start(server, assignment, token, expect=200):
    return ok(server, 'POST', '/api/v1/me/assignments/%s/start' % assignment, None, token, expect)


def mine(server, token, assignment):
    return next(a for a in ok(server, 'GET', '/api/v1/me/assignments', token=token)['assignments']
                if a['id'] == assignment)


@pytest.fixture(scope='module')
def timed(server):
    teacher = new_teacher(server, 'Timer T')
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Timed'}, teacher['token'], 201)['code']
    (question, right, _), = choice_questions(1)
    status, assignment, _ = create_assignment(server, teacher, code, questions=[question], time_limit_minutes=45,
                                              due_at=rfc3339(3 * 3600))
    assert status == 201, assignment
    return {'teacher': teacher, 'code': code, 'question': question, 'right': right, 'assignment': assignment}


def test_the_time_limit_is_kept_and_shown_to_teacher_and_student(server, timed):
    assert timed['assignment']['time_limit_minutes'] == 45
    listed = ok(server, 'GET', '/api/v1/classes/%s/assignments' % timed['code'], token=timed['teacher']['token'])
    assert [a['time_limit_minutes'] for a in listed['assignments']] == [45]
    ada = join(server, timed['code'], 'Ada')
    entry = mine(server, ada['token'], timed['assignment']['id'])
    assert entry['time_limit_minutes'] == 45
    assert 'started_at' not in entry and 'ends_at' not in entry, 'not started before the student opens it'
    # Without a limit, the field is absent.
    status, plain, _ = create_assignment(server, timed['teacher'], timed['code'])
    assert status == 201 and 'time_limit_minutes' not in plain


@pytest.mark.parametrize('value', [0, 1441, -5, '30', True])
def test_a_time_limit_out_of_range_or_not_whole_minutes_is_refused_naming_the_field(server, timed, value):
    status, problem, _ = create_assignment(server, timed['teacher'], timed['code'], time_limit_minutes=value)
    assert status == 400, problem
    assert 'time_limit_minutes' in problem['detail']


def test_starting_is_idempotent_and_the_end_is_the_start_plus_the_limit(server, timed):
    bob = join(server, timed['code'], 'Bob')
    before = datetime.datetime.now(datetime.timezone.utc)
    first = start(server, timed['assignment']['id'], bob['token'])
    after = datetime.datetime.now(datetime.timezone.utc)
    assert set(first) == {'id', 'time_limit_minutes', 'started_at', 'ends_at', 'due_at'}
    started = moment(first['started_at'])
    # The server's clock and this one agree to within a second or so on this machine.
    assert before - datetime.timedelta(seconds=2) <= started <= after + datetime.timedelta(seconds=2)
    assert moment(first['ends_at']) - started == datetime.timedelta(minutes=45)
    assert first['due_at'] == timed['assignment']['due_at']
    again = start(server, timed['assignment']['id'], bob['token'])
    assert again == first, 'starting again gives the first start back'
    entry = mine(server, bob['token'], timed['assignment']['id'])
    assert (entry['started_at'], entry['ends_at']) == (first['started_at'], first['ends_at'])


def test_starts_racing_on_one_student_get_one_start(server, timed):
    cleo = join(server, timed['code'], 'Cleo')
    answers = []

    def go():
        answers.append(call(server, 'POST', '/api/v1/me/assignments/%s/start' % timed['assignment']['id'],
                            None, cleo['token'])[:2])
    threads = [threading.Thread(target=go) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200] * 8
    assert len({body['started_at'] for _, body in answers}) == 1


def test_the_first_attempt_on_one_of_its_questions_starts_the_clock(server, timed):
    dan = join(server, timed['code'], 'Dan')
    status, result, headers = call(server, 'POST', '/api/v1/questions/%s/attempts' % timed['question'],
                                   {'choices': [timed['right']]}, dan['token'])
    assert status == 200 and headers['X-Attempt-Recorded'] == 'true', result
    entry = mine(server, dan['token'], timed['assignment']['id'])
    assert moment(entry['ends_at']) - moment(entry['started_at']) == datetime.timedelta(minutes=45)
    # Opening it afterwards finds that start.
    assert start(server, timed['assignment']['id'], dan['token'])['started_at'] == entry['started_at']
    # The attempt was on time: not late in the student's attempts nor in the assignment's results.
    seen = ok(server, 'GET', '/api/v1/classes/%s/students/%s/attempts' % (timed['code'], dan['id']),
              token=timed['teacher']['token'])['attempts']
    assert [a['late'] for a in seen] == [False]
    report = ok(server, 'GET', '/api/v1/classes/%s/assignments/%s/results' % (timed['code'], timed['assignment']['id']),
                token=timed['teacher']['token'])
    cell = next(s for s in report['students'] if s['id'] == dan['id'])['results'][timed['question']]
    assert cell['late'] is False and cell['late_attempts'] == 0


def test_the_due_time_caps_the_limit(server, timed):
    status, soon, _ = create_assignment(server, timed['teacher'], timed['code'], time_limit_minutes=45,
                                        due_at=rfc3339(600))
    assert status == 201
    eve = join(server, timed['code'], 'Eve')
    started = start(server, soon['id'], eve['token'])
    assert moment(started['ends_at']) == moment(soon['due_at'])


def test_start_answers_401_404_and_409_precisely(server, timed):
    path = '/api/v1/me/assignments/%s/start' % timed['assignment']['id']
    status, problem, headers = call(server, 'POST', path, None, None)
    assert status == 401 and problem['status'] == 401
    assert call(server, 'POST', path, None, 'not-a-token')[0] == 401
    # The teacher's token is not a student's.
    assert call(server, 'POST', path, None, timed['teacher']['token'])[0] == 401
    fay = join(server, timed['code'], 'Fay')
    assert call(server, 'POST', '/api/v1/me/assignments/nope/start', None, fay['token'])[0] == 404
    # Another class's assignment is not found from this one.
    other_teacher = new_teacher(server, 'Other Timer')
    other = ok(server, 'POST', '/api/v1/classes', {'name': 'Other'}, other_teacher['token'], 201)['code']
    status, elsewhere, _ = create_assignment(server, other_teacher, other, time_limit_minutes=5)
    assert status == 201
    assert call(server, 'POST', '/api/v1/me/assignments/%s/start' % elsewhere['id'], None, fay['token'])[0] == 404
    # Not open yet: 409, and nothing started.
    status, later, _ = create_assignment(server, timed['teacher'], timed['code'], time_limit_minutes=5,
                                         opens_at=rfc3339(3600), due_at=rfc3339(7200))
    assert status == 201
    status, problem, _ = call(server, 'POST', '/api/v1/me/assignments/%s/start' % later['id'], None, fay['token'])
    assert status == 409 and 'opens' in problem['detail']
    assert 'started_at' not in mine(server, fay['token'], later['id'])
    assert call(server, 'GET', path, None, fay['token'])[0] == 405
