"""Teachers sign in with a name and a password (scrypt) into an HttpOnly, SameSite=Strict session cookie, against the
live server: the cookie opens what the teacher's token opens and nothing more, and ends on sign-out, on a password
change and when the teacher is deleted. Every status asserted exactly."""
import json
import os
import sqlite3
import uuid

import pytest

from live_server import TEACHER_TOKEN, Server, server  # noqa: F401 - `server` is a fixture

PASSWORD = 'correct horse battery staple'


def call(server, method, path, body=None, token=None, cookie=None):
    headers = {}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    if cookie:
        headers['Cookie'] = cookie
    status, response_headers, raw = server.request(method, path, body, headers)
    payload = json.loads(raw) if raw and response_headers.get('Content-Type', '').split(';')[0].endswith('json') else raw
    return status, payload, response_headers


def new_teacher(server, name):
    status, teacher, _ = call(server, 'POST', '/api/v1/teachers', {'name': name}, TEACHER_TOKEN)
    assert status == 201
    return teacher


def set_password(server, teacher, login, password=PASSWORD, expect=204):
    status, payload, _ = call(server, 'PUT', '/api/v1/teachers/me/password', {'login': login, 'password': password},
                              teacher['token'])
    assert status == expect, payload
    return payload


def sign_in(server, login, password=PASSWORD):
    return call(server, 'POST', '/api/v1/sessions', {'login': login, 'password': password})


def session_cookie(headers):
    """`name=value` of the session cookie, and its attributes."""
    [set_cookie] = [v for k, v in headers.items() if k.lower() == 'set-cookie']
    first, *attributes = [part.strip() for part in set_cookie.split(';')]
    return first, attributes


def test_a_teacher_signs_in_and_the_cookie_opens_their_classes_only(server):
    ada, bob = new_teacher(server, 'Ada S'), new_teacher(server, 'Bob S')
    set_password(server, ada, '  Ada@School.example ')
    mine = call(server, 'POST', '/api/v1/classes', {'name': 'Ada only'}, ada['token'])[1]['code']
    theirs = call(server, 'POST', '/api/v1/classes', {'name': 'Bob only'}, bob['token'])[1]['code']

    status, signed, headers = sign_in(server, 'ada@school.example')
    assert status == 201
    assert signed['id'] == ada['id'] and signed['name'] == 'Ada S' and 'expires_at' in signed
    cookie, attributes = session_cookie(headers)
    name, value = cookie.split('=', 1)
    assert name == 'quiz_session' and len(value) == 43 and value != ada['token']
    assert set(attributes) == {'Path=/api/', 'Max-Age=43200', 'HttpOnly', 'SameSite=Strict'}

    status, listed, _ = call(server, 'GET', '/api/v1/classes', cookie=cookie)
    assert status == 200 and [c['code'] for c in listed['classes']] == [mine]
    assert call(server, 'GET', '/api/v1/classes/%s/results' % mine, cookie=cookie)[0] == 200
    assert call(server, 'GET', '/api/v1/classes/%s/results' % theirs, cookie=cookie)[0] == 403
    assert call(server, 'GET', '/api/v1/teachers', cookie=cookie)[0] == 403       # not the administrator
    assert call(server, 'GET', '/api/v1/classes', cookie='quiz_session=forged')[0] == 401
    assert call(server, 'GET', '/api/v1/classes', cookie='other=1; ' + cookie + '; more=2')[0] == 200
    # A cookie is not a student's token.
    assert call(server, 'GET', '/api/v1/me/attempts', cookie=cookie)[0] == 401

    # The store keeps the scrypt hash of the password and the SHA-256 of the session, never either itself.
    with sqlite3.connect(os.path.join(server.data_dir, 'quiz.sqlite')) as db:
        (stored,) = db.execute('SELECT password_hash FROM teachers WHERE id = ?', (ada['id'],)).fetchone()
    assert stored.startswith('scrypt$15$8$1$') and PASSWORD not in stored
    raw = open(os.path.join(server.data_dir, 'quiz.sqlite'), 'rb').read()
    assert PASSWORD.encode() not in raw and value.encode() not in raw

    # Signing out ends the session and clears the cookie.
    status, _, headers = call(server, 'DELETE', '/api/v1/sessions', cookie=cookie)
    assert status == 204
    cleared, attributes = session_cookie(headers)
    assert cleared == 'quiz_session=' and 'Max-Age=0' in attributes
    assert call(server, 'GET', '/api/v1/classes', cookie=cookie)[0] == 401
    assert call(server, 'DELETE', '/api/v1/sessions')[0] == 204


def test_a_wrong_password_and_an_unknown_name_are_refused_alike(server):
    teacher = new_teacher(server, 'Cleo S')
    set_password(server, teacher, 'cleo')
    wrong = sign_in(server, 'cleo', 'not the password')
    unknown = sign_in(server, 'nobody-at-all', PASSWORD)
    assert wrong[0] == unknown[0] == 401
    assert wrong[1]['detail'] == unknown[1]['detail'] == 'Wrong sign-in name or password.'
    assert 'Set-Cookie' not in wrong[2]
    assert sign_in(server, 'cleo')[0] == 201


def test_setting_a_password_needs_a_teachers_credential_and_valid_fields(server):
    teacher, other = new_teacher(server, 'Dan S'), new_teacher(server, 'Eve S')
    body = {'login': 'dan', 'password': PASSWORD}
    assert call(server, 'PUT', '/api/v1/teachers/me/password', body)[0] == 401
    assert call(server, 'PUT', '/api/v1/teachers/me/password', body, 'forged')[0] == 401
    assert call(server, 'PUT', '/api/v1/teachers/me/password', body, TEACHER_TOKEN)[0] == 403
    for login in ('d', 'has space', 'x' * 65, 'émile'):
        problem = set_password(server, teacher, login, expect=400)
        assert problem['detail'].startswith('Field "login"')
    for password in ('short', 'y' * 201):
        problem = set_password(server, teacher, 'dan', password, expect=400)
        assert problem['detail'].startswith('Field "password"')
    set_password(server, teacher, 'dan')
    problem = set_password(server, other, 'DAN', expect=409)
    assert 'dan' in problem['detail']
    set_password(server, teacher, 'dan')                       # the same teacher again: fine


def test_a_password_change_or_deleting_the_teacher_ends_their_sessions(server):
    teacher = new_teacher(server, 'Fay S')
    set_password(server, teacher, 'fay')
    first = session_cookie(sign_in(server, 'fay')[2])[0]
    second = session_cookie(sign_in(server, 'fay')[2])[0]
    assert first != second
    assert call(server, 'GET', '/api/v1/classes', cookie=first)[0] == 200
    set_password(server, teacher, 'fay', 'a new password here')
    assert call(server, 'GET', '/api/v1/classes', cookie=first)[0] == 401
    assert call(server, 'GET', '/api/v1/classes', cookie=second)[0] == 401
    assert sign_in(server, 'fay')[0] == 401
    status, _, headers = sign_in(server, 'fay', 'a new password here')
    assert status == 201
    third = session_cookie(headers)[0]
    assert call(server, 'GET', '/api/v1/classes', cookie=third)[0] == 200
    assert call(server, 'DELETE', '/api/v1/teachers/' + teacher['id'], token=TEACHER_TOKEN)[0] == 204
    assert call(server, 'GET', '/api/v1/classes', cookie=third)[0] == 401
    assert sign_in(server, 'fay', 'a new password here')[0] == 401


def test_sign_in_attempts_are_limited_per_address():
    own = Server()          # a server of its own: the limit counts every attempt from 127.0.0.1
    try:
        teacher = new_teacher(own, 'Gus S')
        set_password(own, teacher, 'gus')
        statuses = [sign_in(own, 'gus', 'wrong password %d' % n)[0] for n in range(10)]
        assert statuses == [401] * 10
        status, problem, headers = sign_in(own, 'gus')
        assert status == 429 and problem['title'] == 'Too Many Requests'
        assert 1 <= int(headers['Retry-After']) <= 60
        # The token still works: the limit is on guessing passwords, nothing else.
        assert call(own, 'GET', '/api/v1/classes', token=teacher['token'])[0] == 200
        assert own.stop() == 0
    finally:
        own.cleanup()


@pytest.mark.parametrize('trusted,proto,secure', [
    (True, 'https', True),
    (True, 'https, http', True),        # the first hop's scheme is the client's
    (True, 'http', False),
    (False, 'https', False),            # anyone may write the header: believed only from a trusted proxy
])
def test_the_session_cookie_is_secure_when_a_trusted_proxy_says_https(trusted, proto, secure):
    proxy = Server(['--trusted-proxy', '127.0.0.1'] if trusted else [])
    try:
        teacher = new_teacher(proxy, 'Secure S')
        login = 'secure-%s@school.example' % uuid.uuid4().hex[:8]
        set_password(proxy, teacher, login)
        headers = {'X-Forwarded-Proto': proto, 'X-Forwarded-For': '203.0.113.9'}
        for method, path, body, expect in (
                ('POST', '/api/v1/sessions', {'login': login, 'password': PASSWORD}, 201),
                ('DELETE', '/api/v1/sessions', None, 204)):
            status, response_headers, _ = proxy.request(method, path, body, headers)
            assert status == expect
            _, attributes = session_cookie(response_headers)
            assert ('Secure' in attributes) is secure
    finally:
        proxy.stop()
        proxy.cleanup()
