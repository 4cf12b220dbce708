"""Teachers' own banks through the API, against the live server with its real grading pool: an upload is checked as
`validate` checks a file (its model and wrong solutions graded) and answered 201 with namespaced ids or 422 with a
line per problem; ids of two teachers never collide; a teacher's questions are seen only by the classes they teach
(and hidden until an assignment that holds them opens); banks survive a restart; PUT gives a changed question a new
version. Every status asserted exactly."""
import copy
import datetime
import json
import os
import re
import time
import urllib.error
import urllib.request

import pytest

from live_server import TEACHER_TOKEN, Server, server  # noqa: F401 - `server` is a fixture
from test_hostile_http import Reader, connect

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
BOOTCAMP = os.path.join(REPO, 'examples', 'async-bootcamp', 'bank.built.json')
NAMESPACED = re.compile(r'(t[0-9a-f]{6,32}|admin)_([A-Za-z0-9-]+)')


def call(server, method, path, body=None, token=None, raw=None):
    headers = {'Authorization': 'Bearer ' + token} if token else {}
    if raw is not None:
        status, response_headers, data = _raw(server, method, path, raw, headers)
    else:
        status, response_headers, data = server.request(method, path, body, headers)
    kind = response_headers.get('Content-Type', '')
    if kind.startswith('application/problem+json'):
        problem = json.loads(data)
        assert problem['status'] == status
        return status, problem
    if kind.startswith('application/json'):
        return status, json.loads(data)
    return status, data


def _raw(server, method, path, raw, headers):
    """A body sent as these bytes (JSON that does not parse, say)."""
    headers = dict(headers, **{'Content-Type': 'application/json'})
    req = urllib.request.Request(server.base + path, data=raw, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def announced(server, method, path, length, token):
    """A request announcing a body of `length` bytes, of which only the start is sent: the answer."""
    head = ('%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n'
            'Authorization: Bearer %s\r\nConnection: close\r\n\r\n' % (method, path, length, token)).encode()
    with connect(server.port) as sock:
        sock.sendall(head + b'{"questions": [')
        return Reader(sock).response()


def ok(server, method, path, body=None, token=None, expect=200):
    status, payload = call(server, method, path, body, token)
    assert status == expect, (method, path, status, payload)
    return payload


def rfc3339(delta_seconds):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return moment.isoformat(timespec='seconds')


def bootcamp():
    with open(BOOTCAMP) as f:
        return json.load(f)['questions']


def small_bank(suffix=''):
    """Two code questions of the bootcamp (graded for real) and one single choice question; `suffix` on every id."""
    code = [q for q in bootcamp() if q['id'] in ('bootcamp-wait-random', 'bootcamp-wait-n')]
    assert len(code) == 2
    choice = {
        'id': 'await-or-not', 'topic': 'awaitables', 'kind': 'single_choice', 'title': 'Await a plain int?',
        'difficulty': 1, 'prompt': 'Can `await 3` run?', 'explanation': 'An int is not awaitable.',
        'hints': ['Think of `__await__`.'],
        'choices': [
            {'id': 'a', 'text': 'Yes', 'correct': False, 'feedback': 'An int has no `__await__`.'},
            {'id': 'b', 'text': 'No, TypeError', 'correct': True, 'feedback': 'Right: it is not awaitable.'},
        ],
    }
    for q in code + [choice]:
        q['id'] += suffix
    return {'questions': code + [choice]}


def teacher(server, name):
    return ok(server, 'POST', '/api/v1/teachers', {'name': name}, TEACHER_TOKEN, 201)


def new_class(server, token, name):
    return ok(server, 'POST', '/api/v1/classes', {'name': name}, token, 201)['code']


def join(server, code, name):
    return ok(server, 'POST', '/api/v1/students', {'name': name, 'class': code}, None, 201)['token']


def upload(server, token, bank):
    answer = ok(server, 'POST', '/api/v1/banks', bank, token, 201)
    assert set(answer) == {'id', 'questions', 'versions'}
    return answer


def solution(qid):
    return next(q['solution'] for q in bootcamp() if q['id'] == qid)


@pytest.fixture(scope='module')
def world(server):
    """Two teachers with a class each, a student in each class, and the same bank uploaded by both."""
    ann, bob = teacher(server, 'Ann Banks'), teacher(server, 'Bob Banks')
    ann_class, bob_class = new_class(server, ann['token'], 'Ann 1'), new_class(server, bob['token'], 'Bob 1')
    return {
        'ann': ann, 'bob': bob, 'ann_class': ann_class, 'bob_class': bob_class,
        'ann_bank': upload(server, ann['token'], small_bank()),
        'bob_bank': upload(server, bob['token'], small_bank()),
        'sue': join(server, ann_class, 'Sue'),  # in Ann's class
        'tom': join(server, bob_class, 'Tom'),  # in Bob's class
    }


def ids(world, who):
    return {NAMESPACED.fullmatch(q).group(2): q for q in world[who + '_bank']['questions']}


def test_an_upload_is_graded_and_gets_namespaced_ids(server, world):
    answer = world['ann_bank']
    assert [NAMESPACED.fullmatch(q).group(2) for q in answer['questions']] == [
        'bootcamp-wait-random', 'bootcamp-wait-n', 'await-or-not']
    namespace = {NAMESPACED.fullmatch(q).group(1) for q in answer['questions']}
    assert len(namespace) == 1 and namespace.pop().startswith('t')
    # The code questions' versions are the grader's hash of their grading data, the one bank/build.py writes.
    built = {q['id']: q['version'] for q in bootcamp()}
    mine = ids(world, 'ann')
    assert answer['versions'][mine['bootcamp-wait-random']] == built['bootcamp-wait-random']
    assert re.fullmatch(r'[0-9a-f]{16}', answer['versions'][mine['await-or-not']])
    listed = ok(server, 'GET', '/api/v1/banks', token=world['ann']['token'])['banks']
    assert [b['id'] for b in listed] == [answer['id']]
    assert listed[0]['questions'] == answer['questions']
    assert datetime.datetime.fromisoformat(listed[0]['created_at'].replace('Z', '+00:00'))


def test_two_teachers_uploading_the_same_ids_do_not_collide(server, world):
    ann, bob = ids(world, 'ann'), ids(world, 'bob')
    assert set(ann) == set(bob)
    assert not set(ann.values()) & set(bob.values())
    # Each sees only their own banks; the administrator sees both.
    assert [b['id'] for b in ok(server, 'GET', '/api/v1/banks', token=world['bob']['token'])['banks']] == [
        world['bob_bank']['id']]
    every = {b['id'] for b in ok(server, 'GET', '/api/v1/banks', token=TEACHER_TOKEN)['banks']}
    assert {world['ann_bank']['id'], world['bob_bank']['id']} <= every


def test_an_invalid_bank_gets_one_line_per_problem(server, world):
    bank = small_bank('-bad')
    wait_random, wait_n, choice = bank['questions']
    wait_random['solution'] = wait_random['wrong_solutions'][0]['code']   # the model solution fails
    wait_n['difficulty'] = 7                                             # out of range
    choice['hint'] = ['a misspelled key']                                # unknown key
    status, problem = call(server, 'POST', '/api/v1/banks', bank, world['ann']['token'])
    assert status == 422, problem
    errors = problem['errors']
    assert problem['detail'] == '\n'.join(errors)
    assert len(errors) == 3, errors
    assert any('question "bootcamp-wait-random-bad"' in e and 'the model solution does not pass' in e for e in errors)
    assert any('question "bootcamp-wait-n-bad"' in e and 'difficulty must be 1, 2 or 3' in e for e in errors)
    assert any('/questions/2/hint' in e and 'question "await-or-not-bad"' in e and 'unknown key' in e for e in errors)
    # A wrong solution that passes is named too (validate grades the declared wrong solutions).
    bank = small_bank('-bad')
    bank['questions'][0]['wrong_solutions'][1]['code'] = bank['questions'][0]['solution']
    status, problem = call(server, 'POST', '/api/v1/banks', bank, world['ann']['token'])
    assert status == 422
    assert len(problem['errors']) == 1 and 'wrong solution 2' in problem['errors'][0] \
        and 'passes' in problem['errors'][0], problem
    # A shape the decoder cannot read: the place is named.
    status, problem = call(server, 'POST', '/api/v1/banks', {'questions': [{'id': 'x'}]}, world['ann']['token'])
    assert status == 422 and problem['errors'] == ['bank: .questions[0].topic is missing'], problem
    # Nothing was kept.
    assert len(ok(server, 'GET', '/api/v1/banks', token=world['ann']['token'])['banks']) == 1


def test_bad_bodies_and_callers(server, world):
    token = world['ann']['token']
    assert call(server, 'POST', '/api/v1/banks', small_bank())[0] == 401
    assert call(server, 'POST', '/api/v1/banks', small_bank(), world['sue'])[0] == 401
    assert call(server, 'POST', '/api/v1/banks', token=token, raw=b'{"questions": [')[0] == 400
    status, problem = call(server, 'POST', '/api/v1/banks', token=token, raw=b'{"questions": []}')
    assert status == 422 and problem['errors'] == ['bank: questions: a bank needs at least one question']
    # A bank may be larger than other bodies (64 KiB), up to 1 MiB.
    big = small_bank('-big')
    big['questions'][2]['prompt'] = 'x' * (200 * 1024)
    accepted = upload(server, token, big)
    assert call(server, 'DELETE', '/api/v1/banks/' + accepted['id'], token=token)[0] == 204
    # Over 1 MiB: 413 from the Content-Length alone (the server does not wait for such a body).
    for method, path in (('POST', '/api/v1/banks'), ('PUT', '/api/v1/banks/' + world['ann_bank']['id'])):
        answer = announced(server, method, path, 1100 * 1024, token)
        assert answer.status == 413 and '1024 KiB' in answer.json()['detail'], answer
    # Every other route keeps the general limit.
    status, _ = call(server, 'POST', '/api/v1/classes', {'name': 'x' * (70 * 1024)}, token)
    assert status == 413
    # At most 100 questions in one bank.
    many = {'questions': [dict(small_bank()['questions'][2], id='many-%d' % n) for n in range(101)]}
    status, problem = call(server, 'POST', '/api/v1/banks', many, token)
    assert status == 422 and problem['errors'] == ['bank: questions: 101 questions; at most 100'], problem
    # A topic of its own is refused: a teacher's questions use the server's topics.
    bank = small_bank('-topic')
    bank['topics'] = [{'id': 'my-topic', 'title': 'Mine', 'summary': 'Mine.'}]
    status, problem = call(server, 'POST', '/api/v1/banks', bank, token)
    assert status == 422 and len(problem['errors']) == 1 and 'topic "my-topic"' in problem['errors'][0]


def test_ids_clashing_with_the_teachers_own_banks_are_refused_unless_replaced(server, world):
    status, problem = call(server, 'POST', '/api/v1/banks', small_bank(), world['ann']['token'])
    assert status == 422
    assert len(problem['errors']) == 3
    assert all(world['ann_bank']['id'] in e and 'already in your bank' in e for e in problem['errors'])
    # The teacher's own namespaced ids are taken as their own ids.
    bank = small_bank()
    bank['questions'] = bank['questions'][2:]
    bank['questions'][0]['id'] = ids(world, 'ann')['await-or-not']
    status, problem = call(server, 'POST', '/api/v1/banks', bank, world['ann']['token'])
    assert status == 422 and 'question "await-or-not"' in problem['errors'][0], problem


def test_teachers_questions_are_hidden_from_anonymous_callers(server, world):
    ann = ids(world, 'ann')
    listed = {q['id'] for q in ok(server, 'GET', '/api/v1/questions')['questions']}
    assert not listed & set(ann.values())
    for qid in ann.values():
        assert call(server, 'GET', '/api/v1/questions/' + qid)[0] == 404
        assert call(server, 'POST', '/api/v1/questions/%s/attempts' % qid, {'choices': ['b']})[0] == 404
    assert call(server, 'GET', '/api/v1/questions/%s/hints/1' % ann['await-or-not'])[0] == 404
    # Without the class parameter, a student still gets the built-in list only.
    assert {q['id'] for q in ok(server, 'GET', '/api/v1/questions', token=world['sue'])['questions']} == listed


def test_a_class_lists_its_teachers_questions_to_its_students(server, world):
    ann, bob = ids(world, 'ann'), ids(world, 'bob')
    built_in = {q['id'] for q in ok(server, 'GET', '/api/v1/questions')['questions']}
    listed = ok(server, 'GET', '/api/v1/questions?class=' + world['ann_class'], token=world['sue'])['questions']
    got = [q['id'] for q in listed]
    assert set(got) == built_in | set(ann.values())
    assert got[-3:] == world['ann_bank']['questions']
    shown = next(q for q in listed if q['id'] == ann['bootcamp-wait-random'])
    assert shown['kind'] == 'code' and 'starter' in shown
    assert not {'solution', 'wrong_solutions', 'tasks', 'version'} & set(shown)
    filtered = ok(server, 'GET', '/api/v1/questions?kind=code&class=' + world['ann_class'], token=world['sue'])
    assert ann['await-or-not'] not in {q['id'] for q in filtered['questions']}
    assert ann['bootcamp-wait-n'] in {q['id'] for q in filtered['questions']}
    # Another class's student, no token, an unknown class.
    assert call(server, 'GET', '/api/v1/questions?class=' + world['ann_class'], token=world['tom'])[0] == 403
    assert call(server, 'GET', '/api/v1/questions?class=' + world['ann_class'])[0] == 401
    assert call(server, 'GET', '/api/v1/questions?class=NOSUCH', token=world['sue'])[0] == 404
    # One at a time: Sue sees Ann's questions, not Bob's; Tom the reverse.
    assert ok(server, 'GET', '/api/v1/questions/' + ann['await-or-not'], token=world['sue'])['title'] == \
        'Await a plain int?'
    assert call(server, 'GET', '/api/v1/questions/' + bob['await-or-not'], token=world['sue'])[0] == 404
    assert call(server, 'GET', '/api/v1/questions/' + ann['await-or-not'], token=world['tom'])[0] == 404
    hint = ok(server, 'GET', '/api/v1/questions/%s/hints/1' % ann['await-or-not'], token=world['sue'])
    assert hint == {'question': ann['await-or-not'], 'n': 1, 'of': 1, 'hint': 'Think of `__await__`.'}
    # The owner sees theirs; the other teacher does not (they share no class).
    assert ok(server, 'GET', '/api/v1/questions/' + ann['await-or-not'], token=world['ann']['token'])
    assert call(server, 'GET', '/api/v1/questions/' + ann['await-or-not'], token=world['bob']['token'])[0] == 404


def test_a_students_attempt_on_a_teachers_question_is_graded_and_recorded(server, world):
    ann, bob = ids(world, 'ann'), ids(world, 'bob')
    qid = ann['bootcamp-wait-random']
    status, result = call(server, 'POST', '/api/v1/questions/%s/attempts' % qid,
                          {'code': solution('bootcamp-wait-random')}, world['sue'])
    assert status == 200 and result['verdict'] == 'passed', result
    assert result['version'] == world['ann_bank']['versions'][qid]
    status, result = call(server, 'POST', '/api/v1/questions/%s/attempts' % ann['await-or-not'],
                          {'choices': ['a']}, world['sue'])
    assert status == 200 and result['verdict'] == 'failed'
    assert call(server, 'POST', '/api/v1/questions/%s/attempts' % bob['await-or-not'],
                {'choices': ['b']}, world['sue'])[0] == 404
    results = ok(server, 'GET', '/api/v1/classes/%s/results' % world['ann_class'], token=world['ann']['token'])
    assert qid in json.dumps(results) and ann['await-or-not'] in json.dumps(results)
    mine = ok(server, 'GET', '/api/v1/me/attempts', token=world['sue'])
    assert {a['question'] for a in mine['attempts']} >= {qid, ann['await-or-not']}


def test_assignments_take_the_class_teachers_questions_and_hide_them_until_they_open(server, world):
    ann, bob = ids(world, 'ann'), ids(world, 'bob')
    path = '/api/v1/classes/%s/assignments' % world['ann_class']
    # Bob's question is not Ann's class's to assign.
    status, problem = call(server, 'POST', path, {
        'title': 'Not mine', 'questions': [bob['bootcamp-wait-n']], 'opens_at': rfc3339(-60),
        'due_at': rfc3339(3600)}, world['ann']['token'])
    assert status == 400 and 'questions[0]' in problem['detail'], problem
    # The choice question opens in a few seconds: hidden from Sue until then, never from Ann.
    qid = ann['await-or-not']
    ok(server, 'POST', path, {'title': 'Soon', 'questions': [qid, ann['bootcamp-wait-n']],
                              'opens_at': rfc3339(4), 'due_at': rfc3339(3600)}, world['ann']['token'], 201)
    listing = '/api/v1/questions?class=' + world['ann_class']

    def listed(token):
        return {q['id'] for q in ok(server, 'GET', listing, token=token)['questions']}

    assert qid not in listed(world['sue']) and ann['bootcamp-wait-n'] not in listed(world['sue'])
    assert ann['bootcamp-wait-random'] in listed(world['sue'])
    assert call(server, 'GET', '/api/v1/questions/' + qid, token=world['sue'])[0] == 404
    assert call(server, 'GET', '/api/v1/questions/%s/hints/1' % qid, token=world['sue'])[0] == 404
    assert call(server, 'POST', '/api/v1/questions/%s/attempts' % qid, {'choices': ['b']}, world['sue'])[0] == 404
    assert {qid, ann['bootcamp-wait-n']} <= listed(world['ann']['token'])
    assert ok(server, 'GET', '/api/v1/questions/' + qid, token=world['ann']['token'])['id'] == qid
    # Once it opens, Sue sees it and her attempt counts on the assignment.
    deadline = time.monotonic() + 30
    while qid not in listed(world['sue']):
        assert time.monotonic() < deadline, 'the question never opened'
        time.sleep(0.2)
    assert ok(server, 'GET', '/api/v1/questions/' + qid, token=world['sue'])['id'] == qid
    status, result = call(server, 'POST', '/api/v1/questions/%s/attempts' % qid, {'choices': ['b']}, world['sue'])
    assert status == 200 and result['verdict'] == 'passed'
    mine = ok(server, 'GET', '/api/v1/me/assignments', token=world['sue'])['assignments']
    soon = next(a for a in mine if a['title'] == 'Soon')
    assert soon['done'] == 1 and soon['total'] == 2


def test_put_replaces_a_bank_and_a_changed_question_gets_a_new_version(server, world):
    token = world['ann']['token']
    before = world['ann_bank']
    bank = small_bank()
    bank['questions'][0]['tasks'][0]['name'] = 'max_delay 10, renamed'   # the grading data changes
    bank['questions'] = bank['questions'][:1] + bank['questions'][2:]    # wait-n leaves the bank
    fresh = {'id': 'await-again', 'topic': 'awaitables', 'kind': 'predict_output', 'title': 'Print',
             'difficulty': 1, 'prompt': 'What does it print?', 'explanation': 'It prints 1.',
             'code': 'print(1)', 'answer': '1'}
    bank['questions'].append(fresh)
    answer = ok(server, 'PUT', '/api/v1/banks/' + before['id'], bank, token)
    mine = ids(world, 'ann')
    namespace = NAMESPACED.fullmatch(mine['await-or-not']).group(1)
    assert answer['id'] == before['id']
    assert answer['changed'] == [mine['bootcamp-wait-random']]
    assert answer['removed'] == [mine['bootcamp-wait-n']]
    assert answer['added'] == [namespace + '_await-again']
    versions = answer['versions']
    assert versions[mine['bootcamp-wait-random']] != before['versions'][mine['bootcamp-wait-random']]
    assert versions[mine['await-or-not']] == before['versions'][mine['await-or-not']]
    # Attempts on a kept id stay; a new attempt records the new version.
    qid = mine['bootcamp-wait-random']
    status, result = call(server, 'POST', '/api/v1/questions/%s/attempts' % qid,
                          {'code': solution('bootcamp-wait-random')}, world['sue'])
    assert status == 200 and result['version'] == versions[qid]
    attempts = [a for a in ok(server, 'GET', '/api/v1/me/attempts', token=world['sue'])['attempts']
                if a['question'] == qid]
    assert len(attempts) == 2
    # The removed question is gone for the student; its recorded attempts are not touched.
    assert call(server, 'GET', '/api/v1/questions/' + mine['bootcamp-wait-n'], token=world['sue'])[0] == 404
    # Only the owner (or the administrator) replaces; an invalid replacement changes nothing.
    assert call(server, 'PUT', '/api/v1/banks/' + before['id'], bank, world['bob']['token'])[0] == 403
    assert call(server, 'PUT', '/api/v1/banks/no-such-bank', bank, token)[0] == 404
    broken = copy.deepcopy(bank)
    broken['questions'][0]['solution'] = 'async def nothing(): pass\n'
    assert call(server, 'PUT', '/api/v1/banks/' + before['id'], broken, token)[0] == 422
    assert ok(server, 'GET', '/api/v1/banks', token=token)['banks'][0]['versions'] == versions
    world['ann_bank'] = dict(before, questions=answer['questions'], versions=versions)


def test_delete_is_the_owners_and_keeps_the_attempts(server, world):
    bob_bank = world['bob_bank']['id']
    assert call(server, 'DELETE', '/api/v1/banks/' + bob_bank, token=world['ann']['token'])[0] == 403
    assert call(server, 'DELETE', '/api/v1/banks/' + bob_bank)[0] == 401
    assert call(server, 'DELETE', '/api/v1/banks/no-such-bank', token=world['bob']['token'])[0] == 404
    bob = ids(world, 'bob')
    qid = bob['await-or-not']
    status, _ = call(server, 'POST', '/api/v1/questions/%s/attempts' % qid, {'choices': ['b']}, world['tom'])
    assert status == 200
    assert call(server, 'DELETE', '/api/v1/banks/' + bob_bank, token=world['bob']['token'])[0] == 204
    assert call(server, 'DELETE', '/api/v1/banks/' + bob_bank, token=world['bob']['token'])[0] == 404
    assert ok(server, 'GET', '/api/v1/banks', token=world['bob']['token'])['banks'] == []
    assert call(server, 'GET', '/api/v1/questions/' + qid, token=world['tom'])[0] == 404
    assert call(server, 'GET', '/api/v1/questions/' + qid, token=world['bob']['token'])[0] == 404
    assert qid in {a['question'] for a in ok(server, 'GET', '/api/v1/me/attempts', token=world['tom'])['attempts']}
    # The same ids may be uploaded again once the bank is gone.
    again = upload(server, world['bob']['token'], small_bank())
    assert again['questions'] == world['bob_bank']['questions']


def test_a_co_teachers_questions_are_the_class_questions_too(server, world):
    ann, bob = ids(world, 'ann'), ids(world, 'bob')
    listing = '/api/v1/questions?class=' + world['ann_class']
    assert bob['await-or-not'] not in {q['id'] for q in ok(server, 'GET', listing, token=world['sue'])['questions']}
    assert call(server, 'GET', listing, token=world['bob']['token'])[0] == 403
    ok(server, 'POST', '/api/v1/classes/%s/teachers' % world['ann_class'], {'teacher': world['bob']['id']},
       world['ann']['token'], 204)
    # Bob co-teaches Ann's class now: Sue sees his questions, Bob sees Ann's, and Ann may assign his.
    assert bob['await-or-not'] in {q['id'] for q in ok(server, 'GET', listing, token=world['sue'])['questions']}
    assert ok(server, 'GET', '/api/v1/questions/' + bob['await-or-not'], token=world['sue'])['id'] == \
        bob['await-or-not']
    assert ok(server, 'GET', '/api/v1/questions/' + ann['await-or-not'], token=world['bob']['token'])
    assert {ann['await-or-not'], bob['await-or-not']} <= {
        q['id'] for q in ok(server, 'GET', listing, token=world['bob']['token'])['questions']}
    ok(server, 'POST', '/api/v1/classes/%s/assignments' % world['ann_class'], {
        'title': 'Both', 'questions': [bob['await-or-not']], 'opens_at': rfc3339(-60), 'due_at': rfc3339(3600)},
       world['ann']['token'], 201)
    # Tom, in Bob's own class, still does not see Ann's.
    assert call(server, 'GET', '/api/v1/questions/' + ann['await-or-not'], token=world['tom'])[0] == 404


def test_banks_survive_a_restart():
    first = Server()
    try:
        ann = teacher(first, 'Ann Restart')
        code = new_class(first, ann['token'], 'Restart class')
        sue = join(first, code, 'Sue')
        bank = upload(first, ann['token'], small_bank())
        assert first.stop() == 0
        second = Server(data_dir=first.data_dir)
        try:
            listed = ok(second, 'GET', '/api/v1/banks', token=ann['token'])['banks']
            assert [(b['id'], b['questions'], b['versions']) for b in listed] == [
                (bank['id'], bank['questions'], bank['versions'])]
            qid = bank['questions'][0]
            assert ok(second, 'GET', '/api/v1/questions/' + qid, token=sue)['id'] == qid
            assert call(second, 'GET', '/api/v1/questions/' + qid)[0] == 404
            status, result = call(second, 'POST', '/api/v1/questions/%s/attempts' % qid,
                                  {'code': solution('bootcamp-wait-random')}, sue)
            assert status == 200 and result['verdict'] == 'passed'
            # The namespace is the teacher's for good: a new bank after the restart gets the same prefix.
            more = small_bank()
            for q in more['questions']:
                q['id'] += '-2'
            again = upload(second, ann['token'], more)
            assert {NAMESPACED.fullmatch(q).group(1) for q in again['questions']} == \
                {NAMESPACED.fullmatch(qid).group(1)}
            assert second.stop() == 0
        finally:
            second.cleanup()
    finally:
        first.cleanup()


def drawn_question(cap):
    """code-bounded-fetch's first task as a teacher's question, with the limit its check allows drawn per attempt
    from `cap` ([lo, hi]) while the task always passes a limit of 2: any other draw breaks the model solution."""
    with open(os.path.join(REPO, 'grader', 'code_questions.json')) as f:
        q = next(q for q in json.load(f)['questions'] if q['id'] == 'code-bounded-fetch')
    q = json.loads(json.dumps(q))
    q['id'] = 'bounded-drawn'
    q.pop('version', None)
    q['wrong_solutions'] = q['wrong_solutions'][:3]     # the fourth needs the task with a limit of 1
    task = q['tasks'][0]
    task['vary']['cap'] = {'int': cap}
    checks = [c for c in task['checks'] if c['check'] == 'in_flight']
    assert checks, task['checks']
    for check in checks:
        check['max'] = {'$vary': 'cap'}
    q['tasks'] = [task]
    return q


def test_a_question_is_checked_on_several_draws_of_its_example_tasks(server, world):
    status, problem = call(server, 'POST', '/api/v1/banks', {'questions': [drawn_question([1, 3])]},
                           world['ann']['token'])
    assert status == 422, problem
    assert any('question "bounded-drawn"' in e and 'the model solution does not pass' in e
               and 'example tasks drawn with seed' in e for e in problem['errors']), problem['errors']
    # Every draw the limit the task passes: the model solution passes on each, and the bank is taken.
    answer = upload(server, world['ann']['token'], {'questions': [drawn_question([2, 2])]})
    assert len(answer['questions']) == 1
    ok(server, 'DELETE', '/api/v1/banks/' + answer['id'], token=world['ann']['token'], expect=204)


def predict_question(answer):
    return {
        'id': 'prints-sum', 'topic': 'coroutines', 'kind': 'predict_output', 'title': 'A sum, awaited',
        'difficulty': 1, 'prompt': 'What does this program print?', 'explanation': 'The coroutine returns 3 + 4.',
        'hints': ['What does `await add(3, 4)` give back?'],
        'code': 'import asyncio\n\nasync def add(a, b):\n    return a + b\n\nprint(asyncio.run(add(3, 4)))\n',
        'answer': answer,
    }


def test_a_predict_output_key_is_proven_by_running_its_program(server, world):
    status, problem = call(server, 'POST', '/api/v1/banks', {'questions': [predict_question('34\n')]},
                           world['ann']['token'])
    assert status == 422, problem
    assert problem['errors'] == [
        'bank: question "prints-sum": the answer is not what the program prints; it prints "7\\n"'], problem
    answer = upload(server, world['ann']['token'], {'questions': [predict_question('7\n')]})
    ok(server, 'DELETE', '/api/v1/banks/' + answer['id'], token=world['ann']['token'], expect=204)
