"""Item analysis against the live server: a small class whose every number is known (a single-choice, a
multiple-choice and a code question, the code graded for real in the sandbox), a removed student left out, an
assignment counted from its opens_at, and who may read it. Real HTTP on loopback, a real SQLite file."""
import datetime
import json
import math
import os
import time

import pytest

from live_server import TEACHER_TOKEN, server  # noqa: F401 - `server` is a fixture

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
GOOD_FETCH_ALL = ('import asyncio\n\nasync def fetch_all(fetch, items):\n'
                  '    return await asyncio.gather(*(fetch(i) for i in items))\n')
SERIAL_FETCH_ALL = 'async def fetch_all(fetch, items):\n    return [await fetch(i) for i in items]\n'


def bank():
    with open(os.path.join(REPO, 'questions.json')) as f:
        return {q['id']: q for q in json.load(f)['questions']}


def call(server, method, path, body=None, token=None):
    headers = {'Authorization': 'Bearer ' + token} if token else {}
    status, response_headers, raw = server.request(method, path, body, headers)
    content_type = response_headers.get('Content-Type', '')
    if content_type.startswith(('application/json', 'application/problem+json')):
        return status, json.loads(raw)
    return status, raw


def ok(server, method, path, body=None, token=None, expect=200):
    status, payload = call(server, method, path, body, token)
    assert status == expect, (method, path, status, payload)
    return payload


def answer(server, question, body, token):
    result = ok(server, 'POST', '/api/v1/questions/%s/attempts' % question, body, token)
    return result


def item_rest(pairs):
    """Pearson's r of (best, rest) pairs, rounded as the server rounds; None when undefined."""
    n = len(pairs)
    if n < 2:
        return None
    mx = sum(x for x, _ in pairs) / n
    my = sum(y for _, y in pairs) / n
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    syy = sum((y - my) ** 2 for _, y in pairs)
    if sxx < 1e-12 or syy < 1e-12:
        return None
    r = sum((x - mx) * (y - my) for x, y in pairs) / math.sqrt(sxx * syy)
    return round(r, 4)


def rfc3339(moment):
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec='seconds').replace('+00:00', 'Z')


@pytest.fixture(scope='module')
def course(server):
    """Owner, co-teacher, another teacher; students Ada, Ben, Cy, Dee and Rex (removed at the end). Every answer
    is sent through the API; the code ones are graded in the sandbox."""
    questions = bank()
    single = next(q for q in questions.values() if q['kind'] == 'single_choice' and len(q['choices']) >= 3)
    multiple = next(q for q in questions.values() if q['kind'] == 'multiple_choice'
                    and sum(c['correct'] for c in q['choices']) >= 2
                    and any(not c['correct'] for c in q['choices']))
    s_right = next(c['id'] for c in single['choices'] if c['correct'])
    s_wrong = [c['id'] for c in single['choices'] if not c['correct']][:2]
    m_right = sorted(c['id'] for c in multiple['choices'] if c['correct'])
    m_wrong = next(c['id'] for c in multiple['choices'] if not c['correct'])

    owner = ok(server, 'POST', '/api/v1/teachers', {'name': 'Analysis owner'}, TEACHER_TOKEN, 201)
    co = ok(server, 'POST', '/api/v1/teachers', {'name': 'Analysis co'}, TEACHER_TOKEN, 201)
    other = ok(server, 'POST', '/api/v1/teachers', {'name': 'Analysis other'}, TEACHER_TOKEN, 201)
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Analysed'}, owner['token'], 201)['code']
    assert call(server, 'POST', '/api/v1/classes/%s/teachers' % code, {'teacher': co['id']}, owner['token'])[0] == 204
    students = {name: ok(server, 'POST', '/api/v1/students', {'name': name, 'class': code}, None, 201)
                for name in ('Ada', 'Ben', 'Cy', 'Dee', 'Rex')}
    tok = {name: s['token'] for name, s in students.items()}
    S, M, C = single['id'], multiple['id'], 'code-fetch-all'

    serial = answer(server, C, {'code': SERIAL_FETCH_ALL}, tok['Ada'])
    assert serial['verdict'] == 'failed' and 0 < serial['score'] < 1, serial
    good = answer(server, C, {'code': GOOD_FETCH_ALL}, tok['Ada'])
    assert good['verdict'] == 'passed' and good['score'] == 1, good
    answer(server, C, {'code': GOOD_FETCH_ALL}, tok['Ben'])
    again = answer(server, C, {'code': SERIAL_FETCH_ALL}, tok['Cy'])
    assert again['score'] == serial['score'] and [t['status'] for t in again['tasks']] == \
        [t['status'] for t in serial['tasks']]
    answer(server, C, {'code': SERIAL_FETCH_ALL}, tok['Rex'])

    answer(server, S, {'choices': [s_right]}, tok['Ada'])
    answer(server, S, {'choices': [s_wrong[0]]}, tok['Ben'])
    answer(server, S, {'choices': [s_right]}, tok['Ben'])
    answer(server, S, {'choices': [s_wrong[1]]}, tok['Cy'])
    answer(server, S, {'choices': [s_right]}, tok['Dee'])
    answer(server, S, {'choices': [s_wrong[0]]}, tok['Rex'])

    answer(server, M, {'choices': [m_wrong]}, tok['Ada'])
    answer(server, M, {'choices': m_right}, tok['Ada'])
    answer(server, M, {'choices': m_right}, tok['Ben'])
    answer(server, M, {'choices': [m_right[0], m_wrong]}, tok['Rex'])

    assert call(server, 'DELETE', '/api/v1/classes/%s/students/%s' % (code, students['Rex']['id']),
                token=owner['token'])[0] == 204
    return {'code': code, 'owner': owner, 'co': co, 'other': other, 'students': students, 'tokens': tok,
            'single': single, 'multiple': multiple, 's_right': s_right, 's_wrong': s_wrong, 'm_right': m_right,
            'm_wrong': m_wrong, 'serial': serial, 'good': good}


def by_id(analysis):
    return {q['id']: q for q in analysis['questions']}


def test_the_class_analysis_has_every_number_right(server, course):
    analysis = ok(server, 'GET', '/api/v1/classes/%s/analysis' % course['code'], token=course['owner']['token'])
    assert analysis['class'] == {'code': course['code'], 'name': 'Analysed'}
    items = by_id(analysis)
    S, M, C = course['single']['id'], course['multiple']['id'], 'code-fetch-all'
    # No assignment yet: the questions attempted, by id.
    assert [q['id'] for q in analysis['questions']] == sorted([S, M, C])
    serial = course['serial']['score']
    # Best scores (Rex removed: left out everywhere).
    best = {'Ada': {S: 1, M: 1, C: 1}, 'Ben': {S: 1, M: 1, C: 1}, 'Cy': {S: 0, C: serial}, 'Dee': {S: 1}}

    def pairs(question):
        return [(b[question], sum(b.values()) - b[question]) for b in best.values() if question in b]

    single = items[S]
    assert single['attempts'] == 5 and single['students'] == 4
    assert single['first_try_right'] == 0.5            # Ada and Dee right first; Ben and Cy not
    assert single['mean_best'] == 0.75
    assert single['discrimination'] == item_rest(pairs(S))
    assert single['kind'] == 'single_choice' and single['title'] == course['single']['title']
    expected_options = {c['id']: 0 for c in course['single']['choices']}
    expected_options[course['s_right']] = 2              # first attempts: Ada, Dee
    expected_options[course['s_wrong'][0]] = 1           # Ben's first (Rex's is not counted)
    expected_options[course['s_wrong'][1]] = 1           # Cy
    assert single['options'] == expected_options
    assert 'task_statuses' not in single

    multiple = items[M]
    assert multiple['attempts'] == 3 and multiple['students'] == 2
    assert multiple['first_try_right'] == 0.5 and multiple['mean_best'] == 1
    # Both best scores are 1: the score does not vary, so no correlation.
    assert multiple['discrimination'] is None
    expected_options = {c['id']: 0 for c in course['multiple']['choices']}
    expected_options[course['m_wrong']] = 1               # Ada's first
    for choice in course['m_right']:
        expected_options[choice] = 1                      # Ben's first picked each right choice
    assert multiple['options'] == expected_options

    code = items[C]
    assert code['attempts'] == 4 and code['students'] == 3
    assert code['first_try_right'] == round(1 / 3, 4)    # Ben only
    assert code['mean_best'] == round((1 + 1 + serial) / 3, 4)
    assert code['discrimination'] == item_rest(pairs(C))
    assert 'options' not in code
    # Every attempt counts here: Ada's serial and good, Ben's good, Cy's serial (Rex's serial is left out).
    expected_tasks = {}
    for result in (course['serial'], course['good'], course['good'], course['serial']):
        for task in result['tasks']:
            counts = expected_tasks.setdefault(task['name'], {})
            counts[task['status']] = counts.get(task['status'], 0) + 1
    assert code['task_statuses'] == expected_tasks
    assert any('not_concurrent' in statuses for statuses in code['task_statuses'].values())


def test_an_assignment_counts_its_questions_from_opens_at(server, course):
    owner = course['owner']['token']
    S, C = course['single']['id'], 'code-fetch-all'
    opens = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=1)
    assignment = ok(server, 'POST', '/api/v1/classes/%s/assignments' % course['code'],
                    {'title': 'Retake', 'questions': [C, S], 'opens_at': rfc3339(opens),
                     'due_at': rfc3339(opens + datetime.timedelta(days=1)), 'key': 'now'}, owner, 201)
    # Wait for the opening second to pass (on the clock, not a guess), then answer.
    while datetime.datetime.now(datetime.timezone.utc) <= opens + datetime.timedelta(milliseconds=50):
        time.sleep(0.05)
    answer(server, S, {'choices': [course['s_right']]}, course['tokens']['Cy'])
    answer(server, S, {'choices': [course['s_wrong'][0]]}, course['tokens']['Dee'])

    scoped = ok(server, 'GET', '/api/v1/classes/%s/analysis?assignment=%s' % (course['code'], assignment['id']),
                token=owner)
    assert scoped['assignment'] == {'id': assignment['id'], 'title': 'Retake'}
    assert [q['id'] for q in scoped['questions']] == [C, S]      # the assignment's order
    code, single = scoped['questions']
    assert (code['attempts'], code['students'], code['first_try_right'], code['mean_best'],
            code['discrimination'], code['task_statuses']) == (0, 0, None, None, None, {})
    assert single['attempts'] == 2 and single['students'] == 2
    assert single['first_try_right'] == 0.5 and single['mean_best'] == 0.5
    # Cy: 1 on the single, 0 on the rest; Dee: 0 and 0. The rest does not vary: no correlation.
    assert single['discrimination'] is None
    assert single['options'][course['s_right']] == 1 and single['options'][course['s_wrong'][0]] == 1
    assert sum(single['options'].values()) == 2

    # The whole class now lists the assignment's questions first, and counts the new attempts too.
    whole = ok(server, 'GET', '/api/v1/classes/%s/analysis' % course['code'], token=owner)
    assert [q['id'] for q in whole['questions']][:2] == [C, S]
    assert by_id(whole)[S]['attempts'] == 7 and by_id(whole)[S]['students'] == 4
    # First attempts are still the first ever.
    assert by_id(whole)[S]['first_try_right'] == 0.5


def test_who_may_read_the_analysis(server, course):
    path = '/api/v1/classes/%s/analysis' % course['code']
    for token in (course['owner']['token'], course['co']['token'], TEACHER_TOKEN):
        assert call(server, 'GET', path, token=token)[0] == 200
    status, problem = call(server, 'GET', path, token=course['other']['token'])
    assert status == 403 and problem['title'] == 'Forbidden'
    for token in (None, 'not-a-token', course['tokens']['Ada'], course['tokens']['Rex']):
        status, problem = call(server, 'GET', path, token=token)
        assert status == 401, (token, problem)
    assert call(server, 'GET', '/api/v1/classes/ZZZZZZ/analysis', token=course['owner']['token'])[0] == 404
    status, problem = call(server, 'GET', path + '?assignment=no-such-assignment', token=course['owner']['token'])
    assert status == 404 and 'no-such-assignment' in problem['detail']
    # Another class's assignment is not this class's.
    other_class = ok(server, 'POST', '/api/v1/classes', {'name': 'Elsewhere'}, TEACHER_TOKEN, 201)['code']
    elsewhere = ok(server, 'POST', '/api/v1/classes/%s/assignments' % other_class,
                   {'title': 'X', 'questions': ['code-fetch-all'], 'opens_at': '2020-01-01T00:00:00Z',
                    'due_at': '2020-01-02T00:00:00Z'}, TEACHER_TOKEN, 201)['id']
    assert call(server, 'GET', path + '?assignment=' + elsewhere, token=TEACHER_TOKEN)[0] == 404


def test_an_empty_class_has_no_questions(server):
    code = ok(server, 'POST', '/api/v1/classes', {'name': 'Empty'}, TEACHER_TOKEN, 201)['code']
    assert ok(server, 'GET', '/api/v1/classes/%s/analysis' % code, token=TEACHER_TOKEN)['questions'] == []
    # An empty assignment parameter is none: the whole class.
    whole = ok(server, 'GET', '/api/v1/classes/%s/analysis?assignment=' % code, token=TEACHER_TOKEN)
    assert whole['questions'] == [] and 'assignment' not in whole
